//! A second, independent reader: LibreOffice converts the XLSX to CSV and its cells must equal
//! the rows. Skipped with a note when `soffice` is not installed, unless
//! `PLANWATCH_REQUIRE_TOOLS=1` (set by CI), where a missing tool is a failure.
//!
//! Install on Debian: `apt-get install -y --no-install-recommends libreoffice-calc-nogui`.

mod common;

use common::*;
use planwatch_export::{targets_xlsx, tasks_xlsx};
use planwatch_testkit::{scratch, soffice_convert};
use std::path::Path;

const INSTALL: &str = "apt-get install -y --no-install-recommends libreoffice-calc-nogui";

/// Converts `xlsx` (its first sheet) to CSV with LibreOffice and returns the records.
fn libreoffice_csv(soffice: &Path, tag: &str, xlsx: &[u8]) -> Vec<Vec<String>> {
    let dir = scratch(&format!("export-lo-{tag}"));
    let input = dir.join(format!("{tag}.xlsx"));
    std::fs::write(&input, xlsx).unwrap();
    // Comma, double quote, UTF-8 (76), from line 1.
    let out = soffice_convert(soffice, "csv:Text - txt - csv (StarCalc):44,34,76,1", &[input], &dir);
    let csv_path = dir.join(format!("{tag}.csv"));
    assert!(
        out.status.success() && csv_path.is_file(),
        "soffice failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&csv_path).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Compares LibreOffice's CSV cell with what the cell should be. Numbers are compared by
/// value, as LibreOffice prints them in the General format.
fn assert_cell(got: Option<&String>, want: &Want, at: &str) {
    let got = got.map_or("", String::as_str);
    match want {
        Want::Text(t) => assert_eq!(got, t, "{at}"),
        Want::Num(n) => assert_eq!(got.parse::<f64>().ok(), Some(*n), "{at}: {got:?}"),
        Want::Empty => assert_eq!(got, "", "{at}"),
    }
}

fn check(records: &[Vec<String>], headers: &[&str], rows: &[Vec<Want>]) {
    assert_eq!(records.len(), rows.len() + 1, "header plus rows: {records:?}");
    assert_eq!(records[0], headers);
    for (r, want) in rows.iter().enumerate() {
        for (c, w) in want.iter().enumerate() {
            assert_cell(records[r + 1].get(c), w, &format!("row {r} column {}", headers[c]));
        }
    }
}

#[test]
fn libreoffice_reads_the_same_cells() {
    let Some(soffice) = planwatch_testkit::soffice(INSTALL) else { return };

    // Tasks: the hand-made edge cases, then ordinary rows.
    let mut tasks = sample_tasks();
    // LibreOffice turns a CR LF inside a cell into LF (calamine reads the CR back exactly);
    // that is its choice, not a fault of the file.
    tasks[2].source = tasks[2].source.replace("\r\n", "\n");
    tasks.extend(many_tasks(20));
    let records = libreoffice_csv(&soffice, "tasks", &tasks_xlsx(PLAN, &tasks).unwrap());
    let want: Vec<_> = tasks.iter().enumerate().map(|(i, r)| task_cells(r, i + 1)).collect();
    check(&records, &TASK_HEADERS, &want);

    let targets = sample_targets();
    let records = libreoffice_csv(&soffice, "targets", &targets_xlsx("目标台账", &targets).unwrap());
    let want: Vec<_> = targets.iter().enumerate().map(|(i, r)| target_cells(r, i + 1)).collect();
    check(&records, &TARGET_HEADERS, &want);
}

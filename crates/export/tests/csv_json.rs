//! CSV and JSON: read back with the `csv` crate and serde_json.

mod common;

use common::*;
use planwatch_export::{targets_csv, targets_json, targets_xlsx, tasks_csv, tasks_json, TargetRow, TaskRow};

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(BOM), "UTF-8 BOM for Excel");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(&bytes[BOM.len()..]);
    reader.records().map(|r| r.expect("valid CSV").iter().map(str::to_string).collect()).collect()
}

/// What a cell must be in CSV: formula-like text gets the `'` prefix, numbers their shortest
/// decimal form, empty stays empty.
fn csv_cell(want: &Want) -> String {
    match want {
        Want::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => format!("'{t}"),
        Want::Text(t) => t.clone(),
        Want::Num(n) => n.to_string(),
        Want::Empty => String::new(),
    }
}

#[test]
fn tasks_csv_round_trip() {
    let rows = sample_tasks();
    let bytes = tasks_csv(&rows).unwrap();
    let records = read_csv(&bytes);
    assert_eq!(records[0], TASK_HEADERS);
    assert_eq!(records.len(), rows.len() + 1);
    for (i, row) in rows.iter().enumerate() {
        let want: Vec<String> = task_cells(row, i + 1).iter().map(csv_cell).collect();
        assert_eq!(records[i + 1], want, "row {i}");
    }
    // The injection prefix in plain words.
    assert_eq!(records[3][3], format!("'{}", rows[2].task));
    assert_eq!(records[3][4], format!("'{}", rows[2].content));
    assert_eq!(records[3][5], "'@市财政局");
    assert_eq!(records[3][7], "'+持续推进");
    assert_eq!(records[3][8], format!("'{}", rows[2].source));
    // Text that merely contains quotes, commas and line breaks survives quoting unchanged.
    assert_eq!(records[4][8], rows[3].source);
    // The 任务内容 and 完成时限 of a task, multi-line content kept whole; no deadline is empty.
    assert_eq!(
        records[1][4],
        "实施智能制造提升工程。\n1)推动规上工业企业数字化改造全覆盖。\n2)2025年底前建成智能工厂50家。"
    );
    assert_eq!(records[1][7], "2025年底前");
    assert_eq!(records[4][7], "");
}

#[test]
fn targets_csv_round_trip_keeps_numbers_plain() {
    let rows = sample_targets();
    let records = read_csv(&targets_csv(&rows).unwrap());
    assert_eq!(records[0], TARGET_HEADERS);
    for (i, row) in rows.iter().enumerate() {
        let want: Vec<String> = target_cells(row, i + 1).iter().map(csv_cell).collect();
        assert_eq!(records[i + 1], want, "row {i}");
    }
    // A negative number is a number, not text: no prefix. Years have no decimals.
    assert_eq!(records[3][4], "-13.5");
    assert_eq!(records[1][7], "2025");
    assert_eq!(records[1][4], "10000");
    assert_eq!(records[2][8], "");
    // Parsed back, values are exactly the input.
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(records[i + 1][4].parse::<f64>().unwrap(), row.value);
    }
    assert_eq!(records[3][15], "'-规上工业");
}

#[test]
fn a_merged_indicator_lists_every_mention_and_why_it_needs_a_look() {
    let records = read_csv(&targets_csv(&sample_targets()).unwrap());
    let col = |name: &str| TARGET_HEADERS.iter().position(|h| *h == name).unwrap();
    let merged = &records[1];
    assert_eq!(merged[col("提法数")], "2");
    assert_eq!(
        merged[col("来源原文")],
        "〔二、发展目标〕到2025年，先进制造业集群规模突破1万亿元。\n〔专栏1 主要指标·专栏指标表〕1\t先进制造业集群规模(亿元)\t6512.3\t12000\t预期性"
    );
    assert_eq!(merged[col("位置")], "2048–2110；3000–3040");
    assert_eq!(merged[col("待核对")], "2025年的目标值有2种提法:10000亿元、12000亿元");
    assert_eq!((merged[col("属性")].as_str(), merged[col("增量/水平")].as_str()), ("预期性", "水平"));
    assert_eq!(merged[col("阶段目标")], "2023年 8000亿元");
    // A row of one mention shows its sentence alone and needs no look.
    let single = &records[3];
    assert_eq!(single[col("来源原文")], "'=单位GDP能耗下降13.5%左右");
    assert_eq!((single[col("提法数")].as_str(), single[col("待核对")].as_str()), ("1", ""));
    assert_eq!((single[col("属性")].as_str(), single[col("增量/水平")].as_str()), ("约束性", "增量"));
}

#[test]
fn csv_is_rfc4180_with_crlf() {
    let bytes = tasks_csv(&sample_tasks()).unwrap();
    let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
    assert!(text.starts_with("序号,规划,章节,任务,任务内容,牵头单位,责任单位,完成时限,来源原文,位置,人工更正\r\n"));
    assert!(text.ends_with("\r\n"));
    // Quotes inside a field are doubled inside a quoted field.
    assert!(text.contains(r#"""引号"""#));
}

#[test]
fn empty_csv_is_bom_and_header() {
    let bytes = targets_csv(&[]).unwrap();
    let records = read_csv(&bytes);
    assert_eq!(records, vec![TARGET_HEADERS.iter().map(|s| s.to_string()).collect::<Vec<_>>()]);
}

#[test]
fn csv_has_the_xlsx_cells() {
    let rows = sample_targets();
    let records = read_csv(&targets_csv(&rows).unwrap());
    let (_, grid) = read_sheet(&targets_xlsx("t", &rows).unwrap(), 0);
    assert_eq!(records.len(), grid.len());
    for (csv_row, xlsx_row) in records.iter().zip(&grid) {
        for (c, field) in csv_row.iter().enumerate() {
            let cell = xlsx_row.get(c).cloned().unwrap_or(calamine::Data::Empty);
            let as_text = match cell {
                calamine::Data::String(s) if s.starts_with(['=', '+', '-', '@']) => format!("'{s}"),
                calamine::Data::String(s) => s,
                calamine::Data::Float(f) => f.to_string(),
                calamine::Data::Empty => String::new(),
                other => panic!("unexpected cell {other:?}"),
            };
            assert_eq!(field, &as_text);
        }
    }
}

#[test]
fn long_csv_fields_are_cut_like_xlsx() {
    let mut rows = sample_tasks();
    rows[0].source = "长".repeat(40_000);
    let records = read_csv(&tasks_csv(&rows).unwrap());
    assert_eq!(records[1][8].encode_utf16().count(), 32_767);
    assert!(records[1][8].ends_with('…'));
}

#[test]
fn json_is_lossless_and_pretty() {
    let tasks = sample_tasks();
    let bytes = tasks_json(&tasks).unwrap();
    assert!(bytes.starts_with(b"[\n  {"), "pretty array");
    let back: Vec<TaskRow> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(back, tasks);

    let targets = sample_targets();
    let back: Vec<TargetRow> = serde_json::from_slice(&targets_json(&targets).unwrap()).unwrap();
    assert_eq!(back, targets);

    assert_eq!(tasks_json(&[]).unwrap(), b"[]");
}

#[test]
fn json_turns_non_finite_numbers_into_null() {
    let mut targets = sample_targets();
    targets[0].value = f64::NAN;
    let json: serde_json::Value = serde_json::from_slice(&targets_json(&targets).unwrap()).unwrap();
    assert!(json[0]["value"].is_null());
}

//! A second, independent reader: LibreOffice converts the DOCX to PDF, and poppler's
//! pdftotext must find the report title and a target in it. Skipped with a note when a tool
//! is missing, unless `PLANWATCH_REQUIRE_TOOLS=1` (set by CI), where that is a failure.
//!
//! Install on Debian: `apt-get install -y --no-install-recommends libreoffice-writer-nogui
//! poppler-utils fonts-wqy-zenhei`.

mod common;

use common::*;
use planwatch_testkit::{run_with_timeout, scratch, soffice_convert, tool, CONVERT_TIMEOUT};
use std::path::Path;
use std::process::Command;

const INSTALL: &str =
    "apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-wqy-zenhei";

#[test]
fn libreoffice_renders_the_docx_to_pdf() {
    let Some(soffice) = tool(&["soffice", "libreoffice"], INSTALL) else { return };
    let Some(pdftotext) = tool(&["pdftotext"], INSTALL) else { return };

    let report = sample_report();
    let dir = scratch("report-lo");
    let input = dir.join("report.docx");
    std::fs::write(&input, planwatch_report::docx(&report).unwrap()).unwrap();
    let out = soffice_convert(&soffice, "pdf", std::slice::from_ref(&input), &dir);
    let pdf = dir.join("report.pdf");
    assert!(
        out.status.success() && pdf.is_file(),
        "soffice failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

    let out = run_with_timeout(
        Command::new(&pdftotext).args(["-enc", "UTF-8"]).arg(&pdf).arg("-"),
        "pdftotext",
        CONVERT_TIMEOUT,
    );
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    // Layout may break lines and space CJK from Latin text: compare without whitespace.
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squash(&String::from_utf8_lossy(&out.stdout));
    for want in [REPORT_TITLE, &report.targets[0].indicator, &report.targets[2].indicator, "数据来源"] {
        assert!(text.contains(&squash(want)), "{want} not in the PDF text:\n{text}");
    }
    if Path::new(&dir).exists() {
        std::fs::remove_dir_all(&dir).ok();
    }
}

//! A second, independent reader: LibreOffice converts the DOCX to PDF, and poppler's
//! pdftotext must find the report title, a target, the numbered sources and (mid-term) the
//! narrative in it; page 1 holds the title block (no blank first page), every page its
//! number of the total, and the PDF embeds a CJK font (the 公文 fonts fall back to one). Skipped with a note when a tool
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

/// Font families that cover Chinese, one of which a PDF of the report must embed (else
/// its Chinese text is boxes).
const CJK_FONTS: [&str; 10] = [
    "WenQuanYi",
    "NotoSansCJK",
    "NotoSerifCJK",
    "SourceHan",
    "DroidSansFallback",
    "ARPL",
    "SimSun",
    "FangSong",
    "SimHei",
    "KaiTi",
];

/// The text of each page (pdftotext ends every page with a form feed), without whitespace:
/// layout may break lines and space CJK from Latin text.
fn pdf_pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let out = run_with_timeout(
        Command::new(pdftotext).args(["-enc", "UTF-8"]).arg(pdf).arg("-"),
        "pdftotext",
        CONVERT_TIMEOUT,
    );
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut pages: Vec<String> = text.split('\u{c}').map(squash).collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn libreoffice_renders_the_docx_to_pdf() {
    let Some(soffice) = tool(&["soffice", "libreoffice"], INSTALL) else { return };
    let Some(pdftotext) = tool(&["pdftotext"], INSTALL) else { return };
    let Some(pdffonts) = tool(&["pdffonts"], INSTALL) else { return };

    let quarterly = sample_report();
    let mut midterm = sample_report();
    midterm.kind = planwatch_report::ReportKind::Midterm;
    let dir = scratch("report-lo");
    let inputs = [dir.join("quarterly.docx"), dir.join("midterm.docx")];
    std::fs::write(&inputs[0], planwatch_report::docx(&quarterly).unwrap()).unwrap();
    std::fs::write(&inputs[1], planwatch_report::docx(&midterm).unwrap()).unwrap();
    let out = soffice_convert(&soffice, "pdf", &inputs, &dir);
    for name in ["quarterly", "midterm"] {
        let pdf = dir.join(format!("{name}.pdf"));
        assert!(
            out.status.success() && pdf.is_file(),
            "soffice failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));

        let pages = pdf_pages(&pdftotext, &pdf);
        let text = pages.concat();
        for want in
            [REPORT_TITLE, &quarterly.targets[0].indicator, &quarterly.targets[2].indicator, "数据来源", "【1】"]
        {
            assert!(text.contains(&squash(want)), "{name}: {want} not in the PDF text:\n{text}");
        }
        if name == "midterm" {
            for want in ["主要成效", "存在问题", "下一步建议"] {
                assert!(text.contains(want), "{name}: {want}");
            }
        }
        // Page 1 is not blank: it holds the title block and the first section.
        let first = &pages[0];
        for want in [REPORT_TITLE, "规划名称", "一、总体情况"] {
            assert!(first.contains(&squash(want)), "{name}: {want} not on page 1:\n{first}");
        }
        // The footer numbers the pages: 第 1 页 共 N 页 on page 1, the last page N of N.
        let n = pages.len();
        assert!(n >= 3, "{name}: {n} pages");
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("第{}页共{n}页", i + 1)),
                "{name}: no page number on page {}:\n{page}",
                i + 1
            );
        }

        // The 公文 fonts are missing here; the fallback is a CJK font, not boxes.
        let fonts = run_with_timeout(Command::new(&pdffonts).arg(&pdf), "pdffonts", CONVERT_TIMEOUT);
        let fonts = String::from_utf8_lossy(&fonts.stdout).replace([' ', '-'], "");
        assert!(CJK_FONTS.iter().any(|f| fonts.contains(f)), "{name}: no CJK font embedded:\n{fonts}");
    }
    if Path::new(&dir).exists() {
        std::fs::remove_dir_all(&dir).ok();
    }
}

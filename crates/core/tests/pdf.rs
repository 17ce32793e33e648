//! The PDF reader on PDFs made the way users get them: LibreOffice converts the five seed
//! plans (`../shared/seeds/*.txt`), the example DOCX and a document with running headers,
//! footers and page numbers to PDF (with a CJK font, `fonts-wqy-zenhei`), and planwatch reads
//! them back. The seed PDFs are scored against the same gold as the text files, in the same
//! run. Skipped with a note when `soffice` is not installed, unless `PLANWATCH_REQUIRE_TOOLS=1`
//! (set by CI), where a missing tool is a failure.
//!
//! Install on Debian: `apt-get install -y --no-install-recommends libreoffice-writer-nogui
//! fonts-wqy-zenhei`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use planwatch_core::read::{self, Format, ReadError, ReadOptions};
use planwatch_testkit::{scratch, soffice_convert};

/// How far a PDF's F1 may fall below the text file's, per field. The text layer loses what a
/// page cannot show (a text file's own line breaks inside a paragraph, runs of spaces), so a
/// little is allowed; a broken join or a lost page falls far below it.
const MARGINS: &[(&str, f64)] = &[
    ("outline", 0.03),
    ("targets", 0.05),
    ("tasks", 0.05),
    ("industries", 0.10),
    ("segments", 0.10),
    ("districts", 0.10),
    ("platforms", 0.10),
    ("meta", 0.10),
];

const INSTALL: &str = "apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-wqy-zenhei";

/// Converts `inputs` to PDF into `out` with LibreOffice (one process for all of them).
fn to_pdf(soffice: &Path, inputs: &[PathBuf], out: &Path) {
    let result = soffice_convert(soffice, "pdf", inputs, out);
    assert!(result.status.success(), "soffice failed: {}", String::from_utf8_lossy(&result.stderr));
    for input in inputs {
        let pdf = out.join(Path::new(input.file_stem().unwrap()).with_extension("pdf"));
        assert!(pdf.is_file(), "LibreOffice made no {}", pdf.display());
    }
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Runs the scorer and returns the overall F1 per field.
fn score(pred: &Path) -> BTreeMap<String, f64> {
    let shared = shared();
    let out = Command::new("python3")
        .arg(shared.join("tools/score-plans"))
        .args(["--gold", shared.join("gold").to_str().unwrap(), "--pred", pred.to_str().unwrap()])
        .output()
        .expect("python3 runs the scorer");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{}:\n{report}", pred.display());
    let overall = report.lines().find_map(|l| l.strip_prefix("overall: ")).expect("an overall line");
    overall
        .split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
        .collect()
}

fn extract_into(path: &Path, dir: &Path, stem: &str) -> planwatch_core::Plan {
    let bytes = std::fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let plan = planwatch_core::extract(&bytes, &name, &planwatch_core::Options::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    std::fs::write(dir.join(format!("{stem}.json")), serde_json::to_string(&plan).unwrap()).unwrap();
    plan
}

#[test]
fn seed_pdfs_score_close_to_their_text_files() {
    let seeds = shared().join("seeds");
    if !seeds.exists() {
        assert!(
            std::env::var_os("PLANWATCH_NO_SEEDS").is_some(),
            "{} is missing: the test needs the shared seeds beside the repository (set PLANWATCH_NO_SEEDS=1 to skip it knowingly)",
            seeds.display()
        );
        return;
    }
    let Some(soffice) = planwatch_testkit::soffice(INSTALL) else { return };
    let dir = scratch(concat!("pdf-", "seeds"));
    let mut inputs: Vec<PathBuf> =
        std::fs::read_dir(&seeds).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    inputs.sort();
    to_pdf(&soffice, &inputs, &dir);
    let (txt_pred, pdf_pred) = (dir.join("txt"), dir.join("pdf"));
    std::fs::create_dir_all(&txt_pred).unwrap();
    std::fs::create_dir_all(&pdf_pred).unwrap();
    for input in &inputs {
        let stem = input.file_stem().unwrap().to_string_lossy().into_owned();
        extract_into(input, &txt_pred, &stem);
        let pdf = dir.join(format!("{stem}.pdf"));
        let plan = extract_into(&pdf, &pdf_pred, &stem);
        assert_eq!(plan.source.format, "pdf");
    }
    let txt = score(&txt_pred);
    let pdf = score(&pdf_pred);
    let mut failed = Vec::new();
    for (field, margin) in MARGINS {
        let (t, p) = (txt[*field], pdf[*field]);
        println!("{field:<11} txt {t:.3}  pdf {p:.3}  (allowed {:.3})", t - margin);
        if p + 1e-9 < t - margin {
            failed.push(format!("{field}: pdf {p:.3} < txt {t:.3} − {margin}"));
        }
    }
    assert!(failed.is_empty(), "the PDFs score far below their text files: {}", failed.join("; "));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_example_docx_reads_the_same_as_pdf() {
    let Some(soffice) = planwatch_testkit::soffice(INSTALL) else { return };
    let docx = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/suzhou-emerging-industries.docx");
    let dir = scratch(concat!("pdf-", "docx"));
    to_pdf(&soffice, std::slice::from_ref(&docx), &dir);
    let opts = planwatch_core::Options::default();
    let from_docx = planwatch_core::extract(&std::fs::read(&docx).unwrap(), "x.docx", &opts).unwrap();
    let pdf_bytes = std::fs::read(dir.join("suzhou-emerging-industries.pdf")).unwrap();
    let from_pdf = planwatch_core::extract(&pdf_bytes, "x.pdf", &opts).unwrap();
    assert_eq!(from_pdf.meta.title, from_docx.meta.title);
    let outline = |p: &planwatch_core::Plan| p.outline.iter().map(|o| o.title.clone()).collect::<Vec<_>>();
    assert_eq!(outline(&from_pdf), outline(&from_docx));
    let targets = |p: &planwatch_core::Plan| {
        p.targets.iter().map(|t| (t.year, t.value.to_string(), t.unit.clone())).collect::<Vec<_>>()
    };
    assert_eq!(targets(&from_pdf), targets(&from_docx));
    assert_eq!(from_pdf.tasks.len(), from_docx.tasks.len());
    std::fs::remove_dir_all(&dir).ok();
}

/// Paragraphs long enough that page breaks fall inside them, each one sentence that must come
/// back whole on one line.
fn long_paragraphs() -> Vec<String> {
    let fields = [
        "人工智能",
        "集成电路",
        "生物医药",
        "新能源汽车",
        "高端装备",
        "新材料",
        "数字创意",
        "绿色低碳",
        "空天信息",
        "海洋经济",
        "量子科技",
        "未来网络",
    ];
    fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                "{f}领域要坚持创新驱动发展战略，围绕产业链部署创新链，围绕创新链布局产业链，加快建设一批高水平研发平台和公共服务平台，\
                 培育一批具有核心竞争力的领军企业和专精特新中小企业，推动关键核心技术攻关取得突破，完善人才引进培养使用激励机制，\
                 健全多元化投入机制，优化产业发展生态，力争到2027年{f}产业规模达到{}亿元，形成特色鲜明、优势突出的产业集群。",
                100 * (i + 1)
            )
        })
        .collect()
}

/// A flat ODT with a running header, a footer `— N —` and the paragraphs, first lines indented.
fn fodt(paragraphs: &[String]) -> String {
    let body: String =
        paragraphs.iter().map(|p| format!("<text:p text:style-name=\"Standard\">{p}</text:p>\n")).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
<style:style style:name="Standard" style:family="paragraph"><style:paragraph-properties fo:text-indent="0.99cm" fo:text-align="justify"/><style:text-properties fo:font-size="14pt" style:font-size-asian="14pt"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/><style:header-style/><style:footer-style/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p>某市战略性新兴产业发展规划（2025—2027年）</text:p></style:header>
<style:footer><text:p>— <text:page-number text:select-page="current">1</text:page-number> —</text:p></style:footer>
</style:master-page>
</office:master-styles>
<office:body><office:text>
<text:p text:style-name="Standard">一、重点领域</text:p>
{body}</office:text></office:body>
</office:document>
"#
    )
}

#[test]
fn headers_footers_and_page_breaks_in_a_libreoffice_pdf() {
    let Some(soffice) = planwatch_testkit::soffice(INSTALL) else { return };
    let dir = scratch(concat!("pdf-", "pages"));
    let paragraphs = long_paragraphs();
    let input = dir.join("paged.fodt");
    std::fs::write(&input, fodt(&paragraphs)).unwrap();
    to_pdf(&soffice, std::slice::from_ref(&input), &dir);
    let bytes = std::fs::read(dir.join("paged.pdf")).unwrap();
    let text = read::read(&bytes, &ReadOptions::default()).unwrap().text;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "一、重点领域", "{text}");
    for p in &paragraphs {
        assert!(lines.contains(&p.as_str()), "paragraph not whole on one line:\n{p}\nin:\n{text}");
    }
    assert_eq!(lines.len(), paragraphs.len() + 1, "no header, footer or page number left:\n{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_sentence_broken_across_a_page_reads_whole() {
    use planwatch_core::read::pdf::synth;
    let paragraphs = long_paragraphs();
    let refs: Vec<&str> = std::iter::once("一、重点领域").chain(paragraphs.iter().map(String::as_str)).collect();
    let pages = synth::typeset(&refs, 14.0, true, Some("某市战略性新兴产业发展规划"), Some("— {n} —"));
    assert!(pages.len() >= 3, "{} pages", pages.len());
    // By construction some paragraph is split by a page break: its first part ends a page.
    let crossing = paragraphs.iter().filter(|p| {
        pages.iter().any(|page| {
            let body: Vec<&synth::Run> = page.iter().filter(|r| r.size == 14.0).collect();
            body.last().is_some_and(|last| !p.ends_with(&last.text) && p.contains(&last.text))
        })
    });
    assert!(crossing.count() >= 2, "the test document must break paragraphs across pages");
    let bytes = synth::pdf(&pages, false);
    let src = read::read(&bytes, &ReadOptions::default()).unwrap();
    assert_eq!(src.format, Format::Pdf);
    let lines: Vec<&str> = src.text.lines().collect();
    assert_eq!(lines, refs, "{}", src.text);
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pdf").join(name)).unwrap()
}

#[test]
fn an_owner_protected_pdf_is_read_and_a_password_protected_one_refused() {
    // Made by LibreOffice: permissions restricted with an owner password, empty user password.
    let text = read::read(&fixture("owner-password.pdf"), &ReadOptions::default()).unwrap().text;
    assert!(text.contains("到2025年，数字经济核心产业增加值达到500亿元。") || text.contains("到 2025 年"), "{text}");
    // Made by LibreOffice with an open (user) password.
    let err = read::read(&fixture("user-password.pdf"), &ReadOptions::default()).unwrap_err();
    assert_eq!(err, ReadError::PdfEncrypted);
    assert!(err.to_string().contains("password") && err.message_zh().contains("密码"), "{err}");
}

#[test]
fn a_scanned_pdf_is_refused_with_what_to_do() {
    use planwatch_core::read::pdf::synth;
    let bytes = synth::pdf(&[Vec::new(), Vec::new(), Vec::new()], true);
    let err = read::read(&bytes, &ReadOptions::default()).unwrap_err();
    assert_eq!(err, ReadError::PdfScanned { pages: 3 });
    let msg = err.to_string();
    assert!(msg.contains("scanned") && msg.contains("OCR") && msg.contains("DOCX"), "{msg}");
    let zh = err.message_zh();
    assert!(zh.contains("扫描") && zh.contains("OCR") && zh.contains("docx"), "{zh}");
}

#[test]
fn a_damaged_pdf_is_a_clear_error() {
    use planwatch_core::read::pdf::synth;
    let good = synth::pdf(&[vec![synth::Run::new(72.0, 700.0, 12.0, "一、总体要求")]], false);
    assert_eq!(read::read(&good, &ReadOptions::default()).unwrap().text, "一、总体要求\n");
    for bytes in [&good[..good.len() / 3], b"%PDF-1.7\n%%EOF\n".as_slice(), b"%PDF-1.4 junk".as_slice()] {
        let err = read::read(bytes, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, ReadError::Pdf(_)), "{err:?}");
        assert!(err.to_string().contains("damaged") && err.message_zh().contains("损坏"), "{err}");
    }
}

/// Writes the seed corpus of the `read_pdf` fuzz target (`fuzz/corpus/read_pdf/`): small
/// synthetic PDFs with headers, footers, tables and page breaks, a scan and a broken file.
/// Run by hand: `cargo test -p planwatch-core --test pdf -- --ignored write_fuzz_corpus`.
#[test]
#[ignore]
fn write_fuzz_corpus() {
    use planwatch_core::read::pdf::synth::{self, Run};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/read_pdf");
    std::fs::create_dir_all(&dir).unwrap();
    let paragraphs = long_paragraphs();
    let refs: Vec<&str> =
        std::iter::once("一、重点领域").chain(paragraphs.iter().take(4).map(String::as_str)).collect();
    let paged = synth::typeset(&refs, 14.0, true, Some("某市发展规划"), Some("— {n} —"));
    let table = vec![vec![
        Run::new(72.0, 760.0, 12.0, "专栏1 主要指标"),
        Run::new(72.0, 740.0, 12.0, "指标"),
        Run::new(250.0, 740.0, 12.0, "2024年"),
        Run::new(400.0, 740.0, 12.0, "2027年"),
        Run::new(72.0, 720.0, 12.0, "数字经济核心产业增加值（亿元）"),
        Run::new(300.0, 720.0, 12.0, "350"),
        Run::new(400.0, 720.0, 12.0, "500"),
        Run::new(290.0, 40.0, 9.0, "第 1 页"),
    ]];
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("paged.pdf", synth::pdf(&paged, false)),
        ("table.pdf", synth::pdf(&table, false)),
        ("scan.pdf", synth::pdf(&[Vec::new()], true)),
        ("truncated.pdf", synth::pdf(&table, false)[..600].to_vec()),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Found by the `read_pdf` fuzz target: pdf_oxide 0.3.78 panics (slicing a string inside a
/// character) on this file. The reader's `catch_unwind` around the library turns that into a
/// "damaged PDF" error instead of a dead request.
#[test]
fn a_panic_inside_the_pdf_library_is_a_damaged_pdf_error() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/pdf-oxide-panics-slicing-a-non-char-boundary-in-obj-keyword.pdf");
    let err = read::read(&std::fs::read(path).unwrap(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::Pdf(_)), "{err:?}");
    assert!(err.to_string().contains("damaged"), "{err}");
}

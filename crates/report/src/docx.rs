//! The DOCX report (docx-rs), fit to print and send: a title block on page 1 (no blank
//! page), page numbers (第 X 页 共 Y 页, PAGE and NUMPAGES fields) in the footer, 公文 fonts by
//! name (方正小标宋简体 title, 黑体 and 楷体_GB2312 headings, 仿宋_GB2312 body) declared in the
//! font table with the common Windows font as `w:altName` and the GB2312 charset so a writer
//! without them falls back to an installed CJK font, table header rows repeated on every page
//! (`w:tblHeader`) and rows never split (`w:cantSplit`), headings kept with what follows
//! (`w:keepNext`), the document properties (title, author, created and modified in UTC), the
//! charts as PNG (the SVGs rendered by resvg), and the sources as a numbered list 【n】 that
//! the figures and tables cite. Mid-term and final reports add the task completion and the
//! narrative (主要成效 / 存在问题 / 下一步建议) pre-filled from the figures.

use crate::charts;
use crate::fmt::{num, opt_value, pct, value, xml_escape};
use crate::html::{
    change_text, forecast_text, group_by_lead, progress_chart, ranking_chart, target_cites, trend_charts,
};
use crate::model::*;
use crate::narrative::narrative;
use crate::png::svg_to_png;
use crate::ReportError;
use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, LineSpacingType, NumPages, PageMargin, PageNum, Paragraph,
    Pic, Run, RunFonts, Shading, Style, StyleType, Table, TableCell, TableCellMargins, TableLayoutType, TableRow,
    VAlignType, WidthType,
};

/// Chart images are rendered this many pixels wide.
const PNG_WIDTH: u32 = 1600;
/// A4 portrait in twips, with the margins of GB/T 9704 (top 37 mm, bottom 35 mm, left 28 mm,
/// right 26 mm: a text block of 156 × 225 mm).
const PAGE_W: i32 = 11906;
const PAGE_H: i32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1587;
const MARGIN_RIGHT: i32 = 1474;
/// Text width in twips.
const TEXT_W: usize = (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT) as usize;
/// EMU per twip.
const EMU_PER_TWIP: u64 = 635;
const HEADER_FILL: &str = "D9E2F3";
/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt.
const SIZE_ERHAO: usize = 44;
const SIZE_SANHAO: usize = 32;
const SIZE_XIAOSI: usize = 24;
const TABLE_SIZE: usize = 21;
const SMALL_SIZE: usize = 18;
const CAPTION_SIZE: usize = 21;

/// The 公文 fonts by name (GB/T 9704): title, level-1 heading, level-2 heading, body.
pub const TITLE_FONT: &str = "方正小标宋简体";
pub const HEADING_FONT: &str = "黑体";
pub const HEADING2_FONT: &str = "楷体_GB2312";
pub const BODY_FONT: &str = "仿宋_GB2312";
/// Latin letters and digits.
const LATIN_FONT: &str = "Times New Roman";

/// Each 公文 font with the Windows font that stands in for it (`w:altName`) and its PANOSE
/// number: Word substitutes the alternative, LibreOffice falls back by the GB2312 charset and
/// the zh-CN language to an installed CJK font (WenQuanYi on the CI image).
const FONT_TABLE: [(&str, &str, &str, &str, &str); 4] = [
    (TITLE_FONT, "SimSun", "02000000000000000000", "roman", "variable"),
    (HEADING_FONT, "SimHei", "02010609060101010101", "modern", "fixed"),
    (HEADING2_FONT, "KaiTi", "02010609060101010101", "modern", "fixed"),
    (BODY_FONT, "FangSong", "02010609060101010101", "modern", "fixed"),
];

pub(crate) fn font(east_asia: &str) -> RunFonts {
    RunFonts::new().ascii(LATIN_FONT).hi_ansi(LATIN_FONT).cs(LATIN_FONT).east_asia(east_asia)
}

/// word/fontTable.xml: Times New Roman and the 公文 fonts with their fallbacks.
fn font_table() -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    );
    for (name, alt, panose, family, pitch) in FONT_TABLE {
        out.push_str(&format!(
            r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>"#
        ));
    }
    out.push_str("</w:fonts>");
    out
}

/// The current time, UTC, as W3CDTF ("2026-10-15T09:30:00Z"), for a report that does not say.
fn now_w3cdtf() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// docProps/core.xml: title, subject, author and the times of the report.
fn core_xml(r: &Report) -> String {
    core_props(&r.title, r.kind.label(), &r.author, &r.created_utc)
}

/// docProps/core.xml of any document: title, subject, author (default planwatch) and time
/// (default now).
pub(crate) fn core_props(title: &str, subject: &str, author: &str, created_utc: &str) -> String {
    let created = if created_utc.trim().is_empty() { now_w3cdtf() } else { created_utc.trim().to_string() };
    let author = if author.trim().is_empty() { "planwatch" } else { author.trim() };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{author}</dc:creator><cp:keywords>planwatch</cp:keywords><dc:language>zh-CN</dc:language><cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified></cp:coreProperties>"#,
        title = xml_escape(title),
        subject = xml_escape(subject),
        author = xml_escape(author),
        created = xml_escape(&created),
    )
}

/// What docx-rs cannot say, added to the XML it wrote: the first row of every table is a
/// header row repeated on each page (`w:tblHeader`; every row already carries
/// `w:cantSplit`), and the document's language is zh-CN (LibreOffice picks its CJK fallback
/// font by it).
fn finish_document(xml: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(xml);
    let mut parts = xml.split("<w:tbl>");
    let mut out = String::with_capacity(xml.len() + 1024);
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        out.push_str("<w:tbl>");
        out.push_str(&part.replacen("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />", 1));
    }
    out.into_bytes()
}

fn finish_styles(xml: &[u8]) -> Vec<u8> {
    let xml = String::from_utf8_lossy(xml);
    let lang = r#"<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA" />"#;
    // w:lang comes last in a w:rPr.
    xml.replacen("</w:rPr></w:rPrDefault>", &format!("{lang}</w:rPr></w:rPrDefault>"), 1).into_bytes()
}

fn status_fill(key: &str) -> &'static str {
    match key {
        "done" => "C8E6C9",
        "ahead" => "B2DFDB",
        "on_track" => "BBDEFB",
        "behind" => "FFCCBC",
        "no_baseline" => "FFE0B2",
        _ => "E0E0E0",
    }
}

/// A body paragraph: 仿宋 三号, first line indented two characters.
pub(crate) fn para(text: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text)).first_line_chars(200)
}

/// A smaller note (小四, grey), not indented.
pub(crate) fn note(text: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text).size(SIZE_XIAOSI).color("555555"))
}

/// A heading, kept with the paragraph or table that follows.
pub(crate) fn heading(text: &str, level: usize) -> Paragraph {
    Paragraph::new().style(&format!("Heading{level}")).add_run(Run::new().add_text(text)).keep_next(true)
}

/// A table's caption above it (黑体 小四), kept with the table.
pub(crate) fn table_caption(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text).size(SIZE_XIAOSI).fonts(font(HEADING_FONT)))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(120).after(60))
        .keep_next(true)
}

/// A table cell: text, optional fill, right-aligned when numeric.
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) fill: Option<&'static str>,
    pub(crate) right: bool,
}

pub(crate) fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), fill: None, right: false }
}

fn num_cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), fill: None, right: true }
}

/// A bordered table with a shaded bold header row (repeated on every page) and fixed column
/// widths (twips, scaled to the text width when wider); `\n` in a cell is a line break.
pub(crate) fn table(headers: &[&str], widths: &[usize], rows: Vec<Vec<Cell>>) -> Table {
    sized_table(headers, widths, rows, TABLE_SIZE)
}

fn sized_table(headers: &[&str], widths: &[usize], rows: Vec<Vec<Cell>>, size: usize) -> Table {
    let sum: usize = widths.iter().sum();
    let widths: Vec<usize> =
        if sum > TEXT_W { widths.iter().map(|w| w * TEXT_W / sum).collect() } else { widths.to_vec() };
    let total: usize = widths.iter().sum();
    // A short table stays on one page: each row is kept with the next (Word and LibreOffice
    // keep a table together when every paragraph but the last keeps with the next).
    let keep_together = rows.len() <= 15;
    let last = rows.len();
    let make = |c: Cell, width: usize, header: bool, keep: bool| {
        let mut run = Run::new().size(size);
        for (i, line) in c.text.split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(line);
        }
        if header {
            run = run.bold().fonts(font(HEADING_FONT));
        }
        let mut p = Paragraph::new()
            .add_run(run)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).before(0).after(0).line(240))
            .keep_next(keep);
        if c.right {
            p = p.align(AlignmentType::Right);
        } else if header {
            p = p.align(AlignmentType::Center);
        }
        let mut tc = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
        if let Some(fill) = c.fill.or(header.then_some(HEADER_FILL)) {
            tc = tc.shading(Shading::new().fill(fill));
        }
        tc
    };
    // Every row carries cantSplit; `finish_document` marks the first one a header row.
    let mut out = vec![TableRow::new(
        headers.iter().zip(&widths).map(|(h, w)| make(cell(*h), *w, true, keep_together || last > 0)).collect(),
    )
    .cant_split()];
    for (i, row) in rows.into_iter().enumerate() {
        let keep = keep_together && i + 1 < last;
        out.push(
            TableRow::new(row.into_iter().zip(&widths).map(|(c, w)| make(c, *w, false, keep)).collect()).cant_split(),
        );
    }
    Table::new(out)
        .set_grid(widths.clone())
        .width(total, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(20, 60, 20, 60))
}

/// The notice, as a one-cell red-bordered box.
fn notice(text: &str) -> Table {
    let p = Paragraph::new()
        .add_run(Run::new().add_text("重要提示:").bold().color("8E1B1B").size(SIZE_XIAOSI).fonts(font(HEADING_FONT)))
        .add_run(Run::new().add_text(text).color("8E1B1B").size(SIZE_XIAOSI));
    let tc = TableCell::new().add_paragraph(p).width(TEXT_W, WidthType::Dxa).shading(Shading::new().fill("FFF4F2"));
    let border = |pos| docx_rs::TableBorder::new(pos).color("C62828").size(16);
    use docx_rs::TableBorderPosition as P;
    let borders = docx_rs::TableBorders::new()
        .set(border(P::Top))
        .set(border(P::Bottom))
        .set(border(P::Left))
        .set(border(P::Right));
    Table::new(vec![TableRow::new(vec![tc]).cant_split()])
        .set_grid(vec![TEXT_W])
        .width(TEXT_W, WidthType::Dxa)
        .set_borders(borders)
}

/// A chart as an inline PNG filling the text width, kept with its caption below.
fn figure(doc: Docx, svg: &str, caption: &str) -> Result<Docx, ReportError> {
    let (png, w, h) = svg_to_png(svg, PNG_WIDTH)?;
    let emu_w = TEXT_W as u64 * EMU_PER_TWIP;
    let emu_h = emu_w * h as u64 / w as u64;
    let pic = Pic::new_with_dimensions(png, w, h).size(emu_w as u32, emu_h as u32);
    Ok(doc
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_image(pic))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(120).after(0))
                .keep_next(true),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(caption).size(CAPTION_SIZE).color("444444"))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(0).after(160)),
        ))
}

fn cites(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("【{n}】")).collect()
}

/// The footer: "第 X 页 共 Y 页", centred, with the PAGE and NUMPAGES fields.
fn page_footer() -> Footer {
    let run = |t: &str| Run::new().add_text(t).size(SIZE_XIAOSI);
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("第 "))
            .add_page_num(PageNum::new())
            .add_run(run(" 页 共 "))
            .add_num_pages(NumPages::new())
            .add_run(run(" 页"))
            .size(SIZE_XIAOSI)
            .align(AlignmentType::Center),
    )
}

/// An empty A4 公文 document: margins, page-number footer, fonts, title and heading styles.
pub(crate) fn base_doc() -> Docx {
    Docx::new()
        .page_size(PAGE_W as u32, PAGE_H as u32)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(992),
        )
        .footer(page_footer())
        .default_fonts(font(BODY_FONT))
        .default_size(SIZE_SANHAO)
        .default_line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(300).before(0).after(0))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(SIZE_ERHAO)
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).before(0).after(240).line(276))
                .fonts(font(TITLE_FONT)),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .next("Normal")
                .size(SIZE_SANHAO)
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(240).after(120))
                .fonts(font(HEADING_FONT)),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .next("Normal")
                .size(SIZE_SANHAO)
                .outline_lvl(1)
                .line_spacing(LineSpacing::new().before(120).after(60))
                .fonts(font(HEADING2_FONT)),
        )
}

/// Renders the report as a DOCX document.
pub fn docx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let r = report;
    let evaluation = r.kind != ReportKind::Quarterly;
    let mut doc = base_doc();

    // The title block, on page 1 and nothing before it.
    // A closing bracket note ("(数据截至2026年第3季度)") goes on a line of its own below the
    // title, in 楷体, as 公文 subtitles do, instead of wrapping as the title's last word.
    let (main, subtitle) = match r.title.strip_suffix(')').and_then(|t| t.rsplit_once('(')) {
        Some((main, sub)) if !main.trim().is_empty() => (main.trim_end(), Some(format!("({sub})"))),
        _ => (r.title.as_str(), None),
    };
    doc = doc.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(main)).keep_next(true));
    if let Some(sub) = subtitle {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(sub).fonts(font(HEADING2_FONT)))
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().before(0).after(240))
                .keep_next(true),
        );
    }
    let mut meta = vec![
        ("规划名称", r.plan.title.as_str()),
        ("发文机关", &r.plan.issuer),
        ("文号", &r.plan.doc_number),
        ("地区", &r.plan.region),
        ("规划期", &r.plan.period),
        ("报告期", &r.period_label),
        ("数据截至", &r.as_of),
        ("数据审核", &r.data_basis),
        ("生成时间", &r.generated_at),
    ];
    meta.retain(|(_, v)| !v.is_empty());
    for (k, v) in meta {
        doc = doc.add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(format!("{k}:")).size(SIZE_XIAOSI).fonts(font(HEADING2_FONT)))
                .add_run(Run::new().add_text(v).size(SIZE_XIAOSI)),
        );
    }
    if let Some(n) = &r.data_notice {
        doc = doc
            .add_paragraph(Paragraph::new().line_spacing(LineSpacing::new().before(0).after(0).line(120)))
            .add_table(notice(n));
    }

    let mut section = 0;
    let mut next = |name: &str| {
        section += 1;
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
        format!("{}、{name}", numerals.get(section - 1).copied().unwrap_or("十二"))
    };

    // 总体情况
    doc = doc.add_paragraph(heading(&next("总体情况"), 1));
    let total: u32 = r.status_counts.iter().map(|c| c.count).sum();
    if r.targets.is_empty() {
        doc = doc.add_paragraph(para("本规划没有可监测的量化目标(尚未由目标生成监测指标),以下各节只列任务进展。"));
    } else {
        let summary: Vec<String> =
            r.status_counts.iter().filter(|c| c.count > 0).map(|c| format!("{}{} 项", c.label, c.count)).collect();
        doc = doc.add_paragraph(para(format!("本规划共监测 {total} 项量化目标,{}。", summary.join("、"))));
    }
    let mut rows: Vec<Vec<Cell>> = r
        .status_counts
        .iter()
        .map(|c| {
            vec![
                Cell { text: c.label.clone(), fill: Some(status_fill(&c.key)), right: false },
                num_cell(c.count.to_string()),
                num_cell(if total == 0 { "—".into() } else { pct(f64::from(c.count) / f64::from(total)) }),
            ]
        })
        .collect();
    rows.push(vec![cell("合计"), num_cell(total.to_string()), num_cell(if total == 0 { "—" } else { "100.0%" })]);
    doc = doc.add_paragraph(table_caption("表 1 目标状态统计")).add_table(table(
        &["状态", "目标数(项)", "占比"],
        &[2400, 1800, 1800],
        rows,
    ));
    let mut table_no = 1;
    let mut figure_no = 0;
    if !r.targets.is_empty() {
        figure_no += 1;
        let all: Vec<usize> = r.targets.iter().flat_map(target_cites).collect();
        let mut all_unique = Vec::new();
        for n in all {
            if !all_unique.contains(&n) {
                all_unique.push(n);
            }
        }
        let caption = format!("图 {figure_no} 各目标完成度(条)与时间进度(竖线)。来源:{}", cites(&all_unique));
        doc = figure(doc, &progress_chart(r), &caption)?;
    }

    // 目标完成情况
    doc = doc.add_paragraph(heading(&next("目标完成情况"), 1));
    if r.targets.is_empty() {
        doc = doc.add_paragraph(para("本规划没有可监测的量化目标。"));
    } else {
        table_no += 1;
        let headers = [
            "指标(来源)",
            "单位",
            "基期值",
            "目标值",
            "期限(年)",
            "当前值(期别)",
            "完成度",
            "时间进度",
            "状态",
            "预测(线性/复合)",
        ];
        let widths = [1800, 560, 760, 760, 600, 1000, 860, 760, 700, 1045];
        let rows = r
            .targets
            .iter()
            .map(|t| {
                let now = opt_value(t.current, &t.unit, &t.indicator);
                let current = match &t.current_period {
                    Some(p) if t.current.is_some() => format!("{now}\n({p})"),
                    _ => now,
                };
                vec![
                    cell(format!("{}{}", t.indicator, cites(&target_cites(t)))),
                    cell(&t.unit),
                    num_cell(opt_value(t.baseline, &t.unit, &t.indicator)),
                    num_cell(value(t.target, &t.unit, &t.indicator)),
                    num_cell(t.deadline.to_string()),
                    num_cell(current),
                    num_cell(t.completion.map_or_else(|| "—".into(), pct)),
                    num_cell(pct(t.elapsed)),
                    Cell { text: t.status_label.clone(), fill: Some(status_fill(&t.status_key)), right: false },
                    num_cell(forecast_text(t).replace(" / ", " /\n")),
                ]
            })
            .collect();
        doc = doc
            .add_paragraph(table_caption(&format!("表 {table_no} 目标完成情况")))
            .add_table(sized_table(&headers, &widths, rows, SMALL_SIZE))
            .add_paragraph(note(
                "注:完成度为自基期值(增量目标为期初值)以来的进展占计划变化的比例;时间进度为规划期已过的比例。",
            ));
        // The verdict of each target (forecasts with their method, the rules that applied),
        // a compact list under the table.
        let verdicts: Vec<(&str, String)> = r
            .targets
            .iter()
            .map(|t| (t.indicator.as_str(), crate::html::verdict_with_note(t).replace('\n', ";")))
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if !verdicts.is_empty() {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("各指标研判").size(SIZE_XIAOSI).fonts(font(HEADING_FONT)))
                    .line_spacing(LineSpacing::new().before(120).after(0))
                    .keep_next(true),
            );
        }
        for (indicator, verdict) in verdicts {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{indicator}:")).size(SIZE_XIAOSI).bold())
                    .add_run(Run::new().add_text(verdict).size(SIZE_XIAOSI))
                    .indent(Some(420), Some(docx_rs::SpecialIndentType::Hanging(420)), None, None),
            );
        }
    }

    // 任务推进情况
    doc = doc.add_paragraph(heading(&next("任务推进情况"), 1));
    let tasks_total: u32 = r.task_counts.iter().map(|c| c.count).sum();
    if tasks_total == 0 && r.lagging_tasks.is_empty() {
        doc = doc.add_paragraph(para("本规划尚无任务进展填报。"));
    } else if tasks_total > 0 {
        let summary: Vec<String> =
            r.task_counts.iter().filter(|c| c.count > 0).map(|c| format!("{}{} 项", c.label, c.count)).collect();
        doc = doc.add_paragraph(para(format!("本规划共有 {tasks_total} 项重点任务,{}。", summary.join("、"))));
        table_no += 1;
        let rows = r
            .task_counts
            .iter()
            .map(|c| {
                let fill = match c.key.as_str() {
                    "done" => Some(status_fill("done")),
                    "lagging" => Some(status_fill("behind")),
                    "in_progress" => Some(status_fill("on_track")),
                    _ => None,
                };
                vec![
                    Cell { text: c.label.clone(), fill, right: false },
                    num_cell(c.count.to_string()),
                    num_cell(pct(f64::from(c.count) / f64::from(tasks_total))),
                ]
            })
            .chain(std::iter::once(vec![cell("合计"), num_cell(tasks_total.to_string()), num_cell("100.0%")]))
            .collect();
        doc = doc.add_paragraph(table_caption(&format!("表 {table_no} 任务进展统计"))).add_table(table(
            &["进展", "任务数(项)", "占比"],
            &[2400, 1800, 1800],
            rows,
        ));
    }
    if r.lagging_tasks.is_empty() {
        if tasks_total > 0 {
            doc = doc.add_paragraph(para("本期没有滞后任务。").line_spacing(LineSpacing::new().before(120)));
        }
    } else {
        table_no += 1;
        let rows = group_by_lead(&r.lagging_tasks)
            .into_iter()
            .flat_map(|(lead, tasks)| {
                tasks.into_iter().map(move |t| {
                    vec![
                        cell(lead),
                        cell(&t.task),
                        Cell { text: t.status_label.clone(), fill: Some(status_fill("behind")), right: false },
                        cell(&t.period),
                        cell(&t.note),
                        cell(format!("【{}】", t.source + 1)),
                    ]
                })
            })
            .collect();
        doc = doc.add_paragraph(table_caption(&format!("表 {table_no} 滞后任务(按牵头单位)"))).add_table(table(
            &["牵头单位", "任务", "状态", "期别", "说明", "来源"],
            &[1500, 2500, 640, 1000, TEXT_W - 6440, 800],
            rows,
        ));
    }

    // 主要成效 / 存在问题 / 下一步建议 (mid-term and final evaluations)
    if evaluation {
        let n = narrative(r);
        for (name, paragraphs) in
            [("主要成效", &n.achievements), ("存在问题", &n.problems), ("下一步建议", &n.suggestions)]
        {
            doc = doc.add_paragraph(heading(&next(name), 1));
            for (i, text) in paragraphs.iter().enumerate() {
                let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
                let mark = numerals.get(i).map(|n| format!("({n})")).unwrap_or_default();
                doc = doc.add_paragraph(para(format!("{mark}{text}")));
            }
        }
        doc = doc.add_paragraph(note("注:以上三节由 planwatch 根据监测数据生成初稿,请分析人员核实、修改后使用。"));
    }

    // 指标走势
    let trends = trend_charts(r);
    if !trends.is_empty() {
        doc = doc.add_paragraph(heading(&next("指标走势"), 1));
        for (caption, svg, numbers) in &trends {
            figure_no += 1;
            doc = figure(doc, svg, &format!("图 {figure_no} {caption}。来源:{}", cites(numbers)))?;
        }
    }

    // 区县排名
    if let Some(k) = &r.ranking {
        doc = doc.add_paragraph(heading(&next("区县排名"), 1));
        let mut lead = format!("{}({}),{}。", k.index_name, k.period_label, k.method_label);
        if let Some(p) = &k.published {
            lead.push_str(p);
        }
        doc = doc.add_paragraph(para(format!("{lead}【{}】", k.source + 1)));
        if let Some(note) = &k.approved_note {
            doc = doc.add_paragraph(para(note));
        }
        if !k.weights.is_empty() {
            let w: Vec<String> = k.weights.iter().map(|(n, w)| format!("{n} {}", num(*w))).collect();
            doc = doc.add_paragraph(para(format!("权重:{}。", w.join(";"))));
        }
        let svg = ranking_chart(k);
        if !svg.is_empty() {
            figure_no += 1;
            doc = figure(doc, &svg, &format!("图 {figure_no} {}得分。来源:【{}】", k.index_name, k.source + 1))?;
        }
        let rows = k
            .rows
            .iter()
            .map(|row| {
                vec![
                    num_cell(row.rank.map_or_else(|| "—".into(), |n| n.to_string())),
                    cell(&row.place),
                    num_cell(row.score.map_or_else(|| "—".into(), |v| crate::fmt::value(v, "分", ""))),
                    num_cell(change_text(row.change).0),
                    cell(row.note.clone().unwrap_or_default()),
                ]
            })
            .collect();
        table_no += 1;
        doc = doc.add_paragraph(table_caption(&format!("表 {table_no} {}", k.index_name))).add_table(table(
            &["名次", "区县", "得分(分)", "名次变化", "备注"],
            &[800, 2200, 1300, 1100, TEXT_W - 5400],
            rows,
        ));
    }

    // 空间分布
    if let Some(m) = &r.map {
        doc = doc.add_paragraph(heading(&next("空间分布"), 1));
        match charts::choropleth(&m.geojson, &m.values, &m.title, &m.unit, m.lower_is_better) {
            Ok(svg) => {
                figure_no += 1;
                doc = figure(doc, &svg, &format!("图 {figure_no} {}。来源:【{}】", m.title, m.source + 1))?;
            }
            Err(e) => doc = doc.add_paragraph(para(format!("地图无法绘制:{e}"))),
        }
    }

    // 数据来源: a numbered list the figures and tables cite, no URLs.
    doc = doc
        .add_paragraph(heading(&next("数据来源"), 1))
        .add_paragraph(note("本报告由 planwatch 根据规划原文和监测数据生成;图表中的【n】为下列来源的编号。"));
    for (i, s) in r.sources.iter().enumerate() {
        let mut text = s.label.clone();
        if !s.label.starts_with(s.kind.label()) {
            text = format!("{}:{text}", s.kind.label());
        }
        // A table row quoted from the plan holds tabs: one space between its cells.
        let quoted = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !quoted.is_empty() {
            let body = if s.kind == SourceKind::PlanSentence { format!("“{quoted}”") } else { quoted };
            text = if text.is_empty() { body } else { format!("{text}:{body}") };
        }
        if !s.location.is_empty() {
            text.push_str(&format!("({})", s.location));
        }
        let p = Paragraph::new()
            .add_run(Run::new().add_text(format!("【{}】", i + 1)).size(SIZE_XIAOSI).fonts(font(HEADING_FONT)))
            .add_run(Run::new().add_text(text).size(SIZE_XIAOSI));
        doc = doc.add_paragraph(p.indent(Some(560), Some(docx_rs::SpecialIndentType::Hanging(560)), None, None));
    }

    finish(doc, core_xml(r))
}

/// Builds and packs a document: table header rows, zh-CN language, the font table, sized page
/// number fields and the given document properties.
pub(crate) fn finish(doc: Docx, core: String) -> Result<Vec<u8>, ReportError> {
    let mut parts = doc.build();
    parts.document = finish_document(&parts.document);
    parts.styles = finish_styles(&parts.styles);
    parts.font_table = font_table().into_bytes();
    // The page number fields at the footer's size (docx-rs writes their runs unformatted).
    for footer in &mut parts.footers {
        let sized = format!(r#"<w:rPr><w:sz w:val="{SIZE_XIAOSI}" /><w:szCs w:val="{SIZE_XIAOSI}" /></w:rPr>"#);
        *footer = String::from_utf8_lossy(footer).replace("<w:rPr />", &sized).into_bytes();
    }
    parts.doc_props.core = core.into_bytes();
    let mut buf = std::io::Cursor::new(Vec::new());
    parts.pack(&mut buf).map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

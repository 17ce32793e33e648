//! The DOCX report (docx-rs): headings, the notice, the tables of the HTML report and its
//! charts as PNG images (the SVGs rendered by resvg).

use crate::charts;
use crate::fmt::{num, opt_num, pct};
use crate::html::{
    change_text, forecast_text, group_by_lead, progress_chart, ranking_chart, target_cites, trend_charts,
};
use crate::model::*;
use crate::png::svg_to_png;
use crate::ReportError;
use docx_rs::{
    AlignmentType, BreakType, Docx, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType,
    Table, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

/// Chart images are rendered this many pixels wide.
const PNG_WIDTH: u32 = 1600;
/// A4 portrait in twips, and margins of 15 mm.
const PAGE_W: i32 = 11906;
const PAGE_H: i32 = 16838;
const MARGIN: i32 = 850;
/// Text width in twips.
const TEXT_W: usize = (PAGE_W - 2 * MARGIN) as usize;
/// EMU per twip.
const EMU_PER_TWIP: u64 = 635;
const HEADER_FILL: &str = "D9E2F3";
const TABLE_SIZE: usize = 18; // 9 pt, in half-points
const SMALL_SIZE: usize = 16; // 8 pt, for the wide target table

fn fonts() -> RunFonts {
    // eastAsia names the font Word uses for CJK; writers without SimSun (LibreOffice on
    // Linux) fall back to any installed CJK font by glyph coverage.
    RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial").east_asia("SimSun")
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

fn para(text: impl Into<String>) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn heading(text: &str, level: usize) -> Paragraph {
    Paragraph::new().style(&format!("Heading{level}")).add_run(Run::new().add_text(text))
}

/// A table cell: text, optional fill, right-aligned when numeric.
struct Cell {
    text: String,
    fill: Option<&'static str>,
    right: bool,
}

fn cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), fill: None, right: false }
}

fn num_cell(text: impl Into<String>) -> Cell {
    Cell { text: text.into(), fill: None, right: true }
}

/// A bordered table with a shaded bold header row and fixed column widths (twips); `\n` in
/// a cell is a line break.
fn table(headers: &[&str], widths: &[usize], rows: Vec<Vec<Cell>>) -> Table {
    sized_table(headers, widths, rows, TABLE_SIZE)
}

fn sized_table(headers: &[&str], widths: &[usize], rows: Vec<Vec<Cell>>, size: usize) -> Table {
    let total: usize = widths.iter().sum();
    let make = |c: Cell, width: usize, header: bool| {
        let mut run = Run::new().size(size);
        for (i, line) in c.text.split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(line);
        }
        if header {
            run = run.bold();
        }
        let mut p = Paragraph::new().add_run(run).line_spacing(LineSpacing::new().before(0).after(0));
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
    let mut out = vec![TableRow::new(headers.iter().zip(widths).map(|(h, w)| make(cell(*h), *w, true)).collect())];
    for row in rows {
        out.push(TableRow::new(row.into_iter().zip(widths).map(|(c, w)| make(c, *w, false)).collect()).cant_split());
    }
    Table::new(out)
        .set_grid(widths.to_vec())
        .width(total, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(20, 60, 20, 60))
}

/// The notice, as a one-cell red-bordered box.
fn notice(text: &str) -> Table {
    let p = Paragraph::new()
        .add_run(Run::new().add_text("重要提示:").bold().color("8E1B1B").size(24))
        .add_run(Run::new().add_text(text).color("8E1B1B").size(24));
    let tc = TableCell::new().add_paragraph(p).width(TEXT_W, WidthType::Dxa).shading(Shading::new().fill("FFF4F2"));
    let border = |pos| docx_rs::TableBorder::new(pos).color("C62828").size(16);
    use docx_rs::TableBorderPosition as P;
    let borders = docx_rs::TableBorders::new()
        .set(border(P::Top))
        .set(border(P::Bottom))
        .set(border(P::Left))
        .set(border(P::Right));
    Table::new(vec![TableRow::new(vec![tc])]).set_grid(vec![TEXT_W]).width(TEXT_W, WidthType::Dxa).set_borders(borders)
}

/// A chart as an inline PNG filling the text width, then its caption.
fn figure(doc: Docx, svg: &str, caption: &str) -> Result<Docx, ReportError> {
    let (png, w, h) = svg_to_png(svg, PNG_WIDTH)?;
    let emu_w = TEXT_W as u64 * EMU_PER_TWIP;
    let emu_h = emu_w * h as u64 / w as u64;
    let pic = Pic::new_with_dimensions(png, w, h).size(emu_w as u32, emu_h as u32);
    Ok(doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)).align(AlignmentType::Center).keep_next(true))
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(caption).size(18).color("555555"))
                .align(AlignmentType::Center),
        ))
}

fn cites(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("[{n}]")).collect()
}

/// Renders the report as a DOCX document.
pub fn docx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let r = report;
    let mut doc = Docx::new()
        .page_size(PAGE_W as u32, PAGE_H as u32)
        .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN).header(567).footer(567))
        .default_fonts(fonts())
        .default_size(21) // 10.5 pt, 五号
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(40)
                .bold()
                .align(AlignmentType::Center)
                .fonts(fonts()),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .size(32)
                .bold()
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(360).after(120))
                .fonts(fonts()),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .size(26)
                .bold()
                .outline_lvl(1)
                .line_spacing(LineSpacing::new().before(240).after(80))
                .fonts(fonts()),
        );

    doc = doc
        .add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(r.kind.label()).color("666666")).align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&r.title)));
    if let Some(n) = &r.data_notice {
        doc = doc.add_table(notice(n)).add_paragraph(Paragraph::new());
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
                .add_run(Run::new().add_text(format!("{k}:")).color("666666"))
                .add_run(Run::new().add_text(v)),
        );
    }

    let mut section = 0;
    let mut next = |name: &str| {
        section += 1;
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
        format!("{}、{name}", numerals.get(section - 1).copied().unwrap_or("十"))
    };

    // 总体情况
    doc = doc.add_paragraph(heading(&next("总体情况"), 1));
    let mut rows: Vec<Vec<Cell>> = r
        .status_counts
        .iter()
        .map(|c| {
            vec![
                Cell { text: c.label.clone(), fill: Some(status_fill(&c.key)), right: false },
                num_cell(c.count.to_string()),
            ]
        })
        .collect();
    rows.push(vec![cell("合计"), num_cell(r.status_counts.iter().map(|c| c.count).sum::<u32>().to_string())]);
    doc = doc.add_paragraph(para("状态统计").bold()).add_table(table(&["状态", "目标数"], &[2000, 1400], rows));
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
        doc = figure(doc.add_paragraph(Paragraph::new()), &progress_chart(r), &caption)?;
    }

    // 目标完成情况
    doc = doc.add_paragraph(heading(&next("目标完成情况"), 1));
    if r.targets.is_empty() {
        doc = doc.add_paragraph(para("本规划没有可监测的量化目标。"));
    } else {
        let headers = [
            "指标",
            "单位",
            "基期值",
            "目标值",
            "期限",
            "当前值(期别)",
            "完成度",
            "时间进度",
            "状态",
            "预测(线性/复合)",
            "研判",
            "来源",
        ];
        let widths = [1760, 520, 640, 640, 560, 840, 700, 700, 640, 1060, 1426, 720];
        let rows = r
            .targets
            .iter()
            .map(|t| {
                let current = match &t.current_period {
                    Some(p) if t.current.is_some() => format!("{}\n({p})", opt_num(t.current)),
                    _ => opt_num(t.current),
                };
                vec![
                    cell(&t.indicator),
                    cell(&t.unit),
                    num_cell(opt_num(t.baseline)),
                    num_cell(num(t.target)),
                    num_cell(t.deadline.to_string()),
                    num_cell(current),
                    num_cell(t.completion.map_or_else(|| "—".into(), pct)),
                    num_cell(pct(t.elapsed)),
                    Cell { text: t.status_label.clone(), fill: Some(status_fill(&t.status_key)), right: false },
                    num_cell(forecast_text(t).replace(" / ", " /\n")),
                    cell(crate::html::verdict_with_note(t)),
                    cell(cites(&target_cites(t))),
                ]
            })
            .collect();
        doc = doc.add_table(sized_table(&headers, &widths, rows, SMALL_SIZE));
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
        doc = doc.add_paragraph(para(format!("{lead}[{}]", k.source + 1)));
        if let Some(note) = &k.approved_note {
            doc = doc.add_paragraph(para(note));
        }
        if !k.weights.is_empty() {
            let w: Vec<String> = k.weights.iter().map(|(n, w)| format!("{n} {}", num(*w))).collect();
            doc = doc.add_paragraph(para(format!("权重:{}", w.join(";"))));
        }
        let svg = ranking_chart(k);
        if !svg.is_empty() {
            figure_no += 1;
            doc = figure(doc, &svg, &format!("图 {figure_no} {}得分。来源:[{}]", k.index_name, k.source + 1))?;
        }
        let rows = k
            .rows
            .iter()
            .map(|row| {
                vec![
                    num_cell(row.rank.map_or_else(|| "—".into(), |n| n.to_string())),
                    cell(&row.place),
                    num_cell(opt_num(row.score)),
                    num_cell(change_text(row.change).0),
                    cell(row.note.clone().unwrap_or_default()),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &["名次", "区县", "得分", "变化", "备注"],
            &[800, 2200, 1200, 1000, TEXT_W - 5200],
            rows,
        ));
    }

    // 空间分布
    if let Some(m) = &r.map {
        doc = doc.add_paragraph(heading(&next("空间分布"), 1));
        match charts::choropleth(&m.geojson, &m.values, &m.title, &m.unit, m.lower_is_better) {
            Ok(svg) => {
                figure_no += 1;
                doc = figure(doc, &svg, &format!("图 {figure_no} {}。来源:[{}]", m.title, m.source + 1))?;
            }
            Err(e) => doc = doc.add_paragraph(para(format!("地图无法绘制:{e}"))),
        }
    }

    // 滞后任务
    doc = doc.add_paragraph(heading(&next("滞后任务"), 1));
    if r.lagging_tasks.is_empty() {
        doc = doc.add_paragraph(para("本期没有滞后任务。"));
    }
    for (lead, tasks) in group_by_lead(&r.lagging_tasks) {
        doc = doc.add_paragraph(heading(&format!("{lead}({} 项)", tasks.len()), 2));
        let rows = tasks
            .iter()
            .map(|t| {
                vec![
                    cell(&t.task),
                    Cell { text: t.status_label.clone(), fill: Some(status_fill("behind")), right: false },
                    cell(&t.period),
                    cell(&t.note),
                    cell(format!("[{}]", t.source + 1)),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &["任务", "状态", "期别", "说明", "来源"],
            &[3600, 900, 1100, TEXT_W - 6700, 1100],
            rows,
        ));
    }

    // 数据来源
    doc = doc.add_paragraph(heading(&next("数据来源"), 1)).add_paragraph(
        Paragraph::new().add_run(
            Run::new()
                .add_text("本报告由 planwatch 根据规划原文和监测数据自动生成;[n] 为数据来源编号。")
                .size(18)
                .color("666666"),
        ),
    );
    for (i, s) in r.sources.iter().enumerate() {
        let mut p = Paragraph::new()
            .add_run(Run::new().add_text(format!("[{}] ", i + 1)).color("1E6FD9"))
            .add_run(Run::new().add_text(format!("{} ", s.label)).color("666666"));
        if !s.label.starts_with(s.kind.label()) {
            p = p.add_run(Run::new().add_text(format!("({}) ", s.kind.label())).color("666666"));
        }
        if !s.text.is_empty() {
            let text = if s.kind == SourceKind::PlanSentence { format!("“{}”", s.text) } else { s.text.clone() };
            p = p.add_run(Run::new().add_text(text));
        }
        if let Some(u) = s.url.as_deref().filter(|u| !u.trim().is_empty()) {
            p = p.add_run(Run::new().add_text(format!(" {u}")).size(18).color("1E6FD9"));
        }
        doc = doc.add_paragraph(p.indent(Some(420), Some(docx_rs::SpecialIndentType::Hanging(420)), None, None));
    }

    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

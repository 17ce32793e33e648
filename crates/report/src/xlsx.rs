//! The XLSX report (rust_xlsxwriter): one sheet per table, numbers as numbers, a native bar
//! chart of completion on the first sheet.

use crate::html::{change_text, group_by_lead, target_cites, verdict_with_note};
use crate::model::*;
use crate::ReportError;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartPoint, ChartSolidFill, ChartType, Color, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet,
};

pub(crate) const TARGET_SHEET: &str = "目标完成情况";
pub(crate) const RANKING_SHEET: &str = "区县排名";
pub(crate) const LAGGING_SHEET: &str = "滞后任务";
pub(crate) const SOURCE_SHEET: &str = "数据来源";

/// The header row of each sheet is on this row (0-based), under the title, notice and
/// description lines; data start on the next row.
pub(crate) const HEADER_ROW: u32 = 3;

fn status_rgb(key: &str) -> u32 {
    match key {
        "done" => 0xC8E6C9,
        "ahead" => 0xB2DFDB,
        "on_track" => 0xBBDEFB,
        "behind" => 0xFFCCBC,
        "no_baseline" => 0xFFE0B2,
        _ => 0xE0E0E0,
    }
}

fn status_chart_rgb(key: &str) -> u32 {
    match key {
        "done" => 0x2E7D32,
        "ahead" => 0x00897B,
        "on_track" => 0x1E6FD9,
        "behind" => 0xE4572E,
        "no_baseline" => 0xB8860B,
        _ => 0x9E9E9E,
    }
}

/// Display width in Excel character units: CJK characters count twice.
fn display_width(s: &str) -> f64 {
    crate::fmt::text_width(s, 1.0) / 0.58 * 1.05
}

struct Styles {
    title: Format,
    notice: Format,
    info: Format,
    header: Format,
    text: Format,
    wrap: Format,
    number: Format,
    percent: Format,
}

impl Styles {
    fn new() -> Self {
        let font = |f: Format| f.set_font_name("Microsoft YaHei").set_font_size(10.5);
        let cell = |f: Format| {
            font(f).set_border(FormatBorder::Thin).set_border_color(0xBFC5CC).set_align(FormatAlign::VerticalCenter)
        };
        Styles {
            title: font(Format::new()).set_bold().set_font_size(14),
            notice: font(Format::new())
                .set_bold()
                .set_font_color(0x8E1B1B)
                .set_background_color(0xFFF4F2)
                .set_border(FormatBorder::Medium)
                .set_border_color(0xC62828)
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            info: font(Format::new()).set_font_color(0x555555),
            header: cell(Format::new()).set_bold().set_background_color(0xD9E2F3).set_align(FormatAlign::Center),
            text: cell(Format::new()),
            wrap: cell(Format::new()).set_text_wrap(),
            number: cell(Format::new()).set_num_format("General"),
            percent: cell(Format::new()).set_num_format("0.0%"),
        }
    }
}

/// Title, notice (or a blank row) and a description line above the header row, then the
/// header, frozen and filtered.
fn frame(ws: &mut Worksheet, r: &Report, s: &Styles, info: &str, headers: &[&str]) -> Result<(), ReportError> {
    let last_col = headers.len().saturating_sub(1) as u16;
    ws.write_string_with_format(0, 0, &r.title, &s.title)?;
    if let Some(n) = &r.data_notice {
        let text = format!("重要提示:{n}");
        if last_col > 0 {
            ws.merge_range(1, 0, 1, last_col, &text, &s.notice)?;
        } else {
            ws.write_string_with_format(1, 0, &text, &s.notice)?;
        }
        ws.set_row_height(1, 30)?;
    }
    ws.write_string_with_format(2, 0, info, &s.info)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &s.header)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_paper_size(9); // A4
    Ok(())
}

/// Column widths from the longest cell (CJK counted double), capped; wrapped columns stay
/// at their cap.
fn widths(ws: &mut Worksheet, headers: &[&str], rows: &[Vec<String>], caps: &[f64]) -> Result<(), ReportError> {
    for (c, h) in headers.iter().enumerate() {
        let longest =
            rows.iter().filter_map(|r| r.get(c)).map(|v| display_width(v)).fold(display_width(h) + 2.0, f64::max);
        let cap = caps.get(c).copied().unwrap_or(40.0);
        ws.set_column_width(c as u16, (longest + 1.5).clamp(6.0, cap))?;
    }
    Ok(())
}

fn put_num(ws: &mut Worksheet, row: u32, col: u16, v: Option<f64>, f: &Format) -> Result<(), ReportError> {
    match v.filter(|v| v.is_finite()) {
        Some(v) => ws.write_number_with_format(row, col, v, f)?,
        None => ws.write_blank(row, col, f)?,
    };
    Ok(())
}

fn cites(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("【{n}】")).collect()
}

/// Renders the report as an XLSX workbook.
pub fn xlsx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let r = report;
    let s = Styles::new();
    let mut wb = Workbook::new();
    let mut info = format!(
        "{} · {} · 报告期 {} · 数据截至 {} · 生成于 {}",
        r.kind.label(),
        r.plan.title,
        r.period_label,
        r.as_of,
        r.generated_at
    );
    if !r.data_basis.is_empty() {
        info.push_str(&format!(" · {}", r.data_basis));
    }

    // 目标完成情况
    {
        let ws = wb.add_worksheet().set_name(TARGET_SHEET)?;
        let headers = [
            "指标",
            "单位",
            "基期值",
            "目标值",
            "期限",
            "当前值",
            "当前期别",
            "完成度",
            "时间进度",
            "状态",
            "线性预测",
            "复合预测",
            "研判",
            "来源",
        ];
        frame(ws, r, &s, &info, &headers)?;
        let mut shown = Vec::new();
        for (i, t) in r.targets.iter().enumerate() {
            let row = HEADER_ROW + 1 + i as u32;
            ws.write_string_with_format(row, 0, &t.indicator, &s.wrap)?;
            ws.write_string_with_format(row, 1, &t.unit, &s.text)?;
            // Values rounded by the unit's rule and shown with as many decimals.
            let rounding = planwatch_monitor::units::rounding(&t.unit, &t.indicator);
            let number = s.number.clone().set_num_format(rounding.number_format());
            let round = |v: Option<f64>| v.map(|v| planwatch_monitor::units::round_to(v, rounding.decimals()));
            put_num(ws, row, 2, round(t.baseline), &number)?;
            put_num(ws, row, 3, round(Some(t.target)), &number)?;
            ws.write_number_with_format(row, 4, t.deadline as f64, &s.text)?;
            put_num(ws, row, 5, round(t.current), &number)?;
            ws.write_string_with_format(row, 6, t.current_period.as_deref().unwrap_or(""), &s.text)?;
            // Shares to one decimal of a percent, as shown.
            let share = |v: f64| planwatch_monitor::units::round_to(v, 3);
            put_num(ws, row, 7, t.completion.map(share), &s.percent)?;
            put_num(ws, row, 8, Some(share(t.elapsed)), &s.percent)?;
            let status = s.text.clone().set_background_color(status_rgb(&t.status_key)).set_bold();
            ws.write_string_with_format(row, 9, &t.status_label, &status)?;
            // A 低可信度 forecast is never a bare number: text with its caveat.
            for (col, v, low) in
                [(10, t.forecast_linear, t.forecast_linear_low), (11, t.forecast_compound, t.forecast_compound_low)]
            {
                match v {
                    Some(v) if low => {
                        let shown = crate::fmt::value(v, &t.unit, &t.indicator);
                        ws.write_string_with_format(row, col, format!("{shown}(低可信度)"), &s.text)?;
                    }
                    _ => put_num(ws, row, col, round(v), &number)?,
                }
            }
            let verdict = verdict_with_note(t);
            ws.write_string_with_format(row, 12, &verdict, &s.wrap)?;
            ws.write_string_with_format(row, 13, cites(&target_cites(t)), &s.text)?;
            shown.push(vec![
                t.indicator.clone(),
                t.unit.clone(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                t.current_period.clone().unwrap_or_default(),
                String::new(),
                String::new(),
                t.status_label.clone(),
                String::new(),
                String::new(),
                verdict,
                cites(&target_cites(t)),
            ]);
        }
        let caps = [30.0, 8.0, 10.0, 10.0, 7.0, 10.0, 10.0, 9.0, 9.0, 8.0, 10.0, 10.0, 30.0, 14.0];
        widths(ws, &headers, &shown, &caps)?;
        let last = HEADER_ROW + r.targets.len() as u32;
        ws.autofilter(HEADER_ROW, 0, last.max(HEADER_ROW), headers.len() as u16 - 1)?;
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);

        if !r.targets.is_empty() {
            let mut chart = Chart::new(ChartType::Bar);
            let points: Vec<ChartPoint> =
                r.targets
                    .iter()
                    .map(|t| {
                        ChartPoint::new().set_format(ChartFormat::new().set_solid_fill(
                            ChartSolidFill::new().set_color(Color::RGB(status_chart_rgb(&t.status_key))),
                        ))
                    })
                    .collect();
            chart
                .add_series()
                .set_name("完成度")
                .set_categories((TARGET_SHEET, HEADER_ROW + 1, 0, last, 0))
                .set_values((TARGET_SHEET, HEADER_ROW + 1, 7, last, 7))
                .set_points(&points)
                .set_gap(60);
            chart.title().set_name("目标完成度");
            // In a bar chart the x axis is the horizontal (value) one; categories run top-down.
            chart.x_axis().set_num_format("0%").set_min(0);
            chart.y_axis().set_reverse();
            chart.legend().set_hidden();
            chart.set_width(720).set_height(60 + 36 * r.targets.len() as u32);
            ws.insert_chart(last + 2, 0, &chart)?;
        }
    }

    // 区县排名
    {
        let ws = wb.add_worksheet().set_name(RANKING_SHEET)?;
        let headers = ["名次", "区县", "得分(分)", "变化", "备注", "来源"];
        let info = match &r.ranking {
            Some(k) => {
                let weights: Vec<String> =
                    k.weights.iter().map(|(n, w)| format!("{n} {}", crate::fmt::num(*w))).collect();
                let mut line = format!("{}({}) · {}", k.index_name, k.period_label, k.method_label);
                if let Some(p) = &k.published {
                    line.push_str(&format!(" · {p}"));
                }
                if !weights.is_empty() {
                    line.push_str(&format!(" · 权重:{}", weights.join(";")));
                }
                line
            }
            None => "本报告没有区县排名。".to_string(),
        };
        frame(ws, r, &s, &info, &headers)?;
        let rows = r.ranking.as_ref().map_or(&[][..], |k| &k.rows);
        let cite = r.ranking.as_ref().map(|k| format!("【{}】", k.source + 1)).unwrap_or_default();
        let mut shown = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let y = HEADER_ROW + 1 + i as u32;
            put_num(ws, y, 0, row.rank.map(f64::from), &s.text)?;
            ws.write_string_with_format(y, 1, &row.place, &s.text)?;
            put_num(ws, y, 2, row.score.map(|v| planwatch_monitor::units::round_to(v, 2)), &s.number)?;
            match row.change {
                Some(c) => {
                    let colour = if c > 0 {
                        0x2E7D32
                    } else if c < 0 {
                        0xC62828
                    } else {
                        0x666666
                    };
                    let f = s.text.clone().set_font_color(colour).set_num_format("▲0;▼0;—");
                    ws.write_number_with_format(y, 3, c as f64, &f)?;
                }
                None => {
                    ws.write_blank(y, 3, &s.text)?;
                }
            }
            ws.write_string_with_format(y, 4, row.note.as_deref().unwrap_or(""), &s.wrap)?;
            ws.write_string_with_format(y, 5, &cite, &s.text)?;
            shown.push(vec![
                String::new(),
                row.place.clone(),
                String::new(),
                change_text(row.change).0,
                row.note.clone().unwrap_or_default(),
                cite.clone(),
            ]);
        }
        widths(ws, &headers, &shown, &[7.0, 20.0, 10.0, 8.0, 40.0, 8.0])?;
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + rows.len() as u32, headers.len() as u16 - 1)?;
    }

    // 滞后任务
    {
        let ws = wb.add_worksheet().set_name(LAGGING_SHEET)?;
        let headers = ["牵头单位", "任务", "状态", "期别", "说明", "来源"];
        frame(ws, r, &s, "按牵头单位分组", &headers)?;
        let mut shown = Vec::new();
        let mut y = HEADER_ROW + 1;
        for (lead, tasks) in group_by_lead(&r.lagging_tasks) {
            for t in tasks {
                ws.write_string_with_format(y, 0, lead, &s.text)?;
                ws.write_string_with_format(y, 1, &t.task, &s.wrap)?;
                let status = s.text.clone().set_background_color(status_rgb("behind"));
                ws.write_string_with_format(y, 2, &t.status_label, &status)?;
                ws.write_string_with_format(y, 3, &t.period, &s.text)?;
                ws.write_string_with_format(y, 4, &t.note, &s.wrap)?;
                ws.write_string_with_format(y, 5, format!("【{}】", t.source + 1), &s.text)?;
                shown.push(vec![
                    lead.to_string(),
                    t.task.clone(),
                    t.status_label.clone(),
                    t.period.clone(),
                    t.note.clone(),
                    String::new(),
                ]);
                y += 1;
            }
        }
        widths(ws, &headers, &shown, &[22.0, 50.0, 8.0, 12.0, 40.0, 8.0])?;
        ws.autofilter(HEADER_ROW, 0, y - 1, headers.len() as u16 - 1)?;
    }

    // 评估意见: the task counts and the drafted narrative of a mid-term or final evaluation.
    if r.kind != ReportKind::Quarterly {
        let ws = wb.add_worksheet().set_name("评估意见")?;
        let headers = ["部分", "内容"];
        frame(ws, r, &s, "根据监测数据生成的初稿,请分析人员核实、修改后使用", &headers)?;
        let n = crate::narrative::narrative(r);
        let mut y = HEADER_ROW + 1;
        for c in &r.task_counts {
            ws.write_string_with_format(y, 0, "任务进展", &s.text)?;
            ws.write_string_with_format(y, 1, format!("{}:{} 项", c.label, c.count), &s.wrap)?;
            y += 1;
        }
        for (part, paragraphs) in
            [("主要成效", &n.achievements), ("存在问题", &n.problems), ("下一步建议", &n.suggestions)]
        {
            for p in paragraphs {
                ws.write_string_with_format(y, 0, part, &s.text)?;
                ws.write_string_with_format(y, 1, p, &s.wrap)?;
                y += 1;
            }
        }
        ws.set_column_width(0, 12)?;
        ws.set_column_width(1, 100)?;
    }

    // 数据来源
    {
        let ws = wb.add_worksheet().set_name(SOURCE_SHEET)?;
        let headers = ["编号", "类型", "说明", "原文/文件", "出处"];
        frame(ws, r, &s, "各表“来源”列中的【n】对应此处编号", &headers)?;
        let mut shown = Vec::new();
        for (i, src) in r.sources.iter().enumerate() {
            let y = HEADER_ROW + 1 + i as u32;
            ws.write_string_with_format(y, 0, format!("【{}】", i + 1), &s.text)?;
            ws.write_string_with_format(y, 1, src.kind.label(), &s.text)?;
            ws.write_string_with_format(y, 2, &src.label, &s.wrap)?;
            ws.write_string_with_format(y, 3, &src.text, &s.wrap)?;
            ws.write_string_with_format(y, 4, &src.location, &s.wrap)?;
            shown.push(vec![
                String::new(),
                src.kind.label().to_string(),
                src.label.clone(),
                src.text.clone(),
                src.location.clone(),
            ]);
        }
        widths(ws, &headers, &shown, &[7.0, 10.0, 36.0, 70.0, 40.0])?;
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + r.sources.len() as u32, headers.len() as u16 - 1)?;
    }

    Ok(wb.save_to_buffer()?)
}

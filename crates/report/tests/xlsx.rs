//! The XLSX report read back with calamine.

mod common;

use planwatch_monitor::units::round_to;

use calamine::Data;
use common::*;

const HEADER: usize = 3;

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn xlsx_rows_read_back() {
    let report = sample_report();
    let bytes = planwatch_report::xlsx(&report).unwrap();

    let (names, grid) = read_sheet(&bytes, "目标完成情况");
    assert_eq!(names, ["目标完成情况", "区县排名", "滞后任务", "数据来源"]);
    assert_eq!(s(&grid[0][0]), REPORT_TITLE);
    assert!(s(&grid[1][0]).contains("合成演示数据"), "notice on top");
    assert_eq!(s(&grid[HEADER][0]), "指标");
    assert_eq!(s(&grid[HEADER][7]), "完成度");
    for (i, t) in report.targets.iter().enumerate() {
        let row = &grid[HEADER + 1 + i];
        assert_eq!(s(&row[0]), t.indicator);
        assert_eq!(row[3], Data::Float(t.target));
        assert_eq!(row[4], Data::Float(t.deadline as f64));
        match t.completion {
            Some(c) => assert_eq!(row[7], Data::Float(round_to(c, 3)), "shares to one decimal of a percent"),
            None => assert_eq!(row[7], Data::Empty),
        }
        assert_eq!(row[8], Data::Float(round_to(t.elapsed, 3)));
        assert_eq!(s(&row[9]), t.status_label);
        assert_eq!(s(&row[12]), t.verdict);
        assert!(s(&row[13]).starts_with(&format!("【{}】", t.target_source + 1)));
    }
    assert_eq!(grid.len(), HEADER + 1 + report.targets.len(), "the chart adds no cells");

    let (_, grid) = read_sheet(&bytes, "区县排名");
    let rows = &report.ranking.as_ref().unwrap().rows;
    assert_eq!(grid.len(), HEADER + 1 + rows.len());
    for (i, r) in rows.iter().enumerate() {
        let row = &grid[HEADER + 1 + i];
        assert_eq!(row[0], Data::Float(r.rank.unwrap() as f64));
        assert_eq!(s(&row[1]), r.place);
        assert_eq!(row[2], Data::Float(r.score.unwrap()));
        match r.change {
            Some(c) => assert_eq!(row[3], Data::Float(c as f64)),
            None => assert_eq!(row[3], Data::Empty),
        }
    }

    let (_, grid) = read_sheet(&bytes, "滞后任务");
    assert_eq!(grid.len(), HEADER + 1 + report.lagging_tasks.len());
    // Grouped by lead: the two tasks of 市经济和信息化局 are adjacent.
    let leads: Vec<String> = grid[HEADER + 1..].iter().map(|r| s(&r[0])).collect();
    assert_eq!(leads, ["市经济和信息化局", "市经济和信息化局", "市财政局"]);

    let (_, grid) = read_sheet(&bytes, "数据来源");
    assert_eq!(grid.len(), HEADER + 1 + report.sources.len());
    for (i, src) in report.sources.iter().enumerate() {
        let row = &grid[HEADER + 1 + i];
        assert_eq!(s(&row[0]), format!("【{}】", i + 1));
        assert_eq!(s(&row[3]), src.text);
        assert_eq!(s(&row[4]), src.location, "where it is, not a link");
    }

    // The native chart is there.
    let entries = unzip(&bytes);
    assert!(entries.iter().any(|(n, _)| n.starts_with("xl/charts/chart")), "bar chart");
}

#[test]
fn xlsx_of_an_empty_report() {
    let mut report = sample_report();
    report.targets.clear();
    report.ranking = None;
    report.lagging_tasks.clear();
    report.sources.clear();
    report.data_notice = None;
    let bytes = planwatch_report::xlsx(&report).unwrap();
    let (names, grid) = read_sheet(&bytes, "目标完成情况");
    assert_eq!(names.len(), 4);
    assert_eq!(grid.len(), HEADER + 1);
}

#[test]
fn xlsx_values_are_rounded_by_their_unit() {
    let mut report = sample_report();
    report.targets[1].current = Some(12.4); // 家: a whole number
    report.targets[2].current = Some(45.55); // %: one decimal
    report.targets[0].current = Some(452.456); // 亿元: two decimals
    let bytes = planwatch_report::xlsx(&report).unwrap();
    let (_, grid) = read_sheet(&bytes, "目标完成情况");
    assert_eq!(grid[HEADER + 2][5], Data::Float(12.0));
    assert_eq!(grid[HEADER + 3][5], Data::Float(45.6));
    assert_eq!(grid[HEADER + 1][5], Data::Float(452.46));
}

#[test]
fn xlsx_of_an_evaluation_report_has_the_evaluation_sheet() {
    let mut report = sample_report();
    report.kind = planwatch_report::ReportKind::Final;
    let bytes = planwatch_report::xlsx(&report).unwrap();
    let (names, grid) = read_sheet(&bytes, "评估意见");
    assert_eq!(names, ["目标完成情况", "区县排名", "滞后任务", "评估意见", "数据来源"]);
    let parts: Vec<String> = grid[HEADER + 1..].iter().map(|r| s(&r[0])).collect();
    for want in ["任务进展", "主要成效", "存在问题", "下一步建议"] {
        assert!(parts.iter().any(|p| p == want), "{want}: {parts:?}");
    }
    let text: String = grid.iter().flatten().map(s).collect();
    assert!(text.contains("在下一轮规划编制中") && text.contains("已完成:2 项"), "{text}");
}

//! A realistic sample report, shared by the tests, the bench and the `sample` example, and
//! helpers to read what the formats wrote.
#![allow(dead_code)]

use planwatch_report::*;
use std::io::{Cursor, Read};

pub const PLAN_TITLE: &str = "绵阳市未来产业培育行动方案(2025—2028年)";
pub const REPORT_TITLE: &str = "绵阳市未来产业培育行动方案2026年第3季度监测报告";

/// Quarterly points from 2024Q1 on.
fn quarters(values: &[f64]) -> Vec<SeriesPoint> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (year, q) = (2024 + i as i32 / 4, i as i32 % 4 + 1);
            SeriesPoint { time: year as f64 + (q - 1) as f64 * 0.25, label: format!("{year}Q{q}"), value: *v }
        })
        .collect()
}

/// Linear forecast points from 2026Q4 to 2028Q4 continuing the last two years' trend.
fn forecast(series: &[SeriesPoint]) -> Vec<SeriesPoint> {
    let last = series.last().unwrap();
    let first = &series[series.len() - 9];
    let slope = (last.value - first.value) / (last.time - first.time);
    (1..=9)
        .map(|i| {
            let t = last.time + 0.25 * i as f64;
            let (year, q) = (t.floor() as i32, ((t - t.floor()) * 4.0).round() as i32 + 1);
            SeriesPoint { time: t, label: format!("{year}Q{q}"), value: last.value + slope * (t - last.time) }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn target(
    indicator: &str,
    unit: &str,
    baseline: f64,
    target_value: f64,
    values: &[f64],
    status: (&str, &str),
    verdict: &str,
    target_source: usize,
    data_sources: Vec<usize>,
) -> TargetRow {
    let series = quarters(values);
    let forecast_points = if series.len() >= 9 { forecast(&series) } else { Vec::new() };
    let current = series.last().map(|p| p.value);
    let completion = current.map(|c| (c - baseline) / (target_value - baseline));
    let forecast_linear = forecast_points.last().map(|p| p.value);
    TargetRow {
        indicator: indicator.into(),
        unit: unit.into(),
        baseline: Some(baseline),
        target: target_value,
        deadline: 2028,
        current,
        current_period: series.last().map(|p| p.label.clone()),
        completion,
        elapsed: 0.4375,
        status_key: status.0.into(),
        status_label: status.1.into(),
        forecast_linear,
        forecast_compound: forecast_linear.map(|v| v * 1.03),
        forecast_linear_low: false,
        forecast_compound_low: false,
        verdict: verdict.into(),
        note: String::new(),
        series,
        forecast_points,
        target_source,
        data_sources,
    }
}

/// Three made-up district polygons near Mianyang (lon/lat), one a MultiPolygon.
pub const GEOJSON: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"510703","name":"涪城区"},"geometry":{"type":"Polygon","coordinates":[[[104.60,31.40],[104.82,31.38],[104.86,31.52],[104.74,31.62],[104.58,31.56],[104.60,31.40]]]}},
{"type":"Feature","properties":{"code":"510704","name":"游仙区"},"geometry":{"type":"MultiPolygon","coordinates":[[[[104.82,31.38],[105.10,31.34],[105.16,31.60],[104.98,31.78],[104.86,31.52],[104.82,31.38]]],[[[105.16,31.28],[105.24,31.28],[105.24,31.34],[105.16,31.34],[105.16,31.28]]]]}},
{"type":"Feature","properties":{"code":"510705","name":"安州区"},"geometry":{"type":"Polygon","coordinates":[[[104.20,31.44],[104.60,31.40],[104.58,31.56],[104.74,31.62],[104.50,31.86],[104.22,31.74],[104.20,31.44]]]}}
]}"#;

pub fn sample_report() -> Report {
    let sources = vec![
        Source {
            kind: SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: "到2028年,全市未来产业营业收入突破600亿元,培育未来产业企业150家以上。".into(),
            location: format!("《{PLAN_TITLE}》 二、主要目标"),
            url: Some("https://example.invalid/mianyang/plan-2025.html".into()),
        },
        Source {
            kind: SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: "全社会研发经费投入强度达到3.0%,高新技术企业数量达到600家。".into(),
            location: format!("《{PLAN_TITLE}》 二、主要目标"),
            url: None,
        },
        Source {
            kind: SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: "新建省级以上创新平台30个,未来产业发明专利授权量年均增长15%。".into(),
            location: format!("《{PLAN_TITLE}》 二、主要目标"),
            url: None,
        },
        Source {
            kind: SourceKind::DataFile,
            label: "数据文件 mianyang-2026Q3.csv 第12行".into(),
            text: "mianyang-2026Q3.csv 第12—14行(市统计局季度数据)".into(),
            location: "导入批次 #12,2026-10-09".into(),
            url: None,
        },
        Source {
            kind: SourceKind::DataFile,
            label: "数据文件 mianyang-2026Q3.csv 第15行".into(),
            text: "mianyang-2026Q3.csv 第15—16行(市科技局)".into(),
            location: "导入批次 #12,2026-10-09".into(),
            url: None,
        },
        Source {
            kind: SourceKind::Ranking,
            label: "排名 绵阳市未来产业发展指数 2026年第3季度 第2版".into(),
            text: "ranking-2026Q3-v2.json".into(),
            location: "已发布 第2版,2026-10-10".into(),
            url: Some("https://example.invalid/planwatch/rankings/12?v=2&fmt=html".into()),
        },
        Source {
            kind: SourceKind::DataFile,
            label: "数据文件 mianyang-districts-2026Q3.csv".into(),
            text: "mianyang-districts-2026Q3.csv 第2—4行".into(),
            location: "导入批次 #12,2026-10-09".into(),
            url: None,
        },
        Source {
            kind: SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: "建设科技城未来产业先导区,布局类脑智能、量子信息等前沿领域(市经济和信息化局牵头,涪城区、游仙区人民政府配合)。"
                .into(),
            location: format!("《{PLAN_TITLE}》 二、主要目标"),
            url: None,
        },
        Source {
            kind: SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: "设立未来产业投资基金,首期规模不低于20亿元(市财政局、市国资委牵头)。".into(),
            location: format!("《{PLAN_TITLE}》 二、主要目标"),
            url: None,
        },
    ];
    let targets = vec![
        target(
            "未来产业营业收入",
            "亿元",
            320.0,
            600.0,
            &[320.0, 331.0, 344.0, 352.0, 368.0, 379.0, 395.0, 410.0, 426.0, 440.0, 452.0],
            ("on_track", "正常"),
            "预计未达成,差 38",
            0,
            vec![3],
        ),
        target(
            "未来产业企业数量",
            "家",
            85.0,
            150.0,
            &[85.0, 88.0, 92.0, 95.0, 101.0, 106.0, 110.0, 114.0, 119.0, 124.0, 128.0],
            ("ahead", "超前"),
            "预计达成",
            0,
            vec![3],
        ),
        target(
            "全社会研发经费投入强度",
            "%",
            2.1,
            3.0,
            &[2.10, 2.11, 2.13, 2.15, 2.18, 2.20, 2.22, 2.25, 2.28, 2.31, 2.35],
            ("behind", "滞后"),
            "预计未达成,差 0.33",
            1,
            vec![4],
        ),
        target(
            "高新技术企业数量",
            "家",
            420.0,
            600.0,
            &[420.0, 436.0, 455.0, 470.0, 492.0, 510.0, 533.0, 552.0, 574.0, 593.0, 611.0],
            ("done", "已完成"),
            "已提前达成",
            1,
            vec![4],
        ),
        TargetRow {
            indicator: "省级以上创新平台".into(),
            unit: "个".into(),
            baseline: Some(12.0),
            target: 30.0,
            deadline: 2028,
            current: None,
            current_period: None,
            completion: None,
            elapsed: 0.4375,
            status_key: "no_data".into(),
            status_label: "无数据".into(),
            forecast_linear: None,
            forecast_compound: None,
            forecast_linear_low: false,
            forecast_compound_low: false,
            verdict: "无法研判".into(),
            note: String::new(),
            series: Vec::new(),
            forecast_points: Vec::new(),
            target_source: 2,
            data_sources: Vec::new(),
        },
    ];
    let districts = [
        ("涪城区", 92.4, Some(1)),
        ("游仙区", 85.1, Some(-1)),
        ("江油市", 81.7, Some(0)),
        ("安州区", 76.3, Some(2)),
        ("三台县", 71.0, Some(-1)),
        ("梓潼县", 64.8, None),
        ("盐亭县", 60.2, Some(1)),
        ("北川羌族自治县", 55.9, Some(-2)),
        ("平武县", 48.5, Some(0)),
    ];
    let ranking = RankingSection {
        index_name: "未来产业发展指数".into(),
        period_label: "2026年第3季度".into(),
        method_label: "熵权法综合评价(营业收入、企业数量、研发投入、创新平台)".into(),
        approved_note: Some("评价办法经市未来产业工作领导小组办公室审定。".into()),
        published: Some("已发布 第2版 2026-10-10".into()),
        weights: vec![
            ("营业收入".into(), 0.35),
            ("企业数量".into(), 0.25),
            ("研发投入".into(), 0.25),
            ("创新平台".into(), 0.15),
        ],
        rows: districts
            .iter()
            .enumerate()
            .map(|(i, (place, score, change))| RankingRow {
                rank: Some(i as u32 + 1),
                place: (*place).into(),
                score: Some(*score),
                change: *change,
                note: (*place == "梓潼县").then(|| "首次纳入评价".to_string()),
            })
            .collect(),
        source: 5,
    };
    let map = MapSection {
        title: "各区未来产业营业收入(2026年前三季度)".into(),
        unit: "亿元".into(),
        lower_is_better: false,
        geojson: GEOJSON.into(),
        values: vec![
            MapValue { code: "510703".into(), name: "涪城区".into(), value: Some(168.5) },
            MapValue { code: "510704".into(), name: "游仙区".into(), value: Some(96.2) },
            MapValue { code: "510705".into(), name: "安州区".into(), value: None },
        ],
        source: 6,
    };
    let lagging_tasks = vec![
        LaggingTask {
            lead: "市经济和信息化局".into(),
            task: "建设科技城未来产业先导区".into(),
            status_label: "滞后".into(),
            note: "先导区规划尚未批复,首批项目开工推迟至2026年第4季度".into(),
            period: "2026Q3".into(),
            source: 7,
        },
        LaggingTask {
            lead: "市财政局".into(),
            task: "设立未来产业投资基金,首期规模不低于20亿元".into(),
            status_label: "滞后".into(),
            note: "基金已注册,实缴 6 亿元,低于进度要求".into(),
            period: "2026Q3".into(),
            source: 8,
        },
        LaggingTask {
            lead: "市经济和信息化局".into(),
            task: "布局类脑智能、量子信息等前沿领域中试平台".into(),
            status_label: "滞后".into(),
            note: "中试平台选址未定".into(),
            period: "2026Q3".into(),
            source: 7,
        },
    ];
    Report {
        title: REPORT_TITLE.into(),
        kind: ReportKind::Quarterly,
        plan: PlanInfo {
            title: PLAN_TITLE.into(),
            issuer: "绵阳市人民政府办公室".into(),
            region: "四川省绵阳市".into(),
            period: "2025—2028年".into(),
            doc_number: "绵府办发〔2025〕12号".into(),
        },
        period_label: "2026年第3季度".into(),
        as_of: "2026Q3".into(),
        generated_at: "2026-10-15 17:30(北京时间)".into(),
        created_utc: "2026-10-15T09:30:00Z".into(),
        author: "analyst.li".into(),
        data_notice: Some("本报告使用合成演示数据,数值不代表绵阳市的真实情况,仅用于演示监测功能。".into()),
        data_basis: "含未审核数据:2/6 个单位的 2026Q3 数据尚未审核(涪城区、游仙区)".into(),
        status_counts: [
            ("done", "已完成"),
            ("ahead", "超前"),
            ("on_track", "正常"),
            ("behind", "滞后"),
            ("no_data", "无数据"),
        ]
        .iter()
        .map(|(k, l)| StatusCount {
            key: (*k).into(),
            label: (*l).into(),
            count: targets.iter().filter(|t| t.status_key == *k).count() as u32,
        })
        .collect(),
        targets,
        ranking: Some(ranking),
        map: Some(map),
        lagging_tasks,
        task_counts: [
            ("done", "已完成", 2),
            ("in_progress", "推进中", 3),
            ("not_started", "未启动", 0),
            ("lagging", "滞后", 3),
            ("unreported", "未填报", 1),
        ]
        .iter()
        .map(|(k, l, n)| StatusCount { key: (*k).into(), label: (*l).into(), count: *n })
        .collect(),
        sources,
    }
}

/// The entries of a ZIP archive: name → bytes.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Sheet names and the cells of one sheet (from A1), read back with calamine.
pub fn read_sheet(bytes: &[u8], name: &str) -> (Vec<String>, Vec<Vec<calamine::Data>>) {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens xlsx");
    let names = book.sheet_names();
    let range = book.worksheet_range(name).expect("sheet");
    let (height, width) = range.get_size();
    let start = range.start().unwrap_or((0, 0));
    let mut grid = vec![vec![calamine::Data::Empty; width + start.1 as usize]; height + start.0 as usize];
    for (r, c, v) in range.used_cells() {
        grid[r + start.0 as usize][c + start.1 as usize] = v.clone();
    }
    (names, grid)
}

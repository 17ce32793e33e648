//! Sample rows and readers shared by the tests, the bench and the `sample` example.
#![allow(dead_code)]

use planwatch_export::{TargetMilestone, TargetRow, TargetSource, TaskRow};
use std::io::{Cursor, Read};

pub const PLAN: &str = "扬州市“十四五”先进制造业集群发展规划";

fn owners(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Hand-made tasks covering the cases that matter: several owners, none, corrections, text a
/// spreadsheet could take for a formula, quotes, commas and line breaks, `_xHHHH_` look-alikes.
pub fn sample_tasks() -> Vec<TaskRow> {
    vec![
        TaskRow {
            plan: PLAN.into(),
            section: "三、重点任务 / (一) 培育未来制造".into(),
            task: "实施智能制造提升工程，推动规上工业企业数字化改造全覆盖".into(),
            content: "实施智能制造提升工程。\n1)推动规上工业企业数字化改造全覆盖。\n2)2025年底前建成智能工厂50家。".into(),
            lead: owners(&["市工业和信息化局"]),
            responsible: owners(&["市发展和改革委员会", "市科学技术局", "各县(市、区)人民政府"]),
            deadline: Some("2025年底前".into()),
            source: "实施智能制造提升工程，推动规上工业企业数字化改造全覆盖。（市工信局牵头，市发改委、市科技局、各县（市、区）人民政府按职责分工负责）".into(),
            span: [10_234, 10_467],
            correction: None,
        },
        TaskRow {
            plan: PLAN.into(),
            section: "三、重点任务 / (二) 壮大产业集群".into(),
            task: "培育高端装备、新能源汽车等 6 个千亿级产业集群".into(),
            content: "到2025年，培育高端装备、新能源汽车等6个千亿级产业集群。".into(),
            lead: owners(&["市发展和改革委员会", "市工业和信息化局"]),
            responsible: vec![],
            deadline: Some("到2025年".into()),
            source: "到2025年，培育高端装备、新能源汽车等6个千亿级产业集群。".into(),
            span: [12, 30],
            correction: Some("已更正".into()),
        },
        TaskRow {
            plan: PLAN.into(),
            section: "四、保障措施".into(),
            task: "=HYPERLINK(\"http://example.invalid\",\"点击\")".into(),
            content: "=1+1，\"引号\"，逗号,分号;\n第二行".into(),
            lead: owners(&["@市财政局"]),
            responsible: owners(&["-市审计局"]),
            deadline: Some("+持续推进".into()),
            source: "+86 热线，\"引号\"，逗号,分号;\n第二行\r\n第三行".into(),
            span: [0, 0],
            correction: Some("人工新增".into()),
        },
        TaskRow {
            plan: PLAN.into(),
            section: String::new(),
            task: "  保留首尾空格  ".into(),
            content: String::new(),
            lead: vec![],
            responsible: vec![],
            deadline: None,
            source: "字面 _x0041_ 不是转义；控制符\u{1}与表情😀；制表\t符".into(),
            span: [usize::MAX - 1, usize::MAX],
            correction: None,
        },
    ]
}

/// `n` tasks shaped like a real 任务分工表 (for the bench and the visual check).
pub fn many_tasks(n: usize) -> Vec<TaskRow> {
    let sections = [
        "三、重点任务 / (一) 培育未来制造",
        "三、重点任务 / (二) 壮大产业集群",
        "三、重点任务 / (三) 强化创新驱动",
        "四、保障措施",
    ];
    let units = [
        "市发展和改革委员会",
        "市工业和信息化局",
        "市科学技术局",
        "市商务局",
        "市财政局",
        "市自然资源和规划局",
        "市生态环境局",
    ];
    (0..n)
        .map(|i| TaskRow {
            plan: PLAN.into(),
            section: sections[i % sections.len()].into(),
            task: format!("推进第{}项重点工程建设，加快形成新质生产力", i + 1),
            content: format!(
                "推进第{}项重点工程建设，加快形成新质生产力，到2025年完成投资{}亿元以上。强化用地、用能、资金等要素保障，建立项目调度和督办机制。",
                i + 1,
                10 + i * 3
            ),
            lead: owners(&[units[i % units.len()]]),
            responsible: owners(&[units[(i + 1) % units.len()], units[(i + 3) % units.len()], "各县(市、区)人民政府"]),
            deadline: match i % 3 {
                0 => Some("2025年底前".into()),
                1 => Some("持续推进".into()),
                _ => None,
            },
            source: format!(
                "推进第{}项重点工程建设，加快形成新质生产力，到2025年完成投资{}亿元以上。（{}牵头，{}、{}按职责分工负责）",
                i + 1,
                10 + i * 3,
                units[i % units.len()],
                units[(i + 1) % units.len()],
                units[(i + 3) % units.len()]
            ),
            span: [1000 + i * 400, 1000 + i * 400 + 230],
            correction: match i % 10 {
                3 => Some("已更正".into()),
                7 => Some("人工新增".into()),
                _ => None,
            },
        })
        .collect()
}

pub fn sample_targets() -> Vec<TargetRow> {
    vec![
        TargetRow {
            plan: PLAN.into(),
            section: "二、发展目标".into(),
            indicator: "先进制造业集群规模".into(),
            value: 10_000.0,
            value_max: None,
            unit: "亿元".into(),
            year: Some(2025),
            baseline_value: Some(6_512.3),
            baseline_year: Some(2020),
            qualifier: "以上".into(),
            kind: "total".into(),
            scope: "全市".into(),
            source: "到2025年，先进制造业集群规模突破1万亿元。".into(),
            span: [2_048, 2_110],
            correction: None,
            attribute: Some("预期性".into()),
            increment: false,
            milestones: vec![TargetMilestone {
                year: Some(2023),
                value: 8_000.0,
                value_max: None,
                unit: "亿元".into(),
            }],
            sources: vec![
                TargetSource {
                    key: "先进制造业集群规模|2025#1".into(),
                    section: "二、发展目标".into(),
                    year: Some(2025),
                    value: 10_000.0,
                    value_max: None,
                    unit: "亿元".into(),
                    table: false,
                    primary: true,
                    source: "到2025年，先进制造业集群规模突破1万亿元。".into(),
                    span: [2_048, 2_110],
                    correction: None,
                },
                TargetSource {
                    key: "先进制造业集群规模|2025#2".into(),
                    section: "专栏1 主要指标".into(),
                    year: Some(2025),
                    value: 12_000.0,
                    value_max: None,
                    unit: "亿元".into(),
                    table: true,
                    primary: false,
                    source: "1\t先进制造业集群规模(亿元)\t6512.3\t12000\t预期性".into(),
                    span: [3_000, 3_040],
                    correction: None,
                },
            ],
            review: Some("2025年的目标值有2种提法:10000亿元、12000亿元".into()),
        },
        TargetRow {
            plan: PLAN.into(),
            section: "二、发展目标".into(),
            indicator: "研发投入强度".into(),
            value: 2.8,
            value_max: Some(3.1),
            unit: "%".into(),
            year: Some(2025),
            baseline_value: None,
            baseline_year: None,
            qualifier: "力争".into(),
            kind: "share".into(),
            scope: String::new(),
            source: "研发投入强度力争达到2.8%—3.1%。".into(),
            span: [2_200, 2_260],
            correction: Some("已更正".into()),
            attribute: None,
            increment: false,
            milestones: vec![],
            sources: vec![],
            review: None,
        },
        TargetRow {
            plan: PLAN.into(),
            section: "二、发展目标".into(),
            indicator: "单位GDP能耗下降".into(),
            value: -13.5,
            value_max: None,
            unit: "%".into(),
            year: None,
            baseline_value: Some(0.1),
            baseline_year: None,
            qualifier: "左右".into(),
            kind: "growth".into(),
            scope: "-规上工业".into(),
            source: "=单位GDP能耗下降13.5%左右".into(),
            span: [3, 4],
            correction: None,
            attribute: Some("约束性".into()),
            increment: true,
            milestones: vec![],
            sources: vec![],
            review: None,
        },
    ]
}

/// What a cell should read back as.
#[derive(Debug, Clone, PartialEq)]
pub enum Want {
    Text(String),
    Num(f64),
    Empty,
}

fn text(s: &str) -> Want {
    if s.is_empty() {
        Want::Empty
    } else {
        Want::Text(s.to_string())
    }
}

fn opt_num(v: Option<f64>) -> Want {
    v.map_or(Want::Empty, Want::Num)
}

fn opt_year(v: Option<i32>) -> Want {
    v.map_or(Want::Empty, |y| Want::Num(f64::from(y)))
}

/// The cells a task row must become, written out from the spec independently of the crate.
pub fn task_cells(row: &TaskRow, seq: usize) -> Vec<Want> {
    vec![
        Want::Num(seq as f64),
        text(&row.plan),
        text(&row.section),
        text(&row.task),
        text(&row.content),
        text(&row.lead.join("、")),
        text(&row.responsible.join("、")),
        row.deadline.as_deref().map_or(Want::Empty, text),
        text(&row.source),
        Want::Text(format!("{}–{}", row.span[0], row.span[1])),
        row.correction.as_deref().map_or(Want::Empty, text),
    ]
}

pub fn target_cells(row: &TargetRow, seq: usize) -> Vec<Want> {
    // Several mentions: one line each, led by its section in 〔〕; one: its sentence.
    let (source, spans, n) = if row.sources.is_empty() {
        (row.source.clone(), format!("{}–{}", row.span[0], row.span[1]), 1)
    } else {
        let lines: Vec<String> = row
            .sources
            .iter()
            .map(|s| format!("〔{}{}〕{}", s.section, if s.table { "·专栏指标表" } else { "" }, s.source))
            .collect();
        let spans: Vec<String> = row.sources.iter().map(|s| format!("{}–{}", s.span[0], s.span[1])).collect();
        let source = if row.sources.len() == 1 { row.sources[0].source.clone() } else { lines.join("\n") };
        (source, spans.join("；"), row.sources.len())
    };
    let milestones: Vec<String> =
        row.milestones.iter().map(|m| format!("{}年 {}{}", m.year.unwrap_or_default(), m.value, m.unit)).collect();
    vec![
        Want::Num(seq as f64),
        text(&row.plan),
        text(&row.section),
        text(&row.indicator),
        Want::Num(row.value),
        opt_num(row.value_max),
        text(&row.unit),
        opt_year(row.year),
        opt_num(row.baseline_value),
        opt_year(row.baseline_year),
        text(row.attribute.as_deref().unwrap_or("")),
        text(if row.increment { "增量" } else { "水平" }),
        text(&milestones.join("；")),
        text(&row.qualifier),
        text(&row.kind),
        text(&row.scope),
        Want::Num(n as f64),
        text(&source),
        Want::Text(spans),
        text(row.review.as_deref().unwrap_or("")),
        row.correction.as_deref().map_or(Want::Empty, text),
    ]
}

pub const TASK_HEADERS: [&str; 11] =
    ["序号", "规划", "章节", "任务", "任务内容", "牵头单位", "责任单位", "完成时限", "来源原文", "位置", "人工更正"];
pub const TARGET_HEADERS: [&str; 21] = [
    "序号",
    "规划",
    "章节",
    "指标",
    "目标值",
    "上限",
    "单位",
    "目标年份",
    "基期值",
    "基期年份",
    "属性",
    "增量/水平",
    "阶段目标",
    "限定语",
    "类型",
    "范围",
    "提法数",
    "来源原文",
    "位置",
    "待核对",
    "人工更正",
];

/// One file of the XLSX (ZIP) container as text.
pub fn unzip(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("xlsx is a zip");
    let mut file = archive.by_name(name).unwrap_or_else(|_| panic!("{name} in xlsx"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("utf-8 xml");
    text
}

/// Sheet names and the cells of one sheet, read back with calamine.
pub fn read_sheet(bytes: &[u8], index: usize) -> (Vec<String>, Vec<Vec<calamine::Data>>) {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens xlsx");
    let names = book.sheet_names();
    let range = book.worksheet_range(&names[index]).expect("sheet");
    // Rows from A1, whatever the used range starts at.
    let (height, width) = range.get_size();
    let start = range.start().unwrap_or((0, 0));
    let mut grid = vec![vec![calamine::Data::Empty; width + start.1 as usize]; height + start.0 as usize];
    for (r, c, v) in range.used_cells() {
        grid[r + start.0 as usize][c + start.1 as usize] = v.clone();
    }
    (names, grid)
}

/// Compares a read-back cell with what it should be.
pub fn same(got: Option<&calamine::Data>, want: &Want) -> bool {
    use calamine::Data;
    match (got.unwrap_or(&Data::Empty), want) {
        (Data::String(s), Want::Text(w)) => s == w,
        (Data::Float(f), Want::Num(w)) => f == w,
        (Data::Int(i), Want::Num(w)) => *i as f64 == *w,
        (Data::Empty, Want::Empty) => true,
        (Data::String(s), Want::Empty) => s.is_empty(),
        _ => false,
    }
}

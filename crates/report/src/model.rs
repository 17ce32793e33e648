//! The report input: plain data, filled by whoever knows the store (the web crate), and
//! serialisable so a report can be saved, diffed or rendered elsewhere.
//!
//! Every `usize` named `source`/`target_source`/`data_sources` is an index into
//! [`Report::sources`]; the formats cite it as `[index + 1]`.

use serde::{Deserialize, Serialize};

/// One monitoring report of one plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub kind: ReportKind,
    pub plan: PlanInfo,
    /// The period reported on, as people say it, e.g. "2026年第3季度".
    pub period_label: String,
    /// The data cut-off, e.g. "2026Q3".
    pub as_of: String,
    /// When the report was made, as shown in it: Beijing time, e.g. "2026-10-15 17:30(北京时间)".
    pub generated_at: String,
    /// The same moment for the document properties: UTC in W3CDTF, e.g. "2026-10-15T09:30:00Z"
    /// (empty: the DOCX says 1970, which no one should see).
    #[serde(default)]
    pub created_utc: String,
    /// Who made the report (the account's login, or "planwatch"): the DOCX's author.
    #[serde(default)]
    pub author: String,
    /// A warning shown prominently at the top of every format (e.g. synthetic demo data).
    pub data_notice: Option<String>,
    /// Whether the figures rest on approved data only, e.g. "全部为已审核数据" or
    /// "含未审核数据:3/9 个单位的 2026Q3 数据尚未审核".
    #[serde(default)]
    pub data_basis: String,
    pub status_counts: Vec<StatusCount>,
    pub targets: Vec<TargetRow>,
    pub ranking: Option<RankingSection>,
    pub map: Option<MapSection>,
    pub lagging_tasks: Vec<LaggingTask>,
    /// The plan's tasks by their latest reported status: keys "done", "in_progress",
    /// "not_started", "lagging", "unreported" (no report yet), in that order.
    #[serde(default)]
    pub task_counts: Vec<StatusCount>,
    pub sources: Vec<Source>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Quarterly,
    Midterm,
    Final,
}

impl ReportKind {
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Quarterly => "季度监测报告",
            ReportKind::Midterm => "中期评估报告",
            ReportKind::Final => "总结评估报告",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlanInfo {
    pub title: String,
    pub issuer: String,
    pub region: String,
    /// e.g. "2025—2028年".
    pub period: String,
    pub doc_number: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatusCount {
    /// "done", "ahead", "on_track", "behind", "no_baseline", "no_data".
    pub key: String,
    pub label: String,
    pub count: u32,
}

/// One quantified target and where it stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TargetRow {
    pub indicator: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: f64,
    /// The year the target is due.
    pub deadline: i32,
    pub current: Option<f64>,
    pub current_period: Option<String>,
    /// 0..∞, 1 = 100 %.
    pub completion: Option<f64>,
    /// Share of the plan period elapsed, 0..1.
    pub elapsed: f64,
    /// "done", "ahead", "on_track", "behind", "no_baseline" or "no_data".
    pub status_key: String,
    /// 已完成, 超前, 正常, 滞后, 无基期值 or 无数据.
    pub status_label: String,
    pub forecast_linear: Option<f64>,
    pub forecast_compound: Option<f64>,
    /// The forecast is 低可信度 (far beyond the target): shown with its caveat, never bare.
    #[serde(default)]
    pub forecast_linear_low: bool,
    #[serde(default)]
    pub forecast_compound_low: bool,
    /// Each forecast with its method and the values it rests on, e.g.
    /// "线性趋势,基于6个季度值:预计未达成,差 12", or why there is none.
    pub verdict: String,
    /// The rules that applied, e.g. "无基期值:……请录入基期值" (zh-CN); empty when none.
    #[serde(default)]
    pub note: String,
    pub series: Vec<SeriesPoint>,
    pub forecast_points: Vec<SeriesPoint>,
    pub target_source: usize,
    pub data_sources: Vec<usize>,
}

/// A point of a time series: `time` as a fractional year (2024Q1 = 2024.0, Q2 = 2024.25…),
/// `label` as shown on the axis ("2024Q1").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub time: f64,
    pub label: String,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RankingSection {
    pub index_name: String,
    pub period_label: String,
    pub method_label: String,
    pub approved_note: Option<String>,
    /// e.g. "已发布 第2版 2026-10-10".
    pub published: Option<String>,
    pub weights: Vec<(String, f64)>,
    pub rows: Vec<RankingRow>,
    pub source: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RankingRow {
    pub rank: Option<u32>,
    pub place: String,
    pub score: Option<f64>,
    /// Places moved since the previous period: positive = up.
    pub change: Option<i32>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MapSection {
    pub title: String,
    pub unit: String,
    pub lower_is_better: bool,
    /// A GeoJSON FeatureCollection of (Multi)Polygons with `code` and `name` properties.
    pub geojson: String,
    pub values: Vec<MapValue>,
    pub source: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapValue {
    pub code: String,
    pub name: String,
    pub value: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LaggingTask {
    pub lead: String,
    pub task: String,
    pub status_label: String,
    pub note: String,
    pub period: String,
    pub source: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    PlanSentence,
    DataFile,
    Ranking,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::PlanSentence => "规划原文",
            SourceKind::DataFile => "数据文件",
            SourceKind::Ranking => "排名",
        }
    }
}

/// Where a figure comes from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    /// e.g. "规划原文" or "数据文件 mianyang-2026Q3.csv 第12行".
    pub label: String,
    /// The sentence quoted, or the file name and rows.
    pub text: String,
    /// Where it is, as a reader of the printed report finds it: for a plan sentence the
    /// plan's title and section ("《…规划》 二、主要目标"), for a data file its import number
    /// and date ("导入批次 #12,2026-10-09"). Printed instead of the URL.
    #[serde(default)]
    pub location: String,
    /// The link for the HTML report; never printed in the DOCX.
    pub url: Option<String>,
}

/// The citation mark of source `index` ("【1】" for index 0), as 公文 number references.
pub fn cite(index: usize) -> String {
    format!("【{}】", index + 1)
}

/// The citation marks of several sources, de-duplicated, in order ("【2】【5】").
pub fn cite_all(indexes: impl IntoIterator<Item = usize>) -> String {
    let mut seen = Vec::new();
    for i in indexes {
        if !seen.contains(&i) {
            seen.push(i);
        }
    }
    seen.into_iter().map(cite).collect()
}

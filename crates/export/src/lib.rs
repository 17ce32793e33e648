//! Exports of a plan's 任务分工表 (task-division table) and 目标台账 (target ledger) as XLSX,
//! CSV and JSON.
//!
//! The web and CLI layers build [`TaskRow`]s and [`TargetRow`]s from a plan; this crate only
//! turns rows into bytes, so it has no dependency on the plan model and no I/O.
//!
//! The three formats serve different readers:
//! - **XLSX** is for people: a zh-CN header, readable column widths, wrapped long text, a
//!   frozen header with an autofilter, corrected rows highlighted in light yellow and a
//!   second sheet, 说明, describing the columns.
//! - **CSV** has the same columns and cells as the XLSX sheet (UTF-8 with a BOM so Excel reads
//!   Chinese correctly, CRLF line ends, RFC 4180 quoting). Text that starts with `=`, `+`,
//!   `-`, `@`, a tab or a carriage return gets a leading `'` so a spreadsheet does not run it
//!   as a formula (OWASP's advice against CSV injection); numbers written by this crate (for
//!   example a negative growth target) are not text and are left alone.
//! - **JSON** is for programs: the rows exactly as given (lossless, no prefixes, no cuts).
//!
//! In XLSX every text cell is written as a string cell, so formula-like text is never a
//! formula; such cells also carry Excel's quote prefix, so editing the cell keeps it text.
//! Text longer than Excel's cell limit (32,767 UTF-16 units) is cut and ends in "…" in both
//! XLSX and CSV rather than failing the export.
//!
//! ```
//! use planwatch_export::{tasks_csv, tasks_xlsx, TaskRow};
//!
//! let rows = vec![TaskRow {
//!     plan: "某市制造业发展规划".into(),
//!     section: "三、重点任务".into(),
//!     task: "实施智能制造提升工程".into(),
//!     content: "实施智能制造提升工程。2025年底前实现规上工业企业数字化改造全覆盖。".into(),
//!     lead: vec!["市工业和信息化局".into()],
//!     responsible: vec!["市发展和改革委员会".into(), "市科学技术局".into()],
//!     deadline: Some("2025年底前".into()),
//!     source: "实施智能制造提升工程。（市工信局牵头）".into(),
//!     span: [120, 180],
//!     correction: Some("已更正".into()),
//! }];
//! let xlsx = tasks_xlsx("某市制造业发展规划", &rows)?;
//! assert!(xlsx.starts_with(b"PK")); // a ZIP container
//! let csv = String::from_utf8(tasks_csv(&rows)?).unwrap();
//! assert!(csv.contains("市发展和改革委员会、市科学技术局"));
//! assert!(csv.contains(",2025年底前,"));
//! # Ok::<(), planwatch_export::ExportError>(())
//! ```

use planwatch_monitor::units::{rounding, Rounding};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

mod delimited;
mod grid;
mod template;
mod text;
mod xlsx;

pub use grid::{grid_csv, grid_xlsx, grids_xlsx, Grid, GridCell, GridColumn};
pub use template::{observation_template, TemplateRow};

/// One task of the 任务分工表.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskRow {
    /// Plan title (or file name when untitled).
    pub plan: String,
    /// Outline path, e.g. "三、重点任务 / (一) 培育未来制造".
    pub section: String,
    /// Task title or first sentence.
    pub task: String,
    /// 任务内容: what is to be done, the sentences of the task's passage as the document
    /// writes them (lines joined by `\n`).
    #[serde(default)]
    pub content: String,
    /// 牵头单位 (canonical names).
    pub lead: Vec<String>,
    /// 责任单位 / 配合单位.
    pub responsible: Vec<String>,
    /// 完成时限 as the document writes it (`2025年底前`, `持续推进`, `到2027年`); `None` when
    /// the document gives none.
    #[serde(default)]
    pub deadline: Option<String>,
    /// The source sentence(s) the task was read from.
    pub source: String,
    /// Byte range of `source` in the document's source text.
    pub span: [usize; 2],
    /// `None` for a machine extraction; `Some("已更正")` / `Some("人工新增")` when an analyst
    /// corrected or added the row.
    pub correction: Option<String>,
}

/// One indicator of the 目标台账: every mention of it in the plan merged into one row (see
/// `planwatch_core::ledger`). The figure, `section`, `source` and `span` are those of the
/// primary mention; `sources` lists them all.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetRow {
    pub plan: String,
    pub section: String,
    pub indicator: String,
    pub value: f64,
    /// Upper end of a range such as "100–120".
    pub value_max: Option<f64>,
    pub unit: String,
    /// Deadline year; `None` when the plan states none.
    pub year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    /// e.g. 以上, 左右, 力争.
    pub qualifier: String,
    /// e.g. total / growth / share (free text).
    pub kind: String,
    pub scope: String,
    pub source: String,
    pub span: [usize; 2],
    pub correction: Option<String>,
    /// `预期性` or `约束性`, from the plan's indicator table.
    #[serde(default)]
    pub attribute: Option<String>,
    /// What is added over the period (新增, 累计, 年均增长) rather than a level to reach.
    #[serde(default)]
    pub increment: bool,
    /// Figures the plan sets for other years than `year`.
    #[serde(default)]
    pub milestones: Vec<TargetMilestone>,
    /// Every mention of the indicator (text, 专栏 table, tasks), in document order.
    #[serde(default)]
    pub sources: Vec<TargetSource>,
    /// Why the mentions need a look (待核对): they disagree on value or year.
    #[serde(default)]
    pub review: Option<String>,
}

/// A figure of an indicator for another year (`2024年突破2.2万亿元`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetMilestone {
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
}

/// One mention of an indicator: where the plan states it and what it says there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TargetSource {
    /// Item key of the mention, which corrections name.
    pub key: String,
    pub section: String,
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// A row of the plan's indicator table (专栏) rather than a sentence.
    pub table: bool,
    /// The mention whose figure the row shows.
    #[serde(default)]
    pub primary: bool,
    pub source: String,
    pub span: [usize; 2],
    pub correction: Option<String>,
}

/// Why an export failed. Bad input text never fails an export (it is cleaned or cut); what is
/// left is the format's hard limits and the writers' own errors.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// More rows than an Excel sheet holds (1,048,576 including the header).
    #[error("{rows} rows do not fit in one Excel sheet (at most {max})")]
    TooManyRows { rows: usize, max: usize },
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("writing export: {0}")]
    Io(#[from] std::io::Error),
}

/// The 任务分工表 as an XLSX workbook: a sheet named after `sheet_title` (made safe for Excel;
/// "任务分工表" when nothing usable is left) and the 说明 sheet. The title is also the
/// workbook's document title.
pub fn tasks_xlsx(sheet_title: &str, rows: &[TaskRow]) -> Result<Vec<u8>, ExportError> {
    xlsx::workbook(&TASKS, sheet_title, rows)
}

/// The 目标台账 as an XLSX workbook; see [`tasks_xlsx`]. Values and years are numeric cells.
pub fn targets_xlsx(sheet_title: &str, rows: &[TargetRow]) -> Result<Vec<u8>, ExportError> {
    xlsx::workbook(&TARGETS, sheet_title, rows)
}

/// The 任务分工表 as CSV with the XLSX sheet's columns (UTF-8 with BOM, CRLF, RFC 4180).
pub fn tasks_csv(rows: &[TaskRow]) -> Result<Vec<u8>, ExportError> {
    delimited::csv(&TASKS, rows)
}

/// The 目标台账 as CSV with the XLSX sheet's columns (UTF-8 with BOM, CRLF, RFC 4180).
pub fn targets_csv(rows: &[TargetRow]) -> Result<Vec<u8>, ExportError> {
    delimited::csv(&TARGETS, rows)
}

/// The tasks as a pretty-printed JSON array of [`TaskRow`], lossless.
pub fn tasks_json(rows: &[TaskRow]) -> Result<Vec<u8>, ExportError> {
    Ok(serde_json::to_vec_pretty(rows)?)
}

/// The targets as a pretty-printed JSON array of [`TargetRow`]. JSON has no NaN or infinity:
/// such values come out as `null`.
pub fn targets_json(rows: &[TargetRow]) -> Result<Vec<u8>, ExportError> {
    Ok(serde_json::to_vec_pretty(rows)?)
}

/// Joins owners the way Chinese documents list them.
pub(crate) const OWNER_SEPARATOR: &str = "、";

/// How a column is written and sized.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ColumnKind {
    /// Numeric cells, not wrapped.
    Number,
    /// Text cells, wrapped when longer than the column.
    Text,
}

/// One column of a table: the same list drives the XLSX sheet, the CSV and the 说明 sheet,
/// so the formats cannot drift apart.
#[derive(Debug)]
pub(crate) struct Column<'a> {
    pub header: &'a str,
    pub kind: ColumnKind,
    /// Width bounds in Excel units: content widens a column up to `max`, after which text
    /// wraps. Wide bounds for task text and source sentences keep rows short.
    pub min_width: f64,
    pub max_width: f64,
    /// What the column means, for the 说明 sheet.
    pub note: &'a str,
}

impl Column<'static> {
    const fn text(header: &'static str, min_width: f64, max_width: f64, note: &'static str) -> Self {
        Column { header, kind: ColumnKind::Text, min_width, max_width, note }
    }
    const fn number(header: &'static str, min_width: f64, max_width: f64, note: &'static str) -> Self {
        Column { header, kind: ColumnKind::Number, min_width, max_width, note }
    }
}

/// A table: its columns and names.
#[derive(Debug)]
pub(crate) struct Table<'a> {
    /// Sheet name when the caller's title leaves nothing usable.
    pub default_sheet: &'a str,
    pub columns: &'a [Column<'a>],
}

/// A cell before it is written in some format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    /// A value in a unit, shown by the unit's rounding rule
    /// (`planwatch_monitor::units`): XLSX keeps the value and shows it rounded.
    Measure(f64, Rounding),
    Empty,
}

impl Cell<'_> {
    fn measure(v: Option<f64>, rounding: Rounding) -> Self {
        v.map_or(Cell::Empty, |v| Cell::Measure(v, rounding))
    }
    fn opt_year(v: Option<i32>) -> Self {
        v.map_or(Cell::Empty, |y| Cell::Number(f64::from(y)))
    }
    fn text(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }
}

/// The `位置` cell: the byte range with an en dash, which no spreadsheet reads as a date or a
/// subtraction (as it would `12-30`).
fn span_cell(span: [usize; 2]) -> Cell<'static> {
    Cell::Text(Cow::Owned(format!("{}–{}", span[0], span[1])))
}

fn owners_cell(owners: &[String]) -> Cell<'static> {
    Cell::Text(Cow::Owned(owners.join(OWNER_SEPARATOR)))
}

fn correction_cell(c: &Option<String>) -> Cell<'_> {
    c.as_deref().map_or(Cell::Empty, Cell::text)
}

/// A row type that can be exported as a table.
pub(crate) trait Record {
    /// The cells of this row in column order; `seq` is its 1-based 序号.
    fn cells(&self, seq: usize) -> Vec<Cell<'_>>;
    /// Whether an analyst corrected or added the row (it is then highlighted).
    fn corrected(&self) -> bool;
}

const SEQ_NOTE: &str = "行号，从 1 开始。";
const PLAN_NOTE: &str = "规划标题（无标题时为文件名）。";
const SECTION_NOTE: &str = "所在章节的大纲路径，如“三、重点任务 / (一) 培育未来制造”。";
const SOURCE_NOTE: &str = "抽取所依据的原文句子。";
const SPAN_NOTE: &str = "来源原文在文档源文本中的字节范围（起–止，UTF-8 字节偏移）。";
const CORRECTION_NOTE: &str = "空白为机器抽取；“已更正”或“人工新增”表示经人工更正或新增，整行以浅黄色标出。";

pub(crate) static TASKS: Table<'static> = Table {
    default_sheet: "任务分工表",
    columns: &[
        Column::number("序号", 6.0, 8.0, SEQ_NOTE),
        Column::text("规划", 12.0, 18.0, PLAN_NOTE),
        Column::text("章节", 14.0, 24.0, SECTION_NOTE),
        Column::text("任务", 24.0, 40.0, "任务标题或首句。"),
        Column::text(
            "任务内容",
            30.0,
            60.0,
            "要做什么：任务所在段落的原文句子（标题与正文连写时含标题；一节各条目共用一组责任单位时为该节标题及各条目），不含责任单位括注；最长 2000 字，超出部分在句末截断并以“…”标出。",
        ),
        Column::text("牵头单位", 12.0, 20.0, "牵头单位（规范名称），多个以“、”分隔。"),
        Column::text("责任单位", 12.0, 20.0, "责任单位或配合单位，多个以“、”分隔。"),
        Column::text(
            "完成时限",
            10.0,
            14.0,
            "原文给出的完成时限，照录原文，如“2025年底前”“持续推进”“到2027年”；原文未给出的留空，不作推断。",
        ),
        Column::text("来源原文", 30.0, 50.0, SOURCE_NOTE),
        Column::text("位置", 10.0, 14.0, SPAN_NOTE),
        Column::text("人工更正", 10.0, 12.0, CORRECTION_NOTE),
    ],
};

pub(crate) static TARGETS: Table<'static> = Table {
    default_sheet: "目标台账",
    columns: &[
        Column::number("序号", 6.0, 8.0, SEQ_NOTE),
        Column::text("规划", 12.0, 18.0, PLAN_NOTE),
        Column::text("章节", 14.0, 24.0, "主要提法所在章节的大纲路径，如“三、重点任务 / (一) 培育未来制造”。"),
        Column::text("指标", 16.0, 30.0, "指标名称。同一指标在正文、专栏指标表和任务中的多处提法合并为一行。"),
        Column::number("目标值", 9.0, 14.0, "目标值（数值）；区间目标为下限。"),
        Column::number("上限", 7.0, 14.0, "区间目标（如 100–120）的上限；非区间为空。"),
        Column::text("单位", 7.0, 12.0, "目标值的单位。"),
        Column::number("目标年份", 10.0, 10.0, "完成年份；原文未写年份时为空（不推测）。"),
        Column::number("基期值", 9.0, 14.0, "基期（现状）值，优先取自专栏指标表。"),
        Column::number("基期年份", 10.0, 10.0, "基期值的年份。"),
        Column::text("属性", 8.0, 10.0, "预期性或约束性，取自专栏指标表；表中未写时为空。"),
        Column::text(
            "增量/水平",
            9.0,
            10.0,
            "增量：按新增、累计、每年、年均增长、提高或下降若干计的目标；水平：要达到的水平。",
        ),
        Column::text("阶段目标", 12.0, 24.0, "同一指标在其他年份的目标值。"),
        Column::text("限定语", 8.0, 12.0, "目标的限定语，如“以上”“左右”“力争”。"),
        Column::text(
            "类型",
            7.0,
            12.0,
            "目标值的类型：数量（家、个、项等计数）、数额（金额、产值、规模等）、比率（百分比、占比、增速）、倍数。",
        ),
        Column::text("范围", 8.0, 20.0, "目标适用的地域或对象范围。"),
        Column::number("提法数", 7.0, 8.0, "该指标在规划中出现的处数。"),
        Column::text(
            "来源原文",
            30.0,
            50.0,
            "抽取所依据的原文；多处提法各占一行，以〔章节〕开头，专栏指标表中的一行注明“专栏指标表”。",
        ),
        Column::text("位置", 10.0, 16.0, "各处来源原文在文档源文本中的字节范围（起–止，UTF-8 字节偏移），以“；”分隔。"),
        Column::text("待核对", 12.0, 30.0, "同一指标的多处提法数值或年份不一致时写明原因，请对照原文核对。"),
        Column::text("人工更正", 10.0, 12.0, CORRECTION_NOTE),
    ],
};

impl Record for TaskRow {
    fn cells(&self, seq: usize) -> Vec<Cell<'_>> {
        vec![
            Cell::Number(seq as f64),
            Cell::text(&self.plan),
            Cell::text(&self.section),
            Cell::text(&self.task),
            Cell::text(&self.content),
            owners_cell(&self.lead),
            owners_cell(&self.responsible),
            self.deadline.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::text(&self.source),
            span_cell(self.span),
            correction_cell(&self.correction),
        ]
    }
    fn corrected(&self) -> bool {
        self.correction.is_some()
    }
}

impl TargetRow {
    /// The mentions to list, (section, table row, text, span): `sources`, or the primary
    /// mention alone when it is empty.
    fn mentions(&self) -> Vec<(&str, bool, &str, [usize; 2])> {
        if self.sources.is_empty() {
            vec![(self.section.as_str(), false, self.source.as_str(), self.span)]
        } else {
            self.sources.iter().map(|s| (s.section.as_str(), s.table, s.source.as_str(), s.span)).collect()
        }
    }
}

/// What the extractor's target kind (`count`, `amount`, `ratio`, `multiple`) is called in a
/// zh-CN sheet; an unknown kind is written as given.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "count" => "数量",
        "amount" => "数额",
        "ratio" => "比率",
        "multiple" => "倍数",
        other => other,
    }
}

/// A figure as people write it, rounded by its unit's rule (`planwatch_monitor::units`):
/// 12 家, 45.6%, 1318.46亿元.
fn figure(value: f64, value_max: Option<f64>, unit: &str, name: &str) -> String {
    let n = |v: f64| planwatch_monitor::units::format_number(v, rounding(unit, name).decimals());
    match value_max {
        Some(m) => format!("{}—{}{unit}", n(value), n(m)),
        None => format!("{}{unit}", n(value)),
    }
}

impl Record for TargetRow {
    fn cells(&self, seq: usize) -> Vec<Cell<'_>> {
        let mentions = self.mentions();
        // One mention: its sentence as it is; several: one line each, led by its section (and
        // 专栏指标表 for a table row).
        let source = if mentions.len() == 1 {
            Cell::text(mentions[0].2)
        } else {
            Cell::Text(Cow::Owned(
                mentions
                    .iter()
                    .map(|(section, table, text, _)| {
                        let table = if *table { "·专栏指标表" } else { "" };
                        format!("〔{section}{table}〕{text}")
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ))
        };
        let spans = mentions.iter().map(|m| format!("{}–{}", m.3[0], m.3[1])).collect::<Vec<_>>().join("；");
        let milestones = self
            .milestones
            .iter()
            .map(|m| match m.year {
                Some(y) => format!("{y}年 {}", figure(m.value, m.value_max, &m.unit, &self.indicator)),
                None => figure(m.value, m.value_max, &m.unit, &self.indicator),
            })
            .collect::<Vec<_>>()
            .join("；");
        vec![
            Cell::Number(seq as f64),
            Cell::text(&self.plan),
            Cell::text(&self.section),
            Cell::text(&self.indicator),
            Cell::Measure(self.value, rounding(&self.unit, &self.indicator)),
            Cell::measure(self.value_max, rounding(&self.unit, &self.indicator)),
            Cell::text(&self.unit),
            Cell::opt_year(self.year),
            Cell::measure(self.baseline_value, rounding(&self.unit, &self.indicator)),
            Cell::opt_year(self.baseline_year),
            self.attribute.as_deref().map_or(Cell::Empty, Cell::text),
            Cell::text(if self.increment { "增量" } else { "水平" }),
            Cell::Text(Cow::Owned(milestones)),
            Cell::text(&self.qualifier),
            Cell::text(kind_label(&self.kind)),
            Cell::text(&self.scope),
            Cell::Number(mentions.len() as f64),
            source,
            Cell::Text(Cow::Owned(spans)),
            self.review.as_deref().map_or(Cell::Empty, Cell::text),
            correction_cell(&self.correction),
        ]
    }
    fn corrected(&self) -> bool {
        self.correction.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_match_columns() {
        let task = TaskRow {
            plan: String::new(),
            section: String::new(),
            task: String::new(),
            content: String::new(),
            lead: vec![],
            responsible: vec![],
            deadline: None,
            source: String::new(),
            span: [0, 0],
            correction: None,
        };
        assert_eq!(task.cells(1).len(), TASKS.columns.len());
        let target = TargetRow {
            plan: String::new(),
            section: String::new(),
            indicator: String::new(),
            value: 0.0,
            value_max: None,
            unit: String::new(),
            year: None,
            baseline_value: None,
            baseline_year: None,
            qualifier: String::new(),
            kind: String::new(),
            scope: String::new(),
            source: String::new(),
            span: [0, 0],
            correction: None,
            attribute: None,
            increment: false,
            milestones: vec![],
            sources: vec![],
            review: None,
        };
        assert_eq!(target.cells(1).len(), TARGETS.columns.len());
    }

    #[test]
    fn column_bounds_are_sane() {
        for c in TASKS.columns.iter().chain(TARGETS.columns) {
            assert!(c.min_width <= c.max_width, "{}", c.header);
        }
    }
}

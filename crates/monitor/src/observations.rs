//! Observation sheets: reading a CSV or XLSX file of `indicator × place × period → value` rows
//! and validating every row against the catalogue *before* anything is stored.
//!
//! The rules (each is a [`Problem`] with the row, the column, the reason and what to do):
//! unknown indicator, unknown place, bad period, a period of another frequency than the
//! indicator's, a value that is not a number, a unit that differs from the indicator's, the
//! same indicator × place × period twice in one file, a date or an uncomputed formula
//! where a figure belongs (XLSX), a negative count. Any of these refuses the whole file.
//! A value far outside the place's own history, or outside what its indicator usually takes
//! (a negative amount, a share above 100 %: [`range_check`]) is *not* refused: it is stored
//! and flagged for review ([`outlier`]). Rows whose value cell is empty are skipped and
//! counted: a district leaves a template row blank when it has no figure.

use crate::indicator::{same_unit, Frequency};
use crate::listing::Listing;
use crate::period::Period;
pub use crate::sheet::{CellIssue, FileError, MAX_FILE_BYTES};
use serde::Serialize;
use std::collections::HashMap;

/// One data row as written in the file (cells trimmed), with its 1-based row number in the
/// sheet (the header is row 1), so messages point at what the user sees in Excel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    pub row: usize,
    pub indicator: String,
    pub place: String,
    pub period: String,
    pub value: String,
    pub unit: String,
    pub note: String,
    /// Cells of the required columns that cannot be taken as written (XLSX only): each
    /// refuses the row with its column and what to do.
    pub issues: Vec<(Column, CellIssue)>,
}

/// The columns a sheet may have, and the header words that name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Indicator,
    Place,
    Period,
    Value,
    Unit,
    Note,
}

impl Column {
    /// The header the template writes.
    pub fn header(self) -> &'static str {
        match self {
            Column::Indicator => "指标代码",
            Column::Place => "地区",
            Column::Period => "期别",
            Column::Value => "数值",
            Column::Unit => "单位",
            Column::Note => "备注",
        }
    }

    fn matches(self, header: &str) -> bool {
        let h: String = header.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let words: &[&str] = match self {
            Column::Indicator => &["指标代码", "指标编码", "指标", "指标名称", "indicator", "indicator_code", "code"],
            Column::Place => {
                &["地区", "区县", "区(县)", "区县(开发区)", "单位名称", "行政区", "place", "district", "region"]
            }
            Column::Period => &["期别", "时期", "期间", "报告期", "统计期", "period"],
            Column::Value => &["数值", "值", "指标值", "本期值", "填报值", "value"],
            Column::Unit => &["单位", "计量单位", "unit"],
            Column::Note => &["备注", "说明", "note", "notes", "comment"],
        };
        words.contains(&h.as_str())
    }

    const ALL: [Column; 6] =
        [Column::Indicator, Column::Place, Column::Period, Column::Value, Column::Unit, Column::Note];
    const REQUIRED: [Column; 4] = [Column::Indicator, Column::Place, Column::Period, Column::Value];
}

/// Reads a sheet by its content: a ZIP container is XLSX, anything else CSV (UTF-8, with or
/// without BOM, or GB18030/GBK as Excel writes CSV on Chinese Windows). The generic reading
/// is [`crate::sheet::read`]; this maps its cells to the observation columns.
pub fn read(bytes: &[u8]) -> Result<Vec<RawRow>, FileError> {
    let (map, rows) = crate::sheet::read(bytes, |header| column_map(header.iter().map(String::as_str)))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let issues: Vec<(Column, CellIssue)> = Column::REQUIRED
                .iter()
                .filter_map(|col| {
                    let i = map.index[*col as usize]?;
                    let issue = r.issues.iter().find(|(c, _)| *c == i)?.1.clone();
                    Some((*col, issue))
                })
                .collect();
            let mut raw = map.row(r.row, |i| r.cells.get(i).map(String::as_str).unwrap_or(""))?;
            raw.issues = issues;
            Some(raw)
        })
        .collect())
}

/// Which cell holds which column.
struct ColumnMap {
    index: [Option<usize>; 6],
}

fn column_map<'a>(header: impl Iterator<Item = &'a str>) -> Result<ColumnMap, FileError> {
    let mut index = [None; 6];
    for (i, h) in header.enumerate() {
        let h = h.trim_start_matches('\u{feff}');
        for (k, col) in Column::ALL.iter().enumerate() {
            if index[k].is_none() && col.matches(h) {
                index[k] = Some(i);
                break;
            }
        }
    }
    let missing: Vec<&str> =
        Column::REQUIRED.iter().filter(|c| index[**c as usize].is_none()).map(|c| c.header()).collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns { missing: missing.join("、") });
    }
    Ok(ColumnMap { index })
}

impl ColumnMap {
    /// The row's cells by column; `None` for a row that is blank in every column.
    fn row<'a>(&self, row: usize, cell: impl Fn(usize) -> &'a str) -> Option<RawRow> {
        let get = |c: Column| self.index[c as usize].map(|i| cell(i).trim().to_string()).unwrap_or_default();
        let r = RawRow {
            row,
            indicator: get(Column::Indicator),
            place: get(Column::Place),
            period: get(Column::Period),
            value: get(Column::Value),
            unit: get(Column::Unit),
            note: get(Column::Note),
            issues: Vec::new(),
        };
        let blank = r.indicator.is_empty() && r.place.is_empty() && r.period.is_empty() && r.value.is_empty();
        (!blank).then_some(r)
    }
}

/// What validation needs to know of an indicator.
#[derive(Debug, Clone)]
pub struct IndicatorInfo {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub frequency: Frequency,
    /// The city or province whose plan the indicator monitors; places are resolved inside it.
    pub region: String,
}

/// A place as resolved from what the sheet wrote (an alias resolves to the canonical name).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRef {
    pub name: String,
    pub code: String,
}

/// Robust summary of one place's history of one indicator, for the outlier check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct History {
    pub count: usize,
    pub median: f64,
    /// Median absolute deviation from the median.
    pub mad: f64,
}

impl History {
    pub fn of(values: &mut [f64]) -> Option<History> {
        if values.is_empty() {
            return None;
        }
        let median = median(values);
        let mut dev: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
        let mad = median_of(&mut dev);
        Some(History { count: values.len(), median, mad })
    }
}

fn median(values: &mut [f64]) -> f64 {
    median_of(values)
}

fn median_of(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// At least this many earlier values before a value can be called an outlier.
pub const OUTLIER_MIN_HISTORY: usize = 4;
/// Robust z-score (|x − median| / (1.4826·MAD)) above which a value is flagged.
pub const OUTLIER_Z: f64 = 5.0;

/// Flags a value far outside the place's own history: a robust z-score above [`OUTLIER_Z`]
/// when the history varies, or a change of more than half the median when it has been
/// constant. Returns the reason shown to the reviewer.
pub fn outlier(value: f64, history: Option<&History>) -> Option<String> {
    let h = history?;
    if h.count < OUTLIER_MIN_HISTORY {
        return None;
    }
    let scale = 1.4826 * h.mad;
    let far = if scale > 0.0 {
        (value - h.median).abs() / scale > OUTLIER_Z
    } else {
        (value - h.median).abs() > 0.5 * h.median.abs().max(f64::MIN_POSITIVE)
    };
    far.then(|| format!("与该地区历史数据(中位数 {})相差过大,请核实", crate::progress::format_number(h.median)))
}

/// The catalogue rows are checked against.
pub trait Catalogue {
    /// By code, or by exact name when the sheet writes the name.
    fn indicator(&self, code_or_name: &str) -> Option<&IndicatorInfo>;
    /// The canonical place for a written name or a 6-digit code, inside `region` (the region
    /// itself or a unit under it). `region` is empty when the indicator is unknown: then any
    /// known place passes.
    fn place(&self, written: &str, region: &str) -> Option<PlaceRef>;
    /// The place's history of the indicator, excluding `period` itself.
    fn history(&self, indicator_id: i64, place: &str, period: Period) -> Option<History>;
}

/// A problem with one cell of one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub row: usize,
    /// The column header as the template writes it.
    pub column: &'static str,
    /// The cell as written.
    pub value: String,
    pub reason: String,
    /// What the user should do about it.
    pub fix: String,
}

impl crate::listing::CsvRow for Problem {
    const HEADER: &'static [&'static str] = &["行", "列", "单元格内容", "原因", "处理办法"];
    fn fields(&self) -> Vec<String> {
        vec![self.row.to_string(), self.column.to_string(), self.value.clone(), self.reason.clone(), self.fix.clone()]
    }
}

/// A row that passed validation, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CleanRow {
    pub row: usize,
    pub indicator_id: i64,
    pub place: String,
    pub place_code: String,
    pub period: Period,
    pub value: f64,
    pub note: String,
    /// Set when the value is far outside the place's history: stored, but flagged.
    pub outlier: Option<String>,
}

/// The outcome of validating a whole file.
#[derive(Debug, Default, Serialize)]
pub struct Validation {
    pub rows: Vec<CleanRow>,
    /// Every problem: the first [`crate::listing::LISTED`] as values, all as CSV.
    pub problems: Listing<Problem>,
    /// Rows skipped because the value cell was empty.
    pub blank_values: usize,
}

impl Validation {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
    pub fn outliers(&self) -> impl Iterator<Item = &CleanRow> {
        self.rows.iter().filter(|r| r.outlier.is_some())
    }
    fn problem(&mut self, row: &RawRow, column: Column, value: &str, reason: String, fix: impl Into<String>) {
        self.problems.push(Problem {
            row: row.row,
            column: column.header(),
            value: value.to_string(),
            reason,
            fix: fix.into(),
        });
    }
}

/// Parses a value cell: ASCII or full-width digits, thousands separators, a trailing `%`
/// when the unit is a percentage.
pub fn parse_value(text: &str, unit: &str) -> Option<f64> {
    let mut s: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{ff0c}' | ' ' | '\u{a0}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' => '-',
            _ => c,
        })
        .collect();
    if (unit == "%" || unit == "％") && (s.ends_with('%') || s.ends_with('％')) {
        s.pop();
    }
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

/// Checks every row; never stops at the first problem, so the user fixes the file once.
pub fn validate(rows: &[RawRow], catalogue: &impl Catalogue) -> Validation {
    let mut out = Validation { rows: Vec::with_capacity(rows.len()), ..Default::default() };
    let mut seen: HashMap<(i64, String, Period), usize> = HashMap::with_capacity(rows.len());
    for raw in rows {
        if !raw.issues.is_empty() {
            for (column, issue) in &raw.issues {
                let (reason, fix) = cell_issue_message(*column, issue);
                let written = match issue {
                    CellIssue::Date(s) | CellIssue::UncachedFormula(s) => s.as_str(),
                };
                out.problem(raw, *column, written, reason, fix);
            }
            continue;
        }
        if raw.value.is_empty() {
            out.blank_values += 1;
            continue;
        }
        let before = out.problems.total();
        let indicator = if raw.indicator.is_empty() {
            out.problem(raw, Column::Indicator, "", "指标代码为空".into(), "填写指标代码(见模板“指标说明”页)");
            None
        } else {
            let found = catalogue.indicator(&raw.indicator);
            if found.is_none() {
                out.problem(
                    raw,
                    Column::Indicator,
                    &raw.indicator,
                    format!("未知指标“{}”", raw.indicator),
                    "使用模板中的指标代码;新指标须先由分析人员定义",
                );
            }
            found
        };
        let place = if raw.place.is_empty() {
            out.problem(raw, Column::Place, "", "地区为空".into(), "填写区县、开发区或城市的正式名称");
            None
        } else {
            let found = catalogue.place(&raw.place, indicator.map(|i| i.region.as_str()).unwrap_or(""));
            if found.is_none() {
                out.problem(
                    raw,
                    Column::Place,
                    &raw.place,
                    format!("未知地区“{}”", raw.place),
                    "使用正式名称(如“渝北区”)或6位行政区划代码;新地区须先加入地区表",
                );
            }
            found
        };
        let period = match Period::parse(&raw.period) {
            Ok(p) => Some(p),
            Err(_) => {
                out.problem(
                    raw,
                    Column::Period,
                    &raw.period,
                    format!("期别“{}”无法识别", raw.period),
                    "月度写作 2025-03,季度写作 2025Q1,年度写作 2025",
                );
                None
            }
        };
        if let (Some(ind), Some(p)) = (indicator, period) {
            if p.frequency() != ind.frequency {
                out.problem(
                    raw,
                    Column::Period,
                    &raw.period,
                    format!(
                        "指标“{}”按{}填报,期别“{}”是{}",
                        ind.name,
                        ind.frequency.label(),
                        raw.period,
                        p.frequency().label()
                    ),
                    format!("改为{}期别(如 {})", ind.frequency.label(), example_period(ind.frequency)),
                );
            }
        }
        if let Some(ind) = indicator {
            if !raw.unit.is_empty() && !ind.unit.is_empty() && !same_unit(&raw.unit, &ind.unit) {
                out.problem(
                    raw,
                    Column::Unit,
                    &raw.unit,
                    format!("单位“{}”与指标单位“{}”不符", raw.unit, ind.unit),
                    format!("换算为{}后填报", ind.unit),
                );
            }
        }
        let unit = indicator.map(|i| i.unit.as_str()).unwrap_or("");
        let value = parse_value(&raw.value, unit);
        if value.is_none() {
            out.problem(
                raw,
                Column::Value,
                &raw.value,
                format!("数值“{}”不是数字", raw.value),
                "只填写数字(可带小数点),单位写在“单位”列;没有数据请留空",
            );
        }
        if out.problems.total() > before {
            continue;
        }
        let (Some(ind), Some(place), Some(period), Some(value)) = (indicator, place, period, value) else { continue };
        match seen.entry((ind.id, place.name.clone(), period)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = *first.get();
                out.problem(
                    raw,
                    Column::Indicator,
                    &raw.indicator,
                    format!("与第 {first} 行重复({} · {} · {})", ind.code, place.name, period),
                    "同一指标、地区、期别只保留一行",
                );
                continue;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(raw.row);
            }
        }
        let range_flag = match range_check(ind, value) {
            Ok(flag) => flag,
            Err((reason, fix)) => {
                out.problem(raw, Column::Value, &raw.value, reason, fix);
                continue;
            }
        };
        let history_flag = outlier(value, catalogue.history(ind.id, &place.name, period).as_ref());
        let outlier = match (range_flag, history_flag) {
            (Some(a), Some(b)) => Some(format!("{a};{b}")),
            (a, b) => a.or(b),
        };
        out.rows.push(CleanRow {
            row: raw.row,
            indicator_id: ind.id,
            place: place.name,
            place_code: place.code,
            period,
            value,
            note: raw.note.clone(),
            outlier,
        });
    }
    out
}

/// Why a cell cannot be taken as written, and what to do about it.
fn cell_issue_message(column: Column, issue: &CellIssue) -> (String, String) {
    match issue {
        CellIssue::Date(shown) => (
            format!("“{}”单元格是日期/时间格式({shown}),Excel 在其后保存的是日期序号,不是数据", column.header()),
            match column {
                Column::Value => "把该单元格格式改为“常规”或“数值”后重新填写数字;没有数据请留空".to_string(),
                Column::Period => "把该列格式改为“文本”后填写期别(2025-03、2025Q1 或 2025)".to_string(),
                _ => format!("把该单元格格式改为“文本”后重新填写{}", column.header()),
            },
        ),
        CellIssue::UncachedFormula(formula) => (
            format!("“{}”单元格是公式({formula}),文件中没有它的计算结果", column.header()),
            "请用 Excel 或 WPS 打开并保存该文件,使公式算出结果;或将这些单元格复制后“选择性粘贴 → 数值”".to_string(),
        ),
    }
}

/// The valid range of a value of `ind`. `Err((reason, fix))`: impossible, refused (a
/// negative count); `Ok(Some(reason))`: possible but rarely right, stored and flagged 待核实
/// (a negative amount or share, a share above 100 %); names that say the indicator measures
/// a change (增速, 下降率, 净增) are not checked, since changes may be negative or large.
pub fn range_check(ind: &IndicatorInfo, value: f64) -> Result<Option<String>, (String, String)> {
    use crate::indicator::{measures_change, unit_kind, UnitKind};
    if measures_change(&ind.name) {
        return Ok(None);
    }
    let kind = unit_kind(&ind.unit);
    let shown = crate::progress::format_number(value);
    if value < 0.0 {
        if kind == UnitKind::Count {
            return Err((
                format!("数值 {shown} 为负数,而“{}”以“{}”计数,不可能为负", ind.name, ind.unit),
                "填写实际数量(0 或正数);若要表示减少,请核对指标含义".to_string(),
            ));
        }
        return Ok(Some(format!("数值 {shown} 为负数,“{}”通常不为负,请核实", ind.name)));
    }
    if kind == UnitKind::Percent && value > 100.0 {
        return Ok(Some(format!(
            "数值 {shown}% 超过 100%,“{}”是比例,通常不超过 100%,请核实(是否多乘了 100?)",
            ind.name
        )));
    }
    Ok(None)
}

fn example_period(f: Frequency) -> &'static str {
    match f {
        Frequency::Month => "2025-03",
        Frequency::Quarter => "2025Q1",
        Frequency::Year => "2025",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Cat {
        indicators: Vec<IndicatorInfo>,
        history: HashMap<(i64, String), Vec<f64>>,
    }

    impl Catalogue for Cat {
        fn indicator(&self, s: &str) -> Option<&IndicatorInfo> {
            self.indicators.iter().find(|i| i.code == s || i.name == s)
        }
        fn place(&self, s: &str, _region: &str) -> Option<PlaceRef> {
            match s {
                "渝北区" | "渝北" | "500112" => Some(PlaceRef { name: "渝北区".into(), code: "500112".into() }),
                "江北区" => Some(PlaceRef { name: "江北区".into(), code: "500105".into() }),
                _ => None,
            }
        }
        fn history(&self, id: i64, place: &str, _: Period) -> Option<History> {
            let mut v = self.history.get(&(id, place.to_string()))?.clone();
            History::of(&mut v)
        }
    }

    fn cat() -> Cat {
        let indicators = vec![
            IndicatorInfo {
                id: 1,
                code: "GDP".into(),
                name: "产值".into(),
                unit: "亿元".into(),
                frequency: Frequency::Quarter,
                region: "重庆市".into(),
            },
            IndicatorInfo {
                id: 2,
                code: "RD".into(),
                name: "研发投入强度".into(),
                unit: "%".into(),
                frequency: Frequency::Year,
                region: "重庆市".into(),
            },
        ];
        let more = [
            (3, "FIRMS", "高新技术企业数", "家", Frequency::Quarter),
            (4, "GROWTH", "工业增加值增速", "%", Frequency::Quarter),
            (5, "SHARE", "数字经济核心产业增加值占比", "%", Frequency::Quarter),
        ];
        let indicators = indicators
            .into_iter()
            .chain(more.into_iter().map(|(id, code, name, unit, frequency)| IndicatorInfo {
                id,
                code: code.into(),
                name: name.into(),
                unit: unit.into(),
                frequency,
                region: "重庆市".into(),
            }))
            .collect();
        let mut history = HashMap::new();
        history.insert((1, "渝北区".to_string()), vec![100.0, 104.0, 98.0, 101.0, 103.0]);
        Cat { indicators, history }
    }

    fn csv_rows(text: &str) -> Vec<RawRow> {
        read(text.as_bytes()).unwrap()
    }

    #[test]
    fn reads_csv_with_bom_and_aliased_headers() {
        let rows = csv_rows("\u{feff}指标,区县,报告期,本期值,计量单位\nGDP,渝北,2025Q1,\"1,234.5\",亿元\n,,,,\n");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].value, "1,234.5");
        let v = validate(&rows, &cat());
        assert!(v.is_ok(), "{:?}", v.problems);
        assert_eq!(v.rows[0].place, "渝北区");
        assert_eq!(v.rows[0].value, 1234.5);
    }

    #[test]
    fn reads_gbk_csv() {
        let (bytes, _, _) = encoding_rs::GBK.encode("指标代码,地区,期别,数值\nGDP,渝北区,2025Q1,12\n");
        let rows = read(&bytes).unwrap();
        assert_eq!(rows[0].place, "渝北区");
    }

    #[test]
    fn refuses_files_without_required_columns_or_binary() {
        assert_eq!(read(b""), Err(FileError::Empty));
        assert!(matches!(read(b"a,b\n1,2\n"), Err(FileError::MissingColumns { .. })));
        assert_eq!(read(b"\x00\x01\x02garbage"), Err(FileError::Binary));
        assert!(matches!(read(b"PK\x03\x04broken zip"), Err(FileError::Xlsx(_))));
    }

    #[test]
    fn every_bad_row_is_listed_with_column_and_fix() {
        let rows = csv_rows(
            "指标代码,地区,期别,数值,单位\n\
             NOPE,渝北区,2025Q1,1,亿元\n\
             GDP,火星区,2025Q1,1,亿元\n\
             GDP,渝北区,2025Q5,1,亿元\n\
             GDP,渝北区,2025Q1,十二,亿元\n\
             GDP,渝北区,2025Q1,1,万元\n\
             RD,渝北区,2025Q1,2.1,%\n\
             GDP,江北区,2025Q2,5,亿元\n\
             GDP,江北区,2025Q2,6,亿元\n\
             GDP,江北区,2025Q3,,亿元\n",
        );
        let v = validate(&rows, &cat());
        let got: Vec<(usize, &str)> = v.problems.shown().iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(
            got,
            vec![(2, "指标代码"), (3, "地区"), (4, "期别"), (5, "数值"), (6, "单位"), (7, "期别"), (9, "指标代码")]
        );
        assert!(v.problems.shown()[6].reason.contains("第 8 行"), "{}", v.problems.shown()[6].reason);
        assert!(v.problems.shown().iter().all(|p| !p.fix.is_empty()));
        assert_eq!(v.blank_values, 1);
    }

    #[test]
    fn outliers_are_flagged_not_refused() {
        let rows = csv_rows("指标代码,地区,期别,数值\nGDP,渝北区,2025Q1,1000\nGDP,渝北区,2025Q2,105\n");
        let v = validate(&rows, &cat());
        assert!(v.is_ok());
        assert!(v.rows[0].outlier.is_some());
        assert!(v.rows[1].outlier.is_none());
        // Too little history: no judgement.
        assert_eq!(outlier(1e9, Some(&History { count: 3, median: 1.0, mad: 0.1 })), None);
        // Constant history: more than half the median away is flagged.
        assert!(outlier(20.0, Some(&History { count: 5, median: 10.0, mad: 0.0 })).is_some());
        assert!(outlier(12.0, Some(&History { count: 5, median: 10.0, mad: 0.0 })).is_none());
    }

    /// An XLSX of the template's four columns; `value` writes the 数值 cell of row 2.
    fn xlsx_with(value: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["指标代码", "地区", "期别", "数值"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["GDP", "渝北区", "2025Q1"].iter().enumerate() {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
        value(sheet);
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_date_in_the_value_column_is_refused_not_stored_as_its_serial_number() {
        let bytes = xlsx_with(|sheet| {
            let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 1, 1).unwrap();
            let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            sheet.write_datetime_with_format(1, 3, &date, &format).unwrap();
        });
        let v = validate(&read(&bytes).unwrap(), &cat());
        assert!(v.rows.is_empty(), "stored as {:?}", v.rows.first().map(|r| r.value));
        let p = v.problems.shown().first().expect("a problem");
        assert_eq!((p.row, p.column), (2, "数值"));
        assert!(p.reason.contains("日期") && p.reason.contains("2027-01-01"), "{}", p.reason);
        assert!(p.fix.contains("常规") || p.fix.contains("数值"), "{}", p.fix);
    }

    #[test]
    fn a_formula_without_a_computed_value_is_refused_not_skipped() {
        let bytes = xlsx_with(|sheet| {
            // What a program writes when it never computed the formula: no cached result.
            sheet.set_formula_result_default("");
            sheet.write_formula(1, 3, "=1+1").unwrap();
            // A row whose every cell is such a formula is no blank row either.
            for c in 0..4 {
                sheet.write_formula(2, c, "=A2").unwrap();
            }
        });
        let v = validate(&read(&bytes).unwrap(), &cat());
        assert_eq!(v.blank_values, 0);
        let got: Vec<(usize, &str)> = v.problems.shown().iter().map(|p| (p.row, p.column)).collect();
        assert!(got.contains(&(2, "数值")) && got.iter().any(|(r, _)| *r == 3), "{got:?}");
        let p = &v.problems.shown()[0];
        assert!(p.reason.contains("公式"), "{}", p.reason);
        assert!(p.fix.contains("Excel") && p.fix.contains("WPS") && p.fix.contains("粘贴"), "{}", p.fix);
    }

    #[test]
    fn formulas_with_computed_values_and_plain_numbers_pass() {
        let bytes = xlsx_with(|sheet| {
            sheet.write_formula(1, 3, rust_xlsxwriter::Formula::new("=100+23.5").set_result("123.5")).unwrap();
        });
        let v = validate(&read(&bytes).unwrap(), &cat());
        assert!(v.is_ok(), "{:?}", v.problems);
        assert_eq!(v.rows[0].value, 123.5);
    }

    #[test]
    fn values_outside_an_indicators_range_are_refused_or_flagged() {
        let rows = csv_rows(
            "指标代码,地区,期别,数值,单位\n\
             FIRMS,渝北区,2025Q1,-3,家\n\
             FIRMS,江北区,2025Q1,12,家\n",
        );
        let v = validate(&rows, &cat());
        // A negative count cannot be right: refused, naming the row and the fix.
        let got: Vec<(usize, &str)> = v.problems.shown().iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(got, vec![(2, "数值")]);
        assert!(v.problems.shown()[0].reason.contains("负"), "{}", v.problems.shown()[0].reason);
        // Values that can be right but rarely are: stored and flagged 待核实.
        let rows = csv_rows(
            "指标代码,地区,期别,数值\n\
             GDP,渝北区,2025Q2,-5\n\
             SHARE,渝北区,2025Q1,130\n\
             SHARE,江北区,2025Q1,-2\n\
             GROWTH,渝北区,2025Q1,-3.5\n\
             GROWTH,江北区,2025Q1,140\n\
             SHARE,渝北区,2025Q2,100\n",
        );
        let v = validate(&rows, &cat());
        assert!(v.is_ok(), "{:?}", v.problems);
        let flagged: Vec<usize> = v.outliers().map(|r| r.row).collect();
        assert_eq!(flagged, vec![2, 3, 4], "{:?}", v.rows);
        assert!(v.rows[1].outlier.as_deref().unwrap_or("").contains("100"), "{:?}", v.rows[1].outlier);
    }

    #[test]
    fn values_in_the_forms_people_type() {
        assert_eq!(parse_value("１２.５", "亿元"), Some(12.5));
        assert_eq!(parse_value("3.2%", "%"), Some(3.2));
        assert_eq!(parse_value("3.2%", "亿元"), None);
        assert_eq!(parse_value("NaN", ""), None);
        assert_eq!(parse_value("inf", ""), None);
        assert_eq!(parse_value("-1,000", ""), Some(-1000.0));
    }
}

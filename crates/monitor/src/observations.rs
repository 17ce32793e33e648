//! Observation sheets: reading a CSV or XLSX file of `indicator × place × period → value` rows
//! and validating every row against the catalogue *before* anything is stored.
//!
//! The rules (each is a [`Problem`] with the row, the column, the reason and what to do):
//! unknown indicator, unknown place, bad period, a period of another frequency than the
//! indicator's, a value that is not a number, a unit that differs from the indicator's, the
//! same indicator × place × period twice in one file. Any of these refuses the whole file.
//! A value far outside the place's own history is *not* refused: it is stored and flagged
//! as an outlier for review ([`outlier`]). Rows whose value cell is empty are skipped and
//! counted: a district leaves a template row blank when it has no figure.

use crate::indicator::{same_unit, Frequency};
use crate::period::Period;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Cursor;

/// Files larger than this are refused before reading (about 2 million rows of CSV).
pub const MAX_FILE_BYTES: usize = 128 * 1024 * 1024;
/// A refusal lists at most this many problems, and says how many more there were.
pub const MAX_LISTED_PROBLEMS: usize = 1000;

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

/// Why a file could not be read at all (as opposed to problems in its rows).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FileError {
    #[error("文件为空:请填写后再导入")]
    Empty,
    #[error("文件过大({0} 字节,上限 {MAX_FILE_BYTES} 字节):请按区县或期别拆分后分别导入")]
    TooLarge(usize),
    #[error("无法读取 XLSX 文件:{0}。请用 Excel 或 WPS 另存为 .xlsx 或 CSV(UTF-8)后重试")]
    Xlsx(String),
    #[error("无法读取 CSV 文件第 {row} 行:{reason}。请检查引号和分隔符")]
    Csv { row: usize, reason: String },
    #[error("不是 CSV 或 XLSX 文件(看起来是二进制数据):请上传模板格式的 .xlsx 或 .csv 文件")]
    Binary,
    #[error("缺少必需的列:{missing}。第一行应为表头:指标代码、地区、期别、数值(可选:单位、备注)")]
    MissingColumns { missing: String },
}

/// Reads a sheet by its content: a ZIP container is XLSX, anything else CSV (UTF-8, with or
/// without BOM, or GB18030/GBK as Excel writes CSV on Chinese Windows).
pub fn read(bytes: &[u8]) -> Result<Vec<RawRow>, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len()));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<RawRow>, FileError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut record = csv::StringRecord::new();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(csv_error(&e, 1)),
        None => return Err(FileError::Empty),
    };
    let map = column_map(header.iter())?;
    drop(records);
    let mut rows = Vec::new();
    let mut row = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                row += 1;
                if let Some(r) = map.row(row, |i| record.get(i).unwrap_or("")) {
                    rows.push(r);
                }
            }
            Err(e) => return Err(csv_error(&e, row + 1)),
        }
    }
    Ok(rows)
}

fn csv_error(e: &csv::Error, row: usize) -> FileError {
    let row = e.position().map(|p| p.line() as usize).unwrap_or(row);
    FileError::Csv { row, reason: e.to_string() }
}

/// UTF-8 (BOM stripped) when it is valid UTF-8, else GB18030; NUL bytes mean binary.
fn decode_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(FileError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                Err(FileError::Binary)
            } else {
                Ok(text)
            }
        }
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawRow>, FileError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Xlsx(e.to_string()))?;
    // The first sheet with the required header; templates put an instructions sheet after it.
    let names = book.sheet_names().to_vec();
    let mut last_err = FileError::MissingColumns { missing: Column::REQUIRED.map(Column::header).join("、") };
    for name in names {
        let range = book.worksheet_range(&name).map_err(|e| FileError::Xlsx(e.to_string()))?;
        let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let mut iter = range.rows();
        let Some(header) = iter.next() else { continue };
        let header: Vec<String> = header.iter().map(cell_text).collect();
        let map = match column_map(header.iter().map(String::as_str)) {
            Ok(m) => m,
            Err(e) => {
                last_err = e;
                continue;
            }
        };
        let mut rows = Vec::new();
        for (i, cells) in iter.enumerate() {
            let row = start_row + i + 2;
            let texts: Vec<String> = cells.iter().map(cell_text).collect();
            if let Some(r) = map.row(row, |i| texts.get(i).map(String::as_str).unwrap_or("")) {
                rows.push(r);
            }
        }
        return Ok(rows);
    }
    fn cell_text(c: &Data) -> String {
        match c {
            Data::Empty => String::new(),
            Data::String(s) => s.trim().to_string(),
            // Integers typed as numbers: 2025 (a year) must read as "2025", not "2025.0".
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            Data::Float(f) => format!("{f}"),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(d) => d.to_string(),
            Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    }
    Err(last_err)
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
    pub problems: Vec<Problem>,
    /// Problems beyond [`MAX_LISTED_PROBLEMS`] that were counted but not listed.
    pub unlisted_problems: usize,
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
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(Problem {
                row: row.row,
                column: column.header(),
                value: value.to_string(),
                reason,
                fix: fix.into(),
            });
        } else {
            self.unlisted_problems += 1;
        }
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
        if raw.value.is_empty() {
            out.blank_values += 1;
            continue;
        }
        let before = out.problems.len() + out.unlisted_problems;
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
        if out.problems.len() + out.unlisted_problems > before {
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
        let outlier = outlier(value, catalogue.history(ind.id, &place.name, period).as_ref());
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
        let got: Vec<(usize, &str)> = v.problems.iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(
            got,
            vec![(2, "指标代码"), (3, "地区"), (4, "期别"), (5, "数值"), (6, "单位"), (7, "期别"), (9, "指标代码")]
        );
        assert!(v.problems[6].reason.contains("第 8 行"), "{}", v.problems[6].reason);
        assert!(v.problems.iter().all(|p| !p.fix.is_empty()));
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

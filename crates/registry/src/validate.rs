//! Reading a registry sheet and validating every row before anything is stored.
//!
//! Columns are matched by their zh header (or an alias; spaces, `*` and full-width brackets
//! ignored); only the kind's required columns must be there, other known columns are optional
//! and unknown ones are reported (not refused). Each bad cell is a
//! [`planwatch_monitor::observations::Problem`] (row, column, cell, reason, what to do), all of
//! them in one [`Listing`]; any problem refuses the whole file. The rules: required cells, the
//! most characters of a field, numbers and integers, dates, enumerations, places inside the
//! region (full or short name, or code), industries of the region's plans, the GB 32100 check
//! character, tier names, a date before the date it may not precede (a tier gained before the
//! company was established), the same key twice in one file.

use crate::credit;
use crate::schema::{Field, FieldType, Kind};
use planwatch_core::dict::Dictionaries;
use planwatch_monitor::listing::Listing;
use planwatch_monitor::observations::Problem;
use planwatch_monitor::sheet::{self, CellIssue, FileError, SheetRow};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The industries entries may name: those of the region's plans. A name matches as written
/// (spaces ignored) or without a trailing 产业 on either side (人工智能 = 人工智能产业).
#[derive(Debug, Clone, Default)]
pub struct Industries {
    by_key: HashMap<String, String>,
    names: Vec<String>,
}

fn industry_key(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    s.strip_suffix("产业").filter(|t| !t.is_empty()).map(str::to_string).unwrap_or(s)
}

impl Industries {
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Industries {
        let mut out = Industries::default();
        for n in names {
            let n = n.as_ref().trim();
            if n.is_empty() {
                continue;
            }
            if out.by_key.insert(industry_key(n), n.to_string()).is_none() {
                out.names.push(n.to_string());
            }
        }
        out
    }

    /// The canonical name of a written industry.
    pub fn resolve(&self, written: &str) -> Option<&str> {
        self.by_key.get(&industry_key(written)).map(String::as_str)
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// What rows are checked against.
pub struct Context<'a> {
    /// The city or province the registry belongs to: places are resolved inside it.
    pub region: &'a str,
    pub dicts: &'a Dictionaries,
    pub industries: &'a Industries,
}

/// Which column holds which field.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Per field of the kind (in its order), the column index.
    pub index: Vec<Option<usize>>,
    /// Headers no field claims, reported to the user.
    pub unknown: Vec<String>,
}

/// Maps a header to the kind's fields; missing required columns refuse the file.
pub fn columns(kind: &Kind, header: &[String]) -> Result<Columns, FileError> {
    let mut index = vec![None; kind.fields.len()];
    let mut unknown = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        match kind.fields.iter().position(|f| f.matches(h)) {
            Some(k) if index[k].is_none() => index[k] = Some(i),
            // A second column of the same field is as good as unknown: reported, not read.
            _ => unknown.push(h.clone()),
        }
    }
    let missing: Vec<&str> =
        kind.fields.iter().zip(&index).filter(|(f, i)| f.required && i.is_none()).map(|(f, _)| f.name).collect();
    if !missing.is_empty() {
        return Err(FileError::MissingHeader {
            missing: missing.join("、"),
            expected: kind.required_headers().join("、"),
        });
    }
    Ok(Columns { index, unknown })
}

/// Reads a registry sheet (CSV in UTF-8 or GBK, or XLSX: the first sheet whose header has
/// the kind's required columns).
pub fn read(kind: &Kind, bytes: &[u8]) -> Result<(Columns, Vec<SheetRow>), FileError> {
    sheet::read(bytes, |header| columns(kind, header))
}

/// A row that passed validation, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub row: usize,
    pub key: String,
    /// Canonical place name and its GB/T 2260 code (empty for zones).
    pub place: String,
    pub place_code: String,
    /// Canonical industry, empty when the kind has none or the cell is blank.
    pub industry: String,
    /// Tier (a value of the tier field's ladder) when the kind has one and the cell is filled.
    pub tier: Option<String>,
    /// Every filled field by id, in canonical form: text, number, `YYYY-MM-DD`, bool.
    pub fields: Map<String, Value>,
}

/// The outcome of validating a whole sheet.
#[derive(Debug, Default, Serialize)]
pub struct Validation {
    pub entries: Vec<Entry>,
    /// Every problem: the first [`planwatch_monitor::listing::LISTED`] as values, all as CSV.
    pub problems: Listing<Problem>,
    /// Headers no field of the kind claims (their cells are not read).
    pub unknown_columns: Vec<String>,
}

impl Validation {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads and validates a sheet.
pub fn check(kind: &Kind, bytes: &[u8], ctx: &Context) -> Result<Validation, FileError> {
    let (columns, rows) = read(kind, bytes)?;
    Ok(validate(kind, &columns, &rows, ctx))
}

/// `YYYY-MM-DD` of a date as people type it: 2019-05-20, 2019/5/20, 2019.5.20, 2019年5月20日,
/// 20190520; None when it is no calendar day.
pub fn parse_date(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('日');
    let (y, m, d) = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        (t[..4].parse().ok()?, t[4..6].parse().ok()?, t[6..].parse().ok()?)
    } else {
        let mut parts = t.split(['-', '/', '.', '年', '月']).map(str::trim);
        let y: i32 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=2100).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "×" => Some(false),
        _ => None,
    }
}

fn fold_quotes(s: &str) -> String {
    s.chars().map(|c| if matches!(c, '“' | '”') { '"' } else { c }).collect()
}

/// A cell turned into its stored value, or (reason, what to do).
fn cell_value(
    field: &Field,
    text: &str,
    ctx: &Context,
    place: &mut Option<(String, String)>,
) -> Result<Value, (String, String)> {
    let max = field.max_chars();
    if text.chars().count() > max {
        return Err((format!("内容过长:{} 字,上限 {max} 字", text.chars().count()), format!("精简到 {max} 字以内")));
    }
    let number = |t: &str| planwatch_monitor::observations::parse_value(t, "");
    Ok(match field.kind {
        FieldType::Text => Value::String(text.to_string()),
        FieldType::Number => match number(text) {
            Some(v) => serde_json::json!(v),
            None => return Err((format!("“{text}”不是数字"), "只填写数字(可带小数点),单位见表头".into())),
        },
        FieldType::Integer => match number(text) {
            Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => serde_json::json!(v as i64),
            _ => return Err((format!("“{text}”不是整数"), "只填写整数".into())),
        },
        FieldType::Date => match parse_date(text) {
            Some(d) => Value::String(d),
            None => return Err((format!("“{text}”不是有效日期"), "写作 2019-05-20(年-月-日)".into())),
        },
        FieldType::Bool => match parse_bool(text) {
            Some(b) => Value::Bool(b),
            None => return Err((format!("“{text}”不是“是”或“否”"), "填写“是”或“否”".into())),
        },
        FieldType::Enum | FieldType::Tier => {
            let folded = fold_quotes(text);
            match field.values.iter().find(|v| fold_quotes(v) == folded) {
                Some(v) => Value::String(v.clone()),
                None => {
                    let what = if field.kind == FieldType::Tier { "层级" } else { "选项" };
                    return Err((
                        format!("“{text}”不是可选的{what}"),
                        format!("填写以下之一:{}", field.values.join("、")),
                    ));
                }
            }
        }
        FieldType::Place => match ctx.dicts.place_in(text, ctx.region) {
            Some(p) => {
                *place = Some((p.name.clone(), p.code.clone()));
                Value::String(p.name.clone())
            }
            None => {
                return Err((
                    format!("“{text}”不是{}的区县或开发区", ctx.region),
                    "使用正式名称或简称(如“渝北区”“渝北”)或6位行政区划代码;其他地区的企业不在本名录".into(),
                ))
            }
        },
        FieldType::Industry => match ctx.industries.resolve(text) {
            Some(i) => Value::String(i.to_string()),
            None if ctx.industries.names().is_empty() => {
                return Err((
                    format!("未知产业“{text}”:{}的规划中尚未识别出产业", ctx.region),
                    "先导入并核对本地区的规划文件,或留空".into(),
                ))
            }
            None => {
                let some: Vec<&str> = ctx.industries.names().iter().take(12).map(String::as_str).collect();
                return Err((
                    format!("未知产业“{text}”:不是本地区规划中的产业"),
                    format!("填写规划中的产业名称,如:{}", some.join("、")),
                ));
            }
        },
        FieldType::CreditCode => match credit::validate(text) {
            Ok(code) => Value::String(code),
            Err(e) => return Err(e.message()),
        },
    })
}

/// Checks every row; never stops at the first problem, so the user fixes the file once.
pub fn validate(kind: &Kind, columns: &Columns, rows: &[SheetRow], ctx: &Context) -> Validation {
    let mut out = Validation {
        entries: Vec::with_capacity(rows.len()),
        unknown_columns: columns.unknown.clone(),
        ..Default::default()
    };
    let key_at = kind.fields.iter().position(|f| f.id == kind.key).unwrap_or(0);
    let industry_field = kind.industry.as_deref();
    let tier_field = kind.tier.as_deref();
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    // (field position, date) of the row, for `not_before`.
    let mut dates: Vec<Option<String>> = vec![None; kind.fields.len()];
    for raw in rows {
        let before = out.problems.total();
        let mut fields = Map::new();
        let mut place = None;
        dates.iter_mut().for_each(|d| *d = None);
        for (k, field) in kind.fields.iter().enumerate() {
            let Some(col) = columns.index[k] else { continue };
            let text = raw.cell(col);
            let problem = |reason: String, fix: String| Problem {
                row: raw.row,
                column: field.name,
                value: text.chars().take(60).collect(),
                reason,
                fix,
            };
            if let Some((_, issue)) = raw.issues.iter().find(|(c, _)| *c == col) {
                match issue {
                    // A date cell is what a date field wants: it shows as YYYY-MM-DD.
                    CellIssue::Date(_) if field.kind == FieldType::Date => {}
                    CellIssue::Date(shown) => {
                        out.problems.push(problem(
                            format!("单元格是日期格式({shown}),不是{}", field.kind.label()),
                            format!("把该单元格格式改为“文本”后重新填写{}", field.name),
                        ));
                        continue;
                    }
                    CellIssue::UncachedFormula(f) => {
                        out.problems.push(problem(
                            format!("单元格是公式({f}),文件中没有它的计算结果"),
                            "用 Excel 或 WPS 打开并保存该文件,或“选择性粘贴 → 数值”".into(),
                        ));
                        continue;
                    }
                }
            }
            if text.is_empty() {
                if field.required {
                    out.problems.push(problem(format!("{}为空", field.name), format!("填写{}(必填)", field.name)));
                }
                continue;
            }
            match cell_value(field, text, ctx, &mut place) {
                Ok(v) => {
                    if field.kind == FieldType::Date {
                        dates[k] = v.as_str().map(str::to_string);
                    }
                    fields.insert(field.id.clone(), v);
                }
                Err((reason, fix)) => out.problems.push(problem(reason, fix)),
            }
        }
        // A date before the date it may not precede.
        for (k, field) in kind.fields.iter().enumerate() {
            let (Some(date), Some(other_id)) = (&dates[k], &field.not_before) else { continue };
            let Some(o) = kind.fields.iter().position(|f| &f.id == other_id) else { continue };
            if let Some(other) = &dates[o] {
                if date < other {
                    out.problems.push(Problem {
                        row: raw.row,
                        column: field.name,
                        value: date.clone(),
                        reason: format!("{}{date}早于{}{other}", field.name, kind.fields[o].name),
                        fix: format!("核对两个日期:{}不能早于{}", field.name, kind.fields[o].name),
                    });
                }
            }
        }
        if out.problems.total() > before {
            continue;
        }
        let key = fields
            .get(&kind.key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| fields.get(&kind.key).map(Value::to_string).unwrap_or_default());
        match seen.entry(key.clone()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                out.problems.push(Problem {
                    row: raw.row,
                    column: kind.fields[key_at].name,
                    value: key,
                    reason: format!("与第 {} 行重复", first.get()),
                    fix: format!("同一{}只保留一行", kind.fields[key_at].name),
                });
                continue;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(raw.row);
            }
        }
        let (place, place_code) = place.unwrap_or_default();
        let text_of = |id: Option<&str>| id.and_then(|i| fields.get(i)).and_then(Value::as_str).map(str::to_string);
        out.entries.push(Entry {
            row: raw.row,
            key,
            place,
            place_code,
            industry: text_of(industry_field).unwrap_or_default(),
            tier: text_of(tier_field),
            fields,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Registries;

    fn ctx_with(industries: &Industries) -> Context<'_> {
        // The built-in dictionaries live for the process.
        let dicts: &'static std::sync::Arc<Dictionaries> = Box::leak(Box::new(Dictionaries::builtin()));
        Context { region: "合肥市", dicts, industries }
    }

    fn code(stem: &str) -> String {
        credit::complete(stem).unwrap()
    }

    fn run(csv: &str) -> Validation {
        let r = Registries::builtin();
        let kind = r.kind("enterprise").unwrap();
        let industries = Industries::new(["人工智能", "量子信息", "空天信息产业"]);
        check(kind, csv.as_bytes(), &ctx_with(&industries)).unwrap()
    }

    #[test]
    fn a_sheet_with_name_code_and_district_only_is_a_valid_import() {
        let a = code("91340104MA2T5X8N6");
        let b = code("91340111MA2N0P1L2");
        let v = run(&format!("企业名称,统一社会信用代码,所在区县\n甲公司,{a}\n乙公司,{b},包河\n丙公司,{a},蜀山区\n"));
        // Row 2 lacks its district; row 4 repeats row 2's code but row 2 was refused first,
        // so it is the first of that key that passes.
        let got: Vec<(usize, &str, String)> =
            v.problems.shown().iter().map(|p| (p.row, p.column, p.reason.clone())).collect();
        assert_eq!(got, vec![(2, "所在区县", "所在区县为空".to_string())]);
        assert_eq!(v.entries.len(), 2);
        assert_eq!((v.entries[0].place.as_str(), v.entries[0].place_code.as_str()), ("包河区", "340111"));
        assert_eq!(v.entries[1].key, a);
    }

    #[test]
    fn every_bad_row_is_listed_with_its_column_reason_and_fix() {
        let good = code("91340104MA2T5X8N6");
        let other = code("91340111MA2N0P1L2");
        let mut wrong = good.clone();
        wrong.pop();
        wrong.push(if good.ends_with('1') { '2' } else { '1' });
        let csv = format!(
            "企业名称,统一社会信用代码,所在区县,产业领域,成立日期,梯度层级,层级认定日期,备用列\n\
             甲,{wrong},蜀山区,人工智能,2019-01-01,入库,2020-01-01,x\n\
             乙,{good},渝北区,人工智能,2019-01-01,入库,2020-01-01,\n\
             丙,{other},蜀山区,元宇宙,2019-01-01,入库,2020-01-01,\n\
             丁,{good},蜀山区,空天信息,2019-01-01,独角兽,2020-01-01,\n\
             戊,{good},庐阳区,量子信息产业,2019-05-01,瞪羚,2018-12-31,\n\
             己,{good},庐阳区,量子信息,2019-05-01,超级独角兽,2019/6/1,\n"
        );
        let v = run(&csv);
        let got: Vec<(usize, &str)> = v.problems.shown().iter().map(|p| (p.row, p.column)).collect();
        assert_eq!(
            got,
            vec![(2, "统一社会信用代码"), (3, "所在区县"), (4, "产业领域"), (6, "层级认定日期"), (7, "梯度层级"),],
            "{:#?}",
            v.problems.shown()
        );
        let p = &v.problems.shown()[0];
        assert!(p.reason.contains("校验位错误") && !p.fix.is_empty(), "{p:?}");
        assert!(v.problems.shown()[1].reason.contains("不是合肥市的区县"), "{:?}", v.problems.shown()[1]);
        assert!(v.problems.shown()[3].reason.contains("早于成立日期2019-05-01"), "{:?}", v.problems.shown()[3]);
        assert_eq!(v.unknown_columns, ["备用列"]);
        // Row 5 passed: its industry resolved without 产业, its tier kept.
        assert_eq!(v.entries.len(), 1);
        assert_eq!((v.entries[0].industry.as_str(), v.entries[0].tier.as_deref()), ("空天信息产业", Some("独角兽")));
    }

    #[test]
    fn duplicate_keys_missing_columns_and_other_kinds() {
        let a = code("91340104MA2T5X8N6");
        let v = run(&format!("企业名称,统一社会信用代码,所在区县\n甲,{a},蜀山区\n甲二,{},蜀山区\n", a.to_lowercase()));
        assert_eq!(v.problems.shown()[0].row, 3);
        assert!(v.problems.shown()[0].reason.contains("与第 2 行重复"));
        let r = Registries::builtin();
        let industries = Industries::default();
        let err =
            check(r.kind("enterprise").unwrap(), "企业名称,所在区县\n甲,蜀山区\n".as_bytes(), &ctx_with(&industries))
                .unwrap_err();
        assert!(err.to_string().contains("缺少必需的列:统一社会信用代码"), "{err}");
        let v = check(
            r.kind("scenario").unwrap(),
            "场景名称,场景类型,所在区县,产业领域\n智慧工厂,典型案例,蜀山区,人工智能\n".as_bytes(),
            &ctx_with(&industries),
        )
        .unwrap();
        assert!(v.problems.shown()[0].reason.contains("尚未识别出产业"), "{:?}", v.problems.shown());
    }

    #[test]
    fn dates_as_people_type_them() {
        for (t, want) in [
            ("2019-05-20", Some("2019-05-20")),
            ("2019/5/20", Some("2019-05-20")),
            ("2019年5月20日", Some("2019-05-20")),
            ("20190520", Some("2019-05-20")),
            ("2024-02-29", Some("2024-02-29")),
            ("2023-02-29", None),
            ("2019-13-01", None),
            ("去年", None),
        ] {
            assert_eq!(parse_date(t).as_deref(), want, "{t}");
        }
    }
}

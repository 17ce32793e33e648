//! Templates and exports of a kind as a [`planwatch_export::Grid`] (XLSX through
//! `grid_xlsx`, CSV through `grid_csv`): the template is the kind's columns with a 说明 sheet
//! of what each takes; an export is the entries of a filtered list in the same columns (so
//! an export, edited, imports again) plus their state.

use crate::schema::{FieldType, Kind};
use planwatch_export::{Grid, GridCell, GridColumn};
use serde_json::{Map, Value};

fn column_note(f: &crate::schema::Field) -> String {
    let mut note = format!("{}{}", f.kind.label(), if f.required { ",必填" } else { ",选填" });
    if matches!(f.kind, FieldType::Enum | FieldType::Tier) {
        note.push_str(&format!(",可选:{}", f.values.join("、")));
    }
    if matches!(f.kind, FieldType::Text) {
        note.push_str(&format!(",至多 {} 字", f.max_chars()));
    }
    if !f.note.is_empty() {
        note.push('。');
        note.push_str(&f.note);
    }
    note
}

fn columns(kind: &Kind) -> Vec<GridColumn> {
    kind.fields
        .iter()
        .map(|f| {
            let note = column_note(f);
            if matches!(f.kind, FieldType::Number | FieldType::Integer) {
                GridColumn::number(f.name, &note)
            } else {
                GridColumn::text(f.name, &note)
            }
        })
        .collect()
}

/// The empty sheet of a kind, with what each column takes; `places` are the region's units
/// (listed on the 说明 sheet).
pub fn template(kind: &Kind, region: &str, places: &[String]) -> Grid {
    let mut notes = vec![
        ("名录".to_string(), format!("{}({})", kind.title(), kind.id)),
        ("必填列".to_string(), kind.required_headers().join("、")),
        (
            "填写说明".to_string(),
            "第一行为表头,不要改动;其他列可删去。任一行有错时整个文件不导入,并列出每个错误的行、列和改正办法。"
                .to_string(),
        ),
    ];
    if !places.is_empty() {
        notes.push((format!("{region}的区县"), places.join("、")));
    }
    Grid { title: format!("{}导入模板", kind.name), columns: columns(kind), rows: Vec::new(), notes }
}

/// One entry as exported: its fields and its state.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub fields: Map<String, Value>,
    /// 草稿 / 已报送 / 已审核.
    pub status: String,
    pub updated_at: String,
}

/// Entries in the kind's columns, then 状态 and 更新时间.
pub fn export(kind: &Kind, title: &str, rows: &[ExportRow], notes: Vec<(String, String)>) -> Grid {
    let mut cols = columns(kind);
    cols.push(GridColumn::text("状态", "草稿、已报送或已审核。"));
    cols.push(GridColumn::text("更新时间", "最后一次修改的时间(UTC)。"));
    let rows = rows
        .iter()
        .map(|r| {
            let mut cells: Vec<GridCell> = kind
                .fields
                .iter()
                .map(|f| match r.fields.get(&f.id) {
                    None | Some(Value::Null) => GridCell::Empty,
                    Some(Value::Number(n)) => GridCell::Number(n.as_f64().unwrap_or(f64::NAN)),
                    Some(Value::String(s)) => GridCell::Text(s.clone()),
                    Some(Value::Bool(b)) => GridCell::Text(if *b { "是" } else { "否" }.into()),
                    Some(v) => GridCell::Text(v.to_string()),
                })
                .collect();
            cells.push(GridCell::Text(r.status.clone()));
            cells.push(GridCell::Text(r.updated_at.clone()));
            cells
        })
        .collect();
    Grid { title: title.to_string(), columns: cols, rows, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Registries;
    use crate::validate::{check, Context, Industries};

    /// The template's XLSX reads back as a valid (empty) sheet of its kind, and an export,
    /// read again, gives the same entries.
    #[test]
    fn a_template_and_an_export_read_back() {
        let r = Registries::builtin();
        let kind = r.kind("enterprise").unwrap();
        let dicts = planwatch_core::dict::Dictionaries::builtin();
        let industries = Industries::new(["人工智能"]);
        let ctx = Context { region: "合肥市", dicts: &dicts, industries: &industries };
        let xlsx = planwatch_export::grid_xlsx(&template(kind, "合肥市", &["蜀山区".into()])).unwrap();
        let v = check(kind, &xlsx, &ctx).unwrap();
        assert!(v.is_ok() && v.entries.is_empty() && v.unknown_columns.is_empty(), "{:?}", v.problems.shown());
        let code = crate::credit::complete("91340104MA2T5X8N6").unwrap();
        let csv = format!("企业名称,统一社会信用代码,所在区县,产业领域,成立日期\n甲,{code},蜀山,人工智能,2019-01-02\n");
        let v = check(kind, csv.as_bytes(), &ctx).unwrap();
        let rows: Vec<ExportRow> = v
            .entries
            .iter()
            .map(|e| ExportRow { fields: e.fields.clone(), status: "草稿".into(), updated_at: String::new() })
            .collect();
        let xlsx = planwatch_export::grid_xlsx(&export(kind, "企业", &rows, vec![])).unwrap();
        let again = check(kind, &xlsx, &ctx).unwrap();
        assert!(again.is_ok(), "{:?}", again.problems.shown());
        assert_eq!(again.entries[0].fields, v.entries[0].fields);
        assert_eq!(again.unknown_columns, ["状态", "更新时间"]);
    }
}

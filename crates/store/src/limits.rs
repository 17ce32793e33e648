//! Limits of free text: one table for every field a person types, checked by the store's
//! write methods, so a form, the JSON API and the command line accept exactly the same (and
//! nothing unbounded reaches the append-only audit log). A refusal is
//! [`StoreError::TooLong`] naming the field and its limit, before anything is written.
//!
//! The README's 文字长度上限 table lists these values; keep the two in step.

use serde_json::Value;

use crate::{Result, StoreError};

/// The most characters (Unicode scalar values) a field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimit {
    /// The field's name in the API and on the command line (`comment`, `--note`).
    pub field: &'static str,
    /// Its zh-CN label on forms.
    pub label: &'static str,
    pub max_chars: usize,
}

impl TextLimit {
    /// `Ok` when `value` has at most `max_chars` characters.
    pub fn check(&self, value: &str) -> Result<()> {
        check_chars(self.field, self.label, self.max_chars, value)
    }
}

const fn limit(field: &'static str, label: &'static str, max_chars: usize) -> TextLimit {
    TextLimit { field, label, max_chars }
}

pub const APPROVAL_COMMENT: TextLimit = limit("comment", "审核意见", 1000);
pub const CORRECTION_NOTE: TextLimit = limit("note", "更正说明", 1000);
pub const META_TITLE: TextLimit = limit("title", "标题", 200);
pub const META_ISSUER: TextLimit = limit("issuer", "发文机关", 200);
pub const META_REGION: TextLimit = limit("region", "地区", 50);
pub const TAXONOMY_ITEM: TextLimit = limit("item", "产业名称", 200);
pub const TAXONOMY_SCHEME: TextLimit = limit("scheme", "分类体系", 64);
pub const TAXONOMY_NODE: TextLimit = limit("node", "分类节点", 64);
pub const REVIEW_NOTE: TextLimit = limit("note", "审查说明", 2000);
pub const TASK_NOTE: TextLimit = limit("note", "进展说明", 2000);
pub const INDICATOR_CODE: TextLimit = limit("code", "指标代码", 64);
pub const INDICATOR_NAME: TextLimit = limit("name", "指标名称", 200);
pub const INDICATOR_UNIT: TextLimit = limit("unit", "单位", 32);
pub const INDICATOR_NOTE: TextLimit = limit("note", "备注", 1000);
pub const INDEX_NAME: TextLimit = limit("name", "指数名称", 100);
pub const INDEX_DESCRIPTION: TextLimit = limit("description", "指数说明", 1000);
pub const RANKING_NOTE: TextLimit = limit("note", "发布说明", 1000);
pub const DISPLAY_NAME: TextLimit = limit("name", "显示名称", 100);
pub const DEPARTMENT: TextLimit = limit("department", "所属部门", 100);
pub const TOKEN_LABEL: TextLimit = limit("label", "令牌用途", 100);
/// The name of an uploaded or imported file (as file systems allow).
pub const FILE_NAME: TextLimit = limit("name", "文件名", 255);
/// The 备注 cell of one row of an observation sheet.
pub const OBSERVATION_NOTE: TextLimit = limit("备注", "备注", 500);
/// Each text field of a corrected or added plan item (indicator, unit, task, source text…).
pub const ITEM_TEXT_CHARS: usize = 4000;
/// Each list of a corrected or added plan item (lead and responsible units, segments,
/// districts): entries.
pub const ITEM_LIST_ENTRIES: usize = 100;

fn check_chars(field: &str, label: &str, max: usize, value: &str) -> Result<()> {
    // A character is at least one byte: most values need no count.
    if value.len() <= max {
        return Ok(());
    }
    let given = value.chars().count();
    if given <= max {
        return Ok(());
    }
    Err(StoreError::TooLong { field: field.into(), label: label.into(), limit: max, given, unit: "字" })
}

/// The zh-CN label of a plan item's field, as the correction forms name it.
fn item_label(field: &str) -> &'static str {
    match field {
        "indicator" => "指标",
        "unit" => "单位",
        "qualifier" => "限定语",
        "scope" => "范围",
        "text" => "来源原文",
        "title" => "任务",
        "content" => "任务内容",
        "deadline" => "完成时限",
        "lead" => "牵头单位",
        "responsible" => "责任单位",
        "name" => "名称",
        "group" => "类别",
        "segments" => "细分领域",
        "subject" => "主体/方向",
        "districts" => "区县",
        "section" | "path" => "所在章节",
        _ => "条目字段",
    }
}

/// Checks the fields an analyst writes into a plan item (an added item, or the fields an
/// edit changes): each text at most [`ITEM_TEXT_CHARS`], each list at most
/// [`ITEM_LIST_ENTRIES`] entries of such texts.
pub fn check_item(fields: &Value) -> Result<()> {
    let Some(obj) = fields.as_object() else { return Ok(()) };
    for (field, value) in obj {
        check_item_value(field, value)?;
    }
    Ok(())
}

fn check_item_value(field: &str, value: &Value) -> Result<()> {
    let label = item_label(field);
    match value {
        Value::String(s) => check_chars(field, label, ITEM_TEXT_CHARS, s),
        Value::Array(items) => {
            if items.len() > ITEM_LIST_ENTRIES {
                return Err(StoreError::TooLong {
                    field: field.into(),
                    label: label.into(),
                    limit: ITEM_LIST_ENTRIES,
                    given: items.len(),
                    unit: "项",
                });
            }
            items.iter().try_for_each(|v| check_item_value(field, v))
        }
        Value::Object(obj) => obj.values().try_for_each(|v| check_item_value(field, v)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let l = limit("note", "说明", 3);
        assert!(l.check("一二三").is_ok());
        let err = l.check("一二三四").unwrap_err();
        assert!(matches!(err, StoreError::TooLong { limit: 3, given: 4, .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("说明") && msg.contains("note") && msg.contains('3') && msg.contains('4'), "{msg}");
    }

    #[test]
    fn items_are_checked_field_by_field_and_list_by_list() {
        let ok = serde_json::json!({"indicator": "一".repeat(ITEM_TEXT_CHARS), "lead": vec!["市科技局"; ITEM_LIST_ENTRIES], "value": 1.0});
        assert!(check_item(&ok).is_ok());
        let long = serde_json::json!({"unit": "一".repeat(ITEM_TEXT_CHARS + 1)});
        assert!(check_item(&long).unwrap_err().to_string().contains("单位"));
        let many = serde_json::json!({"segments": vec!["x"; ITEM_LIST_ENTRIES + 1]});
        assert!(check_item(&many).unwrap_err().to_string().contains("细分领域"));
        let deep = serde_json::json!({"districts": ["一".repeat(ITEM_TEXT_CHARS + 1)]});
        assert!(check_item(&deep).is_err());
    }
}

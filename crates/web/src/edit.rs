//! Correction forms: edit, add, delete and revert items of a plan, and point an item at its
//! source by selecting text in the document view. Every write checks the session and its
//! CSRF token, then goes to the store as one [`CorrectionRequest`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_store::{CorrectionRequest, ItemKind, ItemState};
use serde_json::{json, Value};

use crate::pages::{enc, parse_id, render};
use crate::{auth, db, AppError, Shared};
use planwatch_app::rows::{num, plan_title};
use planwatch_store::Actor;

struct Field {
    name: &'static str,
    label: &'static str,
    value: String,
    numeric: bool,
    /// Several lines of text (a task's content): a textarea.
    long: bool,
}

/// Fields written on several lines.
const LONG_FIELDS: &[&str] = &["content"];

/// Text fields that may be absent: an empty entry is `null`, not an empty text.
const OPTIONAL_TEXT_FIELDS: &[&str] = &["deadline"];

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    nav: &'static str,
    plan_id: i64,
    plan_title: String,
    version_id: i64,
    heading: String,
    kind: &'static str,
    key: String,
    key_q: String,
    here: String,
    csrf: String,
    source: String,
    machine: String,
    fields: Vec<Field>,
    correction_id: i64,
}

/// (field, label, numeric, list) of each kind's form. Lists are written separated by 、.
fn field_specs(kind: ItemKind) -> &'static [(&'static str, &'static str, bool, bool)] {
    match kind {
        ItemKind::Target => &[
            ("indicator", "指标", false, false),
            ("value", "目标值", true, false),
            ("value_max", "上限(区间目标)", true, false),
            ("unit", "单位", false, false),
            ("year", "目标年份", true, false),
            ("baseline_value", "基期值", true, false),
            ("baseline_year", "基期年份", true, false),
            ("qualifier", "限定语(以上、左右……)", false, false),
            ("attribute", "属性(预期性、约束性,或留空)", false, false),
            ("increment", "增量/水平(填“增量”或“水平”)", false, false),
            ("scope", "范围", false, false),
            ("text", "来源原文", false, false),
        ],
        ItemKind::Task => &[
            ("title", "任务", false, false),
            ("content", "任务内容", false, false),
            ("lead", "牵头单位(用“、”分隔)", false, true),
            ("responsible", "责任单位(用“、”分隔)", false, true),
            ("deadline", "完成时限(照录原文,如 2025年底前、持续推进;原文未给出的留空)", false, false),
            ("text", "来源原文", false, false),
        ],
        ItemKind::Industry => &[
            ("name", "产业", false, false),
            ("group", "类别", false, false),
            ("segments", "细分领域(用“、”分隔)", false, true),
        ],
        ItemKind::District => &[("subject", "产业/方向", false, false), ("districts", "区县(用“、”分隔)", false, true)],
        ItemKind::Platform => &[("name", "平台", false, false), ("subject", "主体/方向", false, false)],
    }
}

fn parse_kind(raw: &str) -> Result<ItemKind, AppError> {
    ItemKind::parse(raw).ok_or_else(|| AppError::NotFound(format!("没有“{raw}”这类条目。")))
}

/// The item with `key` in the effective plan, as JSON, with its state.
fn item_json(eff: &planwatch_store::EffectivePlan, kind: ItemKind, key: &str) -> Option<(Value, ItemState)> {
    let (i, state) = eff.find(kind, key)?;
    Some((planwatch_store::corrections::item_value(&eff.plan, kind, i)?, state))
}

/// A field's value as the form shows it: `increment` as 增量/水平.
fn show_field(name: &str, v: &Value) -> String {
    match (name, v) {
        ("increment", Value::Bool(true)) => "增量".into(),
        ("increment", Value::Bool(false)) => "水平".into(),
        _ => show(v),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.as_f64().map(num).unwrap_or_else(|| n.to_string()),
        Value::Array(a) => a.iter().map(show).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct EditQuery {
    #[serde(default)]
    key: String,
    revert: Option<i64>,
}

pub async fn form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AppError> {
    let (id, kind) = (parse_id(&id)?, parse_kind(&kind)?);
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let eff = &view.effective;
    let mut page = EditPage {
        nav: "plans",
        plan_id: id,
        plan_title: plan_title(eff),
        version_id: view.version.id,
        heading: format!("新增{}", kind.label()),
        kind: kind.as_str(),
        key: String::new(),
        key_q: String::new(),
        here: enc(&format!("/plans/{id}/edit/{}?key={}", kind.as_str(), enc(&q.key))),
        csrf: auth::csrf_of(&state, &headers).await,
        source: String::new(),
        machine: String::new(),
        fields: Vec::new(),
        correction_id: 0,
    };
    if let Some(cid) = q.revert {
        page.heading = "撤销更正".into();
        page.correction_id = cid;
        return Ok(render(&page).into_response());
    }
    let current = if q.key.is_empty() {
        None
    } else {
        let (v, st) = item_json(eff, kind, &q.key)
            .ok_or_else(|| AppError::NotFound(format!("该{}已不存在(可能已被删除或文件已更新)。", kind.label())))?;
        page.heading = format!("更正{}", kind.label());
        page.key = q.key.clone();
        page.key_q = enc(&q.key);
        page.source = v.get("text").map(show).unwrap_or_default();
        if let ItemState::Edited(c) | ItemState::Added(c) = st {
            page.correction_id = c;
        }
        if let ItemState::Edited(c) = st {
            // Show what the machine extracted for each field the analyst changed.
            let corrections = db(&state, move |s| s.corrections(id)).await?;
            if let Some(corr) = corrections.iter().find(|x| x.id == c) {
                let labels = field_specs(kind);
                let changed: Vec<String> = corr
                    .patch
                    .as_ref()
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .filter_map(|(field, _)| {
                        let label = labels.iter().find(|f| f.0 == field)?.1;
                        let was = corr
                            .original
                            .as_ref()
                            .and_then(|o| o.get(field))
                            .map(|v| show_field(field, v))
                            .unwrap_or_default();
                        Some(format!("{label}“{was}”"))
                    })
                    .collect();
                page.machine = changed.join(",");
            }
        }
        Some(v)
    };
    page.fields = field_specs(kind)
        .iter()
        .map(|(name, label, numeric, _)| Field {
            name,
            label,
            numeric: *numeric,
            long: LONG_FIELDS.contains(name),
            value: current.as_ref().and_then(|v| v.get(*name)).map(|v| show_field(name, v)).unwrap_or_default(),
        })
        .collect();
    Ok(render(&page).into_response())
}

/// The item a form describes: the current item (or an empty one) with the form's fields.
fn item_from_form(kind: ItemKind, base: Option<Value>, form: &HashMap<String, String>) -> Result<Value, AppError> {
    let mut item = base.unwrap_or_else(|| planwatch_store::corrections::blank_item(kind));
    let Some(obj) = item.as_object_mut() else { return Err(AppError::Internal("item is not an object".into())) };
    for (name, label, numeric, list) in field_specs(kind) {
        let Some(raw) = form.get(*name) else { continue };
        let raw = raw.trim();
        let value = if *numeric {
            if raw.is_empty() {
                if *name == "value" {
                    return Err(AppError::BadRequest("“目标值”不能为空,请填写数字,如 1000 或 4.5。".into()));
                }
                Value::Null
            } else {
                let n: f64 = raw.replace([',', ','], "").parse().map_err(|_| {
                    AppError::BadRequest(format!("“{label}”应为数字,收到“{raw}”。请只填数字,如 1000 或 4.5。"))
                })?;
                if !n.is_finite() {
                    return Err(AppError::BadRequest(format!("“{label}”不是有效数字。")));
                }
                if name.ends_with("year") {
                    if n.fract() != 0.0 || !(1949.0..=2100.0).contains(&n) {
                        return Err(AppError::BadRequest(format!("“{label}”应为 1949—2100 之间的年份,收到“{raw}”。")));
                    }
                    json!(n as i64)
                } else {
                    json!(n)
                }
            }
        } else if *name == "attribute" {
            // 预期性 or 约束性 as an indicator table states it; empty for none.
            match raw {
                "" => Value::Null,
                "预期性" | "约束性" => Value::String(raw.to_string()),
                _ => {
                    return Err(AppError::BadRequest(format!("“{label}”只能填“预期性”或“约束性”,或留空;收到“{raw}”。")))
                }
            }
        } else if *name == "increment" {
            match raw {
                "增量" => Value::Bool(true),
                "水平" | "" => Value::Bool(false),
                _ => {
                    return Err(AppError::BadRequest(format!(
                        "“{label}”只能填“增量”(按新增、累计、年均增长等计)或“水平”(要达到的水平);收到“{raw}”。"
                    )))
                }
            }
        } else if *list {
            let parts: Vec<Value> = raw
                .split(['、', ',', ',', ';', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect();
            Value::Array(parts)
        } else if raw.is_empty() && OPTIONAL_TEXT_FIELDS.contains(name) {
            Value::Null
        } else {
            // A textarea sends CRLF line ends; the plan's text has LF.
            Value::String(raw.replace("\r\n", "\n"))
        };
        obj.insert(name.to_string(), value);
    }
    // A district mapping's canonical names follow the districts an analyst typed.
    if kind == ItemKind::District {
        if let Some(d) = obj.get("districts").cloned() {
            obj.insert("canonical".into(), d);
        }
    }
    Ok(item)
}

/// The common start of every item write: plan id and kind from the path, the session and
/// its CSRF token checked, the item key from the form (empty for an add).
async fn item_write(
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
    kind: &str,
    form: &HashMap<String, String>,
) -> Result<(i64, ItemKind, String, Actor), AppError> {
    let (id, kind) = (parse_id(id)?, parse_kind(kind)?);
    let actor = auth::require_form(state, headers, form.get("csrf").map(String::as_str).unwrap_or("")).await?;
    Ok((id, kind, form.get("key").cloned().unwrap_or_default(), actor))
}

pub async fn save(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (id, kind, key, actor) = item_write(&state, &headers, &id, &kind, &form).await?;
    let note = form.get("note").cloned().unwrap_or_default();
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let req = if key.is_empty() {
        CorrectionRequest::Add { item: item_from_form(kind, None, &form)? }
    } else {
        let (current, _) = item_json(&view.effective, kind, &key)
            .ok_or_else(|| AppError::NotFound(format!("该{}已不存在,请返回规划页刷新。", kind.label())))?;
        CorrectionRequest::Edit { key, item: item_from_form(kind, Some(current), &form)? }
    };
    db(&state, move |s| s.correct(&actor, id, kind, req, &note)).await?;
    Ok(Redirect::to(&format!("/plans/{id}#{}", anchor(kind))).into_response())
}

fn anchor(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Target => "targets",
        ItemKind::Task => "tasks",
        ItemKind::Industry => "industries",
        ItemKind::District => "districts",
        ItemKind::Platform => "platforms",
    }
}

pub async fn delete(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (id, kind, key, actor) = item_write(&state, &headers, &id, &kind, &form).await?;
    if key.is_empty() {
        return Err(AppError::BadRequest("缺少要删除的条目。".into()));
    }
    db(&state, move |s| s.correct(&actor, id, kind, CorrectionRequest::Delete { key }, "")).await?;
    Ok(Redirect::to(&format!("/plans/{id}#{}", anchor(kind))).into_response())
}

pub async fn revert(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let actor = auth::require_form(&state, &headers, form.get("csrf").map(String::as_str).unwrap_or("")).await?;
    let cid: i64 = form
        .get("correction")
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少要撤销的更正编号。".into()))?;
    // The kind does not matter for a revert; the correction row knows its own.
    db(&state, move |s| s.correct(&actor, id, ItemKind::Target, CorrectionRequest::Revert { correction_id: cid }, ""))
        .await?;
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

/// Sets an item's source to the text the analyst selected in the document view.
pub async fn pick(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (id, kind, key, actor) = item_write(&state, &headers, &id, &kind, &form).await?;
    let num = |k: &str| form.get(k).and_then(|v| v.parse::<usize>().ok());
    let (Some(start), Some(end)) = (num("start"), num("end")) else {
        return Err(AppError::BadRequest("请先在原文中选中一段文字。".into()));
    };
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let vid = view.version.id;
    let text = db(&state, move |s| s.source_text(vid)).await?;
    if start >= end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return Err(AppError::BadRequest("选中的位置无效,请在原文中重新选择。".into()));
    }
    if end - start > 8000 {
        return Err(AppError::BadRequest("选中的文字太长,请只选该条目所在的句子。".into()));
    }
    let (mut item, _) = item_json(&view.effective, kind, &key)
        .ok_or_else(|| AppError::NotFound(format!("该{}已不存在,请返回规划页刷新。", kind.label())))?;
    if let Some(o) = item.as_object_mut() {
        o.insert("span".into(), json!([start, end]));
        if o.contains_key("text") {
            o.insert("text".into(), Value::String(text[start..end].to_string()));
        }
    }
    db(&state, move |s| s.correct(&actor, id, kind, CorrectionRequest::Edit { key, item }, "在原文中指定来源")).await?;
    Ok(Redirect::to(&format!("/plans/{id}#{}", anchor(kind))).into_response())
}

//! Corrections of a plan's title, issuer and region (issue 18 item 1): the form
//! `/plans/{id}/meta` (analysts and admins; others are told who may), its POST, and
//! `POST /api/v1/plans/{id}/meta`. The store checks who may write
//! ([`planwatch_store::Store::correct_meta_fields`]), the limits and the region; a corrected
//! title is what references resolve by, so a plan whose text has no title line can be cited.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use planwatch_store::{MetaField, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{body, ApiError, ErrorBody, JsonResult};
use crate::pages::{enc, parse_id, render};
use crate::{auth, db, AppError, Shared};

/// One field of the form.
struct FieldRow {
    name: &'static str,
    label: &'static str,
    value: String,
    /// The machine value when an analyst corrected the field (else empty).
    machine: String,
    corrected: bool,
    by: String,
    hint: &'static str,
    max: usize,
}

#[derive(Template)]
#[template(path = "plan_meta.html")]
struct MetaPage {
    nav: &'static str,
    plan_id: i64,
    plan_title: String,
    here: String,
    csrf: String,
    can_edit: bool,
    fields: Vec<FieldRow>,
}

fn hint(field: MetaField) -> &'static str {
    match field {
        MetaField::Title => "规划的完整标题,不含书名号;其他规划以此标题引用本规划(一行,不超过 200 字)",
        MetaField::Issuer => "发文机关,多个用“、”分隔;可留空",
        MetaField::Region => "省、自治区、直辖市或地级市(如 重庆市、四川省);国家级规划填“全国”;可留空",
    }
}

fn limit(field: MetaField) -> usize {
    match field {
        MetaField::Title => planwatch_store::limits::META_TITLE.max_chars,
        MetaField::Issuer => planwatch_store::limits::META_ISSUER.max_chars,
        MetaField::Region => planwatch_store::limits::META_REGION.max_chars,
    }
}

/// `/plans/{id}/meta`: the plan's title, issuer and region as they stand, the machine values
/// of corrected ones, and for analysts the form.
pub async fn form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let caller = auth::caller(&state, &headers).await;
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let eff = &view.effective;
    let fields = MetaField::ALL
        .into_iter()
        .map(|f| {
            let c = eff.meta_correction(f);
            FieldRow {
                name: f.as_str(),
                label: f.label(),
                value: f.get(&eff.plan.meta).unwrap_or_default().to_string(),
                machine: c.map(|c| c.original.clone()).unwrap_or_default(),
                corrected: c.is_some(),
                by: c.map(|c| format!("{} {}", c.author, crate::zh::beijing(&c.updated_at))).unwrap_or_default(),
                hint: hint(f),
                max: limit(f),
            }
        })
        .collect();
    let page = MetaPage {
        nav: "plans",
        plan_id: id,
        plan_title: planwatch_app::rows::plan_title(eff),
        here: enc(&format!("/plans/{id}/meta")),
        can_edit: caller.as_ref().is_some_and(|c| matches!(c.actor.role, Role::Admin | Role::Analyst)),
        csrf: caller.map(|c| c.csrf).unwrap_or_default(),
        fields,
    };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct MetaForm {
    csrf: String,
    title: Option<String>,
    issuer: Option<String>,
    region: Option<String>,
    #[serde(default)]
    note: String,
    /// A field whose correction is withdrawn (the machine value again).
    #[serde(default)]
    revert: String,
}

fn parse_field(raw: &str) -> Result<MetaField, AppError> {
    MetaField::parse(raw).ok_or_else(|| {
        AppError::BadRequest(format!(
            "字段“{}”:应为 title(标题)、issuer(发文机关)或 region(地区)。",
            raw.chars().take(40).collect::<String>()
        ))
    })
}

/// Saves the form: the fields whose value differs from the plan as it stands, in one write.
pub async fn save(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<MetaForm>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let changes = if !f.revert.trim().is_empty() {
        vec![(parse_field(&f.revert)?, None)]
    } else {
        let view = db(&state, move |s| s.plan_view(id)).await?;
        let meta = &view.effective.plan.meta;
        [(MetaField::Title, f.title), (MetaField::Issuer, f.issuer), (MetaField::Region, f.region)]
            .into_iter()
            .filter_map(|(field, v)| {
                let v = v?.trim().to_string();
                (v != field.get(meta).unwrap_or_default().trim()).then_some((field, Some(v)))
            })
            .collect()
    };
    if !changes.is_empty() {
        let note = f.note;
        db(&state, move |s| s.correct_meta_fields(&actor, id, &changes, &note)).await?;
    }
    Ok(Redirect::to(&format!("/plans/{id}")).into_response())
}

/// A change of a plan's title, issuer or region. Fields left out are not changed; `revert`
/// withdraws the corrections of the fields it names (the machine values again).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaRequest {
    /// The plan's full title, without 《》 (1–200 characters, one line).
    #[serde(default)]
    #[schema(max_length = 200)]
    title: Option<String>,
    /// The issuing office(s) (at most 200 characters; empty for none).
    #[serde(default)]
    #[schema(max_length = 200)]
    issuer: Option<String>,
    /// 全国, or a province or city of the place dictionary (重庆市, 四川省; short names are
    /// written in full); empty for none.
    #[serde(default)]
    #[schema(max_length = 50)]
    region: Option<String>,
    /// Fields whose correction is withdrawn: title, issuer, region.
    #[serde(default)]
    revert: Vec<String>,
    /// Why (at most 1000 characters), kept with the correction and in the audit log.
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// A corrected field of a plan.
#[derive(Serialize, ToSchema)]
pub struct MetaCorrectionDto {
    /// title, issuer or region.
    field: String,
    value: String,
    /// The machine value when the correction was made.
    original: String,
    author: String,
    updated_at: String,
}

/// The plan's title, issuer and region as they stand, and which are corrected.
#[derive(Serialize, ToSchema)]
pub struct MetaDto {
    id: i64,
    title: String,
    issuer: String,
    region: String,
    corrected: Vec<MetaCorrectionDto>,
}

/// Corrects a plan's title, issuer or region (analysts and admins; audited `plan.meta`). A
/// corrected title is what other plans' references resolve by. Every value is checked before
/// anything is written: a refused one changes nothing.
#[utoipa::path(post, path = "/api/v1/plans/{id}/meta", request_body = MetaRequest, params(("id" = i64, Path)),
    responses((status = 200, body = MetaDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_save(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: JsonResult<MetaRequest>,
) -> Result<Json<MetaDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id = parse_id(&id)?;
    let r = body(b, "/api/v1/plans/{id}/meta", state.config.max_upload)?;
    if r.revert.len() > MetaField::ALL.len() {
        return Err(AppError::BadRequest("revert 最多列出 title、issuer、region 三项。".into()).into());
    }
    let mut changes: Vec<(MetaField, Option<String>)> =
        [(MetaField::Title, r.title), (MetaField::Issuer, r.issuer), (MetaField::Region, r.region)]
            .into_iter()
            .filter_map(|(f, v)| v.map(|v| (f, Some(v))))
            .collect();
    for raw in &r.revert {
        let f = parse_field(raw)?;
        if changes.iter().any(|(g, _)| *g == f) {
            return Err(AppError::BadRequest(format!("字段 {} 不能同时更正和撤销。", f.as_str())).into());
        }
        changes.push((f, None));
    }
    if changes.is_empty() {
        return Err(AppError::BadRequest("请求未给出要更正的字段:title、issuer、region 或 revert。".into()).into());
    }
    let note = r.note;
    let view = db(&state, move |s| {
        s.correct_meta_fields(&actor, id, &changes, &note)?;
        s.plan_view(id)
    })
    .await?;
    let eff = &view.effective;
    Ok(Json(MetaDto {
        id,
        title: view.summary.title.clone(),
        issuer: view.summary.issuer.clone(),
        region: view.summary.region.clone(),
        corrected: eff
            .meta_corrections
            .iter()
            .map(|c| MetaCorrectionDto {
                field: c.field.as_str().into(),
                value: c.value.clone(),
                original: c.original.clone(),
                author: c.author.clone(),
                updated_at: c.updated_at.clone(),
            })
            .collect(),
    }))
}

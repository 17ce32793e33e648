//! The registries' JSON API under `/api/v1/registries/{kind}` (issue 17, item 3): the filtered
//! list (the pages' filters and caps), an entry, import (CSV/XLSX body or a multipart form,
//! `dry_run`), submit, approve, publish, batches with their diffs, the template and the
//! tiered-cultivation funnel. Every route is in the OpenAPI document; writes need a bearer
//! token and the store checks the role and unit of every row.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use planwatch_store::registry::{RegistryImportError, RegistryImportOptions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{
    body, query, to_json, wants_all_problems_as_csv, ApiError, ErrorBody, ImportRefusal, JsonResult, QueryResult,
    RefusedImport,
};
use crate::pages::{clean_name, download};
use crate::registry_pages::{kind_of, FunnelParams, ListQuery, MAX_PARAM_CHARS};
use crate::{auth, db, AppError, Shared};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/registries/{kind}", get(list))
        .route("/registries/{kind}/import", post(import))
        .route("/registries/{kind}/submit", post(submit))
        .route("/registries/{kind}/approve", post(approve))
        .route("/registries/{kind}/publish", post(publish))
        .route("/registries/{kind}/batches", get(batches))
        .route("/registries/{kind}/batches/{n}", get(batch))
        .route("/registries/{kind}/template", get(template))
        .route("/registries/{kind}/funnel", get(funnel))
        .route("/registries/{kind}/entries/{key}", get(entry))
}

/// A page of a filtered list, with the counts of all matching entries per district,
/// industry, tier and status.
#[derive(Serialize, ToSchema)]
pub struct RegistryList {
    kind: String,
    region: String,
    /// Entries matching in all.
    total: i64,
    offset: i64,
    limit: i64,
    #[schema(value_type = Vec<Object>)]
    entries: serde_json::Value,
    #[schema(value_type = Object)]
    facets: serde_json::Value,
}

fn caller_region(actor: &Option<planwatch_store::Actor>) -> String {
    actor.as_ref().map(|a| a.region.clone()).unwrap_or_default()
}

async fn optional_actor(state: &Shared, headers: &HeaderMap) -> Option<planwatch_store::Actor> {
    if headers.contains_key(header::AUTHORIZATION) {
        auth::require_bearer(state, headers).await.ok()
    } else {
        None
    }
}

fn short<'a>(name: &str, v: &'a str) -> Result<&'a str, ApiError> {
    let v = v.trim();
    if v.chars().count() > MAX_PARAM_CHARS {
        return Err(ApiError(AppError::BadRequest(format!("参数 {name} 过长(超过 {MAX_PARAM_CHARS} 个字符)。"))));
    }
    Ok(v)
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}", params(("kind" = String, Path, description = "enterprise, scenario, tech_demand, promotion, talent, resource (or the zh name)"), ListQuery),
    responses((status = 200, body = RegistryList), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    q: QueryResult<ListQuery>,
) -> Result<Json<RegistryList>, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let actor = optional_actor(&state, &headers).await;
    let filter = q.filter(&caller_region(&actor))?;
    let data = crate::registry_pages::list_data(&state, &kind.id, &filter).await?;
    let (page, facets) = (&data.page, &data.facets);
    Ok(Json(RegistryList {
        kind: kind.id,
        region: filter.region,
        total: page.total,
        offset: page.offset,
        limit: page.limit,
        entries: to_json(&page.entries)?,
        facets: to_json(&facets)?,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct RegionParam {
    /// The region (city), e.g. 合肥市; default: the token's region.
    #[serde(default)]
    region: String,
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}/entries/{key}", params(("kind" = String, Path), ("key" = String, Path, description = "the entry's key (统一社会信用代码 for enterprises)"), RegionParam),
    responses((status = 200, body = Object, description = "entry, history (old/new, who, when UTC), tiers, links, batches"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn entry(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((kind, key)): Path<(String, String)>,
    q: QueryResult<RegionParam>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let key = short("key", &key)?.to_string();
    let region = match short("region", &q.region)? {
        "" => caller_region(&optional_actor(&state, &headers).await),
        r => r.to_string(),
    };
    if region.is_empty() {
        return Err(ApiError(AppError::BadRequest("请给出地区:?region=合肥市".into())));
    }
    let (k, r, kk) = (kind.id.clone(), region.clone(), key.clone());
    let d = db(&state, move |s| s.registry_entry(&k, &r, &kk))
        .await?
        .ok_or_else(|| ApiError(AppError::NotFound(format!("{region}的{}名录中没有“{key}”。", kind.name))))?;
    Ok(Json(to_json(&d)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ImportQuery {
    /// The region (city) the sheet is for; default: the token's region.
    #[serde(default)]
    region: String,
    /// The file's name (a raw body needs it; a multipart upload carries its own).
    #[serde(default)]
    name: String,
    /// `true`: validate and count, store nothing.
    #[serde(default)]
    dry_run: bool,
    /// `csv`: a refusal answers every problem as CSV instead of the first 200 as JSON.
    #[serde(default)]
    #[param(pattern = "^(csv)?$")]
    problems: String,
}

#[utoipa::path(post, path = "/api/v1/registries/{kind}/import", params(("kind" = String, Path), ImportQuery),
    request_body(content = Vec<u8>, description = "A registry sheet, XLSX or CSV (UTF-8 or GBK), as the body or as the `file` field of a multipart form", content_type = "application/octet-stream"),
    responses((status = 200, body = Object, description = "rows, inserted, updated, unchanged, unknown_columns, import_id"),
              (status = 422, body = ImportRefusal), (status = 403, body = ImportRefusal), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn import(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    q: QueryResult<ImportQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let want_csv = wants_all_problems_as_csv(&q.problems)?;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (name, bytes) = if multipart {
        let mut form = Multipart::from_request(req, &state)
            .await
            .map_err(|e| ApiError(AppError::BadRequest(format!("multipart 表单无法读取:{e}"))))?;
        let up = crate::pages::read_upload_form(&mut form, state.config.max_upload).await?;
        up.file.ok_or_else(|| ApiError(AppError::BadRequest("multipart 表单中没有 file 字段。".into())))?
    } else {
        let bytes = Bytes::from_request(req, &state)
            .await
            .map_err(|e| ApiError(AppError::TooLarge(format!("请求体无法读取或超过上限:{e}"))))?;
        if q.name.trim().is_empty() {
            return Err(ApiError(AppError::BadRequest(format!(
                "请给出文件名:POST /api/v1/registries/{}/import?name=sheet.xlsx",
                kind.id
            ))));
        }
        (clean_name(&q.name), bytes.to_vec())
    };
    let region = match short("region", &q.region)? {
        "" => actor.region.clone(),
        r => r.to_string(),
    };
    if region.is_empty() {
        return Err(ApiError(AppError::BadRequest("请给出名录所属地区:?region=合肥市".into())));
    }
    let file_name = name.clone();
    let opts = RegistryImportOptions { dry_run: q.dry_run, synthetic: false };
    let store = state.store.clone();
    let k = kind.id.clone();
    let outcome = tokio::task::spawn_blocking(move || store.import_registry(&k, &region, &name, &bytes, &opts, &actor))
        .await
        .map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    let e = match outcome {
        Ok(r) => return Ok(Json(to_json(&r)?).into_response()),
        Err(e) => e,
    };
    let message = e.to_string();
    let refused = RefusedImport { file_name: &file_name, want_csv, headers: &headers };
    match e {
        RegistryImportError::Refused { validation, .. } => {
            refused.answer(StatusCode::UNPROCESSABLE_ENTITY, message, validation.problems.into_parts())
        }
        RegistryImportError::File { .. } => {
            refused.answer::<()>(StatusCode::UNPROCESSABLE_ENTITY, message, (vec![], 0, vec![]))
        }
        RegistryImportError::Forbidden { rows, .. } => {
            refused.answer(StatusCode::FORBIDDEN, message, rows.into_parts())
        }
        RegistryImportError::Store(e) => Err(ApiError(e.into())),
    }
}

/// A status step: the region, and the keys to move (none: every entry the token may move).
#[derive(Deserialize, ToSchema)]
pub struct StepRequest {
    /// The region (city); default: the token's region.
    #[serde(default)]
    region: String,
    /// Entry keys; empty: all eligible (at most 10 000).
    #[serde(default)]
    keys: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StepResponse {
    /// Entries moved (submit, approve) or the number of the batch published (第N批).
    count: i64,
    #[schema(value_type = Object)]
    batch: Option<serde_json::Value>,
}

async fn step(
    state: Shared,
    headers: HeaderMap,
    kind: String,
    b: JsonResult<StepRequest>,
    action: &'static str,
) -> Result<Json<StepResponse>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let kind = kind_of(&state, &kind)?;
    let r = body(b, &format!("/api/v1/registries/{}/{action}", kind.id), state.config.max_upload)?;
    if r.keys.len() > 10_000 || r.keys.iter().any(|k| k.chars().count() > MAX_PARAM_CHARS * 4) {
        return Err(ApiError(AppError::BadRequest("keys 至多 10000 个,每个至多 256 个字符。".into())));
    }
    let region = match short("region", &r.region)? {
        "" => actor.region.clone(),
        x => x.to_string(),
    };
    if region.is_empty() {
        return Err(ApiError(AppError::BadRequest("请给出地区 region(如 合肥市)。".into())));
    }
    let k = kind.id.clone();
    let out = db(&state, move |s| match action {
        "submit" => Ok(StepResponse { count: s.submit_registry(&actor, &k, &region, &r.keys)? as i64, batch: None }),
        "approve" => Ok(StepResponse { count: s.approve_registry(&actor, &k, &region, &r.keys)? as i64, batch: None }),
        _ => {
            let b = s.publish_registry_batch(&actor, &k, &region)?;
            Ok(StepResponse { count: b.number, batch: serde_json::to_value(&b).ok() })
        }
    })
    .await?;
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/v1/registries/{kind}/submit", params(("kind" = String, Path)), request_body = StepRequest,
    responses((status = 200, body = StepResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn submit(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    b: JsonResult<StepRequest>,
) -> Result<Json<StepResponse>, ApiError> {
    step(state, headers, kind, b, "submit").await
}

#[utoipa::path(post, path = "/api/v1/registries/{kind}/approve", params(("kind" = String, Path)), request_body = StepRequest,
    responses((status = 200, body = StepResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn approve(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    b: JsonResult<StepRequest>,
) -> Result<Json<StepResponse>, ApiError> {
    step(state, headers, kind, b, "approve").await
}

#[utoipa::path(post, path = "/api/v1/registries/{kind}/publish", params(("kind" = String, Path)), request_body = StepRequest,
    responses((status = 200, body = StepResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub(crate) async fn publish(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    b: JsonResult<StepRequest>,
) -> Result<Json<StepResponse>, ApiError> {
    step(state, headers, kind, b, "publish").await
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}/batches", params(("kind" = String, Path), RegionParam),
    responses((status = 200, body = Vec<Object>, description = "published batches (第N批), oldest first, each with its diff"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn batches(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    q: QueryResult<RegionParam>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let region = match short("region", &q.region)? {
        "" => caller_region(&optional_actor(&state, &headers).await),
        r => r.to_string(),
    };
    let k = kind.id.clone();
    let list = db(&state, move |s| s.registry_batches(&k, &region)).await?;
    Ok(Json(to_json(&list)?))
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}/batches/{n}", params(("kind" = String, Path), ("n" = i64, Path, description = "batch number (第N批)"), RegionParam),
    responses((status = 200, body = Object, description = "the batch and its diff against the batch before: added, removed, changed (field, old, new)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn batch(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((kind, n)): Path<(String, String)>,
    q: QueryResult<RegionParam>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let n: i64 =
        short("n", &n)?.parse().map_err(|_| ApiError(AppError::BadRequest(format!("批次号应为数字,收到“{n}”。"))))?;
    let region = match short("region", &q.region)? {
        "" => caller_region(&optional_actor(&state, &headers).await),
        r => r.to_string(),
    };
    let k = kind.id.clone();
    let r = region.clone();
    let list = db(&state, move |s| s.registry_batches(&k, &r)).await?;
    let b = list
        .into_iter()
        .find(|b| b.number == n)
        .ok_or_else(|| ApiError(AppError::NotFound(format!("{region}的{}名录没有第{n}批。", kind.name))))?;
    Ok(Json(to_json(&b)?))
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}/template", params(("kind" = String, Path), RegionParam),
    responses((status = 200, description = "the import template (XLSX)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 404, body = ErrorBody)))]
pub(crate) async fn template(
    State(state): State<Shared>,
    Path(kind): Path<String>,
    q: QueryResult<RegionParam>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let q = query(q)?;
    let region = short("region", &q.region)?.to_string();
    let places: Vec<String> = state.store.dicts().units_within(&region).iter().map(|p| p.name.clone()).collect();
    let grid = planwatch_registry::export::template(&kind, &region, &places);
    let bytes = planwatch_export::grid_xlsx(&grid).map_err(|e| ApiError(AppError::Internal(format!("XLSX: {e}"))))?;
    Ok(download(
        &format!("{}导入模板.xlsx", kind.name),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

#[utoipa::path(get, path = "/api/v1/registries/{kind}/funnel", params(("kind" = String, Path), ("region" = Option<String>, Query), ("industry" = Option<String>, Query), ("place" = Option<String>, Query, description = "a district"), ("through" = Option<String>, Query, description = "last quarter, e.g. 2026Q3")),
    responses((status = 200, body = Object, description = "ladder, quarters (at each rung, entered, promoted, lost)"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn funnel(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<FunnelParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let kind = kind_of(&state, &kind)?;
    let (_, view) = crate::registry_pages::load_funnel(&state, &headers, &kind, &q).await?;
    Ok(Json(to_json(&view.funnel)?))
}

//! The JSON API of the monitoring set-up (issue 16, item 4): indicators from a plan's
//! targets, an indicator's properties, composite indices. The same `Store` methods as the
//! pages and the CLI do the work, so authorisation, checks and audit are theirs; errors are
//! the API's JSON errors with the field named.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use planwatch_store::monitor::IndicatorEdit;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ErrorBody};
use crate::setup_pages::{parse_baseline, parse_direction, parse_frequency};
use crate::{auth, db, AppError, Shared};

/// Bodies of these requests are small: anything larger is refused before parsing.
const MAX_BODY: usize = 64 * 1024;

/// Reads an optional JSON body (empty: the defaults), refusing one that is too large, not
/// JSON or of the wrong shape with a zh-CN message.
fn json_body<T: for<'de> Deserialize<'de> + Default>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.len() > MAX_BODY {
        return Err(ApiError(AppError::TooLarge(format!(
            "请求体有 {} 字节,超过上限 {MAX_BODY} 字节:本接口只接受几个字段的 JSON。",
            bytes.len()
        ))));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(AppError::BadRequest(format!("请求体不是所需的 JSON({e}):字段见 /api/v1/openapi.json。")))
    })
}

/// Reads a required JSON body, refusing an empty, too large, non-JSON or wrongly shaped one
/// with a zh-CN message.
pub(crate) fn json_body_required<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, ApiError> {
    if bytes.len() > MAX_BODY {
        return Err(ApiError(AppError::TooLarge(format!(
            "请求体有 {} 字节,超过上限 {MAX_BODY} 字节:本接口只接受几个字段的 JSON。",
            bytes.len()
        ))));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError(AppError::BadRequest(format!("请求体不是所需的 JSON({e}):字段见 /api/v1/openapi.json。")))
    })
}

/// What to make indicators with.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FromTargetsRequest {
    /// month, quarter (default) or year (or 月度/季度/年度).
    #[serde(default)]
    #[schema(max_length = 16)]
    frequency: String,
}

/// One indicator of the plan's 目标台账 and what was done with it.
#[derive(Serialize, ToSchema)]
pub struct MadeIndicatorDto {
    code: String,
    name: String,
    /// False when it existed already (left as it was).
    created: bool,
    /// Target mentions of the plan it stands for.
    mentions: usize,
    /// The plan states no year: the deadline is its end year.
    year_inferred: bool,
    /// The indicator's page.
    href: String,
}

#[derive(Serialize, ToSchema)]
pub struct FromTargetsResponse {
    plan: i64,
    created: usize,
    kept: usize,
    indicators: Vec<MadeIndicatorDto>,
}

/// Makes one indicator per indicator of plan `id`'s 目标台账 (analysts and admins), as
/// `planwatch indicators from-targets` does. Idempotent: indicators that exist are kept as
/// they are, so a second call creates nothing. The body is optional.
#[utoipa::path(post, path = "/api/v1/plans/{id}/indicators", request_body = Option<FromTargetsRequest>,
    params(("id" = i64, Path)),
    responses((status = 200, body = FromTargetsResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn from_targets(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<FromTargetsResponse>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id: i64 = id.trim().parse().map_err(|_| {
        ApiError(AppError::BadRequest(format!("规划编号 id 应为正整数(见 /api/v1/plans),收到“{}”。", short(&id))))
    })?;
    let r: FromTargetsRequest = json_body(&body)?;
    let frequency = if r.frequency.trim().is_empty() {
        planwatch_monitor::Frequency::Quarter
    } else {
        parse_frequency(&r.frequency)?
    };
    let made = db(&state, move |s| s.indicators_from_targets(&actor, id, frequency)).await?;
    Ok(Json(FromTargetsResponse {
        plan: id,
        created: made.iter().filter(|m| m.created).count(),
        kept: made.iter().filter(|m| !m.created).count(),
        indicators: made
            .into_iter()
            .map(|m| MadeIndicatorDto {
                href: format!("/plans/{id}/progress/{}", crate::pages::enc(&m.code)),
                code: m.code,
                name: m.name,
                created: m.created,
                mentions: m.mentions,
                year_inferred: m.year_inferred,
            })
            .collect(),
    }))
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// `null` and absent told apart: `Some(None)` for null.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The properties of an indicator to change; a field left out keeps its value.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct IndicatorPatch {
    /// The unit (at most 32 characters). Refused while values are stored.
    #[serde(default)]
    #[schema(max_length = 32)]
    unit: Option<String>,
    /// higher or lower (or 越大越好/越小越好).
    #[serde(default)]
    #[schema(max_length = 16)]
    direction: Option<String>,
    /// month, quarter or year. Refused while values of another frequency are stored.
    #[serde(default)]
    #[schema(max_length = 16)]
    frequency: Option<String>,
    /// The roll-up rule: sum, weighted_mean, mean, max, min, none or latest.
    #[serde(default)]
    #[schema(max_length = 32)]
    rollup: Option<String>,
    /// The weight indicator's code (weighted_mean only; null or "" for none).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(max_length = 64, value_type = Option<String>)]
    weight: Option<Option<String>>,
    /// The baseline value; null clears the baseline (and its year).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>)]
    baseline: Option<Option<f64>>,
    /// The baseline's year (1900–2200), required with a baseline value.
    #[serde(default)]
    baseline_year: Option<i64>,
    /// true: the target is an increment (新增 N); false: a level (水平).
    #[serde(default)]
    increment: Option<bool>,
}

/// An indicator's properties as stored.
#[derive(Serialize, ToSchema)]
pub struct IndicatorDto {
    code: String,
    name: String,
    region: String,
    unit: String,
    direction: String,
    frequency: String,
    rollup: String,
    weight: Option<String>,
    baseline: Option<f64>,
    baseline_year: Option<i32>,
    increment: bool,
    target: Option<f64>,
    target_year: Option<i32>,
}

impl From<planwatch_store::monitor::Indicator> for IndicatorDto {
    fn from(i: planwatch_store::monitor::Indicator) -> Self {
        IndicatorDto {
            direction: i.direction.as_str().into(),
            frequency: i.frequency.as_str().into(),
            rollup: i.rollup.as_str().into(),
            code: i.code,
            name: i.name,
            region: i.region,
            unit: i.unit,
            weight: i.rollup_weight,
            baseline: i.baseline_value,
            baseline_year: i.baseline_year,
            increment: i.increment,
            target: i.target_value,
            target_year: i.target_year,
        }
    }
}

impl IndicatorPatch {
    fn edit(self, current: &planwatch_store::monitor::Indicator) -> Result<IndicatorEdit, AppError> {
        let rollup = match (&self.rollup, &self.weight) {
            (None, None) => None,
            (Some(rule), weight) => Some((crate::monitor_pages::parse_rollup(rule)?, weight.clone().flatten())),
            // A weight alone keeps the rule.
            (None, Some(weight)) => Some((current.rollup, weight.clone())),
        };
        let baseline = match (self.baseline, self.baseline_year) {
            (None, None) => None,
            (Some(None), _) => Some(None),
            (Some(Some(v)), Some(y)) => {
                let y = i32::try_from(y).map_err(|_| {
                    AppError::BadRequest(format!("基期年份 baseline_year:{y} 不是年份,请填写如 2020 的四位年份"))
                })?;
                Some(parse_baseline(&v.to_string(), &y.to_string())?)
            }
            (Some(Some(_)), None) => {
                return Err(AppError::BadRequest(
                    "基期年份 baseline_year:给出基期值 baseline 时也请给出它的年份(如 2020)".into(),
                ))
            }
            (None, Some(y)) => match (current.baseline_value, i32::try_from(y)) {
                (Some(v), Ok(y)) => Some(Some((v, y))),
                (_, Err(_)) => {
                    return Err(AppError::BadRequest(format!(
                        "基期年份 baseline_year:{y} 不是年份,请填写如 2020 的四位年份"
                    )))
                }
                (None, _) => {
                    return Err(AppError::BadRequest(
                        "基期值 baseline:指标还没有基期值,给出基期年份时也请给出该年的数值".into(),
                    ))
                }
            },
        };
        Ok(IndicatorEdit {
            unit: self.unit,
            direction: self.direction.as_deref().map(parse_direction).transpose()?,
            frequency: self.frequency.as_deref().map(parse_frequency).transpose()?,
            rollup,
            baseline,
            increment: self.increment,
        })
    }
}

/// Changes an indicator's unit, direction, frequency, roll-up rule (and weight), baseline
/// and increment (analysts and admins), all or nothing. A unit or frequency change is
/// refused (400) while the indicator has values stored in the old one; each change is
/// audited (`indicator.edit`, `indicator.rollup`, `indicator.baseline`).
#[utoipa::path(patch, path = "/api/v1/indicators/{code}", request_body = IndicatorPatch,
    params(("code" = String, Path)),
    responses((status = 200, body = IndicatorDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn patch_indicator(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Json<IndicatorDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    if code.chars().count() > 64 {
        return Err(ApiError(AppError::BadRequest("指标代码 code 过长(最多 64 个字符)".into())));
    }
    let patch: IndicatorPatch = json_body(&body)?;
    let ind = db(&state, move |s| {
        let current = s.indicator(&code)?.ok_or_else(|| {
            planwatch_store::StoreError::NotFound(format!("指标 {code}(没有这个指标代码;指标列表见 /monitor)"))
        })?;
        let edit = match patch.edit(&current) {
            Ok(e) => e,
            Err(AppError::BadRequest(m)) => return Err(planwatch_store::StoreError::Invalid(m)),
            Err(other) => return Err(planwatch_store::StoreError::Invalid(other.to_string())),
        };
        s.edit_indicator(&actor, &code, &edit)
    })
    .await?;
    Ok(Json(ind.into()))
}

/// A composite index to define.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct IndexRequest {
    #[schema(max_length = 100)]
    #[serde(default)]
    name: String,
    /// The region whose units it ranks (optional: the members' region; when given, every
    /// member must be of it).
    #[serde(default)]
    #[schema(max_length = 40)]
    region: String,
    /// entropy_topsis (default) or fixed.
    #[serde(default)]
    #[schema(max_length = 32)]
    method: String,
    /// exclude (default) or mean.
    #[serde(default)]
    missing: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    description: String,
    /// The member indicators (at most 200), each with a positive weight for the fixed method.
    #[serde(default)]
    members: Vec<IndexMemberRequest>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexMemberRequest {
    #[schema(max_length = 64)]
    code: String,
    #[serde(default)]
    weight: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct IndexDto {
    name: String,
    region: String,
    method: String,
    members: Vec<String>,
    /// The ranking page.
    href: String,
}

/// Defines a composite index over indicators of one region (analysts and admins), with the
/// checks of `planwatch index define`; audited `index.add` (or `index.redefine`).
#[utoipa::path(post, path = "/api/v1/indexes", request_body = IndexRequest,
    responses((status = 201, body = IndexDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn define_index(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let r: IndexRequest = json_body(&body)?;
    if r.members.len() > 200 {
        return Err(ApiError(AppError::BadRequest("成员指标 members:最多 200 个指标".into())));
    }
    let mut members = String::new();
    for m in &r.members {
        match m.weight {
            Some(w) => members.push_str(&format!("{}={w}\n", m.code.replace(['\n', ',', '='], " "))),
            None => members.push_str(&format!("{}\n", m.code.replace(['\n', ',', '='], " "))),
        }
    }
    let form = crate::setup_pages::IndexForm::new(r.name, r.region, r.method, r.missing, r.description, members);
    let store = state.store.clone();
    let def = tokio::task::spawn_blocking(move || crate::setup_pages::define_index(&store, &actor, &form))
        .await
        .map_err(|e| AppError::Internal(format!("worker failed: {e}")))??;
    let dto = IndexDto {
        href: format!("/rankings/{}", crate::pages::enc(&def.name)),
        members: def.members.iter().map(|m| m.indicator.code.clone()).collect(),
        method: def.method.as_str().into(),
        region: def.region,
        name: def.name,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

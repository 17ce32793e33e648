//! The JSON API under `/api/v1`. The OpenAPI document at `/api/v1/openapi.json` is generated
//! from these handlers and types (utoipa), so it cannot drift from the code. Errors are JSON
//! objects `{"error": {"status": …, "message": …}}` with a message a person can act on.

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use planwatch_store::{IngestOutcome, PlanOrder};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::pages::{check_upload, clean_name, run_search, source_href, SearchParams};
use crate::{auth, db, AppError, Shared};
use planwatch_app::rows::{target_rows, task_rows};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "planwatch API",
        version = "1",
        description = "规划实施监测评估系统 JSON API. Reads need no token; writes need `Authorization: Bearer <API token>` of a user (made with `planwatch user token` or on the account page). What a token may write is its user's role: a district editor only its own unit's figures, a department editor only its department's tasks in plans of its own region (a department is a region and a name)."
    ),
    paths(list_plans, get_plan, plan_review, plan_targets, plan_ledger, plan_tasks, search, upload_document, plan_progress, ranking, import_observations,
        report_task, approval_step, list_approvals, set_rollup, crate::api_setup::from_targets,
        crate::api_setup::patch_indicator, crate::api_setup::define_index, completeness, confirm_observation, layout, plan_family, family_overview, crate::meta_pages::api_save,
        crate::api_registry::list, crate::api_registry::entry, crate::api_registry::import,
        crate::api_registry::submit, crate::api_registry::approve, crate::api_registry::publish,
        crate::api_registry::batches, crate::api_registry::batch, crate::api_registry::template,
        crate::api_registry::funnel, crate::taxonomy_pages::api_tree, crate::taxonomy_pages::api_plan,
        crate::review_pages::api_review, crate::review_pages::api_compare, crate::review_pages::api_mark,
        crate::taxonomy_pages::api_confirm, crate::taxonomy_pages::api_withdraw),
    components(schemas(
        PlanDto,
        PlanDetail,
        ReviewDto,
        VersionDto,
        TargetDto,
        LedgerDto,
        MentionDto,
        MilestoneDto,
        TaskDto,
        SearchResponse,
        HitDto,
        IngestResult,
        ErrorBody,
        ErrorDetail,
        ProgressResponse,
        RankingResponse,
        ImportResponse,
        ImportRefusal,
        TaskReportRequest,
        ApprovalRequest,
        ApprovalDto,
        RollupRequest,
        RollupDto,
        crate::meta_pages::MetaRequest,
        crate::meta_pages::MetaDto,
        crate::meta_pages::MetaCorrectionDto,
        crate::api_setup::FromTargetsRequest,
        crate::api_setup::FromTargetsResponse,
        crate::api_setup::MadeIndicatorDto,
        crate::api_setup::IndicatorPatch,
        crate::api_setup::IndicatorDto,
        crate::api_setup::IndexRequest,
        crate::api_setup::IndexMemberRequest,
        crate::api_setup::IndexDto,
        crate::api_registry::RegistryList,
        crate::api_registry::StepRequest,
        crate::api_registry::StepResponse,
        crate::review_pages::MarkRequest,
        crate::review_pages::MarkDto,
        crate::review_pages::MarkResponse,
        crate::taxonomy_pages::ConfirmRequest,
        crate::taxonomy_pages::WithdrawRequest,
        crate::taxonomy_pages::ConfirmationDto
    )),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme (the admin token) that writes refer to.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/plans", get(list_plans))
        .route("/plans/{id}", get(get_plan))
        .route("/plans/{id}/review", get(plan_review))
        .route("/plans/{id}/targets", get(plan_targets))
        .route("/plans/{id}/ledger", get(plan_ledger))
        .route("/plans/{id}/tasks", get(plan_tasks))
        .route("/search", get(search))
        .route("/documents", post(upload_document))
        .route("/plans/{id}/progress", get(plan_progress))
        .route("/rankings/{index}", get(ranking))
        .route("/observations", post(import_observations))
        .route("/plans/{id}/tasks/{n}/progress", post(report_task))
        .route("/approvals", get(list_approvals).post(approval_step))
        .route("/indicators/{code}/rollup", post(set_rollup))
        .route("/indicators/{code}", axum::routing::patch(crate::api_setup::patch_indicator))
        .route("/plans/{id}/indicators", post(crate::api_setup::from_targets))
        .route("/indexes", post(crate::api_setup::define_index))
        .route("/completeness", get(completeness))
        .route("/layout", get(layout))
        .route("/taxonomy", get(crate::taxonomy_pages::api_tree))
        .route("/plans/{id}/taxonomy", get(crate::taxonomy_pages::api_plan).post(crate::taxonomy_pages::api_confirm))
        .route("/plans/{id}/taxonomy/withdraw", post(crate::taxonomy_pages::api_withdraw))
        .route("/plans/{id}/family", get(plan_family))
        .route("/plans/{id}/meta", post(crate::meta_pages::api_save))
        .route("/family", get(family_overview))
        .route("/review", get(crate::review_pages::api_review))
        .route("/review/marks", post(crate::review_pages::api_mark))
        .route("/compare", get(crate::review_pages::api_compare))
        .route("/observations/{id}/confirm", post(confirm_observation))
        .merge(crate::api_registry::router())
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .fallback(|method: Method, uri: axum::extract::OriginalUri| async move {
            Response::from(ApiError(AppError::NotFound(no_route(&method, uri.path()))))
        })
}

fn no_route(method: &Method, path: &str) -> String {
    format!("没有这个接口:{method} {path}。可用的接口及其参数见 /api/v1/openapi.json。")
}

impl From<ApiError> for Response {
    fn from(e: ApiError) -> Response {
        e.into_response()
    }
}

/// The zh-CN message for a request refused before its handler ran (by axum's body limit,
/// routing or an extractor), saying what to do. `detail` is axum's own English reason.
fn refusal(status: StatusCode, method: &Method, path: &str, allow: &str, detail: &str, max_upload: usize) -> String {
    let detail = detail.trim();
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "请求体超过上限 {max_upload} 字节({:.0} MB),未处理。请拆分文件后分别上传;如确需更大的上传,请管理员用 \
             --max-upload 调高上限后重启服务。",
            max_upload as f64 / 1048576.0
        ),
        StatusCode::NOT_FOUND => no_route(method, path),
        StatusCode::METHOD_NOT_ALLOWED => {
            let allowed = if allow.is_empty() { String::new() } else { format!("(可用:{allow})") };
            format!("接口 {path} 不支持 {method} 方法{allowed}。请按 /api/v1/openapi.json 使用正确的方法。")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => format!(
            "请求体的类型不受支持({detail})。JSON 接口请发送 Content-Type: application/json,上传文件的接口请发送文件的原始字节。"
        ),
        StatusCode::UNPROCESSABLE_ENTITY => {
            format!("请求体的字段不符合接口要求({detail})。请对照 /api/v1/openapi.json 检查字段名、类型和必填项。")
        }
        StatusCode::SERVICE_UNAVAILABLE => "系统繁忙,请稍后重试。".into(),
        s if s.is_server_error() => format!("服务器内部错误(HTTP {}),请稍后重试或联系管理员。", s.as_u16()),
        _ => format!("请求有误({detail})。请对照 /api/v1/openapi.json 检查参数。"),
    }
}

/// Keeps every error under `/api/v1` in the documented JSON shape: responses no API handler
/// made (axum's body limit, an unknown method, the read queue closing) are rewritten into
/// `{"error": {"status", "message"}}` with a zh-CN message, keeping their status and headers
/// (`Allow`, `Retry-After`).
pub(crate) async fn json_errors(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path != "/api/v1" && !path.starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let method = req.method().clone();
    let res = next.run(req).await;
    let status = res.status();
    // JSON, and the CSV of every problem a refused import asked for (`problems=csv`), are
    // answers of their own.
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/csv"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let plain = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    // axum's rejections say in plain text what failed; an HTML page says nothing useful here.
    let detail = match plain {
        true => {
            axum::body::to_bytes(body, 4096).await.map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
        }
        false => String::new(),
    };
    let allow = parts.headers.get(header::ALLOW).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let message = refusal(status, &method, &path, &allow, &detail, state.config.max_upload);
    let json =
        serde_json::to_vec(&ErrorBody { error: ErrorDetail { status: status.as_u16(), message } }).unwrap_or_default();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json))
}

/// An error of the API, as JSON.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    status: u16,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if let AppError::Internal(m) = &self.0 {
            eprintln!("planwatch serve: internal error: {m}");
        }
        let mut res =
            (status, Json(ErrorBody { error: ErrorDetail { status: status.as_u16(), message: self.0.to_string() } }))
                .into_response();
        // As on pages: a busy or unreachable store is worth another try shortly.
        if let AppError::Busy(_) = self.0 {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("2"));
        }
        res
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().map_err(|_| {
        ApiError(AppError::BadRequest(format!("规划编号应为数字,收到“{raw}”:请用 GET /api/v1/plans 列出的 id。")))
    })
}

/// A plan of the library.
#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    id: i64,
    title: String,
    doc_number: String,
    issuer: String,
    region: String,
    signed_date: String,
    published_date: String,
    period_start: Option<i32>,
    period_end: Option<i32>,
    n_targets: i64,
    n_tasks: i64,
    /// Items an analyst corrected, added or deleted.
    n_corrected: i64,
    /// Corrections whose item vanished in a newer version, awaiting review.
    n_unmatched: i64,
    n_versions: i64,
    updated_at: String,
}

impl From<planwatch_store::PlanSummary> for PlanDto {
    fn from(p: planwatch_store::PlanSummary) -> Self {
        PlanDto {
            id: p.id,
            title: p.title,
            doc_number: p.doc_number,
            issuer: p.issuer,
            region: p.region,
            signed_date: p.signed_date,
            published_date: p.published_date,
            period_start: p.period_start,
            period_end: p.period_end,
            n_targets: p.n_targets,
            n_tasks: p.n_tasks,
            n_corrected: p.n_corrected,
            n_unmatched: p.n_unmatched,
            n_versions: p.n_versions,
            updated_at: p.updated_at,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Sort order.
    #[serde(default)]
    #[param(pattern = "^(updated|title|issuer|region|signed|published|targets|tasks)?$")]
    sort: String,
    /// Items to return, 1 to 1000 (default 1000).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Items to skip (default 0).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 0)]
    offset: Option<String>,
}

/// The part of a list to answer: at most [`MAX_LIST`] items from `offset`; the response's
/// `X-Total-Count` header says how many there are in all.
struct Window {
    limit: usize,
    offset: usize,
}

/// The most items one response of a list holds.
pub const MAX_LIST: usize = 1000;

impl Window {
    fn parse(limit: &Option<String>, offset: &Option<String>) -> Result<Window, ApiError> {
        let number = |raw: &Option<String>, name: &str, default: usize| -> Result<usize, ApiError> {
            match raw.as_deref().map(str::trim) {
                None | Some("") => Ok(default),
                Some(t) => t
                    .parse()
                    .map_err(|_| ApiError(AppError::BadRequest(format!("{name} must be a whole number, got {t:?}")))),
            }
        };
        let limit = number(limit, "limit", MAX_LIST)?;
        if !(1..=MAX_LIST).contains(&limit) {
            return Err(ApiError(AppError::BadRequest(format!(
                "limit must be 1 to {MAX_LIST}, got {limit}: page through longer lists with offset"
            ))));
        }
        Ok(Window { limit, offset: number(offset, "offset", 0)? })
    }

    /// The window of `items` as a JSON array, with the total in `X-Total-Count`.
    fn answer<T, D: Serialize>(&self, items: Vec<T>, map: impl Fn(T) -> D) -> Result<Response, ApiError> {
        let total = items.len();
        let page: Vec<D> = items.into_iter().skip(self.offset).take(self.limit).map(map).collect();
        let mut res = Json(page).into_response();
        res.headers_mut().insert("x-total-count", axum::http::HeaderValue::from(total));
        Ok(res)
    }
}

pub(crate) type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// A query string that does not parse is a JSON 400 naming the parameter, like every error.
pub(crate) fn query<T>(q: QueryResult<T>) -> Result<T, ApiError> {
    q.map(|Query(t)| t).map_err(|e| {
        ApiError(AppError::BadRequest(format!(
            "查询参数有误({}):请对照 /api/v1/openapi.json 检查参数名和取值。",
            e.body_text()
        )))
    })
}

/// The plans, at most 1000 a response (`limit`, `offset`; the total in `X-Total-Count`).
#[utoipa::path(get, path = "/api/v1/plans", params(ListQuery),
    responses((status = 200, body = [PlanDto], headers(("x-total-count" = u64, description = "plans in all"))),
              (status = 400, body = ErrorBody)))]
async fn list_plans(State(state): State<Shared>, q: QueryResult<ListQuery>) -> Result<Response, ApiError> {
    let q = query(q)?;
    let window = Window::parse(&q.limit, &q.offset)?;
    let order = match q.sort.as_str() {
        "" => PlanOrder::default(),
        s => PlanOrder::parse(s).ok_or_else(|| {
            ApiError(AppError::BadRequest(format!(
                "未知的排序方式“{s}”:可用 updated、title、issuer、region、signed、published、targets 或 tasks。"
            )))
        })?,
    };
    let plans = db(&state, move |s| s.list_plans(order)).await?;
    window.answer(plans, PlanDto::from)
}

#[derive(Serialize, ToSchema)]
pub struct VersionDto {
    id: i64,
    seq: i64,
    sha256: String,
    file_name: String,
    size: i64,
    format: String,
    encoding: String,
    extractor: String,
    ingested_at: String,
    current: bool,
}

/// One plan: summary, versions and the effective (corrected) plan JSON v1.
#[derive(Serialize, ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    summary: PlanDto,
    versions: Vec<VersionDto>,
    /// The plan in plan JSON v1 (docs/plan-json-v1.md) with corrections applied.
    #[schema(value_type = Object)]
    plan: serde_json::Value,
    /// Per item kind, the provenance of each item: `machine`, `edited` or `added`.
    #[schema(value_type = Object)]
    items: serde_json::Value,
}

/// One plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}", params(("id" = i64, Path)), responses((status = 400, body = ErrorBody), (status = 200, body = PlanDetail), (status = 404, body = ErrorBody)))]
async fn get_plan(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<PlanDetail> {
    let id = parse_id(&id)?;
    let (view, versions) = db(&state, move |s| Ok((s.plan_view(id)?, s.versions(id)?))).await?;
    let to_value = |v| serde_json::to_value(v).map_err(|e| ApiError(AppError::Internal(e.to_string())));
    Ok(Json(PlanDetail {
        plan: to_value(&view.effective.plan)?,
        items: serde_json::to_value(&view.effective.refs).map_err(|e| ApiError(AppError::Internal(e.to_string())))?,
        summary: view.summary.into(),
        versions: versions
            .into_iter()
            .map(|v| VersionDto {
                id: v.id,
                seq: v.seq,
                sha256: v.sha256,
                file_name: v.file_name,
                size: v.size,
                format: v.format,
                encoding: v.encoding,
                extractor: v.extractor,
                ingested_at: v.ingested_at,
                current: v.current,
            })
            .collect(),
    }))
}

/// One entry of a plan's review queue (待核对).
#[derive(Serialize, ToSchema)]
pub struct ReviewDto {
    /// `target`, `task`, `industry` (an item the rules were unsure of), `sentence` (a sentence
    /// that looks like a commitment but gave no item) or `more` (how many were left out).
    kind: String,
    /// Why it is listed (zh-CN).
    reason: String,
    /// Index of the item in the machine plan's list of its kind.
    item: Option<usize>,
    text: String,
    /// Byte range of the sentence in the source text (see `/plans/{id}/source`).
    span: [usize; 2],
}

/// The review queue (待核对) of a plan: items the extraction rules were unsure of and sentences
/// that gave no item, each with its span in the source text.
#[utoipa::path(get, path = "/api/v1/plans/{id}/review", params(("id" = i64, Path)), responses((status = 400, body = ErrorBody), (status = 200, body = [ReviewDto]), (status = 404, body = ErrorBody)))]
async fn plan_review(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Vec<ReviewDto>> {
    let id = parse_id(&id)?;
    let view = db(&state, move |s| s.plan_view(id)).await?;
    Ok(Json(
        view.effective
            .plan
            .review
            .into_iter()
            .map(|r| ReviewDto { kind: r.kind, reason: r.reason, item: r.item, text: r.text, span: r.span })
            .collect(),
    ))
}

/// One mention of a target in the plan: every sentence and 专栏 table row that states a figure
/// is its own item (correctable by its key); the 目标台账 (`/ledger`) merges the mentions of
/// one indicator.
#[derive(Serialize, ToSchema)]
pub struct TargetDto {
    /// Stable key of the item (for corrections).
    key: String,
    section: String,
    indicator: String,
    value: f64,
    value_max: Option<f64>,
    unit: String,
    year: Option<i32>,
    baseline_value: Option<f64>,
    baseline_year: Option<i32>,
    qualifier: String,
    kind: String,
    scope: String,
    /// `预期性` or `约束性` (table rows that state it).
    attribute: Option<String>,
    /// What is added over the period (新增, 累计, 年均增长) rather than a level.
    increment: bool,
    /// A row of the plan's indicator table (专栏) rather than a sentence.
    table: bool,
    /// The source sentence.
    source: String,
    /// Byte range of the source sentence in the document's source text.
    span: [usize; 2],
    /// Link to the document view with the sentence highlighted.
    source_url: String,
    /// `已更正` or `人工新增` when an analyst changed it.
    correction: Option<String>,
}

/// Every target mention of a plan, in plan order (what corrections name by `key`).
#[utoipa::path(get, path = "/api/v1/plans/{id}/targets", params(("id" = i64, Path)), responses((status = 400, body = ErrorBody), (status = 200, body = [TargetDto]), (status = 404, body = ErrorBody)))]
async fn plan_targets(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Vec<TargetDto>> {
    let id = parse_id(&id)?;
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let vid = view.version.id;
    let eff = &view.effective;
    let out = eff
        .plan
        .targets
        .iter()
        .zip(&eff.refs.targets)
        .map(|(t, k)| TargetDto {
            key: k.key.clone(),
            source_url: source_href(id, vid, t.span),
            section: planwatch_store::section_of(&eff.plan, &t.path),
            indicator: t.indicator.clone(),
            value: t.value,
            value_max: t.value_max,
            unit: t.unit.clone(),
            year: t.year,
            baseline_value: t.baseline_value,
            baseline_year: t.baseline_year,
            qualifier: t.qualifier.clone(),
            kind: t.kind.clone(),
            scope: t.scope.clone(),
            attribute: t.attribute.clone(),
            increment: t.increment,
            table: t.table,
            source: t.text.clone(),
            span: t.span,
            correction: k.state.mark().map(str::to_string),
        })
        .collect();
    Ok(Json(out))
}

/// A figure of an indicator for another year than its row's.
#[derive(Serialize, ToSchema)]
pub struct MilestoneDto {
    year: Option<i32>,
    value: f64,
    value_max: Option<f64>,
    unit: String,
}

/// One mention of an indicator of the 目标台账.
#[derive(Serialize, ToSchema)]
pub struct MentionDto {
    /// Item key of the mention: corrections name it (`/plans/{id}/edit/target?key=…`).
    key: String,
    section: String,
    year: Option<i32>,
    value: f64,
    value_max: Option<f64>,
    unit: String,
    /// A row of the plan's indicator table (专栏).
    table: bool,
    source: String,
    span: [usize; 2],
    source_url: String,
    correction: Option<String>,
}

/// One indicator of the 目标台账: its mentions in the text, the 专栏 table and the tasks merged.
#[derive(Serialize, ToSchema)]
pub struct LedgerDto {
    indicator: String,
    value: f64,
    value_max: Option<f64>,
    unit: String,
    /// Deadline year; `null` when the plan states none (never guessed).
    year: Option<i32>,
    milestones: Vec<MilestoneDto>,
    /// Base-year value, from the 专栏 table when the indicator is in one.
    baseline_value: Option<f64>,
    baseline_year: Option<i32>,
    /// `预期性` or `约束性`, from the 专栏 table.
    attribute: Option<String>,
    /// What is added over the period (新增, 累计, 年均增长) rather than a level.
    increment: bool,
    qualifier: String,
    kind: String,
    scope: String,
    /// Section of the primary mention (the one whose figure the row shows).
    section: String,
    /// Every mention, in document order; the primary one first among equals.
    mentions: Vec<MentionDto>,
    /// Why the mentions need a look (待核对): other values for one year, or one value for
    /// other years. `null` when they agree.
    review: Option<String>,
    /// `已更正` or `人工新增` when an analyst changed one of its mentions.
    correction: Option<String>,
}

/// The 目标台账 of a plan: one row per indicator with every mention of it.
#[utoipa::path(get, path = "/api/v1/plans/{id}/ledger", params(("id" = i64, Path)), responses((status = 400, body = ErrorBody), (status = 200, body = [LedgerDto]), (status = 404, body = ErrorBody)))]
async fn plan_ledger(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Vec<LedgerDto>> {
    let id = parse_id(&id)?;
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let vid = view.version.id;
    let out = target_rows(&view.effective)
        .into_iter()
        .map(|r| LedgerDto {
            indicator: r.indicator,
            value: r.value,
            value_max: r.value_max,
            unit: r.unit,
            year: r.year,
            milestones: r
                .milestones
                .into_iter()
                .map(|m| MilestoneDto { year: m.year, value: m.value, value_max: m.value_max, unit: m.unit })
                .collect(),
            baseline_value: r.baseline_value,
            baseline_year: r.baseline_year,
            attribute: r.attribute,
            increment: r.increment,
            qualifier: r.qualifier,
            kind: r.kind,
            scope: r.scope,
            section: r.section,
            mentions: r
                .sources
                .into_iter()
                .map(|m| MentionDto {
                    source_url: source_href(id, vid, m.span),
                    key: m.key,
                    section: m.section,
                    year: m.year,
                    value: m.value,
                    value_max: m.value_max,
                    unit: m.unit,
                    table: m.table,
                    source: m.source,
                    span: m.span,
                    correction: m.correction,
                })
                .collect(),
            review: r.review,
            correction: r.correction,
        })
        .collect();
    Ok(Json(out))
}

/// A row of the 任务分工表.
#[derive(Serialize, ToSchema)]
pub struct TaskDto {
    key: String,
    section: String,
    task: String,
    /// 任务内容: what is to be done, the sentences of the task's passage as the document writes
    /// them (lines joined by `\n`, at most 2,000 characters).
    content: String,
    lead: Vec<String>,
    responsible: Vec<String>,
    /// 完成时限 as the document writes it (`2025年底前`, `持续推进`, `到2027年`); null when the
    /// document gives none.
    deadline: Option<String>,
    source: String,
    span: [usize; 2],
    source_url: String,
    correction: Option<String>,
}

/// The 任务分工表 of a plan.
#[utoipa::path(get, path = "/api/v1/plans/{id}/tasks", params(("id" = i64, Path)), responses((status = 400, body = ErrorBody), (status = 200, body = [TaskDto]), (status = 404, body = ErrorBody)))]
async fn plan_tasks(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Vec<TaskDto>> {
    let id = parse_id(&id)?;
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let vid = view.version.id;
    let out = task_rows(&view.effective)
        .into_iter()
        .zip(&view.effective.refs.tasks)
        .map(|(r, k)| TaskDto {
            key: k.key.clone(),
            source_url: source_href(id, vid, r.span),
            section: r.section,
            task: r.task,
            content: r.content,
            lead: r.lead,
            responsible: r.responsible,
            deadline: r.deadline,
            source: r.source,
            span: r.span,
            correction: r.correction,
        })
        .collect();
    Ok(Json(out))
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    plan_id: i64,
    version_id: i64,
    title: String,
    issuer: String,
    region: String,
    year: Option<i32>,
    score: f32,
    span: [usize; 2],
    snippet: String,
    /// Byte ranges of the matches in `snippet`.
    highlights: Vec<[usize; 2]>,
    /// `snippet` as escaped HTML with `<mark>` around matches.
    snippet_html: String,
    source_url: String,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    query: String,
    total: usize,
    hits: Vec<HitDto>,
}

/// Full-text search over every document (simplified and traditional Chinese alike).
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses((status = 200, body = SearchResponse), (status = 400, body = ErrorBody)))]
async fn search(State(state): State<Shared>, p: QueryResult<SearchParams>) -> ApiResult<SearchResponse> {
    let p = query(p)?;
    if p.q.trim().is_empty() {
        return Err(ApiError(AppError::BadRequest("查询词 q 为空:请至少给出一个词,例如 q=人工智能。".into())));
    }
    // The API returns hits and the total; facets would be computed for nothing.
    let q = planwatch_search::SearchQuery { facets: false, ..p.query()? };
    let query = q.q.clone();
    // A query of punctuation only has nothing to look for: it matches nothing.
    let r = match run_search(&state, q).await {
        Err(AppError::BadRequest(_)) => {
            return Ok(Json(SearchResponse { query, total: 0, hits: Vec::new() }));
        }
        other => other?,
    };
    Ok(Json(SearchResponse {
        query,
        total: r.total,
        hits: r
            .hits
            .into_iter()
            .map(|h| HitDto {
                source_url: source_href(h.plan_id, h.version_id, h.span),
                plan_id: h.plan_id,
                version_id: h.version_id,
                title: h.title,
                issuer: h.issuer,
                region: h.region,
                year: h.year,
                score: h.score,
                span: h.span,
                snippet: h.snippet,
                highlights: h.highlights,
                snippet_html: h.snippet_html,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct IngestResult {
    /// `new`, `new_version` or `unchanged`.
    outcome: String,
    plan_id: i64,
    url: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// File name, e.g. plan.docx or plan.pdf (directories are stripped; at most 255 characters).
    /// The format is recognised by content, not by this name.
    #[serde(default)]
    #[param(required = true, min_length = 1, max_length = 255, pattern = r"\S")]
    name: String,
}

/// Uploads one document (the raw file as the body): plain text, HTML, DOCX or a PDF with a text
/// layer. A scanned PDF (no text layer), a password-protected PDF and legacy .doc/.wps/OFD
/// files are refused with 415 and a message saying how to convert them. Needs the admin token.
#[utoipa::path(post, path = "/api/v1/documents", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = IngestResult), (status = 200, body = IngestResult, description = "the same bytes were stored before"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody, description = "not a readable document: a scanned or password-protected PDF, a legacy .doc/.wps/OFD file, an image…; the message says what to do")),
    security(("bearer" = [])))]
async fn upload_document(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: QueryResult<UploadQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let q = query(q)?;
    if q.name.trim().is_empty() {
        return Err(ApiError(AppError::BadRequest("请给出文件名:POST /api/v1/documents?name=plan.docx".into())));
    }
    let name = clean_name(&q.name);
    check_upload(&name, &body, state.config.max_upload)?;
    let bytes = body.to_vec();
    let outcome = db(&state, move |s| s.ingest_bytes(&actor, &name, bytes)).await?;
    let _ = crate::sync::sync_index(&state).await;
    let (label, status) = match outcome {
        IngestOutcome::New { .. } => ("new", axum::http::StatusCode::CREATED),
        IngestOutcome::NewVersion { .. } => ("new_version", axum::http::StatusCode::CREATED),
        IngestOutcome::Unchanged { .. } => ("unchanged", axum::http::StatusCode::OK),
    };
    let id = outcome.document_id();
    Ok((status, Json(IngestResult { outcome: label.into(), plan_id: id, url: format!("/plans/{id}") })).into_response())
}

impl From<planwatch_store::StoreError> for ApiError {
    fn from(e: planwatch_store::StoreError) -> Self {
        ApiError(e.into())
    }
}

// ---- monitoring ---------------------------------------------------------------------------

/// Progress of a plan's targets (see `planwatch progress --json`).
#[derive(Serialize, ToSchema)]
pub struct ProgressResponse {
    #[schema(value_type = Object)]
    progress: serde_json::Value,
}

/// A ranking: the live result and the published revisions (see `planwatch rank --json`).
#[derive(Serialize, ToSchema)]
pub struct RankingResponse {
    #[schema(value_type = Object)]
    ranking: serde_json::Value,
}

/// An accepted (or, with `dry_run`, checked) observation file.
#[derive(Serialize, ToSchema)]
pub struct ImportResponse {
    #[schema(value_type = Object)]
    import: serde_json::Value,
}

/// A refused observation file: nothing was stored. The first problems are listed, all are
/// counted; `problems=csv` on the same request answers all of them as CSV instead.
#[derive(Serialize, ToSchema)]
pub struct ImportRefusal {
    error: ErrorDetail,
    /// At most 200: row (1-based, header = 1), column, cell, reason, fix (403 and 409: row,
    /// indicator, place, period, reason).
    #[schema(value_type = Vec<Object>)]
    problems: serde_json::Value,
    /// How many problems there are in all.
    problem_count: usize,
    /// Problems counted but not in `problems`.
    unlisted_problems: usize,
    /// How to get every problem as CSV.
    problems_csv: String,
}

impl ImportRefusal {
    pub(crate) fn new<T: Serialize>(status: u16, message: String, shown: &[T], total: usize) -> Result<Self, ApiError> {
        Ok(ImportRefusal {
            error: ErrorDetail { status, message },
            problems: to_json(&shown)?,
            problem_count: total,
            unlisted_problems: total - shown.len(),
            problems_csv: if total == 0 {
                String::new()
            } else {
                format!(
                    "send the same request again with problems=csv (and dry_run=true) to receive all {total} problems \
                     as CSV"
                )
            },
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfParams {
    /// A period: `2025Q3`, `2025-03` or `2025` (default: the newest with data).
    #[serde(default)]
    as_of: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// A period: `2025Q3`, `2025-03` or `2025` (default: the newest with data).
    #[serde(default)]
    period: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The file's name, kept with every value it brings (at most 255 characters).
    #[serde(default)]
    #[param(required = true, min_length = 1, max_length = 255, pattern = r"\S")]
    name: String,
    /// `true`: check only, store nothing.
    #[serde(default)]
    dry_run: bool,
    /// `csv`: when the file is refused, answer every problem as CSV (same status) instead
    /// of the JSON that lists the first 200.
    #[serde(default)]
    #[param(pattern = "^(csv)?$")]
    problems: String,
}

fn api_period(raw: &str, field: &str) -> Result<Option<planwatch_monitor::Period>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    planwatch_monitor::Period::parse(raw)
        .map(Some)
        .map_err(|e| ApiError(AppError::BadRequest(format!("期别 {field}:{e}"))))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError(AppError::Internal(e.to_string())))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}/progress", params(("id" = i64, Path), AsOfParams),
    responses((status = 200, body = ProgressResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn plan_progress(
    State(state): State<Shared>,
    Path(id): Path<String>,
    q: QueryResult<AsOfParams>,
) -> ApiResult<ProgressResponse> {
    let id = parse_id(&id)?;
    let as_of = api_period(&query(q)?.as_of, "as_of")?;
    let p = db(&state, move |s| planwatch_app::monitoring::plan_progress(s, id, as_of, &Default::default())).await?;
    Ok(Json(ProgressResponse { progress: to_json(&p)? }))
}

#[utoipa::path(get, path = "/api/v1/rankings/{index}", params(("index" = String, Path), PeriodParams),
    responses((status = 200, body = RankingResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn ranking(
    State(state): State<Shared>,
    Path(index): Path<String>,
    q: QueryResult<PeriodParams>,
) -> ApiResult<RankingResponse> {
    let period = api_period(&query(q)?.period, "period")?;
    let r = db(&state, move |s| planwatch_app::monitoring::ranking(s, &index, period)).await?;
    Ok(Json(RankingResponse { ranking: to_json(&r)? }))
}

#[utoipa::path(post, path = "/api/v1/observations", params(ImportParams),
    request_body(content = Vec<u8>, description = "An observation sheet: XLSX or CSV (指标代码, 地区, 期别, 数值[, 单位, 备注])", content_type = "application/octet-stream"),
    responses((status = 200, body = ImportResponse), (status = 422, body = ImportRefusal),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 409, body = ImportRefusal), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = [])))]
async fn import_observations(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: QueryResult<ImportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let q = query(q)?;
    if q.name.trim().is_empty() {
        return Err(ApiError(AppError::BadRequest("请给出文件名:POST /api/v1/observations?name=sheet.xlsx".into())));
    }
    let want_csv = wants_all_problems_as_csv(&q.problems)?;
    let name = clean_name(&q.name);
    let file_name = name.clone();
    let opts = planwatch_store::monitor::ImportOptions { dry_run: q.dry_run, synthetic: false, computed: false };
    let store = state.store.clone();
    let bytes = body.to_vec();
    let outcome = tokio::task::spawn_blocking(move || store.import_observations(&name, &bytes, &opts, &actor))
        .await
        .map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    use planwatch_store::monitor::ImportError;
    let e = match outcome {
        Ok(r) => return Ok(Json(ImportResponse { import: to_json(&r)? }).into_response()),
        Err(e) => e,
    };
    let message = e.to_string();
    let refused = RefusedImport { file_name: &file_name, want_csv, headers: &headers };
    match e {
        ImportError::Refused { validation, .. } => {
            refused.answer(StatusCode::UNPROCESSABLE_ENTITY, message, validation.problems.into_parts())
        }
        ImportError::File { .. } => {
            refused.answer::<()>(StatusCode::UNPROCESSABLE_ENTITY, message, (vec![], 0, vec![]))
        }
        ImportError::Forbidden { rows, .. } => refused.answer(StatusCode::FORBIDDEN, message, rows.into_parts()),
        ImportError::Locked { rows, .. } => refused.answer(StatusCode::CONFLICT, message, rows.into_parts()),
        ImportError::Store(e) => Err(e.into()),
    }
}

/// `problems=csv` on an import request: a refusal answers every problem as CSV.
pub(crate) fn wants_all_problems_as_csv(problems: &str) -> Result<bool, ApiError> {
    match problems.trim() {
        "" => Ok(false),
        "csv" => Ok(true),
        other => Err(ApiError(AppError::BadRequest(format!(
            "problems={other:?}:只可为 problems=csv(以 CSV 返回被拒文件的全部问题)"
        )))),
    }
}

/// How a refused import (observations or registry entries — one shape for both) is answered:
/// the JSON refusal with the first problems, or with `problems=csv` every problem as CSV.
pub(crate) struct RefusedImport<'a> {
    pub file_name: &'a str,
    pub want_csv: bool,
    pub headers: &'a HeaderMap,
}

impl RefusedImport<'_> {
    /// `message` is the store error's own sentence (zh-CN, naming the file and the count);
    /// `parts` the listed problems, their total and all of them as gzip CSV.
    pub(crate) fn answer<T: Serialize>(
        &self,
        status: StatusCode,
        message: String,
        (shown, total, gz): (Vec<T>, usize, Vec<u8>),
    ) -> Result<Response, ApiError> {
        if self.want_csv && !gz.is_empty() {
            let name = crate::problems::csv_name(self.file_name);
            return Ok(crate::problems::csv_response(status, &name, gz.into(), self.headers));
        }
        let message =
            if shown.len() < total { format!("{message}(前 {} 处见 problems)", shown.len()) } else { message };
        Ok((status, Json(ImportRefusal::new(status.as_u16(), message, &shown, total)?)).into_response())
    }
}

pub(crate) type JsonResult<T> = Result<Json<T>, axum::extract::rejection::JsonRejection>;

/// A JSON body that is refused (not JSON: 415; too large: 413; broken or of the wrong shape:
/// 400) is a JSON error with a zh-CN message, like every error.
pub(crate) fn body<T>(b: JsonResult<T>, path: &str, max_upload: usize) -> Result<T, ApiError> {
    b.map(|Json(t)| t).map_err(|e| {
        let status = e.status();
        if status == StatusCode::BAD_REQUEST {
            return ApiError(AppError::BadRequest(format!(
                "请求体不是有效的 JSON({}):请检查引号、逗号和括号。",
                e.body_text()
            )));
        }
        let message = refusal(status, &Method::POST, path, "POST", &e.body_text(), max_upload);
        // JSON of the wrong shape stays a 400 (as documented), not axum's 422.
        ApiError(match status {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge(message),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::Unsupported(message),
            _ => AppError::BadRequest(message),
        })
    })
}

/// A progress report on one task for one period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskReportRequest {
    /// e.g. 2026Q3.
    period: String,
    /// not_started, in_progress, done or lagging (or 未启动/推进中/已完成/滞后).
    status: String,
    /// At most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

/// Reports on task `n` (1-based, as numbered on the plan page) of plan `id`. A department
/// editor may report only on tasks its department leads or shares (403 otherwise).
#[utoipa::path(post, path = "/api/v1/plans/{id}/tasks/{n}/progress", request_body = TaskReportRequest,
    params(("id" = i64, Path), ("n" = usize, Path)),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
async fn report_task(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((id, n)): Path<(String, String)>,
    b: JsonResult<TaskReportRequest>,
) -> Result<Response, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id = parse_id(&id)?;
    let n: usize = n.parse().map_err(|_| {
        ApiError(AppError::BadRequest(format!("任务序号应为 1、2、……(与规划页的编号相同),收到“{n}”。")))
    })?;
    let r = body(b, &format!("/api/v1/plans/{id}/tasks/{n}/progress"), state.config.max_upload)?;
    let period = planwatch_monitor::Period::parse(&r.period)
        .map_err(|e| ApiError(AppError::BadRequest(format!("期别 period:{e}"))))?;
    let status: planwatch_store::monitor::TaskStatus =
        r.status.parse().map_err(|e: String| ApiError(AppError::BadRequest(format!("状态 status:{e}"))))?;
    db(&state, move |s| s.report_task_number(&actor, id, n, period, status, &r.note, "API")).await?;
    Ok(axum::http::StatusCode::NO_CONTENT.into_response())
}

/// A step of the approval of one unit's figures for one period.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRequest {
    /// The city or province, e.g. 合肥市.
    region: String,
    /// The unit, e.g. 蜀山区.
    place: String,
    period: String,
    /// submit (the unit's district editor), approve, return or unapprove (analyst).
    step: String,
    /// Required for return and unapprove; at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    comment: String,
    /// Submitting or approving a cell that holds values flagged 待核实 (which count nowhere
    /// until an analyst confirms them or the unit corrects them) is refused with 409 unless
    /// this is true.
    #[serde(default)]
    acknowledge_flagged: bool,
}

/// One unit's figures for one period and where they stand.
#[derive(Serialize, ToSchema)]
pub struct ApprovalDto {
    region: String,
    place: String,
    period: String,
    /// draft, submitted, approved or returned.
    state: String,
    state_label: String,
    submitted_by: String,
    submitted_at: String,
    reviewed_by: String,
    reviewed_at: String,
    comment: String,
    values: i64,
}

impl From<planwatch_store::Approval> for ApprovalDto {
    fn from(a: planwatch_store::Approval) -> Self {
        ApprovalDto {
            state: a.state.as_str().into(),
            state_label: a.state.label().into(),
            region: a.region,
            place: a.place,
            period: a.period,
            submitted_by: a.submitted_by,
            submitted_at: a.submitted_at,
            reviewed_by: a.reviewed_by,
            reviewed_at: a.reviewed_at,
            comment: a.comment,
            values: a.values,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/approvals", request_body = ApprovalRequest,
    responses((status = 200, body = ApprovalDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)),
    security(("bearer" = [])))]
async fn approval_step(
    State(state): State<Shared>,
    headers: HeaderMap,
    b: JsonResult<ApprovalRequest>,
) -> Result<Json<ApprovalDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let r = body(b, "/api/v1/approvals", state.config.max_upload)?;
    let period = planwatch_monitor::Period::parse(&r.period)
        .map_err(|e| ApiError(AppError::BadRequest(format!("期别 period:{e}"))))?;
    let step: planwatch_store::ApprovalStep =
        r.step.parse().map_err(|e: String| ApiError(AppError::BadRequest(format!("步骤 step:{e}"))))?;
    let a = db(&state, move |s| {
        s.approval_step_with(&actor, &r.region, &r.place, period, step, &r.comment, r.acknowledge_flagged)
    })
    .await?;
    Ok(Json(a.into()))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApprovalQuery {
    /// The city or province, e.g. 合肥市.
    region: String,
    #[serde(default)]
    period: String,
    /// Items to return, 1 to 1000 (default 1000).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
    /// Items to skip (default 0).
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 0)]
    offset: Option<String>,
}

/// Units and periods of a region with their approval state, newest period first; at most
/// 1000 a response (`limit`, `offset`; the total in `X-Total-Count`).
#[utoipa::path(get, path = "/api/v1/approvals", params(ApprovalQuery),
    responses((status = 200, body = [ApprovalDto], headers(("x-total-count" = u64, description = "cells in all"))),
              (status = 400, body = ErrorBody)))]
async fn list_approvals(State(state): State<Shared>, q: QueryResult<ApprovalQuery>) -> Result<Response, ApiError> {
    let q = query(q)?;
    let window = Window::parse(&q.limit, &q.offset)?;
    let period = api_period(&q.period, "period")?;
    let region = q.region.clone();
    let list = db(&state, move |s| s.approvals(&region, None, period)).await?;
    window.answer(list, ApprovalDto::from)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CompletenessQuery {
    /// The city or province, e.g. 合肥市.
    region: String,
    /// The period, e.g. 2026Q3 (default: the last complete quarter).
    #[serde(default)]
    period: String,
}

/// The reporting calendar of a region for one period: the deadline (`rule`, `deadline`,
/// `past_deadline`) and every unit's step — `not_started`, `imported`, `submitted`,
/// `approved` or `overdue` — with its counts (`values` of `expected`) and the UTC times of
/// each step (`imported_at`, `submitted_at`, `reviewed_at`). Dates are reckoned in Beijing.
#[utoipa::path(get, path = "/api/v1/completeness", params(CompletenessQuery),
    responses((status = 200, description = "the region's units and where each stands"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn completeness(State(state): State<Shared>, q: QueryResult<CompletenessQuery>) -> Result<Response, ApiError> {
    let q = query(q)?;
    let period = match api_period(&q.period, "period")? {
        Some(p) => p,
        None => {
            let (y, m) = planwatch_app::monitoring::today();
            planwatch_monitor::Period::last_complete_quarter(y, m)
        }
    };
    let region: String = q.region.trim().chars().take(64).collect();
    let known = db(&state, |s| s.monitored_regions()).await?.iter().any(|(r, _)| *r == region);
    if !known {
        return Err(ApiError(AppError::NotFound(format!("地区“{region}”没有监测指标。"))));
    }
    let today = crate::zh::today_beijing();
    let c = db(&state, move |s| s.completeness(&region, period, today)).await?;
    Ok(Json(c).into_response())
}

/// The layout map of a region (布局地图): every district and county with the industry the
/// plans lay out there most (`focus`, its map `colour`), its mappings per industry
/// (`industries`, `mappings`), registry `counts` and `href` (its page); the legend
/// (`industries`: name, colour, districts led, mappings); the plans read (the region's and
/// those above it); where the boundaries come from (`boundary_origin`: builtin, data_dir, or
/// null when the region has none). With `place`, also `district`: that district with its
/// plan sentences (`mappings`: industry, sentence, plan, `href` to the highlighted source).
#[utoipa::path(get, path = "/api/v1/layout", params(crate::layout_pages::LayoutQuery),
    responses((status = 200, description = "the region's layout map: `view`, and `district` when `place` is given"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn layout(
    State(state): State<Shared>,
    headers: axum::http::HeaderMap,
    q: QueryResult<crate::layout_pages::LayoutQuery>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let (asked, place) = crate::layout_pages::check_query(&q)?;
    let Some(region) = crate::layout_pages::pick_region(&state, &headers, &asked).await? else {
        return Err(ApiError(AppError::BadRequest(
            "region:请指明地区(城市或直辖市全称,如 合肥市);规划库中有多个地区。".into(),
        )));
    };
    let (view, district) = db(&state, move |s| {
        let counts = crate::layout_pages::registry_counts(s, &region);
        let view = planwatch_app::layout::layout(s, &region, &counts)?;
        let district =
            if place.is_empty() { None } else { Some(planwatch_app::layout::district(s, &region, &place, &counts)?) };
        Ok((view, district))
    })
    .await?;
    Ok(Json(serde_json::json!({ "view": view, "district": district })).into_response())
}

/// A plan's family (规划体系): `plan` (with its `level`: national, province, city, district,
/// unknown), `parents` (references it cites as its basis — 根据/依据/按照/贯彻/落实 — resolved
/// to stored plans, each with `resolved.score` and `resolved.how`: exact, core — the same
/// title without bracketed notes — or similar, a character-bigram similarity of at least
/// 0.8), `mentioned` (resolved mentions: 衔接, 对接, 《…》提出 …), `children` (stored plans
/// citing it), `unresolved` (cited titles no stored plan carries; upload the plan and they
/// resolve), `draft`, and `master` (the proposed master plan, by the rule in `master_rule`).
/// Every reference has its `sentence` and `sentence_href` (the highlighted source).
#[utoipa::path(get, path = "/api/v1/plans/{id}/family", params(("id" = i64, Path)),
    responses((status = 200, description = "the plan's family: plan, parents, mentioned, children, unresolved, draft, master, master_rule"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn plan_family(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let f = db(&state, move |s| planwatch_app::family::family(s, id)).await?;
    Ok(Json(f).into_response())
}

/// The workspace's plan family: `levels` (the plans of each level with the stored plans
/// they cite as their basis, how many plans cite them and how many of their references are
/// unresolved) and one `page` of the unresolved titles across the workspace (`unresolved`:
/// title, kind — plan or law —, `n_plans` citing it, the first 10 `citers` with their
/// sentence links; 50 titles a page, `pages` in all, most cited first).
#[utoipa::path(get, path = "/api/v1/family", params(crate::family_pages::FamilyQuery),
    responses((status = 200, description = "levels, unresolved, unresolved_total, page, pages, truncated"),
              (status = 400, body = ErrorBody)))]
async fn family_overview(
    State(state): State<Shared>,
    q: QueryResult<crate::family_pages::FamilyQuery>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let page = crate::family_pages::check_page(&q)?;
    let o = db(&state, move |s| planwatch_app::family::overview(s, page)).await?;
    Ok(Json(o).into_response())
}

/// An indicator's roll-up rule: how its district values make the region's value.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollupRequest {
    /// sum, weighted_mean, mean, max, min, none (city-reported only) or latest (or 求和,
    /// 加权平均, 平均, 最大值, 最小值, 仅市级填报, 最新).
    #[schema(max_length = 32)]
    rule: String,
    /// The weight indicator's code, for weighted_mean only (population, GDP, or the ratio's
    /// denominator, of the same region).
    #[serde(default)]
    #[schema(max_length = 64)]
    weight: Option<String>,
}

/// An indicator's roll-up rule as stored.
#[derive(Serialize, ToSchema)]
pub struct RollupDto {
    code: String,
    name: String,
    region: String,
    rule: String,
    rule_label: String,
    weight: Option<String>,
}

/// A value flagged 待核实 after an analyst confirmed it.
#[derive(Serialize, ToSchema)]
pub struct ConfirmedDto {
    /// The observation's id.
    id: i64,
    code: String,
    place: String,
    period: String,
    value: f64,
    /// Why it had been flagged (kept in the audit log).
    reason: String,
}

/// Confirms a value flagged 待核实 (analysts and admins): it counts again in roll-ups,
/// progress, rankings, maps and reports. Audited `observation.confirm`. The ids of flagged
/// values are on the approvals page and in `planwatch observations flagged`.
#[utoipa::path(post, path = "/api/v1/observations/{id}/confirm", params(("id" = i64, Path)),
    responses((status = 200, body = ConfirmedDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn confirm_observation(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ConfirmedDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id: i64 = id.trim().parse().map_err(|_| {
        ApiError(AppError::BadRequest(format!("数值编号应为整数,收到“{}”", id.chars().take(40).collect::<String>())))
    })?;
    let f = db(&state, move |s| s.confirm_observation(&actor, id)).await?;
    Ok(Json(ConfirmedDto {
        id: f.id,
        code: f.code,
        place: f.place,
        period: f.period,
        value: f.value,
        reason: f.reason,
    }))
}

/// Sets the roll-up rule of indicator `code` (analysts and admins). A ratio or per-capita
/// indicator cannot be summed; a weighted mean needs a weight indicator of the same region.
#[utoipa::path(post, path = "/api/v1/indicators/{code}/rollup", request_body = RollupRequest,
    params(("code" = String, Path)),
    responses((status = 200, body = RollupDto), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_rollup(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(code): Path<String>,
    b: JsonResult<RollupRequest>,
) -> Result<Json<RollupDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let r = body(b, "/api/v1/indicators/{code}/rollup", state.config.max_upload)?;
    let rule = crate::monitor_pages::parse_rollup(&r.rule)?;
    let ind = db(&state, move |s| s.set_indicator_rollup(&actor, &code, rule, r.weight.as_deref())).await?;
    Ok(Json(RollupDto {
        rule: ind.rollup.as_str().into(),
        rule_label: ind.rollup.label().into(),
        code: ind.code,
        name: ind.name,
        region: ind.region,
        weight: ind.rollup_weight,
    }))
}

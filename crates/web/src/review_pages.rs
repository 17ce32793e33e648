//! Conformity review and region comparison on the web (issue 18 items 3–4): `/review?draft=&master=`
//! (findings with severity, stable id, message and the sentences of both sides, each linking to
//! its highlighted span; a form choosing the plans when they are not given), `/review.docx`
//! (the 审查意见 to send), `/compare?plans=` (taxonomy × region matrix, overlaps, gaps,
//! comparable targets), and the JSON of both under `/api/v1`. Everything shown is computed by
//! `planwatch_app::review`; these pages only read.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Form, Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use planwatch_app::review::{self as app, CompareView, MarkChoice, ReviewView, MAX_COMPARE_PLANS};
use planwatch_store::{PlanOrder, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ErrorBody};
use crate::pages::{download, parse_id, render};
use crate::{auth, db, AppError, Shared};

/// Longest `plans` list accepted (characters).
const MAX_PLANS_CHARS: usize = 8 * MAX_COMPARE_PLANS;

#[derive(Deserialize, Default)]
pub struct ReviewQuery {
    #[serde(default)]
    draft: String,
    #[serde(default)]
    master: String,
}

/// The `plans` of a query: a comma list (`plans=1,2,3`) and/or repeated fields (the form's
/// checkboxes), joined.
fn plans_param(raw: Option<&str>) -> String {
    let Some(raw) = raw else { return String::new() };
    let mut out = Vec::new();
    for pair in raw.split('&').take(MAX_COMPARE_PLANS + 10) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == "plans" {
            let v = v.replace('+', " ");
            out.push(percent_encoding::percent_decode_str(&v).decode_utf8_lossy().into_owned());
        }
    }
    out.join(",")
}

/// (id, title, region) of every plan, for the forms.
type Choices = Vec<(i64, String, String)>;

async fn choices(state: &Shared) -> Result<Choices, AppError> {
    let plans = db(state, |s| s.list_plans(PlanOrder::Title)).await?;
    Ok(plans.into_iter().map(|p| (p.id, p.title, p.region)).collect())
}

fn ids(q: &ReviewQuery) -> Result<Option<(i64, i64)>, AppError> {
    let (d, m) = (q.draft.trim(), q.master.trim());
    if d.is_empty() || m.is_empty() {
        return Ok(None);
    }
    if d.len() > 20 || m.len() > 20 {
        return Err(AppError::BadRequest("规划编号过长:请从列表中选择规划。".into()));
    }
    Ok(Some((parse_id(d)?, parse_id(m)?)))
}

fn plan_ids(raw: &str) -> Result<Vec<i64>, AppError> {
    if raw.len() > MAX_PLANS_CHARS {
        return Err(AppError::BadRequest(format!("plans 过长:一次最多比较 {MAX_COMPARE_PLANS} 份规划。")));
    }
    raw.split([',', ',']).map(str::trim).filter(|s| !s.is_empty()).map(parse_id).collect()
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    nav: &'static str,
    plans: Choices,
    draft: i64,
    master: i64,
    view: Option<ReviewView>,
    can_mark: bool,
    csrf: String,
    /// Why the master plan was proposed (the plan family's rule), when it was not chosen.
    proposed: String,
}

impl ReviewPage {
    fn mark_label(&self, f: &planwatch_app::review::FindingView) -> String {
        match &f.mark {
            Some(k) if k.note.is_empty() => format!("{}({})", k.state.label(), k.author),
            Some(k) => format!("{}:{}({})", k.state.label(), k.note, k.author),
            None => String::new(),
        }
    }

    fn severity_key(&self, label: &str) -> &'static str {
        match label {
            "冲突" => "high",
            "不一致" => "medium",
            _ => "low",
        }
    }
}

pub async fn review(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, AppError> {
    let plans = choices(&state).await?;
    let caller = auth::caller(&state, &headers).await;
    let can_mark = caller.as_ref().is_some_and(|c| matches!(c.actor.role, Role::Admin | Role::Analyst));
    let csrf = caller.map(|c| c.csrf).unwrap_or_default();
    // A draft without a master: the plan family's proposed master plan, if it has one.
    let mut proposed = String::new();
    let mut q = q;
    if !q.draft.trim().is_empty() && q.draft.len() <= 20 && q.master.trim().is_empty() {
        let d = parse_id(q.draft.trim())?;
        let family = db(&state, move |s| planwatch_app::family::family(s, d)).await?;
        if let Some(m) = family.master {
            q.master = m.plan.id.to_string();
            proposed = format!("上位规划按规划体系推定为《{}》:{}", m.plan.title, m.reason);
        }
    }
    let Some((d, m)) = ids(&q)? else {
        let draft = q.draft.trim().parse().unwrap_or(0);
        let page = ReviewPage { nav: "industries", plans, draft, master: 0, view: None, can_mark, csrf, proposed };
        return Ok(render(&page).into_response());
    };
    let view = db(&state, move |s| app::review(s, d, m)).await?;
    let page = ReviewPage { nav: "industries", plans, draft: d, master: m, view: Some(view), can_mark, csrf, proposed };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct MarkForm {
    csrf: String,
    draft: String,
    master: String,
    finding: String,
    /// `accepted`, `explained` or `open`.
    state: String,
    #[serde(default)]
    note: String,
}

/// Marks a finding accepted or explained, or opens it again (`open` clears the mark; analysts
/// and admins: the store decides; a finding marked must be in the review as it stands).
pub async fn mark(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<MarkForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let Some((d, m)) = ids(&ReviewQuery { draft: f.draft, master: f.master })? else {
        return Err(AppError::BadRequest("请给出草案和上位规划。".into()));
    };
    let choice = MarkChoice::parse(&f.state)?;
    let finding = f.finding.trim().to_string();
    if finding.chars().count() > 40 {
        return Err(AppError::BadRequest("审查意见编号过长:请从审查结果中选择。".into()));
    }
    let anchor = finding.clone();
    db(&state, move |s| app::set_mark(s, &actor, d, m, &finding, choice, &f.note)).await?;
    let anchor: String = anchor.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    Ok(Redirect::to(&format!("/review?draft={d}&master={m}#{anchor}")).into_response())
}

/// A reviewer's mark on one finding (API).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    /// The draft's plan id.
    draft: i64,
    /// The master plan's id.
    master: i64,
    /// The finding's stable id, as `GET /api/v1/review` lists it (e.g. tg-0123456789ab).
    #[schema(max_length = 40)]
    finding: String,
    /// accepted (已采纳), explained (已说明, `note` required) or open (未处理: the mark is cleared).
    state: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
}

/// A mark as stored (API).
#[derive(Serialize, ToSchema)]
pub struct MarkDto {
    /// accepted or explained.
    state: String,
    note: String,
    author: String,
    updated_at: String,
}

impl MarkDto {
    fn of(k: &planwatch_store::ReviewMark) -> MarkDto {
        MarkDto {
            state: k.state.as_str().to_string(),
            note: k.note.clone(),
            author: k.author.clone(),
            updated_at: k.updated_at.clone(),
        }
    }
}

/// What a mark request did (API).
#[derive(Serialize, ToSchema)]
pub struct MarkResponse {
    draft: i64,
    master: i64,
    finding: String,
    /// accepted, explained or open.
    state: String,
    /// The mark now (null when open).
    mark: Option<MarkDto>,
    /// The mark before (null when it was open).
    previous: Option<MarkDto>,
}

/// Marks a finding of the review of plan `draft` against plan `master` accepted or explained,
/// or opens it again (`open` clears the mark; a stale mark, whose finding left the review, can be
/// cleared too). Analysts and admins; audited (`review.mark`, `review.unmark`). An unknown
/// finding id is a 404 naming the id and where the ids are listed.
#[utoipa::path(post, path = "/api/v1/review/marks", request_body = MarkRequest,
    responses((status = 200, body = MarkResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_mark(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<MarkResponse>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let r: MarkRequest = crate::api_setup::json_body_required(&body)?;
    let choice = MarkChoice::parse(&r.state).map_err(AppError::from)?;
    let (d, m) = (r.draft, r.master);
    let out = db(&state, move |s| app::set_mark(s, &actor, d, m, &r.finding, choice, &r.note)).await?;
    Ok(Json(MarkResponse {
        draft: out.draft_id,
        master: out.master_id,
        finding: out.finding_id,
        state: out.state.as_str().to_string(),
        mark: out.mark.as_ref().map(MarkDto::of),
        previous: out.previous.as_ref().map(MarkDto::of),
    }))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The findings (with marks) as XLSX.
pub async fn review_xlsx(State(state): State<Shared>, Query(q): Query<ReviewQuery>) -> Result<Response, AppError> {
    let Some((d, m)) = ids(&q)? else {
        return Err(AppError::BadRequest("请给出草案和上位规划:/review.xlsx?draft=编号&master=编号。".into()));
    };
    let view = db(&state, move |s| app::review(s, d, m)).await?;
    let bytes = planwatch_export::grid_xlsx(&app::review_view_grid(&view))
        .map_err(|e| AppError::Internal(format!("审查结果表生成失败:{e}")))?;
    Ok(download(&format!("审查结果_{}.xlsx", view.draft_title.chars().take(40).collect::<String>()), XLSX, bytes))
}

/// The comparison as XLSX: the matrix and the comparable targets.
pub async fn compare_xlsx(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let ids = plan_ids(&plans_param(raw.as_deref()))?;
    let view = db(&state, move |s| app::compare(s, &ids)).await?;
    let bytes =
        app::compare_xlsx(&view.comparison).map_err(|e| AppError::Internal(format!("地区比较表生成失败:{e}")))?;
    Ok(download("地区比较.xlsx", XLSX, bytes))
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The 审查意见 as DOCX (author planwatch: a sent document names no login).
pub async fn review_docx(State(state): State<Shared>, Query(q): Query<ReviewQuery>) -> Result<Response, AppError> {
    let Some((d, m)) = ids(&q)? else {
        return Err(AppError::BadRequest("请给出草案和上位规划:/review.docx?draft=编号&master=编号。".into()));
    };
    let view = db(&state, move |s| app::review(s, d, m)).await?;
    let title = view.draft_title.clone();
    let bytes = tokio::task::spawn_blocking(move || planwatch_report::opinion_docx(&app::opinion(&view, "planwatch")))
        .await
        .map_err(|e| AppError::Internal(format!("worker failed: {e}")))?
        .map_err(|e| AppError::Internal(format!("审查意见生成失败:{e}")))?;
    Ok(download(&format!("审查意见_{}.docx", title.chars().take(40).collect::<String>()), DOCX, bytes))
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    nav: &'static str,
    plans: Choices,
    selected: Vec<i64>,
    view: Option<CompareView>,
    heatmap: String,
}

impl ComparePage {
    fn chosen(&self, id: &i64) -> bool {
        self.selected.contains(id)
    }
    fn href(&self, plan: &usize, span: &[usize; 2]) -> String {
        self.view.as_ref().map(|v| v.href(*plan, *span)).unwrap_or_default()
    }
}

pub async fn compare(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let plans = choices(&state).await?;
    let selected = plan_ids(&plans_param(raw.as_deref()))?;
    if selected.is_empty() {
        let page = ComparePage { nav: "industries", plans, selected, view: None, heatmap: String::new() };
        return Ok(render(&page).into_response());
    }
    let ids = selected.clone();
    let view = db(&state, move |s| app::compare(s, &ids)).await?;
    let heatmap = app::heatmap_svg(&view.comparison);
    Ok(render(&ComparePage { nav: "industries", plans, selected, view: Some(view), heatmap }).into_response())
}

/// Conformity review of stored plan `draft` against stored plan `master`: `findings`, each with
/// `id` (stable), `kind`, `severity` (high, medium, low) and `severity_label` (冲突, 不一致,
/// 提示), `group`, `message`, the cited items of both sides (`draft`, `master`: `item`,
/// `sentence`, `span`) and their links (`draft_links`, `master_links`).
#[utoipa::path(get, path = "/api/v1/review", params(("draft" = i64, Query), ("master" = i64, Query)),
    responses((status = 200, description = "the review"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_review(State(state): State<Shared>, Query(q): Query<ReviewQuery>) -> Result<Response, ApiError> {
    let Some((d, m)) = ids(&q)? else {
        return Err(ApiError(AppError::BadRequest("请给出 draft 和 master 两个规划编号。".into())));
    };
    let view = db(&state, move |s| app::review(s, d, m)).await?;
    Ok(Json(view).into_response())
}

/// Comparison of stored plans across regions (`plans=1,2,3`, 2 to 500): `regions`, `matrix`
/// (taxonomy node × region cells of items with spans), `overlaps`, `gaps`, `targets` side by
/// side in base units, `unmapped`.
#[utoipa::path(get, path = "/api/v1/compare", params(("plans" = String, Query)),
    responses((status = 200, description = "the comparison"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_compare(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let ids = plan_ids(&plans_param(raw.as_deref()))?;
    let view = db(&state, move |s| app::compare(s, &ids)).await?;
    Ok(Json(view).into_response())
}

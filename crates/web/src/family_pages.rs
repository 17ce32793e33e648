//! The plan family (规划体系): the overview `/family` and the section of the plan page. HTTP
//! only; the family is computed by `planwatch_app::family`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use planwatch_app::family::{self, LevelGroup, UnresolvedTitle, SIMILARITY_THRESHOLD};
use serde::Deserialize;

use crate::api::{query, QueryResult};
use crate::pager::Pager;
use crate::pages::render;
use crate::{db, AppError, Shared};

/// Most plans listed per level on the overview (the rest are counted).
pub const LEVEL_CAP: usize = 500;
/// Highest page number accepted.
const MAX_PAGE: usize = 100_000;

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct FamilyQuery {
    /// Page of the unresolved titles (from 1; 50 titles a page).
    #[serde(default)]
    pub page: Option<usize>,
}

/// The page asked for, checked.
pub fn check_page(q: &FamilyQuery) -> Result<usize, AppError> {
    match q.page {
        Some(p) if p == 0 || p > MAX_PAGE => {
            Err(AppError::BadRequest(format!("page(页码):应为 1 至 {MAX_PAGE} 之间的整数。")))
        }
        Some(p) => Ok(p),
        None => Ok(1),
    }
}

/// One level of the overview, capped at [`LEVEL_CAP`] plans.
pub struct LevelRows {
    pub level: &'static str,
    pub label: &'static str,
    pub total: usize,
    pub plans: Vec<family::OverviewPlan>,
}

#[derive(Template)]
#[template(path = "family.html")]
struct FamilyPage {
    nav: &'static str,
    n_plans: usize,
    threshold: String,
    truncated: bool,
    max_rows: usize,
    levels: Vec<LevelRows>,
    unresolved: Vec<UnresolvedTitle>,
    unresolved_total: usize,
    pager: Pager,
}

fn level_rows(g: LevelGroup) -> LevelRows {
    let total = g.plans.len();
    LevelRows { level: g.level.as_str(), label: g.label, total, plans: g.plans.into_iter().take(LEVEL_CAP).collect() }
}

/// `/family`: cached per page number and workspace version (any ingest, correction or
/// taxonomy confirmation makes it anew; see `AppState::workspace_page`).
pub async fn page(State(state): State<Shared>, q: QueryResult<FamilyQuery>) -> Result<Response, AppError> {
    let q = query(q).map_err(|e| e.0)?;
    let page = check_page(&q)?;
    state.workspace_page("family", page as i64, move |s| overview_html(s, page)).await
}

fn overview_html(s: &planwatch_store::Store, page: usize) -> planwatch_store::Result<String> {
    let o = family::overview(s, page)?;
    let n_plans = o.levels.iter().map(|g| g.plans.len()).sum();
    let href = |n: usize| format!("/family?page={n}#unresolved");
    let pager = Pager {
        page: o.page,
        pages: o.pages,
        total: o.unresolved_total,
        prev: if o.page > 1 { href(o.page - 1) } else { String::new() },
        next: if o.page < o.pages { href(o.page + 1) } else { String::new() },
    };
    Ok(render(&FamilyPage {
        nav: "family",
        n_plans,
        threshold: format!("{SIMILARITY_THRESHOLD:.2}"),
        truncated: o.truncated,
        max_rows: planwatch_store::family::MAX_REFERENCE_ROWS,
        levels: o.levels.into_iter().map(level_rows).collect(),
        unresolved: o.unresolved,
        unresolved_total: o.unresolved_total,
        pager,
    })
    .0)
}

#[derive(Template)]
#[template(path = "plan_family.html")]
struct PlanFamilyPage {
    nav: &'static str,
    family: family::Family,
}

/// `/plans/{id}/family`: the 规划体系 section of a plan on a page of its own.
pub async fn plan(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = crate::pages::parse_id(&id)?;
    let family = db(&state, move |s| family::family(s, id)).await?;
    Ok(render(&PlanFamilyPage { nav: "family", family }).into_response())
}

//! The reference taxonomy on the web (issue 18 item 2): `/taxonomy` (every scheme's tree with
//! the number of stored plans linking to each node), `/plans/{id}/taxonomy` (a plan's
//! industries and segments mapped in every scheme: node path, score, method — 词典, 同义词,
//! 相似度, 人工确认 — the unmapped listed apart, and for analysts a confirm/change form per
//! item), and the JSON of both at `/api/v1/taxonomy` and `/api/v1/plans/{id}/taxonomy`. What
//! is shown is computed by `planwatch_app::taxonomy`; the store checks who may confirm.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use planwatch_app::taxonomy::{self as app, MappedItem, PlanTaxonomy, TaxonomyTree};
use planwatch_store::{Role, TaxonomyConfirm, TaxonomyItemKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ErrorBody};
use crate::pages::{parse_id, render};
use crate::{auth, db, AppError, Shared};

/// Longest form field accepted (characters) besides the note.
const MAX_FIELD_CHARS: usize = 200;

#[derive(Template)]
#[template(path = "taxonomy.html")]
struct TreePage {
    nav: &'static str,
    tree: TaxonomyTree,
}

impl TreePage {
    /// Indentation of a node (em).
    fn indent(&self, level: &u8) -> u32 {
        (u32::from(*level).saturating_sub(1)) * 2
    }
}

/// `/taxonomy`: cached per workspace version (any ingest, correction or taxonomy confirmation
/// makes it anew; see `AppState::workspace_page`). The taxonomy data itself is fixed for the
/// life of the process.
pub async fn tree(State(state): State<Shared>) -> Result<Response, AppError> {
    state.workspace_page("taxonomy", 0, |s| Ok(render(&TreePage { nav: "industries", tree: app::tree(s)? }).0)).await
}

/// One row of a plan's table, prepared for the template.
struct Row {
    kind: &'static str,
    kind_key: &'static str,
    name: String,
    industry: String,
    path: String,
    node_id: String,
    score: String,
    method: &'static str,
    method_key: &'static str,
    matched: String,
    automatic: String,
    confirmed_by: String,
}

impl Row {
    fn of(i: &MappedItem) -> Row {
        Row {
            kind: i.kind.label(),
            kind_key: i.kind.as_str(),
            name: i.name.clone(),
            industry: if i.kind == TaxonomyItemKind::Segment { i.industry.clone() } else { String::new() },
            path: i.node.as_ref().map(|n| n.path_text()).unwrap_or_default(),
            node_id: i.node.as_ref().map(|n| n.id.clone()).unwrap_or_default(),
            score: if i.is_confirmed() || i.source.is_none() { String::new() } else { format!("{:.2}", i.score) },
            method: i.source.map_or("未归类", |s| s.label()),
            method_key: match i.source {
                Some(app::Source::Exact) => "exact",
                Some(app::Source::Synonym) => "synonym",
                Some(app::Source::Similar) => "similar",
                Some(app::Source::Confirmed) => "confirmed",
                None => "none",
            },
            matched: if i.matched != i.name { i.matched.clone() } else { String::new() },
            automatic: i.automatic.as_ref().map(|n| n.path_text()).unwrap_or_default(),
            confirmed_by: i
                .confirmed_by
                .as_ref()
                .map(|(who, at)| format!("{who} {}", crate::zh::beijing(at)))
                .unwrap_or_default(),
        }
    }
}

struct SchemeBlock {
    id: String,
    name: String,
    version: String,
    source: String,
    mapped: Vec<Row>,
    unmapped: Vec<Row>,
    /// (node id, indented label) for the change form.
    options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "plan_taxonomy.html")]
struct PlanPage {
    nav: &'static str,
    id: i64,
    title: String,
    version: String,
    schemes: Vec<SchemeBlock>,
    can_confirm: bool,
    csrf: String,
}

fn blocks(m: &PlanTaxonomy, tax: &planwatch_taxonomy::Taxonomy) -> Vec<SchemeBlock> {
    m.schemes
        .iter()
        .map(|s| {
            let mut options = Vec::new();
            let mut stack: Vec<&planwatch_taxonomy::Node> = tax.roots(&s.scheme.id).into_iter().rev().collect();
            while let Some(n) = stack.pop() {
                let pad = "\u{3000}".repeat(usize::from(n.level.saturating_sub(1)));
                options.push((n.id.clone(), format!("{pad}{}", n.name)));
                stack.extend(tax.children(&n.id).into_iter().rev());
            }
            SchemeBlock {
                id: s.scheme.id.clone(),
                name: s.scheme.name.clone(),
                version: s.scheme.version.clone(),
                source: s.scheme.source.clone(),
                mapped: s.mapped.iter().map(Row::of).collect(),
                unmapped: s.unmapped.iter().map(Row::of).collect(),
                options,
            }
        })
        .collect()
}

pub async fn plan(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let caller = auth::caller(&state, &headers).await;
    let (m, tax) = db(&state, move |s| Ok((app::plan_taxonomy(s, id)?, s.taxonomy().clone()))).await?;
    let can_confirm = caller.as_ref().is_some_and(|c| matches!(c.actor.role, Role::Admin | Role::Analyst));
    let page = PlanPage {
        nav: "plans",
        id,
        title: m.title.clone(),
        version: m.version.clone(),
        schemes: blocks(&m, &tax),
        can_confirm,
        csrf: caller.map(|c| c.csrf).unwrap_or_default(),
    };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    scheme: String,
    kind: String,
    item: String,
    /// A node id, or `none`.
    node: String,
    #[serde(default)]
    note: String,
}

/// Confirms or changes the node of one item (analysts and admins: the store decides).
pub async fn confirm(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let (kind, scheme) = item_of_form(&f.kind, &f.scheme)?;
    if f.node.chars().count() > MAX_FIELD_CHARS {
        return Err(AppError::BadRequest(format!("节点过长(上限 {MAX_FIELD_CHARS} 字)。")));
    }
    let req = TaxonomyConfirm {
        scheme: scheme.clone(),
        item_kind: kind,
        item_name: f.item,
        node: Some(f.node.trim().to_string()).filter(|n| !n.is_empty() && n != "none"),
        note: f.note,
    };
    db(&state, move |s| s.confirm_taxonomy(&actor, id, &req)).await?;
    Ok(back_to_scheme(id, &scheme))
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    csrf: String,
    scheme: String,
    kind: String,
    item: String,
}

/// Withdraws the confirmation of one item (恢复自动归类; analysts and admins: the store
/// decides): the automatic mapping applies again on every page.
pub async fn withdraw(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let (kind, scheme) = item_of_form(&f.kind, &f.scheme)?;
    let s2 = scheme.clone();
    db(&state, move |s| app::withdraw(s, &actor, id, Some(&s2), kind, &f.item)).await?;
    Ok(back_to_scheme(id, &scheme))
}

/// The item kind and the scheme of a confirm or withdraw form, checked.
fn item_of_form(kind: &str, scheme: &str) -> Result<(TaxonomyItemKind, String), AppError> {
    let kind = TaxonomyItemKind::parse(kind)
        .ok_or_else(|| AppError::BadRequest(format!("项目类型“{}”:应为 industry 或 segment。", clip(kind))))?;
    if scheme.chars().count() > MAX_FIELD_CHARS {
        return Err(AppError::BadRequest(format!("分类体系过长(上限 {MAX_FIELD_CHARS} 字)。")));
    }
    Ok((kind, scheme.trim().to_string()))
}

/// Back to the plan's 产业归类 page at the scheme's section (the anchor keeps safe characters).
fn back_to_scheme(id: i64, scheme: &str) -> Response {
    let anchor: String = scheme.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
    Redirect::to(&format!("/plans/{id}/taxonomy#scheme-{anchor}")).into_response()
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// An analyst's confirmation of one item's node (API).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The scheme (future, sei2018, or a city's own); default: the node's. Required when
    /// `node` is null or `none`.
    #[serde(default)]
    #[schema(max_length = 64)]
    scheme: String,
    /// industry or segment.
    kind: String,
    /// The industry's or segment's name as the plan's mapping lists it.
    #[schema(max_length = 200)]
    item: String,
    /// A node id of the scheme; null or `none`: the item belongs to no node.
    #[serde(default)]
    #[schema(max_length = 64)]
    node: Option<String>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    note: String,
}

/// Which confirmation to withdraw (API).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// The scheme; default: the item's only confirmed scheme.
    #[serde(default)]
    #[schema(max_length = 64)]
    scheme: String,
    /// industry or segment.
    kind: String,
    #[schema(max_length = 200)]
    item: String,
}

/// A stored confirmation (API).
#[derive(Serialize, ToSchema)]
pub struct ConfirmationDto {
    plan: i64,
    scheme: String,
    /// industry or segment.
    kind: String,
    item: String,
    /// A node id, or `none`.
    node: String,
    taxonomy_version: String,
    author: String,
    note: String,
    updated_at: String,
}

impl ConfirmationDto {
    fn of(c: planwatch_store::TaxonomyConfirmation) -> ConfirmationDto {
        ConfirmationDto {
            plan: c.document_id,
            kind: c.item_kind.as_str().to_string(),
            scheme: c.scheme,
            item: c.item_name,
            node: c.node_id,
            taxonomy_version: c.taxonomy_version,
            author: c.author,
            note: c.note,
            updated_at: c.updated_at,
        }
    }
}

fn api_kind(kind: &str) -> Result<TaxonomyItemKind, ApiError> {
    TaxonomyItemKind::parse(kind).ok_or_else(|| {
        ApiError(AppError::BadRequest(format!("kind“{}”:应为 industry(产业)或 segment(细分领域)。", clip(kind))))
    })
}

/// Confirms or changes the node of one industry or segment of plan `id` (analysts and admins),
/// as the 产业归类 page and `planwatch taxonomy confirm` do; replaces an earlier confirmation of
/// the same item and scheme; audited (`taxonomy.confirm`).
#[utoipa::path(post, path = "/api/v1/plans/{id}/taxonomy", request_body = ConfirmRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = ConfirmationDto), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_confirm(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ConfirmationDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id = parse_id(&id)?;
    let r: ConfirmRequest = crate::api_setup::json_body_required(&body)?;
    let req = TaxonomyConfirm {
        scheme: r.scheme,
        item_kind: api_kind(&r.kind)?,
        item_name: r.item,
        node: r.node,
        note: r.note,
    };
    let c = db(&state, move |s| app::confirm(s, &actor, id, &req)).await?;
    Ok(Json(ConfirmationDto::of(c)))
}

/// Withdraws the confirmation of one item of plan `id` (analysts and admins): the automatic
/// mapping applies again everywhere (the plan's mapping, the tree, reviews, comparisons).
/// Answers the withdrawn confirmation; audited (`taxonomy.withdraw`, the old value kept).
#[utoipa::path(post, path = "/api/v1/plans/{id}/taxonomy/withdraw", request_body = WithdrawRequest,
    params(("id" = i64, Path)),
    responses((status = 200, body = ConfirmationDto), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn api_withdraw(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ConfirmationDto>, ApiError> {
    let actor = auth::require_bearer(&state, &headers).await?;
    let id = parse_id(&id)?;
    let r: WithdrawRequest = crate::api_setup::json_body_required(&body)?;
    let kind = api_kind(&r.kind)?;
    let c = db(&state, move |s| app::withdraw(s, &actor, id, Some(&r.scheme), kind, &r.item)).await?;
    Ok(Json(ConfirmationDto::of(c)))
}

/// The reference taxonomy: every scheme (`id`, `name`, `version`, `source`) with its nodes
/// depth first (`id`, `name`, `level` — 1 for a direction —, `synonyms`), and per node the
/// number of stored plans with an industry or segment mapped to it or to a node below it
/// (`plans`, `plan_list` of at most 50 [id, title]); `plans_counted` of `plans_total` plans
/// were read (at most 2000, most recently changed first).
#[utoipa::path(get, path = "/api/v1/taxonomy",
    responses((status = 200, description = "the taxonomy tree with per-node plan counts")))]
pub async fn api_tree(State(state): State<Shared>) -> Result<Response, ApiError> {
    let tree = db(&state, app::tree).await?;
    Ok(Json(tree).into_response())
}

/// A plan's industries and segments mapped in every scheme: per scheme `mapped` and
/// `unmapped` items, each with `kind` (industry, segment), `name`, `industry`, `node` (`id`,
/// `name`, `path` from the direction down; null when unmapped), `score` (0–1), `source`
/// (exact, synonym, similar, confirmed; null when unmapped), `matched` (the dictionary entry),
/// `automatic` (the automatic node a confirmation changed) and `confirmed_by` ([login, time]).
#[utoipa::path(get, path = "/api/v1/plans/{id}/taxonomy", params(("id" = i64, Path)),
    responses((status = 200, description = "the plan's mapping"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_plan(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id)?;
    let m = db(&state, move |s| app::plan_taxonomy(s, id)).await?;
    Ok(Json(m).into_response())
}

//! Registries on the web (issue 17, items 3 and 5): `/registries` (kinds and their counts per
//! status), `/registries/{kind}` (a filtered, paged list with counts per filter value, its
//! XLSX, the import template, the import form and the status steps), the entry page
//! `/registries/{kind}/{key}`, published batches `/registries/{kind}/batches[/{n}]` and the
//! tiered-cultivation funnel `/registries/{kind}/funnel` (with its XLSX).
//!
//! HTTP only: the store authorises and audits every write (`import_registry`,
//! `submit_registry`, `approve_registry`, `publish_registry_batch`); the funnel is computed by
//! `planwatch_app::registries`. The pages only choose which buttons to offer by role.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app::registries::{self as app, FunnelQuery};
use planwatch_export::grid_xlsx;
use planwatch_monitor::Period;
use planwatch_registry::Kind;
use planwatch_store::monitor::MonitorScope;
use planwatch_store::registry::{
    EntryStatus, RegistryEntry, RegistryFacets, RegistryFilter, RegistryImportError, RegistryImportOptions,
    RegistryPage, RegistrySort, SortColumn,
};
use planwatch_store::{Actor, Role};
use serde::Deserialize;
use serde_json::Value;

use crate::monitor_pages::Refusal;
use crate::pager::Pager;
use crate::pages::{download, enc, read_upload_form, render};
use crate::{auth, db, zh, AppError, Shared};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Rows of a list page (the store caps a call at `registry::MAX_PAGE`).
pub const LIST_PAGE: i64 = 200;
/// Rows of one XLSX download of a filtered list; the 说明 sheet says when more matched.
pub const EXPORT_CAP: i64 = 100_000;
/// Longest value of a filter parameter: longer ones are refused, not cut.
pub const MAX_PARAM_CHARS: usize = 64;

/// The filters of a list (pages and API share them).
#[derive(Deserialize, Default, Debug, Clone, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The region (city), e.g. 合肥市; empty: the caller's region, else every region.
    #[serde(default)]
    pub region: String,
    /// A district (full or short name, or code).
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub industry: String,
    /// The current tier, exactly.
    #[serde(default)]
    pub tier: String,
    /// draft, submitted or approved (or 草稿/已报送/已审核).
    #[serde(default)]
    pub status: String,
    /// Members of published batch N (第N批).
    #[serde(default)]
    pub batch: String,
    /// The order: place (default), key, industry, tier or status; `-` before it descends.
    #[serde(default)]
    pub sort: String,
    /// 1-based page of 200 rows (pages); the API uses `offset` and `limit`.
    #[serde(default)]
    pub page: String,
    #[serde(default)]
    pub offset: String,
    /// At most 500.
    #[serde(default)]
    pub limit: String,
}

fn param<'a>(name: &str, value: &'a str) -> Result<&'a str, AppError> {
    let v = value.trim();
    if v.chars().count() > MAX_PARAM_CHARS {
        return Err(AppError::BadRequest(format!("参数 {name} 过长(超过 {MAX_PARAM_CHARS} 个字符):请缩短后重试。")));
    }
    Ok(v)
}

fn number(name: &str, value: &str) -> Result<Option<i64>, AppError> {
    let v = param(name, value)?;
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0 && *n <= 1_000_000_000)
        .map(Some)
        .ok_or_else(|| AppError::BadRequest(format!("参数 {name} 应为不小于 0 的整数,收到“{v}”。")))
}

impl ListQuery {
    /// The store's filter; `default_region` when the query names none.
    pub fn filter(&self, default_region: &str) -> Result<RegistryFilter, AppError> {
        let status = match param("status", &self.status)? {
            "" => None,
            s => Some(s.parse::<EntryStatus>().map_err(AppError::BadRequest)?),
        };
        let region = match param("region", &self.region)? {
            "" => default_region.to_string(),
            r => r.to_string(),
        };
        Ok(RegistryFilter {
            region,
            place: param("district", &self.district)?.to_string(),
            industry: param("industry", &self.industry)?.to_string(),
            tier: param("tier", &self.tier)?.to_string(),
            status,
            batch: number("batch", &self.batch)?.filter(|n| *n > 0),
            sort: param("sort", &self.sort)?.parse::<RegistrySort>().map_err(AppError::BadRequest)?,
            offset: number("offset", &self.offset)?.unwrap_or(0),
            limit: number("limit", &self.limit)?.unwrap_or(0),
        })
    }
}

/// The query string of a filter (without the page), for links.
fn filter_query(f: &RegistryFilter) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("region", &f.region), ("district", &f.place), ("industry", &f.industry), ("tier", &f.tier)] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", enc(v)));
        }
    }
    if let Some(s) = f.status {
        parts.push(format!("status={}", s.as_str()));
    }
    if let Some(b) = f.batch {
        parts.push(format!("batch={b}"));
    }
    if f.sort != RegistrySort::default() {
        parts.push(format!("sort={}", f.sort.as_str()));
    }
    parts.join("&")
}

/// A sortable column's header link: by that column (ascending, or descending when the list
/// is ascending by it already), from the first page; `mark` shows the current order.
pub(crate) struct SortLink {
    href: String,
    mark: &'static str,
    aria: &'static str,
}

fn sort_link(kind: &Kind, f: &RegistryFilter, column: SortColumn) -> SortLink {
    let on = f.sort.column == column;
    let next = RegistrySort { column, descending: on && !f.sort.descending };
    let href = format!("/registries/{}?{}", kind.id, filter_query(&RegistryFilter { sort: next, ..f.clone() }));
    match (on, f.sort.descending) {
        (false, _) => SortLink { href, mark: "", aria: "none" },
        (true, false) => SortLink { href, mark: " ▲", aria: "ascending" },
        (true, true) => SortLink { href, mark: " ▼", aria: "descending" },
    }
}

pub(crate) fn kind_of(state: &Shared, id: &str) -> Result<Kind, AppError> {
    let r = state.store.registries();
    r.kind(id).cloned().ok_or_else(|| {
        let known: Vec<String> = r.kinds().iter().map(|k| format!("{}({})", k.name, k.id)).collect();
        AppError::NotFound(format!("没有名录类型“{id}”。可用:{}。", known.join("、")))
    })
}

/// The region a caller works in (empty for analysts of every region and for readers).
fn caller_region(caller: &Option<auth::Caller>) -> String {
    caller.as_ref().map(|c| c.actor.region.clone()).unwrap_or_default()
}

/// What a role may do with a kind's entries on these pages (the store decides for real).
struct Powers {
    write: bool,
    submit: bool,
    review: bool,
}

fn powers(actor: Option<&Actor>) -> Powers {
    match actor.map(|a| a.role) {
        Some(Role::Admin | Role::Analyst) => Powers { write: true, submit: true, review: true },
        Some(Role::DistrictEditor) => Powers { write: true, submit: true, review: false },
        _ => Powers { write: false, submit: false, review: false },
    }
}

/// Text of a stored field value.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        v => v.to_string(),
    }
}

fn field_name(kind: &Kind, id: &str) -> String {
    match id {
        "status" => "状态".into(),
        _ => kind.field(id).map(|f| f.name.to_string()).unwrap_or_else(|| id.to_string()),
    }
}

fn status_label(s: &str) -> String {
    s.parse::<EntryStatus>().map(|s| s.label().to_string()).unwrap_or_else(|_| s.to_string())
}

fn entry_href(kind: &Kind, e: &RegistryEntry) -> String {
    format!("/registries/{}/{}?region={}", kind.id, enc(&e.key), enc(&e.region))
}

// ───────────────────────────── /registries ─────────────────────────────

struct KindLine {
    id: String,
    name: String,
    title: String,
    total: i64,
    by_status: Vec<(String, i64)>,
    funnel: bool,
}

#[derive(Template)]
#[template(path = "registries.html")]
struct IndexPage {
    nav: &'static str,
    region: String,
    region_q: String,
    kinds: Vec<KindLine>,
}

pub async fn index(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers).await;
    let region = caller_region(&caller);
    let kinds: Vec<Kind> = state.store.registries().kinds().to_vec();
    let r = region.clone();
    let facets: Vec<RegistryFacets> = db(&state, move |s| {
        kinds
            .iter()
            .map(|k| s.registry_facets(&k.id, &RegistryFilter { region: r.clone(), ..Default::default() }))
            .collect()
    })
    .await?;
    let kinds = state
        .store
        .registries()
        .kinds()
        .iter()
        .zip(facets)
        .map(|(k, f)| KindLine {
            id: k.id.clone(),
            name: k.name.clone(),
            title: k.title().to_string(),
            total: f.total,
            by_status: f.by_status.into_iter().map(|(s, n)| (status_label(&s), n)).collect(),
            funnel: k.tier.is_some(),
        })
        .collect();
    Ok(render(&IndexPage { nav: "registries", region_q: enc(&region), region, kinds }).into_response())
}

// ───────────────────────────── /registries/{kind} ─────────────────────────────

struct Row {
    href: String,
    key: String,
    title: String,
    place: String,
    industry: String,
    tier: String,
    status_key: &'static str,
    status: &'static str,
    updated: String,
    synthetic: bool,
}

/// One facet value: label, count, link to the list filtered by it, whether it is chosen.
struct Facet {
    label: String,
    count: i64,
    href: String,
    on: bool,
}

struct FacetGroup {
    name: &'static str,
    values: Vec<Facet>,
}

#[derive(Template)]
#[template(path = "registry_list.html")]
struct ListPage {
    nav: &'static str,
    csrf: String,
    kind_id: String,
    kind_name: String,
    kind_title: String,
    key_name: String,
    title_name: String,
    has_industry: bool,
    has_tier: bool,
    funnel: bool,
    region: String,
    region_q: String,
    query: String,
    total: i64,
    groups: Vec<FacetGroup>,
    filter_district: String,
    filter_industry: String,
    filter_tier: String,
    filter_status: String,
    filter_batch: String,
    rows: Vec<Row>,
    sort_key: SortLink,
    sort_place: SortLink,
    sort_industry: SortLink,
    sort_tier: SortLink,
    sort_status: SortLink,
    pager: Pager,
    can_write: bool,
    can_submit: bool,
    can_review: bool,
    done: String,
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    n: String,
}

/// What a list page shows besides the caller's own parts (CSRF token, buttons): a page of
/// entries and the counts of every matching entry per filter value.
pub struct ListData {
    pub page: RegistryPage,
    pub facets: RegistryFacets,
}

impl ListData {
    /// About how many bytes the data holds (the cache's budget counts these).
    fn size(&self) -> usize {
        let text = |v: &Value| match v {
            Value::String(s) => s.len(),
            _ => 16,
        };
        let entries: usize = self
            .page
            .entries
            .iter()
            .map(|e| {
                let fields: usize = e.fields.iter().map(|(k, v)| k.len() + text(v) + 48).sum();
                e.key.len() + e.region.len() + e.place.len() + e.industry.len() + e.tier.len() + fields + 256
            })
            .sum();
        let facets: usize =
            [&self.facets.by_place, &self.facets.by_industry, &self.facets.by_tier, &self.facets.by_status]
                .iter()
                .flat_map(|g| g.iter())
                .map(|(v, _)| v.len() + 32)
                .sum();
        entries + facets + 256
    }
}

/// The data of a filtered list page (page and counts), from the cache when nothing in the
/// region (every region when the filter names none) changed since it was read: every
/// registry write bumps the region's monitoring revision. A missing entry is read once
/// under a permit of `page_builds` (requests that waited look again), as monitoring pages are.
pub(crate) async fn list_data(
    state: &Shared,
    kind: &str,
    filter: &RegistryFilter,
) -> Result<std::sync::Arc<ListData>, AppError> {
    let key = format!(
        "{kind}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}",
        filter.region,
        filter.place,
        filter.industry,
        filter.tier,
        filter.status.map(|s| s.as_str()).unwrap_or(""),
        filter.batch.unwrap_or(0),
        filter.offset,
        filter.limit,
        filter.sort.as_str(),
    );
    let scope = if filter.region.is_empty() { MonitorScope::All } else { MonitorScope::Region(filter.region.clone()) };
    let version = db(state, move |s| s.monitor_version_of(&scope)).await?;
    if let Some(hit) = state.registry_lists.get(&key, &version) {
        return Ok(hit);
    }
    let _permit = state.page_builds.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    if let Some(hit) = state.registry_lists.get(&key, &version) {
        return Ok(hit);
    }
    state.registry_lists_made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (k, f) = (kind.to_string(), filter.clone());
    let data =
        db(state, move |s| Ok(ListData { page: s.registry_entries(&k, &f)?, facets: s.registry_facets(&k, &f)? }))
            .await?;
    let data = std::sync::Arc::new(data);
    state.registry_lists.put(key, version, data.clone(), data.size());
    Ok(data)
}

pub async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
    Query(d): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let caller = auth::caller(&state, &headers).await;
    let mut filter = q.filter(&caller_region(&caller))?;
    let page_no = number("page", &q.page)?.unwrap_or(1).max(1);
    filter.limit = LIST_PAGE;
    filter.offset = (page_no - 1).saturating_mul(LIST_PAGE);
    let data = list_data(&state, &kind.id, &filter).await?;
    let (page, facets) = (&data.page, &data.facets);
    let base = filter_query(&filter);
    let href_with = |param: &str, value: &str| {
        let mut f = filter.clone();
        match param {
            "district" => f.place = value.to_string(),
            "industry" => f.industry = value.to_string(),
            "tier" => f.tier = value.to_string(),
            _ => f.status = value.parse().ok(),
        }
        format!("/registries/{}?{}", kind.id, filter_query(&f))
    };
    let group = |name: &'static str, param: &'static str, values: &[(String, i64)], chosen: &str| FacetGroup {
        name,
        values: values
            .iter()
            .map(|(v, n)| Facet {
                label: if param == "status" {
                    status_label(v)
                } else if v.is_empty() {
                    "(未填)".into()
                } else {
                    v.clone()
                },
                count: *n,
                href: if !chosen.is_empty() && v == chosen { href_with(param, "") } else { href_with(param, v) },
                on: !chosen.is_empty() && v == chosen,
            })
            .collect(),
    };
    let status_chosen = filter.status.map(|s| s.as_str()).unwrap_or("");
    let mut groups = vec![group("区县", "district", &facets.by_place, &filter.place)];
    if kind.industry.is_some() {
        groups.push(group("产业", "industry", &facets.by_industry, &filter.industry));
    }
    if let Some(t) = kind.tier_field() {
        let mut by_tier = facets.by_tier.clone();
        by_tier.sort_by_key(|(v, _)| t.rung(v).unwrap_or(usize::MAX));
        groups.push(group("层级", "tier", &by_tier, &filter.tier));
    }
    groups.push(group("状态", "status", &facets.by_status, status_chosen));
    let title_field = kind.fields.first().filter(|f| f.id != kind.key).map(|f| f.id.clone());
    let rows = page
        .entries
        .iter()
        .map(|e| Row {
            href: entry_href(&kind, e),
            key: e.key.clone(),
            title: title_field.as_ref().and_then(|t| e.fields.get(t)).map(show).unwrap_or_default(),
            place: e.place.clone(),
            industry: e.industry.clone(),
            tier: e.tier.clone(),
            status_key: e.status.as_str(),
            status: e.status.label(),
            updated: zh::beijing(&e.updated_at),
            synthetic: e.synthetic,
        })
        .collect();
    let pages = ((page.total + LIST_PAGE - 1) / LIST_PAGE).max(1) as usize;
    let link = |n: usize| format!("/registries/{}?{base}&page={n}", kind.id);
    let page_no = page_no as usize;
    let pager = Pager {
        page: page_no,
        pages,
        total: page.total as usize,
        prev: if page_no > 1 { link(page_no.min(pages + 1) - 1) } else { String::new() },
        next: if page_no < pages { link(page_no + 1) } else { String::new() },
    };
    let p = powers(caller.as_ref().map(|c| &c.actor));
    let done = match (d.done.as_str(), d.n.parse::<i64>().ok()) {
        ("submit", Some(n)) => format!("已报送 {n} 个条目,等待分析员审核。"),
        ("approve", Some(n)) => format!("已审核 {n} 个条目。"),
        ("publish", Some(n)) => format!("已发布第{n}批。"),
        _ => String::new(),
    };
    let pg = ListPage {
        nav: "registries",
        csrf: caller.as_ref().map(|c| c.csrf.clone()).unwrap_or_default(),
        kind_name: kind.name.clone(),
        kind_title: kind.title().to_string(),
        key_name: kind.key_field().name.to_string(),
        title_name: kind.fields.first().filter(|f| f.id != kind.key).map(|f| f.name.to_string()).unwrap_or_default(),
        has_industry: kind.industry.is_some(),
        has_tier: kind.tier.is_some(),
        funnel: kind.tier.is_some(),
        region_q: enc(&filter.region),
        region: filter.region.clone(),
        query: base,
        total: page.total,
        groups,
        filter_district: filter.place.clone(),
        filter_industry: filter.industry.clone(),
        filter_tier: filter.tier.clone(),
        filter_status: status_chosen.to_string(),
        filter_batch: filter.batch.map(|b| b.to_string()).unwrap_or_default(),
        rows,
        sort_key: sort_link(&kind, &filter, SortColumn::Key),
        sort_place: sort_link(&kind, &filter, SortColumn::Place),
        sort_industry: sort_link(&kind, &filter, SortColumn::Industry),
        sort_tier: sort_link(&kind, &filter, SortColumn::Tier),
        sort_status: sort_link(&kind, &filter, SortColumn::Status),
        pager,
        can_write: p.write,
        can_submit: p.submit,
        can_review: p.review,
        done,
        kind_id: kind.id.clone(),
    };
    Ok(render(&pg).into_response())
}

/// The filtered list as XLSX (every matching entry up to [`EXPORT_CAP`]).
pub async fn list_xlsx(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let caller = auth::caller(&state, &headers).await;
    let filter = q.filter(&caller_region(&caller))?;
    let k = kind.clone();
    let grid = db(&state, move |s| {
        let mut rows = Vec::new();
        let mut f = filter.clone();
        f.offset = 0;
        f.limit = planwatch_store::registry::MAX_PAGE;
        let mut total;
        loop {
            let page = s.registry_entries(&k.id, &f)?;
            total = page.total;
            let n = page.entries.len() as i64;
            rows.extend(page.entries.into_iter().map(|e| planwatch_registry::export::ExportRow {
                fields: e.fields,
                status: e.status.label().to_string(),
                updated_at: e.updated_at,
            }));
            f.offset += n;
            if n == 0 || f.offset >= total || rows.len() as i64 >= EXPORT_CAP {
                break;
            }
        }
        let mut notes = vec![("筛选".to_string(), describe(&filter))];
        if total > rows.len() as i64 {
            notes.push(("说明".into(), format!("共 {total} 条符合条件,本表只含前 {} 条。", rows.len())));
        }
        let title = format!("{}名录", k.name);
        Ok(planwatch_registry::export::export(&k, &title, &rows, notes))
    })
    .await?;
    let bytes = grid_xlsx(&grid).map_err(|e| AppError::Internal(format!("XLSX: {e}")))?;
    Ok(download(&format!("{}名录.xlsx", kind.name), XLSX, bytes))
}

fn describe(f: &RegistryFilter) -> String {
    let mut parts = Vec::new();
    for (label, v) in [("地区", &f.region), ("区县", &f.place), ("产业", &f.industry), ("层级", &f.tier)] {
        if !v.is_empty() {
            parts.push(format!("{label}:{v}"));
        }
    }
    if let Some(s) = f.status {
        parts.push(format!("状态:{}", s.label()));
    }
    if let Some(b) = f.batch {
        parts.push(format!("第{b}批"));
    }
    if parts.is_empty() {
        "全部条目".into()
    } else {
        parts.join(";")
    }
}

#[derive(Deserialize, Default)]
pub struct RegionQuery {
    #[serde(default)]
    region: String,
}

/// The import template of a kind (its columns; the region's districts on the 说明 sheet).
pub async fn template(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let caller = auth::caller(&state, &headers).await;
    let region = match param("region", &q.region)? {
        "" => caller_region(&caller),
        r => r.to_string(),
    };
    let places: Vec<String> = state.store.dicts().units_within(&region).iter().map(|p| p.name.clone()).collect();
    let grid = planwatch_registry::export::template(&kind, &region, &places);
    let bytes = grid_xlsx(&grid).map_err(|e| AppError::Internal(format!("XLSX: {e}")))?;
    Ok(download(&format!("{}导入模板.xlsx", kind.name), XLSX, bytes))
}

/// A registry sheet from the import form: refused whole with every bad row listed (the
/// observations import's result page and problem download), or stored.
pub async fn import(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let up = read_upload_form(&mut form, state.config.max_upload).await?;
    let dry_run = up.fields.iter().any(|(k, v)| k == "dry_run" && !v.is_empty());
    let actor = auth::require_form(&state, &headers, &up.csrf).await?;
    let form_region =
        up.fields.iter().find(|(k, _)| k == "region").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let region =
        if actor.region.is_empty() { param("region", &form_region)?.to_string() } else { actor.region.clone() };
    if region.is_empty() {
        return Err(AppError::BadRequest("请填写名录所属地区(如 合肥市)后再导入。".into()));
    }
    let (name, bytes) = up.file.ok_or_else(|| AppError::BadRequest("没有收到文件,请选择文件后再导入。".into()))?;
    let file_name = name.clone();
    let owner = actor.login.clone();
    let store = state.store.clone();
    let (k, r) = (kind.id.clone(), region.clone());
    let outcome = tokio::task::spawn_blocking(move || {
        store.import_registry(&k, &r, &name, &bytes, &RegistryImportOptions { dry_run, synthetic: false }, &actor)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let refusal = match outcome {
        Ok(report) => Refusal::ok(report),
        Err(RegistryImportError::Refused { validation, .. }) => {
            let (shown, total, gz) = validation.problems.into_parts();
            Refusal::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("文件有 {total} 处错误,整个文件未导入,数据库未作任何改动。请按下表逐行修改后重新导入。"),
                shown,
                total,
                gz,
            )
        }
        Err(RegistryImportError::File { error, .. }) => {
            Refusal::refused(StatusCode::UNPROCESSABLE_ENTITY, error.to_string(), Vec::new(), 0, Vec::new())
        }
        Err(RegistryImportError::Forbidden { scope, rows, .. }) => {
            let (shown, total, gz) = rows.into_parts();
            Refusal::refused(StatusCode::FORBIDDEN, format!(
                "文件中有 {total} 行不属于本账户的填报范围({scope}),整个文件未导入,数据库未作任何改动。请删除这些行,或由该区县的填报员导入。"
            ), shown, total, gz)
        }
        Err(RegistryImportError::Store(e)) => return Err(e.into()),
    };
    let back = (format!("/registries/{}?region={}", kind.id, enc(&region)), format!("返回{}名录", kind.name));
    Ok(refusal.page(&state, &owner, &file_name, dry_run, back))
}

#[derive(Deserialize)]
pub struct StepForm {
    csrf: String,
    #[serde(default)]
    region: String,
}

/// 报送 / 审核 / 发布 from the list page (the store checks the role and scope).
pub async fn step(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((kind, action)): Path<(String, String)>,
    Form(f): Form<StepForm>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let region = match param("region", &f.region)? {
        "" => actor.region.clone(),
        r => r.to_string(),
    };
    if region.is_empty() {
        return Err(AppError::BadRequest("请先选择地区(名录按地市分别报送、审核和发布)。".into()));
    }
    let (k, r, a) = (kind.id.clone(), region.clone(), action.clone());
    let n = db(&state, move |s| match a.as_str() {
        "submit" => s.submit_registry(&actor, &k, &r, &[]).map(|n| n as i64),
        "approve" => s.approve_registry(&actor, &k, &r, &[]).map(|n| n as i64),
        "publish" => s.publish_registry_batch(&actor, &k, &r).map(|b| b.number),
        other => Err(planwatch_store::StoreError::NotFound(format!("操作“{other}”"))),
    })
    .await?;
    Ok(Redirect::to(&format!("/registries/{}?region={}&done={action}&n={n}", kind.id, enc(&region))).into_response())
}

// ───────────────────────────── an entry ─────────────────────────────

struct Change {
    field: String,
    old: String,
    new: String,
    who: String,
    when: String,
}

struct TierLine {
    tier: String,
    gained: String,
    lost: String,
    source: String,
}

#[derive(Template)]
#[template(path = "registry_entry.html")]
struct EntryPage {
    nav: &'static str,
    kind_id: String,
    kind_name: String,
    region: String,
    region_q: String,
    title: String,
    key: String,
    status: &'static str,
    status_key: &'static str,
    synthetic: bool,
    fields: Vec<(String, String)>,
    tiers: Vec<TierLine>,
    changes: Vec<Change>,
    links: Vec<(String, String)>,
    batches: Vec<i64>,
    created: String,
    updated: String,
}

pub async fn entry(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((kind, key)): Path<(String, String)>,
    Query(q): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let key = param("key", &key)?.to_string();
    let caller = auth::caller(&state, &headers).await;
    let region = match param("region", &q.region)? {
        "" => caller_region(&caller),
        r => r.to_string(),
    };
    let (k, r, kk) = (kind.id.clone(), region.clone(), key.clone());
    if region.is_empty() {
        return Err(AppError::BadRequest(format!(
            "请在地址中注明地区,如 /registries/{}/{}?region=合肥市(名录按地市分别维护)。",
            kind.id,
            enc(&key)
        )));
    }
    let detail = db(&state, move |s| s.registry_entry(&k, &r, &kk)).await?.ok_or_else(|| {
        AppError::NotFound(format!(
            "{}名录中没有“{key}”{}。",
            kind.name,
            if region.is_empty() { String::new() } else { format!("({region})") }
        ))
    })?;
    let wanted: Vec<(i64, String)> = detail.links.iter().map(|l| (l.document_id, l.item_key.clone())).collect();
    let links = db(&state, move |s| Ok(app::item_links(s, &wanted))).await?;
    let e = &detail.entry;
    let fields =
        kind.fields.iter().map(|f| (f.name.to_string(), e.fields.get(&f.id).map(show).unwrap_or_default())).collect();
    let mut changes = Vec::new();
    for h in &detail.history {
        let (old, new) = (h.old.clone().unwrap_or(Value::Null), h.new.clone().unwrap_or(Value::Null));
        let mut ids: Vec<String> =
            old.as_object().into_iter().chain(new.as_object()).flat_map(|m| m.keys().cloned()).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            changes.push(Change {
                field: "(新建)".into(),
                old: String::new(),
                new: show(&new),
                who: h.who.clone(),
                when: zh::beijing(&h.changed_at),
            });
        }
        for id in ids {
            let (o, n) = (old.get(&id).map(show).unwrap_or_default(), new.get(&id).map(show).unwrap_or_default());
            let (o, n) = if id == "status" { (status_label(&o), status_label(&n)) } else { (o, n) };
            changes.push(Change {
                field: field_name(&kind, &id),
                old: o,
                new: n,
                who: h.who.clone(),
                when: zh::beijing(&h.changed_at),
            });
        }
    }
    let title_field = kind.fields.first().filter(|f| f.id != kind.key).map(|f| f.id.clone());
    let page = EntryPage {
        nav: "registries",
        kind_id: kind.id.clone(),
        kind_name: kind.name.clone(),
        region_q: enc(&e.region),
        region: e.region.clone(),
        title: title_field
            .and_then(|t| e.fields.get(&t))
            .map(show)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| e.key.clone()),
        key: e.key.clone(),
        status: e.status.label(),
        status_key: e.status.as_str(),
        synthetic: e.synthetic,
        fields,
        tiers: detail
            .tiers
            .iter()
            .map(|t| TierLine {
                tier: t.tier.clone(),
                gained: t.gained.clone(),
                lost: t.lost.clone().unwrap_or_default(),
                source: t.source.clone(),
            })
            .collect(),
        changes,
        links,
        batches: detail.batches.clone(),
        created: format!("{} {}", e.created_by, zh::beijing(&e.created_at)),
        updated: format!("{} {}", e.updated_by, zh::beijing(&e.updated_at)),
    };
    Ok(render(&page).into_response())
}

// ───────────────────────────── batches ─────────────────────────────

struct BatchLine {
    number: i64,
    published_at: String,
    published_by: String,
    members: i64,
    added: usize,
    removed: usize,
    changed: usize,
}

#[derive(Template)]
#[template(path = "registry_batches.html")]
struct BatchesPage {
    nav: &'static str,
    kind_id: String,
    kind_name: String,
    region: String,
    region_q: String,
    batches: Vec<BatchLine>,
}

async fn region_for(state: &Shared, headers: &HeaderMap, raw: &str) -> Result<String, AppError> {
    let caller = auth::caller(state, headers).await;
    Ok(match param("region", raw)? {
        "" => caller_region(&caller),
        r => r.to_string(),
    })
}

pub async fn batches(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let region = region_for(&state, &headers, &q.region).await?;
    let (k, r) = (kind.id.clone(), region.clone());
    let list = db(&state, move |s| s.registry_batches(&k, &r)).await?;
    let page = BatchesPage {
        nav: "registries",
        kind_id: kind.id.clone(),
        kind_name: kind.name.clone(),
        region_q: enc(&region),
        region,
        batches: list
            .iter()
            .rev()
            .map(|b| BatchLine {
                number: b.number,
                published_at: zh::beijing(&b.published_at),
                published_by: b.published_by.clone(),
                members: b.members,
                added: b.diff.added.len(),
                removed: b.diff.removed.len(),
                changed: b.diff.changed.len(),
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

struct ChangedLine {
    key: String,
    href: String,
    changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "registry_batch.html")]
struct BatchPage {
    nav: &'static str,
    kind_id: String,
    kind_name: String,
    region: String,
    region_q: String,
    number: i64,
    published_at: String,
    published_by: String,
    members: i64,
    added: Vec<(String, String)>,
    removed: Vec<String>,
    changed: Vec<ChangedLine>,
}

pub async fn batch(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((kind, n)): Path<(String, String)>,
    Query(q): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let n: i64 = param("n", &n)?
        .trim_start_matches('第')
        .trim_end_matches('批')
        .parse()
        .map_err(|_| AppError::NotFound(format!("批次应写作数字(如 /registries/{}/batches/1)。", kind.id)))?;
    let region = region_for(&state, &headers, &q.region).await?;
    let (k, r) = (kind.id.clone(), region.clone());
    let list = db(&state, move |s| s.registry_batches(&k, &r)).await?;
    let b = list
        .into_iter()
        .find(|b| b.number == n)
        .ok_or_else(|| AppError::NotFound(format!("{region}的{}名录没有第{n}批。", kind.name)))?;
    let href = |key: &str| format!("/registries/{}/{}?region={}", kind.id, enc(key), enc(&region));
    let names = batch_names(&state, &kind, &region, n).await?;
    let named = |key: &str| match names.get(key) {
        Some(name) if !name.is_empty() => format!("{name}({key})"),
        _ => key.to_string(),
    };
    let page = BatchPage {
        nav: "registries",
        kind_id: kind.id.clone(),
        kind_name: kind.name.clone(),
        region_q: enc(&region),
        number: b.number,
        published_at: zh::beijing(&b.published_at),
        published_by: b.published_by.clone(),
        members: b.members,
        added: b.diff.added.iter().map(|k| (named(k), href(k))).collect(),
        removed: b.diff.removed.iter().map(|k| named(k)).collect(),
        changed: b
            .diff
            .changed
            .iter()
            .map(|c| ChangedLine {
                key: named(&c.key),
                href: href(&c.key),
                changes: c.changes.iter().map(|f| (field_name(&kind, &f.field), show(&f.old), show(&f.new))).collect(),
            })
            .collect(),
        region,
    };
    Ok(render(&page).into_response())
}

/// Names (the kind's first field, when it is not the key) of the members of batches `n` and
/// `n - 1`, by key, so a diff reads by name; at most [`NAMED_MEMBERS`] looked up.
async fn batch_names(
    state: &Shared,
    kind: &Kind,
    region: &str,
    n: i64,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let Some(title) = kind.fields.first().filter(|f| f.id != kind.key).map(|f| f.id.clone()) else {
        return Ok(Default::default());
    };
    let (k, r) = (kind.id.clone(), region.to_string());
    db(state, move |s| {
        let mut names = std::collections::HashMap::new();
        for batch in [n, n - 1].into_iter().filter(|b| *b > 0) {
            let mut f = RegistryFilter {
                region: r.clone(),
                batch: Some(batch),
                limit: planwatch_store::registry::MAX_PAGE,
                ..Default::default()
            };
            while names.len() < NAMED_MEMBERS {
                let page = s.registry_entries(&k, &f)?;
                let got = page.entries.len() as i64;
                for e in page.entries {
                    let name = e.fields.get(&title).map(show).unwrap_or_default();
                    names.insert(e.key, name);
                }
                f.offset += got;
                if got == 0 || f.offset >= page.total {
                    break;
                }
            }
        }
        Ok(names)
    })
    .await
}

/// Members named on a batch page (beyond, keys alone).
const NAMED_MEMBERS: usize = 20_000;

// ───────────────────────────── the funnel ─────────────────────────────

#[derive(Deserialize, Default)]
pub struct FunnelParams {
    #[serde(default)]
    region: String,
    #[serde(default)]
    industry: String,
    /// A district.
    #[serde(default)]
    place: String,
    /// The last quarter shown (default: the current one).
    #[serde(default)]
    through: String,
}

struct FunnelRow {
    period: String,
    at: Vec<i64>,
    total: i64,
    entered: i64,
    promoted: i64,
    lost: i64,
}

#[derive(Template)]
#[template(path = "registry_funnel.html")]
struct FunnelPage {
    nav: &'static str,
    kind_id: String,
    kind_name: String,
    region: String,
    region_q: String,
    query: String,
    industry: String,
    place: String,
    industries: Vec<String>,
    places: Vec<String>,
    ladder: Vec<String>,
    entries: usize,
    svg: String,
    rows: Vec<FunnelRow>,
    dropped: usize,
}

pub(crate) async fn load_funnel(
    state: &Shared,
    headers: &HeaderMap,
    kind: &Kind,
    q: &FunnelParams,
) -> Result<(String, app::FunnelView), AppError> {
    let region = region_for(state, headers, &q.region).await?;
    let query = FunnelQuery {
        industry: Some(param("industry", &q.industry)?.to_string()).filter(|s| !s.is_empty()),
        place: Some(param("place", &q.place)?.to_string()).filter(|s| !s.is_empty()),
    };
    let through = match param("through", &q.through)? {
        "" => {
            let (y, m) = planwatch_app::monitoring::today();
            Period::last_complete_quarter(y, m)
        }
        t => Period::parse(t).map_err(|e| AppError::BadRequest(format!("through:{e}")))?,
    };
    let (k, r) = (kind.id.clone(), region.clone());
    let view = db(state, move |s| {
        // A district written short (蜀山) or by code is matched as stored (蜀山区).
        let mut query = query;
        if let (Some(p), false) = (&query.place, r.is_empty()) {
            if let Some(found) = s.dicts().place_in(p, &r) {
                query.place = Some(found.name.clone());
            }
        }
        app::store_funnel(s, &k, &r, &query, through)
    })
    .await?;
    Ok((region, view))
}

pub async fn funnel(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<FunnelParams>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let (region, view) = load_funnel(&state, &headers, &kind, &q).await?;
    let f = &view.funnel;
    let mut query = vec![format!("region={}", enc(&region))];
    if let Some(i) = &f.query.industry {
        query.push(format!("industry={}", enc(i)));
    }
    if let Some(p) = &f.query.place {
        query.push(format!("place={}", enc(p)));
    }
    let page = FunnelPage {
        nav: "registries",
        kind_id: kind.id.clone(),
        kind_name: view.kind_name.clone(),
        region_q: enc(&region),
        region,
        query: query.join("&"),
        industry: f.query.industry.clone().unwrap_or_default(),
        place: f.query.place.clone().unwrap_or_default(),
        industries: view.industries.clone(),
        places: view.places.clone(),
        ladder: f.ladder.clone(),
        entries: f.entries,
        svg: app::funnel_svg(f),
        rows: f
            .quarters
            .iter()
            .rev()
            .map(|q| FunnelRow {
                period: q.period.label(),
                at: q.at.clone(),
                total: q.total(),
                entered: q.entered,
                promoted: q.promoted,
                lost: q.lost,
            })
            .collect(),
        dropped: f.dropped_quarters,
    };
    Ok(render(&page).into_response())
}

pub async fn funnel_xlsx(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    Query(q): Query<FunnelParams>,
) -> Result<Response, AppError> {
    let kind = kind_of(&state, &kind)?;
    let (region, view) = load_funnel(&state, &headers, &kind, &q).await?;
    let mut grid = app::funnel_grid(&view.funnel);
    grid.notes.insert(0, ("地区".into(), if region.is_empty() { "全部地区".into() } else { region }));
    let bytes = grid_xlsx(&grid).map_err(|e| AppError::Internal(format!("XLSX: {e}")))?;
    Ok(download(&format!("{}梯度培育漏斗.xlsx", kind.name), XLSX, bytes))
}

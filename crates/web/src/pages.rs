//! Page handlers and the view models of their templates. Templates only loop and print
//! (escaped); everything shown is computed here.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_search::SearchQuery;
use planwatch_store::{EffectivePlan, PlanOrder, PlanSummary};
use serde::Deserialize;

use crate::pager::Pager;
use crate::{auth, db, AppError, Shared};
use planwatch_app::rows::{num, plan_title, target_rows, task_rows};

/// Renders a template, or a plain error page if rendering fails.
pub fn render<T: Template>(t: &T) -> axum::response::Html<String> {
    match t.render() {
        Ok(s) => axum::response::Html(s),
        Err(e) => axum::response::Html(format!("<!DOCTYPE html><title>错误</title><p>页面生成失败:{e}</p>")),
    }
}

pub use planwatch_app::links::{enc, source_href};

/// `?region=全部`: every region, also for a user who has one.
pub const ALL_REGIONS: &str = "全部";

/// The page of a department: a region and a canonical name (`/departments/市科技局?region=合肥市`).
pub fn department_href(owner: &str, region: &str) -> String {
    format!("/departments/{}?region={}", enc(owner), enc(if region.is_empty() { ALL_REGIONS } else { region }))
}

/// The region selector of the list pages (规划库, 部门, 区县, 产业): the region asked for in
/// `?region=`, else the logged-in user's own region, else every region.
pub struct RegionSelect {
    /// The region shown; empty when every region is.
    pub region: String,
    /// `(value, label, selected)`, every region first.
    pub options: Vec<(String, String, bool)>,
}

impl RegionSelect {
    pub fn filter(&self) -> planwatch_store::RegionFilter<'_> {
        planwatch_store::RegionFilter::of_selected(&self.region)
    }

    /// The parameter links carry so the next page shows the same region: `region=…`.
    pub fn query(&self) -> String {
        format!("region={}", enc(if self.region.is_empty() { ALL_REGIONS } else { &self.region }))
    }

    /// `(合肥市)` after a title, or nothing for every region.
    pub fn suffix(&self) -> String {
        if self.region.is_empty() {
            String::new()
        } else {
            format!("({})", self.region)
        }
    }
}

/// Longest region name accepted in `?region=` (the longest province name has 8 characters).
const REGION_MAX_CHARS: usize = 32;

pub async fn region_select(state: &Shared, headers: &HeaderMap, asked: &str) -> Result<RegionSelect, AppError> {
    let asked = asked.trim();
    if asked.chars().count() > REGION_MAX_CHARS {
        return Err(AppError::BadRequest(format!(
            "地区:名称过长(至多 {REGION_MAX_CHARS} 个字符),请从“地区”列表中选择。"
        )));
    }
    let region = match asked {
        "" => auth::caller(state, headers).await.map(|c| c.actor.region).unwrap_or_default(),
        ALL_REGIONS => String::new(),
        r => r.to_string(),
    };
    let regions = db(state, |s| s.plan_regions()).await?;
    let mut options = vec![(ALL_REGIONS.to_string(), "全部地区".to_string(), region.is_empty())];
    for (r, n) in &regions {
        options.push((r.clone(), format!("{r}({n} 份规划)"), *r == region));
    }
    if !region.is_empty() && !regions.iter().any(|(r, _)| *r == region) {
        options.push((region.clone(), format!("{region}(0 份规划)"), true));
    }
    Ok(RegionSelect { region, options })
}

fn period(start: Option<i32>, end: Option<i32>) -> String {
    match (start, end) {
        (Some(a), Some(b)) => format!("{a}—{b}年"),
        (Some(a), None) => format!("{a}年起"),
        (None, Some(b)) => format!("至{b}年"),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    pub nav: &'static str,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub nav: &'static str,
    pub next: String,
    pub error: String,
    /// Who is logged in ("" when nobody).
    pub logged_in: String,
    /// No admin account has existed yet: the admin token may log in.
    pub bootstrap: bool,
    /// No enabled admin, and the token closed for good: say how to recover.
    pub recovery: bool,
}

struct Column {
    key: &'static str,
    label: &'static str,
}

struct PlanRow {
    id: i64,
    title: String,
    doc_number: String,
    issuer: String,
    region: String,
    signed_date: String,
    published_date: String,
    period: String,
    n_targets: i64,
    n_tasks: i64,
    n_versions: i64,
    n_corrected: i64,
    n_unmatched: i64,
}

impl From<PlanSummary> for PlanRow {
    fn from(p: PlanSummary) -> Self {
        PlanRow {
            id: p.id,
            period: period(p.period_start, p.period_end),
            title: p.title,
            doc_number: p.doc_number,
            issuer: p.issuer,
            region: p.region,
            signed_date: p.signed_date,
            published_date: p.published_date,
            n_targets: p.n_targets,
            n_tasks: p.n_tasks,
            n_versions: p.n_versions,
            n_corrected: p.n_corrected,
            n_unmatched: p.n_unmatched,
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: &'static str,
    plans: Vec<PlanRow>,
    columns: Vec<Column>,
    sort: String,
    pager: Pager,
    region_sel: RegionSelect,
    /// Hidden fields the region selector keeps (the sort order).
    keep: Vec<(&'static str, String)>,
    region_q: String,
    /// A district editor's unit: what it still has to report — (period, deadline, status,
    /// overdue, template link).
    due: Vec<(String, String, String, bool, String)>,
    due_place: String,
}

#[derive(Deserialize)]
pub struct SortQuery {
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    region: String,
}

/// The `page` parameter of a list (lenient: anything but a number means the first page),
/// and the region it shows.
#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    region: String,
}

fn page_no(raw: &str) -> Option<usize> {
    raw.trim().parse().ok()
}

pub async fn home(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<SortQuery>,
) -> Result<Response, AppError> {
    let order = PlanOrder::parse(&q.sort).unwrap_or_default();
    let (due, due_place) = match crate::auth::caller(&state, &headers).await {
        Some(c) => (crate::calendar_pages::due_lines(&state, &c.actor).await, c.actor.place.clone()),
        None => (Vec::new(), String::new()),
    };
    let region_sel = region_select(&state, &headers, &q.region).await?;
    let mut plans = db(&state, move |s| s.list_plans(order)).await?;
    plans.retain(|p| region_sel.filter().admits(&p.region));
    let columns = vec![
        Column { key: "title", label: "规划名称" },
        Column { key: "issuer", label: "发文机关" },
        Column { key: "region", label: "地区" },
        Column { key: "", label: "文号" },
        Column { key: "signed", label: "成文日期" },
        Column { key: "published", label: "发布日期" },
        Column { key: "", label: "规划期" },
        Column { key: "targets", label: "目标数" },
        Column { key: "tasks", label: "任务数" },
        Column { key: "", label: "版本" },
    ];
    let sort = q.sort.clone();
    let region_q = region_sel.query();
    let (plans, pager) = Pager::cut(plans, page_no(&q.page), |n| format!("/?sort={}&{region_q}&page={n}", enc(&sort)));
    let keep = if q.sort.is_empty() { Vec::new() } else { vec![("sort", q.sort.clone())] };
    let page = HomePage {
        nav: "plans",
        plans: plans.into_iter().map(PlanRow::from).collect(),
        columns,
        sort: q.sort,
        pager,
        region_sel,
        keep,
        region_q,
        due,
        due_place,
    };
    Ok(render(&page).into_response())
}

struct OutlineRow {
    level: u8,
    marker: String,
    title: String,
    href: String,
}

/// One indicator of the 目标台账 on the plan page.
struct TargetView {
    /// Item key of the primary mention (its 更正 link).
    key_q: String,
    indicator: String,
    value: String,
    unit: String,
    year: String,
    /// Figures for other years: `2024年 22000亿元`.
    milestones: Vec<String>,
    baseline: String,
    attribute: String,
    /// `增量` or `水平`.
    measure: &'static str,
    qualifier: String,
    text: String,
    href: String,
    mark: String,
    /// Why the mentions need a look (待核对); empty when they agree.
    review: String,
    sources: Vec<SourceView>,
}

/// One mention of an indicator: a link to its sentence and to its correction form.
struct SourceView {
    label: String,
    /// The innermost section (`第四节主要目标`), cut short; the whole path is in `section`.
    place: String,
    /// What this mention states when it differs from the row (`2027年 4万个`); else empty.
    figure: String,
    section: String,
    text: String,
    href: String,
    key_q: String,
    mark: String,
}

struct TaskView {
    key_q: String,
    section: String,
    task: String,
    /// 任务内容 in full, and its first characters when it is too long for a table cell (the
    /// page then folds the full text into a `<details>`).
    content: String,
    content_short: String,
    deadline: String,
    lead: Vec<(String, String)>,
    responsible: Vec<(String, String)>,
    href: String,
    mark: String,
}

struct ItemView {
    key_q: String,
    name: String,
    group: String,
    detail: String,
    places: Vec<(String, String)>,
    href: String,
    mark: String,
}

struct VersionRow {
    id: i64,
    seq: i64,
    file_name: String,
    size: i64,
    ingested_at: String,
    sha_short: String,
    extractor: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    nav: &'static str,
    title: String,
    s: PlanSummary,
    period: String,
    version: planwatch_store::VersionInfo,
    outline: Vec<OutlineRow>,
    targets: Vec<TargetView>,
    /// Target mentions of the plan JSON (the ledger merges them into `targets`).
    n_mentions: usize,
    tasks: Vec<TaskView>,
    industries: Vec<ItemView>,
    districts: Vec<ItemView>,
    platforms: Vec<ItemView>,
    versions: Vec<VersionRow>,
    /// (kind label, item, reason, kind, correction id)
    unmatched: Vec<(String, String, String, String, i64)>,
    deleted: Vec<(String, String)>,
    /// The review queue (待核对) of the machine extraction.
    review: Vec<ReviewView>,
    /// 规划体系: parents, children, unresolved references.
    family: planwatch_app::family::Family,
    /// Per corrected metadata field (title, issuer, region): what the machine read, for the
    /// 已更正 mark's tooltip; empty when not corrected.
    meta_title: String,
    meta_issuer: String,
    meta_region: String,
}

/// One entry of the plan page's 待核对 list.
struct ReviewView {
    /// 目标 / 任务 / 产业 / 原文句子.
    kind: &'static str,
    reason: String,
    text: String,
    /// Link to the highlighted source sentence.
    href: String,
    /// Link to the correction form of the item, or to the form that adds one.
    edit: String,
    edit_label: &'static str,
}

/// The 待核对 list: each entry one click from its highlighted sentence and from the correction
/// form of its item (found by span in the effective plan, so it survives corrections), or the
/// form to add the item a sentence did not give.
fn review_views(eff: &EffectivePlan, id: i64, vid: i64) -> Vec<ReviewView> {
    let p = &eff.plan;
    let key_of = |kind: &str, span: planwatch_core::model::Span| -> Option<String> {
        let (spans, refs): (Vec<_>, &Vec<planwatch_store::ItemRef>) = match kind {
            "target" => (p.targets.iter().map(|t| t.span).collect(), &eff.refs.targets),
            "task" => (p.tasks.iter().map(|t| t.span).collect(), &eff.refs.tasks),
            "industry" => (p.industries.iter().map(|t| t.span).collect(), &eff.refs.industries),
            _ => return None,
        };
        spans.iter().position(|s| *s == span).and_then(|k| refs.get(k)).map(|r| enc(&r.key))
    };
    p.review
        .iter()
        .map(|r| {
            let (kind, form) = match r.kind.as_str() {
                "target" => ("目标", "target"),
                "task" => ("任务", "task"),
                "industry" => ("产业", "industry"),
                "more" => ("", ""),
                _ => ("原文句子", "target"),
            };
            let key = key_of(&r.kind, r.span);
            let (edit, edit_label) = match (&key, form) {
                (_, "") => (String::new(), ""),
                (Some(k), f) => (format!("/plans/{id}/edit/{f}?key={k}"), "更正"),
                (None, f) => (format!("/plans/{id}/edit/{f}"), "新增"),
            };
            ReviewView {
                kind,
                reason: r.reason.clone(),
                text: r.text.clone(),
                href: if r.kind == "more" { String::new() } else { source_href(id, vid, r.span) },
                edit,
                edit_label,
            }
        })
        .collect()
}

/// Characters of a task's content a table cell shows before the rest folds away.
const CONTENT_PREVIEW_CHARS: usize = 60;

/// The start of `content` on one line, cut to [`CONTENT_PREVIEW_CHARS`] and ending in `…`,
/// when `content` is longer than that or has several lines; empty when it fits a cell as it is.
fn preview(content: &str) -> String {
    if !content.contains('\n') && content.chars().nth(CONTENT_PREVIEW_CHARS).is_none() {
        return String::new();
    }
    let cut: String = content.chars().map(|c| if c == '\n' { ' ' } else { c }).take(CONTENT_PREVIEW_CHARS).collect();
    format!("{}…", cut.trim_end())
}

fn mark(state: planwatch_store::ItemState) -> String {
    state.mark().unwrap_or_default().to_string()
}

fn describe(v: &Option<serde_json::Value>) -> String {
    let Some(serde_json::Value::Object(o)) = v else { return String::new() };
    for k in ["indicator", "title", "name", "subject", "text"] {
        if let Some(serde_json::Value::String(s)) = o.get(k) {
            if !s.is_empty() {
                return s.chars().take(60).collect();
            }
        }
    }
    String::new()
}

fn plan_page(
    s: PlanSummary,
    version: planwatch_store::VersionInfo,
    eff: &EffectivePlan,
    versions: Vec<planwatch_store::VersionInfo>,
    family: planwatch_app::family::Family,
) -> PlanPage {
    let id = s.id;
    let vid = version.id;
    let p = &eff.plan;
    let href = |span| source_href(id, vid, span);
    let owners = |t: &planwatch_core::model::Task, role: &str| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for o in t.owners.iter().filter(|o| o.role == role) {
            if !out.iter().any(|x| x.0 == o.canonical) {
                out.push((o.canonical.clone(), department_href(&o.canonical, &s.region)));
            }
        }
        out
    };
    let targets = target_rows(eff)
        .into_iter()
        .map(|row| {
            let figure = |v: f64, max: Option<f64>| match max {
                Some(m) => format!("{}—{}", num(v), num(m)),
                None => num(v),
            };
            let n = row.sources.len();
            // The row's figure, to tell the mentions that state another.
            let shown = (row.value, row.value_max, row.unit.clone(), row.year);
            TargetView {
                key_q: enc(row.sources.iter().find(|s| s.primary).map_or("", |s| s.key.as_str())),
                indicator: row.indicator,
                value: figure(row.value, row.value_max),
                unit: row.unit,
                year: row.year.map(|y| y.to_string()).unwrap_or_else(|| "未写明".into()),
                milestones: row
                    .milestones
                    .iter()
                    .map(|m| {
                        let y = m.year.map(|y| format!("{y}年 ")).unwrap_or_default();
                        format!("{y}{}{}", figure(m.value, m.value_max), m.unit)
                    })
                    .collect(),
                baseline: match (row.baseline_value, row.baseline_year) {
                    (Some(v), Some(y)) => format!("{}({y}年)", num(v)),
                    (Some(v), None) => num(v),
                    _ => String::new(),
                },
                attribute: row.attribute.unwrap_or_default(),
                measure: if row.increment { "增量" } else { "水平" },
                qualifier: row.qualifier,
                text: row.source,
                href: href(row.span),
                mark: row.correction.unwrap_or_default(),
                review: row.review.unwrap_or_default(),
                sources: row
                    .sources
                    .into_iter()
                    .enumerate()
                    .map(|(k, s)| SourceView {
                        label: match (s.table, n) {
                            (true, _) => "专栏指标表".to_string(),
                            (false, 1) => "原文".to_string(),
                            (false, _) => format!("原文{}", k + 1),
                        },
                        place: {
                            let inner = s.section.rsplit(" / ").next().unwrap_or_default();
                            let mut cut: String = inner.chars().take(24).collect();
                            if cut.len() < inner.len() {
                                cut.push('…');
                            }
                            cut
                        },
                        figure: {
                            let same_figure = s.value == shown.0 && s.value_max == shown.1 && s.unit == shown.2;
                            match (s.year == shown.3, same_figure) {
                                (true, true) => String::new(),
                                (same_year, _) => {
                                    let year = match s.year {
                                        Some(y) if !same_year => format!("{y}年 "),
                                        None if !same_year => "未写年份 ".to_string(),
                                        _ => String::new(),
                                    };
                                    format!("{year}{}{}", figure(s.value, s.value_max), s.unit)
                                }
                            }
                        },
                        section: s.section,
                        text: s.source,
                        href: href(s.span),
                        key_q: enc(&s.key),
                        mark: s.correction.unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect();
    let tasks = p
        .tasks
        .iter()
        .zip(&eff.refs.tasks)
        .zip(task_rows(eff))
        .map(|((t, r), row)| TaskView {
            key_q: enc(&r.key),
            section: row.section,
            task: row.task,
            content_short: preview(&row.content),
            content: row.content,
            deadline: row.deadline.unwrap_or_default(),
            lead: owners(t, "lead"),
            responsible: owners(t, "responsible"),
            href: href(t.span),
            mark: mark(r.state),
        })
        .collect();
    let industries = p
        .industries
        .iter()
        .zip(&eff.refs.industries)
        .map(|(i, r)| ItemView {
            key_q: enc(&r.key),
            name: i.name.clone(),
            group: i.group.clone(),
            detail: i.segments.join("、"),
            places: Vec::new(),
            href: href(i.span),
            mark: mark(r.state),
        })
        .collect();
    let districts = p
        .districts
        .iter()
        .zip(&eff.refs.districts)
        .map(|(d, r)| {
            let names = if d.canonical.is_empty() { &d.districts } else { &d.canonical };
            ItemView {
                key_q: enc(&r.key),
                name: d.subject.clone(),
                group: String::new(),
                detail: String::new(),
                places: names.iter().map(|n| (n.clone(), enc(n))).collect(),
                href: href(d.span),
                mark: mark(r.state),
            }
        })
        .collect();
    let platforms = p
        .platforms
        .iter()
        .zip(&eff.refs.platforms)
        .map(|(x, r)| ItemView {
            key_q: enc(&r.key),
            name: x.name.clone(),
            group: String::new(),
            detail: x.subject.clone(),
            places: Vec::new(),
            href: href(x.span),
            mark: mark(r.state),
        })
        .collect();
    PlanPage {
        nav: "plans",
        title: plan_title(eff),
        period: period(s.period_start, s.period_end),
        outline: p
            .outline
            .iter()
            .map(|o| OutlineRow {
                level: o.level.min(4),
                marker: o.marker.clone(),
                title: o.title.clone(),
                href: href(o.span),
            })
            .collect(),
        targets,
        n_mentions: p.targets.len(),
        tasks,
        industries,
        districts,
        platforms,
        versions: versions
            .into_iter()
            .map(|v| VersionRow {
                id: v.id,
                seq: v.seq,
                sha_short: v.sha256.chars().take(12).collect(),
                file_name: v.file_name,
                size: v.size,
                ingested_at: crate::zh::beijing(&v.ingested_at),
                extractor: v.extractor,
                current: v.current,
            })
            .collect(),
        unmatched: eff
            .unmatched
            .iter()
            .map(|u| {
                let c = &u.correction;
                (c.kind.label().to_string(), describe(&c.original), u.reason.clone(), c.kind.as_str().to_string(), c.id)
            })
            .collect(),
        deleted: eff.deleted.iter().map(|c| (c.kind.label().to_string(), describe(&c.original))).collect(),
        review: review_views(eff, id, vid),
        meta_title: meta_mark(eff, planwatch_store::MetaField::Title),
        meta_issuer: meta_mark(eff, planwatch_store::MetaField::Issuer),
        meta_region: meta_mark(eff, planwatch_store::MetaField::Region),
        s,
        version,
        family,
    }
}

/// The tooltip of a corrected metadata field's 已更正 mark (empty when not corrected).
fn meta_mark(eff: &EffectivePlan, field: planwatch_store::MetaField) -> String {
    eff.meta_correction(field)
        .map(|c| {
            let was = if c.original.is_empty() { "未识别" } else { c.original.as_str() };
            format!("机器抽取值:{was}({} 更正)", c.author)
        })
        .unwrap_or_default()
}

pub(crate) fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| AppError::NotFound(format!("没有编号为“{raw}”的规划。")))
}

pub async fn plan(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    // The page shows the plan's family (规划体系), which changes when any plan is stored: it
    // is cached by the plan's revision and the store's generation together.
    let key = db(&state, move |s| match s.plan_rev(id)? {
        Some(rev) => Ok(Some(page_key(rev, s.generation()?))),
        None => Ok(None),
    })
    .await?
    .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的规划。")))?;
    if let Some(bytes) = state.cache.get("plan", id, key) {
        return Ok(html_bytes(bytes));
    }
    let (view, versions, family, generation) = db(&state, move |s| {
        let generation = s.generation()?;
        Ok((s.plan_view(id)?, s.versions(id)?, planwatch_app::family::family(s, id)?, generation))
    })
    .await?;
    let key = page_key(view.summary.rev, generation);
    let page = plan_page(view.summary, view.version, &view.effective, versions, family);
    let body = render(&page).0.into_bytes();
    Ok(html_bytes(state.cache.put("plan", id, key, body)))
}

/// The cache key of a workspace-wide page (`/family`, `/taxonomy`): the store's
/// [`planwatch_store::Store::workspace_version`].
pub(crate) fn workspace_key((generation, revs): (u64, i64)) -> i64 {
    page_key(revs, generation)
}

/// The cache key of a plan page: its revision and the store's generation (both only grow).
fn page_key(rev: i64, generation: u64) -> i64 {
    rev.wrapping_mul(1 << 32).wrapping_add(generation as i64)
}

pub(crate) fn html_bytes(bytes: std::sync::Arc<Vec<u8>>) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes.as_ref().clone()).into_response()
}

struct Seg {
    text: String,
    hl: bool,
    first: bool,
}

struct Line {
    offset: usize,
    segs: Vec<Seg>,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    nav: &'static str,
    plan_id: i64,
    title: String,
    seq: i64,
    file_name: String,
    version_id: i64,
    lines: Vec<Line>,
    has_hl: bool,
    pick_kind: String,
    pick_key: String,
    csrf: String,
}

#[derive(Deserialize)]
pub struct SourceQuery {
    v: Option<i64>,
    s: Option<usize>,
    e: Option<usize>,
    #[serde(default)]
    pick: String,
    #[serde(default)]
    key: String,
}

/// Splits the source text into lines, marking the bytes of `hl` (clamped to character
/// boundaries).
fn source_lines(text: &str, hl: Option<(usize, usize)>) -> (Vec<Line>, bool) {
    let hl = hl.map(|(a, b)| {
        let a = floor_char(text, a.min(text.len()));
        let b = floor_char(text, b.min(text.len()));
        (a, b.max(a))
    });
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut first = true;
    let mut any = false;
    for line in text.split('\n') {
        let end = offset + line.len();
        let mut segs = Vec::new();
        match hl {
            Some((a, b)) if a < end && b > offset && b > a => {
                let (la, lb) = (a.max(offset) - offset, b.min(end) - offset);
                if la > 0 {
                    segs.push(Seg { text: line[..la].to_string(), hl: false, first: false });
                }
                segs.push(Seg { text: line[la..lb].to_string(), hl: true, first });
                first = false;
                any = true;
                if lb < line.len() {
                    segs.push(Seg { text: line[lb..].to_string(), hl: false, first: false });
                }
            }
            _ => segs.push(Seg { text: line.to_string(), hl: false, first: false }),
        }
        lines.push(Line { offset, segs });
        offset = end + 1;
    }
    (lines, any)
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub async fn source(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<SourceQuery>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let summary = db(&state, move |s| s.plan_summary(id)).await?;
    let vid = q.v.unwrap_or(summary.current_version);
    let versions = db(&state, move |s| s.versions(id)).await?;
    let version = versions
        .into_iter()
        .find(|v| v.id == vid)
        .ok_or_else(|| AppError::NotFound(format!("规划 {id} 没有版本 {vid}。")))?;
    let text = db(&state, move |s| s.source_text(vid)).await?;
    let (lines, has_hl) = source_lines(&text, q.s.zip(q.e));
    let pick_kind = match planwatch_store::ItemKind::parse(&q.pick) {
        Some(k) => k.as_str().to_string(),
        None => String::new(),
    };
    let page = SourcePage {
        nav: "plans",
        plan_id: id,
        title: summary.title,
        seq: version.seq,
        file_name: version.file_name,
        version_id: vid,
        lines,
        has_hl,
        csrf: if pick_kind.is_empty() { String::new() } else { auth::csrf_of(&state, &headers).await },
        pick_kind,
        pick_key: q.key,
    };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct VersionQuery {
    v: Option<i64>,
}

/// The original file, as uploaded, always as a download (never rendered by the browser).
pub async fn original(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let summary = db(&state, move |s| s.plan_summary(id)).await?;
    let vid = q.v.unwrap_or(summary.current_version);
    let versions = db(&state, move |s| s.versions(id)).await?;
    if !versions.iter().any(|v| v.id == vid) {
        return Err(AppError::NotFound(format!("规划 {id} 没有版本 {vid}。")));
    }
    let (name, bytes) = db(&state, move |s| s.original(vid)).await?;
    Ok(download(&name, "application/octet-stream", bytes))
}

/// A download response with a safe, RFC 6266 file name.
pub fn download(name: &str, mime: &'static str, bytes: Vec<u8>) -> Response {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", enc(name));
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(mime));
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// An export of a plan, cached by revision.
async fn export(state: Shared, id: &str, what: &'static str) -> Result<Response, AppError> {
    let id = parse_id(id)?;
    let rev = db(&state, move |s| s.plan_rev(id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("没有编号为 {id} 的规划。")))?;
    let (mime, stem, ext) = match what {
        "tasks.xlsx" => (XLSX, "任务分工表", "xlsx"),
        "tasks.csv" => ("text/csv; charset=utf-8", "任务分工表", "csv"),
        "tasks.json" => ("application/json", "任务分工表", "json"),
        "targets.xlsx" => (XLSX, "目标台账", "xlsx"),
        "targets.csv" => ("text/csv; charset=utf-8", "目标台账", "csv"),
        _ => ("application/json", "目标台账", "json"),
    };
    let name = format!("{stem}-{id}.{ext}");
    if let Some(bytes) = state.cache.get(what, id, rev) {
        return Ok(download(&name, mime, bytes.as_ref().clone()));
    }
    let view = db(&state, move |s| s.plan_view(id)).await?;
    let eff = view.effective;
    let rev = view.summary.rev;
    let bytes = tokio::task::spawn_blocking(move || {
        let title = plan_title(&eff);
        match what {
            "tasks.xlsx" => planwatch_export::tasks_xlsx(&title, &task_rows(&eff)),
            "tasks.csv" => planwatch_export::tasks_csv(&task_rows(&eff)),
            "tasks.json" => planwatch_export::tasks_json(&task_rows(&eff)),
            "targets.xlsx" => planwatch_export::targets_xlsx(&title, &target_rows(&eff)),
            "targets.csv" => planwatch_export::targets_csv(&target_rows(&eff)),
            _ => planwatch_export::targets_json(&target_rows(&eff)),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("导出失败:{e}")))?;
    let bytes = state.cache.put(what, id, rev, bytes);
    Ok(download(&name, mime, bytes.as_ref().clone()))
}

pub async fn tasks_xlsx(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "tasks.xlsx").await
}
pub async fn tasks_csv(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "tasks.csv").await
}
pub async fn tasks_json(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "tasks.json").await
}
pub async fn targets_xlsx(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "targets.xlsx").await
}
pub async fn targets_csv(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "targets.csv").await
}
pub async fn targets_json(State(state): State<Shared>, Path(id): Path<String>) -> Result<Response, AppError> {
    export(state, &id, "targets.json").await
}

/// One row of the department index: a department of one region, or the group of generic owners.
struct OwnerRow {
    owner: String,
    region: String,
    generic: bool,
    n_lead: i64,
    n_responsible: i64,
    n_plans: i64,
    href: String,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    nav: &'static str,
    owners: Vec<OwnerRow>,
    pager: Pager,
    region_sel: RegionSelect,
    keep: Vec<(&'static str, String)>,
}

pub async fn departments(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let region_sel = region_select(&state, &headers, &q.region).await?;
    let region = region_sel.region.clone();
    let owners = db(&state, move |s| s.owners(planwatch_store::RegionFilter::of_selected(&region))).await?;
    let region_q = region_sel.query();
    let (owners, pager) = Pager::cut(owners, page_no(&q.page), |n| format!("/departments?{region_q}&page={n}"));
    let owners = owners
        .into_iter()
        .map(|o| OwnerRow {
            href: department_href(&o.owner, &o.region),
            owner: o.owner,
            region: o.region,
            generic: o.generic,
            n_lead: o.n_lead,
            n_responsible: o.n_responsible,
            n_plans: o.n_plans,
        })
        .collect();
    Ok(render(&DepartmentsPage { nav: "departments", owners, pager, region_sel, keep: Vec::new() }).into_response())
}

struct OwnerTaskView {
    plan_id: i64,
    plan_title: String,
    region: String,
    section: String,
    task: String,
    /// The name as the task's owner, when the page lists several (the generic group).
    owner: String,
    role: &'static str,
    href: String,
    corrected: bool,
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    nav: &'static str,
    name: String,
    generic: bool,
    written: String,
    n_lead: usize,
    n_resp: usize,
    tasks: Vec<OwnerTaskView>,
    pager: Pager,
    region_sel: RegionSelect,
    keep: Vec<(&'static str, String)>,
    region_q: String,
}

/// A department's tasks: those of its region (`?region=`, by default the user's own), for a
/// department is a region and a name; [`planwatch_store::GENERIC_OWNERS`] lists the tasks of
/// every generic owner (多部门, 各区县政府 …).
pub async fn department(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    if name.chars().count() > planwatch_store::limits::DEPARTMENT.max_chars {
        return Err(AppError::NotFound(format!(
            "没有名称这样长的部门(至多 {} 个字符)。",
            planwatch_store::limits::DEPARTMENT.max_chars
        )));
    }
    let region_sel = region_select(&state, &headers, &q.region).await?;
    let (n, region) = (name.clone(), region_sel.region.clone());
    let tasks = db(&state, move |s| s.owner_tasks(&n, planwatch_store::RegionFilter::of_selected(&region))).await?;
    if tasks.is_empty() {
        let where_ = if region_sel.region.is_empty() { String::new() } else { format!("{}的", region_sel.region) };
        return Err(AppError::NotFound(format!(
            "没有{where_}部门“{name}”承担的任务。同名部门在不同地区是不同部门:可在“部门”页选择地区或“全部地区”。"
        )));
    }
    let generic = name == planwatch_store::GENERIC_OWNERS;
    let mut written: Vec<String> = Vec::new();
    for t in &tasks {
        if !generic && t.written != t.owner && !written.contains(&t.written) {
            written.push(t.written.clone());
        }
    }
    let views: Vec<OwnerTaskView> = tasks
        .into_iter()
        .map(|t| OwnerTaskView {
            href: source_href(t.plan_id, t.version_id, t.span),
            plan_id: t.plan_id,
            plan_title: t.plan_title,
            region: t.region,
            section: t.section,
            task: t.task,
            owner: if generic { t.written } else { String::new() },
            role: if t.role == "lead" { "牵头" } else { "责任/配合" },
            corrected: t.corrected,
        })
        .collect();
    let (n_lead, n_resp) =
        (views.iter().filter(|v| v.role == "牵头").count(), views.iter().filter(|v| v.role != "牵头").count());
    let link = enc(&name);
    let region_q = region_sel.query();
    let (views, pager) = Pager::cut(views, page_no(&q.page), |n| format!("/departments/{link}?{region_q}&page={n}"));
    let page = DepartmentPage {
        nav: "departments",
        n_lead,
        n_resp,
        name,
        generic,
        written: written.join("、"),
        tasks: views,
        pager,
        region_sel,
        keep: Vec::new(),
        region_q,
    };
    Ok(render(&page).into_response())
}

/// A place of the list: name, plan items, plans, its link, indicators with values.
struct PlaceLine {
    name: String,
    items: i64,
    plans: i64,
    href: String,
    indicators: i64,
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    nav: &'static str,
    places: Vec<PlaceLine>,
    pager: Pager,
    region_sel: RegionSelect,
    keep: Vec<(&'static str, String)>,
}

/// The places named in plans' district mappings and the places with monitoring values
/// (a district that reports figures has a page even when no plan names it).
pub async fn places(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let region_sel = region_select(&state, &headers, &q.region).await?;
    let region = region_sel.region.clone();
    let places = db(&state, move |s| {
        let filter = planwatch_store::RegionFilter::of_selected(&region);
        let mut lines: Vec<PlaceLine> = s
            .places(filter)?
            .into_iter()
            .map(|(name, items, plans)| PlaceLine { href: enc(&name), name, items, plans, indicators: 0 })
            .collect();
        let mut at: std::collections::HashMap<String, usize> =
            lines.iter().enumerate().map(|(n, l)| (l.name.clone(), n)).collect();
        for (place, _region, indicators) in s.monitored_places(filter)? {
            match at.get(&place) {
                Some(&n) => lines[n].indicators += indicators,
                None => {
                    at.insert(place.clone(), lines.len());
                    lines.push(PlaceLine { href: enc(&place), name: place, items: 0, plans: 0, indicators });
                }
            }
        }
        Ok(lines)
    })
    .await?;
    let region_q = region_sel.query();
    let (places, pager) = Pager::cut(places, page_no(&q.page), |n| format!("/places?{region_q}&page={n}"));
    let page = PlacesPage { nav: "places", places, pager, region_sel, keep: Vec::new() };
    Ok(render(&page).into_response())
}

struct PlaceItemView {
    plan_id: i64,
    plan_title: String,
    label: String,
    detail: String,
    href: String,
    corrected: bool,
}

struct PlaceGroup {
    label: &'static str,
    items: Vec<PlaceItemView>,
}

/// The newest value of one indicator at the place.
struct PlaceValueLine {
    name: String,
    code: String,
    href: String,
    value: String,
    unit: String,
    period: String,
    /// Why it is 待核实 (empty: not flagged).
    flagged: String,
    synthetic: bool,
}

/// The place's rank in one index of its region.
struct PlaceRankLine {
    index: String,
    index_q: String,
    period: String,
    /// “第 2 名 / 共 8 个”, or why it is not ranked.
    rank: String,
}

/// What is monitored of the place in one region.
struct PlaceMonitoring {
    region: String,
    values: Vec<PlaceValueLine>,
    ranks: Vec<PlaceRankLine>,
}

#[derive(Template)]
#[template(path = "place.html")]
struct PlacePage {
    nav: &'static str,
    name: String,
    groups: Vec<PlaceGroup>,
    monitoring: Vec<PlaceMonitoring>,
    synthetic: bool,
}

/// What is monitored of `place`: its newest value of each indicator and its rank in each
/// index of the region (live ranking of the newest period).
fn place_monitoring(
    s: &planwatch_store::Store,
    place: &str,
) -> Result<Vec<PlaceMonitoring>, planwatch_store::StoreError> {
    let latest = s.place_latest(place)?;
    if latest.is_empty() {
        return Ok(Vec::new());
    }
    let imports = s.imports_by_id()?;
    let mut out: Vec<PlaceMonitoring> = Vec::new();
    for v in latest {
        let region = v.indicator.region.clone();
        if out.last().is_none_or(|m| m.region != region) {
            out.push(PlaceMonitoring { region, values: Vec::new(), ranks: Vec::new() });
        }
        let ind = &v.indicator;
        let href = match ind.document_id {
            Some(id) => format!("/plans/{id}/progress/{}", enc(&ind.code)),
            None => format!("/maps?indicator={}", enc(&ind.code)),
        };
        if let Some(m) = out.last_mut() {
            m.values.push(PlaceValueLine {
                name: ind.name.clone(),
                code: ind.code.clone(),
                href,
                value: planwatch_monitor::units::format_number(
                    v.value,
                    planwatch_monitor::units::rounding(&ind.unit, &ind.name).decimals(),
                ),
                unit: ind.unit.clone(),
                period: v.period.label(),
                flagged: v.flagged.clone().unwrap_or_default(),
                synthetic: imports.get(&v.import_id).is_some_and(|i| i.1),
            });
        }
    }
    let indices = s.indices()?;
    for m in &mut out {
        for index in indices.iter().filter(|i| i.region == m.region) {
            let line = match planwatch_app::monitoring::ranking(s, &index.name, None) {
                Ok(view) => {
                    let total = view.rows.len();
                    let rank = match view.rows.iter().find(|r| r.place == place) {
                        Some(r) => format!("第 {} 名 / 共 {total} 个", r.rank),
                        None => match view.unranked.iter().find(|u| u.0 == place) {
                            Some((_, why)) => format!("未排名:{why}"),
                            None => "未排名(本期没有该地的数据)".into(),
                        },
                    };
                    PlaceRankLine {
                        index: index.name.clone(),
                        index_q: enc(&index.name),
                        period: view.period.label(),
                        rank,
                    }
                }
                Err(_) => PlaceRankLine {
                    index: index.name.clone(),
                    index_q: enc(&index.name),
                    period: String::new(),
                    rank: "尚无可排名的数据".into(),
                },
            };
            m.ranks.push(line);
        }
    }
    Ok(out)
}

pub async fn place(State(state): State<Shared>, Path(name): Path<String>) -> Result<Response, AppError> {
    if name.chars().count() > 100 {
        return Err(AppError::NotFound("区县名称过长:请从区县列表进入。".into()));
    }
    let n = name.clone();
    let (items, monitoring) = db(&state, move |s| Ok((s.place_items(&n)?, place_monitoring(s, &n)?))).await?;
    if items.is_empty() && monitoring.is_empty() {
        return Err(AppError::NotFound(format!(
            "没有“{name}”:规划的区县布局中没有分配给它的产业、任务或平台,也没有它的监测数据。请从区县列表(/places)进入,或检查名称(如 包河区)。"
        )));
    }
    let mut groups = vec![
        PlaceGroup { label: "产业布局", items: Vec::new() },
        PlaceGroup { label: "任务", items: Vec::new() },
        PlaceGroup { label: "平台", items: Vec::new() },
    ];
    for i in items {
        let g = match i.kind.as_str() {
            "industry" => 0,
            "task" => 1,
            _ => 2,
        };
        groups[g].items.push(PlaceItemView {
            href: source_href(i.plan_id, i.version_id, i.span),
            plan_id: i.plan_id,
            plan_title: i.plan_title,
            label: i.label,
            detail: i.detail,
            corrected: i.corrected,
        });
    }
    groups.retain(|g| !g.items.is_empty());
    let synthetic = monitoring.iter().any(|m| m.values.iter().any(|v| v.synthetic));
    Ok(render(&PlacePage { nav: "places", name, groups, monitoring, synthetic }).into_response())
}

/// One industry of the matrix: its name, how many plans list it, and a cell per plan
/// (set, segments for the tooltip).
struct MatrixRow {
    industry: String,
    plans: i64,
    cells: Vec<(bool, String)>,
}

#[derive(Template)]
#[template(path = "industries.html")]
struct IndustriesPage {
    nav: &'static str,
    plans: Vec<PlanSummary>,
    /// Column heads: (plan id, region, title without the region, full title).
    columns: Vec<(i64, String, String, String)>,
    rows: Vec<MatrixRow>,
    /// Distinct industries; more than `rows.len()` only past [`MATRIX_INDUSTRIES`].
    total_industries: i64,
    region_sel: RegionSelect,
    keep: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default)]
pub struct RegionQuery {
    #[serde(default)]
    region: String,
}

/// Industries the matrix lists at most (a bound on the page, far above what plans hold; the
/// page says when it is reached).
const MATRIX_INDUSTRIES: usize = 2000;

pub async fn industries(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<RegionQuery>,
) -> Result<Response, AppError> {
    let region_sel = region_select(&state, &headers, &q.region).await?;
    let region = region_sel.region.clone();
    let m =
        db(&state, move |s| s.industry_matrix(MATRIX_INDUSTRIES, planwatch_store::RegionFilter::of_selected(&region)))
            .await?;
    // Industries are rows (every one of them) and plans columns: plans are few, industries
    // many, and a row label reads across where a column header would have to stand on end.
    let mut rows: Vec<MatrixRow> = m
        .industries
        .iter()
        .map(|(name, n)| MatrixRow {
            industry: name.clone(),
            plans: *n,
            cells: vec![(false, String::new()); m.plans.len()],
        })
        .collect();
    for (p, i, seg) in m.cells {
        rows[i].cells[p] = (true, if seg.is_empty() { "列为重点产业".into() } else { seg });
    }
    let columns = m
        .plans
        .iter()
        .map(|p| {
            let own = p.title.strip_prefix(p.region.as_str()).unwrap_or(&p.title);
            let short: String = own.chars().take(12).collect();
            let short = if own.chars().count() > 12 { format!("{short}…") } else { short };
            (p.id, p.region.clone(), short, p.title.clone())
        })
        .collect();
    let page = IndustriesPage {
        nav: "industries",
        columns,
        plans: m.plans,
        total_industries: m.total_industries,
        rows,
        region_sel,
        keep: Vec::new(),
    };
    Ok(render(&page).into_response())
}

/// Search parameters of the page and the API (documented in the OpenAPI document).
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to find, e.g. 人工智能 (simplified or traditional); several words must all occur.
    /// Longer queries are cut to 256 characters.
    #[serde(default)]
    #[param(required = true, min_length = 1, pattern = r"\S")]
    pub q: String,
    /// Only plans of this region, e.g. 重庆市.
    #[serde(default)]
    pub region: String,
    /// Only plans of this issuer.
    #[serde(default)]
    pub issuer: String,
    /// Only plans of this year (an empty value, as an HTML form sends it, means any year).
    #[serde(default)]
    #[param(value_type = Option<i32>, minimum = 1949, maximum = 2100)]
    pub year: String,
    /// Hits to return (default 20); taken as 1 below 1 and as 100 above 100.
    #[param(minimum = 0, maximum = 1000000)]
    pub limit: Option<usize>,
    /// Hits to skip; taken as 10,000 above 10,000.
    #[param(minimum = 0, maximum = 1000000)]
    pub offset: Option<usize>,
}

impl SearchParams {
    pub fn query(&self) -> Result<SearchQuery, AppError> {
        let year = match self.year.trim() {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(n) if (1949..=2100).contains(&n) => Some(n),
                _ => return Err(AppError::BadRequest(format!("年份“{y}”应为 1949—2100 之间的数字,例如 2025。"))),
            },
        };
        if self.limit.unwrap_or(0) > 1_000_000 || self.offset.unwrap_or(0) > 1_000_000 {
            return Err(AppError::BadRequest("limit 和 offset 不能超过 1000000。".into()));
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(SearchQuery {
            q: self.q.clone(),
            region: opt(&self.region),
            issuer: opt(&self.issuer),
            year,
            limit: self.limit.unwrap_or(20).clamp(1, 100),
            offset: self.offset.unwrap_or(0).min(10_000),
            facets: true,
        })
    }
}

struct HitView {
    plan_id: i64,
    title: String,
    /// Region, issuer and year, the empty ones left out.
    about: String,
    href: String,
    snippet_html: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: &'static str,
    q: String,
    region: String,
    issuer: String,
    year: String,
    total: usize,
    plans: usize,
    hits: Vec<HitView>,
    /// Filters that narrow the result: (label, link, matching plans).
    facets: Vec<(String, String, usize)>,
    /// Links to the previous and next page of hits (empty at the ends).
    prev: String,
    next: String,
    error: String,
}

pub async fn run_search(state: &Shared, q: SearchQuery) -> Result<planwatch_search::SearchResults, AppError> {
    // Catch up with ingests made by other processes (at most once a second; the background
    // task and uploads sync too).
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    if state.last_sync_check.swap(now, std::sync::atomic::Ordering::Relaxed) != now {
        let _ = crate::sync::sync_index(state).await;
    }
    let index = state.search.clone();
    let cache = state.search_cache.clone();
    // Results are cached per reader generation (what searches see): any change to the index,
    // by this or another process, misses the cache.
    let key = cache.enabled().then(|| crate::cache::search_key(&q, index.reader_generation()));
    if let Some(hit) = key.as_deref().and_then(|k| cache.get(k)) {
        return Ok(hit);
    }
    let _permit = state.search_permits.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let res = index.search(&q)?;
        Ok(match key {
            Some(k) => cache.put(k, res),
            None => res,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| match e {
        planwatch_search::SearchError::Empty => AppError::BadRequest("请输入要搜索的词语。".into()),
        other => AppError::Internal(other.to_string()),
    })
}

pub async fn search(
    State(state): State<Shared>,
    p: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let Query(p) = p.map_err(|e| AppError::BadRequest(format!("搜索参数有误:{}", e.body_text())))?;
    let mut page = SearchPage {
        nav: "search",
        q: p.q.clone(),
        region: p.region.clone(),
        issuer: p.issuer.clone(),
        year: p.year.clone(),
        total: 0,
        plans: 0,
        hits: Vec::new(),
        facets: Vec::new(),
        prev: String::new(),
        next: String::new(),
        error: String::new(),
    };
    if !p.q.trim().is_empty() {
        match p.query() {
            Ok(q) => match run_search(&state, q).await {
                Ok(r) => {
                    page.total = r.total;
                    page.plans = r.plans;
                    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(20).clamp(1, 100));
                    let at = |o: usize| {
                        format!(
                            "/search?q={}&region={}&issuer={}&year={}&offset={o}",
                            enc(&p.q),
                            enc(&p.region),
                            enc(&p.issuer),
                            enc(&p.year)
                        )
                    };
                    if offset > 0 {
                        page.prev = at(offset.saturating_sub(limit));
                    }
                    if offset + limit < r.total.min(10_000) {
                        page.next = at(offset + limit);
                    }
                    let link = |region: &str, issuer: &str, year: &str| {
                        format!(
                            "/search?q={}&region={}&issuer={}&year={}",
                            enc(&p.q),
                            enc(region),
                            enc(issuer),
                            enc(year)
                        )
                    };
                    if p.region.trim().is_empty() {
                        for f in r.facets.regions.iter().take(8) {
                            page.facets.push((f.value.clone(), link(&f.value, &p.issuer, &p.year), f.plans));
                        }
                    }
                    if p.year.trim().is_empty() {
                        for f in r.facets.years.iter().take(6) {
                            let y = f.year.to_string();
                            page.facets.push((format!("{y}年"), link(&p.region, &p.issuer, &y), f.plans));
                        }
                    }
                    // A title is indexed on its own and usually also stands in the text:
                    // show such a passage once.
                    let mut seen = std::collections::HashSet::new();
                    page.hits = r
                        .hits
                        .into_iter()
                        .filter(|h| seen.insert((h.plan_id, h.snippet.clone())))
                        .map(|h| HitView {
                            href: source_href(h.plan_id, h.version_id, h.span),
                            plan_id: h.plan_id,
                            about: [h.region, h.issuer, h.year.map(|y| y.to_string()).unwrap_or_default()]
                                .into_iter()
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(" · "),
                            title: h.title,
                            snippet_html: h.snippet_html,
                        })
                        .collect();
                }
                Err(e) => page.error = e.to_string(),
            },
            Err(e) => page.error = e.to_string(),
        }
    }
    Ok(render(&page).into_response())
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    nav: &'static str,
    csrf: String,
    max_mb: usize,
}

pub async fn upload_form(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let page = UploadPage {
        nav: "upload",
        csrf: auth::csrf_of(&state, &headers).await,
        max_mb: state.config.max_upload / (1024 * 1024),
    };
    render(&page).into_response()
}

/// Checks an uploaded file before anything is stored: name, size and recognised content.
pub fn check_upload(name: &str, bytes: &[u8], max: usize) -> Result<(), AppError> {
    if bytes.is_empty() {
        return Err(AppError::BadRequest(format!("文件“{name}”是空的,请选择有内容的文件。")));
    }
    if bytes.len() > max {
        return Err(AppError::TooLarge(format!(
            "文件“{name}”有 {:.1} MB,超过上限 {} MB。请拆分文件,或由管理员调高 --max-upload。",
            bytes.len() as f64 / 1048576.0,
            max / 1048576
        )));
    }
    // Content decides, not the extension; unreadable content (a scanned PDF, a legacy .doc,
    // .wps or OFD) is refused by the reader, with its reason in Chinese, before anything is
    // stored.
    Ok(())
}

/// A plain file name: no directories, no control characters. (Its length is the store's to
/// limit, the same for every front end.)
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    if cleaned.trim().is_empty() || cleaned == "." || cleaned == ".." {
        "upload".to_string()
    } else {
        cleaned
    }
}

/// The fields of an upload form: the CSRF token, the file (name cleaned) and any other
/// text fields.
pub struct UploadForm {
    pub csrf: String,
    pub file: Option<(String, Vec<u8>)>,
    pub fields: Vec<(String, String)>,
}

/// Reads a multipart upload form; a body over the limit is a 413 naming the limit.
pub async fn read_upload_form(form: &mut Multipart, max_upload: usize) -> Result<UploadForm, AppError> {
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!("上传的文件超过上限 {} MB。", max_upload / 1048576))
        } else {
            AppError::BadRequest(format!("上传的表单无法读取:{e}"))
        }
    };
    let mut out = UploadForm { csrf: String::new(), file: None, fields: Vec::new() };
    while let Some(field) = form.next_field().await.map_err(too_large)? {
        match field.name().map(str::to_string).as_deref() {
            Some("csrf") => out.csrf = field.text().await.map_err(too_large)?,
            Some("file") => {
                let name = clean_name(field.file_name().unwrap_or("upload"));
                let bytes = field.bytes().await.map_err(too_large)?;
                out.file = Some((name, bytes.to_vec()));
            }
            Some(other) => {
                let name = other.to_string();
                let value = field.text().await.map_err(too_large)?;
                out.fields.push((name, value));
            }
            None => {}
        }
    }
    Ok(out)
}

pub async fn upload(
    State(state): State<Shared>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let UploadForm { csrf, file, .. } = read_upload_form(&mut form, state.config.max_upload).await?;
    let actor = auth::require_form(&state, &headers, &csrf).await?;
    let (name, bytes) = file.ok_or_else(|| AppError::BadRequest("没有收到文件,请选择文件后再上传。".into()))?;
    check_upload(&name, &bytes, state.config.max_upload)?;
    let outcome = db(&state, move |s| s.ingest_bytes(&actor, &name, bytes)).await?;
    let _ = crate::sync::sync_index(&state).await;
    Ok(Redirect::to(&format!("/plans/{}", outcome.document_id())).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_content_previews_fold_long_or_multi_line_content() {
        assert_eq!(preview("落实用地指标。"), "");
        let exact = "甲".repeat(CONTENT_PREVIEW_CHARS);
        assert_eq!(preview(&exact), "");
        assert_eq!(preview(&format!("{exact}乙")), format!("{exact}…"));
        // A section's title and items: one line, so the preview shows more than the title.
        assert_eq!(preview("生物制造\n6)合成生物。研发底层技术。"), "生物制造 6)合成生物。研发底层技术。…");
    }
}

//! Monitoring pages: the overview (监测), a plan's progress, rankings, maps, reports, the
//! observation import form and templates. Figures come from [`planwatch_app::monitoring`]; charts are
//! SVG made on the server (`planwatch-report`), so every page reads without JavaScript.
//! Pages are cached by their URL and the store's version for the page's scope (generation and
//! the monitoring revisions of the regions the page shows): any write by this or another
//! process that could change the page changes that version, so no entry is ever stale, and
//! one region's districts writing leave another region's pages cached.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_monitor::progress::format_number;
use planwatch_monitor::{Period, Rollup};
use planwatch_report::charts;
use planwatch_store::monitor::{ImportError, ImportOptions, MonitorScope, TaskStatus};
use serde::Deserialize;

use crate::cache::Page;
use crate::pages::{enc, read_upload_form, render, UploadForm};
use crate::{auth, db, AppError, Shared};
use planwatch_app::monitoring::{self, FileRef, PlanProgress, RankingView};

fn opt_period(raw: &str, what: &str) -> Result<Option<Period>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Period::parse(raw).map(Some).map_err(|e| AppError::BadRequest(format!("{what}:{e}")))
}

fn pct(v: Option<f64>) -> String {
    v.map(planwatch_monitor::units::format_share).unwrap_or_else(|| "—".into())
}

/// A number in an indicator's unit, rounded by the unit's rule, the unit written after it.
fn unit_number(v: f64, ind: &planwatch_store::monitor::Indicator) -> String {
    use planwatch_monitor::units;
    units::format_number(v, units::rounding(&ind.unit, &ind.name).decimals())
}

/// A value of an indicator by its unit's rounding rule (`planwatch_monitor::units`).
fn value_of(v: Option<f64>, ind: &planwatch_store::monitor::Indicator) -> String {
    v.map(|v| planwatch_monitor::units::format_value(v, &ind.unit, &ind.name)).unwrap_or_else(|| "—".into())
}

/// Serves a cached page for this URL (`key`; empty: not shared) if nothing in its `scope` has
/// changed since it was made, gzip-compressed when the client accepts it (browsers do; the
/// compressed form is made once).
async fn cached(
    state: &Shared,
    headers: &HeaderMap,
    key: String,
    scope: MonitorScope,
    content_type: &'static str,
    make: impl FnOnce(&planwatch_store::Store) -> Result<Vec<u8>, AppError> + Send + 'static,
) -> Result<Response, AppError> {
    cached_in(state, &state.page_builds, headers, key, scope, content_type, make).await
}

/// [`cached`], made under a permit of `builds`.
async fn cached_in(
    state: &Shared,
    builds: &tokio::sync::Semaphore,
    headers: &HeaderMap,
    key: String,
    scope: MonitorScope,
    content_type: &'static str,
    make: impl FnOnce(&planwatch_store::Store) -> Result<Vec<u8>, AppError> + Send + 'static,
) -> Result<Response, AppError> {
    let gzip = accepts_gzip(headers);
    if key.is_empty() {
        // A page for one session only (it carries a CSRF token): made and sent, never shared.
        let store = state.store.clone();
        let bytes = tokio::task::spawn_blocking(move || make(&store))
            .await
            .map_err(|e| AppError::Internal(format!("worker failed: {e}")))??;
        return Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response());
    }
    let version = db(state, move |s| s.monitor_version_of(&scope)).await?;
    let mut hit = state.pages.get(&key, &version);
    let _permit = if hit.is_none() {
        let permit = builds.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        hit = state.pages.get(&key, &version);
        Some(permit)
    } else {
        None
    };
    let (body, compressed) = match hit {
        Some(page) if !gzip => (page.plain, false),
        Some(Page { gzip: Some(gz), .. }) => (gz, true),
        other => {
            let store = state.store.clone();
            let page = match other {
                Some(p) => p,
                None => {
                    state.pages_made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let bytes = tokio::task::spawn_blocking(move || make(&store))
                        .await
                        .map_err(|e| AppError::Internal(format!("worker failed: {e}")))??;
                    Page { plain: bytes.into(), gzip: None }
                }
            };
            let mut page = page;
            let out = if gzip { (page.compress(), true) } else { (page.plain.clone(), false) };
            state.pages.put(key, version, page);
            out
        }
    };
    let mut res = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if compressed {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(res)
}

pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| p.trim().replace(' ', "") == "q=0");
            coding.eq_ignore_ascii_case("gzip") && !refused
        })
    })
}

const HTML: &str = "text/html; charset=utf-8";

// ---- overview -----------------------------------------------------------------------------

struct PlanLine {
    id: i64,
    title: String,
    region: String,
    indicators: usize,
}

struct IndexLine {
    name_q: String,
    name: String,
    region: String,
    method: String,
    members: usize,
}

struct IndicatorLine {
    code: String,
    code_q: String,
    name: String,
    unit: String,
    region: String,
    frequency: String,
    direction: String,
    rollup: String,
    target: String,
    plan_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "monitor.html")]
struct MonitorPage {
    nav: &'static str,
    csrf: String,
    synthetic: bool,
    plans: Vec<PlanLine>,
    indices: Vec<IndexLine>,
    indicators: Vec<IndicatorLine>,
    /// The plans and the indicators are long lists: a page of each at a time.
    plans_pager: crate::pager::Pager,
    indicators_pager: crate::pager::Pager,
    imports: Vec<planwatch_store::monitor::ImportRecord>,
    changes: Vec<planwatch_store::monitor::ValueChange>,
    default_period: String,
    /// A district account's own place, written into the template form.
    default_place: String,
}

/// Which page of the overview's plans and indicators (lenient: anything but a number is 1).
#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    #[serde(default)]
    page: String,
    #[serde(default)]
    plans_page: String,
}

pub async fn overview(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    use crate::pager::Pager;
    let caller = auth::caller(&state, &headers).await;
    let csrf = caller.as_ref().map(|c| c.csrf.clone()).unwrap_or_default();
    let default_place = caller.map(|c| district_place(&c.actor)).unwrap_or_default();
    let (page_no, plans_page_no) = (q.page.trim().parse().ok(), q.plans_page.trim().parse().ok());
    let page = db(&state, move |s| {
        let indicators = s.indicators(None, None)?;
        // Plans by their indicators (in the order first met), titles only for the page shown.
        let mut plans: Vec<PlanLine> = Vec::new();
        let mut at: std::collections::HashMap<i64, usize> = Default::default();
        for i in &indicators {
            let Some(id) = i.document_id else { continue };
            match at.get(&id) {
                Some(&k) => plans[k].indicators += 1,
                None => {
                    at.insert(id, plans.len());
                    plans.push(PlanLine { id, title: String::new(), region: i.region.clone(), indicators: 1 });
                }
            }
        }
        let indicators_page = q.page.clone();
        let (mut plans, plans_pager) = Pager::cut(plans, plans_page_no, |n| {
            format!("/monitor?plans_page={n}&page={}#plans", enc(indicators_page.trim()))
        });
        for p in &mut plans {
            p.title = s.plan_view(p.id).map(|v| v.summary.title).unwrap_or_default();
        }
        let plans_page = q.plans_page.clone();
        let (indicators, indicators_pager) = Pager::cut(indicators, page_no, |n| {
            if plans_page.trim().is_empty() {
                format!("/monitor?page={n}#indicators")
            } else {
                format!("/monitor?page={n}&plans_page={}#indicators", enc(plans_page.trim()))
            }
        });
        let indices = s
            .indices()?
            .into_iter()
            .map(|d| IndexLine {
                name_q: enc(&d.name),
                name: d.name,
                region: d.region,
                method: d.method.label().into(),
                members: d.members.len(),
            })
            .collect();
        let mut imports = s.imports(20)?;
        for i in &mut imports {
            i.imported_at = crate::zh::beijing(&i.imported_at);
        }
        let mut changes = s.value_changes(None, 20)?;
        for c in &mut changes {
            c.changed_at = crate::zh::beijing(&c.changed_at);
        }
        let (y, m) = monitoring::today();
        Ok(MonitorPage {
            nav: "monitor",
            csrf,
            synthetic: imports.iter().any(|i| i.synthetic),
            plans,
            plans_pager,
            indicators_pager,
            indices,
            indicators: indicators
                .into_iter()
                .map(|i| IndicatorLine {
                    code_q: enc(&i.code),
                    target: match (i.target_value, i.target_year) {
                        (Some(v), Some(_)) => {
                            format!("{} {}({})", unit_number(v, &i), i.unit, monitoring::deadline_label(&i))
                        }
                        _ => String::new(),
                    },
                    code: i.code,
                    name: i.name,
                    unit: i.unit,
                    region: i.region,
                    frequency: i.frequency.label().into(),
                    direction: i.direction.label().into(),
                    rollup: i.rollup.label().into(),
                    plan_id: i.document_id,
                })
                .collect(),
            imports,
            changes,
            default_period: Period::last_complete_quarter(y, m).to_string(),
            default_place,
        })
    })
    .await?;
    Ok(render(&page).into_response())
}

// ---- progress -----------------------------------------------------------------------------

struct TargetLine {
    /// "来自名录「…」…" when the values are a registry count, with the list's link.
    registry: Option<(String, String)>,
    code: String,
    code_q: String,
    name: String,
    unit: String,
    baseline: String,
    target: String,
    deadline: String,
    current: String,
    current_period: String,
    completion: String,
    elapsed: String,
    status_key: &'static str,
    status_label: &'static str,
    verdict: String,
    /// Values flagged 待核实, left out of the figures shown.
    flagged: Vec<String>,
    /// Periods whose weighted mean left districts out for lack of a weight.
    missing_weights: Vec<String>,
    /// The rules that applied (无基期值…), joined.
    note: String,
    /// For a target without a baseline: how to enter it.
    baseline_prompt: String,
    source_href: String,
    source_text: String,
    files: Vec<String>,
    /// The full chart (plans with few targets) or empty.
    trend_svg: String,
    spark_svg: String,
    detail_href: String,
}

/// Up to this many targets, the progress page shows every full trend chart; beyond it, each
/// row's sparkline links to the indicator's page (a 58-target plan would otherwise make a
/// page of half a megabyte).
const FULL_TRENDS_MAX: usize = 16;

struct TaskLine {
    lead: String,
    title: String,
    status: String,
    status_key: &'static str,
    period: String,
    note: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    nav: &'static str,
    /// The periods with data to choose from, newest first: (period, label).
    periods: Vec<(String, String)>,
    plan_id: i64,
    title: String,
    region: String,
    as_of: String,
    as_of_label: String,
    synthetic: bool,
    /// “全部为已审核数据…” or “含未审核数据…”.
    approval: String,
    approval_ok: bool,
    counts: Vec<(String, usize, &'static str)>,
    bars_svg: String,
    targets: Vec<TargetLine>,
    tasks: Vec<TaskLine>,
    lagging: Vec<(String, Vec<TaskLine>)>,
    task_options: Vec<(usize, String)>,
    statuses: Vec<(&'static str, &'static str)>,
    csrf: String,
    indices: Vec<(String, String)>,
    full_trends: bool,
    /// The caller may define indicators (analyst, admin): the set-up forms are offered.
    may_define: bool,
    /// The caller is a department editor (offered only its department's tasks).
    department_caller: bool,
}

fn file_label(f: &FileRef) -> String {
    if f.2 {
        format!("{}(合成示例数据)", f.1)
    } else {
        f.1.clone()
    }
}

/// The full trend chart of one target: values, forecast to the deadline, target, baseline.
fn trend_chart(t: &monitoring::TargetProgress) -> String {
    let ind = &t.indicator;
    let points = monitoring::series_points(t);
    charts::trend(&charts::TrendChart {
        title: ind.name.clone(),
        unit: ind.unit.clone(),
        points,
        forecast: monitoring::forecast_points(t),
        target: ind
            .target_value
            .zip(ind.target_year)
            .map(|(v, y)| (Period::Year(y).end_time(), v, format!("{y}年目标"))),
        baseline: ind.baseline_value,
    })
}

/// The completion as shown: a percentage, or 无基期值 when there is a value but no baseline.
fn completion_text(t: &monitoring::TargetProgress) -> String {
    if t.status_key == "no_baseline" {
        "无基期值".into()
    } else {
        pct(t.completion)
    }
}

/// How to enter the missing baseline of a 无基期值 target (there is no web form for it yet:
/// the CLI command, with the indicator's code and the year before the plan period filled in).
fn baseline_prompt(t: &monitoring::TargetProgress) -> String {
    if t.status_key != "no_baseline" {
        return String::new();
    }
    let ind = &t.indicator;
    let year = ind.start_year.map(|y| y - 1).or(t.spec.map(|s| s.start.floor() as i32 - 1));
    format!(
        "录入基期值(规划基期年的数值,可查规划文本的指标表或统计公报):在“编辑指标”页(/indicators/{}/edit)填写,或用命令 planwatch indicators baseline --code {} --value 数值 --year {}",
        enc(&ind.code),
        ind.code,
        year.map(|y| y.to_string()).unwrap_or_else(|| "基期年份".into())
    )
}

fn progress_page(
    p: &PlanProgress,
    tasks: Vec<(usize, String)>,
    csrf: String,
    indices: Vec<(String, String)>,
    (may_define, department_caller): (bool, bool),
) -> ProgressPage {
    let bars = charts::progress_bars(
        &p.targets
            .iter()
            .map(|t| charts::ProgressBar {
                label: t.indicator.name.clone(),
                completion: t.completion,
                elapsed: t.elapsed,
                status_key: t.status_key.into(),
            })
            .collect::<Vec<_>>(),
    );
    let targets = p
        .targets
        .iter()
        .map(|t| {
            let ind = &t.indicator;
            let points = monitoring::series_points(t);
            let forecast = monitoring::forecast_points(t);
            let spark = charts::sparkline(
                &points,
                &forecast,
                ind.target_value.zip(ind.target_year).map(|(v, y)| (Period::Year(y).end_time(), v)),
                &ind.name,
            );
            let trend =
                if t.series.is_empty() || p.targets.len() > FULL_TRENDS_MAX { String::new() } else { trend_chart(t) };
            TargetLine {
                registry: t.registry.as_ref().map(|r| (r.line(), r.href.clone())),
                code: ind.code.clone(),
                code_q: enc(&ind.code),
                name: ind.name.clone(),
                unit: ind.unit.clone(),
                baseline: match (ind.baseline_value, ind.baseline_year) {
                    (Some(v), Some(y)) => format!("{}({y}年)", value_of(Some(v), ind)),
                    (Some(v), None) => value_of(Some(v), ind),
                    _ => "—".into(),
                },
                target: value_of(ind.target_value, ind),
                deadline: monitoring::deadline_label(ind),
                current: value_of(t.progress.as_ref().and_then(|p| p.current), ind),
                current_period: t.series.last().map(|v| v.period.label()).unwrap_or_default(),
                completion: completion_text(t),
                elapsed: pct(Some(t.elapsed)),
                status_key: t.status_key,
                status_label: t.status_label,
                verdict: t.verdict.clone(),
                flagged: t.flagged.clone(),
                missing_weights: monitoring::missing_weight_notes(t),
                note: t.note.clone(),
                baseline_prompt: baseline_prompt(t),
                source_href: monitoring::source_link(ind).unwrap_or_default(),
                source_text: ind.source_text.clone(),
                files: t.files.iter().map(file_label).collect(),
                trend_svg: trend,
                spark_svg: spark,
                detail_href: format!(
                    "/plans/{}/progress/{}{}",
                    p.plan_id,
                    enc(&ind.code),
                    p.as_of.map(|a| format!("?as_of={a}")).unwrap_or_default()
                ),
            }
        })
        .collect();
    let line = |t: &planwatch_store::monitor::TaskProgress| TaskLine {
        lead: if t.lead.is_empty() { "(未列牵头单位)".into() } else { t.lead.clone() },
        title: t.task_title.clone(),
        status: t.status.label().into(),
        status_key: t.status.as_str(),
        period: t.period.clone(),
        note: t.note.clone(),
    };
    let mut lagging: Vec<(String, Vec<TaskLine>)> = Vec::new();
    for t in &p.lagging_tasks {
        let l = line(t);
        match lagging.iter_mut().find(|(lead, _)| *lead == l.lead) {
            Some((_, v)) => v.push(l),
            None => lagging.push((l.lead.clone(), vec![l])),
        }
    }
    let periods = periods_with_data(p);
    ProgressPage {
        nav: "monitor",
        periods,
        plan_id: p.plan_id,
        title: p.plan_title.clone(),
        region: p.region.clone(),
        as_of: p.as_of.map(|a| a.to_string()).unwrap_or_default(),
        as_of_label: p.as_of.map(|a| a.label()).unwrap_or_else(|| "暂无数据".into()),
        synthetic: p.synthetic,
        approval: p.approval.label(),
        approval_ok: p.approval.all_approved(),
        counts: p.counts.iter().zip(&p.status_keys).map(|((l, n), k)| (l.clone(), *n, *k)).collect(),
        bars_svg: bars,
        targets,
        tasks: p.tasks.iter().map(line).collect(),
        lagging,
        task_options: tasks,
        statuses: TaskStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        csrf,
        indices,
        full_trends: p.targets.len() <= FULL_TRENDS_MAX,
        may_define,
        department_caller,
    }
}

/// Periods of the plan's figures of the same frequency as the page's 截至期别, newest first (at
/// most [`PERIOD_CHOICES`]), for the period selector.
fn periods_with_data(p: &PlanProgress) -> Vec<(String, String)> {
    let Some(as_of) = p.as_of else { return Vec::new() };
    period_choices(p.targets.iter().flat_map(|t| t.series.iter().map(|v| v.period)), as_of)
}

/// The selector's (period, label) list: `current` and the `periods` of its frequency, newest
/// first, at most [`PERIOD_CHOICES`].
fn period_choices(periods: impl IntoIterator<Item = Period>, current: Period) -> Vec<(String, String)> {
    let mut periods: Vec<Period> =
        periods.into_iter().filter(|p| p.frequency() == current.frequency()).chain([current]).collect();
    periods.sort_unstable_by(|a, b| b.cmp(a));
    periods.dedup();
    periods.truncate(PERIOD_CHOICES);
    periods.into_iter().map(|per| (per.to_string(), per.label())).collect()
}

/// Periods a selector offers.
const PERIOD_CHOICES: usize = 24;

#[derive(Deserialize, Default)]
pub struct AsOfQuery {
    #[serde(default)]
    as_of: String,
}

pub async fn progress(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let as_of = opt_period(&q.as_of, "as_of")?;
    let caller = auth::caller(&state, &headers).await;
    let csrf = caller.as_ref().map(|c| c.csrf.clone()).unwrap_or_default();
    // Logged-in pages carry a CSRF token: only anonymous pages are shared through the cache.
    let key = if csrf.is_empty() { format!("progress/{id}/{}", q.as_of.trim()) } else { String::new() };
    let make = move |s: &planwatch_store::Store| -> Result<Vec<u8>, AppError> {
        let view = s.plan_view(id)?;
        let p = monitoring::plan_progress_of(s, &view, as_of, &Default::default())?;
        // A department editor is offered only the tasks it may report: its department's, in
        // a plan of its region (the store refuses the others anyway).
        let department =
            caller.as_ref().map(|c| &c.actor).filter(|a| a.role == planwatch_store::Role::DepartmentEditor);
        let mine = |t: &planwatch_core::model::Task| match department {
            None => true,
            Some(a) => {
                !a.region.is_empty()
                    && a.region == view.summary.region
                    && t.owners.iter().any(|o| o.canonical == a.department)
            }
        };
        let tasks = view
            .effective
            .plan
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| mine(t))
            .map(|(n, t)| (n + 1, short(&t.title, 60)))
            .collect();
        let indices = monitoring::region_indices(s, &p.region)?.into_iter().map(|i| (enc(&i.name), i.name)).collect();
        let may_define = caller.as_ref().is_some_and(|c| crate::setup_pages::may_define(c.actor.role));
        let roles = (may_define, department.is_some());
        Ok(render(&progress_page(&p, tasks, csrf, indices, roles)).0.into_bytes())
    };
    cached(&state, &headers, key, MonitorScope::Plan(id), HTML, make).await
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[derive(Deserialize)]
pub struct TaskReportForm {
    csrf: String,
    task: usize,
    period: String,
    status: String,
    #[serde(default)]
    note: String,
}

pub async fn report_task(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<TaskReportForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let period = Period::parse(&f.period).map_err(|e| AppError::BadRequest(format!("期别:{e}")))?;
    let status: TaskStatus = f.status.parse().map_err(|e: String| AppError::BadRequest(e))?;
    db(&state, move |s| s.report_task_number(&actor, id, f.task, period, status, &f.note, "网页表单")).await?;
    Ok(Redirect::to(&format!("/plans/{id}/progress#tasks")).into_response())
}

// ---- rankings -----------------------------------------------------------------------------

struct RankLine {
    rank: u32,
    place: String,
    score: String,
    change: String,
    change_class: &'static str,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    nav: &'static str,
    name: String,
    name_q: String,
    region: String,
    method: String,
    period: String,
    period_label: String,
    previous_label: String,
    synthetic: bool,
    /// “全部为已审核数据…” or “含未审核数据…”.
    approval: String,
    approval_ok: bool,
    weights: Vec<(String, String, String)>,
    rows: Vec<RankLine>,
    unranked: Vec<(String, String)>,
    notes: Vec<String>,
    files: Vec<String>,
    bars_svg: String,
    map_svg: String,
    published: Vec<(i64, String, String, String)>,
    /// The newest published revision: (revision, rows, notes frozen with it).
    official: Option<(i64, Vec<RankLine>, Vec<String>)>,
    /// Why publishing needs a confirmation (unapproved or flagged data), if it does.
    caution: String,
    revised: bool,
    csrf: String,
    periods: Vec<(String, String)>,
}

fn rank_lines(rows: &[monitoring::RankedPlace]) -> Vec<RankLine> {
    rows.iter()
        .map(|r| {
            let (change, class) = match r.change {
                Some(c) if c > 0 => (format!("▲{c}"), "up"),
                Some(c) if c < 0 => (format!("▼{}", -c), "down"),
                Some(_) => ("—".into(), "same"),
                None => ("新".into(), "same"),
            };
            RankLine {
                rank: r.rank,
                place: r.place.clone(),
                score: format!("{:.4}", r.score),
                change,
                change_class: class,
            }
        })
        .collect()
}

fn ranking_page(v: &RankingView, map_svg: String, csrf: String) -> RankingPage {
    let names: std::collections::HashMap<&str, &str> =
        v.index.members.iter().map(|m| (m.indicator.code.as_str(), m.indicator.name.as_str())).collect();
    let bars = charts::ranking_bars(
        &v.rows
            .iter()
            .map(|r| charts::RankBar { rank: r.rank, place: r.place.clone(), score: r.score, change: r.change })
            .collect::<Vec<_>>(),
        &format!("{} · {}", v.index.name, v.period.label()),
    );
    let mut periods = Vec::new();
    let mut p = v.period;
    for _ in 0..8 {
        periods.push((p.to_string(), p.label()));
        p = p.prev();
    }
    RankingPage {
        nav: "monitor",
        name: v.index.name.clone(),
        name_q: enc(&v.index.name),
        region: v.index.region.clone(),
        method: v.index.method.label().into(),
        period: v.period.to_string(),
        period_label: v.period.label(),
        previous_label: v.previous.label(),
        synthetic: v.synthetic,
        approval: v.approval.label(),
        approval_ok: v.approval.all_approved(),
        weights: v
            .weights
            .iter()
            .map(|(c, w)| {
                (c.clone(), names.get(c.as_str()).copied().unwrap_or_default().to_string(), format!("{:.4}", w))
            })
            .collect(),
        rows: rank_lines(&v.rows),
        unranked: v.unranked.clone(),
        notes: v.notes.clone(),
        files: v.files.iter().map(file_label).collect(),
        bars_svg: bars,
        map_svg,
        published: v
            .published
            .iter()
            .map(|p| (p.revision, crate::zh::beijing(&p.published_at), p.who.clone(), p.note.clone()))
            .collect(),
        official: v.official.as_ref().map(|(rev, r)| (*rev, rank_lines(&r.rows), r.notes.clone())),
        caution: v.caution().unwrap_or_default(),
        revised: v.revised,
        csrf,
        periods,
    }
}

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

pub async fn ranking(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let period = opt_period(&q.period, "period")?;
    let csrf = auth::csrf_of(&state, &headers).await;
    let key = if csrf.is_empty() { format!("ranking/{name}/{}", q.period.trim()) } else { String::new() };
    let scope = MonitorScope::Index(name.clone());
    let make = move |s: &planwatch_store::Store| -> Result<Vec<u8>, AppError> {
        let v = match monitoring::ranking(s, &name, period) {
            Ok(v) => v,
            Err(planwatch_store::StoreError::NotFound(_)) => {
                return Ok(render(&ranking_without_data(s, &name)?).0.into_bytes())
            }
            Err(e) => return Err(e.into()),
        };
        let map = monitoring::index_map(&v, s);
        let map_svg = map_svg(&map);
        Ok(render(&ranking_page(&v, map_svg, csrf)).0.into_bytes())
    };
    cached(&state, &headers, key, scope, HTML, make).await
}

/// A page that says what is missing and what to do next.
#[derive(Template)]
#[template(path = "empty_state.html")]
pub(crate) struct EmptyState {
    pub nav: &'static str,
    pub title: String,
    pub headline: String,
    pub steps: Vec<String>,
    /// (label, href, note).
    pub links: Vec<(String, String, String)>,
}

/// The ranking page of an index whose indicators have no values yet (or a 404 for an
/// index that does not exist).
fn ranking_without_data(s: &planwatch_store::Store, name: &str) -> Result<EmptyState, AppError> {
    let Some(index) = s.index(name)? else {
        return Err(AppError::NotFound(format!(
            "没有名为“{name}”的综合指数:已有的指数见 /indexes,分析员可在 /indexes/new 定义新的指数。"
        )));
    };
    Ok(EmptyState {
        nav: "monitor",
        title: format!("{} · 排名", index.name),
        headline: format!("综合指数“{}”尚无数据,还不能排名。", index.name),
        steps: vec![
            format!("它由下列 {} 个指标构成,这些指标还没有{}各区县的数值。", index.members.len(), index.region),
            "下一步:在“监测评估 › 数据填报”下载各区县的填报模板,区县填报后导入;数据导入后本页即显示排名和地图。".into(),
        ],
        links: index
            .members
            .iter()
            .map(|m| {
                let i = &m.indicator;
                (
                    format!("{}({})", i.name, i.code),
                    indicator_page_href(i),
                    if i.unit.is_empty() { String::new() } else { format!("单位 {}", i.unit) },
                )
            })
            .chain(std::iter::once((
                "数据填报:下载模板、导入数据".to_string(),
                "/monitor#report-data".to_string(),
                String::new(),
            )))
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct PublishForm {
    csrf: String,
    period: String,
    #[serde(default)]
    note: String,
    /// "1" when the publisher confirmed publishing a ranking that rests on unapproved or
    /// flagged data.
    #[serde(default)]
    confirm: String,
}

pub async fn publish(
    State(state): State<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<PublishForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let period = Period::parse(&f.period).map_err(|e| AppError::BadRequest(format!("期别:{e}")))?;
    let target = format!("/rankings/{}?period={period}", enc(&name));
    db(&state, move |s| {
        let v = monitoring::ranking(s, &name, Some(period))?;
        if v.rows.is_empty() {
            return Err(planwatch_store::StoreError::Invalid("没有可发布的排名(本期无完整数据)".into()));
        }
        // Who may publish is decided before anything is said about the data.
        planwatch_store::access::authorize(&actor, planwatch_store::Action::PublishRanking)?;
        if let Some(caution) = v.caution() {
            if f.confirm.trim() != "1" {
                return Err(planwatch_store::StoreError::Locked(format!(
                    "本期排名所依据的数据{caution}。未发布:请在排名页勾选“确认发布”后再提交,或待数据审核、核实后发布。"
                )));
            }
        }
        monitoring::publish(s, &actor, &v, f.note.trim())
    })
    .await?;
    Ok(Redirect::to(&target).into_response())
}

// ---- maps ---------------------------------------------------------------------------------

fn map_svg(m: &monitoring::MapData) -> String {
    if let Some(e) = &m.boundary_error {
        return format!("<p class=\"small\">区县边界文件无法读取:{}</p>", planwatch_report::fmt::xml_escape(e));
    }
    match &m.geojson {
        Some(geo) => charts::choropleth(geo, &m.values, &m.title, &m.unit, m.lower_is_better).unwrap_or_else(|e| {
            format!("<p class=\"small\">地图无法绘制:{}</p>", planwatch_report::fmt::xml_escape(&e.to_string()))
        }),
        None => {
            format!(
                "<p class=\"small\">暂无 {} 的区县边界数据:可在 --data 目录中放入 boundaries/&lt;区划代码&gt;.geojson 后重启。</p>",
                planwatch_report::fmt::xml_escape(&m.region)
            )
        }
    }
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    nav: &'static str,
    title: String,
    map_svg: String,
    rows: Vec<(String, String, String)>,
    files: Vec<String>,
    synthetic: bool,
    choices: Vec<(String, String, bool)>,
    period: String,
    /// The selector: (period, label), newest first; it keeps the map's own parameter
    /// (`indicator` or `index`) and value.
    periods: Vec<(String, String)>,
    param: (&'static str, String),
}

#[derive(Deserialize, Default)]
pub struct MapQuery {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    index: String,
    #[serde(default)]
    period: String,
}

pub async fn map(
    State(state): State<Shared>,
    Query(q): Query<MapQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let period = opt_period(&q.period, "period")?;
    let key = format!("map/{}/{}/{}", q.indicator, q.index, q.period.trim());
    let scope = if !q.index.is_empty() {
        MonitorScope::Index(q.index.clone())
    } else if !q.indicator.is_empty() {
        MonitorScope::Indicator(q.indicator.clone())
    } else {
        MonitorScope::All
    };
    cached(&state, &headers, key, scope, HTML, move |s| {
        let m = if !q.index.is_empty() {
            let v = match monitoring::ranking(s, &q.index, period) {
                Ok(v) => v,
                Err(planwatch_store::StoreError::NotFound(_)) => {
                    return Ok(render(&ranking_without_data(s, &q.index)?).0.into_bytes())
                }
                Err(e) => return Err(e.into()),
            };
            monitoring::index_map(&v, s)
        } else if !q.indicator.is_empty() {
            monitoring::indicator_map(s, &q.indicator, period)?
        } else {
            return Ok(render(&map_chooser(s)?).0.into_bytes());
        };
        let region = m.region.clone();
        // Periods of the indicator's values (an index: the periods before the one shown).
        let periods: Vec<Period> = if q.indicator.is_empty() {
            std::iter::successors(Some(m.period), |p| Some(p.prev())).take(8).collect()
        } else {
            let ind = s.indicator(&q.indicator)?;
            let ids: Vec<i64> = ind.iter().map(|i| i.id).collect();
            s.observations(&ids)?.into_iter().map(|o| o.period).collect()
        };
        let param = if q.index.is_empty() { ("indicator", q.indicator.clone()) } else { ("index", q.index.clone()) };
        let mut choices: Vec<(String, String, bool)> = s
            .indicators(None, Some(&region))?
            .into_iter()
            .map(|i| (format!("indicator={}", enc(&i.code)), format!("{}({})", i.name, i.code), i.code == q.indicator))
            .collect();
        choices.extend(
            monitoring::region_indices(s, &region)?
                .into_iter()
                .map(|i| (format!("index={}", enc(&i.name)), i.name.clone(), i.name == q.index)),
        );
        let page = MapPage {
            nav: "monitor",
            title: m.title.clone(),
            map_svg: map_svg(&m),
            rows: m
                .values
                .iter()
                .map(|v| {
                    (v.name.clone(), v.code.clone(), v.value.map(format_number).unwrap_or_else(|| "无数据".into()))
                })
                .collect(),
            files: m.files.iter().map(file_label).collect(),
            synthetic: m.files.iter().any(|f| f.2),
            choices,
            period: m.period.to_string(),
            periods: period_choices(periods, m.period),
            param,
        };
        Ok(render(&page).0.into_bytes())
    })
    .await
}

/// `/maps` without an indicator or index: what can be mapped, or what to do first.
fn map_chooser(s: &planwatch_store::Store) -> Result<EmptyState, AppError> {
    let indicators = s.indicators(None, None)?;
    let indices = s.indices()?;
    if indicators.is_empty() {
        return Ok(EmptyState {
            nav: "monitor",
            title: "分区县地图".into(),
            headline: "尚无监测指标,没有可以上图的数据。".into(),
            steps: vec![
                "下一步:打开一份规划的“实施进展”页,点“由目标生成指标”(分析员或管理员账号;其他账号请联系本单位的规划分析员),再导入各区县数据。".into(),
            ],
            links: vec![("规划库".into(), "/".into(), "选一份规划".into()), ("监测评估".into(), "/monitor".into(), String::new())],
        });
    }
    let mut links: Vec<(String, String, String)> = indices
        .iter()
        .map(|i| (i.name.clone(), format!("/maps?index={}", enc(&i.name)), format!("综合指数 · {}", i.region)))
        .collect();
    links.extend(
        indicators.iter().take(500).map(|i| {
            (format!("{}({})", i.name, i.code), format!("/maps?indicator={}", enc(&i.code)), i.region.clone())
        }),
    );
    Ok(EmptyState {
        nav: "monitor",
        title: "分区县地图".into(),
        headline: "请选择要上图的综合指数或指标。".into(),
        steps: Vec::new(),
        links,
    })
}

// ---- reports ------------------------------------------------------------------------------

/// Whether `path` is a report download (`/plans/{id}/report.docx|html|xlsx`).
pub(crate) fn is_report_path(path: &str) -> bool {
    path.strip_prefix("/plans/").and_then(|rest| rest.split_once('/')).is_some_and(|(id, file)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && matches!(file, "report.docx" | "report.html" | "report.xlsx")
    })
}

/// The period a report is asked for, checked before anything is made: a report exists for
/// the plan's periods with data only (or, without a period, for the newest). Any other
/// period — malformed, before the plan's first figures, in the future, a gap — is a 404
/// that names the periods there are, answered by one indexed look-up: anonymous clients
/// asking for reports of random periods cost no rendering and fill no cache.
async fn report_period(state: &Shared, id: i64, raw: &str) -> Result<Option<Period>, AppError> {
    let raw = raw.trim().to_string();
    let period = match raw.as_str() {
        "" => None,
        text => Some(Period::parse(text).map_err(|e| {
            AppError::NotFound(format!(
                "没有期别为“{text}”的报告:{e}。期别写作 2025Q3(季度)、2025-09(月度)或 2025(年度)。"
            ))
        })?),
    };
    let (exists, has_data, span) = db(state, move |s| {
        if s.plan_rev(id)?.is_none() {
            return Ok((false, false, None));
        }
        let has = match period {
            Some(p) => s.plan_has_data_within(id, p)?,
            None => true,
        };
        Ok((true, has, if has { None } else { s.plan_data_span(id)? }))
    })
    .await?;
    if !exists {
        return Err(AppError::NotFound(format!("没有编号为 {id} 的规划。")));
    }
    if !has_data {
        let shown = period.map(|p| p.label()).unwrap_or_default();
        return Err(AppError::NotFound(match span {
            Some((first, last)) => format!(
                "没有 {shown} 的报告:该规划的监测指标在这一期没有数据。有数据的期别从 {} 到 {};不带 period 参数即下载最新一期的报告。",
                first.label(),
                last.label()
            ),
            None => format!("没有 {shown} 的报告:该规划的监测指标还没有任何数据,请先导入数据。"),
        }));
    }
    Ok(period)
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    period: String,
}

pub async fn report(
    State(state): State<Shared>,
    Path((id, format)): Path<(i64, String)>,
    Query(q): Query<ReportQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let period = report_period(&state, id, &q.period).await?;
    let kind = match q.kind.as_str() {
        "" | "quarterly" => planwatch_report::ReportKind::Quarterly,
        "midterm" => planwatch_report::ReportKind::Midterm,
        "final" => planwatch_report::ReportKind::Final,
        other => return Err(AppError::BadRequest(format!("kind={other}:应为 quarterly、midterm 或 final"))),
    };
    let (ext, content_type) = match format.as_str() {
        "report.html" => ("html", HTML),
        "report.docx" => ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "report.xlsx" => ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        _ => return Err(AppError::NotFound(format!("未找到:{format}"))),
    };
    // The DOCX names the logged-in account as its author (anonymous: "planwatch"), so each
    // author has its own cached copy; the other formats do not carry it.
    let author = match auth::caller(&state, &headers).await {
        Some(c) if ext == "docx" => c.actor.login,
        _ => "planwatch".to_string(),
    };
    // One key per report, however the URL spells it (`2025q3`, ` 2025Q3`, no kind).
    let mut key = format!("report/{id}/{ext}/{kind:?}/{}", period.map(|p| p.to_string()).unwrap_or_default());
    if ext == "docx" {
        key.push_str(&format!("/{}", crate::pages::enc(&author)));
    }
    let builds = &state.report_builds;
    let mut resp = cached_in(&state, builds, &headers, key, MonitorScope::Plan(id), content_type, move |s| {
        let r = monitoring::build_report(s, id, kind, period, None, &author)?;
        Ok(match ext {
            "html" => planwatch_report::html(&r).into_bytes(),
            "docx" => planwatch_report::docx(&r).map_err(|e| AppError::Internal(e.to_string()))?,
            _ => planwatch_report::xlsx(&r).map_err(|e| AppError::Internal(e.to_string()))?,
        })
    })
    .await?;
    let file = format!("plan-{id}-report.{ext}");
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        if ext != "html" {
            resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
        }
    }
    if ext == "html" {
        // The standalone report carries its own <style>: allow exactly that stylesheet.
        let csp = format!(
            "default-src 'none'; style-src '{}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            crate::style_hash(planwatch_report::REPORT_CSS)
        );
        if let Ok(v) = HeaderValue::from_str(&csp) {
            resp.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    Ok(resp)
}

// ---- observations -------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct TemplateQuery {
    #[serde(default)]
    place: String,
    #[serde(default)]
    period: String,
}

/// The place of a district editor's account ("" for other accounts).
fn district_place(actor: &planwatch_store::Actor) -> String {
    match actor.role {
        planwatch_store::Role::DistrictEditor => actor.place.clone(),
        _ => String::new(),
    }
}

/// The XLSX a district fills in. A district account that names no place gets its own, and
/// without a period the last complete quarter.
pub async fn template(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, AppError> {
    let own = auth::caller(&state, &headers).await.map(|c| district_place(&c.actor)).unwrap_or_default();
    let period = match opt_period(&q.period, "period")? {
        Some(p) => p,
        None if !own.is_empty() => {
            let (y, m) = monitoring::today();
            Period::last_complete_quarter(y, m)
        }
        None => return Err(AppError::BadRequest("请填写期别,如 2025Q3".into())),
    };
    let place = if q.place.trim().is_empty() { own } else { q.place.trim().to_string() };
    if place.is_empty() {
        return Err(AppError::BadRequest("请填写地区,如 渝北区".into()));
    }
    let file = format!("template-{period}.xlsx");
    let bytes = db(&state, move |s| {
        let (title, rows) = monitoring::template_rows(s, &place, period)?;
        if rows.is_empty() {
            return Err(planwatch_store::StoreError::Invalid(format!(
                "{place} 所在地区没有按{}填报的指标:请先由分析人员定义指标",
                period.frequency().label()
            )));
        }
        planwatch_export::observation_template(&title, &rows)
            .map_err(|e| planwatch_store::StoreError::Invalid(e.to_string()))
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "import_result.html")]
pub(crate) struct ImportResultPage {
    nav: &'static str,
    file: String,
    ok: bool,
    dry_run: bool,
    message: String,
    /// The first problems (at most `LISTED`), and how many there are in all.
    problems: Vec<planwatch_monitor::observations::Problem>,
    problem_count: usize,
    /// The link to every problem as CSV ("" when there is none to give).
    problems_csv: String,
    report: Option<planwatch_store::monitor::ImportReport>,
    registry: Option<planwatch_store::registry::RegistryImportReport>,
    /// Where to go next: (href, label).
    back: (String, String),
}

/// The outcome of a form import (observations or a registry sheet) as the one result page:
/// what was stored, or the refusal with its first problems, their count and every problem
/// as CSV kept for the importer ([`crate::problems::ProblemFiles`]).
pub(crate) struct Refusal {
    status: StatusCode,
    message: String,
    problems: Vec<planwatch_monitor::observations::Problem>,
    problem_count: usize,
    gz: Vec<u8>,
    report: Option<planwatch_store::monitor::ImportReport>,
    registry: Option<planwatch_store::registry::RegistryImportReport>,
}

impl Refusal {
    pub(crate) fn ok(report: planwatch_store::registry::RegistryImportReport) -> Refusal {
        Refusal { registry: Some(report), ..Refusal::refused(StatusCode::OK, String::new(), Vec::new(), 0, Vec::new()) }
    }

    pub(crate) fn refused(
        status: StatusCode,
        message: String,
        problems: Vec<planwatch_monitor::observations::Problem>,
        problem_count: usize,
        gz: Vec<u8>,
    ) -> Refusal {
        Refusal { status, message, problems, problem_count, gz, report: None, registry: None }
    }

    pub(crate) fn page(
        self,
        state: &Shared,
        owner: &str,
        file_name: &str,
        dry_run: bool,
        back: (String, String),
    ) -> Response {
        let problems_csv = state
            .problem_files
            .put(owner, &crate::problems::csv_name(file_name), self.gz)
            .map(|id| format!("/observations/problems/{id}"))
            .unwrap_or_default();
        let page = ImportResultPage {
            nav: if self.registry.is_some() || back.0.starts_with("/registries") { "registries" } else { "monitor" },
            file: file_name.to_string(),
            ok: self.report.is_some() || self.registry.is_some(),
            dry_run,
            message: self.message,
            problems: self.problems,
            problem_count: self.problem_count,
            problems_csv,
            report: self.report,
            registry: self.registry,
            back,
        };
        (self.status, render(&page)).into_response()
    }
}

pub async fn import(
    State(state): State<Shared>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let UploadForm { csrf, file, fields } = read_upload_form(&mut form, state.config.max_upload).await?;
    let dry_run = fields.iter().any(|(k, v)| k == "dry_run" && !v.is_empty());
    let actor = auth::require_form(&state, &headers, &csrf).await?;
    let (name, bytes) = file.ok_or_else(|| AppError::BadRequest("没有收到文件,请选择文件后再导入。".into()))?;
    let file_name = name.clone();
    let owner = actor.login.clone();
    let store = state.store.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        store.import_observations(&name, &bytes, &ImportOptions { dry_run, synthetic: false, computed: false }, &actor)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let result = match outcome {
        Ok(r) => {
            Refusal { report: Some(r), ..Refusal::refused(StatusCode::OK, String::new(), Vec::new(), 0, Vec::new()) }
        }
        Err(ImportError::Refused { validation, .. }) => {
            let (shown, total, gz) = validation.problems.into_parts();
            let message =
                format!("文件有 {total} 处错误,整个文件未导入,数据库未作任何改动。请按下表逐行修改后重新导入。");
            Refusal::refused(StatusCode::UNPROCESSABLE_ENTITY, message, shown, total, gz)
        }
        Err(ImportError::File { error, .. }) => {
            Refusal::refused(StatusCode::UNPROCESSABLE_ENTITY, error.to_string(), Vec::new(), 0, Vec::new())
        }
        Err(ImportError::Forbidden { scope, rows, .. }) => {
            let (shown, total, gz) = rows.into_parts();
            let message =
                format!("文件中有 {total} 行不属于本账户的填报范围({scope}),整个文件未导入,数据库未作任何改动。");
            let shown = refusal_problems(shown, "请删除这些行,或由该单位的填报员导入。");
            Refusal::refused(StatusCode::FORBIDDEN, message, shown, total, gz)
        }
        Err(ImportError::Locked { rows, .. }) => {
            let (shown, total, gz) = rows.into_parts();
            let message = format!("文件中有 {total} 行会改动已报送或已审核的数据,整个文件未导入,数据库未作任何改动。");
            let shown = refusal_problems(shown, "请分析员在“数据审核”中退回或撤销审核后再导入。");
            Refusal::refused(StatusCode::CONFLICT, message, shown, total, gz)
        }
        Err(ImportError::Store(e)) => return Err(e.into()),
    };
    Ok(result.page(&state, &owner, &file_name, dry_run, ("/monitor#report-data".into(), "返回数据填报".into())))
}

/// Every problem of a refused form import as CSV, for the user who imported, while kept.
pub async fn import_problems(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers)
        .await
        .ok_or_else(|| AppError::Unauthorized("下载问题清单需要先登录:请用导入文件的账户登录。".into()))?;
    let (name, gz) = state.problem_files.get(&id, &caller.actor.login).ok_or_else(|| {
        AppError::NotFound(format!(
            "问题清单已过期或不存在(导入后保存 {} 分钟,仅导入者本人可下载,且只在处理该次导入的服务器上):请重新导入文件以获取。",
            crate::problems::KEEP.as_secs() / 60
        ))
    })?;
    Ok(crate::problems::csv_response(StatusCode::OK, &name, gz, &headers))
}

/// Rows refused for scope or lock, in the shape of validation problems (one table for all).
fn refusal_problems(
    rows: Vec<planwatch_store::monitor::RowRefusal>,
    fix: &str,
) -> Vec<planwatch_monitor::observations::Problem> {
    rows.into_iter()
        .map(|r| planwatch_monitor::observations::Problem {
            row: r.row,
            column: "地区",
            value: format!("{} {} {}", r.indicator, r.place, r.period),
            reason: r.reason,
            fix: fix.to_string(),
        })
        .collect()
}

// ---- one indicator ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    nav: &'static str,
    plan_id: i64,
    plan_title: String,
    code: String,
    code_q: String,
    name: String,
    target: String,
    baseline: String,
    direction: &'static str,
    frequency: &'static str,
    rollup: String,
    /// Periods whose weighted mean left units out for lack of a weight.
    rollup_notes: Vec<String>,
    /// Values flagged 待核实, left out of every figure.
    flagged: Vec<String>,
    as_of_label: String,
    completion: String,
    elapsed: String,
    status_key: &'static str,
    status_label: &'static str,
    verdict: String,
    note: String,
    baseline_prompt: String,
    source_href: String,
    source_text: String,
    /// The other mentions of the target in the plan: (href, sentence).
    other_sources: Vec<(String, String)>,
    /// "来自名录「…」…" when the values are a registry count, with the list's link.
    registry: Option<(String, String)>,
    trend_svg: String,
    periods: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    files: Vec<String>,
    synthetic: bool,
}

/// Periods of the unit table: the newest this many up to `as_of`.
const UNIT_TABLE_PERIODS: usize = 6;

pub async fn indicator(
    State(state): State<Shared>,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<AsOfQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let as_of = opt_period(&q.as_of, "as_of")?;
    let key = format!("indicator/{id}/{code}/{}", q.as_of.trim());
    cached(&state, &headers, key, MonitorScope::Plan(id), HTML, move |s| {
        let p = monitoring::plan_progress(s, id, as_of, &Default::default())?;
        let t = p
            .targets
            .iter()
            .find(|t| t.indicator.code == code)
            .ok_or_else(|| AppError::NotFound(format!("未找到:规划 {id} 的指标 {code}")))?;
        let ind = &t.indicator;
        let table = unit_table(s, ind, p.as_of, UNIT_TABLE_PERIODS)?;
        let periods = table.periods;
        let rows: Vec<(String, Vec<String>)> = table
            .rows
            .into_iter()
            .map(|(place, cells)| {
                let cells = cells
                    .into_iter()
                    .map(|c| {
                        c.map(|(v, flagged)| format!("{}{}", unit_number(v, ind), if flagged { " *" } else { "" }))
                    })
                    .map(Option::unwrap_or_default)
                    .collect();
                (place, cells)
            })
            .collect();
        let page = IndicatorPage {
            nav: "monitor",
            plan_id: id,
            plan_title: p.plan_title.clone(),
            code: ind.code.clone(),
            code_q: enc(&ind.code),
            name: ind.name.clone(),
            target: match (ind.target_value, ind.target_year) {
                (Some(v), Some(y)) if ind.target_year_inferred => {
                    format!("{} {}({y}年,推定:原文未写完成年份,取规划期末)", unit_number(v, ind), ind.unit)
                }
                (Some(v), Some(y)) => format!("{} {}({y}年)", unit_number(v, ind), ind.unit),
                _ => "—".into(),
            },
            baseline: match (ind.baseline_value, ind.baseline_year) {
                (Some(v), Some(y)) => format!("{} {}({y}年)", unit_number(v, ind), ind.unit),
                (Some(v), None) => unit_number(v, ind),
                _ => "—".into(),
            },
            direction: ind.direction.label(),
            frequency: ind.frequency.label(),
            rollup: monitoring::rollup_label(t),
            rollup_notes: monitoring::missing_weight_notes(t),
            flagged: t.flagged.clone(),
            as_of_label: p.as_of.map(|a| a.label()).unwrap_or_else(|| "暂无数据".into()),
            completion: completion_text(t),
            elapsed: pct(Some(t.elapsed)),
            status_key: t.status_key,
            status_label: t.status_label,
            verdict: t.verdict.clone(),
            note: t.note.clone(),
            baseline_prompt: baseline_prompt(t),
            source_href: monitoring::source_link(ind).unwrap_or_default(),
            source_text: ind.source_text.clone(),
            other_sources: monitoring::other_source_links(ind),
            registry: t.registry.as_ref().map(|r| (r.line(), r.href.clone())),
            trend_svg: if t.series.is_empty() { String::new() } else { trend_chart(t) },
            periods: periods.iter().map(|p| p.to_string()).collect(),
            rows,
            files: t.files.iter().map(file_label).collect(),
            synthetic: t.files.iter().any(|f| f.2),
        };
        Ok(render(&page).0.into_bytes())
    })
    .await
}

/// An indicator's values by unit (the region first, then its districts) and period: the
/// newest `max_periods` periods up to `as_of`; a cell is (value, flagged 待核实).
pub(crate) struct UnitTable {
    pub periods: Vec<Period>,
    pub rows: Vec<(String, Vec<UnitCell>)>,
}

/// A unit's value of one period, and whether it is flagged 待核实; None when not reported.
pub(crate) type UnitCell = Option<(f64, bool)>;

pub(crate) fn unit_table(
    s: &planwatch_store::Store,
    ind: &planwatch_store::monitor::Indicator,
    as_of: Option<Period>,
    max_periods: usize,
) -> Result<UnitTable, planwatch_store::StoreError> {
    let as_of_time = as_of.map(|a| a.end_time()).unwrap_or(f64::INFINITY);
    let obs: Vec<_> = s
        .observations(&[ind.id])?
        .into_iter()
        .filter(|o| o.period.frequency() == ind.frequency && o.period.end_time() <= as_of_time)
        .collect();
    let mut periods: Vec<Period> = obs.iter().map(|o| o.period).collect();
    periods.sort();
    periods.dedup();
    let periods: Vec<Period> = periods.into_iter().rev().take(max_periods).rev().collect();
    let units = s.dicts().units_within(&ind.region);
    let mut places: Vec<&str> = units.iter().map(|u| u.name.as_str()).collect();
    places.insert(0, ind.region.as_str());
    let mut rows = Vec::new();
    for place in places {
        let cells: Vec<UnitCell> = periods
            .iter()
            .map(|per| {
                obs.iter().find(|o| o.place == place && o.period == *per).map(|o| (o.value, o.outlier.is_some()))
            })
            .collect();
        if cells.iter().any(Option::is_some) {
            rows.push((place.to_string(), cells));
        }
    }
    Ok(UnitTable { periods, rows })
}

// ---- an indicator's roll-up rule ----------------------------------------------------------

#[derive(Template)]
#[template(path = "indicator_rollup.html")]
struct RollupPage {
    nav: &'static str,
    code: String,
    code_q: String,
    name: String,
    unit: String,
    region: String,
    /// The indicator's page (or the overview for an indicator of no plan).
    back: String,
    current: String,
    /// (keyword, label, selected).
    rules: Vec<(&'static str, &'static str, bool)>,
    /// Indicators of the same region that can weigh it: (code, "name(unit) code", selected).
    weights: Vec<(String, String, bool)>,
    ratio: bool,
    csrf: String,
    here: String,
}

pub(crate) fn indicator_page_href(ind: &planwatch_store::monitor::Indicator) -> String {
    match ind.document_id {
        Some(id) => format!("/plans/{id}/progress/{}", enc(&ind.code)),
        None => "/monitor#indicators".into(),
    }
}

/// The form that sets an indicator's roll-up rule (a page for one session: never cached).
pub async fn rollup_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let csrf = auth::csrf_of(&state, &headers).await;
    let page = db(&state, move |s| {
        let ind = s.indicator(&code)?.ok_or_else(|| {
            planwatch_store::StoreError::NotFound(format!("指标 {}(请从监测评估页的指标列表进入)", code))
        })?;
        let weights = crate::setup_pages::weight_choices(s, &ind)?
            .into_iter()
            .map(|(code, label)| {
                let selected = ind.rollup_weight.as_deref() == Some(code.as_str());
                (code, label, selected)
            })
            .collect();
        let current = match &ind.rollup_weight {
            Some(w) => format!("{}(权重指标 {w})", ind.rollup.label()),
            None => ind.rollup.label().to_string(),
        };
        Ok(RollupPage {
            nav: "monitor",
            code_q: enc(&ind.code),
            here: enc(&format!("/indicators/{}/rollup", enc(&ind.code))),
            back: indicator_page_href(&ind),
            current,
            rules: Rollup::ALL.iter().map(|r| (r.as_str(), r.label(), *r == ind.rollup)).collect(),
            weights,
            ratio: planwatch_monitor::indicator::is_ratio(&ind.name, &ind.unit)
                || planwatch_monitor::indicator::is_per_capita(&ind.name),
            code: ind.code,
            name: ind.name,
            unit: ind.unit,
            region: ind.region,
            csrf,
        })
    })
    .await?;
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct RollupForm {
    csrf: String,
    rule: String,
    #[serde(default)]
    weight: String,
}

/// Parses a roll-up rule as typed or chosen (a form, the API), bounded in length.
pub(crate) fn parse_rollup(rule: &str) -> Result<Rollup, AppError> {
    if rule.chars().count() > 32 {
        return Err(AppError::BadRequest(format!(
            "汇总方式 rule 过长(最多 32 个字符):可选 {}",
            Rollup::choices().trim_end()
        )));
    }
    rule.parse().map_err(|_| {
        AppError::BadRequest(format!(
            "汇总方式 rule:“{}”不是可选的汇总方式,可选 {}",
            rule.trim(),
            Rollup::choices().trim_end()
        ))
    })
}

pub async fn rollup_save(
    State(state): State<Shared>,
    Path(code): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<RollupForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let rule = parse_rollup(&f.rule)?;
    let ind = db(&state, move |s| s.set_indicator_rollup(&actor, &code, rule, Some(f.weight.as_str()))).await?;
    Ok(Redirect::to(&indicator_page_href(&ind)).into_response())
}

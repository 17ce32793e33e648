//! The reporting calendar on the web (issue 16, item 8): `/calendar` shows, for a region and a
//! period, every unit's step (未开始 / 已导入 / 已报送 / 已审核 / 逾期) with counts and dates and
//! the deadline; analysts set the deadline there; `/calendar/xlsx` downloads the view
//! (`GET /api/v1/completeness` in `api.rs` gives it as JSON). A district editor's home page lists what its
//! unit still has to report and by when (see `pages::home`).

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_export::{grid_xlsx, Grid, GridCell, GridColumn};
use planwatch_monitor::Period;
use planwatch_store::calendar::{Completeness, ReportStatus};
use planwatch_store::Role;
use serde::Deserialize;

use crate::pages::{download, enc, render};
use crate::{auth, db, zh, AppError, Shared};
use planwatch_app::monitoring;

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    period: String,
}

/// The region asked for (or the caller's, or the first monitored one) and the period (or the
/// last complete quarter).
async fn resolve(
    state: &Shared,
    headers: &HeaderMap,
    q: &CalendarQuery,
) -> Result<(Option<auth::Caller>, Vec<String>, String, Period), AppError> {
    let caller = auth::caller(state, headers).await;
    let period = match q.period.trim() {
        "" => {
            let (y, m) = monitoring::today();
            Period::last_complete_quarter(y, m)
        }
        p => Period::parse(p).map_err(|e| AppError::BadRequest(format!("期别:{e}")))?,
    };
    let regions: Vec<String> = db(state, |s| s.monitored_regions()).await?.into_iter().map(|r| r.0).collect();
    let region = match q.region.trim() {
        "" => caller
            .as_ref()
            .map(|c| c.actor.region.clone())
            .filter(|r| !r.is_empty())
            .or_else(|| regions.first().cloned())
            .unwrap_or_default(),
        r => r.chars().take(64).collect(),
    };
    if !region.is_empty() && !regions.contains(&region) {
        return Err(AppError::NotFound(format!("地区“{region}”没有监测指标,无报送情况可看。")));
    }
    Ok((caller, regions, region, period))
}

struct UnitLine {
    place: String,
    status_key: &'static str,
    status: &'static str,
    filled: String,
    imported_at: String,
    submitted_at: String,
    reviewed_at: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    nav: &'static str,
    csrf: String,
    can_set: bool,
    regions: Vec<String>,
    region: String,
    region_q: String,
    period: String,
    period_label: String,
    /// Periods to choose from: (period, label), newest first.
    periods: Vec<(String, String)>,
    rule: String,
    days: u16,
    frequency: &'static str,
    deadline: String,
    past_deadline: bool,
    counts: Vec<(&'static str, &'static str, usize)>,
    units: Vec<UnitLine>,
    overdue: Vec<String>,
}

fn lines(c: &Completeness) -> Vec<UnitLine> {
    c.units
        .iter()
        .map(|u| UnitLine {
            place: u.place.clone(),
            status_key: u.status.key(),
            status: u.status.label(),
            filled: format!("{}/{}", u.values, u.expected),
            imported_at: zh::beijing(&u.imported_at),
            submitted_at: zh::beijing(&u.submitted_at),
            reviewed_at: zh::beijing(&u.reviewed_at),
            comment: u.comment.clone(),
        })
        .collect()
}

pub async fn page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let (caller, regions, region, period) = resolve(&state, &headers, &q).await?;
    let today = zh::today_beijing();
    let c = if region.is_empty() {
        None
    } else {
        let r = region.clone();
        Some(db(&state, move |s| s.completeness(&r, period, today)).await?)
    };
    let periods = std::iter::successors(Some(period.next().next()), |p| Some(p.prev()))
        .take(10)
        .map(|p| (p.to_string(), p.label()))
        .collect();
    let can_set = caller.as_ref().is_some_and(|c| matches!(c.actor.role, Role::Admin | Role::Analyst));
    let page = CalendarPage {
        nav: "approvals",
        csrf: caller.map(|c| c.csrf).unwrap_or_default(),
        can_set,
        regions,
        region_q: enc(&region),
        region,
        period: period.to_string(),
        period_label: period.label(),
        periods,
        rule: c.as_ref().map(|c| c.rule.label()).unwrap_or_default(),
        days: c.as_ref().map(|c| c.rule.days_after).unwrap_or(planwatch_store::calendar::DEFAULT_DAYS),
        frequency: period.frequency().as_str(),
        deadline: c.as_ref().map(|c| c.deadline.clone()).unwrap_or_default(),
        past_deadline: c.as_ref().is_some_and(|c| c.past_deadline),
        counts: c
            .as_ref()
            .map(|c| c.counts().into_iter().map(|(s, n)| (s.key(), s.label(), n)).collect())
            .unwrap_or_default(),
        overdue: c.as_ref().map(|c| c.overdue().map(|u| u.place.clone()).collect()).unwrap_or_default(),
        units: c.as_ref().map(lines).unwrap_or_default(),
    };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct DeadlineForm {
    csrf: String,
    region: String,
    frequency: String,
    days: String,
    #[serde(default)]
    period: String,
}

/// Sets a region's deadline (analysts and admins: the store decides).
pub async fn set_deadline(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<DeadlineForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let frequency = crate::setup_pages::parse_frequency(&f.frequency)?;
    let days: u16 = f.days.trim().parse().map_err(|_| {
        AppError::BadRequest(format!("报送期限“{}”:请填写期末后的天数(0–366 的整数),如季后15日填 15", f.days.trim()))
    })?;
    let region: String = f.region.trim().chars().take(64).collect();
    let r = region.clone();
    db(&state, move |s| s.set_deadline_rule(&actor, &r, frequency, days)).await?;
    let period: String = f.period.trim().chars().take(16).collect();
    Ok(Redirect::to(&format!("/calendar?region={}&period={}", enc(&region), enc(&period))).into_response())
}

/// The view as XLSX.
pub async fn xlsx(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, AppError> {
    let (_, _, region, period) = resolve(&state, &headers, &q).await?;
    if region.is_empty() {
        return Err(AppError::NotFound("还没有任何地区建立监测指标。".into()));
    }
    let today = zh::today_beijing();
    let r = region.clone();
    let c = db(&state, move |s| s.completeness(&r, period, today)).await?;
    let text = |s: String| GridCell::Text(s);
    let grid = Grid {
        title: format!("{region} {} 报送情况", period.label()),
        columns: vec![
            GridColumn::text("地区", "应报送的区县(开发区),有市级自报指标时含本市。"),
            GridColumn::text("代码", "行政区划代码。"),
            GridColumn::text("状态", "未开始、已导入未报送、已报送待审核、已审核、逾期未报送。"),
            GridColumn::number("已填指标数", "本期已有数值的指标数。"),
            GridColumn::number("应填指标数", "本期应填报的指标数。"),
            GridColumn::text("导入时间(北京时间)", "最近一次导入本期数值的时间。"),
            GridColumn::text("报送时间(北京时间)", "报送审核的时间。"),
            GridColumn::text("审核时间(北京时间)", "审核通过或退回的时间。"),
            GridColumn::text("退回意见", "被退回时审核人的意见。"),
        ],
        rows: c
            .units
            .iter()
            .map(|u| {
                vec![
                    text(u.place.clone()),
                    text(u.code.clone()),
                    text(u.status.label().to_string()),
                    GridCell::Number(u.values as f64),
                    GridCell::Number(u.expected as f64),
                    text(zh::beijing(&u.imported_at)),
                    text(zh::beijing(&u.submitted_at)),
                    text(zh::beijing(&u.reviewed_at)),
                    text(u.comment.clone()),
                ]
            })
            .collect(),
        notes: vec![
            ("报送期限".into(), format!("{}:{} 截止({})", c.rule.label(), c.deadline, period.label())),
            ("统计日期".into(), format!("{}(北京时间)", today)),
            (
                "逾期".into(),
                format!(
                    "{} 个单位逾期未报送:{}",
                    c.overdue().count(),
                    c.overdue().map(|u| u.place.as_str()).collect::<Vec<_>>().join("、")
                ),
            ),
        ],
    };
    let bytes = grid_xlsx(&grid).map_err(|e| AppError::Internal(format!("XLSX: {e}")))?;
    Ok(download(
        &format!("报送情况-{region}-{period}.xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

/// What a district editor's unit still has to report: (period label, deadline, status label,
/// overdue), oldest deadline first. Empty for other accounts.
pub async fn due_lines(state: &Shared, actor: &planwatch_store::Actor) -> Vec<(String, String, String, bool, String)> {
    if actor.role != Role::DistrictEditor || actor.place.is_empty() || actor.region.is_empty() {
        return Vec::new();
    }
    let (region, place) = (actor.region.clone(), actor.place.clone());
    let today = zh::today_beijing();
    let due = db(state, move |s| s.due_for(&region, &place, today, 4)).await.unwrap_or_default();
    due.into_iter()
        .map(|(p, deadline, status)| {
            (
                p.label(),
                deadline,
                status.label().to_string(),
                status == ReportStatus::Overdue,
                format!("/observations/template?period={p}"),
            )
        })
        .collect()
}

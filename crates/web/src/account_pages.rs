//! Pages of people and accountability: 我的账户 (password, API tokens), 账户管理 (admins),
//! 审计日志 (browse and filter, read-only) and 数据审核 (submit, approve, return, un-approve).
//! These pages only collect input; the store decides who may do what.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_monitor::Period;
use planwatch_store::users::{AddressThrottle, ApiToken, NewUser, User};
use planwatch_store::{Approval, ApprovalStep, AuditFilter, AuditRecord, Role};
use serde::Deserialize;

use crate::auth::{self, Caller};
use crate::pages::{enc, render};
use crate::{db, AppError, Shared};

/// The caller, or a redirect to the login page that comes back here.
async fn logged_in(state: &Shared, headers: &HeaderMap, here: &str) -> Result<Caller, Response> {
    auth::caller(state, headers)
        .await
        .ok_or_else(|| Redirect::to(&format!("/login?next={}", enc(here))).into_response())
}

// ---- my account ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: &'static str,
    csrf: String,
    login: String,
    display_name: String,
    scope: String,
    is_user: bool,
    is_admin: bool,
    reads_audit: bool,
    tokens: Vec<ApiToken>,
    /// A department editor's own tasks (its department's page in its region); else empty.
    my_tasks: String,
    /// A department editor without a region: it can report nothing until an admin sets one.
    needs_region: bool,
    /// A token just made: shown once.
    new_token: String,
    message: String,
}

async fn account_page(state: &Shared, c: Caller, new_token: String, message: String) -> Result<Response, AppError> {
    let login = c.actor.login.clone();
    let is_user = c.actor.user_id.is_some();
    let mut tokens = if is_user { db(state, move |s| s.tokens(&login)).await? } else { Vec::new() };
    for t in &mut tokens {
        t.created_at = crate::zh::beijing(&t.created_at);
    }
    let page = AccountPage {
        nav: "account",
        csrf: c.csrf.clone(),
        login: c.actor.login.clone(),
        display_name: c.display_name.clone(),
        scope: c.actor.scope(),
        is_user,
        is_admin: c.actor.role == Role::Admin,
        reads_audit: matches!(c.actor.role, Role::Admin | Role::Analyst),
        tokens,
        my_tasks: if c.actor.role == Role::DepartmentEditor && !c.actor.region.is_empty() {
            crate::pages::department_href(&c.actor.department, &c.actor.region)
        } else {
            String::new()
        },
        needs_region: c.actor.role == Role::DepartmentEditor && c.actor.region.is_empty(),
        new_token,
        message,
    };
    Ok(render(&page).into_response())
}

pub async fn account(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    match logged_in(&state, &headers, "/account").await {
        Ok(c) => account_page(&state, c, String::new(), String::new()).await,
        Err(redirect) => Ok(redirect),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    #[serde(default)]
    current: String,
    password: String,
    password2: String,
}

pub async fn change_password(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    if f.password != f.password2 {
        return Err(AppError::BadRequest("两次输入的新密码不一致。".into()));
    }
    let login = actor.login.clone();
    db(&state, move |s| s.set_password(&actor, &login, Some(&f.current), &f.password)).await?;
    // Every session of the account ended with the old password: log in again.
    Ok(Redirect::to("/login?next=/account").into_response())
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    #[serde(default)]
    label: String,
}

pub async fn create_token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    let c = auth::require_form_caller(&state, &headers, &f.csrf).await?;
    let (actor, login) = (c.actor.clone(), c.actor.login.clone());
    let token = db(&state, move |s| s.create_token(&actor, &login, &f.label)).await?;
    account_page(&state, c, token, String::new()).await
}

pub async fn revoke_token(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(f): Form<TokenForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let login = actor.login.clone();
    db(&state, move |s| s.revoke_token(&actor, &login, id)).await?;
    Ok(Redirect::to("/account#tokens").into_response())
}

// ---- accounts (admins) --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: &'static str,
    csrf: String,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, &'static str)>,
    /// Client addresses with failed logins in the current window (the login throttle).
    addresses: Vec<AddressLine>,
}

struct UserLine {
    user: User,
    login_q: String,
    scope: String,
    locked: bool,
    /// Minutes the lock has left (rounded up).
    locked_minutes: i64,
}

struct AddressLine {
    a: AddressThrottle,
    blocked: bool,
    blocked_minutes: i64,
}

/// Whole minutes, rounded up, from `now` to `until`.
fn minutes_left(until: i64, now: i64) -> i64 {
    ((until - now).max(0) + 59) / 60
}

pub async fn users(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let c = match logged_in(&state, &headers, "/admin/users").await {
        Ok(c) => c,
        Err(redirect) => return Ok(redirect),
    };
    let actor = c.actor.clone();
    let (list, locks) = db(&state, move |s| Ok((s.users(&actor)?, s.login_locks(&actor)?))).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let page = UsersPage {
        nav: "account",
        csrf: c.csrf,
        users: list
            .into_iter()
            .map(|u| UserLine {
                login_q: enc(&u.login),
                scope: u.actor(planwatch_store::Channel::Form, "").scope(),
                locked: u.locked_until > now,
                locked_minutes: minutes_left(u.locked_until, now),
                user: User { created_at: crate::zh::beijing(&u.created_at), ..u },
            })
            .collect(),
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        addresses: locks
            .addresses
            .into_iter()
            .map(|a| AddressLine {
                blocked: a.blocked_until > now,
                blocked_minutes: minutes_left(a.blocked_until, now),
                a,
            })
            .collect(),
    };
    Ok(render(&page).into_response())
}

#[derive(Deserialize)]
pub struct NewUserForm {
    csrf: String,
    login: String,
    #[serde(default)]
    name: String,
    role: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    department: String,
    password: String,
}

pub async fn add_user(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<NewUserForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let role: Role = f.role.parse().map_err(AppError::BadRequest)?;
    let new = NewUser {
        login: f.login,
        display_name: f.name,
        role,
        region: f.region,
        place: f.place,
        department: f.department,
        password: f.password,
    };
    let setup = auth::is_bootstrap(&actor);
    let user = db(&state, move |s| s.add_user(&actor, &new)).await?;
    if setup && user.role == Role::Admin {
        // The first admin closed the setup token, and with it this session: say so, and
        // where to go on, instead of a redirect to a page that now asks for a login.
        let mut res = render(&SetupDone { nav: "account", login: user.login }).into_response();
        auth::end_bootstrap_session(&state, &headers, &mut res);
        return Ok(res);
    }
    Ok(Redirect::to("/admin/users").into_response())
}

/// The answer to creating the first admin in 初始设置.
#[derive(Template)]
#[template(path = "setup_done.html")]
struct SetupDone {
    nav: &'static str,
    login: String,
}

#[derive(Deserialize)]
pub struct UserActionForm {
    csrf: String,
    #[serde(default)]
    password: String,
    /// `region`: a department editor's region.
    #[serde(default)]
    region: String,
}

pub async fn user_action(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((login, action)): Path<(String, String)>,
    Form(f): Form<UserActionForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    match action.as_str() {
        "disable" | "enable" => {
            let disabled = action == "disable";
            db(&state, move |s| s.set_user_disabled(&actor, &login, disabled)).await?;
        }
        "password" => db(&state, move |s| s.set_password(&actor, &login, None, &f.password)).await?,
        "unlock" => {
            db(&state, move |s| s.unlock_user(&actor, &login)).await?;
        }
        "region" => {
            db(&state, move |s| s.set_user_region(&actor, &login, &f.region)).await?;
        }
        _ => return Err(AppError::NotFound("没有这个操作。".into())),
    }
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(Deserialize)]
pub struct UnblockForm {
    csrf: String,
    address: String,
}

/// Lifts the login throttle of one client address (admins; the store decides and audits).
pub async fn unblock_address(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<UnblockForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    db(&state, move |s| s.unblock_address(&actor, &f.address)).await?;
    Ok(Redirect::to("/admin/users#login-locks").into_response())
}

// ---- audit log ----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: &'static str,
    f: AuditQuery,
    entries: Vec<AuditLine>,
    actions: &'static [(&'static str, &'static str)],
    total: i64,
    page: i64,
    pages: i64,
    /// The filter as a query string, for paging links.
    query: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    who: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    page: Option<i64>,
}

const AUDIT_PAGE: i64 = 100;

/// An audit entry as shown: role and channel in words, and of two JSON objects only the
/// fields that differ (the stored entry keeps both whole).
pub(crate) struct AuditLine {
    e: AuditRecord,
    /// When, in Beijing time.
    at: String,
    /// The action in words (审核通过) beside its code (approval.approve).
    action: String,
    object: String,
    role: String,
    channel: &'static str,
    old: String,
    new: String,
}

impl AuditLine {
    /// The cells of the XLSX download, in the page's column order (the code beside its name).
    pub(crate) fn cells(&self) -> Vec<String> {
        vec![
            self.at.clone(),
            self.e.who.clone(),
            self.role.clone(),
            self.channel.to_string(),
            self.action.clone(),
            self.e.action.clone(),
            self.object.clone(),
            self.old.clone(),
            self.new.clone(),
            self.e.source.clone(),
            self.e.request_id.clone(),
        ]
    }

    pub(crate) fn of(e: AuditRecord) -> AuditLine {
        let parse = |v: &Option<String>| v.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
        let (old, new) = match (parse(&e.old_value), parse(&e.new_value)) {
            (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) => {
                let keys: Vec<&String> = a
                    .keys()
                    .chain(b.keys().filter(|k| !a.contains_key(*k)))
                    .filter(|k| a.get(*k) != b.get(*k))
                    .collect();
                let pick = |m: &serde_json::Map<String, serde_json::Value>| {
                    let o: serde_json::Map<String, serde_json::Value> =
                        keys.iter().filter_map(|k| m.get(*k).map(|v| ((*k).clone(), v.clone()))).collect();
                    serde_json::Value::Object(o).to_string()
                };
                (pick(&a), pick(&b))
            }
            _ => (e.old_value.clone().unwrap_or_default(), e.new_value.clone().unwrap_or_default()),
        };
        let role = e.role.parse::<Role>().map(|r| r.label().to_string()).unwrap_or_else(|_| e.role.clone());
        let channel = match e.channel.as_str() {
            "cli" => "命令行",
            "form" => "网页",
            "api" => "接口",
            _ => "系统",
        };
        AuditLine {
            at: crate::zh::beijing(&e.at),
            action: crate::zh::action_label(&e.action).to_string(),
            object: crate::zh::object_label(&e.object),
            e,
            role,
            channel,
            old,
            new,
        }
    }
}

/// Refuses a date of the audit filter that is not `YYYY-MM-DD`.
pub(crate) fn check_audit_dates(q: &AuditQuery) -> Result<(), AppError> {
    for (name, date) in [("起始日期", &q.from), ("截止日期", &q.to)] {
        let ok = date.is_empty()
            || (date.len() == 10
                && date
                    .chars()
                    .enumerate()
                    .all(|(i, ch)| if i == 4 || i == 7 { ch == '-' } else { ch.is_ascii_digit() }));
        if !ok {
            return Err(AppError::BadRequest(format!("{name}请写成 YYYY-MM-DD,如 2026-11-01。")));
        }
    }
    Ok(())
}

/// The store's filter for the page's query: dates are Beijing calendar days, as the page shows
/// times in Beijing time.
pub(crate) fn audit_filter(q: &AuditQuery) -> AuditFilter {
    let (from, to) = crate::zh::beijing_days_to_utc(q.from.trim(), q.to.trim());
    AuditFilter {
        who: q.who.clone(),
        action: q.action.clone(),
        object: q.object.clone(),
        from,
        to,
        request_id: q.request_id.clone(),
    }
}

pub async fn audit(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let c = match logged_in(&state, &headers, "/audit").await {
        Ok(c) => c,
        Err(redirect) => return Ok(redirect),
    };
    check_audit_dates(&q)?;
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let filter = audit_filter(&q);
    let actor = c.actor;
    let (entries, total) =
        db(&state, move |s| s.audit_log(&actor, &filter, AUDIT_PAGE, (page - 1) * AUDIT_PAGE)).await?;
    let query = [("who", &q.who), ("action", &q.action), ("object", &q.object), ("from", &q.from), ("to", &q.to)]
        .iter()
        .chain([("request_id", &q.request_id)].iter())
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    let page = AuditPage {
        nav: "account",
        f: q,
        entries: entries.into_iter().map(AuditLine::of).collect(),
        actions: crate::zh::ACTIONS,
        total,
        page,
        pages: ((total + AUDIT_PAGE - 1) / AUDIT_PAGE).max(1),
        query,
    };
    Ok(render(&page).into_response())
}

// ---- approval -----------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "approvals.html")]
struct ApprovalsPage {
    nav: &'static str,
    csrf: String,
    region: String,
    period: String,
    regions: Vec<String>,
    /// Each cell with the values of it flagged 待核实: (observation id, "P2-T10 9876 家:reason").
    rows: Vec<(Approval, Vec<(i64, String)>)>,
    pager: crate::pager::Pager,
    /// The caller may submit these units' figures.
    can_submit_place: String,
    can_review: bool,
    counts: Vec<(&'static str, usize)>,
}

#[derive(Deserialize, Default)]
pub struct ApprovalsQuery {
    #[serde(default)]
    region: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    page: String,
}

pub async fn approvals(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ApprovalsQuery>,
) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers).await;
    let period = match q.period.trim() {
        "" => None,
        p => Some(Period::parse(p).map_err(|e| AppError::BadRequest(format!("期别:{e}")))?),
    };
    let regions: Vec<String> = db(&state, |s| s.monitored_regions()).await?.into_iter().map(|r| r.0).collect();
    let region = match q.region.trim() {
        "" => caller
            .as_ref()
            .map(|c| c.actor.region.clone())
            .filter(|r| !r.is_empty())
            .or_else(|| regions.first().cloned())
            .unwrap_or_default(),
        r => r.to_string(),
    };
    let (rows, flagged) = if region.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let r = region.clone();
        db(&state, move |s| Ok((s.approvals(&r, None, period)?, s.flagged_in_region(&r)?))).await?
    };
    let counts = [
        planwatch_store::ApprovalState::Draft,
        planwatch_store::ApprovalState::Submitted,
        planwatch_store::ApprovalState::Approved,
        planwatch_store::ApprovalState::Returned,
    ]
    .into_iter()
    .map(|st| (st.label(), rows.iter().filter(|a| a.state == st).count()))
    .collect();
    let (csrf, can_submit_place, can_review) = match &caller {
        Some(c) => (
            c.csrf.clone(),
            match c.actor.role {
                Role::DistrictEditor if c.actor.region == region => c.actor.place.clone(),
                _ => String::new(),
            },
            matches!(c.actor.role, Role::Admin | Role::Analyst),
        ),
        None => (String::new(), String::new(), false),
    };
    // The counts are of all cells; the table shows a page of them.
    let link = format!("/approvals?region={}&period={}", enc(&region), enc(q.period.trim()));
    let (rows, pager) = crate::pager::Pager::cut(rows, q.page.trim().parse().ok(), |n| format!("{link}&page={n}"));
    let rows = rows
        .into_iter()
        .map(|a| {
            let flags = flagged
                .iter()
                .filter(|f| f.place == a.place && f.period == a.period)
                .map(|f| (f.id, flag_label(f)))
                .collect();
            let mut a = a;
            a.submitted_at = crate::zh::beijing(&a.submitted_at);
            a.reviewed_at = crate::zh::beijing(&a.reviewed_at);
            (a, flags)
        })
        .collect();
    let page = ApprovalsPage {
        nav: "approvals",
        csrf,
        region,
        period: q.period.trim().to_string(),
        regions,
        rows,
        pager,
        can_submit_place,
        can_review,
        counts,
    };
    Ok(render(&page).into_response())
}

/// "P2-T10 高新技术企业数量 9876 家(与历史数据相差过大…)".
fn flag_label(f: &planwatch_store::monitor::FlaggedValue) -> String {
    format!("{} {} {} {}({})", f.code, f.name, planwatch_monitor::progress::format_number(f.value), f.unit, f.reason)
}

#[derive(Deserialize)]
pub struct ApprovalForm {
    csrf: String,
    region: String,
    place: String,
    period: String,
    step: String,
    #[serde(default)]
    comment: String,
    /// "1": the caller acknowledged the cell's values flagged 待核实.
    #[serde(default)]
    ack: String,
}

pub async fn approval_step(
    State(state): State<Shared>,
    headers: HeaderMap,
    Form(f): Form<ApprovalForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let period = Period::parse(&f.period).map_err(|e| AppError::BadRequest(format!("期别:{e}")))?;
    let step: ApprovalStep = f.step.parse().map_err(AppError::BadRequest)?;
    let target = format!("/approvals?region={}&period={}", enc(&f.region), enc(&f.period));
    let ack = f.ack.trim() == "1";
    db(&state, move |s| s.approval_step_with(&actor, &f.region, &f.place, period, step, &f.comment, ack)).await?;
    Ok((StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, target)]).into_response())
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    csrf: String,
    /// The approvals page to go back to.
    #[serde(default)]
    region: String,
    #[serde(default)]
    period: String,
}

/// An analyst confirms a value flagged 待核实: it counts again.
pub async fn confirm_value(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let id: i64 = id.trim().parse().map_err(|_| AppError::BadRequest(format!("数值编号应为数字,收到“{id}”")))?;
    db(&state, move |s| s.confirm_observation(&actor, id)).await?;
    let next = format!("/approvals?region={}&period={}", enc(&f.region), enc(&f.period));
    Ok((StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, next)]).into_response())
}

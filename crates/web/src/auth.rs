//! Who may write. Until user accounts arrive (issue 6) there is one secret, the admin token
//! (config or `PLANWATCH_ADMIN_TOKEN`). Scripts send it as `Authorization: Bearer …`; people
//! type it once on the login page and get a session cookie (HttpOnly, SameSite=Strict) and a
//! CSRF token that every form carries. Reading needs no login.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use rand::Rng;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::pages::{render, LoginPage};
use crate::{AppError, Shared};

const COOKIE: &str = "pw_session";
const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);

struct Session {
    csrf: String,
    expires: Instant,
}

/// Live sessions, in memory: a restart logs everyone out, which is acceptable for a single
/// admin token.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    failures: Mutex<(u32, Option<Instant>)>,
}

fn random_token() -> String {
    let bytes: [u8; 24] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random admin token, for a server started without one.
pub fn generate_token() -> String {
    random_token()
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

fn token_matches(given: &str, expected: &str) -> bool {
    !expected.is_empty() && given.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// The logged-in state of a request: `Some(csrf)` when it carries a live session.
pub fn session(state: &Shared, headers: &HeaderMap) -> Option<String> {
    let id = cookie_value(headers, COOKIE)?;
    let mut map = state.sessions.map.lock().ok()?;
    match map.get(&id) {
        Some(s) if s.expires > Instant::now() => Some(s.csrf.clone()),
        Some(_) => {
            map.remove(&id);
            None
        }
        None => None,
    }
}

/// Checks a form write: a live session and the CSRF token of that session.
pub fn require_form(state: &Shared, headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
    let Some(expected) = session(state, headers) else {
        return Err(AppError::Unauthorized("修改数据需要先登录:请在“登录”页输入管理令牌。".into()));
    };
    if !token_matches(csrf, &expected) {
        return Err(AppError::Forbidden("表单已过期或来源不明(CSRF 校验失败):请刷新页面后重试。".into()));
    }
    Ok(())
}

/// Checks an API write: `Authorization: Bearer <admin token>`.
pub fn require_bearer(state: &Shared, headers: &HeaderMap) -> Result<(), AppError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(t) if token_matches(t, &state.config.admin_token) => Ok(()),
        Some(_) => Err(AppError::Forbidden("the admin token is wrong: check PLANWATCH_ADMIN_TOKEN".into())),
        None => Err(AppError::Unauthorized(
            "writes need the admin token: send the header `Authorization: Bearer <token>`".into(),
        )),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub async fn login_form(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    let page = LoginPage {
        nav: "",
        next: safe_next(&q.next),
        error: String::new(),
        logged_in: session(&state, &headers).is_some(),
    };
    render(&page).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    token: String,
    #[serde(default)]
    next: String,
}

pub async fn login(State(state): State<Shared>, Form(f): Form<LoginForm>) -> Response {
    // Back off after repeated failures: each failure in a row adds half a second.
    let delay = {
        let f = state.sessions.failures.lock().map(|g| g.0).unwrap_or(0);
        Duration::from_millis(500 * f.min(10) as u64)
    };
    tokio::time::sleep(delay).await;
    if !token_matches(f.token.trim(), &state.config.admin_token) {
        if let Ok(mut g) = state.sessions.failures.lock() {
            g.0 += 1;
            g.1 = Some(Instant::now());
        }
        let page =
            LoginPage {
                nav: "", next: safe_next(&f.next), error: "令牌不正确,请重试。".into(), logged_in: false
            };
        return (axum::http::StatusCode::UNAUTHORIZED, render(&page)).into_response();
    }
    if let Ok(mut g) = state.sessions.failures.lock() {
        *g = (0, None);
    }
    let id = random_token();
    if let Ok(mut map) = state.sessions.map.lock() {
        let now = Instant::now();
        map.retain(|_, s| s.expires > now);
        map.insert(id.clone(), Session { csrf: random_token(), expires: now + SESSION_TTL });
    }
    let cookie = format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", SESSION_TTL.as_secs());
    let mut res = Redirect::to(&safe_next(&f.next)).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(state): State<Shared>, headers: HeaderMap, Form(f): Form<LogoutForm>) -> Response {
    if require_form(&state, &headers, &f.csrf).is_ok() {
        if let (Some(id), Ok(mut map)) = (cookie_value(&headers, COOKIE), state.sessions.map.lock()) {
            map.remove(&id);
        }
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("pw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    res
}

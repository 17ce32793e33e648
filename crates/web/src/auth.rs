//! Who is asking. This module only establishes identity — a user's session cookie, a user's
//! API token, or the bootstrap admin token — and turns it into an [`Actor`]; what the actor
//! may do is decided by the store (`planwatch_store::access`), for every front end alike.
//!
//! - People log in with their account (Argon2id password) and get a session cookie
//!   (HttpOnly, SameSite=Strict, Secure when served over TLS, 8 h) and a CSRF token that every
//!   form carries. Sessions live in the store, so every server process accepts them.
//! - Scripts send `Authorization: Bearer pwt_…`, a token of their user.
//! - The admin token (config or `PLANWATCH_ADMIN_TOKEN`) is a bootstrap path only: it works
//!   until the store's first admin account is created (`planwatch user add`, or the users
//!   page) and never again, even if every admin is later disabled; its sessions end then.
//! - Failed logins are throttled per client address ([`ClientAddr`]: the socket's peer, or
//!   behind a configured proxy the last `X-Forwarded-For` entry) as well as per account; the
//!   store counts both.
//!
//! Reading needs no login, except the audit log.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Form, FromRequestParts, Query, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_store::users::{LoginRefusal, SESSION_SECONDS};
use planwatch_store::{Actor, Channel};
use rand::Rng;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::pages::{render, LoginPage};
use crate::{db, AppError, Shared};

const COOKIE: &str = "pw_session";
/// Header the request-id middleware sets on every request and response.
pub const REQUEST_ID: &str = "x-request-id";

/// Sessions opened with the bootstrap admin token, in memory: they exist only until the
/// first admin account does, and a restart ending them is harmless.
#[derive(Default)]
pub struct Sessions {
    bootstrap: Mutex<HashMap<String, (String, Instant)>>,
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

/// The request id the middleware gave this request.
pub fn request_id(headers: &HeaderMap) -> String {
    headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// The bootstrap admin: the admin token's identity while no admin account exists.
fn bootstrap_actor(channel: Channel, request_id: &str) -> Actor {
    Actor { user_id: None, ..Actor::operator("admin-token") }.via(channel, request_id)
}

/// Whether `actor` is the bootstrap admin token's identity (not an account).
pub fn is_bootstrap(actor: &Actor) -> bool {
    actor.user_id.is_none() && actor.login == "admin-token" && actor.channel != Channel::Cli
}

/// Forgets the bootstrap session of this request and clears its cookie on `res` (the setup
/// is done: the first admin account exists).
pub fn end_bootstrap_session(state: &Shared, headers: &HeaderMap, res: &mut Response) {
    if let (Some(id), Ok(mut map)) = (cookie_value(headers, COOKIE), state.sessions.bootstrap.lock()) {
        map.remove(&id);
    }
    if let Some(v) = session_cookie(state, headers, "", 0) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
}

/// A logged-in caller of a page: who, and the CSRF token its forms must carry.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub csrf: String,
    pub display_name: String,
}

/// The logged-in caller of a request, if its cookie names a live session.
pub async fn caller(state: &Shared, headers: &HeaderMap) -> Option<Caller> {
    let id = cookie_value(headers, COOKIE)?;
    let rid = request_id(headers);
    let bootstrap = {
        let mut map = state.sessions.bootstrap.lock().ok()?;
        match map.get(&id) {
            Some((csrf, expires)) if *expires > Instant::now() => Some(csrf.clone()),
            Some(_) => {
                map.remove(&id);
                None
            }
            None => None,
        }
    };
    if let Some(csrf) = bootstrap {
        // The token's sessions end the moment an admin account exists, for good.
        if !db(state, |s| s.bootstrap_open()).await.ok()? {
            if let Ok(mut map) = state.sessions.bootstrap.lock() {
                map.remove(&id);
            }
            return None;
        }
        return Some(Caller { actor: bootstrap_actor(Channel::Form, &rid), csrf, display_name: "管理令牌".into() });
    }
    let info = db(state, move |s| s.session(&id)).await.ok()??;
    let display_name =
        if info.user.display_name.is_empty() { info.user.login.clone() } else { info.user.display_name.clone() };
    Some(Caller { actor: info.user.actor(Channel::Form, &rid), csrf: info.csrf, display_name })
}

/// The CSRF token of the caller's session, for pages that show forms ("" when logged out).
pub async fn csrf_of(state: &Shared, headers: &HeaderMap) -> String {
    caller(state, headers).await.map(|c| c.csrf).unwrap_or_default()
}

/// Checks a form write: a live session and the CSRF token of that session. Returns who is
/// writing; the store decides whether they may.
pub async fn require_form(state: &Shared, headers: &HeaderMap, csrf: &str) -> Result<Actor, AppError> {
    Ok(require_form_caller(state, headers, csrf).await?.actor)
}

/// [`require_form`] for handlers that also show the caller a page afterwards.
pub async fn require_form_caller(state: &Shared, headers: &HeaderMap, csrf: &str) -> Result<Caller, AppError> {
    let Some(c) = caller(state, headers).await else {
        return Err(AppError::Unauthorized("修改数据需要先登录:请在“登录”页输入账户和密码。".into()));
    };
    if !token_matches(csrf, &c.csrf) {
        return Err(AppError::Forbidden("表单已过期或来源不明(CSRF 校验失败):请刷新页面后重试。".into()));
    }
    Ok(c)
}

/// Checks an API write: `Authorization: Bearer <user API token>` (or, before any admin
/// account exists, the admin token).
pub async fn require_bearer(state: &Shared, headers: &HeaderMap) -> Result<Actor, AppError> {
    let rid = request_id(headers);
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_string);
    let Some(token) = given else {
        return Err(AppError::Unauthorized(
            "writes need an API token: send the header `Authorization: Bearer <token>` (make one with `planwatch user token`)".into(),
        ));
    };
    if token.starts_with("pwt_") {
        let user = db(state, move |s| s.token_user(&token)).await?;
        return match user {
            Some(u) => Ok(u.actor(Channel::Api, &rid)),
            None => Err(AppError::Forbidden("the API token is unknown, revoked, or its user is disabled".into())),
        };
    }
    if token_matches(&token, &state.config.admin_token) {
        if !db(state, |s| s.bootstrap_open()).await? {
            return Err(AppError::Forbidden(
                "the admin token only sets up the first admin account; an admin account has existed, so the token \
                 is closed for good: use a user's API token (with no enabled admin left, run `planwatch user enable \
                 NAME` or `planwatch user add NAME --role admin` on the server)"
                    .into(),
            ));
        }
        return Ok(bootstrap_actor(Channel::Api, &rid));
    }
    Err(AppError::Forbidden("the API token is wrong: use a token made by `planwatch user token`".into()))
}

/// How to get an admin back when none is enabled (the token cannot help any more).
pub const RECOVERY: &str = "如已没有可用的管理员账户,请在服务器上运行 planwatch user enable 账户名 重新启用,\
                            或 planwatch user add 账户名 --role admin 新建管理员。";

#[derive(Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// What [`safe_next`] leaves as it is: letters, digits and the URL punctuation of paths,
/// queries and fragments (`%` too, so existing escapes stay). Everything else — spaces,
/// quotes, non-ASCII — is percent-encoded.
const NEXT_KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?')
    .remove(b'#')
    .remove(b'%');

/// Only a local path is followed after login (no open redirect): one that starts with a
/// single `/` and holds no control character (browsers drop tabs and line breaks, so
/// `/<TAB>/evil.example` is `//evil.example` to them) and no backslash (`/\evil` is
/// `//evil` to them); it is re-encoded, so the Location header is always valid. Anything
/// else is `/`.
pub fn safe_next(next: &str) -> String {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 2048
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if !local {
        return "/".to_string();
    }
    percent_encoding::utf8_percent_encode(next, NEXT_KEEP).to_string()
}

async fn login_page(state: &Shared, headers: &HeaderMap, next: &str, error: String) -> LoginPage {
    let caller = caller(state, headers).await;
    let bootstrap = db(state, |s| s.bootstrap_open()).await.unwrap_or(false);
    // No enabled admin and the token closed: only the command line can help.
    let recovery = !bootstrap && !db(state, |s| s.has_admin()).await.unwrap_or(true);
    LoginPage {
        nav: "",
        next: safe_next(next),
        error,
        logged_in: caller.as_ref().map(|c| format!("{}({})", c.display_name, c.actor.scope())).unwrap_or_default(),
        bootstrap,
        recovery,
    }
}

pub async fn login_form(State(state): State<Shared>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    render(&login_page(&state, &headers, &q.next, String::new()).await).into_response()
}

/// The client's address as the login throttle keys it: an IPv4 address, or the /64 network
/// of an IPv6 one (a single host commonly holds a whole /64). It is the socket's peer, or,
/// when the server is configured to sit behind a proxy (`--behind-proxy`), the last entry
/// of `X-Forwarded-For` — the one that proxy appended; earlier entries come from the client
/// and are ignored. "" when unknown (no socket address, as in tests that do not give one).
pub struct ClientAddr(pub String);

impl FromRequestParts<Shared> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded = if state.config.behind_proxy { last_forwarded_for(&parts.headers) } else { None };
        Ok(ClientAddr(forwarded.or(peer).map(address_key).unwrap_or_default()))
    }
}

/// The last address of the `X-Forwarded-For` headers (with or without a port).
fn last_forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    // The last header strictly: an earlier one may come from the client.
    let last = headers.get_all("x-forwarded-for").iter().next_back()?.to_str().ok()?;
    let entry = last.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| entry.trim_start_matches('[').trim_end_matches(']').parse().ok())
}

/// The throttle's key of an address (see [`ClientAddr`]).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    /// The bootstrap admin token (only while no admin account exists).
    #[serde(default)]
    token: String,
    #[serde(default)]
    next: String,
}

/// `Secure` when the server is reached over TLS (a TLS-terminating proxy says so with
/// `X-Forwarded-Proto: https`, or the configured public URL is https).
fn session_cookie(state: &Shared, headers: &HeaderMap, value: &str, max_age: i64) -> Option<HeaderValue> {
    let tls = state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let secure = if tls { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"))
        .ok()
}

fn logged_in_redirect(state: &Shared, headers: &HeaderMap, next: &str, secret: &str, max_age: i64) -> Response {
    let mut res = Redirect::to(&safe_next(next)).into_response();
    if let Some(v) = session_cookie(state, headers, secret, max_age) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub async fn login(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    let (st, hd, next) = (&state, &headers, f.next.as_str());
    let refuse = move |status: StatusCode, msg: String| async move {
        // Every failure costs the caller a moment: online guessing gets slow.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let page = login_page(st, hd, next, msg).await;
        (status, render(&page)).into_response()
    };
    let minutes = |until: i64| {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        ((until - now).max(0) + 59) / 60
    };
    let throttled = |until: i64| async move {
        let mut res = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "此网络地址的登录失败次数过多,已暂停从此地址登录,请 {} 分钟后再试(或请管理员在“账户管理”中解除)。",
                minutes(until)
            ),
        )
        .await;
        let seconds = (until - time::OffsetDateTime::now_utc().unix_timestamp()).max(1);
        if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    };
    if !f.token.trim().is_empty() {
        // The token is guessed like a password: the address throttle applies to it too.
        let c = client.clone();
        let claim = match db(&state, move |s| s.claim_token_try(&c)).await {
            Ok(Ok(claim)) => claim,
            Ok(Err(until)) => return throttled(until).await,
            Err(e) => return e.into_response(),
        };
        if !token_matches(f.token.trim(), &state.config.admin_token) {
            return refuse(StatusCode::UNAUTHORIZED, "令牌不正确,请重试。".into()).await;
        }
        let c = client.clone();
        if let Err(e) = db(&state, move |s| s.token_try_succeeded(&c, claim)).await {
            return e.into_response();
        }
        if !db(&state, |s| s.bootstrap_open()).await.unwrap_or(false) {
            return refuse(
                StatusCode::UNAUTHORIZED,
                format!("本系统已有过管理员账户,管理令牌已停用且不会再启用:请用账户和密码登录。{RECOVERY}"),
            )
            .await;
        }
        let id = random_token();
        if let Ok(mut map) = state.sessions.bootstrap.lock() {
            let now = Instant::now();
            map.retain(|_, s| s.1 > now);
            map.insert(id.clone(), (random_token(), now + Duration::from_secs(SESSION_SECONDS as u64)));
        }
        return logged_in_redirect(&state, &headers, &f.next, &id, SESSION_SECONDS);
    }
    let (login, password, rid) = (f.login.clone(), f.password.clone(), request_id(&headers));
    let outcome = match db(&state, move |s| s.login(&login, &password, &client, &rid)).await {
        Ok(o) => o,
        Err(e) => return e.into_response(),
    };
    match outcome {
        Ok(session) => logged_in_redirect(&state, &headers, &f.next, &session.secret, SESSION_SECONDS),
        Err(LoginRefusal::BadCredentials) => refuse(StatusCode::UNAUTHORIZED, "账户或密码不正确,请重试。".into()).await,
        Err(LoginRefusal::Disabled) => refuse(StatusCode::UNAUTHORIZED, "此账户已停用,请联系管理员。".into()).await,
        Err(LoginRefusal::Locked(until)) => {
            let msg = format!(
                "登录失败次数过多,账户已临时锁定,请 {} 分钟后再试(或请管理员在“账户管理”中解锁)。",
                minutes(until)
            );
            refuse(StatusCode::UNAUTHORIZED, msg).await
        }
        Err(LoginRefusal::Throttled(until)) => throttled(until).await,
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(State(state): State<Shared>, headers: HeaderMap, Form(f): Form<LogoutForm>) -> Response {
    if require_form(&state, &headers, &f.csrf).await.is_ok() {
        if let Some(id) = cookie_value(&headers, COOKIE) {
            let was_bootstrap = state.sessions.bootstrap.lock().map(|mut m| m.remove(&id).is_some()).unwrap_or(false);
            if !was_bootstrap {
                let _ = db(&state, move |s| s.end_session(&id)).await;
            }
        }
    }
    let mut res = Redirect::to("/").into_response();
    if let Some(v) = session_cookie(&state, &headers, "", 0) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_addresses_are_keyed_by_host_or_ipv6_network() {
        let key = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::ffff"), key("2001:db8:1:2:ffff::"));
        let mut h = HeaderMap::new();
        assert_eq!(last_forwarded_for(&h), None);
        for (value, last) in [
            ("198.51.100.1", "198.51.100.1"),
            ("10.0.0.1, 198.51.100.2", "198.51.100.2"),
            ("10.0.0.1,198.51.100.3:4711", "198.51.100.3"),
            ("[2001:db8::5]:443", "2001:db8::5"),
            ("2001:db8::6", "2001:db8::6"),
        ] {
            h.insert("x-forwarded-for", value.parse().unwrap());
            assert_eq!(last_forwarded_for(&h), Some(last.parse().unwrap()), "{value}");
        }
        h.insert("x-forwarded-for", "unknown".parse().unwrap());
        assert_eq!(last_forwarded_for(&h), None);
    }
}

//! planwatch-web: the workspace served over HTTP (HTTP only: the application layer is
//! `planwatch-app`). Server-rendered zh-CN pages (askama
//! templates, escaped by default), a JSON API under `/api/v1` with a generated OpenAPI
//! document, and XLSX/CSV/JSON exports.
//!
//! Invariants:
//! - every store call runs on the blocking pool (`db`), never on the async workers;
//! - every write goes through [`auth`] (admin token until user accounts arrive) and, for
//!   forms, a CSRF token bound to the session;
//! - pages and exports of a plan are cached by (plan, revision): a correction or a new
//!   version bumps the revision, so a cache entry is never stale; search results are cached
//!   by (query, index reader generation) for the same reason;
//! - what a figure is (progress, rankings, maps, reports, plan rows) is computed in
//!   `planwatch-app`, never here: handlers call it and render, so pages, API and CLI agree;
//! - the search index is derived data, synced from the store by generation ([`sync`]).

mod account_pages;
pub mod api;
mod api_registry;
mod api_setup;
pub mod auth;
mod cache;
mod calendar_pages;
mod edit;
mod exports;
mod family_pages;
mod layout_pages;
mod meta_pages;
mod monitor_pages;
mod pager;
mod pages;
pub mod problems;
mod registry_pages;
mod review_pages;
mod setup_pages;
pub mod sync;
mod taxonomy_pages;
mod zh;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use planwatch_search::SearchIndex;
use planwatch_store::{Store, StoreError};

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    /// The bootstrap token: unlocks writes only while the store has no admin account.
    pub admin_token: String,
    /// Mark session cookies `Secure` (the server is reached over https, e.g. behind a TLS proxy).
    pub secure_cookies: bool,
    /// Largest accepted upload, in bytes.
    pub max_upload: usize,
    /// The server is reached through a proxy that appends the client's address to
    /// `X-Forwarded-For`: the login throttle then keys clients by that header's last entry
    /// rather than by the socket's peer (the proxy). Off by default, as anyone can send it.
    pub behind_proxy: bool,
}

/// Shared state of all handlers.
pub struct AppState {
    pub store: Arc<Store>,
    pub search: Arc<SearchIndex>,
    pub config: Config,
    pub sessions: auth::Sessions,
    cache: cache::Cache,
    /// Monitoring pages by URL, valid for one (generation, monitor revision) of the store.
    pages: cache::KeyedCache,
    /// Registry list data (a page of entries and the counts per filter value) by kind,
    /// region, filter and page, valid for one (generation, monitor revision) of the region:
    /// every registry write bumps it. The list HTML is made per caller from it.
    registry_lists: cache::DataCache<registry_pages::ListData>,
    /// Registry list data read from the store (not served from `registry_lists`), for tests.
    registry_lists_made: std::sync::atomic::AtomicU64,
    /// Workspace-wide pages (`/family`, `/taxonomy`) made rather than served from the cache.
    workspace_pages_made: std::sync::atomic::AtomicU64,
    /// At most one monitoring page is made per core at a time; a request that waited looks in
    /// the cache again, so 64 requests for a missing page make it about once, not 64 times.
    page_builds: tokio::sync::Semaphore,
    /// Reports (DOCX, HTML, XLSX) are made one at a time, outside the read queue (see
    /// `read_lane`): a crowd of report downloads then takes one core, and the pages keep the
    /// others.
    report_builds: tokio::sync::Semaphore,
    search_cache: Arc<cache::SearchCache>,
    /// Monitoring pages and reports made (not served from the cache), for tests and load checks.
    pages_made: std::sync::atomic::AtomicU64,
    /// Problem lists of refused form imports, for their download link.
    pub(crate) problem_files: problems::ProblemFiles,
    /// Searches computed at once: one per core. More only thrash the CPU caches and make
    /// every search slower; waiting requests queue here instead (cache hits do not).
    search_permits: tokio::sync::Semaphore,
    /// Reads (GET and HEAD) handled at once: one per core by default
    /// (`PLANWATCH_READ_CONCURRENCY`). A read is CPU work (a cached page, a query of the local
    /// store), so one per core keeps the cores busy; a crowd of them at once only shares the
    /// CPU ever thinner, until a district's submission, which needs the single writer's turn
    /// and a dozen statements, waits behind them. Queued here instead, reads lose nothing
    /// and writes (which skip this queue) run at once.
    read_permits: tokio::sync::Semaphore,
    last_sync_check: std::sync::atomic::AtomicU64,
    syncing: tokio::sync::Mutex<()>,
}

pub type Shared = Arc<AppState>;

impl AppState {
    /// How many monitoring pages and reports were made rather than served from the cache.
    pub fn pages_made(&self) -> u64 {
        self.pages_made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Bytes the page caches hold now (each is bounded by `PLANWATCH_PAGE_CACHE_MB`).
    pub fn page_cache_bytes(&self) -> usize {
        self.cache.bytes() + self.pages.bytes() + self.registry_lists.bytes()
    }

    /// How many registry lists were read from the store rather than served from the cache.
    pub fn registry_lists_made(&self) -> u64 {
        self.registry_lists_made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many `/family` and `/taxonomy` pages were made rather than served from the cache.
    pub fn workspace_pages_made(&self) -> u64 {
        self.workspace_pages_made.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A workspace-wide page (`/family`, `/taxonomy`) from the plan-page cache, keyed by
    /// (`what`, `variant`, the store's workspace version read before the page is made), or
    /// made by `make` and kept.
    pub(crate) async fn workspace_page(
        self: &Arc<Self>,
        what: &'static str,
        variant: i64,
        make: impl FnOnce(&Store) -> Result<String, StoreError> + Send + 'static,
    ) -> Result<Response, AppError> {
        let version = db(self, |s| s.workspace_version()).await?;
        let key = pages::workspace_key(version);
        if let Some(bytes) = self.cache.get(what, variant, key) {
            return Ok(pages::html_bytes(bytes));
        }
        let (html, version) = db(self, move |s| {
            // The version first: a write while the page is made gives a newer page under the
            // older key, never an older page under the newer one.
            let version = s.workspace_version()?;
            Ok((make(s)?, version))
        })
        .await?;
        self.workspace_pages_made.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(pages::html_bytes(self.cache.put(what, variant, pages::workspace_key(version), html.into_bytes())))
    }
}

impl AppState {
    pub fn new(store: Arc<Store>, search: Arc<SearchIndex>, config: Config) -> Shared {
        Arc::new(AppState {
            store,
            search,
            config,
            sessions: auth::Sessions::default(),
            cache: cache::Cache::default(),
            pages: cache::KeyedCache::default(),
            registry_lists: cache::DataCache::default(),
            registry_lists_made: Default::default(),
            workspace_pages_made: Default::default(),
            report_builds: tokio::sync::Semaphore::new(1),
            page_builds: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            ),
            search_cache: Arc::default(),
            pages_made: Default::default(),
            problem_files: Default::default(),
            search_permits: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(|n| 2 * n.get()).unwrap_or(4),
            ),
            read_permits: tokio::sync::Semaphore::new(read_concurrency()),
            last_sync_check: std::sync::atomic::AtomicU64::new(0),
            syncing: tokio::sync::Mutex::new(()),
        })
    }
}

/// `PLANWATCH_READ_CONCURRENCY`, or the number of cores. (A store on another machine leaves
/// reads waiting on the network, not the CPU: there, more pays.)
fn read_concurrency() -> usize {
    let default = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    std::env::var("PLANWATCH_READ_CONCURRENCY")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// Runs a store call on the blocking pool.
pub(crate) async fn db<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, AppError> {
    let store = state.store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| AppError::Internal(format!("worker failed: {e}")))?
        .map_err(AppError::from)
}

/// Errors of handlers, shown as a zh-CN page (or JSON under `/api`).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    /// The data is locked (submitted or approved figures).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// Well-formed but not acceptable: a field over its limit, JSON of the wrong shape.
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => AppError::NotFound(format!("未找到:{what}")),
            StoreError::Read { name, reason_zh, .. } => {
                AppError::Unsupported(format!("无法读取文件“{name}”:{reason_zh}"))
            }
            StoreError::DocumentTooLarge { name, error } => AppError::TooLarge(too_large_document(&name, &error)),
            StoreError::Invalid(m) => AppError::BadRequest(m),
            e @ StoreError::TooLong { .. } => AppError::Unprocessable(e.to_string()),
            StoreError::Forbidden(m) => AppError::Forbidden(m),
            StoreError::Locked(m) => AppError::Conflict(m),
            // The database server went away (restart, network): say so, and that the request
            // can be repeated; the store reconnects by itself.
            StoreError::Unavailable(m) => {
                AppError::Busy(format!("数据库暂时无法连接,请稍后重试(系统会自动重新连接)。详情:{m}"))
            }
            // Another process (an import, a restore, a backup) held the write lock too long.
            StoreError::Busy(m) => AppError::Busy(format!(
                "数据库正忙:另一项写入(导入、恢复或备份)占用时间过长,本次未作任何改动,请稍后重试。详情:{m}"
            )),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Why a document over a read limit was refused, and which option raises that limit.
fn too_large_document(name: &str, error: &planwatch_core::ReadError) -> String {
    use planwatch_core::ReadError;
    let mb = |n: u64| format!("{:.1} MB", n as f64 / 1048576.0);
    match error {
        ReadError::TextTooLarge { limit } => format!(
            "文件“{name}”解析出的正文超过上限 {limit} 字节({}),已拒绝,未保存任何内容。规划文件的正文远小于此,\
             这可能是压缩炸弹或并非规划文件;如确为一份规划,请管理员用 --max-text(或环境变量 PLANWATCH_MAX_TEXT)\
             调高上限后重启服务。",
            mb(*limit)
        ),
        ReadError::ZipBomb { limit } => format!(
            "文件“{name}”解压后超过 {limit} 字节({}),疑似压缩炸弹,已拒绝,未保存任何内容。如确为规划文件,\
             请管理员用 --max-size(或 PLANWATCH_MAX_SIZE)调高上限(解压上限为它的 4 倍)后重启服务。",
            mb(*limit)
        ),
        ReadError::TooLarge { size, limit } => format!(
            "文件“{name}”有 {size} 字节,超过上限 {limit} 字节({}),已拒绝,未保存任何内容。如确为规划文件,\
             请管理员用 --max-size(或 PLANWATCH_MAX_SIZE)调高上限后重启服务。",
            mb(*limit)
        ),
        other => format!("无法读取文件 {name}:{other}"),
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "页面不存在",
            AppError::BadRequest(_) => "请求有误",
            AppError::Unauthorized(_) => "需要登录",
            AppError::Forbidden(_) => "无权操作",
            AppError::Conflict(_) => "数据已锁定",
            AppError::TooLarge(_) => "文件过大",
            AppError::Unprocessable(_) => "内容不符合要求",
            AppError::Unsupported(_) => "无法处理的文件",
            AppError::Busy(_) => "系统繁忙",
            AppError::Internal(_) => "服务器内部错误",
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(m) = &self {
            eprintln!("planwatch serve: internal error: {m}");
        }
        let page = pages::ErrorPage { title: self.title(), message: self.to_string(), nav: "" };
        let mut response = (self.status(), pages::render(&page)).into_response();
        if let AppError::Busy(_) = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("2"));
        }
        response
    }
}

/// Readiness for a load balancer: 200 when the store answers, 503 (with the reason) when
/// it does not (a PostgreSQL restart, say); `/healthz` only says the process runs.
async fn ready(axum::extract::State(state): axum::extract::State<Shared>) -> Result<&'static str, AppError> {
    db(&state, |store| store.generation()).await?;
    Ok("ready")
}

/// The router with every page and API route.
pub fn router(state: Shared) -> Router {
    let max_upload = state.config.max_upload;
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/plans/{id}", get(pages::plan))
        .route("/plans/{id}/source", get(pages::source))
        .route("/plans/{id}/original", get(pages::original))
        .route("/plans/{id}/tasks.xlsx", get(pages::tasks_xlsx))
        .route("/plans/{id}/tasks.csv", get(pages::tasks_csv))
        .route("/plans/{id}/tasks.json", get(pages::tasks_json))
        .route("/plans/{id}/targets.xlsx", get(pages::targets_xlsx))
        .route("/plans/{id}/targets.csv", get(pages::targets_csv))
        .route("/plans/{id}/targets.json", get(pages::targets_json))
        .route("/plans/{id}/edit/{kind}", get(edit::form).post(edit::save))
        .route("/plans/{id}/delete/{kind}", post(edit::delete))
        .route("/plans/{id}/revert", post(edit::revert))
        .route("/plans/{id}/meta", get(meta_pages::form).post(meta_pages::save))
        .route("/plans/{id}/pick/{kind}", post(edit::pick))
        .route("/departments", get(pages::departments))
        .route("/departments/{name}", get(pages::department))
        .route("/places", get(pages::places))
        .route("/places/{name}", get(pages::place))
        .route("/layout", get(layout_pages::page))
        .route("/industries", get(pages::industries))
        .route("/taxonomy", get(taxonomy_pages::tree))
        .route("/review", get(review_pages::review))
        .route("/review.docx", get(review_pages::review_docx))
        .route("/review.xlsx", get(review_pages::review_xlsx))
        .route("/compare.xlsx", get(review_pages::compare_xlsx))
        .route("/review/mark", axum::routing::post(review_pages::mark))
        .route("/compare", get(review_pages::compare))
        .route("/plans/{id}/taxonomy", get(taxonomy_pages::plan).post(taxonomy_pages::confirm))
        .route("/plans/{id}/taxonomy/withdraw", post(taxonomy_pages::withdraw))
        .route("/family", get(family_pages::page))
        .route("/plans/{id}/family", get(family_pages::plan))
        .route("/search", get(pages::search))
        .route("/upload", get(pages::upload_form).post(pages::upload))
        .route("/monitor", get(monitor_pages::overview))
        .route("/plans/{id}/progress", get(monitor_pages::progress))
        .route("/plans/{id}/progress/{code}", get(monitor_pages::indicator))
        .route("/plans/{id}/tasks/report", post(monitor_pages::report_task))
        .route("/plans/{id}/{file}", get(monitor_pages::report))
        .route("/indicators/{code}/rollup", get(monitor_pages::rollup_form).post(monitor_pages::rollup_save))
        .route("/indicators/{code}/edit", get(setup_pages::edit_form).post(setup_pages::edit_save))
        .route("/plans/{id}/indicators", post(setup_pages::from_targets))
        .route("/indexes", get(setup_pages::indexes))
        .route("/indexes/new", get(setup_pages::index_form).post(setup_pages::index_save))
        .route("/rankings/{name}", get(monitor_pages::ranking))
        .route("/rankings/{name}/publish", post(monitor_pages::publish))
        .route("/rankings/{name}/xlsx", get(exports::ranking_xlsx))
        .route("/plans/{id}/progress/{code}/xlsx", get(exports::indicator_xlsx))
        .route("/audit/xlsx", get(exports::audit_xlsx))
        .route("/calendar", get(calendar_pages::page))
        .route("/calendar/deadline", post(calendar_pages::set_deadline))
        .route("/calendar/xlsx", get(calendar_pages::xlsx))
        .route("/maps", get(monitor_pages::map))
        .route("/observations/template", get(monitor_pages::template))
        .route("/observations/import", post(monitor_pages::import))
        .route("/observations/problems/{id}", get(monitor_pages::import_problems))
        .route("/observations/{id}/confirm", post(account_pages::confirm_value))
        .route("/registries", get(registry_pages::index))
        .route("/registries/{kind}", get(registry_pages::list))
        .route("/registries/{kind}/xlsx", get(registry_pages::list_xlsx))
        .route("/registries/{kind}/template", get(registry_pages::template))
        .route("/registries/{kind}/import", post(registry_pages::import))
        .route("/registries/{kind}/step/{action}", post(registry_pages::step))
        .route("/registries/{kind}/batches", get(registry_pages::batches))
        .route("/registries/{kind}/batches/{n}", get(registry_pages::batch))
        .route("/registries/{kind}/funnel", get(registry_pages::funnel))
        .route("/registries/{kind}/funnel/xlsx", get(registry_pages::funnel_xlsx))
        .route("/registries/{kind}/{key}", get(registry_pages::entry))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/account", get(account_pages::account))
        .route("/account/password", post(account_pages::change_password))
        .route("/account/tokens", post(account_pages::create_token))
        .route("/account/tokens/{id}/revoke", post(account_pages::revoke_token))
        .route("/admin/users", get(account_pages::users).post(account_pages::add_user))
        .route("/admin/users/{login}/{action}", post(account_pages::user_action))
        .route("/admin/login-blocks/unblock", post(account_pages::unblock_address))
        .route("/audit", get(account_pages::audit))
        .route("/approvals", get(account_pages::approvals).post(account_pages::approval_step))
        .route("/logout", post(auth::logout))
        .route("/assets/{name}", get(assets))
        .nest("/api/v1", api::router())
        .fallback(|| async { AppError::NotFound("页面不存在,请从导航栏重新进入。".into()) })
        .layer(DefaultBodyLimit::max(max_upload + 64 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), read_lane))
        .layer(axum::middleware::from_fn_with_state(state.clone(), api::json_errors))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

/// Gives every request a fresh id (a client's own `X-Request-Id` is not trusted): handlers
/// pass it into the audit log, and the response carries it, so a user reporting a problem
/// can name the request and an admin can find its audit entries.
async fn request_id(mut req: Request, next: Next) -> Response {
    use rand::Rng;
    let bytes: [u8; 8] = rand::rng().random();
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let value = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("0"));
    req.headers_mut().insert(auth::REQUEST_ID, value.clone());
    let mut res = next.run(req).await;
    res.headers_mut().insert(auth::REQUEST_ID, value);
    res
}

/// Queues reads behind [`AppState::read_permits`]; writes, health checks and static assets
/// pass straight through.
async fn read_lane(axum::extract::State(state): axum::extract::State<Shared>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let exempt = !matches!(*req.method(), axum::http::Method::GET | axum::http::Method::HEAD)
        || path == "/healthz"
        || path == "/readyz"
        || path.starts_with("/assets/")
        // Report downloads have a lane of their own (one made at a time, `report_builds`):
        // waiting for it, they hold no read permit, so plan pages do not queue behind them.
        || monitor_pages::is_report_path(path);
    if exempt {
        return next.run(req).await;
    }
    match state.read_permits.acquire().await {
        Ok(_permit) => next.run(req).await,
        // Closed only when the server shuts down.
        Err(_) => AppError::Busy("服务器正在关闭".into()).into_response(),
    }
}

/// Headers every response carries: a CSP without inline script or style (all script and
/// style is served from `/assets`), no MIME sniffing, no framing, no referrer leaks.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy of its own (the standalone HTML report).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; \
                 base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        );
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    res
}

/// `sha256-…` of a stylesheet, for a CSP that allows exactly that inline `<style>`.
pub(crate) fn style_hash(css: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(css.as_bytes());
    use base64::Engine;
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// Stylesheet and script, vendored into the binary: nothing is fetched from elsewhere.
async fn assets(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let (body, mime): (&'static str, &'static str) = match name.as_str() {
        "style.css" => (include_str!("../assets/style.css"), "text/css; charset=utf-8"),
        "print.css" => (include_str!("../assets/print.css"), "text/css; charset=utf-8"),
        "app.js" => (include_str!("../assets/app.js"), "text/javascript; charset=utf-8"),
        _ => return AppError::NotFound("没有这个静态文件。".into()).into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], Body::from(body)).into_response()
}

/// Serves until Ctrl-C. The index is brought up to date with the store first.
pub async fn serve(state: Shared) -> std::io::Result<()> {
    if let Err(e) = sync::sync_index(&state).await {
        eprintln!("planwatch serve: search index not synced: {e}");
    }
    // Keep the index in step with ingests made by other processes (`planwatch ingest`).
    let bg = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            if let Err(e) = sync::sync_index(&bg).await {
                eprintln!("planwatch serve: search index sync: {e}");
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(state.config.addr).await?;
    eprintln!("planwatch: serving on http://{}", state.config.addr);
    // The socket's peer address (auth::ClientAddr) keys the login throttle.
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use std::time::Duration;
    use tower::ServiceExt;

    /// With every read permit taken, a page view waits its turn, while a write, a health
    /// check and an asset are answered at once; a freed permit lets the page through.
    #[tokio::test]
    async fn reads_queue_for_a_permit_and_writes_do_not() {
        let t = planwatch_store::testing::TempStore::new().unwrap();
        let store = Arc::new(t.open(Default::default()).unwrap());
        let index = Arc::new(SearchIndex::open(&t.path().join("pw.index")).unwrap());
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: "test-admin-token-123".into(),
            max_upload: 1024 * 1024,
            secure_cookies: false,
            behind_proxy: false,
        };
        let state = AppState::new(store, index, config);
        let app = router(state.clone());
        let send = |method: &str, uri: &str| {
            let req = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
            tokio::time::timeout(Duration::from_secs(2), app.clone().oneshot(req))
        };
        let all = state.read_permits.available_permits() as u32;
        assert!(all >= 1);
        let held = state.read_permits.acquire_many(all).await.unwrap();
        assert!(send("GET", "/").await.is_err(), "a page view did not wait for a permit");
        assert_eq!(send("GET", "/healthz").await.unwrap().unwrap().status(), StatusCode::OK);
        assert_eq!(send("GET", "/assets/style.css").await.unwrap().unwrap().status(), StatusCode::OK);
        // A write without a token: refused at once, not queued behind the reads.
        assert_eq!(
            send("POST", "/api/v1/observations?name=a.csv").await.unwrap().unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        drop(held);
        assert_eq!(send("GET", "/").await.unwrap().unwrap().status(), StatusCode::OK);
    }

    /// Report downloads queue in a lane of their own, one made at a time: with every read
    /// permit taken a report is still answered, and while a report is being made, pages are
    /// answered and the next report waits for its turn.
    #[tokio::test]
    async fn reports_have_a_lane_of_their_own() {
        let t = planwatch_store::testing::TempStore::new().unwrap();
        let store = Arc::new(t.open(Default::default()).unwrap());
        let op = planwatch_store::Actor::operator("test");
        let html = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/hefei-sci-tech-plan.html"));
        store.ingest_bytes(&op, "hefei.html", html.unwrap()).unwrap();
        planwatch_app::monitoring::sample::load(&store, None, 7).unwrap();
        let plan = store.indicators(None, None).unwrap().iter().find_map(|i| i.document_id).unwrap();
        let index = Arc::new(SearchIndex::open(&t.path().join("pw.index")).unwrap());
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: "test-admin-token-123".into(),
            max_upload: 1024 * 1024,
            secure_cookies: false,
            behind_proxy: false,
        };
        let state = AppState::new(store, index, config);
        let app = router(state.clone());
        let send = |uri: String| {
            let req = Request::get(uri).body(Body::empty()).unwrap();
            tokio::time::timeout(Duration::from_secs(2), app.clone().oneshot(req))
        };
        let all = state.read_permits.available_permits() as u32;
        let held = state.read_permits.acquire_many(all).await.unwrap();
        let r = send(format!("/plans/{plan}/report.docx?period=1990Q1")).await;
        assert_eq!(r.expect("a report waited in the read queue").unwrap().status(), StatusCode::NOT_FOUND);
        drop(held);
        let lane = state.report_builds.acquire().await.unwrap();
        assert!(send(format!("/plans/{plan}/report.html")).await.is_err(), "a second report was made at once");
        assert_eq!(send(format!("/plans/{plan}")).await.unwrap().unwrap().status(), StatusCode::OK);
        drop(lane);
        assert_eq!(send(format!("/plans/{plan}/report.html")).await.unwrap().unwrap().status(), StatusCode::OK);
        assert!(monitor_pages::is_report_path("/plans/12/report.xlsx"));
        assert!(
            !monitor_pages::is_report_path("/plans/12/progress")
                && !monitor_pages::is_report_path("/plans/x/report.docx")
        );
    }
}

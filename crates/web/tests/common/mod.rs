//! Helpers shared by the web tests: an app over a temporary store, requests, logins.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use planwatch_search::SearchIndex;
use planwatch_store::testing::TempStore;
use planwatch_store::{Store, StoreOptions};
use planwatch_web::{AppState, Config};
use tower::ServiceExt;

pub const TOKEN: &str = "test-admin-token-123";

pub fn example(name: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)).expect("example")
}

pub struct App {
    pub router: Router,
    pub store: Arc<Store>,
    pub state: planwatch_web::Shared,
    pub _dir: TempStore,
}

/// The app over a new store: SQLite, or PostgreSQL when PLANWATCH_TEST_PG is set.
pub fn app() -> App {
    app_with(|_| {})
}

/// [`app`] with its configuration adjusted.
pub fn app_with(adjust: impl FnOnce(&mut Config)) -> App {
    let dir = TempStore::new().unwrap();
    let store = Arc::new(dir.open(StoreOptions::default()).unwrap());
    for f in ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"] {
        store.ingest_bytes(&op(), f, example(f)).unwrap();
    }
    let index = Arc::new(SearchIndex::open(&dir.path().join("pw.index")).unwrap());
    planwatch_app::sync::sync_blocking(&store, &index).unwrap();
    let mut config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        admin_token: TOKEN.into(),
        max_upload: 2 * 1024 * 1024,
        secure_cookies: false,
        behind_proxy: false,
    };
    adjust(&mut config);
    let state = AppState::new(store.clone(), index, config);
    App { router: planwatch_web::router(state.clone()), store, state, _dir: dir }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

pub async fn send(app: &App, req: Request<Body>) -> Resp {
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp { status, headers, body }
}

pub async fn get(app: &App, uri: &str) -> Resp {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub fn form(uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body: String = fields
        .iter()
        .map(|(k, v)| format!("{}={}", k, percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&");
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

/// Logs in with the admin token; returns the cookie and the CSRF token of the session.
pub async fn login(app: &App) -> (String, String) {
    let res = send(app, form("/login", "", &[("token", TOKEN), ("next", "/upload")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let set = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let page = send(app, Request::get("/upload").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let text = page.text();
    let csrf = text.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cookie, csrf)
}

pub fn multipart(cookie: &str, csrf: &str, name: &str, bytes: &[u8]) -> Request<Body> {
    let boundary = "planwatchtestboundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/upload")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

pub fn import_request(cookie: &str, csrf: &str, name: &str, bytes: &[u8], dry_run: bool) -> Request<Body> {
    let boundary = "planwatchtestboundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    if dry_run {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\n1\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/observations/import")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Loads the sample; returns (plan id, index name, newest period, published period).
pub fn sample(app: &App) -> (i64, String, String, String) {
    let summary = planwatch_app::monitoring::sample::load(&app.store, None, 7).unwrap();
    assert!(summary.contains("合成示例数据"), "{summary}");
    // Idempotent.
    assert!(planwatch_app::monitoring::sample::load(&app.store, None, 7).unwrap().contains("already loaded"));
    let index = app.store.indices().unwrap().remove(0);
    let ids: Vec<i64> = index.members.iter().map(|m| m.indicator.id).collect();
    let newest = app.store.latest_period(&ids).unwrap().unwrap();
    let plan = index.members[0].indicator.document_id.unwrap();
    (plan, index.name, newest.to_string(), newest.prev().to_string())
}

/// The operator at the command line: admin rights.
pub fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

/// A small DOCX whose `word/document.xml` holds `text_bytes` of text and more of markup
/// (issue 14: 889 KB that inflated to 261 MB), written in pieces so the test never holds it.
pub fn docx_bomb(text_bytes: usize) -> Vec<u8> {
    use std::io::Write;
    let para = "<w:p><w:r><w:t>到2027年,全市未来产业规模达到1000亿元,培育30个典型应用场景。</w:t></w:r></w:p>";
    let text_per_para = "到2027年,全市未来产业规模达到1000亿元,培育30个典型应用场景。".len() + 1;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>").unwrap();
    let chunk = para.repeat(1024);
    for _ in 0..text_bytes / text_per_para / 1024 + 1 {
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    zip.write_all(b"</w:body></w:document>").unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// The password of the accounts [`add`] makes.
pub const PASSWORD: &str = "correct-horse-42";

/// Adds an account of `role` (no department) with [`PASSWORD`].
pub fn add(app: &App, login: &str, role: planwatch_store::Role, region: &str, place: &str) {
    let user = planwatch_store::users::NewUser {
        login: login.into(),
        display_name: format!("{login} 测试"),
        role,
        region: region.into(),
        place: place.into(),
        department: String::new(),
        password: PASSWORD.into(),
    };
    app.store.add_user(&op(), &user).unwrap();
}

/// Logs `login` in with [`PASSWORD`]; returns the cookie and the CSRF token of the session.
pub async fn login_as(app: &App, login: &str) -> (String, String) {
    let res = send(app, form("/login", "", &[("login", login), ("password", PASSWORD), ("next", "/account")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{login}: {}", res.text());
    let set = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let page = send(app, Request::get("/account").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let text = page.text();
    let csrf = text.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cookie, csrf)
}

//! Roles, enforced below the web layer: for forms, the JSON API and imports alike, a district
//! editor cannot write another district, a department editor cannot report another
//! department's task, and each refusal leaves the store unchanged. Also sessions, API tokens,
//! lockout, the audit log, approval locks and hostile requests against all of it.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_store::users::NewUser;
use planwatch_store::{AuditFilter, Role};
use sha2::{Digest, Sha256};

const PASSWORD: &str = "correct-horse-42";

struct World {
    app: App,
    region: String,
    own: String,
    other: String,
    /// (code of an index indicator, a period no approval locks yet)
    code: String,
    newest: String,
    open_period: String,
    plan: i64,
    /// Task numbers (1-based): one the department leads or shares, one it does not.
    own_task: usize,
    other_task: usize,
    department: String,
}

fn add(app: &App, login: &str, role: Role, region: &str, place: &str, department: &str) {
    app.store
        .add_user(
            &op(),
            &NewUser {
                login: login.into(),
                display_name: format!("{login} 测试"),
                role,
                region: region.into(),
                place: place.into(),
                department: department.into(),
                password: PASSWORD.into(),
            },
        )
        .unwrap();
}

fn world() -> World {
    let app = app();
    let (plan, _index, newest, _) = sample(&app);
    let index = app.store.indices().unwrap().remove(0);
    let region = index.region.clone();
    let units = app.store.dicts().units_within(&region);
    let (own, other) = (units[0].name.clone(), units[1].name.clone());
    let code = index.members[0].indicator.code.clone();
    let open_period = planwatch_monitor::Period::parse(&newest).unwrap().next().to_string();
    let view = app.store.plan_view(plan).unwrap();
    let tasks = &view.effective.plan.tasks;
    // The department owning the fewest tasks: it surely lacks some.
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for t in tasks {
        let mut names: Vec<&str> = t.owners.iter().map(|o| o.canonical.as_str()).collect();
        names.dedup();
        for n in names {
            *counts.entry(n.to_string()).or_default() += 1;
        }
    }
    let department = counts.iter().min_by_key(|(_, n)| **n).map(|(d, _)| d.clone()).expect("tasks with owners");
    let owns = |n: usize| tasks[n].owners.iter().any(|o| o.canonical == department);
    let own_task = (0..tasks.len()).find(|&n| owns(n)).unwrap() + 1;
    let other_task = (0..tasks.len()).find(|&n| !owns(n)).expect("a task of another department") + 1;
    add(&app, "root", Role::Admin, "", "", "");
    add(&app, "ana", Role::Analyst, "", "", "");
    add(&app, "d1", Role::DistrictEditor, &region, &own, "");
    add(&app, "dep", Role::DepartmentEditor, "", "", &department);
    World { app, region, own, other, code, newest, open_period, plan, own_task, other_task, department }
}

/// Everything a refused write could have touched, hashed.
fn fingerprint(app: &App) -> String {
    let s = &app.store;
    let ids: Vec<i64> = s.indicators(None, None).unwrap().iter().map(|i| i.id).collect();
    let obs = s.observations(&ids).unwrap();
    let imports = s.imports(i64::MAX).unwrap().len();
    let audit = s.audit_count().unwrap();
    let mut tasks = Vec::new();
    for p in s.list_plans(Default::default()).unwrap() {
        tasks.push(serde_json::to_string(&s.task_progress(p.id, None).unwrap()).unwrap());
    }
    let region = s.indices().unwrap()[0].region.clone();
    let approvals = serde_json::to_string(&s.approvals(&region, None, None).unwrap()).unwrap();
    let rankings = s.published_rankings(s.indices().unwrap()[0].id, None).unwrap().len();
    let users = serde_json::to_string(&s.users(&op()).unwrap()).unwrap();
    let all = format!(
        "{}|{imports}|{audit}|{}|{approvals}|{rankings}|{users}",
        serde_json::to_string(&obs).unwrap(),
        tasks.join(",")
    );
    Sha256::digest(all.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

async fn login_as(app: &App, login: &str) -> (String, String) {
    let res = send(app, form("/login", "", &[("login", login), ("password", PASSWORD), ("next", "/account")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{login}: {}", res.text());
    let set = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Max-Age=28800"), "{set}");
    let cookie = set.split(';').next().unwrap().to_string();
    let page = send(app, Request::get("/account").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let text = page.text();
    assert!(text.contains(login), "the account page names {login}");
    let csrf = text.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    (cookie, csrf)
}

fn api(method: &str, uri: &str, token: &str, content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn a_district_editor_writes_only_its_own_district_by_form_api_and_cli_path() {
    let w = world();
    let app = &w.app;
    let (cookie, csrf) = login_as(app, "d1").await;
    let token = app.store.create_token(&op(), "d1", "测试脚本").unwrap();
    let other_csv = format!("指标代码,地区,期别,数值\n{},{},{},12\n", w.code, w.other, w.open_period);
    let own_csv = format!("指标代码,地区,期别,数值\n{},{},{},12\n", w.code, w.own, w.open_period);
    // A file with one row of another district, one of its own: refused whole.
    let mixed = format!("{own_csv}{},{},{},13\n", w.code, w.other, w.open_period);

    let before = fingerprint(app);
    for body in [&other_csv, &mixed] {
        let r = send(app, import_request(&cookie, &csrf, "d.csv", body.as_bytes(), false)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert!(r.text().contains(&w.other) && r.text().contains("未导入"), "{}", r.text());
        assert_eq!(fingerprint(app), before, "a refused form import changed the store");
        let r =
            send(app, api("POST", "/api/v1/observations?name=d.csv", &token, "text/csv", body.clone().into_bytes()))
                .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert_eq!(r.json()["error"]["status"], 403);
        assert!(r.json()["problems"][0]["place"] == w.other.as_str(), "{}", r.text());
        assert_eq!(fingerprint(app), before, "a refused API import changed the store");
        // The store call itself, as the CLI makes it with --as d1.
        let d1 = app.store.user("d1").unwrap().unwrap().actor(planwatch_store::Channel::Cli, "");
        let e = app.store.import_observations("d.csv", body.as_bytes(), &Default::default(), &d1).unwrap_err();
        assert!(matches!(e, planwatch_store::monitor::ImportError::Forbidden { .. }), "{e}");
        assert_eq!(fingerprint(app), before);
    }
    // A forged role does not help: the role comes from the account, not the request.
    let forged = Request::post("/api/v1/observations?name=d.csv&role=admin")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header("x-role", "admin")
        .header("x-planwatch-user", "root")
        .body(Body::from(other_csv.clone()))
        .unwrap();
    assert_eq!(send(app, forged).await.status, StatusCode::FORBIDDEN);
    // Nor does approving: a district editor does not review.
    let step =
        serde_json::json!({"region": w.region, "place": w.own, "period": "2025Q1", "step": "approve", "role": "admin"});
    let r =
        send(app, api("POST", "/api/v1/approvals", &token, "application/json", step.to_string().into_bytes())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "unknown fields are refused: {}", r.text());
    let step = serde_json::json!({"region": w.region, "place": w.own, "period": "2025Q1", "step": "approve"});
    let r =
        send(app, api("POST", "/api/v1/approvals", &token, "application/json", step.to_string().into_bytes())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(fingerprint(app), before);

    // Its own district: accepted by form and API, audited with who, channel and request id.
    let r = send(app, import_request(&cookie, &csrf, "own.csv", own_csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let again = own_csv.replace(",12\n", ",14\n");
    let r = send(app, api("POST", "/api/v1/observations?name=own2.csv", &token, "text/csv", again.into_bytes())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let request_id = r.headers.get("x-request-id").unwrap().to_str().unwrap().to_string();
    let filter = AuditFilter { request_id: request_id.clone(), ..Default::default() };
    let (entries, _) = app.store.audit_log(&op(), &filter, 10, 0).unwrap();
    let update = entries.iter().find(|e| e.action == "observation.update").expect("the change is audited");
    assert_eq!((update.who.as_str(), update.channel.as_str()), ("d1", "api"));
    assert!(update.old_value.as_deref().unwrap().contains("12") && update.new_value.as_deref().unwrap().contains("14"));
    assert!(update.source.starts_with("own2.csv"), "{}", update.source);

    // Submitted figures are locked, for the editor and for everyone, until returned.
    let step = serde_json::json!({"region": w.region, "place": w.own, "period": w.open_period, "step": "submit"});
    let r =
        send(app, api("POST", "/api/v1/approvals", &token, "application/json", step.to_string().into_bytes())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "submitted");
    let locked = own_csv.replace(",12\n", ",15\n");
    let before = fingerprint(app);
    let r =
        send(app, api("POST", "/api/v1/observations?name=late.csv", &token, "text/csv", locked.clone().into_bytes()))
            .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    let r = send(app, import_request(&cookie, &csrf, "late.csv", locked.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("退回或撤销审核"), "{}", r.text());
    assert_eq!(fingerprint(app), before);
    // The analyst approves it on the page; the ranking and reports then say so.
    let (acookie, acsrf) = login_as(app, "ana").await;
    let fields = [
        ("csrf", acsrf.as_str()),
        ("region", w.region.as_str()),
        ("place", w.own.as_str()),
        ("period", w.open_period.as_str()),
        ("step", "approve"),
    ];
    let r = send(app, form("/approvals", &acookie, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = send(
        app,
        Request::get(format!("/approvals?region={}", enc(&w.region)))
            .header(header::COOKIE, &acookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .text();
    assert!(page.contains("已审核") && page.contains("撤销审核"), "approved rows offer un-approval");
    // Un-approval needs a reason.
    let mut unapprove = fields.to_vec();
    unapprove[4] = ("step", "unapprove");
    assert_eq!(send(app, form("/approvals", &acookie, &unapprove)).await.status, StatusCode::BAD_REQUEST);
    unapprove.push(("comment", "<script>alert(1)</script>数值有误"));
    assert_eq!(send(app, form("/approvals", &acookie, &unapprove)).await.status, StatusCode::SEE_OTHER);
    let page = get(app, &format!("/approvals?region={}", enc(&w.region))).await.text();
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;数值有误") && !page.contains("<script>alert"),
        "{page}"
    );
    let (entries, _) = app
        .store
        .audit_log(&op(), &AuditFilter { action: "approval.unapprove".into(), ..Default::default() }, 5, 0)
        .unwrap();
    assert_eq!(entries[0].who, "ana");
}

#[tokio::test]
async fn a_department_editor_reports_only_its_departments_tasks() {
    let w = world();
    let app = &w.app;
    let (cookie, csrf) = login_as(app, "dep").await;
    let token = app.store.create_token(&op(), "dep", "").unwrap();
    let before = fingerprint(app);
    let report = |n: usize| {
        form(
            &format!("/plans/{}/tasks/report", w.plan),
            &cookie,
            &[
                ("csrf", &csrf),
                ("task", &n.to_string()),
                ("period", "2026Q4"),
                ("status", "lagging"),
                ("note", "用地未落实"),
            ],
        )
    };
    let r = send(app, report(w.other_task)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.text().contains("无权"), "{}", r.text());
    let body = serde_json::json!({"period": "2026Q4", "status": "lagging"}).to_string();
    let uri = |n: usize| format!("/api/v1/plans/{}/tasks/{n}/progress", w.plan);
    let r = send(app, api("POST", &uri(w.other_task), &token, "application/json", body.clone().into_bytes())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(fingerprint(app), before, "refused task reports changed the store");
    // Nor may it import figures or publish rankings.
    let csv = format!("指标代码,地区,期别,数值\n{},{},{},1\n", w.code, w.own, w.open_period);
    let r = send(app, import_request(&cookie, &csrf, "x.csv", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let index = app.store.indices().unwrap()[0].name.clone();
    let r = send(
        app,
        form(&format!("/rankings/{}/publish", enc(&index)), &cookie, &[("csrf", &csrf), ("period", &w.newest)]),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(fingerprint(app), before);
    // Its own task: by form and by API.
    assert_eq!(send(app, report(w.own_task)).await.status, StatusCode::SEE_OTHER);
    let r = send(app, api("POST", &uri(w.own_task), &token, "application/json", body.into_bytes())).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let reports = app.store.task_progress(w.plan, None).unwrap();
    assert!(reports.iter().any(|t| t.who == "dep" && t.period == "2026Q4"), "{} reported", w.department);
    // The audit log is not the department editor's to read.
    let r = send(app, Request::get("/audit").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sessions_tokens_lockout_and_the_bootstrap_token() {
    let w = world();
    let app = &w.app;
    // An admin account exists: the admin token no longer logs in or writes.
    let r = send(app, form("/login", "", &[("token", TOKEN)])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("管理令牌已停用"), "{}", r.text());
    let r = send(app, api("POST", "/api/v1/documents?name=a.txt", TOKEN, "text/plain", b"x".to_vec())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Cookies are Secure behind a TLS proxy.
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!("login=ana&password={PASSWORD}")))
        .unwrap();
    let r = send(app, req).await;
    assert!(r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("; Secure"));

    // Another user's CSRF token with one's own cookie: refused (a replayed token).
    let (d_cookie, _d_csrf) = login_as(app, "d1").await;
    let (_a_cookie, a_csrf) = login_as(app, "ana").await;
    let before = fingerprint(app);
    let csv = format!("指标代码,地区,期别,数值\n{},{},{},1\n", w.code, w.own, w.open_period);
    let r = send(app, import_request(&d_cookie, &a_csrf, "x.csv", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A made-up or stolen-looking cookie is nobody.
    let r = send(app, import_request("pw_session=00ff", &a_csrf, "x.csv", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(fingerprint(app), before);

    // Logging out ends the session everywhere; its CSRF token is dead with it.
    let (cookie, csrf) = login_as(app, "d1").await;
    assert_eq!(send(app, form("/logout", &cookie, &[("csrf", &csrf)])).await.status, StatusCode::SEE_OTHER);
    let r = send(app, import_request(&cookie, &csrf, "x.csv", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a logged-out session wrote");

    // Disabling an account ends its sessions and tokens at once.
    let token = app.store.create_token(&op(), "d1", "").unwrap();
    let (cookie, csrf) = login_as(app, "d1").await;
    app.store.set_user_disabled(&op(), "d1", true).unwrap();
    let r = send(app, import_request(&cookie, &csrf, "x.csv", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r =
        send(app, api("POST", "/api/v1/observations?name=x.csv", &token, "text/csv", csv.clone().into_bytes())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.store.set_user_disabled(&op(), "d1", false).unwrap();

    // Five wrong passwords lock the account; then even the right one is refused.
    for _ in 0..planwatch_store::users::LOCK_AFTER {
        let r = send(app, form("/login", "", &[("login", "dep"), ("password", "wrong-password-1")])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = send(app, form("/login", "", &[("login", "dep"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("锁定"), "{}", r.text());
    // An unknown login gets the same answer as a wrong password.
    let r = send(app, form("/login", "", &[("login", "nobody"), ("password", PASSWORD)])).await;
    assert!(r.text().contains("账户或密码不正确"));
    // The admin re-enables it (clears the lock).
    app.store.set_user_disabled(&op(), "dep", true).unwrap();
    app.store.set_user_disabled(&op(), "dep", false).unwrap();
    login_as(app, "dep").await;
}

#[tokio::test]
async fn hostile_input_in_account_audit_and_approval_forms_is_refused_or_escaped() {
    let w = world();
    let app = &w.app;
    let (cookie, csrf) = login_as(app, "root").await;
    let before = fingerprint(app);
    // Logins with SQL or markup are refused before anything is stored.
    for login in ["'; DROP TABLE users;--", "<script>", "../../etc/passwd", "a b", ""] {
        let fields = [("csrf", csrf.as_str()), ("login", login), ("role", "analyst"), ("password", PASSWORD)];
        let r = send(app, form("/admin/users", &cookie, &fields)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{login}: {}", r.text());
    }
    // A forged role name.
    let fields = [("csrf", csrf.as_str()), ("login", "x1"), ("role", "superuser"), ("password", PASSWORD)];
    assert_eq!(send(app, form("/admin/users", &cookie, &fields)).await.status, StatusCode::BAD_REQUEST);
    // A district editor of a place outside its region.
    let fields = [
        ("csrf", csrf.as_str()),
        ("login", "x2"),
        ("role", "district_editor"),
        ("region", w.region.as_str()),
        ("place", "渝北区"),
        ("password", PASSWORD),
    ];
    assert_eq!(send(app, form("/admin/users", &cookie, &fields)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(fingerprint(app), before);
    // Script in a display name is stored as typed and shown escaped.
    let fields = [
        ("csrf", csrf.as_str()),
        ("login", "x3"),
        ("name", "<img src=x onerror=alert(1)>"),
        ("role", "analyst"),
        ("password", PASSWORD),
    ];
    assert_eq!(send(app, form("/admin/users", &cookie, &fields)).await.status, StatusCode::SEE_OTHER);
    let page =
        send(app, Request::get("/admin/users").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    let text = page.text();
    assert!(text.contains("&#60;img src=x onerror=alert(1)&#62;") && !text.contains("<img src=x"), "{text}");
    // SQL in audit filters: matched literally, no error.
    for q in [
        "who=%27%20OR%201%3D1--",
        "object=%25%27%3B%20DELETE%20FROM%20audit_log%3B--",
        "action=%25",
        "from=2026-13-99x",
    ] {
        let r =
            send(app, Request::get(format!("/audit?{q}")).header(header::COOKIE, &cookie).body(Body::empty()).unwrap())
                .await;
        assert!(r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST, "{q}: {}", r.status);
        if q.starts_with("who") || q.starts_with("object") {
            assert!(r.text().contains("共 0 条"), "{q}");
        }
    }
    let total = app.store.audit_count().unwrap();
    assert!(total > 0);
    // Other users' pages are not reachable by URL tricks.
    let (dcookie, dcsrf) = login_as(app, "d1").await;
    for uri in ["/admin/users", "/audit"] {
        let r = send(app, Request::get(uri).header(header::COOKIE, &dcookie).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{uri}");
    }
    let r = send(app, form("/admin/users/root/disable", &dcookie, &[("csrf", &dcsrf)])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        send(app, form("/admin/users/root/password", &dcookie, &[("csrf", &dcsrf), ("password", "taken-over-123")]))
            .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An oversized form body.
    let huge = "x".repeat(3 * 1024 * 1024);
    let r = send(app, form("/approvals", &dcookie, &[("csrf", &dcsrf), ("comment", &huge)])).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Path traversal in an import's file name is only a label; the scope check still applies.
    let csv = format!("指标代码,地区,期别,数值\n{},{},{},1\n", w.code, w.other, w.open_period);
    let r = send(app, import_request(&dcookie, &dcsrf, "../../etc/passwd", csv.as_bytes(), false)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The audit log cannot be edited, even with SQL on the store's database.
    let at = app.store.location();
    assert!(planwatch_store::testing::execute_raw(at, "UPDATE audit_log SET who = 'nobody'").is_err());
    assert!(planwatch_store::testing::execute_raw(at, "DELETE FROM audit_log").is_err());
    assert_eq!(app.store.audit_count().unwrap(), total + 1, "only d1's login was added");
}

/// Refusals of big sheets are bounded: the page and the JSON list the first 200 problems and
/// count them all; every problem comes as CSV (a link on the page, `problems=csv` on the
/// API), for 422 (bad rows), 403 (rows of other units) and 409 (locked rows) alike.
#[tokio::test]
async fn refusal_listings_are_capped_with_a_count_and_every_problem_as_csv() {
    let w = world();
    let app = &w.app;
    let (cookie, csrf) = login_as(app, "d1").await;
    let token = app.store.create_token(&op(), "d1", "测试脚本").unwrap();
    let d1 = app.store.user("d1").unwrap().unwrap().actor(planwatch_store::Channel::Cli, "");
    let others: Vec<String> =
        app.store.dicts().units_within(&w.region).iter().map(|u| u.name.clone()).filter(|n| *n != w.own).collect();
    let quarters = || (2001..2100).flat_map(|y| (1..=4).map(move |q| format!("{y}Q{q}")));
    let head = "指标代码,地区,期别,数值\n";
    // 1,000 rows of other units (403) and 1,000 rows of unknown places (422).
    let outside: String = quarters()
        .flat_map(|p| others.iter().map(move |o| (o.clone(), p.clone())))
        .take(1000)
        .map(|(o, p)| format!("{},{o},{p},1\n", w.code))
        .collect();
    let unknown: String = (0..1000).map(|i| format!("{},火星{i}区,2025Q1,1\n", w.code)).collect();
    // 250+ rows in cells its own submission locked (409).
    let members: Vec<String> =
        app.store.indices().unwrap()[0].members.iter().map(|m| m.indicator.code.clone()).collect();
    let locked_periods: Vec<String> = quarters().take(250usize.div_ceil(members.len())).collect();
    let own = w.own.as_str();
    let locked: String =
        locked_periods.iter().flat_map(|p| members.iter().map(move |c| format!("{c},{own},{p},1\n"))).collect();
    let first = format!("{head}{}", locked.replace(",1\n", ",2\n"));
    app.store.import_observations("first.csv", first.as_bytes(), &Default::default(), &d1).unwrap();
    for p in &locked_periods {
        let period = planwatch_monitor::Period::parse(p).unwrap();
        app.store.approval_step(&d1, &w.region, &w.own, period, planwatch_store::ApprovalStep::Submit, "").unwrap();
    }
    let total_locked = locked_periods.len() * members.len();
    let (other_cookie, _) = login_as(app, "ana").await;
    let before = fingerprint(app);
    for (name, rows, status, total) in [
        ("outside.csv", &outside, StatusCode::FORBIDDEN, 1000),
        ("unknown.csv", &unknown, StatusCode::UNPROCESSABLE_ENTITY, 1000),
        ("locked.csv", &locked, StatusCode::CONFLICT, total_locked),
    ] {
        let body = format!("{head}{rows}").into_bytes();
        // The API: the first 200, the count, and how to get the rest.
        let uri = format!("/api/v1/observations?name={name}");
        let r = send(app, api("POST", &uri, &token, "text/csv", body.clone())).await;
        assert_eq!(r.status, status, "{name}: {}", r.text());
        let j = r.json();
        assert_eq!(j["problems"].as_array().unwrap().len(), 200, "{name}");
        assert_eq!(
            (j["problem_count"].as_u64(), j["unlisted_problems"].as_u64()),
            (Some(total as u64), Some(total as u64 - 200))
        );
        assert!(j["problems_csv"].as_str().unwrap().contains("problems=csv"), "{name}: {j}");
        assert!(r.body.len() < 100_000, "{name}: {} bytes", r.body.len());
        // Every problem as CSV, inflated for a client that takes no gzip …
        let r =
            send(app, api("POST", &format!("{uri}&dry_run=true&problems=csv"), &token, "text/csv", body.clone())).await;
        assert_eq!(r.status, status, "{name}");
        assert_eq!(r.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(r.headers.get(header::CONTENT_ENCODING).is_none());
        let csv = r.text();
        assert!(csv.starts_with('\u{feff}'), "{name}: Excel needs the BOM");
        assert_eq!(csv.lines().count(), total + 1, "{name}: header and every problem");
        // … and compressed for one that does.
        let mut req = api("POST", &format!("{uri}&problems=csv"), &token, "text/csv", body.clone());
        req.headers_mut().insert(header::ACCEPT_ENCODING, "gzip".parse().unwrap());
        let r = send(app, req).await;
        assert_eq!(r.headers[header::CONTENT_ENCODING], "gzip");
        let mut inflated = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut inflated).unwrap();
        assert_eq!(inflated, csv);
        // The form: 200 rows on the page, the count, and a link to all of them for this user.
        let r = send(app, import_request(&cookie, &csrf, name, &body, false)).await;
        assert_eq!(r.status, status, "{name}");
        let page = r.text();
        assert_eq!(page.matches("<tr><td class=\"num\">").count(), 200, "{name}");
        assert!(page.contains(&format!("共 {total} 处")), "{name}");
        let link = page.split("href=\"/observations/problems/").nth(1).unwrap().split('"').next().unwrap();
        let link = format!("/observations/problems/{link}");
        let get_as = |cookie: &str| Request::get(&link).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
        let r = send(app, get_as(&cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.text(), csv, "{name}: the page's CSV is the API's");
        assert_eq!(send(app, Request::get(&link).body(Body::empty()).unwrap()).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(send(app, get_as(&other_cookie)).await.status, StatusCode::NOT_FOUND, "another user's list");
    }
    assert_eq!(fingerprint(app), before, "a refusal changed the store");
}

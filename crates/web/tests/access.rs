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
    add(&app, "dep", Role::DepartmentEditor, &region, "", &department);
    World { app, region, own, other, code, newest, open_period, plan, own_task, other_task, department }
}

/// Everything a refused write could have touched, hashed.
fn fingerprint(app: &App) -> String {
    let s = &app.store;
    let ids: Vec<i64> = s.indicators(None, None).unwrap().iter().map(|i| i.id).collect();
    let obs = s.observations(&ids).unwrap();
    let imports = s.imports(i64::MAX).unwrap().len();
    // Refusals of task reports are audited (issue 16): they are the one trace a refused
    // write leaves, counted apart by `refused_reports`.
    let audit = s.audit_count().unwrap() - refused_reports(app).len() as i64;
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

/// The audit entries of refused task reports, newest first.
fn refused_reports(app: &App) -> Vec<planwatch_store::AuditRecord> {
    let f = AuditFilter { action: "task.report.refused".into(), ..Default::default() };
    app.store.audit_log(&op(), &f, 1000, 0).unwrap().0
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
    // (Its value of 12 is far from the district's history: flagged 待核实, acknowledged here.)
    let step = serde_json::json!({"region": w.region, "place": w.own, "period": w.open_period, "step": "submit",
        "acknowledge_flagged": true});
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
    // The cell holds a value flagged 待核实: approving it needs an acknowledgement.
    let r = send(app, form("/approvals", &acookie, &fields)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("待核实"), "{}", r.text());
    let mut fields = fields.to_vec();
    fields.push(("ack", "1"));
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
    let refused = refused_reports(app);
    assert_eq!(refused.len(), 2, "each refused report is audited");
    assert_eq!((refused[0].channel.as_str(), refused[1].channel.as_str()), ("api", "form"));
    assert!(refused.iter().all(|e| e.who == "dep"));
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

/// Issue 16: 市科技局 of one city is not 市科技局 of another. An account of the same department
/// in another region is refused the task (403, nothing stored, the refusal audited), is offered
/// no task to report, and its 部门 page shows its own region's tasks only.
#[tokio::test]
async fn a_department_of_another_region_is_refused_and_sees_its_own_region() {
    let w = world();
    let app = &w.app;
    // The example plans are of 合肥市, 绵阳市 and 苏州市; the sample plan is one of them.
    let elsewhere = app.store.plan_regions().unwrap().into_iter().map(|(r, _)| r).find(|r| *r != w.region).unwrap();
    add(app, "dep2", Role::DepartmentEditor, &elsewhere, "", &w.department);
    let (cookie, csrf) = login_as(app, "dep2").await;
    let token = app.store.create_token(&op(), "dep2", "").unwrap();
    let before = fingerprint(app);
    let fields = [
        ("csrf", csrf.as_str()),
        ("task", &w.own_task.to_string()),
        ("period", "2026Q4"),
        ("status", "done"),
        ("note", "越权填报"),
    ];
    let r = send(app, form(&format!("/plans/{}/tasks/report", w.plan), &cookie, &fields)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.text().contains(&format!("只能填报{elsewhere}")), "{}", r.text());
    let body = serde_json::json!({"period": "2026Q4", "status": "done"}).to_string();
    let uri = format!("/api/v1/plans/{}/tasks/{}/progress", w.plan, w.own_task);
    let r = send(app, api("POST", &uri, &token, "application/json", body.into_bytes())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(fingerprint(app), before, "a cross-region report changed the store");
    assert!(app.store.task_progress(w.plan, None).unwrap().iter().all(|t| t.who != "dep2"));
    let refused = refused_reports(app);
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|e| e.who == "dep2" && e.new_value.as_deref().unwrap().contains(&w.region)));

    // Its progress page offers it no task of this plan; the plan's own department gets its
    // tasks only.
    let page = |c: &str| {
        let uri = format!("/plans/{}/progress", w.plan);
        send(app, Request::get(uri).header(header::COOKIE, c).body(Body::empty()).unwrap())
    };
    let text = page(&cookie).await.text();
    assert!(text.contains("no-task-to-report") && !text.contains("task-report-form"), "dep2 is offered tasks");
    let (own_cookie, _) = login_as(app, "dep").await;
    let text = page(&own_cookie).await.text();
    let offered = text.split("<select name=\"task\">").nth(1).unwrap().split("</select>").next().unwrap();
    assert!(offered.contains(&format!("<option value=\"{}\">", w.own_task)), "{offered}");
    assert!(!offered.contains(&format!("<option value=\"{}\">", w.other_task)), "{offered}");

    // The 部门 page of a region lists that region's departments and tasks only; by default the
    // user's own region, everything for a visitor, and every region on request.
    let get_as =
        |uri: String, c: &str| send(app, Request::get(uri).header(header::COOKIE, c).body(Body::empty()).unwrap());
    let dept = enc("市科技局");
    let mine = get_as(format!("/departments/{dept}"), &cookie).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text());
    let mine = mine.text();
    assert!(mine.contains(&format!("市科技局({elsewhere})")), "the page names the department's region");
    let plans = app.store.list_plans(Default::default()).unwrap();
    for p in &plans {
        let title = p.title.replace('"', "&#34;");
        assert_eq!(mine.contains(&title), p.region == elsewhere, "{}: {title}", p.region);
    }
    let index = get_as("/departments".into(), &cookie).await.text();
    assert!(index.contains(&format!("<td>{elsewhere}</td>")) && !index.contains(&format!("<td>{}</td>", w.region)));
    let all = get(app, "/departments").await.text();
    assert!(all.contains(&format!("<td>{elsewhere}</td>")) && all.contains(&format!("<td>{}</td>", w.region)));
    let every = get_as(format!("/departments/{dept}?region={}", enc("全部")), &cookie).await.text();
    assert!(
        plans.iter().filter(|p| p.region != elsewhere).any(|p| every.contains(&p.title)),
        "全部 lists every region"
    );
    // Generic owners are one entry, whose page lists them.
    assert!(all.contains("各区县/多部门") && !all.contains(">各县(市)区政府<"), "generic owners listed as departments");
    let generic = get(app, &format!("/departments/{}?region={}", enc("各区县/多部门"), enc("合肥市"))).await;
    assert_eq!(generic.status, StatusCode::OK, "{}", generic.text());
    assert!(generic.text().contains("各县(市)区政府"));
    // The other list pages follow the selector too; a region of no plan is an empty list.
    for uri in ["/", "/places", "/industries", "/departments"] {
        let r = get(app, &format!("{uri}?region={}", enc("火星市"))).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        for p in &plans {
            assert!(!r.text().contains(&format!("/plans/{}\"", p.id)), "{uri} lists plan {} of {}", p.id, p.region);
        }
    }
    let home = get_as("/".into(), &cookie).await.text();
    assert!(home.contains("id=\"region-select\""));
    for p in &plans {
        assert_eq!(home.contains(&format!("/plans/{}\"", p.id)), p.region == elsewhere, "home of dep2: {}", p.title);
    }
    // A region name of any length is not looked for.
    let long = enc(&"长".repeat(1000));
    assert_eq!(get(app, &format!("/departments?region={long}")).await.status, StatusCode::BAD_REQUEST);

    // The account page links the department's own tasks.
    let account = get_as("/account".into(), &cookie).await.text();
    let link = format!("/departments/{}?region={}", enc(&w.department), enc(&elsewhere));
    assert!(account.contains(&format!("<a href=\"{link}\" id=\"my-tasks\">")), "no link to its tasks");
    assert!(!account.contains("needs-region"));

    // An admin moves the account to the sample's region on the users page (audited); a
    // non-admin may not, an unknown region or another role's account is refused.
    let (root, root_csrf) = login_as(app, "root").await;
    let set = |c: &str, t: &str, login: &str, region: &str| {
        let uri = format!("/admin/users/{login}/region");
        send(app, form(&uri, c, &[("csrf", t), ("region", region)]))
    };
    let users = get_as("/admin/users".into(), &root).await.text();
    assert!(users.contains("/admin/users/dep2/region"), "the users page offers the region form");
    let before = fingerprint(app);
    assert_eq!(set(&cookie, &csrf, "dep2", &w.region).await.status, StatusCode::FORBIDDEN);
    assert_eq!(set(&root, &root_csrf, "dep2", "火星市").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(set(&root, &root_csrf, "d1", &w.region).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(fingerprint(app), before);
    assert_eq!(set(&root, &root_csrf, "dep2", &w.region).await.status, StatusCode::SEE_OTHER);
    let f = AuditFilter { action: "user.region".into(), ..Default::default() };
    assert_eq!(app.store.audit_log(&op(), &f, 5, 0).unwrap().0[0].who, "root");
    // Now it reports the task it was refused.
    let r = send(app, form(&format!("/plans/{}/tasks/report", w.plan), &cookie, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(app.store.task_progress(w.plan, None).unwrap().iter().any(|t| t.who == "dep2"));
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

// ---- issue 14: hardening of accounts and logins ------------------------------------------

/// The app with one account of each role but no monitoring data (quicker than [`world`]).
fn accounts_app() -> App {
    let app = app();
    add(&app, "root", Role::Admin, "", "", "");
    add(&app, "ana", Role::Analyst, "", "", "");
    app
}

/// A login form POST from the client address `peer` (as the server's socket gives it).
fn login_from(peer: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let mut req = form("/login", "", fields);
    let addr: std::net::SocketAddr = peer.parse().unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    req
}

/// Hole 1 over HTTP: 30 wrong passwords posted at once (from 30 addresses) check exactly five
/// passwords, count five failures and leave the account locked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_logins_over_http_check_five_passwords_then_lock() {
    let app = accounts_app();
    let checks = app.store.password_checks();
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let router = app.router.clone();
            let req =
                login_from(&format!("192.0.2.{}:40000", i + 1), &[("login", "ana"), ("password", "wrong-password-9")]);
            tokio::spawn(async move { tower::ServiceExt::oneshot(router, req).await.unwrap().status() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    let ana = app.store.user("ana").unwrap().unwrap();
    assert_eq!(app.store.password_checks() - checks, planwatch_store::users::LOCK_AFTER as u64);
    assert_eq!(ana.failed_logins, planwatch_store::users::LOCK_AFTER);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!(ana.locked_until > now);
    let r = send(&app, login_from("192.0.2.200:1", &[("login", "ana"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("锁定"), "{}", r.text());
}

/// Hole 2: after a login only a local path is followed. Tabs, line breaks, other control
/// characters, backslashes, schemes and protocol-relative forms all lead to `/`, and no
/// `next` makes the login fail (a CR LF used to answer 500 after setting the cookie).
#[tokio::test]
async fn hostile_next_after_login_goes_home_and_never_fails() {
    let app = accounts_app();
    let hostile = [
        "/\t/evil.example",
        "/\r\n/evil.example",
        "/\r\nSet-Cookie: pw_session=x",
        "/\n/evil.example",
        "/\u{b}/evil.example",
        "/\u{7f}/evil.example",
        "/\u{85}/evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        " /evil.example",
        "evil.example",
        "",
    ];
    let location = |r: &Resp| r.headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
    for (i, next) in hostile.iter().enumerate() {
        let peer = format!("198.51.100.{}:5000", i + 1);
        let r = send(&app, login_from(&peer, &[("login", "ana"), ("password", PASSWORD), ("next", next)])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.text());
        assert_eq!(location(&r).as_deref(), Some("/"), "{next:?}");
        // The bootstrap token's form is refused (an admin exists), and its page survives it.
        let r = send(&app, login_from(&peer, &[("token", "wrong-token-123"), ("next", next)])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{next:?}");
        assert!(r.text().contains("name=\"next\" value=\"/\""), "{next:?}");
        // The login page keeps only a safe `next` for its form.
        let r = get(&app, &format!("/login?next={}", enc(next))).await;
        assert_eq!(r.status, StatusCode::OK, "{next:?}");
        assert!(r.text().contains("name=\"next\" value=\"/\""), "{next:?}");
    }
    // A legitimate local path is followed, re-encoded.
    for (next, expected) in [
        ("/plans/1?tab=targets", "/plans/1?tab=targets"),
        ("/places/蜀山区", "/places/%E8%9C%80%E5%B1%B1%E5%8C%BA"),
        ("/search?q=人工 智能", "/search?q=%E4%BA%BA%E5%B7%A5%20%E6%99%BA%E8%83%BD"),
        ("/audit?who=ana&action=login", "/audit?who=ana&action=login"),
    ] {
        let r =
            send(&app, login_from("198.51.100.99:5000", &[("login", "ana"), ("password", PASSWORD), ("next", next)]))
                .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location(&r).as_deref(), Some(expected), "{next}");
    }
}

/// Hole 4 over HTTP: the admin token and the session it opened die when the first admin
/// account is made and stay dead when that admin is disabled; the login page, the token
/// form and the API then say how to recover from the command line.
#[tokio::test]
async fn the_bootstrap_token_and_its_sessions_never_come_back() {
    let app = app();
    let (cookie, _csrf) = login(&app).await;
    let users_page =
        || send(&app, Request::get("/admin/users").header(header::COOKIE, &cookie).body(Body::empty()).unwrap());
    assert_eq!(users_page().await.status, StatusCode::OK, "the token's session sets up accounts");
    add(&app, "root", Role::Admin, "", "", "");
    assert_eq!(users_page().await.status, StatusCode::SEE_OTHER, "the token's session ends with the first admin");
    app.store.set_user_disabled(&op(), "root", true).unwrap();
    let r = users_page().await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the token's session came back: {}", r.text());
    let r = send(&app, form("/login", "", &[("token", TOKEN)])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("planwatch user enable") && r.text().contains("--role admin"), "{}", r.text());
    let r = send(&app, api("POST", "/api/v1/documents?name=a.txt", TOKEN, "text/plain", b"x".to_vec())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the token wrote again: {}", r.text());
    assert!(r.text().contains("planwatch user enable"), "{}", r.text());
    let page = get(&app, "/login").await.text();
    assert!(!page.contains("name=\"token\""), "the login page offers the token again");
    assert!(page.contains("planwatch user enable"), "the login page says how to recover: {page}");
    // Recovered from the command line: the admin logs in with its password.
    app.store.set_user_disabled(&op(), "root", false).unwrap();
    login_as(&app, "root").await;
    assert!(!get(&app, "/login").await.text().contains("planwatch user enable"));
}

/// Disabling an account on the users page revokes its API tokens: enabling it again does not
/// bring them back.
#[tokio::test]
async fn re_enabling_an_account_does_not_revive_its_api_tokens() {
    let app = accounts_app();
    let token = app.store.create_token(&op(), "ana", "报送脚本").unwrap();
    let (cookie, csrf) = login_as(&app, "root").await;
    let write = || api("POST", "/api/v1/documents?name=a.txt", &token, "text/plain", b"x".to_vec());
    assert_ne!(send(&app, write()).await.status, StatusCode::FORBIDDEN, "the token works at first");
    for action in ["disable", "enable"] {
        let r = send(&app, form(&format!("/admin/users/ana/{action}"), &cookie, &[("csrf", &csrf)])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.text());
    }
    let r = send(&app, write()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the token came back with its account: {}", r.text());
    assert!(app.store.tokens("ana").unwrap().iter().all(|t| t.revoked));
}

/// Look-alike logins on the users page: one that differs from an existing login only in case
/// or width, or holds a letter of another script, is refused with a zh-CN message saying
/// why; logins are case-insensitive at the login form.
#[tokio::test]
async fn look_alike_logins_are_refused_on_the_users_page() {
    let app = accounts_app();
    let (cookie, csrf) = login_as(&app, "root").await;
    let before = fingerprint_users(&app);
    let add_form = |login: &str| {
        form(
            "/admin/users",
            &cookie,
            &[("csrf", csrf.as_str()), ("login", login), ("role", "analyst"), ("password", PASSWORD)],
        )
    };
    for (login, says) in
        [("ANA", "与已有账户“ana”相同"), ("ａｎａ", "与已有账户“ana”相同"), ("аna", "U+0430"), ("anа", "西里尔字母")]
    {
        let r = send(&app, add_form(login)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{login}: {}", r.text());
        assert!(r.text().contains(says), "{login}: {}", r.text());
    }
    assert_eq!(fingerprint_users(&app), before, "a refused look-alike changed the accounts");
    assert_eq!(send(&app, add_form("Yu.Bei")).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.user("yu.bei").unwrap().unwrap().login, "yu.bei");
    let r = send(&app, login_from("203.0.113.5:1", &[("login", "YU.BEI"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

fn fingerprint_users(app: &App) -> String {
    format!("{}|{}", serde_json::to_string(&app.store.users(&op()).unwrap()).unwrap(), app.store.audit_count().unwrap())
}

/// Five wrong passwords lock an account, so anyone could lock a real user out: the lock stays,
/// but one client address is also throttled after ADDRESS_LIMIT failures (429, Retry-After),
/// X-Forwarded-For is ignored unless the server is configured behind a proxy, and an admin
/// sees the locked accounts and addresses on the users page and lifts them (audited).
#[tokio::test]
async fn one_address_is_throttled_and_an_admin_sees_and_clears_locks() {
    let app = accounts_app();
    add(&app, "yubei", Role::Analyst, "", "", "");
    let attacker = "198.51.100.7:41000";
    for i in 0..planwatch_store::users::ADDRESS_LIMIT {
        let who = if i < planwatch_store::users::LOCK_AFTER { "yubei".to_string() } else { format!("guess{i}") };
        let r = send(&app, login_from(attacker, &[("login", &who), ("password", "wrong-password-1")])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{i}");
    }
    let r = send(&app, login_from(attacker, &[("login", "ana"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert!(r.text().contains("网络地址"), "{}", r.text());
    // A forged X-Forwarded-For does not move the attacker to another address.
    let mut forged = login_from(attacker, &[("login", "ana"), ("password", PASSWORD)]);
    forged.headers_mut().insert("x-forwarded-for", "203.0.113.50".parse().unwrap());
    assert_eq!(send(&app, forged).await.status, StatusCode::TOO_MANY_REQUESTS);
    // The bootstrap token form is throttled alike.
    let r = send(&app, login_from(attacker, &[("token", TOKEN)])).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address logs in; the admin sees the locked account and the blocked address.
    let (cookie, csrf) = login_as(&app, "root").await;
    let page = |cookie: &str| {
        send(&app, Request::get("/admin/users").header(header::COOKIE, cookie).body(Body::empty()).unwrap())
    };
    let text = page(&cookie).await.text();
    assert!(text.contains("198.51.100.7") && text.contains("/admin/login-blocks/unblock"), "{text}");
    assert!(text.contains("/admin/users/yubei/unlock"), "{text}");
    // An analyst may not lift them.
    let (acookie, acsrf) = login_as(&app, "ana").await;
    let r = send(&app, form("/admin/login-blocks/unblock", &acookie, &[("csrf", &acsrf), ("address", "198.51.100.7")]))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, form("/admin/users/yubei/unlock", &acookie, &[("csrf", &acsrf)])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The admin lifts both; both are audited.
    let r =
        send(&app, form("/admin/login-blocks/unblock", &cookie, &[("csrf", &csrf), ("address", "198.51.100.7")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = send(&app, form("/admin/users/yubei/unlock", &cookie, &[("csrf", &csrf)])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    for action in ["login.unblock", "user.unlock"] {
        let filter = AuditFilter { action: action.into(), ..Default::default() };
        let (entries, _) = app.store.audit_log(&op(), &filter, 5, 0).unwrap();
        assert_eq!(entries.len(), 1, "{action}");
        assert_eq!(entries[0].who, "root");
    }
    let r = send(&app, login_from(attacker, &[("login", "yubei"), ("password", PASSWORD)])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let text = page(&cookie).await.text();
    assert!(!text.contains("198.51.100.7"), "{text}");
}

/// Behind a proxy (configured), the address is the last X-Forwarded-For entry — the one the
/// proxy added — not the proxy's own, nor what the client put before it.
#[tokio::test]
async fn behind_a_proxy_the_forwarded_address_is_throttled() {
    let app = app_with(|c| c.behind_proxy = true);
    add(&app, "ana", Role::Analyst, "", "", "");
    let via_proxy = |client: &str, fields: &[(&str, &str)]| {
        let mut req = login_from("127.0.0.1:50000", fields);
        req.headers_mut().insert("x-forwarded-for", format!("10.9.9.9, {client}").parse().unwrap());
        req
    };
    for i in 0..planwatch_store::users::ADDRESS_LIMIT {
        let guess = format!("guess{i}");
        let r = send(&app, via_proxy("198.51.100.7", &[("login", &guess), ("password", "wrong-password-1")])).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let right = [("login", "ana"), ("password", PASSWORD)];
    assert_eq!(send(&app, via_proxy("198.51.100.7", &right)).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(send(&app, via_proxy("198.51.100.8", &right)).await.status, StatusCode::SEE_OTHER);
    // IPv6 clients are keyed by their /64: another address of the same network is throttled.
    for i in 0..planwatch_store::users::ADDRESS_LIMIT {
        let guess = format!("guess{i}");
        let r =
            send(&app, via_proxy(&format!("2001:db8:1:2::{i:x}"), &[("login", &guess), ("password", "x-wrong-pass")]))
                .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(send(&app, via_proxy("2001:db8:1:2::ffff", &right)).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(send(&app, via_proxy("2001:db8:1:3::1", &right)).await.status, StatusCode::SEE_OTHER);
}

/// Creating the first admin in 初始设置 (the users page reached with the admin token) answers
/// with a clear confirmation: the account exists, the setup token is closed, log in as it.
#[tokio::test]
async fn creating_the_first_admin_in_setup_says_so() {
    let app = app();
    let (cookie, csrf) = login(&app).await;
    let add_form = |login: &str, role: &str| {
        form(
            "/admin/users",
            &cookie,
            &[("csrf", csrf.as_str()), ("login", login), ("role", role), ("password", PASSWORD)],
        )
    };
    // A non-admin first: the setup goes on.
    let r = send(&app, add_form("ana", "analyst")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = send(&app, add_form("Wang", "admin")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let text = r.text();
    for says in ["管理员账户 wang 已创建", "初始设置令牌已停用", "请以 wang 登录", "href=\"/login?next=/admin/users\""]
    {
        assert!(text.contains(says), "{says}: {text}");
    }
    let cleared = r.headers.get(header::SET_COOKIE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "the setup cookie is cleared: {cleared}");
    let r = send(&app, Request::get("/admin/users").header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the setup session ended");
    login_as(&app, "wang").await;
}

/// Issue 14: free text of hostile length (a 2,000,000-character approval comment, a
/// 1,000,000-character correction note and task note, long labels and file names) is refused
/// on the API (422 JSON naming the field and its limit) and on the forms (422 page), and
/// neither the store nor the audit log changes.
#[tokio::test]
async fn hostile_lengths_are_refused_on_forms_and_api_and_change_nothing() {
    let w = world();
    let app = &w.app;
    let x = |n: usize| "x".repeat(n);
    // Failure messages quote a response only in part: it may echo a megabyte.
    let short = |t: String| t.chars().take(300).collect::<String>();
    let ana_token = app.store.create_token(&op(), "ana", "测试").unwrap();
    let dep_token = app.store.create_token(&op(), "dep", "测试").unwrap();
    let d1_token = app.store.create_token(&op(), "d1", "测试").unwrap();
    let (acookie, acsrf) = login_as(app, "ana").await;
    let (rcookie, rcsrf) = login_as(app, "root").await;
    let (dcookie, dcsrf) = login_as(app, "dep").await;
    let target_key =
        get(app, &format!("/api/v1/plans/{}/targets", w.plan)).await.json()[0]["key"].as_str().unwrap().to_string();
    let before = planwatch_store::testing::fingerprint(&app.store).unwrap();
    let audit = app.store.audit_count().unwrap();
    let unchanged = |what: &str| {
        assert_eq!(planwatch_store::testing::fingerprint(&app.store).unwrap(), before, "{what} changed the store");
        assert_eq!(app.store.audit_count().unwrap(), audit, "{what} was audited");
    };

    // The API: 422, JSON, the field and its limit named.
    let comment = serde_json::json!({"region": w.region, "place": w.own, "period": w.newest, "step": "return", "comment": x(2_000_000)});
    let note = serde_json::json!({"period": w.newest, "status": "滞后", "note": x(1_000_000)});
    let api_cases = [
        (
            "approval comment",
            api("POST", "/api/v1/approvals", &ana_token, "application/json", comment.to_string().into_bytes()),
            "1000",
        ),
        (
            "task note",
            api(
                "POST",
                &format!("/api/v1/plans/{}/tasks/{}/progress", w.plan, w.own_task),
                &dep_token,
                "application/json",
                note.to_string().into_bytes(),
            ),
            "2000",
        ),
        (
            "document name",
            api("POST", &format!("/api/v1/documents?name={}.txt", x(300)), &ana_token, "text/plain", b"plan".to_vec()),
            "255",
        ),
        (
            "sheet name",
            api("POST", &format!("/api/v1/observations?name={}.csv", x(300)), &d1_token, "text/csv", b"a,b\n".to_vec()),
            "255",
        ),
    ];
    for (what, req, limit) in api_cases {
        let r = send(app, req).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", short(r.text()));
        let v = r.json();
        assert_eq!(v["error"]["status"], 422);
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(limit) && msg.contains("过长"), "{what}: {}", short(msg.to_string()));
        unchanged(what);
    }
    // A sheet whose 备注 is too long: refused whole with the row listed.
    let csv = format!("指标代码,地区,期别,数值,备注\n{},{},{},12,{}\n", w.code, w.own, w.open_period, x(501));
    let r =
        send(app, api("POST", "/api/v1/observations?name=notes.csv", &d1_token, "text/csv", csv.into_bytes())).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", short(r.text()));
    assert_eq!(r.json()["problems"][0]["column"], "备注", "{}", short(r.text()));
    assert!(r.text().len() < 10_000, "the refusal quotes the cell only in part");
    unchanged("a sheet with a long note");

    // The forms: the same limits, a 422 page naming the field.
    let plan = w.plan.to_string();
    let form_cases: Vec<(&str, Request<Body>, &str)> = vec![
        (
            "correction note",
            form(
                &format!("/plans/{plan}/edit/target"),
                &acookie,
                &[("csrf", &acsrf), ("key", &target_key), ("unit", "个"), ("note", &x(1_000_000))],
            ),
            "更正说明",
        ),
        (
            "corrected field",
            form(
                &format!("/plans/{plan}/edit/target"),
                &acookie,
                &[("csrf", &acsrf), ("key", &target_key), ("indicator", &x(4001))],
            ),
            "指标",
        ),
        (
            "approval comment",
            form(
                "/approvals",
                &acookie,
                &[
                    ("csrf", &acsrf),
                    ("region", &w.region),
                    ("place", &w.own),
                    ("period", &w.newest),
                    ("step", "return"),
                    ("comment", &x(1001)),
                ],
            ),
            "审核意见",
        ),
        ("token label", form("/account/tokens", &acookie, &[("csrf", &acsrf), ("label", &x(101))]), "令牌用途"),
        (
            "display name",
            form(
                "/admin/users",
                &rcookie,
                &[
                    ("csrf", &rcsrf),
                    ("login", "longname"),
                    ("name", &x(101)),
                    ("role", "analyst"),
                    ("password", "correct-horse-42"),
                ],
            ),
            "显示名称",
        ),
        (
            "task note",
            form(
                &format!("/plans/{plan}/tasks/report"),
                &dcookie,
                &[
                    ("csrf", &dcsrf),
                    ("task", &w.own_task.to_string()),
                    ("period", &w.newest),
                    ("status", "滞后"),
                    ("note", &x(2001)),
                ],
            ),
            "进展说明",
        ),
        ("upload name", multipart(&acookie, &acsrf, &format!("{}.txt", x(300)), b"plan"), "文件名"),
    ];
    for (what, req, label) in form_cases {
        let r = send(app, req).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", short(r.text()));
        assert!(r.text().contains(label) && r.text().contains("过长"), "{what}: {}", short(r.text()));
        unchanged(what);
    }
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
        // The message names the file and the count, in the words the pages and the CLI use.
        let message = j["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(name) && message.contains(&total.to_string()) && message.contains("整个文件未导入"),
            "{name}: {message}"
        );
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

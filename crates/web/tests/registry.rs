//! Registries on the web (issue 17, items 3 and 5): the list with its filters, counts and
//! pages, the entry page, imports refused whole (422 and 403) through the observations'
//! result page, roles for the status steps, batch diffs, the API and its OpenAPI document,
//! and the funnel against a registry counted by hand.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_registry::credit;
use planwatch_store::registry::{RegistryFilter, RegistryImportOptions};
use planwatch_store::{Actor, Role};

const REGION: &str = "绵阳市";
const HEADER: &str = "企业名称,统一社会信用代码,所在区县,产业领域,成立日期,梯度层级,层级认定日期,层级失去日期\n";

fn code(n: u32) -> String {
    credit::complete(&format!("91510703MA{n:07}")).unwrap()
}

fn analyst() -> Actor {
    Actor { role: Role::Analyst, login: "analyst".into(), ..op() }
}

fn import(app: &App, csv: &str) {
    app.store
        .import_registry(
            "enterprise",
            REGION,
            "企业.csv",
            csv.as_bytes(),
            &RegistryImportOptions::default(),
            &analyst(),
        )
        .unwrap();
}

fn total(app: &App) -> i64 {
    app.store
        .registry_entries("enterprise", &RegistryFilter { region: REGION.into(), ..Default::default() })
        .unwrap()
        .total
}

/// A registry sheet through the list page's import form.
fn import_form(cookie: &str, csrf: &str, name: &str, bytes: &[u8], dry_run: bool) -> Request<Body> {
    let b = "planwatchregistryboundary";
    let mut body = Vec::new();
    let mut field = |k: &str, v: &str| {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
        )
    };
    field("csrf", csrf);
    field("region", REGION);
    if dry_run {
        field("dry_run", "1");
    }
    body.extend_from_slice(
        format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Request::post("/registries/enterprise/import")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

fn region_q() -> String {
    format!("region={}", enc(REGION))
}

#[tokio::test]
async fn the_list_filters_counts_and_pages_and_downloads_the_filtered_xlsx() {
    let app = app();
    let mut csv = HEADER.to_string();
    for n in 0..230u32 {
        let (place, industry) = if n < 210 { ("涪城区", "商业航天") } else { ("游仙区", "低空经济") };
        csv.push_str(&format!("企业{n:03},{},{place},{industry},2018-01-01,入库,2024-01-10,\n", code(n)));
    }
    import(&app, &csv);
    let page = get(&app, &format!("/registries/enterprise?{}", region_q())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    // 200 rows a page, each a real link; the pager says where we are.
    assert_eq!(text.matches("<tr><td><a href=\"/registries/enterprise/").count(), 200, "{text}");
    assert!(text.contains("第 1 / 2 页,共 230 条"), "{text}");
    // Counts per filter value, each a link that filters.
    assert!(text.contains("涪城区 <span class=\"count\">210</span>"), "{text}");
    assert!(text.contains("游仙区 <span class=\"count\">20</span>"));
    assert!(text.contains("草稿 <span class=\"count\">230</span>"));
    let second = get(&app, &format!("/registries/enterprise?{}&page=2", region_q())).await.text();
    assert_eq!(second.matches("<tr><td><a href=\"/registries/enterprise/").count(), 30);
    let filtered = get(&app, &format!("/registries/enterprise?{}&district={}", region_q(), enc("游仙区"))).await.text();
    assert!(filtered.contains("共 20 条"), "{filtered}");
    assert!(!filtered.contains("第 1 / 2 页"));
    // The short name of a district filters the same.
    let short = get(&app, &format!("/registries/enterprise?{}&district={}", region_q(), enc("游仙"))).await.text();
    assert!(short.contains("共 20 条"), "{short}");
    let xlsx = get(&app, &format!("/registries/enterprise/xlsx?{}&district={}", region_q(), enc("游仙区"))).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.body.starts_with(b"PK"));
    let template = get(&app, &format!("/registries/enterprise/template?{}", region_q())).await;
    assert!(template.body.starts_with(b"PK"));
    // The index page counts the kind's entries by status.
    let index = get(&app, "/registries").await.text();
    assert!(index.contains("<td class=\"num\">230</td>"), "{index}");
    // Unknown kinds are a 404 naming the kinds there are.
    let none = get(&app, "/registries/nope").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(none.text().contains("企业(enterprise)"));
}

#[tokio::test]
async fn overlong_or_malformed_query_values_are_refused_cleanly() {
    let app = app();
    let long = "区".repeat(65);
    for uri in [
        format!("/registries/enterprise?district={}", enc(&long)),
        format!("/registries/enterprise/funnel?industry={}", enc(&long)),
        "/registries/enterprise?status=whatever".to_string(),
        "/registries/enterprise?batch=-1".to_string(),
        "/registries/enterprise?page=x".to_string(),
    ] {
        let res = get(&app, &uri).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{uri}: {}", res.text());
        assert!(res.text().contains("<!DOCTYPE html>"), "{uri}: a page, not a panic");
    }
    let api = get(&app, &format!("/api/v1/registries/enterprise?district={}", enc(&long))).await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert!(api.json()["error"]["message"].as_str().unwrap().contains("过长"));
}

#[tokio::test]
async fn the_entry_page_escapes_hostile_values_and_shows_its_history() {
    let app = app();
    import(
        &app,
        &format!("{HEADER}<script>alert(1)</script>,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n", code(1)),
    );
    import(
        &app,
        &format!("{HEADER}<script>alert(1)</script>,{},涪城区,商业航天,2018-01-01,高新技术企业,2025-03-01,\n", code(1)),
    );
    let uri = format!("/registries/enterprise/{}?{}", code(1), region_q());
    let page = get(&app, &uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(!text.contains("<script>alert"), "{text}");
    assert!(text.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{text}");
    // Tier history and the change (old → new, who, Beijing time).
    assert!(text.contains("id=\"entry-tiers\""));
    assert!(text.contains("<td>梯度层级</td><td>入库</td><td>高新技术企业</td><td>analyst</td>"), "{text}");
    // The list escapes it too.
    let list = get(&app, &format!("/registries/enterprise?{}", region_q())).await.text();
    assert!(!list.contains("<script>alert") && list.contains("&#60;script&#62;"));
    // A link to a plan item goes to its sentence, highlighted in the plan.
    let plan = app.store.list_plans(Default::default()).unwrap().into_iter().find(|p| p.region == REGION).unwrap().id;
    let view = app.store.plan_view(plan).unwrap();
    let target = view.effective.refs.targets[0].key.clone();
    app.store
        .link_registry_entry(&analyst(), "enterprise", REGION, &code(1), plan, &format!("target/{target}"))
        .unwrap();
    let text = get(&app, &uri).await.text();
    let href = format!("/plans/{plan}/source?v={}&#38;s={}", view.version.id, view.effective.plan.targets[0].span[0]);
    assert!(text.contains(&href), "{href} in {text}");
    // An unknown key is a 404; no region is a clear 400.
    assert_eq!(
        get(&app, &format!("/registries/enterprise/{}?{}", code(2), region_q())).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, &format!("/registries/enterprise/{}", code(1))).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_refused_import_lists_every_bad_row_and_stores_nothing() {
    let app = app();
    let (cookie, csrf) = login(&app).await;
    let mut bad = code(3);
    bad.pop();
    bad.push(if code(3).ends_with('0') { '1' } else { '0' });
    let csv = format!(
        "{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n\
         乙,{bad},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n\
         丙,{},火星区,商业航天,2018-01-01,入库,2024-01-10,\n",
        code(1),
        code(4)
    );
    let res = send(&app, import_form(&cookie, &csrf, "企业.csv", csv.as_bytes(), false)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text());
    let text = res.text();
    assert!(text.contains("id=\"import-problems\""), "{text}");
    assert!(text.contains("<td class=\"num\">3</td>") && text.contains("<td class=\"num\">4</td>"), "{text}");
    assert!(text.contains("整个文件未导入"));
    assert!(text.contains("/observations/problems/"), "the problem list download is offered: {text}");
    assert!(text.contains("返回企业名录"));
    assert_eq!(total(&app), 0);
    // A dry run of a good file counts and stores nothing; the real import stores.
    let good = format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n", code(1));
    let res = send(&app, import_form(&cookie, &csrf, "企业.csv", good.as_bytes(), true)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.text().contains("检查通过,未入库"));
    assert_eq!(total(&app), 0);
    let res = send(&app, import_form(&cookie, &csrf, "企业.csv", good.as_bytes(), false)).await;
    assert!(res.text().contains("新增 1"), "{}", res.text());
    assert_eq!(total(&app), 1);
}

#[tokio::test]
async fn a_district_editor_importing_another_districts_row_is_refused_with_the_row_listed() {
    let app = app();
    add(&app, "fucheng", Role::DistrictEditor, REGION, "涪城区");
    let (cookie, csrf) = login_as(&app, "fucheng").await;
    let csv = format!(
        "{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n乙,{},游仙区,低空经济,2018-01-01,入库,2024-01-10,\n",
        code(1),
        code(2)
    );
    let res = send(&app, import_form(&cookie, &csrf, "企业.csv", csv.as_bytes(), false)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let text = res.text();
    assert!(text.contains("不属于本账户的填报范围"), "{text}");
    assert!(text.contains("<td class=\"num\">3</td>"), "row 3 (游仙区) listed: {text}");
    assert_eq!(total(&app), 0);
    // Their own district's row alone passes and can be submitted, not approved.
    let own = format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n", code(1));
    assert_eq!(send(&app, import_form(&cookie, &csrf, "企业.csv", own.as_bytes(), false)).await.status, StatusCode::OK);
    let list = get_as(&app, &cookie, &format!("/registries/enterprise?{}", region_q())).await;
    assert!(list.contains("id=\"btn-submit\"") && !list.contains("id=\"btn-approve\""), "{list}");
    assert!(list.contains("审核和发布由分析员负责"));
    let res =
        send(&app, form("/registries/enterprise/step/submit", &cookie, &[("csrf", &csrf), ("region", REGION)])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let res =
        send(&app, form("/registries/enterprise/step/approve", &cookie, &[("csrf", &csrf), ("region", REGION)])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let res =
        send(&app, form("/registries/enterprise/step/publish", &cookie, &[("csrf", &csrf), ("region", REGION)])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.registry_batches("enterprise", REGION).unwrap().len(), 0);
}

async fn get_as(app: &App, cookie: &str, uri: &str) -> String {
    send(app, Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await.text()
}

#[tokio::test]
async fn anonymous_writes_are_refused() {
    let app = app();
    let csv = format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n", code(1));
    let res = send(&app, import_form("", "x", "企业.csv", csv.as_bytes(), false)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text());
    let res = send(&app, form("/registries/enterprise/step/approve", "", &[("csrf", "x"), ("region", REGION)])).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = send(
        &app,
        Request::post(format!("/api/v1/registries/enterprise/import?{}&name=a.csv", region_q()))
            .body(Body::from(csv.clone()))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = send(
        &app,
        Request::post("/api/v1/registries/enterprise/publish")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!("{{\"region\":\"{REGION}\"}}")))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(total(&app), 0);
    // Readers are told to log in instead of seeing the form.
    let list = get(&app, &format!("/registries/enterprise?{}", region_q())).await.text();
    assert!(list.contains("id=\"login-hint\"") && !list.contains("id=\"registry-import\""));
}

#[tokio::test]
async fn analysts_approve_and_publish_and_the_batch_page_shows_the_diff() {
    let app = app();
    add(&app, "ana", Role::Analyst, REGION, "");
    let (cookie, csrf) = login_as(&app, "ana").await;
    import(
        &app,
        &format!(
            "{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n乙,{},游仙区,低空经济,2018-01-01,入库,2024-01-10,\n",
            code(1),
            code(2)
        ),
    );
    let step =
        |a: &str| form(&format!("/registries/enterprise/step/{a}"), &cookie, &[("csrf", &csrf), ("region", REGION)]);
    let res = send(&app, step("approve")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let res = send(&app, step("publish")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let to = res.headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    assert!(get_as(&app, &cookie, &to).await.contains("已发布第1批"), "{to}");
    // 甲 promoted, 乙 removed (back to draft by a change, not approved), 丙 added.
    import(
        &app,
        &format!(
            "{HEADER}甲,{},涪城区,商业航天,2018-01-01,高新技术企业,2025-02-01,\n乙(更名),{},游仙区,低空经济,2018-01-01,入库,2024-01-10,\n丙,{},涪城区,商业航天,2018-01-01,入库,2025-03-01,\n",
            code(1),
            code(2),
            code(3)
        ),
    );
    app.store.approve_registry(&analyst(), "enterprise", REGION, &[code(1), code(3)]).unwrap();
    assert_eq!(send(&app, step("publish")).await.status, StatusCode::SEE_OTHER);
    let batches = get(&app, &format!("/registries/enterprise/batches?{}", region_q())).await.text();
    assert!(batches.contains("第2批") && batches.contains("第1批"), "{batches}");
    let diff = get(&app, &format!("/registries/enterprise/batches/2?{}", region_q())).await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.text());
    let text = diff.text();
    assert!(text.contains("新增 1,移出 1,变更 1"), "{text}");
    assert!(text.contains(&code(3)) && text.contains(&code(2)));
    assert!(text.contains("<td>梯度层级</td><td>入库</td><td>高新技术企业</td>"), "{text}");
    assert_eq!(
        get(&app, &format!("/registries/enterprise/batches/9?{}", region_q())).await.status,
        StatusCode::NOT_FOUND
    );
    // The list of batch 2's members.
    let members = get(&app, &format!("/registries/enterprise?{}&batch=2", region_q())).await.text();
    assert!(members.contains("共 2 条"), "{members}");
}

#[tokio::test]
async fn the_api_lists_imports_steps_and_every_route_is_in_the_openapi_document() {
    let app = app();
    let csv = format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2024-01-10,\n", code(1));
    let post = |uri: String, body: Body, ct: &str| {
        Request::post(uri)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .unwrap()
    };
    let dry = send(
        &app,
        post(
            format!("/api/v1/registries/enterprise/import?{}&name=a.csv&dry_run=true", region_q()),
            Body::from(csv.clone()),
            "text/csv",
        ),
    )
    .await;
    assert_eq!(dry.status, StatusCode::OK, "{}", dry.text());
    assert_eq!(dry.json()["dry_run"], true);
    assert_eq!(total(&app), 0);
    let bad = send(
        &app,
        post(
            format!("/api/v1/registries/enterprise/import?{}&name=a.csv", region_q()),
            Body::from(format!("{HEADER}甲,123,涪城区,,,,,\n")),
            "text/csv",
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
    assert_eq!(bad.json()["problems"][0]["row"], 2);
    let message = bad.json()["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(message.starts_with("a.csv") && message.contains("整个文件未导入"), "{message}");
    // The same sheet as a multipart upload (its file name from the form).
    let mut form = import_form("", "", "企业.csv", csv.as_bytes(), true);
    *form.uri_mut() = format!("/api/v1/registries/enterprise/import?{}&dry_run=true", region_q()).parse().unwrap();
    form.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {TOKEN}").parse().unwrap());
    let multi = send(&app, form).await;
    assert_eq!(multi.status, StatusCode::OK, "{}", multi.text());
    assert_eq!((multi.json()["file_name"].as_str(), multi.json()["rows"].as_i64()), (Some("企业.csv"), Some(1)));
    assert_eq!(total(&app), 0);
    let ok = send(
        &app,
        post(format!("/api/v1/registries/enterprise/import?{}&name=a.csv", region_q()), Body::from(csv), "text/csv"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.json()["inserted"], 1);
    let step = |a: &str| {
        post(
            format!("/api/v1/registries/enterprise/{a}"),
            Body::from(format!("{{\"region\":\"{REGION}\"}}")),
            "application/json",
        )
    };
    assert_eq!(send(&app, step("approve")).await.json()["count"], 1);
    assert_eq!(send(&app, step("publish")).await.json()["count"], 1);
    let list = get(&app, &format!("/api/v1/registries/enterprise?{}&district={}", region_q(), enc("涪城"))).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let j = list.json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["entries"][0]["key"], code(1));
    assert_eq!(j["facets"]["by_status"][0][0], "approved");
    let entry = get(&app, &format!("/api/v1/registries/enterprise/entries/{}?{}", code(1), region_q())).await;
    assert_eq!(entry.json()["entry"]["fields"]["name"], "甲");
    let batches = get(&app, &format!("/api/v1/registries/enterprise/batches?{}", region_q())).await.json();
    assert_eq!(batches[0]["number"], 1);
    let b1 = get(&app, &format!("/api/v1/registries/enterprise/batches/1?{}", region_q())).await.json();
    assert_eq!(b1["diff"]["added"][0], code(1));
    assert!(get(&app, "/api/v1/registries/enterprise/template").await.body.starts_with(b"PK"));
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/registries/{kind}",
        "/api/v1/registries/{kind}/entries/{key}",
        "/api/v1/registries/{kind}/import",
        "/api/v1/registries/{kind}/submit",
        "/api/v1/registries/{kind}/approve",
        "/api/v1/registries/{kind}/publish",
        "/api/v1/registries/{kind}/batches",
        "/api/v1/registries/{kind}/batches/{n}",
        "/api/v1/registries/{kind}/template",
        "/api/v1/registries/{kind}/funnel",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing from the OpenAPI document");
    }
}

/// The funnel of a registry counted by hand (see the table in the comments).
#[tokio::test]
async fn the_funnel_matches_a_hand_counted_registry() {
    let app = app();
    // 甲 入库 Q1 → 高新 Q2; 乙 高新 Q1; 丙 入库 Q2; 丁 高新 Q1, lost it in Q3.
    import(
        &app,
        &format!(
            "{HEADER}甲,{},涪城区,商业航天,2018-01-01,入库,2025-01-10,\n\
             乙,{},游仙区,低空经济,2018-01-01,高新技术企业,2025-02-10,\n\
             丙,{},涪城区,商业航天,2018-01-01,入库,2025-04-15,\n\
             丁,{},游仙区,低空经济,2018-01-01,高新技术企业,2025-01-05,\n",
            code(1),
            code(2),
            code(3),
            code(4)
        ),
    );
    import(
        &app,
        &format!(
            "{HEADER}甲,{},涪城区,商业航天,2018-01-01,高新技术企业,2025-05-01,\n\
             丁,{},游仙区,低空经济,2018-01-01,高新技术企业,2025-01-05,2025-08-01\n",
            code(1),
            code(4)
        ),
    );
    app.store.approve_registry(&analyst(), "enterprise", REGION, &[]).unwrap();
    let j = get(&app, &format!("/api/v1/registries/enterprise/funnel?{}&through=2025Q3", region_q())).await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.text());
    let j = j.json();
    let row = |q: usize| {
        let r = &j["quarters"][q];
        let at: Vec<i64> = r["at"].as_array().unwrap().iter().take(2).map(|v| v.as_i64().unwrap()).collect();
        (
            r["period"].as_str().unwrap().to_string(),
            at,
            r["entered"].as_i64().unwrap(),
            r["promoted"].as_i64().unwrap(),
            r["lost"].as_i64().unwrap(),
        )
    };
    assert_eq!(j["quarters"].as_array().unwrap().len(), 3, "{j}");
    // Q1: 甲 入库; 乙, 丁 高新. Q2: 甲 promoted, 丙 entered. Q3: 丁 lost its tier.
    assert_eq!(row(0), ("2025Q1".into(), vec![1, 2], 3, 0, 0));
    assert_eq!(row(1), ("2025Q2".into(), vec![1, 3], 1, 1, 0));
    assert_eq!(row(2), ("2025Q3".into(), vec![1, 2], 0, 0, 1));
    // One industry: 甲 and 丙.
    let one = get(
        &app,
        &format!("/api/v1/registries/enterprise/funnel?{}&through=2025Q2&industry={}", region_q(), enc("商业航天")),
    )
    .await
    .json();
    assert_eq!(one["entries"], 2);
    assert_eq!(one["quarters"][1]["at"][0], 1);
    assert_eq!(one["quarters"][1]["at"][1], 1);
    // The page draws the chart and the table, and offers the XLSX.
    let page = get(&app, &format!("/registries/enterprise/funnel?{}&through=2025Q3", region_q())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(text.contains("<svg") && text.contains("入库及以上 3;"), "{text}");
    assert!(text.contains("id=\"funnel-table\""));
    let xlsx = get(&app, &format!("/registries/enterprise/funnel/xlsx?{}", region_q())).await;
    assert!(xlsx.body.starts_with(b"PK"));
    // A kind without tiers has no funnel.
    assert_eq!(get(&app, "/registries/scenario/funnel").await.status, StatusCode::BAD_REQUEST);
}

/// The list's data (page and counts) is cached by kind, region, filter, sort and page, and
/// read again after any registry write of the region (an import, an approval); the page is
/// still made per caller. Sorting is server-side by whitelisted columns from header links;
/// any other sort is a 400 page.
#[tokio::test]
async fn a_registry_write_invalidates_the_cached_list_and_the_list_sorts_by_column() {
    let app = app();
    let row = |n: u32, place: &str| format!("企业{n},{},{place},商业航天,2018-01-01,入库,2024-01-10,\n", code(n));
    import(&app, &format!("{HEADER}{}{}{}", row(1, "涪城区"), row(2, "游仙区"), row(3, "涪城区")));
    let uri = format!("/registries/enterprise?{}&sort=-key", region_q());
    let rows = |t: &str| t.matches("<tr><td><a href=\"/registries/enterprise/").count();
    let first = get(&app, &uri).await.text();
    assert_eq!(rows(&first), 3, "{first}");
    let made = app.state.registry_lists_made();
    let again = get(&app, &uri).await.text();
    assert_eq!(app.state.registry_lists_made(), made, "served from the cache");
    assert_eq!(first, again);
    // Descending by key: 3, 2, 1; the key header links to ascending, marked ▼.
    let at = |t: &str, n: u32| t.find(&format!("企业{n}</a>")).unwrap();
    assert!(at(&first, 3) < at(&first, 2) && at(&first, 2) < at(&first, 1), "{first}");
    assert!(first.contains("id=\"sort-key\">统一社会信用代码 ▼</a>"), "{first}");
    assert!(first.contains("sort=key\" id=\"sort-key\""), "{first}");
    // By place, the default: 涪城区 (1, 3) before 游仙区 (2).
    let by_place = get(&app, &format!("/registries/enterprise?{}", region_q())).await.text();
    assert!(at(&by_place, 1) < at(&by_place, 3) && at(&by_place, 3) < at(&by_place, 2), "{by_place}");
    // A write of the region: the next request reads the store again and shows it.
    import(&app, &format!("{HEADER}{}", row(4, "游仙区")));
    let made = app.state.registry_lists_made();
    let after = get(&app, &uri).await.text();
    assert_eq!(app.state.registry_lists_made(), made + 1);
    assert_eq!(rows(&after), 4, "{after}");
    assert!(after.contains("草稿 <span class=\"count\">4</span>"), "{after}");
    app.store.approve_registry(&analyst(), "enterprise", REGION, &[]).unwrap();
    let approved = get(&app, &uri).await.text();
    assert!(approved.contains("已审核 <span class=\"count\">4</span>"), "{approved}");
    assert!(!approved.contains("草稿 <span class=\"count\">"), "{approved}");
    // The API reads the same cache and the same refusals.
    let api = get(&app, &format!("/api/v1/registries/enterprise?{}&sort=-key", region_q())).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["entries"][0]["key"], code(4));
    for bad in ["fields", "place;DROP TABLE registry_entries", "updated_at", "-", &"k".repeat(65)] {
        let res = get(&app, &format!("/registries/enterprise?{}&sort={}", region_q(), enc(bad))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}: {}", res.text());
        let res = get(&app, &format!("/api/v1/registries/enterprise?{}&sort={}", region_q(), enc(bad))).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(total(&app), 4, "nothing changed");
}

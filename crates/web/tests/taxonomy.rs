//! Issue 18 item 2 on the web: the taxonomy tree with per-node plan counts, a plan's mapping
//! table (a hostile item name escaped), an analyst's confirmation (audited, shown as 人工确认),
//! refusals (anonymous, a district editor, a forged CSRF token) and the API.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_store::corrections::ItemKind;
use planwatch_store::{AuditFilter, CorrectionRequest, Role};

fn get_as(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri).header(header::COOKIE, cookie).body(Body::empty()).unwrap()
}

fn mianyang(app: &App) -> i64 {
    app.store.list_plans(planwatch_store::PlanOrder::Title).unwrap().iter().find(|p| p.region == "绵阳市").unwrap().id
}

const HOSTILE: &str = "<script>alert(1)</script>量子科技";

#[tokio::test]
async fn the_tree_and_a_plans_mapping_are_shown_and_analysts_confirm() {
    let app = app();
    let plan = mianyang(&app);
    // A hostile industry name added by correction: escaped everywhere, still mapped.
    app.store
        .correct(
            &op(),
            plan,
            ItemKind::Industry,
            CorrectionRequest::Add {
                item: serde_json::json!({ "name": HOSTILE, "group": "测试", "segments": ["\"><img src=x onerror=alert(2)>"] }),
            },
            "测试",
        )
        .unwrap();

    let tree = get(&app, "/taxonomy").await;
    assert_eq!(tree.status, StatusCode::OK, "{}", tree.text());
    let html = tree.text();
    for name in ["未来制造", "未来信息", "未来空间", "新一代信息技术产业", "相关服务业", "低空经济"]
    {
        assert!(html.contains(name), "{name} missing");
    }
    // 绵阳's 低空经济 and 商业航天 count it once under 未来空间.
    let row = html.split("id=\"node-fut.space\"").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("<td class=\"num\">1</td>"), "{row}");

    let page = get(&app, &format!("/plans/{plan}/taxonomy")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("未来空间 › 低空经济"), "low-altitude mapped");
    assert!(html.contains("词典") || html.contains("同义词"));
    assert!(!html.contains("<script>alert(1)"), "hostile name escaped");
    assert!(!html.contains("<img src=x"), "hostile segment escaped");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;量子科技"), "shown as text");
    assert!(html.contains("id=\"unmapped-future\""), "unmapped listed apart");
    assert!(!html.contains("taxonomy-confirm"), "anonymous visitors get no form");

    // Anonymous POST refused; nothing stored.
    let fields =
        [("csrf", "x"), ("scheme", "future"), ("kind", "industry"), ("item", "具身智能"), ("node", "fut.info.ai")];
    let r = send(&app, form(&format!("/plans/{plan}/taxonomy"), "", &fields)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert!(app.store.taxonomy_confirmations(plan).unwrap().is_empty());

    // The admin (an analyst's rights and more) changes 具身智能 to 大模型与通用人工智能.
    let (cookie, csrf) = login(&app).await;
    let page = send(&app, get_as(&format!("/plans/{plan}/taxonomy"), &cookie)).await;
    assert!(page.text().contains("taxonomy-confirm"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("scheme", "future"),
        ("kind", "industry"),
        ("item", "具身智能"),
        ("node", "fut.info.ai"),
        ("note", "按规划原文"),
    ];
    let r = send(&app, form(&format!("/plans/{plan}/taxonomy"), &cookie, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = get(&app, &format!("/plans/{plan}/taxonomy")).await.text();
    assert!(page.contains("人工确认"));
    assert!(page.contains("自动归类为 未来制造 › 人形机器人"), "the automatic node shown beside");
    let (log, _) = app
        .store
        .audit_log(&op(), &AuditFilter { action: "taxonomy.confirm".into(), ..Default::default() }, 5, 0)
        .unwrap();
    assert_eq!(log.len(), 1);

    // A district editor and a forged token are refused; an unknown node is a clear 400.
    add(&app, "fucheng", Role::DistrictEditor, "绵阳市", "涪城区");
    let (dcookie, dcsrf) = login_as(&app, "fucheng").await;
    let mine =
        [("csrf", dcsrf.as_str()), ("scheme", "future"), ("kind", "industry"), ("item", "具身智能"), ("node", "none")];
    assert_eq!(
        send(&app, form(&format!("/plans/{plan}/taxonomy"), &dcookie, &mine)).await.status,
        StatusCode::FORBIDDEN
    );
    let forged =
        [("csrf", "forged"), ("scheme", "future"), ("kind", "industry"), ("item", "具身智能"), ("node", "none")];
    assert!(send(&app, form(&format!("/plans/{plan}/taxonomy"), &cookie, &forged)).await.status.is_client_error());
    let bad = [
        ("csrf", csrf.as_str()),
        ("scheme", "future"),
        ("kind", "industry"),
        ("item", "具身智能"),
        ("node", "fut.nope"),
    ];
    let r = send(&app, form(&format!("/plans/{plan}/taxonomy"), &cookie, &bad)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert_eq!(app.store.taxonomy_confirmations(plan).unwrap()[0].node_id, "fut.info.ai");

    // The API: the tree and the plan's mapping, both in the OpenAPI document.
    let api = get(&app, "/api/v1/taxonomy").await;
    assert_eq!(api.status, StatusCode::OK);
    assert!(api.json()["node_count"].as_u64().unwrap() > 90);
    let api = get(&app, &format!("/api/v1/plans/{plan}/taxonomy")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let future = &api.json()["schemes"][0];
    assert_eq!(future["scheme"]["id"], "future");
    let item = future["mapped"].as_array().unwrap().iter().find(|i| i["name"] == "具身智能").unwrap().clone();
    assert_eq!((item["node"]["id"].as_str(), item["source"].as_str()), (Some("fut.info.ai"), Some("confirmed")));
    assert_eq!(get(&app, "/api/v1/plans/99999/taxonomy").await.status, StatusCode::NOT_FOUND);
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/taxonomy"].is_object() && doc["paths"]["/api/v1/plans/{id}/taxonomy"].is_object());
}

fn api_post(uri: &str, token: &str, body: serde_json::Value) -> Request<Body> {
    let mut r = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if !token.is_empty() {
        r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    r.body(Body::from(body.to_string())).unwrap()
}

/// The automatic or confirmed source of 具身智能 in the future scheme, by the API.
async fn source(app: &App, plan: i64) -> String {
    let json = get(app, &format!("/api/v1/plans/{plan}/taxonomy")).await.json();
    let future = &json["schemes"][0];
    let all = future["mapped"].as_array().unwrap().iter().chain(future["unmapped"].as_array().unwrap());
    all.clone().find(|i| i["name"] == "具身智能").unwrap()["source"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn a_confirmation_is_withdrawn_on_the_page_and_refused_to_others() {
    let app = app();
    let plan = mianyang(&app);
    let (cookie, csrf) = login(&app).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("scheme", "future"),
        ("kind", "industry"),
        ("item", "具身智能"),
        ("node", "fut.info.ai"),
    ];
    assert_eq!(
        send(&app, form(&format!("/plans/{plan}/taxonomy"), &cookie, &fields)).await.status,
        StatusCode::SEE_OTHER
    );
    let page = send(&app, get_as(&format!("/plans/{plan}/taxonomy"), &cookie)).await.text();
    assert_eq!(page.matches("class=\"taxonomy-withdraw\"").count(), 1, "a button beside the confirmed item only");
    assert!(page.contains("恢复自动归类"));
    assert!(!get(&app, &format!("/plans/{plan}/taxonomy")).await.text().contains("taxonomy-withdraw"), "anonymous");
    assert_eq!(source(&app, plan).await, "confirmed");

    let uri = format!("/plans/{plan}/taxonomy/withdraw");
    let w = |csrf: &'static str| [("csrf", csrf), ("scheme", "future"), ("kind", "industry"), ("item", "具身智能")];
    // Anonymous, a district editor, a forged token: refused, still confirmed.
    assert_eq!(send(&app, form(&uri, "", &w("x"))).await.status, StatusCode::UNAUTHORIZED);
    add(&app, "fucheng", Role::DistrictEditor, "绵阳市", "涪城区");
    let (dcookie, dcsrf) = login_as(&app, "fucheng").await;
    let dcsrf: &'static str = Box::leak(dcsrf.into_boxed_str());
    assert_eq!(send(&app, form(&uri, &dcookie, &w(dcsrf))).await.status, StatusCode::FORBIDDEN);
    assert!(send(&app, form(&uri, &cookie, &w("forged"))).await.status.is_client_error());
    let bad = [("csrf", csrf.as_str()), ("scheme", "future"), ("kind", "thing"), ("item", "具身智能")];
    assert_eq!(send(&app, form(&uri, &cookie, &bad)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(source(&app, plan).await, "confirmed");
    assert!(app
        .store
        .audit_log(&op(), &AuditFilter { action: "taxonomy.withdraw".into(), ..Default::default() }, 5, 0)
        .unwrap()
        .0
        .is_empty());

    // The admin withdraws it: the page and the API map it automatically again.
    let csrf_s: &'static str = Box::leak(csrf.clone().into_boxed_str());
    let r = send(&app, form(&uri, &cookie, &w(csrf_s))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(source(&app, plan).await, "synonym");
    let page = send(&app, get_as(&format!("/plans/{plan}/taxonomy"), &cookie)).await.text();
    assert!(!page.contains("taxonomy-withdraw") && !page.contains("自动归类为"), "nothing confirmed any more");
    let (log, _) = app
        .store
        .audit_log(&op(), &AuditFilter { action: "taxonomy.withdraw".into(), ..Default::default() }, 5, 0)
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(log[0].old_value.as_deref().unwrap_or_default().contains("fut.info.ai"));
    // Withdrawn twice: a clear 404.
    let r = send(&app, form(&uri, &cookie, &w(csrf_s))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("已是自动归类"), "{}", r.text());
}

#[tokio::test]
async fn the_api_confirms_and_withdraws_with_refusals() {
    let app = app();
    let plan = mianyang(&app);
    add(&app, "ana", Role::Analyst, "", "");
    add(&app, "fucheng", Role::DistrictEditor, "绵阳市", "涪城区");
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let fc = app.store.create_token(&op(), "fucheng", "测试").unwrap();
    let confirm = format!("/api/v1/plans/{plan}/taxonomy");
    let withdraw = format!("/api/v1/plans/{plan}/taxonomy/withdraw");
    let body = serde_json::json!({ "kind": "industry", "item": "具身智能", "node": "fut.info.ai", "note": "按原文" });

    for (uri, token, body, status) in [
        (confirm.clone(), "", body.clone(), StatusCode::UNAUTHORIZED),
        (confirm.clone(), fc.as_str(), body.clone(), StatusCode::FORBIDDEN),
        (
            confirm.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "具身智能", "node": "fut.nope" }),
            StatusCode::BAD_REQUEST,
        ),
        (
            confirm.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "具身智能", "node": null }),
            StatusCode::BAD_REQUEST,
        ),
        (
            confirm.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "不存在", "node": "fut.info.ai" }),
            StatusCode::NOT_FOUND,
        ),
        (
            confirm.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "具身智能", "node": "fut.info.ai", "note": "长".repeat(1001) }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            confirm.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "具身智能", "node": "fut.info.ai", "extra": 1 }),
            StatusCode::BAD_REQUEST,
        ),
        ("/api/v1/plans/99999/taxonomy".to_string(), ana.as_str(), body.clone(), StatusCode::NOT_FOUND),
        (
            withdraw.clone(),
            ana.as_str(),
            serde_json::json!({ "kind": "industry", "item": "具身智能" }),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = send(&app, api_post(&uri, token, body.clone())).await;
        assert_eq!(r.status, status, "{uri} {body}: {}", r.text());
        assert!(r.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.text());
    }
    assert!(app.store.taxonomy_confirmations(plan).unwrap().is_empty(), "refusals store nothing");

    // Confirmed (the scheme is the node's), then withdrawn; a district editor cannot withdraw.
    let r = send(&app, api_post(&confirm, &ana, body.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let c = r.json();
    assert_eq!(
        (c["scheme"].as_str(), c["node"].as_str(), c["author"].as_str()),
        (Some("future"), Some("fut.info.ai"), Some("ana"))
    );
    assert_eq!(source(&app, plan).await, "confirmed");
    let wbody = serde_json::json!({ "kind": "industry", "item": "具身智能" });
    assert_eq!(send(&app, api_post(&withdraw, &fc, wbody.clone())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(source(&app, plan).await, "confirmed");
    let r = send(&app, api_post(&withdraw, &ana, wbody.clone())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["node"].as_str(), r.json()["note"].as_str()), (Some("fut.info.ai"), Some("按原文")));
    assert_eq!(source(&app, plan).await, "synonym");

    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/plans/{id}/taxonomy"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/plans/{id}/taxonomy/withdraw"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ConfirmRequest"].is_object());
}

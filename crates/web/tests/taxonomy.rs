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

/// The plans counted under a node on the `/taxonomy` page.
fn node_count(html: &str, node: &str) -> String {
    let row = html.split(&format!("id=\"node-{node}\"")).nth(1).unwrap().split("</tr>").next().unwrap();
    row.split("<td class=\"num\">").nth(1).unwrap().split("</td>").next().unwrap().to_string()
}

/// The API's (uncached) count of the same node.
async fn api_count(app: &App, node: &str) -> String {
    let tree = get(app, "/api/v1/taxonomy").await.json();
    let found = tree["schemes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["nodes"].as_array().unwrap().iter())
        .find(|n| n["id"] == node)
        .unwrap_or_else(|| panic!("{node} in {tree}"))
        .clone();
    found["plans"].to_string()
}

/// `/taxonomy` and `/family` are cached like plan pages: a second view is served from the
/// cache; an ingest, a correction (of an item or of a title) and a taxonomy confirmation each
/// make them anew, and what they then show is what the uncached API says.
#[tokio::test]
async fn taxonomy_and_family_pages_are_cached_until_an_ingest_a_correction_or_a_confirmation() {
    let app = app();
    let plan = mianyang(&app);
    let made = || app.state.workspace_pages_made();
    let quantum = "fut.info.quantum";
    let html = get(&app, "/taxonomy").await.text();
    let n0 = made();
    assert_eq!(node_count(&get(&app, "/taxonomy").await.text(), quantum), node_count(&html, quantum));
    get(&app, "/family").await;
    get(&app, "/family").await;
    get(&app, "/family?page=1").await;
    assert_eq!(made(), n0 + 1, "the second /taxonomy and /family views came from the cache");
    assert_eq!(node_count(&html, quantum), api_count(&app, quantum).await);
    let before = html;

    // An item correction: 量子科技 added to 绵阳's industries.
    app.store
        .correct(
            &op(),
            plan,
            ItemKind::Industry,
            CorrectionRequest::Add {
                item: serde_json::json!({ "name": "量子科技", "group": "测试", "segments": [] })
            },
            "",
        )
        .unwrap();
    let html = get(&app, "/taxonomy").await.text();
    assert_eq!(made(), n0 + 2);
    let after_add = node_count(&html, quantum);
    assert_eq!(after_add, api_count(&app, quantum).await);
    assert_ne!(after_add, node_count(&before, quantum), "the correction shows");

    // A confirmation: that item belongs to no node after all.
    let n = made();
    app.store
        .confirm_taxonomy(
            &op(),
            plan,
            &planwatch_store::TaxonomyConfirm {
                scheme: "future".into(),
                item_kind: planwatch_store::TaxonomyItemKind::Industry,
                item_name: "量子科技".into(),
                node: None,
                note: String::new(),
            },
        )
        .unwrap();
    let html = get(&app, "/taxonomy").await.text();
    assert_eq!(made(), n + 1, "made anew after the confirmation");
    assert_eq!(node_count(&html, quantum), api_count(&app, quantum).await);
    assert_ne!(node_count(&html, quantum), after_add, "the confirmation shows");

    // Its withdrawal: the automatic mapping counts again, on a page made anew.
    let n = made();
    app.store
        .withdraw_taxonomy_confirmation(&op(), plan, "future", planwatch_store::TaxonomyItemKind::Industry, "量子科技")
        .unwrap();
    let html = get(&app, "/taxonomy").await.text();
    assert_eq!(made(), n + 1, "made anew after the withdrawal");
    assert_eq!(node_count(&html, quantum), after_add, "the withdrawal shows");

    // An ingest and a title correction make /family anew and show.
    let n = made();
    let id = app
        .store
        .ingest_bytes(
            &op(),
            "x.txt",
            "人工智能快速发展，为抢抓机遇，制定本规划。\n一、目标\n到2030年，产业规模达到1万亿元。\n"
                .as_bytes()
                .to_vec(),
        )
        .unwrap()
        .document_id();
    assert!(get(&app, "/family").await.text().contains(&format!("/plans/{id}/family")));
    assert_eq!(made(), n + 1);
    app.store
        .correct_meta(
            &planwatch_store::testing::analyst(),
            id,
            planwatch_store::MetaField::Title,
            Some("丙市人工智能规划"),
            "",
        )
        .unwrap();
    assert!(get(&app, "/family").await.text().contains("丙市人工智能规划"));
    assert_eq!(made(), n + 2);
}

/// The two workspace pages with 1,000 stored plans (each citing another, each with an
/// industry to map): the time to make each page and to serve it from the cache (the version
/// look-up included), medians printed (`--nocapture`). Loose bounds: a debug build on a shared
/// machine; they catch a cache that stops working, not a slow machine.
#[tokio::test]
async fn workspace_pages_with_1000_plans_timing_made_and_cached() {
    let app = app();
    let t0 = std::time::Instant::now();
    for n in 0..1000 {
        let text = format!(
            "庚市第{n}号产业发展行动方案\n\n为加快发展，根据《庚市第{}号产业发展行动方案》，制定本方案。\n\n一、重点产业\n（一）量子科技。发展量子通信、量子计算。\n（二）低空经济。发展无人机。\n二、目标\n到2027年，产业规模达到{n}亿元。\n",
            n / 2
        );
        app.store.ingest_bytes(&op(), &format!("p{n}.txt"), text.into_bytes()).unwrap();
    }
    println!("ingested 1000 plans in {:?}", t0.elapsed());
    let median = |mut v: Vec<std::time::Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    for uri in ["/family", "/taxonomy"] {
        let (mut made, mut hit, mut bytes) = (Vec::new(), Vec::new(), 0);
        for _ in 0..5 {
            // A correction of one plan moves the workspace version: the next view is made anew.
            let n = app.state.workspace_pages_made();
            app.store
                .correct(
                    &op(),
                    1,
                    ItemKind::Industry,
                    CorrectionRequest::Add {
                        item: serde_json::json!({ "name": "测试产业", "group": "", "segments": [] }),
                    },
                    "",
                )
                .unwrap();
            let t = std::time::Instant::now();
            let page = get(&app, uri).await;
            made.push(t.elapsed());
            bytes = page.body.len();
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(app.state.workspace_pages_made(), n + 1);
            let t = std::time::Instant::now();
            get(&app, uri).await;
            hit.push(t.elapsed());
            assert_eq!(app.state.workspace_pages_made(), n + 1, "served from the cache");
        }
        let (made, hit) = (median(made), median(hit));
        println!("{uri} with 1003 plans ({bytes} bytes): made {made:?}, from the cache {hit:?} (medians of 5)");
        assert!(hit < made, "{uri}: {hit:?} vs {made:?}");
    }
}

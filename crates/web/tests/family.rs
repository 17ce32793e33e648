//! The plan family on the web: the 规划体系 section of the plan page, `/family`, and the API,
//! over development plans that cite each other (d08, a Shandong plan, implements
//! 《“十四五”智能制造发展规划》, which is d12).

mod common;

use axum::http::StatusCode;
use common::*;

fn dev_raw(name: &str) -> Option<Vec<u8>> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dev/raw").join(name);
    match std::fs::read(&p) {
        Ok(b) => Some(b),
        Err(_) if std::env::var("PLANWATCH_NO_SEEDS").is_ok() => None,
        Err(e) => panic!(
            "{}: {e}: this test needs ../shared beside the repository (set PLANWATCH_NO_SEEDS=1 to skip it knowingly)",
            p.display()
        ),
    }
}

const D08: &str = "d08_shandong-intelligent-manufacturing-2022-2025.txt";
const D12: &str = "d12_miit-smart-manufacturing-14th-fyp.txt";

#[tokio::test]
async fn the_plan_page_shows_parent_and_child_and_a_later_upload_resolves() {
    let (Some(d08), Some(d12)) = (dev_raw(D08), dev_raw(D12)) else { return };
    let app = app();
    // The citing plan first: its reference is unresolved, with the upload link.
    let child = app.store.ingest_bytes(&op(), D08, d08).unwrap().document_id();
    let page = get(&app, &format!("/plans/{child}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("规划体系"), "section");
    let unresolved = text.split("id=\"family-unresolved\"").nth(1).expect("unresolved table");
    assert!(unresolved.contains("《“十四五”智能制造发展规划》") && unresolved.contains("上传该规划后自动关联"));
    // The cited plan is uploaded later: the child's page (cached before) now links it as
    // its parent, without re-ingest of the child.
    let parent = app.store.ingest_bytes(&op(), D12, d12).unwrap().document_id();
    let text = get(&app, &format!("/plans/{child}")).await.text();
    let parents = text.split("id=\"family-parents\"").nth(1).expect("parents table");
    let parents = parents.split("</table>").next().unwrap();
    assert!(parents.contains(&format!("href=\"/plans/{parent}\"")), "{parents}");
    assert!(parents.contains("国家级") && parents.contains("1.00"), "{parents}");
    // The sentence links to the highlighted source.
    assert!(parents.contains(&format!("/plans/{child}/source?v=")), "{parents}");
    // The proposed master plan is that national plan (the child is provincial).
    let master = text.split("id=\"family-master\"").nth(1).expect("master").split("</p>").next().unwrap();
    assert!(master.contains(&format!("/plans/{parent}")), "{master}");
    // The parent's page lists the child.
    let text = get(&app, &format!("/plans/{parent}")).await.text();
    let children = text.split("id=\"family-children\"").nth(1).expect("children table");
    let children = children.split("</table>").next().unwrap();
    assert!(children.contains(&format!("href=\"/plans/{child}\"")) && children.contains("省级"), "{children}");

    // The API says the same.
    let f = get(&app, &format!("/api/v1/plans/{child}/family")).await.json();
    assert_eq!(f["plan"]["level"], "province");
    assert_eq!(f["parents"][0]["resolved"]["plan"]["id"], parent);
    assert_eq!(f["parents"][0]["resolved"]["how"], "exact");
    assert_eq!(f["master"]["plan"]["id"], parent);
    let f = get(&app, &format!("/api/v1/plans/{parent}/family")).await.json();
    assert_eq!(f["plan"]["level"], "national");
    assert_eq!(f["children"][0]["plan"]["id"], child);
    assert_eq!(get(&app, "/api/v1/plans/999999/family").await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/api/v1/plans/x/family").await.status, StatusCode::BAD_REQUEST);

    // The overview: plans by level, the child's parent linked.
    let o = get(&app, "/family").await;
    assert_eq!(o.status, StatusCode::OK);
    let o = o.text();
    let national = o.split("id=\"level-national\"").nth(1).expect("national").split("</table>").next().unwrap();
    assert!(national.contains(&format!("/plans/{parent}/family")));
    let province = o.split("id=\"level-province\"").nth(1).expect("province").split("</table>").next().unwrap();
    assert!(province.contains(&format!("/plans/{child}/family")) && province.contains(&format!("/plans/{parent}\"")));
    // The plan's family on a page of its own.
    let own = get(&app, &format!("/plans/{child}/family")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.text().contains("id=\"family-parents\"") && own.text().contains(&format!("/plans/{parent}\"")));
    assert_eq!(get(&app, "/plans/999999/family").await.status, StatusCode::NOT_FOUND);
    let api = get(&app, "/api/v1/family").await.json();
    assert!(api["levels"].as_array().unwrap().iter().any(|g| g["level"] == "national"));
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/plans/{id}/family"].is_object() && doc["paths"]["/api/v1/family"].is_object());
}

#[tokio::test]
async fn hostile_titles_are_escaped_and_pages_are_capped() {
    let app = app();
    let mut text = String::from("丙市行动方案\n\n根据《<script>alert(1)</script>规划》，制定本方案。\n");
    // 120 distinct unresolved titles: the overview pages them 50 at a time.
    for n in 0..120 {
        text.push_str(&format!("落实《第{n}号专项规划》。\n"));
    }
    text.push_str("一、目标\n到2025年，产值达到10亿元。\n");
    let id = app.store.ingest_bytes(&op(), "hostile.txt", text.into_bytes()).unwrap().document_id();
    let page = get(&app, &format!("/plans/{id}")).await.text();
    assert!(!page.contains("<script>alert(1)"), "escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || page.contains("&#60;script&#62;"), "shown");
    // The example plans of the fixture cite a few titles of their own.
    let total = get(&app, "/api/v1/family").await.json()["unresolved_total"].as_u64().unwrap() as usize;
    assert!((121..150).contains(&total), "{total}");
    let o = get(&app, "/family").await.text();
    assert!(!o.contains("<script>alert(1)"));
    let rows = o.split("id=\"unresolved-titles\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert_eq!(rows.matches("<tr>").count(), 1 + 50, "header + one page");
    assert!(o.contains("第 1 / 3 页"), "pager");
    let p3 = get(&app, "/family?page=3").await.text();
    let rows = p3.split("id=\"unresolved-titles\"").nth(1).unwrap().split("</table>").next().unwrap();
    assert_eq!(rows.matches("<tr>").count(), 1 + total - 100);
    assert_eq!(get(&app, "/family?page=0").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/family?page=abc").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/api/v1/family?page=999999999").await.status, StatusCode::BAD_REQUEST);
    let api = get(&app, "/api/v1/family?page=2").await.json();
    assert_eq!(api["unresolved_total"].as_u64(), Some(total as u64));
    assert_eq!(api["unresolved"].as_array().unwrap().len(), 50);
}

const D15: &str = "d15_miit-next-gen-ai-industry-3yr-plan.txt";
const D16: &str = "d16_state-council-new-gen-ai-plan.txt";

fn json_post(uri: &str, token: &str, body: serde_json::Value) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(uri)
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

/// d16 has no title line; d15 cites it. An analyst sets its title on the plan page's form:
/// d15's page (cached before) then shows d16 as its parent, d16's page marks the title
/// 已更正. Anonymous and district editors are refused, form and API, and nothing changes.
#[tokio::test]
async fn an_analyst_sets_a_missing_title_on_the_web_and_the_citing_plan_resolves() {
    use planwatch_store::Role;
    let (Some(d15), Some(d16)) = (dev_raw(D15), dev_raw(D16)) else { return };
    let app = app();
    let parent = app.store.ingest_bytes(&op(), D16, d16).unwrap().document_id();
    let child = app.store.ingest_bytes(&op(), D15, d15).unwrap().document_id();
    let unresolved = |text: &str| {
        text.split("id=\"family-unresolved\"")
            .nth(1)
            .is_some_and(|t| t.split("</table>").next().unwrap().contains("《新一代人工智能发展规划》"))
    };
    assert!(unresolved(&get(&app, &format!("/plans/{child}")).await.text()), "unresolved before");
    // The untitled plan says so, on its page and on the overview, with the way to a title.
    let text = get(&app, &format!("/plans/{parent}")).await.text();
    assert!(text.contains("id=\"family-untitled\"") && text.contains(&format!("/plans/{parent}/meta")));
    let o = get(&app, "/family").await.text();
    assert!(o.contains("无标题</span> <a href=\"/plans/") && o.contains(&format!("/plans/{parent}/meta")));
    add(&app, "ana", Role::Analyst, "", "");
    add(&app, "d1", Role::DistrictEditor, "重庆市", "渝北区");
    let uri = format!("/plans/{parent}/meta");
    let fields = |csrf: &str| vec![("csrf", csrf.to_string()), ("title", "新一代人工智能发展规划".to_string())];
    let fingerprint = || planwatch_store::testing::fingerprint(&app.store).unwrap();

    // Anonymous: the form page asks for a login, the POST is refused.
    let page = get(&app, &uri).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("请先<a href=\"/login") && !page.text().contains("id=\"meta-form\""));
    let before = fingerprint();
    let res = send(&app, form(&uri, "", &[("csrf", "x"), ("title", "新一代人工智能发展规划")])).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(fingerprint(), before);
    // A district editor: no form, and the POST is refused by the store.
    let (cookie, csrf) = login_as(&app, "d1").await;
    let page = send(&app, get_with_cookie(&uri, &cookie)).await.text();
    assert!(page.contains("id=\"meta-refused\"") && !page.contains("id=\"meta-form\""));
    let token = app.store.create_token(&op(), "d1", "测试").unwrap();
    let before = fingerprint();
    let f = fields(&csrf);
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = send(&app, form(&uri, &cookie, &f)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    assert!(res.text().contains("无权更正规划内容"), "{}", res.text());
    let res = send(
        &app,
        json_post(
            &format!("/api/v1/plans/{parent}/meta"),
            &token,
            serde_json::json!({"title": "新一代人工智能发展规划"}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(fingerprint(), before, "nothing written or audited");
    assert!(unresolved(&get(&app, &format!("/plans/{child}")).await.text()));

    // An analyst: an empty title and an over-long one are refused with the field named.
    let (cookie, csrf) = login_as(&app, "ana").await;
    let page = send(&app, get_with_cookie(&uri, &cookie)).await.text();
    assert!(page.contains("id=\"meta-form\""));
    let before = fingerprint();
    let long = "规".repeat(201);
    let res = send(&app, form(&uri, &cookie, &[("csrf", &csrf), ("title", &long)])).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().contains("标题") && res.text().contains("200"), "{}", res.text());
    let res = send(&app, form(&uri, &cookie, &[("csrf", &csrf), ("title", "《》"), ("region", "全国")])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text().contains("标题为空"), "{}", res.text());
    assert_eq!(fingerprint(), before, "a refused form writes none of its fields");

    let res = send(
        &app,
        form(
            &uri,
            &cookie,
            &[
                ("csrf", &csrf),
                ("title", "新一代人工智能发展规划"),
                ("issuer", "国务院"),
                ("region", "全国"),
                ("note", "国发〔2017〕35号"),
            ],
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    // The child's page, cached before, now shows the parent.
    let text = get(&app, &format!("/plans/{child}")).await.text();
    assert!(!unresolved(&text), "resolved after");
    let parents = text.split("id=\"family-parents\"").nth(1).expect("parents").split("</table>").next().unwrap();
    assert!(parents.contains(&format!("href=\"/plans/{parent}\"")) && parents.contains("国家级"), "{parents}");
    // The parent's page: the title marked 已更正, the child listed.
    let text = get(&app, &format!("/plans/{parent}")).await.text();
    assert!(text.contains("<h1>新一代人工智能发展规划 <span class=\"badge\" id=\"title-corrected\""), "title mark");
    assert!(text.contains("机器抽取值:未识别(ana 更正)"));
    let children = text.split("id=\"family-children\"").nth(1).expect("children").split("</table>").next().unwrap();
    assert!(children.contains(&format!("href=\"/plans/{child}\"")), "{children}");
    let page = get(&app, &uri).await.text();
    assert!(page.contains("id=\"meta-title\"") && page.contains("已更正"));
    assert!(!text.contains("id=\"family-untitled\""), "titled now");

    // The API: an analyst's token withdraws the issuer; the response says what stands.
    let token = app.store.create_token(&op(), "ana", "测试").unwrap();
    let api = format!("/api/v1/plans/{parent}/meta");
    let res = send(&app, json_post(&api, &token, serde_json::json!({"revert": ["issuer"], "note": "复核"}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let j = res.json();
    assert_eq!(j["title"], "新一代人工智能发展规划");
    assert_eq!(j["issuer"], "");
    let fields: Vec<&str> = j["corrected"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    // The region the form sent (全国) is what the machine read: no correction was made.
    assert_eq!(fields, ["title"]);
    assert_eq!(j["region"], "全国");
    for (body, status) in [
        (serde_json::json!({}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"title": ""}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"region": "火星市"}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"title": "x", "revert": ["title"]}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"revert": ["doc_number"]}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"subtitle": "x"}), StatusCode::BAD_REQUEST),
        (serde_json::json!({"title": "规".repeat(201)}), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let res = send(&app, json_post(&api, &token, body.clone())).await;
        assert_eq!(res.status, status, "{body}: {}", res.text());
    }
    let (audit, _) = app
        .store
        .audit_log(&op(), &planwatch_store::AuditFilter { action: "plan.meta".into(), ..Default::default() }, 10, 0)
        .unwrap();
    assert_eq!(audit.len(), 3, "title and issuer by the form; the issuer withdrawn by the API");
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/plans/{id}/meta"]["post"].is_object());

    // A hostile title is text wherever it is shown.
    let hostile = "<script>alert(1)</script>规划";
    let res = send(&app, json_post(&api, &token, serde_json::json!({"title": hostile}))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    for uri in
        [format!("/plans/{parent}"), format!("/plans/{parent}/meta"), "/family".to_string(), format!("/plans/{child}")]
    {
        let text = get(&app, &uri).await.text();
        assert!(!text.contains("<script>alert(1)"), "{uri}");
    }
    assert!(get(&app, &format!("/plans/{parent}"))
        .await
        .text()
        .contains("&#60;script&#62;alert(1)&#60;/script&#62;规划"));
}

fn get_with_cookie(uri: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri).header(axum::http::header::COOKIE, cookie).body(axum::body::Body::empty()).unwrap()
}

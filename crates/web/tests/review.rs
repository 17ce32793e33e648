//! Issue 18 items 3–4 on the web: a review of two stored plans (findings with ids, the
//! sentences of both sides linking to their spans, a hostile industry escaped), the 审查意见
//! DOCX, the comparison page (checkbox form and comma list alike), the API and refusals.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use planwatch_store::corrections::ItemKind;
use planwatch_store::CorrectionRequest;

fn ids(app: &App) -> (i64, i64, i64) {
    let plans = app.store.list_plans(planwatch_store::PlanOrder::Title).unwrap();
    let by = |r: &str| plans.iter().find(|p| p.region == r).unwrap_or_else(|| panic!("{r}")).id;
    (by("绵阳市"), by("合肥市"), by("苏州市"))
}

#[tokio::test]
async fn review_and_compare_pages_api_and_docx() {
    let app = app();
    let (mianyang, hefei, suzhou) = ids(&app);
    // A hostile industry in the draft: escaped on the page, placed nowhere, still listed.
    app.store
        .correct(
            &op(),
            mianyang,
            ItemKind::Industry,
            CorrectionRequest::Add {
                item: serde_json::json!({ "name": "<script>alert(1)</script>", "group": "测试", "segments": [] }),
            },
            "测试",
        )
        .unwrap();

    // A draft alone: the plan family's proposed master, else the form with the draft chosen.
    let page = get(&app, &format!("/review?draft={mianyang}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains("id=\"review-result\"") == html.contains("id=\"master-proposed\""),
        "a review only with a proposal"
    );
    assert!(html.contains(&format!("<option value=\"{mianyang}\" selected>")));

    // The form alone.
    let page = get(&app, "/review").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    assert!(page.text().contains("id=\"review-form\"") && !page.text().contains("id=\"review-result\""));

    let page = get(&app, &format!("/review?draft={mianyang}&master={hefei}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("id=\"findings\""), "{html}");
    assert!(!html.contains("<script>alert(1)"), "escaped");
    let api = get(&app, &format!("/api/v1/review?draft={mianyang}&master={hefei}")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let json = api.json();
    let findings = json["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let id = f["id"].as_str().unwrap();
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} on the page");
        for (side, links, plan) in [("draft", "draft_links", mianyang), ("master", "master_links", hefei)] {
            let cited = f[side].as_array().unwrap();
            let links = f[links].as_array().unwrap();
            assert_eq!(cited.len(), links.len());
            for l in links {
                assert!(l.as_str().unwrap().starts_with(&format!("/plans/{plan}/source?v=")), "{l}");
            }
        }
    }
    assert!(findings
        .iter()
        .any(|f| f["kind"] == "direction_unmapped" && f["draft"][0]["item"] == "<script>alert(1)</script>"));
    // The same review twice: the same ids.
    let again = get(&app, &format!("/api/v1/review?draft={mianyang}&master={hefei}")).await.json();
    assert_eq!(again["findings"], json["findings"]);

    let docx = get(&app, &format!("/review.docx?draft={mianyang}&master={hefei}")).await;
    assert_eq!(docx.status, StatusCode::OK, "{}", docx.text());
    assert!(docx.body.starts_with(b"PK"));
    assert!(docx.headers["content-disposition"].to_str().unwrap().contains("attachment"));

    let x = get(&app, &format!("/review.xlsx?draft={mianyang}&master={hefei}")).await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.text());
    assert!(x.body.starts_with(b"PK"));
    let x = get(&app, &format!("/compare.xlsx?plans={mianyang},{hefei},{suzhou}")).await;
    assert_eq!(x.status, StatusCode::OK, "{}", x.text());
    assert!(x.body.starts_with(b"PK"));

    // Comparison: the checkbox form's repeated fields and the comma list give one page.
    let a = get(&app, &format!("/compare?plans={mianyang}&plans={hefei}&plans={suzhou}")).await;
    let b = get(&app, &format!("/compare?plans={mianyang},{hefei},{suzhou}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.text(), b.text());
    let html = a.text();
    assert!(html.contains("id=\"compare-matrix\"") && html.contains("绵阳市") && html.contains("合肥市"));
    assert!(html.contains(&format!("href=\"/plans/{mianyang}/source?v=")), "cells link to their sentences");
    assert!(html.contains("id=\"compare-heatmap\"><svg") && html.contains("<rect"), "the heat map is drawn");
    let api = get(&app, &format!("/api/v1/compare?plans={mianyang},{hefei},{suzhou}")).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json()["comparison"]["regions"].as_array().unwrap().len(), 3);
    // The OpenAPI document lists both endpoints.
    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/review"].is_object() && doc["paths"]["/api/v1/compare"].is_object());
}

#[tokio::test]
async fn review_and_compare_refuse_bad_input() {
    let app = app();
    let (mianyang, _, _) = ids(&app);
    for (uri, status) in [
        (format!("/review?draft={mianyang}&master=424242"), StatusCode::NOT_FOUND),
        ("/review?draft=x&master=1".to_string(), StatusCode::NOT_FOUND),
        (format!("/review?draft={}&master=1", "9".repeat(30)), StatusCode::BAD_REQUEST),
        ("/review.docx".to_string(), StatusCode::BAD_REQUEST),
        (format!("/compare?plans={mianyang}"), StatusCode::BAD_REQUEST),
        (format!("/compare?plans={mianyang},{mianyang}"), StatusCode::BAD_REQUEST),
        (format!("/compare?plans={}", "1,".repeat(3000)), StatusCode::BAD_REQUEST),
        ("/api/v1/review?draft=1".to_string(), StatusCode::BAD_REQUEST),
        ("/api/v1/compare?plans=a,b".to_string(), StatusCode::NOT_FOUND),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, status, "{uri}: {}", r.text());
    }
}

#[tokio::test]
async fn a_reviewer_marks_a_finding_audited_and_refusals() {
    let app = app();
    let (mianyang, hefei, _) = ids(&app);
    let json = get(&app, &format!("/api/v1/review?draft={mianyang}&master={hefei}")).await.json();
    let id = json["findings"][0]["id"].as_str().unwrap().to_string();
    let (d, m) = (mianyang.to_string(), hefei.to_string());
    let fields = |csrf: &str, finding: &str, state: &str, note: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("draft".to_string(), d.clone()),
            ("master".to_string(), m.clone()),
            ("finding".to_string(), finding.to_string()),
            ("state".to_string(), state.to_string()),
            ("note".to_string(), note.to_string()),
        ]
    };
    let post = |cookie: &str, f: &[(String, String)]| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        form("/review/mark", cookie, &f)
    };
    // Anonymous: refused, nothing stored; the page offers no form.
    let r = send(&app, post("", &fields("x", &id, "accepted", ""))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert!(!get(&app, &format!("/review?draft={d}&master={m}")).await.text().contains("mark-form"));

    let (cookie, csrf) = login(&app).await;
    let page = send(
        &app,
        Request::get(format!("/review?draft={d}&master={m}")).header("cookie", &cookie).body(Body::empty()).unwrap(),
    )
    .await;
    assert!(page.text().contains("mark-form"));
    for (f, status) in [
        (fields("forged", &id, "accepted", ""), StatusCode::FORBIDDEN),
        (fields(&csrf, &id, "explained", ""), StatusCode::BAD_REQUEST),
        (fields(&csrf, &id, "maybe", ""), StatusCode::BAD_REQUEST),
        (fields(&csrf, "tg-000000000000", "accepted", ""), StatusCode::NOT_FOUND),
        (fields(&csrf, &"x".repeat(100), "accepted", ""), StatusCode::BAD_REQUEST),
    ] {
        let r = send(&app, post(&cookie, &f)).await;
        assert_eq!(r.status, status, "{f:?}: {}", r.text());
    }
    assert!(app.store.review_marks(mianyang, hefei).unwrap().is_empty());

    let r = send(&app, post(&cookie, &fields(&csrf, &id, "explained", "<b>口径不同</b>"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let marks = app.store.review_marks(mianyang, hefei).unwrap();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].finding_id, id);
    let html = get(&app, &format!("/review?draft={d}&master={m}")).await.text();
    assert!(html.contains("已说明:&#60;b&#62;口径不同&#60;/b&#62;"), "shown escaped");
    let json = get(&app, &format!("/api/v1/review?draft={d}&master={m}")).await.json();
    let f = json["findings"].as_array().unwrap().iter().find(|f| f["id"] == id.as_str()).unwrap().clone();
    assert_eq!(f["mark"]["state"], "explained");
    let f = planwatch_store::AuditFilter { action: "review.mark".into(), ..Default::default() };
    assert_eq!(app.store.audit_log(&op(), &f, 10, 0).unwrap().0.len(), 1);
}

/// A mark whose finding has left the review (the plans changed) is listed apart with a
/// 清除标记 button for reviewers only; the button clears it (audited), anonymous readers see none.
#[tokio::test]
async fn a_stale_mark_is_cleared_from_the_review_page() {
    let app = app();
    let (mianyang, hefei, _) = ids(&app);
    let stale = "dr-0123456789ab";
    app.store
        .mark_review_finding(&op(), mianyang, hefei, stale, planwatch_store::ReviewMarkState::Accepted, "")
        .unwrap();
    let uri = format!("/review?draft={mianyang}&master={hefei}");
    let anonymous = get(&app, &uri).await.text();
    assert!(anonymous.contains(stale) && !anonymous.contains("stale-clear"), "listed, no button for anonymous");
    let (cookie, csrf) = login(&app).await;
    let page = send(&app, Request::get(uri.as_str()).header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    let page = page.text();
    let stale_list = page.split("id=\"stale-marks\"").nth(1).expect("the stale marks are listed");
    assert!(stale_list.contains("stale-clear") && stale_list.contains(stale), "a 清除标记 button beside the mark");
    let fields = [
        ("csrf", csrf),
        ("draft", mianyang.to_string()),
        ("master", hefei.to_string()),
        ("finding", stale.to_string()),
        ("state", "open".to_string()),
    ];
    let r = send(&app, mark_form(&cookie, &fields)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(app.store.review_marks(mianyang, hefei).unwrap().is_empty());
    assert!(!get(&app, &uri).await.text().contains("stale-marks"), "nothing stale is listed any more");
    let f = planwatch_store::AuditFilter { action: "review.unmark".into(), ..Default::default() };
    assert_eq!(app.store.audit_log(&op(), &f, 10, 0).unwrap().0.len(), 1);
}

#[tokio::test]
async fn the_api_marks_and_reopens_a_finding_with_refusals() {
    use axum::http::header;
    let app = app();
    let (mianyang, hefei, _) = ids(&app);
    let json = get(&app, &format!("/api/v1/review?draft={mianyang}&master={hefei}")).await.json();
    let id = json["findings"][0]["id"].as_str().unwrap().to_string();
    add(&app, "ana", planwatch_store::Role::Analyst, "", "");
    add(&app, "fucheng", planwatch_store::Role::DistrictEditor, "绵阳市", "涪城区");
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let fc = app.store.create_token(&op(), "fucheng", "测试").unwrap();
    let post = |token: &str, body: serde_json::Value| {
        let mut r = Request::post("/api/v1/review/marks").header(header::CONTENT_TYPE, "application/json");
        if !token.is_empty() {
            r = r.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        r.body(Body::from(body.to_string())).unwrap()
    };
    let body = |finding: &str, state: &str, note: &str| serde_json::json!({ "draft": mianyang, "master": hefei, "finding": finding, "state": state, "note": note });
    for (token, b, status) in [
        ("", body(&id, "accepted", ""), StatusCode::UNAUTHORIZED),
        (fc.as_str(), body(&id, "accepted", ""), StatusCode::FORBIDDEN),
        (ana.as_str(), body(&id, "maybe", ""), StatusCode::BAD_REQUEST),
        (ana.as_str(), body(&id, "explained", ""), StatusCode::BAD_REQUEST),
        (ana.as_str(), body(&id, "explained", &"长".repeat(2001)), StatusCode::UNPROCESSABLE_ENTITY),
        (ana.as_str(), body("tg-000000000000", "accepted", ""), StatusCode::NOT_FOUND),
        (
            ana.as_str(),
            serde_json::json!({ "draft": mianyang, "master": 424242, "finding": id, "state": "accepted" }),
            StatusCode::NOT_FOUND,
        ),
        (ana.as_str(), serde_json::json!({ "draft": "x" }), StatusCode::BAD_REQUEST),
    ] {
        let r = send(&app, post(token, b.clone())).await;
        assert_eq!(r.status, status, "{b}: {}", r.text());
        assert!(r.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.text());
    }
    let r = send(&app, post(&ana, body("tg-000000000000", "accepted", ""))).await;
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(msg.contains("tg-000000000000") && msg.contains("/api/v1/review?draft="), "{msg}");
    assert!(app.store.review_marks(mianyang, hefei).unwrap().is_empty(), "refusals store nothing");

    let r = send(&app, post(&ana, body(&id, "explained", "口径不同"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let o = r.json();
    assert_eq!((o["mark"]["state"].as_str(), o["mark"]["author"].as_str()), (Some("explained"), Some("ana")));
    assert!(o["previous"].is_null());
    assert_eq!(send(&app, post(&fc, body(&id, "open", ""))).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.review_marks(mianyang, hefei).unwrap().len(), 1);
    let r = send(&app, post(&ana, body(&id, "open", ""))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["state"].as_str(), r.json()["previous"]["note"].as_str()), (Some("open"), Some("口径不同")));
    assert!(r.json()["mark"].is_null());
    assert!(app.store.review_marks(mianyang, hefei).unwrap().is_empty());

    // The page's form reopens a finding too, offered only where there is a mark.
    let (cookie, csrf) = login(&app).await;
    let (d, m) = (mianyang.to_string(), hefei.to_string());
    let fields = |state: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("draft", d.clone()),
            ("master", m.clone()),
            ("finding", id.clone()),
            ("state", state.to_string()),
            ("note", String::new()),
        ]
    };
    let review_page = format!("/review?draft={d}&master={m}");
    let page = send(&app, Request::get(&review_page).header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert!(!page.text().contains("value=\"open\""), "nothing to reopen");
    assert_eq!(send(&app, mark_form(&cookie, &fields("accepted"))).await.status, StatusCode::SEE_OTHER);
    let page = send(&app, Request::get(&review_page).header("cookie", &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(page.text().matches("value=\"open\"").count(), 1);
    assert_eq!(send(&app, mark_form(&cookie, &fields("open"))).await.status, StatusCode::SEE_OTHER);
    assert!(app.store.review_marks(mianyang, hefei).unwrap().is_empty());
    let unmarks = planwatch_store::AuditFilter { action: "review.unmark".into(), ..Default::default() };
    assert_eq!(app.store.audit_log(&op(), &unmarks, 10, 0).unwrap().0.len(), 2);

    let doc = get(&app, "/api/v1/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/review/marks"]["post"].is_object());
    assert!(doc["components"]["schemas"]["MarkRequest"].is_object());
}

fn mark_form(cookie: &str, fields: &[(&str, String)]) -> Request<Body> {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form("/review/mark", cookie, &refs)
}

//! Values flagged 待核实 (issue 16, item 2): such a value counts nowhere — city value,
//! progress, ranking, map, report — until an analyst confirms it or the district corrects it;
//! pages mark it, submitting or approving its cell and publishing a ranking resting on it ask
//! for a confirmation, and the published 榜单 says so.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_app::monitoring;
use planwatch_store::{AuditFilter, Role};

/// The city value of indicator `code` at `period` on the progress computation.
fn city_value(app: &App, plan: i64, code: &str, period: &str) -> f64 {
    let p = monitoring::plan_progress(&app.store, plan, None, &Default::default()).unwrap();
    let t = p.targets.iter().find(|t| t.indicator.code == code).unwrap();
    t.series.iter().find(|v| v.period.to_string() == period).unwrap().value
}

#[tokio::test]
async fn a_flagged_value_counts_nowhere_until_an_analyst_confirms_it() {
    let app = app();
    let (plan, index, newest, _) = sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    // The sample holds one flagged value: a district's newest figure of a summed indicator.
    let flagged = app.store.flagged_in_region(&region).unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let f = flagged[0].clone();
    assert_eq!(f.period, newest);
    let ind = app.store.indicator(&f.code).unwrap().unwrap();
    assert_eq!(ind.rollup, planwatch_monitor::Rollup::Sum);
    let all = app.store.observations(&[ind.id]).unwrap();
    let of_newest: Vec<_> = all.iter().filter(|o| o.period.to_string() == newest && o.place != region).collect();
    let clean: f64 = of_newest.iter().filter(|o| o.outlier.is_none()).map(|o| o.value).sum();
    let with_flagged: f64 = of_newest.iter().map(|o| o.value).sum();
    assert!(with_flagged > clean + 1.0);

    // City value and progress: without it.
    assert!((city_value(&app, plan, &f.code, &newest) - clean).abs() < 1e-6);
    let p = monitoring::plan_progress(&app.store, plan, None, &Default::default()).unwrap();
    let t = p.targets.iter().find(|t| t.indicator.code == f.code).unwrap();
    assert_eq!(t.flagged.len(), 1);
    // The ranking: the district lacks that value (not ranked), and the notes say why.
    let view = monitoring::ranking(&app.store, &index, None).unwrap();
    assert_eq!(view.period.to_string(), newest);
    assert!(!view.rows.iter().any(|r| r.place == f.place), "a flagged value ranked {}", f.place);
    assert!(view.notes.iter().any(|n| n.contains(&f.place) && n.contains("待核实")), "{:?}", view.notes);
    assert!(view.caution().unwrap().contains("待核实"));
    // The report: the city figure without it, and the data basis says one was left out.
    let period = planwatch_monitor::Period::parse(&newest).unwrap();
    let r = monitoring::build_report(
        &app.store,
        plan,
        planwatch_report::ReportKind::Quarterly,
        Some(period),
        None,
        "planwatch",
    )
    .unwrap();
    let row = r.targets.iter().find(|row| row.indicator == ind.name).unwrap();
    assert!((row.current.unwrap() - clean).abs() < 1e-6, "report shows {:?}, not {clean}", row.current);
    assert!(r.data_basis.contains("1 个待核实数值未计入"), "{}", r.data_basis);
    // The map: no value for the district.
    let map = monitoring::indicator_map(&app.store, &f.code, Some(period)).unwrap();
    let on_map: Vec<_> = map.values.iter().filter(|v| v.name == f.place).collect();
    assert!(on_map.len() == 1 && on_map[0].value.is_none(), "{:?}", map.values);
    assert!(map.values.iter().filter(|v| v.value.is_some()).count() >= 2);

    // Pages mark it.
    let text = get(&app, &format!("/plans/{plan}/progress/{}", enc(&f.code))).await.text();
    assert!(text.contains("id=\"flagged-values\"") && text.contains(&f.place), "{text}");
    assert!(get(&app, &format!("/plans/{plan}/progress")).await.text().contains("1 个待核实数值未计入"));
    let approvals = format!("/approvals?region={}&period={newest}", enc(&region));
    let text = get(&app, &approvals).await.text();
    assert!(text.contains("待核实 1 个") && text.contains(&f.code), "{text}");

    // Submitting the cell asks for an acknowledgement, by form and by API.
    add(&app, "ana", Role::Analyst, "", "");
    add(&app, "d1", Role::DistrictEditor, &region, &f.place);
    let (d_cookie, d_csrf) = login_as(&app, "d1").await;
    let page =
        send(&app, Request::get(&approvals).header(header::COOKIE, &d_cookie).body(Body::empty()).unwrap()).await;
    assert!(page.text().contains("name=\"ack\""), "the submit form asks to acknowledge the flagged value");
    let submit = |ack: &'static str| {
        form(
            "/approvals",
            &d_cookie,
            &[
                ("csrf", &d_csrf),
                ("region", &region),
                ("place", &f.place),
                ("period", &newest),
                ("step", "submit"),
                ("ack", ack),
            ],
        )
    };
    let res = send(&app, submit("")).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert!(res.text().contains("待核实"));
    let token = app.store.create_token(&op(), "d1", "测试").unwrap();
    let body = format!(r#"{{"region": "{region}", "place": "{}", "period": "{newest}", "step": "submit"}}"#, f.place);
    let api = |body: String| {
        Request::post("/api/v1/approvals")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let res = send(&app, api(body.clone())).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("待核实"));
    let res = send(&app, submit("1")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());

    // Publishing the newest ranking (unapproved and flagged data) needs a confirmation, and
    // the published 榜单 says what it rests on.
    let (cookie, csrf) = login_as(&app, "ana").await;
    let publish = format!("/rankings/{}/publish", enc(&index));
    let page = send(
        &app,
        Request::get(format!("/rankings/{}?period={newest}", enc(&index)))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.text().contains("id=\"publish-confirm\""));
    let before = app.store.published_rankings(app.store.indices().unwrap()[0].id, None).unwrap().len();
    let res = send(&app, form(&publish, &cookie, &[("csrf", &csrf), ("period", &newest)])).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
    assert_eq!(app.store.published_rankings(app.store.indices().unwrap()[0].id, None).unwrap().len(), before);
    let res = send(&app, form(&publish, &cookie, &[("csrf", &csrf), ("period", &newest), ("confirm", "1")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    let text = get(&app, &format!("/rankings/{}?period={newest}", enc(&index))).await.text();
    assert!(text.contains("id=\"published-notes\"") && text.contains("发布人已确认发布"), "{text}");

    // Confirming: a district editor may not; an analyst may, and then it counts.
    let confirm = format!("/observations/{}/confirm", f.id);
    let res = send(&app, form(&confirm, &d_cookie, &[("csrf", &d_csrf)])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.store.flagged_in_region(&region).unwrap().len(), 1);
    let res = send(&app, form(&confirm, &cookie, &[("csrf", &csrf), ("region", &region), ("period", &newest)])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert!(app.store.flagged_in_region(&region).unwrap().is_empty());
    assert!((city_value(&app, plan, &f.code, &newest) - with_flagged).abs() < 1e-6);
    let filter = AuditFilter { action: "observation.confirm".into(), ..Default::default() };
    let (entries, n) = app.store.audit_log(&op(), &filter, 10, 0).unwrap();
    assert_eq!((n, entries[0].who.as_str()), (1, "ana"));
    // Confirming again: nothing to confirm.
    let res = send(&app, form(&confirm, &cookie, &[("csrf", &csrf)])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = send(&app, form("/observations/abc/confirm", &cookie, &[("csrf", &csrf)])).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
}

/// A district correcting a flagged value by a new import clears the flag.
#[tokio::test]
async fn a_district_correction_clears_the_flag() {
    let app = app();
    let (_, _, newest, _) = sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    let f = app.store.flagged_in_region(&region).unwrap().remove(0);
    let ind = app.store.indicator(&f.code).unwrap().unwrap();
    let previous = app
        .store
        .observations(&[ind.id])
        .unwrap()
        .into_iter()
        .rfind(|o| o.place == f.place && o.period.to_string() != newest)
        .unwrap()
        .value;
    let csv = format!("指标代码,地区,期别,数值\n{},{},{newest},{}\n", f.code, f.place, previous * 1.01);
    app.store.import_observations("更正.csv", csv.as_bytes(), &Default::default(), &op()).unwrap();
    assert!(app.store.flagged_in_region(&region).unwrap().is_empty());
}

/// The API confirms a flagged value too: analysts only, audited, and bad ids are 4xx.
#[tokio::test]
async fn a_flagged_value_is_confirmed_through_the_api_by_analysts_only() {
    let app = app();
    sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    let f = app.store.flagged_in_region(&region).unwrap().remove(0);
    add(&app, "ana", Role::Analyst, "", "");
    add(&app, "dist", Role::DistrictEditor, &region, &f.place);
    let (ana, dist) =
        (app.store.create_token(&op(), "ana", "").unwrap(), app.store.create_token(&op(), "dist", "").unwrap());
    let post = |uri: String, token: &str| {
        Request::post(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()
    };
    let uri = format!("/api/v1/observations/{}/confirm", f.id);
    let before = planwatch_store::testing::fingerprint(&app.store).unwrap();
    let refused = send(&app, post(uri.clone(), &dist)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    assert!(refused.json()["error"]["message"].is_string());
    let anonymous = send(&app, Request::post(uri.clone()).body(Body::empty()).unwrap()).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    for bad in ["abc", "99999999"] {
        let r = send(&app, post(format!("/api/v1/observations/{bad}/confirm"), &ana)).await;
        assert!(r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND, "{bad}: {}", r.status);
    }
    assert_eq!(planwatch_store::testing::fingerprint(&app.store).unwrap(), before, "a refusal changed the store");
    let ok = send(&app, post(uri, &ana)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.json()["id"], f.id);
    assert!(app.store.flagged_in_region(&region).unwrap().iter().all(|g| g.id != f.id));
    let filter = AuditFilter { action: "observation.confirm".into(), ..Default::default() };
    assert_eq!(app.store.audit_log(&op(), &filter, 10, 0).unwrap().1, 1);
}

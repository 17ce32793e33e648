//! Roll-up rules per indicator (issue 16, item 1): a per-capita or ratio indicator is rolled
//! up by a weighted mean (never summed), a weighted mean names the districts it had to leave
//! out, and the rule is set on the web and the API with role checks, CSRF and audit.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_monitor::Rollup;
use planwatch_store::{AuditFilter, Role};

/// Form fields sent, the status expected and what the answer must say.
type Refusal<'a> = (&'a [(&'a str, &'a str)], StatusCode, &'a str);

fn api(uri: &str, token: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn rollup_audits(app: &App) -> usize {
    let filter = AuditFilter { action: "indicator.rollup".into(), ..Default::default() };
    app.store.audit_log(&op(), &filter, 1000, 0).unwrap().1 as usize
}

/// The sample's per-capita indicator (每万人口…拥有量) is a mean of the districts' values
/// weighted by their population, not their sum; the made-from-targets default of the plan's
/// other ratios is the city's own figure, never a sum.
#[tokio::test]
async fn a_per_capita_indicator_is_rolled_up_by_its_weight_not_summed() {
    let app = app();
    let (plan, _, newest, _) = sample(&app);
    let p = planwatch_app::monitoring::plan_progress(&app.store, plan, None, &Default::default()).unwrap();
    let t = p.targets.iter().find(|t| t.indicator.name.contains("每万人口")).expect("a per-capita target");
    let ind = &t.indicator;
    assert_eq!(ind.rollup, Rollup::WeightedMean);
    let weight = app.store.indicator(ind.rollup_weight.as_deref().unwrap()).unwrap().unwrap();
    assert!(weight.name.contains("人口"), "{}", weight.name);
    // Recompute the newest period by hand from the stored values.
    let obs = app.store.observations(&[ind.id, weight.id]).unwrap();
    let of = |id: i64| -> std::collections::BTreeMap<String, f64> {
        obs.iter()
            .filter(|o| o.indicator_id == id && o.period.to_string() == newest)
            .map(|o| (o.place.clone(), o.value))
            .collect()
    };
    let (values, weights) = (of(ind.id), of(weight.id));
    assert!(values.len() >= 2 && values.keys().all(|k| weights.contains_key(k)));
    let sum: f64 = values.values().sum();
    let weighted = values.iter().map(|(k, v)| v * weights[k]).sum::<f64>() / weights.values().sum::<f64>();
    let city = t.series.last().unwrap();
    assert_eq!(city.period.to_string(), newest);
    assert!(!city.reported);
    assert!((city.value - weighted).abs() < 1e-6, "city {} vs weighted mean {weighted}", city.value);
    assert!(city.value < sum / 2.0, "the city value {} must not be the sum {sum}", city.value);
    assert!(t.missing_weights.is_empty());
    // Ratios: never summed by default.
    for t in &p.targets {
        let i = &t.indicator;
        if planwatch_monitor::indicator::is_ratio(&i.name, &i.unit)
            || planwatch_monitor::indicator::is_per_capita(&i.name)
        {
            assert_ne!(i.rollup, Rollup::Sum, "{} ({}) is summed", i.name, i.unit);
        }
    }
    let counted = p.targets.iter().find(|t| t.indicator.unit == "家").unwrap();
    assert_eq!(counted.indicator.rollup, Rollup::Sum);
    // The indicator page says how the city value is made.
    let page = get(&app, &format!("/plans/{plan}/progress/{}", enc(&ind.code))).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains(&format!("加权平均(权重:{} {}", weight.name, weight.code)), "{text}");
    assert!(text.contains(&format!("/indicators/{}/rollup", enc(&ind.code))));
}

/// A weighted mean whose weight lacks values for some districts says which, on the page.
#[tokio::test]
async fn a_weighted_mean_with_missing_weights_names_the_districts_left_out() {
    let app = app();
    let (plan, _, newest, _) = sample(&app);
    let p = planwatch_app::monitoring::plan_progress(&app.store, plan, None, &Default::default()).unwrap();
    let ind = p.targets.iter().find(|t| t.indicator.name.contains("每万人口")).unwrap().indicator.clone();
    let units = app.store.dicts().units_within(&ind.region);
    // A weight of one district only (the second: its newest figures are not yet submitted).
    let partial = planwatch_store::monitor::NewIndicator {
        code: "POP-PARTIAL".into(),
        name: "常住人口(部分)".into(),
        unit: "万人".into(),
        region: ind.region.clone(),
        ..Default::default()
    };
    app.store.add_indicator(&op(), &partial).unwrap();
    let csv = format!("指标代码,地区,期别,数值\nPOP-PARTIAL,{},{newest},120\n", units[1].name);
    app.store.import_observations("pop.csv", csv.as_bytes(), &Default::default(), &op()).unwrap();
    app.store.set_indicator_rollup(&op(), &ind.code, Rollup::WeightedMean, Some("POP-PARTIAL")).unwrap();
    let p = planwatch_app::monitoring::plan_progress(&app.store, plan, None, &Default::default()).unwrap();
    let t = p.targets.iter().find(|t| t.indicator.code == ind.code).unwrap();
    let (period, left_out) = t.missing_weights.last().unwrap();
    assert_eq!(period.to_string(), newest);
    assert!(left_out.contains(&units[0].name) && !left_out.contains(&units[1].name), "{left_out:?}");
    let city = t.series.last().unwrap();
    assert_eq!((city.period.to_string(), city.units), (newest.clone(), 1));
    let text = get(&app, &format!("/plans/{plan}/progress/{}", enc(&ind.code))).await.text();
    assert!(text.contains("的加权平均未含") && text.contains(&units[0].name), "{text}");
}

#[tokio::test]
async fn the_rule_is_set_on_the_web_and_the_api_by_analysts_only_with_audit() {
    let app = app();
    let (plan, _, _, _) = sample(&app);
    let region = app.store.indices().unwrap()[0].region.clone();
    let units = app.store.dicts().units_within(&region);
    add(&app, "ana", Role::Analyst, "", "");
    add(&app, "d1", Role::DistrictEditor, &region, &units[0].name);
    let inds = app.store.indicators(Some(plan), None).unwrap();
    let pc = inds.iter().find(|i| i.name.contains("每万人口")).unwrap().clone();
    let firms = inds.iter().find(|i| i.unit == "家").unwrap().clone();
    let pop = pc.rollup_weight.clone().unwrap();
    let path = format!("/indicators/{}/rollup", enc(&pc.code));

    // The form: for a logged-in analyst, with its CSRF token and the same region's weights.
    let (cookie, csrf) = login_as(&app, "ana").await;
    let page = send(&app, Request::get(&path).header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains(&format!("value=\"{csrf}\"")) && text.contains("id=\"rollup-form\""));
    assert!(text.contains(&format!("<option value=\"{pop}\" selected>")), "{text}");
    assert!(text.contains("不能求和"), "a per-capita indicator warns against a sum");
    // Anonymous: no form.
    assert!(!get(&app, &path).await.text().contains("id=\"rollup-form\""));

    // Happy path by form: mean, audited, the page follows.
    let before = rollup_audits(&app);
    let res = send(&app, form(&path, &cookie, &[("csrf", &csrf), ("rule", "mean"), ("weight", "")])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text());
    assert_eq!(app.store.indicator(&pc.code).unwrap().unwrap().rollup, Rollup::Mean);
    assert_eq!(rollup_audits(&app), before + 1);
    let filter = AuditFilter { action: "indicator.rollup".into(), ..Default::default() };
    let entry = app.store.audit_log(&op(), &filter, 1, 0).unwrap().0.remove(0);
    assert_eq!((entry.who.as_str(), entry.channel.as_str()), ("ana", "form"));
    assert!(entry.old_value.unwrap().contains("weighted_mean") && entry.new_value.unwrap().contains("\"mean\""));
    let shown = get(&app, &format!("/plans/{plan}/progress/{}", enc(&pc.code))).await.text();
    assert!(shown.contains("<span id=\"rollup\">平均</span>"), "{shown}");

    // Refused by form, nothing changed: a sum of a per-capita figure, an unknown rule, a weighted
    // mean without weight or weighted by itself, a weight of no such indicator, a weight with
    // another rule, an overlong rule, a bad CSRF token, and a district editor.
    let refusals: [Refusal; 8] = [
        (&[("rule", "sum")], StatusCode::BAD_REQUEST, "不能求和"),
        (&[("rule", "median")], StatusCode::BAD_REQUEST, "不是可选的汇总方式"),
        (&[("rule", "weighted_mean")], StatusCode::BAD_REQUEST, "没有给出权重指标"),
        (&[("rule", "weighted_mean"), ("weight", &pc.code)], StatusCode::BAD_REQUEST, "不能以自身为权重"),
        (&[("rule", "加权平均"), ("weight", "NOPE")], StatusCode::BAD_REQUEST, "不存在"),
        (&[("rule", "max"), ("weight", &pop)], StatusCode::BAD_REQUEST, "只有加权平均需要权重指标"),
        (&[("rule", &"x".repeat(5000))], StatusCode::BAD_REQUEST, "过长"),
        (&[("rule", "weighted_mean"), ("weight", &"W".repeat(100))], StatusCode::UNPROCESSABLE_ENTITY, "64"),
    ];
    for (fields, status, says) in refusals {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        let res = send(&app, form(&path, &cookie, &all)).await;
        assert_eq!(res.status, status, "{fields:?}: {}", res.text());
        assert!(res.text().contains(says), "{fields:?}: {}", res.text());
    }
    let res = send(&app, form(&path, &cookie, &[("csrf", "forged"), ("rule", "max")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (d_cookie, d_csrf) = login_as(&app, "d1").await;
    let res = send(&app, form(&path, &d_cookie, &[("csrf", &d_csrf), ("rule", "max")])).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    assert_eq!(app.store.indicator(&pc.code).unwrap().unwrap().rollup, Rollup::Mean);
    assert_eq!(rollup_audits(&app), before + 1);

    // The API: happy, forbidden role, bad value, unknown indicator — JSON errors throughout.
    let ana = app.store.create_token(&op(), "ana", "测试").unwrap();
    let d1 = app.store.create_token(&op(), "d1", "测试").unwrap();
    let uri = format!("/api/v1{path}");
    let res = send(&app, api(&uri, &ana, &format!(r#"{{"rule": "weighted_mean", "weight": "{pop}"}}"#))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let j = res.json();
    assert_eq!(
        (j["rule"].as_str(), j["weight"].as_str(), j["rule_label"].as_str()),
        (Some("weighted_mean"), Some(pop.as_str()), Some("加权平均"))
    );
    assert_eq!(rollup_audits(&app), before + 2);
    let res = send(&app, api(&uri, &d1, r#"{"rule": "max"}"#)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.json()["error"]["message"].as_str().is_some());
    let res = send(&app, api(&uri, &ana, r#"{"rule": "sum"}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("不能求和"));
    let res = send(&app, api(&uri, &ana, r#"{"rule": "total"}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.json()["error"]["message"].as_str().unwrap().contains("weighted_mean"));
    let res = send(&app, api(&uri, &ana, r#"{"rule": "max", "colour": "red"}"#)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    let res = send(&app, api("/api/v1/indicators/NOPE/rollup", &ana, r#"{"rule": "max"}"#)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(app.store.indicator(&pc.code).unwrap().unwrap().rollup, Rollup::WeightedMean);
    assert_eq!(rollup_audits(&app), before + 2);
    // A count may be summed, and the API can set any rule the form can.
    let res =
        send(&app, api(&format!("/api/v1/indicators/{}/rollup", enc(&firms.code)), &ana, r#"{"rule": "最大值"}"#))
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(app.store.indicator(&firms.code).unwrap().unwrap().rollup, Rollup::Max);
}

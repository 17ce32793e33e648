//! The 目标台账 on the plan page, in the API and in the exports: one row per indicator with
//! every mention of it, and corrections that still work on each mention.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

/// The Hefei sample states five of its 专栏 table's indicators in the text too.
async fn hefei(app: &App) -> i64 {
    let plans = get(app, "/api/v1/plans?sort=title").await.json();
    plans.as_array().unwrap().iter().find(|p| p["title"].as_str().unwrap().contains("合肥")).unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn row<'a>(ledger: &'a Value, indicator: &str) -> &'a Value {
    ledger.as_array().unwrap().iter().find(|r| r["indicator"] == indicator).unwrap_or_else(|| panic!("{ledger:#}"))
}

#[tokio::test]
async fn one_row_per_indicator_with_every_mention_in_page_api_and_exports() {
    let app = app();
    let id = hefei(&app).await;
    let targets = get(&app, &format!("/api/v1/plans/{id}/targets")).await.json();
    let ledger = get(&app, &format!("/api/v1/plans/{id}/ledger")).await.json();
    let (n_targets, n_rows) = (targets.as_array().unwrap().len(), ledger.as_array().unwrap().len());
    assert!(n_rows < n_targets, "{n_rows} rows for {n_targets} mentions");
    // Every mention is in exactly one row, under its own key.
    let mut keys: Vec<&str> = ledger
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["mentions"].as_array().unwrap())
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    keys.sort_unstable();
    let mut all: Vec<&str> = targets.as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    all.sort_unstable();
    assert_eq!(keys, all);
    let r = row(&ledger, "技术合同成交额");
    let mentions = r["mentions"].as_array().unwrap();
    assert_eq!(mentions.len(), 2);
    assert_eq!(mentions.iter().filter(|m| m["table"] == true).count(), 1, "the 专栏 row and the sentence");
    assert_eq!(
        (r["attribute"].as_str(), r["baseline_value"].as_f64(), r["baseline_year"].as_i64()),
        (Some("预期性"), Some(1150.0), Some(2025))
    );
    assert_eq!(
        (r["value"].as_f64(), r["year"].as_i64(), r["increment"].as_bool()),
        (Some(2200.0), Some(2030), Some(false))
    );
    assert!(r["review"].is_null() && r["correction"].is_null());

    let page = get(&app, &format!("/plans/{id}")).await.text();
    assert!(page.contains(&format!("{n_rows} 项指标({n_targets} 处提法)")), "the heading counts both");
    assert!(page.contains("专栏指标表") && page.contains("预期性") && page.contains("水平"));
    for m in mentions {
        let key = enc(m["key"].as_str().unwrap());
        assert!(page.contains(&format!("edit/target?key={key}")), "each mention keeps its correction link");
    }
    assert!(!page.contains("待核对</span>"), "no mention disagrees in the sample");

    let csv = get(&app, &format!("/plans/{id}/targets.csv")).await.text();
    let lines = csv.split("\r\n").filter(|l| !l.is_empty()).count();
    assert!(csv.contains("属性") && csv.contains("增量/水平") && csv.contains("提法数") && csv.contains("待核对"));
    assert!(csv.contains("〔"), "a merged row lists its mentions with their sections");
    let json: Value = serde_json::from_str(&get(&app, &format!("/plans/{id}/targets.json")).await.text()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), n_rows, "the JSON export has the ledger's rows");
    let j = row(&json, "技术合同成交额");
    assert_eq!(j["sources"].as_array().unwrap().len(), 2, "and carries every mention");
    assert!(lines > n_rows, "the CSV has a row per indicator (some cells hold several lines)");
    let openapi = get(&app, "/api/v1/openapi.json").await.json();
    assert!(openapi["paths"]["/api/v1/plans/{id}/ledger"].is_object());
}

#[tokio::test]
async fn a_corrected_mention_changes_its_ledger_row() {
    let app = app();
    let id = hefei(&app).await;
    let ledger = get(&app, &format!("/api/v1/plans/{id}/ledger")).await.json();
    let mentions = row(&ledger, "技术合同成交额")["mentions"].as_array().unwrap().clone();
    let sentence = mentions.iter().find(|m| m["table"] == false).unwrap()["key"].as_str().unwrap().to_string();
    let n_rows = ledger.as_array().unwrap().len();
    let (cookie, csrf) = login(&app).await;
    let edit = format!("/plans/{id}/edit/target");

    // The sentence now says 2300: the row keeps both mentions and is flagged, saying why.
    let r = send(&app, form(&edit, &cookie, &[("csrf", &csrf), ("key", &sentence), ("value", "2300")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let ledger = get(&app, &format!("/api/v1/plans/{id}/ledger")).await.json();
    let r = row(&ledger, "技术合同成交额");
    assert_eq!(r["mentions"].as_array().unwrap().len(), 2);
    assert_eq!(r["review"], "2030年的目标值有2种提法:2200亿元、2300亿元");
    assert_eq!(r["correction"], "已更正");
    assert_eq!(r["value"], 2200.0, "the table row's figure stays the row's");
    let page = get(&app, &format!("/plans/{id}")).await.text();
    assert!(page.contains("待核对</span>") && page.contains("2030年的目标值有2种提法:2200亿元、2300亿元"));
    let csv = get(&app, &format!("/plans/{id}/targets.csv")).await.text();
    assert!(csv.contains("2030年的目标值有2种提法:2200亿元、2300亿元"), "{csv}");

    // Renamed to another indicator, the sentence leaves the row for one of its own.
    let r = send(&app, form(&edit, &cookie, &[("csrf", &csrf), ("key", &sentence), ("indicator", "技术交易额")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let ledger = get(&app, &format!("/api/v1/plans/{id}/ledger")).await.json();
    assert_eq!(ledger.as_array().unwrap().len(), n_rows + 1);
    let r = row(&ledger, "技术合同成交额");
    assert!(r["review"].is_null() && r["mentions"].as_array().unwrap().len() == 1);
    assert_eq!(row(&ledger, "技术交易额")["mentions"][0]["correction"], "已更正");
}

#[tokio::test]
async fn attribute_and_increment_are_corrected_on_a_mention_and_checked() {
    let app = app();
    let id = hefei(&app).await;
    let targets = get(&app, &format!("/api/v1/plans/{id}/targets")).await.json();
    let key = targets[0]["key"].as_str().unwrap().to_string();
    let edit = format!("/plans/{id}/edit/target");
    // Not logged in: refused.
    let r = send(&app, form(&edit, "", &[("csrf", "x"), ("key", &key), ("attribute", "约束性")])).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let (cookie, csrf) = login(&app).await;
    for (field, bad) in [("attribute", "必须"), ("increment", "是")] {
        let r = send(&app, form(&edit, &cookie, &[("csrf", &csrf), ("key", &key), (field, bad)])).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}={bad}");
        assert!(r.text().contains(bad), "the refusal quotes what was typed: {}", r.text());
    }
    assert_eq!(app.store.plan_summary(id).unwrap().n_corrected, 0, "refusals change nothing");
    let r = send(
        &app,
        form(&edit, &cookie, &[("csrf", &csrf), ("key", &key), ("attribute", "约束性"), ("increment", "增量")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = get(&app, &format!("/api/v1/plans/{id}/targets")).await.json();
    assert_eq!((after[0]["attribute"].as_str(), after[0]["increment"].as_bool()), (Some("约束性"), Some(true)));
}

#[tokio::test]
async fn indicators_from_the_ledger_show_every_source_and_inferred_deadlines() {
    let app = app();
    let hefei_id = hefei(&app).await;
    let text = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家。\n\n\
                二、重点任务\n\n(一)培育创新主体\n\n每年新增科技型企业孵化器10家。\n";
    let cq = app.store.ingest_bytes(&op(), "cq.txt", text.as_bytes().to_vec()).unwrap().document_id();
    for id in [hefei_id, cq] {
        app.store.indicators_from_targets(&op(), id, planwatch_monitor::Frequency::Year).unwrap();
    }
    let code_of = |doc: i64, name: &str| {
        app.store.indicators(Some(doc), None).unwrap().into_iter().find(|i| i.name.contains(name)).unwrap().code
    };
    // The Hefei indicator cites the 专栏 row and, besides, the sentence that restates it.
    let page = get(&app, &format!("/plans/{hefei_id}/progress/{}", enc(&code_of(hefei_id, "技术合同成交额")))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("另见:"), "{}", page.text());
    // The undated target's deadline is the plan's end year, said to be inferred.
    let incubators = code_of(cq, "孵化器");
    let page = get(&app, &format!("/plans/{cq}/progress/{}", enc(&incubators))).await.text();
    assert!(page.contains("2025年,推定:原文未写完成年份,取规划期末"), "{page}");
    let progress = get(&app, &format!("/plans/{cq}/progress")).await.text();
    assert!(progress.contains("2025年(推定)"), "{progress}");
    let monitor = get(&app, "/monitor").await.text();
    assert!(monitor.contains("2025年(推定)"), "the overview's list of indicators");
    // The plan's own target keeps no year.
    let targets = get(&app, &format!("/api/v1/plans/{cq}/targets")).await.json();
    assert!(targets.as_array().unwrap().iter().any(|t| t["year"].is_null() && t["increment"] == true));
}

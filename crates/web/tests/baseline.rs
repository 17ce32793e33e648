//! Issue 16, item 5: a level target without a baseline is 无基期值 (never 超前), an increment
//! is counted from the start of the period, and an implausible compound forecast is shown
//! with its caveat and the method and values it rests on — on the progress page, the
//! indicator page and in the report.

mod common;

use common::*;
use planwatch_monitor::Frequency;
use planwatch_store::monitor::ImportOptions;

const PLAN: &str = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家,\
                    新增科技型企业5000家。\n";

/// The plan, its indicators and six quarters of the city's own figures (plus the start).
fn setup(app: &App) -> (i64, String, String) {
    let doc = app.store.ingest_bytes(&op(), "cq.txt", PLAN.as_bytes().to_vec()).unwrap().document_id();
    app.store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let inds = app.store.indicators(Some(doc), None).unwrap();
    let level = inds.iter().find(|i| i.name.contains("高新技术企业")).unwrap().code.clone();
    let inc = inds.iter().find(|i| i.name.contains("科技型企业")).unwrap();
    assert!(inc.increment);
    let inc = inc.code.clone();
    let mut csv = String::from("指标代码,地区,期别,数值\n");
    // The level: 200 doubling to 1600, then +400 a quarter: 2400 of 6000 at 30 % of the time.
    for (p, v) in
        [("2021Q1", 200), ("2021Q2", 400), ("2021Q3", 800), ("2021Q4", 1600), ("2022Q1", 2000), ("2022Q2", 2400)]
    {
        csv.push_str(&format!("{level},重庆市,{p},{v}\n"));
    }
    // The increment: 10000 at the start, 13000 now: 3000 of 5000 added.
    for (p, v) in [
        ("2020Q4", 10000),
        ("2021Q1", 10500),
        ("2021Q2", 11000),
        ("2021Q3", 11500),
        ("2021Q4", 12000),
        ("2022Q1", 12500),
        ("2022Q2", 13000),
    ] {
        csv.push_str(&format!("{inc},重庆市,{p},{v}\n"));
    }
    let opts = ImportOptions { dry_run: false, synthetic: false, computed: false };
    app.store.import_observations("cq.csv", csv.as_bytes(), &opts, &op()).map_err(|e| format!("{e:?}")).unwrap();
    (doc, level, inc)
}

#[tokio::test]
async fn no_baseline_increments_and_implausible_forecasts_on_pages_and_in_the_report() {
    let app = app();
    let (doc, level, inc) = setup(&app);
    let th = planwatch_monitor::progress::Thresholds::default();
    let p = planwatch_app::monitoring::plan_progress(&app.store, doc, None, &th).unwrap();
    let lv = p.targets.iter().find(|t| t.indicator.code == level).unwrap();
    // 2400 ÷ 6000 = 40 % against 30 % of the time used to read 超前.
    assert_eq!((lv.status_key, lv.status_label, lv.completion), ("no_baseline", "无基期值", None));
    let prog = lv.progress.as_ref().unwrap();
    let compound = prog.forecasts.compound.as_ref().unwrap();
    assert!(!compound.plausible && compound.value > 6000.0 * 3.0, "{compound:?}");
    assert!(lv.verdict.contains("复合增长,基于6个季度值:低可信度"), "{}", lv.verdict);
    assert!(lv.verdict.contains("线性趋势,基于6个季度值:"), "{}", lv.verdict);
    let ic = p.targets.iter().find(|t| t.indicator.code == inc).unwrap();
    assert!((ic.completion.unwrap() - 0.6).abs() < 1e-9, "(13000 − 10000)/5000, not 13000/5000: {:?}", ic.completion);
    assert_eq!(ic.status_key, "ahead", "0.6 done at 0.3 of the time");
    assert!(p.counts.iter().any(|(l, n)| l == "无基期值" && *n == 1), "{:?}", p.counts);

    // The progress page: 无基期值 with the raw figures and how to enter the baseline.
    let page = get(&app, &format!("/plans/{doc}/progress")).await.text();
    let row_start = page.find(&format!("<span class=\"mono small\">{level}</span>")).expect("the level row");
    let row = &page[row_start..row_start + page[row_start..].find("</tr>").unwrap()];
    assert!(row.contains("st-no_baseline\">无基期值") && !row.contains("st-ahead"), "{row}");
    assert!(row.contains("2400") && row.contains("6000"), "the raw figures: {row}");
    assert!(row.contains(&format!("planwatch indicators baseline --code {level} --value 数值 --year 2020")), "{row}");
    assert!(row.contains("低可信度") && row.contains("基于6个季度值"), "{row}");
    let detail = get(&app, &format!("/plans/{doc}/progress/{}", enc(&level))).await.text();
    assert!(detail.contains("无基期值") && detail.contains("planwatch indicators baseline"), "indicator page");

    // The report says the same.
    let html = get(&app, &format!("/plans/{doc}/report.html?period=2022Q2")).await;
    assert_eq!(html.status, axum::http::StatusCode::OK);
    let html = html.text();
    assert!(html.contains("st-no_baseline") && html.contains("无基期值"), "status in the report");
    assert!(html.contains("(低可信度)"), "the compound forecast is never a bare number");
    assert!(html.contains("复合增长,基于6个季度值:低可信度"));
    assert!(html.contains("请录入基期值"), "the note asks for the baseline");

    // With the baseline entered, the target is judged: (2400 − 100)/(6000 − 100) ≈ 39 %.
    app.store.set_indicator_baseline(&op(), &level, Some((100.0, 2020)), None).unwrap();
    let p = planwatch_app::monitoring::plan_progress(&app.store, doc, None, &th).unwrap();
    let lv = p.targets.iter().find(|t| t.indicator.code == level).unwrap();
    assert!((lv.completion.unwrap() - 2300.0 / 5900.0).abs() < 1e-9);
    assert_ne!(lv.status_key, "no_baseline");
    let page = get(&app, &format!("/plans/{doc}/progress")).await.text();
    assert!(!page.contains("planwatch indicators baseline"), "no prompt once it is entered");
}

#[tokio::test]
async fn fewer_than_three_values_give_no_forecast_and_say_so() {
    let app = app();
    let doc = app.store.ingest_bytes(&op(), "cq.txt", PLAN.as_bytes().to_vec()).unwrap().document_id();
    app.store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let inds = app.store.indicators(Some(doc), None).unwrap();
    let level = &inds.iter().find(|i| i.name.contains("高新技术企业")).unwrap().code;
    let csv = format!("指标代码,地区,期别,数值\n{level},重庆市,2021Q1,200\n{level},重庆市,2021Q2,400\n");
    let opts = ImportOptions { dry_run: false, synthetic: false, computed: false };
    app.store.import_observations("cq.csv", csv.as_bytes(), &opts, &op()).map_err(|e| format!("{e:?}")).unwrap();
    let th = planwatch_monitor::progress::Thresholds::default();
    let p = planwatch_app::monitoring::plan_progress(&app.store, doc, None, &th).unwrap();
    let lv = p.targets.iter().find(|t| &t.indicator.code == level).unwrap();
    assert_eq!(lv.verdict, "数据不足:仅有2个有效值,至少需要3个才作预测");
}

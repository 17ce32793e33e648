//! `planwatch indicators from-targets` over the 目标台账: one indicator per indicator of the
//! plan, and deadlines the plan does not state shown as inferred (推定).

mod common;

use common::*;

use std::path::PathBuf;

use planwatch_store::testing::TempStore;

#[test]
fn from_targets_makes_one_indicator_per_ledger_row_and_marks_inferred_deadlines() {
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let base = ["--db", db.as_str(), "--index-dir", ix.as_str()];
    let run = |args: &[&str]| planwatch(&[&base[..], args].concat());
    let hefei = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/hefei-sci-tech-plan.html");
    let plan = store.path().join("plan.txt");
    std::fs::write(
        &plan,
        "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家。\n\n\
         二、重点任务\n\n(一)培育创新主体\n\n每年新增科技型企业孵化器10家。\n",
    )
    .unwrap();
    assert!(run(&["ingest", hefei.to_str().unwrap(), plan.to_str().unwrap()]).status.success());
    // `list`: id, then title, tab-separated.
    let (plans, _) = text(&run(&["list"]));
    let id_of =
        |word: &str| plans.lines().find(|l| l.contains(word)).and_then(|l| l.split('\t').next()).unwrap().to_string();

    // The Hefei plan: its 专栏 rows and the sentences restating them make one indicator each.
    let out = run(&["indicators", "from-targets", "--plan", &id_of("合肥")]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.lines().any(|l| l.contains("技术合同成交额") && l.contains("2 mentions")), "{stdout}");
    assert!(stderr.contains("8 indicators from 13 target mentions: 8 new"), "{stderr}");

    // The Chongqing plan: the target without a year gets 2025 as an inferred deadline.
    let out = run(&["indicators", "from-targets", "--plan", &id_of("重庆")]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.lines().any(|l| l.contains("孵化器") && l.contains("推定")), "{stdout}");
    assert!(stderr.contains("1 deadlines inferred"), "{stderr}");
    let (list, _) = text(&run(&["indicators", "list"]));
    assert!(list.lines().any(|l| l.contains("孵化器") && l.contains("(2025, 推定)")), "{list}");
    assert!(list.lines().any(|l| l.contains("高新技术企业") && l.contains("(2025)")), "{list}");
    let json: serde_json::Value = serde_json::from_slice(&run(&["indicators", "list", "--json"]).stdout).unwrap();
    let contracts = json.as_array().unwrap().iter().find(|i| i["name"] == "技术合同成交额").unwrap();
    assert_eq!(contracts["other_mentions"].as_array().unwrap().len(), 1);
    assert_eq!(contracts["target_year_inferred"], false);

    // Again: nothing new.
    let (_, stderr) = text(&run(&["indicators", "from-targets", "--plan", &id_of("合肥")]));
    assert!(stderr.contains("0 new, 8 already existed"), "{stderr}");
    // A plan that does not exist: refused, saying which.
    let out = run(&["indicators", "from-targets", "--plan", "999"]);
    assert!(!out.status.success());
    assert!(text(&out).1.contains("999"), "{}", text(&out).1);
}

#[test]
fn indicators_baseline_enters_a_missing_baseline_and_refuses_bad_ones() {
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let base = ["--db", db.as_str(), "--index-dir", ix.as_str()];
    let run = |args: &[&str]| planwatch(&[&base[..], args].concat());
    let plan = store.path().join("plan.txt");
    std::fs::write(
        &plan,
        "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家。\n",
    )
    .unwrap();
    assert!(run(&["ingest", plan.to_str().unwrap()]).status.success());
    let (plans, _) = text(&run(&["list"]));
    let id = plans.lines().find(|l| l.contains("重庆")).and_then(|l| l.split('\t').next()).unwrap().to_string();
    assert!(run(&["indicators", "from-targets", "--plan", &id]).status.success());
    let (list, _) = text(&run(&["indicators", "list"]));
    let code =
        list.lines().find(|l| l.contains("高新技术企业")).and_then(|l| l.split('\t').next()).unwrap().to_string();
    // Nothing to set, and a year not before the target's: refused.
    assert!(!run(&["indicators", "baseline", "--code", &code]).status.success());
    let late = run(&["indicators", "baseline", "--code", &code, "--value", "3000", "--year", "2025"]);
    assert!(!late.status.success() && text(&late).1.contains("target year"), "{}", text(&late).1);
    let out = run(&["indicators", "baseline", "--code", &code, "--value", "3000", "--year", "2020"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("3000 家 (2020)") && stdout.contains("水平"), "{stdout}");
    let json: serde_json::Value = serde_json::from_slice(&run(&["indicators", "list", "--json"]).stdout).unwrap();
    let ind = json.as_array().unwrap().iter().find(|i| i["code"] == code.as_str()).unwrap();
    assert_eq!((ind["baseline_value"].as_f64(), ind["baseline_year"].as_i64()), (Some(3000.0), Some(2020)));
}

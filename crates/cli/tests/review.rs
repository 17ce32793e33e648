//! `planwatch review` and `planwatch compare` end to end: files and stored plans, formats,
//! refusals.

mod common;

use common::*;

use planwatch_store::testing::TempStore;

const MASTER: &str = "重庆市科技创新规划(2021—2025年)\n\n一、发展目标\n\n到2025年,新型研发机构达到300家,低空经济产业加快发展。\n\n二、重点产业\n\n(一)低空经济。发展通用航空。\n(二)人工智能。发展智算芯片。\n";
const DRAFT: &str = "重庆市未来产业行动计划(2024—2027年)\n\n一、发展目标\n\n到2025年,新型研发机构达到200家。\n\n二、重点产业\n\n(一)人工智能。发展新一代AI模型。\n";

#[test]
fn review_files_and_stored_plans_in_every_format() {
    let dir = tempdir("formats");
    let (m, d) = (dir.join("master.txt"), dir.join("draft.txt"));
    std::fs::write(&m, MASTER).unwrap();
    std::fs::write(&d, DRAFT).unwrap();
    let (ms, ds) = (m.to_str().unwrap(), d.to_str().unwrap());
    let out = planwatch(&["review", ds, "--against", ms]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let looser = findings.iter().find(|f| f["kind"] == "target_looser").expect("200 < 300 is looser");
    assert_eq!(looser["severity_label"], "冲突");
    let sentence = looser["draft"][0]["sentence"].as_str().unwrap();
    assert!(sentence.contains("新型研发机构达到200家"), "{sentence}");
    let [a, b] = [
        looser["draft"][0]["span"][0].as_u64().unwrap() as usize,
        looser["draft"][0]["span"][1].as_u64().unwrap() as usize,
    ];
    assert_eq!(&DRAFT[a..b], sentence);
    assert!(findings.iter().any(|f| f["kind"] == "period_ends_after"));
    // XLSX and HTML.
    let x = dir.join("r.xlsx");
    let out = planwatch(&["review", ds, "--against", ms, "--format", "xlsx", "--out", x.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&x).unwrap().starts_with(b"PK"));
    let w = dir.join("审查意见.docx");
    let out = planwatch(&["review", ds, "--against", ms, "--format", "docx", "--out", w.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&w).unwrap().starts_with(b"PK"));
    let out = planwatch(&["review", ds, "--against", ms, "--format", "html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains("规划符合性审查") && html.contains(looser["id"].as_str().unwrap()));

    // Stored plans by id: the same findings, the same ids.
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let out = planwatch(&["--db", &db, "--index-dir", &ix, "ingest", ms, ds]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = String::from_utf8_lossy(&planwatch(&["--db", &db, "--index-dir", &ix, "list"]).stdout).to_string();
    let id_of =
        |needle: &str| list.lines().find(|l| l.contains(needle)).unwrap().split('\t').next().unwrap().to_string();
    let (mid, did) = (id_of("科技创新规划"), id_of("未来产业"));
    let out = planwatch(&["--db", &db, "--index-dir", &ix, "review", &did, "--against", &mid]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids = |v: &serde_json::Value| {
        v["findings"].as_array().unwrap().iter().map(|f| f["id"].to_string()).collect::<Vec<_>>()
    };
    assert_eq!(ids(&stored), ids(&json));
    // A file against a stored plan.
    let out = planwatch(&["--db", &db, "--index-dir", &ix, "review", ds, "--against", &mid]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Compare: two stored plans.
    let out = planwatch(&["--db", &db, "--index-dir", &ix, "compare", "--plans", &format!("{mid},{did}")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cmp: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cmp["regions"].as_array().unwrap().len(), 1, "both plans are 重庆市's: one column");
    assert!(cmp["matrix"].as_array().unwrap().iter().any(|r| r["label"] == "低空经济"));
}

#[test]
fn review_refuses_bad_input_clearly() {
    let dir = tempdir("refusals");
    let d = dir.join("draft.txt");
    std::fs::write(&d, DRAFT).unwrap();
    let ds = d.to_str().unwrap();
    let store = TempStore::new().unwrap();
    let db = store.db_arg();
    let cases: [(&[&str], &str); 7] = [
        (&["review", ds, "--against", ds, "--format", "pdf"], "--format pdf"),
        (&["review", ds, "--against", ds, "--format", "xlsx"], "--format xlsx needs --out"),
        (&["review", ds, "--against", ds, "--format", "docx"], "--format docx needs --out"),
        (&["review", "no-such-file.txt", "--against", ds], "no such file, and not a plan id"),
        (&["--db", &db, "review", "424242", "--against", ds], "plan 424242"),
        (&["compare", "--plans", ds], "at least two plans"),
        (&["--max-size", "10", "review", ds, "--against", ds], "draft"),
    ];
    for (args, needle) in cases {
        let out = planwatch(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let many: Vec<String> = (0..501).map(|i| i.to_string()).collect();
    let out = planwatch(&["compare", "--plans", &many.join(",")]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 500"));
}

/// Adds an account of `role` to the store (in process, as the operator).
fn add_user(store: &TempStore, login: &str, role: planwatch_store::Role) {
    let s = store.open(planwatch_store::StoreOptions::default()).unwrap();
    let user = planwatch_store::users::NewUser {
        login: login.into(),
        display_name: login.into(),
        role,
        region: "重庆市".into(),
        place: if role == planwatch_store::Role::DistrictEditor { "渝北区".into() } else { String::new() },
        department: String::new(),
        password: "correct-horse-42".into(),
    };
    s.add_user(&planwatch_store::Actor::operator("test"), &user).unwrap();
}

#[test]
fn review_mark_sets_and_clears_a_mark_and_refuses_editors_unknown_ids_and_long_notes() {
    let dir = tempdir("mark");
    let (m, d) = (dir.join("master.txt"), dir.join("draft.txt"));
    std::fs::write(&m, MASTER).unwrap();
    std::fs::write(&d, DRAFT).unwrap();
    let store = TempStore::new().unwrap();
    let (db, ix) = (store.db_arg(), store.path().join("index").display().to_string());
    let pw = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str(), "--index-dir", ix.as_str()];
        all.extend_from_slice(args);
        planwatch(&all)
    };
    assert!(pw(&["ingest", m.to_str().unwrap(), d.to_str().unwrap()]).status.success());
    let list = String::from_utf8_lossy(&pw(&["list"]).stdout).to_string();
    let id_of =
        |needle: &str| list.lines().find(|l| l.contains(needle)).unwrap().split('\t').next().unwrap().to_string();
    let (mid, did) = (id_of("科技创新规划"), id_of("未来产业"));
    add_user(&store, "ana", planwatch_store::Role::Analyst);
    add_user(&store, "yb", planwatch_store::Role::DistrictEditor);
    // The ids the review lists (unchanged command).
    let out = pw(&["review", &did, "--against", &mid]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let finding = json["findings"][0]["id"].as_str().unwrap().to_string();
    let marks = || {
        let s = store.open(planwatch_store::StoreOptions::default()).unwrap();
        s.review_marks(did.parse().unwrap(), mid.parse().unwrap()).unwrap()
    };

    // Refusals: nothing stored, exit 2, the reason on stderr.
    let long = "长".repeat(2001);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--as", "yb", "review", "mark", &did, &mid, &finding, "--state", "accepted"], "标记审查意见"),
        (
            vec!["--as", "ana", "review", "mark", &did, &mid, "tg-000000000000", "--state", "accepted"],
            "planwatch review",
        ),
        (vec!["--as", "ana", "review", "mark", &did, &mid, &finding, "--state", "explained"], "需要填写说明"),
        (vec!["--as", "ana", "review", "mark", &did, &mid, &finding, "--state", "explained", "--note", &long], "2000"),
        (vec!["--as", "ana", "review", "mark", &did, "424242", &finding, "--state", "accepted"], "424242"),
        (vec!["--as", "ana", "review", "mark", &did, &mid, &finding, "--state", "maybe"], "possible values"),
        (vec!["--as", "nobody", "review", "mark", &did, &mid, &finding, "--state", "accepted"], "no such account"),
    ];
    for (args, needle) in &cases {
        let out = pw(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let out = pw(&["--as", "ana", "review", "mark", &did, &mid, "tg-000000000000", "--state", "accepted"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tg-000000000000"), "the refusal names the id: {err}");
    assert!(marks().is_empty(), "refusals store nothing");

    // Explained, then open again.
    let out =
        pw(&["--as", "ana", "review", "mark", &did, &mid, &finding, "--state", "explained", "--note", "口径不同"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("未处理 → 已说明"));
    let got = marks();
    assert_eq!((got.len(), got[0].author.as_str(), got[0].note.as_str()), (1, "ana", "口径不同"));
    // The review of the two stored plans carries the mark: JSON, HTML, and the 审查意见 DOCX.
    let out = pw(&["review", &did, "--against", &mid]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let marked = json["findings"].as_array().unwrap().iter().find(|f| f["id"] == finding.as_str()).unwrap();
    assert_eq!(
        (marked["mark"]["state"].as_str(), marked["mark"]["note"].as_str()),
        (Some("explained"), Some("口径不同"))
    );
    let html =
        String::from_utf8_lossy(&pw(&["review", &did, "--against", &mid, "--format", "html"]).stdout).to_string();
    assert!(html.contains("已说明:口径不同(ana)"), "the HTML shows the mark");
    let docx = dir.join("opinion.docx");
    let out = pw(&["review", &did, "--against", &mid, "--format", "docx", "--out", docx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&docx).unwrap()).unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut body).unwrap();
    assert!(body.contains("口径不同"), "the 审查意见 states the explanation");
    let out = pw(&["--as", "yb", "review", "mark", &did, &mid, &finding, "--state", "open"]);
    assert_eq!(out.status.code(), Some(2), "a district editor cannot clear it either");
    assert_eq!(marks().len(), 1);
    let out = pw(&["--as", "ana", "review", "mark", &did, &mid, &finding, "--state", "open", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let o: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((o["state"].as_str(), o["previous"]["state"].as_str()), (Some("open"), Some("explained")));
    assert!(marks().is_empty());
    let audit = pw(&["audit", "--action", "review", "--json"]);
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.contains("review.mark") && audit.contains("review.unmark"), "{audit}");
}

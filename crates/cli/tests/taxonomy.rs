//! `planwatch taxonomy …` end to end: the tree with plan counts, a stored plan's and a file's
//! mapping, the unmapped list, a city's scheme from `--data`, and a bad data file refused with
//! its file, line and field.

mod common;

use common::*;

use std::path::PathBuf;
use std::process::Output;

use planwatch_store::testing::{example, TempStore};

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn taxonomy_tree_map_unmapped_and_a_city_scheme() {
    let t = TempStore::new().unwrap();
    let db = t.db_arg();
    let dir: PathBuf = t.path().to_path_buf();
    let plan = dir.join("mianyang.txt");
    std::fs::write(&plan, example("mianyang-future-industries.txt")).unwrap();
    let plan = plan.to_str().unwrap();
    assert!(planwatch(&["--db", &db, "ingest", plan]).status.success());

    let tree = out(&planwatch(&["--db", &db, "taxonomy", "tree", "--scheme", "future"]));
    assert!(tree.contains("未来空间\tfut.space\t1"), "{tree}");
    assert!(tree.contains("  低空经济\tfut.space.lowalt\t1"), "{tree}");
    assert!(!tree.contains("sei.1"), "one scheme only");
    let bad = planwatch(&["--db", &db, "taxonomy", "tree", "--scheme", "nope"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("future"));

    let map = out(&planwatch(&["--db", &db, "taxonomy", "map", "1"]));
    assert!(map.contains("产业\t具身智能\t未来制造 › 人形机器人 [fut.mfg.humanoid]\t0.95\t同义词"), "{map}");
    // A file is extracted on the fly, not stored; JSON has the same items.
    let json: serde_json::Value = serde_json::from_str(&out(&planwatch(&["taxonomy", "map", plan, "--json"]))).unwrap();
    assert!(json["document_id"].is_null());
    assert_eq!(json["schemes"][0]["mapped"].as_array().unwrap().len(), 5, "{json}");

    let unmapped = out(&planwatch(&["--db", &db, "taxonomy", "unmapped", "--scheme", "sei2018"]));
    assert!(unmapped.contains("具身智能"), "not a 2018 category: {unmapped}");

    // A city's scheme from --data, then a bad file naming file, line and field.
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("taxonomy")).unwrap();
    std::fs::write(
        data.join("taxonomy/city.toml"),
        "[scheme]\nid = \"my\"\nname = \"绵阳市产业体系\"\nversion = \"1\"\n\n[[node]]\nid = \"my.robot\"\nname = \"具身智能机器人\"\nsynonyms = [\"具身智能\"]\n",
    )
    .unwrap();
    let data_arg = data.to_str().unwrap();
    let map = out(&planwatch(&["--db", &db, "--data", data_arg, "taxonomy", "map", "1"]));
    assert!(map.contains("具身智能\t具身智能机器人 [my.robot]"), "{map}");
    std::fs::write(
        data.join("taxonomy/city.toml"),
        "[scheme]\nid = \"my\"\nname = \"x\"\nversion = \"1\"\n[[node]]\nid = \"my.a\"\n",
    )
    .unwrap();
    let bad = planwatch(&["--db", &db, "--data", data_arg, "taxonomy", "tree"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("city.toml:5") && err.contains("`name`"), "{err}");
}

#[test]
fn taxonomy_confirm_and_withdraw_from_the_command_line() {
    let t = TempStore::new().unwrap();
    let db = t.db_arg();
    let plan = t.path().join("mianyang.txt");
    std::fs::write(&plan, example("mianyang-future-industries.txt")).unwrap();
    assert!(planwatch(&["--db", &db, "ingest", plan.to_str().unwrap()]).status.success());
    {
        let s = t.open(planwatch_store::StoreOptions::default()).unwrap();
        for (login, role, place) in
            [("ana", planwatch_store::Role::Analyst, ""), ("fc", planwatch_store::Role::DistrictEditor, "涪城区")]
        {
            let user = planwatch_store::users::NewUser {
                login: login.into(),
                display_name: login.into(),
                role,
                region: "绵阳市".into(),
                place: place.into(),
                department: String::new(),
                password: "correct-horse-42".into(),
            };
            s.add_user(&planwatch_store::Actor::operator("test"), &user).unwrap();
        }
    }
    let pw = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        planwatch(&all)
    };
    let automatic = out(&pw(&["taxonomy", "map", "1"]));
    assert!(automatic.contains("具身智能\t未来制造 › 人形机器人 [fut.mfg.humanoid]\t0.95\t同义词"), "{automatic}");
    let confirm = ["taxonomy", "confirm", "1", "--kind", "industry", "--item", "具身智能"];
    let with = |extra: &[&'static str], who: &'static str| {
        let mut a: Vec<&str> = vec!["--as", who];
        a.extend_from_slice(&confirm);
        a.extend_from_slice(extra);
        pw(&a)
    };

    // Refusals: a district editor, an unknown node, plan or item, a long note, "none" without a
    // scheme, withdrawing what is not confirmed — exit 2, nothing stored.
    let long: &'static str = Box::leak("长".repeat(1001).into_boxed_str());
    for (o, needle) in [
        (with(&["--node", "fut.info.ai"], "fc"), "确认或更改产业归类"),
        (with(&["--node", "fut.nope"], "ana"), "fut.nope"),
        (with(&["--node", "fut.info.ai", "--note", long], "ana"), "1000"),
        (with(&["--none"], "ana"), "--scheme"),
        (with(&["--withdraw"], "ana"), "已是自动归类"),
        (with(&["--node", "fut.info.ai", "--withdraw"], "ana"), "cannot be used with"),
        (
            pw(&[
                "--as",
                "ana",
                "taxonomy",
                "confirm",
                "9",
                "--kind",
                "industry",
                "--item",
                "具身智能",
                "--node",
                "fut.info.ai",
            ]),
            "9",
        ),
        (
            pw(&[
                "--as",
                "ana",
                "taxonomy",
                "confirm",
                "1",
                "--kind",
                "industry",
                "--item",
                "不存在",
                "--node",
                "fut.info.ai",
            ]),
            "不存在",
        ),
    ] {
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert_eq!(out(&pw(&["taxonomy", "map", "1"])), automatic, "nothing changed");

    // Confirmed by the analyst: the mapping says so.
    let o = with(&["--node", "fut.info.ai", "--note", "按原文"], "ana");
    assert!(out(&o).contains("fut.info.ai"));
    let map = out(&pw(&["taxonomy", "map", "1"]));
    assert!(map.contains("具身智能\t未来信息 › 大模型与通用人工智能 [fut.info.ai]\t-\t人工确认"), "{map}");

    // A district editor cannot withdraw it; the analyst can, and the mapping is automatic again.
    let o = with(&["--withdraw"], "fc");
    assert_eq!(o.status.code(), Some(2));
    assert!(out(&pw(&["taxonomy", "map", "1"])).contains("人工确认"));
    let o = with(&["--withdraw"], "ana");
    assert!(out(&o).contains("withdrawn"));
    assert_eq!(out(&pw(&["taxonomy", "map", "1"])), automatic, "automatic again");
    let audit = out(&pw(&["audit", "--action", "taxonomy.withdraw", "--json"]));
    assert!(audit.contains("fut.info.ai") && audit.contains("按原文"), "the old value is kept: {audit}");
}

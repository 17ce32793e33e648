//! `planwatch taxonomy …` end to end: the tree with plan counts, a stored plan's and a file's
//! mapping, the unmapped list, a city's scheme from `--data`, and a bad data file refused with
//! its file, line and field.

use std::path::PathBuf;
use std::process::{Command, Output};

use planwatch_store::testing::{example, TempStore};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planwatch"))
        .args(args)
        .env_remove("PLANWATCH_DATA")
        .env_remove("PLANWATCH_AS")
        .output()
        .expect("run planwatch")
}

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
    assert!(run(&["--db", &db, "ingest", plan]).status.success());

    let tree = out(&run(&["--db", &db, "taxonomy", "tree", "--scheme", "future"]));
    assert!(tree.contains("未来空间\tfut.space\t1"), "{tree}");
    assert!(tree.contains("  低空经济\tfut.space.lowalt\t1"), "{tree}");
    assert!(!tree.contains("sei.1"), "one scheme only");
    let bad = run(&["--db", &db, "taxonomy", "tree", "--scheme", "nope"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("future"));

    let map = out(&run(&["--db", &db, "taxonomy", "map", "1"]));
    assert!(map.contains("产业\t具身智能\t未来制造 › 人形机器人 [fut.mfg.humanoid]\t0.95\t同义词"), "{map}");
    // A file is extracted on the fly, not stored; JSON has the same items.
    let json: serde_json::Value = serde_json::from_str(&out(&run(&["taxonomy", "map", plan, "--json"]))).unwrap();
    assert!(json["document_id"].is_null());
    assert_eq!(json["schemes"][0]["mapped"].as_array().unwrap().len(), 5, "{json}");

    let unmapped = out(&run(&["--db", &db, "taxonomy", "unmapped", "--scheme", "sei2018"]));
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
    let map = out(&run(&["--db", &db, "--data", data_arg, "taxonomy", "map", "1"]));
    assert!(map.contains("具身智能\t具身智能机器人 [my.robot]"), "{map}");
    std::fs::write(
        data.join("taxonomy/city.toml"),
        "[scheme]\nid = \"my\"\nname = \"x\"\nversion = \"1\"\n[[node]]\nid = \"my.a\"\n",
    )
    .unwrap();
    let bad = run(&["--db", &db, "--data", data_arg, "taxonomy", "tree"]);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success() && err.contains("city.toml:5") && err.contains("`name`"), "{err}");
}

//! Accuracy bars of the extraction, scored by `../shared/tools/score-plans` against hand-made
//! annotations beside the repository: the five seed documents (`../shared/seeds`, gold in
//! `../shared/gold`) and the development corpus of twenty-five plans of other regions and levels
//! (`../shared/dev/raw`, gold in `../shared/dev/gold`). Fails below the bounds, which sit a little
//! under the scores reached (stop 24: seeds names 1.000, dev industries/districts/platforms 1.000,
//! segments 0.979, names 0.979), so a rule change that loses ground elsewhere is seen (dev
//! platforms: five annotated items only, so one miss is held at 0.8).

use std::path::{Path, PathBuf};
use std::process::Command;

const SEED_BOUNDS: &str = "outline=0.97,targets=0.97,tasks=0.97,industries=0.95,segments=0.94,districts=0.95,\
                           platforms=0.92,meta=0.97,names=0.96";
const DEV_BOUNDS: &str =
    "outline=0.97,targets=0.97,tasks=0.97,industries=0.95,segments=0.93,districts=0.95,platforms=0.8,meta=0.97,names=0.95";

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Extracts every file of `raw` and scores it against `gold`; returns the scorer's report and
/// whether every bound held.
fn score(raw: &Path, gold: &Path, bounds: &str, label: &str) -> Option<(String, bool)> {
    if !raw.exists() {
        assert!(
            std::env::var_os("PLANWATCH_NO_SEEDS").is_some(),
            "{} is missing: the accuracy test needs ../shared beside the repository (set PLANWATCH_NO_SEEDS=1 to skip it knowingly)",
            raw.display()
        );
        return None;
    }
    let pred = std::env::temp_dir().join(format!("planwatch-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&pred).unwrap();
    let opts = planwatch_core::Options::default();
    for entry in std::fs::read_dir(raw).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let plan = planwatch_core::extract(&bytes, &name, &opts).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        std::fs::write(pred.join(format!("{stem}.json")), serde_json::to_string(&plan).unwrap()).unwrap();
    }
    let out = Command::new("python3")
        .arg(shared().join("tools/score-plans"))
        .args(["--gold", gold.to_str().unwrap(), "--pred", pred.to_str().unwrap(), "--min", bounds])
        .output()
        .expect("python3 runs the scorer");
    std::fs::remove_dir_all(&pred).ok();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Some((report, out.status.success()))
}

#[test]
fn seeds_score_above_the_bar() {
    let s = shared();
    if let Some((report, ok)) = score(&s.join("seeds"), &s.join("gold"), SEED_BOUNDS, "seeds") {
        println!("{report}");
        assert!(ok, "seeds below the accuracy bar:\n{report}");
    }
}

#[test]
fn development_corpus_scores_above_the_bar() {
    let s = shared();
    if let Some((report, ok)) = score(&s.join("dev/raw"), &s.join("dev/gold"), DEV_BOUNDS, "dev") {
        println!("{report}");
        assert!(ok, "development corpus below the accuracy bar:\n{report}");
    }
}

//! The 目标台账 of real plans: the bundled samples (examples/) and, when `../shared` is beside
//! the repository, the seeds and the development corpus.

use planwatch_core::ledger::ledger;
use planwatch_core::{extract, Options, Plan};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn plan_of(path: &Path) -> Plan {
    let bytes = std::fs::read(path).unwrap();
    extract(&bytes, &path.file_name().unwrap().to_string_lossy(), &Options::default()).unwrap()
}

/// Every target is a mention of exactly one row, the row's figure is its primary mention's,
/// and rows come in the order of their first mention.
fn check_partition(name: &str, plan: &Plan) {
    let rows = ledger(plan);
    let mut seen = vec![0usize; plan.targets.len()];
    let mut last_first = None;
    for r in &rows {
        assert!(!r.mentions.is_empty(), "{name}: a row without mentions");
        let first = r.mentions[0].index;
        assert!(last_first < Some(first), "{name}: rows out of order");
        last_first = Some(first);
        for m in &r.mentions {
            seen[m.index] += 1;
            assert_eq!(plan.targets[m.index].text, m.text, "{name}: mention {} has another text", m.index);
        }
        assert!(r.mentions.iter().any(|m| m.index == r.primary), "{name}: primary not among the mentions");
        let p = &plan.targets[r.primary];
        assert_eq!((&r.indicator, r.value, r.year), (&p.indicator, p.value, p.year), "{name}");
    }
    assert!(seen.iter().all(|&n| n == 1), "{name}: every target in exactly one row: {seen:?}");
}

#[test]
fn a_plans_table_and_text_mentions_are_one_row_each() {
    let plan = plan_of(&root().join("examples/hefei-sci-tech-plan.html"));
    check_partition("hefei", &plan);
    let rows = ledger(&plan);
    let tabled: Vec<_> = rows.iter().filter(|r| r.mentions.iter().any(|m| m.table)).collect();
    assert_eq!(tabled.len(), plan.targets.iter().filter(|t| t.table).count(), "one row per table row");
    // Five of the table's rows are also stated in the text: those rows list both sources.
    let both = tabled.iter().filter(|r| r.mentions.iter().any(|m| !m.table)).count();
    assert_eq!(both, 5, "{rows:#?}");
    for r in &tabled {
        assert_eq!(r.attribute.as_deref(), Some("预期性"), "{}", r.indicator);
        assert!(r.baseline_value.is_some() && r.conflict.is_none(), "{}", r.indicator);
    }
}

#[test]
fn every_target_of_every_available_plan_is_in_exactly_one_row() {
    let mut files: Vec<PathBuf> =
        ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"]
            .iter()
            .map(|f| root().join("examples").join(f))
            .collect();
    for dir in ["../shared/seeds", "../shared/dev/raw"] {
        if let Ok(entries) = std::fs::read_dir(root().join(dir)) {
            files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "txt")));
        }
    }
    for f in files {
        check_partition(&f.display().to_string(), &plan_of(&f));
    }
}

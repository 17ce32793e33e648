//! Baselines and increments of indicators (issue 16, item 5): indicators made from a plan's
//! targets take the baseline its 专栏 table states and know an increment (新增 N) from a
//! level; an analyst sets a missing baseline (authorised, checked, audited); an older store's
//! increments are recognised by the migration.

use std::path::PathBuf;

use planwatch_monitor::Frequency;
use planwatch_store::testing::{fingerprint, TempStore};
use planwatch_store::{Actor, AuditFilter, Role, StoreOptions};

fn op() -> Actor {
    Actor::operator("test")
}

const PLAN: &str = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家,\
                    新增科技型企业5000家,全社会研发经费投入年均增长10%。\n";

#[test]
fn indicators_from_targets_know_increments_from_levels() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "plan.txt", PLAN.as_bytes().to_vec()).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    let inds = store.indicators(Some(doc), None).unwrap();
    let by = |w: &str| inds.iter().find(|i| i.name.contains(w)).unwrap_or_else(|| panic!("{w}: {inds:#?}"));
    assert!(!by("高新技术企业").increment, "达到6000家 is a level");
    assert!(by("科技型企业").increment, "新增5000家 is counted from the start");
    // A growth rate is reported as the rate itself: a level of that rate.
    assert!(!by("研发经费").increment, "{:?}", by("研发经费"));
}

#[test]
fn indicators_from_targets_take_the_tables_baseline() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/hefei-sci-tech-plan.html");
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", std::fs::read(p).unwrap()).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    let rows = planwatch_core::ledger::ledger(&store.plan_view(doc).unwrap().effective.plan);
    let inds = store.indicators(Some(doc), None).unwrap();
    let stated: Vec<_> = rows.iter().filter(|r| r.baseline_value.is_some()).collect();
    assert!(!stated.is_empty());
    for r in stated {
        let ind = inds.iter().find(|i| i.name == r.indicator.trim()).unwrap();
        assert_eq!((ind.baseline_value, ind.baseline_year), (r.baseline_value, r.baseline_year), "{}", r.indicator);
    }
}

#[test]
fn an_analyst_sets_a_missing_baseline_checked_and_audited() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "plan.txt", PLAN.as_bytes().to_vec()).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    let ind = store.indicators(Some(doc), None).unwrap().into_iter().find(|i| i.name.contains("高新技术企业")).unwrap();
    assert_eq!(ind.baseline_value, None);
    let code = ind.code.clone();

    // Refusals write nothing: a district editor, a year not before the target's, a NaN, an
    // unknown code.
    let before = fingerprint(&store).unwrap();
    let editor = Actor { role: Role::DistrictEditor, region: "重庆市".into(), place: "渝北区".into(), ..op() };
    assert!(matches!(
        store.set_indicator_baseline(&editor, &code, Some((3000.0, 2020)), None),
        Err(planwatch_store::StoreError::Forbidden(_))
    ));
    let late = store.set_indicator_baseline(&op(), &code, Some((3000.0, 2025)), None).unwrap_err().to_string();
    assert!(late.contains("2025") && late.contains("target year"), "{late}");
    assert!(store.set_indicator_baseline(&op(), &code, Some((f64::NAN, 2020)), None).is_err());
    assert!(store.set_indicator_baseline(&op(), "NO-SUCH", Some((1.0, 2020)), None).is_err());
    assert_eq!(fingerprint(&store).unwrap(), before);

    let after = store.set_indicator_baseline(&op(), &code, Some((3000.0, 2020)), None).unwrap();
    assert_eq!((after.baseline_value, after.baseline_year, after.increment), (Some(3000.0), Some(2020), false));
    let filter = AuditFilter { action: "indicator.baseline".into(), ..Default::default() };
    let (entries, total) = store.audit_log(&op(), &filter, 10, 0).unwrap();
    assert_eq!(total, 1);
    assert_eq!(entries[0].object, format!("indicator {code}"));
    assert!(entries[0].new_value.as_deref().unwrap().contains("3000"), "{:?}", entries[0]);
    // Made an increment, then the baseline cleared.
    let inc = store.set_indicator_baseline(&op(), &code, None, Some(true)).unwrap();
    assert_eq!((inc.baseline_value, inc.increment), (None, true));
}

#[test]
fn the_migration_marks_older_increment_indicators() {
    let t = TempStore::new().unwrap();
    {
        let old = t.open_at_version(6).unwrap();
        old.execute_batch(
            "INSERT INTO indicators (code, name, unit, direction, frequency, rollup, region, target_value, target_year,
                note, created_at)
             VALUES ('INC-1', '科技型企业', '家', 'higher', 'year', 'sum', '合肥市', 500, 2025,
                     '预期性;增量目标(新增、累计或年均增长等)', '2024-01-01T00:00:00Z'),
                    ('RATE-1', '研发经费投入增长', '%', 'higher', 'year', 'mean', '合肥市', 10, 2025,
                     '增量目标(新增、累计或年均增长等)', '2024-01-01T00:00:00Z'),
                    ('LEVEL-1', '高新技术企业', '家', 'higher', 'year', 'sum', '合肥市', 6000, 2025,
                     '预期性', '2024-01-01T00:00:00Z')",
        )
        .unwrap();
    }
    let store = t.open(StoreOptions::default()).unwrap();
    let inc = |c: &str| store.indicator(c).unwrap().unwrap().increment;
    assert!(inc("INC-1"));
    assert!(!inc("RATE-1"), "a rate stays a level");
    assert!(!inc("LEVEL-1"));
}

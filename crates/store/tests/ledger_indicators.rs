//! `indicators from-targets` over the 目标台账: one indicator per indicator of the plan (its
//! mentions in the text, the 专栏 table and the tasks merged), citing every mention, with a
//! deadline the plan does not state inferred from its period and marked so.

use planwatch_monitor::Frequency;
use planwatch_store::testing::example;
use planwatch_store::testing::TempStore;
use planwatch_store::{Actor, Role, StoreOptions};

fn op() -> Actor {
    Actor::operator("test")
}

#[test]
fn one_indicator_per_ledger_row_citing_every_mention() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let view = store.plan_view(doc).unwrap();
    let plan = &view.effective.plan;
    let rows = planwatch_core::ledger::ledger(plan);
    assert!(rows.len() < plan.targets.len(), "the sample states some indicators twice");

    // A district editor may not define indicators: refused, nothing written.
    let editor = Actor { role: Role::DistrictEditor, region: "合肥市".into(), place: "蜀山区".into(), ..op() };
    let before = planwatch_store::testing::fingerprint(&store).unwrap();
    assert!(store.indicators_from_targets(&editor, doc, Frequency::Year).is_err());
    assert_eq!(planwatch_store::testing::fingerprint(&store).unwrap(), before);

    let made = store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    assert_eq!(made.len(), rows.len(), "one per row of the ledger, not per mention");
    assert!(made.iter().all(|m| m.created));
    assert_eq!(made.iter().map(|m| m.mentions).sum::<usize>(), plan.targets.len());
    let indicators = store.indicators(Some(doc), None).unwrap();
    assert_eq!(indicators.len(), rows.len());

    let contracts = indicators.iter().find(|i| i.name == "技术合同成交额").expect("技术合同成交额");
    let row = rows.iter().find(|r| r.indicator == "技术合同成交额").unwrap();
    let key = |i: usize| view.effective.refs.targets[i].key.clone();
    assert_eq!(contracts.target_key, Some(key(row.primary)), "the primary mention is the item key");
    assert!(plan.targets[row.primary].table, "the 专栏 row is primary");
    assert_eq!(contracts.source_text, plan.targets[row.primary].text);
    assert_eq!((contracts.target_value, contracts.target_year), (Some(2200.0), Some(2030)));
    assert!(!contracts.target_year_inferred);
    assert_eq!((contracts.baseline_value, contracts.baseline_year), (Some(1150.0), Some(2025)));
    assert!(contracts.note.contains("预期性"), "{}", contracts.note);
    let other = row.mentions.iter().find(|m| m.index != row.primary).unwrap();
    assert_eq!(contracts.other_mentions.len(), 1);
    let m = &contracts.other_mentions[0];
    assert_eq!((&m.key, &m.text, m.span), (&key(other.index), &other.text, (other.span[0], other.span[1])));

    // Running it again changes nothing, whichever mention an indicator was made from.
    let again = store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    assert!(again.iter().all(|m| !m.created) && again.len() == rows.len());
    assert_eq!(store.indicators(Some(doc), None).unwrap().len(), rows.len());
}

#[test]
fn a_target_without_a_year_gets_the_plans_end_year_as_an_inferred_deadline() {
    let text = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家。\n\n\
                二、重点任务\n\n(一)培育创新主体\n\n每年新增科技型企业孵化器10家。\n";
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "plan.txt", text.as_bytes().to_vec()).unwrap().document_id();
    let view = store.plan_view(doc).unwrap();
    let plan = &view.effective.plan;
    assert_eq!(plan.meta.period_end, Some(2025));
    let undated = plan.targets.iter().position(|t| t.year.is_none()).expect("an undated target");
    assert!(plan.targets[undated].increment, "每年新增 counts what is added");

    let made = store.indicators_from_targets(&op(), doc, Frequency::Year).unwrap();
    assert_eq!(made.iter().filter(|m| m.year_inferred).count(), 1, "{made:?}");
    let indicators = store.indicators(Some(doc), None).unwrap();
    let key = &view.effective.refs.targets[undated].key;
    let ind = indicators.iter().find(|i| i.target_key.as_ref() == Some(key)).unwrap();
    assert_eq!((ind.target_year, ind.target_year_inferred), (Some(2025), true));
    assert!(ind.note.contains("增量"), "{}", ind.note);
    let dated = indicators.iter().find(|i| i.target_key.as_ref() != Some(key)).unwrap();
    assert_eq!((dated.target_year, dated.target_year_inferred), (Some(2025), false));
    // The plan itself keeps year null: the deadline is monitoring's, never written back.
    let after = store.plan_view(doc).unwrap();
    assert_eq!(after.effective.plan.targets[undated].year, None);
    assert_eq!(after.effective.plan, view.effective.plan);
}

#[test]
fn indicators_of_an_older_store_read_with_no_other_mentions_after_the_migration() {
    let t = TempStore::new().unwrap();
    {
        let old = t.open_at_version(4).unwrap();
        old.execute_batch(
            "INSERT INTO indicators (code, name, unit, direction, frequency, rollup, region, target_value, target_year,
                note, created_at)
             VALUES ('OLD-1', '旧指标', '家', 'higher', 'year', 'sum', '合肥市', 10, 2025, '', '2024-01-01T00:00:00Z')",
        )
        .unwrap();
    }
    let store = t.open(StoreOptions::default()).unwrap();
    let ind = store.indicator("OLD-1").unwrap().unwrap();
    assert_eq!((ind.other_mentions.len(), ind.target_year_inferred, ind.target_year), (0, false, Some(2025)));
}

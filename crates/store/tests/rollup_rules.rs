//! Roll-up rules per indicator (issue 16, item 1): what `indicators from-targets` chooses for
//! ratios, per-capita figures and counts; the rule set by an analyst and refused to others or
//! when it makes no sense; and a store of the older schema keeping its rules and ids.

use planwatch_monitor::{Frequency, Rollup};
use planwatch_store::monitor::NewIndicator;
use planwatch_store::testing::example;
use planwatch_store::testing::TempStore;
use planwatch_store::{Actor, Role, StoreError, StoreOptions};

fn op() -> Actor {
    Actor::operator("test")
}

#[test]
fn ratio_and_per_capita_targets_are_never_summed_and_counts_are() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let inds = store.indicators(Some(doc), None).unwrap();
    let rule = |part: &str| inds.iter().find(|i| i.name.contains(part)).unwrap_or_else(|| panic!("{part}")).rollup;
    // 每万人口高价值发明专利拥有量 is counted in 件, yet per head: summed before issue 16.
    assert_eq!(rule("每万人口高价值发明专利拥有量"), Rollup::None);
    assert_eq!(rule("研发经费投入强度"), Rollup::None);
    assert_eq!(rule("比重"), Rollup::None);
    assert_eq!(rule("高新技术企业"), Rollup::Sum);
    assert_eq!(rule("技术合同成交额"), Rollup::Sum);
    assert!(inds.iter().all(|i| i.rollup_weight.is_none()));
}

#[test]
fn an_analyst_sets_the_rule_others_are_refused_and_nonsense_writes_nothing() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let add = |code: &str, name: &str, unit: &str, region: &str, rollup: Rollup| {
        let new = NewIndicator {
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            region: region.into(),
            rollup,
            ..Default::default()
        };
        store.add_indicator(&op(), &new)
    };
    add("POP", "常住人口", "万人", "合肥市", Rollup::Sum).unwrap();
    add("POP-CQ", "常住人口", "万人", "重庆市", Rollup::Sum).unwrap();
    add("PC", "每万人口发明专利拥有量", "件", "合肥市", Rollup::None).unwrap();
    // A per-capita indicator cannot be defined as a sum either.
    let err = add("PC2", "人均地区生产总值", "元", "合肥市", Rollup::Sum).unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(m) if m.contains("不能求和")), "{err}");
    assert!(store.indicator("PC2").unwrap().is_none());

    let analyst = Actor { role: Role::Analyst, login: "ana".into(), ..op() };
    let ind = store.set_indicator_rollup(&analyst, "PC", Rollup::WeightedMean, Some("POP")).unwrap();
    assert_eq!((ind.rollup, ind.rollup_weight.as_deref()), (Rollup::WeightedMean, Some("POP")));

    let fingerprint = || planwatch_store::testing::fingerprint(&store).unwrap();
    let before = fingerprint();
    let district = Actor {
        role: Role::DistrictEditor,
        login: "d".into(),
        region: "合肥市".into(),
        place: "蜀山区".into(),
        ..op()
    };
    let refused: Vec<(Actor, Rollup, Option<&str>, &str)> = vec![
        (district, Rollup::Mean, None, ""),
        (analyst.clone(), Rollup::Sum, None, "不能求和"),
        (analyst.clone(), Rollup::WeightedMean, None, "没有给出权重指标"),
        (analyst.clone(), Rollup::WeightedMean, Some("PC"), "自身"),
        (analyst.clone(), Rollup::WeightedMean, Some("POP-CQ"), "同一地区"),
        (analyst.clone(), Rollup::WeightedMean, Some("NOPE"), "不存在"),
        (analyst.clone(), Rollup::Max, Some("POP"), "只有加权平均"),
    ];
    for (actor, rule, weight, says) in refused {
        let err = store.set_indicator_rollup(&actor, "PC", rule, weight).unwrap_err();
        assert!(err.to_string().contains(says), "{rule:?} {weight:?}: {err}");
        assert_eq!(fingerprint(), before, "{rule:?} {weight:?} changed the store");
    }
    let err = store.set_indicator_rollup(&analyst, "NOPE", Rollup::Mean, None).unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)));
    let err = store.set_indicator_rollup(&analyst, "PC", Rollup::WeightedMean, Some(&"W".repeat(65))).unwrap_err();
    assert!(matches!(err, StoreError::TooLong { .. }));
    assert_eq!(fingerprint(), before);
    // Setting the same rule again writes nothing (no audit entry either).
    store.set_indicator_rollup(&analyst, "PC", Rollup::WeightedMean, Some("POP")).unwrap();
    assert_eq!(fingerprint(), before);
}

#[test]
fn an_older_store_keeps_its_rules_and_ids_and_takes_the_new_ones() {
    let t = TempStore::new().unwrap();
    {
        let old = t.open_at_version(6).unwrap();
        old.execute_batch(
            "INSERT INTO indicators (code, name, unit, direction, frequency, rollup, region, note, created_at)
             VALUES ('OLD-1', '研发投入强度', '%', 'higher', 'year', 'mean', '合肥市', '', '2024-01-01T00:00:00Z'),
                    ('OLD-2', '常住人口', '万人', 'higher', 'year', 'sum', '合肥市', '', '2024-01-01T00:00:00Z')",
        )
        .unwrap();
    }
    let store = t.open(StoreOptions::default()).unwrap();
    let old = store.indicator("OLD-1").unwrap().unwrap();
    assert_eq!((old.rollup, old.rollup_weight.as_deref()), (Rollup::Mean, None));
    let set = store.set_indicator_rollup(&op(), "OLD-1", Rollup::WeightedMean, Some("OLD-2")).unwrap();
    assert_eq!((set.id, set.rollup), (old.id, Rollup::WeightedMean));
    let new = NewIndicator { code: "NEW".into(), name: "n".into(), region: "合肥市".into(), ..Default::default() };
    assert!(store.add_indicator(&op(), &new).unwrap().id > store.indicator("OLD-2").unwrap().unwrap().id);
}

//! Editing an indicator (issue 16, item 4): `Store::edit_indicator` changes unit, direction,
//! frequency, roll-up and baseline all or nothing, refuses a unit or frequency change while
//! values of the old one are stored, and audits each kind of change with old and new values.

use planwatch_monitor::{Direction, Frequency, Rollup};
use planwatch_store::monitor::IndicatorEdit;
use planwatch_store::testing::{fingerprint, TempStore};
use planwatch_store::{Actor, AuditFilter, Role, StoreError, StoreOptions};

fn op() -> Actor {
    Actor::operator("test")
}

const PLAN: &str = "重庆市科技创新发展规划(2021—2025年)\n\n一、发展目标\n\n到2025年,全市高新技术企业达到6000家。\n";

fn audits(store: &planwatch_store::Store, action: &str) -> i64 {
    let filter = AuditFilter { action: action.into(), ..Default::default() };
    store.audit_log(&op(), &filter, 100, 0).unwrap().1
}

#[test]
fn an_indicator_is_edited_all_or_nothing_and_audited() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "plan.txt", PLAN.as_bytes().to_vec()).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let ind = store.indicators(Some(doc), None).unwrap().remove(0);
    let code = ind.code.clone();
    let all = IndicatorEdit {
        unit: Some("户".into()),
        direction: Some(Direction::Lower),
        frequency: Some(Frequency::Year),
        rollup: Some((Rollup::Max, None)),
        baseline: Some(Some((3000.0, 2020))),
        increment: Some(true),
    };

    // Refusals write nothing: a district editor; a good unit with a bad baseline year (the
    // unit is not kept either); a unit over its limit.
    let before = fingerprint(&store).unwrap();
    let editor = Actor { role: Role::DistrictEditor, region: "重庆市".into(), place: "渝北区".into(), ..op() };
    assert!(matches!(store.edit_indicator(&editor, &code, &all), Err(StoreError::Forbidden(_))));
    let late = IndicatorEdit { baseline: Some(Some((3000.0, 2025))), ..all.clone() };
    let e = store.edit_indicator(&op(), &code, &late).unwrap_err().to_string();
    assert!(e.contains("基期年份") && e.contains("2025"), "{e}");
    let long = IndicatorEdit { unit: Some("单".repeat(33)), ..Default::default() };
    assert!(matches!(store.edit_indicator(&op(), &code, &long), Err(StoreError::TooLong { .. })));
    assert_eq!(fingerprint(&store).unwrap(), before);

    // All at once: one audit entry per kind of change.
    let after = store.edit_indicator(&op(), &code, &all).unwrap();
    assert_eq!(
        (after.unit.as_str(), after.direction, after.frequency, after.rollup, after.baseline_value, after.increment),
        ("户", Direction::Lower, Frequency::Year, Rollup::Max, Some(3000.0), true)
    );
    assert_eq!(
        (audits(&store, "indicator.edit"), audits(&store, "indicator.rollup"), audits(&store, "indicator.baseline")),
        (1, 1, 1)
    );
    // The same again changes and audits nothing.
    let before = fingerprint(&store).unwrap();
    assert_eq!(store.edit_indicator(&op(), &code, &all).unwrap(), after);
    assert_eq!(fingerprint(&store).unwrap(), before);

    // Values stored (yearly, in 户): the unit stays, a monthly frequency is refused, a yearly
    // one (the same) and the direction may change.
    let csv = format!("指标代码,地区,期别,数值\n{code},重庆市,2022,2400\n");
    store.import_observations("v.csv", csv.as_bytes(), &Default::default(), &op()).unwrap();
    let before = fingerprint(&store).unwrap();
    let unit = IndicatorEdit { unit: Some("万户".into()), ..Default::default() };
    let e = store.edit_indicator(&op(), &code, &unit).unwrap_err().to_string();
    assert!(e.contains("单位 unit") && e.contains("1 个"), "{e}");
    let monthly = IndicatorEdit { frequency: Some(Frequency::Month), ..Default::default() };
    let e = store.edit_indicator(&op(), &code, &monthly).unwrap_err().to_string();
    assert!(e.contains("频率 frequency") && e.contains("2022"), "{e}");
    assert_eq!(fingerprint(&store).unwrap(), before);
    let higher =
        IndicatorEdit { direction: Some(Direction::Higher), frequency: Some(Frequency::Year), ..Default::default() };
    assert_eq!(store.edit_indicator(&op(), &code, &higher).unwrap().direction, Direction::Higher);
    assert_eq!(audits(&store, "indicator.edit"), 2);
}

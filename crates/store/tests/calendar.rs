//! The reporting calendar (issue 16, item 8): deadlines per region and frequency, and where
//! every unit stands for a period — not started, imported, submitted, approved, overdue.

use planwatch_monitor::{Frequency, Period};
use planwatch_store::calendar::{ReportStatus, DEFAULT_DAYS};
use planwatch_store::monitor::ImportOptions;
use planwatch_store::testing::{example, TempStore};
use planwatch_store::users::NewUser;
use planwatch_store::{Actor, ApprovalStep, AuditFilter, Role, StoreOptions};
use time::macros::date;

fn op() -> Actor {
    Actor::operator("test")
}

#[test]
fn completeness_names_every_unit_with_its_step_and_the_overdue_ones() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let ind = store.indicators(Some(doc), None).unwrap();
    let region = ind[0].region.clone();
    let summed = ind.iter().find(|i| i.unit == "家").expect("a summed indicator").code.clone();
    let q = Period::parse("2026Q1").unwrap();
    // 蜀山区 and 包河区 import; 包河区 submits; 瑶海区 imports, submits and is approved.
    let csv = format!(
        "指标代码,地区,期别,数值,单位\n{summed},蜀山区,{q},100,家\n{summed},包河区,{q},120,家\n{summed},瑶海区,{q},90,家\n"
    );
    store
        .import_observations(
            "q1.csv",
            csv.as_bytes(),
            &ImportOptions { dry_run: false, synthetic: false, computed: false },
            &op(),
        )
        .unwrap();
    store.approval_step(&op(), &region, "包河区", q, ApprovalStep::Submit, "").unwrap();
    store.approval_step(&op(), &region, "瑶海区", q, ApprovalStep::Submit, "").unwrap();
    store.approval_step(&op(), &region, "瑶海区", q, ApprovalStep::Approve, "").unwrap();

    // Before the default deadline (季后15日: 2026-04-15).
    let before = store.completeness(&region, q, date!(2026 - 04 - 10)).unwrap();
    assert_eq!(before.deadline, "2026-04-15");
    assert!(!before.rule.explicit && before.rule.days_after == DEFAULT_DAYS);
    assert!(!before.past_deadline);
    let status = |c: &planwatch_store::calendar::Completeness, p: &str| {
        c.units.iter().find(|u| u.place == p).unwrap_or_else(|| panic!("{p} is not listed")).status
    };
    assert_eq!(status(&before, "蜀山区"), ReportStatus::Imported);
    assert_eq!(status(&before, "包河区"), ReportStatus::Submitted);
    assert_eq!(status(&before, "瑶海区"), ReportStatus::Approved);
    assert_eq!(status(&before, "肥东县"), ReportStatus::NotStarted, "a unit without values is listed too");
    let shushan = before.units.iter().find(|u| u.place == "蜀山区").unwrap();
    assert_eq!(shushan.values, 1);
    let quarterly =
        store.indicators(None, Some(&region)).unwrap().iter().filter(|i| i.frequency == Frequency::Quarter).count();
    assert_eq!(shushan.expected, quarterly as i64, "a district fills in every quarterly indicator");
    assert!(!shushan.imported_at.is_empty());
    let yaohai = before.units.iter().find(|u| u.place == "瑶海区").unwrap();
    assert!(!yaohai.submitted_at.is_empty() && !yaohai.reviewed_at.is_empty());

    // After it: whoever has not submitted is overdue, imported or not.
    let after = store.completeness(&region, q, date!(2026 - 04 - 16)).unwrap();
    assert!(after.past_deadline);
    assert_eq!(status(&after, "蜀山区"), ReportStatus::Overdue);
    assert_eq!(status(&after, "肥东县"), ReportStatus::Overdue);
    assert_eq!(status(&after, "包河区"), ReportStatus::Submitted);
    let counts = after.counts();
    let n = |s| counts.iter().find(|(k, _)| *k == s).unwrap().1;
    assert_eq!(n(ReportStatus::Overdue), after.units.len() - 2);

    // An analyst moves the deadline to 季后30日: nobody is overdue on the 16th any more.
    let rule = store.set_deadline_rule(&op(), &region, Frequency::Quarter, 30).unwrap();
    assert!(rule.explicit && rule.label() == "季后30日");
    let later = store.completeness(&region, q, date!(2026 - 04 - 16)).unwrap();
    assert_eq!(later.deadline, "2026-04-30");
    assert_eq!(status(&later, "蜀山区"), ReportStatus::Imported);
    let (audit, _) = store
        .audit_log(&op(), &AuditFilter { action: "calendar.deadline".into(), ..AuditFilter::default() }, 10, 0)
        .unwrap();
    assert_eq!(audit.len(), 1);

    // A district's due list: the quarter it has not submitted, with its deadline.
    let due = store.due_for(&region, "蜀山区", date!(2026 - 04 - 20), 2).unwrap();
    assert!(due.iter().any(|(p, d, _)| *p == q && d == "2026-04-30"), "{due:?}");
    assert!(store.due_for(&region, "瑶海区", date!(2026 - 04 - 20), 1).unwrap().is_empty());
}

#[test]
fn only_analysts_set_deadlines_and_nonsense_is_refused() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let region = store.indicators(Some(doc), None).unwrap()[0].region.clone();
    let user = NewUser {
        login: "shushan".into(),
        display_name: "蜀山区".into(),
        role: Role::DistrictEditor,
        region: region.clone(),
        place: "蜀山区".into(),
        department: String::new(),
        password: "correct-horse-42".into(),
    };
    let district = store.add_user(&op(), &user).unwrap().actor(planwatch_store::Channel::Cli, "");
    let before = planwatch_store::testing::fingerprint(&store).unwrap();
    assert!(store.set_deadline_rule(&district, &region, Frequency::Quarter, 20).is_err());
    assert!(store.set_deadline_rule(&op(), &region, Frequency::Quarter, 400).is_err());
    assert!(store.set_deadline_rule(&op(), "火星市", Frequency::Quarter, 20).is_err());
    assert_eq!(planwatch_store::testing::fingerprint(&store).unwrap(), before, "a refused rule changed the store");
    assert!(planwatch_store::calendar::parse_frequency("季度").is_ok());
    assert!(planwatch_store::calendar::parse_frequency("weekly").is_err());
}

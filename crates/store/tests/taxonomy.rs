//! Issue 18 item 2: an analyst confirms or changes the taxonomy node of a plan's industry; the
//! confirmation is stored (one per item and scheme), read back, audited, and refused to a
//! district editor, for a node of another scheme, an unknown node and an item not in the plan.

use planwatch_store::testing::{analyst, district_editor, example, TempStore};
use planwatch_store::{Actor, AuditFilter, Store, StoreError, StoreOptions, TaxonomyConfirm, TaxonomyItemKind};

fn op() -> Actor {
    Actor::operator("test")
}

fn editor() -> Actor {
    district_editor("绵阳市", "涪城区")
}

fn confirm(item: &str, node: Option<&str>) -> TaxonomyConfirm {
    TaxonomyConfirm {
        scheme: "future".into(),
        item_kind: TaxonomyItemKind::Industry,
        item_name: item.into(),
        node: node.map(str::to_string),
        note: "核对".into(),
    }
}

fn audit(store: &Store) -> Vec<planwatch_store::AuditRecord> {
    let f = AuditFilter { action: "taxonomy.confirm".into(), ..Default::default() };
    store.audit_log(&op(), &f, 100, 0).unwrap().0
}

#[test]
fn an_analyst_confirms_then_changes_a_mapping_and_both_are_audited() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let plan =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    assert!(store.taxonomy_confirmations(plan).unwrap().is_empty());

    let id = store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", Some("fut.mfg.humanoid"))).unwrap();
    let got = store.taxonomy_confirmations(plan).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].id, got[0].item_name.as_str(), got[0].node(), got[0].author.as_str()),
        (id, "具身智能", Some("fut.mfg.humanoid"), "analyst")
    );
    assert_eq!(got[0].taxonomy_version, store.taxonomy().version());

    // A change replaces it: still one row, now "no node".
    store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", None)).unwrap();
    let got = store.taxonomy_confirmations(plan).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].node(), None);
    assert_eq!(got[0].node_id, "none");
    assert_eq!(store.all_taxonomy_confirmations().unwrap().len(), 1);

    let entries = audit(&store);
    assert_eq!(entries.len(), 2, "{entries:?}");
    let last = entries.iter().max_by_key(|e| e.id).unwrap();
    assert_eq!(last.who, "analyst");
    assert!(last.object.contains("具身智能"), "{}", last.object);
    assert!(last.old_value.as_deref().unwrap_or_default().contains("fut.mfg.humanoid"), "{last:?}");
    assert!(last.new_value.as_deref().unwrap_or_default().contains("none"), "{last:?}");
}

#[test]
fn a_district_editor_and_bad_requests_are_refused_and_nothing_is_stored() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let plan =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let err = store.confirm_taxonomy(&editor(), plan, &confirm("具身智能", Some("fut.mfg.humanoid"))).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    // A node of another scheme, an unknown node, an unknown scheme, an item not in the plan,
    // an over-long name.
    let err = store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", Some("sei.2.1"))).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)) && err.to_string().contains("sei2018"), "{err}");
    let err = store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", Some("fut.nope"))).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = store
        .confirm_taxonomy(&analyst(), plan, &TaxonomyConfirm { scheme: "nope".into(), ..confirm("具身智能", None) })
        .unwrap_err();
    assert!(err.to_string().contains("future"), "{err}");
    let err = store.confirm_taxonomy(&analyst(), plan, &confirm("<script>不存在</script>", None)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let err = store.confirm_taxonomy(&analyst(), plan, &confirm(&"长".repeat(201), None)).unwrap_err();
    assert!(matches!(err, StoreError::TooLong { .. }), "{err}");
    let err = store.confirm_taxonomy(&analyst(), 9999, &confirm("具身智能", None)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert!(store.taxonomy_confirmations(plan).unwrap().is_empty());
    assert!(audit(&store).is_empty());
}

fn withdrawals(store: &Store) -> Vec<planwatch_store::AuditRecord> {
    let f = AuditFilter { action: "taxonomy.withdraw".into(), ..Default::default() };
    store.audit_log(&op(), &f, 100, 0).unwrap().0
}

#[test]
fn an_analyst_withdraws_a_confirmation_audited_with_the_old_value() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let plan =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", Some("fut.info.ai"))).unwrap();

    let old = store
        .withdraw_taxonomy_confirmation(&analyst(), plan, "future", TaxonomyItemKind::Industry, " 具身智能 ")
        .unwrap();
    assert_eq!((old.node(), old.note.as_str()), (Some("fut.info.ai"), "核对"));
    assert!(store.taxonomy_confirmations(plan).unwrap().is_empty(), "the row is gone");
    let log = withdrawals(&store);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].who, "analyst");
    assert!(log[0].object.contains("具身智能"), "{}", log[0].object);
    let old_value = log[0].old_value.as_deref().unwrap_or_default();
    assert!(old_value.contains("fut.info.ai") && old_value.contains("核对"), "{old_value}");
    // The confirmation's own audit entry is still there.
    assert_eq!(audit(&store).len(), 1);

    // Withdrawn twice: the second is refused, naming that the item is automatic already.
    let err = store
        .withdraw_taxonomy_confirmation(&analyst(), plan, "future", TaxonomyItemKind::Industry, "具身智能")
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)) && err.to_string().contains("已是自动归类"), "{err}");
    assert_eq!(withdrawals(&store).len(), 1);
}

#[test]
fn withdrawal_is_refused_to_a_district_editor_and_for_bad_requests_leaving_the_confirmation() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let plan =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    store.confirm_taxonomy(&analyst(), plan, &confirm("具身智能", Some("fut.info.ai"))).unwrap();
    let w = |actor: &Actor, plan: i64, scheme: &str, kind: TaxonomyItemKind, item: &str| {
        store.withdraw_taxonomy_confirmation(actor, plan, scheme, kind, item).unwrap_err()
    };
    let err = w(&editor(), plan, "future", TaxonomyItemKind::Industry, "具身智能");
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    // Another scheme than the confirmed one: named in the refusal.
    let err = w(&analyst(), plan, "sei2018", TaxonomyItemKind::Industry, "具身智能");
    assert!(matches!(err, StoreError::NotFound(_)) && err.to_string().contains("future"), "{err}");
    let err = w(&analyst(), plan, "future", TaxonomyItemKind::Segment, "具身智能");
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let err = w(&analyst(), 9999, "future", TaxonomyItemKind::Industry, "具身智能");
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let err = w(&analyst(), plan, "future", TaxonomyItemKind::Industry, &"长".repeat(201));
    assert!(matches!(err, StoreError::TooLong { .. }), "{err}");
    let err = w(&analyst(), plan, &"s".repeat(65), TaxonomyItemKind::Industry, "具身智能");
    assert!(matches!(err, StoreError::TooLong { .. }), "{err}");
    let err = w(&analyst(), plan, "future", TaxonomyItemKind::Industry, "  ");
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.taxonomy_confirmations(plan).unwrap().len(), 1, "still confirmed");
    assert!(withdrawals(&store).is_empty());
}

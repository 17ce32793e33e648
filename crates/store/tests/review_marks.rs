//! Issue 18 item 3: a reviewer marks a finding of a conformity review accepted or explained;
//! the mark is stored (one per draft, master and finding), read back, replaced, audited with the
//! old and new value, and refused to a district editor, without a note for an explanation, for
//! a malformed finding id, an unknown plan, the same plan twice and an overlong note — each
//! refusal leaving nothing behind. Runs on PostgreSQL too (PLANWATCH_TEST_PG).

use planwatch_store::testing::{analyst, district_editor, example, TempStore};
use planwatch_store::{Actor, AuditFilter, ReviewMarkState, Store, StoreError, StoreOptions};

fn op() -> Actor {
    Actor::operator("test")
}

fn editor() -> Actor {
    district_editor("绵阳市", "涪城区")
}

fn audit(store: &Store) -> Vec<planwatch_store::AuditRecord> {
    let f = AuditFilter { action: "review.mark".into(), ..Default::default() };
    store.audit_log(&op(), &f, 100, 0).unwrap().0
}

const ID: &str = "tg-0123456789ab";

#[test]
fn a_reviewer_marks_a_finding_and_changes_the_mark_audited() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let draft = store.ingest_bytes(&op(), "m.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let master = store.ingest_bytes(&op(), "h.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    assert!(store.review_marks(draft, master).unwrap().is_empty());

    store.mark_review_finding(&analyst(), draft, master, ID, ReviewMarkState::Accepted, "").unwrap();
    let got = store.review_marks(draft, master).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].finding_id.as_str(), got[0].state, got[0].author.as_str()),
        (ID, ReviewMarkState::Accepted, "analyst")
    );
    // The other direction is another review: no marks there.
    assert!(store.review_marks(master, draft).unwrap().is_empty());

    store
        .mark_review_finding(&analyst(), draft, master, ID, ReviewMarkState::Explained, "口径不同,按新统计口径")
        .unwrap();
    let got = store.review_marks(draft, master).unwrap();
    assert_eq!(got.len(), 1, "a change replaces the mark");
    assert_eq!((got[0].state, got[0].note.as_str()), (ReviewMarkState::Explained, "口径不同,按新统计口径"));

    let log = audit(&store);
    assert_eq!(log.len(), 2);
    let newest = &log[0];
    assert!(newest.object.contains(ID), "{}", newest.object);
    assert!(newest.old_value.as_deref().unwrap_or_default().contains("accepted"), "{newest:?}");
    assert!(newest.new_value.as_deref().unwrap_or_default().contains("explained"), "{newest:?}");
}

#[test]
fn refusals_leave_nothing() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let draft = store.ingest_bytes(&op(), "m.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let master = store.ingest_bytes(&op(), "h.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let long = "说".repeat(2001);
    let cases: Vec<(Actor, i64, i64, &str, ReviewMarkState, &str)> = vec![
        (editor(), draft, master, ID, ReviewMarkState::Accepted, ""),
        (analyst(), draft, master, ID, ReviewMarkState::Explained, "  "),
        (analyst(), draft, master, "tg-XYZ", ReviewMarkState::Accepted, ""),
        (analyst(), draft, master, "xx-0123456789ab", ReviewMarkState::Accepted, ""),
        (analyst(), draft, master, "tg-0123456789ab0", ReviewMarkState::Accepted, ""),
        (analyst(), draft, 424242, ID, ReviewMarkState::Accepted, ""),
        (analyst(), draft, draft, ID, ReviewMarkState::Accepted, ""),
        (analyst(), draft, master, ID, ReviewMarkState::Explained, long.as_str()),
    ];
    for (actor, d, m, id, state, note) in cases {
        let e = store.mark_review_finding(&actor, d, m, id, state, note).unwrap_err();
        match e {
            StoreError::Forbidden(_)
            | StoreError::Invalid(_)
            | StoreError::NotFound(_)
            | StoreError::TooLong { .. } => {}
            other => panic!("{id} {note:?}: unexpected {other:?}"),
        }
    }
    assert!(store.review_marks(draft, master).unwrap().is_empty());
    assert!(audit(&store).is_empty());
}

#[test]
fn a_reviewer_clears_a_mark_audited_and_a_district_editor_cannot() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let draft = store.ingest_bytes(&op(), "m.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let master = store.ingest_bytes(&op(), "h.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.mark_review_finding(&analyst(), draft, master, ID, ReviewMarkState::Explained, "口径不同").unwrap();

    let err = store.clear_review_mark(&editor(), draft, master, ID).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let err = store.clear_review_mark(&analyst(), draft, master, "tg-XYZ").unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let err = store.clear_review_mark(&analyst(), draft, 424242, ID).unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert_eq!(store.review_marks(draft, master).unwrap().len(), 1, "refusals leave the mark");

    let old = store.clear_review_mark(&analyst(), draft, master, ID).unwrap().expect("it had a mark");
    assert_eq!((old.state, old.note.as_str()), (ReviewMarkState::Explained, "口径不同"));
    assert!(store.review_marks(draft, master).unwrap().is_empty());
    let f = AuditFilter { action: "review.unmark".into(), ..Default::default() };
    let log = store.audit_log(&op(), &f, 10, 0).unwrap().0;
    assert_eq!(log.len(), 1);
    assert!(log[0].old_value.as_deref().unwrap_or_default().contains("口径不同"), "{:?}", log[0]);
    // Clearing an open finding changes nothing and writes no audit entry.
    assert_eq!(store.clear_review_mark(&analyst(), draft, master, ID).unwrap(), None);
    assert_eq!(store.audit_log(&op(), &f, 10, 0).unwrap().0.len(), 1);
}

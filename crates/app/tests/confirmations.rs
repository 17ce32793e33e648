//! Analysts' taxonomy confirmations and reviewers' marks through the application layer (issue
//! 18): a confirmation changes every view that places industries (the plan's mapping, the tree,
//! the review, the comparison), and its withdrawal gives every one of them the automatic
//! mapping back exactly; a mark is set, cleared (`open`) and refused for an unknown finding id
//! with a message naming the id and where the ids are listed.

use planwatch_app::review::{self, MarkChoice};
use planwatch_app::taxonomy::{self as tx, Source};
use planwatch_store::testing::{analyst, district_editor, example, TempStore};
use planwatch_store::{Actor, Store, StoreError, StoreOptions, TaxonomyConfirm, TaxonomyItemKind};

fn req(scheme: &str, node: Option<&str>) -> TaxonomyConfirm {
    TaxonomyConfirm {
        scheme: scheme.into(),
        item_kind: TaxonomyItemKind::Industry,
        item_name: "具身智能".into(),
        node: node.map(str::to_string),
        note: "核对".into(),
    }
}

fn op() -> Actor {
    Actor::operator("test")
}

fn plans(store: &Store) -> (i64, i64, i64) {
    let m = store.ingest_bytes(&op(), "m.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let h = store.ingest_bytes(&op(), "h.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let s = store.ingest_bytes(&op(), "s.docx", example("suzhou-emerging-industries.docx")).unwrap().document_id();
    (m, h, s)
}

/// Every view that places a plan's industries, as JSON: the plan's mapping, the tree's counts,
/// the review's findings and the comparison.
fn views(store: &Store, draft: i64, master: i64, other: i64) -> [serde_json::Value; 4] {
    let mapping = serde_json::to_value(tx::plan_taxonomy(store, draft).unwrap()).unwrap();
    let tree = serde_json::to_value(tx::tree(store).unwrap()).unwrap();
    let findings = serde_json::to_value(&review::review(store, draft, master).unwrap().findings).unwrap();
    let comparison =
        serde_json::to_value(&review::compare(store, &[draft, master, other]).unwrap().comparison).unwrap();
    [mapping, tree, findings, comparison]
}

#[test]
fn a_withdrawn_confirmation_gives_every_view_the_automatic_mapping_back() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let (draft, master, other) = plans(&store);
    let before = views(&store, draft, master, other);
    let item = |store: &Store| {
        let m = tx::plan_taxonomy(store, draft).unwrap();
        let future = m.schemes.iter().find(|s| s.scheme.id == "future").unwrap();
        future.mapped.iter().chain(&future.unmapped).find(|i| i.name == "具身智能").unwrap().clone()
    };
    let auto = item(&store);
    assert_eq!(auto.node.as_ref().map(|n| n.id.as_str()), Some("fut.mfg.humanoid"));
    assert_eq!(auto.source, Some(Source::Synonym));

    // Confirmed as no node of the future-industry scheme (scheme named: "none" needs it).
    let err = tx::confirm(&store, &analyst(), draft, &req("", None)).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)) && err.to_string().contains("future"), "{err}");
    tx::confirm(&store, &analyst(), draft, &req("future", None)).unwrap();
    let confirmed = views(&store, draft, master, other);
    let i = item(&store);
    assert!(i.node.is_none() && i.is_confirmed(), "{i:?}");
    for (k, name) in ["mapping", "tree", "review", "comparison"].iter().enumerate() {
        assert_ne!(confirmed[k], before[k], "the confirmation shows in the {name}");
    }

    // A district editor cannot withdraw it: every view keeps the confirmation.
    let err =
        tx::withdraw(&store, &district_editor("绵阳市", "涪城区"), draft, None, TaxonomyItemKind::Industry, "具身智能")
            .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert_eq!(views(&store, draft, master, other), confirmed);

    // Withdrawn (its only scheme found without naming it): every view is as before.
    let old = tx::withdraw(&store, &analyst(), draft, None, TaxonomyItemKind::Industry, "具身智能").unwrap();
    assert_eq!((old.scheme.as_str(), old.node()), ("future", None));
    assert_eq!(item(&store), auto);
    let after = views(&store, draft, master, other);
    for (k, name) in ["mapping", "tree", "review", "comparison"].iter().enumerate() {
        assert_eq!(after[k], before[k], "the {name} is automatic again");
    }
    let err = tx::withdraw(&store, &analyst(), draft, None, TaxonomyItemKind::Industry, "具身智能").unwrap_err();
    assert!(err.to_string().contains("已是自动归类"), "{err}");

    // Confirmed in two schemes: withdrawing without a scheme asks which.
    tx::confirm(&store, &analyst(), draft, &req("", Some("fut.info.ai"))).unwrap();
    tx::confirm(&store, &analyst(), draft, &req("sei2018", None)).unwrap();
    let err = tx::withdraw(&store, &analyst(), draft, None, TaxonomyItemKind::Industry, "具身智能").unwrap_err();
    assert!(err.to_string().contains("future") && err.to_string().contains("sei2018"), "{err}");
    tx::withdraw(&store, &analyst(), draft, Some("sei2018"), TaxonomyItemKind::Industry, "具身智能").unwrap();
    assert_eq!(store.taxonomy_confirmations(draft).unwrap().len(), 1);
}

#[test]
fn a_mark_is_set_and_cleared_and_an_unknown_finding_id_is_refused_naming_where_ids_are_listed() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let (draft, master, _) = plans(&store);
    let id = review::review(&store, draft, master).unwrap().findings[0].finding.id.clone();

    let out = review::set_mark(&store, &analyst(), draft, master, &id, MarkChoice::Explained, "口径不同").unwrap();
    assert_eq!(out.mark.as_ref().map(|k| k.note.as_str()), Some("口径不同"));
    assert!(out.previous.is_none());
    let v = review::review(&store, draft, master).unwrap();
    assert!(v.findings.iter().any(|f| f.finding.id == id && f.mark.is_some()));

    // A district editor cannot clear it.
    let err = review::set_mark(&store, &district_editor("绵阳市", "涪城区"), draft, master, &id, MarkChoice::Open, "")
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    // open takes no note.
    let err = review::set_mark(&store, &analyst(), draft, master, &id, MarkChoice::Open, "x").unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert_eq!(store.review_marks(draft, master).unwrap().len(), 1);

    let out = review::set_mark(&store, &analyst(), draft, master, &id, MarkChoice::Open, "").unwrap();
    assert!(out.mark.is_none() && out.previous.is_some());
    assert!(store.review_marks(draft, master).unwrap().is_empty());
    // Open again: nothing to clear, no error.
    assert!(review::set_mark(&store, &analyst(), draft, master, &id, MarkChoice::Open, "").unwrap().previous.is_none());

    for choice in [MarkChoice::Accepted, MarkChoice::Open] {
        let err = review::set_mark(&store, &analyst(), draft, master, "tg-000000000000", choice, "").unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, StoreError::NotFound(_)), "{msg}");
        assert!(msg.contains("tg-000000000000"), "names the id: {msg}");
        assert!(msg.contains(&format!("planwatch review {draft} --against {master}")), "says how to list: {msg}");
    }
    let err = review::set_mark(&store, &analyst(), draft, master, &id, MarkChoice::Explained, &"长".repeat(2001))
        .unwrap_err();
    assert!(matches!(err, StoreError::TooLong { .. }), "{err}");
    // A stale mark (its finding left the review after an edit) is listed apart and can be cleared.
    let stale = "dr-0123456789ab";
    assert!(review::review(&store, draft, master).unwrap().findings.iter().all(|f| f.finding.id != stale));
    store
        .mark_review_finding(&analyst(), draft, master, stale, planwatch_store::ReviewMarkState::Accepted, "")
        .unwrap();
    assert_eq!(review::review(&store, draft, master).unwrap().stale_marks.len(), 1);
    let out = review::set_mark(&store, &analyst(), draft, master, stale, MarkChoice::Open, "").unwrap();
    assert!(out.previous.is_some());
    assert!(review::review(&store, draft, master).unwrap().stale_marks.is_empty());
    assert!(MarkChoice::parse("maybe").is_err());
    assert_eq!(MarkChoice::parse(" open ").unwrap(), MarkChoice::Open);
    assert!(store.review_marks(draft, master).unwrap().is_empty());
}

//! The store end to end: ingest, versions, corrections, concurrency.

use std::sync::Arc;

use planwatch_store::testing::example;
use planwatch_store::testing::TempStore;
use planwatch_store::{
    CorrectionRequest, IngestOutcome, ItemKind, ItemState, PlanOrder, RegionFilter, Store, StoreOptions,
};

fn open(t: &TempStore) -> Store {
    t.open(StoreOptions::default()).expect("open store")
}

#[test]
fn ingest_is_idempotent_and_versions_changed_bytes() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let bytes = example("hefei-sci-tech-plan.html");
    let first = store.ingest_bytes(&op(), "hefei.html", bytes.clone()).unwrap();
    let IngestOutcome::New { document_id, version_id } = first else { panic!("{first:?}") };
    let gen = store.generation().unwrap();
    // Same bytes (even under another name): nothing changes.
    let again = store.ingest_bytes(&op(), "copy.html", bytes.clone()).unwrap();
    assert_eq!(again, IngestOutcome::Unchanged { document_id, version_id });
    assert_eq!(store.generation().unwrap(), gen);
    assert_eq!(store.count_plans().unwrap(), 1);
    // Changed bytes of the same plan: a new version, the old one kept.
    let mut changed = String::from_utf8(bytes).unwrap();
    changed = changed.replacen("</body>", "<p>附件:修订说明。</p></body>", 1);
    let v2 = store.ingest_bytes(&op(), "hefei.html", changed.into_bytes()).unwrap();
    match v2 {
        IngestOutcome::NewVersion { document_id: d, seq, .. } => {
            assert_eq!(d, document_id);
            assert_eq!(seq, 2);
        }
        other => panic!("expected a new version, got {other:?}"),
    }
    let versions = store.versions(document_id).unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[0].current && !versions[1].current);
    // The original bytes of the first version are still there.
    let (_, orig) = store.original(version_id).unwrap();
    assert_eq!(orig, example("hefei-sci-tech-plan.html"));
    assert!(store.generation().unwrap() > gen);
}

#[test]
fn a_failed_ingest_stores_nothing() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let err = store.ingest_bytes(&op(), "scan.pdf", b"%PDF-1.7\n...".to_vec()).unwrap_err();
    assert!(err.to_string().contains("scan.pdf"), "{err}");
    assert_eq!(store.count_plans().unwrap(), 0);
    assert_eq!(store.generation().unwrap(), 0);
}

#[test]
fn corrections_apply_and_survive_reingest_and_new_versions() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let bytes = example("mianyang-future-industries.txt");
    let id = store.ingest_bytes(&op(), "mianyang.txt", bytes.clone()).unwrap().document_id();
    let view = store.plan_view(id).unwrap();
    assert!(!view.effective.plan.targets.is_empty());
    let key = view.effective.refs.targets[0].key.clone();
    let mut item = serde_json::to_value(&view.effective.plan.targets[0]).unwrap();
    item["value"] = serde_json::json!(12345.0);
    store.correct(&op(), id, ItemKind::Target, CorrectionRequest::Edit { key: key.clone(), item }, "").unwrap();
    let check = |store: &Store| {
        let v = store.plan_view(id).unwrap();
        let (i, state) = v.effective.find(ItemKind::Target, &key).expect("item still there");
        assert!(matches!(state, ItemState::Edited(_)));
        assert_eq!(v.effective.plan.targets[i].value, 12345.0);
        assert_eq!(v.summary.n_corrected, 1);
    };
    check(&store);
    // Re-ingesting the same bytes leaves the correction in place.
    store.ingest_bytes(&op(), "mianyang.txt", bytes.clone()).unwrap();
    check(&store);
    // A new version of the file: the correction is re-applied to the matching target.
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    let changed = format!("{text}\n附件:起草说明。\n");
    let (enc, _, _) = encoding_rs::GB18030.encode(&changed);
    let out = store.ingest_bytes(&op(), "mianyang.txt", enc.into_owned()).unwrap();
    assert!(matches!(out, IngestOutcome::NewVersion { unmatched_corrections: 0, .. }), "{out:?}");
    check(&store);
    // Deleting and adding.
    let v = store.plan_view(id).unwrap();
    let task_key = v.effective.refs.tasks[0].key.clone();
    store.correct(&op(), id, ItemKind::Task, CorrectionRequest::Delete { key: task_key }, "").unwrap();
    let added = serde_json::json!({"path": "", "title": "新增任务", "lead": ["市科技局"], "responsible": [], "text": "新增任务", "span": [0, 0]});
    store.correct(&op(), id, ItemKind::Task, CorrectionRequest::Add { item: added }, "").unwrap();
    let v2 = store.plan_view(id).unwrap();
    assert_eq!(v2.effective.plan.tasks.len(), v.effective.plan.tasks.len());
    assert_eq!(v2.effective.deleted.len(), 1);
    let last = v2.effective.plan.tasks.last().unwrap();
    assert_eq!(last.title, "新增任务");
    assert_eq!(last.owners[0].canonical, "市科技局");
    assert_eq!(v2.summary.n_corrected, 3);
    // The department index sees the added task.
    let tasks = store.owner_tasks("市科技局", RegionFilter::All).unwrap();
    assert!(tasks.iter().any(|t| t.task == "新增任务" && t.corrected));
    // Invalid items are refused and change nothing.
    let bad = serde_json::json!({"value": "not a number"});
    assert!(store.correct(&op(), id, ItemKind::Target, CorrectionRequest::Add { item: bad }, "").is_err());
    assert_eq!(store.plan_view(id).unwrap().summary.n_corrected, 3);
}

/// Issue 15: a re-extraction of stored plans by a newer extractor (`planwatch reextract`, and
/// the server at start) keeps every analyst correction: edits, deletions and additions.
#[test]
fn a_reextraction_keeps_every_correction() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let id =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    let v = store.plan_view(id).unwrap();
    let target_key = v.effective.refs.targets[0].key.clone();
    let mut item = serde_json::to_value(&v.effective.plan.targets[0]).unwrap();
    item["value"] = serde_json::json!(777.0);
    store.correct(&op(), id, ItemKind::Target, CorrectionRequest::Edit { key: target_key.clone(), item }, "").unwrap();
    let task_key = v.effective.refs.tasks[0].key.clone();
    store.correct(&op(), id, ItemKind::Task, CorrectionRequest::Delete { key: task_key }, "").unwrap();
    let added = serde_json::json!({"path": "", "title": "新增任务", "lead": ["市科技局"], "responsible": [], "text": "新增任务", "span": [0, 0]});
    store.correct(&op(), id, ItemKind::Task, CorrectionRequest::Add { item: added }, "").unwrap();
    let before = store.plan_view(id).unwrap();
    assert_eq!(before.summary.n_corrected, 3);
    // Nothing is stale yet; then the stored plan is marked as made by an older extractor.
    assert_eq!(store.reextract_stale(|_, _| {}).unwrap(), 0);
    planwatch_store::testing::execute_raw(store.location(), "UPDATE versions SET extractor = '0.0.0+old'").unwrap();
    assert_eq!(store.reextract_stale(|_, _| {}).unwrap(), 1);
    let after = store.plan_view(id).unwrap();
    assert_eq!(after.summary.n_corrected, 3);
    let (i, state) = after.effective.find(ItemKind::Target, &target_key).expect("the edited target is still there");
    assert!(matches!(state, ItemState::Edited(_)));
    assert_eq!(after.effective.plan.targets[i].value, 777.0);
    assert_eq!(after.effective.deleted.len(), 1);
    assert_eq!(after.effective.plan.tasks.len(), before.effective.plan.tasks.len());
    assert!(after.effective.plan.tasks.iter().any(|t| t.title == "新增任务"));
    assert!(store
        .owner_tasks("市科技局", RegionFilter::All)
        .unwrap()
        .iter()
        .any(|t| t.task == "新增任务" && t.corrected));
    // And it is done once: the versions now carry this extractor's version.
    assert_eq!(store.reextract_stale(|_, _| {}).unwrap(), 0);
}

/// Issue 14: deleting or editing an item key that does not exist (an added item that never
/// was, a machine item already deleted, a key of nothing) is NotFound, and neither the store
/// nor the audit log changes.
#[test]
fn corrections_of_keys_that_do_not_exist_are_not_found_and_write_nothing() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let id = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let v = store.plan_view(id).unwrap();
    let task_key = v.effective.refs.tasks[0].key.clone();
    let task = serde_json::to_value(&v.effective.plan.tasks[0]).unwrap();
    store.correct(&op(), id, ItemKind::Task, CorrectionRequest::Delete { key: task_key.clone() }, "").unwrap();
    let before = planwatch_store::testing::fingerprint(&store).unwrap();
    let audit = store.audit_count().unwrap();
    let requests = [
        CorrectionRequest::Delete { key: "added:99999".into() },
        CorrectionRequest::Delete { key: "没有这个任务#1".into() },
        CorrectionRequest::Delete { key: task_key.clone() },
        CorrectionRequest::Edit { key: "added:99999".into(), item: task.clone() },
        CorrectionRequest::Edit { key: "没有这个任务#1".into(), item: task.clone() },
        CorrectionRequest::Edit { key: task_key.clone(), item: task.clone() },
    ];
    for req in requests {
        let what = format!("{req:?}");
        let err = store.correct(&op(), id, ItemKind::Task, req, "").unwrap_err();
        assert!(matches!(err, planwatch_store::StoreError::NotFound(_)), "{what}: {err}");
    }
    assert_eq!(
        planwatch_store::testing::fingerprint(&store).unwrap(),
        before,
        "a refused correction changed the store"
    );
    assert_eq!(store.audit_count().unwrap(), audit, "a refused correction was audited");
}

#[test]
fn corrections_of_vanished_items_are_listed_for_review() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    let html = String::from_utf8(example("hefei-sci-tech-plan.html")).unwrap();
    let id = store.ingest_bytes(&op(), "hefei.html", html.clone().into_bytes()).unwrap().document_id();
    let v = store.plan_view(id).unwrap();
    let t = &v.effective.plan.targets[0];
    let key = v.effective.refs.targets[0].key.clone();
    let mut item = serde_json::to_value(t).unwrap();
    item["unit"] = serde_json::json!("个");
    store.correct(&op(), id, ItemKind::Target, CorrectionRequest::Edit { key, item }, "").unwrap();
    // The next version renames the indicator everywhere: the corrected item is gone.
    let changed = html.replace(&t.indicator, "另一项指标");
    assert_ne!(changed, html);
    let out = store.ingest_bytes(&op(), "hefei.html", changed.into_bytes()).unwrap();
    assert!(matches!(out, IngestOutcome::NewVersion { unmatched_corrections: 1, .. }), "{out:?}");
    let v2 = store.plan_view(id).unwrap();
    assert_eq!(v2.effective.unmatched.len(), 1);
    assert_eq!(v2.summary.n_unmatched, 1);
}

#[test]
fn lists_departments_places_and_industries() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    for f in ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"] {
        store.ingest_bytes(&op(), f, example(f)).unwrap();
    }
    let plans = store.list_plans(PlanOrder::Title).unwrap();
    assert_eq!(plans.len(), 3);
    assert!(plans.iter().all(|p| p.n_tasks > 0));
    let owners = store.owners(RegionFilter::All).unwrap();
    assert!(!owners.is_empty());
    let top = &owners[0];
    assert_eq!(
        store.owner_tasks(&top.owner, RegionFilter::Only(&top.region)).unwrap().len() as i64,
        top.n_lead + top.n_responsible
    );
    let m = store.industry_matrix(50, RegionFilter::All).unwrap();
    assert_eq!(m.plans.len(), 3);
    assert!(!m.cells.is_empty());
    assert!(!store.places(RegionFilter::All).unwrap().is_empty());
}

#[test]
fn concurrent_ingests_and_reads_neither_corrupt_nor_block() {
    let dir = TempStore::new().unwrap();
    let store = Arc::new(open(&dir));
    let base = String::from_utf8(example("hefei-sci-tech-plan.html")).unwrap();
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let store = store.clone();
            let base = base.clone();
            std::thread::spawn(move || {
                for i in 0..8 {
                    // Distinct titles: each is its own document.
                    let names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"];
                    let html = base.replace("合肥市科技创新", &format!("合肥市{}{}科技创新", names[w], names[i]));
                    store.ingest_bytes(&op(), &format!("w{w}-{i}.html"), html.into_bytes()).expect("ingest");
                }
            })
        })
        .collect();
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut seen = 0;
                for _ in 0..200 {
                    let plans = store.list_plans(PlanOrder::Updated).expect("list");
                    for p in plans.iter().take(3) {
                        let v = store.plan_view(p.id).expect("view");
                        assert_eq!(v.summary.n_targets as usize, v.effective.plan.targets.len());
                    }
                    seen = seen.max(plans.len());
                }
                seen
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(store.count_plans().unwrap(), 24);
    let check = store.check().unwrap();
    assert!(check.is_ok(), "{:?}", check.problems);
    assert_eq!(check.documents, 24);
}

/// The operator at the command line: admin rights.
fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

/// PostgreSQL only: when the server drops the store's connections (a restart), calls fail
/// with a clear "unavailable" error at most once and then work again, with nothing lost.
#[test]
fn a_dropped_server_connection_is_reported_then_recovered() {
    let dir = TempStore::new().unwrap();
    let store = open(&dir);
    store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap();
    assert_eq!(store.count_plans().unwrap(), 1);
    match dir.drop_connections().unwrap() {
        None => return, // SQLite has no server connection to lose.
        Some(ended) => assert!(ended >= 2, "the writer and a reader were connected, {ended} ended"),
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let retry = |what: &str, mut f: Box<dyn FnMut() -> planwatch_store::Result<()> + '_>| {
        for attempt in 0..2 {
            match f() {
                Ok(()) => return,
                Err(planwatch_store::StoreError::Unavailable(m)) if attempt == 0 => {
                    assert!(m.contains("closed") || m.contains("connection"), "{what}: {m}");
                }
                Err(e) => panic!("{what}: {e}"),
            }
        }
        panic!("{what} did not recover");
    };
    retry("read", Box::new(|| store.count_plans().map(|n| assert_eq!(n, 1))));
    retry(
        "write",
        Box::new(|| store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).map(|_| ())),
    );
    assert_eq!(store.count_plans().unwrap(), 2);
    assert!(store.check().unwrap().is_ok());
}

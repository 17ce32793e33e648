//! Backup while others write, restore into a live store, and integrity checks.

use std::sync::Arc;

use planwatch_monitor::Frequency;
use planwatch_store::maintenance::check_file;
use planwatch_store::monitor::ImportOptions;
use planwatch_store::testing::example;
use planwatch_store::{Store, StoreOptions};

fn filled(dir: &std::path::Path) -> (Arc<Store>, String) {
    let store = Arc::new(Store::open(&dir.join("pw.db"), StoreOptions::default()).unwrap());
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let code = store.indicators(Some(doc), None).unwrap().into_iter().find(|i| i.unit == "家").unwrap().code;
    (store, code)
}

fn import(store: &Store, code: &str, n: usize) {
    let csv = format!("指标代码,地区,期别,数值\n{code},蜀山区,{}Q{},{}\n", 2000 + n / 4, n % 4 + 1, n);
    store.import_observations(&format!("f{n}.csv"), csv.as_bytes(), &ImportOptions::default(), &op()).unwrap();
}

#[test]
fn a_backup_taken_during_writes_is_consistent_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let (store, code) = filled(dir.path());
    for n in 0..20 {
        import(&store, &code, n);
    }
    // A writer goes on importing while backups are taken.
    let writer = {
        let store = store.clone();
        let code = code.clone();
        std::thread::spawn(move || {
            for n in 20..120 {
                import(&store, &code, n);
            }
        })
    };
    let mut backups = Vec::new();
    for k in 0..5 {
        let out = dir.path().join(format!("b{k}.db"));
        let size = store.backup(&out).unwrap();
        assert!(size > 0);
        backups.push(out);
    }
    writer.join().unwrap();
    for b in &backups {
        let report = check_file(b).unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
        // Every import row of the snapshot has exactly its one observation: no half import.
        assert_eq!(report.imports, report.observations, "{b:?}");
        assert!(report.observations >= 20);
    }
    // A backup file is never overwritten.
    assert!(store.backup(&backups[0]).is_err());

    // Restore the first backup into the live store: its content comes back, and the
    // generation moves forward (caches and the search index cannot mistake it for the old).
    let before_gen = store.generation().unwrap();
    let before_obs = store.check().unwrap().observations;
    let expected = check_file(&backups[0]).unwrap().observations;
    store.restore(&op(), &backups[0]).unwrap();
    let now = store.check().unwrap();
    assert!(now.is_ok(), "{:?}", now.problems);
    assert_eq!(now.observations, expected);
    assert!(expected < before_obs);
    assert!(store.generation().unwrap() > before_gen);
    // The restored store works: more imports go in.
    import(&store, &code, 121);
    assert_eq!(store.check().unwrap().observations, expected + 1);
}

#[test]
fn damaged_or_foreign_files_are_refused_and_leave_the_store_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, code) = filled(dir.path());
    import(&store, &code, 1);
    let n = store.check().unwrap();
    // Not a database.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not sqlite at all, just text").unwrap();
    let err = store.restore(&op(), &junk).unwrap_err().to_string();
    assert!(err.contains("junk.db"), "{err}");
    // A SQLite file that is not a planwatch store.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    let err = store.restore(&op(), &other).unwrap_err().to_string();
    assert!(err.contains("not a planwatch store"), "{err}");
    // A backup damaged after it was written.
    let good = dir.path().join("good.db");
    store.backup(&good).unwrap();
    let mut bytes = std::fs::read(&good).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 2..len / 2 + 4096] {
        *b = 0x5a;
    }
    let bad = dir.path().join("bad.db");
    std::fs::write(&bad, &bytes).unwrap();
    assert!(store.restore(&op(), &bad).is_err());
    let after = store.check().unwrap();
    assert!(after.is_ok());
    assert_eq!((after.documents, after.observations), (n.documents, n.observations));
    assert!(check_file(&dir.path().join("missing.db")).is_err());
    // A backup whose audit log was made editable (its triggers dropped) is refused; a sound
    // restore is itself audited.
    let tampered = dir.path().join("tampered.db");
    store.backup(&tampered).unwrap();
    rusqlite::Connection::open(&tampered).unwrap().execute_batch("DROP TRIGGER audit_log_no_delete").unwrap();
    let err = store.restore(&op(), &tampered).unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
    store.restore(&op(), &good_copy(&store, dir.path())).unwrap();
    assert!(store.audit_count().unwrap() > 0, "the restored log, plus the restore itself");
    let (entries, _) = store
        .audit_log(&op(), &planwatch_store::AuditFilter { action: "store.restore".into(), ..Default::default() }, 1, 0)
        .unwrap();
    assert_eq!(entries.len(), 1);
}

fn good_copy(store: &planwatch_store::Store, dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("good-copy.db");
    store.backup(&path).unwrap();
    path
}

/// The operator at the command line: admin rights.
fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

/// A backup restores whole into another store, on either backend (PLANWATCH_TEST_PG): more
/// rows than one page of the PostgreSQL copy (500), every value equal afterwards.
#[test]
fn a_backup_restores_whole_into_another_store() {
    use planwatch_store::testing::TempStore;
    let (from, to) = (TempStore::new().unwrap(), TempStore::new().unwrap());
    let store = from.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    let ids: Vec<i64> = store.indicators(Some(doc), None).unwrap().iter().map(|i| i.id).collect();
    let code = store.indicators(Some(doc), None).unwrap().into_iter().find(|i| i.unit == "家").unwrap().code;
    let mut csv = String::from("指标代码,地区,期别,数值\n");
    for unit in ["瑶海区", "庐阳区", "蜀山区", "包河区"] {
        for q in 0..300 {
            csv.push_str(&format!("{code},{unit},{}Q{},{}\n", 1950 + q / 4, q % 4 + 1, q));
        }
    }
    store.import_observations("many.csv", csv.as_bytes(), &ImportOptions::default(), &op()).unwrap();
    let file = from.path().join("backup.db");
    store.backup(&file).unwrap();
    assert!(check_file(&file).unwrap().is_ok());
    let target = to.open(StoreOptions::default()).unwrap();
    let report = target.restore(&op(), &file).unwrap();
    assert_eq!(report.observations, 1200);
    let values = |s: &Store| {
        s.observation_values(&ids).unwrap().into_iter().map(|v| (v.place, v.period, v.value)).collect::<Vec<_>>()
    };
    assert_eq!(values(&target), values(&store));
    assert_eq!(target.count_plans().unwrap(), store.count_plans().unwrap());
    assert!(target.check().unwrap().is_ok());
    // The restored store goes on: new ids do not collide with restored ones.
    target.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap();
    assert_eq!(target.count_plans().unwrap(), 2);
}

/// After a restore of an older backup, new plans, imports and the rest get ids no row ever
/// had (on either backend), and every plan's revision moves past the old ones (page caches
/// key on it).
#[test]
fn no_id_is_given_twice_across_a_restore() {
    use planwatch_store::testing::TempStore;
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let hefei = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    store.indicators_from_targets(&op(), hefei, Frequency::Quarter).unwrap();
    let code = store.indicators(Some(hefei), None).unwrap().into_iter().find(|i| i.unit == "家").unwrap().code;
    let file = t.path().join("older.db");
    store.backup(&file).unwrap();
    // After the backup: a second plan, an import, a correction of the first plan's revision.
    let mianyang =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    import(&store, &code, 1);
    let given_import = store.imports(10).unwrap()[0].id;
    let rev_before = store.plan_rev(hefei).unwrap().unwrap();
    store.restore(&op(), &file).unwrap();
    assert_eq!(store.count_plans().unwrap(), 1);
    let suzhou =
        store.ingest_bytes(&op(), "suzhou.docx", example("suzhou-emerging-industries.docx")).unwrap().document_id();
    assert!(suzhou > mianyang, "plan id {suzhou} was given before (to {mianyang})");
    import(&store, &code, 2);
    let import_id = store.imports(10).unwrap()[0].id;
    assert!(import_id > given_import, "import id {import_id} was given before");
    assert!(store.plan_rev(hefei).unwrap().unwrap() > rev_before, "a restored revision repeats an old one");
    assert!(store.check().unwrap().is_ok());
    // A second restore, now of a store that went further: still no id goes back.
    store.restore(&op(), &file).unwrap();
    let again =
        store.ingest_bytes(&op(), "suzhou.docx", example("suzhou-emerging-industries.docx")).unwrap().document_id();
    assert!(again > suzhou, "{again} after {suzhou}");
}

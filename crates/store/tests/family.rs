//! The plan family in the store: references written at ingest, found by normalised title,
//! and filled in for versions stored before migration 0012.

use planwatch_store::db::ToParam;
use planwatch_store::testing::TempStore;
use planwatch_store::{Store, StoreOptions};

/// Parameters of a statement (the store's own `params!` is private to it).
macro_rules! params {
    () => { &[] as &[&dyn ToParam] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn ToParam),+] as &[&dyn ToParam] };
}

fn open(t: &TempStore) -> Store {
    t.open(StoreOptions::default()).expect("open store")
}

fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

const CHILD: &str = "甲市数字经济发展行动方案\n\n为加快数字经济发展，根据《乙省数字经济发展规划（2021—2025年）》和《中华人民共和国科学技术进步法》，结合实际，制定本方案。\n\n一、总体要求\n到2025年，全市数字经济核心产业增加值达到500亿元。\n";
const PARENT: &str = "乙省数字经济发展规划（2021—2025年）\n\n为推动数字经济发展，制定本规划。\n\n一、发展目标\n到2025年，全省数字经济核心产业增加值达到5000亿元。\n";

#[test]
fn references_are_stored_at_ingest_and_found_by_normalised_title() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let child = store.ingest_bytes(&op(), "child.txt", CHILD.as_bytes().to_vec()).unwrap().document_id();
    let refs = store.plan_references(child).unwrap();
    let got: Vec<(&str, &str, &str)> =
        refs.iter().map(|r| (r.title.as_str(), r.relation.as_str(), r.kind.as_str())).collect();
    assert_eq!(
        got,
        vec![("乙省数字经济发展规划(2021—2025年)", "basis", "plan"), ("中华人民共和国科学技术进步法", "basis", "law")]
    );
    assert_eq!(refs[0].title_norm, "乙省数字经济发展规划(2021-2025年)");
    // The span is the 《…》 of the source text, the sentence the sentence around it.
    let text = store.source_text(refs[0].version_id).unwrap();
    assert_eq!(&text[refs[0].span[0]..refs[0].span[1]], "《乙省数字经济发展规划（2021—2025年）》");
    assert!(text[refs[0].sentence[0]..refs[0].sentence[1]].starts_with("为加快数字经济发展，根据"));
    // Looked up by the normalised title of the plan cited, before that plan is stored…
    let key =
        planwatch_core::extract::references::normalize_title("《乙省数字经济发展规划(2021-2025年)（征求意见稿）》");
    assert_eq!(store.references_to(std::slice::from_ref(&key), 0).unwrap().len(), 1);
    // …and after: ingesting the cited plan writes nothing into the citing plan's rows.
    let parent = store.ingest_bytes(&op(), "parent.txt", PARENT.as_bytes().to_vec()).unwrap().document_id();
    assert!(store.plan_references(parent).unwrap().is_empty());
    let found = store.references_to(&[key], parent).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].document_id, child);
    let members = store.family_members().unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m.has_title), "{members:?}");
    let (all, more) = store.all_references().unwrap();
    assert_eq!((all.len(), more), (2, false));
}

#[test]
fn a_new_version_replaces_the_references_it_reads() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let id = store.ingest_bytes(&op(), "child.txt", CHILD.as_bytes().to_vec()).unwrap().document_id();
    let changed = CHILD.replace("和《中华人民共和国科学技术进步法》", "");
    store.ingest_bytes(&op(), "child.txt", changed.into_bytes()).unwrap();
    let refs = store.plan_references(id).unwrap();
    assert_eq!(refs.len(), 1, "{refs:?}");
    // The first version keeps its own rows (a version's references are its own).
    let (all, _) = store.all_references().unwrap();
    assert_eq!(all.len(), 1);
}

#[test]
fn hostile_titles_are_stored_as_text() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let text = "丙市行动方案\n\n根据《<script>alert('x')</script>规划》和《'; DROP TABLE plan_references; --规划》，制定本方案。\n一、目标\n到2025年，产值达到10亿元。\n";
    let id = store.ingest_bytes(&op(), "hostile.txt", text.as_bytes().to_vec()).unwrap().document_id();
    let refs = store.plan_references(id).unwrap();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[0].title, "<script>alert('x')</script>规划");
    assert_eq!(refs[1].title, "';DROPTABLEplan_references;--规划");
}

/// A store of schema 10 holding a version: migration 12 reads its references from its stored
/// source text when it is applied.
#[test]
fn versions_stored_before_the_migration_get_their_references_on_upgrade() {
    let t = TempStore::new().unwrap();
    {
        let old = t.open_at_version(10).unwrap();
        old.execute(
            "INSERT INTO blobs (sha256, size, bytes) VALUES ('abc', ?1, ?2)",
            params![CHILD.len() as i64, CHILD.as_bytes().to_vec()],
        )
        .unwrap();
        old.execute(
            "INSERT INTO documents (id, doc_key, file_name, created_at, updated_at, title)
             VALUES (1, 'title:甲市数字经济发展行动方案', 'child.txt', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z',
                     '甲市数字经济发展行动方案')",
            params![],
        )
        .unwrap();
        old.execute(
            "INSERT INTO versions (id, document_id, seq, sha256, file_name, size, format, encoding, source_text,
                                   plan_json, extractor, ingested_at)
             VALUES (1, 1, 1, 'abc', 'child.txt', ?1, 'text', 'UTF-8', ?2, '{}', 'old', '2024-01-01T00:00:00Z')",
            params![CHILD.len() as i64, CHILD.to_string()],
        )
        .unwrap();
        old.execute("UPDATE documents SET current_version = 1 WHERE id = 1", params![]).unwrap();
    }
    let store = open(&t);
    let refs = store.plan_references(1).unwrap();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert_eq!(refs[0].relation, "basis");
    assert_eq!(&CHILD[refs[0].span[0]..refs[0].span[1]], "《乙省数字经济发展规划（2021—2025年）》");
}

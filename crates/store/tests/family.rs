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
    // The workspace's rows come without their sentences; a page reads those it shows.
    assert!(all.iter().all(|r| r.sentence_text.is_empty()));
    let sentences = store.reference_sentences(&[all[0].id, 999_999]).unwrap();
    assert_eq!(sentences.len(), 1);
    assert!(sentences[&all[0].id].starts_with("为加快数字经济发展，根据《乙省"), "{sentences:?}");
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

/// A plan whose text has no title line (the State Council AI plan of the dev set starts with
/// its first paragraph), and a plan citing it.
const UNTITLED: &str = "人工智能的迅速发展将深刻改变人类社会生活、改变世界。为抢抓人工智能发展的重大战略机遇，按照党中央、国务院部署要求，制定本规划。\n\n一、战略目标\n到2030年，人工智能核心产业规模超过1万亿元。\n";
const CITING: &str = "丁省人工智能产业行动计划\n\n为落实《新一代人工智能发展规划》，促进人工智能产业发展，制订本行动计划。\n\n一、目标\n到2025年，全省人工智能核心产业规模达到500亿元。\n";

#[test]
fn an_analyst_sets_the_title_of_an_untitled_plan_kept_audited_and_over_new_versions() {
    use planwatch_store::testing::{analyst, fingerprint};
    use planwatch_store::{AuditFilter, MetaField, StoreError};
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let plan = store.ingest_bytes(&op(), "ai.txt", UNTITLED.as_bytes().to_vec()).unwrap().document_id();
    let member = |id: i64| store.family_members().unwrap().into_iter().find(|m| m.id == id).unwrap();
    assert!(!member(plan).has_title, "no title line: the file name stands in");
    assert_eq!(store.plan_view(plan).unwrap().effective.plan.meta.title, None);
    let generation = store.generation().unwrap();
    let rev = store.plan_rev(plan).unwrap().unwrap();

    let id = store
        .correct_meta(&analyst(), plan, MetaField::Title, Some(" 《新一代人工智能发展规划》 "), "国发〔2017〕35号")
        .unwrap();
    assert!(id.is_some());
    let m = member(plan);
    assert!(m.has_title && m.title == "新一代人工智能发展规划", "{m:?}");
    let view = store.plan_view(plan).unwrap();
    assert_eq!(view.effective.plan.meta.title.as_deref(), Some("新一代人工智能发展规划"));
    let c = view.effective.meta_correction(MetaField::Title).expect("shown as corrected");
    assert_eq!((c.original.as_str(), c.author.as_str(), c.note.as_str()), ("", "analyst", "国发〔2017〕35号"));
    assert_eq!(view.summary.title, "新一代人工智能发展规划");
    assert_eq!(view.summary.n_corrected, 1);
    // The pages that resolve references are made anew: the generation and the plan's
    // revision moved.
    assert!(store.generation().unwrap() > generation);
    assert!(store.plan_rev(plan).unwrap().unwrap() > rev);
    let (audit, _) =
        store.audit_log(&op(), &AuditFilter { action: "plan.meta".into(), ..Default::default() }, 10, 0).unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].object, format!("plan {plan} meta title"));
    assert_eq!(audit[0].old_value.as_deref(), Some("\"\""));
    assert_eq!(audit[0].new_value.as_deref(), Some("\"新一代人工智能发展规划\""));
    assert_eq!(audit[0].who, "analyst");

    // A new version of the same file (still without a title line) keeps the correction.
    let changed = UNTITLED.replace("1万亿元", "1.2万亿元");
    let out = store.ingest_bytes(&op(), "ai.txt", changed.into_bytes()).unwrap();
    assert_eq!(out.document_id(), plan, "same file name, no title: a new version");
    let view = store.plan_view(plan).unwrap();
    assert_eq!(view.version.seq, 2);
    assert_eq!(view.effective.plan.meta.title.as_deref(), Some("新一代人工智能发展规划"));
    assert!(member(plan).has_title);

    // Issuer and region, the region written short and stored in full.
    store.correct_meta(&analyst(), plan, MetaField::Issuer, Some("国务院"), "").unwrap();
    store.correct_meta(&analyst(), plan, MetaField::Region, Some("全国"), "").unwrap();
    let child = store.ingest_bytes(&op(), "cq.txt", CITING.as_bytes().to_vec()).unwrap().document_id();
    store.correct_meta(&analyst(), child, MetaField::Region, Some("重庆"), "").unwrap();
    let s = store.plan_summary(plan).unwrap();
    assert_eq!((s.issuer.as_str(), s.region.as_str()), ("国务院", "全国"));
    assert_eq!(store.plan_summary(child).unwrap().region, "重庆市");

    // Withdrawn: the machine value again; withdrawing twice is "not found", nothing written.
    assert_eq!(store.correct_meta(&analyst(), plan, MetaField::Issuer, None, "").unwrap(), None);
    assert_eq!(store.plan_summary(plan).unwrap().issuer, "");
    let before = fingerprint(&store).unwrap();
    let err = store.correct_meta(&analyst(), plan, MetaField::Issuer, None, "").unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    assert_eq!(fingerprint(&store).unwrap(), before);
}

#[test]
fn hostile_metadata_corrections_are_refused_with_the_field_named_and_nothing_changes() {
    use planwatch_store::testing::{analyst, district_editor, fingerprint};
    use planwatch_store::{MetaField, StoreError};
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let plan = store.ingest_bytes(&op(), "ai.txt", UNTITLED.as_bytes().to_vec()).unwrap().document_id();
    let before = fingerprint(&store).unwrap();
    let title = MetaField::Title;
    // A district editor may not.
    let err = store
        .correct_meta(&district_editor("重庆市", "渝北区"), plan, title, Some("新一代人工智能发展规划"), "")
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    assert!(err.to_string().contains("无权更正规划内容"), "{err}");
    // Empty (or only 《》 and spaces): refused, saying what to write.
    for empty in ["", "   ", "《》"] {
        let err = store.correct_meta(&analyst(), plan, title, Some(empty), "").unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)) && err.to_string().contains("标题为空"), "{err}");
    }
    // Over 200 characters: the field and its limit named.
    let long = "规".repeat(201);
    let err = store.correct_meta(&analyst(), plan, title, Some(&long), "").unwrap_err();
    assert!(matches!(err, StoreError::TooLong { limit: 200, given: 201, .. }), "{err}");
    assert!(err.to_string().contains("标题") && err.to_string().contains("200"), "{err}");
    let err = store.correct_meta(&analyst(), plan, title, Some("第一行\n第二行"), "").unwrap_err();
    assert!(err.to_string().contains("换行"), "{err}");
    let err = store.correct_meta(&analyst(), plan, MetaField::Region, Some("火星市"), "").unwrap_err();
    assert!(err.to_string().contains("火星市") && err.to_string().contains("全国"), "{err}");
    // Several fields at once: one refused value writes none of them.
    let both = [(title, Some("新一代人工智能发展规划".to_string())), (MetaField::Region, Some("火星市".to_string()))];
    assert!(store.correct_meta_fields(&analyst(), plan, &both, "").is_err());
    let twice = [(title, Some("甲".to_string())), (title, None)];
    assert!(matches!(store.correct_meta_fields(&analyst(), plan, &twice, "").unwrap_err(), StoreError::Invalid(_)));
    let err = store.correct_meta(&analyst(), plan, MetaField::Region, Some("渝北区"), "").unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "a district is no plan region: {err}");
    let err = store.correct_meta(&analyst(), plan, title, Some("规划"), &"说".repeat(1001)).unwrap_err();
    assert!(matches!(err, StoreError::TooLong { .. }), "{err}");
    assert!(matches!(
        store.correct_meta(&analyst(), 999_999, title, Some("规划"), "").unwrap_err(),
        StoreError::NotFound(_)
    ));
    assert_eq!(fingerprint(&store).unwrap(), before, "nothing written, nothing audited");
    assert_eq!(store.plan_view(plan).unwrap().effective.plan.meta.title, None);
    // At the limit: accepted.
    store.correct_meta(&analyst(), plan, title, Some(&"规".repeat(200)), "").unwrap();
    assert_eq!(store.plan_summary(plan).unwrap().title.chars().count(), 200);
}

/// A store of schema 14 holding a version and its reference rows: migration 15 fills the
/// citing sentence of each row from the version's stored source text. (Ids 100: PostgreSQL's
/// identity does not move past rows inserted with an id, and a plan is ingested afterwards.)
#[test]
fn reference_rows_stored_before_migration_15_get_their_sentence_on_upgrade() {
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
             VALUES (100, 'title:甲市数字经济发展行动方案', 'child.txt', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z',
                     '甲市数字经济发展行动方案')",
            params![],
        )
        .unwrap();
        old.execute(
            "INSERT INTO versions (id, document_id, seq, sha256, file_name, size, format, encoding, source_text,
                                   plan_json, extractor, ingested_at)
             VALUES (100, 100, 1, 'abc', 'child.txt', ?1, 'text', 'UTF-8', ?2, '{}', 'old', '2024-01-01T00:00:00Z')",
            params![CHILD.len() as i64, CHILD.to_string()],
        )
        .unwrap();
        old.execute("UPDATE documents SET current_version = 100 WHERE id = 100", params![]).unwrap();
    }
    {
        // Up to 14: the rows are there, without sentences.
        let mid = t.open_at_version(14).unwrap();
        let n: i64 = mid.query_row("SELECT COUNT(*) FROM plan_references", params![], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
    }
    let store = open(&t);
    let refs = store.plan_references(100).unwrap();
    assert_eq!(refs.len(), 2, "{refs:?}");
    for r in &refs {
        assert_eq!(r.sentence_text, planwatch_store::family::sentence_text(CHILD, r.sentence));
        assert!(r.sentence_text.starts_with("为加快数字经济发展，根据《"), "{}", r.sentence_text);
    }
    // A new ingest stores the sentence with the row.
    let id = store.ingest_bytes(&op(), "c2.txt", CITING.as_bytes().to_vec()).unwrap().document_id();
    let refs = store.plan_references(id).unwrap();
    assert_eq!(refs[0].sentence_text, "为落实《新一代人工智能发展规划》，促进人工智能产业发展，制订本行动计划。");
}

//! The plan family resolved when read: exact, core (bracketed notes left out) and similar
//! titles with their scores, a plan ingested later resolving earlier references, unresolved
//! titles listed, the proposed master plan.

use planwatch_app::family::{self, CORE_MATCH_SCORE, SIMILARITY_THRESHOLD};
use planwatch_core::extract::level::Level;
use planwatch_store::testing::TempStore;
use planwatch_store::{Actor, Store, StoreOptions};

fn ingest(store: &Store, name: &str, text: &str) -> i64 {
    store.ingest_bytes(&Actor::operator("test"), name, text.as_bytes().to_vec()).unwrap().document_id()
}

const CITY: &str = "青岛市数字经济发展行动方案（征求意见稿）\n\n为加快发展，根据《山东省数字经济发展规划（2021—2025年）》、《“十四五”数字经济发展规划》和《山东省人工智能产业发展规划》，衔接《青岛市国土空间总体规划》，制定本方案。\n\n一、目标\n到2025年，全市数字经济核心产业增加值达到500亿元。\n";

#[test]
fn references_resolve_when_the_cited_plans_arrive_and_the_nearest_higher_level_is_proposed() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let city = ingest(&store, "city.txt", CITY);
    let f = family::family(&store, city).unwrap();
    assert_eq!(f.plan.level, Level::City);
    assert!(f.draft, "征求意见稿 is a draft");
    assert!(f.parents.is_empty() && f.master.is_none());
    let titles: Vec<&str> = f.unresolved.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "山东省数字经济发展规划(2021—2025年)",
            "“十四五”数字经济发展规划",
            "山东省人工智能产业发展规划",
            "青岛市国土空间总体规划"
        ]
    );
    assert_eq!(f.unresolved[3].relation, "mention");
    assert!(f.unresolved[0].sentence.starts_with("为加快发展，根据"));
    assert!(f.unresolved[0].sentence_href.starts_with(&format!("/plans/{city}/source?v=")));

    // The cited plans are stored later: a province plan without its period in the title
    // (core match), a national one of the same title (exact), a province plan of a
    // similar title (similar), and an unrelated one that must not match.
    let province = ingest(
        &store,
        "sd.txt",
        "山东省数字经济发展规划\n\n一、目标\n到2025年，全省数字经济核心产业增加值达到5000亿元。\n",
    );
    let national = ingest(
        &store,
        "cn.txt",
        "“十四五”数字经济发展规划\n\n国务院\n\n一、目标\n到2025年，全国数字经济核心产业增加值占GDP比重达到10%。\n",
    );
    let ai = ingest(
        &store,
        "ai.txt",
        "山东省新一代人工智能产业发展规划\n\n一、目标\n到2025年，全省人工智能核心产业规模达到500亿元。\n",
    );
    ingest(&store, "other.txt", "山东省海洋经济发展规划\n\n一、目标\n到2025年，全省海洋生产总值达到2万亿元。\n");
    let f = family::family(&store, city).unwrap();
    let got: Vec<(i64, &str, f64)> =
        f.parents.iter().map(|r| r.resolved.as_ref().unwrap()).map(|x| (x.plan.id, x.how, x.score)).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!((got[0].0, got[0].1, got[0].2), (province, "core", CORE_MATCH_SCORE));
    assert_eq!((got[1].0, got[1].1, got[1].2), (national, "exact", 1.0));
    assert_eq!((got[2].0, got[2].1), (ai, "similar"));
    assert!(got[2].2 >= SIMILARITY_THRESHOLD && got[2].2 < 1.0, "{got:?}");
    assert_eq!(f.unresolved.len(), 1, "the spatial plan is still missing");
    // Nearest higher level: the province plans, not the national one; of the two, the
    // title closer to the city's.
    let master = f.master.expect("a master plan");
    assert_eq!(master.plan.id, province, "{master:?}");
    assert_eq!(master.plan.level, Level::Province);

    // The parent lists the child; the overview groups by level.
    let p = family::family(&store, province).unwrap();
    assert_eq!(p.children.iter().map(|c| c.plan.id).collect::<Vec<_>>(), [city]);
    assert_eq!(p.children[0].relation, "basis");
    let o = family::overview(&store, 1).unwrap();
    let levels: Vec<Level> = o.levels.iter().map(|g| g.level).collect();
    assert_eq!(levels, [Level::National, Level::Province, Level::City]);
    assert_eq!(o.unresolved.len(), 1);
    assert_eq!((o.unresolved[0].title.as_str(), o.unresolved[0].n_plans), ("青岛市国土空间总体规划", 1));
    assert!(family::family(&store, 9999).is_err());
}

fn dev_raw(name: &str) -> Option<String> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/dev/raw").join(name);
    match std::fs::read_to_string(&p) {
        Ok(b) => Some(b),
        Err(_) if std::env::var("PLANWATCH_NO_SEEDS").is_ok() => None,
        Err(e) => panic!(
            "{}: {e}: this test needs ../shared beside the repository (set PLANWATCH_NO_SEEDS=1 to skip it knowingly)",
            p.display()
        ),
    }
}

/// The dev set's d16 (the State Council's 新一代人工智能发展规划) has no title line; d15 (MIIT's
/// three-year action plan) cites it: 为落实《新一代人工智能发展规划》. Unresolved until an analyst
/// sets d16's title; then d16 is d15's parent and d15 its child. A district editor's attempt
/// changes nothing.
#[test]
fn a_plan_without_a_title_line_becomes_a_parent_once_an_analyst_sets_its_title() {
    use planwatch_store::testing::{analyst, district_editor};
    use planwatch_store::MetaField;
    let (Some(d15), Some(d16)) =
        (dev_raw("d15_miit-next-gen-ai-industry-3yr-plan.txt"), dev_raw("d16_state-council-new-gen-ai-plan.txt"))
    else {
        return;
    };
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let d16 = ingest(&store, "d16.txt", &d16);
    let d15 = ingest(&store, "d15.txt", &d15);
    let cited = |f: &family::Family| f.unresolved.iter().any(|r| r.title == "新一代人工智能发展规划");
    let f = family::family(&store, d15).unwrap();
    assert!(cited(&f), "unresolved before: {:?}", f.unresolved);
    assert!(f.parents.iter().all(|p| p.resolved.as_ref().unwrap().plan.id != d16));
    assert!(family::family(&store, d16).unwrap().children.is_empty());

    // Refused for a district editor: still unresolved.
    assert!(store
        .correct_meta(&district_editor("重庆市", "渝北区"), d16, MetaField::Title, Some("新一代人工智能发展规划"), "")
        .is_err());
    assert!(cited(&family::family(&store, d15).unwrap()));

    store.correct_meta(&analyst(), d16, MetaField::Title, Some("新一代人工智能发展规划"), "国发〔2017〕35号").unwrap();
    store.correct_meta(&analyst(), d16, MetaField::Region, Some("全国"), "").unwrap();
    let f = family::family(&store, d15).unwrap();
    assert!(!cited(&f), "resolved after: {:?}", f.unresolved);
    let parent = f.parents.iter().find(|p| p.title == "新一代人工智能发展规划").expect("a parent now");
    let res = parent.resolved.as_ref().unwrap();
    assert_eq!((res.plan.id, res.how, res.score), (d16, "exact", 1.0));
    assert_eq!(res.plan.level, Level::National);
    assert!(parent.sentence.starts_with("为落实《新一代人工智能发展规划》"), "{}", parent.sentence);
    let f = family::family(&store, d16).unwrap();
    assert_eq!(f.plan.title, "新一代人工智能发展规划");
    assert_eq!(f.children.len(), 1);
    assert_eq!(f.children[0].plan.id, d15);
    assert!(f.children[0].sentence.starts_with("为落实《新一代人工智能发展规划》"));
    // The overview counts it: no longer among the unresolved titles.
    let o = family::overview(&store, 1).unwrap();
    assert!(o.unresolved.iter().all(|u| u.title != "新一代人工智能发展规划"));
}

/// The parent's family with 50 citing plans of ~60 kB each: the citing sentences are read from
/// the reference rows, not from the 50 source texts. Prints the median time (`--nocapture`);
/// the bound is loose (debug build, shared machine) and only catches a return to reading texts
/// at a large cost.
#[test]
fn children_sentences_come_from_the_reference_rows_timing_with_50_citing_plans() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let parent = ingest(
        &store,
        "parent.txt",
        "戊省数字经济发展规划\n\n为推动数字经济发展，制定本规划。\n\n一、发展目标\n到2025年，全省数字经济核心产业增加值达到5000亿元。\n",
    );
    let filler =
        "加强数字基础设施建设，推动产业数字化转型，培育壮大数字经济核心产业，完善数字经济治理体系。\n".repeat(450);
    for n in 0..50 {
        let text = format!(
            "戊省第{n}市数字经济行动方案\n\n为加快发展，根据《戊省数字经济发展规划》，结合实际，制定本方案。\n\n一、总体要求\n{filler}二、目标\n到2025年，全市数字经济核心产业增加值达到{n}0亿元。\n"
        );
        ingest(&store, &format!("c{n}.txt"), &text);
    }
    let mut times = Vec::new();
    let mut f = family::family(&store, parent).unwrap();
    for _ in 0..7 {
        let t0 = std::time::Instant::now();
        f = family::family(&store, parent).unwrap();
        times.push(t0.elapsed());
    }
    times.sort();
    assert_eq!(f.children_total, 50);
    assert!(f
        .children
        .iter()
        .all(|c| c.sentence == "为加快发展，根据《戊省数字经济发展规划》，结合实际，制定本方案。"));
    let text_bytes: usize = store.source_text(store.plan_summary(parent + 1).unwrap().current_version).unwrap().len();
    println!("family of a plan with 50 citing plans ({text_bytes} bytes each): median {:?}", times[3]);
    assert!(times[3] < std::time::Duration::from_secs(2), "{:?}", times[3]);
}

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

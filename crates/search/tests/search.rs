//! Behaviour of the search index through its public API.

use std::sync::Arc;
use std::time::{Duration, Instant};

use planwatch_search::{HitKind, IndexDoc, SearchError, SearchIndex, SearchQuery, SearchResults};

fn doc(plan_id: i64, title: &str, region: &str, issuer: &str, year: Option<i32>, text: &str) -> IndexDoc {
    IndexDoc {
        plan_id,
        version_id: plan_id * 10,
        title: title.into(),
        issuer: issuer.into(),
        region: region.into(),
        year,
        text: text.into(),
    }
}

const CHONGQING: &str = "重庆市未来产业培育行动计划\n\
    一、总体要求\n\
    \u{3000}\u{3000}深入实施以大数据智能化为引领的创新驱动发展战略，推动人工智能与实体经济深度融合。\n\
    加快集成电路、新型储能和氢能产业发展，培育链主企业和专精特新中小企业。\n\
    年产60万吨特铝新材料、高品质铝材项目。\n\
    牵头单位：市经济和信息化局、市科技局\n\
    强化科技创新策源功能。\n";

const TAIPEI: &str = "臺北市產業發展計畫\n發展積體電路與人工智慧產業，推動科技創新。\n";

fn query(q: &str) -> SearchQuery {
    SearchQuery { q: q.into(), ..SearchQuery::default() }
}

fn fixture() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    index
        .upsert(&[
            doc(1, "重庆市未来产业培育行动计划", "重庆", "重庆市人民政府办公厅", Some(2024), CHONGQING),
            doc(2, "臺北市產業發展計畫", "台北", "臺北市政府", Some(2023), TAIPEI),
        ])
        .expect("upsert");
    index.commit(1).expect("commit");
    (dir, index)
}

fn search(index: &SearchIndex, q: &str) -> SearchResults {
    index.search(&query(q)).unwrap_or_else(|e| panic!("search {q:?}: {e}"))
}

fn plan_ids(r: &SearchResults) -> Vec<i64> {
    let mut ids: Vec<i64> = r.hits.iter().map(|h| h.plan_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn marked(h: &planwatch_search::Hit) -> Vec<&str> {
    h.highlights.iter().map(|&[s, e]| &h.snippet[s..e]).collect()
}

#[test]
fn simplified_query_finds_traditional_text_and_vice_versa() {
    let (_dir, index) = fixture();
    // Taiwan's 積體電路 is the mainland's 集成电路: either script, either word finds both.
    let simplified = search(&index, "积体电路");
    assert_eq!(plan_ids(&simplified), vec![1, 2]);
    let traditional = search(&index, "積體電路");
    assert_eq!(plan_ids(&traditional), vec![1, 2]);
    assert_eq!(plan_ids(&search(&index, "集成电路")), vec![1, 2]);
    // 人工智慧 and 人工智能 likewise; a mainland word with another meaning in Taiwan stays
    // itself (核心 is not 内核).
    assert_eq!(plan_ids(&search(&index, "人工智慧")), vec![1, 2]);
    assert_eq!(plan_ids(&search(&index, "人工智能")), vec![1, 2]);
    assert_eq!(search(&index, "内核").total, 0);
    // A traditional query also finds simplified text.
    let r = search(&index, "產業發展");
    assert_eq!(plan_ids(&r), vec![1, 2]);
    let r = search(&index, "科技創新");
    assert_eq!(plan_ids(&r), vec![1, 2]);
}

#[test]
fn traditional_snippet_keeps_its_characters_and_marks_the_match() {
    let (_dir, index) = fixture();
    let r = search(&index, "积体电路");
    let hit = r.hits.iter().find(|h| h.kind == HitKind::Text).expect("a paragraph hit");
    assert_eq!(hit.snippet, "發展積體電路與人工智慧產業，推動科技創新。");
    assert_eq!(marked(hit), vec!["積體電路"]);
    assert_eq!(hit.snippet_html, "發展<mark>積體電路</mark>與人工智慧產業，推動科技創新。");
    assert_eq!(&TAIPEI[hit.span[0]..hit.span[1]], hit.snippet);
}

#[test]
fn typical_queries_find_their_paragraphs() {
    let (_dir, index) = fixture();
    for (q, needle) in [
        ("人工智能", "人工智能"),
        ("集成电路", "集成电路"),
        ("氢能", "氢能"),
        ("链主企业", "链主企业"),
        ("新型储能", "新型储能"),
        ("科技创新", "科技创新"),
        ("专精特新", "专精特新"),
        ("市经济和信息化局", "市经济和信息化局"),
        // jieba cuts these differently in context (以大/数据, 特铝新/材料): still found.
        ("大数据", "大数据"),
        ("新材料", "新材料"),
        // Latin and digits are words.
        ("60万吨", "60万吨"),
    ] {
        let r = search(&index, q);
        let hit = r
            .hits
            .iter()
            .find(|h| h.plan_id == 1 && h.kind == HitKind::Text)
            .unwrap_or_else(|| panic!("{q}: no paragraph hit in {r:?}"));
        assert!(marked(hit).contains(&needle), "{q}: marks {:?} in {}", marked(hit), hit.snippet);
        let paragraph = &CHONGQING[hit.span[0]..hit.span[1]];
        assert!(paragraph.contains(needle), "{q}: span points at {paragraph}");
        assert_eq!(paragraph.trim(), paragraph);
    }
    // Exact substring semantics: a word that does not occur finds nothing.
    assert_eq!(search(&index, "量子计算").total, 0);
}

#[test]
fn multiple_words_are_anded_or_ored_phrased_and_excluded() {
    let (_dir, index) = fixture();
    let both = search(&index, "集成电路 氢能");
    assert_eq!(both.total, 1, "{both:?}");
    assert_eq!(marked(&both.hits[0]), vec!["集成电路", "氢能"]);
    assert_eq!(search(&index, "集成电路 量子计算").total, 0);
    let either = search(&index, "量子计算 OR 氢能");
    assert_eq!(either.total, 1);
    let excluded = search(&index, "科技创新 -策源");
    assert!(excluded.hits.iter().all(|h| !h.snippet.contains("策源")), "{excluded:?}");
    assert!(excluded.total >= 1);
    let phrase = search(&index, "\"新型储能和氢能\"");
    assert_eq!(phrase.total, 1);
    assert_eq!(search(&index, "\"氢能和新型储能\"").total, 0);
}

#[test]
fn title_query_finds_the_plan_first() {
    let (_dir, index) = fixture();
    let r = search(&index, "未来产业培育行动计划");
    let first = &r.hits[0];
    assert_eq!(first.kind, HitKind::Title);
    assert_eq!(first.plan_id, 1);
    assert_eq!(first.version_id, 10);
    assert_eq!(first.snippet, "重庆市未来产业培育行动计划");
    // The title occurs as the first line of the text.
    assert_eq!(first.span, [0, "重庆市未来产业培育行动计划".len()]);
    assert_eq!(r.plans, 1);
}

#[test]
fn filters_are_exact_matches() {
    let (_dir, index) = fixture();
    let with = |region: Option<&str>, issuer: Option<&str>, year: Option<i32>| {
        let q = SearchQuery {
            q: "科技创新".into(),
            region: region.map(Into::into),
            issuer: issuer.map(Into::into),
            year,
            ..SearchQuery::default()
        };
        plan_ids(&index.search(&q).expect("search"))
    };
    assert_eq!(with(None, None, None), vec![1, 2]);
    assert_eq!(with(Some("重庆"), None, None), vec![1]);
    assert_eq!(with(Some("台北"), None, None), vec![2]);
    assert_eq!(with(Some("重"), None, None), Vec::<i64>::new());
    assert_eq!(with(None, Some("臺北市政府"), None), vec![2]);
    assert_eq!(with(None, None, Some(2024)), vec![1]);
    assert_eq!(with(None, None, Some(2023)), vec![2]);
    assert_eq!(with(Some("重庆"), None, Some(2023)), Vec::<i64>::new());
    let hit = index.search(&SearchQuery { year: Some(2024), ..query("科技创新") }).expect("search").hits;
    assert_eq!(
        (hit[0].region.as_str(), hit[0].issuer.as_str(), hit[0].year),
        ("重庆", "重庆市人民政府办公厅", Some(2024))
    );
}

#[test]
fn facets_count_matching_plans() {
    let (_dir, index) = fixture();
    let r = search(&index, "科技创新");
    assert_eq!(r.plans, 2);
    let regions: Vec<(&str, usize)> = r.facets.regions.iter().map(|f| (f.value.as_str(), f.plans)).collect();
    assert_eq!(regions, vec![("台北", 1), ("重庆", 1)]);
    let years: Vec<(i32, usize)> = r.facets.years.iter().map(|y| (y.year, y.plans)).collect();
    assert_eq!(years, vec![(2024, 1), (2023, 1)]);
    assert_eq!(r.facets.issuers.len(), 2);
}

#[test]
fn upsert_replaces_a_plan() {
    let (_dir, index) = fixture();
    let before = search(&index, "氢能").total;
    assert_eq!(before, 1);
    let units = index.num_units();
    // Re-upserting the same plan twice, in one batch and again later, leaves one copy.
    let d = doc(1, "重庆市未来产业培育行动计划", "重庆", "重庆市人民政府办公厅", Some(2024), CHONGQING);
    index.upsert(&[d.clone(), d.clone()]).expect("upsert");
    index.commit(2).expect("commit");
    index.upsert(&[d]).expect("upsert");
    index.commit(3).expect("commit");
    assert_eq!(index.num_units(), units);
    assert_eq!(search(&index, "氢能").total, 1);
    // New text replaces the old one.
    let changed = doc(1, "重庆市未来产业培育行动计划", "重庆", "x", Some(2024), "发展低空经济。\n");
    index.upsert(&[changed]).expect("upsert");
    assert_eq!(search(&index, "氢能").total, 1, "not visible before commit");
    index.commit(4).expect("commit");
    assert_eq!(search(&index, "氢能").total, 0);
    assert_eq!(search(&index, "低空经济").total, 1);
}

#[test]
fn remove_and_clear() {
    let (_dir, index) = fixture();
    index.remove(&[2]).expect("remove");
    index.commit(2).expect("commit");
    assert_eq!(plan_ids(&search(&index, "积体电路")), vec![1]);
    assert_eq!(plan_ids(&search(&index, "科技创新")), vec![1]);
    index.clear().expect("clear");
    index.commit(3).expect("commit");
    assert_eq!(index.num_units(), 0);
    assert_eq!(search(&index, "科技创新").total, 0);
    assert_eq!(index.generation(), Some(3));
}

#[test]
fn generation_survives_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let index = SearchIndex::open(dir.path()).expect("open");
        assert_eq!(index.generation(), None);
        index.upsert(&[doc(7, "氢能产业规划", "", "", None, "发展氢能。")]).expect("upsert");
        index.commit(41).expect("commit");
        assert_eq!(index.generation(), Some(41));
        // A commit without changes still records the generation.
        index.commit(42).expect("commit");
    }
    let index = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(index.generation(), Some(42));
    assert_eq!(search(&index, "氢能").plans, 1);
}

#[test]
fn outdated_or_broken_index_is_rebuilt_and_other_files_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "keep me").expect("write");
    {
        let index = SearchIndex::open(dir.path()).expect("open");
        index.upsert(&[doc(7, "氢能产业规划", "", "", None, "发展氢能。")]).expect("upsert");
        index.commit(5).expect("commit");
    }
    // Another schema version: wiped, empty, never synced.
    std::fs::write(dir.path().join("planwatch-search.version"), "0\n").expect("write");
    let index = SearchIndex::open(dir.path()).expect("reopen");
    assert_eq!(index.generation(), None);
    assert_eq!(index.num_units(), 0);
    drop(index);
    // Unreadable metadata: wiped too.
    std::fs::write(dir.path().join("meta.json"), "{ not json").expect("write");
    let index = SearchIndex::open(dir.path()).expect("reopen broken");
    assert_eq!(index.generation(), None);
    index.upsert(&[doc(8, "储能规划", "", "", None, "新型储能。")]).expect("upsert");
    index.commit(6).expect("commit");
    assert_eq!(search(&index, "新型储能").plans, 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).expect("kept"), "keep me");
}

#[test]
fn second_writer_is_busy_until_the_first_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = SearchIndex::open(dir.path()).expect("open a");
    let b = SearchIndex::open(dir.path()).expect("open b");
    a.upsert(&[doc(1, "氢能规划", "", "", None, "氢能。")]).expect("upsert a");
    let err = b.upsert(&[doc(2, "储能规划", "", "", None, "储能。")]).expect_err("b must be busy");
    assert!(matches!(err, SearchError::Busy { .. }), "{err:?}");
    assert!(err.to_string().contains("locked by another planwatch process"), "{err}");
    assert!(matches!(b.commit(9), Err(SearchError::Busy { .. })));
    // Searching is never blocked by a writer.
    assert_eq!(b.search(&query("氢能")).expect("search").total, 0);
    a.commit(1).expect("commit a");
    b.upsert(&[doc(2, "储能规划", "", "", None, "储能。")]).expect("b writes after a released the lock");
    b.commit(2).expect("commit b");
    assert_eq!(b.search(&query("氢能 OR 储能")).expect("search").plans, 2);
    // `a` sees b's commit once its reader reloads (automatically, within about a second).
    let deadline = Instant::now() + Duration::from_secs(5);
    while a.search(&query("储能")).expect("search").total == 0 {
        assert!(Instant::now() < deadline, "a never saw b's commit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(a.generation(), Some(2));
}

#[test]
fn hostile_queries_never_fail_with_internal_errors() {
    let (_dir, index) = fixture();
    let long_cjk = "科技创新".repeat(2_500);
    let long_ascii = "a(".repeat(5_000);
    let long_mixed: String = (0..10_000).map(|i| ['氢', ':', '"', 'x', ' ', '(', '*', '能'][i % 8]).collect();
    let hostile = [
        "",
        "   ",
        "\t\n",
        ":",
        "(",
        ")",
        "\"",
        "\"\"",
        "*",
        "?",
        "AND",
        "OR",
        "NOT",
        "AND OR NOT",
        "-",
        "+",
        "title:氢能",
        "body:(氢能 OR",
        "氢能 AND",
        "OR 氢能 OR",
        "\"氢能",
        "氢能\"",
        "*氢能*",
        "氢能~2",
        "氢能^10",
        "[a TO b]",
        "{}",
        "\\",
        "a:b:c",
        "-氢能",
        "NOT 氢能",
        "“科技",
        "「」",
        "一",
        "网5g",
        "a网b",
        "哈哈哈哈哈哈",
        "\u{0}",
        "\u{FEFF}",
        "𠀀𠀁",
        "<script>alert(1)</script>",
        &long_cjk,
        &long_ascii,
        &long_mixed,
    ];
    for q in hostile {
        let started = Instant::now();
        match index.search(&query(q)) {
            Ok(r) => assert!(r.hits.len() <= r.total),
            Err(SearchError::Empty) => {}
            Err(e) => panic!("{q:?}: {e}"),
        }
        assert!(started.elapsed() < Duration::from_secs(2), "{:?} took {:?}", q.get(..20), started.elapsed());
    }
    assert!(matches!(index.search(&query("  ")), Err(SearchError::Empty)));
    assert!(matches!(index.search(&query(":(*")), Err(SearchError::Empty)));
    assert!(matches!(index.search(&query("-氢能")), Err(SearchError::Empty)));
    assert!(SearchError::Empty.to_string().contains("empty"));
    // Syntax characters around a real word do not get in the way.
    assert_eq!(search(&index, "(氢能)").total, 1);
    assert_eq!(search(&index, "*氢能*").total, 1);
}

#[test]
fn snippet_html_escapes_document_markup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    let text = "标题\n<script>alert('氢能')</script> & \"储能\" <b>\n";
    index.upsert(&[doc(1, "t", "", "", None, text)]).expect("upsert");
    index.commit(1).expect("commit");
    let r = search(&index, "氢能");
    let h = &r.hits[0];
    assert_eq!(h.snippet, "<script>alert('氢能')</script> & \"储能\" <b>");
    assert_eq!(
        h.snippet_html,
        "&lt;script&gt;alert(&#39;<mark>氢能</mark>&#39;)&lt;/script&gt; &amp; &quot;储能&quot; &lt;b&gt;"
    );
    assert!(!h.snippet_html.contains('<') || h.snippet_html.matches('<').count() == 2);
    let json = serde_json::to_value(h).expect("json");
    assert_eq!(json["kind"], "text");
    assert_eq!(json["span"], serde_json::json!([h.span[0], h.span[1]]));
}

#[test]
fn paging_and_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    let text: String = (0..30).map(|i| format!("第{i}条：发展氢能产业。\n")).collect();
    index.upsert(&[doc(1, "规划", "", "", None, &text)]).expect("upsert");
    index.commit(1).expect("commit");
    let page = |offset, limit| index.search(&SearchQuery { offset, limit, ..query("氢能") }).expect("search");
    let all = page(0, 100);
    assert_eq!(all.total, 30);
    assert_eq!(all.hits.len(), 30);
    let p2 = page(10, 10);
    assert_eq!(p2.total, 30);
    assert_eq!(p2.hits, all.hits[10..20].to_vec());
    assert!(page(0, 0).hits.is_empty());
    assert_eq!(page(0, 0).total, 30);
    assert!(page(25, 10).hits.len() == 5);
    assert!(page(usize::MAX, 10).hits.is_empty());
    assert_eq!(page(0, usize::MAX).hits.len(), 30);
}

fn synthetic_docs(n: i64) -> Vec<IndexDoc> {
    let topics = ["人工智能", "集成电路", "氢能", "新型储能", "生物医药", "低空经济", "数字经济", "智能网联新能源汽车"];
    let regions = ["重庆", "四川", "上海", "广东"];
    (0..n)
        .map(|i| {
            let t = topics[i as usize % topics.len()];
            let text = format!(
                "{t}产业发展行动方案\n到2027年，{t}产业规模突破{i}百亿元，培育链主企业{i}家。\n\
                 由市经济和信息化局牵头，推动科技创新和专精特新企业发展。\n加强{t}人才培养。\n"
            );
            let region = regions[i as usize % regions.len()];
            doc(i, &format!("{region}{t}产业发展行动方案"), region, "市政府", Some(2020 + (i % 6) as i32), &text)
        })
        .collect()
}

#[test]
fn query_over_200_docs_is_fast() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    index.upsert(&synthetic_docs(200)).expect("upsert");
    index.commit(1).expect("commit");
    // Warm up (first jieba use loads its dictionary).
    search(&index, "氢能");
    for q in ["科技创新", "人工智能", "市经济和信息化局", "链主企业 氢能"] {
        let started = Instant::now();
        let r = search(&index, q);
        let took = started.elapsed();
        println!("query {q:?} over 200 docs: {} units, {took:?}", r.total);
        assert!(r.total > 0 && !r.hits.is_empty());
        assert!(took < Duration::from_millis(200), "{q}: {took:?}");
    }
}

#[test]
fn concurrent_searches_share_one_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = Arc::new(SearchIndex::open(dir.path()).expect("open"));
    index.upsert(&synthetic_docs(80)).expect("upsert");
    index.commit(1).expect("commit");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                for i in 0..50 {
                    let q = ["氢能", "集成电路", "科技创新", "低空经济"][(t + i) % 4];
                    let r = index.search(&query(q)).expect("search");
                    assert!(r.total > 0);
                }
            })
        })
        .collect();
    // A writer in the middle does not disturb readers.
    index.upsert(&synthetic_docs(10)).expect("upsert");
    index.commit(2).expect("commit");
    for t in threads {
        t.join().expect("search thread");
    }
}

/// Child side of [`another_process_writes_in_between`]: a no-op unless that test started it.
#[test]
fn child_process_writer() {
    let Some(dir) = std::env::var_os("PW_SEARCH_CHILD_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    let index = SearchIndex::open(&dir).expect("child open");
    index.upsert(&[doc(21, "储能规划", "", "", None, "新型储能。")]).expect("child upsert");
    std::fs::write(dir.join("child-ready"), "").expect("child ready");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.join("parent-go").exists() {
        assert!(Instant::now() < deadline, "parent never said go");
        std::thread::sleep(Duration::from_millis(20));
    }
    index.commit(77).expect("child commit");
}

#[test]
fn another_process_writes_in_between() {
    let dir = tempfile::tempdir().expect("tempdir");
    let index = SearchIndex::open(dir.path()).expect("open");
    let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child_process_writer", "--test-threads=1"])
        .env("PW_SEARCH_CHILD_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn child");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.path().join("child-ready").exists() {
        assert!(Instant::now() < deadline, "child never got the writer");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The child holds the writer lock: this process is told to come back later.
    let err = index.upsert(&[doc(20, "氢能规划", "", "", None, "氢能。")]).expect_err("busy");
    assert!(matches!(err, SearchError::Busy { .. }), "{err:?}");
    std::fs::write(dir.path().join("parent-go"), "").expect("go");
    assert!(child.wait().expect("child exit").success(), "child failed");
    assert_eq!(index.generation(), Some(77));
    index.upsert(&[doc(20, "氢能规划", "", "", None, "氢能。")]).expect("writes after the child released the lock");
    index.commit(78).expect("commit");
    assert_eq!(index.search(&query("氢能 OR 储能")).expect("search").plans, 2);
}

#[test]
fn without_facets_the_same_hits_and_total() {
    let (_dir, index) = fixture();
    let with = index.search(&query("科技创新")).expect("search");
    let without = index.search(&SearchQuery { facets: false, ..query("科技创新") }).expect("search");
    assert_eq!(with.total, without.total);
    assert_eq!(with.hits, without.hits);
    assert!(with.plans > 0 && !with.facets.regions.is_empty());
    assert_eq!(without.plans, 0);
    assert!(without.facets.regions.is_empty());
}

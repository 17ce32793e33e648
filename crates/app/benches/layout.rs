//! The layout map (布局地图) of a region with 40 districts and 50 plans, uncached: the view
//! (`layout::layout`: plans, one indexed query per district, colouring) and its SVG
//! (`layout::svg`: parsing the region's boundaries and drawing). Prints the median of RUNS runs
//! (env PLANWATCH_BENCH_RUNS, default 20). Goal: < 100 ms.

use std::time::Instant;

use planwatch_app::layout;
use planwatch_store::testing::TempStore;
use planwatch_store::{Actor, StoreOptions};

const PLANS: usize = 50;
const INDUSTRIES: [&str; 12] = [
    "集成电路",
    "人工智能",
    "量子信息",
    "生物医药",
    "新能源汽车",
    "航空航天",
    "低空经济",
    "新材料",
    "智能制造",
    "氢能",
    "元宇宙",
    "卫星互联网",
];
const NUMERALS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

fn main() {
    let runs: usize = std::env::var("PLANWATCH_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    let districts: Vec<String> = store
        .dicts()
        .units_within("重庆市")
        .into_iter()
        .filter(|p| !p.code.is_empty())
        .map(|p| p.name.clone())
        .collect();
    let setup = Instant::now();
    let op = Actor::operator("bench");
    for plan in 0..PLANS {
        // Each plan lays every industry out in three districts.
        let mut text = format!("重庆市第{plan}号未来产业发展规划\n\n");
        for (k, (ind, num)) in INDUSTRIES.iter().zip(NUMERALS).enumerate() {
            let at: Vec<&str> = (0..3).map(|j| districts[(plan * 7 + k * 3 + j) % districts.len()].as_str()).collect();
            text.push_str(&format!("{num}、{ind}\n\n发展{ind}产业。〔重点布局:{}〕\n\n", at.join("、")));
        }
        store.ingest_bytes(&op, &format!("plan{plan}.txt"), text.into_bytes()).unwrap();
    }
    let first = layout::layout(&store, "重庆市", &[]).unwrap();
    eprintln!(
        "setup: {PLANS} plans, {} districts, {} mappings in {:.1} s",
        first.districts.len(),
        first.mappings,
        setup.elapsed().as_secs_f64()
    );
    assert!(first.districts.len() >= 38 && first.mappings >= PLANS * INDUSTRIES.len() * 3 / 2, "{}", first.mappings);
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let view = layout::layout(&store, "重庆市", &[]).unwrap();
        let svg = layout::svg(&view).unwrap().unwrap();
        times.push(t.elapsed().as_secs_f64());
        assert!(svg.len() > 10_000);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "layout map (重庆市, {} districts, {PLANS} plans): median {:.1} ms, min {:.1} ms, max {:.1} ms over {runs} runs (goal < 100 ms)",
        first.districts.len(),
        times[times.len() / 2] * 1000.0,
        times[0] * 1000.0,
        times[times.len() - 1] * 1000.0
    );
}

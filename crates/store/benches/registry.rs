//! Registry import and counts at a city's scale: 100,000 generated enterprise rows of 绵阳市
//! (valid GB 32100 codes, districts, the plan's industries, tiers with dates) imported end to
//! end — read, validated, authorised, written with tier history in one transaction — into a
//! fresh SQLite store; the same file again (every entry compared, nothing written); then every
//! entry approved and the counts of four bindings (all, and three tier filters) over 8
//! quarters. Prints medians of RUNS runs (env PLANWATCH_BENCH_RUNS, default 3). Goals:
//! ≥ 50,000 rows/s end to end, counts of all bindings < 1 s.

use std::time::Instant;

use planwatch_monitor::{Frequency, Period};
use planwatch_store::monitor::NewIndicator;
use planwatch_store::registry::RegistryImportOptions;
use planwatch_store::{Actor, Store, StoreOptions};

const REGION: &str = "绵阳市";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("PLANWATCH_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(3);
    let n: usize = std::env::var("PLANWATCH_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let op = Actor::operator("bench");
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/mianyang-future-industries.txt");
    let plan = std::fs::read(plan).expect("the example plan");
    let (mut first, mut again, mut approve, mut counts) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    for run in 0..runs {
        let dir = std::env::temp_dir().join(format!("planwatch-bench-registry-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("bench.db"), StoreOptions::default()).unwrap();
        store.ingest_bytes(&op, "mianyang.txt", plan.clone()).unwrap();
        let districts: Vec<(String, String)> = store
            .dicts()
            .units_within(REGION)
            .into_iter()
            .filter(|p| p.level == "county")
            .map(|p| (p.name.clone(), p.code.clone()))
            .collect();
        let industries = store.region_industries(REGION).unwrap();
        let csv = planwatch_registry::sample::enterprises_csv(n, &districts, &industries, 5);
        size = csv.len();
        let opts = RegistryImportOptions::default();
        let t = Instant::now();
        let r = store.import_registry("enterprise", REGION, "bench.csv", &csv, &opts, &op).unwrap();
        first.push(t.elapsed().as_secs_f64());
        assert_eq!(r.inserted, n);
        let t = Instant::now();
        let r = store.import_registry("enterprise", REGION, "bench.csv", &csv, &opts, &op).unwrap();
        again.push(t.elapsed().as_secs_f64());
        assert_eq!(r.unchanged, n);
        let t = Instant::now();
        store.approve_registry(&op, "enterprise", REGION, &[]).unwrap();
        approve.push(t.elapsed().as_secs_f64());
        for (code, filter) in [
            ("R-ALL", None),
            ("R-GX", Some("梯度层级=高新技术企业")),
            ("R-ZJTX", Some("梯度层级=专精特新中小企业")),
            ("R-DJS", Some("梯度层级=独角兽")),
        ] {
            let ind = NewIndicator {
                code: code.into(),
                name: code.into(),
                unit: "家".into(),
                frequency: Some(Frequency::Quarter),
                region: REGION.into(),
                ..Default::default()
            };
            store.add_indicator(&op, &ind).unwrap();
            let filters: Vec<String> = filter.into_iter().map(str::to_string).collect();
            store.bind_registry(&op, code, "enterprise", &filters).unwrap();
        }
        let periods: Vec<Period> = (0..8).map(|k| Period::Quarter(2021 + k / 4, (k % 4 + 1) as u8)).collect();
        let t = Instant::now();
        let all = store.all_registry_counts(&periods).unwrap();
        counts.push(t.elapsed().as_secs_f64());
        assert_eq!(all.len(), 4);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
    let (f, a) = (median(first), median(again));
    println!("registry import, {n} enterprise rows ({:.1} MB CSV), median of {runs}:", size as f64 / 1e6);
    println!("  first import (insert + tier history): {f:.3} s = {:.0} rows/s", n as f64 / f);
    println!("  same file again (all unchanged):      {a:.3} s = {:.0} rows/s", n as f64 / a);
    println!("  approve all:                          {:.3} s", median(approve));
    println!("  counts of 4 bindings × 8 quarters:    {:.3} s", median(counts));
}

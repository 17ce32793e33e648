//! The registry list at a city's scale: 100,000 generated enterprises of 绵阳市 (90,000
//! imported, approved and published as 第1批, then the other 10,000 added as drafts), then
//! the store calls behind `/registries/enterprise`: a page of 200 (page 1 and page 50) and
//! the counts per filter value (facets), without a filter and with each kind of filter.
//! Prints the median of PLANWATCH_BENCH_RUNS (default 3) runs of PLANWATCH_BENCH_REPS
//! (default 10) calls each, in milliseconds. `cargo bench -p planwatch-store --bench
//! registry_list`; PLANWATCH_BENCH_ROWS changes the size.

use std::time::Instant;

use planwatch_store::registry::{EntryStatus, RegistryFilter, RegistryImportOptions};
use planwatch_store::{Actor, Store, StoreOptions};

const REGION: &str = "绵阳市";

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let runs = env("PLANWATCH_BENCH_RUNS", 3).max(1);
    let reps = env("PLANWATCH_BENCH_REPS", 10).max(1);
    let n = env("PLANWATCH_BENCH_ROWS", 100_000);
    let op = Actor::operator("bench");
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/mianyang-future-industries.txt");
    let plan = std::fs::read(plan).expect("the example plan");
    let dir = std::env::temp_dir().join(format!("planwatch-bench-registry-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&dir.join("bench.db"), StoreOptions::default()).unwrap();
    store.ingest_bytes(&op, "mianyang.txt", plan).unwrap();
    let districts: Vec<(String, String)> = store
        .dicts()
        .units_within(REGION)
        .into_iter()
        .filter(|p| p.level == "county")
        .map(|p| (p.name.clone(), p.code.clone()))
        .collect();
    let industries = store.region_industries(REGION).unwrap();
    let csv = planwatch_registry::sample::enterprises_csv(n, &districts, &industries, 5);
    // The first 90 % approved and published, the rest drafts.
    let lines: Vec<&[u8]> = csv.split_inclusive(|b| *b == b'\n').collect();
    let head: Vec<u8> = lines[..1 + n * 9 / 10].concat();
    let opts = RegistryImportOptions::default();
    store.import_registry("enterprise", REGION, "first.csv", &head, &opts, &op).unwrap();
    store.approve_registry(&op, "enterprise", REGION, &[]).unwrap();
    store.publish_registry_batch(&op, "enterprise", REGION).unwrap();
    store.import_registry("enterprise", REGION, "all.csv", &csv, &opts, &op).unwrap();

    let base = RegistryFilter { region: REGION.into(), limit: 200, ..Default::default() };
    let (place, industry) = (districts[1].0.clone(), industries[0].clone());
    let cases: Vec<(&str, RegistryFilter)> = vec![
        ("no filter", base.clone()),
        ("district", RegistryFilter { place: place.clone(), ..base.clone() }),
        ("industry + tier", RegistryFilter { industry: industry.clone(), tier: "瞪羚".into(), ..base.clone() }),
        ("status draft", RegistryFilter { status: Some(EntryStatus::Draft), ..base.clone() }),
        ("batch 1 + district", RegistryFilter { batch: Some(1), place: place.clone(), ..base.clone() }),
        ("all regions", RegistryFilter { region: String::new(), ..base.clone() }),
        ("sorted by key", RegistryFilter { sort: "key".parse().unwrap(), ..base.clone() }),
        ("sorted by -tier", RegistryFilter { sort: "-tier".parse().unwrap(), ..base.clone() }),
        (
            "district, by status",
            RegistryFilter { sort: "status".parse().unwrap(), place: districts[1].0.clone(), ..base.clone() },
        ),
    ];
    let time = |f: &mut dyn FnMut()| {
        let mut v = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            v.push(t.elapsed().as_secs_f64() * 1000.0 / reps as f64);
        }
        median(v)
    };
    println!("registry list, {n} enterprises, median of {runs} runs × {reps} calls, ms per call:");
    println!("  {:<20} {:>8} {:>8} {:>8} {:>8}", "filter", "page 1", "page 50", "facets", "matches");
    for (name, f) in &cases {
        let total = store.registry_entries("enterprise", f).unwrap().total;
        let p1 = time(&mut || {
            store.registry_entries("enterprise", f).unwrap();
        });
        let f50 = RegistryFilter { offset: 49 * 200, ..f.clone() };
        let p50 = time(&mut || {
            store.registry_entries("enterprise", &f50).unwrap();
        });
        let fc = time(&mut || {
            store.registry_facets("enterprise", f).unwrap();
        });
        println!("  {name:<20} {p1:>8.2} {p50:>8.2} {fc:>8.2} {total:>8}");
    }
    drop(store);
    // PLANWATCH_BENCH_KEEP=1 keeps the database (to look at query plans).
    if std::env::var("PLANWATCH_BENCH_KEEP").is_ok_and(|v| v == "1") {
        println!("kept {}", dir.join("bench.db").display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Observation import throughput: a CSV of 190,000 rows (50 indicators × 38 districts of
//! 重庆市 × 100 quarters) read, validated against the catalogue and history, and committed
//! in one transaction into a fresh store; then the same file again (every row compared with
//! its stored value, nothing written) and a dry run over a store that already holds it.
//! Prints the median of RUNS runs (env PLANWATCH_BENCH_RUNS, default 5). Goal: ≥ 100,000
//! rows/s validated and committed.

use std::time::Instant;

use planwatch_monitor::{Frequency, Period};
use planwatch_store::monitor::{ImportOptions, NewIndicator};
use planwatch_store::{Store, StoreOptions};

const INDICATORS: usize = 50;
const QUARTERS: i64 = 100;

fn store(dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join("bench.db"), StoreOptions::default()).unwrap();
    for i in 0..INDICATORS {
        store
            .add_indicator(
                &op(),
                &NewIndicator {
                    code: format!("B{i:02}"),
                    name: format!("指标{i}"),
                    unit: "亿元".into(),
                    frequency: Some(Frequency::Quarter),
                    region: "重庆市".into(),
                    ..Default::default()
                },
            )
            .unwrap();
    }
    store
}

fn csv(store: &Store) -> (String, usize) {
    let units: Vec<String> = store
        .dicts()
        .units_within("重庆市")
        .into_iter()
        .filter(|p| !p.code.is_empty())
        .map(|p| p.name.clone())
        .collect();
    let mut out = String::from("指标代码,地区,期别,数值,单位\n");
    let mut rows = 0;
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for i in 0..INDICATORS {
        for u in &units {
            for q in 0..QUARTERS {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let p = Period::Quarter(2000 + (q / 4) as i32, (q % 4 + 1) as u8);
                let v = 100.0 + q as f64 + (x % 1000) as f64 / 100.0;
                out.push_str(&format!("B{i:02},{u},{p},{v:.2},亿元\n"));
                rows += 1;
            }
        }
    }
    (out, rows)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let runs: usize = std::env::var("PLANWATCH_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let opts = ImportOptions { dry_run: false, synthetic: false, computed: false };
    let mut fresh = Vec::new();
    let mut again = Vec::new();
    let mut dry = Vec::new();
    let mut rows = 0;
    let mut bytes = 0;
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path());
        let (file, n) = csv(&store);
        rows = n;
        bytes = file.len();
        let t = Instant::now();
        let r = store.import_observations("bench.csv", file.as_bytes(), &opts, &op()).unwrap();
        fresh.push(t.elapsed().as_secs_f64());
        assert_eq!(r.inserted, n);
        let t = Instant::now();
        let r = store.import_observations("bench.csv", file.as_bytes(), &opts, &op()).unwrap();
        again.push(t.elapsed().as_secs_f64());
        assert_eq!(r.unchanged, n);
        let t = Instant::now();
        store
            .import_observations("bench.csv", file.as_bytes(), &ImportOptions { dry_run: true, ..opts.clone() }, &op())
            .unwrap();
        dry.push(t.elapsed().as_secs_f64());
    }
    let report = |what: &str, secs: Vec<f64>| {
        let m = median(secs);
        println!("{what:<44} median {:>8.1} ms  {:>10.0} rows/s", m * 1000.0, rows as f64 / m);
    };
    println!("observation import: {rows} rows, {:.1} MB CSV, {runs} runs", bytes as f64 / 1e6);
    report("new rows: read + validate + commit", fresh);
    report("same file again (compared, nothing written)", again);
    report("dry run over stored history", dry);
}

/// The operator at the command line: admin rights.
fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

//! Progress of 10,000 indicators × 40 quarters from the store: load the indicators and their
//! 400,000 stored values, roll district values up to the region, and compute completion,
//! status and both forecasts for each — the path of `planwatch progress` and the progress page
//! without the page. Prints the median of RUNS runs (env PLANWATCH_BENCH_RUNS, default 5).
//! Goal: < 1 s.

use std::time::Instant;

use planwatch_monitor::progress::{progress, TargetSpec, Thresholds};
use planwatch_monitor::rollup::region_series;
use planwatch_monitor::{Direction, Frequency, Period};
use planwatch_store::monitor::{ImportOptions, NewIndicator};
use planwatch_store::{Store, StoreOptions};

const INDICATORS: usize = 10_000;
const QUARTERS: i64 = 40;

fn main() {
    let runs: usize = std::env::var("PLANWATCH_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("bench.db"), StoreOptions::default()).unwrap();
    let t = Instant::now();
    let mut csv = String::from("指标代码,地区,期别,数值\n");
    for i in 0..INDICATORS {
        store
            .add_indicator(
                &op(),
                &NewIndicator {
                    code: format!("P{i:05}"),
                    name: format!("指标{i}"),
                    unit: "亿元".into(),
                    frequency: Some(Frequency::Quarter),
                    region: "重庆市".into(),
                    target_value: Some(1000.0 + i as f64),
                    target_year: Some(2030),
                    baseline_value: Some(100.0),
                    baseline_year: Some(2020),
                    ..Default::default()
                },
            )
            .unwrap();
        // Two districts report; the city value is their sum.
        for q in 0..QUARTERS {
            let p = Period::Quarter(2021 + (q / 4) as i32, (q % 4 + 1) as u8);
            let v = 50.0 + (i % 7) as f64 * q as f64;
            csv.push_str(&format!("P{i:05},渝北区,{p},{v}\nP{i:05},江北区,{p},{}\n", v / 2.0));
        }
    }
    let r = store.import_observations("bench.csv", csv.as_bytes(), &ImportOptions::default(), &op()).unwrap();
    eprintln!("setup: {} indicators, {} values in {:.1} s", INDICATORS, r.inserted, t.elapsed().as_secs_f64());
    let as_of = Period::Quarter(2030, 4).end_time();
    let mut times = Vec::new();
    let mut behind = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let indicators = store.indicators(None, Some("重庆市")).unwrap();
        let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
        let obs = store.observation_values(&ids).unwrap();
        let mut by: std::collections::HashMap<i64, Vec<(&str, Period, f64)>> = Default::default();
        for o in &obs {
            by.entry(o.indicator_id).or_default().push((o.place.as_str(), o.period, o.value));
        }
        behind = 0;
        for ind in &indicators {
            let series = region_series(ind.rollup, &ind.region, by.get(&ind.id).map(Vec::as_slice).unwrap_or(&[]));
            let points: Vec<(f64, f64)> = series.iter().map(|v| (v.period.end_time(), v.value)).collect();
            let spec = TargetSpec::from_periods(
                ind.target_value.unwrap(),
                Some((Period::Year(2020), 100.0)),
                Direction::Higher,
                Period::Year(2021),
                Period::Year(2030),
            );
            let p = progress(&spec, &points, as_of, &Thresholds::default());
            behind += (p.status.key() == "behind") as usize;
        }
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(obs.len(), INDICATORS * QUARTERS as usize * 2);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "progress from the store: {INDICATORS} indicators × {QUARTERS} quarters ({} values): median {:.0} ms, min {:.0} ms over {runs} runs ({behind} behind) — goal < 1000 ms",
        INDICATORS * QUARTERS as usize * 2,
        times[times.len() / 2] * 1000.0,
        times[0] * 1000.0
    );
}

/// The operator at the command line: admin rights.
fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

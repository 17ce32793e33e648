//! How long the 任务分工表 XLSX of a ~50-task plan takes, which bounds how many requests per
//! second the web server can answer without its cache (goal: ≥ 1,000/s on 2 cores).
//!
//! `cargo bench -p planwatch-export --bench xlsx` prints the median and spread of 200 runs
//! per format, after a warm-up.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

const RUNS: usize = 200;
const WARM_UP: usize = 20;

/// Median, 10th and 90th percentile of `RUNS` timed calls, and the output size.
fn measure(name: &str, mut f: impl FnMut() -> Vec<u8>) {
    let mut size = 0;
    for _ in 0..WARM_UP {
        size = std::hint::black_box(f()).len();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "{name:<24} median {:>8.1} µs  (p10 {:>8.1}, p90 {:>8.1})  {:>6} bytes  ≈ {:>6.0} per second per core",
        median.as_secs_f64() * 1e6,
        times[RUNS / 10].as_secs_f64() * 1e6,
        times[RUNS * 9 / 10].as_secs_f64() * 1e6,
        size,
        1.0 / median.as_secs_f64()
    );
}

fn main() {
    let tasks = common::many_tasks(50);
    let targets: Vec<_> = (0..10).flat_map(|_| common::sample_targets()).collect();
    let title = format!("{}任务分工表", common::PLAN);
    measure("tasks_xlsx (50 rows)", || planwatch_export::tasks_xlsx(&title, &tasks).unwrap());
    measure("targets_xlsx (30 rows)", || planwatch_export::targets_xlsx("目标台账", &targets).unwrap());
    measure("tasks_xlsx (0 rows)", || planwatch_export::tasks_xlsx(&title, &[]).unwrap());
    measure("tasks_csv (50 rows)", || planwatch_export::tasks_csv(&tasks).unwrap());
    measure("tasks_json (50 rows)", || planwatch_export::tasks_json(&tasks).unwrap());
}

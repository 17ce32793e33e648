//! Time to render the sample report in each format: median of N runs, in ms.
//! `cargo bench -p planwatch-report` (N from `PLANWATCH_BENCH_RUNS`, default 15).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

fn median_ms(runs: usize, mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        size = black_box(f());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], size)
}

fn main() {
    let runs = std::env::var("PLANWATCH_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(15usize).max(1);
    let report = common::sample_report();
    // The first DOCX loads the system fonts once per process; keep that out of the median.
    let start = Instant::now();
    planwatch_report::docx(&report).unwrap();
    println!("docx (first, loads fonts): {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);

    let (ms, size) = median_ms(runs, || planwatch_report::html(&report).len());
    println!("html: median {ms:.2} ms of {runs} runs, {size} bytes");
    let (ms, size) = median_ms(runs, || planwatch_report::docx(&report).unwrap().len());
    println!("docx: median {ms:.2} ms of {runs} runs, {size} bytes");
    let (ms, size) = median_ms(runs, || planwatch_report::xlsx(&report).unwrap().len());
    println!("xlsx: median {ms:.2} ms of {runs} runs, {size} bytes");
}

//! Review and comparison benchmark, one thread, on the real seed and development plans.
//!
//! Run with `cargo bench -p planwatch-review --bench review` (needs `../shared` beside the
//! repository).
//!
//! * `review/000_vs_003` — [`planwatch_review::review`] of seed 000 (Chongqing future
//!   industries) against seed 003 (Chongqing S&T plan) with the built-in taxonomy. Goal: median
//!   < 50 ms.
//! * `compare/100` — [`planwatch_review::compare`] across 100 plans: the 30 extracted seed and
//!   development plans repeated, each copy its own region. Goal: median < 1 s.
//!
//! Extraction is done once before timing. Each case runs a warm-up, then `BENCH_REPS` timed
//! repetitions (default 30) and prints the median, p90 and minimum wall time.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use planwatch_core::Plan;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn load(dir: &Path) -> Vec<(Plan, String)> {
    let opts = planwatch_core::Options::default();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the benchmark needs ../shared)", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("readable");
            let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let source = planwatch_core::read::read(&bytes, &opts.read).expect("a readable plan");
            let plan = planwatch_core::extract_source(&source, &name, &opts.dicts);
            (plan, source.text)
        })
        .collect()
}

fn time<F: FnMut()>(name: &str, reps: usize, mut f: F) {
    f();
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!("{name:<20} median {:>10.3?}  p90 {:>10.3?}  min {:>10.3?}  ({reps} reps)", p(0.5), p(0.9), times[0]);
}

fn main() {
    let reps: usize = std::env::var("BENCH_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let tax = planwatch_review::Taxonomy::builtin();
    let seeds = load(&shared().join("seeds"));
    let dev = load(&shared().join("dev/raw"));
    let (d, dt) = &seeds[0];
    let (m, mt) = &seeds[3];
    time("review/000_vs_003", reps, || {
        black_box(planwatch_review::review(d, dt, m, mt, &*tax));
    });
    let all: Vec<&Plan> = seeds.iter().chain(dev.iter()).map(|(p, _)| p).collect();
    let labels: Vec<String> = (0..100).map(|i| format!("地区{i}")).collect();
    let input: Vec<(&Plan, &str)> = (0..100).map(|i| (all[i % all.len()], labels[i].as_str())).collect();
    time("compare/100", reps.min(10), || {
        black_box(planwatch_review::compare(&input, &*tax));
    });
}

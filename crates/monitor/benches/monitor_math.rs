//! Monitoring arithmetic benchmark, one thread, deterministic pseudo-random data.
//!
//! Run with `cargo bench -p planwatch-monitor --bench monitor_math`.
//!
//! * `rank/entropy_topsis` — [`rank::rank`] with entropy weights + TOPSIS on 3,000 places ×
//!   50 indicators (every fifth indicator "lower is better", 1 % of the values missing, default
//!   policy: places missing a value are not ranked). Goal: median < 50 ms.
//! * `rank/fixed` — the same matrix with fixed weights, for comparison.
//! * `rank/entropy_impute` — entropy + TOPSIS with [`MissingPolicy::ImputeMean`].
//! * `progress/batch` — [`progress::progress_batch`] for 10,000 targets × 40 quarterly values
//!   (completion, status, linear and compound forecasts with their verdicts). Goal: median < 1 s.
//!
//! Each case runs a warm-up, then `BENCH_REPS` timed repetitions (default 30) and prints the
//! median, p90 and minimum wall time. The machine may be shared and noisy: read the medians.

use std::hint::black_box;
use std::time::{Duration, Instant};

use planwatch_monitor::progress::{self, TargetSpec, Thresholds};
use planwatch_monitor::rank::{self, Column, Method, MissingPolicy, RankInput};
use planwatch_monitor::{Direction, Period};

/// xorshift64*: tiny, deterministic, good enough for benchmark data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}

struct Stats {
    median: Duration,
    p90: Duration,
    min: Duration,
}

fn measure<T>(reps: usize, mut f: impl FnMut() -> T) -> Stats {
    black_box(f()); // warm-up
    let mut times: Vec<Duration> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    let n = times.len();
    let median = if n % 2 == 1 { times[n / 2] } else { (times[n / 2 - 1] + times[n / 2]) / 2 };
    let p90 = times[((n as f64 * 0.9).ceil() as usize).clamp(1, n) - 1];
    Stats { median, p90, min: times[0] }
}

fn rank_input(rng: &mut Rng, places: usize, indicators: usize, missing: f64) -> RankInput {
    let columns: Vec<Column> = (0..indicators)
        .map(|j| {
            let dir = if j % 5 == 4 { Direction::Lower } else { Direction::Higher };
            Column::new(format!("ind{j:02}"), format!("指标{j}"), dir)
        })
        .collect();
    // Each indicator on its own scale, values log-normal-ish around it.
    let scales: Vec<f64> = (0..indicators).map(|_| 10f64.powf(rng.range(-1.0, 4.0))).collect();
    let mut values = Vec::with_capacity(places * indicators);
    for _ in 0..places {
        for s in &scales {
            values.push(if rng.unit() < missing { None } else { Some(s * rng.range(0.2, 1.0) * rng.range(0.5, 2.0)) });
        }
    }
    RankInput::new((0..places).map(|i| format!("地区{i:04}")).collect(), columns, values).expect("shape")
}

/// 10,000 targets with 40 quarterly values each (2016Q1 … 2025Q4), a mix of directions,
/// baselines, growth patterns and a few non-positive values.
fn progress_data(rng: &mut Rng, targets: usize, periods: usize) -> Vec<(TargetSpec, Vec<(f64, f64)>)> {
    let times: Vec<f64> = {
        let mut p = Period::Quarter(2016, 1);
        (0..periods)
            .map(|_| {
                let t = p.end_time();
                p = p.next();
                t
            })
            .collect()
    };
    (0..targets)
        .map(|i| {
            let lower = i % 4 == 3;
            let start_value = rng.range(10.0, 1000.0);
            let growth = if lower { rng.range(-0.06, 0.01) } else { rng.range(-0.02, 0.12) };
            let series: Vec<(f64, f64)> = times
                .iter()
                .enumerate()
                .map(|(k, &t)| {
                    let trend = start_value * (1.0 + growth).powf(k as f64 / 4.0);
                    let v = if i % 97 == 0 && k == 7 { 0.0 } else { trend * rng.range(0.97, 1.03) };
                    (t, v)
                })
                .collect();
            let target = if lower { start_value * rng.range(0.6, 0.95) } else { start_value * rng.range(1.1, 2.5) };
            let spec = TargetSpec {
                target,
                baseline: if i % 3 == 0 { None } else { Some(start_value) },
                direction: if lower { Direction::Lower } else { Direction::Higher },
                start: Period::Year(2015).end_time(),
                deadline: Period::Year(2027).end_time(),
                increment: false,
            };
            (spec, series)
        })
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench` (and possibly a filter); nothing here takes arguments.
    let reps = env_usize("BENCH_REPS", 30).max(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut rows: Vec<(&str, String, Stats, Option<f64>)> = Vec::new();

    let (m, n) = (3_000, 50);
    let input = rank_input(&mut rng, m, n, 0.0);
    let input_missing = rank_input(&mut rng, m, n, 0.01);
    let check = rank::rank(&input, &Method::EntropyTopsis, MissingPolicy::Exclude).expect("ranks");
    assert_eq!(check.places.len(), m);
    let stats = measure(reps, || rank::rank(&input, &Method::EntropyTopsis, MissingPolicy::Exclude));
    rows.push(("rank/entropy_topsis", format!("{m} places × {n} indicators"), stats, Some(50.0)));
    let fixed = Method::Fixed((1..=n).map(|j| j as f64).collect());
    let stats = measure(reps, || rank::rank(&input, &fixed, MissingPolicy::Exclude));
    rows.push(("rank/fixed", format!("{m} places × {n} indicators"), stats, None));
    let stats = measure(reps, || rank::rank(&input_missing, &Method::EntropyTopsis, MissingPolicy::ImputeMean));
    rows.push(("rank/entropy_impute", format!("{m} × {n}, 1 % missing, imputed"), stats, None));

    let (targets, periods) = (10_000, 40);
    let data = progress_data(&mut rng, targets, periods);
    let items: Vec<(TargetSpec, &[(f64, f64)])> = data.iter().map(|(s, v)| (*s, v.as_slice())).collect();
    let as_of = Period::Quarter(2025, 4).end_time();
    let th = Thresholds::default();
    let out = progress::progress_batch(&items, as_of, &th);
    assert_eq!(out.len(), targets);
    let with_linear = out.iter().filter(|p| p.forecasts.linear.is_some()).count();
    let with_compound = out.iter().filter(|p| p.forecasts.compound.is_some()).count();
    let stats = measure(reps, || progress::progress_batch(&items, as_of, &th));
    rows.push(("progress/batch", format!("{targets} targets × {periods} periods"), stats, Some(1000.0)));

    println!();
    println!("planwatch monitoring arithmetic — one thread, {reps} repetitions after a warm-up");
    println!();
    println!("{:<22} {:<34} {:>10} {:>10} {:>10}  goal", "case", "size", "median ms", "p90 ms", "min ms");
    println!("{}", "-".repeat(100));
    for (name, size, s, goal) in &rows {
        let verdict = match goal {
            Some(g) => format!("< {g} ms {}", if ms(s.median) < *g { "PASS" } else { "FAIL" }),
            None => String::new(),
        };
        println!("{name:<22} {size:<34} {:>10.3} {:>10.3} {:>10.3}  {verdict}", ms(s.median), ms(s.p90), ms(s.min));
    }
    println!();
    println!(
        "progress: {with_linear} linear and {with_compound} compound forecasts of {targets}; status counts: {}",
        progress::Status::ALL
            .iter()
            .map(|s| format!("{} {}", s.label(), out.iter().filter(|p| p.status == *s).count()))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

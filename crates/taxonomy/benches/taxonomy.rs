//! Mapping the industries of 10,000 plans to the taxonomy (every scheme), one thread: median
//! of 5 runs. `cargo bench -p planwatch-taxonomy`. The plans are generated from the industry
//! and segment names extracted from the real seeds and dev plans (`names.txt`, one a line),
//! each plan taking 32 of them with variations (a generic suffix added, full-width letters and
//! digits, a bracketed aside, a qualifier in front), so the exact table, the suffix variants
//! and the similarity are all exercised. Target: < 10 s.

use planwatch_taxonomy::Taxonomy;
use std::time::Instant;

const NAMES: &str = include_str!("names.txt");

fn vary(name: &str, k: usize) -> String {
    match k % 6 {
        0 => name.to_string(),
        1 => format!("{name}产业"),
        2 => name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c })
            .collect(),
        3 => format!("{name}（重点）"),
        4 => format!("新一代{name}"),
        _ => format!("{name}领域"),
    }
}

fn main() {
    let plans: usize = std::env::var("PLANWATCH_BENCH_PLANS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let names: Vec<&str> = NAMES.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut seed: u64 = 7;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    let items: Vec<Vec<String>> =
        (0..plans).map(|_| (0..32).map(|_| vary(names[next() % names.len()], next())).collect()).collect();
    let total: usize = items.iter().map(Vec::len).sum();
    let t = Taxonomy::builtin();
    let mut times = Vec::new();
    let mut mapped = 0;
    for _ in 0..5 {
        let start = Instant::now();
        mapped = 0;
        for plan in &items {
            for s in t.schemes() {
                mapped += t.map_all(Some(&s.id), plan).iter().filter(|m| m.mapping.is_some()).count();
            }
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "taxonomy map: {plans} plans, {total} names × {} schemes, {mapped} mappings: median {median:.3} s = {:.0} names/s",
        t.schemes().len(),
        (total * t.schemes().len()) as f64 / median
    );
}

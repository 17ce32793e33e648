//! Validation of 100,000 generated enterprise rows (CSV), one thread: rows per second,
//! median of 5 runs. `cargo bench -p planwatch-registry`. The store's end-to-end import and
//! the counts of all bindings are measured by `crates/store/benches/registry.rs`.

use planwatch_core::dict::Dictionaries;
use planwatch_registry::validate::{check, Context, Industries};
use planwatch_registry::{sample, Registries};
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("PLANWATCH_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let dicts = Dictionaries::builtin();
    let districts: Vec<(String, String)> =
        dicts.units_within("合肥市").iter().map(|p| (p.name.clone(), p.code.clone())).collect();
    let industries: Vec<String> = ["人工智能", "量子信息", "空天信息", "生物制造", "未来能源", "先进材料"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let csv = sample::enterprises_csv(n, &districts, &industries, 11);
    let registries = Registries::builtin();
    let kind = registries.kind("enterprise").expect("built-in kind");
    let ind = Industries::new(&industries);
    let ctx = Context { region: "合肥市", dicts: &dicts, industries: &ind };
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let v = check(kind, &csv, &ctx).expect("readable");
        assert!(v.is_ok() && v.entries.len() == n);
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "registry validate: {n} enterprise rows, {:.1} MB CSV: median {:.3} s = {:.0} rows/s",
        csv.len() as f64 / 1e6,
        median,
        n as f64 / median
    );
}

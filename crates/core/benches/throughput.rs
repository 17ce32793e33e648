//! Extraction throughput benchmark: bytes in → plan JSON out, one thread.
//!
//! Run with `cargo bench -p planwatch-core --bench throughput` (see `bench/run.sh`).
//!
//! For every corpus it measures, in the same run and interleaved repetition by repetition:
//!
//! * (a) `read`    — `planwatch_core::read::read` of every document (reading + decoding only);
//! * (b) `extract` — `planwatch_core::extract` + `serde_json::to_string` of every plan.
//!
//! and prints the median and minimum wall time, MB/s (1 MB = 10^6 input bytes) and the ratio
//! (b)/(a). The machine may be shared and noisy: read medians and ratios, not single runs.
//!
//! Corpora:
//!
//! * `seeds`      — the seed documents as they are (`PLANWATCH_SEEDS`, default
//!   `<repo>/../shared/seeds`);
//! * `seeds×100`  — 100 variants of every seed (variant 0 is the seed itself; variant k ≥ 1
//!   shifts the last digit of every ASCII digit run on every other line, years excepted), one
//!   document each;
//! * `concat×N`   — the first N variants of every seed concatenated into ONE document
//!   (separated by a blank line), N = 1, 10, 100, to show that time is linear in input size.
//!
//! `bench/memory.py` builds the very same `concat×100` document (same variation, same order),
//! so the two can be compared byte for byte (`BENCH_DUMP_CONCAT=FILE` writes it out).
//!
//! Environment:
//!
//! * `PLANWATCH_SEEDS`      seed directory (all regular files in it, sorted by name);
//! * `BENCH_REPS`           repetitions on the seed corpus (default 15);
//! * `BENCH_REPS_LARGE`     repetitions on the ×100 corpus (default 5);
//! * `BENCH_REPS_CONCAT`    repetitions on each concatenated document (default 3);
//! * `BENCH_VARIANTS`       number of variants per seed (default 100);
//! * `BENCH_CONCAT_MAX_SECS` skip the largest concatenation if it is predicted to take longer
//!   than this per repetition (default 120), e.g. because time grows faster than linearly;
//! * `BENCH_ONLY`           `seeds`, `large` or `concat`: run only that part (for profiling);
//! * `BENCH_DUMP_CONCAT`    write the largest concatenated document to this file and continue.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use planwatch_core::{read, Options, ReadOptions};

struct Doc {
    name: String,
    bytes: Vec<u8>,
}

fn env_usize(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(v) => v.trim().parse().unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

fn seed_dir() -> PathBuf {
    match std::env::var_os("PLANWATCH_SEEDS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"),
    }
}

fn load_seeds(dir: &Path) -> std::io::Result<Vec<Doc>> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| Ok(Doc { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes: std::fs::read(&p)? }))
        .collect()
}

/// Variant `k` of a seed: k = 0 is the seed itself; for k ≥ 1 the last digit of every run of
/// ASCII digits on lines whose index `i` (0-based) has `(i + k) % 2 == 0` is shifted by
/// `1 + (k - 1) % 9` (mod 10), except runs that look like years (4 digits starting `19`/`20`),
/// which are kept so the plan periods and target years stay as they are. Same length, still
/// plausible text. `bench/memory.py` implements exactly the same function.
fn vary(seed: &[u8], k: usize) -> Vec<u8> {
    let mut out = seed.to_vec();
    if k == 0 {
        return out;
    }
    let shift = 1 + (k - 1) % 9;
    let mut line = 0usize;
    let mut i = 0;
    while i < out.len() {
        let b = out[i];
        if b == b'\n' {
            line += 1;
            i += 1;
        } else if b.is_ascii_digit() {
            let start = i;
            while i < out.len() && out[i].is_ascii_digit() {
                i += 1;
            }
            let year = i - start == 4 && (out[start..].starts_with(b"19") || out[start..].starts_with(b"20"));
            if (line + k).is_multiple_of(2) && !year {
                let d = out[i - 1] - b'0';
                out[i - 1] = b'0' + ((d as usize + shift) % 10) as u8;
            }
        } else {
            i += 1;
        }
    }
    out
}

fn stem(name: &str) -> &str {
    name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name)
}

/// `variants` variants of every seed, variant-major (all seeds of variant 0, then of 1, …).
fn variants(seeds: &[Doc], variants: usize) -> Vec<Doc> {
    let mut out = Vec::with_capacity(seeds.len() * variants);
    for k in 0..variants {
        for s in seeds {
            out.push(Doc { name: format!("{}_v{k:03}.txt", stem(&s.name)), bytes: vary(&s.bytes, k) });
        }
    }
    out
}

/// The first `n` variants of every seed as one document, separated by a blank line.
fn concat(docs: &[Doc], n_docs: usize) -> Doc {
    let mut bytes = Vec::with_capacity(docs[..n_docs].iter().map(|d| d.bytes.len() + 2).sum());
    for (i, d) in docs[..n_docs].iter().enumerate() {
        if i > 0 {
            bytes.extend_from_slice(b"\n\n");
        }
        bytes.extend_from_slice(&d.bytes);
    }
    Doc { name: format!("concat_{n_docs}.txt"), bytes }
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2
    }
}

fn median_f(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Work done by one extract pass, to check that every corpus really is processed.
#[derive(Default, Clone, Copy, PartialEq, Debug)]
struct Counts {
    json_bytes: usize,
    outline: usize,
    targets: usize,
    tasks: usize,
    /// Input bytes of the documents normalisation converted from Traditional Chinese (OpenCC).
    converted_bytes: usize,
}

fn pass_read(docs: &[Doc], ropts: &ReadOptions) -> usize {
    let mut text = 0;
    for d in docs {
        let src = read::read(black_box(&d.bytes), ropts).unwrap_or_else(|e| panic!("{}: {e}", d.name));
        text += src.text.len();
        black_box(&src);
    }
    text
}

fn pass_extract(docs: &[Doc], opts: &Options) -> Counts {
    let mut c = Counts::default();
    for d in docs {
        let plan =
            planwatch_core::extract(black_box(&d.bytes), &d.name, opts).unwrap_or_else(|e| panic!("{}: {e}", d.name));
        let json = serde_json::to_string(&plan).expect("plan serialises");
        c.json_bytes += json.len();
        c.outline += plan.outline.len();
        c.targets += plan.targets.len();
        c.tasks += plan.tasks.len();
        if plan.source.converted_traditional {
            c.converted_bytes += d.bytes.len();
        }
        black_box(&json);
    }
    c
}

struct Row {
    corpus: String,
    docs: usize,
    bytes: usize,
    reps: usize,
    read_med: Duration,
    read_min: Duration,
    ext_med: Duration,
    ext_min: Duration,
    ratio_of_medians: f64,
    median_ratio: f64,
    counts: Counts,
}

fn mbps(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / 1e6 / t.as_secs_f64()
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}

/// Runs `reps` interleaved repetitions of (a) read and (b) extract+JSON over `docs`.
fn measure(corpus: &str, docs: &[Doc], opts: &Options, reps: usize) -> Row {
    let bytes: usize = docs.iter().map(|d| d.bytes.len()).sum();
    let mut ta = Vec::with_capacity(reps);
    let mut tb = Vec::with_capacity(reps);
    let mut ratios = Vec::with_capacity(reps);
    let mut counts = None;
    for r in 0..reps {
        let t0 = Instant::now();
        black_box(pass_read(docs, &opts.read));
        let a = t0.elapsed();
        let t1 = Instant::now();
        let c = pass_extract(docs, opts);
        let b = t1.elapsed();
        match counts {
            None => counts = Some(c),
            Some(prev) => assert_eq!(prev, c, "{corpus}: extraction is not deterministic"),
        }
        ta.push(a);
        tb.push(b);
        ratios.push(b.as_secs_f64() / a.as_secs_f64());
        eprintln!(
            "  {corpus:<12} rep {:>2}/{reps}: read {:>9.2} ms   extract+json {:>10.2} ms   ({:>6.1} MB/s)",
            r + 1,
            ms(a),
            ms(b),
            mbps(bytes, b)
        );
    }
    let (read_med, ext_med) = (median(&ta), median(&tb));
    Row {
        corpus: corpus.to_string(),
        docs: docs.len(),
        bytes,
        reps,
        read_med,
        read_min: *ta.iter().min().unwrap(),
        ext_med,
        ext_min: *tb.iter().min().unwrap(),
        ratio_of_medians: ext_med.as_secs_f64() / read_med.as_secs_f64(),
        median_ratio: median_f(&ratios),
        counts: counts.unwrap(),
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!("planwatch extraction throughput — one thread, bytes in → plan JSON out (MB = 10^6 bytes)");
    println!(
        "(a) = read::read (reading + decoding only), (b) = extract + serde_json::to_string; same run, interleaved"
    );
    println!();
    println!(
        "{:<12} {:>5} {:>9} {:>4} | {:>9} {:>9} {:>8} | {:>10} {:>10} {:>8} {:>8} | {:>8} {:>8}",
        "corpus",
        "docs",
        "MB",
        "reps",
        "(a) med",
        "(a) min",
        "(a) MB/s",
        "(b) med ms",
        "(b) min ms",
        "MB/s med",
        "MB/s max",
        "b/a",
        "med b/a"
    );
    println!("{}", "-".repeat(134));
    for r in rows {
        println!(
            "{:<12} {:>5} {:>9.3} {:>4} | {:>9.2} {:>9.2} {:>8.1} | {:>10.1} {:>10.1} {:>8.2} {:>8.2} | {:>8.1} {:>8.1}",
            r.corpus,
            r.docs,
            r.bytes as f64 / 1e6,
            r.reps,
            ms(r.read_med),
            ms(r.read_min),
            mbps(r.bytes, r.read_med),
            ms(r.ext_med),
            ms(r.ext_min),
            mbps(r.bytes, r.ext_med),
            mbps(r.bytes, r.ext_min),
            r.ratio_of_medians,
            r.median_ratio,
        );
    }
    println!();
    println!("times in ms; (a) MB/s and MB/s med use medians, MB/s max uses the fastest repetition;");
    println!("b/a = median(b)/median(a); med b/a = median of per-repetition ratios");
    println!();
    println!("OpenCC-conv. MB: input of the documents converted from Traditional Chinese — a concatenation");
    println!("containing one Traditional seed is converted whole, so concat×N converts every byte");
    println!();
    println!(
        "{:<12} {:>12} {:>9} {:>9} {:>9} {:>16} {:>14}",
        "corpus", "JSON bytes", "outline", "targets", "tasks", "OpenCC-conv. MB", "ns/input byte"
    );
    for r in rows {
        println!(
            "{:<12} {:>12} {:>9} {:>9} {:>9} {:>16.3} {:>14.1}",
            r.corpus,
            r.counts.json_bytes,
            r.counts.outline,
            r.counts.targets,
            r.counts.tasks,
            r.counts.converted_bytes as f64 / 1e6,
            r.ext_med.as_secs_f64() * 1e9 / r.bytes as f64
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench` (and possibly a filter); nothing here takes arguments.
    let dir = seed_dir();
    let seeds = match load_seeds(&dir) {
        Ok(s) if !s.is_empty() => s,
        Ok(_) => {
            println!(
                "planwatch throughput bench: no seed documents in {}; set PLANWATCH_SEEDS=DIR. Skipping.",
                dir.display()
            );
            return;
        }
        Err(e) => {
            println!(
                "planwatch throughput bench: cannot read the seed corpus at {} ({e}); set PLANWATCH_SEEDS=DIR to the \
                 seed directory. Skipping.",
                dir.display()
            );
            return;
        }
    };
    let reps = env_usize("BENCH_REPS", 15).max(1);
    let reps_large = env_usize("BENCH_REPS_LARGE", 5).max(1);
    let reps_concat = env_usize("BENCH_REPS_CONCAT", 3).max(1);
    let n_var = env_usize("BENCH_VARIANTS", 100).max(1);
    let max_secs = env_usize("BENCH_CONCAT_MAX_SECS", 120) as f64;
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let run = |part: &str| only.is_empty() || only == part;

    let opts = Options::default();
    let seed_bytes: usize = seeds.iter().map(|d| d.bytes.len()).sum();
    println!(
        "seed corpus: {} documents, {} bytes, from {}",
        seeds.len(),
        seed_bytes,
        dir.canonicalize().unwrap_or(dir.clone()).display()
    );

    // Warm-up: builds the dictionaries and OpenCC, faults in code pages.
    let t = Instant::now();
    black_box(pass_read(&seeds, &opts.read));
    black_box(pass_extract(&seeds, &opts));
    println!(
        "warm-up (first read + extract of the seeds, includes dictionary/OpenCC initialisation): {:.1} ms",
        ms(t.elapsed())
    );

    let mut rows = Vec::new();
    if run("seeds") {
        rows.push(measure("seeds", &seeds, &opts, reps));
    }

    let var = if run("large") || run("concat") { variants(&seeds, n_var) } else { Vec::new() };
    if run("large") {
        rows.push(measure(&format!("seeds×{n_var}"), &var, &opts, reps_large));
    }

    if run("concat") {
        let big = Options {
            read: ReadOptions {
                max_bytes: 256 * 1024 * 1024,
                max_unpacked_bytes: 1024 * 1024 * 1024,
                max_text_bytes: 1024 * 1024 * 1024,
            },
            dicts: opts.dicts.clone(),
        };
        let mut scales = vec![1usize];
        if n_var >= 10 {
            scales.push(10);
        }
        if n_var > 10 {
            scales.push(n_var);
        }
        if let Ok(path) = std::env::var("BENCH_DUMP_CONCAT") {
            let doc = concat(&var, n_var * seeds.len());
            std::fs::write(&path, &doc.bytes).expect("write BENCH_DUMP_CONCAT");
            println!("wrote concat×{n_var} ({} bytes) to {path}", doc.bytes.len());
        }
        let mut prev: Option<(usize, f64)> = None;
        let mut growth = 1.0f64;
        for &n in &scales {
            let doc = concat(&var, n * seeds.len());
            if let Some((pb, pt)) = prev {
                // Predict this size from the previous one with the growth exponent seen so far.
                let factor = doc.bytes.len() as f64 / pb as f64;
                let predicted = pt * factor.powf(growth.max(1.0));
                if predicted > max_secs {
                    println!(
                        "concat×{n}: SKIPPED — predicted {predicted:.0} s per repetition (time grew with exponent \
                         {growth:.2} of size so far) > BENCH_CONCAT_MAX_SECS={max_secs}"
                    );
                    break;
                }
            }
            let row = measure(&format!("concat×{n}"), std::slice::from_ref(&doc), &big, reps_concat);
            let t = row.ext_med.as_secs_f64();
            if let Some((pb, pt)) = prev {
                growth = (t / pt).ln() / (doc.bytes.len() as f64 / pb as f64).ln();
            }
            prev = Some((doc.bytes.len(), t));
            rows.push(row);
        }
    }

    print_table(&rows);

    // Linearity summary: time per input byte should not grow with the size of a document.
    let per_byte = |r: &Row| r.ext_med.as_secs_f64() / r.bytes as f64;
    let concat_rows: Vec<&Row> = rows.iter().filter(|r| r.corpus.starts_with("concat")).collect();
    if let (Some(first), Some(last)) = (concat_rows.first(), concat_rows.last()) {
        if concat_rows.len() > 1 {
            let exp = (last.ext_med.as_secs_f64() / first.ext_med.as_secs_f64()).ln()
                / (last.bytes as f64 / first.bytes as f64).ln();
            println!();
            println!(
                "linearity: {} is {:.0}× the bytes of {} and took {:.1}× the time → time ∝ size^{exp:.2} \
                 (1.00 = linear); per-byte cost ratio {:.2}",
                last.corpus,
                last.bytes as f64 / first.bytes as f64,
                first.corpus,
                last.ext_med.as_secs_f64() / first.ext_med.as_secs_f64(),
                per_byte(last) / per_byte(first)
            );
        }
    }
    if let Some(many) = rows.iter().find(|r| r.corpus.starts_with("seeds×")) {
        if let Some(one) = concat_rows.last() {
            println!(
                "one document vs many: {} at {:.2} MB/s vs {} at {:.2} MB/s (ratio {:.2})",
                one.corpus,
                mbps(one.bytes, one.ext_med),
                many.corpus,
                mbps(many.bytes, many.ext_med),
                mbps(one.bytes, one.ext_med) / mbps(many.bytes, many.ext_med)
            );
        }
    }
    // Issue 15: at least 60 MB/s on one core with the review queue and the general rules.
    let goal = 60.0;
    for r in &rows {
        let v = mbps(r.bytes, r.ext_med);
        println!(
            "goal ≥ {goal} MB/s on {:<12}: {:>8.2} MB/s  {}",
            r.corpus,
            v,
            if v >= goal { "PASS" } else { "FAIL" }
        );
    }
}

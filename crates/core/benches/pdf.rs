//! PDF reading throughput: pages per second on one core, and peak memory.
//!
//! Run with `cargo bench -p planwatch-core --bench pdf` (see `bench/run.sh`).
//!
//! The PDFs are the seed plans converted by LibreOffice (`soffice --convert-to pdf`, with a CJK
//! font installed), made in a temp directory at the start, or the PDFs of `PLANWATCH_PDFS=DIR`.
//! Without either, the bench says so and exits.
//!
//! For every repetition it measures, one thread:
//!
//! * (a) `read`    — `planwatch_core::read::read` of every PDF (parse + text layer + layout);
//! * (b) `extract` — `planwatch_core::extract` + `serde_json::to_string` of every plan;
//!
//! and prints the median and minimum, pages/s of both, and the process's peak RSS (VmHWM)
//! against the bound 5 × the largest input + 50 MB (the bench holds one document at a time).
//! Besides wall time it reads the thread's own CPU time (`/proc/thread-self/schedstat`, Linux):
//! on a shared machine wall time includes waiting for a core, CPU time does not.
//!
//! Environment: `PLANWATCH_SEEDS` (seed directory, default `<repo>/../shared/seeds`),
//! `PLANWATCH_PDFS` (use these PDFs instead), `BENCH_REPS` (default 9).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use planwatch_core::{read, Options};

struct Pdf {
    name: String,
    bytes: Vec<u8>,
    pages: usize,
}

fn seed_dir() -> PathBuf {
    match std::env::var_os("PLANWATCH_SEEDS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"),
    }
}

/// Converts the seeds to PDF with LibreOffice into a temp directory; `None` when it cannot.
fn make_pdfs() -> Option<PathBuf> {
    let seeds = seed_dir();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&seeds).ok()?.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    inputs.retain(|p| p.is_file());
    inputs.sort();
    if inputs.is_empty() {
        println!(
            "planwatch PDF bench: no seeds in {}; set PLANWATCH_SEEDS or PLANWATCH_PDFS. Skipping.",
            seeds.display()
        );
        return None;
    }
    let out = std::env::temp_dir().join(format!("planwatch-pdf-bench-{}", std::process::id()));
    std::fs::create_dir_all(&out).ok()?;
    let profile = format!("-env:UserInstallation=file://{}", out.join("profile").display());
    let status = Command::new("soffice")
        .arg(profile)
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&inputs)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => Some(out),
        _ => {
            println!(
                "planwatch PDF bench: LibreOffice (soffice) could not convert the seeds; install \
                 libreoffice-writer-nogui and fonts-wqy-zenhei, or set PLANWATCH_PDFS=DIR. Skipping."
            );
            None
        }
    }
}

fn load(dir: &Path) -> Vec<Pdf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            let pages = read::pdf::page_count(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            Pdf { name: p.file_name().unwrap().to_string_lossy().into_owned(), bytes, pages }
        })
        .collect()
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[s.len() / 2]
}

/// Time this thread has run on a CPU (Linux), if known.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(s.split_whitespace().next()?.parse().ok()?))
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let made;
    let dir = match std::env::var_os("PLANWATCH_PDFS") {
        Some(d) => PathBuf::from(d),
        None => match make_pdfs() {
            Some(d) => {
                made = d;
                made.clone()
            }
            None => return,
        },
    };
    let pdfs = load(&dir);
    if pdfs.is_empty() {
        println!("planwatch PDF bench: no PDFs in {}. Skipping.", dir.display());
        return;
    }
    let reps = std::env::var("BENCH_REPS").ok().and_then(|v| v.parse().ok()).unwrap_or(9usize).max(1);
    let opts = Options::default();
    let pages: usize = pdfs.iter().map(|p| p.pages).sum();
    let bytes: usize = pdfs.iter().map(|p| p.bytes.len()).sum();
    println!("PDF corpus: {} documents, {pages} pages, {bytes} bytes, from {}", pdfs.len(), dir.display());
    // Warm-up: dictionaries, OpenCC, code pages.
    for p in &pdfs {
        black_box(planwatch_core::extract(&p.bytes, &p.name, &opts).unwrap_or_else(|e| panic!("{}: {e}", p.name)));
    }
    let mut per_doc: Vec<Vec<Duration>> = vec![Vec::new(); pdfs.len()];
    let (mut ta, mut tb, mut ca) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..reps {
        let c0 = cpu_time();
        let t0 = Instant::now();
        for (i, p) in pdfs.iter().enumerate() {
            let t = Instant::now();
            black_box(read::read(black_box(&p.bytes), &opts.read).unwrap());
            per_doc[i].push(t.elapsed());
        }
        let a = t0.elapsed();
        if let (Some(c0), Some(c1)) = (c0, cpu_time()) {
            ca.push(c1.saturating_sub(c0));
        }
        let t1 = Instant::now();
        for p in &pdfs {
            let plan = planwatch_core::extract(black_box(&p.bytes), &p.name, &opts).unwrap();
            black_box(serde_json::to_string(&plan).unwrap());
        }
        let b = t1.elapsed();
        eprintln!("  rep {:>2}/{reps}: read {:>8.1} ms   read+extract+json {:>8.1} ms", r + 1, ms(a), ms(b));
        ta.push(a);
        tb.push(b);
    }
    println!();
    println!("{:<40} {:>6} {:>10} {:>10} {:>10}", "document", "pages", "KB", "read ms", "pages/s");
    for (p, t) in pdfs.iter().zip(&per_doc) {
        let m = median(t);
        println!(
            "{:<40} {:>6} {:>10.1} {:>10.2} {:>10.0}",
            p.name,
            p.pages,
            p.bytes.len() as f64 / 1e3,
            ms(m),
            p.pages as f64 / m.as_secs_f64()
        );
    }
    let (a, b) = (median(&ta), median(&tb));
    let amin = *ta.iter().min().unwrap();
    println!();
    println!(
        "(a) read:              median {:>8.1} ms (min {:>8.1}) → {:>7.0} pages/s median, {:>7.0} pages/s best",
        ms(a),
        ms(amin),
        pages as f64 / a.as_secs_f64(),
        pages as f64 / amin.as_secs_f64()
    );
    println!(
        "(b) read+extract+json: median {:>8.1} ms → {:>7.0} pages/s; extraction adds {:.2}× the read time",
        ms(b),
        pages as f64 / b.as_secs_f64(),
        b.as_secs_f64() / a.as_secs_f64()
    );
    if !ca.is_empty() {
        let c = median(&ca);
        println!(
            "(a) read, CPU time:    median {:>8.1} ms → {:>7.0} pages/s on one core (wall time includes waiting on a shared machine)",
            ms(c),
            pages as f64 / c.as_secs_f64()
        );
    }
    let goal = 200.0;
    let rate = pages as f64 / if ca.is_empty() { a } else { median(&ca) }.as_secs_f64();
    println!(
        "goal ≥ {goal} pages/s (read, one core, CPU time where known): {rate:.0} pages/s  {}",
        if rate >= goal { "PASS" } else { "FAIL" }
    );
    if let Some(kb) = vm_hwm_kb() {
        let largest = pdfs.iter().map(|p| p.bytes.len()).max().unwrap_or(0) as f64;
        let bound = 5.0 * largest + 50e6;
        let peak = kb as f64 * 1024.0;
        println!(
            "peak RSS of this process (VmHWM): {:.1} MB; bound 5 × largest input ({:.2} MB) + 50 MB = {:.1} MB  {}",
            peak / 1e6,
            largest / 1e6,
            bound / 1e6,
            if peak <= bound { "PASS" } else { "FAIL" }
        );
    }
    if std::env::var_os("PLANWATCH_PDFS").is_none() {
        std::fs::remove_dir_all(&dir).ok();
    }
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}

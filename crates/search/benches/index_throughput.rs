//! Indexing throughput and query latency on synthetic plans built from the seed documents.
//!
//! `cargo bench -p planwatch-search` indexes `PW_BENCH_DOCS` (default 1000) documents of about
//! 60 KB each (about 60 MB, the project's 1,000-document ingest), commits, then runs typical
//! queries and prints the median and p99 latency. Seeds are read from `PW_SEEDS` or
//! `../shared/seeds` beside the workspace; without seeds the text is generated.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use planwatch_search::{IndexDoc, SearchIndex, SearchQuery};

const DOC_BYTES: usize = 60_000;

fn seed_lines() -> Vec<String> {
    let dir = std::env::var_os("PW_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds"));
    let mut lines = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path) {
                lines.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from));
            }
        }
    }
    if lines.is_empty() {
        eprintln!("no seeds in {}; generating text", dir.display());
        let words =
            ["人工智能", "集成电路", "氢能", "新型储能", "链主企业", "科技创新", "专精特新", "产业集群", "数字经济"];
        for i in 0..2_000 {
            lines.push(format!(
                "到2027年，{}产业规模突破{i}亿元，由市经济和信息化局牵头推进{}。",
                words[i % 9],
                words[(i * 7) % 9]
            ));
        }
    }
    lines
}

/// Document `i`: seed lines taken from a rotating start with a stride, so documents differ.
fn synth_doc(i: usize, lines: &[String]) -> IndexDoc {
    let mut text = String::with_capacity(DOC_BYTES + 2_000);
    let stride = 1 + (i % 7);
    let mut k = (i * 131) % lines.len();
    while text.len() < DOC_BYTES {
        text.push_str(&lines[k]);
        text.push('\n');
        k = (k + stride) % lines.len();
    }
    IndexDoc {
        plan_id: i as i64,
        version_id: i as i64,
        title: format!("第{i}号规划 {}", lines[(i * 17) % lines.len()].chars().take(30).collect::<String>()),
        issuer: ["市政府办公厅", "市经济和信息化局", "市科技局"][i % 3].into(),
        region: ["重庆", "四川", "上海", "广东", "北京"][i % 5].into(),
        year: Some(2016 + (i % 10) as i32),
        text,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
}

/// CPU seconds (user + system) used by this process so far, where `/proc` tells (Linux): the
/// machine is shared, so wall time alone says little about the indexer's own cost.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_comm = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Peak resident memory in MB, where `/proc` tells.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    // `cargo test --benches` runs benches with `--bench`-less args; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n: usize =
        std::env::var("PW_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick { 20 } else { 1000 });
    let lines = seed_lines();
    let docs: Vec<IndexDoc> = (0..n).map(|i| synth_doc(i, &lines)).collect();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mb = bytes as f64 / 1e6;

    let tmp = std::env::temp_dir().join(format!("planwatch-search-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let index = match SearchIndex::open(&tmp) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("cannot open bench index: {e}");
            return;
        }
    };

    let cpu_before = cpu_seconds();
    let started = Instant::now();
    for chunk in docs.chunks(50) {
        if let Err(e) = index.upsert(chunk) {
            eprintln!("upsert failed: {e}");
            return;
        }
    }
    let added = started.elapsed();
    if let Err(e) = index.commit(1) {
        eprintln!("commit failed: {e}");
        return;
    }
    let total = started.elapsed();
    let cpu = cpu_before.zip(cpu_seconds()).map(|(a, b)| b - a);
    println!(
        "indexed {n} docs, {mb:.1} MB, {} units in {:.2?} (upsert {:.2?}, commit+merge {:.2?}): {:.1} MB/s; index {:.1} MB on disk",
        index.num_units(),
        total,
        added,
        total - added,
        mb / total.as_secs_f64(),
        dir_size(&tmp) as f64 / 1e6
    );
    if let Some(cpu) = cpu {
        println!(
            "indexing used {cpu:.2} CPU-s ({:.1} MB per CPU-s); peak RSS {:.0} MB",
            mb / cpu,
            peak_rss_mb().unwrap_or(0.0)
        );
    }

    let queries = [
        "人工智能",
        "集成电路",
        "氢能",
        "链主企业",
        "新型储能",
        "科技创新",
        "专精特新",
        "市经济和信息化局",
        "積體電路",
        "产业集群 数字经济",
        "\"高质量发展\"",
        "大数据 OR 算力",
        "新能源汽车",
    ];
    let rounds = if quick { 2 } else { 40 };
    let mut times = Vec::new();
    for _ in 0..rounds {
        for q in queries {
            let started = Instant::now();
            let r = index.search(&SearchQuery { q: q.into(), ..SearchQuery::default() });
            times.push(started.elapsed());
            if let Err(e) = r {
                eprintln!("query {q} failed: {e}");
            }
        }
    }
    times.sort();
    println!(
        "{} queries (limit 20, with snippets and facets): median {:.2?}, p99 {:.2?}, max {:.2?}",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default()
    );
    // Worst cases: lone characters expand to every bigram starting with them; a 10k-char paste.
    let lone = "的 了 是 在 和 有 产 业 发 展 新 能 科 技 创 中 国 市 区 县 一 二 三 四".to_string();
    let lone_or = lone.split(' ').collect::<Vec<_>>().join(" OR ");
    let paste = "推动科技创新和产业发展，".repeat(1_000);
    for (name, q) in [
        ("24 lone characters", lone.as_str()),
        ("24 lone characters OR-ed", lone_or.as_str()),
        ("one lone character", "的"),
        ("10k-char paste", paste.as_str()),
    ] {
        let started = Instant::now();
        let r = index.search(&SearchQuery { q: q.into(), ..SearchQuery::default() });
        println!("  worst case {name}: {:.2?} ({:?} units)", started.elapsed(), r.map(|r| r.total).ok());
    }
    for q in ["科技创新", "氢能", "市经济和信息化局"] {
        if let Ok(r) = index.search(&SearchQuery { q: q.into(), ..SearchQuery::default() }) {
            println!("  {q}: {} units in {} plans", r.total, r.plans);
        }
    }
    drop(index);
    let _ = std::fs::remove_dir_all(&tmp);
}

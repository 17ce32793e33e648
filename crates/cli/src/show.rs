//! `planwatch show`: a plan in the terminal.

use anyhow::Context;
use planwatch_core::{Options, Plan};
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub fn run(opts: &anyhow::Result<Options>, span: Option<&str>, file: &Path) -> anyhow::Result<ExitCode> {
    let opts = opts.as_ref().map_err(|e| anyhow::anyhow!("{e:#}"))?;
    let is_json = file.extension().is_some_and(|e| e == "json");
    if let Some(span) = span {
        let (a, b) = span.split_once(':').context("--span takes START:END, e.g. --span 120:180")?;
        let (a, b): (usize, usize) =
            (a.trim().parse().context("START is not a number")?, b.trim().parse().context("END is not a number")?);
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let source =
            planwatch_core::read::read(&bytes, &opts.read).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let text = source.text.get(a..b).with_context(|| {
            format!(
                "{a}:{b} is not a span of this document's text ({} bytes, spans end on character boundaries)",
                source.text.len()
            )
        })?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let plan: Plan = if is_json {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a plan JSON written by planwatch extract", file.display()))?
    } else {
        match crate::extract_file(file, opts) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("planwatch: {}: {e:#}", file.display());
                return Ok(ExitCode::from(1));
            }
        }
    };
    print!("{}", render(&plan));
    Ok(ExitCode::SUCCESS)
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), |x| x.to_string())
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Terminal columns of a character: two for East Asian wide and full-width characters
/// (unicode-width), at least one for every other character.
fn columns(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(1).max(1)
}

/// Pads to a display width counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s.chars().map(columns).sum();
    let mut out = s.to_string();
    for _ in w..width {
        out.push(' ');
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    let mut w = 0;
    let mut out = String::new();
    for c in s.chars() {
        w += columns(c);
        if w > max {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

pub fn render(plan: &Plan) -> String {
    let mut s = String::new();
    let m = &plan.meta;
    let _ = writeln!(s, "{}", opt(&m.title));
    let _ = writeln!(s, "文号 {}  发文机关 {}  地区 {}", opt(&m.doc_number), opt(&m.issuer), opt(&m.region));
    let period = match (m.period_start, m.period_end) {
        (Some(a), Some(b)) => format!("{a}—{b}"),
        _ => "—".into(),
    };
    let _ = writeln!(s, "成文 {}  发布 {}  规划期 {}", opt(&m.signed_date), opt(&m.published_date), period);
    let _ = writeln!(s, "\n大纲 ({} 条)", plan.outline.len());
    for o in &plan.outline {
        let _ = writeln!(s, "{}{} {}", "  ".repeat(o.level.saturating_sub(1) as usize), o.marker, o.title);
    }
    let _ = writeln!(s, "\n目标 ({} 项)", plan.targets.len());
    let _ = writeln!(s, "{}{}{}{}指标", pad("年份", 6), pad("数值", 16), pad("单位", 8), pad("限定", 6));
    for t in &plan.targets {
        let value = match t.value_max {
            Some(mx) => format!("{}—{}", num(t.value), num(mx)),
            None => num(t.value),
        };
        let base = match (t.baseline_year, t.baseline_value) {
            (Some(y), Some(v)) => format!("  (基期 {y}: {})", num(v)),
            (None, Some(v)) => format!("  (基期 {})", num(v)),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "{}{}{}{}{}{}",
            pad(&opt(&t.year), 6),
            pad(&value, 16),
            pad(&t.unit, 8),
            pad(&t.qualifier, 6),
            cut(&t.indicator, 60),
            base
        );
    }
    let _ = writeln!(s, "\n任务分工 ({} 项)", plan.tasks.len());
    for t in &plan.tasks {
        let _ = writeln!(s, "{} {}", pad(&t.path, 12), cut(&t.title, 50));
        if !t.lead.is_empty() {
            let _ = writeln!(s, "    牵头: {}", t.lead.join("、"));
        }
        if !t.responsible.is_empty() {
            let _ = writeln!(s, "    责任: {}", t.responsible.join("、"));
        }
    }
    if !plan.industries.is_empty() {
        let _ = writeln!(s, "\n产业 ({} 个)", plan.industries.len());
        for i in &plan.industries {
            let _ = writeln!(s, "{} [{}]: {}", i.name, i.group, i.segments.join("、"));
        }
    }
    if !plan.districts.is_empty() {
        let _ = writeln!(s, "\n区县布局");
        for d in &plan.districts {
            let _ = writeln!(s, "{}: {}", d.subject, d.districts.join("、"));
        }
    }
    if !plan.platforms.is_empty() {
        let _ = writeln!(s, "\n平台 ({} 个)", plan.platforms.len());
        for p in &plan.platforms {
            let _ = writeln!(s, "{} — {}", p.name, p.subject);
        }
    }
    for w in &plan.warnings {
        let _ = writeln!(s, "\n注意: {w}");
    }
    s
}

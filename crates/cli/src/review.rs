//! `planwatch review` (conformity review of a draft against its master plan) and
//! `planwatch compare` (plans side by side across regions).

use crate::workspace::{actor, open_store, Workspace};
use crate::{read_file, write_atomically, Common};
use anyhow::{bail, Context};
use planwatch_core::Plan;
use planwatch_export::grid_xlsx;
use planwatch_review::{Comparison, Finding, Review, Severity};
use std::path::Path;
use std::process::ExitCode;

use planwatch_app::review::{MarkChoice, MAX_COMPARE_PLANS};

#[derive(clap::Subcommand)]
pub enum ReviewCommand {
    /// Mark a finding of the review of stored plan DRAFT_ID against stored plan MASTER_ID:
    /// accepted (已采纳), explained (已说明, --note required) or open (未处理: the mark is
    /// cleared). FINDING_ID is the stable id the review lists (`planwatch review DRAFT_ID
    /// --against MASTER_ID`, the 审查 page). Analysts and admins (--as LOGIN); audited.
    Mark {
        /// The draft's plan id (planwatch list).
        draft: i64,
        /// The master plan's id.
        master: i64,
        /// The finding's id, e.g. tg-0123456789ab.
        finding: String,
        /// accepted, explained or open.
        #[arg(long, value_parser = ["accepted", "explained", "open"])]
        state: String,
        /// Why (required for explained; at most 2000 characters).
        #[arg(long, default_value = "")]
        note: String,
        /// Print the outcome as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ws: &Workspace, common: &Common, cmd: ReviewCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReviewCommand::Mark { draft, master, finding, state, note, json } => {
            let choice = MarkChoice::parse(&state).map_err(|e| anyhow::anyhow!("--state: {e}"))?;
            let store = open_store(ws, common)?;
            let who = actor(&store, common)?;
            let out = planwatch_app::review::set_mark(&store, &who, draft, master, &finding, choice, &note)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                let was = out.previous.as_ref().map_or("未处理", |k| k.state.label());
                let now = out.mark.as_ref().map_or("未处理", |k| k.state.label());
                if out.previous.is_none() && out.mark.is_none() {
                    println!("{}: 未处理 (no mark to clear; nothing changed)", out.finding_id);
                } else {
                    println!("{}: {was} → {now}", out.finding_id);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A plan and the text its spans index into.
pub struct Loaded {
    pub plan: Plan,
    pub text: String,
    /// Where it came from: the file or `plan N`.
    pub source: String,
    /// Analysts' confirmed taxonomy mappings of a stored plan: (scheme, item, node or none).
    pub confirmed: Vec<(String, String, Option<String>)>,
}

/// Reads one side: an existing file is extracted on the fly; otherwise a number is a stored
/// plan's id (its effective, corrected plan and its current version's text).
pub fn load(
    arg: &str,
    ws: &Workspace,
    common: &Common,
    store: &mut Option<planwatch_store::Store>,
) -> anyhow::Result<Loaded> {
    let path = Path::new(arg);
    if path.exists() {
        let opts = common.options()?;
        let bytes = read_file(path, &opts).with_context(|| arg.to_string())?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let source = planwatch_core::read::read(&bytes, &opts.read).with_context(|| arg.to_string())?;
        let plan =
            std::panic::catch_unwind(|| planwatch_core::extract_source(&source, &name, &opts.dicts)).map_err(|_| {
                anyhow::anyhow!(
                    "{arg}: internal error while extracting this file; please report it with the file attached"
                )
            })?;
        return Ok(Loaded { plan, text: source.text, source: arg.to_string(), confirmed: Vec::new() });
    }
    let Ok(id) = arg.trim().parse::<i64>() else {
        bail!("{arg}: no such file, and not a plan id (see planwatch list)");
    };
    if store.is_none() {
        *store = Some(open_store(ws, common)?);
    }
    let s = store.as_ref().expect("opened above");
    let view = s.plan_view(id).with_context(|| format!("plan {id} (see planwatch list)"))?;
    let text = s.source_text(view.version.id)?;
    let confirmed = planwatch_app::review::confirmed_mappings(s, id)?;
    Ok(Loaded { plan: view.effective.plan, text, source: format!("plan {id}"), confirmed })
}

pub fn review(
    ws: &Workspace,
    common: &Common,
    draft: &str,
    master: &str,
    format: &str,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if !matches!(format, "json" | "html" | "xlsx" | "docx") {
        bail!("--format {format}: use json, html, xlsx or docx");
    }
    // Two stored plans: reviewed once through the application layer, so the reviewers' marks
    // go with the findings (JSON, the HTML and XLSX 处理 column, the 审查意见's decisions), as on
    // the page and through the API.
    if let (Some(d), Some(m)) = (stored_id(draft), stored_id(master)) {
        let store = open_store(ws, common)?;
        let v = planwatch_app::review::review(&store, d, m)?;
        let findings: Vec<(&Finding, Option<String>)> =
            v.findings.iter().map(|f| (&f.finding, f.mark.as_ref().map(planwatch_app::review::mark_text))).collect();
        let bytes = match format {
            "json" => review_json(serde_json::to_value(&v)?, &format!("plan {d}"), &format!("plan {m}"))?,
            "html" => review_html(&v.draft_title, &v.master_title, &findings).into_bytes(),
            "docx" => planwatch_report::opinion_docx(&planwatch_app::review::opinion(&v, "planwatch"))?,
            _ => grid_xlsx(&planwatch_app::review::review_view_grid(&v))?,
        };
        emit(out, &bytes, format)?;
        report_counts(&v.draft_title, &v.master_title, v.findings.len(), v.counts);
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = None;
    let d = load(draft, ws, common, &mut store).context("the draft")?;
    let m = load(master, ws, common, &mut store).context("--against")?;
    let tax = common.taxonomy()?;
    // Each stored plan's confirmed mappings win over the automatic ones (the draft's first).
    let tax = planwatch_review::Confirmed::new(&tax, d.confirmed.iter().chain(&m.confirmed).cloned());
    let r = planwatch_review::review(&d.plan, &d.text, &m.plan, &m.text, &tax);
    let findings: Vec<(&Finding, Option<String>)> = r.findings.iter().map(|f| (f, None)).collect();
    let bytes = match format {
        "json" => review_json(serde_json::to_value(&r)?, &d.source, &m.source)?,
        "html" => review_html(&r.draft_title, &r.master_title, &findings).into_bytes(),
        "docx" => planwatch_report::opinion_docx(&opinion(&r))?,
        _ => grid_xlsx(&planwatch_app::review::review_grid(&r))?,
    };
    emit(out, &bytes, format)?;
    let counts = [Severity::High, Severity::Medium, Severity::Low].map(|s| r.count(s));
    report_counts(&r.draft_title, &r.master_title, r.findings.len(), counts);
    Ok(ExitCode::SUCCESS)
}

/// A stored plan's id when `arg` is no file (as [`load`] reads it).
fn stored_id(arg: &str) -> Option<i64> {
    (!Path::new(arg).exists()).then(|| arg.trim().parse().ok()).flatten()
}

/// The review as JSON with where each side came from.
fn review_json(mut value: serde_json::Value, draft_source: &str, master_source: &str) -> anyhow::Result<Vec<u8>> {
    if let Some(o) = value.as_object_mut() {
        o.insert("draft_source".into(), draft_source.into());
        o.insert("master_source".into(), master_source.into());
    }
    let mut v = serde_json::to_vec_pretty(&value)?;
    v.push(b'\n');
    Ok(v)
}

fn report_counts(draft: &str, master: &str, n: usize, [high, medium, low]: [usize; 3]) {
    eprintln!("planwatch: {draft} ← {master}: {n} findings ({high} 冲突, {medium} 不一致, {low} 提示)");
}

pub fn compare(
    ws: &Workspace,
    common: &Common,
    plans: &str,
    format: &str,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if !matches!(format, "json" | "html" | "xlsx") {
        bail!("--format {format}: use json, html or xlsx");
    }
    let args: Vec<&str> = plans.split([',', '，']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if args.len() < 2 {
        bail!("--plans: give at least two plans (ids or files), separated by commas");
    }
    if args.len() > MAX_COMPARE_PLANS {
        bail!("--plans: {} plans given; compare at most {MAX_COMPARE_PLANS} at a time", args.len());
    }
    let mut store = None;
    let loaded: Vec<Loaded> = args.iter().map(|a| load(a, ws, common, &mut store)).collect::<anyhow::Result<_>>()?;
    let regions: Vec<String> = loaded
        .iter()
        .map(|l| {
            l.plan.meta.region.clone().filter(|r| !r.is_empty()).unwrap_or_else(|| format!("未知地区（{}）", l.source))
        })
        .collect();
    let input: Vec<(&Plan, &str)> = loaded.iter().zip(&regions).map(|(l, r)| (&l.plan, r.as_str())).collect();
    let tax = common.taxonomy()?;
    let tax = planwatch_review::Confirmed::new(&tax, loaded.iter().flat_map(|l| l.confirmed.iter().cloned()));
    let c = planwatch_review::compare(&input, &tax);
    let bytes = match format {
        "json" => {
            let mut v = serde_json::to_vec_pretty(&c)?;
            v.push(b'\n');
            v
        }
        "html" => compare_html(&c).into_bytes(),
        _ => planwatch_app::review::compare_xlsx(&c)?,
    };
    emit(out, &bytes, format)?;
    eprintln!(
        "planwatch: {} regions, {} taxonomy nodes, {} overlaps, {} gaps, {} comparable targets, {} unmapped",
        c.regions.len(),
        c.matrix.len(),
        c.overlaps.len(),
        c.gaps.len(),
        c.targets.len(),
        c.unmapped.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn emit(out: Option<&Path>, bytes: &[u8], format: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => write_atomically(path, bytes),
        None if format == "xlsx" || format == "docx" => bail!("--format {format} needs --out FILE"),
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(bytes)?;
            Ok(())
        }
    }
}

/// The review as a 审查意见 to send (the DOCX names no login: its author is planwatch).
fn opinion(r: &Review) -> planwatch_report::Opinion {
    planwatch_report::Opinion {
        draft: r.draft_title.clone(),
        master: r.master_title.clone(),
        generated_at: planwatch_app::clock::today_beijing().to_string(),
        items: r.findings.iter().map(planwatch_app::review::opinion_item).collect(),
        ..planwatch_report::Opinion::default()
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:sans-serif;max-width:72em;margin:2em auto;line-height:1.6}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}.high{color:#b00020}.medium{color:#a15c00}.low{color:#555}blockquote{margin:.2em 0;padding-left:.6em;border-left:3px solid #ddd}";

/// The review as one HTML page; each finding with its reviewer's mark (处理), if any.
fn review_html(draft: &str, master: &str, findings: &[(&Finding, Option<String>)]) -> String {
    let mut h = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>规划符合性审查</title><style>{STYLE}</style><h1>规划符合性审查</h1><p>草案：{}<br>上位规划：{}</p><table><tr><th>编号</th><th>严重程度</th><th>类别</th><th>意见与原文</th><th>处理</th></tr>",
        esc(draft),
        esc(master)
    );
    for (f, mark) in findings {
        let sev = format!("{:?}", f.severity).to_lowercase();
        h.push_str(&format!(
            "<tr id=\"{id}\"><td>{id}</td><td class=\"{sev}\">{}</td><td>{}</td><td>{}",
            f.severity_label,
            f.group,
            esc(&f.message),
            id = esc(&f.id)
        ));
        for (label, cs) in [("草案", &f.draft), ("上位规划", &f.master)] {
            for c in cs.iter() {
                h.push_str(&format!(
                    "<blockquote>{label}（{}–{}）：{}</blockquote>",
                    c.span[0],
                    c.span[1],
                    esc(&c.sentence)
                ));
            }
        }
        let mark = mark.as_deref().map_or("未处理".to_string(), esc);
        h.push_str(&format!("</td><td>{mark}</td></tr>"));
    }
    h.push_str("</table></html>\n");
    h
}

fn compare_html(c: &Comparison) -> String {
    let mut h = format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>地区比较</title><style>{STYLE}</style><h1>地区比较</h1><table><tr><th>方向</th><th>分类节点</th>"
    );
    for r in &c.regions {
        h.push_str(&format!("<th>{}</th>", esc(r)));
    }
    h.push_str("</tr>");
    for row in &c.matrix {
        h.push_str(&format!("<tr><td>{}</td><td>{}</td>", esc(&row.top_label), esc(&row.label)));
        for cell in &row.cells {
            let names: Vec<String> = cell.iter().map(|i| esc(&i.name)).collect();
            h.push_str(&format!("<td>{}</td>", names.join("、")));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><h2>可比目标</h2><table><tr><th>指标</th>");
    for r in &c.regions {
        h.push_str(&format!("<th>{}</th>", esc(r)));
    }
    h.push_str("</tr>");
    for t in &c.targets {
        h.push_str(&format!("<tr><td>{}</td>", esc(&t.indicator)));
        for vs in &t.values {
            let cells: Vec<String> = vs
                .iter()
                .map(|v| {
                    format!("{}{}{}", v.year.map(|y| format!("{y}年 ")).unwrap_or_default(), v.value, esc(&v.unit))
                })
                .collect();
            h.push_str(&format!("<td>{}</td>", cells.join("<br>")));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></html>\n");
    h
}

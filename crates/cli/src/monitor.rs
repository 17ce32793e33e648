//! Monitoring commands: indicators, observations, templates, task reports, progress,
//! indices and rankings, reports, and the synthetic demonstration data.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use planwatch_app::monitoring;
use planwatch_monitor::{Direction, Frequency, Period, Rollup};
use planwatch_store::monitor::{ImportError, ImportOptions, IndexMethod, NewIndicator, TaskStatus};

use crate::workspace::{actor, open_store, Workspace};
use crate::{write_atomically, Common};

#[derive(Subcommand)]
pub enum IndicatorsCommand {
    /// One indicator per indicator of a plan's 目标台账: the mentions of one indicator in the
    /// text, the 专栏 table and the tasks make one indicator (value, unit and deadline of the
    /// row, the table's baseline, every sentence cited). A target the plan gives no year gets
    /// the plan's end year as its deadline, marked 推定 (inferred). Running it again changes
    /// nothing.
    FromTargets {
        /// Plan id (see `planwatch list`).
        #[arg(long)]
        plan: i64,
        /// How often districts report the new indicators: month, quarter or year.
        #[arg(long, default_value = "quarter")]
        frequency: Frequency,
    },
    /// Define an indicator by hand.
    Add {
        /// Short code districts write in their sheets (letters, digits, - or _).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        unit: String,
        /// The city or province whose units report it, e.g. 重庆市.
        #[arg(long)]
        region: String,
        /// higher (越高越好) or lower (越低越好).
        #[arg(long, default_value = "higher")]
        direction: Direction,
        #[arg(long, default_value = "quarter")]
        frequency: Frequency,
        /// How district values make the region's: sum, weighted_mean (with --weight), mean, max,
        /// min, none (city-reported only) or latest. Default: sum for counts and amounts, none
        /// for ratios and per-capita figures (weighted_mean when --weight is given).
        #[arg(long)]
        rollup: Option<Rollup>,
        /// The weight indicator of a weighted mean (its code): population, GDP, or the ratio's
        /// denominator, reported by the same units for the same periods.
        #[arg(long)]
        weight: Option<String>,
        /// Target value and its year.
        #[arg(long, requires = "year")]
        target: Option<f64>,
        #[arg(long)]
        year: Option<i32>,
        /// Baseline value and its year.
        #[arg(long, requires = "baseline_year")]
        baseline: Option<f64>,
        #[arg(long)]
        baseline_year: Option<i32>,
        /// The target is an amount to add over the period (新增 N), counted from the baseline
        /// or the value at the start, not a level to reach.
        #[arg(long)]
        increment: bool,
    },
    /// Set an indicator's baseline (the value of the plan's base year, e.g. its 2020 value):
    /// without one a level target shows 无基期值 and no completion. `--increment` /
    /// `--level` say whether the target is an amount to add (新增 N) or a level.
    Baseline {
        /// Indicator code (see `planwatch indicators list`).
        #[arg(long)]
        code: String,
        /// The baseline value; with --year.
        #[arg(long, requires = "year", conflicts_with = "clear")]
        value: Option<f64>,
        /// The baseline year, e.g. 2020.
        #[arg(long, requires = "value")]
        year: Option<i32>,
        /// Remove the baseline.
        #[arg(long)]
        clear: bool,
        #[arg(long, conflicts_with = "level")]
        increment: bool,
        #[arg(long)]
        level: bool,
    },
    /// Set how district values make the region's value of one indicator (the roll-up rule).
    /// A ratio or per-capita indicator cannot be summed.
    SetRollup {
        /// The indicator's code.
        code: String,
        /// sum, weighted_mean, mean, max, min, none (city-reported only) or latest (or 求和,
        /// 加权平均, 平均, 最大值, 最小值, 仅市级填报, 最新).
        rule: Rollup,
        /// The weight indicator's code, for weighted_mean.
        #[arg(long)]
        weight: Option<String>,
    },
    /// List indicators.
    List {
        #[arg(long)]
        plan: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum ObservationsCommand {
    /// Import an observation sheet (XLSX or CSV). Every row is checked first; a file with any
    /// bad row is refused whole, with every problem listed.
    Import {
        /// Check and report only; store nothing.
        #[arg(long)]
        dry_run: bool,
        /// When the file is refused, write every problem to this CSV (the terminal lists the
        /// first 200). One input file only.
        #[arg(long, value_name = "CSV")]
        problems: Option<PathBuf>,
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Changes of stored values (old value, new value, files, who, when), newest first.
    Changes {
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Values flagged 待核实 of a region (they count nowhere until confirmed or corrected):
    /// id, indicator, place, period, value, reason.
    Flagged {
        /// The city or province, e.g. 合肥市.
        #[arg(long)]
        region: String,
    },
    /// Confirm a value flagged 待核实 (by the id `observations flagged` lists): it counts again.
    Confirm { id: i64 },
}

#[derive(Subcommand)]
pub enum TasksCommand {
    /// Record an owner's report on a task for a period.
    Report {
        #[arg(long)]
        plan: i64,
        /// The task's number in the plan's 任务分工表 (1-based), as `planwatch progress` lists it.
        #[arg(long)]
        task: usize,
        #[arg(long)]
        period: Period,
        /// 未启动, 推进中, 已完成 or 滞后 (or not_started, in_progress, done, lagging).
        #[arg(long)]
        status: TaskStatus,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Subcommand)]
pub enum IndexCommand {
    /// Define a composite index over indicators of one region.
    Define {
        name: String,
        /// entropy-topsis (weights from the data) or fixed (weights given as CODE=WEIGHT).
        #[arg(long, default_value = "entropy-topsis")]
        method: IndexMethod,
        /// A place missing a value: exclude (not ranked) or mean (column mean).
        #[arg(long, default_value = "exclude")]
        missing: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Indicator codes, comma-separated, each optionally with =WEIGHT.
        #[arg(long, value_delimiter = ',', required = true)]
        indicators: Vec<String>,
    },
    /// List indices.
    List,
}

pub fn indicators(db: &Workspace, common: &Common, cmd: IndicatorsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    match cmd {
        IndicatorsCommand::FromTargets { plan, frequency } => {
            let made = store.indicators_from_targets(&actor(&store, common)?, plan, frequency)?;
            let new = made.iter().filter(|m| m.created).count();
            for m in &made {
                let mut notes = Vec::new();
                if m.mentions > 1 {
                    notes.push(format!("{} mentions", m.mentions));
                }
                if m.year_inferred {
                    notes.push("deadline inferred from the plan period (推定)".to_string());
                }
                println!("{}\t{}\t{}\t{}", m.code, if m.created { "new" } else { "exists" }, m.name, notes.join("; "));
            }
            let mentions: usize = made.iter().map(|m| m.mentions).sum();
            let inferred = made.iter().filter(|m| m.year_inferred).count();
            eprintln!(
                "planwatch: {} indicators from {mentions} target mentions: {new} new, {} already existed; {inferred} deadlines inferred from the plan period",
                made.len(),
                made.len() - new
            );
        }
        IndicatorsCommand::Add {
            code,
            name,
            unit,
            region,
            direction,
            frequency,
            rollup,
            weight,
            target,
            year,
            baseline,
            baseline_year,
            increment,
        } => {
            let rollup =
                rollup.unwrap_or_else(|| planwatch_monitor::indicator::default_rollup(&name, &unit, weight.is_some()));
            let ind = store.add_indicator(
                &actor(&store, common)?,
                &NewIndicator {
                    code,
                    name,
                    unit,
                    direction,
                    frequency: Some(frequency),
                    rollup,
                    rollup_weight: weight,
                    region,
                    target_value: target,
                    target_year: year,
                    baseline_value: baseline,
                    baseline_year,
                    start_year: baseline_year.map(|y| y + 1),
                    note: String::new(),
                    increment,
                },
            )?;
            println!("{}\t{}", ind.code, ind.name);
        }
        IndicatorsCommand::SetRollup { code, rule, weight } => {
            let ind = store.set_indicator_rollup(&actor(&store, common)?, &code, rule, weight.as_deref())?;
            let weight = ind.rollup_weight.map(|w| format!(" ({w})")).unwrap_or_default();
            println!("{}\t{}\t{}{weight}", ind.code, ind.name, ind.rollup.label());
        }
        IndicatorsCommand::Baseline { code, value, year, clear, increment, level } => {
            let baseline = value.zip(year);
            if baseline.is_none() && !clear && !increment && !level {
                bail!("give --value V --year Y (the baseline), --clear, --increment or --level");
            }
            let kind = if increment {
                Some(true)
            } else if level {
                Some(false)
            } else {
                None
            };
            let actor = actor(&store, common)?;
            let before = store.indicator(&code)?;
            let keep = before.as_ref().and_then(|i| i.baseline_value.zip(i.baseline_year));
            let ind =
                store.set_indicator_baseline(&actor, &code, if clear { None } else { baseline.or(keep) }, kind)?;
            let base = match ind.baseline_value.zip(ind.baseline_year) {
                Some((v, y)) => format!("{} {} ({y})", planwatch_monitor::progress::format_number(v), ind.unit),
                None => "无基期值".into(),
            };
            println!("{}\t{}\t{base}\t{}", ind.code, ind.name, if ind.increment { "新增" } else { "水平" });
        }
        IndicatorsCommand::List { plan, json } => {
            let list = store.indicators(plan, None)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for i in list {
                    let target = match (i.target_value, i.target_year) {
                        (Some(v), Some(y)) => {
                            let inferred = if i.target_year_inferred { ", 推定" } else { "" };
                            format!("{} {} ({y}{inferred})", planwatch_monitor::progress::format_number(v), i.unit)
                        }
                        _ => String::new(),
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{target}",
                        i.code,
                        i.name,
                        i.region,
                        i.frequency.label(),
                        i.direction.label(),
                        i.rollup.label()
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn observations(db: &Workspace, common: &Common, cmd: ObservationsCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    match cmd {
        ObservationsCommand::Import { dry_run, problems, files } => {
            if problems.is_some() && files.len() > 1 {
                bail!("--problems names one CSV: import one file at a time with it");
            }
            let opts = ImportOptions { dry_run, synthetic: false, computed: false };
            // Writes every problem of a refusal where --problems says; or says how to get them.
            let write_all = |total: usize, shown: usize, gz: Vec<u8>| -> anyhow::Result<()> {
                match &problems {
                    Some(out) => {
                        let mut f = std::io::BufWriter::new(
                            std::fs::File::create(out)
                                .with_context(|| format!("{}: cannot create it", out.display()))?,
                        );
                        planwatch_monitor::listing::write_csv(&gz, &mut f)
                            .and_then(|_| std::io::Write::flush(&mut f))
                            .with_context(|| format!("{}: cannot write it", out.display()))?;
                        eprintln!("planwatch: all {total} problems written to {}", out.display());
                    }
                    None if total > shown => {
                        eprintln!("  …and {} more: --problems FILE.csv writes all {total}", total - shown)
                    }
                    None => {}
                }
                Ok(())
            };
            let actor = actor(&store, common)?;
            let mut failed = false;
            for path in files {
                let bytes = std::fs::read(&path).with_context(|| format!("{}: cannot read it", path.display()))?;
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                match store.import_observations(&name, &bytes, &opts, &actor) {
                    Ok(r) => print_import(&r),
                    Err(ImportError::Refused { file, validation }) => {
                        failed = true;
                        let (shown, total, gz) = validation.problems.into_parts();
                        eprintln!("planwatch: {file}: refused, nothing stored — {total} problems:");
                        for p in &shown {
                            eprintln!("  第 {} 行 [{}] “{}”: {}。{}", p.row, p.column, p.value, p.reason, p.fix);
                        }
                        write_all(total, shown.len(), gz)?;
                    }
                    Err(e @ (ImportError::Forbidden { .. } | ImportError::Locked { .. })) => {
                        failed = true;
                        eprintln!("planwatch: {e}");
                        if let ImportError::Forbidden { rows, .. } | ImportError::Locked { rows, .. } = e {
                            let (shown, total, gz) = rows.into_parts();
                            for r in &shown {
                                eprintln!("  第 {} 行 {} {} {}: {}", r.row, r.indicator, r.place, r.period, r.reason);
                            }
                            write_all(total, shown.len(), gz)?;
                        }
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("planwatch: {e}");
                    }
                }
            }
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        ObservationsCommand::Flagged { region } => {
            for f in store.flagged_in_region(&region)? {
                println!("{}\t{}\t{}\t{}\t{}\t{}", f.id, f.code, f.place, f.period, f.value, f.reason);
            }
            Ok(ExitCode::SUCCESS)
        }
        ObservationsCommand::Confirm { id } => {
            let f = store.confirm_observation(&actor(&store, common)?, id)?;
            eprintln!("planwatch: confirmed {} {} {} = {}: it counts again", f.code, f.place, f.period, f.value);
            Ok(ExitCode::SUCCESS)
        }
        ObservationsCommand::Changes { limit } => {
            for c in store.value_changes(None, limit)? {
                println!(
                    "{}\t{}\t{}\t{}\t{} → {}\t{} → {}\t{}",
                    c.changed_at,
                    c.indicator,
                    c.place,
                    c.period,
                    c.old_value,
                    c.new_value,
                    c.old_file,
                    c.new_file,
                    c.who
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_import(r: &planwatch_store::monitor::ImportReport) {
    let verb = if r.dry_run { "checked (dry run, nothing stored)" } else { "imported" };
    eprintln!(
        "planwatch: {}: {verb}: {} rows — {} new, {} changed, {} unchanged, {} blank skipped, {} outliers to review",
        r.file_name, r.rows, r.inserted, r.updated, r.unchanged, r.blank_values, r.outlier_count
    );
    for o in &r.outliers {
        eprintln!("  待核实 第 {} 行 {} {} {} = {}: {}", o.row, o.indicator, o.place, o.period, o.value, o.reason);
    }
    if r.outlier_count > r.outliers.len() {
        eprintln!(
            "  …and {} more flagged 待核实 (see the values of the indicators)",
            r.outlier_count - r.outliers.len()
        );
    }
}

pub fn template(
    db: &Workspace,
    common: &Common,
    place: &str,
    period: Period,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let (title, rows) = monitoring::template_rows(&store, place, period)?;
    if rows.is_empty() {
        bail!(
            "no {} indicators cover {place}: make some with `planwatch indicators from-targets --plan ID` or `indicators add`",
            period.frequency().label()
        );
    }
    let bytes = planwatch_export::observation_template(&title, &rows)?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("模板_{place}_{period}.xlsx")));
    write_atomically(&out, &bytes)?;
    eprintln!("planwatch: {} indicators → {}", rows.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn tasks(db: &Workspace, common: &Common, cmd: TasksCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    match cmd {
        TasksCommand::Report { plan, task, period, status, note } => {
            store.report_task_number(&actor(&store, common)?, plan, task, period, status, &note, "命令行")?;
            eprintln!("planwatch: task {task} of plan {plan}: {} for {period}", status.label());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn index(db: &Workspace, common: &Common, cmd: IndexCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    match cmd {
        IndexCommand::Define { name, method, missing, description, indicators } => {
            let mut members = Vec::new();
            for spec in indicators {
                let (code, weight) = match spec.split_once('=') {
                    Some((c, w)) => (
                        c.trim().to_string(),
                        Some(w.trim().parse::<f64>().with_context(|| format!("weight of {c}: “{w}” is not a number"))?),
                    ),
                    None => (spec.trim().to_string(), None),
                };
                members.push((code, weight));
            }
            let def = store.define_index(&actor(&store, common)?, &name, method, &missing, &description, &members)?;
            eprintln!(
                "planwatch: index “{}” ({}, {}): {} indicators",
                def.name,
                def.region,
                def.method.label(),
                def.members.len()
            );
        }
        IndexCommand::List => {
            for d in store.indices()? {
                let codes: Vec<&str> = d.members.iter().map(|m| m.indicator.code.as_str()).collect();
                println!("{}\t{}\t{}\t{}", d.name, d.region, d.method.label(), codes.join(","));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn progress(
    db: &Workspace,
    common: &Common,
    plan: i64,
    as_of: Option<Period>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let p = monitoring::plan_progress(&store, plan, as_of, &Default::default())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} — 截至 {}", p.plan_title, p.as_of.map(|a| a.label()).unwrap_or_else(|| "无数据".into()));
    for t in &p.targets {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            t.indicator.code,
            t.indicator.name,
            t.status_label,
            t.completion.map(|c| format!("{:.1}%", c * 100.0)).unwrap_or_else(|| "—".into()),
            format_args!("时间 {:.1}%", t.elapsed * 100.0),
            t.verdict
        );
    }
    for (status, n) in &p.counts {
        println!("{status}\t{n}");
    }
    if !p.lagging_tasks.is_empty() {
        println!("滞后任务:");
        for t in &p.lagging_tasks {
            println!("  {}\t{}\t{}\t{}", t.lead, t.task_title, t.period, t.note);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn rank(
    db: &Workspace,
    common: &Common,
    index: &str,
    period: Option<Period>,
    json: bool,
    publish: bool,
    confirm: bool,
) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let view = monitoring::ranking(&store, index, period)?;
    if publish {
        if let Some(caution) = view.caution() {
            if !confirm {
                bail!(
                    "not published: the ranking of {} rests on data that {caution}; wait for the approval and check of the figures, or publish with --confirm (the 榜单 will say so)",
                    view.period
                );
            }
        }
        let rev = monitoring::publish(&store, &actor(&store, common)?, &view, "")?;
        eprintln!("planwatch: published “{}” {} as revision {rev}", view.index.name, view.period);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} — {} ({})", view.index.name, view.period.label(), view.index.method.label());
    for (code, w) in &view.weights {
        println!("  权重 {code}\t{w:.4}");
    }
    for r in &view.rows {
        let change = match r.change {
            Some(c) if c > 0 => format!("▲{c}"),
            Some(c) if c < 0 => format!("▼{}", -c),
            Some(_) => "—".into(),
            None => "新".into(),
        };
        println!("{}\t{}\t{:.4}\t{change}", r.rank, r.place, r.score);
    }
    for u in &view.unranked {
        println!("未排名\t{}\t{}", u.0, u.1);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn report(
    db: &Workspace,
    common: &Common,
    plan: i64,
    kind: &str,
    period: Option<Period>,
    format: &str,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let kind: planwatch_report::ReportKind = match kind {
        "quarterly" => planwatch_report::ReportKind::Quarterly,
        "midterm" => planwatch_report::ReportKind::Midterm,
        "final" => planwatch_report::ReportKind::Final,
        other => bail!("--kind {other}: use quarterly, midterm or final"),
    };
    // The DOCX names its author: the account of `--as` (checked), else "planwatch" (never the
    // operator's login on this machine, which a sent document should not carry).
    let author = match common.as_user.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(_) => actor(&store, common)?.login,
        None => "planwatch".to_string(),
    };
    let report = monitoring::build_report(&store, plan, kind, period, None, &author)?;
    let bytes = match format {
        "html" => planwatch_report::html(&report).into_bytes(),
        "docx" => planwatch_report::docx(&report)?,
        "xlsx" => planwatch_report::xlsx(&report)?,
        other => bail!("--format {other}: use docx, html or xlsx"),
    };
    write_atomically(out, &bytes)?;
    eprintln!("planwatch: {} → {} ({} bytes)", report.title, out.display(), bytes.len());
    Ok(ExitCode::SUCCESS)
}

pub fn sample_data(db: &Workspace, common: &Common, plan: Option<i64>, seed: u64) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let summary = monitoring::sample::load(&store, plan, seed)?;
    eprintln!("planwatch: {summary}");
    Ok(ExitCode::SUCCESS)
}

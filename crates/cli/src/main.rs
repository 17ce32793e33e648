//! The `planwatch` command-line tool.

mod accounts;
mod monitor;
mod registry;
mod review;
mod show;
mod taxonomy;
mod workspace;

use anyhow::Context;
use clap::{Parser, Subcommand};
use planwatch_core::{Dictionaries, Options, ReadOptions};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "planwatch",
    version,
    about = "规划实施监测评估系统 — read development plans into structured, traceable plans"
)]
struct Cli {
    /// The workspace store: an SQLite file, or a shared PostgreSQL database given as
    /// postgres://USER:PASSWORD@HOST:PORT/DATABASE (env PLANWATCH_DB).
    #[arg(long, global = true, value_name = "PATH|URL", env = "PLANWATCH_DB", default_value = "planwatch.db")]
    db: String,
    /// The search index directory (derived from the store, rebuilt when missing; env
    /// PLANWATCH_INDEX_DIR). Default: `<db>.index/` beside an SQLite file, `planwatch.index/` in the
    /// working directory for PostgreSQL — one per server process.
    #[arg(long, global = true, value_name = "DIR", env = "PLANWATCH_INDEX_DIR")]
    index_dir: Option<PathBuf>,
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract plans (plan JSON v1) from .txt, .md, .html, .docx or .pdf documents.
    Extract {
        /// Write DIR/<file stem>.json for each input instead of printing JSON to stdout.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Documents to read.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print a readable summary of a document: outline tree, targets and tasks.
    Show {
        /// Print the source text of a span `START:END` (byte offsets) instead of the summary.
        #[arg(long, value_name = "START:END")]
        span: Option<String>,
        /// A document, or a plan JSON written by `planwatch extract`.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Store documents in the workspace (idempotent: the same bytes twice change nothing;
    /// changed bytes of a known plan become a new version).
    Ingest {
        /// Documents, or directories to walk for .txt/.md/.html/.docx/.pdf files (.doc/.wps/.ofd
        /// are recognised and refused with advice).
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
    },
    /// List the plans of the workspace.
    List,
    /// The plan family (规划体系): with PLAN_ID, the plans it cites as its basis (parents), the
    /// plans citing it (children), its unresolved references and the proposed master plan;
    /// without, the plans by level and the unresolved titles across the workspace.
    Family {
        /// Plan id (see `planwatch list`).
        plan: Option<i64>,
        /// Print JSON (the API's form) instead of text.
        #[arg(long)]
        json: bool,
        /// Page of the unresolved titles (overview only; 50 a page).
        #[arg(long, default_value_t = 1)]
        page: usize,
    },
    /// Correct a plan's title, issuer or region (analysts and admins; `--as LOGIN` to write as
    /// an account). A plan whose text has no title line gets one here, and the plans citing that
    /// title then resolve to it. Kept apart from the extraction, over every version; audited.
    Meta {
        /// Plan id (see `planwatch list`).
        plan: i64,
        /// The plan's full title, without 《》 (one line, at most 200 characters).
        #[arg(long)]
        title: Option<String>,
        /// The issuing office(s) (at most 200 characters; "" for none).
        #[arg(long)]
        issuer: Option<String>,
        /// 全国, or a province or city (重庆市, 四川省; "" for none).
        #[arg(long)]
        region: Option<String>,
        /// Withdraw the correction of a field (title, issuer or region): the machine value again.
        #[arg(long, value_name = "FIELD")]
        revert: Vec<String>,
        /// Why (kept with the correction and in the audit log).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List the stored versions of a plan.
    Versions {
        /// Plan id (see `planwatch list`).
        plan: i64,
    },
    /// Full-text search over all documents; prints one JSON object per hit.
    Search {
        /// Only plans of this region (e.g. 重庆市).
        #[arg(long)]
        region: Option<String>,
        /// Only plans of this issuer.
        #[arg(long)]
        issuer: Option<String>,
        /// Only plans of this year.
        #[arg(long)]
        year: Option<i32>,
        /// Number of hits.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Words to find (simplified or traditional).
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
    },
    /// Re-extract stored documents made by an older planwatch (corrections are re-applied).
    Reextract,
    /// Monitoring indicators: make them from a plan's targets, define, list.
    Indicators {
        #[command(subcommand)]
        command: monitor::IndicatorsCommand,
    },
    /// Observations (indicator × place × period values): import sheets, list changes.
    Observations {
        #[command(subcommand)]
        command: monitor::ObservationsCommand,
    },
    /// Write the XLSX a district fills in for a period (with data validation).
    Template {
        /// The district, county or zone (official name or GB/T 2260 code), e.g. 渝北区.
        #[arg(long)]
        place: String,
        /// The period, e.g. 2025Q3, 2025-03 or 2025.
        #[arg(long)]
        period: planwatch_monitor::Period,
        /// Where to write it (default 模板_<place>_<period>.xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Registries (名录): enterprises and their tiers, scenarios, technology demands, the
    /// promotion catalogue, talent, innovation resources — import, approve, publish, bind.
    Registry {
        #[command(subcommand)]
        command: registry::RegistryCommand,
    },
    /// The reference taxonomy of industries: tree with plan counts, a plan's mapping, the
    /// unmapped items.
    Taxonomy {
        #[command(subcommand)]
        command: taxonomy::TaxonomyCommand,
    },
    /// Task progress reports by owners.
    Tasks {
        #[command(subcommand)]
        command: monitor::TasksCommand,
    },
    /// Progress of a plan's targets: completion, time elapsed, status, forecasts; lagging tasks.
    Progress {
        #[arg(long)]
        plan: i64,
        /// The period to measure at (default: the newest with data).
        #[arg(long)]
        as_of: Option<planwatch_monitor::Period>,
        #[arg(long)]
        json: bool,
    },
    /// Composite indices: define, list.
    Index {
        #[command(subcommand)]
        command: monitor::IndexCommand,
    },
    /// Rank a region's units by a composite index for a period.
    Rank {
        #[arg(long)]
        index: String,
        /// Default: the newest period with data.
        #[arg(long)]
        period: Option<planwatch_monitor::Period>,
        #[arg(long)]
        json: bool,
        /// Freeze this ranking as the period's published list (榜单), as a new revision.
        #[arg(long)]
        publish: bool,
        /// Publish even though the ranking rests on figures not yet approved or leaves out
        /// values flagged 待核实 (the 榜单 then says so).
        #[arg(long, requires = "publish")]
        confirm: bool,
    },
    /// Write a monitoring report of a plan.
    Report {
        #[arg(long)]
        plan: i64,
        /// quarterly, midterm or final.
        #[arg(long, default_value = "quarterly")]
        kind: String,
        /// Default: the newest period with data.
        #[arg(long)]
        period: Option<planwatch_monitor::Period>,
        /// docx, html or xlsx.
        #[arg(long, default_value = "docx")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Load synthetic, seeded, clearly labelled demonstration data: indicators from a plan's
    /// targets, 8+ quarters of values for every district of its region, an index, task
    /// reports and a published ranking. Running it again changes nothing.
    SampleData {
        /// The plan (default: the plan with the most targets whose region has map boundaries).
        #[arg(long)]
        plan: Option<i64>,
        #[arg(long, default_value_t = 2025)]
        seed: u64,
    },
    /// Write a consistent copy of the store to FILE while others may go on writing.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the store's content by a backup (checked first). Restart a running server
    /// afterwards: its search index is rebuilt from the restored store.
    Restore {
        /// A file written by `planwatch backup`.
        file: PathBuf,
    },
    /// Check the store's integrity (SQLite and planwatch's own invariants); exit 1 on problems.
    Check {
        /// Check this file (a backup) instead of the store.
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Serve the workspace: zh-CN pages and the JSON API under /api/v1.
    Serve {
        /// Address to listen on (loopback unless told otherwise).
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Token that unlocks uploads and corrections (env PLANWATCH_ADMIN_TOKEN; a random one
        /// is printed when unset).
        #[arg(long, env = "PLANWATCH_ADMIN_TOKEN", hide_env_values = true)]
        admin_token: Option<String>,
        /// Largest upload, in bytes (default 32 MiB).
        #[arg(long, default_value_t = 32 * 1024 * 1024)]
        max_upload: usize,
        /// The address users reach the server at, e.g. https://planwatch.example.gov.cn
        /// (env PLANWATCH_PUBLIC_URL). https marks session cookies Secure.
        #[arg(long, env = "PLANWATCH_PUBLIC_URL")]
        public_url: Option<String>,
        /// The server is reached only through a proxy that appends the client's address to
        /// X-Forwarded-For (env PLANWATCH_BEHIND_PROXY): the login throttle then counts failures
        /// by that address, not by the proxy's. Leave it off when clients connect directly,
        /// since they could forge the header.
        #[arg(long, env = "PLANWATCH_BEHIND_PROXY")]
        behind_proxy: bool,
    },
    /// User accounts: add, list, disable, enable, passwd, token, tokens, revoke.
    User {
        #[command(subcommand)]
        command: accounts::UserCommand,
    },
    /// The audit log: every write with who, when, old and new value, source and request id.
    Audit {
        #[command(flatten)]
        filter: accounts::AuditArgs,
    },
    /// Approval of district figures: list, submit, approve, return, unapprove.
    Approval {
        #[command(subcommand)]
        command: accounts::ApprovalCommand,
    },
    /// Conformity review (规划符合性审查) of a draft against its master plan: targets,
    /// directions, tasks and period, each finding citing the sentences on both sides.
    /// `planwatch review mark …` marks a finding of a review of two stored plans.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Review {
        #[command(subcommand)]
        command: Option<review::ReviewCommand>,
        /// The draft: a document (extracted on the fly) or a stored plan id. (A document
        /// named `mark` is given as `./mark`.)
        #[arg(value_name = "DRAFT", required = true)]
        draft: Option<String>,
        /// The master plan: a document or a stored plan id.
        #[arg(long, value_name = "MASTER", required = true)]
        against: Option<String>,
        /// json, html, xlsx or docx (审查意见 to send).
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to FILE instead of stdout (required for xlsx and docx).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Compare plans across regions: taxonomy × region matrix, overlaps, gaps, comparable
    /// targets side by side.
    Compare {
        /// Plans separated by commas: stored plan ids or documents.
        #[arg(long, value_name = "ID,ID,…")]
        plans: String,
        /// json, html or xlsx.
        #[arg(long, default_value = "json")]
        format: String,
        /// Write to FILE instead of stdout (required for xlsx).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Options of every command, accepted before or after the subcommand (`global`).
#[derive(clap::Args, Clone)]
struct Common {
    /// Largest input file accepted, in bytes (default 64 MiB; env PLANWATCH_MAX_SIZE).
    #[arg(long, global = true, value_name = "BYTES", env = "PLANWATCH_MAX_SIZE")]
    max_size: Option<u64>,
    /// Largest text a document may become, in bytes (default 64 MiB; env PLANWATCH_MAX_TEXT):
    /// a small DOCX can unpack to far more, and what a document costs grows with its text.
    #[arg(long, global = true, value_name = "BYTES", env = "PLANWATCH_MAX_TEXT")]
    max_text: Option<u64>,
    /// Directory with dictionaries extending the built-in ones (departments.toml, places.toml,
    /// zones.toml, cues.toml, registries.toml, taxonomy/*.toml; env PLANWATCH_DATA).
    #[arg(long, global = true, value_name = "DIR", env = "PLANWATCH_DATA")]
    data: Option<PathBuf>,
    /// Number of threads (default: all cores).
    #[arg(long, short = 'j', global = true, value_name = "N")]
    jobs: Option<usize>,
    /// Write as this user account, with its role's rights (env PLANWATCH_AS). Without it the
    /// command line acts as the operator (admin rights: whoever can open the store file can
    /// change anything in it), recorded under the login name.
    #[arg(long = "as", global = true, value_name = "LOGIN", env = "PLANWATCH_AS")]
    as_user: Option<String>,
}

impl Common {
    fn options(&self) -> anyhow::Result<Options> {
        let mut read = ReadOptions::default();
        if let Some(max) = self.max_size {
            read.max_bytes = max;
            read.max_unpacked_bytes = max.saturating_mul(4);
        }
        if let Some(max) = self.max_text {
            read.max_text_bytes = max;
        }
        let dicts = match &self.data {
            Some(dir) => Arc::new(
                Dictionaries::load(dir).with_context(|| format!("loading dictionaries from {}", dir.display()))?,
            ),
            None => Dictionaries::builtin(),
        };
        Ok(Options { read, dicts })
    }

    /// The reference taxonomy: built in, extended by `taxonomy/*.toml` in `--data`.
    fn taxonomy(&self) -> anyhow::Result<Arc<planwatch_taxonomy::Taxonomy>> {
        Ok(match &self.data {
            Some(dir) => Arc::new(
                planwatch_taxonomy::Taxonomy::load(&[dir])
                    .with_context(|| format!("loading the taxonomy from {}", dir.join("taxonomy").display()))?,
            ),
            None => planwatch_taxonomy::Taxonomy::builtin(),
        })
    }

    /// The kinds of registry: built in, extended by `registries.toml` in `--data`.
    fn registries(&self) -> anyhow::Result<Arc<planwatch_registry::Registries>> {
        Ok(match &self.data {
            Some(dir) => Arc::new(
                planwatch_registry::Registries::load(dir)
                    .with_context(|| format!("loading registry kinds from {}", dir.display()))?,
            ),
            None => planwatch_registry::Registries::builtin(),
        })
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let ws = workspace::Workspace::new(&cli.db, cli.index_dir.clone());
    let common = &cli.common;
    let result = match cli.command {
        Command::Extract { out, files } => extract(out.as_deref(), common, &files),
        Command::Show { span, file } => show::run(&common.options(), span.as_deref(), &file),
        Command::Ingest { paths } => workspace::ingest(&ws, common, &paths),
        Command::List => workspace::list(&ws, common),
        Command::Versions { plan } => workspace::versions(&ws, common, plan),
        Command::Meta { plan, title, issuer, region, revert, note } => {
            workspace::meta(&ws, common, plan, [title, issuer, region], &revert, &note)
        }
        Command::Family { plan, json, page } => workspace::family(&ws, common, plan, json, page),
        Command::Search { region, issuer, year, limit, query } => workspace::search(
            &ws,
            common,
            workspace::SearchArgs { query: query.join(" "), region, issuer, year, limit },
        ),
        Command::Reextract => workspace::reextract(&ws, common),
        Command::Indicators { command } => monitor::indicators(&ws, common, command),
        Command::Observations { command } => monitor::observations(&ws, common, command),
        Command::Template { place, period, out } => monitor::template(&ws, common, &place, period, out),
        Command::Tasks { command } => monitor::tasks(&ws, common, command),
        Command::Registry { command } => registry::run(&ws, common, command),
        Command::Taxonomy { command } => taxonomy::run(&ws, common, command),
        Command::Progress { plan, as_of, json } => monitor::progress(&ws, common, plan, as_of, json),
        Command::Index { command } => monitor::index(&ws, common, command),
        Command::Rank { index, period, json, publish, confirm } => {
            monitor::rank(&ws, common, &index, period, json, publish, confirm)
        }
        Command::Report { plan, kind, period, format, out } => {
            monitor::report(&ws, common, plan, &kind, period, &format, &out)
        }
        Command::SampleData { plan, seed } => monitor::sample_data(&ws, common, plan, seed),
        Command::Backup { out } => workspace::backup(&ws, common, &out),
        Command::Restore { file } => workspace::restore(&ws, common, &file),
        Command::Check { file, json } => workspace::check(&ws, common, file.as_deref(), json),
        Command::Serve { addr, admin_token, max_upload, public_url, behind_proxy } => workspace::serve(
            &ws,
            common,
            workspace::ServeArgs { addr, admin_token, max_upload, public_url, behind_proxy },
        ),
        Command::User { command } => accounts::user(&ws, common, command),
        Command::Audit { filter } => accounts::audit(&ws, common, filter),
        Command::Approval { command } => accounts::approval(&ws, common, command),
        Command::Review { command: Some(command), .. } => review::run(&ws, common, command),
        Command::Review { command: None, draft, against, format, out } => match (draft, against) {
            (Some(draft), Some(against)) => review::review(&ws, common, &draft, &against, &format, out.as_deref()),
            _ => Err(anyhow::anyhow!("give the draft and --against MASTER (see planwatch review --help)")),
        },
        Command::Compare { plans, format, out } => review::compare(&ws, common, &plans, &format, out.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("planwatch: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Reads one file, checking its size before reading it whole.
pub(crate) fn read_file(path: &Path, opts: &Options) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| anyhow::anyhow!("cannot open it: {e}"))?;
    if meta.is_dir() {
        anyhow::bail!("it is a directory, not a document");
    }
    if meta.len() > opts.read.max_bytes {
        anyhow::bail!("{}", planwatch_core::ReadError::TooLarge { size: meta.len(), limit: opts.read.max_bytes });
    }
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read it: {e}"))
}

pub(crate) fn extract_file(path: &Path, opts: &Options) -> anyhow::Result<planwatch_core::Plan> {
    let bytes = read_file(path, opts)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // The core must not panic on any input (it is fuzzed); should it still, one file fails
    // with a clear message instead of the whole run.
    match std::panic::catch_unwind(|| planwatch_core::extract(&bytes, &name, opts)) {
        Ok(result) => Ok(result?),
        Err(_) => anyhow::bail!("internal error while extracting this file; please report it with the file attached"),
    }
}

fn extract(out: Option<&Path>, common: &Common, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let opts = common.options()?;
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create output directory {}", dir.display()))?;
    }
    if let Some(n) = common.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    // Output names must be unique: two inputs with the same stem would overwrite each other.
    if out.is_some() {
        let mut seen = std::collections::HashMap::new();
        for f in files {
            let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            if let Some(prev) = seen.insert(stem.clone(), f) {
                anyhow::bail!(
                    "{} and {} would both be written to {stem}.json; rename one of them",
                    prev.display(),
                    f.display()
                );
            }
        }
    }
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    if files.len() < 2 || out.is_none() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    } else {
        bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").expect("valid template"));
    }
    let results: Vec<(PathBuf, anyhow::Result<String>)> = files
        .par_iter()
        .map(|path| {
            let res = extract_file(path, &opts).and_then(|plan| {
                let json = serde_json::to_string_pretty(&plan)?;
                if let Some(dir) = out {
                    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    write_atomically(&dir.join(format!("{stem}.json")), json.as_bytes())?;
                }
                Ok(json)
            });
            bar.inc(1);
            (path.clone(), res)
        })
        .collect();
    bar.finish_and_clear();
    let mut failed = 0;
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    for (path, res) in &results {
        match res {
            Ok(json) => {
                if out.is_none() {
                    writeln!(stdout, "{json}")?;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("planwatch: {}: {e:#}", path.display());
            }
        }
    }
    if files.len() > 1 {
        eprintln!(
            "planwatch: {} of {} files extracted{}",
            files.len() - failed,
            files.len(),
            out.map(|d| format!(" into {}", d.display())).unwrap_or_default()
        );
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Writes a temporary file beside `path`, then renames it: a crash never leaves half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

//! Workspace commands: ingest, list, versions, search, reextract, serve.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use planwatch_search::{SearchIndex, SearchQuery};
use planwatch_store::{Actor, Channel, IngestOutcome, Location, PlanOrder, Store, StoreOptions};
use rayon::prelude::*;

use crate::Common;

/// File extensions `ingest DIR` picks up (content still decides the format). Legacy `.doc`,
/// `.wps` and `.ofd` are picked up too, so that each is reported with the way to convert it
/// instead of being skipped in silence.
const DOCUMENT_EXTENSIONS: &[&str] =
    &["txt", "text", "md", "markdown", "html", "htm", "xhtml", "shtml", "docx", "pdf", "doc", "wps", "ofd"];

/// Where the command's store and search index are.
pub struct Workspace {
    pub location: Location,
    /// The search index: derived from the store, one per process that serves or searches.
    pub index: PathBuf,
}

impl Workspace {
    pub fn new(db: &str, index: Option<PathBuf>) -> Workspace {
        let location = Location::parse(db);
        let index = index.unwrap_or_else(|| match &location {
            Location::Sqlite(path) => index_dir(path),
            Location::Postgres(_) => PathBuf::from("planwatch.index"),
        });
        Workspace { location, index }
    }

    /// For messages: the file, or the server URL without its password.
    pub fn display(&self) -> String {
        self.location.display()
    }
}

pub fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_else(|| "planwatch.db".into());
    name.push(".index");
    db.with_file_name(name)
}

pub fn open_store(db: &Workspace, common: &Common) -> anyhow::Result<Store> {
    let opts = common.options()?;
    if let Location::Sqlite(path) = &db.location {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
    }
    let registries = common.registries()?;
    let taxonomy = common.taxonomy()?;
    Ok(Store::open_at(&db.location, StoreOptions { dicts: opts.dicts, read: opts.read, registries, taxonomy })?)
}

/// Who the command writes as: the account named by `--as` (its role's rights apply), or the
/// operator at the command line.
pub fn actor(store: &Store, common: &Common) -> anyhow::Result<Actor> {
    match common.as_user.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(login) => {
            let user =
                store.user(login)?.with_context(|| format!("--as {login}: no such account (planwatch user list)"))?;
            if user.disabled {
                anyhow::bail!("--as {login}: the account is disabled");
            }
            Ok(user.actor(Channel::Cli, ""))
        }
        None => Ok(Actor::operator(
            &std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "operator".into()),
        )),
    }
}

fn open_index(db: &Workspace) -> anyhow::Result<SearchIndex> {
    let dir = &db.index;
    SearchIndex::open(dir).with_context(|| format!("opening the search index {}", dir.display()))
}

/// Files named on the command line, directories walked recursively (hidden entries skipped).
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}: cannot open it", p.display()))?;
        if meta.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                let mut entries: Vec<_> = std::fs::read_dir(&dir)
                    .with_context(|| format!("{}: cannot list it", dir.display()))?
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|e| !e.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                    .collect();
                entries.sort();
                for e in entries {
                    if e.is_dir() {
                        stack.push(e);
                    } else if e
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| DOCUMENT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
                    {
                        out.push(e);
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

pub fn ingest(db: &Workspace, common: &Common, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let opts = common.options()?;
    if let Some(n) = common.jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let files = collect(paths)?;
    if files.is_empty() {
        anyhow::bail!("no documents found (looked for {})", DOCUMENT_EXTENSIONS.join(", "));
    }
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    if files.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    } else {
        bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}").expect("valid template"));
    }
    let store_opts = StoreOptions { dicts: opts.dicts.clone(), read: opts.read.clone(), ..StoreOptions::default() };
    let actor = actor(&store, common)?;
    let (mut new, mut versions, mut unchanged) = (0, 0, 0);
    let mut failures: Vec<(PathBuf, String)> = Vec::new();
    // Extract a batch on all cores, then store it one document (one transaction) at a time.
    for batch in files.chunks(64) {
        let prepared: Vec<(PathBuf, anyhow::Result<Option<planwatch_store::Prepared>>)> = batch
            .par_iter()
            .map(|path| {
                let res = (|| {
                    let bytes = crate::read_file(path, &opts)?;
                    if let Some((doc, _)) = store.find_by_hash(&planwatch_store::sha256_hex(&bytes))? {
                        let _ = doc;
                        return Ok(None);
                    }
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    match std::panic::catch_unwind(|| planwatch_store::prepare(&name, bytes, &store_opts)) {
                        Ok(p) => Ok(Some(p?)),
                        Err(_) => anyhow::bail!("internal error while extracting this file; please report it"),
                    }
                })();
                (path.clone(), res)
            })
            .collect();
        for (path, res) in prepared {
            bar.inc(1);
            match res.and_then(|p| match p {
                Some(p) => Ok(Some(store.commit(&actor, p)?)),
                None => Ok(None),
            }) {
                Ok(None) | Ok(Some(IngestOutcome::Unchanged { .. })) => unchanged += 1,
                Ok(Some(IngestOutcome::New { .. })) => new += 1,
                Ok(Some(IngestOutcome::NewVersion { unmatched_corrections, document_id, seq, .. })) => {
                    versions += 1;
                    if unmatched_corrections > 0 {
                        bar.println(format!(
                            "planwatch: {}: version {seq} of plan {document_id}; {unmatched_corrections} correction(s) no longer match and are listed for review",
                            path.display()
                        ));
                    }
                }
                Err(e) => failures.push((path, format!("{e:#}"))),
            }
        }
    }
    bar.finish_and_clear();
    // Bring the search index up to date (a running server would also do it on its own).
    match open_index(db).and_then(|ix| planwatch_app::sync::sync_blocking(&store, &ix).map_err(anyhow::Error::msg)) {
        Ok(_) => {}
        Err(e) => eprintln!(
            "planwatch: search index not updated now ({e:#}); it is brought up to date by the next search or serve"
        ),
    }
    eprintln!(
        "planwatch: {} files: {new} new, {versions} new versions, {unchanged} unchanged, {} failed (store {})",
        files.len(),
        failures.len(),
        db.display()
    );
    for (path, reason) in &failures {
        eprintln!("  failed: {}: {reason}", path.display());
    }
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

pub fn list(db: &Workspace, common: &Common) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    for p in store.list_plans(PlanOrder::Title)? {
        println!(
            "{}\t{}\t{}\t{}\t目标 {}\t任务 {}\t版本 {}\t更正 {}",
            p.id, p.title, p.issuer, p.doc_number, p.n_targets, p.n_tasks, p.n_versions, p.n_corrected
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn versions(db: &Workspace, common: &Common, plan: i64) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let vs = store.versions(plan)?;
    if vs.is_empty() {
        anyhow::bail!("no plan {plan} in {}; `planwatch list` shows the plans", db.display());
    }
    for v in vs {
        println!(
            "{}\tversion {}{}\t{}\t{} bytes\t{}\tsha256 {}",
            v.id,
            v.seq,
            if v.current { " (current)" } else { "" },
            v.file_name,
            v.size,
            v.ingested_at,
            v.sha256
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `planwatch family [PLAN_ID]`: a plan's family, or the workspace's overview.
/// `planwatch meta`: corrects (or withdraws the corrections of) a plan's title, issuer and
/// region in one write, then brings the search index up to date (the title is searched).
pub fn meta(
    db: &Workspace,
    common: &Common,
    plan: i64,
    values: [Option<String>; 3],
    revert: &[String],
    note: &str,
) -> anyhow::Result<ExitCode> {
    use planwatch_store::MetaField;
    let mut changes: Vec<(MetaField, Option<String>)> =
        MetaField::ALL.into_iter().zip(values).filter_map(|(f, v)| v.map(|v| (f, Some(v)))).collect();
    for raw in revert {
        let f =
            MetaField::parse(raw).with_context(|| format!("--revert {raw}: the field is title, issuer or region"))?;
        if changes.iter().any(|(g, _)| *g == f) {
            anyhow::bail!("--revert {raw}: the same field cannot be corrected and withdrawn at once");
        }
        changes.push((f, None));
    }
    if changes.is_empty() {
        anyhow::bail!("nothing to change: give --title, --issuer, --region or --revert FIELD");
    }
    let store = open_store(db, common)?;
    let actor = actor(&store, common)?;
    if store.plan_rev(plan)?.is_none() {
        anyhow::bail!("no plan {plan} (planwatch list)");
    }
    store.correct_meta_fields(&actor, plan, &changes, note)?;
    let view = store.plan_view(plan)?;
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    for f in MetaField::ALL {
        let value = f.get(&view.effective.plan.meta).unwrap_or_default();
        let mark = match view.effective.meta_correction(f) {
            Some(c) if c.original.is_empty() => "  [已更正; machine: none]".to_string(),
            Some(c) => format!("  [已更正; machine: {}]", c.original),
            None => String::new(),
        };
        writeln!(out, "{}\t{value}{mark}", f.as_str())?;
    }
    if let Err(e) =
        open_index(db).and_then(|ix| planwatch_app::sync::sync_blocking(&store, &ix).map_err(anyhow::Error::msg))
    {
        eprintln!("planwatch: the search index was not updated ({e:#}); it catches up at the next ingest or serve");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn family(db: &Workspace, common: &Common, plan: Option<i64>, json: bool, page: usize) -> anyhow::Result<ExitCode> {
    use planwatch_app::family;
    let store = open_store(db, common)?;
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    let Some(id) = plan else {
        if page == 0 {
            anyhow::bail!("--page counts from 1");
        }
        let o = family::overview(&store, page)?;
        if json {
            writeln!(out, "{}", serde_json::to_string_pretty(&o)?)?;
            return Ok(ExitCode::SUCCESS);
        }
        for g in &o.levels {
            writeln!(out, "{} ({} plans)", g.label, g.plans.len())?;
            for p in &g.plans {
                let parents: Vec<String> = p.parents.iter().map(|x| format!("{} {}", x.id, x.title)).collect();
                writeln!(
                    out,
                    "  {}\t{}\t{}\tbasis: {}\tcited by {}\tunresolved {}",
                    p.plan.id,
                    p.plan.title,
                    p.plan.region,
                    if parents.is_empty() { "-".to_string() } else { parents.join("; ") },
                    p.n_children,
                    p.n_unresolved
                )?;
            }
        }
        writeln!(out, "unresolved titles: {} (page {}/{})", o.unresolved_total, o.page, o.pages)?;
        for u in &o.unresolved {
            let citers: Vec<String> = u.citers.iter().map(|(p, _)| p.id.to_string()).collect();
            writeln!(out, "  《{}》\t{}\t{} plans: {}", u.title, u.kind, u.n_plans, citers.join(","))?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    let f = match family::family(&store, id) {
        Err(planwatch_store::StoreError::NotFound(_)) => {
            anyhow::bail!("no plan {id} in {}; `planwatch list` shows the plans", db.display())
        }
        other => other?,
    };
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&f)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}\t{}\t{}{}", f.plan.id, f.plan.title, f.plan.level_label, if f.draft { "\tdraft" } else { "" })?;
    let line = |r: &family::ReferenceView| match &r.resolved {
        Some(x) => format!(
            "《{}》 → {} {} ({}, {}, score {:.2})",
            r.title, x.plan.id, x.plan.title, x.plan.level_label, x.how, x.score
        ),
        None => format!("《{}》 ({}, {})", r.title, r.relation_label, if r.kind == "law" { "law" } else { "plan" }),
    };
    writeln!(out, "parents (basis): {}", f.parents.len())?;
    for r in &f.parents {
        writeln!(out, "  {}", line(r))?;
    }
    writeln!(out, "mentioned: {}", f.mentioned.len())?;
    for r in &f.mentioned {
        writeln!(out, "  {}", line(r))?;
    }
    writeln!(out, "children: {}", f.children.len())?;
    for c in &f.children {
        writeln!(
            out,
            "  {} {} ({}, {} as 《{}》, score {:.2})",
            c.plan.id, c.plan.title, c.plan.level_label, c.relation_label, c.cited_as, c.score
        )?;
    }
    writeln!(out, "unresolved: {}", f.unresolved.len())?;
    for r in &f.unresolved {
        writeln!(out, "  {}\t{}", line(r), r.sentence)?;
    }
    match &f.master {
        Some(m) => writeln!(out, "proposed master plan: {} {} — {}", m.plan.id, m.plan.title, m.reason)?,
        None => writeln!(out, "proposed master plan: none (no resolved basis parent of a higher level)")?,
    }
    Ok(ExitCode::SUCCESS)
}

pub struct SearchArgs {
    pub query: String,
    pub region: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub limit: usize,
}

pub fn search(db: &Workspace, common: &Common, a: SearchArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let ix = open_index(db)?;
    if let Err(e) = planwatch_app::sync::sync_blocking(&store, &ix) {
        eprintln!(
            "planwatch: the search index could not be brought up to date ({e}); results may miss recent documents"
        );
    }
    let q = SearchQuery {
        q: a.query,
        region: a.region,
        issuer: a.issuer,
        year: a.year,
        limit: a.limit,
        ..Default::default()
    };
    let res = ix.search(&q)?;
    let mut out = std::io::stdout().lock();
    for h in res.hits {
        use std::io::Write;
        writeln!(out, "{}", serde_json::to_string(&h)?)?;
    }
    eprintln!("planwatch: {} matching paragraphs in {} plans", res.total, res.plans);
    Ok(ExitCode::SUCCESS)
}

pub fn reextract(db: &Workspace, common: &Common) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let n = store.reextract_stale(|i, total| eprint!("\rplanwatch: re-extracted {i}/{total}"))?;
    eprintln!("\nplanwatch: {n} versions re-extracted with extractor {}", planwatch_core::EXTRACTOR_VERSION);
    Ok(ExitCode::SUCCESS)
}

pub struct ServeArgs {
    pub addr: SocketAddr,
    pub admin_token: Option<String>,
    pub max_upload: usize,
    pub public_url: Option<String>,
    pub behind_proxy: bool,
}

pub fn serve(db: &Workspace, common: &Common, a: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = Arc::new(open_store(db, common)?);
    // Plans extracted by an older planwatch are re-extracted before serving (corrections are
    // re-applied or listed for review).
    let n = store.reextract_stale(|_, _| {})?;
    if n > 0 {
        eprintln!("planwatch: {n} stored versions re-extracted with extractor {}", planwatch_core::EXTRACTOR_VERSION);
    }
    let index = Arc::new(open_index(db)?);
    let bootstrap_open = store.bootstrap_open()?;
    let token = match a.admin_token.filter(|t| !t.trim().is_empty()) {
        Some(t) => {
            if t.len() < 12 {
                anyhow::bail!("the admin token is too short: use at least 12 characters (PLANWATCH_ADMIN_TOKEN)");
            }
            t
        }
        None => {
            let t = planwatch_web::auth::generate_token();
            if bootstrap_open {
                eprintln!(
                    "planwatch: no admin account yet; to set one up, log in at /login with the admin token {t} \
                     (or run `planwatch user add NAME --role admin`)"
                );
            }
            t
        }
    };
    if !bootstrap_open && !store.has_admin()? {
        // The token closed for good with the first admin: recovery is a job for the operator.
        eprintln!(
            "planwatch: no enabled admin account, and the admin token works only until the first admin exists: \
             run `planwatch user enable NAME` or `planwatch user add NAME --role admin`"
        );
    }
    if !a.addr.ip().is_loopback() {
        eprintln!("planwatch: listening on {} — reachable from other machines; put TLS in front of it", a.addr);
    }
    let secure_cookies = a.public_url.as_deref().is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"));
    let config = planwatch_web::Config {
        addr: a.addr,
        admin_token: token,
        max_upload: a.max_upload,
        secure_cookies,
        behind_proxy: a.behind_proxy,
    };
    let state = planwatch_web::AppState::new(store, index, config);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(planwatch_web::serve(state)).with_context(|| format!("cannot serve on {}", a.addr))?;
    Ok(ExitCode::SUCCESS)
}

pub fn backup(db: &Workspace, common: &Common, out: &Path) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let size = store.backup(out)?;
    eprintln!("planwatch: backup of {} written to {} ({size} bytes, checked)", db.display(), out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn restore(db: &Workspace, common: &Common, file: &Path) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    let report = store.restore(&actor(&store, common)?, file)?;
    // The search index is left alone: the restore set the store's search floor, so every
    // index (this one at the next search, a running server's within seconds) rebuilds itself
    // from the restored store. Removing the directory under a running server broke its index.
    eprintln!(
        "planwatch: {} restored from {} ({} plans, {} versions, {} observations); running servers rebuild their search index by themselves",
        db.display(),
        file.display(),
        report.documents,
        report.versions,
        report.observations
    );
    Ok(ExitCode::SUCCESS)
}

pub fn check(db: &Workspace, common: &Common, file: Option<&Path>, json: bool) -> anyhow::Result<ExitCode> {
    let report = match file {
        Some(f) => planwatch_store::maintenance::check_file(f)?,
        None => {
            if let Location::Sqlite(path) = &db.location {
                if !path.exists() {
                    anyhow::bail!("{} does not exist (--db or PLANWATCH_DB)", path.display());
                }
            }
            open_store(db, common)?.check()?
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "schema {} · {} plans, {} versions, {} originals, {} indicators, {} observations, {} imports",
            report.schema_version,
            report.documents,
            report.versions,
            report.blobs,
            report.indicators,
            report.observations,
            report.imports
        );
        for p in &report.problems {
            println!("problem: {p}");
        }
        println!("{}", if report.is_ok() { "ok" } else { "DAMAGED: restore a backup (planwatch restore FILE)" });
    }
    Ok(if report.is_ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

//! `planwatch registry …`: the registries the plans order (企业白名单与梯度培育, 应用场景, 技术需求,
//! 推广目录, 人才需求, 创新资源) — kinds, templates, imports, exports, approval, batches and
//! bindings of counts to indicators. Every write goes through the store's methods, which check
//! the actor (`--as LOGIN`) and audit the change.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use planwatch_monitor::Period;
use planwatch_registry::export::ExportRow;
use planwatch_store::registry::{EntryStatus, RegistryFilter, RegistryImportError, RegistryImportOptions, MAX_PAGE};
use planwatch_store::Store;

use crate::workspace::{actor, open_store, Workspace};
use crate::{write_atomically, Common};

#[derive(Subcommand)]
pub enum RegistryCommand {
    /// List the kinds of registry and their columns.
    Kinds,
    /// Write the XLSX template of a kind (its columns, and what each takes on a 说明 sheet).
    Template {
        kind: String,
        /// The city or province (its districts are listed on the 说明 sheet).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import a sheet (XLSX, or CSV in UTF-8 or GBK): validated whole, refused whole with every
    /// bad row listed.
    Import {
        kind: String,
        file: PathBuf,
        /// The city or province (default: the account's region).
        #[arg(long)]
        region: Option<String>,
        /// Validate and count only; store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write every problem of a refusal to this CSV.
        #[arg(long, value_name = "FILE.csv")]
        problems: Option<PathBuf>,
    },
    /// Export a kind's entries (filtered) as XLSX, or CSV when FILE ends in .csv.
    Export {
        kind: String,
        #[arg(long)]
        region: Option<String>,
        /// A district (name, short name or code).
        #[arg(long)]
        place: Option<String>,
        #[arg(long)]
        industry: Option<String>,
        /// The current tier, exactly.
        #[arg(long)]
        tier: Option<String>,
        /// draft, submitted or approved (or 草稿, 已报送, 已审核).
        #[arg(long)]
        status: Option<String>,
        /// Members of published batch N.
        #[arg(long)]
        batch: Option<i64>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Submit draft entries for approval (district editors: their own district's).
    Submit {
        kind: String,
        #[arg(long)]
        region: Option<String>,
        /// Every draft entry the account may submit.
        #[arg(long, conflicts_with = "keys")]
        all: bool,
        /// Keys of the entries (e.g. credit codes).
        keys: Vec<String>,
    },
    /// Approve entries (analysts).
    Approve {
        kind: String,
        #[arg(long)]
        region: Option<String>,
        /// Every draft or submitted entry of the region.
        #[arg(long, conflicts_with = "keys")]
        all: bool,
        keys: Vec<String>,
    },
    /// Publish the approved entries as the next batch (第N批), with its diff against the last.
    Publish {
        kind: String,
        #[arg(long)]
        region: Option<String>,
    },
    /// List the published batches and what each changed.
    Batches {
        kind: String,
        #[arg(long)]
        region: Option<String>,
    },
    /// Bind an indicator to the count of a kind's approved entries by district and quarter.
    Bind {
        indicator: String,
        kind: String,
        /// field=value (by field id or zh name), e.g. 梯度层级=专精特新中小企业; repeatable.
        #[arg(long)]
        filter: Vec<String>,
    },
    /// Link an entry to a plan item it serves (industry/…, task/…, target/…, platform/…).
    Link {
        kind: String,
        key: String,
        #[arg(long)]
        region: Option<String>,
        /// The plan's id (planwatch list).
        #[arg(long)]
        plan: i64,
        /// The item key, e.g. industry/人工智能.
        #[arg(long)]
        item: String,
    },
    /// Print one entry with its history, tier history, links and batches (JSON).
    Show {
        kind: String,
        key: String,
        #[arg(long)]
        region: Option<String>,
    },
    /// Load the synthetic registry (合成示例数据) of a region: ~300 enterprises with tier
    /// histories over 8 quarters ending LAST, scenarios, demands, resources from the plans'
    /// platforms, two published batches. A region that has synthetic entries is left alone.
    Sample {
        #[arg(long)]
        region: String,
        #[arg(long, default_value = "2026Q3")]
        last: Period,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the counts of a bound indicator by district for quarters FROM..=TO.
    Counts {
        indicator: String,
        #[arg(long)]
        from: Period,
        #[arg(long)]
        to: Period,
    },
}

fn region_of(store: &Store, common: &Common, given: Option<String>) -> anyhow::Result<String> {
    if let Some(r) = given.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()) {
        return Ok(r);
    }
    let a = actor(store, common)?;
    if !a.region.is_empty() {
        return Ok(a.region);
    }
    bail!("--region is required (the city or province of the registry, e.g. 合肥市)")
}

fn kind_of<'a>(store: &'a Store, kind: &str) -> anyhow::Result<&'a planwatch_registry::Kind> {
    store.registries().kind(kind).with_context(|| {
        let known: Vec<String> = store.registries().kinds().iter().map(|k| format!("{} ({})", k.id, k.name)).collect();
        format!("unknown kind “{kind}”: one of {}", known.join(", "))
    })
}

pub fn run(db: &Workspace, common: &Common, cmd: RegistryCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db, common)?;
    match cmd {
        RegistryCommand::Kinds => {
            for k in store.registries().kinds() {
                println!("{}\t{}\t{}", k.id, k.name, k.title());
                for f in &k.fields {
                    let role = if f.id == k.key { " [key]" } else { "" };
                    let req = if f.required { "必填" } else { "选填" };
                    println!("  {}\t{}\t{}\t{req}{role}", f.id, f.name, f.kind.label());
                }
            }
        }
        RegistryCommand::Template { kind, region, out } => {
            let kind = kind_of(&store, &kind)?;
            let region = region.unwrap_or_default();
            let places: Vec<String> = store.dicts().units_within(&region).iter().map(|p| p.name.clone()).collect();
            let grid = planwatch_registry::export::template(kind, &region, &places);
            write_atomically(&out, &planwatch_export::grid_xlsx(&grid)?)?;
            eprintln!("planwatch: wrote {}", out.display());
        }
        RegistryCommand::Import { kind, file, region, dry_run, problems } => {
            let region = region_of(&store, common, region)?;
            let bytes = std::fs::read(&file).with_context(|| format!("{}: cannot read it", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let opts = RegistryImportOptions { dry_run, synthetic: false };
            let actor = actor(&store, common)?;
            let listing = match store.import_registry(&kind, &region, &name, &bytes, &opts, &actor) {
                Ok(r) => {
                    let verb = if r.dry_run { "checked (dry run, nothing stored)" } else { "imported" };
                    eprintln!(
                        "planwatch: {}: {verb}: {} rows — {} new, {} changed, {} unchanged",
                        r.file_name, r.rows, r.inserted, r.updated, r.unchanged
                    );
                    if !r.unknown_columns.is_empty() {
                        eprintln!("  未识别的列(未读取):{}", r.unknown_columns.join("、"));
                    }
                    return Ok(ExitCode::SUCCESS);
                }
                Err(RegistryImportError::Refused { file, validation }) => {
                    eprintln!("planwatch: {file}: refused, nothing stored — {} problems:", validation.problems.total());
                    validation.problems
                }
                Err(RegistryImportError::Forbidden { file, scope, rows }) => {
                    eprintln!("planwatch: {file}: refused, nothing stored — {} rows outside {scope}:", rows.total());
                    rows
                }
                Err(e) => return Err(e.into()),
            };
            let (shown, total, gz) = listing.into_parts();
            for p in &shown {
                eprintln!("  第 {} 行 [{}] “{}”: {}。{}", p.row, p.column, p.value, p.reason, p.fix);
            }
            match problems {
                Some(out) => {
                    let mut f = std::io::BufWriter::new(
                        std::fs::File::create(&out).with_context(|| format!("{}: cannot create it", out.display()))?,
                    );
                    planwatch_monitor::listing::write_csv(&gz, &mut f)
                        .and_then(|_| std::io::Write::flush(&mut f))
                        .with_context(|| format!("{}: cannot write it", out.display()))?;
                    eprintln!("planwatch: all {total} problems written to {}", out.display());
                }
                None if total > shown.len() => {
                    eprintln!("  …and {} more: --problems FILE.csv writes all {total}", total - shown.len())
                }
                None => {}
            }
            return Ok(ExitCode::from(1));
        }
        RegistryCommand::Export { kind, region, place, industry, tier, status, batch, out } => {
            let k = kind_of(&store, &kind)?;
            let status = status.map(|s| s.parse::<EntryStatus>()).transpose().map_err(anyhow::Error::msg)?;
            let mut filter = RegistryFilter {
                region: region.unwrap_or_default(),
                place: place.unwrap_or_default(),
                industry: industry.unwrap_or_default(),
                tier: tier.unwrap_or_default(),
                status,
                batch,
                offset: 0,
                limit: MAX_PAGE,
                ..RegistryFilter::default()
            };
            let mut rows = Vec::new();
            loop {
                let page = store.registry_entries(&k.id, &filter)?;
                let n = page.entries.len() as i64;
                rows.extend(page.entries.into_iter().map(|e| ExportRow {
                    fields: e.fields,
                    status: e.status.label().to_string(),
                    updated_at: e.updated_at,
                }));
                filter.offset += n;
                if n == 0 || filter.offset >= page.total {
                    break;
                }
            }
            let title = format!("{}{}", filter.region, k.title());
            let grid = planwatch_registry::export::export(k, &title, &rows, Vec::new());
            let bytes = if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                planwatch_export::grid_csv(&grid)?
            } else {
                planwatch_export::grid_xlsx(&grid)?
            };
            write_atomically(&out, &bytes)?;
            eprintln!("planwatch: wrote {} entries to {}", rows.len(), out.display());
        }
        RegistryCommand::Submit { kind, region, all, keys } | RegistryCommand::Approve { kind, region, all, keys }
            if !all && keys.is_empty() =>
        {
            let _ = (kind, region);
            bail!("name the entries by key, or give --all")
        }
        RegistryCommand::Submit { kind, region, keys, .. } => {
            let region = region_of(&store, common, region)?;
            let n = store.submit_registry(&actor(&store, common)?, &kind, &region, &keys)?;
            eprintln!("planwatch: {n} entries submitted");
        }
        RegistryCommand::Approve { kind, region, keys, .. } => {
            let region = region_of(&store, common, region)?;
            let n = store.approve_registry(&actor(&store, common)?, &kind, &region, &keys)?;
            eprintln!("planwatch: {n} entries approved");
        }
        RegistryCommand::Publish { kind, region } => {
            let region = region_of(&store, common, region)?;
            let b = store.publish_registry_batch(&actor(&store, common)?, &kind, &region)?;
            println!(
                "第{}批\t{} entries\t+{} -{} ~{}",
                b.number,
                b.members,
                b.diff.added.len(),
                b.diff.removed.len(),
                b.diff.changed.len()
            );
        }
        RegistryCommand::Batches { kind, region } => {
            let region = region_of(&store, common, region)?;
            for b in store.registry_batches(&kind, &region)? {
                println!(
                    "第{}批\t{}\t{}\t{} entries\t+{} -{} ~{}",
                    b.number,
                    b.published_at,
                    b.published_by,
                    b.members,
                    b.diff.added.len(),
                    b.diff.removed.len(),
                    b.diff.changed.len()
                );
                for c in &b.diff.changed {
                    let fields: Vec<&str> = c.changes.iter().map(|x| x.field.as_str()).collect();
                    println!("  ~ {}: {}", c.key, fields.join(", "));
                }
            }
        }
        RegistryCommand::Bind { indicator, kind, filter } => {
            let b = store.bind_registry(&actor(&store, common)?, &indicator, &kind, &filter)?;
            let f: Vec<String> = b.filter.iter().map(|f| format!("{}={}", f.field, f.value)).collect();
            eprintln!("planwatch: {} = count of {} in {} ({})", b.indicator_code, b.kind, b.region, f.join(", "));
        }
        RegistryCommand::Link { kind, key, region, plan, item } => {
            let region = region_of(&store, common, region)?;
            store.link_registry_entry(&actor(&store, common)?, &kind, &region, &key, plan, &item)?;
            eprintln!("planwatch: {key} linked to plan {plan} {item}");
        }
        RegistryCommand::Show { kind, key, region } => {
            let region = region_of(&store, common, region)?;
            let d = store
                .registry_entry(&kind, &region, &key)?
                .with_context(|| format!("no {kind} entry {key} in {region}"))?;
            println!("{}", serde_json::to_string_pretty(&d)?);
        }
        RegistryCommand::Sample { region, last, seed } => {
            let r = store.load_registry_sample(&actor(&store, common)?, &region, seed, last)?;
            let entries: Vec<String> = r.entries.iter().map(|(k, n)| format!("{k} {n}")).collect();
            let batches: Vec<String> = r.batches.iter().map(|(k, n)| format!("{k} 第{n}批")).collect();
            eprintln!(
                "planwatch: 合成示例数据 of {region}: {} sheets imported; entries: {}; batches published: {}; {} resources linked to their plan sentence",
                r.imports,
                entries.join(", "),
                if batches.is_empty() { "none (already loaded)".to_string() } else { batches.join(", ") },
                r.links
            );
        }
        RegistryCommand::Counts { indicator, from, to } => {
            let binding = store
                .registry_bindings()?
                .into_iter()
                .find(|b| b.indicator_code == indicator)
                .with_context(|| format!("{indicator} is bound to no registry (planwatch registry bind)"))?;
            let mut periods = vec![from];
            while periods.len() < 400 && *periods.last().unwrap_or(&to) != to {
                let next = periods[periods.len() - 1].next();
                periods.push(next);
            }
            for c in store.registry_counts(&binding, &periods)? {
                println!("{}\t{}\t{}", c.place, c.period, c.count);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

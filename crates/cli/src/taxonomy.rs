//! `planwatch taxonomy …`: the reference taxonomy of industries (issue 18 item 2) — the tree
//! with per-node plan counts, one plan's (stored, or a file extracted on the fly) industries
//! and segments mapped in every scheme, the unmapped items of the workspace, and an analyst's
//! confirmation of one item's node (`confirm`, `--withdraw` to go back to the automatic
//! mapping) — the store checks the actor (`--as LOGIN`) and audits, as for the page.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use planwatch_app::taxonomy::{self as app, SchemeMapping};

use crate::workspace::{actor, open_store, Workspace};
use crate::Common;
use planwatch_store::{TaxonomyConfirm, TaxonomyItemKind};

#[derive(Subcommand)]
pub enum TaxonomyCommand {
    /// The schemes and their nodes (depth first) with the number of stored plans mapped to each
    /// node or one below it.
    Tree {
        /// Only this scheme (future, sei2018, or a city's own).
        #[arg(long)]
        scheme: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A plan's industries and segments mapped in every scheme: node path, score, method.
    /// PLAN is a stored plan's id or a document file (extracted, not stored).
    Map {
        #[arg(value_name = "PLAN_ID_OR_FILE")]
        plan: String,
        #[arg(long)]
        json: bool,
    },
    /// Confirm or change the node of one industry or segment of a stored plan (`--node ID`, or
    /// `--none`: it belongs to no node of the scheme), or withdraw the confirmation
    /// (`--withdraw`: the automatic mapping applies again everywhere). Analysts and admins
    /// (--as LOGIN); audited. Node ids: `planwatch taxonomy tree`; items: `taxonomy map PLAN_ID`.
    Confirm {
        /// The plan's id (planwatch list).
        #[arg(value_name = "PLAN_ID")]
        plan: i64,
        /// industry or segment.
        #[arg(long, value_parser = ["industry", "segment"])]
        kind: String,
        /// The industry's or segment's name as the plan's mapping lists it.
        #[arg(long)]
        item: String,
        /// The node, e.g. fut.info.ai (its scheme is the node's).
        #[arg(long, value_name = "NODE_ID", required_unless_present_any = ["none", "withdraw"],
              conflicts_with_all = ["none", "withdraw"])]
        node: Option<String>,
        /// The item belongs to no node of --scheme.
        #[arg(long, requires = "scheme", conflicts_with = "withdraw")]
        none: bool,
        /// Withdraw the confirmation (of --scheme; without it, the item's only confirmation).
        #[arg(long)]
        withdraw: bool,
        /// The scheme (future, sei2018, or a city's own); needed with --none.
        #[arg(long)]
        scheme: Option<String>,
        /// Why (at most 1000 characters).
        #[arg(long, default_value = "", conflicts_with = "withdraw")]
        note: String,
    },
    /// Items of the stored plans no node takes (below the similarity threshold, or confirmed
    /// as none), plan by plan.
    Unmapped {
        /// Only this scheme (default: every scheme).
        #[arg(long)]
        scheme: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn print_mapping(schemes: &[SchemeMapping]) {
    for s in schemes {
        println!(
            "== {} ({}, {}): {} mapped, {} unmapped",
            s.scheme.name,
            s.scheme.id,
            s.scheme.version,
            s.mapped.len(),
            s.unmapped.len()
        );
        for i in &s.mapped {
            let node = i.node.as_ref().map(|n| format!("{} [{}]", n.path_text(), n.id)).unwrap_or_default();
            let score = if i.is_confirmed() { "-".to_string() } else { format!("{:.2}", i.score) };
            let how = i.source.map_or("", |m| m.label());
            println!("{}\t{}\t{node}\t{score}\t{how}", i.kind.label(), i.name);
        }
        for i in &s.unmapped {
            let why = if i.is_confirmed() { "人工确认不属于任何节点" } else { "未归类" };
            println!("{}\t{}\t-\t-\t{why}", i.kind.label(), i.name);
        }
    }
}

pub fn run(db: &Workspace, common: &Common, cmd: TaxonomyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        TaxonomyCommand::Tree { scheme, json } => {
            let store = open_store(db, common)?;
            let mut tree = app::tree(&store)?;
            if let Some(id) = scheme.as_deref() {
                if !tree.schemes.iter().any(|s| s.scheme.id == id) {
                    let known: Vec<&str> = tree.schemes.iter().map(|s| s.scheme.id.as_str()).collect();
                    anyhow::bail!("--scheme {id}: no such scheme; known: {}", known.join(", "));
                }
                tree.schemes.retain(|s| s.scheme.id == id);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&tree)?);
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "taxonomy {}: {} nodes, {} synonyms; counts over {} of {} plans",
                tree.version, tree.node_count, tree.synonym_count, tree.plans_counted, tree.plans_total
            );
            for s in &tree.schemes {
                println!("== {} ({}, {}) — {}", s.scheme.name, s.scheme.id, s.scheme.version, s.scheme.source);
                for n in &s.nodes {
                    let pad = "  ".repeat(usize::from(n.level.saturating_sub(1)));
                    println!("{pad}{}\t{}\t{}", n.name, n.id, n.plans);
                }
            }
        }
        TaxonomyCommand::Map { plan, json } => {
            let mapping = match plan.trim().parse::<i64>() {
                Ok(id) => {
                    let store = open_store(db, common)?;
                    app::plan_taxonomy(&store, id)?
                }
                Err(_) => {
                    let path = PathBuf::from(&plan);
                    let opts = common.options()?;
                    let extracted = crate::extract_file(&path, &opts).with_context(|| format!("{}", path.display()))?;
                    let tax = common.taxonomy()?;
                    app::PlanTaxonomy {
                        document_id: None,
                        title: extracted.meta.title.clone().unwrap_or_else(|| extracted.doc.clone()),
                        version: tax.version(),
                        schemes: app::map_plan(&tax, &extracted, &[]),
                    }
                }
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&mapping)?);
            } else {
                println!("{} (taxonomy {})", mapping.title, mapping.version);
                print_mapping(&mapping.schemes);
            }
        }
        TaxonomyCommand::Confirm { plan, kind, item, node, none: _, withdraw, scheme, note } => {
            let kind = TaxonomyItemKind::parse(&kind)
                .with_context(|| format!("--kind {kind}: use industry (产业) or segment (细分领域)"))?;
            let store = open_store(db, common)?;
            let who = actor(&store, common)?;
            if withdraw {
                let old = app::withdraw(&store, &who, plan, scheme.as_deref(), kind, &item)?;
                println!(
                    "plan {plan} {} {} [{}]: 人工确认 {} withdrawn; the automatic mapping applies again",
                    kind.as_str(),
                    old.item_name,
                    old.scheme,
                    old.node_id
                );
            } else {
                let req = TaxonomyConfirm {
                    scheme: scheme.unwrap_or_default(),
                    item_kind: kind,
                    item_name: item,
                    node,
                    note,
                };
                let c = app::confirm(&store, &who, plan, &req)?;
                println!("plan {plan} {} {} [{}]: 人工确认 {}", kind.as_str(), c.item_name, c.scheme, c.node_id);
            }
        }
        TaxonomyCommand::Unmapped { scheme, json } => {
            let store = open_store(db, common)?;
            if let Some(id) = scheme.as_deref() {
                if store.taxonomy().scheme(id).is_none() {
                    anyhow::bail!("--scheme {id}: no such scheme");
                }
            }
            let items = app::unmapped(&store, scheme.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else {
                for u in &items {
                    let why = if u.item.is_confirmed() { "人工确认" } else { "未归类" };
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{why}",
                        u.document_id,
                        u.title,
                        u.scheme,
                        u.item.kind.label(),
                        u.item.name
                    );
                }
                eprintln!("{} unmapped item(s)", items.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

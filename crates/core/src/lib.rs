//! planwatch-core: reading Chinese development plans into structured, traceable plans.
//!
//! The pipeline is a chain of pure functions (no I/O, database, network or async):
//!
//! ```text
//! bytes ─read─▶ SourceText ─normalize─▶ NormText ─doc::analyse─▶ Doc ─extract::*─▶ Plan
//! ```
//!
//! Every item of the [`model::Plan`] carries a `span` of byte offsets into
//! [`read::SourceText::text`], so it can always be shown next to the sentence it came from.

mod bytescan;
pub mod cues;
pub mod dict;
pub mod doc;
pub mod extract;
pub mod ledger;
pub mod markdown;
pub mod model;
pub mod normalize;
pub mod numbers;
pub mod read;
pub mod reflow;
pub mod t2s;

use std::sync::Arc;

pub use dict::Dictionaries;
pub use model::Plan;
pub use read::{ReadError, ReadOptions, SourceText};

/// Version of the extraction rules. A store re-extracts its documents when the version that
/// produced a stored plan differs from this one; bump the revision when rules change output.
pub const EXTRACTOR_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+r7");

/// Options of an extraction.
#[derive(Debug, Clone)]
pub struct Options {
    pub read: ReadOptions,
    pub dicts: Arc<Dictionaries>,
}

impl Default for Options {
    fn default() -> Self {
        Options { read: ReadOptions::default(), dicts: Dictionaries::builtin() }
    }
}

/// Reads and extracts one document. `name` is the file name recorded in the plan.
pub fn extract(bytes: &[u8], name: &str, opts: &Options) -> Result<Plan, ReadError> {
    let source = read::read(bytes, &opts.read)?;
    Ok(extract_source(&source, name, &opts.dicts))
}

/// Extracts a plan from an already read source text.
pub fn extract_source(source: &SourceText, name: &str, dicts: &Dictionaries) -> Plan {
    let norm = normalize::normalize_as(&source.text, source.format == read::Format::Markdown);
    let doc = doc::analyse(&norm.text);
    let meta = extract::meta::extract(&doc, dicts);
    let ctx = extract::Ctx::new(&doc, &norm, dicts, meta.meta.region.clone(), meta.base_year);
    let outline = doc
        .headings
        .iter()
        .enumerate()
        .map(|(h, heading)| {
            let marker_span = ctx.span(heading.marker_range.0, heading.marker_range.1);
            let [sa, sb] = ctx.span(heading.marker_range.0, heading.title_range.1);
            model::OutlineEntry {
                level: heading.level,
                marker: marker_as_written(&source.text, marker_span),
                title: doc.title(h).split_whitespace().collect::<Vec<_>>().join(""),
                span: [sa, sb.max(sa)],
            }
        })
        .collect();
    let mut targets = extract::targets::extract(&ctx);
    ledger::mark_increments(&mut targets, &dicts.cues.ledger);
    let tasks = extract::tasks::extract(&ctx);
    let inds = extract::industries::extract(&ctx);
    let references = extract::references::extract(&ctx, meta.meta.title.as_deref());
    let mut warnings = Vec::new();
    if doc.headings.is_empty() && targets.is_empty() && tasks.is_empty() {
        warnings.push("no headings, targets or owners were found: this does not look like a plan".to_string());
    }
    let unknown: Vec<String> = tasks
        .iter()
        .flat_map(|t| t.owners.iter())
        .filter(|o| o.unknown)
        .map(|o| o.name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unknown.is_empty() {
        warnings.push(format!("owners not in the department dictionary (kept as written): {}", unknown.join("、")));
    }
    let mut plan = Plan {
        doc: name.to_string(),
        format: "plan-json-v1".into(),
        source: model::SourceInfo {
            format: source.format.name().into(),
            encoding: source.encoding.into(),
            text_len: source.text.len(),
            converted_traditional: norm.converted_traditional,
            pinyin_removed: norm.pinyin_removed,
        },
        meta: meta.meta,
        outline,
        targets,
        tasks,
        industries: inds.industries,
        districts: inds.districts,
        platforms: inds.platforms,
        warnings,
        review: Vec::new(),
        references,
    };
    plan.review = extract::review::build(&ctx, &plan);
    plan
}

/// The marker as the source writes it, with full-width brackets made half-width: `（一）` →
/// `(一)`, `1﹒` stays `1﹒`.
fn marker_as_written(source: &str, span: [usize; 2]) -> String {
    source
        .get(span[0]..span[1])
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            // Font debris in the separator's place (see `doc::parse_marker`).
            '\u{E000}'..='\u{F8FF}' => '.',
            c => c,
        })
        .collect()
}

//! The plan family (issue 18, item 1): which stored plan implements which. The references a
//! plan makes by title (`根据《…》`, stored per version in `plan_references`) are resolved to
//! stored plans here, when read: by normalised title exactly, then by the title without its
//! bracketed notes (`（2018-2022年）`), then by a bounded character-bigram similarity with a
//! threshold ([`SIMILARITY_THRESHOLD`]), the score shown. So a plan ingested later resolves the
//! references of earlier ones without re-ingest.
//!
//! A plan's **parents** are the stored plans it cites as its basis (根据/依据/按照/贯彻/落实),
//! its **children** the stored plans citing it, its **unresolved** references the cited
//! titles no stored plan carries (an analyst uploads the missing plan). The **proposed
//! master plan** ([`MASTER_RULE`]) is, among the resolved basis parents of a higher level, the
//! one of the nearest level; ties by title similarity.

use std::collections::{BTreeMap, HashMap};

use planwatch_core::extract::level::{level_of, Level};
use planwatch_core::extract::references::{core_title, normalize_title, similarity};
use planwatch_store::family::{FamilyMember, StoredReference};
use planwatch_store::{Result, Store, StoreError};
use serde::Serialize;

use crate::links::source_href;

/// The least similarity at which a cited title resolves to a stored plan of another title.
pub const SIMILARITY_THRESHOLD: f64 = 0.8;
/// The score of a match of the titles without their bracketed notes.
pub const CORE_MATCH_SCORE: f64 = 0.95;
/// At most this many stored titles are compared by similarity for one cited title (those of
/// the nearest length first): the look-up stays bounded in a large workspace.
pub const MAX_SIMILARITY_CANDIDATES: usize = 2_000;
/// The most characters of a sentence shown with a reference (stored so, with the reference).
pub use planwatch_store::family::SENTENCE_CHARS;
/// How many characters of the text's beginning are read for a draft marker.
pub const DRAFT_HEAD_CHARS: usize = 200;
/// Most unresolved titles per page of the overview.
pub const OVERVIEW_PAGE: usize = 50;
/// Most children listed on a plan's family (the rest are counted).
pub const CHILDREN_SHOWN: usize = 200;
/// Most plans listed per unresolved title of the overview.
pub const CITERS_SHOWN: usize = 10;

/// The rule of the proposed master plan, as the page states it.
pub const MASTER_RULE: &str = "拟议上位规划：在本规划以“根据、依据、按照、贯彻、落实”等引用且已在库中关联的规划里，取比本规划高一级且层级最近的一个（国家级 → 省级 → 市级 → 区县级）；同一层级有多个时取标题与本规划最相近的一个；本规划层级不明时取层级最低的一个。征求意见稿、草案尤其需要核对。";

/// A stored plan as a family link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanLink {
    pub id: i64,
    pub title: String,
    pub level: Level,
    pub level_label: &'static str,
    pub region: String,
    pub href: String,
    /// False when the plan's text has no title line and no analyst set one: it is shown by
    /// its file name and no reference resolves to it.
    pub has_title: bool,
}

/// How a cited title was resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolution {
    pub plan: PlanLink,
    /// 1 for the same normalised title, [`CORE_MATCH_SCORE`] for the same title without
    /// bracketed notes, else the similarity.
    pub score: f64,
    /// `exact`, `core` or `similar`.
    pub how: &'static str,
}

/// One reference of a plan, with its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferenceView {
    pub title: String,
    /// `basis` or `mention`.
    pub relation: String,
    pub relation_label: &'static str,
    /// `plan` or `law`.
    pub kind: String,
    pub sentence: String,
    /// Link to the sentence in the citing plan's source.
    pub sentence_href: String,
    pub resolved: Option<Resolution>,
}

/// A stored plan citing this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildView {
    pub plan: PlanLink,
    pub relation: String,
    pub relation_label: &'static str,
    /// The title as the child writes it.
    pub cited_as: String,
    pub sentence: String,
    pub sentence_href: String,
    pub score: f64,
    pub how: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MasterProposal {
    pub plan: PlanLink,
    pub score: f64,
    pub reason: String,
}

/// A plan's family.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Family {
    pub plan: PlanLink,
    /// Its title or status says 征求意见稿 / 草案.
    pub draft: bool,
    /// Resolved basis references.
    pub parents: Vec<ReferenceView>,
    /// Resolved mentions (衔接, 对接, 提出 …).
    pub mentioned: Vec<ReferenceView>,
    /// The first [`CHILDREN_SHOWN`] of them.
    pub children: Vec<ChildView>,
    /// How many stored plans cite it.
    pub children_total: usize,
    /// References no stored plan carries.
    pub unresolved: Vec<ReferenceView>,
    pub master: Option<MasterProposal>,
    pub master_rule: &'static str,
}

/// Resolves cited titles against the stored plans.
pub struct Resolver {
    members: Vec<(FamilyMember, Level, String, String)>,
    by_id: HashMap<i64, usize>,
    by_norm: HashMap<String, Vec<usize>>,
    by_core: HashMap<String, Vec<usize>>,
}

impl Resolver {
    pub fn new(store: &Store) -> Result<Resolver> {
        let dicts = store.dicts();
        let mut members = Vec::new();
        let (mut by_norm, mut by_core) = (HashMap::<String, Vec<usize>>::new(), HashMap::<String, Vec<usize>>::new());
        for m in store.family_members()? {
            let level = level_of(Some(&m.region), Some(&m.issuer), dicts);
            let norm = if m.has_title { normalize_title(&m.title) } else { String::new() };
            let core = core_title(&norm);
            let k = members.len();
            if !norm.is_empty() {
                by_norm.entry(norm.clone()).or_default().push(k);
            }
            if core.chars().count() >= 4 {
                by_core.entry(core.clone()).or_default().push(k);
            }
            members.push((m, level, norm, core));
        }
        let by_id = members.iter().enumerate().map(|(k, m)| (m.0.id, k)).collect();
        Ok(Resolver { members, by_id, by_norm, by_core })
    }

    fn link(&self, k: usize) -> PlanLink {
        let (m, level, _, _) = &self.members[k];
        PlanLink {
            id: m.id,
            title: m.title.clone(),
            level: *level,
            level_label: level.label(),
            region: m.region.clone(),
            href: format!("/plans/{}", m.id),
            has_title: m.has_title,
        }
    }

    /// The stored plan with id `id`, as a link.
    pub fn member(&self, id: i64) -> Option<PlanLink> {
        self.by_id.get(&id).map(|&k| self.link(k))
    }

    /// The stored plans, as links.
    pub fn members(&self) -> impl Iterator<Item = PlanLink> + '_ {
        (0..self.members.len()).map(|k| self.link(k))
    }

    /// The stored plan a normalised cited title names (never `except`, the citing plan).
    pub fn resolve(&self, title_norm: &str, except: i64) -> Option<Resolution> {
        let pick = |ks: &[usize]| ks.iter().copied().find(|&k| self.members[k].0.id != except);
        if let Some(k) = self.by_norm.get(title_norm).and_then(|ks| pick(ks)) {
            return Some(Resolution { plan: self.link(k), score: 1.0, how: "exact" });
        }
        let core = core_title(title_norm);
        if let Some(k) = self.by_core.get(&core).and_then(|ks| pick(ks)) {
            return Some(Resolution { plan: self.link(k), score: CORE_MATCH_SCORE, how: "core" });
        }
        let len = core.chars().count();
        if len < 4 {
            return None;
        }
        // Bounded: titles of a comparable length only, nearest length first.
        let mut cands: Vec<(usize, usize)> = self
            .members
            .iter()
            .enumerate()
            .filter(|(_, m)| m.0.id != except && !m.3.is_empty())
            .map(|(k, m)| (m.3.chars().count().abs_diff(len), k))
            .filter(|(d, _)| *d * 3 <= len)
            .collect();
        cands.sort_unstable();
        cands.truncate(MAX_SIMILARITY_CANDIDATES);
        let mut best: Option<(f64, usize)> = None;
        for (_, k) in cands {
            let s = similarity(&core, &self.members[k].3);
            if s >= SIMILARITY_THRESHOLD && best.is_none_or(|(b, bk)| s > b || (s == b && k < bk)) {
                best = Some((s, k));
            }
        }
        best.map(|(score, k)| Resolution { plan: self.link(k), score: (score * 100.0).round() / 100.0, how: "similar" })
    }
}

fn relation_label(relation: &str) -> &'static str {
    if relation == "basis" {
        "依据"
    } else {
        "提及"
    }
}

fn view(r: &StoredReference, resolved: Option<Resolution>) -> ReferenceView {
    ReferenceView {
        title: r.title.clone(),
        relation: r.relation.clone(),
        relation_label: relation_label(&r.relation),
        kind: r.kind.clone(),
        sentence: r.sentence_text.clone(),
        sentence_href: source_href(r.document_id, r.version_id, r.sentence),
        resolved,
    }
}

/// Whether a title or status marks a draft.
pub fn is_draft(title: &str) -> bool {
    ["征求意见稿", "草案", "送审稿", "讨论稿", "代拟稿"].iter().any(|m| title.contains(m))
}

/// The family of plan `id`.
pub fn family(store: &Store, id: i64) -> Result<Family> {
    let resolver = Resolver::new(store)?;
    let plan = resolver.member(id).ok_or_else(|| StoreError::NotFound(format!("plan {id}")))?;
    let own = store.plan_references(id)?;
    let version = resolver.by_id.get(&id).map(|&k| resolver.members[k].0.current_version);
    // Sentences are stored with the references: only the text's first lines are read here,
    // for a draft marker.
    let head = match version {
        Some(v) => store.source_head(v, DRAFT_HEAD_CHARS)?,
        None => String::new(),
    };
    let (mut parents, mut mentioned, mut unresolved) = (Vec::new(), Vec::new(), Vec::new());
    for r in &own {
        let res = resolver.resolve(&r.title_norm, id);
        match (&res, r.relation.as_str()) {
            (Some(_), "basis") => parents.push(view(r, res)),
            (Some(_), _) => mentioned.push(view(r, res)),
            (None, _) => unresolved.push(view(r, None)),
        }
    }
    let mut children = children(store, &resolver, id)?;
    let children_total = children.len();
    children.truncate(CHILDREN_SHOWN);
    // A draft says so in its title, or in its first lines when no title was read.
    let draft = is_draft(&plan.title) || is_draft(&head);
    let master = master(&plan, &parents);
    Ok(Family {
        plan,
        draft,
        parents,
        mentioned,
        children,
        children_total,
        unresolved,
        master,
        master_rule: MASTER_RULE,
    })
}

/// Whether a normalised cited title could resolve to the plan of normalised title `norm`
/// (core title `core`): the cheap test before the full resolution.
fn may_name(title_norm: &str, norm: &str, core: &str) -> bool {
    if norm.is_empty() {
        return false;
    }
    if title_norm == norm {
        return true;
    }
    let c = core_title(title_norm);
    c == core || similarity(&c, core) >= SIMILARITY_THRESHOLD
}

/// The stored plans citing plan `id`: references whose title resolves to it. Each distinct
/// cited title is compared with this plan's title once; only those that may name it are
/// resolved in full (another stored plan may match them better).
fn children(store: &Store, resolver: &Resolver, id: i64) -> Result<Vec<ChildView>> {
    let Some(&k) = resolver.by_id.get(&id) else { return Ok(Vec::new()) };
    let (norm, core) = (resolver.members[k].2.clone(), resolver.members[k].3.clone());
    let (all, _) = store.all_references()?;
    let mut candidate: HashMap<&str, bool> = HashMap::new();
    let mut out = Vec::new();
    for r in all.iter().filter(|r| r.document_id != id) {
        if !*candidate.entry(r.title_norm.as_str()).or_insert_with(|| may_name(&r.title_norm, &norm, &core)) {
            continue;
        }
        let res = match resolver.resolve(&r.title_norm, r.document_id) {
            Some(x) if x.plan.id == id => x,
            _ => continue,
        };
        let Some(plan) = resolver.member(r.document_id) else { continue };
        out.push((
            ChildView {
                plan,
                relation: r.relation.clone(),
                relation_label: relation_label(&r.relation),
                cited_as: r.title.clone(),
                // Stored with the reference (migration 0015), read below: no citing plan's
                // text is read.
                sentence: String::new(),
                sentence_href: source_href(r.document_id, r.version_id, r.sentence),
                score: res.score,
                how: res.how,
            },
            r.id,
        ));
    }
    // One row per citing plan: its basis reference first.
    out.sort_by(|a, b| a.0.plan.id.cmp(&b.0.plan.id).then((a.0.relation != "basis").cmp(&(b.0.relation != "basis"))));
    out.dedup_by(|a, b| a.0.plan.id == b.0.plan.id);
    // The sentences of the rows shown only (the workspace's rows are read without them).
    let ids: Vec<i64> = out.iter().map(|(_, id)| *id).collect();
    let mut sentences = store.reference_sentences(&ids)?;
    Ok(out
        .into_iter()
        .map(|(mut c, id)| {
            c.sentence = sentences.remove(&id).unwrap_or_default();
            c
        })
        .collect())
}

/// The proposed master plan (see [`MASTER_RULE`]).
fn master(plan: &PlanLink, parents: &[ReferenceView]) -> Option<MasterProposal> {
    let own_rank = plan.level.rank();
    let cands: Vec<&Resolution> = parents
        .iter()
        .filter_map(|p| p.resolved.as_ref())
        .filter(|r| match (r.plan.level.rank(), own_rank) {
            (Some(p), Some(o)) => p < o,
            (Some(_), None) => true,
            _ => false,
        })
        .collect();
    let nearest = cands.iter().filter_map(|r| r.plan.level.rank()).max()?;
    let own_title = normalize_title(&plan.title);
    let cands: Vec<&Resolution> = cands.into_iter().filter(|r| r.plan.level.rank() == Some(nearest)).collect();
    let tied = cands.len();
    let best = cands
        .into_iter()
        .map(|r| (similarity(&core_title(&own_title), &core_title(&normalize_title(&r.plan.title))), r))
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.plan.id.cmp(&a.1.plan.id)))?;
    let (sim, r) = best;
    Some(MasterProposal {
        plan: r.plan.clone(),
        score: (sim * 100.0).round() / 100.0,
        reason: if tied > 1 {
            format!(
                "本规划（{}）依据的{}规划有 {tied} 个，取标题与本规划最相近的一个（相似度 {:.2}）",
                plan.level.label(),
                r.plan.level.label(),
                sim
            )
        } else {
            format!("本规划（{}）依据的规划中层级最近的上级规划（{}）", plan.level.label(), r.plan.level.label())
        },
    })
}

/// One unresolved title across the workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnresolvedTitle {
    pub title: String,
    pub kind: String,
    /// How many plans cite it.
    pub n_plans: usize,
    /// The first [`CITERS_SHOWN`] of them, each with the sentence link of its first citation.
    pub citers: Vec<(PlanLink, String)>,
}

/// An unresolved title while the overview is made: the title as first written, its kind, the
/// citing plans with the sentence link of their first citation.
type OpenTitle = (String, String, Vec<(i64, String)>);

/// The plans of one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelGroup {
    pub level: Level,
    pub label: &'static str,
    pub plans: Vec<OverviewPlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverviewPlan {
    pub plan: PlanLink,
    /// The stored plans it cites as its basis.
    pub parents: Vec<PlanLink>,
    /// How many stored plans cite it.
    pub n_children: usize,
    pub n_unresolved: usize,
}

/// The workspace's family overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub levels: Vec<LevelGroup>,
    /// One page of the unresolved titles, most cited first.
    pub unresolved: Vec<UnresolvedTitle>,
    pub unresolved_total: usize,
    pub page: usize,
    pub pages: usize,
    /// The references read were capped (`planwatch_store::family::MAX_REFERENCE_ROWS`).
    pub truncated: bool,
}

/// The overview: plans by level with their links, and page `page` (from 1) of the
/// unresolved titles grouped by title with how many plans cite each.
pub fn overview(store: &Store, page: usize) -> Result<Overview> {
    let resolver = Resolver::new(store)?;
    let (all, truncated) = store.all_references()?;
    let mut resolved: HashMap<(&str, i64), Option<Resolution>> = HashMap::new();
    let mut parents: BTreeMap<i64, Vec<PlanLink>> = BTreeMap::new();
    let mut children: HashMap<i64, std::collections::BTreeSet<i64>> = HashMap::new();
    let mut n_unresolved: HashMap<i64, usize> = HashMap::new();
    let mut open: BTreeMap<&str, OpenTitle> = BTreeMap::new();
    for r in &all {
        let res = resolved
            .entry((r.title_norm.as_str(), r.document_id))
            .or_insert_with(|| resolver.resolve(&r.title_norm, r.document_id));
        match res {
            Some(x) => {
                children.entry(x.plan.id).or_default().insert(r.document_id);
                if r.relation == "basis" {
                    let ps = parents.entry(r.document_id).or_default();
                    if !ps.iter().any(|p| p.id == x.plan.id) {
                        ps.push(x.plan.clone());
                    }
                }
            }
            None => {
                *n_unresolved.entry(r.document_id).or_default() += 1;
                let e =
                    open.entry(r.title_norm.as_str()).or_insert_with(|| (r.title.clone(), r.kind.clone(), Vec::new()));
                if !e.2.iter().any(|(d, _)| *d == r.document_id) {
                    e.2.push((r.document_id, source_href(r.document_id, r.version_id, r.sentence)));
                }
            }
        }
    }
    let mut levels: Vec<LevelGroup> =
        Level::ALL.iter().map(|l| LevelGroup { level: *l, label: l.label(), plans: Vec::new() }).collect();
    for link in resolver.members() {
        let id = link.id;
        let g = levels.iter_mut().find(|g| g.level == link.level).expect("every level has a group");
        g.plans.push(OverviewPlan {
            parents: parents.remove(&id).unwrap_or_default(),
            n_children: children.get(&id).map_or(0, |c| c.len()),
            n_unresolved: n_unresolved.get(&id).copied().unwrap_or(0),
            plan: link,
        });
    }
    levels.retain(|g| !g.plans.is_empty());
    let mut groups: Vec<UnresolvedTitle> = open
        .into_values()
        .map(|(title, kind, citers)| UnresolvedTitle {
            title,
            kind,
            n_plans: citers.len(),
            citers: citers
                .into_iter()
                .take(CITERS_SHOWN)
                .filter_map(|(d, href)| resolver.member(d).map(|p| (p, href)))
                .collect(),
        })
        .collect();
    groups.sort_by(|a, b| b.n_plans.cmp(&a.n_plans).then_with(|| a.title.cmp(&b.title)));
    let total = groups.len();
    let pages = total.div_ceil(OVERVIEW_PAGE).max(1);
    let page = page.clamp(1, pages);
    let unresolved = groups.into_iter().skip((page - 1) * OVERVIEW_PAGE).take(OVERVIEW_PAGE).collect();
    Ok(Overview { levels, unresolved, unresolved_total: total, page, pages, truncated })
}

//! The reference taxonomy in the application layer (issue 18 item 2): a plan's industries and
//! segments mapped to the nodes of every scheme (the automatic mapping of
//! `planwatch-taxonomy`, overridden by analysts' stored confirmations), and per-node plan
//! counts across the workspace for the tree. Pages, the API and the command line show these.
//!
//! Invariants:
//! - the automatic mapping is computed here, never stored; a stored confirmation of the same
//!   (plan, scheme, item kind, item name) wins over it, and one of `none` makes the item
//!   unmapped on purpose (listed with the unmapped, marked as confirmed);
//! - a plan counts once for a node however many of its items map there, and once for every
//!   ancestor of such a node (a direction counts the plans of its segments);
//! - the workspace counts read at most [`MAX_PLANS`] plans (most recently changed first) and
//!   say so when more exist.

use planwatch_core::Plan;
use planwatch_store::taxonomy::NONE;
use planwatch_store::{Actor, PlanOrder, Store, StoreError, TaxonomyConfirm, TaxonomyConfirmation, TaxonomyItemKind};
use planwatch_taxonomy::{Method, Scheme, Taxonomy};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Most plans read for the workspace counts.
pub const MAX_PLANS: usize = 2000;

/// How an item got its node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Exact,
    Synonym,
    Similar,
    /// An analyst's stored confirmation.
    Confirmed,
}

impl Source {
    /// zh label: 词典, 同义词, 相似度, 人工确认.
    pub fn label(self) -> &'static str {
        match self {
            Source::Exact => Method::Exact.label(),
            Source::Synonym => Method::Synonym.label(),
            Source::Similar => Method::Similar.label(),
            Source::Confirmed => "人工确认",
        }
    }

    fn of(m: Method) -> Source {
        match m {
            Method::Exact => Source::Exact,
            Method::Synonym => Source::Synonym,
            Method::Similar => Source::Similar,
        }
    }
}

/// A node as shown: id, name and the names from the direction down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeRef {
    pub id: String,
    pub name: String,
    pub path: Vec<String>,
}

impl NodeRef {
    fn of(tax: &Taxonomy, id: &str) -> Option<NodeRef> {
        let node = tax.node(id)?;
        Some(NodeRef {
            id: node.id.clone(),
            name: node.name.clone(),
            path: tax.path(id).iter().map(|n| n.name.clone()).collect(),
        })
    }

    /// `未来信息 › 下一代移动通信`.
    pub fn path_text(&self) -> String {
        self.path.join(" › ")
    }
}

/// One industry or segment of a plan in one scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappedItem {
    pub kind: TaxonomyItemKind,
    pub name: String,
    /// The industry a segment belongs to (its own name for an industry).
    pub industry: String,
    /// `None`: unmapped (below the threshold, or confirmed as no node).
    pub node: Option<NodeRef>,
    /// The automatic score (1 for a confirmation; 0 when unmapped).
    pub score: f32,
    /// `None` when unmapped automatically.
    pub source: Option<Source>,
    /// The dictionary entry that matched (automatic mappings).
    pub matched: String,
    /// The automatic node when a confirmation changed it (shown beside the confirmed one).
    pub automatic: Option<NodeRef>,
    /// Who confirmed, when.
    pub confirmed_by: Option<(String, String)>,
}

impl MappedItem {
    pub fn is_confirmed(&self) -> bool {
        self.source == Some(Source::Confirmed)
    }
}

/// A plan's items in one scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeMapping {
    pub scheme: Scheme,
    pub mapped: Vec<MappedItem>,
    pub unmapped: Vec<MappedItem>,
}

/// A plan's items in every scheme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanTaxonomy {
    pub document_id: Option<i64>,
    pub title: String,
    pub version: String,
    pub schemes: Vec<SchemeMapping>,
}

/// The (kind, name, industry) items of a plan, each once, in plan order.
pub fn items(plan: &Plan) -> Vec<(TaxonomyItemKind, String, String)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for i in &plan.industries {
        let name = i.name.trim();
        if !name.is_empty() && seen.insert((TaxonomyItemKind::Industry, name.to_string())) {
            out.push((TaxonomyItemKind::Industry, name.to_string(), name.to_string()));
        }
        for s in &i.segments {
            let s = s.trim();
            if !s.is_empty() && seen.insert((TaxonomyItemKind::Segment, s.to_string())) {
                out.push((TaxonomyItemKind::Segment, s.to_string(), name.to_string()));
            }
        }
    }
    out
}

/// Maps a plan's items in every scheme, confirmations (of this plan) overriding.
pub fn map_plan(tax: &Taxonomy, plan: &Plan, confirmations: &[TaxonomyConfirmation]) -> Vec<SchemeMapping> {
    let items = items(plan);
    let confirmed: HashMap<(&str, TaxonomyItemKind, &str), &TaxonomyConfirmation> =
        confirmations.iter().map(|c| ((c.scheme.as_str(), c.item_kind, c.item_name.as_str()), c)).collect();
    tax.schemes()
        .iter()
        .map(|scheme| {
            let mut mapped = Vec::new();
            let mut unmapped = Vec::new();
            for (kind, name, industry) in &items {
                let auto = tax.map_in(Some(&scheme.id), name);
                let auto_node = auto.as_ref().and_then(|m| NodeRef::of(tax, &m.node));
                let item = match confirmed.get(&(scheme.id.as_str(), *kind, name.as_str())) {
                    Some(c) => {
                        // A confirmed node that is gone from the data counts as unmapped.
                        let node = (c.node_id != NONE).then(|| NodeRef::of(tax, &c.node_id)).flatten();
                        let changed = auto_node.as_ref().map(|n| n.id.as_str()) != node.as_ref().map(|n| n.id.as_str());
                        MappedItem {
                            kind: *kind,
                            name: name.clone(),
                            industry: industry.clone(),
                            node,
                            score: 1.0,
                            source: Some(Source::Confirmed),
                            matched: String::new(),
                            automatic: if changed { auto_node } else { None },
                            confirmed_by: Some((c.author.clone(), c.updated_at.clone())),
                        }
                    }
                    None => MappedItem {
                        kind: *kind,
                        name: name.clone(),
                        industry: industry.clone(),
                        node: auto_node,
                        score: auto.as_ref().map_or(0.0, |m| m.score),
                        source: auto.as_ref().map(|m| Source::of(m.method)),
                        matched: auto.map(|m| m.matched).unwrap_or_default(),
                        automatic: None,
                        confirmed_by: None,
                    },
                };
                if item.node.is_some() {
                    mapped.push(item);
                } else {
                    unmapped.push(item);
                }
            }
            SchemeMapping { scheme: scheme.clone(), mapped, unmapped }
        })
        .collect()
}

/// A stored plan's mapping.
pub fn plan_taxonomy(store: &Store, document_id: i64) -> Result<PlanTaxonomy, StoreError> {
    let view = store.plan_view(document_id)?;
    let confirmations = store.taxonomy_confirmations(document_id)?;
    let tax = store.taxonomy();
    Ok(PlanTaxonomy {
        document_id: Some(document_id),
        title: view.summary.title.clone(),
        version: tax.version(),
        schemes: map_plan(tax, &view.effective.plan, &confirmations),
    })
}

/// The scheme a request names, or the one its node belongs to when it names none.
fn scheme_for(tax: &Taxonomy, scheme: Option<&str>, node: Option<&str>) -> Result<String, StoreError> {
    if let Some(s) = scheme.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(s.to_string());
    }
    let known = || tax.schemes().iter().map(|s| s.id.clone()).collect::<Vec<_>>().join("、");
    match node.map(str::trim).filter(|n| !n.is_empty() && *n != NONE) {
        Some(id) => match tax.node(id) {
            Some(n) => Ok(n.scheme.clone()),
            None => Err(StoreError::Invalid(format!(
                "分类节点“{}”不存在:节点编号见分类树(/taxonomy 或 planwatch taxonomy tree)。",
                id.chars().take(60).collect::<String>()
            ))),
        },
        None => Err(StoreError::Invalid(format!("“不属于任何节点”需要指明分类体系(scheme):可选 {}。", known()))),
    }
}

/// Confirms or changes the node of one item of a stored plan (the page, the API and the command
/// line call this): `req.node` `None` (or `none`) is "no node", and then `req.scheme` is
/// required; an empty `req.scheme` is the node's. The store checks who writes, the item, the
/// node and the note, and audits.
pub fn confirm(
    store: &Store,
    actor: &Actor,
    document_id: i64,
    req: &TaxonomyConfirm,
) -> Result<TaxonomyConfirmation, StoreError> {
    let scheme = scheme_for(store.taxonomy(), Some(&req.scheme), req.node.as_deref())?;
    let req = TaxonomyConfirm {
        scheme,
        node: req.node.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty() && n != NONE),
        ..req.clone()
    };
    let id = store.confirm_taxonomy(actor, document_id, &req)?;
    store
        .taxonomy_confirmations(document_id)?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| StoreError::NotFound(format!("规划 {document_id} 刚保存的归类确认(可能已被他人撤回)")))
}

/// Withdraws the confirmation of one item of a stored plan: the item takes its automatic node
/// again in every view. Without `scheme`, the item's only confirmation is meant; an item
/// confirmed in several schemes needs the scheme named. The store checks who writes and
/// audits the withdrawn value.
pub fn withdraw(
    store: &Store,
    actor: &Actor,
    document_id: i64,
    scheme: Option<&str>,
    item_kind: TaxonomyItemKind,
    item_name: &str,
) -> Result<TaxonomyConfirmation, StoreError> {
    let scheme = match scheme.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => {
            store.plan_summary(document_id)?;
            let item = item_name.trim();
            let schemes: Vec<String> = store
                .taxonomy_confirmations(document_id)?
                .into_iter()
                .filter(|c| c.item_kind == item_kind && c.item_name == item)
                .map(|c| c.scheme)
                .collect();
            match schemes.as_slice() {
                [one] => one.clone(),
                [] => {
                    return Err(StoreError::NotFound(format!(
                        "规划 {document_id} 的{}“{}”的人工确认(该项目没有人工确认,已是自动归类)",
                        item_kind.label(),
                        item.chars().take(60).collect::<String>()
                    )))
                }
                many => {
                    return Err(StoreError::Invalid(format!(
                        "{}“{}”在 {} 个分类体系中有人工确认({}):请指明要撤回哪一个分类体系的(scheme)。",
                        item_kind.label(),
                        item.chars().take(60).collect::<String>(),
                        many.len(),
                        many.join("、")
                    )))
                }
            }
        }
    };
    store.withdraw_taxonomy_confirmation(actor, document_id, &scheme, item_kind, item_name)
}

/// A node of the tree with its plan count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeNode {
    pub id: String,
    pub name: String,
    pub level: u8,
    pub synonyms: Vec<String>,
    /// Plans with an item mapped to this node or one below it.
    pub plans: usize,
    /// Those plans (id, title), at most [`MAX_LISTED`].
    pub plan_list: Vec<(i64, String)>,
}

/// Most plans listed under one node.
pub const MAX_LISTED: usize = 50;

/// One scheme's tree, depth first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeTree {
    pub scheme: Scheme,
    pub nodes: Vec<TreeNode>,
}

/// The taxonomy with per-node plan counts across the workspace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyTree {
    pub version: String,
    pub schemes: Vec<SchemeTree>,
    /// Plans read for the counts.
    pub plans_counted: usize,
    /// Plans stored: more than `plans_counted` when capped at [`MAX_PLANS`].
    pub plans_total: usize,
    pub node_count: usize,
    pub synonym_count: usize,
}

/// The tree of every scheme with counts of the stored plans (at most [`MAX_PLANS`]).
pub fn tree(store: &Store) -> Result<TaxonomyTree, StoreError> {
    let tax = store.taxonomy();
    let plans = store.list_plans(PlanOrder::Updated)?;
    let mut confirmations: HashMap<i64, Vec<TaxonomyConfirmation>> = HashMap::new();
    for c in store.all_taxonomy_confirmations()? {
        confirmations.entry(c.document_id).or_default().push(c);
    }
    // node id → plans (id, title), each once.
    let mut by_node: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    let counted = plans.len().min(MAX_PLANS);
    for p in plans.iter().take(MAX_PLANS) {
        let view = match store.plan_view(p.id) {
            Ok(v) => v,
            Err(StoreError::NotFound(_)) => continue, // removed meanwhile
            Err(e) => return Err(e),
        };
        let mapping = map_plan(tax, &view.effective.plan, confirmations.get(&p.id).map_or(&[][..], |c| c));
        let mut nodes: BTreeSet<String> = BTreeSet::new();
        for s in &mapping {
            for item in &s.mapped {
                if let Some(n) = &item.node {
                    nodes.insert(n.id.clone());
                    for a in tax.ancestors(&n.id) {
                        nodes.insert(a.id.clone());
                    }
                }
            }
        }
        for n in nodes {
            by_node.entry(n).or_default().push((p.id, p.title.clone()));
        }
    }
    let schemes = tax
        .schemes()
        .iter()
        .map(|scheme| {
            let mut nodes = Vec::new();
            let mut stack: Vec<&planwatch_taxonomy::Node> = tax.roots(&scheme.id).into_iter().rev().collect();
            while let Some(n) = stack.pop() {
                let plans = by_node.get(&n.id).map(Vec::as_slice).unwrap_or_default();
                nodes.push(TreeNode {
                    id: n.id.clone(),
                    name: n.name.clone(),
                    level: n.level,
                    synonyms: n.synonyms.clone(),
                    plans: plans.len(),
                    plan_list: plans.iter().take(MAX_LISTED).cloned().collect(),
                });
                stack.extend(tax.children(&n.id).into_iter().rev());
            }
            SchemeTree { scheme: scheme.clone(), nodes }
        })
        .collect();
    Ok(TaxonomyTree {
        version: tax.version(),
        schemes,
        plans_counted: counted,
        plans_total: plans.len(),
        node_count: tax.nodes().len(),
        synonym_count: tax.synonym_count(),
    })
}

/// An unmapped item of a stored plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnmappedItem {
    pub document_id: i64,
    pub title: String,
    pub scheme: String,
    pub item: MappedItem,
}

/// Items of the stored plans (at most [`MAX_PLANS`]) unmapped in `scheme` (every scheme when
/// `None`), plan by plan.
pub fn unmapped(store: &Store, scheme: Option<&str>) -> Result<Vec<UnmappedItem>, StoreError> {
    let mut out = Vec::new();
    for p in store.list_plans(PlanOrder::Updated)?.iter().take(MAX_PLANS) {
        let m = match plan_taxonomy(store, p.id) {
            Ok(m) => m,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        for s in m.schemes {
            if scheme.is_some_and(|id| id != s.scheme.id) {
                continue;
            }
            for item in s.unmapped {
                out.push(UnmappedItem { document_id: p.id, title: p.title.clone(), scheme: s.scheme.id.clone(), item });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_core::model::Industry;
    use planwatch_store::testing::{example, TempStore};
    use planwatch_store::{Actor, Role, StoreOptions, TaxonomyConfirm};

    fn plan(industries: &[(&str, &[&str])]) -> Plan {
        Plan {
            industries: industries
                .iter()
                .map(|(n, s)| Industry {
                    name: n.to_string(),
                    segments: s.iter().map(|x| x.to_string()).collect(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn items_map_in_every_scheme_and_unmapped_stay_apart() {
        let tax = Taxonomy::builtin();
        let p = plan(&[("低空经济", &["飞行汽车", "前沿交叉融合新赛道"]), ("集成电路", &[])]);
        let m = map_plan(&tax, &p, &[]);
        let future = m.iter().find(|s| s.scheme.id == "future").unwrap();
        let names: Vec<&str> = future.mapped.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["低空经济", "飞行汽车"]);
        assert_eq!(future.mapped[1].node.as_ref().unwrap().path_text(), "未来空间 › 低空经济");
        assert_eq!(future.mapped[1].industry, "低空经济");
        let unmapped: Vec<&str> = future.unmapped.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(unmapped, ["前沿交叉融合新赛道", "集成电路"]);
        let sei = m.iter().find(|s| s.scheme.id == "sei2018").unwrap();
        assert!(sei.mapped.iter().any(|i| i.name == "集成电路" && i.node.as_ref().unwrap().id == "sei.1.2"));
    }

    #[test]
    fn a_confirmation_overrides_and_the_tree_counts_plans_once_per_node() {
        let t = TempStore::new().unwrap();
        let store = t.open(StoreOptions::default()).unwrap();
        let op = Actor::operator("test");
        let id =
            store.ingest_bytes(&op, "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
        let before = tree(&store).unwrap();
        let count = |t: &TaxonomyTree, id: &str| {
            t.schemes.iter().flat_map(|s| &s.nodes).find(|n| n.id == id).map(|n| n.plans).unwrap()
        };
        assert_eq!(count(&before, "fut.mfg.humanoid"), 1);
        assert_eq!(count(&before, "fut.mfg"), 1);
        assert_eq!(count(&before, "fut.space"), 1, "two segments under 未来空间 count the plan once");
        let analyst = Actor { role: Role::Analyst, login: "a".into(), ..op };
        store
            .confirm_taxonomy(
                &analyst,
                id,
                &TaxonomyConfirm {
                    scheme: "future".into(),
                    item_kind: TaxonomyItemKind::Industry,
                    item_name: "具身智能".into(),
                    node: Some("fut.info.ai".into()),
                    note: String::new(),
                },
            )
            .unwrap();
        let after = tree(&store).unwrap();
        assert_eq!(count(&after, "fut.mfg.humanoid"), 0);
        assert_eq!(count(&after, "fut.info.ai"), 1);
        let m = plan_taxonomy(&store, id).unwrap();
        let item = m.schemes[0].mapped.iter().find(|i| i.name == "具身智能").unwrap();
        assert_eq!(item.source, Some(Source::Confirmed));
        assert_eq!(item.automatic.as_ref().unwrap().id, "fut.mfg.humanoid");
        assert_eq!(after.plans_counted, 1);
    }
}

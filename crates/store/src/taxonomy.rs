//! Analysts' confirmations of taxonomy mappings (issue 18 item 2, `taxonomy_mappings`).
//!
//! The automatic mapping of a plan's industries and segments to the reference taxonomy
//! (`planwatch-taxonomy`) is computed when shown, never stored. What is stored is an analyst's
//! word on one item in one scheme: "this is node X" (a confirmation or a change) or "this is no
//! node" (`none`). Kept like corrections: apart from the machine output, keyed by the item's
//! name (not an offset, so it survives a new version whose item keeps its name), one row per
//! (document, scheme, item kind, item name), written with an audit entry in the same
//! transaction; only analysts and admins may write ([`Action::MapTaxonomy`]).

use crate::access::{self, Action, Actor, AuditEntry};
use crate::db::{params, OptionalExt};
use crate::limits::{self, TextLimit};
use crate::{Result, Store, StoreError};
use serde::Serialize;

/// The node id meaning "belongs to no node of the scheme".
pub const NONE: &str = "none";
/// Longest item name accepted (characters).
pub const ITEM_NAME: TextLimit = limits::TAXONOMY_ITEM;
/// Most confirmations read at once (across the workspace).
pub const MAX_READ: usize = 100_000;

/// Which list of a plan the item is from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaxonomyItemKind {
    /// An industry's name.
    Industry,
    /// One of an industry's segments.
    Segment,
}

impl TaxonomyItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxonomyItemKind::Industry => "industry",
            TaxonomyItemKind::Segment => "segment",
        }
    }

    pub fn parse(s: &str) -> Option<TaxonomyItemKind> {
        match s.trim() {
            "industry" => Some(TaxonomyItemKind::Industry),
            "segment" => Some(TaxonomyItemKind::Segment),
            _ => None,
        }
    }

    /// zh label (产业, 细分领域).
    pub fn label(self) -> &'static str {
        match self {
            TaxonomyItemKind::Industry => "产业",
            TaxonomyItemKind::Segment => "细分领域",
        }
    }
}

/// A stored confirmation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyConfirmation {
    pub id: i64,
    pub document_id: i64,
    pub scheme: String,
    pub item_kind: TaxonomyItemKind,
    pub item_name: String,
    /// A node id of `scheme`, or [`NONE`].
    pub node_id: String,
    /// The taxonomy's version when confirmed.
    pub taxonomy_version: String,
    pub author: String,
    pub note: String,
    pub updated_at: String,
}

impl TaxonomyConfirmation {
    /// The node, `None` for a confirmation that the item belongs to no node.
    pub fn node(&self) -> Option<&str> {
        (self.node_id != NONE).then_some(self.node_id.as_str())
    }
}

/// What an analyst asks: item `item_name` (an industry or segment of the plan) of `scheme` is
/// `node` (`None`: no node).
#[derive(Debug, Clone)]
pub struct TaxonomyConfirm {
    pub scheme: String,
    pub item_kind: TaxonomyItemKind,
    pub item_name: String,
    pub node: Option<String>,
    pub note: String,
}

const COLUMNS: &str =
    "id, document_id, scheme, item_kind, item_name, node_id, taxonomy_version, author, note, updated_at";

fn row(r: &crate::db::Row) -> Result<TaxonomyConfirmation> {
    let kind: String = r.get(3)?;
    Ok(TaxonomyConfirmation {
        id: r.get(0)?,
        document_id: r.get(1)?,
        scheme: r.get(2)?,
        item_kind: TaxonomyItemKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("taxonomy mapping: item kind “{kind}”")))?,
        item_name: r.get(4)?,
        node_id: r.get(5)?,
        taxonomy_version: r.get(6)?,
        author: r.get(7)?,
        note: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// The confirmation stored for one item in one scheme, read inside the writing transaction.
fn stored_confirmation(
    tx: &crate::db::Db,
    document_id: i64,
    scheme: &str,
    item_kind: TaxonomyItemKind,
    item: &str,
) -> Result<Option<TaxonomyConfirmation>> {
    tx.query_row(
        &format!(
            "SELECT {COLUMNS} FROM taxonomy_mappings
                 WHERE document_id = ?1 AND scheme = ?2 AND item_kind = ?3 AND item_name = ?4"
        ),
        params![document_id, scheme, item_kind.as_str(), item],
        row,
    )
    .optional()
}

impl Store {
    /// The reference taxonomy this store was opened with (built in, or extended by `--data`).
    pub fn taxonomy(&self) -> &std::sync::Arc<planwatch_taxonomy::Taxonomy> {
        &self.opts.taxonomy
    }

    /// Records an analyst's mapping of one industry or segment of a plan in one scheme
    /// (replacing an earlier one of the same item), audited as `taxonomy.confirm`. The item must
    /// be in the plan as it stands (corrections applied), the node in the scheme.
    pub fn confirm_taxonomy(&self, actor: &Actor, document_id: i64, req: &TaxonomyConfirm) -> Result<i64> {
        access::authorize(actor, Action::MapTaxonomy)?;
        ITEM_NAME.check(&req.item_name)?;
        limits::CORRECTION_NOTE.check(&req.note)?;
        limits::TAXONOMY_SCHEME.check(&req.scheme)?;
        if let Some(node) = &req.node {
            limits::TAXONOMY_NODE.check(node)?;
        }
        let item = req.item_name.trim();
        if item.is_empty() {
            return Err(StoreError::Invalid("产业名称为空:请从规划的产业归类表中选择一项。".into()));
        }
        let tax = self.taxonomy();
        let Some(scheme) = tax.scheme(req.scheme.trim()) else {
            let known: Vec<String> = tax.schemes().iter().map(|s| format!("{}({})", s.id, s.name)).collect();
            return Err(StoreError::Invalid(format!(
                "分类体系“{}”不存在;可选:{}。",
                req.scheme.trim(),
                known.join("、")
            )));
        };
        let node_id = match req.node.as_deref().map(str::trim).filter(|n| !n.is_empty() && *n != NONE) {
            Some(id) => match tax.node(id) {
                Some(n) if n.scheme == scheme.id => n.id.clone(),
                Some(n) => {
                    return Err(StoreError::Invalid(format!(
                        "节点“{id}”({})属于分类体系“{}”,不属于“{}”。",
                        n.name, n.scheme, scheme.name
                    )))
                }
                None => return Err(StoreError::Invalid(format!("分类节点“{id}”不存在;请从分类树中选择。"))),
            },
            None => NONE.to_string(),
        };
        // The item must be one of the plan's (as corrected): a confirmation of nothing is refused.
        let view = self.plan_view(document_id)?;
        let present = view.effective.plan.industries.iter().any(|i| match req.item_kind {
            TaxonomyItemKind::Industry => i.name.trim() == item,
            TaxonomyItemKind::Segment => i.segments.iter().any(|s| s.trim() == item),
        });
        if !present {
            return Err(StoreError::NotFound(format!(
                "规划 {document_id} 的{}“{item}”(它不在规划中或已被更正,请返回规划页刷新)",
                req.item_kind.label()
            )));
        }
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let old = stored_confirmation(&tx, document_id, scheme.id.as_str(), req.item_kind, item)?;
        let id: i64 = tx.query_row(
            "INSERT INTO taxonomy_mappings (document_id, scheme, item_kind, item_name, node_id, taxonomy_version,
                                            author, note, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                     strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT (document_id, scheme, item_kind, item_name) DO UPDATE SET
                 node_id = excluded.node_id, taxonomy_version = excluded.taxonomy_version,
                 author = excluded.author, note = excluded.note, updated_at = excluded.updated_at
             RETURNING id",
            params![
                document_id,
                scheme.id.as_str(),
                req.item_kind.as_str(),
                item,
                node_id.as_str(),
                tax.version(),
                actor.login.as_str(),
                req.note.trim()
            ],
            |r| r.get(0),
        )?;
        // The plan's revision moves: pages that count mappings (`/taxonomy`) are cached on it.
        tx.execute("UPDATE documents SET rev = rev + 1 WHERE id = ?1", params![document_id])?;
        let value = |node: &str| serde_json::json!({ "scheme": scheme.id, "node": node });
        access::audit(
            &tx,
            actor,
            AuditEntry {
                action: "taxonomy.confirm",
                object: format!("plan {document_id} {} {item}", req.item_kind.as_str()),
                old: old.map(|o| value(&o.node_id)),
                new: Some(value(&node_id)),
                source: req.note.trim().to_string(),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Withdraws an analyst's mapping of one item in one scheme: the item goes back to the
    /// automatic mapping everywhere it is shown. Audited as `taxonomy.withdraw`, the withdrawn
    /// node, note, author and taxonomy version kept as the old value; analysts and admins only
    /// ([`Action::MapTaxonomy`]). The item need not be in the plan any more (a confirmation of
    /// an item a correction removed can be withdrawn); a plan, scheme or item without a
    /// confirmation is refused naming what is confirmed, and nothing is written.
    pub fn withdraw_taxonomy_confirmation(
        &self,
        actor: &Actor,
        document_id: i64,
        scheme: &str,
        item_kind: TaxonomyItemKind,
        item_name: &str,
    ) -> Result<TaxonomyConfirmation> {
        access::authorize(actor, Action::MapTaxonomy)?;
        ITEM_NAME.check(item_name)?;
        limits::TAXONOMY_SCHEME.check(scheme)?;
        let item = item_name.trim();
        let scheme = scheme.trim();
        if item.is_empty() {
            return Err(StoreError::Invalid("产业名称为空:请给出要恢复自动归类的产业或细分领域。".into()));
        }
        self.plan_summary(document_id)?;
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let old = stored_confirmation(&tx, document_id, scheme, item_kind, item)?;
        let Some(old) = old else {
            drop(tx);
            drop(w);
            let confirmed: Vec<String> = self
                .taxonomy_confirmations(document_id)?
                .iter()
                .filter(|c| c.item_kind == item_kind && c.item_name == item)
                .map(|c| c.scheme.clone())
                .collect();
            let hint = if confirmed.is_empty() {
                "该项目没有人工确认的归类,已是自动归类。".to_string()
            } else {
                format!("该项目在分类体系 {} 中有人工确认。", confirmed.join("、"))
            };
            return Err(StoreError::NotFound(format!(
                "规划 {document_id} 的{}“{item}”在分类体系“{scheme}”中的人工确认({hint})",
                item_kind.label()
            )));
        };
        tx.execute("DELETE FROM taxonomy_mappings WHERE id = ?1", params![old.id])?;
        // Like a confirmation, a withdrawal moves the plan's revision (cached `/taxonomy`).
        tx.execute("UPDATE documents SET rev = rev + 1 WHERE id = ?1", params![document_id])?;
        access::audit(
            &tx,
            actor,
            AuditEntry {
                action: "taxonomy.withdraw",
                object: format!("plan {document_id} {} {item}", item_kind.as_str()),
                old: Some(serde_json::json!({
                    "scheme": old.scheme,
                    "node": old.node_id,
                    "note": old.note,
                    "author": old.author,
                    "taxonomy_version": old.taxonomy_version,
                })),
                new: Some(serde_json::json!({ "scheme": old.scheme, "node": "automatic" })),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(old)
    }

    /// The confirmations of one plan, in item order.
    pub fn taxonomy_confirmations(&self, document_id: i64) -> Result<Vec<TaxonomyConfirmation>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM taxonomy_mappings WHERE document_id = ?1 ORDER BY item_kind, item_name, scheme"
        ))?;
        let rows = st.query_map(params![document_id], row)?;
        rows.collect()
    }

    /// Every confirmation of the workspace (at most [`MAX_READ`]), by plan.
    pub fn all_taxonomy_confirmations(&self) -> Result<Vec<TaxonomyConfirmation>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM taxonomy_mappings ORDER BY document_id, id LIMIT {MAX_READ}"
        ))?;
        let rows = st.query_map(params![], row)?;
        rows.collect()
    }
}

//! How the review places an industry name in the reference taxonomy.
//!
//! The review needs only this: the node an industry name maps to and the node's top direction.
//! [`ExactNames`] is a dictionary of exact names (unit tests); `planwatch-taxonomy`'s
//! [`Taxonomy`] implements the trait with its dictionary, synonyms and similarity.

use planwatch_taxonomy::{Mapping, Taxonomy};
use std::collections::HashMap;

/// Where an industry name sits in a taxonomy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Placed {
    /// The node's id (stable, used in finding ids).
    pub node: String,
    /// The node's name (zh-CN), for messages.
    pub label: String,
    /// The top node (direction) above it, itself when it is a top node.
    pub top: String,
    pub top_label: String,
    /// How sure the mapping is, 0–1 (1 for a dictionary hit).
    pub score: f64,
}

/// A taxonomy as the review sees it.
pub trait IndustryMap {
    /// The best node an industry or segment name maps to, if any (never forced).
    fn place(&self, name: &str) -> Option<Placed>;

    /// The node of the name in every scheme that maps it (a taxonomy of several schemes, as
    /// future-industry directions beside 战略性新兴产业分类, places a name once in each): a
    /// draft is inside the master's directions when any of these shares a top node with the
    /// master's. Default: the best node alone.
    fn place_all(&self, name: &str) -> Vec<Placed> {
        self.place(name).into_iter().collect()
    }
}

fn placed(tax: &Taxonomy, m: Mapping) -> Option<Placed> {
    let node = tax.node(&m.node)?;
    let top = tax.top(&m.node).unwrap_or(node);
    Some(Placed {
        node: node.id.clone(),
        label: node.name.clone(),
        top: top.id.clone(),
        top_label: top.name.clone(),
        score: f64::from(m.score),
    })
}

/// The reference taxonomy: dictionary, synonyms, then similarity (`planwatch-taxonomy`).
impl IndustryMap for Taxonomy {
    fn place(&self, name: &str) -> Option<Placed> {
        placed(self, self.map(name)?)
    }

    fn place_all(&self, name: &str) -> Vec<Placed> {
        self.schemes().iter().filter_map(|s| self.map_in(Some(&s.id), name)).filter_map(|m| placed(self, m)).collect()
    }
}

/// A dictionary of exact names: `name → (node, label, top, top label)`.
#[derive(Debug, Clone, Default)]
pub struct ExactNames {
    names: HashMap<String, Placed>,
}

impl ExactNames {
    /// Builds the dictionary from `(name, node, top)` triples; a node's label is its id.
    pub fn new(entries: &[(&str, &str, &str)]) -> Self {
        let names = entries
            .iter()
            .map(|(name, node, top)| {
                let placed = Placed {
                    node: node.to_string(),
                    label: node.to_string(),
                    top: top.to_string(),
                    top_label: top.to_string(),
                    score: 1.0,
                };
                (name.to_string(), placed)
            })
            .collect();
        ExactNames { names }
    }
}

impl IndustryMap for ExactNames {
    fn place(&self, name: &str) -> Option<Placed> {
        self.names.get(name.trim()).cloned()
    }
}

/// A taxonomy with analysts' confirmations on top (`(scheme, name) → node`, `None` for "no
/// node"): a stored plan's confirmed mapping wins over the automatic one, as on its taxonomy
/// page.
pub struct Confirmed<'a> {
    tax: &'a Taxonomy,
    confirmed: HashMap<(String, String), Option<String>>,
}

impl<'a> Confirmed<'a> {
    /// `confirmations`: (scheme id, item name, node id or `None`); the first for a name wins.
    pub fn new(tax: &'a Taxonomy, confirmations: impl IntoIterator<Item = (String, String, Option<String>)>) -> Self {
        let mut confirmed = HashMap::new();
        for (scheme, name, node) in confirmations {
            confirmed.entry((scheme, name.trim().to_string())).or_insert(node);
        }
        Confirmed { tax, confirmed }
    }

    fn in_scheme(&self, scheme: &str, name: &str) -> Option<Placed> {
        match self.confirmed.get(&(scheme.to_string(), name.trim().to_string())) {
            Some(Some(node)) => {
                let m = Mapping {
                    node: node.clone(),
                    score: 1.0,
                    method: planwatch_taxonomy::Method::Exact,
                    matched: name.to_string(),
                };
                placed(self.tax, m)
            }
            Some(None) => None,
            None => self.tax.map_in(Some(scheme), name).and_then(|m| placed(self.tax, m)),
        }
    }
}

impl IndustryMap for Confirmed<'_> {
    fn place(&self, name: &str) -> Option<Placed> {
        // A confirmed node in any scheme decides; else the automatic best node among the
        // schemes not confirmed as "no node" (a "no node" in one scheme must not be undone by
        // the automatic mapping of that same scheme).
        let key = name.trim().to_string();
        let mut ruled_out = false;
        for s in self.tax.schemes() {
            match self.confirmed.get(&(s.id.clone(), key.clone())) {
                Some(Some(_)) => {
                    if let Some(p) = self.in_scheme(&s.id, name) {
                        return Some(p);
                    }
                }
                Some(None) => ruled_out = true,
                None => {}
            }
        }
        if !ruled_out {
            return self.tax.place(name);
        }
        let mut best: Option<Placed> = None;
        for s in self.tax.schemes() {
            if self.confirmed.contains_key(&(s.id.clone(), key.clone())) {
                continue;
            }
            if let Some(p) = self.tax.map_in(Some(&s.id), name).and_then(|m| placed(self.tax, m)) {
                if best.as_ref().is_none_or(|b| p.score > b.score) {
                    best = Some(p);
                }
            }
        }
        best
    }

    fn place_all(&self, name: &str) -> Vec<Placed> {
        self.tax.schemes().iter().filter_map(|s| self.in_scheme(&s.id, name)).collect()
    }
}

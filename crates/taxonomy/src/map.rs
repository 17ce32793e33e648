//! Mapping names to nodes: an exact table of normalised names, synonyms and suffix variants,
//! and an inverted index of character bigrams for the similarity.

use crate::normalize::{normalize, parts, without_suffix, SUFFIXES};
use crate::Node;
use std::collections::HashMap;

/// Least similarity score a [`Method::Similar`] mapping needs; below it a name stays unmapped.
pub const THRESHOLD: f32 = 0.7;
/// Longest name mapped (characters); a longer one is a sentence, not a name, and stays unmapped.
pub const MAX_QUERY_CHARS: usize = 200;

/// Score of a match on a node's name.
const SCORE_NAME: f32 = 1.0;
/// Score of a match on a synonym.
const SCORE_SYNONYM: f32 = 0.95;
/// Score of a match through a generic suffix (氢能产业 → 氢能, 新一代信息技术 → 新一代信息技术产业).
const SCORE_VARIANT: f32 = 0.9;
/// Factor of the similarity when the entry lies inside the name but is not its end.
const MODIFIER_FACTOR: f32 = 0.85;
/// Factor of a match of one part of a joined name (氢能核能及新型储能 → 新型储能).
const PART_FACTOR: f32 = 0.9;

/// How a name was mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The normalised name is the node's name.
    Exact,
    /// The normalised name is a synonym of the node, or differs from its name or a synonym by
    /// a generic suffix only.
    Synonym,
    /// Character-bigram similarity at or above [`THRESHOLD`].
    Similar,
}

impl Method {
    /// zh label (词典, 同义词, 相似度).
    pub fn label(self) -> &'static str {
        match self {
            Method::Exact => "词典",
            Method::Synonym => "同义词",
            Method::Similar => "相似度",
        }
    }

    /// The ASCII key (`exact`, `synonym`, `similar`).
    pub fn key(self) -> &'static str {
        match self {
            Method::Exact => "exact",
            Method::Synonym => "synonym",
            Method::Similar => "similar",
        }
    }
}

/// A name's node.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mapping {
    /// The node's id.
    pub node: String,
    /// 0..=1: 1 for the node's name, 0.95 for a synonym, the similarity otherwise.
    pub score: f32,
    pub method: Method,
    /// The dictionary entry (name or synonym, as written in the data) that matched.
    pub matched: String,
}

/// A name with its mapping, `None` when unmapped.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Mapped {
    pub name: String,
    pub mapping: Option<Mapping>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Name,
    Synonym,
    Variant,
}

#[derive(Debug, Clone)]
struct Term {
    node: u32,
    kind: Kind,
    /// The entry as written in the data.
    text: String,
    /// The normalised entry.
    norm: String,
    /// Distinct bigrams of the normalised entry.
    bigrams: u16,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    terms: Vec<Term>,
    /// Normalised entry → terms (several when schemes share a name).
    exact: HashMap<String, Vec<u32>>,
    /// Bigram → terms containing it (each term once).
    postings: HashMap<u64, Vec<u32>>,
    /// The scheme of each node.
    node_scheme: Vec<String>,
}

fn bigram_keys(norm: &str) -> Vec<u64> {
    let chars: Vec<char> = norm.chars().collect();
    let mut keys: Vec<u64> = chars.windows(2).map(|w| ((w[0] as u64) << 32) | w[1] as u64).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether `term` occurs in `name` with at most one character after it.
fn ends_inside(name: &str, term: &str) -> bool {
    name.rfind(term).is_some_and(|at| name[at + term.len()..].chars().count() <= 1)
}

struct Candidate {
    term: u32,
    score: f32,
}

impl Index {
    pub(crate) fn build(nodes: &[Node]) -> Index {
        let mut idx = Index { node_scheme: nodes.iter().map(|n| n.scheme.clone()).collect(), ..Default::default() };
        // Names and synonyms first, so a variant never shadows a real entry of its scheme.
        for (ni, n) in nodes.iter().enumerate() {
            idx.push(ni as u32, Kind::Name, &n.name, &normalize(&n.name));
            for s in &n.synonyms {
                idx.push(ni as u32, Kind::Synonym, s, &normalize(s));
            }
        }
        // Suffix variants: 新一代信息技术产业 also answers 新一代信息技术. A variant two nodes of one scheme would
        // share is ambiguous and left out.
        let mut variants: HashMap<(String, String), Vec<(u32, String)>> = HashMap::new();
        for (ni, n) in nodes.iter().enumerate() {
            for text in std::iter::once(&n.name).chain(&n.synonyms) {
                let norm = normalize(text);
                // The other direction (氢能产业 asked for 氢能) is the query's suffix removal.
                if let Some(rest) = without_suffix(&norm) {
                    variants.entry((n.scheme.clone(), rest.to_string())).or_default().push((ni as u32, text.clone()));
                }
            }
        }
        let mut variants: Vec<_> = variants.into_iter().collect();
        variants.sort_by(|a, b| a.0.cmp(&b.0));
        for ((scheme, form), owners) in variants {
            let mut distinct: Vec<u32> = owners.iter().map(|o| o.0).collect();
            distinct.dedup();
            if distinct.len() != 1 {
                continue;
            }
            let taken = idx
                .exact
                .get(&form)
                .is_some_and(|ts| ts.iter().any(|&t| idx.node_scheme[idx.terms[t as usize].node as usize] == scheme));
            if !taken {
                idx.push(owners[0].0, Kind::Variant, &owners[0].1, &form);
            }
        }
        idx
    }

    fn push(&mut self, node: u32, kind: Kind, text: &str, norm: &str) {
        if norm.is_empty() {
            return;
        }
        if let Some(ts) = self.exact.get(norm) {
            if ts.iter().any(|&t| self.terms[t as usize].node == node) {
                return; // the same entry twice on one node
            }
        }
        let id = self.terms.len() as u32;
        let keys = bigram_keys(norm);
        if kind != Kind::Variant {
            for k in &keys {
                self.postings.entry(*k).or_default().push(id);
            }
        }
        self.terms.push(Term {
            node,
            kind,
            text: text.to_string(),
            norm: norm.to_string(),
            bigrams: keys.len().min(u16::MAX as usize) as u16,
        });
        self.exact.entry(norm.to_string()).or_default().push(id);
    }

    fn in_scheme(&self, term: u32, scheme: Option<&str>) -> bool {
        scheme.is_none_or(|s| self.node_scheme[self.terms[term as usize].node as usize] == s)
    }

    fn mapping(&self, nodes: &[Node], c: &Candidate, method: Method) -> Mapping {
        let t = &self.terms[c.term as usize];
        Mapping { node: nodes[t.node as usize].id.clone(), score: c.score, method, matched: t.text.clone() }
    }

    /// A dictionary hit: the best entry (name, synonym, variant; then the earlier node).
    fn lookup(&self, norm: &str, scheme: Option<&str>) -> Option<(Candidate, Method)> {
        let ts = self.exact.get(norm)?;
        let best = ts
            .iter()
            .copied()
            .filter(|&t| self.in_scheme(t, scheme))
            .min_by_key(|&t| (self.terms[t as usize].kind, self.terms[t as usize].node))?;
        let (score, method) = match self.terms[best as usize].kind {
            Kind::Name => (SCORE_NAME, Method::Exact),
            Kind::Synonym => (SCORE_SYNONYM, Method::Synonym),
            Kind::Variant => (SCORE_VARIANT, Method::Synonym),
        };
        Some((Candidate { term: best, score }, method))
    }

    /// The most similar entry by character bigrams: Dice's coefficient, or — when the entry
    /// (three characters or more) lies wholly inside the name and ends it (at most one
    /// character after it: Chinese compounds put the head last, so 新能源汽车 is not a kind of
    /// 新能源 but 合成生物制造 is a kind of 生物制造) — 0.5 plus half the share of the name it
    /// covers, whichever is higher.
    fn similar(&self, norm: &str, scheme: Option<&str>) -> Option<Candidate> {
        let keys = bigram_keys(norm);
        if keys.is_empty() {
            return None;
        }
        // Overlap counts per entry in a reused per-thread buffer (one slot per entry), reset
        // through the list of touched entries: no hashing and no allocation per name.
        thread_local! {
            static COUNTS: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let mut touched: Vec<(u32, u16)> = Vec::new();
        COUNTS.with(|c| {
            let mut counts = c.borrow_mut();
            if counts.len() < self.terms.len() {
                counts.resize(self.terms.len(), 0);
            }
            let mut hit: Vec<u32> = Vec::new();
            for k in &keys {
                if let Some(p) = self.postings.get(k) {
                    for &t in p {
                        let slot = &mut counts[t as usize];
                        if *slot == 0 {
                            hit.push(t);
                        }
                        *slot = slot.saturating_add(1);
                    }
                }
            }
            for t in hit {
                touched.push((t, counts[t as usize]));
                counts[t as usize] = 0;
            }
        });
        let q = keys.len() as f32;
        let mut best: Option<Candidate> = None;
        for (t, i) in touched {
            if !self.in_scheme(t, scheme) {
                continue;
            }
            let term = &self.terms[t as usize];
            let tb = term.bigrams as f32;
            let i = i as f32;
            let dice = 2.0 * i / (q + tb);
            let inside = term.bigrams >= 2 && i >= tb;
            let score = if inside && ends_inside(norm, &term.norm) {
                dice.max(0.5 + 0.5 * (tb / q).min(1.0))
            } else if inside {
                // The entry is a modifier of the name (燃料电池汽车, 信息技术装备): not its kind.
                dice * MODIFIER_FACTOR
            } else {
                dice
            }
            .min(SCORE_VARIANT - 0.01);
            let better = match &best {
                None => true,
                Some(b) => {
                    score > b.score
                        || (score == b.score
                            && (term.node, term.kind)
                                < (self.terms[b.term as usize].node, self.terms[b.term as usize].kind))
                }
            };
            if better {
                best = Some(Candidate { term: t, score });
            }
        }
        best.filter(|b| b.score >= THRESHOLD)
    }

    /// One normalised name (or part): dictionary, then suffix, then similarity.
    fn map_one(&self, norm: &str, scheme: Option<&str>) -> Option<(Candidate, Method)> {
        if let Some(hit) = self.lookup(norm, scheme) {
            return Some(hit);
        }
        let mut rest = norm;
        while let Some(r) = without_suffix(rest) {
            if let Some((c, _)) = self.lookup(r, scheme) {
                return Some((Candidate { term: c.term, score: c.score.min(SCORE_VARIANT) }, Method::Synonym));
            }
            rest = r;
            if !SUFFIXES.iter().any(|s| rest.ends_with(s)) {
                break;
            }
        }
        // Similarity on the name as written and without its generic suffixes.
        let a = self.similar(norm, scheme);
        let b = if rest != norm { self.similar(rest, scheme) } else { None };
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.score > a.score { b } else { a }),
            (a, b) => a.or(b),
        }
        .map(|c| (c, Method::Similar))
    }

    pub(crate) fn map(&self, nodes: &[Node], name: &str, scheme: Option<&str>) -> Option<Mapping> {
        if name.chars().count() > MAX_QUERY_CHARS {
            return None;
        }
        let norm = normalize(name);
        if norm.is_empty() {
            return None;
        }
        let whole = self.map_one(&norm, scheme);
        if let Some((c, m)) = &whole {
            if m != &Method::Similar {
                return Some(self.mapping(nodes, c, *m));
            }
        }
        // A joined name (氢能核能及新型储能): its best part, scored down. Earlier parts may
        // share the last part's head (新能源及智能网联汽车 = 新能源汽车 and 智能网联汽车), so they
        // count only when the last part maps too; on a tie the later part wins.
        let mut best = whole.map(|(c, _)| c);
        let hits: Vec<Option<(Candidate, Method)>> = parts(&norm).iter().map(|p| self.map_one(p, scheme)).collect();
        if hits.last().is_some_and(Option::is_some) {
            for (c, _) in hits.into_iter().rev().flatten() {
                let score = c.score * PART_FACTOR;
                if score >= THRESHOLD && best.as_ref().is_none_or(|b| score > b.score) {
                    best = Some(Candidate { term: c.term, score });
                }
            }
        }
        best.map(|c| self.mapping(nodes, &c, Method::Similar))
    }
}

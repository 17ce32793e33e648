//! The reference taxonomy of industries and the mapping of plans' industry names to it.
//!
//! Schemes are data (`data/taxonomy/*.toml`, one file per scheme, compiled in): the national
//! future-industry directions (`future`), 国家统计局《战略性新兴产业分类(2018)》 levels 1–2
//! (`sei2018`), and whatever a city adds in a `--data` directory's `taxonomy/*.toml` (new nodes,
//! synonyms of known nodes, or a scheme of its own). Pure: no database, no I/O beyond reading the
//! files it is pointed at.
//!
//! Mapping ([`Taxonomy::map`], [`Taxonomy::map_all`]) goes dictionary first — the normalised
//! name equal to a node's name ([`Method::Exact`]) or to a synonym or a suffix variant
//! ([`Method::Synonym`]) — then a similarity on character bigrams through an inverted index
//! ([`Method::Similar`], score ≥ [`THRESHOLD`]). A name below the threshold is returned
//! unmapped, never forced onto the nearest node.

mod data;
mod map;
pub mod normalize;

pub use data::DataError;
pub use map::{Mapped, Mapping, Method, THRESHOLD};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The built-in scheme files, in the order schemes are listed.
const BUILTIN: &[(&str, &str)] = &[
    ("data/taxonomy/future.toml", include_str!("../../../data/taxonomy/future.toml")),
    ("data/taxonomy/sei2018.toml", include_str!("../../../data/taxonomy/sei2018.toml")),
];

/// Longest node name or synonym (characters).
pub const MAX_NAME_CHARS: usize = 100;
/// Most synonyms of one node.
pub const MAX_SYNONYMS: usize = 300;
/// Most nodes of all schemes together.
pub const MAX_NODES: usize = 20_000;
/// Largest scheme file read (bytes).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Deepest level of a node (1 = direction).
pub const MAX_LEVEL: u8 = 6;

/// One classification scheme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Scheme {
    /// ASCII identifier (`future`, `sei2018`).
    pub id: String,
    /// zh name.
    pub name: String,
    /// Version of the scheme's data (its file header).
    pub version: String,
    /// Where the scheme comes from (document, issuer).
    pub source: String,
    /// The file it was read from (`data/taxonomy/future.toml` for built-in ones).
    pub file: String,
}

/// A node of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Node {
    /// Stable ASCII id, unique across schemes (`fut.info.6g`, `sei.1.2`).
    pub id: String,
    /// The scheme's id.
    pub scheme: String,
    /// zh name.
    pub name: String,
    /// The parent node's id; `None` for a level-1 node (a direction).
    pub parent: Option<String>,
    /// 1 for a direction, 2 for its segments, …
    pub level: u8,
    /// Other names meaning the node.
    pub synonyms: Vec<String>,
}

/// The schemes and nodes known to this process, with the index the mapping uses.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    schemes: Vec<Scheme>,
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
    children: Vec<Vec<usize>>,
    index: map::Index,
}

impl Taxonomy {
    /// The compiled-in schemes.
    pub fn builtin() -> Arc<Taxonomy> {
        static B: OnceLock<Arc<Taxonomy>> = OnceLock::new();
        B.get_or_init(|| {
            let mut b = data::Builder::default();
            for (path, text) in BUILTIN {
                b.add(text, path).expect("built-in taxonomy file");
            }
            Arc::new(b.finish().expect("built-in taxonomy"))
        })
        .clone()
    }

    /// The built-in schemes extended by the `taxonomy/*.toml` files of each data directory
    /// (a `--data DIR`; files read in name order). A file adds nodes to a known scheme (same
    /// `[scheme] id`), adds synonyms to known nodes (`[[extend]]`), or brings a scheme of its
    /// own. A bad file is an error naming the file, the line and the field.
    pub fn load<P: AsRef<Path>>(data_dirs: &[P]) -> Result<Taxonomy, DataError> {
        let mut b = data::Builder::default();
        for (path, text) in BUILTIN {
            b.add(text, path)?;
        }
        for dir in data_dirs {
            let dir = dir.as_ref().join("taxonomy");
            if !dir.is_dir() {
                continue;
            }
            let read = std::fs::read_dir(&dir).map_err(|e| DataError::io(&dir, e))?;
            let mut files: Vec<PathBuf> = read
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for path in files {
                let len = std::fs::metadata(&path).map_err(|e| DataError::io(&path, e))?.len();
                if len > MAX_FILE_BYTES {
                    return Err(DataError::at(
                        &path.display().to_string(),
                        0,
                        "-",
                        format!("the file has {len} bytes, more than the {MAX_FILE_BYTES} allowed; split it"),
                    ));
                }
                let text = std::fs::read_to_string(&path).map_err(|e| DataError::io(&path, e))?;
                b.add(&text, &path.display().to_string())?;
            }
        }
        b.finish()
    }

    /// A taxonomy of the given TOML texts only (`(file name, text)`), no built-in scheme: tests
    /// and a city that wants its own scheme alone.
    pub fn from_texts(files: &[(&str, &str)]) -> Result<Taxonomy, DataError> {
        let mut b = data::Builder::default();
        for (path, text) in files {
            b.add(text, path)?;
        }
        b.finish()
    }

    fn new(schemes: Vec<Scheme>, nodes: Vec<Node>) -> Taxonomy {
        let by_id: HashMap<String, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id.clone(), i)).collect();
        let mut children = vec![Vec::new(); nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            if let Some(p) = n.parent.as_ref().and_then(|p| by_id.get(p)) {
                children[*p].push(i);
            }
        }
        let index = map::Index::build(&nodes);
        Taxonomy { schemes, nodes, by_id, children, index }
    }

    /// The schemes, built-in ones first.
    pub fn schemes(&self) -> &[Scheme] {
        &self.schemes
    }

    /// A scheme by id.
    pub fn scheme(&self, id: &str) -> Option<&Scheme> {
        self.schemes.iter().find(|s| s.id == id)
    }

    /// The version of the data: every scheme's `id@version`, joined by `+`
    /// (`future@2024.1+sei2018@2018`). Stored with confirmations so a changed taxonomy shows.
    pub fn version(&self) -> String {
        self.schemes.iter().map(|s| format!("{}@{}", s.id, s.version)).collect::<Vec<_>>().join("+")
    }

    /// Every node, each scheme's in file order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// A node by id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.by_id.get(id).map(|&i| &self.nodes[i])
    }

    /// The level-1 nodes of a scheme (its directions).
    pub fn roots(&self, scheme: &str) -> Vec<&Node> {
        self.nodes.iter().filter(|n| n.scheme == scheme && n.parent.is_none()).collect()
    }

    /// The children of a node, in file order (empty for an unknown id).
    pub fn children(&self, id: &str) -> Vec<&Node> {
        match self.by_id.get(id) {
            Some(&i) => self.children[i].iter().map(|&c| &self.nodes[c]).collect(),
            None => Vec::new(),
        }
    }

    /// The ancestors of a node, nearest first (its parent, …, the level-1 node); empty for a
    /// level-1 or unknown node.
    pub fn ancestors(&self, id: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        let mut cur = self.node(id);
        while let Some(p) = cur.and_then(|n| n.parent.as_deref()).and_then(|p| self.node(p)) {
            out.push(p);
            cur = Some(p);
        }
        out
    }

    /// The path from the level-1 node down to the node itself (`未来信息 › 下一代移动通信`).
    pub fn path(&self, id: &str) -> Vec<&Node> {
        let mut p = self.ancestors(id);
        p.reverse();
        if let Some(n) = self.node(id) {
            p.push(n);
        }
        p
    }

    /// The level-1 node (the direction) a node belongs to; itself for a level-1 node.
    pub fn top(&self, id: &str) -> Option<&Node> {
        self.ancestors(id).pop().or_else(|| self.node(id))
    }

    /// The best node for a name in any scheme (ties: the scheme listed first), or `None`
    /// when nothing reaches [`THRESHOLD`].
    pub fn map(&self, name: &str) -> Option<Mapping> {
        self.index.map(&self.nodes, name, None)
    }

    /// The best node of one scheme (`None`: any scheme) for a name.
    pub fn map_in(&self, scheme: Option<&str>, name: &str) -> Option<Mapping> {
        self.index.map(&self.nodes, name, scheme)
    }

    /// Every name mapped in a scheme (`None`: any), in order; unmapped names are kept with
    /// `mapping: None`.
    pub fn map_all<S: AsRef<str>>(&self, scheme: Option<&str>, names: &[S]) -> Vec<Mapped> {
        names
            .iter()
            .map(|n| Mapped { name: n.as_ref().to_string(), mapping: self.map_in(scheme, n.as_ref()) })
            .collect()
    }

    /// How many synonyms all nodes have together.
    pub fn synonym_count(&self) -> usize {
        self.nodes.iter().map(|n| n.synonyms.len()).sum()
    }
}

#[cfg(test)]
mod tests;

//! Reading scheme files: the TOML layout, its checks, and errors naming file, line and field.

use crate::{Node, Scheme, Taxonomy, MAX_LEVEL, MAX_NAME_CHARS, MAX_NODES, MAX_SYNONYMS};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use toml::Spanned;

/// Why the taxonomy could not be loaded: the file, the line (1-based; 0 when the whole file is
/// concerned), the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: field `{field}`: {message}")]
pub struct DataError {
    pub file: String,
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl DataError {
    pub(crate) fn at(file: &str, line: usize, field: &str, message: String) -> DataError {
        DataError { file: file.to_string(), line, field: field.to_string(), message }
    }

    pub(crate) fn io(path: &Path, e: std::io::Error) -> DataError {
        DataError::at(&path.display().to_string(), 0, "-", format!("cannot read: {e}"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scheme: Option<Spanned<RawScheme>>,
    #[serde(default, rename = "node")]
    nodes: Vec<RawNode>,
    #[serde(default, rename = "extend")]
    extends: Vec<RawExtend>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    id: Spanned<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    #[allow(dead_code)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    #[serde(default)]
    synonyms: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtend {
    node: Spanned<String>,
    synonyms: Spanned<Vec<String>>,
}

/// Collects files, then checks parents and levels once all are read.
#[derive(Default)]
pub(crate) struct Builder {
    schemes: Vec<Scheme>,
    nodes: Vec<Node>,
    by_id: HashMap<String, usize>,
    /// Where each node was declared (file, line), for errors found when finishing.
    origin: Vec<(String, usize, usize)>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len())).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The field a TOML/serde message names (`missing field `name``), else `-`.
fn field_of(message: &str) -> String {
    message.split('`').nth(1).filter(|f| !f.is_empty() && f.len() < 40).unwrap_or("-").to_string()
}

fn is_ascii_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn check_name(file: &str, line: usize, field: &str, s: &str) -> Result<(), DataError> {
    let n = s.trim().chars().count();
    if n == 0 {
        return Err(DataError::at(file, line, field, "is empty; write the zh name".into()));
    }
    if n > MAX_NAME_CHARS {
        return Err(DataError::at(
            file,
            line,
            field,
            format!("“{}…” has {n} characters, more than {MAX_NAME_CHARS}", s.chars().take(20).collect::<String>()),
        ));
    }
    Ok(())
}

fn check_synonyms(file: &str, line: usize, list: &[String]) -> Result<(), DataError> {
    if list.len() > MAX_SYNONYMS {
        return Err(DataError::at(
            file,
            line,
            "synonyms",
            format!("{} synonyms, more than {MAX_SYNONYMS}; split the node", list.len()),
        ));
    }
    for s in list {
        check_name(file, line, "synonyms", s)?;
    }
    Ok(())
}

impl Builder {
    /// Adds one scheme file.
    pub(crate) fn add(&mut self, text: &str, file: &str) -> Result<(), DataError> {
        let parsed: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            let message = e.message().trim().to_string();
            DataError::at(file, line, &field_of(&message), message)
        })?;
        let scheme_id = match &parsed.scheme {
            Some(s) => {
                let line = line_of(text, s.span().start);
                let s = s.get_ref();
                let id = s.id.get_ref().trim();
                let id_line = line_of(text, s.id.span().start);
                if !is_ascii_id(id) {
                    return Err(DataError::at(
                        file,
                        id_line,
                        "scheme.id",
                        format!("“{id}” is not an ASCII identifier (letters, digits, . _ -)"),
                    ));
                }
                match self.schemes.iter().find(|k| k.id == id) {
                    Some(_) => {} // adds nodes to a known scheme; its header stays
                    None => {
                        check_name(file, line, "scheme.name", &s.name)?;
                        if s.version.trim().is_empty() {
                            return Err(DataError::at(
                                file,
                                line,
                                "scheme.version",
                                "is missing; write the version of this scheme's data".into(),
                            ));
                        }
                        self.schemes.push(Scheme {
                            id: id.to_string(),
                            name: s.name.trim().to_string(),
                            version: s.version.trim().to_string(),
                            source: s.source.trim().to_string(),
                            file: file.to_string(),
                        });
                    }
                }
                Some(id.to_string())
            }
            None => None,
        };
        if scheme_id.is_none() && !parsed.nodes.is_empty() {
            let line = line_of(text, parsed.nodes[0].id.span().start);
            return Err(DataError::at(
                file,
                line,
                "scheme",
                "nodes without a [scheme] header; add [scheme] with id (a known scheme's id adds to it)".into(),
            ));
        }
        for raw in parsed.nodes {
            let line = line_of(text, raw.id.span().start);
            let id = raw.id.get_ref().trim().to_string();
            if !is_ascii_id(&id) {
                return Err(DataError::at(
                    file,
                    line,
                    "id",
                    format!("“{id}” is not an ASCII identifier (letters, digits, . _ -)"),
                ));
            }
            if self.by_id.contains_key(&id) {
                return Err(DataError::at(
                    file,
                    line,
                    "id",
                    format!("node “{id}” is declared twice; to add synonyms to it use [[extend]] node = \"{id}\""),
                ));
            }
            let name_line = line_of(text, raw.name.span().start);
            check_name(file, name_line, "name", raw.name.get_ref())?;
            let parent = raw.parent.map(|p| {
                let l = line_of(text, p.span().start);
                (p.into_inner().trim().to_string(), l)
            });
            let synonyms = match raw.synonyms {
                Some(s) => {
                    let l = line_of(text, s.span().start);
                    let list = s.into_inner();
                    check_synonyms(file, l, &list)?;
                    list.into_iter().map(|s| s.trim().to_string()).collect()
                }
                None => Vec::new(),
            };
            if self.nodes.len() >= MAX_NODES {
                return Err(DataError::at(file, line, "id", format!("more than {MAX_NODES} nodes in all")));
            }
            let (parent, parent_line) = match parent {
                Some((p, l)) => (Some(p), l),
                None => (None, line),
            };
            self.by_id.insert(id.clone(), self.nodes.len());
            self.origin.push((file.to_string(), line, parent_line));
            self.nodes.push(Node {
                id,
                scheme: scheme_id.clone().unwrap_or_default(),
                name: raw.name.into_inner().trim().to_string(),
                parent,
                level: 0,
                synonyms,
            });
        }
        for ext in parsed.extends {
            let line = line_of(text, ext.node.span().start);
            let id = ext.node.get_ref().trim();
            let Some(&i) = self.by_id.get(id) else {
                return Err(DataError::at(
                    file,
                    line,
                    "node",
                    format!("no node “{id}” to extend (built-in ids are in data/taxonomy/*.toml)"),
                ));
            };
            let syn_line = line_of(text, ext.synonyms.span().start);
            let list = ext.synonyms.into_inner();
            check_synonyms(file, syn_line, &list)?;
            let n = &mut self.nodes[i];
            for s in list {
                let s = s.trim().to_string();
                if !n.synonyms.contains(&s) {
                    n.synonyms.push(s);
                }
            }
            if n.synonyms.len() > MAX_SYNONYMS {
                return Err(DataError::at(
                    file,
                    syn_line,
                    "synonyms",
                    format!("node “{id}” would have more than {MAX_SYNONYMS} synonyms"),
                ));
            }
        }
        Ok(())
    }

    /// Checks parents (known, same scheme, no cycle) and computes levels.
    pub(crate) fn finish(mut self) -> Result<Taxonomy, DataError> {
        for i in 0..self.nodes.len() {
            let (file, _, parent_line) = self.origin[i].clone();
            let mut level: u8 = 1;
            let mut cur = i;
            while let Some(p) = self.nodes[cur].parent.clone() {
                let Some(&pi) = self.by_id.get(&p) else {
                    return Err(DataError::at(
                        &file,
                        parent_line,
                        "parent",
                        format!("node “{}” names parent “{p}”, which no file declares", self.nodes[cur].id),
                    ));
                };
                if self.nodes[pi].scheme != self.nodes[i].scheme {
                    return Err(DataError::at(
                        &file,
                        parent_line,
                        "parent",
                        format!(
                            "parent “{p}” is in scheme “{}”, not “{}”",
                            self.nodes[pi].scheme, self.nodes[i].scheme
                        ),
                    ));
                }
                level += 1;
                if level > MAX_LEVEL {
                    return Err(DataError::at(
                        &file,
                        parent_line,
                        "parent",
                        format!(
                            "node “{}” is deeper than {MAX_LEVEL} levels (or its parents form a cycle)",
                            self.nodes[i].id
                        ),
                    ));
                }
                cur = pi;
            }
            self.nodes[i].level = level;
        }
        // Nodes grouped by scheme in the order schemes were declared, each in file order.
        let order: HashMap<&str, usize> = self.schemes.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        let mut nodes = self.nodes;
        nodes.sort_by_key(|n| order.get(n.scheme.as_str()).copied().unwrap_or(usize::MAX));
        Ok(Taxonomy::new(self.schemes, nodes))
    }
}

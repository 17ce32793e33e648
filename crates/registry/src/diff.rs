//! What changed between two published batches of a kind: entries added, removed, and the
//! fields changed of those in both (old and new value).

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One field's change.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// An entry in both batches whose fields differ.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Changed {
    pub key: String,
    pub changes: Vec<FieldChange>,
}

/// The difference of a batch from the one before it (keys in code-point order).
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct BatchDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
}

impl BatchDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// `prev` and `next` are (key, fields) of the members of each batch.
pub fn diff(prev: &[(String, Map<String, Value>)], next: &[(String, Map<String, Value>)]) -> BatchDiff {
    let before: BTreeMap<&str, &Map<String, Value>> = prev.iter().map(|(k, f)| (k.as_str(), f)).collect();
    let after: BTreeMap<&str, &Map<String, Value>> = next.iter().map(|(k, f)| (k.as_str(), f)).collect();
    let mut out = BatchDiff::default();
    for (key, new) in &after {
        match before.get(key) {
            None => out.added.push(key.to_string()),
            Some(old) => {
                let mut ids: Vec<&String> = old.keys().chain(new.keys()).collect();
                ids.sort();
                ids.dedup();
                let changes: Vec<FieldChange> = ids
                    .into_iter()
                    .filter_map(|id| {
                        let (o, n) = (old.get(id).unwrap_or(&Value::Null), new.get(id).unwrap_or(&Value::Null));
                        (o != n).then(|| FieldChange { field: id.clone(), old: o.clone(), new: n.clone() })
                    })
                    .collect();
                if !changes.is_empty() {
                    out.changed.push(Changed { key: key.to_string(), changes });
                }
            }
        }
    }
    out.removed = before.keys().filter(|k| !after.contains_key(*k)).map(|k| k.to_string()).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn added_removed_and_changed_fields() {
        let prev = vec![
            ("A".to_string(), m(json!({"name": "甲", "tier": "入库"}))),
            ("B".to_string(), m(json!({"name": "乙"}))),
        ];
        let next = vec![
            ("A".to_string(), m(json!({"name": "甲", "tier": "瞪羚", "segment": "大模型"}))),
            ("C".to_string(), m(json!({"name": "丙"}))),
        ];
        let d = diff(&prev, &next);
        assert_eq!(d.added, ["C"]);
        assert_eq!(d.removed, ["B"]);
        assert_eq!(
            d.changed,
            vec![Changed {
                key: "A".into(),
                changes: vec![
                    FieldChange { field: "segment".into(), old: Value::Null, new: json!("大模型") },
                    FieldChange { field: "tier".into(), old: json!("入库"), new: json!("瞪羚") },
                ]
            }]
        );
        assert!(diff(&next, &next).is_empty());
    }
}

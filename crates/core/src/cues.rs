//! Cue words of the extraction rules, loaded from `data/cues.toml` and extended from a user's
//! `--data DIR`: the words plans use to name owners and their roles, goals, units and
//! industries. Extractors read them through [`crate::Dictionaries::cues`].

use serde::Deserialize;

/// Every list of cue words. A user file may give any subset of the keys; its lists are added.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Cues {
    pub owners: OwnerCues,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OwnerCues {
    pub lead_labels: Vec<String>,
    pub responsible_labels: Vec<String>,
    pub lead_roles: Vec<String>,
    pub responsible_roles: Vec<String>,
    pub sole_roles: Vec<String>,
    pub list_tails: Vec<String>,
    pub org_suffixes: Vec<String>,
    pub generic_prefixes: Vec<String>,
    pub object_verbs: Vec<String>,
}

/// Appends `more` to `list` and keeps longer words first, so that the longest cue at a
/// position wins (`按职责分工负责` before `负责`).
fn extend(list: &mut Vec<String>, more: Vec<String>) {
    for w in more {
        if !list.contains(&w) {
            list.push(w);
        }
    }
    list.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
}

impl Cues {
    pub fn merge(&mut self, other: Cues) {
        let o = other.owners;
        let s = &mut self.owners;
        extend(&mut s.lead_labels, o.lead_labels);
        extend(&mut s.responsible_labels, o.responsible_labels);
        extend(&mut s.lead_roles, o.lead_roles);
        extend(&mut s.responsible_roles, o.responsible_roles);
        extend(&mut s.sole_roles, o.sole_roles);
        extend(&mut s.list_tails, o.list_tails);
        extend(&mut s.org_suffixes, o.org_suffixes);
        extend(&mut s.generic_prefixes, o.generic_prefixes);
        extend(&mut s.object_verbs, o.object_verbs);
    }
}

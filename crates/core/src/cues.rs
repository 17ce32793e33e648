//! Cue words of the extraction rules, loaded from `data/cues.toml` and extended from a user's
//! `--data DIR`: the words plans use to name owners and their roles, goals, units and
//! industries. Extractors read them through [`crate::Dictionaries::cues`].

use serde::Deserialize;

/// Every list of cue words. A user file may give any subset of the keys; its lists are added.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Cues {
    pub owners: OwnerCues,
    pub targets: TargetCues,
    pub sections: SectionCues,
    pub industries: IndustryCues,
    pub tasks: TaskCues,
    pub ledger: LedgerCues,
}

/// Words of a task's deadline (完成时限), see `extract::task_content`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TaskCues {
    /// Endings that make `20XX年[M月[D日]]` a deadline: `2025年底前`, `2024年6月底`, `2026年末`.
    pub date_endings: Vec<String>,
    /// Standing or recurring deadlines, as 任务分工表 write them: `持续推进`, `长期坚持`, `每年`.
    pub standing_deadlines: Vec<String>,
    /// Words before `20XX年` that make the year the one a task is to be done by: `到2027年`.
    pub year_frames: Vec<String>,
}

/// Words that make a target an increment (what is added or changed over the period) rather
/// than a level to reach; see [`crate::ledger`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LedgerCues {
    /// Rates, for any target (`年均增长8%`).
    pub growth_words: Vec<String>,
    /// Additions, for counts and amounts (`新增50家`).
    pub addition_words: Vec<String>,
    /// Changes, for shares and rates (`下降13.5%`).
    pub change_words: Vec<String>,
    /// One automaton over all the words above (built by [`Cues::merge`]): most targets hold
    /// none of them, which it says in one pass instead of a search per word.
    #[serde(skip)]
    any_word: Option<aho_corasick::AhoCorasick>,
}

impl LedgerCues {
    /// Whether `s` may hold one of the words: false only when it holds none (a pre-test).
    pub fn may_hold_a_word(&self, s: &str) -> bool {
        self.any_word.as_ref().is_none_or(|ac| ac.is_match(s))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IndustryCues {
    pub development_verbs: Vec<String>,
    pub name_tails: Vec<String>,
    pub list_heads: Vec<String>,
    /// Kinds of industries a plan sets out to grow: `培育发展智能制造新兴产业`.
    pub group_ends: Vec<String>,
    /// Verbs before such a kind.
    pub group_verbs: Vec<String>,
    /// Verbs that may open a paragraph lead naming a field, besides `development_verbs`.
    pub field_verbs: Vec<String>,
    /// Words in an item title that announce the plan's own new industries.
    pub designating_titles: Vec<String>,
    /// Endings of a field that empowers industry rather than is one (`食品科技创新赋能`).
    pub field_tails: Vec<String>,
    /// Nouns after `产业` that make a list's industries the attribute of something else.
    pub attributive_heads: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SectionCues {
    pub background_endings: Vec<String>,
    pub background_openings: Vec<String>,
    pub action_openings: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TargetCues {
    pub ratio_units: Vec<String>,
    pub amount_units: Vec<String>,
    pub count_units: Vec<String>,
    pub multiple_units: Vec<String>,
    pub commitment_words: Vec<String>,
    pub goal_verbs: Vec<String>,
    pub policy_money_words: Vec<String>,
    pub history_words: Vec<String>,
    pub category_heads: Vec<String>,
    /// Kinds of units counted whose purpose clause names the indicator (`…1000家企业,实施X`).
    pub generic_counted: Vec<String>,
    /// Measures of a facility's capacity (`能力`, `覆盖率`).
    pub capacity_measures: Vec<String>,
    /// Endings of a facility a clause builds, whose capacity the next clause measures.
    pub facility_endings: Vec<String>,
    /// Measures whose threshold qualifies what is counted (`产值超10亿元的企业`), longest first.
    pub threshold_measures: Vec<String>,
    /// Activities without a subject that take the product their section heading names.
    pub subjectless: Vec<String>,
    /// Every unit with its kind, longest first (made by [`Cues::merge`]).
    #[serde(skip)]
    pub units: Vec<(String, &'static str)>,
    /// Matchers of the word lists, made by [`Cues::merge`]: one linear scan per text instead of
    /// one search per word.
    #[serde(skip)]
    matchers: Option<TargetMatchers>,
}

#[derive(Debug, Clone)]
struct TargetMatchers {
    goal_verbs: aho_corasick::AhoCorasick,
    commitment_words: aho_corasick::AhoCorasick,
    history_words: aho_corasick::AhoCorasick,
    policy_money_words: aho_corasick::AhoCorasick,
    /// Indices into `units` by the unit's first character, in `units` order (so the first
    /// hit is still the longest): `unit_at` is called at every figure and the unit list is
    /// long. `None` when a unit is empty (it would match anywhere), to keep the linear scan.
    units_by_first: Option<std::collections::HashMap<char, Vec<usize>>>,
}

fn units_by_first(units: &[(String, &'static str)]) -> Option<std::collections::HashMap<char, Vec<usize>>> {
    let mut map: std::collections::HashMap<char, Vec<usize>> = std::collections::HashMap::new();
    for (k, (u, _)) in units.iter().enumerate() {
        map.entry(u.chars().next()?).or_default().push(k);
    }
    Some(map)
}

fn matcher(words: &[String]) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::new(words).expect("cue words build an automaton")
}

/// Whether `s` holds one of `words`, by the matcher when there is one.
fn holds(m: Option<&aho_corasick::AhoCorasick>, words: &[String], s: &str) -> bool {
    match m {
        Some(ac) => ac.is_match(s),
        None => words.iter().any(|w| s.contains(w.as_str())),
    }
}

impl TargetCues {
    pub fn has_goal_verb(&self, s: &str) -> bool {
        holds(self.matchers.as_ref().map(|m| &m.goal_verbs), &self.goal_verbs, s)
    }

    pub fn has_commitment(&self, s: &str) -> bool {
        holds(self.matchers.as_ref().map(|m| &m.commitment_words), &self.commitment_words, s)
    }

    pub fn has_history_word(&self, s: &str) -> bool {
        holds(self.matchers.as_ref().map(|m| &m.history_words), &self.history_words, s)
    }

    pub fn has_policy_money_word(&self, s: &str) -> bool {
        holds(self.matchers.as_ref().map(|m| &m.policy_money_words), &self.policy_money_words, s)
    }

    /// The unit `s` starts with, longest first, and its kind.
    pub fn unit_at(&self, s: &str) -> Option<(&str, &'static str)> {
        if let Some(index) = self.matchers.as_ref().and_then(|m| m.units_by_first.as_ref()) {
            let first = s.chars().next()?;
            return index
                .get(&first)?
                .iter()
                .map(|&k| &self.units[k])
                .find(|(u, _)| s.starts_with(u.as_str()))
                .map(|(u, k)| (u.as_str(), *k));
        }
        self.units.iter().find(|(u, _)| s.starts_with(u.as_str())).map(|(u, k)| (u.as_str(), *k))
    }
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
    /// Whole names of generic owners no prefix catches (`多部门`); see
    /// [`crate::extract::owners::is_generic_owner`].
    pub generic_owners: Vec<String>,
    pub object_verbs: Vec<String>,
    /// One automaton over the labels and role words (built by [`Cues::merge`]).
    #[serde(skip)]
    role_words: Option<aho_corasick::AhoCorasick>,
}

impl OwnerCues {
    /// The labels and role words, in the order [`OwnerCues::has_role_word`] names them.
    fn role_word_lists(&self) -> [&[String]; 5] {
        [&self.lead_labels, &self.responsible_labels, &self.lead_roles, &self.responsible_roles, &self.sole_roles]
    }

    /// Whether `s` holds any label or role word (`牵头单位`, `牵头`, `配合`, `负责` …): one scan.
    pub fn has_role_word(&self, s: &str) -> bool {
        match &self.role_words {
            Some(ac) => ac.is_match(s),
            None => self.role_word_lists().iter().any(|l| l.iter().any(|w| s.contains(w.as_str()))),
        }
    }
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
        let l = other.ledger;
        extend(&mut self.ledger.growth_words, l.growth_words);
        extend(&mut self.ledger.addition_words, l.addition_words);
        extend(&mut self.ledger.change_words, l.change_words);
        let all: Vec<String> = [&self.ledger.growth_words, &self.ledger.addition_words, &self.ledger.change_words]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        self.ledger.any_word = Some(matcher(&all));
        let i = other.industries;
        extend(&mut self.industries.development_verbs, i.development_verbs);
        extend(&mut self.industries.name_tails, i.name_tails);
        extend(&mut self.industries.list_heads, i.list_heads);
        extend(&mut self.industries.group_ends, i.group_ends);
        extend(&mut self.industries.group_verbs, i.group_verbs);
        extend(&mut self.industries.field_verbs, i.field_verbs);
        extend(&mut self.industries.designating_titles, i.designating_titles);
        extend(&mut self.industries.field_tails, i.field_tails);
        extend(&mut self.industries.attributive_heads, i.attributive_heads);
        let k = other.tasks;
        extend(&mut self.tasks.date_endings, k.date_endings);
        extend(&mut self.tasks.standing_deadlines, k.standing_deadlines);
        extend(&mut self.tasks.year_frames, k.year_frames);
        let c = other.sections;
        extend(&mut self.sections.background_endings, c.background_endings);
        extend(&mut self.sections.background_openings, c.background_openings);
        extend(&mut self.sections.action_openings, c.action_openings);
        let t = other.targets;
        let s = &mut self.targets;
        extend(&mut s.ratio_units, t.ratio_units);
        extend(&mut s.amount_units, t.amount_units);
        extend(&mut s.count_units, t.count_units);
        extend(&mut s.multiple_units, t.multiple_units);
        extend(&mut s.commitment_words, t.commitment_words);
        extend(&mut s.goal_verbs, t.goal_verbs);
        extend(&mut s.policy_money_words, t.policy_money_words);
        extend(&mut s.history_words, t.history_words);
        extend(&mut s.category_heads, t.category_heads);
        extend(&mut s.generic_counted, t.generic_counted);
        extend(&mut s.capacity_measures, t.capacity_measures);
        extend(&mut s.facility_endings, t.facility_endings);
        extend(&mut s.threshold_measures, t.threshold_measures);
        extend(&mut s.subjectless, t.subjectless);
        let mut units: Vec<(String, &'static str)> = Vec::new();
        for (list, kind) in [
            (&s.ratio_units, "ratio"),
            (&s.amount_units, "amount"),
            (&s.count_units, "count"),
            (&s.multiple_units, "multiple"),
        ] {
            units.extend(list.iter().map(|u| (u.clone(), kind)));
        }
        units.sort_by_key(|(u, _)| std::cmp::Reverse(u.len()));
        s.matchers = Some(TargetMatchers {
            goal_verbs: matcher(&s.goal_verbs),
            commitment_words: matcher(&s.commitment_words),
            history_words: matcher(&s.history_words),
            policy_money_words: matcher(&s.policy_money_words),
            units_by_first: units_by_first(&units),
        });
        s.units = units;
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
        extend(&mut s.generic_owners, o.generic_owners);
        extend(&mut s.object_verbs, o.object_verbs);
        let words: Vec<&String> = s.role_word_lists().into_iter().flatten().collect();
        s.role_words = Some(aho_corasick::AhoCorasick::new(words).expect("role words build an automaton"));
    }
}

#[cfg(test)]
mod tests {
    /// The one automaton over labels and role words answers as a search for each word does.
    #[test]
    fn role_words_by_one_automaton_are_those_of_a_search_per_word() {
        let d = crate::Dictionaries::builtin();
        let o = &d.cues.owners;
        let mut unbuilt = o.clone();
        unbuilt.role_words = None;
        let mut texts =
            vec!["", "市科技局", "牵头单位:市科技局", "(市发展改革委牵头,各区县配合)", "按职责分工负责", "单位"];
        texts.extend(o.role_word_lists().into_iter().flatten().map(String::as_str));
        for s in texts {
            assert_eq!(o.has_role_word(s), unbuilt.has_role_word(s), "{s}");
        }
        assert!(o.has_role_word("市科技局牵头") && !o.has_role_word("市科技局"));
    }

    #[test]
    fn units_found_by_first_character_are_those_of_the_linear_scan() {
        let d = crate::Dictionaries::builtin();
        let t = &d.cues.targets;
        assert!(t.matchers.as_ref().is_some_and(|m| m.units_by_first.is_some()));
        let linear = |s: &str| t.units.iter().find(|(u, _)| s.starts_with(u.as_str())).map(|(u, k)| (u.as_str(), *k));
        let text =
            "建成30个示范工厂,产值1100亿元,增长8%,培育万家企业,新增5000万平方米,万元以上,12EFLOPS,亿元、倍、人年、";
        for (i, _) in text.char_indices() {
            assert_eq!(t.unit_at(&text[i..]), linear(&text[i..]), "at {}", &text[i..]);
        }
        for (u, _) in &t.units {
            assert_eq!(t.unit_at(u), linear(u), "{u}");
        }
        assert_eq!(t.unit_at(""), None);
    }
}

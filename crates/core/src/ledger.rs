//! The 目标台账 (target ledger): one row per indicator of a plan, merging its mentions.
//!
//! A plan states a target in its text, again in a 专栏 indicator table (with the base-year
//! value and 预期性/约束性) and again in a task. The plan JSON keeps every mention
//! ([`Plan::targets`], which is what the gold counts); the ledger is a view of them for
//! people and monitoring: [`ledger`] groups the mentions of one indicator into a
//! [`LedgerRow`] listing all its sources.
//!
//! Invariants:
//! - Every target of the plan is a mention of exactly one row; rows come in the order of
//!   their first mention, mentions in plan order.
//! - Grouping is conservative — two different indicators are never merged; when unsure,
//!   mentions stay apart. Mentions join when they agree on scope, unit family (亿元 and 万元
//!   are one family, 家 and 个 are not) and increment-or-level, and
//!   - their names are equal once normalised (`全市`/`全省`/the region's name before, `数量`/
//!     `总量` after, `的` and, for increments, the increment words and a leading verb
//!     dropped); a name of one or two characters joins only mentions that also agree on year
//!     and value; or
//!   - one is a table row and the other a text mention of the same year and value whose
//!     name contains or is contained in the row's, and no other row would fit it.
//! - A row's figure is that of its primary mention: a table row, else a mention for the
//!   plan's end year, else the latest year, else the first. Its baseline and attribute come
//!   from the table mention. Mentions of other years with other values are milestones
//!   (`2024年、2025年分别突破2.2万亿元、2.4万亿元`), not conflicts.
//! - `conflict` says, in zh-CN, where mentions disagree: other values for the same year (or
//!   with no year), or the same value for other years. Such rows are for review (待核对).
//! - A year the plan does not state stays `None`: the ledger never guesses one (monitoring
//!   may offer the plan's end year as a deadline, marked as inferred).
//!
//! [`mark_increments`] sets [`Target::increment`] at extraction from the words of
//! `data/cues.toml` (`[ledger]`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cues::LedgerCues;
use crate::model::{Plan, Span, Target};

/// One mention of an indicator: a target of the plan JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Index into [`Plan::targets`].
    pub index: usize,
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// A row of an indicator table (专栏).
    pub table: bool,
    /// Path of the section the mention is in (`二/(一)`).
    pub path: String,
    pub text: String,
    pub span: Span,
}

/// A figure the plan sets for another year than the row's own (`2024年突破2.2万亿元`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// The mention it is read from (index into [`Plan::targets`]).
    pub index: usize,
}

/// One indicator of the 目标台账 with every mention of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerRow {
    /// Name of the indicator (the primary mention's).
    pub indicator: String,
    pub unit: String,
    /// `count`, `amount`, `ratio` or `multiple`.
    pub kind: String,
    pub scope: String,
    /// Deadline year of the primary mention; `None` when the plan states none.
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub qualifier: String,
    /// Base-year value, from the table mention when there is one.
    pub baseline_year: Option<i32>,
    pub baseline_value: Option<f64>,
    /// `预期性` or `约束性` (from the table mention).
    pub attribute: Option<String>,
    /// What is added over the period rather than a level to reach.
    pub increment: bool,
    /// The mention whose figure the row shows (index into [`Plan::targets`]).
    pub primary: usize,
    /// Figures for other years, by year.
    pub milestones: Vec<Milestone>,
    /// Every mention, in plan order.
    pub mentions: Vec<Mention>,
    /// Why the mentions need a look (待核对), in zh-CN; `None` when they agree.
    pub conflict: Option<String>,
}

/// Sets [`Target::increment`] of each target from the words of its phrase and name.
pub fn mark_increments(targets: &mut [Target], cues: &LedgerCues) {
    for t in targets {
        t.increment = is_increment(t, cues);
    }
}

/// Whether a target counts what is added or changed rather than a level, by the words of
/// its phrase and name: a rate (`年均增长6%`) for any target, an addition (`新增`, `每年`) for
/// counts and amounts, a change (`下降13.5%`) for shares and rates — unless the word goes on
/// to a level (`增长到`, `降至`) or is part of a noun (`增加值`).
pub fn is_increment(t: &Target, cues: &LedgerCues) -> bool {
    let ratio = t.kind == "ratio" || t.unit.contains('%') || t.unit.contains('％') || t.unit.contains("百分点");
    let words: &[String] = if ratio { &cues.change_words } else { &cues.addition_words };
    [t.text.as_str(), t.indicator.as_str()]
        .iter()
        .filter(|s| cues.may_hold_a_word(s))
        .any(|s| holds_word(s, &cues.growth_words) || holds_word(s, words))
}

/// Whether `s` holds one of `words` as a change: not going on to a level (`增长到`, `降至`,
/// `提高为`) and not part of a noun (`增加值`, `经济增长的贡献率`, `新的增长点`, `增长极`).
fn holds_word(s: &str, words: &[String]) -> bool {
    words.iter().filter(|w| !w.is_empty()).any(|w| {
        crate::extract::text::match_offsets(s, w).any(|p| {
            let after = &s[p + w.len()..];
            !after.starts_with(['到', '至', '为', '的', '点', '极', '值']) && !after.starts_with("贡献")
        })
    })
}

/// A year and a value key ([`value_key`]).
type Figure<'a> = (Option<i32>, &'a str);

/// The ledger of a plan: one row per indicator, every target in exactly one row.
pub fn ledger(plan: &Plan) -> Vec<LedgerRow> {
    let region = plan.meta.region.as_deref();
    let targets = &plan.targets;
    let n = targets.len();
    let keys: Vec<Key> = targets.iter().map(|t| Key::of(t, region)).collect();
    let figures: Vec<Option<String>> = targets.iter().map(value_key).collect();
    let mut groups = UnionFind::new(n);
    // Equal keys join; names of one or two characters only where year and value agree too.
    // (Hashed, so a document of many targets costs linear time.)
    let mut first_of: HashMap<(&Key, Option<Figure>), usize> = HashMap::new();
    for i in 0..n {
        if keys[i].name.is_empty() {
            continue;
        }
        let figure = if keys[i].name.chars().count() > 2 {
            None
        } else {
            match &figures[i] {
                Some(f) => Some((targets[i].year, f.as_str())),
                None => continue,
            }
        };
        match first_of.entry((&keys[i], figure)) {
            std::collections::hash_map::Entry::Occupied(e) => groups.union(*e.get(), i),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }
    // A text mention joins the one table row that restates its figure (same year and value)
    // under a longer or shorter name.
    let mut rows_by_figure: HashMap<Figure, Vec<usize>> = HashMap::new();
    for j in (0..n).filter(|&j| targets[j].table && targets[j].year.is_some()) {
        if let Some(f) = &figures[j] {
            rows_by_figure.entry((targets[j].year, f.as_str())).or_default().push(j);
        }
    }
    for i in (0..n).filter(|&i| !targets[i].table && targets[i].year.is_some()) {
        let Some(f) = &figures[i] else { continue };
        let Some(rows) = rows_by_figure.get(&(targets[i].year, f.as_str())) else { continue };
        let mut fits: Vec<usize> =
            rows.iter().filter(|&&j| restates(&keys[i], &keys[j])).map(|&j| groups.find(j)).collect();
        fits.sort_unstable();
        fits.dedup();
        if let [g] = fits[..] {
            groups.union(i, g);
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        members[groups.find(i)].push(i);
    }
    // A set is named by its smallest index, so rows come in the order of their first mention.
    members.into_iter().filter(|m| !m.is_empty()).map(|m| row(plan, &m, &figures)).collect()
}

/// One row from the indices of its mentions (ascending).
fn row(plan: &Plan, members: &[usize], figures: &[Option<String>]) -> LedgerRow {
    let targets = &plan.targets;
    let same = |a: usize, b: usize| figures[a].is_some() && figures[a] == figures[b];
    let end = plan.meta.period_end;
    let latest = members.iter().filter_map(|&i| targets[i].year).max();
    let first_for = |y: Option<i32>| y.and_then(|y| members.iter().copied().find(|&i| targets[i].year == Some(y)));
    let table = members.iter().copied().find(|&i| targets[i].table);
    let primary = table.or_else(|| first_for(end)).or_else(|| first_for(latest)).unwrap_or(members[0]);
    let p = &targets[primary];
    let with_baseline = table
        .filter(|&i| targets[i].baseline_value.is_some())
        .or_else(|| members.iter().copied().find(|&i| targets[i].baseline_value.is_some()));
    let (baseline_year, baseline_value) =
        with_baseline.map_or((None, None), |i| (targets[i].baseline_year, targets[i].baseline_value));
    let attribute = members.iter().find_map(|&i| targets[i].attribute.clone());
    // One milestone per other year with another value, from its first mention.
    let mut milestones: Vec<Milestone> = Vec::new();
    for &i in members {
        let t = &targets[i];
        if t.year.is_some() && t.year != p.year && !same(i, primary) && !milestones.iter().any(|m| m.year == t.year) {
            milestones.push(Milestone {
                year: t.year,
                value: t.value,
                value_max: t.value_max,
                unit: t.unit.clone(),
                index: i,
            });
        }
    }
    milestones.sort_by_key(|m| m.year);
    LedgerRow {
        indicator: p.indicator.clone(),
        unit: p.unit.clone(),
        kind: p.kind.clone(),
        scope: p.scope.clone(),
        year: p.year,
        value: p.value,
        value_max: p.value_max,
        qualifier: p.qualifier.clone(),
        baseline_year,
        baseline_value,
        attribute,
        increment: p.increment,
        primary,
        milestones,
        mentions: members
            .iter()
            .map(|&i| {
                let t = &targets[i];
                Mention {
                    index: i,
                    year: t.year,
                    value: t.value,
                    value_max: t.value_max,
                    unit: t.unit.clone(),
                    table: t.table,
                    path: t.path.clone(),
                    text: t.text.clone(),
                    span: t.span,
                }
            })
            .collect(),
        conflict: conflict(targets, members, primary, figures),
    }
}

/// Where the mentions of one indicator disagree, in zh-CN; `None` when they agree. Figures
/// are listed the primary mention's first (the one the row shows), then in plan order.
fn conflict(targets: &[Target], members: &[usize], primary: usize, figures: &[Option<String>]) -> Option<String> {
    let members: Vec<usize> =
        std::iter::once(primary).chain(members.iter().copied().filter(|&i| i != primary)).collect();
    // The distinct figures of some mentions, as written (`45000家`, `8—10个`).
    let written = |of: &mut dyn Iterator<Item = usize>| -> Vec<String> {
        let mut seen: Vec<&Option<String>> = Vec::new();
        let mut out = Vec::new();
        for i in of {
            if figures[i].is_none() || !seen.contains(&&figures[i]) {
                seen.push(&figures[i]);
                out.push(figure(&targets[i]));
            }
        }
        out
    };
    let mut notes: Vec<String> = Vec::new();
    let dated: Vec<usize> = members.iter().copied().filter(|&i| targets[i].year.is_some()).collect();
    let undated: Vec<usize> = members.iter().copied().filter(|&i| targets[i].year.is_none()).collect();
    // Other values for the same year.
    let mut years: Vec<i32> = dated.iter().filter_map(|&i| targets[i].year).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let of_year = written(&mut dated.iter().copied().filter(|&i| targets[i].year == Some(y)));
        if of_year.len() > 1 {
            notes.push(format!("{y}年的目标值有{}种提法:{}", of_year.len(), of_year.join("、")));
        }
    }
    // Mentions without a year: a value that no dated mention states.
    let dated_values: Vec<&Option<String>> = dated.iter().map(|&i| &figures[i]).collect();
    if dated.is_empty() {
        let all = written(&mut undated.iter().copied());
        if all.len() > 1 {
            notes.push(format!("目标值有{}种提法:{}", all.len(), all.join("、")));
        }
    } else {
        let odd = written(
            &mut undated.iter().copied().filter(|&i| figures[i].is_none() || !dated_values.contains(&&figures[i])),
        );
        if !odd.is_empty() {
            notes.push(format!(
                "未写年份的提法{}与写明年份的{}不同",
                odd.join("、"),
                written(&mut dated.iter().copied()).join("、")
            ));
        }
    }
    // The same value for other years.
    let mut years_of: Vec<(&str, Vec<i32>, usize)> = Vec::new();
    for &i in &dated {
        let (Some(f), Some(y)) = (&figures[i], targets[i].year) else { continue };
        match years_of.iter_mut().find(|(g, _, _)| *g == f.as_str()) {
            Some((_, ys, _)) if !ys.contains(&y) => ys.push(y),
            Some(_) => {}
            None => years_of.push((f.as_str(), vec![y], i)),
        }
    }
    for (_, mut ys, i) in years_of.into_iter().filter(|(_, ys, _)| ys.len() > 1) {
        ys.sort_unstable();
        let ys: Vec<String> = ys.iter().map(|y| format!("{y}年")).collect();
        notes.push(format!("同一目标值{}分别写作{}", figure(&targets[i]), ys.join("、")));
    }
    (!notes.is_empty()).then(|| notes.join(";"))
}

/// A target's figure with its unit: `4.5万家` is written `45000家`, a range `8—10个`.
pub fn figure(t: &Target) -> String {
    match t.value_max {
        Some(m) => format!("{}—{}{}", number(t.value), number(m), t.unit),
        None => format!("{}{}", number(t.value), t.unit),
    }
}

/// A number as people write it: no trailing `.0`, at most four decimals.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What identifies an indicator across its mentions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    /// The normalised name; empty names never match.
    name: String,
    family: &'static str,
    /// The unit itself when it belongs to no known family.
    unit: String,
    increment: bool,
    scope: String,
}

impl Key {
    fn of(t: &Target, region: Option<&str>) -> Key {
        let (family, _) = unit_family(&t.unit);
        Key {
            name: normalise_name(&t.indicator, region, t.increment),
            family,
            unit: if family.is_empty() { t.unit.trim().to_string() } else { String::new() },
            increment: t.increment,
            scope: t.scope.trim().to_string(),
        }
    }

    /// Same unit family, increment-or-level and scope: mentions that may be one indicator.
    fn compatible(&self, other: &Key) -> bool {
        self.family == other.family
            && self.unit == other.unit
            && self.increment == other.increment
            && self.scope == other.scope
    }
}

/// Whether a text mention (key `a`) restates a table row (key `b`) of the same year and
/// value: one name inside the other (at least two characters).
fn restates(a: &Key, b: &Key) -> bool {
    let (short, long) = if a.name.len() <= b.name.len() { (&a.name, &b.name) } else { (&b.name, &a.name) };
    a.compatible(b) && short.chars().count() >= 2 && long.contains(short.as_str())
}

/// A mention's value in its unit family's base (`1.2万亿元` and `12000亿元` are equal), as a
/// key; `None` for a value that is not a number.
fn value_key(t: &Target) -> Option<String> {
    let (family, factor) = unit_family(&t.unit);
    let base = |v: f64| (v.is_finite()).then(|| format!("{:.9e}", v * factor));
    let family = if family.is_empty() { t.unit.trim() } else { family };
    let max = match t.value_max {
        Some(m) => base(m)?,
        None => String::new(),
    };
    Some(format!("{family}|{}|{max}", base(t.value)?))
}

/// The family of a unit and its factor to the family's base, so that `1.2万亿元` and
/// `12000亿元` compare equal; ("", 1) for a unit of no family (a counter is its own).
fn unit_family(unit: &str) -> (&'static str, f64) {
    const FAMILIES: &[(&str, &str, f64)] = &[
        ("元", "yuan", 1.0),
        ("万元", "yuan", 1e4),
        ("亿元", "yuan", 1e8),
        ("万亿元", "yuan", 1e12),
        ("美元", "usd", 1.0),
        ("万美元", "usd", 1e4),
        ("亿美元", "usd", 1e8),
        ("%", "percent", 1.0),
        ("％", "percent", 1.0),
        ("个百分点", "points", 1.0),
        ("百分点", "points", 1.0),
        ("平方米", "area", 1.0),
        ("万平方米", "area", 1e4),
        ("公顷", "area", 1e4),
        ("平方公里", "area", 1e6),
        ("千瓦", "power", 1.0),
        ("万千瓦", "power", 1e4),
        ("兆瓦", "power", 1e3),
        ("吉瓦", "power", 1e6),
        ("千瓦时", "energy", 1.0),
        ("万千瓦时", "energy", 1e4),
        ("亿千瓦时", "energy", 1e8),
        ("吨", "mass", 1.0),
        ("万吨", "mass", 1e4),
        ("亿吨", "mass", 1e8),
        ("米", "length", 1.0),
        ("公里", "length", 1e3),
        ("千米", "length", 1e3),
    ];
    let u = unit.trim();
    FAMILIES.iter().find(|(w, _, _)| *w == u).map_or(("", 1.0), |(_, f, k)| (*f, *k))
}

/// Words before a name that say only where it applies: the plan's own region.
const SCOPE_WORDS: &[&str] =
    &["全市", "全省", "全区", "全县", "全州", "全国", "本市", "本省", "本区", "本县", "我市", "我省", "我区", "我县"];
/// Words after a name that only say it is counted, or qualify the figure rather than name
/// what is measured (`新型研发机构数量翻番`).
const COUNT_TAILS: &[&str] =
    &["的数量", "数量", "总数", "总量", "个数", "翻一番", "翻番", "以上", "左右", "达到", "突破", "超过"];
/// Words that make a name an increment; dropped from the names of increments, whose key
/// already says so (`新增科技型企业` and `科技型企业` of an increment are one indicator).
const INCREMENT_WORDS: &[&str] =
    &["年均增长", "年均增速", "年均", "每年", "新增", "累计", "增长", "增速", "增幅", "新培育", "新引进", "新认定"];
/// Verbs that open the name of an increment (`培育独角兽企业` → 独角兽企业).
const LEADING_VERBS: &[&str] =
    &["组织实施", "培育", "引进", "引育", "建设", "建成", "新建", "打造", "认定", "实施", "形成"];

/// The name of a mention as compared with others: no spaces, no `的`, without the region,
/// count words or (for increments) increment words. Empty when nothing meaningful is left.
fn normalise_name(name: &str, region: Option<&str>, increment: bool) -> String {
    let mut s: String = name.chars().filter(|c| !c.is_whitespace() && *c != '的').collect();
    let punct = |c: char| {
        matches!(c, '、' | ',' | '\u{ff0c}' | '。' | ';' | '\u{ff1b}' | ':' | '\u{ff1a}' | '“' | '”' | '—' | '-')
    };
    s = s.trim_matches(punct).to_string();
    let region_short = region.map(|r| {
        ["特别行政区", "自治区", "自治州", "省", "市", "区", "县"]
            .iter()
            .find_map(|t| r.strip_suffix(t).filter(|x| x.chars().count() >= 2))
            .unwrap_or(r)
    });
    loop {
        let before = s.len();
        for w in SCOPE_WORDS.iter().copied().chain(region).chain(region_short) {
            if !w.is_empty() {
                if let Some(rest) = s.strip_prefix(w) {
                    s = rest.to_string();
                }
            }
        }
        if increment {
            for w in INCREMENT_WORDS {
                s = s.replace(w, "");
            }
            for v in LEADING_VERBS {
                if let Some(rest) = s.strip_prefix(v) {
                    s = rest.to_string();
                }
            }
        }
        for t in COUNT_TAILS {
            if let Some(rest) = s.strip_suffix(t) {
                s = rest.to_string();
            }
        }
        s = s.trim_matches(punct).to_string();
        if s.len() == before {
            break;
        }
    }
    s
}

/// Disjoint sets of mentions; a set is named by its smallest index.
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }

    fn find(&mut self, i: usize) -> usize {
        let mut r = i;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut k = i;
        while self.0[k] != r {
            let next = self.0[k];
            self.0[k] = r;
            k = next;
        }
        r
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        self.0[hi] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn t(indicator: &str, year: Option<i32>, value: f64, unit: &str, text: &str) -> Target {
        let kind = if unit == "%" { "ratio" } else { "count" };
        Target {
            indicator: indicator.into(),
            year,
            value,
            unit: unit.into(),
            kind: kind.into(),
            scope: "重庆市".into(),
            text: text.into(),
            ..Default::default()
        }
    }

    fn table_row(indicator: &str, year: i32, value: f64, unit: &str, baseline: f64, attribute: &str) -> Target {
        Target {
            baseline_year: Some(2020),
            baseline_value: Some(baseline),
            attribute: Some(attribute.into()),
            table: true,
            ..t(indicator, Some(year), value, unit, &format!("{indicator}({unit}){baseline}{value}{attribute}"))
        }
    }

    fn plan(targets: Vec<Target>) -> Plan {
        let mut targets = targets;
        mark_increments(&mut targets, &crate::Dictionaries::builtin().cues.ledger);
        Plan {
            meta: Meta { region: Some("重庆市".into()), period_end: Some(2025), ..Default::default() },
            targets,
            ..Default::default()
        }
    }

    fn groups(rows: &[LedgerRow]) -> Vec<Vec<usize>> {
        rows.iter().map(|r| r.mentions.iter().map(|m| m.index).collect()).collect()
    }

    #[test]
    fn text_table_and_task_mentions_are_one_row_with_the_tables_baseline_and_attribute() {
        let p = plan(vec![
            t("科技型企业", Some(2025), 45000.0, "家", "科技型企业超过4.5万家"),
            t("专精特新企业", Some(2025), 500.0, "家", "专精特新企业达到500家"),
            t("入库科技型企业", Some(2025), 45000.0, "家", "入库科技型企业超过4.5万家"),
            table_row("科技型企业", 2025, 45000.0, "家", 26371.0, "预期性"),
        ]);
        let rows = ledger(&p);
        assert_eq!(groups(&rows), vec![vec![0, 2, 3], vec![1]]);
        let r = &rows[0];
        assert_eq!((r.primary, r.baseline_value, r.baseline_year), (3, Some(26371.0), Some(2020)));
        assert_eq!(r.attribute.as_deref(), Some("预期性"));
        assert_eq!((r.year, r.value, r.conflict.as_deref()), (Some(2025), 45000.0, None));
        assert!(r.mentions.iter().any(|m| m.table) && r.mentions.iter().filter(|m| !m.table).count() == 2);
        assert_eq!(rows[1].attribute, None);
    }

    #[test]
    fn names_differing_by_region_or_count_words_are_one_indicator() {
        let p = plan(vec![
            t("全市高新技术企业数量", Some(2025), 6000.0, "家", "全市高新技术企业数量达到6000家"),
            t("高新技术企业数量翻番、", Some(2025), 6000.0, "家", "高新技术企业数量翻番、达到6000家"),
            t("高新技术企业", Some(2025), 6000.0, "家", "高新技术企业达到6000家"),
            t("重庆高新技术企业", None, 6000.0, "家", "重庆高新技术企业6000家"),
            t("数字经济规模", Some(2025), 1.2, "万亿元", "数字经济规模达到1.2万亿元"),
            t("数字经济规模", Some(2025), 12000.0, "亿元", "数字经济规模12000亿元"),
        ]);
        let rows = ledger(&p);
        assert_eq!(groups(&rows), vec![vec![0, 1, 2, 3], vec![4, 5]]);
        assert!(rows.iter().all(|r| r.conflict.is_none()), "{rows:?}");
    }

    #[test]
    fn different_indicators_stay_apart() {
        let p = plan(vec![
            // Increment and level of the same thing.
            t("高新技术企业", Some(2025), 100.0, "家", "新增高新技术企业100家"),
            t("高新技术企业", Some(2025), 500.0, "家", "高新技术企业达到500家"),
            // Another counter, another scope.
            t("高新技术企业", Some(2025), 500.0, "个", "高新技术企业500个"),
            Target {
                scope: "两江新区".into(),
                ..t("高新技术企业", Some(2025), 500.0, "家", "两江新区高新技术企业500家")
            },
            // Names of one or two characters join only the same figure.
            t("企业", Some(2025), 10.0, "家", "培育企业10家"),
            t("企业", Some(2025), 20.0, "家", "引进企业20家"),
            t("企业", Some(2025), 10.0, "家", "培育企业10家"),
            // Empty names never join.
            t("", Some(2025), 3.0, "项", "3项"),
            t("", Some(2025), 3.0, "项", "3项"),
        ]);
        let rows = ledger(&p);
        assert_eq!(groups(&rows), vec![vec![0], vec![1], vec![2], vec![3], vec![4, 6], vec![5], vec![7], vec![8]]);
        assert!(rows[0].increment && !rows[1].increment);
    }

    #[test]
    fn a_text_mention_that_fits_two_table_rows_joins_neither() {
        let p = plan(vec![
            t("比重", Some(2025), 30.0, "%", "比重达到30%"),
            table_row("数字经济核心产业增加值比重", 2025, 30.0, "%", 20.0, "预期性"),
            table_row("高技术产业产值比重", 2025, 30.0, "%", 25.0, "预期性"),
            t("占地区生产总值的比重", Some(2025), 2.6, "%", "占地区生产总值的比重达到2.6%"),
            table_row("全社会研发经费占地区生产总值的比重", 2025, 2.6, "%", 2.11, "预期性"),
            // Another year is not a restatement.
            t("研发经费占地区生产总值的比重", Some(2030), 2.6, "%", "到2030年研发经费占地区生产总值的比重2.6%"),
        ]);
        assert_eq!(groups(&ledger(&p)), vec![vec![0], vec![1], vec![2], vec![3, 4], vec![5]]);
    }

    #[test]
    fn disagreeing_mentions_are_flagged_and_say_how() {
        let p = plan(vec![
            t("技术合同成交额", Some(2025), 1100.0, "亿元", "技术合同成交额突破1100亿元"),
            t("技术合同成交额", Some(2025), 1200.0, "亿元", "技术合同成交额达到1200亿元"),
            t("5G基站", Some(2025), 40000.0, "个", "建成5G基站4万个"),
            t("5G基站", Some(2027), 40000.0, "个", "到2027年5G基站4万个"),
            t("标杆企业", Some(2025), 20.0, "家", "培育标杆企业20家"),
            t("标杆企业", None, 20.0, "家", "培育标杆企业20家"),
            t("示范工厂", Some(2025), 30.0, "家", "示范工厂30家"),
            t("示范工厂", None, 50.0, "家", "示范工厂50家"),
        ]);
        let rows = ledger(&p);
        assert_eq!(groups(&rows), vec![vec![0, 1], vec![2, 3], vec![4, 5], vec![6, 7]]);
        let c: Vec<Option<&str>> = rows.iter().map(|r| r.conflict.as_deref()).collect();
        assert_eq!(c[0], Some("2025年的目标值有2种提法:1100亿元、1200亿元"));
        assert_eq!(c[1], Some("同一目标值40000个分别写作2025年、2027年"));
        assert_eq!(c[2], None, "a mention without a year agrees with the dated one");
        assert_eq!(c[3], Some("未写年份的提法50家与写明年份的30家不同"));
        // The row shows the plan's end year.
        assert_eq!((rows[1].year, rows[1].primary), (Some(2025), 2));
    }

    #[test]
    fn figures_for_other_years_are_milestones_not_conflicts() {
        let p = plan(vec![
            t("信息技术产业营收", Some(2024), 22000.0, "亿元", "2024年突破2.2万亿元"),
            t("信息技术产业营收", Some(2025), 24000.0, "亿元", "2025年突破2.4万亿元"),
            t("信息技术产业营收", Some(2030), 30000.0, "亿元", "2030年突破3万亿元"),
        ]);
        let rows = ledger(&p);
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!((r.year, r.value, r.primary, r.conflict.as_deref()), (Some(2025), 24000.0, 1, None));
        let m: Vec<(Option<i32>, f64)> = r.milestones.iter().map(|m| (m.year, m.value)).collect();
        assert_eq!(m, vec![(Some(2024), 22000.0), (Some(2030), 30000.0)]);
        // A year is never made up: a row of undated mentions keeps none.
        let undated = ledger(&plan(vec![t("孵化器", None, 10.0, "家", "每年新增孵化器10家")]));
        assert_eq!(undated[0].year, None);
    }

    #[test]
    fn increments_are_read_from_the_phrase_and_name() {
        let cues = &crate::Dictionaries::builtin().cues.ledger;
        let inc = |indicator: &str, unit: &str, text: &str| is_increment(&t(indicator, None, 1.0, unit, text), cues);
        assert!(inc("科技型企业", "家", "新增科技型企业100家"));
        assert!(inc("独角兽企业", "家", "累计培育独角兽企业5家"));
        assert!(inc("每年培育智能制造标杆企业", "家", "每年培育20家以上智能制造标杆企业"));
        assert!(inc("地区生产总值", "%", "地区生产总值年均增长6%"));
        assert!(inc("单位地区生产总值能耗", "%", "单位地区生产总值能耗下降13.5%"));
        assert!(inc("数字经济比重", "个百分点", "数字经济比重提高5个百分点"));
        assert!(!inc("高新技术企业", "家", "高新技术企业达到500家"));
        assert!(!inc("产业规模", "亿元", "产业规模增长到1000亿元"));
        assert!(!inc("不良品率", "%", "不良品率降低到2%"));
        assert!(!inc("科技进步贡献率", "%", "科技进步对经济增长的贡献率达到60%"));
        assert!(!inc("数字经济核心产业增加值比重", "%", "数字经济核心产业增加值占GDP比重达到10%"));
        // Change words make only shares and rates changes: a count of projects is a level.
        assert!(!inc("改造提升项目", "个", "实施改造提升项目100个"));
        // In a share, additions name the population measured.
        assert!(!inc("新建住宅建筑BIM交付率", "%", "新建住宅建筑BIM交付率达到100%"));
        assert!(!inc("新增财政性教育经费用于科技创新的比例", "%", "新增财政性教育经费用于科技创新的比例不低于30%"));
    }

    #[test]
    fn increments_join_under_their_bare_names() {
        let p = plan(vec![
            t("全社会研发经费投入年均", Some(2025), 10.0, "%", "全社会研发经费投入年均增长10%以上"),
            table_row("全社会研发经费投入增长", 2025, 10.0, "%", 12.2, "预期性"),
            t("每年新培育独角兽企业", None, 3.0, "家", "每年新培育独角兽企业3家"),
            t("独角兽企业", None, 3.0, "家", "每年培育独角兽企业3家"),
        ]);
        let rows = ledger(&p);
        assert_eq!(groups(&rows), vec![vec![0, 1], vec![2, 3]]);
        assert!(rows.iter().all(|r| r.increment && r.conflict.is_none()));
        assert_eq!(rows[0].baseline_value, Some(12.2));
    }
}

//! The conformity review of a draft against its master plan.

use crate::industry::{IndustryMap, Placed};
use crate::norm::{self, Direction, Unit, UnitClass};
use crate::text::{bigrams, cite, dice, find_period};
use crate::{Cited, Finding, Kind, Severity};
use planwatch_core::model::{Industry, Target, Task};
use planwatch_core::Plan;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Two tasks are "the same task" when the Dice coefficient of the character bigrams of their
/// titles and contents reaches this.
pub const TASK_SIMILARITY: f64 = 0.6;

/// The characters of a task's content used for similarity (its opening states what it is).
const TASK_CONTENT_CHARS: usize = 200;

/// The result of a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub draft_title: String,
    pub master_title: String,
    pub draft_region: Option<String>,
    pub master_region: Option<String>,
    /// Findings ordered by severity, group and id.
    pub findings: Vec<Finding>,
}

impl Review {
    /// The number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// Reviews `draft` against `master`. `draft_text` and `master_text` are the source texts the
/// plans' spans index into (used to cite sentences; a text that does not fit cites the items
/// alone).
pub fn review(draft: &Plan, draft_text: &str, master: &Plan, master_text: &str, tax: &dyn IndustryMap) -> Review {
    let mut findings = Vec::new();
    let d = Side::new(draft, draft_text);
    let m = Side::new(master, master_text);
    let names = industry_terms(&[draft, master], tax);
    targets(&d, &m, &names, &mut findings);
    directions(&d, &m, tax, &mut findings);
    tasks(&d, &m, &mut findings);
    period(&d, &m, &mut findings);
    findings.sort_by(|a, b| (a.severity, a.group, &a.id).cmp(&(b.severity, b.group, &b.id)));
    findings.dedup_by(|a, b| a.id == b.id);
    Review {
        draft_title: title(draft),
        master_title: title(master),
        draft_region: draft.meta.region.clone(),
        master_region: master.meta.region.clone(),
        findings,
    }
}

pub(crate) fn title(p: &Plan) -> String {
    p.meta.title.clone().unwrap_or_else(|| p.doc.clone())
}

struct Side<'a> {
    plan: &'a Plan,
    text: &'a str,
    region: Option<&'a str>,
}

impl<'a> Side<'a> {
    fn new(plan: &'a Plan, text: &'a str) -> Self {
        Side { plan, text, region: plan.meta.region.as_deref().filter(|r| !r.is_empty()) }
    }
    fn cite_target(&self, t: &Target) -> Cited {
        cite(self.text, &t.text, t.span)
    }
    fn cite_industry(&self, i: &Industry) -> Cited {
        cite(self.text, &i.name, i.span)
    }
    fn cite_task(&self, t: &Task) -> Cited {
        let mut c = cite(self.text, &t.text, t.span);
        c.item = if t.title.is_empty() { t.text.clone() } else { t.title.clone() };
        c
    }
}

/// Industry names (and segments) of the plans that the taxonomy places, normalised like
/// indicator names, longest first: an indicator carrying one is keyed by the node instead, so
/// `低空经济产业规模` and `飞行汽车产业规模` match when both names map to one node.
fn industry_terms(plans: &[&Plan], tax: &dyn IndustryMap) -> Vec<(String, String)> {
    let mut seen = BTreeMap::new();
    for p in plans {
        for i in &p.industries {
            for name in std::iter::once(&i.name).chain(i.segments.iter()) {
                if name.chars().count() < 2 || seen.contains_key(name) {
                    continue;
                }
                if let Some(pl) = tax.place(name) {
                    seen.insert(name.clone(), pl.node);
                }
            }
        }
    }
    let mut terms: Vec<(String, String)> = seen
        .into_iter()
        .map(|(name, node)| (norm::indicator(&name, None), node))
        .filter(|(n, _)| n.chars().count() >= 2)
        .collect();
    terms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    terms
}

/// A target with its matching key and unit.
struct Keyed<'a> {
    t: &'a Target,
    key: String,
    unit: Unit,
    dir: Direction,
}

fn target_key(t: &Target, side: &str, region: Option<&str>, terms: &[(String, String)]) -> String {
    let mut key = norm::indicator(&t.indicator, region);
    // A generic name is this plan's own: never matched with the other plan's.
    if norm::is_generic(&key) {
        key = format!("{key}#{side}");
    }
    for (name, node) in terms {
        if key.contains(name.as_str()) {
            key = key.replace(name.as_str(), &format!("{{{node}}}"));
        }
    }
    // A target over part of the plan's territory (a science city, a district) is its own
    // indicator.
    let scope = t.scope.trim();
    if !scope.is_empty() && Some(scope) != region {
        key = format!("{key}@{}", norm::indicator(scope, None));
    }
    key
}

/// Targets grouped by key and year: the first mention stands for the group, all are cited.
type Groups<'a> = BTreeMap<String, BTreeMap<Option<i32>, Vec<Keyed<'a>>>>;

fn group<'a>(side: &Side<'a>, name: &str, terms: &[(String, String)]) -> Groups<'a> {
    let mut g: Groups<'a> = BTreeMap::new();
    for t in &side.plan.targets {
        if t.indicator.trim().is_empty() || !t.value.is_finite() {
            continue;
        }
        let key = target_key(t, name, side.region, terms);
        let k = Keyed {
            t,
            unit: norm::unit(&t.unit),
            dir: norm::direction(&t.indicator, &t.text, &t.qualifier),
            key: key.clone(),
        };
        g.entry(key).or_default().entry(t.year).or_default().push(k);
    }
    g
}

fn year_label(y: Option<i32>) -> String {
    y.map(|y| format!("{y}年")).unwrap_or_else(|| "未写年份".into())
}

fn value_label(t: &Target) -> String {
    let v = fmt_num(t.value);
    let range = t.value_max.map(|m| format!("—{}", fmt_num(m))).unwrap_or_default();
    format!("{v}{range}{}{}", t.unit, t.qualifier)
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `[low, high]` of a target in the unit class's base unit.
fn range(k: &Keyed) -> (f64, f64) {
    let lo = k.t.value * k.unit.factor;
    let hi = k.t.value_max.map(|m| m * k.unit.factor).unwrap_or(lo);
    (lo.min(hi), lo.max(hi))
}

fn same_scope(d: &Side, m: &Side) -> bool {
    match (d.region, m.region) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

fn targets(d: &Side, m: &Side, terms: &[(String, String)], out: &mut Vec<Finding>) {
    let dg = group(d, "draft", terms);
    let mg = group(m, "master", terms);
    let scope_same = same_scope(d, m);
    for (key, m_years) in &mg {
        let Some(d_years) = dg.get(key) else {
            for (year, ms) in m_years {
                let first = &ms[0];
                let mut f = Finding::new(
                    Kind::TargetNotCarried,
                    Severity::Low,
                    &[key, &year_label(*year)],
                    format!(
                        "上位规划的目标“{}”（{}，{}）在草案中没有对应目标，请确认是否需要分解落实。",
                        first.t.indicator,
                        year_label(*year),
                        value_label(first.t)
                    ),
                );
                f.master = ms.iter().map(|k| m.cite_target(k.t)).collect();
                out.push(f);
            }
            continue;
        };
        for (m_year, ms) in m_years {
            // The draft's year: the same, else the nearest stated one, else the unstated one.
            let d_year = if d_years.contains_key(m_year) {
                *m_year
            } else {
                let target_year = m_year.unwrap_or(i32::MAX / 2);
                d_years
                    .keys()
                    .min_by_key(|y| (y.is_none(), y.map(|y| (y - target_year).abs()).unwrap_or(0)))
                    .copied()
                    .unwrap_or(None)
            };
            let Some(ds) = d_years.get(&d_year) else { continue };
            let (dk, mk) = (&ds[0], &ms[0]);
            if let Some(f) = compare_pair(dk, mk, d_year, *m_year, scope_same, d, m) {
                let mut f = f;
                f.draft = ds.iter().map(|k| d.cite_target(k.t)).collect();
                f.master = ms.iter().map(|k| m.cite_target(k.t)).collect();
                out.push(f);
            }
        }
    }
}

fn compare_pair(
    dk: &Keyed,
    mk: &Keyed,
    d_year: Option<i32>,
    m_year: Option<i32>,
    scope_same: bool,
    d: &Side,
    m: &Side,
) -> Option<Finding> {
    let key = dk.key.as_str();
    let years = format!("{}/{}", year_label(d_year), year_label(m_year));
    let what = format!(
        "“{}”：草案{}（{}），上位规划{}（{}）",
        dk.t.indicator,
        value_label(dk.t),
        year_label(d_year),
        value_label(mk.t),
        year_label(m_year)
    );
    if !dk.unit.comparable(&mk.unit) {
        return Some(Finding::new(
            Kind::TargetUnits,
            Severity::Low,
            &[key, &years],
            format!("{what}。单位不可比（{}与{}），未作数值比较，请人工核对。", dk.t.unit, mk.t.unit),
        ));
    }
    if dk.t.increment != mk.t.increment {
        return Some(Finding::new(
            Kind::TargetIncrement,
            Severity::Low,
            &[key, &years],
            format!("{what}。一方为期内增量（新增、累计、年均增长），另一方为应达到的水平，未作数值比较。"),
        ));
    }
    let counted = matches!(dk.unit.class, UnitClass::Money | UnitClass::Count | UnitClass::People | UnitClass::Other);
    if !scope_same && counted {
        return Some(Finding::new(
            Kind::TargetScope,
            Severity::Low,
            &[key, &years],
            format!(
                "{what}。两者范围不同（草案：{}；上位规划：{}），草案的总量只是上位总量的一部分，不作宽严判断。",
                d.region.unwrap_or("未写"),
                m.region.unwrap_or("未写")
            ),
        ));
    }
    let (dlo, dhi) = range(dk);
    let (mlo, mhi) = range(mk);
    let eps = 1e-9 * mlo.abs().max(dlo.abs()).max(1.0);
    // Value: the draft's commitment against the master's, in the indicator's direction.
    let value_cmp = if dlo <= mhi + eps && mlo <= dhi + eps {
        std::cmp::Ordering::Equal
    } else {
        let higher = dlo > mhi;
        match (mk.dir, higher) {
            (Direction::Up, true) | (Direction::Down, false) => std::cmp::Ordering::Greater,
            _ => std::cmp::Ordering::Less,
        }
    };
    // Deadline: earlier is stricter.
    let year_cmp = match (d_year, m_year) {
        (Some(a), Some(b)) => b.cmp(&a),
        _ => std::cmp::Ordering::Equal,
    };
    use std::cmp::Ordering::*;
    let dir_note = if mk.dir == Direction::Down { "（该指标越低越好）" } else { "" };
    let scope_note = if scope_same {
        String::new()
    } else {
        format!(
            "两者范围不同（草案：{}；上位规划：{}），仅供参考。",
            d.region.unwrap_or("未写"),
            m.region.unwrap_or("未写")
        )
    };
    let years_known = d_year.is_some() && m_year.is_some();
    let (kind, severity, judgement) = match (value_cmp, year_cmp) {
        (Equal, Equal) => return None,
        (Greater, Equal) | (Greater, Greater) | (Equal, Greater) => {
            (Kind::TargetStricter, Severity::Low, format!("草案要求更严{dir_note}。"))
        }
        (Less, Equal) | (Less, Less) | (Equal, Less) => {
            let sev = if scope_same && years_known && value_cmp == Less { Severity::High } else { Severity::Medium };
            (Kind::TargetLooser, sev, format!("草案要求低于上位规划{dir_note}，请说明理由或调整。"))
        }
        (Greater, Less) | (Less, Greater) => (
            Kind::TargetMixed,
            Severity::Low,
            format!("数值与期限方向不同{dir_note}，期限不同的目标不能直接比较，请核对推进路径。"),
        ),
    };
    let severity = if scope_same { severity } else { Severity::Low };
    Some(Finding::new(kind, severity, &[key, &years], format!("{what}。{judgement}{scope_note}")))
}

/// Where an industry sits: its own nodes (one per scheme) and its segments' (a plan's
/// 空天信息 with the segment 天地一体通信系统 reaches 未来信息 as well as 未来空间; placing the
/// name alone had called it outside a master whose 卫星互联网 sits under 未来信息).
///
/// A joined name (`传感器及智能化仪器仪表`, `氢能与储能`) names each of its parts as well: the
/// parts are placed too, so the sensors of a national 传感器及智能化仪器仪表 plan meet a
/// province's 智能传感器 (placing the whole name alone had put them under different
/// directions and called the province's sensors outside the national plan).
fn placements(i: &Industry, tax: &dyn IndustryMap) -> Vec<Placed> {
    let mut out = Vec::new();
    for n in std::iter::once(&i.name).chain(i.segments.iter()) {
        out.extend(tax.place_all(n));
        let parts: Vec<&str> =
            n.split(['及', '和', '与', '、', '/']).map(str::trim).filter(|p| p.chars().count() >= 2).collect();
        if parts.len() >= 2 {
            for p in parts {
                out.extend(tax.place_all(p));
            }
        }
    }
    out
}

/// Top ids, their labels, and the master industries under them.
type LeftOut<'a> = (Vec<&'a str>, Vec<&'a str>, Vec<&'a Industry>);

fn directions(d: &Side, m: &Side, tax: &dyn IndustryMap, out: &mut Vec<Finding>) {
    // Every top node of the master, with the master's industries under it.
    let mut m_tops: BTreeMap<String, (String, Vec<&Industry>)> = BTreeMap::new();
    for i in &m.plan.industries {
        for p in placements(i, tax) {
            let e = m_tops.entry(p.top.clone()).or_insert_with(|| (p.top_label.clone(), Vec::new()));
            if !e.1.iter().any(|x| std::ptr::eq(*x, i)) {
                e.1.push(i);
            }
        }
    }
    let mut d_tops = BTreeSet::new();
    for i in &d.plan.industries {
        let placed = placements(i, tax);
        d_tops.extend(placed.iter().map(|p| p.top.clone()));
        let key = norm::indicator(&i.name, None);
        if placed.is_empty() {
            let mut f = Finding::new(
                Kind::DirectionUnmapped,
                Severity::Low,
                &[&key],
                format!(
                    "草案产业“{}”未能对应到参考分类，无法判断是否属于上位规划的方向，请人工判断或补充分类映射。",
                    i.name
                ),
            );
            f.draft.push(d.cite_industry(i));
            out.push(f);
            continue;
        }
        if m_tops.is_empty() || placed.iter().any(|p| m_tops.contains_key(&p.top)) {
            continue;
        }
        let labels: BTreeSet<&str> = placed.iter().map(|p| p.top_label.as_str()).collect();
        let m_labels: BTreeSet<&str> = m_tops.values().map(|(l, _)| l.as_str()).collect();
        let mut f = Finding::new(
            Kind::DirectionOutside,
            Severity::Medium,
            &[&key],
            format!(
                "草案产业“{}”（归入{}）不在上位规划的发展方向（{}）之内，请说明依据。",
                i.name,
                labels.into_iter().collect::<Vec<_>>().join("、"),
                m_labels.into_iter().collect::<Vec<_>>().join("、")
            ),
        );
        f.draft.push(d.cite_industry(i));
        out.push(f);
    }
    if d.plan.industries.is_empty() {
        return;
    }
    // Directions left out, one finding per set of master industries: the same industries
    // placed in two schemes (智能制造 under 未来制造 and under 高端装备制造产业) are one finding.
    let mut left: BTreeMap<Vec<*const Industry>, LeftOut> = BTreeMap::new();
    for (top, (label, inds)) in &m_tops {
        if d_tops.contains(top) {
            continue;
        }
        let key: Vec<*const Industry> = inds.iter().map(|i| *i as *const Industry).collect();
        let e = left.entry(key).or_insert_with(|| (Vec::new(), Vec::new(), inds.clone()));
        e.0.push(top);
        e.1.push(label);
    }
    for (tops, labels, inds) in left.into_values() {
        let names: Vec<&str> = inds.iter().map(|i| i.name.as_str()).collect();
        let mut f = Finding::new(
            Kind::DirectionLeftOut,
            Severity::Low,
            &tops,
            format!(
                "上位规划的发展方向“{}”（{}）在草案中没有对应产业，请确认是否需要部署。",
                labels.join("”“"),
                names.join("、")
            ),
        );
        f.master = inds.iter().map(|i| m.cite_industry(i)).collect();
        out.push(f);
    }
}

fn lead_set(t: &Task) -> BTreeSet<&str> {
    let mut s: BTreeSet<&str> = t.owners.iter().filter(|o| o.role == "lead").map(|o| o.canonical.as_str()).collect();
    if s.is_empty() {
        s = t.lead.iter().map(String::as_str).collect();
    }
    s
}

fn task_words(t: &Task) -> String {
    let content: String = t.content.chars().take(TASK_CONTENT_CHARS).collect();
    format!("{}{}", t.title, content)
}

fn tasks(d: &Side, m: &Side, out: &mut Vec<Finding>) {
    // Lead units are named by the plan's own government: across levels they differ by design.
    if !same_scope(d, m) {
        return;
    }
    let m_tasks: Vec<(&Task, BTreeSet<&str>, _)> = m
        .plan
        .tasks
        .iter()
        .map(|t| (t, lead_set(t), bigrams(&task_words(t))))
        .filter(|(_, l, g)| !l.is_empty() && !g.is_empty())
        .collect();
    for t in &d.plan.tasks {
        let leads = lead_set(t);
        if leads.is_empty() {
            continue;
        }
        let g = bigrams(&task_words(t));
        let best = m_tasks
            .iter()
            .map(|(mt, ml, mg)| (dice(&g, mg), mt, ml))
            .filter(|(s, _, _)| *s >= TASK_SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((score, mt, ml)) = best else { continue };
        if !leads.is_disjoint(ml) {
            continue;
        }
        let dl: Vec<&str> = leads.iter().copied().collect();
        let mlv: Vec<&str> = ml.iter().copied().collect();
        let dkey = norm::indicator(&t.title, None);
        let mkey = norm::indicator(&mt.title, None);
        let mut f = Finding::new(
            Kind::TaskLead,
            Severity::Medium,
            &[&dkey, &mkey],
            format!(
                "同一任务（相似度{:.0}%）牵头单位不同：草案为{}，上位规划为{}，请核对分工。",
                score * 100.0,
                dl.join("、"),
                mlv.join("、")
            ),
        );
        f.draft.push(d.cite_task(t));
        f.master.push(m.cite_task(mt));
        out.push(f);
    }
}

fn cite_period(side: &Side, start: i32, end: i32) -> Option<Cited> {
    let span = find_period(side.text, start, end)?;
    let mut c = cite(side.text, &side.text[span[0]..span[1]], span);
    c.item = format!("{start}—{end}年");
    Some(c)
}

fn period(d: &Side, m: &Side, out: &mut Vec<Finding>) {
    let (ds, de) = (d.plan.meta.period_start, d.plan.meta.period_end);
    let (ms, me) = (m.plan.meta.period_start, m.plan.meta.period_end);
    let fmt = |s: Option<i32>, e: Option<i32>| match (s, e) {
        (Some(s), Some(e)) => format!("{s}—{e}年"),
        (None, Some(e)) => format!("至{e}年"),
        (Some(s), None) => format!("自{s}年"),
        (None, None) => "未写明".to_string(),
    };
    let (dp, mp) = (fmt(ds, de), fmt(ms, me));
    let mut push = |kind: Kind, sev: Severity, msg: String| {
        let mut f = Finding::new(kind, sev, &[], msg);
        if let (Some(s), Some(e)) = (ds, de) {
            f.draft.extend(cite_period(d, s, e));
        }
        if let (Some(s), Some(e)) = (ms, me) {
            f.master.extend(cite_period(m, s, e));
        }
        out.push(f);
    };
    if de.is_none() || me.is_none() {
        let who = match (de.is_none(), me.is_none()) {
            (true, true) => "草案和上位规划都",
            (true, false) => "草案",
            _ => "上位规划",
        };
        push(
            Kind::PeriodUnknown,
            Severity::Low,
            format!("{who}未写明规划期（草案：{dp}；上位规划：{mp}），无法比较规划期。"),
        );
        return;
    }
    let (de, me) = (de.unwrap_or_default(), me.unwrap_or_default());
    if let (Some(s), Some(ms)) = (ds, ms) {
        if s > me || de < ms {
            push(
                Kind::PeriodDisjoint,
                Severity::Medium,
                format!("草案规划期（{dp}）与上位规划期（{mp}）不重叠，请确认上位规划是否适用。"),
            );
            return;
        }
        if s < ms {
            push(
                Kind::PeriodStartsBefore,
                Severity::Medium,
                format!("草案规划期（{dp}）早于上位规划期（{mp}）开始，请确认衔接。"),
            );
        }
    }
    if de > me {
        push(
            Kind::PeriodEndsAfter,
            Severity::Low,
            format!("草案规划期（{dp}）晚于上位规划期（{mp}）结束，{me}年以后的目标没有上位依据，请关注下一期上位规划的衔接。"),
        );
    }
}

//! Registry counts by place and period, for binding to an indicator: how many approved
//! entries of a kind, matching a filter, each place had at the end of each period.
//!
//! An entry counts at a date from its `since` date (the kind's `since` field, else the day
//! it was first approved). A tier filter (`tier=专精特新中小企业`) counts the entries holding
//! that rung *or a higher one* at the date, by their tier history (a 专精特新"小巨人" is also a
//! 专精特新 enterprise: the ladder is cumulative); other filters compare a field's value.

use crate::schema::Kind;
use planwatch_monitor::Period;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A tier held from `gained` until `lost` (exclusive), dates `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq)]
pub struct TierSpan {
    pub rung: usize,
    pub gained: String,
    pub lost: Option<String>,
}

/// What counting needs of an entry.
#[derive(Debug, Clone)]
pub struct Counted {
    pub place: String,
    pub since: Option<String>,
    pub tiers: Vec<TierSpan>,
    pub fields: Map<String, Value>,
}

impl Counted {
    /// The highest rung held at `date`.
    pub fn rung_at(&self, date: &str) -> Option<usize> {
        self.tiers
            .iter()
            .filter(|t| t.gained.as_str() <= date && t.lost.as_deref().is_none_or(|l| l > date))
            .map(|t| t.rung)
            .max()
    }
}

/// `field=value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Filter {
    pub field: String,
    pub value: String,
}

impl Filter {
    /// Parses `field=value` against the kind: the field by id or zh name, a tier value known.
    pub fn parse(kind: &Kind, text: &str) -> Result<Filter, String> {
        let (f, v) = text.split_once('=').ok_or_else(|| format!("筛选条件“{text}”应写作 字段=值"))?;
        let (f, v) = (f.trim(), v.trim());
        let field = kind
            .fields
            .iter()
            .find(|x| x.id == f || x.name == f)
            .ok_or_else(|| format!("{}没有字段“{f}”", kind.name))?;
        if kind.tier.as_deref() == Some(field.id.as_str()) && field.rung(v).is_none() {
            return Err(format!("“{v}”不是{}的层级:{}", field.name, field.values.join("、")));
        }
        Ok(Filter { field: field.id.clone(), value: v.to_string() })
    }
}

/// The last day of a period, `YYYY-MM-DD`.
pub fn period_end(p: Period) -> String {
    let d = p.last_day();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        v => v.to_string(),
    }
}

/// Counts per (place, period), places in code-point order; a place with no entry matching at
/// any period is absent, one with entries at some periods has 0 at the others.
pub fn count(kind: &Kind, entries: &[Counted], filters: &[Filter], periods: &[Period]) -> Vec<(String, Period, i64)> {
    let tier = kind.tier_field();
    let mut tier_min = None;
    let mut plain: Vec<&Filter> = Vec::new();
    for f in filters {
        match tier {
            Some(t) if t.id == f.field => tier_min = t.rung(&f.value),
            _ => plain.push(f),
        }
    }
    let ends: Vec<String> = periods.iter().map(|p| period_end(*p)).collect();
    let mut by_place: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for e in entries {
        if !plain.iter().all(|f| e.fields.get(&f.field).is_some_and(|v| text_of(v) == f.value)) {
            continue;
        }
        let row = by_place.entry(e.place.as_str()).or_insert_with(|| vec![0; periods.len()]);
        for (k, end) in ends.iter().enumerate() {
            if e.since.as_deref().is_some_and(|s| s > end.as_str()) {
                continue;
            }
            if let Some(min) = tier_min {
                if e.rung_at(end).is_none_or(|r| r < min) {
                    continue;
                }
            }
            row[k] += 1;
        }
    }
    let mut out = Vec::with_capacity(by_place.len() * periods.len());
    for (place, counts) in by_place {
        if counts.iter().all(|c| *c == 0) {
            continue;
        }
        for (k, c) in counts.into_iter().enumerate() {
            out.push((place.to_string(), periods[k], c));
        }
    }
    out
}

/// The tiered-cultivation funnel at one period's end: entries at each rung (their highest
/// held), and the moves during the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelRow {
    pub period: Period,
    /// Per rung of the ladder (lowest first), entries whose highest rung held at the
    /// period's end is that rung.
    pub at_rung: Vec<i64>,
    /// Entries whose first tier was gained during the period.
    pub entered: i64,
    /// Entries that gained a rung above the highest they held before the period.
    pub promoted: i64,
    /// Entries whose highest rung at the end is lower than at the start (or that hold none
    /// any more).
    pub lost: i64,
}

/// The funnel of a kind with a tier over `periods` (for all places given; filter them first
/// for one district or industry).
pub fn funnel(kind: &Kind, entries: &[Counted], periods: &[Period]) -> Vec<FunnelRow> {
    let rungs = kind.tier_field().map(|t| t.values.len()).unwrap_or(0);
    periods
        .iter()
        .map(|p| {
            let end = period_end(*p);
            let before = period_end(p.prev());
            let mut row = FunnelRow { period: *p, at_rung: vec![0; rungs], entered: 0, promoted: 0, lost: 0 };
            for e in entries {
                let (was, now) = (e.rung_at(&before), e.rung_at(&end));
                if let Some(r) = now {
                    if let Some(slot) = row.at_rung.get_mut(r) {
                        *slot += 1;
                    }
                }
                let first = e.tiers.iter().map(|t| t.gained.as_str()).min();
                if first.is_some_and(|g| g > before.as_str() && g <= end.as_str()) {
                    row.entered += 1;
                } else if matches!((was, now), (Some(a), Some(b)) if b > a) {
                    row.promoted += 1;
                }
                if matches!((was, now), (Some(a), Some(b)) if b < a) || (was.is_some() && now.is_none()) {
                    row.lost += 1;
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Registries;

    fn span(rung: usize, gained: &str, lost: Option<&str>) -> TierSpan {
        TierSpan { rung, gained: gained.into(), lost: lost.map(str::to_string) }
    }

    #[test]
    fn tiers_count_as_of_each_quarter_end_cumulatively() {
        let r = Registries::builtin();
        let kind = r.kind("enterprise").unwrap();
        let e = |place: &str, since: &str, tiers: Vec<TierSpan>| Counted {
            place: place.into(),
            since: Some(since.into()),
            tiers,
            fields: Map::new(),
        };
        let entries = vec![
            // 专精特新 from 2025-02-10, 小巨人 from 2025-08-01: counts as 专精特新 from Q1 on.
            e(
                "蜀山区",
                "2024-01-01",
                vec![span(0, "2024-01-01", None), span(2, "2025-02-10", None), span(3, "2025-08-01", None)],
            ),
            // 专精特新 lost on 2025-06-30 (the last day of Q2): no longer held at Q2's end.
            e("蜀山区", "2024-01-01", vec![span(2, "2025-01-01", Some("2025-06-30"))]),
            e("包河区", "2025-05-01", vec![span(0, "2025-05-01", None)]),
        ];
        let periods: Vec<Period> = ["2025Q1", "2025Q2", "2025Q3"].iter().map(|p| Period::parse(p).unwrap()).collect();
        let f = Filter::parse(kind, "梯度层级=专精特新中小企业").unwrap();
        let got = count(kind, &entries, &[f], &periods);
        let counts: Vec<i64> = got.iter().map(|(_, _, c)| *c).collect();
        assert_eq!(got.iter().map(|(p, _, _)| p.as_str()).collect::<Vec<_>>(), ["蜀山区"; 3]);
        assert_eq!(counts, [2, 1, 1]);
        let all = count(kind, &entries, &[], &periods);
        assert_eq!(
            all.iter().map(|(p, _, c)| (p.as_str(), *c)).collect::<Vec<_>>()[..3],
            [("包河区", 0), ("包河区", 1), ("包河区", 1)]
        );
        assert!(Filter::parse(kind, "tier=超级企业").is_err());
        let f = funnel(kind, &entries, &periods);
        // Q1: 甲 promoted to 专精特新 (rung 2), 乙 entered at rung 2; Q2: 丙 entered, 乙 lost
        // its tier on Q2's last day; Q3: 甲 promoted to 小巨人.
        assert_eq!((f[0].entered, f[0].promoted, f[0].lost), (1, 1, 0));
        assert_eq!((f[1].entered, f[1].promoted, f[1].lost), (1, 0, 1));
        assert_eq!((f[2].entered, f[2].promoted, f[2].lost), (0, 1, 0));
        assert_eq!(f[2].at_rung, [1, 0, 0, 1, 0, 0]);
        assert!(Filter::parse(kind, "颜色=红").is_err());
    }
}

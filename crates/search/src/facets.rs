//! Counting matching plans by region, issuer and year, from fast fields.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::names;

/// Values of one facet, most frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    /// Number of distinct plans with this value among the matches.
    pub plans: usize,
}

/// Years among the matches, most frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearCount {
    pub year: i32,
    pub plans: usize,
}

/// Counts of matching plans per filter value, so a UI can offer the filters that narrow the
/// current result (computed over all matches, not just the returned page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub regions: Vec<FacetCount>,
    pub issuers: Vec<FacetCount>,
    pub years: Vec<YearCount>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PlanFacet {
    region: Option<String>,
    issuer: Option<String>,
    year: Option<i64>,
}

/// Collects, per matching plan, its facet values.
pub(crate) struct FacetCollector;

/// A plan's region and issuer term ordinals and its year, within one segment.
type PlanOrds = (Option<u64>, Option<u64>, Option<i64>);

pub(crate) struct FacetSegmentCollector {
    plan_id: Column<i64>,
    region: Option<StrColumn>,
    issuer: Option<StrColumn>,
    year: Column<i64>,
    /// Per plan: the term ordinals of its region and issuer, and its year. Ordinals are
    /// turned into strings once per distinct value at harvest: dictionary lookups are the
    /// expensive part of faceting.
    plans: HashMap<i64, PlanOrds>,
    /// The plan of the previous document: a plan's units are added together, so consecutive
    /// matches mostly belong to the same plan and skip the map.
    last_plan: Option<i64>,
}

fn first_ord(column: &Option<StrColumn>, doc: DocId) -> Option<u64> {
    column.as_ref()?.term_ords(doc).next()
}

/// Strings of the wanted term ordinals. Random `ord_to_str` lookups decode a dictionary
/// block each (a third of all search time in profiles); one pass over the dictionary, which
/// holds only the distinct regions or issuers of a segment, is much cheaper.
fn ord_strings(column: &Option<StrColumn>, ords: impl Iterator<Item = u64>) -> HashMap<u64, String> {
    let mut out = HashMap::new();
    let Some(column) = column.as_ref() else { return out };
    let wanted: std::collections::HashSet<u64> = ords.collect();
    if wanted.is_empty() {
        return out;
    }
    let Ok(mut stream) = column.dictionary().stream() else { return out };
    while stream.advance() {
        let ord = stream.term_ord();
        if wanted.contains(&ord) {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                if !s.is_empty() {
                    out.insert(ord, s.to_string());
                }
            }
            if out.len() == wanted.len() {
                break;
            }
        }
    }
    out
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = HashMap<i64, PlanFacet>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(plan_id) = self.plan_id.first(doc) else { return };
        if self.last_plan == Some(plan_id) {
            return;
        }
        self.last_plan = Some(plan_id);
        if self.plans.contains_key(&plan_id) {
            return;
        }
        let facet = (first_ord(&self.region, doc), first_ord(&self.issuer, doc), self.year.first(doc));
        self.plans.insert(plan_id, facet);
    }

    fn harvest(self) -> Self::Fruit {
        let regions = ord_strings(&self.region, self.plans.values().filter_map(|f| f.0));
        let issuers = ord_strings(&self.issuer, self.plans.values().filter_map(|f| f.1));
        self.plans
            .into_iter()
            .map(|(plan, (r, i, year))| {
                let facet = PlanFacet {
                    region: r.and_then(|o| regions.get(&o).cloned()),
                    issuer: i.and_then(|o| issuers.get(&o).cloned()),
                    year,
                };
                (plan, facet)
            })
            .collect()
    }
}

impl Collector for FacetCollector {
    type Fruit = HashMap<i64, PlanFacet>;
    type Child = FacetSegmentCollector;

    fn for_segment(&self, _ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        Ok(FacetSegmentCollector {
            plan_id: fast.i64(names::PLAN_ID)?,
            region: fast.str(names::REGION)?,
            issuer: fast.str(names::ISSUER)?,
            year: fast.i64(names::YEAR)?,
            plans: HashMap::new(),
            last_plan: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all = HashMap::new();
        for fruit in fruits {
            for (plan, facet) in fruit {
                all.entry(plan).or_insert(facet);
            }
        }
        Ok(all)
    }
}

/// Turns per-plan values into sorted counts.
pub(crate) fn count(plans: &HashMap<i64, PlanFacet>) -> Facets {
    let mut regions: HashMap<&str, usize> = HashMap::new();
    let mut issuers: HashMap<&str, usize> = HashMap::new();
    let mut years: HashMap<i32, usize> = HashMap::new();
    for facet in plans.values() {
        if let Some(r) = &facet.region {
            *regions.entry(r).or_default() += 1;
        }
        if let Some(i) = &facet.issuer {
            *issuers.entry(i).or_default() += 1;
        }
        if let Some(y) = facet.year.and_then(|y| i32::try_from(y).ok()) {
            *years.entry(y).or_default() += 1;
        }
    }
    let sorted = |m: HashMap<&str, usize>| {
        let mut v: Vec<FacetCount> =
            m.into_iter().map(|(value, plans)| FacetCount { value: value.into(), plans }).collect();
        v.sort_by(|a, b| b.plans.cmp(&a.plans).then_with(|| a.value.cmp(&b.value)));
        v
    };
    let mut years: Vec<YearCount> = years.into_iter().map(|(year, plans)| YearCount { year, plans }).collect();
    years.sort_by(|a, b| b.plans.cmp(&a.plans).then_with(|| b.year.cmp(&a.year)));
    Facets { regions: sorted(regions), issuers: sorted(issuers), years }
}

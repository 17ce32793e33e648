//! Region comparison: a taxonomy × region matrix of the plans' industries, overlaps, gaps and
//! comparable targets side by side.

use crate::industry::{IndustryMap, Placed};
use crate::norm;
use planwatch_core::model::Span;
use planwatch_core::Plan;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One item of a matrix cell: an industry or segment of a plan, with where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellItem {
    /// Index of the plan in the input.
    pub plan: usize,
    pub name: String,
    /// The item is a segment of the industry `industry` (segments cite the industry's span).
    pub industry: Option<String>,
    pub span: Span,
    /// The mapping's score.
    pub score: f64,
}

/// A row of the matrix: one taxonomy node, one cell per region (aligned with
/// [`Comparison::regions`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixRow {
    pub node: String,
    pub label: String,
    pub top: String,
    pub top_label: String,
    pub cells: Vec<Vec<CellItem>>,
}

impl MatrixRow {
    /// The regions (indices) whose cell is not empty.
    pub fn held(&self) -> impl Iterator<Item = usize> + '_ {
        self.cells.iter().enumerate().filter(|(_, c)| !c.is_empty()).map(|(i, _)| i)
    }
}

/// A node two or more regions prioritise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    pub node: String,
    pub label: String,
    pub regions: Vec<String>,
}

/// A node a region lacks while at least two others have it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub region: String,
    pub node: String,
    pub label: String,
    pub held_by: Vec<String>,
}

/// One target in a side-by-side row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetValue {
    pub plan: usize,
    pub indicator: String,
    pub year: Option<i32>,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// The value in the base unit of the unit's class (元, %, 个 …).
    pub base_value: f64,
    pub increment: bool,
    pub text: String,
    pub span: Span,
}

/// Targets of the same normalised indicator and unit class in two or more regions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetRow {
    /// The normalised indicator name.
    pub indicator: String,
    /// The unit class (`money`, `percent`, `count`, … or `other:<unit>`).
    pub unit_class: String,
    /// The base unit values are given in (`元`, `%`, `个` …), empty for `other`.
    pub base_unit: String,
    /// One list per region, aligned with [`Comparison::regions`].
    pub values: Vec<Vec<TargetValue>>,
}

/// An item the taxonomy cannot place (listed, never forced).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmapped {
    pub plan: usize,
    pub region: String,
    pub name: String,
    pub span: Span,
}

/// The comparison of plans across regions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The regions, in first-seen order; plans of one region share a column.
    pub regions: Vec<String>,
    /// The plans' titles, in input order.
    pub plans: Vec<String>,
    pub matrix: Vec<MatrixRow>,
    pub overlaps: Vec<Overlap>,
    pub gaps: Vec<Gap>,
    pub targets: Vec<TargetRow>,
    pub unmapped: Vec<Unmapped>,
}

fn base_unit(class: norm::UnitClass) -> &'static str {
    use norm::UnitClass::*;
    match class {
        Money => "元",
        Percent => "%",
        Points => "个百分点",
        Count => "个",
        People => "人",
        Multiple => "倍",
        Other => "",
    }
}

/// Compares plans across regions. `plans` pairs each plan with its region's name (plans with
/// the same region name share a column).
pub fn compare(plans: &[(&Plan, &str)], tax: &dyn IndustryMap) -> Comparison {
    let mut regions: Vec<String> = Vec::new();
    let mut col_of: HashMap<&str, usize> = HashMap::new();
    let cols: Vec<usize> = plans
        .iter()
        .map(|(_, r)| {
            *col_of.entry(*r).or_insert_with(|| {
                regions.push(r.to_string());
                regions.len() - 1
            })
        })
        .collect();
    let n = regions.len();
    // The taxonomy is asked once per distinct name.
    let mut cache: HashMap<&str, Option<Placed>> = HashMap::new();
    let mut rows: BTreeMap<String, MatrixRow> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for (pi, (plan, region)) in plans.iter().enumerate() {
        let col = cols[pi];
        for ind in &plan.industries {
            let names =
                std::iter::once((&ind.name, None)).chain(ind.segments.iter().map(|s| (s, Some(ind.name.clone()))));
            for (name, parent) in names {
                let placed = cache.entry(name.as_str()).or_insert_with(|| tax.place(name)).clone();
                let Some(p) = placed else {
                    if parent.is_none() {
                        unmapped.push(Unmapped {
                            plan: pi,
                            region: region.to_string(),
                            name: name.clone(),
                            span: ind.span,
                        });
                    }
                    continue;
                };
                let row = rows.entry(p.node.clone()).or_insert_with(|| MatrixRow {
                    node: p.node.clone(),
                    label: p.label.clone(),
                    top: p.top.clone(),
                    top_label: p.top_label.clone(),
                    cells: vec![Vec::new(); n],
                });
                row.cells[col].push(CellItem {
                    plan: pi,
                    name: name.clone(),
                    industry: parent,
                    span: ind.span,
                    score: p.score,
                });
            }
        }
    }
    let mut matrix: Vec<MatrixRow> = rows.into_values().collect();
    matrix.sort_by(|a, b| (&a.top, &a.node).cmp(&(&b.top, &b.node)));
    // A region holds a row when its cell has items; a direction's own row (an industry mapped
    // to the direction itself, 前沿生物 → 未来健康) is held too by a region with any node under
    // the direction (Chongqing's 细胞和基因技术 and 合成生物 hold 未来健康): without that, the
    // comparison had reported 重庆市 lacking 未来健康.
    let mut under_top: HashMap<&str, Vec<bool>> = HashMap::new();
    for row in &matrix {
        let e = under_top.entry(row.top.as_str()).or_insert_with(|| vec![false; n]);
        for (i, c) in row.cells.iter().enumerate() {
            e[i] |= !c.is_empty();
        }
    }
    let mut overlaps = Vec::new();
    let mut gaps = Vec::new();
    for row in &matrix {
        let held: Vec<usize> = if row.node == row.top {
            under_top.get(row.top.as_str()).map(|v| (0..n).filter(|&i| v[i]).collect()).unwrap_or_default()
        } else {
            row.held().collect()
        };
        if held.len() >= 2 {
            overlaps.push(Overlap {
                node: row.node.clone(),
                label: row.label.clone(),
                regions: held.iter().map(|&i| regions[i].clone()).collect(),
            });
            if held.len() < n {
                let held_by: Vec<String> = held.iter().map(|&i| regions[i].clone()).collect();
                for r in (0..n).filter(|r| !held.contains(r)) {
                    gaps.push(Gap {
                        region: regions[r].clone(),
                        node: row.node.clone(),
                        label: row.label.clone(),
                        held_by: held_by.clone(),
                    });
                }
            }
        }
    }
    // Targets side by side: the same normalised indicator and unit class in ≥ 2 regions.
    let mut by_key: BTreeMap<(String, String), Vec<Vec<TargetValue>>> = BTreeMap::new();
    let mut classes: HashMap<String, &'static str> = HashMap::new();
    for (pi, (plan, _)) in plans.iter().enumerate() {
        let region = plan.meta.region.as_deref();
        for t in &plan.targets {
            if t.indicator.trim().is_empty() || !t.value.is_finite() {
                continue;
            }
            let mut key = norm::indicator(&t.indicator, region);
            if norm::is_generic(&key) {
                continue;
            }
            let scope = t.scope.trim();
            if !scope.is_empty() && Some(scope) != region {
                key = format!("{key}@{}", norm::indicator(scope, None));
            }
            let unit = norm::unit(&t.unit);
            let class = unit.class_key();
            classes.entry(class.clone()).or_insert(base_unit(unit.class));
            let cells = by_key.entry((key, class)).or_insert_with(|| vec![Vec::new(); n]);
            cells[cols[pi]].push(TargetValue {
                plan: pi,
                indicator: t.indicator.clone(),
                year: t.year,
                value: t.value,
                value_max: t.value_max,
                unit: t.unit.clone(),
                base_value: t.value * unit.factor,
                increment: t.increment,
                text: t.text.clone(),
                span: t.span,
            });
        }
    }
    let targets = by_key
        .into_iter()
        .filter(|(_, cells)| cells.iter().filter(|c| !c.is_empty()).count() >= 2)
        .map(|((indicator, class), values)| TargetRow {
            indicator,
            base_unit: classes.get(&class).copied().unwrap_or("").to_string(),
            unit_class: class,
            values,
        })
        .collect();
    let titles = plans.iter().map(|(p, _)| crate::review::title(p)).collect();
    Comparison { regions, plans: titles, matrix, overlaps, gaps, targets, unmapped }
}

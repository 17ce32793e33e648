//! The rows of the 任务分工表 and 目标台账 of an effective plan, shared by pages, the API and
//! the exports so that every view of a plan says the same.

use planwatch_core::ledger::ledger;
use planwatch_export::{TargetMilestone, TargetRow, TargetSource, TaskRow};
use planwatch_store::{section_of, EffectivePlan};

/// Plan title as shown: the extracted title, else the file name.
pub fn plan_title(eff: &EffectivePlan) -> String {
    eff.plan.meta.title.clone().unwrap_or_else(|| eff.plan.doc.clone())
}

pub fn task_rows(eff: &EffectivePlan) -> Vec<TaskRow> {
    let title = plan_title(eff);
    eff.plan
        .tasks
        .iter()
        .zip(&eff.refs.tasks)
        .map(|(t, r)| TaskRow {
            plan: title.clone(),
            section: section_of(&eff.plan, &t.path),
            task: if t.title.is_empty() { t.text.chars().take(80).collect() } else { t.title.clone() },
            content: t.content.clone(),
            lead: canonical(t, "lead"),
            responsible: canonical(t, "responsible"),
            deadline: t.deadline.clone(),
            source: t.text.clone(),
            span: t.span,
            correction: r.state.mark().map(str::to_string),
        })
        .collect()
}

/// Canonical owner names of one role, in order, without repeats.
fn canonical(t: &planwatch_core::model::Task, role: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for o in t.owners.iter().filter(|o| o.role == role) {
        if !out.contains(&o.canonical) {
            out.push(o.canonical.clone());
        }
    }
    if out.is_empty() {
        // Items added by hand before owners were resolved still show what was typed.
        out = if role == "lead" { t.lead.clone() } else { t.responsible.clone() };
    }
    out
}

/// The 目标台账: one row per indicator, its mentions merged (`planwatch_core::ledger`), with
/// the item key of every mention so that each stays correctable.
pub fn target_rows(eff: &EffectivePlan) -> Vec<TargetRow> {
    let title = plan_title(eff);
    let plan = &eff.plan;
    let mark = |i: usize| eff.refs.targets.get(i).and_then(|r| r.state.mark()).map(str::to_string);
    ledger(plan)
        .into_iter()
        .map(|r| {
            let p = &plan.targets[r.primary];
            let sources: Vec<TargetSource> = r
                .mentions
                .iter()
                .map(|m| TargetSource {
                    key: eff.refs.targets.get(m.index).map(|k| k.key.clone()).unwrap_or_default(),
                    section: section_of(plan, &m.path),
                    year: m.year,
                    value: m.value,
                    value_max: m.value_max,
                    unit: m.unit.clone(),
                    table: m.table,
                    primary: m.index == r.primary,
                    source: m.text.clone(),
                    span: m.span,
                    correction: mark(m.index),
                })
                .collect();
            // The row is marked when any of its mentions was corrected, the primary's mark first.
            let correction = mark(r.primary).or_else(|| sources.iter().find_map(|s| s.correction.clone()));
            TargetRow {
                plan: title.clone(),
                section: section_of(plan, &p.path),
                indicator: r.indicator,
                value: r.value,
                value_max: r.value_max,
                unit: r.unit,
                year: r.year,
                baseline_value: r.baseline_value,
                baseline_year: r.baseline_year,
                qualifier: r.qualifier,
                kind: r.kind,
                scope: r.scope,
                source: p.text.clone(),
                span: p.span,
                correction,
                attribute: r.attribute,
                increment: r.increment,
                milestones: r
                    .milestones
                    .into_iter()
                    .map(|m| TargetMilestone { year: m.year, value: m.value, value_max: m.value_max, unit: m.unit })
                    .collect(),
                sources,
                review: r.conflict,
            }
        })
        .collect()
}

/// A number as people write it: no trailing `.0`.
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

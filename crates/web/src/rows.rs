//! The rows of the 任务分工表 and 目标台账 of an effective plan, shared by pages, the API and
//! the exports so that every view of a plan says the same.

use planwatch_export::{TargetRow, TaskRow};
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

pub fn target_rows(eff: &EffectivePlan) -> Vec<TargetRow> {
    let title = plan_title(eff);
    eff.plan
        .targets
        .iter()
        .zip(&eff.refs.targets)
        .map(|(t, r)| TargetRow {
            plan: title.clone(),
            section: section_of(&eff.plan, &t.path),
            indicator: t.indicator.clone(),
            value: t.value,
            value_max: t.value_max,
            unit: t.unit.clone(),
            year: t.year,
            baseline_value: t.baseline_value,
            baseline_year: t.baseline_year,
            qualifier: t.qualifier.clone(),
            kind: t.kind.clone(),
            scope: t.scope.clone(),
            source: t.text.clone(),
            span: t.span,
            correction: r.state.mark().map(str::to_string),
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

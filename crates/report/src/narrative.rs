//! The narrative of a mid-term or final evaluation (主要成效 / 存在问题 / 下一步建议),
//! pre-filled from the report's figures as sentences for the analyst to edit. Every sentence
//! is made from numbers the report shows; nothing is invented.

use crate::fmt::{opt_value, pct};
use crate::model::*;

/// The three sections, each a list of paragraphs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Narrative {
    pub achievements: Vec<String>,
    pub problems: Vec<String>,
    pub suggestions: Vec<String>,
}

/// At most this many items are named in one sentence; the rest are counted ("等 N 项").
const NAMED: usize = 8;

fn names(items: &[String]) -> String {
    if items.len() <= NAMED {
        items.join("、")
    } else {
        format!("{}等 {} 项", items[..NAMED].join("、"), items.len())
    }
}

fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        "—".into()
    } else {
        pct(part as f64 / whole as f64)
    }
}

fn count(r: &Report, key: &str) -> u32 {
    r.task_counts.iter().find(|c| c.key == key).map_or(0, |c| c.count)
}

/// The narrative of `r` (any kind; the formats show it for mid-term and final reports).
pub fn narrative(r: &Report) -> Narrative {
    let mut n = Narrative::default();
    let final_report = r.kind == ReportKind::Final;
    let total = r.targets.len();
    let with = |keys: &[&str]| r.targets.iter().filter(|t| keys.contains(&t.status_key.as_str())).collect::<Vec<_>>();
    let good = with(&["done", "ahead"]);
    let on_track = with(&["on_track"]);
    let behind = with(&["behind"]);
    let no_baseline = with(&["no_baseline"]);
    let no_data = with(&["no_data"]);
    let figure = |t: &TargetRow| {
        let now = opt_value(t.current, &t.unit, &t.indicator);
        let unit = if crate::fmt::value(1.0, &t.unit, "").ends_with('%') { "" } else { t.unit.as_str() };
        let done = t.completion.map(|c| format!(",完成度{}", pct(c))).unwrap_or_default();
        format!("{}{}{unit}{done}", t.indicator, if t.current.is_some() { format!("达到{now}") } else { String::new() })
    };

    // 主要成效
    if total == 0 {
        n.achievements.push("本规划没有可监测的量化目标,无法按指标评估成效。".into());
    } else {
        n.achievements.push(format!(
            "规划确定的 {total} 项量化目标中,{} 项指标已完成或超前,占{};{} 项进度正常,占{}。",
            good.len(),
            share(good.len(), total),
            on_track.len(),
            share(on_track.len(), total),
        ));
        if !good.is_empty() {
            let list: Vec<String> = good.iter().map(|t| format!("{}({})", figure(t), t.status_label)).collect();
            n.achievements.push(format!("已完成或超前的指标:{}。", names(&list)));
        }
    }
    let tasks_total: u32 = r.task_counts.iter().map(|c| c.count).sum();
    if tasks_total == 0 {
        n.achievements.push("本规划尚无任务进展填报,无法按任务评估推进情况。".into());
    } else {
        n.achievements.push(format!(
            "{tasks_total} 项重点任务中,已完成 {} 项、推进中 {} 项,合计占{}。",
            count(r, "done"),
            count(r, "in_progress"),
            share((count(r, "done") + count(r, "in_progress")) as usize, tasks_total as usize),
        ));
    }

    // 存在问题
    if !behind.is_empty() {
        let list: Vec<String> = behind
            .iter()
            .map(|t| {
                let done = t.completion.map(|c| format!("完成度{}", pct(c))).unwrap_or_default();
                format!("{}({done},时间进度{})", t.indicator, pct(t.elapsed))
            })
            .collect();
        n.problems.push(format!("以下 {} 项指标滞后于时间进度:{}。", behind.len(), names(&list)));
    }
    if !r.lagging_tasks.is_empty() {
        let list: Vec<String> = r.lagging_tasks.iter().map(|t| format!("{}(牵头单位:{})", t.task, t.lead)).collect();
        n.problems.push(format!("以下 {} 项任务滞后:{}。", r.lagging_tasks.len(), names(&list)));
    }
    if !no_baseline.is_empty() {
        let list: Vec<String> = no_baseline.iter().map(|t| t.indicator.clone()).collect();
        n.problems.push(format!("{} 项指标缺少基期值,无法计算完成度:{}。", no_baseline.len(), names(&list)));
    }
    if !no_data.is_empty() {
        let list: Vec<String> = no_data.iter().map(|t| t.indicator.clone()).collect();
        n.problems.push(format!("{} 项指标尚无监测数据:{}。", no_data.len(), names(&list)));
    }
    let unreported = count(r, "unreported");
    if unreported > 0 {
        n.problems.push(format!("{unreported} 项任务尚未填报进展。"));
    }
    if r.data_basis.starts_with("含未审核") || r.data_basis.contains("待核实") {
        n.problems.push(format!("{}。", r.data_basis.trim_end_matches('。')));
    }
    if total == 0 && tasks_total == 0 {
        n.problems.push("本规划既没有可监测的量化目标,也没有任务进展填报,无法判断滞后情况。".into());
    } else if behind.is_empty() && r.lagging_tasks.is_empty() {
        n.problems.push("按本期数据,未发现滞后指标或滞后任务。".into());
    }

    // 下一步建议
    let horizon = if final_report { "在下一轮规划编制中" } else { "在规划后半期" };
    if !behind.is_empty() {
        let list: Vec<String> = behind.iter().map(|t| t.indicator.clone()).collect();
        n.suggestions.push(format!("{horizon}重点关注{},分析滞后原因,明确追赶措施和时间表。", names(&list)));
    }
    let mut leads: Vec<&str> = Vec::new();
    for t in &r.lagging_tasks {
        if !leads.contains(&t.lead.as_str()) {
            leads.push(&t.lead);
        }
    }
    if !leads.is_empty() {
        let leads: Vec<String> = leads.iter().map(|l| l.to_string()).collect();
        n.suggestions.push(format!("督促{}加快推进滞后任务,按季度报送进展。", names(&leads)));
    }
    if !no_baseline.is_empty() {
        n.suggestions.push("补录缺少基期值指标的基期值(规划原文或统计年鉴),以便计算完成度。".into());
    }
    if !no_data.is_empty() || unreported > 0 {
        n.suggestions.push("健全数据报送机制,确保每项指标、每项任务按期填报。".into());
    }
    if n.suggestions.is_empty() {
        n.suggestions.push(if final_report {
            "巩固已取得的成效,将本规划期的经验纳入下一轮规划。".into()
        } else {
            "保持当前推进节奏,持续跟踪各项指标和任务。".into()
        });
    }
    n
}

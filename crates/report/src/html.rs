//! The standalone HTML report: one zh-CN document, inline SVG charts, one `<style>` element
//! (its content is [`REPORT_CSS`], so a server can allow it by CSP hash), no JavaScript.

use crate::charts::{self, ProgressBar, RankBar, TrendChart};
use crate::fmt::{num, opt_num, opt_value, pct, value};
use crate::model::*;
use askama::Template;

/// The stylesheet of the HTML report, verbatim the content of its `<style>` element.
pub const REPORT_CSS: &str = include_str!("../templates/report.css");

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Section headings, numbered by the sections present.
#[derive(Default)]
struct Headings {
    summary: String,
    targets: String,
    trends: String,
    ranking: String,
    map: String,
    lagging: String,
    /// 主要成效 / 存在问题 / 下一步建议 (mid-term and final only).
    evaluation: Vec<String>,
    sources: String,
}

struct TargetView {
    indicator: String,
    unit: String,
    baseline: String,
    target: String,
    deadline: i32,
    current: String,
    current_period: String,
    completion: String,
    elapsed: String,
    status_key: String,
    status_label: String,
    forecast: String,
    verdict: String,
    note: String,
    cites: Vec<usize>,
}

struct Figure {
    number: usize,
    caption: String,
    svg: String,
    cites: Vec<usize>,
}

struct RankRowView {
    rank: String,
    place: String,
    score: String,
    change: String,
    change_class: &'static str,
    note: String,
}

struct RankingView {
    index_name: String,
    period_label: String,
    method_label: String,
    approved_note: Option<String>,
    published: Option<String>,
    weights: Vec<(String, String)>,
    rows: Vec<RankRowView>,
    svg: String,
    number: usize,
    cite: usize,
}

struct MapView {
    title: String,
    svg: String,
    error: String,
    number: usize,
    cite: usize,
}

struct TaskView {
    task: String,
    status_label: String,
    period: String,
    note: String,
    cite: usize,
}

struct LeadGroup {
    lead: String,
    tasks: Vec<TaskView>,
}

struct SourceView {
    number: usize,
    kind: &'static str,
    label: String,
    text: String,
    quote: bool,
    /// The plan title and section, or the import and date.
    location: String,
    /// An http(s) address, linked.
    link: Option<String>,
    /// Any other address, shown but not linked.
    url_text: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    r: &'a Report,
    css: &'static str,
    kind: &'static str,
    h: Headings,
    total: u32,
    targets: Vec<TargetView>,
    all_target_cites: Vec<usize>,
    progress_svg: String,
    trends: Vec<Figure>,
    ranking: Option<RankingView>,
    map: Option<MapView>,
    lagging: Vec<LeadGroup>,
    task_summary: String,
    narrative: Vec<(String, Vec<String>)>,
    sources: Vec<SourceView>,
}

/// 1-based citation numbers, de-duplicated, in order.
pub(crate) fn cite_numbers(indexes: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for i in indexes {
        if !out.contains(&(i + 1)) {
            out.push(i + 1);
        }
    }
    out
}

/// The sources a target row cites: its target sentence, then its data.
pub(crate) fn target_cites(t: &TargetRow) -> Vec<usize> {
    cite_numbers(std::iter::once(t.target_source).chain(t.data_sources.iter().copied()))
}

/// The verdict, then the notes of the rules that applied (无基期值…) on a line of their own.
pub(crate) fn verdict_with_note(t: &TargetRow) -> String {
    if t.note.is_empty() {
        t.verdict.clone()
    } else {
        format!("{}\n{}", t.verdict, t.note)
    }
}

/// "12.5 / 13.1", or "—" when neither forecast exists; a 低可信度 forecast carries its caveat.
pub(crate) fn forecast_text(t: &TargetRow) -> String {
    let one = |v: Option<f64>, low: bool| {
        let n = opt_value(v, &t.unit, &t.indicator);
        if low && v.is_some() {
            format!("{n}(低可信度)")
        } else {
            n
        }
    };
    match (t.forecast_linear, t.forecast_compound) {
        (None, None) => "—".into(),
        (l, c) => format!("{} / {}", one(l, t.forecast_linear_low), one(c, t.forecast_compound_low)),
    }
}

pub(crate) fn change_text(change: Option<i32>) -> (String, &'static str) {
    match change {
        Some(c) if c > 0 => (format!("▲{c}"), "up"),
        Some(c) if c < 0 => (format!("▼{}", -c), "down"),
        Some(_) => ("—".into(), "same"),
        None => (String::new(), "none"),
    }
}

pub(crate) fn progress_chart(r: &Report) -> String {
    let bars: Vec<ProgressBar> = r.targets.iter().map(ProgressBar::from).collect();
    charts::progress_bars(&bars)
}

/// The trend chart of each target with data, with its caption and citations.
pub(crate) fn trend_charts(r: &Report) -> Vec<(String, String, Vec<usize>)> {
    r.targets
        .iter()
        .filter(|t| !t.series.is_empty())
        .map(|t| {
            let chart = TrendChart {
                title: if t.unit.is_empty() { t.indicator.clone() } else { format!("{}({})", t.indicator, t.unit) },
                unit: t.unit.clone(),
                points: t.series.clone(),
                forecast: t.forecast_points.clone(),
                target: Some((t.deadline as f64 + 0.75, t.target, format!("{}年目标", t.deadline))),
                baseline: t.baseline,
            };
            let caption = format!("{}:实际值、预测与{}年目标", t.indicator, t.deadline);
            (caption, charts::trend(&chart), target_cites(t))
        })
        .collect()
}

pub(crate) fn ranking_chart(k: &RankingSection) -> String {
    let bars: Vec<RankBar> = k
        .rows
        .iter()
        .filter_map(|row| {
            Some(RankBar { rank: row.rank?, place: row.place.clone(), score: row.score?, change: row.change })
        })
        .collect();
    if bars.is_empty() {
        return String::new();
    }
    charts::ranking_bars(&bars, &format!("{}({})", k.index_name, k.period_label))
}

/// Lagging tasks grouped by lead unit, groups in order of first appearance.
pub(crate) fn group_by_lead(tasks: &[LaggingTask]) -> Vec<(&str, Vec<&LaggingTask>)> {
    let mut groups: Vec<(&str, Vec<&LaggingTask>)> = Vec::new();
    for t in tasks {
        match groups.iter_mut().find(|(lead, _)| *lead == t.lead) {
            Some((_, list)) => list.push(t),
            None => groups.push((&t.lead, vec![t])),
        }
    }
    groups
}

pub(crate) fn is_web_url(u: &str) -> bool {
    let lower = u.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Renders the report as a standalone HTML document.
pub fn html(report: &Report) -> String {
    let r = report;
    let mut sections = 0;
    let mut next = |name: &str| {
        sections += 1;
        format!("{}、{name}", NUMERALS.get(sections - 1).copied().unwrap_or("十"))
    };
    let mut h = Headings { summary: next("总体情况"), targets: next("目标完成情况"), ..Default::default() };
    let trend_list = trend_charts(r);
    if !trend_list.is_empty() {
        h.trends = next("指标走势");
    }
    if r.ranking.is_some() {
        h.ranking = next("区县排名");
    }
    if r.map.is_some() {
        h.map = next("空间分布");
    }
    h.lagging = next("滞后任务");
    let evaluation = (r.kind != ReportKind::Quarterly).then(|| crate::narrative::narrative(r));
    if evaluation.is_some() {
        h.evaluation = ["主要成效", "存在问题", "下一步建议"].iter().map(|n| next(n)).collect();
    }
    h.sources = next("数据来源");
    // (heading, paragraphs) of the narrative.
    let narrative: Vec<(String, Vec<String>)> = evaluation
        .map(|n| h.evaluation.iter().cloned().zip([n.achievements, n.problems, n.suggestions]).collect())
        .unwrap_or_default();
    let task_total: u32 = r.task_counts.iter().map(|c| c.count).sum();
    let task_summary = if task_total == 0 {
        String::new()
    } else {
        let parts: Vec<String> =
            r.task_counts.iter().filter(|c| c.count > 0).map(|c| format!("{}{} 项", c.label, c.count)).collect();
        format!("本规划共有 {task_total} 项重点任务,{}。", parts.join("、"))
    };

    let targets: Vec<TargetView> = r
        .targets
        .iter()
        .map(|t| TargetView {
            indicator: t.indicator.clone(),
            unit: t.unit.clone(),
            baseline: opt_value(t.baseline, &t.unit, &t.indicator),
            target: value(t.target, &t.unit, &t.indicator),
            deadline: t.deadline,
            current: opt_value(t.current, &t.unit, &t.indicator),
            current_period: t.current_period.clone().unwrap_or_default(),
            completion: t.completion.map_or_else(|| "—".into(), pct),
            elapsed: pct(t.elapsed),
            status_key: t.status_key.clone(),
            status_label: t.status_label.clone(),
            forecast: forecast_text(t),
            verdict: t.verdict.clone(),
            note: t.note.clone(),
            cites: target_cites(t),
        })
        .collect();
    let all_target_cites = cite_numbers(
        r.targets
            .iter()
            .flat_map(|t| std::iter::once(t.target_source).chain(t.data_sources.iter().copied()).collect::<Vec<_>>()),
    );

    let mut figure = 1;
    let trends = trend_list
        .into_iter()
        .map(|(caption, svg, cites)| {
            figure += 1;
            Figure { number: figure, caption, svg, cites }
        })
        .collect();
    let ranking = r.ranking.as_ref().map(|k| {
        let svg = ranking_chart(k);
        if !svg.is_empty() {
            figure += 1;
        }
        RankingView {
            index_name: k.index_name.clone(),
            period_label: k.period_label.clone(),
            method_label: k.method_label.clone(),
            approved_note: k.approved_note.clone(),
            published: k.published.clone(),
            weights: k.weights.iter().map(|(name, w)| (name.clone(), num(*w))).collect(),
            rows: k
                .rows
                .iter()
                .map(|row| {
                    let (change, change_class) = change_text(row.change);
                    RankRowView {
                        rank: row.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                        place: row.place.clone(),
                        score: opt_num(row.score),
                        change,
                        change_class,
                        note: row.note.clone().unwrap_or_default(),
                    }
                })
                .collect(),
            svg,
            number: figure,
            cite: k.source + 1,
        }
    });
    let map = r.map.as_ref().map(|m| {
        let (svg, error) = match charts::choropleth(&m.geojson, &m.values, &m.title, &m.unit, m.lower_is_better) {
            Ok(svg) => {
                figure += 1;
                (svg, String::new())
            }
            Err(e) => (String::new(), e.to_string()),
        };
        MapView { title: m.title.clone(), svg, error, number: figure, cite: m.source + 1 }
    });
    let lagging = group_by_lead(&r.lagging_tasks)
        .into_iter()
        .map(|(lead, tasks)| LeadGroup {
            lead: lead.to_string(),
            tasks: tasks
                .into_iter()
                .map(|t| TaskView {
                    task: t.task.clone(),
                    status_label: t.status_label.clone(),
                    period: t.period.clone(),
                    note: t.note.clone(),
                    cite: t.source + 1,
                })
                .collect(),
        })
        .collect();
    let sources = r
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let url = s.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
            SourceView {
                number: i + 1,
                kind: if s.label.starts_with(s.kind.label()) { "" } else { s.kind.label() },
                label: s.label.clone(),
                text: s.text.clone(),
                quote: s.kind == SourceKind::PlanSentence,
                location: s.location.clone(),
                link: url.filter(|u| is_web_url(u)).map(str::to_string),
                url_text: url.filter(|u| !is_web_url(u)).map(str::to_string),
            }
        })
        .collect();

    let page = Page {
        r,
        css: REPORT_CSS,
        kind: r.kind.label(),
        h,
        total: r.status_counts.iter().map(|c| c.count).sum(),
        progress_svg: if r.targets.is_empty() { String::new() } else { progress_chart(r) },
        targets,
        all_target_cites,
        trends,
        ranking,
        map,
        lagging,
        task_summary,
        narrative,
        sources,
    };
    // Rendering plain strings into a String cannot fail; an error would be a template bug.
    page.render().unwrap_or_else(|e| format!("<!DOCTYPE html><title>error</title><p>{e}</p>"))
}

//! The HTML report: every target and source, cited by number, escaped, no script.

mod common;

use common::*;
use planwatch_report::{html, REPORT_CSS};

#[test]
fn html_has_every_target_source_and_citation() {
    let report = sample_report();
    let page = html(&report);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(r#"<html lang="zh-CN">"#));
    assert!(page.contains(&format!("<title>{REPORT_TITLE}</title>")));
    // The notice comes before the first section.
    let notice = page.find(r#"class="notice""#).expect("notice");
    assert!(notice < page.find("<h2").unwrap());
    assert!(page.contains(report.data_notice.as_deref().unwrap()));
    assert!(page.contains(&format!("<dt>数据审核</dt><dd>{}</dd>", report.data_basis)));

    for t in &report.targets {
        assert!(page.contains(&t.indicator), "{}", t.indicator);
        assert!(page.contains(&t.verdict), "{}", t.verdict);
    }
    for (i, s) in report.sources.iter().enumerate() {
        let n = i + 1;
        assert!(page.contains(&format!(r#"id="src-{n}""#)), "source {n} listed");
        assert!(page.contains(&format!(r##"href="#src-{n}">【{n}】</a>"##)), "source {n} cited");
        assert!(page.contains(&format!("({})", s.location)), "source {n} located");
        let text = s.text.replace('&', "&amp;");
        assert!(page.contains(&text), "source text {n}");
    }
    // Plan sentences are quoted.
    assert!(page.contains(&format!("<blockquote>{}</blockquote>", report.sources[0].text)));
    // Tables and their headers.
    for want in ["目标完成情况", "状态统计", "区县排名", "滞后任务", "数据来源", "预测(线性/复合)", "当前值(期别)"]
    {
        assert!(page.contains(want), "{want}");
    }
    for d in ["涪城区", "北川羌族自治县", "平武县", "市经济和信息化局", "市财政局"] {
        assert!(page.contains(d), "{d}");
    }
    // One lead heading per lead unit, tasks grouped under it.
    assert_eq!(page.matches("<h3>市经济和信息化局").count(), 1);
    // Charts inline: progress, 4 trends, ranking, map.
    assert_eq!(page.matches("<svg ").count(), 7);
    // No script, one style element whose content is REPORT_CSS exactly (for the CSP hash).
    assert!(!page.contains("<script"));
    assert_eq!(page.matches("<style").count(), 1);
    assert!(page.contains(&format!("<style>{REPORT_CSS}</style>")));
    assert!(!page.contains("style=\""));
    // Links only for web addresses, escaped.
    assert!(
        page.contains(r#"href="https://example.invalid/planwatch/rankings/12?v=2&amp;fmt=html""#)
            || page.contains(r#"href="https://example.invalid/planwatch/rankings/12?v=2&#38;fmt=html""#)
    );
}

#[test]
fn html_escapes_everything() {
    let mut report = sample_report();
    report.title = "报告<script>alert(1)</script>".into();
    report.targets[0].indicator = "收入<b>&\"x\"".into();
    report.lagging_tasks[0].note = "<img src=x onerror=alert(1)>".into();
    report.sources[0].url = Some("javascript:alert(1)".into());
    let page = html(&report);
    assert!(!page.contains("<script>"));
    assert!(!page.contains("<img"));
    assert!(!page.contains("<b>&"));
    assert!(page.contains("收入&lt;b&gt;&amp;&quot;x&quot;") || page.contains("收入&lt;b&gt;&amp;&#34;x&#34;"));
    assert!(!page.contains("href=\"javascript:"), "only http(s) addresses are linked");
}

#[test]
fn html_survives_a_broken_map_and_empty_sections() {
    let mut report = sample_report();
    report.map.as_mut().unwrap().geojson = "{not json".into();
    report.ranking = None;
    report.lagging_tasks.clear();
    report.targets.clear();
    report.data_notice = None;
    let page = html(&report);
    assert!(page.contains("地图无法绘制"));
    assert!(page.contains("本期没有滞后任务"));
    assert!(page.contains("没有可监测的量化目标"));
    assert!(!page.contains("class=\"notice\""));
    assert!(!page.contains("区县排名"));
}

#[test]
fn html_of_a_midterm_report_has_the_task_counts_and_the_narrative() {
    let mut report = sample_report();
    report.kind = planwatch_report::ReportKind::Midterm;
    let page = planwatch_report::html(&report);
    for want in ["本规划共有 9 项重点任务", "主要成效", "存在问题", "下一步建议", "5 项量化目标中,2 项指标已完成或超前"]
    {
        assert!(page.contains(want), "{want}");
    }
    let quarterly = planwatch_report::html(&sample_report());
    assert!(!quarterly.contains("主要成效") && quarterly.contains("本规划共有 9 项重点任务"));
}

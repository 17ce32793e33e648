//! Reports fit to send (issue 16, item 6), as served: the DOCX names the logged-in account as
//! its author (anonymous: planwatch) and was created now, shows Beijing time, cites numbered
//! sources that say where they are (plan title and section, import number and date) instead
//! of URLs, and a mid-term report carries the task counts and the drafted narrative. A plan
//! without indicators or tasks still gives a valid report saying so.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use planwatch_store::Role;
use std::io::Read;

fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip");
    let mut out = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut out).unwrap();
    out
}

/// The text of document.xml, paragraph by paragraph.
fn text(docx: &[u8]) -> String {
    let xml = part(docx, "word/document.xml");
    xml.split("</w:p>")
        .map(|p| {
            p.split("<w:t xml:space=\"preserve\">")
                .skip(1)
                .map(|t| t.split("</w:t>").next().unwrap_or(""))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn creator(docx: &[u8]) -> String {
    let core = part(docx, "docProps/core.xml");
    core.split("<dc:creator>").nth(1).unwrap().split("</dc:creator>").next().unwrap().to_string()
}

#[tokio::test]
async fn the_docx_names_its_author_and_cites_numbered_located_sources() {
    let app = app();
    let (plan, _, _, _) = sample(&app);
    let uri = format!("/plans/{plan}/report.docx?kind=midterm");
    let anonymous = get(&app, &uri).await;
    assert_eq!(anonymous.status, StatusCode::OK, "{}", anonymous.text());
    assert_eq!(creator(&anonymous.body), "planwatch");
    let core = part(&anonymous.body, "docProps/core.xml");
    let now = time::OffsetDateTime::now_utc();
    let today = format!("{}-{:02}-{:02}T", now.year(), u8::from(now.month()), now.day());
    assert!(core.contains(&format!(r#"<dcterms:created xsi:type="dcterms:W3CDTF">{today}"#)), "{core}");

    assert!(
        core.contains("中期评估报告(数据截至"),
        "an evaluation is titled by its cut-off, not as a quarter's: {core}"
    );
    let body = text(&anonymous.body);
    assert!(body.contains("(北京时间)") && !body.contains(" UTC"), "Beijing time in the body");
    for section in ["主要成效", "存在问题", "下一步建议", "任务进展统计"] {
        assert!(body.contains(section), "{section}");
    }
    let title = app.store.plan_view(plan).unwrap().summary.title;
    let sources: Vec<&str> = body.lines().filter(|l| l.starts_with('【')).collect();
    assert!(sources.len() >= 3, "{body}");
    assert!(sources.iter().any(|s| s.contains(&format!("《{title}》"))), "a plan sentence with the plan's title");
    assert!(
        sources.iter().any(|s| s.contains("导入批次 #") && s.contains(" 导入")),
        "a data file with import and date"
    );
    assert!(!body.contains("/monitor#imports") && !body.contains("http"), "no raw URLs in the DOCX");

    // Logged in: the account is the author, and the anonymous copy in the cache stays anonymous.
    add(&app, "analyst.wang", Role::Analyst, "", "");
    let (cookie, _) = login_as(&app, "analyst.wang").await;
    let mine = send(&app, Request::get(&uri).header(header::COOKIE, &cookie).body(Body::empty()).unwrap()).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(creator(&mine.body), "analyst.wang");
    assert_eq!(creator(&get(&app, &uri).await.body), "planwatch");
}

/// The gaps in the verdicts are rounded by the indicator's unit: whole for counts, one decimal
/// for percentages, and never "差 0.0".
#[tokio::test]
async fn verdict_gaps_are_rounded_by_unit() {
    let app = app();
    let (plan, _, _, _) = sample(&app);
    let r = planwatch_app::monitoring::build_report(
        &app.store,
        plan,
        planwatch_report::ReportKind::Midterm,
        None,
        None,
        "",
    )
    .unwrap();
    let mut gaps = 0;
    for t in &r.targets {
        for part in t.verdict.split(';') {
            let Some(gap) = part.split("预计未达成,差 ").nth(1) else { continue };
            gaps += 1;
            let number: String = gap.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let decimals = number.split('.').nth(1).map_or(0, str::len);
            let rule = planwatch_monitor::units::rounding(&t.unit, &t.indicator).decimals();
            assert!(decimals <= rule, "{}: {part}", t.indicator);
            assert!(number.chars().any(|c| c.is_ascii_digit() && c != '0'), "{}: {part}", t.indicator);
        }
    }
    assert!(gaps > 0, "the sample has targets forecast to miss");
}

#[tokio::test]
async fn a_plan_without_indicators_or_tasks_gives_a_valid_report_saying_so() {
    let app = app();
    let plan = "某市数字经济规划\n一、总体要求\n坚持创新驱动。\n";
    let doc = app.store.ingest_bytes(&op(), "empty.txt", plan.as_bytes().to_vec()).unwrap().document_id();
    for kind in [planwatch_report::ReportKind::Quarterly, planwatch_report::ReportKind::Midterm] {
        let r = planwatch_app::monitoring::build_report(&app.store, doc, kind, None, None, "").unwrap();
        assert!(r.targets.is_empty() && r.task_counts.is_empty(), "{:?}", r.task_counts);
        assert_eq!(r.author, "planwatch");
        let docx = planwatch_report::docx(&r).unwrap();
        let body = text(&docx);
        assert!(body.contains("本规划没有可监测的量化目标") && body.contains("本规划尚无任务进展填报"), "{body}");
        roxmltree_free_check(&part(&docx, "word/document.xml"));
    }
}

/// The XML is well formed enough for a reader: balanced paragraphs and tables.
fn roxmltree_free_check(xml: &str) {
    assert_eq!(xml.matches("<w:p>").count() + xml.matches("<w:p ").count(), xml.matches("</w:p>").count());
    assert_eq!(xml.matches("<w:tbl>").count(), xml.matches("</w:tbl>").count());
}

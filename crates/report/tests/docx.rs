//! The DOCX report: a valid package with the texts, the tables and the charts as PNG, fit to
//! print and send: page numbers, repeated header rows, headings kept with what follows, 公文
//! fonts with fallbacks, document properties, numbered sources and, for mid-term and final
//! evaluations, the task completion and the narrative sections.

mod common;

use common::*;
use planwatch_report::{Report, ReportKind};

fn part(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let data = &entries.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("{name} in the package")).1;
    let xml = String::from_utf8(data.clone()).unwrap();
    roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name} is XML: {e}"));
    xml
}

fn document_xml(report: &Report) -> String {
    part(&unzip(&planwatch_report::docx(report).unwrap()), "word/document.xml")
}

/// The text of a WordprocessingML part, paragraph by paragraph.
fn paragraphs(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("p"))
        .map(|p| p.descendants().filter(|n| n.has_tag_name("t")).filter_map(|t| t.text()).collect())
        .collect()
}

#[test]
fn docx_has_texts_tables_and_chart_images() {
    let report = sample_report();
    let bytes = planwatch_report::docx(&report).unwrap();
    let entries = unzip(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"[Content_Types].xml"), "{names:?}");
    let xml = part(&entries, "word/document.xml");
    for want in [
        REPORT_TITLE,
        PLAN_TITLE,
        report.data_notice.as_deref().unwrap(),
        &report.data_basis,
        "目标完成情况",
        "任务推进情况",
        "区县排名",
        "数据来源",
    ] {
        assert!(xml.contains(want), "{want}");
    }
    for t in &report.targets {
        assert!(xml.contains(&t.indicator), "{}", t.indicator);
    }
    assert!(xml.contains("<w:tbl>"), "tables");

    // Charts: progress bars, 4 trends, ranking, map.
    let pngs: Vec<&Vec<u8>> =
        entries.iter().filter(|(n, _)| n.starts_with("word/media/") && n.ends_with(".png")).map(|(_, d)| d).collect();
    assert_eq!(pngs.len(), 7, "{names:?}");
    for png in pngs {
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(width, 1600);
        assert!(png.len() < 400_000, "PNG of {} bytes", png.len());
    }
}

#[test]
fn docx_footer_numbers_the_pages() {
    let entries = unzip(&planwatch_report::docx(&sample_report()).unwrap());
    let rels = part(&entries, "word/_rels/document.xml.rels");
    assert!(rels.contains("relationships/footer"), "{rels}");
    let document = part(&entries, "word/document.xml");
    assert!(document.contains("<w:footerReference"), "the section uses the footer");
    let footer = entries
        .iter()
        .filter(|(n, _)| n.starts_with("word/footer") && n.ends_with(".xml"))
        .map(|(n, _)| part(&entries, n))
        .next()
        .expect("a footer part");
    let doc = roxmltree::Document::parse(&footer).unwrap();
    let instr: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("instrText")).filter_map(|n| n.text()).map(str::trim).collect();
    assert_eq!(instr, ["PAGE", "NUMPAGES"], "{footer}");
    let text: String = paragraphs(&footer).concat();
    assert!(text.starts_with("第 ") && text.contains(" 页 共 ") && text.ends_with(" 页"), "{text}");
}

#[test]
fn docx_tables_repeat_their_header_and_rows_do_not_split() {
    let xml = document_xml(&sample_report());
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let tables: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("tbl")).collect();
    assert!(tables.len() >= 5, "{} tables", tables.len());
    for table in tables {
        let rows: Vec<_> = table.children().filter(|n| n.has_tag_name("tr")).collect();
        let flags = |row: &roxmltree::Node, tag: &str| {
            row.children().filter(|n| n.has_tag_name("trPr")).any(|p| p.children().any(|c| c.has_tag_name(tag)))
        };
        assert!(flags(&rows[0], "tblHeader"), "first row of every table is a header row");
        for row in &rows[1..] {
            assert!(!flags(row, "tblHeader"), "only the first row repeats");
        }
        assert!(rows.iter().all(|r| flags(r, "cantSplit")), "no row splits across pages");
    }
}

#[test]
fn docx_headings_keep_with_next_and_use_the_official_fonts() {
    let report = sample_report();
    let entries = unzip(&planwatch_report::docx(&report).unwrap());
    let xml = part(&entries, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let mut headings = 0;
    for p in doc.descendants().filter(|n| n.has_tag_name("p")) {
        let style = p
            .descendants()
            .find(|n| n.has_tag_name("pStyle"))
            .and_then(|s| s.attributes().find(|a| a.name() == "val").map(|a| a.value().to_string()));
        if style.as_deref().is_some_and(|s| s.starts_with("Heading")) {
            headings += 1;
            assert!(p.descendants().any(|n| n.has_tag_name("keepNext")), "heading without keepNext");
        }
    }
    assert!(headings >= 6, "{headings} headings");

    let styles = part(&entries, "word/styles.xml");
    for font in ["方正小标宋简体", "黑体", "楷体_GB2312", "仿宋_GB2312"] {
        assert!(styles.contains(&format!(r#"w:eastAsia="{font}""#)), "{font} in styles.xml");
    }
    assert!(styles.contains(r#"w:eastAsia="zh-CN""#), "document language");
    // Each 公文 font is declared with a Windows alternative and the GB2312 charset.
    let fonts = part(&entries, "word/fontTable.xml");
    let table = roxmltree::Document::parse(&fonts).unwrap();
    for (name, alt) in
        [("方正小标宋简体", "SimSun"), ("黑体", "SimHei"), ("楷体_GB2312", "KaiTi"), ("仿宋_GB2312", "FangSong")]
    {
        let font = table
            .descendants()
            .find(|n| n.has_tag_name("font") && n.attributes().any(|a| a.name() == "name" && a.value() == name))
            .unwrap_or_else(|| panic!("{name} in fontTable.xml"));
        let val = |tag: &str| {
            font.children()
                .find(|c| c.has_tag_name(tag))
                .and_then(|c| c.attributes().find(|a| a.name() == "val").map(|a| a.value().to_string()))
        };
        assert_eq!(val("altName").as_deref(), Some(alt), "{name}");
        assert_eq!(val("charset").as_deref(), Some("86"), "{name}");
        assert_eq!(val("panose1").map(|p| p.len()), Some(20), "{name}");
    }
}

#[test]
fn docx_properties_name_the_author_title_and_time() {
    let mut report = sample_report();
    let entries = unzip(&planwatch_report::docx(&report).unwrap());
    let core = part(&entries, "docProps/core.xml");
    assert!(core.contains("<dc:creator>analyst.li</dc:creator>"), "{core}");
    assert!(core.contains(&format!("<dc:title>{REPORT_TITLE}</dc:title>")), "{core}");
    assert!(
        core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-10-15T09:30:00Z</dcterms:created>"#),
        "{core}"
    );
    assert!(core.contains(r#"<dcterms:modified xsi:type="dcterms:W3CDTF">2026-10-15T09:30:00Z</dcterms:modified>"#));

    // Nobody named, no time given: "planwatch" and now, never docx-rs's 1970 and "unknown";
    // markup in the author is escaped.
    report.author = String::new();
    report.created_utc = String::new();
    let core = part(&unzip(&planwatch_report::docx(&report).unwrap()), "docProps/core.xml");
    assert!(core.contains("<dc:creator>planwatch</dc:creator>"), "{core}");
    assert!(!core.contains("1970") && !core.contains("unknown"), "{core}");
    let doc = roxmltree::Document::parse(&core).unwrap();
    let created = doc.descendants().find(|n| n.has_tag_name("created")).and_then(|n| n.text()).unwrap();
    assert!(created.len() == 20 && created.ends_with('Z') && created.starts_with("20"), "{created}");
    report.author = "<b>&x".into();
    let core = part(&unzip(&planwatch_report::docx(&report).unwrap()), "docProps/core.xml");
    assert!(core.contains("<dc:creator>&lt;b&gt;&amp;x</dc:creator>"), "{core}");
}

#[test]
fn docx_sources_are_a_numbered_list_cited_by_number_without_urls() {
    let report = sample_report();
    let xml = document_xml(&report);
    let paras = paragraphs(&xml);
    let start = paras.iter().position(|p| p.ends_with("数据来源")).expect("数据来源 heading");
    let list: Vec<&String> = paras[start..].iter().filter(|p| p.starts_with('【')).collect();
    assert_eq!(list.len(), report.sources.len(), "{list:?}");
    for (i, (p, s)) in list.iter().zip(&report.sources).enumerate() {
        assert!(p.starts_with(&format!("【{}】", i + 1)), "{p}");
        assert!(p.contains(&s.text), "{p}");
        assert!(p.contains(&s.location), "{p}: the plan title and section or the import");
    }
    assert!(list[0].contains(&format!("《{PLAN_TITLE}》")), "{}", list[0]);
    assert!(list[3].contains("导入批次 #12") && list[3].contains("2026-10-09"), "{}", list[3]);
    let text = paras.join("\n");
    assert!(!text.contains("http") && !text.contains("example.invalid") && !text.contains("/monitor"), "raw URLs");
    // Figures cite by number.
    let captions: Vec<&String> = paras.iter().filter(|p| p.starts_with("图 ")).collect();
    assert!(captions.len() >= 7, "{captions:?}");
    assert!(captions.iter().all(|c| c.contains("来源:【")), "{captions:?}");
}

#[test]
fn docx_rounds_values_by_their_unit() {
    let mut report = sample_report();
    report.targets[1].current = Some(12.0); // 家
    report.targets[1].target = 150.4;
    report.targets[2].current = Some(45.55); // %
    let paras = paragraphs(&document_xml(&report));
    let text = paras.join("\n");
    assert!(paras.iter().any(|p| p == "12"), "12.0 家 → 12");
    assert!(paras.iter().any(|p| p == "150"), "150.4 家 → 150");
    assert!(text.contains("45.6%"), "45.55% → 45.6%");
    assert!(!text.contains("45.55") && !text.contains("150.4"), "unrounded values");
}

fn evaluation(kind: ReportKind) -> Report {
    let mut report = sample_report();
    report.kind = kind;
    report
}

#[test]
fn midterm_and_final_reports_carry_task_completion_and_the_narrative() {
    for kind in [ReportKind::Midterm, ReportKind::Final] {
        let report = evaluation(kind);
        let paras = paragraphs(&document_xml(&report));
        let text = paras.join("\n");
        for section in ["主要成效", "存在问题", "下一步建议", "任务推进情况", "任务进展统计", "滞后任务(按牵头单位)"]
        {
            assert!(text.contains(section), "{kind:?}: {section}");
        }
        // Sentences made from the figures: 2 of 5 targets done or ahead (40%), the lagging
        // target with its completion, the lagging tasks with their lead departments.
        assert!(text.contains("5 项量化目标中,2 项指标已完成或超前,占40.0%"), "{text}");
        assert!(
            text.contains("以下 1 项指标滞后于时间进度:全社会研发经费投入强度(完成度27.8%,时间进度43.8%)"),
            "{text}"
        );
        assert!(text.contains("以下 3 项任务滞后:建设科技城未来产业先导区(牵头单位:市经济和信息化局)"), "{text}");
        assert!(text.contains("督促市经济和信息化局、市财政局加快推进滞后任务"), "{text}");
        assert!(text.contains("9 项重点任务中,已完成 2 项、推进中 3 项"), "{text}");
        let next = if kind == ReportKind::Final { "在下一轮规划编制中" } else { "在规划后半期" };
        assert!(text.contains(next), "{kind:?}");
    }
    // The quarterly report has no narrative.
    let text = paragraphs(&document_xml(&sample_report())).join("\n");
    assert!(!text.contains("主要成效") && !text.contains("下一步建议"));
}

#[test]
fn a_plan_without_indicators_or_tasks_still_gives_a_valid_report_saying_so() {
    for kind in [ReportKind::Quarterly, ReportKind::Midterm, ReportKind::Final] {
        let mut report = evaluation(kind);
        report.targets.clear();
        report.status_counts.iter_mut().for_each(|c| c.count = 0);
        report.task_counts.clear();
        report.lagging_tasks.clear();
        report.ranking = None;
        report.map = None;
        report.sources.clear();
        let text = paragraphs(&document_xml(&report)).join("\n");
        assert!(text.contains("本规划没有可监测的量化目标"), "{kind:?}");
        assert!(text.contains("本规划尚无任务进展填报"), "{kind:?}");
        if kind != ReportKind::Quarterly {
            assert!(text.contains("无法按指标评估成效") && text.contains("无法判断滞后情况"), "{text}");
        }
    }
}

#[test]
fn docx_survives_a_broken_map_and_empty_report() {
    let mut report = sample_report();
    report.map.as_mut().unwrap().geojson = "[]".into();
    report.targets.clear();
    report.ranking = None;
    report.lagging_tasks.clear();
    let bytes = planwatch_report::docx(&report).unwrap();
    let xml = unzip(&bytes).into_iter().find(|(n, _)| n == "word/document.xml").unwrap().1;
    assert!(String::from_utf8(xml).unwrap().contains("地图无法绘制"));
}

#[test]
fn a_closing_note_of_the_title_is_a_subtitle_line() {
    let mut report = evaluation(ReportKind::Midterm);
    report.title = format!("{PLAN_TITLE} 中期评估报告(数据截至2026年第3季度)");
    let paras = paragraphs(&document_xml(&report));
    assert_eq!(paras[0], format!("{PLAN_TITLE} 中期评估报告"));
    assert_eq!(paras[1], "(数据截至2026年第3季度)");
    // A title without such a note stays one paragraph, brackets inside it untouched.
    let paras = paragraphs(&document_xml(&sample_report()));
    assert_eq!(paras[0], REPORT_TITLE);
    assert!(paras[1].starts_with("规划名称"), "{}", paras[1]);
}

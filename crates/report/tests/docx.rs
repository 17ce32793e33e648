//! The DOCX report: a valid package with the texts, the tables and the charts as PNG.

mod common;

use common::*;

#[test]
fn docx_has_texts_tables_and_chart_images() {
    let report = sample_report();
    let bytes = planwatch_report::docx(&report).unwrap();
    let entries = unzip(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"[Content_Types].xml"), "{names:?}");
    let document = entries.iter().find(|(n, _)| n == "word/document.xml").expect("word/document.xml");
    let xml = String::from_utf8(document.1.clone()).unwrap();
    roxmltree::Document::parse(&xml).expect("document.xml is XML");
    for want in [
        REPORT_TITLE,
        PLAN_TITLE,
        report.data_notice.as_deref().unwrap(),
        &report.data_basis,
        "目标完成情况",
        "区县排名",
        "滞后任务",
        "数据来源",
    ] {
        assert!(xml.contains(want), "{want}");
    }
    for t in &report.targets {
        assert!(xml.contains(&t.indicator), "{}", t.indicator);
    }
    for (i, s) in report.sources.iter().enumerate() {
        assert!(xml.contains(&format!("[{}]", i + 1)), "cite {i}");
        assert!(xml.contains(&s.text.replace('&', "&amp;")), "source {i}");
    }
    assert!(xml.contains("<w:tbl>"), "tables");
    assert!(
        xml.contains(r#"w:eastAsia="SimSun""#)
            || entries.iter().any(|(n, d)| n == "word/styles.xml" && String::from_utf8_lossy(d).contains("SimSun"))
    );

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

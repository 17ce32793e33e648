//! The SVG charts: well-formed XML, accessible, escaped, CSP-safe (no `style`).

mod common;

use planwatch_report::charts::{choropleth, progress_bars, ranking_bars, trend, ProgressBar, RankBar, TrendChart};
use planwatch_report::{ChartError, MapValue, SeriesPoint};

/// Parses `svg` and checks what every chart must have; returns its text content.
fn check_svg(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("aria-label").is_some_and(|l| !l.is_empty()));
    assert!(root.attribute("viewBox").is_some());
    assert!(root.attribute("font-family").unwrap().contains("Noto Sans CJK SC"));
    let first: Vec<&str> = root.children().filter(|n| n.is_element()).take(2).map(|n| n.tag_name().name()).collect();
    assert_eq!(first, ["title", "desc"]);
    assert!(!svg.contains("style="), "style attribute: CSP forbids inline styles");
    assert!(!svg.contains("<style"), "style element: CSP forbids inline styles");
    assert!(!svg.contains("<script"));
    for node in doc.descendants() {
        assert!(node.attribute("style").is_none());
    }
    doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<Vec<_>>().join("\n")
}

fn points(values: &[f64]) -> Vec<SeriesPoint> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| SeriesPoint {
            time: 2024.0 + i as f64 * 0.25,
            label: format!("{}Q{}", 2024 + i / 4, i % 4 + 1),
            value: *v,
        })
        .collect()
}

#[test]
fn progress_bars_show_labels_values_and_legend() {
    let bars = vec![
        ProgressBar {
            label: "营业收入".into(), completion: Some(0.471), elapsed: 0.44, status_key: "on_track".into()
        },
        ProgressBar { label: "A<b>&c".into(), completion: Some(1.35), elapsed: 0.44, status_key: "done".into() },
        ProgressBar { label: "创新平台".into(), completion: None, elapsed: 0.44, status_key: "no_data".into() },
    ];
    let svg = progress_bars(&bars);
    let text = check_svg(&svg);
    for want in ["营业收入", "A<b>&c", "创新平台", "47.1%", "135.0%", "无数据", "已完成", "滞后", "时间进度"]
    {
        assert!(text.contains(want), "{want} missing");
    }
    assert!(svg.contains("A&lt;b&gt;&amp;c") && !svg.contains("A<b>"));
    check_svg(&progress_bars(&[]));
}

#[test]
fn trend_draws_data_forecast_target_and_baseline() {
    let chart = TrendChart {
        title: "营业收入 <亿元> & 增速".into(),
        unit: "亿元".into(),
        points: points(&[320.0, 331.0, 344.0, 352.0, 368.0, 379.0, 395.0, 410.0]),
        forecast: vec![SeriesPoint { time: 2026.0, label: "2026Q1".into(), value: 430.0 }],
        target: Some((2028.75, 600.0, "2028年目标".into())),
        baseline: Some(320.0),
    };
    let svg = trend(&chart);
    let text = check_svg(&svg);
    for want in ["营业收入 <亿元> & 增速", "2024Q1", "2025Q3", "2028年目标 600", "基期 320", "预测", "单位:亿元"]
    {
        assert!(text.contains(want), "{want} missing in {text}");
    }
    assert!(svg.contains("stroke-dasharray"), "forecast is dashed");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("circle")).count(),
        8 + 1 + 1,
        "dots: data, forecast, legend"
    );
    // Y ticks are 1-2-5 steps.
    let ticks: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
        .filter_map(|n| n.text()?.parse().ok())
        .collect();
    assert!(ticks.len() >= 3, "{ticks:?}");
    let step = ticks[1] - ticks[0];
    assert!([1.0, 2.0, 5.0].iter().any(|m| (step / 10f64.powf(step.log10().floor()) - m).abs() < 1e-9), "{step}");

    // Degenerate input still makes a valid chart.
    let empty = TrendChart {
        title: "空".into(),
        unit: String::new(),
        points: Vec::new(),
        forecast: Vec::new(),
        target: None,
        baseline: None,
    };
    assert!(check_svg(&trend(&empty)).contains("暂无数据"));
    let odd = TrendChart { points: points(&[5.0, f64::NAN]), target: Some((f64::NAN, 1.0, "x".into())), ..empty };
    check_svg(&trend(&odd));
}

#[test]
fn ranking_bars_are_sorted_with_change_markers() {
    let bars = vec![
        RankBar { rank: 2, place: "游仙区".into(), score: 85.1, change: Some(-1) },
        RankBar { rank: 1, place: "涪城区".into(), score: 92.4, change: Some(1) },
        RankBar { rank: 3, place: "A&B<县>".into(), score: 81.7, change: None },
    ];
    let svg = ranking_bars(&bars, "发展指数 <第2版>");
    let text = check_svg(&svg);
    let (a, b) = (text.find("涪城区").unwrap(), text.find("游仙区").unwrap());
    assert!(a < b, "sorted by rank");
    for want in ["92.4", "85.1", "A&B<县>", "发展指数 <第2版>", "名次上升"] {
        assert!(text.contains(want), "{want} missing");
    }
    check_svg(&ranking_bars(&[], "空"));
}

#[test]
fn choropleth_fills_names_and_legend() {
    let values = vec![
        MapValue { code: "510703".into(), name: "涪城区".into(), value: Some(168.5) },
        MapValue { code: "510704".into(), name: "游仙区".into(), value: Some(96.2) },
        MapValue { code: "510705".into(), name: "安州区".into(), value: None },
    ];
    let svg = choropleth(common::GEOJSON, &values, "营业收入 & <分布>", "亿元", false).unwrap();
    let text = check_svg(&svg);
    for want in ["涪城区", "游仙区", "安州区", "涪城区:168.5 亿元", "安州区:无数据", "无数据", "营业收入 & <分布>"]
    {
        assert!(text.contains(want), "{want} missing in {text}");
    }
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let paths: Vec<_> =
        doc.descendants().filter(|n| n.has_tag_name("path") && n.children().any(|c| c.has_tag_name("title"))).collect();
    assert_eq!(paths.len(), 3);
    assert!(paths.iter().any(|p| p.attribute("fill").unwrap().starts_with("url(#")), "no-data hatch");
    // Lower is better reverses the ramp: the two filled districts swap colours.
    let fills = |svg: &str| {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("path") && n.children().any(|c| c.has_tag_name("title")))
            .map(|n| n.attribute("fill").unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let reversed = choropleth(common::GEOJSON, &values, "x", "亿元", true).unwrap();
    let (a, b) = (fills(&svg), fills(&reversed));
    assert_eq!((a[0].clone(), a[1].clone()), (b[1].clone(), b[0].clone()));
}

#[test]
fn malformed_geojson_is_an_error_not_a_panic() {
    let cases = [
        "",
        "{",
        "[1,2]",
        r#"{"type":"Point","coordinates":[104.1,31.2]}"#,
        r#"{"type":"FeatureCollection","features":[]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[3,400],[5,6],[1,2]]]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":{"type":"Polygon","coordinates":[[[1],[3,4],[5,6],[1]]]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":"oops"}}]}"#,
    ];
    for case in cases {
        let err = choropleth(case, &[], "t", "", false).expect_err(case);
        assert!(!err.to_string().is_empty());
    }
    assert!(matches!(
        choropleth(r#"{"type":"Point","coordinates":[1,2]}"#, &[], "t", "", false),
        Err(ChartError::NotFeatureCollection)
    ));
    // A degenerate but valid polygon (all points equal) still renders.
    let flat = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"点"},"geometry":{"type":"Polygon","coordinates":[[[1,2],[1,2],[1,2],[1,2]]]}}]}"#;
    check_svg(&choropleth(flat, &[], "t", "", false).unwrap());
}

/// Renders each chart to PNG (what the DOCX embeds): the SVG must be one resvg reads.
#[test]
fn charts_render_to_png() {
    let report = common::sample_report();
    let m = report.map.as_ref().unwrap();
    let svg = choropleth(&m.geojson, &m.values, &m.title, &m.unit, false).unwrap();
    let (png, w, h) = planwatch_report::svg_to_png(&svg, 800).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(w, 800);
    assert!(h > 200 && h < 1200, "{h}");
}

#[test]
fn sparklines_are_small_escaped_and_survive_odd_input() {
    use planwatch_report::charts::sparkline;
    use planwatch_report::SeriesPoint;
    let p = |t: f64, v: f64| SeriesPoint { time: t, label: "2025Q1".into(), value: v };
    let svg = sparkline(
        &[p(2025.25, 1.0), p(2025.5, 2.0)],
        &[p(2025.5, 2.0), p(2027.0, 5.0)],
        Some((2027.0, 6.0)),
        "产值<&>",
    );
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains("产值&lt;&amp;&gt;") && !svg.contains("style="));
    assert!(svg.len() < 1500, "{}", svg.len());
    assert_eq!(svg.matches("<polyline").count(), 2);
    // No data, NaN, one point: still a valid, empty-ish picture.
    for pts in [vec![], vec![p(f64::NAN, 1.0)], vec![p(2025.0, f64::INFINITY)], vec![p(2025.0, 3.0)]] {
        let s = sparkline(&pts, &[], None, "x");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>") && !s.contains("NaN") && !s.contains("inf"), "{s}");
    }
}

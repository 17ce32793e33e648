//! Writes the sample report in every format, and each chart as SVG and PNG, to a directory:
//! `cargo run -p planwatch-report --example sample -- /tmp/report-sample`.

#[path = "../tests/common/mod.rs"]
mod common;

use planwatch_report::charts::{self, ProgressBar, RankBar, TrendChart};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "report-sample".into()));
    std::fs::create_dir_all(&dir)?;
    let report = common::sample_report();
    std::fs::write(dir.join("report.html"), planwatch_report::html(&report))?;
    std::fs::write(dir.join("report.docx"), planwatch_report::docx(&report)?)?;
    std::fs::write(dir.join("report.xlsx"), planwatch_report::xlsx(&report)?)?;
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report)?)?;

    let bars: Vec<ProgressBar> = report.targets.iter().map(ProgressBar::from).collect();
    let t = &report.targets[0];
    let trend = TrendChart {
        title: format!("{}({})", t.indicator, t.unit),
        unit: t.unit.clone(),
        points: t.series.clone(),
        forecast: t.forecast_points.clone(),
        target: Some((t.deadline as f64 + 0.75, t.target, format!("{}年目标", t.deadline))),
        baseline: t.baseline,
    };
    let k = report.ranking.as_ref().unwrap();
    let ranks: Vec<RankBar> = k
        .rows
        .iter()
        .map(|r| RankBar { rank: r.rank.unwrap(), place: r.place.clone(), score: r.score.unwrap(), change: r.change })
        .collect();
    let m = report.map.as_ref().unwrap();
    let svgs = [
        ("progress", charts::progress_bars(&bars)),
        ("trend", charts::trend(&trend)),
        ("ranking", charts::ranking_bars(&ranks, &k.index_name)),
        ("map", charts::choropleth(&m.geojson, &m.values, &m.title, &m.unit, m.lower_is_better)?),
    ];
    for (name, svg) in svgs {
        std::fs::write(dir.join(format!("{name}.svg")), &svg)?;
        let (png, _, _) = planwatch_report::svg_to_png(&svg, 1200)?;
        std::fs::write(dir.join(format!("{name}.png")), png)?;
    }
    println!("wrote {}", dir.display());
    Ok(())
}

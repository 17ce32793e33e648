//! Server-side SVG charts, readable without JavaScript.
//!
//! Written by hand rather than with `plotters`: plotters' SVG backend lays text out through
//! font-kit (its default `ttf` feature links the system fontconfig) or a naive width guess,
//! writes one font family instead of a CJK fallback list, and has no way to attach
//! `<title>`/`<desc>`, `role`/`aria-label`, per-shape tooltips or fill patterns. The charts
//! here are a few rectangles, lines and paths each, so hand-written SVG is shorter and gives
//! full control over accessibility and the CSP rule: only presentation attributes
//! (`fill=`, `stroke=`, `font-size=`), never `style=` or `<style>`. All text is XML-escaped.

use crate::fmt::{fit, num, pct, text_width, xml_escape as esc};
use crate::model::{MapValue, SeriesPoint};
use std::fmt::Write as _;

/// The font stack of every chart: CJK fonts first, so Chinese never falls back to tofu.
pub const FONT_FAMILY: &str = "Noto Sans CJK SC, WenQuanYi Zen Hei, Microsoft YaHei, sans-serif";

const TEXT: &str = "#222222";
const MUTED: &str = "#666666";
const GRID: &str = "#e3e6ea";
const AXIS: &str = "#9aa0a6";

/// The colour of a status key.
pub fn status_colour(key: &str) -> &'static str {
    match key {
        "done" => "#2e7d32",
        "ahead" => "#00897b",
        "on_track" => "#1e6fd9",
        "behind" => "#e4572e",
        "no_baseline" => "#b8860b",
        _ => "#9e9e9e",
    }
}

/// What a bar without a completion says: 无基期值 (a value but no baseline) or 无数据.
fn missing_label(status_key: &str) -> &'static str {
    if status_key == "no_baseline" {
        "无基期值(未计算完成度)"
    } else {
        "无数据"
    }
}

/// The label of a status key, for legends.
pub fn status_label(key: &str) -> &'static str {
    match key {
        "done" => "已完成",
        "ahead" => "超前",
        "on_track" => "正常",
        "behind" => "滞后",
        "no_baseline" => "无基期值",
        _ => "无数据",
    }
}

const STATUS_KEYS: [&str; 6] = ["done", "ahead", "on_track", "behind", "no_baseline", "no_data"];

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("GeoJSON 解析失败:{0}")]
    Parse(String),
    #[error("GeoJSON 不是要素集合(FeatureCollection)")]
    NotFeatureCollection,
    #[error("GeoJSON 第 {0} 个要素的坐标无效")]
    BadCoordinates(usize),
    #[error("GeoJSON 中没有可绘制的面要素(Polygon/MultiPolygon)")]
    NoPolygons,
}

/// Opens an `<svg>` with its accessible name and description.
fn open(out: &mut String, w: f64, h: f64, title: &str, desc: &str) {
    open_as(out, w, h, title, desc, "img")
}

/// [`open`] with another ARIA role: `group` for a map whose districts are links (the
/// children of an `img` are hidden from assistive technology).
fn open_as(out: &mut String, w: f64, h: f64, title: &str, desc: &str, role: &str) {
    let t = esc(title);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="{role}" aria-label="{t}" font-family="{FONT_FAMILY}" font-size="13" fill="{TEXT}"><title>{t}</title><desc>{}</desc><rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##,
        esc(desc)
    );
}

/// A visible chart title.
fn heading(out: &mut String, x: f64, y: f64, title: &str, max_width: f64) {
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" font-size="16" font-weight="bold">{}</text>"#,
        esc(&fit(title, max_width, 16.0))
    );
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, size: f64, fill: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" font-size="{size}" fill="{fill}">{}</text>"#,
        esc(s)
    );
}

/// A line from `a` to `b`; `extra` holds further attributes (dashes, opacity).
fn line(out: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64, extra: &str) {
    let _ = write!(
        out,
        r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{stroke}" stroke-width="{width}"{extra}/>"#
    );
}

fn rect(out: &mut String, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
    let _ =
        write!(out, r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" fill="{fill}"{extra}/>"#, w.max(0.0));
}

/// Axis ticks in steps of 1, 2 or 5 × 10ⁿ covering `lo..=hi`: (first, last, step).
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> (f64, f64, f64) {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0, 0.2);
    }
    if (hi - lo).abs() < 1e-12 {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let rough = (hi - lo) / (max_ticks.max(2) - 1) as f64;
    let mag = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= rough * 0.999).unwrap_or(10.0 * mag);
    let first = (lo / step).floor() * step;
    let last = (hi / step).ceil() * step;
    (first, last, step)
}

/// The tick values of `nice_ticks`.
fn tick_values(first: f64, last: f64, step: f64) -> Vec<f64> {
    let n = ((last - first) / step).round() as usize;
    (0..=n.min(50)).map(|i| first + step * i as f64).map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v }).collect()
}

// ───────────────────────────── progress bars ─────────────────────────────

/// One bar of [`progress_bars`].
#[derive(Clone, Debug)]
pub struct ProgressBar {
    pub label: String,
    /// 1 = 100 %; `None` when there are no data.
    pub completion: Option<f64>,
    /// Share of the plan period elapsed, 0..1.
    pub elapsed: f64,
    pub status_key: String,
}

impl From<&crate::model::TargetRow> for ProgressBar {
    fn from(t: &crate::model::TargetRow) -> Self {
        ProgressBar {
            label: t.indicator.clone(),
            completion: t.completion,
            elapsed: t.elapsed,
            status_key: t.status_key.clone(),
        }
    }
}

/// Horizontal completion bars with a tick for the time elapsed, coloured by status.
pub fn progress_bars(bars: &[ProgressBar]) -> String {
    const W: f64 = 760.0;
    const ROW: f64 = 30.0;
    const BAR: f64 = 16.0;
    const TOP: f64 = 78.0;
    let title = "目标完成度与时间进度";
    let label_w = bars.iter().map(|b| text_width(&b.label, 13.0)).fold(80.0, f64::max).min(300.0) + 12.0;
    let x0 = 16.0 + label_w;
    let bar_w = W - x0 - 16.0 - 64.0;
    let h = TOP + ROW * bars.len() as f64 + 36.0;

    let desc = bars
        .iter()
        .map(|b| {
            let c = b.completion.map_or_else(|| missing_label(&b.status_key).to_string(), pct);
            format!("{}:完成度 {c},时间进度 {},{}", b.label, pct(b.elapsed), status_label(&b.status_key))
        })
        .collect::<Vec<_>>()
        .join(";");
    let mut out = String::with_capacity(4096);
    open(&mut out, W, h, title, &desc);
    heading(&mut out, 16.0, 26.0, title, W - 32.0);

    // Legend: one swatch per status, then the time tick.
    let mut lx = 16.0;
    for key in STATUS_KEYS {
        rect(&mut out, lx, 42.0, 14.0, 14.0, status_colour(key), r#" rx="2""#);
        text(&mut out, lx + 19.0, 54.0, "start", 12.0, TEXT, status_label(key));
        lx += 24.0 + text_width(status_label(key), 12.0) + 14.0;
    }
    line(&mut out, (lx + 6.0, 39.0), (lx + 6.0, 59.0), TEXT, 2.0, "");
    text(&mut out, lx + 14.0, 54.0, "start", 12.0, TEXT, "时间进度");

    // Grid at 0, 25, 50, 75, 100 %.
    let bottom = TOP + ROW * bars.len() as f64;
    for i in 0..=4 {
        let x = x0 + bar_w * i as f64 / 4.0;
        line(&mut out, (x, TOP - 6.0), (x, bottom), GRID, 1.0, "");
        text(&mut out, x, bottom + 16.0, "middle", 11.0, MUTED, &format!("{}%", i * 25));
    }

    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64 + (ROW - BAR) / 2.0 - 4.0;
        let colour = status_colour(&b.status_key);
        let _ = write!(
            out,
            "<g><title>{}</title>",
            esc(&format!("{}:{}", b.label, b.completion.map_or(missing_label(&b.status_key).into(), pct)))
        );
        text(&mut out, x0 - 10.0, y + BAR - 3.0, "end", 13.0, TEXT, &fit(&b.label, label_w - 10.0, 13.0));
        rect(&mut out, x0, y, bar_w, BAR, "#eef0f3", r#" rx="2""#);
        match b.completion.filter(|c| c.is_finite()) {
            Some(c) => {
                let shown = c.clamp(0.0, 1.0);
                rect(&mut out, x0, y, bar_w * shown, BAR, colour, r#" rx="2""#);
                if c > 1.0 {
                    // Beyond 100 %: the bar is full; two white chevrons at its end say so.
                    let xe = x0 + bar_w;
                    for dx in [10.0, 5.0] {
                        let _ = write!(
                            out,
                            r##"<polyline points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="none" stroke="#ffffff" stroke-width="1.5"/>"##,
                            xe - dx - 3.0,
                            y + 3.0,
                            xe - dx,
                            y + BAR / 2.0,
                            xe - dx - 3.0,
                            y + BAR - 3.0
                        );
                    }
                }
                text(&mut out, x0 + bar_w + 8.0, y + BAR - 3.0, "start", 12.0, TEXT, &pct(c));
            }
            None => {
                rect(&mut out, x0, y, bar_w, BAR, "none", r##" stroke="#bdbdbd" stroke-dasharray="4 3""##);
                text(&mut out, x0 + 8.0, y + BAR - 3.5, "start", 11.0, MUTED, missing_label(&b.status_key));
                text(&mut out, x0 + bar_w + 8.0, y + BAR - 3.0, "start", 12.0, MUTED, "—");
            }
        }
        let xt = x0 + bar_w * b.elapsed.clamp(0.0, 1.0);
        line(&mut out, (xt, y - 4.0), (xt, y + BAR + 4.0), TEXT, 2.0, "");
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

// ───────────────────────────── trend ─────────────────────────────

/// The input of [`trend`].
#[derive(Clone, Debug)]
pub struct TrendChart {
    pub title: String,
    pub unit: String,
    pub points: Vec<SeriesPoint>,
    pub forecast: Vec<SeriesPoint>,
    /// (time, value, label) of the target, drawn at its deadline.
    pub target: Option<(f64, f64, String)>,
    pub baseline: Option<f64>,
}

/// A line chart of the data (solid, dots), the forecast (dashed), the target (a marker at
/// the deadline and a dashed horizontal line) and the baseline (dotted).
pub fn trend(chart: &TrendChart) -> String {
    const W: f64 = 720.0;
    const H: f64 = 320.0;
    const L: f64 = 64.0;
    const R: f64 = 28.0;
    const T: f64 = 70.0;
    const B: f64 = 46.0;
    let points: Vec<&SeriesPoint> = chart.points.iter().filter(|p| p.time.is_finite() && p.value.is_finite()).collect();
    let forecast: Vec<&SeriesPoint> =
        chart.forecast.iter().filter(|p| p.time.is_finite() && p.value.is_finite()).collect();
    let target = chart.target.as_ref().filter(|(t, v, _)| t.is_finite() && v.is_finite());
    let baseline = chart.baseline.filter(|v| v.is_finite());

    let times = points.iter().chain(&forecast).map(|p| p.time).chain(target.map(|t| t.0));
    let (mut t0, mut t1) = times.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
    if !t0.is_finite() {
        (t0, t1) = (0.0, 1.0);
    }
    if t1 - t0 < 1e-9 {
        t0 -= 0.5;
        t1 += 0.5;
    }
    let values = points.iter().chain(&forecast).map(|p| p.value).chain(target.map(|t| t.1)).chain(baseline);
    let (mut v0, v1) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    // Start at zero when the data are all positive and zero is not far off.
    if v0.is_finite() && v0 > 0.0 && v0 < (v1 - v0) * 1.5 {
        v0 = 0.0;
    }
    // Headroom above the highest value for the labels drawn over the target and the last point.
    let (y_lo, y_hi, y_step) = nice_ticks(v0, v1 + (v1 - v0).abs() * 0.1, 6);

    let pw = W - L - R;
    let ph = H - T - B;
    // Half a step of padding on both ends so the first and last dots are not on the axes.
    let pad = (t1 - t0) * 0.04;
    let sx = |t: f64| L + (t - (t0 - pad)) / (t1 - t0 + 2.0 * pad) * pw;
    let sy = |v: f64| T + ph - (v - y_lo) / (y_hi - y_lo) * ph;

    let unit = if chart.unit.is_empty() { String::new() } else { format!("({})", chart.unit) };
    let mut desc = format!("{}{unit}。", chart.title);
    if !points.is_empty() {
        let s = points.iter().map(|p| format!("{} {}", p.label, num(p.value))).collect::<Vec<_>>().join(",");
        let _ = write!(desc, "实际值:{s}。");
    }
    if !forecast.is_empty() {
        let s = forecast.iter().map(|p| format!("{} {}", p.label, num(p.value))).collect::<Vec<_>>().join(",");
        let _ = write!(desc, "预测:{s}。");
    }
    if let Some((_, v, label)) = target {
        let _ = write!(desc, "{label}:{}。", num(*v));
    }
    if let Some(b) = baseline {
        let _ = write!(desc, "基期值:{}。", num(b));
    }

    let mut out = String::with_capacity(6144);
    open(&mut out, W, H, &chart.title, &desc);
    heading(&mut out, 16.0, 26.0, &chart.title, W - 32.0);

    // Legend.
    let mut lx = 16.0;
    line(&mut out, (lx, 48.0), (lx + 24.0, 48.0), "#1e6fd9", 2.5, "");
    let _ = write!(out, r##"<circle cx="{:.1}" cy="48" r="3.5" fill="#1e6fd9"/>"##, lx + 12.0);
    text(&mut out, lx + 30.0, 52.0, "start", 12.0, TEXT, "实际值");
    lx += 30.0 + text_width("实际值", 12.0) + 18.0;
    if !forecast.is_empty() {
        line(&mut out, (lx, 48.0), (lx + 24.0, 48.0), "#ef6c00", 2.0, r#" stroke-dasharray="5 4""#);
        text(&mut out, lx + 30.0, 52.0, "start", 12.0, TEXT, "预测");
        lx += 30.0 + text_width("预测", 12.0) + 18.0;
    }
    if target.is_some() {
        diamond(&mut out, lx + 12.0, 48.0, 6.0);
        text(&mut out, lx + 24.0, 52.0, "start", 12.0, TEXT, "目标");
        lx += 24.0 + text_width("目标", 12.0) + 18.0;
    }
    if baseline.is_some() {
        line(&mut out, (lx, 48.0), (lx + 24.0, 48.0), MUTED, 1.5, r#" stroke-dasharray="2 3""#);
        text(&mut out, lx + 30.0, 52.0, "start", 12.0, TEXT, "基期值");
    }
    if !unit.is_empty() {
        text(&mut out, W - R, 52.0, "end", 12.0, MUTED, &format!("单位:{}", chart.unit));
    }

    // Y grid and labels.
    for v in tick_values(y_lo, y_hi, y_step) {
        let y = sy(v);
        line(&mut out, (L, y), (W - R, y), GRID, 1.0, "");
        text(&mut out, L - 8.0, y + 4.0, "end", 11.0, MUTED, &num(v));
    }
    line(&mut out, (L, T + ph), (W - R, T + ph), AXIS, 1.0, "");

    // X labels: each distinct period once, thinned to fit.
    let mut labels: Vec<(f64, &str)> = points.iter().chain(&forecast).map(|p| (p.time, p.label.as_str())).collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    labels.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-9);
    let widest = labels.iter().map(|(_, l)| text_width(l, 11.0)).fold(0.0, f64::max) + 10.0;
    let room = (pw / widest).floor().max(1.0) as usize;
    let every = labels.len().div_ceil(room).max(1);
    for (i, (t, l)) in labels.iter().enumerate() {
        let x = sx(*t);
        line(&mut out, (x, T + ph), (x, T + ph + 4.0), AXIS, 1.0, "");
        if i % every == 0 {
            text(&mut out, x, T + ph + 18.0, "middle", 11.0, MUTED, l);
        }
    }

    // Baseline.
    if let Some(b) = baseline {
        let y = sy(b);
        line(&mut out, (L, y), (W - R, y), MUTED, 1.2, r#" stroke-dasharray="2 3""#);
        text(&mut out, W - R - 4.0, y - 5.0, "end", 11.0, MUTED, &format!("基期 {}", num(b)));
    }

    // Target: a dashed line at its value and a diamond at the deadline.
    if let Some((t, v, label)) = target {
        let (x, y) = (sx(*t), sy(*v));
        line(&mut out, (L, y), (W - R, y), "#c62828", 1.2, r#" stroke-dasharray="6 4" stroke-opacity="0.7""#);
        let _ = write!(out, "<g><title>{}</title>", esc(&format!("{label}:{}{}", num(*v), chart.unit)));
        diamond(&mut out, x, y, 7.0);
        out.push_str("</g>");
        let s = format!("{label} {}", num(*v));
        // Left of the marker (right of it when it is near the left edge), above the line,
        // or below it when the lines run above the target there.
        let near = points
            .iter()
            .chain(&forecast)
            .min_by(|a, b| (a.time - t).abs().total_cmp(&(b.time - t).abs()))
            .map(|p| p.value);
        let ty = if near.is_some_and(|n| n >= *v) { y + 18.0 } else { y - 8.0 };
        if x - 12.0 - text_width(&s, 12.0) > L {
            text(&mut out, x - 12.0, ty, "end", 12.0, "#c62828", &s);
        } else {
            text(&mut out, x + 12.0, ty, "start", 12.0, "#c62828", &s);
        }
    }

    // Forecast, dashed, from the last actual point on.
    if !forecast.is_empty() {
        let last = points.iter().max_by(|a, b| a.time.total_cmp(&b.time));
        let mut path = String::new();
        let mut series: Vec<&SeriesPoint> = last.into_iter().copied().collect();
        series.extend(forecast.iter().filter(|p| last.is_none_or(|l| p.time > l.time)));
        for (i, p) in series.iter().enumerate() {
            let _ = write!(path, "{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, sx(p.time), sy(p.value));
        }
        let _ =
            write!(out, r##"<path d="{path}" fill="none" stroke="#ef6c00" stroke-width="2" stroke-dasharray="6 4"/>"##);
        for p in &forecast {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="#ffffff" stroke="#ef6c00" stroke-width="1.5"><title>{}</title></circle>"##,
                sx(p.time),
                sy(p.value),
                esc(&format!("预测 {}:{}{}", p.label, num(p.value), chart.unit))
            );
        }
    }

    // Data: solid line and dots.
    if !points.is_empty() {
        let mut sorted = points.clone();
        sorted.sort_by(|a, b| a.time.total_cmp(&b.time));
        let mut path = String::new();
        for (i, p) in sorted.iter().enumerate() {
            let _ = write!(path, "{}{:.1},{:.1}", if i == 0 { "M" } else { " L" }, sx(p.time), sy(p.value));
        }
        let _ = write!(out, r##"<path d="{path}" fill="none" stroke="#1e6fd9" stroke-width="2.5"/>"##);
        for p in &sorted {
            let _ = write!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="#1e6fd9" stroke="#ffffff" stroke-width="1.5"><title>{}</title></circle>"##,
                sx(p.time),
                sy(p.value),
                esc(&format!("{}:{}{}", p.label, num(p.value), chart.unit))
            );
        }
        // The latest value, labelled.
        if let Some(p) = sorted.last() {
            text(&mut out, sx(p.time), sy(p.value) - 10.0, "middle", 12.0, "#1e6fd9", &num(p.value));
        }
    } else {
        text(&mut out, L + pw / 2.0, T + ph / 2.0, "middle", 14.0, MUTED, "暂无数据");
    }
    out.push_str("</svg>");
    out
}

fn diamond(out: &mut String, x: f64, y: f64, r: f64) {
    let _ = write!(
        out,
        r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="#c62828" stroke="#ffffff" stroke-width="1"/>"##,
        x,
        y - r,
        x + r,
        y,
        x,
        y + r,
        x - r,
        y
    );
}

// ───────────────────────────── ranking ─────────────────────────────

/// One bar of [`ranking_bars`].
#[derive(Clone, Debug)]
pub struct RankBar {
    pub rank: u32,
    pub place: String,
    pub score: f64,
    /// Places moved since the previous period: positive = up.
    pub change: Option<i32>,
}

/// Bars of scores sorted by rank, with ▲/▼ markers for the change of rank.
pub fn ranking_bars(bars: &[RankBar], title: &str) -> String {
    const W: f64 = 720.0;
    const ROW: f64 = 28.0;
    const BAR: f64 = 16.0;
    const TOP: f64 = 70.0;
    let mut sorted: Vec<&RankBar> = bars.iter().collect();
    sorted.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| b.score.total_cmp(&a.score)));
    let place_w = sorted.iter().map(|b| text_width(&b.place, 13.0)).fold(56.0, f64::max).min(200.0) + 12.0;
    let x0 = 16.0 + 30.0 + place_w;
    let bar_w = W - x0 - 16.0 - 110.0;
    let finite = sorted.iter().map(|b| b.score).filter(|s| s.is_finite());
    let (lo, hi) = finite.fold((0.0f64, f64::NEG_INFINITY), |(a, b), s| (a.min(s), b.max(s)));
    let (s_lo, s_hi, step) = nice_ticks(lo, if hi.is_finite() { hi } else { 1.0 }, 6);
    let sx = |s: f64| x0 + (s - s_lo) / (s_hi - s_lo) * bar_w;
    let h = TOP + ROW * sorted.len() as f64 + 34.0;

    let desc = sorted
        .iter()
        .map(|b| {
            let change = match b.change {
                Some(c) if c > 0 => format!(",上升 {c} 位"),
                Some(c) if c < 0 => format!(",下降 {} 位", -c),
                Some(_) => ",名次不变".into(),
                None => String::new(),
            };
            format!("第{}名 {} {}{change}", b.rank, b.place, num(b.score))
        })
        .collect::<Vec<_>>()
        .join(";");
    let mut out = String::with_capacity(4096);
    open(&mut out, W, h, title, &desc);
    heading(&mut out, 16.0, 26.0, title, W - 32.0);
    triangle(&mut out, 22.0, 47.0, true);
    text(&mut out, 32.0, 52.0, "start", 12.0, TEXT, "名次上升");
    triangle(&mut out, 104.0, 47.0, false);
    text(&mut out, 114.0, 52.0, "start", 12.0, TEXT, "名次下降");

    let bottom = TOP + ROW * sorted.len() as f64;
    for v in tick_values(s_lo, s_hi, step) {
        let x = sx(v);
        line(&mut out, (x, TOP - 6.0), (x, bottom), GRID, 1.0, "");
        text(&mut out, x, bottom + 16.0, "middle", 11.0, MUTED, &num(v));
    }
    for (i, b) in sorted.iter().enumerate() {
        let y = TOP + ROW * i as f64 + (ROW - BAR) / 2.0 - 4.0;
        let base = y + BAR - 3.0;
        let _ = write!(out, "<g><title>{}</title>", esc(&format!("第{}名 {}:{}", b.rank, b.place, num(b.score))));
        text(&mut out, 16.0 + 24.0, base, "end", 13.0, MUTED, &b.rank.to_string());
        text(&mut out, x0 - 10.0, base, "end", 13.0, TEXT, &fit(&b.place, place_w - 10.0, 13.0));
        if b.score.is_finite() {
            let (a, z) = (sx(0f64.max(s_lo)), sx(b.score));
            let fill = if b.rank <= 3 { "#1552a8" } else { "#4f8fdf" };
            rect(&mut out, a.min(z), y, (z - a).abs(), BAR, fill, r#" rx="2""#);
            text(&mut out, a.max(z) + 6.0, base, "start", 12.0, TEXT, &num(b.score));
        }
        let xc = W - 16.0 - 44.0;
        match b.change {
            Some(c) if c != 0 => {
                triangle(&mut out, xc, y + BAR / 2.0, c > 0);
                let colour = if c > 0 { "#2e7d32" } else { "#c62828" };
                text(&mut out, xc + 10.0, base, "start", 12.0, colour, &c.abs().to_string());
            }
            Some(_) => text(&mut out, xc + 4.0, base, "middle", 12.0, MUTED, "–"),
            None => {}
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// ▲ (green) or ▼ (red) drawn as a path, so no font needs the glyph.
fn triangle(out: &mut String, x: f64, cy: f64, up: bool) {
    let (fill, d) = if up {
        (
            "#2e7d32",
            format!("M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z", x - 5.0, cy + 4.0, x + 5.0, cy + 4.0, x, cy - 5.0),
        )
    } else {
        (
            "#c62828",
            format!("M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z", x - 5.0, cy - 4.0, x + 5.0, cy - 4.0, x, cy + 5.0),
        )
    };
    let _ = write!(out, r#"<path d="{d}" fill="{fill}"/>"#);
}

// ───────────────────────────── choropleth ─────────────────────────────

/// A sequential blue ramp, light to dark.
const RAMP: [&str; 5] = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

struct Feature {
    code: String,
    name: String,
    /// Polygons, each a list of rings (outer first), in lon/lat.
    polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

fn property(f: &geojson::Feature, key: &str) -> String {
    match f.property(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn rings(index: usize, polygon: &[Vec<geojson::Position>]) -> Result<Vec<Vec<(f64, f64)>>, ChartError> {
    polygon
        .iter()
        .map(|ring| {
            ring.iter()
                .map(|p| match p.as_slice() {
                    [lon, lat, ..] if lon.is_finite() && lat.is_finite() && lat.abs() <= 90.0 => Ok((*lon, *lat)),
                    _ => Err(ChartError::BadCoordinates(index + 1)),
                })
                .collect()
        })
        .collect()
}

fn parse_features(geojson: &str) -> Result<Vec<Feature>, ChartError> {
    let parsed: geojson::GeoJson = geojson.parse().map_err(|e: geojson::Error| ChartError::Parse(e.to_string()))?;
    let geojson::GeoJson::FeatureCollection(fc) = parsed else {
        return Err(ChartError::NotFeatureCollection);
    };
    let mut out = Vec::new();
    for (i, f) in fc.features.iter().enumerate() {
        let polygons = match f.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::GeometryValue::Polygon { coordinates }) => vec![rings(i, coordinates)?],
            Some(geojson::GeometryValue::MultiPolygon { coordinates }) => {
                coordinates.iter().map(|p| rings(i, p)).collect::<Result<_, _>>()?
            }
            _ => continue, // points, lines and empty features have no area to fill
        };
        let polygons: Vec<_> = polygons.into_iter().filter(|p| p.first().is_some_and(|r| r.len() >= 3)).collect();
        if !polygons.is_empty() {
            out.push(Feature { code: property(f, "code"), name: property(f, "name"), polygons });
        }
    }
    if out.is_empty() {
        return Err(ChartError::NoPolygons);
    }
    Ok(out)
}

/// Signed area and centroid of a ring (shoelace formula).
fn ring_centroid(ring: &[(f64, f64)]) -> (f64, (f64, f64)) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..ring.len() {
        let (x1, y1) = ring[i];
        let (x2, y2) = ring[(i + 1) % ring.len()];
        let cross = x1 * y2 - x2 * y1;
        a += cross;
        cx += (x1 + x2) * cross;
        cy += (y1 + y2) * cross;
    }
    a /= 2.0;
    if a.abs() < 1e-12 {
        let n = ring.len() as f64;
        let (sx, sy) = ring.iter().fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
        return (0.0, (sx / n, sy / n));
    }
    (a, (cx / (6.0 * a), cy / (6.0 * a)))
}

/// Up to 5 quantile classes of the finite values, as (min, max) of each, ascending. Equal
/// values always share a class, so there are fewer classes when values repeat.
fn quantile_classes(values: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let mut distinct = sorted.clone();
    distinct.dedup();
    let k = distinct.len().min(5);
    let n = sorted.len();
    let mut classes: Vec<(usize, f64, f64)> = Vec::new();
    for v in distinct {
        // The class of a value is set by where its first occurrence ranks, so ties never
        // straddle a break.
        let first = sorted.partition_point(|x| *x < v);
        let class = first * k / n;
        match classes.last_mut() {
            Some(last) if last.0 == class => last.2 = v,
            _ => classes.push((class, v, v)),
        }
    }
    classes.into_iter().map(|(_, lo, hi)| (lo, hi)).collect()
}

/// Legend labels of `classes` that leave no gaps: a class runs from its lowest value up to
/// the next class's lowest (which belongs to the next class), the last to the highest value;
/// a single class of one value is that value.
fn class_labels(classes: &[(f64, f64)]) -> Vec<String> {
    classes
        .iter()
        .enumerate()
        .map(|(i, &(lo, hi))| match classes.get(i + 1) {
            Some(&(next, _)) => format!("{} – {}", num(lo), num(next)),
            None if (hi - lo).abs() < 1e-12 => num(lo),
            None => format!("{} – {}", num(lo), num(hi)),
        })
        .collect()
}

fn class_of(classes: &[(f64, f64)], v: f64) -> usize {
    classes.iter().position(|(_, hi)| v <= *hi).unwrap_or(classes.len().saturating_sub(1))
}

/// The fill of class `i` of `k`: spread over the ramp; dark = better.
fn class_colour(i: usize, k: usize, lower_is_better: bool) -> &'static str {
    let pos = if k <= 1 { 2 } else { (i * 4 + (k - 1) / 2) / (k - 1) };
    RAMP[if lower_is_better { 4 - pos } else { pos }]
}

/// A small stable hash, to give the hatch pattern an id of its own per map.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x01000193))
}

const W: f64 = 720.0;
const MAP_W: f64 = 500.0;
const TOP: f64 = 48.0;

/// Where a map's features are drawn: an equirectangular projection (x scaled by the cosine of
/// the mean latitude) fitted into the map area left of the legend.
struct Fit {
    k: f64,
    x_min: f64,
    y_min: f64,
    scale: f64,
    ox: f64,
    oy: f64,
    map_h: f64,
}

impl Fit {
    fn new(features: &[Feature]) -> Fit {
        let all = || features.iter().flat_map(|f| f.polygons.iter().flatten().flatten());
        let n = all().count() as f64;
        let mean_lat = all().map(|p| p.1).sum::<f64>() / n;
        let k = mean_lat.to_radians().cos().max(0.05);
        let (mut x_min, mut x_max, mut y_min, mut y_max) =
            (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for &(lon, lat) in all() {
            let (x, y) = (lon * k, -lat);
            x_min = x_min.min(x);
            x_max = x_max.max(x);
            y_min = y_min.min(y);
            y_max = y_max.max(y);
        }
        let (gw, gh) = ((x_max - x_min).max(1e-9), (y_max - y_min).max(1e-9));
        let map_h = (MAP_W * gh / gw).clamp(260.0, 560.0);
        let scale = (MAP_W / gw).min(map_h / gh);
        let (ox, oy) = (16.0 + (MAP_W - gw * scale) / 2.0, TOP + 8.0 + (map_h - gh * scale) / 2.0);
        Fit { k, x_min, y_min, scale, ox, oy, map_h }
    }

    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (self.ox + (lon * self.k - self.x_min) * self.scale, self.oy + (-lat - self.y_min) * self.scale)
    }

    /// The SVG path data of a feature.
    fn path(&self, f: &Feature) -> String {
        let mut d = String::new();
        for polygon in &f.polygons {
            for ring in polygon {
                for (i, p) in ring.iter().enumerate() {
                    let (x, y) = self.project(*p);
                    let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
        }
        d
    }

    /// The feature's name at the centroid of its largest ring, light on a dark fill.
    fn label(&self, labels: &mut String, f: &Feature, name: &str, dark: bool) {
        let largest = f
            .polygons
            .iter()
            .filter_map(|p| p.first())
            .map(|r| ring_centroid(r))
            .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
        if let Some((_, c)) = largest {
            let (x, y) = self.project(c);
            let (fill, halo) = if dark { ("#ffffff", "#08306b") } else { (TEXT, "#ffffff") };
            let _ = write!(
                labels,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="{fill}" stroke="{halo}" stroke-width="2.5" stroke-linejoin="round" stroke-opacity="0.8" paint-order="stroke">{}</text>"#,
                y + 4.0,
                esc(name)
            );
        }
    }
}

/// A map of districts filled by value in up to 5 quantile classes (darker = better), with a
/// legend, a tooltip per district and names at the centroid of each district's largest ring.
pub fn choropleth(
    geojson: &str,
    values: &[MapValue],
    title: &str,
    unit: &str,
    lower_is_better: bool,
) -> Result<String, ChartError> {
    let features = parse_features(geojson)?;
    let fit = Fit::new(&features);
    let map_h = fit.map_h;

    let value_of = |f: &Feature| -> Option<&MapValue> {
        values
            .iter()
            .find(|v| !f.code.is_empty() && v.code == f.code)
            .or_else(|| values.iter().find(|v| v.name == f.name))
    };
    let drawn: Vec<f64> = features.iter().filter_map(|f| value_of(f)?.value).filter(|v| v.is_finite()).collect();
    let classes = quantile_classes(&drawn);
    let hatch = format!("pw-nodata-{:08x}", fnv(&format!("{title}{}", geojson.len())));
    let legend_rows = classes.len() + 1;
    let h = TOP + 16.0 + map_h.max(40.0 + 26.0 * legend_rows as f64 + 40.0) + 8.0;

    let fmt_value = |v: Option<f64>| {
        v.filter(|v| v.is_finite()).map_or_else(|| "无数据".to_string(), |v| format!("{} {unit}", num(v)))
    };
    let desc = features
        .iter()
        .map(|f| {
            let name = value_of(f).map_or(f.name.as_str(), |v| if v.name.is_empty() { &f.name } else { &v.name });
            format!("{name}:{}", fmt_value(value_of(f).and_then(|v| v.value)))
        })
        .collect::<Vec<_>>()
        .join(";");
    let mut out = String::with_capacity(16384);
    open(&mut out, W, h, title, &desc);
    let _ = write!(
        out,
        r##"<defs><pattern id="{hatch}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect x="0" y="0" width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b0b0b0" stroke-width="2"/></pattern></defs>"##
    );
    heading(&mut out, 16.0, 26.0, title, W - 32.0);

    let mut labels = String::new();
    for f in &features {
        let v = value_of(f).and_then(|v| v.value).filter(|v| v.is_finite());
        let name =
            value_of(f).map_or(f.name.clone(), |m| if m.name.is_empty() { f.name.clone() } else { m.name.clone() });
        let (fill, dark) = match v {
            Some(v) => {
                let c = class_of(&classes, v);
                let colour = class_colour(c, classes.len(), lower_is_better);
                (colour.to_string(), colour == RAMP[3] || colour == RAMP[4])
            }
            None => (format!("url(#{hatch})"), false),
        };
        let _ = write!(
            out,
            r##"<path d="{}" fill="{fill}" fill-rule="evenodd" stroke="#ffffff" stroke-width="1.2" stroke-linejoin="round"><title>{}</title></path>"##,
            fit.path(f),
            esc(&format!("{name}:{}", fmt_value(v)))
        );
        fit.label(&mut labels, f, &name, dark);
    }
    out.push_str(&labels);

    // Legend.
    let lx = 16.0 + MAP_W + 24.0;
    let mut ly = TOP + 24.0;
    text(
        &mut out,
        lx,
        ly,
        "start",
        13.0,
        TEXT,
        &if unit.is_empty() { "图例".to_string() } else { format!("图例(单位:{unit})") },
    );
    ly += 12.0;
    let labels = class_labels(&classes);
    let ordered: Vec<usize> = (0..classes.len()).rev().collect();
    for c in ordered {
        rect(
            &mut out,
            lx,
            ly,
            22.0,
            16.0,
            class_colour(c, classes.len(), lower_is_better),
            r##" stroke="#9e9e9e" stroke-width="0.5""##,
        );
        text(&mut out, lx + 30.0, ly + 13.0, "start", 12.0, TEXT, &labels[c]);
        ly += 24.0;
    }
    rect(&mut out, lx, ly, 22.0, 16.0, &format!("url(#{hatch})"), r##" stroke="#9e9e9e" stroke-width="0.5""##);
    text(&mut out, lx + 30.0, ly + 13.0, "start", 12.0, TEXT, "无数据");
    ly += 34.0;
    let note =
        if lower_is_better { "数值越低越好,颜色越深越好" } else { "数值越高越好,颜色越深越好" };
    text(&mut out, lx, ly, "start", 11.0, MUTED, note);
    if classes.len() > 1 {
        text(&mut out, lx, ly + 16.0, "start", 11.0, MUTED, "区间含下限,不含上限");
    }
    out.push_str("</svg>");
    Ok(out)
}

/// Fills of the categorical map, in order of the categories (colour-blind-safe Tableau 10
/// hues); a category beyond them takes [`CATEGORY_OTHER`].
pub const CATEGORY_COLOURS: [&str; 9] =
    ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];
/// The fill of a category past the palette (the caller's 其他).
pub const CATEGORY_OTHER: &str = "#bab0ac";
/// The fill of an area in no category.
pub const CATEGORY_NONE: &str = "#e6e6e6";

/// The fill of category `i` (None: no category).
pub fn category_colour(i: Option<usize>) -> &'static str {
    match i {
        Some(i) => CATEGORY_COLOURS.get(i).copied().unwrap_or(CATEGORY_OTHER),
        None => CATEGORY_NONE,
    }
}

/// One district of a categorical map.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryArea {
    /// GB/T 2260 code (matched first) and name (matched when the code is not).
    pub code: String,
    pub name: String,
    /// Index into the categories, None when the district has none.
    pub category: Option<usize>,
    /// The tooltip and accessible name of the district.
    pub tooltip: String,
    /// Where a click on the district goes (a local path); None: not a link.
    pub href: Option<String>,
    /// Outlined as the district shown (drawn last, so its outline is whole).
    pub selected: bool,
}

/// The categorical mode of [`choropleth`]: districts filled by category (an industry), a
/// legend of the categories with their labels, districts without one light grey
/// (`none_label` in the legend). A district with an `href` is a link (`<a>` around its path,
/// reachable by keyboard), so the SVG has the role `group`, not `img`.
pub fn category_map(
    geojson: &str,
    areas: &[CategoryArea],
    categories: &[String],
    title: &str,
    none_label: &str,
) -> Result<String, ChartError> {
    let features = parse_features(geojson)?;
    let fit = Fit::new(&features);
    let area_of = |f: &Feature| -> Option<&CategoryArea> {
        areas
            .iter()
            .find(|a| !f.code.is_empty() && a.code == f.code)
            .or_else(|| areas.iter().find(|a| a.name == f.name))
    };
    let legend_rows = categories.len() + 1;
    let h = TOP + 16.0 + fit.map_h.max(40.0 + 24.0 * legend_rows as f64 + 40.0) + 8.0;
    let desc = features
        .iter()
        .map(|f| area_of(f).map_or_else(|| format!("{}:{none_label}", f.name), |a| a.tooltip.clone()))
        .collect::<Vec<_>>()
        .join(";");
    let mut out = String::with_capacity(16384);
    open_as(&mut out, W, h, title, &desc, "group");
    heading(&mut out, 16.0, 26.0, title, W - 32.0);
    let mut labels = String::new();
    let selected = |f: &Feature| area_of(f).is_some_and(|a| a.selected);
    let mut order: Vec<&Feature> = features.iter().filter(|f| !selected(f)).collect();
    order.extend(features.iter().filter(|f| selected(f)));
    for f in order {
        let area = area_of(f);
        let name = area.map_or(f.name.as_str(), |a| if a.name.is_empty() { &f.name } else { &a.name });
        let fill = category_colour(area.and_then(|a| a.category));
        let tip = area.map_or_else(|| format!("{name}:{none_label}"), |a| a.tooltip.clone());
        let (stroke, width) = if selected(f) { ("#1a1a1a", "3") } else { ("#ffffff", "1.2") };
        let path = format!(
            r##"<path d="{}" fill="{fill}" fill-rule="evenodd" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round"><title>{}</title></path>"##,
            fit.path(f),
            esc(&tip)
        );
        match area.and_then(|a| a.href.as_deref()) {
            Some(href) => {
                let _ = write!(out, r#"<a href="{}" aria-label="{}">{path}</a>"#, esc(href), esc(&tip));
            }
            None => out.push_str(&path),
        }
        fit.label(&mut labels, f, name, false);
    }
    out.push_str(&labels);

    let lx = 16.0 + MAP_W + 24.0;
    let mut ly = TOP + 24.0;
    text(&mut out, lx, ly, "start", 13.0, TEXT, "图例(主导产业)");
    ly += 12.0;
    for (i, c) in categories.iter().enumerate() {
        rect(&mut out, lx, ly, 22.0, 16.0, category_colour(Some(i)), r##" stroke="#9e9e9e" stroke-width="0.5""##);
        text(&mut out, lx + 30.0, ly + 13.0, "start", 12.0, TEXT, &crate::fmt::fit(c, W - lx - 40.0, 12.0));
        ly += 24.0;
    }
    rect(&mut out, lx, ly, 22.0, 16.0, CATEGORY_NONE, r##" stroke="#9e9e9e" stroke-width="0.5""##);
    text(&mut out, lx + 30.0, ly + 13.0, "start", 12.0, TEXT, none_label);
    ly += 34.0;
    text(&mut out, lx, ly, "start", 11.0, MUTED, "颜色为规划布局条数最多的产业");
    text(&mut out, lx, ly + 16.0, "start", 11.0, MUTED, "点击区县查看规划原文");
    out.push_str("</svg>");
    Ok(out)
}

/// A small trend line for a table cell (about 140 × 32): the actual values as a solid line
/// ending in a dot, the forecast dashed, the target as a red diamond at the deadline. The
/// full [`trend`] chart has the axes; this one only shows the shape, with the figures in its
/// `<title>` for screen readers and tooltips.
pub fn sparkline(points: &[SeriesPoint], forecast: &[SeriesPoint], target: Option<(f64, f64)>, label: &str) -> String {
    const W: f64 = 140.0;
    const H: f64 = 32.0;
    const PAD: f64 = 3.0;
    let all = points.iter().chain(forecast).map(|p| (p.time, p.value)).chain(target);
    let (mut t0, mut t1, mut v0, mut v1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for (t, v) in all.filter(|(t, v)| t.is_finite() && v.is_finite()) {
        t0 = t0.min(t);
        t1 = t1.max(t);
        v0 = v0.min(v);
        v1 = v1.max(v);
    }
    let summary = {
        let last = points
            .iter()
            .rev()
            .find(|p| p.value.is_finite())
            .map(|p| format!("{} {}", p.label, num(p.value)))
            .unwrap_or_else(|| "无数据".into());
        let goal = target.map(|(_, v)| format!(",目标 {}", num(v))).unwrap_or_default();
        format!("{label}:最新 {last}{goal}")
    };
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{s}"><title>{s}</title>"##,
        s = esc(&summary)
    );
    if t0.is_finite() && v0.is_finite() {
        let tspan = if t1 > t0 { t1 - t0 } else { 1.0 };
        let vspan = if v1 > v0 { v1 - v0 } else { 1.0 };
        let x = |t: f64| PAD + (t - t0) / tspan * (W - 2.0 * PAD);
        let y = |v: f64| H - PAD - (v - v0) / vspan * (H - 2.0 * PAD);
        let line = |pts: &[SeriesPoint]| -> String {
            pts.iter()
                .filter(|p| p.time.is_finite() && p.value.is_finite())
                .map(|p| format!("{:.1},{:.1}", x(p.time), y(p.value)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        if forecast.len() > 1 {
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="#ef6c00" stroke-width="1.5" stroke-dasharray="3 2"/>"##,
                line(forecast)
            );
        }
        if points.len() > 1 {
            let _ =
                write!(out, r##"<polyline points="{}" fill="none" stroke="#1e6fd9" stroke-width="2"/>"##, line(points));
        }
        if let Some(p) = points.last().filter(|p| p.time.is_finite() && p.value.is_finite()) {
            let _ = write!(out, r##"<circle cx="{:.1}" cy="{:.1}" r="2.5" fill="#1e6fd9"/>"##, x(p.time), y(p.value));
        }
        if let Some((t, v)) = target.filter(|(t, v)| t.is_finite() && v.is_finite()) {
            let (cx, cy) = (x(t), y(v));
            let _ = write!(
                out,
                r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="#c62828"/>"##,
                cx,
                cy - 3.5,
                cx + 3.5,
                cy,
                cx,
                cy + 3.5,
                cx - 3.5,
                cy
            );
        }
    }
    out.push_str("</svg>");
    out
}

// ───────────────────────────── tiered-cultivation funnel ─────────────────────────────

/// One rung of [`funnel`]: how many entries hold it or a higher one.
#[derive(Clone, Debug)]
pub struct FunnelStage {
    pub label: String,
    pub count: i64,
}

/// One quarter's transitions in [`funnel`].
#[derive(Clone, Debug)]
pub struct FunnelTransitions {
    pub period: String,
    pub entered: i64,
    pub promoted: i64,
    pub lost: i64,
}

const ENTERED: &str = "#2e7d32";
const PROMOTED: &str = "#1552a8";
const LOST: &str = "#c62828";

/// The tiered-cultivation funnel (梯度培育漏斗): on top, one centred bar per rung whose width
/// is the entries holding it or a higher one; below, the quarters' entries, promotions and
/// losses as grouped columns. Every bar carries its number as text, so the chart reads
/// without colour.
pub fn funnel(stages: &[FunnelStage], quarters: &[FunnelTransitions], title: &str) -> String {
    const W: f64 = 760.0;
    const ROW: f64 = 30.0;
    const BAR: f64 = 22.0;
    const TOP: f64 = 48.0;
    const PLOT_H: f64 = 170.0;
    let label_w = stages.iter().map(|s| text_width(&s.label, 13.0)).fold(60.0, f64::max).min(220.0) + 12.0;
    let x0 = 16.0 + label_w;
    let funnel_w = W - x0 - 16.0 - 70.0;
    let max_stage = stages.iter().map(|s| s.count).max().unwrap_or(0).max(1) as f64;
    let funnel_bottom = TOP + ROW * stages.len() as f64;
    let trans_top = funnel_bottom + 62.0;
    let h = if quarters.is_empty() { funnel_bottom + 20.0 } else { trans_top + PLOT_H + 44.0 };

    let mut desc: Vec<String> = stages.iter().map(|s| format!("{}及以上 {}", s.label, s.count)).collect();
    desc.extend(
        quarters.iter().map(|q| format!("{}:新入库 {},晋级 {},降级或出库 {}", q.period, q.entered, q.promoted, q.lost)),
    );
    let mut out = String::with_capacity(8192);
    open(&mut out, W, h, title, &desc.join(";"));
    heading(&mut out, 16.0, 26.0, title, W - 32.0);

    let cx = x0 + funnel_w / 2.0;
    for (i, s) in stages.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let w = s.count.max(0) as f64 / max_stage * funnel_w;
        let _ = write!(out, "<g><title>{}</title>", esc(&format!("{}及以上:{}", s.label, s.count)));
        text(&mut out, x0 - 10.0, y + BAR - 6.0, "end", 13.0, TEXT, &fit(&s.label, label_w - 10.0, 13.0));
        let shade = RAMP[(RAMP.len() - 1).min(1 + i * (RAMP.len() - 1) / stages.len().max(1))];
        if w > 0.0 {
            rect(&mut out, cx - (w / 2.0).max(1.0), y, w.max(2.0), BAR, shade, r#" rx="2""#);
        }
        text(&mut out, x0 + funnel_w + 8.0, y + BAR - 6.0, "start", 13.0, TEXT, &s.count.to_string());
        out.push_str("</g>");
    }
    if quarters.is_empty() {
        out.push_str("</svg>");
        return out;
    }

    // Transitions per quarter: grouped columns on a shared axis.
    text(&mut out, 16.0, trans_top - 30.0, "start", 14.0, TEXT, "各季度层级变动");
    let mut lx = 160.0;
    for (colour, label) in [(ENTERED, "新入库"), (PROMOTED, "晋级"), (LOST, "降级或出库")] {
        rect(&mut out, lx, trans_top - 42.0, 14.0, 14.0, colour, r#" rx="2""#);
        text(&mut out, lx + 19.0, trans_top - 30.0, "start", 12.0, TEXT, label);
        lx += 34.0 + text_width(label, 12.0);
    }
    let top_value = quarters.iter().map(|q| q.entered.max(q.promoted).max(q.lost)).max().unwrap_or(0).max(1) as f64;
    let (_, hi, step) = nice_ticks(0.0, top_value, 5);
    let px0 = 56.0;
    let plot_w = W - px0 - 16.0;
    let bottom = trans_top + PLOT_H;
    let sy = |v: f64| bottom - v / hi * PLOT_H;
    for v in tick_values(0.0, hi, step) {
        line(&mut out, (px0, sy(v)), (px0 + plot_w, sy(v)), GRID, 1.0, "");
        text(&mut out, px0 - 6.0, sy(v) + 4.0, "end", 11.0, MUTED, &num(v));
    }
    line(&mut out, (px0, bottom), (px0 + plot_w, bottom), AXIS, 1.0, "");
    let slot = plot_w / quarters.len() as f64;
    let col = (slot * 0.8 / 3.0).min(18.0);
    // Label every quarter when they fit, else every k-th.
    let every = ((text_width("2025Q4", 11.0) + 6.0) / slot).ceil().max(1.0) as usize;
    for (i, q) in quarters.iter().enumerate() {
        let left = px0 + slot * i as f64 + (slot - col * 3.0) / 2.0;
        let _ = write!(
            out,
            "<g><title>{}</title>",
            esc(&format!("{}:新入库 {},晋级 {},降级或出库 {}", q.period, q.entered, q.promoted, q.lost))
        );
        for (k, (v, colour)) in [(q.entered, ENTERED), (q.promoted, PROMOTED), (q.lost, LOST)].into_iter().enumerate() {
            let x = left + col * k as f64;
            let v = v.max(0) as f64;
            rect(&mut out, x, sy(v), col - 1.0, bottom - sy(v), colour, "");
            if v > 0.0 && col >= 9.0 {
                text(&mut out, x + col / 2.0, sy(v) - 3.0, "middle", 10.0, TEXT, &num(v));
            }
        }
        if i % every == 0 || i + 1 == quarters.len() {
            text(&mut out, px0 + slot * (i as f64 + 0.5), bottom + 16.0, "middle", 11.0, MUTED, &q.period);
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_funnel_draws_every_rung_and_quarter_with_its_numbers_escaped() {
        let stages = vec![
            FunnelStage { label: "入库".into(), count: 120 },
            FunnelStage { label: "专精特新\"小巨人\"<b>".into(), count: 7 },
        ];
        let quarters = vec![
            FunnelTransitions { period: "2025Q1".into(), entered: 30, promoted: 4, lost: 1 },
            FunnelTransitions { period: "2025Q2".into(), entered: 0, promoted: 0, lost: 0 },
        ];
        let svg = funnel(&stages, &quarters, "梯度培育漏斗");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("入库及以上 120"), "{svg}");
        assert!(svg.contains("2025Q1:新入库 30,晋级 4,降级或出库 1"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains(">2025Q2</text>"));
        // No quarters: the funnel alone; no entries at all: still a drawable chart.
        let alone = funnel(&stages, &[], "t");
        assert!(!alone.contains("各季度层级变动"));
        let empty = funnel(&[], &[], "t");
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn ticks_are_one_two_five() {
        assert_eq!(nice_ticks(0.0, 97.0, 6), (0.0, 100.0, 20.0));
        assert_eq!(nice_ticks(0.0, 7.3, 6), (0.0, 8.0, 2.0));
        assert_eq!(nice_ticks(12.0, 12.0, 6).2, 0.5);
        let (a, b, s) = nice_ticks(-3.0, 41.0, 6);
        assert!(a <= -3.0 && b >= 41.0 && s == 10.0);
    }

    #[test]
    fn quantiles() {
        let c = quantile_classes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!(c, vec![(1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0), (9.0, 10.0)]);
        let c = quantile_classes(&[1.0, 1.0, 1.0, 2.0]);
        assert_eq!(c, vec![(1.0, 1.0), (2.0, 2.0)]);
        assert!(quantile_classes(&[]).is_empty());
        assert_eq!(class_of(&c, 2.0), 1);
        assert_eq!(class_colour(0, 5, false), RAMP[0]);
        assert_eq!(class_colour(4, 5, false), RAMP[4]);
        assert_eq!(class_colour(0, 5, true), RAMP[4]);
        assert_eq!(class_colour(1, 2, false), RAMP[4]);
    }

    #[test]
    fn legend_ranges_meet_and_a_lone_value_is_itself() {
        let c = quantile_classes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!(class_labels(&c), vec!["1 – 3", "3 – 5", "5 – 7", "7 – 9", "9 – 10"]);
        // Repeated values: two classes that meet, no "1 – 1".
        let c = quantile_classes(&[1.0, 1.0, 1.0, 2.0]);
        assert_eq!(class_labels(&c), vec!["1 – 2", "2"]);
        assert_eq!(class_labels(&quantile_classes(&[4.5, 4.5])), vec!["4.5"]);
        assert!(class_labels(&[]).is_empty());
    }

    #[test]
    fn category_map_links_districts_fills_by_category_and_escapes() {
        let geo = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"1","name":"甲区"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
{"type":"Feature","properties":{"code":"2","name":"乙区"},"geometry":{"type":"Polygon","coordinates":[[[1,0],[2,0],[2,1],[1,0]]]}}]}"#;
        let areas = vec![CategoryArea {
            code: "1".into(),
            name: "甲区".into(),
            category: Some(1),
            tooltip: "甲区:<script>alert(1)</script>".into(),
            href: Some("/layout?region=合肥市&place=\"><script>".into()),
            selected: true,
        }];
        let svg = category_map(geo, &areas, &["集成电路".into(), "人工智能".into()], "布局", "无规划布局").unwrap();
        assert!(svg.contains(r#"role="group""#), "{svg}");
        assert_eq!(svg.matches("<a href=").count(), 1, "only the district with a link is one");
        assert!(svg.contains(&format!(r#"fill="{}""#, CATEGORY_COLOURS[1])));
        assert!(svg.contains(&format!(r#"fill="{CATEGORY_NONE}""#)), "乙区 has no category");
        assert!(svg.contains("乙区:无规划布局") && svg.contains("人工智能"));
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;") && svg.contains("&amp;place=&quot;"));
        assert_eq!(category_colour(Some(20)), CATEGORY_OTHER);
        assert_eq!(svg.matches(r##"stroke="#1a1a1a""##).count(), 1, "the selected district is outlined");
    }
}

//! Progress of one quantitative target: completion, time elapsed, status and forecasts.
//!
//! Everything here is pure arithmetic on `f64` and never panics: NaN, infinities, empty series
//! and degenerate targets all give the documented results below (see also
//! `docs/monitoring-formulas.md`, which is what users read).
//!
//! # Time axis
//!
//! Times are fractional years as given by [`Period::end_time`] (`2025Q1` → 2025.25). An
//! observation for a period is placed at the *end* of that period. A target runs from
//! [`TargetSpec::start`] (the end of the baseline year, or the start of the plan period) to
//! [`TargetSpec::deadline`] (the end of the target year).
//!
//! # Which observations count
//!
//! Only points with a finite time `≤ as_of` and a finite value are used; the others are
//! skipped as if they were missing. The series does not have to be sorted: the *current* value
//! is the point with the greatest such time (when two points share that time, the later one in
//! the slice wins). If no point qualifies (including when `as_of` is NaN) there is no current
//! value and the status is [`Status::NoData`].
//!
//! # Completion `c`
//!
//! Let `t` = target, `b` = baseline, `x` = current value. "Reached" means `x ≥ t` for
//! [`Direction::Higher`] and `x ≤ t` for [`Direction::Lower`].
//!
//! * With a baseline, when the target lies on the improving side of it (`t > b` for Higher,
//!   `t < b` for Lower): `c = (x − b)/(t − b)` ([`Basis::Baseline`]).
//! * With a baseline equal to the target, or a target on the *other* side of the baseline (a
//!   floor such as "保持在 t 以上" while the baseline is above it, or a ceiling such as
//!   "控制在 t 以内" while the baseline is below it): `c = 1` if reached, else `0`
//!   ([`Basis::Threshold`]).
//! * Without a baseline, Higher and `t > 0`: `c = x/t` ([`Basis::Ratio`]).
//! * Without a baseline, Lower, `t > 0` and `x > 0`: `c = t/x` ([`Basis::InverseRatio`]) — 1
//!   when the value is down to the target, ½ when it is still twice the target.
//! * Without a baseline otherwise (`t ≤ 0`, or Lower with `x ≤ 0`): threshold rule, 1 or 0.
//! * A NaN/infinite baseline is treated as no baseline (with a note); a NaN/infinite target
//!   gives no completion (status [`Status::NoData`], with a note). If a formula overflows to a
//!   non-finite number the threshold rule is used instead, so `completion` is always finite.
//!
//! `c` is not clamped: it can be negative (moved away from the target) or above 1.
//!
//! # Time elapsed `e`
//!
//! `e = clamp((as_of − start)/(deadline − start), 0, 1)`. When `deadline ≤ start` or either is
//! not finite, `e = 1` if `as_of ≥ deadline`, else `0` (with a note). NaN `as_of` gives `e = 0`.
//!
//! # Status
//!
//! In this order: [`Status::NoData`] when there is no completion; [`Status::Done`] when
//! `c ≥ 1`; [`Status::Ahead`] when `c ≥ e + ahead`; [`Status::Behind`] when `c < e − behind`;
//! otherwise [`Status::OnTrack`]. A NaN threshold makes its comparison false (never ahead /
//! never behind).
//!
//! # Forecasts
//!
//! Both fits use the same points as the current value (finite, time ≤ `as_of`) and need at least
//! two distinct times:
//!
//! * linear: least squares `y = a + s·t`;
//! * compound growth: least squares `ln y = a + s·t`, i.e. `y = exp(a)·exp(s·t)`, growth
//!   `exp(s) − 1` per year; only when every used value is `> 0`.
//!
//! The forecast is the fitted value at the deadline (also when the deadline is already past).
//! It is achieved when it reaches the target in the indicator's direction, with a relative
//! tolerance of [`FORECAST_TOLERANCE`] to absorb rounding (a series that exactly hits the target
//! must not read "差 0"). `gap = |target − forecast|`. If the fit or the forecast is not finite
//! (overflow), or the target is not finite, there is no forecast.

use crate::indicator::Direction;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Relative tolerance when deciding whether a forecast reaches the target:
/// `forecast ≥ target − FORECAST_TOLERANCE·max(1, |target|)` (mirrored for Lower).
pub const FORECAST_TOLERANCE: f64 = 1e-9;

/// Most points [`Fit::line_between`] returns, whatever it is asked for.
pub const MAX_LINE_POINTS: usize = 10_000;

/// One quantitative target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetSpec {
    /// The value to reach.
    pub target: f64,
    /// The value in the baseline year, when the plan gives one.
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub direction: Direction,
    /// Start on the year axis: the end of the baseline year, or the start of the plan period.
    pub start: f64,
    /// Deadline on the year axis: the end of the target year.
    pub deadline: f64,
}

impl TargetSpec {
    /// A target built from periods: `start` is the end of the baseline period when there is a
    /// baseline, else the start of `plan_start`; `deadline` is the end of `target_period`.
    pub fn from_periods(
        target: f64,
        baseline: Option<(Period, f64)>,
        direction: Direction,
        plan_start: Period,
        target_period: Period,
    ) -> TargetSpec {
        let start = match baseline {
            Some((p, _)) => p.end_time(),
            None => plan_start.start_time(),
        };
        TargetSpec { target, baseline: baseline.map(|(_, v)| v), direction, start, deadline: target_period.end_time() }
    }
}

/// Places observations on the time axis: each period at its [`Period::end_time`].
pub fn series_from_periods(points: &[(Period, f64)]) -> Vec<(f64, f64)> {
    points.iter().map(|&(p, v)| (p.end_time(), v)).collect()
}

/// How far completion may run ahead of / behind time elapsed before the status changes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Ahead when `completion ≥ elapsed + ahead`.
    pub ahead: f64,
    /// Behind when `completion < elapsed − behind`.
    pub behind: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { ahead: 0.10, behind: 0.10 }
    }
}

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 已完成: completion ≥ 1.
    Done,
    /// 超前: completion ≥ elapsed + ahead.
    Ahead,
    /// 正常.
    OnTrack,
    /// 滞后: completion < elapsed − behind.
    Behind,
    /// 无数据: no current value (or no valid target).
    NoData,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::Done, Status::Ahead, Status::OnTrack, Status::Behind, Status::NoData];

    /// The word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::Ahead => "超前",
            Status::OnTrack => "正常",
            Status::Behind => "滞后",
            Status::NoData => "无数据",
        }
    }

    /// The keyword used in files and the API (same as the serde form).
    pub fn key(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Ahead => "ahead",
            Status::OnTrack => "on_track",
            Status::Behind => "behind",
            Status::NoData => "no_data",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which formula gave the completion (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// `(current − baseline)/(target − baseline)`.
    Baseline,
    /// `current/target` (no baseline, Higher).
    Ratio,
    /// `target/current` (no baseline, Lower).
    InverseRatio,
    /// 1 when the target is reached, else 0.
    Threshold,
}

/// Notes shown to users when a rule other than the plain formula applied.
mod note {
    pub const BAD_TARGET: &str = "目标值无效(不是有限数字),无法计算完成度。";
    pub const BAD_BASELINE: &str = "基期值无效(不是有限数字),按无基期值计算完成度。";
    pub const TARGET_IS_BASELINE: &str = "目标值与基期值相同,完成度按是否达到目标值计(达到为1,未达到为0)。";
    pub const FLOOR: &str = "目标值低于基期值,视为底线目标(保持在目标值以上),完成度按是否达到计(达到为1,未达到为0)。";
    pub const CEILING: &str = "目标值高于基期值,视为上限目标(控制在目标值以内),完成度按是否达到计(达到为1,未达到为0)。";
    pub const NON_POSITIVE_TARGET: &str = "目标值不为正且没有基期值,完成度按是否达到目标值计(达到为1,未达到为0)。";
    pub const NON_POSITIVE_CURRENT: &str = "当前值不为正,已低于目标值,完成度计为1。";
    pub const OVERFLOW: &str = "数值过大,完成度按是否达到目标值计(达到为1,未达到为0)。";
    pub const BAD_SPAN: &str = "截止时间不晚于起始时间(或无效),时间进度按是否已到截止时间计(0或1)。";
}

/// Completion of `spec` at value `current`, with the formula used.
/// `None` when `current` or the target is not finite.
pub fn completion(spec: &TargetSpec, current: f64) -> Option<(f64, Basis)> {
    completion_noted(spec, current, &mut Vec::new())
}

fn completion_noted(spec: &TargetSpec, x: f64, notes: &mut Vec<&'static str>) -> Option<(f64, Basis)> {
    let t = spec.target;
    if !t.is_finite() {
        notes.push(note::BAD_TARGET);
        return None;
    }
    if !x.is_finite() {
        return None;
    }
    let reached = match spec.direction {
        Direction::Higher => x >= t,
        Direction::Lower => x <= t,
    };
    let threshold = (if reached { 1.0 } else { 0.0 }, Basis::Threshold);
    let baseline = match spec.baseline {
        Some(b) if b.is_finite() => Some(b),
        Some(_) => {
            notes.push(note::BAD_BASELINE);
            None
        }
        None => None,
    };
    let (c, basis) = match (baseline, spec.direction) {
        (Some(b), dir) => {
            if t == b {
                notes.push(note::TARGET_IS_BASELINE);
                return Some(threshold);
            }
            let improving = match dir {
                Direction::Higher => t > b,
                Direction::Lower => t < b,
            };
            if !improving {
                notes.push(if dir == Direction::Higher { note::FLOOR } else { note::CEILING });
                return Some(threshold);
            }
            ((x - b) / (t - b), Basis::Baseline)
        }
        (None, _) if t <= 0.0 => {
            notes.push(note::NON_POSITIVE_TARGET);
            return Some(threshold);
        }
        (None, Direction::Higher) => (x / t, Basis::Ratio),
        (None, Direction::Lower) if x <= 0.0 => {
            notes.push(note::NON_POSITIVE_CURRENT);
            return Some(threshold);
        }
        (None, Direction::Lower) => (t / x, Basis::InverseRatio),
    };
    if c.is_finite() {
        Some((c, basis))
    } else {
        notes.push(note::OVERFLOW);
        Some(threshold)
    }
}

/// Share of the time from `start` to `deadline` that has passed at `as_of`, in `[0, 1]`.
pub fn elapsed(start: f64, deadline: f64, as_of: f64) -> f64 {
    elapsed_noted(start, deadline, as_of, &mut Vec::new())
}

fn elapsed_noted(start: f64, deadline: f64, as_of: f64, notes: &mut Vec<&'static str>) -> f64 {
    if as_of.is_nan() {
        return 0.0;
    }
    let span = deadline - start;
    if start.is_finite() && span.is_finite() && span > 0.0 {
        // as_of = ±inf gives ±inf here, which the clamp turns into 1 or 0.
        return ((as_of - start) / span).clamp(0.0, 1.0);
    }
    notes.push(note::BAD_SPAN);
    if as_of >= deadline {
        1.0
    } else {
        0.0
    }
}

/// The status for a completion (None = no data) at time elapsed `elapsed`.
pub fn status(completion: Option<f64>, elapsed: f64, thresholds: &Thresholds) -> Status {
    match completion {
        None => Status::NoData,
        Some(c) if c >= 1.0 => Status::Done,
        Some(c) if c >= elapsed + thresholds.ahead => Status::Ahead,
        Some(c) if c < elapsed - thresholds.behind => Status::Behind,
        Some(_) => Status::OnTrack,
    }
}

/// Kind of forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Least squares straight line through the values.
    Linear,
    /// Least squares straight line through the logarithms of the values (constant growth rate).
    Compound,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::Linear => "linear",
            Method::Compound => "compound",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::Linear => "线性趋势",
            Method::Compound => "复合增长",
        }
    }
}

/// A fitted trend. Linear: `y(t) = y0 + slope·(t − t0)`; compound:
/// `y(t) = exp(y0 + slope·(t − t0))` where `y0` is the mean of `ln y` (so `exp(y0)` is the
/// geometric mean of the values) and `t0` the mean time of the points used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    pub method: Method,
    pub t0: f64,
    pub y0: f64,
    /// Per year: units of the value (linear) or of `ln value` (compound).
    pub slope: f64,
    /// Number of points fitted.
    pub points: usize,
}

impl Fit {
    /// The fitted value at time `t` (may be non-finite for absurd `t`).
    pub fn value_at(&self, t: f64) -> f64 {
        let z = self.y0 + self.slope * (t - self.t0);
        match self.method {
            Method::Linear => z,
            Method::Compound => z.exp(),
        }
    }

    /// Growth per year of a compound fit (`0.05` = 5 %); `None` for a linear fit.
    pub fn annual_rate(&self) -> Option<f64> {
        match self.method {
            Method::Linear => None,
            Method::Compound => Some(self.slope.exp_m1()),
        }
    }

    /// `(t, value)` at each of `times`, for a chart. Points whose value is not finite are left out.
    pub fn line(&self, times: &[f64]) -> Vec<(f64, f64)> {
        times.iter().map(|&t| (t, self.value_at(t))).filter(|(t, v)| t.is_finite() && v.is_finite()).collect()
    }

    /// `n` evenly spaced points from `from` to `to` inclusive (at most [`MAX_LINE_POINTS`]); empty
    /// when `from`/`to` are not finite or `n` is 0; one point at `from` when `n` is 1.
    pub fn line_between(&self, from: f64, to: f64, n: usize) -> Vec<(f64, f64)> {
        let n = n.min(MAX_LINE_POINTS);
        if !from.is_finite() || !to.is_finite() || n == 0 {
            return Vec::new();
        }
        if n == 1 {
            return self.line(&[from]);
        }
        let step = (to - from) / (n - 1) as f64;
        let times: Vec<f64> = (0..n).map(|i| if i == n - 1 { to } else { from + step * i as f64 }).collect();
        self.line(&times)
    }
}

/// The forecast of one method at the deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub fit: Fit,
    /// Forecast value at the deadline.
    pub value: f64,
    /// True when `value` reaches the target in the indicator's direction.
    pub achieved: bool,
    /// `|target − value|`.
    pub gap: f64,
    /// `预计达成` or `预计未达成,差 12.3`.
    pub verdict: String,
}

impl Forecast {
    /// Values of the fitted trend at `times`, for a chart.
    pub fn line(&self, times: &[f64]) -> Vec<(f64, f64)> {
        self.fit.line(times)
    }
}

/// Both forecasts; each is `None` when it cannot be made (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Forecasts {
    pub linear: Option<Forecast>,
    pub compound: Option<Forecast>,
}

/// Progress of one target at one date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// Latest value with time ≤ as_of.
    pub current: Option<f64>,
    /// Its time on the year axis.
    pub current_time: Option<f64>,
    /// Completion (finite, not clamped); None when there is no current value or no valid target.
    pub completion: Option<f64>,
    /// Which formula gave the completion.
    pub basis: Option<Basis>,
    /// Share of the time elapsed, in [0, 1].
    pub elapsed: f64,
    pub status: Status,
    /// `status.label()`, for convenience.
    pub status_label: &'static str,
    pub forecasts: Forecasts,
    /// Sentences for users explaining any special rule that applied (zh-CN).
    pub notes: Vec<&'static str>,
}

/// Online least squares (Welford-style co-moments, stable for times around 2025).
#[derive(Default, Clone, Copy)]
struct Lsq {
    n: usize,
    mt: f64,
    my: f64,
    ctt: f64,
    cty: f64,
}

impl Lsq {
    fn push(&mut self, t: f64, y: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dt = t - self.mt;
        self.mt += dt / n;
        self.my += (y - self.my) / n;
        self.ctt += dt * (t - self.mt);
        self.cty += dt * (y - self.my);
    }

    fn fit(&self, method: Method) -> Option<Fit> {
        // ctt > 0 exactly when at least two distinct times were pushed (0 when all times are equal).
        if self.n < 2 || self.ctt.is_nan() || self.ctt <= 0.0 {
            return None;
        }
        let slope = self.cty / self.ctt;
        let fit = Fit { method, t0: self.mt, y0: self.my, slope, points: self.n };
        (slope.is_finite() && fit.t0.is_finite() && fit.y0.is_finite()).then_some(fit)
    }
}

fn forecast(fit: Fit, spec: &TargetSpec) -> Option<Forecast> {
    let value = fit.value_at(spec.deadline);
    let t = spec.target;
    let gap = (t - value).abs();
    if !value.is_finite() || !gap.is_finite() {
        return None;
    }
    let tol = FORECAST_TOLERANCE * t.abs().max(1.0);
    let achieved = match spec.direction {
        Direction::Higher => value >= t - tol,
        Direction::Lower => value <= t + tol,
    };
    let verdict =
        if achieved { "预计达成".to_string() } else { format!("预计未达成,差 {}", format_number(gap)) };
    Some(Forecast { fit, value, achieved, gap, verdict })
}

/// Progress of `spec` at `as_of` from `series` (`(time, value)`, see the module documentation).
pub fn progress(spec: &TargetSpec, series: &[(f64, f64)], as_of: f64, thresholds: &Thresholds) -> Progress {
    let mut current: Option<(f64, f64)> = None;
    let mut linear = Lsq::default();
    let mut compound = Lsq::default();
    let mut all_positive = true;
    for &(t, y) in series {
        // `t <= as_of` is false for NaN on either side.
        if !(t.is_finite() && y.is_finite() && t <= as_of) {
            continue;
        }
        if current.is_none_or(|(ct, _)| t >= ct) {
            current = Some((t, y));
        }
        linear.push(t, y);
        if y > 0.0 {
            if all_positive {
                compound.push(t, y.ln());
            }
        } else {
            all_positive = false;
        }
    }

    let mut notes = Vec::new();
    let done = current.and_then(|(_, x)| completion_noted(spec, x, &mut notes));
    if current.is_none() && !spec.target.is_finite() {
        notes.push(note::BAD_TARGET);
    }
    let e = elapsed_noted(spec.start, spec.deadline, as_of, &mut notes);
    let c = done.map(|(c, _)| c);
    let st = status(c, e, thresholds);

    let forecasts = if spec.target.is_finite() && spec.deadline.is_finite() {
        Forecasts {
            linear: linear.fit(Method::Linear).and_then(|f| forecast(f, spec)),
            compound: if all_positive { compound.fit(Method::Compound).and_then(|f| forecast(f, spec)) } else { None },
        }
    } else {
        Forecasts::default()
    };

    Progress {
        current: current.map(|(_, y)| y),
        current_time: current.map(|(t, _)| t),
        completion: c,
        basis: done.map(|(_, b)| b),
        elapsed: e,
        status: st,
        status_label: st.label(),
        forecasts,
        notes,
    }
}

/// [`progress`] for many targets at the same date, in order.
pub fn progress_batch(items: &[(TargetSpec, &[(f64, f64)])], as_of: f64, thresholds: &Thresholds) -> Vec<Progress> {
    items.iter().map(|(spec, series)| progress(spec, series, as_of, thresholds)).collect()
}

/// A number as users read it: no exponent, no trailing zeros; 1 decimal from 100 up, 2 from 1
/// up, 3 significant digits below 1 (`12.3`, `1234.5`, `0.0123`, `5`). `—` when not finite.
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let a = x.abs();
    let decimals = if a >= 100.0 {
        1
    } else if a >= 1.0 {
        2
    } else if a == 0.0 {
        0
    } else {
        (2 - a.log10().floor() as i64).clamp(2, 12) as usize
    };
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(trimmed);
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Direction = Direction::Higher;
    const L: Direction = Direction::Lower;

    fn spec(target: f64, baseline: Option<f64>, direction: Direction) -> TargetSpec {
        // Plan 2021–2025: baseline at the end of 2020, deadline at the end of 2025.
        TargetSpec { target, baseline, direction, start: 2021.0, deadline: 2026.0 }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn completion_with_baseline() {
        let s = spec(200.0, Some(100.0), H);
        assert_eq!(completion(&s, 150.0), Some((0.5, Basis::Baseline)));
        assert_eq!(completion(&s, 90.0), Some((-0.1, Basis::Baseline)));
        // Lower: energy intensity from 0.5 down to 0.4; at 0.45 half done.
        let s = spec(0.4, Some(0.5), L);
        let (c, b) = completion(&s, 0.45).unwrap();
        assert!(close(c, 0.5) && b == Basis::Baseline, "{c}");
    }

    #[test]
    fn completion_without_baseline() {
        assert_eq!(completion(&spec(200.0, None, H), 150.0), Some((0.75, Basis::Ratio)));
        assert_eq!(completion(&spec(200.0, None, H), -50.0), Some((-0.25, Basis::Ratio)));
        // Lower without baseline: target/current.
        assert_eq!(completion(&spec(40.0, None, L), 80.0), Some((0.5, Basis::InverseRatio)));
        assert_eq!(completion(&spec(40.0, None, L), 40.0), Some((1.0, Basis::InverseRatio)));
        assert_eq!(completion(&spec(40.0, None, L), 0.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(40.0, None, L), -3.0), Some((1.0, Basis::Threshold)));
    }

    #[test]
    fn completion_threshold_cases() {
        // Target equals baseline.
        assert_eq!(completion(&spec(100.0, Some(100.0), H), 101.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(100.0, Some(100.0), H), 99.0), Some((0.0, Basis::Threshold)));
        assert_eq!(completion(&spec(100.0, Some(100.0), L), 99.0), Some((1.0, Basis::Threshold)));
        // Zero and negative targets without baseline.
        assert_eq!(completion(&spec(0.0, None, H), 0.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(0.0, None, H), -1.0), Some((0.0, Basis::Threshold)));
        assert_eq!(completion(&spec(0.0, None, L), 0.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(-5.0, None, H), -4.0), Some((1.0, Basis::Threshold)));
        // Ceiling (Lower, target above baseline) and floor (Higher, target below baseline).
        assert_eq!(completion(&spec(120.0, Some(100.0), L), 110.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(120.0, Some(100.0), L), 130.0), Some((0.0, Basis::Threshold)));
        assert_eq!(completion(&spec(90.0, Some(100.0), H), 95.0), Some((1.0, Basis::Threshold)));
        // Overflow falls back to the threshold rule.
        assert_eq!(completion(&spec(1e-300, None, H), 1e300), Some((1.0, Basis::Threshold)));
        // Invalid inputs.
        assert_eq!(completion(&spec(f64::NAN, None, H), 1.0), None);
        assert_eq!(completion(&spec(f64::INFINITY, None, H), 1.0), None);
        assert_eq!(completion(&spec(100.0, None, H), f64::NAN), None);
        assert_eq!(completion(&spec(200.0, Some(f64::NAN), H), 100.0), Some((0.5, Basis::Ratio)));
    }

    #[test]
    fn elapsed_rules() {
        assert_eq!(elapsed(2021.0, 2026.0, 2023.5), 0.5);
        assert_eq!(elapsed(2021.0, 2026.0, 2019.0), 0.0);
        assert_eq!(elapsed(2021.0, 2026.0, 2030.0), 1.0);
        assert_eq!(elapsed(2021.0, 2026.0, f64::INFINITY), 1.0);
        assert_eq!(elapsed(2021.0, 2026.0, f64::NEG_INFINITY), 0.0);
        assert_eq!(elapsed(2021.0, 2026.0, f64::NAN), 0.0);
        // Degenerate spans.
        assert_eq!(elapsed(2026.0, 2026.0, 2026.0), 1.0);
        assert_eq!(elapsed(2026.0, 2026.0, 2025.0), 0.0);
        assert_eq!(elapsed(2027.0, 2026.0, 2026.5), 1.0);
        assert_eq!(elapsed(f64::NAN, 2026.0, 2026.5), 1.0);
        assert_eq!(elapsed(2021.0, f64::NAN, 2026.5), 0.0);
    }

    #[test]
    fn statuses() {
        let th = Thresholds::default();
        assert_eq!(status(None, 0.5, &th), Status::NoData);
        assert_eq!(status(Some(1.0), 0.2, &th), Status::Done);
        assert_eq!(status(Some(0.6), 0.5, &th), Status::Ahead);
        assert_eq!(status(Some(0.59), 0.5, &th), Status::OnTrack);
        assert_eq!(status(Some(0.4), 0.5, &th), Status::OnTrack);
        assert_eq!(status(Some(0.39), 0.5, &th), Status::Behind);
        let nan = Thresholds { ahead: f64::NAN, behind: f64::NAN };
        assert_eq!(status(Some(0.0), 1.0, &nan), Status::OnTrack);
        assert_eq!(status(Some(0.99), 0.0, &nan), Status::OnTrack);
    }

    #[test]
    fn status_words_and_serde() {
        let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["已完成", "超前", "正常", "滞后", "无数据"]);
        for s in Status::ALL {
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.key()));
            assert_eq!(serde_json::from_str::<Status>(&format!("\"{}\"", s.key())).unwrap(), s);
        }
        assert_eq!(Status::OnTrack.key(), "on_track");
    }

    #[test]
    fn progress_end_to_end() {
        // 100 at the end of 2020; +10 a year; as of the end of 2023 (3/5 of the time).
        let s = spec(160.0, Some(100.0), H);
        let series = [(2022.0, 110.0), (2023.0, 120.0), (2024.0, 130.0), (2025.0, 140.0)];
        let p = progress(&s, &series, 2024.0, &Thresholds::default());
        assert_eq!(p.current, Some(130.0));
        assert_eq!(p.current_time, Some(2024.0));
        assert!(close(p.completion.unwrap(), 0.5));
        assert!(close(p.elapsed, 0.6));
        assert_eq!(p.status, Status::OnTrack);
        assert_eq!(p.status_label, "正常");
        assert!(p.notes.is_empty());
        let lin = p.forecasts.linear.as_ref().unwrap();
        assert!(close(lin.value, 150.0), "{}", lin.value);
        assert!(!lin.achieved);
        assert!(close(lin.gap, 10.0));
        assert_eq!(lin.verdict, "预计未达成,差 10");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["status"], "on_track");
        assert_eq!(json["forecasts"]["linear"]["fit"]["method"], "linear");
    }

    #[test]
    fn current_is_latest_not_after_as_of_and_skips_invalid_points() {
        let s = spec(200.0, None, H);
        // Unsorted, with invalid points.
        let series = [(2023.0, 120.0), (2022.0, 110.0), (f64::NAN, 500.0), (2023.5, f64::NAN), (2024.0, 190.0)];
        let p = progress(&s, &series, 2023.75, &Thresholds::default());
        assert_eq!(p.current, Some(120.0));
        assert_eq!(p.current_time, Some(2023.0));
        // Same time twice: the later one in the slice wins.
        let p = progress(&s, &[(2023.0, 1.0), (2023.0, 2.0)], 2024.0, &Thresholds::default());
        assert_eq!(p.current, Some(2.0));
        assert!(p.forecasts.linear.is_none(), "one distinct time gives no fit");
    }

    #[test]
    fn no_data() {
        let th = Thresholds::default();
        let s = spec(200.0, None, H);
        for (series, as_of) in [(&[][..], 2024.0), (&[(2025.0, 1.0)][..], 2024.0), (&[(2023.0, 1.0)][..], f64::NAN)] {
            let p = progress(&s, series, as_of, &th);
            assert_eq!(p.status, Status::NoData);
            assert_eq!(p.current, None);
            assert_eq!(p.completion, None);
            assert!(p.forecasts.linear.is_none() && p.forecasts.compound.is_none());
        }
        let p = progress(&spec(f64::NAN, None, H), &[(2023.0, 1.0), (2024.0, 2.0)], 2025.0, &th);
        assert_eq!(p.status, Status::NoData);
        assert_eq!(p.current, Some(2.0));
        assert!(p.notes.contains(&note::BAD_TARGET));
        assert!(p.forecasts.linear.is_none());
    }

    #[test]
    fn compound_forecast_on_geometric_series() {
        // Grows 10 % a year from 100 at 2021.0; deadline 2026.0 → 100·1.1^5 = 161.051.
        let s = spec(160.0, Some(100.0), H);
        let series: Vec<(f64, f64)> = (0..4).map(|k| (2021.0 + k as f64, 100.0 * 1.1f64.powi(k))).collect();
        let p = progress(&s, &series, 2024.0, &Thresholds::default());
        let c = p.forecasts.compound.as_ref().unwrap();
        assert!(close(c.value, 161.051), "{}", c.value);
        assert!(close(c.fit.annual_rate().unwrap(), 0.1));
        assert!(c.achieved);
        assert_eq!(c.verdict, "预计达成");
        let line = c.fit.line_between(2024.0, 2026.0, 3);
        assert_eq!(line.len(), 3);
        assert!(close(line[1].1, 100.0 * 1.1f64.powi(4)) && line[2].0 == 2026.0);
        assert!(c.line(&[f64::NAN, 2025.0]).len() == 1);
        // Linear underestimates a geometric series.
        assert!(p.forecasts.linear.as_ref().unwrap().value < c.value);
    }

    #[test]
    fn compound_needs_positive_values() {
        let s = spec(10.0, None, H);
        let p = progress(&s, &[(2022.0, 1.0), (2023.0, 0.0), (2024.0, 3.0)], 2025.0, &Thresholds::default());
        assert!(p.forecasts.compound.is_none());
        assert!(p.forecasts.linear.is_some());
    }

    #[test]
    fn forecast_direction_and_tolerance() {
        // Lower: falling 10 a year from 100; deadline value 100 − 10·5 = 50 ≤ 60.
        let s = spec(60.0, Some(100.0), L);
        let series = [(2022.0, 90.0), (2023.0, 80.0)];
        let p = progress(&s, &series, 2023.0, &Thresholds::default());
        let lin = p.forecasts.linear.unwrap();
        assert!(close(lin.value, 50.0) && lin.achieved && close(lin.gap, 10.0));
        // Exactly on target up to rounding counts as achieved: 0.1, 0.2, … reaches 0.6 at 2026.
        let s = TargetSpec { target: 0.6, baseline: None, direction: H, start: 2021.0, deadline: 2026.0 };
        let p = progress(&s, &[(2021.0, 0.1), (2022.0, 0.2), (2023.0, 0.3)], 2030.0, &Thresholds::default());
        let lin = p.forecasts.linear.unwrap();
        assert!(lin.achieved && lin.gap < 1e-12, "{lin:?}");
        assert_eq!(lin.verdict, "预计达成");
    }

    #[test]
    fn from_periods_uses_period_ends() {
        let s = TargetSpec::from_periods(
            500.0,
            Some((Period::Year(2020), 300.0)),
            H,
            Period::Year(2021),
            Period::Year(2025),
        );
        assert_eq!((s.start, s.deadline, s.baseline), (2021.0, 2026.0, Some(300.0)));
        let s = TargetSpec::from_periods(500.0, None, H, Period::Year(2021), Period::Year(2027));
        assert_eq!((s.start, s.deadline), (2021.0, 2028.0));
        let series = series_from_periods(&[(Period::Quarter(2025, 1), 1.0)]);
        assert_eq!(series, vec![(2025.25, 1.0)]);
    }

    #[test]
    fn batch_matches_single() {
        let s1 = spec(200.0, Some(100.0), H);
        let s2 = spec(40.0, None, L);
        let a = [(2022.0, 120.0), (2023.0, 150.0)];
        let b = [(2022.0, 60.0)];
        let th = Thresholds::default();
        let out = progress_batch(&[(s1, &a[..]), (s2, &b[..])], 2023.0, &th);
        assert_eq!(out, vec![progress(&s1, &a, 2023.0, &th), progress(&s2, &b, 2023.0, &th)]);
    }

    #[test]
    fn numbers_for_users() {
        for (x, want) in [
            (12.3, "12.3"),
            (12.345, "12.35"),
            (10.0, "10"),
            (1234.56, "1234.6"),
            (0.0123456, "0.0123"),
            (0.5, "0.5"),
            (0.0, "0"),
            (-0.0, "0"),
            (-3.5, "-3.5"),
            (1e-15, "0"),
            (f64::NAN, "—"),
        ] {
            assert_eq!(format_number(x), want, "{x}");
        }
    }

    #[test]
    fn never_panics_on_odd_inputs() {
        let odd = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 1e308, -1e308, 5e-324, 1.0, -1.0];
        let th = Thresholds::default();
        for &target in &odd {
            for &b in &odd {
                for dir in [H, L] {
                    for &x in &odd {
                        let s = TargetSpec { target, baseline: Some(b), direction: dir, start: b, deadline: target };
                        let series = [(2020.0, x), (2021.0, b), (x, target)];
                        for as_of in [2021.0, x] {
                            let p = progress(&s, &series, as_of, &th);
                            assert!(p.completion.is_none_or(f64::is_finite));
                            assert!((0.0..=1.0).contains(&p.elapsed));
                            for f in [&p.forecasts.linear, &p.forecasts.compound].into_iter().flatten() {
                                assert!(f.value.is_finite() && f.gap.is_finite());
                            }
                            serde_json::to_string(&p).unwrap();
                        }
                    }
                }
            }
        }
    }
}

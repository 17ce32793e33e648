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
//! A **level** target (`达到 t`, [`TargetSpec::increment`] false):
//!
//! * With a baseline, when the target lies on the improving side of it (`t > b` for Higher,
//!   `t < b` for Lower): `c = (x − b)/(t − b)` ([`Basis::Baseline`]).
//! * With a baseline equal to the target, or a target on the *other* side of the baseline (a
//!   floor such as "保持在 t 以上" while the baseline is above it, or a ceiling such as
//!   "控制在 t 以内" while the baseline is below it): `c = 1` if reached, else `0`
//!   ([`Basis::Threshold`]).
//! * Without a baseline there is no completion: `x/t` is not progress (a plan starting at 40
//!   with a target of 50 would read 80 % on day one). Reached gives `c = 1`
//!   ([`Basis::Threshold`], status [`Status::Done`]); otherwise no completion and the status is
//!   [`Status::NoBaseline`] (无基期值), never ahead or behind, with a note asking for the
//!   baseline.
//!
//! An **increment** target (`新增 N`, `累计新增 N`, [`TargetSpec::increment`] true) counts what
//! was added since the start: with `s` = the baseline, or else the value at the start (the
//! latest value at a time `≤` [`TargetSpec::start`]), `c = (x − s)/N` for Higher and
//! `(s − x)/N` for Lower ([`Basis::Increment`]), where `N` is the target. `N ≤ 0` gives the
//! threshold rule on the change (noted). Without `s` there is no completion
//! ([`Status::NoBaseline`], noted).
//!
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
//! In this order: [`Status::NoData`] when there is no current value or no valid target;
//! [`Status::NoBaseline`] when there is a current value but no completion for want of a
//! baseline; [`Status::Done`] when `c ≥ 1`; [`Status::Ahead`] when `c ≥ e + ahead`;
//! [`Status::Behind`] when `c < e − behind`; otherwise [`Status::OnTrack`]. A NaN threshold
//! makes its comparison false (never ahead / never behind).
//!
//! # Forecasts
//!
//! Both fits use the same points as the current value (finite, time ≤ `as_of`) and need at least
//! [`MIN_FORECAST_POINTS`] of them at two or more distinct times; with fewer there is no
//! forecast and [`Progress::forecast_note`] says why:
//!
//! * linear: least squares `y = a + s·t`;
//! * compound growth: least squares `ln y = a + s·t`, i.e. `y = exp(a)·exp(s·t)`, growth
//!   `exp(s) − 1` per year; only when every used value is `> 0`.
//!
//! The forecast is the fitted value at the deadline (also when the deadline is already past),
//! compared with the level to reach, `g`: the target for a level target, `s + N` (Higher) or
//! `s − N` (Lower) for an increment (no forecast without `s`). It is achieved when it reaches
//! `g` in the indicator's direction, with a relative tolerance of [`FORECAST_TOLERANCE`] to
//! absorb rounding (a series that exactly hits the target must not read "差 0").
//! `gap = |g − forecast|`. If the fit or the forecast is not finite (overflow), or the target is
//! not finite, there is no forecast.
//!
//! **Plausibility.** A forecast is 低可信度 ([`Forecast::plausible`] false, no verdict on
//! achievement) when it lies further from `g` than [`PLAUSIBLE_FACTOR`] times the change the
//! plan asks for, `span = max(|g − first|, |g − x|, 0.1·|g|)` (`first` = `s`, else the earliest
//! value used), or when it is negative while every value used is `≥ 0`. A compound projection of
//! 469 against a target of 30 is thus shown with its caveat, not as a bare number.

use crate::indicator::Direction;
use crate::period::Period;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Relative tolerance when deciding whether a forecast reaches the target:
/// `forecast ≥ target − FORECAST_TOLERANCE·max(1, |target|)` (mirrored for Lower).
pub const FORECAST_TOLERANCE: f64 = 1e-9;

/// Most points [`Fit::line_between`] returns, whatever it is asked for.
pub const MAX_LINE_POINTS: usize = 10_000;

/// Fewest values a forecast rests on.
pub const MIN_FORECAST_POINTS: usize = 3;

/// A forecast further from the level to reach than this many times the change the plan asks
/// for is 低可信度 (see the module documentation).
pub const PLAUSIBLE_FACTOR: f64 = 2.0;

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
    /// The target is an amount to add over the period (`新增 N`), not a level to reach.
    #[serde(default)]
    pub increment: bool,
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
        TargetSpec {
            target,
            baseline: baseline.map(|(_, v)| v),
            direction,
            start,
            deadline: target_period.end_time(),
            increment: false,
        }
    }

    /// The same target, as an increment (`新增 N`) or a level.
    pub fn with_increment(mut self, increment: bool) -> TargetSpec {
        self.increment = increment;
        self
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
    /// 无基期值: a current value, but no completion without a baseline (never ahead or behind).
    NoBaseline,
    /// 无数据: no current value (or no valid target).
    NoData,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Done, Status::Ahead, Status::OnTrack, Status::Behind, Status::NoBaseline, Status::NoData];

    /// The word shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Done => "已完成",
            Status::Ahead => "超前",
            Status::OnTrack => "正常",
            Status::Behind => "滞后",
            Status::NoBaseline => "无基期值",
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
            Status::NoBaseline => "no_baseline",
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
    /// `(current − start value)/N` for an increment of `N` (mirrored for Lower).
    Increment,
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
    pub const NO_BASELINE: &str =
        "无基期值:当前值与目标值之比不是完成进度,不计算完成度、不判断超前或滞后;请录入基期值(规划基期年的数值)。";
    pub const NO_BASELINE_REACHED: &str = "无基期值,但当前值已达到目标值,计为已完成。";
    pub const NO_START_VALUE: &str =
        "增量目标缺少期初值:既无基期值,也无规划期初及以前的数据,无法计算新增量;请录入基期值(规划基期年的数值)。";
    pub const START_FROM_DATA: &str = "增量目标:新增量从规划期初的实际值起算(无基期值)。";
    pub const NON_POSITIVE_INCREMENT: &str = "增量目标值不为正,完成度按新增量是否达到目标计(达到为1,未达到为0)。";
    pub const OVERFLOW: &str = "数值过大,完成度按是否达到目标值计(达到为1,未达到为0)。";
    pub const BAD_SPAN: &str = "截止时间不晚于起始时间(或无效),时间进度按是否已到截止时间计(0或1)。";
}

/// What the completion rules give.
enum Outcome {
    /// A completion and the formula used.
    Value(f64, Basis),
    /// A current value but no completion for want of a baseline (or start value).
    NoBaseline,
    /// No current value or no valid target.
    Invalid,
}

impl Outcome {
    fn value(&self) -> Option<(f64, Basis)> {
        match *self {
            Outcome::Value(c, b) => Some((c, b)),
            _ => None,
        }
    }
}

/// Completion of `spec` at value `current`, with the formula used. `None` when `current` or
/// the target is not finite, or when a level target has no baseline and is not reached (an
/// increment counts from its baseline here; [`progress`] also counts from the value at the
/// start).
pub fn completion(spec: &TargetSpec, current: f64) -> Option<(f64, Basis)> {
    completion_noted(spec, current, None, &mut Vec::new()).value()
}

fn completion_noted(spec: &TargetSpec, x: f64, start_value: Option<f64>, notes: &mut Vec<&'static str>) -> Outcome {
    let t = spec.target;
    if !t.is_finite() {
        notes.push(note::BAD_TARGET);
        return Outcome::Invalid;
    }
    if !x.is_finite() {
        return Outcome::Invalid;
    }
    let baseline = match spec.baseline {
        Some(b) if b.is_finite() => Some(b),
        Some(_) => {
            notes.push(note::BAD_BASELINE);
            None
        }
        None => None,
    };
    let threshold = |reached: bool| Outcome::Value(if reached { 1.0 } else { 0.0 }, Basis::Threshold);
    if spec.increment {
        let s = match (baseline, start_value.filter(|v| v.is_finite())) {
            (Some(b), _) => b,
            (None, Some(v)) => {
                notes.push(note::START_FROM_DATA);
                v
            }
            (None, None) => {
                notes.push(note::NO_START_VALUE);
                return Outcome::NoBaseline;
            }
        };
        let gain = match spec.direction {
            Direction::Higher => x - s,
            Direction::Lower => s - x,
        };
        if t <= 0.0 {
            notes.push(note::NON_POSITIVE_INCREMENT);
            return threshold(gain >= t);
        }
        let c = gain / t;
        if c.is_finite() {
            return Outcome::Value(c, Basis::Increment);
        }
        notes.push(note::OVERFLOW);
        return threshold(gain >= t);
    }
    let reached = match spec.direction {
        Direction::Higher => x >= t,
        Direction::Lower => x <= t,
    };
    let Some(b) = baseline else {
        if reached {
            notes.push(note::NO_BASELINE_REACHED);
            return threshold(true);
        }
        notes.push(note::NO_BASELINE);
        return Outcome::NoBaseline;
    };
    if t == b {
        notes.push(note::TARGET_IS_BASELINE);
        return threshold(reached);
    }
    let improving = match spec.direction {
        Direction::Higher => t > b,
        Direction::Lower => t < b,
    };
    if !improving {
        notes.push(if spec.direction == Direction::Higher { note::FLOOR } else { note::CEILING });
        return threshold(reached);
    }
    let c = (x - b) / (t - b);
    if c.is_finite() {
        Outcome::Value(c, Basis::Baseline)
    } else {
        notes.push(note::OVERFLOW);
        threshold(reached)
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
    /// `|goal − value|`, where the goal is the level to reach (see the module documentation).
    pub gap: f64,
    /// False when the forecast is 低可信度: far beyond the target, or negative for values that
    /// never are. Such a forecast gives no verdict on achievement and is not drawn.
    pub plausible: bool,
    /// `预计达成`, `预计未达成,差 12.3`, or the caveat of an implausible forecast.
    pub verdict: String,
}

impl Forecast {
    /// What the forecast rests on: `线性趋势,基于6个季度值` (`value_word` names the values,
    /// e.g. `季度值`; empty gives `6个值`).
    pub fn basis_label(&self, value_word: &str) -> String {
        let word = if value_word.is_empty() { "值" } else { value_word };
        format!("{},基于{}个{word}", self.fit.method.label(), self.fit.points)
    }

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

impl Forecasts {
    /// The forecast to draw and lead with: the linear one when plausible, else the compound
    /// one when plausible; `None` when neither is.
    pub fn primary(&self) -> Option<&Forecast> {
        [&self.linear, &self.compound].into_iter().flatten().find(|f| f.plausible)
    }
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
    /// Why there is no forecast (too few values, no start value), in zh-CN; `None` when one
    /// was attempted.
    pub forecast_note: Option<String>,
    /// The value an increment counts from: the baseline, or the value at the start.
    pub start_value: Option<f64>,
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

/// What a forecast is judged against: the level to reach, the value the plan's change is
/// measured from (for plausibility), and whether every value used is `≥ 0`.
struct Goal {
    level: f64,
    first: f64,
    current: f64,
    non_negative: bool,
}

fn forecast(fit: Fit, spec: &TargetSpec, goal: &Goal) -> Option<Forecast> {
    let value = fit.value_at(spec.deadline);
    let g = goal.level;
    let gap = (g - value).abs();
    if !value.is_finite() || !gap.is_finite() {
        return None;
    }
    let tol = FORECAST_TOLERANCE * g.abs().max(1.0);
    let achieved = match spec.direction {
        Direction::Higher => value >= g - tol,
        Direction::Lower => value <= g + tol,
    };
    let span = (g - goal.first).abs().max((g - goal.current).abs()).max(0.1 * g.abs());
    let negative = goal.non_negative && value < 0.0;
    let far = span.is_finite() && gap > PLAUSIBLE_FACTOR * span;
    let plausible = !negative && !far;
    let verdict = if negative {
        format!("低可信度:预测值 {} 为负,而实际值均不为负,不作研判", format_number(value))
    } else if far {
        format!(
            "低可信度:预测值 {} {}目标值 {},不作研判",
            format_number(value),
            if value > g { "远超" } else { "远低于" },
            format_number(g)
        )
    } else if achieved {
        "预计达成".to_string()
    } else {
        format!("预计未达成,差 {}", format_number(gap))
    };
    Some(Forecast { fit, value, achieved, gap, plausible, verdict })
}

/// Progress of `spec` at `as_of` from `series` (`(time, value)`, see the module documentation).
pub fn progress(spec: &TargetSpec, series: &[(f64, f64)], as_of: f64, thresholds: &Thresholds) -> Progress {
    let mut current: Option<(f64, f64)> = None;
    // The latest value at or before the start, and the earliest value used.
    let mut at_start: Option<(f64, f64)> = None;
    let mut earliest: Option<(f64, f64)> = None;
    let mut linear = Lsq::default();
    let mut compound = Lsq::default();
    let mut all_positive = true;
    let mut non_negative = true;
    for &(t, y) in series {
        // `t <= as_of` is false for NaN on either side.
        if !(t.is_finite() && y.is_finite() && t <= as_of) {
            continue;
        }
        if current.is_none_or(|(ct, _)| t >= ct) {
            current = Some((t, y));
        }
        if t <= spec.start + 1e-9 && at_start.is_none_or(|(st, _)| t >= st) {
            at_start = Some((t, y));
        }
        if earliest.is_none_or(|(et, _)| t < et) {
            earliest = Some((t, y));
        }
        non_negative &= y >= 0.0;
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
    let baseline = spec.baseline.filter(|b| b.is_finite());
    let start_value = if spec.increment { baseline.or(at_start.map(|(_, y)| y)) } else { None };
    let outcome = match current {
        Some((_, x)) => completion_noted(spec, x, at_start.map(|(_, y)| y), &mut notes),
        None => {
            if !spec.target.is_finite() {
                notes.push(note::BAD_TARGET);
            }
            Outcome::Invalid
        }
    };
    let e = elapsed_noted(spec.start, spec.deadline, as_of, &mut notes);
    let done = outcome.value();
    let c = done.map(|(c, _)| c);
    let st = match outcome {
        Outcome::NoBaseline => Status::NoBaseline,
        _ => status(c, e, thresholds),
    };

    // The level to reach: the target, or for an increment its start value plus the increment.
    let level = if spec.increment {
        start_value.map(|s| match spec.direction {
            Direction::Higher => s + spec.target,
            Direction::Lower => s - spec.target,
        })
    } else {
        Some(spec.target)
    };
    let mut forecast_note = None;
    let forecasts = match (current, level) {
        _ if !(spec.target.is_finite() && spec.deadline.is_finite()) => Forecasts::default(),
        (None, _) => Forecasts::default(),
        (Some(_), _) if linear.n < MIN_FORECAST_POINTS => {
            forecast_note = Some(format!("数据不足:仅有{}个有效值,至少需要{MIN_FORECAST_POINTS}个才作预测", linear.n));
            Forecasts::default()
        }
        (Some(_), None) => {
            forecast_note = Some("增量目标缺少期初值,无法判断预测能否达成,暂不预测".to_string());
            Forecasts::default()
        }
        (Some((_, x)), Some(level)) if level.is_finite() => {
            let goal = Goal {
                level,
                first: start_value.or(baseline).or(earliest.map(|(_, y)| y)).unwrap_or(x),
                current: x,
                non_negative,
            };
            Forecasts {
                linear: linear.fit(Method::Linear).and_then(|f| forecast(f, spec, &goal)),
                compound: if all_positive {
                    compound.fit(Method::Compound).and_then(|f| forecast(f, spec, &goal))
                } else {
                    None
                },
            }
        }
        _ => Forecasts::default(),
    };
    let attempted = current.is_some() && spec.target.is_finite() && spec.deadline.is_finite();
    if attempted && forecast_note.is_none() && forecasts.linear.is_none() && forecasts.compound.is_none() {
        forecast_note = Some("数据不足:有效值集中在同一期,无法拟合趋势,暂不预测".to_string());
    }

    Progress {
        current: current.map(|(_, y)| y),
        current_time: current.map(|(t, _)| t),
        completion: c,
        basis: done.map(|(_, b)| b),
        elapsed: e,
        status: st,
        status_label: st.label(),
        forecasts,
        forecast_note,
        start_value,
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
        TargetSpec { target, baseline, direction, start: 2021.0, deadline: 2026.0, increment: false }
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
    fn completion_without_baseline_is_none_unless_reached() {
        // current ÷ target is not progress: no completion, whatever the direction.
        assert_eq!(completion(&spec(200.0, None, H), 150.0), None);
        assert_eq!(completion(&spec(200.0, None, H), -50.0), None);
        assert_eq!(completion(&spec(40.0, None, L), 80.0), None);
        // Reached is known without a baseline.
        assert_eq!(completion(&spec(200.0, None, H), 200.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(40.0, None, L), 40.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(40.0, None, L), -3.0), Some((1.0, Basis::Threshold)));
    }

    #[test]
    fn completion_threshold_cases() {
        // Target equals baseline.
        assert_eq!(completion(&spec(100.0, Some(100.0), H), 101.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(100.0, Some(100.0), H), 99.0), Some((0.0, Basis::Threshold)));
        assert_eq!(completion(&spec(100.0, Some(100.0), L), 99.0), Some((1.0, Basis::Threshold)));
        // Zero and negative targets without baseline: reached or no completion.
        assert_eq!(completion(&spec(0.0, None, H), 0.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(0.0, None, H), -1.0), None);
        assert_eq!(completion(&spec(0.0, None, L), 0.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(-5.0, None, H), -4.0), Some((1.0, Basis::Threshold)));
        // Ceiling (Lower, target above baseline) and floor (Higher, target below baseline).
        assert_eq!(completion(&spec(120.0, Some(100.0), L), 110.0), Some((1.0, Basis::Threshold)));
        assert_eq!(completion(&spec(120.0, Some(100.0), L), 130.0), Some((0.0, Basis::Threshold)));
        assert_eq!(completion(&spec(90.0, Some(100.0), H), 95.0), Some((1.0, Basis::Threshold)));
        // Overflow falls back to the threshold rule.
        assert_eq!(completion(&spec(f64::MAX, Some(-f64::MAX), H), f64::MAX), Some((1.0, Basis::Threshold)));
        // Invalid inputs.
        assert_eq!(completion(&spec(f64::NAN, None, H), 1.0), None);
        assert_eq!(completion(&spec(f64::INFINITY, None, H), 1.0), None);
        assert_eq!(completion(&spec(100.0, None, H), f64::NAN), None);
        // A NaN baseline is no baseline.
        assert_eq!(completion(&spec(200.0, Some(f64::NAN), H), 100.0), None);
    }

    #[test]
    fn level_target_without_baseline_is_no_baseline_and_never_ahead() {
        let th = Thresholds::default();
        // Target 50; 40 at a fifth of the period: 40 ÷ 50 = 80 % used to read 超前.
        let s = spec(50.0, None, H);
        let series = [(2021.5, 38.0), (2021.75, 39.0), (2022.0, 40.0)];
        let p = progress(&s, &series, 2022.0, &th);
        assert_eq!(p.status, Status::NoBaseline);
        assert_eq!(p.status_label, "无基期值");
        assert_eq!((p.completion, p.basis, p.current), (None, None, Some(40.0)));
        assert!(p.notes.contains(&note::NO_BASELINE), "{:?}", p.notes);
        assert_eq!(serde_json::to_value(&p).unwrap()["status"], "no_baseline");
        // Lower without baseline likewise (target/current was 0.5 here).
        let p = progress(&spec(40.0, None, L), &[(2022.0, 80.0)], 2022.0, &th);
        assert_eq!((p.status, p.completion), (Status::NoBaseline, None));
        // Reached is 已完成 even without a baseline.
        let p = progress(&s, &[(2022.0, 55.0)], 2022.0, &th);
        assert_eq!((p.status, p.completion), (Status::Done, Some(1.0)));
        assert!(p.notes.contains(&note::NO_BASELINE_REACHED));
        // With the baseline entered the same figures are judged: (40 − 30)/(50 − 30) = 0.5 at 0.2.
        let p = progress(&spec(50.0, Some(30.0), H), &series, 2022.0, &th);
        assert_eq!((p.status, p.completion), (Status::Ahead, Some(0.5)));
    }

    #[test]
    fn increment_counts_from_the_start_of_the_period() {
        let th = Thresholds::default();
        // 新增500家: 1000 at the end of 2020 (the start), 1250 at the end of 2023.
        let s = spec(500.0, None, H).with_increment(true);
        let series = [(2021.0, 1000.0), (2022.0, 1080.0), (2023.0, 1170.0), (2024.0, 1250.0)];
        let p = progress(&s, &series, 2024.0, &th);
        assert_eq!(p.start_value, Some(1000.0));
        assert!(close(p.completion.unwrap(), 0.5), "{:?}", p.completion);
        assert_eq!(p.basis, Some(Basis::Increment));
        assert_eq!(p.status, Status::OnTrack, "0.5 done at 0.6 of the time is within 0.1: {p:?}");
        assert!(p.notes.contains(&note::START_FROM_DATA));
        // As a level, 1250 ÷ 500 would have read 已完成 (250 %).
        assert_eq!(completion(&spec(500.0, None, H), 1250.0), Some((1.0, Basis::Threshold)));
        // The forecast is judged against start + N = 1500.
        let lin = p.forecasts.linear.as_ref().unwrap();
        assert!(lin.plausible && !lin.achieved, "{lin:?}");
        assert!(close(lin.gap, 1500.0 - lin.value));
        // A stated baseline wins over the data.
        let p = progress(&spec(500.0, Some(900.0), H).with_increment(true), &series, 2024.0, &th);
        assert_eq!(p.start_value, Some(900.0));
        assert!(close(p.completion.unwrap(), 0.7));
        // No baseline and no value at or before the start: no completion, no forecast.
        let p = progress(&s, &series[1..], 2024.0, &th);
        assert_eq!((p.status, p.completion, p.start_value), (Status::NoBaseline, None, None));
        assert!(p.notes.contains(&note::NO_START_VALUE));
        assert!(p.forecasts.linear.is_none() && p.forecast_note.as_deref().unwrap().contains("期初值"));
        // Lower: 减少 20 from 100; at 90 half done.
        let p = progress(&spec(20.0, Some(100.0), L).with_increment(true), &[(2023.0, 90.0)], 2023.0, &th);
        assert!(close(p.completion.unwrap(), 0.5));
    }

    #[test]
    fn implausible_compound_forecast_is_capped_with_its_caveat() {
        let th = Thresholds::default();
        // Doubling every quarter towards a target of 30: compound growth lands in the thousands.
        let s = spec(30.0, None, H);
        let series = [(2021.25, 1.0), (2021.5, 2.0), (2021.75, 4.0), (2022.0, 8.0), (2022.25, 10.0), (2022.5, 12.0)];
        let p = progress(&s, &series, 2022.5, &th);
        let c = p.forecasts.compound.as_ref().unwrap();
        assert!(c.value > 1000.0, "{}", c.value);
        assert!(!c.plausible);
        assert!(c.verdict.starts_with("低可信度") && c.verdict.contains("远超目标值 30"), "{}", c.verdict);
        assert_eq!(c.basis_label("季度值"), "复合增长,基于6个季度值");
        // The linear trend stays plausible and leads.
        let lin = p.forecasts.linear.as_ref().unwrap();
        assert!(lin.plausible, "{lin:?}");
        assert_eq!(p.forecasts.primary(), Some(lin));
        assert_eq!(lin.basis_label("季度值"), "线性趋势,基于6个季度值");
        assert_eq!(lin.basis_label(""), "线性趋势,基于6个值");
        // A count whose trend runs below zero: the forecast is not believed either.
        let p = progress(&spec(10.0, Some(100.0), L), &[(2021.0, 90.0), (2022.0, 50.0), (2023.0, 10.0)], 2023.0, &th);
        let lin = p.forecasts.linear.as_ref().unwrap();
        assert!(lin.value < 0.0 && !lin.plausible && lin.verdict.contains("为负"), "{lin:?}");
        assert!(p.forecasts.primary().is_none_or(|f| f.plausible));
    }

    #[test]
    fn fewer_than_three_values_give_no_forecast_and_say_so() {
        let th = Thresholds::default();
        let p = progress(&spec(200.0, Some(100.0), H), &[(2022.0, 110.0), (2023.0, 120.0)], 2023.0, &th);
        assert!(p.forecasts.linear.is_none() && p.forecasts.compound.is_none());
        assert_eq!(p.forecast_note.as_deref(), Some("数据不足:仅有2个有效值,至少需要3个才作预测"));
        let p =
            progress(&spec(200.0, Some(100.0), H), &[(2022.0, 110.0), (2023.0, 120.0), (2024.0, 130.0)], 2024.0, &th);
        assert!(p.forecasts.linear.is_some() && p.forecast_note.is_none());
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
        assert_eq!(labels, ["已完成", "超前", "正常", "滞后", "无基期值", "无数据"]);
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
        let series = [(2021.0, 100.0), (2022.0, 90.0), (2023.0, 80.0)];
        let p = progress(&s, &series, 2023.0, &Thresholds::default());
        let lin = p.forecasts.linear.unwrap();
        assert!(close(lin.value, 50.0) && lin.achieved && close(lin.gap, 10.0));
        // Exactly on target up to rounding counts as achieved: 0.1, 0.2, … reaches 0.6 at 2026.
        let s =
            TargetSpec { target: 0.6, baseline: None, direction: H, start: 2021.0, deadline: 2026.0, increment: false };
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
                        for increment in [false, true] {
                            let s = TargetSpec {
                                target,
                                baseline: Some(b),
                                direction: dir,
                                start: b,
                                deadline: target,
                                increment,
                            };
                            let series = [(2020.0, x), (2021.0, b), (x, target), (2022.0, x)];
                            for as_of in [2021.0, x, 2023.0] {
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
}

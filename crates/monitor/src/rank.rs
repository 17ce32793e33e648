//! Composite indices and rankings of places: fixed weights, or entropy weights + TOPSIS.
//!
//! Pure computation that never panics; every edge case has a documented result (see also
//! `docs/monitoring-formulas.md`, which is what users read, with a worked example).
//!
//! # Normalisation
//!
//! Over the places that are ranked, per indicator `j`:
//! `r_ij = (x_ij − min_j)/(max_j − min_j)` for [`Direction::Higher`] and
//! `r_ij = (max_j − x_ij)/(max_j − min_j)` for [`Direction::Lower`], so `r ∈ [0, 1]` and 1 is
//! best. A constant indicator (`max_j = min_j`) gives `r_ij = 1` for every place.
//!
//! # Methods
//!
//! * [`Method::Fixed`]: `score_i = Σ_j w_j r_ij / Σ_j w_j`. Weights must be finite and `≥ 0`,
//!   one per indicator, not all 0 (else [`RankError`]).
//! * [`Method::EntropyTopsis`]: `p_ij = r_ij / Σ_i r_ij`;
//!   `e_j = −(1/ln m) Σ_i p_ij ln p_ij` with `0·ln 0 = 0` (clamped to `[0, 1]` against
//!   rounding); `w_j = (1 − e_j)/Σ_k (1 − e_k)`; `v_ij = w_j r_ij`; `D⁺_i` / `D⁻_i` = Euclidean
//!   distance of row `i` of `v` to the column maxima / minima of `v`;
//!   `score_i = D⁻_i/(D⁺_i + D⁻_i)`.
//!
//! # Edge cases
//!
//! * NaN/infinite values are missing values (counted in a note).
//! * Missing values, [`MissingPolicy::Exclude`] (default): a place missing any indicator is not
//!   ranked; it is listed in [`Ranking::unranked`] with the codes of what it misses. `min`/`max`
//!   are taken over the ranked places only.
//! * Missing values, [`MissingPolicy::ImputeMean`]: `min`/`max` over the values present; a missing
//!   `r_ij` is the mean of the present `r` of that indicator among the ranked places. A place
//!   missing every indicator is not ranked. An indicator with no value at all is treated as
//!   constant (`r = 1`).
//! * Constant indicator: `r = 1`, `e_j = 1`, `w_j = 0` under entropy weights; a note says it does
//!   not discriminate. Under fixed weights it adds the same amount to every score.
//! * Every indicator constant (so `Σ_k (1 − e_k) = 0`), or `Σ_i r_ij = 0`: `e_j = 1`; if no
//!   weight can be derived the weights fall back to equal (`1/n`), noted. Every place then
//!   scores 1.
//! * One ranked place (`ln m = 0`): every indicator is constant; the place scores 1, noted.
//! * `D⁺ + D⁻ = 0` (only when every weighted indicator is constant): score 1 — the place *is*
//!   the ideal solution, consistent with `r = 1` for constant indicators and with fixed weights.
//! * No ranked place: empty ranking, noted; weights as for all-constant indicators.
//! * No indicators: [`RankError::NoIndicators`]. Duplicate place or indicator codes, or a value
//!   table of the wrong size, are errors too.
//! * Scores are clamped to `[0, 1]` against rounding.
//! * Ties: standard competition ranking (1, 1, 3). Places are sorted by score, descending (input
//!   order among equal scores); a place ties with the group above it when its score is within
//!   [`TIE_EPSILON`] of the group's first (highest) score.

use crate::indicator::Direction;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Scores closer than this to the first score of a tie group share its rank.
pub const TIE_EPSILON: f64 = 1e-12;

/// One indicator of the composite index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Stable code, used in [`Unranked::missing`].
    pub code: String,
    /// Name shown to users in notes and reasons (the code when empty).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub direction: Direction,
}

impl Column {
    pub fn new(code: impl Into<String>, name: impl Into<String>, direction: Direction) -> Column {
        Column { code: code.into(), name: name.into(), direction }
    }

    fn display(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.code
        } else {
            &self.name
        }
    }
}

/// `m` places × `n` indicators, values row-major: the value of place `i` for indicator `j` is
/// `values[i * n + j]`. `None`, NaN and ±inf are missing values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankInput {
    pub places: Vec<String>,
    pub columns: Vec<Column>,
    pub values: Vec<Option<f64>>,
}

impl RankInput {
    /// Checks that `values` has `places.len() × columns.len()` entries.
    pub fn new(places: Vec<String>, columns: Vec<Column>, values: Vec<Option<f64>>) -> Result<RankInput, RankError> {
        let input = RankInput { places, columns, values };
        input.check_shape()?;
        Ok(input)
    }

    /// From one row per place, each with one value per indicator.
    pub fn from_rows(
        places: Vec<String>,
        columns: Vec<Column>,
        rows: Vec<Vec<Option<f64>>>,
    ) -> Result<RankInput, RankError> {
        if rows.len() != places.len() {
            return Err(RankError::Shape {
                places: places.len(),
                columns: columns.len(),
                expected: places.len().saturating_mul(columns.len()),
                actual: rows.iter().map(Vec::len).sum(),
            });
        }
        if let Some((i, row)) = rows.iter().enumerate().find(|(_, r)| r.len() != columns.len()) {
            return Err(RankError::RowLength { place: places[i].clone(), expected: columns.len(), actual: row.len() });
        }
        RankInput::new(places, columns, rows.into_iter().flatten().collect())
    }

    /// The value of place `i` for indicator `j` when it is present and finite.
    pub fn value(&self, i: usize, j: usize) -> Option<f64> {
        let n = self.columns.len();
        if j >= n {
            return None;
        }
        self.values.get(i.checked_mul(n)?.checked_add(j)?).copied().flatten().filter(|v| v.is_finite())
    }

    fn check_shape(&self) -> Result<(), RankError> {
        let (m, n) = (self.places.len(), self.columns.len());
        match m.checked_mul(n) {
            Some(expected) if expected == self.values.len() => Ok(()),
            expected => Err(RankError::Shape {
                places: m,
                columns: n,
                expected: expected.unwrap_or(usize::MAX),
                actual: self.values.len(),
            }),
        }
    }
}

/// How the composite score is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// One weight per indicator (finite, ≥ 0, not all 0); normalised to sum to 1.
    Fixed(Vec<f64>),
    /// Entropy weights, then TOPSIS.
    EntropyTopsis,
}

/// [`Method`] without its data, for the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodKind {
    Fixed,
    EntropyTopsis,
}

impl MethodKind {
    pub fn label(self) -> &'static str {
        match self {
            MethodKind::Fixed => "固定权重",
            MethodKind::EntropyTopsis => "熵权TOPSIS",
        }
    }
}

/// What to do with a place that lacks some indicator values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Do not rank it; list it as unranked with the codes of what it misses.
    #[default]
    Exclude,
    /// Use the mean of the normalised values of the other places for that indicator.
    ImputeMean,
}

impl MissingPolicy {
    pub fn label(self) -> &'static str {
        match self {
            MissingPolicy::Exclude => "缺项不排名",
            MissingPolicy::ImputeMean => "缺项按均值填补",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankError {
    #[error("数据大小不符:{places}个地区×{columns}个指标应有{expected}个数值,实际有{actual}个。")]
    Shape { places: usize, columns: usize, expected: usize, actual: usize },
    #[error("地区“{place}”应有{expected}个指标数值,实际有{actual}个。")]
    RowLength { place: String, expected: usize, actual: usize },
    #[error("没有指标,请至少选择一个指标。")]
    NoIndicators,
    #[error("权重个数({weights})与指标个数({columns})不一致。")]
    WeightCount { weights: usize, columns: usize },
    #[error("指标“{indicator}”的权重“{weight}”无效:权重应为不小于0的数字。")]
    BadWeight { indicator: String, weight: f64 },
    #[error("权重全部为0,无法计算综合得分。")]
    ZeroWeights,
    #[error("地区“{0}”重复出现。")]
    DuplicatePlace(String),
    #[error("指标“{0}”重复出现。")]
    DuplicateIndicator(String),
}

/// Per indicator: its weight and, for entropy weights, its entropy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub code: String,
    pub name: String,
    pub direction: Direction,
    /// Normalised weight (the weights sum to 1).
    pub weight: f64,
    /// `e_j` (entropy method only).
    pub entropy: Option<f64>,
    /// Smallest and largest value among the ranked places (None when no value).
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// False for constant indicators and indicators without any value.
    pub discriminates: bool,
    /// Number of values imputed ([`MissingPolicy::ImputeMean`]).
    pub imputed: usize,
}

/// One ranked place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceResult {
    pub place: String,
    /// In `[0, 1]`, larger is better.
    pub score: f64,
    /// Competition rank, 1 = best.
    pub rank: usize,
    /// Distance to the positive ideal (entropy method only).
    pub d_plus: Option<f64>,
    /// Distance to the negative ideal (entropy method only).
    pub d_minus: Option<f64>,
    /// `r_ij` for every indicator, in column order (imputed values included).
    pub normalized: Vec<f64>,
    /// Codes of the indicators whose value was imputed.
    pub imputed: Vec<String>,
}

/// A place that could not be ranked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unranked {
    pub place: String,
    /// Codes of the missing indicators.
    pub missing: Vec<String>,
    /// Why, for users (zh-CN).
    pub reason: String,
}

/// The result of [`rank`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    pub method: MethodKind,
    pub missing_policy: MissingPolicy,
    /// In column order.
    pub indicators: Vec<IndicatorResult>,
    /// Ranked places, best first (input order among equal scores).
    pub places: Vec<PlaceResult>,
    /// Places not ranked, in input order.
    pub unranked: Vec<Unranked>,
    /// Sentences for users about the rules that applied (zh-CN).
    pub notes: Vec<String>,
}

/// How a place's rank moved since a previous ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankChange {
    pub place: String,
    pub rank: usize,
    /// None when the place was not ranked before.
    pub previous_rank: Option<usize>,
    /// `previous_rank − rank`: positive = moved up. None when not ranked before.
    pub change: Option<i64>,
}

/// Weights normalised to sum to 1, or the reason they are unusable.
fn normalise_weights(weights: &[f64], columns: &[Column]) -> Result<Vec<f64>, RankError> {
    if weights.len() != columns.len() {
        return Err(RankError::WeightCount { weights: weights.len(), columns: columns.len() });
    }
    if let Some((c, &w)) = columns.iter().zip(weights).find(|(_, w)| !w.is_finite() || **w < 0.0) {
        return Err(RankError::BadWeight { indicator: c.display().to_string(), weight: w });
    }
    // Divide by the largest first so that the sum cannot overflow.
    let max = weights.iter().fold(0.0f64, |a, &w| a.max(w));
    if max <= 0.0 {
        return Err(RankError::ZeroWeights);
    }
    let sum: f64 = weights.iter().map(|w| w / max).sum();
    Ok(weights.iter().map(|w| w / max / sum).collect())
}

/// `r` for value `x` of an indicator ranging over `[lo, hi]` (1 when the range is empty).
fn normalise(x: f64, lo: f64, hi: f64, direction: Direction) -> f64 {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return 1.0;
    }
    let (num, den) = match direction {
        Direction::Higher => (x - lo, hi - lo),
        Direction::Lower => (hi - x, hi - lo),
    };
    let r = if den.is_finite() {
        num / den
    } else {
        // The range overflows (values near ±f64::MAX): halving is exact, so compute on halves.
        match direction {
            Direction::Higher => (x / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0),
            Direction::Lower => (hi / 2.0 - x / 2.0) / (hi / 2.0 - lo / 2.0),
        }
    };
    r.clamp(0.0, 1.0)
}

/// `p_i = r_i / Σ r`; None when `Σ r` is not positive and finite.
fn proportions(col: &[f64]) -> Option<impl Iterator<Item = f64> + '_> {
    let s: f64 = col.iter().sum();
    (s > 0.0 && s.is_finite()).then(move || col.iter().map(move |r| r / s))
}

/// `e = −(1/ln k) Σ p ln p` (0·ln 0 = 0), clamped to `[0, 1]`; 1 when `k < 2` or `Σ r = 0`.
fn entropy(col: &[f64]) -> f64 {
    let k = col.len();
    if k < 2 {
        return 1.0;
    }
    let Some(p) = proportions(col) else { return 1.0 };
    let h: f64 = p.filter(|&p| p > 0.0).map(|p| p * p.ln()).sum();
    (-h / (k as f64).ln()).clamp(0.0, 1.0)
}

fn quoted<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.map(|n| format!("“{n}”")).collect()
}

/// Ranks the places of `input` by a composite score (see the module documentation).
pub fn rank(input: &RankInput, method: &Method, missing: MissingPolicy) -> Result<Ranking, RankError> {
    let m = input.places.len();
    let n = input.columns.len();
    if n == 0 {
        return Err(RankError::NoIndicators);
    }
    input.check_shape()?;
    let mut seen = HashSet::with_capacity(m);
    if let Some(p) = input.places.iter().find(|p| !seen.insert(p.as_str())) {
        return Err(RankError::DuplicatePlace(p.clone()));
    }
    let mut seen = HashSet::with_capacity(n);
    if let Some(c) = input.columns.iter().find(|c| !seen.insert(c.code.as_str())) {
        return Err(RankError::DuplicateIndicator(c.display().to_string()));
    }
    let fixed = match method {
        Method::Fixed(w) => Some(normalise_weights(w, &input.columns)?),
        Method::EntropyTopsis => None,
    };
    let kind = if fixed.is_some() { MethodKind::Fixed } else { MethodKind::EntropyTopsis };
    let cell = |i: usize, j: usize| input.values[i * n + j].filter(|v| v.is_finite());
    let mut notes = Vec::new();

    let invalid = input.values.iter().filter(|v| v.is_some_and(|x| !x.is_finite())).count();
    if invalid > 0 {
        notes.push(format!("{invalid}个数值无效(不是数字或为无穷大),按缺失处理。"));
    }

    // Which places are ranked.
    let mut rows = Vec::with_capacity(m);
    let mut unranked = Vec::new();
    for i in 0..m {
        let absent = (0..n).filter(|&j| cell(i, j).is_none()).count();
        let ranked = match missing {
            MissingPolicy::Exclude => absent == 0,
            MissingPolicy::ImputeMean => absent < n,
        };
        if ranked {
            rows.push(i);
            continue;
        }
        let lacking: Vec<&Column> = (0..n).filter(|&j| cell(i, j).is_none()).map(|j| &input.columns[j]).collect();
        let reason = if absent == n {
            "全部指标均缺少数据,未参与排名。".to_string()
        } else {
            format!("缺少{}的数据,未参与排名。", quoted(lacking.iter().map(|c| c.display())))
        };
        unranked.push(Unranked {
            place: input.places[i].clone(),
            missing: lacking.iter().map(|c| c.code.clone()).collect(),
            reason,
        });
    }
    let k = rows.len();

    // r, column-major: r[j * k + a] for the a-th ranked place.
    let mut r = vec![0.0; k * n];
    let mut imputed = vec![false; if missing == MissingPolicy::ImputeMean { k * n } else { 0 }];
    let mut indicators = Vec::with_capacity(n);
    let mut constant = vec![false; n];
    for (j, col) in input.columns.iter().enumerate() {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &i in &rows {
            if let Some(x) = cell(i, j) {
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
        let present = lo <= hi;
        constant[j] = hi <= lo; // also when no value at all (lo = +inf, hi = −inf)
        let rc = &mut r[j * k..(j + 1) * k];
        let (mut sum, mut count) = (0.0, 0usize);
        for (a, &i) in rows.iter().enumerate() {
            if let Some(x) = cell(i, j) {
                rc[a] = normalise(x, lo, hi, col.direction);
                sum += rc[a];
                count += 1;
            }
        }
        let mut n_imputed = 0;
        if count < k {
            // Only under ImputeMean: Exclude ranks complete rows only.
            let mean = if count > 0 { (sum / count as f64).clamp(0.0, 1.0) } else { 1.0 };
            for (a, &i) in rows.iter().enumerate() {
                if cell(i, j).is_none() {
                    rc[a] = mean;
                    imputed[j * k + a] = true;
                    n_imputed += 1;
                }
            }
        }
        indicators.push(IndicatorResult {
            code: col.code.clone(),
            name: col.name.clone(),
            direction: col.direction,
            weight: 0.0,
            entropy: None,
            min: present.then_some(lo),
            max: present.then_some(hi),
            discriminates: !constant[j],
            imputed: n_imputed,
        });
    }

    // Weights.
    let all_constant = constant.iter().all(|&c| c);
    let weights = match fixed {
        Some(w) => w,
        None => {
            let e: Vec<f64> = (0..n).map(|j| if constant[j] { 1.0 } else { entropy(&r[j * k..(j + 1) * k]) }).collect();
            let total: f64 = e.iter().map(|e| 1.0 - e).sum();
            for (ind, &e) in indicators.iter_mut().zip(&e) {
                ind.entropy = Some(e);
            }
            if total > 0.0 && total.is_finite() {
                e.iter().map(|e| (1.0 - e) / total).collect()
            } else {
                if k >= 2 {
                    notes.push("各项指标在各地之间均无差异,无法由熵值法确定权重,按等权处理。".to_string());
                }
                vec![1.0 / n as f64; n]
            }
        }
    };
    for (ind, &w) in indicators.iter_mut().zip(&weights) {
        ind.weight = w;
    }

    // Scores.
    let mut scores = vec![0.0; k];
    let mut dists: Option<Vec<(f64, f64)>> = None;
    match kind {
        MethodKind::Fixed => {
            for (j, &w) in weights.iter().enumerate() {
                for (s, &rv) in scores.iter_mut().zip(&r[j * k..(j + 1) * k]) {
                    *s += w * rv;
                }
            }
        }
        MethodKind::EntropyTopsis => {
            let mut dp = vec![0.0; k];
            let mut dm = vec![0.0; k];
            for (j, &w) in weights.iter().enumerate() {
                let rc = &r[j * k..(j + 1) * k];
                let (vmin, vmax) =
                    rc.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(w * x), hi.max(w * x)));
                for (a, &x) in rc.iter().enumerate() {
                    let v = w * x;
                    dp[a] += (v - vmax) * (v - vmax);
                    dm[a] += (v - vmin) * (v - vmin);
                }
            }
            let d: Vec<(f64, f64)> = dp.iter().zip(&dm).map(|(p, m)| (p.sqrt(), m.sqrt())).collect();
            for (s, &(p, m)) in scores.iter_mut().zip(&d) {
                *s = if p + m > 0.0 { m / (p + m) } else { 1.0 };
            }
            dists = Some(d);
        }
    }
    for s in &mut scores {
        *s = if s.is_nan() { 0.0 } else { s.clamp(0.0, 1.0) };
    }

    // Competition ranking.
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0usize; k];
    let (mut lead_score, mut lead_rank) = (f64::NAN, 0usize);
    for (pos, &a) in order.iter().enumerate() {
        // Scores are never NaN here (see the clamp above), so `>` is the negation of `≤`.
        if pos == 0 || (lead_score - scores[a]).abs() > TIE_EPSILON {
            lead_score = scores[a];
            lead_rank = pos + 1;
        }
        ranks[a] = lead_rank;
    }
    let places = order
        .iter()
        .map(|&a| PlaceResult {
            place: input.places[rows[a]].clone(),
            score: scores[a],
            rank: ranks[a],
            d_plus: dists.as_ref().map(|d| d[a].0),
            d_minus: dists.as_ref().map(|d| d[a].1),
            normalized: (0..n).map(|j| r[j * k + a]).collect(),
            imputed: if imputed.is_empty() {
                Vec::new()
            } else {
                (0..n).filter(|&j| imputed[j * k + a]).map(|j| input.columns[j].code.clone()).collect()
            },
        })
        .collect();

    // Notes about the indicators.
    for (j, col) in input.columns.iter().enumerate() {
        let name = col.display();
        let no_data = indicators[j].min.is_none();
        if no_data && m > 0 && (k > 0 || missing == MissingPolicy::Exclude) {
            notes.push(match (missing, kind) {
                (MissingPolicy::Exclude, _) => {
                    format!("指标“{name}”所有地区均缺少数据,按“缺项不排名”规则,所有地区都无法排名。")
                }
                (_, MethodKind::EntropyTopsis) => format!("指标“{name}”没有任何数据,不参与区分,权重为0。"),
                (_, MethodKind::Fixed) => format!("指标“{name}”没有任何数据,不参与区分,各地该项均按1计。"),
            });
        } else if constant[j] && k >= 2 && !no_data {
            notes.push(match kind {
                MethodKind::EntropyTopsis => format!("指标“{name}”各地取值相同,不参与区分,权重为0。"),
                MethodKind::Fixed => format!("指标“{name}”各地取值相同,不参与区分,各地该项得分相同。"),
            });
        }
    }
    if all_constant && k >= 2 {
        notes.push(format!("各项指标在各地取值均相同,{k}个地区得分均为1,并列第1。"));
    }
    if k == 1 {
        notes.push("只有1个地区参与排名,无法比较,得分记为1。".to_string());
    }
    if k == 0 {
        notes.push("没有可参与排名的地区。".to_string());
    }
    if !unranked.is_empty() {
        notes.push(format!("{}个地区因缺少指标数据未参与排名,详见未排名名单。", unranked.len()));
    }
    let cells: usize = indicators.iter().map(|i| i.imputed).sum();
    if cells > 0 {
        let touched = (0..k).filter(|&a| (0..n).any(|j| imputed[j * k + a])).count();
        notes.push(format!("{cells}个缺失值按该指标其他地区标准化值的平均数填补,涉及{touched}个地区,排名仅供参考。"));
    }

    Ok(Ranking { method: kind, missing_policy: missing, indicators, places, unranked, notes })
}

/// For each place ranked in `current` (in its order): its previous rank and how far it moved
/// (positive = up). Places not ranked in `previous` get `None`. Places unranked in `current`
/// are not listed.
pub fn rank_changes(current: &Ranking, previous: &Ranking) -> Vec<RankChange> {
    let mut before: HashMap<&str, usize> = HashMap::with_capacity(previous.places.len());
    for p in &previous.places {
        before.entry(p.place.as_str()).or_insert(p.rank);
    }
    current
        .places
        .iter()
        .map(|p| {
            let previous_rank = before.get(p.place.as_str()).copied();
            RankChange {
                place: p.place.clone(),
                rank: p.rank,
                previous_rank,
                change: previous_rank.map(|r| r as i64 - p.rank as i64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const H: Direction = Direction::Higher;
    const L: Direction = Direction::Lower;

    fn near(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9
    }

    macro_rules! assert_near {
        ($a:expr, $b:expr) => {{
            let (a, b): (f64, f64) = ($a, $b);
            assert!(near(a, b), "{} = {a}, expected {b}", stringify!($a));
        }};
    }

    fn input(places: &[&str], cols: &[(&str, Direction)], rows: &[&[Option<f64>]]) -> RankInput {
        RankInput::from_rows(
            places.iter().map(|p| p.to_string()).collect(),
            cols.iter().map(|(c, d)| Column::new(*c, "", *d)).collect(),
            rows.iter().map(|r| r.to_vec()).collect(),
        )
        .unwrap()
    }

    fn full(places: &[&str], cols: &[(&str, Direction)], rows: &[&[f64]]) -> RankInput {
        let rows: Vec<Vec<Option<f64>>> = rows.iter().map(|r| r.iter().map(|&v| Some(v)).collect()).collect();
        let rows: Vec<&[Option<f64>]> = rows.iter().map(|r| r.as_slice()).collect();
        input(places, cols, &rows)
    }

    fn by_place(r: &Ranking) -> HashMap<&str, &PlaceResult> {
        r.places.iter().map(|p| (p.place.as_str(), p)).collect()
    }

    /// The worked example of `docs/monitoring-formulas.md`, checked number by number.
    ///
    /// | place | GDP growth % (higher) | R&D intensity % (higher) | energy kgce/万元 (lower) |
    /// |-------|------|-----|-----|
    /// | 甲区  | 8    | 3   | 500 |
    /// | 乙区  | 6    | 2   | 300 |
    /// | 丙区  | 5    | 2   | 600 |
    /// | 丁区  | 4    | 1   | 200 |
    #[test]
    fn worked_example_entropy_topsis() {
        let mut inp = full(
            &["甲区", "乙区", "丙区", "丁区"],
            &[("gdp", H), ("rd", H), ("energy", L)],
            &[&[8.0, 3.0, 500.0], &[6.0, 2.0, 300.0], &[5.0, 2.0, 600.0], &[4.0, 1.0, 200.0]],
        );
        inp.columns[0].name = "地区生产总值增速".into();
        inp.columns[1].name = "研发投入强度".into();
        inp.columns[2].name = "单位GDP能耗".into();
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        let place = by_place(&out);

        // Step 1, min-max normalisation.
        // gdp:    min 4, max 8, range 4:   (8−4)/4 = 1,    (6−4)/4 = 0.5,  (5−4)/4 = 0.25, (4−4)/4 = 0
        // rd:     min 1, max 3, range 2:   (3−1)/2 = 1,    (2−1)/2 = 0.5,  (2−1)/2 = 0.5,  (1−1)/2 = 0
        // energy: min 200, max 600, range 400, reversed (max − x)/range:
        //         (600−500)/400 = 0.25, (600−300)/400 = 0.75, (600−600)/400 = 0, (600−200)/400 = 1
        let r = [[1.0, 1.0, 0.25], [0.5, 0.5, 0.75], [0.25, 0.5, 0.0], [0.0, 0.0, 1.0]];
        for (name, row) in ["甲区", "乙区", "丙区", "丁区"].iter().zip(&r) {
            for (got, want) in place[name].normalized.iter().zip(row) {
                assert_near!(*got, *want);
            }
        }

        // Step 2, proportions p_ij = r_ij / Σ_i r_ij.
        // Σ gdp = 1 + 0.5 + 0.25 + 0 = 1.75 → p = 1/1.75 = 4/7, 0.5/1.75 = 2/7, 0.25/1.75 = 1/7, 0
        // Σ rd = 1 + 0.5 + 0.5 + 0 = 2     → p = 0.5, 0.25, 0.25, 0
        // Σ energy = 0.25 + 0.75 + 0 + 1 = 2 → p = 0.125, 0.375, 0, 0.5
        let p = [
            [0.571_428_571_428_571_4, 0.285_714_285_714_285_7, 0.142_857_142_857_142_85, 0.0],
            [0.5, 0.25, 0.25, 0.0],
            [0.125, 0.375, 0.0, 0.5],
        ];
        for (j, want) in p.iter().enumerate() {
            let col: Vec<f64> = r.iter().map(|row| row[j]).collect();
            let got: Vec<f64> = proportions(&col).unwrap().collect();
            for (g, w) in got.iter().zip(want) {
                assert_near!(*g, *w);
            }
        }

        // Step 3, entropy e_j = −(1/ln 4) Σ p ln p, ln 4 = 2 ln 2, 0·ln 0 = 0.
        // gdp:    Σ p ln p = (4/7)ln(4/7) + (2/7)ln(2/7) + (1/7)ln(1/7) = (10/7)ln 2 − ln 7
        //         e = (ln 7 − (10/7) ln 2)/(2 ln 2) = log₂7 / 2 − 5/7 = 1.403677461028802 − 0.714285714285714
        // rd:     Σ p ln p = 0.5 ln 0.5 + 2 · 0.25 ln 0.25 = −0.5 ln 2 − ln 2 = −1.5 ln 2 → e = 1.5/2 = 0.75
        // energy: Σ p ln p = 0.125 ln 0.125 + 0.375 ln 0.375 + 0.5 ln 0.5 = −2 ln 2 + 0.375 ln 3
        //         e = 1 − (3/16) log₂3 = 1 − 0.297180468885217
        let e = [0.689_391_746_743_087_8, 0.75, 0.702_819_531_114_783_2];
        for (ind, want) in out.indicators.iter().zip(e) {
            assert_near!(ind.entropy.unwrap(), want);
        }

        // Step 4, weights w_j = (1 − e_j)/Σ(1 − e_k).
        // 1 − e = 0.310608253256912, 0.25, 0.297180468885217; Σ = 0.857788722142129
        // w = 0.310608253256912/0.857788722142129, 0.25/0.857788722142129, 0.297180468885217/0.857788722142129
        let w = [0.362_103_447_199_958_4, 0.291_447_058_636_633_5, 0.346_449_494_163_408_06];
        for (ind, want) in out.indicators.iter().zip(w) {
            assert_near!(ind.weight, want);
        }

        // Step 5, TOPSIS on v = w·r. Every column has r from 0 to 1, so v⁺ = w and v⁻ = 0:
        // D⁺ = sqrt(Σ w²(1 − r)²), D⁻ = sqrt(Σ w² r²).
        // 甲区 r = (1, 1, 0.25): D⁺ = 0.75·w3 = 0.259837120622556
        //                        D⁻ = sqrt(w1² + w2² + (0.25 w3)²) = sqrt(0.131119 + 0.084941 + 0.007502) = 0.472823431856352
        // 乙区 r = (0.5, 0.5, 0.75): D⁺ = sqrt((0.5w1)² + (0.5w2)² + (0.25w3)²) = 0.248025758472562
        //                           D⁻ = sqrt((0.5w1)² + (0.5w2)² + (0.75w3)²) = 0.348612109469723
        // 丙区 r = (0.25, 0.5, 0): D⁺ = sqrt((0.75w1)² + (0.5w2)² + w3²) = 0.463699238617819
        //                         D⁻ = sqrt((0.25w1)² + (0.5w2)²) = 0.171552553614387
        // 丁区 r = (0, 0, 1): D⁺ = sqrt(w1² + w2²) = 0.464822863531946, D⁻ = w3 = 0.346449494163408
        // score = D⁻/(D⁺ + D⁻):
        // 甲区 0.472823431856352/0.732660552478908 = 0.645351288883488
        // 乙区 0.348612109469723/0.596637867942285 = 0.584294306816351
        // 丙区 0.171552553614387/0.635251792232206 = 0.270054418912491
        // 丁区 0.346449494163408/0.811272357695354 = 0.427044618095450
        let want = [
            ("甲区", 0.259_837_120_622_556_04, 0.472_823_431_856_352_1, 0.645_351_288_883_488_5, 1),
            ("乙区", 0.248_025_758_472_562_03, 0.348_612_109_469_723_3, 0.584_294_306_816_351_2, 2),
            ("丁区", 0.464_822_863_531_946_3, 0.346_449_494_163_408_06, 0.427_044_618_095_450_2, 3),
            ("丙区", 0.463_699_238_617_819, 0.171_552_553_614_387_04, 0.270_054_418_912_491_3, 4),
        ];
        for (got, (name, dp, dm, score, rank)) in out.places.iter().zip(want) {
            assert_eq!((got.place.as_str(), got.rank), (name, rank));
            assert_near!(got.d_plus.unwrap(), dp);
            assert_near!(got.d_minus.unwrap(), dm);
            assert_near!(got.score, score);
        }
        assert!(out.notes.is_empty(), "{:?}", out.notes);
        assert!(out.unranked.is_empty());
    }

    #[test]
    fn worked_example_fixed_weights() {
        let inp = full(
            &["甲区", "乙区", "丙区", "丁区"],
            &[("gdp", H), ("rd", H), ("energy", L)],
            &[&[8.0, 3.0, 500.0], &[6.0, 2.0, 300.0], &[5.0, 2.0, 600.0], &[4.0, 1.0, 200.0]],
        );
        // Weights 5 : 3 : 2 → 0.5, 0.3, 0.2.
        let out = rank(&inp, &Method::Fixed(vec![5.0, 3.0, 2.0]), MissingPolicy::Exclude).unwrap();
        let w: Vec<f64> = out.indicators.iter().map(|i| i.weight).collect();
        assert_eq!(w, [0.5, 0.3, 0.2]);
        // 甲区 0.5·1 + 0.3·1 + 0.2·0.25 = 0.85; 乙区 0.25 + 0.15 + 0.15 = 0.55;
        // 丙区 0.125 + 0.15 + 0 = 0.275; 丁区 0 + 0 + 0.2 = 0.2.
        let got: Vec<(&str, f64, usize)> = out.places.iter().map(|p| (p.place.as_str(), p.score, p.rank)).collect();
        for (g, w) in got.iter().zip([("甲区", 0.85, 1), ("乙区", 0.55, 2), ("丙区", 0.275, 3), ("丁区", 0.2, 4)])
        {
            assert_eq!((g.0, g.2), (w.0, w.2));
            assert_near!(g.1, w.1);
        }
        assert!(out.places[0].d_plus.is_none() && out.indicators[0].entropy.is_none());
    }

    #[test]
    fn fixed_weight_errors() {
        let inp = full(&["a", "b"], &[("x", H), ("y", H)], &[&[1.0, 2.0], &[3.0, 4.0]]);
        let err = |w: Vec<f64>| rank(&inp, &Method::Fixed(w), MissingPolicy::Exclude).unwrap_err();
        assert_eq!(err(vec![1.0]), RankError::WeightCount { weights: 1, columns: 2 });
        assert!(matches!(err(vec![1.0, -1.0]), RankError::BadWeight { ref indicator, .. } if indicator == "y"));
        assert!(matches!(err(vec![f64::NAN, 1.0]), RankError::BadWeight { .. }));
        assert!(matches!(err(vec![f64::INFINITY, 1.0]), RankError::BadWeight { .. }));
        assert_eq!(err(vec![0.0, 0.0]), RankError::ZeroWeights);
        assert!(err(vec![0.0, -0.5]).to_string().contains("权重"));
        // Huge weights do not overflow.
        let out = rank(&inp, &Method::Fixed(vec![f64::MAX, f64::MAX]), MissingPolicy::Exclude).unwrap();
        assert_eq!(out.indicators[0].weight, 0.5);
    }

    #[test]
    fn input_errors() {
        let cols = vec![Column::new("x", "", H)];
        assert!(matches!(
            RankInput::new(vec!["a".into()], cols.clone(), vec![]),
            Err(RankError::Shape { expected: 1, actual: 0, .. })
        ));
        assert!(matches!(
            RankInput::from_rows(vec!["a".into()], cols.clone(), vec![vec![Some(1.0), None]]),
            Err(RankError::RowLength { .. })
        ));
        let bad = RankInput { places: vec!["a".into()], columns: cols.clone(), values: vec![] };
        assert!(matches!(rank(&bad, &Method::EntropyTopsis, MissingPolicy::Exclude), Err(RankError::Shape { .. })));
        let none = RankInput { places: vec!["a".into()], columns: vec![], values: vec![] };
        assert_eq!(rank(&none, &Method::EntropyTopsis, MissingPolicy::Exclude), Err(RankError::NoIndicators));
        let dup = input(&["a", "a"], &[("x", H)], &[&[Some(1.0)], &[Some(2.0)]]);
        assert_eq!(
            rank(&dup, &Method::EntropyTopsis, MissingPolicy::Exclude),
            Err(RankError::DuplicatePlace("a".into()))
        );
        let dup = input(&["a"], &[("x", H), ("x", L)], &[&[Some(1.0), Some(2.0)]]);
        assert!(matches!(
            rank(&dup, &Method::EntropyTopsis, MissingPolicy::Exclude),
            Err(RankError::DuplicateIndicator(_))
        ));
        assert_eq!(dup.value(0, 1), Some(2.0));
        assert_eq!(dup.value(0, 2), None);
        assert_eq!(dup.value(usize::MAX, 0), None);
    }

    #[test]
    fn constant_column_gets_zero_weight() {
        let mut inp = full(&["a", "b", "c"], &[("x", H), ("k", H)], &[&[1.0, 5.0], &[2.0, 5.0], &[4.0, 5.0]]);
        inp.columns[1].name = "规上企业数".into();
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        assert_eq!(out.indicators[1].entropy, Some(1.0));
        assert_eq!(out.indicators[1].weight, 0.0);
        assert_eq!(out.indicators[0].weight, 1.0);
        assert!(!out.indicators[1].discriminates);
        assert_eq!(out.notes, ["指标“规上企业数”各地取值相同,不参与区分,权重为0。"]);
        assert!(out.places.iter().all(|p| p.normalized[1] == 1.0));
        // With one indicator left, TOPSIS reduces to r: c = 1, b = 1/3, a = 0.
        let s: Vec<f64> = out.places.iter().map(|p| p.score).collect();
        assert_near!(s[0], 1.0);
        assert_near!(s[1], 1.0 / 3.0);
        assert_near!(s[2], 0.0);
        let fixed = rank(&inp, &Method::Fixed(vec![1.0, 1.0]), MissingPolicy::Exclude).unwrap();
        assert_eq!(fixed.notes, ["指标“规上企业数”各地取值相同,不参与区分,各地该项得分相同。"]);
        assert_near!(fixed.places[0].score, 1.0);
        assert_near!(fixed.places[2].score, 0.5);
    }

    #[test]
    fn all_constant_falls_back_to_equal_weights() {
        let inp = full(&["a", "b", "c"], &[("x", H), ("y", L)], &[&[1.0, 5.0], &[1.0, 5.0], &[1.0, 5.0]]);
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        assert!(out.indicators.iter().all(|i| i.weight == 0.5 && i.entropy == Some(1.0)));
        assert!(out.places.iter().all(|p| p.score == 1.0 && p.rank == 1));
        assert!(out.places.iter().all(|p| p.d_plus == Some(0.0) && p.d_minus == Some(0.0)));
        assert!(out.notes.iter().any(|n| n.contains("按等权处理")), "{:?}", out.notes);
        assert!(out.notes.iter().any(|n| n.contains("3个地区得分均为1")), "{:?}", out.notes);
    }

    #[test]
    fn single_place_scores_one() {
        let inp = full(&["a"], &[("x", H), ("y", L)], &[&[3.0, 7.0]]);
        for method in [Method::EntropyTopsis, Method::Fixed(vec![1.0, 2.0])] {
            let out = rank(&inp, &method, MissingPolicy::Exclude).unwrap();
            assert_eq!(out.places.len(), 1);
            assert_eq!((out.places[0].score, out.places[0].rank), (1.0, 1));
            assert_eq!(out.notes, ["只有1个地区参与排名,无法比较,得分记为1。"]);
            let sum: f64 = out.indicators.iter().map(|i| i.weight).sum();
            assert_near!(sum, 1.0);
        }
    }

    #[test]
    fn empty_input() {
        let inp = RankInput { places: vec![], columns: vec![Column::new("x", "", H)], values: vec![] };
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        assert!(out.places.is_empty() && out.unranked.is_empty());
        assert_eq!(out.notes, ["没有可参与排名的地区。"]);
        assert_eq!(out.indicators[0].weight, 1.0);
    }

    #[test]
    fn missing_values_excluded_by_default() {
        let mut inp = input(
            &["a", "b", "c", "d"],
            &[("x", H), ("y", H)],
            &[
                &[Some(1.0), Some(10.0)],
                &[Some(2.0), None],
                &[Some(f64::NAN), Some(f64::INFINITY)],
                &[Some(3.0), Some(30.0)],
            ],
        );
        inp.columns[1].name = "税收".into();
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::default()).unwrap();
        assert_eq!(out.places.iter().map(|p| p.place.as_str()).collect::<Vec<_>>(), ["d", "a"]);
        assert_eq!(out.unranked.len(), 2);
        assert_eq!(out.unranked[0].place, "b");
        assert_eq!(out.unranked[0].missing, ["y"]);
        assert_eq!(out.unranked[0].reason, "缺少“税收”的数据,未参与排名。");
        assert_eq!(out.unranked[1].missing, ["x", "y"]);
        assert_eq!(out.unranked[1].reason, "全部指标均缺少数据,未参与排名。");
        // min/max over ranked places only: b's x = 2 does not count.
        assert_eq!((out.indicators[0].min, out.indicators[0].max), (Some(1.0), Some(3.0)));
        assert!(out.notes.iter().any(|n| n == "2个数值无效(不是数字或为无穷大),按缺失处理。"), "{:?}", out.notes);
        assert!(out.notes.iter().any(|n| n.starts_with("2个地区因缺少指标数据未参与排名")));
    }

    #[test]
    fn missing_values_imputed_with_column_mean() {
        let inp = input(
            &["a", "b", "c", "d"],
            &[("x", H), ("y", L)],
            &[&[Some(0.0), Some(10.0)], &[Some(10.0), None], &[Some(5.0), Some(30.0)], &[None, None]],
        );
        let out = rank(&inp, &Method::Fixed(vec![1.0, 1.0]), MissingPolicy::ImputeMean).unwrap();
        let place = by_place(&out);
        // y (lower) over a, c: r = 1, 0 → b gets the mean 0.5.
        assert_eq!(place["b"].normalized, [1.0, 0.5]);
        assert_eq!(place["b"].imputed, ["y"]);
        assert_near!(place["b"].score, 0.75);
        assert_near!(place["a"].score, 0.5);
        assert_near!(place["c"].score, 0.25);
        assert_eq!(out.unranked.len(), 1);
        assert_eq!(out.unranked[0].place, "d");
        assert_eq!(out.indicators[1].imputed, 1);
        assert!(out.notes.iter().any(|n| n.starts_with("1个缺失值按该指标")), "{:?}", out.notes);
        // A column without any value is treated as constant.
        let inp = input(&["a", "b"], &[("x", H), ("y", H)], &[&[Some(1.0), None], &[Some(2.0), None]]);
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::ImputeMean).unwrap();
        assert_eq!(out.indicators[1].weight, 0.0);
        assert!(out.notes.iter().any(|n| n.contains("没有任何数据")), "{:?}", out.notes);
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        assert!(out.places.is_empty());
        assert!(out.notes.iter().any(|n| n.contains("所有地区均缺少数据")), "{:?}", out.notes);
    }

    #[test]
    fn ties_use_competition_ranking() {
        let inp = full(&["a", "b", "c", "d"], &[("x", H)], &[&[2.0], &[2.0], &[1.0], &[2.0 + 1e-15]]);
        let out = rank(&inp, &Method::Fixed(vec![1.0]), MissingPolicy::Exclude).unwrap();
        let got: Vec<(&str, usize)> = out.places.iter().map(|p| (p.place.as_str(), p.rank)).collect();
        assert_eq!(got, [("d", 1), ("a", 1), ("b", 1), ("c", 4)]);
        let inp = full(&["a", "b", "c"], &[("x", H)], &[&[1.0], &[3.0], &[3.0]]);
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        let got: Vec<(&str, usize)> = out.places.iter().map(|p| (p.place.as_str(), p.rank)).collect();
        assert_eq!(got, [("b", 1), ("c", 1), ("a", 3)]);
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let inp = full(&["a", "b", "c"], &[("x", H), ("y", L)], &[&[-f64::MAX, 1.0], &[f64::MAX, 2.0], &[0.0, 3.0]]);
        for method in [Method::EntropyTopsis, Method::Fixed(vec![1.0, 1.0])] {
            let out = rank(&inp, &method, MissingPolicy::Exclude).unwrap();
            let c = by_place(&out)["c"].normalized.clone();
            assert_near!(c[0], 0.5);
            assert!(out.places.iter().all(|p| p.score.is_finite()));
        }
    }

    #[test]
    fn changes_between_rankings() {
        let now = full(&["a", "b", "c"], &[("x", H)], &[&[3.0], &[2.0], &[1.0]]);
        let before = full(&["a", "b", "d"], &[("x", H)], &[&[1.0], &[3.0], &[2.0]]);
        let now = rank(&now, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        let before = rank(&before, &Method::EntropyTopsis, MissingPolicy::Exclude).unwrap();
        let ch = rank_changes(&now, &before);
        assert_eq!(
            ch,
            [
                RankChange { place: "a".into(), rank: 1, previous_rank: Some(3), change: Some(2) },
                RankChange { place: "b".into(), rank: 2, previous_rank: Some(1), change: Some(-1) },
                RankChange { place: "c".into(), rank: 3, previous_rank: None, change: None },
            ]
        );
    }

    #[test]
    fn output_serialises() {
        let inp = full(&["a", "b"], &[("x", H)], &[&[1.0], &[2.0]]);
        let out = rank(&inp, &Method::EntropyTopsis, MissingPolicy::ImputeMean).unwrap();
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(json["method"], "entropy_topsis");
        assert_eq!(json["missing_policy"], "impute_mean");
        let back: Ranking = serde_json::from_value(json).unwrap();
        assert_eq!(back, out);
        let m: Method = serde_json::from_str(r#"{"fixed":[1,2]}"#).unwrap();
        assert_eq!(m, Method::Fixed(vec![1.0, 2.0]));
    }

    fn matrix() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<bool>)> {
        (2usize..9, 1usize..6).prop_flat_map(|(m, n)| {
            // Values from a small set make constant columns and ties common.
            let value = prop_oneof![(-3i32..4).prop_map(f64::from), -1e3f64..1e3];
            (Just(m), Just(n), prop::collection::vec(value, m * n), prop::collection::vec(any::<bool>(), n))
        })
    }

    fn make(m: usize, n: usize, values: &[f64], lower: &[bool]) -> RankInput {
        RankInput::new(
            (0..m).map(|i| format!("p{i}")).collect(),
            (0..n).map(|j| Column::new(format!("c{j}"), "", if lower[j] { L } else { H })).collect(),
            values.iter().map(|&v| Some(v)).collect(),
        )
        .unwrap()
    }

    proptest! {
        #[test]
        fn weights_sum_to_one_and_scores_in_unit_range((m, n, values, lower) in matrix()) {
            let inp = make(m, n, &values, &lower);
            for method in [Method::EntropyTopsis, Method::Fixed((1..=n).map(|j| j as f64).collect())] {
                let out = rank(&inp, &method, MissingPolicy::Exclude).unwrap();
                let sum: f64 = out.indicators.iter().map(|i| i.weight).sum();
                prop_assert!((sum - 1.0).abs() < 1e-9, "{}", sum);
                prop_assert!(out.indicators.iter().all(|i| i.weight >= 0.0));
                prop_assert_eq!(out.places.len(), m);
                for p in &out.places {
                    prop_assert!((0.0..=1.0).contains(&p.score), "{}", p.score);
                    prop_assert!(p.normalized.iter().all(|r| (0.0..=1.0).contains(r)));
                }
                for pair in out.places.windows(2) {
                    prop_assert!(pair[0].score >= pair[1].score && pair[0].rank <= pair[1].rank);
                }
                prop_assert_eq!(out.places[0].rank, 1);
            }
        }

        #[test]
        fn permuting_rows_permutes_scores((m, n, values, lower) in matrix(), seed in any::<u64>()) {
            let inp = make(m, n, &values, &lower);
            // A permutation from the seed (Fisher–Yates with a xorshift).
            let mut perm: Vec<usize> = (0..m).collect();
            let mut s = seed | 1;
            for i in (1..m).rev() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                perm.swap(i, (s % (i as u64 + 1)) as usize);
            }
            let permuted = RankInput {
                places: perm.iter().map(|&i| inp.places[i].clone()).collect(),
                columns: inp.columns.clone(),
                values: perm.iter().flat_map(|&i| inp.values[i * n..(i + 1) * n].iter().copied()).collect(),
            };
            for method in [Method::EntropyTopsis, Method::Fixed(vec![1.0; n])] {
                let a = rank(&inp, &method, MissingPolicy::Exclude).unwrap();
                let b = rank(&permuted, &method, MissingPolicy::Exclude).unwrap();
                let b = by_place(&b);
                for p in &a.places {
                    prop_assert!((p.score - b[p.place.as_str()].score).abs() < 1e-9);
                }
            }
        }

        #[test]
        fn never_panics(
            m in 0usize..6,
            n in 1usize..4,
            raw in prop::collection::vec(prop_oneof![
                Just(None), Just(Some(f64::NAN)), Just(Some(f64::INFINITY)), Just(Some(f64::MAX)),
                Just(Some(-f64::MAX)), Just(Some(0.0)), any::<f64>().prop_map(Some)
            ], 0..24),
            weights in prop::collection::vec(any::<f64>(), 0..4),
        ) {
            let values: Vec<Option<f64>> = (0..m * n).map(|i| raw.get(i).copied().flatten()).collect();
            let inp = RankInput::new(
                (0..m).map(|i| format!("p{i}")).collect(),
                (0..n).map(|j| Column::new(format!("c{j}"), "", if j % 2 == 0 { H } else { L })).collect(),
                values,
            ).unwrap();
            for policy in [MissingPolicy::Exclude, MissingPolicy::ImputeMean] {
                for method in [Method::EntropyTopsis, Method::Fixed(weights.clone())] {
                    if let Ok(out) = rank(&inp, &method, policy) {
                        prop_assert!(out.places.iter().all(|p| (0.0..=1.0).contains(&p.score)));
                        prop_assert_eq!(out.places.len() + out.unranked.len(), m);
                        prop_assert!(serde_json::to_string(&out).is_ok());
                    }
                }
            }
        }
    }
}

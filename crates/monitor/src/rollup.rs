//! From district values to the value of the city above them, by the indicator's roll-up rule.

use crate::indicator::Rollup;
use crate::period::Period;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One value of the region for one period, and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionValue {
    pub period: Period,
    pub value: f64,
    /// How many units' values made it (0 when the region reported it itself).
    pub units: usize,
    /// True when the region itself reported the value (it then wins over any roll-up).
    pub reported: bool,
}

/// A region's series and what a weighted mean had to leave out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RollUp {
    pub values: Vec<RegionValue>,
    /// Periods of a weighted mean where units reported a value but the weight indicator has
    /// no usable value (missing, not finite or not positive) for them: those units are left
    /// out of that period's value (a period where every unit lacks its weight has no value),
    /// and pages say which.
    pub missing_weights: Vec<(Period, Vec<String>)>,
}

/// The region's series: the region's own value for a period when it reported one, else the
/// roll-up of its units' values for that period by `rollup` (`Latest` takes the value of the
/// unit that reported last in the order given, `None` never rolls up).
/// `observations` are `(place, period, value)`; `region` names the region itself.
pub fn region_series(rollup: Rollup, region: &str, observations: &[(&str, Period, f64)]) -> Vec<RegionValue> {
    roll_up(rollup, region, observations, &[]).values
}

/// [`region_series`] with the weights a weighted mean needs: `weights` are the weight
/// indicator's `(place, period, value)`. A unit's weight for a period is its value of the
/// same period, else (a quarterly or monthly ratio weighted by an annual population) its
/// value of that period's year.
pub fn roll_up(
    rollup: Rollup,
    region: &str,
    observations: &[(&str, Period, f64)],
    weights: &[(&str, Period, f64)],
) -> RollUp {
    let mut own: BTreeMap<Period, f64> = BTreeMap::new();
    let mut units: BTreeMap<Period, Vec<(&str, f64)>> = BTreeMap::new();
    for &(place, period, value) in observations {
        if !value.is_finite() {
            continue;
        }
        if place == region {
            own.insert(period, value);
        } else {
            units.entry(period).or_default().push((place, value));
        }
    }
    let weight_of: HashMap<(&str, Period), f64> =
        weights.iter().filter(|w| w.2.is_finite() && w.2 > 0.0).map(|&(p, per, v)| ((p, per), v)).collect();
    let weight = |place: &str, period: Period| {
        weight_of.get(&(place, period)).or_else(|| weight_of.get(&(place, Period::Year(period.year())))).copied()
    };
    let mut out: BTreeMap<Period, RegionValue> = BTreeMap::new();
    let mut missing_weights = Vec::new();
    for (period, values) in units {
        let n = values.len();
        let value = match rollup {
            Rollup::None => continue,
            Rollup::Sum => values.iter().map(|v| v.1).sum(),
            Rollup::Mean => values.iter().map(|v| v.1).sum::<f64>() / n as f64,
            Rollup::Max => values.iter().map(|v| v.1).fold(f64::NEG_INFINITY, f64::max),
            Rollup::Min => values.iter().map(|v| v.1).fold(f64::INFINITY, f64::min),
            Rollup::Latest => values.last().map(|v| v.1).unwrap_or(0.0),
            Rollup::WeightedMean => {
                let (mut num, mut den, mut used) = (0.0, 0.0, 0);
                let mut lacking: Vec<String> = Vec::new();
                for &(place, v) in &values {
                    match weight(place, period) {
                        Some(w) => {
                            num += v * w;
                            den += w;
                            used += 1;
                        }
                        None => lacking.push(place.to_string()),
                    }
                }
                if !lacking.is_empty() {
                    lacking.sort();
                    lacking.dedup();
                    missing_weights.push((period, lacking));
                }
                let value = num / den;
                if used == 0 || !value.is_finite() {
                    continue;
                }
                out.insert(period, RegionValue { period, value, units: used, reported: false });
                continue;
            }
        };
        out.insert(period, RegionValue { period, value, units: n, reported: false });
    }
    for (period, value) in own {
        out.insert(period, RegionValue { period, value, units: 0, reported: true });
    }
    RollUp { values: out.into_values().collect(), missing_weights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_values_win_over_rollups() {
        let q1 = Period::Quarter(2025, 1);
        let q2 = Period::Quarter(2025, 2);
        let obs = [("A区", q1, 1.0), ("B区", q1, 3.0), ("A区", q2, 2.0), ("市", q2, 10.0), ("B区", q2, f64::NAN)];
        let sum = region_series(Rollup::Sum, "市", &obs);
        assert_eq!(sum.len(), 2);
        assert_eq!((sum[0].value, sum[0].units, sum[0].reported), (4.0, 2, false));
        assert_eq!((sum[1].value, sum[1].reported), (10.0, true));
        let mean = region_series(Rollup::Mean, "市", &obs);
        assert_eq!(mean[0].value, 2.0);
        assert_eq!(region_series(Rollup::Max, "市", &obs)[0].value, 3.0);
        assert_eq!(region_series(Rollup::Min, "市", &obs)[0].value, 1.0);
        let none = region_series(Rollup::None, "市", &obs);
        assert_eq!(none.len(), 1);
        assert!(none[0].reported);
    }

    /// A per-10,000-people figure of a big and a small district: the city's is their mean
    /// weighted by population (Σ patents / Σ population), not their sum nor their plain mean.
    #[test]
    fn per_capita_is_weighted_by_population_not_summed() {
        let q = Period::Quarter(2025, 4);
        let patents_per_10k = [("大区", q, 60.0), ("小区", q, 20.0)];
        let population = [("大区", q, 300.0), ("小区", q, 100.0)];
        let r = roll_up(Rollup::WeightedMean, "市", &patents_per_10k, &population);
        assert_eq!(r.values.len(), 1);
        assert!((r.values[0].value - 50.0).abs() < 1e-9, "{:?}", r.values);
        assert_eq!(r.values[0].units, 2);
        assert!(r.missing_weights.is_empty());
        // The sum (80) and the plain mean (40) are what a wrong rule gives.
        assert_eq!(region_series(Rollup::Sum, "市", &patents_per_10k)[0].value, 80.0);
        assert_eq!(region_series(Rollup::Mean, "市", &patents_per_10k)[0].value, 40.0);
    }

    #[test]
    fn missing_weights_are_named_not_silently_dropped() {
        let q1 = Period::Quarter(2025, 1);
        let q2 = Period::Quarter(2025, 2);
        let obs = [("A区", q1, 10.0), ("B区", q1, 30.0), ("C区", q1, 50.0), ("A区", q2, 5.0)];
        // A区's weight for q1 comes from its annual value; B区 has none; C区's is not positive.
        let weights = [("A区", Period::Year(2025), 1.0), ("C区", q1, 0.0)];
        let r = roll_up(Rollup::WeightedMean, "市", &obs, &weights);
        assert_eq!(r.values.len(), 2);
        assert_eq!((r.values[0].value, r.values[0].units), (10.0, 1));
        assert_eq!(r.missing_weights, vec![(q1, vec!["B区".to_string(), "C区".to_string()])]);
        // No weights at all: no value, and every unit named.
        let r = roll_up(Rollup::WeightedMean, "市", &obs[..3], &[]);
        assert!(r.values.is_empty());
        assert_eq!(r.missing_weights[0].1.len(), 3);
    }
}

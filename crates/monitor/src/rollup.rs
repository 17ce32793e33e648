//! From district values to the value of the city above them.

use crate::indicator::Rollup;
use crate::period::Period;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// The region's series: the region's own value for a period when it reported one, else the
/// roll-up of its units' values for that period (`Sum`, `Mean`; `Latest` takes the value of
/// the unit that reported last in the file order given, `None` never rolls up).
/// `observations` are `(place, period, value)`; `region` names the region itself.
pub fn region_series(rollup: Rollup, region: &str, observations: &[(&str, Period, f64)]) -> Vec<RegionValue> {
    let mut own: BTreeMap<Period, f64> = BTreeMap::new();
    let mut units: BTreeMap<Period, Vec<f64>> = BTreeMap::new();
    for &(place, period, value) in observations {
        if !value.is_finite() {
            continue;
        }
        if place == region {
            own.insert(period, value);
        } else {
            units.entry(period).or_default().push(value);
        }
    }
    let mut out: BTreeMap<Period, RegionValue> = BTreeMap::new();
    if rollup != Rollup::None {
        for (period, values) in units {
            let value = match rollup {
                Rollup::Sum => values.iter().sum(),
                Rollup::Mean => values.iter().sum::<f64>() / values.len() as f64,
                Rollup::Latest => *values.last().unwrap_or(&0.0),
                Rollup::None => continue,
            };
            out.insert(period, RegionValue { period, value, units: values.len(), reported: false });
        }
    }
    for (period, value) in own {
        out.insert(period, RegionValue { period, value, units: 0, reported: true });
    }
    out.into_values().collect()
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
        let none = region_series(Rollup::None, "市", &obs);
        assert_eq!(none.len(), 1);
    }
}

//! The one rounding rule for showing a value with its unit, used by reports (HTML, DOCX,
//! XLSX), the exports (目标台账) and the web pages wherever they format a value:
//! counts of things (家, 个, 项, 人, 件…) are whole numbers, percentages and 百分点 have one
//! decimal, money and everything else at most two.

use crate::indicator::{is_per_capita, is_ratio, unit_kind, UnitKind};

/// How values of a unit are rounded for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Things counted with a bare measure word (12 家): no decimals.
    Whole,
    /// Percentages, 百分点 and ‰: one decimal.
    OneDecimal,
    /// Money and other amounts, counts in 万/亿 (10.52 万人), per-capita figures: at most two.
    TwoDecimals,
}

impl Rounding {
    /// The decimals shown at most.
    pub fn decimals(self) -> usize {
        match self {
            Rounding::Whole => 0,
            Rounding::OneDecimal => 1,
            Rounding::TwoDecimals => 2,
        }
    }

    /// An XLSX number format for values already rounded by [`round_to`]: "0", "0.0", and
    /// "General" for at most two decimals (Excel's "0.##" would print "12." for 12).
    pub fn number_format(self) -> &'static str {
        match self {
            Rounding::Whole => "0",
            Rounding::OneDecimal => "0.0",
            Rounding::TwoDecimals => "General",
        }
    }
}

fn squash(unit: &str) -> String {
    unit.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether values of `unit` are shown with a percent sign (the unit is `%`).
pub fn is_percent_unit(unit: &str) -> bool {
    unit_kind(unit) == UnitKind::Percent
}

/// The rounding of an indicator's values: by its unit, and by its name for per-capita figures
/// counted in a measure word (每万人口高价值发明专利拥有量 in 件 is 45.12, not 45).
pub fn rounding(unit: &str, name: &str) -> Rounding {
    let u = squash(unit);
    if is_percent_unit(&u) || u.contains("百分点") || u == "‰" {
        return Rounding::OneDecimal;
    }
    // A bare measure word; 万人 and 亿件 count in thousands and keep their decimals.
    let magnitude = u.starts_with(['万', '亿', '千', '百', '十']);
    if unit_kind(&u) == UnitKind::Count && !magnitude && !is_per_capita(name) && !is_ratio(name, &u) {
        Rounding::Whole
    } else {
        Rounding::TwoDecimals
    }
}

/// `v` rounded half away from zero to `decimals`, robust against binary fractions
/// (45.55 is stored as 45.5499…, and is still 45.6 to one decimal).
pub fn round_to(v: f64, decimals: usize) -> f64 {
    if !v.is_finite() {
        return v;
    }
    let p = 10f64.powi(decimals as i32);
    let x = v * p;
    let nudged = x + x.signum() * x.abs().max(1.0) * 1e-9;
    let r = nudged.round() / p;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A number rounded to `decimals`, never "-0"; "—" when not finite. One decimal is always
/// written (45.0%, so a column of percentages reads alike); beyond that, trailing zeros are
/// dropped (at most two decimals: 2.5 亿元, 12 亿元).
pub fn format_number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let mut s = format!("{:.*}", decimals, round_to(v, decimals));
    if s.contains('.') && decimals > 1 {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
        s = s.trim_start_matches('-').to_string();
    }
    s
}

/// A value as shown in a report, export or page, by the rule of its unit: `12.0` 家 → "12",
/// `45.55` % → "45.6%" (the percent sign is the unit, so it is written; other units go in the
/// column header or a unit column), `1318.456` 亿元 → "1318.46". "—" when not finite.
pub fn format_value(v: f64, unit: &str, name: &str) -> String {
    let s = format_number(v, rounding(unit, name).decimals());
    if s != "—" && is_percent_unit(unit) {
        format!("{s}%")
    } else {
        s
    }
}

/// A share (1 = 100 %) as a percentage with one decimal: 0.4555 → "45.6%".
pub fn format_share(ratio: f64) -> String {
    format_value(ratio * 100.0, "%", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_percentages_one_decimal_money_two() {
        assert_eq!(format_value(12.0, "家", "高新技术企业数量"), "12");
        assert_eq!(format_value(12.4, "个", ""), "12");
        assert_eq!(format_value(45.55, "%", "研发经费投入强度"), "45.6%");
        assert_eq!(format_value(3.0, "%", ""), "3.0%");
        assert_eq!(format_value(-0.01, "%", ""), "0.0%");
        assert_eq!(format_value(0.35, "个百分点", ""), "0.4");
        assert_eq!(format_value(1318.456, "亿元", ""), "1318.46");
        assert_eq!(format_value(2.5, "亿元", ""), "2.5");
        // A count in ten-thousands keeps its decimals; per-capita figures are not counts.
        assert_eq!(format_value(10.526, "万人", ""), "10.53");
        assert_eq!(format_value(45.123, "件", "每万人口高价值发明专利拥有量"), "45.12");
        assert_eq!(format_value(-0.001, "亿元", ""), "0");
        assert_eq!(format_value(f64::NAN, "家", ""), "—");
        assert_eq!(format_share(0.4555), "45.6%");
        assert_eq!(format_share(1.0), "100.0%");
        assert_eq!(rounding("家", "").number_format(), "0");
        assert_eq!(rounding("%", "").number_format(), "0.0");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_to(2.675, 2), 2.68);
        assert_eq!(round_to(-45.55, 1), -45.6);
        assert_eq!(round_to(0.5, 0), 1.0);
        assert_eq!(round_to(f64::INFINITY, 1), f64::INFINITY);
    }
}

//! Reporting periods: a month (`2025-03`), a quarter (`2025Q1`) or a year (`2025`).
//!
//! Periods also sit on a continuous time axis measured in years ([`Period::end_time`]:
//! `2025Q1` ends at 2025.25), which is what progress ("time elapsed") and forecasts use.

use crate::indicator::Frequency;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Years outside this range are typing mistakes, not plans.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u8),
    Month(i32, u8),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
// Shown to the people who type periods (pages, sheets, the command line), hence in Chinese.
#[error("“{text}”不是有效的期别:月份写作 2025-03,季度写作 2025Q1(或 2025年第一季度),年份写作 2025")]
pub struct PeriodError {
    pub text: String,
}

impl Period {
    /// Reads the forms people type into sheets: `2025-03`, `2025-3`, `2025/03`, `202503`,
    /// `2025年3月`, `2025Q1`, `2025-Q1`, `2025q1`, `2025年第一季度`, `2025年一季度`, `2025`, `2025年`.
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let err = || PeriodError { text: text.to_string() };
        let s: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.trim_end_matches('度');
        let (year_part, rest) = split_year(s).ok_or_else(err)?;
        let year: i32 = year_part.parse().map_err(|_| err())?;
        if !YEARS.contains(&year) {
            return Err(err());
        }
        let rest = rest.strip_prefix('年').unwrap_or(rest);
        if rest.is_empty() {
            return Ok(Period::Year(year));
        }
        let rest = rest.trim_start_matches(['-', '/', '.']);
        // Quarter: Q1, q1, 第一季, 一季, 1季, 第1季.
        let q = if let Some(n) = rest.strip_prefix(['Q', 'q']) {
            n.parse::<u8>().ok()
        } else if let Some(n) = rest.strip_suffix('季') {
            let n = n.strip_prefix('第').unwrap_or(n);
            small_number(n)
        } else {
            None
        };
        if let Some(q) = q {
            return if (1..=4).contains(&q) { Ok(Period::Quarter(year, q)) } else { Err(err()) };
        }
        let m = rest.strip_suffix('月').unwrap_or(rest);
        let m = m.strip_prefix(['M', 'm']).unwrap_or(m);
        match small_number(m) {
            Some(m) if (1..=12).contains(&m) => Ok(Period::Month(year, m)),
            _ => Err(err()),
        }
    }

    pub fn frequency(self) -> Frequency {
        match self {
            Period::Year(_) => Frequency::Year,
            Period::Quarter(..) => Frequency::Quarter,
            Period::Month(..) => Frequency::Month,
        }
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// Months since year 0 at the start and the end (exclusive) of the period.
    fn month_range(self) -> (i64, i64) {
        let y = self.year() as i64 * 12;
        match self {
            Period::Year(_) => (y, y + 12),
            Period::Quarter(_, q) => (y + (q as i64 - 1) * 3, y + q as i64 * 3),
            Period::Month(_, m) => (y + m as i64 - 1, y + m as i64),
        }
    }

    /// When the period starts, in years (`2025Q2` → 2025.25).
    pub fn start_time(self) -> f64 {
        self.month_range().0 as f64 / 12.0
    }

    /// When the period ends, in years (`2025Q2` → 2025.5, `2025` → 2026.0).
    pub fn end_time(self) -> f64 {
        self.month_range().1 as f64 / 12.0
    }

    /// The first day after the period (`2025Q2` → 2025-07-01).
    pub fn next_day(self) -> time::Date {
        let end = self.month_range().1;
        let (year, month) = ((end / 12) as i32, (end % 12) as u8 + 1);
        // Years are within YEARS and months 1..=12, so the date exists.
        let month = time::Month::try_from(month).unwrap_or(time::Month::January);
        time::Date::from_calendar_date(year, month, 1).unwrap_or(time::Date::MIN)
    }

    /// The last day of the period (`2025Q2` → 2025-06-30).
    pub fn last_day(self) -> time::Date {
        self.next_day().previous_day().unwrap_or(time::Date::MIN)
    }

    /// The reporting deadline `days` after the period's last day (季后15日: `2025Q2` → 2025-07-15).
    pub fn deadline(self, days: u16) -> time::Date {
        self.last_day().saturating_add(time::Duration::days(i64::from(days)))
    }

    /// A number that grows by one from each period to the next of the same frequency.
    pub fn ordinal(self) -> i64 {
        match self {
            Period::Year(y) => y as i64,
            Period::Quarter(y, q) => y as i64 * 4 + q as i64 - 1,
            Period::Month(y, m) => y as i64 * 12 + m as i64 - 1,
        }
    }

    fn from_ordinal(freq: Frequency, n: i64) -> Period {
        match freq {
            Frequency::Year => Period::Year(n as i32),
            Frequency::Quarter => Period::Quarter(n.div_euclid(4) as i32, (n.rem_euclid(4) + 1) as u8),
            Frequency::Month => Period::Month(n.div_euclid(12) as i32, (n.rem_euclid(12) + 1) as u8),
        }
    }

    /// The period before, of the same frequency (`2025Q1` → `2024Q4`).
    pub fn prev(self) -> Period {
        Period::from_ordinal(self.frequency(), self.ordinal() - 1)
    }

    pub fn next(self) -> Period {
        Period::from_ordinal(self.frequency(), self.ordinal() + 1)
    }

    /// True when `other` lies inside this period (a month inside its quarter, a quarter in its year).
    pub fn contains(self, other: Period) -> bool {
        let (a, b) = self.month_range();
        let (c, d) = other.month_range();
        a <= c && d <= b
    }

    /// The period of frequency `freq` that contains the end of this one.
    pub fn as_frequency(self, freq: Frequency) -> Period {
        let last_month = self.month_range().1 - 1;
        match freq {
            Frequency::Month => Period::from_ordinal(Frequency::Month, last_month),
            Frequency::Quarter => Period::from_ordinal(Frequency::Quarter, last_month.div_euclid(3)),
            Frequency::Year => Period::Year(last_month.div_euclid(12) as i32),
        }
    }

    /// The last complete quarter before a calendar date (year, month): what "this quarter's
    /// report" means on that day.
    pub fn last_complete_quarter(year: i32, month: u32) -> Period {
        let current = Period::Quarter(year, (month.clamp(1, 12) as u8 - 1) / 3 + 1);
        current.prev()
    }
}

/// The 4-digit year at the start, then the rest (`202503` splits as 2025 + `03`).
fn split_year(s: &str) -> Option<(&str, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    match digits {
        4 => Some((&s[..4], &s[4..])),
        6 if s.len() == 6 => Some((&s[..4], &s[4..])),
        _ => None,
    }
}

fn small_number(s: &str) -> Option<u8> {
    if let Ok(n) = s.parse::<u8>() {
        return Some(n);
    }
    const DIGITS: [&str; 13] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    DIGITS.iter().position(|d| *d == s).map(|n| n as u8)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl Period {
    /// How users read it: `2025年第1季度`.
    pub fn label(self) -> String {
        match self {
            Period::Year(y) => format!("{y}年"),
            Period::Quarter(y, q) => format!("{y}年第{q}季度"),
            Period::Month(y, m) => format!("{y}年{m}月"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Period::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_days_and_deadlines() {
        let q2 = Period::parse("2025Q2").unwrap();
        assert_eq!(q2.last_day().to_string(), "2025-06-30");
        assert_eq!(q2.deadline(15).to_string(), "2025-07-15");
        assert_eq!(Period::parse("2024-02").unwrap().last_day().to_string(), "2024-02-29");
        assert_eq!(Period::parse("2025Q4").unwrap().deadline(15).to_string(), "2026-01-15");
        assert_eq!(Period::Year(2025).deadline(90).to_string(), "2026-03-31");
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_the_written_forms() {
        for (s, want) in [
            ("2025-03", Period::Month(2025, 3)),
            ("2025-3", Period::Month(2025, 3)),
            ("2025/03", Period::Month(2025, 3)),
            ("202503", Period::Month(2025, 3)),
            ("2025年3月", Period::Month(2025, 3)),
            ("2025年十二月", Period::Month(2025, 12)),
            ("2025Q1", Period::Quarter(2025, 1)),
            ("2025q4", Period::Quarter(2025, 4)),
            ("2025-Q2", Period::Quarter(2025, 2)),
            ("2025年第一季度", Period::Quarter(2025, 1)),
            ("2025年三季度", Period::Quarter(2025, 3)),
            ("2025年第2季度", Period::Quarter(2025, 2)),
            (" 2025 ", Period::Year(2025)),
            ("2025年", Period::Year(2025)),
            ("2025年度", Period::Year(2025)),
        ] {
            assert_eq!(Period::parse(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_period() {
        for s in
            ["", "25Q1", "2025Q5", "2025Q0", "2025-13", "2025-00", "Q1 2025", "二〇二五", "3025", "2025-03-01", "abc"]
        {
            assert!(Period::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["2025-03", "2025Q1", "2025"] {
            assert_eq!(p(s).to_string(), s);
        }
        assert_eq!(p("2025Q3").label(), "2025年第3季度");
    }

    #[test]
    fn time_axis_and_neighbours() {
        assert_eq!(p("2025Q2").start_time(), 2025.25);
        assert_eq!(p("2025Q2").end_time(), 2025.5);
        assert_eq!(p("2025").end_time(), 2026.0);
        assert_eq!(p("2025-12").end_time(), 2026.0);
        assert_eq!(p("2025Q1").prev(), p("2024Q4"));
        assert_eq!(p("2025-12").next(), p("2026-01"));
        assert!(p("2025").contains(p("2025Q3")));
        assert!(p("2025Q3").contains(p("2025-08")));
        assert!(!p("2025Q3").contains(p("2025-10")));
        assert_eq!(p("2025-08").as_frequency(Frequency::Quarter), p("2025Q3"));
        assert_eq!(p("2025Q4").as_frequency(Frequency::Year), p("2025"));
        assert_eq!(Period::last_complete_quarter(2026, 11), p("2026Q3"));
        assert_eq!(Period::last_complete_quarter(2026, 2), p("2025Q4"));
    }
}

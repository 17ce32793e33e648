//! What an indicator is: the properties every computation on its values needs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whether a larger value is better (output, revenue) or a smaller one (energy intensity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Higher,
    Lower,
}

/// How often values are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Month,
    Quarter,
    Year,
}

/// How district values make the value of the city above them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Rollup {
    /// Totals (output, number of firms): the city value is the sum of its districts.
    #[default]
    Sum,
    /// Rates and shares: the mean of the districts that reported.
    Mean,
    /// Stocks reported by whichever unit has the newest figure.
    Latest,
    /// Only the city itself reports this indicator.
    None,
}

macro_rules! words {
    ($ty:ident { $($variant:ident => $en:literal, $zh:literal, [$($alias:literal),*];)* }) => {
        impl $ty {
            /// The English keyword used in files, the CLI and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $en,)* }
            }
            /// The word shown to users.
            pub fn label(self) -> &'static str {
                match self { $($ty::$variant => $zh,)* }
            }
            /// Every keyword, for error messages.
            pub fn choices() -> &'static str {
                concat!($($en, "/", $zh, " "),*)
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim();
                $(if s.eq_ignore_ascii_case($en) || s == $zh $(|| s == $alias)* { return Ok($ty::$variant); })*
                Err(format!("“{s}” is not one of {}", $ty::choices().trim_end()))
            }
        }
    };
}

words!(Direction {
    Higher => "higher", "越高越好", ["正向", "higher-is-better", "+"];
    Lower => "lower", "越低越好", ["逆向", "负向", "lower-is-better", "-"];
});
words!(Frequency {
    Month => "month", "月度", ["月", "monthly"];
    Quarter => "quarter", "季度", ["季", "quarterly"];
    Year => "year", "年度", ["年", "yearly", "annual"];
});
words!(Rollup {
    Sum => "sum", "求和", ["合计"];
    Mean => "mean", "平均", ["均值", "average"];
    Latest => "latest", "最新", [];
    None => "none", "不汇总", ["无"];
});

/// Units written differently for the same quantity (`亿` and `亿元`), compared after folding.
pub fn same_unit(a: &str, b: &str) -> bool {
    fn fold(u: &str) -> String {
        let u: String = u.chars().filter(|c| !c.is_whitespace()).collect();
        match u.as_str() {
            "亿" => "亿元".into(),
            "万" => "万元".into(),
            "百分比" | "％" => "%".into(),
            "户" | "家企业" => "家".into(),
            _ => u,
        }
    }
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_parse_both_languages() {
        assert_eq!("LOWER".parse::<Direction>().unwrap(), Direction::Lower);
        assert_eq!("越高越好".parse::<Direction>().unwrap(), Direction::Higher);
        assert_eq!("季度".parse::<Frequency>().unwrap(), Frequency::Quarter);
        assert_eq!("mean".parse::<Rollup>().unwrap(), Rollup::Mean);
        let err = "weekly".parse::<Frequency>().unwrap_err();
        assert!(err.contains("month/月度"), "{err}");
    }

    #[test]
    fn units_fold() {
        assert!(same_unit("亿", "亿元"));
        assert!(same_unit("%", "％"));
        assert!(!same_unit("亿元", "万元"));
    }
}

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

/// What a unit counts, for the range check of values (see `observations::range_check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// Things counted (家, 个, 项, 万人): never negative.
    Count,
    /// A percentage (%): a share lies between 0 and 100.
    Percent,
    /// Amounts and everything else (亿元, 平方公里, 件/万人).
    Other,
}

/// The kind of `unit`: a measure word, after a magnitude (万, 亿, 千, 百), is a count; a unit
/// per something (`件/万人`) is a ratio, so not a count.
pub fn unit_kind(unit: &str) -> UnitKind {
    // Measure words, space-separated.
    const COUNTS: &str =
        "个 家 家企业 项 人 人次 名 位 件 户 座 所 套 台 辆 次 条 处 支 部 艘 架 株 只 份 篇 本 册 场 栋 间 \
                          张 床 例 起 批 款 种 门 棵 头";
    let u: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(u.as_str(), "%" | "％" | "百分比") {
        return UnitKind::Percent;
    }
    let bare = u.trim_start_matches(['万', '亿', '千', '百', '十']);
    if !bare.is_empty() && COUNTS.split_whitespace().any(|w| w == bare) {
        UnitKind::Count
    } else {
        UnitKind::Other
    }
}

/// Whether an indicator's name says it measures a change or a balance (增速, 下降率, 净增,
/// 利润), which may be negative, and as a percentage may exceed 100. `增加值` (value added)
/// is an amount, not a change.
pub fn measures_change(name: &str) -> bool {
    const WORDS: &str =
        "增长 增速 增幅 增量 增减 净 下降 降低 减少 变化 变动 同比 环比 提高 提升 利润 差额 盈亏 结余 贡献率";
    WORDS.split(' ').any(|w| name.contains(w))
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
    fn unit_kinds_and_change_names() {
        assert_eq!(unit_kind("家"), UnitKind::Count);
        assert_eq!(unit_kind("万人"), UnitKind::Count);
        assert_eq!(unit_kind("％"), UnitKind::Percent);
        assert_eq!(unit_kind("亿元"), UnitKind::Other);
        assert_eq!(unit_kind("件/万人"), UnitKind::Other);
        assert_eq!(unit_kind("万"), UnitKind::Other);
        assert!(measures_change("规模以上工业增加值增速"));
        assert!(measures_change("单位GDP能耗下降率"));
        assert!(!measures_change("规模以上工业增加值"));
        assert!(!measures_change("研发投入强度"));
    }

    #[test]
    fn units_fold() {
        assert!(same_unit("亿", "亿元"));
        assert!(same_unit("%", "％"));
        assert!(!same_unit("亿元", "万元"));
    }
}

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

/// How district values make the value of the city above them (the roll-up rule, chosen per
/// indicator). A ratio or per-capita figure is never a sum: its city value is a weighted mean
/// (weights: an indicator of the same places and periods, such as population or GDP, or the
/// ratio's denominator — the mean of district ratios weighted by their denominators is
/// Σ numerator / Σ denominator), or the city's own figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rollup {
    /// Totals (output, number of firms): the city value is the sum of its districts.
    #[default]
    Sum,
    /// The unweighted mean of the districts that reported.
    Mean,
    /// The mean of the districts' values weighted by a weight indicator's values of the same
    /// place and period (population, GDP, or the ratio's denominator).
    WeightedMean,
    /// The largest district value.
    Max,
    /// The smallest district value.
    Min,
    /// Stocks reported by whichever unit has the newest figure.
    Latest,
    /// City-reported only: district values are never rolled up.
    None,
}

impl Rollup {
    /// Every rule, in the order forms list them.
    pub const ALL: [Rollup; 7] =
        [Rollup::Sum, Rollup::WeightedMean, Rollup::Mean, Rollup::Max, Rollup::Min, Rollup::None, Rollup::Latest];

    /// Whether the rule needs a weight indicator.
    pub fn needs_weight(self) -> bool {
        self == Rollup::WeightedMean
    }
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
    Higher => "higher", "越高越好", ["正向", "越大越好", "higher-is-better", "+"];
    Lower => "lower", "越低越好", ["逆向", "负向", "越小越好", "lower-is-better", "-"];
});
words!(Frequency {
    Month => "month", "月度", ["月", "monthly"];
    Quarter => "quarter", "季度", ["季", "quarterly"];
    Year => "year", "年度", ["年", "yearly", "annual"];
});
words!(Rollup {
    Sum => "sum", "求和", ["合计"];
    Mean => "mean", "平均", ["均值", "average", "简单平均"];
    WeightedMean => "weighted_mean", "加权平均", ["weighted-mean", "wmean", "weighted"];
    Max => "max", "最大值", ["最大", "maximum"];
    Min => "min", "最小值", ["最小", "minimum"];
    Latest => "latest", "最新", [];
    None => "none", "仅市级填报", ["不汇总", "无", "city", "city-reported", "city_reported"];
});

/// Whether an indicator is a ratio: a share, rate or intensity (`%`, `‰`, 比例, 比重, 率,
/// 强度, or a unit per something such as `吨标准煤/万元`). Its districts' values never add up.
pub fn is_ratio(name: &str, unit: &str) -> bool {
    let u: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    if matches!(u.as_str(), "%" | "％" | "‰" | "百分比" | "百分点" | "倍") || u.contains('/') {
        return true;
    }
    const WORDS: [&str; 6] = ["比例", "比重", "占比", "率", "强度", "系数"];
    if WORDS.iter().any(|w| u.contains(w)) {
        return true;
    }
    // By name: 覆盖率, 研发投入强度, 占GDP比重 — unless the unit counts things or money
    // (功率 in 万千瓦, a 率 in a firm's name counted in 家).
    let money = u.ends_with('元');
    WORDS.iter().any(|w| name.contains(w)) && unit_kind(&u) != UnitKind::Count && !money
}

/// Whether an indicator is per head (or per so many people): 每万人, 人均, 每千人, 每百人,
/// 每十万人, or a 万人…拥有量.
pub fn is_per_capita(name: &str) -> bool {
    const WORDS: [&str; 7] = ["每万人", "人均", "每千人", "每百人", "每十万人", "每万名", "每万户"];
    if WORDS.iter().any(|w| name.contains(w)) {
        return true;
    }
    match name.find("万人") {
        Some(i) => name[i..].contains("拥有量") || name[i..].contains("拥有"),
        None => false,
    }
}

/// The roll-up rule an indicator gets when it is made from a plan's target: a ratio or
/// per-capita figure is never summed — a weighted mean when a weight is known, else the
/// city's own figure (an unweighted mean of district ratios misleads as much as a sum) —;
/// counts and amounts add up.
pub fn default_rollup(name: &str, unit: &str, weight_known: bool) -> Rollup {
    if is_ratio(name, unit) || is_per_capita(name) {
        if weight_known {
            Rollup::WeightedMean
        } else {
            Rollup::None
        }
    } else {
        Rollup::Sum
    }
}

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
        assert_eq!("加权平均".parse::<Rollup>().unwrap(), Rollup::WeightedMean);
        assert_eq!("weighted_mean".parse::<Rollup>().unwrap(), Rollup::WeightedMean);
        assert_eq!("不汇总".parse::<Rollup>().unwrap(), Rollup::None);
        assert_eq!("max".parse::<Rollup>().unwrap(), Rollup::Max);
        assert!("median".parse::<Rollup>().unwrap_err().contains("weighted_mean/加权平均"));
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
    fn ratios_and_per_capita_are_never_summed() {
        // Per head, whatever the unit says.
        assert!(is_per_capita("每万人口高价值发明专利拥有量"));
        assert!(is_per_capita("人均地区生产总值"));
        assert!(is_per_capita("每千人口拥有执业医师数"));
        assert!(is_per_capita("万人发明专利拥有量"));
        assert!(!is_per_capita("常住人口"));
        assert!(!is_per_capita("新增就业10万人"));
        // Ratios by unit or by name.
        assert!(is_ratio("全社会研发经费投入强度", "%"));
        assert!(is_ratio("单位GDP能耗", "吨标准煤/万元"));
        assert!(is_ratio("森林覆盖率", ""));
        assert!(is_ratio("研发投入强度", ""));
        assert!(is_ratio("城镇化率", "‰"));
        assert!(!is_ratio("高新技术企业", "家"));
        assert!(!is_ratio("技术合同成交额", "亿元"));
        assert!(!is_ratio("高效率企业", "家"));
        // The defaults: never a sum for those; a weighted mean once a weight is known.
        assert_eq!(default_rollup("每万人口高价值发明专利拥有量", "件", false), Rollup::None);
        assert_eq!(default_rollup("每万人口高价值发明专利拥有量", "件", true), Rollup::WeightedMean);
        assert_eq!(default_rollup("全社会研发经费投入强度", "%", false), Rollup::None);
        assert_eq!(default_rollup("基础研究经费占研发经费比重", "%", true), Rollup::WeightedMean);
        assert_eq!(default_rollup("高新技术企业", "家", false), Rollup::Sum);
        assert_eq!(default_rollup("技术合同成交额", "亿元", true), Rollup::Sum);
    }

    #[test]
    fn units_fold() {
        assert!(same_unit("亿", "亿元"));
        assert!(same_unit("%", "％"));
        assert!(!same_unit("亿元", "万元"));
    }
}

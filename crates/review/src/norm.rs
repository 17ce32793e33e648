//! Normalisation of indicator names and units, and the direction of an indicator.
//!
//! Two plans name the same indicator differently (`全市规上工业增加值` / `规模以上工业增加值`,
//! `新型研发机构数量` / `新型研发机构`) and count it in different units (`1.2万亿元` /
//! `12000亿元`, `家` / `个`). The review matches targets by the normalised name and compares
//! values in the base unit of the unit's class; units of different classes are never compared.

/// Scope prefixes dropped from the front of an indicator name: the plan's own territory.
const SCOPE_PREFIXES: &[&str] =
    &["全市", "全省", "全区", "全县", "全国", "我市", "我省", "我区", "本市", "本省", "全域", "全社会"];

/// Abbreviations written out, longest first (`规上` = `规模以上`).
const SYNONYMS: &[(&str, &str)] = &[
    ("规上", "规模以上"),
    ("研发投入", "研发经费投入"),
    ("研究与试验发展", "研发"),
    ("R&D", "研发"),
    ("GDP", "地区生产总值"),
    ("国内生产总值", "地区生产总值"),
    ("高新技术企业数", "高新技术企业"),
    ("人工智能", "AI"),
];

/// Words that carry no meaning for matching: dropped anywhere in the name.
const FILLERS: &[&str] = &["的", "数量", "总数", "个数", "家数", "总量"];

/// The normalised name of an indicator: scope prefixes (and the plan's own region, given in
/// `region`) dropped from the front, abbreviations written out, fillers, spaces and
/// punctuation dropped, brackets half-width.
pub fn indicator(name: &str, region: Option<&str>) -> String {
    let mut s: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '、' | '，' | ',' | '·'))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    loop {
        let before = s.len();
        // A prefix is dropped only when a name of two characters or more remains.
        let strip = |s: &mut String, p: &str| {
            if let Some(rest) = s.strip_prefix(p).filter(|r| !p.is_empty() && r.chars().count() >= 2) {
                *s = rest.to_string();
            }
        };
        for p in SCOPE_PREFIXES {
            strip(&mut s, p);
        }
        // `年技术合同成交额` is the annual figure the plan means anyway (not `年均`).
        if !s.starts_with("年均") && !s.starts_with("年度") {
            strip(&mut s, "年");
        }
        if let Some(r) = region.filter(|r| !r.is_empty()) {
            let short = r.trim_end_matches(['市', '省', '区', '县']);
            strip(&mut s, r);
            strip(&mut s, short);
        }
        if s.len() == before {
            break;
        }
    }
    for (from, to) in SYNONYMS {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    for f in FILLERS {
        if s.contains(f) && s.len() > f.len() {
            s = s.replace(f, "");
        }
    }
    s
}

/// Names that do not say what they measure on their own: a share with its subject lost
/// (`占地区生产总值的比重`, left when a sentence names the subject once for two figures) or a
/// bare `产业规模` whose industry is the plan's. Two plans' generic names are not the same
/// indicator (Chongqing's R&D `占地区生产总值比重` 2.6% is not Jinan's digital-economy share 50%).
pub fn is_generic(normalised: &str) -> bool {
    const GENERIC: &[&str] = &[
        "产业规模",
        "规模",
        "总规模",
        "营业收入",
        "主营业务收入",
        "产值",
        "总产值",
        "增加值",
        "比重",
        "占比",
        "收入",
        "产业能级",
    ];
    normalised.starts_with('占') || normalised.starts_with("其中") || GENERIC.contains(&normalised)
}

/// The class of a unit: values are compared only within one class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitClass {
    /// Money, base unit 元.
    Money,
    /// A share or rate, base unit %.
    Percent,
    /// Percentage points (`个百分点`).
    Points,
    /// Countable things: 个, 家, 项, 户, 所, 座, 条, 种, 件, 台, 套, 处.
    Count,
    /// People: 人, 名, 位.
    People,
    /// Times (`倍`).
    Multiple,
    /// Any other unit, compared only with itself (the string is the unit as written).
    Other,
}

/// A unit read: its class, the factor to the class's base unit, and the unit as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub class: UnitClass,
    pub factor: f64,
    /// The unit as written (trimmed); for [`UnitClass::Other`] the identity of the unit.
    pub written: String,
}

const COUNT_WORDS: &[&str] =
    &["个", "家", "项", "户", "所", "座", "条", "种", "件", "台", "套", "处", "款", "批", "场", "场次", "次"];
const PEOPLE_WORDS: &[&str] = &["人", "名", "位", "人次"];

/// Reads a unit as written in a target (`亿元`, `%`, `万家`, `个百分点` …).
pub fn unit(written: &str) -> Unit {
    let w: String = written.chars().filter(|c| !c.is_whitespace()).collect();
    let w = w.replace('％', "%");
    let (class, factor) = match w.as_str() {
        "元" => (UnitClass::Money, 1.0),
        "万元" => (UnitClass::Money, 1e4),
        "亿元" => (UnitClass::Money, 1e8),
        "万亿元" => (UnitClass::Money, 1e12),
        "%" => (UnitClass::Percent, 1.0),
        "‰" => (UnitClass::Percent, 0.1),
        "个百分点" | "百分点" => (UnitClass::Points, 1.0),
        "倍" => (UnitClass::Multiple, 1.0),
        _ => {
            let (mul, rest) = if let Some(r) = w.strip_prefix("万") {
                (1e4, r)
            } else if let Some(r) = w.strip_prefix("亿") {
                (1e8, r)
            } else if let Some(r) = w.strip_prefix("千") {
                (1e3, r)
            } else if let Some(r) = w.strip_prefix("百") {
                (1e2, r)
            } else {
                (1.0, w.as_str())
            };
            if COUNT_WORDS.contains(&rest) {
                (UnitClass::Count, mul)
            } else if PEOPLE_WORDS.contains(&rest) {
                (UnitClass::People, mul)
            } else {
                (UnitClass::Other, 1.0)
            }
        }
    };
    Unit { class, factor, written: w }
}

impl Unit {
    /// Whether values of the two units can be compared (same class; `Other` only when written
    /// the same).
    pub fn comparable(&self, other: &Unit) -> bool {
        self.class == other.class && (self.class != UnitClass::Other || self.written == other.written)
    }

    /// The key of the unit's class for grouping: the class, or the unit itself for `Other`.
    pub fn class_key(&self) -> String {
        match self.class {
            UnitClass::Other => format!("other:{}", self.written),
            c => format!("{c:?}").to_lowercase(),
        }
    }
}

/// Which way an indicator improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better: a higher target is stricter.
    Up,
    /// Less is better (`下降`, `降低`, `减少`, energy use, emissions, an upper bound): a lower
    /// target is stricter.
    Down,
}

const DOWN_WORDS: &[&str] = &[
    "下降",
    "降低",
    "降到",
    "降至",
    "减少",
    "压减",
    "压降",
    "能耗",
    "排放",
    "PUE",
    "电能利用效率",
    "事故",
    "发生率",
    "死亡率",
    "空置率",
    "不良率",
    "差距",
];

/// The direction of a target: from its name and phrase (`单位GDP能耗下降13.5%`, `PUE降到1.3以下`)
/// and its qualifier (`以内` is an upper bound).
pub fn direction(indicator: &str, text: &str, qualifier: &str) -> Direction {
    if qualifier == "以内" || qualifier == "以下" {
        return Direction::Down;
    }
    if DOWN_WORDS.iter().any(|w| indicator.contains(w) || text.contains(w)) {
        Direction::Down
    } else {
        Direction::Up
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_prefixes_and_region_are_dropped() {
        assert_eq!(indicator("全市规上工业增加值", None), "规模以上工业增加值");
        assert_eq!(indicator("我市规模以上工业增加值", None), "规模以上工业增加值");
        assert_eq!(indicator("重庆市规模以上工业增加值", Some("重庆市")), "规模以上工业增加值");
        assert_eq!(indicator("全市年技术合同成交额", None), "技术合同成交额");
        assert_eq!(indicator("年均增长", None), "年均增长");
        assert_eq!(indicator("重庆规模以上工业增加值", Some("重庆市")), "规模以上工业增加值");
        // Only prefixes: a scope inside the name (a share of a larger total) stays.
        assert_eq!(indicator("占全国比重", None), "占全国比重");
        // A name that is only the region is kept, not emptied.
        assert_eq!(indicator("重庆市", Some("重庆市")), "重庆市");
    }

    #[test]
    fn generic_names() {
        assert!(is_generic(&indicator("占地区生产总值的比重", None)));
        assert!(is_generic(&indicator("全市产业规模", None)));
        assert!(!is_generic(&indicator("数字经济核心产业增加值占GDP比重", None)));
        assert!(!is_generic(&indicator("人工智能核心产业规模", None)));
    }

    #[test]
    fn synonyms_and_fillers() {
        assert_eq!(indicator("新型研发机构数量", None), indicator("新型研发机构", None));
        assert_eq!(indicator("占地区生产总值的比重", None), indicator("占GDP比重", None));
        assert_eq!(indicator("每万家企业法人中高新技术企业数", None), "每万家企业法人中高新技术企业");
        assert_eq!(indicator("全社会研发经费投入", None), indicator("研发投入", None));
        assert_eq!(indicator("（重庆）科学城", None), "(重庆)科学城");
        // The filler alone is not removed to nothing.
        assert_eq!(indicator("数量", None), "数量");
    }

    #[test]
    fn units_by_class_and_factor() {
        let yi = unit("亿元");
        let wanyi = unit("万亿元");
        assert_eq!(yi.class, UnitClass::Money);
        assert!(yi.comparable(&wanyi));
        assert_eq!(wanyi.factor / yi.factor, 1e4);
        assert_eq!(unit("万元").factor, 1e4);
        assert!(unit("个").comparable(&unit("家")));
        assert!(unit("项").comparable(&unit("户")));
        assert_eq!(unit("万家").factor, 1e4);
        assert_eq!(unit("％").class, UnitClass::Percent);
        assert!(!unit("%").comparable(&unit("个百分点")));
        assert!(!unit("亿元").comparable(&unit("%")));
        assert!(!unit("家").comparable(&unit("人")));
        assert!(unit("EFLOPS").comparable(&unit("EFLOPS")));
        assert!(!unit("EFLOPS").comparable(&unit("EB")));
        // Hostile: empty and odd units are their own class, never a false match.
        assert_eq!(unit("").class, UnitClass::Other);
        assert!(!unit("万").comparable(&unit("个")));
    }

    #[test]
    fn direction_from_words_and_qualifier() {
        assert_eq!(direction("单位地区生产总值能耗", "单位地区生产总值能耗下降13.5%", ""), Direction::Down);
        assert_eq!(direction("数据中心电能利用效率", "PUE降到1.3以下", "以内"), Direction::Down);
        assert_eq!(direction("研发经费投入强度", "达到2.6%", "达到"), Direction::Up);
        assert_eq!(direction("专精特新企业", "培育100家", ""), Direction::Up);
    }
}

//! Figures with their units as plans write them: Arabic and Chinese numerals, multipliers
//! (`4.5万家`, `百家`, `千家`, `万亿`), ranges (`8—10个`, `1-2场`, `8%—12%`), magnitudes (`千亿级`),
//! units from `data/cues.toml` and Latin units by their letters (`12EFLOPS`, `450cm3/h`, `5000M`).

use crate::cues::TargetCues;
use crate::numbers::parse_number;

#[derive(Debug, Clone)]
pub struct Quantity {
    /// Byte range of the figure and its unit in the paragraph.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    pub kind: &'static str,
    /// `级` magnitudes: `千亿级的产业集群`.
    pub magnitude: bool,
    /// The unit is written in Latin letters (`EFLOPS`, `MW`): a measure, or a product name.
    pub latin: bool,
}

pub fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '两'
            | '万'
    )
}

/// Separators of a range: `8—10个`, `1-2家`, `3到5个`.
const RANGE_SEPS: &[&str] = &["—", "-", "~", "～", "至", "–", "到", "－"];

/// A Latin unit at the start of `s` (`EFLOPS`, `cm3/h`, `M`): its length in bytes. It must not
/// run into a Chinese noun (`5G基站`, `3D打印` are names, not measures).
fn latin_unit(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !b.first()?.is_ascii_alphabetic() {
        return None;
    }
    let len = b.iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.')).count();
    let len = s[..len].trim_end_matches(['.', '/']).len();
    if len > 12 {
        return None;
    }
    let after = s[len..].trim_start_matches(' ');
    // `5万m³/年`, `5G、北斗`, `4K/8K`, `(6G)`: a capacity, a list or a name of technologies.
    if after.starts_with(['/', '³', '²', '·', '×', '、', '+', '-', ')', '）'])
        || ["等", "和", "与", "及"].iter().any(|w| after.starts_with(w))
    {
        return None;
    }
    let ok_after = after.is_empty()
        || after.starts_with(|c: char| !super::super::text::is_cjk(c) && c != '“' && c != '(' && c != '（')
        || ["以上", "以下", "以内", "左右", "级", "的", "等级", "量级", "规模"].iter().any(|w| after.starts_with(w));
    ok_after.then_some(len)
}

/// Parses a quantity at byte `i` of `s`.
pub fn quantity_at(s: &str, i: usize, cues: &TargetCues) -> Option<Quantity> {
    let rest = &s[i..];
    // `迈上万亿台阶`: a bare 万亿 is ten thousand 亿元.
    if rest.starts_with("万亿")
        && !s[..i].ends_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十百千两".contains(c))
    {
        let unit_len = if rest["万亿".len()..].starts_with('元') { '元'.len_utf8() } else { 0 };
        return Some(Quantity {
            start: i,
            end: i + "万亿".len() + unit_len,
            value: 10000.0,
            value_max: None,
            unit: "亿元".into(),
            kind: "amount",
            magnitude: false,
            latin: false,
        });
    }
    let first = rest.chars().next()?;
    let arabic = first.is_ascii_digit();
    if !arabic && !matches!(first, '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '两')
    {
        return None;
    }
    // `04个`: a count with a leading zero is garbled; it is not used.
    if arabic && rest.starts_with('0') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // `数十亿`, `上百家`, `几千`: vague amounts, not figures.
    if !arabic && s[..i].ends_with(['数', '几', '上', '逾']) {
        return None;
    }
    let (mut value, mut used) = parse_number(rest)?;
    // `500万元`: 万元 is a unit of its own, not a multiplier.
    if rest[..used].ends_with('万')
        && cues.unit_at(&rest[used - '万'.len_utf8()..]).is_some_and(|(u, _)| u.starts_with('万'))
    {
        value /= 10_000.0;
        used -= '万'.len_utf8();
    }
    let mut j = i + used;
    // Figures in PDF copies are set off by spaces: `建成 500 个以上`.
    let skip_spaces = |j: usize| j + s[j..].len() - s[j..].trim_start_matches(' ').len();
    let mut unit: Option<(String, &'static str)> = None;
    let mut magnitude = false;
    let mut latin = false;
    let mut after = &s[skip_spaces(j)..];
    if after.starts_with('亿') {
        j = skip_spaces(j);
        // 亿 followed by a money unit is part of it; bare 亿 means 亿元 (`千亿级`, `超10亿的`).
        if let Some((u, k)) = cues.unit_at(after).filter(|(u, _)| u.starts_with('亿')) {
            unit = Some((u.to_string(), k));
            j += u.len();
        } else {
            // `百亿亿次`: operations per second, not money.
            if after['亿'.len_utf8()..].starts_with(['亿', '次']) {
                return None;
            }
            unit = Some(("亿元".to_string(), "amount"));
            j += '亿'.len_utf8();
            if s[j..].starts_with('级') {
                magnitude = true;
                j += '级'.len_utf8();
            }
        }
        after = &s[j..];
    }
    let mut value_max = None;
    if unit.is_none() {
        // Range before the unit: 8—10个, 1-2家, 3到5个.
        if let Some(sep) = RANGE_SEPS.iter().find(|sep| after.starts_with(**sep)) {
            let r = &after[sep.len()..];
            if let Some((v2, used2)) = parse_number(r) {
                if v2 > value {
                    let r2 = r[used2..].trim_start_matches(' ');
                    if let Some((u, k)) = cues.unit_at(r2) {
                        value_max = Some(v2);
                        unit = Some((u.to_string(), k));
                        j = skip_spaces(j) + sep.len() + (r.len() - r2.len()) + u.len();
                    }
                }
            }
        }
        if unit.is_none() {
            let at = skip_spaces(j);
            let after = &s[at..];
            if let Some((u, k)) = cues.unit_at(after) {
                unit = Some((u.to_string(), k));
                j = at + u.len();
            } else if arabic {
                let n = latin_unit(after)?;
                unit = Some((after[..n].to_string(), "amount"));
                latin = true;
                j = at + n;
            } else {
                return None;
            }
            // Range after the unit: 8%—12%.
            let u = unit.as_ref().map(|(u, _)| u.clone()).unwrap_or_default();
            let after_unit = &s[j..];
            if let Some(sep) = RANGE_SEPS.iter().take(5).find(|sep| after_unit.starts_with(**sep)) {
                let r = &after_unit[sep.len()..];
                if let Some((v2, used2)) = parse_number(r) {
                    if r[used2..].starts_with(u.as_str()) && v2 > value {
                        value_max = Some(v2);
                        j += sep.len() + used2 + u.len();
                    }
                }
            }
        }
    }
    let (unit, kind) = unit?;
    // `百度`: a Chinese numeral before a unit of measure is a word, not a figure.
    if !arabic && kind == "amount" && !unit.ends_with('元') {
        return None;
    }
    // `6个月`, `3个工作日`: durations, not counts.
    if unit == "个" && s[j..].starts_with(['月', '小', '工']) {
        return None;
    }
    // A bare Chinese 一/两 with a unit is rarely a figure (`一个`, `两江`); Chinese numerals need
    // a real count.
    if !arabic && value < 3.0 {
        return None;
    }
    Some(Quantity { start: i, end: j, value, value_max, unit, kind, magnitude, latin })
}

/// Words that set the level of an indicator right before a figure (`指数达到125左右`).
const LEVEL_WORDS: &[&str] = &[
    "达到",
    "降到",
    "降至",
    "降低到",
    "降低至",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "保持在",
    "稳定在",
    "控制在",
    "超过",
    "突破",
    "不低于",
    "不少于",
    "低于",
    "小于",
    "大于",
    "高于",
];

/// A figure without a unit that sets an indicator's level (`两化融合发展指数达到125左右`,
/// `电能利用效率降到1.3以下`): unit `""`, kind `amount`.
pub fn bare_figure_at(s: &str, i: usize) -> Option<Quantity> {
    if !s[i..].starts_with(|c: char| c.is_ascii_digit()) || !LEVEL_WORDS.iter().any(|w| s[..i].ends_with(w)) {
        return None;
    }
    let (value, used) = parse_number(&s[i..])?;
    if s[i..i + used].ends_with('万') {
        return None;
    }
    let after = &s[i + used..];
    let ends = after.is_empty()
        || after.starts_with([',', '。', ';', '，', '；', '、'])
        || ["左右", "以上", "以下", "以内"].iter().any(|w| after.starts_with(w));
    ends.then_some(Quantity {
        start: i,
        end: i + used,
        value,
        value_max: None,
        unit: String::new(),
        kind: "amount",
        magnitude: false,
        latin: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        let d = crate::Dictionaries::builtin();
        let q = |s: &str| quantity_at(s, 0, &d.cues.targets).map(|q| (q.value, q.value_max, q.unit));
        assert_eq!(q("8—10个特色"), Some((8.0, Some(10.0), "个".into())));
        assert_eq!(q("4.5万家"), Some((45000.0, None, "家".into())));
        assert_eq!(q("1100亿元"), Some((1100.0, None, "亿元".into())));
        assert_eq!(q("百家高新"), Some((100.0, None, "家".into())));
        assert_eq!(q("8%—12%用于"), Some((8.0, Some(12.0), "%".into())));
        assert_eq!(q("75人年"), Some((75.0, None, "人年".into())));
        assert_eq!(q("1000万平方米以上"), Some((10_000_000.0, None, "平方米".into())));
        assert_eq!(q("500万元"), Some((500.0, None, "万元".into())));
        assert_eq!(q("一批"), None);
        assert_eq!(q("12EFLOPS。"), Some((12.0, None, "EFLOPS".into())));
        assert_eq!(q("450cm3/h,"), Some((450.0, None, "cm3/h".into())));
        assert_eq!(q("5000M以上"), Some((5000.0, None, "M".into())));
        assert_eq!(q("5G基站"), None);
        assert_eq!(q("3D打印"), None);
        assert_eq!(q("500 个以上"), Some((500.0, None, "个".into())));
        assert_eq!(q("1—2场"), Some((1.0, Some(2.0), "场".into())));
        assert_eq!(q("千家企业"), Some((1000.0, None, "家".into())));
        assert_eq!(q("6个月内"), None);
        assert_eq!(q("2.2万亿元"), Some((22000.0, None, "亿元".into())));
        assert_eq!(q("百亿亿次级"), None);
        assert_eq!(q("百度“一基地”"), None);
        assert_eq!(q("6G)网络"), None);
        assert_eq!(q("04个平台"), None);
        let b = |s: &str, i: usize| bare_figure_at(s, i).map(|q| (q.value, q.unit));
        assert_eq!(b("指数达到125左右", "指数达到".len()), Some((125.0, String::new())));
        assert_eq!(b("效率降到1.3以下", "效率降到".len()), Some((1.3, String::new())));
        assert_eq!(b("达到2025年", "达到".len()), None);
        assert_eq!(b("共有125左右", "共有".len()), None);
    }
}

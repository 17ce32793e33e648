//! Number and text helpers shared by the formats and the charts.

/// A number as people write it in a report: at most two decimals, no trailing zeros,
/// no "-0".
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let decimals = if v.abs() >= 1000.0 {
        0
    } else if v.abs() >= 100.0 {
        1
    } else {
        2
    };
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// A ratio (1 = 100 %) as a percentage with one decimal: "85.3%" (the unit rule of
/// [`planwatch_monitor::units`]).
pub fn pct(v: f64) -> String {
    planwatch_monitor::units::format_share(v)
}

/// A value of an indicator by the rounding rule of its unit (12 家 → "12", 45.55 % →
/// "45.6%", 亿元 at most two decimals): [`planwatch_monitor::units::format_value`], the one
/// rule every report format, export and page uses.
pub fn value(v: f64, unit: &str, name: &str) -> String {
    planwatch_monitor::units::format_value(v, unit, name)
}

/// `value` of an optional value, "—" when missing.
pub fn opt_value(v: Option<f64>, unit: &str, name: &str) -> String {
    v.map_or_else(|| "—".into(), |v| value(v, unit, name))
}

/// `num` of an optional value, "—" when missing.
pub fn opt_num(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), num)
}

/// Escapes text for XML/HTML content and attribute values, and drops the control
/// characters XML 1.0 does not allow (they would make the document unreadable).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a character takes a full em (CJK ideographs, kana, hangul, full-width forms).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// An estimate of the width of `s` at `size` px: CJK characters are one em, others about
/// 0.58 em. Good enough to lay out labels without measuring fonts.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if is_wide(c) {
                1.0
            } else if c == ' ' {
                0.3
            } else {
                0.58
            }
        })
        .sum::<f64>()
        * size
}

/// `s` cut to fit `max_width` px at `size`, with "…" when cut.
pub fn fit(s: &str, max_width: f64, size: f64) -> String {
    if text_width(s, size) <= max_width {
        return s.to_string();
    }
    let mut out = String::new();
    let budget = max_width - size; // room for the ellipsis
    for c in s.chars() {
        let next = format!("{out}{c}");
        if text_width(&next, size) > budget {
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(123.45), "123.5");
        assert_eq!(num(1234.6), "1235");
        assert_eq!(num(-0.001), "0");
        assert_eq!(pct(0.853), "85.3%");
        assert_eq!(pct(1.0), "100.0%");
        assert_eq!(opt_num(None), "—");
        assert_eq!(value(12.0, "家", ""), "12");
        assert_eq!(value(45.55, "%", ""), "45.6%");
        assert_eq!(pct(0.4555), "45.6%");
    }

    #[test]
    fn escaping_and_fitting() {
        assert_eq!(xml_escape("a<b&\"c\u{1}"), "a&lt;b&amp;&quot;c");
        assert_eq!(fit("短", 100.0, 12.0), "短");
        let cut = fit("一二三四五六七八九十", 60.0, 12.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 60.0, "{cut}");
    }
}

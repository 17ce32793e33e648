//! Numbers as plans write them: Arabic (`4.5`, `1,200`), Chinese (`三十`, `两`, `一百二十`),
//! bare magnitudes (`百家` = 100, `千亿级` = 1000 亿) and mixed forms (`1.5万` = 15000).

const DIGITS: &[(char, u64)] = &[
    ('零', 0),
    ('〇', 0),
    ('一', 1),
    ('二', 2),
    ('两', 2),
    ('三', 3),
    ('四', 4),
    ('五', 5),
    ('六', 6),
    ('七', 7),
    ('八', 8),
    ('九', 9),
];

fn cn_digit(c: char) -> Option<u64> {
    DIGITS.iter().find(|(d, _)| *d == c).map(|(_, v)| *v)
}

/// Parses a Chinese integer below 10⁸ (`十三`, `一百二十`, `三千五百`, `二〇二五`).
pub fn parse_cn_int(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    // Digit-by-digit years: 二〇二五.
    if s.chars().count() >= 3 && s.chars().all(|c| cn_digit(c).is_some()) {
        return s.chars().try_fold(0u64, |acc, c| Some(acc * 10 + cn_digit(c)?));
    }
    let mut total = 0u64;
    let mut section = 0u64;
    let mut digit: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = cn_digit(c) {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10_000,
            _ => return None,
        };
        if unit == 10_000 {
            total += (section + digit.unwrap_or(0)).max(1) * unit;
            section = 0;
        } else {
            section += digit.unwrap_or(1) * unit;
        }
        digit = None;
    }
    Some(total + section + digit.unwrap_or(0))
}

/// A number at the start of `s`: value and bytes used. Handles Arabic numbers with decimals
/// and thousands separators, Chinese numerals, and a following `万` multiplier
/// (`4.5万` → 45000). `亿` is left to the unit (`4000亿元` stays 4000 with unit `亿元`),
/// except in `万亿` which becomes 10000 of it.
pub fn parse_number(s: &str) -> Option<(f64, usize)> {
    let b = s.as_bytes();
    let (mut value, mut used) = if b.first().is_some_and(u8::is_ascii_digit) {
        let mut i = 0;
        let mut text = String::new();
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_digit() {
                text.push(c as char);
                i += 1;
            } else if c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit) && !text.contains('.') {
                text.push('.');
                i += 1;
            } else if c == b','
                && b.len() >= i + 4
                && b[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
                && !text.contains('.')
            {
                i += 1; // thousands separator: 1,200
            } else {
                break;
            }
        }
        (text.parse::<f64>().ok()?, i)
    } else {
        let used: usize = s
            .chars()
            .take_while(|c| cn_digit(*c).is_some() || matches!(c, '十' | '百' | '千'))
            .map(char::len_utf8)
            .sum();
        if used == 0 {
            return None;
        }
        (parse_cn_int(&s[..used])? as f64, used)
    };
    if s[used..].starts_with('万') {
        value *= 10_000.0;
        used += '万'.len_utf8();
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_integers() {
        for (s, v) in [
            ("三", 3),
            ("十", 10),
            ("十三", 13),
            ("二十", 20),
            ("一百二十", 120),
            ("百", 100),
            ("两", 2),
            ("三千五百", 3500),
            ("二〇三五", 2035),
            ("五百", 500),
            ("十五", 15),
        ] {
            assert_eq!(parse_cn_int(s), Some(v), "{s}");
        }
        assert_eq!(parse_cn_int("年"), None);
    }

    #[test]
    fn numbers_with_multipliers() {
        assert_eq!(parse_number("4.5万家"), Some((45000.0, 6)));
        assert_eq!(parse_number("1000万平方米"), Some((10_000_000.0, 7)));
        assert_eq!(parse_number("1,200家"), Some((1200.0, 5)));
        assert_eq!(parse_number("百家"), Some((100.0, 3)));
        assert_eq!(parse_number("千亿级"), Some((1000.0, 3)));
        assert_eq!(parse_number("2.6%"), Some((2.6, 3)));
        assert_eq!(parse_number("12.2>10"), Some((12.2, 4)));
        assert_eq!(parse_number("万亿"), None);
    }
}

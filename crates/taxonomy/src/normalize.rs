//! Normalisation of industry names before lookup: full-width forms folded to half-width,
//! ASCII lower-cased, spaces, quotes and title marks dropped, bracketed asides removed (kept
//! when nothing else is left), and the generic suffixes (产业, 行业, 领域, 技术 …) recognised —
//! a suffix is only dropped where the name without it is itself in the dictionary.

/// Generic suffixes a plan adds to an industry name. Longest first.
pub const SUFFIXES: &[&str] = &["产业集群", "产业链", "产业", "行业", "领域", "技术", "赛道", "方向", "业"];

/// Conjunctions and separators that join several names in one item (氢能核能及新型储能).
pub const SEPARATORS: &[&str] = &["以及", "、", "和", "及", "与", "暨", "/", "，", ",", "；", ";", "+"];

/// The normalised form of a name.
pub fn normalize(s: &str) -> String {
    let folded: String = s
        .chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            };
            let c = match c {
                '【' | '〔' | '[' | '〖' | '﹝' => '(',
                '】' | '〕' | ']' | '〗' | '﹞' => ')',
                '—' | '–' => '-',
                c => c,
            };
            if c.is_whitespace()
                || matches!(c, '“' | '”' | '‘' | '’' | '"' | '\'' | '《' | '》' | '「' | '」' | '·' | '•')
            {
                None
            } else {
                Some(c.to_ascii_lowercase())
            }
        })
        .collect();
    let stripped = strip_brackets(&folded);
    if stripped.chars().count() >= 2 {
        stripped
    } else {
        folded.chars().filter(|c| !matches!(c, '(' | ')')).collect()
    }
}

/// The text with every `( … )` aside removed (unbalanced brackets dropped).
fn strip_brackets(s: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The name without one generic suffix, when at least two characters remain.
pub fn without_suffix(norm: &str) -> Option<&str> {
    SUFFIXES.iter().find_map(|suf| {
        let rest = norm.strip_suffix(suf)?;
        (rest.chars().count() >= 2).then_some(rest)
    })
}

/// The parts of a name joined by conjunctions or separators, each of two characters or more
/// (empty when the name is one part).
pub fn parts(norm: &str) -> Vec<&str> {
    let mut parts = vec![norm];
    for sep in SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    let parts: Vec<&str> = parts.into_iter().filter(|p| p.chars().count() >= 2).collect();
    if parts.len() >= 2 {
        parts
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_brackets_and_quotes_fold() {
        assert_eq!(normalize("６Ｇ　通信"), "6g通信");
        assert_eq!(normalize("零碳负碳（碳捕集利用及封存）"), "零碳负碳");
        assert_eq!(normalize("“元宇宙”"), "元宇宙");
        assert_eq!(normalize("（人工智能）"), "人工智能");
        assert_eq!(normalize("eVTOL"), "evtol");
    }

    #[test]
    fn a_suffix_is_offered_not_forced() {
        assert_eq!(without_suffix("氢能产业"), Some("氢能"));
        assert_eq!(without_suffix("生物技术"), Some("生物"));
        assert_eq!(without_suffix("产业"), None);
        assert_eq!(without_suffix("新能源汽车"), None);
    }

    #[test]
    fn parts_split_on_conjunctions() {
        assert_eq!(parts("氢能核能及新型储能"), ["氢能核能", "新型储能"]);
        assert_eq!(parts("脑机接口及脑科学"), ["脑机接口", "脑科学"]);
        assert!(parts("人工智能").is_empty());
    }
}

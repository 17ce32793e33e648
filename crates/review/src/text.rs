//! Sentences around spans, and a character-bigram similarity.

use crate::Cited;
use planwatch_core::model::Span;
use std::collections::HashSet;

/// The most bytes a cited sentence reaches either side of its item.
const SENTENCE_REACH: usize = 600;

fn is_stop(c: char) -> bool {
    matches!(c, '。' | '；' | '！' | '？' | '\n' | ';')
}

/// The item with its sentence: the span widened to the sentence stops around it, within
/// [`SENTENCE_REACH`] bytes. A span that does not fit the text (a text that is not the plan's)
/// cites the item alone.
pub fn cite(text: &str, item: &str, span: Span) -> Cited {
    let [a, b] = span;
    let fits = a <= b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b);
    if !fits {
        return Cited { item: item.to_string(), item_span: span, sentence: item.to_string(), span };
    }
    let mut start = a;
    for (i, c) in text[..a].char_indices().rev() {
        if is_stop(c) || a - i > SENTENCE_REACH {
            break;
        }
        start = i;
    }
    let mut end = b;
    for (i, c) in text[b..].char_indices() {
        end = b + i + c.len_utf8();
        if is_stop(c) || i > SENTENCE_REACH {
            if c == '\n' {
                end -= 1;
            }
            break;
        }
    }
    if end < b {
        end = b;
    }
    let sentence = text[start..end].trim().to_string();
    Cited { item: item.to_string(), item_span: span, sentence, span: [start, end] }
}

/// Where the text states a period `start—end` (any dash, `至`, `~`), for citing it.
pub fn find_period(text: &str, start: i32, end: i32) -> Option<Span> {
    for sep in ["—", "-", "–", "－", "至", "~", "～", "——"] {
        for tail in ["年", ""] {
            let needle = format!("{start}{tail}{sep}{end}");
            if let Some(i) = text.find(&needle) {
                return Some([i, i + needle.len()]);
            }
        }
    }
    None
}

/// Character bigrams of the text's CJK letters and alphanumerics.
pub fn bigrams(s: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice coefficient of two bigram sets, 0–1.
pub fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_around_a_span() {
        let text = "一、目标。到2025年，科技型企业超过4.5万家；新型研发机构达到300家。二、任务";
        let a = text.find("科技型").unwrap();
        let b = text.find("万家").unwrap() + "万家".len();
        let c = cite(text, "科技型企业超过4.5万家", [a, b]);
        assert_eq!(c.sentence, "到2025年，科技型企业超过4.5万家；");
        assert_eq!(&text[c.span[0]..c.span[1]], c.sentence);
        // Hostile: a span beyond the text or inside a character cites the item alone.
        let bad = cite(text, "x", [text.len() + 5, text.len() + 9]);
        assert_eq!(bad.sentence, "x");
        let mid = cite(text, "x", [1, 2]);
        assert_eq!(mid.sentence, "x");
    }

    #[test]
    fn period_is_found() {
        let text = "重庆市未来产业培育行动计划（2024—2027年）";
        let s = find_period(text, 2024, 2027).unwrap();
        assert_eq!(&text[s[0]..s[1]], "2024—2027");
        assert!(find_period(text, 2021, 2025).is_none());
    }

    #[test]
    fn dice_of_bigrams() {
        assert_eq!(dice(&bigrams("人工智能"), &bigrams("人工智能")), 1.0);
        assert_eq!(dice(&bigrams("人工智能"), &bigrams("")), 0.0);
        assert!(dice(&bigrams("发展人工智能产业"), &bigrams("人工智能产业发展")) > 0.6);
    }
}

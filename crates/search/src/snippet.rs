//! Snippets: a window of the unit's own text with the query words marked.
//!
//! Matching happens on the normalized (simplified, folded) text, display uses the document's
//! own characters. OpenCC's t2s usually maps character for character; when it kept the count,
//! positions found in the normalized text are the positions in the original. When it did not
//! (a phrase conversion changed the length), the simplified text is shown instead, so the marks
//! are always on the characters that matched.

use crate::text::{fold_char, is_cjk, is_word_char};

/// Characters of unit text shown in a snippet.
pub(crate) const SNIPPET_CHARS: usize = 160;
/// Characters kept before the first mark when the window has to start inside the unit.
const LEAD_CHARS: usize = 24;
const ELLIPSIS: char = '…';

/// A rendered snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snippet {
    pub text: String,
    /// Byte ranges into `text`, sorted and disjoint.
    pub highlights: Vec<[usize; 2]>,
    pub html: String,
}

/// Renders a snippet of `original` highlighting the normalized `words`.
pub(crate) fn render(original: &str, words: &[String]) -> Snippet {
    let converted = crate::text::mainland(original);
    let display: &str =
        if converted.chars().count() == original.chars().count() { original } else { converted.as_str() };
    let folded: Vec<char> = converted.chars().map(fold_char).collect();
    let shown: Vec<(usize, char)> = display.char_indices().collect();

    let marks = find_marks(&folded, words);
    let (from, to) = window(shown.len(), &marks);

    let mut text = String::with_capacity((to - from) * 3 + 8);
    if from > 0 {
        text.push(ELLIPSIS);
    }
    // Byte offset in `text` of each shown character, plus the end.
    let mut offsets = Vec::with_capacity(to - from + 1);
    for &(_, c) in &shown[from..to] {
        offsets.push(text.len());
        text.push(c);
    }
    offsets.push(text.len());
    if to < shown.len() {
        text.push(ELLIPSIS);
    }
    let highlights: Vec<[usize; 2]> = marks
        .iter()
        .filter(|&&(s, e)| e > from && s < to)
        .map(|&(s, e)| [offsets[s.max(from) - from], offsets[e.min(to) - from]])
        .collect();
    let html = to_html(&text, &highlights);
    Snippet { text, highlights, html }
}

/// Character ranges of the words in `folded`, merged. Whole words first; a word that does not
/// occur as such (its punctuation differed) is marked run by run.
fn find_marks(folded: &[char], words: &[String]) -> Vec<(usize, usize)> {
    let mut marks = Vec::new();
    for word in words {
        let needle: Vec<char> = word.chars().collect();
        let before = marks.len();
        find_all(folded, &needle, &mut marks);
        if marks.len() == before {
            for run in runs(&needle) {
                find_all(folded, run, &mut marks);
            }
        }
    }
    marks.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(marks.len());
    for (s, e) in marks {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Maximal runs of CJK or word characters of a word.
fn runs(word: &[char]) -> Vec<&[char]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < word.len() {
        let class = |c: char| {
            if is_cjk(c) {
                1
            } else if is_word_char(c) {
                2
            } else {
                0
            }
        };
        let k = class(word[i]);
        let mut j = i + 1;
        while j < word.len() && class(word[j]) == k {
            j += 1;
        }
        if k != 0 {
            out.push(&word[i..j]);
        }
        i = j;
    }
    out
}

/// Pushes every occurrence of `needle` in `hay`. Needles made of word characters (Latin
/// letters, digits) only match whole words, as the index does.
fn find_all(hay: &[char], needle: &[char], out: &mut Vec<(usize, usize)>) {
    if needle.is_empty() || needle.len() > hay.len() {
        return;
    }
    let starts_word = needle.first().is_some_and(|&c| is_word_char(c));
    let ends_word = needle.last().is_some_and(|&c| is_word_char(c));
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == *needle {
            let end = i + needle.len();
            let left_ok = !starts_word || i == 0 || !is_word_char(hay[i - 1]);
            let right_ok = !ends_word || end == hay.len() || !is_word_char(hay[end]);
            if left_ok && right_ok {
                out.push((i, end));
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// The character window `[from, to)` to show: the whole unit when short, otherwise the
/// stretch of [`SNIPPET_CHARS`] holding the most marks, starting a little before them.
fn window(len: usize, marks: &[(usize, usize)]) -> (usize, usize) {
    if len <= SNIPPET_CHARS {
        return (0, len);
    }
    let mut best = (0, 0usize);
    for (i, &(s, _)) in marks.iter().enumerate() {
        let from = s.saturating_sub(LEAD_CHARS).min(len - SNIPPET_CHARS);
        let count = marks[i..].iter().take_while(|&&(_, e)| e <= from + SNIPPET_CHARS).count();
        if count > best.1 {
            best = (from, count);
        }
    }
    (best.0, best.0 + SNIPPET_CHARS)
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

fn to_html(text: &str, highlights: &[[usize; 2]]) -> String {
    let mut html = String::with_capacity(text.len() + highlights.len() * 13 + 16);
    let mut at = 0;
    for &[s, e] in highlights {
        escape_html(&text[at..s], &mut html);
        html.push_str("<mark>");
        escape_html(&text[s..e], &mut html);
        html.push_str("</mark>");
        at = e;
    }
    escape_html(&text[at..], &mut html);
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> Vec<&str> {
        s.highlights.iter().map(|&[a, b]| &s.text[a..b]).collect()
    }

    #[test]
    fn traditional_text_is_shown_and_marked_in_place() {
        let s = render("發展積體電路產業", &["集成电路".to_string()]);
        assert_eq!(s.text, "發展積體電路產業");
        assert_eq!(marked(&s), vec!["積體電路"]);
        assert_eq!(s.html, "發展<mark>積體電路</mark>產業");
    }

    #[test]
    fn html_is_escaped_everywhere() {
        let s = render("<script>alert('x')</script> & \"氢能\"", &["氢能".to_string()]);
        assert_eq!(s.html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;<mark>氢能</mark>&quot;");
        assert_eq!(marked(&s), vec!["氢能"]);
    }

    #[test]
    fn long_units_are_windowed_around_marks() {
        let text = format!("{}培育链主企业{}", "甲".repeat(400), "乙".repeat(400));
        let s = render(&text, &["链主企业".to_string()]);
        assert!(s.text.starts_with(ELLIPSIS) && s.text.ends_with(ELLIPSIS));
        assert_eq!(s.text.chars().count(), SNIPPET_CHARS + 2);
        assert_eq!(marked(&s), vec!["链主企业"]);
    }

    #[test]
    fn latin_words_match_whole_words_case_insensitively() {
        let s = render("AI芯片 and email, 5G网络", &["ai".to_string(), "5g网络".to_string()]);
        assert_eq!(marked(&s), vec!["AI", "5G网络"]);
    }

    #[test]
    fn falls_back_to_runs_and_to_the_start() {
        let s = render("2024—2027年行动", &["2024-2027".to_string()]);
        assert_eq!(marked(&s), vec!["2024", "2027"]);
        let s = render("没有匹配", &["氢能".to_string()]);
        assert!(s.highlights.is_empty());
        assert_eq!(s.text, "没有匹配");
    }
}

//! Text normalisation and paragraph splitting shared by indexing, querying and snippets.
//!
//! Everything that is matched goes through [`normalize`], so the index, the query and the
//! highlighter agree on what "the same text" means: simplified script, ASCII width, lower case.

use planwatch_core::normalize::simplified;

/// Paragraphs longer than this many bytes are cut at sentence ends, so a hit still points at a
/// readable position and one huge line (a PDF page without line breaks) does not become one
/// index unit that matches everything.
pub(crate) const MAX_PARAGRAPH_BYTES: usize = 1_500;

/// A paragraph shorter than this is never cut further, even when no sentence end is in reach.
const MIN_CHUNK_BYTES: usize = 300;

/// Folds one character so that full-width forms and case do not matter when matching.
///
/// Always returns exactly one character: callers rely on folding keeping the character count,
/// which is what lets highlights found in folded text be mapped back to the original.
pub(crate) fn fold_char(c: char) -> char {
    let c = match c {
        // Full-width ASCII variants (Ａ, ５, ：) to their ASCII form.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c.is_uppercase() {
        let mut lower = c.to_lowercase();
        if let (Some(l), None) = (lower.next(), lower.next()) {
            return l;
        }
    }
    c
}

/// Folds every character of already simplified text (see [`fold_char`]).
pub(crate) fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// Text in the mainland's script and words: pinyin debris dropped, OpenCC traditional →
/// simplified, then Taiwan and Hong Kong phrases → the mainland's (see [`crate::vocabulary`]).
pub(crate) fn mainland(text: &str) -> String {
    crate::vocabulary::mainland(&simplified(&drop_pinyin(text)))
}

/// `text` without the pinyin that some crawled pages put after characters (網(wǎng),
/// 產(chǎn)業), which breaks words apart and fills snippets with noise; also the halves of one
/// cut by a line break (`無(wú)人機(j` ending a line, `ī)、商業` starting the next). A
/// parenthesis holding a tone-marked syllable right after a Chinese character is pinyin;
/// parentheses of other text (`(AI)`, `(5G)`, `(café)` after Latin) stay.
pub(crate) fn drop_pinyin(text: &str) -> std::borrow::Cow<'_, str> {
    use regex::Regex;
    use std::sync::OnceLock;
    const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ";
    static RULES: OnceLock<[Regex; 3]> = OnceLock::new();
    let [inside, head, tail] = RULES.get_or_init(|| {
        let letters = format!("[a-zü{TONED}]");
        let rule = |r: String| Regex::new(&r).expect("pinyin rule");
        [
            rule(format!(r"(\p{{Han}})\({letters}*[{TONED}]{letters}*\)")),
            rule(format!(r"^{letters}{{0,6}}\)(\p{{Han}}|\p{{P}})")),
            rule(format!(r"(\p{{Han}})\({letters}{{1,6}}$")),
        ]
    });
    if !text.contains(['(', ')']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let t = inside.replace_all(text, "$1");
    let t = match head.replace(&t, "$1") {
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
        std::borrow::Cow::Borrowed(_) => t,
    };
    match tail.replace(&t, "$1") {
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
        std::borrow::Cow::Borrowed(_) => t,
    }
}

/// The form in which text is indexed and queried: [`mainland`], then folded.
pub(crate) fn normalize(text: &str) -> String {
    fold(&mainland(text))
}

/// Characters that are indexed as overlapping bigrams: CJK ideographs, kana and the ideographic
/// zero. Chinese has no spaces, so these runs have no word boundaries of their own.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Characters that form words in non-CJK runs (Latin letters, digits, other scripts).
pub(crate) fn is_word_char(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}

/// Whether the text has anything that can be searched for.
pub(crate) fn has_searchable(text: &str) -> bool {
    text.chars().any(|c| c.is_alphanumeric() || is_cjk(c))
}

fn is_trim(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// Byte spans `[start, end)` of the paragraphs of `text`: its non-empty lines, trimmed of
/// surrounding whitespace, with over-long lines cut at sentence ends. Lines without any letter,
/// digit or CJK character are left out: nothing could ever match them.
pub(crate) fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let trimmed_front = line.trim_start_matches(is_trim);
        let s = start + (line.len() - trimmed_front.len());
        let e = s + trimmed_front.trim_end_matches(is_trim).len();
        if e <= s {
            continue;
        }
        chunk(text, s, e, &mut spans);
    }
    spans
}

/// Cuts `text[s..e]` into pieces of at most [`MAX_PARAGRAPH_BYTES`], preferring sentence ends,
/// then commas, then any character boundary; pushes the searchable, trimmed pieces.
fn chunk(text: &str, mut s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    while e - s > MAX_PARAGRAPH_BYTES {
        let piece = &text[s..e];
        let mut limit = MAX_PARAGRAPH_BYTES;
        while !piece.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &piece[..limit];
        let cut = last_after(window, &['。', '！', '？', '；', '!', '?', ';'])
            .or_else(|| last_after(window, &['，', ',', '、', '：', ':']))
            .unwrap_or(limit);
        push_trimmed(text, s, s + cut, out);
        s += cut;
    }
    push_trimmed(text, s, e, out);
}

/// Byte offset just after the last of `marks` in `window`, if it leaves a piece long enough.
fn last_after(window: &str, marks: &[char]) -> Option<usize> {
    window
        .char_indices()
        .rev()
        .find(|&(_, c)| marks.contains(&c))
        .map(|(i, c)| i + c.len_utf8())
        .filter(|&cut| cut >= MIN_CHUNK_BYTES)
}

fn push_trimmed(text: &str, s: usize, e: usize, out: &mut Vec<(usize, usize)>) {
    let piece = &text[s..e];
    let front = piece.trim_start_matches(is_trim);
    let ns = s + (piece.len() - front.len());
    let ne = ns + front.trim_end_matches(is_trim).len();
    if ne > ns && has_searchable(&text[ns..ne]) {
        out.push((ns, ne));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_char_count_and_folds_width_and_case() {
        let s = "ＡＩ芯片５Ｇ　Straße ÀB";
        let f = fold(s);
        assert_eq!(f.chars().count(), s.chars().count());
        assert_eq!(f, "ai芯片5g straße àb");
    }

    #[test]
    fn pinyin_debris_is_dropped_and_other_parentheses_stay() {
        assert_eq!(drop_pinyin("成都市人民政府網(wǎng)"), "成都市人民政府網");
        assert_eq!(drop_pinyin("發(fā)布《關(guān)於》"), "發布《關於》");
        assert_eq!(drop_pinyin("新一代無(wú)人機(j"), "新一代無人機");
        assert_eq!(drop_pinyin("ī)、商業(yè)航天"), "、商業航天");
        assert_eq!(drop_pinyin("n)業重點"), "業重點");
        for keep in ["人工智能(AI)", "第五代移动通信(5G)", "espresso(café)", "(一)总体要求", "规模(亿元)"]
        {
            assert_eq!(drop_pinyin(keep), keep);
        }
        assert_eq!(normalize("積(jī)體電路"), "集成电路");
    }

    #[test]
    fn normalize_simplifies() {
        assert_eq!(normalize("積體電路"), "集成电路");
        assert_eq!(normalize("機器學習"), "机器学习");
        assert_eq!(normalize("集成电路"), "集成电路");
    }

    #[test]
    fn paragraph_spans_are_trimmed_lines() {
        let text = "  第一段。 \r\n\n\u{3000}第二段\n——\nlast";
        let spans = paragraphs(text);
        let got: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(got, vec!["第一段。", "第二段", "last"]);
    }

    #[test]
    fn long_lines_are_cut_at_sentence_ends() {
        let sentence = "加快发展集成电路产业，培育链主企业。";
        let line = sentence.repeat(100);
        let text = format!("标题\n{line}\n尾");
        let spans = paragraphs(&text);
        assert!(spans.len() > 3, "{spans:?}");
        for &(s, e) in &spans {
            assert!(e - s <= MAX_PARAGRAPH_BYTES);
            let p = &text[s..e];
            assert!(p == "标题" || p == "尾" || p.ends_with('。'), "{p}");
        }
        // The pieces cover the whole line without gaps.
        let joined: String = spans[1..spans.len() - 1].iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(joined, line);
    }

    #[test]
    fn long_line_without_punctuation_is_cut_on_char_boundaries() {
        let text = "字".repeat(2_000);
        let spans = paragraphs(&text);
        assert!(spans.len() >= 4);
        let total: usize = spans.iter().map(|&(s, e)| e - s).sum();
        assert_eq!(total, text.len());
    }
}

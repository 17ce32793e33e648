//! Text clean-up shared by the XLSX and CSV writers: Excel's limits, sheet names, formula
//! injection and an estimate of how wide text is on screen.

use std::borrow::Cow;

/// Excel's limit for the text of one cell, counted in UTF-16 code units (what Excel and
/// `rust_xlsxwriter` count), not in Rust `char`s.
pub(crate) const MAX_CELL_UTF16: usize = 32_767;

/// Excel's limit for a sheet name, also in UTF-16 code units.
pub(crate) const MAX_SHEET_NAME_UTF16: usize = 31;

/// Marks text that was cut to fit a cell, so a reader knows the cell is not the whole text.
const ELLIPSIS: char = '…';

/// Makes text fit a cell.
///
/// Longer text is cut at a character boundary and ends in "…", because one over-long source
/// passage must not make the whole export fail. U+FFFE and U+FFFF, the two characters a
/// Rust string can hold but XML 1.0 forbids (so Excel would call the file corrupt), become
/// U+FFFD. Control characters need nothing here: `rust_xlsxwriter` escapes them as `_xHHHH_`.
/// Borrows in the common case, so a normal row costs no allocation.
pub(crate) fn cell_text(text: Cow<'_, str>) -> Cow<'_, str> {
    // A UTF-16 length never exceeds the UTF-8 length, so short text needs no counting.
    let too_long = text.len() > MAX_CELL_UTF16 && utf16_len(&text) > MAX_CELL_UTF16;
    let bad_chars = text.contains(['\u{FFFE}', '\u{FFFF}']);
    if !too_long && !bad_chars {
        return text;
    }
    let budget = if too_long { MAX_CELL_UTF16 - ELLIPSIS.len_utf16() } else { usize::MAX };
    let mut out = String::with_capacity(text.len().min(MAX_CELL_UTF16 * 3));
    let mut units = 0usize;
    for ch in text.chars() {
        let ch = if matches!(ch, '\u{FFFE}' | '\u{FFFF}') { '\u{FFFD}' } else { ch };
        if units + ch.len_utf16() > budget {
            out.push(ELLIPSIS);
            break;
        }
        units += ch.len_utf16();
        out.push(ch);
    }
    Cow::Owned(out)
}

/// Whether a spreadsheet program could read the text as a formula (or a DDE command) when it
/// is typed in or opened from CSV: the OWASP "CSV injection" list of leading characters.
pub(crate) fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text for a CSV field: formula-like text gets a leading `'`, which Excel and LibreOffice
/// show as text instead of evaluating (OWASP advice), then the cell limits apply as in the
/// XLSX so both files hold the same cells.
pub(crate) fn csv_text(text: Cow<'_, str>) -> Cow<'_, str> {
    if looks_like_formula(&text) {
        cell_text(Cow::Owned(format!("'{text}")))
    } else {
        cell_text(text)
    }
}

/// A sheet name Excel accepts, made from a free title (a plan's title is often longer than
/// Excel's 31 units and may hold `/` or `:`).
///
/// Forbidden characters (`[]:*?/\`) become `_`, control characters are dropped (they would
/// make the workbook XML invalid), leading and trailing apostrophes and spaces go, the name is
/// cut to 31 UTF-16 units, and `History` (reserved by Excel) or an empty result or one of
/// `taken` (compared case-insensitively, as Excel does) falls back to `fallback`.
pub(crate) fn sheet_name(title: &str, fallback: &str, taken: &[&str]) -> String {
    let mut name = String::new();
    let mut units = 0usize;
    for ch in title.chars() {
        let ch = match ch {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            '\u{FFFE}' | '\u{FFFF}' => continue,
            c if c.is_control() => continue,
            c => c,
        };
        if units + ch.len_utf16() > MAX_SHEET_NAME_UTF16 {
            break;
        }
        units += ch.len_utf16();
        name.push(ch);
    }
    let name = name.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    let clashes = taken.iter().any(|t| t.to_lowercase() == name.to_lowercase());
    if name.is_empty() || name.eq_ignore_ascii_case("history") || clashes {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// Length in UTF-16 code units.
pub(crate) fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Estimated width of text in Excel column units (the width of a "0"): CJK and full-width
/// characters count 2, others 1; the widest line counts. Stops counting at `cap`, because
/// the result is only used clamped and source passages can be long.
pub(crate) fn display_width(text: &str, cap: usize) -> usize {
    let mut widest = 0usize;
    let mut line = 0usize;
    for ch in text.chars() {
        if ch == '\n' {
            widest = widest.max(line);
            line = 0;
            continue;
        }
        line += char_width(ch);
        if line >= cap {
            return cap;
        }
    }
    widest.max(line)
}

/// Estimated number of lines `text` takes when wrapped at `width` units, at most `max_lines`.
///
/// Breaks anywhere, as Chinese text does; Latin words wrap at spaces in Excel and may take a
/// little more, which the row's spare room absorbs.
pub(crate) fn wrapped_lines(text: &str, width: usize, max_lines: usize) -> usize {
    let width = width.max(2);
    let mut lines = 1usize;
    let mut line = 0usize;
    for ch in text.chars() {
        if ch == '\n' {
            lines += 1;
            line = 0;
        } else {
            let w = char_width(ch);
            if line + w > width {
                lines += 1;
                line = w;
            } else {
                line += w;
            }
        }
        if lines >= max_lines {
            return max_lines;
        }
    }
    lines
}

/// Display columns of a character: two for East Asian wide and full-width characters
/// (unicode-width), at least one for every other character.
fn char_width(ch: char) -> usize {
    unicode_width::UnicodeWidthChar::width(ch).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_borrowed() {
        assert!(matches!(cell_text(Cow::Borrowed("推进制造业")), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_ellipsis_within_limit() {
        // Astral characters count 2 units each: the cut must not split one.
        let text = "𠀀".repeat(20_000);
        let out = cell_text(Cow::Borrowed(&text));
        assert!(out.ends_with('…'));
        assert!(utf16_len(&out) <= MAX_CELL_UTF16);
        // 16,383 astral characters (32,766 units) and the ellipsis.
        assert_eq!(utf16_len(&out), MAX_CELL_UTF16);
    }

    #[test]
    fn text_exactly_at_limit_is_kept() {
        let text = "a".repeat(MAX_CELL_UTF16);
        assert_eq!(cell_text(Cow::Borrowed(&text)), text.as_str());
        let text = "a".repeat(MAX_CELL_UTF16 + 1);
        let out = cell_text(Cow::Borrowed(&text));
        assert_eq!(utf16_len(&out), MAX_CELL_UTF16);
        assert!(out.ends_with("a…"));
    }

    #[test]
    fn xml_forbidden_chars_are_replaced() {
        assert_eq!(cell_text(Cow::Borrowed("a\u{FFFE}b\u{FFFF}")), "a\u{FFFD}b\u{FFFD}");
    }

    #[test]
    fn csv_prefixes_formula_like_text() {
        for s in ["=1+1", "+86", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_text(Cow::Borrowed(s)), format!("'{s}"));
        }
        assert_eq!(csv_text(Cow::Borrowed("a=1")), "a=1");
    }

    #[test]
    fn sheet_names_are_made_safe() {
        assert_eq!(sheet_name("a/b:c[d]*?\\", "x", &[]), "a_b_c_d____");
        assert_eq!(sheet_name("  'quoted'  ", "x", &[]), "quoted");
        assert_eq!(sheet_name("", "任务分工表", &[]), "任务分工表");
        assert_eq!(sheet_name("'''", "任务分工表", &[]), "任务分工表");
        assert_eq!(sheet_name("History", "任务分工表", &[]), "任务分工表");
        assert_eq!(sheet_name("说明", "任务分工表", &["说明"]), "任务分工表");
        assert_eq!(sheet_name("a\u{0}b\nc", "x", &[]), "abc");
        let long = "扬州市“十四五”先进制造业集群发展规划任务分工表（征求意见稿）";
        let name = sheet_name(long, "x", &[]);
        assert_eq!(utf16_len(&name), 31);
        assert!(long.starts_with(&name));
        // An astral character that would straddle the limit is left out whole.
        let name = sheet_name(&format!("{}𠀀", "a".repeat(30)), "x", &[]);
        assert_eq!(name, "a".repeat(30));
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("abc", 100), 3);
        assert_eq!(display_width("牵头单位", 100), 8);
        assert_eq!(display_width("ab\n牵头单位x", 100), 9);
        assert_eq!(display_width(&"字".repeat(1000), 60), 60);
    }

    #[test]
    fn line_estimates() {
        assert_eq!(wrapped_lines("", 10, 27), 1);
        assert_eq!(wrapped_lines("字字字字字", 10, 27), 1);
        assert_eq!(wrapped_lines("字字字字字字", 10, 27), 2);
        assert_eq!(wrapped_lines("a\nb\nc", 10, 27), 3);
        assert_eq!(wrapped_lines(&"字".repeat(100_000), 10, 27), 27);
    }
}

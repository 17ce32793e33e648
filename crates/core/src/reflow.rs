//! Paragraphs re-joined in hard-wrapped text, keeping a map back to the source.
//!
//! Text copied out of a PDF (or saved by a tool that wraps lines) breaks every paragraph at a
//! fixed width and leaves page numbers on lines of their own:
//!
//! ```text
//! ——行业应用显著深化。推动100个以上智能检测装备
//! 示范应用,培育一批优秀场景和示范工厂,深化智能检测装
//! 2
//! 备在机械、汽车……
//! ```
//!
//! The extractors read a paragraph as one line, so a goal broken over two lines would be lost.
//! A document is taken as hard-wrapped when many of its lines that do not end a sentence share
//! one display width; then a line of about that width that does not end a sentence is joined
//! with the next content line, and the page-number lines in between are dropped. Every deleted
//! byte is recorded, so spans still point at the source (line breaks included).

use crate::extract::text::find_lit;
use crate::normalize::Rewriter;

/// Display width of a line: CJK and full-width forms count two columns, the rest one.
///
/// Read from the bytes: ASCII counts one, a lead byte `E5`–`E9` (U+5000–U+9FFF, all wide)
/// two, and only the other characters are decoded for [`is_wide`].
fn width(s: &str) -> usize {
    let b = s.as_bytes();
    let mut w = 0;
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x < 0x80 {
            w += 1;
            i += 1;
        } else if (0xE5..=0xE9).contains(&x) {
            w += 2;
            i += 3;
        } else {
            // `i` is a character boundary: ASCII and three-byte characters were stepped over whole.
            let c = s[i..].chars().next().unwrap_or(' ');
            w += if is_wide(c) { 2 } else { 1 };
            i += c.len_utf8();
        }
    }
    w
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x2FFFD | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2014 | 0x2026)
}

/// Characters that end a paragraph line: a line ending in one of them is never joined.
fn ends_paragraph(t: &str) -> bool {
    t.ends_with(['。', '!', '?', '！', '？', ':', '：', ';', '；'])
}

/// A page number on a line of its own: `3`, `- 3 -`, `— 3 —`, `第 3 页`, `3/40`.
pub fn is_page_number(t: &str) -> bool {
    let t = t.trim();
    // A page number has a digit: most short lines (headings) have none.
    if t.is_empty() || t.len() > 24 || !t.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let inner = t
        .trim_matches(|c: char| c == '-' || c == '—' || c == '–' || c == ' ')
        .trim_start_matches('第')
        .trim_end_matches('页')
        .trim();
    // `3/40`: page 3 of 40.
    let inner = match inner.split_once('/') {
        Some((page, total)) if total.trim().bytes().all(|c| c.is_ascii_digit()) => page.trim(),
        _ => inner,
    };
    !inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit())
}

/// The wrap width of a hard-wrapped text, if it is one: the most common display width of the
/// lines that do not end a sentence, when at least 20 lines and a quarter of all content lines
/// have it (a few columns more or less: the last character may not fit).
pub fn wrap_width(text: &str) -> Option<usize> {
    scan_layout(text, false).0
}

/// [`wrap_width`] and whether [`reflow_with`] changes the text (it is hard-wrapped, or has a
/// paragraph broken inside a word or a heading glued to a paragraph), in one pass over the
/// lines.
pub fn layout(text: &str) -> (Option<usize>, bool) {
    let (wrap, fix) = scan_layout(text, true);
    (wrap, wrap.is_some() || fix)
}

/// Counts of line widths: an array for the usual widths, a map for the rare longer lines, and
/// the most common width kept as counts grow (no pass over the array at the end).
struct WidthCounts {
    small: Vec<usize>,
    large: std::collections::HashMap<usize, usize>,
    /// (count, width) of the most common width, the widest among equals.
    best: Option<(usize, usize)>,
}

impl WidthCounts {
    const SMALL: usize = 512;

    fn new() -> Self {
        WidthCounts { small: vec![0; Self::SMALL], large: Default::default(), best: None }
    }

    fn add(&mut self, w: usize) {
        let n = match self.small.get_mut(w) {
            Some(n) => n,
            None => self.large.entry(w).or_default(),
        };
        *n += 1;
        // Counts only grow: the largest (count, width) reached is the largest at the end.
        if self.best.is_none_or(|best| (*n, w) > best) {
            self.best = Some((*n, w));
        }
    }

    fn count(&self, w: usize) -> usize {
        match self.small.get(w) {
            Some(n) => *n,
            None => self.large.get(&w).copied().unwrap_or(0),
        }
    }
}

/// One pass over the lines for [`wrap_width`] and, with `fix`, for [`needs_layout_fix`].
fn scan_layout(text: &str, fix: bool) -> (Option<usize>, bool) {
    let mut counts = WidthCounts::new();
    let mut content = 0usize;
    let mut found = false;
    let mut prev = "";
    for line in crate::bytescan::lines(text) {
        let t = line.trim();
        if !t.is_empty() && !is_page_number(t) {
            content += 1;
            if !ends_paragraph(t) {
                counts.add(width(t));
            }
        }
        if fix && !found {
            found = needs_layout_fix_at(prev, t);
        }
        prev = t;
    }
    let wrap = counts.best.and_then(|(_, w)| {
        if w < 30 {
            return None;
        }
        let near: usize = (w - 2..=w + 2).map(|x| counts.count(x)).sum();
        (near >= 20 && near * 4 >= content).then_some(w)
    });
    (wrap, found)
}

/// Whether a line of this width is a full line of a text wrapped at `wrap`.
fn is_full(t: &str, wrap: usize) -> bool {
    let w = width(t);
    w + 6 >= wrap && w <= wrap + 2
}

/// Re-joins the paragraphs of a hard-wrapped text and puts headings glued to the end of the
/// previous paragraph (`…新格局。(二)供给能力提升工程`) on lines of their own; `None` when
/// nothing changes.
pub fn reflow(text: &str) -> Option<(String, Vec<(u32, u32)>)> {
    reflow_with(text, wrap_width(text))
}

/// [`reflow`] with the wrap width already known (see [`wrap_width`]).
pub fn reflow_with(text: &str, wrap: Option<usize>) -> Option<(String, Vec<(u32, u32)>)> {
    reflow_known(text, wrap, wrap.is_some() || needs_layout_fix(text))
}

/// [`reflow_with`] with both answers of [`layout`] known: `None` when `needed` is false.
pub fn reflow_known(text: &str, wrap: Option<usize>, needed: bool) -> Option<(String, Vec<(u32, u32)>)> {
    if !needed {
        return None;
    }
    // (offset, line with its break) of every line.
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut pos = 0;
    for l in crate::bytescan::lines_inclusive(text) {
        lines.push((pos, l));
        pos += l.len();
    }
    let mut w = Rewriter::with_capacity(text.len() + 64);
    let mut i = 0;
    // Where the current line's text starts: after the indentation of a joined line.
    let mut from: Option<usize> = None;
    while i < lines.len() {
        let (pos, line) = lines[i];
        let start = from.take().unwrap_or(pos);
        let body = &text[start..pos + line.strip_suffix('\n').unwrap_or(line).len()];
        let line_end = start + body.len();
        let has_break = line_end < pos + line.len();
        let t = body.trim();
        if wrap.is_some() && is_page_number(t) && start == pos {
            // A page number between paragraphs: the line goes, its break stays.
            w.deleted(pos);
            if has_break {
                w.push(line_end, '\n');
            }
            i += 1;
            continue;
        }
        push_splitting_glued_headings(&mut w, start, body);
        if !has_break {
            break;
        }
        let Some(wrap) = wrap else {
            // Not hard-wrapped: only a paragraph broken in the middle of a word is joined.
            let next = lines.get(i + 1).map_or("", |(_, l)| l.trim());
            if breaks_mid_sentence(t, next) {
                let (npos, nline) = lines[i + 1];
                let lead = nline.len() - nline.trim_start().len();
                w.deleted(npos + lead);
                from = Some(npos + lead);
                i += 1;
            } else {
                w.push(line_end, '\n');
                i += 1;
            }
            continue;
        };
        // The next content line, past page numbers.
        let mut next = i + 1;
        while next < lines.len() && is_page_number(lines[next].1.trim()) {
            next += 1;
        }
        // The width that counts is the whole physical line's, not the part after a join.
        let physical = lines[i].1.trim();
        let joinable = !t.is_empty()
            && is_full(physical, wrap)
            && !ends_paragraph(t)
            && next < lines.len()
            && !lines[next].1.trim().is_empty();
        if !joinable {
            w.push(line_end, '\n');
            i += 1;
            continue;
        }
        let (npos, nline) = lines[next];
        let lead = nline.len() - nline.trim_start().len();
        let last = t.chars().next_back().unwrap_or(' ');
        let first = nline.trim_start().chars().next().unwrap_or(' ');
        if last.is_ascii_alphanumeric() && first.is_ascii_alphanumeric() {
            // Words of Latin script keep a space between them; Chinese joins directly.
            w.push(line_end, ' ');
        }
        w.deleted(npos + lead);
        from = Some(npos + lead);
        i = next;
    }
    w.at(text.len());
    Some((w.out, w.checkpoints))
}

/// Byte offsets in `line` where a heading glued to the end of a sentence starts: after `。`
/// (and spaces), a marker of the outline's schemes (`(二)`, `三、`, `2.`, `(3)`) whose title is
/// short and ends the line or a sentence — a heading, not an inline enumeration.
fn glued_headings(line: &str) -> Vec<usize> {
    glued_heading_starts(line).collect()
}

/// Whether `line` has a glued heading (see [`glued_headings`]), stopping at the first.
fn has_glued_heading(line: &str) -> bool {
    glued_heading_starts(line).next().is_some()
}

fn glued_heading_starts(line: &str) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(p) = find_lit!(&line[from..], "。").map(|p| from + p + '。'.len_utf8()) {
            from = p;
            if let Some(k) = glued_at(line, p) {
                return Some(k);
            }
        }
        None
    })
}

/// Where a heading glued after the `。` that ends at byte `p` of `line` starts (see
/// [`glued_headings`]). Only `line[p..]` is read: the line's start may be untrimmed.
fn glued_at(line: &str, p: usize) -> Option<usize> {
    let rest = &line[p..];
    let k = p + (rest.len() - rest.trim_start().len());
    let rest = &line[k..];
    let m = crate::doc::parse_marker(rest)?;
    if !matches!(
        m.scheme,
        crate::doc::Scheme::ParenCn
            | crate::doc::Scheme::CnComma
            | crate::doc::Scheme::NumDot
            | crate::doc::Scheme::NumComma
            | crate::doc::Scheme::ParenNum
            | crate::doc::Scheme::Chapter
            | crate::doc::Scheme::Section
    ) {
        return None;
    }
    let title = &rest[m.len..];
    let title = &title[..title.find('。').unwrap_or(title.len())];
    let n = title.chars().count();
    let first = title.chars().next().unwrap_or(' ');
    ((2..=30).contains(&n) && !first.is_ascii_digit() && !matches!(first, ',' | '、' | ')' | '%' | '.')).then_some(k)
}

/// A paragraph broken in the middle of a sentence by a crawler (`…到2020年,智能服务机器` /
/// `人环境感知…`): a line of prose (at least 40 characters with a comma or full stop) that
/// ends on a Chinese character, followed by a line that is no heading, bullet or box.
fn breaks_mid_sentence(t: &str, next: &str) -> bool {
    let last = t.chars().next_back().unwrap_or(' ');
    super::extract::text::is_cjk(last)
        && t.chars().count() >= 40
        && t.contains([',', '。', '，'])
        && next.starts_with(super::extract::text::is_cjk)
        && crate::doc::parse_marker(next).is_none()
        && !next.starts_with("专栏")
}

/// Whether a text that is not hard-wrapped still has a paragraph broken inside a word or a
/// heading glued to a paragraph: one pass over its lines.
fn needs_layout_fix(text: &str) -> bool {
    let mut prev = "";
    for line in crate::bytescan::lines(text) {
        let t = line.trim();
        if needs_layout_fix_at(prev, t) {
            return true;
        }
        prev = t;
    }
    false
}

/// [`needs_layout_fix`] for the trimmed line `t` after the trimmed line `prev`.
fn needs_layout_fix_at(prev: &str, t: &str) -> bool {
    // `has_glued_heading` finds the line's `。` itself: no search before it.
    breaks_mid_sentence(prev, t) || has_glued_heading(t)
}

/// Pushes a line, breaking it before each glued heading (the inserted break maps to the
/// heading's first byte).
fn push_splitting_glued_headings(w: &mut Rewriter, start: usize, body: &str) {
    let mut last = 0;
    for k in glued_headings(body) {
        w.push_str(start + last, &body[last..k]);
        w.push(start + k, '\n');
        last = k;
    }
    w.push_str(start + last, &body[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::OffsetMap;

    fn wrapped_sample() -> String {
        let mut s = String::from("一、行动目标\n");
        for _ in 0..12 {
            s.push_str("到2025年，智能检测技术基本满足用户领域制造工艺需\n求，核心零部件、专用软件和整机装备供给能力显著\n提升。\n");
        }
        s.push_str("——行业应用显著深化。推动100个以上智能检测装备\n3\n示范应用，培育一批优秀场景和示范工厂，深化智能\n检测。\n");
        s
    }

    /// `width` as first written: a decoded character at a time.
    fn width_reference(s: &str) -> usize {
        s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
    }

    /// `wrap_width` as first written: its own pass, widths in a hash map.
    fn wrap_width_reference(text: &str) -> Option<usize> {
        let mut counts = std::collections::HashMap::<usize, usize>::new();
        let mut content = 0usize;
        for line in text.lines() {
            let t = line.trim();
            if t.is_empty() || is_page_number(t) {
                continue;
            }
            content += 1;
            if !ends_paragraph(t) {
                *counts.entry(width_reference(t)).or_default() += 1;
            }
        }
        let (&w, _) = counts.iter().max_by_key(|(w, n)| (**n, **w))?;
        if w < 30 {
            return None;
        }
        let near: usize = counts.iter().filter(|(x, _)| x.abs_diff(w) <= 2).map(|(_, n)| n).sum();
        (near >= 20 && near * 4 >= content).then_some(w)
    }

    /// `needs_layout_fix` as first written: `str::lines` and a substring search for `。`.
    fn needs_layout_fix_reference(text: &str) -> bool {
        let mut prev = "";
        for line in text.lines() {
            let t = line.trim();
            if breaks_mid_sentence(prev, t) || (t.contains('。') && !glued_headings_reference(t).is_empty()) {
                return true;
            }
            prev = t;
        }
        false
    }

    fn glued_headings_reference(line: &str) -> Vec<usize> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(p) = line[from..].find('。').map(|p| from + p + '。'.len_utf8()) {
            from = p;
            let rest = &line[p..];
            let k = p + (rest.len() - rest.trim_start().len());
            let rest = &line[k..];
            let Some(m) = crate::doc::parse_marker(rest) else { continue };
            use crate::doc::Scheme::*;
            if !matches!(m.scheme, ParenCn | CnComma | NumDot | NumComma | ParenNum | Chapter | Section) {
                continue;
            }
            let title = &rest[m.len..];
            let title = &title[..title.find('。').unwrap_or(title.len())];
            let n = title.chars().count();
            let first = title.chars().next().unwrap_or(' ');
            if (2..=30).contains(&n) && !first.is_ascii_digit() && !matches!(first, ',' | '、' | ')' | '%' | '.') {
                out.push(k);
            }
        }
        out
    }

    #[test]
    fn byte_width_counts_as_characters_do() {
        let mut all = String::new();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(width(&s), width_reference(&s), "U+{:04X}", c as u32);
            all.push(c);
            all.push('发');
        }
        assert_eq!(width(&all), width_reference(&all));
        for s in ["", "a", "发展", "“目标”—…、。《》", "\u{4DC0}\u{4DFF}\u{4E00}\u{9FFF}\u{A000}", "😀𠀀", "ｆｕｌｌ"]
        {
            assert_eq!(width(s), width_reference(s), "{s}");
        }
    }

    /// The fused pass answers what the two former passes answered, on wrapped and unwrapped
    /// texts, CRLF and bare `\r` endings, a last line without a break, page numbers, lines
    /// wider than the width array, glued headings at many offsets and near-misses of `。`
    /// (`乂` = `E4 B9 82`, `ł`).
    #[test]
    fn layout_pass_matches_the_former_passes() {
        let mut texts = vec![
            String::new(),
            "\n".to_string(),
            "\r\n\r\n".to_string(),
            "一、总体要求\r".to_string(),
            wrapped_sample(),
            wrapped_sample().replace('\n', "\r\n"),
            wrapped_sample().trim_end().to_string(),
            format!("{}\n\n3\n- 4 -\n", wrapped_sample()),
            "实施数字化转型，构建新格局。(二)供给能力提升工程\n".to_string(),
            "包括两类:(一)传感器;(二)仪表。总量达2.5万家。\n".to_string(),
            "乂乂乂。ł乂(三)智能无人机\n".to_string(),
            "(二)智能服务机器人。支持手术机器人研发,推动手术机器人在临床医疗中的应用。到2020年,智能服务机器\n人环境感知等关键技术取得突破。\n".to_string(),
        ];
        for pad in 0..66 {
            let head = "x".repeat(pad);
            texts.push(format!("{head}发展。(二)供给能力提升工程\n下一行。\n"));
            texts.push(format!("{head}乂\n。三、保障措施\r\n"));
            texts.push(format!("{}发展目标。\n{}2.加强标准研制。\n", "发".repeat(pad), "乂".repeat(pad % 7)));
        }
        // Lines of many widths, some of a wrap width, some ending sentences, in pseudo-random mixes.
        let lines = [
            "到2025年，智能检测技术基本满足用户领域制造工艺需",
            "求，核心零部件、专用软件和整机装备供给能力显著",
            "提升。",
            "3",
            "",
            "  ",
            "一、行动目标",
            "Industry 4.0 and 5G are words of Latin script wrapped at",
            "产业。(三)智能无人机",
            &"很长的一行".repeat(150),
            "乂ł",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..(seed % 90) as usize {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(lines[(seed % lines.len() as u64) as usize]);
                t.push_str(["\n", "\r\n", "\n\n"][(seed >> 8) as usize % 3]);
            }
            texts.push(t);
        }
        for t in &texts {
            let want = (wrap_width_reference(t), needs_layout_fix_reference(t));
            assert_eq!(layout(t), (want.0, want.0.is_some() || want.1), "{t:?}");
            assert_eq!(wrap_width(t), want.0, "{t:?}");
            assert_eq!(needs_layout_fix(t), want.1, "{t:?}");
            for line in t.lines() {
                assert_eq!(glued_headings(line), glued_headings_reference(line), "{line:?}");
            }
        }
        assert!(texts.iter().filter(|t| wrap_width(t).is_some()).count() >= 3);
        assert!(texts.iter().filter(|t| needs_layout_fix(t)).count() >= 10);
    }

    /// `is_page_number` without the digit pre-check.
    fn is_page_number_reference(t: &str) -> bool {
        let t = t.trim();
        if t.is_empty() || t.len() > 24 {
            return false;
        }
        let inner = t
            .trim_matches(|c: char| c == '-' || c == '—' || c == '–' || c == ' ')
            .trim_start_matches('第')
            .trim_end_matches('页')
            .trim();
        let inner = match inner.split_once('/') {
            Some((page, total)) if total.trim().bytes().all(|c| c.is_ascii_digit()) => page.trim(),
            _ => inner,
        };
        !inner.is_empty() && inner.len() <= 3 && inner.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn page_numbers_need_a_digit_as_before() {
        let parts = ["", " ", "-", "—", "–", "第", "页", "/", "1", "23", "456", "x", "一", "\u{3000}"];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", "页", " -", "/4"] {
                        let t = format!("{a}{b}{c}{d}");
                        assert_eq!(is_page_number(&t), is_page_number_reference(&t), "{t:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn page_numbers_are_recognised() {
        for p in ["3", "- 3 -", "— 12 —", "第 3 页", "3/40"] {
            assert!(is_page_number(p), "{p}");
        }
        for p in ["2025", "一、总体要求", "3个", ""] {
            assert!(!is_page_number(p), "{p}");
        }
    }

    #[test]
    fn wrapped_paragraphs_are_joined_across_page_numbers() {
        let src = wrapped_sample();
        assert!(wrap_width(&src).is_some());
        let (t, cp) = reflow(&src).expect("hard-wrapped");
        assert!(t.contains("推动100个以上智能检测装备示范应用，培育一批优秀场景和示范工厂，深化智能检测。\n"), "{t}");
        assert!(t.starts_with("一、行动目标\n到2025年"));
        assert!(t.contains("供给能力显著提升。\n"));
        let map = OffsetMap::from_stages(vec![cp]);
        let p = t.find("装备示范").unwrap();
        let (a, b) = (map.to_source(p), map.to_source_end(p + "装备示范".len()));
        assert_eq!(&src[a..b], "装备\n3\n示范");
    }

    #[test]
    fn glued_headings_get_a_line_of_their_own() {
        let src = "实施数字化转型，构建新格局。(二)供给能力提升工程\n链全面融通。2.加强标准研制。面向重点行业需求，研制2.5万项。\n";
        let (t, cp) = reflow(src).expect("glued headings");
        assert_eq!(t, "实施数字化转型，构建新格局。\n(二)供给能力提升工程\n链全面融通。\n2.加强标准研制。面向重点行业需求，研制2.5万项。\n");
        let map = OffsetMap::from_stages(vec![cp]);
        let p = t.find("(二)").unwrap();
        assert_eq!(&src[map.to_source(p)..map.to_source_end(p + "(二)".len())], "(二)");
        // Inline enumerations and figures stay where they are.
        assert!(reflow("包括两类:(一)传感器;(二)仪表。总量达2.5万家。\n").is_none());
    }

    #[test]
    fn a_paragraph_broken_inside_a_word_is_joined() {
        let src = "(二)智能服务机器人。支持手术机器人研发,推动手术机器人在临床医疗中的应用。到2020年,智能服务机器\n人环境感知等关键技术取得突破,实现20家以上应用示范。\n(三)智能无人机\n";
        let (t, _) = reflow(src).expect("broken paragraph");
        assert!(t.contains("智能服务机器人环境感知"), "{t}");
        assert!(t.ends_with("应用示范。\n(三)智能无人机\n"));
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        assert!(reflow("一、总体要求\n以习近平新时代中国特色社会主义思想为指导。\n(一)发展目标\n").is_none());
    }
}

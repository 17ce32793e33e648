//! Markdown markup removed from the text, keeping a map back to the source.
//!
//! Crawled policy texts mostly arrive as Markdown (`# 标题`, `**发布日期**: …`, `**一、总体要求**`,
//! `[原文下载](http://…)`, `---`, `| 指标 | 2025年 |`). The extractors want the words, so this
//! pass deletes the markup — heading hashes, block quotes, emphasis, link targets, rules, table
//! pipes (cells become tab-separated like every other reader's tables) — and records each
//! deletion in the offset map, so spans still point at the exact Markdown source.
//!
//! Only text that [`looks_markdown`] is rewritten: a plain text with one `**` or `#` keeps it.

use crate::normalize::Rewriter;

/// Whether a text is Markdown: at least two distinct signals among ATX headings, bold runs,
/// links with targets, horizontal rules and pipe tables, counted in the first 400 lines.
pub fn looks_markdown(text: &str) -> bool {
    let (mut heading, mut bold, mut link, mut rule, mut table) = (0, 0, 0, 0, 0);
    let b = text.as_bytes();
    // The first 400 lines end at the 400th line break (or the end of the text).
    let end = memchr::memchr_iter(b'\n', b).nth(399).map_or(b.len(), |k| k + 1);
    // Every signal needs one of these bytes; most lines of a plan have none (trimming only
    // removes whitespace, so the untrimmed line holds them exactly when the trimmed does).
    // They are found 32 bytes at a time over the whole sample, and only the lines that hold
    // one are looked at, instead of two searches per line.
    let marks = |x: u8| (x == b'#') | (x == b'*') | (x == b'[') | (x == b'-') | (x == b'_') | (x == b'|');
    let mut from = 0;
    while let Some(k) = crate::bytescan::find_byte(&b[..end], from, marks) {
        // `from` starts a line; so does the byte after the last break before `k`.
        let start = memchr::memrchr(b'\n', &b[from..k]).map_or(from, |p| from + p + 1);
        let stop = memchr::memchr(b'\n', &b[k..end]).map_or(end, |p| k + p);
        // Break bytes are ASCII: both ends are character boundaries.
        let t = text[start..stop].trim();
        if atx_heading_len(t) > 0 {
            heading += 1;
        }
        if t.matches("**").count() >= 2 {
            bold += 1;
        }
        if t.contains("](") && t.contains('[') {
            link += 1;
        }
        if is_rule(t) {
            rule += 1;
        }
        if t.starts_with('|') && t.ends_with('|') && t.len() > 2 {
            table += 1;
        }
        from = stop + 1;
    }
    let signals = [heading > 0, bold >= 2, link > 0, rule > 0, table >= 2].iter().filter(|s| **s).count();
    signals >= 2
}

/// Length of an ATX heading prefix (`## `), 0 when the line is not one.
fn atx_heading_len(t: &str) -> usize {
    let hashes = t.bytes().take_while(|b| *b == b'#').count();
    if (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t']) {
        hashes + 1
    } else {
        0
    }
}

fn is_rule(t: &str) -> bool {
    t.len() >= 3 && (t.bytes().all(|b| b == b'-') || t.bytes().all(|b| b == b'*') || t.bytes().all(|b| b == b'_'))
}

fn is_table_separator(t: &str) -> bool {
    t.starts_with('|') && t.contains('-') && t.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
}

/// Removes Markdown markup from `text`; returns the new text and the checkpoints of the pass.
pub fn strip(text: &str) -> (String, Vec<(u32, u32)>) {
    let mut w = Rewriter::with_capacity(text.len());
    let mut pos = 0;
    for line in crate::bytescan::lines_inclusive(text) {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let lead = body.len() - body.trim_start().len();
        let t = body.trim();
        if is_rule(t) || is_table_separator(t) {
            // The line's content goes; its line break stays so line numbers keep their meaning.
            w.deleted(pos);
            if body.len() < line.len() {
                w.push(pos + body.len(), '\n');
            }
            pos += line.len();
            continue;
        }
        let mut start = pos + lead;
        w.push_str(pos, &body[..lead]);
        let mut rest = &body[lead..];
        let heading = atx_heading_len(rest);
        if heading > 0 {
            w.deleted(start);
            start += heading;
            rest = &rest[heading..];
            // A closing `###` sequence is markup too.
            let trimmed = rest.trim_end();
            if let Some(inner) = trimmed.strip_suffix(|c| c == '#') {
                let inner = inner.trim_end_matches('#');
                if inner.ends_with([' ', '\t']) {
                    inline(&mut w, start, inner.trim_end(), false);
                    w.deleted(start + rest.len());
                    if body.len() < line.len() {
                        w.push(pos + body.len(), '\n');
                    }
                    pos += line.len();
                    continue;
                }
            }
        } else if let Some(r) = rest.strip_prefix('>') {
            let skip = 1 + (r.len() - r.trim_start().len());
            w.deleted(start);
            start += skip;
            rest = &rest[skip..];
        }
        let table = rest.starts_with('|') && rest.trim_end().ends_with('|') && rest.trim_end().len() > 1;
        inline(&mut w, start, rest, table);
        if body.len() < line.len() {
            w.push(pos + body.len(), '\n');
        }
        pos += line.len();
    }
    w.at(text.len());
    (w.out, w.checkpoints)
}

/// Inline markup of one line: `**`/`__` emphasis, `[text](target)` links (the text stays),
/// `![alt](src)` images (the alt text stays), backslash escapes, and table pipes (a cell
/// separator becomes a tab; the outer pipes go).
fn inline(w: &mut Rewriter, base: usize, s: &str, table: bool) {
    let bytes = s.as_bytes();
    let last_pipe = if table { s.trim_end().len().saturating_sub(1) } else { usize::MAX };
    let mut i = 0;
    while i < s.len() {
        let b = bytes[i];
        match b {
            b'*' | b'_' if bytes.get(i + 1) == Some(&b) => {
                // `**` or `__`; a lone `_` in a name (`a_b`) stays.
                let run = bytes[i..].iter().take_while(|x| **x == b).count();
                w.deleted(base + i);
                i += run;
            }
            b'!' if bytes.get(i + 1) == Some(&b'[') && link_end(s, i + 1).is_some() => {
                w.deleted(base + i);
                i += 1;
            }
            b'[' => match link_end(s, i) {
                Some((close, end)) => {
                    w.deleted(base + i);
                    inline(w, base + i + 1, &s[i + 1..close], false);
                    w.deleted(base + close);
                    i = end;
                }
                None => {
                    w.push(base + i, '[');
                    i += 1;
                }
            },
            b'\\' if bytes.get(i + 1).is_some_and(|n| b"\\`*_{}[]()#+-.!|>".contains(n)) => {
                w.deleted(base + i);
                w.push(base + i + 1, bytes[i + 1] as char);
                i += 2;
            }
            b'|' if table => {
                if i == 0 || i == last_pipe {
                    w.deleted(base + i);
                } else {
                    w.push(base + i, '\t');
                }
                i += 1;
            }
            _ => {
                let c = s[i..].chars().next().unwrap_or(' ');
                w.push(base + i, c);
                i += c.len_utf8();
            }
        }
    }
}

/// For a `[` at `open`: the byte of the matching `]` and the end of `(target)` after it.
fn link_end(s: &str, open: usize) -> Option<(usize, usize)> {
    let rest = &s[open + 1..];
    let mut depth = 0usize;
    let mut close = None;
    for (k, c) in rest.char_indices() {
        match c {
            '[' => depth += 1,
            ']' if depth == 0 => {
                close = Some(open + 1 + k);
                break;
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    let close = close?;
    let after = &s[close + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let target_end = after.find(')')?;
    // A link target has no spaces inside except an optional title; Chinese brackets `(…)` after
    // a `[…]` in prose are not links unless the target looks like an address.
    let target = &after[1..target_end];
    let looks_target = target.contains('/') || target.contains('.') || target.starts_with('#');
    if !looks_target || target.contains('\n') {
        return None;
    }
    Some((close, close + 1 + target_end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::OffsetMap;

    /// `looks_markdown` as first written: two searches on every line of the sample.
    fn looks_markdown_reference(text: &str) -> bool {
        let (mut heading, mut bold, mut link, mut rule, mut table) = (0, 0, 0, 0, 0);
        for line in text.lines().take(400) {
            let b = line.as_bytes();
            if memchr::memchr3(b'#', b'*', b'[', b).is_none() && memchr::memchr3(b'-', b'_', b'|', b).is_none() {
                continue;
            }
            let t = line.trim();
            heading += usize::from(atx_heading_len(t) > 0);
            bold += usize::from(t.matches("**").count() >= 2);
            link += usize::from(t.contains("](") && t.contains('['));
            rule += usize::from(is_rule(t));
            table += usize::from(t.starts_with('|') && t.ends_with('|') && t.len() > 2);
        }
        [heading > 0, bold >= 2, link > 0, rule > 0, table >= 2].iter().filter(|s| **s).count() >= 2
    }

    /// The sample search answers as the line-by-line one: signals on the 400th and the 401st
    /// line, several marks on one line, marks at both ends of a line, CRLF, no final break.
    #[test]
    fn markdown_detection_matches_its_reference() {
        let signals = ["# 标题", "**发布日期**: 2022年", "[原文](http://x)", "---", "| 指标 | 2025年 |", "**a** **b**"];
        let mut texts = vec![String::new(), "\n".repeat(500), "#".into(), "---".into(), "| a |\r\n| b |".into()];
        for (i, a) in signals.iter().enumerate() {
            for b in &signals[i..] {
                for pad in [0usize, 1, 397, 398, 399, 400] {
                    let head = "正文,到2025年。\n".repeat(pad);
                    texts.push(format!("{head}{a}\n{b}"));
                    texts.push(format!("{head}{a}\r\n{b}\r\n尾"));
                    texts.push(format!("{a}\n{head}{b}\n"));
                    texts.push(format!("{head}  {a}  {b}-\n_"));
                }
            }
        }
        for t in &texts {
            assert_eq!(looks_markdown(t), looks_markdown_reference(t), "{:?}", &t[t.len().saturating_sub(80)..]);
        }
        assert!(texts.iter().any(|t| looks_markdown(t)) && texts.iter().any(|t| !looks_markdown(t)));
    }

    fn run(src: &str) -> (String, OffsetMap) {
        let (t, cp) = strip(src);
        (t, OffsetMap::from_stages(vec![cp]))
    }

    #[test]
    fn detects_markdown_by_two_signals() {
        assert!(looks_markdown("# 标题\n\n**发布日期**: 2022年1月\n**发布机构**: 国务院\n---\n正文"));
        assert!(!looks_markdown("一、总体要求\n到2025年,**重点**突破。\n"));
        assert!(!looks_markdown("# 只有一个标题\n正文"));
    }

    #[test]
    fn markup_goes_and_spans_point_at_the_words() {
        let src = "# “十四五”数字经济发展规划\n\n**发布日期**: 2022年1月\n**来源**: [原文](https://www.gov.cn/a.htm)\n---\n**一、总体要求**\n";
        let (t, map) = run(src);
        assert_eq!(t, "“十四五”数字经济发展规划\n\n发布日期: 2022年1月\n来源: 原文\n\n一、总体要求\n");
        let p = t.find("总体要求").unwrap();
        let (a, b) = (map.to_source(p), map.to_source_end(p + "总体要求".len()));
        assert_eq!(&src[a..b], "总体要求");
        let p = t.find("原文").unwrap();
        assert_eq!(&src[map.to_source(p)..map.to_source_end(p + "原文".len())], "原文");
    }

    #[test]
    fn tables_become_tab_separated_rows() {
        let (t, _) = run("| 指标 | 2020年 | 2025年 |\n|---|---|---|\n| 研发投入强度(%) | 2.1 | 2.5 |\n");
        assert_eq!(t, " 指标 \t 2020年 \t 2025年 \n\n 研发投入强度(%) \t 2.1 \t 2.5 \n");
    }

    #[test]
    fn prose_brackets_are_not_links() {
        let (t, _) = run("加强[重点]领域(研发)攻关\n");
        assert_eq!(t, "加强[重点]领域(研发)攻关\n");
    }
}

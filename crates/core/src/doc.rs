//! Document structure: lines, numbering markers, the heading tree, the table of contents and
//! the column boxes (专栏).
//!
//! Everything here works on the normalised text (see [`crate::normalize`]) and keeps byte
//! ranges into it; extractors turn those into source spans.

use crate::numbers::parse_cn_int;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Blank,
    Text,
    Heading,
    /// A heading-like line of the table of contents.
    Toc,
}

#[derive(Debug, Clone)]
pub struct Line {
    /// Byte range of the whole line (without the line break).
    pub start: usize,
    pub end: usize,
    /// Byte range of the content without surrounding whitespace.
    pub cstart: usize,
    pub cend: usize,
    /// The line starts with a tab (a table cell in exported documents).
    pub tab: bool,
    pub kind: LineKind,
    /// Index of the 专栏 box the line is inside, if any.
    pub in_box: Option<usize>,
}

/// Numbering schemes of Chinese policy documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// 第一篇 / 第一部分
    Part,
    /// 第一章
    Chapter,
    /// 第一节
    Section,
    /// 第一条
    Article,
    /// 一、
    CnComma,
    /// (一)
    ParenCn,
    /// (1)
    ParenNum,
    /// 1. 1． 1﹒
    NumDot,
    /// 1、
    NumComma,
    /// 1)
    NumParen,
    /// ① ②
    Circled,
    /// 1.1 (followed by a space)
    Decimal2,
    /// 1.1.1 (followed by a space)
    Decimal3,
    /// 专栏1
    Box,
    /// 一是 / 二是 opening a paragraph with a run-in title
    Shi,
}

impl Scheme {
    /// Markers that look alike: a typo such as `(2)` for `(二)` continues the sequence.
    fn shape(self) -> u8 {
        match self {
            Scheme::ParenCn | Scheme::ParenNum => 1,
            Scheme::CnComma | Scheme::NumComma => 2,
            other => 10 + other as u8,
        }
    }

    /// Schemes that start a new part of the body: a 专栏 never extends past one.
    pub fn is_main(self) -> bool {
        matches!(
            self,
            Scheme::Part
                | Scheme::Chapter
                | Scheme::Section
                | Scheme::Article
                | Scheme::CnComma
                | Scheme::ParenCn
                | Scheme::Box
        )
    }
}

/// A numbering marker at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub scheme: Scheme,
    pub ordinal: u32,
    /// Length in bytes of the marker in the normalised text.
    pub len: usize,
}

/// Parses a numbering marker at the start of `s` (already trimmed).
pub fn parse_marker(s: &str) -> Option<Marker> {
    let first = s.chars().next()?;
    if let Some(rest) = s.strip_prefix('第') {
        let (n, used) = leading_number(rest)?;
        let after = &rest[used..];
        for (suffix, scheme) in [
            ("部分", Scheme::Part),
            ("篇", Scheme::Part),
            ("章", Scheme::Chapter),
            ("节", Scheme::Section),
            ("条", Scheme::Article),
        ] {
            if after.starts_with(suffix) {
                return Some(Marker { scheme, ordinal: n, len: '第'.len_utf8() + used + suffix.len() });
            }
        }
        return None;
    }
    if let Some(rest) = s.strip_prefix("专栏") {
        let trimmed = rest.trim_start();
        let (n, used) = leading_number(trimmed)?;
        return Some(Marker { scheme: Scheme::Box, ordinal: n, len: s.len() - trimmed.len() + used });
    }
    if let Some(rest) = s.strip_prefix('(').or_else(|| s.strip_prefix('〔')) {
        let (n, used) = leading_number(rest)?;
        let after = &rest[used..];
        let close = after.chars().next()?;
        if close != ')' && close != '〕' {
            return None;
        }
        let scheme = if rest.as_bytes()[0].is_ascii_digit() { Scheme::ParenNum } else { Scheme::ParenCn };
        return Some(Marker { scheme, ordinal: n, len: 1 + used + close.len_utf8() });
    }
    if ('①'..='⑳').contains(&first) {
        return Some(Marker {
            scheme: Scheme::Circled, ordinal: first as u32 - '①' as u32 + 1, len: first.len_utf8()
        });
    }
    let (n, used) = leading_number(s)?;
    let after = &s[used..];
    let next = after.chars().next()?;
    let arabic = s.as_bytes()[0].is_ascii_digit();
    // `一是培育创新主体。…`: a paragraph opening an enumeration of run-in items.
    if !arabic && next == '是' {
        let title = &after[next.len_utf8()..];
        let stop = title.find('。')?;
        if !(2..=40).contains(&title[..stop].chars().count()) || title[..stop].contains(';') {
            return None;
        }
        return Some(Marker { scheme: Scheme::Shi, ordinal: n, len: used + next.len_utf8() });
    }
    // A private-use character where the separator belongs is font debris for a dot
    // (`1\u{E010}突破…`).
    if arabic && ('\u{E000}'..='\u{F8FF}').contains(&next) {
        return Some(Marker { scheme: Scheme::NumDot, ordinal: n, len: used + next.len_utf8() });
    }
    // `4.0402年启动…`: a (garbled) year opens the title, not a decimal.
    if arabic && next == '.' && starts_with_year(&after[1..]) {
        return Some(Marker { scheme: Scheme::NumDot, ordinal: n, len: used + 1 });
    }
    // Decimal numbering `1.2 发展目标`, `2.1.3 …`: only with a space after, so figures such as
    // `1.5万家` are never taken for markers.
    if arabic && next == '.' && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        let dotted: usize = s.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let marker = &s[..dotted];
        let depth = marker.matches('.').count();
        let rest = &s[dotted..];
        if !marker.ends_with('.')
            && (1..=2).contains(&depth)
            && rest.starts_with([' ', '\t', '\u{3000}'])
            && rest.trim_start().starts_with(|c: char| !c.is_ascii_digit() && !c.is_ascii_punctuation())
        {
            let ordinal = marker.rsplit('.').next().and_then(|x| x.parse().ok()).unwrap_or(0);
            return Some(Marker {
                scheme: if depth == 1 { Scheme::Decimal2 } else { Scheme::Decimal3 },
                ordinal,
                len: dotted,
            });
        }
        return None;
    }
    let scheme = match next {
        '、' if arabic => Scheme::NumComma,
        '、' => Scheme::CnComma,
        '.' if arabic => Scheme::NumDot,
        ')' if arabic => Scheme::NumParen,
        _ => return None,
    };
    // `3.5%` is a number, not a marker.
    if scheme == Scheme::NumDot && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Marker { scheme, ordinal: n, len: used + next.len_utf8() })
}

/// `2025年`: four digits and 年.
fn starts_with_year(s: &str) -> bool {
    s.len() >= 7 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s[4..].starts_with('年')
}

/// A small ordinal in Arabic or Chinese numerals at the start of `s`: (value, bytes used).
fn leading_number(s: &str) -> Option<(u32, usize)> {
    let digits = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 {
        if digits > 3 {
            return None;
        }
        return Some((s[..digits].parse().ok()?, digits));
    }
    let used: usize = s
        .chars()
        .take_while(|c| {
            matches!(c, '零' | '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百')
        })
        .map(char::len_utf8)
        .sum();
    if used == 0 || used > 4 * 3 {
        return None;
    }
    let n = parse_cn_int(&s[..used])?;
    Some((u32::try_from(n).ok()?, used))
}

/// A body heading.
#[derive(Debug, Clone)]
pub struct Heading {
    pub line: usize,
    pub scheme: Scheme,
    pub ordinal: u32,
    pub level: u8,
    /// Byte range of the marker and of the title in the normalised text.
    pub marker_range: (usize, usize),
    pub title_range: (usize, usize),
    pub parent: Option<usize>,
    /// First line after the section (exclusive end of the heading's content).
    pub end_line: usize,
    /// Where the heading's run-in text (after the title's `。`) starts on the heading line.
    pub run_in: Option<usize>,
}

/// A 专栏 box: its heading and the lines of its content.
#[derive(Debug, Clone)]
pub struct BoxRegion {
    pub heading: usize,
    pub first_line: usize,
    pub end_line: usize,
}

#[derive(Debug)]
pub struct Doc<'a> {
    pub text: &'a str,
    pub lines: Vec<Line>,
    pub headings: Vec<Heading>,
    pub boxes: Vec<BoxRegion>,
    /// Children of each heading (专栏 excluded), and the top-level headings.
    children_of: Vec<Vec<usize>>,
    roots: Vec<usize>,
}

impl<'a> Doc<'a> {
    pub fn line_text(&self, i: usize) -> &'a str {
        let l = &self.lines[i];
        &self.text[l.cstart..l.cend]
    }

    pub fn title(&self, h: usize) -> &'a str {
        let (a, b) = self.headings[h].title_range;
        &self.text[a..b]
    }

    pub fn marker(&self, h: usize) -> &'a str {
        let (a, b) = self.headings[h].marker_range;
        &self.text[a..b]
    }

    /// Markers from the top level down to `h`, without trailing punctuation: `二/(一)/1`.
    pub fn path(&self, h: usize) -> String {
        let mut chain = vec![h];
        let mut cur = h;
        while let Some(p) = self.headings[cur].parent {
            chain.push(p);
            cur = p;
        }
        chain
            .iter()
            .rev()
            .map(|&i| self.marker(i).trim_end_matches(['、', '.', '．', '﹒']).replace(' ', ""))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The innermost heading whose section contains line `i`.
    pub fn section_of(&self, i: usize) -> Option<usize> {
        // Headings are in line order; the last heading at or before `i` whose section covers it.
        let idx = self.headings.partition_point(|h| h.line <= i);
        let mut cand = idx.checked_sub(1)?;
        loop {
            let h = &self.headings[cand];
            if h.line <= i && i < h.end_line && h.scheme != Scheme::Box {
                return Some(cand);
            }
            cand = h.parent.or_else(|| cand.checked_sub(1))?;
        }
    }

    /// Children of heading `h` (or top-level headings for `None`), 专栏 boxes excluded.
    pub fn children(&self, h: Option<usize>) -> Vec<usize> {
        match h {
            Some(h) => self.children_of[h].clone(),
            None => self.roots.clone(),
        }
    }
}

/// Splits the normalised text into lines and finds headings, the table of contents and boxes.
pub fn analyse(text: &str) -> Doc<'_> {
    let mut lines = Vec::with_capacity(text.len() / 40 + 1);
    let mut start = 0;
    for piece in crate::bytescan::split_newlines(text) {
        let end = start + piece.len();
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        let cstart = start + lead;
        let cend = cstart + trimmed.len();
        lines.push(Line {
            start,
            end,
            cstart,
            cend,
            tab: piece.starts_with('\t'),
            kind: if trimmed.is_empty() { LineKind::Blank } else { LineKind::Text },
            in_box: None,
        });
        start = end + 1;
    }
    let mut doc =
        Doc { text, lines, headings: Vec::new(), boxes: Vec::new(), children_of: Vec::new(), roots: Vec::new() };
    let candidates = find_heading_candidates(&doc);
    let candidates = drop_table_of_contents(&mut doc, candidates);
    build_tree(&mut doc, candidates);
    doc.children_of = vec![Vec::new(); doc.headings.len()];
    for (i, h) in doc.headings.iter().enumerate() {
        if h.scheme == Scheme::Box {
            continue;
        }
        match h.parent {
            Some(p) => doc.children_of[p].push(i),
            None => doc.roots.push(i),
        }
    }
    doc
}

/// A heading before its level is known.
struct Candidate {
    line: usize,
    marker: Marker,
    marker_range: (usize, usize),
    title_range: (usize, usize),
    run_in: Option<usize>,
}

fn find_heading_candidates(doc: &Doc) -> Vec<Candidate> {
    let mut out = Vec::new();
    let n = doc.lines.len();
    for i in 0..n {
        if doc.lines[i].kind != LineKind::Text {
            continue;
        }
        let content = doc.line_text(i);
        let Some(marker) = parse_marker(content) else { continue };
        let cstart = doc.lines[i].cstart;
        let mut rest = &content[marker.len..];
        if marker.scheme == Scheme::Box {
            // `专栏1:重点突破的技术领域`
            let skipped = rest.trim_start().trim_start_matches([':', '.', '、']);
            rest = &rest[rest.len() - skipped.len()..];
        }
        let lead = rest.len() - rest.trim_start().len();
        let title_start = cstart + (content.len() - rest.len()) + lead;
        let rest = rest.trim();
        // Run-in heading: the title is the phrase up to the first full stop.
        let (title_len, run_in) = match crate::extract::text::find_lit!(rest, "。") {
            Some(p) => (p, (p + '。'.len_utf8() < rest.len()).then_some(title_start + p + '。'.len_utf8())),
            None => (rest.len(), None),
        };
        let mut title = &rest[..title_len];
        title = title.trim_end_matches([':', ';', ',', ' ', '\t']);
        // Table-of-contents leaders: `第一章 总体要求……1`.
        let title = title.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches(['…', '.', '·', ' ']);
        if title.is_empty() {
            // A marker alone on its line: the title is the next short line.
            if let Some(next) = (i + 1..n.min(i + 3)).find(|&j| doc.lines[j].kind == LineKind::Text) {
                let t = doc.line_text(next);
                if t.chars().count() <= 40 && parse_marker(t).is_none() && !t.contains('。') {
                    let l = &doc.lines[next];
                    out.push(Candidate {
                        line: i,
                        marker,
                        marker_range: (cstart, cstart + parse_marker(content).map_or(0, |m| m.len)),
                        title_range: (l.cstart, l.cend),
                        run_in: None,
                    });
                }
            }
            continue;
        }
        if !plausible_title(title, &marker) {
            continue;
        }
        out.push(Candidate {
            line: i,
            marker_range: (cstart, cstart + marker.len),
            title_range: (title_start, title_start + title.len()),
            marker,
            run_in,
        });
    }
    out
}

fn plausible_title(title: &str, marker: &Marker) -> bool {
    // At most 400 characters: counted only when the length in bytes leaves it open.
    if title.len() > 400 && (title.len() > 4 * 400 || title.chars().count() > 400) {
        return false;
    }
    // A title starts with a word, not with a number or closing punctuation.
    let first = title.chars().next().unwrap_or(' ');
    if matches!(first, ',' | '、' | ')' | '%' | '.' | ';' | ':' | '。') {
        return false;
    }
    // `1.5万家` and `2024—2027年)` are numbers, not headings.
    if marker.scheme == Scheme::NumDot && first.is_ascii_digit() && !starts_with_year(title) {
        return false;
    }
    true
}

fn normalised_title<'a>(doc: &Doc<'a>, c: &Candidate) -> std::borrow::Cow<'a, str> {
    let text: &'a str = doc.text;
    let title = &text[c.title_range.0..c.title_range.1];
    // Borrowed when there is no whitespace to drop (most titles): no copy per candidate.
    if title.chars().any(char::is_whitespace) {
        std::borrow::Cow::Owned(title.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(title)
    }
}

/// Removes the table of contents: lines after a `目录` line, and runs of three or more
/// headings with no text between them whose titles come again later in the body.
fn drop_table_of_contents(doc: &mut Doc, cands: Vec<Candidate>) -> Vec<Candidate> {
    let mut toc_lines = vec![false; doc.lines.len()];
    // 1. An explicit 目录 line.
    for i in 0..doc.lines.len() {
        let raw = doc.line_text(i);
        if raw.len() > 32 || !raw.starts_with('目') {
            continue;
        }
        let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if t == "目录" || t == "目次" {
            toc_lines[i] = true;
            let by_line: std::collections::HashSet<usize> = cands.iter().map(|c| c.line).collect();
            for (j, toc) in toc_lines.iter_mut().enumerate().skip(i + 1) {
                match doc.lines[j].kind {
                    LineKind::Blank => continue,
                    _ if by_line.contains(&j) => *toc = true,
                    _ => break,
                }
            }
            break;
        }
    }
    // 2. Dense runs of headings that repeat later.
    // The titles and where each was seen last are built at the first dense run: most plans
    // have none, and hashing every heading's title was a measurable part of `analyse`.
    let mut titles: Vec<std::borrow::Cow<str>> = Vec::new();
    let mut last_seen: Option<std::collections::HashMap<(Scheme, &str), usize>> = None;
    let mut run_start = 0;
    while run_start < cands.len() {
        let mut run_end = run_start + 1;
        while run_end < cands.len()
            && (cands[run_end - 1].line + 1..cands[run_end].line).all(|j| doc.lines[j].kind == LineKind::Blank)
            && cands[run_end - 1].run_in.is_none()
        {
            run_end += 1;
        }
        if run_end - run_start >= 3 && !toc_lines[cands[run_start].line] {
            if last_seen.is_none() {
                titles = cands.iter().map(|c| normalised_title(doc, c)).collect();
                last_seen =
                    Some(cands.iter().enumerate().map(|(k, c)| ((c.marker.scheme, titles[k].as_ref()), k)).collect());
            }
            let key = (cands[run_start].marker.scheme, titles[run_start].as_ref());
            let repeats = last_seen.as_ref().and_then(|m| m.get(&key)).is_some_and(|&last| last >= run_end);
            if repeats {
                for c in &cands[run_start..run_end] {
                    toc_lines[c.line] = true;
                }
            }
        }
        run_start = run_end;
    }
    for (i, toc) in toc_lines.iter().enumerate() {
        if *toc && doc.lines[i].kind == LineKind::Text {
            doc.lines[i].kind = LineKind::Toc;
        }
    }
    cands.into_iter().filter(|c| !toc_lines[c.line]).collect()
}

/// Assigns levels with a stack of numbering schemes (the first scheme seen is level 1, a new
/// scheme nests under the current one, a known scheme closes deeper ones), finds 专栏 boxes
/// and drops numbered items inside them.
fn build_tree(doc: &mut Doc, cands: Vec<Candidate>) {
    // (scheme, last ordinal, heading index)
    let mut stack: Vec<(Scheme, u32, usize)> = Vec::new();
    let mut box_end = 0usize;
    let mut ci = 0;
    while ci < cands.len() {
        let c = &cands[ci];
        ci += 1;
        if c.line < box_end && !c.marker.scheme.is_main() {
            continue; // a numbered item inside a 专栏
        }
        let idx = doc.headings.len();
        if c.marker.scheme == Scheme::Box {
            let parent = stack.last().map(|s| s.2);
            let level = parent.map_or(1, |p| doc.headings[p].level + 1);
            doc.headings.push(Heading {
                line: c.line,
                scheme: Scheme::Box,
                ordinal: c.marker.ordinal,
                level,
                marker_range: c.marker_range,
                title_range: c.title_range,
                parent,
                end_line: c.line + 1,
                run_in: None,
            });
            let end = box_extent(doc, c.line);
            box_end = end;
            doc.headings[idx].end_line = end;
            let b = doc.boxes.len();
            doc.boxes.push(BoxRegion { heading: idx, first_line: c.line + 1, end_line: end });
            for l in &mut doc.lines[c.line + 1..end] {
                l.in_box = Some(b);
            }
            continue;
        }
        let scheme = c.marker.scheme;
        let pos = stack.iter().position(|s| s.0 == scheme).or_else(|| {
            // `(2)` right after `(一)`: the same sequence with a mistyped numeral.
            if c.marker.ordinal > 1 {
                stack.iter().rposition(|s| s.0.shape() == scheme.shape() && s.1 + 1 == c.marker.ordinal)
            } else {
                None
            }
        });
        let mut scheme = scheme;
        if let Some(p) = pos {
            // A mistyped marker continues the sequence it belongs to.
            scheme = stack[p].0;
            stack.truncate(p);
        } else if c.marker.ordinal > 1 && stack.is_empty() && !doc.headings.is_empty() {
            // A sequence that does not start at one after the body began is not a heading.
            continue;
        }
        let parent = stack.last().map(|s| s.2);
        let level = (stack.len() + 1) as u8;
        doc.headings.push(Heading {
            line: c.line,
            scheme,
            ordinal: c.marker.ordinal,
            level,
            marker_range: c.marker_range,
            title_range: c.title_range,
            parent,
            end_line: doc.lines.len(),
            run_in: c.run_in,
        });
        stack.push((scheme, c.marker.ordinal, idx));
    }
    // Section ends: the next heading at the same or a higher level.
    let n = doc.headings.len();
    for i in 0..n {
        if doc.headings[i].scheme == Scheme::Box {
            continue;
        }
        let level = doc.headings[i].level;
        let end = (i + 1..n)
            .find(|&j| doc.headings[j].scheme != Scheme::Box && doc.headings[j].level <= level)
            .map_or(doc.lines.len(), |j| doc.headings[j].line);
        doc.headings[i].end_line = end;
    }
    for h in &doc.headings {
        doc.lines[h.line].kind = LineKind::Heading;
    }
}

fn is_label(s: &str) -> bool {
    let n = s.chars().count();
    n > 0 && n <= 10 && !s.contains(['。', ',', ';', '、'])
}

/// The first line after a 专栏's content. A box holds a table (label rows such as
/// `产业化` / `创新平台` / `重点区县`), numbered items or paragraphs; it ends at a main heading,
/// at two blank lines, or at an ordinary paragraph set off by a blank line after numbered items.
fn box_extent(doc: &Doc, box_line: usize) -> usize {
    let n = doc.lines.len();
    let mut i = box_line + 1;
    let mut blanks = 0;
    let mut seen_content = false;
    let mut seen_numbered = false;
    let mut in_row: Option<bool> = None; // Some(numbered) while reading a table row's content
    let mut table = false;
    while i < n {
        let line = &doc.lines[i];
        if line.kind == LineKind::Blank {
            blanks += 1;
            if blanks >= 2 && seen_content {
                return i - 1;
            }
            in_row = None;
            i += 1;
            continue;
        }
        let t = doc.line_text(i);
        let marker = parse_marker(t);
        if let Some(m) = &marker {
            if m.scheme.is_main() {
                return i - blanks.min(i - box_line - 1);
            }
        }
        let numbered = marker.is_some();
        if table {
            // Inside a table: a label starts a row, a row's content is numbered items or one line.
            if (line.tab || in_row.is_none()) && is_label(t) {
                in_row = Some(false);
                blanks = 0;
                i += 1;
                continue;
            }
            if t.starts_with('(') && t.ends_with(')') && is_label(t) {
                i += 1; // `(开发区)` continuing a label
                continue;
            }
            match in_row {
                Some(false)
                    if seen_content
                        && !line.tab
                        && !numbered
                        && blanks == 0
                        && doc.lines[i - 1].kind == LineKind::Text
                        && !is_label(doc.line_text(i - 1)) =>
                {
                    return i; // a body paragraph right after a one-line row
                }
                Some(_) => {
                    in_row = Some(numbered);
                    seen_content = true;
                    blanks = 0;
                    i += 1;
                    continue;
                }
                None => return i - blanks,
            }
        }
        if !seen_content && is_label(t) && (line.tab || doc.lines.get(i + 1).is_some_and(|l| l.tab)) {
            table = true;
            in_row = Some(false);
            i += 1;
            continue;
        }
        if seen_numbered && !numbered && blanks > 0 && !line.tab && !is_label(t) {
            return i - blanks;
        }
        seen_content = true;
        seen_numbered |= numbered;
        blanks = 0;
        i += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_every_scheme() {
        let m = |s: &str| parse_marker(s).map(|m| (m.scheme, m.ordinal, m.len));
        assert_eq!(m("第十三章  完善"), Some((Scheme::Chapter, 13, 12)));
        assert_eq!(m("第一节 形势"), Some((Scheme::Section, 1, 9)));
        assert_eq!(m("一、总体要求"), Some((Scheme::CnComma, 1, 6)));
        assert_eq!(m("(十二)加强"), Some((Scheme::ParenCn, 12, 8)));
        assert_eq!(m("(2) 新型显示"), Some((Scheme::ParenNum, 2, 3)));
        assert_eq!(m("1.低空经济。"), Some((Scheme::NumDot, 1, 2)));
        assert_eq!(m("10)生物材料"), Some((Scheme::NumParen, 10, 3)));
        assert_eq!(m("3、加快"), Some((Scheme::NumComma, 3, 4)));
        assert_eq!(m("专栏12  氢能"), Some((Scheme::Box, 12, 8)));
        assert_eq!(m("3.5%的企业"), None);
        assert_eq!(m("1.2 发展目标"), Some((Scheme::Decimal2, 2, 3)));
        assert_eq!(m("2.1.3 重点任务"), Some((Scheme::Decimal3, 3, 5)));
        assert_eq!(m("1.5万家企业"), None);
        assert_eq!(m("2020年,全市"), None);
        assert_eq!(m("第三代半导体"), None);
        assert_eq!(m("(此件公开发布)"), None);
        assert_eq!(m("一是培育创新主体。加快"), Some((Scheme::Shi, 1, 6)));
        assert_eq!(m("一是创新驱动发展;二是融合发展"), None);
        assert_eq!(m("1\u{E010}突破大模型关键核心技术。"), Some((Scheme::NumDot, 1, 4)));
        assert_eq!(m("4.0402年启动试点"), Some((Scheme::NumDot, 4, 2)));
        assert_eq!(m("4.0402万家"), None);
    }

    fn outline(text: &str) -> Vec<(u8, String, String)> {
        let d = analyse(text);
        (0..d.headings.len()).map(|h| (d.headings[h].level, d.marker(h).to_string(), d.title(h).to_string())).collect()
    }

    #[test]
    fn levels_follow_first_appearance_and_typos_continue_sequences() {
        let text = "一、发展重点\n(一)集成电路。文字。\n专栏1  集成电路产业发展重点\n\t创新平台\n\t1.西永实验室。依托。\n2.微电子中心。开展。\n\n\n(2) 新型显示。\n顺应。\n(四)汽车。\n1.整车。发展。\n二、保障措施\n";
        let got = outline(text);
        let want = vec![
            (1, "一、", "发展重点"),
            (2, "(一)", "集成电路"),
            (3, "专栏1", "集成电路产业发展重点"),
            (2, "(2)", "新型显示"),
            (2, "(四)", "汽车"),
            (3, "1.", "整车"),
            (1, "二、", "保障措施"),
        ];
        assert_eq!(got, want.into_iter().map(|(l, m, t)| (l, m.to_string(), t.to_string())).collect::<Vec<_>>());
    }

    #[test]
    fn table_of_contents_is_not_outline() {
        let text = "目    录\n\n第一章  总体要求\n\n第一节  形势\n\n第二章  重点\n\n规划正文\n\n第一章  总体要求\n\n第一节  形势\n\n文字。\n\n第二章  重点\n";
        let got = outline(text);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], (1, "第一章".to_string(), "总体要求".to_string()));
        assert_eq!(got[1].0, 2);
    }
}

//! From positioned text on PDF pages to planwatch's plain text: one paragraph (or heading,
//! or table row with tab-separated cells) per line.
//!
//! A PDF has no paragraphs, only glyphs at positions. This module rebuilds them in four
//! steps, each a pure function of the one before and independent of the PDF library:
//!
//! 1. pieces of text → visual lines (same baseline), cells of a table row separated by a tab
//!    where the gap between two pieces is wide;
//! 2. running headers and footers removed: lines at the top or bottom of most pages that read
//!    the same once digits are masked, and page numbers (`- 3 -`, `第 3 页`, `3/10`, bare
//!    numbers that count with the pages);
//! 3. lines re-joined into paragraphs across line and page breaks: a line that runs to the
//!    right margin continues on the next one, unless the next one is indented, starts a
//!    heading or list item, is set in another size, or a blank gap lies between them;
//! 4. look-alike code points some PDF producers map glyphs to (Kangxi radicals for common
//!    ideographs) replaced by the ideographs a reader sees.

/// A run of text the PDF shows at one place: left and right end and baseline in points
/// (origin at the bottom left of the page), and the font size in points.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

/// The text of one page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub pieces: Vec<Piece>,
}

/// A visual line of a page.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    /// Cells separated by a wide gap: a table row, never joined with its neighbours.
    table: bool,
    /// Width of its page (0 when unknown).
    page_width: f32,
}

/// The plain text of the pages: paragraphs, headings and table rows one per line.
pub fn to_text(pages: &[Page]) -> String {
    let mut lines: Vec<Vec<Line>> = pages.iter().map(page_lines).collect();
    remove_running_lines(pages, &mut lines);
    join_paragraphs(&lines)
}

// ---- 1. lines ------------------------------------------------------------------------------

fn page_lines(page: &Page) -> Vec<Line> {
    let mut pieces: Vec<&Piece> = page
        .pieces
        .iter()
        .filter(|p| p.size.is_finite() && p.y.is_finite() && p.x0.is_finite() && p.x1.is_finite())
        .filter(|p| !p.text.trim().is_empty())
        // Text placed outside the page is not shown: hidden keywords, crop-marked slugs.
        .filter(|p| page.width <= 0.0 || (p.x1 > 0.0 && p.x0 < page.width))
        .filter(|p| page.height <= 0.0 || (p.y > -p.size && p.y < page.height + p.size))
        .collect();
    // Top to bottom, then left to right.
    pieces.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<&Piece>> = Vec::new();
    for p in pieces {
        match groups.last_mut() {
            // Same baseline within a third of the text height: one visual line.
            Some(g) if (g[0].y - p.y).abs() <= 0.35 * g[0].size.max(p.size).max(1.0) => g.push(p),
            _ => groups.push(vec![p]),
        }
    }
    groups.into_iter().map(|g| Line { page_width: page.width, ..make_line(g) }).collect()
}

fn make_line(mut pieces: Vec<&Piece>) -> Line {
    pieces.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let size = median(pieces.iter().map(|p| p.size.abs()).collect()).max(1.0);
    let mut text = String::new();
    let mut table = false;
    let mut prev_x1: Option<f32> = None;
    for p in &pieces {
        let piece = p.text.trim_matches(|c: char| c.is_whitespace());
        if let Some(x1) = prev_x1 {
            let gap = p.x0 - x1;
            if gap > 1.6 * size {
                text.push('\t');
                table = true;
            } else if gap > 0.2 * size && !text.ends_with(char::is_whitespace) {
                // A visible gap is a space, except next to CJK characters, which are never
                // separated by spaces (a typesetter's extra spacing around Latin is not one).
                let before = text.chars().next_back().is_some_and(|c| !is_cjk(c));
                let after = piece.chars().next().is_some_and(|c| !is_cjk(c));
                if before && after {
                    text.push(' ');
                }
            }
        }
        for c in piece.chars() {
            // Tabs, line breaks and typographic spaces (en, em, ideographic) inside a piece are
            // layout, not text: one plain space each.
            text.push(if c.is_whitespace() { ' ' } else { lookalike(c) });
        }
        prev_x1 = Some(p.x1.max(prev_x1.unwrap_or(f32::MIN)));
    }
    Line {
        text,
        x0: pieces.first().map_or(0.0, |p| p.x0),
        x1: prev_x1.unwrap_or(0.0),
        y: pieces.first().map_or(0.0, |p| p.y),
        size,
        table,
        page_width: 0.0,
    }
}

/// CJK ideographs and kana, which are written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Estimated width of the first word of a line: one character of CJK text, a whole Latin word,
/// from the line's average width per character (CJK counting double).
fn first_word_width(line: &Line) -> f32 {
    let units = |c: char| if c.is_ascii() { 1.0 } else { 2.0 };
    let total: f32 = line.text.chars().map(units).sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut word = 0.0;
    for c in line.text.chars() {
        if c.is_whitespace() {
            break;
        }
        word += units(c);
        if !c.is_ascii_alphanumeric() && !"_-./:[]()@#%&".contains(c) {
            break;
        }
    }
    (line.x1 - line.x0) * word / total
}

fn median(mut v: Vec<f32>) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

// ---- 2. running headers, footers and page numbers -------------------------------------------

/// How many lines at the top and at the bottom of a page can be a running header or footer.
const EDGE_LINES: usize = 2;

fn remove_running_lines(pages: &[Page], lines: &mut [Vec<Line>]) {
    let n_pages = lines.iter().filter(|l| !l.is_empty()).count();
    // Lines that read the same (digits masked) in the same size at the top or bottom of many
    // pages. The size keeps a title set large on the first page when the running header
    // repeats it small.
    type Key = (bool, String, i32);
    let key = |top: bool, line: &Line| -> Key { (top, masked(&line.text), (line.size * 2.0).round() as i32) };
    let mut counts: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    for page in lines.iter() {
        let mut seen = std::collections::HashSet::new();
        for (top, line) in edge_lines(page) {
            let k = key(top, line);
            if seen.insert(k.clone()) {
                *counts.entry(k).or_default() += 1;
            }
        }
    }
    let repeated = |top: bool, line: &Line| {
        n_pages >= 2 && counts.get(&key(top, line)).is_some_and(|&c| c >= 2 && 2 * c >= n_pages)
    };
    // Bare page numbers count with the pages: the most common (number − page index) wins.
    let mut offsets: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for (i, page) in lines.iter().enumerate() {
        for (_, line) in edge_lines(page) {
            if let Some(n) = bare_number(&line.text) {
                *offsets.entry(n - i as i64).or_default() += 1;
            }
        }
    }
    let offset = offsets.iter().max_by_key(|(o, c)| (**c, -o.abs())).map(|(o, c)| (*o, *c));
    for (i, page) in lines.iter_mut().enumerate() {
        let height = pages.get(i).map_or(0.0, |p| p.height);
        let len = page.len();
        let mut keep = vec![true; len];
        for (idx, top) in edge_indices(len) {
            let line = &page[idx];
            let counted = bare_number(&line.text)
                .is_some_and(|n| offset.is_some_and(|(o, c)| n - i as i64 == o && (c >= 2 || n_pages == 1)));
            // A lone number in the page margin is a page number even where the count breaks.
            let in_margin = height > 0.0 && (line.y > 0.9 * height || line.y < 0.1 * height);
            if repeated(top, line)
                || page_number(&line.text)
                || counted
                || (in_margin && bare_number(&line.text).is_some())
            {
                keep[idx] = false;
            }
        }
        let mut k = keep.iter();
        page.retain(|_| *k.next().unwrap_or(&true));
    }
}

/// Indices of the lines that can be running lines, with `true` for the top of the page.
fn edge_indices(len: usize) -> Vec<(usize, bool)> {
    let top = 0..EDGE_LINES.min(len);
    let bottom = len.saturating_sub(EDGE_LINES).max(top.end)..len;
    top.map(|i| (i, true)).chain(bottom.map(|i| (i, false))).collect()
}

fn edge_lines(page: &[Line]) -> impl Iterator<Item = (bool, &Line)> {
    edge_indices(page.len()).into_iter().map(move |(i, top)| (top, &page[i]))
}

/// The text with whitespace removed and every digit (ASCII, full-width, Chinese) as `#`, so
/// `第 3 页` and `第 12 页`, or a header with a date, compare equal.
fn masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) || "〇零一二三四五六七八九十百".contains(c) {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A line that is only a number (with dashes or brackets around it, as Chinese official
/// documents print `— 3 —`): the number.
fn bare_number(text: &str) -> Option<i64> {
    let core = text.trim_matches(|c: char| c.is_whitespace() || "-—–－―─·•.()（）[]【】".contains(c));
    if core.is_empty() || core.len() > 6 || !core.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    core.parse().ok()
}

/// Page-number lines that cannot be content: `- 3 -`, `第 3 页`, `第3页 共10页`, `3/10`,
/// `Page 3`, `Page 3 of 10`.
fn page_number(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let dashed =
        ["-", "—", "–", "－", "―", "─"].iter().any(|d| t.starts_with(d) && t.ends_with(d) && bare_number(&t).is_some());
    let chinese = t
        .strip_prefix('第')
        .and_then(|r| r.split_once('页'))
        .is_some_and(|(n, rest)| digits(n) && (rest.is_empty() || total_pages(rest)));
    let slash = t.split_once('/').is_some_and(|(a, b)| digits(a) && digits(b) && a.len() <= 4 && b.len() <= 4);
    let lower = t.to_ascii_lowercase();
    let english = lower
        .strip_prefix("page")
        .is_some_and(|r| digits(r) || r.split_once("of").is_some_and(|(a, b)| digits(a) && digits(b)));
    dashed || chinese || slash || english
}

/// `共10页`, `,共10页`, `/共10页`.
fn total_pages(rest: &str) -> bool {
    let rest = rest.trim_start_matches([',', '，', '/', '、']);
    rest.strip_prefix('共')
        .and_then(|r| r.strip_suffix('页'))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

// ---- 3. paragraphs -----------------------------------------------------------------------------

/// Left and right text edge of a page: where most lines start, and where full lines end.
#[derive(Debug, Clone, Copy)]
struct Margins {
    left: f32,
    right: f32,
}

fn margins(lines: &[Line]) -> Option<Margins> {
    let text: Vec<&Line> = lines.iter().filter(|l| !l.table).collect();
    if text.is_empty() {
        return None;
    }
    let mut x1: Vec<f32> = text.iter().map(|l| l.x1).collect();
    x1.sort_by(f32::total_cmp);
    // The 90th percentile: a few overlong lines (a wide formula, a stray mark) do not move
    // the margin, while most pages have far more than 10% full lines.
    let right = x1[(x1.len() * 9 / 10).min(x1.len() - 1)];
    let mut x0: Vec<f32> = text.iter().map(|l| l.x0).collect();
    x0.sort_by(f32::total_cmp);
    let left = x0[x0.len() / 10];
    Some(Margins { left, right })
}

fn join_paragraphs(pages: &[Vec<Line>]) -> String {
    // Margins per page where it has enough lines to tell, else of the whole document.
    let all: Vec<Line> = pages.iter().flatten().cloned().collect();
    let doc = margins(&all);
    let mut out = String::new();
    let mut prev: Option<(&Line, Margins, usize)> = None;
    for (index, page) in pages.iter().enumerate() {
        let m = if page.len() >= 8 { margins(page).or(doc) } else { doc };
        let Some(m) = m else { continue };
        let pitch = line_pitch(page);
        for line in page {
            match prev {
                Some((a, am, at)) if continues(a, am, line, m, at == index) => {
                    let glue = a.text.ends_with(|c: char| c.is_ascii_alphanumeric() || c == ',')
                        && line.text.starts_with(|c: char| c.is_ascii_alphanumeric());
                    if glue {
                        out.push(' ');
                    }
                }
                Some((a, _, at)) => {
                    out.push('\n');
                    // A blank line on the page stays a blank line, as in a text file or an
                    // empty paragraph of a DOCX: extraction reads blocks by it.
                    if at == index && pitch.is_some_and(|p| a.y - line.y > 1.7 * p) {
                        out.push('\n');
                    }
                }
                None => {}
            }
            if starts_line(&out) && is_cell_indent(line, m) {
                // Set far in from the text edge, not centred: a cell of a table or a column
                // whose first cells are empty, as the DOCX reader writes such a row.
                out.push('\t');
            }
            out.push_str(&line.text);
            prev = Some((line, m, index));
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn starts_line(out: &str) -> bool {
    out.is_empty() || out.ends_with('\n')
}

/// A line indented by more than a paragraph indent (2 characters) and centred neither between
/// the margins nor on the page (a title).
fn is_cell_indent(line: &Line, m: Margins) -> bool {
    let left = line.x0 - m.left;
    let right = m.right - line.x1;
    let on_page = line.page_width > 0.0 && (line.x0 - (line.page_width - line.x1)).abs() <= 2.0 * line.size;
    !line.table && left > 3.0 * line.size && (left - right).abs() > 2.0 * line.size && !on_page
}

/// The usual distance between consecutive baselines of a page (the median of the steps that
/// are not gaps), if the page has enough lines to tell.
fn line_pitch(page: &[Line]) -> Option<f32> {
    let steps: Vec<f32> = page.windows(2).map(|w| w[0].y - w[1].y).filter(|d| *d > 0.0).collect();
    if steps.len() < 3 {
        return None;
    }
    Some(median(steps))
}

/// Whether line `b` continues the paragraph of line `a` (on the same page or the next).
fn continues(a: &Line, am: Margins, b: &Line, bm: Margins, same_page: bool) -> bool {
    if a.table || b.table {
        return false;
    }
    let size = a.size.max(b.size);
    // Another font size: a title above body text, a footnote below it.
    if (a.size - b.size).abs() > 0.15 * size {
        return false;
    }
    // A blank line or paragraph spacing between them (same page only: b is lower).
    if same_page && a.y - b.y > 2.3 * size {
        return false;
    }
    // b indented against the text edge (or against a's own start): a new paragraph.
    if b.x0 > bm.left + 0.8 * size || b.x0 > a.x0 + 0.8 * size && b.x0 > bm.left + 0.3 * size {
        return false;
    }
    if starts_block(&b.text) {
        return false;
    }
    // a runs to the right margin: b's first word (a CJK character, a Latin word) would not have
    // fitted after it; or nearly, when b starts with punctuation that a line may not start
    // with but a typesetter pushed down anyway.
    let gap = am.right - a.x1;
    gap <= 1.2 * size
        || gap <= first_word_width(b) + 0.6 * size
        || (gap <= 3.2 * size && b.text.starts_with(|c: char| CLOSING.contains(c)))
}

/// Punctuation that Chinese typesetting keeps off the start of a line.
const CLOSING: &str = "，。、；：？！）》」』】〕〉”’…—,.;:?!)]";

/// Lines that begin a new block: numbered headings and items of every scheme planwatch reads
/// (第一章, 一、, (一), （1）, 1., 1、, ①, 专栏, 附件, 一是, ——).
fn starts_block(text: &str) -> bool {
    let t = text.trim_start();
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    const CN_NUM: &str = "一二三四五六七八九十百零〇";
    let rest = chars.as_str();
    if first == '第' {
        let n: String = rest.chars().take_while(|c| CN_NUM.contains(*c) || c.is_ascii_digit()).collect();
        return !n.is_empty() && rest[n.len()..].starts_with(['章', '节', '条', '部', '篇']);
    }
    if CN_NUM.contains(first) {
        let n: String = t.chars().take_while(|c| CN_NUM.contains(*c)).collect();
        let after = &t[n.len()..];
        return after.starts_with(['、', '是', '．', '.']) && !after.starts_with("..");
    }
    if matches!(first, '(' | '（') {
        let n: String = rest.chars().take_while(|c| CN_NUM.contains(*c) || c.is_ascii_digit()).collect();
        return !n.is_empty() && rest[n.len()..].starts_with([')', '）']);
    }
    if first.is_ascii_digit() {
        let n: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        let after = &t[n.len()..];
        // `1.` followed by a digit is a decimal number (`1.5亿元`), not an item.
        return n.len() <= 2
            && (after.starts_with(['、', '）', ')', '．'])
                || (after.starts_with('.') && !after[1..].starts_with(|c: char| c.is_ascii_digit())));
    }
    if ('①'..='⑳').contains(&first) || ('⑴'..='⒇').contains(&first) || ('⒈'..='⒛').contains(&first) {
        return true;
    }
    t.starts_with("专栏")
        || t.starts_with("附件")
        || t.starts_with("——")
        || t.starts_with("--")
        || t.starts_with('●')
        || t.starts_with('■')
        || t.starts_with('◆')
        || t.starts_with('•')
}

// ---- 4. look-alike code points -----------------------------------------------------------------

/// Kangxi radicals (U+2F00–U+2FD5) by their unified ideograph (their compatibility mapping).
const KANGXI: &str = "一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠";

/// CJK radical supplement forms that stand for a whole simplified character.
const SUPPLEMENT: &[(char, char)] = &[
    ('⺟', '母'),
    ('⺠', '民'),
    ('⻁', '虎'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻉', '贝'),
    ('⻋', '车'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻢', '马'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻬', '齐'),
    ('⻮', '齿'),
    ('⻰', '龙'),
    ('⻳', '龟'),
];

/// The character a reader sees for a code point some PDF producers use in its place.
fn lookalike(c: char) -> char {
    match c {
        '\u{2F00}'..='\u{2FD5}' => KANGXI.chars().nth(c as usize - 0x2F00).unwrap_or(c),
        '\u{2E80}'..='\u{2EFF}' => SUPPLEMENT.iter().find(|(r, _)| *r == c).map_or(c, |(_, u)| *u),
        // Soft hyphen and other invisible format characters are not text.
        '\u{00AD}' => '\u{200B}',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(x0: f32, y: f32, size: f32, text: &str) -> Piece {
        let w: f32 = text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum::<f32>() * size;
        Piece { x0, x1: x0 + w, y, size, text: text.into() }
    }

    fn page(pieces: Vec<Piece>) -> Page {
        Page { width: 595.0, height: 842.0, pieces }
    }

    #[test]
    fn text_off_the_page_is_dropped_and_typographic_spaces_are_spaces() {
        let p = page(vec![
            piece(-400.0, 700.0, 12.0, "隐藏关键词"),
            piece(72.0, 900.0, 12.0, "页外"),
            piece(72.0, 700.0, 12.0, "目\u{2002}\u{2002}录"),
        ]);
        assert_eq!(to_text(&[p]), "目  录\n");
    }

    #[test]
    fn blank_lines_stay_and_deep_indents_are_cells() {
        // A paragraph, a blank line, a label and its indented cell, at a 15 pt pitch.
        let p = page(vec![
            piece(72.0, 700.0, 10.0, "一、发展目标"),
            piece(72.0, 685.0, 10.0, "正文第一行。"),
            piece(72.0, 670.0, 10.0, "正文第二行。"),
            piece(72.0, 640.0, 10.0, "重点区县"),
            piece(110.0, 625.0, 10.0, "两江新区、渝北区"),
        ]);
        assert_eq!(to_text(&[p]), "一、发展目标\n正文第一行。\n正文第二行。\n\n重点区县\n\t两江新区、渝北区\n");
    }

    #[test]
    fn a_running_header_goes_but_the_title_it_repeats_in_large_type_stays() {
        let pages: Vec<Page> = (1..=3)
            .map(|n| {
                let body = ["一、发展基础", "二、总体要求", "三、重点任务"][n - 1];
                let mut pieces = vec![
                    piece(72.0, 800.0, 9.0, "某市数字经济发展规划"),
                    piece(72.0, 700.0, 12.0, body),
                    piece(280.0, 40.0, 9.0, &format!("- {n} -")),
                ];
                if n == 1 {
                    pieces.push(piece(187.5, 760.0, 22.0, "某市数字经济发展规划"));
                }
                page(pieces)
            })
            .collect();
        let text = to_text(&pages);
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            ["某市数字经济发展规划", "一、发展基础", "二、总体要求", "三、重点任务"]
        );
    }

    #[test]
    fn kangxi_radicals_read_as_ideographs() {
        assert_eq!(lookalike('\u{2F00}'), '一');
        assert_eq!(lookalike('\u{2FD5}'), '龠');
        assert_eq!(lookalike('⻔'), '门');
        assert_eq!(lookalike('门'), '门');
    }

    #[test]
    fn masked_digits_compare_equal() {
        assert_eq!(masked("第 3 页"), masked("第12页"));
        assert_ne!(masked("一、总体要求"), masked("二、重点任务 "));
    }

    #[test]
    fn page_numbers_are_recognised() {
        for t in ["- 3 -", "— 12 —", "第 3 页", "第3页 共10页", "3/10", "Page 4", "page 4 of 9"] {
            assert!(page_number(t), "{t}");
        }
        for t in ["3", "第三章", "2025年", "1/2/3", "一、总体要求", "第3页的内容"] {
            assert!(!page_number(t), "{t}");
        }
        assert_eq!(bare_number("— 7 —"), Some(7));
        assert_eq!(bare_number("2025年"), None);
    }

    #[test]
    fn block_starts() {
        for t in [
            "一、总体要求",
            "（一）发展目标",
            "(2)任务",
            "1.加快建设",
            "3、推进",
            "第三章 保障",
            "①算力",
            "专栏1 重大工程",
            "——到2025年",
            "一是加强",
        ] {
            assert!(starts_block(t), "{t}");
        }
        for t in ["1.5亿元以上", "2025年", "十分重要", "推进产业发展", "第3页的内容"] {
            assert!(!starts_block(t), "{t}");
        }
    }

    #[test]
    fn wide_gaps_are_table_cells_and_latin_words_keep_spaces() {
        let p = page(vec![
            piece(300.0, 700.0, 12.0, "2025年"),
            piece(72.0, 700.0, 12.0, "指标"),
            piece(72.0, 680.0, 12.0, "5G"),
            piece(87.0, 680.0, 12.0, "base"),
            piece(114.0, 680.0, 12.0, "stations建设"),
        ]);
        let lines = page_lines(&p);
        assert_eq!(lines[0].text, "指标\t2025年");
        assert!(lines[0].table);
        assert_eq!(lines[1].text, "5G base stations建设");
    }
}

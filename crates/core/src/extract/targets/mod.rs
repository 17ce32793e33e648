//! Quantitative targets: `到2027年,…突破30项前沿关键核心技术`, `比重13%左右`, ranges `8—10个`,
//! Chinese numerals `百家`, multipliers `4.5万家`, `万亿`, `翻番`, Latin units `12EFLOPS`, and
//! indicator tables of 专栏 (`指标名称 2020年 2025年`).
//!
//! A figure is a target when it is set as a goal:
//! - it stands after a future year (`到2025年`, `2027年,`), in its own sentence, anywhere in a
//!   goals paragraph, or carried from a lead (`到2025年,…:` or a paragraph followed by `——`
//!   bullets) or a heading that dates its section (`总体目标(2013-2025年)`);
//! - or its clause commits to it (`力争`, `不低于`, `每年`, `翻番` …) or sets it to be done
//!   (`引进培育300家技改服务商`, `带宽可用性5000M以上`): goal verbs of `data/cues.toml`.
//!
//! Not targets: figures of background sections and past years, history (`已建成`, `截至`),
//! figures in quotes or names, ordinals, per-year capacities of projects (`年产`), counts of the
//! plan's own categories (`6个高成长未来产业`), attributive figures (`10万平方米以上的孵化园`),
//! specifications of a product (`8MW以上等级风力发电机组`), and money that is a policy instrument
//! (`给予最高500万元奖励`).
//!
//! Years come from the goal's own sentence, else from the lead or heading above it; a goal
//! with neither keeps `year: null` (never guessed).

mod name;
mod quantity;
mod table;

use super::text::{find_lit, first_digit};
use super::Ctx;
use crate::doc::LineKind;
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::extract::text::TrimAll;
use crate::model::Target;
use quantity::{is_cn_numeral, quantity_at, Quantity};

/// Byte ranges of quoted or book-titled text (`“33618”`, `《…》`), where figures are names.
fn quoted_ranges(s: &str) -> Vec<(usize, usize)> {
    // Each kind of opener found by its own SIMD search, the nearest one taken next (the same
    // pairs as a scan of every character, which this was: it runs over every paragraph); a
    // kind's next position is searched again only once the scan has passed it.
    const KINDS: [(&str, &str); 3] = [("\"", "\""), ("“", "”"), ("《", "》")];
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut next: [Option<usize>; 3] = [None; 3];
    let mut searched_from = [usize::MAX; 3];
    let mut from = 0;
    loop {
        for k in 0..KINDS.len() {
            let stale = searched_from[k] == usize::MAX || next[k].is_some_and(|p| p < from);
            if stale {
                let rest = &b[from..];
                let found = match k {
                    0 => memchr::memchr(b'"', rest),
                    1 => find_lit!(rest, "“"),
                    _ => find_lit!(rest, "《"),
                };
                next[k] = found.map(|p| p + from);
                searched_from[k] = from;
            }
        }
        let Some((k, p)) = next.iter().enumerate().filter_map(|(k, p)| p.map(|p| (k, p))).min_by_key(|&(_, p)| p)
        else {
            break;
        };
        let (open, _) = KINDS[k];
        let after = p + open.len();
        let rest = &b[after..];
        let found = match k {
            0 => memchr::memchr(b'"', rest),
            1 => find_lit!(rest, "”"),
            _ => find_lit!(rest, "》"),
        };
        match found {
            Some(q) => {
                out.push((p, after + q));
                from = after + q + KINDS[k].1.len();
            }
            None => break,
        }
    }
    out
}

/// The first Chinese numeral of `s` at or after byte `from` that can start a figure or a year
/// for `quantity_at` and `five_year_plan_end` (see [`is_cn_numeral`]: not 一, 零, 〇, and 万
/// only before 亿). Windows of 32 positions are tested at once by [`numeral_bytes`], without
/// early exit (so the test vectorises: most windows of CJK text hold no numeral).
fn first_numeral(s: &str, from: usize) -> Option<usize> {
    let b = s.as_bytes();
    let at = |p: usize| {
        b.get(p..p + 3).is_some_and(|w| numeral_bytes(w[0], w[1], w[2]))
            && (b[p..p + 3] != *"万".as_bytes() || b[p + 3..].starts_with("亿".as_bytes()))
    };
    let mut i = from;
    while let Some(w) = b.get(i..i + 34) {
        let w: &[u8; 34] = w.try_into().expect("34 bytes");
        let mut hits = [0u8; 32];
        for (j, h) in hits.iter_mut().enumerate() {
            *h = u8::from(numeral_bytes(w[j], w[j + 1], w[j + 2]));
        }
        // Only a 万 needs a second look (亿 after it); a window can hold several hits.
        while let Some(p) = crate::bytescan::first_hit(&hits) {
            if at(i + p) {
                return Some(i + p);
            }
            hits[p] = 0;
        }
        i += 32;
    }
    (i..b.len()).find(|&p| at(p))
}

/// Whether the UTF-8 bytes `x y z` are one of 二 三 四 五 六 七 八 九 十 百 千 两 万 (the
/// characters [`first_numeral`] looks for; 万 counts only before 亿, which the caller checks).
/// Written with `&`/`|` on booleans (no branches) so that a loop over it vectorises.
#[inline(always)]
fn numeral_bytes(x: u8, y: u8, z: u8) -> bool {
    let e4 = (x == 0xE4)
        & (((y == 0xBA) & ((z == 0x8C) | (z == 0x94))) // 二 五
            | ((y == 0xB8) & ((z == 0x89) | (z == 0x83) | (z == 0xA4) | (z == 0x87))) // 三 七 两 万
            | ((y == 0xB9) & (z == 0x9D))); // 九
    let e5 = (x == 0xE5)
        & (((y == 0x9B) & (z == 0x9B)) // 四
            | ((y == 0x85) & ((z == 0xAD) | (z == 0xAB))) // 六 八
            | ((y == 0x8D) & ((z == 0x81) | (z == 0x83)))); // 十 千
    let e7 = (x == 0xE7) & (y == 0x99) & (z == 0xBE); // 百
    e4 | e5 | e7
}

/// The byte positions of the ASCII digits of `s`, the only places a year marker starts (see
/// [`year_marker_at`]), found 32 bytes at a time.
fn digit_positions(s: &str) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let p = first_digit(s.as_bytes(), from)?;
        from = p + 1;
        Some(p)
    })
}

/// Years that set the time frame of the clauses after them: `到2025年`, `2027年,`, `至2030年`.
fn year_marker_at(s: &str, i: usize) -> Option<(i32, usize, bool)> {
    let b = s.as_bytes();
    if i + 5 > b.len() || !b[i..i + 4].iter().all(u8::is_ascii_digit) || (i > 0 && b[i - 1].is_ascii_digit()) {
        return None;
    }
    if !s[i + 4..].starts_with('年') {
        return None;
    }
    let year: i32 = s[i..i + 4].parse().ok()?;
    let after = &s[i + 4 + '年'.len_utf8()..];
    let before = &s[..i];
    let framed = before.ends_with('到') || before.ends_with('至') || before.ends_with("到了");
    let clause_start = before.is_empty() || before.ends_with([',', '。', ';', ':', ' ', '\t']);
    let after_ok =
        after.starts_with([',', '，']) || ["前", "底", "末", "时", "年底", "年末"].iter().any(|w| after.starts_with(w));
    // `由2015年的4000亿元增加到2020年的…` is a baseline, not a frame; `2025年的主要目标是:` is one.
    let goal_of_year = after.starts_with('的') && after[..after.find(is_clause_end).unwrap_or(after.len())].has("目标");
    let is_frame = (framed && !after.starts_with('的')) || (clause_start && after_ok) || goal_of_year;
    Some((year, i + 4 + '年'.len_utf8(), is_frame))
}

/// `到“十四五”末` / `“十五五”期末`: the last year of that five-year plan.
fn five_year_plan_end(s: &str, i: usize) -> Option<(i32, usize)> {
    let rest = &s[i..];
    if !rest.starts_with("十") {
        return None;
    }
    for (name, end) in [("十四五", 2025), ("十五五", 2030), ("十六五", 2035)] {
        if let Some(r) = rest.strip_prefix(name) {
            let r2 = r.trim_start_matches('”');
            for tail in ["末", "期末", "时期末"] {
                if r2.starts_with(tail) {
                    return Some((end, s.len() - r2.len() + tail.len()));
                }
            }
        }
    }
    None
}

/// Targets read from line `line` belong to the section that holds it.
fn set_path(ctx: &Ctx, targets: &mut [Target], line: usize) {
    if targets.is_empty() {
        return;
    }
    let path = ctx.doc.section_of(line).map(|h| ctx.doc.path(h)).unwrap_or_default();
    for t in targets {
        t.path = path.clone();
    }
}

/// Clause boundaries that end a target phrase.
fn is_clause_end(c: char) -> bool {
    matches!(c, ',' | '。' | ';' | ':' | '!' | '?' | '，' | '；' | '：')
}

/// The phrase of target `k`: from the end of the previous target's phrase (or clause start) to
/// the next `、` before another target (or the clause end).
fn segment(s: &str, found: &[(Quantity, Option<i32>)], k: usize) -> (usize, usize) {
    let q = &found[k].0;
    let clause_start =
        s[..q.start].rfind(is_clause_end).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    let mut a = clause_start;
    if k > 0 {
        let prev = &found[k - 1].0;
        if prev.end > clause_start && prev.end <= q.start {
            // After the previous target: from the first 、 after it.
            a = s[prev.end..q.start].find('、').map_or(prev.end, |p| prev.end + p + '、'.len_utf8());
        }
    }
    let clause_end = s[q.end..].find(is_clause_end).map_or(s.len(), |p| q.end + p);
    let mut b = clause_end;
    if let Some((next, _)) = found.get(k + 1) {
        if next.start < clause_end && next.start >= q.end {
            b = s[q.end..next.start].rfind('、').map_or(next.start, |p| q.end + p);
            // `翻番、达到300家`: the doubling belongs to the next figure.
            if s[q.end..next.start].has("翻番") {
                b = next.start;
            }
        }
    }
    (a, b.max(q.end))
}

/// What sets the year of the lines after a lead: the year and the level of the section the
/// lead is in (a heading at that level or above ends it); `bullets` leads end at the first
/// line that is not a bullet.
#[derive(Clone, Copy)]
struct Lead {
    year: i32,
    level: u8,
    bullets: bool,
    /// The industry the lead sets goals for (`战略性新兴产业发展要实现以下目标:`), as a byte range.
    subject: Option<(usize, usize)>,
}

/// `到2025年,战略性新兴产业发展要实现以下目标:` → the range of 战略性新兴产业 in the text.
fn lead_subject(text: &str, at: usize) -> Option<(usize, usize)> {
    let body = text.trim_end_matches([':', '：']);
    let start = body.rfind(',').map_or(0, |p| p + 1);
    let clause = &body[start..];
    let p = clause.find_str("产业")?;
    let subject = &clause[..p + "产业".len()];
    let rest = &clause[p + "产业".len()..];
    let sets_goals = rest.has("目标") && (rest.starts_with("发展") || rest.starts_with("要") || rest.starts_with("的"));
    ((3..=12).contains(&subject.chars().count()) && subject.chars().all(crate::extract::text::is_cjk) && sets_goals)
        .then_some((at + start, at + start + subject.len()))
}

/// A goal under such a lead named by `产业…` alone (`产业规模迈上万亿台阶`) measures the lead's
/// industry: 战略性新兴产业规模.
fn name_lead_industry(ctx: &Ctx, lead: Option<Lead>, targets: &mut [Target]) {
    let Some((a, b)) = lead.and_then(|l| l.subject) else { return };
    let subject = &ctx.doc.text[a..b];
    for t in targets.iter_mut() {
        if let Some(rest) = t.indicator.strip_prefix("产业").filter(|r| !r.is_empty()) {
            t.indicator = format!("{subject}{rest}");
        }
    }
}

/// Lines that continue a lead as its items: `——…`, `--…`, `●…`, `(1)…`, `①…`.
fn is_bullet(t: &str) -> bool {
    t.starts_with(['—', '-', '●', '•', '·', '▪', '◆', '■', '○', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨'])
        || crate::doc::parse_marker(t).is_some_and(|m| {
            matches!(
                m.scheme,
                crate::doc::Scheme::ParenNum
                    | crate::doc::Scheme::NumDot
                    | crate::doc::Scheme::NumComma
                    | crate::doc::Scheme::NumParen
                    | crate::doc::Scheme::Shi
            )
        })
}

/// Whether a section title says it sets goals (`发展目标`, `总体目标(2013-2025年)`).
fn is_goals_title(t: &str) -> bool {
    (t.has("目标") || t.has("总体要求") || t.has("总体思路")) && t.chars().count() <= 24
}

/// The year a heading dates its section with: the last year of `(2013-2025年)` or `到2025年`.
fn heading_year(title: &str, base_year: Option<i32>) -> Option<i32> {
    let b = title.as_bytes();
    let years: Vec<i32> = (0..b.len().saturating_sub(3))
        .filter(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()))
        .filter(|&i| !b.get(i + 4).is_some_and(u8::is_ascii_digit))
        .filter_map(|i| title[i..i + 4].parse().ok())
        .filter(|y| (1990..=2100).contains(y))
        .collect();
    let last = *years.last()?;
    let dated = years.len() >= 2 || title.contains(&format!("到{last}")) || title.contains(&format!("至{last}"));
    (dated && base_year.is_none_or(|b| last >= b)).then_some(last)
}

pub fn extract(ctx: &Ctx) -> Vec<Target> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    let headers: Vec<Option<(usize, i32, i32)>> = (0..doc.boxes.len()).map(|b| table::table_header(ctx, b)).collect();
    // Per heading: does its section set goals, and which year does its title date it with.
    let mut goals_section = vec![false; doc.headings.len()];
    let mut dated_section: Vec<Option<i32>> = vec![None; doc.headings.len()];
    for h in 0..doc.headings.len() {
        let parent = doc.headings[h].parent;
        goals_section[h] = is_goals_title(doc.title(h)) || parent.is_some_and(|p| goals_section[p]);
        dated_section[h] = heading_year(doc.title(h), ctx.base_year).or_else(|| parent.and_then(|p| dated_section[p]));
    }
    let mut lead: Option<Lead> = None;
    for i in 0..doc.lines.len() {
        let line = &doc.lines[i];
        let section = doc.section_of(i);
        let section_level = section.map_or(0, |h| doc.headings[h].level);
        let in_goals = section.is_some_and(|h| goals_section[h]);
        let section_year = section.and_then(|h| dated_section[h]);
        match line.kind {
            LineKind::Heading => {
                let h = doc.headings.partition_point(|h| h.line < i);
                let heading = doc.headings.get(h).filter(|hd| hd.line == i);
                let level = heading.map_or(0, |hd| hd.level);
                if lead.is_some_and(|l| level <= l.level || l.bullets && !is_bullet(doc.line_text(i))) {
                    lead = None;
                }
                // Run-in text after a heading's title can hold targets, and so can a title that is
                // a whole sentence (`1.鼓励和支持…形成若干个规模超百亿的…产业集群`).
                let long_title = heading.filter(|hd| {
                    let (a, b) = hd.title_range;
                    doc.text[a..b].chars().count() > 24
                });
                // A short numbered sentence under a dated lead or in a goals section is a goal
                // item the outline took for a heading (`到2026年,主要目标如下:` / `1.建成…12个。`).
                let item_title = heading
                    .filter(|_| (lead.is_some() || in_goals) && doc.line_text(i).trim_end().ends_with(['。', ';']));
                let scan_from =
                    long_title.or(item_title).map(|hd| hd.title_range.0).or_else(|| heading.and_then(|hd| hd.run_in));
                if let Some(start) = scan_from {
                    if start < line.cend && !ctx.background[i] {
                        let carried = lead.map(|l| l.year).or(section_year);
                        let from = out.len();
                        paragraph_targets(ctx, start, line.cend, carried, in_goals || lead.is_some(), &mut out);
                        set_path(ctx, &mut out[from..], i);
                        name_lead_industry(ctx, lead, &mut out[from..]);
                    }
                }
                continue;
            }
            LineKind::Text => {}
            _ => continue,
        }
        if ctx.background[i] {
            continue;
        }
        let text = &doc.text[line.cstart..line.cend];
        // A bullets lead ends at a paragraph that is no bullet, unless the text is hard-wrapped
        // (a bullet's sentences then run over lines of their own).
        if lead.is_some_and(|l| l.bullets && !is_bullet(text) && !ctx.norm.reflowed) {
            lead = None;
        }
        if line.in_box.is_some() && table::is_table_row_region(&headers, ctx, i) {
            continue; // indicator tables are read whole below
        }
        let carried = lead.map(|l| l.year).or(section_year);
        let starts_dated = text.starts_with('到') || text.starts_with("力争到") || text.starts_with("展望");
        let goals = in_goals || lead.is_some() || starts_dated;
        let from = out.len();
        let frame = paragraph_targets(ctx, line.cstart, line.cend, carried, goals, &mut out);
        set_path(ctx, &mut out[from..], i);
        name_lead_industry(ctx, lead, &mut out[from..]);
        // A lead: a dated line ending in `:`, or one whose next line is a bullet.
        if let Some(year) = frame {
            let next = (i + 1..doc.lines.len()).find(|&j| doc.lines[j].kind != LineKind::Blank);
            let colon = text.ends_with(':') || text.ends_with('：');
            let bullets_follow = next.is_some_and(|j| is_bullet(doc.line_text(j)));
            if colon || bullets_follow {
                lead = Some(Lead {
                    year,
                    level: section_level,
                    bullets: !colon,
                    subject: lead_subject(text, line.cstart),
                });
            }
        }
    }
    let text_values: Vec<(f64, String, Option<i32>)> =
        out.iter().map(|t: &Target| (t.value, t.unit.clone(), t.year)).collect();
    for (b, header) in headers.iter().enumerate() {
        if let Some(header) = *header {
            let from = out.len();
            table::indicator_table(ctx, b, header, &text_values, &mut out);
            set_path(ctx, &mut out[from..], header.0);
        }
    }
    table::link_baselines(&mut out);
    out
}

/// Reads the targets of one paragraph `[start, end)`; returns the last future year frame it
/// states. `carried` is the year of the lead or heading above; `goals` says the paragraph sets
/// goals, so a year stated in one sentence dates the later ones too (in a task paragraph a
/// dated sentence dates only its own goals).
fn paragraph_targets(
    ctx: &Ctx,
    start: usize,
    end: usize,
    carried: Option<i32>,
    goals: bool,
    out: &mut Vec<Target>,
) -> Option<i32> {
    let cues = &ctx.dicts.cues.targets;
    let s = &ctx.doc.text[start..end];
    // A paragraph that opens with its year (`2027年,全市…`, `到2025年,`) sets goals.
    let first_clause =
        &s[..s.find(is_clause_end).map_or(s.len(), |p| p + s[p..].chars().next().map_or(0, char::len_utf8))];
    let goals = goals || digit_positions(first_clause).any(|k| year_marker_at(first_clause, k).is_some_and(|y| y.2));
    let quoted = quoted_ranges(s);
    let in_quote = |p: usize| quoted.iter().any(|(a, b)| *a < p && p < *b);
    let mut frame: Option<i32> = carried;
    let mut historical = false;
    let mut last_frame = None;
    let mut found: Vec<(Quantity, Option<i32>)> = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    // Figures and years start only at an ASCII digit or at a numeral `quantity_at` reads
    // (二–九, 十, 百, 千, 两, `万亿`; 一, 零, 〇 start none): the scan jumps from one such place
    // to the next, found by searches (each kept until the scan passes it), and looks for a `。`
    // only in the stretch it jumps over — the places and stops a scan of every character meets.
    let mut next_digit: Option<Option<usize>> = None;
    let mut next_numeral: Option<Option<usize>> = None;
    loop {
        if next_digit.is_none_or(|p| p.is_some_and(|p| p < i)) {
            next_digit = Some(first_digit(bytes, i));
        }
        if next_numeral.is_none_or(|p| p.is_some_and(|p| p < i)) {
            next_numeral = Some(first_numeral(s, i));
        }
        let Some(at) = next_digit.flatten().into_iter().chain(next_numeral.flatten()).min() else { break };
        if !goals && find_lit!(&bytes[i..at], "。").is_some() {
            // A task paragraph: the next sentence starts without this one's year.
            frame = carried;
            historical = false;
        }
        i = at;
        if let Some((year, after)) = five_year_plan_end(s, i) {
            frame = Some(year);
            last_frame = Some(year);
            historical = false;
            i = after;
            continue;
        }
        if let Some((year, after, is_frame)) = year_marker_at(s, i) {
            if is_frame && !(1990..=2100).contains(&year) {
                // A corrupted year (`0402年`) is neither corrected nor used.
                frame = carried;
            } else if is_frame {
                let past = ctx.base_year.is_some_and(|b| year < b);
                historical = past;
                frame = if past { None } else { Some(year) };
                if !past {
                    last_frame = Some(year);
                }
            }
            i = after;
            continue;
        }
        let prev = s[..i].chars().next_back();
        let starts_number =
            prev.is_none_or(|p| !p.is_ascii_digit() && p != '.' && !p.is_ascii_alphabetic() && !is_cn_numeral(p));
        if starts_number && !in_quote(i) {
            if let Some(q) = quantity_at(s, i, cues).or_else(|| quantity::bare_figure_at(s, i)) {
                let next = q.end;
                if !historical && accept(ctx, s, &q) {
                    found.push((q, frame));
                }
                i = next;
                continue;
            }
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    if !goals && find_lit!(&bytes[i.min(s.len())..], "。").is_some() {
        frame = carried;
        historical = false;
    }
    // `实现…数量倍增` / `翻番`: a doubling without a figure.
    // Most paragraphs hold neither `倍` nor `翻`: two prebuilt memmem searches skip the three
    // below (`memmem::find` would build a searcher per paragraph).
    let doubling = find_lit!(s, "倍").is_some() || find_lit!(s, "翻").is_some();
    for word in ["倍增", "翻一番", "翻番"].into_iter().filter(|_| doubling) {
        let mut from = 0;
        while let Some(p) = s[from..].find(word).map(|p| p + from) {
            from = p + word.len();
            let after = &s[from..];
            // A doubling is a goal where it ends its phrase (`数量倍增`, `翻一番以上`), not as
            // part of a name (`倍增计划`, `资源倍增一张图`).
            let ends_phrase = after.is_empty()
                || after.starts_with(|c: char| is_clause_end(c) || c == '、' || c == ')')
                || after.starts_with("以上");
            if !ends_phrase || in_quote(p) || historical {
                continue;
            }
            // `数量翻番、达到300家`: the doubling qualifies the figure that follows.
            let clause_end = after.find(is_clause_end).unwrap_or(after.len());
            if found.iter().any(|(q, _)| q.start >= from && q.start <= from + clause_end) {
                continue;
            }
            if found.iter().any(|(q, _)| q.start < p && p < q.end + 12) {
                continue;
            }
            let year = year_of_position(s, p, carried, goals, &found, frame);
            found.push((
                Quantity {
                    start: p,
                    end: from,
                    value: 2.0,
                    value_max: None,
                    unit: "倍".into(),
                    kind: "multiple",
                    magnitude: false,
                    latin: false,
                },
                year,
            ));
        }
    }
    found.sort_by_key(|(q, _)| q.start);
    let shared = distribute(s, &mut found);
    let first_out = out.len();
    let mut sentence_of: Vec<usize> = Vec::new();
    // Whether a target shares its clause with the one before (only `、` between them).
    let mut same_clause: Vec<bool> = Vec::new();
    let mut prev_end: Option<usize> = None;
    let mut scope: Option<String> = None;
    let mut clause_of_scope = usize::MAX;
    let (mut stops_before, mut stops_counted_to) = (0usize, 0usize);
    for k in 0..found.len() {
        let (q, year) = &found[k];
        let committed = year.is_some() || q.kind == "multiple" || has_cue(s, q.start, cues) || sets_goal(s, q, cues);
        if !committed {
            continue;
        }
        let seg = segment(s, &found, k);
        let mut target = name::build(ctx, s, start, q, *year, seg, &mut scope, &mut clause_of_scope);
        // Figures come in order of position: count the full stops since the last one only.
        stops_before += s[stops_counted_to..q.start].matches('。').count();
        stops_counted_to = q.start;
        let sentence = stops_before;
        let before = out.len();
        match &shared[k] {
            Shared::None => out.push(target),
            Shared::Run { clause, names } => {
                // One figure of `A和B分别超过70%和50%`: its own indicator, the clause as text.
                target.indicator = names.clone();
                set_text(ctx, s, start, &mut target, *clause);
                out.push(target);
            }
            Shared::Each { clause, names } => {
                // `A和B均达到7000亿级`: one target per indicator, sharing the figure.
                set_text(ctx, s, start, &mut target, *clause);
                for n in names {
                    let mut t = target.clone();
                    t.indicator = n.clone();
                    out.push(t);
                }
            }
        }
        let joined = prev_end.is_some_and(|e| e <= q.start && !s[e..q.start].contains(is_clause_end));
        prev_end = Some(q.end);
        sentence_of.extend(std::iter::repeat_n(sentence, out.len() - before));
        same_clause.extend(std::iter::repeat_n(joined, out.len() - before));
    }
    name::carry_subjects(&mut out[first_out..], &sentence_of, &same_clause);
    name::section_subjects(ctx, start, &mut out[first_out..]);
    last_frame.or(if carried.is_some() { frame } else { None })
}

/// How a figure shares its clause with others: `分别` pairs figures with years or indicators,
/// `均`/`分别` with one figure gives it to each indicator of the subject.
enum Shared {
    None,
    Run { clause: (usize, usize), names: String },
    Each { clause: (usize, usize), names: Vec<String> },
}

fn set_text(ctx: &Ctx, s: &str, base: usize, t: &mut Target, (a, b): (usize, usize)) {
    let text = s[a..b].trim();
    let from = base + a + (s[a..b].len() - s[a..b].trim_start().len());
    t.text = text.to_string();
    t.span = ctx.span(from, from + text.len());
}

/// Items of a subject joined by `和`/`、`/`及`/`与` (not inside brackets), with the common head
/// written out: `智能制造装备和工业软件市场满足率` → 智能制造装备市场满足率, 工业软件市场满足率.
fn subject_items(subject: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in subject.chars() {
        match c {
            '(' | '“' | '《' => depth += 1,
            ')' | '”' | '》' => depth -= 1,
            _ => {}
        }
        if depth == 0 && matches!(c, '和' | '、' | '及' | '与') {
            items.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    items.push(cur);
    items.retain(|i| !i.trim().is_empty());
    if items.len() < 2 {
        return items;
    }
    // The last item carries the head the others share: its words after the first item's length.
    let last = items.last().cloned().unwrap_or_default();
    let shortest = items[..items.len() - 1].iter().map(|i| i.chars().count()).max().unwrap_or(0);
    let head: String = last.chars().skip(shortest.min(last.chars().count().saturating_sub(2))).collect();
    let n = items.len();
    for item in &mut items[..n - 1] {
        if !item.ends_with(head.as_str()) {
            item.push_str(&head);
        }
    }
    items
}

/// Finds the figures that share a clause through `分别` or `均` and fixes their years (a list of
/// years before `分别`: `2024年、2025年分别突破2.2万亿元、2.4万亿元`) and indicators.
fn distribute(s: &str, found: &mut [(Quantity, Option<i32>)]) -> Vec<Shared> {
    let mut shared: Vec<Shared> = found.iter().map(|_| Shared::None).collect();
    let mut k = 0;
    while k < found.len() {
        let (ca, cb) = clause_at(s, found[k].0.start);
        // The run: figures of this clause joined only by `、`/`和`/`及`/`与` and qualifiers.
        let mut run = vec![k];
        while let Some(next) = found.get(run[run.len() - 1] + 1) {
            let prev = &found[run[run.len() - 1]].0;
            if next.0.start > cb || next.0.start < prev.end {
                break;
            }
            let gap = s[prev.end..next.0.start].trim_start_matches(['以', '上', '左', '右', ' ']);
            if !matches!(gap, "、" | "和" | "及" | "与" | ",") {
                break;
            }
            run.push(run[run.len() - 1] + 1);
        }
        let head = &s[ca..found[k].0.start];
        let marker = ["分别", "均"].iter().filter_map(|w| head.rfind(w).map(|p| (p, *w))).max();
        let Some((p, word)) = marker else {
            k = run[run.len() - 1] + 1;
            continue;
        };
        let subject = name::strip_year_phrase(&head[..p]);
        let years = listed_years(&head[..p]);
        if run.len() >= 2 && years.len() == run.len() {
            for (j, &r) in run.iter().enumerate() {
                found[r].1 = Some(years[j]);
            }
        }
        let subject = subject.trim_start_matches(['、', ',']);
        let mut items = subject_items(subject);
        if items.len() < 2 && word == "分别" {
            let before = s[..ca].trim_end_matches(is_clause_end);
            let from =
                before.rfind(is_clause_end).map_or(0, |x| x + before[x..].chars().next().map_or(1, char::len_utf8));
            let prev_clause = before[from..].trim_start();
            // `面向自然人和法人组织,分别形成1000个…“数字标签”`: the items are in the clause before,
            // each with what is formed.
            let post = s[found[k].0.end..cb].trim_start_matches(['以', '上', '左', '右', '的']);
            for lead in ["面向", "对", "在", "为", "针对"] {
                if let Some(rest) = prev_clause.strip_prefix(lead) {
                    let more: Vec<String> =
                        rest.split(['和', '、', '及', '与']).map(|i| format!("{i}{post}")).collect();
                    if more.len() >= 2 {
                        items = more;
                    }
                }
            }
            // `智能制造装备和工业软件技术水平…提升,市场满足率分别超过70%和50%`: the items lead the
            // clause before and share this clause's measure.
            if items.len() < 2 && !subject.trim().is_empty() {
                if let Some((a, b)) = prev_clause.split_once('和') {
                    let b_end = b
                        .char_indices()
                        .find(|(i, _)| {
                            ["技术", "水平", "能力", "规模", "质量", "产品", "市场"]
                                .iter()
                                .any(|w| b[*i..].starts_with(w))
                        })
                        .map_or(b.len(), |(i, _)| i);
                    let (a, b) = (a.trim(), &b[..b_end]);
                    if (2..=10).contains(&a.chars().count()) && (2..=10).contains(&b.chars().count()) {
                        items = vec![format!("{a}{subject}"), format!("{b}{subject}")];
                    }
                }
            }
        }
        // `2024年、2025年分别突破…`: without a subject, the one of the clause before.
        let subject_name = if subject.trim().is_empty() || listed_years(subject).len() >= 2 {
            let before = s[..ca].trim_end_matches(is_clause_end);
            let from =
                before.rfind(is_clause_end).map_or(0, |x| x + before[x..].chars().next().map_or(1, char::len_utf8));
            let prev = name::strip_year_phrase(before[from..].trim());
            let prev = prev.split(|c: char| c.is_ascii_digit()).next().unwrap_or("");
            ["年均增长", "年均", "突破", "达到", "超过"]
                .iter()
                .fold(prev, |t, w| t.strip_suffix(w).unwrap_or(t))
                .to_string()
        } else {
            name::strip_words(subject, &[], &[])
        };
        let clause = (ca, cb);
        if run.len() >= 2 && items.len() == run.len() {
            for (j, &r) in run.iter().enumerate() {
                shared[r] = Shared::Run { clause, names: items[j].clone() };
            }
        } else if run.len() >= 2 && years.len() == run.len() && !subject_name.is_empty() {
            for &r in &run {
                shared[r] = Shared::Run { clause, names: subject_name.clone() };
            }
        } else if run.len() == 1 && items.len() >= 2 {
            shared[k] = Shared::Each { clause, names: items };
        }
        k = run[run.len() - 1] + 1;
    }
    shared
}

/// Whether a text holds a count (an Arabic figure with a count unit): `15家`, `5个`.
fn has_count(s: &str, cues: &crate::cues::TargetCues) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        b[i].is_ascii_digit()
            && !b.get(i + 1).is_some_and(u8::is_ascii_digit)
            && s.is_char_boundary(i + 1)
            && cues.unit_at(&s[i + 1..]).is_some_and(|(_, k)| k == "count")
    })
}

/// Years listed in a text: `2024年、2025年` → [2024, 2025].
fn listed_years(s: &str) -> Vec<i32> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3))
        .filter(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()))
        .filter(|&i| s[i + 4..].starts_with('年'))
        .filter_map(|i| s[i..i + 4].parse().ok())
        .collect()
}

/// The year in force at byte `p` for a doubling found after the figures: the year of the
/// nearest figure before it in the same sentence, else the lead's.
fn year_of_position(
    s: &str,
    p: usize,
    carried: Option<i32>,
    goals: bool,
    found: &[(Quantity, Option<i32>)],
    frame_at_end: Option<i32>,
) -> Option<i32> {
    let sentence_start = s[..p].rfind('。').map_or(0, |x| x + '。'.len_utf8());
    if let Some((_, y)) = found.iter().rev().find(|(q, _)| q.start < p && (goals || q.start >= sentence_start)) {
        return *y;
    }
    // A year stated before the doubling in its sentence.
    let head = &s[if goals { 0 } else { sentence_start }..p];
    let mut year = None;
    for k in digit_positions(head) {
        if let Some((y, _, true)) = year_marker_at(head, k) {
            year = Some(y);
        }
    }
    year.or(carried).or(if goals { frame_at_end } else { None })
}

/// The clause around byte `pos` (between clause ends).
fn clause_at(s: &str, pos: usize) -> (usize, usize) {
    let a = s[..pos].rfind(['。', ';', ',', ':']).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    let b = s[pos..].find(['。', ';', ',']).map_or(s.len(), |p| p + pos);
    (a, b)
}

fn has_cue(s: &str, pos: usize, cues: &crate::cues::TargetCues) -> bool {
    let (a, b) = clause_at(s, pos);
    cues.has_commitment(&s[a..b])
}

/// A figure set to be done or reached: a goal verb of its clause stands before it
/// (`引进培育300家技改服务商`, `带宽可用性5000M以上`, `材料减少60%以上`).
fn sets_goal(s: &str, q: &Quantity, cues: &crate::cues::TargetCues) -> bool {
    let (a, b) = clause_at(s, q.start);
    let head = &s[a..q.start];
    // A figure may run past its clause end (`9,949` holds a clause mark): nothing follows then.
    let tail = s.get(q.end..b).unwrap_or("");
    cues.has_goal_verb(head)
        || ["低于", "大于", "高于", "小于", "以下", "以内"].iter().any(|w| head.trim_end().ends_with(w))
        // `带宽可用性5000M以上`: an indicator and the level it is to reach.
        || ["以上", "左右", "以内"].iter().any(|w| tail.starts_with(w)) && !head.trim().is_empty()
        // `90%的市…达到省级三星级以上`: the share of what is to reach a level; `100个高频事项实现
        // “最多跑一次”`: the count of what is to reach it.
        || q.kind == "ratio" && tail.starts_with('的') && cues.has_goal_verb(tail)
        || q.kind == "count" && ["实现", "达到", "完成"].iter().any(|v| tail.contains(v))
}

/// Whether a parsed quantity can be a target at all.
fn accept(ctx: &Ctx, s: &str, q: &Quantity) -> bool {
    let cues = &ctx.dicts.cues.targets;
    let before = &s[..q.start];
    let after = &s[q.end..];
    // Ordinals, enumerations, ranks, capacities of projects, first batches.
    if before.ends_with('第')
        || before.ends_with('等')
        || before.ends_with("前")
        || before.ends_with("年产")
        || before.ends_with("首批")
        || before.ends_with("产能")
        || before.ends_with("排名")
    {
        return false;
    }
    if before.ends_with(['/', '×', '*']) || after.starts_with(['/', '×']) {
        return false;
    }
    let (ca, cb) = clause_at(s, q.start);
    let clause = &s[ca..cb];
    // History and the present: `已建成…`, `截至2023年底,全市有…`, `2011年…实现工业总产值…`.
    if cues.has_history_word(&s[ca..q.start]) {
        return false;
    }
    if let Some(base) = ctx.base_year {
        if listed_years(&s[ca..q.start]).iter().any(|y| (1990..base).contains(y)) {
            return false;
        }
    }
    // The count of a list of names: `“丝路云品电商节”6个全国性网络促销活动`.
    if q.kind == "count" && before.ends_with('”') && before[..before.len() - '”'.len_utf8()].has("”“") {
        return false;
    }
    // A sentence that grants money sets conditions, not goals: `对…首次达到2000万元的企业,给予…奖励`,
    // `每认定1家给予孵化器10万元扶持`.
    let sentence_start =
        before.rfind(['。', ';']).map_or(0, |p| p + before[p..].chars().next().map_or(1, char::len_utf8));
    let sentence_end = after.find(['。', ';']).map_or(s.len(), |p| q.end + p);
    let sentence = &s[sentence_start..sentence_end];
    if sentence.has("给予") && sentence.contains('元') && !["不少于", "不低于"].iter().any(|w| s[ca..q.start].has(w))
    {
        return false;
    }
    // Money as a policy instrument: `给予最高500万元奖励`, `不超过300万元/年` — but a required
    // minimum is a goal (`不得低于30%`, `总规模不少于100亿元`).
    let money = q.unit.ends_with('元');
    if money
        && cues.has_policy_money_word(clause)
        && !["不少于", "不低于", "不得低于"].iter().any(|w| s[ca..q.start].has(w))
    {
        return false;
    }
    let after_q = after.trim_start_all("以上").trim_start_all("左右").trim_start_all("以下");
    // `三位一体`, `三元融合`: words, not figures.
    let chinese = !s[q.start..].starts_with(|c: char| c.is_ascii_digit());
    if chinese && (after.starts_with(is_cn_numeral) || (money && q.value < 10.0)) {
        return false;
    }
    // A measure right before a noun describes it: `直径大于103米叶片`.
    if q.kind == "amount" && !money && !q.latin && after_q.starts_with(crate::extract::text::is_cjk) {
        let qualifier = ["级", "的", "以", "左右"].iter().any(|w| after_q.starts_with(w));
        if !qualifier {
            return false;
        }
    }
    // A specification of a product: `8MW以上等级风力发电机组`, `信噪比达到70dB…的声学传感器`.
    if q.latin || q.unit == "纳米" {
        if after_q.starts_with("等级") || after_q.starts_with("级") || after_q.starts_with("工艺") {
            return false;
        }
        // `达到70dB、…的传感器实现量产`: the figure qualifies a product named later.
        // (A figure may run past its clause's end: `9,949` holds a clause mark.)
        if s.get(q.end..cb).is_some_and(|rest| rest.contains('的')) {
            return false;
        }
    }
    // Attributive figures: `10万平方米以上的孵化园`, `超10亿的企业` (but `千亿级的产业集群` is a
    // goal, and so is money describing what is to be grown: `培育产值超10亿元的龙头企业`).
    // A share is named by what follows it: `70%的规模以上制造业企业基本实现数字化网络化`.
    // A count names what it counts, `的` or not: `形成1000个以上的“数字标签”`.
    if after_q.starts_with('的') && !q.magnitude && q.kind != "ratio" && q.kind != "count" {
        let head = &s[ca..q.start];
        let minimum = ["不少于", "不低于", "不得低于"].iter().any(|w| head.has(w));
        let grown = ["培育", "形成", "打造", "引进"].iter().any(|v| head.contains(v));
        // Unless a count of the same things stands in the clause: `培育收入首次突破100亿元的企业15家`,
        // `培育5个以上收入过200亿元的软件产业集群` count the firms and clusters.
        let counted = has_count(&s[ca..cb], cues);
        if !(money && (minimum || grown) && !counted) {
            return false;
        }
    }
    if after.starts_with("范围") || after.starts_with("为评价") || after.starts_with("为周期") {
        return false;
    }
    // Parts of the plan counted in words: `通过实施四项重点任务`, `三大工程`.
    if chinese && q.kind == "count" {
        let noun = &after[..after.find(is_clause_end).unwrap_or(after.len())];
        if ["任务", "工程", "行动", "举措", "措施", "体系"].iter().any(|w| noun.ends_with(w))
            && noun.chars().count() <= 8
        {
            return false;
        }
    }
    // Counts of the plan's own categories: `6个高成长未来产业`, `3-5个…细分方向`.
    if q.kind == "count" && !q.magnitude {
        let clause_end = after.find(is_clause_end).unwrap_or(after.len());
        let phrase = &after[..clause_end];
        let phrase = phrase.trim_end_matches(|c: char| !crate::extract::text::is_cjk(c));
        // The counted noun ends the clause (`等6个高成长未来产业`); a longer phrase goes on to a verb.
        if phrase.chars().count() <= 14 && cues.category_heads.iter().any(|h| phrase.ends_with(h.as_str())) {
            return false;
        }
        // A named campaign: `实施千名科技特派员助力乡村振兴行动`.
        let clause_start =
            before.rfind(is_clause_end).map_or(0, |p| p + before[p..].chars().next().map_or(1, char::len_utf8));
        if before[clause_start..].ends_with("实施") && ["行动", "计划", "工程"].iter().any(|w| phrase.ends_with(w))
        {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    /// Year markers are looked for at the digits only: the same markers as at every position.
    #[test]
    fn year_markers_are_found_at_digits_as_at_every_position() {
        let long = "到2025年,全市新增100家;2027年底前建成。".repeat(3);
        for s in ["", "2025", "2025年", "到2025年,", "a2025年底", "12025年", "x1y22z333年4444年,", long.as_str()]
        {
            let every: Vec<_> = (0..s.len()).filter_map(|k| super::year_marker_at(s, k)).collect();
            let at_digits: Vec<_> = super::digit_positions(s).filter_map(|k| super::year_marker_at(s, k)).collect();
            assert_eq!(every, at_digits, "{s}");
        }
    }

    /// Short numbered goals under a dated lead are items the outline reads as headings; their
    /// figures are targets with the lead's year.
    #[test]
    fn numbered_goal_items_under_a_dated_lead_are_targets() {
        let text = "一、发展目标\n到2027年,建成示范工厂30个。\n二、近期目标\n到2026年,主要目标如下:\n1.建成创新中心12个。\n2.培育企业50家。\n三、重点任务\n(一)推进创新。支持企业发展。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let got: Vec<(f64, Option<i32>)> = plan.targets.iter().map(|t| (t.value, t.year)).collect();
        assert_eq!(got, [(30.0, Some(2027)), (12.0, Some(2026)), (50.0, Some(2026))]);
    }

    #[test]
    fn quoted_ranges_pair_openers_with_their_closers() {
        let reference = |s: &str| {
            let mut out = Vec::new();
            let mut open: Option<(usize, char)> = None;
            for (i, c) in s.char_indices() {
                match (open, c) {
                    (None, '“') => open = Some((i, '”')),
                    (None, '《') => open = Some((i, '》')),
                    (None, '"') => open = Some((i, '"')),
                    (Some((a, close)), c) if c == close => {
                        out.push((a, i));
                        open = None;
                    }
                    _ => {}
                }
            }
            out
        };
        for s in [
            "实施“33618”工程,落实《规划》和\"十四五\"要求",
            "“未闭合《书名》",
            "《甲“乙”丙》“丁”",
            "”》\"\"",
            "",
            "普通文字,没有引号。中蜜",
            "“”《》",
            "\"甲“乙\"丙”《丁》",
            "《甲》《乙》“丙”\"丁\"“戊",
        ] {
            assert_eq!(quoted_ranges(s), reference(s), "{s}");
        }
    }

    use super::*;

    /// The places the figure scan jumps to are those where a scan of every character could
    /// start a figure or a year: an ASCII digit, a numeral `quantity_at` reads, `万亿`.
    #[test]
    fn the_scan_stops_where_a_figure_can_start() {
        fn reference(s: &str, from: usize) -> Option<usize> {
            s.char_indices().map(|(i, _)| i).filter(|&i| i >= from).find(|&i| {
                let c = s[i..].chars().next().unwrap_or(' ');
                c.is_ascii_digit()
                    || (is_cn_numeral(c)
                        && !matches!(c, '一' | '零' | '〇')
                        && (c != '万' || s[i + c.len_utf8()..].starts_with('亿')))
            })
        }
        let mut all = String::from("到2025年,ÿ建成〇𠀀一百个。é万家万亿元两江十四五零一二三四五六七八九十百千万");
        all.push_str(&"发展目标建设".repeat(20));
        all.push('7');
        for s in [all.as_str(), "", "一零〇万", "万", "3", "没有数字。"] {
            for from in (0..=s.len()).filter(|&k| s.is_char_boundary(k)) {
                let next = first_digit(s.as_bytes(), from).into_iter().chain(first_numeral(s, from)).min();
                assert_eq!(next, reference(s, from), "{s} from {from}");
            }
        }
    }

    /// `first_numeral` as first written: an Aho-Corasick automaton of the numerals. The
    /// window test must agree with it wherever a numeral (or a 万 without 亿) falls relative to
    /// the 32-byte windows, and for every start.
    #[test]
    fn first_numeral_agrees_with_an_automaton() {
        let ac = aho_corasick::AhoCorasick::new([
            "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "两", "万亿",
        ])
        .unwrap();
        let reference =
            |s: &str, from: usize| ac.find(aho_corasick::Input::new(s).span(from..s.len())).map(|m| m.start());
        let mut texts = Vec::new();
        for pad in 0..40 {
            for needle in ["二", "九", "百", "千", "两", "万亿", "万", "万元", "一", "亿", "三", "一二"]
            {
                // ASCII padding shifts the needle through every offset of a window; CJK text
                // around it holds the numerals' lead and middle bytes in other characters.
                let head = "a".repeat(pad % 7) + &"发展目标建设".repeat(pad / 7 + 1);
                texts.push(format!("{head}{needle}{}", "丁丐且丕上下不与".repeat(pad % 3)));
                texts.push(format!("{}{needle}", "x".repeat(pad)));
            }
        }
        texts.push("是一二三四五六七八九十百千两万亿".repeat(5));
        for s in &texts {
            for from in (0..=s.len()).filter(|&k| s.is_char_boundary(k)) {
                assert_eq!(first_numeral(s, from), reference(s, from), "{s} from {from}");
            }
        }
    }
}

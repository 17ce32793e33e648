//! Quantitative targets: `到2027年,…突破30项前沿关键核心技术`, `比重13%左右`, ranges
//! `8—10个`, Chinese numerals `百家`, multipliers `4.5万家`, `万亿`, `翻番`, and indicator
//! tables of 专栏 (`指标名称 2020年 2025年`).
//!
//! A quantity is a target when it stands in a goal frame: after a future year (`到2025年`,
//! `2027年,`; carried over paragraphs by a line ending in `:`), or with a commitment word
//! (`力争`, `确保`, `不低于`, `每年`, `年均`, `翻番` …). Figures of background sections, of past
//! years, in quotes or names, ordinals, per-year capacities of projects (`年产`), counts of
//! directions and industries (`6个高成长未来产业`) and attributive figures (`10万平方米以上的
//! 孵化园`) are not targets.

use super::text::is_cjk;
use super::Ctx;
use crate::doc::LineKind;
use crate::model::Target;
use crate::numbers::parse_number;

/// Units of measure and the kind of target they make.
const UNITS: &[(&str, &str)] = &[
    ("个百分点", "ratio"),
    ("百分点", "ratio"),
    ("%", "ratio"),
    ("‰", "ratio"),
    ("亿美元", "amount"),
    ("万美元", "amount"),
    ("亿元", "amount"),
    ("万元", "amount"),
    ("元", "amount"),
    ("平方公里", "amount"),
    ("平方米", "amount"),
    ("公顷", "amount"),
    ("万亩", "amount"),
    ("亩", "amount"),
    ("万千瓦", "amount"),
    ("千瓦", "amount"),
    ("立方米", "amount"),
    ("万吨", "amount"),
    ("吨", "amount"),
    ("公里", "amount"),
    ("人年", "count"),
    ("人次", "count"),
    ("场次", "count"),
    ("家", "count"),
    ("个", "count"),
    ("项", "count"),
    ("件", "count"),
    ("名", "count"),
    ("人", "count"),
    ("户", "count"),
    ("款", "count"),
    ("条", "count"),
    ("座", "count"),
    ("所", "count"),
    ("套", "count"),
    ("台", "count"),
    ("辆", "count"),
    ("艘", "count"),
    ("架", "count"),
    ("颗", "count"),
    ("部", "count"),
    ("种", "count"),
    ("支", "count"),
    ("位", "count"),
    ("处", "count"),
    ("次", "count"),
    ("倍", "multiple"),
];

/// Head nouns of counted things that are categories of the plan, not goals.
const CATEGORY_HEADS: &[&str] = &["产业", "方向", "领域", "赛道", "产业链", "板块", "行业", "方面", "重点", "环节"];

/// Words that make a figure a commitment even without a target year.
const CUES: &[&str] =
    &["力争", "确保", "不低于", "不少于", "不得低于", "每年", "年均", "倍增", "翻番", "翻一番", "安排"];

fn is_cn_numeral(c: char) -> bool {
    matches!(
        c,
        '零' | '〇'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '两'
            | '万'
    )
}

fn unit_at(s: &str) -> Option<(&'static str, &'static str, usize)> {
    UNITS.iter().find(|(u, _)| s.starts_with(u)).map(|(u, k)| (*u, *k, u.len()))
}

#[derive(Debug, Clone)]
struct Quantity {
    start: usize,
    end: usize,
    value: f64,
    value_max: Option<f64>,
    unit: String,
    kind: &'static str,
    /// `级` magnitudes: `千亿级的产业集群`.
    magnitude: bool,
}

/// Parses a quantity at byte `i` of `s`.
fn quantity_at(s: &str, i: usize) -> Option<Quantity> {
    let rest = &s[i..];
    // `迈上万亿台阶`: a bare 万亿 is ten thousand 亿元.
    if rest.starts_with("万亿")
        && !s[..i].ends_with(|c: char| c.is_ascii_digit() || "一二三四五六七八九十百千两".contains(c))
    {
        let unit_len = if rest["万亿".len()..].starts_with('元') { '元'.len_utf8() } else { 0 };
        return Some(Quantity {
            start: i,
            end: i + "万亿".len() + unit_len,
            value: 10000.0,
            value_max: None,
            unit: "亿元".into(),
            kind: "amount",
            magnitude: false,
        });
    }
    let first = rest.chars().next()?;
    let arabic = first.is_ascii_digit();
    if !arabic && !matches!(first, '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '两')
    {
        return None;
    }
    let (mut value, mut used) = parse_number(rest)?;
    // `500万元`: 万元 is a unit of its own, not a multiplier.
    if rest[..used].ends_with('万') && rest[used..].starts_with('元') {
        value /= 10_000.0;
        used -= '万'.len_utf8();
    }
    let mut j = i + used;
    // 万亿: the 万 was taken as a multiplier; 亿 follows.
    let mut after = &s[j..];
    let mut unit: Option<(String, &'static str)> = None;
    let mut magnitude = false;
    if after.starts_with('亿') {
        // 亿 followed by a money unit is part of it; bare 亿 means 亿元 (`千亿级`, `超10亿的`).
        if let Some((u, k, n)) = unit_at(after) {
            unit = Some((u.to_string(), k));
            j += n;
        } else {
            unit = Some(("亿元".to_string(), "amount"));
            j += '亿'.len_utf8();
            if s[j..].starts_with('级') {
                magnitude = true;
                j += '级'.len_utf8();
            }
        }
        after = &s[j..];
    }
    let mut value_max = None;
    if unit.is_none() {
        // Range before the unit: 8—10个, 1-2家, 3到5年.
        if let Some(sep) = ["—", "-", "~", "～", "至", "–", "到"].iter().find(|sep| after.starts_with(**sep)) {
            let r = &after[sep.len()..];
            if let Some((v2, used2)) = parse_number(r) {
                if v2 > value {
                    if let Some((u, k, n)) = unit_at(&r[used2..]) {
                        value_max = Some(v2);
                        unit = Some((u.to_string(), k));
                        j += sep.len() + used2 + n;
                    }
                }
            }
        }
        if unit.is_none() {
            let (u, k, n) = unit_at(after)?;
            unit = Some((u.to_string(), k));
            j += n;
            // Range after the unit: 8%—12%.
            let after_unit = &s[j..];
            if let Some(sep) = ["—", "-", "~", "～", "至"].iter().find(|sep| after_unit.starts_with(**sep)) {
                let r = &after_unit[sep.len()..];
                if let Some((v2, used2)) = parse_number(r) {
                    if r[used2..].starts_with(u) && v2 > value {
                        value_max = Some(v2);
                        j += sep.len() + used2 + u.len();
                    }
                }
            }
        }
    }
    let (unit, kind) = unit?;
    // A bare Chinese 一/两 with a unit is rarely a figure (`一个`, `两江`); Chinese numerals need
    // a real count.
    if !arabic && value < 3.0 {
        return None;
    }
    Some(Quantity { start: i, end: j, value, value_max, unit, kind, magnitude })
}

/// Byte ranges of quoted or book-titled text (`“33618”`, `《…》`), where figures are names.
fn quoted_ranges(s: &str) -> Vec<(usize, usize)> {
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
    let framed =
        before.ends_with('到') || before.ends_with('至') || before.ends_with("力争到") || before.ends_with("到了");
    let clause_start = before.is_empty() || before.ends_with([',', '。', ';', ':', ' ', '\t']);
    let after_ok = after.starts_with([',', '，'])
        || after.starts_with("前")
        || after.starts_with("底")
        || after.starts_with("末")
        || after.starts_with("时");
    // `由2015年的4000亿元增加到2020年的…` is a baseline, not a frame.
    let is_frame = (framed && !after.starts_with('的')) || (clause_start && after_ok);
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

pub fn extract(ctx: &Ctx) -> Vec<Target> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    let mut carried: Option<i32> = None;
    let headers: Vec<Option<(usize, i32, i32)>> = (0..doc.boxes.len()).map(|b| table_header(ctx, b)).collect();
    for i in 0..doc.lines.len() {
        let line = &doc.lines[i];
        match line.kind {
            LineKind::Heading => {
                carried = None;
                // Run-in text after a heading's title can hold targets.
                let h = doc.headings.partition_point(|h| h.line < i);
                if let Some(start) = doc.headings.get(h).filter(|hd| hd.line == i).and_then(|hd| hd.run_in) {
                    if start < line.cend && !ctx.background[i] {
                        let from = out.len();
                        paragraph_targets(ctx, start, line.cend, None, &mut out);
                        set_path(ctx, &mut out[from..], i);
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
        if line.in_box.is_some() && is_table_row_region(&headers, ctx, i) {
            continue; // indicator tables are read whole below
        }
        let from = out.len();
        let frame = paragraph_targets(ctx, line.cstart, line.cend, carried, &mut out);
        set_path(ctx, &mut out[from..], i);
        if text.ends_with(':') || text.ends_with('：') {
            carried = frame.or(carried);
        }
    }
    let text_values: Vec<(f64, String, Option<i32>)> =
        out.iter().map(|t: &Target| (t.value, t.unit.clone(), t.year)).collect();
    for (b, header) in headers.iter().enumerate() {
        if let Some(header) = *header {
            let from = out.len();
            indicator_table(ctx, b, header, &text_values, &mut out);
            set_path(ctx, &mut out[from..], header.0);
        }
    }
    link_baselines(&mut out);
    out
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

/// Reads the targets of one paragraph `[start, end)`; returns the last future year frame.
fn paragraph_targets(ctx: &Ctx, start: usize, end: usize, carried: Option<i32>, out: &mut Vec<Target>) -> Option<i32> {
    let s = &ctx.doc.text[start..end];
    let quoted = quoted_ranges(s);
    let in_quote = |p: usize| quoted.iter().any(|(a, b)| *a < p && p < *b);
    let mut frame: Option<i32> = carried;
    let mut historical = false;
    let mut last_frame = None;
    let mut found: Vec<(Quantity, Option<i32>)> = Vec::new();
    let mut i = 0;
    let bytes = s.as_bytes();
    while i < s.len() {
        // Fast path: figures and years start with a digit or a Chinese numeral.
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_digit() {
                i += 1;
                continue;
            }
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            if !is_cn_numeral(c) {
                i += c.len_utf8();
                continue;
            }
        }
        if let Some((year, after)) = five_year_plan_end(s, i) {
            frame = Some(year);
            last_frame = Some(year);
            historical = false;
            i = after;
            continue;
        }
        if let Some((year, after, is_frame)) = year_marker_at(s, i) {
            if is_frame {
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
            if let Some(q) = quantity_at(s, i) {
                let next = q.end;
                if !historical && accept(s, &q) {
                    found.push((q, frame));
                }
                i = next;
                continue;
            }
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    // `实现…数量倍增` / `翻番`: a doubling without a figure.
    for word in ["倍增", "翻一番", "翻番"] {
        let mut from = 0;
        while let Some(p) = s[from..].find(word).map(|p| p + from) {
            from = p + word.len();
            let after = &s[from..];
            if after.starts_with(['计', '工', '行', '专', '的']) || in_quote(p) || historical {
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
            let value = 2.0;
            found.push((
                Quantity {
                    start: p,
                    end: from,
                    value,
                    value_max: None,
                    unit: "倍".into(),
                    kind: "multiple",
                    magnitude: false,
                },
                frame,
            ));
        }
    }
    found.sort_by_key(|(q, _)| q.start);
    let mut scope: Option<String> = None;
    let mut clause_of_scope = usize::MAX;
    for k in 0..found.len() {
        let (q, year) = &found[k];
        let frame_ok = year.is_some();
        let cue = has_cue(s, q.start) || q.kind == "multiple";
        if !frame_ok && !cue {
            continue;
        }
        let seg = segment(s, &found, k);
        let target = build(ctx, s, start, q, *year, seg, &mut scope, &mut clause_of_scope);
        out.push(target);
    }
    last_frame.or(if carried.is_some() { frame } else { None })
}

/// Whether a parsed quantity can be a target at all.
fn accept(s: &str, q: &Quantity) -> bool {
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
    // Attributive figures: `10万平方米以上的孵化园`, `超10亿的企业` (but `千亿级的产业集群` is a goal).
    let after_q = after.trim_start_matches("以上").trim_start_matches("左右").trim_start_matches("以下");
    if after_q.starts_with('的') && !q.magnitude {
        return false;
    }
    if after.starts_with("范围") || after.starts_with("为评价") || after.starts_with("为周期") {
        return false;
    }
    // Counts of the plan's own categories: `6个高成长未来产业`, `3-5个…细分方向`.
    if q.kind == "count" && !q.magnitude {
        let clause_end = after.find(is_clause_end).unwrap_or(after.len());
        let phrase = &after[..clause_end];
        let phrase = phrase.trim_end_matches(|c: char| !is_cjk(c));
        if CATEGORY_HEADS.iter().any(|h| phrase.ends_with(h)) {
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

fn has_cue(s: &str, pos: usize) -> bool {
    let clause_start =
        s[..pos].rfind(['。', ';', ',']).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    let clause_end = s[pos..].find(['。', ';', ',']).map_or(s.len(), |p| p + pos);
    let clause = &s[clause_start..clause_end];
    CUES.iter().any(|c| clause.contains(c))
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
            if s[q.end..next.start].contains("翻番") {
                b = next.start;
            }
        }
    }
    (a, b.max(q.end))
}

const LEAD_WORDS: &[&str] = &[
    "力争",
    "确保",
    "实现",
    "重点",
    "累计",
    "全市",
    "全省",
    "建成",
    "建设",
    "打造",
    "形成",
    "培育",
    "引育",
    "引进",
    "孵化培育",
    "推出",
    "新增",
    "规划建设",
    "储备",
    "开展",
    "举办",
    "达到",
    "突破",
    "超过",
    "每年",
    "再",
];
const TRAIL_WORDS: &[&str] = &[
    "达到",
    "突破",
    "超过",
    "提升至",
    "提高到",
    "提升到",
    "增加到",
    "增长到",
    "不低于",
    "不少于",
    "不得低于",
    "达",
    "为",
    "新增",
    "超",
    "迈上",
    "约",
    "近",
    "增长",
    "数量",
];

#[allow(clippy::too_many_arguments)]
fn build(
    ctx: &Ctx,
    s: &str,
    base: usize,
    q: &Quantity,
    year: Option<i32>,
    seg: (usize, usize),
    scope: &mut Option<String>,
    clause_of_scope: &mut usize,
) -> Target {
    let (a, b) = seg;
    let pre = s[a..q.start].trim();
    let post_full = &s[q.end..b];
    let mut post = post_full.trim();
    let mut qualifier = String::new();
    for w in ["以上", "左右", "以内", "以下"] {
        if let Some(rest) = post.strip_prefix(w) {
            qualifier = w.to_string();
            post = rest.trim();
        }
    }
    let pre_year = strip_year_phrase(pre);
    let pre_trim = pre_year.trim_end_matches(|c: char| c == '>' || c == '≥' || c.is_whitespace());
    if qualifier.is_empty() {
        qualifier = if s[a..q.end].contains("翻番") || s[a..b].contains("翻番、") {
            "翻番".into()
        } else if pre_trim.ends_with("超过") || pre_trim.ends_with('超') || pre_year.ends_with('>') {
            "超过".into()
        } else if pre_trim.ends_with("突破") {
            "突破".into()
        } else if pre_trim.ends_with("达到") || pre_trim.ends_with("迈上") {
            "达到".into()
        } else if ["不低于", "不少于", "不得低于"].iter().any(|w| pre_trim.ends_with(w)) {
            "以上".into()
        } else {
            String::new()
        };
    } else if s[a..b].contains("翻番") {
        qualifier = "翻番".into();
    }
    if q.magnitude {
        qualifier = "级".into();
    }
    if q.kind == "multiple"
        && q.unit == "倍"
        && q.start + 3 < s.len()
        && !s[q.start..].starts_with(|c: char| c.is_ascii_digit())
    {
        qualifier = "翻番".into();
    }
    // Indicator: the noun phrase after the figure (`突破30项前沿关键核心技术`), else before it
    // (`科技型企业超过4.5万家`).
    let post_noun = post.trim_start_matches("的").rsplit('的').next().unwrap_or("").trim();
    let post_noun = post_noun.trim_end_matches(|c: char| !is_cjk(c) && c != ')' && !c.is_ascii_alphanumeric());
    let mut pre_noun = strip_words(pre_year, LEAD_WORDS, TRAIL_WORDS);
    let indicator = if post_noun.chars().filter(|c| is_cjk(*c)).count() >= 2 && !post_noun.starts_with("用于") {
        let obj = pre_noun.trim_end_matches("百家").to_string();
        if obj.ends_with("领域") || obj.ends_with("方面") {
            format!("{obj}{post_noun}")
        } else {
            post_noun.to_string()
        }
    } else {
        if pre_noun.is_empty() {
            pre_noun = post.to_string();
        }
        pre_noun
    };
    // Scope: a place named at the start of the clause (`西部(重庆)科学城研发投入强度…`).
    let clause_start =
        s[..q.start].rfind(['。', ';']).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    if clause_start != *clause_of_scope {
        *scope = None;
        *clause_of_scope = clause_start;
    }
    if let Some(place) = leading_place(&indicator) {
        *scope = Some(place);
    }
    let text = s[a..b].trim().to_string();
    let text_start = base + a + (s[a..b].len() - s[a..b].trim_start().len());
    Target {
        year,
        indicator,
        value: q.value,
        value_max: q.value_max,
        unit: q.unit.clone(),
        qualifier,
        kind: q.kind.to_string(),
        baseline_year: None,
        baseline_value: None,
        scope: scope.clone().or_else(|| ctx.region.clone()).unwrap_or_default(),
        span: ctx.span(text_start, text_start + text.len()),
        text,
        path: String::new(),
    }
}

fn strip_year_phrase(s: &str) -> &str {
    let mut s = s;
    // Drop everything up to a year frame `到2025年,` inside the phrase.
    if let Some(p) = s.rfind('年') {
        let before = &s[..p];
        if before.len() >= 4 && before.as_bytes()[before.len() - 4..].iter().all(u8::is_ascii_digit) {
            s = s[p + '年'.len_utf8()..].trim_start_matches([',', ' ']);
        }
    }
    s
}

fn strip_words(s: &str, lead: &[&str], trail: &[&str]) -> String {
    let mut t = s.trim().trim_matches(|c: char| c == ',' || c == '、' || c.is_whitespace());
    loop {
        let before = t;
        for w in lead {
            t = t.strip_prefix(w).unwrap_or(t);
        }
        for w in trail {
            t = t.strip_suffix(w).unwrap_or(t);
        }
        t = t.trim_end_matches(['>', '≥', ' ']);
        if t == before {
            break;
        }
    }
    t.to_string()
}

fn leading_place(indicator: &str) -> Option<String> {
    for suffix in ["科学城", "高新区", "新区", "开发区", "经开区", "自贸区", "园区"] {
        if let Some(p) = indicator.find(suffix) {
            let name = &indicator[..p + suffix.len()];
            if name.chars().count() <= 12 && name.chars().count() > suffix.chars().count() {
                return Some(name.to_string());
            }
        }
    }
    None
}

fn is_table_row_region(headers: &[Option<(usize, i32, i32)>], ctx: &Ctx, line: usize) -> bool {
    let Some(b) = ctx.doc.lines[line].in_box else { return false };
    headers[b].is_some_and(|(h, _, _)| line >= h)
}

/// The header line of an indicator table in box `b`: (line, baseline year, target year).
fn table_header(ctx: &Ctx, b: usize) -> Option<(usize, i32, i32)> {
    let bx = &ctx.doc.boxes[b];
    for i in bx.first_line..bx.end_line {
        let t = ctx.doc.line_text(i);
        if !t.contains("指标") {
            continue;
        }
        let years: Vec<i32> = (0..t.len().saturating_sub(5))
            .filter(|&k| {
                t.is_char_boundary(k)
                    && t[k..].len() >= 7
                    && t.as_bytes()[k..k + 4].iter().all(u8::is_ascii_digit)
                    && t[k + 4..].starts_with('年')
            })
            .filter_map(|k| t[k..k + 4].parse().ok())
            .collect();
        if years.len() >= 2 {
            return Some((i, years[0], *years.last().unwrap_or(&years[0])));
        }
    }
    None
}

/// Reads an indicator table: rows `序号 指标名称(单位) 基期值 目标值 [属性]`, with cells separated
/// by tabs, or run together as text exports of web pages leave them (`5科技型企业(家)2637145000预期性`).
fn indicator_table(
    ctx: &Ctx,
    b: usize,
    (header, base_year, target_year): (usize, i32, i32),
    text_values: &[(f64, String, Option<i32>)],
    out: &mut Vec<Target>,
) {
    // Only figures the text sets for the table's own target year can confirm a split.
    let text_values: Vec<(f64, String, Option<i32>)> =
        text_values.iter().filter(|t| t.2 == Some(target_year)).cloned().collect();
    let text_values = &text_values[..];
    let bx = &ctx.doc.boxes[b];
    let mut seq = 1u32;
    for i in header + 1..bx.end_line {
        let line = &ctx.doc.lines[i];
        if line.kind == LineKind::Blank {
            continue;
        }
        let row = ctx.doc.line_text(i);
        let Some(parsed) = parse_row(row, seq, text_values) else { continue };
        seq += 1;
        let kind = unit_at(&parsed.unit).map_or("count", |(_, k, _)| k);
        let text = row.to_string();
        out.push(Target {
            year: Some(target_year),
            indicator: parsed.name,
            value: parsed.target,
            value_max: None,
            unit: parsed.unit,
            qualifier: parsed.qualifier,
            kind: kind.to_string(),
            baseline_year: parsed.baseline.map(|_| base_year),
            baseline_value: parsed.baseline,
            scope: ctx.region.clone().unwrap_or_default(),
            span: ctx.span(line.cstart, line.cend),
            text,
            path: String::new(),
        });
    }
}

struct Row {
    name: String,
    unit: String,
    baseline: Option<f64>,
    target: f64,
    qualifier: String,
}

fn parse_row(row: &str, seq: u32, text_values: &[(f64, String, Option<i32>)]) -> Option<Row> {
    let cells: Vec<&str> = row.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
    let (name_part, numbers) = if cells.len() >= 3 {
        // Tabular: [序号] 名称(单位) 基期 目标 [年均] [属性]
        let mut cells = cells.clone();
        if cells[0].bytes().all(|b| b.is_ascii_digit()) {
            cells.remove(0);
        }
        let name = cells[0].to_string();
        let nums: Vec<String> =
            cells[1..].iter().filter(|c| c.chars().any(|c| c.is_ascii_digit())).map(|c| c.to_string()).collect();
        (name, nums)
    } else {
        let body = row.strip_prefix(&seq.to_string())?;
        // Name runs to the unit in brackets; the figures follow.
        let close = body.rfind(')')?;
        let name = body[..=close].to_string();
        let unit = name.rfind('(').map_or("", |o| &name[o + 1..name.len() - 1]).to_string();
        let rest = &body[close + 1..];
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '>' | '<' | '≥' | '≤' | '-' | '—'))
            .collect();
        if digits.is_empty() {
            return None;
        }
        (name, split_run_together(&digits, &unit, text_values))
    };
    let open = name_part.rfind('(')?;
    let unit = name_part[open + 1..name_part.len() - 1].to_string();
    let name = name_part[..open].to_string();
    if numbers.is_empty() {
        return None;
    }
    let (baseline, target_cell) = if numbers.len() >= 2 {
        (numbers[0].parse::<f64>().ok(), numbers[1].clone())
    } else {
        (None, numbers[0].clone())
    };
    let qualifier = if target_cell.starts_with(['>', '≥']) { "超过" } else { "" }.to_string();
    let target: f64 = target_cell.trim_start_matches(['>', '≥', '<', '≤']).parse().ok()?;
    Some(Row { name, unit, baseline, target, qualifier })
}

/// Splits two figures printed without a separator (`2.112.6` → 2.11 and 2.6): prefers a
/// split whose target value the text also states, then figures of the same order of magnitude.
fn split_run_together(s: &str, unit: &str, text_values: &[(f64, String, Option<i32>)]) -> Vec<String> {
    if let Some(p) = s.find(['>', '≥', '<', '≤']) {
        return vec![s[..p].to_string(), s[p..].to_string()];
    }
    let valid = |x: &str| {
        let leading_zero = x.len() > 1 && x.starts_with('0') && !x.starts_with("0.");
        !(x.is_empty() || x.starts_with('.') || x.ends_with('.') || x.matches('.').count() > 1 || leading_zero)
    };
    let mut best: Option<(f64, usize)> = None;
    for k in 1..s.len() {
        let (a, b) = (&s[..k], &s[k..]);
        if !valid(a) || !valid(b) {
            continue;
        }
        let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) else { continue };
        if x <= 0.0 || y <= 0.0 {
            continue;
        }
        let mut score = (y / x).ln().abs();
        if text_values.iter().any(|(v, u, _)| (*v - y).abs() < 1e-9 && u == unit) {
            score -= 10.0;
        }
        if y < x {
            score += 0.05;
        }
        if best.is_none_or(|(s0, _)| score < s0) {
            best = Some((score, k));
        }
    }
    match best {
        Some((_, k)) => vec![s[..k].to_string(), s[k..].to_string()],
        None => vec![s.to_string()],
    }
}

/// (indicator, year, value, baseline year, baseline value, unit) of a table row.
type TableRowKey = (String, Option<i32>, f64, Option<i32>, Option<f64>, String);

/// Text targets that restate a table row take the row's baseline.
fn link_baselines(out: &mut [Target]) {
    let rows: Vec<TableRowKey> = out
        .iter()
        .filter(|t| t.baseline_value.is_some())
        .map(|t| (t.indicator.clone(), t.year, t.value, t.baseline_year, t.baseline_value, t.unit.clone()))
        .collect();
    for t in out.iter_mut().filter(|t| t.baseline_value.is_none()) {
        if let Some(r) = rows.iter().find(|r| {
            r.1 == t.year
                && r.5 == t.unit
                && (r.2 - t.value).abs() < 1e-9
                && (r.0.contains(&t.indicator) || t.indicator.contains(&r.0))
        }) {
            t.baseline_year = r.3;
            t.baseline_value = r.4;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        let q = |s: &str| quantity_at(s, 0).map(|q| (q.value, q.value_max, q.unit));
        assert_eq!(q("8—10个特色"), Some((8.0, Some(10.0), "个".into())));
        assert_eq!(q("4.5万家"), Some((45000.0, None, "家".into())));
        assert_eq!(q("1100亿元"), Some((1100.0, None, "亿元".into())));
        assert_eq!(q("百家高新"), Some((100.0, None, "家".into())));
        assert_eq!(q("8%—12%用于"), Some((8.0, Some(12.0), "%".into())));
        assert_eq!(q("75人年"), Some((75.0, None, "人年".into())));
        assert_eq!(q("1000万平方米以上"), Some((10_000_000.0, None, "平方米".into())));
        assert_eq!(q("一批"), None);
        assert_eq!(q("10MW"), None);
    }

    #[test]
    fn run_together_figures_are_split_by_plausibility() {
        let none: Vec<(f64, String, Option<i32>)> = Vec::new();
        assert_eq!(split_run_together("2.112.6", "%", &none), vec!["2.11", "2.6"]);
        assert_eq!(split_run_together("5775", "人年", &none), vec!["57", "75"]);
        assert_eq!(split_run_together("12.2>10", "%", &none), vec!["12.2", ">10"]);
        assert_eq!(split_run_together("1.62", "%", &none), vec!["1.6", "2"]);
        let stated = vec![(140.0, "家".to_string(), Some(2025))];
        assert_eq!(split_run_together("74.5140", "家", &stated), vec!["74.5", "140"]);
        // A figure the text states in another unit does not count.
        let other = vec![(2.0, "倍".to_string(), Some(2025))];
        assert_eq!(
            split_run_together(
                "3.6512",
                "件",
                &[(12.0, "件".to_string(), Some(2025)), (2.0, "倍".to_string(), Some(2025))]
            ),
            vec!["3.65", "12"]
        );
        assert_eq!(split_run_together("58.663", "%", &other), vec!["58.6", "63"]);
    }
}

//! The review queue (待核对) of a plan: what the rules were unsure of, and sentences that look
//! like commitments but gave no item — so an analyst checks a new plan in minutes.
//!
//! Items the rules were unsure of:
//! - a target without a year of its own or of a lead (`year: null`), or with a year carried from
//!   a lead or heading rather than its own sentence;
//! - a target whose unit is not one of the units of `data/cues.toml` (a Latin unit, none);
//! - a task whose owners name no lead, or owners not in the department dictionary;
//! - a single-industry plan's field, read from its title and purpose sentence.
//!
//! Sentences that gave no item: a sentence with a future year or a commitment word and a figure
//! with a unit, no target of which lies in it; a bracket with owner role words or a list of
//! units that no task was read from.
//!
//! The queue is derived data: it never changes the plan's items, and it is capped so that a
//! pathological document cannot make it huge.

use super::text::find_lit;
use super::Ctx;
use crate::doc::LineKind;
use crate::extract::text::Has;
use crate::model::{Plan, ReviewItem, Span};

/// At most this many items per plan; the rest are counted in a last item.
pub const MAX_ITEMS: usize = 300;

fn overlaps(a: Span, b: Span) -> bool {
    a[0] < b[1] && b[0] < a[1]
}

/// Spans sorted by start, for overlap tests in logarithmic time.
struct Spans {
    sorted: Vec<Span>,
    /// The largest end among the spans up to each index.
    max_end: Vec<usize>,
}

impl Spans {
    fn new(spans: impl Iterator<Item = Span>) -> Self {
        let mut sorted: Vec<Span> = spans.collect();
        sorted.sort_unstable();
        let mut max_end = Vec::with_capacity(sorted.len());
        let mut m = 0;
        for s in &sorted {
            m = m.max(s[1]);
            max_end.push(m);
        }
        Spans { sorted, max_end }
    }

    /// Whether any span overlaps `x`: among the spans starting before `x` ends, the one that
    /// ends last must end after `x` starts.
    fn overlaps(&self, x: Span) -> bool {
        let k = self.sorted.partition_point(|s| s[0] < x[1]);
        k > 0 && self.max_end[k - 1] > x[0] && self.sorted[..k].iter().rev().any(|s| overlaps(*s, x))
    }
}

/// The normalised text of the line (paragraph) that holds source offset `pos`.
fn paragraph_at<'a>(ctx: &'a Ctx, pos: usize) -> Option<&'a str> {
    let lines = &ctx.doc.lines;
    let k = lines.partition_point(|l| ctx.span(l.cstart, l.cstart)[0] <= pos);
    let l = lines.get(k.checked_sub(1)?)?;
    ctx.doc.text.get(l.cstart..l.cend)
}

/// Builds the review queue of an extracted plan.
pub fn build(ctx: &Ctx, plan: &Plan) -> Vec<ReviewItem> {
    let mut out: Vec<ReviewItem> = Vec::new();
    let cues = &ctx.dicts.cues.targets;
    for (i, t) in plan.targets.iter().enumerate() {
        if t.year.is_none() {
            let reason = match plan.meta.period_end {
                Some(end) => format!("未写明目标年份(规划期末为{end}年,未推定)"),
                None => "未写明目标年份".to_string(),
            };
            out.push(item("target", reason, Some(i), &t.text, t.span));
        } else if t.year.is_some_and(|y| !t.text.contains(y.to_string().as_str()))
            && !t.text.has("十四五")
            // A year the table's header or the target's own paragraph states (`到2025年,…:`
            // leading its items) is read, not inferred; one carried from further up is queued.
            && !t.table
            && !t.year.is_some_and(|y| paragraph_at(ctx, t.span[0]).is_some_and(|p| p.contains(&format!("{y}年"))))
        {
            out.push(item("target", "年份取自上文或标题".into(), Some(i), &t.text, t.span));
        }
        if t.unit.is_empty() {
            out.push(item("target", "目标值没有单位".into(), Some(i), &t.text, t.span));
        } else if cues.unit_at(&t.unit).is_none_or(|(u, _)| u != t.unit) {
            out.push(item("target", format!("单位“{}”不在单位表中", t.unit), Some(i), &t.text, t.span));
        }
    }
    // A task without a lead is worth a look where most tasks have one; where none has, the
    // plan's convention is a bare list of 责任单位, said once.
    let leadless: Vec<usize> = (0..plan.tasks.len())
        .filter(|&i| plan.tasks[i].lead.is_empty() && !plan.tasks[i].responsible.is_empty())
        .collect();
    if leadless.len() * 2 > plan.tasks.len() && leadless.len() > 3 {
        let first = &plan.tasks[leadless[0]];
        let reason = format!("{}项任务均未写明牵头单位(全部列为责任单位),请确认本规划的分工写法", leadless.len());
        out.push(item("task", reason, Some(leadless[0]), &first.text, first.span));
    } else {
        for &i in &leadless {
            let t = &plan.tasks[i];
            out.push(item("task", "未写明牵头单位(全部列为责任单位)".into(), Some(i), &t.text, t.span));
        }
    }
    // Owners the department dictionary does not know: once for the plan, each name once.
    let mut unknown: Vec<&str> = Vec::new();
    let mut first_unknown: Option<usize> = None;
    for (i, t) in plan.tasks.iter().enumerate() {
        for o in t.owners.iter().filter(|o| o.unknown) {
            if !unknown.contains(&o.name.as_str()) {
                unknown.push(&o.name);
                first_unknown.get_or_insert(i);
            }
        }
    }
    if let Some(i) = first_unknown {
        let shown: Vec<&str> = unknown.iter().take(30).copied().collect();
        let more = if unknown.len() > shown.len() { format!("等{}个", unknown.len()) } else { String::new() };
        let reason =
            format!("单位不在部门名录中(按原文保留;可在 data/departments.toml 中补充):{}{more}", shown.join("、"));
        out.push(item("task", reason, Some(i), &plan.tasks[i].text, plan.tasks[i].span));
    }
    for (i, ind) in plan.industries.iter().enumerate() {
        if ind.group.is_empty() {
            out.push(item("industry", "按规划标题和主旨推定的单一产业".into(), Some(i), &ind.name, ind.span));
        }
    }
    missed_sentences(ctx, plan, &mut out);
    if out.len() > MAX_ITEMS {
        let more = out.len() - MAX_ITEMS;
        out.truncate(MAX_ITEMS);
        out.push(ReviewItem {
            kind: "more".into(),
            reason: format!("另有{more}条未列出"),
            item: None,
            text: String::new(),
            span: [0, 0],
        });
    }
    out
}

fn item(kind: &str, reason: String, index: Option<usize>, text: &str, span: Span) -> ReviewItem {
    // The first 200 characters, cut at a boundary (not collected character by character).
    let text = text.char_indices().nth(200).map_or(text, |(p, _)| &text[..p]).to_string();
    ReviewItem { kind: kind.into(), reason, item: index, text, span }
}

/// Sentences that look like commitments but gave no target, and owner brackets that gave no task.
fn missed_sentences(ctx: &Ctx, plan: &Plan, out: &mut Vec<ReviewItem>) {
    let doc = ctx.doc;
    let cues = &ctx.dicts.cues.targets;
    let owners = &ctx.dicts.cues.owners;
    let target_spans = Spans::new(plan.targets.iter().map(|t| t.span));
    let task_spans = Spans::new(plan.tasks.iter().map(|t| t.span));
    for i in 0..doc.lines.len() {
        if ctx.background[i] || !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        let l = &doc.lines[i];
        let text = &doc.text[l.cstart..l.cend];
        // Most lines hold neither a digit nor a closing bracket: one scan of the line says so
        // before it is cut into sentences, and says which of the two tests a sentence needs.
        let (line_digit, line_bracket) =
            (crate::extract::text::first_digit(text.as_bytes(), 0).is_some(), may_close_bracket(text.as_bytes()));
        if !line_digit && !line_bracket {
            continue;
        }
        let mut from = 0;
        for sentence in sentences(text) {
            let start = l.cstart + from;
            from += sentence.len();
            let s = sentence.trim_end_matches(['。', ';']);
            // Fewer than six characters (24 bytes or more always make six).
            if s.len() < 24 && s.chars().count() < 6 {
                continue;
            }
            // Cheap tests first: a figure, or a closing bracket.
            let figure = line_digit && has_figure(s, cues);
            let bracket = if line_bracket { owner_bracket(s) } else { None };
            if !figure && bracket.is_none() {
                continue;
            }
            let span = ctx.span(start, start + s.len());
            // A figure with a unit and a goal frame, no target inside.
            if figure
                && (has_future_year(s, ctx.base_year) || cues.has_commitment(s) || cues.has_goal_verb(s))
                && !target_spans.overlaps(span)
            {
                out.push(item("sentence", "含年份或目标词和数值,但未识别出目标".into(), None, s, span));
            }
            // An owner bracket no task was read from.
            if let Some((a, b)) = bracket {
                let inner = &s[a..b];
                let span_b = ctx.span(start + a, start + b);
                if crate::extract::owners::has_role_word(inner, owners) && !task_spans.overlaps(span_b) {
                    out.push(item("sentence", "括号中写有单位分工,但未识别出任务".into(), None, s, span));
                }
            }
        }
    }
}

/// `到2025年`, `2027年,`: a year not before the year the document speaks from.
fn has_future_year(s: &str, base: Option<i32>) -> bool {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| {
        b[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && s.is_char_boundary(i + 4)
            && s[i + 4..].starts_with('年')
            && s[i..i + 4].parse::<i32>().is_ok_and(|y| (1990..=2100).contains(&y) && base.is_none_or(|b| y >= b))
    })
}

/// An Arabic figure followed by a known unit (not a year).
/// The sentences of `text` with their `。`/`;`, as `text.split_inclusive(['。', ';'])` gives
/// them, cut at stops found by memchr instead of decoding every character.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let ends = crate::extract::text::sentence_stops(text).map(|(k, c)| k + c.len_utf8());
    let mut last_end = 0;
    ends.chain((!text.is_empty()).then_some(text.len())).filter_map(move |end| {
        if end <= last_end {
            return None;
        }
        let sentence = &text[last_end..end];
        last_end = end;
        Some(sentence)
    })
}

fn has_figure(s: &str, cues: &crate::cues::TargetCues) -> bool {
    let b = s.as_bytes();
    // Most sentences hold no digit, and most bytes of the others are none: the number runs
    // are found 32 bytes at a time. (The first digit after a run is never preceded by a digit:
    // a run ends at a byte that is neither a digit nor a `.`.)
    let mut i = 0;
    while let Some(d) = crate::extract::text::first_digit(b, i) {
        let mut j = d;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
            j += 1;
        }
        let rest = s.get(j..).unwrap_or("").trim_start_matches('万');
        if !rest.starts_with('年') && cues.unit_at(rest).is_some() {
            return true;
        }
        i = j;
    }
    false
}

/// Whether `b` holds a closing bracket `)` `]` `）` `〕`.
fn may_close_bracket(b: &[u8]) -> bool {
    memchr::memchr2(b')', b']', b).is_some() || find_lit!(b, "）").is_some() || find_lit!(b, "〕").is_some()
}

/// The last bracketed passage of a sentence (`(牵头单位:…)`, `(市科委)`), as a byte range of its
/// inside.
fn owner_bracket(s: &str) -> Option<(usize, usize)> {
    // Most sentences close no bracket: SIMD searches say so before the character scans.
    if !may_close_bracket(s.as_bytes()) {
        return None;
    }
    let close = s.rfind([')', '）', '〕', ']'])?;
    let open = s[..close].rfind(['(', '（', '〔', '['])?;
    let a = open + s[open..].chars().next().map_or(1, char::len_utf8);
    (a < close).then_some((a, close))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bracket found by SIMD searches is the one backwards character scans find.
    #[test]
    fn owner_bracket_finds_what_rfind_finds() {
        fn reference(s: &str) -> Option<(usize, usize)> {
            let close = s.rfind([')', '）', '〕', ']'])?;
            let open = s[..close].rfind(['(', '（', '〔', '['])?;
            let a = open + s[open..].chars().next().map_or(1, char::len_utf8);
            (a < close).then_some((a, close))
        }
        for s in [
            "推进建设(牵头单位:市科委)",
            "推进建设（牵头单位：市科委）。",
            "〔2023〕12号(市科委]",
            "[a](b)",
            "(）",
            "（)",
            "()",
            ")(",
            "没有括号",
            "",
            "甲〔乙〕丙[丁）戊",
            "(市科委、市财政局)等单位(负责",
        ] {
            assert_eq!(owner_bracket(s), reference(s), "{s}");
        }
    }

    #[test]
    fn sentence_ends_split_as_split_inclusive() {
        for text in ["甲。乙;丙", "甲。乙;丙。", "。;。", "", "无句号", ";甲"] {
            assert_eq!(
                sentences(text).collect::<Vec<_>>(),
                text.split_inclusive(['。', ';']).collect::<Vec<_>>(),
                "{text}"
            );
        }
    }

    /// `has_figure` as first written: one byte at a time after the first digit.
    fn has_figure_reference(s: &str, cues: &crate::cues::TargetCues) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                    j += 1;
                }
                let rest = s.get(j..).unwrap_or("").trim_start_matches('万');
                if !rest.starts_with('年') && cues.unit_at(rest).is_some() {
                    return true;
                }
                i = j;
            } else {
                i += 1;
            }
        }
        false
    }

    #[test]
    fn figures_are_found_as_by_the_byte_scan() {
        let d = crate::Dictionaries::builtin();
        let long = "推进产业发展,完善政策体系".repeat(5);
        for s in [
            "建成30个示范工厂".to_string(),
            "2025年完成".to_string(),
            "1.2.3年12个".to_string(),
            "第3.5万亿元".to_string(),
            "".to_string(),
            "7".to_string(),
            "年份2025年,数量12".to_string(),
            format!("{long}2025年{long}40家"),
            format!("{long}2025年{long}40年"),
            format!("{long}1.年5..6万个"),
        ] {
            assert_eq!(has_figure(&s, &d.cues.targets), has_figure_reference(&s, &d.cues.targets), "{s}");
        }
    }

    #[test]
    fn figures_and_years() {
        let d = crate::Dictionaries::builtin();
        assert!(has_figure("建成30个示范工厂", &d.cues.targets));
        assert!(!has_figure("2025年完成", &d.cues.targets));
        assert!(has_future_year("到2025年,建成", Some(2024)));
        assert!(!has_future_year("2020年,建成", Some(2024)));
    }

    /// A year read from the target's own paragraph (`到2027年,…`) is no guess and is not
    /// queued; a year carried from a heading further up is.
    #[test]
    fn only_years_carried_from_further_up_are_queued() {
        let text = "一、发展目标\n到2027年,建成示范工厂30个,引进培育技改服务商300家。\n二、近期目标\n到2026年,全市实现以下目标:\n——建成创新中心12个。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let carried: Vec<&str> =
            plan.review.iter().filter(|r| r.reason == "年份取自上文或标题").map(|r| r.text.as_str()).collect();
        assert_eq!(plan.targets.iter().filter(|t| t.year.is_some()).count(), 3, "{:?}", plan.targets);
        assert_eq!(carried.len(), 1, "{carried:?}");
        assert!(carried[0].has("创新中心"), "{carried:?}");
    }

    #[test]
    fn a_plan_lists_what_the_rules_were_unsure_of() {
        let text = "一、发展目标\n到2027年,建成示范工厂30个。引进培育技改服务商300家。\n二、重点任务\n(一)推进数字化转型。支持企业改造,建设智能工厂50座。(牵头单位:市经济信息委;责任单位:市科技局)\n(二)加强协同。推动企业合作。(市科技局、市某某中心)\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let reasons: Vec<&str> = plan.review.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.starts_with("未写明目标年份")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("未写明牵头单位")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.starts_with("单位不在部门名录中") && r.has("市某某中心")), "{reasons:?}");
        // Every listed item points at its place in the source.
        for r in &plan.review {
            assert!(r.span[0] <= r.span[1] && r.span[1] <= text.len());
        }
    }
}

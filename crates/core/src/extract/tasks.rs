//! Tasks and their owners (任务分工).
//!
//! Conventions read:
//! - labelled passages: `〔牵头单位:A;责任单位:B、C等〕`, `(牵头部门:A;配合部门:B)`, `(责任部门:…)`;
//! - `(A、B等按职责分工负责)`: all units share the task, none leads;
//! - `[责任单位:A,B、C。逗号前为牵头单位,下同]`: a rule, declared once, that the units before
//!   the first comma lead — in force for this passage and the ones after it;
//! - `A牵头、B配合` anywhere in a sentence;
//! - in sections without such passages, sentences whose subject is a named unit:
//!   `市发展改革委负责…`, `市统计局按照…加快建设…`, `A、B等部门按照职责分工负责…`;
//! - statements that set owners for all tasks below (`以下任务均需区县落实,不再列出`): kept in
//!   each later task's `standing` list, not mixed into its own owners.

use super::owners;
use super::task_content;
use super::text::{self, find_lit, split_names};
use super::Ctx;
use crate::doc::LineKind;
use crate::extract::text::FindStr;
use crate::extract::text::TrimAll;
use crate::model::{Owner, Task};
use crate::Dictionaries;

struct Passage {
    line: usize,
    /// Byte range of the bracketed passage (brackets included) in the normalised text.
    start: usize,
    end: usize,
    lead: Vec<String>,
    responsible: Vec<String>,
    standing: Vec<String>,
    /// The passage is the whole line.
    standalone: bool,
}

pub fn extract(ctx: &Ctx) -> Vec<Task> {
    let doc = ctx.doc;
    let mut comma_rule = false;
    let mut standing: Vec<String> = Vec::new();
    let mut passages: Vec<Passage> = Vec::new();
    let owner_cues = &ctx.dicts.cues.owners;
    let label_len =
        owner_cues.lead_labels.iter().chain(&owner_cues.responsible_labels).map(String::len).max().unwrap_or(0);
    for i in 0..doc.lines.len() {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        let line = &doc.lines[i];
        let text = &doc.text[line.cstart..line.cend];
        // Owners on a line of their own, without brackets: `牵头单位:市发展改革委` / `配合单位:…`.
        // Only a line with a colon right after its first `label_len` bytes can be one.
        let head = &text.as_bytes()[..text.len().min(label_len + '：'.len_utf8())];
        let labelled_line = (memchr::memchr(b':', head).is_some() || find_lit!(head, "：").is_some())
            && owner_cues
                .lead_labels
                .iter()
                .chain(&owner_cues.responsible_labels)
                .any(|l| text.strip_prefix(l.as_str()).is_some_and(|r| r.starts_with([':', '：'])));
        if labelled_line {
            if let Some(mut p) = parse_passage(ctx, text, &mut comma_rule, false) {
                p.line = i;
                p.start = line.cstart;
                p.end = line.cend;
                p.standalone = true;
                p.standing = standing.clone();
                // `牵头单位:…` and `配合单位:…` on consecutive lines are one passage.
                if let Some(prev) = passages.last_mut() {
                    let adjacent = (prev.line + 1..i).all(|j| doc.lines[j].kind == LineKind::Blank);
                    if adjacent && prev.line + 2 >= i && prev.responsible.is_empty() && p.lead.is_empty() {
                        prev.responsible = p.responsible;
                        prev.end = p.end;
                        continue;
                    }
                }
                passages.push(p);
            }
            continue;
        }
        for (a, b) in bracket_spans(text) {
            let inner = &text[a + first_len(&text[a..])..b - last_len(&text[..b])];
            // A bracket that closes its paragraph may be a bare list of units: `…。(市科委)`.
            let closes = text[b..].trim_matches(['。', ' ', ';']).is_empty() && text[..a].ends_with(['。', ';', ' ']);
            if let Some(mut p) = parse_passage(ctx, inner, &mut comma_rule, closes) {
                if !p.standing.is_empty() {
                    standing = p.standing.clone();
                    p.standing.clear();
                } else {
                    p.standing = standing.clone();
                }
                p.line = i;
                p.start = line.cstart + a;
                p.end = line.cstart + b;
                p.standalone = a == 0 && b == text.len();
                passages.push(p);
            }
        }
    }
    let mut tasks: Vec<Task> = (0..passages.len()).map(|k| passage_task(ctx, k, &passages)).collect();
    // Free-text owners, only in sections that have no owner passage.
    let covered: Vec<bool> = {
        let mut v = vec![false; doc.headings.len()];
        for p in &passages {
            let mut h = doc.section_of(p.line);
            while let Some(x) = h {
                v[x] = true;
                h = doc.headings[x].parent;
            }
        }
        v
    };
    for i in 0..doc.lines.len() {
        if doc.lines[i].in_box.is_some() || ctx.background[i] {
            continue;
        }
        let line = &doc.lines[i];
        // Text lines, and the run-in text of headings (`(一)强化统筹推进。市发展改革委负责…`).
        let start = match doc.lines[i].kind {
            LineKind::Text => line.cstart,
            LineKind::Heading => {
                let h = doc.headings.partition_point(|h| h.line < i);
                match doc.headings.get(h) {
                    Some(hd) if hd.line == i && hd.run_in.is_some() => hd.run_in.unwrap_or(line.cstart),
                    _ => continue,
                }
            }
            _ => continue,
        };
        let Some(h) = doc.section_of(i) else { continue };
        if covered[h] {
            continue;
        }
        for t in free_text_tasks(ctx, i, start, line.cend) {
            tasks.push(t);
        }
    }
    tasks.sort_by_key(|t| t.span[0]);
    tasks
}

fn first_len(s: &str) -> usize {
    s.chars().next().map_or(0, char::len_utf8)
}
fn last_len(s: &str) -> usize {
    s.chars().next_back().map_or(0, char::len_utf8)
}

/// Top-level bracketed passages `(…)`, `[…]`, `〔…〕`, `【…】` of a line, as byte ranges
/// including the brackets. Nested brackets stay inside.
fn bracket_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Most lines open no bracket: three SIMD searches say so without decoding a character.
    let b = s.as_bytes();
    if memchr::memchr2(b'(', b'[', b).is_none() && find_lit!(b, "〔").is_none() && find_lit!(b, "【").is_none() {
        return out;
    }
    // Only the brackets matter: the scan jumps between their bytes (ASCII, or the lead byte
    // E3 of 〔〕【】 and of `、。`), 32 bytes at a time, and decodes only the characters there.
    let is_stop = |x: u8| (x == b'(') | (x == b'[') | (x == b')') | (x == b']') | (x == 0xE3);
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut from = 0;
    while let Some(i) = crate::bytescan::find_byte(b, from, is_stop) {
        let Some(c) = s[i..].chars().next() else { break };
        from = i + c.len_utf8();
        match c {
            '(' | '[' | '〔' | '【' => stack.push((i, c)),
            ')' | ']' | '〕' | '】' => {
                if let Some((a, _)) = stack.pop() {
                    if stack.is_empty() {
                        out.push((a, i + c.len_utf8()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn is_org(name: &str, ctx: &Ctx) -> bool {
    owners::is_org(name, ctx.dicts)
}

fn is_generic(name: &str, ctx: &Ctx) -> bool {
    owners::is_generic(name, &ctx.dicts.cues.owners)
}

/// An owner passage as a [`Passage`] (positions filled in by the caller).
fn parse_passage(ctx: &Ctx, inner: &str, comma_rule: &mut bool, bare_list: bool) -> Option<Passage> {
    let o = owners::parse_passage(inner, comma_rule, ctx.dicts, bare_list)?;
    Some(Passage {
        line: 0,
        start: 0,
        end: 0,
        lead: o.lead,
        responsible: o.responsible,
        standing: o.standing,
        standalone: false,
    })
}

fn owners(ctx: &Ctx, lead: &[String], responsible: &[String]) -> Vec<Owner> {
    resolve_owners(ctx.dicts, ctx.region.as_deref(), lead, responsible)
}

/// Owners of a task from its lead and responsible names, each with its canonical name (a
/// department of the dictionary, else a place of `region`, else the name as written). Public
/// so that an analyst's corrected owners are resolved exactly as extracted ones are.
pub fn resolve_owners(
    dicts: &Dictionaries,
    region: Option<&str>,
    lead: &[String],
    responsible: &[String],
) -> Vec<Owner> {
    let mut out = Vec::new();
    for (names, role) in [(lead, "lead"), (responsible, "responsible")] {
        for n in names {
            let canonical =
                dicts.department(n).map(str::to_string).or_else(|| dicts.place(n, region).map(|p| p.name.clone()));
            out.push(Owner {
                name: n.clone(),
                canonical: canonical.clone().unwrap_or_else(|| n.clone()),
                role: role.into(),
                unknown: canonical.is_none(),
            });
        }
    }
    out
}

/// The task a passage belongs to: the section it closes. A passage on a line of its own after
/// the last run-in item of a section closes the whole section (`〔牵头单位:…〕` after items 1)–5)).
fn passage_task(ctx: &Ctx, k: usize, all: &[Passage]) -> Task {
    let doc = ctx.doc;
    let p = &all[k];
    let mut h = doc.section_of(p.line);
    let mut whole_section = false;
    if let (true, Some(x)) = (p.standalone, h) {
        let heading = &doc.headings[x];
        if let Some(parent) = heading.parent {
            let siblings = doc.children(Some(parent));
            let is_last = siblings.last() == Some(&x);
            let first_line = siblings.first().map_or(heading.line, |&f| doc.headings[f].line);
            let alone = !all.iter().any(|q| q.line >= first_line && q.line < p.line);
            if heading.run_in.is_some() && is_last && alone && siblings.len() >= 2 {
                h = Some(parent);
                whole_section = true;
            }
        }
    }
    let (path, title) = h.map_or((String::new(), String::new()), |x| (doc.path(x), doc.title(x).to_string()));
    let text = &doc.text[p.start..p.end];
    let place = task_content::PassagePlace {
        section: h,
        whole_section,
        line: p.line,
        start: p.start,
        end: p.end,
        standalone: p.standalone,
        prev_end: k.checked_sub(1).map(|j| all[j].end),
        next_start: all.get(k + 1).map(|q| q.start),
    };
    let content = task_content::passage_content(doc, &place);
    let deadline = task_content::deadline(&format!("{content}\n{text}"), &ctx.dicts.cues.tasks, ctx.base_year);
    Task {
        path,
        title,
        content,
        deadline,
        lead: p.lead.clone(),
        responsible: p.responsible.clone(),
        standing: p.standing.clone(),
        owners: owners(ctx, &p.lead, &p.responsible),
        text: text.to_string(),
        span: ctx.span(p.start, p.end),
    }
}

/// Sentences whose subject is a named unit, in a paragraph `[start, end)`.
fn free_text_tasks(ctx: &Ctx, line: usize, start: usize, end: usize) -> Vec<Task> {
    let doc = ctx.doc;
    let s = &doc.text[start..end];
    let mut out = Vec::new();
    // Built when the paragraph gives its first task (most give none).
    let mut path: Option<String> = None;
    // A free-text task's content is its whole sentence, terminator included.
    let mut push = |a: usize, b: usize, lead: Vec<String>, resp: Vec<String>, title: String| {
        let path = path.get_or_insert_with(|| doc.section_of(line).map(|h| doc.path(h)).unwrap_or_default());
        let sentence_start =
            s[..a].rfind(['。', ';']).map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
        let sentence_end = s[b..].chars().next().filter(|c| matches!(c, '。' | ';')).map_or(b, |c| b + c.len_utf8());
        let content = task_content::cap(s[sentence_start..sentence_end].trim());
        let deadline = task_content::deadline(&content, &ctx.dicts.cues.tasks, ctx.base_year);
        out.push(Task {
            path: path.clone(),
            title,
            content,
            deadline,
            owners: owners(ctx, &lead, &resp),
            lead,
            responsible: resp,
            standing: Vec::new(),
            text: s[a..b].to_string(),
            span: ctx.span(start + a, start + b),
        });
    };
    let mut sent_start = 0;
    for (k, c) in text::sentence_stops(s).chain([(s.len(), '。')]) {
        let sent = &s[sent_start..k];
        let base = sent_start;
        sent_start = k + c.len_utf8().min(s.len() - k);
        // `A牵头、B配合` anywhere.
        if let Some(p) = find_lit!(sent, "牵头") {
            let after = sent[p + "牵头".len()..].trim_start_matches(['、', ',']);
            if let Some(q) = after.find_str("配合") {
                let a = org_before(sent, p, ctx);
                let b_str = &after[..q];
                if let Some(a) = a {
                    let resp: Vec<String> = split_names(b_str, true).into_iter().filter(|n| !n.is_empty()).collect();
                    let title = sent[p..].trim_start_all("牵头").to_string();
                    push(base, base + sent.len(), vec![a], resp, title.trim_matches([',', '、']).to_string());
                    continue;
                }
            }
        }
        // Clause-initial subjects (`,` is ASCII: memchr finds exactly the commas). A subject
        // needs a subject verb or `等部门` in its clause's head, which is part of the sentence:
        // a sentence with neither (most) is passed over with two searches.
        if !subject_verbs().is_match(sent) && find_lit!(sent, "等部门").is_none() {
            continue;
        }
        let mut clause_start = 0;
        for ci in memchr::memchr_iter(b',', sent.as_bytes()).chain([sent.len()]) {
            let clause = &sent[clause_start..ci];
            let cbase = clause_start;
            clause_start = (ci + 1).min(sent.len());
            if let Some((lead, resp, title)) = subject_owner(clause, ctx) {
                let rest_of_sentence = &sent[cbase + clause.len()..];
                let title = format!("{title}{rest_of_sentence}").trim_matches([',', ' ']).to_string();
                push(base + cbase, base + sent.len(), lead, resp, title);
                break;
            }
        }
    }
    out
}

/// Verbs after a clause-initial subject that make it own the clause's task.
const SUBJECT_VERBS: &[&str] = &["牵头负责", "牵头", "负责", "要", "会同", "按照", "承担"];

fn subject_verbs() -> &'static aho_corasick::AhoCorasick {
    static VERBS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    VERBS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(SUBJECT_VERBS)
            .expect("subject verbs build an automaton")
    })
}

/// `市发展改革委负责X`, `A、B牵头建立…`, `A会同B、C做好…` → lead (and partners);
/// `A、B等部门按照职责分工负责X`, `市科技、教育等部门加强…` → responsible. A subject made only
/// of generic owners (`各地区、各部门要…`) is no task.
fn subject_owner(clause: &str, ctx: &Ctx) -> Option<(Vec<String>, Vec<String>, String)> {
    let cues = &ctx.dicts.cues.owners;
    let clause = clause.trim_start_matches('由');
    // The subject is at the start of the clause: only its first words need a look.
    // (A clause of at most 64 bytes has at most 64 characters: no need to count them.)
    let head_end =
        if clause.len() <= 64 { clause.len() } else { clause.char_indices().nth(64).map_or(clause.len(), |(i, _)| i) };
    let head = &clause[..head_end];
    // The first verb, longest at its place (`牵头负责` before `牵头`): one scan of the head.
    let verb_at = subject_verbs().find(head).map(|m| (m.start(), SUBJECT_VERBS[m.pattern().as_usize()]));
    // `A、B等部门按照职责分工负责X` / `A、B等部门加强…`: the listed units share the task.
    if let Some(p) = find_lit!(head, "等部门").filter(|p| verb_at.is_none_or(|(q, _)| *p <= q)) {
        let names = owners::unit_names(&clause[..p + "等部门".len()], cues);
        if names.len() >= 2 && names.iter().all(|n| is_org(n, ctx) && !is_generic(n, ctx)) {
            let rest = clause[p + "等部门".len()..].trim_start_all("按照职责分工负责").trim_start_all("按职责分工负责");
            return Some((Vec::new(), names, rest.to_string()));
        }
    }
    let (p, verb) = verb_at?;
    let subject = &clause[..p];
    // Cheap tests first: most clauses have no unit before their verb.
    let ends_like_unit = subject.ends_with("等部门")
        || cues.org_suffixes.iter().any(|x| subject.ends_with(x.as_str()))
        || ctx.dicts.department(subject).is_some();
    if !ends_like_unit
        || subject.len() > 40 * 3
        || subject.chars().count() > 40
        || subject.chars().count() < 2
        || cues.object_verbs.iter().any(|v| subject.starts_with(v.as_str()))
    {
        return None;
    }
    let names = owners::unit_names(subject, cues);
    if names.is_empty() || !names.iter().all(|n| is_org(n, ctx)) || names.iter().all(|n| is_generic(n, ctx)) {
        return None;
    }
    let rest = &clause[p + verb.len()..];
    // `A会同B、C做好X`: B and C share the task; the partners end at the last unit name.
    let mut resp = Vec::new();
    let mut title = rest;
    if verb == "会同" {
        let window: usize = rest.char_indices().take(30).map(|(i, c)| i + c.len_utf8()).last().unwrap_or(0);
        let end = rest[..window]
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .rfind(|&i| {
                let part = &rest[..i];
                !part.contains([',', '。'])
                    && (cues.org_suffixes.iter().any(|x| part.ends_with(x.as_str())) || part.ends_with("等部门"))
                    && owners::unit_names(part, cues).iter().all(|n| is_org(n, ctx))
            })
            .unwrap_or(0);
        resp = owners::unit_names(&rest[..end], cues);
        title = &rest[end..];
    } else if verb == "按照" {
        // `市统计局按照《…》加快建设…`: the action after the reference.
        title = rest.find('》').map_or(rest, |q| &rest[q + '》'.len_utf8()..]);
    }
    let title = title.trim_start_all("负责").to_string();
    Some((names, resp, title))
}

/// The organisation name that ends at byte `end` of `s` (`建立市科技领导小组牵头` → 市科技领导小组).
fn org_before(s: &str, end: usize, ctx: &Ctx) -> Option<String> {
    let head = &s[..end];
    let starts: Vec<usize> = head.char_indices().map(|(i, _)| i).collect();
    // Prefer the longest candidate that starts at a 市/省/区/县 or after a verb.
    for &a in &starts {
        let cand = &head[a..];
        if cand.chars().count() > 16 {
            continue;
        }
        if (cand.starts_with('市')
            || cand.starts_with('省')
            || cand.starts_with("国家")
            || ctx.dicts.department(cand).is_some())
            && is_org(cand, ctx)
            && !is_generic(cand, ctx)
        {
            return Some(cand.to_string());
        }
    }
    let a = head.rfind([',', '、', ';']).map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    let cand = &head[a..];
    (is_org(cand, ctx) && !is_generic(cand, ctx) && cand.chars().count() <= 16).then(|| cand.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_spans_are_those_of_a_scan_of_every_character() {
        fn reference(s: &str) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut stack: Vec<(usize, char)> = Vec::new();
            for (i, c) in s.char_indices() {
                match c {
                    '(' | '[' | '〔' | '【' => stack.push((i, c)),
                    ')' | ']' | '〕' | '】' => {
                        if let Some((a, _)) = stack.pop() {
                            if stack.is_empty() {
                                out.push((a, i + c.len_utf8()));
                            }
                        }
                    }
                    _ => {}
                }
            }
            out
        }
        let long = "推进产业发展、完善政策体系。".repeat(3);
        for s in [
            format!("{long}(牵头单位:市科委[含(下属)单位]){long}〔2023〕12号【重点】,(未闭合;)多余)、。"),
            format!("a{long}【{long}】{long}(〔)〕]"),
            format!("{long})(]["),
            "(".to_string(),
            "〔〕".to_string(),
        ] {
            assert_eq!(bracket_spans(&s), reference(&s), "{s}");
        }
    }

    #[test]
    fn bracket_spans_nest_and_mix_kinds() {
        let s = "推进建设(牵头单位:市科委[含(下属)单位])。〔2023〕12号【重点】,(未闭合;)多余)、。";
        let spans: Vec<&str> = bracket_spans(s).iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(spans, ["(牵头单位:市科委[含(下属)单位])", "〔2023〕", "【重点】", "(未闭合;)"]);
        assert!(bracket_spans("没有括号的句子。、“”").is_empty());
        assert!(bracket_spans("").is_empty());
    }
}

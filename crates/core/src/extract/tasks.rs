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

use super::text::{is_cjk, split_names, strip_spaces};
use super::Ctx;
use crate::doc::LineKind;
use crate::model::{Owner, Task};
use crate::Dictionaries;

/// Phrases saying that the first unit listed leads.
const FIRST_LEAD_PHRASES: &[&str] = &[
    "排在第一位的为牵头单位",
    "排名第一的为牵头单位",
    "排在首位的为牵头单位",
    "第一个为牵头单位",
    "排名第一位的为牵头单位",
    "列第一位的为牵头单位",
];

const LEAD_LABELS: &[&str] = &["牵头单位", "牵头部门", "主责单位", "主责部门", "牵头"];
const RESP_LABELS: &[&str] = &[
    "责任单位",
    "责任部门",
    "配合单位",
    "配合部门",
    "参与单位",
    "参与部门",
    "协同单位",
    "协同部门",
    "责任主体",
    "实施单位",
];

/// Endings of organisation names.
const ORG_SUFFIXES: &[&str] = &[
    "委员会",
    "委",
    "局",
    "厅",
    "办公室",
    "办",
    "部",
    "署",
    "领导小组",
    "小组",
    "专班",
    "主管部门",
    "管委会",
    "政府",
    "集团",
    "公司",
    "分行",
    "银行",
    "监管局",
    "中心",
    "院",
    "协会",
    "科协",
    "组织部",
];

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
    for i in 0..doc.lines.len() {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        let line = &doc.lines[i];
        let text = &doc.text[line.cstart..line.cend];
        // Owners on a line of their own, without brackets: `牵头单位:市发展改革委` / `配合单位:…`.
        if LEAD_LABELS.iter().chain(RESP_LABELS).any(|l| text.starts_with(&format!("{l}:"))) {
            if let Some(mut p) = parse_passage(text, &mut comma_rule) {
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
            if let Some(mut p) = parse_passage(inner, &mut comma_rule) {
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
    let mut tasks: Vec<Task> = passages.iter().map(|p| passage_task(ctx, p, &passages)).collect();
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

fn has_owner_keyword(s: &str) -> bool {
    LEAD_LABELS.iter().chain(RESP_LABELS).any(|k| s.contains(k))
        || s.contains("分工负责")
        || s.contains("职责分工")
        || s.contains("负责落实")
}

/// Parses the inside of an owner passage.
fn parse_passage(inner: &str, comma_rule: &mut bool) -> Option<Passage> {
    let inner = inner.trim();
    if !has_owner_keyword(inner) || inner.contains("重点布局") || inner.chars().count() > 400 {
        return None;
    }
    // Remarks after the first full stop (outside nested brackets) and remark brackets.
    let (body, remark) = split_remark(inner);
    let mut standing = Vec::new();
    // A rule stated inside the passage itself: `…,排在第一位的为牵头单位`.
    let mut first_leads = false;
    for phrase in FIRST_LEAD_PHRASES {
        if inner.contains(phrase) {
            first_leads = true;
        }
    }
    for r in &remark {
        if r.contains("逗号前为牵头单位")
            || r.contains("逗号前的为牵头单位")
            || r.contains("排名第一的为牵头单位")
            || r.contains("排在第一位的为牵头单位")
            || r.contains("第一个为牵头单位")
        {
            *comma_rule = true;
        }
        if let Some(p) = r.find("以下任务均需") {
            let rest = &r[p + "以下任务均需".len()..];
            let names = rest.split("落实").next().unwrap_or("");
            standing = split_names(names, true);
        }
    }
    let body = strip_spaces(&body);
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    let labelled = LEAD_LABELS
        .iter()
        .chain(RESP_LABELS)
        .any(|k| body.contains(&format!("{k}:")) || body.contains(&format!("{k}：")));
    if labelled {
        for (label, names) in labelled_parts(&body) {
            let names = names.trim_end_matches([';', ',', '；', '，']);
            if *comma_rule && label.contains("责任单位") && names.contains([',', '，']) {
                let (first, rest) = names.split_once([',', '，']).unwrap_or((names, ""));
                lead.extend(split_names(&clean_list(first), true));
                responsible.extend(split_names(&clean_list(rest), true));
                continue;
            }
            let names = clean_list(names);
            if LEAD_LABELS.iter().any(|l| label.ends_with(l)) {
                lead.extend(split_names(&names, true));
            } else {
                responsible.extend(split_names(&names, true));
            }
        }
    } else if let Some((a, b)) = split_lead_support(&body) {
        lead = split_names(&clean_list(a), true);
        responsible = split_names(&clean_list(b), true);
    } else {
        responsible = split_names(&clean_list(&body), true);
    }
    let keep = |v: Vec<String>| -> Vec<String> {
        v.into_iter().filter(|n| looks_like_owner(n) && !FIRST_LEAD_PHRASES.iter().any(|p| n.contains(p))).collect()
    };
    let mut lead = keep(lead);
    let mut responsible = keep(responsible);
    // `市发展改革委(牵头)、市科技局`: the unit marked as leading.
    let marked: Vec<String> = responsible.iter().filter(|n| n.ends_with("(牵头)")).cloned().collect();
    if !marked.is_empty() {
        responsible.retain(|n| !n.ends_with("(牵头)"));
        lead.extend(marked.iter().map(|n| n.trim_end_matches("(牵头)").to_string()));
    } else if first_leads && lead.is_empty() && !responsible.is_empty() {
        lead.push(responsible.remove(0));
    }
    if lead.is_empty() && responsible.is_empty() {
        return None;
    }
    Some(Passage { line: 0, start: 0, end: 0, lead, responsible, standing, standalone: false })
}

/// Splits `牵头单位:A;责任单位:B` (or with commas between the parts) at each label:
/// (label, names) in order. Text before the first label has an empty label.
fn labelled_parts(body: &str) -> Vec<(&str, &str)> {
    let mut marks: Vec<(usize, usize)> = Vec::new(); // (label start, names start)
    for label in LEAD_LABELS.iter().chain(RESP_LABELS) {
        for colon in [":", "："] {
            let key = format!("{label}{colon}");
            let mut from = 0;
            while let Some(p) = body[from..].find(&key).map(|p| p + from) {
                from = p + key.len();
                // `牵头` inside `牵头单位:` is not a label of its own.
                if !marks.iter().any(|&(a, b)| a <= p && p < b) {
                    marks.push((p, p + key.len()));
                }
            }
        }
    }
    marks.sort_unstable();
    marks.dedup_by(|b, a| b.0 >= a.0 && b.0 < a.1);
    let mut out = Vec::new();
    if let Some(&(first, _)) = marks.first() {
        if !body[..first].trim_matches([';', ',', ' ']).is_empty() {
            out.push(("", &body[..first]));
        }
    }
    for (k, &(a, b)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(body.len(), |m| m.0);
        let label = body[a..b].trim_end_matches([':', '：']);
        out.push((label, &body[b..end]));
    }
    out
}

/// `A牵头,B配合` / `A牵头、B参与` / `A牵头,B按职责分工负责` → (A, B).
fn split_lead_support(s: &str) -> Option<(&str, &str)> {
    let p = s.find("牵头")?;
    let a = &s[..p];
    let rest = s[p + "牵头".len()..].trim_start_matches([',', '、', '，', ';']);
    // `A牵头,会同B、C`: the partners follow 会同.
    if let Some(r) = rest.strip_prefix("会同") {
        let end = r.find([',', ';', '。']).unwrap_or(r.len());
        return Some((a, &r[..end]));
    }
    let b_end =
        ["配合", "参与", "协同", "共同", "按职责", "分工负责", "负责"].iter().filter_map(|w| rest.find(w)).min()?;
    Some((a, &rest[..b_end]))
}

/// Body and remarks: text after the first `。` and bracketed notes that hold a `。`, `以下` or
/// `统称` are remarks.
fn split_remark(s: &str) -> (String, Vec<String>) {
    let mut remarks = Vec::new();
    let mut body = String::new();
    let mut depth = 0;
    let mut cur_bracket = String::new();
    let mut rest_is_remark = false;
    let mut tail = String::new();
    for c in s.chars() {
        if rest_is_remark {
            tail.push(c);
            continue;
        }
        match c {
            '(' | '（' => {
                depth += 1;
                cur_bracket.push(c);
            }
            ')' | '）' if depth > 0 => {
                depth -= 1;
                cur_bracket.push(c);
                if depth == 0 {
                    if cur_bracket.contains('。')
                        || cur_bracket.contains("以下")
                        || cur_bracket.contains("统称")
                        || cur_bracket.contains("下同")
                    {
                        remarks.push(cur_bracket.clone());
                    } else {
                        body.push_str(&cur_bracket);
                    }
                    cur_bracket.clear();
                }
            }
            '。' if depth == 0 => rest_is_remark = true,
            _ if depth > 0 => cur_bracket.push(c),
            _ => body.push(c),
        }
    }
    body.push_str(&cur_bracket);
    if !tail.is_empty() {
        remarks.push(tail);
    }
    (body, remarks)
}

/// Removes the filler around unit lists: `等`, `等部门`, `按职责分工负责`.
fn clean_list(s: &str) -> String {
    let mut t = s.to_string();
    for w in [
        "等按职责分工负责",
        "按照职责分工负责",
        "按职责分工负责",
        "依据职责分工负责",
        "分工负责",
        "负责落实",
        "等部门",
        "等单位",
        "等有关部门",
        "等相关部门",
    ] {
        t = t.replace(w, ",");
    }
    let parts: Vec<String> = split_names(&t, false)
        .into_iter()
        .map(|p| p.trim_end_matches('等').trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    parts.join("、")
}

fn looks_like_owner(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n) && name.chars().any(is_cjk) && !name.contains("职责") && !name.contains("负责")
}

fn is_org(name: &str, ctx: &Ctx) -> bool {
    let core = name.split('(').next().unwrap_or(name);
    ctx.dicts.department(name).is_some() || ORG_SUFFIXES.iter().any(|s| core.ends_with(s))
}

fn is_generic(name: &str) -> bool {
    ["各", "其他", "有关", "相关", "市级其他", "市级有关", "本", "这些", "其"].iter().any(|p| name.starts_with(p))
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
fn passage_task(ctx: &Ctx, p: &Passage, all: &[Passage]) -> Task {
    let doc = ctx.doc;
    let mut h = doc.section_of(p.line);
    if let (true, Some(x)) = (p.standalone, h) {
        let heading = &doc.headings[x];
        if let Some(parent) = heading.parent {
            let siblings = doc.children(Some(parent));
            let is_last = siblings.last() == Some(&x);
            let first_line = siblings.first().map_or(heading.line, |&f| doc.headings[f].line);
            let alone = !all.iter().any(|q| q.line >= first_line && q.line < p.line);
            if heading.run_in.is_some() && is_last && alone && siblings.len() >= 2 {
                h = Some(parent);
            }
        }
    }
    let (path, title) = h.map_or((String::new(), String::new()), |x| (doc.path(x), doc.title(x).to_string()));
    Task {
        path,
        title,
        lead: p.lead.clone(),
        responsible: p.responsible.clone(),
        standing: p.standing.clone(),
        owners: owners(ctx, &p.lead, &p.responsible),
        text: doc.text[p.start..p.end].to_string(),
        span: ctx.span(p.start, p.end),
    }
}

/// Sentences whose subject is a named unit, in a paragraph `[start, end)`.
fn free_text_tasks(ctx: &Ctx, line: usize, start: usize, end: usize) -> Vec<Task> {
    let doc = ctx.doc;
    let s = &doc.text[start..end];
    let mut out = Vec::new();
    let path = doc.section_of(line).map(|h| doc.path(h)).unwrap_or_default();
    let mut push = |a: usize, b: usize, lead: Vec<String>, resp: Vec<String>, title: String| {
        out.push(Task {
            path: path.clone(),
            title,
            owners: owners(ctx, &lead, &resp),
            lead,
            responsible: resp,
            standing: Vec::new(),
            text: s[a..b].to_string(),
            span: ctx.span(start + a, start + b),
        });
    };
    let mut sent_start = 0;
    for (k, c) in s.char_indices().chain([(s.len(), '。')]) {
        if c != '。' && c != ';' {
            continue;
        }
        let sent = &s[sent_start..k];
        let base = sent_start;
        sent_start = k + c.len_utf8().min(s.len() - k);
        // `A牵头、B配合` anywhere.
        if let Some(p) = sent.find("牵头") {
            let after = sent[p + "牵头".len()..].trim_start_matches(['、', ',']);
            if let Some(q) = after.find("配合") {
                let a = org_before(sent, p, ctx);
                let b_str = &after[..q];
                if let Some(a) = a {
                    let resp: Vec<String> = split_names(b_str, true).into_iter().filter(|n| !n.is_empty()).collect();
                    let title = sent[p..].trim_start_matches("牵头").to_string();
                    push(base, base + sent.len(), vec![a], resp, title.trim_matches([',', '、']).to_string());
                    continue;
                }
            }
        }
        // Clause-initial subjects.
        let mut clause_start = 0;
        for (ci, cc) in sent.char_indices().chain([(sent.len(), ',')]) {
            if cc != ',' {
                continue;
            }
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

/// `市发展改革委负责X` → lead; `A、B等部门按照职责分工负责X` → responsible.
fn subject_owner(clause: &str, ctx: &Ctx) -> Option<(Vec<String>, Vec<String>, String)> {
    // The subject is at the start of the clause: only its first words need a look.
    let head_end = clause.char_indices().nth(64).map_or(clause.len(), |(i, _)| i);
    if !["负责", "要", "按照", "会同", "承担"].iter().any(|v| clause[..head_end].contains(v)) {
        return None;
    }
    for verb in ["等部门按照职责分工负责", "等部门按职责分工负责", "按照职责分工负责", "按职责分工负责"]
    {
        if let Some(p) = clause.find(verb) {
            let names = split_names(&clause[..p], true);
            if !names.is_empty() && names.iter().all(|n| is_org(n, ctx) && !is_generic(n)) {
                return Some((Vec::new(), names, clause[p + verb.len()..].to_string()));
            }
        }
    }
    for verb in ["牵头负责", "负责", "要", "按照", "会同", "承担"] {
        if let Some(p) = clause.find(verb) {
            let subject = &clause[..p];
            if subject.contains(['、', ',']) || subject.chars().count() > 16 || subject.chars().count() < 3 {
                continue;
            }
            if is_org(subject, ctx) && !is_generic(subject) {
                // `A会同B、C做X`: B and C share the task.
                let mut resp = Vec::new();
                if verb == "会同" {
                    let rest = &clause[p + verb.len()..];
                    // The co-owners end at the last organisation ending within the next words.
                    let window: usize = rest.char_indices().take(14).map(|(i, c)| i + c.len_utf8()).last().unwrap_or(0);
                    let end = rest[..window]
                        .char_indices()
                        .map(|(i, c)| i + c.len_utf8())
                        .rfind(|&i| ORG_SUFFIXES.iter().any(|x| rest[..i].ends_with(x)) && !rest[..i].contains(','))
                        .unwrap_or(0);
                    resp = split_names(&rest[..end], true).into_iter().filter(|n| is_org(n, ctx)).collect();
                }
                let title = if verb == "按照" {
                    // `市统计局按照《…》加快建设…`: the action after the reference.
                    let rest = &clause[p..];
                    rest.find('》').map_or(rest, |q| &rest[q + '》'.len_utf8()..]).to_string()
                } else {
                    clause[p + verb.len()..].to_string()
                };
                let title = if resp.is_empty() {
                    title
                } else {
                    title.trim_start_matches(|c: char| c != '、' && !c.is_whitespace()).to_string()
                };
                return Some((vec![subject.to_string()], resp, title));
            }
            return None;
        }
    }
    None
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
            && !is_generic(cand)
        {
            return Some(cand.to_string());
        }
    }
    let a = head.rfind([',', '、', ';']).map_or(0, |p| p + head[p..].chars().next().map_or(1, char::len_utf8));
    let cand = &head[a..];
    (is_org(cand, ctx) && !is_generic(cand) && cand.chars().count() <= 16).then(|| cand.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> (Vec<String>, Vec<String>) {
        let mut rule = false;
        let p = parse_passage(s, &mut rule).unwrap();
        (p.lead, p.responsible)
    }

    #[test]
    fn labelled_passages() {
        let (l, r) = parse("牵头单位:市发展改革委;责任单位:市经济信息委、市委军民融合办、重庆通信管理局等,各区县(自治县)和两江新区、万盛经开区(以下统称区县。以下任务均需区县落实,不再列出)");
        assert_eq!(l, vec!["市发展改革委"]);
        assert_eq!(
            r,
            vec!["市经济信息委", "市委军民融合办", "重庆通信管理局", "各区县(自治县)", "两江新区", "万盛经开区"]
        );
    }

    #[test]
    fn lead_then_shared_duty() {
        let (l, r) = parse("市科技局牵头,市财政局、市经济和信息化局按职责分工负责");
        assert_eq!(l, vec!["市科技局"]);
        assert_eq!(r, vec!["市财政局", "市经济和信息化局"]);
    }

    #[test]
    fn shared_duty_passages_have_no_lead() {
        let (l, r) = parse("市发改委、市科技局、市工信局等按职责分工负责,各县(市、区)人民政府、功能区管委会。以下任务均需各县(市、区)人民政府、功能区管委会落实,不再一一列出");
        assert!(l.is_empty());
        assert_eq!(r, vec!["市发改委", "市科技局", "市工信局", "各县(市、区)人民政府", "功能区管委会"]);
    }

    #[test]
    fn comma_rule_is_declared_once_and_then_applies() {
        let mut rule = false;
        let p = parse_passage("责任单位:各区(市)县政府(管委会)", &mut rule).unwrap();
        assert!(p.lead.is_empty());
        let p = parse_passage("责任单位:市科技局、市发改委,各区(市)县政府(管委会)。逗号前为牵头单位,下同", &mut rule)
            .unwrap();
        assert_eq!(p.lead, vec!["市科技局", "市发改委"]);
        let p = parse_passage("责任单位:市国资委,市发改委、成都产业集团", &mut rule).unwrap();
        assert_eq!(
            (p.lead, p.responsible),
            (vec!["市国资委".to_string()], vec!["市发改委".to_string(), "成都产业集团".to_string()])
        );
    }

    #[test]
    fn marked_and_first_unit_leads() {
        let (l, r) = parse("责任单位:市科技局(牵头)、市财政局");
        assert_eq!((l, r), (vec!["市科技局".to_string()], vec!["市财政局".to_string()]));
        let (l, r) = parse("责任单位:市发展改革委、市科技局、市财政局,排在第一位的为牵头单位");
        assert_eq!(l, vec!["市发展改革委"]);
        assert_eq!(r, vec!["市科技局", "市财政局"]);
    }

    #[test]
    fn labels_separated_by_commas() {
        let (l, r) = parse("牵头单位:市发展改革委,配合单位:市科技局、市财政局");
        assert_eq!(l, vec!["市发展改革委"]);
        assert_eq!(r, vec!["市科技局", "市财政局"]);
        let (l, r) = parse("市经济信息委牵头,会同市科技局、市财政局");
        assert_eq!(l, vec!["市经济信息委"]);
        assert_eq!(r, vec!["市科技局", "市财政局"]);
    }

    #[test]
    fn lead_and_support() {
        let (l, r) = parse("市工业和信息化局牵头,市科技局、市财政局配合");
        assert_eq!(l, vec!["市工业和信息化局"]);
        assert_eq!(r, vec!["市科技局", "市财政局"]);
    }
}

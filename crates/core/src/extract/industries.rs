//! Priority industries and their segments, district mappings (`重点区县(开发区)`, `重点布局:`)
//! and platforms listed in 专栏.
//!
//! Industries come from the heading tree when the plan has a section of directions
//! (`二、发展重点` → `(一)高成长未来产业` → `1.空天信息` → `1)新型卫星`), else from the
//! document's main enumeration of industries (`促进A、B、C等重点产业…`). Segments are sub-headings,
//! else the enumerations of a section (`重点培育X、Y等细分领域`, `聚焦X、Y等方向`), else the lead
//! sentences of its paragraphs (`巩固提升化学原料药优势。`). A 专栏 whose title names another
//! industry than its section (a section heading lost in export) opens that industry's section.

use super::text::{is_cjk, split_names};
use super::Ctx;
use crate::doc::{parse_marker, LineKind, Scheme};
use crate::model::{DistrictMapping, Industry, Platform};

/// Words in a section title that announce a list of industries or directions.
const LIST_CUES: &[&str] = &["产业", "方向", "领域", "重点", "赛道"];
/// Titles that are about actions, not industries.
const ACTION_TITLES: &[&str] = &[
    "工程", "任务", "措施", "举措", "行动", "保障", "机制", "要求", "目标", "原则", "思想", "布局", "空间", "生态",
    "基础", "形势",
];
const ACTION_VERBS: &[&str] = &[
    "实施", "加强", "推进", "强化", "建设", "完善", "健全", "加快", "打造", "提升", "构建", "推动", "优化", "深化",
    "营造", "创新", "加大", "发挥", "促进", "支持", "坚持", "落实", "建立", "开展", "强化",
];

pub struct Industries {
    pub industries: Vec<Industry>,
    pub districts: Vec<DistrictMapping>,
    pub platforms: Vec<Platform>,
}

/// An industry with the lines its section covers.
struct Section {
    name: String,
    group: String,
    /// Heading index, when the industry has its own heading.
    heading: Option<usize>,
    lines: (usize, usize),
    span: (usize, usize),
    /// A section whose heading was lost and is known from its 专栏 only.
    lost: bool,
}

fn is_industry_list_title(t: &str) -> bool {
    LIST_CUES.iter().any(|c| t.contains(c)) && !ACTION_TITLES.iter().any(|c| t.contains(c))
}

fn is_noun_title(t: &str) -> bool {
    t.chars().count() <= 24
        && !ACTION_VERBS.iter().any(|v| t.starts_with(v))
        && !ACTION_TITLES.iter().any(|c| t.ends_with(c))
}

pub fn extract(ctx: &Ctx) -> Industries {
    let doc = ctx.doc;
    let mut sections: Vec<Section> = Vec::new();
    let mut industries: Vec<Industry> = Vec::new();
    let mut used: Vec<usize> = Vec::new();
    for p in 0..doc.headings.len() {
        let hp = &doc.headings[p];
        if hp.scheme == Scheme::Box || !is_industry_list_title(doc.title(p)) {
            continue;
        }
        let children = doc.children(Some(p));
        if children.is_empty() || !children.iter().all(|&c| is_noun_title(doc.title(c))) {
            continue;
        }
        // Skip lists nested in a list already taken.
        if used.iter().any(|&u| u == p || is_ancestor(doc, u, p)) {
            continue;
        }
        used.push(p);
        for &c in &children {
            let grandchildren = doc.children(Some(c));
            let ct = doc.title(c);
            let group_like = ct.contains("产业") || ct.contains("方向") || ct.contains("领域") || ct.contains("一批");
            if group_like && !grandchildren.is_empty() && grandchildren.iter().all(|&g| is_noun_title(doc.title(g))) {
                for &g in &grandchildren {
                    sections.push(section_of_heading(ctx, g, ct));
                }
            } else if group_like
                && grandchildren.is_empty()
                && (ct.contains("领域") || ct.contains("方向") || ct.contains("一批"))
            {
                // `(二)延伸发展“613”产业体系重点领域`: the industries are enumerated in its text.
                let h = &doc.headings[c];
                for (name, a, _) in enumerations(ctx, h.line, h.end_line, &["领域", "方向"]) {
                    sections.push(Section {
                        name,
                        group: ct.to_string(),
                        heading: None,
                        lines: (h.line, h.end_line),
                        span: (a, a),
                        lost: false,
                    });
                }
            } else {
                sections.push(section_of_heading(ctx, c, doc.title(p)));
            }
        }
    }
    if sections.is_empty() {
        sections = enumerated_industries(ctx);
    }
    // 专栏 that open a lost section.
    let mut boxes_under: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for (b, bx) in doc.boxes.iter().enumerate() {
        if let Some(p) = doc.headings[bx.heading].parent {
            boxes_under.entry(p).or_default().push(b);
        }
    }
    let mut extra: Vec<(usize, Section)> = Vec::new();
    for (si, s) in sections.iter().enumerate() {
        let Some(h) = s.heading else { continue };
        let boxes: Vec<usize> =
            (0..doc.boxes.len()).filter(|&b| doc.headings[doc.boxes[b].heading].parent == Some(h)).collect();
        for w in boxes.windows(2) {
            let (prev, this) = (&doc.boxes[w[0]], &doc.boxes[w[1]]);
            // The document's own word for the industry is looked up in the group's text.
            let scope_end = doc
                .lines
                .get(s.lines.1)
                .map_or(doc.text.len(), |l| l.start)
                .max(doc.lines[this.end_line.min(doc.lines.len() - 1)].end);
            let group_heading = doc.headings[h].parent.unwrap_or(h);
            let scope_start = doc.lines[doc.headings[group_heading].line].start;
            let name = box_subject(&doc.text[scope_start..scope_end.min(doc.text.len())], doc.title(this.heading));
            if name.is_empty() {
                continue;
            }
            extra.push((
                si,
                Section {
                    name,
                    group: s.group.clone(),
                    heading: None,
                    lost: true,
                    lines: (prev.end_line, this.end_line),
                    span: (
                        doc.lines[prev.end_line.min(doc.lines.len() - 1)].cstart,
                        doc.lines[prev.end_line.min(doc.lines.len() - 1)].cstart,
                    ),
                },
            ));
        }
    }
    for (si, s) in extra.into_iter().rev() {
        let mut at = si + 1;
        while at < sections.len() && sections[at].heading.is_none() && sections[at].lines.0 < s.lines.0 {
            at += 1;
        }
        sections.insert(at, s);
    }
    // Limit each heading section to before the first lost-section 专栏 it holds.
    for i in 0..sections.len() {
        if sections[i].heading.is_some() {
            if let Some(next) = sections.get(i + 1) {
                if next.heading.is_none() && next.lines.0 < sections[i].lines.1 && next.lines.0 > sections[i].lines.0 {
                    sections[i].lines.1 = next.lines.0;
                }
            }
        }
    }
    for s in &sections {
        let segments = segments_of(ctx, s);
        industries.push(Industry {
            name: s.name.clone(),
            group: s.group.clone(),
            segments,
            span: ctx.span(s.span.0, s.span.1),
        });
    }
    let (districts, platforms) = districts_and_platforms(ctx, &sections);
    Industries { industries, districts, platforms }
}

fn is_ancestor(doc: &crate::doc::Doc, a: usize, mut x: usize) -> bool {
    while let Some(p) = doc.headings[x].parent {
        if p == a {
            return true;
        }
        x = p;
    }
    false
}

fn section_of_heading(ctx: &Ctx, h: usize, group: &str) -> Section {
    let doc = ctx.doc;
    let hd = &doc.headings[h];
    Section {
        name: doc.title(h).to_string(),
        group: group.to_string(),
        heading: Some(h),
        lines: (hd.line, hd.end_line),
        span: hd.title_range,
        lost: false,
    }
}

/// `新兴服务产业发展重点` → `新兴服务业` (the document's own word, when it has it).
fn box_subject(scope: &str, title: &str) -> String {
    let mut base = title.trim();
    for suffix in ["发展重点", "重点", "重点任务", "建设重点"] {
        if let Some(b) = base.strip_suffix(suffix) {
            base = b;
            break;
        }
    }
    if let Some(stem) = base.strip_suffix("产业") {
        let short = format!("{stem}业");
        if scope.contains(&short) {
            return short;
        }
        return stem.to_string();
    }
    base.to_string()
}

/// Industries of a plan without an industry section: the paragraph with the longest lists of
/// `…等重点产业` / `…等未来产业`, each list's classifier being its group.
fn enumerated_industries(ctx: &Ctx) -> Vec<Section> {
    let doc = ctx.doc;
    let mut best: Vec<Section> = Vec::new();
    for i in 0..doc.lines.len() {
        if doc.lines[i].kind != LineKind::Text || doc.lines[i].in_box.is_some() || ctx.background[i] {
            continue;
        }
        let l = &doc.lines[i];
        let s = &doc.text[l.cstart..l.cend];
        if !s.contains("等") || !s.contains("产业") {
            continue;
        }
        let mut found = Vec::new();
        for (items, classifier, pos) in lists(s) {
            let Some(group) = industry_classifier(&classifier) else { continue };
            for item in items {
                found.push(Section {
                    name: item,
                    group: group.clone(),
                    heading: None,
                    lines: (i, i + 1),
                    span: (l.cstart + pos, l.cstart + pos),
                    lost: false,
                });
            }
        }
        if found.len() > best.len() {
            best = found;
        }
    }
    // Segments from the same chapter's 专栏: keep the line range as the chapter.
    for s in &mut best {
        if let Some(h) = doc.section_of(s.lines.0) {
            let mut top = h;
            while let Some(p) = doc.headings[top].parent {
                top = p;
            }
            s.lines = (doc.headings[top].line, doc.headings[top].end_line);
        }
    }
    best
}

fn industry_classifier(c: &str) -> Option<String> {
    let p = c.find("产业")?;
    let head = &c[..p + "产业".len()];
    if c[p + "产业".len()..].starts_with("集群")
        || c[p + "产业".len()..].starts_with("链")
        || c[p + "产业".len()..].starts_with("技术")
    {
        return None;
    }
    let quals = ["重点", "支柱", "主导", "优势", "未来", "先导", "新兴", "特色"];
    (head.chars().count() >= 4 && head.chars().count() <= 8 && quals.iter().any(|q| head.contains(q)))
        .then(|| head.to_string())
}

/// Enumerations `A、B和C等<classifier>` in `s`: (items, text after 等, byte position).
fn lists(s: &str) -> Vec<(Vec<String>, String, usize)> {
    lists_with_lead(s).into_iter().map(|(items, c, pos, _)| (items, c, pos)).collect()
}

/// Where a list ending at the end of `before` starts: after the last clause break or
/// unclosed bracket, skipping closed brackets (`虚拟现实(VR)/增强现实(AR)`).
fn list_start(before: &str) -> usize {
    let mut depth = 0i32;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' | '）' | '”' | '》' => depth += 1,
            '(' | '（' | '“' | '《' => {
                if depth == 0 {
                    return i + c.len_utf8();
                }
                depth -= 1;
            }
            ',' | '。' | ';' | ':' if depth == 0 => return i + c.len_utf8(),
            _ => {}
        }
    }
    0
}

/// Like [`lists`], with the verb that introduces each list (`重点培育`, `聚焦` …) or `""`.
fn lists_with_lead(s: &str) -> Vec<(Vec<String>, String, usize, &'static str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = s[from..].find('等').map(|p| p + from) {
        from = p + '等'.len_utf8();
        let before = &s[..p];
        // The list starts after the last clause break or a leading verb.
        let start = list_start(before);
        let raw = &before[start..];
        if !raw.contains('、') {
            continue;
        }
        let (lead, raw) = strip_list_lead(raw);
        let mut items = split_names(raw, false);
        if items.len() < 2 {
            continue;
        }
        split_last_and(&mut items);
        let after = &s[from..];
        let end = after.find([',', '。', ';', ':', ')']).unwrap_or(after.len());
        out.push((items, after[..end].to_string(), start, lead));
    }
    out
}

const LIST_LEADS: &[&str] = &[
    "重点培育",
    "近期重点培育",
    "中远期重点培育",
    "重点发展",
    "积极发展",
    "大力发展",
    "加快发展",
    "前瞻布局",
    "布局发展",
    "聚焦",
    "瞄准",
    "围绕",
    "促进",
    "推动",
    "培育",
    "发展",
    "延伸",
    "加快",
    "敏锐捕捉",
    "进一步延伸",
    "以",
    "在",
    "涉及",
    "包括",
    "其中",
    "对其中涉及",
    "重点突破",
    "重点聚焦",
    "探索发展",
    "积极开发",
    "重点培育和前瞻布局",
    "开展",
    "引领",
    "塑造",
    "打造",
];

fn list_leads() -> &'static aho_corasick::AhoCorasick {
    static LEADS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    LEADS.get_or_init(|| aho_corasick::AhoCorasick::new(LIST_LEADS).expect("list leads build an automaton"))
}

fn strip_list_lead(raw: &str) -> (&'static str, &str) {
    // Take the part after the last verb-like lead word (the longest one ending there).
    let mut best = raw;
    let mut lead: &'static str = "";
    for m in list_leads().find_overlapping_iter(raw) {
        let l = LIST_LEADS[m.pattern().as_usize()];
        let cand = &raw[m.end()..];
        if (cand.len() < best.len() || (cand.len() == best.len() && l.len() > lead.len())) && cand.contains('、') {
            best = cand;
            lead = l;
        }
    }
    // `扬州“613”产业体系的氢能、…`: drop an attribute ending in 的 before the first item.
    let first_sep = best.find('、').unwrap_or(best.len());
    if let Some(q) = best[..first_sep].rfind('的') {
        best = &best[q + '的'.len_utf8()..];
    }
    (lead, best.trim_start_matches(['的', ' ']))
}

/// `A、B、C和D` lists join the last item with 和: split it, unless `C和D` shares a head noun
/// the other items also end with (`新能源和新型储能材料` = 新能源材料和新型储能材料).
fn split_last_and(items: &mut Vec<String>) {
    let Some(last) = items.last().cloned() else { return };
    let Some(p) = last.rfind('和') else { return };
    let (a, b) = (&last[..p], &last[p + '和'.len_utf8()..]);
    if a.chars().count() < 2 || b.chars().count() < 3 {
        return;
    }
    let head: String = b.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
    let shared = items[..items.len() - 1].iter().any(|i| i.ends_with(&head)) && !a.ends_with(&head);
    if shared {
        return;
    }
    items.pop();
    items.push(a.to_string());
    items.push(b.to_string());
}

/// Industries listed in the text of lines `[from, to)` with one of the classifiers.
fn enumerations(ctx: &Ctx, from: usize, to: usize, classifiers: &[&str]) -> Vec<(String, usize, usize)> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    for i in from..to.min(doc.lines.len()) {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) || doc.lines[i].in_box.is_some() {
            continue;
        }
        let l = &doc.lines[i];
        let s = &doc.text[l.cstart..l.cend];
        for (items, classifier, pos) in lists(s) {
            let c = classifier.trim();
            if classifiers.iter().any(|k| c.starts_with(k) || (c.ends_with(k) && c.chars().count() <= 12)) {
                for it in items {
                    if !out.iter().any(|(n, _, _)| *n == it) {
                        out.push((it, l.cstart + pos, l.cstart + pos));
                    }
                }
                break; // the section's main enumeration comes first
            }
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Verbs that introduce the directions of an industry (`重点培育X、Y等细分领域`).
const DIRECTION_LEADS: &[&str] = &[
    "重点培育",
    "近期重点培育",
    "中远期重点培育",
    "重点发展",
    "聚焦",
    "以",
    "延伸",
    "进一步延伸",
    "加快",
    "敏锐捕捉",
    "重点突破",
    "重点聚焦",
    "重点培育和前瞻布局",
    "积极开发",
];
const DIRECTION_CLASSIFIERS: &[&str] = &[
    "细分领域",
    "重点方向",
    "方向",
    "领域",
    "赛道",
    "为重点",
    "产业链",
    "前沿领域",
    "前沿新材料",
    "关键零部件",
    "前沿科技",
];

fn segments_of(ctx: &Ctx, s: &Section) -> Vec<String> {
    let doc = ctx.doc;
    if let Some(h) = s.heading {
        let kids = doc.children(Some(h));
        if !kids.is_empty() {
            return kids.iter().map(|&k| doc.title(k).to_string()).collect();
        }
    } else if s.lost {
        // Read like a section with a heading.
    } else if s.lines.1 - s.lines.0 > 50 {
        // An enumerated industry: items of the chapter's 专栏 titled with its name.
        return box_items_for(ctx, s);
    } else {
        // An industry named in its group's text: the sentence `X领域重点突破A、B等…`.
        return named_sentence_segments(ctx, s);
    }
    let mut segs: Vec<String> = Vec::new();
    let push = |x: String, segs: &mut Vec<String>| {
        let x = x.trim().to_string();
        if x.chars().count() >= 2 && x != s.name && !segs.contains(&x) {
            segs.push(x);
        }
    };
    let lines: Vec<usize> =
        (s.lines.0..s.lines.1.min(doc.lines.len())).filter(|&i| doc.lines[i].in_box.is_none()).collect();
    // Directions are stated in the section's opening paragraph.
    let intro: Option<usize> = lines.iter().copied().find(|&i| {
        doc.lines[i].kind == LineKind::Text
            || (doc.lines[i].kind == LineKind::Heading
                && s.heading.is_some_and(|h| doc.headings[h].line == i && doc.headings[h].run_in.is_some()))
    });
    if let Some(i) = intro {
        let l = &doc.lines[i];
        let text = &doc.text[l.cstart..l.cend];
        // 1. `卫星通信方面,…`: the section walks through its parts.
        for x in aspect_phrases(text) {
            push(x, &mut segs);
        }
        if segs.is_empty() {
            // 2. Enumerations of directions, and single ones (`中远期重点培育先进核能细分领域`).
            for (items, classifier, _, lead) in lists_with_lead(text) {
                let c = classifier.trim();
                if DIRECTION_LEADS.contains(&lead) && DIRECTION_CLASSIFIERS.iter().any(|k| c.starts_with(k)) {
                    for it in items {
                        push(it, &mut segs);
                    }
                }
            }
            for x in single_directions(text) {
                push(x, &mut segs);
            }
            for (a, b) in and_directions(text) {
                push(a, &mut segs);
                push(b, &mut segs);
            }
        }
    }
    if !segs.is_empty() {
        return segs;
    }
    // 3. Lead sentences of the section's paragraphs (`巩固提升化学原料药优势。`).
    for &i in lines.iter().skip(1) {
        if doc.lines[i].kind != LineKind::Text {
            continue;
        }
        let text = doc.line_text(i);
        let Some(p) = text.find('。') else { continue };
        let lead = &text[..p];
        if lead.chars().count() > 26 || lead.contains([',', '“', '"']) {
            continue;
        }
        let np = lead_noun_phrase(lead);
        if np.ends_with("产品") || np.contains("发展") || np.contains("产业链") || np.contains("集群") {
            continue;
        }
        // `工业软件和汽车软件`: two segments sharing a head.
        match np.split_once('和') {
            Some((a, b)) if a.chars().last() == b.chars().last() && a.chars().count() >= 2 => {
                push(a.to_string(), &mut segs);
                push(b.to_string(), &mut segs);
            }
            _ => push(np, &mut segs),
        }
    }
    if !segs.is_empty() {
        return segs;
    }
    // 4. Products the section develops: `积极发展A、B、C等高附加值产品`, `积极发展X产品`.
    for &i in &lines {
        if doc.lines[i].kind != LineKind::Text {
            continue;
        }
        let text = doc.line_text(i);
        for (items, classifier, _, lead) in lists_with_lead(text) {
            if lead == "积极发展" && classifier.ends_with("产品") {
                for it in items {
                    push(it, &mut segs);
                }
            }
        }
        for part in text.split(['。', ',']) {
            if let Some(rest) = part.strip_prefix("积极发展").and_then(|r| r.strip_suffix("产品")) {
                if !rest.contains('、') && (2..=10).contains(&rest.chars().count()) {
                    push(rest.to_string(), &mut segs);
                }
            }
        }
    }
    if !segs.is_empty() {
        return segs;
    }
    // 5. A name that joins two industries: `氢能与储能`.
    for sep in ['与', '和'] {
        if let Some(p) = s.name.find(sep) {
            let (a, b) = (&s.name[..p], &s.name[p + sep.len_utf8()..]);
            let last = |x: &str| x.chars().last();
            if last(a) == last(b) && a.chars().count() >= 2 {
                return vec![a.to_string(), b.to_string()];
            }
        }
    }
    segs
}

/// `中远期重点培育先进核能细分领域` → 先进核能.
fn single_directions(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split([',', ';', '。']) {
        for lead in ["重点培育", "重点发展"] {
            if let Some(p) = part.find(lead) {
                let rest = &part[p + lead.len()..];
                if let Some(x) = rest.strip_suffix("细分领域") {
                    if !x.contains('、') && !x.ends_with('等') && (2..=10).contains(&x.chars().count()) {
                        out.push(x.to_string());
                    }
                }
            }
        }
    }
    out
}

/// Segments of an industry named in its group's text: in the sentence that names it
/// (`氢能领域重点突破A、B、C等…`), the first enumeration and `探索发展X`.
fn named_sentence_segments(ctx: &Ctx, s: &Section) -> Vec<String> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    for i in s.lines.0..s.lines.1.min(doc.lines.len()) {
        if doc.lines[i].kind != LineKind::Text {
            continue;
        }
        let text = doc.line_text(i);
        for sent in text.split('。') {
            let key = format!("{}领域", s.name);
            let Some(p) = sent.find(&key) else { continue };
            let sent = &sent[p + key.len()..];
            if let Some(q) = sent.find("探索发展") {
                let rest = &sent[q + "探索发展".len()..];
                let end = rest.find([',', '、']).unwrap_or(rest.len());
                if (2..=10).contains(&rest[..end].chars().count()) {
                    out.push(rest[..end].to_string());
                }
            }
            if let Some((items, _, _, _)) = lists_with_lead(sent).into_iter().next() {
                out.extend(items);
            }
        }
    }
    out
}

/// `以智能网联汽车和新能源汽车为主攻方向` → both.
fn and_directions(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = s[from..].find("为主攻方向").map(|p| p + from) {
        from = p + "为主攻方向".len();
        let before = &s[..p];
        let Some(q) = before.rfind('以') else { continue };
        let inner = &before[q + '以'.len_utf8()..];
        if let Some((a, b)) = inner.split_once('和') {
            if !inner.contains('、') && a.chars().count() >= 2 && b.chars().count() >= 2 {
                out.push((b.to_string(), a.to_string()));
            }
        }
    }
    out
}

/// `卫星通信方面,` → 卫星通信.
fn aspect_phrases(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split('。') {
        if let Some(p) = part.find("方面,") {
            let head = &part[..p];
            if head.chars().count() <= 8 && head.chars().all(is_cjk) {
                out.push(head.to_string());
            }
        }
        if let Some(p) = part.find("探索发展") {
            let rest = &part[p + "探索发展".len()..];
            if let Some(q) = rest.find("产业") {
                let x = &rest[..q];
                if (2..=8).contains(&x.chars().count()) && !x.contains('、') {
                    out.push(x.to_string());
                }
            }
        }
    }
    out
}

const LEAD_VERBS: &[&str] = &[
    "大力推进",
    "积极发展",
    "大力发展",
    "着力发展",
    "加快打造",
    "加快发展",
    "着力推动",
    "着力营造",
    "努力构建",
    "深入推动",
    "全面提升",
    "巩固提升",
    "聚力打好",
    "扩大",
    "构建",
    "实现",
    "打造",
    "提速",
    "壮大",
    "抢占",
    "提升",
    "推动",
    "促进",
    "完善",
    "抢滩",
    "加速",
    "做靓",
    "探索",
    "强化",
    "加快",
    "积极",
    "着力",
    "努力",
    "进一步",
];
const LEAD_TAILS: &[&str] = &[
    "等信息技术赋能产业发展",
    "智能化发展和新技术应用",
    "产业融合发展路径",
    "应用和管理水平",
    "创新制造基地",
    "产业提档升级",
    "产业发展能级",
    "迈向中高端水平",
    "产业发展高地",
    "产业发展先机",
    "产业化进程",
    "规范化发展",
    "保障能力",
    "产业规模",
    "提质增效",
    "基地品牌",
    "产业基地",
    "转型发展",
    "产业蓝海",
    "支撑作用",
    "体系",
    "优势",
    "产能",
    "牌",
];

/// `巩固提升化学原料药优势` → 化学原料药.
fn lead_noun_phrase(lead: &str) -> String {
    let mut t = lead.trim();
    let mut changed = true;
    while changed {
        changed = false;
        for v in LEAD_VERBS {
            if let Some(r) = t.strip_prefix(v) {
                t = r;
                changed = true;
            }
        }
    }
    if let Some(p) = t.rfind('的') {
        t = &t[p + '的'.len_utf8()..];
    }
    for tail in LEAD_TAILS {
        if let Some(r) = t.strip_suffix(tail) {
            t = r;
            break;
        }
    }
    t.trim_start_matches("国家").to_string()
}

/// Items of the 专栏 inside the section whose title starts with the industry's name.
fn box_items_for(ctx: &Ctx, s: &Section) -> Vec<String> {
    let doc = ctx.doc;
    let generic = ["关键技术", "共性技术", "基础研究", "关键共性技术"];
    for bx in &doc.boxes {
        let line = doc.headings[bx.heading].line;
        if line < s.lines.0 || line >= s.lines.1 {
            continue;
        }
        let title = doc.title(bx.heading);
        let Some(rest) = title.strip_prefix(s.name.as_str()) else { continue };
        // `新能源核心技术攻关任务` is about 新能源; `新能源及智能网联汽车…` is not.
        if !["核心", "技术", "产业", "攻关", "重点", "发展", "关键"].iter().any(|w| rest.starts_with(w)) {
            continue;
        }
        let mut items = Vec::new();
        for i in bx.first_line..bx.end_line {
            let t = doc.line_text(i);
            if let Some(m) = parse_marker(t) {
                if m.scheme != Scheme::NumDot && m.scheme != Scheme::NumComma {
                    continue;
                }
                let rest = &t[m.len..];
                let title = rest.split('。').next().unwrap_or("").trim();
                if !title.is_empty() && !generic.contains(&title) {
                    items.push(title.to_string());
                }
            }
        }
        return items;
    }
    Vec::new()
}

fn districts_and_platforms(ctx: &Ctx, sections: &[Section]) -> (Vec<DistrictMapping>, Vec<Platform>) {
    let doc = ctx.doc;
    let mut districts = Vec::new();
    let mut platforms = Vec::new();
    // Subject of a line: the industry section containing it, else the box title.
    let subject_of = |line: usize, box_title: &str| -> String {
        sections
            .iter()
            .filter(|s| s.lines.0 <= line && line < s.lines.1)
            .min_by_key(|s| s.lines.1 - s.lines.0)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| box_title.to_string())
    };
    // 1. Labelled rows of 专栏 tables.
    for bx in &doc.boxes {
        let title = doc.title(bx.heading);
        let subject = subject_of(doc.headings[bx.heading].line, title);
        let mut label = String::new();
        let mut awaiting_content = false;
        let mut i = bx.first_line;
        while i < bx.end_line {
            let l = &doc.lines[i];
            if l.kind == LineKind::Blank {
                i += 1;
                continue;
            }
            let mut t = doc.line_text(i);
            // A table row on one line: `重点区县(开发区)<TAB>A、B、C`.
            if let Some((first, rest)) = t.split_once('\t') {
                let first = first.trim();
                if first.chars().count() <= 10 && !first.contains(['。', '、', ',']) && !rest.trim().is_empty() {
                    label = first.to_string();
                    t = rest.trim();
                    awaiting_content = true;
                }
            }
            let is_label = t.chars().count() <= 10
                && !t.contains(['。', '、', ','])
                && parse_marker(t).is_none()
                && !awaiting_content;
            if is_label || (t.starts_with('(') && t.ends_with(')') && t.chars().count() <= 10) {
                awaiting_content = true;
                if t.starts_with('(') && !label.is_empty() {
                    label.push_str(t);
                } else {
                    label = t.to_string();
                }
                i += 1;
                continue;
            }
            awaiting_content = false;
            if label.contains("区县") || label.contains("布局") || label.contains("区域") || label.contains("承载")
            {
                let names = split_names(t, true);
                if !names.is_empty() {
                    districts.push(mapping(ctx, &subject, names, l.cstart, l.cend));
                }
            } else if label.contains("平台") {
                let off = t.as_ptr() as usize - doc.text.as_ptr() as usize;
                if let Some(m) = parse_marker(t) {
                    let rest = &t[m.len..];
                    let name = rest.split('。').next().unwrap_or("").trim();
                    if !name.is_empty() && name.chars().count() <= 40 {
                        let a = off + m.len + (rest.len() - rest.trim_start().len());
                        platforms.push(Platform {
                            name: name.to_string(),
                            subject: subject.clone(),
                            span: ctx.span(a, a + name.len()),
                        });
                    }
                } else if !t.contains('。') {
                    // A list of platforms in one cell.
                    for name in split_names(t, false) {
                        let a = t.find(&name).map_or(off, |p| off + p);
                        platforms.push(Platform {
                            name: name.clone(),
                            subject: subject.clone(),
                            span: ctx.span(a, a + name.len()),
                        });
                    }
                }
            } else if label.is_empty() {
                // A 专栏 of facilities or incubators: its enumerations are platforms.
                let facility_box = ["设施", "平台", "载体", "实验室", "基地"].iter().any(|w| title.contains(w));
                if facility_box {
                    for (name, a) in facility_names(t) {
                        platforms.push(Platform {
                            name: name.clone(),
                            subject: title.to_string(),
                            span: ctx.span(l.cstart + a, l.cstart + a + name.len()),
                        });
                    }
                } else {
                    for (name, a) in supported_by(t) {
                        platforms.push(Platform {
                            name: name.clone(),
                            subject: title.to_string(),
                            span: ctx.span(l.cstart + a, l.cstart + a + name.len()),
                        });
                    }
                }
            }
            i += 1;
        }
    }
    // 2. `〔重点布局:A、B、C〕` in the text.
    for i in 0..doc.lines.len() {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        let l = &doc.lines[i];
        let t = &doc.text[l.cstart..l.cend];
        if !t.contains(':') {
            continue;
        }
        for key in ["重点布局:", "重点区县(开发区):", "重点区县:", "布局区域:"] {
            let mut from = 0;
            while let Some(p) = t[from..].find(key).map(|p| p + from) {
                from = p + key.len();
                let rest = &t[from..];
                let end = rest.find(['〕', ']', '】', '。', ';']).unwrap_or(rest.len());
                let end = if rest[..end].ends_with(')')
                    && rest[..end].matches('(').count() < rest[..end].matches(')').count()
                {
                    end - 1
                } else {
                    end
                };
                let names = split_names(&rest[..end], true);
                if names.is_empty() {
                    continue;
                }
                let subject = doc.section_of(i).map(|h| doc.title(h).to_string()).unwrap_or_default();
                districts.push(mapping(ctx, &subject, names, l.cstart + p, l.cstart + from + end));
            }
        }
    }
    (districts, platforms)
}

fn mapping(ctx: &Ctx, subject: &str, names: Vec<String>, a: usize, b: usize) -> DistrictMapping {
    let canonical = names
        .iter()
        .map(|n| ctx.dicts.place(n, ctx.region.as_deref()).map_or_else(|| n.clone(), |p| p.name.clone()))
        .collect();
    DistrictMapping { subject: subject.to_string(), districts: names, canonical, span: ctx.span(a, b) }
}

const FACILITY_SUFFIXES: &[&str] = &[
    "装置",
    "设施",
    "实验室",
    "中心",
    "研究院",
    "基地",
    "平台",
    "模拟器",
    "工程",
    "系统",
    "孵化园",
    "科技园",
    "产业园",
    "园",
    "谷",
];

/// Named facilities in a sentence of a facilities 专栏: `推动X建设`, `A、B、C等后备项目`,
/// `A、B等10万平方米以上的科技企业孵化园`.
fn facility_names(s: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (items, classifier, pos) in lists(s) {
        let c = classifier.trim();
        let platform_like =
            ["项目", "设施", "平台", "载体", "孵化园", "园", "基地", "中心", "装置"].iter().any(|k| c.ends_with(k));
        if !platform_like || c.ends_with("区域") {
            continue;
        }
        let mut cursor = pos;
        for it in items {
            let name = it.trim_start_matches(|c: char| !is_cjk(c)).to_string();
            let a = s[cursor..].find(&name).map_or(pos, |p| cursor + p);
            cursor = a;
            if name.chars().count() >= 3 {
                out.push((name, a));
            }
        }
    }
    // `推动X建设` for a single facility.
    for part in s.split([',', '。']) {
        for verb in ["推动", "加快"] {
            if let Some(p) = part.find(verb) {
                let rest = &part[p + verb.len()..];
                if let Some(q) = rest.strip_suffix("建设") {
                    let name = q.trim_start_matches("集中力量");
                    if FACILITY_SUFFIXES.iter().any(|x| name.ends_with(x))
                        && !name.contains('、')
                        && name.chars().count() <= 20
                    {
                        let a = s.find(name).unwrap_or(0);
                        if !out.iter().any(|(n, _)| n == name) {
                            out.insert(0, (name.to_string(), a));
                        }
                    }
                }
            }
        }
    }
    out
}

/// `依托国家智慧医保实验室,推进…` → the named platform a task relies on.
fn supported_by(s: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = s[from..].find("依托").map(|p| p + from) {
        from = p + "依托".len();
        let rest = &s[from..];
        let end = rest.find([',', '。', '、']).unwrap_or(rest.len());
        let name = &rest[..end];
        if ["实验室", "中心", "研究院", "平台"].iter().any(|x| name.ends_with(x))
            && name.chars().count() <= 20
            && name.starts_with("国家")
        {
            out.push((name.to_string(), from));
        }
    }
    out
}

//! Priority industries and their segments, district mappings (`重点区县(开发区)`, `重点布局:`)
//! and platforms listed in 专栏.
//!
//! Industries come from the heading tree when the plan has a section of directions
//! (`二、发展重点` → `(一)高成长未来产业` → `1.空天信息` → `1)新型卫星`), else from the
//! document's main enumeration of industries (`促进A、B、C等重点产业…`). Segments are sub-headings,
//! else the enumerations of a section (`重点培育X、Y等细分领域`, `聚焦X、Y等方向`), else the lead
//! sentences of its paragraphs (`巩固提升化学原料药优势。`). A 专栏 whose title names another
//! industry than its section (a section heading lost in export) opens that industry's section.

mod lists;
mod segments;

use super::Ctx;
use crate::doc::{LineKind, Scheme};
use crate::model::{DistrictMapping, Industry, Platform};
use lists::enumerations;
pub(crate) use lists::lists;

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
pub(crate) struct Section {
    pub(crate) name: String,
    pub(crate) group: String,
    /// Heading index, when the industry has its own heading.
    pub(crate) heading: Option<usize>,
    pub(crate) lines: (usize, usize),
    pub(crate) span: (usize, usize),
    /// A section whose heading was lost and is known from its 专栏 only.
    pub(crate) lost: bool,
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
        let segments = segments::segments_of(ctx, s);
        industries.push(Industry {
            name: s.name.clone(),
            group: s.group.clone(),
            segments,
            span: ctx.span(s.span.0, s.span.1),
        });
    }
    let (districts, platforms) = super::districts::districts_and_platforms(ctx, &sections);
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

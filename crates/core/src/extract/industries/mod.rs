//! Priority industries and their segments, district mappings (`重点区县(开发区)`, `重点布局:`)
//! and platforms listed in 专栏.
//!
//! Industries come from the heading tree when the plan has a section of directions
//! (`二、发展重点` → `(一)高成长未来产业` → `1.空天信息` → `1)新型卫星`), else from the
//! document's main enumeration of industries (`促进A、B、C等重点产业…`). Segments are sub-headings,
//! else the enumerations of a section (`重点培育X、Y等细分领域`, `聚焦X、Y等方向`), else the lead
//! sentences of its paragraphs (`巩固提升化学原料药优势。`). A 专栏 whose title names another
//! industry than its section (a section heading lost in export) opens that industry's section.

mod designated;
pub(crate) mod lists;
pub(crate) mod names;
mod segments;

use super::Ctx;
use crate::cues::IndustryCues;
use crate::doc::{LineKind, Scheme};
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::extract::text::TrimAll;
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
    /// The one field of a single-industry plan: its segments are read from the whole plan.
    pub(crate) field: bool,
    /// Segments read where the industry was found (its 专栏's items, the list its sentence names).
    pub(crate) preset: Option<Vec<String>>,
}

fn is_industry_list_title(t: &str) -> bool {
    LIST_CUES.iter().any(|c| t.has(c)) && !ACTION_TITLES.iter().any(|c| t.has(c))
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
    let icues = &ctx.dicts.cues.industries;
    for p in 0..doc.headings.len() {
        let hp = &doc.headings[p];
        if hp.scheme == Scheme::Box {
            continue;
        }
        let title = doc.title(p);
        let children = doc.children(Some(p));
        // Children named by what they do to an industry (`实施集成电路“强芯”工程`, `突破发展智能
        // 芯片`, `医养健康产业数字化转型`): the industry without the action.
        let normalized: Vec<Option<String>> =
            children.iter().map(|&c| names::industry_name(doc.title(c), icues)).collect();
        let child_names: Vec<Option<String>> = children
            .iter()
            .zip(&normalized)
            .map(|(&c, n)| n.clone().or_else(|| is_noun_title(doc.title(c)).then(|| doc.title(c).to_string())))
            .collect();
        let industry_children = children.len() >= 2
            && children.iter().all(|&c| doc.title(c).has("产业"))
            && child_names.iter().all(|n| n.as_ref().is_some_and(|n| n.ends_with("产业")));
        // A title whose children had to be read through their actions must itself name
        // industries as its object: `二、重点领域`, `核心产业“固链”行动`.
        let needs_strict = normalized.iter().any(Option::is_some);
        let list_title = if needs_strict {
            names::names_industries(title) || industry_children
        } else {
            is_industry_list_title(title)
        };
        if !(list_title || children.is_empty() && names::names_industries(title)) {
            continue;
        }
        if children.is_empty() {
            // `大力发展人工智能新兴产业。` followed by `智能软硬件。…` paragraphs.
            if !used.iter().any(|&u| u == p || is_ancestor(doc, u, p)) {
                let items = label_items(ctx, p);
                if items.len() >= 2 {
                    used.push(p);
                    sections.extend(items);
                }
            }
            continue;
        }
        if child_names.iter().any(Option::is_none) {
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
            let group_like = ct.has("产业") || ct.has("方向") || ct.has("领域") || ct.has("一批");
            if group_like && !grandchildren.is_empty() && grandchildren.iter().all(|&g| is_noun_title(doc.title(g))) {
                for &g in &grandchildren {
                    sections.push(section_of_heading(ctx, g, ct));
                }
            } else if group_like && grandchildren.is_empty() && (ct.has("领域") || ct.has("方向") || ct.has("一批"))
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
                        field: false,
                        preset: None,
                    });
                }
            } else if let Some(items) =
                names::is_generic_name(ct).then(|| slogan_items(ctx, c)).flatten().filter(|i| !i.is_empty())
            {
                // `巩固延伸特色产业。深入开展集成电路“强芯”工程,…`: a group of industries.
                sections.extend(items);
            } else {
                let k = children.iter().position(|&x| x == c).unwrap_or(0);
                let name = child_names[k].clone().unwrap_or_else(|| ct.to_string());
                if needs_strict && names::is_generic_name(&name) {
                    // `培育壮大数字产业新增长点。…推进集成电路产业跨越式发展`: the industries it names.
                    sections.extend(named_industries(ctx, c, ct));
                    continue;
                }
                let mut sec = section_of_heading(ctx, c, doc.title(p));
                sec.name = name;
                sections.push(sec);
            }
        }
    }
    if sections.is_empty() {
        sections = enumerated_industries(ctx);
    }
    if sections.is_empty() {
        sections = single_field(ctx).into_iter().collect();
    }
    if sections.is_empty() {
        sections = designated::designated(ctx);
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
                    field: false,
                    preset: None,
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

/// Industries of a section without sub-headings, each opening a paragraph as a run-in label
/// (`智能软硬件。开发…`) or as a numbered item naming an industry (`(1)打造世界级信息技术装备产业
/// 高地。`).
fn label_items(ctx: &Ctx, h: usize) -> Vec<Section> {
    let doc = ctx.doc;
    let hd = &doc.headings[h];
    let icues = &ctx.dicts.cues.industries;
    let mut out = Vec::new();
    for i in hd.line + 1..hd.end_line.min(doc.lines.len()) {
        if doc.lines[i].kind != LineKind::Text || doc.lines[i].in_box.is_some() {
            continue;
        }
        let l = &doc.lines[i];
        let t = &doc.text[l.cstart..l.cend];
        let Some(stop) = t.find('。') else { continue };
        let (label, offset, numbered) = match crate::doc::parse_marker(t) {
            Some(m) => (&t[m.len..stop], m.len, true),
            None => (&t[..stop], 0, false),
        };
        if label.contains([',', '、', ';', ':']) || label.chars().count() > 16 {
            continue;
        }
        let name = if numbered {
            names::industry_name(label, icues).filter(|n| n.ends_with("产业") && !names::is_generic_name(n))
        } else {
            Some(label.to_string()).filter(|n| names::is_industry_label(n, icues))
        };
        let Some(name) = name else { continue };
        // The section of a label runs to the next label.
        let end = (i + 1..hd.end_line.min(doc.lines.len()))
            .find(|&j| doc.lines[j].kind != LineKind::Blank && doc.line_text(j).find('。').is_some_and(|q| q <= 48))
            .unwrap_or(hd.end_line);
        out.push(Section {
            name,
            group: doc.title(h).to_string(),
            heading: None,
            lines: (i, end.max(i + 1)),
            span: (l.cstart + offset, l.cstart + stop),
            lost: false,
            field: false,
            preset: None,
        });
    }
    out
}

/// Industries a group heading's text launches by slogan: `深入开展集成电路“强芯”工程`.
fn slogan_items(ctx: &Ctx, h: usize) -> Option<Vec<Section>> {
    let doc = ctx.doc;
    let hd = &doc.headings[h];
    let start = hd.run_in?;
    let l = &doc.lines[hd.line];
    let text = &doc.text[start..l.cend];
    let icues = &ctx.dicts.cues.industries;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find('“').map(|p| p + from) {
        from = p + '“'.len_utf8();
        let Some(q) = text[from..].find('”').map(|q| q + from) else { break };
        let after = &text[q + '”'.len_utf8()..];
        if !(after.starts_with("工程") || after.starts_with("行动")) {
            continue;
        }
        let head = &text[..p];
        let begin =
            head.rfind(['。', ',', '、', ';']).map_or(0, |x| x + head[x..].chars().next().map_or(1, char::len_utf8));
        let raw = head[begin..].trim_start_all("深入开展").trim_start_all("开展").trim_start_all("实施");
        let name =
            names::industry_name(raw, icues).or_else(|| names::is_industry_label(raw, icues).then(|| raw.to_string()));
        if let Some(name) = name {
            if !out.iter().any(|s: &Section| s.name == name) {
                out.push(Section {
                    name,
                    group: doc.title(h).to_string(),
                    heading: None,
                    lines: (hd.line, hd.line + 1),
                    span: (start + begin, start + p),
                    lost: false,
                    field: false,
                    preset: None,
                });
            }
        }
    }
    Some(out)
}

/// Industries a generic heading's text sets out to develop: `推进集成电路产业跨越式发展`,
/// `推动卫星互联网、遥感等空天信息产业发展`.
fn named_industries(ctx: &Ctx, h: usize, group: &str) -> Vec<Section> {
    let doc = ctx.doc;
    let hd = &doc.headings[h];
    let Some(start) = hd.run_in else { return Vec::new() };
    let l = &doc.lines[hd.line];
    let text = &doc.text[start..l.cend];
    let mut out: Vec<Section> = Vec::new();
    let mut from = 0;
    while let Some(p) = text[from..].find_str("产业").map(|p| p + from) {
        from = p + "产业".len();
        let after = &text[from..];
        if !(after.starts_with("发展") || after.starts_with("跨越式发展") || after.starts_with("高质量发展"))
        {
            continue;
        }
        let head = &text[..p];
        let begin = head
            .rfind(['。', ',', '、', ';', '等'])
            .map_or(0, |x| x + head[x..].chars().next().map_or(1, char::len_utf8));
        let raw = ["推进", "推动", "发展", "培育", "壮大"].iter().fold(&head[begin..], |t, v| t.trim_start_all(v));
        let name = format!("{raw}产业");
        let n = raw.chars().count();
        if (2..=10).contains(&n)
            && raw.chars().all(crate::extract::text::is_cjk)
            && !names::is_generic_name(&name)
            && !out.iter().any(|s| s.name == name)
        {
            out.push(Section {
                name,
                group: group.to_string(),
                heading: None,
                lines: (hd.line, hd.line + 1),
                span: (start + begin, start + p),
                lost: false,
                field: false,
                preset: None,
            });
        }
    }
    out
}

/// A plan devoted to one industry (`山东省推动智能传感器产业发展行动计划`, `…促进人工智能产业发展,
/// 制订本行动计划。`): that field, named as the text names it less a generic `产业`.
fn single_field(ctx: &Ctx) -> Option<Section> {
    let doc = ctx.doc;
    let header_end = doc.headings.first().map_or(doc.lines.len().min(30), |h| h.line);
    let generic =
        ["新兴", "未来", "战略性新兴", "数字", "相关", "各类", "重点", "优势", "特色", "主导", "支柱", "传统"];
    let mut cands: Vec<(String, usize)> = Vec::new();
    for i in 0..header_end {
        let t = doc.line_text(i);
        let purpose = t.has("制定本") || t.has("制订本") || t.has("特制定") || t.has("特制订");
        let title_like =
            t.chars().count() <= 60 && !t.contains('。') && (t.ends_with("计划") || t.has("行动计划") || t.has("规划"));
        if !purpose && !title_like {
            continue;
        }
        for sent in t.split(['。', ',']) {
            let mut from = 0;
            while let Some(p) = sent[from..].find_str("产业").map(|p| p + from) {
                from = p + "产业".len();
                let head = &sent[..p];
                let begin = ["推动", "促进", "加快", "增强", "发展", "培育", "推进", "壮大"]
                    .iter()
                    .filter_map(|v| head.rfind(v).map(|x| x + v.len()))
                    .max();
                let Some(begin) = begin else { continue };
                let name = &head[begin..];
                let name = name.trim_start_all("新一代");
                // `加快食品科技创新赋能产业发展`: the field empowers industry, it is not one.
                let tails = &ctx.dicts.cues.industries.field_tails;
                let name = tails
                    .iter()
                    .find_map(|t| name.strip_suffix(t.as_str()).filter(|r| r.chars().count() >= 3))
                    .unwrap_or(name);
                let n = name.chars().count();
                if (2..=14).contains(&n)
                    && name.chars().all(crate::extract::text::is_cjk)
                    && !generic.contains(&name)
                    && !cands.iter().any(|(c, _)| c == name)
                {
                    cands.push((name.to_string(), doc.lines[i].cstart + begin));
                }
            }
        }
    }
    // The field the whole text speaks of most.
    let (name, at) = cands.into_iter().max_by_key(|(c, _)| doc.text.matches(c.as_str()).count())?;
    (doc.text.matches(name.as_str()).count() >= 3).then(|| Section {
        name,
        group: String::new(),
        heading: None,
        lines: (0, doc.lines.len()),
        span: (at, at),
        lost: false,
        field: true,
        preset: None,
    })
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
        field: false,
        preset: None,
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
    let heads = &ctx.dicts.cues.industries.list_heads;
    for i in 0..doc.lines.len() {
        if doc.lines[i].in_box.is_some() || ctx.background[i] {
            continue;
        }
        let l = &doc.lines[i];
        // Paragraphs, and the run-in text of headings (`(三)布局方向。…等未来产业领域`).
        let start = match doc.lines[i].kind {
            LineKind::Text => l.cstart,
            LineKind::Heading => {
                let h = doc.headings.partition_point(|h| h.line < i);
                match doc.headings.get(h).filter(|hd| hd.line == i).and_then(|hd| hd.run_in) {
                    Some(r) => r,
                    None => continue,
                }
            }
            _ => continue,
        };
        let s = &doc.text[start..l.cend];
        if !s.has("等") || !(s.has("产业") || s.has("领域")) {
            continue;
        }
        let mut found = Vec::new();
        for (items, classifier, pos, _) in ctx.enumerations(s).iter() {
            let pos = *pos;
            // `完善5G、集成电路等重点产业供应链体系`: the industries qualify what is worked on.
            if attributive_classifier(classifier, &ctx.dicts.cues.industries) {
                continue;
            }
            let head = heads.iter().find(|h| classifier.trim().starts_with(h.as_str()));
            let Some(group) = industry_classifier(classifier, &ctx.dicts.cues.industries)
                .or_else(|| head.map(|_| classifier.trim().to_string()))
            else {
                continue;
            };
            for item in items {
                found.push(Section {
                    name: item.clone(),
                    group: group.clone(),
                    heading: None,
                    lines: (i, i + 1),
                    span: (start + pos, start + pos),
                    lost: false,
                    field: false,
                    preset: None,
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

/// Nouns after `产业` that make a list's industries the attribute of something else: `…等重点产业
/// 集群`, `产业链`, `产业技术`, `产业供应链体系`.
fn attributive_classifier(c: &str, cues: &IndustryCues) -> bool {
    c.find_str("产业")
        .is_some_and(|p| cues.attributive_heads.iter().any(|h| c[p + "产业".len()..].starts_with(h.as_str())))
}

fn industry_classifier(c: &str, cues: &IndustryCues) -> Option<String> {
    let p = c.find_str("产业")?;
    let head = &c[..p + "产业".len()];
    if attributive_classifier(c, cues) {
        return None;
    }
    let quals = ["重点", "支柱", "主导", "优势", "未来", "先导", "新兴", "特色"];
    (head.chars().count() >= 4 && head.chars().count() <= 8 && quals.iter().any(|q| head.has(q)))
        .then(|| head.to_string())
}

#[cfg(test)]
mod tests {
    fn industries(text: &str) -> Vec<String> {
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        plan.industries.into_iter().map(|i| i.name).collect()
    }

    /// The attributive heads are data (`data/cues.toml`, `[industries] attributive_heads`): a
    /// noun a user adds in `--data DIR` makes a list attributive as the built-in ones do.
    #[test]
    fn attributive_heads_a_user_adds_are_read_as_the_built_in_ones() {
        let dicts = crate::dict::with_user_cues("[industries]\nattributive_heads = [\"园区\"]\n");
        let cues = &dicts.cues.industries;
        assert!(super::attributive_classifier("重点产业园区", cues));
        assert!(!super::attributive_classifier("重点产业园区", &crate::Dictionaries::builtin().cues.industries));
        // The built-in heads stay.
        assert!(super::attributive_classifier("重点产业集群", cues));
        assert!(!super::attributive_classifier("重点产业", cues));
    }

    #[test]
    fn industries_that_qualify_a_supply_chain_are_no_list_of_industries() {
        let main = "一、重点任务\n(一)壮大产业\n促进海洋装备、生物医药、新材料等重点产业发展。\n";
        assert_eq!(industries(main), ["海洋装备", "生物医药", "新材料"]);
        // Hostile: the same kind of list, but what is worked on is the industries' supply chains.
        let passing = "一、重点任务\n(一)提升竞争力\n完善海洋装备、生物医药、新材料等重点产业供应链体系。\n";
        assert!(industries(passing).is_empty(), "{:?}", industries(passing));
    }

    #[test]
    fn a_field_that_empowers_industry_is_named_without_the_empowering() {
        let text = "某市加快海洋科技创新赋能产业发展行动方案\n为加快海洋科技创新赋能产业发展,特制定本方案。\n一、总体要求\n海洋科技是新质生产力的重要方向。\n二、重点任务\n(一)强化海洋科技攻关\n支持海洋科技企业发展。\n(二)推广应用\n开展海洋科技示范。\n";
        assert_eq!(industries(text), ["海洋科技"]);
        // Hostile: nothing but the empowering is left: no field named `创新`.
        let text = "某市加快创新赋能产业发展行动方案\n为加快创新赋能产业发展,特制定本方案。\n一、总体要求\n创新是第一动力,创新赋能产业。\n二、重点任务\n(一)强化创新\n支持创新。\n";
        assert!(!industries(text).iter().any(|n| n == "创新"), "{:?}", industries(text));
    }
}

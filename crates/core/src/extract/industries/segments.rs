//! Segments of an industry: sub-headings, direction lists, lead sentences, products, 专栏 items.

use super::lists::lists_with_lead;
use super::{Ctx, Section};
use crate::doc::{parse_marker, LineKind, Scheme};
use crate::extract::text::is_cjk;
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::extract::text::TrimAll;

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

pub(crate) fn segments_of(ctx: &Ctx, s: &Section) -> Vec<String> {
    let doc = ctx.doc;
    if let Some(p) = &s.preset {
        return p.clone();
    }
    if s.field {
        return field_segments(ctx, &s.name);
    }
    if let Some(h) = s.heading {
        let kids = doc.children(Some(h));
        if !kids.is_empty() {
            // Sub-headings that are sentences (`1.支持高水平建设…,加快…`) or dated steps
            // (`2024年启动…试点`) are tasks, not segments.
            return kids
                .iter()
                .map(|&k| doc.title(k).to_string())
                .filter(|t| t.chars().count() <= 20 && !t.contains(',') && !states_a_date(t))
                .collect();
        }
    } else if s.lost {
        // Read like a section with a heading.
    } else if s.lines.1 - s.lines.0 > 50 {
        // An enumerated industry: items of the chapter's 专栏 titled with its name.
        return box_items_for(ctx, s);
    } else {
        // An industry named in its group's text: the sentence `X领域重点突破A、B等…`.
        let named = named_sentence_segments(ctx, s);
        return if named.is_empty() { label_section_segments(ctx, s) } else { named };
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
            for (items, classifier, _, lead) in ctx.enumerations(text).iter() {
                let c = classifier.trim();
                if DIRECTION_LEADS.contains(lead) && DIRECTION_CLASSIFIERS.iter().any(|k| c.starts_with(k)) {
                    for it in items {
                        push(it.clone(), &mut segs);
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
    if segs.is_empty() {
        segs = label_section_segments(ctx, s);
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
        if np.ends_with("产品") || np.has("发展") || np.has("产业链") || np.has("集群") {
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
        for (items, classifier, _, lead) in ctx.enumerations(text).iter() {
            if *lead == "积极发展" && classifier.ends_with("产品") {
                for it in items {
                    push(it.clone(), &mut segs);
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

/// A title that names a year (`2024年启动…`, `0403年底前建设…`): a step of a task, never a
/// direction of an industry (a figure alone is no date: `6G` is a direction).
fn states_a_date(title: &str) -> bool {
    title.match_indices('年').any(|(p, _)| title[..p].ends_with(|c: char| c.is_ascii_digit()))
}

/// `中远期重点培育先进核能细分领域` → 先进核能.
fn single_directions(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split([',', ';', '。']) {
        for lead in ["重点培育", "重点发展"] {
            if let Some(p) = crate::extract::text::find_str(part, lead) {
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
            if let Some(q) = sent.find_str("探索发展") {
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
    while let Some(p) = s[from..].find_str("为主攻方向").map(|p| p + from) {
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
        if let Some(p) = part.find_str("方面,") {
            let head = &part[..p];
            if head.chars().count() <= 8 && head.chars().all(is_cjk) {
                out.push(head.to_string());
            }
        }
        if let Some(p) = part.find_str("探索发展") {
            let rest = &part[p + "探索发展".len()..];
            if let Some(q) = rest.find_str("产业") {
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
    t.trim_start_all("国家").to_string()
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

/// Segments of a single-industry plan: the product lines or sub-fields it lists as headed items
/// — sub-headings, numbered items and run-in labels anywhere in the plan (专栏 included) —
/// that share the field's head noun (`智能传感器` → 声学传感器, 压力传感器; `智能检测装备` →
/// 攻克一批前沿智能检测装备 → 前沿智能检测装备).
fn field_segments(ctx: &Ctx, field: &str) -> Vec<String> {
    let doc = ctx.doc;
    let icues = &ctx.dicts.cues.industries;
    // The head noun: the longest ending of the field of at least two characters (`传感器`).
    let chars: Vec<char> = field.chars().collect();
    let heads: Vec<String> = (2..chars.len()).rev().map(|k| chars[chars.len() - k..].iter().collect()).collect();
    let mut labels: Vec<String> = Vec::new();
    for i in 0..doc.lines.len() {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        let t = doc.line_text(i);
        let t = match parse_marker(t) {
            Some(m) if m.scheme != Scheme::Box => &t[m.len..],
            _ => t,
        };
        let label = t.split('。').next().unwrap_or("").trim();
        if label.chars().count() > 24 || label.contains([',', '、', ';', ':']) {
            continue;
        }
        // `攻克一批前沿智能检测装备` → 前沿智能检测装备.
        let label = match label.find_str("一批") {
            Some(p) => &label[p + "一批".len()..],
            None => label,
        };
        let name = super::names::industry_name(label, icues)
            .or_else(|| super::names::is_industry_label(label, icues).then(|| label.to_string()));
        let Some(name) = name else { continue };
        // The field's own words (`仪器仪表` of `传感器及智能化仪器仪表`) name the field, not a part.
        if !field.contains(name.as_str()) && !labels.contains(&name) {
            labels.push(name);
        }
    }
    // The head the most labels share.
    let best = heads
        .iter()
        .map(|h| (h, labels.iter().filter(|l| l.ends_with(h.as_str())).count()))
        .filter(|(_, n)| *n >= 2)
        .max_by_key(|(h, n)| (*n, h.chars().count()));
    if let Some((h, _)) = best {
        return labels.into_iter().filter(|l| l.ends_with(h.as_str())).collect();
    }
    // Else the sections that list the field's products as sub-headings: `二、培育智能产品` →
    // `(一)智能网联汽车` … — groups of at least three sub-headings, most of them plain names.
    let mut out = Vec::new();
    for p in 0..doc.headings.len() {
        if doc.headings[p].scheme == Scheme::Box {
            continue;
        }
        let kids: Vec<usize> =
            doc.children(Some(p)).into_iter().filter(|&k| doc.headings[k].scheme != Scheme::Box).collect();
        let named = kids
            .iter()
            .filter(|&&k| super::names::is_industry_label(doc.title(k), icues) && !is_structure_title(doc.title(k)))
            .count();
        // In a group of product lines, the foundations listed with them count too (`开源开放平台`
        // beside `智能传感器`, `神经网络芯片`).
        let names: Vec<String> = kids
            .iter()
            .map(|&k| doc.title(k))
            .filter(|t| super::names::is_noun_label(t, icues) && !is_structure_title(t))
            .map(str::to_string)
            .collect();
        // A group that names the field itself (a glossary: `1.传感器 … 4.人工智能`) lists no parts of it.
        let own = names.iter().any(|n| field.contains(n.as_str()));
        if kids.len() >= 3 && named * 3 >= kids.len() * 2 && !own {
            out.extend(names);
        }
    }
    if out.is_empty() {
        out = goal_directions(ctx, field);
    }
    out
}

/// The directions a single-field plan's goals passage lists for the field's own industry:
/// `全面提升食品行业的生物制造、全链智能、精准营养等创新能级` (field 食品科技) → the three; only in the
/// first top-level section when it states the goals or requirements.
fn goal_directions(ctx: &Ctx, field: &str) -> Vec<String> {
    let doc = ctx.doc;
    let Some(&top) = doc.children(None).iter().find(|&&h| doc.headings[h].scheme != Scheme::Box) else {
        return Vec::new();
    };
    let t = doc.title(top);
    if !["目标", "总体要求", "总体思路"].iter().any(|w| t.has(w)) {
        return Vec::new();
    }
    let hd = &doc.headings[top];
    for i in hd.line + 1..hd.end_line.min(doc.lines.len()) {
        if doc.lines[i].kind != LineKind::Text {
            continue;
        }
        let s = doc.line_text(i);
        for (items, _, pos, _) in ctx.enumerations(s).iter() {
            let Some(q) = items.first().and_then(|f| s[*pos..].find(f.as_str())) else { continue };
            let prefix = &s[*pos..*pos + q];
            let Some(owner) = prefix.strip_suffix("行业的").or_else(|| prefix.strip_suffix("产业的")) else {
                continue;
            };
            // The industry is the field's own: its last two characters are words of the field.
            let tail: String = owner.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
            if tail.chars().count() == 2
                && field.contains(tail.as_str())
                && items.len() >= 3
                && items.iter().all(|x| (2..=8).contains(&x.chars().count()) && x.chars().all(is_cjk))
            {
                return items.clone();
            }
        }
    }
    Vec::new()
}

/// Titles of a plan's own structure, not of what it develops: `指导思想`, `基本原则`, `发展目标`.
fn is_structure_title(t: &str) -> bool {
    [
        "思想", "原则", "目标", "要求", "思路", "意义", "形势", "基础", "现状", "保障", "措施", "领导", "机制", "宣传",
        "引导", "评估",
    ]
    .iter()
    .any(|w| t.ends_with(w))
}

/// Segments of an industry introduced by a run-in label (`(2)打造国内一流的软件产业集群。…打造
/// 大数据、信息安全、区块链等特色产业集群`): the enumerations of its paragraph whose head is a
/// cluster, field or direction of the industry.
fn label_section_segments(ctx: &Ctx, s: &Section) -> Vec<String> {
    let doc = ctx.doc;
    let stem = s.name.trim_end_all("产业");
    let mut out: Vec<String> = Vec::new();
    for i in s.lines.0..s.lines.1.min(doc.lines.len()) {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) {
            continue;
        }
        for (items, classifier, _, _) in ctx.enumerations(doc.line_text(i)).iter() {
            let c = classifier.trim();
            let fits = s.name.ends_with("产业")
                && (c.contains(stem) || ["特色产业集群", "产业集群", "细分领域"].iter().any(|k| c.starts_with(k)));
            if fits {
                for it in items {
                    if it.chars().count() <= 16 && !out.contains(it) {
                        out.push(it.clone());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::states_a_date;

    /// A group of product lines keeps the foundation listed with them; a group mostly of systems
    /// and platforms is no list of product lines.
    #[test]
    fn a_platform_listed_among_product_lines_is_a_segment() {
        let head = "某省推动海洋装备产业发展行动计划\n为推动海洋装备产业发展,特制定本计划。海洋装备是重点。\n";
        let text = format!("{head}一、培育海洋产品\n(一)水下机器人\n研制水下机器人,提升性能。\n(二)深海潜水器\n研制深海潜水器,提升性能。\n(三)海洋数据平台\n建设数据平台,汇聚数据。\n");
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        assert_eq!(plan.industries[0].name, "海洋装备");
        assert_eq!(plan.industries[0].segments, ["水下机器人", "深海潜水器", "海洋数据平台"]);
        // Hostile: platforms and systems for the most part.
        let text = format!("{head}一、构建支撑体系\n(一)水下机器人\n研制水下机器人,提升性能。\n(二)海洋数据平台\n建设数据平台,汇聚数据。\n(三)海洋安全保障体系\n健全保障体系,防范风险。\n");
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        assert!(plan.industries[0].segments.is_empty(), "{:?}", plan.industries[0].segments);
    }

    /// The goals passage names the directions of the field's own industry; a list about another
    /// industry is not the field's.
    #[test]
    fn a_goals_list_of_the_fields_industry_gives_its_directions() {
        let plan = |body: &str| {
            let text = format!("某市加快海洋科技创新赋能产业发展行动方案\n为加快海洋科技创新赋能产业发展,特制定本方案。\n一、工作目标\n{body}\n二、加快海洋科技研发\n支持海洋科技企业发展,开展海洋科技示范。\n");
            crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap()
        };
        let p = plan("坚持创新驱动,全面提升海洋行业的深海探测、智能养殖、海水淡化等创新能级。");
        assert_eq!(p.industries[0].name, "海洋科技");
        assert_eq!(p.industries[0].segments, ["深海探测", "智能养殖", "海水淡化"]);
        // Hostile: the list belongs to another industry.
        let p = plan("坚持创新驱动,全面提升物流行业的仓储管理、冷链运输、末端配送等服务能级。");
        assert!(p.industries[0].segments.is_empty(), "{:?}", p.industries[0].segments);
    }

    /// A single-field plan's segments are its parts, not the words of its own name.
    #[test]
    fn a_field_is_not_its_own_segment() {
        let segments = |text: &str| {
            let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
            assert_eq!(plan.industries.len(), 1);
            assert_eq!(plan.industries[0].name, "海洋传感器及智能化浮标");
            plan.industries[0].segments.clone()
        };
        let head = "某省推动海洋传感器及智能化浮标产业发展行动计划\n为推动海洋传感器及智能化浮标产业发展,特制定本计划。\n一、主要任务\n";
        let parts = "(一)波浪浮标\n研制海洋传感器及智能化浮标所需的波浪浮标。\n(二)气象浮标\n研制气象浮标,提升观测能力。\n(三)智能化浮标\n推广海洋传感器及智能化浮标应用。\n";
        assert_eq!(segments(&format!("{head}{parts}")), ["波浪浮标", "气象浮标"]);
        // Hostile: a glossary that defines the field's words among others lists no parts.
        let glossary = "(一)加强研发\n研制海洋传感器及智能化浮标。\n(二)推广应用\n推广海洋传感器及智能化浮标应用。\n二、相关术语\n(一)海洋传感器\n指测量海洋要素的器件。\n(二)智能化浮标\n指带有处理能力的浮标。\n(三)人工智能\n指机器模拟智能的技术。\n";
        assert!(segments(&format!("{head}{glossary}")).is_empty());
    }

    #[test]
    fn dated_sub_headings_are_steps_not_segments() {
        let text = "一、总体目标\n加快推进服务业数字化转型。\n二、开展生活性服务业数字提升行动\n(一)医养健康产业数字化转型\n1.支持高水平建设健康医疗大数据中心,推进数据共享。\n2.2024年启动智慧健康养老应用试点活动。2025年底前建设完成平台,做好对接。\n(二)电子商务产业数字化转型\n1.鼓励线上平台与实体商业深度合作,引导消费。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let segments: Vec<(&str, Vec<&str>)> = plan
            .industries
            .iter()
            .map(|i| (i.name.as_str(), i.segments.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(segments[0], ("医养健康产业", vec![]));
        assert!(states_a_date("0403年底前建设完成省级养老服务管理平台"));
        assert!(!states_a_date("智慧健康养老"));
        assert!(!states_a_date("6G"));
    }
}

//! Industries a plan designates in the text of one section, when no heading tree or list names
//! them:
//! - a section whose opening sentence sets out to grow a kind of industries (`培育发展智能制造
//!   新兴产业`) and whose paragraphs each open with `verb + industry。` (`大力发展智能制造装备。`),
//!   each followed by a 专栏 whose numbered items are the industry's segments (`01 通用智能制造装备`);
//! - an item titled as the plan's future or emerging industries (`17.建设未来产业集聚区。`) whose
//!   text names them: `聚焦X细分领域` → X; `聚焦A、B等领域,打造X产业生态` → X with segments A, B.

use super::names::{is_generic_name, TASK_ENDINGS};
use super::{Ctx, Section};
use crate::cues::IndustryCues;
use crate::doc::{parse_marker, LineKind, Scheme};
use crate::extract::text::is_cjk;
use crate::extract::text::FindStr;
use crate::extract::text::Has;

// The word lists of these rules (kinds of industries, their verbs, designating titles) are in
// `data/cues.toml`, `[industries]`.

pub(crate) fn designated(ctx: &Ctx) -> Vec<Section> {
    let out = grouped_leads(ctx);
    if !out.is_empty() {
        return out;
    }
    designating_items(ctx)
}

/// `培育发展智能制造新兴产业` in `s` → `智能制造新兴产业`.
fn group_phrase(s: &str, cues: &IndustryCues) -> Option<String> {
    for end in &cues.group_ends {
        let Some(p) = s.find(end.as_str()) else { continue };
        let head = &s[..p];
        let Some((v, at)) =
            cues.group_verbs.iter().filter_map(|v| head.rfind(v.as_str()).map(|a| (v.as_str(), a))).max_by_key(|x| x.1)
        else {
            continue;
        };
        let name = &head[at + v.len()..];
        if (2..=10).contains(&name.chars().count()) && name.chars().all(is_cjk) {
            return Some(format!("{name}{end}"));
        }
    }
    None
}

/// `大力发展智能制造装备` → 智能制造装备, `聚力研发工业软件产品` → 工业软件: a lead that opens
/// with a verb and names a field, not a task.
fn lead_industry(lead: &str, ctx: &Ctx) -> Option<String> {
    let verbs = &ctx.dicts.cues.industries.development_verbs;
    let mut t = lead;
    let mut stripped = false;
    loop {
        let before = t;
        for v in verbs.iter().chain(&ctx.dicts.cues.industries.field_verbs).map(String::as_str) {
            if let Some(rest) = t.strip_prefix(v) {
                if rest.chars().count() >= 2 {
                    t = rest;
                    stripped = true;
                }
            }
        }
        if t == before {
            break;
        }
    }
    let t = t.strip_suffix("产品").filter(|r| r.chars().count() >= 2).unwrap_or(t);
    let n = t.chars().count();
    (stripped
        && (2..=10).contains(&n)
        && t.chars().all(is_cjk)
        && !t.ends_with('等')
        && !TASK_ENDINGS.iter().any(|w| t.ends_with(w)))
    .then(|| t.to_string())
}

/// The numbered items of a 专栏 (`01 基础零部件和装置`, `1.X`): short titles without punctuation.
fn box_item_titles(ctx: &Ctx, b: usize) -> Vec<String> {
    let doc = ctx.doc;
    let bx = &doc.boxes[b];
    let mut out = Vec::new();
    for i in bx.first_line..bx.end_line.min(doc.lines.len()) {
        let t = doc.line_text(i);
        let rest = match parse_marker(t) {
            Some(m) if matches!(m.scheme, Scheme::NumDot | Scheme::NumComma) => &t[m.len..],
            Some(_) => continue,
            None => {
                // `01 基础零部件和装置` (the space is gone in the normalised text).
                let digits = t.bytes().take_while(u8::is_ascii_digit).count();
                if digits != 2 || !t[digits..].trim_start().starts_with(is_cjk) {
                    continue;
                }
                &t[digits..]
            }
        };
        let title = rest.trim();
        let n = title.chars().count();
        if (2..=16).contains(&n) && title.chars().all(|c| is_cjk(c) || c.is_ascii_alphanumeric()) {
            out.push(title.to_string());
        }
    }
    out
}

/// Sections whose opening sentence names a kind of industries to grow and whose paragraphs
/// open with `verb + industry。`.
fn grouped_leads(ctx: &Ctx) -> Vec<Section> {
    let doc = ctx.doc;
    for (p, hd) in doc.headings.iter().enumerate() {
        if hd.scheme == Scheme::Box || !doc.children(Some(p)).is_empty() || hd.line + 1 >= hd.end_line {
            continue;
        }
        let end = hd.end_line.min(doc.lines.len());
        let from = doc.lines[hd.line + 1].start;
        let to = doc.lines[end - 1].end;
        let body = &doc.text[from..to];
        let Some(stop) = body.find('。') else { continue };
        let Some(group) = group_phrase(&body[..stop], &ctx.dicts.cues.industries) else { continue };
        // Lead positions: a paragraph's start, or a paragraph glued after `。 ` by the crawl.
        let mut leads: Vec<(usize, usize, String)> = Vec::new();
        for i in hd.line + 1..end {
            if doc.lines[i].kind != LineKind::Text {
                continue;
            }
            let l = &doc.lines[i];
            let t = &doc.text[l.cstart..l.cend];
            // Inside a 专栏 only a glued paragraph opens a lead (its own lines are items).
            let mut starts = if l.in_box.is_none() { vec![0] } else { Vec::new() };
            starts.extend(
                t.match_indices("。")
                    .map(|(q, _)| q + '。'.len_utf8())
                    .filter(|&q| t[q..].starts_with([' ', '\u{3000}'])),
            );
            for s in starts {
                let seg = t[s..].trim_start_matches([' ', '\u{3000}']);
                let off = l.cstart + t.len() - seg.len();
                let Some(q) = seg.find('。') else { continue };
                if let Some(name) = lead_industry(&seg[..q], ctx) {
                    if off >= from + stop && !leads.iter().any(|x| x.2 == name) {
                        leads.push((i, off, name));
                    }
                }
            }
        }
        if leads.len() < 2 {
            continue;
        }
        let mut out = Vec::new();
        for (k, (line, at, name)) in leads.iter().enumerate() {
            let next = leads.get(k + 1).map_or(to, |x| x.1);
            // The 专栏 that opens between this lead and the next one holds the segments.
            let segments = doc
                .boxes
                .iter()
                .position(|b| {
                    let s = doc.lines[doc.headings[b.heading].line].start;
                    s > *at && s < next
                })
                .map(|b| box_item_titles(ctx, b))
                .unwrap_or_default();
            out.push(Section {
                name: name.clone(),
                group: group.clone(),
                heading: None,
                lines: (*line, *line + 1),
                span: (*at, *at),
                lost: false,
                field: false,
                preset: Some(segments),
            });
        }
        return out;
    }
    Vec::new()
}

/// Items titled as the plan's future industries whose text designates them.
fn designating_items(ctx: &Ctx) -> Vec<Section> {
    let doc = ctx.doc;
    let mut out: Vec<Section> = Vec::new();
    for hd in &doc.headings {
        let Some(run) = hd.run_in else { continue };
        let title = &doc.text[hd.title_range.0..hd.title_range.1];
        if hd.scheme == Scheme::Box || !ctx.dicts.cues.industries.designating_titles.iter().any(|w| title.has(w)) {
            continue;
        }
        let l = &doc.lines[hd.line];
        let text = &doc.text[run..l.cend];
        let mut push = |name: &str, segments: Vec<String>, at: usize| {
            let n = name.chars().count();
            if (2..=10).contains(&n)
                && name.chars().all(is_cjk)
                && !is_generic_name(name)
                && !out.iter().any(|s| s.name == name)
            {
                out.push(Section {
                    name: name.to_string(),
                    group: title.to_string(),
                    heading: None,
                    lines: (hd.line, hd.line + 1),
                    span: (run + at, run + at),
                    lost: false,
                    field: false,
                    preset: Some(segments),
                });
            }
        };
        let mut pos = 0;
        for sent in text.split('。') {
            let clauses: Vec<&str> = sent.split([',', ';']).collect();
            let mut cpos = pos;
            for (k, c) in clauses.iter().enumerate() {
                let body = ["聚焦", "重点发展", "重点培育"].iter().find_map(|v| c.strip_prefix(v));
                if let Some(body) = body {
                    if let Some(x) = body.strip_suffix("细分领域") {
                        // `聚焦类脑智能细分领域`.
                        if !x.contains('、') {
                            push(x, Vec::new(), cpos);
                        }
                    } else if let Some(list) = body.strip_suffix("等领域").or_else(|| body.strip_suffix("等方向"))
                    {
                        // `聚焦A、B等领域,打造X产业生态`: X, with A and B.
                        let items: Vec<String> = list.split('、').map(str::to_string).collect();
                        let next = clauses.get(k + 1).copied().unwrap_or("");
                        let object = ["打造", "培育", "构建", "壮大"].iter().find_map(|v| next.strip_prefix(v));
                        if let Some(x) = object.and_then(|o| o.find_str("产业").map(|q| &o[..q])) {
                            if items.len() >= 2 && items.iter().all(|i| (2..=10).contains(&i.chars().count())) {
                                push(x, items, cpos);
                            }
                        }
                    }
                }
                cpos += c.len() + 1;
            }
            pos += sent.len() + '。'.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    fn industries(text: &str) -> Vec<(String, String, Vec<String>)> {
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        plan.industries.into_iter().map(|i| (i.name, i.group, i.segments)).collect()
    }

    #[test]
    fn paragraph_leads_under_a_kind_of_industries_with_their_boxes() {
        let text = "一、总体要求\n(一)指导思想\n坚持创新驱动。\n二、重点任务\n(一)夯实基础\n加强标准建设。\n(二)壮大供给体系\n依托市场优势,加快发展设备和平台,\n培育发展海洋装备新兴产业,提升供给水平。\n大力发展水下机器人。突破一批关键部件。\n专栏 1 水下机器人推广行动\n01 观测型机器人\n研发长航时观测型机器人等。\n02 作业型机器人\n研发深海作业型机器人等。 着力打造海洋传感器。推动传感器\n研发与应用。\n专栏 2 海洋传感器提升行动\n01 水质传感器\n开发多参数水质传感器。\n三、保障措施\n(一)加强组织领导\n各部门要加强协调。\n";
        let got = industries(text);
        let names: Vec<&str> = got.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["水下机器人", "海洋传感器"]);
        assert_eq!(got[0].1, "海洋装备新兴产业");
        assert_eq!(got[0].2, ["观测型机器人", "作业型机器人"]);
        assert_eq!(got[1].2, ["水质传感器"]);
    }

    #[test]
    fn leads_without_a_kind_of_industries_are_tasks() {
        // Hostile: verb-led paragraph leads, but the section sets out no industries to grow.
        let text = "一、重点任务\n(一)完善支撑体系\n依托市场优势,健全标准和计量体系。\n大力发展检测服务。推进检测能力建设。\n着力打造公共平台。推动平台共享。\n二、保障措施\n(一)加强组织领导\n各部门要加强协调。\n";
        assert!(industries(text).is_empty(), "{:?}", industries(text));
    }

    #[test]
    fn an_item_titled_as_future_industries_names_them() {
        let text = "一、重点任务\n1.提升创新能力。支持企业建设研发中心。\n2.建设未来产业集聚区。聚焦量子通信细分领域,建设量子通信产业园。聚焦海洋牧场、深远海养殖等领域,打造未来海洋产业生态。\n3.优化营商环境。聚焦审批服务、政务公开等领域,打造一流营商环境。\n";
        let got = industries(text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "量子通信");
        assert!(got[0].2.is_empty());
        assert_eq!(got[1].0, "未来海洋");
        assert_eq!(got[1].2, ["海洋牧场", "深远海养殖"]);
    }
}

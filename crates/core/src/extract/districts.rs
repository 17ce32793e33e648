//! District mappings: which places a subject (industry, carrier) is assigned to — labelled rows
//! of 专栏 tables (`重点区县(开发区)`), `〔重点布局:…〕` in the text — and, walking the same
//! 专栏 rows, the platforms they list.

use super::industries::Section;
use super::platforms::{facility_names, supported_by};
use super::text::split_names;
use super::Ctx;
use crate::doc::{parse_marker, LineKind};
use crate::model::{DistrictMapping, Platform};

pub(crate) fn districts_and_platforms(ctx: &Ctx, sections: &[Section]) -> (Vec<DistrictMapping>, Vec<Platform>) {
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

pub(crate) fn mapping(ctx: &Ctx, subject: &str, names: Vec<String>, a: usize, b: usize) -> DistrictMapping {
    let canonical = names
        .iter()
        .map(|n| ctx.dicts.place(n, ctx.region.as_deref()).map_or_else(|| n.clone(), |p| p.name.clone()))
        .collect();
    DistrictMapping { subject: subject.to_string(), districts: names, canonical, span: ctx.span(a, b) }
}

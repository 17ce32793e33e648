//! District mappings: which places a subject (industry, carrier) is assigned to — labelled rows
//! of 专栏 tables (`重点区县(开发区)`), `〔重点布局:…〕` in the text — and, walking the same
//! 专栏 rows, the platforms they list.

use super::industries::Section;
use super::platforms::{facility_names, run_in_facility, supported_by};
use super::text::{find_lit, split_names};
use super::Ctx;
use crate::doc::{parse_marker, LineKind};
use crate::extract::text::FindStr;
use crate::extract::text::Has;
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
            if label.has("区县") || label.has("布局") || label.has("区域") || label.has("承载") {
                let names = split_names(t, true);
                if !names.is_empty() {
                    districts.push(mapping(ctx, &subject, names, l.cstart, l.cend));
                }
            } else if label.has("平台") {
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
                let facility_box = ["设施", "平台", "载体", "实验室", "基地"].iter().any(|w| title.has(w));
                // `专栏3 基础支撑平台` / `1.人工智能开源软硬件基础平台。建立…`: a numbered item
                // whose run-in title names a facility is a platform; its body describes it.
                let run_in = title.has("平台").then(|| run_in_facility(t)).flatten();
                if let Some((name, a)) = run_in {
                    let a = l.cstart + a;
                    platforms.push(Platform {
                        name: name.to_string(),
                        subject: title.to_string(),
                        span: ctx.span(a, a + name.len()),
                    });
                } else if facility_box {
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
        // Every key holds `:` and `重点` or `布局`: most lines are passed over by SIMD searches
        // instead of a Two-Way searcher built per key.
        if memchr::memchr(b':', t.as_bytes()).is_none()
            || (find_lit!(t, "重点").is_none() && find_lit!(t, "布局").is_none())
        {
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
    // 3. Running-text assignments in sections the plan titles as its layout.
    districts.extend(layout_mappings(ctx));
    (districts, platforms)
}

/// Whether heading `h` titles a spatial or industrial layout (`三、产业布局`, `(二)聚力优化产业
/// 发展布局`), or opens with one (`16.打造产业集聚区。构建“3+1”食品科技产业空间布局。`).
fn is_layout(ctx: &Ctx, h: usize) -> bool {
    let doc = ctx.doc;
    let t = doc.title(h);
    if t.ends_with("布局") || t.has("空间布局") || t.has("产业布局") || t.has("区域布局") {
        return true;
    }
    let hd = &doc.headings[h];
    hd.run_in.is_some_and(|r| {
        let l = &doc.lines[hd.line];
        let first = doc.text[r..l.cend].split('。').next().unwrap_or("");
        first.has("空间布局") || first.has("产业布局")
    })
}

/// The place a text starts with (`济南市软件产业…` → 济南市), by the place dictionary: its length
/// in bytes and the place as written.
fn place_at<'t>(ctx: &Ctx, t: &'t str) -> Option<&'t str> {
    let mut best = None;
    for (k, c) in t.char_indices().take(8) {
        let end = k + c.len_utf8();
        let cand = &t[..end];
        if cand.chars().count() >= 2 && ctx.dicts.place(cand, ctx.region.as_deref()).is_some() {
            best = Some(cand);
        }
    }
    best
}

/// Places of a list written in running text (`松江区、奉贤区`); `None` unless every item is a
/// known place.
fn place_list(ctx: &Ctx, s: &str) -> Option<Vec<String>> {
    let names = split_names(s, true);
    (!names.is_empty() && names.iter().all(|n| ctx.dicts.place(n, ctx.region.as_deref()).is_some())).then_some(names)
}

/// Evaluative modifiers dropped from a carrier's name: `国内领先的声学智能传感谷` → 声学智能传感谷.
fn without_evaluation(s: &str) -> &str {
    let Some(p) = s.find('的') else { return s };
    let head = &s[..p];
    let evaluative = ["领先", "一流", "知名", "高水平", "影响力", "竞争力", "先进"].iter().any(|w| head.ends_with(w));
    if evaluative {
        &s[p + '的'.len_utf8()..]
    } else {
        s
    }
}

/// Verbs before a subject the layout assigns; the subject is what follows them.
const ASSIGN_VERBS: &[&str] = &[
    "集中力量",
    "打造形成",
    "深化建设",
    "加快建设",
    "积极布局",
    "创新培育",
    "巩固扩大",
    "做大做强",
    "做强",
    "打造",
    "建设",
    "培育",
    "布局",
    "发展",
    "推动",
    "建成",
    "形成",
    "壮大",
    "提升",
];
/// Predicates after a subject: `软件产业提档升级` → 软件产业.
const SUBJECT_TAILS: &[&str] = &["提档升级", "转型升级", "集聚发展", "发展", "建设", "升级"];

/// The subjects a clause names: the items of an enumeration (`培育特色半导体、先进计算等重点产业链`)
/// or the object of its verb (`做强集成电路产业`, `打造国内领先的声学智能传感谷`).
fn clause_subjects(clause: &str) -> Vec<String> {
    let mut t = clause.trim();
    loop {
        let before = t;
        for v in ASSIGN_VERBS {
            t = t.strip_prefix(v).unwrap_or(t);
        }
        if t == before {
            break;
        }
    }
    if let Some(p) = t.find('等') {
        let items = split_names(&t[..p], false);
        if items.len() >= 2 && items.iter().all(|i| (2..=12).contains(&i.chars().count())) {
            return items;
        }
    }
    let mut t = without_evaluation(t);
    for tail in SUBJECT_TAILS {
        if let Some(r) = t.strip_suffix(tail) {
            t = r;
            break;
        }
    }
    let n = t.chars().count();
    if (2..=24).contains(&n) && !t.contains(['、', '“']) && t.chars().next().is_some_and(super::text::is_cjk) {
        vec![t.to_string()]
    } else {
        Vec::new()
    }
}

/// Endings of the names of carriers a plan builds in a place.
const CARRIER_ENDINGS: &[&str] =
    &["区", "谷", "基地", "园", "中心", "集群", "生产线", "带", "城", "港", "高地", "走廊", "示范区", "先行区"];

/// The first carrier a place's paragraph builds: `打造国内领先的声学智能传感谷` → 声学智能传感谷,
/// `建设集A、B等为一体的综合性研发产业基地` → 综合性研发产业基地, `形成以X为特色的产业聚集区` (what is
/// formed must be a carrier: `形成规模化代工能力` is not).
fn first_carrier(body: &str) -> Option<String> {
    for clause in body.split(['。', ',', ';']) {
        for verb in ["打造", "建设", "形成"] {
            let Some(p) = clause.find(verb) else { continue };
            let mut object = &clause[p + verb.len()..];
            if let Some(q) = object.rfind_str("为一体的") {
                object = &object[q + "为一体的".len()..];
            }
            let object = without_evaluation(object);
            if CARRIER_ENDINGS.iter().any(|e| object.ends_with(e)) && (2..=24).contains(&object.chars().count()) {
                return Some(object.to_string());
            }
        }
    }
    None
}

/// `以崂山区、城阳区为核心区域,以西海岸新区、即墨区为支撑,…推动智能传感器产业集聚…发展`: the
/// places that anchor an industry and the industry.
fn anchored_places(ctx: &Ctx, sentence: &str) -> Option<(Vec<String>, String)> {
    let mut places = Vec::new();
    for clause in sentence.split(',') {
        let Some(rest) = clause.trim().strip_prefix('以') else { continue };
        let Some(p) = rest.find('为') else { continue };
        let role = &rest[p + '为'.len_utf8()..];
        if ["核心", "支撑", "重点", "主体", "依托"].iter().any(|w| role.starts_with(w)) {
            places.extend(place_list(ctx, &rest[..p])?);
        }
    }
    if places.is_empty() {
        return None;
    }
    let p = sentence.rfind_str("推动")?;
    let object = &sentence[p + "推动".len()..];
    let q = object.find_str("产业")?;
    let subject = &object[..q + "产业".len()];
    (2..=16).contains(&subject.chars().count()).then(|| (places, subject.to_string()))
}

/// District mappings stated in running text inside layout sections:
/// - `支持济南市软件产业提档升级,培育A、B等重点产业链。支持青岛市…`: the subjects of the clauses
///   after `支持<place>` belong to that place, up to the next place;
/// - `青岛。打造国内领先的声学智能传感谷。…`: a paragraph headed by a place, its first carrier;
/// - `在浦东新区建设合成生物食品开发先行区`, `在松江区、奉贤区建设…`: the carrier built there.
fn layout_mappings(ctx: &Ctx) -> Vec<DistrictMapping> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    for h in 0..doc.headings.len() {
        if doc.headings[h].scheme == crate::doc::Scheme::Box || !is_layout(ctx, h) {
            continue;
        }
        let hd = &doc.headings[h];
        // Only the lines of this heading that no deeper layout heading covers.
        for i in hd.line..hd.end_line.min(doc.lines.len()) {
            if doc.section_of(i).is_some_and(|x| x != h && is_layout(ctx, x)) {
                continue;
            }
            let l = &doc.lines[i];
            let start = match l.kind {
                LineKind::Text => l.cstart,
                LineKind::Heading => {
                    let k = doc.headings.partition_point(|x| x.line < i);
                    match doc.headings.get(k).filter(|x| x.line == i).and_then(|x| x.run_in) {
                        Some(r) => r,
                        None => continue,
                    }
                }
                _ => continue,
            };
            let text = &doc.text[start..l.cend];
            // `产业创新承载区以A、B等重点区域为核心`: a functional zone and the areas it covers.
            if let Some((zone, places)) = zone_areas(ctx, text) {
                out.push(mapping(ctx, zone, places, start, l.cend));
                continue;
            }
            // `青岛。打造…`: a paragraph headed by a place, and the first carrier it builds.
            if let Some(label) = text.split('。').next().filter(|x| x.chars().count() <= 8) {
                if ctx.dicts.place(label, ctx.region.as_deref()).is_some() {
                    let body = &text[label.len() + '。'.len_utf8()..];
                    if let Some(carrier) = first_carrier(body) {
                        out.push(mapping(ctx, &carrier, vec![label.to_string()], start, l.cend));
                    }
                    // Its districts may be placed further down (`以崂山区、城阳区为核心区域…`).
                    for sentence in body.split('。') {
                        if let Some((places, subject)) = anchored_places(ctx, sentence) {
                            out.push(mapping(ctx, &subject, places, start, l.cend));
                        }
                    }
                    continue;
                }
            }
            // `以崂山区、城阳区为核心区域,以西海岸新区…为支撑,…推动智能传感器产业集聚…发展`.
            for sentence in text.split('。') {
                if let Some((places, subject)) = anchored_places(ctx, sentence) {
                    out.push(mapping(ctx, &subject, places, start, l.cend));
                }
            }
            let mut current: Option<String> = None;
            for sentence in text.split('。') {
                for clause in sentence.split([',', ';']) {
                    let c = clause.trim();
                    // `在松江区、奉贤区建设X`.
                    if let Some(rest) = c.strip_prefix('在') {
                        if let Some((places, verb_at)) = ["建设", "打造", "布局", "发展"]
                            .iter()
                            .filter_map(|v| rest.find(v).map(|p| (p, *v)))
                            .min()
                            .and_then(|(p, _)| place_list(ctx, &rest[..p]).map(|pl| (pl, p)))
                        {
                            for subject in clause_subjects(&rest[verb_at..]) {
                                out.push(mapping(ctx, &subject, places.clone(), start, l.cend));
                            }
                            continue;
                        }
                    }
                    // `深化建设徐汇区“营养健康谷”精准营养创新策源区`: the place inside the object.
                    let body = ASSIGN_VERBS.iter().fold(c, |t, v| t.strip_prefix(v).unwrap_or(t));
                    if body != c {
                        if let Some(place) = place_at(ctx, body) {
                            let subject = &body[place.len()..];
                            if subject.starts_with('“') && subject.chars().count() <= 24 {
                                out.push(mapping(ctx, subject, vec![place.to_string()], start, l.cend));
                                continue;
                            }
                        }
                    }
                    // `支持济南市软件产业提档升级`: a new place, then its subjects.
                    let mut rest = c;
                    if let Some(r) = c.strip_prefix("支持") {
                        // A place within the plan's region, not the region itself.
                        let own = |p: &str| ctx.region.as_deref().is_some_and(|r| r.starts_with(p) || p.starts_with(r));
                        if let Some(place) = place_at(ctx, r).filter(|p| !own(p)) {
                            current = Some(place.to_string());
                            rest = &r[place.len()..];
                        }
                    }
                    let Some(place) = &current else { continue };
                    for subject in clause_subjects(rest) {
                        out.push(mapping(ctx, &subject, vec![place.clone()], start, l.cend));
                    }
                }
            }
        }
    }
    out
}

/// The areas a layout paragraph opening with a zone's name gives it, in its first clause:
/// - `X区以A、B等重点区域为核心`: the areas listed with a classifier of areas (not `…等高校院所为主体`);
/// - `X区覆盖<地>全域`: a known place;
/// - `X区包括A及B`: areas that open with a known place or end as an area (`…周边`, `…沿岸区域`).
fn zone_areas<'t>(ctx: &Ctx, text: &'t str) -> Option<(&'t str, Vec<String>)> {
    let clause = text.split([',', '。', ';']).next()?;
    let (at, verb) = ["以", "覆盖", "包括"].iter().filter_map(|v| clause.find(v).map(|p| (p, *v))).min()?;
    let zone = &clause[..at];
    let n = zone.chars().count();
    if !(3..=16).contains(&n)
        || !zone.ends_with('区')
        || !zone.chars().all(|c| super::text::is_cjk(c) || "“”\"".contains(c))
    {
        return None;
    }
    let rest = &clause[at + verb.len()..];
    let area_like =
        |a: &str| place_at(ctx, a).is_some() || ["区域", "地区", "周边", "沿岸", "片区"].iter().any(|e| a.ends_with(e));
    let places: Vec<String> = match verb {
        "以" => {
            let p = rest.find('等')?;
            let after = &rest[p + '等'.len_utf8()..];
            let classifier = after.split('为').next()?;
            if !["区域", "片区", "地区", "板块"].iter().any(|c| classifier.ends_with(c)) || !after.has("为核心")
            {
                return None;
            }
            split_names(&rest[..p], false)
        }
        "覆盖" => {
            let area = rest.strip_suffix("全域").unwrap_or(rest);
            vec![ctx.dicts.place(area, ctx.region.as_deref()).map(|_| area.to_string())?]
        }
        _ => {
            let items: Vec<String> = rest.split(['、', '及', '和']).map(str::to_string).collect();
            if !items.iter().all(|i| area_like(i)) {
                return None;
            }
            items
        }
    };
    let ok = !places.is_empty() && places.iter().all(|p| (2..=12).contains(&p.chars().count()));
    ok.then_some((zone, places))
}

pub(crate) fn mapping(ctx: &Ctx, subject: &str, names: Vec<String>, a: usize, b: usize) -> DistrictMapping {
    let canonical = names
        .iter()
        .map(|n| ctx.dicts.place(n, ctx.region.as_deref()).map_or_else(|| n.clone(), |p| p.name.clone()))
        .collect();
    DistrictMapping { subject: subject.to_string(), districts: names, canonical, span: ctx.span(a, b) }
}

#[cfg(test)]
mod tests {
    /// A place-headed paragraph gives its carrier, and the districts it places further down
    /// (`以A、B为核心区域,以C、D为支撑,…推动X产业…`) with a national-level new area among them.
    #[test]
    fn a_place_headed_paragraph_also_places_its_districts() {
        let text = "山东省智能传感器产业发展行动计划\n一、发展目标\n到2025年,产业规模达到300亿元。\n二、产业布局\n青岛。打造国内领先的声学智能传感谷。以崂山区、城阳区为核心区域,以西海岸新区、即墨区为支撑,高标准推动智能传感器产业集聚发展。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let got: Vec<(&str, Vec<&str>)> = plan
            .districts
            .iter()
            .map(|d| (d.subject.as_str(), d.districts.iter().map(String::as_str).collect()))
            .collect();
        assert!(got.contains(&("声学智能传感谷", vec!["青岛"])), "{got:?}");
        assert!(got.contains(&("智能传感器产业", vec!["崂山区", "城阳区", "西海岸新区", "即墨区"])), "{got:?}");
        let d = plan.districts.iter().find(|d| d.subject == "智能传感器产业").unwrap();
        assert!(d.canonical.contains(&"青岛西海岸新区".to_string()), "{:?}", d.canonical);
    }

    /// A place-headed paragraph whose carrier is formed, not built; a capability formed is none.
    #[test]
    fn a_carrier_formed_in_a_place_is_mapped() {
        let text = "某省传感器产业发展行动计划\n一、产业布局\n烟台。依托重点企业封测基础,形成规模化封装测试代工能力。推动产业延伸,形成以光电传感器封测为特色的产业聚集区。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let got: Vec<(&str, Vec<&str>)> = plan
            .districts
            .iter()
            .map(|d| (d.subject.as_str(), d.districts.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(got, [("以光电传感器封测为特色的产业聚集区", vec!["烟台"])]);
    }

    /// A layout's functional zones and the areas each opening sentence gives them; a zone built
    /// on institutions (`…等高校院所为主体`) is not placed.
    #[test]
    fn functional_zones_of_a_layout_take_the_areas_they_cover() {
        let text = "某区创新区建设方案\n一、空间布局\n滨海创新区覆盖黄岛区全域,总面积约50平方公里,分为三个功能区。\n研发策源区以中国海洋大学、青岛大学等高校院所为主体,集聚创新资源。\n成果转化区以海洋科技城、古镇口等重点区域为核心,承接成果转化项目。\n协同联动区包括黄岛区周边及胶州湾沿岸区域,推动要素流动。\n二、重点任务\n(一)研发策源区以A、B等重点区域为核心,加快建设。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let got: Vec<(&str, Vec<&str>)> = plan
            .districts
            .iter()
            .map(|d| (d.subject.as_str(), d.districts.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            [
                ("滨海创新区", vec!["黄岛区"]),
                ("成果转化区", vec!["海洋科技城", "古镇口"]),
                ("协同联动区", vec!["黄岛区周边", "胶州湾沿岸区域"]),
            ]
        );
    }
}

//! Enumerations of plans: `A、B和C等重点产业`, with the verb that introduces them.

use super::Ctx;
use crate::doc::LineKind;
use crate::extract::text::{find_lit, split_names};

/// Enumerations `A、B和C等<classifier>` in `s`: (items, text after 等, byte position).
pub(crate) fn lists(s: &str) -> Vec<(Vec<String>, String, usize)> {
    lists_with_lead(s).into_iter().map(|(items, c, pos, _)| (items, c, pos)).collect()
}

/// Where a list ending at the end of `before` starts: after the last clause break or
/// unclosed bracket, skipping closed brackets (`虚拟现实(VR)/增强现实(AR)`).
pub(crate) fn list_start(before: &str) -> usize {
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
pub(crate) fn lists_with_lead(s: &str) -> Vec<(Vec<String>, String, usize, &'static str)> {
    let mut out = Vec::new();
    let mut from = 0;
    // `等` and `、` by prebuilt memmem searches: `str::find(char)` runs std's memchr on the
    // character's last byte, which half the CJK characters share (a stop at nearly every one).
    while let Some(p) = find_lit!(&s[from..], "等").map(|p| p + from) {
        from = p + '等'.len_utf8();
        let before = &s[..p];
        // The list starts after the last clause break or a leading verb.
        let start = list_start(before);
        let raw = &before[start..];
        if find_lit!(raw, "、").is_none() {
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
    "加快布局",
    "布局",
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

pub(crate) fn strip_list_lead(raw: &str) -> (&'static str, &str) {
    // Take the part after the last verb-like lead word (the longest one ending there).
    let mut best = raw;
    let mut lead: &'static str = "";
    // Only a lead with a `、` after it counts: `raw[end..]` holds one exactly when the last one
    // starts at or after `end`, so the leads are searched in the text before the last `、`.
    let before_last_sep = raw.rfind('、').map_or("", |q| &raw[..q]);
    for m in list_leads().find_overlapping_iter(before_last_sep) {
        let l = LIST_LEADS[m.pattern().as_usize()];
        let cand = &raw[m.end()..];
        if cand.len() < best.len() || (cand.len() == best.len() && l.len() > lead.len()) {
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
pub(crate) fn split_last_and(items: &mut Vec<String>) {
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
pub(crate) fn enumerations(ctx: &Ctx, from: usize, to: usize, classifiers: &[&str]) -> Vec<(String, usize, usize)> {
    let doc = ctx.doc;
    let mut out = Vec::new();
    for i in from..to.min(doc.lines.len()) {
        if !matches!(doc.lines[i].kind, LineKind::Text | LineKind::Heading) || doc.lines[i].in_box.is_some() {
            continue;
        }
        let l = &doc.lines[i];
        let s = &doc.text[l.cstart..l.cend];
        for (items, classifier, pos, _) in ctx.enumerations(s).iter() {
            let c = classifier.trim();
            if classifiers.iter().any(|k| c.starts_with(k) || (c.ends_with(k) && c.chars().count() <= 12)) {
                for it in items {
                    if !out.iter().any(|(n, _, _)| n == it) {
                        out.push((it.clone(), l.cstart + pos, l.cstart + pos));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layout_verb_is_the_lead_not_part_of_the_first_item() {
        let found = lists("加快布局脑机接口、合成生物、量子通信等前沿领域");
        assert_eq!(found[0].0, ["脑机接口", "合成生物", "量子通信"]);
        assert_eq!(strip_list_lead("超前布局脑机接口、合成生物").0, "布局");
        // Hostile: `布局` as a noun inside a list of tasks leaves no list of two items.
        assert!(lists("优化产业布局、完善配套等工作").is_empty());
    }

    /// The lead found before the last `、` (located once) is the lead found by searching each
    /// candidate's rest for a `、`.
    #[test]
    fn list_lead_is_that_of_a_search_per_candidate() {
        fn reference(raw: &str) -> (&'static str, &str) {
            let mut best = raw;
            let mut lead: &'static str = "";
            for m in list_leads().find_overlapping_iter(raw) {
                let l = LIST_LEADS[m.pattern().as_usize()];
                let cand = &raw[m.end()..];
                if (cand.len() < best.len() || (cand.len() == best.len() && l.len() > lead.len()))
                    && cand.contains('、')
                {
                    best = cand;
                    lead = l;
                }
            }
            let first_sep = best.find('、').unwrap_or(best.len());
            if let Some(q) = best[..first_sep].rfind('的') {
                best = &best[q + '的'.len_utf8()..];
            }
            (lead, best.trim_start_matches(['的', ' ']))
        }
        for raw in [
            "重点发展集成电路、新型显示和智能终端",
            "聚焦人工智能、区块链,培育发展量子信息、",
            "在两江新区、西部科学城布局发展氢能",
            "重点培育和前瞻布局元宇宙、脑机接口",
            "扬州“613”产业体系的氢能、储能",
            "发展、培育、",
            "没有顿号的句子",
            "",
            "、",
            "加快发展、聚焦",
            "以、在",
            "重点发展、重点发展、重点发展",
            "聚焦聚焦、A",
        ] {
            assert_eq!(strip_list_lead(raw), reference(raw), "{raw}");
        }
    }
}

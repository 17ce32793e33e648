//! Owner lists of tasks: who leads (牵头) and who else is responsible (责任/配合/参加…).
//!
//! Plans write owners in many ways; all of them are a list of unit names with role words:
//! - labels: `牵头单位:A;责任单位:B、C`, `牵头单位:A,参加单位:B` (labels in `data/cues.toml`);
//! - role words after the units: `A牵头`, `A、B牵头,C配合`, `A、B分工负责`, `A牵头,会同B、C`,
//!   `各地区、各部门负责` (a named body that `负责` leads, a generic one does not);
//! - a bare list of units closing a passage: `(市科委、市卫生健康委)` (all responsible);
//! - rules stated once: `逗号前为牵头单位` (the units before the first comma lead), `排在第一位的
//!   为牵头单位`, `以下任务均需区县落实` (standing owners of every later task).
//!
//! Names are written out in full where a list elides a shared head (`市科技、教育等部门` →
//! 市科技部门, 市教育部门; `济南、青岛市政府` → 济南市政府, 青岛市政府), never split inside one
//! unit's name (`各区、市政府`, `各县(市、区)人民政府`).

use super::text::{find_lit, find_str, is_cjk, match_offsets, split_names, strip_spaces};
use crate::cues::OwnerCues;
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::extract::text::TrimAll;
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

/// Phrases of a remark that declare the comma rule for the passages after it.
const COMMA_RULES: &[&str] = &["逗号前为牵头单位", "逗号前的为牵头单位"];

/// The owners read from one passage.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Owners {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    /// Owners of every later task (`以下任务均需区县落实`).
    pub standing: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Role {
    Lead,
    Responsible,
    /// `负责`: lead for a named body, responsible for a generic one.
    Sole,
}

/// Whether a passage mentions a role at all (a label or a role word).
pub fn has_role_word(s: &str, cues: &OwnerCues) -> bool {
    cues.has_role_word(s)
}

/// Parses the inside of an owner passage. `bare_list` accepts a passage without any role word
/// when every item is a unit (a bracket closing a paragraph). `comma_rule` carries the
/// `逗号前为牵头单位` rule from one passage to the next.
pub fn parse_passage(inner: &str, comma_rule: &mut bool, dicts: &Dictionaries, bare_list: bool) -> Option<Owners> {
    let cues = &dicts.cues.owners;
    let inner = inner.trim();
    if inner.chars().count() > 400 || inner.has("重点布局") {
        return None;
    }
    let has_role = has_role_word(inner, cues);
    if !has_role && !bare_list {
        return None;
    }
    let (body, remarks) = split_remark(inner);
    let mut standing = Vec::new();
    let first_leads = FIRST_LEAD_PHRASES.iter().any(|p| inner.has(p));
    for r in &remarks {
        if COMMA_RULES.iter().chain(FIRST_LEAD_PHRASES).any(|p| r.has(p)) {
            *comma_rule = true;
        }
        if let Some(p) = r.find_str("以下任务均需") {
            let rest = &r[p + "以下任务均需".len()..];
            standing = unit_names(rest.split("落实").next().unwrap_or(""), cues);
        }
    }
    let mut body = strip_spaces(&body);
    // Every phrase ends in `为牵头单位` (a test below keeps it so): one search rules them all
    // out, where `replace` built a searcher and a new string per phrase.
    if find_lit!(&body, "为牵头单位").is_some() {
        for p in FIRST_LEAD_PHRASES {
            body = body.replace(p, "");
        }
    }
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    for (label, names) in labelled_parts(&body, cues) {
        let names = names.trim_matches([';', ',', '。']);
        let role = if label.is_empty() {
            None
        } else if cues.lead_labels.iter().any(|l| label == l.as_str()) {
            Some(Role::Lead)
        } else {
            Some(Role::Responsible)
        };
        if *comma_rule && role == Some(Role::Responsible) && names.contains(',') {
            // `责任单位:A、B,C、D` under the comma rule: A and B lead.
            let (first, rest) = names.split_once(',').unwrap_or((names, ""));
            lead.extend(unit_names(first, cues));
            responsible.extend(unit_names(rest, cues));
            continue;
        }
        match role {
            Some(Role::Lead) => lead.extend(unit_names(names, cues)),
            Some(_) => responsible.extend(unit_names(names, cues)),
            None => {
                let (l, r) = roles_in_text(names, dicts);
                lead.extend(l);
                responsible.extend(r);
            }
        }
    }
    let keep = |v: Vec<String>| -> Vec<String> { v.into_iter().filter(|n| looks_like_owner(n)).collect() };
    let mut lead = keep(lead);
    let mut responsible = keep(responsible);
    // `市发展改革委(牵头)、市科技局`: the unit marked as leading.
    let marked: Vec<String> = responsible.iter().filter(|n| n.ends_with("(牵头)")).cloned().collect();
    if !marked.is_empty() {
        responsible.retain(|n| !n.ends_with("(牵头)"));
        lead.extend(marked.iter().map(|n| n.trim_end_all("(牵头)").to_string()));
    } else if first_leads && lead.is_empty() && !responsible.is_empty() {
        lead.push(responsible.remove(0));
    }
    if lead.is_empty() && responsible.is_empty() {
        return None;
    }
    if !has_role && !lead.iter().chain(&responsible).all(|n| is_org(n, dicts)) {
        return None;
    }
    dedup(&mut lead);
    dedup(&mut responsible);
    responsible.retain(|n| !lead.contains(n));
    Some(Owners { lead, responsible, standing })
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|n| seen.insert(n.clone()));
}

/// Units and their roles in unlabelled text: `A、B牵头,C配合,各地区负责`, `A牵头,会同B、C`.
/// Each role word closes a run of units; units after the last role word are responsible.
pub fn roles_in_text(s: &str, dicts: &Dictionaries) -> (Vec<String>, Vec<String>) {
    let cues = &dicts.cues.owners;
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    // The items since the last role word, joined back into one list so that a unit written
    // over two items (`各区、市政府`) or a shared head (`济南、青岛市政府`) reads whole.
    let mut run = String::new();
    for item in split_names(s, false) {
        let item = item.trim_start_all("会同").trim_start_matches('由');
        let (name, role) = strip_role(item, cues);
        if !run.is_empty() {
            run.push('、');
        }
        run.push_str(name);
        let Some(role) = role else { continue };
        for n in unit_names(&std::mem::take(&mut run), cues) {
            match role {
                Role::Lead => lead.push(n),
                Role::Responsible => responsible.push(n),
                Role::Sole if is_generic(&n, cues) => responsible.push(n),
                Role::Sole => lead.push(n),
            }
        }
    }
    responsible.extend(unit_names(&run, cues));
    (lead, responsible)
}

/// An item without its trailing role word, and the role.
fn strip_role<'a>(item: &'a str, cues: &OwnerCues) -> (&'a str, Option<Role>) {
    let item = item.trim_end_matches('。');
    // Longest role word first: `按职责分工负责` before `负责`, `牵头负责` before `负责`.
    let mut best: Option<(usize, Role)> = None;
    for (words, role) in
        [(&cues.lead_roles, Role::Lead), (&cues.responsible_roles, Role::Responsible), (&cues.sole_roles, Role::Sole)]
    {
        for w in words {
            if item.ends_with(w.as_str()) && best.is_none_or(|(len, _)| w.len() > len) {
                best = Some((w.len(), role));
            }
        }
    }
    match best {
        Some((len, role)) => (&item[..item.len() - len], Some(role)),
        None => (item, None),
    }
}

/// The unit names of a list, tails dropped and elided heads written out.
pub fn unit_names(s: &str, cues: &OwnerCues) -> Vec<String> {
    let items: Vec<String> = split_names(s, true);
    let items = merge_level_lists(items);
    let items = expand_elided(items, cues);
    items
        .into_iter()
        .map(|n| strip_tail(&n, cues))
        .filter(|n| !n.is_empty() && !FIRST_LEAD_PHRASES.iter().any(|p| n.has(p)))
        .collect()
}

fn strip_tail(n: &str, cues: &OwnerCues) -> String {
    let mut t = n.trim();
    for w in &cues.list_tails {
        if let Some(rest) = t.strip_suffix(w.as_str()) {
            if !rest.is_empty() {
                t = rest;
                break;
            }
        }
    }
    t.trim_end_matches('等').to_string()
}

/// `各区、市政府` / `有关区、市政府`: districts and county-level cities sharing one government
/// noun are one unit, not a district and a city government.
fn merge_level_lists(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if let Some(prev) = out.last_mut() {
            let level = prev.trim_start_matches(['各']).trim_start_all("有关").trim_start_all("相关");
            let is_level = matches!(level, "区" | "县" | "市" | "区县" | "县区");
            let gov = ["市政府", "县政府", "区政府", "市人民政府", "县人民政府", "区人民政府"];
            if is_level && gov.contains(&item.as_str()) {
                prev.push('、');
                prev.push_str(&item);
                continue;
            }
        }
        out.push(item);
    }
    out
}

/// Heads that a list may write once for all its items.
const SHARED_HEADS: &[&str] = &["主管部门", "部门", "人民政府", "市政府", "县政府", "区政府", "政府"];

/// Writes out items that share the last item's head: `市科技、教育、财政等部门` → 市科技部门,
/// 市教育部门, 市财政部门; `济南、青岛、烟台市政府` → 济南市政府, 青岛市政府, 烟台市政府.
fn expand_elided(items: Vec<String>, cues: &OwnerCues) -> Vec<String> {
    if items.len() < 2 {
        return items;
    }
    let last = items.last().map(String::as_str).unwrap_or("");
    let Some(head) = SHARED_HEADS.iter().find(|h| last.ends_with(**h) && last.len() > h.len()) else {
        return items;
    };
    let bare = |n: &str| {
        let n = n.trim();
        !n.is_empty()
            && n.chars().count() <= 8
            && n.chars().all(is_cjk)
            && !cues.org_suffixes.iter().any(|s| n.ends_with(s.as_str()))
            && !n.ends_with(['区', '县', '市', '省'])
            && !cues.generic_prefixes.iter().any(|g| n.starts_with(g.as_str()))
    };
    if !items[..items.len() - 1].iter().all(|n| bare(n)) {
        return items;
    }
    // The level prefix of the first item (`市科技`) belongs to every item of a 部门 list.
    let prefix = ['市', '省', '区', '县']
        .into_iter()
        .find(|p| items[0].starts_with(*p) && head.ends_with("部门"))
        .map(String::from)
        .unwrap_or_default();
    let last_name = last.trim_end_matches(head).trim_end_matches('等');
    let mut out = Vec::new();
    for (k, n) in items.iter().enumerate() {
        let n = if k + 1 == items.len() { last_name } else { n.trim() };
        let n = if k > 0 && !prefix.is_empty() && !n.starts_with(prefix.as_str()) {
            format!("{prefix}{n}")
        } else {
            n.to_string()
        };
        out.push(format!("{n}{head}"));
    }
    out
}

/// Splits `牵头单位:A;责任单位:B` (or with commas between the parts) at each label: (label,
/// names) in order. Text before the first label (or all of it) has an empty label.
fn labelled_parts<'a>(body: &'a str, cues: &OwnerCues) -> Vec<(&'a str, &'a str)> {
    let mut marks: Vec<(usize, usize)> = Vec::new(); // (label start, names start)
                                                     // Every mark ends in a colon: a body without one (most bracketed passages) has none.
    let wide_colon = find_lit!(body, "：").is_some();
    let has_colon = body.contains(':') || wide_colon;
    // A mark is a label ending right before a colon: the labels are tested at each colon
    // (found once) instead of searched through the body once per label and colon. The same
    // marks in the same order as searching for `label` + `colon` from the start, because a
    // label without a colon in it cannot overlap another label + colon; a label a user wrote
    // with a colon inside is searched for as before.
    let colons: Vec<(usize, &str)> = if has_colon {
        let b = body.as_bytes();
        let wide = wide_colon.then(|| match_offsets(body, "：")).into_iter().flatten();
        memchr::memchr_iter(b':', b).map(|q| (q, ":")).chain(wide.map(|q| (q, "："))).collect()
    } else {
        Vec::new()
    };
    for label in cues.lead_labels.iter().chain(&cues.responsible_labels).filter(|_| has_colon) {
        if !label.contains([':', '：']) {
            for colon in [":", "："] {
                for &(q, _) in colons.iter().filter(|&&(_, c)| c == colon) {
                    if body.as_bytes()[..q].ends_with(label.as_bytes()) {
                        let p = q - label.len();
                        if !marks.iter().any(|&(a, b)| a <= p && p < b) {
                            marks.push((p, q + colon.len()));
                        }
                    }
                }
            }
            continue;
        }
        for colon in [":", "："] {
            // Each `label` + `colon`, found as `label` followed by `colon` (no string built per
            // label): after a `label` without its colon the search goes on one character later.
            let key_len = label.len() + colon.len();
            let mut from = 0;
            while let Some(p) = find_str(&body[from..], label).map(|p| p + from) {
                if !body[p + label.len()..].starts_with(colon) {
                    let Some(c) = body[p..].chars().next() else { break };
                    from = p + c.len_utf8();
                    continue;
                }
                from = p + key_len;
                // `牵头` inside `牵头单位:` is not a label of its own.
                if !marks.iter().any(|&(a, b)| a <= p && p < b) {
                    marks.push((p, p + key_len));
                }
            }
        }
    }
    marks.sort_unstable();
    marks.dedup_by(|b, a| b.0 >= a.0 && b.0 < a.1);
    let mut out = Vec::new();
    let first = marks.first().map_or(body.len(), |m| m.0);
    if !body[..first].trim_matches([';', ',', ' ']).is_empty() {
        out.push(("", &body[..first]));
    }
    for (k, &(a, b)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(body.len(), |m| m.0);
        let label = body[a..b].trim_end_matches([':', '：']);
        out.push((label, &body[b..end]));
    }
    out
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
                        || cur_bracket.has("以下")
                        || cur_bracket.has("统称")
                        || cur_bracket.has("下同")
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

pub fn looks_like_owner(name: &str) -> bool {
    let n = name.chars().count();
    (2..=40).contains(&n) && name.chars().any(is_cjk) && !name.has("职责") && !name.has("负责")
}

/// A unit: a department of the dictionary or a name with an organisation ending.
pub fn is_org(name: &str, dicts: &Dictionaries) -> bool {
    let core = name.split('(').next().unwrap_or(name);
    dicts.department(name).is_some() || dicts.cues.owners.org_suffixes.iter().any(|s| core.ends_with(s.as_str()))
}

/// A generic owner: every body of a kind (`各地区`, `有关部门`), not one named body.
pub fn is_generic(name: &str, cues: &OwnerCues) -> bool {
    cues.generic_prefixes.iter().any(|p| name.starts_with(p.as_str())) || name.has("有关部门")
}

/// An owner that names no one department, for the department pages: [`is_generic`] or one of
/// the whole names of `generic_owners` in `data/cues.toml` (`多部门`), whatever the brackets
/// (`各区县（自治县）政府` = `各区县(自治县)政府`) and spaces.
pub fn is_generic_owner(name: &str, cues: &OwnerCues) -> bool {
    let name: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    is_generic(&name, cues) || cues.generic_owners.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `parse_passage` searches `为牵头单位` before the phrases.
    #[test]
    fn first_lead_phrases_end_with_the_searched_words() {
        assert!(FIRST_LEAD_PHRASES.iter().all(|p| p.ends_with("为牵头单位")));
    }

    /// `labelled_parts` as first written, one `format!` and search per label and colon.
    fn labelled_parts_reference<'a>(body: &'a str, cues: &OwnerCues) -> Vec<(&'a str, &'a str)> {
        let mut marks: Vec<(usize, usize)> = Vec::new();
        for label in cues.lead_labels.iter().chain(&cues.responsible_labels) {
            for colon in [":", "："] {
                let key = format!("{label}{colon}");
                let mut from = 0;
                while let Some(p) = body[from..].find(&key).map(|p| p + from) {
                    from = p + key.len();
                    if !marks.iter().any(|&(a, b)| a <= p && p < b) {
                        marks.push((p, p + key.len()));
                    }
                }
            }
        }
        marks.sort_unstable();
        marks.dedup_by(|b, a| b.0 >= a.0 && b.0 < a.1);
        let mut out = Vec::new();
        let first = marks.first().map_or(body.len(), |m| m.0);
        if !body[..first].trim_matches([';', ',', ' ']).is_empty() {
            out.push(("", &body[..first]));
        }
        for (k, &(a, b)) in marks.iter().enumerate() {
            let end = marks.get(k + 1).map_or(body.len(), |m| m.0);
            out.push((body[a..b].trim_end_matches([':', '：']), &body[b..end]));
        }
        out
    }

    #[test]
    fn labels_are_found_as_by_one_search_per_label_and_colon() {
        let d = crate::Dictionaries::builtin();
        let mut cues = d.cues.owners.clone();
        for body in [
            "牵头单位:市经济信息委;责任单位:市科技局、市财政局",
            "牵头单位：市发展改革委，配合单位：各区政府",
            "牵头:甲;牵头牵头单位:乙;责任单位责任单位:丙",
            "市科技局、市财政局",
            "牵头单位",
            "",
            "牵头单位:",
            "aa:aaa:",
        ] {
            assert_eq!(labelled_parts(body, &cues), labelled_parts_reference(body, &cues), "{body}");
        }
        // Labels that overlap themselves, and an empty one.
        cues.lead_labels = vec!["aa".into(), "".into()];
        for body in ["aaa:b", "aa:aaa:c", "a:aa:", ":x", "牵头:甲"] {
            assert_eq!(labelled_parts(body, &cues), labelled_parts_reference(body, &cues), "{body}");
        }
        // Labels tested at each colon; a label with a colon in it is still searched for.
        cues.lead_labels = vec!["牵头".into(), "a:b".into(), "单位：".into(), "牵头单位".into()];
        cues.responsible_labels = vec!["单位".into(), "责任单位".into()];
        for body in [
            "牵头单位：甲:牵头:乙;责任单位:丙；单位：：丁",
            "a:b:c;a:b：d,a:a:b:",
            "单位：：单位：单位:",
            "前言，牵头单位：甲，牵头单位:乙",
        ] {
            assert_eq!(labelled_parts(body, &cues), labelled_parts_reference(body, &cues), "{body}");
        }
    }

    fn parse(s: &str) -> (Vec<String>, Vec<String>) {
        let mut rule = false;
        let p = parse_passage(s, &mut rule, &Dictionaries::builtin(), false).unwrap();
        (p.lead, p.responsible)
    }

    #[test]
    fn generic_owners_in_every_spelling_and_named_departments_apart() {
        let cues = &Dictionaries::builtin().cues.owners;
        for g in [
            "多部门",
            "各区县政府",
            "各区县（自治县）政府",
            "各区县(自治县)政府",
            "各区(市)县政府",
            "各区（市）县政府",
            "有关部门",
            " 多部门 ",
        ] {
            assert!(is_generic_owner(g, cues), "{g}");
        }
        for d in ["市科技局", "市委组织部(市人才办)", "蜀山区", "多元化投资公司"] {
            assert!(!is_generic_owner(d, cues), "{d}");
        }
    }

    fn v(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn labelled_passages() {
        let (l, r) = parse("牵头单位:市发展改革委;责任单位:市经济信息委、市委军民融合办、重庆通信管理局等,各区县(自治县)和两江新区、万盛经开区(以下统称区县。以下任务均需区县落实,不再列出)");
        assert_eq!(l, v(&["市发展改革委"]));
        assert_eq!(
            r,
            v(&["市经济信息委", "市委军民融合办", "重庆通信管理局", "各区县(自治县)", "两江新区", "万盛经开区"])
        );
        let (l, r) = parse("牵头单位:省商务厅,参加单位:省文化和旅游厅、省邮政管理局");
        assert_eq!((l, r), (v(&["省商务厅"]), v(&["省文化和旅游厅", "省邮政管理局"])));
    }

    #[test]
    fn role_words_after_the_units() {
        assert_eq!(
            parse("市科技局牵头,市财政局、市经济和信息化局按职责分工负责"),
            (v(&["市科技局"]), v(&["市财政局", "市经济和信息化局"]))
        );
        assert_eq!(parse("省政府办公厅、省大数据局牵头"), (v(&["省政府办公厅", "省大数据局"]), v(&[])));
        assert_eq!(parse("省工业和信息化厅负责"), (v(&["省工业和信息化厅"]), v(&[])));
        assert_eq!(
            parse("发展改革委、工业和信息化部牵头,各地区、各部门按职能分工负责"),
            (v(&["发展改革委", "工业和信息化部"]), v(&["各地区", "各部门"]))
        );
        assert_eq!(parse("各地区、各部门负责"), (v(&[]), v(&["各地区", "各部门"])));
        assert_eq!(
            parse("省大数据局、省委网信办牵头,省发展改革委、省住房城乡建设厅等有关部门配合,各市政府落实"),
            (v(&["省大数据局", "省委网信办"]), v(&["省发展改革委", "省住房城乡建设厅", "各市政府"]))
        );
        assert_eq!(
            parse("市经济信息委牵头,会同市科技局、市财政局"),
            (v(&["市经济信息委"]), v(&["市科技局", "市财政局"]))
        );
    }

    #[test]
    fn shared_duty_passages_have_no_lead() {
        let (l, r) = parse("市发改委、市科技局、市工信局等按职责分工负责,各县(市、区)人民政府、功能区管委会。以下任务均需各县(市、区)人民政府、功能区管委会落实,不再一一列出");
        assert!(l.is_empty());
        assert_eq!(r, v(&["市发改委", "市科技局", "市工信局", "各县(市、区)人民政府", "功能区管委会"]));
    }

    #[test]
    fn comma_rule_is_declared_once_and_then_applies() {
        let d = Dictionaries::builtin();
        let mut rule = false;
        let p = parse_passage("责任单位:各区(市)县政府(管委会)", &mut rule, &d, false).unwrap();
        assert!(p.lead.is_empty());
        let p = parse_passage(
            "责任单位:市科技局、市发改委,各区(市)县政府(管委会)。逗号前为牵头单位,下同",
            &mut rule,
            &d,
            false,
        )
        .unwrap();
        assert_eq!(p.lead, v(&["市科技局", "市发改委"]));
        let p = parse_passage("责任单位:市国资委,市发改委、成都产业集团", &mut rule, &d, false).unwrap();
        assert_eq!((p.lead, p.responsible), (v(&["市国资委"]), v(&["市发改委", "成都产业集团"])));
    }

    #[test]
    fn marked_and_first_unit_leads() {
        assert_eq!(parse("责任单位:市科技局(牵头)、市财政局"), (v(&["市科技局"]), v(&["市财政局"])));
        let (l, r) = parse("责任单位:市发展改革委、市科技局、市财政局,排在第一位的为牵头单位");
        assert_eq!(l, v(&["市发展改革委"]));
        assert_eq!(r, v(&["市科技局", "市财政局"]));
    }

    #[test]
    fn bare_lists_of_units_need_permission_and_units() {
        let d = Dictionaries::builtin();
        let mut rule = false;
        assert!(parse_passage("市科委、市卫生健康委", &mut rule, &d, false).is_none());
        let p = parse_passage("市科委、市卫生健康委", &mut rule, &d, true).unwrap();
        assert_eq!((p.lead, p.responsible), (v(&[]), v(&["市科委", "市卫生健康委"])));
        assert!(parse_passage("IDM", &mut rule, &d, true).is_none());
        assert!(parse_passage("以下简称“三新”食品", &mut rule, &d, true).is_none());
    }

    #[test]
    fn elided_heads_are_written_out_and_unit_names_kept_whole() {
        let c = &Dictionaries::builtin().cues.owners;
        assert_eq!(
            unit_names("市科技、教育、经信、发改、国资、财政等部门", c),
            v(&["市科技部门", "市教育部门", "市经信部门", "市发改部门", "市国资部门", "市财政部门"])
        );
        assert_eq!(unit_names("济南、青岛、烟台市政府", c), v(&["济南市政府", "青岛市政府", "烟台市政府"]));
        assert_eq!(unit_names("市工业和信息化局、有关区、市政府", c), v(&["市工业和信息化局", "有关区、市政府"]));
        assert_eq!(unit_names("市科技局及相关行业主管部门", c), v(&["市科技局", "相关行业主管部门"]));
    }
}

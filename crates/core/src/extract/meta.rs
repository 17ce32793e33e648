//! Document metadata: title, document number, issuer, region, dates, plan period.
//!
//! Official documents follow GB/T 9704: title (`X关于…的通知`), document number, addressees
//! (`各区县人民政府…:`), body, issuer's signature and the date it was signed. Web pages add a
//! metadata box (`[ 发文字号 ]`, `发布日期:`). A notice (通知) often wraps the plan itself; the
//! title is then the plan's, named in `《…》`, and the issuer is the notice's.

use super::text::{find_all_doc_numbers, iso_date, strip_spaces};
use crate::dict::Dictionaries;
use crate::doc::Doc;
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::model::Meta;
use crate::numbers::parse_cn_int;

const DOC_TYPES: &[&str] = &[
    "规划",
    "计划",
    "方案",
    "意见",
    "纲要",
    "办法",
    "措施",
    "政策",
    "通知",
    "决定",
    "条例",
    "规定",
    "细则",
    "指南",
    "实施意见",
    "行动计划",
];

/// Lines before the first body heading (or the first 60 lines when there is none).
fn header_lines(doc: &Doc) -> usize {
    doc.headings.first().map_or(doc.lines.len().min(60), |h| h.line)
}

pub struct MetaResult {
    pub meta: Meta,
    /// The year the document speaks from: targets before it are history.
    pub base_year: Option<i32>,
}

pub fn extract(doc: &Doc, dicts: &Dictionaries) -> MetaResult {
    let header = header_lines(doc);
    let mut meta = Meta::default();
    let boxed = metadata_box(doc, header);

    // Document number: the metadata box, a line of its own, or the notice header.
    meta.doc_number =
        boxed.get("发文字号").or_else(|| boxed.get("文号")).and_then(|v| find_all_doc_numbers(v).into_iter().next());
    if meta.doc_number.is_none() {
        meta.doc_number = (0..header).map(|i| doc.line_text(i)).find_map(|t| {
            let nums = find_all_doc_numbers(t);
            (nums.len() == 1 && strip_spaces(t).len() <= nums[0].len() + 6).then(|| nums[0].clone())
        });
    }

    let addressee = (0..header).find(|&i| is_addressee(doc.line_text(i)));
    let (title, notice_issuer) = find_title(doc, header, addressee);
    meta.title = title;

    // Dates.
    meta.signed_date = boxed.get("成文日期").and_then(|v| iso_date(v));
    if meta.signed_date.is_none() {
        meta.signed_date = (0..doc.lines.len()).find_map(|i| cn_date_line(doc.line_text(i)));
    }
    meta.published_date = boxed
        .get("发布日期")
        .or_else(|| boxed.get("公开日期"))
        .and_then(|v| iso_date(v).or_else(|| cn_date(v)))
        .or_else(|| (0..header).find_map(|i| published_in_line(doc.line_text(i))))
        .or_else(|| printed_on(doc));

    // Issuer: the notice's or title's author, else the signature above the date.
    let mut issuer = notice_issuer.or_else(|| signature(doc));
    if issuer.is_none() {
        issuer = boxed.get("发布机构").or_else(|| boxed.get("发文机关")).map(|s| strip_spaces(s));
    }

    // Region: from the issuer or title, else from how the text speaks of itself (我国 / 全省 /
    // 全市) and the places it names most.
    let mut region = issuer.as_deref().and_then(|s| issuer_region(s, dicts));
    if region.is_none() {
        region = meta.title.as_deref().and_then(|s| region_prefix(s, dicts).or_else(|| region_named_in(s, dicts)));
    }
    if region.is_none() {
        region = region_of_text(doc.text, dicts);
    }
    if let (Some(iss), Some(reg)) = (&issuer, &region) {
        issuer = Some(expand_issuer(iss, reg));
    }
    meta.issuer = issuer;
    meta.region = region;

    // Plan period.
    let (ps, pe) = period(doc, meta.title.as_deref(), header);
    meta.period_start = ps;
    meta.period_end = pe;

    let year = |d: &Option<String>| d.as_deref().and_then(|s| s.get(..4)).and_then(|y| y.parse::<i32>().ok());
    let base_year = year(&meta.signed_date).or_else(|| year(&meta.published_date)).or(meta.period_start);
    MetaResult { meta, base_year }
}

/// `[ 发文字号 ]` / `发文字号:` boxes of government web pages, also as table cells
/// (`发布日期:<TAB>2026-02-03`): key → value.
fn metadata_box(doc: &Doc, header: usize) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    let keys = ["索引号", "发文字号", "文号", "主题分类", "发布机构", "发文机关", "成文日期", "发布日期", "公开日期"];
    for i in 0..header {
        let cells: Vec<String> = doc.line_text(i).split('\t').map(strip_spaces).filter(|c| !c.is_empty()).collect();
        for (k, cell) in cells.iter().enumerate() {
            for key in keys {
                // `[key]…` and `key:…` read without building the two strings per cell and key.
                let bracketed =
                    cell.strip_prefix('[').and_then(|r| r.strip_prefix(key)).and_then(|r| r.strip_prefix(']'));
                let labelled = cell.strip_prefix(key).and_then(|r| r.strip_prefix(':'));
                if bracketed == Some("") || labelled == Some("") || cell == key {
                    let value = cells.get(k + 1).cloned().or_else(|| {
                        (i + 1..header.min(i + 3)).map(|j| doc.line_text(j).trim().to_string()).find(|v| !v.is_empty())
                    });
                    if let Some(v) = value {
                        out.entry(key.to_string()).or_insert(v);
                    }
                } else if let Some(rest) = bracketed.or(labelled) {
                    if !rest.is_empty() {
                        out.entry(key.to_string()).or_insert_with(|| rest.to_string());
                    }
                }
            }
        }
    }
    out
}

fn is_addressee(t: &str) -> bool {
    let t = t.trim();
    (t.ends_with(':') || t.ends_with('：'))
        && t.chars().count() <= 80
        && (t.has("人民政府")
            || t.has("各区")
            || t.has("各县")
            || t.has("各市")
            || t.has("有关单位")
            || t.has("各部门")
            || t.has("委办局")
            || t.has("政府"))
}

fn ends_with_doc_type(s: &str) -> bool {
    let s =
        s.trim_end_matches(|c: char| c == ')' || c == '年' || c.is_ascii_digit() || c == '—' || c == '-' || c == '(');
    DOC_TYPES.iter().any(|t| s.ends_with(t))
}

/// The plan's title and, for a notice wrapping a plan, the notice's issuer.
fn find_title(doc: &Doc, header: usize, addressee: Option<usize>) -> (Option<String>, Option<String>) {
    let notice_issuer;
    // The notice heading may be split over lines: join the lines above the addressee.
    let notice_zone_end = addressee.unwrap_or(header);
    let joined: String = (0..notice_zone_end).map(|i| strip_spaces(doc.line_text(i))).collect::<Vec<_>>().join("\n");
    // 1. A notice that publishes a plan: 关于印发《X》的通知 / 现将《X》印发.
    for i in 0..header.min(notice_zone_end + 6) {
        let t = strip_spaces(doc.line_text(i));
        if !(t.has("印发") || t.has("已经") || t.has("现将")) {
            continue;
        }
        if let Some(name) = bracketed_title(&t) {
            if ends_with_doc_type(&name) {
                notice_issuer = notice_author(&joined);
                return (Some(name), notice_issuer);
            }
        }
    }
    // A notice heading without 《》: 重庆市人民政府关于印发重庆市科技创新“十四五”规划(2021—2025年)的通知
    for line in crate::bytescan::lines(&joined) {
        if let Some(p) = line.find_str("关于印发") {
            if let Some(q) = line.rfind_str("的通知").filter(|&q| q >= p + "关于印发".len()) {
                let inner = &line[p + "关于印发".len()..q];
                if !inner.is_empty() && ends_with_doc_type(inner) {
                    notice_issuer = Some(line[..p].to_string()).filter(|s| !s.is_empty());
                    return (Some(inner.trim_matches(['《', '》']).to_string()), notice_issuer);
                }
            }
        }
    }
    // 2. The line just above the addressees.
    if let Some(a) = addressee {
        if let Some(i) = (0..a)
            .rev()
            .find(|&i| doc.lines[i].kind != crate::doc::LineKind::Blank && !is_date_or_number_line(doc.line_text(i)))
        {
            let t = strip_spaces(doc.line_text(i));
            if ends_with_doc_type(&t) && t.chars().count() <= 80 {
                let issuer = t.find_str("关于").map(|p| t[..p].to_string()).filter(|s| !s.is_empty());
                return (Some(t), issuer);
            }
        }
    }
    // 3. A standalone title line in the header.
    for i in 0..header {
        let t = strip_spaces(doc.line_text(i));
        if ends_with_doc_type(&t)
            && t.chars().count() <= 60
            && !t.contains(',')
            && !t.contains('。')
            && !t.starts_with("来源")
        {
            let issuer = t.find_str("关于").map(|p| t[..p].to_string()).filter(|s| !s.is_empty());
            return (Some(t), issuer);
        }
    }
    (None, None)
}

fn is_date_or_number_line(t: &str) -> bool {
    let t = strip_spaces(t);
    iso_date(&t).is_some_and(|_| t.chars().count() <= 20)
        || cn_date_line(&t).is_some()
        || (!find_all_doc_numbers(&t).is_empty() && t.chars().count() <= 20)
}

fn bracketed_title(t: &str) -> Option<String> {
    let a = t.find('《')?;
    let b = t[a..].find('》')? + a;
    Some(t[a + '《'.len_utf8()..b].to_string())
}

/// `重庆市人民政府办公厅关于印发《…》的通知` → `重庆市人民政府办公厅`; a heading broken after the
/// author (`国务院关于印发` / `…的通知`) counts from its own line.
fn notice_author(joined: &str) -> Option<String> {
    let line = joined.lines().find(|l| l.has("关于印发"))?;
    let flat: String = line.to_string();
    let p = flat.find_str("关于印发")?;
    let author = &flat[..p];
    // The author is the tail of the text before 关于 that ends with an organisation word.
    let start = author
        .rfind(['》', ' ', '\n', '\t', ':', '：'])
        .map_or(0, |i| i + author[i..].chars().next().map_or(1, char::len_utf8));
    let author = &author[start..];
    (!author.is_empty() && author.chars().count() <= 30).then(|| author.to_string())
}

/// A line that is only a date in Chinese form: `2024年9月27日`, `二〇二四年九月二十七日`.
fn cn_date_line(t: &str) -> Option<String> {
    if t.len() > 60 || !t.trim_end().ends_with('日') || !t.contains('月') {
        return None;
    }
    let t = strip_spaces(t);
    let (y, rest) = t.split_once('年')?;
    let (m, rest) = rest.split_once('月')?;
    let d = rest.strip_suffix('日')?;
    let num = |s: &str| s.parse::<u32>().ok().or_else(|| parse_cn_int(s).and_then(|v| u32::try_from(v).ok()));
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    ((1949..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// `发布日期:2022-01-19 17:03`, `来源:成都市人民政府网 2024-05-10`, `2024-10-26 00:00`.
fn published_in_line(t: &str) -> Option<String> {
    let s = strip_spaces(t);
    if s.has("发布") || s.has("来源") || s.has("时间") || s.has("日期") || s.chars().count() <= 20 {
        return iso_date(&s);
    }
    None
}

/// Words that end the name of a body that can sign a document.
const ORG_ENDINGS: &[&str] = &[
    "人民政府",
    "办公厅",
    "办公室",
    "委员会",
    "政府",
    "国务院",
    "局",
    "部",
    "委",
    "办",
    "厅",
    "院",
    "署",
    "会",
    "中心",
];

fn is_org_line(t: &str) -> bool {
    let n = t.chars().count();
    (2..=30).contains(&n)
        && ORG_ENDINGS.iter().any(|o| t.ends_with(o))
        && !t.contains([',', '。', ';', ':', '、', '(', ')'])
}

/// The issuer's signature: the organisation lines right above the date line (co-signers one
/// per line, in signature order), joined with `、`.
fn signature(doc: &Doc) -> Option<String> {
    for i in 0..doc.lines.len() {
        if cn_date_line(doc.line_text(i)).is_some() {
            let mut names = Vec::new();
            let mut j = i;
            while let Some(k) = (0..j).rev().find(|&k| doc.lines[k].kind != crate::doc::LineKind::Blank) {
                let t = strip_spaces(doc.line_text(k));
                if !is_org_line(&t) || names.len() >= 12 {
                    break;
                }
                names.push(t);
                j = k;
            }
            if !names.is_empty() {
                names.reverse();
                return Some(names.join("、"));
            }
        }
    }
    None
}

/// `山东省人民政府办公厅2019年3月15日印发` at the end of a document: the printing date.
fn printed_on(doc: &Doc) -> Option<String> {
    let from = doc.lines.len().saturating_sub(12);
    (from..doc.lines.len()).rev().find_map(|i| {
        let t = strip_spaces(doc.line_text(i));
        let body = t.strip_suffix("印发")?;
        let p = body.char_indices().find(|(k, _)| body[*k..].len() >= 8 && cn_date(&body[*k..]).is_some())?.0;
        let date = &body[p..];
        cn_date(date).filter(|d| d.len() == 10 && date.ends_with('日'))
    })
}

/// A date in Chinese form anywhere at the start of `s`: `2022年1月5日` → `2022-01-05`, `2022年1月`
/// → `2022-01`.
fn cn_date(s: &str) -> Option<String> {
    let s = strip_spaces(s);
    let (y, rest) = s.split_once('年')?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: u32 = y.parse().ok()?;
    let (m, rest) = rest.split_once('月')?;
    let m: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
    if !(1949..=2100).contains(&y) {
        return None;
    }
    match rest.split_once('日') {
        Some((d, _)) if d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)) => {
            Some(format!("{y:04}-{m:02}-{:02}", d.parse::<u32>().ok()?))
        }
        _ => Some(format!("{y:04}-{m:02}")),
    }
}

/// Bodies of the central government: their documents are national (`全国`).
fn is_national_body(name: &str) -> bool {
    let first = name.split('、').next().unwrap_or(name);
    ["国务院", "国家", "中央", "中共中央", "全国", "最高人民"].iter().any(|p| first.starts_with(p))
        || ["工业和信息化部", "商务部", "科学技术部", "科技部", "财政部", "教育部", "农业农村部", "交通运输部"]
            .contains(&first)
}

/// The region of an issuer: its place prefix, or `全国` for a central body.
fn issuer_region(issuer: &str, dicts: &Dictionaries) -> Option<String> {
    region_prefix(issuer, dicts).or_else(|| is_national_body(issuer).then(|| "全国".to_string()))
}

fn region_prefix(s: &str, dicts: &Dictionaries) -> Option<String> {
    dicts
        .regions
        .iter()
        .filter(|(name, _)| s.starts_with(name.as_str()))
        .max_by_key(|(name, _)| name.len())
        .map(|(name, _)| name.clone())
}

/// A province or city named inside a title (`数字山东2021行动方案` → 山东省), by full or short name.
fn region_named_in(title: &str, dicts: &Dictionaries) -> Option<String> {
    dicts.count_regions(title).into_iter().max_by_key(|(_, n)| *n).map(|(name, _)| name)
}

/// The region a text is about, from how it speaks of itself: `我国` makes it national, `全省` /
/// `我省` a province's, `全市` / `我市` a city's; the province or city is then the one of that
/// level the text names most (a province also counts the mentions of its cities).
/// Words that say the plan is about the country, a province or a city.
const LEVEL_WORDS: [(&str, usize); 7] =
    [("我国", 0), ("我省", 1), ("全省", 1), ("本省", 1), ("我市", 2), ("全市", 2), ("本市", 2)];

/// How often `head` uses the words of each level (country, province, city): one prebuilt SIMD
/// substring search per word (seven of them cost less than one pass of an automaton over
/// CJK text). The words cannot overlap one another or themselves, so every occurrence counts
/// once, as with one `matches(word).count()` per word.
fn level_word_counts(head: &str) -> [usize; 3] {
    static FINDERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> = std::sync::OnceLock::new();
    let finders = FINDERS.get_or_init(|| LEVEL_WORDS.iter().map(|(w, _)| memchr::memmem::Finder::new(w)).collect());
    let mut counts = [0usize; 3];
    for (f, (_, level)) in finders.iter().zip(LEVEL_WORDS) {
        counts[level] += f.find_iter(head.as_bytes()).count();
    }
    counts
}

fn region_of_text(text: &str, dicts: &Dictionaries) -> Option<String> {
    // The region a plan is about is named early and often: its first 24 KiB are enough.
    let mut end = text.len().min(24 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let [national, province, city] = level_word_counts(head);
    let counts = dicts.count_regions(head);
    let level_of = |name: &str| dicts.unit(name).map(|p| p.level.clone()).unwrap_or_default();
    if province + city == 0 {
        let named = counts.iter().filter(|(_, n)| *n >= 3).max_by_key(|(_, n)| *n);
        return match named {
            Some((name, _)) if national == 0 => Some(name.clone()),
            _ => Some("全国".to_string()),
        };
    }
    if province > city {
        // Provinces, with their cities' mentions added.
        let mut by_province: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (name, n) in &counts {
            let unit = dicts.unit(name);
            let prov = match unit {
                Some(p) if p.level == "province" => Some(p.name.clone()),
                Some(p) if p.level == "city" => Some(p.within.clone()),
                _ => None,
            };
            if let Some(prov) = prov {
                *by_province.entry(prov).or_default() += n;
            }
        }
        return by_province.into_iter().max_by_key(|(name, n)| (*n, std::cmp::Reverse(name.clone()))).map(|(p, _)| p);
    }
    // A city: prefecture-level cities and the municipalities (provinces named 市).
    counts
        .into_iter()
        .filter(|(name, _)| level_of(name) == "city" || (level_of(name) == "province" && name.ends_with('市')))
        .max_by_key(|(name, n)| (*n, std::cmp::Reverse(name.clone())))
        .map(|(name, _)| name)
}

/// `市政府` in a document of 扬州市 → `扬州市人民政府`.
fn expand_issuer(issuer: &str, region: &str) -> String {
    for (short, full) in
        [("市政府", "市人民政府"), ("省政府", "省人民政府"), ("区政府", "区人民政府"), ("县政府", "县人民政府")]
    {
        if let Some(rest) = issuer.strip_prefix(short) {
            let prefix = region.trim_end_matches(['市', '省']);
            return format!("{prefix}{full}{rest}");
        }
    }
    issuer.to_string()
}

/// Plan period from `(2024—2027年)` in the title, `规划期为2021—2025年`, or a five-year-plan
/// name (`“十四五”` = 2021–2025) in the title or in the preamble of a 规划.
fn period(doc: &Doc, title: Option<&str>, header: usize) -> (Option<i32>, Option<i32>) {
    if let Some(t) = title {
        if let Some(p) = year_range(t) {
            return (Some(p.0), Some(p.1));
        }
        if let Some(p) = five_year_plan(t) {
            return (Some(p.0), Some(p.1));
        }
    }
    for i in 0..header.max(1).min(doc.lines.len()) {
        let t = doc.line_text(i);
        let stated = ["规划期为", "实施期为", "实施期限为", "规划期限为", "期限为"].iter().find_map(|w| t.find(w));
        if let Some(p) = stated.map(|p| &t[p..]).and_then(year_range) {
            return (Some(p.0), Some(p.1));
        }
    }
    if let Some(y) = title.and_then(single_year) {
        return (Some(y), Some(y));
    }
    // `有效期至2025年12月31日`: the end only.
    for i in (0..doc.lines.len()).rev().take(40) {
        let t = doc.line_text(i);
        if let Some(p) = t.find_str("有效期至") {
            let r = &t[p + "有效期至".len()..];
            if r.len() >= 7 && r.as_bytes()[..4].iter().all(u8::is_ascii_digit) && r[4..].starts_with('年') {
                return (None, r[..4].parse().ok());
            }
        }
    }
    // Without a title: the preamble of a 规划 that names its five-year plan.
    if title.is_none() {
        for i in 0..header.min(doc.lines.len()) {
            let t = doc.line_text(i);
            if t.has("本规划") {
                if let Some(p) = five_year_plan(t) {
                    return (Some(p.0), Some(p.1));
                }
            }
        }
    }
    (None, None)
}

fn year_range(s: &str) -> Option<(i32, i32)> {
    let b = s.as_bytes();
    for i in 0..b.len().saturating_sub(8) {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let rest = &s[i + 4..];
            let rest2 = rest.trim_start_matches(['—', '-', '–', '~', '至', '－']);
            if rest2.len() < rest.len() && rest2.len() >= 4 && rest2.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
                let a: i32 = s[i..i + 4].parse().ok()?;
                let b: i32 = rest2[..4].parse().ok()?;
                if (1949..=2100).contains(&a) && a < b && b - a <= 15 {
                    return Some((a, b));
                }
            }
        }
    }
    None
}

/// The one year a title is for: `数字山东2021行动方案` → 2021 (not a range, not a 十四五 name).
fn single_year(title: &str) -> Option<i32> {
    let b = title.as_bytes();
    let years: Vec<i32> = (0..b.len().saturating_sub(3))
        .filter(|&i| {
            b[i..i + 4].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_digit())
                && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
        })
        .filter_map(|i| title[i..i + 4].parse().ok())
        .filter(|y| (1990..=2100).contains(y))
        .collect();
    (years.len() == 1).then(|| years[0])
}

fn five_year_plan(s: &str) -> Option<(i32, i32)> {
    for (name, start) in [("十三五", 2016), ("十四五", 2021), ("十五五", 2026), ("十六五", 2031)] {
        if s.contains(name) {
            return Some((start, start + 4));
        }
    }
    None
}

#[cfg(test)]
mod tests {

    #[test]
    fn level_words_are_counted_as_one_search_per_word_counts_them() {
        for head in ["我国我省全省本省我市全市本市", "全省全省市我市市全市", "", "我我国国全全省省", "本省本市本省"]
        {
            let count = |words: &[&str]| words.iter().map(|w| head.matches(w).count()).sum::<usize>();
            let expected = [count(&["我国"]), count(&["我省", "全省", "本省"]), count(&["我市", "全市", "本市"])];
            assert_eq!(level_word_counts(head), expected, "{head}");
        }
    }

    use super::*;

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(cn_date_line("2024年9月27日   "), Some("2024-09-27".into()));
        assert_eq!(cn_date_line("二〇二二年一月五日"), Some("2022-01-05".into()));
        assert_eq!(cn_date_line("2022年1月"), None);
        assert_eq!(published_in_line("发布日期:2022-01-19 17:03点击次数:3273"), Some("2022-01-19".into()));
    }

    #[test]
    fn periods() {
        assert_eq!(year_range("重庆市未来产业培育行动计划(2024—2027年)"), Some((2024, 2027)));
        assert_eq!(five_year_plan("“十四五”时期"), Some((2021, 2025)));
    }

    #[test]
    fn chinese_dates_to_the_day_or_the_month() {
        assert_eq!(cn_date("2022年1月"), Some("2022-01".into()));
        assert_eq!(cn_date("2019年3月15日印发"), Some("2019-03-15".into()));
        assert_eq!(cn_date("0402年3月"), None);
        assert_eq!(single_year("数字山东2021行动方案"), Some(2021));
        assert_eq!(single_year("行动计划(2021-2023年)"), None);
    }

    #[test]
    fn co_signers_and_national_documents() {
        let d = Dictionaries::builtin();
        let text = "关于印发某方案的通知\n各有关单位:\n现将方案印发。\n上海市科学技术委员会\n上海市发展和改革委员会\n中 央 网 信 办\n2025年7月10日\n";
        let doc = crate::doc::analyse(text);
        assert_eq!(signature(&doc).as_deref(), Some("上海市科学技术委员会、上海市发展和改革委员会、中央网信办"));
        assert_eq!(issuer_region("国家发展改革委、中央网信办", &d).as_deref(), Some("全国"));
        assert_eq!(issuer_region("上海市科学技术委员会", &d).as_deref(), Some("上海市"));
        assert_eq!(region_of_text("我国传感器产业。我国仪器仪表。", &d).as_deref(), Some("全国"));
        let shandong = "全省信息技术产业。支持青岛、济南、青岛、烟台发展。全省推进。山东省。";
        assert_eq!(region_of_text(shandong, &d).as_deref(), Some("山东省"));
        let qingdao = "我市人工智能。青岛市、青岛、青岛。全市。山东。";
        assert_eq!(region_of_text(qingdao, &d).as_deref(), Some("青岛市"));
    }

    #[test]
    fn issuer_abbreviations_are_expanded() {
        assert_eq!(expand_issuer("市政府", "扬州市"), "扬州市人民政府");
        assert_eq!(expand_issuer("市政府办公厅", "重庆市"), "重庆市人民政府办公厅");
        assert_eq!(expand_issuer("成都市人民政府", "成都市"), "成都市人民政府");
    }
}

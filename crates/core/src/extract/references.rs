//! References to other documents by title: `根据《…》`, `贯彻落实《…》精神`, `衔接《…》`,
//! lists `《A》《B》和《C》` after one verb (the plan family, issue 18).
//!
//! The scan is cheap: `memchr` finds every `《` and only the text around a hit is read (the
//! title up to its `》`, the clause before it for the verb, a few characters after it). A
//! title counts when it names a plan-like document (规划, 纲要, 方案, 意见, 计划, 行动, 决定,
//! 通知, 办法, 政策, 措施 …) or a law (…法, …条例: kind `law`); books, standards, treaties and
//! statistical classifications (《人民日报》, 《…成熟度模型》, 《…协定》, 《…分类》) do not. A
//! 指南 counts only when the plan implements it (`落实《工业数据分类分级指南》`), not when the
//! plan is to write one (`编制《…指南》`). The document's own title (`关于印发《…》的通知`,
//! `现将《…》印发给你们`, `《…》已经市政府同意`) is no reference.

use crate::extract::text::Has;
use crate::extract::text::TrimAll;
use crate::model::Reference;

/// The most characters a title may have: an unclosed `《` never swallows a page.
pub const MAX_TITLE_CHARS: usize = 120;

/// The most references one document yields (a list of laws in an appendix stays bounded).
pub const MAX_REFERENCES: usize = 500;

/// Verbs by which a plan says it implements the cited document.
const BASIS_VERBS: &[&str] = &["根据", "依据", "按照", "遵照", "依照", "贯彻", "落实", "执行", "遵循"];

/// Verbs by which a plan cites a document without implementing it (aligning, comparing,
/// writing or revising it).
const MENTION_VERBS: &[&str] = &[
    "衔接",
    "对接",
    "对照",
    "参照",
    "参考",
    "借鉴",
    "结合",
    "修订",
    "编制",
    "制定",
    "推广",
    "出台",
    "研究",
    "宣贯",
    "推进",
    "推动",
    "提出",
    "基础上",
];

/// Endings of plan-like titles (after any trailing bracketed note such as `（2021—2025年）`).
const PLAN_ENDINGS: &[&str] = &[
    "规划",
    "纲要",
    "方案",
    "意见",
    "计划",
    "行动",
    "决定",
    "通知",
    "办法",
    "政策",
    "措施",
    "举措",
    "规定",
    "细则",
    "战略",
    "要点",
    "决议",
    "路线图",
    "工程",
    "若干条",
];

/// Endings of laws and regulations (kind `law`).
const LAW_ENDINGS: &[&str] = &["条例", "法典"];

/// Words that end in 法 but are no law.
const NOT_LAW_ENDINGS: &[&str] = &["办法", "方法", "做法", "算法", "想法", "用法", "疗法"];

/// A reference found in a text, offsets into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub title: String,
    pub relation: &'static str,
    pub kind: &'static str,
    /// `《` … `》` inclusive.
    pub start: usize,
    pub end: usize,
    /// The sentence the title is in.
    pub sentence: (usize, usize),
}

/// Reads the references of `text` (the normalised text of a document). `own_title` is the
/// document's own title, which is never a reference to another plan.
pub fn scan(text: &str, own_title: Option<&str>) -> Vec<Found> {
    let own = own_title.map(normalize_title).filter(|t| !t.is_empty());
    let mut out = Vec::new();
    let mut consumed = 0usize;
    // End of the previous title (past its document number) and its relation: a title right
    // after it (`《A》《B》和《C》`) takes the same verb.
    let mut prev: Option<(usize, &'static str)> = None;
    for p in memchr::memmem::find_iter(text.as_bytes(), "《".as_bytes()) {
        if p < consumed {
            continue;
        }
        let Some(close) = closing(text, p) else { continue };
        consumed = close;
        let inner = &text[p + '《'.len_utf8()..close - '》'.len_utf8()];
        let title = super::text::strip_spaces(inner);
        let after = skip_doc_number(text, close);
        if title.is_empty() || is_own(text, p, after, &title, own.as_deref()) {
            prev = None;
            continue;
        }
        let relation = match prev {
            Some((e, r)) if e <= p && only_separators(&text[e..p]) => r,
            _ => relation_of(text, p, after),
        };
        prev = Some((after, relation));
        let kind = match kind_of(&title) {
            Some(Kind::Guide) if relation == "basis" => "plan",
            Some(Kind::Plan) => "plan",
            Some(Kind::Law) => "law",
            _ => continue,
        };
        out.push(Found { title, relation, kind, start: p, end: close, sentence: sentence_of(text, p, close) });
        if out.len() >= MAX_REFERENCES {
            break;
        }
    }
    out
}

/// The references of an analysed document, spans into its source text.
pub fn extract(ctx: &super::Ctx, own_title: Option<&str>) -> Vec<Reference> {
    from_found(ctx.norm, scan(ctx.doc.text, own_title))
}

/// The references of a source text (`markdown` as `read::Format::Markdown` says), for a
/// stored version whose plan JSON predates them.
pub fn from_source(source: &str, markdown: bool, own_title: Option<&str>) -> Vec<Reference> {
    let norm = crate::normalize::normalize_as(source, markdown);
    let found = scan(&norm.text, own_title);
    from_found(&norm, found)
}

fn from_found(norm: &crate::normalize::NormText, found: Vec<Found>) -> Vec<Reference> {
    found
        .into_iter()
        .map(|f| Reference {
            title: f.title,
            relation: f.relation.to_string(),
            kind: f.kind.to_string(),
            span: norm.span(f.start, f.end),
            sentence: norm.span(f.sentence.0, f.sentence.1),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plan,
    Law,
    /// 指南: a plan-like document only when the plan implements it.
    Guide,
}

/// The end (past `》`) of the title opened at `open`, nested `《》` allowed; `None` when it
/// is not closed within [`MAX_TITLE_CHARS`], before a sentence end or a blank line.
fn closing(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = 0usize;
    let mut newline = false;
    for (i, c) in text[open..].char_indices() {
        match c {
            '《' => depth += 1,
            '》' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i + c.len_utf8());
                }
            }
            '。' | '；' | '！' | '？' => return None,
            '\n' => {
                if newline {
                    return None;
                }
                newline = true;
                continue;
            }
            c if c.is_whitespace() => continue,
            _ => {}
        }
        newline = false;
        chars += 1;
        if chars > MAX_TITLE_CHARS {
            return None;
        }
    }
    None
}

/// Past a document number right after a title: `（国发〔2017〕35号）`, `(苏政发〔2023〕10号)`.
fn skip_doc_number(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let trimmed = rest.trim_start_matches([' ', '\t', '\u{3000}']);
    let start = at + rest.len() - trimmed.len();
    let Some(open) = trimmed.chars().next().filter(|c| *c == '（' || *c == '(') else { return at };
    let body = &trimmed[open.len_utf8()..];
    for (i, c) in body.char_indices().take(40) {
        if c == '）' || c == ')' {
            let inner = &body[..i];
            if inner.contains('号') || inner.contains('〔') || inner.contains('[') {
                return start + open.len_utf8() + i + c.len_utf8();
            }
            return at;
        }
        if c == '\n' || c == '。' {
            return at;
        }
    }
    at
}

/// Whether the text between two titles only separates them (`、`, `和`, `及`, `与` …).
fn only_separators(s: &str) -> bool {
    let s = s.trim();
    s.chars().count() <= 3 && s.chars().all(|c| matches!(c, '、' | '，' | ',' | '和' | '及' | '与' | '以' | '并'))
}

/// How far into a document its notice head may run: `关于印发《…》的通知` there is the
/// document's own title; further on only when the title is the document's own.
const NOTICE_HEAD: usize = 3000;

/// The document's own title: `关于印发《…》的通知`, `现将《…》印发`, `《…》已经…同意` in the notice
/// head (or naming the document's own title), or the title the document gives itself.
fn is_own(text: &str, open: usize, after: usize, title: &str, own: Option<&str>) -> bool {
    let t = normalize_title(title);
    let is_own_title = own.is_some_and(|own| t == own || (t.starts_with("关于") && own.ends_with(&t)));
    if is_own_title {
        return true;
    }
    if open > NOTICE_HEAD {
        return false;
    }
    let before: String = tail_chars(&text[..open], 4).chars().filter(|c| !c.is_whitespace()).collect();
    if before.ends_with("印发") || before.ends_with("现将") {
        return true;
    }
    let next: String = text[after..].chars().filter(|c| !c.is_whitespace()).take(8).collect();
    let next = next.trim_start_matches(['。', '，', ',']);
    ["已经", "已由", "印发", "现印发", "现予以印发", "予以印发"].iter().any(|w| next.starts_with(w))
}

/// `s` after the last of `stops` (all of `s` when none).
fn past_last<'a>(s: &'a str, stops: &[char]) -> &'a str {
    match s.rfind(stops) {
        Some(i) => &s[i + s[i..].chars().next().map_or(1, char::len_utf8)..],
        None => s,
    }
}

/// The last `n` characters of `s`.
fn tail_chars(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n.saturating_sub(1)).map(|(i, _)| i).unwrap_or(0);
    &s[start..]
}

/// `basis` when the clause before the title carries an implementing verb (`根据`, `落实` …)
/// as its last verb, or the sentence says `贯彻落实…《…》精神`; `mention` otherwise.
fn relation_of(text: &str, open: usize, after: usize) -> &'static str {
    let lookback = tail_chars(&text[..open], 120);
    let sentence = past_last(lookback, &['。', '；', '！', '？', '\n']).trim_start();
    let clause = past_last(sentence, &['，', ',', '：', ':']);
    let last = |verbs: &[&str]| verbs.iter().filter_map(|v| clause.rfind(v).map(|i| i + v.len())).max();
    match (last(BASIS_VERBS), last(MENTION_VERBS)) {
        (Some(b), Some(m)) if b >= m => return "basis",
        (Some(_), None) => return "basis",
        (_, Some(_)) => return "mention",
        (None, None) => {}
    }
    // `贯彻落实…，…《…》精神`: the verb may stand clauses away when the title is followed by 精神.
    let next: String = text[after..].chars().filter(|c| !c.is_whitespace()).take(8).collect();
    let next = next.trim_start_all("等文件").trim_start_all("文件");
    if (sentence.has("贯彻") || sentence.has("落实")) && (next.starts_with("精神") || next.starts_with("部署"))
    {
        return "basis";
    }
    "mention"
}

/// The sentence around `[start, end)`: from after the previous `。；！？` or line break to the
/// next one, at most 100 characters before and 150 after.
fn sentence_of(text: &str, start: usize, end: usize) -> (usize, usize) {
    let before = tail_chars(&text[..start], 100);
    let from = start - past_last(before, &['。', '；', '！', '？', '\n']).len();
    let after = &text[end..];
    let limit = after.char_indices().nth(150).map(|(i, _)| i).unwrap_or(after.len());
    let to = end
        + after[..limit]
            .find(['。', '；', '！', '？', '\n'])
            .map(|i| i + after[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(limit);
    let lead = text[from..start].len() - text[from..start].trim_start().len();
    (from + lead, to)
}

/// The kind of document a title names, `None` when it is no plan or law.
fn kind_of(title: &str) -> Option<Kind> {
    let core = strip_bracketed_tail(title);
    let core = core.trim_end_matches(['”', '"', '’', '\'']);
    if LAW_ENDINGS.iter().any(|e| core.ends_with(e))
        || (core.ends_with('法') && !NOT_LAW_ENDINGS.iter().any(|e| core.ends_with(e)))
    {
        return Some(Kind::Law);
    }
    if PLAN_ENDINGS.iter().any(|e| core.ends_with(e)) {
        return Some(Kind::Plan);
    }
    if core.ends_with("指南") {
        return Some(Kind::Guide);
    }
    None
}

/// `title` without trailing bracketed notes: `数字山东发展规划（2018-2022年）` → `数字山东发展规划`.
fn strip_bracketed_tail(title: &str) -> &str {
    let mut t = title.trim_end();
    loop {
        let Some(last) = t.chars().last() else { return t };
        let open = match last {
            '）' => '（',
            ')' => '(',
            _ => return t,
        };
        let body = &t[..t.len() - last.len_utf8()];
        match body.rfind([open, if open == '（' { '(' } else { '（' }]) {
            Some(i) if i > 0 => t = body[..i].trim_end(),
            _ => return t,
        }
    }
}

/// Markers of a document's stage that are no part of its title.
const STAGE_MARKERS: &[&str] =
    &["(征求意见稿)", "(公开征求意见稿)", "(草案)", "(草案征求意见稿)", "(送审稿)", "(代拟稿)", "(讨论稿)", "(试行)"];

/// The key a title is matched by: no `《》`, quotes or whitespace, full-width forms half-width,
/// dashes one dash, `二〇三五年` → `2035年`, stage markers (`（征求意见稿）`, `（草案）`,
/// `（试行）`) dropped, so `“十四五”数字经济发展规划` and `《十四五数字经济发展规划（征求意见稿）》`
/// meet.
pub fn normalize_title(title: &str) -> String {
    let mut s = String::with_capacity(title.len());
    for c in title.chars() {
        let c = match c {
            c if c.is_whitespace() => continue,
            '《' | '》' | '〈' | '〉' | '＜' | '＞' | '<' | '>' | '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」'
            | '『' | '』' => continue,
            '（' => '(',
            '）' => ')',
            '—' | '–' | '－' | '~' | '～' | '〜' | '‐' | '‑' => '-',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        };
        s.push(c);
    }
    // `--` from a doubled dash (`——`) is one dash.
    while s.has("--") {
        s = s.replace("--", "-");
    }
    for m in STAGE_MARKERS {
        if s.contains(m) {
            s = s.replace(m, "");
        }
    }
    chinese_years(&s)
}

/// `二〇三五年` → `2035年` (four Chinese digits before 年).
fn chinese_years(s: &str) -> String {
    let digit = |c: char| "〇零一二三四五六七八九".chars().position(|d| d == c).map(|p| if p == 0 { 0 } else { p - 1 });
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if i + 4 < chars.len() && chars[i + 4] == '年' && chars[i..i + 4].iter().all(|c| digit(*c).is_some()) {
            for c in &chars[i..i + 4] {
                out.push(char::from_digit(digit(*c).unwrap_or(0) as u32, 10).unwrap_or('0'));
            }
            i += 4;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A normalised title without bracketed parts (`数字山东发展规划(2018-2022年)` →
/// `数字山东发展规划`), the second key of a match.
pub fn core_title(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len());
    let mut depth = 0usize;
    for c in normalized.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Similarity of two titles in [0, 1]: the Dice coefficient of their character bigrams.
pub fn similarity(a: &str, b: &str) -> f64 {
    let grams = |s: &str| {
        let c: Vec<char> = s.chars().collect();
        let mut g: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        g.sort_unstable();
        g
    };
    let (ga, gb) = (grams(a), grams(b));
    if ga.is_empty() || gb.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    2.0 * common as f64 / (ga.len() + gb.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(text: &str) -> Vec<(String, &'static str, &'static str)> {
        scan(text, None).into_iter().map(|f| (f.title, f.relation, f.kind)).collect()
    }

    fn t(title: &str, relation: &'static str, kind: &'static str) -> (String, &'static str, &'static str) {
        (title.to_string(), relation, kind)
    }

    #[test]
    fn a_list_after_one_verb_is_basis_throughout() {
        let text = "根据《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》《“十四五”国家战略性新兴产业发展规划》和《成渝地区双城经济圈建设规划纲要》，制定本规划。";
        assert_eq!(
            titles(text),
            vec![
                t("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "basis", "plan"),
                t("“十四五”国家战略性新兴产业发展规划", "basis", "plan"),
                t("成渝地区双城经济圈建设规划纲要", "basis", "plan"),
            ]
        );
    }

    #[test]
    fn document_numbers_between_listed_titles_keep_the_list() {
        let text = "根据《工业和信息化部等七部门关于推动未来产业创新发展的实施意见》(工信部联科〔2024〕12号)、《省政府关于加快培育发展未来产业的指导意见》(苏政发〔2023〕10号),结合实际,制定本意见。";
        let got = titles(text);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|g| g.1 == "basis"), "{got:?}");
    }

    #[test]
    fn nested_quotes_and_brackets_stay_inside_the_title() {
        let text = "落实《国务院关于印发进一步鼓励软件产业和集成电路产业发展若干政策的通知》（国发〔2011〕4号）和《关于印发＜高新技术企业认定管理办法＞的通知》。推进《关于〈数字中国〉的意见》。";
        assert_eq!(
            titles(text),
            vec![
                t("国务院关于印发进一步鼓励软件产业和集成电路产业发展若干政策的通知", "basis", "plan"),
                t("关于印发＜高新技术企业认定管理办法＞的通知", "basis", "plan"),
                t("关于〈数字中国〉的意见", "mention", "plan"),
            ]
        );
        // `《《》》`: one title, the inner one is part of it.
        assert_eq!(titles("依据《关于实施《规划》的意见》。"), vec![t("关于实施《规划》的意见", "basis", "plan")]);
    }

    #[test]
    fn a_book_a_standard_or_a_treaty_is_no_plan() {
        let text = "学习《习近平谈治国理政》，推广《数据管理能力成熟度评估模型》，推进加入《全面与进步跨太平洋伙伴关系协定》，刊登在《人民日报》。";
        assert!(titles(text).is_empty(), "{:?}", titles(text));
        // A 指南 the plan is to write is no reference; one it implements is.
        assert!(titles("编制年度《对外投资合作国别（地区）指南》。").is_empty());
        assert_eq!(
            titles("落实国家《工业数据分类分级指南（试行）》要求。"),
            vec![t("工业数据分类分级指南（试行）", "basis", "plan")]
        );
    }

    #[test]
    fn a_title_broken_across_a_line_is_one_title() {
        let text = "根据《“十四五”国家战略性新\n兴产业发展规划》，制定本规划。";
        assert_eq!(titles(text), vec![t("“十四五”国家战略性新兴产业发展规划", "basis", "plan")]);
        // A blank line or a sentence end is no title's inside: the `《` is left alone.
        assert!(titles("根据《未闭合的标题\n\n下一段规划》").is_empty());
        assert!(titles("根据《未闭合。下一句规划》").is_empty());
    }

    #[test]
    fn laws_are_basis_of_kind_law_and_revisions_mentions() {
        assert_eq!(
            titles("依据《中华人民共和国科学技术进步法》，制定本规划。"),
            vec![t("中华人民共和国科学技术进步法", "basis", "law")]
        );
        assert_eq!(
            titles("推动修订《重庆市科技创新促进条例》《重庆市科学技术普及条例》等地方性法规。"),
            vec![t("重庆市科技创新促进条例", "mention", "law"), t("重庆市科学技术普及条例", "mention", "law")]
        );
        assert_eq!(titles("完善《企业管理办法》。"), vec![t("企业管理办法", "mention", "plan")]);
    }

    #[test]
    fn alignment_and_statements_are_mentions_and_spirit_is_basis() {
        assert_eq!(
            titles("与《重庆市国土空间总体规划》相衔接。"),
            vec![t("重庆市国土空间总体规划", "mention", "plan")]
        );
        assert_eq!(
            titles("对接《成渝地区双城经济圈建设规划纲要》。"),
            vec![t("成渝地区双城经济圈建设规划纲要", "mention", "plan")]
        );
        assert_eq!(
            titles("《成渝地区双城经济圈建设规划纲要》提出，深入推进。"),
            vec![t("成渝地区双城经济圈建设规划纲要", "mention", "plan")]
        );
        assert_eq!(
            titles("为深入贯彻落实《“十四五”智能制造发展规划》和《山东省“十四五”制造强省建设规划》等文件精神，制定本方案。"),
            vec![t("“十四五”智能制造发展规划", "basis", "plan"), t("山东省“十四五”制造强省建设规划", "basis", "plan")]
        );
        assert_eq!(
            titles("深入贯彻党的二十大精神，认真学习《关于加快发展数字经济的意见》精神。"),
            vec![t("关于加快发展数字经济的意见", "basis", "plan")]
        );
    }

    #[test]
    fn the_documents_own_title_is_no_reference() {
        let text = "关于印发《重庆市未来产业培育行动计划(2024—2027年)》的通知\n《重庆市未来产业培育行动计划(2024—2027年)》已经市政府同意,现印发给你们。现将《重庆市科技创新“十四五”规划》印发给你们。制定了《杨“数”浦新质秀带创新区建设方案》。现予以印发。";
        assert!(titles(text).is_empty(), "{:?}", titles(text));
        let own = "成都市人民政府关于前瞻培育未来产业构筑高质量发展新动能的实施意见";
        let news = "成都市人民政府发布《关于前瞻培育未来产业构筑高质量发展新动能的实施意见》。";
        assert!(scan(news, Some(own)).is_empty());
        // Far from the notice head, `关于印发《…》的通知` cites another document.
        let far = format!(
            "{}根据国务院关于印发《新一代人工智能发展规划》的通知，制定本方案。",
            "。".repeat(NOTICE_HEAD / 3 + 1)
        );
        assert_eq!(titles(&far), vec![t("新一代人工智能发展规划", "basis", "plan")]);
        // A plan that shares the end of its title with the cited one still cites it.
        let found = scan("根据《新一代人工智能发展规划》，制定本规划。", Some("山东省新一代人工智能发展规划"));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn hostile_input_stays_bounded() {
        let open = "《".repeat(10_000);
        assert!(titles(&open).is_empty());
        let long = format!("根据《{}规划》。", "长".repeat(MAX_TITLE_CHARS + 1));
        assert!(titles(&long).is_empty());
        let many = "根据《甲规划》、".repeat(MAX_REFERENCES + 10);
        assert_eq!(scan(&many, None).len(), MAX_REFERENCES);
        assert!(titles("》》《》《").is_empty());
    }

    #[test]
    fn spans_and_sentences_index_the_text() {
        let text = "一、总则\n为加快发展，根据《甲规划》，制定本方案。其他。";
        let f = &scan(text, None)[0];
        assert_eq!(&text[f.start..f.end], "《甲规划》");
        assert_eq!(&text[f.sentence.0..f.sentence.1], "为加快发展，根据《甲规划》，制定本方案。");
    }

    #[test]
    fn titles_normalise_to_one_key() {
        assert_eq!(
            normalize_title("《“十四五”数字经济发展规划》"),
            normalize_title("十四五数字经济发展规划（征求意见稿）")
        );
        assert_eq!(
            normalize_title("重庆市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"),
            "重庆市国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
        );
        assert_eq!(normalize_title("数字山东发展规划（2018—2022年）"), "数字山东发展规划(2018-2022年)");
        assert_eq!(core_title("数字山东发展规划(2018-2022年)"), "数字山东发展规划");
        assert_eq!(normalize_title("Ａ　Ｂ"), "AB");
        assert!(similarity("数字山东发展规划", "数字山东发展规划") > 0.99);
        assert!(similarity("数字山东发展规划", "数字经济发展规划") < 0.8);
    }
}

//! What a task is and by when: the 任务内容 and 完成时限 columns of a 任务分工表.
//!
//! A task's content is the text of the passage its owners close, as the document writes it:
//! - an owner bracket at the end of a paragraph (or in its middle) closes the sentences since
//!   the section's start or the previous owner passage, whichever is later; when those begin
//!   on the heading's own line (a run-in heading, `(一)强化统筹。…`), the heading's title
//!   comes with them;
//! - an owner line after the items of a section (`1)…` `2)…` then `〔牵头单位:…〕`) closes the
//!   whole section: its title and every item;
//! - an owner line with nothing before it in its section heads the text that follows it;
//! - a sentence whose subject is a unit (`市发展改革委负责…`) is its own content.
//!
//! The deadline is read from the content and the owner passage, by the words of
//! `[tasks]` in `data/cues.toml`: an explicit date (`2025年底前`) first, else a standing
//! phrase (`持续推进`), else a year frame (`到2027年`), else none.

use crate::cues::TaskCues;
use crate::doc::{Doc, LineKind};
use crate::model::TASK_CONTENT_MAX_CHARS;

/// Where the passage's task starts, as [`passage_content`] needs it.
pub(super) struct PassagePlace {
    /// The section the task is (after promoting an owner line to the section its items form).
    pub section: Option<usize>,
    /// The task is the whole section (an owner line after its items).
    pub whole_section: bool,
    /// Line of the passage and its byte range in the normalised text.
    pub line: usize,
    pub start: usize,
    pub end: usize,
    /// The passage is a line of its own.
    pub standalone: bool,
    /// End of the previous owner passage and start of the next one, if any.
    pub prev_end: Option<usize>,
    pub next_start: Option<usize>,
}

/// The content of an owner passage's task (see the module documentation).
pub(super) fn passage_content(doc: &Doc, p: &PassagePlace) -> String {
    let section_start = match p.section {
        Some(h) => {
            let hd = &doc.headings[h];
            if p.whole_section || hd.run_in.is_some() || hd.line == p.line {
                hd.title_range.0
            } else {
                doc.lines.get(hd.line + 1).map_or(p.start, |l| l.start)
            }
        }
        // Before any heading: the paragraph of the passage, or the one before an owner line.
        None => {
            let mut i = p.line;
            if p.standalone {
                while i > 0 && (i == p.line || doc.lines[i].kind == LineKind::Blank) {
                    i -= 1;
                }
            }
            doc.lines[i].cstart
        }
    };
    let from = section_start.max(p.prev_end.unwrap_or(0));
    let before = text_between(doc, from, p.start);
    if !before.is_empty() || !p.standalone {
        return cap(&before);
    }
    // `牵头单位:…` right under its heading: the text it heads, up to the next passage or the
    // section's end.
    let section_end =
        p.section.map(|h| doc.headings[h].end_line).and_then(|l| doc.lines.get(l)).map_or(doc.text.len(), |l| l.start);
    let to = p.next_start.unwrap_or(usize::MAX).min(section_end);
    cap(&text_between(doc, p.end, to))
}

/// The document's text in `[from, to)`, line by line (trimmed, joined by `\n`), without blank
/// lines, the table of contents and 专栏 boxes, and without the punctuation a previous owner
/// passage left at the start.
fn text_between(doc: &Doc, from: usize, to: usize) -> String {
    if from >= to {
        return String::new();
    }
    let box_heads: Vec<usize> = doc.boxes.iter().map(|b| doc.headings[b.heading].line).collect();
    let first = doc.lines.partition_point(|l| l.end < from);
    let mut out = String::new();
    for (i, line) in doc.lines.iter().enumerate().skip(first) {
        if line.start >= to {
            break;
        }
        if matches!(line.kind, LineKind::Blank | LineKind::Toc) || line.in_box.is_some() || box_heads.contains(&i) {
            continue;
        }
        let (a, b) = (line.cstart.max(from), line.cend.min(to));
        let Some(piece) = doc.text.get(a..b.max(a)) else { continue };
        let piece = piece.trim_start_matches(['。', ';', ',', '、', ' ', '\t']).trim();
        if piece.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&piece.replace('\t', " "));
    }
    out
}

/// `s` when it has at most [`TASK_CONTENT_MAX_CHARS`] characters; else cut at the last
/// sentence end that leaves room for a closing `…` (or just before the limit when there is
/// none), and marked with it.
pub(super) fn cap(s: &str) -> String {
    if s.char_indices().nth(TASK_CONTENT_MAX_CHARS).is_none() {
        return s.to_string();
    }
    let limit = s.char_indices().nth(TASK_CONTENT_MAX_CHARS - 1).map_or(s.len(), |(i, _)| i);
    let head = &s[..limit];
    let cut = head
        .rfind(['。', ';', '!', '?', '\n'])
        .map_or(limit, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
    format!("{}…", s[..cut].trim_end())
}

/// The deadline `text` gives, as written (see the module documentation). Years before
/// `base_year` (the year the document speaks from) are history, not deadlines.
pub fn deadline(text: &str, cues: &TaskCues, base_year: Option<i32>) -> Option<String> {
    let years = years_in(text, base_year);
    // An explicit date ending in 前/底/末: the latest.
    let mut best: Option<((i32, u32), &str)> = None;
    for &(at, year) in &years {
        if let Some((end, month)) = date_end(text, at + YEAR_LEN, cues) {
            let key = (year, month);
            if best.is_none_or(|(k, _)| key > k) {
                best = Some((key, &text[at..end]));
            }
        }
    }
    if let Some((_, phrase)) = best {
        return Some(phrase.to_string());
    }
    // A standing phrase: the first in the text.
    let standing = cues
        .standing_deadlines
        .iter()
        .flat_map(|w| crate::extract::text::match_offsets(text, w).map(move |at| (at, w.as_str())))
        .filter(|(at, _)| !text[..*at].ends_with(is_numeral))
        .min_by_key(|(at, w)| (*at, std::cmp::Reverse(w.len())));
    if let Some((_, w)) = standing {
        return Some(w.to_string());
    }
    // A year frame `到20XX年`, or a year that opens a sentence or clause (`2026年,…`): the latest.
    let mut frame: Option<(i32, &str)> = None;
    for &(at, year) in &years {
        let after = &text[at + YEAR_LEN..];
        let word = cues.year_frames.iter().find(|w| text[..at].ends_with(w.as_str()));
        let start = match word {
            Some(w) => at - w.len(),
            None if (at == 0 || text[..at].ends_with(['。', ';', '\n', ','])) && after.starts_with([',', ':']) => at,
            None => continue,
        };
        // A period (`2021年至2025年`, `2024年—2026年`) is no deadline.
        let opens_range = after.starts_with(['—', '-', '–', '~', '至', '到']);
        let closes_range = text[..start].ends_with(|c: char| c == '年' || c.is_ascii_digit());
        if opens_range || closes_range {
            continue;
        }
        if frame.is_none_or(|(y, _)| year > y) {
            frame = Some((year, &text[start..at + YEAR_LEN]));
        }
    }
    frame.map(|(_, phrase)| phrase.to_string())
}

/// Bytes of `20XX年`.
const YEAR_LEN: usize = 4 + '年'.len_utf8();

fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "〇零一二三四五六七八九十两".contains(c)
}

/// Byte offsets of `20XX年` (four ASCII digits not part of a longer number, then 年) with the
/// year, for years from `base_year` on.
fn years_in(text: &str, base_year: Option<i32>) -> Vec<(usize, i32)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices('年') {
        let Some(start) = at.checked_sub(4) else { continue };
        let digits = &b[start..at];
        if !digits.iter().all(u8::is_ascii_digit) || start.checked_sub(1).is_some_and(|p| b[p].is_ascii_digit()) {
            continue;
        }
        let year = digits.iter().fold(0i32, |y, d| y * 10 + i32::from(d - b'0'));
        if (1990..=2100).contains(&year) && base_year.is_none_or(|b| year >= b) {
            out.push((start, year));
        }
    }
    out
}

/// After `20XX年` at byte `at`: an optional month (and day), then a date ending. Returns the
/// end of the phrase and its month for ordering (12 for 年底/年末, 0 for a bare 年前).
fn date_end(text: &str, at: usize, cues: &TaskCues) -> Option<(usize, u32)> {
    let mut pos = at;
    let mut month = None;
    if let Some((m, len)) = number_before(&text[pos..], '月').filter(|(m, _)| (1..=12).contains(m)) {
        month = Some(m);
        pos += len;
        if let Some((_, len)) = number_before(&text[pos..], '日').filter(|(d, _)| (1..=31).contains(d)) {
            pos += len;
        }
    }
    let ending = cues.date_endings.iter().find(|e| text[pos..].starts_with(e.as_str()))?;
    let end = pos + ending.len();
    // `2025年前三季度`, `2025年前期`: 前 there is not "before".
    if ending.ends_with('前') && text[end..].starts_with(|c: char| is_numeral(c) || "期半".contains(c)) {
        return None;
    }
    let year_end = ending.starts_with(['底', '末']);
    Some((end, month.unwrap_or(if year_end { 12 } else { 0 })))
}

/// `12月…` → (12, bytes of `12月`) when `s` starts with one or two ASCII digits and `unit`.
fn number_before(s: &str, unit: char) -> Option<(u32, usize)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) || !s[digits..].starts_with(unit) {
        return None;
    }
    Some((s[..digits].parse().ok()?, digits + unit.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Task;
    use crate::Dictionaries;

    fn tasks_of(text: &str) -> Vec<Task> {
        crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap().tasks
    }

    fn d(text: &str) -> Option<String> {
        deadline(text, &Dictionaries::builtin().cues.tasks, Some(2024))
    }

    #[test]
    fn brackets_close_the_sentences_since_the_section_or_the_previous_bracket() {
        let tasks = tasks_of(
            "一、重点任务\n\n(一)建设创新平台\n\n支持高校建设实验室。\n\n到2026年,建成中试平台5个。(市科技局牵头,市财政局配合)\n\n\
             (二)强化企业培育\n\n实施企业梯度培育。(市经济和信息化局负责)2025年底前出台培育办法。(市财政局负责)\n",
        );
        assert_eq!(tasks.len(), 3, "{tasks:#?}");
        assert_eq!(tasks[0].title, "建设创新平台");
        assert_eq!(tasks[0].content, "支持高校建设实验室。\n到2026年,建成中试平台5个。");
        assert_eq!(tasks[0].deadline.as_deref(), Some("到2026年"));
        assert_eq!(tasks[1].content, "实施企业梯度培育。");
        assert_eq!(tasks[1].deadline, None);
        assert_eq!(tasks[2].content, "2025年底前出台培育办法。");
        assert_eq!(tasks[2].deadline.as_deref(), Some("2025年底前"));
        for t in &tasks {
            assert!(!t.content.contains("负责") && !t.content.contains("牵头"), "owner passage in {:?}", t.content);
        }
    }

    #[test]
    fn run_in_headings_bring_their_title() {
        let tasks = tasks_of(
            "三、保障措施\n\n(一)强化统筹推进。建立联席会议制度,长期坚持定期调度。(市发展改革委牵头)\n\n\
             (二)加强要素保障。落实用地指标。(市自然资源和规划局负责)\n",
        );
        assert_eq!(tasks.len(), 2, "{tasks:#?}");
        assert_eq!(tasks[0].content, "强化统筹推进。建立联席会议制度,长期坚持定期调度。");
        assert_eq!(tasks[0].deadline.as_deref(), Some("长期坚持"));
        assert_eq!(tasks[1].content, "加强要素保障。落实用地指标。");
    }

    #[test]
    fn an_owner_line_after_the_items_closes_the_whole_section() {
        let tasks = tasks_of(
            "二、重点领域\n\n(一)未来产业\n\n1.空天信息\n\n1)新型卫星。发展卫星载荷。\n\n\
             2)北斗应用。2024年6月底前建成北斗服务平台,2025年底前推广应用。\n\n\
             〔牵头单位:市发展改革委;责任单位:市科技局、市经济信息委〕\n\n2.生物制造\n\n\
             1)合成生物。建设中试基地。\n\n2)生物医药。发展创新药。\n\n(牵头单位:市科技局;责任单位:市卫生健康委)\n",
        );
        assert_eq!(tasks.len(), 2, "{tasks:#?}");
        assert_eq!(tasks[0].title, "空天信息");
        assert_eq!(
            tasks[0].content,
            "空天信息\n1)新型卫星。发展卫星载荷。\n2)北斗应用。2024年6月底前建成北斗服务平台,2025年底前推广应用。"
        );
        // The latest of the dates the task gives.
        assert_eq!(tasks[0].deadline.as_deref(), Some("2025年底前"));
        assert_eq!(tasks[1].content, "生物制造\n1)合成生物。建设中试基地。\n2)生物医药。发展创新药。");
        assert_eq!(tasks[1].deadline, None);
    }

    #[test]
    fn an_owner_line_under_its_heading_heads_the_text_after_it() {
        let tasks = tasks_of(
            "一、主要任务\n\n(一)推进数据开放\n\n牵头单位:市大数据局\n\n持续推进公共数据开放共享。\n\n\
             (二)建设算力设施\n\n建设智算中心。\n\n牵头单位:市经济信息委\n",
        );
        assert_eq!(tasks.len(), 2, "{tasks:#?}");
        assert_eq!(tasks[0].content, "持续推进公共数据开放共享。");
        assert_eq!(tasks[0].deadline.as_deref(), Some("持续推进"));
        assert_eq!(tasks[1].content, "建设智算中心。");
    }

    #[test]
    fn a_free_text_task_is_its_sentence() {
        let tasks = tasks_of(
            "四、组织实施\n\n(一)加强组织领导。建立工作机制,市发展改革委负责统筹协调,每年开展评估。各区县要抓好落实。\n",
        );
        assert_eq!(tasks.len(), 1, "{tasks:#?}");
        assert_eq!(tasks[0].content, "建立工作机制,市发展改革委负责统筹协调,每年开展评估。");
        assert_eq!(tasks[0].deadline.as_deref(), Some("每年"));
    }

    #[test]
    fn explicit_dates_as_written_the_latest_first() {
        assert_eq!(d("2025年底前出台办法").as_deref(), Some("2025年底前"));
        assert_eq!(d("于2024年6月底前建成").as_deref(), Some("2024年6月底前"));
        assert_eq!(d("2024年9月30日前完成").as_deref(), Some("2024年9月30日前"));
        assert_eq!(d("到2026年末,形成体系").as_deref(), Some("2026年末"));
        assert_eq!(d("2025年前建成").as_deref(), Some("2025年前"));
        assert_eq!(d("2024年底前启动,2025年底前完成").as_deref(), Some("2025年底前"));
        assert_eq!(d("2025年6月底前试点,2025年底前推广").as_deref(), Some("2025年底前"));
        // An explicit date wins over a standing phrase and a year frame.
        assert_eq!(d("持续推进试点,到2027年全面推广,2025年底前形成方案").as_deref(), Some("2025年底前"));
        // `前` that is not "before", garbled years and history are no dates.
        assert_eq!(d("2025年前三季度完成评估"), None);
        assert_eq!(d("0403年底前建设完成省级平台"), None);
        assert_eq!(d("2020年底前已建成平台"), None);
    }

    #[test]
    fn standing_phrases_then_year_frames() {
        assert_eq!(d("持续推进场景开放").as_deref(), Some("持续推进"));
        assert_eq!(d("长期坚持开放合作").as_deref(), Some("长期坚持"));
        assert_eq!(d("长期推进人才引育").as_deref(), Some("长期推进"));
        assert_eq!(d("每年培育一批企业").as_deref(), Some("每年"));
        assert_eq!(d("年内出台实施细则").as_deref(), Some("年内"));
        assert_eq!(d("年底前,省级事项网上可办").as_deref(), Some("年底前"));
        assert_eq!(d("到2027年,建成示范区,持续推进").as_deref(), Some("持续推进"));
        assert_eq!(d("到2027年,建成示范区").as_deref(), Some("到2027年"));
        assert_eq!(d("力争到2025年,产值突破千亿").as_deref(), Some("力争到2025年"));
        assert_eq!(d("争取到2025年建成10家平台").as_deref(), Some("争取到2025年"));
        assert_eq!(d("到2025年,建成10个。到2027年,建成20个").as_deref(), Some("到2027年"));
        assert_eq!(d("2026年,体系初步建立").as_deref(), Some("2026年"));
        // Periods, years inside a sentence and past years are no deadlines.
        assert_eq!(d("2024年至2026年,建成平台"), None);
        assert_eq!(d("2024—2026年,建成平台"), None);
        assert_eq!(d("围绕2026年世界大会,建设展馆"), None);
        assert_eq!(d("到2020年,已建成平台"), None);
        assert_eq!(d("加强统筹协调"), None);
    }

    #[test]
    fn content_is_capped_at_a_sentence_end() {
        let long = "推进重点项目建设并加强要素保障。".repeat(200);
        let capped = cap(&long);
        assert!(capped.chars().count() <= TASK_CONTENT_MAX_CHARS, "{}", capped.chars().count());
        assert!(capped.chars().count() > TASK_CONTENT_MAX_CHARS - 20, "{}", capped.chars().count());
        assert!(capped.ends_with("。…"), "{capped}");
        assert!(long.starts_with(capped.trim_end_matches('…')));
        let unbroken = "甲".repeat(3000);
        assert_eq!(cap(&unbroken).chars().count(), TASK_CONTENT_MAX_CHARS);
        assert_eq!(cap("短句。"), "短句。");
        let exact = "乙".repeat(TASK_CONTENT_MAX_CHARS);
        assert_eq!(cap(&exact), exact);
    }

    #[test]
    fn a_data_directory_adds_deadline_words() {
        let dicts = crate::dict::with_user_cues("[tasks]\nstanding_deadlines = [\"分步实施\"]\n");
        assert_eq!(deadline("分步实施改造", &dicts.cues.tasks, None).as_deref(), Some("分步实施"));
        assert_eq!(deadline("分步实施改造", &Dictionaries::builtin().cues.tasks, None), None);
        // The built-in words stay.
        assert_eq!(deadline("持续推进", &dicts.cues.tasks, None).as_deref(), Some("持续推进"));
    }
}

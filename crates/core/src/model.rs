//! The plan model: plan JSON v1 (see `docs/plan-json-v1.md`).
//!
//! Field names of v1 are fixed by the gold schema and are never renamed; planwatch only
//! adds fields (`span`, canonical names, warnings, provenance of the source text).

use serde::{Deserialize, Serialize};

/// Byte range `[start, end)` into the source text of the document (UTF-8, see
/// [`crate::read::SourceText`]). Every extracted item carries one, so a figure can always be
/// shown next to the sentence it came from.
pub type Span = [usize; 2];

/// A document turned into a structured plan.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Plan {
    /// File name of the source document.
    pub doc: String,
    /// Version of the plan JSON format.
    #[serde(default = "format_version")]
    pub format: String,
    /// How the source text was obtained: format, encoding, conversion applied.
    #[serde(default)]
    pub source: SourceInfo,
    pub meta: Meta,
    pub outline: Vec<OutlineEntry>,
    pub targets: Vec<Target>,
    pub tasks: Vec<Task>,
    pub industries: Vec<Industry>,
    pub districts: Vec<DistrictMapping>,
    pub platforms: Vec<Platform>,
    /// Things a reader should know about this extraction (not a plan, unknown names …).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The review queue (待核对): items the rules were unsure of and sentences that look like
    /// commitments but gave no item.
    #[serde(default)]
    pub review: Vec<ReviewItem>,
    /// Documents the plan cites by title (`根据《…》`, `衔接《…》`): the plan family. Absent in
    /// plans extracted before it existed.
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// A document cited by title (see `extract::references`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    /// The title inside `《》`, whitespace removed.
    pub title: String,
    /// `basis` (根据/依据/按照/贯彻/落实《…》: the plan implements it) or `mention`.
    pub relation: String,
    /// `plan` or `law`.
    pub kind: String,
    /// The `《…》`.
    pub span: Span,
    /// The sentence it is in.
    #[serde(default)]
    pub sentence: Span,
}

/// One entry of a plan's review queue (待核对).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ReviewItem {
    /// `target`, `task`, `industry` (an item the rules were unsure of), `sentence` (a sentence
    /// that gave no item) or `more` (how many were left out).
    pub kind: String,
    /// Why it is listed, for the analyst (zh-CN).
    pub reason: String,
    /// Index of the item in its list (`targets`, `tasks`, `industries`), for `kind` of an item.
    #[serde(default)]
    pub item: Option<usize>,
    /// The item's text or the sentence.
    pub text: String,
    pub span: Span,
}

impl Plan {
    /// Every span of the plan: outline, targets, tasks, districts and platforms.
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.outline
            .iter()
            .map(|o| o.span)
            .chain(self.targets.iter().map(|t| t.span))
            .chain(self.tasks.iter().map(|t| t.span))
            .chain(self.districts.iter().map(|d| d.span))
            .chain(self.platforms.iter().map(|p| p.span))
    }
}

fn format_version() -> String {
    "plan-json-v1".to_string()
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceInfo {
    /// `text`, `html` or `docx`.
    pub format: String,
    /// Detected character encoding of the file (`UTF-8`, `GB18030`, `UTF-16LE` …).
    pub encoding: String,
    /// Length in bytes of the source text that spans index into.
    pub text_len: usize,
    /// Whether traditional characters were converted to simplified.
    pub converted_traditional: bool,
    /// Number of pinyin annotations (`網(wǎng)`) removed.
    pub pinyin_removed: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub region: Option<String>,
    /// `YYYY-MM-DD`
    pub signed_date: Option<String>,
    /// `YYYY-MM-DD`
    pub published_date: Option<String>,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OutlineEntry {
    /// 1 is the top numbering scheme of the body.
    pub level: u8,
    /// Numbering token as written, brackets normalised to half-width: `一、`, `(一)`, `1.`, `专栏3`.
    pub marker: String,
    pub title: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Target {
    pub year: Option<i32>,
    pub indicator: String,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    /// `以上`, `左右`, `超过`, `突破`, `达到`, `翻番`, `级` or empty.
    pub qualifier: String,
    /// `count`, `amount`, `ratio` or `multiple`.
    pub kind: String,
    pub baseline_year: Option<i32>,
    pub baseline_value: Option<f64>,
    /// Region or place the target applies to.
    pub scope: String,
    /// The phrase the target was read from.
    pub text: String,
    pub span: Span,
    /// Path of the section the target is in (`二/(一)`).
    #[serde(default)]
    pub path: String,
    /// `预期性` or `约束性`, as an indicator table (专栏) states it for its row.
    #[serde(default)]
    pub attribute: Option<String>,
    /// The target counts what is added or changed over the period (`新增`, `累计`, `每年`,
    /// `年均增长`, `提高5个百分点`) rather than a level to reach.
    #[serde(default)]
    pub increment: bool,
    /// The mention is a row of an indicator table (专栏), not a sentence of the text.
    #[serde(default)]
    pub table: bool,
}

/// The most characters of a task's `content`: enough for a section of several items, short
/// enough for a cell of a 任务分工表.
pub const TASK_CONTENT_MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Task {
    /// Markers of the sections the task belongs to, `二/(一)/1`.
    pub path: String,
    pub title: String,
    /// What is to be done, as a 任务分工表 states it: the sentences of the passage the owners
    /// close (with the heading's title where the passage is a heading's run-in text or the
    /// whole section), in the document's (normalised) words, without the owner passage; at
    /// most [`TASK_CONTENT_MAX_CHARS`] characters, cut at a sentence end and marked `…`.
    #[serde(default)]
    pub content: String,
    /// The deadline the text gives for the task, as written: `2025年底前`, `2024年6月底前`,
    /// `到2027年`, `持续推进`, `每年` …; `None` when it gives none (never guessed).
    #[serde(default)]
    pub deadline: Option<String>,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    /// Owners set once for "all the tasks below" by an earlier statement (`以下任务均需区县落实`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standing: Vec<String>,
    /// Every owner with its canonical name (from `data/departments.toml`).
    #[serde(default)]
    pub owners: Vec<Owner>,
    /// The owner passage itself.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Owner {
    /// As written in the document.
    pub name: String,
    /// Canonical form; equal to `name` when the dictionary does not know it.
    pub canonical: String,
    /// `lead` or `responsible`.
    pub role: String,
    /// True when the name is not in the dictionary (kept as written, flagged for review).
    pub unknown: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Industry {
    pub name: String,
    pub group: String,
    pub segments: Vec<String>,
    #[serde(default)]
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DistrictMapping {
    pub subject: String,
    pub districts: Vec<String>,
    /// Canonical place names, aligned with `districts`.
    #[serde(default)]
    pub canonical: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Platform {
    pub name: String,
    pub subject: String,
    pub span: Span,
}

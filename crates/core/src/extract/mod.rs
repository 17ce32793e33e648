//! Extractors: one module per part of the plan. Each reads the analysed document
//! ([`crate::doc::Doc`]) and returns model items whose spans index the source text.

pub mod districts;
pub mod industries;
pub mod meta;
pub mod owners;
pub mod platforms;
pub mod review;
pub mod targets;
pub mod task_content;
pub mod tasks;
pub mod text;

use crate::dict::Dictionaries;
use crate::doc::Doc;
use crate::normalize::NormText;

/// What every extractor may read.
pub struct Ctx<'a> {
    pub doc: &'a Doc<'a>,
    pub norm: &'a NormText,
    pub dicts: &'a Dictionaries,
    pub region: Option<String>,
    /// The year the document speaks from; earlier years are history.
    pub base_year: Option<i32>,
    /// Per line: inside a background section (发展基础, 面临形势 …) whose figures are history.
    pub background: Vec<bool>,
}

impl Ctx<'_> {
    pub fn span(&self, start: usize, end: usize) -> [usize; 2] {
        self.norm.span(start, end)
    }
}

/// Titles of sections that describe the past and the situation, not the plan (`发展基础`,
/// `面临形势`), by the cue words of `data/cues.toml`; a title that opens with an action
/// (`聚力完善产业发展环境`) is a task.
pub fn is_background_title(title: &str, cues: &crate::cues::SectionCues) -> bool {
    let t: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    if t.chars().count() > 14 || cues.action_openings.iter().any(|w| t.starts_with(w.as_str())) {
        return false;
    }
    cues.background_endings.iter().any(|w| t.ends_with(w.as_str()))
        || cues.background_openings.iter().any(|w| t.starts_with(w.as_str()))
}

pub fn background_lines(doc: &Doc, cues: &crate::cues::SectionCues) -> Vec<bool> {
    let mut out = vec![false; doc.lines.len()];
    for (h, heading) in doc.headings.iter().enumerate() {
        if heading.scheme != crate::doc::Scheme::Box && is_background_title(doc.title(h), cues) {
            for v in &mut out[heading.line..heading.end_line] {
                *v = true;
            }
        }
    }
    out
}

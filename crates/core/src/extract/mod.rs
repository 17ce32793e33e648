//! Extractors: one module per part of the plan. Each reads the analysed document
//! ([`crate::doc::Doc`]) and returns model items whose spans index the source text.

pub mod districts;
pub mod industries;
pub mod level;
pub mod meta;
pub mod owners;
pub mod platforms;
pub mod references;
pub mod review;
pub mod targets;
pub mod task_content;
pub mod tasks;
pub mod text;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::dict::Dictionaries;
use crate::doc::Doc;
use crate::normalize::NormText;
use text::Affix;

/// An enumeration `A、B和C等<classifier>`: items, text after 等, byte position, leading verb
/// (see `industries::lists::lists_with_lead`).
pub(crate) type Enumeration = (Vec<String>, String, usize, &'static str);

/// The enumerations of the slices of the text read so far, by byte range (see [`Ctx::enumerations`]).
type EnumerationCache = RefCell<HashMap<(usize, usize), Rc<Vec<Enumeration>>>>;

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
    /// The enumerations of each paragraph read so far, by its byte range in `doc.text`: the
    /// industry, segment and field rules read the same paragraphs, each for its own lists.
    enumerations: EnumerationCache,
}

impl<'a> Ctx<'a> {
    pub fn new(
        doc: &'a Doc<'a>,
        norm: &'a NormText,
        dicts: &'a Dictionaries,
        region: Option<String>,
        base_year: Option<i32>,
    ) -> Ctx<'a> {
        let background = background_lines(doc, &dicts.cues.sections);
        Ctx { doc, norm, dicts, region, base_year, background, enumerations: RefCell::default() }
    }

    pub fn span(&self, start: usize, end: usize) -> [usize; 2] {
        self.norm.span(start, end)
    }

    /// `industries::lists::lists_with_lead(s)` for a slice `s` of the document's text, read
    /// once per slice.
    pub(crate) fn enumerations(&self, s: &str) -> Rc<Vec<Enumeration>> {
        let (base, at) = (self.doc.text.as_ptr() as usize, s.as_ptr() as usize);
        if at < base || at + s.len() > base + self.doc.text.len() {
            return Rc::new(industries::lists::lists_with_lead(s));
        }
        let key = (at - base, s.len());
        if let Some(found) = self.enumerations.borrow().get(&key) {
            return Rc::clone(found);
        }
        let found = Rc::new(industries::lists::lists_with_lead(s));
        self.enumerations.borrow_mut().insert(key, Rc::clone(&found));
        found
    }
}

/// Titles of sections that describe the past and the situation, not the plan (`发展基础`,
/// `面临形势`), by the cue words of `data/cues.toml`; a title that opens with an action
/// (`聚力完善产业发展环境`) is a task.
pub fn is_background_title(title: &str, cues: &crate::cues::SectionCues) -> bool {
    // More than 14 characters is no background title: said before collecting a run-in
    // heading's whole paragraph.
    if title.chars().filter(|c| !c.is_whitespace()).nth(14).is_some() {
        return false;
    }
    let t = text::strip_spaces(title);
    if cues.action_openings.iter().any(|w| t.starts_with_word(w)) {
        return false;
    }
    cues.background_endings.iter().any(|w| t.ends_with_word(w))
        || cues.background_openings.iter().any(|w| t.starts_with_word(w))
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

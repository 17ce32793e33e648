//! Fuzzes the Markdown and layout passes of normalisation (markup removal, hard-wrapped
//! paragraphs re-joined, glued headings split) and the extraction of a Markdown text.
//!
//! Invariants checked besides "never panics":
//! * every offset of the normalised text maps back to a character boundary of the source, and
//!   the map never goes backwards;
//! * every span of the plan (review queue included) lies inside the source text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planwatch_core::read::{Format, SourceText};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let norm = planwatch_core::normalize::normalize_as(text, true);
    let mut last = 0;
    for (k, _) in norm.text.char_indices().chain([(norm.text.len(), ' ')]) {
        let a = norm.map.to_source(k);
        assert!(a <= text.len() && text.is_char_boundary(a), "offset {k} maps to {a}, not a boundary");
        assert!(a >= last, "the map goes backwards at {k}: {a} < {last}");
        last = a;
        let b = norm.map.to_source_end(k);
        assert!(b <= text.len() && text.is_char_boundary(b), "end offset {k} maps to {b}");
    }
    let source = SourceText { text: text.to_string(), format: Format::Markdown, encoding: "UTF-8" };
    let plan = planwatch_core::extract_source(&source, "fuzz.md", &planwatch_core::Dictionaries::builtin());
    let len = text.len();
    for span in plan.spans().chain(plan.review.iter().map(|r| r.span)) {
        assert!(span[0] <= span[1] && span[1] <= len, "span {span:?} out of bounds ({len})");
    }
    serde_json::to_string(&plan).expect("plan serialises to JSON");
});

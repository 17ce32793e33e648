//! Inputs that once crashed the reader or an extractor (found by fuzzing, kept in
//! `fuzz/regressions/`): each must now extract without a panic and with valid spans.

use planwatch_core::read::{Format, SourceText};
use std::path::Path;

#[test]
fn fuzz_regressions_extract_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let opts = planwatch_core::Options::default();
    let dicts = planwatch_core::Dictionaries::builtin();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/regressions exists") {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        // The map back to the source lands on character boundaries, the end of the text
        // included (markdown-end-offset-after-fullwidth-colon.bin).
        if let Ok(text) = std::str::from_utf8(&bytes) {
            for markdown in [false, true] {
                let norm = planwatch_core::normalize::normalize_as(text, markdown);
                for (k, _) in norm.text.char_indices().chain([(norm.text.len(), ' ')]) {
                    for a in [norm.map.to_source(k), norm.map.to_source_end(k)] {
                        assert!(text.is_char_boundary(a), "{}: offset {k} maps to {a}", path.display());
                    }
                }
            }
        }
        let mut plans = Vec::new();
        if let Ok(plan) = planwatch_core::extract(&bytes, "regression", &opts) {
            plans.push(plan);
        }
        // Text the reader would refuse (control bytes) still reaches the extractors in the
        // fuzz targets: extract it as plain text and as Markdown too.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            for format in [Format::Text, Format::Markdown] {
                let source = SourceText { text: text.to_string(), format, encoding: "UTF-8" };
                plans.push(planwatch_core::extract_source(&source, "regression", &dicts));
            }
        }
        for plan in plans {
            let len = plan.source.text_len;
            for [a, b] in plan.spans() {
                assert!(a <= b && b <= len, "{}: span {a}:{b} outside 0:{len}", path.display());
            }
        }
    }
    assert!(seen > 0, "no regression inputs found in {}", dir.display());
}

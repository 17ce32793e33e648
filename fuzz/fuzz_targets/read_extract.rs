//! Fuzzes the whole read + extract pipeline: sniffing (text, HTML, DOCX), decoding
//! (UTF-8, GB18030, Big5, UTF-16), normalisation and every extractor.
//!
//! Invariants checked besides "never panics":
//! * an `Ok` plan serialises to JSON, and its text is within the text limit;
//! * every span of the outline, targets, tasks, districts and platforms satisfies
//!   `span[0] <= span[1] <= plan.source.text_len`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use planwatch_core::{Options, ReadOptions};

/// Small enough that the fuzzer reaches the text limit with compressed inputs.
const MAX_TEXT: u64 = 2 << 20;

fn opts() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| Options {
        read: ReadOptions { max_bytes: 1 << 20, max_unpacked_bytes: 4 << 20, max_text_bytes: MAX_TEXT },
        ..Options::default()
    })
}

fn check_span(kind: &str, i: usize, span: [usize; 2], text_len: usize) {
    assert!(
        span[0] <= span[1] && span[1] <= text_len,
        "{kind}[{i}].span = {span:?} out of bounds (text_len = {text_len})"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(plan) = planwatch_core::extract(data, "fuzz.txt", opts()) else {
        return;
    };
    let json = serde_json::to_string(&plan).expect("plan serialises to JSON");
    assert!(!json.is_empty());

    let len = plan.source.text_len;
    assert!(len as u64 <= MAX_TEXT, "the text ({len} bytes) is over the text limit");
    for (i, e) in plan.outline.iter().enumerate() {
        check_span("outline", i, e.span, len);
    }
    for (i, t) in plan.targets.iter().enumerate() {
        check_span("targets", i, t.span, len);
    }
    for (i, t) in plan.tasks.iter().enumerate() {
        check_span("tasks", i, t.span, len);
    }
    for (i, d) in plan.districts.iter().enumerate() {
        check_span("districts", i, d.span, len);
    }
    for (i, p) in plan.platforms.iter().enumerate() {
        check_span("platforms", i, p.span, len);
    }
});

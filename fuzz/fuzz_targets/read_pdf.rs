//! Fuzzes the PDF reader: the bomb check, `pdf_oxide`'s parser and text extraction, the layout
//! (lines, running headers and footers, paragraph joins) and then the whole extraction.
//!
//! Inputs that do not start with `%PDF-` get it prepended, so every input reaches the PDF
//! reader. Invariants checked besides "never panics": a read PDF's text is non-empty and
//! within the text limit, and every span of the plan lies inside the source text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use planwatch_core::{Options, ReadOptions};

fn opts() -> &'static Options {
    static OPTS: OnceLock<Options> = OnceLock::new();
    OPTS.get_or_init(|| Options {
        read: ReadOptions { max_bytes: 1 << 20, max_unpacked_bytes: 4 << 20, max_text_bytes: 4 << 20 },
        ..Options::default()
    })
}

/// libFuzzer's panic hook aborts on every panic, even one the reader's `catch_unwind` around
/// `pdf_oxide` would turn into an error. With `PLANWATCH_FUZZ_CATCH=1` the default hook is put
/// back, so panics inside the library count as handled (as in production) and only panics
/// outside it — planwatch's own code — end the run.
fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var("PLANWATCH_FUZZ_CATCH").as_deref() == Ok("1") {
            let _ = std::panic::take_hook();
        }
    });
}

fuzz_target!(|data: &[u8]| {
    init();
    let owned;
    let bytes = if data.starts_with(b"%PDF-") {
        data
    } else {
        owned = [b"%PDF-1.7\n".as_slice(), data].concat();
        &owned
    };
    let Ok(source) = planwatch_core::read::read(bytes, &opts().read) else {
        return;
    };
    assert!(!source.text.trim().is_empty(), "a read PDF has text");
    assert!(source.text.len() as u64 <= opts().read.max_unpacked_bytes, "text within the limit");
    let plan = planwatch_core::extract_source(&source, "fuzz.pdf", &opts().dicts);
    let len = plan.source.text_len;
    for [a, b] in plan.spans() {
        assert!(a <= b && b <= len, "span {a}:{b} outside 0:{len}");
    }
});

//! The read layer's memory budget: whatever a file unpacks or expands to, reading it
//! allocates at most about the input plus a small multiple of the text limit, and a document
//! that would become more text than the limit is refused with `ReadError::TextTooLarge`.
//!
//! Allocations are counted per thread by a wrapping global allocator, so tests running in
//! parallel do not disturb each other's measurements.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Write};

use planwatch_core::read::{read, ReadError, ReadOptions};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn add(delta: isize) {
    // `try_with`: the thread-locals may already be gone while a thread shuts down.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        add(layout.size() as isize);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        add(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the most bytes it had allocated at once (beyond
/// what was live when it started).
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    let peak = PEAK.with(Cell::get) - base;
    (out, peak.max(0) as usize)
}

const MIB: usize = 1024 * 1024;

/// A DOCX whose `word/document.xml` is `head`, then `body` repeated `times`, then `tail`,
/// written in pieces so the test itself never holds the whole XML.
fn docx(head: &str, body: &str, times: usize, tail: &str) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default().compression_level(Some(1));
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    )
    .unwrap();
    zip.write_all(head.as_bytes()).unwrap();
    let chunk = body.repeat(4096);
    for _ in 0..times / 4096 {
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    for _ in 0..times % 4096 {
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.write_all(tail.as_bytes()).unwrap();
    zip.write_all(b"</w:body></w:document>").unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

fn opts(max_text: u64) -> ReadOptions {
    ReadOptions { max_text_bytes: max_text, ..ReadOptions::default() }
}

/// The hole of issue 14: a small DOCX whose XML inflates to hundreds of megabytes of text.
/// Many short paragraphs: the text limit stops the read long before the XML ends.
#[test]
fn a_docx_bomb_of_many_paragraphs_is_refused_within_the_budget() {
    let para = "<w:p><w:r><w:t>到2027年,全市未来产业规模达到1000亿元。</w:t></w:r></w:p>";
    // ~120 MB of XML, ~60 MB of text, under the default unpack limit of 256 MiB.
    let bytes = docx("", para, 120 * MIB / para.len(), "");
    assert!(bytes.len() < 2 * MIB, "the bomb is small: {} bytes", bytes.len());
    let limit = 4 * MIB as u64;
    let (res, peak) = peak_of(|| read(&bytes, &opts(limit)));
    assert_eq!(res.unwrap_err(), ReadError::TextTooLarge { limit });
    assert!(peak < bytes.len() + 3 * limit as usize + 2 * MIB, "reading allocated {peak} bytes at once");
}

/// One run of text, one XML event of 50 MB: the XML parser's buffer is bounded too.
#[test]
fn a_docx_bomb_of_one_huge_run_is_refused_within_the_budget() {
    let bytes = docx("<w:p><w:r><w:t>", "一二三四五六七八九十", 50 * MIB / 30, "</w:t></w:r></w:p>");
    let limit = 4 * MIB as u64;
    let (res, peak) = peak_of(|| read(&bytes, &opts(limit)));
    let err = res.unwrap_err();
    assert!(matches!(err, ReadError::TextTooLarge { .. }), "{err:?}");
    assert!(peak < bytes.len() + 3 * limit as usize + 2 * MIB, "reading allocated {peak} bytes at once");
}

/// Markup that is not text (a huge attribute) is bounded the same way.
#[test]
fn a_docx_with_a_huge_element_outside_text_is_refused_within_the_budget() {
    let bytes = docx("<w:p><w:r w:x=\"", "ababababab", 40 * MIB / 10, "\"><w:t>正文</w:t></w:r></w:p>");
    let limit = 2 * MIB as u64;
    let (res, peak) = peak_of(|| read(&bytes, &opts(limit)));
    let err = res.unwrap_err();
    assert!(err.to_string().contains(&limit.to_string()), "{err}");
    assert!(peak < bytes.len() + 3 * limit as usize + 2 * MIB, "reading allocated {peak} bytes at once");
}

/// The message names the limit and the way to raise it.
#[test]
fn the_refusal_says_how_to_raise_the_limit() {
    let msg = ReadError::TextTooLarge { limit: 1234 }.to_string();
    assert!(msg.contains("1234") && msg.contains("--max-text") && msg.contains("PLANWATCH_MAX_TEXT"), "{msg}");
}

/// A DOCX within the limit still reads whole, and the limit is exact: text of exactly the
/// limit passes, one byte more does not.
#[test]
fn text_up_to_the_limit_is_read() {
    let bytes = docx("", "<w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p>", 1000, "");
    let text = read(&bytes, &ReadOptions::default()).unwrap().text;
    let len = text.len() as u64;
    assert_eq!(len, 1000 * ("一、总体要求".len() as u64 + 1));
    assert_eq!(read(&bytes, &opts(len)).unwrap().text, text);
    assert_eq!(read(&bytes, &opts(len - 1)).unwrap_err(), ReadError::TextTooLarge { limit: len - 1 });
}

/// Plain text and HTML: the text limit applies, and reading costs a few times the input at
/// most (no expansion by entities, no stack for deep nesting).
#[test]
fn text_and_html_are_bounded_too() {
    let text = "到2027年,全市未来产业规模达到1000亿元。\n".repeat(200_000);
    let limit = MIB as u64;
    let (res, peak) = peak_of(|| read(text.as_bytes(), &opts(limit)));
    assert_eq!(res.unwrap_err(), ReadError::TextTooLarge { limit });
    assert!(peak < 3 * text.len(), "text: {peak} bytes for {} of input", text.len());

    // Entities expand a little at most (`&nGt;` is 5 bytes for 6 of text); nesting is a
    // counter, not a stack.
    let html = format!(
        "<!DOCTYPE html><html><body>{}<p>{}</p>{}</body></html>",
        "<div><span>".repeat(200_000),
        "&nGt;&amp;&lt;一".repeat(100_000),
        "</span></div>".repeat(200_000)
    );
    let limit = MIB as u64;
    let (res, peak) = peak_of(|| read(html.as_bytes(), &opts(limit)));
    assert_eq!(res.unwrap_err(), ReadError::TextTooLarge { limit });
    assert!(peak < 4 * html.len(), "html: {peak} bytes for {} of input", html.len());
    let (res, peak) = peak_of(|| read(html.as_bytes(), &ReadOptions::default()));
    let text = res.unwrap().text;
    assert!(text.len() < 2 * html.len());
    assert!(peak < 4 * html.len() + text.len(), "html: {peak} bytes for {} of input", html.len());
}

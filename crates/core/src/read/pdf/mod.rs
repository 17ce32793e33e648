//! PDF → text: the text layer of every page, read in-process by `pdf_oxide`, laid out into
//! paragraphs by [`layout`] (running headers, footers and page numbers dropped, lines joined
//! across line and page breaks, table cells separated by tabs).
//!
//! Refusals say what to do: a PDF without any text (a scan) asks for OCR or the DOCX; a PDF
//! that needs a password asks for an unprotected copy (an owner-only protection, with an empty
//! user password, is read); a damaged PDF asks for a re-saved one. The file is untrusted:
//! deflated streams are checked before parsing ([`bomb`]), the text is bounded, and the
//! library runs behind `catch_unwind` as a last resort (see `ARCHITECTURE.md`).

mod bomb;
pub mod layout;
#[doc(hidden)]
pub mod synth;

use super::{Format, ReadError, ReadOptions, SourceText};
use layout::{Page, Piece};

/// Reads the text layer of a PDF.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<SourceText, ReadError> {
    let limit = opts.max_unpacked_bytes;
    // One stream may inflate to 8 × the file or 16 MB, whichever is more (a page's content is
    // kilobytes, a whole embedded CJK font some megabytes, and the file then is large too), and
    // never beyond a quarter of the budget: the library holds a decoded stream whole, so this
    // keeps its peak memory near the bound of 5 × input + 50 MB.
    let per_stream = (8 * bytes.len() as u64).max(16 << 20).min(limit / 4).max(1);
    bomb::check(bytes, per_stream, limit).map_err(|_| ReadError::PdfTooLarge { limit })?;
    let pages = match std::panic::catch_unwind(|| pages(bytes, limit)) {
        Ok(r) => r?,
        Err(_) => return Err(ReadError::Pdf("its structure could not be parsed".into())),
    };
    let n_pages = pages.len();
    let text = layout::to_text(&pages);
    // The text of every format stays within the text limit (`--max-text`).
    if text.len() as u64 > opts.max_text_bytes {
        return Err(ReadError::TextTooLarge { limit: opts.max_text_bytes });
    }
    if text.trim().is_empty() {
        return Err(ReadError::PdfScanned { pages: n_pages });
    }
    Ok(SourceText { text, format: Format::Pdf, encoding: "UTF-8 (PDF text layer)" })
}

/// The positioned text of every page.
fn pages(bytes: &[u8], limit: u64) -> Result<Vec<Page>, ReadError> {
    let doc = pdf_oxide::PdfDocument::from_bytes(bytes.to_vec()).map_err(|e| damaged(&e))?;
    if doc.is_encrypted() {
        // Owner-only protection opens with the empty user password.
        match doc.authenticate(b"") {
            Ok(true) => {}
            _ => return Err(ReadError::PdfEncrypted),
        }
    }
    let n = doc.page_count().map_err(|e| match e {
        pdf_oxide::Error::EncryptedPdf => ReadError::PdfEncrypted,
        e => damaged(&e),
    })?;
    if n == 0 {
        return Err(ReadError::Pdf("it has no pages".into()));
    }
    let mut out = Vec::with_capacity(n.min(10_000));
    let mut text_bytes = 0u64;
    let mut failures = 0usize;
    let mut first_error = None;
    for i in 0..n {
        let (origin, width, height) = match doc.get_page_media_box(i) {
            Ok((x0, y0, x1, y1)) => ((x0.min(x1), y0.min(y1)), (x1 - x0).abs(), (y1 - y0).abs()),
            Err(_) => ((0.0, 0.0), 0.0, 0.0),
        };
        // The library's post-processing (reading order, rotation, drop caps) costs two thirds
        // of the time and the layout redoes the ordering, so plain spans are taken; only a
        // rotated page, whose text the post-processing turns upright, goes through it.
        let rotated = doc.get_page_rotation(i).is_ok_and(|r| r.rem_euclid(360) != 0);
        let spans = if rotated {
            doc.extract_spans(i)
        } else {
            doc.extract_spans_with_config(i, pdf_oxide::extractors::SpanMergingConfig::default())
        };
        let spans = match spans {
            Ok(s) => s,
            Err(pdf_oxide::Error::EncryptedPdf) => return Err(ReadError::PdfEncrypted),
            Err(e) => {
                // One broken page does not lose the rest of the plan.
                failures += 1;
                first_error.get_or_insert_with(|| e.to_string());
                out.push(Page { width, height, pieces: Vec::new() });
                continue;
            }
        };
        let mut pieces = Vec::with_capacity(spans.len());
        for s in spans {
            text_bytes += s.text.len() as u64;
            if text_bytes > limit {
                return Err(ReadError::PdfTooLarge { limit });
            }
            let b = s.bbox;
            let (x0, y) = (b.x - origin.0, b.y - origin.1);
            pieces.push(Piece { x0, x1: x0 + b.width, y, size: s.font_size, text: s.text });
        }
        out.push(Page { width, height, pieces });
    }
    if failures == n {
        return Err(ReadError::Pdf(first_error.unwrap_or_else(|| "no page could be read".into())));
    }
    Ok(out)
}

fn damaged(e: &pdf_oxide::Error) -> ReadError {
    match e {
        pdf_oxide::Error::EncryptedPdf => ReadError::PdfEncrypted,
        e => {
            let mut why = e.to_string();
            if why.len() > 200 {
                let cut = (0..=200).rev().find(|&i| why.is_char_boundary(i)).unwrap_or(0);
                why.truncate(cut);
                why.push('…');
            }
            ReadError::Pdf(why)
        }
    }
}

/// The number of pages of a PDF (for benchmarks and reports).
pub fn page_count(bytes: &[u8]) -> Result<usize, ReadError> {
    let doc = pdf_oxide::PdfDocument::from_bytes(bytes.to_vec()).map_err(|e| damaged(&e))?;
    doc.page_count().map_err(|e| damaged(&e))
}

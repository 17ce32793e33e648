//! A decompression-bomb check that runs before the PDF library sees the file.
//!
//! A PDF stores page content, fonts and object streams deflated; a few kilobytes can inflate
//! to gigabytes. The PDF library bounds each stream only loosely (hundreds of megabytes), so
//! every Flate stream that text extraction may decode is inflated here first into a counting
//! sink — constant memory, nothing kept — and the file is refused when one stream would exceed
//! the per-stream limit or all of them together the budget. Images are skipped: text
//! extraction never decodes them, and a scan's pages are large images by nature.

use std::io::Read;

/// Why the check refused the file.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLarge;

/// Checks every deflated non-image stream of `bytes`: each inflates to at most `per_stream`
/// bytes, all together to at most `total`.
pub fn check(bytes: &[u8], per_stream: u64, total: u64) -> Result<(), TooLarge> {
    let finder = memchr::memmem::Finder::new(b"stream");
    let mut pos = 0;
    let mut inflated_total = 0u64;
    while let Some(found) = finder.find(&bytes[pos..]) {
        let at = pos + found;
        pos = at + b"stream".len();
        // `endstream` also contains `stream`; only a keyword followed by EOL starts data.
        if at >= 3 && &bytes[at - 3..at] == b"end" {
            continue;
        }
        let data = match bytes.get(pos..) {
            Some(rest) if rest.starts_with(b"\r\n") => pos + 2,
            Some(rest) if rest.starts_with(b"\n") || rest.starts_with(b"\r") => pos + 1,
            _ => continue,
        };
        let dict = stream_dict(&bytes[..at]);
        if !is_flate(dict) || is_image(dict) {
            continue;
        }
        let budget = per_stream.min(total - inflated_total.min(total));
        let (inflated, consumed) = inflated_size(&bytes[data..], budget);
        if inflated > budget {
            return Err(TooLarge);
        }
        inflated_total += inflated;
        pos = data + consumed.max(1);
    }
    Ok(())
}

/// The dictionary of the stream whose `stream` keyword ends `before`: the text since the
/// object's `obj` keyword, at most 4 KB back (a longer stream dictionary is unheard of).
fn stream_dict(before: &[u8]) -> &[u8] {
    let from = before.len().saturating_sub(4096);
    let window = &before[from..];
    match memchr::memmem::rfind(window, b"obj") {
        Some(i) => &window[i..],
        None => window,
    }
}

fn is_flate(dict: &[u8]) -> bool {
    memchr::memmem::find(dict, b"/FlateDecode").is_some()
        || memchr::memmem::find(dict, b"/Fl ").is_some()
        || memchr::memmem::find(dict, b"/Fl]").is_some()
        || memchr::memmem::find(dict, b"/Fl/").is_some()
}

fn is_image(dict: &[u8]) -> bool {
    memchr::memmem::find(dict, b"/Image").is_some()
}

/// Inflates zlib data into a sink, stopping once more than `limit` bytes came out. Returns the
/// bytes out (capped at `limit + 1`) and the compressed bytes consumed. Broken data just ends
/// the count: the PDF library reports damage better.
fn inflated_size(data: &[u8], limit: u64) -> (u64, usize) {
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut buf = [0u8; 16 * 1024];
    let mut out = 0u64;
    loop {
        match decoder.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out += n as u64;
                if out > limit {
                    break;
                }
            }
        }
    }
    (out, decoder.total_in() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn pdf_with_stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut out = format!("%PDF-1.7\n4 0 obj\n<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
        out
    }

    #[test]
    fn a_content_bomb_is_refused_and_a_normal_stream_passes() {
        let bomb = pdf_with_stream("/Filter /FlateDecode", &deflate(&vec![b' '; 8 << 20]));
        assert!(bomb.len() < 20_000, "{}", bomb.len());
        assert_eq!(check(&bomb, 1 << 20, 1 << 30), Err(TooLarge));
        assert_eq!(check(&bomb, 16 << 20, 4 << 20), Err(TooLarge), "the total budget counts too");
        let page = pdf_with_stream("/Filter /FlateDecode", &deflate(b"BT /F1 12 Tf 72 700 Td <0001> Tj ET"));
        assert_eq!(check(&page, 1 << 20, 1 << 20), Ok(()));
    }

    #[test]
    fn images_and_plain_streams_are_not_inflated() {
        let image = pdf_with_stream("/Subtype /Image /Filter /FlateDecode", &deflate(&vec![0; 8 << 20]));
        assert_eq!(check(&image, 1 << 20, 1 << 20), Ok(()));
        let plain = pdf_with_stream("", &[b'x'; 100]);
        assert_eq!(check(&plain, 10, 10), Ok(()));
    }
}

//! Character encodings: detected from the bytes, never assumed.
//!
//! Order: a BOM decides; then strict UTF-8; then UTF-16 without a BOM (recognised by its
//! zero bytes); then the legacy Chinese encodings, decoded strictly so that bytes that are
//! not really GB18030 or Big5 are refused instead of turned into mojibake.

use super::ReadError;
use encoding_rs::{Encoding, BIG5, GB18030, UTF_16BE, UTF_16LE};

/// Decodes text bytes to a `String`, returning the name of the encoding found.
pub fn decode_text(bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest).map(|t| (t, "UTF-8 (BOM)"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return strict(UTF_16LE, rest).map(|t| (t, "UTF-16LE"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return strict(UTF_16BE, rest).map(|t| (t, "UTF-16BE"));
    }
    if let Ok(text) = utf8(bytes) {
        return Ok((text, "UTF-8"));
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        if let Ok(text) = strict(enc, bytes) {
            return Ok((text, enc.name()));
        }
    }
    if bytes.contains(&0) {
        return Err(ReadError::Binary("a binary file (it contains zero bytes)"));
    }
    // GB18030 is a superset of GBK and GB2312; it is by far the most common legacy encoding of
    // mainland government documents. Big5 comes from Taiwan and Hong Kong. Ask chardetng which
    // of the two the bytes look like, and accept only a decoding without errors.
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(None, chardetng::Utf8Detection::Deny);
    let order: [&'static Encoding; 2] = if guess == BIG5 { [BIG5, GB18030] } else { [GB18030, BIG5] };
    for enc in order {
        if let Ok(text) = strict(enc, bytes) {
            if plausible_text(&text) {
                return Ok((text, enc.name()));
            }
        }
    }
    Err(ReadError::Encoding)
}

fn utf8(bytes: &[u8]) -> Result<String, ReadError> {
    // Validation at SIMD speed (CJK text is all multi-byte, std's validator is slow on it).
    let text = simdutf8::basic::from_utf8(bytes).map_err(|_| ReadError::Encoding)?;
    if !plausible_text(text) {
        return Err(ReadError::Binary("a binary file (it is mostly control characters)"));
    }
    Ok(text.to_owned())
}

fn strict(enc: &'static Encoding, bytes: &[u8]) -> Result<String, ReadError> {
    enc.decode_without_bom_handling_and_without_replacement(bytes).map(|c| c.into_owned()).ok_or(ReadError::Encoding)
}

/// UTF-16 text of Chinese documents still has many zero bytes (ASCII digits, spaces, line
/// breaks); their position tells the byte order.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if odd_zero * 5 >= pairs && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 5 >= pairs && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Refuses decodings that are mostly control characters: binary data can be "valid" in a
/// permissive encoding without being text.
fn plausible_text(text: &str) -> bool {
    // Control characters are C0 bytes, DEL and C1 (U+0080–U+009F, UTF-8 `C2 80`–`C2 9F`);
    // counting bytes of a prefix is enough and much cheaper than decoding characters.
    let bytes = &text.as_bytes()[..text.len().min(256 * 1024)];
    // Counted without branches, in chunks whose counts fit a byte, so the loop vectorises.
    let c0: usize = bytes
        .chunks(255)
        .map(|chunk| {
            let n = chunk.iter().fold(0u8, |n, &b| {
                let control = (b < 0x20) & (b != b'\n') & (b != b'\r') & (b != b'\t') & (b != 0x0C);
                n + u8::from(control | (b == 0x7F))
            });
            usize::from(n)
        })
        .sum();
    let c1 = memchr::memchr_iter(0xC2, bytes)
        .filter(|&k| bytes.get(k + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
        .count();
    // Measured against characters, approximated from below by a third of the bytes.
    let chars = bytes.len().div_ceil(3).max(1);
    (c0 + c1) * 100 <= chars
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "一、总体要求\n到2027年,培育30个典型应用场景。\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode_text(PLAN.as_bytes()).unwrap(), (PLAN.to_string(), "UTF-8"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(PLAN.as_bytes());
        assert_eq!(decode_text(&bom).unwrap().0, PLAN);
    }

    #[test]
    fn gb18030_is_detected() {
        let (bytes, _, _) = GB18030.encode(PLAN);
        assert_eq!(decode_text(&bytes).unwrap(), (PLAN.to_string(), "gb18030"));
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let le: Vec<u8> = PLAN.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend_from_slice(&le);
        assert_eq!(decode_text(&with_bom).unwrap().0, PLAN);
        let ascii_heavy = "1. Plan 2024\n2. Target 30\n一、总体要求\n";
        let le: Vec<u8> = ascii_heavy.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode_text(&le).unwrap(), (ascii_heavy.to_string(), "UTF-16LE"));
    }

    #[test]
    fn garbage_that_is_no_chinese_encoding_is_refused() {
        // 0x80 and 0xFF are invalid lead bytes in GB18030 and Big5, and not UTF-8.
        let bytes = [0x80u8, 0xFF, 0x80, 0xFF, 0x41, 0x80];
        assert_eq!(decode_text(&bytes).unwrap_err(), ReadError::Encoding);
    }
}

//! Normalisation of the source text, keeping a map back to it.
//!
//! The extractors work on one uniform text: line breaks as `\n`, full-width ASCII forms as
//! half-width (`（一）` → `(一)`, `，` → `,`, `１．` → `1.`), export debris removed
//! (`[bookmark: _Toc…]`), pinyin annotations removed (`網(wǎng)` → `網`) and traditional
//! characters converted to simplified with OpenCC's `t2s` data. Every edit is recorded in an
//! [`OffsetMap`], so any byte range of the normalised text maps back to the exact bytes of
//! the source text it came from.

use std::sync::OnceLock;

/// Piecewise-linear map from normalised byte offsets to source byte offsets, one stage per
/// rewriting pass. Each stage holds checkpoints `(normalised, source)` at which the distance
/// between the two texts changes.
#[derive(Debug, Clone, Default)]
pub struct OffsetMap {
    stages: Vec<Vec<(u32, u32)>>,
}

impl OffsetMap {
    #[cfg(test)]
    pub(crate) fn from_stages(stages: Vec<Vec<(u32, u32)>>) -> Self {
        OffsetMap { stages }
    }

    /// Maps the start of a range: where text was deleted just before `offset`, the source
    /// offset after the deletion.
    pub fn to_source(&self, offset: usize) -> usize {
        let mut off = offset as u64;
        for stage in self.stages.iter().rev() {
            off = map_start(stage, off);
        }
        off as usize
    }

    /// Maps the end of a range: where text was deleted just after `offset`, the source offset
    /// before the deletion, so a span never swallows removed debris.
    pub fn to_source_end(&self, offset: usize) -> usize {
        let mut off = offset as u64;
        for stage in self.stages.iter().rev() {
            off = map_end(stage, off);
        }
        off as usize
    }

    /// `(to_source(start), to_source_end(end))` with one binary search per stage instead of
    /// two: the end's checkpoint is found by walking from the start's (spans are short).
    pub fn to_source_range(&self, start: usize, end: usize) -> (usize, usize) {
        let (mut s, mut e) = (start as u64, end as u64);
        for stage in self.stages.iter().rev() {
            let idx = stage.partition_point(|(n, _)| u64::from(*n) <= s);
            let k = lower_bound_near(stage, idx, e);
            (s, e) = (map_start_at(stage, idx, s), map_end_at(stage, k, e));
        }
        (s as usize, e as usize)
    }
}

/// `stage.partition_point(|(n, _)| n < off)` from a nearby index `hint`: a few steps back or
/// forward, then a binary search over the rest if the walk goes on.
fn lower_bound_near(stage: &[(u32, u32)], hint: usize, off: u64) -> usize {
    const WALK: usize = 8;
    let mut k = hint.min(stage.len());
    for _ in 0..WALK {
        if k > 0 && u64::from(stage[k - 1].0) >= off {
            k -= 1;
        } else if k < stage.len() && u64::from(stage[k].0) < off {
            k += 1;
        } else {
            return k;
        }
    }
    if k > 0 && u64::from(stage[k - 1].0) >= off {
        stage[..k].partition_point(|(n, _)| u64::from(*n) < off)
    } else {
        k + stage[k..].partition_point(|(n, _)| u64::from(*n) < off)
    }
}

fn map_start(stage: &[(u32, u32)], off: u64) -> u64 {
    map_start_at(stage, stage.partition_point(|(n, _)| u64::from(*n) <= off), off)
}

/// [`map_start`] with `idx = stage.partition_point(|(n, _)| n <= off)` known.
fn map_start_at(stage: &[(u32, u32)], idx: usize, off: u64) -> u64 {
    if idx == 0 {
        return off;
    }
    let (n, s) = stage[idx - 1];
    u64::from(s) + (off - u64::from(n))
}

fn map_end(stage: &[(u32, u32)], off: u64) -> u64 {
    map_end_at(stage, stage.partition_point(|(n, _)| u64::from(*n) < off), off)
}

/// [`map_end`] with `idx = stage.partition_point(|(n, _)| n < off)` known.
fn map_end_at(stage: &[(u32, u32)], idx: usize, off: u64) -> u64 {
    if let Some(&(n, s)) = stage.get(idx) {
        if u64::from(n) == off {
            return u64::from(s);
        }
    }
    if idx == 0 {
        return off;
    }
    let (n, s) = stage[idx - 1];
    u64::from(s) + (off - u64::from(n))
}

/// Builds one rewriting pass: output text plus checkpoints.
pub(crate) struct Rewriter {
    pub(crate) out: String,
    pub(crate) checkpoints: Vec<(u32, u32)>,
    delta: i64,
}

impl Rewriter {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Rewriter { out: String::with_capacity(n), checkpoints: Vec::new(), delta: 0 }
    }

    /// Records that the next output byte comes from source byte `src`.
    #[inline]
    pub(crate) fn at(&mut self, src: usize) {
        let delta = src as i64 - self.out.len() as i64;
        if delta != self.delta {
            self.checkpoints.push((self.out.len() as u32, src as u32));
            self.delta = delta;
        }
    }

    /// Records that source bytes from `src` on are dropped here (a gap in the map).
    pub(crate) fn deleted(&mut self, src: usize) {
        self.checkpoints.push((self.out.len() as u32, src as u32));
        self.delta = src as i64 - self.out.len() as i64;
    }

    #[inline]
    pub(crate) fn push(&mut self, src: usize, c: char) {
        self.at(src);
        self.out.push(c);
    }

    #[inline]
    pub(crate) fn push_str(&mut self, src: usize, s: &str) {
        self.at(src);
        self.out.push_str(s);
    }
}

/// The normalised text of a document and its way back to the source.
#[derive(Debug, Clone)]
pub struct NormText {
    pub text: String,
    pub map: OffsetMap,
    pub converted_traditional: bool,
    pub pinyin_removed: usize,
    /// The text was hard-wrapped and its paragraphs re-joined (see [`crate::reflow`]).
    pub reflowed: bool,
}

impl NormText {
    /// Source byte range of a normalised byte range.
    pub fn span(&self, start: usize, end: usize) -> [usize; 2] {
        let (s, e) = self.map.to_source_range(start, end);
        [s, e.max(s)]
    }
}

pub fn normalize(source: &str) -> NormText {
    normalize_as(source, false)
}

/// Normalises a text; `markdown` removes Markdown markup first (see [`crate::markdown`]).
/// Hard-wrapped paragraphs are re-joined (see [`crate::reflow`]).
pub fn normalize_as(source: &str, markdown: bool) -> NormText {
    let (mut text, stage1, pinyin_removed) = clean(source);
    let mut map = OffsetMap { stages: vec![stage1] };
    if markdown {
        let (t, stage) = crate::markdown::strip(&text);
        text = t;
        map.stages.push(stage);
    }
    let (wrap, needed) = crate::reflow::layout(&text);
    let reflowed = wrap.is_some();
    if let Some((t, stage)) = crate::reflow::reflow_known(&text, wrap, needed) {
        text = t;
        map.stages.push(stage);
    }
    let mut converted_traditional = false;
    let text = if looks_traditional(&text) {
        converted_traditional = true;
        let (t, stage2) = to_simplified(&text);
        map.stages.push(stage2);
        t
    } else {
        text
    };
    NormText { text, map, converted_traditional, pinyin_removed, reflowed }
}

/// The vowels with a tone mark of pinyin annotations (see [`is_tone_vowel`]).
#[cfg(test)]
const TONE_VOWELS: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ";

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Whether `c` is a vowel with a tone mark (`ā`, `ǎ`, `ǜ`, `ń`, `ḿ`…), as a `match` (a few comparisons) instead of a search
/// of the string: it is asked for every letter of every pinyin annotation.
#[inline]
fn is_tone_vowel(c: char) -> bool {
    matches!(
        c,
        'ā' | 'á'
            | 'ǎ'
            | 'à'
            | 'ē'
            | 'é'
            | 'ě'
            | 'è'
            | 'ī'
            | 'í'
            | 'ǐ'
            | 'ì'
            | 'ō'
            | 'ó'
            | 'ǒ'
            | 'ò'
            | 'ū'
            | 'ú'
            | 'ǔ'
            | 'ù'
            | 'ǖ'
            | 'ǘ'
            | 'ǚ'
            | 'ǜ'
            | 'ń'
            | 'ň'
            | 'ǹ'
            | 'ḿ'
    )
}

/// Length in bytes of a pinyin annotation starting at `rest` (which starts with `(`), if it is
/// one: `(wǎng)`, `(zhòng)`. Only annotations with a tone mark are taken, so English
/// abbreviations such as `(IDM)` or `(eVTOL)` stay.
fn pinyin_annotation_len(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix('(').or_else(|| rest.strip_prefix('（'))?;
    let open = rest.len() - inner.len();
    let mut len = 0;
    let mut tone = false;
    for c in inner.chars() {
        if c == ')' || c == '）' {
            if tone && len > 0 {
                return Some(open + len + c.len_utf8());
            }
            return None;
        }
        if c.is_ascii_lowercase() || c == 'ü' {
            len += c.len_utf8();
        } else if is_tone_vowel(c) {
            tone = true;
            len += c.len_utf8();
        } else {
            return None;
        }
        if len > 12 {
            return None;
        }
    }
    None
}

/// Whether the space at byte `i` only sets a figure off from Chinese text: one space between a
/// Chinese character and a digit, or between a figure (digit, `%`) and a Chinese character.
fn spaced_figure(src: &str, i: usize, prev_cjk: bool) -> bool {
    let bytes = src.as_bytes();
    if bytes.get(i + 1) == Some(&b' ') || i == 0 || bytes[i - 1] == b' ' {
        return false;
    }
    let next = src[i + 1..].chars().next().unwrap_or(' ');
    let prev_figure = bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'%';
    (prev_cjk && next.is_ascii_digit()) || (prev_figure && is_cjk(next))
}

/// The end of the run of bytes from `j` that [`clean`] copies unchanged: the first character
/// that may need an edit (see [`edit_stops`]), with the scanner of the whole pass: the next
/// stops in the current 64-byte window cost a bit scan each, not a new window test.
#[inline]
fn run_end(stops: &mut crate::bytescan::Stops<impl Fn(&[u8], usize) -> u64>, bytes: &[u8], j: usize) -> usize {
    stops.next(bytes, j).unwrap_or(bytes.len())
}

/// The characters of the 64-byte window at `base` that [`clean`] may edit, as bits: the
/// ASCII stops (`\r`, `[`, `(`, space), the lead byte `EF` of the full-width forms, and of
/// the U+00xx, U+20xx and U+30xx blocks only the edited characters (`C2 A0`, `E2 80 82`–`8D`,
/// `A8`, `A9`, `AF`, `E3 80 80`), told from the frequent kept ones (`、`, `。`, `“`, `—`) by
/// their next two bytes, tested beside the lead byte without branches. A lead byte of a `str`
/// is followed by its whole character, so the bytes looked at are the character's own.
#[inline(always)]
fn edit_stops(b: &[u8], base: usize) -> u64 {
    let lanes = |w0: &[u8; 64], w1: &[u8; 64], w2: &[u8; 64]| {
        let mut hits = [0u8; 64];
        for k in 0..64 {
            let (x, y, z) = (w0[k], w1[k], w2[k]);
            let ascii = (x == b'\r') | (x == b'[') | (x == b'(') | (x == b' ') | (x == 0xEF);
            let nbsp = (x == 0xC2) & (y == 0xA0);
            let spaces =
                (x == 0xE2) & (y == 0x80) & ((z.wrapping_sub(0x82) < 12) | (z == 0xA8) | (z == 0xA9) | (z == 0xAF));
            let ideographic_space = (x == 0xE3) & (y == 0x80) & (z == 0x80);
            hits[k] = u8::from(ascii | nbsp | spaces | ideographic_space);
        }
        crate::bytescan::pack_hits(&hits)
    };
    match b.get(base..base + 66) {
        Some(w) => {
            let view = |k: usize| -> &[u8; 64] { w[k..k + 64].try_into().expect("64 bytes") };
            lanes(view(0), view(1), view(2))
        }
        None => {
            // The last windows: zeros past the end, which stop nothing.
            let tail = b.get(base..).unwrap_or(&[]);
            let mut w = [0u8; 66];
            w[..tail.len()].copy_from_slice(tail);
            let view = |k: usize| -> [u8; 64] { w[k..k + 64].try_into().expect("64 bytes") };
            lanes(&view(0), &view(1), &view(2))
        }
    }
}

/// The ASCII character of a full-width form U+FF01–U+FF5E (`，` → `,`) from the last two bytes
/// of its UTF-8 sequence `EF b1 b2`.
#[inline]
fn fullwidth_ascii(b1: u8, b2: u8) -> Option<u8> {
    match (b1, b2) {
        // U+FF01–U+FF3F: `EF BC 81`–`EF BC BF` → 0x21–0x5F.
        (0xBC, 0x81..=0xBF) => Some(b2 - 0x60),
        // U+FF40–U+FF5E: `EF BD 80`–`EF BD 9E` → 0x60–0x7E.
        (0xBD, 0x80..=0x9E) => Some(b2 - 0x20),
        _ => None,
    }
}

/// Pass 1: line breaks, widths, bookmarks and pinyin debris.
fn clean(src: &str) -> (String, Vec<(u32, u32)>, usize) {
    let mut w = Rewriter::with_capacity(src.len());
    let mut pinyin = 0;
    let mut prev_cjk = false;
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut stops = crate::bytescan::Stops::with_windows(edit_stops);
    while i < src.len() {
        // Copy runs that need no change in one go: only these lead bytes can start an edit
        // (line breaks, bookmarks, pinyin brackets, and the U+00xx, U+20xx, U+30xx and
        // U+FExx/U+FFxx forms).
        let end = run_end(&mut stops, bytes, i);
        let after_run = end > i;
        if after_run {
            w.push_str(i, &src[i..end]);
            i = end;
            if i == src.len() {
                break;
            }
        }
        let b = bytes[i];
        // Fast path for the full-width forms (`，`, `：`, `１`: in Chinese text one every dozen
        // characters): mapped from their bytes, without decoding a `char`, and without looking
        // at the character before. Only `（` after a Chinese character may open a pinyin
        // annotation; it takes the general path.
        if let [0xEF, b1, b2, ..] = bytes[i..] {
            if let Some(a) = fullwidth_ascii(b1, b2) {
                if a != b'(' {
                    w.at(i);
                    w.out.push(char::from(a));
                    prev_cjk = false;
                    i += 3;
                    continue;
                }
            }
        }
        if after_run {
            prev_cjk = src[..i].chars().next_back().is_some_and(is_cjk);
        }
        if b < 0x80 {
            // ASCII fast path.
            match b {
                b'\r' => {
                    if bytes.get(i + 1) != Some(&b'\n') {
                        w.push(i, '\n');
                    } else {
                        w.deleted(i);
                    }
                }
                b'[' if src[i..].starts_with("[bookmark:") => {
                    if let Some(close) = src[i..].find(']') {
                        w.deleted(i);
                        i += close + 1;
                        continue;
                    }
                    w.push(i, '[');
                }
                // A single space between Chinese and a figure is typesetting (`建成 500 个`, `到 2025
                // 年`, common in PDF copies): it goes, so figures read as the text means them.
                b' ' if spaced_figure(src, i, prev_cjk) => {
                    w.deleted(i);
                    i += 1;
                    continue;
                }
                b'(' if prev_cjk => {
                    if let Some(n) = pinyin_annotation_len(&src[i..]) {
                        pinyin += 1;
                        w.deleted(i);
                        i += n;
                        continue;
                    }
                    w.push(i, '(');
                }
                _ => {
                    w.at(i);
                    w.out.push(b as char);
                }
            }
            prev_cjk = false;
            i += 1;
            continue;
        }
        let c = src[i..].chars().next().expect("char boundary");
        let n = c.len_utf8();
        if c == '（' && prev_cjk {
            if let Some(len) = pinyin_annotation_len(&src[i..]) {
                pinyin += 1;
                w.deleted(i);
                i += len;
                continue;
            }
        }
        let mapped = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => ' ',
            '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}' => {
                w.deleted(i);
                i += n;
                continue;
            }
            '\u{FE52}' => '.',
            '\u{2028}' | '\u{2029}' => '\n',
            _ => c,
        };
        w.push(i, mapped);
        prev_cjk = is_cjk(c);
        i += n;
    }
    // The end of the text maps to the end of the source, whatever the last edit was (a text
    // ending in a full-width `：` is one byte shorter than its source).
    w.at(src.len());
    (w.out, w.checkpoints, pinyin)
}

/// Traditional Chinese converted to simplified (OpenCC t2s, phrase-aware); other text unchanged.
/// Used wherever a user's query or a stored text must match regardless of script.
pub fn simplified(text: &str) -> String {
    match opencc() {
        Some(cc) if text.chars().any(|c| is_traditional(traditional_bitmap(), c)) => cc.convert(text),
        _ => text.to_string(),
    }
}

fn opencc() -> Option<&'static ferrous_opencc::OpenCC> {
    static CONVERTER: OnceLock<Option<ferrous_opencc::OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Characters of the CJK block that OpenCC's t2s changes on their own: the traditional-only
/// characters. Computed once per process from OpenCC's data, so detection costs one bit test
/// per character instead of a conversion.
fn traditional_bitmap() -> &'static [u64] {
    static BITMAP: OnceLock<Vec<u64>> = OnceLock::new();
    BITMAP.get_or_init(|| {
        const FIRST: u32 = 0x4E00;
        const LAST: u32 = 0x9FFF;
        let mut bits = vec![0u64; ((LAST - FIRST + 1) as usize).div_ceil(64)];
        let Some(cc) = opencc() else { return bits };
        // Convert all characters in one call, separated by line breaks, and compare.
        let mut all = String::with_capacity(((LAST - FIRST + 1) * 4) as usize);
        for cp in FIRST..=LAST {
            all.push(char::from_u32(cp).unwrap_or(' '));
            all.push('\n');
        }
        let converted = cc.convert(&all);
        for (idx, line) in converted.split('\n').enumerate().take((LAST - FIRST + 1) as usize) {
            let original = char::from_u32(FIRST + idx as u32).unwrap_or(' ');
            if !line.starts_with(original) {
                bits[idx / 64] |= 1 << (idx % 64);
            }
        }
        bits
    })
}

/// [`traditional_bitmap`] over U+4000–U+BFFF (bit `cp - 0x4000`, none below U+4E00 or above
/// U+9FFF): any three-byte character with a lead byte `E4`–`E9` has its bit here, so
/// [`looks_traditional`] looks it up without a branch or a bounds check.
fn traditional_table() -> &'static [u64; 512] {
    static TABLE: OnceLock<[u64; 512]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let bits = traditional_bitmap();
        let mut table = [0u64; 512];
        for cp in 0x4E00..=0x9FFFu32 {
            if let Some(c) = char::from_u32(cp) {
                if is_traditional(bits, c) {
                    let rel = (cp - 0x4000) as usize;
                    table[rel / 64] |= 1 << (rel % 64);
                }
            }
        }
        table
    })
}

fn is_traditional(bits: &[u64], c: char) -> bool {
    let cp = c as u32;
    if !(0x4E00..=0x9FFF).contains(&cp) {
        return false;
    }
    let idx = (cp - 0x4E00) as usize;
    bits[idx / 64] >> (idx % 64) & 1 == 1
}

/// True when at least 1% of the CJK characters are traditional-only, with a floor of five:
/// a simplified document quoting one traditional name is not converted.
///
/// A sample of the first 20 000 characters decides. It is read 64 bytes at a time: one vector
/// test finds the lead bytes of U+4000–U+9FFF (`E4`–`E9`, never a continuation byte) and
/// another the starts of characters (counted to cut the sample); only the CJK characters are
/// decoded, from their three bytes. A traditional text is settled long before the end of the
/// sample: once even a sample ending in simplified characters only would keep the share.
pub fn looks_traditional(text: &str) -> bool {
    const SAMPLE: usize = 20_000;
    let table = traditional_table();
    let bytes = text.as_bytes();
    let (mut cjk, mut trad, mut chars) = (0usize, 0usize, 0usize);
    let mut base = 0;
    while base < bytes.len() {
        let mut leads = crate::bytescan::window_bits(bytes, base, &|b| b.wrapping_sub(0xE4) < 6);
        let starts = crate::bytescan::window_bits(bytes, base, &|b| (b & 0xC0) != 0x80);
        let n = starts.count_ones() as usize;
        if chars + n > SAMPLE {
            // The sample ends in this window, before its (SAMPLE - chars + 1)-th character.
            let mut rest = starts;
            for _ in 0..SAMPLE - chars {
                rest &= rest - 1;
            }
            leads &= (1u64 << rest.trailing_zeros()) - 1;
        }
        while leads != 0 {
            let k = base + leads.trailing_zeros() as usize;
            leads &= leads - 1;
            // A lead byte of a `str` is followed by its continuation bytes.
            if let [b0, b1, b2, ..] = bytes[k..] {
                let cp = u32::from(b0 & 0x0F) << 12 | u32::from(b1 & 0x3F) << 6 | u32::from(b2 & 0x3F);
                // No branch: U+4000–U+4DFF count as no CJK and have no bit in the table.
                cjk += usize::from(cp >= 0x4E00);
                let rel = (cp.wrapping_sub(0x4000) & 0x7FFF) as usize;
                trad += (table[rel / 64] >> (rel % 64) & 1) as usize;
            }
        }
        chars += n;
        if chars >= SAMPLE {
            break;
        }
        base += 64;
        let left = (SAMPLE - chars).min(bytes.len().saturating_sub(base));
        if trad >= 5 && trad * 100 >= cjk + left {
            return true;
        }
    }
    trad >= 5 && trad * 100 >= cjk
}

/// Pass 2: traditional → simplified, line by line so that a changed character count (rare in
/// t2s) only blurs the map within one line.
fn to_simplified(text: &str) -> (String, Vec<(u32, u32)>) {
    if opencc().is_none() {
        return (text.to_string(), Vec::new());
    }
    // `crate::t2s` converts as OpenCC t2s does, without its cost per character.
    // One call for the whole text is much cheaper than one per line; t2s keeps the number
    // of characters, so the map is exact character by character.
    let whole = crate::t2s::convert(text);
    // The usual case: every character converted to one of the same length in bytes (t2s maps
    // CJK to CJK), so every offset maps to itself and the map needs no checkpoint.
    if same_char_boundaries(text, &whole) {
        return (whole, Vec::new());
    }
    let mut w = Rewriter::with_capacity(text.len());
    if whole.chars().count() == text.chars().count() {
        for ((src_off, _), c) in text.char_indices().zip(whole.chars()) {
            w.push(src_off, c);
        }
        w.at(text.len());
        return (w.out, w.checkpoints);
    }
    let mut start = 0;
    let bits = traditional_bitmap();
    for line in crate::bytescan::lines_inclusive(text) {
        // Lines without a traditional-only character are already simplified.
        if !line.chars().any(|c| is_traditional(bits, c)) {
            w.push_str(start, line);
            start += line.len();
            continue;
        }
        let converted = crate::t2s::convert(line);
        if converted.chars().count() == line.chars().count() {
            for ((src_off, _), c) in line.char_indices().zip(converted.chars()) {
                w.push(start + src_off, c);
            }
        } else {
            w.push_str(start, &converted);
        }
        start += line.len();
    }
    w.at(text.len());
    (w.out, w.checkpoints)
}

/// Whether `a` and `b` have the same length and their characters start at the same bytes
/// (every character of one as long as the other's), tested 64 bytes at a time without branches.
fn same_char_boundaries(a: &str, b: &str) -> bool {
    let is_start = |x: u8| (x & 0xC0) != 0x80;
    a.len() == b.len()
        && a.as_bytes()
            .chunks(64)
            .zip(b.as_bytes().chunks(64))
            .all(|(x, y)| x.iter().zip(y).fold(true, |same, (&p, &q)| same & (is_start(p) == is_start(q))))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The stop test of `clean` before its 64-byte windows, kept as the reference of
    // `edit_stops` and `run_end`.
    /// Whether byte `b` may start an edit of [`clean`]: line breaks, bookmarks, pinyin brackets,
    /// spaces, and the lead bytes of the U+00xx, U+20xx, U+30xx and U+FExx/U+FFxx forms.
    fn may_edit(b: u8) -> bool {
        (b == b'\r') | (b == b'[') | (b == b'(') | (b == b' ') | (b == 0xC2) | (b == 0xE2) | (b == 0xE3) | (b == 0xEF)
    }

    /// The end of the run of bytes from `i` that [`clean`] copies unchanged: the first character
    /// that may need an edit. Of the U+00xx, U+20xx and U+30xx characters only a few do (`\u{A0}`,
    /// the spaces and zero-width marks of U+2002–U+200D, U+2028/2029/202F, `\u{3000}`); the
    /// frequent others (`、`, `。`, `《`, `—`, `“`) stay in the run. `bytes` are a `str`'s, so a lead
    /// byte is followed by its whole character.
    fn unchanged_run_end(bytes: &[u8], j: usize) -> usize {
        run_end(&mut crate::bytescan::Stops::with_windows(edit_stops), bytes, j)
    }

    /// At a byte `MAY_EDIT` marks: the length of the UTF-8 sequence starting there when it is one
    /// normalisation leaves as it is (a lead byte shared with edited characters), else None.
    fn kept_sequence_len(bytes: &[u8], j: usize) -> Option<usize> {
        let (b1, b2) = (bytes.get(j + 1).copied().unwrap_or(0), bytes.get(j + 2).copied().unwrap_or(0));
        match bytes[j] {
            0xC2 => (b1 != 0xA0).then_some(2),
            0xE2 => (!(b1 == 0x80 && (matches!(b2, 0x82..=0x8D | 0xA8 | 0xA9 | 0xAF)))).then_some(3),
            0xE3 => (!(b1 == 0x80 && b2 == 0x80)).then_some(3),
            _ => None,
        }
    }

    /// The first byte at or after `from` that [`may_edit`] accepts, 32 bytes at a time.
    fn next_may_edit(bytes: &[u8], from: usize) -> Option<usize> {
        crate::bytescan::find_byte(bytes, from, may_edit)
    }

    fn roundtrip(src: &str, norm: &NormText, needle: &str) -> String {
        let s = norm.text.find(needle).unwrap_or_else(|| panic!("{needle} not in {}", norm.text));
        let [a, b] = norm.span(s, s + needle.len());
        src[a..b].to_string()
    }

    #[test]
    fn unchanged_runs_stop_at_every_character_clean_may_edit() {
        // Every character that `clean` rewrites or drops, and the bytes that start bookmarks,
        // pinyin and spaced figures, ends a run; the common punctuation around them does not.
        let edited = "\r[( \u{A0}\u{2002}\u{2005}\u{200A}\u{200B}\u{200C}\u{200D}\u{2028}\u{2029}\u{202F}\u{3000}\u{FEFF}\u{FE52}，（ａ～";
        for c in edited.chars() {
            let text = format!("发展、“目标”—《规划》。·{c}后");
            let at = text.find(c).unwrap_or(0);
            assert_eq!(unchanged_run_end(text.as_bytes(), 0), at, "{c:?}");
        }
        assert_eq!(unchanged_run_end("、。—“”《》·…".as_bytes(), 0), "、。—“”《》·…".len());
        // Every non-ASCII character `clean` maps (its `match`) ends a run; the others of the
        // U+00xx, U+20xx and U+30xx blocks do not.
        let mapped = |c: char| {
            matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200D}' | '\u{202F}')
                || matches!(c, '\u{FEFF}' | '\u{FE52}' | '\u{2028}' | '\u{2029}')
        };
        for c in (0x80..=0xFFFFu32).filter_map(char::from_u32) {
            let text = format!("甲{c}乙");
            let end = unchanged_run_end(text.as_bytes(), 0);
            if mapped(c) {
                assert_eq!(end, "甲".len(), "U+{:04X}", c as u32);
            } else if matches!(c as u32, 0x80..=0xFF | 0x2000..=0x2FFF | 0x3000..=0x3FFF) {
                assert_eq!(end, text.len(), "U+{:04X}", c as u32);
            }
        }
    }

    /// The lead bytes that may start an edit, as the table the byte loop used.
    const MAY_EDIT: [bool; 256] = {
        let mut t = [false; 256];
        let stops = [b'\r', b'[', b'(', b' ', 0xC2, 0xE2, 0xE3, 0xEF];
        let mut k = 0;
        while k < stops.len() {
            t[stops[k] as usize] = true;
            k += 1;
        }
        t
    };

    /// `unchanged_run_end` as first written: one byte at a time against `MAY_EDIT`.
    fn unchanged_run_end_reference(bytes: &[u8], mut j: usize) -> usize {
        while j < bytes.len() {
            if !MAY_EDIT[bytes[j] as usize] {
                j += 1;
                continue;
            }
            match kept_sequence_len(bytes, j) {
                Some(n) if j + n <= bytes.len() => j += n,
                _ => return j,
            }
        }
        bytes.len()
    }

    /// `clean` before its fast paths (kept window, full-width forms), for comparison.
    fn clean_reference(src: &str) -> (String, Vec<(u32, u32)>, usize) {
        let mut w = Rewriter::with_capacity(src.len());
        let mut pinyin = 0;
        let mut prev_cjk = false;
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < src.len() {
            // Copy runs that need no change in one go: only these lead bytes can start an edit
            // (line breaks, bookmarks, pinyin brackets, and the U+00xx, U+20xx, U+30xx and
            // U+FExx/U+FFxx forms).
            let run_end = unchanged_run_end_reference(bytes, i);
            if run_end > i {
                w.push_str(i, &src[i..run_end]);
                prev_cjk = src[..run_end].chars().next_back().is_some_and(is_cjk);
                i = run_end;
                continue;
            }
            let b = bytes[i];
            if b < 0x80 {
                // ASCII fast path.
                match b {
                    b'\r' => {
                        if bytes.get(i + 1) != Some(&b'\n') {
                            w.push(i, '\n');
                        } else {
                            w.deleted(i);
                        }
                    }
                    b'[' if src[i..].starts_with("[bookmark:") => {
                        if let Some(close) = src[i..].find(']') {
                            w.deleted(i);
                            i += close + 1;
                            continue;
                        }
                        w.push(i, '[');
                    }
                    // A single space between Chinese and a figure is typesetting (`建成 500 个`, `到 2025
                    // 年`, common in PDF copies): it goes, so figures read as the text means them.
                    b' ' if spaced_figure(src, i, prev_cjk) => {
                        w.deleted(i);
                        i += 1;
                        continue;
                    }
                    b'(' if prev_cjk => {
                        if let Some(n) = pinyin_annotation_len(&src[i..]) {
                            pinyin += 1;
                            w.deleted(i);
                            i += n;
                            continue;
                        }
                        w.push(i, '(');
                    }
                    _ => {
                        w.at(i);
                        w.out.push(b as char);
                    }
                }
                prev_cjk = false;
                i += 1;
                continue;
            }
            let c = src[i..].chars().next().expect("char boundary");
            let n = c.len_utf8();
            if c == '（' && prev_cjk {
                if let Some(len) = pinyin_annotation_len(&src[i..]) {
                    pinyin += 1;
                    w.deleted(i);
                    i += len;
                    continue;
                }
            }
            let mapped = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' => ' ',
                '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}' => {
                    w.deleted(i);
                    i += n;
                    continue;
                }
                '\u{FE52}' => '.',
                '\u{2028}' | '\u{2029}' => '\n',
                _ => c,
            };
            w.push(i, mapped);
            prev_cjk = is_cjk(c);
            i += n;
        }
        // The end of the text maps to the end of the source, whatever the last edit was (a text
        // ending in a full-width `：` is one byte shorter than its source).
        w.at(src.len());
        (w.out, w.checkpoints, pinyin)
    }

    /// `clean` gives what its reference gives (text, checkpoints, pinyin count) on hostile
    /// inputs: full-width forms at the start and end, `（` after Chinese and after ASCII, lone
    /// brackets, CRLF at the end, mixed widths, and stops at every place of a 64-byte window.
    #[test]
    fn clean_matches_its_reference() {
        let pieces = [
            "，",
            "（",
            "）",
            "(",
            ")",
            "：",
            "１",
            "ａ",
            "～",
            "！",
            "＿",
            "｀",
            "｛",
            "\u{FF5F}",
            "\u{FF00}",
            "\u{FE52}",
            "\u{FEFF}",
            "\u{200B}",
            "\u{3000}",
            "\u{A0}",
            "é",
            "、",
            "。",
            "—",
            "“",
            "发",
            "展",
            "网",
            "a",
            "1",
            " ",
            "\r\n",
            "\r",
            "\n",
            "[bookmark: _Toc1]",
            "[",
            "(wǎng)",
            "（zhòng）",
            "(IDM)",
            "😀",
            "\u{2028}",
            "\u{202F}",
            "\u{2005}",
        ];
        let mut texts: Vec<String> = vec![
            String::new(),
            "（".into(),
            "发（".into(),
            "发(".into(),
            "规模，".into(),
            "到2025年，建成１００个。\r\n".into(),
            "網（wǎng）（zhòng）網(wǎng)\u{200B}(pīn)".into(),
            "发 2025 年 ，a （b） ｛c｝～\r".into(),
        ];
        // Every piece after every other, at every offset of a window.
        for (k, a) in pieces.iter().enumerate() {
            for b in &pieces {
                for pad in [0, 1, 20, 61, 62, 63] {
                    texts.push(format!("{}{}{a}{b}{}", "发".repeat(pad / 3), "x".repeat(pad % 3), pieces[k % 7]));
                }
            }
        }
        // Long pseudo-random mixes of the pieces.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..400 {
            let mut t = String::new();
            for _ in 0..(seed % 120) as usize {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            texts.push(t);
        }
        for t in &texts {
            assert_eq!(clean(t), clean_reference(t), "{t:?}");
        }
    }

    /// The window search finds the same run ends as the byte loop, wherever the stop falls
    /// in or across a 32-byte window, from every start.
    #[test]
    fn unchanged_runs_end_where_the_byte_loop_ends_them() {
        let stops = ["\r", "[", "(", " ", "\u{A0}", "\u{2002}", "\u{3000}", "，", "（", "、", "。", "—", "“", "·", "é"];
        let mut texts = vec![String::new(), "发展".to_string(), "a".repeat(70)];
        for pad in 0..36 {
            for stop in stops {
                texts.push(format!("{}{stop}{}", "x".repeat(pad), "发展目标".repeat(pad % 5)));
                texts.push(format!("{}{}{stop}、。{stop}", "y".repeat(pad % 3), "建设规划".repeat(pad / 3 + 1)));
            }
        }
        // The window test stops at exactly the bytes of the table.
        for b in 0..=255u8 {
            assert_eq!(next_may_edit(&[b; 40], 0).is_some(), MAY_EDIT[b as usize], "{b:#x}");
        }
        for t in &texts {
            for from in (0..=t.len()).filter(|&k| t.is_char_boundary(k)) {
                assert_eq!(
                    unchanged_run_end(t.as_bytes(), from),
                    unchanged_run_end_reference(t.as_bytes(), from),
                    "{t:?} from {from}"
                );
            }
        }
    }

    /// One search per stage maps a range as the two searches did: maps with repeated
    /// checkpoints (deletions next to each other), empty and reversed ranges, ranges across
    /// many checkpoints (past the walk) and offsets past the last checkpoint, over 1–3 stages.
    #[test]
    fn ranges_map_as_their_two_ends_do() {
        let mut seed = 0x1234_5678_9ABC_DEF1u64;
        let mut next = move |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let mut maps = vec![OffsetMap::default(), OffsetMap::from_stages(vec![vec![(0, 3), (0, 9), (4, 9), (4, 20)]])];
        for _ in 0..60 {
            let stages = (0..1 + next(3))
                .map(|_| {
                    let (mut n, mut s) = (0u32, 0u32);
                    (0..next(40))
                        .map(|_| {
                            n += next(4) as u32; // 0: a checkpoint repeated
                            s = s.max(n) + next(5) as u32;
                            (n, s)
                        })
                        .collect()
                })
                .collect();
            maps.push(OffsetMap::from_stages(stages));
        }
        for map in &maps {
            for start in 0..90usize {
                for end in (start.saturating_sub(3)..start + 40).step_by(1 + next(3) as usize) {
                    let want = (map.to_source(start), map.to_source_end(end));
                    assert_eq!(map.to_source_range(start, end), want, "{map:?} {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn tone_vowels_match_their_list() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_tone_vowel(c), TONE_VOWELS.contains(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn widths_and_line_breaks() {
        let src = "（一）发展基础。\r\n１．全市，２０２５年\r\n";
        let n = normalize(src);
        assert_eq!(n.text, "(一)发展基础。\n1.全市,2025年\n");
        assert_eq!(roundtrip(src, &n, "全市,2025"), "全市，２０２５");
        assert_eq!(roundtrip(src, &n, "(一)"), "（一）");
    }

    #[test]
    fn the_end_of_the_text_maps_to_the_end_of_the_source() {
        let src = "规模突破500：";
        let n = normalize(src);
        assert_eq!(n.text, "规模突破500:");
        assert_eq!(n.map.to_source(n.text.len()), src.len());
        assert_eq!(n.map.to_source_end(n.text.len()), src.len());
    }

    #[test]
    fn spaces_around_figures_go() {
        let src = "到 2025 年,建成 500 个以上示范工厂,Industry 4.0 and 5 G\n";
        let n = normalize(src);
        assert_eq!(n.text, "到2025年,建成500个以上示范工厂,Industry 4.0 and 5 G\n");
        assert_eq!(roundtrip(src, &n, "500个"), "500 个");
    }

    #[test]
    fn bookmarks_are_removed_and_spans_skip_them() {
        let src = "[bookmark: _Toc1][bookmark: _Toc22]一、发展基础与面临形势\n";
        let n = normalize(src);
        assert_eq!(n.text, "一、发展基础与面临形势\n");
        assert_eq!(roundtrip(src, &n, "发展基础"), "发展基础");
    }

    #[test]
    fn pinyin_debris_is_removed_but_abbreviations_stay() {
        let src = "整合元件制造(IDM)模式,成都市人民政府網(wǎng) 重點(diǎn)";
        let n = normalize(src);
        assert_eq!(n.pinyin_removed, 2);
        assert!(n.text.starts_with("整合元件制造(IDM)模式"));
    }

    #[test]
    fn traditional_text_is_converted_with_exact_spans() {
        let src = "成都市人民政府關(guān)於前瞻培育未來(lái)產(chǎn)業(yè)構(gòu)築高質(zhì)量發(fā)展新動(dòng)能的實(shí)施意見(jiàn)";
        let n = normalize(src);
        assert!(n.converted_traditional);
        assert_eq!(n.text, "成都市人民政府关于前瞻培育未来产业构筑高质量发展新动能的实施意见");
        assert_eq!(roundtrip(src, &n, "未来产业"), "未來(lái)產(chǎn)業");
    }

    /// Without the fast path for unchanged lengths: the map built character by character.
    fn to_simplified_reference(text: &str) -> (String, Vec<(u32, u32)>) {
        let whole = crate::t2s::convert(text);
        let mut w = Rewriter::with_capacity(text.len());
        assert_eq!(whole.chars().count(), text.chars().count(), "{text}");
        for ((src_off, _), c) in text.char_indices().zip(whole.chars()) {
            w.push(src_off, c);
        }
        w.at(text.len());
        (w.out, w.checkpoints)
    }

    #[test]
    fn to_simplified_fast_path_maps_as_character_by_character() {
        for text in [
            "",
            "發",
            "關於產業發展數據 ASCII 2025年，é😀乾隆",
            "成都市人民政府關(guān)於前瞻培育未來(lái)產(chǎn)業\r\n",
            "简体中文没有繁体字",
        ] {
            assert_eq!(to_simplified(text), to_simplified_reference(text), "{text}");
        }
        assert!(same_char_boundaries("", ""));
        assert!(same_char_boundaries("發展a", "发展b"));
        assert!(!same_char_boundaries("發展", "发展x"));
        // Same length, characters of other lengths: `éa` (2 + 1 bytes) against `aé`.
        assert!(!same_char_boundaries("éa", "aé"));
        let long = "發展".repeat(40);
        let mut other = "发展".repeat(39);
        other.push_str("éa发");
        assert_eq!(long.len(), other.len());
        assert!(!same_char_boundaries(&long, &other));
    }

    #[test]
    fn simplified_text_is_left_alone() {
        assert!(!looks_traditional("重庆市未来产业培育行动计划,打造30个典型应用场景"));
    }

    /// The byte-wise sample counts what a scan of the characters counts, at the edges of the
    /// range (U+4DFF, U+4E00, U+9FFF, U+A000), with one- to four-byte characters and at the
    /// 20 000-character cut.
    #[test]
    fn traditional_sample_is_counted_as_by_characters() {
        fn reference(text: &str) -> bool {
            let bits = traditional_bitmap();
            let (mut cjk, mut trad) = (0usize, 0usize);
            for c in text.chars().take(20_000) {
                let cp = c as u32;
                if (0x4E00..=0x9FFF).contains(&cp) {
                    cjk += 1;
                    let idx = (cp - 0x4E00) as usize;
                    if bits[idx / 64] >> (idx % 64) & 1 == 1 {
                        trad += 1;
                    }
                }
            }
            trad >= 5 && trad * 100 >= cjk
        }
        let trad = "關於產業發展數據";
        let mixed = format!("a\u{4DFF}\u{4E00}\u{9FFF}\u{A000}é😀{trad}");
        let cut = format!("{}{}", "a".repeat(19_998), trad);
        let cut2 = format!("{}{}", "é".repeat(19_990), trad);
        let many = format!("{}{}", "发展".repeat(300), trad);
        // The sample's end in every position of a 64-byte chunk, after one- to four-byte characters.
        let edges: Vec<String> = (0..70)
            .flat_map(|k| {
                let pad = ["a", "é", "发", "😀"].map(|c| c.repeat(19_995 - k % 7));
                pad.map(|p| format!("{p}{}{trad}{trad}", "x".repeat(k)))
            })
            .collect();
        // A traditional head settles nothing while simplified text may still follow in the
        // sample, and a share just at 1 % is decided at the end.
        let head = format!("{}{}", trad.repeat(30), "发展".repeat(9_000));
        let edge = format!("{}{}", "發".repeat(100), "发".repeat(9_900));
        let under = format!("{}{}", "發".repeat(100), "发".repeat(9_901));
        let late = format!("{}{}", "发".repeat(19_990), trad);
        for text in [head.as_str(), edge.as_str(), under.as_str(), late.as_str()] {
            assert_eq!(looks_traditional(text), reference(text), "{}", text.chars().take(20).collect::<String>());
        }
        assert!(looks_traditional(&edge) && !looks_traditional(&under));
        for text in [trad, mixed.as_str(), cut.as_str(), cut2.as_str(), many.as_str(), "", "发展"]
            .into_iter()
            .chain(edges.iter().map(String::as_str))
        {
            assert_eq!(looks_traditional(text), reference(text), "{}", text.chars().take(20).collect::<String>());
        }
        assert!(looks_traditional(trad) && !looks_traditional(&cut));
    }
}

#[cfg(test)]
mod to_simplified_tests {
    #[test]
    fn converts_traditional_and_leaves_simplified() {
        assert_eq!(super::simplified("積體電路產業"), "积体电路产业");
        assert_eq!(super::simplified("集成电路产业 AI"), "集成电路产业 AI");
    }
}

//! Byte searches 32 bytes at a time for the hot scans (normalisation, figures, brackets).
//!
//! Each byte of a window is tested without branches, so the 32 tests compile to vector
//! compares; the first hit is then read eight bytes at a time. A scan calls these to jump
//! between the few places that matter instead of decoding every character.

/// The index of the first non-zero byte of `hits`, tested eight bytes at a time.
pub(crate) fn first_hit(hits: &[u8; 32]) -> Option<usize> {
    hits.chunks_exact(8).enumerate().find_map(|(q, c)| {
        let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        (word != 0).then(|| q * 8 + word.trailing_zeros() as usize / 8)
    })
}

/// The first byte of `b` at or after `from` that passes `test`. `test` should be written
/// with `&`/`|` on booleans (no `&&`, `||` or `match`), so that it vectorises.
#[inline(always)]
pub(crate) fn find_byte(b: &[u8], from: usize, test: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = from;
    while let Some(w) = b.get(i..i + 32) {
        let mut hits = [0u8; 32];
        for (h, &x) in hits.iter_mut().zip(w) {
            *h = u8::from(test(x));
        }
        if let Some(p) = first_hit(&hits) {
            return Some(i + p);
        }
        i += 32;
    }
    b.get(i..)?.iter().position(|&x| test(x)).map(|p| i + p)
}

/// The bits of a 64-byte window whose bytes pass `test` (bit k for byte k), all tests made
/// without branches (vector compares) and packed eight bytes at a time by one multiply.
#[inline(always)]
fn window_mask(w: &[u8; 64], test: &impl Fn(u8) -> bool) -> u64 {
    let mut hits = [0u8; 64];
    for (h, &x) in hits.iter_mut().zip(w) {
        *h = u8::from(test(x));
    }
    pack_hits(&hits)
}

/// Bytes of 0 or 1 packed into bits (bit k for byte k).
#[inline(always)]
pub(crate) fn pack_hits(hits: &[u8; 64]) -> u64 {
    let mut mask = 0u64;
    for (q, c) in hits.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        // Bytes of 0 or 1: the multiply gathers byte k's bit into bit 56 + k, without carries.
        mask |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (q * 8);
    }
    mask
}

/// [`find_byte`] for scans that stop often and go on from just after the stop: the bits of
/// the current 64-byte window are kept, so the next stop in the same window costs a bit scan
/// instead of a new window test (normalisation stops at every `，`). `window(b, base)` gives
/// the stops of the window at `base` as bits, none past the end of `b`.
pub(crate) struct Stops<F> {
    window: F,
    /// Start of the window `mask` describes (`usize::MAX`: none yet).
    base: usize,
    mask: u64,
}

/// [`Stops`] at the bytes that pass `test`.
#[cfg(test)]
pub(crate) fn byte_stops(test: impl Fn(u8) -> bool) -> Stops<impl Fn(&[u8], usize) -> u64> {
    Stops::with_windows(move |b: &[u8], base: usize| window_bits(b, base, &test))
}

impl<F: Fn(&[u8], usize) -> u64> Stops<F> {
    pub(crate) fn with_windows(window: F) -> Self {
        Stops { window, base: usize::MAX, mask: 0 }
    }

    /// The first stop of `b` at or after `from`. `b` must be the same slice on every call.
    #[inline]
    pub(crate) fn next(&mut self, b: &[u8], from: usize) -> Option<usize> {
        if self.base == usize::MAX || from < self.base || from >= self.base + 64 {
            self.base = from;
            self.mask = (self.window)(b, from);
        }
        // Bits before `from` are done with (`from - base` < 64); `self.mask` keeps them, so a
        // later search may start anywhere in the window.
        let mut mask = self.mask & (u64::MAX << (from - self.base));
        while mask == 0 {
            self.base += 64;
            if self.base >= b.len() {
                self.base = usize::MAX;
                return None;
            }
            self.mask = (self.window)(b, self.base);
            mask = self.mask;
        }
        Some(self.base + mask.trailing_zeros() as usize)
    }
}

/// The bits of the 64-byte window of `b` at `base` whose bytes pass `test` (bit k for byte
/// `base + k`); past the end of `b` no bit is set.
#[inline(always)]
pub(crate) fn window_bits(b: &[u8], base: usize, test: &impl Fn(u8) -> bool) -> u64 {
    match b.get(base..base + 64) {
        Some(w) => window_mask(w.try_into().expect("64 bytes"), test),
        None => {
            let tail = b.get(base..).unwrap_or(&[]);
            let mut w = [0u8; 64];
            w[..tail.len()].copy_from_slice(tail);
            let valid = if tail.len() == 64 { u64::MAX } else { (1u64 << tail.len()) - 1 };
            window_mask(&w, test) & valid
        }
    }
}

/// `str::split_inclusive('\n')`, the newline found by the `memchr` crate (vector compares)
/// instead of std's `CharSearcher` (a word at a time): whole-text line passes run on every
/// document several times (normalisation, reflow, Markdown detection, `doc::analyse`).
pub(crate) fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        // `end` follows an ASCII byte or is the end: a character boundary.
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// `str::lines()` (a line without its `\n` or `\r\n`) over [`lines_inclusive`].
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    lines_inclusive(text).map(|line| match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    })
}

/// `str::split('\n')` (an empty last piece after a final `\n`, one empty piece for an empty
/// text) with the `memchr` crate's newline search.
pub(crate) fn split_newlines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match memchr::memchr(b'\n', r.as_bytes()) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_finds_the_first_match_in_and_across_windows() {
        for len in [0, 1, 31, 32, 33, 64, 70] {
            for at in 0..=len {
                let mut b = vec![b'a'; len];
                if at < len {
                    b[at] = b'x';
                }
                for from in 0..=len + 1 {
                    let want = (at < len && at >= from).then_some(at);
                    assert_eq!(find_byte(&b, from, |x| x == b'x'), want, "len {len} at {at} from {from}");
                }
            }
        }
        let mut hits = [0u8; 32];
        assert_eq!(first_hit(&hits), None);
        hits[31] = 1;
        hits[9] = 1;
        assert_eq!(first_hit(&hits), Some(9));
    }

    /// The kept window gives what a fresh search gives, for every start, on a text whose
    /// stops fall at window edges, in the tail and nowhere.
    #[test]
    fn stops_find_what_find_byte_finds() {
        for len in [0, 1, 63, 64, 65, 127, 128, 130, 200] {
            for pattern in 0..6usize {
                let b: Vec<u8> = (0..len)
                    .map(|k| match pattern {
                        0 => b'a',
                        1 => {
                            if k % 7 == 3 {
                                b'x'
                            } else {
                                b'a'
                            }
                        }
                        2 => {
                            if k % 64 == 63 || k % 64 == 0 {
                                b'x'
                            } else {
                                b'a'
                            }
                        }
                        3 => {
                            if k + 1 == len {
                                b'x'
                            } else {
                                b'a'
                            }
                        }
                        4 => b'x',
                        _ => {
                            if k % 13 == 12 || k == 64 {
                                b'x'
                            } else {
                                b'a'
                            }
                        }
                    })
                    .collect();
                let test = |x: u8| x == b'x';
                let mut stops = byte_stops(test);
                // Forward walks (as a scan uses it) and jumps back and ahead.
                let mut from = 0;
                while from <= len + 1 {
                    let got = stops.next(&b, from);
                    assert_eq!(got, find_byte(&b, from, test), "len {len} pattern {pattern} from {from}");
                    from = got.map_or(len + 2, |p| p + 1 + (p % 3));
                }
                for from in (0..=len + 1).rev().chain([0, len / 2, 1, len]) {
                    assert_eq!(
                        stops.next(&b, from),
                        find_byte(&b, from, test),
                        "len {len} pattern {pattern} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn line_iterators_split_as_std_does() {
        let cases = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "\r\n",
            "a\r\r\nb",
            "一、目标\n\n到2025年\r\n",
            "行\n\r\n\t末\r",
        ];
        for s in cases {
            assert_eq!(lines(s).collect::<Vec<_>>(), s.lines().collect::<Vec<_>>(), "{s:?}");
            assert_eq!(lines_inclusive(s).collect::<Vec<_>>(), s.split_inclusive('\n').collect::<Vec<_>>(), "{s:?}");
            assert_eq!(split_newlines(s).collect::<Vec<_>>(), s.split('\n').collect::<Vec<_>>(), "{s:?}");
        }
        let long = "发展目标：到2025年，建成100个示范工厂。\r\n".repeat(40) + "末行";
        assert_eq!(lines(&long).collect::<Vec<_>>(), long.lines().collect::<Vec<_>>());
        assert_eq!(split_newlines(&long).collect::<Vec<_>>(), long.split('\n').collect::<Vec<_>>());
    }
}

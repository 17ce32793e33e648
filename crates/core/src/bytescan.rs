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

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
}

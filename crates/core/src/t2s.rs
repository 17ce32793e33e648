//! Traditional → simplified conversion with OpenCC's `t2s` dictionaries, done directly.
//!
//! ferrous-opencc walks two FSTs and allocates the candidate values at every character of
//! the text; on a Traditional plan that was a tenth of the whole extraction. This module
//! applies the same two dictionaries (copied in `crates/core/opencc/`) the same way — at each
//! position the longest key of either dictionary that starts there, `TSPhrases` winning a tie,
//! replaced by its first value; other characters copied — through a hash map, and skips
//! characters that start no key with one look-up. The output is identical to
//! `ferrous_opencc::OpenCC` with `BuiltinConfig::T2s` (tests compare the two).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// A multiply-rotate hash of the keys' bytes (as rustc's FxHash): the map is looked up at
/// almost every character of a Traditional text, where SipHash cost more than the rest of the
/// conversion. The keys are the fixed dictionaries, so no input can grow a chain.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

const PHRASES: &str = include_str!("../opencc/TSPhrases.txt");
const CHARACTERS: &str = include_str!("../opencc/TSCharacters.txt");

struct Table {
    /// Key → its first value.
    values: HashMap<&'static str, &'static str, BuildHasherDefault<KeyHasher>>,
    /// First character of a key → the most characters of a key starting with it (0: none),
    /// as an array over the Basic Multilingual Plane: this is looked up at every character.
    longest_bmp: Vec<u8>,
    /// The same for first characters beyond the BMP.
    longest_astral: HashMap<char, usize>,
    /// The first two characters of the keys of two characters or more → the most characters
    /// of such a key. Most characters that start a phrase are not followed by one: one look-up
    /// rules out all the longer candidates.
    longest_by_pair: HashMap<&'static str, usize, BuildHasherDefault<KeyHasher>>,
    /// BMP character → 1 + the index in `single_values` of its value as a one-character key
    /// (0: none): the usual case, a traditional character on its own, without hashing.
    single_bmp: Vec<u16>,
    single_values: Vec<&'static str>,
}

impl Table {
    #[inline]
    fn longest(&self, c: char) -> usize {
        match self.longest_bmp.get(c as usize) {
            Some(&n) => usize::from(n),
            None => self.longest_astral.get(&c).copied().unwrap_or(0),
        }
    }

    /// The longest key at the start of `rest` (which starts with `c`, the first character of
    /// a key of at most `most` characters): its length in bytes and its value.
    #[inline]
    fn longest_key(&self, rest: &str, c: char, most: usize) -> Option<(usize, &'static str)> {
        let one = c.len_utf8();
        if most > 1 {
            if let Some(second) = rest[one..].chars().next() {
                let two = one + second.len_utf8();
                if let Some(&longest) = self.longest_by_pair.get(&rest[..two]) {
                    let ends: Vec<usize> =
                        rest.char_indices().take(longest.min(most)).map(|(k, c)| k + c.len_utf8()).skip(1).collect();
                    if let Some(found) = ends.iter().rev().find_map(|&e| self.values.get(&rest[..e]).map(|v| (e, *v))) {
                        return Some(found);
                    }
                }
            }
        }
        let value = match self.single_bmp.get(c as usize) {
            Some(&k) => self.single_values.get(usize::from(k).checked_sub(1)?).copied(),
            None => self.values.get(&rest[..one]).copied(),
        };
        value.map(|v| (one, v))
    }
}

/// Reads a dictionary the way ferrous-opencc's compiler does: `key\tvalue value…` lines,
/// `#` comments and blank lines skipped, lines of another shape or with an empty value ignored.
fn entries(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    text.lines().filter_map(|line| {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return None;
        }
        let mut parts = line.split('\t');
        let (key, values) = (parts.next()?, parts.next()?);
        if parts.next().is_some() || key.is_empty() || values.split(' ').any(str::is_empty) {
            return None;
        }
        Some((key, values.split(' ').next()?))
    })
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut values: HashMap<&'static str, &'static str, BuildHasherDefault<KeyHasher>> = HashMap::default();
        let mut longest_bmp = vec![0u8; 0x10000];
        let mut longest_astral: HashMap<char, usize> = HashMap::new();
        let mut longest_by_pair: HashMap<&'static str, usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
        // Characters first: a phrase key equal to a character key wins, as in the group.
        for (key, value) in entries(CHARACTERS).chain(entries(PHRASES)) {
            values.insert(key, value);
            let Some(first) = key.chars().next() else { continue };
            let n = key.chars().count();
            match longest_bmp.get_mut(first as usize) {
                Some(m) => *m = (*m).max(u8::try_from(n).unwrap_or(u8::MAX)),
                None => {
                    let m = longest_astral.entry(first).or_insert(0);
                    *m = (*m).max(n);
                }
            }
            if n >= 2 {
                let pair = key.char_indices().nth(2).map_or(key.len(), |(k, _)| k);
                let m = longest_by_pair.entry(&key[..pair]).or_insert(0);
                *m = (*m).max(n);
            }
        }
        let mut single_bmp = vec![0u16; 0x10000];
        let mut single_values = Vec::new();
        for (key, value) in &values {
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if let Some(slot) = single_bmp.get_mut(c as usize) {
                    single_values.push(*value);
                    *slot = u16::try_from(single_values.len()).expect("fewer than 65 535 one-character keys");
                }
            }
        }
        Table { values, longest_bmp, longest_astral, longest_by_pair, single_bmp, single_values }
    })
}

/// `text` converted from Traditional to Simplified Chinese (OpenCC t2s).
pub fn convert(text: &str) -> String {
    let t = table();
    let mut out = String::with_capacity(text.len());
    // `text[copied..i]` is copied as it is when the next key (or the end) is reached: most
    // characters start no key.
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(c) = rest.chars().next() else { break };
        let most = t.longest(c);
        if most > 0 {
            if let Some((len, value)) = t.longest_key(rest, c, most) {
                out.push_str(&text[copied..i]);
                out.push_str(value);
                i += len;
                copied = i;
                continue;
            }
        }
        i += c.len_utf8();
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opencc() -> ferrous_opencc::OpenCC {
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).expect("t2s loads")
    }

    #[test]
    fn every_key_and_character_converts_as_ferrous_opencc_does() {
        let cc = opencc();
        for (key, _) in entries(CHARACTERS).chain(entries(PHRASES)) {
            for text in [key.to_string(), format!("甲{key}乙"), format!("{key}{key}")] {
                assert_eq!(convert(&text), cc.convert(&text), "{text}");
            }
        }
        let mut all = String::new();
        for cp in (0x3000..=0x9FFFu32).chain(0xF900..=0xFAFF).chain(0xFF00..=0xFFEF) {
            all.extend(char::from_u32(cp));
        }
        assert_eq!(convert(&all), cc.convert(&all));
        // Phrases side by side, overlapping and cut short.
        let keys: Vec<&str> = entries(PHRASES).map(|(k, _)| k).collect();
        let joined = keys.concat();
        assert_eq!(convert(&joined), cc.convert(&joined));
        for k in &keys {
            let cut: String = k.chars().skip(1).collect();
            let text = format!("{cut}{k}{cut}發展");
            assert_eq!(convert(&text), cc.convert(&text), "{text}");
            // A phrase cut short at the end of the text, after its first one and two characters
            // (the candidates the pair look-up rules in or out).
            let n = k.chars().count();
            for keep in [1, 2, n.saturating_sub(1)] {
                let head: String = k.chars().take(keep).collect();
                for text in [head.clone(), format!("發{head}"), format!("{head}a")] {
                    assert_eq!(convert(&text), cc.convert(&text), "{text}");
                }
            }
        }
    }

    #[test]
    fn plans_convert_as_ferrous_opencc_does() {
        let cc = opencc();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/src");
        let mut texts = vec![
            "成都市人民政府關於前瞻培育未來產業構築高質量發展新動能的實施意見。到2025年,\r\n產業規模突破1000億元"
                .to_string(),
            String::new(),
            "ASCII only, 简体中文".to_string(),
        ];
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if let Ok(t) = std::fs::read_to_string(entry.path()) {
                texts.push(t);
            }
        }
        // The (simplified) examples made Traditional, phrase-aware, by OpenCC's s2t.
        let s2t = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::S2t).expect("s2t loads");
        let traditional: Vec<String> = texts.iter().map(|t| s2t.convert(t)).collect();
        assert!(traditional.iter().any(|t| t.contains("發展")), "the examples were read");
        for t in texts.iter().chain(&traditional) {
            assert_eq!(convert(t), cc.convert(t));
        }
    }
}

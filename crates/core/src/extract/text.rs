//! Small text helpers shared by the extractors.

/// A `memchr::memmem::Finder` for a fixed needle, built once: `find_lit!(haystack, "等部门")`
/// is `haystack.find("等部门")` without building a searcher per call (which `str::find` and
/// `memmem::find` do, and which costs more than the search in short paragraphs).
macro_rules! find_lit {
    ($haystack:expr, $needle:literal) => {{
        static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
        FINDER.get_or_init(|| memchr::memmem::Finder::new($needle)).find(AsRef::<[u8]>::as_ref($haystack))
    }};
}
pub(crate) use find_lit;

/// `str::contains` for a `&str` needle, without std's slow case: for a haystack shorter than
/// the needle plus 16 bytes (most titles, names and labels) std builds a Two-Way searcher per
/// call; the few windows of such a haystack are compared directly instead.
pub trait Has {
    fn has(&self, needle: &str) -> bool;
}

impl Has for str {
    #[inline]
    fn has(&self, needle: &str) -> bool {
        let (h, n) = (self.as_bytes(), needle.as_bytes());
        match n.split_first() {
            None => true,
            Some(_) if h.len() >= n.len() + 16 => self.contains(needle),
            Some((&first, _)) => h.windows(n.len()).any(|w| w[0] == first && w == n),
        }
    }
}

/// `str::find` / `str::rfind` for a `&str` needle by `memchr::memmem` (see [`find_str`]):
/// std builds a Two-Way searcher per call, several times slower on CJK paragraphs.
pub trait FindStr {
    fn find_str(&self, needle: &str) -> Option<usize>;
    fn rfind_str(&self, needle: &str) -> Option<usize>;
}

impl FindStr for str {
    #[inline]
    fn find_str(&self, needle: &str) -> Option<usize> {
        find_str(self, needle)
    }

    #[inline]
    fn rfind_str(&self, needle: &str) -> Option<usize> {
        memchr::memmem::rfind(self.as_bytes(), needle.as_bytes())
    }
}

/// `starts_with` / `ends_with` / `strip_prefix` / `strip_suffix` for cue words tried by the
/// dozen against each title or name: one byte of the word that differs most between CJK
/// words (the last byte of a prefix, the first byte of a suffix's last character is a lead
/// byte shared by thousands, so its last byte) is compared before the whole word, which
/// spares most calls into `memcmp`.
pub trait Affix {
    fn starts_with_word(&self, w: &str) -> bool;
    fn ends_with_word(&self, w: &str) -> bool;
    fn strip_prefix_word(&self, w: &str) -> Option<&str>;
    fn strip_suffix_word(&self, w: &str) -> Option<&str>;
}

impl Affix for str {
    #[inline]
    fn starts_with_word(&self, w: &str) -> bool {
        let (s, w) = (self.as_bytes(), w.as_bytes());
        w.len() <= s.len() && w.last().is_none_or(|&b| s[w.len() - 1] == b) && s[..w.len()] == *w
    }

    #[inline]
    fn ends_with_word(&self, w: &str) -> bool {
        let (s, w) = (self.as_bytes(), w.as_bytes());
        w.len() <= s.len() && w.last().is_none_or(|&b| s[s.len() - 1] == b) && s[s.len() - w.len()..] == *w
    }

    #[inline]
    fn strip_prefix_word(&self, w: &str) -> Option<&str> {
        self.starts_with_word(w).then(|| &self[w.len()..])
    }

    #[inline]
    fn strip_suffix_word(&self, w: &str) -> Option<&str> {
        self.ends_with_word(w).then(|| &self[..self.len() - w.len()])
    }
}

/// `trim_start_matches` / `trim_end_matches` for a `&str` pattern by repeated
/// `strip_prefix` / `strip_suffix`: the same result, without the Two-Way searcher that std
/// builds for a string pattern on every call (titles and names are trimmed by the thousand).
pub trait TrimAll {
    fn trim_start_all(&self, pat: &str) -> &str;
    fn trim_end_all(&self, pat: &str) -> &str;
}

impl TrimAll for str {
    fn trim_start_all(&self, pat: &str) -> &str {
        let mut s = self;
        if !pat.is_empty() {
            while let Some(rest) = s.strip_prefix(pat) {
                s = rest;
            }
        }
        s
    }

    fn trim_end_all(&self, pat: &str) -> &str {
        let mut s = self;
        if !pat.is_empty() {
            while let Some(rest) = s.strip_suffix(pat) {
                s = rest;
            }
        }
        s
    }
}

/// The first ASCII digit of `b` at or after `from`, 32 bytes at a time (a test of a whole chunk
/// without early exit vectorises).
pub fn first_digit(b: &[u8], from: usize) -> Option<usize> {
    let mut base = from;
    for chunk in b.get(from..)?.chunks(32) {
        if chunk.iter().fold(false, |any, x| any | x.is_ascii_digit()) {
            return chunk.iter().position(u8::is_ascii_digit).map(|p| base + p);
        }
        base += chunk.len();
    }
    None
}

/// `hay.find(needle)` for a needle that is not a literal (a cue word): `memmem::find` searches
/// a haystack under 64 bytes by Rabin-Karp, which builds nothing, where `str::find` builds a
/// Two-Way searcher per call (most task passages, target phrases and labels are that short).
/// The offset is the same: a match of a `str` in a `str` starts at a character boundary.
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes())
}

/// The offsets of `hay.match_indices(needle)` (left to right, not overlapping) by [`find_str`].
pub fn match_offsets<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    // An empty needle matches at every character boundary: left to `match_indices`.
    let mut empty = needle.is_empty().then(|| hay.match_indices(needle).map(|(p, _)| p));
    let mut from = 0;
    std::iter::from_fn(move || {
        if let Some(all) = empty.as_mut() {
            return all.next();
        }
        let p = from + find_str(hay.get(from..)?, needle)?;
        from = p + needle.len();
        Some(p)
    })
}

/// The string without any whitespace.
pub fn strip_spaces(s: &str) -> String {
    // Most lines and names hold no whitespace: copied whole. Otherwise sized once (collecting
    // a filtered iterator grows the string push by push).
    if !has_whitespace(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| !c.is_whitespace()));
    out
}

/// Whether `s` holds a character `char::is_whitespace` accepts, by its bytes: ASCII
/// whitespace, or a lead byte of the others (U+0085, U+00A0 after `C2`; U+1680 after `E1`;
/// U+2000–200A, U+2028/2029, U+202F, U+205F after `E2`; U+3000 is `E3 80 80`), decoded there.
fn has_whitespace(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &x)| match x {
        9..=13 | b' ' => true,
        0xC2 | 0xE1 | 0xE2 => s[i..].chars().next().is_some_and(char::is_whitespace),
        0xE3 => b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80),
        _ => false,
    })
}

/// The first `YYYY-MM-DD` (or `YYYY/MM/DD`, `YYYY.MM.DD`) date in `s`.
pub fn iso_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 8 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let sep = b[i + 4];
            if matches!(sep, b'-' | b'/' | b'.') {
                let rest = &s[i + 5..];
                let m_len = rest.bytes().take_while(u8::is_ascii_digit).count();
                if (1..=2).contains(&m_len) && rest.as_bytes().get(m_len) == Some(&sep) {
                    let rest2 = &rest[m_len + 1..];
                    // `2022-01-1917:03` (spaces lost): the day is at most two digits.
                    let d_len = rest2.bytes().take_while(u8::is_ascii_digit).count().min(2);
                    if (1..=2).contains(&d_len) {
                        let y: u32 = s[i..i + 4].parse().ok()?;
                        let m: u32 = rest[..m_len].parse().ok()?;
                        let d: u32 = rest2[..d_len].parse().ok()?;
                        if (1949..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
                            return Some(format!("{y:04}-{m:02}-{d:02}"));
                        }
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// Document numbers such as `渝府办发〔2024〕75号`, brackets normalised to `〔〕`.
pub fn find_all_doc_numbers(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(_, c)) in chars.iter().enumerate() {
        if !matches!(c, '〔' | '[' | '(' | '【' | '［') {
            continue;
        }
        // Year inside the brackets.
        let year: String = chars[k + 1..].iter().take(4).map(|x| x.1).collect();
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Some(&(_, close)) = chars.get(k + 5) else { continue };
        if !matches!(close, '〕' | ']' | ')' | '】' | '］') {
            continue;
        }
        let num: String = chars[k + 6..].iter().map(|x| x.1).take_while(|c| c.is_ascii_digit()).collect();
        if num.is_empty() || chars.get(k + 6 + num.len()).map(|x| x.1) != Some('号') {
            continue;
        }
        // The issuing organ's abbreviation: CJK characters right before the bracket.
        let prefix: String = chars[..k]
            .iter()
            .rev()
            .map(|x| x.1)
            .take_while(|c| is_cjk(*c))
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if prefix.is_empty() {
            continue;
        }
        out.push(format!("{prefix}〔{year}〕{num}号"));
    }
    out
}

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Splits a list of names on `、` `,` `;` (and `和` between two complete names), never inside
/// brackets or quotes.
pub fn split_names(s: &str, split_and: bool) -> Vec<String> {
    // The current name is the text since the last separator (`s[cur..i]`): separators are the
    // only characters left out of it.
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '（' | '《' | '“' | '[' | '〔' | '【' => depth += 1,
            ')' | '）' | '》' | '”' | ']' | '〕' | '】' => depth -= 1,
            _ => {}
        }
        let sep = depth <= 0 && matches!(c, '、' | ',' | ';' | '，' | '；');
        let next = i + c.len_utf8();
        let and_sep = split_and
            && depth <= 0
            && (c == '和' || c == '及')
            && unit_ends(&s[cur..i])
            && next < s.len()
            && starts_unit(&s[next..]);
        if sep || and_sep {
            push_name(&mut out, &s[cur..i]);
            cur = next;
        }
    }
    push_name(&mut out, &s[cur..]);
    out
}

fn push_name(out: &mut Vec<String>, s: &str) {
    let t = s.trim().trim_matches(['。', ':', ' ']);
    if !t.is_empty() {
        out.push(t.to_string());
    }
}

/// Endings of organisation and place names, used to split `A和B` only between whole names.
pub const UNIT_SUFFIXES: &[&str] = &[
    "局",
    "委",
    "办",
    "厅",
    "部",
    "署",
    "院",
    "所",
    "会",
    "中心",
    "政府",
    "集团",
    "公司",
    "银行",
    "分行",
    "区",
    "县",
    "市",
    "新区",
    "开发区",
    "组",
    "专班",
    ")",
];

fn unit_ends(s: &str) -> bool {
    let s = s.trim();
    UNIT_SUFFIXES.iter().any(|x| s.ends_with(x))
}

/// Whether the non-empty `rest` after a `和` starts a unit name: a level word, or three
/// characters or more.
fn starts_unit(rest: &str) -> bool {
    // The prefixes are at most two characters, so testing `rest` is testing its first four.
    ["市", "省", "区", "县", "各", "国家", "中国"].iter().any(|p| rest.starts_with(p)) || rest.chars().nth(2).is_some()
}

/// The full stops `。` and semicolons `;` of `s` with their byte offsets, in order: the
/// sentence ends of a passage, found by `memchr` over the bytes (`。` is E3 80 82, and a lead
/// byte never occurs inside a character) instead of decoding every character.
pub fn sentence_stops(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let b = s.as_bytes();
    memchr::memchr2_iter(b';', 0x82, b).filter_map(move |p| {
        if b[p] == b';' {
            Some((p, ';'))
        } else if p >= 2 && b[p - 2] == 0xE3 && b[p - 1] == 0x80 {
            Some((p - 2, '。'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    /// `find_str` and `match_offsets` answer as `str::find` and `str::match_indices` do, for
    /// needles that overlap themselves, empty ones, and haystacks on both sides of 64 bytes.
    #[test]
    fn byte_searches_agree_with_the_str_searches() {
        let long = "牵头单位:市发展改革委;责任单位:各区县政府。".repeat(4);
        let hays = ["", "a", "aaaa", "年年年", "增长到增长8%增长", "牵头单位：市科技局", long.as_str(), "ééé"];
        let needles = ["", "a", "aa", "年年", "增长", "单位:", "：", "é", "不在其中", "市发展改革委;责任单位:各区县"];
        for hay in hays {
            for needle in needles {
                assert_eq!(super::find_str(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
                let want: Vec<usize> = hay.match_indices(needle).map(|(p, _)| p).collect();
                assert_eq!(super::match_offsets(hay, needle).collect::<Vec<_>>(), want, "{hay:?} {needle:?}");
            }
        }
    }

    /// Whitespace found by its bytes is whitespace as `char::is_whitespace` says, for every
    /// character it accepts and their neighbours.
    #[test]
    fn whitespace_is_found_by_bytes_as_by_characters() {
        let mut chars: Vec<char> = (0..=0x3100u32).filter_map(char::from_u32).collect();
        chars.extend(['\u{FEFF}', '\u{FF0C}', '。', '、', '产']);
        for c in chars {
            for s in [c.to_string(), format!("产业{c}"), format!("{c}a"), format!("、{c}。")] {
                assert_eq!(has_whitespace(&s), s.chars().any(char::is_whitespace), "{:?}", s);
                assert_eq!(strip_spaces(&s), s.chars().filter(|c| !c.is_whitespace()).collect::<String>());
            }
        }
    }

    /// `find_str` / `rfind_str` answer as `find` / `rfind`, overlapping needles included.
    #[test]
    fn method_searches_agree_with_the_str_searches() {
        let long = "牵头单位:市发展改革委;责任单位:各区县政府。".repeat(4);
        for hay in ["", "a", "aaaa", "年年年", "增长到增长8%增长", long.as_str()] {
            for needle in ["", "a", "aa", "年年", "增长", "单位:", "不在其中"] {
                assert_eq!(FindStr::find_str(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
                assert_eq!(hay.rfind_str(needle), hay.rfind(needle), "{hay:?} {needle:?}");
            }
        }
    }

    /// The word tests answer as std's.
    #[test]
    fn affix_tests_agree_with_std() {
        for s in ["", "产", "产业", "发展产业", "重点工业企业", "abc", "产业发展"] {
            for w in ["", "产", "产业", "发展", "重点", "企业", "业", "c", "abcd", "产业发展产业"] {
                assert_eq!(s.starts_with_word(w), s.starts_with(w), "{s:?} {w:?}");
                assert_eq!(s.ends_with_word(w), s.ends_with(w), "{s:?} {w:?}");
                assert_eq!(s.strip_prefix_word(w), s.strip_prefix(w), "{s:?} {w:?}");
                assert_eq!(s.strip_suffix_word(w), s.strip_suffix(w), "{s:?} {w:?}");
            }
        }
    }

    /// `has` answers as `contains` on both sides of the short-haystack bound.
    #[test]
    fn has_agrees_with_contains() {
        let long = "重点发展集成电路、新型显示和智能终端等产业".repeat(2);
        for hay in
            ["", "产", "产业", "新兴产业", "abcdefghijklmnopqrstuvwxyz", "产业产业产业产业产业产业", long.as_str()]
        {
            for needle in [
                "",
                "产业",
                "业",
                "终端等产业",
                "a",
                "xyz",
                "产业产业产业产业产业产业产业",
                "新型显示和智能终端等产业重点",
            ] {
                assert_eq!(hay.has(needle), hay.contains(needle), "{hay:?} {needle:?}");
            }
        }
    }

    /// The repeated strips trim what std's `trim_*_matches` trims, for empty, overlapping and
    /// repeated patterns.
    #[test]
    fn trims_agree_with_the_std_trims() {
        for s in ["", "工程", "工程工程", "工程行动工程", "工工程", "程工程", "aaa", "aaaa", "世界级世界级产业"]
        {
            for pat in ["", "工程", "aa", "a", "世界级", "程"] {
                assert_eq!(s.trim_start_all(pat), s.trim_start_matches(pat), "{s:?} {pat:?}");
                assert_eq!(s.trim_end_all(pat), s.trim_end_matches(pat), "{s:?} {pat:?}");
            }
        }
    }

    #[test]
    fn sentence_stops_are_those_a_character_scan_finds() {
        for s in ["推进建设。加强协同;完善机制。", "。;", "", "没有句号", "甲\u{3002}乙;丙。〃、。", "ab;c。"]
        {
            let expected: Vec<(usize, char)> = s.char_indices().filter(|&(_, c)| c == '。' || c == ';').collect();
            assert_eq!(sentence_stops(s).collect::<Vec<_>>(), expected, "{s}");
        }
    }

    use super::*;

    #[test]
    fn doc_numbers() {
        assert_eq!(find_all_doc_numbers("渝府办发〔2024〕75号"), vec!["渝府办发〔2024〕75号"]);
        assert_eq!(find_all_doc_numbers("(苏政发[2023]104号)等"), vec!["苏政发〔2023〕104号"]);
        assert!(find_all_doc_numbers("〔2024〕").is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date("来源:成都市人民政府网 2024-05-10 阅读"), Some("2024-05-10".into()));
        assert_eq!(iso_date("400-168-6016"), None);
    }

    #[test]
    fn name_lists() {
        assert_eq!(
            split_names("市经济信息委、市委军民融合办、重庆通信管理局", true),
            vec!["市经济信息委", "市委军民融合办", "重庆通信管理局"]
        );
        assert_eq!(
            split_names("各区县(自治县)和两江新区、万盛经开区", true),
            vec!["各区县(自治县)", "两江新区", "万盛经开区"]
        );
        assert_eq!(
            split_names("市人力资源和社会保障局、各县(市、区)人民政府", true),
            vec!["市人力资源和社会保障局", "各县(市、区)人民政府"]
        );
    }
}

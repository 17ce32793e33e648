//! Taiwan and Hong Kong vocabulary folded to the mainland's for matching (人工智慧 → 人工智能,
//! 積體電路 → 集成电路, 晶片 → 芯片), with OpenCC's `TWPhrasesRev` table (see `opencc/README.md`).
//!
//! The table's keys and values are traditional; they are converted to simplified once, and
//! applied to text that is already simplified, so both 積體電路 and 积体电路 become 集成电路.
//! Applied alike to the index and the query, a rewrite can only make two spellings of one term
//! meet; a mainland word that happens to be a key (资讯 → 信息) then also finds its synonym.
//! Single characters are never rewritten, nor keys that are everyday mainland words with
//! another meaning ([`MAINLAND_WORDS`]).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use planwatch_core::normalize::simplified;

const TW_PHRASES: &str = include_str!("../opencc/TWPhrasesRev.txt");

/// Keys of the table (simplified) that mainland plans use every day in their own sense:
/// rewriting them would make 核心技术 match 内核 and 区域性 match 局部. They are the keys found
/// in three or more of the thirty mainland plans of the development corpus.
const MAINLAND_WORDS: &[&str] = &[
    "建立",
    "核心",
    "智慧",
    "整合",
    "效能",
    "指标",
    "执行",
    "线上",
    "新增",
    "装置",
    "模组",
    "模拟",
    "复制",
    "互动",
    "通道",
    "批次",
    "影像",
    "区域性",
    "程序",
    "档案",
    "文件",
    "元件",
    "即时",
];

struct Table {
    /// Simplified key → simplified value.
    map: HashMap<String, String>,
    /// Characters that start a key: most positions are skipped with one look-up.
    starts: HashSet<char>,
    /// Longest key, in characters.
    longest: usize,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for line in TW_PHRASES.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, values)) = line.split_once('\t') else { continue };
            let Some(value) = values.split(' ').next().filter(|v| !v.is_empty()) else { continue };
            let (key, value) = (simplified(key), simplified(value));
            if key.chars().count() >= 2 && key != value && !MAINLAND_WORDS.contains(&key.as_str()) {
                // The first entry of a key wins, as in OpenCC.
                map.entry(key).or_insert(value);
            }
        }
        let starts = map.keys().filter_map(|k| k.chars().next()).collect();
        let longest = map.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Table { map, starts, longest }
    })
}

/// `text` (simplified) with Taiwan/Hong Kong phrases replaced by the mainland's: at each
/// position the longest key that starts there; other characters copied.
pub(crate) fn mainland(text: &str) -> String {
    let t = table();
    if !text.chars().any(|c| t.starts.contains(&c)) {
        return text.to_string();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if t.starts.contains(&c) {
            let max = t.longest.min(chars.len() - i);
            let hit = (2..=max).rev().find_map(|n| {
                let end = chars.get(i + n).map_or(text.len(), |&(b, _)| b);
                t.map.get(&text[start..end]).map(|v| (n, v))
            });
            if let Some((n, value)) = hit {
                out.push_str(value);
                i += n;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taiwan_terms_become_the_mainlands_in_either_script() {
        assert_eq!(mainland(&simplified("發展人工智慧與積體電路產業")), "发展人工智能与集成电路产业");
        assert_eq!(mainland("积体电路和晶片"), "集成电路和芯片");
        // Mainland text and single characters are left alone.
        assert_eq!(mainland("发展人工智能和集成电路"), "发展人工智能和集成电路");
        assert_eq!(mainland("智慧城市"), "智慧城市");
        assert_eq!(mainland("核心技术和区域性中心"), "核心技术和区域性中心");
        assert_eq!(mainland(""), "");
    }
}

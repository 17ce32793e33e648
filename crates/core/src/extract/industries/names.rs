//! The industry a heading or a run-in label names, without the action around it:
//! `实施集成电路“强芯”工程` → 集成电路, `突破发展智能芯片` → 智能芯片, `医养健康产业数字化转型` →
//! 医养健康产业, `打造世界级信息技术装备产业高地` → 信息技术装备产业.

use crate::cues::IndustryCues;
use crate::extract::text::TrimAll;
use crate::extract::text::{is_cjk, Affix};

/// The industry named by `title`, or `None` when the title does not read as one (too long, a
/// list, a sentence).
pub fn industry_name(title: &str, cues: &IndustryCues) -> Option<String> {
    let mut t = title.trim().trim_end_matches(['。', ':', ';', ',']);
    // `集成电路“强芯”工程`, `核心产业“固链”行动`: the slogan and the action go.
    if let Some(q) = t.find('“') {
        let after_close = t[q..].find('”').map(|c| q + c + '”'.len_utf8());
        if let Some(end) = after_close {
            let rest = &t[end..];
            if rest.is_empty() || ["工程", "行动", "计划", "专项"].contains(&rest) {
                t = &t[..q];
            }
        }
    }
    t = t.trim_end_all("工程").trim_end_all("行动");
    // Verbs before the name: `突破发展`, `全面做强`, `实施`.
    loop {
        let before = t;
        for v in &cues.development_verbs {
            if let Some(rest) = t.strip_prefix_word(v) {
                if rest.chars().count() >= 2 {
                    t = rest;
                }
            }
        }
        if t == before {
            break;
        }
    }
    // Evaluation before the name: `国内一流的软件产业集群`, `世界级信息技术装备产业高地`.
    if let Some(p) = t.rfind('的') {
        t = &t[p + '的'.len_utf8()..];
    }
    t = t.trim_start_all("世界级").trim_start_all("国际一流").trim_start_all("全国一流");
    // Predicates after it: `医养健康产业数字化转型` → 医养健康产业.
    if let Some(p) = crate::extract::text::find_lit!(t, "产业") {
        let tail = &t[p + "产业".len()..];
        if cues.name_tails.iter().any(|w| tail == w.as_str()) || tail.is_empty() {
            t = &t[..p + "产业".len()];
        }
    } else {
        for w in &cues.name_tails {
            if let Some(rest) = t.strip_suffix_word(w) {
                if rest.chars().count() >= 2 {
                    t = rest;
                    break;
                }
            }
        }
    }
    let n = t.chars().count();
    let plain = t.chars().all(|c| is_cjk(c) || c.is_ascii_alphanumeric() || matches!(c, '+' | '(' | ')'));
    // What is left must name a field, not a task: `新能源核心技术`, `装备制造核心技术供给` are not.
    let task = TASK_ENDINGS.iter().any(|w| t.ends_with_word(w));
    let changed = t != title.trim().trim_end_matches(['。', ':', ';', ',']);
    (plain && changed && !task && (2..=14).contains(&n)).then(|| t.to_string())
}

/// Endings of phrases that name a task, not a field.
pub(crate) const TASK_ENDINGS: &[&str] = &[
    "技术", "供给", "能力", "水平", "环境", "机制", "平台", "应用", "服务", "体系", "载体", "项目", "资源", "企业",
    "园区", "示范", "工程", "融通", "赋能",
];

/// A kind of industries, not one: `未来产业`, `巩固延伸特色产业`, `数字产业`.
pub fn is_generic_name(t: &str) -> bool {
    let t = t.trim_end_all("新增长点").trim_end_all("增长点");
    [
        "特色产业",
        "新兴产业",
        "前沿产业",
        "未来产业",
        "优势产业",
        "支柱产业",
        "传统产业",
        "主导产业",
        "核心产业",
        "数字产业",
        "重点产业",
    ]
    .iter()
    .any(|g| t.ends_with(g))
        || t == "产业"
}

/// A section title whose object is a list of industries: `二、重点领域`, `(一)高成长未来产业`,
/// `核心产业“固链”行动`.
pub fn names_industries(title: &str) -> bool {
    let t = title.trim();
    if ["产业", "领域", "方向", "重点", "赛道"].iter().any(|w| t.ends_with(w)) {
        return true;
    }
    // `打造数字经济核心产业新高地`: industries and where they are to stand.
    if ["产业新高地", "产业高地", "产业集群", "产业体系"].iter().any(|w| t.ends_with(w)) {
        return true;
    }
    // `核心产业“固链”行动`: the slogan follows the industries' word.
    t.find('“').is_some_and(|q| t[..q].ends_with("产业")) && (t.ends_with("行动") || t.ends_with("工程"))
}

/// A run-in label that names an industry as it stands (`智能软硬件。`, `虚拟现实与增强现实。`): a
/// short noun phrase, no verb before it, no task after it.
pub fn is_industry_label(label: &str, cues: &IndustryCues) -> bool {
    is_noun_label(label, cues) && !TASK_ENDINGS.iter().any(|w| label.ends_with(w))
}

/// A short noun phrase with no verb before it (`开源开放平台`, `智能软硬件`); it may name a
/// facility or a system as well as a field.
pub fn is_noun_label(label: &str, cues: &IndustryCues) -> bool {
    let n = label.chars().count();
    (2..=12).contains(&n)
        && label.chars().all(|c| is_cjk(c) || c.is_ascii_alphanumeric() || matches!(c, '+' | '(' | ')'))
        && !cues.development_verbs.iter().any(|v| label.starts_with(v.as_str()))
        && !["加强", "增强", "推进", "强化", "完善", "健全", "构建", "提高", "开展", "支持", "鼓励", "引导"]
            .iter()
            .any(|v| label.starts_with(v))
        && !label.contains('的')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_without_actions() {
        let d = crate::Dictionaries::builtin();
        let c = &d.cues.industries;
        let n = |t: &str| industry_name(t, c);
        assert_eq!(n("实施集成电路“强芯”工程").as_deref(), Some("集成电路"));
        assert_eq!(n("突破发展智能芯片").as_deref(), Some("智能芯片"));
        assert_eq!(n("全面做强智能终端").as_deref(), Some("智能终端"));
        assert_eq!(n("医养健康产业数字化转型").as_deref(), Some("医养健康产业"));
        assert_eq!(n("打造世界级信息技术装备产业高地").as_deref(), Some("信息技术装备产业"));
        assert_eq!(n("打造国内一流的软件产业集群").as_deref(), Some("软件产业"));
        assert_eq!(n("智能软硬件"), None); // nothing to take away: a plain title is read as one
        assert_eq!(n("大力发展新能源核心技术"), None);
        assert_eq!(n("统筹布局智算中心,加快推进算力设施建设和运营").as_deref(), None);
    }
}

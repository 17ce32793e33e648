//! Named innovation platforms: rows of 专栏 labelled 平台, facilities of facility 专栏, and the
//! national platforms a task relies on (`依托国家智慧医保实验室`).

use super::industries::lists;
use super::text::{find_lit, is_cjk};
use crate::extract::text::Has;
use crate::extract::text::TrimAll;

const FACILITY_SUFFIXES: &[&str] = &[
    "装置",
    "设施",
    "实验室",
    "中心",
    "研究院",
    "基地",
    "平台",
    "模拟器",
    "工程",
    "系统",
    "孵化园",
    "科技园",
    "产业园",
    "园",
    "谷",
];

/// Named facilities in a sentence of a facilities 专栏: `推动X建设`, `A、B、C等后备项目`,
/// `A、B等10万平方米以上的科技企业孵化园`.
pub(crate) fn facility_names(s: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (items, classifier, pos) in lists(s) {
        let c = classifier.trim();
        let platform_like =
            ["项目", "设施", "平台", "载体", "孵化园", "园", "基地", "中心", "装置"].iter().any(|k| c.ends_with(k));
        // `依托A、B等公共基础设施`: public infrastructure a task uses, not innovation platforms
        // (`…等重大科技基础设施` are).
        let infrastructure = c.ends_with("基础设施") && !c.has("科技") && !c.has("科学");
        if !platform_like || c.ends_with("区域") || infrastructure {
            continue;
        }
        let mut cursor = pos;
        for it in items {
            // The list's verb is no part of the first name: `依托A、B等公共基础设施`.
            let name = it.trim_start_matches(|c: char| !is_cjk(c));
            let name = name.strip_prefix("依托").unwrap_or(name).to_string();
            let a = s[cursor..].find(&name).map_or(pos, |p| cursor + p);
            cursor = a;
            if name.chars().count() >= 3 {
                out.push((name, a));
            }
        }
    }
    // `推动X建设` for a single facility.
    for part in s.split([',', '。']) {
        for verb in ["推动", "加快"] {
            if let Some(p) = part.find(verb) {
                let rest = &part[p + verb.len()..];
                if let Some(q) = rest.strip_suffix("建设") {
                    let name = q.trim_start_all("集中力量");
                    if FACILITY_SUFFIXES.iter().any(|x| name.ends_with(x))
                        && !name.contains('、')
                        && name.chars().count() <= 20
                    {
                        let a = s.find(name).unwrap_or(0);
                        if !out.iter().any(|(n, _)| n == name) {
                            out.insert(0, (name.to_string(), a));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The run-in title of a numbered 专栏 item when it names a facility, with its offset in `t`:
/// `1.人工智能开源软硬件基础平台。建立…` → `人工智能开源软硬件基础平台`.
pub(crate) fn run_in_facility(t: &str) -> Option<(&str, usize)> {
    let m = crate::doc::parse_marker(t)?;
    let rest = &t[m.len..];
    let title = rest[..rest.find('。')?].trim();
    let ok = FACILITY_SUFFIXES.iter().any(|x| title.ends_with(x))
        && (3..=30).contains(&title.chars().count())
        && !title.contains(['、', ',', ':']);
    ok.then(|| (title, m.len + (rest.len() - rest.trim_start().len())))
}

/// `依托国家智慧医保实验室,推进…` → the named platform a task relies on.
pub(crate) fn supported_by(s: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = find_lit!(&s[from..], "依托").map(|p| p + from) {
        from = p + "依托".len();
        let rest = &s[from..];
        let end = rest.find([',', '。', '、']).unwrap_or(rest.len());
        let name = &rest[..end];
        if ["实验室", "中心", "研究院", "平台"].iter().any(|x| name.ends_with(x))
            && name.chars().count() <= 20
            && name.starts_with("国家")
        {
            out.push((name.to_string(), from));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_item_titled_as_a_facility_is_a_platform() {
        let t = "1.人工智能开源软硬件基础平台。建立大数据人工智能开源软件基础平台等。";
        let (name, a) = run_in_facility(t).unwrap();
        assert_eq!((name, &t[a..a + name.len()]), ("人工智能开源软硬件基础平台", name));
        assert!(run_in_facility("1.加快建设。推进平台建设。").is_none());
        assert!(run_in_facility("建立群智众创计算支撑平台。").is_none(), "no marker, no item");
    }

    #[test]
    fn the_verb_of_a_list_is_no_part_of_its_first_name() {
        let names = |s: &str| facility_names(s).into_iter().map(|(n, _)| n).collect::<Vec<String>>();
        assert_eq!(
            names("依托国家海洋观测实验平台、深海装备试验平台等创新平台,开展攻关。"),
            ["国家海洋观测实验平台", "深海装备试验平台"]
        );
        assert_eq!(names("依托同步辐射光源、散裂中子源等重大科技基础设施,开展研究。"), ["同步辐射光源", "散裂中子源"]);
        // Hostile: public infrastructure a task uses is no innovation platform.
        assert!(names("依托政务数据共享平台、公共数据开放平台等公共基础设施,建设数据库。").is_empty());
    }

    #[test]
    fn a_platform_box_of_numbered_items_lists_their_titles() {
        let text = "一、重点任务\n(一)建设平台。\n专栏1 基础支撑平台\n1.群体智能服务平台。建立群智众创计算支撑平台、科技众创服务系统等。\n2.自主无人系统支撑平台。建立自主无人系统共性核心技术支撑平台。\n二、保障措施\n(一)加强组织。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let names: Vec<&str> = plan.platforms.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["群体智能服务平台", "自主无人系统支撑平台"]);
    }
}

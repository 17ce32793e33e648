//! Indicator names and qualifiers of a target read from its phrase.

use super::quantity::Quantity;
use super::Ctx;
use crate::cues::TargetCues;
use crate::extract::text::FindStr;
use crate::extract::text::Has;
use crate::extract::text::TrimAll;
use crate::extract::text::{is_cjk, Affix};
use crate::model::Target;

/// Lead words that are adverbs: left out only before a verb of [`LEAD_WORDS`].
const ADVERB_LEADS: &[&str] = &["重点"];

const LEAD_WORDS: &[&str] = &[
    "力争",
    "确保",
    "实现",
    "重点",
    "累计",
    "全市",
    "全省",
    "建成",
    "建设",
    "打造",
    "形成",
    "培育",
    "引育",
    "引进",
    "孵化培育",
    "推出",
    "新增",
    "规划建设",
    "储备",
    "开展",
    "举办",
    "达到",
    "突破",
    "超过",
    "每年",
    "再",
];

const TRAIL_WORDS: &[&str] = &[
    "低于",
    "大于",
    "小于",
    "高于",
    "保持在",
    "稳定在",
    "控制在",
    "降到",
    "降至",
    "降低",
    "减少",
    "提高",
    "提升",
    "达到",
    "突破",
    "超过",
    "提升至",
    "提高到",
    "提升到",
    "增加到",
    "增长到",
    "不低于",
    "不少于",
    "不得低于",
    "达",
    "为",
    "新增",
    "超",
    "迈上",
    "约",
    "近",
    "增长",
    "数量",
];

#[allow(clippy::too_many_arguments)]
pub(super) fn build(
    ctx: &Ctx,
    s: &str,
    base: usize,
    q: &Quantity,
    year: Option<i32>,
    seg: (usize, usize),
    scope: &mut Option<String>,
    clause_of_scope: &mut usize,
) -> Target {
    let (a, b) = seg;
    let pre = s[a..q.start].trim();
    let post_full = s.get(q.end..b).unwrap_or("");
    let mut post = post_full.trim();
    let mut qualifier = String::new();
    for w in ["以上", "左右", "以内", "以下"] {
        if let Some(rest) = post.strip_prefix(w) {
            qualifier = w.to_string();
            post = rest.trim();
        }
    }
    let pre_year = strip_year_phrase(pre);
    let pre_trim = pre_year.trim_end_matches(|c: char| c == '>' || c == '≥' || c.is_whitespace());
    if qualifier.is_empty() {
        qualifier = if s[a..q.end].has("翻番") || s[a..b].has("翻番、") {
            "翻番".into()
        } else if pre_trim.ends_with("超过") || pre_trim.ends_with('超') || pre_year.ends_with('>') {
            "超过".into()
        } else if pre_trim.ends_with("突破") && names_nothing_after(post) {
            // `产业规模突破1100亿元` qualifies the figure; in `突破30项关键核心技术` 突破 is
            // the verb and the figure counts its object.
            "突破".into()
        } else if pre_trim.ends_with("达到") || pre_trim.ends_with("迈上") {
            "达到".into()
        } else if ["不低于", "不少于", "不得低于"].iter().any(|w| pre_trim.ends_with(w)) {
            "以上".into()
        } else {
            String::new()
        };
    } else if s[a..b].has("翻番") {
        qualifier = "翻番".into();
    }
    if q.magnitude {
        qualifier = "级".into();
    }
    if q.kind == "multiple"
        && q.unit == "倍"
        && q.start + 3 < s.len()
        && !s[q.start..].starts_with(|c: char| c.is_ascii_digit())
    {
        qualifier = "翻番".into();
    }
    let mut indicator = indicator_name(pre_year, post, q.kind == "ratio", &ctx.dicts.cues.targets);
    // Nothing but a rate (`年均增长10%`, `达到60%`): the subject is the clause before, in the same
    // sentence (`建立市级财政基础研究项目资金稳定增长机制,确保年均增长10%以上`).
    let bare = indicator.trim_start_matches(['、', ',']);
    if bare.is_empty() || RATE_WORDS.contains(&bare) {
        if let Some(subject) = previous_clause_subject(&s[..a]) {
            indicator = format!("{subject}{bare}");
        }
    } else if bare.chars().count() <= 6
        && ctx.dicts.cues.targets.capacity_measures.iter().any(|w| bare.ends_with(w.as_str()))
    {
        // `建设省级公共互连接入区,接入能力10000M以上`: the capacity of the facility just built.
        if let Some(subject) = previous_clause_subject(&s[..a])
            .filter(|x| ctx.dicts.cues.targets.facility_endings.iter().any(|e| x.ends_with(e.as_str())))
        {
            indicator = format!("{subject}{bare}");
        }
    }
    if let Some(purpose) = purpose_clause(s, b).filter(|_| ctx.dicts.cues.targets.generic_counted.contains(&indicator))
    {
        // `选择不少于1000家企业,实施“工业数据采集专项行动”。` → 实施“工业数据采集专项行动”的企业.
        indicator = format!("{purpose}的{indicator}");
    }
    if q.kind == "ratio" {
        if let Some(name) = coordinated_share_name(s, a, b, q) {
            indicator = name;
        }
    }
    if q.kind == "count" {
        if let Some(counted) = yearly_count(ctx, s, q, &indicator) {
            indicator = counted;
        }
    }
    if q.magnitude && q.unit.ends_with('元') {
        // `在A、B等领域形成若干千亿级的产业集群` → A、B等领域产业集群规模: a money magnitude sizes the
        // carriers it qualifies, in the fields the clause opens with.
        if ["集群", "产业", "基地"].iter().any(|w| indicator.ends_with(w)) {
            indicator.push_str("规模");
        }
        let opening = pre_year.trim_start_matches(['、', ',', ' ']);
        if let Some(field) = opening.strip_prefix('在').and_then(|r| r.find_str("领域").map(|p| &r[..p + "领域".len()]))
        {
            if field.chars().count() <= 60 && !indicator.starts_with(field) {
                indicator = format!("{field}{indicator}");
            }
        }
    }
    if qualifier == "翻番" {
        // `新型研发机构数量翻番、达到300家`: the doubling is the qualifier, not part of the name.
        let trimmed = indicator.trim_end_matches(['、', ',']);
        if let Some(name) = trimmed.strip_suffix("翻一番").or_else(|| trimmed.strip_suffix("翻番")) {
            if !name.is_empty() {
                indicator = name.to_string();
            }
        }
    }
    // Scope: a place named at the start of the clause (`西部(重庆)科学城研发投入强度…`).
    let clause_start =
        s[..q.start].rfind(['。', ';']).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    if clause_start != *clause_of_scope {
        *scope = None;
        *clause_of_scope = clause_start;
    }
    if let Some(place) = leading_place(&indicator) {
        *scope = Some(place);
    }
    let text = s[a..b].trim().to_string();
    let text_start = base + a + (s[a..b].len() - s[a..b].trim_start().len());
    Target {
        year,
        indicator,
        value: q.value,
        value_max: q.value_max,
        unit: q.unit.clone(),
        qualifier,
        kind: q.kind.to_string(),
        baseline_year: None,
        baseline_value: None,
        scope: scope.clone().or_else(|| ctx.region.clone()).unwrap_or_default(),
        span: ctx.span(text_start, text_start + text.len()),
        text,
        path: String::new(),
        ..Default::default()
    }
}

/// Words after a figure that are no noun of what is measured: `迈上万亿台阶`.
const NOT_NOUNS: &[&str] = &["台阶", "量级", "水平", "以上", "左右"];
/// Adverbs of frequency or accumulation that belong to the indicator with their verb:
/// `每年精准引育100位企业类人才` → 每年精准引育企业类人才.
const COUNTING_ADVERBS: &[&str] = &["每年", "累计", "年均", "持续", "逐年"];

/// The indicator a figure measures: the noun phrase after it (`突破30项前沿关键核心技术`,
/// `培育20家具有行业影响力的…企业`), else the one before it (`科技型企业超过4.5万家`), with the
/// verbs of the goal left out except counting adverbs (`每年新增`, `累计建设`).
fn indicator_name(pre_year: &str, post: &str, ratio: bool, cues: &TargetCues) -> String {
    let post_noun = post.trim_start_all("的").trim();
    let post_noun =
        post_noun.trim_end_matches(|c: char| !is_cjk(c) && c != ')' && c != '”' && !c.is_ascii_alphanumeric());
    let pre_year = strip_representative(pre_year.trim());
    let pre_noun = strip_words(pre_year, LEAD_WORDS, TRAIL_WORDS);
    let noun_after = post_noun.chars().filter(|c| is_cjk(*c)).count() >= 2
        && !post_noun.starts_with("用于")
        && !NOT_NOUNS.iter().any(|w| post_noun.starts_with(w));
    if noun_after {
        // A list of qualities before the head noun is dropped: `建设水平突出、发展成效明显的数字产业
        // 园区` → 数字产业园区 (a single qualifier stays: `具有行业影响力的企业`).
        // A head of three characters or less after the list is an act on the things listed
        // (`国家、行业标准的制修订`): the list is what is measured, and stays.
        // A quoted name (`“小而精、精而专”的企业`) is no list of qualities.
        let post_noun = match post_noun.rfind('的') {
            Some(p) if unquoted_list(&post_noun[..p]) && post_noun[p + '的'.len_utf8()..].chars().count() > 3 => {
                &post_noun[p + '的'.len_utf8()..]
            }
            _ => post_noun,
        };
        // `产值超10亿元的行业龙头企业` → 行业龙头企业产值: a threshold of a measure measures the
        // entity it qualifies (a next item's `和产值` is cut off).
        if post.starts_with('的') {
            if let Some(m) = cues.threshold_measures.iter().find(|m| pre_noun.ends_with(m.as_str())) {
                let entity = post_noun.strip_suffix(m).and_then(|e| e.strip_suffix('和')).unwrap_or(post_noun);
                if entity.chars().filter(|c| is_cjk(*c)).count() >= 2 {
                    return format!("{entity}{m}");
                }
            }
        }
        let obj = pre_noun.trim_end_all("百家").to_string();
        if obj.ends_with("领域") || obj.ends_with("方面") {
            return format!("{obj}{post_noun}");
        }
        // `在工业软件领域每年培育20个以上首版次软件` → 工业软件领域每年培育首版次软件: the field the
        // clause opens with (one field, not a list), with a counting adverb and its verb.
        let opening = pre_year.trim_start_matches(['、', ',', ' ']);
        if let Some((field, after)) = opening
            .strip_prefix('在')
            .and_then(|r| r.find_str("领域").map(|p| (&r[..p + "领域".len()], &r[p + "领域".len()..])))
            .filter(|(f, _)| f.chars().count() <= 12 && !f.contains(['、', ',', '等']))
        {
            let verbs = strip_words(after, &[], TRAIL_WORDS);
            if COUNTING_ADVERBS.iter().any(|a| verbs.starts_with(a)) && verbs.chars().count() <= 8 {
                return format!("{field}{verbs}{post_noun}");
            }
            return format!("{field}{post_noun}");
        }
        // `每年精准引育` stays with what it counts.
        let pre_clause = pre_year.trim_start_matches(['、', ',', ' ']);
        if let Some(adv) = COUNTING_ADVERBS.iter().find(|a| pre_clause.starts_with(**a)) {
            let verbs = strip_words(pre_clause, &[], TRAIL_WORDS);
            if verbs.chars().count() <= 12 && verbs.starts_with(adv) {
                return format!("{verbs}{post_noun}");
            }
        }
        // A share of what the clause names: `新建住宅建筑实现100%BIM交付` → 新建住宅建筑BIM交付.
        if ratio && (2..=12).contains(&pre_noun.chars().count()) && !pre_noun.contains(['、', ',']) {
            let entity = pre_noun.trim_end_all("实现");
            return format!("{entity}{post_noun}");
        }
        return post_noun.to_string();
    }
    if pre_noun.is_empty() {
        let pre_clause = pre_year.trim().trim_start_matches(['、', ',']).trim_start_all("力争");
        if COUNTING_ADVERBS.iter().any(|a| pre_clause.starts_with(a)) && pre_clause.chars().count() <= 8 {
            return pre_clause.to_string();
        }
        return post.to_string();
    }
    // `建设生产自动化、流程智能化、管理信息化的智能工厂50个` → 智能工厂.
    if let Some(p) = pre_noun.rfind('的').filter(|p| pre_noun[..*p].contains(['、', ','])) {
        let head = &pre_noun[p + '的'.len_utf8()..];
        let measure = ["比例", "比重", "占比", "率", "规模", "数量"].iter().any(|w| head.ends_with(w));
        if head.chars().count() >= 3 && !measure {
            return head.to_string();
        }
    }
    // `累计建设5G基站4万个`, `力争每年新增1000名` keep the counting adverb and verb.
    let pre_clause = pre_year.trim().trim_start_matches(['、', ',']);
    let pre_clause = pre_clause.trim_start_all("力争").trim_start_all("确保");
    if COUNTING_ADVERBS.iter().any(|a| pre_clause.starts_with(a)) {
        let kept = strip_words(pre_clause, &[], TRAIL_WORDS);
        if kept.chars().count() <= 16 && kept.ends_with(pre_noun.as_str()) {
            return kept;
        }
    }
    pre_noun
}

/// The clause after a figure's segment that says what the counted do, when it closes the
/// sentence: `…1000家企业,实施“工业数据采集专项行动”。` → 实施“工业数据采集专项行动”.
fn purpose_clause(s: &str, b: usize) -> Option<&str> {
    let rest = s.get(b..)?.strip_prefix(',')?;
    let end = rest.find(['。', ';', ',']).unwrap_or(rest.len());
    let clause = rest[..end].trim();
    (["实施", "开展", "参与"].iter().any(|v| clause.starts_with(v))
        && (4..=20).contains(&clause.chars().count())
        && !rest[end..].starts_with(','))
    .then_some(clause)
}

/// Whether `s` holds a list (`、`, `,`) outside quotes.
fn unquoted_list(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '“' => depth += 1,
            '”' => depth -= 1,
            '、' | ',' if depth <= 0 => return true,
            _ => {}
        }
    }
    false
}

/// Words that join two shares of one predicate: `90%的市和70%的县达到…`.
const COORDINATORS: &[&str] = &["以及", "和", "及", "与", "、"];
/// Verbs that open the predicate two coordinated shares have in common.
const SHARE_VERBS: &[&str] =
    &["达到", "实现", "完成", "建成", "开展", "具备", "拥有", "通过", "接入", "应用", "采用", "使用", "覆盖", "纳入"];

/// Two shares of one predicate, `90%的市和70%的县(市、区)达到省级三星级以上`: each names its
/// own group with the predicate they share (达到省级三星级以上的市, …的县(市、区)), where the
/// phrase alone would give `市和` and `的市和县…`.
fn coordinated_share_name(s: &str, a: usize, b: usize, q: &Quantity) -> Option<String> {
    let share_of = |phrase: &str| -> Option<String> {
        let group = phrase.trim().strip_prefix('的')?;
        let group = group.strip_prefix("以上").unwrap_or(group);
        let c = COORDINATORS.iter().find(|c| group.ends_with(**c))?;
        let group = &group[..group.len() - c.len()];
        (group.chars().filter(|c| is_cjk(*c)).count() >= 1 && !group.contains(['，', ',', '。', ';']))
            .then(|| group.to_string())
    };
    let clause = |t: &str| t[..t.find(['，', ',', '。', ';', '；']).unwrap_or(t.len())].to_string();
    // The predicate follows the last group: its first verb after at least one character.
    let split = |phrase: &str| -> Option<(String, String)> {
        let phrase = phrase.trim().strip_prefix('的')?;
        let at = SHARE_VERBS.iter().filter_map(|v| phrase.find(v)).filter(|p| *p > 0).min()?;
        Some((phrase[..at].to_string(), phrase[at..].to_string()))
    };
    let post = s.get(q.end..b)?.trim();
    let post = post.strip_prefix("以上").unwrap_or(post);
    if let Some(group) = share_of(post) {
        // The first share: the next one follows at once (`90%的市和` + `70%的县…`).
        let rest = s.get(b..)?.trim_start();
        let digits = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let rest = rest[digits..].strip_prefix('%').or_else(|| rest[digits..].strip_prefix('％'))?;
        if digits == 0 {
            return None;
        }
        let rest = rest.strip_prefix("以上").unwrap_or(rest);
        let (_, predicate) = split(&clause(rest))?;
        return Some(format!("{predicate}的{group}"));
    }
    // The second share: the phrase before it is the first's group and the coordinator.
    let pre = s.get(a..q.start)?.trim();
    share_of(pre)?;
    let (group, predicate) = split(&clause(post))?;
    Some(format!("{predicate}的{group}"))
}

/// A count in a sentence that opens with `每年` carries it with its verb: `每年实施一期…项目,精准
/// 引育100位企业类人才、50位平台类人才` → 每年精准引育企业类人才, 每年精准引育平台类人才.
fn yearly_count(ctx: &Ctx, s: &str, q: &Quantity, indicator: &str) -> Option<String> {
    let sentence_start = s[..q.start].rfind('。').map_or(0, |p| p + '。'.len_utf8());
    if !s[sentence_start..q.start].has("每年") || indicator.has("每年") {
        return None;
    }
    let clause_start =
        s[..q.start].rfind([',', ';', '。']).map_or(0, |p| p + s[p..].chars().next().map_or(1, char::len_utf8));
    // The clause's verbs: its opening words up to the last goal verb among them (`精准引育`,
    // `新培育`), shared by the figures of the clause.
    let head = s[clause_start..q.start].trim_start_all("力争").trim_start_all("确保").trim_start_all("每年");
    let window: usize = head.char_indices().nth(6).map_or(head.len(), |(i, _)| i);
    let verb_end = ctx
        .dicts
        .cues
        .targets
        .goal_verbs
        .iter()
        .filter_map(|v| head[..window].find(v.as_str()).map(|p| p + v.len()))
        .max()?;
    let verbs = &head[..verb_end];
    let noun = indicator.strip_prefix(verbs).unwrap_or(indicator);
    Some(format!("每年{verbs}{noun}"))
}

/// The subject of the clause before a goal without one, in the same sentence: `实施博士后倍增计划`
/// → 博士后, `服务业对经济增长的贡献显著增强` → 服务业对经济增长的贡献.
fn previous_clause_subject(before: &str) -> Option<String> {
    let sentence = before.rsplit('。').next().unwrap_or(before);
    let sentence = sentence.trim_end_matches([',', ';', ' ']);
    if sentence.is_empty() {
        return None;
    }
    let clause = sentence.rsplit([',', ';']).next().unwrap_or(sentence);
    // `全市未来产业产值突破500亿元` → 未来产业产值: the subject before the clause's own figure.
    let clause = strip_year_phrase(clause);
    let clause = clause.split(|c: char| c.is_ascii_digit()).next().unwrap_or(clause);
    let clause = strip_words(clause, LEAD_WORDS, TRAIL_WORDS);
    let mut t = strip_words(&clause, &["实施", "建立", "健全", "完善", "推动", "加快", "力争", "确保"], &[]);
    for tail in [
        "稳定增长机制",
        "倍增计划",
        "增长机制",
        "机制",
        "计划",
        "制度",
        "显著增强",
        "明显增强",
        "显著提升",
        "明显提升",
        "大幅提升",
        "持续提升",
    ] {
        if let Some(r) = t.strip_suffix(tail) {
            t = r.to_string();
            break;
        }
    }
    let n = t.chars().count();
    ((2..=20).contains(&n) && !t.contains([',', '、'])).then_some(t)
}

/// `以大数据与新一代信息技术为代表的数字经济核心产业规模` → 数字经济核心产业规模.
fn strip_representative(s: &str) -> &str {
    if s.starts_with('以') {
        for w in ["为代表的", "为核心的", "为重点的", "为主的"] {
            if let Some(p) = s.find(w) {
                return &s[p + w.len()..];
            }
        }
    }
    s
}

/// Words that say how a measure moves, not what it is.
const RATE_WORDS: &[&str] = &["年均增长", "年均增速", "年均", "增长", "增速", "新增", "每年新增", "每年"];

/// Carries subjects between the targets of one sentence, which plans state once:
/// `…营收突破2.2万亿元,年均增长10%以上` → 营收年均增长; `市属国有工业企业研发投入强度不低于3.5%,
/// 重点工业企业达到5%以上` → 重点工业企业研发投入强度; `规模以上工业企业研发经费投入达到500亿元、建有
/// 研发机构的比例达到50%` → 规模以上工业企业建有研发机构的比例.
pub(super) fn carry_subjects(targets: &mut [Target], sentence_of: &[usize], same_clause: &[bool]) {
    // `新增10家以上国家级特色专业型、100家省级垂直行业平台`: a first item cut before the head noun
    // the items share (it ends in a modifier) takes the next item's head.
    for k in 1..targets.len() {
        if !same_clause[k] || sentence_of[k] != sentence_of[k - 1] {
            continue;
        }
        let prev = &targets[k - 1].indicator;
        let next = &targets[k].indicator;
        let head: String = next.chars().rev().take(2).collect::<Vec<_>>().into_iter().rev().collect();
        let cut = ['型', '级', '类'].iter().any(|c| prev.ends_with(*c)) && prev.chars().count() >= 3;
        if cut && next.chars().count() >= 4 && head.chars().all(is_cjk) && !prev.contains(head.as_str()) {
            targets[k - 1].indicator = format!("{prev}{head}");
        }
    }
    for k in 1..targets.len() {
        if sentence_of[k] != sentence_of[k - 1] {
            continue;
        }
        let prev = targets[k - 1].indicator.clone();
        let name = targets[k].indicator.clone();
        let bare = name.trim_start_matches(['、', ',']);
        // Only a rate (`年均`, `年均增长`) or nothing: the previous subject with the rate.
        if bare.is_empty() || RATE_WORDS.contains(&bare) {
            let subject = RATE_WORDS.iter().fold(prev.as_str(), |t, w| t.strip_suffix(w).unwrap_or(t));
            let rate = if bare.is_empty() { "" } else { bare };
            targets[k].indicator = format!("{subject}{rate}");
            continue;
        }
        // A unit or level only (`重点工业企业`, `市、县级`): the previous indicator's measure —
        // when the figures measure alike; `独角兽企业达20家` after a rate counts the firms.
        let alike = targets[k].unit == targets[k - 1].unit;
        for unit_end in ["企业", "级"] {
            if alike && bare.ends_with(unit_end) && bare.chars().count() <= 8 {
                if let Some(p) = prev.find(unit_end) {
                    let measure = &prev[p + unit_end.len()..];
                    if measure.chars().count() >= 2 {
                        targets[k].indicator = format!("{bare}{measure}");
                    }
                }
                break;
            }
        }
        // A bare measure of the same product (`假阴性率` after `…诊断系统对典型疾病的检出率`,
        // `连续工作时间` after `增材制造装备成形效率`).
        if bare.chars().count() <= 6 && ["率", "时间", "精度", "效率", "速度", "能力"].iter().any(|w| bare.ends_with(w))
        {
            let entity_end = ["系统", "装备", "设备", "平台", "产品", "机器人", "企业", "项目"]
                .iter()
                .filter_map(|w| prev.find(w).map(|p| p + w.len()))
                .min();
            if let Some(e) = entity_end.filter(|e| *e < prev.len()) {
                targets[k].indicator = format!("{}{bare}", &prev[..e]);
                continue;
            }
            // Parallel rates of one subject (`人脸识别有效检出率超过97%,正确识别率超过90%`): the
            // previous rate, as long as this one, gives way to it.
            if let Some(subject) = parallel_rate_subject(&prev, bare) {
                targets[k].indicator = format!("{subject}{bare}");
                continue;
            }
        }
        // `孵化培育未来产业领域百家高新技术企业、百家专精特新企业`: the field of the first item.
        if let Some(p) = prev.find_str("领域").filter(|_| same_clause[k]) {
            let field = &prev[..p + "领域".len()];
            if !bare.has("领域") && field.chars().count() <= 10 {
                targets[k].indicator = format!("{field}{bare}");
                continue;
            }
        }
        // A share of the same whole (`规模以上工业产值中A占比达到35%、B产值占比达到32%`): the whole
        // the first share names is the second's too.
        let shares = ["占比", "比重", "比例"];
        if shares.iter().any(|w| bare.ends_with(w)) && shares.iter().any(|w| prev.ends_with(w)) && !bare.contains('中')
        {
            if let Some(p) = prev.find('中').filter(|p| (3..=14).contains(&prev[..*p].chars().count())) {
                targets[k].indicator = format!("{}{bare}", &prev[..p + '中'.len_utf8()]);
                continue;
            }
        }
        // A measure of the same entity (`建有研发机构的比例` after `规模以上工业企业…`).
        if bare.starts_with(['建', '有', '拥']) {
            if let Some(p) = prev.find_str("企业") {
                targets[k].indicator = format!("{}{bare}", &prev[..p + "企业".len()]);
            }
        }
    }
}

/// A subjectless activity in a section headed by what it is about (`(二)智能服务机器人。…实现20家
/// 以上应用示范`) takes that subject: 智能服务机器人应用示范. Only a heading that names a product
/// or field, no verb before it and no task after it, is a subject.
pub(super) fn section_subjects(ctx: &Ctx, at: usize, targets: &mut [Target]) {
    if !targets.iter().any(|t| ctx.dicts.cues.targets.subjectless.contains(&t.indicator)) {
        return;
    }
    let doc = ctx.doc;
    let Some(line) = doc.lines.partition_point(|l| l.start <= at).checked_sub(1) else { return };
    let Some(h) = doc.section_of(line) else { return };
    let title = doc.title(h);
    if !crate::extract::industries::names::is_industry_label(title, &ctx.dicts.cues.industries) {
        return;
    }
    for t in targets.iter_mut().filter(|t| ctx.dicts.cues.targets.subjectless.contains(&t.indicator)) {
        t.indicator = format!("{title}{}", t.indicator);
    }
}

/// The subject of `prev` when it and `bare` are two rates of it worded alike: both end in 率 and
/// `prev` has at least two characters more than `bare`, the subject being what is left of `prev`
/// without a rate as long as `bare` (`复杂场景下人脸识别有效检出率`, `正确识别率` → 复杂场景下人脸识别).
fn parallel_rate_subject<'a>(prev: &'a str, bare: &str) -> Option<&'a str> {
    let n = bare.chars().count();
    if !(bare.ends_with('率') && prev.ends_with('率') && n >= 3) || prev.chars().count() < n + 2 {
        return None;
    }
    let (cut, _) = prev.char_indices().rev().nth(n - 1)?;
    let subject = &prev[..cut];
    subject.chars().all(|c| is_cjk(c) || c.is_ascii_alphanumeric()).then_some(subject)
}

pub(super) fn strip_year_phrase(s: &str) -> &str {
    let mut s = s;
    // Drop everything up to a year frame `到2025年,` inside the phrase.
    if let Some(p) = s.rfind('年') {
        let before = &s[..p];
        if before.len() >= 4 && before.as_bytes()[before.len() - 4..].iter().all(u8::is_ascii_digit) {
            s = s[p + '年'.len_utf8()..].trim_start_matches([',', ' ']);
        }
    }
    s
}

pub(super) fn strip_words(s: &str, lead: &[&str], trail: &[&str]) -> String {
    let mut t = s.trim().trim_matches(|c: char| c == ',' || c == '、' || c.is_whitespace());
    loop {
        let before = t;
        for w in lead {
            let Some(rest) = t.strip_prefix_word(w) else { continue };
            // `重点` is an adverb before a verb (`重点引育…人才`) but names the subject before a
            // noun (`重点工业企业`).
            if ADVERB_LEADS.contains(w) && !lead.iter().any(|v| !v.is_empty() && rest.starts_with(v)) {
                continue;
            }
            t = rest;
        }
        // The longest trailing word first: `不低于` before `低于`.
        if let Some(w) = trail.iter().filter(|w| t.ends_with_word(w)).max_by_key(|w| w.len()) {
            t = &t[..t.len() - w.len()];
        }
        t = t.trim_end_matches(['>', '≥', ' ']);
        if t == before {
            break;
        }
    }
    t.to_string()
}

fn leading_place(indicator: &str) -> Option<String> {
    for suffix in ["科学城", "高新区", "新区", "开发区", "经开区", "自贸区", "园区"] {
        if let Some(p) = crate::extract::text::find_str(indicator, suffix) {
            let name = &indicator[..p + suffix.len()];
            if name.chars().count() <= 12 && name.chars().count() > suffix.chars().count() {
                return Some(name.to_string());
            }
        }
    }
    None
}

/// Whether nothing is named after a figure in its segment: the figure closes its clause.
fn names_nothing_after(post: &str) -> bool {
    post.chars().next().is_none_or(|c| matches!(c, ',' | '。' | ';' | '、' | ')'))
}

#[cfg(test)]
mod tests {
    /// `突破` qualifies a figure that closes its clause, and is the verb before a counted object.
    #[test]
    fn two_shares_of_one_predicate_each_name_their_group_with_it() {
        let text = "一、发展目标\n到2025年,90%的市和70%的县(市、区)达到省级三星级以上。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let names: Vec<&str> = plan.targets.iter().map(|t| t.indicator.as_str()).collect();
        assert_eq!(names, ["达到省级三星级以上的市", "达到省级三星级以上的县(市、区)"]);
    }

    #[test]
    fn tupo_is_a_qualifier_only_of_a_figure_that_closes_its_clause() {
        let text = "一、发展目标\n到2027年,全市未来产业规模突破1100亿元,突破30项前沿关键核心技术。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let by_value = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap();
        assert_eq!(by_value(1100.0).qualifier, "突破");
        assert_eq!(by_value(30.0).qualifier, "");
        assert_eq!(by_value(30.0).indicator, "前沿关键核心技术");
    }

    /// `数量翻番、达到300家`: the doubling qualifies the figure and stays out of the name.
    #[test]
    fn a_doubling_before_the_figure_is_its_qualifier_not_its_name() {
        let text = "一、发展目标\n到2025年,新型研发机构数量翻番、达到300家。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let t = plan.targets.iter().find(|t| t.value == 300.0).unwrap();
        assert_eq!((t.indicator.as_str(), t.qualifier.as_str()), ("新型研发机构数量", "翻番"));
    }

    /// A bare rate after a rate of one subject takes the subject; after a project's cost, the
    /// project.
    #[test]
    fn a_bare_rate_takes_the_subject_of_the_rate_before_it() {
        let text = "一、主要目标\n到2026年,夜间道路车牌识别有效检出率超过95%,正确识别率超过92%。试点项目运营成本降低15%、生产效率提高10%以上、产品合格率提高5%。城镇化率达到70%,覆盖率达到90%。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(92.0), "夜间道路车牌识别正确识别率");
        assert_eq!(name(10.0), "试点项目生产效率");
        assert_eq!(name(5.0), "试点项目产品合格率");
        // Hostile: a short rate before gives no subject (`城镇化率`, `覆盖率`).
        assert_eq!(name(90.0), "覆盖率");
    }

    /// The second share of one whole takes the whole; an act on a list keeps the list, while a
    /// list of qualities before a carrier goes.
    #[test]
    fn shares_of_one_whole_and_acts_on_a_list() {
        let text = "一、主要目标\n到2026年,规模以上服务业营收中数字服务占比达到40%、平台经济营收占比达到20%。完成50项以上国家、地方标准的制修订。建成8个设施完善、服务优质的数字产业园区。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(20.0), "规模以上服务业营收中平台经济营收占比");
        assert_eq!(name(50.0), "国家、地方标准的制修订");
        assert_eq!(name(8.0), "数字产业园区");
    }

    /// A generic count followed by the clause closing the sentence names what the counted do.
    #[test]
    fn a_generic_count_is_named_by_what_the_counted_do() {
        let text =
            "一、主要目标\n到2026年,在重点行业遴选200家企业,开展“数字化诊断”服务。培育50家企业,推动转型,提升效益。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(200.0), "开展“数字化诊断”服务的企业");
        // Hostile: a clause that is not what the firms do and does not close the sentence.
        assert_eq!(name(50.0), "企业");
    }

    /// A goal named `产业…` under a lead that sets goals for one industry measures that industry;
    /// under a lead that names none it stays as written.
    #[test]
    fn an_industry_goal_under_a_lead_takes_the_leads_industry() {
        let text = "一、发展目标\n到2026年,海洋装备产业发展要实现以下目标:\n产业规模突破2000亿元。\n二、主要任务\n到2026年,实现以下目标:\n产业增加值达到800亿元。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(2000.0), "海洋装备产业规模");
        assert_eq!(name(800.0), "产业增加值");
    }

    /// A capacity measured right after a facility is built is that facility's; after a task it
    /// stays as written.
    #[test]
    fn a_capacity_after_a_facility_built_is_the_facilitys() {
        let text =
            "一、主要目标\n到2026年,建设市级数据交换平台,接入能力达到500个以上。加强队伍建设,服务能力达到90%以上。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(500.0), "市级数据交换平台接入能力");
        assert_eq!(name(90.0), "服务能力");
    }

    /// A threshold of a measure names the measure of the entity it qualifies.
    #[test]
    fn a_threshold_of_a_measure_names_the_entitys_measure() {
        let text =
            "一、主要目标\n到2026年,培育营收超5亿元的链主企业和营收3000万元以上的“专精特新、单项冠军”的成长型企业。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(5.0), "链主企业营收");
        assert_eq!(name(3000.0), "“专精特新、单项冠军”的成长型企业营收");
    }

    /// The threshold measures are data (`data/cues.toml`, `[targets] threshold_measures`): a
    /// word a user adds in `--data DIR` is read as one, and the built-in words stay.
    #[test]
    fn threshold_measures_a_user_adds_are_read_as_the_built_in_ones() {
        let dicts = crate::dict::with_user_cues("[targets]\nthreshold_measures = [\"利润\"]\n");
        let text = "一、主要目标\n到2026年,培育利润超5亿元的链主企业和利润3000万元以上的成长型企业。\n";
        let extended = crate::Options { dicts: std::sync::Arc::new(dicts), ..crate::Options::default() };
        let plan = crate::extract(text.as_bytes(), "t.txt", &extended).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.clone();
        assert_eq!(name(5.0), "链主企业利润");
        assert_eq!(name(3000.0), "成长型企业利润");
        // The built-in measures stay.
        let text2 = "一、主要目标\n到2026年,培育营收超5亿元的链主企业和营收3000万元以上的成长型企业。\n";
        let plan2 = crate::extract(text2.as_bytes(), "t.txt", &extended).unwrap();
        assert_eq!(plan2.targets.iter().find(|t| t.value == 5.0).unwrap().indicator, "链主企业营收");
        // Without the word, the threshold is no measure of the entity.
        let builtin = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        assert_ne!(builtin.targets.iter().find(|t| t.value == 5.0).unwrap().indicator, "链主企业利润");
    }

    /// A money magnitude sizes the carriers it qualifies, in the fields its clause opens with.
    #[test]
    fn a_magnitude_sizes_the_clusters_of_the_fields_named() {
        let text =
            "一、主要目标\n到2026年,在海洋装备、海洋生物等领域形成若干百亿级的产业集群。数字经济产业能级达到千亿级。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(100.0), "海洋装备、海洋生物等领域产业集群规模");
        // Hostile: a measure already named stays as it is.
        assert_eq!(name(1000.0), "数字经济产业能级");
    }

    /// A first item cut before the shared head noun takes it from the next item.
    #[test]
    fn a_first_item_cut_before_its_head_takes_the_next_items_head() {
        let text = "一、主要目标\n到2026年,新增5家以上国家级综合型、30家省级专业型服务平台。培育10家龙头企业、20家专精特新企业。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(5.0), "国家级综合型平台");
        assert_eq!(name(30.0), "省级专业型服务平台");
        // Hostile: complete names keep theirs.
        assert_eq!(name(10.0), "龙头企业");
    }

    /// A clause that opens `在X领域` names the field with what it counts; a list of fields does not.
    #[test]
    fn a_field_that_opens_the_clause_names_what_is_counted() {
        let text = "一、主要目标\n到2026年,在海洋装备领域每年培育10个以上首台套产品,在化工、冶金等领域选择200家企业开展试点。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(10.0), "海洋装备领域每年培育首台套产品");
        assert!(!name(200.0).contains("领域"), "{}", name(200.0));
    }

    /// A subjectless activity takes the subject its section's heading names, not that of a
    /// heading that names a task.
    #[test]
    fn a_subjectless_demonstration_takes_the_product_its_section_names() {
        let text = "一、重点任务\n(一)智能巡检无人机。支持关键技术研发。到2026年,实现30家以上应用示范。\n(二)推进行业融合。到2026年,实现50家以上应用示范。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(30.0), "智能巡检无人机应用示范");
        assert_eq!(name(50.0), "应用示范");
    }

    /// A measure is carried to a bare unit (`重点工业企业达到5%以上`) only when the figures
    /// measure alike; a count of firms after a rate names what it counts.
    #[test]
    fn a_count_of_firms_after_a_rate_keeps_its_own_name() {
        let text = "一、主要目标\n至2030年,企业孵化活化率达40%,独角兽企业达20家。市属国有工业企业研发投入强度不低于3.5%,重点工业企业达到5%以上。\n";
        let plan = crate::extract(text.as_bytes(), "t.txt", &crate::Options::default()).unwrap();
        let name = |v: f64| plan.targets.iter().find(|t| t.value == v).unwrap().indicator.as_str();
        assert_eq!(name(20.0), "独角兽企业");
        assert_eq!(name(5.0), "重点工业企业研发投入强度");
    }
}

//! The review's rules on small hand-made plans: direction-aware comparison, scope, units,
//! stable ids, directions, tasks and period; hostile inputs beside the happy ones.

use planwatch_core::model::{Industry, Meta, Owner, Target, Task};
use planwatch_core::Plan;
use planwatch_review::{compare, review, stable_id, ExactNames, Kind, Severity};

fn plan(region: &str, period: (Option<i32>, Option<i32>)) -> Plan {
    Plan {
        doc: format!("{region}.txt"),
        meta: Meta {
            title: Some(format!("{region}规划")),
            region: Some(region.into()),
            period_start: period.0,
            period_end: period.1,
            ..Meta::default()
        },
        ..Plan::default()
    }
}

fn target(indicator: &str, value: f64, unit: &str, year: Option<i32>, text: &str) -> Target {
    Target {
        year,
        indicator: indicator.into(),
        value,
        unit: unit.into(),
        kind: if unit == "%" { "ratio" } else { "count" }.into(),
        text: text.into(),
        ..Target::default()
    }
}

fn task(title: &str, content: &str, lead: &str) -> Task {
    Task {
        path: "一".into(),
        title: title.into(),
        content: content.into(),
        lead: vec![lead.into()],
        owners: vec![Owner { name: lead.into(), canonical: lead.into(), role: "lead".into(), unknown: false }],
        text: format!("（{lead}牵头）"),
        ..Task::default()
    }
}

/// The id of the period-ends-after finding, pinned.
const PINNED_PERIOD_ID: &str = "pd-d4913471db19";

fn tax() -> ExactNames {
    ExactNames::new(&[
        ("人工智能", "fut.info.ai", "fut.info"),
        ("低空经济", "fut.space.lowalt", "fut.space"),
        ("飞行汽车", "fut.space.lowalt", "fut.space"),
        ("生物制造", "fut.mfg.bio", "fut.mfg"),
        ("合成生物", "fut.mfg.bio", "fut.mfg"),
        ("氢能", "fut.energy.h2", "fut.energy"),
    ])
}

fn kinds(r: &planwatch_review::Review) -> Vec<(Kind, Severity)> {
    r.findings.iter().map(|f| (f.kind, f.severity)).collect()
}

#[test]
fn looser_value_same_year_is_a_conflict_and_stricter_is_a_hint() {
    let mut m = plan("重庆市", (Some(2021), Some(2025)));
    m.targets.push(target("规上工业企业研发机构覆盖率", 50.0, "%", Some(2025), "覆盖率达到50%"));
    m.targets.push(target("科技型企业", 4.5, "万家", Some(2025), "科技型企业超过4.5万家"));
    let mut d = plan("重庆市", (Some(2021), Some(2025)));
    d.targets.push(target("全市规模以上工业企业研发机构覆盖率", 40.0, "%", Some(2025), "覆盖率达到40%"));
    d.targets.push(target("科技型企业数量", 50000.0, "家", Some(2025), "科技型企业5万家"));
    let r = review(&d, "", &m, "", &tax());
    assert_eq!(
        kinds(&r),
        vec![(Kind::TargetLooser, Severity::High), (Kind::TargetStricter, Severity::Low)],
        "{:#?}",
        r.findings
    );
    assert_eq!(r.findings[0].severity_label, "冲突");
    assert!(r.findings[0].message.contains("草案要求低于上位规划"), "{}", r.findings[0].message);
    assert_eq!(r.findings[0].draft.len(), 1);
    assert_eq!(r.findings[0].master.len(), 1);
}

#[test]
fn for_falling_indicators_lower_is_stricter() {
    let mut m = plan("重庆市", (Some(2021), Some(2025)));
    m.targets.push(target("单位地区生产总值能耗下降", 13.5, "%", Some(2025), "单位地区生产总值能耗下降13.5%"));
    m.targets.push(target("数据中心电能利用效率", 1.3, "", Some(2025), "PUE降到1.3以下"));
    let mut d = plan("重庆市", (Some(2021), Some(2025)));
    // A falling indicator with a higher figure of fall is "下降更多": still the same indicator;
    // the words decide. 1.25 < 1.3 for an upper bound is stricter.
    d.targets.push(target("数据中心电能利用效率", 1.25, "", Some(2025), "PUE降到1.25以下"));
    d.targets.push(target("单位地区生产总值能耗下降", 13.5, "%", Some(2025), "单位地区生产总值能耗下降13.5%"));
    let r = review(&d, "", &m, "", &tax());
    assert_eq!(kinds(&r), vec![(Kind::TargetStricter, Severity::Low)], "{:#?}", r.findings);
    assert!(r.findings[0].message.contains("越低越好"));
    let mut d2 = plan("重庆市", (Some(2021), Some(2025)));
    d2.targets.push(target("数据中心电能利用效率", 1.4, "", Some(2025), "PUE降到1.4以下"));
    let r2 = review(&d2, "", &m, "", &tax());
    assert!(kinds(&r2).contains(&(Kind::TargetLooser, Severity::High)), "{:#?}", r2.findings);
}

#[test]
fn later_deadline_is_looser_and_mixed_is_only_a_hint() {
    let mut m = plan("重庆市", (Some(2021), Some(2025)));
    m.targets.push(target("新型研发机构", 300.0, "家", Some(2025), "新型研发机构达到300家"));
    m.targets.push(target("高新技术企业", 100.0, "家", Some(2025), "高新技术企业100家"));
    let mut d = plan("重庆市", (Some(2021), Some(2027)));
    d.targets.push(target("新型研发机构", 300.0, "个", Some(2027), "新型研发机构300个"));
    d.targets.push(target("高新技术企业", 120.0, "家", Some(2027), "高新技术企业120家"));
    let r = review(&d, "", &m, "", &tax());
    let k = kinds(&r);
    assert!(k.contains(&(Kind::TargetLooser, Severity::Medium)), "{k:?}");
    assert!(k.contains(&(Kind::TargetMixed, Severity::Low)), "{k:?}");
    assert!(!k.iter().any(|(_, s)| *s == Severity::High), "{k:?}");
}

#[test]
fn units_that_cannot_be_compared_are_said_so_not_a_conflict() {
    let mut m = plan("重庆市", (None, None));
    m.targets.push(target("研发投入", 500.0, "亿元", Some(2025), "研发投入500亿元"));
    let mut d = plan("重庆市", (None, None));
    d.targets.push(target("研发投入", 2.6, "%", Some(2025), "研发投入2.6%"));
    let r = review(&d, "", &m, "", &tax());
    let k = kinds(&r);
    assert!(k.contains(&(Kind::TargetUnits, Severity::Low)), "{k:?}");
    assert!(!k.iter().any(|(k, _)| matches!(k, Kind::TargetLooser | Kind::TargetStricter)), "{k:?}");
    // Money in different magnitudes is compared after conversion: 1.2万亿元 = 12000亿元.
    let mut m = plan("重庆市", (None, None));
    m.targets.push(target("战略性新兴产业规模", 12000.0, "亿元", Some(2025), "产业规模12000亿元"));
    let mut d = plan("重庆市", (None, None));
    d.targets.push(target("战略性新兴产业规模", 1.2, "万亿元", Some(2025), "产业规模1.2万亿元"));
    let r = review(&d, "", &m, "", &tax());
    assert!(!r.findings.iter().any(|f| f.group == "主要目标"), "{:#?}", r.findings);
}

#[test]
fn a_city_share_of_a_national_total_is_not_a_conflict() {
    let mut m = plan("全国", (Some(2021), Some(2025)));
    m.targets.push(target("专精特新企业", 10000.0, "家", Some(2025), "培育专精特新企业1万家"));
    m.targets.push(target("数字经济核心产业增加值占GDP比重", 10.0, "%", Some(2025), "占GDP比重达到10%"));
    let mut d = plan("重庆市", (Some(2021), Some(2025)));
    d.targets.push(target("专精特新企业", 500.0, "家", Some(2025), "培育专精特新企业500家"));
    d.targets.push(target("数字经济核心产业增加值占地区生产总值比重", 8.0, "%", Some(2025), "占比8%"));
    let r = review(&d, "", &m, "", &tax());
    let k = kinds(&r);
    assert!(k.contains(&(Kind::TargetScope, Severity::Low)), "{k:?}");
    // A ratio across levels is compared, but only as a hint.
    assert!(k.contains(&(Kind::TargetLooser, Severity::Low)), "{k:?}");
    assert!(k.iter().all(|(_, s)| *s == Severity::Low), "{k:?}");
}

#[test]
fn increments_and_levels_are_not_compared() {
    let mut m = plan("重庆市", (None, None));
    let mut t = target("研发经费投入", 10.0, "%", Some(2025), "年均增长10%");
    t.increment = true;
    m.targets.push(t);
    let mut d = plan("重庆市", (None, None));
    d.targets.push(target("研发经费投入", 2.6, "%", Some(2025), "达到2.6%"));
    let r = review(&d, "", &m, "", &tax());
    assert_eq!(kinds(&r).iter().filter(|(k, _)| *k == Kind::TargetIncrement).count(), 1, "{:#?}", r.findings);
}

#[test]
fn master_targets_not_carried_down_are_listed() {
    let mut m = plan("重庆市", (None, None));
    m.targets.push(target("技术合同成交额", 1100.0, "亿元", Some(2025), "技术合同成交额突破1100亿元"));
    let d = plan("重庆市", (None, None));
    let r = review(&d, "", &m, "", &tax());
    let f = r.findings.iter().find(|f| f.kind == Kind::TargetNotCarried).expect("listed");
    assert_eq!(f.severity, Severity::Low);
    assert!(f.draft.is_empty());
    assert_eq!(f.master[0].item, "技术合同成交额突破1100亿元");
}

#[test]
fn ids_are_stable_under_unrelated_edits_and_reordering() {
    let mut m = plan("重庆市", (Some(2021), Some(2025)));
    m.targets.push(target("新型研发机构", 300.0, "家", Some(2025), "新型研发机构达到300家"));
    m.targets.push(target("科技型企业", 45000.0, "家", Some(2025), "科技型企业超过4.5万家"));
    let mut d = plan("重庆市", (Some(2021), Some(2025)));
    d.targets.push(target("新型研发机构", 200.0, "家", Some(2025), "新型研发机构200家"));
    let before = review(&d, "", &m, "", &tax());
    // An unrelated target added in front, the master's list reversed, text moved.
    d.targets.insert(0, target("孵化器", 10.0, "个", Some(2025), "孵化器10个"));
    for t in &mut d.targets {
        t.span = [t.span[0] + 100, t.span[1] + 100];
    }
    m.targets.reverse();
    let after = review(&d, "", &m, "", &tax());
    let ids = |r: &planwatch_review::Review| {
        let mut v: Vec<String> = r.findings.iter().map(|f| f.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&before), ids(&after));
    // Ids differ by kind and by key, and have a fixed form.
    let a = stable_id(Kind::TargetLooser, &["新型研发机构", "2025年/2025年"]);
    assert_eq!(a, stable_id(Kind::TargetLooser, &["新型研发机构", "2025年/2025年"]));
    assert_ne!(a, stable_id(Kind::TargetStricter, &["新型研发机构", "2025年/2025年"]));
    assert_ne!(stable_id(Kind::TargetLooser, &["ab", "c"]), stable_id(Kind::TargetLooser, &["a", "bc"]));
    assert!(a.starts_with("tg-") && a.len() == 15, "{a}");
    // Keys differing in their last character give ids far apart.
    let (x, y) = (stable_id(Kind::DirectionLeftOut, &["sei.3"]), stable_id(Kind::DirectionLeftOut, &["sei.4"]));
    assert!(x.bytes().zip(y.bytes()).filter(|(a, b)| a != b).count() > 4, "{x} {y}");
    // Pinned: the hash must not change between releases (review marks will name it).
    assert_eq!(stable_id(Kind::PeriodEndsAfter, &[]), PINNED_PERIOD_ID);
}

#[test]
fn directions_outside_and_left_out() {
    let mut m = plan("重庆市", (None, None));
    m.industries.push(Industry { name: "人工智能".into(), group: String::new(), segments: vec![], span: [0, 0] });
    m.industries.push(Industry { name: "合成生物".into(), group: String::new(), segments: vec![], span: [0, 0] });
    let mut d = plan("重庆市", (None, None));
    d.industries.push(Industry { name: "人工智能".into(), group: String::new(), segments: vec![], span: [0, 0] });
    d.industries.push(Industry { name: "飞行汽车".into(), group: String::new(), segments: vec![], span: [0, 0] });
    d.industries.push(Industry { name: "元宇宙".into(), group: String::new(), segments: vec![], span: [0, 0] });
    // An industry known only by a segment is placed by it.
    d.industries.push(Industry {
        name: "未来能源".into(),
        group: String::new(),
        segments: vec!["氢能".into()],
        span: [0, 0],
    });
    let r = review(&d, "", &m, "", &tax());
    let k = kinds(&r);
    assert_eq!(k.iter().filter(|(k, _)| *k == Kind::DirectionOutside).count(), 2, "{:#?}", r.findings);
    assert!(k.contains(&(Kind::DirectionUnmapped, Severity::Low)), "{k:?}");
    let left: Vec<&str> =
        r.findings.iter().filter(|f| f.kind == Kind::DirectionLeftOut).map(|f| f.master[0].item.as_str()).collect();
    assert_eq!(left, vec!["合成生物"]);
}

#[test]
fn same_task_with_another_lead_is_found_and_other_regions_are_not_judged() {
    let mut m = plan("重庆市", (None, None));
    m.tasks.push(task("加快建设新型研发机构", "支持高校院所建设新型研发机构，完善评价机制", "市科技局"));
    m.tasks.push(task("培育专精特新企业", "完善梯度培育体系", "市经济信息委"));
    let mut d = plan("重庆市", (None, None));
    d.tasks.push(task("加快建设新型研发机构", "支持高校院所建设新型研发机构，完善评价机制", "市发展改革委"));
    d.tasks.push(task("培育专精特新企业", "完善梯度培育体系", "市经济信息委"));
    let r = review(&d, "", &m, "", &tax());
    let leads: Vec<_> = r.findings.iter().filter(|f| f.kind == Kind::TaskLead).collect();
    assert_eq!(leads.len(), 1, "{:#?}", r.findings);
    assert!(leads[0].message.contains("市发展改革委") && leads[0].message.contains("市科技局"));
    let mut other = d.clone();
    other.meta.region = Some("成都市".into());
    let r = review(&other, "", &m, "", &tax());
    assert!(!r.findings.iter().any(|f| f.kind == Kind::TaskLead));
}

#[test]
fn period_against_the_master() {
    let m = plan("重庆市", (Some(2021), Some(2025)));
    let text = "重庆市未来产业培育行动计划（2024—2027年）";
    let d = plan("重庆市", (Some(2024), Some(2027)));
    let r = review(&d, text, &m, "", &tax());
    assert_eq!(kinds(&r), vec![(Kind::PeriodEndsAfter, Severity::Low)]);
    assert_eq!(r.findings[0].draft[0].item, "2024—2027年");
    let d = plan("重庆市", (Some(2019), Some(2023)));
    assert_eq!(kinds(&review(&d, "", &m, "", &tax())), vec![(Kind::PeriodStartsBefore, Severity::Medium)]);
    let d = plan("重庆市", (Some(2026), Some(2030)));
    assert_eq!(kinds(&review(&d, "", &m, "", &tax())), vec![(Kind::PeriodDisjoint, Severity::Medium)]);
    let d = plan("重庆市", (None, None));
    assert_eq!(kinds(&review(&d, "", &m, "", &tax())), vec![(Kind::PeriodUnknown, Severity::Low)]);
}

#[test]
fn hostile_plans_do_not_panic() {
    let mut d = plan("", (Some(i32::MAX), Some(i32::MIN)));
    d.meta.region = None;
    d.targets.push(target("", f64::NAN, "", None, ""));
    d.targets.push(target("产业规模", f64::INFINITY, "亿元", Some(i32::MAX), "x"));
    d.targets.push(Target { span: [10, 5], ..target("产业规模", 1.0, "亿元", Some(i32::MIN), "y") });
    d.industries.push(Industry {
        name: String::new(),
        group: String::new(),
        segments: vec![String::new()],
        span: [usize::MAX, 0],
    });
    d.tasks.push(Task { title: String::new(), ..task("", "", "") });
    let m = d.clone();
    let text = "短文本。";
    let r = review(&d, text, &m, text, &tax());
    for f in &r.findings {
        assert!(!f.id.is_empty());
    }
    let c = compare(&[(&d, "甲"), (&m, "甲"), (&d, "乙")], &tax());
    assert_eq!(c.regions, vec!["甲", "乙"]);
    let _ = compare(&[], &tax());
}

#[test]
fn comparison_matrix_overlaps_gaps_and_targets() {
    let ind = |n: &str, segs: &[&str]| Industry {
        name: n.into(),
        group: String::new(),
        segments: segs.iter().map(|s| s.to_string()).collect(),
        span: [1, 2],
    };
    let mut a = plan("重庆市", (None, None));
    a.industries.push(ind("低空经济", &[]));
    a.industries.push(ind("人工智能", &[]));
    a.targets.push(target("专精特新企业", 100.0, "家", Some(2027), "百家专精特新企业"));
    let mut b = plan("成都市", (None, None));
    b.industries.push(ind("飞行汽车", &[]));
    b.industries.push(ind("量子科技", &[]));
    b.targets.push(target("专精特新企业", 2.0, "百家", Some(2026), "200家"));
    let mut c = plan("扬州市", (None, None));
    c.industries.push(ind("未来能源", &["氢能"]));
    c.industries.push(ind("合成生物", &[]));
    let cmp = compare(&[(&a, "重庆市"), (&b, "成都市"), (&c, "扬州市")], &tax());
    assert_eq!(cmp.regions, vec!["重庆市", "成都市", "扬州市"]);
    let low = cmp.matrix.iter().find(|r| r.node == "fut.space.lowalt").expect("row");
    assert_eq!(low.cells[0][0].name, "低空经济");
    assert_eq!(low.cells[1][0].name, "飞行汽车");
    assert!(low.cells[2].is_empty());
    assert_eq!(cmp.overlaps.len(), 1);
    assert_eq!(cmp.gaps.len(), 1);
    assert_eq!(cmp.gaps[0].region, "扬州市");
    let h2 = cmp.matrix.iter().find(|r| r.node == "fut.energy.h2").expect("segment row");
    assert_eq!(h2.cells[2][0].industry.as_deref(), Some("未来能源"));
    let unmapped: Vec<&str> = cmp.unmapped.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(unmapped, vec!["量子科技", "未来能源"]);
    assert_eq!(cmp.targets.len(), 1);
    let t = &cmp.targets[0];
    assert_eq!(t.unit_class, "count");
    assert_eq!(t.values[1][0].base_value, 200.0);
}

#[test]
fn generic_names_are_not_matched_across_plans() {
    // Two plans' bare 产业规模 are two industries' scales; a share without its subject is not
    // the other plan's share.
    let mut m = plan("重庆市", (None, None));
    m.targets.push(target("产业规模", 10000.0, "亿元", Some(2025), "产业规模迈上万亿台阶"));
    m.targets.push(target("占地区生产总值的比重", 2.6, "%", Some(2025), "占地区生产总值的比重达到2.6%"));
    let mut d = plan("重庆市", (None, None));
    d.targets.push(target("产业规模", 500.0, "亿元", Some(2025), "产业规模500亿元"));
    d.targets.push(target("占GDP比重", 1.0, "%", Some(2025), "占GDP比重1%"));
    let r = review(&d, "", &m, "", &tax());
    let k = kinds(&r);
    assert!(
        !k.iter().any(|(k, _)| matches!(k, Kind::TargetLooser | Kind::TargetStricter | Kind::TargetMixed)),
        "{k:?}"
    );
    assert_eq!(k.iter().filter(|(k, _)| *k == Kind::TargetNotCarried).count(), 2, "{k:?}");
}

#[test]
fn confirmed_mappings_win_over_automatic_ones() {
    use planwatch_review::{Confirmed, IndustryMap, Taxonomy};
    let tax = Taxonomy::builtin();
    let auto: Vec<String> = tax.place_all("低空经济").into_iter().map(|p| p.node).collect();
    assert!(auto.contains(&"fut.space.lowalt".to_string()), "{auto:?}");
    // An analyst moved 低空经济 to 未来信息's 卫星互联网 in the future scheme and said it has no
    // node in the other.
    let other: Vec<String> = tax.schemes().iter().map(|s| s.id.clone()).filter(|s| s != "future").collect();
    let mut confirmations = vec![("future".to_string(), "低空经济".to_string(), Some("fut.info.satnet".to_string()))];
    confirmations.extend(other.iter().map(|s| (s.clone(), "低空经济".to_string(), None)));
    let c = Confirmed::new(&tax, confirmations);
    let placed: Vec<(String, String)> = c.place_all("低空经济").into_iter().map(|p| (p.node, p.top)).collect();
    assert_eq!(placed, vec![("fut.info.satnet".to_string(), "fut.info".to_string())]);
    assert_eq!(c.place("低空经济").map(|p| p.node).as_deref(), Some("fut.info.satnet"));
    // Names without a confirmation map as before; a confirmed node gone from the data maps to nothing.
    assert_eq!(c.place_all("合成生物"), tax.place_all("合成生物"));
    let gone = Confirmed::new(&tax, [("future".to_string(), "合成生物".to_string(), Some("no.such.node".to_string()))]);
    assert!(gone.place_all("合成生物").iter().all(|p| p.node != "no.such.node"));
    // "No node" in the scheme of the automatic best node: the best node places it nowhere (it
    // once fell back to the automatic mapping of that very scheme).
    assert_eq!(tax.place("低空经济").map(|p| p.node).as_deref(), Some("fut.space.lowalt"));
    let none = Confirmed::new(&tax, [("future".to_string(), "低空经济".to_string(), None)]);
    assert!(none.place("低空经济").is_none_or(|p| !p.node.starts_with("fut.")), "{:?}", none.place("低空经济"));
    assert_eq!(
        none.place("低空经济").map(|p| p.node),
        tax.place_all("低空经济").into_iter().find(|p| !p.node.starts_with("fut.")).map(|p| p.node)
    );
}

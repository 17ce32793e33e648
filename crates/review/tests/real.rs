//! The review and the comparison on the real documents (`../shared/seeds`, `../shared/dev/raw`),
//! with the findings hand-checked: each expected finding below was read against both sentences
//! and judged right (the notes say why). A finding list that changes must be looked at again,
//! not just re-recorded. Findings judged wrong are listed in the notes of the pair, and the rule
//! that made them was fixed where the fix is general.

use planwatch_core::Plan;
use planwatch_review::{compare, review, Kind, Review, Taxonomy};
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn load(rel: &str) -> Option<(Plan, String)> {
    let path = shared().join(rel);
    if !path.exists() {
        assert!(
            std::env::var_os("PLANWATCH_NO_SEEDS").is_some(),
            "{} is missing: these tests need ../shared beside the repository (set PLANWATCH_NO_SEEDS=1 to skip them knowingly)",
            path.display()
        );
        return None;
    }
    let opts = planwatch_core::Options::default();
    let bytes = std::fs::read(&path).expect("readable");
    let source = planwatch_core::read::read(&bytes, &opts.read).expect("a readable plan");
    let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
    Some((planwatch_core::extract_source(&source, &name, &opts.dicts), source.text))
}

fn run(draft: &str, master: &str) -> Option<Review> {
    let (d, dt) = load(draft)?;
    let (m, mt) = load(master)?;
    Some(review(&d, &dt, &m, &mt, &*Taxonomy::builtin()))
}

/// `(id, kind)` of every finding, sorted by id; printed so a changed list can be read.
fn listed(r: &Review) -> Vec<(String, Kind)> {
    let mut v: Vec<(String, Kind)> = r.findings.iter().map(|f| (f.id.clone(), f.kind)).collect();
    v.sort();
    for f in &r.findings {
        eprintln!("{} {} {} {}", f.id, f.severity_label, f.kind.name(), f.message);
    }
    v
}

fn expect(r: &Review, expected: &[(&str, Kind)]) {
    let got = listed(r);
    let mut want: Vec<(String, Kind)> = expected.iter().map(|(i, k)| (i.to_string(), *k)).collect();
    want.sort();
    assert_eq!(
        got, want,
        "the finding list changed: read the new findings against both sentences before recording them"
    );
    // Every finding cites a sentence of the side it is about, inside the text.
    for f in &r.findings {
        for c in f.draft.iter().chain(f.master.iter()) {
            assert!(c.span[0] <= c.item_span[0] && c.item_span[1] <= c.span[1], "{}: {c:?}", f.id);
            assert!(!c.sentence.is_empty(), "{}", f.id);
        }
    }
}

/// Findings judged wrong, kept visible: 003's 规模以上工业产值中战略性新兴产业占比 35% is 001's
/// 规模以上工业战略性新兴产业总产值占规模以上工业总产值比重 35% in other words ("X中Y占比" against
/// "Y占X比重"); the names do not normalise to one key, so 001 is said not to carry it. Not fixed:
/// the rewrite needs more than a word list (总产值 against 产值, the 工业 moved).
const KNOWN_WRONG_001_003: &[(&str, Kind)] = &[("tg-216c77360f7c", Kind::TargetNotCarried)];

/// Seed 000 (重庆市未来产业培育行动计划 2024—2027) against 001 (重庆市战略性新兴产业“十四五”规划 2021—2025).
/// Hand-checked: 000 has seven targets (talent teams, technologies, products, scenarios, enterprises,
/// pilot zones, all 2027) and none of 001's nine, so the nine not-carried hints are right; 000 places
/// no industry under 新能源汽车, 节能环保 or 相关服务业 (its nine industries are future industries),
/// so the three left-out hints are right; 2027 > 2025 is right. No target shares an indicator.
#[test]
fn review_000_against_001() {
    let Some(r) = run("seeds/000_a0a93dd32b1abd0b.txt", "seeds/001_47939a72131e0a6e.txt") else { return };
    expect(
        &r,
        &[
            ("dr-5fcfd18a1d79", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“新能源汽车产业”（新能源汽车和智能网联汽车）在草案中没有对应产业，请确认是否需要部署。
            ("dr-c466eedc84cd", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“相关服务业”（新兴服务业）在草案中没有对应产业，请确认是否需要部署。
            ("dr-fcec4b5c2d60", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“节能环保产业”（绿色环保）在草案中没有对应产业，请确认是否需要部署。
            ("pd-d4913471db19", Kind::PeriodEndsAfter), // 提示 草案规划期（2024—2027年）晚于上位规划期（2021—2025年）结束，2025年以后的目标没有上位依据，请关注下
            ("tg-4cf870542a7b", Kind::TargetNotCarried), // 提示 上位规划的目标“战略性新兴产业主营业务收入超10亿的企业”（2025年，100家）在草案中没有对应目标，请确认是否需要分
            ("tg-4a600e3f85cd", Kind::TargetNotCarried), // 提示 上位规划的目标“新型智能终端、新型显示、软件和信息技术服务、先进材料、生物、新能源汽车和智能网联汽车、新兴服务业等领域战略性新兴产业集群规模”（2025年，1000亿元级）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-7f4596cd0cc1", Kind::TargetNotCarried), // 提示 上位规划的目标“战略性新兴产业规模”（2025年，10000亿元达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-8a72b5f6bce8", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业战略性新兴产业总产值占规模以上工业总产值比重”（2025年，35%）在草案中没有对应目标，请
            ("tg-b6c0c24f4286", Kind::TargetNotCarried), // 提示 上位规划的目标“市场占有率排名国内前十的品牌手机企业”（未写年份，1—2家）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-c78506fbdba7", Kind::TargetNotCarried), // 提示 上位规划的目标“新型研发机构”（2025年，300家突破）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-d081f7b43bde", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上战略性新兴产业增加值占地区生产总值比重”（2025年，13%左右）在草案中没有对应目标，请确认是
            ("tg-d105814f240f", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业战略性新兴产业企业”（2025年，1500家）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-9a5991827cd5", Kind::TargetNotCarried), // 提示 上位规划的目标“集成电路、高端装备制造、绿色环保等领域产业集群规模”（2025年，500亿元级）在草案中没有对应目标，请确认是否需要分解落实。
        ],
    );
}

/// Seed 000 against 003 (重庆市科技创新“十四五”规划 2021—2025).
/// Hand-checked: none of 003's S&T targets (R&D intensity, 科技型企业, 技术合同成交额, 孵化载体 …) is a
/// target of 000 (000 names 新型研发机构 only as a means, without a figure), so the 42 not-carried hints
/// are right. 003 states 规模以上工业产值中高技术产业产值占比 32% in its text (a second share of the
/// whole its first share names) and in its table: one name now, one hint (it was two while the text's
/// name was cut to 高技术产业产值占比). 新能源及智能网联汽车 and 碳达峰碳中和 have no counterpart in
/// 000: right. Period: right.
#[test]
fn review_000_against_003() {
    let Some(r) = run("seeds/000_a0a93dd32b1abd0b.txt", "seeds/003_d7f53db3d6bb61e0.txt") else { return };
    expect(
        &r,
        &[
            ("dr-5fcfd18a1d79", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“新能源汽车产业”（新能源及智能网联汽车）在草案中没有对应产业，请确认是否需要部署。
            ("dr-fcec4b5c2d60", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“节能环保产业”（碳达峰碳中和）在草案中没有对应产业，请确认是否需要部署。
            ("pd-d4913471db19", Kind::PeriodEndsAfter), // 提示 草案规划期（2024—2027年）晚于上位规划期（2021—2025年）结束，2025年以后的目标没有上位依据，请关注下
            ("tg-0515711e7d9e", Kind::TargetNotCarried), // 提示 上位规划的目标“智能工厂”（2025年，50个以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-0b0f695f9e13", Kind::TargetNotCarried), // 提示 上位规划的目标“高技术产业产值占规模以上工业总产值比重”（2025年，50%超过）在草案中没有对应目标，请确认是否需要分
            ("tg-12ed5c258ae7", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费投入年均”（2025年，10%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-18e91e57d4d9", Kind::TargetNotCarried), // 提示 上位规划的目标“基础研究经费占全社会研发经费的比重”（2025年，8%达到）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-216c77360f7c", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业产值中战略性新兴产业占比”（2025年，35%达到）在草案中没有对应目标，请确认是否需要分解
            ("tg-219279875cc6", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业产值中高技术产业产值占比”（2025年，32%）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-264f42a803c5", Kind::TargetNotCarried), // 提示 上位规划的目标“西部(重庆)科学城研发投入强度”（2025年，5%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-304e8f932d99", Kind::TargetNotCarried), // 提示 上位规划的目标“每万名就业人员中研发人员”（2025年，75人年达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-3a168711bfa6", Kind::TargetNotCarried), // 提示 上位规划的目标“从普通本科高校生均综合定额经费中安排”（未写年份，8—12%）在草案中没有对应目标，请确认是否需要分解落
            ("tg-3a38ac11b439", Kind::TargetNotCarried), // 提示 上位规划的目标“科技进步贡献率”（2025年，63%）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-41e8d9f380b7", Kind::TargetNotCarried), // 提示 上位规划的目标“博士后每年新增”（未写年份，1000名）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-4d6b6a7f2d16", Kind::TargetNotCarried), // 提示 上位规划的目标“重点工业企业研发投入强度”（2025年，5%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-4e3166741f3d", Kind::TargetNotCarried), // 提示 上位规划的目标“技术合同成交额”（2025年，1100亿元突破）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-52e5defe8441", Kind::TargetNotCarried), // 提示 上位规划的目标“每年实现每年举办创新创业活动”（2025年，10000场次以上）在草案中没有对应目标，请确认是否需要分解
            ("tg-5acd3d971915", Kind::TargetNotCarried), // 提示 上位规划的目标“国家级科普基地”（2025年，30家达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-5b34e15dbf1b", Kind::TargetNotCarried), // 提示 上位规划的目标“市级科普基地”（2025年，400家突破）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-5f0792aeb895", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费投入增长”（2025年，10%超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-605700c4757e", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费占地区生产总值的比重”（2035年，3%以上）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-646159579b06", Kind::TargetNotCarried), // 提示 上位规划的目标“每年开展成果转化对接活动”（未写年份，1000场次以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-6d78f89a485c", Kind::TargetNotCarried), // 提示 上位规划的目标“孵化载体总面积”（2025年，10000000平方米以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-770729c6a3e4", Kind::TargetNotCarried), // 提示 上位规划的目标“科技型企业”（2025年，45000家超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-77732ede2485", Kind::TargetNotCarried), // 提示 上位规划的目标“每万家企业法人中高新技术企业数”（2025年，140家达到）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-7dc2e26591b2", Kind::TargetNotCarried), // 提示 上位规划的目标“每万人口高价值发明专利拥有量”（2025年，12件达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-836e782bcaf9", Kind::TargetNotCarried), // 提示 上位规划的目标“海内外高层次创新团队”（2025年，100个）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-8c3cfcb996ed", Kind::TargetNotCarried), // 提示 上位规划的目标“公民具备科学素质的比例”（2025年，15%达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-8ecfc2dbf3b3", Kind::TargetNotCarried), // 提示 上位规划的目标“重庆股份转让中心科创板挂牌企业”（2025年，1200家以上）在草案中没有对应目标，请确认是否需要分解落
            ("tg-993d49ae0f28", Kind::TargetNotCarried), // 提示 上位规划的目标“市级财政基础研究项目资金年均”（未写年份，10%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-a450535b24e1", Kind::TargetNotCarried), // 提示 上位规划的目标“高等教育新增财政性教育经费、一流学科建设专项资金用于科技创新的比例”（未写年份，30%以上）在草案中没有
            ("tg-a5681fbb13fa", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业研发经费支出与营业收入之比”（2025年，2%）在草案中没有对应目标，请确认是否需要分解
            ("tg-a91cac53e7c5", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业建有研发机构的比例”（2025年，50%达到）在草案中没有对应目标，请确认是否需要分解落
            ("tg-af2138d66416", Kind::TargetNotCarried), // 提示 上位规划的目标“高层次人才”（2025年，1000名以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-b16620a1eff1", Kind::TargetNotCarried), // 提示 上位规划的目标“高层次外国人才、紧缺急需外国科技人才引进”（未写年份，2倍翻番）在草案中没有对应目标，请确认是否需要分解
            ("tg-b31c2a33a7f6", Kind::TargetNotCarried), // 提示 上位规划的目标“大型科技企业孵化载体”（2025年，10个以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-b50d39c2f004", Kind::TargetNotCarried), // 提示 上位规划的目标“环大学创新生态圈”（2025年，15个以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-c78506fbdba7", Kind::TargetNotCarried), // 提示 上位规划的目标“新型研发机构数量”（2025年，300家翻番）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-72a55ab77fd2", Kind::TargetNotCarried), // 提示 上位规划的目标“占地区生产总值的比重”（2025年，2.6%达到）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-cc66ebd42eae", Kind::TargetNotCarried), // 提示 上位规划的目标“入库科技型企业”（2025年，45000家超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-d178fa4eda73", Kind::TargetNotCarried), // 提示 上位规划的目标“特色科技企业孵化器”（2025年，100个以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-e91864fe805f", Kind::TargetNotCarried), // 提示 上位规划的目标“市属国有工业企业研发投入强度”（2025年，3.5%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-edb7cfb995b2", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费占地区生产总值的比重”（2025年，2.6%）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-ee59c6ce7703", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业研发经费投入”（2025年，500亿元以上）在草案中没有对应目标，请确认是否需要分解落实
            ("tg-fb3b394ee442", Kind::TargetNotCarried), // 提示 上位规划的目标“拟到上海证券交易所科创板上市的企业”（2025年，100家以上）在草案中没有对应目标，请确认是否需要分解
        ],
    );
}

/// Seed 001 against 003: two Chongqing plans of one period (2021—2025).
/// Hand-checked: 新型研发机构 300家 is in both and equal (no finding: right). 新兴服务业 (检验检测,
/// 数字创意, 金融科技 …) is outside 003's 重点产业 and 未来产业: right. Not carried: right except
/// `tg-216c77360f7c` (see KNOWN_WRONG_001_003).
#[test]
fn review_001_against_003() {
    let Some(r) = run("seeds/001_47939a72131e0a6e.txt", "seeds/003_d7f53db3d6bb61e0.txt") else { return };
    let right = [
        ("dr-32c9f3da9af6", Kind::DirectionOutside), // 不一致 草案产业“新兴服务业”（归入数字创意产业、相关服务业）不在上位规划的发展方向（新一代信息技术产业、新材料产业、新能源产业
        ("tg-0515711e7d9e", Kind::TargetNotCarried), // 提示 上位规划的目标“智能工厂”（2025年，50个以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-0b0f695f9e13", Kind::TargetNotCarried), // 提示 上位规划的目标“高技术产业产值占规模以上工业总产值比重”（2025年，50%超过）在草案中没有对应目标，请确认是否需要分
        ("tg-12ed5c258ae7", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费投入年均”（2025年，10%以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-18e91e57d4d9", Kind::TargetNotCarried), // 提示 上位规划的目标“基础研究经费占全社会研发经费的比重”（2025年，8%达到）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-219279875cc6", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业产值中高技术产业产值占比”（2025年，32%）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-264f42a803c5", Kind::TargetNotCarried), // 提示 上位规划的目标“西部(重庆)科学城研发投入强度”（2025年，5%以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-304e8f932d99", Kind::TargetNotCarried), // 提示 上位规划的目标“每万名就业人员中研发人员”（2025年，75人年达到）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-3a168711bfa6", Kind::TargetNotCarried), // 提示 上位规划的目标“从普通本科高校生均综合定额经费中安排”（未写年份，8—12%）在草案中没有对应目标，请确认是否需要分解落
        ("tg-3a38ac11b439", Kind::TargetNotCarried), // 提示 上位规划的目标“科技进步贡献率”（2025年，63%）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-41e8d9f380b7", Kind::TargetNotCarried), // 提示 上位规划的目标“博士后每年新增”（未写年份，1000名）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-4d6b6a7f2d16", Kind::TargetNotCarried), // 提示 上位规划的目标“重点工业企业研发投入强度”（2025年，5%以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-4e3166741f3d", Kind::TargetNotCarried), // 提示 上位规划的目标“技术合同成交额”（2025年，1100亿元突破）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-52e5defe8441", Kind::TargetNotCarried), // 提示 上位规划的目标“每年实现每年举办创新创业活动”（2025年，10000场次以上）在草案中没有对应目标，请确认是否需要分解
        ("tg-5acd3d971915", Kind::TargetNotCarried), // 提示 上位规划的目标“国家级科普基地”（2025年，30家达到）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-5b34e15dbf1b", Kind::TargetNotCarried), // 提示 上位规划的目标“市级科普基地”（2025年，400家突破）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-5f0792aeb895", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费投入增长”（2025年，10%超过）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-605700c4757e", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费占地区生产总值的比重”（2035年，3%以上）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-646159579b06", Kind::TargetNotCarried), // 提示 上位规划的目标“每年开展成果转化对接活动”（未写年份，1000场次以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-6d78f89a485c", Kind::TargetNotCarried), // 提示 上位规划的目标“孵化载体总面积”（2025年，10000000平方米以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-770729c6a3e4", Kind::TargetNotCarried), // 提示 上位规划的目标“科技型企业”（2025年，45000家超过）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-77732ede2485", Kind::TargetNotCarried), // 提示 上位规划的目标“每万家企业法人中高新技术企业数”（2025年，140家达到）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-7dc2e26591b2", Kind::TargetNotCarried), // 提示 上位规划的目标“每万人口高价值发明专利拥有量”（2025年，12件达到）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-836e782bcaf9", Kind::TargetNotCarried), // 提示 上位规划的目标“海内外高层次创新团队”（2025年，100个）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-8c3cfcb996ed", Kind::TargetNotCarried), // 提示 上位规划的目标“公民具备科学素质的比例”（2025年，15%达到）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-8ecfc2dbf3b3", Kind::TargetNotCarried), // 提示 上位规划的目标“重庆股份转让中心科创板挂牌企业”（2025年，1200家以上）在草案中没有对应目标，请确认是否需要分解落
        ("tg-993d49ae0f28", Kind::TargetNotCarried), // 提示 上位规划的目标“市级财政基础研究项目资金年均”（未写年份，10%以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-a450535b24e1", Kind::TargetNotCarried), // 提示 上位规划的目标“高等教育新增财政性教育经费、一流学科建设专项资金用于科技创新的比例”（未写年份，30%以上）在草案中没有
        ("tg-a5681fbb13fa", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业研发经费支出与营业收入之比”（2025年，2%）在草案中没有对应目标，请确认是否需要分解
        ("tg-a91cac53e7c5", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业建有研发机构的比例”（2025年，50%达到）在草案中没有对应目标，请确认是否需要分解落
        ("tg-af2138d66416", Kind::TargetNotCarried), // 提示 上位规划的目标“高层次人才”（2025年，1000名以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-b16620a1eff1", Kind::TargetNotCarried), // 提示 上位规划的目标“高层次外国人才、紧缺急需外国科技人才引进”（未写年份，2倍翻番）在草案中没有对应目标，请确认是否需要分解
        ("tg-b31c2a33a7f6", Kind::TargetNotCarried), // 提示 上位规划的目标“大型科技企业孵化载体”（2025年，10个以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-b50d39c2f004", Kind::TargetNotCarried), // 提示 上位规划的目标“环大学创新生态圈”（2025年，15个以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-72a55ab77fd2", Kind::TargetNotCarried), // 提示 上位规划的目标“占地区生产总值的比重”（2025年，2.6%达到）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-cc66ebd42eae", Kind::TargetNotCarried), // 提示 上位规划的目标“入库科技型企业”（2025年，45000家超过）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-d178fa4eda73", Kind::TargetNotCarried), // 提示 上位规划的目标“特色科技企业孵化器”（2025年，100个以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-e91864fe805f", Kind::TargetNotCarried), // 提示 上位规划的目标“市属国有工业企业研发投入强度”（2025年，3.5%以上）在草案中没有对应目标，请确认是否需要分解落实。
        ("tg-edb7cfb995b2", Kind::TargetNotCarried), // 提示 上位规划的目标“全社会研发经费占地区生产总值的比重”（2025年，2.6%）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-ee59c6ce7703", Kind::TargetNotCarried), // 提示 上位规划的目标“规模以上工业企业研发经费投入”（2025年，500亿元以上）在草案中没有对应目标，请确认是否需要分解落实
        ("tg-fb3b394ee442", Kind::TargetNotCarried), // 提示 上位规划的目标“拟到上海证券交易所科创板上市的企业”（2025年，100家以上）在草案中没有对应目标，请确认是否需要分解
    ];
    let all: Vec<(&str, Kind)> = right.iter().chain(KNOWN_WRONG_001_003.iter()).copied().collect();
    expect(&r, &all);
}

/// A province's plan (数字山东2021行动方案) against the national 十四五数字经济发展规划.
/// Hand-checked: d01's one target, 数字经济核心产业增加值占GDP比重 10% (2025), has no counterpart in
/// d19 (its targets are counts of services, platforms and networks, none a share of GDP): right.
/// d19 lists no industries, so no direction finding; 2021 lies inside 2021—2025: no period finding.
#[test]
fn review_d19_shandong_against_d01_national() {
    let Some(r) = run("dev/raw/d19_digital-shandong-2021.txt", "dev/raw/d01_national-digital-economy-14th-fyp.txt")
    else {
        return;
    };
    expect(
        &r,
        &[
            ("tg-264e6b0062f5", Kind::TargetNotCarried), // 提示 上位规划的目标“数字经济核心产业增加值占GDP比重”（2025年，10%达到）在草案中没有对应目标，请确认是否需要分解落
        ],
    );
}

/// A city's plan (济南 数字先锋城市推进方案) against the national 十四五数字经济发展规划.
/// Hand-checked: Jinan's 占GDP比重 50% is the whole digital economy's share, not the core
/// industries' (d01's 10%): not matched, and the not-carried hint is right. 信息技术应用创新产业 and
/// 信息技术装备产业 are not in the taxonomy: listed unmapped, right (the taxonomy lacks 信创). d01's
/// in-passing list "完善5G、集成电路、新能源汽车、人工智能、工业互联网等重点产业供应链体系" is no list
/// of industries (the gold has none; the extraction took it as one before, which gave two left-out
/// hints): no direction finding, right. Period: Jinan states none, right.
#[test]
fn review_d23_jinan_against_d01_national() {
    let Some(r) = run("dev/raw/d23_jinan-digital-development.txt", "dev/raw/d01_national-digital-economy-14th-fyp.txt")
    else {
        return;
    };
    expect(
        &r,
        &[
            ("dr-1743d9af8502", Kind::DirectionUnmapped), // 提示 草案产业“信息技术应用创新产业”未能对应到参考分类，无法判断是否属于上位规划的方向，请人工判断或补充分类映射。
            ("dr-a06ce78b82ad", Kind::DirectionUnmapped), // 提示 草案产业“信息技术装备产业”未能对应到参考分类，无法判断是否属于上位规划的方向，请人工判断或补充分类映射。
            ("pd-1545ed541afc", Kind::PeriodUnknown), // 提示 草案未写明规划期（草案：未写明；上位规划：2021—2025年），无法比较规划期。
            ("tg-264e6b0062f5", Kind::TargetNotCarried), // 提示 上位规划的目标“数字经济核心产业增加值占GDP比重”（2025年，10%达到）在草案中没有对应目标，请确认是否需要分解落
        ],
    );
}

/// A province's sensors plan (山东 2021—2023) against the national sensors action plan (2013—2025).
/// Hand-checked: before the joined-name rule, 智能传感器 was called outside the national
/// 传感器及智能化仪器仪表 (judged wrong, fixed: a joined name's parts are placed too). Left: the
/// instrument half (高端装备制造) has no counterpart in Shandong's sensors-only plan: right as a hint.
/// The four national targets (50% 市场占有率, 百亿 clusters, 10亿/5000万 enterprises) have no
/// counterpart in d07 (its targets: 产业规模, 企业 counts): right.
#[test]
fn review_d07_shandong_against_d09_national() {
    let Some(r) =
        run("dev/raw/d07_shandong-intelligent-sensors-2021-2023.txt", "dev/raw/d09_miit-sensors-action-plan.txt")
    else {
        return;
    };
    expect(
        &r,
        &[
            ("dr-226d12ceb28a", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“高端装备制造产业”（传感器及智能化仪器仪表）在草案中没有对应产业，请确认是否需要部署。
            ("tg-739112c2b56a", Kind::TargetNotCarried), // 提示 上位规划的目标“高端产品和服务市场占有率”（2025年，50%以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-cba9b6488ef2", Kind::TargetNotCarried), // 提示 上位规划的目标““小(中)而精、精而专、专而强”的创新型企业产值”（未写年份，5000万元以上）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-a3f5cc63dfcd", Kind::TargetNotCarried), // 提示 上位规划的目标“创新型传感器及智能化仪器仪表产业集群”（未写年份，100亿元超过）在草案中没有对应目标，请确认是否需要分
            ("tg-521446846edf", Kind::TargetNotCarried), // 提示 上位规划的目标“行业龙头企业产值”（未写年份，10亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
        ],
    );
}

/// A city's AI plan (青岛 2024—2026) against the national 新一代人工智能发展规划.
/// Hand-checked: the six national totals (核心产业 1500/4000/10000亿元, 带动 1万/5万/10万亿元) have no
/// Qingdao counterpart: right as hints (a city carries a share, which it does not state). 智能制造 and
/// 智能机器人 (one finding: since the taxonomy's second sample both industries sit under 未来制造 and
/// 高端装备制造产业, the same set of master industries, so the two directions are one finding with a
/// new id — re-read, still right), 虚拟现实与增强现实 have no Qingdao industry: right. 智能软件 unmapped: right (taxonomy
/// gap). Both periods unstated: right.
#[test]
fn review_d05_qingdao_against_d16_national() {
    let Some(r) = run("dev/raw/d05_qingdao-ai-industry-2024-2026.txt", "dev/raw/d16_state-council-new-gen-ai-plan.txt")
    else {
        return;
    };
    expect(
        &r,
        &[
            ("dr-f6ec70db9c88", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“未来制造”“高端装备制造产业”（智能机器人、智能制造）在草案中没有对应产业，请确认是否需要部署。
            ("dr-7f3c7862dc0f", Kind::DirectionUnmapped), // 提示 草案产业“智能软件”未能对应到参考分类，无法判断是否属于上位规划的方向，请人工判断或补充分类映射。
            ("dr-9d258fa76a82", Kind::DirectionLeftOut), // 提示 上位规划的发展方向“数字创意产业”（虚拟现实与增强现实）在草案中没有对应产业，请确认是否需要部署。
            ("pd-1545ed541afc", Kind::PeriodUnknown), // 提示 草案和上位规划都未写明规划期（草案：未写明；上位规划：未写明），无法比较规划期。
            ("tg-03de54ec5eee", Kind::TargetNotCarried), // 提示 上位规划的目标“带动相关产业规模”（2020年，10000亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-855173963d5b", Kind::TargetNotCarried), // 提示 上位规划的目标“人工智能核心产业规模”（2020年，1500亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-af18c341a04e", Kind::TargetNotCarried), // 提示 上位规划的目标“带动相关产业规模”（2025年，50000亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-c3da55c755c5", Kind::TargetNotCarried), // 提示 上位规划的目标“人工智能核心产业规模”（2025年，4000亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-cc802b094cde", Kind::TargetNotCarried), // 提示 上位规划的目标“人工智能核心产业规模”（2030年，10000亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
            ("tg-d997a18ecc1c", Kind::TargetNotCarried), // 提示 上位规划的目标“带动相关产业规模”（2030年，100000亿元超过）在草案中没有对应目标，请确认是否需要分解落实。
        ],
    );
}

/// Seeds 000 (重庆), 002 (成都) and 004 (扬州) side by side. Hand-checked against the texts:
/// Yangzhou names no 6G, 大模型, 类脑, 量子, 卫星 or 空天 industry (人工智能 only as "人工智能+"
/// applications), so its seven gaps are right; Chongqing names no 未来网络 (right). Chongqing's
/// 关键战略材料 gap is debatable: 000 writes 二维碳材料 inside 前沿新材料's text, not as a segment.
/// Judged wrong and fixed: 重庆市 lacking 未来健康 and 扬州市 lacking 未来空间 (a direction's own row
/// is now held by a region with any node under it). The three plans share no target indicator, so
/// no targets row; 成都's 未来交通 and 前沿交叉融合新赛道 are unmapped (listed, not forced).
#[test]
fn compare_000_002_004() {
    let (Some(a), Some(b), Some(c)) = (
        load("seeds/000_a0a93dd32b1abd0b.txt"),
        load("seeds/002_4cca27728b721b79.txt"),
        load("seeds/004_bf2bef99f4f4b8ff.txt"),
    ) else {
        return;
    };
    let cmp = compare(&[(&a.0, "重庆市"), (&b.0, "成都市"), (&c.0, "扬州市")], &*Taxonomy::builtin());
    let gaps: Vec<(&str, &str)> = cmp.gaps.iter().map(|g| (g.region.as_str(), g.label.as_str())).collect();
    assert_eq!(
        gaps,
        vec![
            ("扬州市", "下一代移动通信"),
            ("扬州市", "大模型与通用人工智能"),
            ("扬州市", "类脑智能"),
            ("重庆市", "未来网络"),
            ("扬州市", "量子计算与光子计算"),
            ("扬州市", "量子信息"),
            ("扬州市", "卫星互联网"),
            ("重庆市", "关键战略材料"),
            ("扬州市", "空天装备"),
        ]
    );
    let all_three: Vec<&str> = cmp.overlaps.iter().filter(|o| o.regions.len() == 3).map(|o| o.label.as_str()).collect();
    for label in [
        "氢能",
        "核能",
        "新型储能",
        "合成生物",
        "细胞和基因技术",
        "元宇宙",
        "低空经济",
        "人形机器人",
        "前沿新材料",
        "先进计算",
    ] {
        assert!(all_three.contains(&label), "{label} is planned by all three: {all_three:?}");
    }
    // The same industry under different names meets in one row: 低空经济 / 飞行汽车、新一代无人机.
    let low = cmp.matrix.iter().find(|r| r.label == "低空经济").expect("低空经济 row");
    let names = |i: usize| low.cells[i].iter().map(|x| x.name.as_str()).collect::<Vec<_>>();
    assert!(names(0).contains(&"低空经济"));
    assert_eq!(names(1), vec!["飞行汽车", "新一代无人机"]);
    // Each cell item points at its sentence in its own plan.
    for row in &cmp.matrix {
        for (col, cell) in row.cells.iter().enumerate() {
            for item in cell {
                let (plan, text) = [&a, &b, &c][item.plan];
                assert_eq!(col, item.plan);
                assert!(item.span[1] <= text.len() && item.span[0] <= item.span[1], "{item:?}");
                assert!(plan.industries.iter().any(|i| i.span == item.span));
            }
        }
    }
    let unmapped: Vec<&str> = cmp.unmapped.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(unmapped, vec!["未来交通", "前沿交叉融合新赛道"]);
    assert!(cmp.targets.is_empty());
}

/// Targets side by side across all seed and development plans: the indicators two regions share
/// are found with values in one base unit.
#[test]
fn comparable_targets_across_the_corpus() {
    let mut plans = Vec::new();
    for dir in ["seeds", "dev/raw"] {
        let Ok(rd) = std::fs::read_dir(shared().join(dir)) else { return };
        let mut files: Vec<PathBuf> =
            rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
        files.sort();
        for f in files {
            let rel = format!("{dir}/{}", f.file_name().unwrap_or_default().to_string_lossy());
            plans.extend(load(&rel));
        }
    }
    let input: Vec<(&Plan, &str)> = plans.iter().map(|(p, _)| (p, p.meta.region.as_deref().unwrap_or("?"))).collect();
    let cmp = compare(&input, &*Taxonomy::builtin());
    for t in &cmp.targets {
        eprintln!(
            "{} [{}] {:?}",
            t.indicator,
            t.unit_class,
            t.values.iter().map(|v| v.iter().map(|x| x.base_value).collect::<Vec<_>>()).collect::<Vec<_>>()
        );
    }
    // Hand-checked rows: 新型研发机构 (重庆 300家 in 001 and 003; 济南 1000家 in d24) and
    // 智能制造系统解决方案供应商 (全国 150个 in d12, 济南 15个 in d23). A generic name
    // (占地区生产总值比重: Chongqing's R&D share against Jinan's digital-economy share; 产业规模 of
    // two different industries) made false rows before generic names were left out.
    let rows: Vec<&str> = cmp.targets.iter().map(|t| t.indicator.as_str()).collect();
    assert_eq!(rows, vec!["新型研发机构", "智能制造系统解决方案供应商"]);
    let r = &cmp.targets[0];
    assert_eq!(r.unit_class, "count");
    let cq = cmp.regions.iter().position(|x| x == "重庆市").expect("重庆市");
    assert!(r.values[cq].iter().all(|v| v.base_value == 300.0));
}

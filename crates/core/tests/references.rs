//! The references (plan family) of the real plans, checked by hand: the five seeds and the
//! development corpus (`../shared`). Each list was read against its sentences (see the
//! module docs of `extract::references` for the rules); a list that changes must be looked
//! at, not re-recorded.

use planwatch_core::{extract, Options, Plan};
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("PLANWATCH_NO_SEEDS").is_ok(),
        "{} is missing: this test needs ../shared beside the repository (set PLANWATCH_NO_SEEDS=1 to skip it knowingly)",
        p.display()
    );
    None
}

fn plan_of(path: &Path) -> Plan {
    let bytes = std::fs::read(path).unwrap();
    extract(&bytes, &path.file_name().unwrap().to_string_lossy(), &Options::default()).unwrap()
}

/// (title, relation, kind)
type Expected = (&'static str, &'static str, &'static str);

/// (file, references) as checked by hand.
const EXPECTED: &[(&str, &[Expected])] = &[
    ("seeds/000_a0a93dd32b1abd0b.txt", &[]),
    (
        "seeds/001_47939a72131e0a6e.txt",
        &[
            ("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "basis", "plan"),
            ("“十四五”国家战略性新兴产业发展规划", "basis", "plan"),
            ("成渝地区双城经济圈建设规划纲要", "basis", "plan"),
            ("重庆市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "basis", "plan"),
            ("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "mention", "plan"),
            ("成渝地区双城经济圈建设规划纲要", "mention", "plan"),
            ("支持制造业高质量发展若干政策措施", "mention", "plan"),
            ("支持科技创新若干财政金融政策", "mention", "plan"),
        ],
    ),
    ("seeds/002_4cca27728b721b79.txt", &[]),
    (
        "seeds/003_d7f53db3d6bb61e0.txt",
        &[
            ("重庆市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要", "basis", "plan"),
            ("重庆市科技创新促进条例", "mention", "law"),
            ("重庆市科学技术普及条例", "mention", "law"),
            ("重庆市实验动物管理办法", "mention", "plan"),
        ],
    ),
    (
        "seeds/004_bf2bef99f4f4b8ff.txt",
        &[
            ("工业和信息化部等七部门关于推动未来产业创新发展的实施意见", "basis", "plan"),
            ("省政府关于加快培育发展未来产业的指导意见", "basis", "plan"),
            ("省政府关于加快培育发展未来产业的指导意见", "mention", "plan"),
            ("扬州“一板块一产业链”产业人才“双招双引”工作推进方案", "mention", "plan"),
        ],
    ),
    (
        "dev/raw/d01_national-digital-economy-14th-fyp.txt",
        &[("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "basis", "plan")],
    ),
    ("dev/raw/d02_shanghai-food-tech-innovation-2026-2030.txt", &[]),
    ("dev/raw/d03_shanghai-proof-of-concept-platforms.txt", &[]),
    ("dev/raw/d04_yangpu-digital-innovation-zone.txt", &[]),
    ("dev/raw/d05_qingdao-ai-industry-2024-2026.txt", &[]),
    (
        "dev/raw/d06_qingdao-ai-pilot-zone.txt",
        &[
            ("济南-青岛人工智能创新应用先导区融合发展实施方案", "basis", "plan"),
            ("青岛市工业互联网三年攻坚实施方案(2020-2022年)", "basis", "plan"),
            ("青岛市超高清视频产业发展行动计划(2019-2022年)", "basis", "plan"),
            ("关于支持生物医药产业高质量发展若干政策措施的通知", "basis", "plan"),
        ],
    ),
    ("dev/raw/d07_shandong-intelligent-sensors-2021-2023.txt", &[]),
    (
        "dev/raw/d08_shandong-intelligent-manufacturing-2022-2025.txt",
        &[("“十四五”智能制造发展规划", "basis", "plan"), ("山东省“十四五”制造强省建设规划", "basis", "plan")],
    ),
    (
        "dev/raw/d09_miit-sensors-action-plan.txt",
        &[
            ("“十二五”国家战略性新兴产业发展规划", "basis", "plan"),
            ("工业转型升级规划(2011-2015年)", "basis", "plan"),
            ("国务院关于印发进一步鼓励软件产业和集成电路产业发展若干政策的通知", "basis", "plan"),
            ("关于印发<高新技术企业认定管理办法>的通知", "basis", "plan"),
        ],
    ),
    ("dev/raw/d10_intelligent-testing-equipment-action-plan.txt", &[("“十四五”智能制造发展规划", "basis", "plan")]),
    ("dev/raw/d11_mofcom-digital-commerce-3yr-plan.txt", &[]),
    (
        "dev/raw/d12_miit-smart-manufacturing-14th-fyp.txt",
        &[("中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要", "basis", "plan")],
    ),
    ("dev/raw/d13_shandong-manufacturing-innovation-3yr-plan.txt", &[("万名数字专员进企业工作方案", "basis", "plan")]),
    ("dev/raw/d14_shandong-next-gen-it-industry-2024-2025.txt", &[]),
    (
        "dev/raw/d15_miit-next-gen-ai-industry-3yr-plan.txt",
        &[("新一代人工智能发展规划", "basis", "plan"), ("制造业人才发展规划指南", "basis", "plan")],
    ),
    ("dev/raw/d16_state-council-new-gen-ai-plan.txt", &[]),
    ("dev/raw/d17_shandong-ten-major-projects.txt", &[]),
    ("dev/raw/d18_digital-shandong-2019.txt", &[("数字山东发展规划(2018-2022年)", "basis", "plan")]),
    ("dev/raw/d19_digital-shandong-2021.txt", &[("数字山东发展规划(2018—2022年)", "basis", "plan")]),
    ("dev/raw/d20_shandong-service-industry-digital.txt", &[]),
    ("dev/raw/d21_shandong-industrial-big-data.txt", &[("工业数据分类分级指南(试行)", "basis", "plan")]),
    ("dev/raw/d22_qingdao-marine-ai-model-cluster.txt", &[]),
    ("dev/raw/d23_jinan-digital-development.txt", &[]),
    ("dev/raw/d24_jinan-science-innovation-measures.txt", &[]),
    ("dev/raw/d25_national-big-data-center-system.txt", &[]),
];

#[test]
fn the_references_of_every_seed_and_dev_plan_are_the_checked_ones() {
    let Some(root) = shared() else { return };
    let source = |p: &Path| planwatch_core::read::read(&std::fs::read(p).unwrap(), &Default::default()).unwrap().text;
    for (file, expected) in EXPECTED {
        let path = root.join(file);
        let plan = plan_of(&path);
        let got: Vec<(&str, &str, &str)> =
            plan.references.iter().map(|r| (r.title.as_str(), r.relation.as_str(), r.kind.as_str())).collect();
        assert_eq!(&got, expected, "{file}");
        // Every span is the 《…》 of the source text and lies inside its sentence.
        let text = source(&path);
        for r in &plan.references {
            let written = &text[r.span[0]..r.span[1]];
            assert!(written.starts_with('《') && written.ends_with('》'), "{file}: {written}");
            assert!(r.sentence[0] <= r.span[0] && r.span[1] <= r.sentence[1], "{file}: {r:?}");
        }
    }
}

use super::*;

fn t() -> Arc<Taxonomy> {
    Taxonomy::builtin()
}

fn node_of(name: &str, scheme: &str) -> Option<(String, Method)> {
    t().map_in(Some(scheme), name).map(|m| (m.node, m.method))
}

#[test]
fn builtin_schemes_load_with_their_directions() {
    let t = t();
    let ids: Vec<&str> = t.schemes().iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["future", "sei2018"]);
    let dirs: Vec<&str> = t.roots("future").iter().map(|n| n.name.as_str()).collect();
    assert_eq!(dirs, ["未来制造", "未来信息", "未来材料", "未来能源", "未来空间", "未来健康"]);
    let sei: Vec<&str> = t.roots("sei2018").iter().map(|n| n.name.as_str()).collect();
    assert_eq!(sei.len(), 9);
    assert_eq!(sei[0], "新一代信息技术产业");
    assert_eq!(sei[8], "相关服务业");
    assert_eq!(t.children("sei.9").len(), 2);
    assert_eq!(t.version(), "future@2024.1+sei2018@2018");
    let six_g = t.node("fut.info.6g").unwrap();
    assert_eq!(six_g.level, 2);
    assert_eq!(t.top("fut.info.6g").unwrap().name, "未来信息");
    assert_eq!(t.top("fut.info").unwrap().id, "fut.info");
    assert_eq!(t.ancestors("fut.info.6g").iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["fut.info"]);
    assert!(t.ancestors("fut.info").is_empty());
    assert!(t.node("nope").is_none() && t.children("nope").is_empty() && t.top("nope").is_none());
}

#[test]
fn names_map_by_dictionary_and_synonyms() {
    assert_eq!(node_of("智能制造", "future"), Some(("fut.mfg.smart".into(), Method::Exact)));
    // The same industry under different names in Chongqing and Chengdu.
    for name in ["低空经济", "飞行汽车", "新一代无人机", "eVTOL", "ｅＶＴＯＬ"] {
        assert_eq!(node_of(name, "future").map(|m| m.0).as_deref(), Some("fut.space.lowalt"), "{name}");
    }
    assert_eq!(node_of("脑机接口及脑科学", "future"), Some(("fut.health.bci".into(), Method::Synonym)));
    assert_eq!(node_of("脑科学与类脑智能", "future"), Some(("fut.info.brainlike".into(), Method::Synonym)));
    assert_eq!(node_of("6G", "future"), Some(("fut.info.6g".into(), Method::Synonym)));
    // A generic suffix either way.
    assert_eq!(node_of("氢能产业", "future"), Some(("fut.energy.hydrogen".into(), Method::Synonym)));
    assert_eq!(node_of("新一代信息技术", "sei2018"), Some(("sei.1".into(), Method::Synonym)));
    assert_eq!(node_of("新能源汽车产业", "sei2018"), Some(("sei.5".into(), Method::Exact)));
    let m = t().map("人形机器人").unwrap();
    assert_eq!((m.node.as_str(), m.score), ("fut.mfg.humanoid", 1.0));
}

#[test]
fn similarity_maps_near_names_above_the_threshold_only() {
    let t = t();
    let m = t.map_in(Some("future"), "智能传感器").unwrap();
    assert_eq!((m.node.as_str(), m.method), ("fut.mfg.smart", Method::Similar));
    assert!(m.score >= THRESHOLD && m.score < 0.9, "{m:?}");
    // A joined name maps by its best part, scored down.
    let m = t.map_in(Some("future"), "氢能核能及新型储能").unwrap();
    assert_eq!(m.method, Method::Similar);
    assert!(m.score < 0.95);
    // The head is last: 新能源汽车 is not a kind of 新能源 (未来能源).
    assert_eq!(t.map_in(Some("future"), "新能源汽车"), None);
    // Nor is 燃料电池汽车 a kind of 燃料电池, and the first part of a joined name shares the
    // head of the last one (新能源汽车 and 智能网联汽车).
    assert_eq!(t.map_in(Some("future"), "燃料电池汽车"), None);
    assert_eq!(t.map_in(Some("future"), "新能源及智能网联汽车"), None);
    assert_eq!(t.map_in(Some("sei2018"), "新能源及智能网联汽车").unwrap().node, "sei.5");
    // Sharing a word is not enough.
    assert_eq!(t.map_in(Some("future"), "未来交通"), None);
    assert_eq!(t.map_in(Some("future"), "智能网联汽车"), None);
}

#[test]
fn unmapped_names_are_kept_as_such() {
    let names = ["卫星互联网", "前沿交叉融合新赛道", "", "现代物流", &"很长".repeat(200)];
    let out = t().map_all(Some("future"), &names);
    assert_eq!(out.len(), names.len());
    assert_eq!(out[0].mapping.as_ref().unwrap().node, "fut.info.satnet");
    for m in &out[1..] {
        assert!(m.mapping.is_none(), "{m:?}");
    }
    assert_eq!(out[1].name, "前沿交叉融合新赛道");
}

#[test]
fn a_user_file_adds_synonyms_nodes_and_a_city_scheme() {
    let dir = std::env::temp_dir().join(format!("planwatch-taxonomy-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("taxonomy")).unwrap();
    std::fs::write(
        dir.join("taxonomy/city.toml"),
        r#"
[[extend]]
node = "fut.space.lowalt"
synonyms = ["低空智联"]

[scheme]
id = "cq"
name = "重庆市“33618”现代制造业集群体系"
version = "2023"
source = "示例"

[[node]]
id = "cq.smart-car"
name = "智能网联新能源汽车"
synonyms = ["新能源汽车"]
"#,
    )
    .unwrap();
    let t = Taxonomy::load(&[&dir]).unwrap();
    assert_eq!(t.schemes().len(), 3);
    assert_eq!(t.map_in(Some("future"), "低空智联").unwrap().node, "fut.space.lowalt");
    assert_eq!(t.map_in(Some("cq"), "新能源汽车").unwrap().node, "cq.smart-car");
    assert_eq!(t.node("cq.smart-car").unwrap().level, 1);
    // Without the directory nothing changed.
    assert!(Taxonomy::builtin().map_in(Some("future"), "低空智联").is_none());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_data_files_are_refused_naming_file_line_and_field() {
    let err = |text: &str| Taxonomy::from_texts(&[("city.toml", text)]).unwrap_err();
    let head = "[scheme]\nid = \"c\"\nname = \"城市\"\nversion = \"1\"\n";
    let e = err(&format!("{head}\n[[node]]\nid = \"c.a\"\nname = \"甲\"\nparent = \"c.x\"\n"));
    assert_eq!((e.file.as_str(), e.line, e.field.as_str()), ("city.toml", 9, "parent"), "{e}");
    assert!(e.to_string().contains("c.x"), "{e}");
    let e = err(&format!("{head}\n[[node]]\nid = \"c.a\"\n"));
    assert_eq!(e.field, "name", "{e}");
    assert_eq!(e.line, 6, "{e}");
    let e = err(&format!("{head}\n[[node]]\nid = \"c.a\"\nname = \"甲\"\ncolour = 1\n"));
    assert_eq!((e.line, e.field.as_str()), (9, "colour"), "{e}");
    let e = err(&format!("{head}\n[[node]]\nid = \"城市甲\"\nname = \"甲\"\n"));
    assert_eq!((e.line, e.field.as_str()), (7, "id"), "{e}");
    let e = err("[[node]]\nid = \"c.a\"\nname = \"甲\"\n");
    assert_eq!(e.field, "scheme", "{e}");
    let e = err(&format!("{head}[[node]]\nid = \"c.a\"\nname = \"{}\"\n", "长".repeat(101)));
    assert_eq!((e.line, e.field.as_str()), (7, "name"), "{e}");
    let e = err(&format!("{head}[[node]]\nid = \"c.a\"\nname = \"甲\"\n[[node]]\nid = \"c.a\"\nname = \"乙\"\n"));
    assert_eq!((e.line, e.field.as_str()), (9, "id"), "{e}");
    let e = err("[[extend]]\nnode = \"fut.nope\"\nsynonyms = [\"x\"]\n");
    assert_eq!((e.line, e.field.as_str()), (2, "node"), "{e}");
    let e = err(&format!("{head}[[node]]\nid = \"c.a\"\nname = \"甲\"\nparent = \"c.b\"\n[[node]]\nid = \"c.b\"\nname = \"乙\"\nparent = \"c.a\"\n"));
    assert_eq!(e.field, "parent", "{e}");
    assert!(e.message.contains("cycle"), "{e}");
}

#[test]
fn data_counts_are_what_the_files_hold() {
    let t = t();
    let future = t.nodes().iter().filter(|n| n.scheme == "future").count();
    let sei = t.nodes().iter().filter(|n| n.scheme == "sei2018").count();
    assert_eq!(sei, 9 + 40);
    assert!(future >= 6 + 40, "{future}");
    assert!(t.synonym_count() > 400, "{}", t.synonym_count());
    // Every node id is unique and every segment's parent is a direction of its scheme.
    for n in t.nodes() {
        if let Some(p) = &n.parent {
            assert_eq!(t.node(p).unwrap().scheme, n.scheme);
        }
    }
}

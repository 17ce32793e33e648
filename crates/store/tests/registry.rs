//! Registries end to end (issue 17): hostile sheets are refused whole with every bad row
//! listed and the store unchanged (byte for byte on SQLite, row for row on PostgreSQL);
//! district editors write their own district only; import, approve, publish, the second
//! batch's diff; counts by quarter from the tier history for an indicator binding.

use planwatch_monitor::{Frequency, Period};
use planwatch_registry::credit;
use planwatch_store::monitor::NewIndicator;
use planwatch_store::registry::{
    EntryStatus, RegistryEntry, RegistryFilter, RegistryImportError, RegistryImportOptions, RegistrySort, SortColumn,
};
use planwatch_store::testing::{analyst, district_editor, example, TempStore};
use planwatch_store::{Actor, AuditFilter, Role, Store, StoreError, StoreOptions};

const REGION: &str = "绵阳市";

fn op() -> Actor {
    Actor::operator("test")
}

fn editor(place: &str) -> Actor {
    district_editor(REGION, place)
}

/// A store with the 绵阳 plan (its industries: 商业航天, 具身智能, 低空经济, …).
fn setup(t: &TempStore) -> Store {
    let store = t.open(StoreOptions::default()).unwrap();
    store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap();
    let industries = store.region_industries(REGION).unwrap();
    assert!(industries.iter().any(|i| i == "商业航天"), "{industries:?}");
    store
}

fn code(n: u32) -> String {
    credit::complete(&format!("91510703MA{n:07}")).unwrap()
}

fn import(
    store: &Store,
    actor: &Actor,
    csv: &str,
) -> Result<planwatch_store::registry::RegistryImportReport, RegistryImportError> {
    store.import_registry("enterprise", REGION, "企业.csv", csv.as_bytes(), &RegistryImportOptions::default(), actor)
}

fn fingerprint(store: &Store) -> String {
    planwatch_store::testing::fingerprint(store).unwrap()
}

/// The quarterly indicator MY-ZJTX (专精特新企业数, 家) of the region, for bindings.
fn add_count_indicator(store: &Store) {
    let ind = NewIndicator {
        code: "MY-ZJTX".into(),
        name: "专精特新企业数".into(),
        unit: "家".into(),
        frequency: Some(Frequency::Quarter),
        region: REGION.into(),
        ..Default::default()
    };
    store.add_indicator(&op(), &ind).unwrap();
}

const HEADER: &str = "企业名称,统一社会信用代码,所在区县,产业领域,成立日期,入库日期,梯度层级,层级认定日期\n";

#[test]
fn hostile_sheets_are_refused_whole_with_every_row_listed_and_nothing_stored() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    import(&store, &op(), &format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,2024-01-10,入库,2024-01-10\n", code(1)))
        .unwrap();
    let before = fingerprint(&store);
    let mut wrong = code(2);
    let last = wrong.pop().unwrap();
    wrong.push(if last == '1' { '2' } else { '1' });
    // (what, sheet, the problems expected: row, column, part of the reason)
    type Case = (&'static str, String, Vec<(usize, &'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        (
            "wrong check character",
            format!("{HEADER}乙,{wrong},涪城区,,,,,\n"),
            vec![(2, "统一社会信用代码", "校验位错误")],
        ),
        (
            "unknown district (another city's)",
            format!("{HEADER}乙,{},渝北区,,,,,\n丙,{},涪城,,,,,\n", code(2), code(3)),
            vec![(2, "所在区县", "不是绵阳市的区县")],
        ),
        ("unknown industry", format!("{HEADER}乙,{},游仙区,元宇宙,,,,\n", code(2)), vec![(2, "产业领域", "未知产业")]),
        (
            "duplicate key",
            format!("{HEADER}乙,{},游仙区,,,,,\n乙二,{},游仙区,,,,,\n", code(2), code(2).to_lowercase()),
            vec![(3, "统一社会信用代码", "与第 2 行重复")],
        ),
        (
            "tier date before establishment",
            format!("{HEADER}乙,{},游仙区,低空经济,2020-06-01,2021-01-01,专精特新中小企业,2019-12-31\n", code(2)),
            vec![(2, "层级认定日期", "早于成立日期")],
        ),
        (
            "all of them at once",
            format!("{HEADER}乙,{wrong},渝北区,元宇宙,2020-06-01,,瞪羚,2019-12-31\n丙,{},游仙区,,,,,\n", code(3)),
            vec![
                (2, "统一社会信用代码", "校验位错误"),
                (2, "所在区县", "不是绵阳市的区县"),
                (2, "产业领域", "未知产业"),
                (2, "层级认定日期", "早于成立日期"),
            ],
        ),
    ];
    for (what, csv, want) in cases {
        let err = import(&store, &op(), &csv).unwrap_err();
        let RegistryImportError::Refused { validation, .. } = &err else { panic!("{what}: {err}") };
        let got: Vec<(usize, &str, String)> =
            validation.problems.shown().iter().map(|p| (p.row, p.column, p.reason.clone())).collect();
        assert_eq!(got.len(), want.len(), "{what}: {got:?}");
        for ((row, col, reason), (wr, wc, wreason)) in got.iter().zip(&want) {
            assert!(row == wr && col == wc && reason.contains(wreason), "{what}: {got:?}");
        }
        assert!(validation.problems.shown().iter().all(|p| !p.fix.is_empty()), "{what}");
        assert_eq!(fingerprint(&store), before, "{what}: the store changed");
    }
    // A dry run of a good file stores nothing either, and says what it would do.
    let csv = format!("{HEADER}乙,{},游仙区,具身智能,,,,\n", code(2));
    let r = store
        .import_registry(
            "enterprise",
            REGION,
            "企业.csv",
            csv.as_bytes(),
            &RegistryImportOptions { dry_run: true, synthetic: false },
            &op(),
        )
        .unwrap();
    assert_eq!((r.inserted, r.import_id), (1, None));
    assert_eq!(fingerprint(&store), before);
    // Unknown kinds and regions are refused by name.
    let err = store
        .import_registry("nope", REGION, "x.csv", csv.as_bytes(), &RegistryImportOptions::default(), &op())
        .unwrap_err();
    assert!(err.to_string().contains("名录类型“nope”"), "{err}");
    let err = store
        .import_registry("enterprise", "涪城区", "x.csv", csv.as_bytes(), &RegistryImportOptions::default(), &op())
        .unwrap_err();
    assert!(err.to_string().contains("不是地市或省份"), "{err}");
}

#[test]
fn a_district_editor_writes_and_submits_its_own_district_only() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    let fc = editor("涪城区");
    let before = fingerprint(&store);
    // A row of another district: the whole file refused, that row listed, nothing stored.
    let csv = format!("{HEADER}甲,{},涪城区,,,,,\n乙,{},游仙区,,,,,\n丙,{},游仙,,,,,\n", code(1), code(2), code(3));
    let err = import(&store, &fc, &csv).unwrap_err();
    let RegistryImportError::Forbidden { rows, .. } = &err else { panic!("{err}") };
    assert_eq!(rows.shown().iter().map(|p| p.row).collect::<Vec<_>>(), [3, 4]);
    assert!(rows.shown()[0].reason.contains("无权填报绵阳市游仙区的名录条目"), "{:?}", rows.shown()[0]);
    assert_eq!(fingerprint(&store), before);
    // Wrong roles and scopes: a department editor, an editor of another city, one without a unit.
    let dept = Actor { role: Role::DepartmentEditor, department: "市科技局".into(), region: REGION.into(), ..op() };
    let cq = Actor { region: "重庆市".into(), place: "渝北区".into(), ..editor("渝北区") };
    let none = Actor { place: String::new(), ..editor("") };
    let own = format!("{HEADER}甲,{},涪城区,,,,,\n", code(1));
    for who in [&dept, &cq, &none] {
        assert!(matches!(import(&store, who, &own), Err(RegistryImportError::Forbidden { .. })), "{}", who.scope());
    }
    assert_eq!(fingerprint(&store), before);
    // Its own district: stored as draft; it submits, but may not approve or publish.
    let r = import(&store, &fc, &own).unwrap();
    assert_eq!(r.inserted, 1);
    assert!(matches!(store.approve_registry(&fc, "enterprise", REGION, &[]), Err(StoreError::Forbidden(_))));
    assert!(matches!(store.publish_registry_batch(&fc, "enterprise", REGION), Err(StoreError::Forbidden(_))));
    // The analyst's row of 游仙区: the 涪城 editor cannot submit it, nor move it to its district.
    import(&store, &analyst(), &format!("{HEADER}乙,{},游仙区,,,,,\n", code(2))).unwrap();
    let err = store.submit_registry(&fc, "enterprise", REGION, &[code(2)]).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
    let moved = import(&store, &fc, &format!("{HEADER}乙,{},涪城区,,,,,\n", code(2))).unwrap_err();
    assert!(matches!(moved, RegistryImportError::Forbidden { .. }), "{moved}");
    // Submitting all it may: its own entry only.
    assert_eq!(store.submit_registry(&fc, "enterprise", REGION, &[]).unwrap(), 1);
    let page = store
        .registry_entries(
            "enterprise",
            &RegistryFilter { region: REGION.into(), status: Some(EntryStatus::Submitted), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page.entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), [code(1)]);
}

#[test]
fn import_approve_publish_and_the_second_batch_diff() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    let a = analyst();
    let csv = format!(
        "{HEADER}甲,{},涪城区,商业航天,2018-01-01,2024-01-10,入库,2024-01-10\n\
         乙,{},游仙区,具身智能,2019-01-01,2024-02-10,高新技术企业,2024-02-10\n\
         丙,{},江油,低空经济,2019-01-01,2024-03-10,入库,2024-03-10\n",
        code(1),
        code(2),
        code(3)
    );
    let r = import(&store, &a, &csv).unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (3, 0, 0));
    // The same file again changes nothing and leaves no import.
    let r = import(&store, &a, &csv).unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged, r.import_id), (0, 0, 3, None));
    assert_eq!(store.approve_registry(&a, "enterprise", REGION, &[]).unwrap(), 3);
    let b1 = store.publish_registry_batch(&a, "enterprise", REGION).unwrap();
    assert_eq!((b1.number, b1.members, b1.diff.added.len()), (1, 3, 3));
    // Nothing changed: no second batch.
    let err = store.publish_registry_batch(&a, "enterprise", REGION).unwrap_err();
    assert!(err.to_string().contains("与第1批相比没有变化"), "{err}");
    // 甲 promoted (a sheet with only the columns it changes), 乙 changed and left unapproved,
    // 丁 new.
    let promote = format!(
        "统一社会信用代码,企业名称,所在区县,梯度层级,层级认定日期\n{},甲,涪城区,专精特新中小企业,2025-04-01\n",
        code(1)
    );
    assert_eq!(import(&store, &a, &promote).unwrap().updated, 1);
    import(
        &store,
        &a,
        &format!("企业名称,统一社会信用代码,所在区县\n乙(更名),{},游仙区\n丁,{},安州区\n", code(2), code(4)),
    )
    .unwrap();
    store.approve_registry(&a, "enterprise", REGION, &[code(1), code(4)]).unwrap();
    let b2 = store.publish_registry_batch(&a, "enterprise", REGION).unwrap();
    assert_eq!(b2.number, 2);
    assert_eq!(b2.diff.added, [code(4)]);
    assert_eq!(b2.diff.removed, [code(2)]);
    assert_eq!(b2.diff.changed.len(), 1);
    let fields: Vec<&str> = b2.diff.changed[0].changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["tier", "tier_date"]);
    assert_eq!(store.registry_batches("enterprise", REGION).unwrap().len(), 2);
    // An entry counts from its 入库日期, kept when a sheet without that column changes it; one
    // without counts from the day it was first approved.
    let since = |k: &str| store.registry_entry("enterprise", REGION, k).unwrap().unwrap().entry.since;
    assert_eq!(since(&code(2)).as_deref(), Some("2024-02-10"));
    assert_eq!(since(&code(4)).map(|s| s.len()), Some(10));
    // The entry's history, tier history and batches; the audit log has old and new values.
    let d = store.registry_entry("enterprise", REGION, &code(1)).unwrap().unwrap();
    assert_eq!(d.entry.status, EntryStatus::Approved);
    assert_eq!(d.entry.fields["established"], "2018-01-01", "columns the sheet lacked are kept");
    assert_eq!(
        d.tiers.iter().map(|t| (t.tier.as_str(), t.gained.as_str())).collect::<Vec<_>>(),
        [("入库", "2024-01-10"), ("专精特新中小企业", "2025-04-01")]
    );
    assert_eq!(d.batches, [1, 2]);
    assert!(d.history.iter().any(|h| h.old.as_ref().is_some_and(|o| o["tier"] == "入库")), "{:?}", d.history);
    let (log, _) =
        store.audit_log(&op(), &AuditFilter { action: "registry.update".into(), ..Default::default() }, 50, 0).unwrap();
    let entry = log.iter().find(|e| e.object.ends_with(&code(1))).expect("audited");
    assert!(entry.old_value.as_deref().unwrap().contains("入库"), "{entry:?}");
    assert!(entry.new_value.as_deref().unwrap().contains("专精特新中小企业"), "{entry:?}");
    for action in ["registry.import", "registry.approve", "registry.publish"] {
        let (log, _) =
            store.audit_log(&op(), &AuditFilter { action: action.into(), ..Default::default() }, 5, 0).unwrap();
        assert!(!log.is_empty(), "{action}");
    }
    // Lists: filters, batch membership, pages and facets.
    let f = |f: RegistryFilter| {
        store.registry_entries("enterprise", &RegistryFilter { region: REGION.into(), ..f }).unwrap()
    };
    assert_eq!(f(RegistryFilter { place: "涪城".into(), ..Default::default() }).total, 1);
    assert_eq!(f(RegistryFilter { batch: Some(1), ..Default::default() }).total, 3);
    assert_eq!(f(RegistryFilter { batch: Some(2), ..Default::default() }).total, 3);
    assert_eq!(f(RegistryFilter { tier: "专精特新中小企业".into(), ..Default::default() }).total, 1);
    let page = f(RegistryFilter { limit: 2, offset: 2, ..Default::default() });
    assert_eq!((page.total, page.entries.len()), (4, 2));
    let facets =
        store.registry_facets("enterprise", &RegistryFilter { region: REGION.into(), ..Default::default() }).unwrap();
    assert_eq!(facets.total, 4);
    assert!(facets.by_status.contains(&("draft".into(), 1)), "{facets:?}");
}

#[test]
fn counts_by_quarter_follow_the_tier_history_for_a_bound_indicator() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    let a = analyst();
    add_count_indicator(&store);
    import(
        &store,
        &a,
        &format!(
            "{HEADER}甲,{},涪城区,,2018-01-01,2024-01-10,专精特新中小企业,2025-02-01\n\
             乙,{},涪城区,,2018-01-01,2024-01-10,入库,2024-01-10\n\
             丙,{},游仙区,,2018-01-01,2024-01-10,专精特新\"小巨人\",2025-05-20\n",
            code(1),
            code(2),
            code(3)
        ),
    )
    .unwrap();
    // 乙 promoted in Q3.
    import(
        &store,
        &a,
        &format!(
            "统一社会信用代码,企业名称,所在区县,梯度层级,层级认定日期\n{},乙,涪城区,专精特新中小企业,2025-08-08\n",
            code(2)
        ),
    )
    .unwrap();
    // Binding needs DefineIndicator: a district editor may not.
    let err = store.bind_registry(&editor("涪城区"), "MY-ZJTX", "enterprise", &["tier=专精特新中小企业".into()]);
    assert!(matches!(err, Err(StoreError::Forbidden(_))));
    assert!(store.bind_registry(&a, "MY-ZJTX", "enterprise", &["梯度层级=不存在".into()]).is_err());
    let b = store.bind_registry(&a, "MY-ZJTX", "enterprise", &["梯度层级=专精特新中小企业".into()]).unwrap();
    let periods: Vec<Period> = ["2025Q1", "2025Q2", "2025Q3"].iter().map(|p| Period::parse(p).unwrap()).collect();
    // Nothing approved: nothing counts.
    assert!(store.registry_counts(&b, &periods).unwrap().iter().all(|c| c.count == 0));
    store.approve_registry(&a, "enterprise", REGION, &[]).unwrap();
    let counts = store.registry_counts(&b, &periods).unwrap();
    let got = |place: &str| -> Vec<i64> { counts.iter().filter(|c| c.place == place).map(|c| c.count).collect() };
    assert_eq!(got("涪城区"), [1, 1, 2]);
    assert_eq!(got("游仙区"), [0, 1, 1]);
    assert_eq!(got(REGION), [1, 2, 3]);
    let adhoc = store.registry_counts_for("enterprise", REGION, &["tier=专精特新中小企业".into()], &periods).unwrap();
    assert_eq!(adhoc, counts);
    let funnel = store.registry_funnel("enterprise", REGION, Some("涪城"), &periods).unwrap();
    // 涪城区: 甲 entered at 专精特新 in Q1, 乙 (入库 since 2024) promoted in Q3.
    assert_eq!(funnel.iter().map(|f| (f.entered, f.promoted)).collect::<Vec<_>>(), [(1, 0), (0, 0), (0, 1)]);
    assert_eq!(funnel[2].at_rung, [0, 0, 2, 0, 0, 0]);
    let all = store.all_registry_counts(&periods).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].1, counts);
}

/// The synthetic registry loads through the ordinary calls: ~300 enterprises with tier
/// histories, scenarios, demands, resources from the plan's platforms (linked to their
/// sentence), batch 1 and a batch 2 with changes; a second run changes nothing.
#[test]
fn the_synthetic_registry_loads_with_two_batches_and_linked_platforms() {
    let t = TempStore::new().unwrap();
    let store = t.open(StoreOptions::default()).unwrap();
    store.ingest_bytes(&op(), "suzhou.docx", example("suzhou-emerging-industries.docx")).unwrap();
    let q = Period::parse("2026Q3").unwrap();
    assert!(matches!(store.load_registry_sample(&editor("涪城区"), "苏州市", 1, q), Err(StoreError::Forbidden(_))));
    let r = store.load_registry_sample(&op(), "苏州市", 1, q).unwrap();
    let count = |k: &str| r.entries.iter().find(|(kind, _)| kind == k).map(|(_, n)| *n).unwrap_or(0);
    assert_eq!(count("enterprise"), 300);
    assert_eq!((count("scenario"), count("tech_demand"), count("resource")), (40, 30, 40));
    assert!(r.batches.contains(&("enterprise".into(), 1)) && r.batches.contains(&("enterprise".into(), 2)), "{r:?}");
    assert!(r.links >= 3, "{r:?}");
    let b = store.registry_batches("enterprise", "苏州市").unwrap();
    assert!(!b[1].diff.changed.is_empty() || !b[1].diff.added.is_empty(), "{:?}", b[1].diff);
    let platform = store
        .registry_entry("resource", "苏州市", "长三角先进封装技术创新中心")
        .unwrap()
        .expect("seeded from the plan's platforms");
    assert_eq!(platform.links.len(), 1);
    assert!(platform.entry.fields["source"].as_str().unwrap().contains("长三角先进封装技术创新中心"));
    assert!(platform.entry.synthetic);
    let funnel =
        store.registry_facets("enterprise", &RegistryFilter { region: "苏州市".into(), ..Default::default() }).unwrap();
    assert!(funnel.by_tier.len() >= 4, "{:?}", funnel.by_tier);
    let again = store.load_registry_sample(&op(), "苏州市", 1, q).unwrap();
    assert!(again.batches.is_empty(), "{again:?}");
}

/// The counts of a bound indicator are written as its values (an ordinary import named after
/// the registry) when entries are approved: every district gets a value (0 without entries),
/// none is flagged 待核实, and a cell the approval workflow locked is left as it was.
#[test]
fn approved_entries_become_the_bound_indicators_values_and_locked_cells_are_kept() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    let a = analyst();
    add_count_indicator(&store);
    store.bind_registry(&a, "MY-ZJTX", "enterprise", &["梯度层级=专精特新中小企业".into()]).unwrap();
    import(
        &store,
        &a,
        &format!(
            "{HEADER}甲,{},涪城区,,2018-01-01,2024-01-10,专精特新中小企业,2025-02-01\n\
             乙,{},游仙区,,2018-01-01,2024-01-10,专精特新中小企业,2025-05-20\n",
            code(1),
            code(2)
        ),
    )
    .unwrap();
    let id = store.indicator("MY-ZJTX").unwrap().unwrap().id;
    // Nothing approved yet: no values.
    assert!(store.observations(&[id]).unwrap().is_empty());
    store.approve_registry(&a, "enterprise", REGION, &[]).unwrap();
    let obs = store.observations(&[id]).unwrap();
    let value = |place: &str, period: &str| {
        let p = Period::parse(period).unwrap();
        obs.iter().find(|o| o.place == place && o.period == p).map(|o| o.value)
    };
    assert_eq!(value("涪城区", "2025Q1"), Some(1.0));
    assert_eq!(value("游仙区", "2025Q1"), Some(0.0));
    assert_eq!(value("游仙区", "2025Q2"), Some(1.0));
    // A district without entries has 0, not nothing; the city sums its districts itself.
    assert_eq!(value("江油市", "2025Q2"), Some(0.0));
    assert_eq!(value(REGION, "2025Q2"), None);
    assert!(obs.iter().all(|o| o.outlier.is_none()), "a count is never flagged 待核实");
    let counted = store.imports(5).unwrap().into_iter().find(|i| i.file_name.starts_with("名录_企业")).unwrap();
    assert!(counted.file_name.contains("梯度层级=专精特新中小企业"), "{}", counted.file_name);
    // The newest value is of the last complete quarter, never of the current one.
    let newest = obs.iter().map(|o| o.period).max_by_key(|p| p.ordinal()).unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    let current = Period::Month(today.year(), today.month() as u8).as_frequency(Frequency::Quarter);
    assert_eq!(newest, current.prev());

    // 涪城区's newest quarter is submitted (locked); a third enterprise recognised in 2025Q1
    // changes its counts from then on: the open quarters follow, the locked one is kept.
    store.approval_step(&op(), REGION, "涪城区", newest, planwatch_store::ApprovalStep::Submit, "").unwrap();
    import(&store, &a, &format!("{HEADER}丙,{},涪城区,,2018-01-01,2024-01-10,专精特新中小企业,2025-03-01\n", code(3)))
        .unwrap();
    store.approve_registry(&a, "enterprise", REGION, &[]).unwrap();
    let obs = store.observations(&[id]).unwrap();
    let value =
        |place: &str, period: Period| obs.iter().find(|o| o.place == place && o.period == period).map(|o| o.value);
    assert_eq!(value("涪城区", Period::parse("2025Q1").unwrap()), Some(2.0));
    assert_eq!(value("涪城区", newest.prev()), Some(2.0));
    assert_eq!(value("涪城区", newest), Some(1.0), "the submitted cell keeps its value");
    let refreshed = store.refresh_registry_values(&a, REGION, None).unwrap();
    assert_eq!(refreshed.len(), 1);
    assert_eq!((refreshed[0].written, refreshed[0].locked), (0, 1));
}

/// The list is built from the filters given, ordered by an index and counted from the kept
/// counts: for every combination of filters, every sort and page size, the pages, the total
/// and the counts per value equal a naive filter over all entries, after imports, changes
/// (back to draft), submissions, approvals and a published batch.
#[test]
fn the_filtered_list_and_its_counts_equal_a_naive_filter_for_every_combination() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    let a = analyst();
    let places = ["涪城区", "游仙区", "江油市"];
    let industries = ["商业航天", "具身智能", "低空经济", ""];
    let tiers = ["入库", "高新技术企业", "瞪羚"];
    let row = |i: u32, industry: &str| {
        format!(
            "企业{i},{},{},{industry},2018-01-01,2024-01-10,{},2024-01-10\n",
            code(100 + i),
            places[i as usize % 3],
            tiers[(i as usize / 2) % 3]
        )
    };
    let sheet = |range: std::ops::Range<u32>| {
        let mut csv = HEADER.to_string();
        for i in range {
            csv.push_str(&row(i, industries[i as usize % 4]));
        }
        csv
    };
    let keys = |range: std::ops::Range<u32>| range.map(|i| code(100 + i)).collect::<Vec<_>>();
    import(&store, &a, &sheet(0..36)).unwrap();
    assert_eq!(store.approve_registry(&a, "enterprise", REGION, &keys(0..24)).unwrap(), 24);
    assert_eq!(store.submit_registry(&a, "enterprise", REGION, &keys(24..30)).unwrap(), 6);
    store.publish_registry_batch(&a, "enterprise", REGION).unwrap();
    // Four approved entries change industry (back to draft), twelve are new; one is approved
    // again.
    let mut csv = HEADER.to_string();
    for i in 0..4 {
        csv.push_str(&row(i, "低空经济"));
    }
    csv.push_str(&sheet(36..48)[HEADER.len()..]);
    import(&store, &a, &csv).unwrap();
    store.approve_registry(&a, "enterprise", REGION, &keys(0..1)).unwrap();

    let all = store
        .registry_entries("enterprise", &RegistryFilter { region: REGION.into(), limit: 500, ..Default::default() })
        .unwrap();
    assert_eq!(all.total, 48);
    let mut got: Vec<&str> = all.entries.iter().map(|e| e.key.as_str()).collect();
    got.sort_unstable();
    let mut want = keys(0..48);
    want.sort_unstable();
    assert_eq!(got, want);
    let in_batch: Vec<(String, Vec<i64>)> = all
        .entries
        .iter()
        .map(|e| (e.key.clone(), store.registry_entry("enterprise", REGION, &e.key).unwrap().unwrap().batches))
        .collect();
    let batches = |e: &RegistryEntry| &in_batch.iter().find(|(k, _)| *k == e.key).unwrap().1;
    assert_eq!(all.entries.iter().filter(|e| batches(e).contains(&1)).count(), 24);

    let sorts = [
        RegistrySort::default(),
        RegistrySort { column: SortColumn::Place, descending: true },
        RegistrySort { column: SortColumn::Key, descending: false },
        RegistrySort { column: SortColumn::Tier, descending: true },
        RegistrySort { column: SortColumn::Industry, descending: false },
        RegistrySort { column: SortColumn::Status, descending: false },
    ];
    let sort_key = |e: &RegistryEntry, s: &RegistrySort| -> Vec<String> {
        let c = |v: &str| v.to_string();
        match s.column {
            SortColumn::Place => vec![c(&e.region), c(&e.place), c(&e.key)],
            SortColumn::Key => vec![c(&e.region), c(&e.key)],
            SortColumn::Industry => vec![c(&e.region), c(&e.industry), c(&e.place), c(&e.key)],
            SortColumn::Tier => vec![c(&e.region), c(&e.tier), c(&e.place), c(&e.key)],
            SortColumn::Status => vec![c(&e.region), c(e.status.as_str()), c(&e.place), c(&e.key)],
        }
    };
    let statuses = [None, Some(EntryStatus::Draft), Some(EntryStatus::Submitted), Some(EntryStatus::Approved)];
    let mut checked = 0;
    // Places as a full name, a short name; "" is every place.
    for (place, full) in [("", ""), ("涪城区", "涪城区"), ("游仙", "游仙区"), ("江油市", "江油市")] {
        for industry in ["", "商业航天", "低空经济"] {
            for tier in ["", "入库", "瞪羚"] {
                for status in statuses {
                    for batch in [None, Some(1)] {
                        let naive: Vec<&RegistryEntry> = all
                            .entries
                            .iter()
                            .filter(|e| full.is_empty() || e.place == full)
                            .filter(|e| industry.is_empty() || e.industry == industry)
                            .filter(|e| tier.is_empty() || e.tier == tier)
                            .filter(|e| status.is_none_or(|s| e.status == s))
                            .filter(|e| batch.is_none_or(|b| batches(e).contains(&b)))
                            .collect();
                        let filter = RegistryFilter {
                            region: REGION.into(),
                            place: place.into(),
                            industry: industry.into(),
                            tier: tier.into(),
                            status,
                            batch,
                            ..Default::default()
                        };
                        let sort = sorts[checked % sorts.len()];
                        let mut want = naive.clone();
                        want.sort_by_key(|e| sort_key(e, &sort));
                        if sort.descending {
                            want.reverse();
                        }
                        let want: Vec<&str> = want.iter().map(|e| e.key.as_str()).collect();
                        // Pages of 5 put together are the whole list, in order.
                        let mut paged = Vec::new();
                        for offset in (0..=want.len() as i64).step_by(5) {
                            let page = store
                                .registry_entries(
                                    "enterprise",
                                    &RegistryFilter { sort, offset, limit: 5, ..filter.clone() },
                                )
                                .unwrap();
                            assert_eq!(page.total, want.len() as i64, "{filter:?}");
                            paged.extend(page.entries.into_iter().map(|e| e.key));
                        }
                        assert_eq!(paged, want, "{filter:?} {sort:?}");
                        // Counts per value, as a naive count.
                        let facets = store.registry_facets("enterprise", &filter).unwrap();
                        assert_eq!(facets.total, naive.len() as i64, "{filter:?}");
                        let count = |f: &dyn Fn(&RegistryEntry) -> String| {
                            let mut m = std::collections::BTreeMap::<String, i64>::new();
                            for e in &naive {
                                *m.entry(f(e)).or_default() += 1;
                            }
                            m.into_iter().collect::<Vec<_>>()
                        };
                        assert_eq!(facets.by_place, count(&|e| e.place.clone()), "{filter:?}");
                        assert_eq!(facets.by_industry, count(&|e| e.industry.clone()), "{filter:?}");
                        assert_eq!(facets.by_tier, count(&|e| e.tier.clone()), "{filter:?}");
                        assert_eq!(facets.by_status, count(&|e| e.status.as_str().to_string()), "{filter:?}");
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 3 * 3 * 4 * 2);
}

/// Hostile list filters: quotes, `%`, SQL and overlong values match nothing or are refused
/// with a clear message; a sort outside the whitelist and a huge offset are refused.
#[test]
fn hostile_list_filters_are_refused_or_harmless() {
    let t = TempStore::new().unwrap();
    let store = setup(&t);
    import(&store, &op(), &format!("{HEADER}甲,{},涪城区,商业航天,2018-01-01,2024-01-10,入库,2024-01-10\n", code(1)))
        .unwrap();
    let list = |f: RegistryFilter| store.registry_entries("enterprise", &RegistryFilter { region: REGION.into(), ..f });
    assert_eq!(list(RegistryFilter::default()).unwrap().total, 1);
    for hostile in ["' OR '1'='1", "%", "商业%", "_", "\" OR 1=1 --", "涪城区'; DROP TABLE registry_entries; --"] {
        for f in [
            RegistryFilter { place: hostile.into(), ..Default::default() },
            RegistryFilter { industry: hostile.into(), ..Default::default() },
            RegistryFilter { tier: hostile.into(), ..Default::default() },
        ] {
            let page = list(f.clone()).unwrap();
            assert_eq!((page.total, page.entries.len()), (0, 0), "{f:?}");
            let facets = store.registry_facets("enterprise", &RegistryFilter { region: REGION.into(), ..f }).unwrap();
            assert_eq!(facets.total, 0);
        }
        assert_eq!(
            store
                .registry_entries("enterprise", &RegistryFilter { region: hostile.into(), ..Default::default() })
                .unwrap()
                .total,
            0
        );
    }
    assert_eq!(list(RegistryFilter::default()).unwrap().total, 1, "nothing was changed");
    let long = "涪".repeat(201);
    let err = list(RegistryFilter { industry: long, ..Default::default() }).unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)) && err.to_string().contains("过长"), "{err}");
    let err = list(RegistryFilter { offset: 2_000_000, ..Default::default() }).unwrap_err();
    assert!(err.to_string().contains("至多跳过"), "{err}");
    for bad in ["fields", "place; DROP TABLE registry_entries", "--place", "updated_at", "1"] {
        let err = bad.parse::<RegistrySort>().unwrap_err();
        assert!(err.contains("不能按"), "{err}");
    }
    assert_eq!("-tier".parse::<RegistrySort>().unwrap(), RegistrySort { column: SortColumn::Tier, descending: true });
    assert_eq!("".parse::<RegistrySort>().unwrap(), RegistrySort::default());
}

/// Entries a store of schema 0010 holds get their counts per filter value from migration
/// 0013, so the list of an upgraded store counts them like entries written since.
#[test]
fn migration_0013_counts_the_entries_an_older_store_holds() {
    let t = TempStore::new().unwrap();
    {
        let old = t.open_at_version(10).unwrap();
        let mut sql = String::new();
        for (n, (place, industry, tier, status)) in [
            ("涪城区", "商业航天", "入库", "approved"),
            ("涪城区", "商业航天", "入库", "approved"),
            ("涪城区", "", "瞪羚", "draft"),
            ("游仙区", "低空经济", "入库", "submitted"),
        ]
        .into_iter()
        .enumerate()
        {
            sql.push_str(&format!(
                "INSERT INTO registry_entries (kind, region, key, place, industry, tier, fields, status, created_by,
                    created_at, updated_by, updated_at)
                 VALUES ('enterprise', '{REGION}', 'K{n}', '{place}', '{industry}', '{tier}', '{{}}', '{status}', 'old',
                    '2024-01-01T00:00:00Z', 'old', '2024-01-01T00:00:00Z');"
            ));
        }
        old.execute_batch(&sql).unwrap();
    }
    let store = t.open(StoreOptions::default()).unwrap();
    let facets =
        store.registry_facets("enterprise", &RegistryFilter { region: REGION.into(), ..Default::default() }).unwrap();
    assert_eq!(facets.total, 4);
    assert_eq!(facets.by_place, [("涪城区".to_string(), 3), ("游仙区".to_string(), 1)]);
    assert_eq!(facets.by_status, [("approved".to_string(), 2), ("draft".into(), 1), ("submitted".into(), 1)]);
    let approved = RegistryFilter { region: REGION.into(), status: Some(EntryStatus::Approved), ..Default::default() };
    assert_eq!(store.registry_entries("enterprise", &approved).unwrap().total, 2);
    // Counts written since add to those the migration made.
    store.approve_registry(&op(), "enterprise", REGION, &["K2".to_string()]).unwrap();
    assert_eq!(store.registry_entries("enterprise", &approved).unwrap().total, 3);
}

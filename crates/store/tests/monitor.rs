//! Observation imports end to end: every validation class refuses a file whole and leaves the
//! store unchanged (byte for byte on SQLite, row for row on PostgreSQL); good files store in one transaction with value history.

use planwatch_monitor::{Frequency, Period};
use planwatch_store::monitor::{ImportError, ImportOptions, NewIndicator, TaskReport, TaskStatus};
use planwatch_store::testing::example;
use planwatch_store::testing::TempStore;
use planwatch_store::Actor;
use planwatch_store::{Store, StoreOptions};

/// A store with the Hefei example plan, its indicators, and two quarters of 蜀山区/包河区 data.
fn setup(t: &TempStore) -> (Store, i64, String) {
    let store = t.open(StoreOptions::default()).unwrap();
    let doc = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let made = store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap();
    assert!(made.len() >= 5 && made.iter().all(|m| m.created), "{made:?}");
    // Idempotent.
    assert!(store.indicators_from_targets(&op(), doc, Frequency::Quarter).unwrap().iter().all(|m| !m.created));
    let ind = store.indicators(Some(doc), None).unwrap();
    let firms = ind.iter().find(|i| i.unit == "家").expect("an indicator counted in 家").code.clone();
    let mut csv = String::from("指标代码,地区,期别,数值,单位\n");
    for (q, v) in [("2025Q1", 100), ("2025Q2", 104), ("2025Q3", 98), ("2025Q4", 102), ("2026Q1", 103)] {
        csv.push_str(&format!("{firms},蜀山区,{q},{v},家\n{firms},包河区,{q},{},家\n", v * 2));
    }
    let r = store.import_observations("base.csv", csv.as_bytes(), &opts(), &op()).unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (10, 0, 0));
    (store, doc, firms)
}

fn opts() -> ImportOptions {
    ImportOptions { dry_run: false, synthetic: false, computed: false }
}

/// The store's fingerprint (byte for byte on SQLite, every row on PostgreSQL).
fn fingerprint(store: &Store) -> String {
    planwatch_store::testing::fingerprint(store).unwrap()
}

fn refused(store: &Store, name: &str, csv: &str) -> Vec<(usize, &'static str, String)> {
    let before = fingerprint(store);
    let err = store.import_observations(name, csv.as_bytes(), &opts(), &op()).unwrap_err();
    assert_eq!(fingerprint(store), before, "{name}: a refused file changed the store");
    match err {
        ImportError::Refused { validation, .. } => {
            assert!(validation.problems.shown().iter().all(|p| !p.fix.is_empty() && !p.reason.is_empty()));
            validation.problems.shown().iter().map(|p| (p.row, p.column, p.reason.clone())).collect()
        }
        other => panic!("{name}: expected a refusal, got {other}"),
    }
}

#[test]
fn every_validation_class_refuses_the_whole_file_and_changes_nothing() {
    let t = TempStore::new().unwrap();
    let (store, _, firms) = setup(&t);
    let head = "指标代码,地区,期别,数值,单位\n";
    let good = format!("{firms},蜀山区,2026Q2,110,家\n");
    let cases: Vec<(&str, String, (usize, &str, &str))> = vec![
        ("unknown-indicator.csv", format!("{head}{good}NO-SUCH,蜀山区,2026Q2,1,家\n"), (3, "指标代码", "未知指标")),
        ("unknown-place.csv", format!("{head}{good}{firms},朝阳区,2026Q2,1,家\n"), (3, "地区", "未知地区")),
        ("bad-period.csv", format!("{head}{good}{firms},蜀山区,2026Q5,1,家\n"), (3, "期别", "无法识别")),
        ("not-a-number.csv", format!("{head}{good}{firms},包河区,2026Q2,约一百,家\n"), (3, "数值", "不是数字")),
        ("unit-mismatch.csv", format!("{head}{good}{firms},包河区,2026Q2,1,万家\n"), (3, "单位", "不符")),
        ("duplicate.csv", format!("{head}{good}{good}"), (3, "指标代码", "与第 2 行重复")),
        ("wrong-frequency.csv", format!("{head}{good}{firms},包河区,2026-05,1,家\n"), (3, "期别", "按季度填报")),
        ("negative-count.csv", format!("{head}{good}{firms},包河区,2026Q2,-3,家\n"), (3, "数值", "为负数")),
    ];
    for (name, csv, (row, column, reason)) in cases {
        let problems = refused(&store, name, &csv);
        assert_eq!(problems.len(), 1, "{name}: {problems:?}");
        assert_eq!((problems[0].0, problems[0].1), (row, column), "{name}: {problems:?}");
        assert!(problems[0].2.contains(reason), "{name}: {problems:?}");
    }
    // Several bad rows: every one is listed.
    let many = format!("{head}X,蜀山区,2026Q2,1,家\n{firms},火星,2026Q2,1,家\n{firms},蜀山区,20261,1,家\n");
    assert_eq!(refused(&store, "many.csv", &many).iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 3, 4]);
    // A file that cannot be read at all.
    let before = fingerprint(&store);
    for (name, bytes) in
        [("empty.csv", &b""[..]), ("binary.xlsx", b"PK\x03\x04\x00\x00garbage"), ("nul.csv", b"\x00\x01")]
    {
        assert!(
            matches!(store.import_observations(name, bytes, &opts(), &op()), Err(ImportError::File { .. })),
            "{name}"
        );
    }
    assert_eq!(fingerprint(&store), before);
}

#[test]
fn outliers_are_stored_and_flagged_and_dry_runs_store_nothing() {
    let t = TempStore::new().unwrap();
    let (store, _, firms) = setup(&t);
    let csv = format!("指标代码,地区,期别,数值\n{firms},蜀山区,2026Q2,5000\n{firms},包河区,2026Q2,210\n");
    let before = fingerprint(&store);
    let dry =
        store.import_observations("q2.csv", csv.as_bytes(), &ImportOptions { dry_run: true, ..opts() }, &op()).unwrap();
    assert_eq!((dry.inserted, dry.outliers.len(), dry.import_id), (2, 1, None));
    assert_eq!(fingerprint(&store), before, "a dry run changed the store");
    let r = store.import_observations("q2.csv", csv.as_bytes(), &opts(), &op()).unwrap();
    assert_eq!(r.inserted, 2);
    assert_eq!(r.outliers.len(), 1);
    assert_eq!(r.outliers[0].place, "蜀山区");
    let ind = store.indicator(&firms).unwrap().unwrap();
    let obs = store.observations(&[ind.id]).unwrap();
    let flagged: Vec<_> = obs.iter().filter(|o| o.outlier.is_some()).collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].file_name, "q2.csv");
    assert_eq!(flagged[0].source_row, 2);
}

#[test]
fn changed_values_keep_their_history() {
    let t = TempStore::new().unwrap();
    let (store, _, firms) = setup(&t);
    let csv = format!("指标代码,地区,期别,数值\n{firms},蜀山区,2025Q3,99\n{firms},包河区,2025Q3,196\n");
    let r = store.import_observations("fix.csv", csv.as_bytes(), &opts(), &op()).unwrap();
    assert_eq!((r.inserted, r.updated, r.unchanged), (0, 1, 1));
    let changes = store.value_changes(None, 10).unwrap();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!((c.place.as_str(), c.period.as_str(), c.old_value, c.new_value), ("蜀山区", "2025Q3", 98.0, 99.0));
    assert_eq!((c.old_file.as_str(), c.new_file.as_str(), c.who.as_str()), ("base.csv", "fix.csv", "test"));
    // The audit log has the change with both values and its file, written with it.
    let filter = planwatch_store::AuditFilter { action: "observation.update".into(), ..Default::default() };
    let (entries, total) = store.audit_log(&op(), &filter, 10, 0).unwrap();
    assert_eq!(total, 1);
    assert_eq!(entries[0].object, format!("{firms}/蜀山区/2025Q3"));
    assert!(entries[0].old_value.as_deref().unwrap().contains("98"), "{:?}", entries[0]);
    assert!(entries[0].new_value.as_deref().unwrap().contains("99"), "{:?}", entries[0]);
    assert!(entries[0].source.starts_with("fix.csv"), "{:?}", entries[0]);
    // The same file again: nothing changes, no new import is recorded.
    let n = store.imports(100).unwrap().len();
    let again = store.import_observations("fix.csv", csv.as_bytes(), &opts(), &op()).unwrap();
    assert_eq!((again.updated, again.unchanged, again.import_id), (0, 2, None));
    assert_eq!(store.imports(100).unwrap().len(), n);
}

#[test]
fn xlsx_sheets_and_templates_import() {
    let t = TempStore::new().unwrap();
    let (store, _, firms) = setup(&t);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["指标代码", "地区", "期别", "数值", "单位"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, &firms).unwrap();
    sheet.write_string(1, 1, "500112").unwrap(); // a code, but of Chongqing: not a Hefei unit
    sheet.write_string(1, 2, "2026Q2").unwrap();
    sheet.write_number(1, 3, 5.0).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let before = fingerprint(&store);
    let err = store.import_observations("bad.xlsx", &bytes, &opts(), &op()).unwrap_err();
    assert!(
        matches!(&err, ImportError::Refused { validation, .. } if validation.problems.shown()[0].column == "地区"),
        "{err}"
    );
    assert_eq!(fingerprint(&store), before);
    // By code, inside the region: 340104 is 蜀山区. Years typed as numbers read as periods.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["指标代码", "地区", "期别", "数值"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, &firms).unwrap();
    sheet.write_string(1, 1, "340104").unwrap();
    sheet.write_string(1, 2, "2026Q2").unwrap();
    sheet.write_number(1, 3, 105.5).unwrap();
    let r = store.import_observations("good.xlsx", &book.save_to_buffer().unwrap(), &opts(), &op()).unwrap();
    assert_eq!(r.inserted, 1);
    // A date where the figure belongs (Excel keeps 46388 behind 2027-01-01) and a formula no
    // program computed: refused with their rows, nothing stored.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_formula_result_default("");
    for (c, h) in ["指标代码", "地区", "期别", "数值"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (row, place) in [(1, "蜀山区"), (2, "包河区")] {
        sheet.write_string(row, 0, &firms).unwrap();
        sheet.write_string(row, 1, place).unwrap();
        sheet.write_string(row, 2, "2026Q3").unwrap();
    }
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 1, 1).unwrap();
    sheet.write_datetime_with_format(1, 3, &date, &rust_xlsxwriter::Format::new().set_num_format("yyyy/m/d")).unwrap();
    sheet.write_formula(2, 3, "=100*1.1").unwrap();
    let before = fingerprint(&store);
    let err = store.import_observations("dates.xlsx", &book.save_to_buffer().unwrap(), &opts(), &op()).unwrap_err();
    let ImportError::Refused { validation, .. } = err else { panic!("expected a refusal, got {err}") };
    let got: Vec<(usize, &str)> = validation.problems.shown().iter().map(|p| (p.row, p.column)).collect();
    assert_eq!(got, vec![(2, "数值"), (3, "数值")]);
    assert_eq!(fingerprint(&store), before);
}

#[test]
fn hand_made_indicators_indices_rankings_and_task_reports() {
    let t = TempStore::new().unwrap();
    let (store, doc, firms) = setup(&t);
    let err = store
        .add_indicator(
            &op(),
            &NewIndicator { code: "X".into(), name: "n".into(), region: "火星市".into(), ..Default::default() },
        )
        .unwrap_err();
    assert!(err.to_string().contains("火星市"), "{err}");
    let ind = store
        .add_indicator(
            &op(),
            &NewIndicator {
                code: "ENERGY".into(),
                name: "单位产值能耗".into(),
                unit: "吨标煤/万元".into(),
                direction: planwatch_monitor::Direction::Lower,
                frequency: Some(Frequency::Quarter),
                // A ratio: never a sum (issue 16).
                rollup: planwatch_monitor::Rollup::None,
                region: "合肥市".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(ind.direction, planwatch_monitor::Direction::Lower);
    assert!(store
        .add_indicator(
            &op(),
            &NewIndicator { code: "ENERGY".into(), name: "x".into(), region: "合肥市".into(), ..Default::default() }
        )
        .is_err());
    let def = store
        .define_index(
            &op(),
            "测试指数",
            planwatch_store::monitor::IndexMethod::EntropyTopsis,
            "exclude",
            "",
            &[(firms.clone(), None), ("ENERGY".into(), None)],
        )
        .unwrap();
    let m = store.index_matrix(&def, Period::Quarter(2025, 3)).unwrap();
    assert_eq!(m.places.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), vec!["蜀山区", "包河区"]);
    assert_eq!(m.values[0], vec![Some(98.0), None]);
    let rev = store.publish_ranking(&op(), def.id, Period::Quarter(2025, 3), "{}", &m.data_hash(), "").unwrap();
    assert_eq!(rev, 1);
    assert_eq!(store.publish_ranking(&op(), def.id, Period::Quarter(2025, 3), "{}", "h", "").unwrap(), 2);
    // A published index cannot be redefined silently.
    assert!(store
        .define_index(
            &op(),
            "测试指数",
            planwatch_store::monitor::IndexMethod::EntropyTopsis,
            "exclude",
            "",
            &[(firms, None)]
        )
        .is_err());
    // Task reports: a second report for the same period replaces the first.
    let key = store.plan_view(doc).unwrap().effective.refs.tasks[0].key.clone();
    let report = |status, note: &str| TaskReport {
        document_id: doc,
        task_key: key.clone(),
        period: Period::Quarter(2026, 1),
        status,
        note: note.into(),
        source: "测试".into(),
    };
    store.report_task(&Actor::operator("甲"), &report(TaskStatus::InProgress, "按计划")).unwrap();
    store.report_task(&Actor::operator("乙"), &report(TaskStatus::Lagging, "用地未落实")).unwrap();
    let reports = store.task_progress(doc, None).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!((reports[0].status, reports[0].note.as_str()), (TaskStatus::Lagging, "用地未落实"));
    assert!(store.task_progress(doc, Some(Period::Quarter(2025, 4))).unwrap().is_empty());
}

/// The operator at the command line: admin rights.
fn op() -> planwatch_store::Actor {
    planwatch_store::Actor::operator("test")
}

/// Page versions follow the regions written: a write of 重庆市 changes the versions of 重庆's
/// index and indicator pages and of the overview, and leaves those of the 合肥 plan and index.
#[test]
fn page_versions_follow_the_regions_written() {
    use planwatch_store::monitor::{IndexMethod, MonitorScope};
    let t = TempStore::new().unwrap();
    let (store, doc, firms) = setup(&t);
    let cq = NewIndicator {
        code: "CQ-1".into(),
        name: "规上工业增加值".into(),
        unit: "亿元".into(),
        frequency: Some(Frequency::Quarter),
        region: "重庆市".into(),
        ..Default::default()
    };
    store.add_indicator(&op(), &cq).unwrap();
    let hf_index =
        store.define_index(&op(), "合肥指数", IndexMethod::EntropyTopsis, "exclude", "", &[(firms.clone(), None)]);
    let cq_index =
        store.define_index(&op(), "重庆指数", IndexMethod::EntropyTopsis, "exclude", "", &[("CQ-1".into(), None)]);
    let (_, cq_index) = (hf_index.unwrap(), cq_index.unwrap());
    let scopes = [
        MonitorScope::Plan(doc),
        MonitorScope::Index("合肥指数".into()),
        MonitorScope::Index("重庆指数".into()),
        MonitorScope::Indicator("CQ-1".into()),
        MonitorScope::All,
    ];
    let versions = || scopes.iter().map(|s| store.monitor_version_of(s).unwrap()).collect::<Vec<_>>();
    // Which of the five versions changed (and, when one did, that its revision grew).
    let changed = |before: &[planwatch_store::monitor::MonitorVersion]| {
        let now = versions();
        now.iter()
            .zip(before)
            .map(|(n, b)| {
                assert!(n.revision >= b.revision || n.counters != b.counters, "{n:?} after {b:?}");
                n != b
            })
            .collect::<Vec<_>>()
    };
    let v = versions();
    assert!(v.iter().all(|v| v.generation > 0 && v.revision > 0), "{v:?}");
    let put = |name: &str, csv: &str| store.import_observations(name, csv.as_bytes(), &opts(), &op()).unwrap();

    put("cq.csv", "指标代码,地区,期别,数值\nCQ-1,渝中区,2025Q4,12.5\n");
    assert_eq!(changed(&v), [false, false, true, true, true], "a 重庆 import");

    let v = versions();
    put("hf.csv", &format!("指标代码,地区,期别,数值\n{firms},蜀山区,2026Q2,110\n"));
    assert_eq!(changed(&v), [true, true, false, false, true], "a 合肥 import");

    let v = versions();
    let key = store.plan_view(doc).unwrap().effective.refs.tasks[0].key.clone();
    let report = TaskReport {
        document_id: doc,
        task_key: key,
        period: Period::Quarter(2026, 1),
        status: TaskStatus::InProgress,
        note: String::new(),
        source: String::new(),
    };
    store.report_task(&op(), &report).unwrap();
    assert_eq!(changed(&v), [true, true, false, false, true], "a task report of the 合肥 plan");

    let v = versions();
    let step = planwatch_store::approval::ApprovalStep::Submit;
    store.approval_step(&op(), "重庆市", "渝中区", Period::Quarter(2025, 4), step, "").unwrap();
    assert_eq!(changed(&v), [false, false, true, true, true], "a 重庆 submission");

    let v = versions();
    store.publish_ranking(&op(), cq_index.id, Period::Quarter(2025, 4), "{}", "h", "").unwrap();
    assert_eq!(changed(&v), [false, false, true, true, true], "a 重庆 ranking");

    // Redefined into another region, an index's pages see that region's writes.
    let v = versions();
    let hf_now =
        store.define_index(&op(), "合肥指数", IndexMethod::EntropyTopsis, "exclude", "", &[("CQ-1".into(), None)]);
    assert_eq!(hf_now.unwrap().region, "重庆市");
    assert_eq!(changed(&v), [true, true, true, true, true], "an index moved from 合肥 to 重庆");
    let v = versions();
    put("cq2.csv", "指标代码,地区,期别,数值\nCQ-1,渝中区,2026Q1,13\n");
    assert_eq!(changed(&v), [false, true, true, true, true], "a 重庆 import after the move");
}

/// Issue 14: every free-text field has a documented limit (README, 文字长度上限), enforced by
/// the store's write methods for every front end. A hostile length is refused with the field
/// and its limit named, and neither the store nor the audit log changes; text at the limit
/// is accepted.
#[test]
fn every_free_text_field_is_limited_and_a_refusal_writes_nothing() {
    use planwatch_store::monitor::IndexMethod;
    use planwatch_store::{ApprovalStep, CorrectionRequest, ItemKind, Role};
    let t = TempStore::new().unwrap();
    let (store, doc, firms) = setup(&t);
    let def = store
        .define_index(&op(), "测试指数", IndexMethod::EntropyTopsis, "exclude", "", &[(firms.clone(), None)])
        .unwrap();
    let view = store.plan_view(doc).unwrap();
    let task_key = view.effective.refs.tasks[0].key.clone();
    let target_key = view.effective.refs.targets[0].key.clone();
    let target = serde_json::to_value(&view.effective.plan.targets[0]).unwrap();
    let long = |n: usize| "长".repeat(n);
    let q1 = Period::Quarter(2026, 1);
    let user = |name: &str, department: &str| planwatch_store::users::NewUser {
        login: "limit1".into(),
        display_name: name.into(),
        role: if department.is_empty() { Role::Analyst } else { Role::DepartmentEditor },
        region: String::new(),
        place: String::new(),
        department: department.into(),
        password: "long-enough-password-1".into(),
    };
    let indicator = |code: &str, name: &str, unit: &str, note: &str| NewIndicator {
        code: code.into(),
        name: name.into(),
        unit: unit.into(),
        region: "合肥市".into(),
        note: note.into(),
        ..Default::default()
    };
    let edited = |field: &str, value: serde_json::Value| {
        let mut item = target.clone();
        item[field] = value;
        CorrectionRequest::Edit { key: target_key.clone(), item }
    };
    let csv_note = format!("指标代码,地区,期别,数值,单位,备注\n{firms},蜀山区,2026Q2,110,家,{}\n", long(501));
    store
        .add_user(&op(), &planwatch_store::users::NewUser { login: "limitless".into(), ..user("令牌的主人", "") })
        .unwrap();
    let before = fingerprint(&store);
    let audit = store.audit_count().unwrap();
    type Write<'a> = Box<dyn Fn() -> Result<(), String> + 'a>;
    let s = &store;
    fn e<T>(r: Result<T, planwatch_store::StoreError>) -> Result<(), String> {
        r.map(|_| ()).map_err(|e| e.to_string())
    }
    let cases: Vec<(&str, &str, Write)> = vec![
        (
            "审核意见",
            "1000",
            Box::new(|| e(s.approval_step(&op(), "合肥市", "蜀山区", q1, ApprovalStep::Return, &long(2_000_000)))),
        ),
        (
            "进展说明",
            "2000",
            Box::new(|| e(s.report_task_number(&op(), doc, 1, q1, TaskStatus::Lagging, &long(2001), "测试"))),
        ),
        (
            "进展说明",
            "2000",
            Box::new(|| {
                let r = TaskReport {
                    document_id: doc,
                    task_key: task_key.clone(),
                    period: q1,
                    status: TaskStatus::Done,
                    note: long(1_000_000),
                    source: "测试".into(),
                };
                e(s.report_task(&op(), &r))
            }),
        ),
        ("指标代码", "64", Box::new(|| e(s.add_indicator(&op(), &indicator(&"C".repeat(65), "名称", "", ""))))),
        ("指标名称", "200", Box::new(|| e(s.add_indicator(&op(), &indicator("L1", &long(201), "", ""))))),
        ("单位", "32", Box::new(|| e(s.add_indicator(&op(), &indicator("L2", "名称", &long(33), ""))))),
        ("备注", "1000", Box::new(|| e(s.add_indicator(&op(), &indicator("L3", "名称", "", &long(1001)))))),
        (
            "指数名称",
            "100",
            Box::new(|| {
                e(s.define_index(
                    &op(),
                    &long(101),
                    IndexMethod::EntropyTopsis,
                    "exclude",
                    "",
                    &[(firms.clone(), None)],
                ))
            }),
        ),
        (
            "指数说明",
            "1000",
            Box::new(|| {
                e(s.define_index(
                    &op(),
                    "新指数",
                    IndexMethod::EntropyTopsis,
                    "exclude",
                    &long(1001),
                    &[(firms.clone(), None)],
                ))
            }),
        ),
        ("发布说明", "1000", Box::new(|| e(s.publish_ranking(&op(), def.id, q1, "{}", "h", &long(1001))))),
        ("显示名称", "100", Box::new(|| e(s.add_user(&op(), &user(&long(101), ""))))),
        ("所属部门", "100", Box::new(|| e(s.add_user(&op(), &user("部门", &long(101)))))),
        ("令牌用途", "100", Box::new(|| e(s.create_token(&op(), "limitless", &long(101))))),
        (
            "更正说明",
            "1000",
            Box::new(|| e(s.correct(&op(), doc, ItemKind::Target, edited("unit", "个".into()), &long(1_000_000)))),
        ),
        (
            "指标",
            "4000",
            Box::new(|| e(s.correct(&op(), doc, ItemKind::Target, edited("indicator", long(4001).into()), ""))),
        ),
        (
            "来源原文",
            "4000",
            Box::new(|| {
                let mut item = planwatch_store::corrections::blank_item(ItemKind::Task);
                item["title"] = "新增任务".into();
                item["text"] = long(4001).into();
                e(s.correct(&op(), doc, ItemKind::Task, CorrectionRequest::Add { item }, ""))
            }),
        ),
        (
            "牵头单位",
            "100",
            Box::new(|| {
                let mut item = planwatch_store::corrections::blank_item(ItemKind::Task);
                item["title"] = "新增任务".into();
                item["lead"] = serde_json::json!(vec!["市科技局"; 101]);
                e(s.correct(&op(), doc, ItemKind::Task, CorrectionRequest::Add { item }, ""))
            }),
        ),
        ("文件名", "255", Box::new(|| e(s.ingest_bytes(&op(), &format!("{}.txt", long(300)), b"one plan".to_vec())))),
        (
            "文件名",
            "255",
            Box::new(|| {
                let csv = format!("指标代码,地区,期别,数值,单位\n{firms},蜀山区,2026Q2,110,家\n");
                s.import_observations(&format!("{}.csv", long(300)), csv.as_bytes(), &opts(), &op())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }),
        ),
        (
            "备注",
            "500",
            Box::new(|| match s.import_observations("notes.csv", csv_note.as_bytes(), &opts(), &op()) {
                Err(ImportError::Refused { validation, .. }) => Err(validation
                    .problems
                    .shown()
                    .iter()
                    .map(|p| format!("{} {} {}", p.column, p.reason, p.fix))
                    .collect()),
                other => other.map(|_| ()).map_err(|e| e.to_string()),
            }),
        ),
    ];
    for (label, limit, write) in &cases {
        let err = write().expect_err(&format!("{label}: a hostile length was accepted"));
        assert!(err.contains(label) && err.contains(limit), "{label} (limit {limit}): {err}");
        assert_eq!(fingerprint(&store), before, "{label}: a refused write changed the store");
    }
    assert_eq!(store.audit_count().unwrap(), audit, "a refused write was audited");
    // At the limit: accepted.
    store.report_task_number(&op(), doc, 1, q1, TaskStatus::Lagging, &long(2000), "测试").unwrap();
    store.correct(&op(), doc, ItemKind::Target, edited("unit", "个".into()), &long(1000)).unwrap();
    store.add_indicator(&op(), &indicator(&"C".repeat(64), &long(200), &long(32), &long(1000))).unwrap();
}

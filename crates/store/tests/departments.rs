//! Issue 16 item 3: a department is a region and a canonical name. 市科技局 of 合肥市 reports
//! on 合肥市's plans only (a report on another region's task is refused in the store, stores
//! nothing and leaves a refusal in the audit log); the department lists are per region, group
//! generic owners (多部门, 各区县政府 …) as one entry and merge aliases (市委人才办).

use planwatch_monitor::Period;
use planwatch_store::monitor::{MonitorScope, TaskReport, TaskStatus};
use planwatch_store::testing::example;
use planwatch_store::testing::TempStore;
use planwatch_store::users::NewUser;
use planwatch_store::{
    Actor, AuditFilter, Channel, RegionFilter, Role, Store, StoreError, StoreOptions, GENERIC_OWNERS,
};

fn op() -> Actor {
    Actor::operator("test")
}

/// A store with the 合肥市 and 绵阳市 example plans (both have tasks of a 市科技局 and of a
/// 市委人才办); returns (store, 合肥市 plan, 绵阳市 plan).
fn two_cities(t: &TempStore) -> (Store, i64, i64) {
    let store = t.open(StoreOptions::default()).unwrap();
    let hefei = store.ingest_bytes(&op(), "hefei.html", example("hefei-sci-tech-plan.html")).unwrap().document_id();
    let mianyang =
        store.ingest_bytes(&op(), "mianyang.txt", example("mianyang-future-industries.txt")).unwrap().document_id();
    assert_eq!(store.plan_summary(hefei).unwrap().region, "合肥市");
    assert_eq!(store.plan_summary(mianyang).unwrap().region, "绵阳市");
    (store, hefei, mianyang)
}

fn new_user(login: &str, region: &str, department: &str) -> NewUser {
    NewUser {
        login: login.into(),
        display_name: String::new(),
        role: Role::DepartmentEditor,
        region: region.into(),
        place: String::new(),
        department: department.into(),
        password: "long-enough-password-1".into(),
    }
}

/// The key of the first task of `plan` whose owners include `department`.
fn task_of(store: &Store, plan: i64, department: &str) -> String {
    let view = store.plan_view(plan).unwrap();
    let n = view
        .effective
        .plan
        .tasks
        .iter()
        .position(|t| t.owners.iter().any(|o| o.canonical == department))
        .unwrap_or_else(|| panic!("plan {plan} has a task of {department}"));
    view.effective.refs.tasks[n].key.clone()
}

fn report(plan: i64, key: &str) -> TaskReport {
    TaskReport {
        document_id: plan,
        task_key: key.into(),
        period: Period::Quarter(2026, 2),
        status: TaskStatus::InProgress,
        note: "已开工".into(),
        source: "测试".into(),
    }
}

fn refusals(store: &Store) -> Vec<planwatch_store::AuditRecord> {
    let f = AuditFilter { action: "task.report.refused".into(), ..Default::default() };
    store.audit_log(&op(), &f, 100, 0).unwrap().0
}

#[test]
fn a_department_reports_only_its_own_regions_tasks() {
    let t = TempStore::new().unwrap();
    let (store, hefei, mianyang) = two_cities(&t);
    // The department is named as any alias; the account keeps the canonical name and region.
    let user = store.add_user(&op(), &new_user("kjj", "合肥", "市科学技术局")).unwrap();
    assert_eq!((user.region.as_str(), user.department.as_str()), ("合肥市", "市科技局"));
    let kjj = user.actor(Channel::Api, "req-1");

    // Its own region's task: stored.
    store.report_task(&kjj, &report(hefei, &task_of(&store, hefei, "市科技局"))).unwrap();
    assert_eq!(store.task_progress(hefei, None).unwrap().len(), 1);

    // 市科技局 of 绵阳市 is another department: refused, nothing stored, the refusal audited.
    let other = task_of(&store, mianyang, "市科技局");
    let audit_before = store.audit_count().unwrap();
    let rev_before = store.monitor_version_of(&MonitorScope::All).unwrap();
    let err = store.report_task(&kjj, &report(mianyang, &other)).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("绵阳市") && message.contains("只能填报合肥市"), "{message}");
    assert!(store.task_progress(mianyang, None).unwrap().is_empty(), "a refused report was stored");
    assert_eq!(
        store.monitor_version_of(&MonitorScope::All).unwrap(),
        rev_before,
        "a refusal bumped the monitoring revision"
    );
    assert_eq!(store.audit_count().unwrap(), audit_before + 1, "exactly the refusal is audited");
    let refused = refusals(&store);
    assert_eq!(refused.len(), 1);
    let e = &refused[0];
    assert_eq!((e.who.as_str(), e.role.as_str(), e.channel.as_str()), ("kjj", "department_editor", "api"));
    assert_eq!(e.request_id, "req-1");
    assert!(e.object.contains(&format!("plan {mianyang}")) && e.object.contains(&other), "{}", e.object);
    let new: serde_json::Value = serde_json::from_str(e.new_value.as_deref().unwrap()).unwrap();
    assert_eq!(new["region"], "绵阳市");
    assert!(new["reason"].as_str().unwrap().contains("只能填报合肥市"), "{new}");
    assert!(!e.new_value.as_deref().unwrap().contains("已开工"), "the refused note is not kept");

    // The same department of 绵阳市 reports there, and not in 合肥市.
    let mkj = store.add_user(&op(), &new_user("mykjj", "绵阳市", "市科技局")).unwrap().actor(Channel::Form, "");
    store.report_task(&mkj, &report(mianyang, &other)).unwrap();
    assert!(store.report_task(&mkj, &report(hefei, &task_of(&store, hefei, "市科技局"))).is_err());
    assert_eq!(refusals(&store).len(), 2);

    // Its own region but another department's task: refused as before, and audited too.
    let view = store.plan_view(mianyang).unwrap();
    let n = view.effective.plan.tasks.iter().position(|t| !t.owners.iter().any(|o| o.canonical == "市科技局")).unwrap();
    let err = store.report_task(&mkj, &report(mianyang, &view.effective.refs.tasks[n].key)).unwrap_err();
    assert!(err.to_string().contains("没有本部门"), "{err}");
    assert_eq!(refusals(&store).len(), 3);
    assert_eq!(store.task_progress(mianyang, None).unwrap().len(), 1);
    assert_eq!(store.task_progress(hefei, None).unwrap().len(), 1);
}

#[test]
fn a_department_account_needs_a_known_region() {
    let t = TempStore::new().unwrap();
    let (store, hefei, _) = two_cities(&t);
    for (region, says) in [("", "所属地区"), ("火星市", "不是已知的省或市"), ("蜀山区", "不是已知的省或市")]
    {
        let err = store.add_user(&op(), &new_user("x1", region, "市科技局")).unwrap_err().to_string();
        assert!(err.contains(says), "{region}: {err}");
    }
    let long = "长".repeat(100_000);
    let err = store.add_user(&op(), &new_user("x1", &long, "市科技局")).unwrap_err().to_string();
    assert!(err.contains("不是已知的省或市") && err.chars().count() < 200, "{}", err.chars().count());
    assert!(store.user("x1").unwrap().is_none());
    // A central ministry's department is national.
    assert_eq!(store.add_user(&op(), &new_user("kjb", "全国", "科技部")).unwrap().region, "全国");

    // An account from before departments had a region reports nothing until an admin sets it.
    let mut legacy = store.add_user(&op(), &new_user("old", "合肥市", "市科技局")).unwrap().actor(Channel::Cli, "");
    legacy.region.clear();
    let key = task_of(&store, hefei, "市科技局");
    let err = store.report_task(&legacy, &report(hefei, &key)).unwrap_err().to_string();
    assert!(err.contains("未设所属地区"), "{err}");
    // Only an admin sets a region, only a department editor's, only a known one; audited.
    let kjj = store.user("old").unwrap().unwrap().actor(Channel::Form, "");
    assert!(matches!(store.set_user_region(&kjj, "old", "绵阳市"), Err(StoreError::Forbidden(_))));
    assert!(store.set_user_region(&op(), "old", "火星市").is_err());
    assert_eq!(store.set_user_region(&op(), "old", "绵阳").unwrap().region, "绵阳市");
    let f = AuditFilter { action: "user.region".into(), ..Default::default() };
    let (entries, n) = store.audit_log(&op(), &f, 10, 0).unwrap();
    assert_eq!(n, 1);
    assert!(entries[0].old_value.as_deref().unwrap().contains("合肥市"), "{:?}", entries[0]);
    assert!(entries[0].new_value.as_deref().unwrap().contains("绵阳市"), "{:?}", entries[0]);
}

#[test]
fn departments_are_listed_per_region_with_generic_owners_grouped_and_aliases_merged() {
    let t = TempStore::new().unwrap();
    let (store, hefei, mianyang) = two_cities(&t);
    let all = store.owners(RegionFilter::All).unwrap();
    // 市科技局 of each city is a department of its own.
    let kj: Vec<&str> = all.iter().filter(|o| o.owner == "市科技局").map(|o| o.region.as_str()).collect();
    assert_eq!(kj.len(), 2, "{kj:?}");
    assert!(kj.contains(&"合肥市") && kj.contains(&"绵阳市"));

    let hf = store.owners(RegionFilter::Only("合肥市")).unwrap();
    assert!(hf.iter().all(|o| o.region == "合肥市"), "{hf:?}");
    let kj_hf = hf.iter().find(|o| o.owner == "市科技局").unwrap();
    let tasks = store.owner_tasks("市科技局", RegionFilter::Only("合肥市")).unwrap();
    assert_eq!(tasks.len() as i64, kj_hf.n_lead + kj_hf.n_responsible);
    assert!(tasks.iter().all(|t| t.plan_id == hefei && t.region == "合肥市"), "another region's task listed");
    let both = store.owner_tasks("市科技局", RegionFilter::All).unwrap();
    assert!(both.iter().any(|t| t.plan_id == mianyang) && both.len() > tasks.len());

    // Generic owners (各县(市)区政府, 各开发区管委会) are one group, listed last, not as departments.
    assert!(!hf.iter().any(|o| !o.generic && (o.owner.starts_with('各') || o.owner == "多部门")), "{hf:?}");
    let generic = hf.last().unwrap();
    assert!(generic.generic && generic.owner == GENERIC_OWNERS, "{generic:?}");
    // Two generic owners of one task of one plan: the plan counts once.
    assert_eq!((generic.n_responsible, generic.n_plans), (2, 1), "{generic:?}");
    assert!(hf.iter().filter(|o| o.generic).count() == 1);
    let g = store.owner_tasks(GENERIC_OWNERS, RegionFilter::Only("合肥市")).unwrap();
    assert_eq!(g.len() as i64, generic.n_lead + generic.n_responsible);
    assert!(g.iter().any(|t| t.owner == "各县(市)区政府") && g.iter().any(|t| t.owner == "各开发区管委会"), "{g:?}");
    assert!(g.iter().all(|t| t.owner.starts_with('各')));
    // A named department is not in the group.
    assert!(!g.iter().any(|t| t.owner == "市科技局"));

    // 市委人才办 is 市委组织部(市人才办): one department, as written kept.
    assert!(!all.iter().any(|o| o.owner == "市委人才办"), "the alias is listed as a department of its own");
    let talent = store.owner_tasks("市委组织部(市人才办)", RegionFilter::Only("合肥市")).unwrap();
    assert!(!talent.is_empty() && talent.iter().all(|t| t.written == "市委人才办"), "{talent:?}");

    // The district and industry lists follow the region too.
    let m = store.industry_matrix(50, RegionFilter::Only("绵阳市")).unwrap();
    assert!(!m.plans.is_empty() && m.plans.iter().all(|p| p.region == "绵阳市"));
    assert!(store.places(RegionFilter::Only("火星市")).unwrap().is_empty());
    assert!(store.owners(RegionFilter::Only("火星市")).unwrap().is_empty());
    let regions = store.plan_regions().unwrap();
    assert_eq!(regions.len(), 2, "{regions:?}");
}

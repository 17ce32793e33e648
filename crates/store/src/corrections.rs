//! Analysts' corrections and how they are applied to a machine extraction.
//!
//! Corrections are kept apart from the machine plan. Each edit or delete names the machine
//! item it applies to by an *item key* that does not depend on byte offsets (so it survives a
//! changed file or a newer extractor): the indicator and year of a target, the title of a
//! task, the name of an industry or platform, the subject of a district mapping, each with
//! its occurrence number among items of the same key. Applying is a pure function: machine
//! plan + corrections → effective plan, with every item marked as machine, edited or added,
//! and with corrections whose item is gone listed for review instead of being dropped.

use std::collections::HashMap;

use planwatch_core::model::{DistrictMapping, Industry, Platform, Target, Task};
use planwatch_core::{Dictionaries, Plan};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The kinds of plan items an analyst can correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Target,
    Task,
    Industry,
    District,
    Platform,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] =
        [ItemKind::Target, ItemKind::Task, ItemKind::Industry, ItemKind::District, ItemKind::Platform];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Target => "target",
            ItemKind::Task => "task",
            ItemKind::Industry => "industry",
            ItemKind::District => "district",
            ItemKind::Platform => "platform",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The zh-CN name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Target => "目标",
            ItemKind::Task => "任务",
            ItemKind::Industry => "产业",
            ItemKind::District => "区县布局",
            ItemKind::Platform => "平台",
        }
    }
}

/// What a correction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CorrectionOp {
    /// Change some fields of a machine item (`patch` holds only the changed fields).
    Edit,
    /// A new item the extractor missed (`patch` holds the whole item).
    Add,
    /// Remove a machine item.
    Delete,
}

impl CorrectionOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionOp::Edit => "edit",
            CorrectionOp::Add => "add",
            CorrectionOp::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<CorrectionOp> {
        [CorrectionOp::Edit, CorrectionOp::Add, CorrectionOp::Delete].into_iter().find(|o| o.as_str() == s)
    }
}

/// A stored correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    pub id: i64,
    pub kind: ItemKind,
    pub op: CorrectionOp,
    /// Key of the machine item (edit, delete); `None` for an add.
    pub item_key: Option<String>,
    /// Changed fields (edit) or the whole item (add).
    pub patch: Option<Value>,
    /// The machine item as it was when the correction was made, to show in review.
    pub original: Option<Value>,
    pub author: String,
    pub note: String,
    pub created_at: String,
}

/// Where an item of the effective plan comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "correction", rename_all = "lowercase")]
pub enum ItemState {
    Machine,
    Edited(i64),
    Added(i64),
}

impl ItemState {
    pub fn is_corrected(self) -> bool {
        !matches!(self, ItemState::Machine)
    }

    /// The mark shown beside a corrected item and written in exports.
    pub fn mark(self) -> Option<&'static str> {
        match self {
            ItemState::Machine => None,
            ItemState::Edited(_) => Some("已更正"),
            ItemState::Added(_) => Some("人工新增"),
        }
    }
}

/// Identity and provenance of one item of the effective plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemRef {
    /// Item key of a machine item, `added:<correction id>` for an added one.
    pub key: String,
    #[serde(flatten)]
    pub state: ItemState,
}

/// Item references parallel to the item lists of [`EffectivePlan::plan`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemRefs {
    pub targets: Vec<ItemRef>,
    pub tasks: Vec<ItemRef>,
    pub industries: Vec<ItemRef>,
    pub districts: Vec<ItemRef>,
    pub platforms: Vec<ItemRef>,
}

impl ItemRefs {
    pub fn of(&self, kind: ItemKind) -> &[ItemRef] {
        match kind {
            ItemKind::Target => &self.targets,
            ItemKind::Task => &self.tasks,
            ItemKind::Industry => &self.industries,
            ItemKind::District => &self.districts,
            ItemKind::Platform => &self.platforms,
        }
    }
}

/// A correction that could not be applied, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmatched {
    pub correction: Correction,
    pub reason: String,
}

/// The machine plan with the analysts' corrections applied.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EffectivePlan {
    pub plan: Plan,
    pub refs: ItemRefs,
    /// Delete corrections that removed a machine item (shown struck through on request).
    pub deleted: Vec<Correction>,
    /// Corrections whose machine item no longer exists (after a new version or extractor):
    /// kept, not applied, listed for review.
    pub unmatched: Vec<Unmatched>,
    /// Corrections of the plan's title, issuer or region (applied to `plan.meta`).
    pub meta_corrections: Vec<MetaCorrection>,
}

impl EffectivePlan {
    /// Number of items an analyst edited, added or deleted.
    pub fn corrected_count(&self) -> usize {
        let refs = ItemKind::ALL.iter().flat_map(|k| self.refs.of(*k)).filter(|r| r.state.is_corrected()).count();
        refs + self.deleted.len() + self.meta_corrections.len()
    }

    /// The correction of one metadata field, if an analyst made one.
    pub fn meta_correction(&self, field: MetaField) -> Option<&MetaCorrection> {
        self.meta_corrections.iter().find(|m| m.field == field)
    }

    /// The state of the item with `key`, if it is in the effective plan.
    pub fn find(&self, kind: ItemKind, key: &str) -> Option<(usize, ItemState)> {
        self.refs.of(kind).iter().position(|r| r.key == key).map(|i| (i, self.refs.of(kind)[i].state))
    }
}

/// The fields of a plan's metadata an analyst can correct (table `meta_corrections`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaField {
    /// The plan's title (what other plans cite it by).
    Title,
    /// The issuing office(s).
    Issuer,
    /// The province or city the plan is of (or 全国).
    Region,
}

impl MetaField {
    pub const ALL: [MetaField; 3] = [MetaField::Title, MetaField::Issuer, MetaField::Region];

    pub fn as_str(self) -> &'static str {
        match self {
            MetaField::Title => "title",
            MetaField::Issuer => "issuer",
            MetaField::Region => "region",
        }
    }

    pub fn parse(s: &str) -> Option<MetaField> {
        MetaField::ALL.into_iter().find(|f| f.as_str() == s.trim())
    }

    /// The zh-CN name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            MetaField::Title => "标题",
            MetaField::Issuer => "发文机关",
            MetaField::Region => "地区",
        }
    }

    /// The field's value in `meta`.
    pub fn get(self, meta: &planwatch_core::model::Meta) -> Option<&str> {
        match self {
            MetaField::Title => meta.title.as_deref(),
            MetaField::Issuer => meta.issuer.as_deref(),
            MetaField::Region => meta.region.as_deref(),
        }
    }

    fn set(self, meta: &mut planwatch_core::model::Meta, value: &str) {
        let v = Some(value.to_string());
        match self {
            MetaField::Title => meta.title = v,
            MetaField::Issuer => meta.issuer = v,
            MetaField::Region => meta.region = v,
        }
    }
}

/// An analyst's value for one metadata field of a plan. It applies to whatever version is
/// current (metadata has no item key to lose), so it survives a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaCorrection {
    pub id: i64,
    pub field: MetaField,
    pub value: String,
    /// The machine value when the correction was made (empty: none was read).
    pub original: String,
    pub author: String,
    pub note: String,
    pub updated_at: String,
}

/// Applies the metadata corrections to an effective plan (after the item corrections).
pub fn apply_meta(eff: &mut EffectivePlan, metas: &[MetaCorrection]) {
    for m in metas {
        m.field.set(&mut eff.plan.meta, &m.value);
    }
    eff.meta_corrections = metas.to_vec();
}

/// Base key of a target: indicator and deadline year.
pub fn target_key(t: &Target) -> String {
    format!("{}|{}", squeeze(&t.indicator), t.year.map(|y| y.to_string()).unwrap_or_default())
}

/// Base key of a task: its title, or the start of its text when untitled.
pub fn task_key(t: &Task) -> String {
    let basis = if t.title.trim().is_empty() { &t.text } else { &t.title };
    squeeze(basis).chars().take(40).collect()
}

pub fn industry_key(i: &Industry) -> String {
    squeeze(&i.name)
}

pub fn district_key(d: &DistrictMapping) -> String {
    squeeze(&d.subject)
}

pub fn platform_key(p: &Platform) -> String {
    squeeze(&p.name)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Keys of a list of items: the base key and the occurrence number (`key#2` for the second
/// item with the same base key), so duplicates stay distinguishable.
pub fn keys_of<T>(items: &[T], base: impl Fn(&T) -> String) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .iter()
        .map(|it| {
            let b = base(it);
            let n = seen.entry(b.clone()).or_default();
            *n += 1;
            format!("{b}#{n}")
        })
        .collect()
}

/// Item keys of every item of a machine plan, by kind.
pub fn machine_keys(plan: &Plan, kind: ItemKind) -> Vec<String> {
    match kind {
        ItemKind::Target => keys_of(&plan.targets, target_key),
        ItemKind::Task => keys_of(&plan.tasks, task_key),
        ItemKind::Industry => keys_of(&plan.industries, industry_key),
        ItemKind::District => keys_of(&plan.districts, district_key),
        ItemKind::Platform => keys_of(&plan.platforms, platform_key),
    }
}

/// Applies `corrections` (in id order) to the machine plan.
pub fn apply(machine: &Plan, corrections: &[Correction], dicts: &Dictionaries) -> EffectivePlan {
    let mut sorted: Vec<&Correction> = corrections.iter().collect();
    sorted.sort_by_key(|c| c.id);
    let mut out = EffectivePlan { plan: machine.clone(), ..Default::default() };
    let region = machine.meta.region.clone();
    let fix_task = |t: &mut Task| {
        t.owners = planwatch_core::extract::tasks::resolve_owners(dicts, region.as_deref(), &t.lead, &t.responsible);
    };
    let mut deleted = Vec::new();
    let mut unmatched = Vec::new();
    let mut run = |kind: ItemKind| {
        let of_kind: Vec<&Correction> = sorted.iter().copied().filter(|c| c.kind == kind).collect();
        let keys = machine_keys(machine, kind);
        match kind {
            ItemKind::Target => {
                let (items, refs) =
                    apply_kind(&machine.targets, &keys, &of_kind, no_fix::<_>, &mut deleted, &mut unmatched);
                out.plan.targets = items;
                out.refs.targets = refs;
            }
            ItemKind::Task => {
                let (items, refs) = apply_kind(&machine.tasks, &keys, &of_kind, fix_task, &mut deleted, &mut unmatched);
                out.plan.tasks = items;
                out.refs.tasks = refs;
            }
            ItemKind::Industry => {
                let (items, refs) =
                    apply_kind(&machine.industries, &keys, &of_kind, no_fix::<_>, &mut deleted, &mut unmatched);
                out.plan.industries = items;
                out.refs.industries = refs;
            }
            ItemKind::District => {
                let (items, refs) =
                    apply_kind(&machine.districts, &keys, &of_kind, no_fix::<_>, &mut deleted, &mut unmatched);
                out.plan.districts = items;
                out.refs.districts = refs;
            }
            ItemKind::Platform => {
                let (items, refs) =
                    apply_kind(&machine.platforms, &keys, &of_kind, no_fix::<_>, &mut deleted, &mut unmatched);
                out.plan.platforms = items;
                out.refs.platforms = refs;
            }
        }
    };
    for kind in ItemKind::ALL {
        run(kind);
    }
    out.deleted = deleted;
    out.unmatched = unmatched;
    out
}

fn no_fix<T>(_: &mut T) {}

fn apply_kind<T: Serialize + DeserializeOwned + Clone>(
    items: &[T],
    keys: &[String],
    corrections: &[&Correction],
    fixup: impl Fn(&mut T),
    deleted: &mut Vec<Correction>,
    unmatched: &mut Vec<Unmatched>,
) -> (Vec<T>, Vec<ItemRef>) {
    let index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    // Per machine item: the last delete, or the edits in order.
    let mut removed: Vec<Option<&Correction>> = vec![None; items.len()];
    let mut edits: Vec<Vec<&Correction>> = vec![Vec::new(); items.len()];
    let mut adds = Vec::new();
    for c in corrections {
        match c.op {
            CorrectionOp::Add => adds.push(*c),
            CorrectionOp::Edit | CorrectionOp::Delete => {
                let Some(&i) = c.item_key.as_deref().and_then(|k| index.get(k)) else {
                    unmatched.push(Unmatched {
                        correction: (*c).clone(),
                        reason: "原文中已找不到该条目(文件已更新或重新抽取),请复核".into(),
                    });
                    continue;
                };
                if c.op == CorrectionOp::Delete {
                    removed[i] = Some(c);
                } else {
                    edits[i].push(c);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(items.len() + adds.len());
    let mut refs = Vec::with_capacity(items.len() + adds.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(c) = removed[i] {
            deleted.push(c.clone());
            continue;
        }
        let mut state = ItemState::Machine;
        let mut current = item.clone();
        for c in &edits[i] {
            match merge(&current, c.patch.as_ref()) {
                Some(mut merged) => {
                    fixup(&mut merged);
                    current = merged;
                    state = ItemState::Edited(c.id);
                }
                None => unmatched
                    .push(Unmatched {
                        correction: (*c).clone(), reason: "更正内容与条目格式不符,未应用".into()
                    }),
            }
        }
        out.push(current);
        refs.push(ItemRef { key: keys[i].clone(), state });
    }
    for c in adds {
        match c.patch.clone().map(serde_json::from_value::<T>) {
            Some(Ok(mut item)) => {
                fixup(&mut item);
                out.push(item);
                refs.push(ItemRef { key: format!("added:{}", c.id), state: ItemState::Added(c.id) });
            }
            _ => {
                unmatched.push(Unmatched { correction: c.clone(), reason: "新增条目格式不符,未应用".into() })
            }
        }
    }
    (out, refs)
}

/// The item with the top-level fields of `patch` replaced; `None` when the result is not a
/// valid item.
fn merge<T: Serialize + DeserializeOwned>(item: &T, patch: Option<&Value>) -> Option<T> {
    let mut v = serde_json::to_value(item).ok()?;
    if let (Some(obj), Some(Value::Object(p))) = (v.as_object_mut(), patch) {
        for (k, val) in p {
            obj.insert(k.clone(), val.clone());
        }
    }
    serde_json::from_value(v).ok()
}

/// The fields of `new` that differ from `old`, as a patch.
pub fn diff<T: Serialize>(old: &T, new: &T) -> Value {
    match (serde_json::to_value(old), serde_json::to_value(new)) {
        (Ok(a), Ok(b)) => diff_values(&a, &b),
        _ => Value::Object(Default::default()),
    }
}

/// The fields of object `new` that differ from object `old`; `new` itself when either is not
/// an object.
pub fn diff_values(old: &Value, new: &Value) -> Value {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            Value::Object(b.iter().filter(|(k, v)| a.get(*k) != Some(v)).map(|(k, v)| (k.clone(), v.clone())).collect())
        }
        _ => new.clone(),
    }
}

/// Item `index` of `kind` in `plan`, as JSON.
pub fn item_value(plan: &Plan, kind: ItemKind, index: usize) -> Option<Value> {
    let v = match kind {
        ItemKind::Target => serde_json::to_value(plan.targets.get(index)?),
        ItemKind::Task => serde_json::to_value(plan.tasks.get(index)?),
        ItemKind::Industry => serde_json::to_value(plan.industries.get(index)?),
        ItemKind::District => serde_json::to_value(plan.districts.get(index)?),
        ItemKind::Platform => serde_json::to_value(plan.platforms.get(index)?),
    };
    v.ok()
}

/// An empty item of `kind`, as JSON: the base of an item an analyst adds.
pub fn blank_item(kind: ItemKind) -> Value {
    let v = match kind {
        ItemKind::Target => serde_json::to_value(Target::default()),
        ItemKind::Task => serde_json::to_value(Task::default()),
        ItemKind::Industry => serde_json::to_value(Industry::default()),
        ItemKind::District => serde_json::to_value(DistrictMapping::default()),
        ItemKind::Platform => serde_json::to_value(Platform::default()),
    };
    v.unwrap_or_default()
}

/// Whether `v` is a valid item of `kind` (every field present with the right type).
pub fn is_item(kind: ItemKind, v: &Value) -> bool {
    fn parses<T: DeserializeOwned>(v: &Value) -> bool {
        T::deserialize(v).is_ok()
    }
    match kind {
        ItemKind::Target => parses::<Target>(v),
        ItemKind::Task => parses::<Task>(v),
        ItemKind::Industry => parses::<Industry>(v),
        ItemKind::District => parses::<DistrictMapping>(v),
        ItemKind::Platform => parses::<Platform>(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan() -> Plan {
        let target = |indicator: &str, value: f64, unit: &str| Target {
            indicator: indicator.into(),
            year: Some(2027),
            value,
            unit: unit.into(),
            ..Default::default()
        };
        Plan {
            targets: vec![target("产值", 100.0, "亿元"), target("企业", 50.0, "家"), target("企业", 60.0, "家")],
            tasks: vec![Task {
                title: "培育链主企业".into(), lead: vec!["市经济信息委".into()], ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn corr(id: i64, kind: ItemKind, op: CorrectionOp, key: Option<&str>, patch: Option<Value>) -> Correction {
        Correction {
            id,
            kind,
            op,
            item_key: key.map(str::to_string),
            patch,
            original: None,
            author: "t".into(),
            note: String::new(),
            created_at: String::new(),
        }
    }

    #[test]
    fn keys_number_duplicates() {
        let keys = machine_keys(&plan(), ItemKind::Target);
        assert_eq!(keys, vec!["产值|2027#1", "企业|2027#1", "企业|2027#2"]);
    }

    #[test]
    fn edit_delete_add_and_unmatched() {
        let dicts = Dictionaries::builtin();
        let cs = vec![
            corr(1, ItemKind::Target, CorrectionOp::Edit, Some("企业|2027#2"), Some(json!({"value": 65.0}))),
            corr(2, ItemKind::Target, CorrectionOp::Delete, Some("产值|2027#1"), None),
            corr(
                3,
                ItemKind::Target,
                CorrectionOp::Add,
                None,
                Some(
                    serde_json::to_value(Target { indicator: "专利".into(), value: 5.0, ..Default::default() })
                        .unwrap(),
                ),
            ),
            corr(4, ItemKind::Target, CorrectionOp::Edit, Some("不存在|#1"), Some(json!({"value": 1.0}))),
            corr(5, ItemKind::Task, CorrectionOp::Edit, Some("培育链主企业#1"), Some(json!({"lead": ["市科技局"]}))),
        ];
        let e = apply(&plan(), &cs, &dicts);
        let values: Vec<f64> = e.plan.targets.iter().map(|t| t.value).collect();
        assert_eq!(values, vec![50.0, 65.0, 5.0]);
        assert_eq!(e.refs.targets[0].state, ItemState::Machine);
        assert_eq!(e.refs.targets[1].state, ItemState::Edited(1));
        assert_eq!(e.refs.targets[2].state, ItemState::Added(3));
        assert_eq!(e.deleted.len(), 1);
        assert_eq!(e.unmatched.len(), 1);
        assert_eq!(e.unmatched[0].correction.id, 4);
        // Owners are resolved again after an owner edit.
        assert_eq!(e.plan.tasks[0].owners.len(), 1);
        assert_eq!(e.plan.tasks[0].owners[0].role, "lead");
        assert_eq!(e.plan.tasks[0].owners[0].name, "市科技局");
        assert_eq!(e.corrected_count(), 4);
    }

    #[test]
    fn task_content_and_deadline_are_corrected_like_any_field() {
        let dicts = Dictionaries::builtin();
        let mut machine = plan();
        machine.tasks[0].content = "培育链主企业。每年遴选一批。".into();
        machine.tasks[0].deadline = Some("每年".into());
        // Clearing the deadline is a change the patch records (null), not a field left out.
        let mut edited = machine.tasks[0].clone();
        edited.content = "培育链主企业。".into();
        edited.deadline = None;
        let patch = diff(&machine.tasks[0], &edited);
        assert_eq!(patch, json!({"content": "培育链主企业。", "deadline": null}));
        let e = apply(
            &machine,
            &[corr(1, ItemKind::Task, CorrectionOp::Edit, Some("培育链主企业#1"), Some(patch))],
            &dicts,
        );
        assert_eq!(e.plan.tasks[0].content, "培育链主企业。");
        assert_eq!(e.plan.tasks[0].deadline, None);
        assert_eq!(e.refs.tasks[0].state, ItemState::Edited(1));
        // Tasks stored before the fields existed (or added without them) still read.
        let old = json!({"path": "", "title": "旧任务", "lead": [], "responsible": [], "text": "", "span": [0, 0]});
        assert!(is_item(ItemKind::Task, &old));
    }

    #[test]
    fn diff_lists_changed_fields_only() {
        let a = Target { indicator: "产值".into(), value: 1.0, ..Default::default() };
        let b = Target { indicator: "产值".into(), value: 2.0, ..Default::default() };
        assert_eq!(diff(&a, &b), json!({"value": 2.0}));
    }
}

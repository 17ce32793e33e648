//! Monitoring data: indicators, observations and their history, task progress reports,
//! composite indices and published rankings. The computations themselves are in
//! `planwatch-monitor`; this module stores and loads what they need.
//!
//! Invariants:
//! - An observation file is validated whole before anything is written; a file with any bad
//!   row writes nothing. A good file is stored in one transaction with its `imports` row.
//! - A stored value is never overwritten without a trace: a changed value appends to
//!   `observation_history` (old value, new value, the import each came from, who, when).
//! - A published ranking is stored as it was shown and never rewritten; publishing again
//!   adds a revision.
//! - `meta.monitor_rev` increases with every monitoring write, and `meta.monitor_rev:<region>`
//!   with every monitoring write touching that region (indicators, observations, task
//!   reports of its plans, indices, rankings, approvals). Page caches key on them: a page of
//!   one region stays valid while another region's districts write (see [`MonitorScope`]).

use crate::access::{audit, authorize, Action, Actor, AuditEntry};
use crate::corrections::task_key;
use crate::db::{params, Db, OptionalExt, Row};
use crate::{limits, sha256_hex, Result, Store, StoreError};
use planwatch_monitor::listing::Listing;
use planwatch_monitor::observations::{self, Catalogue, FileError, History, IndicatorInfo, PlaceRef, Validation};
use planwatch_monitor::{Direction, Frequency, Period, Rollup};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// An indicator as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Indicator {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub frequency: Frequency,
    pub rollup: Rollup,
    /// The weight indicator (its code) of a weighted-mean roll-up; None for every other rule.
    pub rollup_weight: Option<String>,
    pub region: String,
    pub document_id: Option<i64>,
    pub version_id: Option<i64>,
    /// Item key of the target mention the indicator was made from (its primary mention).
    pub target_key: Option<String>,
    pub target_value: Option<f64>,
    pub target_year: Option<i32>,
    /// The plan states no year for the target: `target_year` is the plan's end year (推定).
    pub target_year_inferred: bool,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub start_year: Option<i32>,
    pub source_text: String,
    pub span: Option<(usize, usize)>,
    /// The other mentions of the same indicator in the plan (text, 专栏 table, tasks).
    pub other_mentions: Vec<IndicatorMention>,
    pub note: String,
    pub created_at: String,
    /// The target is an amount to add over the period (新增 N), counted from the start.
    pub increment: bool,
}

/// A mention of an indicator's target in its plan: the item key, the sentence and its span.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct IndicatorMention {
    pub key: String,
    pub text: String,
    pub span: (usize, usize),
}

/// An indicator to define by hand (`planwatch indicators add`).
#[derive(Debug, Clone, Default)]
pub struct NewIndicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub frequency: Option<Frequency>,
    pub rollup: Rollup,
    /// The weight indicator's code, for (and only for) a weighted mean.
    pub rollup_weight: Option<String>,
    pub region: String,
    pub target_value: Option<f64>,
    pub target_year: Option<i32>,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub start_year: Option<i32>,
    pub note: String,
    /// The target is an amount to add (新增 N), not a level.
    pub increment: bool,
}

/// What [`Store::edit_indicator`] changes: each field given (`Some`) is set, the others kept.
#[derive(Debug, Clone, Default)]
pub struct IndicatorEdit {
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub frequency: Option<Frequency>,
    /// The roll-up rule and, for a weighted mean, the weight indicator's code.
    pub rollup: Option<(Rollup, Option<String>)>,
    /// `Some(None)` clears the baseline; `Some(Some((value, year)))` sets it.
    pub baseline: Option<Option<(f64, i32)>>,
    /// Whether the target is an increment (新增 N) rather than a level.
    pub increment: Option<bool>,
}

/// The newest value of one indicator at one place ([`Store::place_latest`]).
#[derive(Debug, Clone, Serialize)]
pub struct PlaceValue {
    pub observation_id: i64,
    pub indicator: Indicator,
    pub period: Period,
    pub value: f64,
    /// Why the value is flagged 待核实 (it then counts nowhere), if it is.
    pub flagged: Option<String>,
    /// The import the value came from.
    pub import_id: i64,
}

/// What `indicators from-targets` did with each indicator of a plan's 目标台账.
#[derive(Debug, Clone, Serialize)]
pub struct FromTarget {
    pub code: String,
    pub name: String,
    /// False when the indicator already existed (the command is idempotent).
    pub created: bool,
    /// How many target mentions of the plan the indicator stands for.
    pub mentions: usize,
    /// The deadline is the plan's end year, as the plan states none for the target.
    pub year_inferred: bool,
}

const INDICATOR_COLUMNS: &str = "id, code, name, unit, direction, frequency, rollup, region, document_id, version_id,
    target_key, target_value, target_year, baseline_value, baseline_year, start_year, source_text, span_start,
    span_end, note, created_at, other_mentions, target_year_inferred, rollup_weight, increment";

fn indicator_row(r: &Row) -> crate::Result<Indicator> {
    let word = |i: usize| -> crate::Result<String> { r.get(i) };
    let bad = |i: usize, e: String| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into());
    let span_start: Option<i64> = r.get(17)?;
    let span_end: Option<i64> = r.get(18)?;
    Ok(Indicator {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        unit: r.get(3)?,
        direction: word(4)?.parse().map_err(|e| bad(4, e))?,
        frequency: word(5)?.parse().map_err(|e| bad(5, e))?,
        rollup: word(6)?.parse().map_err(|e| bad(6, e))?,
        rollup_weight: r.get(23)?,
        region: r.get(7)?,
        document_id: r.get(8)?,
        version_id: r.get(9)?,
        target_key: r.get(10)?,
        target_value: r.get(11)?,
        target_year: r.get(12)?,
        baseline_value: r.get(13)?,
        baseline_year: r.get(14)?,
        start_year: r.get(15)?,
        source_text: r.get(16)?,
        span: span_start.zip(span_end).map(|(a, b)| (a as usize, b as usize)),
        note: r.get(19)?,
        created_at: r.get(20)?,
        other_mentions: serde_json::from_str(&word(21)?).map_err(|e| bad(21, e.to_string()))?,
        target_year_inferred: {
            let inferred: i64 = r.get(22)?;
            inferred != 0
        },
        increment: {
            let increment: i64 = r.get(24)?;
            increment != 0
        },
    })
}

/// Words in an indicator's name that mean a smaller value is better.
const LOWER_IS_BETTER: [&str; 8] = ["能耗", "排放", "下降", "降低", "减少", "失业率", "事故", "污染"];

/// Checks a roll-up rule for the indicator `(code, name, unit, region)` and returns the
/// weight to store (a weighted mean's weight code; None for every other rule).
fn check_rollup(
    tx: &Db,
    (code, name, unit, region): (&str, &str, &str, &str),
    rollup: Rollup,
    weight: Option<&str>,
) -> Result<Option<String>> {
    let weight = weight.map(str::trim).filter(|w| !w.is_empty());
    if rollup == Rollup::Sum
        && (planwatch_monitor::indicator::is_ratio(name, unit) || planwatch_monitor::indicator::is_per_capita(name))
    {
        return Err(StoreError::Invalid(format!(
            "指标 {code}({name})是比率或人均指标,区县数值不能求和:请选加权平均(给出权重指标,如常住人口、地区生产总值或其分母指标)、平均、最大值、最小值或仅市级填报"
        )));
    }
    if !rollup.needs_weight() {
        if let Some(w) = weight {
            return Err(StoreError::Invalid(format!(
                "汇总方式“{}”不用权重指标,却给了“{w}”:只有加权平均需要权重指标,请去掉权重或改选加权平均",
                rollup.label()
            )));
        }
        return Ok(None);
    }
    let Some(w) = weight else {
        return Err(StoreError::Invalid(format!(
            "指标 {code} 选了加权平均,但没有给出权重指标:请给出同一地区的权重指标代码(如常住人口、地区生产总值,或比率的分母指标)"
        )));
    };
    if w == code {
        return Err(StoreError::Invalid(format!(
            "指标 {code} 不能以自身为权重:请选另一个指标(如常住人口或地区生产总值)"
        )));
    }
    let found: Option<String> =
        tx.query_row("SELECT region FROM indicators WHERE code = ?1", params![w], |r| r.get(0)).optional()?;
    match found {
        None => Err(StoreError::Invalid(format!(
            "权重指标“{w}”不存在:请先建立该指标(如常住人口)并导入各区县数值,再把它设为 {code} 的权重"
        ))),
        Some(r) if r != region => Err(StoreError::Invalid(format!(
            "权重指标“{w}”属于{r},而指标 {code} 属于{region}:权重须是同一地区各区县的数值"
        ))),
        Some(_) => Ok(Some(w.to_string())),
    }
}

/// Whether a 目标台账 row is monitored as an increment (counted from the start): an addition
/// to a count or an amount. Shares, rates and multiples (`年均增长6%`, `提高5个百分点`) are
/// reported as the rate itself, so they stay levels.
fn counts_as_increment(row: &planwatch_core::ledger::LedgerRow) -> bool {
    let rate = ["%", "％", "‰", "百分点", "倍"].iter().any(|u| row.unit.contains(u));
    row.increment && !rate && row.kind != "ratio" && row.kind != "multiple"
}

/// `M` + document id + the target's position: stable, short, and typed easily in a sheet.
fn target_code(document_id: i64, n: usize) -> String {
    format!("P{document_id}-T{:02}", n + 1)
}

/// The meta key counting the monitoring writes of one region.
fn region_rev_key(region: &str) -> String {
    format!("monitor_rev:{region}")
}

/// Counts a monitoring write: the global revision and that of every region it touched, in
/// one statement (a region's counter is made on its first write). Its one parameter is
/// [`monitor_rev_keys`].
const BUMP_MONITOR_REV: &str = "INSERT INTO meta (key, value) SELECT value, '1' FROM json_each(?1) WHERE true
     ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + 1 AS TEXT)";

/// The counters a write of these regions bumps, as the JSON array [`BUMP_MONITOR_REV`] takes.
fn monitor_rev_keys<'a>(regions: impl IntoIterator<Item = &'a str>) -> String {
    let regions: std::collections::BTreeSet<&str> = regions.into_iter().collect();
    let keys: Vec<String> =
        std::iter::once("monitor_rev".to_string()).chain(regions.into_iter().map(region_rev_key)).collect();
    serde_json::Value::from(keys).to_string()
}

pub(crate) fn bump_monitor_rev<S: AsRef<str>>(tx: &Db, regions: &[S]) -> Result<()> {
    tx.execute(BUMP_MONITOR_REV, params![monitor_rev_keys(regions.iter().map(AsRef::as_ref))])?;
    Ok(())
}

/// What a cached monitoring page shows, so that its version covers exactly the regions its
/// figures come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorScope {
    /// Pages across regions (the overview): every monitoring write changes them.
    All,
    /// A plan's pages (progress, indicator, report): the plan's region and its indicators'.
    Plan(i64),
    /// An index's pages (ranking, map), by the index's name: the index's region.
    Index(String),
    /// An indicator's pages (map), by its code: the indicator's region.
    Indicator(String),
    /// A region's registry lists: every registry write of the region bumps its counter.
    Region(String),
}

/// The version of a monitoring page: any change that could alter the page changes it.
/// `revision` is the sum of the scope's counters (each only grows, so the sum grows with any
/// of them); `counters` names them, so a scope whose regions changed never matches an old sum.
/// A restore makes a new generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitorVersion {
    pub generation: u64,
    pub revision: u64,
    pub counters: String,
}

fn parse_word<T: std::str::FromStr<Err = String>>(field: &str, s: &str) -> Result<T> {
    s.parse().map_err(|e| StoreError::Invalid(format!("{field}: {e}")))
}

impl Store {
    /// The version of the pages of `scope`, in one query.
    pub fn monitor_version_of(&self, scope: &MonitorScope) -> Result<MonitorVersion> {
        const HEAD: &str = "SELECT key, value FROM meta WHERE key = 'generation' OR key ";
        let r = self.reader()?;
        let mut version = MonitorVersion { generation: 0, revision: 0, counters: String::new() };
        let mut counters = Vec::new();
        let add = |row: &Row| -> Result<()> {
            let key: String = row.get(0)?;
            let value: String = row.get(1)?;
            let v: u64 = value.parse().map_err(|_| StoreError::Corrupt(format!("meta.{key} = {value:?}")))?;
            if key == "generation" {
                version.generation = v;
            } else {
                version.revision += v;
                counters.push(key);
            }
            Ok(())
        };
        let of_name = |from: &str, column: &str| {
            format!("{HEAD} IN (SELECT 'monitor_rev:' || region FROM {from} WHERE {column} = ?1)")
        };
        match scope {
            MonitorScope::All => r.for_each(&format!("{HEAD} = 'monitor_rev'"), params![], add)?,
            MonitorScope::Plan(id) => r.for_each(
                &format!(
                    "{HEAD} IN (SELECT 'monitor_rev:' || region FROM documents WHERE id = ?1
                     UNION SELECT 'monitor_rev:' || region FROM indicators WHERE document_id = ?1)"
                ),
                params![*id],
                add,
            )?,
            MonitorScope::Index(name) => r.for_each(&of_name("indices", "name"), params![name], add)?,
            MonitorScope::Indicator(code) => r.for_each(&of_name("indicators", "code"), params![code], add)?,
            MonitorScope::Region(region) => {
                r.for_each(&format!("{HEAD} = ?1"), params![region_rev_key(region)], add)?
            }
        }
        counters.sort_unstable();
        version.counters = counters.join("\u{1}");
        Ok(version)
    }

    /// Makes one indicator per indicator of the 目标台账 of a plan's current effective version
    /// (`planwatch_core::ledger`: the mentions of one indicator in the text, the 专栏 table
    /// and the tasks merged): target value, unit and deadline of the row, the baseline of its
    /// table mention, linked to its primary mention's item key and sentence and listing the
    /// other mentions. A target the plan gives no year gets the plan's end year as its
    /// deadline, marked inferred; the plan itself is not changed. Indicators that exist for
    /// any mention of a row are left as they are, so running it again changes nothing.
    pub fn indicators_from_targets(
        &self,
        actor: &Actor,
        document_id: i64,
        frequency: Frequency,
    ) -> Result<Vec<FromTarget>> {
        authorize(actor, Action::DefineIndicator)?;
        let view = self.plan_view(document_id)?;
        let plan = &view.effective.plan;
        let region = plan.meta.region.clone().unwrap_or_default();
        if region.is_empty() {
            return Err(StoreError::Invalid(format!(
                "plan {document_id} has no region: correct its metadata first (indicators need the region whose units report them)"
            )));
        }
        let refs = &view.effective.refs.targets;
        let key_of = |i: usize| refs.get(i).map(|r| r.key.clone()).unwrap_or_default();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        // Mentions that already have their indicator, as its primary or another mention.
        let mut made: HashMap<String, (String, String)> = HashMap::new();
        tx.for_each(
            "SELECT code, name, target_key, other_mentions FROM indicators WHERE document_id = ?1",
            params![document_id],
            |r| {
                let (code, name): (String, String) = (r.get(0)?, r.get(1)?);
                let primary: Option<String> = r.get(2)?;
                let others: String = r.get(3)?;
                let others: Vec<IndicatorMention> = serde_json::from_str(&others)
                    .map_err(|e| StoreError::Corrupt(format!("indicators.other_mentions of {code}: {e}")))?;
                for key in primary.into_iter().chain(others.into_iter().map(|m| m.key)) {
                    made.insert(key, (code.clone(), name.clone()));
                }
                Ok(())
            },
        )?;
        let mut out = Vec::new();
        for row in planwatch_core::ledger::ledger(plan) {
            let mentions = row.mentions.len();
            if let Some((code, name)) = row.mentions.iter().find_map(|m| made.get(&key_of(m.index))) {
                out.push(FromTarget {
                    code: code.clone(),
                    name: name.clone(),
                    created: false,
                    mentions,
                    year_inferred: false,
                });
                continue;
            }
            let n = row.primary;
            let t = &plan.targets[n];
            let key = key_of(n);
            let mut code = target_code(document_id, n);
            let mut suffix = 1;
            while tx
                .query_row("SELECT 1 FROM indicators WHERE code = ?1", params![code], |_| Ok(()))
                .optional()?
                .is_some()
            {
                suffix += 1;
                code = format!("{}-{suffix}", target_code(document_id, n));
            }
            let name = row.indicator.trim().to_string();
            let direction =
                if LOWER_IS_BETTER.iter().any(|w| name.contains(w)) { Direction::Lower } else { Direction::Higher };
            let start_year = plan.meta.period_start.or(row.baseline_year.map(|y| y + 1));
            // A year the plan does not state: the plan's end year, marked inferred.
            let year_inferred = row.year.is_none() && plan.meta.period_end.is_some();
            let target_year = row.year.or(plan.meta.period_end);
            let others: Vec<IndicatorMention> = row
                .mentions
                .iter()
                .filter(|m| m.index != n)
                .map(|m| IndicatorMention { key: key_of(m.index), text: m.text.clone(), span: (m.span[0], m.span[1]) })
                .collect();
            let others_json = serde_json::to_string(&others).map_err(|e| StoreError::Invalid(e.to_string()))?;
            let note = [
                row.attribute.clone().unwrap_or_default(),
                if row.increment {
                    "增量目标(新增、累计或年均增长等)".to_string()
                } else {
                    String::new()
                },
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(";");
            tx.execute(
                &format!(
                    "INSERT INTO indicators (code, name, unit, direction, frequency, rollup, region, document_id,
                        version_id, target_key, target_value, target_year, baseline_value, baseline_year, start_year,
                        source_text, span_start, span_end, note, created_at, other_mentions, target_year_inferred,
                        increment)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, {NOW},
                        ?20, ?21, ?22)"
                ),
                params![
                    code,
                    name,
                    row.unit,
                    direction.as_str(),
                    frequency.as_str(),
                    // Ratios and per-capita figures are never summed: the city's own figure
                    // until an analyst names their weight (indicator edit page, API, CLI).
                    planwatch_monitor::indicator::default_rollup(&name, &row.unit, false).as_str(),
                    region,
                    document_id,
                    view.version.id,
                    key,
                    row.value,
                    target_year,
                    row.baseline_value,
                    row.baseline_year,
                    start_year,
                    t.text,
                    t.span[0] as i64,
                    t.span[1] as i64,
                    note,
                    others_json,
                    i64::from(year_inferred),
                    i64::from(counts_as_increment(&row)),
                ],
            )?;
            audit(
                &tx,
                actor,
                AuditEntry {
                    action: "indicator.add",
                    object: format!("indicator {code}"),
                    old: None,
                    new: Some(json!({"name": name, "unit": row.unit, "target": row.value, "year": target_year,
                        "year_inferred": year_inferred, "increment": counts_as_increment(&row),
                        "baseline": row.baseline_value, "baseline_year": row.baseline_year, "plan": document_id, "target_key": key,
                        "other_keys": others.iter().map(|m| m.key.as_str()).collect::<Vec<_>>()})),
                    source: format!("plan {document_id}"),
                },
            )?;
            for m in &row.mentions {
                made.insert(key_of(m.index), (code.clone(), name.clone()));
            }
            out.push(FromTarget { code, name, created: true, mentions, year_inferred });
        }
        bump_monitor_rev(&tx, &[&region])?;
        tx.commit()?;
        Ok(out)
    }

    /// Defines an indicator by hand.
    pub fn add_indicator(&self, actor: &Actor, new: &NewIndicator) -> Result<Indicator> {
        authorize(actor, Action::DefineIndicator)?;
        limits::INDICATOR_CODE.check(new.code.trim())?;
        limits::INDICATOR_NAME.check(new.name.trim())?;
        limits::INDICATOR_UNIT.check(new.unit.trim())?;
        limits::INDICATOR_NOTE.check(&new.note)?;
        let code = new.code.trim();
        if code.is_empty() || code.chars().any(|c| c.is_whitespace() || c == ',') {
            return Err(StoreError::Invalid(format!(
                "indicator code “{code}”: use letters, digits, - or _ without spaces or commas"
            )));
        }
        if new.name.trim().is_empty() {
            return Err(StoreError::Invalid("indicator name is empty".into()));
        }
        if self.dicts().unit(&new.region).is_none() {
            return Err(StoreError::Invalid(format!(
                "region “{}” is not a province or city of data/places.toml: give its full name, e.g. 重庆市",
                new.region
            )));
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let taken = tx.query_row("SELECT 1 FROM indicators WHERE code = ?1", params![code], |_| Ok(())).optional()?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!("indicator code “{code}” is already used: choose another")));
        }
        let weight = check_rollup(
            &tx,
            (code, new.name.trim(), new.unit.trim(), &new.region),
            new.rollup,
            new.rollup_weight.as_deref(),
        )?;
        tx.execute(
            &format!(
                "INSERT INTO indicators (code, name, unit, direction, frequency, rollup, region, target_value,
                    target_year, baseline_value, baseline_year, start_year, note, created_at, rollup_weight,
                    increment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, {NOW}, ?14, ?15)"
            ),
            params![
                code,
                new.name.trim(),
                new.unit.trim(),
                new.direction.as_str(),
                new.frequency.unwrap_or(Frequency::Quarter).as_str(),
                new.rollup.as_str(),
                new.region,
                new.target_value,
                new.target_year,
                new.baseline_value,
                new.baseline_year,
                new.start_year,
                new.note,
                weight,
                i64::from(new.increment),
            ],
        )?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "indicator.add",
                object: format!("indicator {code}"),
                old: None,
                new: Some(json!({"name": new.name.trim(), "unit": new.unit.trim(), "region": new.region,
                    "direction": new.direction.as_str(), "rollup": new.rollup.as_str(), "rollup_weight": weight,
                    "target": new.target_value, "year": new.target_year, "increment": new.increment,
                    "baseline": new.baseline_value, "baseline_year": new.baseline_year})),
                source: String::new(),
            },
        )?;
        bump_monitor_rev(&tx, &[&new.region])?;
        tx.commit()?;
        drop(conn);
        self.indicator(code)?.ok_or_else(|| StoreError::NotFound(format!("indicator {code}")))
    }

    /// Sets the roll-up rule of indicator `code` (and the weight indicator of a weighted
    /// mean, by code). Refused: a weighted mean without a weight, or with one that is not an
    /// indicator of the same region (or is the indicator itself); a weight with another rule;
    /// a sum of a ratio or per-capita indicator. Audited with the old and new rule.
    pub fn set_indicator_rollup(
        &self,
        actor: &Actor,
        code: &str,
        rollup: Rollup,
        weight: Option<&str>,
    ) -> Result<Indicator> {
        let edit = IndicatorEdit { rollup: Some((rollup, weight.map(str::to_string))), ..Default::default() };
        self.edit_indicator(actor, code, &edit)
    }

    /// Sets (or, with `None`, clears) an indicator's baseline — the value of its baseline year,
    /// from which completion is counted — and whether its target is an increment (新增 N).
    /// The baseline year must lie before the target year; the plan period then starts the
    /// year after it when the indicator has no start year of its own. Audited with the old
    /// and new values.
    pub fn set_indicator_baseline(
        &self,
        actor: &Actor,
        code: &str,
        baseline: Option<(f64, i32)>,
        increment: Option<bool>,
    ) -> Result<Indicator> {
        let edit = IndicatorEdit { baseline: Some(baseline), increment, ..Default::default() };
        self.edit_indicator(actor, code, &edit)
    }

    /// Changes what [`IndicatorEdit`] gives of indicator `code`, all or nothing, in one
    /// transaction (DefineIndicator). Each kind of change is audited as the CLI's commands
    /// audit it: `indicator.edit` (unit, direction, frequency), `indicator.rollup`,
    /// `indicator.baseline`, each with the old and new values; a field given as it is changes
    /// nothing and is not audited. Refused, with the field named and what to do: a unit or
    /// frequency change while the indicator has stored values (they were reported in the old
    /// unit or frequency), a unit over its length limit, the roll-up and baseline checks of
    /// [`Store::set_indicator_rollup`] and [`Store::set_indicator_baseline`].
    pub fn edit_indicator(&self, actor: &Actor, code: &str, edit: &IndicatorEdit) -> Result<Indicator> {
        authorize(actor, Action::DefineIndicator)?;
        let code = code.trim();
        limits::INDICATOR_CODE.check(code)?;
        let unit = edit.unit.as_deref().map(str::trim);
        if let Some(u) = unit {
            limits::INDICATOR_UNIT.check(u)?;
            if u.chars().any(char::is_control) {
                return Err(StoreError::Invalid(format!("单位 unit of {code}: 不能含换行或控制字符")));
            }
        }
        let weight = match &edit.rollup {
            Some((_, Some(w))) => Some(w.trim()).filter(|w| !w.is_empty()),
            _ => None,
        };
        if let Some(w) = weight {
            limits::INDICATOR_CODE.check(w)?;
        }
        if let Some(Some((value, year))) = edit.baseline {
            if !value.is_finite() {
                return Err(StoreError::Invalid(format!("基期值 baseline of {code}: 请给出一个有限的数值(如 45.5)")));
            }
            if !(1900..=2200).contains(&year) {
                return Err(StoreError::Invalid(format!(
                    "基期年份 baseline_year {year} of {code}: 请给出 1900 至 2200 之间的年份,如 2020"
                )));
            }
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE code = ?1");
        let old = tx.query_row(&sql, params![code], indicator_row).optional()?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "指标代码“{code}”:没有这个指标(指标列表见监测评估页或 `planwatch indicators list`)"
            ))
        })?;
        let mut changed = false;

        // Unit, direction, frequency.
        let unit = unit.map(str::to_string).unwrap_or_else(|| old.unit.clone());
        let direction = edit.direction.unwrap_or(old.direction);
        let frequency = edit.frequency.unwrap_or(old.frequency);
        if unit != old.unit || frequency != old.frequency {
            let mut periods: Vec<String> = Vec::new();
            let mut values = 0i64;
            tx.for_each(
                "SELECT period, COUNT(*) FROM observations WHERE indicator_id = ?1 GROUP BY period ORDER BY period",
                params![old.id],
                |r| {
                    let (period, n): (String, i64) = (r.get(0)?, r.get(1)?);
                    values += n;
                    periods.push(period);
                    Ok(())
                },
            )?;
            if unit != old.unit && values > 0 {
                return Err(StoreError::Invalid(format!(
                    "单位 unit:指标 {code} 已有 {values} 个以“{}”填报的数值({} 至 {}),不能改为“{unit}”,否则这些数值的含义就错了。\
                     如单位确实有误,请新建一个以“{unit}”计的指标并按新单位导入数值;如只是写法不同,请保留原单位。",
                    old.unit,
                    periods.first().map(String::as_str).unwrap_or(""),
                    periods.last().map(String::as_str).unwrap_or("")
                )));
            }
            if frequency != old.frequency {
                let other: Vec<&String> = periods
                    .iter()
                    .filter(|p| Period::parse(p).map(|p| p.frequency() != frequency).unwrap_or(true))
                    .collect();
                if !other.is_empty() {
                    return Err(StoreError::Invalid(format!(
                        "频率 frequency:指标 {code} 已有按{}填报的数值(如 {}),不能改为{}:\
                         已有数值的期别与新频率不符。如需改频率,请新建一个{}指标并按新期别导入数值。",
                        old.frequency.label(),
                        other[0],
                        frequency.label(),
                        frequency.label()
                    )));
                }
            }
        }
        if unit != old.unit || direction != old.direction || frequency != old.frequency {
            tx.execute(
                "UPDATE indicators SET unit = ?1, direction = ?2, frequency = ?3 WHERE id = ?4",
                params![unit, direction.as_str(), frequency.as_str(), old.id],
            )?;
            audit(
                &tx,
                actor,
                AuditEntry {
                    action: "indicator.edit",
                    object: format!("indicator {code}"),
                    old: Some(json!({"unit": old.unit, "direction": old.direction.as_str(),
                        "frequency": old.frequency.as_str()})),
                    new: Some(json!({"unit": unit, "direction": direction.as_str(), "frequency": frequency.as_str()})),
                    source: String::new(),
                },
            )?;
            changed = true;
        }

        // Roll-up rule (checked against the new unit: a ratio is never summed).
        if let Some((rollup, _)) = edit.rollup {
            let weight = check_rollup(&tx, (code, &old.name, &unit, &old.region), rollup, weight)?;
            if old.rollup != rollup || old.rollup_weight != weight {
                tx.execute(
                    "UPDATE indicators SET rollup = ?1, rollup_weight = ?2 WHERE id = ?3",
                    params![rollup.as_str(), weight, old.id],
                )?;
                audit(
                    &tx,
                    actor,
                    AuditEntry {
                        action: "indicator.rollup",
                        object: format!("indicator {code}"),
                        old: Some(json!({"rollup": old.rollup.as_str(), "rollup_weight": old.rollup_weight})),
                        new: Some(json!({"rollup": rollup.as_str(), "rollup_weight": weight})),
                        source: String::new(),
                    },
                )?;
                changed = true;
            }
        }

        // Baseline and increment.
        if edit.baseline.is_some() || edit.increment.is_some() {
            let baseline = edit.baseline.unwrap_or(old.baseline_value.zip(old.baseline_year));
            if let (Some(Some((_, year))), Some(target_year)) = (edit.baseline, old.target_year) {
                if year >= target_year {
                    return Err(StoreError::Invalid(format!(
                        "基期年份 baseline_year {year} 不早于指标 {code} 的目标年份(target year){target_year}:请给出规划的基期年,如 {}",
                        target_year - 5
                    )));
                }
            }
            let increment = edit.increment.unwrap_or(old.increment);
            let start_year = old.start_year.or(baseline.map(|(_, y)| y + 1));
            let same = old.baseline_value == baseline.map(|b| b.0)
                && old.baseline_year == baseline.map(|b| b.1)
                && old.increment == increment;
            // The CLI's `indicators baseline` is audited even when it repeats the value.
            if !same
                || edit.rollup.is_none() && edit.unit.is_none() && edit.direction.is_none() && edit.frequency.is_none()
            {
                tx.execute(
                    "UPDATE indicators SET baseline_value = ?1, baseline_year = ?2, increment = ?3, start_year = ?4
                     WHERE id = ?5",
                    params![baseline.map(|b| b.0), baseline.map(|b| b.1), i64::from(increment), start_year, old.id],
                )?;
                audit(
                    &tx,
                    actor,
                    AuditEntry {
                        action: "indicator.baseline",
                        object: format!("indicator {code}"),
                        old: Some(json!({"baseline": old.baseline_value, "baseline_year": old.baseline_year,
                            "increment": old.increment})),
                        new: Some(json!({"baseline": baseline.map(|b| b.0), "baseline_year": baseline.map(|b| b.1),
                            "increment": increment})),
                        source: String::new(),
                    },
                )?;
                changed = true;
            }
        }
        if !changed {
            return Ok(old);
        }
        bump_monitor_rev(&tx, &[&old.region])?;
        tx.commit()?;
        drop(conn);
        self.indicator(code)?.ok_or_else(|| StoreError::NotFound(format!("indicator {code}")))
    }

    pub fn indicator(&self, code: &str) -> Result<Option<Indicator>> {
        let r = self.reader()?;
        let sql = format!("SELECT {INDICATOR_COLUMNS} FROM indicators WHERE code = ?1");
        r.query_row(&sql, params![code], indicator_row).optional()
    }

    /// Indicators, optionally only those of one plan or one region, by code.
    pub fn indicators(&self, document_id: Option<i64>, region: Option<&str>) -> Result<Vec<Indicator>> {
        let r = self.reader()?;
        let sql = format!(
            "SELECT {INDICATOR_COLUMNS} FROM indicators
             WHERE (?1 IS NULL OR document_id = ?1) AND (?2 IS NULL OR region = ?2) ORDER BY document_id, id"
        );
        let mut stmt = r.prepare(&sql)?;
        let rows = stmt.query_map(params![document_id, region], indicator_row)?;
        rows.collect::<crate::Result<_>>()
    }

    /// Places with stored values (districts, and a region's own figures), as
    /// (place, region, indicators with values), by region then place.
    pub fn monitored_places(&self, region: crate::RegionFilter) -> Result<Vec<(String, String, i64)>> {
        let r = self.reader()?;
        let (all, only) = region.params();
        let mut stmt = r.prepare(
            "SELECT o.place, i.region, COUNT(DISTINCT o.indicator_id)
             FROM observations o JOIN indicators i ON i.id = o.indicator_id
             WHERE (?1 = 1 OR i.region = ?2)
             GROUP BY o.place, i.region ORDER BY i.region, o.place",
        )?;
        let rows = stmt.query_map(params![all, only], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<crate::Result<_>>()
    }

    /// The newest stored value of each indicator at `place` (of any region: a name such as
    /// 鼓楼区 may be a district of several), flagged ones included and marked.
    pub fn place_latest(&self, place: &str) -> Result<Vec<PlaceValue>> {
        let r = self.reader()?;
        let mut stmt = r.prepare(&format!(
            "SELECT {}, o.id, o.period, o.value, o.outlier, o.import_id
             FROM observations o JOIN indicators i ON i.id = o.indicator_id
             WHERE o.place = ?1 ORDER BY i.region, i.document_id, i.id, o.period_end DESC",
            INDICATOR_COLUMNS.split(',').map(|c| format!("i.{}", c.trim())).collect::<Vec<_>>().join(", ")
        ))?;
        let n = INDICATOR_COLUMNS.split(',').count();
        let rows = stmt.query_map(params![place], |r| {
            let indicator = indicator_row(r)?;
            let period: String = r.get(n + 1)?;
            let period = Period::parse(&period)
                .map_err(|e| StoreError::Corrupt(format!("observations.period of {}: {e}", indicator.code)))?;
            let flagged: Option<String> = r.get(n + 3)?;
            Ok(PlaceValue {
                observation_id: r.get(n)?,
                indicator,
                period,
                value: r.get(n + 2)?,
                flagged,
                import_id: r.get(n + 4)?,
            })
        })?;
        let mut out: Vec<PlaceValue> = Vec::new();
        for v in rows {
            let v = v?;
            if out.last().is_some_and(|l| l.indicator.id == v.indicator.id) {
                continue;
            }
            out.push(v);
        }
        Ok(out)
    }

    /// Regions that have indicators, with how many.
    pub fn monitored_regions(&self) -> Result<Vec<(String, i64)>> {
        let r = self.reader()?;
        let mut stmt = r.prepare("SELECT region, COUNT(*) FROM indicators GROUP BY region ORDER BY COUNT(*) DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<crate::Result<_>>()
    }
}

// ---- observations -------------------------------------------------------------------------

/// One stored value with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Observation {
    pub id: i64,
    pub indicator_id: i64,
    pub place: String,
    pub place_code: String,
    pub period: Period,
    pub value: f64,
    pub note: String,
    pub outlier: Option<String>,
    pub import_id: i64,
    pub file_name: String,
    pub source_row: i64,
    pub synthetic: bool,
    pub updated_at: String,
}

/// A stored value without its provenance details (see [`Store::observation_values`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationValue {
    pub indicator_id: i64,
    pub place: String,
    pub period: Period,
    pub value: f64,
    pub import_id: i64,
}

/// A stored value flagged 待核实 (an outlier against the place's history).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FlaggedValue {
    /// The observation's id.
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub place: String,
    pub period: String,
    pub value: f64,
    /// Why it was flagged.
    pub reason: String,
}

/// A row of the history of stored values.
#[derive(Debug, Clone, Serialize)]
pub struct ValueChange {
    pub indicator: String,
    pub place: String,
    pub period: String,
    pub old_value: f64,
    pub new_value: f64,
    pub old_file: String,
    pub new_file: String,
    pub who: String,
    pub changed_at: String,
}

/// An accepted import.
#[derive(Debug, Clone, Serialize)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub sha256: String,
    pub rows: i64,
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub outliers: i64,
    pub who: String,
    pub imported_at: String,
    pub synthetic: bool,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Validate and count, store nothing.
    pub dry_run: bool,
    /// The file is generated demonstration data (labelled wherever it is shown).
    pub synthetic: bool,
    /// The values are computed from approved records (registry counts), not typed in: they
    /// are not checked for outliers, since a jump in a count is a fact of the records.
    pub computed: bool,
}

/// A row the importing user may not write, or may not change because its figures are
/// submitted or approved.
#[derive(Debug, Clone, Serialize)]
pub struct RowRefusal {
    pub row: usize,
    pub indicator: String,
    pub place: String,
    pub period: String,
    pub reason: String,
}

impl planwatch_monitor::listing::CsvRow for RowRefusal {
    const HEADER: &'static [&'static str] = &["行", "指标代码", "地区", "期别", "原因"];
    fn fields(&self) -> Vec<String> {
        vec![self.row.to_string(), self.indicator.clone(), self.place.clone(), self.period.clone(), self.reason.clone()]
    }
}

/// An outlier kept for review.
#[derive(Debug, Clone, Serialize)]
pub struct OutlierRow {
    pub row: usize,
    pub indicator: String,
    pub place: String,
    pub period: String,
    pub value: f64,
    pub reason: String,
}

/// The outcome of an import that passed validation.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub dry_run: bool,
    /// Data rows with a value.
    pub rows: usize,
    pub blank_values: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The first flagged values (at most `planwatch_monitor::listing::LISTED`).
    pub outliers: Vec<OutlierRow>,
    /// How many values were flagged in all.
    pub outlier_count: usize,
    /// `None` for a dry run, or when nothing changed.
    pub import_id: Option<i64>,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {error}")]
    File { file: String, error: FileError },
    #[error("{file}: {} 处错误,整个文件未导入", .validation.problems.total())]
    Refused { file: String, validation: Box<Validation> },
    /// Rows of units the user may not write: the whole file is refused.
    #[error("{file}: {} 行超出本账户的填报范围({scope}),整个文件未导入", .rows.total())]
    Forbidden { file: String, scope: String, rows: Listing<RowRefusal> },
    /// Rows that would change submitted or approved figures: the whole file is refused.
    #[error("{file}: {} 行的数据已报送或已审核锁定,整个文件未导入", .rows.total())]
    Locked { file: String, rows: Listing<RowRefusal> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// Adds a problem for each row whose 备注 is over its limit ([`limits::OBSERVATION_NOTE`]),
/// so such a file is refused whole like any other bad row; the cell is quoted only in part.
fn note_limits(rows: &[observations::RawRow], validation: &mut Validation) {
    let max = limits::OBSERVATION_NOTE.max_chars;
    for row in rows {
        if limits::OBSERVATION_NOTE.check(&row.note).is_ok() {
            continue;
        }
        let chars = row.note.chars().count();
        validation.problems.push(observations::Problem {
            row: row.row,
            column: "备注",
            value: row.note.chars().take(40).chain("…".chars()).collect(),
            reason: format!("备注过长:{chars} 字,上限 {max} 字"),
            fix: format!("请把备注精简到 {max} 字以内,详细说明可另附文件"),
        });
    }
    validation.problems.sort_shown_by_key(|p| p.row);
}

/// The catalogue an import is validated against: indicators, the place hierarchy, and the
/// history of each indicator × place named in the file.
struct StoreCatalogue<'a> {
    by_code: HashMap<String, IndicatorInfo>,
    by_name: HashMap<String, String>,
    dicts: &'a planwatch_core::dict::Dictionaries,
    history: HashMap<(i64, String), Vec<(Period, f64)>>,
    /// Resolved places by (written, region): a file repeats the same few names.
    places: std::cell::RefCell<HashMap<(String, String), Option<PlaceRef>>>,
}

impl Catalogue for StoreCatalogue<'_> {
    fn indicator(&self, code_or_name: &str) -> Option<&IndicatorInfo> {
        self.by_code
            .get(code_or_name)
            .or_else(|| self.by_name.get(code_or_name).and_then(|code| self.by_code.get(code)))
    }

    fn place(&self, written: &str, region: &str) -> Option<PlaceRef> {
        let key = (written.to_string(), region.to_string());
        if let Some(hit) = self.places.borrow().get(&key) {
            return hit.clone();
        }
        // Without a region (the indicator is unknown) any known place passes: the row is
        // refused for its indicator, not twice.
        let place =
            if region.is_empty() { self.dicts.place(written, None) } else { self.dicts.place_in(written, region) };
        let found = place.map(|p| PlaceRef { name: p.name.clone(), code: p.code.clone() });
        self.places.borrow_mut().insert(key, found.clone());
        found
    }

    fn history(&self, indicator_id: i64, place: &str, period: Period) -> Option<History> {
        let series = self.history.get(&(indicator_id, place.to_string()))?;
        let mut values: Vec<f64> = series.iter().filter(|(p, _)| *p != period).map(|(_, v)| *v).collect();
        History::of(&mut values)
    }
}

impl Store {
    fn catalogue(&self, conn: &Db, rows: &[observations::RawRow]) -> Result<StoreCatalogue<'_>> {
        let mut by_code = HashMap::new();
        let mut by_name: HashMap<String, String> = HashMap::new();
        // Only the indicators the file names (by code, or by a name that may be shared: all
        // indicators of that name come back, so an ambiguous name is still detected).
        let mut named: Vec<&str> = rows.iter().map(|r| r.indicator.as_str()).collect();
        named.sort_unstable();
        named.dedup();
        let named = serde_json::to_string(&named).unwrap_or_else(|_| "[]".into());
        let mut stmt = conn.prepare_cached(
            "SELECT id, code, name, unit, frequency, region FROM indicators
             WHERE code IN (SELECT value FROM json_each(?1)) OR name IN (SELECT value FROM json_each(?1))",
        )?;
        stmt.for_each(params![named], |r| {
            let frequency: String = r.get(4)?;
            let info = IndicatorInfo {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                frequency: parse_word("indicators.frequency", &frequency)?,
                region: r.get(5)?,
            };
            // A name shared by two indicators is ambiguous: only codes reach them.
            by_name.entry(info.name.clone()).and_modify(|c| c.clear()).or_insert_with(|| info.code.clone());
            by_code.insert(info.code.clone(), info);
            Ok(())
        })?;
        by_name.retain(|_, c| !c.is_empty());
        // History of the indicators the file names.
        let mut ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| {
                by_code.get(&r.indicator).or_else(|| by_name.get(&r.indicator).and_then(|c| by_code.get(c)))
            })
            .map(|i: &IndicatorInfo| i.id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        // The history the outlier check needs: of each (indicator, place) the file names. A
        // small file (a district's quarterly sheet) reads only its own cells; a large one
        // reads whole indicators, which is fewer queries.
        // Places are resolved through the catalogue's own cache, which validation then reuses.
        let mut catalogue = StoreCatalogue {
            by_code,
            by_name,
            dicts: self.dicts(),
            history: HashMap::new(),
            places: Default::default(),
        };
        let mut pairs: Vec<(i64, String)> = rows
            .iter()
            .filter_map(|r| {
                let info = catalogue.indicator(&r.indicator)?;
                let place = catalogue.place(&r.place, &info.region)?;
                Some((info.id, place.name))
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut history: HashMap<(i64, String), Vec<(Period, f64)>> = HashMap::new();
        let mut push = |id: i64, place: String, period: String, value: f64| {
            if let Ok(period) = Period::parse(&period) {
                history.entry((id, place)).or_default().push((period, value));
            }
        };
        if pairs.len() <= 256 {
            let mut stmt =
                conn.prepare_cached("SELECT period, value FROM observations WHERE indicator_id = ?1 AND place = ?2")?;
            for (id, place) in pairs {
                stmt.for_each(params![id, place], |r| {
                    push(id, place.clone(), r.get(0)?, r.get(1)?);
                    Ok(())
                })?;
            }
        } else {
            let mut stmt =
                conn.prepare_cached("SELECT place, period, value FROM observations WHERE indicator_id = ?1")?;
            for id in ids {
                stmt.for_each(params![id], |r| {
                    push(id, r.get(0)?, r.get(1)?, r.get(2)?);
                    Ok(())
                })?;
            }
        }
        catalogue.history = history;
        Ok(catalogue)
    }

    /// Validates an observation file and, unless it is a dry run, stores it in one
    /// transaction. A file with any bad row is refused whole and stores nothing.
    pub fn import_observations(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
        actor: &Actor,
    ) -> std::result::Result<ImportReport, ImportError> {
        let file = file_name.to_string();
        limits::FILE_NAME.check(file_name)?;
        let rows = observations::read(bytes).map_err(|error| ImportError::File { file: file.clone(), error })?;
        // Validate and write in one write transaction, so the history the outlier check saw
        // and the approval locks it obeyed are those of the rows it adds to, whichever
        // process wrote last.
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let catalogue = self.catalogue(&tx, &rows)?;
        let mut validation = observations::validate(&rows, &catalogue);
        note_limits(&rows, &mut validation);
        if opts.computed {
            validation.rows.iter_mut().for_each(|r| r.outlier = None);
        }
        if !validation.is_ok() {
            return Err(ImportError::Refused { file, validation: Box::new(validation) });
        }
        let codes: HashMap<i64, &str> = catalogue.by_code.values().map(|i| (i.id, i.code.as_str())).collect();
        let regions: HashMap<i64, &str> = catalogue.by_code.values().map(|i| (i.id, i.region.as_str())).collect();
        // Authorisation before anything is written: every row must be the actor's to write.
        let refusal = |r: &observations::CleanRow, reason: String| RowRefusal {
            row: r.row,
            indicator: codes.get(&r.indicator_id).copied().unwrap_or_default().to_string(),
            place: r.place.clone(),
            period: r.period.to_string(),
            reason,
        };
        let mut forbidden = Listing::new();
        for r in &validation.rows {
            let region = regions.get(&r.indicator_id).copied().unwrap_or_default();
            if let Err(e) = authorize(actor, Action::WriteObservations { region, place: &r.place }) {
                forbidden.push(refusal(r, e.to_string()));
            }
        }
        if !forbidden.is_empty() {
            return Err(ImportError::Forbidden { file, scope: actor.scope(), rows: forbidden });
        }
        let mut locks: HashMap<&str, HashMap<(String, String), crate::approval::ApprovalState>> = HashMap::new();
        for region in regions.values() {
            if !locks.contains_key(region) {
                locks.insert(region, crate::approval::locked_cells(&tx, region)?);
            }
        }
        let mut locked = Listing::new();
        // Listed up to the listing cap like refusals; all are counted, and flagged in the store.
        let outlier_count = validation.outliers().count();
        let outliers: Vec<OutlierRow> = validation
            .outliers()
            .take(planwatch_monitor::listing::LISTED)
            .map(|r| OutlierRow {
                row: r.row,
                indicator: codes.get(&r.indicator_id).copied().unwrap_or_default().to_string(),
                place: r.place.clone(),
                period: r.period.to_string(),
                value: r.value,
                reason: r.outlier.clone().unwrap_or_default(),
            })
            .collect();
        let mut report = ImportReport {
            file_name: file.clone(),
            dry_run: opts.dry_run,
            rows: validation.rows.len(),
            blank_values: validation.blank_values,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            outliers,
            outlier_count,
            import_id: None,
        };
        let who = actor.login.as_str();
        let sha = sha256_hex(bytes);
        let import_id: i64 = tx.query_row(
            &format!(
                "INSERT INTO imports (file_name, sha256, rows, inserted, updated, unchanged, outliers, who,
                    imported_at, synthetic, request_id) VALUES (?1, ?2, ?3, 0, 0, 0, ?4, ?5, {NOW}, ?6, ?7)
                 RETURNING id"
            ),
            params![file, sha, report.rows as i64, report.outlier_count as i64, who, opts.synthetic, actor.request_id],
            |r| r.get(0),
        )?;
        let source = format!("{file}(导入 #{import_id})");
        {
            let mut find = tx.prepare(
                "SELECT id, value, import_id FROM observations WHERE indicator_id = ?1 AND place = ?2 AND period = ?3",
            )?;
            let mut insert = tx.prepare(&format!(
                "INSERT INTO observations (indicator_id, place, place_code, period, period_end, value, note, outlier,
                    import_id, source_row, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, {NOW})"
            ))?;
            let mut update = tx.prepare(&format!(
                "UPDATE observations SET value = ?2, note = ?3, outlier = ?4, import_id = ?5, source_row = ?6,
                    updated_at = {NOW} WHERE id = ?1"
            ))?;
            let mut history = tx.prepare(&format!(
                "INSERT INTO observation_history (observation_id, old_value, new_value, old_import_id, new_import_id,
                    who, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW})"
            ))?;
            for row in &validation.rows {
                let period = row.period.to_string();
                let found: Option<(i64, f64, i64)> = find
                    .query_row(params![row.indicator_id, row.place, period], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                let changes = found.is_none_or(|(_, old, _)| old != row.value);
                if changes {
                    let region = regions.get(&row.indicator_id).copied().unwrap_or_default();
                    if let Some(state) = locks.get(region).and_then(|l| l.get(&(row.place.clone(), period.clone()))) {
                        locked.push(refusal(
                            row,
                            format!("{} {period} 的数据{}:请先由分析员退回或撤销审核", row.place, state.label()),
                        ));
                        continue;
                    }
                }
                match found {
                    None => {
                        insert.execute(params![
                            row.indicator_id,
                            row.place,
                            row.place_code,
                            period,
                            row.period.end_time(),
                            row.value,
                            row.note,
                            row.outlier,
                            import_id,
                            row.row as i64
                        ])?;
                        report.inserted += 1;
                    }
                    Some((_, old, _)) if old == row.value => report.unchanged += 1,
                    Some((id, old, old_import)) => {
                        update.execute(params![id, row.value, row.note, row.outlier, import_id, row.row as i64])?;
                        history.execute(params![id, old, row.value, old_import, import_id, who])?;
                        audit(
                            &tx,
                            actor,
                            AuditEntry {
                                action: "observation.update",
                                object: format!(
                                    "{}/{}/{period}",
                                    codes.get(&row.indicator_id).copied().unwrap_or_default(),
                                    row.place
                                ),
                                old: Some(json!({"value": old, "import": old_import})),
                                new: Some(json!({"value": row.value, "import": import_id, "row": row.row})),
                                source: source.clone(),
                            },
                        )?;
                        report.updated += 1;
                    }
                }
            }
        }
        if !locked.is_empty() {
            return Err(ImportError::Locked { file, rows: locked });
        }
        if opts.dry_run || report.inserted + report.updated == 0 {
            // Nothing to keep: the transaction is dropped, which rolls it back.
            return Ok(report);
        }
        let mut places: Vec<&str> = validation.rows.iter().map(|r| r.place.as_str()).collect();
        places.sort_unstable();
        places.dedup();
        let mut periods: Vec<String> = validation.rows.iter().map(|r| r.period.to_string()).collect();
        periods.sort_unstable();
        periods.dedup();
        let entry = crate::access::AuditRow::new(
            actor,
            AuditEntry {
                action: "observations.import",
                object: format!("import {import_id}"),
                old: None,
                new: Some(json!({"file": file, "sha256": sha, "rows": report.rows, "inserted": report.inserted,
                    "updated": report.updated, "unchanged": report.unchanged, "places": places,
                    "periods": periods, "synthetic": opts.synthetic})),
                source: source.clone(),
            },
        );
        let written = validation.rows.iter().map(|r| regions.get(&r.indicator_id).copied().unwrap_or_default());
        let (counts, size, revs) = (
            [report.inserted as i64, report.updated as i64, report.unchanged as i64],
            bytes.len() as i64,
            monitor_rev_keys(written),
        );
        // The end of the write in one round trip: the import's counts, the file itself (so every
        // value leads back to the bytes it was read from), the audit entry, the page revisions.
        tx.execute_all(&[
            (
                "UPDATE imports SET inserted = ?2, updated = ?3, unchanged = ?4 WHERE id = ?1",
                params![import_id, counts[0], counts[1], counts[2]],
            ),
            (
                "INSERT INTO blobs (sha256, size, bytes) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![sha, size, bytes],
            ),
            (crate::access::AuditRow::SQL, &entry.params()),
            (BUMP_MONITOR_REV, params![revs]),
        ])?;
        tx.commit()?;
        report.import_id = Some(import_id);
        Ok(report)
    }

    /// Stored values of some indicators (all places, all periods), by period.
    pub fn observations(&self, indicator_ids: &[i64]) -> Result<Vec<Observation>> {
        let r = self.reader()?;
        let mut stmt = r.prepare_cached(
            "SELECT o.id, o.indicator_id, o.place, o.place_code, o.period, o.value, o.note, o.outlier, o.import_id,
                    i.file_name, o.source_row, i.synthetic, o.updated_at
             FROM observations o JOIN imports i ON i.id = o.import_id
             WHERE o.indicator_id = ?1 ORDER BY o.period_end, o.place",
        )?;
        let mut out = Vec::new();
        for id in indicator_ids {
            stmt.for_each(params![id], |row| {
                let period: String = row.get(4)?;
                out.push(Observation {
                    id: row.get(0)?,
                    indicator_id: row.get(1)?,
                    place: row.get(2)?,
                    place_code: row.get(3)?,
                    period: Period::parse(&period)
                        .map_err(|_| StoreError::Corrupt(format!("observations.period = {period:?}")))?,
                    value: row.get(5)?,
                    note: row.get(6)?,
                    outlier: row.get(7)?,
                    import_id: row.get(8)?,
                    file_name: row.get(9)?,
                    source_row: row.get(10)?,
                    synthetic: row.get(11)?,
                    updated_at: row.get(12)?,
                });
                Ok(())
            })?;
        }
        Ok(out)
    }

    /// The values flagged 待核实 of some indicators (all places and periods), which count
    /// nowhere until confirmed or corrected.
    /// One query on the indicators' index, building rows for the flagged values only (few),
    /// so progress pages pay almost nothing for it.
    pub fn flagged_observations(&self, indicator_ids: &[i64]) -> Result<Vec<ObservationValue>> {
        let r = self.reader()?;
        let ids = serde_json::to_string(indicator_ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        r.query_map(
            "SELECT indicator_id, place, period, value, import_id FROM observations
             WHERE indicator_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1)) AND outlier IS NOT NULL
             ORDER BY indicator_id, period_end, place",
            params![ids],
            |row| {
                let text: String = row.get(2)?;
                Ok(ObservationValue {
                    indicator_id: row.get(0)?,
                    place: row.get(1)?,
                    period: Period::parse(&text)
                        .map_err(|_| StoreError::Corrupt(format!("observations.period = {text:?}")))?,
                    value: row.get(3)?,
                    import_id: row.get(4)?,
                })
            },
        )
    }

    /// The values flagged 待核实 of region `region`'s indicators (one query): what the
    /// approvals page shows beside each unit's cell.
    pub fn flagged_in_region(&self, region: &str) -> Result<Vec<FlaggedValue>> {
        let r = self.reader()?;
        r.query_map(
            "SELECT o.id, ind.code, ind.name, ind.unit, o.place, o.period, o.value, o.outlier
             FROM observations o JOIN indicators ind ON ind.id = o.indicator_id
             WHERE ind.region = ?1 AND o.outlier IS NOT NULL ORDER BY o.period_end DESC, o.place, ind.code",
            params![region],
            |row| {
                Ok(FlaggedValue {
                    id: row.get(0)?,
                    code: row.get(1)?,
                    name: row.get(2)?,
                    unit: row.get(3)?,
                    place: row.get(4)?,
                    period: row.get(5)?,
                    value: row.get(6)?,
                    reason: row.get(7)?,
                })
            },
        )
    }

    /// An analyst confirms a value flagged 待核实 (by observation id): the flag is cleared, so
    /// the value counts again, and the audit log keeps the flag's reason. A unit correcting
    /// the value by a new import clears (or renews) the flag by itself.
    pub fn confirm_observation(&self, actor: &Actor, id: i64) -> Result<FlaggedValue> {
        authorize(actor, Action::ReviewFigures)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let found = tx
            .query_row(
                "SELECT o.id, ind.code, ind.name, ind.unit, o.place, o.period, o.value, o.outlier, ind.region
                 FROM observations o JOIN indicators ind ON ind.id = o.indicator_id WHERE o.id = ?1",
                params![id],
                |row| {
                    let v = FlaggedValue {
                        id: row.get(0)?,
                        code: row.get(1)?,
                        name: row.get(2)?,
                        unit: row.get(3)?,
                        place: row.get(4)?,
                        period: row.get(5)?,
                        value: row.get(6)?,
                        reason: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    };
                    let region: String = row.get(8)?;
                    Ok((v, region))
                },
            )
            .optional()?;
        let Some((v, region)) = found else {
            return Err(StoreError::NotFound(format!("数值 {id}(可能已被更正):请刷新页面")));
        };
        if v.reason.is_empty() {
            return Err(StoreError::Invalid(format!(
                "{} {} {} 的数值未标记待核实,无需确认",
                v.place, v.period, v.code
            )));
        }
        tx.execute("UPDATE observations SET outlier = NULL WHERE id = ?1", params![id])?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "observation.confirm",
                object: format!("{} {} {}", v.code, v.place, v.period),
                old: Some(json!({"value": v.value, "flag": v.reason})),
                new: Some(json!({"value": v.value, "flag": null})),
                source: String::new(),
            },
        )?;
        bump_monitor_rev(&tx, &[&region])?;
        tx.commit()?;
        Ok(v)
    }

    /// The bare values of some indicators, for computations over many: (indicator id, place,
    /// period, value, import id), by indicator and period. One query, no join; the files come
    /// from [`Store::imports_by_id`]. Values flagged 待核实 are left out: they count nowhere
    /// (roll-ups, progress, reports) until an analyst confirms them
    /// ([`Store::confirm_observation`]) or the unit corrects them (see
    /// [`Store::flagged_observations`]).
    pub fn observation_values(&self, indicator_ids: &[i64]) -> Result<Vec<ObservationValue>> {
        let r = self.reader()?;
        let ids = serde_json::to_string(indicator_ids).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut stmt = r.prepare_cached(
            "SELECT indicator_id, place, period, value, import_id FROM observations
             WHERE indicator_id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1)) AND outlier IS NULL
             ORDER BY indicator_id, period_end, place",
        )?;
        let mut out = Vec::new();
        let mut last: Option<(String, Period)> = None;
        stmt.for_each(params![ids], |row| {
            let text: &str = row.get(2)?;
            // Consecutive rows mostly share a period: parse each distinct text once.
            let period = match &last {
                Some((t, p)) if t == text => *p,
                _ => {
                    let p = Period::parse(text)
                        .map_err(|_| StoreError::Corrupt(format!("observations.period = {text:?}")))?;
                    last = Some((text.to_string(), p));
                    p
                }
            };
            out.push(ObservationValue {
                indicator_id: row.get(0)?,
                place: row.get(1)?,
                period,
                value: row.get(3)?,
                import_id: row.get(4)?,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// Imports by id: (file name, synthetic).
    pub fn imports_by_id(&self) -> Result<HashMap<i64, (String, bool)>> {
        let r = self.reader()?;
        let mut stmt = r.prepare_cached("SELECT id, file_name, synthetic FROM imports")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        rows.collect::<crate::Result<_>>()
    }

    /// When each import was accepted (UTC, as stored), by id: reports date their data files.
    pub fn import_times(&self) -> Result<HashMap<i64, String>> {
        let r = self.reader()?;
        let mut stmt = r.prepare_cached("SELECT id, imported_at FROM imports")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<crate::Result<_>>()
    }

    /// The latest accepted imports.
    pub fn imports(&self, limit: i64) -> Result<Vec<ImportRecord>> {
        let r = self.reader()?;
        let mut stmt = r.prepare(
            "SELECT id, file_name, sha256, rows, inserted, updated, unchanged, outliers, who, imported_at, synthetic
             FROM imports ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |r| {
            Ok(ImportRecord {
                id: r.get(0)?,
                file_name: r.get(1)?,
                sha256: r.get(2)?,
                rows: r.get(3)?,
                inserted: r.get(4)?,
                updated: r.get(5)?,
                unchanged: r.get(6)?,
                outliers: r.get(7)?,
                who: r.get(8)?,
                imported_at: r.get(9)?,
                synthetic: r.get(10)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }

    /// Every change of a stored value, newest first (optionally of one indicator).
    pub fn value_changes(&self, indicator_id: Option<i64>, limit: i64) -> Result<Vec<ValueChange>> {
        let r = self.reader()?;
        let mut stmt = r.prepare(
            "SELECT ind.code, o.place, o.period, h.old_value, h.new_value, oi.file_name, ni.file_name, h.who,
                    h.changed_at
             FROM observation_history h JOIN observations o ON o.id = h.observation_id
             JOIN indicators ind ON ind.id = o.indicator_id
             JOIN imports oi ON oi.id = h.old_import_id JOIN imports ni ON ni.id = h.new_import_id
             WHERE ?1 IS NULL OR o.indicator_id = ?1 ORDER BY h.id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![indicator_id, limit], |r| {
            Ok(ValueChange {
                indicator: r.get(0)?,
                place: r.get(1)?,
                period: r.get(2)?,
                old_value: r.get(3)?,
                new_value: r.get(4)?,
                old_file: r.get(5)?,
                new_file: r.get(6)?,
                who: r.get(7)?,
                changed_at: r.get(8)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }

    /// The newest period with any value for these indicators.
    pub fn latest_period(&self, indicator_ids: &[i64]) -> Result<Option<Period>> {
        let r = self.reader()?;
        let mut best: Option<(f64, String)> = None;
        let mut stmt = r.prepare_cached(
            "SELECT period_end, period FROM observations WHERE indicator_id = ?1 ORDER BY period_end DESC LIMIT 1",
        )?;
        for id in indicator_ids {
            if let Some((end, p)) = stmt.query_row(params![id], |r| Ok((r.get::<_, f64>(0)?, r.get(1)?))).optional()? {
                if best.as_ref().is_none_or(|(e, _)| end > *e) {
                    best = Some((end, p));
                }
            }
        }
        Ok(best.and_then(|(_, p)| Period::parse(&p).ok()))
    }

    /// Whether any indicator of plan `plan_id` has a value for a period ending within
    /// `within` (a month or quarter of a quarter, the quarters of a year): one indexed
    /// look-up, so a request for a report of a period without data is answered before any
    /// report is made.
    pub fn plan_has_data_within(&self, plan_id: i64, within: Period) -> Result<bool> {
        let r = self.reader()?;
        // Period ends are the same sums of twelfths on both sides; the margin only absorbs
        // rounding of the REAL column.
        let (start, end) = (within.start_time() + 1e-9, within.end_time() + 1e-9);
        let n: i64 = r
            .prepare_cached(
                "SELECT COUNT(*) FROM (SELECT 1 FROM observations o JOIN indicators i ON i.id = o.indicator_id
             WHERE i.document_id = ?1 AND o.period_end > ?2 AND o.period_end <= ?3 LIMIT 1) x",
            )?
            .query_row(params![plan_id, start, end], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// The oldest and the newest period with a value of plan `plan_id`'s indicators.
    pub fn plan_data_span(&self, plan_id: i64) -> Result<Option<(Period, Period)>> {
        let r = self.reader()?;
        let edge = |order: &str| -> Result<Option<String>> {
            r.prepare_cached(&format!(
                "SELECT o.period FROM observations o JOIN indicators i ON i.id = o.indicator_id
                 WHERE i.document_id = ?1 ORDER BY o.period_end {order}, o.period LIMIT 1"
            ))?
            .query_row(params![plan_id], |r| r.get(0))
            .optional()
        };
        let (first, last) = (edge("ASC")?, edge("DESC")?);
        Ok(match (first.and_then(|p| Period::parse(&p).ok()), last.and_then(|p| Period::parse(&p).ok())) {
            (Some(a), Some(b)) => Some((a, b)),
            _ => None,
        })
    }
}

// ---- task progress ------------------------------------------------------------------------

/// What an owner reports on a task for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
    Lagging,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Lagging => "lagging",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "未启动",
            TaskStatus::InProgress => "推进中",
            TaskStatus::Done => "已完成",
            TaskStatus::Lagging => "滞后",
        }
    }
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done, TaskStatus::Lagging];
}

impl std::str::FromStr for TaskStatus {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        TaskStatus::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim() || t.label() == s.trim())
            .ok_or_else(|| format!("“{s}” is not a task status: 未启动/推进中/已完成/滞后"))
    }
}

/// An owner's report on one task for one period.
#[derive(Debug, Clone)]
pub struct TaskReport {
    pub document_id: i64,
    /// The task's item key (see `corrections::task_key`).
    pub task_key: String,
    pub period: Period,
    pub status: TaskStatus,
    pub note: String,
    /// Where the report came from (form, CLI, sample data).
    pub source: String,
}

/// One task progress report.
#[derive(Debug, Clone, Serialize)]
pub struct TaskProgress {
    pub document_id: i64,
    pub task_key: String,
    pub task_title: String,
    pub lead: String,
    pub period: String,
    pub status: TaskStatus,
    pub note: String,
    pub who: String,
    pub source: String,
    pub reported_at: String,
}

impl Store {
    /// Records an owner's report on a task for a period; a second report for the same
    /// period replaces it and keeps the old status and note in history.
    pub fn report_task(&self, actor: &Actor, report: &TaskReport) -> Result<()> {
        let TaskReport { document_id, task_key, period, status, note, source } = report;
        let (document_id, period, status) = (*document_id, *period, *status);
        let (task_key, note, who, source) = (task_key.as_str(), note.as_str(), actor.login.as_str(), source.as_str());
        limits::TASK_NOTE.check(note)?;
        let view = self.plan_view(document_id)?;
        let plan = &view.effective.plan;
        let Some(n) = view.effective.refs.tasks.iter().position(|r| r.key == task_key) else {
            return Err(StoreError::NotFound(format!("task {task_key} of plan {document_id}")));
        };
        let task = &plan.tasks[n];
        let owners: Vec<String> = task.owners.iter().map(|o| o.canonical.clone()).collect();
        let region = view.summary.region.as_str();
        if let Err(refused) = authorize(actor, Action::ReportTask { region, owners: &owners }) {
            // A refused report stores nothing but the refusal itself, so that a department
            // reaching for another region's (or department's) task is on the record.
            let mut conn = self.writer()?;
            let tx = conn.transaction()?;
            audit(
                &tx,
                actor,
                AuditEntry {
                    action: "task.report.refused",
                    object: format!("plan {document_id} task {task_key} {period}"),
                    old: None,
                    new: Some(json!({"status": status.as_str(), "region": region, "owners": owners,
                        "reason": refused.to_string()})),
                    source: source.to_string(),
                },
            )?;
            tx.commit()?;
            return Err(refused);
        }
        let lead = task.owners.iter().find(|o| o.role == "lead").map(|o| o.canonical.clone()).unwrap_or_default();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let old: Option<(i64, String, String)> = tx
            .query_row(
                "SELECT id, status, note FROM task_progress WHERE document_id = ?1 AND task_key = ?2 AND period = ?3",
                params![document_id, task_key, period.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match old {
            Some((id, ref old_status, ref old_note)) => {
                tx.execute(
                    &format!(
                        "INSERT INTO task_progress_history (progress_id, old_status, old_note, who, changed_at)
                         VALUES (?1, ?2, ?3, ?4, {NOW})"
                    ),
                    params![id, old_status, old_note, who],
                )?;
                tx.execute(
                    &format!(
                        "UPDATE task_progress SET status = ?2, note = ?3, who = ?4, source = ?5, reported_at = {NOW}
                         WHERE id = ?1"
                    ),
                    params![id, status.as_str(), note, who, source],
                )?;
            }
            None => {
                tx.execute(
                    &format!(
                        "INSERT INTO task_progress (document_id, task_key, task_title, lead, period, status, note, who,
                            source, reported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {NOW})"
                    ),
                    params![
                        document_id,
                        task_key,
                        task.title,
                        lead,
                        period.to_string(),
                        status.as_str(),
                        note,
                        who,
                        source
                    ],
                )?;
            }
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "task.report",
                object: format!("plan {document_id} task {task_key} {period}"),
                old: old.as_ref().map(|(_, s, n)| json!({"status": s, "note": n})),
                new: Some(json!({"status": status.as_str(), "note": note})),
                source: source.to_string(),
            },
        )?;
        bump_monitor_rev(&tx, &[plan.meta.region.as_deref().unwrap_or_default()])?;
        tx.commit()?;
        Ok(())
    }

    /// [`Store::report_task`] for the `n`th task (1-based, as numbered on the plan page and
    /// in the 任务分工表) of a plan's current effective version.
    #[allow(clippy::too_many_arguments)]
    pub fn report_task_number(
        &self,
        actor: &Actor,
        document_id: i64,
        n: usize,
        period: Period,
        status: TaskStatus,
        note: &str,
        source: &str,
    ) -> Result<()> {
        let view = self.plan_view(document_id)?;
        let tasks = &view.effective.refs.tasks;
        let key = n.checked_sub(1).and_then(|i| tasks.get(i)).map(|t| t.key.clone()).ok_or_else(|| {
            StoreError::NotFound(format!("task {n} of plan {document_id} (it has {} tasks)", tasks.len()))
        })?;
        let report = TaskReport {
            document_id,
            task_key: key,
            period,
            status,
            note: note.trim().to_string(),
            source: source.into(),
        };
        self.report_task(actor, &report)
    }

    /// The latest report of each task of a plan up to `as_of` (all periods when `None`).
    pub fn task_progress(&self, document_id: i64, as_of: Option<Period>) -> Result<Vec<TaskProgress>> {
        let r = self.reader()?;
        let mut stmt = r.prepare(
            "SELECT document_id, task_key, task_title, lead, period, status, note, who, source, reported_at
             FROM task_progress WHERE document_id = ?1 ORDER BY task_key, period",
        )?;
        let rows = stmt.query_map(params![document_id], |r| {
            let status: String = r.get(5)?;
            Ok(TaskProgress {
                document_id: r.get(0)?,
                task_key: r.get(1)?,
                task_title: r.get(2)?,
                lead: r.get(3)?,
                period: r.get(4)?,
                status: status.parse().unwrap_or(TaskStatus::InProgress),
                note: r.get(6)?,
                who: r.get(7)?,
                source: r.get(8)?,
                reported_at: r.get(9)?,
            })
        })?;
        let mut latest: HashMap<String, (Period, TaskProgress)> = HashMap::new();
        for row in rows {
            let row = row?;
            let Ok(p) = Period::parse(&row.period) else { continue };
            if as_of.is_some_and(|a| p.end_time() > a.end_time()) {
                continue;
            }
            match latest.get(&row.task_key) {
                Some((q, _)) if q.end_time() >= p.end_time() => {}
                _ => {
                    latest.insert(row.task_key.clone(), (p, row));
                }
            }
        }
        let mut out: Vec<TaskProgress> = latest.into_values().map(|(_, t)| t).collect();
        out.sort_by(|a, b| a.lead.cmp(&b.lead).then(a.task_key.cmp(&b.task_key)));
        Ok(out)
    }
}

// ---- composite indices and rankings -------------------------------------------------------

/// How an index combines its indicators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexMethod {
    EntropyTopsis,
    Fixed,
}

impl IndexMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            IndexMethod::EntropyTopsis => "entropy_topsis",
            IndexMethod::Fixed => "fixed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            IndexMethod::EntropyTopsis => "熵权TOPSIS法",
            IndexMethod::Fixed => "固定权重加权法",
        }
    }
}

impl std::str::FromStr for IndexMethod {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "entropy_topsis" | "entropy-topsis" | "topsis" | "entropy" => Ok(IndexMethod::EntropyTopsis),
            "fixed" | "weights" => Ok(IndexMethod::Fixed),
            _ => Err(format!("“{s}” is not a method: entropy-topsis or fixed")),
        }
    }
}

/// A composite index: indicators (with directions from their definitions) and a method.
#[derive(Debug, Clone, Serialize)]
pub struct IndexDef {
    pub id: i64,
    pub name: String,
    pub region: String,
    pub method: IndexMethod,
    /// `exclude` (a place missing any value is not ranked) or `mean`.
    pub missing: String,
    pub description: String,
    pub members: Vec<IndexMember>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexMember {
    pub indicator: Indicator,
    /// Fixed weight (only for the fixed method).
    pub weight: Option<f64>,
}

/// The values of an index's indicators for one period: rows are places, columns indicators.
#[derive(Debug, Clone, Serialize)]
pub struct IndexMatrix {
    pub period: Period,
    pub places: Vec<(String, String)>,
    pub values: Vec<Vec<Option<f64>>>,
    /// The files the values came from (import id, file name, synthetic).
    pub files: Vec<(i64, String, bool)>,
    /// Values flagged 待核实, left out of the matrix: (place, indicator code).
    pub flagged: Vec<(String, String)>,
}

impl IndexMatrix {
    /// SHA-256 of the inputs, to tell whether a published ranking still matches the data.
    pub fn data_hash(&self) -> String {
        sha256_hex(serde_json::to_string(&(&self.places, &self.values)).unwrap_or_default().as_bytes())
    }
}

/// A published ranking (榜单), frozen as it was shown.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedRanking {
    pub revision: i64,
    pub period: String,
    pub result_json: String,
    pub data_hash: String,
    pub who: String,
    pub note: String,
    pub published_at: String,
}

impl Store {
    /// Defines (or redefines, when no ranking of it is published) a composite index.
    pub fn define_index(
        &self,
        actor: &Actor,
        name: &str,
        method: IndexMethod,
        missing: &str,
        description: &str,
        members: &[(String, Option<f64>)],
    ) -> Result<IndexDef> {
        authorize(actor, Action::DefineIndex)?;
        let name = name.trim();
        limits::INDEX_NAME.check(name)?;
        limits::INDEX_DESCRIPTION.check(description)?;
        if name.is_empty() {
            return Err(StoreError::Invalid("index name is empty".into()));
        }
        if members.is_empty() {
            return Err(StoreError::Invalid(format!("index “{name}” needs at least one indicator")));
        }
        if !matches!(missing, "exclude" | "mean") {
            return Err(StoreError::Invalid(format!("missing-value policy “{missing}”: use exclude or mean")));
        }
        let mut resolved = Vec::new();
        for (code, weight) in members {
            let ind = self.indicator(code)?.ok_or_else(|| {
                StoreError::Invalid(format!("unknown indicator “{code}”: see `planwatch indicators list`"))
            })?;
            if method == IndexMethod::Fixed && !weight.is_some_and(|w| w.is_finite() && w > 0.0) {
                return Err(StoreError::Invalid(format!(
                    "indicator {code}: the fixed method needs a positive weight for every indicator (CODE=WEIGHT)"
                )));
            }
            resolved.push((ind, *weight));
        }
        let region = resolved[0].0.region.clone();
        if let Some((other, _)) = resolved.iter().find(|(i, _)| i.region != region) {
            return Err(StoreError::Invalid(format!(
                "indicator {} is of {} but {} is of {region}: an index ranks the units of one region",
                other.code, other.region, resolved[0].0.code
            )));
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let existing: Option<(i64, String)> = tx
            .query_row("SELECT id, region FROM indices WHERE name = ?1", params![name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        // Redefined, the index leaves its old region's pages too.
        let old_region = existing.as_ref().map(|(_, r)| r.clone());
        let id = match existing.as_ref().map(|(id, _)| *id) {
            Some(id) => {
                let published: i64 =
                    tx.query_row("SELECT COUNT(*) FROM rankings WHERE index_id = ?1", params![id], |r| r.get(0))?;
                if published > 0 {
                    return Err(StoreError::Invalid(format!(
                        "index “{name}” has published rankings and cannot be redefined: define a new index under another name"
                    )));
                }
                tx.execute(
                    "UPDATE indices SET region = ?2, method = ?3, missing = ?4, description = ?5 WHERE id = ?1",
                    params![id, region, method.as_str(), missing, description],
                )?;
                tx.execute("DELETE FROM index_members WHERE index_id = ?1", params![id])?;
                id
            }
            None => tx.query_row(
                &format!(
                    "INSERT INTO indices (name, region, method, missing, description, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, {NOW}) RETURNING id"
                ),
                params![name, region, method.as_str(), missing, description],
                |r| r.get(0),
            )?,
        };
        for (pos, (ind, weight)) in resolved.iter().enumerate() {
            tx.execute(
                "INSERT INTO index_members (index_id, indicator_id, position, weight) VALUES (?1, ?2, ?3, ?4)",
                params![id, ind.id, pos as i64, weight],
            )?;
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: if existing.is_some() { "index.redefine" } else { "index.add" },
                object: format!("index {name}"),
                old: None,
                new: Some(json!({"method": method.as_str(), "missing": missing, "description": description,
                    "members": resolved.iter().map(|(i, w)| json!({"code": i.code, "weight": w})).collect::<Vec<_>>()})),
                source: String::new(),
            },
        )?;
        bump_monitor_rev(
            &tx,
            &[Some(region.as_str()), old_region.as_deref()].into_iter().flatten().collect::<Vec<_>>(),
        )?;
        tx.commit()?;
        drop(conn);
        self.index(name)?.ok_or_else(|| StoreError::NotFound(format!("index {name}")))
    }

    pub fn indices(&self) -> Result<Vec<IndexDef>> {
        let names: Vec<String> = {
            let r = self.reader()?;
            let mut stmt = r.prepare("SELECT name FROM indices ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<crate::Result<_>>()?
        };
        let mut out = Vec::new();
        for n in names {
            out.extend(self.index(&n)?);
        }
        Ok(out)
    }

    pub fn index(&self, name: &str) -> Result<Option<IndexDef>> {
        let r = self.reader()?;
        let head: Option<(i64, String, String, String, String, String)> = r
            .query_row(
                "SELECT id, name, region, method, missing, description FROM indices WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((id, name, region, method, missing, description)) = head else { return Ok(None) };
        let cols = INDICATOR_COLUMNS.split(',').map(|c| format!("i.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols}, m.weight FROM index_members m JOIN indicators i ON i.id = m.indicator_id
             WHERE m.index_id = ?1 ORDER BY m.position"
        );
        let mut stmt = r.prepare(&sql)?;
        let members = stmt
            .query_map(params![id], |row| {
                // The weight follows the indicator's columns.
                Ok(IndexMember {
                    indicator: indicator_row(row)?,
                    weight: row.get(INDICATOR_COLUMNS.split(',').count())?,
                })
            })?
            .collect::<crate::Result<Vec<_>>>()?;
        Ok(Some(IndexDef {
            id,
            name,
            region,
            method: parse_word("indices.method", &method)?,
            missing,
            description,
            members,
        }))
    }

    /// The values of an index's indicators for `period`, one row per unit of the region
    /// that reported any of them (the region itself is not ranked against its units).
    pub fn index_matrix(&self, index: &IndexDef, period: Period) -> Result<IndexMatrix> {
        let r = self.reader()?;
        let mut stmt = r.prepare_cached(
            "SELECT o.place, o.place_code, o.value, o.import_id, i.file_name, i.synthetic, o.outlier
             FROM observations o JOIN imports i ON i.id = o.import_id
             WHERE o.indicator_id = ?1 AND o.period = ?2",
        )?;
        let mut row_of: HashMap<String, usize> = HashMap::new();
        let mut places: Vec<(String, String)> = Vec::new();
        let mut values: Vec<Vec<Option<f64>>> = Vec::new();
        let mut files: Vec<(i64, String, bool)> = Vec::new();
        let mut flagged: Vec<(String, String)> = Vec::new();
        let n = index.members.len();
        // Units in the order of the hierarchy, so equal scores list in a stable order.
        let order: HashMap<&str, usize> =
            self.dicts().units_within(&index.region).iter().enumerate().map(|(i, p)| (p.name.as_str(), i)).collect();
        for (j, m) in index.members.iter().enumerate() {
            stmt.for_each(params![m.indicator.id, period.to_string()], |row| {
                let place: String = row.get(0)?;
                if place == index.region {
                    return Ok(());
                }
                let i = *row_of.entry(place.clone()).or_insert_with(|| {
                    places.push((place.clone(), String::new()));
                    values.push(vec![None; n]);
                    places.len() - 1
                });
                places[i].1 = row.get(1)?;
                // A value flagged 待核实 counts nowhere: the place lacks it.
                if row.get::<_, Option<String>>(6)?.is_some() {
                    flagged.push((place, m.indicator.code.clone()));
                    return Ok(());
                }
                values[i][j] = Some(row.get(2)?);
                let import_id: i64 = row.get(3)?;
                if !files.iter().any(|f| f.0 == import_id) {
                    files.push((import_id, row.get(4)?, row.get(5)?));
                }
                Ok(())
            })?;
        }
        let mut idx: Vec<usize> = (0..places.len()).collect();
        idx.sort_by_key(|&i| (order.get(places[i].0.as_str()).copied().unwrap_or(usize::MAX), places[i].0.clone()));
        let places = idx.iter().map(|&i| places[i].clone()).collect();
        let values = idx.iter().map(|&i| values[i].clone()).collect();
        files.sort();
        Ok(IndexMatrix { period, places, values, files, flagged })
    }

    /// Freezes a ranking as published; returns its revision (1 for the first publication of
    /// this index and period).
    pub fn publish_ranking(
        &self,
        actor: &Actor,
        index_id: i64,
        period: Period,
        result_json: &str,
        data_hash: &str,
        note: &str,
    ) -> Result<i64> {
        authorize(actor, Action::PublishRanking)?;
        limits::RANKING_NOTE.check(note)?;
        let who = actor.login.as_str();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let region: String = tx
            .query_row("SELECT region FROM indices WHERE id = ?1", params![index_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("index {index_id}")))?;
        let revision: i64 = tx.query_row(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM rankings WHERE index_id = ?1 AND period = ?2",
            params![index_id, period.to_string()],
            |r| r.get(0),
        )?;
        tx.execute(
            &format!(
                "INSERT INTO rankings (index_id, period, revision, result_json, data_hash, who, note, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW})"
            ),
            params![index_id, period.to_string(), revision, result_json, data_hash, who, note],
        )?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "ranking.publish",
                object: format!("index {index_id} {period} revision {revision}"),
                old: None,
                new: Some(json!({"data_hash": data_hash, "note": note})),
                source: String::new(),
            },
        )?;
        bump_monitor_rev(&tx, &[region])?;
        tx.commit()?;
        Ok(revision)
    }

    /// Published revisions of an index's ranking for a period (all periods when `None`), newest first.
    pub fn published_rankings(&self, index_id: i64, period: Option<Period>) -> Result<Vec<PublishedRanking>> {
        let r = self.reader()?;
        let mut stmt = r.prepare(
            "SELECT revision, period, result_json, data_hash, who, note, published_at FROM rankings
             WHERE index_id = ?1 AND (?2 IS NULL OR period = ?2) ORDER BY period DESC, revision DESC",
        )?;
        let rows = stmt.query_map(params![index_id, period.map(|p| p.to_string())], |r| {
            Ok(PublishedRanking {
                revision: r.get(0)?,
                period: r.get(1)?,
                result_json: r.get(2)?,
                data_hash: r.get(3)?,
                who: r.get(4)?,
                note: r.get(5)?,
                published_at: r.get(6)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }
}

/// The task key a plan gives its `n`th task (for callers that list tasks by position).
pub fn task_key_of(plan: &planwatch_core::Plan, n: usize) -> Option<String> {
    let keys = crate::corrections::keys_of(&plan.tasks, task_key);
    keys.into_iter().nth(n)
}

//! Monitoring views: the store's indicators and observations put through the computations
//! of `planwatch-monitor`, shaped for pages, the API, the CLI and reports. The CLI uses the
//! same functions, so a figure is computed one way wherever it is shown.

pub mod sample;

use planwatch_monitor::progress::{self, Progress, TargetSpec, Thresholds};
use planwatch_monitor::rank::{self, Column, Method, MissingPolicy, RankInput};
use planwatch_monitor::rollup::{roll_up, RegionValue};
use planwatch_monitor::{Direction, Frequency, Period};

use planwatch_report as report;
use planwatch_store::monitor::{IndexDef, IndexMatrix, Indicator, PublishedRanking, TaskProgress, TaskStatus};
use planwatch_store::{PlanView, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

type Result<T> = std::result::Result<T, StoreError>;

/// The built-in district boundaries (`data/boundaries/`, embedded), by the region's GB/T 2260
/// code. Maps use [`crate::boundaries::for_region`], which lets a `--data` directory override
/// or add a region.
pub fn boundaries(region_code: &str) -> Option<&'static str> {
    crate::boundaries::builtin(region_code)
}

/// A file values came from: (import id, file name, synthetic).
pub type FileRef = (i64, String, bool);

/// Progress of one target-linked (or hand-made) indicator.
#[derive(Debug, Clone, Serialize)]
pub struct TargetProgress {
    pub indicator: Indicator,
    /// The region's values by period (its own, or rolled up from its units).
    pub series: Vec<RegionValue>,
    /// A weighted mean's weight indicator: (code, name); None for other rules or a weight
    /// that no longer exists.
    pub weight: Option<(String, String)>,
    /// Periods where units' values were left out of a weighted mean for lack of a weight.
    pub missing_weights: Vec<(Period, Vec<String>)>,
    /// Values flagged 待核实 up to the as-of period, left out of every figure until an
    /// analyst confirms them or the unit corrects them: "蜀山区 2026Q3:9876 家".
    pub flagged: Vec<String>,
    pub spec: Option<TargetSpec>,
    pub progress: Option<Progress>,
    pub completion: Option<f64>,
    pub elapsed: f64,
    pub status_key: &'static str,
    pub status_label: &'static str,
    pub verdict: String,
    /// The notes of the rules that applied (无基期值…), joined; empty when none.
    pub note: String,
    /// The files the values shown came from.
    pub files: Vec<FileRef>,
    /// The registry count the values are, when the indicator is bound to one.
    pub registry: Option<RegistrySource>,
}

/// A target whose values are counted from a registry (名录): which, and how many entries count
/// today (the values themselves are of each period's end, written when entries change).
#[derive(Debug, Clone, Serialize)]
pub struct RegistrySource {
    pub kind: String,
    pub kind_name: String,
    /// `级别=国家级`; empty without a filter.
    pub filter: String,
    /// Approved matching entries of the region today.
    pub entries_now: i64,
    pub href: String,
}

impl RegistrySource {
    /// What the pages say: "来自名录「创新资源」(级别=国家级):已审核 12 条(截至今日),按期末计入".
    pub fn line(&self) -> String {
        let filter = if self.filter.is_empty() { String::new() } else { format!("({})", self.filter) };
        format!("来自名录「{}」{filter}:已审核 {} 条(截至今日),按期末计入", self.kind_name, self.entries_now)
    }
}

fn registry_sources(store: &Store, indicators: &[Indicator]) -> Result<HashMap<i64, RegistrySource>> {
    let ids: std::collections::HashSet<i64> = indicators.iter().map(|i| i.id).collect();
    let mut out = HashMap::new();
    let (y, m) = today();
    let now = Period::Month(y, m as u8);
    for b in store.registry_bindings()?.into_iter().filter(|b| ids.contains(&b.indicator_id)) {
        let entries_now =
            store.registry_counts(&b, &[now])?.into_iter().find(|c| c.place == b.region).map_or(0, |c| c.count);
        let kind_name = store.registries().kind(&b.kind).map_or_else(|| b.kind.clone(), |k| k.name.clone());
        let filter = planwatch_store::registry_values::filter_label(store, &b);
        let href = format!("/registries/{}", crate::links::enc(&b.kind));
        out.insert(b.indicator_id, RegistrySource { kind: b.kind, kind_name, filter, entries_now, href });
    }
    Ok(out)
}

/// Progress of a plan's indicators and tasks at one period.
#[derive(Debug, Clone, Serialize)]
pub struct PlanProgress {
    pub plan_id: i64,
    pub plan_title: String,
    pub region: String,
    pub as_of: Option<Period>,
    pub thresholds: Thresholds,
    pub targets: Vec<TargetProgress>,
    /// (status label, count) in the order 已完成, 超前, 正常, 滞后, 无基期值, 无数据.
    pub counts: Vec<(String, usize)>,
    pub status_keys: Vec<&'static str>,
    /// The latest report of each task up to `as_of`.
    pub tasks: Vec<TaskProgress>,
    /// Reports of status 滞后, by lead department.
    pub lagging_tasks: Vec<TaskProgress>,
    /// True when any value shown is generated demonstration data.
    pub synthetic: bool,
    /// Whether the values of the as-of period are approved.
    pub approval: DataApproval,
}

/// Whether figures rest on approved data only: of the units whose values of a period are
/// used, how many have had that period's figures approved.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataApproval {
    pub period: String,
    pub approved: usize,
    pub total: usize,
    /// Units whose figures are not approved (yet).
    pub pending: Vec<String>,
}

impl DataApproval {
    /// Counts the approved cells among the units `places` for `period` of `region`.
    pub fn of(store: &Store, region: &str, places: &[String], period: Option<Period>) -> Result<DataApproval> {
        let Some(period) = period else { return Ok(DataApproval::default()) };
        let p = period.to_string();
        let cells: Vec<(String, String)> = places.iter().map(|pl| (pl.clone(), p.clone())).collect();
        let approved = store.approved_among(region, &cells)?;
        let pending: Vec<String> =
            places.iter().filter(|pl| !approved.contains(&((*pl).clone(), p.clone()))).cloned().collect();
        Ok(DataApproval { period: p, approved: places.len() - pending.len(), total: places.len(), pending })
    }

    pub fn all_approved(&self) -> bool {
        self.total > 0 && self.pending.is_empty()
    }

    /// "全部为已审核数据(2026Q2,9 个单位)" or "含未审核数据:3/9 个单位的 2026Q3 数据尚未审核(…)".
    pub fn label(&self) -> String {
        if self.total == 0 {
            return String::new();
        }
        if self.all_approved() {
            return format!("全部为已审核数据({},{} 个单位)", self.period, self.total);
        }
        let mut names: Vec<&str> = self.pending.iter().map(String::as_str).take(6).collect();
        if self.pending.len() > 6 {
            names.push("等");
        }
        format!(
            "含未审核数据:{}/{} 个单位的 {} 数据尚未审核({})",
            self.pending.len(),
            self.total,
            self.period,
            names.join("、")
        )
    }
}

const STATUS_ORDER: [progress::Status; 6] = [
    progress::Status::Done,
    progress::Status::Ahead,
    progress::Status::OnTrack,
    progress::Status::Behind,
    progress::Status::NoBaseline,
    progress::Status::NoData,
];

/// The target of an indicator on the time axis, when it has a value and a year.
pub fn target_spec(ind: &Indicator, first: Option<Period>) -> Option<TargetSpec> {
    let target = ind.target_value?;
    let year = ind.target_year?;
    let baseline = ind.baseline_value.zip(ind.baseline_year).map(|(v, y)| (Period::Year(y), v));
    let plan_start =
        ind.start_year.map(Period::Year).or(first.map(|p| Period::Year(p.year()))).unwrap_or(Period::Year(year));
    Some(
        TargetSpec::from_periods(target, baseline, ind.direction, plan_start, Period::Year(year))
            .with_increment(ind.increment),
    )
}

/// Progress of plan `plan_id` at `as_of` (default: the newest period with data).
pub fn plan_progress(
    store: &Store,
    plan_id: i64,
    as_of: Option<Period>,
    thresholds: &Thresholds,
) -> Result<PlanProgress> {
    plan_progress_of(store, &store.plan_view(plan_id)?, as_of, thresholds)
}

/// [`plan_progress`] of a plan whose view the caller has loaded already.
pub fn plan_progress_of(
    store: &Store,
    view: &PlanView,
    as_of: Option<Period>,
    thresholds: &Thresholds,
) -> Result<PlanProgress> {
    let plan_id = view.summary.id;
    let indicators = store.indicators(Some(plan_id), None)?;
    let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let as_of = match as_of {
        Some(p) => Some(p),
        None => store.latest_period(&ids)?,
    };
    let observations = store.observation_values(&ids)?;
    // Weighted means need their weight indicators' values (indicators of the same region,
    // in this plan or not).
    let mut weights: HashMap<String, Indicator> = HashMap::new();
    for code in indicators.iter().filter_map(|i| i.rollup_weight.as_deref()) {
        if !weights.contains_key(code) {
            if let Some(w) = store.indicator(code)? {
                weights.insert(code.to_string(), w);
            }
        }
    }
    let weight_ids: Vec<i64> = weights.values().map(|w| w.id).collect();
    let weight_values = store.observation_values(&weight_ids)?;
    let mut flagged_of: HashMap<i64, Vec<String>> = HashMap::new();
    let as_of_end = as_of.map(|p| p.end_time()).unwrap_or(f64::NEG_INFINITY);
    for o in store.flagged_observations(&ids)? {
        if o.period.end_time() <= as_of_end {
            flagged_of.entry(o.indicator_id).or_default().push(format!(
                "{} {}:{}",
                o.place,
                o.period,
                progress::format_number(o.value)
            ));
        }
    }
    let imports = store.imports_by_id()?;
    let mut by_indicator: HashMap<i64, Vec<&planwatch_store::monitor::ObservationValue>> = HashMap::new();
    for o in &observations {
        by_indicator.entry(o.indicator_id).or_default().push(o);
    }
    let as_of_time = as_of.map(|p| p.end_time()).unwrap_or(f64::NEG_INFINITY);
    let mut registry_of = registry_sources(store, &indicators)?;
    let mut targets = Vec::new();
    let mut synthetic = false;
    for ind in indicators {
        let ind_id = ind.id;
        let obs = by_indicator.remove(&ind.id).unwrap_or_default();
        let triples: Vec<(&str, Period, f64)> = obs
            .iter()
            .filter(|o| o.period.frequency() == ind.frequency && o.period.end_time() <= as_of_time)
            .map(|o| (o.place.as_str(), o.period, o.value))
            .collect();
        let weight = ind.rollup_weight.as_deref().and_then(|c| weights.get(c));
        let weight_triples: Vec<(&str, Period, f64)> = match weight {
            Some(w) => weight_values
                .iter()
                .filter(|o| o.indicator_id == w.id && o.period.end_time() <= as_of_time)
                .map(|o| (o.place.as_str(), o.period, o.value))
                .collect(),
            None => Vec::new(),
        };
        let rolled = roll_up(ind.rollup, &ind.region, &triples, &weight_triples);
        let weight = weight.map(|w| (w.code.clone(), w.name.clone()));
        let flagged = flagged_of.remove(&ind.id).unwrap_or_default();
        let (series, missing_weights) = (rolled.values, rolled.missing_weights);
        let mut import_ids: Vec<i64> =
            obs.iter().filter(|o| o.period.end_time() <= as_of_time).map(|o| o.import_id).collect();
        import_ids.sort_unstable();
        import_ids.dedup();
        let files: Vec<FileRef> = import_ids
            .into_iter()
            .map(|id| {
                let (name, synthetic) = imports.get(&id).cloned().unwrap_or_default();
                (id, name, synthetic)
            })
            .collect();
        synthetic |= files.iter().any(|f| f.2);
        let spec = target_spec(&ind, series.first().map(|v| v.period));
        let progress = spec.map(|s| {
            let points: Vec<(f64, f64)> = series.iter().map(|v| (v.period.end_time(), v.value)).collect();
            progress::progress(&s, &points, as_of_time, thresholds)
        });
        let (status_key, status_label, completion, elapsed, verdict) = match &progress {
            Some(p) => (p.status.key(), p.status.label(), p.completion, p.elapsed, verdict(p, &ind)),
            None => ("no_data", "无目标值", None, 0.0, String::new()),
        };
        let note = progress.as_ref().map(|p| p.notes.join("")).unwrap_or_default();
        targets.push(TargetProgress {
            indicator: ind,
            series,
            weight,
            missing_weights,
            flagged,
            spec,
            progress,
            completion,
            elapsed,
            status_key,
            status_label,
            verdict,
            note,
            files,
            registry: registry_of.remove(&ind_id),
        });
    }
    let counts = STATUS_ORDER
        .iter()
        .map(|s| (s.label().to_string(), targets.iter().filter(|t| t.status_key == s.key()).count()))
        .collect();
    let tasks = store.task_progress(plan_id, as_of)?;
    let lagging_tasks = tasks.iter().filter(|t| t.status == TaskStatus::Lagging).cloned().collect();
    let region = view.effective.plan.meta.region.clone().unwrap_or_default();
    let mut places: Vec<String> =
        observations.iter().filter(|o| Some(o.period) == as_of).map(|o| o.place.clone()).collect();
    places.sort_unstable();
    places.dedup();
    let approval = DataApproval::of(store, &region, &places, as_of)?;
    Ok(PlanProgress {
        plan_id,
        plan_title: view.summary.title.clone(),
        region,
        as_of,
        thresholds: *thresholds,
        targets,
        counts,
        status_keys: STATUS_ORDER.iter().map(|s| s.key()).collect(),
        tasks,
        lagging_tasks,
        synthetic,
        approval,
    })
}

/// How an indicator's city value is made, for pages and reports: "求和", "加权平均(权重:常住人口)".
pub fn rollup_label(t: &TargetProgress) -> String {
    match (&t.weight, t.indicator.rollup_weight.as_deref()) {
        (Some((code, name)), _) => format!("{}(权重:{name} {code})", t.indicator.rollup.label()),
        (None, Some(code)) => format!("{}(权重指标 {code} 不存在)", t.indicator.rollup.label()),
        (None, None) => t.indicator.rollup.label().to_string(),
    }
}

/// "加权平均未含 2026Q3 的 A区、B区(缺少权重 常住人口 的数值)" for each period of a
/// weighted mean that had to leave units out, newest first; empty when none did.
pub fn missing_weight_notes(t: &TargetProgress) -> Vec<String> {
    let name = t.weight.as_ref().map(|w| w.1.as_str()).or(t.indicator.rollup_weight.as_deref()).unwrap_or("");
    t.missing_weights
        .iter()
        .rev()
        .map(|(p, places)| {
            format!("{p} 的加权平均未含 {}:缺少权重指标“{name}”的数值,请补报其同期数值", places.join("、"))
        })
        .collect()
}

/// What one value of an indicator reported this often is called: 季度值, 年度值, 月度值.
pub fn value_word(frequency: Frequency) -> String {
    format!("{}值", frequency.label())
}

/// "线性趋势,基于6个季度值:预计达成;复合增长,基于6个季度值:低可信度:预测值 469 远超目标值 30,不作研判"
/// — each forecast with its method and the values it rests on, or why there is none.
/// The gap of a plausible forecast is rounded by the indicator's unit (差 3682 家, not 3681.5).
pub fn verdict(p: &Progress, ind: &Indicator) -> String {
    let word = value_word(ind.frequency);
    let parts: Vec<String> = [&p.forecasts.linear, &p.forecasts.compound]
        .into_iter()
        .flatten()
        .map(|f| {
            let text = if f.plausible && !f.achieved {
                use planwatch_monitor::units::{format_value, round_to, rounding};
                let decimals = rounding(&ind.unit, &ind.name).decimals();
                // The unit after the number (a percentage carries its sign already).
                let with_unit = |v: f64| {
                    let shown = format_value(v, &ind.unit, &ind.name);
                    if shown.ends_with('%') || ind.unit.trim().is_empty() {
                        shown
                    } else {
                        format!("{shown} {}", ind.unit.trim())
                    }
                };
                if round_to(f.gap, decimals) == 0.0 {
                    // Less than the last digit shown: never "差 0.0%".
                    format!("预计未达成,差不足 {}", with_unit(10f64.powi(-(decimals as i32))))
                } else {
                    format!("预计未达成,差 {}", with_unit(f.gap))
                }
            } else {
                f.verdict.clone()
            };
            format!("{}:{text}", f.basis_label(&word))
        })
        .collect();
    if parts.is_empty() {
        p.forecast_note.clone().unwrap_or_else(|| "数据不足,暂不预测".into())
    } else {
        parts.join(";")
    }
}

// ---- rankings -----------------------------------------------------------------------------

/// One ranked place.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RankedPlace {
    pub rank: u32,
    pub place: String,
    pub code: String,
    pub score: f64,
    pub previous_rank: Option<u32>,
    /// Positive: moved up.
    pub change: Option<i32>,
}

/// The result of ranking one period: what a published 榜单 freezes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RankingResult {
    /// (indicator code, weight).
    pub weights: Vec<(String, f64)>,
    pub rows: Vec<RankedPlace>,
    /// (place, why it is not ranked).
    pub unranked: Vec<(String, String)>,
    pub notes: Vec<String>,
    /// The files the values came from.
    pub files: Vec<FileRef>,
}

/// A ranking as pages show it: the live computation on today's data, and the published
/// revisions of the same period.
#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    pub index: IndexDef,
    pub period: Period,
    pub previous: Period,
    pub weights: Vec<(String, f64)>,
    pub rows: Vec<RankedPlace>,
    pub unranked: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub files: Vec<FileRef>,
    pub data_hash: String,
    pub published: Vec<PublishedRanking>,
    /// The newest published revision of this period, as frozen.
    pub official: Option<(i64, RankingResult)>,
    /// True when today's data give another list than the newest published revision.
    pub revised: bool,
    pub synthetic: bool,
    /// Whether the ranked units' figures for the period are approved.
    pub approval: DataApproval,
    /// Values of the period flagged 待核实, left out: (place, indicator code).
    pub flagged: Vec<(String, String)>,
}

impl RankingView {
    /// Why publishing this ranking needs a confirmation: it rests on figures not yet approved
    /// or leaves out values flagged 待核实. None when it rests on approved data only.
    pub fn caution(&self) -> Option<String> {
        let mut parts = Vec::new();
        if !self.approval.all_approved() && self.approval.total > 0 {
            parts.push(self.approval.label());
        }
        if !self.flagged.is_empty() {
            let list: Vec<String> = self.flagged.iter().take(6).map(|(p, c)| format!("{p} {c}")).collect();
            parts.push(format!(
                "{} 个待核实数值未计入({}{})",
                self.flagged.len(),
                list.join("、"),
                if self.flagged.len() > 6 { "等" } else { "" }
            ));
        }
        if parts.is_empty() {
            None
        } else {
            Some(parts.join(";"))
        }
    }
}

fn compute(index: &IndexDef, matrix: &IndexMatrix) -> RankingResult {
    let columns: Vec<Column> = index
        .members
        .iter()
        .map(|m| Column {
            code: m.indicator.code.clone(),
            name: m.indicator.name.clone(),
            direction: m.indicator.direction,
        })
        .collect();
    let codes: Vec<String> = columns.iter().map(|c| c.code.clone()).collect();
    let missing = if index.missing == "mean" { MissingPolicy::ImputeMean } else { MissingPolicy::Exclude };
    let method = match index.method {
        planwatch_store::monitor::IndexMethod::EntropyTopsis => Method::EntropyTopsis,
        planwatch_store::monitor::IndexMethod::Fixed => {
            Method::Fixed(index.members.iter().map(|m| m.weight.unwrap_or(0.0)).collect())
        }
    };
    let places: Vec<String> = matrix.places.iter().map(|p| p.0.clone()).collect();
    let code_of: HashMap<&str, &str> = matrix.places.iter().map(|p| (p.0.as_str(), p.1.as_str())).collect();
    let empty = |note: String| RankingResult {
        weights: codes.iter().map(|c| (c.clone(), 0.0)).collect(),
        rows: Vec::new(),
        unranked: Vec::new(),
        notes: vec![note],
        files: matrix.files.clone(),
    };
    if places.is_empty() {
        return empty("本期没有任何区县的数据".into());
    }
    let result = RankInput::from_rows(places, columns, matrix.values.clone())
        .and_then(|input| rank::rank(&input, &method, missing));
    let r = match result {
        Ok(r) => r,
        Err(e) => return empty(format!("无法计算排名:{e}")),
    };
    let mut rows: Vec<RankedPlace> = r
        .places
        .iter()
        .map(|p| RankedPlace {
            rank: p.rank as u32,
            place: p.place.clone(),
            code: code_of.get(p.place.as_str()).copied().unwrap_or_default().to_string(),
            score: p.score,
            previous_rank: None,
            change: None,
        })
        .collect();
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then(a.place.cmp(&b.place)));
    RankingResult {
        weights: r.indicators.iter().map(|i| (i.code.clone(), i.weight)).collect(),
        rows,
        unranked: r.unranked.iter().map(|u| (u.place.clone(), u.reason.clone())).collect(),
        notes: r.notes.clone(),
        files: matrix.files.clone(),
    }
}

/// The ranking of `index_name` for `period` (default: the newest period with data).
pub fn ranking(store: &Store, index_name: &str, period: Option<Period>) -> Result<RankingView> {
    let index = store
        .index(index_name)?
        .ok_or_else(|| StoreError::NotFound(format!("综合指数“{index_name}”(已有的指数见 /indexes)")))?;
    let ids: Vec<i64> = index.members.iter().map(|m| m.indicator.id).collect();
    let frequency = index.members.first().map(|m| m.indicator.frequency).unwrap_or(Frequency::Quarter);
    let period = match period {
        Some(p) => p,
        None => store.latest_period(&ids)?.ok_or_else(|| {
            StoreError::NotFound(format!(
                "综合指数“{index_name}”的数据:其指标还没有任何数值,请先导入各区县数据(监测评估 › 数据填报)"
            ))
        })?,
    };
    if period.frequency() != frequency {
        return Err(StoreError::Invalid(format!(
            "index “{index_name}” is reported by {}: give a period like {}",
            frequency.label(),
            period.as_frequency(frequency)
        )));
    }
    let matrix = store.index_matrix(&index, period)?;
    let mut live = compute(&index, &matrix);
    for (place, code) in &matrix.flagged {
        live.notes.push(format!("{place} 的 {code} 数值待核实,未计入排名(分析员确认或区县更正后计入)"));
    }
    let previous = period.prev();
    let before = compute(&index, &store.index_matrix(&index, previous)?);
    let prev_rank: HashMap<&str, u32> = before.rows.iter().map(|r| (r.place.as_str(), r.rank)).collect();
    for r in &mut live.rows {
        r.previous_rank = prev_rank.get(r.place.as_str()).copied();
        r.change = r.previous_rank.map(|p| p as i32 - r.rank as i32);
    }
    let published = store.published_rankings(index.id, Some(period))?;
    let official = published
        .first()
        .and_then(|p| serde_json::from_str::<RankingResult>(&p.result_json).ok().map(|r| (p.revision, r)));
    let data_hash = matrix.data_hash();
    let revised = published.first().is_some_and(|p| p.data_hash != data_hash);
    let synthetic = live.files.iter().any(|f| f.2);
    let places: Vec<String> = matrix.places.iter().map(|p| p.0.clone()).collect();
    let approval = DataApproval::of(store, &index.region, &places, Some(period))?;
    Ok(RankingView {
        index,
        period,
        previous,
        weights: live.weights,
        rows: live.rows,
        unranked: live.unranked,
        notes: live.notes,
        files: live.files,
        data_hash,
        published,
        official,
        revised,
        synthetic,
        approval,
        flagged: matrix.flagged,
    })
}

/// Publishes the live ranking of `view` as a new revision of its period's 榜单.
/// A ranking that rests on unapproved or flagged data ([`RankingView::caution`]) says so in
/// the published 榜单's notes; front ends ask for a confirmation before calling this.
pub fn publish(store: &Store, actor: &planwatch_store::Actor, view: &RankingView, note: &str) -> Result<i64> {
    let mut notes = view.notes.clone();
    if let Some(caution) = view.caution() {
        notes.insert(0, format!("发布时数据尚未全部审核或含待核实数值:{caution};发布人已确认发布"));
    }
    let frozen = RankingResult {
        weights: view.weights.clone(),
        rows: view.rows.clone(),
        unranked: view.unranked.clone(),
        notes,
        files: view.files.clone(),
    };
    let json = serde_json::to_string(&frozen).map_err(|e| StoreError::Invalid(e.to_string()))?;
    store.publish_ranking(actor, view.index.id, view.period, &json, &view.data_hash, note)
}

/// Values of one indicator (or of an index's scores) by unit, for a map.
#[derive(Debug, Clone, Serialize)]
pub struct MapData {
    pub title: String,
    pub unit: String,
    pub region: String,
    pub region_code: String,
    pub period: Period,
    pub lower_is_better: bool,
    pub values: Vec<report::MapValue>,
    pub files: Vec<FileRef>,
    /// The region's boundaries (a `--data` directory's, else the built-in ones).
    #[serde(serialize_with = "crate::boundaries::serialize_text")]
    pub geojson: Option<std::sync::Arc<str>>,
    /// Why a data directory's boundary file could not be read (the map then says so).
    pub boundary_error: Option<String>,
}

/// The map of an indicator's unit values for `period`.
pub fn indicator_map(store: &Store, code: &str, period: Option<Period>) -> Result<MapData> {
    let ind = store.indicator(code)?.ok_or_else(|| StoreError::NotFound(format!("indicator {code}")))?;
    let period = match period {
        Some(p) => p,
        None => store.latest_period(&[ind.id])?.ok_or_else(|| StoreError::NotFound(format!("data of {code}")))?,
    };
    let obs = store.observations(&[ind.id])?;
    let mut by_place: BTreeMap<&str, &planwatch_store::monitor::Observation> = BTreeMap::new();
    // Values flagged 待核实 count nowhere, on maps neither.
    for o in obs.iter().filter(|o| o.period == period && o.outlier.is_none()) {
        by_place.insert(o.place.as_str(), o);
    }
    let mut files: Vec<FileRef> = by_place.values().map(|o| (o.import_id, o.file_name.clone(), o.synthetic)).collect();
    files.sort();
    files.dedup();
    let values = unit_values(store, &ind.region, |name| by_place.get(name).map(|o| o.value));
    Ok(map_data(
        store,
        format!("{} · {}", ind.name, period.label()),
        ind.unit.clone(),
        &ind.region,
        period,
        ind.direction == Direction::Lower,
        values,
        files,
    ))
}

/// The map of an index's scores.
pub fn index_map(view: &RankingView, store: &Store) -> MapData {
    let scores: HashMap<&str, f64> = view.rows.iter().map(|r| (r.place.as_str(), r.score)).collect();
    let values = unit_values(store, &view.index.region, |name| scores.get(name).copied());
    map_data(
        store,
        format!("{} · {}", view.index.name, view.period.label()),
        "得分".into(),
        &view.index.region,
        view.period,
        false,
        values,
        view.files.clone(),
    )
}

/// One value per coded unit of the region (the units the boundaries draw).
fn unit_values(store: &Store, region: &str, value: impl Fn(&str) -> Option<f64>) -> Vec<report::MapValue> {
    store
        .dicts()
        .units_within(region)
        .into_iter()
        .filter(|p| !p.code.is_empty())
        .map(|p| report::MapValue { code: p.code.clone(), name: p.name.clone(), value: value(&p.name) })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn map_data(
    store: &Store,
    title: String,
    unit: String,
    region: &str,
    period: Period,
    lower_is_better: bool,
    values: Vec<report::MapValue>,
    files: Vec<FileRef>,
) -> MapData {
    let region_code = store.dicts().unit(region).map(|p| p.code.clone()).unwrap_or_default();
    let (geojson, boundary_error) = match crate::boundaries::for_region(store.dicts(), &region_code) {
        Ok(found) => (found.map(|(text, _)| text), None),
        Err(e) => (None, Some(e)),
    };
    MapData {
        title,
        unit,
        region: region.to_string(),
        geojson,
        boundary_error,
        region_code,
        period,
        lower_is_better,
        values,
        files,
    }
}

/// The indices of a region.
pub fn region_indices(store: &Store, region: &str) -> Result<Vec<IndexDef>> {
    Ok(store.indices()?.into_iter().filter(|i| i.region == region).collect())
}

// ---- templates ----------------------------------------------------------------------------

/// The rows of the template `place` fills in for `period`: every indicator of the place's
/// region reported at the period's frequency.
pub fn template_rows(
    store: &Store,
    place: &str,
    period: Period,
) -> Result<(String, Vec<planwatch_export::TemplateRow>)> {
    let dicts = store.dicts();
    let unit = dicts
        .place(place, None)
        .ok_or_else(|| StoreError::Invalid(format!("unknown place “{place}”: use its official name, e.g. 渝北区")))?;
    // A county reports for the region above it; a city for itself.
    let region = if unit.level == "county" || unit.level == "zone" { unit.within.clone() } else { unit.name.clone() };
    let indicators: Vec<Indicator> =
        store.indicators(None, Some(&region))?.into_iter().filter(|i| i.frequency == period.frequency()).collect();
    let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
    let previous: HashMap<i64, f64> = store
        .observation_values(&ids)?
        .into_iter()
        .filter(|o| o.place == unit.name && o.period == period.prev())
        .map(|o| (o.indicator_id, o.value))
        .collect();
    let rows = indicators
        .iter()
        .map(|i| planwatch_export::TemplateRow {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            place: unit.name.clone(),
            period: period.to_string(),
            previous: previous.get(&i.id).copied(),
            source: i.source_text.clone(),
        })
        .collect();
    Ok((format!("{} {} 指标填报表({region})", unit.name, period.label()), rows))
}

// ---- reports ------------------------------------------------------------------------------

/// Where an indicator's target sentence is shown, highlighted, in its plan's document view.
/// An indicator's deadline as shown: `2025年`, or `2025年(推定)` when the plan states no year
/// and the plan's end year stands in for it.
pub fn deadline_label(ind: &Indicator) -> String {
    match ind.target_year {
        Some(y) if ind.target_year_inferred => format!("{y}年(推定)"),
        Some(y) => format!("{y}年"),
        None => String::new(),
    }
}

/// Links to the other mentions of an indicator's target in its plan: (href, sentence).
pub fn other_source_links(ind: &Indicator) -> Vec<(String, String)> {
    let (Some(doc), Some(version)) = (ind.document_id, ind.version_id) else { return Vec::new() };
    ind.other_mentions
        .iter()
        .map(|m| (crate::links::source_href(doc, version, [m.span.0, m.span.1]), m.text.clone()))
        .collect()
}

pub fn source_link(ind: &Indicator) -> Option<String> {
    let (s, e) = ind.span.unwrap_or((0, 0));
    Some(crate::links::source_href(ind.document_id?, ind.version_id?, [s, e]))
}

struct Sources {
    list: Vec<report::Source>,
    files: HashMap<i64, usize>,
    /// When each import was accepted (UTC), to date the data files.
    import_times: HashMap<i64, String>,
}

impl Sources {
    fn add(&mut self, s: report::Source) -> usize {
        self.list.push(s);
        self.list.len() - 1
    }
    fn file(&mut self, f: &FileRef) -> usize {
        if let Some(&i) = self.files.get(&f.0) {
            return i;
        }
        let date = self.import_times.get(&f.0).map(|t| beijing_time(t)).unwrap_or_default();
        let i = self.add(report::Source {
            kind: report::SourceKind::DataFile,
            label: format!("数据文件 {}", f.1),
            text: if f.2 { "合成示例数据,仅供演示".into() } else { String::new() },
            location: if date.is_empty() {
                format!("导入批次 #{}", f.0)
            } else {
                format!("导入批次 #{},{} 导入", f.0, date.get(..10).unwrap_or(&date))
            },
            url: Some("/monitor#imports".into()),
        });
        self.files.insert(f.0, i);
        i
    }
}

/// Where a sentence of a plan is, for a printed reader: the headings above byte `start`
/// ("三、主要目标 (一)总体目标"), from the plan's outline.
pub fn outline_location(plan: &planwatch_core::model::Plan, start: usize) -> String {
    let mut stack: Vec<&planwatch_core::model::OutlineEntry> = Vec::new();
    for o in plan.outline.iter().take_while(|o| o.span[0] <= start) {
        stack.retain(|p| p.level < o.level);
        stack.push(o);
    }
    stack.iter().map(|o| format!("{}{}", o.marker, o.title)).collect::<Vec<_>>().join(" ")
}

/// The report of plan `plan_id` for `period` (default: the newest period with data).
/// `index` picks the ranking shown (default: the first index of the plan's region).
/// `author` is who asked for it (the logged-in account, the CLI's actor, or "planwatch"): the
/// DOCX names it as the document's author.
pub fn build_report(
    store: &Store,
    plan_id: i64,
    kind: report::ReportKind,
    period: Option<Period>,
    index: Option<&str>,
    author: &str,
) -> Result<report::Report> {
    let view = store.plan_view(plan_id)?;
    let meta = &view.effective.plan.meta;
    let p = plan_progress_of(store, &view, period, &Thresholds::default())?;
    let mut sources = Sources { list: Vec::new(), files: HashMap::new(), import_times: store.import_times()? };
    let plan_title = format!("《{}》", view.summary.title);
    let mut targets = Vec::new();
    for t in &p.targets {
        let target_source = sources.add(report::Source {
            kind: report::SourceKind::PlanSentence,
            label: "规划原文".into(),
            text: if t.indicator.source_text.is_empty() {
                format!("指标 {} 由分析人员定义", t.indicator.code)
            } else if t.indicator.target_year_inferred {
                format!(
                    "{}(原文未写完成年份,{}为按规划期末推定的期限)",
                    t.indicator.source_text,
                    deadline_label(&t.indicator).trim_end_matches("(推定)")
                )
            } else {
                t.indicator.source_text.clone()
            },
            location: match t.indicator.span {
                Some((start, _)) if t.indicator.document_id == Some(plan_id) => {
                    format!("{plan_title} {}", outline_location(&view.effective.plan, start)).trim_end().to_string()
                }
                _ => plan_title.clone(),
            },
            url: source_link(&t.indicator),
        });
        let data_sources = t.files.iter().map(|f| sources.file(f)).collect();
        let series = series_points(t);
        let forecast_points = forecast_points(t);
        let prog = t.progress.as_ref();
        targets.push(report::TargetRow {
            indicator: t.indicator.name.clone(),
            unit: t.indicator.unit.clone(),
            baseline: t.indicator.baseline_value,
            target: t.indicator.target_value.unwrap_or(f64::NAN),
            deadline: t.indicator.target_year.unwrap_or_default(),
            current: prog.and_then(|p| p.current),
            current_period: t.series.last().map(|v| v.period.label()),
            completion: t.completion,
            elapsed: t.elapsed,
            status_key: t.status_key.into(),
            status_label: t.status_label.into(),
            forecast_linear: prog.and_then(|p| p.forecasts.linear.as_ref().map(|f| f.value)),
            forecast_compound: prog.and_then(|p| p.forecasts.compound.as_ref().map(|f| f.value)),
            forecast_linear_low: prog.and_then(|p| p.forecasts.linear.as_ref()).is_some_and(|f| !f.plausible),
            forecast_compound_low: prog.and_then(|p| p.forecasts.compound.as_ref()).is_some_and(|f| !f.plausible),
            verdict: t.verdict.clone(),
            note: t.note.clone(),
            series,
            forecast_points,
            target_source,
            data_sources,
        });
    }
    let status_counts = STATUS_ORDER
        .iter()
        .map(|s| report::StatusCount {
            key: s.key().into(),
            label: s.label().into(),
            count: p.targets.iter().filter(|t| t.status_key == s.key()).count() as u32,
        })
        .collect();
    // The ranking and map of the region.
    let region = p.region.clone();
    let chosen = match index {
        Some(name) => store.index(name)?,
        None => region_indices(store, &region)?.into_iter().next(),
    };
    let mut ranking_section = None;
    let mut map_section = None;
    let mut synthetic = p.synthetic;
    if let Some(idx) = chosen {
        let rank_period = p
            .as_of
            .map(|a| a.as_frequency(idx.members.first().map(|m| m.indicator.frequency).unwrap_or(Frequency::Quarter)));
        if let Ok(rv) = ranking(store, &idx.name, rank_period) {
            synthetic |= rv.synthetic;
            let file_sources: Vec<usize> = rv.files.iter().map(|f| sources.file(f)).collect();
            let cited: Vec<String> = file_sources.iter().map(|&i| report::cite(i)).collect();
            let source = sources.add(report::Source {
                kind: report::SourceKind::Ranking,
                label: format!("排名 {} {}", rv.index.name, rv.period.label()),
                text: format!(
                    "{},{} 项指标,数据见 {}",
                    rv.index.method.label(),
                    rv.index.members.len(),
                    cited.join("")
                ),
                location: rv
                    .published
                    .first()
                    .map(|pb| format!("已发布第{}版", pb.revision))
                    .unwrap_or_else(|| "按当前数据计算,未发布".into()),
                url: Some(format!("/rankings/{}?period={}", crate::links::enc(&rv.index.name), rv.period)),
            });
            let names: HashMap<&str, &str> =
                rv.index.members.iter().map(|m| (m.indicator.code.as_str(), m.indicator.name.as_str())).collect();
            let mut rows: Vec<report::RankingRow> = rv
                .rows
                .iter()
                .map(|r| report::RankingRow {
                    rank: Some(r.rank),
                    place: r.place.clone(),
                    score: Some(r.score),
                    change: r.change,
                    note: None,
                })
                .collect();
            rows.extend(rv.unranked.iter().map(|(place, why)| report::RankingRow {
                rank: None,
                place: place.clone(),
                score: None,
                change: None,
                note: Some(why.clone()),
            }));
            let published = rv.published.first().map(|pb| {
                let mut s = format!("已发布 第{}版 {}", pb.revision, beijing_time(&pb.published_at));
                if rv.revised {
                    s.push_str(";发布后数据有更正,下表为按最新数据的计算结果");
                }
                s
            });
            let map = index_map(&rv, store);
            if let Some(geo) = &map.geojson {
                map_section = Some(report::MapSection {
                    title: map.title.clone(),
                    unit: map.unit.clone(),
                    lower_is_better: false,
                    geojson: geo.to_string(),
                    values: map.values.clone(),
                    source,
                });
            }
            ranking_section = Some(report::RankingSection {
                index_name: rv.index.name.clone(),
                period_label: rv.period.label(),
                method_label: rv.index.method.label().into(),
                approved_note: Some(rv.approval.label()).filter(|l| !l.is_empty()),
                published,
                weights: rv
                    .weights
                    .iter()
                    .map(|(c, w)| (names.get(c.as_str()).map(|n| format!("{n}({c})")).unwrap_or(c.clone()), *w))
                    .collect(),
                rows,
                source,
            });
        }
    }
    let tasks_source = sources.add(report::Source {
        kind: report::SourceKind::DataFile,
        label: "任务进展填报".into(),
        text: "各牵头单位按季度填报的任务进展(未启动/推进中/已完成/滞后)".into(),
        location: format!("{plan_title} 任务分工"),
        url: Some(format!("/plans/{plan_id}/progress")),
    });
    let lagging_tasks = p
        .lagging_tasks
        .iter()
        .map(|t| report::LaggingTask {
            lead: if t.lead.is_empty() { "(未列牵头单位)".into() } else { t.lead.clone() },
            task: t.task_title.clone(),
            status_label: t.status.label().into(),
            note: t.note.clone(),
            period: t.period.clone(),
            source: tasks_source,
        })
        .collect();
    // The plan's tasks by their latest report; tasks nobody reported on are 未填报.
    let task_total = view.effective.plan.tasks.len();
    let task_count = |status: TaskStatus| p.tasks.iter().filter(|t| t.status == status).count();
    let reported = p.tasks.len();
    let mut task_counts: Vec<report::StatusCount> =
        [TaskStatus::Done, TaskStatus::InProgress, TaskStatus::NotStarted, TaskStatus::Lagging]
            .into_iter()
            .map(|st| report::StatusCount {
                key: st.as_str().into(),
                label: st.label().into(),
                count: task_count(st) as u32,
            })
            .collect();
    task_counts.push(report::StatusCount {
        key: "unreported".into(),
        label: "未填报".into(),
        count: task_total.saturating_sub(reported) as u32,
    });
    if task_total == 0 && reported == 0 {
        task_counts.clear();
    }
    let as_of_label = p.as_of.map(|a| a.label()).unwrap_or_else(|| "暂无数据".into());
    let period_text = match (meta.period_start, meta.period_end) {
        (Some(a), Some(b)) => format!("{a}—{b}年"),
        (Some(a), None) => format!("{a}年起"),
        _ => String::new(),
    };
    Ok(report::Report {
        // "2026年第3季度" + "季度监测报告" reads "2026年第3季度监测报告".
        // An evaluation covers the plan so far: "…中期评估报告(数据截至2026年第3季度)".
        title: if kind == report::ReportKind::Quarterly {
            format!(
                "{} {}{}",
                view.summary.title,
                as_of_label,
                if as_of_label.ends_with("季度") { kind.label().trim_start_matches("季度") } else { kind.label() }
            )
        } else {
            format!("{} {}(数据截至{as_of_label})", view.summary.title, kind.label())
        },
        kind,
        plan: report::PlanInfo {
            title: view.summary.title.clone(),
            issuer: meta.issuer.clone().unwrap_or_default(),
            region: region.clone(),
            period: period_text,
            doc_number: meta.doc_number.clone().unwrap_or_default(),
        },
        period_label: as_of_label,
        as_of: p.as_of.map(|a| a.to_string()).unwrap_or_default(),
        generated_at: now_label(),
        created_utc: now_w3cdtf(),
        author: if author.trim().is_empty() { "planwatch".into() } else { author.trim().to_string() },
        data_basis: {
            // Values flagged 待核实 are in no figure of the report: say how many were left out.
            let flagged: usize = p.targets.iter().map(|t| t.flagged.len()).sum();
            let basis = match (p.approval.label(), flagged) {
                (l, 0) => l,
                (l, n) if l.is_empty() => format!("{n} 个待核实数值未计入"),
                (l, n) => format!("{l};{n} 个待核实数值未计入"),
            };
            // The 定期通报 of the seeds: who had not reported the period by its deadline.
            match overdue_note(store, &region, p.as_of)? {
                Some(note) if basis.is_empty() => note,
                Some(note) => format!("{basis};{note}"),
                None => basis,
            }
        },
        data_notice: synthetic.then(|| {
            "注意:本报告使用的指标数据为程序生成的合成示例数据(planwatch sample-data),仅用于演示,不代表任何地区的真实情况。"
                .to_string()
        }),
        status_counts,
        targets,
        ranking: ranking_section,
        map: map_section,
        lagging_tasks,
        task_counts,
        sources: sources.list,
    })
}

/// The region's values of a target, one point a period, for charts.
pub fn series_points(t: &TargetProgress) -> Vec<report::SeriesPoint> {
    t.series
        .iter()
        .map(|v| report::SeriesPoint { time: v.period.end_time(), label: v.period.to_string(), value: v.value })
        .collect()
}

/// The fitted trend from the last value to the deadline, one point a period, for charts: the
/// plausible forecast leading (linear before compound); a 低可信度 one is never drawn.
pub fn forecast_points(t: &TargetProgress) -> Vec<report::SeriesPoint> {
    let (Some(p), Some(spec)) = (&t.progress, &t.spec) else { return Vec::new() };
    let Some(f) = p.forecasts.primary() else { return Vec::new() };
    let Some(last) = t.series.last() else { return Vec::new() };
    // From the last value to the deadline, one point a period.
    let mut out = Vec::new();
    let mut period = last.period;
    let step_limit = 200;
    for _ in 0..step_limit {
        let time = period.end_time();
        if time > spec.deadline + 1e-9 {
            break;
        }
        let v = f.fit.value_at(time);
        if v.is_finite() {
            out.push(report::SeriesPoint { time, label: period.to_string(), value: v });
        }
        period = period.next();
    }
    out
}

/// "报送期限季后15日(2026-10-15 截止),逾期未报送 2 个单位:庐阳区、长丰县" for the report's
/// period once its deadline has passed; None before it or without a period.
fn overdue_note(store: &Store, region: &str, period: Option<Period>) -> Result<Option<String>> {
    let Some(period) = period else { return Ok(None) };
    if region.is_empty() {
        return Ok(None);
    }
    let c = store.completeness(region, period, crate::clock::today_beijing())?;
    if !c.past_deadline || c.units.is_empty() {
        return Ok(None);
    }
    let late: Vec<&str> = c.overdue().map(|u| u.place.as_str()).collect();
    let head = format!("报送期限{}({} 截止)", c.rule.label(), c.deadline);
    Ok(Some(if late.is_empty() {
        format!("{head},各单位均已报送")
    } else {
        format!("{head},逾期未报送 {} 个单位:{}", late.len(), late.join("、"))
    }))
}

/// Beijing time (UTC+8, no daylight saving), in which reports show every time.
const BEIJING: time::UtcOffset = match time::UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => time::UtcOffset::UTC,
};

fn minute_label(t: time::OffsetDateTime) -> String {
    format!("{}-{:02}-{:02} {:02}:{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

/// The current time in Beijing as `2026-11-23 16:30(北京时间)`, as reports show it.
pub fn now_label() -> String {
    format!("{}(北京时间)", minute_label(time::OffsetDateTime::now_utc().to_offset(BEIJING)))
}

/// The current time, UTC, as W3CDTF (`2026-11-23T08:30:00Z`), for document properties.
pub fn now_w3cdtf() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A stored UTC time (`2026-10-09T01:30:00Z`) in Beijing time (`2026-10-09 09:30`); text it
/// cannot read comes back unchanged.
pub fn beijing_time(utc: &str) -> String {
    let num = |range: std::ops::Range<usize>| utc.get(range).and_then(|s| s.parse::<u32>().ok());
    let parsed = (|| {
        let month = time::Month::try_from(num(5..7)? as u8).ok()?;
        let date = time::Date::from_calendar_date(num(0..4)? as i32, month, num(8..10)? as u8).ok()?;
        let t = time::Time::from_hms(num(11..13)? as u8, num(14..16)? as u8, num(17..19).unwrap_or(0) as u8).ok()?;
        Some(time::PrimitiveDateTime::new(date, t).assume_utc().to_offset(BEIJING))
    })();
    parsed.map_or_else(|| utc.to_string(), minute_label)
}

/// Today's (year, month), UTC.
pub fn today() -> (i32, u32) {
    let now = time::OffsetDateTime::now_utc();
    (now.year(), u8::from(now.month()) as u32)
}

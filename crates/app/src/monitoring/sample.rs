//! Synthetic, seeded, clearly labelled demonstration data (`planwatch sample-data`), so a
//! newcomer sees progress, a ranking, a map and a report at once.
//!
//! For one plan (by default the first plan whose region has boundaries), it makes
//! the plan's indicators from its targets, then generates quarterly values for every county
//! -level unit of the region from Q1 of the year before the plan period up to the last
//! complete quarter (at least 8 quarters), imports them through the ordinary validated import
//! as a file marked synthetic (`示例数据_合成_…csv`: every page, export and report that shows
//! them says so), defines an entropy-TOPSIS index over the indicators, reports task progress
//! approves every unit's figures except the newest quarter's (of which half the units have
//! submitted theirs), and publishes the ranking of the second-newest quarter. The same seed gives the same data.
//! Its per-capita indicator is weighted by population and a ratio by GDP (generated weight
//! indicators), the region reports its own figures of the city-reported ratios, and one
//! district value is flagged 待核实 (a second file), so the roll-up rules and the holding back
//! of unverified figures show.
//! Running it again changes nothing.

use super::{publish, ranking, today};
use crate::boundaries::has_map;
use planwatch_monitor::indicator::{is_per_capita, is_ratio};
use planwatch_monitor::{Frequency, Period, Rollup};
use planwatch_store::monitor::{ImportOptions, IndexMethod, Indicator, NewIndicator, TaskReport, TaskStatus};
use planwatch_store::{Actor, ApprovalStep, Store, StoreError};
use std::fmt::Write;

/// Marks every generated value (the 备注 column) and every generated report.
pub const LABEL: &str = "合成示例数据,仅供演示";
/// Who the sample's writes are attributed to.
pub const WHO: &str = "示例数据生成器";

/// A tiny deterministic generator (xorshift64*): the sample must be the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [a, b).
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// Loads the sample; returns a one-line summary.
pub fn load(store: &Store, plan: Option<i64>, seed: u64) -> Result<String, StoreError> {
    let plan_id = match plan {
        Some(p) => p,
        None => pick_plan(store)?,
    };
    let view = store.plan_view(plan_id)?;
    let region = view.effective.plan.meta.region.clone().unwrap_or_default();
    let file_name = format!("示例数据_合成_{region}_{seed}.csv");
    if store.imports(i64::MAX)?.iter().any(|i| i.file_name == file_name) {
        return Ok(format!("sample data for {region} (plan {plan_id}) already loaded; nothing changed"));
    }
    let actor = Actor::system(WHO);
    store.indicators_from_targets(&actor, plan_id, Frequency::Quarter)?;
    let mut indicators: Vec<_> = store
        .indicators(Some(plan_id), None)?
        .into_iter()
        .filter(|i| i.target_value.is_some_and(f64::is_finite) && i.target_year.is_some())
        .collect();
    if indicators.is_empty() {
        return Err(StoreError::Invalid(format!("plan {plan_id} has no quantitative targets with a year to monitor")));
    }
    let weights = weighted_rollups(store, &actor, plan_id, &region, &mut indicators, &view)?;
    // The synthetic registry of the region, and the targets it counts: their values come from
    // the registry (written when bound), not from the generated sheet below.
    let (y, m) = today();
    let registry = store.load_registry_sample(&actor, &region, seed, Period::last_complete_quarter(y, m))?;
    let mut bound: Vec<i64> = Vec::new();
    for ind in &indicators {
        if let Some((kind, filter)) = registry_count_of(&ind.name) {
            store.bind_registry(&actor, &ind.code, kind, &[filter.to_string()])?;
            bound.push(ind.id);
        }
    }
    let units: Vec<(String, String)> = store
        .dicts()
        .units_within(&region)
        .into_iter()
        .filter(|p| !p.code.is_empty())
        .map(|p| (p.name.clone(), p.code.clone()))
        .collect();
    if units.len() < 2 {
        return Err(StoreError::Invalid(format!("{region} has fewer than two units in data/places.toml")));
    }
    let start_year = view.effective.plan.meta.period_start.unwrap_or(indicators[0].target_year.unwrap_or(2025)) - 1;
    // From Q1 of the year before the plan period to the last complete quarter, and at least
    // eight quarters.
    let last = Period::last_complete_quarter(y, m);
    let first = nth_quarter(Period::Quarter(start_year, 1).ordinal().min(last.ordinal() - 7));
    let periods: Vec<Period> = (first.ordinal()..=last.ordinal()).map(nth_quarter).collect();

    let mut rng = Rng::new(seed);
    let mut csv = String::from("指标代码,地区,期别,数值,单位,备注\n");
    let weight_codes: Vec<&str> = weights.iter().map(|w| w.code.as_str()).collect();
    // Each unit's share of the region and its own pace, fixed for the whole sample, so a
    // ranking has a structure that changes slowly from quarter to quarter.
    let shares: Vec<f64> = units.iter().map(|_| rng.uniform(0.3, 1.7)).collect();
    let share_sum: f64 = shares.iter().sum();
    let paces: Vec<f64> = units.iter().map(|_| rng.uniform(0.7, 1.3)).collect();
    // For rates (mean roll-up): each unit's level relative to the region, averaging to 1.
    let levels: Vec<f64> = shares.iter().map(|s| (s / (share_sum / units.len() as f64)).powf(0.2)).collect();
    let level_mean = levels.iter().sum::<f64>() / levels.len() as f64;
    // Weighted means weigh by population or GDP, both in proportion to the units' shares: so
    // the units' levels average to 1 weighted by the shares.
    let level_wmean = levels.iter().zip(&shares).map(|(l, s)| l * s).sum::<f64>() / share_sum;
    // The weight indicators: population (万人) and GDP (亿元) of every unit, growing slowly.
    for (w, total) in weights.iter().zip([900.0, 12000.0]) {
        for (q, &p) in periods.iter().enumerate() {
            let growth = 1.0 + 0.004 * q as f64;
            for (u, (name, _)) in units.iter().enumerate() {
                let v = (total * shares[u] / share_sum * growth * 100.0).round() / 100.0;
                let _ = writeln!(csv, "{},{},{},{},{},{}", w.code, name, p, v, w.unit, LABEL);
            }
        }
    }
    for (k, ind) in indicators.iter().enumerate().filter(|(_, i)| !bound.contains(&i.id)) {
        let target = ind.target_value.unwrap_or(1.0);
        let Some(spec) = super::target_spec(ind, Some(first)) else { continue };
        let (start, deadline) = (spec.start, spec.deadline);
        // Each indicator runs ahead, on track or behind its time, by turns.
        let pace = [1.25, 1.0, 0.6, 1.1, 0.8][k % 5] * rng.uniform(0.95, 1.05);
        // From the plan's baseline when it gives one, else from a fraction of the target.
        let begin = spec.baseline.unwrap_or(target * rng.uniform(0.2, 0.4));
        // Rates and per-capita figures: each unit at its own level around the region's.
        let level_of = match ind.rollup {
            Rollup::Sum | Rollup::Latest => None,
            Rollup::WeightedMean if ind.rollup_weight.as_deref().is_some_and(|w| weight_codes.contains(&w)) => {
                Some(level_wmean)
            }
            _ => Some(level_mean),
        };
        let city_reported = ind.rollup == Rollup::None;
        for &p in &periods {
            let share_of_time = ((p.end_time() - start) / (deadline - start)).clamp(-0.3, 1.0);
            // An increment (新增 N) adds N to its start value; a level moves to the target.
            let goal = if ind.increment { begin + target } else { target };
            // (An increment's N may be several times its start: before the start it falls less,
            // so a count never turns negative.)
            let before = if ind.increment { share_of_time.max(-0.1) } else { share_of_time };
            let region_value = begin + (goal - begin) * (pace * before).min(1.05);
            if city_reported {
                // The region's own figure (its statistics bureau's), which the page shows.
                let v = by_unit(region_value * rng.uniform(0.99, 1.01), ind);
                let _ = writeln!(csv, "{},{},{},{},{},{}", ind.code, region, p, v, ind.unit, LABEL);
            }
            for (u, (name, _)) in units.iter().enumerate() {
                let own = (paces[u] * share_of_time.max(0.0)).min(1.1);
                let unit_pace = 1.0 + (own - share_of_time.max(0.0)) * 0.5;
                let noise = rng.uniform(0.97, 1.03);
                let v = if let Some(level_avg) = level_of {
                    region_value * unit_pace * noise * levels[u] / level_avg
                } else {
                    region_value * shares[u] / share_sum * unit_pace * noise
                };
                let v = by_unit(v, ind);
                let _ = writeln!(csv, "{},{},{},{},{},{}", ind.code, name, p, v, ind.unit, LABEL);
            }
        }
    }
    let opts = ImportOptions { dry_run: false, synthetic: true, computed: false };
    let report = store.import_observations(&file_name, csv.as_bytes(), &opts, &actor).map_err(|e| match e {
        planwatch_store::monitor::ImportError::Store(s) => s,
        other => StoreError::Invalid(format!("the generated sample did not validate: {other}")),
    })?;

    // One value flagged 待核实, as a district's slip of the pen looks: the second unit's
    // newest figure of the first summed indicator, tripled, in a second file (the outlier
    // check compares with the stored history). It counts nowhere until confirmed or corrected.
    let newest = periods[periods.len() - 1];
    if let Some(ind) = indicators.iter().find(|i| i.rollup == Rollup::Sum && !bound.contains(&i.id)) {
        let unit = &units[1].0;
        let current = store
            .observation_values(&[ind.id])?
            .into_iter()
            .find(|o| &o.place == unit && o.period == newest)
            .map(|o| o.value);
        if let Some(v) = current {
            let csv = format!(
                "指标代码,地区,期别,数值,单位,备注\n{},{unit},{newest},{},{},{LABEL}(误填示例,待核实)\n",
                ind.code,
                by_unit(v * 3.0, ind),
                ind.unit
            );
            let name = format!("示例数据_合成_{region}_{seed}_待核实.csv");
            store.import_observations(&name, csv.as_bytes(), &opts, &actor).map_err(|e| match e {
                planwatch_store::monitor::ImportError::Store(s) => s,
                other => StoreError::Invalid(format!("the generated flagged value did not validate: {other}")),
            })?;
        }
    }

    // A composite index over the indicators that add up across units.
    let members: Vec<(String, Option<f64>)> = indicators.iter().map(|i| (i.code.clone(), None)).collect();
    let index_name = format!("{region}未来产业发展指数(示例)");
    if store.index(&index_name)?.is_none() {
        store.define_index(
            &actor,
            &index_name,
            IndexMethod::EntropyTopsis,
            "exclude",
            "由合成示例数据计算,仅供演示",
            &members,
        )?;
    }
    // Task reports for the last two quarters.
    let tasks = view.effective.refs.tasks.len();
    let mut reports = 0;
    for &p in periods.iter().rev().take(2).rev() {
        for n in 0..tasks {
            let key = &view.effective.refs.tasks[n].key;
            let r = rng.uniform(0.0, 1.0);
            let (status, note) = match r {
                r if r < 0.12 => (TaskStatus::Lagging, "示例:项目落地晚于计划,正在协调用地与资金"),
                r if r < 0.22 => (TaskStatus::NotStarted, "示例:待前序任务完成后启动"),
                r if r < 0.40 => (TaskStatus::Done, "示例:已按计划完成"),
                _ => (TaskStatus::InProgress, "示例:按计划推进"),
            };
            store.report_task(
                &actor,
                &TaskReport {
                    document_id: plan_id,
                    task_key: key.clone(),
                    period: p,
                    status,
                    note: format!("{note}({LABEL})"),
                    source: "示例数据".into(),
                },
            )?;
            reports += 1;
        }
    }
    // The approval workflow as it looks mid-quarter: older figures approved, the newest
    // quarter's submitted by half the units and not yet reviewed.
    // The region reports its own figures of the city-reported indicators: its cell goes the
    // way of the units' (after them, so the units' states are as they were).
    let city_reports = indicators.iter().any(|i| i.rollup == Rollup::None);
    let cells: Vec<&str> = units.iter().map(|u| u.0.as_str()).chain(city_reports.then_some(region.as_str())).collect();
    for (i, &p) in periods.iter().enumerate() {
        let newest = i + 1 == periods.len();
        for (u, name) in cells.iter().enumerate() {
            if newest && u % 2 == 1 {
                continue;
            }
            store.approval_step(&actor, &region, name, p, ApprovalStep::Submit, "")?;
            if !newest {
                store.approval_step(&actor, &region, name, p, ApprovalStep::Approve, "")?;
            }
        }
    }
    // Publish the ranking of the second-newest quarter, so the page shows a 榜单 and the
    // newest quarter's rank changes against it.
    let mut published = String::new();
    if periods.len() >= 2 {
        let p = periods[periods.len() - 2];
        if let Ok(view) = ranking(store, &index_name, Some(p)) {
            if view.published.is_empty() && !view.rows.is_empty() {
                publish(store, &actor, &view, "示例榜单(合成数据)")?;
                published = format!(", published the {} ranking", p);
            }
        }
    }
    let has_map = store.dicts().unit(&region).is_some_and(|u| has_map(store.dicts(), &u.code));
    let entries: i64 = registry.entries.iter().map(|e| e.1).sum();
    Ok(format!(
        "sample data ({LABEL}) for {region}, plan {plan_id}: {} indicators × {} units × {} quarters ({}–{}), with the population/GDP weights and the city's own figures of its ratios: {} values, index “{index_name}”, {reports} task reports{published}; registries: {entries} entries, {} indicator(s) counted from them{}",
        indicators.len(),
        units.len(),
        periods.len(),
        periods[0],
        periods[periods.len() - 1],
        report.inserted,
        bound.len(),
        if has_map { "" } else { " (no boundaries for this region: no map)" }
    ))
}

/// The weight indicators of the sample (population and GDP of the region's units) and the
/// weighted means that use them, so the roll-up rules show: the plan's first per-capita
/// indicator is weighted by population and its first other ratio by GDP (an indicator of each
/// kind is added, with a target, when the plan has none). Returns the weight indicators.
fn weighted_rollups(
    store: &Store,
    actor: &Actor,
    plan_id: i64,
    region: &str,
    indicators: &mut Vec<Indicator>,
    view: &planwatch_store::PlanView,
) -> Result<Vec<Indicator>, StoreError> {
    let add = |code: String, name: &str, unit: &str, target: Option<f64>| -> Result<Indicator, StoreError> {
        if let Some(i) = store.indicator(&code)? {
            return Ok(i);
        }
        let end = view.effective.plan.meta.period_end;
        store.add_indicator(
            actor,
            &NewIndicator {
                code,
                name: name.into(),
                unit: unit.into(),
                frequency: Some(Frequency::Quarter),
                rollup: if target.is_some() { Rollup::None } else { Rollup::Sum },
                region: region.into(),
                target_value: target.and(end).and(target),
                target_year: target.and(end),
                start_year: view.effective.plan.meta.period_start,
                note: LABEL.into(),
                ..Default::default()
            },
        )
    };
    let population = add(format!("P{plan_id}-POP"), "常住人口(示例权重)", "万人", None)?;
    let gdp = add(format!("P{plan_id}-GDP"), "地区生产总值(示例权重)", "亿元", None)?;
    let per_capita = match indicators.iter().position(|i| is_per_capita(&i.name)) {
        Some(k) => k,
        None => {
            indicators.push(add(format!("P{plan_id}-PC"), "每万人口发明专利拥有量(示例)", "件", Some(40.0))?);
            indicators.len() - 1
        }
    };
    let ratio = match indicators.iter().position(|i| is_ratio(&i.name, &i.unit) && !is_per_capita(&i.name)) {
        Some(k) => k,
        None => {
            indicators.push(add(format!("P{plan_id}-RD"), "研发经费投入强度(示例)", "%", Some(3.5))?);
            indicators.len() - 1
        }
    };
    for (k, w) in [(per_capita, &population), (ratio, &gdp)] {
        indicators[k] =
            store.set_indicator_rollup(actor, &indicators[k].code, Rollup::WeightedMean, Some(w.code.as_str()))?;
    }
    Ok(vec![population, gdp])
}

fn nth_quarter(n: i64) -> Period {
    Period::Quarter(n.div_euclid(4) as i32, (n.rem_euclid(4) + 1) as u8)
}

/// The registry count a target of this name is, in the sample: national platforms are the
/// innovation resources of 国家级 level. (Other bindings are an analyst's choice.)
fn registry_count_of(name: &str) -> Option<(&'static str, &'static str)> {
    let platform = ["平台", "实验室", "创新中心", "研究中心"].iter().any(|w| name.contains(w));
    (platform && name.contains("国家级")).then_some(("resource", "级别=国家级"))
}

/// The plan to demonstrate on: one whose region has boundaries and the most
/// targets with a year, lowest id first among equals.
fn pick_plan(store: &Store) -> Result<i64, StoreError> {
    let mut best: Option<(usize, i64)> = None;
    for s in store.list_plans(planwatch_store::PlanOrder::default())? {
        let Some(unit) = store.dicts().unit(&s.region) else { continue };
        if !has_map(store.dicts(), &unit.code) {
            continue;
        }
        let view = store.plan_view(s.id)?;
        let n = view.effective.plan.targets.iter().filter(|t| t.year.is_some()).count();
        if n > 0 && best.is_none_or(|(bn, bid)| n > bn || (n == bn && s.id < bid)) {
            best = Some((n, s.id));
        }
    }
    best.map(|(_, id)| id).ok_or_else(|| {
        StoreError::NotFound(
            "a plan with targets of a region that has boundaries (ingest examples/ first, or give --plan)".into(),
        )
    })
}

/// A generated value rounded as its unit is written (counts whole: a district has 1605 firms,
/// not 1604.7; percentages one decimal; amounts two), as a statistics office would report it.
fn by_unit(v: f64, ind: &planwatch_store::monitor::Indicator) -> f64 {
    use planwatch_monitor::units;
    units::round_to(v, units::rounding(&ind.unit, &ind.name).decimals())
}

//! Registry counts as indicator values (issue 17 item 4). An indicator bound to a registry
//! count (`registry_bindings`) gets its values from the approved entries, by place and period,
//! without anyone typing them: after every change to a region's approved entries or bindings,
//! the counts are written as an ordinary observation import.
//!
//! Invariants:
//! - The counts go through [`Store::import_observations`] (as the system, `名录计数(<login>)`:
//!   they are computed from entries the actor may approve, not figures the actor types; an
//!   analyst may not type figures) as a generated CSV named after the
//!   kind, its filter and the day (`名录_创新资源_级别=国家级_2026-12-06.csv`), so they carry
//!   the same provenance (the file's bytes are kept), history, audit entry and authorisation as
//!   typed figures, and progress, rankings, maps and reports read them like any other value.
//! - Only changed cells are written; cells whose figures are submitted or approved (locked by
//!   the approval workflow) are left as they are and counted in [`RegistryRefresh::locked`].
//! - Counts are computed values: they are never flagged 待核实 (`ImportOptions::computed`).
//! - Periods run from the period of the earliest approved entry to the last complete period
//!   (the quarter before today's for a quarterly indicator: figures are of a period's end, as
//!   statistics are), at most [`MAX_PERIODS`] of them, at the indicator's frequency. Every unit
//!   of the region has a value (0 when it has no matching entry); the region's own total is
//!   written only for an indicator that does not roll up (a sum makes it from the units, and a
//!   region figure would win over the roll-up and could be locked apart from them).

use crate::access::Actor;
use crate::db::params;
use crate::monitor::{ImportError, ImportOptions};
use crate::registry::RegistryBinding;
use crate::{Result, Store, StoreError};
use planwatch_monitor::{Frequency, Period};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// The most periods of counts written for one binding.
pub const MAX_PERIODS: usize = 60;

/// What one refresh wrote for one bound indicator.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RegistryRefresh {
    pub indicator_code: String,
    pub kind: String,
    /// Cells inserted or changed.
    pub written: usize,
    /// Changed cells left as they were because their figures are submitted or approved.
    pub locked: usize,
    /// The import the counts were written in, when anything was.
    pub import_id: Option<i64>,
}

fn today() -> (i32, u8, u8) {
    let d = time::OffsetDateTime::now_utc().date();
    (d.year(), d.month() as u8, d.day())
}

fn period_of(year: i32, month: u8, frequency: Frequency) -> Period {
    Period::Month(year, month).as_frequency(frequency)
}

/// `2025-04-01` → (2025, 4); None for anything else.
fn year_month(date: &str) -> Option<(i32, u8)> {
    let mut p = date.splitn(3, '-');
    let y = p.next()?.parse().ok()?;
    let m: u8 = p.next()?.parse().ok()?;
    (1..=12).contains(&m).then_some((y, m))
}

/// A binding's filter as people read it: `级别=国家级`.
pub fn filter_label(store: &Store, binding: &RegistryBinding) -> String {
    let kind = store.registries().kind(&binding.kind);
    binding
        .filter
        .iter()
        .map(|f| {
            let name = kind.and_then(|k| k.field(&f.field)).map_or(f.field.as_str(), |x| x.name);
            format!("{name}={}", f.value)
        })
        .collect::<Vec<_>>()
        .join("、")
}

impl Store {
    /// Writes the counts of the bindings of `region` (of one kind, or all) as the bound
    /// indicators' values; see the module's invariants. `actor` is who changed the entries
    /// or bindings (an analyst: approving and binding are theirs).
    pub fn refresh_registry_values(
        &self,
        actor: &Actor,
        region: &str,
        kind: Option<&str>,
    ) -> Result<Vec<RegistryRefresh>> {
        let bindings: Vec<RegistryBinding> = self
            .registry_bindings()?
            .into_iter()
            .filter(|b| b.region == region && kind.is_none_or(|k| b.kind == k))
            .collect();
        let mut out = Vec::with_capacity(bindings.len());
        for b in &bindings {
            out.push(self.refresh_binding(actor, b)?);
        }
        Ok(out)
    }

    fn refresh_binding(&self, actor: &Actor, b: &RegistryBinding) -> Result<RegistryRefresh> {
        let mut outcome =
            RegistryRefresh { indicator_code: b.indicator_code.clone(), kind: b.kind.clone(), ..Default::default() };
        let Some(indicator) = self.indicator(&b.indicator_code)? else {
            return Ok(outcome);
        };
        let (earliest, synthetic): (Option<String>, i64) = self.reader()?.query_row(
            "SELECT MIN(COALESCE(since, substr(approved_at, 1, 10))), COALESCE(MAX(synthetic), 0)
             FROM registry_entries WHERE kind = ?1 AND region = ?2 AND status = 'approved'",
            params![b.kind, b.region],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((ey, em)) = earliest.as_deref().and_then(year_month) else {
            return Ok(outcome);
        };
        let (ty, tm, td) = today();
        let last = period_of(ty, tm, indicator.frequency).prev();
        let mut first = period_of(ey, em, indicator.frequency);
        if first.ordinal() > last.ordinal() {
            first = last;
        }
        let mut periods = vec![last];
        while periods.len() < MAX_PERIODS && periods[periods.len() - 1].ordinal() > first.ordinal() {
            let before = periods[periods.len() - 1].prev();
            periods.push(before);
        }
        periods.reverse();

        // Every unit of the region has a value (0 without entries), the region its total.
        let mut counts: BTreeMap<(String, Period), i64> = BTreeMap::new();
        for unit in self.dicts().units_within(&b.region) {
            for &p in &periods {
                counts.insert((unit.name.clone(), p), 0);
            }
        }
        let region_total = indicator.rollup == planwatch_monitor::Rollup::None;
        for c in self.registry_counts(b, &periods)? {
            if c.place != b.region || region_total {
                counts.insert((c.place, c.period), c.count);
            }
        }
        let stored: HashMap<(String, Period), f64> =
            self.observations(&[indicator.id])?.into_iter().map(|o| ((o.place, o.period), o.value)).collect();
        let locked = {
            let r = self.reader()?;
            crate::approval::locked_cells(&r, &b.region)?
        };
        let mut csv = String::from("指标代码,地区,期别,数值,单位,备注\n");
        let mut rows = 0usize;
        for ((place, period), count) in &counts {
            let value = *count as f64;
            if stored.get(&(place.clone(), *period)) == Some(&value) {
                continue;
            }
            if locked.contains_key(&(place.clone(), period.to_string())) {
                outcome.locked += 1;
                continue;
            }
            let _ = writeln!(csv, "{},{place},{period},{count},{},名录计数", indicator.code, indicator.unit);
            rows += 1;
        }
        if rows == 0 {
            return Ok(outcome);
        }
        let filter = filter_label(self, b);
        let kind_name = self.registries().kind(&b.kind).map_or(b.kind.as_str(), |k| &k.name);
        let file = format!(
            "名录_{kind_name}{}_{ty:04}-{tm:02}-{td:02}.csv",
            if filter.is_empty() { String::new() } else { format!("_{filter}") }
        )
        .chars()
        .take(200)
        .collect::<String>();
        let opts = ImportOptions { dry_run: false, synthetic: synthetic != 0, computed: true };
        // The values are the system's computation from entries `actor` was allowed to approve
        // or bind, not figures typed by `actor` (an analyst may not enter figures): written as
        // the system, named after who caused it, in the same request.
        let writer =
            Actor { request_id: actor.request_id.clone(), ..Actor::system(&format!("名录计数({})", actor.login)) };
        match self.import_observations(&file, csv.as_bytes(), &opts, &writer) {
            Ok(report) => {
                outcome.written = report.inserted + report.updated;
                outcome.import_id = report.import_id;
                Ok(outcome)
            }
            // Another writer locked cells between the read above and the import: nothing was
            // written; the next change writes them, or an analyst re-runs `registry refresh`.
            Err(ImportError::Locked { rows, .. }) => {
                outcome.locked += rows.total();
                Ok(outcome)
            }
            Err(ImportError::Store(e)) => Err(e),
            Err(e) => Err(StoreError::Invalid(format!("名录计数写入指标 {} 失败:{e}", b.indicator_code))),
        }
    }
}

//! The reporting calendar: by when a region's units must report a period, and who has.
//!
//! A deadline rule is kept per (region, frequency) — the indicators a district fills in on one
//! sheet — as days after the period's last day (季后15日 = 15; [`DEFAULT_DAYS`] without a rule).
//! Completeness is read from what is already stored: a unit's values of the period (imported),
//! its approval state (submitted, approved, returned) and the deadline. Nothing here writes
//! but the rule, which analysts and admins set (audited `calendar.deadline`).
//!
//! Status of a unit for a period, as DHIS2's reporting-rate views show it:
//! 未开始 (no value) → 已导入 (values, not submitted; also after a return) → 已报送 → 已审核;
//! 逾期 when the deadline has passed and the unit has not submitted.

use std::collections::HashMap;

use planwatch_monitor::{Frequency, Period, Rollup};
use serde::Serialize;
use serde_json::json;

use crate::access::{audit, authorize, Action, Actor, AuditEntry};
use crate::approval::ApprovalState;
use crate::db::{params, OptionalExt};
use crate::{Result, Store, StoreError};

/// Days after the period's last day when a region has set no rule.
pub const DEFAULT_DAYS: u16 = 15;

/// Longest allowed delay (a year's figures may be due months later).
pub const MAX_DAYS: u16 = 366;

/// The deadline rule of one region and frequency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeadlineRule {
    pub region: String,
    pub frequency: Frequency,
    pub days_after: u16,
    /// False when no rule is stored and the default applies.
    pub explicit: bool,
    pub set_by: String,
    pub set_at: String,
}

impl DeadlineRule {
    /// "季后15日", "月后10日", "年后90日".
    pub fn label(&self) -> String {
        let after = match self.frequency {
            Frequency::Month => "月后",
            Frequency::Quarter => "季后",
            Frequency::Year => "年后",
        };
        format!("{after}{}日{}", self.days_after, if self.explicit { "" } else { "(默认)" })
    }
}

/// Where one unit stands for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    Imported,
    Submitted,
    Approved,
    Overdue,
}

impl ReportStatus {
    pub fn key(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "not_started",
            ReportStatus::Imported => "imported",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Approved => "approved",
            ReportStatus::Overdue => "overdue",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "未开始",
            ReportStatus::Imported => "已导入未报送",
            ReportStatus::Submitted => "已报送待审核",
            ReportStatus::Approved => "已审核",
            ReportStatus::Overdue => "逾期未报送",
        }
    }

    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::Overdue,
        ReportStatus::NotStarted,
        ReportStatus::Imported,
        ReportStatus::Submitted,
        ReportStatus::Approved,
    ];
}

/// One unit's reporting of one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitReport {
    pub place: String,
    pub code: String,
    /// Indicators the unit reports for this frequency, and how many it has values for.
    pub expected: i64,
    pub values: i64,
    pub status: ReportStatus,
    /// The approval state behind the status (a returned sheet shows as 已导入 again).
    pub state: ApprovalState,
    /// When its newest value of the period was stored, submitted, reviewed (UTC, store form;
    /// empty when not).
    pub imported_at: String,
    pub submitted_at: String,
    pub reviewed_at: String,
    /// The reviewer's comment of a return.
    pub comment: String,
}

/// Every unit of a region for one period, with the deadline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    pub region: String,
    pub period: Period,
    pub rule: DeadlineRule,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    /// Whether the deadline has passed on `today`.
    pub past_deadline: bool,
    pub units: Vec<UnitReport>,
}

impl Completeness {
    /// (status, how many units), in [`ReportStatus::ALL`] order.
    pub fn counts(&self) -> Vec<(ReportStatus, usize)> {
        ReportStatus::ALL.iter().map(|s| (*s, self.units.iter().filter(|u| u.status == *s).count())).collect()
    }

    pub fn overdue(&self) -> impl Iterator<Item = &UnitReport> {
        self.units.iter().filter(|u| u.status == ReportStatus::Overdue)
    }
}

impl Store {
    /// The deadline rule of `region` for `frequency` (the default when none is stored).
    pub fn deadline_rule(&self, region: &str, frequency: Frequency) -> Result<DeadlineRule> {
        let r = self.reader()?;
        let row: Option<(i64, String, String)> = r
            .query_row(
                "SELECT days_after, set_by, set_at FROM reporting_deadlines WHERE region = ?1 AND frequency = ?2",
                params![region, frequency.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(match row {
            Some((days, set_by, set_at)) => DeadlineRule {
                region: region.to_string(),
                frequency,
                days_after: u16::try_from(days).unwrap_or(DEFAULT_DAYS),
                explicit: true,
                set_by,
                set_at,
            },
            None => DeadlineRule {
                region: region.to_string(),
                frequency,
                days_after: DEFAULT_DAYS,
                explicit: false,
                set_by: String::new(),
                set_at: String::new(),
            },
        })
    }

    /// Sets the deadline of `region`'s `frequency` to `days` after the period's last day.
    /// Analysts and admins; the region must have indicators; audited with the old rule.
    pub fn set_deadline_rule(
        &self,
        actor: &Actor,
        region: &str,
        frequency: Frequency,
        days: u16,
    ) -> Result<DeadlineRule> {
        authorize(actor, Action::DefineIndicator)?;
        let region = region.trim();
        if days > MAX_DAYS {
            return Err(StoreError::Invalid(format!(
                "报送期限 {days} 日:请填写 0 到 {MAX_DAYS} 之间的天数(期末后第几日截止),如季后15日填 15"
            )));
        }
        if !self.monitored_regions()?.iter().any(|(r, _)| r == region) {
            return Err(StoreError::NotFound(format!(
                "地区“{region}”还没有监测指标:请先为该地区建立指标,再设置报送期限"
            )));
        }
        let old = self.deadline_rule(region, frequency)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO reporting_deadlines (region, frequency, days_after, set_by, set_at)
             VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT (region, frequency) DO UPDATE SET days_after = excluded.days_after,
                 set_by = excluded.set_by, set_at = excluded.set_at",
            params![region, frequency.as_str(), i64::from(days), actor.login],
        )?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "calendar.deadline",
                object: format!("{region} {}", frequency.as_str()),
                old: Some(json!({"days_after": old.days_after, "explicit": old.explicit})),
                new: Some(json!({"days_after": days})),
                source: String::new(),
            },
        )?;
        crate::monitor::bump_monitor_rev(&tx, &[region])?;
        tx.commit()?;
        drop(conn);
        self.deadline_rule(region, frequency)
    }

    /// Every unit of `region` for `period` as of `today`: its status, counts and the dates of
    /// each step. The units are the region's districts and counties (and zones that report),
    /// in the order of the hierarchy, and the region itself when it reports indicators of its
    /// own (those only the city reports: roll-up `none`). A district is expected to fill in
    /// every indicator of the period's frequency (its template lists them all).
    pub fn completeness(&self, region: &str, period: Period, today: time::Date) -> Result<Completeness> {
        let frequency = period.frequency();
        let indicators: Vec<_> =
            self.indicators(None, Some(region))?.into_iter().filter(|i| i.frequency == frequency).collect();
        let ids: Vec<i64> = indicators.iter().map(|i| i.id).collect();
        // The city reports the indicators only it reports (roll-up `none`); a district fills in
        // every indicator of the frequency, as its template lists them.
        let own_only = indicators.iter().filter(|i| i.rollup == Rollup::None).count() as i64;
        let from_units = indicators.len() as i64;
        // Values and the newest store time per unit.
        let mut stored: HashMap<String, (i64, String)> = HashMap::new();
        if !ids.is_empty() {
            let r = self.reader()?;
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let period_s = period.to_string();
            // `list` is made of integers from the store, never user text.
            let rows = r.query_map(
                &format!(
                    "SELECT place, COUNT(*), MAX(updated_at) FROM observations
                     WHERE indicator_id IN ({list}) AND period = ?1 GROUP BY place"
                ),
                params![period_s],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?, row.get::<_, String>(2)?)),
            )?;
            for (place, n, at) in rows {
                stored.insert(place, (n, at));
            }
        }
        let approvals: HashMap<String, crate::approval::Approval> =
            self.approvals(region, None, Some(period))?.into_iter().map(|a| (a.place.clone(), a)).collect();
        let rule = self.deadline_rule(region, frequency)?;
        let deadline = period.deadline(rule.days_after);
        let past_deadline = today > deadline;

        let dicts = self.dicts();
        let mut units: Vec<(String, String, i64)> = Vec::new();
        if own_only > 0 {
            let code = dicts.unit(region).map(|p| p.code.clone()).unwrap_or_default();
            units.push((region.to_string(), code, own_only));
        }
        if from_units > 0 {
            for p in dicts.units_within(region) {
                // Development zones report only where they have started to.
                if p.level == "zone" && !stored.contains_key(&p.name) && !approvals.contains_key(&p.name) {
                    continue;
                }
                units.push((p.name.clone(), p.code.clone(), from_units));
            }
        }
        let units = units
            .into_iter()
            .map(|(place, code, expected)| {
                let (values, imported_at) = stored.get(&place).cloned().unwrap_or_default();
                let a = approvals.get(&place);
                let state = a.map(|a| a.state).unwrap_or(ApprovalState::Draft);
                let status = match state {
                    ApprovalState::Approved => ReportStatus::Approved,
                    ApprovalState::Submitted => ReportStatus::Submitted,
                    _ if past_deadline => ReportStatus::Overdue,
                    _ if values > 0 => ReportStatus::Imported,
                    _ => ReportStatus::NotStarted,
                };
                UnitReport {
                    place,
                    code,
                    expected,
                    values,
                    status,
                    state,
                    imported_at,
                    submitted_at: a.map(|a| a.submitted_at.clone()).unwrap_or_default(),
                    reviewed_at: a.map(|a| a.reviewed_at.clone()).unwrap_or_default(),
                    comment: if state == ApprovalState::Returned {
                        a.map(|a| a.comment.clone()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        Ok(Completeness {
            region: region.to_string(),
            period,
            deadline: deadline.to_string(),
            past_deadline,
            rule,
            units,
        })
    }

    /// The periods a district's unit `place` of `region` has to report as of `today`, oldest
    /// first: every period of each frequency its region's indicators have, from the newest
    /// complete one back `lookback` periods, that it has not submitted — with its deadline.
    pub fn due_for(
        &self,
        region: &str,
        place: &str,
        today: time::Date,
        lookback: usize,
    ) -> Result<Vec<(Period, String, ReportStatus)>> {
        let mut frequencies: Vec<Frequency> =
            self.indicators(None, Some(region))?.iter().map(|i| i.frequency).collect();
        frequencies.sort_by_key(|f| f.as_str());
        frequencies.dedup();
        let mut due = Vec::new();
        for f in frequencies {
            // The newest period of this frequency that has ended by today.
            let mut p = Period::last_complete_quarter(today.year(), u8::from(today.month()) as u32).as_frequency(f);
            while p.next_day() > today {
                p = p.prev();
            }
            // A month or year: step to the newest ended one of that frequency.
            let mut next = p.next();
            while next.next_day() <= today {
                p = next;
                next = p.next();
            }
            for _ in 0..lookback {
                let c = self.completeness(region, p, today)?;
                if let Some(u) = c.units.iter().find(|u| u.place == place) {
                    if !matches!(u.status, ReportStatus::Submitted | ReportStatus::Approved) {
                        due.push((p, c.deadline.clone(), u.status));
                    }
                }
                p = p.prev();
            }
        }
        due.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(due)
    }
}

/// A frequency from its keyword (`month`, `quarter`, `year`) or its label (月度, 季度, 年度), as
/// [`Frequency`]'s `FromStr` reads it, with a message for a person.
pub fn parse_frequency(s: &str) -> Result<Frequency> {
    let s = s.trim();
    s.parse().map_err(|_| StoreError::Invalid(format!("频率“{s}”:请填写 month(月度)、quarter(季度)或 year(年度)")))
}

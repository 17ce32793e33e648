//! Approval of district figures, as statistical reporting systems do it: a unit's editor
//! submits one period's figures (all indicators of its region); an analyst approves them or
//! returns them with a comment. Submitted and approved figures are locked against writes;
//! returning or un-approving (always with a reason, always audited) unlocks them.
//!
//! State of (region, place, period): none (draft) → submitted → approved, or → returned
//! (a draft with the reviewer's comment) → submitted again. approved → returned only by an
//! explicit un-approval.

use std::collections::{HashMap, HashSet};

use crate::db::{params, Db, OptionalExt};
use planwatch_monitor::Period;
use serde::Serialize;
use serde_json::json;

use crate::access::{audit, authorize, Action, Actor, AuditEntry};
use crate::{Result, Store, StoreError};

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    Draft,
    Submitted,
    Approved,
    Returned,
}

impl ApprovalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Draft => "draft",
            ApprovalState::Submitted => "submitted",
            ApprovalState::Approved => "approved",
            ApprovalState::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApprovalState::Draft => "未报送",
            ApprovalState::Submitted => "已报送待审核",
            ApprovalState::Approved => "已审核",
            ApprovalState::Returned => "已退回",
        }
    }

    fn parse(s: &str) -> ApprovalState {
        match s {
            "submitted" => ApprovalState::Submitted,
            "approved" => ApprovalState::Approved,
            "returned" => ApprovalState::Returned,
            _ => ApprovalState::Draft,
        }
    }

    /// Whether values of this state may be written.
    pub fn is_locked(self) -> bool {
        matches!(self, ApprovalState::Submitted | ApprovalState::Approved)
    }
}

/// One unit's figures for one period and where they stand.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub region: String,
    pub place: String,
    pub period: String,
    pub state: ApprovalState,
    pub submitted_by: String,
    pub submitted_at: String,
    pub reviewed_by: String,
    pub reviewed_at: String,
    pub comment: String,
    /// Values stored for this unit and period (all indicators of the region).
    pub values: i64,
}

/// What a reviewer or editor does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalStep {
    Submit,
    Approve,
    Return,
    Unapprove,
}

impl ApprovalStep {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStep::Submit => "submit",
            ApprovalStep::Approve => "approve",
            ApprovalStep::Return => "return",
            ApprovalStep::Unapprove => "unapprove",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ApprovalStep::Submit => "报送",
            ApprovalStep::Approve => "审核通过",
            ApprovalStep::Return => "退回",
            ApprovalStep::Unapprove => "撤销审核",
        }
    }
}

impl std::str::FromStr for ApprovalStep {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [ApprovalStep::Submit, ApprovalStep::Approve, ApprovalStep::Return, ApprovalStep::Unapprove]
            .into_iter()
            .find(|a| a.as_str() == s.trim() || a.label() == s.trim())
            .ok_or_else(|| format!("“{s}” is not an approval step: submit, approve, return or unapprove"))
    }
}

/// The state of every (place, period) of `region` that has one, read inside a transaction.
pub(crate) fn locked_cells(conn: &Db, region: &str) -> Result<HashMap<(String, String), ApprovalState>> {
    let mut stmt = conn.prepare_cached("SELECT place, period, state FROM approvals WHERE region = ?1")?;
    let rows = stmt.query_map(params![region], |r| {
        let s: String = r.get(2)?;
        Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), ApprovalState::parse(&s)))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (k, s) = row?;
        if s.is_locked() {
            out.insert(k, s);
        }
    }
    Ok(out)
}

impl Store {
    /// The canonical (region, unit) of a reporting unit as written: the region by its full
    /// name, the unit by name, alias or GB/T 2260 code inside it (or the region itself).
    pub(crate) fn reporting_unit(&self, region: &str, place: &str) -> Result<(String, String)> {
        let region = self
            .dicts()
            .unit(region.trim())
            .ok_or_else(|| StoreError::Invalid(format!("“{}”不是已知的省或市,请写全称,如 合肥市。", region.trim())))?
            .name
            .clone();
        if place.trim() == region {
            return Ok((region.clone(), region));
        }
        let place = self.dicts().place_in(place.trim(), &region).map(|p| p.name.clone()).ok_or_else(|| {
            StoreError::Invalid(format!("“{}”不是{region}下辖的区县或开发区:请核对名称或代码。", place.trim()))
        })?;
        Ok((region, place))
    }

    /// Moves one unit's figures for one period a step along. The comment is required for
    /// returning and un-approving (the editor must learn why).
    pub fn approval_step(
        &self,
        actor: &Actor,
        region: &str,
        place: &str,
        period: Period,
        step: ApprovalStep,
        comment: &str,
    ) -> Result<Approval> {
        self.approval_step_with(actor, region, place, period, step, comment, true)
    }

    /// [`Store::approval_step`], refusing (`Locked`, naming them) to submit or approve a cell
    /// that holds values flagged 待核实 unless `acknowledge_flagged`: those values count
    /// nowhere until an analyst confirms them or the unit corrects them, and whoever submits or
    /// approves the cell is told so first (the web form and the API ask for it).
    #[allow(clippy::too_many_arguments)]
    pub fn approval_step_with(
        &self,
        actor: &Actor,
        region: &str,
        place: &str,
        period: Period,
        step: ApprovalStep,
        comment: &str,
        acknowledge_flagged: bool,
    ) -> Result<Approval> {
        let (region, place) = self.reporting_unit(region, place)?;
        match step {
            ApprovalStep::Submit => authorize(actor, Action::SubmitFigures { region: &region, place: &place })?,
            _ => authorize(actor, Action::ReviewFigures)?,
        }
        if !acknowledge_flagged && matches!(step, ApprovalStep::Submit | ApprovalStep::Approve) {
            let p = period.to_string();
            let flagged: Vec<String> = self
                .flagged_in_region(&region)?
                .iter()
                .filter(|f| f.place == place && f.period == p)
                .map(|f| {
                    format!(
                        "{} {} {} {}({})",
                        f.code,
                        f.name,
                        planwatch_monitor::progress::format_number(f.value),
                        f.unit,
                        f.reason
                    )
                })
                .collect();
            if !flagged.is_empty() {
                return Err(StoreError::Locked(format!(
                    "{place} {p} 有 {} 个待核实数值:{}。这些数值在分析员确认或区县更正前不计入任何数字。请先核实;确需{}请勾选“已知悉待核实数值”(接口:acknowledge_flagged)后再提交。",
                    flagged.len(),
                    flagged.join(";"),
                    step.label()
                )));
            }
        }
        let comment = comment.trim();
        crate::limits::APPROVAL_COMMENT.check(comment)?;
        if matches!(step, ApprovalStep::Return | ApprovalStep::Unapprove) && comment.is_empty() {
            return Err(StoreError::Invalid(format!("{}需要填写原因,以便填报单位修改。", step.label())));
        }
        let period_s = period.to_string();
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT state FROM approvals WHERE region = ?1 AND place = ?2 AND period = ?3",
                params![region, place, period_s],
                |r| r.get(0),
            )
            .optional()?;
        let from = current.as_deref().map(ApprovalState::parse).unwrap_or(ApprovalState::Draft);
        let to = match (step, from) {
            (ApprovalStep::Submit, ApprovalState::Draft | ApprovalState::Returned) => ApprovalState::Submitted,
            (ApprovalStep::Approve, ApprovalState::Submitted) => ApprovalState::Approved,
            (ApprovalStep::Return, ApprovalState::Submitted) => ApprovalState::Returned,
            (ApprovalStep::Unapprove, ApprovalState::Approved) => ApprovalState::Returned,
            _ => {
                return Err(StoreError::Invalid(format!(
                    "{place} {period_s} 的数据当前为“{}”,不能{}。",
                    from.label(),
                    step.label()
                )))
            }
        };
        if step == ApprovalStep::Submit {
            let values: i64 = tx.query_row(
                "SELECT COUNT(*) FROM observations o JOIN indicators i ON i.id = o.indicator_id
                 WHERE i.region = ?1 AND o.place = ?2 AND o.period = ?3",
                params![region, place, period_s],
                |r| r.get(0),
            )?;
            if values == 0 {
                return Err(StoreError::Invalid(format!("{place} {period_s} 还没有任何数据,不能报送。")));
            }
        }
        if current.is_none() {
            tx.execute(
                "INSERT INTO approvals (region, place, period, state) VALUES (?1, ?2, ?3, 'returned')",
                params![region, place, period_s],
            )?;
        }
        let sql = match step {
            ApprovalStep::Submit => format!(
                "UPDATE approvals SET state = ?4, submitted_by = ?5, submitted_at = {NOW}, comment = ?6
                 WHERE region = ?1 AND place = ?2 AND period = ?3"
            ),
            _ => format!(
                "UPDATE approvals SET state = ?4, reviewed_by = ?5, reviewed_at = {NOW}, comment = ?6
                 WHERE region = ?1 AND place = ?2 AND period = ?3"
            ),
        };
        tx.execute(&sql, params![region, place, period_s, to.as_str(), actor.login, comment])?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: match step {
                    ApprovalStep::Submit => "approval.submit",
                    ApprovalStep::Approve => "approval.approve",
                    ApprovalStep::Return => "approval.return",
                    ApprovalStep::Unapprove => "approval.unapprove",
                },
                object: format!("{region}/{place}/{period_s}"),
                old: Some(json!({"state": from.as_str()})),
                new: Some(json!({"state": to.as_str(), "comment": comment})),
                source: String::new(),
            },
        )?;
        crate::monitor::bump_monitor_rev(&tx, &[&region])?;
        tx.commit()?;
        drop(conn);
        self.approvals(&region, Some(&place), Some(period))?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound(format!("approval {region}/{place}/{period_s}")))
    }

    /// Units with values of `region` and their approval state per period, newest period
    /// first. Units and periods without any value and without a state are not listed.
    pub fn approvals(&self, region: &str, place: Option<&str>, period: Option<Period>) -> Result<Vec<Approval>> {
        let r = self.reader()?;
        let period_s = period.map(|p| p.to_string());
        let mut stmt = r.prepare_cached(
            "WITH cells AS (
                SELECT o.place, o.period, MAX(o.period_end) AS period_end, COUNT(*) AS n
                FROM observations o JOIN indicators i ON i.id = o.indicator_id
                WHERE i.region = ?1 AND (?2 IS NULL OR o.place = ?2) AND (?3 IS NULL OR o.period = ?3)
                GROUP BY o.place, o.period)
             SELECT COALESCE(c.place, a.place), COALESCE(c.period, a.period), COALESCE(a.state, 'draft'),
                    COALESCE(a.submitted_by, ''), COALESCE(a.submitted_at, ''), COALESCE(a.reviewed_by, ''),
                    COALESCE(a.reviewed_at, ''), COALESCE(a.comment, ''), COALESCE(c.n, 0),
                    COALESCE(c.period_end, 0)
             FROM cells c FULL OUTER JOIN
                  (SELECT * FROM approvals WHERE region = ?1 AND (?2 IS NULL OR place = ?2)
                       AND (?3 IS NULL OR period = ?3)) a
               ON a.place = c.place AND a.period = c.period",
        )?;
        let rows = stmt.query_map(params![region, place, period_s], |r| {
            let state: String = r.get(2)?;
            Ok((
                Approval {
                    region: region.to_string(),
                    place: r.get(0)?,
                    period: r.get(1)?,
                    state: ApprovalState::parse(&state),
                    submitted_by: r.get(3)?,
                    submitted_at: r.get(4)?,
                    reviewed_by: r.get(5)?,
                    reviewed_at: r.get(6)?,
                    comment: r.get(7)?,
                    values: r.get(8)?,
                },
                r.get::<_, f64>(9)?,
            ))
        })?;
        let mut out: Vec<(Approval, f64)> = rows.collect::<crate::Result<_>>()?;
        let order: HashMap<&str, usize> =
            self.dicts().units_within(region).iter().enumerate().map(|(i, p)| (p.name.as_str(), i)).collect();
        // Newest period first (period ends in months, so the key is an integer), then the
        // units in the order of the hierarchy.
        out.sort_by_cached_key(|(a, end)| {
            let end = if *end > 0.0 { *end } else { Period::parse(&a.period).map(|p| p.end_time()).unwrap_or(0.0) };
            (-(end * 12.0).round() as i64, order.get(a.place.as_str()).copied().unwrap_or(usize::MAX), a.place.clone())
        });
        Ok(out.into_iter().map(|(a, _)| a).collect())
    }

    /// The approved (place, period) cells among `cells` of `region`: what rankings and
    /// reports use to say whether they rest on approved data only.
    pub fn approved_among(&self, region: &str, cells: &[(String, String)]) -> Result<HashSet<(String, String)>> {
        if cells.is_empty() {
            return Ok(HashSet::new());
        }
        let r = self.reader()?;
        let mut stmt =
            r.prepare_cached("SELECT place, period FROM approvals WHERE region = ?1 AND state = 'approved'")?;
        let rows = stmt.query_map(params![region], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let approved: HashSet<(String, String)> = rows.collect::<crate::Result<_>>()?;
        Ok(cells.iter().filter(|c| approved.contains(*c)).cloned().collect())
    }
}

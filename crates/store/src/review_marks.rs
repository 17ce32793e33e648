//! Reviewers' marks on the findings of a conformity review (issue 18 item 3, `review_marks`).
//!
//! The findings of a review (`planwatch-review`) are computed when shown, never stored. What is
//! stored is a reviewer's word on one finding: accepted (采纳) or explained (已说明, with the
//! note saying why), keyed by the finding's stable id — so a mark survives a new version or an
//! unrelated edit that leaves the finding in place. One row per (draft, master, finding),
//! written with an audit entry in the same transaction; only analysts and admins may write
//! ([`Action::MarkReview`]). Whether the finding exists in the review as it stands is checked
//! by the caller that computes the review (`planwatch_app::review::mark`); the store checks
//! the id's form, the plans, the note and who writes.

use crate::access::{self, Action, Actor, AuditEntry};
use crate::db::{params, OptionalExt};
use crate::limits;
use crate::{Result, Store, StoreError};
use serde::Serialize;

/// What a reviewer said about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReviewMarkState {
    /// 采纳: the draft will be changed as the finding asks.
    Accepted,
    /// 已说明: the finding is answered by the note.
    Explained,
}

impl ReviewMarkState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewMarkState::Accepted => "accepted",
            ReviewMarkState::Explained => "explained",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "accepted" => Some(ReviewMarkState::Accepted),
            "explained" => Some(ReviewMarkState::Explained),
            _ => None,
        }
    }
    /// 已采纳 / 已说明.
    pub fn label(self) -> &'static str {
        match self {
            ReviewMarkState::Accepted => "已采纳",
            ReviewMarkState::Explained => "已说明",
        }
    }
}

/// A stored mark.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewMark {
    pub finding_id: String,
    pub state: ReviewMarkState,
    pub note: String,
    pub author: String,
    pub updated_at: String,
}

/// Whether `id` has the form of a finding id: `tg|dr|tk|pd` `-` 12 lowercase hex digits.
/// The finding id trimmed, or a refusal saying what an id looks like.
fn checked_finding_id(finding_id: &str) -> Result<&str> {
    let finding_id = finding_id.trim();
    if is_finding_id(finding_id) {
        return Ok(finding_id);
    }
    let shown: String = finding_id.chars().take(40).collect();
    Err(StoreError::Invalid(format!(
        "审查意见编号“{shown}”格式不对:应为 tg-、dr-、tk- 或 pd- 加 12 位十六进制数字,请从审查结果中选择。"
    )))
}

/// The mark stored for one finding, read inside the writing transaction.
fn stored_mark(tx: &crate::db::Db, draft: i64, master: i64, finding_id: &str) -> Result<Option<ReviewMark>> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM review_marks WHERE draft_id = ?1 AND master_id = ?2 AND finding_id = ?3"),
        params![draft, master, finding_id],
        row,
    )
    .optional()
}

pub fn is_finding_id(id: &str) -> bool {
    let Some((prefix, hex)) = id.split_once('-') else { return false };
    matches!(prefix, "tg" | "dr" | "tk" | "pd")
        && hex.len() == 12
        && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

const COLUMNS: &str = "finding_id, state, note, author, updated_at";

fn row(r: &crate::db::Row) -> Result<ReviewMark> {
    let state: String = r.get(1)?;
    Ok(ReviewMark {
        finding_id: r.get(0)?,
        state: ReviewMarkState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("review mark: state “{state}”")))?,
        note: r.get(2)?,
        author: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

impl Store {
    /// Marks one finding of the review of `draft` against `master` (replacing an earlier mark),
    /// audited as `review.mark`. An explanation needs its note.
    pub fn mark_review_finding(
        &self,
        actor: &Actor,
        draft: i64,
        master: i64,
        finding_id: &str,
        state: ReviewMarkState,
        note: &str,
    ) -> Result<i64> {
        access::authorize(actor, Action::MarkReview)?;
        limits::REVIEW_NOTE.check(note)?;
        let finding_id = checked_finding_id(finding_id)?;
        let note = note.trim();
        if state == ReviewMarkState::Explained && note.is_empty() {
            return Err(StoreError::Invalid("标记为“已说明”需要填写说明:写明不修改的理由。".into()));
        }
        if draft == master {
            return Err(StoreError::Invalid("草案和上位规划是同一份规划:请选择两份不同的规划。".into()));
        }
        self.plan_summary(draft)?;
        self.plan_summary(master)?;
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let old = stored_mark(&tx, draft, master, finding_id)?;
        let id: i64 = tx.query_row(
            "INSERT INTO review_marks (draft_id, master_id, finding_id, state, note, author, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT (draft_id, master_id, finding_id) DO UPDATE SET
                 state = excluded.state, note = excluded.note, author = excluded.author,
                 updated_at = excluded.updated_at
             RETURNING id",
            params![draft, master, finding_id, state.as_str(), note, actor.login.as_str()],
            |r| r.get(0),
        )?;
        let value = |s: &str, n: &str| serde_json::json!({ "state": s, "note": n });
        access::audit(
            &tx,
            actor,
            AuditEntry {
                action: "review.mark",
                object: format!("review plan {draft} against plan {master} finding {finding_id}"),
                old: old.map(|o| value(o.state.as_str(), &o.note)),
                new: Some(value(state.as_str(), note)),
                source: note.to_string(),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Clears the mark of one finding (the finding is open again), audited as `review.unmark`
    /// with the mark it had as the old value. Returns the mark removed; `None` (and nothing
    /// written, no audit entry) when the finding had none. Analysts and admins only, like
    /// marking. The id need not be in the review as it stands: a mark left behind by a changed
    /// plan (a stale mark) can be cleared too.
    pub fn clear_review_mark(
        &self,
        actor: &Actor,
        draft: i64,
        master: i64,
        finding_id: &str,
    ) -> Result<Option<ReviewMark>> {
        access::authorize(actor, Action::MarkReview)?;
        let finding_id = checked_finding_id(finding_id)?;
        self.plan_summary(draft)?;
        self.plan_summary(master)?;
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let old = stored_mark(&tx, draft, master, finding_id)?;
        let Some(old) = old else { return Ok(None) };
        tx.execute(
            "DELETE FROM review_marks WHERE draft_id = ?1 AND master_id = ?2 AND finding_id = ?3",
            params![draft, master, finding_id],
        )?;
        access::audit(
            &tx,
            actor,
            AuditEntry {
                action: "review.unmark",
                object: format!("review plan {draft} against plan {master} finding {finding_id}"),
                old: Some(serde_json::json!({ "state": old.state.as_str(), "note": old.note, "author": old.author })),
                new: Some(serde_json::json!({ "state": "open" })),
                source: String::new(),
            },
        )?;
        tx.commit()?;
        Ok(Some(old))
    }

    /// The marks of the review of `draft` against `master`, by finding id.
    pub fn review_marks(&self, draft: i64, master: i64) -> Result<Vec<ReviewMark>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM review_marks WHERE draft_id = ?1 AND master_id = ?2 ORDER BY finding_id"
        ))?;
        let rows = st.query_map(params![draft, master], row)?;
        rows.collect()
    }
}

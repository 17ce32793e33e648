//! planwatch-review: conformity review of a draft plan against its master plan
//! (规划符合性审查) and comparison of plans across regions.
//!
//! Pure computation over extracted plans ([`planwatch_core::Plan`]) and their source texts: no
//! store, no I/O. Industries are placed in the reference taxonomy through [`IndustryMap`]
//! (`planwatch-taxonomy` implements it). Every finding cites the items on both sides with the
//! sentence they stand in, and has a stable id made from its kind and normalised keys (never
//! list positions), so an unrelated edit of either plan does not renumber the findings.

pub mod compare;
pub mod industry;
pub mod norm;
mod review;
mod text;

pub use compare::{compare, Comparison};
pub use industry::{Confirmed, ExactNames, IndustryMap, Placed};
pub use review::{review, Review, TASK_SIMILARITY};

use planwatch_core::model::Span;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 冲突: the draft contradicts the master (a looser target for the same indicator, region
    /// and year).
    High,
    /// 不一致: the draft departs from the master in a way a reviewer must explain.
    Medium,
    /// 提示: worth a look; often legitimate (a stricter target, a scope that differs).
    Low,
}

impl Severity {
    /// The zh-CN label shown to reviewers.
    pub fn label(self) -> &'static str {
        match self {
            Severity::High => "冲突",
            Severity::Medium => "不一致",
            Severity::Low => "提示",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The same indicator with a looser value or a later deadline in the draft.
    TargetLooser,
    /// The same indicator with a stricter value or an earlier deadline in the draft.
    TargetStricter,
    /// Value and deadline point different ways (higher but later, lower but earlier).
    TargetMixed,
    /// The same indicator in units that cannot be compared.
    TargetUnits,
    /// One side counts an increase over the period, the other a level: not compared.
    TargetIncrement,
    /// The same indicator over a different territory (a city's share of a national total).
    TargetScope,
    /// A master target the draft does not carry down.
    TargetNotCarried,
    /// A draft industry outside every direction of the master.
    DirectionOutside,
    /// A draft industry the taxonomy cannot place (not judged).
    DirectionUnmapped,
    /// A master direction the draft leaves out.
    DirectionLeftOut,
    /// The same task led by different units.
    TaskLead,
    /// The draft's period starts before the master's.
    PeriodStartsBefore,
    /// The draft's period ends after the master's.
    PeriodEndsAfter,
    /// The draft's and the master's periods do not overlap.
    PeriodDisjoint,
    /// A period is not stated, so it cannot be compared.
    PeriodUnknown,
}

impl Kind {
    /// The snake_case name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            Kind::TargetLooser => "target_looser",
            Kind::TargetStricter => "target_stricter",
            Kind::TargetMixed => "target_mixed",
            Kind::TargetUnits => "target_units",
            Kind::TargetIncrement => "target_increment",
            Kind::TargetScope => "target_scope",
            Kind::TargetNotCarried => "target_not_carried",
            Kind::DirectionOutside => "direction_outside",
            Kind::DirectionUnmapped => "direction_unmapped",
            Kind::DirectionLeftOut => "direction_left_out",
            Kind::TaskLead => "task_lead",
            Kind::PeriodStartsBefore => "period_starts_before",
            Kind::PeriodEndsAfter => "period_ends_after",
            Kind::PeriodDisjoint => "period_disjoint",
            Kind::PeriodUnknown => "period_unknown",
        }
    }

    /// The zh-CN name of the kind's group (主要目标 / 发展方向 / 任务部署 / 规划期).
    pub fn group_label(self) -> &'static str {
        match self {
            Kind::TargetLooser
            | Kind::TargetStricter
            | Kind::TargetMixed
            | Kind::TargetUnits
            | Kind::TargetIncrement
            | Kind::TargetScope
            | Kind::TargetNotCarried => "主要目标",
            Kind::DirectionOutside | Kind::DirectionUnmapped | Kind::DirectionLeftOut => "发展方向",
            Kind::TaskLead => "任务部署",
            _ => "规划期",
        }
    }

    fn prefix(self) -> &'static str {
        match self.group_label() {
            "主要目标" => "tg",
            "发展方向" => "dr",
            "任务部署" => "tk",
            _ => "pd",
        }
    }
}

/// An item cited by a finding: the item's own phrase and span, and the sentence around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    /// The item as extracted (the target's phrase, the industry's name, the task's title).
    pub item: String,
    pub item_span: Span,
    /// The sentence the item stands in (from the plan's text), for the page to highlight.
    pub sentence: String,
    pub span: Span,
}

/// One finding of a review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable id: kind prefix and a hash of the kind and the normalised keys.
    pub id: String,
    pub kind: Kind,
    pub severity: Severity,
    /// 冲突 / 不一致 / 提示.
    pub severity_label: &'static str,
    /// 主要目标 / 发展方向 / 任务部署 / 规划期.
    pub group: &'static str,
    /// What the reviewer is told (zh-CN).
    pub message: String,
    /// The draft's items (empty when the finding is about something the draft lacks).
    pub draft: Vec<Cited>,
    /// The master's items (empty when the finding is about something the master lacks).
    pub master: Vec<Cited>,
}

impl Finding {
    fn new(kind: Kind, severity: Severity, keys: &[&str], message: String) -> Self {
        Finding {
            id: stable_id(kind, keys),
            kind,
            severity,
            severity_label: severity.label(),
            group: kind.group_label(),
            message,
            draft: Vec::new(),
            master: Vec::new(),
        }
    }
}

/// The stable id of a finding: `<group prefix>-<12 hex digits>` of FNV-1a 64 over the kind's
/// name and the keys (separated by U+001F), mixed by MurmurHash3's finaliser (FNV alone left
/// keys differing in their last byte with ids differing in one digit). Both are written out
/// here so the ids do not depend on the standard library's hasher, which may change between
/// releases.
pub fn stable_id(kind: Kind, keys: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(kind.name().as_bytes());
    for k in keys {
        eat(&[0x1f]);
        eat(k.as_bytes());
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    format!("{}-{:012x}", kind.prefix(), h >> 16)
}

pub use planwatch_taxonomy::Taxonomy;

//! Registries (issue 17): entries of the kinds in `data/registries.toml` (planwatch-registry
//! validates them), their history and tier history, published batches, links to plan items,
//! and bindings of counts to indicators. Migrations 0010 and 0013 (list index and counts).
//!
//! Invariants:
//! - A registry file is read and validated whole (`planwatch_registry::validate`) inside the
//!   write transaction, then every row is authorised ([`Action::WriteRegistry`]: a district
//!   editor writes its own unit only — an entry moving between districts needs both); any bad
//!   or forbidden row refuses the file and nothing is stored, not even its import row. A dry
//!   run validates and counts inside a transaction that is rolled back.
//! - An entry is (kind, region, key). Columns a sheet has replace the stored fields (a blank
//!   cell clears one); columns it lacks keep theirs. A changed entry goes back to 草稿 and
//!   appends its changed fields (old and new) to `registry_entry_history` and the audit log; an
//!   unchanged one is not rewritten. A created entry records its import and creator.
//! - Tier history (`registry_tiers`): a new tier opens a span from its date (the kind's
//!   `tier_date`, else today) and closes the spans of higher rungs (a step down); a
//!   `tier_lost` date closes the tier's span. Spans are never deleted.
//! - Status: 草稿 → 已报送 (district editor, own unit) → 已审核 (analyst). Only approved entries
//!   are published and counted. A published batch (第N批) freezes its members' fields and its
//!   diff against the batch before; it is never rewritten.
//! - Every write checks its actor here and writes its audit entry in its own transaction.
//! - `registry_list_counts` holds the number of entries per (kind, region, place, industry,
//!   tier, status): every write that adds an entry or changes one of those columns updates it
//!   in its transaction (`CountDelta`); the list's total and counts per value are its sums.

use crate::access::{audit, authorize, Action, Actor, AuditEntry};
use crate::db::{params, OptionalExt};
use crate::{limits, sha256_hex, Result, Store, StoreError};
use planwatch_monitor::listing::Listing;
use planwatch_monitor::observations::Problem;
use planwatch_monitor::sheet::FileError;
use planwatch_monitor::Period;
use planwatch_registry::counts::{Counted, Filter, TierSpan};
use planwatch_registry::diff::BatchDiff;
use planwatch_registry::{Industries, Kind, Validation};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

/// The most entries one list call returns.
pub const MAX_PAGE: i64 = 500;
/// Most keys one submit or approve call names.
pub const MAX_KEYS: usize = 100_000;
/// New entries (and their first tier spans) written by one INSERT statement of an import.
const INSERT_ROWS: usize = 100;
/// Keys listed by value in one audit entry of a status step (all are in the entry history).
const AUDIT_KEYS: usize = 1000;

/// An entry's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Draft,
    Submitted,
    Approved,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Approved => "approved",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Draft => "草稿",
            EntryStatus::Submitted => "已报送",
            EntryStatus::Approved => "已审核",
        }
    }
}

impl std::str::FromStr for EntryStatus {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [EntryStatus::Draft, EntryStatus::Submitted, EntryStatus::Approved]
            .into_iter()
            .find(|x| x.as_str() == s.trim() || x.label() == s.trim())
            .ok_or_else(|| format!("“{s}”不是条目状态:draft(草稿)、submitted(已报送)或 approved(已审核)"))
    }
}

fn status_of(s: &str) -> Result<EntryStatus> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("registry_entries.status “{s}”")))
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct RegistryImportOptions {
    /// Validate and count, store nothing.
    pub dry_run: bool,
    /// Generated demonstration data (合成示例数据), labelled wherever it is shown.
    pub synthetic: bool,
}

/// The outcome of an import that passed.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryImportReport {
    pub file_name: String,
    pub kind: String,
    pub region: String,
    pub dry_run: bool,
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Headers no field of the kind claims (not read).
    pub unknown_columns: Vec<String>,
    /// None for a dry run or when nothing changed.
    pub import_id: Option<i64>,
}

/// Why a registry import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum RegistryImportError {
    #[error("{file}: {error}")]
    File { file: String, error: FileError },
    #[error("{file}: {} 处错误,整个文件未导入", .validation.problems.total())]
    Refused { file: String, validation: Box<Validation> },
    /// Rows of units the user may not write (403): the whole file is refused.
    #[error("{file}: {} 行超出本账户的填报范围({scope}),整个文件未导入", .rows.total())]
    Forbidden { file: String, scope: String, rows: Listing<Problem> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for RegistryImportError {
    fn from(e: rusqlite::Error) -> Self {
        RegistryImportError::Store(e.into())
    }
}

/// An entry as stored.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryEntry {
    pub id: i64,
    pub kind: String,
    pub region: String,
    pub key: String,
    pub place: String,
    pub place_code: String,
    pub industry: String,
    pub tier: String,
    pub fields: Map<String, Value>,
    pub status: EntryStatus,
    pub since: Option<String>,
    pub approved_at: Option<String>,
    pub synthetic: bool,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

const ENTRY_COLUMNS: &str = "id, kind, region, key, place, place_code, industry, tier, fields, status, since,
    approved_at, synthetic, created_by, created_at, updated_by, updated_at";

fn entry_row(r: &crate::db::Row) -> Result<RegistryEntry> {
    let fields: String = r.get(8)?;
    let status: String = r.get(9)?;
    Ok(RegistryEntry {
        id: r.get(0)?,
        kind: r.get(1)?,
        region: r.get(2)?,
        key: r.get(3)?,
        place: r.get(4)?,
        place_code: r.get(5)?,
        industry: r.get(6)?,
        tier: r.get(7)?,
        fields: parse_fields(&fields)?,
        status: status_of(&status)?,
        since: r.get(10)?,
        approved_at: r.get(11)?,
        synthetic: r.get(12)?,
        created_by: r.get(13)?,
        created_at: r.get(14)?,
        updated_by: r.get(15)?,
        updated_at: r.get(16)?,
    })
}

fn parse_fields(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(StoreError::Corrupt("registry fields are not a JSON object".into())),
    }
}

/// A filtered list: every condition optional (empty / None matches all).
#[derive(Debug, Clone, Default)]
pub struct RegistryFilter {
    pub region: String,
    /// A district (full or short name, or code; resolved inside `region` when given).
    pub place: String,
    pub industry: String,
    /// The current tier, exactly.
    pub tier: String,
    pub status: Option<EntryStatus>,
    /// Members of this published batch number.
    pub batch: Option<i64>,
    /// The order of the page (by place and key unless asked otherwise).
    pub sort: RegistrySort,
    /// At most [`MAX_OFFSET`].
    pub offset: i64,
    /// At most [`MAX_PAGE`]; 0 means [`MAX_PAGE`].
    pub limit: i64,
}

/// The most entries a list call skips: beyond it, narrow the filter.
pub const MAX_OFFSET: i64 = 1_000_000;
/// Longest value of a text filter (district, industry, tier).
pub const MAX_FILTER_CHARS: usize = 200;

/// A column a list can be sorted by: only these (an index gives each its order), then the
/// key, so the order is total and a page boundary never moves between equal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    /// Place, then key (the default).
    #[default]
    Place,
    Key,
    Industry,
    Tier,
    Status,
}

/// The order of a list: a whitelisted column, ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RegistrySort {
    pub column: SortColumn,
    pub descending: bool,
}

impl RegistrySort {
    const COLUMNS: [(SortColumn, &'static str); 5] = [
        (SortColumn::Place, "place"),
        (SortColumn::Key, "key"),
        (SortColumn::Industry, "industry"),
        (SortColumn::Tier, "tier"),
        (SortColumn::Status, "status"),
    ];

    /// `place`, `-place` (descending), `key`, `industry`, `tier`, `status`; empty is the default.
    pub fn as_str(&self) -> String {
        let name = Self::COLUMNS.iter().find(|(c, _)| *c == self.column).map(|(_, n)| *n).unwrap_or("place");
        if self.descending {
            format!("-{name}")
        } else {
            name.to_string()
        }
    }

    /// The SQL order: column names from the whitelist only, never from the input.
    fn order_by(&self) -> String {
        let columns: &[&str] = match self.column {
            SortColumn::Place => &["region", "place", "key"],
            SortColumn::Key => &["region", "key"],
            SortColumn::Industry => &["region", "industry", "place", "key"],
            SortColumn::Tier => &["region", "tier", "place", "key"],
            SortColumn::Status => &["region", "status", "place", "key"],
        };
        let dir = if self.descending { " DESC" } else { "" };
        columns.iter().map(|c| format!("{c}{dir}")).collect::<Vec<_>>().join(", ")
    }
}

impl std::str::FromStr for RegistrySort {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        let (descending, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if name.is_empty() && !descending {
            return Ok(RegistrySort::default());
        }
        Self::COLUMNS
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(column, _)| RegistrySort { column: *column, descending })
            .ok_or_else(|| {
                let names: Vec<&str> = Self::COLUMNS.iter().map(|(_, n)| *n).collect();
                format!(
                    "不能按“{}”排序:可用 {}(前加 - 为降序)",
                    s.chars().take(64).collect::<String>(),
                    names.join("、")
                )
            })
    }
}

/// A bound parameter of a query built from the filters given.
enum Arg {
    Text(String),
    Int(i64),
}

impl crate::db::ToParam for Arg {
    fn to_param(&self) -> crate::db::Param<'_> {
        match self {
            Arg::Text(s) => crate::db::Param::Text(s),
            Arg::Int(n) => crate::db::Param::Int(*n),
        }
    }
}

/// The conditions of a list filter, built from the filters actually given (so each query
/// can use the index of its filter), with their bound values: `?1` is the kind.
struct Conditions {
    sql: String,
    args: Vec<Arg>,
    /// A batch filter: only `registry_entries` can answer (not the kept counts).
    batch: bool,
}

impl Conditions {
    fn push(&mut self, column: &str, value: Arg) {
        self.args.push(value);
        self.sql.push_str(&format!(" AND {column} = ?{}", self.args.len()));
    }

    fn params(&self) -> Vec<&dyn crate::db::ToParam> {
        self.args.iter().map(|a| a as &dyn crate::db::ToParam).collect()
    }
}

/// A new entry's first tier span: entry id, tier, rung, gained, lost, source.
type NewSpan<'a> = (i64, &'a str, i64, String, Option<String>, String);

/// Entries per (place, industry, tier, status).
type CubeRow = (String, String, String, String, i64);

/// Changes to `registry_list_counts` of one (kind, region) made by a write, applied in its
/// transaction: +1/−1 per (place, industry, tier, status).
#[derive(Default)]
struct CountDelta(HashMap<(String, String, String, &'static str), i64>);

impl CountDelta {
    fn add(&mut self, place: &str, industry: &str, tier: &str, status: &'static str, n: i64) {
        *self.0.entry((place.to_string(), industry.to_string(), tier.to_string(), status)).or_insert(0) += n;
    }

    fn apply(&self, tx: &crate::db::Db, kind: &str, region: &str) -> Result<()> {
        let changed: Vec<_> = self.0.iter().filter(|(_, n)| **n != 0).collect();
        if changed.is_empty() {
            return Ok(());
        }
        {
            let mut up = tx.prepare(
                "INSERT INTO registry_list_counts (kind, region, place, industry, tier, status, n)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (kind, region, place, industry, tier, status)
                 DO UPDATE SET n = registry_list_counts.n + excluded.n",
            )?;
            for ((place, industry, tier, status), n) in changed {
                up.execute(params![kind, region, place, industry, tier, *status, *n])?;
            }
        }
        tx.execute(
            "DELETE FROM registry_list_counts WHERE kind = ?1 AND region = ?2 AND n <= 0",
            params![kind, region],
        )?;
        Ok(())
    }
}

/// One page of a filtered list and the count of all that match.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryPage {
    pub entries: Vec<RegistryEntry>,
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
}

/// Counts of a filtered list by district, industry, tier and status (facets).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistryFacets {
    pub total: i64,
    pub by_place: Vec<(String, i64)>,
    pub by_industry: Vec<(String, i64)>,
    pub by_tier: Vec<(String, i64)>,
    pub by_status: Vec<(String, i64)>,
}

/// A change of an entry.
#[derive(Debug, Clone, Serialize)]
pub struct EntryChange {
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub who: String,
    pub changed_at: String,
    pub import_id: Option<i64>,
}

/// A tier held.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TierRecord {
    pub tier: String,
    pub rung: i64,
    pub gained: String,
    pub lost: Option<String>,
    pub source: String,
}

/// A plan item an entry serves.
#[derive(Debug, Clone, Serialize)]
pub struct EntryLink {
    pub document_id: i64,
    pub item_key: String,
    pub created_by: String,
    pub created_at: String,
}

/// An entry with its history, tiers, links and the batches it is in.
#[derive(Debug, Clone, Serialize)]
pub struct RegistryEntryDetail {
    pub entry: RegistryEntry,
    pub history: Vec<EntryChange>,
    pub tiers: Vec<TierRecord>,
    pub links: Vec<EntryLink>,
    pub batches: Vec<i64>,
}

/// An approved entry's tier history (the funnel's input).
#[derive(Debug, Clone, Serialize)]
pub struct TierHistory {
    pub key: String,
    pub place: String,
    pub industry: String,
    #[serde(skip)]
    pub tiers: Vec<TierSpan>,
}

/// A published batch (第N批).
#[derive(Debug, Clone, Serialize)]
pub struct RegistryBatch {
    pub id: i64,
    pub kind: String,
    pub region: String,
    pub number: i64,
    pub published_at: String,
    pub published_by: String,
    pub members: i64,
    pub diff: BatchDiff,
}

/// Indicator = count of approved entries of a kind (filtered) by place and quarter.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegistryBinding {
    pub id: i64,
    pub indicator_id: i64,
    pub indicator_code: String,
    /// The indicator's region: the registry counted.
    pub region: String,
    pub kind: String,
    pub filter: Vec<Filter>,
    pub created_by: String,
    pub created_at: String,
}

/// One count: a place (a district, or the region itself for the total) at a period's end.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegistryCount {
    pub place: String,
    pub period: Period,
    pub count: i64,
}

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// What the import knows of an existing entry.
struct Existing {
    id: i64,
    fields: Map<String, Value>,
    place: String,
    industry: String,
    tier: String,
    status: EntryStatus,
}

impl Store {
    /// The kinds of registry this store was opened with (built in, or extended by `--data`).
    pub fn registries(&self) -> &std::sync::Arc<planwatch_registry::Registries> {
        &self.opts.registries
    }

    fn registry_kind(&self, kind: &str) -> Result<&Kind> {
        self.opts.registries.kind(kind).ok_or_else(|| {
            let known: Vec<String> =
                self.opts.registries.kinds().iter().map(|k| format!("{}({})", k.id, k.name)).collect();
            StoreError::NotFound(format!("名录类型“{kind}”(可用:{})", known.join("、")))
        })
    }

    fn check_region(&self, region: &str) -> Result<()> {
        match self.dicts().unit(region) {
            Some(p) if p.level == "city" || p.level == "province" => Ok(()),
            _ => Err(StoreError::Invalid(format!("“{region}”不是地市或省份的正式名称(如 合肥市、重庆市)"))),
        }
    }

    /// The industries named by the plans of a region (what entries' industries resolve to).
    pub fn region_industries(&self, region: &str) -> Result<Vec<String>> {
        let r = self.reader()?;
        r.query_map(
            "SELECT DISTINCT i.industry FROM plan_industries i JOIN documents d ON d.id = i.document_id
             WHERE d.region = ?1 ORDER BY i.industry",
            params![region],
            |r| r.get(0),
        )
    }

    /// Validates a registry sheet and, unless it is a dry run, stores it in one transaction.
    /// Refused whole (nothing stored) when any row is bad or outside the actor's unit.
    pub fn import_registry(
        &self,
        kind: &str,
        region: &str,
        file_name: &str,
        bytes: &[u8],
        opts: &RegistryImportOptions,
        actor: &Actor,
    ) -> std::result::Result<RegistryImportReport, RegistryImportError> {
        let file = file_name.to_string();
        limits::FILE_NAME.check(file_name)?;
        let kind = self.registry_kind(kind)?;
        self.check_region(region)?;
        let (columns, rows) = planwatch_registry::validate::read(kind, bytes)
            .map_err(|error| RegistryImportError::File { file: file.clone(), error })?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        // What the file is checked against, read under the writer lock.
        let industries: Vec<String> = tx.query_map(
            "SELECT DISTINCT i.industry FROM plan_industries i JOIN documents d ON d.id = i.document_id
             WHERE d.region = ?1",
            params![region],
            |r| r.get(0),
        )?;
        let industries = Industries::new(&industries);
        let ctx = planwatch_registry::Context { region, dicts: self.dicts(), industries: &industries };
        let validation = planwatch_registry::validate::validate(kind, &columns, &rows, &ctx);
        if !validation.is_ok() {
            return Err(RegistryImportError::Refused { file, validation: Box::new(validation) });
        }
        let mut existing: HashMap<String, Existing> = HashMap::new();
        tx.for_each(
            "SELECT id, key, fields, place, industry, tier, status FROM registry_entries WHERE kind = ?1 AND region = ?2",
            params![kind.id, region],
            |r| {
                let fields: String = r.get(2)?;
                existing.insert(
                    r.get(1)?,
                    Existing {
                        id: r.get(0)?,
                        fields: parse_fields(&fields)?,
                        place: r.get(3)?,
                        industry: r.get(4)?,
                        tier: r.get(5)?,
                        status: status_of(&r.get::<_, String>(6)?)?,
                    },
                );
                Ok(())
            },
        )?;
        // Every row must be the actor's to write: its district, and the district it leaves.
        let mut forbidden = Listing::new();
        let place_name = kind.place_field().name;
        for e in &validation.entries {
            let old_place = existing.get(&e.key).map(|x| x.place.as_str()).filter(|p| *p != e.place);
            for place in std::iter::once(e.place.as_str()).chain(old_place) {
                if let Err(err) = authorize(actor, Action::WriteRegistry { region, place }) {
                    forbidden.push(Problem {
                        row: e.row,
                        column: place_name,
                        value: place.to_string(),
                        reason: err.to_string().trim_end_matches('。').to_string(),
                        fix: "只导入本账户所属区县的条目;其他区县的条目由该区县或分析员导入".into(),
                    });
                }
            }
        }
        if !forbidden.is_empty() {
            return Err(RegistryImportError::Forbidden { file, scope: actor.scope(), rows: forbidden });
        }
        let present: Vec<&str> =
            kind.fields.iter().zip(&columns.index).filter(|(_, i)| i.is_some()).map(|(f, _)| f.id.as_str()).collect();
        let mut report = RegistryImportReport {
            file_name: file.clone(),
            kind: kind.id.clone(),
            region: region.to_string(),
            dry_run: opts.dry_run,
            rows: validation.entries.len(),
            inserted: 0,
            updated: 0,
            unchanged: 0,
            unknown_columns: validation.unknown_columns.clone(),
            import_id: None,
        };
        let who = actor.login.as_str();
        let sha = sha256_hex(bytes);
        let import_id: i64 = tx.query_row(
            &format!(
                "INSERT INTO registry_imports (kind, region, file_name, sha256, rows, inserted, updated, unchanged, who,
                    imported_at, synthetic, request_id) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, ?6, {NOW}, ?7, ?8)
                 RETURNING id"
            ),
            params![kind.id, region, file, sha, report.rows as i64, who, opts.synthetic, actor.request_id],
            |r| r.get(0),
        )?;
        let source = format!("{file}(名录导入 #{import_id})");
        let today = today();
        let mut counts = CountDelta::default();
        let text = |m: &Map<String, Value>, id: &Option<String>| {
            id.as_ref().and_then(|i| m.get(i)).and_then(Value::as_str).map(str::to_string)
        };
        {
            let mut update = tx.prepare(&format!(
                "UPDATE registry_entries SET place = ?2, place_code = ?3, industry = ?4, tier = ?5, fields = ?6,
                    status = 'draft', since = COALESCE(?7, since), import_id = ?8, updated_by = ?9, updated_at = {NOW} WHERE id = ?1"
            ))?;
            let mut history = tx.prepare(&format!(
                "INSERT INTO registry_entry_history (entry_id, old_value, new_value, who, changed_at, import_id)
                 VALUES (?1, ?2, ?3, ?4, {NOW}, ?5)"
            ))?;
            let mut open_spans =
                tx.prepare("SELECT id, rung FROM registry_tiers WHERE entry_id = ?1 AND lost IS NULL")?;
            let mut close_span = tx.prepare("UPDATE registry_tiers SET lost = ?2 WHERE id = ?1")?;
            let mut add_span = tx.prepare(
                "INSERT INTO registry_tiers (entry_id, tier, rung, gained, lost, source, import_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let tier_field = kind.tier_field();
            let mut fresh: Vec<&planwatch_registry::validate::Entry> = Vec::new();
            for e in &validation.entries {
                // An existing entry (new ones are written after this loop).
                let (id, fields, old_tier, old_lost) = match existing.get(&e.key) {
                    None => {
                        // Written below, many to a statement.
                        fresh.push(e);
                        continue;
                    }
                    Some(old) => {
                        let mut fields = old.fields.clone();
                        for id in &present {
                            match e.fields.get(*id) {
                                Some(v) => fields.insert(id.to_string(), v.clone()),
                                None => fields.remove(*id),
                            };
                        }
                        if fields == old.fields {
                            report.unchanged += 1;
                            continue;
                        }
                        let (mut was, mut now) = (Map::new(), Map::new());
                        for id in old.fields.keys().chain(fields.keys()) {
                            let (a, b) = (old.fields.get(id), fields.get(id));
                            if a != b {
                                was.insert(id.clone(), a.cloned().unwrap_or(Value::Null));
                                now.insert(id.clone(), b.cloned().unwrap_or(Value::Null));
                            }
                        }
                        let tier = tier_field.and_then(|t| fields.get(&t.id)).and_then(Value::as_str).unwrap_or("");
                        let place_code = if e.place == old.place {
                            fields.get(&kind.place).map(|_| e.place_code.clone()).unwrap_or_default()
                        } else {
                            e.place_code.clone()
                        };
                        let industry = kind
                            .industry
                            .as_ref()
                            .and_then(|i| fields.get(i))
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string();
                        update.execute(params![
                            old.id,
                            e.place,
                            place_code,
                            industry,
                            tier,
                            Value::Object(fields.clone()).to_string(),
                            text(&fields, &kind.since),
                            import_id,
                            who
                        ])?;
                        let (was, now) = (Value::Object(was), Value::Object(now));
                        history.execute(params![old.id, was.to_string(), now.to_string(), who, import_id])?;
                        audit(
                            &tx,
                            actor,
                            AuditEntry {
                                action: "registry.update",
                                object: format!("{}/{region}/{}", kind.id, e.key),
                                old: Some(was),
                                new: Some(now),
                                source: source.clone(),
                            },
                        )?;
                        report.updated += 1;
                        counts.add(&old.place, &old.industry, &old.tier, old.status.as_str(), -1);
                        counts.add(&e.place, &industry, tier, "draft", 1);
                        let old_lost = text(&old.fields, &kind.tier_lost);
                        (old.id, fields, old.tier.clone(), old_lost)
                    }
                };
                // Tier history.
                let Some(tf) = tier_field else { continue };
                let Some(tier) = fields.get(&tf.id).and_then(Value::as_str) else { continue };
                let Some(rung) = tf.rung(tier) else { continue };
                let lost = text(&fields, &kind.tier_lost);
                if tier == old_tier && lost == old_lost {
                    continue;
                }
                let gained = text(&fields, &kind.tier_date).unwrap_or_else(|| today.clone());
                let source_text = text(&fields, &kind.tier_source).unwrap_or_default();
                let open: Vec<(i64, i64)> =
                    open_spans.query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_>>()?;
                let same = open.iter().find(|(_, r)| *r == rung as i64).map(|(i, _)| *i);
                match (&lost, same) {
                    (Some(l), Some(span)) => {
                        close_span.execute(params![span, l])?;
                    }
                    (Some(l), None) => {
                        add_span.execute(params![id, tier, rung as i64, gained, l, source_text, import_id])?;
                    }
                    (None, Some(_)) => {}
                    (None, None) => {
                        for (span, r) in &open {
                            if *r > rung as i64 {
                                close_span.execute(params![*span, gained])?;
                            }
                        }
                        add_span.execute(params![
                            id,
                            tier,
                            rung as i64,
                            gained,
                            Option::<String>::None,
                            source_text,
                            import_id
                        ])?;
                    }
                }
            }
            // New entries, many to a statement (one statement per 100 entries, not one each),
            // then their first tier spans the same way. In key order: every index of the
            // entries leads with (kind, region) and ends with the key, so new entries are
            // appended to each index rather than scattered through it.
            fresh.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            let now: String = tx.query_row(&format!("SELECT {NOW}"), params![], |r| r.get(0))?;
            let mut spans: Vec<NewSpan> = Vec::new();
            for chunk in fresh.chunks(INSERT_ROWS) {
                let rows: Vec<(&str, String, Option<String>)> = chunk
                    .iter()
                    .map(|e| {
                        let json = serde_json::to_string(&e.fields).unwrap_or_else(|_| "{}".into());
                        (e.tier.as_deref().unwrap_or(""), json, text(&e.fields, &kind.since))
                    })
                    .collect();
                let mut sql = String::from(
                    "INSERT INTO registry_entries (kind, region, key, place, place_code, industry, tier, fields, status,
                        since, import_id, synthetic, created_by, created_at, updated_by, updated_at) VALUES ",
                );
                let mut args: Vec<&dyn crate::db::ToParam> =
                    vec![&kind.id, &region, &import_id, &opts.synthetic, &who, &now];
                for (k, (e, (tier, json, since))) in chunk.iter().zip(&rows).enumerate() {
                    let b = 7 + 7 * k;
                    sql.push_str(&format!(
                        "{}(?1, ?2, ?{b}, ?{}, ?{}, ?{}, ?{}, ?{}, 'draft', ?{}, ?3, ?4, ?5, ?6, ?5, ?6)",
                        if k == 0 { "" } else { ", " },
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6
                    ));
                    args.extend([
                        &e.key as &dyn crate::db::ToParam,
                        &e.place,
                        &e.place_code,
                        &e.industry,
                        tier,
                        json,
                        since,
                    ]);
                }
                sql.push_str(" RETURNING id, key");
                let ids: HashMap<String, i64> =
                    tx.query_map(&sql, &args[..], |r| Ok((r.get(1)?, r.get(0)?)))?.into_iter().collect();
                for e in chunk {
                    let id = *ids
                        .get(&e.key)
                        .ok_or_else(|| StoreError::Corrupt(format!("registry entry {} not inserted", e.key)))?;
                    report.inserted += 1;
                    counts.add(&e.place, &e.industry, e.tier.as_deref().unwrap_or(""), "draft", 1);
                    // A new entry's tier opens its first span (closed at once by a lost date).
                    let Some(tf) = tier_field else { continue };
                    let Some(tier) = e.fields.get(&tf.id).and_then(Value::as_str) else { continue };
                    let Some(rung) = tf.rung(tier) else { continue };
                    let gained = text(&e.fields, &kind.tier_date).unwrap_or_else(|| today.clone());
                    let source_text = text(&e.fields, &kind.tier_source).unwrap_or_default();
                    spans.push((id, tier, rung as i64, gained, text(&e.fields, &kind.tier_lost), source_text));
                }
            }
            for chunk in spans.chunks(INSERT_ROWS) {
                let mut sql = String::from(
                    "INSERT INTO registry_tiers (entry_id, tier, rung, gained, lost, source, import_id) VALUES ",
                );
                let mut args: Vec<&dyn crate::db::ToParam> = vec![&import_id];
                for (k, (id, tier, rung, gained, lost, source)) in chunk.iter().enumerate() {
                    let b = 2 + 6 * k;
                    sql.push_str(&format!(
                        "{}(?{b}, ?{}, ?{}, ?{}, ?{}, ?{}, ?1)",
                        if k == 0 { "" } else { ", " },
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5
                    ));
                    args.extend([id as &dyn crate::db::ToParam, tier, rung, gained, lost, source]);
                }
                tx.execute(&sql, &args[..])?;
            }
        }
        if opts.dry_run || report.inserted + report.updated == 0 {
            // Nothing to keep: dropping the transaction rolls it back.
            return Ok(report);
        }
        let entry = crate::access::AuditRow::new(
            actor,
            AuditEntry {
                action: "registry.import",
                object: format!("registry import {import_id}"),
                old: None,
                new: Some(json!({"file": file, "sha256": sha, "kind": kind.id, "region": region,
                    "rows": report.rows, "inserted": report.inserted, "updated": report.updated,
                    "unchanged": report.unchanged, "synthetic": opts.synthetic})),
                source,
            },
        );
        counts.apply(&tx, &kind.id, region)?;
        let counts = [report.inserted as i64, report.updated as i64, report.unchanged as i64];
        let size = bytes.len() as i64;
        tx.execute_all(&[
            (
                "UPDATE registry_imports SET inserted = ?2, updated = ?3, unchanged = ?4 WHERE id = ?1",
                params![import_id, counts[0], counts[1], counts[2]],
            ),
            (
                "INSERT INTO blobs (sha256, size, bytes) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![sha, size, bytes],
            ),
            (crate::access::AuditRow::SQL, &entry.params()),
        ])?;
        crate::monitor::bump_monitor_rev(&tx, &[region])?;
        tx.commit()?;
        report.import_id = Some(import_id);
        // A changed approved entry is a draft again and counts no more. The bound indicators
        // follow when a reviewer imported; a district editor's change waits for the review
        // (approving refreshes them), as the editor may not write the region's figures.
        drop(conn);
        if report.updated > 0 && authorize(actor, Action::ReviewRegistry).is_ok() {
            self.refresh_registry_values(actor, region, Some(&kind.id))?;
        }
        Ok(report)
    }

    /// The conditions of a filter, only those given, every value bound.
    fn registry_where(&self, kind: &Kind, f: &RegistryFilter) -> Result<Conditions> {
        for (name, v) in [("区县", &f.place), ("产业", &f.industry), ("层级", &f.tier), ("地区", &f.region)] {
            if v.chars().count() > MAX_FILTER_CHARS {
                return Err(StoreError::Invalid(format!("筛选条件“{name}”过长(至多 {MAX_FILTER_CHARS} 个字符)")));
            }
        }
        let region = f.region.trim();
        let place = match f.place.trim() {
            "" => String::new(),
            p if !region.is_empty() => {
                self.dicts().place_in(p, region).map(|x| x.name.clone()).unwrap_or_else(|| p.to_string())
            }
            p => p.to_string(),
        };
        let mut c = Conditions { sql: "kind = ?1".into(), args: vec![Arg::Text(kind.id.clone())], batch: false };
        for (column, value) in
            [("region", region), ("place", place.as_str()), ("industry", f.industry.trim()), ("tier", f.tier.trim())]
        {
            if !value.is_empty() {
                c.push(column, Arg::Text(value.to_string()));
            }
        }
        if let Some(s) = f.status {
            c.push("status", Arg::Text(s.as_str().to_string()));
        }
        if let Some(number) = f.batch {
            // The batches of that number (one per region), then a probe of the members' index
            // per entry the other filters leave.
            let ids: Vec<i64> = self.reader()?.query_map(
                "SELECT id FROM registry_batches WHERE kind = ?1 AND number = ?2 AND (?3 = '' OR region = ?3)",
                params![kind.id, number, region],
                |r| r.get(0),
            )?;
            // No such batch: id 0, which no batch has (ids start at 1).
            let mut slots = Vec::new();
            for id in if ids.is_empty() { vec![0] } else { ids } {
                c.args.push(Arg::Int(id));
                slots.push(format!("?{}", c.args.len()));
            }
            c.sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM registry_batch_members m
                   WHERE m.batch_id IN ({}) AND m.entry_id = registry_entries.id)",
                slots.join(", ")
            ));
            c.batch = true;
        }
        Ok(c)
    }

    /// Entries matching `cond` per (place, industry, tier, status): from the kept counts, or
    /// (a batch filter) counted from the entries.
    fn registry_cube(&self, r: &crate::db::Db, cond: &Conditions) -> Result<Vec<CubeRow>> {
        let sql = if cond.batch {
            format!(
                "SELECT place, industry, tier, status, COUNT(*) FROM registry_entries WHERE {}
                 GROUP BY place, industry, tier, status",
                cond.sql
            )
        } else {
            format!(
                "SELECT place, industry, tier, status, CAST(SUM(n) AS INTEGER) FROM registry_list_counts WHERE {}
                 GROUP BY place, industry, tier, status",
                cond.sql
            )
        };
        r.query_map(&sql, &cond.params()[..], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    }

    /// A page of a kind's entries matching `filter`, in its order (place and key by default),
    /// and how many match in all.
    pub fn registry_entries(&self, kind: &str, filter: &RegistryFilter) -> Result<RegistryPage> {
        let kind = self.registry_kind(kind)?;
        let limit = if filter.limit <= 0 { MAX_PAGE } else { filter.limit.min(MAX_PAGE) };
        let offset = filter.offset.max(0);
        if offset > MAX_OFFSET {
            return Err(StoreError::Invalid(format!("至多跳过 {MAX_OFFSET} 个条目:请加筛选条件缩小范围")));
        }
        let cond = self.registry_where(kind, filter)?;
        let r = self.reader()?;
        let total = self.registry_cube(&r, &cond)?.iter().map(|c| c.4).sum();
        // The page's ids from the index alone (skipped rows are never read), then their rows.
        let order = filter.sort.order_by();
        let mut params = cond.params();
        params.push(&limit);
        params.push(&offset);
        let n = cond.args.len();
        let entries = r.query_map(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM registry_entries WHERE id IN (
                    SELECT id FROM registry_entries WHERE {} ORDER BY {order} LIMIT ?{} OFFSET ?{})
                 ORDER BY {order}",
                cond.sql,
                n + 1,
                n + 2
            ),
            &params[..],
            entry_row,
        )?;
        Ok(RegistryPage { entries, total, offset, limit })
    }

    /// Counts of the entries matching `filter` (its page ignored) by place, industry, tier and
    /// status: sums over the counts kept per (place, industry, tier, status), so no entry is
    /// read (a batch filter counts its members).
    pub fn registry_facets(&self, kind: &str, filter: &RegistryFilter) -> Result<RegistryFacets> {
        let kind = self.registry_kind(kind)?;
        let cond = self.registry_where(kind, filter)?;
        let cube = self.registry_cube(&*self.reader()?, &cond)?;
        let mut groups: [std::collections::BTreeMap<&str, i64>; 4] = Default::default();
        let mut out = RegistryFacets::default();
        for (place, industry, tier, status, n) in &cube {
            for (g, v) in groups.iter_mut().zip([place, industry, tier, status]) {
                *g.entry(v.as_str()).or_insert(0) += n;
            }
            out.total += n;
        }
        let [p, i, t, s] = groups.map(|g| g.into_iter().map(|(v, n)| (v.to_string(), n)).collect::<Vec<_>>());
        (out.by_place, out.by_industry, out.by_tier, out.by_status) = (p, i, t, s);
        Ok(out)
    }

    /// One entry with its history, tier history, links and batches.
    pub fn registry_entry(&self, kind: &str, region: &str, key: &str) -> Result<Option<RegistryEntryDetail>> {
        let kind = self.registry_kind(kind)?;
        let r = self.reader()?;
        let Some(entry) = r
            .query_row(
                &format!("SELECT {ENTRY_COLUMNS} FROM registry_entries WHERE kind = ?1 AND region = ?2 AND key = ?3"),
                params![kind.id, region, key],
                entry_row,
            )
            .optional()?
        else {
            return Ok(None);
        };
        let json_of = |s: Option<String>| s.and_then(|t| serde_json::from_str(&t).ok());
        let history = r.query_map(
            "SELECT old_value, new_value, who, changed_at, import_id FROM registry_entry_history
             WHERE entry_id = ?1 ORDER BY id",
            params![entry.id],
            |r| {
                Ok(EntryChange {
                    old: json_of(r.get(0)?),
                    new: json_of(r.get(1)?),
                    who: r.get(2)?,
                    changed_at: r.get(3)?,
                    import_id: r.get(4)?,
                })
            },
        )?;
        let tiers = r.query_map(
            "SELECT tier, rung, gained, lost, source FROM registry_tiers WHERE entry_id = ?1 ORDER BY gained, id",
            params![entry.id],
            |r| {
                Ok(TierRecord {
                    tier: r.get(0)?,
                    rung: r.get(1)?,
                    gained: r.get(2)?,
                    lost: r.get(3)?,
                    source: r.get(4)?,
                })
            },
        )?;
        let links = r.query_map(
            "SELECT document_id, item_key, created_by, created_at FROM registry_links WHERE entry_id = ?1 ORDER BY id",
            params![entry.id],
            |r| {
                Ok(EntryLink {
                    document_id: r.get(0)?,
                    item_key: r.get(1)?,
                    created_by: r.get(2)?,
                    created_at: r.get(3)?,
                })
            },
        )?;
        let batches = r.query_map(
            "SELECT b.number FROM registry_batch_members m JOIN registry_batches b ON b.id = m.batch_id
             WHERE m.entry_id = ?1 ORDER BY b.number",
            params![entry.id],
            |r| r.get(0),
        )?;
        Ok(Some(RegistryEntryDetail { entry, history, tiers, links, batches }))
    }

    /// Moves entries one status step (`from` → `to`), each authorised by `allowed`; `keys`
    /// empty means every entry in `from` the actor may move. Refused whole when a named key
    /// is unknown, in another state, or not the actor's.
    #[allow(clippy::too_many_arguments)]
    fn registry_step(
        &self,
        actor: &Actor,
        kind: &Kind,
        region: &str,
        keys: &[String],
        from: &[EntryStatus],
        to: EntryStatus,
        action: &str,
        allowed: impl Fn(&str) -> Result<()>,
    ) -> Result<usize> {
        if keys.len() > MAX_KEYS {
            return Err(StoreError::Invalid(format!("一次至多处理 {MAX_KEYS} 个条目;全部处理请不列条目(--all)")));
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let candidates: Vec<(i64, String, String, String, String, String)> = tx.query_map(
            "SELECT id, key, place, status, industry, tier FROM registry_entries WHERE kind = ?1 AND region = ?2 ORDER BY key",
            params![kind.id, region],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
        let from_str: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let mut chosen = Vec::new();
        if keys.is_empty() {
            for c in &candidates {
                if from_str.contains(&c.3.as_str()) && allowed(&c.2).is_ok() {
                    chosen.push(c);
                }
            }
        } else {
            let by_key: HashMap<&str, &(i64, String, String, String, String, String)> =
                candidates.iter().map(|c| (c.1.as_str(), c)).collect();
            let mut bad = Vec::new();
            for k in keys {
                match by_key.get(k.trim()) {
                    None => bad.push(format!("{k}:不存在")),
                    Some(c) => {
                        allowed(&c.2)?;
                        if !from_str.contains(&c.3.as_str()) {
                            bad.push(format!("{k}:状态为{}", status_of(&c.3)?.label()));
                        } else {
                            chosen.push(c);
                        }
                    }
                }
            }
            if !bad.is_empty() {
                return Err(StoreError::Invalid(format!(
                    "{} 个条目无法{}:{}。未做任何更改",
                    bad.len(),
                    to.label(),
                    bad.iter().take(20).cloned().collect::<Vec<_>>().join(";")
                )));
            }
        }
        if chosen.is_empty() {
            return Ok(0);
        }
        let approve = to == EntryStatus::Approved;
        let in_from = candidates.iter().filter(|c| from_str.contains(&c.3.as_str())).count();
        if keys.is_empty() && chosen.len() == in_from {
            // Every entry in those states: two statements, not two per entry.
            let states = serde_json::to_string(&from_str).unwrap_or_else(|_| "[]".into());
            tx.execute(
                &format!(
                    "INSERT INTO registry_entry_history (entry_id, old_value, new_value, who, changed_at)
                     SELECT id, '{{\"status\":\"' || status || '\"}}', ?4, ?3, {NOW} FROM registry_entries
                     WHERE kind = ?1 AND region = ?2 AND status IN (SELECT value FROM json_each(?5))"
                ),
                params![kind.id, region, actor.login, json!({"status": to.as_str()}).to_string(), states],
            )?;
            tx.execute(
                &format!(
                    "UPDATE registry_entries SET status = ?3, updated_by = ?4, updated_at = {NOW},
                        approved_at = CASE WHEN ?6 = 1 THEN {NOW} ELSE approved_at END,
                        approved_by = CASE WHEN ?6 = 1 THEN ?4 ELSE approved_by END,
                        since = CASE WHEN ?6 = 1 AND since IS NULL THEN substr({NOW}, 1, 10) ELSE since END
                     WHERE kind = ?1 AND region = ?2 AND status IN (SELECT value FROM json_each(?5))"
                ),
                params![kind.id, region, to.as_str(), actor.login, states, approve],
            )?;
        } else {
            let mut set = tx.prepare(&format!(
                "UPDATE registry_entries SET status = ?2, updated_by = ?3, updated_at = {NOW},
                    approved_at = CASE WHEN ?4 = 1 THEN {NOW} ELSE approved_at END,
                    approved_by = CASE WHEN ?4 = 1 THEN ?3 ELSE approved_by END,
                    since = CASE WHEN ?4 = 1 AND since IS NULL THEN substr({NOW}, 1, 10) ELSE since END
                 WHERE id = ?1"
            ))?;
            let mut history = tx.prepare(&format!(
                "INSERT INTO registry_entry_history (entry_id, old_value, new_value, who, changed_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW})"
            ))?;
            for c in &chosen {
                set.execute(params![c.0, to.as_str(), actor.login, approve])?;
                history.execute(params![
                    c.0,
                    json!({"status": c.3}).to_string(),
                    json!({"status": to.as_str()}).to_string(),
                    actor.login
                ])?;
            }
        }
        let mut counts = CountDelta::default();
        for c in &chosen {
            let from = status_of(&c.3)?.as_str();
            counts.add(&c.2, &c.4, &c.5, from, -1);
            counts.add(&c.2, &c.4, &c.5, to.as_str(), 1);
        }
        counts.apply(&tx, &kind.id, region)?;
        let listed: Vec<&str> = chosen.iter().take(AUDIT_KEYS).map(|c| c.1.as_str()).collect();
        audit(
            &tx,
            actor,
            AuditEntry {
                action,
                object: format!("{}/{region}", kind.id),
                old: Some(json!({"status": from_str, "count": chosen.len(), "keys": listed})),
                new: Some(json!({"status": to.as_str(), "count": chosen.len()})),
                source: String::new(),
            },
        )?;
        crate::monitor::bump_monitor_rev(&tx, &[region])?;
        tx.commit()?;
        Ok(chosen.len())
    }

    /// Submits draft entries for approval: a district editor its own unit's, others any.
    /// `keys` empty: every draft entry the actor may submit. Returns how many moved.
    pub fn submit_registry(&self, actor: &Actor, kind: &str, region: &str, keys: &[String]) -> Result<usize> {
        let kind = self.registry_kind(kind)?;
        if actor.role == crate::Role::DepartmentEditor {
            authorize(actor, Action::SubmitRegistry { region, place: "" })?;
        }
        self.registry_step(
            actor,
            kind,
            region,
            keys,
            &[EntryStatus::Draft],
            EntryStatus::Submitted,
            "registry.submit",
            |place| authorize(actor, Action::SubmitRegistry { region, place }),
        )
    }

    /// Approves draft or submitted entries (analysts). `keys` empty: all of the region.
    pub fn approve_registry(&self, actor: &Actor, kind: &str, region: &str, keys: &[String]) -> Result<usize> {
        authorize(actor, Action::ReviewRegistry)?;
        let kind = self.registry_kind(kind)?;
        let n = self.registry_step(
            actor,
            kind,
            region,
            keys,
            &[EntryStatus::Draft, EntryStatus::Submitted],
            EntryStatus::Approved,
            "registry.approve",
            |_| Ok(()),
        )?;
        // The approved set changed: the indicators bound to its counts follow.
        if n > 0 {
            self.refresh_registry_values(actor, region, Some(&kind.id))?;
        }
        Ok(n)
    }

    /// Publishes the approved entries of a kind in a region as the next batch (第N批), frozen
    /// with their fields and the diff against the batch before. Refused when nothing is
    /// approved or nothing changed since the last batch.
    pub fn publish_registry_batch(&self, actor: &Actor, kind: &str, region: &str) -> Result<RegistryBatch> {
        authorize(actor, Action::ReviewRegistry)?;
        let kind = self.registry_kind(kind)?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let members: Vec<(i64, String, String, String)> = tx.query_map(
            "SELECT id, key, place, fields FROM registry_entries
             WHERE kind = ?1 AND region = ?2 AND status = 'approved' ORDER BY key",
            params![kind.id, region],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        if members.is_empty() {
            return Err(StoreError::Invalid(format!("{region}的{}没有已审核的条目:先审核再发布", kind.name)));
        }
        let last: Option<(i64, i64)> = tx
            .query_row(
                "SELECT id, number FROM registry_batches WHERE kind = ?1 AND region = ?2 ORDER BY number DESC LIMIT 1",
                params![kind.id, region],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let prev: Vec<(String, Map<String, Value>)> = match last {
            None => Vec::new(),
            Some((id, _)) => tx
                .query_map("SELECT key, fields FROM registry_batch_members WHERE batch_id = ?1", params![id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .into_iter()
                .map(|(k, f)| Ok((k, parse_fields(&f)?)))
                .collect::<Result<_>>()?,
        };
        let next: Vec<(String, Map<String, Value>)> =
            members.iter().map(|(_, k, _, f)| Ok((k.clone(), parse_fields(f)?))).collect::<Result<_>>()?;
        let diff = planwatch_registry::diff::diff(&prev, &next);
        if let Some((_, n)) = last {
            if diff.is_empty() {
                return Err(StoreError::Invalid(format!("与第{n}批相比没有变化:无需发布新批次")));
            }
        }
        let number = last.map(|(_, n)| n + 1).unwrap_or(1);
        let diff_json = serde_json::to_string(&diff).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let batch_id: i64 = tx.query_row(
            &format!(
                "INSERT INTO registry_batches (kind, region, number, published_at, published_by, members, diff)
                 VALUES (?1, ?2, ?3, {NOW}, ?4, ?5, ?6) RETURNING id"
            ),
            params![kind.id, region, number, actor.login, members.len() as i64, diff_json],
            |r| r.get(0),
        )?;
        {
            let mut add = tx.prepare(
                "INSERT INTO registry_batch_members (batch_id, entry_id, key, place, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (id, key, place, fields) in &members {
                add.execute(params![batch_id, *id, key, place, fields])?;
            }
        }
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "registry.publish",
                object: format!("{}/{region}/第{number}批", kind.id),
                old: last.map(|(_, n)| json!({"batch": n})),
                new: Some(json!({"batch": number, "members": members.len(), "added": diff.added.len(),
                    "removed": diff.removed.len(), "changed": diff.changed.len()})),
                source: String::new(),
            },
        )?;
        crate::monitor::bump_monitor_rev(&tx, &[region])?;
        let published_at: String =
            tx.query_row("SELECT published_at FROM registry_batches WHERE id = ?1", params![batch_id], |r| r.get(0))?;
        tx.commit()?;
        Ok(RegistryBatch {
            id: batch_id,
            kind: kind.id.clone(),
            region: region.to_string(),
            number,
            published_at,
            published_by: actor.login.clone(),
            members: members.len() as i64,
            diff,
        })
    }

    /// The published batches of a kind in a region, oldest first.
    pub fn registry_batches(&self, kind: &str, region: &str) -> Result<Vec<RegistryBatch>> {
        let kind = self.registry_kind(kind)?;
        let r = self.reader()?;
        r.query_map(
            "SELECT id, kind, region, number, published_at, published_by, members, diff FROM registry_batches
             WHERE kind = ?1 AND region = ?2 ORDER BY number",
            params![kind.id, region],
            |r| {
                let diff: String = r.get(7)?;
                Ok(RegistryBatch {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    region: r.get(2)?,
                    number: r.get(3)?,
                    published_at: r.get(4)?,
                    published_by: r.get(5)?,
                    members: r.get(6)?,
                    diff: serde_json::from_str(&diff).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            },
        )
    }

    /// Links an entry to a plan item it serves (`item_key` as the corrections name items:
    /// `industry/…`, `task/…`, `target/…`). Idempotent.
    pub fn link_registry_entry(
        &self,
        actor: &Actor,
        kind: &str,
        region: &str,
        key: &str,
        document_id: i64,
        item_key: &str,
    ) -> Result<()> {
        let kind = self.registry_kind(kind)?;
        let item_key = item_key.trim();
        if item_key.is_empty() || item_key.chars().count() > 200 {
            return Err(StoreError::Invalid("规划条目键应为 1 到 200 个字符(如 industry/人工智能)".into()));
        }
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let (entry_id, place): (i64, String) = tx
            .query_row(
                "SELECT id, place FROM registry_entries WHERE kind = ?1 AND region = ?2 AND key = ?3",
                params![kind.id, region, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("{}条目 {key}", kind.name)))?;
        authorize(actor, Action::WriteRegistry { region, place: &place })?;
        let doc: Option<i64> =
            tx.query_row("SELECT id FROM documents WHERE id = ?1", params![document_id], |r| r.get(0)).optional()?;
        if doc.is_none() {
            return Err(StoreError::NotFound(format!("plan {document_id}")));
        }
        let n = tx.execute(
            &format!(
                "INSERT INTO registry_links (entry_id, document_id, item_key, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW}) ON CONFLICT DO NOTHING"
            ),
            params![entry_id, document_id, item_key, actor.login],
        )?;
        if n > 0 {
            audit(
                &tx,
                actor,
                AuditEntry {
                    action: "registry.link",
                    object: format!("{}/{region}/{key}", kind.id),
                    old: None,
                    new: Some(json!({"plan": document_id, "item": item_key})),
                    source: String::new(),
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Binds an indicator to the count of a kind's approved entries matching `filters`
    /// (`field=value`, by field id or zh name), by place and quarter, in the indicator's
    /// region. Replaces an earlier binding of the indicator.
    pub fn bind_registry(
        &self,
        actor: &Actor,
        indicator_code: &str,
        kind: &str,
        filters: &[String],
    ) -> Result<RegistryBinding> {
        authorize(actor, Action::DefineIndicator)?;
        let kind = self.registry_kind(kind)?;
        if filters.len() > 8 || filters.iter().any(|f| f.chars().count() > 200) {
            return Err(StoreError::Invalid("筛选条件至多 8 个,每个至多 200 字".into()));
        }
        let filter: Vec<Filter> = filters
            .iter()
            .map(|f| Filter::parse(kind, f))
            .collect::<std::result::Result<_, _>>()
            .map_err(StoreError::Invalid)?;
        let filter_json = serde_json::to_string(&filter).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut conn = self.writer()?;
        let tx = conn.transaction()?;
        let (indicator_id, region): (i64, String) = tx
            .query_row("SELECT id, region FROM indicators WHERE code = ?1", params![indicator_code], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("indicator {indicator_code}")))?;
        let old: Option<(String, String)> = tx
            .query_row(
                "SELECT kind, filter FROM registry_bindings WHERE indicator_id = ?1",
                params![indicator_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        tx.execute(
            &format!(
                "INSERT INTO registry_bindings (indicator_id, kind, filter, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, {NOW})
                 ON CONFLICT (indicator_id) DO UPDATE SET kind = excluded.kind, filter = excluded.filter,
                    created_by = excluded.created_by, created_at = excluded.created_at"
            ),
            params![indicator_id, kind.id, filter_json, actor.login],
        )?;
        audit(
            &tx,
            actor,
            AuditEntry {
                action: "registry.bind",
                object: format!("indicator {indicator_code}"),
                old: old.map(
                    |(k, f)| json!({"kind": k, "filter": serde_json::from_str::<Value>(&f).unwrap_or(Value::Null)}),
                ),
                new: Some(json!({"kind": kind.id, "filter": filter})),
                source: String::new(),
            },
        )?;
        crate::monitor::bump_monitor_rev(&tx, &[region.as_str()])?;
        tx.commit()?;
        // The writer is free again before the counts are written (their import takes it).
        drop(conn);
        self.refresh_registry_values(actor, &region, Some(&kind.id))?;
        self.registry_bindings()?
            .into_iter()
            .find(|b| b.indicator_id == indicator_id)
            .ok_or_else(|| StoreError::NotFound(format!("binding of {indicator_code}")))
    }

    /// Every binding of an indicator to a registry count.
    pub fn registry_bindings(&self) -> Result<Vec<RegistryBinding>> {
        let r = self.reader()?;
        r.query_map(
            "SELECT b.id, b.indicator_id, i.code, i.region, b.kind, b.filter, b.created_by, b.created_at
             FROM registry_bindings b JOIN indicators i ON i.id = b.indicator_id ORDER BY i.code",
            params![],
            |r| {
                let filter: String = r.get(5)?;
                Ok(RegistryBinding {
                    id: r.get(0)?,
                    indicator_id: r.get(1)?,
                    indicator_code: r.get(2)?,
                    region: r.get(3)?,
                    kind: r.get(4)?,
                    filter: serde_json::from_str(&filter).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    created_by: r.get(6)?,
                    created_at: r.get(7)?,
                })
            },
        )
    }

    /// The approved entries of a tiered kind in a region (all regions when empty) with their
    /// place, industry and tier spans, keys in order: what the tiered-cultivation funnel
    /// reads. Empty for a kind without tiers.
    pub fn registry_tier_histories(&self, kind: &str, region: &str) -> Result<Vec<TierHistory>> {
        let kind = self.registry_kind(kind)?;
        if kind.tier.is_none() {
            return Ok(Vec::new());
        }
        let r = self.reader()?;
        let mut ids: HashMap<i64, usize> = HashMap::new();
        let mut out: Vec<TierHistory> = Vec::new();
        r.for_each(
            "SELECT id, key, place, industry FROM registry_entries
             WHERE kind = ?1 AND (?2 = '' OR region = ?2) AND status = 'approved' ORDER BY key",
            params![kind.id, region],
            |row| {
                ids.insert(row.get(0)?, out.len());
                out.push(TierHistory {
                    key: row.get(1)?,
                    place: row.get(2)?,
                    industry: row.get(3)?,
                    tiers: Vec::new(),
                });
                Ok(())
            },
        )?;
        r.for_each(
            "SELECT t.entry_id, t.rung, t.gained, t.lost FROM registry_tiers t
             JOIN registry_entries e ON e.id = t.entry_id
             WHERE e.kind = ?1 AND (?2 = '' OR e.region = ?2) AND e.status = 'approved' ORDER BY t.id",
            params![kind.id, region],
            |row| {
                if let Some(&k) = ids.get(&row.get::<_, i64>(0)?) {
                    let rung: i64 = row.get(1)?;
                    out[k].tiers.push(TierSpan { rung: rung.max(0) as usize, gained: row.get(2)?, lost: row.get(3)? });
                }
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// The approved entries of a kind in a region as counting needs them.
    fn counted_entries(&self, kind: &Kind, region: &str, with_fields: bool) -> Result<Vec<Counted>> {
        let r = self.reader()?;
        let mut ids: HashMap<i64, usize> = HashMap::new();
        let mut out: Vec<Counted> = Vec::new();
        r.for_each(
            "SELECT id, place, COALESCE(since, substr(approved_at, 1, 10)), fields FROM registry_entries
             WHERE kind = ?1 AND region = ?2 AND status = 'approved'",
            params![kind.id, region],
            |row| {
                ids.insert(row.get(0)?, out.len());
                let fields = if with_fields { parse_fields(&row.get::<_, String>(3)?)? } else { Map::new() };
                out.push(Counted { place: row.get(1)?, since: row.get(2)?, tiers: Vec::new(), fields });
                Ok(())
            },
        )?;
        if kind.tier.is_some() {
            r.for_each(
                "SELECT t.entry_id, t.rung, t.gained, t.lost FROM registry_tiers t
                 JOIN registry_entries e ON e.id = t.entry_id
                 WHERE e.kind = ?1 AND e.region = ?2 AND e.status = 'approved'",
                params![kind.id, region],
                |row| {
                    if let Some(&k) = ids.get(&row.get::<_, i64>(0)?) {
                        let rung: i64 = row.get(1)?;
                        out[k].tiers.push(TierSpan { rung: rung as usize, gained: row.get(2)?, lost: row.get(3)? });
                    }
                    Ok(())
                },
            )?;
        }
        Ok(out)
    }

    fn counts_of(&self, b: &RegistryBinding, entries: &[Counted], periods: &[Period]) -> Result<Vec<RegistryCount>> {
        let kind = self.registry_kind(&b.kind)?;
        let counts = planwatch_registry::counts::count(kind, entries, &b.filter, periods);
        let mut total = vec![0i64; periods.len()];
        let mut out: Vec<RegistryCount> = counts
            .into_iter()
            .map(|(place, period, count)| {
                if let Some(k) = periods.iter().position(|p| *p == period) {
                    total[k] += count;
                }
                RegistryCount { place, period, count }
            })
            .collect();
        out.extend(periods.iter().zip(total).map(|(p, count)| RegistryCount {
            place: b.region.clone(),
            period: *p,
            count,
        }));
        Ok(out)
    }

    /// A binding's counts at each period's end, per district and for the region itself (the
    /// sum), as observation-like values: approved entries only.
    pub fn registry_counts(&self, binding: &RegistryBinding, periods: &[Period]) -> Result<Vec<RegistryCount>> {
        let kind = self.registry_kind(&binding.kind)?;
        let plain = binding.filter.iter().any(|f| Some(&f.field) != kind.tier.as_ref());
        let entries = self.counted_entries(kind, &binding.region, plain)?;
        self.counts_of(binding, &entries, periods)
    }

    /// Counts of a kind's approved entries matching `filters` (`field=value`) by place at each
    /// period's end, without a binding (lists and maps); the region's sum last.
    pub fn registry_counts_for(
        &self,
        kind: &str,
        region: &str,
        filters: &[String],
        periods: &[Period],
    ) -> Result<Vec<RegistryCount>> {
        let k = self.registry_kind(kind)?;
        if filters.len() > 8 || filters.iter().any(|f| f.chars().count() > 200) {
            return Err(StoreError::Invalid("筛选条件至多 8 个,每个至多 200 字".into()));
        }
        let filter: Vec<Filter> = filters
            .iter()
            .map(|f| Filter::parse(k, f))
            .collect::<std::result::Result<_, _>>()
            .map_err(StoreError::Invalid)?;
        let binding = RegistryBinding {
            id: 0,
            indicator_id: 0,
            indicator_code: String::new(),
            region: region.to_string(),
            kind: k.id.clone(),
            filter,
            created_by: String::new(),
            created_at: String::new(),
        };
        self.registry_counts(&binding, periods)
    }

    /// The tiered-cultivation funnel of a kind with a tier (企业) in a region, or one of its
    /// districts: approved entries at each rung at each period's end, and those that entered,
    /// were promoted or lost a rung during it.
    pub fn registry_funnel(
        &self,
        kind: &str,
        region: &str,
        place: Option<&str>,
        periods: &[Period],
    ) -> Result<Vec<planwatch_registry::counts::FunnelRow>> {
        let k = self.registry_kind(kind)?;
        if k.tier.is_none() {
            return Err(StoreError::Invalid(format!("{}没有梯度层级", k.name)));
        }
        let mut entries = self.counted_entries(k, region, false)?;
        if let Some(place) = place {
            let place =
                self.dicts().place_in(place, region).map(|p| p.name.clone()).unwrap_or_else(|| place.to_string());
            entries.retain(|e| e.place == place);
        }
        Ok(planwatch_registry::counts::funnel(k, &entries, periods))
    }

    /// The counts of every binding: each (kind, region) is read once.
    pub fn all_registry_counts(&self, periods: &[Period]) -> Result<Vec<(RegistryBinding, Vec<RegistryCount>)>> {
        let bindings = self.registry_bindings()?;
        let mut cache: HashMap<(String, String), Vec<Counted>> = HashMap::new();
        let mut out = Vec::with_capacity(bindings.len());
        for b in bindings {
            let key = (b.kind.clone(), b.region.clone());
            if !cache.contains_key(&key) {
                let kind = self.registry_kind(&b.kind)?;
                cache.insert(key.clone(), self.counted_entries(kind, &b.region, true)?);
            }
            let counts = self.counts_of(&b, &cache[&key], periods)?;
            out.push((b, counts));
        }
        Ok(out)
    }
}

/// What loading the synthetic registry did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistrySampleReport {
    pub region: String,
    /// Sheets imported (unchanged ones included).
    pub imports: usize,
    /// Entries of the region by kind after loading.
    pub entries: Vec<(String, i64)>,
    /// Batches published: kind and number.
    pub batches: Vec<(String, i64)>,
    /// Resources linked to the plan sentence of their platform.
    pub links: usize,
}

/// The sentence around a span of the source text: from the last 。/newline before it to the
/// next 。 after it (at most 200 characters).
fn sentence_around(text: &str, span: [usize; 2]) -> String {
    let (s, e) = (span[0].min(text.len()), span[1].min(text.len()));
    if s >= e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
        return String::new();
    }
    let start = text[..s]
        .rfind(['。', '\n', ';', ';'])
        .map(|i| i + text[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let end = text[e..]
        .find(['。', '\n'])
        .map(|i| e + i + text[e + i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(text.len());
    text[start..end].trim().chars().take(200).collect()
}

impl Store {
    /// Loads the synthetic registry (合成示例数据, [`planwatch_registry::sample`]) of a region
    /// through the ordinary import, approval and publishing calls (so it is audited like any
    /// other): ~300 enterprises over 8 quarters ending `last_quarter`, scenarios, technology
    /// demands, innovation resources seeded from the platforms the region's plans name (each
    /// linked to its plan item and carrying its sentence), batch 1 and a batch 2 with changes.
    /// A region that already has synthetic entries is left as it is (running it again
    /// changes nothing: its quarterly sheets would replay the tier history).
    pub fn load_registry_sample(
        &self,
        actor: &Actor,
        region: &str,
        seed: u64,
        last_quarter: Period,
    ) -> Result<RegistrySampleReport> {
        authorize(actor, Action::ReviewRegistry)?;
        self.check_region(region)?;
        let mut report = RegistrySampleReport { region: region.to_string(), ..Default::default() };
        let loaded: i64 = self.reader()?.query_row(
            "SELECT COUNT(*) FROM registry_entries WHERE region = ?1 AND synthetic = 1",
            params![region],
            |r| r.get(0),
        )?;
        if loaded > 0 {
            report.entries = self.registry_kind_counts(region)?;
            return Ok(report);
        }
        let districts: Vec<(String, String)> = self
            .dicts()
            .units_within(region)
            .into_iter()
            .filter(|p| p.level == "county")
            .map(|p| (p.name.clone(), p.code.clone()))
            .collect();
        let industries = self.region_industries(region)?;
        // Platforms of the region's plans: name, sentence, plan, item key.
        let mut platforms: Vec<(String, String, i64, String)> = Vec::new();
        for plan in self.list_plans(crate::PlanOrder::default())?.into_iter().filter(|p| p.region == region) {
            let view = self.plan_view(plan.id)?;
            let text = self.source_text(view.version.id)?;
            for (p, r) in view.effective.plan.platforms.iter().zip(&view.effective.refs.platforms) {
                platforms.push((
                    p.name.clone(),
                    sentence_around(&text, p.span),
                    plan.id,
                    format!("platform/{}", r.key),
                ));
            }
        }
        let named: Vec<(String, String)> = platforms.iter().map(|(n, s, _, _)| (n.clone(), s.clone())).collect();
        let sample = planwatch_registry::sample::sample(&planwatch_registry::sample::SampleInput {
            region,
            districts: &districts,
            industries: &industries,
            platforms: &named,
            last_quarter,
            seed,
        });
        let opts = RegistryImportOptions { dry_run: false, synthetic: true };
        let mut kinds: Vec<&str> = Vec::new();
        let last = sample.rounds.len().saturating_sub(1);
        for (n, round) in sample.rounds.iter().enumerate() {
            for sheet in round {
                self.import_registry(sheet.kind, region, &sheet.file_name, &sheet.csv, &opts, actor).map_err(|e| {
                    match e {
                        RegistryImportError::Store(e) => e,
                        other => StoreError::Invalid(format!("合成示例数据未通过校验:{other}")),
                    }
                })?;
                report.imports += 1;
                if !kinds.contains(&sheet.kind) {
                    kinds.push(sheet.kind);
                }
            }
            if n == sample.first_batch_after || n == last {
                for kind in &kinds {
                    self.approve_registry(actor, kind, region, &[])?;
                    match self.publish_registry_batch(actor, kind, region) {
                        Ok(b) => report.batches.push((kind.to_string(), b.number)),
                        // Nothing changed since the last batch (or a second run): no batch.
                        Err(StoreError::Invalid(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        for (name, _, doc, item) in &platforms {
            if self.link_registry_entry(actor, "resource", region, name, *doc, item).is_ok() {
                report.links += 1;
            }
        }
        report.entries = self.registry_kind_counts(region)?;
        Ok(report)
    }

    /// How many entries of each kind a region has.
    pub fn registry_kind_counts(&self, region: &str) -> Result<Vec<(String, i64)>> {
        self.reader()?.query_map(
            "SELECT kind, COUNT(*) FROM registry_entries WHERE region = ?1 GROUP BY kind ORDER BY kind",
            params![region],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}

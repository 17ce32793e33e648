//! Reads of the store and the helpers that write derived rows and corrections.

use crate::db::{params, Db, OptionalExt, Row};
use planwatch_core::{Dictionaries, Plan};
use serde::Serialize;
use serde_json::Value;

use crate::corrections::{self, Correction, CorrectionOp, EffectivePlan, ItemKind, MetaCorrection, MetaField};
use crate::{CorrectionRequest, Result, Store, StoreError};

/// One row of the plan library.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub id: i64,
    pub title: String,
    pub doc_number: String,
    pub issuer: String,
    pub region: String,
    pub signed_date: String,
    pub published_date: String,
    pub period_start: Option<i32>,
    pub period_end: Option<i32>,
    pub n_targets: i64,
    pub n_tasks: i64,
    pub n_industries: i64,
    pub n_platforms: i64,
    pub n_corrected: i64,
    pub n_unmatched: i64,
    pub n_versions: i64,
    pub file_name: String,
    pub current_version: i64,
    pub updated_at: String,
    /// Increased with every change of the plan; pages cache on it.
    pub rev: i64,
}

const SUMMARY_COLUMNS: &str = "d.id, d.title, d.doc_number, d.issuer, d.region, d.signed_date, d.published_date,
    d.period_start, d.period_end, d.n_targets, d.n_tasks, d.n_industries, d.n_platforms, d.n_corrected,
    d.n_unmatched, (SELECT COUNT(*) FROM versions v WHERE v.document_id = d.id), d.file_name,
    d.current_version, d.updated_at, d.rev";

fn summary(r: &Row) -> crate::Result<PlanSummary> {
    Ok(PlanSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        doc_number: r.get(2)?,
        issuer: r.get(3)?,
        region: r.get(4)?,
        signed_date: r.get(5)?,
        published_date: r.get(6)?,
        period_start: r.get(7)?,
        period_end: r.get(8)?,
        n_targets: r.get(9)?,
        n_tasks: r.get(10)?,
        n_industries: r.get(11)?,
        n_platforms: r.get(12)?,
        n_corrected: r.get(13)?,
        n_unmatched: r.get(14)?,
        n_versions: r.get(15)?,
        file_name: r.get(16)?,
        current_version: r.get(17)?,
        updated_at: r.get(18)?,
        rev: r.get(19)?,
    })
}

/// One stored version of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionInfo {
    pub id: i64,
    pub document_id: i64,
    pub seq: i64,
    pub sha256: String,
    pub file_name: String,
    pub size: i64,
    pub format: String,
    pub encoding: String,
    pub extractor: String,
    pub ingested_at: String,
    pub current: bool,
}

/// A plan as the plan page shows it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub summary: PlanSummary,
    pub version: VersionInfo,
    pub effective: EffectivePlan,
}

/// A task one owner (department or place) leads or shares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerTask {
    pub plan_id: i64,
    /// The plan's current version (what `span` indexes).
    pub version_id: i64,
    pub plan_title: String,
    pub region: String,
    pub owner: String,
    pub written: String,
    pub role: String,
    pub item_key: String,
    pub section: String,
    pub task: String,
    pub span: [usize; 2],
    pub corrected: bool,
}

/// An owner with counts, for the department index. A department is a region (its plans')
/// and a canonical name: 市科技局 of 合肥市 and of 重庆市 are two rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerCount {
    pub region: String,
    /// The canonical name, or [`GENERIC_OWNERS`] for the group of generic owners.
    pub owner: String,
    pub n_lead: i64,
    pub n_responsible: i64,
    pub n_plans: i64,
    /// The group of generic owners (多部门, 各区县政府 …), not one department.
    pub generic: bool,
}

/// The one entry under which the department pages list generic owners (多部门, 各区县政府,
/// 各区(市)县政府 …: `extract::owners::is_generic_owner`), per region.
pub const GENERIC_OWNERS: &str = "各区县/多部门";

/// Which plans a list covers: those of one region, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionFilter<'a> {
    All,
    Only(&'a str),
}

impl<'a> RegionFilter<'a> {
    /// The region a page selected: `""` means every region.
    pub fn of_selected(region: &'a str) -> RegionFilter<'a> {
        if region.is_empty() {
            RegionFilter::All
        } else {
            RegionFilter::Only(region)
        }
    }

    pub fn admits(self, region: &str) -> bool {
        match self {
            RegionFilter::All => true,
            RegionFilter::Only(r) => r == region,
        }
    }

    /// The SQL parameters `(all, region)`, for `(?A = 1 OR d.region = ?B)`: a plan of no
    /// known region has region `''`, and `Only("")` lists those.
    pub(crate) fn params(self) -> (i64, &'a str) {
        match self {
            RegionFilter::All => (1, ""),
            RegionFilter::Only(r) => (0, r),
        }
    }
}

/// Something assigned to a place: an industry layout, a task, a platform.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceItem {
    pub plan_id: i64,
    /// The plan's current version (what `span` indexes).
    pub version_id: i64,
    pub plan_title: String,
    pub place: String,
    pub kind: String,
    pub label: String,
    pub detail: String,
    pub span: [usize; 2],
    pub corrected: bool,
}

/// The plans × industries matrix.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IndustryMatrix {
    pub plans: Vec<PlanSummary>,
    /// Industries, most frequent first.
    pub industries: Vec<(String, i64)>,
    /// `(plan_index, industry_index, segments)` of every cell that is set.
    pub cells: Vec<(usize, usize, String)>,
    /// Distinct industries of the plans, also those beyond the limit (pages say so).
    pub total_industries: i64,
}

/// What the search index needs of one document.
#[derive(Debug, Clone)]
pub struct SearchSource {
    pub plan_id: i64,
    pub version_id: i64,
    pub title: String,
    pub issuer: String,
    pub region: String,
    pub year: Option<i32>,
    pub text: String,
}

fn version(r: &Row) -> crate::Result<VersionInfo> {
    Ok(VersionInfo {
        id: r.get(0)?,
        document_id: r.get(1)?,
        seq: r.get(2)?,
        sha256: r.get(3)?,
        file_name: r.get(4)?,
        size: r.get(5)?,
        format: r.get(6)?,
        encoding: r.get(7)?,
        extractor: r.get(8)?,
        ingested_at: r.get(9)?,
        current: r.get(10)?,
    })
}

const VERSION_COLUMNS: &str = "v.id, v.document_id, v.seq, v.sha256, v.file_name, v.size, v.format, v.encoding,
    v.extractor, v.ingested_at, (d.current_version = v.id)";

fn span(a: i64, b: i64) -> [usize; 2] {
    [a.max(0) as usize, b.max(0) as usize]
}

/// Sort orders of the plan library (a whitelist: never spliced from user input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlanOrder {
    #[default]
    Updated,
    Title,
    Issuer,
    Region,
    Signed,
    Published,
    Targets,
    Tasks,
}

impl PlanOrder {
    pub fn parse(s: &str) -> Option<PlanOrder> {
        Some(match s {
            "updated" => PlanOrder::Updated,
            "title" => PlanOrder::Title,
            "issuer" => PlanOrder::Issuer,
            "region" => PlanOrder::Region,
            "signed" => PlanOrder::Signed,
            "published" => PlanOrder::Published,
            "targets" => PlanOrder::Targets,
            "tasks" => PlanOrder::Tasks,
            _ => return None,
        })
    }

    fn sql(self) -> &'static str {
        match self {
            PlanOrder::Updated => "d.updated_at DESC, d.id DESC",
            PlanOrder::Title => "d.title, d.id",
            PlanOrder::Issuer => "d.issuer, d.id",
            PlanOrder::Region => "d.region, d.id",
            PlanOrder::Signed => "d.signed_date DESC, d.id",
            PlanOrder::Published => "d.published_date DESC, d.id",
            PlanOrder::Targets => "d.n_targets DESC, d.id",
            PlanOrder::Tasks => "d.n_tasks DESC, d.id",
        }
    }
}

impl Store {
    /// All plans (current versions), in `order`.
    pub fn list_plans(&self, order: PlanOrder) -> Result<Vec<PlanSummary>> {
        let r = self.reader()?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM documents d WHERE d.current_version IS NOT NULL ORDER BY {}",
            order.sql()
        );
        let mut st = r.prepare_cached(&sql)?;
        let rows = st.query_map([], summary)?;
        rows.collect::<crate::Result<_>>()
    }

    /// Number of plans stored.
    pub fn count_plans(&self) -> Result<i64> {
        let r = self.reader()?;
        r.query_row("SELECT COUNT(*) FROM documents WHERE current_version IS NOT NULL", params![], |r| r.get(0))
    }

    pub fn plan_summary(&self, id: i64) -> Result<PlanSummary> {
        let r = self.reader()?;
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM documents d WHERE d.id = ?1 AND d.current_version IS NOT NULL");
        let found = r.prepare_cached(&sql)?.query_row(params![id], summary).optional()?;
        found.ok_or_else(|| StoreError::NotFound(format!("plan {id}")))
    }

    /// The revision counter of a plan (cheap: for cache checks).
    pub fn plan_rev(&self, id: i64) -> Result<Option<i64>> {
        let r = self.reader()?;
        let rev = r
            .prepare_cached("SELECT rev FROM documents WHERE id = ?1 AND current_version IS NOT NULL")?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        Ok(rev)
    }

    /// The effective (corrected) current plan of a document.
    pub fn plan_view(&self, id: i64) -> Result<PlanView> {
        let r = self.reader()?;
        // One read transaction so summary, version and corrections agree.
        r.execute_batch("BEGIN")?;
        let out = (|| {
            let sql =
                format!("SELECT {SUMMARY_COLUMNS} FROM documents d WHERE d.id = ?1 AND d.current_version IS NOT NULL");
            let summary = r
                .query_row(&sql, params![id], summary)
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("plan {id}")))?;
            let (version, plan) = version_plan(&r, summary.current_version)?;
            let effective = effective_plan(&r, id, &plan, self.dicts())?;
            Ok(PlanView { summary, version, effective })
        })();
        r.execute_batch("COMMIT")?;
        out
    }

    /// The machine plan of one version, as extracted.
    pub fn machine_plan(&self, version_id: i64) -> Result<(VersionInfo, Plan)> {
        let r = self.reader()?;
        version_plan(&r, version_id)
    }

    pub fn versions(&self, document_id: i64) -> Result<Vec<VersionInfo>> {
        let r = self.reader()?;
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM versions v JOIN documents d ON d.id = v.document_id
             WHERE v.document_id = ?1 ORDER BY v.seq DESC"
        );
        let mut st = r.prepare_cached(&sql)?;
        let rows = st.query_map(params![document_id], version)?;
        rows.collect::<crate::Result<_>>()
    }

    /// The source text of a version (what spans index into).
    pub fn source_text(&self, version_id: i64) -> Result<String> {
        let r = self.reader()?;
        let text = r
            .prepare_cached("SELECT source_text FROM versions WHERE id = ?1")?
            .query_row(params![version_id], |r| r.get(0))
            .optional()?;
        text.ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))
    }

    /// The first `chars` characters of a version's source text (read by the database, not
    /// the whole text: a draft marker near the top, say).
    pub fn source_head(&self, version_id: i64, chars: usize) -> Result<String> {
        let r = self.reader()?;
        // The length is written into the statement (a number of ours): PostgreSQL's substr
        // takes an integer, and a bound parameter would be a bigint.
        let chars = chars.min(1 << 20);
        let text = r
            .prepare_cached(&format!("SELECT substr(source_text, 1, {chars}) FROM versions WHERE id = ?1"))?
            .query_row(params![version_id], |r| r.get(0))
            .optional()?;
        text.ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))
    }

    /// The original file of a version: name and bytes.
    pub fn original(&self, version_id: i64) -> Result<(String, Vec<u8>)> {
        let r = self.reader()?;
        r.query_row(
            "SELECT v.file_name, b.bytes FROM versions v JOIN blobs b ON b.sha256 = v.sha256 WHERE v.id = ?1",
            params![version_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))
    }

    pub fn corrections(&self, document_id: i64) -> Result<Vec<Correction>> {
        let r = self.reader()?;
        load_corrections(&r, document_id)
    }

    /// Departments (region, canonical name) and other owners of the plans `region` admits,
    /// with their task counts, most tasks first; generic owners (多部门, 各区县政府 …) counted
    /// together as one [`GENERIC_OWNERS`] entry per region, last.
    pub fn owners(&self, region: RegionFilter) -> Result<Vec<OwnerCount>> {
        let r = self.reader()?;
        let (all, only) = region.params();
        let mut st = r.prepare_cached(
            "SELECT d.region, o.owner, COUNT(CASE WHEN o.role = 'lead' THEN 1 END),
                    COUNT(CASE WHEN o.role <> 'lead' THEN 1 END), COUNT(DISTINCT o.document_id)
             FROM owner_tasks o JOIN documents d ON d.id = o.document_id
             WHERE (?1 = 1 OR d.region = ?2)
             GROUP BY d.region, o.owner",
        )?;
        let cues = &self.dicts().cues.owners;
        let mut out: Vec<OwnerCount> = Vec::new();
        // Generic owners of each region, summed into one entry.
        let mut generic: std::collections::BTreeMap<String, OwnerCount> = Default::default();
        let mut generic_names: Vec<String> = Vec::new();
        st.for_each(params![all, only], |row| {
            let c = OwnerCount {
                region: row.get(0)?,
                owner: row.get(1)?,
                n_lead: row.get(2)?,
                n_responsible: row.get(3)?,
                n_plans: row.get(4)?,
                generic: false,
            };
            if planwatch_core::extract::owners::is_generic_owner(&c.owner, cues) {
                if !generic_names.contains(&c.owner) {
                    generic_names.push(c.owner.clone());
                }
                let g = generic.entry(c.region.clone()).or_insert_with(|| OwnerCount {
                    region: c.region.clone(),
                    owner: GENERIC_OWNERS.to_string(),
                    n_lead: 0,
                    n_responsible: 0,
                    n_plans: 0,
                    generic: true,
                });
                g.n_lead += c.n_lead;
                g.n_responsible += c.n_responsible;
            } else {
                out.push(c);
            }
            Ok(())
        })?;
        if !generic.is_empty() {
            // The group's plans, each counted once however many generic owners it names.
            let names = serde_json::to_string(&generic_names).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let mut st = r.prepare_cached(
                "SELECT d.region, COUNT(DISTINCT o.document_id)
                 FROM owner_tasks o JOIN documents d ON d.id = o.document_id
                 WHERE (?1 = 1 OR d.region = ?2) AND o.owner IN (SELECT value FROM json_each(?3))
                 GROUP BY d.region",
            )?;
            st.for_each(params![all, only, names], |row| {
                let reg: String = row.get(0)?;
                if let Some(g) = generic.get_mut(&reg) {
                    g.n_plans = row.get(1)?;
                }
                Ok(())
            })?;
        }
        out.sort_by(|a, b| {
            (b.n_lead + b.n_responsible)
                .cmp(&(a.n_lead + a.n_responsible))
                .then_with(|| (&a.owner, &a.region).cmp(&(&b.owner, &b.region)))
        });
        out.extend(generic.into_values());
        Ok(out)
    }

    /// Every task an owner (canonical name, or [`GENERIC_OWNERS`] for every generic owner)
    /// leads or shares, in the plans `region` admits.
    pub fn owner_tasks(&self, owner: &str, region: RegionFilter) -> Result<Vec<OwnerTask>> {
        let r = self.reader()?;
        let generic = owner == GENERIC_OWNERS;
        let mut st = r.prepare_cached(
            "SELECT o.document_id, d.title, d.region, o.owner, o.written, o.role, o.item_key, o.section, o.task,
                    o.span_start, o.span_end, o.corrected, d.current_version
             FROM owner_tasks o JOIN documents d ON d.id = o.document_id
             WHERE (?1 = '' OR o.owner = ?1) AND (?2 = 1 OR d.region = ?3)
             ORDER BY d.region, d.title, o.rowid",
        )?;
        let cues = &self.dicts().cues.owners;
        let mut out = Vec::new();
        let (all, only) = region.params();
        st.for_each(params![if generic { "" } else { owner }, all, only], |r| {
            let owner: String = r.get(3)?;
            if generic != planwatch_core::extract::owners::is_generic_owner(&owner, cues) {
                return Ok(());
            }
            out.push(OwnerTask {
                plan_id: r.get(0)?,
                plan_title: r.get(1)?,
                region: r.get(2)?,
                owner,
                written: r.get(4)?,
                role: r.get(5)?,
                item_key: r.get(6)?,
                section: r.get(7)?,
                task: r.get(8)?,
                span: span(r.get(9)?, r.get(10)?),
                corrected: r.get(11)?,
                version_id: r.get(12)?,
            });
            Ok(())
        })?;
        Ok(out)
    }

    /// The regions of the stored plans with their numbers of plans, most plans first (for
    /// the region selectors).
    pub fn plan_regions(&self) -> Result<Vec<(String, i64)>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(
            "SELECT region, COUNT(*) FROM documents WHERE current_version IS NOT NULL AND region <> ''
             GROUP BY region ORDER BY COUNT(*) DESC, region",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<crate::Result<_>>()
    }

    /// Places with the number of items assigned to them in the plans `region` admits.
    pub fn places(&self, region: RegionFilter) -> Result<Vec<(String, i64, i64)>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(
            "SELECT p.place, COUNT(*), COUNT(DISTINCT p.document_id)
             FROM place_items p JOIN documents d ON d.id = p.document_id
             WHERE (?1 = 1 OR d.region = ?2) GROUP BY p.place
             ORDER BY COUNT(*) DESC, p.place",
        )?;
        let (all, only) = region.params();
        let rows = st.query_map(params![all, only], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<crate::Result<_>>()
    }

    /// Everything assigned to a place across all plans.
    pub fn place_items(&self, place: &str) -> Result<Vec<PlaceItem>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(
            "SELECT p.document_id, d.title, p.place, p.kind, p.label, p.detail, p.span_start, p.span_end, p.corrected,
                    d.current_version
             FROM place_items p JOIN documents d ON d.id = p.document_id
             WHERE p.place = ?1 ORDER BY p.kind, d.title, p.rowid",
        )?;
        let rows = st.query_map(params![place], |r| {
            Ok(PlaceItem {
                plan_id: r.get(0)?,
                plan_title: r.get(1)?,
                place: r.get(2)?,
                kind: r.get(3)?,
                label: r.get(4)?,
                detail: r.get(5)?,
                span: span(r.get(6)?, r.get(7)?),
                corrected: r.get(8)?,
                version_id: r.get(9)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }

    /// Plans × industries of the plans `region` admits, the `limit` most frequent industries.
    pub fn industry_matrix(&self, limit: usize, region: RegionFilter) -> Result<IndustryMatrix> {
        let mut plans = self.list_plans(PlanOrder::Region)?;
        plans.retain(|p| region.admits(&p.region));
        let r = self.reader()?;
        let mut st = r.prepare_cached(
            "SELECT i.industry, COUNT(DISTINCT i.document_id) AS n
             FROM plan_industries i JOIN documents d ON d.id = i.document_id
             WHERE (?2 = 1 OR d.region = ?3) GROUP BY i.industry
             ORDER BY n DESC, i.industry LIMIT ?1",
        )?;
        let (all, only) = region.params();
        let industries: Vec<(String, i64)> = st
            .query_map(params![limit as i64, all, only], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<crate::Result<_>>()?;
        let total_industries: i64 = r.query_row(
            "SELECT COUNT(DISTINCT i.industry) FROM plan_industries i JOIN documents d ON d.id = i.document_id
             WHERE (?1 = 1 OR d.region = ?2)",
            params![all, only],
            |r| r.get(0),
        )?;
        let plan_index: std::collections::HashMap<i64, usize> =
            plans.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let ind_index: std::collections::HashMap<&str, usize> =
            industries.iter().enumerate().map(|(i, (n, _))| (n.as_str(), i)).collect();
        let mut st = r.prepare_cached("SELECT document_id, industry, segments FROM plan_industries")?;
        let mut cells = Vec::new();
        st.for_each(params![], |row| {
            let (doc, ind, seg): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
            if let (Some(&p), Some(&i)) = (plan_index.get(&doc), ind_index.get(ind.as_str())) {
                cells.push((p, i, seg));
            }
            Ok(())
        })?;
        Ok(IndustryMatrix { plans, industries, cells, total_industries })
    }

    /// Documents changed after generation `since` (all when 0), for the search index.
    pub fn search_sources_since(&self, since: u64) -> Result<Vec<SearchSource>> {
        let r = self.reader()?;
        let mut st = r.prepare_cached(
            "SELECT d.id, v.id, d.title, d.issuer, d.region, d.period_start, d.signed_date, v.source_text
             FROM documents d JOIN versions v ON v.id = d.current_version
             WHERE d.changed_gen > ?1 ORDER BY d.id",
        )?;
        let rows = st.query_map(params![since as i64], |r| {
            let signed: String = r.get(6)?;
            let period: Option<i32> = r.get(5)?;
            Ok(SearchSource {
                plan_id: r.get(0)?,
                version_id: r.get(1)?,
                title: r.get(2)?,
                issuer: r.get(3)?,
                region: r.get(4)?,
                year: signed.get(..4).and_then(|y| y.parse().ok()).or(period),
                text: r.get(7)?,
            })
        })?;
        rows.collect::<crate::Result<_>>()
    }
}

fn version_plan(conn: &Db, version_id: i64) -> Result<(VersionInfo, Plan)> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS}, v.plan_json FROM versions v JOIN documents d ON d.id = v.document_id WHERE v.id = ?1"
    );
    let (info, json): (VersionInfo, String) = conn
        .prepare_cached(&sql)?
        .query_row(params![version_id], |r| Ok((version(r)?, r.get(11)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("version {version_id}")))?;
    let plan =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("plan of version {version_id}: {e}")))?;
    Ok((info, plan))
}

/// The effective plan of a document: `machine` with its item corrections, then its metadata
/// corrections, applied.
pub(crate) fn effective_plan(
    conn: &Db,
    document_id: i64,
    machine: &Plan,
    dicts: &Dictionaries,
) -> Result<EffectivePlan> {
    let mut eff = corrections::apply(machine, &load_corrections(conn, document_id)?, dicts);
    corrections::apply_meta(&mut eff, &load_meta_corrections(conn, document_id)?);
    Ok(eff)
}

/// The metadata corrections of a document, by field.
pub(crate) fn load_meta_corrections(conn: &Db, document_id: i64) -> Result<Vec<MetaCorrection>> {
    let mut st = conn.prepare_cached(
        "SELECT id, field, value, original, author, note, updated_at FROM meta_corrections
         WHERE document_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map(params![document_id], |r| {
        let field: String = r.get(1)?;
        Ok(MetaCorrection {
            id: r.get(0)?,
            field: MetaField::parse(&field)
                .ok_or_else(|| StoreError::Corrupt(format!("metadata correction field {field}")))?,
            value: r.get(2)?,
            original: r.get(3)?,
            author: r.get(4)?,
            note: r.get(5)?,
            updated_at: r.get(6)?,
        })
    })?;
    rows.collect()
}

pub(crate) fn load_corrections(conn: &Db, document_id: i64) -> Result<Vec<Correction>> {
    let mut st = conn.prepare_cached(
        "SELECT id, kind, op, item_key, patch_json, original_json, author, note, created_at
         FROM corrections WHERE document_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map(params![document_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, op, item_key, patch, original, author, note, created_at) = row?;
        let parse = |s: Option<String>| -> Result<Option<Value>> {
            s.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("correction {id}: {e}"))))
                .transpose()
        };
        out.push(Correction {
            id,
            kind: ItemKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("correction {id} kind {kind}")))?,
            op: CorrectionOp::parse(&op).ok_or_else(|| StoreError::Corrupt(format!("correction {id} op {op}")))?,
            item_key,
            patch: parse(patch)?,
            original: parse(original)?,
            author,
            note,
            created_at,
        });
    }
    Ok(out)
}

/// The outline path of a task or target as section titles ("三、重点任务 / (一) …").
fn section_label(plan: &Plan, path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    // Paths are marker chains like "三/(一)/1"; walk the outline in order, each marker
    // searched after the previous one and before the next heading of an outer level.
    let bare = |m: &str| m.trim_end_matches(['、', '.', '．', '﹒', '。', ' ']).to_string();
    let mut out = Vec::new();
    let mut from = 0usize;
    for (depth, marker) in path.split('/').enumerate() {
        let level = depth as u8 + 1;
        let found = plan.outline[from.min(plan.outline.len())..]
            .iter()
            .take_while(|o| o.level >= level)
            .position(|o| o.level == level && bare(&o.marker) == bare(marker));
        match found {
            Some(i) => {
                let o = &plan.outline[from + i];
                out.push(format!("{}{}", o.marker, o.title));
                from += i + 1;
            }
            None => out.push(marker.to_string()),
        }
    }
    out.join(" / ")
}

/// The section label shown for an item path.
pub fn section_of(plan: &Plan, path: &str) -> String {
    section_label(plan, path)
}

pub(crate) fn write_derived(tx: &Db, document_id: i64, eff: &EffectivePlan) -> Result<()> {
    let plan = &eff.plan;
    let m = &plan.meta;
    tx.execute(
        "UPDATE documents SET title = ?1, doc_number = ?2, issuer = ?3, region = ?4, signed_date = ?5,
            published_date = ?6, period_start = ?7, period_end = ?8, n_targets = ?9, n_tasks = ?10,
            n_industries = ?11, n_platforms = ?12, n_corrected = ?13, n_unmatched = ?14, rev = rev + 1,
            updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?15",
        params![
            m.title.clone().unwrap_or_else(|| plan.doc.clone()),
            m.doc_number.clone().unwrap_or_default(),
            m.issuer.clone().unwrap_or_default(),
            m.region.clone().unwrap_or_default(),
            m.signed_date.clone().unwrap_or_default(),
            m.published_date.clone().unwrap_or_default(),
            m.period_start,
            m.period_end,
            plan.targets.len() as i64,
            plan.tasks.len() as i64,
            plan.industries.len() as i64,
            plan.platforms.len() as i64,
            eff.corrected_count() as i64,
            eff.unmatched.len() as i64,
            document_id
        ],
    )?;
    for table in ["owner_tasks", "place_items", "plan_industries"] {
        tx.execute(&format!("DELETE FROM {table} WHERE document_id = ?1"), params![document_id])?;
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO owner_tasks (document_id, owner, written, role, item_key, section, task, span_start,
                                      span_end, corrected)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut place = tx.prepare_cached(
            "INSERT INTO place_items (document_id, place, kind, label, detail, span_start, span_end, corrected)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (task, r) in plan.tasks.iter().zip(&eff.refs.tasks) {
            let section = section_label(plan, &task.path);
            let label = if task.title.is_empty() { task.text.chars().take(60).collect() } else { task.title.clone() };
            for o in &task.owners {
                ins.execute(params![
                    document_id,
                    o.canonical,
                    o.name,
                    o.role,
                    r.key,
                    section,
                    label,
                    task.span[0] as i64,
                    task.span[1] as i64,
                    r.state.is_corrected()
                ])?;
                if is_place(&o.canonical) {
                    let role = if o.role == "lead" { "牵头" } else { "责任" };
                    place.execute(params![
                        document_id,
                        o.canonical,
                        "task",
                        label,
                        role,
                        task.span[0] as i64,
                        task.span[1] as i64,
                        r.state.is_corrected()
                    ])?;
                }
            }
        }
        for (d, r) in plan.districts.iter().zip(&eff.refs.districts) {
            let names = if d.canonical.is_empty() { &d.districts } else { &d.canonical };
            for p in names {
                place.execute(params![
                    document_id,
                    p,
                    "industry",
                    d.subject,
                    "",
                    d.span[0] as i64,
                    d.span[1] as i64,
                    r.state.is_corrected()
                ])?;
            }
        }
        for (p, r) in plan.platforms.iter().zip(&eff.refs.platforms) {
            // A platform belongs to a place when its name or subject names one.
            for d in plan.districts.iter().flat_map(|d| d.canonical.iter()).collect::<std::collections::BTreeSet<_>>() {
                let short = d.trim_end_matches(['区', '县', '市']);
                if short.chars().count() >= 2 && (p.name.contains(short) || p.subject.contains(short)) {
                    place.execute(params![
                        document_id,
                        d,
                        "platform",
                        p.name,
                        p.subject,
                        p.span[0] as i64,
                        p.span[1] as i64,
                        r.state.is_corrected()
                    ])?;
                }
            }
        }
        let mut ind = tx.prepare_cached(
            "INSERT INTO plan_industries (document_id, industry, grp, segments, span_start, span_end, corrected)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (i, r) in plan.industries.iter().zip(&eff.refs.industries) {
            ind.execute(params![
                document_id,
                i.name,
                i.group,
                i.segments.join("、"),
                i.span[0] as i64,
                i.span[1] as i64,
                r.state.is_corrected()
            ])?;
        }
    }
    Ok(())
}

/// Place-like canonical names (districts, counties, zones) as opposed to departments.
fn is_place(name: &str) -> bool {
    let last = name.chars().last();
    matches!(last, Some('区' | '县')) || name.ends_with("市") && !name.contains('局') && name.chars().count() <= 5
}

pub(crate) fn write_correction(
    tx: &Db,
    document_id: i64,
    kind: ItemKind,
    machine: &Plan,
    req: CorrectionRequest,
    author: &str,
    note: &str,
) -> Result<Option<i64>> {
    let machine_item = |key: &str| -> Option<Value> {
        let i = corrections::machine_keys(machine, kind).iter().position(|k| k == key)?;
        corrections::item_value(machine, kind, i)
    };
    let added_id = |key: &str| key.strip_prefix("added:").and_then(|s| s.parse::<i64>().ok());
    let insert =
        |op: CorrectionOp, key: Option<&str>, patch: Option<&Value>, original: Option<&Value>| -> Result<i64> {
            tx.query_row(
                "INSERT INTO corrections (document_id, kind, op, item_key, patch_json, original_json, author, note,
                                      created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                     strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) RETURNING id",
                params![
                    document_id,
                    kind.as_str(),
                    op.as_str(),
                    key,
                    patch.map(Value::to_string),
                    original.map(Value::to_string),
                    author,
                    note
                ],
                |r| r.get(0),
            )
        };
    let validate = |item: &Value| -> Result<()> {
        if corrections::is_item(kind, item) {
            Ok(())
        } else {
            Err(StoreError::Invalid(format!("the corrected {} is not a valid item: check its fields", kind.label())))
        }
    };
    match req {
        CorrectionRequest::Revert { correction_id } => {
            let n = tx.execute(
                "DELETE FROM corrections WHERE id = ?1 AND document_id = ?2",
                params![correction_id, document_id],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("correction {correction_id}")));
            }
            Ok(None)
        }
        CorrectionRequest::Add { item } => {
            validate(&item)?;
            Ok(Some(insert(CorrectionOp::Add, None, Some(&item), None)?))
        }
        CorrectionRequest::Edit { key, item } => {
            validate(&item)?;
            if let Some(cid) = added_id(&key) {
                let n = tx.execute(
                    "UPDATE corrections SET patch_json = ?1, author = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                     WHERE id = ?3 AND document_id = ?4 AND op = 'add'",
                    params![item.to_string(), author, cid, document_id],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound(format!("added item {key}")));
                }
                return Ok(Some(cid));
            }
            let original = machine_item(&key).ok_or_else(|| StoreError::NotFound(format!("{} {key}", kind.label())))?;
            // Store only the fields that differ from the machine item, so a newer extraction
            // still supplies the rest (spans, canonical names).
            let patch = corrections::diff_values(&original, &item);
            tx.execute(
                "DELETE FROM corrections WHERE document_id = ?1 AND kind = ?2 AND item_key = ?3 AND op = 'edit'",
                params![document_id, kind.as_str(), key],
            )?;
            if patch.as_object().is_some_and(|o| o.is_empty()) {
                return Ok(None);
            }
            Ok(Some(insert(CorrectionOp::Edit, Some(&key), Some(&patch), Some(&original))?))
        }
        CorrectionRequest::Delete { key } => {
            if let Some(cid) = added_id(&key) {
                let n = tx.execute(
                    "DELETE FROM corrections WHERE id = ?1 AND document_id = ?2 AND op = 'add'",
                    params![cid, document_id],
                )?;
                if n == 0 {
                    return Err(StoreError::NotFound(format!("added item {key}")));
                }
                return Ok(None);
            }
            let original = machine_item(&key).ok_or_else(|| StoreError::NotFound(format!("{} {key}", kind.label())))?;
            tx.execute(
                "DELETE FROM corrections WHERE document_id = ?1 AND kind = ?2 AND item_key = ?3",
                params![document_id, kind.as_str(), key],
            )?;
            Ok(Some(insert(CorrectionOp::Delete, Some(&key), None, Some(&original))?))
        }
    }
}

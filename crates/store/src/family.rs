//! The plan family (issue 18, item 1): the references each stored version makes to other
//! documents by title (table `plan_references`, migration 0012). They are written with the
//! version (ingest, re-extraction) and, for versions stored before the migration, when it is
//! applied; they are resolved to stored plans when read (`planwatch_app::family`), so a plan
//! ingested later resolves the references of earlier ones without re-ingest.

use planwatch_core::extract::references::normalize_title;
use planwatch_core::model::Reference;
use serde::Serialize;

use crate::db::{params, Db, Row};
use crate::{Result, Store};

/// The most reference rows a workspace-wide read returns (the overview is paginated above it).
pub const MAX_REFERENCE_ROWS: usize = 100_000;
/// The most characters of a citing sentence stored and shown with a reference (an ellipsis
/// marks the cut).
pub const SENTENCE_CHARS: usize = 160;

/// The citing sentence as stored and shown: the text of `span` in `text` without whitespace,
/// at most [`SENTENCE_CHARS`] characters and `…` when cut; empty when the span does not fit
/// the text.
pub fn sentence_text(text: &str, span: [usize; 2]) -> String {
    let s = text.get(span[0]..span[1]).unwrap_or_default();
    let mut out: String = s.split_whitespace().collect::<Vec<_>>().join("");
    if out.chars().count() > SENTENCE_CHARS {
        out = out.chars().take(SENTENCE_CHARS).collect::<String>() + "…";
    }
    out
}

/// One reference of the current version of a stored plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredReference {
    pub id: i64,
    pub document_id: i64,
    pub version_id: i64,
    /// As written, without `《》` and whitespace.
    pub title: String,
    /// The key it is matched by (`references::normalize_title`).
    pub title_norm: String,
    /// `basis` or `mention`.
    pub relation: String,
    /// `plan` or `law`.
    pub kind: String,
    pub span: [usize; 2],
    pub sentence: [usize; 2],
    /// The citing sentence ([`sentence_text`]), stored with the reference (migration 0015).
    pub sentence_text: String,
}

/// A stored plan as the family sees it: its summary columns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FamilyMember {
    pub id: i64,
    /// The plan's (corrected) title, or its file name when it has none (`has_title` false).
    pub title: String,
    pub has_title: bool,
    pub issuer: String,
    pub region: String,
    pub current_version: i64,
}

const REF_COLUMNS: &str = "r.id, r.document_id, r.version_id, r.title, r.title_norm, r.relation, r.kind, r.span_start,
    r.span_end, r.sentence_start, r.sentence_end, r.sentence_text";

fn reference(r: &Row) -> Result<StoredReference> {
    let n = |i: usize| -> Result<usize> { Ok(r.get::<_, i64>(i)?.max(0) as usize) };
    Ok(StoredReference {
        id: r.get(0)?,
        document_id: r.get(1)?,
        version_id: r.get(2)?,
        title: r.get(3)?,
        title_norm: r.get(4)?,
        relation: r.get(5)?,
        kind: r.get(6)?,
        span: [n(7)?, n(8)?],
        sentence: [n(9)?, n(10)?],
        sentence_text: r.get(11)?,
    })
}

/// Replaces the reference rows of a version by `refs` (inside the caller's transaction), each
/// with its citing sentence read from `text`, the version's source text.
pub(crate) fn write_references(
    tx: &Db,
    document_id: i64,
    version_id: i64,
    refs: &[Reference],
    text: &str,
) -> Result<()> {
    insert_references(tx, document_id, version_id, refs, Some(text))
}

/// Inserts the rows; without `text` in the columns of migration 0012 (its backfill runs
/// before 0015 adds `sentence_text`, which then fills them).
fn insert_references(tx: &Db, document_id: i64, version_id: i64, refs: &[Reference], text: Option<&str>) -> Result<()> {
    tx.execute("DELETE FROM plan_references WHERE version_id = ?1", params![version_id])?;
    let sql = if text.is_some() {
        "INSERT INTO plan_references (document_id, version_id, title, title_norm, relation, kind, span_start,
                                      span_end, sentence_start, sentence_end, sentence_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    } else {
        "INSERT INTO plan_references (document_id, version_id, title, title_norm, relation, kind, span_start,
                                      span_end, sentence_start, sentence_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    };
    let mut ins = tx.prepare_cached(sql)?;
    for r in refs {
        let relation = if r.relation == "basis" { "basis" } else { "mention" };
        let kind = if r.kind == "law" { "law" } else { "plan" };
        let title_norm = normalize_title(&r.title);
        let (a, b, c, d) = (r.span[0] as i64, r.span[1] as i64, r.sentence[0] as i64, r.sentence[1] as i64);
        match text {
            Some(text) => {
                let sentence = sentence_text(text, r.sentence);
                ins.execute(params![
                    document_id,
                    version_id,
                    r.title,
                    title_norm,
                    relation,
                    kind,
                    a,
                    b,
                    c,
                    d,
                    sentence
                ])?
            }
            None => ins.execute(params![document_id, version_id, r.title, title_norm, relation, kind, a, b, c, d])?,
        };
    }
    Ok(())
}

/// Fills `plan_references` for every stored version (migration 0012 on a store with
/// versions): each version's references are read from its stored source text.
pub(crate) fn backfill(tx: &Db) -> Result<()> {
    let versions: Vec<(i64, i64)> =
        tx.query_map("SELECT id, document_id FROM versions ORDER BY id", params![], |r| Ok((r.get(0)?, r.get(1)?)))?;
    for (version_id, document_id) in versions {
        let (format, source, plan_json): (String, String, String) = tx.query_row(
            "SELECT format, source_text, plan_json FROM versions WHERE id = ?1",
            params![version_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        // The own title comes from the stored plan; a plan that cannot be read has none.
        let own = serde_json::from_str::<planwatch_core::Plan>(&plan_json).ok().and_then(|p| p.meta.title);
        let refs = planwatch_core::extract::references::from_source(&source, format == "markdown", own.as_deref());
        insert_references(tx, document_id, version_id, &refs, None)?;
    }
    Ok(())
}

/// Fills `sentence_text` of the reference rows stored before migration 0015, reading each
/// version's source text once (inside the migration's transaction).
pub(crate) fn backfill_sentences(tx: &Db) -> Result<()> {
    let versions: Vec<i64> = tx.query_map(
        "SELECT DISTINCT version_id FROM plan_references WHERE sentence_text = '' ORDER BY version_id",
        params![],
        |r| r.get(0),
    )?;
    for version_id in versions {
        let text: String =
            tx.query_row("SELECT source_text FROM versions WHERE id = ?1", params![version_id], |r| r.get(0))?;
        let rows: Vec<(i64, i64, i64)> = tx.query_map(
            "SELECT id, sentence_start, sentence_end FROM plan_references WHERE version_id = ?1",
            params![version_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut up = tx.prepare_cached("UPDATE plan_references SET sentence_text = ?1 WHERE id = ?2")?;
        for (id, a, b) in rows {
            let sentence = sentence_text(&text, [a.max(0) as usize, b.max(0) as usize]);
            up.execute(params![sentence, id])?;
        }
    }
    Ok(())
}

impl Store {
    /// The references of the current version of a plan, in text order.
    pub fn plan_references(&self, document_id: i64) -> Result<Vec<StoredReference>> {
        let r = self.reader()?;
        r.query_map(
            &format!(
                "SELECT {REF_COLUMNS} FROM plan_references r JOIN documents d ON d.current_version = r.version_id
                 WHERE d.id = ?1 ORDER BY r.span_start, r.id"
            ),
            params![document_id],
            reference,
        )
    }

    /// The references of current versions whose normalised title is one of `titles` (an
    /// indexed look-up per title), other than those of `except`.
    pub fn references_to(&self, titles: &[String], except: i64) -> Result<Vec<StoredReference>> {
        let r = self.reader()?;
        let mut out = Vec::new();
        for t in titles {
            out.extend(r.query_map(
                &format!(
                    "SELECT {REF_COLUMNS} FROM plan_references r JOIN documents d ON d.current_version = r.version_id
                     WHERE r.title_norm = ?1 AND r.document_id <> ?2 ORDER BY r.document_id, r.span_start"
                ),
                params![t, except],
                reference,
            )?);
        }
        Ok(out)
    }

    /// Every reference of the current versions of all plans, at most [`MAX_REFERENCE_ROWS`]
    /// (the second value says whether more were left out). Without their sentences
    /// (`sentence_text` empty: up to 100 000 rows of 160 characters would be tens of
    /// megabytes): [`Store::reference_sentences`] reads those of the rows a page shows.
    pub fn all_references(&self) -> Result<(Vec<StoredReference>, bool)> {
        let r = self.reader()?;
        let columns = REF_COLUMNS.replace("r.sentence_text", "'' AS sentence_text");
        let mut rows = r.query_map(
            &format!(
                "SELECT {columns} FROM plan_references r JOIN documents d ON d.current_version = r.version_id
                 ORDER BY r.document_id, r.span_start, r.id LIMIT ?1"
            ),
            params![(MAX_REFERENCE_ROWS + 1) as i64],
            reference,
        )?;
        let more = rows.len() > MAX_REFERENCE_ROWS;
        rows.truncate(MAX_REFERENCE_ROWS);
        Ok((rows, more))
    }

    /// The citing sentences of the reference rows `ids` (unknown ids are left out).
    pub fn reference_sentences(&self, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>> {
        let r = self.reader()?;
        let mut out = std::collections::HashMap::new();
        // Ids are numbers of ours, written into the statement 500 at a time.
        for chunk in ids.chunks(500) {
            let list = chunk.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let rows: Vec<(i64, String)> = r.query_map(
                &format!("SELECT id, sentence_text FROM plan_references WHERE id IN ({list})"),
                params![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every stored plan with a current version, by id.
    pub fn family_members(&self) -> Result<Vec<FamilyMember>> {
        let r = self.reader()?;
        r.query_map(
            "SELECT d.id, d.title, d.doc_key, d.issuer, d.region, d.current_version,
                    EXISTS (SELECT 1 FROM meta_corrections m WHERE m.document_id = d.id AND m.field = 'title')
             FROM documents d WHERE d.current_version IS NOT NULL ORDER BY d.id",
            params![],
            |r| {
                let key: String = r.get(2)?;
                let corrected: bool = r.get(6)?;
                Ok(FamilyMember {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    // A title read from the text, or one an analyst set (meta_corrections).
                    has_title: key.starts_with("title:") || corrected,
                    issuer: r.get(3)?,
                    region: r.get(4)?,
                    current_version: r.get(5)?,
                })
            },
        )
    }
}

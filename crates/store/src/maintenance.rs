//! Backup, restore and integrity checks of a store.
//!
//! - A backup is `VACUUM INTO` a temporary file beside the target, then a rename: one read
//!   transaction, so the copy is the consistent state of one moment even while a server and
//!   other processes write; a crash leaves either no file or a whole one.
//! - A restore checks the backup first (integrity, schema version), then copies it into the
//!   live store with SQLite's backup API (the sanctioned way to replace a database other
//!   connections may have open) and moves the generation and monitoring revision past both
//!   the old and the restored values, so no cache or search index keyed on them can serve
//!   pre-restore content.
//! - A check runs SQLite's `integrity_check` and `foreign_key_check` and planwatch's own
//!   invariants (every version's original is stored, every document's current version
//!   exists, summary rows agree with versions).

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;

use crate::{migrate, Result, Store, StoreError};

/// What `planwatch check` found.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CheckReport {
    pub schema_version: i64,
    pub documents: i64,
    pub versions: i64,
    pub blobs: i64,
    pub indicators: i64,
    pub observations: i64,
    pub imports: i64,
    /// Problems found; empty when the store is sound.
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn count(conn: &Connection, table: &str) -> Result<i64> {
    // `table` is one of a fixed list below, never user input.
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Checks the database behind `conn`.
fn check_conn(conn: &Connection) -> Result<CheckReport> {
    let has_schema: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        [],
        |r| r.get(0),
    )?;
    let schema_version = if has_schema > 0 { migrate::version(conn)? } else { 0 };
    let mut report = CheckReport { schema_version, ..Default::default() };
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if lines != ["ok"] {
        report.problems.extend(lines.into_iter().take(20).map(|l| format!("SQLite integrity: {l}")));
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let fk: Vec<String> = stmt
        .query_map([], |r| {
            Ok(format!("{} row {} → {}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    report.problems.extend(fk.into_iter().take(20).map(|l| format!("dangling reference: {l}")));
    let known = migrate::SQLITE.last().map(|m| m.0).unwrap_or(0);
    if report.schema_version > known {
        report
            .problems
            .push(format!("schema version {} is newer than this planwatch ({known})", report.schema_version));
    }
    if report.schema_version == 0 {
        report.problems.push("not a planwatch store (no schema_migrations)".into());
        return Ok(report);
    }
    report.documents = count(conn, "documents")?;
    report.versions = count(conn, "versions")?;
    report.blobs = count(conn, "blobs")?;
    if report.schema_version >= 2 {
        report.indicators = count(conn, "indicators")?;
        report.observations = count(conn, "observations")?;
        report.imports = count(conn, "imports")?;
    }
    let missing_blobs: i64 = conn.query_row(
        "SELECT COUNT(*) FROM versions v LEFT JOIN blobs b ON b.sha256 = v.sha256 WHERE b.sha256 IS NULL",
        [],
        |r| r.get(0),
    )?;
    if missing_blobs > 0 {
        report.problems.push(format!("{missing_blobs} versions have no stored original"));
    }
    let bad_current: i64 = conn.query_row(
        "SELECT COUNT(*) FROM documents d WHERE d.current_version IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.id = d.current_version AND v.document_id = d.id)",
        [],
        |r| r.get(0),
    )?;
    if bad_current > 0 {
        report.problems.push(format!("{bad_current} documents point at a current version they do not have"));
    }
    if report.schema_version >= 3 {
        // The audit log is append-only by trigger: a store (or a backup about to be restored)
        // without them has been tampered with.
        let guards: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'
               AND name IN ('audit_log_no_update', 'audit_log_no_delete')",
            [],
            |r| r.get(0),
        )?;
        if guards != 2 {
            report.problems.push("the audit log's append-only triggers are missing".into());
        }
    }
    for key in ["generation", "monitor_rev"] {
        let v: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).ok();
        if report.schema_version >= 2 || key == "generation" {
            match v.as_deref().map(str::parse::<u64>) {
                Some(Ok(_)) => {}
                _ => report.problems.push(format!("meta.{key} is missing or not a number")),
            }
        }
    }
    Ok(report)
}

/// Checks a store file without opening it for writing (a backup, or a store in use).
pub fn check_file(path: &Path) -> Result<CheckReport> {
    if !path.is_file() {
        return Err(StoreError::NotFound(format!("{}", path.display())));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
    conn.busy_timeout(Duration::from_secs(15))?;
    match check_conn(&conn) {
        // A file that is not SQLite fails on its first read, not at open.
        Err(StoreError::Sqlite(e)) => Err(StoreError::Invalid(format!(
            "{} is not a readable planwatch store ({e}); give a file written by `planwatch backup`",
            path.display()
        ))),
        other => other,
    }
}

impl Store {
    /// Checks this store (see [`CheckReport`]).
    pub fn check(&self) -> Result<CheckReport> {
        let r = self.reader()?;
        check_conn(&r)
    }

    /// Writes a consistent copy of the store to `out` (which must not exist), while others
    /// may go on writing. Returns its size in bytes.
    pub fn backup(&self, out: &Path) -> Result<u64> {
        if out.exists() {
            return Err(StoreError::Invalid(format!("{} exists already: choose a new file name", out.display())));
        }
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "backup".into());
        let tmp = dir.join(format!(".{name}.partial"));
        let _ = std::fs::remove_file(&tmp);
        let tmp_text = tmp
            .to_str()
            .ok_or_else(|| StoreError::Invalid(format!("{}: use a path that is valid UTF-8", tmp.display())))?;
        {
            // A read-only reader's query_only would refuse VACUUM INTO; a plain connection
            // reads one snapshot and writes only the new file.
            let conn = Connection::open(self.path())
                .map_err(|source| StoreError::Open { path: self.path().display().to_string(), source })?;
            conn.busy_timeout(Duration::from_secs(15))?;
            conn.execute("VACUUM INTO ?1", params![tmp_text])?;
        }
        let report = check_file(&tmp)?;
        if !report.is_ok() {
            let _ = std::fs::remove_file(&tmp);
            return Err(StoreError::Corrupt(format!("the backup failed its check: {}", report.problems.join("; "))));
        }
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io_error(&tmp, e))?;
        std::fs::rename(&tmp, out).map_err(|e| io_error(out, e))?;
        Ok(std::fs::metadata(out).map(|m| m.len()).unwrap_or(0))
    }

    /// Replaces the content of this store by the backup at `from`, after checking it.
    /// Returns the check of the backup.
    pub fn restore(&self, actor: &crate::Actor, from: &Path) -> Result<CheckReport> {
        crate::access::authorize(actor, crate::Action::Maintenance)?;
        let report = check_file(from)?;
        if !report.is_ok() {
            return Err(StoreError::Invalid(format!(
                "{} is not a sound planwatch backup: {}",
                from.display(),
                report.problems.join("; ")
            )));
        }
        let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| StoreError::Open { path: from.display().to_string(), source })?;
        let mut dst = self.writer();
        let before = revision_pair(&dst)?;
        {
            use rusqlite::backup::StepResult;
            let backup = rusqlite::backup::Backup::new(&src, &mut dst)?;
            // All pages in one step: the destination never holds a mix of old and new pages
            // that another connection could read. Busy or locked: wait, up to 30 s.
            let mut waited = Duration::ZERO;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    StepResult::Busy | StepResult::Locked if waited < Duration::from_secs(30) => {
                        std::thread::sleep(Duration::from_millis(50));
                        waited += Duration::from_millis(50);
                    }
                    other => {
                        return Err(StoreError::Invalid(format!(
                            "the store stayed busy ({other:?}) for 30 s: stop other writers and try again"
                        )))
                    }
                }
            }
        }
        // The backup may be of an older schema: bring it up to date.
        migrate::migrate(&mut dst)?;
        let after = revision_pair(&dst)?;
        let tx = dst.transaction()?;
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'generation'",
            params![(before.0.max(after.0) + 1).to_string()],
        )?;
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'monitor_rev'",
            params![(before.1.max(after.1) + 1).to_string()],
        )?;
        // Sessions of the backup's time must not come back to life: everyone logs in again.
        tx.execute("DELETE FROM sessions", [])?;
        crate::access::audit(
            &tx,
            actor,
            crate::access::AuditEntry {
                action: "store.restore",
                object: "store".into(),
                old: Some(serde_json::json!({"generation": before.0, "monitor_rev": before.1})),
                new: Some(serde_json::json!({"backup": from.file_name().map(|f| f.to_string_lossy().to_string()),
                    "plans": report.documents})),
                source: from.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default(),
            },
        )?;
        tx.commit()?;
        Ok(report)
    }
}

fn revision_pair(conn: &Connection) -> Result<(u64, u64)> {
    let get = |key: &str| -> Result<u64> {
        let v: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0)).ok();
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    };
    Ok((get("generation")?, get("monitor_rev")?))
}

fn io_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Invalid(format!("{}: {e}", path.display()))
}

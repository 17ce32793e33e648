//! Backup, restore and integrity checks of a store.
//!
//! - A backup is `VACUUM INTO` a temporary file beside the target, then a rename: one read
//!   transaction, so the copy is the consistent state of one moment even while a server and
//!   other processes write; a crash leaves either no file or a whole one.
//! - A restore checks the backup first (integrity, schema version), brings a copy of it to
//!   the current schema, then replaces every row of the live store by its rows in one write
//!   transaction (other processes see the old store or the restored one, and none writes in
//!   between), and moves the generation, the monitoring revision and every plan's revision
//!   past both the old and the restored values, so no cache or search index keyed on them can
//!   serve pre-restore content; ids go on past every id either store gave (SQLite:
//!   AUTOINCREMENT, PostgreSQL: the identity sequences), so none is given twice.
//! - A check runs SQLite's `integrity_check` and `foreign_key_check` and planwatch's own
//!   invariants (every version's original is stored, every document's current version
//!   exists, summary rows agree with versions).
//! - On PostgreSQL, a backup is the same kind of file: a planwatch SQLite store, filled from
//!   one REPEATABLE READ snapshot of the server, table by table. A restore empties the
//!   server's tables and fills them from such a file in one transaction, as on SQLite (so an
//!   office's SQLite store moves to a shared server by `backup` there and `restore` here). The checks are
//!   planwatch's own invariants; PostgreSQL enforces references itself.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::db::{params, Backend, Db, Kind, OptionalExt, Param, Value};
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

fn table_exists(conn: &Db, table: &str) -> Result<bool> {
    let sql = match conn.backend() {
        Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        Backend::Postgres => "SELECT COUNT(*) FROM (SELECT to_regclass(?1) AS t) x WHERE t IS NOT NULL",
    };
    Ok(conn.query_row(sql, params![table], |r| r.get::<_, i64>(0))? > 0)
}

fn count(conn: &Db, table: &str) -> Result<i64> {
    // `table` is one of a fixed list below, never user input.
    conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), params![], |r| r.get(0))
}

/// Checks the database behind `conn`.
fn check_conn(conn: &Db) -> Result<CheckReport> {
    let has_schema = table_exists(conn, "schema_migrations")?;
    let schema_version = if has_schema { migrate::version(conn)? } else { 0 };
    let mut report = CheckReport { schema_version, ..Default::default() };
    if conn.backend() == Backend::Sqlite {
        let lines: Vec<String> = conn.query_map("PRAGMA integrity_check", params![], |r| r.get(0))?;
        if lines != ["ok"] {
            report.problems.extend(lines.into_iter().take(20).map(|l| format!("SQLite integrity: {l}")));
        }
        let fk: Vec<String> = conn.query_map("PRAGMA foreign_key_check", params![], |r| {
            Ok(format!("{} row {} → {}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })?;
        report.problems.extend(fk.into_iter().take(20).map(|l| format!("dangling reference: {l}")));
    }
    let known = migrate::migrations(conn.backend()).last().map(|m| m.0).unwrap_or(0);
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
        let sql = match conn.backend() {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'
                   AND name IN ('audit_log_no_update', 'audit_log_no_delete')"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM pg_trigger t
                 WHERE t.tgrelid = to_regclass('audit_log') AND t.tgenabled <> 'D'
                   AND t.tgname IN ('audit_log_no_update', 'audit_log_no_delete')"
            }
        };
        let guards: i64 = conn.query_row(sql, params![], |r| r.get(0))?;
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
    match check_conn(&Db::sqlite(conn)) {
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
    /// may go on writing. Returns its size in bytes. The copy is a planwatch SQLite store
    /// whichever backend this is.
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
        match self.path() {
            Some(path) => {
                // A read-only reader's query_only would refuse VACUUM INTO; a plain connection
                // reads one snapshot and writes only the new file.
                let conn = Connection::open(path)
                    .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
                conn.busy_timeout(Duration::from_secs(15))?;
                conn.execute("VACUUM INTO ?1", rusqlite::params![tmp_text])?;
            }
            None => {
                let copied = self.backup_server_to(&tmp);
                if let Err(e) = copied {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            }
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

    /// Copies one snapshot of the server into a new SQLite store at `file`.
    fn backup_server_to(&self, file: &Path) -> Result<()> {
        let target = Store::open(file, self.opts.clone())?;
        let mut dst = target.writer()?;
        let mut src = self.reader()?;
        let snapshot = src.read_transaction()?;
        let (src_version, dst_version) = (migrate::version(&snapshot)?, migrate::version(&dst)?);
        if src_version != dst_version {
            return Err(StoreError::NewerSchema { found: src_version, known: dst_version });
        }
        dst.as_sqlite()
            .ok_or_else(|| StoreError::Invalid("backup target is not SQLite".into()))?
            .execute_batch("PRAGMA foreign_keys = OFF")?;
        let tx = dst.transaction()?;
        copy_tables(&snapshot, &tx)?;
        tx.commit()?;
        Ok(())
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
        // Bring a copy of the backup to this planwatch's schema, then replace every row of
        // the store by its rows in one write transaction: other processes see the old store
        // or the restored one, never a mix, and none writes in between.
        let scratch = tempfile_beside(from)?;
        std::fs::copy(from, &scratch.0).map_err(|e| io_error(&scratch.0, e))?;
        let source = Store::open(&scratch.0, self.opts.clone())?;
        let src = source.reader()?;
        let mut dst = self.writer()?;
        let tx = dst.transaction()?;
        let before = revision_pair(&tx)?;
        // The bootstrap admin token stays closed once this store has had an admin, whatever
        // the backup says (issue 14).
        let bootstrap_closed: Option<String> = tx
            .query_row("SELECT value FROM meta WHERE key = 'bootstrap_closed'", params![], |r| r.get(0))
            .optional()?;
        let old_rev: i64 = tx.query_row("SELECT COALESCE(MAX(rev), 0) FROM documents", params![], |r| r.get(0))?;
        let tables = table_columns(&src)?;
        let names: Vec<&str> = tables.iter().map(|(t, _)| t.as_str()).collect();
        // Emptying the audit log is the one delete its triggers must let through: the
        // restored log replaces it, and the restore itself is logged below.
        match tx.backend() {
            Backend::Sqlite => {
                let guards: Vec<String> = tx.query_map(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'",
                    params![],
                    |r| r.get(0),
                )?;
                // References are checked at the commit, when every row is back.
                tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
                tx.execute_batch(
                    "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete",
                )?;
                for t in names.iter().rev() {
                    tx.execute_batch(&format!("DELETE FROM {t}"))?;
                }
                copy_tables(&src, &tx)?;
                for sql in guards {
                    tx.execute_batch(&sql)?;
                }
                // AUTOINCREMENT (migration 5): sqlite_sequence, which no delete lowers, still
                // holds the largest id the store ever gave; the restored rows raised it where
                // theirs are larger. So no id is given twice.
            }
            Backend::Postgres => {
                tx.execute_batch("ALTER TABLE audit_log DISABLE TRIGGER USER")?;
                // CONTINUE IDENTITY: the sequences keep the largest ids given so far.
                tx.execute_batch(&format!("TRUNCATE {} CONTINUE IDENTITY CASCADE", names.join(", ")))?;
                tx.execute_batch("ALTER TABLE audit_log ENABLE TRIGGER USER")?;
                copy_tables(&src, &tx)?;
                for (table, columns) in &tables {
                    if columns.iter().any(|c| c == "id") {
                        // Past both the ids given before and the restored ones.
                        tx.execute_batch(&format!(
                            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(
                                 COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{table}', 'id')::regclass), 0),
                                 COALESCE(MAX(id), 0), 1)) FROM {table}"
                        ))?;
                    }
                }
            }
        }
        drop(src);
        drop(source);
        let after = revision_pair(&tx)?;
        let generation = (before.0.max(after.0) + 1).to_string();
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'generation'", params![generation])?;
        // Search indexes of other processes (a shared server) built before this generation
        // hold documents the restore removed: they must rebuild, not catch up.
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('search_floor', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![generation],
        )?;
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'monitor_rev'",
            params![(before.1.max(after.1) + 1).to_string()],
        )?;
        // Plan pages are cached by (plan, revision): every restored revision goes past every
        // revision the store had, so no page of before the restore is taken for a restored one.
        tx.execute("UPDATE documents SET rev = rev + ?1", params![old_rev])?;
        // Sessions of the backup's time must not come back to life: everyone logs in again.
        tx.execute("DELETE FROM sessions", params![])?;
        if let Some(at) = bootstrap_closed {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('bootstrap_closed', ?1) ON CONFLICT (key) DO NOTHING",
                params![at],
            )?;
        }
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
        drop(dst);
        // Pooled readers may hold statements prepared against the old tables.
        let cleared = self.readers.lock().map(|mut pool| pool.drain(..).count()).unwrap_or(0);
        let mut open = self.open_readers.lock().unwrap_or_else(|e| e.into_inner());
        *open = open.saturating_sub(cleared);
        Ok(report)
    }
}

impl Store {
    /// SHA-256 over every row of every table of the store, in a fixed order: equal exactly
    /// when the two stores hold the same data (used to prove that a refused write changed
    /// nothing, on either backend).
    pub fn logical_fingerprint(&self) -> Result<String> {
        use sha2::Digest;
        let r = self.reader()?;
        let tables: Vec<String> = match r.backend() {
            Backend::Sqlite => r.query_map(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                params![],
                |r| r.get(0),
            )?,
            Backend::Postgres => r.query_map(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
                params![],
                |r| r.get(0),
            )?,
        };
        let mut hash = sha2::Sha256::new();
        for table in tables {
            let columns: Vec<String> = match r.backend() {
                Backend::Sqlite => r.query_map(
                    &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
                    params![],
                    |r| r.get(0),
                )?,
                Backend::Postgres => r.query_map(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = ?1 AND column_name <> 'rowid'
                     ORDER BY ordinal_position",
                    params![table],
                    |r| r.get(0),
                )?,
            };
            let order: Vec<String> = (1..=columns.len()).map(|i| i.to_string()).collect();
            hash.update(format!("{table}({})", columns.join(",")).as_bytes());
            r.for_each(
                &format!("SELECT {} FROM {table} ORDER BY {}", columns.join(", "), order.join(", ")),
                params![],
                |row| {
                    for i in 0..columns.len() {
                        hash.update(format!("{:?}|", row.get::<_, Value>(i)?).as_bytes());
                    }
                    hash.update(b"\n");
                    Ok(())
                },
            )?;
        }
        Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

/// A path for a scratch copy next to the system's temporary files, removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

fn tempfile_beside(from: &Path) -> Result<Scratch> {
    let name = from.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    Ok(Scratch(std::env::temp_dir().join(format!("planwatch-restore-{}-{nanos}-{name}", std::process::id()))))
}

/// The tables of a planwatch store and their columns, parents before the tables that refer
/// to them (PostgreSQL checks every reference as a row is copied), read from an SQLite store.
fn table_columns(sqlite: &Db) -> Result<Vec<(String, Vec<String>)>> {
    let mut names: Vec<String> = sqlite.query_map(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name <> 'schema_migrations' ORDER BY rowid",
        params![],
        |r| r.get(0),
    )?;
    // Creation order is not enough: migration 4 made tables anew, after their children.
    let mut parents: Vec<(String, Vec<String>)> = Vec::new();
    for name in &names {
        let refs: Vec<String> = sqlite.query_map(
            &format!("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{name}')"),
            params![],
            |r| r.get(0),
        )?;
        parents.push((name.clone(), refs.into_iter().filter(|p| p != name).collect()));
    }
    let mut ordered: Vec<String> = Vec::with_capacity(names.len());
    while !names.is_empty() {
        let ready = names.iter().position(|n| {
            parents.iter().find(|(t, _)| t == n).is_none_or(|(_, ps)| ps.iter().all(|p| ordered.contains(p)))
        });
        // A cycle of references (none in planwatch's schema) falls back to creation order.
        ordered.push(names.remove(ready.unwrap_or(0)));
    }
    let names = ordered;
    let mut out = Vec::new();
    for name in names {
        // `name` comes from the schema, not from input.
        let columns: Vec<String> = sqlite.query_map(
            &format!("SELECT name FROM pragma_table_info('{name}') ORDER BY cid"),
            params![],
            |r| r.get(0),
        )?;
        out.push((name, columns));
    }
    Ok(out)
}

/// The column of a table to page by (a unique, ordered key), if it has one.
fn page_key(table: &str, columns: &[String]) -> Option<&'static str> {
    if columns.iter().any(|c| c == "id") {
        return Some("id");
    }
    match table {
        "owner_tasks" | "place_items" | "plan_industries" => Some("rowid"),
        "blobs" => Some("sha256"),
        "meta" => Some("key"),
        "sessions" => Some("id_hash"),
        "login_throttle" => Some("address"),
        _ => None,
    }
}

/// Copies every row of every planwatch table from `src` to `dst` (both in transactions;
/// `dst` empty but for the rows its migrations seed, which are replaced). Rows are read in
/// pages of 500 by their key, so memory stays bounded by a page.
fn copy_tables(src: &Db, dst: &Db) -> Result<()> {
    let schema = match (src.backend(), dst.backend()) {
        (Backend::Sqlite, _) => table_columns(src)?,
        (_, Backend::Sqlite) => table_columns(dst)?,
        _ => return Err(StoreError::Invalid("copying between two servers is not supported".into())),
    };
    dst.execute("DELETE FROM meta", params![])?;
    for (table, columns) in &schema {
        let kinds = column_kinds(dst, table, columns)?;
        let list = columns.join(", ");
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", placeholders.join(", "));
        // Tables with a unique key are read in pages of PAGE rows after the last key seen
        // (the key is selected once more at the end of each row); the rest in one read.
        const PAGE: usize = 500;
        let key = page_key(table, columns);
        let (first, next) = match key {
            Some(k) => (
                format!("SELECT {list}, {k} FROM {table} ORDER BY {k} LIMIT {PAGE}"),
                format!("SELECT {list}, {k} FROM {table} WHERE {k} > ?1 ORDER BY {k} LIMIT {PAGE}"),
            ),
            None => (format!("SELECT {list} FROM {table}"), String::new()),
        };
        let width = columns.len() + usize::from(key.is_some());
        let read = |r: &crate::db::Row| (0..width).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<Value>>>();
        let mut rows = src.query_map(&first, params![], read)?;
        loop {
            for row in &rows {
                let params: Vec<Param> =
                    row.iter().take(columns.len()).zip(&kinds).map(|(v, k)| coerce(v, *k)).collect();
                let refs: Vec<&dyn crate::db::ToParam> = params.iter().map(|p| p as &dyn crate::db::ToParam).collect();
                dst.execute(&insert, &refs[..])?;
            }
            match rows.last().and_then(|last| last.last()) {
                Some(last) if key.is_some() && rows.len() == PAGE => {
                    rows = src.query_map(&next, params![last], read)?
                }
                _ => break,
            }
        }
    }
    Ok(())
}

/// The parameter kind of each column of `table` in `db`.
fn column_kinds(db: &Db, table: &str, columns: &[String]) -> Result<Vec<Kind>> {
    let types: Vec<(String, String)> = match db.backend() {
        Backend::Sqlite => {
            db.query_map(&format!("SELECT name, type FROM pragma_table_info('{table}')"), params![], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
        }
        Backend::Postgres => db.query_map(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_name = ?1 AND table_schema = current_schema()",
            params![table],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
    };
    Ok(columns
        .iter()
        .map(|c| {
            let ty = types.iter().find(|(n, _)| n == c).map(|(_, t)| t.to_ascii_lowercase()).unwrap_or_default();
            if ty.contains("int") {
                Kind::Int
            } else if ty.contains("real") || ty.contains("double") || ty.contains("float") {
                Kind::Real
            } else if ty.contains("blob") || ty.contains("bytea") {
                Kind::Blob
            } else {
                Kind::Text
            }
        })
        .collect())
}

/// `v` as a parameter for a column of `kind`.
fn coerce(v: &Value, kind: Kind) -> Param<'_> {
    match (v, kind) {
        (Value::Null, k) => Param::Null(k),
        (Value::Int(i), Kind::Real) => Param::Real(*i as f64),
        (other, _) => crate::db::ToParam::to_param(other),
    }
}

fn revision_pair(conn: &Db) -> Result<(u64, u64)> {
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

//! Versioned schema migrations. Each backend has its own SQL files with the same numbers and
//! names (`migrations/sqlite/`, `migrations/postgres/`): the same tables and columns, each
//! written in its engine's types. A migration is applied once, in order, in its own
//! transaction, and recorded in `schema_migrations`; a store written by a newer planwatch (a
//! version this binary does not know) is refused rather than guessed at.

use crate::db::{params, Backend, Db};
use crate::StoreError;

/// The migrations of the SQLite backend, in order: (version, name, SQL).
pub const SQLITE: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/sqlite/0001_init.sql")),
    (2, "monitor", include_str!("../migrations/sqlite/0002_monitor.sql")),
    (3, "access", include_str!("../migrations/sqlite/0003_access.sql")),
    (4, "login_hardening", include_str!("../migrations/sqlite/0004_login_hardening.sql")),
    (5, "ids", include_str!("../migrations/sqlite/0005_ids.sql")),
    (6, "ledger_indicators", include_str!("../migrations/sqlite/0006_ledger_indicators.sql")),
    (7, "rollup_rules", include_str!("../migrations/sqlite/0007_rollup_rules.sql")),
    (8, "increment_targets", include_str!("../migrations/sqlite/0008_increment_targets.sql")),
    (9, "reporting_calendar", include_str!("../migrations/sqlite/0009_reporting_calendar.sql")),
    (10, "registries", include_str!("../migrations/sqlite/0010_registries.sql")),
    (11, "taxonomy", include_str!("../migrations/sqlite/0011_taxonomy.sql")),
    (12, "plan_references", include_str!("../migrations/sqlite/0012_plan_references.sql")),
    (13, "registry_list", include_str!("../migrations/sqlite/0013_registry_list.sql")),
    (14, "review_marks", include_str!("../migrations/sqlite/0014_review_marks.sql")),
    (15, "meta_corrections", include_str!("../migrations/sqlite/0015_meta_corrections.sql")),
];

/// The migrations of the PostgreSQL backend: the same versions and names as [`SQLITE`].
pub const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
    (2, "monitor", include_str!("../migrations/postgres/0002_monitor.sql")),
    (3, "access", include_str!("../migrations/postgres/0003_access.sql")),
    (4, "login_hardening", include_str!("../migrations/postgres/0004_login_hardening.sql")),
    (5, "ids", include_str!("../migrations/postgres/0005_ids.sql")),
    (6, "ledger_indicators", include_str!("../migrations/postgres/0006_ledger_indicators.sql")),
    (7, "rollup_rules", include_str!("../migrations/postgres/0007_rollup_rules.sql")),
    (8, "increment_targets", include_str!("../migrations/postgres/0008_increment_targets.sql")),
    (9, "reporting_calendar", include_str!("../migrations/postgres/0009_reporting_calendar.sql")),
    (10, "registries", include_str!("../migrations/postgres/0010_registries.sql")),
    (11, "taxonomy", include_str!("../migrations/postgres/0011_taxonomy.sql")),
    (12, "plan_references", include_str!("../migrations/postgres/0012_plan_references.sql")),
    (13, "registry_list", include_str!("../migrations/postgres/0013_registry_list.sql")),
    (14, "review_marks", include_str!("../migrations/postgres/0014_review_marks.sql")),
    (15, "meta_corrections", include_str!("../migrations/postgres/0015_meta_corrections.sql")),
];

/// The migrations of `backend`.
pub fn migrations(backend: Backend) -> &'static [(i64, &'static str, &'static str)] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

/// Brings the schema of `conn` up to date.
pub fn migrate(conn: &mut Db) -> Result<(), StoreError> {
    migrate_to(conn, i64::MAX)
}

/// Applies the migrations up to and including `target` (tests make stores of an older
/// schema with it, to check what a later migration does to their rows).
pub fn migrate_to(conn: &mut Db, target: i64) -> Result<(), StoreError> {
    let all = migrations(conn.backend());
    migrate_with(conn, all, target)
}

/// Applies the migrations of `all` that `conn` lacks, up to and including `target`.
fn migrate_with(conn: &mut Db, all: &[(i64, &str, &str)], target: i64) -> Result<(), StoreError> {
    {
        // One migrating process at a time (the transaction takes the store's write lock).
        let tx = conn.transaction()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    BIGINT PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )?;
        tx.commit()?;
    }
    let sqlite = conn.backend() == Backend::Sqlite;
    loop {
        // SQLite rebuilds tables in some migrations (0005): enforcing references while a
        // table is dropped and made anew would fail or rewrite other tables' references, so
        // they are checked once, before the commit, instead. (The pragma is a no-op inside a
        // transaction, hence here.)
        if sqlite {
            conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
        let applied = migrate_one(conn, all, target);
        if sqlite {
            conn.execute_batch("PRAGMA foreign_keys = ON")?;
        }
        if !applied? {
            return Ok(());
        }
    }
}

/// Applies the next migration `conn` lacks (up to `target`), in one transaction; false when
/// there is none.
fn migrate_one(conn: &mut Db, all: &[(i64, &str, &str)], target: i64) -> Result<bool, StoreError> {
    {
        let tx = conn.transaction()?;
        let current = version(&tx)?;
        let known = all.last().map(|m| m.0).unwrap_or(0);
        if current > known {
            return Err(StoreError::NewerSchema { found: current, known });
        }
        let Some((version, name, sql)) = all.iter().find(|m| m.0 > current && m.0 <= target) else {
            return Ok(false);
        };
        tx.execute_batch(sql)?;
        if *name == "plan_references" {
            // The versions stored before get their references from their source text.
            crate::family::backfill(&tx)?;
        }
        if *name == "meta_corrections" {
            // The references stored before get their citing sentence from their source text.
            crate::family::backfill_sentences(&tx)?;
        }
        if tx.backend() == Backend::Sqlite {
            if *name == "ids" {
                autoincrement_ids(&tx)?;
            }
            let dangling: Vec<String> = tx.query_map("PRAGMA foreign_key_check", params![], |r| r.get(0))?;
            if !dangling.is_empty() {
                return Err(StoreError::Corrupt(format!(
                    "migration {version} ({name}) would leave dangling references in {}",
                    dangling.join(", ")
                )));
            }
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![version, name],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

/// Makes every SQLite table with an `id INTEGER PRIMARY KEY` AUTOINCREMENT (see
/// `0005_ids.sql`), inside the migration's transaction (references unenforced, checked before
/// the commit): each is made anew from its own CREATE statement with AUTOINCREMENT added,
/// filled with every row (ids kept, so references stay valid and `sqlite_sequence` starts at
/// the largest id), the old one dropped and the new one renamed; its indexes and triggers are
/// made again.
fn autoincrement_ids(tx: &Db) -> Result<(), StoreError> {
    let tables: Vec<(String, String)> = tx.query_map(
        "SELECT m.name, m.sql FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND p.name = 'id' AND p.pk = 1
           AND upper(p.type) = 'INTEGER' AND m.sql NOT LIKE '%AUTOINCREMENT%'
         ORDER BY m.rowid",
        params![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (table, sql) in tables {
        let made = with_autoincrement(&sql).and_then(|c| c.find('(').map(|i| c[i..].to_string()));
        let Some(columns) = made else {
            return Err(StoreError::Corrupt(format!("table {table}: cannot find its id column in {sql}")));
        };
        let others: Vec<String> = tx.query_map(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL
             ORDER BY type, rowid",
            params![table],
            |r| r.get(0),
        )?;
        // `table` comes from the schema, not from input.
        tx.execute_batch(&format!(
            "CREATE TABLE {table}__new {columns}; INSERT INTO {table}__new SELECT * FROM {table};
             DROP TABLE {table}; ALTER TABLE {table}__new RENAME TO {table};"
        ))?;
        for sql in others {
            tx.execute_batch(&sql)?;
        }
    }
    Ok(())
}

/// `sql` (a CREATE TABLE) with AUTOINCREMENT after the `id` column's INTEGER PRIMARY KEY.
fn with_autoincrement(sql: &str) -> Option<String> {
    let body = sql.find('(')?;
    let mut at = body;
    // The column definition starting "id" right after the opening parenthesis or a comma.
    loop {
        let rest = &sql[at + 1..];
        let trimmed = rest.trim_start();
        let start = at + 1 + (rest.len() - trimmed.len());
        if let Some(def) = trimmed.strip_prefix("id") {
            if def.starts_with(char::is_whitespace) {
                let key = "INTEGER PRIMARY KEY";
                let def_start = start + 2;
                let end = sql[def_start..].find(',').map(|i| def_start + i).unwrap_or(sql.len());
                let k = sql[def_start..end].to_ascii_uppercase().find(key)? + def_start + key.len();
                return Some(format!("{} AUTOINCREMENT{}", &sql[..k], &sql[k..]));
            }
        }
        at += 1 + rest.find(',')?;
    }
}

/// The schema version of a store.
pub fn version(conn: &Db) -> Result<i64, StoreError> {
    conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", params![], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// (table, column, type class, NOT NULL) of every table of a store.
    fn columns(db: &Db) -> BTreeSet<(String, String, &'static str, bool)> {
        let class = |t: &str| match t.to_ascii_lowercase().as_str() {
            "integer" | "bigint" => "integer",
            "real" | "double precision" => "real",
            "text" => "text",
            "blob" | "bytea" => "blob",
            _ => "other",
        };
        let sql = match db.backend() {
            // An INTEGER PRIMARY KEY is never NULL, whatever the pragma says.
            Backend::Sqlite => {
                "SELECT m.name, p.name, p.type, p.\"notnull\" OR p.pk FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
            }
            // The derived tables' explicit `rowid` stands for SQLite's implicit one.
            Backend::Postgres => {
                "SELECT table_name, column_name, data_type, is_nullable = 'NO' FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name <> 'rowid'"
            }
        };
        db.query_map(sql, params![], |r| {
            let t: String = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, class(&t), r.get(3)?))
        })
        .unwrap()
        .into_iter()
        .collect()
    }

    #[test]
    fn autoincrement_goes_after_the_id_column() {
        let sql = "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n)";
        assert_eq!(
            with_autoincrement(sql).unwrap(),
            "CREATE TABLE t (\n    id INTEGER PRIMARY KEY AUTOINCREMENT,\n    name TEXT NOT NULL\n)"
        );
        let later = "CREATE TABLE t (kind TEXT, id   integer primary key, x INTEGER PRIMARY KEY)";
        assert_eq!(
            with_autoincrement(later).unwrap(),
            "CREATE TABLE t (kind TEXT, id   integer primary key AUTOINCREMENT, x INTEGER PRIMARY KEY)"
        );
        assert!(with_autoincrement("CREATE TABLE t (idx INTEGER PRIMARY KEY)").is_none());
    }

    /// A store made before 0004 (schema 3) with rows in it: the migration keeps every row,
    /// id, reference, index and trigger, and ids go on from the largest ever given.
    #[test]
    fn a_schema_3_store_keeps_its_rows_and_gives_no_id_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw.db");
        let mut db = Db::sqlite(rusqlite::Connection::open(&path).unwrap());
        db.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        migrate_with(&mut db, &SQLITE[..3], i64::MAX).unwrap();
        db.execute_batch(
            "INSERT INTO blobs VALUES ('h', 1, x'00');
             INSERT INTO documents (id, doc_key, file_name, created_at, updated_at) VALUES
                 (1, 'a', 'a.txt', 't', 't'), (2, 'b', 'b.txt', 't', 't');
             INSERT INTO versions (id, document_id, seq, sha256, file_name, size, format, encoding, source_text,
                 plan_json, extractor, ingested_at) VALUES (7, 2, 1, 'h', 'b.txt', 1, 'text', 'utf-8', '', '{}', 'x', 't');
             UPDATE documents SET current_version = 7 WHERE id = 2;
             INSERT INTO audit_log (who, role, channel, action, object, source, request_id, at)
                 VALUES ('op', 'admin', 'cli', 'x', 'y', '', '', 't');",
        )
        .unwrap();
        drop(db);
        let store = crate::Store::open(&path, Default::default()).unwrap();
        let report = store.check().unwrap();
        assert!(report.is_ok(), "{:?}", report.problems);
        assert_eq!((report.schema_version, report.documents, report.versions), (SQLITE[SQLITE.len() - 1].0, 2, 1));
        let w = store.writer().unwrap();
        // References, indexes and the audit log's triggers survived.
        assert!(w.execute("DELETE FROM documents WHERE id = 2", params![]).is_err(), "a version refers to it");
        assert!(w.execute("DELETE FROM audit_log", params![]).is_err(), "the audit log stays append-only");
        let n: i64 = w
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'corrections_document'", params![], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 1);
        // The largest id is not given again, even once its row is gone.
        w.execute_batch(
            "DELETE FROM versions; UPDATE documents SET current_version = NULL; DELETE FROM documents WHERE id = 2",
        )
        .unwrap();
        let id: i64 = w
            .query_row(
                "INSERT INTO documents (doc_key, file_name, created_at, updated_at) VALUES ('c', 'c.txt', 't', 't')
                 RETURNING id",
                params![],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(id, 3);
    }

    /// Every SQLite table with an integer id keeps the largest id it ever gave
    /// (AUTOINCREMENT), including tables of migrations written after 0005.
    #[test]
    fn every_sqlite_id_is_autoincrement() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::Store::open(&dir.path().join("pw.db"), Default::default()).unwrap();
        let r = store.reader().unwrap();
        let plain: Vec<String> = r
            .query_map(
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND p.name = 'id' AND p.pk = 1 AND m.sql NOT LIKE '%AUTOINCREMENT%'",
                params![],
                |r| r.get(0),
            )
            .unwrap();
        assert!(plain.is_empty(), "tables that may give an id twice: {plain:?}");
        let n: i64 = r
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'", params![], |r| r.get(0))
            .unwrap();
        assert!(n >= 10, "{n}");
    }

    /// The PostgreSQL migrations make the tables and columns of the SQLite ones, with the
    /// same kinds of values and the same NOT NULL constraints (run with PLANWATCH_TEST_PG).
    #[test]
    fn both_backends_have_the_same_tables_and_columns() {
        if crate::testing::test_pg_url().is_none() {
            eprintln!("skipped: set PLANWATCH_TEST_PG to compare with PostgreSQL");
            return;
        }
        let pg = crate::testing::TempStore::new().unwrap();
        let pg_store = pg.open(Default::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let sqlite = crate::Store::open(&dir.path().join("pw.db"), Default::default()).unwrap();
        let (a, b) = (columns(&sqlite.reader().unwrap()), columns(&pg_store.reader().unwrap()));
        assert!(a.len() > 50, "{a:?}");
        let only_sqlite: Vec<_> = a.difference(&b).collect();
        let only_pg: Vec<_> = b.difference(&a).collect();
        assert!(
            only_sqlite.is_empty() && only_pg.is_empty(),
            "only SQLite: {only_sqlite:?}\nonly PostgreSQL: {only_pg:?}"
        );
    }
}

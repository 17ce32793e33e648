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
    (5, "ledger_indicators", include_str!("../migrations/sqlite/0005_ledger_indicators.sql")),
];

/// The migrations of the PostgreSQL backend: the same versions and names as [`SQLITE`].
pub const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
    (2, "monitor", include_str!("../migrations/postgres/0002_monitor.sql")),
    (3, "access", include_str!("../migrations/postgres/0003_access.sql")),
    (4, "login_hardening", include_str!("../migrations/postgres/0004_login_hardening.sql")),
    (5, "ledger_indicators", include_str!("../migrations/postgres/0005_ledger_indicators.sql")),
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
    loop {
        let tx = conn.transaction()?;
        let current = version(&tx)?;
        let known = all.last().map(|m| m.0).unwrap_or(0);
        if current > known {
            return Err(StoreError::NewerSchema { found: current, known });
        }
        let Some((version, name, sql)) = all.iter().find(|m| m.0 > current && m.0 <= target) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![version, name],
        )?;
        tx.commit()?;
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

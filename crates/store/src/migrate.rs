//! Versioned schema migrations. Each file of `migrations/sqlite/` is applied once, in order,
//! in its own transaction, and recorded in `schema_migrations`; a store written by a newer
//! planwatch (a version this binary does not know) is refused rather than guessed at.

use rusqlite::Connection;

use crate::StoreError;

/// The migrations of the SQLite backend, in order: (version, name, SQL).
pub const SQLITE: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/sqlite/0001_init.sql")),
    (2, "monitor", include_str!("../migrations/sqlite/0002_monitor.sql")),
    (3, "access", include_str!("../migrations/sqlite/0003_access.sql")),
];

/// Brings the schema of `conn` up to date.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )",
    )?;
    let current: i64 = conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?;
    let known = SQLITE.last().map(|m| m.0).unwrap_or(0);
    if current > known {
        return Err(StoreError::NewerSchema { found: current, known });
    }
    for (version, name, sql) in SQLITE.iter().filter(|m| m.0 > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            rusqlite::params![version, name],
        )?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version of a store.
pub fn version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))?)
}

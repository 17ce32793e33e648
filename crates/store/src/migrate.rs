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
];

/// The migrations of the PostgreSQL backend: the same versions and names as [`SQLITE`].
pub const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
    (2, "monitor", include_str!("../migrations/postgres/0002_monitor.sql")),
    (3, "access", include_str!("../migrations/postgres/0003_access.sql")),
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
        let Some((version, name, sql)) = all.iter().find(|m| m.0 > current) else {
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

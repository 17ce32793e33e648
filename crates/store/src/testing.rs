//! Test support: a fresh, empty store on the backend the test run asks for.
//!
//! `PLANWATCH_TEST_PG=postgres://…` runs every test that uses [`TempStore`] against that
//! PostgreSQL server, each test in a schema of its own that is dropped afterwards; without
//! it, tests use an SQLite file in a temporary directory. The same tests thus cover both
//! backends (`.ci/run` runs the suite twice).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::{Db, PgTarget};
use crate::{Actor, Location, Result, Role, Store, StoreError, StoreOptions};

/// A place for one test's store, removed on drop.
pub struct TempStore {
    pub dir: PathBuf,
    pub location: Location,
    schema: Option<(PgTarget, String)>,
}

/// The PostgreSQL server tests should use, if any.
pub fn test_pg_url() -> Option<String> {
    std::env::var("PLANWATCH_TEST_PG").ok().filter(|u| !u.trim().is_empty())
}

impl TempStore {
    /// A new empty location: a schema on the test server, or a file under a new temporary
    /// directory. `dir` is a fresh directory either way (for search indexes, exports…).
    pub fn new() -> Result<TempStore> {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let tag = format!("{}_{}_{}", std::process::id(), n, nanos);
        let dir = std::env::temp_dir().join(format!("planwatch-test-{tag}"));
        std::fs::create_dir_all(&dir).map_err(|e| StoreError::Invalid(format!("{}: {e}", dir.display())))?;
        match test_pg_url() {
            None => Ok(TempStore { location: Location::Sqlite(dir.join("pw.db")), dir, schema: None }),
            Some(url) => {
                let schema = format!("pwtest_{tag}");
                let target = PgTarget::parse(&url)?;
                Db::connect_pg(&target)?.execute_batch(&format!("CREATE SCHEMA {schema}"))?;
                let sep = if url.contains('?') { '&' } else { '?' };
                let location =
                    Location::Postgres(format!("{url}{sep}options=-csearch_path%3D{schema}&application_name={schema}"));
                Ok(TempStore { dir, location, schema: Some((target, schema)) })
            }
        }
    }

    /// Opens the store (creating its schema).
    pub fn open(&self, opts: StoreOptions) -> Result<Store> {
        Store::open_at(&self.location, opts)
    }

    /// A raw connection to the location with the schema of `version` only (see
    /// [`crate::migrate::migrate_to`]): a store as an older planwatch left it, for tests of
    /// what a later migration does to existing rows. [`TempStore::open`] migrates the rest.
    pub fn open_at_version(&self, version: i64) -> Result<Db> {
        let mut db = match &self.location {
            Location::Sqlite(path) => Db::sqlite(rusqlite::Connection::open(path)?),
            Location::Postgres(url) => Db::connect_pg(&PgTarget::parse(url)?)?,
        };
        crate::migrate::migrate_to(&mut db, version)?;
        Ok(db)
    }

    /// The `--db` argument for the command line.
    pub fn db_arg(&self) -> String {
        match &self.location {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => url.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn is_postgres(&self) -> bool {
        self.schema.is_some()
    }

    /// On PostgreSQL, ends every server connection of this test's stores, as a server restart
    /// would (their application name is the test's schema). Returns how many it ended; None
    /// on SQLite.
    pub fn drop_connections(&self) -> Result<Option<usize>> {
        let Some((target, schema)) = &self.schema else { return Ok(None) };
        let ended: Vec<bool> = Db::connect_pg(target)?.query_map(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?1",
            crate::db::params![schema],
            |r| r.get(0),
        )?;
        Ok(Some(ended.into_iter().filter(|e| *e).count()))
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        if let Some((target, schema)) = &self.schema {
            if let Ok(db) = Db::connect_pg(target) {
                let _ = db.execute_batch(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fingerprint of everything the store holds: on SQLite the SHA-256 of the database file
/// after folding the WAL into it (byte for byte); on PostgreSQL a SHA-256 over every row of
/// every table of the store's schema, in a fixed order.
pub fn fingerprint(store: &Store) -> Result<String> {
    match store.path() {
        Some(path) => {
            let conn = rusqlite::Connection::open(path)?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            drop(conn);
            let bytes = std::fs::read(path).map_err(|e| StoreError::Invalid(format!("{}: {e}", path.display())))?;
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            let wal = std::fs::read(wal).unwrap_or_default();
            Ok(format!("{}/{}", crate::sha256_hex(&bytes), wal.len()))
        }
        None => store.logical_fingerprint(),
    }
}

/// Runs `sql` on the store's database through a connection of its own, outside planwatch's
/// API (to prove what the database itself refuses).
pub fn execute_raw(location: &Location, sql: &str) -> Result<usize> {
    let db = match location {
        Location::Sqlite(path) => Db::sqlite(rusqlite::Connection::open(path)?),
        Location::Postgres(url) => Db::connect_pg(&PgTarget::parse(url)?)?,
    };
    db.execute(sql, crate::db::params![])
}

/// Another connection holding the store's write lock (as another process's long import
/// would) until dropped: SQLite's `BEGIN IMMEDIATE`, PostgreSQL's advisory write lock.
pub struct WriteLockHolder(Db);

impl WriteLockHolder {
    pub fn take(location: &Location) -> Result<WriteLockHolder> {
        let db = match location {
            Location::Sqlite(path) => Db::sqlite(rusqlite::Connection::open(path)?),
            Location::Postgres(url) => Db::connect_pg(&PgTarget::parse(url)?)?,
        };
        match location {
            Location::Sqlite(_) => db.execute_batch("BEGIN IMMEDIATE")?,
            Location::Postgres(_) => {
                db.execute_batch(&format!("BEGIN; SELECT pg_advisory_xact_lock({})", crate::db::WRITE_LOCK))?
            }
        }
        Ok(WriteLockHolder(db))
    }
}

impl Drop for WriteLockHolder {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

/// The bytes of `examples/NAME` of the repository, for tests that store a real plan.
pub fn example(name: &str) -> Vec<u8> {
    let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The actors the store's tests act as: an analyst (login `analyst`) …
pub fn analyst() -> Actor {
    Actor { role: Role::Analyst, login: "analyst".into(), ..Actor::operator("test") }
}

/// … and a district editor of `place` in `region` (login `editor-<place>`).
pub fn district_editor(region: &str, place: &str) -> Actor {
    Actor {
        role: Role::DistrictEditor,
        login: format!("editor-{place}"),
        region: region.into(),
        place: place.into(),
        ..Actor::operator("test")
    }
}

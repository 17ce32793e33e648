//! planwatch-store: the workspace store. All SQL of planwatch lives in this crate; the rest of
//! the program sees [`Store`] methods and plain data types only, so that a second backend
//! (PostgreSQL, issue 6) can implement the same interface.
//!
//! Invariants:
//! - each ingested document is stored in one transaction: a failure stores nothing of it;
//! - the original bytes of every version are kept (`blobs`), and versions are never deleted;
//! - the same bytes ingested twice change nothing (content hash);
//! - corrections are stored apart from machine extractions and applied on read
//!   ([`corrections::apply`]); the summary and derived tables of a document are rewritten in
//!   the same transaction as any change to it;
//! - every change that search must see bumps the store *generation*, so a search index can
//!   tell whether it is stale.

pub mod access;
pub mod approval;
pub mod calendar;
pub mod corrections;
pub mod db;
pub mod family;
pub mod limits;
pub mod maintenance;
pub mod migrate;
pub mod monitor;
mod queries;
pub mod registry;
pub mod registry_values;
pub mod review_marks;
pub mod taxonomy;
pub mod testing;
pub mod users;

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use planwatch_core::{Dictionaries, Plan, ReadOptions};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use access::{Action, Actor, AuditFilter, AuditRecord, Channel, Role};
pub use approval::{Approval, ApprovalState, ApprovalStep};
pub use corrections::{
    Correction, CorrectionOp, EffectivePlan, ItemKind, ItemRef, ItemState, MetaCorrection, MetaField,
};
pub use db::{Backend, Db, Tx};
pub use queries::*;
pub use review_marks::{ReviewMark, ReviewMarkState};
pub use taxonomy::{TaxonomyConfirm, TaxonomyConfirmation, TaxonomyItemKind};

use db::{params, OptionalExt};

/// Errors of the store, each with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("database error: {0}")]
    Postgres(String),
    /// The database server cannot be reached or went away; the request can be retried.
    #[error("the database is unavailable: {0}. planwatch reconnects by itself: check that the database server is running, then try again")]
    Unavailable(String),
    /// Another connection (another planwatch process: an import, a backup, a restore) held
    /// the store's write lock longer than the write wait; nothing was changed, and the
    /// request can be repeated.
    #[error("the store is busy: another process held its write lock too long ({0}); nothing was changed, try again in a moment")]
    Busy(String),
    #[error("cannot open the store at {path}: {source}. Check the path (--db or PLANWATCH_DB) and its permissions")]
    Open { path: String, source: rusqlite::Error },
    #[error("the store has schema version {found} but this planwatch knows only up to {known}: use a newer planwatch")]
    NewerSchema { found: i64, known: i64 },
    /// The file cannot be read; `reason` in English (CLI), `reason_zh` in Chinese (web).
    #[error("{name}: {reason}")]
    Read { name: String, reason: String, reason_zh: String },
    /// The document is over a read limit (its size, what it unpacks to, the text it
    /// becomes); refused before anything was stored.
    #[error("{name}: {error}")]
    DocumentTooLarge { name: String, error: planwatch_core::ReadError },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A free-text field over its limit ([`limits`]); nothing was changed.
    #[error("“{label}”({field})过长:{given} {unit},上限 {limit} {unit}。请精简后重试;未保存任何内容。")]
    TooLong { field: String, label: String, limit: usize, given: usize, unit: &'static str },
    /// The actor's role does not allow the write; nothing was changed.
    #[error("{0}")]
    Forbidden(String),
    /// The figures are locked by their approval state; nothing was changed.
    #[error("{0}")]
    Locked(String),
    #[error("stored data is damaged ({0}); run `planwatch reextract` or restore a backup")]
    Corrupt(String),
    /// A query expected a row and found none (see [`db::OptionalExt`]).
    #[error("stored data is incomplete: an expected row is missing")]
    NoRow,
    #[error("stored data is damaged: column {column}: {reason}")]
    Column { column: usize, reason: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        // SQLITE_BUSY after the busy timeout: another process holds the write lock.
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Options of a store.
#[derive(Clone)]
pub struct StoreOptions {
    pub dicts: Arc<Dictionaries>,
    pub read: ReadOptions,
    /// The kinds of registry (`data/registries.toml`, extended with `--data`).
    pub registries: Arc<planwatch_registry::Registries>,
    /// The reference taxonomy of industries (`data/taxonomy/*.toml`, extended with `--data`).
    pub taxonomy: Arc<planwatch_taxonomy::Taxonomy>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            dicts: Dictionaries::builtin(),
            read: ReadOptions::default(),
            registries: planwatch_registry::Registries::builtin(),
            taxonomy: planwatch_taxonomy::Taxonomy::builtin(),
        }
    }
}

/// Where a store lives: an SQLite file (one office) or a PostgreSQL database (shared by
/// several planwatch processes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a server; anything else a file path.
    pub fn parse(text: &str) -> Location {
        let t = text.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            Location::Postgres(t.to_string())
        } else {
            Location::Sqlite(PathBuf::from(text))
        }
    }

    /// For messages: the path, or the URL without its password.
    pub fn display(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => db::redact(url),
        }
    }
}

/// How new connections are made.
enum Connector {
    Sqlite(PathBuf),
    Postgres(Box<db::PgTarget>),
}

/// The store: one writer connection and a pool of reader connections. On SQLite, one file
/// in WAL mode (readers never block the writer, nor the writer readers); on PostgreSQL, a
/// server that several planwatch processes share, writers of all of them taking turns by
/// one advisory lock.
pub struct Store {
    location: Location,
    connector: Connector,
    writer: Mutex<Db>,
    readers: Mutex<Vec<Db>>,
    /// Reader connections open at once (idle in the pool or in use), at most `max_readers`:
    /// a PostgreSQL server has a fixed number of connection slots shared by every process.
    open_readers: Mutex<usize>,
    reader_freed: std::sync::Condvar,
    max_readers: usize,
    opts: StoreOptions,
    /// Argon2 password verifications made by this process (tests prove a lock stops them).
    password_checks: std::sync::atomic::AtomicU64,
    /// See [`Store::set_write_wait`].
    write_wait_ms: std::sync::atomic::AtomicU64,
}

/// A pooled reader connection, returned to the pool on drop.
pub struct Reader<'a> {
    conn: Option<Db>,
    store: &'a Store,
}

impl Deref for Reader<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.conn.as_ref().expect("reader present until drop")
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Db {
        self.conn.as_mut().expect("reader present until drop")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        let kept = match self.store.readers.lock() {
            Ok(mut pool) if pool.len() < 16 && c.is_usable() => {
                pool.push(c);
                true
            }
            _ => false,
        };
        if !kept {
            let mut open = self.store.open_readers.lock().unwrap_or_else(|e| e.into_inner());
            *open = open.saturating_sub(1);
        }
        self.store.reader_freed.notify_one();
    }
}

fn configure(conn: &Connection) -> std::result::Result<(), rusqlite::Error> {
    conn.busy_timeout(db::WRITE_WAIT)?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000;")?;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the SQLite store at `path` and brings its schema up to date.
    pub fn open(path: &Path, opts: StoreOptions) -> Result<Store> {
        Store::open_at(&Location::Sqlite(path.to_path_buf()), opts)
    }

    /// Opens the store at `location` (a file, or a PostgreSQL URL) and brings its schema up
    /// to date.
    pub fn open_at(location: &Location, opts: StoreOptions) -> Result<Store> {
        let (connector, mut writer) = match location {
            Location::Sqlite(path) => (Connector::Sqlite(path.clone()), Db::sqlite(open_sqlite_writer(path)?)),
            Location::Postgres(url) => {
                let target = db::PgTarget::parse(url)?;
                let conn = Db::connect_pg(&target)?;
                (Connector::Postgres(Box::new(target)), conn)
            }
        };
        migrate::migrate(&mut writer)?;
        Ok(Store {
            location: location.clone(),
            connector,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            open_readers: Mutex::new(0),
            reader_freed: std::sync::Condvar::new(),
            max_readers: match location {
                Location::Sqlite(_) => usize::MAX,
                Location::Postgres(_) => std::env::var("PLANWATCH_DB_CONNECTIONS")
                    .ok()
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .unwrap_or(24),
            },
            opts,
            password_checks: Default::default(),
            write_wait_ms: std::sync::atomic::AtomicU64::new(db::WRITE_WAIT.as_millis() as u64),
        })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    pub fn backend(&self) -> Backend {
        match self.location {
            Location::Sqlite(_) => Backend::Sqlite,
            Location::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite file of the store; None on PostgreSQL.
    pub fn path(&self) -> Option<&Path> {
        match &self.location {
            Location::Sqlite(p) => Some(p),
            Location::Postgres(_) => None,
        }
    }

    pub fn dicts(&self) -> &Arc<Dictionaries> {
        &self.opts.dicts
    }

    pub fn read_options(&self) -> &ReadOptions {
        &self.opts.read
    }

    /// A reader connection from the pool; on PostgreSQL waits (up to 30 s) while
    /// `PLANWATCH_DB_CONNECTIONS` (default 24) readers of this process are busy.
    pub fn reader(&self) -> Result<Reader<'_>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let pooled = loop {
            if let Some(c) = self.readers.lock().ok().and_then(|mut p| p.pop()) {
                if c.is_usable() {
                    break Some(c);
                }
                let mut open = self.open_readers.lock().unwrap_or_else(|e| e.into_inner());
                *open = open.saturating_sub(1);
                continue;
            }
            let mut open = self.open_readers.lock().unwrap_or_else(|e| e.into_inner());
            if *open < self.max_readers {
                *open += 1;
                break None;
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return Err(StoreError::Unavailable(format!(
                    "all {} database connections of this process stayed busy for 30 s",
                    self.max_readers
                )));
            }
            drop(self.reader_freed.wait_timeout(open, deadline - now).unwrap_or_else(|e| e.into_inner()));
        };
        let opened = match pooled {
            Some(c) => Ok(c),
            None => self.open_reader(),
        };
        let conn = match opened {
            Ok(c) => c,
            Err(e) => {
                let mut open = self.open_readers.lock().unwrap_or_else(|e| e.into_inner());
                *open = open.saturating_sub(1);
                self.reader_freed.notify_one();
                return Err(e);
            }
        };
        Ok(Reader { conn: Some(conn), store: self })
    }

    fn open_reader(&self) -> Result<Db> {
        Ok(match &self.connector {
            Connector::Sqlite(path) => {
                let c = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
                configure(&c)?;
                c.execute_batch("PRAGMA query_only = 1")?;
                Db::sqlite(c)
            }
            Connector::Postgres(target) => Db::connect_pg(target)?,
        })
    }

    /// The writer connection; on PostgreSQL reconnected first if the server dropped it.
    fn writer(&self) -> Result<MutexGuard<'_, Db>> {
        // A panic while holding the writer leaves no open transaction (Tx rolls back on
        // drop), so a poisoned lock is safe to reuse.
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if !w.is_usable() {
            if let Connector::Postgres(target) = &self.connector {
                let mut fresh = Db::connect_pg(target)?;
                fresh.set_write_wait(self.write_wait())?;
                *w = fresh;
            }
        }
        Ok(w)
    }

    fn write_wait(&self) -> Duration {
        Duration::from_millis(self.write_wait_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// How long a write waits for the write lock another process holds before it fails with
    /// [`StoreError::Busy`] (default [`db::WRITE_WAIT`], 15 s).
    pub fn set_write_wait(&self, wait: Duration) -> Result<()> {
        self.write_wait_ms.store(wait.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).set_write_wait(wait)
    }

    /// The store generation: increased by every change search must see.
    pub fn generation(&self) -> Result<u64> {
        let r = self.reader()?;
        generation(&r)
    }

    /// The version of everything the workspace-wide pages (`/family`, `/taxonomy`) show: the
    /// store generation (ingests, re-extractions, metadata corrections, restores) and the sum of
    /// the plans' revisions (every correction; every taxonomy confirmation moves its plan's
    /// revision), read in one query. Both only grow between restores and a restore makes a new
    /// generation, so a page cached under one value is never stale.
    pub fn workspace_version(&self) -> Result<(u64, i64)> {
        let r = self.reader()?;
        let (g, sum): (String, i64) = r.query_row(
            "SELECT (SELECT value FROM meta WHERE key = 'generation'),
                    CAST(COALESCE((SELECT SUM(rev) FROM documents), 0) AS BIGINT)",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let g = g.parse().map_err(|_| StoreError::Corrupt(format!("meta.generation = {g:?}")))?;
        Ok((g, sum))
    }

    /// A search index synced to a generation below this one must be rebuilt from scratch
    /// (set by a restore, which removes documents rather than changing them).
    pub fn search_floor(&self) -> Result<u64> {
        let r = self.reader()?;
        let v: Option<String> =
            r.query_row("SELECT value FROM meta WHERE key = 'search_floor'", params![], |r| r.get(0)).optional()?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
    }
}

fn open_sqlite_writer(path: &Path) -> Result<Connection> {
    let open_err = |source| StoreError::Open { path: path.display().to_string(), source };
    let writer = Connection::open(path).map_err(open_err)?;
    // WAL: readers see a consistent snapshot while one writer commits.
    let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(open_err)?;
    if !mode.eq_ignore_ascii_case("wal") && path != Path::new(":memory:") {
        return Err(StoreError::Invalid(format!(
            "{}: the store needs WAL mode but SQLite gave {mode} (is the file on a network share?)",
            path.display()
        )));
    }
    configure(&writer).map_err(open_err)?;
    // Statement journals (kept by every INSERT into a table with a unique index, inside a
    // transaction, to undo that one statement) in memory, not a temporary file: a
    // 100,000-row registry import spent a sixth of its time writing and reading them.
    writer.execute_batch("PRAGMA temp_store = MEMORY;").map_err(open_err)?;
    Ok(writer)
}

fn generation(conn: &Db) -> Result<u64> {
    let v: String = conn.query_row("SELECT value FROM meta WHERE key = 'generation'", params![], |r| r.get(0))?;
    v.parse().map_err(|_| StoreError::Corrupt(format!("meta.generation = {v:?}")))
}

fn bump_generation(tx: &Db) -> Result<u64> {
    let g = generation(tx)? + 1;
    tx.execute("UPDATE meta SET value = ?1 WHERE key = 'generation'", params![g.to_string()])?;
    Ok(g)
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A document read and extracted, ready to be stored. Made without touching the store, so
/// many can be prepared in parallel.
pub struct Prepared {
    pub name: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub source_text: String,
    pub plan: Plan,
}

/// Reads and extracts `bytes` (named `name`) for [`Store::commit`].
pub fn prepare(name: &str, bytes: Vec<u8>, opts: &StoreOptions) -> Result<Prepared> {
    use planwatch_core::ReadError;
    limits::FILE_NAME.check(name)?;
    let source = planwatch_core::read::read(&bytes, &opts.read).map_err(|e| match e {
        ReadError::TooLarge { .. }
        | ReadError::ZipBomb { .. }
        | ReadError::TextTooLarge { .. }
        | ReadError::PdfTooLarge { .. } => StoreError::DocumentTooLarge { name: name.to_string(), error: e },
        other => StoreError::Read { name: name.to_string(), reason: other.to_string(), reason_zh: other.message_zh() },
    })?;
    let plan = planwatch_core::extract_source(&source, name, &opts.dicts);
    Ok(Prepared { name: name.to_string(), sha256: sha256_hex(&bytes), bytes, source_text: source.text, plan })
}

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IngestOutcome {
    /// These bytes were stored before: nothing changed.
    Unchanged { document_id: i64, version_id: i64 },
    /// A document not seen before.
    New { document_id: i64, version_id: i64 },
    /// Changed bytes of a known document: a new version, the old ones kept.
    NewVersion { document_id: i64, version_id: i64, seq: i64, unmatched_corrections: usize },
}

impl IngestOutcome {
    pub fn document_id(&self) -> i64 {
        match self {
            IngestOutcome::Unchanged { document_id, .. }
            | IngestOutcome::New { document_id, .. }
            | IngestOutcome::NewVersion { document_id, .. } => *document_id,
        }
    }
}

/// Identity of a document across versions: its title when it has a real one, else its file
/// name. A revised file of the same plan keeps its title, so it becomes a new version.
pub fn document_key(plan: &Plan) -> String {
    match plan.meta.title.as_deref().map(|t| t.split_whitespace().collect::<String>()) {
        Some(t) if t.chars().count() >= 6 => format!("title:{t}"),
        _ => format!("file:{}", plan.doc),
    }
}

impl Store {
    /// The document and version that hold exactly these bytes, if any.
    pub fn find_by_hash(&self, sha256: &str) -> Result<Option<(i64, i64)>> {
        let r = self.reader()?;
        r.query_row("SELECT document_id, id FROM versions WHERE sha256 = ?1", params![sha256], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
    }

    /// Reads, extracts and stores one file's bytes.
    pub fn ingest_bytes(&self, actor: &Actor, name: &str, bytes: Vec<u8>) -> Result<IngestOutcome> {
        access::authorize(actor, Action::IngestDocument)?;
        limits::FILE_NAME.check(name)?;
        let sha = sha256_hex(&bytes);
        if let Some((document_id, version_id)) = self.find_by_hash(&sha)? {
            return Ok(IngestOutcome::Unchanged { document_id, version_id });
        }
        let p = prepare(name, bytes, &self.opts)?;
        self.commit(actor, p)
    }

    /// Stores a prepared document in one transaction.
    pub fn commit(&self, actor: &Actor, p: Prepared) -> Result<IngestOutcome> {
        access::authorize(actor, Action::IngestDocument)?;
        limits::FILE_NAME.check(&p.name)?;
        let plan_json =
            serde_json::to_string(&p.plan).map_err(|e| StoreError::Invalid(format!("{}: plan JSON: {e}", p.name)))?;
        let key = document_key(&p.plan);
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        if let Some((document_id, version_id)) = tx
            .query_row("SELECT document_id, id FROM versions WHERE sha256 = ?1", params![p.sha256], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
        {
            return Ok(IngestOutcome::Unchanged { document_id, version_id });
        }
        let existing: Option<i64> =
            tx.query_row("SELECT id FROM documents WHERE doc_key = ?1", params![key], |r| r.get(0)).optional()?;
        let document_id = match existing {
            Some(id) => id,
            None => tx.query_row(
                "INSERT INTO documents (doc_key, file_name, created_at, updated_at)
                     VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                     RETURNING id",
                params![key, p.name],
                |r| r.get(0),
            )?,
        };
        tx.execute(
            "INSERT INTO blobs (sha256, size, bytes) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![p.sha256, p.bytes.len() as i64, p.bytes],
        )?;
        let seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM versions WHERE document_id = ?1",
            params![document_id],
            |r| r.get(0),
        )?;
        let version_id: i64 = tx.query_row(
            "INSERT INTO versions (document_id, seq, sha256, file_name, size, format, encoding, source_text,
                                   plan_json, extractor, ingested_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             RETURNING id",
            params![
                document_id,
                seq,
                p.sha256,
                p.name,
                p.bytes.len() as i64,
                p.plan.source.format,
                p.plan.source.encoding,
                p.source_text,
                plan_json,
                planwatch_core::EXTRACTOR_VERSION
            ],
            |r| r.get(0),
        )?;
        family::write_references(&tx, document_id, version_id, &p.plan.references, &p.source_text)?;

        tx.execute(
            "UPDATE documents SET current_version = ?1, file_name = ?2 WHERE id = ?3",
            params![version_id, p.name, document_id],
        )?;
        let gen = bump_generation(&tx)?;
        tx.execute("UPDATE documents SET changed_gen = ?1 WHERE id = ?2", params![gen as i64, document_id])?;
        let effective = self.refresh_document(&tx, document_id)?;
        access::audit(
            &tx,
            actor,
            access::AuditEntry {
                action: if existing.is_some() { "document.version" } else { "document.add" },
                object: format!("plan {document_id}"),
                old: None,
                new: Some(serde_json::json!({"version": seq, "file": p.name, "sha256": p.sha256,
                    "title": effective.plan.meta.title})),
                source: p.name.clone(),
            },
        )?;
        tx.commit()?;
        Ok(if existing.is_some() {
            IngestOutcome::NewVersion { document_id, version_id, seq, unmatched_corrections: effective.unmatched.len() }
        } else {
            IngestOutcome::New { document_id, version_id }
        })
    }

    /// Re-extracts every version made by another extractor version from its original bytes
    /// (corrections are re-applied, or listed for review where their item is gone). Returns
    /// the number of versions re-extracted.
    pub fn reextract_stale(&self, mut progress: impl FnMut(usize, usize)) -> Result<usize> {
        let stale: Vec<(i64, i64, String)> = {
            let r = self.reader()?;
            let mut st =
                r.prepare("SELECT id, document_id, file_name FROM versions WHERE extractor <> ?1 ORDER BY id")?;
            let rows =
                st.query_map(params![planwatch_core::EXTRACTOR_VERSION], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<crate::Result<_>>()?
        };
        let total = stale.len();
        for (n, (version_id, document_id, name)) in stale.into_iter().enumerate() {
            let bytes = self.original(version_id)?.1;
            let p = prepare(&name, bytes, &self.opts)?;
            let plan_json =
                serde_json::to_string(&p.plan).map_err(|e| StoreError::Invalid(format!("{name}: plan JSON: {e}")))?;
            let mut w = self.writer()?;
            let tx = w.transaction()?;
            tx.execute(
                "UPDATE versions SET plan_json = ?1, source_text = ?2, extractor = ?3 WHERE id = ?4",
                params![plan_json, p.source_text, planwatch_core::EXTRACTOR_VERSION, version_id],
            )?;
            family::write_references(&tx, document_id, version_id, &p.plan.references, &p.source_text)?;
            let gen = bump_generation(&tx)?;
            tx.execute("UPDATE documents SET changed_gen = ?1 WHERE id = ?2", params![gen as i64, document_id])?;
            self.refresh_document(&tx, document_id)?;
            access::audit(
                &tx,
                &Actor::system("reextract"),
                access::AuditEntry {
                    action: "document.reextract",
                    object: format!("plan {document_id}"),
                    old: None,
                    new: Some(serde_json::json!({"version_id": version_id,
                        "extractor": planwatch_core::EXTRACTOR_VERSION})),
                    source: name.clone(),
                },
            )?;
            tx.commit()?;
            progress(n + 1, total);
        }
        Ok(total)
    }

    /// Rewrites the summary and derived tables of a document from its effective current plan.
    fn refresh_document(&self, tx: &Db, document_id: i64) -> Result<EffectivePlan> {
        let plan_json: String = tx.query_row(
            "SELECT v.plan_json FROM documents d JOIN versions v ON v.id = d.current_version WHERE d.id = ?1",
            params![document_id],
            |r| r.get(0),
        )?;
        let machine: Plan = serde_json::from_str(&plan_json)
            .map_err(|e| StoreError::Corrupt(format!("plan of document {document_id}: {e}")))?;
        let eff = queries::effective_plan(tx, document_id, &machine, &self.opts.dicts)?;
        queries::write_derived(tx, document_id, &eff)?;
        Ok(eff)
    }
}

/// A change an analyst makes to one item of a plan.
#[derive(Debug, Clone)]
pub enum CorrectionRequest {
    /// Replace the item with `key` by `item` (the whole item as the analyst left it).
    Edit { key: String, item: Value },
    /// Add a new item.
    Add { item: Value },
    /// Delete the item with `key`.
    Delete { key: String },
    /// Undo a correction.
    Revert { correction_id: i64 },
}

impl Store {
    /// The current version's machine plan and the plan as it stands with the corrections,
    /// read inside a writing transaction.
    fn machine_and_effective(&self, tx: &Db, document_id: i64) -> Result<(Plan, EffectivePlan)> {
        let plan_json: String = tx
            .query_row(
                "SELECT v.plan_json FROM documents d JOIN versions v ON v.id = d.current_version WHERE d.id = ?1",
                params![document_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("plan {document_id}")))?;
        let machine: Plan =
            serde_json::from_str(&plan_json).map_err(|e| StoreError::Corrupt(format!("plan {document_id}: {e}")))?;
        let effective = queries::effective_plan(tx, document_id, &machine, &self.opts.dicts)?;
        Ok((machine, effective))
    }

    /// Applies an analyst's change to a plan, in one transaction with the refreshed summary.
    /// Returns the id of the correction written (None for a revert or a no-op edit).
    pub fn correct(
        &self,
        actor: &Actor,
        document_id: i64,
        kind: ItemKind,
        req: CorrectionRequest,
        note: &str,
    ) -> Result<Option<i64>> {
        access::authorize(actor, Action::CorrectPlan)?;
        limits::CORRECTION_NOTE.check(note)?;
        if let CorrectionRequest::Add { item } = &req {
            limits::check_item(item)?;
        }
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let (machine, before) = self.machine_and_effective(&tx, document_id)?;
        // Only an item of the plan as it stands can be edited or deleted: a key of nothing (an
        // added item that never was, a machine item already deleted) is not found, and
        // nothing is written or audited.
        if let CorrectionRequest::Edit { key, .. } | CorrectionRequest::Delete { key } = &req {
            let Some((i, _)) = before.find(kind, key) else {
                return Err(StoreError::NotFound(format!(
                    "规划 {document_id} 的{}“{key}”(它不存在或已被删除,请返回规划页刷新)",
                    kind.label()
                )));
            };
            // The fields this edit changes are what the analyst wrote: those are limited
            // (a machine-extracted field left as it was may be longer).
            if let CorrectionRequest::Edit { item, .. } = &req {
                let current = corrections::item_value(&before.plan, kind, i).unwrap_or_default();
                limits::check_item(&corrections::diff_values(&current, item))?;
            }
        }
        let (op, mut key) = match &req {
            CorrectionRequest::Edit { key, .. } => ("edit", key.clone()),
            CorrectionRequest::Add { .. } => ("add", String::new()),
            CorrectionRequest::Delete { key } => ("delete", key.clone()),
            CorrectionRequest::Revert { correction_id } => {
                let found: Option<(String, Option<String>)> = tx
                    .query_row(
                        "SELECT op, item_key FROM corrections WHERE id = ?1 AND document_id = ?2",
                        params![correction_id, document_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let key = match found {
                    Some((op, _)) if op == "add" => format!("added:{correction_id}"),
                    Some((_, key)) => key.unwrap_or_default(),
                    None => String::new(),
                };
                ("revert", key)
            }
        };
        let written = queries::write_correction(&tx, document_id, kind, &machine, req, &actor.login, note)?;
        if op == "add" {
            key = written.map(|id| format!("added:{id}")).unwrap_or_default();
        }
        let after = self.refresh_document(&tx, document_id)?;
        let item_of =
            |eff: &EffectivePlan| eff.find(kind, &key).and_then(|(i, _)| corrections::item_value(&eff.plan, kind, i));
        access::audit(
            &tx,
            actor,
            access::AuditEntry {
                action: match op {
                    "edit" => "plan.edit",
                    "add" => "plan.add",
                    "delete" => "plan.delete",
                    _ => "plan.revert",
                },
                object: format!("plan {document_id} {} {key}", kind.as_str()),
                old: item_of(&before),
                new: item_of(&after),
                source: note.to_string(),
            },
        )?;
        tx.commit()?;
        Ok(written)
    }
}

impl Store {
    /// Sets (`Some`) or withdraws (`None`) an analyst's value of one metadata field of a plan —
    /// its title, issuer or region — (see [`Store::correct_meta_fields`]). Returns the
    /// correction's id (None when withdrawn or equal to the machine value).
    pub fn correct_meta(
        &self,
        actor: &Actor,
        document_id: i64,
        field: MetaField,
        value: Option<&str>,
        note: &str,
    ) -> Result<Option<i64>> {
        let out = self.correct_meta_fields(actor, document_id, &[(field, value.map(str::to_string))], note)?;
        Ok(out.into_iter().next().flatten())
    }

    /// Sets (`Some`) or withdraws (`None`) analysts' values of metadata fields of a plan, all
    /// in one transaction with the refreshed summary and one audit entry per field
    /// (`plan.meta`, old and new effective value): every value is checked first, so a refused
    /// one writes nothing. A value equal to the machine's withdraws the correction (or writes
    /// nothing when there is none). The store generation moves (the title is what other plans
    /// cite and what search shows), so every page that resolves references is made anew.
    pub fn correct_meta_fields(
        &self,
        actor: &Actor,
        document_id: i64,
        changes: &[(MetaField, Option<String>)],
        note: &str,
    ) -> Result<Vec<Option<i64>>> {
        access::authorize(actor, Action::CorrectPlan)?;
        limits::CORRECTION_NOTE.check(note)?;
        for (i, (f, _)) in changes.iter().enumerate() {
            if changes[..i].iter().any(|(g, _)| g == f) {
                return Err(StoreError::Invalid(format!(
                    "{}({})在一次更正中出现了两次,请只给出一次。",
                    f.label(),
                    f.as_str()
                )));
            }
        }
        let checked: Vec<(MetaField, Option<String>)> = changes
            .iter()
            .map(|(f, v)| Ok((*f, v.as_deref().map(|v| self.check_meta_value(*f, v)).transpose()?)))
            .collect::<Result<_>>()?;
        let mut w = self.writer()?;
        let tx = w.transaction()?;
        let (machine, before) = self.machine_and_effective(&tx, document_id)?;
        let mut out = Vec::with_capacity(checked.len());
        let mut changed = Vec::new();
        for (field, value) in &checked {
            let machine_value = field.get(&machine.meta).unwrap_or_default().to_string();
            let existing = before.meta_correction(*field).is_some();
            match value {
                Some(v) if *v != machine_value => {
                    out.push(Some(tx.query_row(
                        "INSERT INTO meta_corrections (document_id, field, value, original, author, note, created_at,
                                                       updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                         ON CONFLICT (document_id, field) DO UPDATE SET
                             value = excluded.value, original = excluded.original, author = excluded.author,
                             note = excluded.note, updated_at = excluded.updated_at
                         RETURNING id",
                        params![document_id, field.as_str(), v, machine_value, actor.login.as_str(), note.trim()],
                        |r| r.get::<_, i64>(0),
                    )?));
                    changed.push(*field);
                }
                // The machine value as it stands, and no correction: nothing to write.
                Some(_) if !existing => out.push(None),
                None if !existing => {
                    return Err(StoreError::NotFound(format!(
                        "规划 {document_id} 的{}更正(没有可撤销的更正,请返回规划页刷新)",
                        field.label()
                    )))
                }
                _ => {
                    tx.execute(
                        "DELETE FROM meta_corrections WHERE document_id = ?1 AND field = ?2",
                        params![document_id, field.as_str()],
                    )?;
                    out.push(None);
                    changed.push(*field);
                }
            }
        }
        if changed.is_empty() {
            return Ok(out);
        }
        let gen = bump_generation(&tx)?;
        tx.execute("UPDATE documents SET changed_gen = ?1 WHERE id = ?2", params![gen as i64, document_id])?;
        let after = self.refresh_document(&tx, document_id)?;
        for field in changed {
            let shown = |eff: &EffectivePlan| Value::from(field.get(&eff.plan.meta).unwrap_or_default());
            access::audit(
                &tx,
                actor,
                access::AuditEntry {
                    action: "plan.meta",
                    object: format!("plan {document_id} meta {}", field.as_str()),
                    old: Some(shown(&before)),
                    new: Some(shown(&after)),
                    source: note.trim().to_string(),
                },
            )?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// The value of a metadata correction as stored, or a refusal that names the field and
    /// what to write: a title is one line of 1–200 characters (surrounding 《》 and spaces
    /// dropped); an issuer at most 200 characters (empty: none); a region 全国 or a province or
    /// city of the place dictionary (written in full or short, stored in full; empty: none).
    fn check_meta_value(&self, field: MetaField, raw: &str) -> Result<String> {
        let v = raw.trim();
        if v.contains(['\n', '\r']) {
            return Err(StoreError::Invalid(format!("{}只能是一行文字:请去掉换行。", field.label())));
        }
        match field {
            MetaField::Title => {
                let v = v.trim_start_matches('《').trim_end_matches('》').trim();
                if v.is_empty() {
                    return Err(StoreError::Invalid(
                        "标题为空:请填写规划的完整标题(如“新一代人工智能发展规划”);要撤销更正请用“恢复原值”。".into(),
                    ));
                }
                limits::META_TITLE.check(v)?;
                Ok(v.to_string())
            }
            MetaField::Issuer => {
                limits::META_ISSUER.check(v)?;
                Ok(v.to_string())
            }
            MetaField::Region => {
                limits::META_REGION.check(v)?;
                if v.is_empty() || matches!(v, "全国" | "中国" | "国家") {
                    return Ok(if v.is_empty() { String::new() } else { "全国".to_string() });
                }
                match self.opts.dicts.place(v, None) {
                    Some(p) if p.level == "province" || p.level == "city" => Ok(p.name.clone()),
                    _ => Err(StoreError::Invalid(format!(
                        "地区“{v}”不是地名表中的省或市:请填写省、自治区、直辖市或地级市的名称(如 重庆市、四川省、合肥市),国家级规划填“全国”。"
                    ))),
                }
            }
        }
    }
}

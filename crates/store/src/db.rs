//! One database connection, SQLite or PostgreSQL, behind the small API the store needs:
//! statements with positional parameters, typed row access, transactions.
//!
//! The store's SQL is written once, in the dialect both engines accept, with SQLite's `?N`
//! placeholders. For PostgreSQL each statement is translated once (placeholders to `$N`, the
//! few SQLite spellings without a common form) and prepared once per connection with the
//! parameter types the call gives, so that no statement depends on PostgreSQL guessing a
//! type. Where the engines truly differ (JSON arrays as tables, integrity checks, backups),
//! the caller asks [`Db::backend`] and writes both forms next to each other.
//!
//! PostgreSQL is reached through `tokio-postgres`: each connection's I/O task runs on one
//! small runtime owned by this module, and calls block on the client's futures with
//! `futures-executor`. The store's API stays synchronous, and it may be called from
//! inside an async runtime (a web handler's blocking task, an async test) without nesting
//! runtimes, which the `postgres` crate's own blocking client forbids.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use crate::{Result, StoreError};

/// Which engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The type of a parameter, known even when its value is NULL (PostgreSQL needs it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

/// One parameter value, borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Null(Kind),
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl Param<'_> {
    fn kind(&self) -> Kind {
        match self {
            Param::Null(k) => *k,
            Param::Int(_) => Kind::Int,
            Param::Real(_) => Kind::Real,
            Param::Text(_) => Kind::Text,
            Param::Blob(_) => Kind::Blob,
        }
    }
}

/// A value that can be bound to a statement parameter.
pub trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

/// The parameter type of a Rust type, for its NULL (`None`).
pub trait ParamKind {
    const KIND: Kind;
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ParamKind for $t {
    const KIND: Kind = Kind::Int;
}

impl ToParam for $t {
            fn to_param(&self) -> Param<'_> {
                Param::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize, u64);

impl ParamKind for bool {
    const KIND: Kind = Kind::Int;
}

impl ToParam for bool {
    fn to_param(&self) -> Param<'_> {
        Param::Int(*self as i64)
    }
}

impl ParamKind for f64 {
    const KIND: Kind = Kind::Real;
}

impl ToParam for f64 {
    fn to_param(&self) -> Param<'_> {
        Param::Real(*self)
    }
}

impl ParamKind for str {
    const KIND: Kind = Kind::Text;
}

impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ParamKind for String {
    const KIND: Kind = Kind::Text;
}

impl ToParam for String {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ParamKind for [u8] {
    const KIND: Kind = Kind::Blob;
}

impl ToParam for [u8] {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}

impl ParamKind for Vec<u8> {
    const KIND: Kind = Kind::Blob;
}

impl ToParam for Vec<u8> {
    fn to_param(&self) -> Param<'_> {
        Param::Blob(self)
    }
}

impl<T: ParamKind + ?Sized> ParamKind for &T {
    const KIND: Kind = T::KIND;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}

impl<T: ParamKind> ParamKind for Option<T> {
    const KIND: Kind = T::KIND;
}

impl<T: ToParam + ParamKind> ToParam for Option<T> {
    fn to_param(&self) -> Param<'_> {
        match self {
            Some(v) => v.to_param(),
            None => Param::Null(T::KIND),
        }
    }
}

impl ToParam for Param<'_> {
    fn to_param(&self) -> Param<'_> {
        *self
    }
}

/// A list of parameters: `params![a, b]`, a slice or array of `&dyn ToParam`, or `[]`.
pub trait Params {
    fn collect(&self) -> Vec<Param<'_>>;
}

impl Params for &[&dyn ToParam] {
    fn collect(&self) -> Vec<Param<'_>> {
        self.iter().map(|p| p.to_param()).collect()
    }
}

impl<const N: usize> Params for [&dyn ToParam; N] {
    fn collect(&self) -> Vec<Param<'_>> {
        self.iter().map(|p| p.to_param()).collect()
    }
}

/// Parameters of a statement, like `rusqlite::params!`.
macro_rules! params {
    () => { &[] as &[&dyn $crate::db::ToParam] };
    ($($p:expr),+ $(,)?) => { &[$(&$p as &dyn $crate::db::ToParam),+] as &[&dyn $crate::db::ToParam] };
}
pub(crate) use params;

/// One value of a result row, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// An owned value (copying rows between stores).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl ParamKind for Value {
    const KIND: Kind = Kind::Text;
}

impl ToParam for Value {
    fn to_param(&self) -> Param<'_> {
        match self {
            Value::Null => Param::Null(Kind::Text),
            Value::Int(v) => Param::Int(*v),
            Value::Real(v) => Param::Real(*v),
            Value::Text(v) => Param::Text(v),
            Value::Blob(v) => Param::Blob(v),
        }
    }
}

/// Conversion of a result cell into a Rust value.
pub trait FromCell<'a>: Sized {
    fn from_cell(cell: Cell<'a>) -> std::result::Result<Self, String>;
}

fn type_error<T>(cell: Cell<'_>, want: &str) -> std::result::Result<T, String> {
    let got = match cell {
        Cell::Null => "NULL",
        Cell::Int(_) => "an integer",
        Cell::Real(_) => "a real number",
        Cell::Text(_) => "text",
        Cell::Blob(_) => "bytes",
    };
    Err(format!("expected {want}, found {got}"))
}

impl FromCell<'_> for i64 {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Int(v) => Ok(v),
            other => type_error(other, "an integer"),
        }
    }
}

macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl FromCell<'_> for $t {
            fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
                let v = i64::from_cell(cell)?;
                <$t>::try_from(v).map_err(|_| format!("{v} is out of range"))
            }
        }
    )*};
}
narrow_int!(i32, u32, u64, usize);

impl FromCell<'_> for bool {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        Ok(i64::from_cell(cell)? != 0)
    }
}

impl FromCell<'_> for f64 {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Real(v) => Ok(v),
            Cell::Int(v) => Ok(v as f64),
            other => type_error(other, "a number"),
        }
    }
}

impl<'a> FromCell<'a> for &'a str {
    fn from_cell(cell: Cell<'a>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Text(v) => Ok(v),
            other => type_error(other, "text"),
        }
    }
}

impl FromCell<'_> for String {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        <&str>::from_cell(cell).map(str::to_string)
    }
}

impl FromCell<'_> for Vec<u8> {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Blob(v) => Ok(v.to_vec()),
            Cell::Text(v) => Ok(v.as_bytes().to_vec()),
            other => type_error(other, "bytes"),
        }
    }
}

impl FromCell<'_> for Value {
    fn from_cell(cell: Cell<'_>) -> std::result::Result<Self, String> {
        Ok(match cell {
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::Int(v),
            Cell::Real(v) => Value::Real(v),
            Cell::Text(v) => Value::Text(v.to_string()),
            Cell::Blob(v) => Value::Blob(v.to_vec()),
        })
    }
}

impl<'a, T: FromCell<'a>> FromCell<'a> for Option<T> {
    fn from_cell(cell: Cell<'a>) -> std::result::Result<Self, String> {
        match cell {
            Cell::Null => Ok(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

/// A column position (the store addresses columns by position only).
pub trait ColIndex {
    fn index(self) -> usize;
}

impl ColIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// One result row.
pub enum Row<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Pg(&'a tokio_postgres::Row),
}

impl<'a> Row<'a> {
    /// The value of column `i` as a `T`.
    pub fn get<I: ColIndex, T: FromCell<'a>>(&self, i: I) -> Result<T> {
        let i = i.index();
        let cell = self.cell(i)?;
        T::from_cell(cell).map_err(|reason| StoreError::Column { column: i, reason })
    }

    fn cell(&self, i: usize) -> Result<Cell<'a>> {
        match *self {
            Row::Sqlite(r) => {
                use rusqlite::types::ValueRef;
                Ok(match r.get_ref(i)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(v) => Cell::Int(v),
                    ValueRef::Real(v) => Cell::Real(v),
                    ValueRef::Text(t) => Cell::Text(
                        std::str::from_utf8(t)
                            .map_err(|e| StoreError::Column { column: i, reason: format!("not UTF-8: {e}") })?,
                    ),
                    ValueRef::Blob(b) => Cell::Blob(b),
                })
            }
            Row::Pg(r) => pg_cell(r, i),
        }
    }
}

fn pg_cell(r: &tokio_postgres::Row, i: usize) -> Result<Cell<'_>> {
    use tokio_postgres::types::Type;
    let col = r.columns().get(i).ok_or(StoreError::Column { column: i, reason: "no such column".into() })?;
    let err = |e: tokio_postgres::Error| StoreError::Column { column: i, reason: e.to_string() };
    let ty = col.type_();
    let cell = if *ty == Type::INT8 {
        r.try_get::<_, Option<i64>>(i).map_err(err)?.map(Cell::Int)
    } else if *ty == Type::INT4 {
        r.try_get::<_, Option<i32>>(i).map_err(err)?.map(|v| Cell::Int(v.into()))
    } else if *ty == Type::INT2 {
        r.try_get::<_, Option<i16>>(i).map_err(err)?.map(|v| Cell::Int(v.into()))
    } else if *ty == Type::BOOL {
        r.try_get::<_, Option<bool>>(i).map_err(err)?.map(|v| Cell::Int(v.into()))
    } else if *ty == Type::FLOAT8 {
        r.try_get::<_, Option<f64>>(i).map_err(err)?.map(Cell::Real)
    } else if *ty == Type::FLOAT4 {
        r.try_get::<_, Option<f32>>(i).map_err(err)?.map(|v| Cell::Real(v.into()))
    } else if *ty == Type::BYTEA {
        r.try_get::<_, Option<&[u8]>>(i).map_err(err)?.map(Cell::Blob)
    } else {
        // TEXT, VARCHAR, NAME, BPCHAR, unknown literals.
        r.try_get::<_, Option<&str>>(i).map_err(err)?.map(Cell::Text)
    };
    Ok(cell.unwrap_or(Cell::Null))
}

impl tokio_postgres::types::ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &tokio_postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<tokio_postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use tokio_postgres::types::{IsNull, Type};
        match *self {
            Param::Null(_) => Ok(IsNull::Yes),
            Param::Int(v) if *ty == Type::INT4 => i32::try_from(v)?.to_sql(ty, out),
            Param::Int(v) if *ty == Type::FLOAT8 => (v as f64).to_sql(ty, out),
            Param::Int(v) if *ty == Type::TEXT => v.to_string().to_sql(ty, out),
            Param::Int(v) => v.to_sql(ty, out),
            Param::Real(v) => v.to_sql(ty, out),
            Param::Text(v) => v.to_sql(ty, out),
            Param::Blob(v) => v.to_sql(ty, out),
        }
    }

    fn accepts(_: &tokio_postgres::types::Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Null(_) => ValueRef::Null,
            Param::Int(v) => ValueRef::Integer(v),
            Param::Real(v) => ValueRef::Real(v),
            Param::Text(v) => ValueRef::Text(v.as_bytes()),
            Param::Blob(v) => ValueRef::Blob(v),
        }))
    }
}

/// Where a PostgreSQL connection goes, and how to open another.
#[derive(Clone)]
pub struct PgTarget {
    pub config: tokio_postgres::Config,
    /// The URL with any password removed, for messages.
    pub display: String,
}

impl PgTarget {
    pub fn parse(url: &str) -> Result<PgTarget> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::Invalid(format!(
                "{}: not a PostgreSQL URL ({e}); write postgres://USER:PASSWORD@HOST:PORT/DATABASE",
                redact(url)
            ))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        if config.get_application_name().is_none() {
            config.application_name("planwatch");
        }
        Ok(PgTarget { config, display: redact(url) })
    }
}

/// `url` without its password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// The runtime that drives the I/O of every PostgreSQL connection of this process.
fn pg_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RT: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("planwatch-pg")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| StoreError::Unavailable(format!("cannot start the database I/O thread: {e}")))
}

struct PgConn {
    client: tokio_postgres::Client,
    /// Prepared statements by (SQL as written, parameter kinds).
    statements: HashMap<(String, Vec<Kind>), tokio_postgres::Statement>,
}

/// How long a write transaction waits for the store's write lock held by another
/// connection (another process) before it fails with [`StoreError::Busy`].
pub const WRITE_WAIT: Duration = Duration::from_secs(15);

/// One connection.
pub struct Db {
    inner: Inner,
    /// See [`WRITE_WAIT`].
    write_wait: Duration,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Pg(RefCell<PgConn>),
}

impl Db {
    pub fn sqlite(conn: rusqlite::Connection) -> Db {
        conn.set_prepared_statement_cache_capacity(128);
        Db { inner: Inner::Sqlite(conn), write_wait: WRITE_WAIT }
    }

    /// Opens a connection to PostgreSQL.
    pub fn connect_pg(target: &PgTarget) -> Result<Db> {
        let rt = pg_runtime()?;
        let config = target.config.clone();
        let connected = futures_executor::block_on(rt.spawn(async move {
            let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
            tokio::spawn(async move {
                // Ends when the connection closes; the client then reports it closed.
                let _ = connection.await;
            });
            Ok::<_, tokio_postgres::Error>(client)
        }));
        let client = match connected {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                return Err(StoreError::Unavailable(format!(
                    "cannot connect to {} ({}); check that PostgreSQL runs there and the user, password and \
                     database are right",
                    target.display,
                    pg_message(&e)
                )))
            }
            Err(e) => return Err(StoreError::Unavailable(format!("the database I/O thread failed: {e}"))),
        };
        Ok(Db { inner: Inner::Pg(RefCell::new(PgConn { client, statements: HashMap::new() })), write_wait: WRITE_WAIT })
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Pg(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, backup API).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Pg(_) => None,
        }
    }

    pub fn as_sqlite_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Pg(_) => None,
        }
    }

    /// False once a PostgreSQL connection has been closed (server restart, network).
    pub fn is_usable(&self) -> bool {
        match &self.inner {
            Inner::Sqlite(_) => true,
            Inner::Pg(c) => !c.borrow().client.is_closed(),
        }
    }

    /// Runs several statements without parameters (migrations).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Pg(c) => {
                let c = c.borrow();
                futures_executor::block_on(c.client.batch_execute(sql)).map_err(StoreError::from)
            }
        }
    }

    /// Runs one statement; returns the number of rows changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let params = params.collect();
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params.iter()))?),
            Inner::Pg(c) => {
                let stmt = pg_prepare(c, sql, &params)?;
                let c = c.borrow();
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
                let n = futures_executor::block_on(c.client.execute(&stmt, &refs))?;
                Ok(n as usize)
            }
        }
    }

    /// Runs several statements in order, for their effect only. On PostgreSQL they are
    /// pipelined: sent together and answered together, one round trip instead of one each
    /// (the tail of a write: its counters, its audit entry, the page revisions). The first
    /// error is returned; inside a transaction the statements after it fail too, and the
    /// transaction is rolled back as any failed one is.
    pub fn execute_all(&self, statements: &[(&str, &[&dyn ToParam])]) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(_) => {
                for (sql, params) in statements {
                    self.execute(sql, *params)?;
                }
                Ok(())
            }
            Inner::Pg(c) => {
                let collected: Vec<Vec<Param<'_>>> = statements.iter().map(|(_, p)| p.collect()).collect();
                let prepared = statements
                    .iter()
                    .zip(&collected)
                    .map(|((sql, _), params)| pg_prepare(c, sql, params))
                    .collect::<Result<Vec<_>>>()?;
                let c = c.borrow();
                let refs: Vec<Vec<&(dyn tokio_postgres::types::ToSql + Sync)>> = collected
                    .iter()
                    .map(|ps| ps.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect())
                    .collect();
                let pending = prepared.iter().zip(&refs).map(|(stmt, refs)| c.client.execute(stmt, refs));
                futures_executor::block_on(futures_util::future::try_join_all(pending))?;
                Ok(())
            }
        }
    }

    /// The first row of a query, mapped by `f`; [`StoreError::NoRow`] when there is none.
    pub fn query_row<P: Params, T>(&self, sql: &str, params: P, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let params = params.collect();
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                match rows.next()? {
                    Some(r) => f(&Row::Sqlite(r)),
                    None => Err(StoreError::NoRow),
                }
            }
            Inner::Pg(_) => {
                let rows = self.pg_query(sql, &params)?;
                match rows.first() {
                    Some(r) => f(&Row::Pg(r)),
                    None => Err(StoreError::NoRow),
                }
            }
        }
    }

    /// Every row of a query, mapped by `f`.
    pub fn query_map<P: Params, T>(
        &self,
        sql: &str,
        params: P,
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let params = params.collect();
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Sqlite(r))?);
                }
                Ok(out)
            }
            Inner::Pg(_) => self.pg_query(sql, &params)?.iter().map(|r| f(&Row::Pg(r))).collect(),
        }
    }

    /// Calls `f` on every row of a query, in order, without collecting them.
    pub fn for_each<P: Params>(&self, sql: &str, params: P, mut f: impl FnMut(&Row) -> Result<()>) -> Result<()> {
        self.query_map(sql, params, |r| f(r)).map(|_: Vec<()>| ())
    }

    fn pg_query(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<tokio_postgres::Row>> {
        let Inner::Pg(c) = &self.inner else { unreachable!("pg_query on SQLite") };
        let stmt = pg_prepare(c, sql, params)?;
        let c = c.borrow();
        let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
        Ok(futures_executor::block_on(c.client.query(&stmt, &refs))?)
    }

    /// How long this connection's write transactions wait for the write lock (SQLite: also
    /// any statement for a lock). Default [`WRITE_WAIT`].
    pub fn set_write_wait(&mut self, wait: Duration) -> Result<()> {
        if let Inner::Sqlite(c) = &self.inner {
            c.busy_timeout(wait)?;
        }
        self.write_wait = wait;
        Ok(())
    }

    /// Begins a write transaction. On PostgreSQL it takes the store's write lock, so writers
    /// of all processes follow one another as they do on SQLite. Either way a lock held by
    /// another connection is waited for at most the write wait, then [`StoreError::Busy`].
    pub fn transaction(&mut self) -> Result<Tx<'_>> {
        match &self.inner {
            // IMMEDIATE: take the write lock now, so two processes never both read and then
            // fail to upgrade. The connection's busy timeout bounds the wait.
            Inner::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            // One round trip: the transaction and its lock, waited for at most the write
            // wait (the rest of the transaction keeps the session's lock_timeout).
            Inner::Pg(_) => {
                let locked = self.execute_batch(&format!(
                    "BEGIN; SET LOCAL lock_timeout = {}; SELECT pg_advisory_xact_lock({WRITE_LOCK}); \
                     SET LOCAL lock_timeout TO DEFAULT",
                    self.write_wait.as_millis().max(1)
                ));
                if let Err(e) = locked {
                    let _ = self.execute_batch("ROLLBACK");
                    return Err(e);
                }
            }
        }
        Ok(Tx { db: self, done: false })
    }

    /// Begins a read-only transaction that sees one snapshot for all its statements.
    pub fn read_transaction(&mut self) -> Result<Tx<'_>> {
        match &self.inner {
            Inner::Sqlite(c) => c.execute_batch("BEGIN")?,
            Inner::Pg(_) => self.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        }
        Ok(Tx { db: self, done: false })
    }
}

/// `query_row(…).optional()`: no row is `None`, not an error.
pub trait OptionalExt<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NoRow) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The rows of [`Stmt::query_map`], each already converted.
pub type MappedRows<T> = std::iter::Map<std::vec::IntoIter<T>, fn(T) -> Result<T>>;

/// A statement to run several times (prepared once per connection either way).
pub struct Stmt<'a> {
    db: &'a Db,
    sql: String,
}

impl Stmt<'_> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.db.execute(&self.sql, params)
    }

    pub fn query_row<P: Params, T>(&mut self, params: P, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.db.query_row(&self.sql, params, f)
    }

    /// Rows mapped by `f`, as an iterator of results (the shape `rusqlite` gives).
    pub fn query_map<P: Params, T>(&mut self, params: P, f: impl FnMut(&Row) -> Result<T>) -> Result<MappedRows<T>> {
        Ok(self.db.query_map(&self.sql, params, f)?.into_iter().map(Ok as fn(T) -> Result<T>))
    }

    pub fn for_each<P: Params>(&mut self, params: P, f: impl FnMut(&Row) -> Result<()>) -> Result<()> {
        self.db.for_each(&self.sql, params, f)
    }
}

impl Db {
    /// A statement for repeated use.
    pub fn prepare(&self, sql: &str) -> Result<Stmt<'_>> {
        Ok(Stmt { db: self, sql: sql.to_string() })
    }

    /// The same as [`Db::prepare`]: every statement is cached per connection.
    pub fn prepare_cached(&self, sql: &str) -> Result<Stmt<'_>> {
        self.prepare(sql)
    }
}

/// The advisory lock every writing transaction holds on PostgreSQL ("planwatch" in ASCII).
pub(crate) const WRITE_LOCK: i64 = 0x706c_616e_7761;

fn pg_prepare(c: &RefCell<PgConn>, sql: &str, params: &[Param<'_>]) -> Result<tokio_postgres::Statement> {
    let kinds: Vec<Kind> = params.iter().map(Param::kind).collect();
    let key = (sql.to_string(), kinds);
    if let Some(s) = c.borrow().statements.get(&key) {
        return Ok(s.clone());
    }
    use tokio_postgres::types::Type;
    let types: Vec<Type> = key
        .1
        .iter()
        .map(|k| match k {
            Kind::Int => Type::INT8,
            Kind::Real => Type::FLOAT8,
            Kind::Text => Type::TEXT,
            Kind::Blob => Type::BYTEA,
        })
        .collect();
    let translated = to_postgres(sql);
    let stmt = {
        let conn = c.borrow();
        futures_executor::block_on(conn.client.prepare_typed(&translated, &types))?
    };
    let mut conn = c.borrow_mut();
    if conn.statements.len() > 512 {
        conn.statements.clear();
    }
    conn.statements.insert(key, stmt.clone());
    Ok(stmt)
}

/// A transaction; rolled back when dropped without [`Tx::commit`].
pub struct Tx<'a> {
    db: &'a mut Db,
    done: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.db.execute_batch("COMMIT")
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.db.execute_batch("ROLLBACK");
        }
    }
}

/// Rewrites SQL written for SQLite into PostgreSQL's spelling: `?N` placeholders become
/// `$N` (outside string literals), SQLite's clock expression becomes PostgreSQL's, and
/// `CAST(… AS INTEGER)` becomes a 64-bit cast as every integer column is.
pub fn to_postgres(sql: &str) -> String {
    const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
    const PG_NOW: &str = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    let mut sql = sql.replace(SQLITE_NOW, PG_NOW).replace(" AS INTEGER)", " AS BIGINT)");
    // SQLite's `json_each(?N)` (a JSON array as a table with column `value`).
    while let Some(at) = sql.find("json_each(?") {
        let digits: String = sql[at + 11..].chars().take_while(char::is_ascii_digit).collect();
        let end = at + 11 + digits.len() + 1;
        sql.replace_range(at..end, &format!("jsonb_array_elements_text(CAST(?{digits} AS jsonb)) AS json_each(value)"));
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut in_string = false;
    let mut next_anonymous = 1;
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => {
                in_string = !in_string;
                out.push(ch);
            }
            '?' if !in_string => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&next_anonymous.to_string());
                    next_anonymous += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

/// The message of a PostgreSQL error, with the server's detail when there is one.
pub fn pg_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => {
            let mut s = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                s.push_str(": ");
                s.push_str(&inner.to_string());
                source = inner.source();
            }
            s
        }
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        // Class 08 (connection exception) and 57P (the server shutting down or starting up)
        // mean "try again shortly", not a fault of the statement.
        // 53300: the server's connection slots are all taken.
        let transient =
            e.code().is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P") || c.code() == "53300");
        // 55P03: the write lock stayed with another connection longer than the write wait.
        if e.code().is_some_and(|c| c.code() == "55P03") {
            return StoreError::Busy(pg_message(&e));
        }
        if transient || e.is_closed() || e.as_db_error().is_none() && e.code().is_none() {
            StoreError::Unavailable(pg_message(&e))
        } else {
            StoreError::Postgres(pg_message(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pipelined statements run in order, and a failure among them leaves the transaction
    /// to roll back whole: on SQLite and, with PLANWATCH_TEST_PG, on PostgreSQL.
    #[test]
    fn a_pipelined_batch_is_applied_in_order_and_whole_or_not_at_all() {
        let t = crate::testing::TempStore::new().unwrap();
        let store = t.open(Default::default()).unwrap();
        let mut w = store.writer().unwrap();
        let insert = "INSERT INTO meta (key, value) VALUES (?1, ?2)";
        let tx = w.transaction().unwrap();
        tx.execute_all(&[
            (insert, params!["pipe:a", "1"]),
            ("UPDATE meta SET value = ?2 WHERE key = ?1", params!["pipe:a", "2"]),
        ])
        .unwrap();
        tx.commit().unwrap();
        let tx = w.transaction().unwrap();
        let err = tx
            .execute_all(&[
                (insert, params!["pipe:b", "1"]),
                (insert, params!["pipe:a", "3"]),
                (insert, params!["pipe:c", "1"]),
            ])
            .unwrap_err();
        assert!(!err.to_string().is_empty());
        drop(tx);
        let value = |key: &str| {
            w.query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get::<_, String>(0))
                .optional()
                .unwrap()
        };
        assert_eq!(value("pipe:a").as_deref(), Some("2"));
        assert_eq!((value("pipe:b"), value("pipe:c")), (None, None));
    }

    #[test]
    fn placeholders_and_clock_translate_outside_strings() {
        assert_eq!(to_postgres("SELECT ?1, '?2', ?10 WHERE a = ?"), "SELECT $1, '?2', $10 WHERE a = $1");
        assert!(to_postgres("VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))").contains("now() AT TIME ZONE 'UTC'"));
        assert_eq!(to_postgres("CAST(value AS INTEGER) + 1"), "CAST(value AS BIGINT) + 1");
        assert_eq!(
            to_postgres("x IN (SELECT value FROM json_each(?2))"),
            "x IN (SELECT value FROM jsonb_array_elements_text(CAST($2 AS jsonb)) AS json_each(value))"
        );
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(redact("postgres://pw:secret@db:5432/x"), "postgres://pw@db:5432/x");
        assert_eq!(redact("postgres://db/x"), "postgres://db/x");
    }

    #[test]
    fn sqlite_rows_convert_and_missing_rows_are_told_apart() {
        let db = Db::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        db.execute_batch("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB)").unwrap();
        let none: Option<&str> = None;
        db.execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", params![7i64, 1.5, "文本", vec![0u8, 1]]).unwrap();
        db.execute("INSERT INTO t VALUES (?1, ?2, ?3, NULL)", params![8i64, 2i64, none]).unwrap();
        let rows: Vec<(i64, f64, Option<String>)> = db
            .query_map("SELECT i, r, s FROM t ORDER BY i", params![], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!(rows, vec![(7, 1.5, Some("文本".into())), (8, 2.0, None)]);
        assert!(matches!(
            db.query_row("SELECT i FROM t WHERE i = 99", params![], |r| r.get::<_, i64>(0)),
            Err(StoreError::NoRow)
        ));
        assert!(matches!(
            db.query_row("SELECT s FROM t WHERE i = 7", params![], |r| r.get::<_, i64>(0)),
            Err(StoreError::Column { .. })
        ));
    }
}

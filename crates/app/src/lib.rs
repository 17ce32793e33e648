//! planwatch-app: the application layer between the store and the front ends. What a figure
//! is — a plan's progress, a ranking, a map's values, a report's content, the rows of a plan's
//! 任务分工表 and 目标台账 — is computed here once, and the web server (`planwatch-web`, HTTP
//! only) and the command line (`planwatch-cli`) both show it, so a number reads the same
//! wherever it appears.
//!
//! Invariants:
//! - no HTTP, no async, no process I/O: functions take a `&Store` (and plain values) and return
//!   plain values or `StoreError`; the front ends decide threads and transport;
//! - every write goes through a `Store` method that checks its `Actor` (this layer never writes
//!   SQL and never bypasses the store's authorization or audit);
//! - the search index is derived data, synced from the store by generation ([`sync`]).

pub mod boundaries;
pub mod clock;
pub mod family;
pub mod layout;
pub mod links;
pub mod monitoring;
pub mod registries;
pub mod review;
pub mod rows;
pub mod sync;
pub mod taxonomy;

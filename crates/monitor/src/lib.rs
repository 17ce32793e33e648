//! Monitoring of plans, as pure computation: no database, no I/O beyond the bytes it is given.
//!
//! - [`period`]: reporting periods (`2025-03`, `2025Q1`, `2025`) and time on a continuous axis.
//! - [`indicator`]: what an indicator is (unit, direction, frequency, roll-up).
//! - [`observations`]: reading an observation sheet (CSV/XLSX) and validating every row
//!   against the catalogue before anything is stored.
//! - [`progress`]: completion against a target, time elapsed, status, forecasts.
//! - [`rollup`]: district values → the value of the city above them.
//! - [`sheet`]: reading a filled-in CSV/XLSX sheet into a header and rows of cells.
//! - [`rank`]: composite indices — fixed weights and entropy-weight TOPSIS — and rank changes.

pub mod indicator;
pub mod listing;
pub mod observations;
pub mod period;
pub mod progress;
pub mod rank;
pub mod rollup;
pub mod sheet;
pub mod units;

pub use indicator::{Direction, Frequency, Rollup};
pub use period::Period;

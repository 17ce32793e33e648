//! The registries the plans order — the enterprise white list and tiered cultivation (企业),
//! application scenarios (应用场景), technology demands (技术需求), the promotion catalogue
//! (推广目录), the talent catalogue (人才需求), innovation resources (创新资源) — as one engine
//! over kinds kept as data (`data/registries.toml`). Pure like planwatch-monitor: no database,
//! no I/O beyond the bytes it is given.
//!
//! - [`schema`]: kinds, fields and their rules, loaded from data ([`Registries`]).
//! - [`credit`]: the GB 32100 统一社会信用代码 check character.
//! - [`validate`]: reading a sheet (through `planwatch_monitor::sheet`) and validating every
//!   row, refusals as `planwatch_monitor::observations::Problem`s in a `Listing`.
//! - [`export`]: templates and exports as `planwatch_export::Grid`s.
//! - [`diff`]: what changed between two published batches.
//! - [`counts`]: counts by place and period for binding to indicators.
//! - [`sample`]: a synthetic registry (合成示例数据) for demonstrations and benchmarks.

pub mod counts;
pub mod credit;
pub mod diff;
pub mod export;
pub mod sample;
pub mod schema;
pub mod validate;

pub use schema::{Field, FieldType, Kind, Registries};
pub use validate::{Context, Entry, Industries, Validation};

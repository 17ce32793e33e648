//! Monitoring reports (季度监测报告, 中期评估报告, 总结评估报告) of one plan as a standalone
//! HTML page, a DOCX and an XLSX workbook, with server-side SVG charts.
//!
//! No database and no knowledge of the store: the caller fills a [`Report`] (plain data,
//! serialisable) and gets bytes or strings back. Every figure cites its sources as "[n]"
//! (1-based indexes into [`Report::sources`]) and every format lists the sources at the end.

pub mod charts;
mod docx;
pub mod fmt;
mod html;
pub mod model;
pub mod narrative;
mod opinion;
mod png;
mod xlsx;

pub use charts::ChartError;
pub use docx::docx;
pub use html::{html, REPORT_CSS};
pub use model::*;
pub use narrative::{narrative, Narrative};
pub use opinion::{opinion_docx, Opinion, OpinionItem};
pub use png::svg_to_png;
pub use xlsx::xlsx;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("chart rendering: {0}")]
    Render(String),
}

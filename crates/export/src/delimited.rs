//! CSV with the same columns and cells as the XLSX sheet.

use crate::text::csv_text;
use crate::{Cell, ExportError, Record, Table};
use std::borrow::Cow;

/// Excel takes a CSV without a byte-order mark for the local ANSI code page (GBK on a Chinese
/// Windows), which garbles UTF-8 Chinese; with the BOM it reads UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes `rows` as CSV: BOM, header, one record per row; CRLF line ends and quoting only
/// where RFC 4180 needs it (commas, quotes, line breaks). Text cells go through
/// [`csv_text`] (formula prefix and Excel's cell limit); numbers use Rust's shortest
/// round-trip form, never an exponent, so `2025` stays `2025` and `0.1` stays `0.1`.
pub(crate) fn csv<R: Record>(table: &Table<'_>, rows: &[R]) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::with_capacity(UTF8_BOM.len() + 256 * (rows.len() + 1));
    out.extend_from_slice(UTF8_BOM);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    writer.write_record(table.columns.iter().map(|c| c.header))?;
    let mut record: Vec<Cow<'_, str>> = Vec::with_capacity(table.columns.len());
    for (i, row) in rows.iter().enumerate() {
        record.clear();
        record.extend(row.cells(i + 1).into_iter().map(|cell| match cell {
            Cell::Text(t) => csv_text(t),
            Cell::Number(n) | Cell::Measure(n, _) => Cow::Owned(n.to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }));
        writer.write_record(record.iter().map(|f| f.as_bytes()))?;
    }
    writer.into_inner().map_err(|e| ExportError::Io(e.into_error()))
}

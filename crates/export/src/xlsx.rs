//! XLSX workbooks: the data sheet and the 说明 sheet.

use crate::text::{cell_text, display_width, looks_like_formula, sheet_name, wrapped_lines};
use crate::{Cell, ColumnKind, ExportError, Record, Table};
use planwatch_monitor::units::Rounding;
use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// Rows in one Excel sheet, the header included.
const MAX_ROWS: usize = 1_048_576;

/// Name of the sheet that explains the columns; the data sheet may not take it.
const NOTES_SHEET: &str = "说明";

const HEADER_FILL: u32 = 0xD9E1F2; // light blue-grey, Excel's "Blue, Accent 1, Lighter 80%"
const CORRECTED_FILL: u32 = 0xFFF2CC; // light yellow: visible on screen and in greyscale print
const BORDER_COLOR: u32 = 0xBFBFBF;

/// Room for the autofilter drop-down button in a header cell, in Excel width units.
const FILTER_BUTTON_WIDTH: usize = 3;

/// Height of one line of 11-point text in points (Excel's default row height).
const LINE_HEIGHT: f64 = 15.0;

/// Excel's tallest row is 409 points: 27 lines of 15 points.
const MAX_LINES: usize = 27;

/// Width a cell loses to its left and right padding, in Excel width units.
const CELL_PADDING: f64 = 1.0;

/// Widest text measured for a column: wider than any `max_width`, so measuring can stop there.
const MEASURE_CAP: usize = 80;

/// Deflate level of the XLSX container (1 = fastest); see `workbook`.
const ZIP_LEVEL: u8 = 1;

/// Paper code in Excel's page setup list: 9 = A4, the paper Chinese government offices use.
const PAPER_A4: u8 = 9;

/// The cell formats of a data sheet. Built once per workbook; `rust_xlsxwriter` deduplicates
/// formats by value, so every cell referring to one of these shares one style record.
struct Styles {
    header: Format,
    /// Indexed by `corrected as usize`: the plain format and the highlighted one.
    text: [Format; 2],
    number: [Format; 2],
}

impl Styles {
    fn new() -> Self {
        let body = Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(BORDER_COLOR));
        // Wrap, so long task text and source sentences grow the row instead of spilling
        // over the next columns (`write_data_sheet` sets the row heights).
        let text = body.clone().set_text_wrap();
        let number = body;
        let highlight = |f: &Format| f.clone().set_background_color(Color::RGB(CORRECTED_FILL));
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER_COLOR)),
            text: [text.clone(), highlight(&text)],
            number: [number.clone(), highlight(&number)],
        }
    }
}

/// Builds the workbook for `table`. The data sheet comes first (it is what opens), the 说明
/// sheet second.
pub(crate) fn workbook<R: Record>(table: &Table<'_>, sheet_title: &str, rows: &[R]) -> Result<Vec<u8>, ExportError> {
    workbook_with_notes(table, sheet_title, rows, &[])
}

/// [`workbook`] with extra (label, text) lines on the 说明 sheet.
pub(crate) fn workbook_with_notes<R: Record>(
    table: &Table<'_>,
    sheet_title: &str,
    rows: &[R],
    extra_notes: &[(String, String)],
) -> Result<Vec<u8>, ExportError> {
    workbook_of_sheets(&[(table, sheet_title, rows)], extra_notes)
}

/// A workbook of several data sheets (each a table, a title and its rows, in order) and one
/// 说明 sheet describing the columns of all of them; document properties from the first.
pub(crate) fn workbook_of_sheets<R: Record>(
    sheets: &[(&Table<'_>, &str, &[R])],
    extra_notes: &[(String, String)],
) -> Result<Vec<u8>, ExportError> {
    // Document properties come from the first sheet (an empty list gives a workbook with the
    // 说明 sheet only).
    let (sheet_title, default_sheet) = sheets.first().map_or(("", "数据"), |(t, title, _)| (*title, t.default_sheet));
    if let Some(&(_, _, rows)) = sheets.iter().find(|(_, _, rows)| rows.len() >= MAX_ROWS) {
        return Err(ExportError::TooManyRows { rows: rows.len(), max: MAX_ROWS - 1 });
    }
    let mut workbook = Workbook::new();
    let mut taken: Vec<String> = vec![NOTES_SHEET.to_string()];
    for (i, &(table, title, rows)) in sheets.iter().enumerate() {
        // Fallback names stay unique when several titles are empty or clash.
        let fallback =
            if i == 0 { table.default_sheet.to_string() } else { format!("{}{}", table.default_sheet, i + 1) };
        let taken_now: Vec<&str> = taken.iter().map(String::as_str).collect();
        let name = sheet_name(title, &fallback, &taken_now);
        let mut sheet = new_sheet(&mut workbook);
        sheet.set_name(&name)?;
        write_data_sheet(&mut sheet, table, rows)?;
        workbook.push_worksheet(sheet);
        taken.push(name);
    }

    let mut notes = new_sheet(&mut workbook);
    notes.set_name(NOTES_SHEET)?;
    let tables: Vec<&Table<'_>> = sheets.iter().map(|(t, _, _)| *t).collect();
    write_notes_sheet(&mut notes, &tables, extra_notes)?;
    workbook.push_worksheet(notes);

    let title = sheet_title.trim();
    let title = if title.is_empty() { default_sheet } else { title };
    // Excel caps document properties at 255 characters; control characters and the two XML
    // non-characters have no place in a title.
    let title: String =
        title.chars().filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}')).take(255).collect();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_subject(default_sheet)
            .set_author("planwatch")
            .set_keywords(format!("planwatch, {}", default_sheet))
            .set_comment("由 planwatch 从规划文本抽取生成；浅黄色行为人工更正或新增。"),
    );
    // Deflate is about half the time of a small workbook. Level 1 instead of the default 6
    // makes a 50-row 任务分工表 about a third faster for about 3 KB more (≈15 KB instead of
    // ≈12 KB), which suits a server that builds these per request.
    workbook.set_zip_compression_level(ZIP_LEVEL);
    Ok(workbook.save_to_buffer()?)
}

/// A worksheet that streams its rows to an unlinked temporary file ("constant memory" mode,
/// rows written strictly in order, strings inline).
///
/// Memory is not the reason: at save time `rust_xlsxwriter` assembles every in-memory
/// worksheet on a thread of its own, and on a busy 2-core server a freshly spawned thread
/// often waits a scheduler tick for a core, which put one save in ten at ~4 ms instead of
/// ~0.6 ms in `benches/xlsx.rs`. Streamed sheets are written on the caller's thread, and
/// are ~15% faster besides. Where no temporary file can be made (no writable temp dir), the
/// ordinary worksheet writes the same cells.
fn new_sheet(workbook: &mut Workbook) -> Worksheet {
    workbook.new_worksheet_with_constant_memory().unwrap_or_else(|_| Worksheet::new())
}

/// Writes the header and the rows, strictly top to bottom (streamed sheets require it).
fn write_data_sheet<R: Record>(sheet: &mut Worksheet, table: &Table<'_>, rows: &[R]) -> Result<(), XlsxError> {
    let styles = Styles::new();
    let columns = table.columns;

    // Pass 1: column widths, from the header (plus the filter button) and the content, so a
    // plan with short tasks does not get needlessly wide columns.
    let mut widths: Vec<usize> =
        columns.iter().map(|c| display_width(c.header, MEASURE_CAP) + FILTER_BUTTON_WIDTH).collect();
    for (i, row) in rows.iter().enumerate() {
        for (cell, width) in row.cells(i + 1).iter().zip(widths.iter_mut()) {
            let w = match cell {
                Cell::Text(t) => display_width(t, MEASURE_CAP),
                Cell::Number(n) | Cell::Measure(n, _) => number_width(*n),
                Cell::Empty => 0,
            };
            *width = (*width).max(w);
        }
    }
    let widths: Vec<f64> =
        columns.iter().zip(&widths).map(|(c, w)| (*w as f64 + 1.0).clamp(c.min_width, c.max_width)).collect();
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    // Text wraps within the column less its cell padding.
    let wrap_at: Vec<usize> = widths.iter().map(|w| (w - CELL_PADDING).max(1.0) as usize).collect();

    for (col, column) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, column.header, &styles.header)?;
    }

    // Pass 2: cells, and row heights for wrapped text.
    let mut quoted: Option<[Format; 2]> = None;
    for (i, row) in rows.iter().enumerate() {
        // Checked against MAX_ROWS above, so the row number fits Excel's (and u32's) range.
        let r = (i + 1) as u32;
        let mark = usize::from(row.corrected());
        let mut lines = 1usize;
        for (col, cell) in row.cells(i + 1).into_iter().enumerate() {
            let c = col as u16;
            let Some(&wrap) = wrap_at.get(col) else { break };
            match cell {
                Cell::Text(t) => {
                    let t = cell_text(t);
                    lines = lines.max(wrapped_lines(&t, wrap, MAX_LINES));
                    let format = if looks_like_formula(&t) {
                        // The cell is a string either way; the quote prefix also keeps it text
                        // when someone edits it in Excel.
                        &quoted.get_or_insert_with(|| styles.text.clone().map(|f| f.set_quote_prefix()))[mark]
                    } else {
                        &styles.text[mark]
                    };
                    if t.is_empty() {
                        sheet.write_blank(r, c, format)?;
                    } else {
                        sheet.write_string_with_format(r, c, t.as_ref(), format)?;
                    }
                }
                Cell::Number(n) => {
                    sheet.write_number_with_format(r, c, n, &styles.number[mark])?;
                }
                Cell::Measure(n, rounding) => {
                    // Shown by the unit's rule; the cell keeps the plan's figure (2.75% shows
                    // 2.8 and reads 2.75), except beyond two decimals, which nothing states.
                    let format = styles.number[mark].clone().set_num_format(rounding.number_format());
                    let n =
                        if rounding == Rounding::TwoDecimals { planwatch_monitor::units::round_to(n, 2) } else { n };
                    sheet.write_number_with_format(r, c, n, &format)?;
                }
                Cell::Empty => {
                    // A blank cell with the row's format keeps borders and the highlight whole.
                    let format = match columns.get(col).map(|c| c.kind) {
                        Some(ColumnKind::Number) => &styles.number[mark],
                        _ => &styles.text[mark],
                    };
                    sheet.write_blank(r, c, format)?;
                }
            }
        }
        // Wrapped text needs a taller row, and not every program fits rows when it opens a
        // file (LibreOffice keeps the default height and long text overlaps the next rows).
        // A generous estimate reads better than a clipped one.
        if lines > 1 {
            sheet.set_row_height(r, lines as f64 * LINE_HEIGHT)?;
        }
    }

    let last_col = (columns.len().max(1) - 1) as u16;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, last_col)?;

    // Printing is common for a 任务分工表: landscape A4, one page wide, header on every page.
    sheet.set_landscape();
    sheet.set_paper_size(PAPER_A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}

/// Width of a number as General format shows it (near enough: Excel rounds long fractions).
fn number_width(n: f64) -> usize {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        // Whole numbers: digits plus a sign; no allocation on the common path.
        let mut v = n.abs() as u64;
        let mut digits = 1;
        while v >= 10 {
            v /= 10;
            digits += 1;
        }
        digits + usize::from(n < 0.0)
    } else {
        n.to_string().len().min(12)
    }
}

/// The 说明 sheet: one line per column of the data sheets, then notes on the marks.
fn write_notes_sheet(
    sheet: &mut Worksheet,
    tables: &[&Table<'_>],
    extra_notes: &[(String, String)],
) -> Result<(), XlsxError> {
    const NOTE_WIDTH: f64 = 64.0;
    let header = Format::new().set_bold().set_background_color(Color::RGB(HEADER_FILL));
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let highlight = wrap.clone().set_background_color(Color::RGB(CORRECTED_FILL));

    // Streamed sheets need widths before rows; rows get heights for wrapped notes, and the
    // sheet prints one page wide.
    sheet.set_column_width(0, 12)?;
    sheet.set_column_width(1, NOTE_WIDTH)?;
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_paper_size(PAPER_A4);

    sheet.write_string_with_format(0, 0, "列", &header)?;
    sheet.write_string_with_format(0, 1, "说明", &header)?;
    let columns = tables.iter().flat_map(|t| t.columns.iter()).map(|c| (c.header, c.note, &wrap));
    let general = [
        ("", "", &wrap),
        ("浅黄色行", "经人工更正或新增的行（见“人工更正”列）。", &highlight),
        (
            "CSV 导出",
            "与本表相同的列与内容（UTF-8 编码）。以 =、+、-、@ 开头的文字前加单引号 '，防止被表格软件当作公式执行。",
            &wrap,
        ),
        ("长文本", "超过 Excel 单元格上限（32767 字符）的文字被截断，以“…”结尾。", &wrap),
        ("生成", "planwatch", &wrap),
    ];
    let extra = extra_notes.iter().map(|(l, n)| (l.as_str(), n.as_str(), &wrap));
    for (r, (label, note, format)) in columns.chain(extra).chain(general).enumerate() {
        let r = r as u32 + 1;
        if !label.is_empty() {
            sheet.write_string_with_format(r, 0, label, format)?;
            sheet.write_string_with_format(r, 1, note, format)?;
        }
        let lines = wrapped_lines(note, (NOTE_WIDTH - CELL_PADDING) as usize, MAX_LINES);
        if lines > 1 {
            sheet.set_row_height(r, lines as f64 * LINE_HEIGHT)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::number_width;

    #[test]
    fn number_widths() {
        assert_eq!(number_width(0.0), 1);
        assert_eq!(number_width(7.0), 1);
        assert_eq!(number_width(2025.0), 4);
        assert_eq!(number_width(-18.0), 3);
        assert_eq!(number_width(1000.0), 4);
        assert_eq!(number_width(0.5), 3);
        assert_eq!(number_width(f64::NAN), 3);
    }
}

//! Reading a sheet someone filled in — CSV (UTF-8 with or without BOM, or GB18030/GBK as
//! Excel writes CSV on Chinese Windows) or XLSX — into a header and rows of trimmed cells,
//! with the cells that cannot be taken as written (dates, uncomputed formulas) marked. The
//! observation sheets ([`crate::observations::read`]) and the registry sheets
//! (planwatch-registry) both read through here; each decides what its header must hold.

use std::io::Cursor;

/// Files larger than this are refused before reading (about 2 million rows of CSV).
pub const MAX_FILE_BYTES: usize = 128 * 1024 * 1024;

/// A cell whose content is not what the sheet shows a person.
#[derive(Debug, Clone, PartialEq)]
pub enum CellIssue {
    /// A date or time, shown as written (`2027-01-01`): Excel keeps the serial day number
    /// behind it (46388), which is no figure.
    Date(String),
    /// A formula the file carries no computed value for (written by a program and never
    /// opened in Excel or WPS): its value is unknown, not blank.
    UncachedFormula(String),
}

/// Why a file could not be read at all (as opposed to problems in its rows).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FileError {
    #[error("文件为空:请填写后再导入")]
    Empty,
    #[error("文件过大({0} 字节,上限 {MAX_FILE_BYTES} 字节):请按区县或期别拆分后分别导入")]
    TooLarge(usize),
    #[error("无法读取 XLSX 文件:{0}。请用 Excel 或 WPS 另存为 .xlsx 或 CSV(UTF-8)后重试")]
    Xlsx(String),
    #[error("无法读取 CSV 文件第 {row} 行:{reason}。请检查引号和分隔符")]
    Csv { row: usize, reason: String },
    #[error("不是 CSV 或 XLSX 文件(看起来是二进制数据):请上传模板格式的 .xlsx 或 .csv 文件")]
    Binary,
    #[error("缺少必需的列:{missing}。第一行应为表头:指标代码、地区、期别、数值(可选:单位、备注)")]
    MissingColumns { missing: String },
    /// A sheet of another kind than observations lacks required columns.
    #[error("缺少必需的列:{missing}。第一行应为表头,至少包括:{expected}(请使用下载的模板)")]
    MissingHeader { missing: String, expected: String },
}

/// One data row: its 1-based row number in the sheet (the header is row 1, so messages point
/// at what the user sees in Excel), its cells by column index (trimmed; missing cells are
/// empty), and the cells that cannot be taken as written, by column index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetRow {
    pub row: usize,
    pub cells: Vec<String>,
    pub issues: Vec<(usize, CellIssue)>,
}

impl SheetRow {
    /// The cell of column `i`, empty when the row is shorter.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }
}

/// Reads a sheet by its content: a ZIP container is XLSX, anything else CSV. `accept` is given
/// the header (the first row with content; a BOM stripped) and says whether the sheet is the
/// one wanted: in a workbook the first sheet it accepts is read (templates put an instructions
/// sheet after the data); its error is returned when no sheet passes. Rows blank in every cell
/// are left out.
pub fn read<H>(
    bytes: &[u8],
    mut accept: impl FnMut(&[String]) -> Result<H, FileError>,
) -> Result<(H, Vec<SheetRow>), FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge(bytes.len()));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, &mut accept)
    } else {
        read_csv(bytes, &mut accept)
    }
}

fn read_csv<H>(
    bytes: &[u8],
    accept: &mut impl FnMut(&[String]) -> Result<H, FileError>,
) -> Result<(H, Vec<SheetRow>), FileError> {
    let text = decode_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err(FileError::Empty),
        Err(e) => return Err(csv_error(&e, 1)),
    }
    let header: Vec<String> = record.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
    let accepted = accept(&header)?;
    let mut rows = Vec::new();
    let mut row = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                row += 1;
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push(SheetRow {
                    row,
                    cells: record.iter().map(|c| c.trim().to_string()).collect(),
                    issues: Vec::new(),
                });
            }
            Err(e) => return Err(csv_error(&e, row + 1)),
        }
    }
    Ok((accepted, rows))
}

fn csv_error(e: &csv::Error, row: usize) -> FileError {
    let row = e.position().map(|p| p.line() as usize).unwrap_or(row);
    FileError::Csv { row, reason: e.to_string() }
}

/// UTF-8 (BOM stripped) when it is valid UTF-8, else GB18030; NUL bytes mean binary.
fn decode_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(FileError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(std::borrow::Cow::Borrowed(s)),
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                Err(FileError::Binary)
            } else {
                Ok(text)
            }
        }
    }
}

fn read_xlsx<H>(
    bytes: &[u8],
    accept: &mut impl FnMut(&[String]) -> Result<H, FileError>,
) -> Result<(H, Vec<SheetRow>), FileError> {
    use calamine::{Reader, Xlsx, XlsxError};
    let xlsx_error = |e: XlsxError| FileError::Xlsx(e.to_string());
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = book.sheet_names().to_vec();
    let mut last_err = None;
    for name in names {
        // One pass over the sheet's XML, value and formula of each cell together: a formula
        // without a computed value must not pass for a blank cell.
        let mut cells = match book.worksheet_cells_reader(&name) {
            Ok(c) => c,
            Err(XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => return Err(xlsx_error(e)),
        };
        let mut sheet = SheetRows { accepted: None, row: 0, cells: Vec::new(), rows: Vec::new() };
        let mut refused = false;
        while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(xlsx_error)? {
            let (text, issue) = xlsx_cell(&cell.value, cell.formula.as_ref());
            if text.is_empty() && issue.is_none() {
                continue;
            }
            if let Err(e) = sheet.cell(cell.pos.0 as usize + 1, cell.pos.1 as usize, text, issue, accept) {
                last_err = Some(e);
                refused = true;
                break;
            }
        }
        if refused {
            continue;
        }
        if let Err(e) = sheet.end_row(accept) {
            last_err = Some(e);
            continue;
        }
        if let Some(h) = sheet.accepted {
            return Ok((h, sheet.rows));
        }
    }
    Err(match last_err {
        Some(e) => e,
        // No sheet had a header at all: what the caller says of an empty one.
        None => match accept(&[]) {
            Err(e) => e,
            Ok(_) => FileError::Empty,
        },
    })
}

/// The text of an XLSX cell as a person sees it, and why it cannot be taken as written.
fn xlsx_cell(
    value: &calamine::DataRef<'_>,
    formula: Option<&calamine::XlsxFormulaMetadata>,
) -> (String, Option<CellIssue>) {
    use calamine::DataRef;
    let text = match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        // Integers typed as numbers: 2025 (a year) must read as "2025", not "2025.0".
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => format!("{f}"),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => {
            let (y, m, day, h, min, sec, _) = d.to_ymd_hms_milli();
            let shown = if d.is_duration() {
                format!("{}", d.as_f64())
            } else if (h, min, sec) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
            };
            return (shown.clone(), Some(CellIssue::Date(shown)));
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            return (s.clone(), Some(CellIssue::Date(s.clone())));
        }
        DataRef::Error(e) => e.to_string(),
    };
    match formula {
        Some(f) if text.is_empty() => {
            let written = match f {
                calamine::XlsxFormulaMetadata::Normal { formula }
                | calamine::XlsxFormulaMetadata::Shared { formula, .. } => format!("={formula}"),
                _ => "(公式)".to_string(),
            };
            (written.clone(), Some(CellIssue::UncachedFormula(written)))
        }
        _ => (text, None),
    }
}

/// Rows of one sheet assembled from its cells, which arrive row by row: the first row with
/// content is the header.
struct SheetRows<H> {
    accepted: Option<H>,
    /// The row being assembled: its number and its cells by column index.
    row: usize,
    cells: Vec<(usize, String, Option<CellIssue>)>,
    rows: Vec<SheetRow>,
}

impl<H> SheetRows<H> {
    fn cell(
        &mut self,
        row: usize,
        col: usize,
        text: String,
        issue: Option<CellIssue>,
        accept: &mut impl FnMut(&[String]) -> Result<H, FileError>,
    ) -> Result<(), FileError> {
        if row != self.row {
            self.end_row(accept)?;
            self.row = row;
        }
        self.cells.push((col, text, issue));
        Ok(())
    }

    fn end_row(&mut self, accept: &mut impl FnMut(&[String]) -> Result<H, FileError>) -> Result<(), FileError> {
        if self.cells.is_empty() {
            return Ok(());
        }
        let cells = std::mem::take(&mut self.cells);
        let width = cells.iter().map(|(c, _, _)| c + 1).max().unwrap_or(0);
        let mut texts = vec![String::new(); width];
        let mut issues = Vec::new();
        for (c, text, issue) in cells {
            texts[c] = text;
            if let Some(issue) = issue {
                issues.push((c, issue));
            }
        }
        if self.accepted.is_none() {
            self.accepted = Some(accept(&texts)?);
        } else {
            // A cell with an issue shows as written (`=A2`), so its row is never blank.
            self.rows.push(SheetRow { row: self.row, cells: texts, issues });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(header: &[String]) -> Result<Vec<String>, FileError> {
        if header.iter().any(|h| h == "名称") {
            Ok(header.to_vec())
        } else {
            Err(FileError::MissingHeader { missing: "名称".into(), expected: "名称".into() })
        }
    }

    #[test]
    fn csv_rows_keep_every_column_and_skip_blank_rows() {
        let (header, rows) = read("\u{feff}名称, 其他 \n甲 ,1\n,\n乙\n".as_bytes(), names).unwrap();
        assert_eq!(header, ["名称", "其他"]);
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].cell(0), rows[0].cell(1)), (2, "甲", "1"));
        assert_eq!((rows[1].row, rows[1].cell(0), rows[1].cell(1)), (4, "乙", ""));
        let err = read(b"a,b\n1,2\n", names).unwrap_err();
        assert!(err.to_string().contains("缺少必需的列:名称"), "{err}");
    }

    #[test]
    fn the_first_accepted_sheet_of_a_workbook_is_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let notes = book.add_worksheet();
        notes.write(0, 0, "说明").unwrap();
        let data = book.add_worksheet();
        data.write(0, 0, "名称").unwrap();
        data.write(1, 0, "甲").unwrap();
        data.write(1, 2, 3).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let (_, rows) = read(&bytes, names).unwrap();
        assert_eq!(rows, vec![SheetRow { row: 2, cells: vec!["甲".into(), "".into(), "3".into()], issues: vec![] }]);
    }
}

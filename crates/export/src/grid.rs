//! Free-form tables as XLSX and CSV: what a page shows as a table (a ranking, an indicator's
//! district values, the audit log) exported with the same sheet conventions as the 任务分工表
//! (zh-CN header, frozen header with an autofilter, formula-safe text, A4 landscape with the
//! header repeated on every printed page, a 说明 sheet).
//!
//! ```
//! use planwatch_export::{grid_xlsx, Grid, GridCell, GridColumn};
//!
//! let grid = Grid {
//!     title: "区县创新活跃指数 2025Q3".into(),
//!     columns: vec![GridColumn::number("名次", "按得分由高到低。"), GridColumn::text("地区", "区县名称。")],
//!     rows: vec![vec![GridCell::Number(1.0), GridCell::Text("渝北区".into())]],
//!     notes: vec![],
//! };
//! assert!(grid_xlsx(&grid)?.starts_with(b"PK"));
//! # Ok::<(), planwatch_export::ExportError>(())
//! ```

use crate::{Cell, Column, ColumnKind, ExportError, Record, Table};
use std::borrow::Cow;

/// One column of a [`Grid`].
#[derive(Debug, Clone, PartialEq)]
pub struct GridColumn {
    pub header: String,
    pub number: bool,
    /// What the column means, for the 说明 sheet.
    pub note: String,
}

impl GridColumn {
    pub fn text(header: &str, note: &str) -> Self {
        GridColumn { header: header.into(), number: false, note: note.into() }
    }
    pub fn number(header: &str, note: &str) -> Self {
        GridColumn { header: header.into(), number: true, note: note.into() }
    }
}

/// One cell of a [`Grid`].
#[derive(Debug, Clone, PartialEq)]
pub enum GridCell {
    Text(String),
    Number(f64),
    Empty,
}

/// A table as a page shows it. `title` names the sheet and the workbook; `notes` are extra
/// lines of the 说明 sheet (label, text), e.g. which values were left out and why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub title: String,
    pub columns: Vec<GridColumn>,
    pub rows: Vec<Vec<GridCell>>,
    pub notes: Vec<(String, String)>,
}

/// A row and the number of columns: short rows are padded with blanks, long ones cut, so
/// every format gets a rectangle.
struct GridRow<'a>(&'a [GridCell], usize);

impl Record for GridRow<'_> {
    fn cells(&self, _seq: usize) -> Vec<Cell<'_>> {
        self.0
            .iter()
            .chain(std::iter::repeat(&GridCell::Empty))
            .take(self.1)
            .map(|c| match c {
                GridCell::Text(t) => Cell::Text(Cow::Borrowed(t)),
                // A NaN or infinity is no figure: written blank, never as "NaN".
                GridCell::Number(n) if n.is_finite() => Cell::Number(*n),
                GridCell::Number(_) | GridCell::Empty => Cell::Empty,
            })
            .collect()
    }
    fn corrected(&self) -> bool {
        false
    }
}

fn columns(grid: &Grid) -> Vec<Column<'_>> {
    grid.columns
        .iter()
        .map(|c| Column {
            header: &c.header,
            kind: if c.number { ColumnKind::Number } else { ColumnKind::Text },
            min_width: 8.0,
            max_width: if c.number { 16.0 } else { 48.0 },
            note: &c.note,
        })
        .collect()
}

fn rows(grid: &Grid) -> Vec<GridRow<'_>> {
    grid.rows.iter().map(|r| GridRow(r, grid.columns.len())).collect()
}

/// The grid as an XLSX workbook (data sheet and 说明 sheet).
pub fn grid_xlsx(grid: &Grid) -> Result<Vec<u8>, ExportError> {
    let columns = columns(grid);
    let table = Table { default_sheet: "数据", columns: &columns };
    crate::xlsx::workbook_with_notes(&table, &grid.title, &rows(grid), &grid.notes)
}

/// Several grids as one XLSX workbook: a data sheet per grid (named by its title, in order) and
/// one 说明 sheet with the columns of all and the notes of every grid.
pub fn grids_xlsx(grids: &[Grid]) -> Result<Vec<u8>, ExportError> {
    let columns: Vec<Vec<Column<'_>>> = grids.iter().map(columns).collect();
    let tables: Vec<Table<'_>> = columns.iter().map(|c| Table { default_sheet: "数据", columns: c }).collect();
    let rows: Vec<Vec<GridRow<'_>>> = grids.iter().map(rows).collect();
    let sheets: Vec<(&Table<'_>, &str, &[GridRow<'_>])> =
        grids.iter().zip(&tables).zip(&rows).map(|((g, t), r)| (t, g.title.as_str(), r.as_slice())).collect();
    let notes: Vec<(String, String)> = grids.iter().flat_map(|g| g.notes.iter().cloned()).collect();
    crate::xlsx::workbook_of_sheets(&sheets, &notes)
}

/// The grid as CSV (UTF-8 with a BOM), the same cells as the XLSX sheet.
pub fn grid_csv(grid: &Grid) -> Result<Vec<u8>, ExportError> {
    let columns = columns(grid);
    let table = Table { default_sheet: "数据", columns: &columns };
    crate::delimited::csv(&table, &rows(grid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_keep_their_cells_and_refuse_nothing_odd() {
        let grid = Grid {
            title: "=HYPERLINK(\"x\")".into(),
            columns: vec![GridColumn::text("地区", ""), GridColumn::number("数值", "")],
            rows: vec![
                vec![GridCell::Text("=1+1".into()), GridCell::Number(f64::NAN)],
                vec![GridCell::Text("包河区".into()), GridCell::Number(12.5)],
                // A short row: the missing cells are blank.
                vec![GridCell::Empty],
            ],
            notes: vec![("待核实".into(), "未计入。".into())],
        };
        let csv = String::from_utf8(grid_csv(&grid).unwrap()).unwrap();
        assert!(csv.contains("'=1+1,\r\n"), "{csv}");
        assert!(csv.contains("包河区,12.5\r\n"), "{csv}");
        assert!(grid_xlsx(&grid).unwrap().starts_with(b"PK"));
        assert!(grid_xlsx(&Grid::default()).unwrap().starts_with(b"PK"));
    }

    #[test]
    fn several_grids_are_sheets_of_one_workbook() {
        let sheet = |title: &str, cell: &str| Grid {
            title: title.into(),
            columns: vec![GridColumn::text("列", "")],
            rows: vec![vec![GridCell::Text(cell.into())]],
            notes: vec![],
        };
        // Two titles that clash and an empty one: every sheet gets a distinct name.
        let book = grids_xlsx(&[sheet("地区比较", "甲"), sheet("地区比较", "乙"), sheet("", "丙")]).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
        let mut wb = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut wb).unwrap();
        for name in ["地区比较", "数据2", "数据3", "说明"] {
            assert!(wb.contains(&format!("name=\"{name}\"")), "{name} missing: {wb}");
        }
        assert_eq!(wb.matches("<sheet ").count(), 4, "{wb}");
        assert!(grids_xlsx(&[]).unwrap().starts_with(b"PK"));
    }
}

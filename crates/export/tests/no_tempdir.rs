//! Without a usable temporary directory the workbook is still written (in memory instead of
//! streamed), with the same cells. A test binary of its own, because it changes `TMPDIR` for
//! the whole process.

mod common;

use common::*;
use planwatch_export::tasks_xlsx;

#[test]
fn xlsx_without_a_temp_dir_has_the_same_cells() {
    let rows = sample_tasks();
    let streamed = tasks_xlsx(PLAN, &rows).unwrap();
    // The only test in this binary, so no other thread reads the environment meanwhile.
    std::env::set_var("TMPDIR", "/nonexistent/planwatch-export-test");
    let in_memory = tasks_xlsx(PLAN, &rows).unwrap();
    std::env::remove_var("TMPDIR");

    // Streamed sheets use inline strings, in-memory ones the shared string table.
    assert!(unzip(&streamed, "xl/worksheets/sheet1.xml").contains(r#"t="inlineStr""#));
    assert!(unzip(&in_memory, "xl/worksheets/sheet1.xml").contains(r#"t="s""#));
    assert_eq!(read_sheet(&streamed, 0), read_sheet(&in_memory, 0));
    assert_eq!(read_sheet(&streamed, 1), read_sheet(&in_memory, 1));
}

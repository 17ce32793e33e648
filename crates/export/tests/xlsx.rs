//! XLSX: written, unzipped and read back with calamine.

mod common;

use calamine::Data;
use common::*;
use planwatch_export::{targets_xlsx, tasks_xlsx, ExportError, TargetRow, TaskRow};

fn assert_grid(grid: &[Vec<Data>], headers: &[&str], rows: &[Vec<Want>]) {
    assert_eq!(grid.len(), rows.len() + 1, "header plus one line per row");
    for (c, h) in headers.iter().enumerate() {
        assert_eq!(grid[0].get(c), Some(&Data::String(h.to_string())), "header {c}");
    }
    assert!(grid[0].len() == headers.len(), "no extra columns: {:?}", grid[0]);
    for (r, want) in rows.iter().enumerate() {
        let got = &grid[r + 1];
        assert!(got.len() <= want.len(), "row {r}: extra cells {got:?}");
        for (c, w) in want.iter().enumerate() {
            assert!(same(got.get(c), w), "row {r} col {} ({}): got {:?}, want {w:?}", c, headers[c], got.get(c));
        }
    }
}

#[test]
fn tasks_round_trip_through_calamine() {
    let rows = sample_tasks();
    let bytes = tasks_xlsx(PLAN, &rows).unwrap();
    let (names, grid) = read_sheet(&bytes, 0);
    assert_eq!(names, vec![PLAN.to_string(), "说明".to_string()]);
    let want: Vec<_> = rows.iter().enumerate().map(|(i, r)| task_cells(r, i + 1)).collect();
    assert_grid(&grid, &TASK_HEADERS, &want);
}

#[test]
fn targets_round_trip_with_numbers_as_numbers() {
    let rows = sample_targets();
    let bytes = targets_xlsx("目标台账", &rows).unwrap();
    let (names, grid) = read_sheet(&bytes, 0);
    assert_eq!(names[0], "目标台账");
    let want: Vec<_> = rows.iter().enumerate().map(|(i, r)| target_cells(r, i + 1)).collect();
    assert_grid(&grid, &TARGET_HEADERS, &want);
    // Spot checks in plain words: value and year are numbers, None is an empty cell.
    assert_eq!(grid[1][4], Data::Float(10_000.0));
    assert_eq!(grid[1][7], Data::Float(2025.0));
    assert_eq!(grid[3][4], Data::Float(-13.5));
    assert_eq!(grid[2][8], Data::Empty);
}

#[test]
fn header_is_frozen_and_filtered() {
    let bytes = tasks_xlsx("任务分工表", &many_tasks(5)).unwrap();
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#), "{sheet}");
    assert!(sheet.contains(r#"<autoFilter ref="A1:K6"/>"#), "autofilter over header and rows");
    // Widths were set, up to the last column.
    assert!(sheet.contains(r#"<col min="9" max="9" width="#), "{sheet}");
    let workbook = unzip(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm._FilterDatabase"), "Excel needs the filter's defined name");
    assert!(workbook.contains("_xlnm.Print_Titles"), "header repeats on printed pages");
    // Rows with wrapped source text are made tall enough for it (LibreOffice does not fit
    // rows itself), and the header row is not.
    let row_tag = |r: usize| {
        let at = sheet.find(&format!(r#"<row r="{r}""#)).expect("row");
        sheet[at..at + sheet[at..].find('>').unwrap()].to_string()
    };
    assert!(row_tag(2).contains(r#"ht="45" customHeight="1""#), "{}", row_tag(2));
    assert!(!row_tag(1).contains("ht="), "{}", row_tag(1));
}

/// The fill of the style a cell uses, found through styles.xml as Excel would.
fn cell_fill(sheet: &str, styles: &str, cell_ref: &str) -> String {
    let at = sheet.find(&format!(r#"<c r="{cell_ref}""#)).unwrap_or_else(|| panic!("cell {cell_ref}"));
    let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
    let xf: usize = tag.split(r#"s=""#).nth(1).map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap());
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xf_tag = xfs.split("<xf ").nth(xf + 1).expect("xf");
    let fill_id: usize =
        xf_tag.split(r#"fillId=""#).nth(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).unwrap();
    let fills = &styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()];
    fills.split("<fill>").nth(fill_id + 1).expect("fill").to_string()
}

#[test]
fn corrected_rows_are_marked_and_highlighted() {
    let rows = sample_tasks();
    let bytes = tasks_xlsx("t", &rows).unwrap();
    let (_, grid) = read_sheet(&bytes, 0);
    assert_eq!(grid[1][10], Data::Empty);
    assert_eq!(grid[2][10], Data::String("已更正".into()));
    assert_eq!(grid[3][10], Data::String("人工新增".into()));

    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    let styles = unzip(&bytes, "xl/styles.xml");
    const YELLOW: &str = "FFFFF2CC";
    // Every cell of a corrected row is yellow, including empty ones; other rows are not.
    for col in ["A", "B", "D", "E", "F", "H", "K"] {
        assert!(cell_fill(&sheet, &styles, &format!("{col}3")).contains(YELLOW), "{col}3");
        assert!(cell_fill(&sheet, &styles, &format!("{col}4")).contains(YELLOW), "{col}4");
        assert!(!cell_fill(&sheet, &styles, &format!("{col}2")).contains(YELLOW), "{col}2");
        assert!(!cell_fill(&sheet, &styles, &format!("{col}5")).contains(YELLOW), "{col}5");
    }

    let targets = targets_xlsx("t", &sample_targets()).unwrap();
    let sheet = unzip(&targets, "xl/worksheets/sheet1.xml");
    let styles = unzip(&targets, "xl/styles.xml");
    assert!(cell_fill(&sheet, &styles, "E3").contains(YELLOW), "numeric cell of a corrected target");
    assert!(cell_fill(&sheet, &styles, "I3").contains(YELLOW), "empty cell of a corrected target");
    assert!(!cell_fill(&sheet, &styles, "E2").contains(YELLOW));
}

#[test]
fn formula_like_text_stays_text() {
    let rows = sample_tasks();
    let bytes = tasks_xlsx("t", &rows).unwrap();
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula cells");
    let (_, grid) = read_sheet(&bytes, 0);
    assert_eq!(grid[3][3], Data::String(rows[2].task.clone()));
    assert_eq!(grid[3][4], Data::String(rows[2].content.clone()));
    assert_eq!(grid[3][5], Data::String("@市财政局".into()));
    assert_eq!(grid[3][6], Data::String("-市审计局".into()));
    assert_eq!(grid[3][7], Data::String("+持续推进".into()));
    // Such cells also carry the quote prefix, so editing them in Excel keeps them text.
    let styles = unzip(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"quotePrefix="1""#));
}

#[test]
fn empty_rows_give_a_header_only_sheet() {
    let bytes = tasks_xlsx("", &[]).unwrap();
    let (names, grid) = read_sheet(&bytes, 0);
    assert_eq!(names, vec!["任务分工表".to_string(), "说明".to_string()]);
    assert_eq!(grid.len(), 1);
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<autoFilter ref="A1:K1"/>"#));
    assert!(sheet.contains(r#"state="frozen""#));

    let bytes = targets_xlsx("", &[]).unwrap();
    let (names, grid) = read_sheet(&bytes, 0);
    assert_eq!(names[0], "目标台账");
    assert_eq!(grid.len(), 1);
    assert_eq!(grid[0].len(), TARGET_HEADERS.len());
}

#[test]
fn sheet_names_are_made_safe() {
    for (title, want) in [
        ("规划/任务:分工[2025]*?\\", "规划_任务_分工_2025____"),
        ("说明", "任务分工表"),
        ("history", "任务分工表"),
        ("'引号'", "引号"),
        (
            "扬州市“十四五”先进制造业集群发展规划任务分工表（征求意见稿）附件1",
            "扬州市“十四五”先进制造业集群发展规划任务分工表（征求意见稿）",
        ),
    ] {
        let bytes = tasks_xlsx(title, &sample_tasks()).unwrap();
        let (names, _) = read_sheet(&bytes, 0);
        assert_eq!(names[0], want, "title {title:?}");
        assert!(names[0].encode_utf16().count() <= 31);
    }
}

#[test]
fn notes_sheet_lists_every_column() {
    let bytes = targets_xlsx("t", &[]).unwrap();
    let (_, grid) = read_sheet(&bytes, 1);
    for (i, h) in TARGET_HEADERS.iter().enumerate() {
        assert_eq!(grid[i + 1][0], Data::String(h.to_string()));
        assert!(matches!(&grid[i + 1][1], Data::String(s) if !s.is_empty()));
    }
    let bytes = tasks_xlsx("t", &[]).unwrap();
    let (_, grid) = read_sheet(&bytes, 1);
    for (i, h) in TASK_HEADERS.iter().enumerate() {
        assert_eq!(grid[i + 1][0], Data::String(h.to_string()));
        assert!(matches!(&grid[i + 1][1], Data::String(s) if !s.is_empty()));
    }
    assert!(matches!(&grid[8][1], Data::String(s) if s.contains("不作推断")), "{:?}", grid[8]);
}

#[test]
fn task_content_and_deadline_are_columns_of_their_own() {
    let rows = sample_tasks();
    let bytes = tasks_xlsx("t", &rows).unwrap();
    let (_, grid) = read_sheet(&bytes, 0);
    assert_eq!(grid[0][4], Data::String("任务内容".into()));
    assert_eq!(grid[0][7], Data::String("完成时限".into()));
    // Multi-line content reads back whole, in one cell.
    assert_eq!(
        grid[1][4],
        Data::String(
            "实施智能制造提升工程。\n1)推动规上工业企业数字化改造全覆盖。\n2)2025年底前建成智能工厂50家。".into()
        )
    );
    assert_eq!(grid[1][7], Data::String("2025年底前".into()));
    assert_eq!(grid[2][7], Data::String("到2025年".into()));
    // No deadline in the text: an empty cell, never a guess.
    assert_eq!(grid[4][7], Data::Empty);
    assert_eq!(grid[4][4], Data::Empty);
}

#[test]
fn document_properties_name_the_tool() {
    let bytes = tasks_xlsx(PLAN, &[]).unwrap();
    let core = unzip(&bytes, "docProps/core.xml");
    assert!(core.contains(&format!("<dc:title>{PLAN}</dc:title>")), "{core}");
    assert!(core.contains("<dc:creator>planwatch</dc:creator>"), "{core}");
    assert!(core.contains("<dc:subject>任务分工表</dc:subject>"), "{core}");
}

#[test]
fn over_long_text_is_cut_not_refused() {
    let mut rows = sample_tasks();
    rows[0].source = "长".repeat(40_000);
    rows[1].task = "😀".repeat(20_000); // two UTF-16 units each
    let bytes = tasks_xlsx("t", &rows).unwrap();
    let (_, grid) = read_sheet(&bytes, 0);
    for cell in [&grid[1][8], &grid[2][3]] {
        let Data::String(s) = cell else { panic!("text cell") };
        assert!(s.ends_with('…'));
        assert_eq!(s.encode_utf16().count(), 32_767);
    }
    assert!(matches!(&grid[1][8], Data::String(s) if s.starts_with("长长长")));
}

#[test]
fn odd_numbers_and_characters_do_not_fail() {
    let mut rows = sample_targets();
    rows[0].value = f64::NAN;
    rows[1].value = f64::INFINITY;
    rows[1].value_max = Some(f64::MAX);
    rows[2].indicator = "非字符\u{FFFE}\u{FFFF}".into();
    rows[2].year = Some(i32::MIN);
    let bytes = targets_xlsx("\u{0}\u{7}", &rows).unwrap();
    let (names, grid) = read_sheet(&bytes, 0);
    assert_eq!(names[0], "目标台账");
    assert_eq!(grid[2][5], Data::Float(f64::MAX));
    assert_eq!(grid[3][3], Data::String("非字符\u{FFFD}\u{FFFD}".into()));
    assert_eq!(grid[3][7], Data::Float(f64::from(i32::MIN)));
}

#[test]
fn many_rows_are_fine() {
    let rows = many_tasks(2_000);
    let bytes = tasks_xlsx("t", &rows).unwrap();
    let (_, grid) = read_sheet(&bytes, 0);
    assert_eq!(grid.len(), 2_001);
    assert!(same(grid[2_000].get(3), &Want::Text(rows[1_999].task.clone())));
}

#[test]
fn too_many_rows_is_an_error_not_a_panic() {
    // Empty strings do not allocate, so a million rows cost ~200 MB briefly and no time:
    // the limit is checked before anything is written.
    let empty = TaskRow {
        plan: String::new(),
        section: String::new(),
        task: String::new(),
        content: String::new(),
        lead: vec![],
        responsible: vec![],
        deadline: None,
        source: String::new(),
        span: [0, 0],
        correction: None,
    };
    let rows = vec![empty; 1_048_576];
    let err = tasks_xlsx("t", &rows).unwrap_err();
    assert!(matches!(err, ExportError::TooManyRows { rows: 1_048_576, max: 1_048_575 }), "{err:?}");
    assert_eq!(err.to_string(), "1048576 rows do not fit in one Excel sheet (at most 1048575)");
    let _: Vec<TargetRow> = Vec::new();
}

/// The number format a cell shows its value with ("General" when none is set).
fn cell_num_format(sheet: &str, styles: &str, cell_ref: &str) -> String {
    let at = sheet.find(&format!(r#"<c r="{cell_ref}""#)).unwrap_or_else(|| panic!("cell {cell_ref}"));
    let tag = &sheet[at..at + sheet[at..].find('>').unwrap()];
    let xf: usize = tag.split(r#"s=""#).nth(1).map_or(0, |s| s[..s.find('"').unwrap()].parse().unwrap());
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xf_tag = xfs.split("<xf ").nth(xf + 1).expect("xf");
    let id: usize = xf_tag.split(r#"numFmtId=""#).nth(1).map(|s| s[..s.find('"').unwrap()].parse().unwrap()).unwrap();
    match id {
        0 => "General".into(),
        1 => "0".into(),
        _ => {
            let fmts = &styles[styles.find("<numFmts").expect("numFmts")..];
            let at = fmts.find(&format!(r#"numFmtId="{id}""#)).expect("numFmt");
            let code = fmts[at..].split(r#"formatCode=""#).nth(1).unwrap();
            code[..code.find('"').unwrap()].to_string()
        }
    }
}

#[test]
fn ledger_values_are_shown_rounded_by_their_unit() {
    let mut rows = sample_targets();
    rows.truncate(1);
    let mut count = rows[0].clone();
    count.indicator = "高新技术企业数量".into();
    count.unit = "家".into();
    count.value = 12.0;
    count.baseline_value = Some(7.4);
    let mut share = rows[0].clone();
    share.indicator = "研发经费投入强度".into();
    share.unit = "%".into();
    share.value = 45.55;
    share.baseline_value = None;
    let mut money = rows[0].clone();
    money.value = 1318.456;
    rows = vec![count, share, money];
    let bytes = planwatch_export::targets_xlsx("目标台账", &rows).unwrap();
    let sheet = unzip(&bytes, "xl/worksheets/sheet1.xml");
    let styles = unzip(&bytes, "xl/styles.xml");
    // 目标值 is column E, 基期值 column I.
    assert_eq!(cell_num_format(&sheet, &styles, "E2"), "0", "12.0 家 shows 12");
    assert_eq!(cell_num_format(&sheet, &styles, "I2"), "0", "a count's baseline too");
    assert_eq!(cell_num_format(&sheet, &styles, "E3"), "0.0", "45.55% shows 45.6");
    assert_eq!(cell_num_format(&sheet, &styles, "E4"), "General");
    // Money keeps at most two decimals; a count and a share keep the plan's figure.
    let (_, grid) = read_sheet(&bytes, 0);
    assert_eq!(grid[3][4], calamine::Data::Float(1318.46));
    assert_eq!(grid[2][4], calamine::Data::Float(45.55));
}

//! The observation template a district fills in: one row per indicator it reports, its
//! place and period already written, the value left blank, with Excel data validation so
//! most mistakes are caught while typing. The columns are the ones `planwatch observations
//! import` reads (指标代码, 地区, 期别, 数值, 单位, 备注); the other columns are for the reader.

use crate::ExportError;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatBorder, Formula, Workbook,
};
use serde::Serialize;

/// One indicator to report.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub place: String,
    pub period: String,
    /// The place's value of the previous period, shown for reference.
    pub previous: Option<f64>,
    /// Where the indicator comes from (the plan target sentence), shown for reference.
    pub source: String,
}

const HEADERS: [(&str, f64); 9] = [
    ("指标代码", 14.0),
    ("指标名称", 34.0),
    ("地区", 14.0),
    ("期别", 10.0),
    ("数值", 14.0),
    ("单位", 8.0),
    ("备注", 24.0),
    ("上期值(参考)", 14.0),
    ("规划依据(参考)", 60.0),
];

/// The template as XLSX bytes. `title` heads the instructions sheet.
pub fn observation_template(title: &str, rows: &[TemplateRow]) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color("#DDEBF7").set_border(FormatBorder::Thin);
    let locked = Format::new().set_background_color("#F2F2F2");
    let input = Format::new().set_background_color("#FFF2CC").set_num_format("0.00##");
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("填报")?;
    for (c, (h, w)) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &header)?;
        sheet.set_column_width(c as u16, *w)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string_with_format(row, 0, &r.code, &locked)?;
        sheet.write_string_with_format(row, 1, &r.name, &locked)?;
        sheet.write_string_with_format(row, 2, &r.place, &locked)?;
        sheet.write_string_with_format(row, 3, &r.period, &locked)?;
        sheet.write_blank(row, 4, &input)?;
        sheet.write_string_with_format(row, 5, &r.unit, &locked)?;
        if let Some(p) = r.previous {
            sheet.write_number(row, 7, p)?;
        }
        sheet.write_string_with_format(
            row,
            8,
            crate::text::cell_text(std::borrow::Cow::Borrowed(&r.source)).as_ref(),
            &wrap,
        )?;
    }
    let last = rows.len().max(1) as u32;
    sheet.set_freeze_panes(1, 0)?;
    // Who filled it in and who checked it, as the paper form has it. The block sits below the
    // rows with 数值 left empty, so an import skips its lines like any row without a value.
    let label = Format::new().set_bold();
    let line = Format::new().set_border_bottom(FormatBorder::Thin);
    let sign = last + 2;
    for (col, text) in [(0u16, "填报人(签字):"), (2, "审核人(签字):"), (6, "联系电话:")] {
        sheet.write_string_with_format(sign, col, text, &label)?;
        sheet.write_blank(sign, col + 1, &line)?;
    }
    sheet.write_string_with_format(sign + 1, 0, "填报日期:", &label)?;
    sheet.write_blank(sign + 1, 1, &line)?;
    sheet.write_string_with_format(sign + 1, 2, "单位(盖章):", &label)?;
    sheet.write_blank(sign + 1, 3, &line)?;
    // Printed on A4 landscape, one page wide, the header row on every page.
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_header(format!("&C&\"-,Bold\"{}", title.replace('&', "&&")));
    sheet.set_footer("&C第 &P 页,共 &N 页");
    // A number in 数值; anything else is refused while typing.
    let number = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1.0e15, 1.0e15))
        .set_input_title("数值")?
        .set_input_message("只填数字,单位见“单位”列;没有数据请留空")?
        .set_error_title("不是数字")?
        .set_error_message("请只填写数字(可带小数点)。单位不要写进数值。")?;
    sheet.add_data_validation(1, 4, last, 4, &number)?;
    // Indicator codes from the list sheet; a warning (not a stop) so a pasted block still goes in.
    if !rows.is_empty() {
        let codes = DataValidation::new()
            .allow_list_formula(Formula::new(format!("=指标说明!$A$2:$A${}", rows.len() + 1)))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("未知指标代码")?
            .set_error_message("指标代码应取自“指标说明”页")?;
        sheet.add_data_validation(1, 0, last, 0, &codes)?;
    }
    let mut periods: Vec<&str> = rows.iter().map(|r| r.period.as_str()).collect();
    periods.sort_unstable();
    periods.dedup();
    let mut places: Vec<&str> = rows.iter().map(|r| r.place.as_str()).collect();
    places.sort_unstable();
    places.dedup();
    for (col, values, what) in [(3u16, &periods, "期别"), (2u16, &places, "地区")] {
        let joined: usize = values.iter().map(|v| v.chars().count() + 1).sum();
        // Excel's inline list is limited to 255 characters.
        if !values.is_empty() && joined < 255 {
            let list = DataValidation::new()
                .allow_list_strings(values)?
                .set_error_title(format!("{what}不符"))?
                .set_error_message(format!("本模板只收{what}:{}", values.join("、")))?;
            sheet.add_data_validation(1, col, last, col, &list)?;
        }
    }

    let list = book.add_worksheet();
    list.set_name("指标说明")?;
    for (c, (h, w)) in [("指标代码", 14.0), ("指标名称", 34.0), ("单位", 8.0), ("规划依据", 80.0)].iter().enumerate()
    {
        list.write_string_with_format(0, c as u16, *h, &header)?;
        list.set_column_width(c as u16, *w)?;
    }
    let mut seen = std::collections::HashSet::new();
    let mut n = 0u32;
    for r in rows.iter().filter(|r| seen.insert(r.code.as_str())) {
        n += 1;
        list.write_string(n, 0, &r.code)?;
        list.write_string(n, 1, &r.name)?;
        list.write_string(n, 2, &r.unit)?;
        list.write_string_with_format(
            n,
            3,
            crate::text::cell_text(std::borrow::Cow::Borrowed(&r.source)).as_ref(),
            &wrap,
        )?;
    }

    let help = book.add_worksheet();
    help.set_name("填报说明")?;
    help.set_column_width(0, 100.0)?;
    let lines = [
        title.to_string(),
        String::new(),
        "1. 只在“填报”页黄色的“数值”列填写数字;其他灰色列已预填,请勿改动。".into(),
        "2. 数值的单位以“单位”列为准(如亿元),请先换算,不要把单位写进数值。".into(),
        "3. 没有数据的指标留空即可,导入时跳过;不要填 0 代替“无数据”。".into(),
        "4. 期别写法:月度 2025-03,季度 2025Q1,年度 2025。".into(),
        "5. 导入前可先“试导入”(planwatch observations import 文件 --dry-run,或网页上勾选“仅检查”),".into(),
        "   系统会列出每一处错误(行号、列、原因、改法);整份文件无误才会入库。".into(),
        "6. 与本地区历史数据相差过大的数值会被标记为“待核实”,照常入库,请在“备注”列说明原因。".into(),
        "7. “填报”页按 A4 横向打印;在表尾填写填报人、审核人、联系电话和日期,签字盖章后存档。".into(),
    ];
    for (i, l) in lines.iter().enumerate() {
        help.write_string(i as u32, 0, l)?;
    }
    Ok(book.save_to_buffer()?)
}

//! Indicator tables of 专栏: rows `序号 指标名称(单位) 基期值 目标值 [属性]`, with cells separated by
//! tabs or run together as text exports of web pages leave them; and baselines carried from a
//! table row to the text targets that restate it.

use super::Ctx;
use crate::doc::LineKind;
use crate::extract::text::Has;
use crate::model::Target;

pub(super) fn is_table_row_region(headers: &[Option<(usize, i32, i32)>], ctx: &Ctx, line: usize) -> bool {
    let Some(b) = ctx.doc.lines[line].in_box else { return false };
    headers[b].is_some_and(|(h, _, _)| line >= h)
}

/// The header line of an indicator table in box `b`: (line, baseline year, target year).
pub(super) fn table_header(ctx: &Ctx, b: usize) -> Option<(usize, i32, i32)> {
    let bx = &ctx.doc.boxes[b];
    for i in bx.first_line..bx.end_line {
        let t = ctx.doc.line_text(i);
        if !t.has("指标") {
            continue;
        }
        let years: Vec<i32> = (0..t.len().saturating_sub(5))
            .filter(|&k| {
                t.is_char_boundary(k)
                    && t[k..].len() >= 7
                    && t.as_bytes()[k..k + 4].iter().all(u8::is_ascii_digit)
                    && t[k + 4..].starts_with('年')
            })
            .filter_map(|k| t[k..k + 4].parse().ok())
            .collect();
        if years.len() >= 2 {
            return Some((i, years[0], *years.last().unwrap_or(&years[0])));
        }
    }
    None
}

/// Reads an indicator table: rows `序号 指标名称(单位) 基期值 目标值 [属性]`, with cells separated
/// by tabs, or run together as text exports of web pages leave them (`5科技型企业(家)2637145000预期性`).
pub(super) fn indicator_table(
    ctx: &Ctx,
    b: usize,
    (header, base_year, target_year): (usize, i32, i32),
    text_values: &[(f64, String, Option<i32>)],
    out: &mut Vec<Target>,
) {
    // Only figures the text sets for the table's own target year can confirm a split.
    let text_values: Vec<(f64, String, Option<i32>)> =
        text_values.iter().filter(|t| t.2 == Some(target_year)).cloned().collect();
    let text_values = &text_values[..];
    let bx = &ctx.doc.boxes[b];
    let mut seq = 1u32;
    for i in header + 1..bx.end_line {
        let line = &ctx.doc.lines[i];
        if line.kind == LineKind::Blank {
            continue;
        }
        let row = ctx.doc.line_text(i);
        let Some(parsed) = parse_row(row, seq, text_values) else { continue };
        seq += 1;
        let kind = ctx.dicts.cues.targets.unit_at(&parsed.unit).map_or("count", |(_, k)| k);
        let text = row.to_string();
        out.push(Target {
            year: Some(target_year),
            indicator: parsed.name,
            value: parsed.target,
            value_max: None,
            unit: parsed.unit,
            qualifier: parsed.qualifier,
            kind: kind.to_string(),
            baseline_year: parsed.baseline.map(|_| base_year),
            baseline_value: parsed.baseline,
            scope: ctx.region.clone().unwrap_or_default(),
            span: ctx.span(line.cstart, line.cend),
            text,
            path: String::new(),
            attribute: parsed.attribute,
            increment: false,
            table: true,
        });
    }
}

struct Row {
    name: String,
    unit: String,
    baseline: Option<f64>,
    target: f64,
    qualifier: String,
    /// `预期性` or `约束性` when the row states it.
    attribute: Option<String>,
}

fn parse_row(row: &str, seq: u32, text_values: &[(f64, String, Option<i32>)]) -> Option<Row> {
    let cells: Vec<&str> = row.split('\t').map(str::trim).filter(|c| !c.is_empty()).collect();
    let (name_part, numbers) = if cells.len() >= 3 {
        // Tabular: [序号] 名称(单位) 基期 目标 [年均] [属性]
        let mut cells = cells.clone();
        if cells[0].bytes().all(|b| b.is_ascii_digit()) {
            cells.remove(0);
        }
        let name = cells[0].to_string();
        let nums: Vec<String> =
            cells[1..].iter().filter(|c| c.chars().any(|c| c.is_ascii_digit())).map(|c| c.to_string()).collect();
        (name, nums)
    } else {
        let body = row.strip_prefix(&seq.to_string())?;
        // Name runs to the unit in brackets; the figures follow.
        let close = body.rfind(')')?;
        let name = body[..=close].to_string();
        let unit = name.rfind('(').map_or("", |o| &name[o + 1..name.len() - 1]).to_string();
        let rest = &body[close + 1..];
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '>' | '<' | '≥' | '≤' | '-' | '—'))
            .collect();
        if digits.is_empty() {
            return None;
        }
        (name, split_run_together(&digits, &unit, text_values))
    };
    // `研发投入强度(%)`: the unit in the closing brackets (a cell that is not one is no row).
    let open = name_part.rfind('(')?;
    if !name_part.ends_with(')') || open + 1 > name_part.len() - 1 {
        return None;
    }
    let unit = name_part[open + 1..name_part.len() - 1].to_string();
    let name = name_part[..open].to_string();
    if numbers.is_empty() {
        return None;
    }
    let (baseline, target_cell) = if numbers.len() >= 2 {
        (numbers[0].parse::<f64>().ok(), numbers[1].clone())
    } else {
        (None, numbers[0].clone())
    };
    let qualifier = if target_cell.starts_with(['>', '≥']) { "超过" } else { "" }.to_string();
    let target: f64 = target_cell.trim_start_matches(['>', '≥', '<', '≤']).parse().ok()?;
    let attribute = attribute_of(&row[row.find(&name_part).map_or(0, |p| p + name_part.len())..]);
    Some(Row { name, unit, baseline, target, qualifier, attribute })
}

/// The attribute a row states after its name: `约束性` (binding) or `预期性` (expected), also
/// written `约束型`/`预期型`.
fn attribute_of(rest: &str) -> Option<String> {
    [("约束性", "约束性"), ("约束型", "约束性"), ("预期性", "预期性"), ("预期型", "预期性")]
        .iter()
        .find(|(w, _)| rest.has(w))
        .map(|(_, a)| a.to_string())
}

/// Splits two figures printed without a separator (`2.112.6` → 2.11 and 2.6): prefers a
/// split whose target value the text also states, then figures of the same order of magnitude.
fn split_run_together(s: &str, unit: &str, text_values: &[(f64, String, Option<i32>)]) -> Vec<String> {
    if let Some(p) = s.find(['>', '≥', '<', '≤']) {
        return vec![s[..p].to_string(), s[p..].to_string()];
    }
    let valid = |x: &str| {
        let leading_zero = x.len() > 1 && x.starts_with('0') && !x.starts_with("0.");
        !(x.is_empty() || x.starts_with('.') || x.ends_with('.') || x.matches('.').count() > 1 || leading_zero)
    };
    let mut best: Option<(f64, usize)> = None;
    for k in 1..s.len() {
        let (a, b) = (&s[..k], &s[k..]);
        if !valid(a) || !valid(b) {
            continue;
        }
        let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) else { continue };
        if x <= 0.0 || y <= 0.0 {
            continue;
        }
        let mut score = (y / x).ln().abs();
        if text_values.iter().any(|(v, u, _)| (*v - y).abs() < 1e-9 && u == unit) {
            score -= 10.0;
        }
        if y < x {
            score += 0.05;
        }
        if best.is_none_or(|(s0, _)| score < s0) {
            best = Some((score, k));
        }
    }
    match best {
        Some((_, k)) => vec![s[..k].to_string(), s[k..].to_string()],
        None => vec![s.to_string()],
    }
}

/// (indicator, year, value, baseline year, baseline value, unit) of a table row.
type TableRowKey = (String, Option<i32>, f64, Option<i32>, Option<f64>, String);

/// Text targets that restate a table row take the row's baseline.
pub(super) fn link_baselines(out: &mut [Target]) {
    let rows: Vec<TableRowKey> = out
        .iter()
        .filter(|t| t.baseline_value.is_some())
        .map(|t| (t.indicator.clone(), t.year, t.value, t.baseline_year, t.baseline_value, t.unit.clone()))
        .collect();
    for t in out.iter_mut().filter(|t| t.baseline_value.is_none()) {
        if let Some(r) = rows.iter().find(|r| {
            r.1 == t.year
                && r.5 == t.unit
                && (r.2 - t.value).abs() < 1e-9
                && (r.0.contains(&t.indicator) || t.indicator.contains(&r.0))
        }) {
            t.baseline_year = r.3;
            t.baseline_value = r.4;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_carry_their_attribute() {
        let none: Vec<(f64, String, Option<i32>)> = Vec::new();
        let tabbed = parse_row("1\t单位地区生产总值能耗下降(%)\t—\t13.5\t约束性", 1, &none).unwrap();
        assert_eq!(tabbed.attribute.as_deref(), Some("约束性"));
        let run = parse_row("5科技型企业(家)2637145000预期性", 5, &none).unwrap();
        assert_eq!((run.target, run.attribute.as_deref()), (45000.0, Some("预期性")));
        let bare = parse_row("2\t高新技术企业数量(家)\t8500\t15000", 2, &none).unwrap();
        assert_eq!(bare.attribute, None);
        // The name itself is never read as the attribute.
        let named = parse_row("3\t约束性指标达标率(%)\t80\t95", 3, &none).unwrap();
        assert_eq!(named.attribute, None);
    }

    #[test]
    fn run_together_figures_are_split_by_plausibility() {
        let none: Vec<(f64, String, Option<i32>)> = Vec::new();
        assert_eq!(split_run_together("2.112.6", "%", &none), vec!["2.11", "2.6"]);
        assert_eq!(split_run_together("5775", "人年", &none), vec!["57", "75"]);
        assert_eq!(split_run_together("12.2>10", "%", &none), vec!["12.2", ">10"]);
        assert_eq!(split_run_together("1.62", "%", &none), vec!["1.6", "2"]);
        let stated = vec![(140.0, "家".to_string(), Some(2025))];
        assert_eq!(split_run_together("74.5140", "家", &stated), vec!["74.5", "140"]);
        // A figure the text states in another unit does not count.
        let other = vec![(2.0, "倍".to_string(), Some(2025))];
        assert_eq!(
            split_run_together(
                "3.6512",
                "件",
                &[(12.0, "件".to_string(), Some(2025)), (2.0, "倍".to_string(), Some(2025))]
            ),
            vec!["3.65", "12"]
        );
        assert_eq!(split_run_together("58.663", "%", &other), vec!["58.6", "63"]);
    }
}

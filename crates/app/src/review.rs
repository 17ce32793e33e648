//! Conformity review and region comparison of stored plans (issue 18 items 3–4), for the pages,
//! the API and the CLI: each plan's effective (corrected) plan, the text of its current version
//! and its analysts' confirmed taxonomy mappings go into `planwatch-review`; every cited sentence
//! gets the link that highlights it in its plan.

use crate::links::source_href;
use planwatch_export::{Grid, GridCell, GridColumn};
use planwatch_review::{Comparison, Confirmed, Finding, Review};
use planwatch_store::{Actor, ReviewMark, ReviewMarkState, Store, StoreError};
use serde::Serialize;

/// The most plans one comparison takes.
pub const MAX_COMPARE_PLANS: usize = 500;

/// A stored plan as the review reads it.
struct Loaded {
    id: i64,
    version_id: i64,
    title: String,
    region: String,
    plan: planwatch_core::Plan,
    text: String,
    confirmed: Vec<(String, String, Option<String>)>,
}

/// A stored plan's confirmed taxonomy mappings as `planwatch-review` takes them:
/// (scheme, item name, node or `None` for "no node").
pub fn confirmed_mappings(store: &Store, id: i64) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    Ok(store
        .taxonomy_confirmations(id)?
        .into_iter()
        .map(|c| {
            let node = c.node().map(str::to_string);
            (c.scheme, c.item_name, node)
        })
        .collect())
}

fn load(store: &Store, id: i64) -> Result<Loaded, StoreError> {
    let view = store.plan_view(id)?;
    let text = store.source_text(view.version.id)?;
    let confirmed = confirmed_mappings(store, id)?;
    Ok(Loaded {
        id,
        version_id: view.version.id,
        title: view.summary.title.clone(),
        region: view.summary.region.clone(),
        plan: view.effective.plan,
        text,
        confirmed,
    })
}

/// A finding with the links of its cited sentences (aligned with `draft` and `master`).
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    #[serde(flatten)]
    pub finding: Finding,
    pub draft_links: Vec<String>,
    pub master_links: Vec<String>,
    /// A reviewer's mark on the finding (accepted, or explained with a note), if any.
    pub mark: Option<ReviewMark>,
}

/// A review of two stored plans.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub draft_id: i64,
    pub master_id: i64,
    pub draft_title: String,
    pub master_title: String,
    pub counts: [usize; 3],
    pub findings: Vec<FindingView>,
    /// Marks whose finding is no longer in the review (the plans changed): kept, listed.
    pub stale_marks: Vec<ReviewMark>,
}

/// Reviews stored plan `draft` against stored plan `master`.
pub fn review(store: &Store, draft: i64, master: i64) -> Result<ReviewView, StoreError> {
    let d = load(store, draft)?;
    let m = load(store, master)?;
    let tax = store.taxonomy();
    let tax = Confirmed::new(tax, d.confirmed.iter().chain(&m.confirmed).cloned());
    let r: Review = planwatch_review::review(&d.plan, &d.text, &m.plan, &m.text, &tax);
    let counts = [
        r.count(planwatch_review::Severity::High),
        r.count(planwatch_review::Severity::Medium),
        r.count(planwatch_review::Severity::Low),
    ];
    let mut marks: std::collections::HashMap<String, ReviewMark> =
        store.review_marks(d.id, m.id)?.into_iter().map(|k| (k.finding_id.clone(), k)).collect();
    let findings = r
        .findings
        .into_iter()
        .map(|f| FindingView {
            draft_links: f.draft.iter().map(|c| source_href(d.id, d.version_id, c.span)).collect(),
            master_links: f.master.iter().map(|c| source_href(m.id, m.version_id, c.span)).collect(),
            mark: marks.remove(&f.id),
            finding: f,
        })
        .collect();
    let mut stale_marks: Vec<ReviewMark> = marks.into_values().collect();
    stale_marks.sort_by(|a, b| a.finding_id.cmp(&b.finding_id));
    Ok(ReviewView {
        draft_id: d.id,
        master_id: m.id,
        draft_title: d.title,
        master_title: m.title,
        counts,
        findings,
        stale_marks,
    })
}

/// The refusal of a finding id that is not in the review, naming the id and where the ids
/// are listed (the page, the command line, the API).
fn unknown_finding(finding_id: &str, draft: i64, master: i64) -> StoreError {
    let shown: String = finding_id.trim().chars().take(40).collect();
    StoreError::NotFound(format!(
        "审查意见“{shown}”(不在规划 {draft} 对照规划 {master} 的本次审查结果中,规划可能已修改;\
         审查意见编号见审查页 /review?draft={draft}&master={master}、命令 planwatch review {draft} --against {master} \
         或接口 GET /api/v1/review?draft={draft}&master={master})"
    ))
}

/// Marks a finding of the review of `draft` against `master`: the finding must be in the
/// review as it stands (else nothing is stored); the store checks who writes and audits.
pub fn mark(
    store: &Store,
    actor: &Actor,
    draft: i64,
    master: i64,
    finding_id: &str,
    state: ReviewMarkState,
    note: &str,
) -> Result<i64, StoreError> {
    let view = review(store, draft, master)?;
    if !view.findings.iter().any(|f| f.finding.id == finding_id.trim()) {
        return Err(unknown_finding(finding_id, draft, master));
    }
    store.mark_review_finding(actor, draft, master, finding_id, state, note)
}

/// What a reviewer sets a finding to: a mark, or open again (no mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkChoice {
    Accepted,
    Explained,
    /// 未处理: the mark is cleared.
    Open,
}

impl MarkChoice {
    /// `accepted`, `explained` or `open` (the store's state names, and `open` for none).
    pub fn parse(s: &str) -> Result<MarkChoice, StoreError> {
        match s.trim() {
            "accepted" => Ok(MarkChoice::Accepted),
            "explained" => Ok(MarkChoice::Explained),
            "open" => Ok(MarkChoice::Open),
            other => Err(StoreError::Invalid(format!(
                "处理结果“{}”:应为 accepted(已采纳)、explained(已说明,须附说明)或 open(未处理,清除标记)。",
                other.chars().take(20).collect::<String>()
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MarkChoice::Accepted => "accepted",
            MarkChoice::Explained => "explained",
            MarkChoice::Open => "open",
        }
    }
}

/// What [`set_mark`] did.
#[derive(Debug, Clone, Serialize)]
pub struct MarkOutcome {
    pub draft_id: i64,
    pub master_id: i64,
    pub finding_id: String,
    pub state: MarkChoice,
    /// The mark as stored now (`None` when open).
    pub mark: Option<ReviewMark>,
    /// The mark it had before (`None` when it was open).
    pub previous: Option<ReviewMark>,
}

/// Sets the mark of one finding (the page, the API and the command line call this): accepted
/// or explained (the finding must be in the review as it stands) or open again (the mark is
/// cleared; a stale mark, whose finding left the review, can be cleared too). Every write is
/// the store's, which checks who writes and audits; an open finding set open changes nothing.
pub fn set_mark(
    store: &Store,
    actor: &Actor,
    draft: i64,
    master: i64,
    finding_id: &str,
    choice: MarkChoice,
    note: &str,
) -> Result<MarkOutcome, StoreError> {
    let finding_id = finding_id.trim();
    if finding_id.chars().count() > 40 {
        return Err(StoreError::Invalid("审查意见编号过长:应为 tg-、dr-、tk- 或 pd- 加 12 位十六进制数字。".into()));
    }
    let previous = store.review_marks(draft, master)?.into_iter().find(|k| k.finding_id == finding_id);
    let state = match choice {
        MarkChoice::Accepted => Some(ReviewMarkState::Accepted),
        MarkChoice::Explained => Some(ReviewMarkState::Explained),
        MarkChoice::Open => None,
    };
    let mark = match state {
        Some(state) => {
            mark(store, actor, draft, master, finding_id, state, note)?;
            store.review_marks(draft, master)?.into_iter().find(|k| k.finding_id == finding_id)
        }
        None => {
            if !note.trim().is_empty() {
                return Err(StoreError::Invalid(
                    "open(未处理)清除标记,不带说明:请去掉说明,或标记为 explained(已说明)。".into(),
                ));
            }
            if previous.is_none() {
                // Nothing to clear: the id must still be one of the review's.
                let view = review(store, draft, master)?;
                if !view.findings.iter().any(|f| f.finding.id == finding_id) {
                    return Err(unknown_finding(finding_id, draft, master));
                }
            }
            store.clear_review_mark(actor, draft, master, finding_id)?;
            None
        }
    };
    Ok(MarkOutcome {
        draft_id: draft,
        master_id: master,
        finding_id: finding_id.to_string(),
        state: choice,
        mark,
        previous,
    })
}

/// The review as a 审查意见 to send.
pub fn opinion(v: &ReviewView, author: &str) -> planwatch_report::Opinion {
    planwatch_report::Opinion {
        draft: v.draft_title.clone(),
        master: v.master_title.clone(),
        author: author.to_string(),
        generated_at: crate::clock::today_beijing().to_string(),
        items: v
            .findings
            .iter()
            .map(|f| {
                let mut item = opinion_item(&f.finding);
                if let Some(k) = &f.mark {
                    item.decision = match k.state {
                        ReviewMarkState::Accepted => k.state.label().to_string(),
                        ReviewMarkState::Explained => format!("{}:{}", k.state.label(), k.note),
                    };
                }
                item
            })
            .collect(),
        ..planwatch_report::Opinion::default()
    }
}

/// One finding as the 审查意见 states it.
pub fn opinion_item(f: &Finding) -> planwatch_report::OpinionItem {
    planwatch_report::OpinionItem {
        id: f.id.clone(),
        severity: f.severity_label.to_string(),
        group: f.group.to_string(),
        message: f.message.clone(),
        draft_quotes: f.draft.iter().map(|c| c.sentence.clone()).collect(),
        master_quotes: f.master.iter().map(|c| c.sentence.clone()).collect(),
        decision: String::new(),
    }
}

/// A comparison of stored plans, with each plan's id, version and region (aligned with the
/// comparison's `plans`), so a cell item links to its sentence.
#[derive(Debug, Clone, Serialize)]
pub struct CompareView {
    pub plan_ids: Vec<i64>,
    pub version_ids: Vec<i64>,
    pub comparison: Comparison,
}

impl CompareView {
    /// The link of a cell item or target (by plan index and span).
    pub fn href(&self, plan: usize, span: [usize; 2]) -> String {
        match (self.plan_ids.get(plan), self.version_ids.get(plan)) {
            (Some(p), Some(v)) => source_href(*p, *v, span),
            _ => String::new(),
        }
    }
}

/// Compares stored plans (2 to [`MAX_COMPARE_PLANS`], each once) by their regions.
pub fn compare(store: &Store, ids: &[i64]) -> Result<CompareView, StoreError> {
    let mut seen = std::collections::BTreeSet::new();
    let ids: Vec<i64> = ids.iter().copied().filter(|i| seen.insert(*i)).collect();
    if ids.len() < 2 || ids.len() > MAX_COMPARE_PLANS {
        return Err(StoreError::Invalid(format!(
            "比较需要 2 至 {MAX_COMPARE_PLANS} 份不同的规划,收到 {} 份。",
            ids.len()
        )));
    }
    let loaded: Vec<Loaded> = ids.iter().map(|&i| load(store, i)).collect::<Result<_, _>>()?;
    let regions: Vec<String> = loaded
        .iter()
        .map(|l| if l.region.trim().is_empty() { format!("未知地区({})", l.title) } else { l.region.clone() })
        .collect();
    let tax = store.taxonomy();
    let tax = Confirmed::new(tax, loaded.iter().flat_map(|l| l.confirmed.iter().cloned()));
    let input: Vec<(&planwatch_core::Plan, &str)> =
        loaded.iter().zip(&regions).map(|(l, r)| (&l.plan, r.as_str())).collect();
    let mut comparison = planwatch_review::compare(&input, &tax);
    comparison.plans = loaded.iter().map(|l| l.title.clone()).collect();
    Ok(CompareView {
        plan_ids: loaded.iter().map(|l| l.id).collect(),
        version_ids: loaded.iter().map(|l| l.version_id).collect(),
        comparison,
    })
}

/// The findings as a sheet (编号, 严重程度, 类别, 意见, both sides' sentences, 处理).
pub fn review_grid(r: &Review) -> Grid {
    findings_grid(&r.draft_title, &r.master_title, r.findings.iter().map(|f| (f, None)))
}

/// A stored review's findings as a sheet, with the reviewers' marks.
pub fn review_view_grid(v: &ReviewView) -> Grid {
    findings_grid(&v.draft_title, &v.master_title, v.findings.iter().map(|f| (&f.finding, f.mark.as_ref())))
}

/// A mark as one line: 已说明:note(author).
pub fn mark_text(k: &ReviewMark) -> String {
    if k.note.is_empty() {
        format!("{}({})", k.state.label(), k.author)
    } else {
        format!("{}:{}({})", k.state.label(), k.note, k.author)
    }
}

fn findings_grid<'a>(
    draft: &str,
    master: &str,
    findings: impl Iterator<Item = (&'a Finding, Option<&'a ReviewMark>)>,
) -> Grid {
    let join = |cs: &[planwatch_review::Cited]| cs.iter().map(|c| c.sentence.as_str()).collect::<Vec<_>>().join("\n");
    Grid {
        title: "规划符合性审查".into(),
        columns: vec![
            GridColumn::text("编号", "审查意见的稳定编号（同一问题在文本修改后编号不变）。"),
            GridColumn::text("严重程度", "冲突、不一致或提示。"),
            GridColumn::text("类别", "主要目标、发展方向、任务部署或规划期。"),
            GridColumn::text("意见", "审查发现。"),
            GridColumn::text("草案原文", "草案中所依据的句子。"),
            GridColumn::text("上位规划原文", "上位规划中所依据的句子。"),
            GridColumn::text("处理", "审查人的标记：已采纳，或已说明及其说明。"),
        ],
        rows: findings
            .map(|(f, mark)| {
                vec![
                    GridCell::Text(f.id.clone()),
                    GridCell::Text(f.severity_label.into()),
                    GridCell::Text(f.group.into()),
                    GridCell::Text(f.message.clone()),
                    GridCell::Text(join(&f.draft)),
                    GridCell::Text(join(&f.master)),
                    mark.map(|k| GridCell::Text(mark_text(k))).unwrap_or(GridCell::Empty),
                ]
            })
            .collect(),
        notes: vec![("草案".into(), draft.to_string()), ("上位规划".into(), master.to_string())],
    }
}

/// The comparison's matrix as a sheet (direction, node, one column per region), with the
/// overlaps, gaps and unmapped items counted or listed on the 说明 sheet.
pub fn compare_grid(c: &Comparison) -> Grid {
    let mut columns =
        vec![GridColumn::text("方向", "参考分类的顶层方向。"), GridColumn::text("分类节点", "参考分类的节点。")];
    columns.extend(c.regions.iter().map(|r| GridColumn::text(r, "该地区规划中对应的产业或细分领域。")));
    let rows = c
        .matrix
        .iter()
        .map(|row| {
            let mut cells = vec![GridCell::Text(row.top_label.clone()), GridCell::Text(row.label.clone())];
            cells.extend(row.cells.iter().map(|items| {
                let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
                if names.is_empty() {
                    GridCell::Empty
                } else {
                    GridCell::Text(names.join("、"))
                }
            }));
            cells
        })
        .collect();
    Grid {
        title: "地区比较".into(),
        columns,
        rows,
        notes: vec![
            ("规划".into(), c.plans.join("；")),
            ("重叠".into(), format!("{} 个分类节点有两个以上地区布局", c.overlaps.len())),
            ("缺口".into(), format!("{} 处：其他地区布局而该地区没有", c.gaps.len())),
            (
                "未能归类".into(),
                c.unmapped.iter().map(|u| format!("{}：{}", u.region, u.name)).collect::<Vec<_>>().join("；"),
            ),
        ],
    }
}

/// The comparison's comparable targets as a sheet: one row per normalised indicator and unit
/// class, one column per region with its plans' values as written (year, value, unit) and, where
/// the unit is not the base unit, the value in it.
pub fn compare_targets_grid(c: &Comparison) -> Grid {
    use crate::rows::num;
    let mut columns = vec![
        GridColumn::text("指标", "归一化后的指标名称(去掉地区、范围等字样)。"),
        GridColumn::text("基准单位", "同类单位换算后的单位(元、%、个 …);空白表示该类单位不换算。"),
    ];
    columns.extend(
        c.regions
            .iter()
            .map(|r| GridColumn::text(r, "该地区规划中的目标值:年份、数值与原单位;括号内为折算到基准单位的数值。")),
    );
    let rows = c
        .targets
        .iter()
        .map(|t| {
            let mut cells = vec![GridCell::Text(t.indicator.clone()), GridCell::Text(t.base_unit.clone())];
            cells.extend(t.values.iter().map(|values| {
                let written: Vec<String> = values
                    .iter()
                    .map(|v| {
                        let year = v.year.map(|y| format!("{y}年 ")).unwrap_or_default();
                        let value = match v.value_max {
                            Some(max) => format!("{}–{}", num(v.value), num(max)),
                            None => num(v.value),
                        };
                        let base = if !t.base_unit.is_empty() && v.unit != t.base_unit {
                            format!("(={} {})", num(v.base_value), t.base_unit)
                        } else {
                            String::new()
                        };
                        let added = if v.increment { "(增量)" } else { "" };
                        format!("{year}{value}{}{base}{added}", v.unit)
                    })
                    .collect();
                if written.is_empty() {
                    GridCell::Empty
                } else {
                    GridCell::Text(written.join("；"))
                }
            }));
            cells
        })
        .collect();
    Grid { title: "可比目标".into(), columns, rows, notes: Vec::new() }
}

/// The comparison as an XLSX workbook: the matrix, the comparable targets and the 说明 sheet.
pub fn compare_xlsx(c: &Comparison) -> Result<Vec<u8>, planwatch_export::ExportError> {
    planwatch_export::grids_xlsx(&[compare_grid(c), compare_targets_grid(c)])
}

/// Most matrix rows drawn in the heat map (the table lists them all).
const HEATMAP_ROWS: usize = 80;
/// Most region columns drawn.
const HEATMAP_COLS: usize = 40;

/// The matrix as a heat map (SVG): one row per taxonomy node (grouped by direction), one
/// column per region, a cell's shade by the number of the region's items under the node (0 is
/// blank). At most [`HEATMAP_ROWS`] × [`HEATMAP_COLS`] cells; every text escaped.
pub fn heatmap_svg(c: &Comparison) -> String {
    use planwatch_report::fmt::xml_escape as x;
    let rows: Vec<_> = c.matrix.iter().take(HEATMAP_ROWS).collect();
    let cols = c.regions.len().min(HEATMAP_COLS);
    let (label_w, cell_w, cell_h, head_h) = (220usize, 56usize, 18usize, 64usize);
    let w = label_w + cols * cell_w + 10;
    let h = head_h + rows.len() * cell_h + 10;
    let max = rows.iter().flat_map(|r| r.cells.iter().take(cols).map(Vec::len)).max().unwrap_or(0).max(1);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="地区 × 产业分类热力图" font-size="12" font-family="sans-serif">"#
    );
    for (i, region) in c.regions.iter().take(cols).enumerate() {
        let cx = label_w + i * cell_w + cell_w / 2;
        let name: String = region.chars().take(8).collect();
        s.push_str(&format!(r#"<text x="{cx}" y="{}" text-anchor="middle">{}</text>"#, head_h - 8, x(&name)));
    }
    for (j, row) in rows.iter().enumerate() {
        let y = head_h + j * cell_h;
        let label: String = format!("{} › {}", row.top_label, row.label).chars().take(18).collect();
        s.push_str(&format!(r#"<text x="4" y="{}">{}</text>"#, y + cell_h - 5, x(&label)));
        for (i, cell) in row.cells.iter().take(cols).enumerate() {
            let n = cell.len();
            let fill = if n == 0 {
                "#f4f4f4".to_string()
            } else {
                // From a light to a dark blue by the share of the largest cell.
                let t = n as f64 / max as f64;
                let (r, g, b) = (222.0 - 180.0 * t, 235.0 - 150.0 * t, 247.0 - 90.0 * t);
                format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
            };
            let names: Vec<&str> = cell.iter().map(|i| i.name.as_str()).collect();
            s.push_str(&format!(
                r##"<rect x="{}" y="{y}" width="{}" height="{}" fill="{fill}" stroke="#ffffff"><title>{}:{}</title></rect>"##,
                label_w + i * cell_w,
                cell_w - 1,
                cell_h - 1,
                x(&c.regions[i]),
                x(&names.join("、"))
            ));
            if n > 0 {
                s.push_str(&format!(
                    r#"<text x="{}" y="{}" text-anchor="middle" fill="{}">{n}</text>"#,
                    label_w + i * cell_w + cell_w / 2,
                    y + cell_h - 5,
                    if n * 2 > max { "#ffffff" } else { "#1a1a1a" }
                ));
            }
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_core::model::{Industry, Meta};
    use planwatch_core::Plan;

    fn plan(region: &str, industries: &[&str]) -> Plan {
        Plan {
            meta: Meta { region: Some(region.into()), ..Meta::default() },
            industries: industries
                .iter()
                .map(|n| Industry { name: n.to_string(), group: String::new(), segments: vec![], span: [0, 0] })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn heatmap_draws_cells_and_escapes_names() {
        let tax = planwatch_review::ExactNames::new(&[("低空经济", "a.b", "a"), ("<x>&", "a.c", "a")]);
        let (p, q) = (plan("重庆市", &["低空经济", "<x>&"]), plan("<script>", &["低空经济"]));
        let c = planwatch_review::compare(&[(&p, "重庆市"), (&q, "<script>")], &tax);
        let svg = heatmap_svg(&c);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 4, "2 nodes × 2 regions");
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<x>&") && svg.contains("&lt;x&gt;&amp;"));
        // An empty comparison is still a picture.
        let empty = heatmap_svg(&planwatch_review::compare(&[], &tax));
        assert!(empty.starts_with("<svg") && !empty.contains("<rect"));
    }

    #[test]
    fn comparable_targets_are_a_sheet_of_their_own_with_base_units() {
        use planwatch_core::model::Target;
        let target = |value: f64, unit: &str| Target {
            year: Some(2027),
            indicator: "未来产业规模".into(),
            value,
            unit: unit.into(),
            kind: "amount".into(),
            ..Target::default()
        };
        let mut p = plan("重庆市", &[]);
        p.targets.push(target(1000.0, "亿元"));
        let mut q = plan("成都市", &[]);
        q.targets.push(target(1.5, "万亿元"));
        let tax = planwatch_review::ExactNames::new(&[]);
        let c = planwatch_review::compare(&[(&p, "重庆市"), (&q, "成都市")], &tax);
        let g = compare_targets_grid(&c);
        assert_eq!(g.rows.len(), 1, "one comparable indicator: {:?}", g.rows);
        let texts: Vec<String> = g.rows[0]
            .iter()
            .map(|c| match c {
                GridCell::Text(t) => t.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(texts[1], "元");
        assert!(texts[2].starts_with("2027年 1000亿元(=100000000000 元)"), "{texts:?}");
        assert!(texts[3].starts_with("2027年 1.5万亿元(=1500000000000 元)"), "{texts:?}");
        assert!(compare_xlsx(&c).unwrap().starts_with(b"PK"));
    }
}

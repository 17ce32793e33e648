//! XLSX downloads of what pages show as tables: a ranking (`/rankings/{name}/xlsx`), an
//! indicator's values by district (`/plans/{id}/progress/{code}/xlsx`) and the audit log
//! (`/audit/xlsx`, the page's filter). Each reads the same data as its page, through the
//! same store calls and authorization, and writes it with `planwatch_export::grid_xlsx`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_export::{grid_xlsx, Grid, GridCell, GridColumn};
use planwatch_monitor::Period;

use crate::pages::{download, enc};
use crate::{auth, db, AppError, Shared};
use planwatch_app::monitoring;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Audit entries in one download, newest first; the 说明 sheet says when more matched.
pub const AUDIT_EXPORT_CAP: i64 = 10_000;

/// Periods of an indicator's district table in one download (ten years of quarters).
const UNIT_EXPORT_PERIODS: usize = 40;

fn text(s: impl Into<String>) -> GridCell {
    GridCell::Text(s.into())
}

fn opt_period(raw: &str) -> Result<Option<Period>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Period::parse(raw).map(Some).map_err(|e| AppError::BadRequest(format!("期别:{e}")))
}

fn xlsx(file_stem: &str, grid: &Grid) -> Result<Response, AppError> {
    let bytes = grid_xlsx(grid).map_err(|e| AppError::Internal(format!("XLSX: {e}")))?;
    Ok(download(&format!("{file_stem}.xlsx"), XLSX, bytes))
}

#[derive(serde::Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    period: String,
}

/// The ranking of index `name` for a period as computed on today's data (what the page's
/// first table shows), with unranked units, notes and the files as the 说明.
pub async fn ranking_xlsx(
    State(state): State<Shared>,
    Path(name): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let period = opt_period(&q.period)?;
    let v = db(&state, move |s| monitoring::ranking(s, &name, period)).await?;
    let mut grid = Grid {
        title: format!("{} {}", v.index.name, v.period.label()),
        columns: vec![
            GridColumn::number("名次", "按指数得分由高到低。"),
            GridColumn::text("地区", "参与排名的区县(开发区)。"),
            GridColumn::text("代码", "行政区划代码。"),
            GridColumn::number("得分", "指数得分(0–100)。"),
            GridColumn::number(&format!("上期名次({})", v.previous.label()), "上一期的名次;上期未排名为空。"),
            GridColumn::number("名次变化", "正数为上升的位次。"),
        ],
        rows: v
            .rows
            .iter()
            .map(|r| {
                vec![
                    GridCell::Number(f64::from(r.rank)),
                    text(&r.place),
                    text(&r.code),
                    GridCell::Number((r.score * 100.0).round() / 100.0),
                    r.previous_rank.map_or(GridCell::Empty, |p| GridCell::Number(f64::from(p))),
                    r.change.map_or(GridCell::Empty, |c| GridCell::Number(f64::from(c))),
                ]
            })
            .collect(),
        notes: Vec::new(),
    };
    grid.notes.push(("数据状态".into(), v.approval.label()));
    if let Some(caution) = v.caution() {
        grid.notes.push(("注意".into(), format!("本期排名所依据的数据{caution}。")));
    }
    if let Some((rev, _)) = &v.official {
        let same = if v.revised { "与今日数据计算的结果不同(数据已修订)" } else { "与本表一致" };
        grid.notes.push(("已发布".into(), format!("本期已发布第 {rev} 版榜单,{same}。")));
    }
    for (place, why) in &v.unranked {
        grid.notes.push((format!("未排名:{place}"), why.clone()));
    }
    for n in &v.notes {
        grid.notes.push(("说明".into(), n.clone()));
    }
    for (c, w) in &v.weights {
        grid.notes.push((format!("权重:{c}"), format!("{w:.4}")));
    }
    for f in &v.files {
        grid.notes
            .push(("数据来源".into(), format!("导入批次 {}:{}{}", f.0, f.1, if f.2 { "(合成示例数据)" } else { "" })));
    }
    xlsx(&format!("{}-{}", v.index.name, v.period), &grid)
}

#[derive(serde::Deserialize, Default)]
pub struct AsOfQuery {
    #[serde(default)]
    as_of: String,
}

/// An indicator's values by unit and period (the page's district table, all periods up to
/// `as_of`, at most [`UNIT_EXPORT_PERIODS`]).
pub async fn indicator_xlsx(
    State(state): State<Shared>,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, AppError> {
    let as_of = opt_period(&q.as_of)?;
    let (ind, table) = db(&state, move |s| {
        let ind = s
            .indicator(&code)?
            .filter(|i| i.document_id == Some(id))
            .ok_or_else(|| planwatch_store::StoreError::NotFound(format!("规划 {id} 没有指标 {code}")))?;
        let table = crate::monitor_pages::unit_table(s, &ind, as_of, UNIT_EXPORT_PERIODS)?;
        Ok((ind, table))
    })
    .await?;
    let unit = if ind.unit.is_empty() { String::new() } else { format!("({})", ind.unit) };
    let mut columns = vec![GridColumn::text("地区", "本地区(第一行)及其所辖区县。")];
    columns
        .extend(table.periods.iter().map(|p| GridColumn::number(&format!("{}{unit}", p.label()), "该期填报的数值。")));
    let mut flagged = Vec::new();
    let rows = table
        .rows
        .iter()
        .map(|(place, cells)| {
            let mut row = vec![text(place)];
            for (p, c) in table.periods.iter().zip(cells) {
                match c {
                    Some((v, true)) => {
                        flagged.push((place.clone(), p.label(), *v));
                        row.push(GridCell::Number(*v));
                    }
                    Some((v, false)) => row.push(GridCell::Number(*v)),
                    None => row.push(GridCell::Empty),
                }
            }
            row
        })
        .collect();
    let mut notes = vec![("指标".to_string(), format!("{} {}{unit}", ind.code, ind.name))];
    for (place, period, v) in flagged {
        notes.push((
            "待核实".into(),
            format!(
                "{place} {period} 的数值 {} 被标为待核实,未计入汇总、进度和排名。",
                planwatch_monitor::progress::format_number(v)
            ),
        ));
    }
    let grid = Grid { title: format!("{} 分地区数值", ind.name), columns, rows, notes };
    xlsx(&format!("{}-分地区", ind.code), &grid)
}

/// The audit log under the page's filter (dates are Beijing days), newest first.
pub async fn audit_xlsx(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<crate::account_pages::AuditQuery>,
) -> Result<Response, AppError> {
    let Some(c) = auth::caller(&state, &headers).await else {
        return Ok(Redirect::to(&format!("/login?next={}", enc("/audit"))).into_response());
    };
    crate::account_pages::check_audit_dates(&q)?;
    let filter = crate::account_pages::audit_filter(&q);
    let actor = c.actor;
    let (entries, total) = db(&state, move |s| s.audit_log(&actor, &filter, AUDIT_EXPORT_CAP, 0)).await?;
    let lines: Vec<_> = entries.into_iter().map(crate::account_pages::AuditLine::of).collect();
    let grid = Grid {
        title: "审计日志".into(),
        columns: vec![
            GridColumn::text("时间(北京时间)", "写入的时间。"),
            GridColumn::text("操作人", "账户名;命令行为其登录名,程序自身为 system。"),
            GridColumn::text("角色", "操作时的角色。"),
            GridColumn::text("途径", "网页、接口、命令行或系统。"),
            GridColumn::text("操作", "操作的中文名称。"),
            GridColumn::text("操作代码", "操作的代码(筛选和接口使用)。"),
            GridColumn::text("对象", "被改动的对象。"),
            GridColumn::text("原值", "改动前的值(仅列出改动的字段)。"),
            GridColumn::text("新值", "改动后的值。"),
            GridColumn::text("来源", "来源文件或表单。"),
            GridColumn::text("请求编号", "同一请求的各条记录编号相同。"),
        ],
        rows: lines.iter().map(|l| l.cells().into_iter().map(text).collect()).collect(),
        notes: if total > AUDIT_EXPORT_CAP {
            vec![(
                "条数".into(),
                format!("符合条件的共 {total} 条,本表为最新的 {AUDIT_EXPORT_CAP} 条;请缩小日期范围分批导出。"),
            )]
        } else {
            vec![("条数".into(), format!("共 {total} 条。"))]
        },
    };
    xlsx("审计日志", &grid)
}

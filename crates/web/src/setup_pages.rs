//! Monitoring set up on the web (issue 16, item 4): indicators made from a plan's targets,
//! an indicator's properties edited on one page, composite indices defined. Every write goes
//! through the same `Store` methods as the CLI (`indicators from-targets`, `set-rollup`,
//! `baseline`, `index define`), so the same authorisation (DefineIndicator, DefineIndex),
//! checks and audit apply; nothing here checks a role. A refused form is shown again with
//! what was typed and the reason, in zh-CN.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_monitor::{Direction, Frequency, Rollup};
use planwatch_store::monitor::{FromTarget, IndexMethod, Indicator, IndicatorEdit};
use planwatch_store::{Role, StoreError};
use serde::Deserialize;

use crate::pages::{enc, render};
use crate::{auth, db, AppError, Shared};

/// Whether a role may define indicators and indices (the store decides; this only chooses
/// what a page offers).
pub(crate) fn may_define(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Analyst)
}

/// Who to ask when the account may not set monitoring up.
pub(crate) const ASK_ANALYST: &str =
    "建立和修改监测指标需要分析员或管理员账号:请联系本单位的规划分析员(或系统管理员)。";

// ---- indicators from a plan's targets -----------------------------------------------------

#[derive(Deserialize)]
pub struct FromTargetsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    frequency: String,
}

/// Parses a reporting frequency (month, quarter, year or 月度/季度/年度), bounded in length.
pub(crate) fn parse_frequency(raw: &str) -> Result<Frequency, AppError> {
    let raw = raw.trim();
    if raw.chars().count() > 16 {
        return Err(AppError::BadRequest(
            "频率 frequency 过长(最多 16 个字符):可选 月度(month)、季度(quarter)、年度(year)".into(),
        ));
    }
    raw.parse().map_err(|_| {
        AppError::BadRequest(format!(
            "频率 frequency:“{raw}”不是可选的频率,可选 月度(month)、季度(quarter)、年度(year)"
        ))
    })
}

/// Parses a direction (higher, lower or 越大越好/越小越好), bounded in length.
pub(crate) fn parse_direction(raw: &str) -> Result<Direction, AppError> {
    let raw = raw.trim();
    if raw.chars().count() > 16 {
        return Err(AppError::BadRequest(
            "方向 direction 过长(最多 16 个字符):可选 越大越好(higher)、越小越好(lower)".into(),
        ));
    }
    raw.parse().map_err(|_| {
        AppError::BadRequest(format!("方向 direction:“{raw}”不是可选的方向,可选 越大越好(higher)、越小越好(lower)"))
    })
}

struct MadeLine {
    code: String,
    code_q: String,
    name: String,
    created: bool,
    mentions: usize,
    year_inferred: bool,
}

#[derive(Template)]
#[template(path = "setup_result.html")]
struct FromTargetsPage {
    nav: &'static str,
    plan_id: i64,
    title: String,
    created: usize,
    kept: usize,
    lines: Vec<MadeLine>,
}

/// Runs `indicators from-targets` for plan `id` (form of the progress page and the plan
/// page) and shows what was made and what already existed.
pub async fn from_targets(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<FromTargetsForm>,
) -> Result<Response, AppError> {
    let actor = auth::require_form(&state, &headers, &f.csrf).await?;
    let frequency = if f.frequency.trim().is_empty() { Frequency::Quarter } else { parse_frequency(&f.frequency)? };
    let (title, made) = db(&state, move |s| {
        let made = s.indicators_from_targets(&actor, id, frequency)?;
        Ok((s.plan_view(id)?.summary.title, made))
    })
    .await?;
    let page = FromTargetsPage {
        nav: "monitor",
        plan_id: id,
        title,
        created: made.iter().filter(|m| m.created).count(),
        kept: made.iter().filter(|m| !m.created).count(),
        lines: made.into_iter().map(made_line).collect(),
    };
    Ok(render(&page).into_response())
}

fn made_line(m: FromTarget) -> MadeLine {
    MadeLine {
        code_q: enc(&m.code),
        code: m.code,
        name: m.name,
        created: m.created,
        mentions: m.mentions,
        year_inferred: m.year_inferred,
    }
}

// ---- an indicator's properties ------------------------------------------------------------

/// The edit form as typed (every field a string, so a refused form shows what was typed).
#[derive(Deserialize, Default, Clone)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    weight: String,
    #[serde(default)]
    baseline: String,
    #[serde(default)]
    baseline_year: String,
    /// "1" when 新增 (an increment) is chosen, anything else: a level (水平).
    #[serde(default)]
    increment: String,
}

impl EditForm {
    fn of(ind: &Indicator) -> EditForm {
        EditForm {
            csrf: String::new(),
            unit: ind.unit.clone(),
            direction: ind.direction.as_str().into(),
            frequency: ind.frequency.as_str().into(),
            rule: ind.rollup.as_str().into(),
            weight: ind.rollup_weight.clone().unwrap_or_default(),
            baseline: ind.baseline_value.map(planwatch_monitor::progress::format_number).unwrap_or_default(),
            baseline_year: ind.baseline_year.map(|y| y.to_string()).unwrap_or_default(),
            increment: if ind.increment { "1".into() } else { String::new() },
        }
    }

    /// The edit the form asks for; a malformed field is refused naming it.
    fn parse(&self) -> Result<IndicatorEdit, AppError> {
        let rule = crate::monitor_pages::parse_rollup(&self.rule)?;
        let baseline = parse_baseline(&self.baseline, &self.baseline_year)?;
        Ok(IndicatorEdit {
            unit: Some(self.unit.clone()),
            direction: Some(parse_direction(&self.direction)?),
            frequency: Some(parse_frequency(&self.frequency)?),
            rollup: Some((rule, Some(self.weight.clone()))),
            baseline: Some(baseline),
            increment: Some(matches!(self.increment.trim(), "1" | "on" | "true" | "新增")),
        })
    }
}

/// A baseline as typed: both empty clears it; a value needs its year and the reverse.
pub(crate) fn parse_baseline(value: &str, year: &str) -> Result<Option<(f64, i32)>, AppError> {
    let (value, year) = (value.trim(), year.trim());
    if value.chars().count() > 32 || year.chars().count() > 8 {
        return Err(AppError::BadRequest(
            "基期值 baseline 或基期年份 baseline_year 过长:请填写一个数字和一个四位年份".into(),
        ));
    }
    match (value.is_empty(), year.is_empty()) {
        (true, true) => Ok(None),
        (false, true) => {
            Err(AppError::BadRequest("基期年份 baseline_year:填写了基期值,也请填写它的年份(如 2020)".into()))
        }
        (true, false) => Err(AppError::BadRequest(
            "基期值 baseline:填写了基期年份,也请填写该年的数值;要清除基期,请把两项都留空".into(),
        )),
        (false, false) => {
            let v: f64 =
                value.replace([',', ','], "").parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                    AppError::BadRequest(format!("基期值 baseline:“{value}”不是数字,请填写如 45.5 的数值"))
                })?;
            let y: i32 = year.parse().map_err(|_| {
                AppError::BadRequest(format!("基期年份 baseline_year:“{year}”不是年份,请填写如 2020 的四位年份"))
            })?;
            Ok(Some((v, y)))
        }
    }
}

#[derive(Template)]
#[template(path = "indicator_edit.html")]
struct EditPage {
    nav: &'static str,
    code: String,
    code_q: String,
    name: String,
    region: String,
    back: String,
    here: String,
    target: String,
    values: usize,
    csrf: String,
    /// The caller may define indicators (analyst, admin).
    may: bool,
    error: String,
    f: EditForm,
    directions: Vec<(&'static str, &'static str)>,
    frequencies: Vec<(&'static str, &'static str)>,
    rules: Vec<(&'static str, &'static str)>,
    /// Indicators of the same region that can weigh it: (code, "name(unit) code").
    weights: Vec<(String, String)>,
    ratio: bool,
}

/// The indicators that can weigh `ind`'s weighted mean — those of its region but itself — as
/// (code, "name(unit) code") for a choice list.
pub(crate) fn weight_choices(s: &planwatch_store::Store, ind: &Indicator) -> Result<Vec<(String, String)>, StoreError> {
    Ok(s.indicators(None, Some(&ind.region))?
        .into_iter()
        .filter(|w| w.code != ind.code)
        .map(|w| {
            let unit = if w.unit.is_empty() { String::new() } else { format!("({})", w.unit) };
            (w.code.clone(), format!("{}{unit} {}", w.name, w.code))
        })
        .collect())
}

fn edit_page(
    s: &planwatch_store::Store,
    code: &str,
    csrf: String,
    may: bool,
    typed: Option<EditForm>,
    error: String,
) -> Result<EditPage, StoreError> {
    let ind = s.indicator(code)?.ok_or_else(|| {
        StoreError::NotFound(format!("指标 {code}(没有这个指标代码:请从监测评估页或规划的实施进展页进入)"))
    })?;
    let weights = weight_choices(s, &ind)?;
    let values = s.observations(&[ind.id])?.len();
    let target = match (ind.target_value, ind.target_year) {
        (Some(v), Some(y)) => format!(
            "{} {}({y}年{})",
            planwatch_monitor::progress::format_number(v),
            ind.unit,
            if ind.target_year_inferred { ",推定" } else { "" }
        ),
        (Some(v), None) => format!("{} {}", planwatch_monitor::progress::format_number(v), ind.unit),
        _ => "—".into(),
    };
    Ok(EditPage {
        nav: "monitor",
        code_q: enc(&ind.code),
        here: enc(&format!("/indicators/{}/edit", enc(&ind.code))),
        back: crate::monitor_pages::indicator_page_href(&ind),
        target,
        values,
        csrf,
        may,
        error,
        f: typed.unwrap_or_else(|| EditForm::of(&ind)),
        directions: vec![("higher", "越大越好"), ("lower", "越小越好")],
        frequencies: vec![("month", "月度"), ("quarter", "季度"), ("year", "年度")],
        rules: Rollup::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        weights,
        ratio: planwatch_monitor::indicator::is_ratio(&ind.name, &ind.unit)
            || planwatch_monitor::indicator::is_per_capita(&ind.name),
        code: ind.code,
        name: ind.name,
        region: ind.region,
    })
}

/// The page that edits an indicator (a page for one session: never cached).
pub async fn edit_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers).await;
    let (csrf, may) = caller.map(|c| (c.csrf, may_define(c.actor.role))).unwrap_or_default();
    let page = db(&state, move |s| edit_page(s, &code, csrf, may, None, String::new())).await?;
    Ok(render(&page).into_response())
}

pub async fn edit_save(
    State(state): State<Shared>,
    Path(code): Path<String>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<EditForm>,
) -> Result<Response, AppError> {
    let caller = auth::require_form_caller(&state, &headers, &f.csrf).await?;
    let (csrf, may) = (caller.csrf.clone(), may_define(caller.actor.role));
    let actor = caller.actor;
    let outcome = match f.parse() {
        Ok(edit) => {
            let c = code.clone();
            db(&state, move |s| s.edit_indicator(&actor, &c, &edit)).await
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(ind) => Ok(Redirect::to(&crate::monitor_pages::indicator_page_href(&ind)).into_response()),
        // An indicator that does not exist has no form to show again.
        Err(e @ AppError::NotFound(_)) => Err(e),
        Err(e) => {
            let status = e.status();
            let message = e.to_string();
            let page = db(&state, move |s| edit_page(s, &code, csrf, may, Some(f), message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

// ---- composite indices --------------------------------------------------------------------

/// Reads the members of an index as the CLI takes them: `CODE` or `CODE=WEIGHT`, one a line
/// (or separated by commas), at most 200.
pub(crate) fn parse_members(raw: &str) -> Result<Vec<(String, Option<f64>)>, AppError> {
    let mut out = Vec::new();
    for (n, item) in raw.split(['\n', ',', ',']).map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        if n >= 200 {
            return Err(AppError::BadRequest("成员指标 members:最多 200 个指标".into()));
        }
        let (code, weight) = match item.split_once(['=', '=']) {
            Some((c, w)) => {
                let w = w.trim();
                let v: f64 = w.parse().ok().filter(|v: &f64| v.is_finite() && *v > 0.0).ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "成员指标 members 第 {} 项“{item}”:权重“{w}”不是正数,请写成 指标代码=权重,如 P1-T01=0.3",
                        n + 1
                    ))
                })?;
                (c.trim(), Some(v))
            }
            None => (item, None),
        };
        if code.is_empty() || code.chars().count() > 64 {
            return Err(AppError::BadRequest(format!(
                "成员指标 members 第 {} 项“{}”:指标代码应为 1 至 64 个字符",
                n + 1,
                item.chars().take(80).collect::<String>()
            )));
        }
        out.push((code.to_string(), weight));
    }
    if out.is_empty() {
        return Err(AppError::BadRequest(
            "成员指标 members:请至少列出一个指标代码(每行一个,固定权重法写成 指标代码=权重)".into(),
        ));
    }
    Ok(out)
}

/// Parses an index method as the CLI offers it (empty: entropy-TOPSIS, the CLI's default),
/// bounded in length.
pub(crate) fn parse_method(raw: &str) -> Result<IndexMethod, AppError> {
    let raw = raw.trim();
    if raw.chars().count() > 32 {
        return Err(AppError::BadRequest(
            "方法 method 过长:可选 熵权TOPSIS法(entropy_topsis)、固定权重加权法(fixed)".into(),
        ));
    }
    match raw {
        "" | "熵权TOPSIS法" => Ok(IndexMethod::EntropyTopsis),
        "固定权重加权法" => Ok(IndexMethod::Fixed),
        other => other.parse().map_err(|_| {
            AppError::BadRequest(format!(
                "方法 method:“{other}”不是可选的方法,可选 熵权TOPSIS法(entropy_topsis)、固定权重加权法(fixed)"
            ))
        }),
    }
}

/// Parses the missing-value policy (exclude or mean), bounded in length.
pub(crate) fn parse_missing(raw: &str) -> Result<&'static str, AppError> {
    match raw.trim() {
        "" | "exclude" | "排除" => Ok("exclude"),
        "mean" | "均值" => Ok("mean"),
        other => Err(AppError::BadRequest(format!(
            "缺失值 missing:“{}”不是可选的处理方式,可选 exclude(缺数据的区县不参与排名)、mean(以均值补足)",
            other.chars().take(40).collect::<String>()
        ))),
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct IndexForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    missing: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    members: String,
}

impl IndexForm {
    pub(crate) fn new(
        name: String,
        region: String,
        method: String,
        missing: String,
        description: String,
        members: String,
    ) -> IndexForm {
        IndexForm { csrf: String::new(), name, region, method, missing, description, members }
    }
}

struct IndexListLine {
    name: String,
    name_q: String,
    region: String,
    method: String,
    members: usize,
}

struct RegionIndicators {
    region: String,
    /// (code, name, unit, direction label).
    indicators: Vec<(String, String, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "indexes.html")]
struct IndexesPage {
    nav: &'static str,
    csrf: String,
    may: bool,
    error: String,
    f: IndexForm,
    indices: Vec<IndexListLine>,
    regions: Vec<RegionIndicators>,
    /// The form is shown (the /indexes/new page), not only the list.
    form: bool,
    ask: &'static str,
}

fn indexes_page(
    s: &planwatch_store::Store,
    csrf: String,
    may: bool,
    form: bool,
    typed: IndexForm,
    error: String,
) -> Result<IndexesPage, StoreError> {
    let indices = s
        .indices()?
        .into_iter()
        .map(|i| IndexListLine {
            name_q: enc(&i.name),
            method: i.method.label().into(),
            members: i.members.len(),
            region: i.region,
            name: i.name,
        })
        .collect();
    let mut regions = Vec::new();
    if form {
        let all = s.indicators(None, None)?;
        for (region, _) in s.monitored_regions()? {
            if !typed.region.trim().is_empty() && typed.region.trim() != region {
                continue;
            }
            let indicators = all
                .iter()
                .filter(|i| i.region == region)
                .map(|i| (i.code.clone(), i.name.clone(), i.unit.clone(), i.direction.label()))
                .collect();
            regions.push(RegionIndicators { region, indicators });
        }
        regions.sort_by(|a, b| a.region.cmp(&b.region));
    }
    Ok(IndexesPage { nav: "monitor", csrf, may, error, f: typed, indices, regions, form, ask: ASK_ANALYST })
}

/// The list of composite indices with links to their rankings.
pub async fn indexes(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers).await;
    let may = caller.as_ref().is_some_and(|c| may_define(c.actor.role));
    let page =
        db(&state, move |s| indexes_page(s, String::new(), may, false, IndexForm::default(), String::new())).await?;
    Ok(render(&page).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewIndexQuery {
    #[serde(default)]
    region: String,
}

/// The form that defines an index (a page for one session: never cached).
pub async fn index_form(
    State(state): State<Shared>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<NewIndexQuery>,
) -> Result<Response, AppError> {
    let caller = auth::caller(&state, &headers).await;
    let (csrf, may) = caller.map(|c| (c.csrf, may_define(c.actor.role))).unwrap_or_default();
    let typed = IndexForm { region: q.region.chars().take(40).collect(), ..Default::default() };
    let page = db(&state, move |s| indexes_page(s, csrf, may, true, typed, String::new())).await?;
    Ok(render(&page).into_response())
}

/// Defines an index through [`planwatch_store::Store::define_index`], as `planwatch index
/// define` does; when a region is chosen, every member must be of it.
pub(crate) fn define_index(
    s: &planwatch_store::Store,
    actor: &planwatch_store::Actor,
    f: &IndexForm,
) -> Result<planwatch_store::monitor::IndexDef, AppError> {
    let method = parse_method(&f.method)?;
    let missing = parse_missing(&f.missing)?;
    let members = parse_members(&f.members)?;
    for (code, weight) in &members {
        if s.indicator(code)?.is_none() {
            return Err(AppError::BadRequest(format!(
                "成员指标 members:没有指标代码“{code}”。请从下方“可选指标”表中抄写代码(或见监测评估页的指标列表)"
            )));
        }
        if method == IndexMethod::Fixed && weight.is_none() {
            return Err(AppError::BadRequest(format!(
                "成员指标 members:固定权重加权法要给每个指标一个正的权重,{code} 没有,请写成 {code}=0.5"
            )));
        }
    }
    if f.name.trim().is_empty() {
        return Err(AppError::BadRequest("指数名称 name:请填写指数名称,如 合肥市区县科技创新指数".into()));
    }
    if s.index(f.name.trim())?.is_some() {
        return Err(AppError::BadRequest(format!(
            "指数名称 name:已有名为“{}”的综合指数。请换一个名称(改已有指数的构成用命令 planwatch index define,已发布排名的指数不能改)",
            f.name.trim()
        )));
    }
    let region = f.region.trim();
    if !region.is_empty() {
        if region.chars().count() > 40 {
            return Err(AppError::BadRequest("地区 region 过长:请填写如 合肥市 的地区名称".into()));
        }
        for (code, _) in &members {
            if let Some(ind) = s.indicator(code)? {
                if ind.region != region {
                    return Err(AppError::BadRequest(format!(
                        "成员指标 members:{code}({})属于{},不属于所选地区 {region}:一个指数只比较同一地区的区县",
                        ind.name, ind.region
                    )));
                }
            }
        }
    }
    Ok(s.define_index(actor, &f.name, method, missing, &f.description, &members)?)
}

impl IndexForm {
    /// The form as posted: its fields, and the indicators ticked in the chooser (`pick`, with
    /// `weight:CODE`) added to the typed members as `CODE` or `CODE=WEIGHT` lines, so a
    /// refused form shows them in the members box.
    fn of_pairs(pairs: Vec<(String, String)>) -> IndexForm {
        let mut f = IndexForm::default();
        let mut picked: Vec<String> = Vec::new();
        let mut weights: std::collections::HashMap<String, String> = Default::default();
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => f.csrf = v,
                "name" => f.name = v,
                "region" => f.region = v,
                "method" => f.method = v,
                "missing" => f.missing = v,
                "description" => f.description = v,
                "members" => f.members = v,
                "pick" => picked.push(v),
                other => {
                    if let Some(code) = other.strip_prefix("weight:") {
                        weights.insert(code.to_string(), v);
                    }
                }
            }
        }
        let mut lines: Vec<String> = f.members.lines().map(str::to_string).filter(|l| !l.trim().is_empty()).collect();
        for code in picked {
            match weights.get(&code).map(|w| w.trim()).filter(|w| !w.is_empty()) {
                Some(w) => lines.push(format!("{code}={w}")),
                None => lines.push(code),
            }
        }
        f.members = lines.join("\n");
        f
    }
}

pub async fn index_save(
    State(state): State<Shared>,
    headers: HeaderMap,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = IndexForm::of_pairs(pairs);
    let caller = auth::require_form_caller(&state, &headers, &f.csrf).await?;
    let (csrf, may) = (caller.csrf.clone(), may_define(caller.actor.role));
    let actor = caller.actor;
    let typed = f.clone();
    let outcome = tokio::task::spawn_blocking({
        let store = state.store.clone();
        move || define_index(&store, &actor, &f)
    })
    .await
    .map_err(|e| AppError::Internal(format!("worker failed: {e}")))?;
    match outcome {
        Ok(def) => Ok(Redirect::to(&format!("/rankings/{}", enc(&def.name))).into_response()),
        Err(e) => {
            let status = e.status();
            let message = e.to_string();
            // What was typed comes back, bounded (a 2 MB textarea is not echoed whole).
            let mut typed = typed;
            for field in [&mut typed.name, &mut typed.description, &mut typed.members, &mut typed.region] {
                if field.chars().count() > 20_000 {
                    *field = field.chars().take(20_000).collect();
                }
            }
            let page = db(&state, move |s| indexes_page(s, csrf, may, true, typed, message)).await?;
            Ok((status, render(&page)).into_response())
        }
    }
}

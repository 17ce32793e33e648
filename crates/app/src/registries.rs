//! Registries in the application layer (issue 17): figures computed from registry entries,
//! shown by the pages, the API and the command line alike.
//!
//! The tiered-cultivation funnel (梯度培育漏斗, item 5): the counting is
//! `planwatch_registry::counts::funnel` (one implementation for every front end); this module
//! chooses the entries (an industry, a district), the quarters (from the first rung gained to
//! `through`, at most [`MAX_FUNNEL_QUARTERS`]) and shapes the result for pages: per quarter,
//! `at[r]` entries whose highest rung at the quarter's end is `r`, `reached(r)` those at `r`
//! or higher (the ladder is cumulative: a 独角兽 is also a 瞪羚), entered (first rung gained
//! in the quarter), promoted (a rung above the highest held at the previous quarter's end),
//! lost (a lower rung, or none). Quarters are compared end to end: a rung gained and lost
//! inside one quarter changes no count but entered. A step with an unreadable date or a rung
//! outside the ladder counts nowhere (the registry validates both on import).

use planwatch_export::{Grid, GridCell, GridColumn};
use planwatch_monitor::Period;
use planwatch_registry::counts::{self, Counted, TierSpan};
use planwatch_registry::Kind;
use planwatch_store::{Store, StoreError};
use serde::Serialize;

/// Most quarters a funnel spans (ten years): the earliest are dropped beyond it.
pub const MAX_FUNNEL_QUARTERS: usize = 40;

/// What the funnel needs of an entry: its place and industry (the filters) and its tier spans.
#[derive(Debug, Clone)]
pub struct FunnelEntry {
    pub key: String,
    pub place: String,
    pub industry: String,
    pub tiers: Vec<TierSpan>,
}

/// Which entries count: an industry and a place (district), each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FunnelQuery {
    pub industry: Option<String>,
    pub place: Option<String>,
}

impl FunnelQuery {
    fn admits(&self, e: &FunnelEntry) -> bool {
        self.industry.as_deref().is_none_or(|i| e.industry == i) && self.place.as_deref().is_none_or(|p| e.place == p)
    }
}

/// One quarter of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelQuarter {
    pub period: Period,
    /// Entries whose highest rung at the quarter's end is each rung of the ladder.
    pub at: Vec<i64>,
    pub entered: i64,
    pub promoted: i64,
    pub lost: i64,
}

impl FunnelQuarter {
    /// Entries holding rung `r` or a higher one at the quarter's end.
    pub fn reached(&self, r: usize) -> i64 {
        self.at.iter().skip(r).sum()
    }

    /// Entries holding any rung at the quarter's end.
    pub fn total(&self) -> i64 {
        self.at.iter().sum()
    }
}

/// The funnel of a ladder over the quarters from the first rung gained to `through`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funnel {
    pub ladder: Vec<String>,
    pub query: FunnelQuery,
    /// Entries that passed the query (with or without a rung).
    pub entries: usize,
    /// Oldest first; empty when no entry ever held a rung by `through`.
    pub quarters: Vec<FunnelQuarter>,
    /// Quarters left out before the first shown one (beyond [`MAX_FUNNEL_QUARTERS`]).
    pub dropped_quarters: usize,
}

impl Funnel {
    /// The last quarter shown: the funnel as of `through`.
    pub fn latest(&self) -> Option<&FunnelQuarter> {
        self.quarters.last()
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The quarter a `YYYY-MM-DD` date falls in.
fn quarter_of(date: &str) -> Option<Period> {
    if !is_date(date) {
        return None;
    }
    let year: i32 = date[..4].parse().ok()?;
    let month: u8 = date[5..7].parse().ok()?;
    (1..=12).contains(&month).then(|| Period::Quarter(year, (month - 1) / 3 + 1))
}

/// The last day of a period, `YYYY-MM-DD`.
pub fn period_end(p: Period) -> String {
    let d = p.last_day();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// The funnel of `entries` matching `query` through the quarter `through` (a quarter; any
/// other period is taken as the quarter holding its end), on the ladder of `kind`'s tier.
pub fn funnel(kind: &Kind, entries: &[FunnelEntry], query: &FunnelQuery, through: Period) -> Funnel {
    let through = through.as_frequency(planwatch_monitor::Frequency::Quarter);
    let ladder: Vec<String> = kind.tier_field().map(|t| t.values.clone()).unwrap_or_default();
    let rungs = ladder.len();
    let chosen: Vec<Counted> = entries
        .iter()
        .filter(|e| query.admits(e))
        .map(|e| Counted { place: e.place.clone(), since: None, tiers: e.tiers.clone(), fields: Default::default() })
        .collect();
    let first = chosen
        .iter()
        .flat_map(|e| e.tiers.iter())
        .filter(|t| t.rung < rungs)
        .filter_map(|t| quarter_of(&t.gained))
        .min();
    let mut out =
        Funnel { ladder, query: query.clone(), entries: chosen.len(), quarters: Vec::new(), dropped_quarters: 0 };
    let Some(first) = first.filter(|f| *f <= through) else {
        return out;
    };
    let span = (through.ordinal() - first.ordinal() + 1) as usize;
    let shown = span.min(MAX_FUNNEL_QUARTERS);
    out.dropped_quarters = span - shown;
    let periods: Vec<Period> = std::iter::successors(Some(through), |q| Some(q.prev()))
        .take(shown)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    out.quarters = counts::funnel(kind, &chosen, &periods)
        .into_iter()
        .map(|r| FunnelQuarter {
            period: r.period,
            at: r.at_rung,
            entered: r.entered,
            promoted: r.promoted,
            lost: r.lost,
        })
        .collect();
    out
}

/// A kind's funnel in a region (every region when empty) from the store's approved entries,
/// with the industries and places offered as filters (those of the entries, in order).
pub struct FunnelView {
    pub funnel: Funnel,
    pub kind_name: String,
    pub industries: Vec<String>,
    pub places: Vec<String>,
}

/// The funnel of `kind` (which must have a tier ladder) through `through`.
pub fn store_funnel(
    store: &Store,
    kind: &str,
    region: &str,
    query: &FunnelQuery,
    through: Period,
) -> Result<FunnelView, StoreError> {
    let k = store.registries().kind(kind).ok_or_else(|| StoreError::NotFound(format!("名录类型“{kind}”")))?.clone();
    if k.tier_field().is_none() {
        return Err(StoreError::Invalid(format!("{}名录没有梯度层级,没有培育漏斗", k.name)));
    }
    let entries: Vec<FunnelEntry> = store
        .registry_tier_histories(&k.id, region)?
        .into_iter()
        .map(|h| FunnelEntry { key: h.key, place: h.place, industry: h.industry, tiers: h.tiers })
        .collect();
    let set = |f: fn(&FunnelEntry) -> &String| -> Vec<String> {
        let s: std::collections::BTreeSet<&String> = entries.iter().map(f).filter(|v| !v.is_empty()).collect();
        s.into_iter().cloned().collect()
    };
    let industries = set(|e| &e.industry);
    let places = set(|e| &e.place);
    Ok(FunnelView { funnel: funnel(&k, &entries, query, through), kind_name: k.name.clone(), industries, places })
}

/// The plan items entries serve (document id, item key as corrections name them), as links to
/// the item's sentence highlighted in its plan (`links::source_href`) with the plan's title and
/// the item's text; an item no longer in the plan links to the plan. Each plan is read once.
pub fn item_links(store: &Store, links: &[(i64, String)]) -> Vec<(String, String)> {
    let mut views: std::collections::HashMap<i64, Option<planwatch_store::PlanView>> = Default::default();
    let mut out = Vec::with_capacity(links.len());
    for (doc, key) in links {
        let view = views.entry(*doc).or_insert_with(|| store.plan_view(*doc).ok());
        let hit = view.as_ref().and_then(|v| {
            let (p, r) = (&v.effective.plan, &v.effective.refs);
            // `platform/量子精密测量实验室#1` as the store names links; a bare key is looked
            // for in every kind.
            let (only, bare) = match key.split_once('/') {
                Some((k, rest)) if ["target", "task", "industry", "district", "platform"].contains(&k) => {
                    (Some(k), rest)
                }
                _ => (None, key.as_str()),
            };
            let at = |kind: &str, refs: &[planwatch_store::ItemRef]| {
                if only.is_some_and(|o| o != kind) {
                    return None;
                }
                refs.iter().position(|x| x.key == bare)
            };
            let item = if let Some(i) = at("platform", &r.platforms) {
                p.platforms.get(i).map(|x| (x.span, x.name.clone()))
            } else if let Some(i) = at("target", &r.targets) {
                p.targets.get(i).map(|x| (x.span, x.text.clone()))
            } else if let Some(i) = at("task", &r.tasks) {
                p.tasks.get(i).map(|x| (x.span, x.title.clone()))
            } else if let Some(i) = at("industry", &r.industries) {
                p.industries.get(i).map(|x| (x.span, x.name.clone()))
            } else if let Some(i) = at("district", &r.districts) {
                p.districts.get(i).map(|x| (x.span, x.subject.clone()))
            } else {
                None
            };
            item.map(|(span, text)| {
                (crate::links::source_href(*doc, v.version.id, span), format!("{} · {text}", v.summary.title))
            })
        });
        out.push(hit.unwrap_or_else(|| (format!("/plans/{doc}"), format!("规划 {doc} · {key}(该条目已不在规划中)"))));
    }
    out
}

/// What the filters of a funnel say, for titles: "人工智能 · 蜀山区", or "全部产业 · 全部区县".
pub fn funnel_scope(query: &FunnelQuery) -> String {
    format!("{} · {}", query.industry.as_deref().unwrap_or("全部产业"), query.place.as_deref().unwrap_or("全部区县"))
}

/// The funnel's table (one row per quarter) as an export grid: the XLSX of the funnel page.
pub fn funnel_grid(f: &Funnel) -> Grid {
    let mut columns = vec![GridColumn::text("季度", "季度(按季末统计)。")];
    for name in &f.ladder {
        columns
            .push(GridColumn::number(&format!("{name}(当前最高层级)"), &format!("季末最高层级为“{name}”的条目数。")));
    }
    for name in f.ladder.iter().skip(1) {
        columns.push(GridColumn::number(
            &format!("达到{name}及以上"),
            &format!("季末层级为“{name}”或更高的条目数(层级逐级累计)。"),
        ));
    }
    columns.push(GridColumn::number("新入库", "在本季度首次获得层级的条目数。"));
    columns.push(GridColumn::number("晋级", "本季末层级高于上季末的条目数。"));
    columns.push(GridColumn::number("降级或出库", "本季末层级低于上季末或已无层级的条目数。"));
    let rows = f
        .quarters
        .iter()
        .map(|q| {
            let mut r = vec![GridCell::Text(q.period.label())];
            r.extend(q.at.iter().map(|n| GridCell::Number(*n as f64)));
            r.extend((1..f.ladder.len()).map(|k| GridCell::Number(q.reached(k) as f64)));
            r.extend([q.entered, q.promoted, q.lost].map(|n| GridCell::Number(n as f64)));
            r
        })
        .collect();
    let mut notes = vec![
        ("范围".to_string(), funnel_scope(&f.query)),
        ("条目".to_string(), format!("符合条件的条目 {} 个", f.entries)),
        ("口径".to_string(), "按每季度末的最高层级统计;同一季度内获得又失去的层级不计。".to_string()),
    ];
    if f.dropped_quarters > 0 {
        notes.push((
            "说明".to_string(),
            format!("只列出最近 {MAX_FUNNEL_QUARTERS} 个季度,更早的 {} 个季度未列出。", f.dropped_quarters),
        ));
    }
    Grid { title: format!("梯度培育漏斗 {}", funnel_scope(&f.query)), columns, rows, notes }
}

/// The funnel as a server-made SVG chart (`planwatch_report::charts::funnel`): the rungs as
/// of the last quarter, cumulative, and each quarter's transitions.
pub fn funnel_svg(f: &Funnel) -> String {
    use planwatch_report::charts::{self, FunnelStage, FunnelTransitions};
    let stages: Vec<FunnelStage> = match f.latest() {
        Some(q) => f
            .ladder
            .iter()
            .enumerate()
            .map(|(r, name)| FunnelStage { label: name.clone(), count: q.reached(r) })
            .collect(),
        None => f.ladder.iter().map(|name| FunnelStage { label: name.clone(), count: 0 }).collect(),
    };
    let quarters: Vec<FunnelTransitions> = f
        .quarters
        .iter()
        .map(|q| FunnelTransitions {
            period: q.period.to_string(),
            entered: q.entered,
            promoted: q.promoted,
            lost: q.lost,
        })
        .collect();
    let as_of = f.latest().map(|q| format!("({}末)", q.period.label())).unwrap_or_default();
    charts::funnel(&stages, &quarters, &format!("梯度培育漏斗 {}{as_of}", funnel_scope(&f.query)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ladder() -> Kind {
        planwatch_registry::Registries::builtin().kind("enterprise").unwrap().clone()
    }

    fn step(rung: usize, gained: &str, lost: Option<&str>) -> TierSpan {
        TierSpan { rung, gained: gained.into(), lost: lost.map(String::from) }
    }

    fn entry(key: &str, place: &str, industry: &str, tiers: Vec<TierSpan>) -> FunnelEntry {
        FunnelEntry { key: key.into(), place: place.into(), industry: industry.into(), tiers }
    }

    /// A registry small enough to count by hand:
    /// - A (蜀山区, AI): 入库 2025-01-15, 高新 2025-05-01, 专精特新 2025-08-20.
    /// - B (蜀山区, AI): 入库 2025-02-01, lost 2025-07-10 (out of the list).
    /// - C (包河区, AI): 入库 2025-04-02 and 高新 2025-06-01 in the same quarter.
    /// - D (蜀山区, 量子): 高新 2025-03-31, gained and lost 专精特新 inside Q2 (2025-04-10 to 05-10),
    ///   downgraded from 高新 to 入库 on 2025-09-30 (the last day of Q3).
    /// - E (蜀山区, AI): no rung at all.
    fn registry() -> Vec<FunnelEntry> {
        vec![
            entry(
                "A",
                "蜀山区",
                "人工智能",
                vec![step(0, "2025-01-15", None), step(1, "2025-05-01", None), step(2, "2025-08-20", None)],
            ),
            entry("B", "蜀山区", "人工智能", vec![step(0, "2025-02-01", Some("2025-07-10"))]),
            entry("C", "包河区", "人工智能", vec![step(0, "2025-04-02", None), step(1, "2025-06-01", None)]),
            entry(
                "D",
                "蜀山区",
                "量子信息",
                vec![
                    step(0, "2025-03-31", None),
                    step(1, "2025-03-31", Some("2025-09-30")),
                    step(2, "2025-04-10", Some("2025-05-10")),
                ],
            ),
            entry("E", "蜀山区", "人工智能", vec![]),
        ]
    }

    fn row(q: &FunnelQuarter) -> (String, Vec<i64>, i64, i64, i64) {
        (q.period.to_string(), q.at[..3].to_vec(), q.entered, q.promoted, q.lost)
    }

    #[test]
    fn the_funnel_counts_rungs_and_transitions_of_a_hand_counted_registry() {
        let f = funnel(&ladder(), &registry(), &FunnelQuery::default(), Period::Quarter(2025, 4));
        assert_eq!(f.entries, 5);
        let rows: Vec<_> = f.quarters.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                // Q1: A, B 入库; D 高新 (31 March is inside Q1). Three entered.
                ("2025Q1".into(), vec![2, 1, 0], 3, 0, 0),
                // Q2: A → 高新 (promoted), C enters straight at 高新, D's 专精特新 came and went.
                ("2025Q2".into(), vec![1, 3, 0], 1, 1, 0),
                // Q3: A → 专精特新 (promoted), B out (lost), D down to 入库 on 30 Sept (lost).
                ("2025Q3".into(), vec![1, 1, 1], 0, 1, 2),
                ("2025Q4".into(), vec![1, 1, 1], 0, 0, 0),
            ]
        );
        let q3 = &f.quarters[2];
        assert_eq!((q3.total(), q3.reached(1), q3.reached(2), q3.reached(3)), (3, 2, 1, 0));
        assert_eq!(f.dropped_quarters, 0);
    }

    #[test]
    fn filters_choose_the_entries_and_an_empty_funnel_has_no_quarters() {
        let q = FunnelQuery { industry: Some("人工智能".into()), place: Some("蜀山区".into()) };
        let f = funnel(&ladder(), &registry(), &q, Period::Quarter(2025, 3));
        assert_eq!(f.entries, 3); // A, B, E
        let rows: Vec<_> = f.quarters.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                ("2025Q1".into(), vec![2, 0, 0], 2, 0, 0),
                ("2025Q2".into(), vec![1, 1, 0], 0, 1, 0),
                ("2025Q3".into(), vec![0, 0, 1], 0, 1, 1),
            ]
        );
        let none = FunnelQuery { industry: Some("生物制造".into()), place: None };
        let f = funnel(&ladder(), &registry(), &none, Period::Quarter(2025, 3));
        assert_eq!((f.entries, f.quarters.len()), (0, 0));
        // A funnel through a quarter before any rung was gained is empty too.
        let f = funnel(&ladder(), &registry(), &FunnelQuery::default(), Period::Quarter(2024, 4));
        assert!(f.quarters.is_empty());
    }

    #[test]
    fn bad_stored_steps_are_ignored_and_long_histories_are_capped() {
        let mut r = registry();
        r.push(entry("X", "蜀山区", "人工智能", vec![step(9, "2025-01-01", None), step(0, "2025-1-1", None)]));
        r.push(entry("Y", "蜀山区", "人工智能", vec![step(0, "1990-01-01", Some("not a date"))]));
        let f = funnel(&ladder(), &r, &FunnelQuery::default(), Period::Quarter(2025, 4));
        assert_eq!(f.quarters.len(), MAX_FUNNEL_QUARTERS);
        assert_eq!(f.dropped_quarters, (2025 - 1990) * 4 + 4 - MAX_FUNNEL_QUARTERS);
        // Y has held 入库 since 1990 (its unreadable loss date is no loss); X never counts.
        let q4 = f.latest().unwrap();
        assert_eq!(q4.period, Period::Quarter(2025, 4));
        assert_eq!(q4.at[..3], [2, 1, 1]);
        // A month or a year stands for the quarter holding its end.
        let by_year = funnel(&ladder(), &registry(), &FunnelQuery::default(), Period::Year(2025));
        assert_eq!(by_year.latest().unwrap().period, Period::Quarter(2025, 4));
    }

    #[test]
    fn the_grid_has_a_row_per_quarter_and_names_its_scope() {
        let f = funnel(&ladder(), &registry(), &FunnelQuery::default(), Period::Quarter(2025, 4));
        let g = funnel_grid(&f);
        assert_eq!(g.rows.len(), 4);
        assert_eq!(g.columns.len(), 1 + 6 + 5 + 3);
        assert_eq!(g.rows[2][0], GridCell::Text(Period::Quarter(2025, 3).label()));
        // 达到高新技术企业及以上 in Q3: A (专精特新) and C (高新).
        assert_eq!(g.rows[2][7], GridCell::Number(2.0));
        assert_eq!(g.rows[2][12..], [GridCell::Number(0.0), GridCell::Number(1.0), GridCell::Number(2.0)]);
        assert!(g.title.contains("全部产业 · 全部区县"));
        assert!(planwatch_export::grid_xlsx(&g).unwrap().starts_with(b"PK"));
        let svg = funnel_svg(&f);
        // The rungs as of 2025Q4, cumulative: 入库及以上 3 (A, C, D), 专精特新 1 (A).
        assert!(svg.contains("入库及以上 3;") && svg.contains("专精特新中小企业及以上 1;"), "{svg}");
    }
}

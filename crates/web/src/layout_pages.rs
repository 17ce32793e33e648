//! The layout map page `/layout` (布局地图) and its district view (`?place=`): HTTP only; the
//! figures come from `planwatch_app::layout`, the SVG from planwatch-report's categorical map.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use planwatch_app::layout::{self, DistrictDetail, LayoutCounts, LayoutView};
use serde::Deserialize;

use crate::pages::{enc, render};
use crate::{auth, db, AppError, Shared};

/// Longest region name accepted (the longest province name has 8 characters).
const REGION_MAX_CHARS: usize = 32;
/// Longest district name accepted (the longest county name has about 15).
const PLACE_MAX_CHARS: usize = 64;

#[derive(Deserialize, Default, utoipa::IntoParams)]
pub struct LayoutQuery {
    /// The city or municipality, by full name, e.g. 合肥市 (default: the caller's region, or
    /// the only region of the stored plans).
    #[serde(default)]
    pub region: String,
    /// A district or county of the region, by name or code: its plan sentences.
    #[serde(default)]
    pub place: String,
}

/// The checked query: (region asked, place asked), both trimmed.
pub fn check_query(q: &LayoutQuery) -> Result<(String, String), AppError> {
    let (region, place) = (q.region.trim(), q.place.trim());
    if region.chars().count() > REGION_MAX_CHARS {
        return Err(AppError::BadRequest(format!(
            "region(地区):名称过长(至多 {REGION_MAX_CHARS} 个字符),请用省、市的全称,如 合肥市。"
        )));
    }
    if place.chars().count() > PLACE_MAX_CHARS {
        return Err(AppError::BadRequest(format!(
            "place(区县):名称过长(至多 {PLACE_MAX_CHARS} 个字符),请从布局地图上选择区县。"
        )));
    }
    Ok((region.to_string(), place.to_string()))
}

/// The region shown: the one asked for, else the caller's, else the only region of the
/// stored plans; None when there is nothing to go by (the page lists the regions).
pub async fn pick_region(state: &Shared, headers: &HeaderMap, asked: &str) -> Result<Option<String>, AppError> {
    if !asked.is_empty() {
        return Ok(Some(asked.to_string()));
    }
    let own = auth::caller(state, headers).await.map(|c| c.actor.region).unwrap_or_default();
    if !own.is_empty() && own != "全国" {
        return Ok(Some(own));
    }
    let regions = db(state, |s| s.plan_regions()).await?;
    Ok(match regions.as_slice() {
        [(only, _)] => Some(only.clone()),
        _ => None,
    })
}

/// Registry counts per district of `region` ([`planwatch_app::layout::registry_counts`]); a
/// store error leaves the map without counts rather than without a page.
pub fn registry_counts(store: &planwatch_store::Store, region: &str) -> Vec<LayoutCounts> {
    planwatch_app::layout::registry_counts(store, region).unwrap_or_default()
}

#[derive(Template)]
#[template(path = "layout.html")]
struct LayoutPage {
    nav: &'static str,
    view: LayoutView,
    map_svg: String,
    /// What the map lacks, said plainly (no boundaries, unreadable file).
    map_note: String,
    /// Regions of the stored plans: (name, plans, selected).
    regions: Vec<(String, i64, bool)>,
    detail: Option<DistrictDetail>,
    /// `/places/{name}` of the district shown, percent-encoded.
    place_page: String,
    /// The whole region's map.
    back_href: String,
    /// The boundaries come from a `--data` directory.
    from_data_dir: bool,
}

impl LayoutPage {
    fn plan_count(&self) -> usize {
        self.view.plans.len()
    }
}

#[derive(Template)]
#[template(path = "layout_choose.html")]
struct ChoosePage {
    nav: &'static str,
    regions: Vec<(String, String, i64)>,
}

pub async fn page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<LayoutQuery>,
) -> Result<Response, AppError> {
    let (asked, place) = check_query(&q)?;
    let regions = db(&state, |s| s.plan_regions()).await?;
    let Some(region) = pick_region(&state, &headers, &asked).await? else {
        let page = ChoosePage {
            nav: "layout",
            regions: regions.iter().map(|(r, n)| (r.clone(), format!("/layout?region={}", enc(r)), *n)).collect(),
        };
        return Ok(render(&page).into_response());
    };
    let (view, detail) = db(&state, move |s| {
        let counts = registry_counts(s, &region);
        let view = layout::layout(s, &region, &counts)?;
        let detail = if place.is_empty() { None } else { Some(layout::district(s, &region, &place, &counts)?) };
        Ok((view, detail))
    })
    .await?;
    let selected = detail.as_ref().map(|d| d.district.name.clone()).unwrap_or_default();
    let (map_svg, map_note) = match (&view.boundary_error, layout::svg_selecting(&view, &selected)) {
        (Some(e), _) => (String::new(), format!("区县边界文件无法读取:{e}")),
        (None, Some(Ok(svg))) => (svg, String::new()),
        (None, Some(Err(e))) => (String::new(), format!("地图无法绘制:{e}")),
        (None, None) => (
            String::new(),
            format!(
                "暂无{}的区县边界数据,无法上图(下表仍列出各区县)。可在 --data 目录中放入 boundaries/{}.geojson(GeoJSON,每个区县一个要素,properties 含 code 与 name)后重启服务。",
                view.region,
                if view.region_code.is_empty() { "区划代码" } else { &view.region_code }
            ),
        ),
    };
    let mut regions: Vec<(String, i64, bool)> =
        regions.into_iter().map(|(r, n)| (r.clone(), n, r == view.region)).collect();
    if !regions.iter().any(|r| r.2) {
        regions.push((view.region.clone(), 0, true));
    }
    let place_page = detail.as_ref().map(|d| enc(&d.district.name)).unwrap_or_default();
    let back_href = format!("/layout?region={}", enc(&view.region));
    let from_data_dir = view.boundary_origin == Some(planwatch_app::boundaries::Origin::DataDir);
    let page =
        LayoutPage { nav: "layout", view, map_svg, map_note, regions, detail, place_page, back_href, from_data_dir };
    Ok(render(&page).into_response())
}

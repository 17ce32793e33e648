//! The layout map (布局地图): a region's districts coloured by the industry the plans assign to
//! them. The plans' district mappings (`districts` of the extraction: an industry — the
//! subject — laid out in named districts, with its sentence) of every stored plan of the
//! region and of the regions above it are counted per district; a district's colour is the
//! industry with the most mappings there. Registry counts per district (enterprises by tier,
//! scenarios, platforms…) come in from the caller as plain [`LayoutCounts`]; [`registry_counts`]
//! makes them from the approved entries of every registry kind.

use crate::boundaries::{self, Origin};
use crate::links::{enc, source_href};
use planwatch_report::charts::{self, CategoryArea};
use planwatch_store::{PlanOrder, RegionFilter, Store, StoreError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

type Result<T> = std::result::Result<T, StoreError>;

/// Industries with a colour of their own; the rest share 其他产业.
pub const MAX_COLOURED: usize = charts::CATEGORY_COLOURS.len();
/// The legend's label of the industries past [`MAX_COLOURED`].
pub const OTHER_LABEL: &str = "其他产业";
/// The legend's label of districts without mappings.
pub const NONE_LABEL: &str = "无规划布局";
/// The most characters of a sentence the district view shows.
const SENTENCE_MAX_CHARS: usize = 400;

/// A count to show per district, made by the caller (registries: 专精特新企业 12, 应用场景 3…).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LayoutCounts {
    /// The district's canonical name.
    pub place: String,
    pub label: String,
    pub count: i64,
    /// The list the count comes from (a local path), if any.
    pub href: Option<String>,
}

/// One district mapping of a plan: an industry laid out in the district, with its sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayoutMapping {
    pub plan_id: i64,
    pub plan_title: String,
    pub version_id: i64,
    pub industry: String,
    pub span: [usize; 2],
    /// The highlighted sentence in the plan's source.
    pub href: String,
    /// The sentence (at most 400 characters); filled on the district view only.
    pub sentence: String,
    pub corrected: bool,
}

/// A district of the layout map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictLayout {
    pub name: String,
    /// GB/T 2260 code; empty for a development zone (not drawn).
    pub code: String,
    /// The industry with the most mappings here (ties: the one with more in the region, then
    /// by name); None without mappings.
    pub focus: Option<String>,
    /// The fill on the map.
    pub colour: &'static str,
    /// (industry, mappings) here, most first.
    pub industries: Vec<(String, usize)>,
    pub mappings: usize,
    pub counts: Vec<LayoutCounts>,
    /// `/layout?region=…&place=…`.
    pub href: String,
}

impl DistrictLayout {
    /// The tooltip and accessible name: name, focus, mappings and counts.
    pub fn tooltip(&self) -> String {
        let mut s = match &self.focus {
            Some(f) => format!("{}:主导产业 {f};规划布局 {} 条", self.name, self.mappings),
            None => format!("{}:{NONE_LABEL}", self.name),
        };
        for c in &self.counts {
            s.push_str(&format!(";{} {}", c.label, c.count));
        }
        s
    }
}

/// An industry of the legend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayoutIndustry {
    pub name: String,
    pub colour: &'static str,
    /// Districts it leads.
    pub districts: usize,
    /// Its mappings in the region.
    pub mappings: usize,
}

/// The layout map of a region.
#[derive(Debug, Clone, Serialize)]
pub struct LayoutView {
    pub region: String,
    pub region_code: String,
    /// The plans read (the region's and those of the regions above it): (id, title, region).
    pub plans: Vec<(i64, String, String)>,
    /// Industries leading a district, most districts first; the colour of each.
    pub industries: Vec<LayoutIndustry>,
    /// The region's districts and counties in code order, then development zones with
    /// mappings.
    pub districts: Vec<DistrictLayout>,
    /// Mappings in all.
    pub mappings: usize,
    /// Where the boundaries come from; None when the region has none.
    pub boundary_origin: Option<Origin>,
    /// Why a data directory's boundary file could not be read.
    pub boundary_error: Option<String>,
    #[serde(skip)]
    pub geojson: Option<Arc<str>>,
}

/// The region `name` names: a province- or city-level unit of the dictionaries.
fn region_unit(store: &Store, region: &str) -> Result<planwatch_core::dict::Place> {
    store.dicts().unit(region).cloned().ok_or_else(|| {
        StoreError::NotFound(format!("地区“{region}”不在行政区划字典中:请用省、市的全称,如 合肥市、重庆市"))
    })
}

/// The region and every region above it (合肥市 → 安徽省).
fn with_parents(store: &Store, region: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut cur = region.to_string();
    while !cur.is_empty() && out.insert(cur.clone()) {
        cur = store.dicts().unit(&cur).map(|p| p.within.clone()).unwrap_or_default();
    }
    out
}

/// The mappings of district `place` from the plans in `plans`.
fn mappings_of(store: &Store, place: &str, plans: &HashMap<i64, String>) -> Result<Vec<LayoutMapping>> {
    Ok(store
        .place_items(place)?
        .into_iter()
        .filter(|i| i.kind == "industry" && plans.contains_key(&i.plan_id))
        .map(|i| LayoutMapping {
            href: source_href(i.plan_id, i.version_id, i.span),
            plan_id: i.plan_id,
            plan_title: i.plan_title,
            version_id: i.version_id,
            industry: i.label.trim().to_string(),
            span: i.span,
            sentence: String::new(),
            corrected: i.corrected,
        })
        .collect())
}

/// The layout map of `region` (a city's or municipality's full name), with `counts` shown per
/// district. Reads the region's districts from the dictionaries and each district's mappings
/// from the store (one indexed query per district), no plan JSON.
pub fn layout(store: &Store, region: &str, counts: &[LayoutCounts]) -> Result<LayoutView> {
    let unit = region_unit(store, region)?;
    let regions = with_parents(store, &unit.name);
    let plans: Vec<(i64, String, String)> = store
        .list_plans(PlanOrder::default())?
        .into_iter()
        .filter(|p| regions.contains(&p.region))
        .map(|p| (p.id, p.title, p.region))
        .collect();
    let plan_ids: HashMap<i64, String> = plans.iter().map(|(id, t, _)| (*id, t.clone())).collect();

    let mut raw: Vec<(planwatch_core::dict::Place, Vec<LayoutMapping>)> = Vec::new();
    for p in store.dicts().units_within(&unit.name) {
        let m = if plan_ids.is_empty() { Vec::new() } else { mappings_of(store, &p.name, &plan_ids)? };
        // Development zones are not drawn: listed only when plans map industries to them.
        if p.code.is_empty() && m.is_empty() {
            continue;
        }
        raw.push((p.clone(), m));
    }
    // Places the region's plans name that the dictionaries do not put under it (a development
    // zone missing from zones.toml, 绵阳高新区): listed, not drawn, so no mapping is lost.
    if !plan_ids.is_empty() {
        for (name, _, _) in store.places(RegionFilter::Only(&unit.name))? {
            let elsewhere = store.dicts().place(&name, Some(&unit.name)).is_some_and(|p| p.within != unit.name);
            if elsewhere || name == unit.name || raw.iter().any(|(p, _)| p.name == name) {
                continue;
            }
            let m = mappings_of(store, &name, &plan_ids)?;
            if !m.is_empty() {
                let place = planwatch_core::dict::Place {
                    name,
                    code: String::new(),
                    level: "zone".into(),
                    within: unit.name.clone(),
                };
                raw.push((place, m));
            }
        }
    }
    let mut total: HashMap<&str, usize> = HashMap::new();
    for (_, ms) in &raw {
        for m in ms {
            *total.entry(m.industry.as_str()).or_default() += 1;
        }
    }
    // Per district: (industry, mappings) most first, ties by the region's total, then name.
    let per_district: Vec<Vec<(String, usize)>> = raw
        .iter()
        .map(|(_, ms)| {
            let mut by: BTreeMap<&str, usize> = BTreeMap::new();
            for m in ms {
                *by.entry(m.industry.as_str()).or_default() += 1;
            }
            let mut v: Vec<(String, usize)> = by.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
            v.sort_by(|a, b| {
                b.1.cmp(&a.1).then(total.get(b.0.as_str()).cmp(&total.get(a.0.as_str()))).then(a.0.cmp(&b.0))
            });
            v
        })
        .collect();
    // The legend: industries leading a district, most districts first.
    let mut leads: BTreeMap<&str, usize> = BTreeMap::new();
    for v in &per_district {
        if let Some((f, _)) = v.first() {
            *leads.entry(f.as_str()).or_default() += 1;
        }
    }
    let mut order: Vec<(&str, usize)> = leads.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then(total.get(b.0).cmp(&total.get(a.0))).then(a.0.cmp(b.0)));
    let category: HashMap<&str, usize> = order.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    let industries: Vec<LayoutIndustry> = order
        .iter()
        .enumerate()
        .map(|(i, (name, n))| LayoutIndustry {
            name: name.to_string(),
            colour: charts::category_colour(Some(i.min(MAX_COLOURED))),
            districts: *n,
            mappings: total.get(name).copied().unwrap_or(0),
        })
        .collect();

    let mappings = raw.iter().map(|(_, m)| m.len()).sum();
    let districts: Vec<DistrictLayout> = raw
        .iter()
        .zip(&per_district)
        .map(|((p, ms), inds)| {
            let focus = inds.first().map(|(f, _)| f.clone());
            let colour =
                charts::category_colour(focus.as_deref().and_then(|f| category.get(f)).map(|&i| i.min(MAX_COLOURED)));
            DistrictLayout {
                name: p.name.clone(),
                code: p.code.clone(),
                focus,
                colour,
                industries: inds.clone(),
                mappings: ms.len(),
                counts: counts.iter().filter(|c| c.place == p.name).cloned().collect(),
                href: district_href(&unit.name, &p.name),
            }
        })
        .collect();

    let (geojson, boundary_origin, boundary_error) = match boundaries::for_region(store.dicts(), &unit.code) {
        Ok(Some((text, origin))) => (Some(text), Some(origin), None),
        Ok(None) => (None, None, None),
        Err(e) => (None, None, Some(e)),
    };
    Ok(LayoutView {
        region: unit.name.clone(),
        region_code: unit.code.clone(),
        plans,
        industries,
        districts,
        mappings,
        boundary_origin,
        boundary_error,
        geojson,
    })
}

/// The district page's link.
pub fn district_href(region: &str, place: &str) -> String {
    format!("/layout?region={}&place={}", enc(region), enc(place))
}

/// The map as SVG: None when the region has no boundaries; an error message when they do not
/// draw.
pub fn svg(view: &LayoutView) -> Option<std::result::Result<String, String>> {
    svg_selecting(view, "")
}

/// [`svg`] with district `selected` (a name) outlined.
pub fn svg_selecting(view: &LayoutView, selected: &str) -> Option<std::result::Result<String, String>> {
    let geo = view.geojson.as_ref()?;
    let mut categories: Vec<String> = view.industries.iter().take(MAX_COLOURED).map(|i| i.name.clone()).collect();
    if view.industries.len() > MAX_COLOURED {
        categories.push(OTHER_LABEL.to_string());
    }
    let category: HashMap<&str, usize> =
        view.industries.iter().enumerate().map(|(i, ind)| (ind.name.as_str(), i.min(MAX_COLOURED))).collect();
    let areas: Vec<CategoryArea> = view
        .districts
        .iter()
        .filter(|d| !d.code.is_empty())
        .map(|d| CategoryArea {
            code: d.code.clone(),
            name: d.name.clone(),
            category: d.focus.as_deref().and_then(|f| category.get(f).copied()),
            tooltip: d.tooltip(),
            href: Some(d.href.clone()),
            selected: d.name == selected,
        })
        .collect();
    Some(
        charts::category_map(geo, &areas, &categories, &format!("{} 产业布局地图", view.region), NONE_LABEL)
            .map_err(|e| e.to_string()),
    )
}

/// One district of the layout map: its row of the map and its mappings with their sentences.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictDetail {
    pub region: String,
    pub district: DistrictLayout,
    /// By plan, then position in the plan.
    pub mappings: Vec<LayoutMapping>,
}

/// The district `place` (canonical name or code) of `region`'s layout map with its plan
/// sentences.
pub fn district(store: &Store, region: &str, place: &str, counts: &[LayoutCounts]) -> Result<DistrictDetail> {
    let unit = region_unit(store, region)?;
    let view = layout(store, &unit.name, counts)?;
    let p = match store.dicts().place_in(place, &unit.name).filter(|p| p.within == unit.name) {
        Some(p) => p.clone(),
        // A place of the region's plans outside the dictionaries (listed on the map page).
        None => match view.districts.iter().find(|d| d.code.is_empty() && d.name == place) {
            Some(d) => planwatch_core::dict::Place {
                name: d.name.clone(),
                code: String::new(),
                level: "zone".into(),
                within: unit.name.clone(),
            },
            None => {
                return Err(StoreError::NotFound(format!("“{place}”不是{}的区县或园区:请从布局地图上选择", unit.name)))
            }
        },
    };
    let district = view.districts.iter().find(|d| d.name == p.name).cloned().unwrap_or_else(|| DistrictLayout {
        name: p.name.clone(),
        code: p.code.clone(),
        focus: None,
        colour: charts::CATEGORY_NONE,
        industries: Vec::new(),
        mappings: 0,
        counts: counts.iter().filter(|c| c.place == p.name).cloned().collect(),
        href: district_href(&unit.name, &p.name),
    });
    let plan_ids: HashMap<i64, String> = view.plans.iter().map(|(id, t, _)| (*id, t.clone())).collect();
    let mut mappings = if plan_ids.is_empty() { Vec::new() } else { mappings_of(store, &p.name, &plan_ids)? };
    mappings.sort_by(|a, b| a.plan_id.cmp(&b.plan_id).then(a.span.cmp(&b.span)));
    let mut texts: HashMap<i64, String> = HashMap::new();
    for m in &mut mappings {
        let text = match texts.entry(m.version_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(store.source_text(m.version_id)?),
        };
        let s = sentence_around(text, m.span);
        m.sentence = if s.chars().count() > SENTENCE_MAX_CHARS {
            s.chars().take(SENTENCE_MAX_CHARS).chain(['…']).collect()
        } else {
            s.to_string()
        };
    }
    Ok(DistrictDetail { region: unit.name, district, mappings })
}

/// The sentence holding `span` of `text`: from after the previous 。, ; or line break to the
/// next 。 (included) or line break; empty for a span that is not one of `text`.
fn sentence_around(text: &str, span: [usize; 2]) -> &str {
    if text.get(span[0]..span[1]).is_none() {
        return "";
    }
    let stops = ['。', '；', ';', '\n'];
    let after = |i: usize| i + text[i..].chars().next().map_or(1, char::len_utf8);
    let mut start = text[..span[0]].rfind(stops).map_or(0, after);
    // An annotation (`〔重点布局:…〕` after a sentence) says little alone: take the sentence
    // it follows too, on the same line.
    if text[start..span[0]].trim_start().starts_with(['〔', '【', '[', '(', '（']) && start > 0 {
        let prev = &text[..start];
        let line_start = prev.rfind('\n').map_or(0, |i| i + 1);
        let before = prev[..prev.len() - prev.chars().next_back().map_or(0, char::len_utf8)].rfind(stops);
        start = before.map_or(line_start, after).max(line_start);
    }
    let end = text[span[1]..].find(stops).map_or(text.len(), |i| {
        let i = span[1] + i;
        if text[i..].starts_with('。') {
            i + '。'.len_utf8()
        } else {
            i
        }
    });
    text[start..end].trim()
}

/// The approved entries of every registry kind of `region`, counted per district: one count
/// per (district, kind) with entries, linked to the district's filtered list.
pub fn registry_counts(store: &Store, region: &str) -> Result<Vec<LayoutCounts>> {
    use planwatch_store::registry::{EntryStatus, RegistryFilter};
    let mut out = Vec::new();
    for kind in store.registries().kinds() {
        let filter =
            RegistryFilter { region: region.to_string(), status: Some(EntryStatus::Approved), ..Default::default() };
        for (place, count) in store.registry_facets(&kind.id, &filter)?.by_place {
            if count > 0 && !place.is_empty() {
                let href = format!(
                    "/registries/{}?region={}&district={}&status=approved",
                    enc(&kind.id),
                    enc(region),
                    enc(&place)
                );
                out.push(LayoutCounts { place, label: kind.name.clone(), count, href: Some(href) });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use planwatch_store::testing::TempStore;
    use planwatch_store::{Actor, StoreOptions};

    fn store_with(name: &str, text: &str) -> (TempStore, Store) {
        let t = TempStore::new().unwrap();
        let store = t.open(StoreOptions::default()).unwrap();
        if !text.is_empty() {
            store.ingest_bytes(&Actor::operator("test"), name, text.as_bytes().to_vec()).unwrap();
        }
        (t, store)
    }

    /// A plan of 合肥市 laying industries out in districts, ingested as text.
    fn hefei_store() -> (TempStore, Store) {
        let text = "合肥市未来产业发展规划(2024—2027年)\n\n一、集成电路\n\n发展集成电路产业。〔重点布局:蜀山区、包河区、肥东县〕\n\n\
            二、人工智能\n\n发展人工智能产业。〔重点布局:蜀山区、庐阳区〕\n\n\
            三、量子信息\n\n发展量子信息产业。〔重点布局:蜀山区〕\n\n\
            四、新能源汽车\n\n发展新能源汽车产业。〔重点布局:肥西县、长丰县〕\n";
        store_with("hefei.txt", text)
    }

    #[test]
    fn districts_take_the_colour_of_their_most_mapped_industry() {
        let (_t, store) = hefei_store();
        let v = layout(&store, "合肥市", &[]).unwrap();
        assert!(v.mappings > 0, "{v:?}");
        let d = |n: &str| v.districts.iter().find(|d| d.name == n).unwrap_or_else(|| panic!("{n} in {v:?}"));
        // 蜀山区 has three industries once each: the tie goes to the one with more mappings in
        // the region (集成电路, 3; 人工智能 2, which comes first by name), so it leads there.
        assert_eq!(d("蜀山区").focus.as_deref(), Some("集成电路"), "{:?}", d("蜀山区"));
        assert_eq!(d("蜀山区").mappings, 3);
        assert_eq!(d("庐阳区").focus.as_deref(), Some("人工智能"));
        assert_eq!(d("肥西县").focus.as_deref(), Some("新能源汽车"));
        assert_eq!(d("瑶海区").focus, None);
        assert_eq!(d("瑶海区").colour, charts::CATEGORY_NONE);
        // Categorical colours: one per leading industry, distinct, in legend order.
        let colour = |n: &str| v.industries.iter().find(|i| i.name == n).map(|i| i.colour);
        assert_eq!(Some(d("蜀山区").colour), colour("集成电路"));
        assert_eq!(Some(d("肥西县").colour), colour("新能源汽车"));
        assert_ne!(colour("集成电路"), colour("人工智能"));
        assert_eq!(v.industries[0].name, "集成电路", "most districts first: {:?}", v.industries);
        assert!(v.industries.iter().all(|i| i.name != "量子信息"), "量子信息 leads no district");
        // Counts are shown where they belong.
        let counts =
            vec![LayoutCounts { place: "蜀山区".into(), label: "专精特新企业".into(), count: 12, href: None }];
        let v = layout(&store, "合肥市", &counts).unwrap();
        let shushan = v.districts.iter().find(|d| d.name == "蜀山区").unwrap();
        assert_eq!(shushan.counts, counts);
        assert!(shushan.tooltip().contains("专精特新企业 12"), "{}", shushan.tooltip());
        let svg = svg(&v).unwrap().unwrap();
        assert!(svg.contains(&format!("<a href=\"{}\"", shushan.href.replace('&', "&amp;"))), "districts are links");
    }

    #[test]
    fn a_sentence_is_cut_at_its_stops() {
        let t = "甲。发展集成电路产业,重点布局:蜀山区。乙\n丙";
        let a = t.find("重点").unwrap();
        assert_eq!(sentence_around(t, [a, a + "重点布局:蜀山区".len()]), "发展集成电路产业,重点布局:蜀山区。");
        assert_eq!(sentence_around(t, [1, 2]), "", "not a character boundary");
        let t = "甲。发展量子产业。〔重点布局:蜀山区〕\n乙";
        let a = t.find("重点").unwrap();
        assert_eq!(sentence_around(t, [a, a + "重点布局:蜀山区".len()]), "发展量子产业。〔重点布局:蜀山区〕");
        let t = "〔重点布局:蜀山区〕";
        assert_eq!(sentence_around(t, [3, t.len() - 3]), t, "an annotation alone on its line");
        assert_eq!(sentence_around(t, [0, 999]), "");
    }

    #[test]
    fn the_district_view_lists_its_sentences_linked_to_the_source() {
        let (_t, store) = hefei_store();
        let d = district(&store, "合肥市", "蜀山区", &[]).unwrap();
        assert_eq!(d.mappings.len(), 3);
        assert!(
            d.mappings.iter().any(|m| m.industry == "量子信息" && m.sentence.contains("重点布局:蜀山区")),
            "{:?}",
            d.mappings
        );
        assert!(d.mappings.iter().all(|m| m.href.starts_with(&format!("/plans/{}/source?v=", m.plan_id))));
        let err = district(&store, "合肥市", "渝北区", &[]).unwrap_err().to_string();
        assert!(err.contains("不是合肥市的区县"), "{err}");
    }

    #[test]
    fn more_industries_than_colours_share_other_and_unknown_regions_are_refused() {
        let names = [
            "渝中区",
            "大渡口区",
            "江北区",
            "沙坪坝区",
            "九龙坡区",
            "南岸区",
            "北碚区",
            "綦江区",
            "大足区",
            "渝北区",
            "巴南区",
        ];
        let industries = [
            "集成电路",
            "人工智能",
            "量子信息",
            "生物医药",
            "新能源汽车",
            "航空航天",
            "低空经济",
            "新材料",
            "智能制造",
            "氢能",
            "元宇宙",
        ];
        let numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"];
        let mut text = String::from("重庆市未来产业发展规划\n\n");
        for ((n, ind), num) in names.iter().zip(industries).zip(numerals) {
            text.push_str(&format!("{num}、{ind}\n\n发展{ind}产业。〔重点布局:{n}〕\n\n"));
        }
        let (_t, store) = store_with("cq.txt", &text);
        let v = layout(&store, "重庆市", &[]).unwrap();
        assert!(v.industries.len() > MAX_COLOURED, "{:?}", v.industries);
        {
            assert!(v.industries[MAX_COLOURED..].iter().all(|i| i.colour == charts::CATEGORY_OTHER));
            assert!(svg(&v).unwrap().unwrap().contains(OTHER_LABEL));
        }
        assert!(matches!(layout(&store, "不存在市", &[]), Err(StoreError::NotFound(_))));
        // A region without plans: every district grey, no mappings.
        let v = layout(&store, "合肥市", &[]).unwrap();
        assert_eq!(v.mappings, 0);
        assert!(v.districts.iter().all(|d| d.focus.is_none()));
    }
}

//! The level of government a plan belongs to (national → province → city → district), from
//! its region and issuer and the place dictionary (`data/places.toml`: every province, city
//! and county-level unit with its level; `data/zones.toml`: development zones, counted as
//! districts).

use serde::Serialize;

use crate::dict::Dictionaries;
use crate::model::Meta;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 国务院, the ministries: region 全国, or an issuer without a region.
    National,
    /// Provinces, autonomous regions and the municipalities (重庆市, 上海市 …).
    Province,
    City,
    /// Districts, counties, county-level cities and development zones.
    District,
    /// Neither region nor issuer says.
    Unknown,
}

impl Level {
    pub const ALL: [Level; 5] = [Level::National, Level::Province, Level::City, Level::District, Level::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Province => "province",
            Level::City => "city",
            Level::District => "district",
            Level::Unknown => "unknown",
        }
    }

    /// The zh-CN label.
    pub fn label(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Province => "省级",
            Level::City => "市级",
            Level::District => "区县级",
            Level::Unknown => "层级不明",
        }
    }

    /// 0 for national … 3 for district; `None` when unknown.
    pub fn rank(self) -> Option<u8> {
        match self {
            Level::National => Some(0),
            Level::Province => Some(1),
            Level::City => Some(2),
            Level::District => Some(3),
            Level::Unknown => None,
        }
    }

    fn of_place(level: &str) -> Level {
        match level {
            "province" => Level::Province,
            "city" => Level::City,
            "county" | "zone" => Level::District,
            _ => Level::Unknown,
        }
    }
}

/// The level of a plan from its meta (see [`level_of`]).
pub fn plan_level(meta: &Meta, dicts: &Dictionaries) -> Level {
    level_of(meta.region.as_deref(), meta.issuer.as_deref(), dicts)
}

/// The level of a plan of `region` issued by `issuer`: region 全国 is national; a known
/// region gives its level, lowered to district when the first issuer is a unit under it
/// (`上海市杨浦区人民政府`); without a region, an issuer that starts with a known place has
/// that place's level and any other issuer (国务院, 工业和信息化部 …) is national.
pub fn level_of(region: Option<&str>, issuer: Option<&str>, dicts: &Dictionaries) -> Level {
    let region = region.map(str::trim).filter(|r| !r.is_empty());
    let first_issuer = issuer.and_then(|i| i.split(['、', ',', '，']).next()).map(str::trim).filter(|i| !i.is_empty());
    match region {
        Some("全国" | "中国" | "国家") => return Level::National,
        Some(r) => {
            if let Some(place) = dicts.place(r, None) {
                let level = Level::of_place(&place.level);
                if let (Some(i), Level::Province | Level::City) = (first_issuer, level) {
                    let rest = i.strip_prefix(place.name.as_str()).unwrap_or(i);
                    if dicts.units_within(&place.name).iter().any(|u| {
                        (u.level == "county" || u.level == "zone")
                            && u.name.chars().count() >= 2
                            && rest.starts_with(&u.name)
                    }) {
                        return Level::District;
                    }
                }
                return level;
            }
        }
        None => {}
    }
    let Some(i) = first_issuer else { return Level::Unknown };
    if let Some((name, _)) =
        dicts.regions.iter().find(|(name, short)| i.starts_with(name.as_str()) || i.starts_with(short.as_str()))
    {
        if let Some(place) = dicts.place(name, None) {
            return Level::of_place(&place.level);
        }
    }
    Level::National
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(region: Option<&str>, issuer: Option<&str>) -> Level {
        level_of(region, issuer, &Dictionaries::builtin())
    }

    #[test]
    fn levels_from_region_and_issuer() {
        assert_eq!(level(Some("全国"), None), Level::National);
        assert_eq!(level(None, Some("国务院")), Level::National);
        assert_eq!(level(None, Some("工业和信息化部、国家发展改革委")), Level::National);
        assert_eq!(level(Some("重庆市"), Some("重庆市人民政府")), Level::Province);
        assert_eq!(level(Some("山东省"), None), Level::Province);
        assert_eq!(level(Some("青岛市"), None), Level::City);
        assert_eq!(level(Some("扬州市"), Some("扬州市人民政府")), Level::City);
        assert_eq!(level(Some("上海市"), Some("上海市杨浦区人民政府")), Level::District);
        assert_eq!(level(Some("上海市"), Some("上海市科学技术委员会、上海市杨浦区人民政府")), Level::Province);
        assert_eq!(level(None, Some("济南市人民政府")), Level::City);
        assert_eq!(level(None, None), Level::Unknown);
        assert_eq!(level(Some("不存在的地方"), None), Level::Unknown);
    }
}

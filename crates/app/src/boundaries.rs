//! County-level boundaries of a region, for the maps: a data directory's
//! `boundaries/<code>.geojson` (`--data DIR`, read on first use by the dictionaries) first, else
//! the built-in file of `data/boundaries/`, embedded by `build.rs` as a sorted table of
//! `include_str!`s. Nothing is parsed here: a map parses its one region's file when drawn.

use planwatch_core::dict::Dictionaries;
use std::sync::Arc;

mod table {
    include!(concat!(env!("OUT_DIR"), "/boundaries.rs"));
}

/// The built-in boundaries of region `code` (its 6-digit GB/T 2260 code).
pub fn builtin(code: &str) -> Option<&'static str> {
    table::EMBEDDED.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| table::EMBEDDED[i].1)
}

/// The codes of every built-in region, ascending.
pub fn builtin_codes() -> impl Iterator<Item = &'static str> {
    table::EMBEDDED.iter().map(|(c, _)| *c)
}

/// Where a region's boundaries come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Builtin,
    DataDir,
}

/// The boundaries of region `code`: the data directory's file when it has one, else the
/// built-in one; `Ok(None)` when neither exists. An unreadable override is an error naming
/// the file (it is never silently replaced by the built-in one).
pub fn for_region(dicts: &Dictionaries, code: &str) -> Result<Option<(Arc<str>, Origin)>, String> {
    match dicts.boundary_override(code) {
        Some(Ok(text)) => Ok(Some((text, Origin::DataDir))),
        Some(Err(e)) => Err(e.to_string()),
        None => Ok(builtin(code).map(|t| (Arc::from(t), Origin::Builtin))),
    }
}

/// [`for_region`] when only "is there a map" matters (an unreadable override counts as none).
pub fn has_map(dicts: &Dictionaries, code: &str) -> bool {
    dicts.boundary_override_codes().any(|c| c == code) || builtin(code).is_some()
}

/// Serializes boundaries text as a JSON string (serde's `rc` feature is not enabled).
pub fn serialize_text<S: serde::Serializer>(text: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    match text {
        Some(t) => s.serialize_some(&**t),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every embedded file parses as GeoJSON with polygons, is named by a region of
    /// places.toml, and every feature is a county-level unit of that region by code and name.
    #[test]
    fn every_embedded_boundary_file_parses_and_its_codes_are_in_places() {
        let dicts = Dictionaries::builtin();
        let mut n = 0;
        for (code, text) in table::EMBEDDED {
            let region = dicts.place(code, None).unwrap_or_else(|| panic!("{code}.geojson: no such place"));
            assert_eq!(&region.code, code);
            let units: std::collections::HashMap<&str, &str> = dicts
                .units_within(&region.name)
                .into_iter()
                .filter(|p| p.level == "county")
                .map(|p| (p.code.as_str(), p.name.as_str()))
                .collect();
            let parsed: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{code}: {e}"));
            let features = parsed["features"].as_array().unwrap_or_else(|| panic!("{code}: no features"));
            assert!(!features.is_empty(), "{code}");
            for f in features {
                let c = f["properties"]["code"].as_str().unwrap_or_default();
                let name = f["properties"]["name"].as_str().unwrap_or_default();
                assert_eq!(
                    units.get(c),
                    Some(&name),
                    "{code}.geojson: feature {c} {name} is no county of {}",
                    region.name
                );
                let kind = f["geometry"]["type"].as_str().unwrap_or_default();
                assert!(kind == "Polygon" || kind == "MultiPolygon", "{code}/{c}: {kind}");
            }
            // And the chart code draws it.
            let values: Vec<planwatch_report::MapValue> = Vec::new();
            planwatch_report::charts::choropleth(text, &values, &region.name, "", false)
                .unwrap_or_else(|e| panic!("{code}: {e}"));
            n += 1;
        }
        assert!(n >= 330, "{n} embedded regions");
        assert!(builtin("340100").is_some() && builtin("500000").is_some() && builtin("999999").is_none());
    }

    #[test]
    fn a_data_directory_boundary_overrides_and_adds_a_region() {
        let dir = std::env::temp_dir().join(format!("planwatch-app-bnd-{}", std::process::id()));
        let b = dir.join("boundaries");
        std::fs::create_dir_all(&b).unwrap();
        let own = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"340102","name":"瑶海区"},"geometry":{"type":"Polygon","coordinates":[[[117.3,31.8],[117.4,31.8],[117.4,31.9],[117.3,31.8]]]}}]}"#;
        std::fs::write(b.join("340100.geojson"), own).unwrap();
        // 东莞市 has no county-level units, so no built-in file: a data directory adds one.
        std::fs::write(b.join("441900.geojson"), own).unwrap();
        std::fs::write(b.join("510100.geojson"), own).unwrap();
        let dicts = Dictionaries::load(&dir).unwrap();
        assert_eq!(
            for_region(&dicts, "340100").unwrap().map(|(t, o)| (t.to_string(), o)),
            Some((own.to_string(), Origin::DataDir))
        );
        assert_eq!(for_region(&dicts, "441900").unwrap().map(|(_, o)| o), Some(Origin::DataDir));
        assert!(builtin("441900").is_none());
        assert_eq!(for_region(&dicts, "500000").unwrap().map(|(_, o)| o), Some(Origin::Builtin));
        assert!(has_map(&dicts, "441900"));
        let builtin_only = Dictionaries::builtin();
        assert_eq!(for_region(&builtin_only, "340100").unwrap().map(|(_, o)| o), Some(Origin::Builtin));
        assert!(for_region(&builtin_only, "441900").unwrap().is_none());
        // A file gone after loading is an error naming it, not a silent fallback.
        std::fs::remove_file(b.join("510100.geojson")).unwrap();
        let err = for_region(&dicts, "510100").unwrap_err();
        assert!(err.contains("510100.geojson"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

//! Dictionaries kept as data files under `data/`: departments and their aliases, places
//! (GB/T 2260 units and development zones). The built-in copies are compiled in; a user
//! extends them without recompiling by putting files of the same names in a directory given
//! to [`Dictionaries::load`] (`--data DIR` / `PLANWATCH_DATA`). A data directory may also
//! hold `boundaries/<code>.geojson`, the county-level boundaries of a region, which override
//! or add to the built-in ones (planwatch-app embeds those); they are listed at load and read
//! on first use.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// The most bytes one boundary file of a data directory may have.
pub const MAX_BOUNDARY_BYTES: u64 = 16 << 20;

const DEPARTMENTS: &str = include_str!("../../../data/departments.toml");
const PLACES: &str = include_str!("../../../data/places.toml");
const ZONES: &str = include_str!("../../../data/zones.toml");
const CUES: &str = include_str!("../../../data/cues.toml");

#[derive(Debug, Deserialize, Default)]
struct DepartmentsFile {
    #[serde(default)]
    department: Vec<DepartmentEntry>,
}

#[derive(Debug, Deserialize)]
struct DepartmentEntry {
    canonical: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
struct PlacesFile {
    #[serde(default)]
    place: Vec<PlaceEntry>,
}

#[derive(Debug, Deserialize, Clone)]
struct PlaceEntry {
    #[serde(default)]
    code: String,
    name: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
struct ZonesFile {
    #[serde(default)]
    zone: Vec<ZoneEntry>,
}

#[derive(Debug, Deserialize)]
struct ZoneEntry {
    name: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// A place known to the dictionary.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub code: String,
    /// `province`, `city`, `county` or `zone`.
    pub level: String,
    /// Name of the province or city the place belongs to.
    pub within: String,
}

#[derive(Debug, Default)]
pub struct Dictionaries {
    /// Any written form (canonical included) → canonical department name.
    departments: HashMap<String, String>,
    /// Any written form → places of that name (county names repeat across provinces).
    places: HashMap<String, Vec<Place>>,
    /// Names and short names of provinces and cities, for finding a document's region.
    pub regions: Vec<(String, String)>,
    /// Every place once, in file order: the org-unit hierarchy (`within` names the parent).
    units: Vec<Place>,
    region_matcher: OnceLock<aho_corasick::AhoCorasick>,
    /// The region names by their first character, for [`Dictionaries::count_regions`].
    region_index: OnceLock<RegionIndex>,
    /// Name → index in `units` of the first unit [`Dictionaries::unit`] accepts, built on first
    /// use (the dictionaries are complete by then: they only grow while being loaded).
    unit_index: OnceLock<HashMap<String, usize>>,
    /// Cue words of the extraction rules (`data/cues.toml`).
    pub cues: crate::cues::Cues,
    /// `boundaries/<code>.geojson` of the data directory, by region code.
    boundary_files: BTreeMap<String, PathBuf>,
    /// Those read so far (a map request reads its region's file alone).
    boundary_cache: Mutex<HashMap<String, Arc<str>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DictError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not valid TOML: {message}")]
    Toml { path: String, message: String },
    #[error("{path}: {message}")]
    Boundary { path: String, message: String },
}

/// The key `squeeze` would make of `s`, borrowed when it would make no change (most names
/// looked up have no whitespace and no full-width brackets): no allocation per look-up.
fn squeezed(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| c.is_whitespace() || c == '（' || c == '）') {
        std::borrow::Cow::Owned(squeeze(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

impl Dictionaries {
    /// The dictionaries compiled into the binary.
    pub fn builtin() -> Arc<Dictionaries> {
        static BUILTIN: OnceLock<Arc<Dictionaries>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let mut d = Dictionaries::default();
                d.add_departments(DEPARTMENTS, "data/departments.toml").expect("built-in departments.toml");
                d.add_places(PLACES, "data/places.toml").expect("built-in places.toml");
                d.add_zones(ZONES, "data/zones.toml").expect("built-in zones.toml");
                d.add_cues(CUES, "data/cues.toml").expect("built-in cues.toml");
                Arc::new(d)
            })
            .clone()
    }

    /// The built-in dictionaries extended by `departments.toml`, `places.toml` and
    /// `zones.toml` found in `dir` (each optional).
    pub fn load(dir: &Path) -> Result<Dictionaries, DictError> {
        let mut d = Dictionaries::default();
        d.add_departments(DEPARTMENTS, "data/departments.toml")?;
        d.add_places(PLACES, "data/places.toml")?;
        d.add_zones(ZONES, "data/zones.toml")?;
        d.add_cues(CUES, "data/cues.toml")?;
        for (file, add) in [
            (
                "departments.toml",
                Dictionaries::add_departments as fn(&mut Dictionaries, &str, &str) -> Result<(), DictError>,
            ),
            ("places.toml", Dictionaries::add_places),
            ("zones.toml", Dictionaries::add_zones),
            ("cues.toml", Dictionaries::add_cues),
        ] {
            let path = dir.join(file);
            if path.exists() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| DictError::Io { path: path.display().to_string(), source })?;
                add(&mut d, &text, &path.display().to_string())?;
            }
        }
        d.add_boundary_files(&dir.join("boundaries"))?;
        Ok(d)
    }

    /// Lists `dir/*.geojson` (when `dir` exists): each must be named by the 6-digit code of a
    /// place of the dictionaries. Files of other extensions are ignored.
    fn add_boundary_files(&mut self, dir: &Path) -> Result<(), DictError> {
        if !dir.is_dir() {
            return Ok(());
        }
        let io = |source| DictError::Io { path: dir.display().to_string(), source };
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("geojson") {
                continue;
            }
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let bad = |message: String| DictError::Boundary { path: path.display().to_string(), message };
            if stem.len() != 6 || !stem.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(
                    "a boundary file is named by its region's 6-digit GB/T 2260 code, e.g. 340100.geojson".into(),
                ));
            }
            if !self.places.get(stem).is_some_and(|c| c.iter().any(|p| p.code == stem)) {
                return Err(bad(format!(
                    "{stem} is the code of no place in places.toml: add the region to places.toml in the same data directory, or rename the file"
                )));
            }
            self.boundary_files.insert(stem.to_string(), path);
        }
        Ok(())
    }

    /// The boundaries a data directory gives for region `code` (GeoJSON text, read on first use
    /// and kept; at most [`MAX_BOUNDARY_BYTES`]), or None when it gives none.
    pub fn boundary_override(&self, code: &str) -> Option<Result<Arc<str>, DictError>> {
        let path = self.boundary_files.get(code)?;
        if let Some(text) = self.boundary_cache.lock().unwrap_or_else(|e| e.into_inner()).get(code) {
            return Some(Ok(text.clone()));
        }
        let read = || -> Result<Arc<str>, DictError> {
            let io = |source| DictError::Io { path: path.display().to_string(), source };
            let len = std::fs::metadata(path).map_err(io)?.len();
            if len > MAX_BOUNDARY_BYTES {
                return Err(DictError::Boundary {
                    path: path.display().to_string(),
                    message: format!(
                        "{len} bytes, more than the {MAX_BOUNDARY_BYTES} a boundary file may have: simplify it (scripts/gen_boundaries.py)"
                    ),
                });
            }
            let text: Arc<str> = std::fs::read_to_string(path).map_err(io)?.into();
            self.boundary_cache.lock().unwrap_or_else(|e| e.into_inner()).insert(code.to_string(), text.clone());
            Ok(text)
        };
        Some(read())
    }

    /// The region codes a data directory gives boundaries for.
    pub fn boundary_override_codes(&self) -> impl Iterator<Item = &str> {
        self.boundary_files.keys().map(String::as_str)
    }

    fn add_departments(&mut self, text: &str, path: &str) -> Result<(), DictError> {
        let file: DepartmentsFile =
            toml::from_str(text).map_err(|e| DictError::Toml { path: path.into(), message: e.to_string() })?;
        for e in file.department {
            let canonical = squeeze(&e.canonical);
            for alias in e.aliases.iter().map(|a| squeeze(a)).chain([canonical.clone()]) {
                self.departments.insert(alias, canonical.clone());
            }
        }
        Ok(())
    }

    fn add_places(&mut self, text: &str, path: &str) -> Result<(), DictError> {
        let file: PlacesFile =
            toml::from_str(text).map_err(|e| DictError::Toml { path: path.into(), message: e.to_string() })?;
        let by_code: HashMap<String, PlaceEntry> = file.place.iter().map(|p| (p.code.clone(), p.clone())).collect();
        for p in &file.place {
            let within = by_code.get(&p.parent).map(|q| q.name.clone()).unwrap_or_default();
            let place = Place { name: p.name.clone(), code: p.code.clone(), level: p.level.clone(), within };
            if p.level == "province" || p.level == "city" {
                let short = p.aliases.first().cloned().unwrap_or_else(|| p.name.clone());
                self.regions.push((p.name.clone(), short));
            }
            for alias in p.aliases.iter().chain([&p.name, &p.code]) {
                self.places.entry(squeeze(alias)).or_default().push(place.clone());
            }
            self.units.push(place);
        }
        Ok(())
    }

    fn add_zones(&mut self, text: &str, path: &str) -> Result<(), DictError> {
        let file: ZonesFile =
            toml::from_str(text).map_err(|e| DictError::Toml { path: path.into(), message: e.to_string() })?;
        for z in file.zone {
            let place =
                Place { name: z.name.clone(), code: String::new(), level: "zone".into(), within: z.city.clone() };
            for alias in z.aliases.iter().chain([&z.name]) {
                self.places.entry(squeeze(alias)).or_default().push(place.clone());
            }
            self.units.push(place);
        }
        Ok(())
    }

    /// Canonical name of a department, if known.
    fn add_cues(&mut self, text: &str, path: &str) -> Result<(), DictError> {
        let file: crate::cues::Cues =
            toml::from_str(text).map_err(|e| DictError::Toml { path: path.into(), message: e.to_string() })?;
        self.cues.merge(file);
        Ok(())
    }

    pub fn department(&self, name: &str) -> Option<&str> {
        self.departments.get(squeezed(name).as_ref()).map(String::as_str)
    }

    /// Canonical place for a written name, preferring one inside `region`.
    pub fn place(&self, name: &str, region: Option<&str>) -> Option<&Place> {
        let cands = self.places.get(squeezed(name).as_ref())?;
        region.and_then(|r| cands.iter().find(|p| p.within == r || p.name == r)).or_else(|| cands.first())
    }

    /// The place a written name (or a 6-digit GB/T 2260 code) means *inside* `region`: the
    /// region itself or one of the units directly under it. Unlike [`Dictionaries::place`]
    /// it never falls back to a namesake elsewhere (Chongqing and Ningbo both have a 江北区).
    pub fn place_in(&self, written: &str, region: &str) -> Option<&Place> {
        let cands = self.places.get(squeezed(written).as_ref())?;
        cands.iter().find(|p| p.within == region || p.name == region)
    }

    /// The units directly under `region` (districts, counties, county-level cities and
    /// development zones of a city; of a municipality such as 重庆市, its districts and
    /// counties), in the order of the data files: codes first, zones after.
    pub fn units_within(&self, region: &str) -> Vec<&Place> {
        let mut seen = std::collections::HashSet::new();
        self.units.iter().filter(|p| p.within == region && seen.insert(p.name.as_str())).collect()
    }

    /// The unit named exactly `name` (canonical) at the top of a region, e.g. 重庆市.
    pub fn unit(&self, name: &str) -> Option<&Place> {
        // The first unit of that name that is no county or zone, as a scan of `units` finds it.
        let index = self.unit_index.get_or_init(|| {
            let mut index = HashMap::new();
            for (k, p) in self.units.iter().enumerate() {
                if p.level != "county" && p.level != "zone" {
                    index.entry(p.name.clone()).or_insert(k);
                }
            }
            index
        });
        index.get(name).map(|&k| &self.units[k])
    }

    /// How often each province or city is named in `text` (by full or short name), keyed by
    /// its full name.
    pub fn count_regions(&self, text: &str) -> Vec<(String, usize)> {
        let index = self.region_index.get_or_init(|| RegionIndex::new(&self.regions));
        let mut counts = vec![0usize; self.regions.len()];
        if !index.has_empty {
            // Leftmost-longest matches, as the automaton below finds them: at each character
            // (a match starts at one) the longest name starting there, the search going on
            // after it. Most characters start no name (one bit of a BMP bitmap says so), which
            // makes this several times faster than the DFA on CJK text.
            let b = text.as_bytes();
            let mut i = 0;
            while let Some(c) = text[i..].chars().next() {
                let cp = c as u32;
                let maybe = cp > 0xFFFF || index.first_bits[(cp / 64) as usize] >> (cp % 64) & 1 == 1;
                let hit = if maybe {
                    // The last byte of a name's second character (the most varied byte of
                    // UTF-8) is tested before the whole name.
                    index
                        .candidates(c)
                        .iter()
                        .find(|&&(k, (at, byte))| {
                            b.get(i + at) == Some(&byte) && b[i..].starts_with(self.regions[k].1.as_bytes())
                        })
                        .map(|&(k, _)| k)
                } else {
                    None
                };
                match hit {
                    Some(k) => {
                        counts[k] += 1;
                        i += self.regions[k].1.len();
                    }
                    None => i += c.len_utf8(),
                }
            }
            return self
                .regions
                .iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .map(|((name, _), n)| (name.clone(), n))
                .collect();
        }
        let matcher = self.region_matcher.get_or_init(|| {
            let patterns: Vec<&str> = self.regions.iter().map(|(_, short)| short.as_str()).collect();
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(patterns)
                .expect("region names build an automaton")
        });
        let mut counts = vec![0usize; self.regions.len()];
        for m in matcher.find_iter(text) {
            counts[m.pattern().as_usize()] += 1;
        }
        self.regions.iter().zip(counts).filter(|(_, n)| *n > 0).map(|((name, _), n)| (name.clone(), n)).collect()
    }

    pub fn is_department_alias_known(&self, name: &str) -> bool {
        self.departments.contains_key(squeezed(name).as_ref())
    }
}

/// A byte every text starting with `name` holds, and its offset: the last byte of the second
/// character (of the first for a one-character name).
fn probe(name: &str) -> (usize, u8) {
    let end = name.char_indices().nth(2).map_or(name.len(), |(p, _)| p);
    (end - 1, name.as_bytes()[end - 1])
}

/// The region names (`Dictionaries::regions`, short forms) by their first character.
#[derive(Debug, Default)]
struct RegionIndex {
    /// One bit per BMP character: whether a name starts with it.
    first_bits: Vec<u64>,
    /// The names starting with a character, longest first, then in list order (the name an
    /// automaton reports for two of one length), one group per first character.
    /// Each name with a probe (see [`probe`]).
    groups: Vec<Vec<(usize, (usize, u8))>>,
    /// BMP character → 1 + its group in `groups` (0: none). An array, not a hash map: it is
    /// looked up at every character that starts a name, and those are common ones (`重`, `安`).
    bmp_group: Vec<u16>,
    /// Groups of the other first characters (beyond the BMP, or past `u16::MAX` groups).
    other_group: HashMap<char, usize>,
    /// A name is empty (the automaton is used then).
    has_empty: bool,
}

impl RegionIndex {
    fn new(regions: &[(String, String)]) -> RegionIndex {
        let mut ix = RegionIndex { first_bits: vec![0; 1024], bmp_group: vec![0; 0x10000], ..RegionIndex::default() };
        let mut group_of: HashMap<char, usize> = HashMap::new();
        for (k, (_, short)) in regions.iter().enumerate() {
            let Some(c) = short.chars().next() else {
                ix.has_empty = true;
                continue;
            };
            let g = *group_of.entry(c).or_insert_with(|| {
                ix.groups.push(Vec::new());
                ix.groups.len() - 1
            });
            ix.groups[g].push((k, probe(short)));
            let cp = c as u32;
            if cp <= 0xFFFF {
                ix.first_bits[(cp / 64) as usize] |= 1 << (cp % 64);
            }
            match (cp <= 0xFFFF).then(|| u16::try_from(g + 1).ok()).flatten() {
                Some(slot) => ix.bmp_group[cp as usize] = slot,
                None => {
                    ix.other_group.insert(c, g);
                }
            }
        }
        for cands in &mut ix.groups {
            cands.sort_by_key(|&(k, _)| (std::cmp::Reverse(regions[k].1.len()), k));
        }
        ix
    }

    /// The names starting with `c`, in the order of `groups`.
    fn candidates(&self, c: char) -> &[(usize, (usize, u8))] {
        let slot = u16::try_from(c as u32).map_or(0, |cp| self.bmp_group[usize::from(cp)]);
        let g = usize::from(slot).checked_sub(1).or_else(|| self.other_group.get(&c).copied());
        g.map_or(&[], |g| &self.groups[g])
    }
}

/// The dictionaries a data directory holding only `cues_toml` as `cues.toml` gives (tests of
/// the word lists a user extends with `--data DIR`). Each call uses a directory of its own:
/// tests run in parallel in one process.
#[cfg(test)]
pub(crate) fn with_user_cues(cues_toml: &str) -> Dictionaries {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("planwatch-user-cues-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("cues.toml"), cues_toml).expect("cues.toml written");
    let dicts = Dictionaries::load(&dir);
    std::fs::remove_dir_all(&dir).ok();
    dicts.expect("the user's cues.toml loads")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The indexed [`Dictionaries::unit`] finds what a scan of every unit finds, and look-ups
    /// of names without spaces or full-width brackets (not squeezed) find what squeezed ones do.
    /// `count_regions` counts what a leftmost-longest automaton over the names finds.
    #[test]
    fn regions_are_counted_as_by_the_automaton() {
        let d = Dictionaries::builtin();
        let pats: Vec<&str> = d.regions.iter().map(|(_, s)| s.as_str()).collect();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&pats)
            .unwrap();
        let reference = |text: &str| {
            let mut counts = vec![0usize; d.regions.len()];
            for m in ac.find_iter(text) {
                counts[m.pattern().as_usize()] += 1;
            }
            d.regions.iter().zip(counts).filter(|(_, n)| *n > 0).map(|((n, _), c)| (n.clone(), c)).collect::<Vec<_>>()
        };
        let mut texts: Vec<String> = vec![
            String::new(),
            "重庆市、重庆、北京市和北京，内蒙古自治区呼和浩特市，黑龙江省哈尔滨".into(),
            "a😀重庆😀é上海浦东新区，广州深圳，江苏南京苏州无锡。山东青岛济南".into(),
        ];
        // Every name, glued to its neighbours and cut short by one character.
        let all: String = pats.concat();
        texts.push(all.clone());
        texts.push(pats.iter().map(|p| p.chars().skip(1).collect::<String>()).collect());
        texts.push(pats.iter().map(|p| format!("{p}市{p}省、")).collect());
        for dir in ["../../../shared/seeds", "../../../shared/dev/raw"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    texts.push(t);
                }
            }
        }
        for t in &texts {
            assert_eq!(d.count_regions(t), reference(t), "{}", t.chars().take(30).collect::<String>());
        }
    }

    #[test]
    fn indexed_and_unsqueezed_lookups_agree_with_the_scans() {
        let d = Dictionaries::builtin();
        let scan = |name: &str| d.units.iter().find(|p| p.name == name && p.level != "county" && p.level != "zone");
        let mut names: Vec<&str> = d.units.iter().map(|p| p.name.as_str()).collect();
        names.extend(["", "不存在的市", "重庆", "浦东新区", " 重庆市"]);
        for n in names {
            assert_eq!(d.unit(n), scan(n), "{n}");
        }
        for n in ["市发改委", "市 发 改 委", "市发展改革委（市粮食局）", "市发展改革委(市粮食局)", "未知单位", ""]
        {
            assert_eq!(d.department(n), d.departments.get(&squeeze(n)).map(String::as_str), "{n}");
            assert_eq!(d.place(n, None), d.places.get(&squeeze(n)).and_then(|c| c.first()), "{n}");
            assert_eq!(d.is_department_alias_known(n), d.departments.contains_key(&squeeze(n)), "{n}");
        }
        assert_eq!(squeezed("市 发改委（一）"), squeeze("市 发改委（一）"));
        assert!(matches!(squeezed("市发改委"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn aliases_share_a_canonical_name() {
        let d = Dictionaries::builtin();
        assert_eq!(d.department("市发改委"), Some("市发展改革委"));
        assert_eq!(d.department("市发展改革委"), Some("市发展改革委"));
        assert_eq!(d.department("市 发 改 委"), Some("市发展改革委"));
        assert_eq!(d.department("市不存在局"), None);
    }

    #[test]
    fn the_hierarchy_lists_units_under_a_region() {
        let d = Dictionaries::builtin();
        let cq = d.units_within("重庆市");
        assert!(cq.len() >= 38, "{}", cq.len());
        assert!(cq.iter().any(|p| p.name == "渝北区" && p.code == "500112"));
        assert!(cq.iter().any(|p| p.name == "两江新区" && p.level == "zone"));
        assert_eq!(d.place_in("500112", "重庆市").map(|p| p.name.as_str()), Some("渝北区"));
        assert_eq!(d.place_in("江北区", "重庆市").map(|p| p.code.as_str()), Some("500105"));
        assert!(d.place_in("江北区", "成都市").is_none());
        for city in ["成都市", "扬州市"] {
            assert!(d.units_within(city).len() >= 6, "{city}");
        }
    }

    #[test]
    fn a_data_directory_extends_the_builtin_files() {
        let dir = std::env::temp_dir().join(format!("planwatch-dict-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("departments.toml"),
            "[[department]]\ncanonical = \"市数据局\"\naliases = [\"市数据资源局\"]\n",
        )
        .unwrap();
        let d = Dictionaries::load(&dir).unwrap();
        assert_eq!(d.department("市数据资源局"), Some("市数据局"));
        assert_eq!(d.department("市发改委"), Some("市发展改革委"));
        std::fs::write(dir.join("zones.toml"), "[[zone]\nname=").unwrap();
        let err = Dictionaries::load(&dir).unwrap_err().to_string();
        assert!(err.contains("zones.toml") && err.contains("not valid TOML"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_data_directory_lists_boundary_files_by_known_codes() {
        let dir = std::env::temp_dir().join(format!("planwatch-dict-bnd-{}", std::process::id()));
        let b = dir.join("boundaries");
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("340100.geojson"), "{\"type\":\"FeatureCollection\",\"features\":[]}").unwrap();
        std::fs::write(b.join("README.md"), "ignored").unwrap();
        let d = Dictionaries::load(&dir).unwrap();
        assert_eq!(d.boundary_override_codes().collect::<Vec<_>>(), ["340100"]);
        assert!(d.boundary_override("340100").unwrap().unwrap().contains("FeatureCollection"));
        assert!(d.boundary_override("500000").is_none());
        std::fs::write(b.join("hefei.geojson"), "{}").unwrap();
        let err = Dictionaries::load(&dir).unwrap_err().to_string();
        assert!(err.contains("hefei.geojson") && err.contains("6-digit"), "{err}");
        std::fs::remove_file(b.join("hefei.geojson")).unwrap();
        std::fs::write(b.join("999999.geojson"), "{}").unwrap();
        let err = Dictionaries::load(&dir).unwrap_err().to_string();
        assert!(err.contains("999999") && err.contains("places.toml"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}

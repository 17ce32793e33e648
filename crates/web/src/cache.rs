//! Rendered pages and exports of a plan, keyed by (what, plan, revision). A plan's revision
//! changes with every correction or new version, so an entry is never stale; old revisions
//! simply fall out when the map is full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const MAX_ENTRIES: usize = 4096;

/// (what, plan id, plan revision).
type Key = (&'static str, i64, i64);

#[derive(Default)]
pub struct Cache {
    map: Mutex<HashMap<Key, Arc<Vec<u8>>>>,
}

impl Cache {
    pub fn get(&self, what: &'static str, id: i64, rev: i64) -> Option<Arc<Vec<u8>>> {
        self.map.lock().ok()?.get(&(what, id, rev)).cloned()
    }

    pub fn put(&self, what: &'static str, id: i64, rev: i64, bytes: Vec<u8>) -> Arc<Vec<u8>> {
        let bytes = Arc::new(bytes);
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.retain(|k, _| !(k.0 == what && k.1 == id && k.2 != rev));
            m.insert((what, id, rev), bytes.clone());
        }
        bytes
    }
}

/// Monitoring pages by URL. Each entry remembers the store version it was made at; a lookup
/// at another version misses (and the entry is replaced), so nothing stale is served.
/// The store's version for a page (generation and the revisions of the page's regions).
type StoreVersion = planwatch_store::monitor::MonitorVersion;

/// `PLANWATCH_PAGE_CACHE=0` turns it off (to measure pages made afresh).
pub struct KeyedCache {
    map: Mutex<HashMap<String, (StoreVersion, Page)>>,
    enabled: bool,
}

/// A page as made and, once a client asked for it, gzip-compressed (made once, served often).
#[derive(Clone)]
pub struct Page {
    pub plain: bytes::Bytes,
    pub gzip: Option<bytes::Bytes>,
}

impl Page {
    /// The page gzip-compressed at a fast level: monitoring pages are mostly SVG and compress
    /// about tenfold, which matters more than the last percent of size.
    pub fn compress(&mut self) -> bytes::Bytes {
        if let Some(g) = &self.gzip {
            return g.clone();
        }
        use std::io::Write;
        let mut enc =
            flate2::write::GzEncoder::new(Vec::with_capacity(self.plain.len() / 6), flate2::Compression::fast());
        let gz = match enc.write_all(&self.plain).and_then(|_| enc.finish()) {
            Ok(v) => bytes::Bytes::from(v),
            Err(_) => return self.plain.clone(),
        };
        self.gzip = Some(gz.clone());
        gz
    }
}

impl Default for KeyedCache {
    fn default() -> Self {
        KeyedCache {
            map: Mutex::default(),
            enabled: std::env::var("PLANWATCH_PAGE_CACHE").map(|v| v.trim() != "0").unwrap_or(true),
        }
    }
}

impl KeyedCache {
    pub fn get(&self, key: &str, version: &StoreVersion) -> Option<Page> {
        if !self.enabled {
            return None;
        }
        let m = self.map.lock().ok()?;
        m.get(key).filter(|(v, _)| v == version).map(|(_, p)| p.clone())
    }

    pub fn put(&self, key: String, version: StoreVersion, page: Page) {
        if !self.enabled {
            return;
        }
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(key, (version, page));
        }
    }
}

/// Search results by query and index generation. A new generation (any ingest) makes every
/// old entry unreachable; they are dropped when the map fills.
#[derive(Default)]
pub struct SearchCache {
    map: Mutex<HashMap<String, planwatch_search::SearchResults>>,
}

/// The cache key of a query against an index generation.
pub fn search_key(q: &planwatch_search::SearchQuery, generation: u64) -> String {
    format!(
        "{}\u{1}{}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{}\u{1}{}\u{1}{}",
        generation,
        q.q.trim(),
        q.region,
        q.issuer,
        q.year,
        q.limit,
        q.offset,
        q.facets
    )
}

impl SearchCache {
    /// `PLANWATCH_SEARCH_CACHE=0` turns the cache off, so a benchmark can measure uncached
    /// searches (bench/load.sh does both).
    pub fn enabled(&self) -> bool {
        static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *ENABLED.get_or_init(|| std::env::var("PLANWATCH_SEARCH_CACHE").map(|v| v != "0").unwrap_or(true))
    }

    pub fn get(&self, key: &str) -> Option<planwatch_search::SearchResults> {
        self.map.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: String, res: planwatch_search::SearchResults) -> planwatch_search::SearchResults {
        if let Ok(mut m) = self.map.lock() {
            if m.len() >= 2048 {
                m.clear();
            }
            m.insert(key, res.clone());
        }
        res
    }
}

//! The page caches. Rendered pages and exports of a plan are keyed by (what, plan,
//! revision): a plan's revision changes with every correction or new version, so an entry is
//! never stale. Monitoring pages and reports are keyed by URL and remember the store version
//! they were made at. Both hold at most `PLANWATCH_PAGE_CACHE_MB` megabytes (default 128)
//! each, counted in bytes, not entries (a DOCX report is 3 MB, a plan page 100 kB): past
//! that the least recently used entries go.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex};

/// The default byte budget of each page cache.
pub const DEFAULT_BUDGET_MB: usize = 128;

/// The byte budget of each page cache: `PLANWATCH_PAGE_CACHE_MB`, else the default.
pub fn budget_from_env() -> usize {
    std::env::var("PLANWATCH_PAGE_CACHE_MB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(DEFAULT_BUDGET_MB)
        .saturating_mul(1024 * 1024)
}

/// Entries by key within a byte budget, least recently used first out. An entry larger than
/// an eighth of the budget is not kept (it would push out everything else for one page).
struct ByteLru<K, V> {
    map: HashMap<K, (V, usize, u64)>,
    /// Entries by last use (a tick that only grows).
    order: BTreeMap<u64, K>,
    tick: u64,
    bytes: usize,
    budget: usize,
}

impl<K: Hash + Eq + Clone, V: Clone> ByteLru<K, V> {
    fn new(budget: usize) -> Self {
        ByteLru { map: HashMap::new(), order: BTreeMap::new(), tick: 0, bytes: 0, budget }
    }

    fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (_, _, used) = self.map.get_mut(key)?;
        let old = *used;
        self.tick += 1;
        *used = self.tick;
        if let Some(k) = self.order.remove(&old) {
            self.order.insert(self.tick, k);
        }
        self.map.get(key).map(|(v, _, _)| v)
    }

    fn put(&mut self, key: K, value: V, size: usize) {
        if let Some((_, old_size, used)) = self.map.remove(&key) {
            self.order.remove(&used);
            self.bytes -= old_size;
        }
        if size > self.budget / 8 {
            return;
        }
        self.tick += 1;
        self.order.insert(self.tick, key.clone());
        self.map.insert(key, (value, size, self.tick));
        self.bytes += size;
        while self.bytes > self.budget {
            let Some((_, oldest)) = self.order.pop_first() else { break };
            if let Some((_, n, _)) = self.map.remove(&oldest) {
                self.bytes -= n;
            }
        }
    }
}

/// (what, plan id, plan revision).
type Key = (&'static str, i64, i64);

pub struct Cache {
    lru: Mutex<ByteLru<Key, Arc<Vec<u8>>>>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache::with_budget(budget_from_env())
    }
}

impl Cache {
    pub fn with_budget(bytes: usize) -> Self {
        Cache { lru: Mutex::new(ByteLru::new(bytes)) }
    }

    pub fn get(&self, what: &'static str, id: i64, rev: i64) -> Option<Arc<Vec<u8>>> {
        self.lru.lock().ok()?.get(&(what, id, rev)).cloned()
    }

    pub fn put(&self, what: &'static str, id: i64, rev: i64, bytes: Vec<u8>) -> Arc<Vec<u8>> {
        let bytes = Arc::new(bytes);
        if let Ok(mut lru) = self.lru.lock() {
            // An older revision of the same page is unreachable now: let it go at once.
            if rev > 0 {
                if let Some((_, n, used)) = lru.map.remove(&(what, id, rev - 1)) {
                    lru.order.remove(&used);
                    lru.bytes -= n;
                }
            }
            lru.put((what, id, rev), bytes.clone(), bytes.len() + 64);
        }
        bytes
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lru.lock().map(|l| l.bytes).unwrap_or(0)
    }
}

/// Monitoring pages by URL. Each entry remembers the store version it was made at; a lookup
/// at another version misses (and the entry is replaced), so nothing stale is served.
/// The store's version for a page (generation and the revisions of the page's regions).
type StoreVersion = planwatch_store::monitor::MonitorVersion;

/// `PLANWATCH_PAGE_CACHE=0` turns it off (to measure pages made afresh).
pub struct KeyedCache {
    lru: Mutex<ByteLru<String, (StoreVersion, Page)>>,
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

    /// Bytes the page holds (both forms).
    fn size(&self) -> usize {
        self.plain.len() + self.gzip.as_ref().map_or(0, |g| g.len())
    }
}

impl Default for KeyedCache {
    fn default() -> Self {
        KeyedCache {
            enabled: std::env::var("PLANWATCH_PAGE_CACHE").map(|v| v.trim() != "0").unwrap_or(true),
            ..KeyedCache::with_budget(budget_from_env())
        }
    }
}

impl KeyedCache {
    pub fn with_budget(bytes: usize) -> Self {
        KeyedCache { lru: Mutex::new(ByteLru::new(bytes)), enabled: true }
    }

    pub fn get(&self, key: &str, version: &StoreVersion) -> Option<Page> {
        if !self.enabled {
            return None;
        }
        let mut lru = self.lru.lock().ok()?;
        lru.get(key).filter(|(v, _)| v == version).map(|(_, p)| p.clone())
    }

    pub fn put(&self, key: String, version: StoreVersion, page: Page) {
        if !self.enabled {
            return;
        }
        if let Ok(mut lru) = self.lru.lock() {
            let size = page.size() + key.len() + 128;
            lru.put(key, (version, page), size);
        }
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lru.lock().map(|l| l.bytes).unwrap_or(0)
    }
}

/// Data behind pages that are made per caller (they carry the caller's CSRF token and
/// role), by key, each valid for the store version it was read at: a lookup at another
/// version misses, so nothing stale is served. The registry list keeps its page of entries
/// and its counts per filter value here (`registry_pages::list_data`). Bounded in bytes by
/// the caller's estimate of each value, like the page caches; `PLANWATCH_PAGE_CACHE=0` turns
/// it off too.
pub struct DataCache<V> {
    lru: Mutex<ByteLru<String, (StoreVersion, Arc<V>)>>,
    enabled: bool,
}

impl<V> Default for DataCache<V> {
    fn default() -> Self {
        DataCache {
            enabled: std::env::var("PLANWATCH_PAGE_CACHE").map(|v| v.trim() != "0").unwrap_or(true),
            ..DataCache::with_budget(budget_from_env() / 4)
        }
    }
}

impl<V> DataCache<V> {
    pub fn with_budget(bytes: usize) -> Self {
        DataCache { lru: Mutex::new(ByteLru::new(bytes)), enabled: true }
    }

    pub fn get(&self, key: &str, version: &StoreVersion) -> Option<Arc<V>> {
        if !self.enabled {
            return None;
        }
        let mut lru = self.lru.lock().ok()?;
        lru.get(key).filter(|(v, _)| v == version).map(|(_, d)| d.clone())
    }

    /// Keeps `value` read at `version`; `size` estimates its bytes.
    pub fn put(&self, key: String, version: StoreVersion, value: Arc<V>, size: usize) {
        if !self.enabled {
            return;
        }
        if let Ok(mut lru) = self.lru.lock() {
            let size = size + key.len() + 128;
            lru.put(key, (version, value), size);
        }
    }

    /// Bytes held now (by the estimates).
    pub fn bytes(&self) -> usize {
        self.lru.lock().map(|l| l.bytes).unwrap_or(0)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> Page {
        Page { plain: bytes::Bytes::from(vec![b'x'; n]), gzip: None }
    }

    #[test]
    fn the_page_caches_stay_within_their_byte_budget() {
        let budget = 10 * 1024 * 1024;
        let cache = KeyedCache::with_budget(budget);
        let v = planwatch_store::monitor::MonitorVersion { generation: 1, revision: 1, counters: String::new() };
        // 3 MB reports, as a DOCX is: never more than the budget holds.
        for i in 0..40 {
            cache.put(format!("report/{i}"), v.clone(), page(1024 * 1024));
            assert!(cache.bytes() <= budget, "{} bytes after {i}", cache.bytes());
        }
        assert!(cache.get("report/39", &v).is_some(), "the newest stays");
        assert!(cache.get("report/0", &v).is_none(), "the oldest went");
        // The least recently used goes first: a page read stays.
        cache.put("hot".into(), v.clone(), page(100));
        for i in 40..60 {
            assert!(cache.get("hot", &v).is_some());
            cache.put(format!("report/{i}"), v.clone(), page(1024 * 1024));
        }
        assert!(cache.get("hot", &v).is_some());
        // One page larger than an eighth of the budget is not kept at all.
        cache.put("huge".into(), v.clone(), page(budget / 4));
        assert!(cache.get("huge", &v).is_none());
        assert!(cache.bytes() <= budget);

        let plans = Cache::with_budget(budget);
        for id in 0..100 {
            plans.put("xlsx", id, 1, vec![0; 512 * 1024]);
        }
        assert!(plans.bytes() <= budget);
        plans.put("plan", 1, 1, vec![0; 10]);
        plans.put("plan", 1, 2, vec![0; 10]);
        assert!(plans.get("plan", 1, 1).is_none(), "an old revision is dropped");
        assert!(plans.get("plan", 1, 2).is_some());
    }
}

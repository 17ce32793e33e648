//! Keeps the search index in step with the store. The store counts changes in a
//! *generation*; the index records the generation it last synced to. When they differ, the
//! documents changed since are re-indexed; when the index has none (new, wiped, or of an
//! older schema), or was synced before a restore (the store's search floor), everything is.
//! So every process serving one shared store keeps an index of its own, and all of them
//! answer alike once synced.

use planwatch_search::{IndexDoc, SearchError, SearchIndex};
use planwatch_store::Store;

/// Brings `index` up to date with `store`. Returns the number of documents re-indexed.
pub fn sync_blocking(store: &Store, index: &SearchIndex) -> Result<usize, String> {
    let store_gen = store.generation().map_err(|e| e.to_string())?;
    let index_gen = index.generation();
    if index_gen == Some(store_gen) {
        return Ok(0);
    }
    let floor = store.search_floor().map_err(|e| e.to_string())?;
    let since = match index_gen {
        Some(g) if g < store_gen && g >= floor => g,
        _ => {
            index.clear().map_err(|e| e.to_string())?;
            0
        }
    };
    let sources = store.search_sources_since(since).map_err(|e| e.to_string())?;
    let n = sources.len();
    for chunk in sources.chunks(64) {
        let docs: Vec<IndexDoc> = chunk
            .iter()
            .map(|s| IndexDoc {
                plan_id: s.plan_id,
                version_id: s.version_id,
                title: s.title.clone(),
                issuer: s.issuer.clone(),
                region: s.region.clone(),
                year: s.year,
                text: s.text.clone(),
            })
            .collect();
        index.upsert(&docs).map_err(|e| e.to_string())?;
    }
    match index.commit(store_gen) {
        Ok(()) => Ok(n),
        Err(e @ SearchError::Busy { .. }) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

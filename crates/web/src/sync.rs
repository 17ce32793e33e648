//! The server's side of index sync: one sync at a time, on the blocking pool. The sync itself
//! is the application layer's ([`planwatch_app::sync`]), shared with the command line.

pub use planwatch_app::sync::sync_blocking;

use crate::Shared;

/// Syncs on the blocking pool; one sync at a time (others return at once).
pub async fn sync_index(state: &Shared) -> Result<usize, String> {
    let Ok(_guard) = state.syncing.try_lock() else { return Ok(0) };
    let (store, index) = (state.store.clone(), state.search.clone());
    tokio::task::spawn_blocking(move || sync_blocking(&store, &index)).await.map_err(|e| e.to_string())?
}

//! Chinese full-text search over planwatch documents.
//!
//! The index unit is one paragraph (one non-empty line) of a document's source text, so a hit
//! points at a byte span the reader can jump to; each plan's title is one more unit, boosted, so
//! searching for a plan's name finds the plan first.
//!
//! Matching is script-independent: text and queries are converted to simplified characters
//! (OpenCC t2s) and folded (full-width, case) before analysis, so 积体电路 finds 積體電路 and the
//! other way round. Snippets still show the document's own characters.
//!
//! Whether a unit matches is decided by a phrase over character bigrams, so a query word matches
//! exactly the units that contain it, whatever the context; jieba (search mode) words only rank.
//! jieba alone loses hits because its segmentation depends on context: in the seed plans
//! 以大数据 is cut 以大/数据 and 特铝新材料 特铝新/材料, so 大数据 and 新材料 would miss them.
//!
//! The index lives in a directory of its own and is derived data: it can always be rebuilt from
//! the store, so an unreadable or outdated index is wiped rather than repaired. Writers are
//! opened only while there are changes to commit, so a CLI ingest and a running server can take
//! turns writing; a busy writer lock is reported as [`SearchError::Busy`].

mod facets;
mod query;
mod schema;
mod snippet;
mod text;
mod tokenize;
mod vocabulary;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::error::LockError;
use tantivy::indexer::UserOperation;
use tantivy::query::AllQuery;
use tantivy::schema::Value;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

pub use facets::{FacetCount, Facets, YearCount};

use schema::{Fields, KIND_TEXT, KIND_TITLE, SCHEMA_VERSION};

/// Name of the file recording which schema version the index in the directory was built with.
const VERSION_FILE: &str = "planwatch-search.version";
/// Most hits returned by one search; deeper pages are not useful to a person.
pub const MAX_LIMIT: usize = 500;
/// Largest `offset + limit` served; beyond it `hits` is empty (`total` stays exact).
pub const MAX_WINDOW: usize = 10_000;
/// Hits per page when a query does not say.
pub const DEFAULT_LIMIT: usize = 20;
/// Memory the index writer may use before it flushes a segment, shared by its threads. Large
/// enough that a 60 MB ingest makes few segments; small next to the machine's memory.
const WRITER_MEMORY_BYTES: usize = 96 * 1024 * 1024;
/// Most indexing threads; analysis (jieba) is the costly part and scales with cores.
const MAX_WRITER_THREADS: usize = 4;

/// What the search index failed at, worded so a person knows what to do next.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query has nothing to search for (empty, blanks or only punctuation).
    #[error("the search query is empty: type at least one word (Chinese characters, letters or digits)")]
    Empty,
    /// Another process (or another `SearchIndex` on the same directory) holds the writer lock.
    #[error("the search index at {} is locked by another planwatch process; try again when it finishes", .dir.display())]
    Busy {
        /// The index directory.
        dir: PathBuf,
    },
    /// The index directory could not be created, read or cleaned.
    #[error("cannot use the search index directory {}: {source}", .dir.display())]
    Io {
        /// The index directory.
        dir: PathBuf,
        /// The underlying failure.
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed; the index is derived data, so rebuilding it is always a way out.
    #[error(
        "the search index at {} failed: {source}; if this persists, delete that directory and let planwatch rebuild it",
        .dir.display()
    )]
    Index {
        /// The index directory.
        dir: PathBuf,
        /// The underlying failure.
        #[source]
        source: TantivyError,
    },
}

/// One document to index: a plan version's metadata and its full source text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexDoc {
    /// The plan: the unit of replacement ([`SearchIndex::upsert`] replaces all its paragraphs).
    pub plan_id: i64,
    /// The version the text comes from, returned in hits so links open that version.
    pub version_id: i64,
    /// Indexed as a boosted unit of its own; also returned with every hit.
    pub title: String,
    /// Exact-match filter and facet; empty means unknown.
    pub issuer: String,
    /// Exact-match filter and facet; empty means unknown.
    pub region: String,
    /// Exact-match filter and facet.
    pub year: Option<i32>,
    /// The full source text; hit spans are byte offsets into it.
    pub text: String,
}

/// A search request. `region`, `issuer` and `year` are exact-match filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// The query text: words (all must match), `A OR B`, `"phrase"`, `-excluded`.
    pub q: String,
    /// Only plans of exactly this region (as given in [`IndexDoc::region`]); `None` or empty: any.
    pub region: Option<String>,
    /// Only plans of exactly this issuer; `None` or empty: any.
    pub issuer: Option<String>,
    /// Only plans of this year.
    pub year: Option<i32>,
    /// Hits to return, at most [`MAX_LIMIT`]; 0 returns only counts and facets.
    pub limit: usize,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Compute the distinct-plan count and the facets. They cost a pass over every matching
    /// unit's plan; callers that show neither (the JSON API) turn them off.
    pub facets: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            q: String::new(),
            region: None,
            issuer: None,
            year: None,
            limit: DEFAULT_LIMIT,
            offset: 0,
            facets: true,
        }
    }
}

/// Which unit of a plan a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HitKind {
    /// The plan's title (`span` is where the title occurs in the text, `[0, 0]` if it does not).
    Title,
    /// A paragraph of the text.
    Text,
}

/// One matching unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The plan, its version and metadata as indexed, so a result list needs no store lookup.
    pub plan_id: i64,
    pub version_id: i64,
    pub title: String,
    pub issuer: String,
    pub region: String,
    pub year: Option<i32>,
    /// Relevance (BM25 plus a bonus for title units); only comparable within one search.
    pub score: f32,
    /// Title or paragraph.
    pub kind: HitKind,
    /// Byte span `[start, end)` of the unit in the document's source text.
    pub span: [usize; 2],
    /// Plain-text fragment of the unit in the document's own characters; `…` marks a cut.
    pub snippet: String,
    /// Byte ranges into `snippet` of the matched words, sorted and disjoint.
    pub highlights: Vec<[usize; 2]>,
    /// `snippet` HTML-escaped, with `<mark>…</mark>` around the matches.
    pub snippet_html: String,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// Matching units (paragraphs and titles), over all pages.
    pub total: usize,
    /// Distinct plans among the matches.
    pub plans: usize,
    /// The requested page, best first.
    pub hits: Vec<Hit>,
    /// Matching plans per region, issuer and year.
    pub facets: Facets,
}

/// A full-text index in one directory. `Send + Sync`: share it in an `Arc`; searches run in
/// parallel, writes are serialized.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The writer, open only between the first change and the next commit.
    writer: Mutex<Option<IndexWriter>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when missing. An
    /// index that cannot be read, or was written by another schema version, is deleted and
    /// recreated empty (its generation is then `None`, telling the caller to rebuild it).
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let io = |source| SearchError::Io { dir: dir.to_path_buf(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema::build();
        let version_ok =
            std::fs::read_to_string(dir.join(VERSION_FILE)).is_ok_and(|v| v.trim() == SCHEMA_VERSION.to_string());
        let existing =
            if version_ok { Index::open_in_dir(dir).ok().filter(|index| index.schema() == schema) } else { None };
        let index = match existing {
            Some(index) => index,
            None => {
                wipe(dir).map_err(io)?;
                match Index::create_in_dir(dir, schema.clone()) {
                    Ok(index) => {
                        write_atomic(&dir.join(VERSION_FILE), format!("{SCHEMA_VERSION}\n").as_bytes()).map_err(io)?;
                        index
                    }
                    // Another process created it between our wipe and create: use theirs.
                    Err(e) => Index::open_in_dir(dir)
                        .ok()
                        .filter(|index| index.schema() == schema)
                        .ok_or_else(|| index_error(dir, e))?,
                }
            }
        };
        tokenize::register(&index);
        warm_up();
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(|e| index_error(dir, e))?;
        Ok(SearchIndex { dir: dir.to_path_buf(), index, reader, fields, writer: Mutex::new(None) })
    }

    /// The directory of this index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store generation the index was last committed at, `None` if never. Read from the
    /// last commit on disk (tantivy's commit payload, written atomically with the commit), so
    /// it also reflects commits made by other processes.
    pub fn generation(&self) -> Option<u64> {
        self.index.load_metas().ok()?.payload?.trim().parse().ok()
    }

    /// Replaces every unit of each document's plan by the document's paragraphs and title.
    /// Invisible to searches until [`commit`](Self::commit).
    pub fn upsert(&self, docs: &[IndexDoc]) -> Result<(), SearchError> {
        let mut guard = self.writer()?;
        let writer = guard.as_mut().ok_or_else(|| self.busy())?;
        for doc in docs {
            // One batch per plan: the delete and the adds get contiguous opstamps, and the
            // indexing threads are woken once per plan rather than once per paragraph.
            let units = self.units(doc);
            let mut ops = Vec::with_capacity(units.len() + 1);
            ops.push(UserOperation::Delete(Term::from_field_i64(self.fields.plan_id, doc.plan_id)));
            ops.extend(units.into_iter().map(UserOperation::Add));
            writer.run(ops).map_err(|e| self.error(e))?;
        }
        Ok(())
    }

    /// Removes every unit of the given plans. Invisible until [`commit`](Self::commit).
    pub fn remove(&self, plan_ids: &[i64]) -> Result<(), SearchError> {
        let mut guard = self.writer()?;
        let writer = guard.as_mut().ok_or_else(|| self.busy())?;
        for &id in plan_ids {
            writer.delete_term(Term::from_field_i64(self.fields.plan_id, id));
        }
        Ok(())
    }

    /// Deletes everything (before a full rebuild). Invisible until [`commit`](Self::commit).
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut guard = self.writer()?;
        let writer = guard.as_mut().ok_or_else(|| self.busy())?;
        writer.delete_query(Box::new(AllQuery)).map_err(|e| self.error(e))?;
        Ok(())
    }

    /// Makes all changes durable and visible, records `generation`, and releases the writer
    /// lock so another process can write. Also valid with no pending change (records the
    /// generation only). On failure the pending changes are dropped: sync again from the
    /// last recorded generation.
    pub fn commit(&self, generation: u64) -> Result<(), SearchError> {
        let mut guard = self.writer()?;
        let Some(mut writer) = guard.take() else { return Err(self.busy()) };
        let mut prepared = writer.prepare_commit().map_err(|e| self.error(e))?;
        prepared.set_payload(&generation.to_string());
        prepared.commit().map_err(|e| self.error(e))?;
        // Let merges started by this commit finish, so segments do not pile up across many
        // short writer sessions; this also releases the lock.
        writer.wait_merging_threads().map_err(|e| self.error(e))?;
        drop(guard);
        self.reader.reload().map_err(|e| self.error(e))
    }

    /// Drops uncommitted changes and releases the writer lock.
    pub fn rollback(&self) {
        self.lock_writer().take();
    }

    /// Runs a search. Empty queries are [`SearchError::Empty`]; any other text is accepted.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let parsed = query::parse(&q.q);
        let filters = query::Filters {
            region: q.region.as_deref().filter(|s| !s.is_empty()),
            issuer: q.issuer.as_deref().filter(|s| !s.is_empty()),
            year: q.year,
        };
        let Some(tquery) = query::build(&self.fields, &parsed, &filters) else { return Err(SearchError::Empty) };

        let searcher = self.reader.searcher();
        let limit = q.limit.min(MAX_LIMIT).min(MAX_WINDOW.saturating_sub(q.offset));
        let (top, total, plans) = if !q.facets {
            let top = TopDocs::with_limit(limit.max(1)).and_offset(q.offset).order_by_score();
            let (mut top, total) = searcher.search(&tquery, &(top, Count)).map_err(|e| self.error(e))?;
            top.truncate(limit);
            (top, total, Default::default())
        } else if limit == 0 {
            let (total, plans) =
                searcher.search(&tquery, &(Count, facets::FacetCollector)).map_err(|e| self.error(e))?;
            (Vec::new(), total, plans)
        } else {
            let top = TopDocs::with_limit(limit).and_offset(q.offset).order_by_score();
            searcher.search(&tquery, &(top, Count, facets::FacetCollector)).map_err(|e| self.error(e))?
        };

        let words = parsed.highlight_words();
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.error(e))?;
            hits.push(self.hit(&doc, score, &words));
        }
        Ok(SearchResults { total, plans: plans.len(), hits, facets: facets::count(&plans) })
    }

    /// Identifies the index state searches currently see: it changes whenever the reader
    /// reloads (after a commit of this or another process). Result caches key on it, so a
    /// cached result always matches what a fresh search would see.
    pub fn reader_generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Number of indexed units visible to searches (for diagnostics and tests).
    pub fn num_units(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, words: &[String]) -> Hit {
        let f = &self.fields;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let int = |field| doc.get_first(field).and_then(|v| v.as_i64());
        let uint = |field| doc.get_first(field).and_then(|v| v.as_u64()).and_then(|v| usize::try_from(v).ok());
        let kind = if text(f.kind) == KIND_TITLE { HitKind::Title } else { HitKind::Text };
        let unit = text(f.text);
        let snippet = snippet::render(&unit, words);
        Hit {
            plan_id: int(f.plan_id).unwrap_or_default(),
            version_id: int(f.version_id).unwrap_or_default(),
            title: text(f.title),
            issuer: text(f.issuer),
            region: text(f.region),
            year: int(f.year).and_then(|y| i32::try_from(y).ok()),
            score,
            kind,
            span: [uint(f.start).unwrap_or_default(), uint(f.end).unwrap_or_default()],
            snippet: snippet.text,
            highlights: snippet.highlights,
            snippet_html: snippet.html,
        }
    }

    /// The tantivy documents of one plan: its title unit, then one per paragraph.
    fn units(&self, doc: &IndexDoc) -> Vec<TantivyDocument> {
        let f = &self.fields;
        let base = |kind: &str, start: usize, end: usize, unit: &str| {
            let mut d = TantivyDocument::new();
            d.add_i64(f.plan_id, doc.plan_id);
            d.add_i64(f.version_id, doc.version_id);
            d.add_text(f.kind, kind);
            d.add_text(f.title, &doc.title);
            if !doc.issuer.is_empty() {
                d.add_text(f.issuer, &doc.issuer);
            }
            if !doc.region.is_empty() {
                d.add_text(f.region, &doc.region);
            }
            if let Some(year) = doc.year {
                d.add_i64(f.year, i64::from(year));
            }
            d.add_u64(f.start, start as u64);
            d.add_u64(f.end, end as u64);
            d.add_text(f.text, unit);
            let normalized = text::normalize(unit);
            d.add_text(f.words, &normalized);
            d.add_text(f.body, normalized);
            d
        };
        let spans = text::paragraphs(&doc.text);
        let mut out = Vec::with_capacity(spans.len() + 1);
        let title = doc.title.trim();
        if text::has_searchable(title) {
            let (s, e) = doc.text.find(title).map_or((0, 0), |s| (s, s + title.len()));
            out.push(base(KIND_TITLE, s, e, title));
        }
        for (s, e) in spans {
            out.push(base(KIND_TEXT, s, e, &doc.text[s..e]));
        }
        out
    }

    fn lock_writer(&self) -> MutexGuard<'_, Option<IndexWriter>> {
        // A panic while holding the lock leaves at worst uncommitted changes; keep going.
        self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The writer, opened (and the directory lock taken) on first use.
    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>, SearchError> {
        let mut guard = self.lock_writer();
        if guard.is_none() {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, MAX_WRITER_THREADS);
            let writer = self.index.writer_with_num_threads(threads, WRITER_MEMORY_BYTES).map_err(|e| match e {
                TantivyError::LockFailure(LockError::LockBusy, _) => self.busy(),
                e => self.error(e),
            })?;
            *guard = Some(writer);
        }
        Ok(guard)
    }

    fn busy(&self) -> SearchError {
        SearchError::Busy { dir: self.dir.clone() }
    }

    fn error(&self, source: TantivyError) -> SearchError {
        index_error(&self.dir, source)
    }
}

/// Loads jieba's dictionary and OpenCC's tables (about 0.2 s, once per process) on a
/// background thread, so the first search does not pay for them. Best effort: if the thread
/// cannot be started, the first search loads them instead.
fn warm_up() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        let _ = std::thread::Builder::new().name("planwatch-search-warm-up".into()).spawn(|| {
            let _ = tokenize::query_words(&text::normalize("預熱人工智能"));
        });
    });
}

fn index_error(dir: &Path, source: TantivyError) -> SearchError {
    SearchError::Index { dir: dir.to_path_buf(), source }
}

/// Whether a file name is one tantivy or this crate writes in an index directory: only those
/// are deleted when wiping, so pointing the index at a wrong directory cannot destroy files.
/// tantivy's lock files stay: deleting one another process holds would let two writers in.
fn is_index_file(name: &str) -> bool {
    let segment_file =
        name.len() > 33 && name.as_bytes()[32] == b'.' && name.as_bytes()[..32].iter().all(|b| b.is_ascii_hexdigit());
    segment_file
        || matches!(name, "meta.json" | ".managed.json" | VERSION_FILE)
        || name.starts_with(".planwatch-search.")
}

fn wipe(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if entry.file_type()?.is_file() && name.to_str().is_some_and(is_index_file) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Writes a small file so that readers see the old or the new content, never a mix.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".planwatch-search.{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SearchIndex>();
    }

    #[test]
    fn only_index_files_are_wiped() {
        assert!(is_index_file("meta.json"));
        assert!(!is_index_file(".tantivy-writer.lock"));
        assert!(is_index_file("0123456789abcdef0123456789abcdef.store"));
        assert!(is_index_file("0123456789abcdef0123456789abcdef.12.del"));
        assert!(is_index_file(VERSION_FILE));
        assert!(!is_index_file("notes.txt"));
        assert!(!is_index_file("plans.sqlite"));
    }
}

//! The full problem list of a refused import, as CSV. A refusal page or JSON body lists the
//! first [`planwatch_monitor::listing::LISTED`] problems and their count; all of them come as
//! a CSV download:
//! - from the API, by sending the same request again with `problems=csv` (stateless, so any
//!   server process can answer it);
//! - from the import form, by a link to a copy kept in this process's memory for
//!   [`KEEP`], for the user who imported, at most [`MAX_BYTES`] compressed for all users
//!   together (the oldest go first).

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// How long a refusal's problem list stays downloadable from the form's link.
pub const KEEP: Duration = Duration::from_secs(3600);
/// Compressed bytes of problem lists kept at once, for all users.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

struct Entry {
    id: String,
    owner: String,
    name: String,
    made: Instant,
    gz: Bytes,
}

/// Problem lists of refused form imports, by a random id.
#[derive(Default)]
pub struct ProblemFiles {
    entries: Mutex<VecDeque<Entry>>,
}

impl ProblemFiles {
    /// Keeps `gz` (a gzip-compressed CSV) for `owner`; returns its id, or None when there is
    /// nothing to keep.
    pub fn put(&self, owner: &str, name: &str, gz: Vec<u8>) -> Option<String> {
        if gz.is_empty() || gz.len() > MAX_BYTES {
            return None;
        }
        let id = crate::auth::generate_token();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|e| e.made.elapsed() < KEEP);
        let mut total: usize = entries.iter().map(|e| e.gz.len()).sum();
        while total + gz.len() > MAX_BYTES {
            match entries.pop_front() {
                Some(old) => total -= old.gz.len(),
                None => break,
            }
        }
        entries.push_back(Entry {
            id: id.clone(),
            owner: owner.to_string(),
            name: name.to_string(),
            made: Instant::now(),
            gz: Bytes::from(gz),
        });
        Some(id)
    }

    /// The list `id` if `owner` made it and it is still kept: (file name, gzip CSV).
    pub fn get(&self, id: &str, owner: &str) -> Option<(String, Bytes)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|e| e.id == id && e.owner == owner && e.made.elapsed() < KEEP)
            .map(|e| (e.name.clone(), e.gz.clone()))
    }

    /// Compressed bytes kept now.
    pub fn bytes(&self) -> usize {
        self.entries.lock().map(|e| e.iter().map(|e| e.gz.len()).sum()).unwrap_or(0)
    }
}

/// The download name of the problem list of `file`.
pub fn csv_name(file: &str) -> String {
    let stem = file.rsplit_once('.').map(|(s, _)| s).unwrap_or(file);
    format!("{stem}-问题清单.csv")
}

/// A gzip-compressed CSV as a download: sent compressed when the client accepts gzip,
/// otherwise inflated as it is sent, 64 KiB at a time, so memory stays at the compressed size.
pub fn csv_response(status: StatusCode, name: &str, gz: Bytes, headers: &HeaderMap) -> Response {
    let disposition = format!(
        "attachment; filename=\"problems.csv\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut res = if crate::monitor_pages::accepts_gzip(headers) {
        let mut res = (status, gz).into_response();
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        res
    } else {
        let mut decoder = flate2::read::GzDecoder::new(std::io::Cursor::new(gz));
        let chunks = std::iter::from_fn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            match decoder.read(&mut buf) {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some(Ok::<_, std::io::Error>(Bytes::from(buf)))
                }
                Err(e) => Some(Err(e)),
            }
        });
        (status, Body::from_stream(futures_util::stream::iter(chunks))).into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_for_their_owner_within_the_byte_bound() {
        let files = ProblemFiles::default();
        let a = files.put("d1", "a.csv", vec![1; 1000]).unwrap();
        assert!(files.get(&a, "d1").is_some());
        assert!(files.get(&a, "d2").is_none(), "another user's list");
        assert!(files.get("nope", "d1").is_none());
        assert!(files.put("d1", "empty.csv", Vec::new()).is_none());
        // Filling past the bound drops the oldest.
        let big = MAX_BYTES / 3 + 1;
        for _ in 0..3 {
            files.put("d1", "b.csv", vec![0; big]).unwrap();
        }
        assert!(files.bytes() <= MAX_BYTES);
        assert!(files.get(&a, "d1").is_none());
        assert_eq!(csv_name("蜀山区.xlsx"), "蜀山区-问题清单.csv");
    }
}

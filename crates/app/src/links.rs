//! The workspace's URLs that views and reports carry (a figure links to its sentence), made
//! in one place so every front end and every report links alike.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Link to the document view with `span` highlighted and scrolled into view.
pub fn source_href(plan_id: i64, version_id: i64, span: [usize; 2]) -> String {
    if span[1] > span[0] {
        format!("/plans/{plan_id}/source?v={version_id}&s={}&e={}#hl", span[0], span[1])
    } else {
        format!("/plans/{plan_id}/source?v={version_id}")
    }
}

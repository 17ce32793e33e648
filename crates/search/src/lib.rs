//! Chinese full-text search (filled in by issue 4).

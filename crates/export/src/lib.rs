//! Exports (filled in by issue 4).

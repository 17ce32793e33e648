//! planwatch-store (issue 4).

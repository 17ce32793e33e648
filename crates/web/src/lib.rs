//! planwatch-web (issue 4).

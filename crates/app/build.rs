//! Embeds the built-in county-level boundaries: writes `$OUT_DIR/boundaries.rs`, a table of
//! every `data/boundaries/<code>.geojson` sorted by code, each file an `include_str!`, so an
//! installed binary draws maps without the repository and nothing is parsed until a region is
//! asked for.

use std::fmt::Write;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../data/boundaries");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("geojson"))
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            (stem.len() == 6 && stem.bytes().all(|b| b.is_ascii_digit())).then_some((stem, p))
        })
        .collect();
    files.sort();
    let mut out = String::from("/// (region code, GeoJSON) of `data/boundaries/`, sorted by code.\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for (code, path) in &files {
        let path = path.canonicalize().unwrap_or_else(|_| path.clone());
        let _ = writeln!(out, "    ({code:?}, include_str!({:?})),", path.display().to_string());
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("boundaries.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("writing {}: {e}", dest.display()));
}

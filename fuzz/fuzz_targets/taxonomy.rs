//! A city's own taxonomy file (TOML, user-supplied through `--data`) and the mapping of any
//! item name: loading never panics (a bad file is an error naming it), and every mapping
//! names a node that exists, with a score in (0, 1].
#![no_main]

use libfuzzer_sys::fuzz_target;
use planwatch_taxonomy::Taxonomy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let check = |t: &Taxonomy, name: &str| {
        if let Some(m) = t.map(name) {
            assert!(t.node(&m.node).is_some(), "{name:?} mapped to a missing node {}", m.node);
            assert!(m.score > 0.0 && m.score <= 1.0, "{name:?}: score {}", m.score);
        }
    };
    match Taxonomy::from_texts(&[("city.toml", text)]) {
        Ok(t) => {
            for n in t.nodes() {
                check(&t, &n.name);
            }
        }
        Err(e) => assert!(e.to_string().contains("city.toml"), "the error does not name the file: {e}"),
    }
    // The text as an item name against the built-in schemes.
    let builtin = Taxonomy::builtin();
    for name in text.lines().take(8) {
        check(&builtin, name);
    }
});

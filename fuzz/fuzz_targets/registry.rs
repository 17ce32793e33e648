//! Registry sheets (CSV/XLSX bytes) of every built-in kind: reading and validating never
//! panics, the listed problems stay capped, and a sheet that validates has one entry per
//! row with a non-empty key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planwatch_core::dict::Dictionaries;
use planwatch_registry::schema::Registries;
use planwatch_registry::validate::{self, Context, Industries};

fuzz_target!(|data: &[u8]| {
    let dicts = Dictionaries::builtin();
    let registries = Registries::builtin();
    let industries = Industries::new(["人工智能", "商业航天", "低空经济"]);
    let ctx = Context { region: "绵阳市", dicts: &dicts, industries: &industries };
    for kind in registries.kinds() {
        if let Ok(v) = validate::check(kind, data, &ctx) {
            assert!(v.problems.shown().len() <= planwatch_monitor::listing::LISTED);
            if v.is_ok() {
                assert!(v.entries.iter().all(|e| !e.key.is_empty()), "an entry without a key");
            }
        }
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Some(d) = validate::parse_date(s) {
            assert_eq!(validate::parse_date(&d).as_deref(), Some(d.as_str()), "a date does not read back");
        }
    }
});

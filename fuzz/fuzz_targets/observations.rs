//! Observation sheets (CSV/XLSX bytes) and periods: reading and validating never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planwatch_monitor::observations::{self, Catalogue, History, IndicatorInfo, PlaceRef};
use planwatch_monitor::{Frequency, Period};

struct Cat(IndicatorInfo);

impl Catalogue for Cat {
    fn indicator(&self, s: &str) -> Option<&IndicatorInfo> {
        (s == self.0.code || s == self.0.name).then_some(&self.0)
    }
    fn place(&self, s: &str, _: &str) -> Option<PlaceRef> {
        (s.len() % 3 == 0).then(|| PlaceRef { name: s.to_string(), code: String::new() })
    }
    fn history(&self, _: i64, place: &str, _: Period) -> Option<History> {
        let mut v: Vec<f64> = place.bytes().map(f64::from).collect();
        History::of(&mut v)
    }
}

fuzz_target!(|data: &[u8]| {
    let cat = Cat(IndicatorInfo {
        id: 1,
        code: "A".into(),
        name: "产值".into(),
        unit: "亿元".into(),
        frequency: Frequency::Quarter,
        region: "重庆市".into(),
    });
    if let Ok(rows) = observations::read(data) {
        let v = observations::validate(&rows, &cat);
        assert!(v.problems.shown().len() <= planwatch_monitor::listing::LISTED);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = Period::parse(s) {
            assert_eq!(Period::parse(&p.to_string()), Ok(p));
            let _ = (p.prev(), p.next(), p.end_time());
        }
    }
});

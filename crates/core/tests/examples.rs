//! The bundled sample plans (examples/) against their expected plan JSON.
//!
//! The expected files were produced by planwatch and checked by hand against what each
//! sample was written to contain (examples/src). After a deliberate change of the
//! extraction, rewrite them with `PLANWATCH_BLESS=1 cargo test --test examples` and review
//! the diff before committing.

use planwatch_core::{extract, Options};
use std::path::Path;

const EXAMPLES: [&str; 3] =
    ["mianyang-future-industries.txt", "hefei-sci-tech-plan.html", "suzhou-emerging-industries.docx"];

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn check(file: &str) {
    let bytes = std::fs::read(root().join(file)).unwrap();
    let plan = extract(&bytes, file, &Options::default()).unwrap();
    let json = serde_json::to_string_pretty(&plan).unwrap() + "\n";
    let stem = Path::new(file).file_stem().unwrap().to_string_lossy().into_owned();
    let expected_path = root().join("expected").join(format!("{stem}.json"));
    if std::env::var_os("PLANWATCH_BLESS").is_some() {
        std::fs::write(&expected_path, &json).unwrap();
        return;
    }
    let expected =
        std::fs::read_to_string(&expected_path).unwrap_or_else(|_| panic!("missing {}", expected_path.display()));
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want: serde_json::Value = serde_json::from_str(&expected).unwrap();
    for key in ["meta", "outline", "targets", "tasks", "industries", "districts", "platforms", "source", "warnings"] {
        assert_eq!(got[key], want[key], "{file}: {key} differs from examples/expected/{stem}.json");
    }
}

#[test]
fn gb18030_text_plan() {
    check(EXAMPLES[0]);
}

#[test]
fn html_page_plan() {
    check(EXAMPLES[1]);
}

#[test]
fn docx_plan() {
    check(EXAMPLES[2]);
}

#[test]
fn every_span_points_into_the_source_text() {
    let squeeze = |s: &str| -> String {
        s.chars()
            .map(
                |c| if ('\u{ff10}'..='\u{ff19}').contains(&c) { char::from_u32(c as u32 - 0xfee0).unwrap() } else { c },
            )
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    for file in EXAMPLES {
        let bytes = std::fs::read(root().join(file)).unwrap();
        let source = planwatch_core::read::read(&bytes, &Default::default()).unwrap();
        let plan = planwatch_core::extract_source(&source, file, &planwatch_core::Dictionaries::builtin());
        for [a, b] in plan.spans() {
            assert!(a <= b && b <= source.text.len(), "{file}: span {a}:{b}");
            assert!(
                source.text.is_char_boundary(a) && source.text.is_char_boundary(b),
                "{file}: span {a}:{b} splits a character"
            );
        }
        // A target's span prints back its phrase (same words; widths may differ).
        for t in &plan.targets {
            assert_eq!(squeeze(&source.text[t.span[0]..t.span[1]]), squeeze(&t.text), "{file}");
        }
        for p in &plan.platforms {
            assert_eq!(squeeze(&source.text[p.span[0]..p.span[1]]), squeeze(&p.name), "{file}");
        }
    }
}

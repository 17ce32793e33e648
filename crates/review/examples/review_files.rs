//! Reviews one plan file against another with the core alone (no store, no CLI) and prints
//! the findings: the quick loop for working on review rules.
//!
//! `cargo run -p planwatch-review --example review_files -- DRAFT MASTER`

fn load(path: &str) -> (planwatch_core::Plan, String) {
    let opts = planwatch_core::Options::default();
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let source = planwatch_core::read::read(&bytes, &opts.read).unwrap_or_else(|e| panic!("{path}: {e}"));
    let plan = planwatch_core::extract_source(&source, path, &opts.dicts);
    (plan, source.text)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(d), Some(m)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: review_files DRAFT MASTER");
        std::process::exit(2);
    };
    let (dp, dt) = load(d);
    let (mp, mt) = load(m);
    if std::env::var_os("REVIEW_PLACES").is_some() {
        use planwatch_review::IndustryMap;
        let tax = planwatch_review::Taxonomy::builtin();
        for (label, p) in [("草案", &dp), ("上位", &mp)] {
            for i in &p.industries {
                for n in std::iter::once(&i.name).chain(i.segments.iter()) {
                    let placed: Vec<String> = tax
                        .place_all(n)
                        .iter()
                        .map(|p| format!("{}›{} {:.2}", p.top_label, p.label, p.score))
                        .collect();
                    println!("{label} {}{n}: {}", if n == &i.name { "" } else { "  " }, placed.join(" | "));
                }
            }
        }
    }
    let r = planwatch_review::review(&dp, &dt, &mp, &mt, &*planwatch_review::Taxonomy::builtin());
    println!("{} ← {}", r.draft_title, r.master_title);
    for f in &r.findings {
        println!("{} {} {} {}", f.id, f.severity_label, f.kind.name(), f.message);
        for c in &f.draft {
            println!("    草案 {:?} 「{}」", c.span, c.sentence);
        }
        for c in &f.master {
            println!("    上位 {:?} 「{}」", c.span, c.sentence);
        }
    }
}

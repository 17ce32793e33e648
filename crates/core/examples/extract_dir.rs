//! Extracts every file of a folder into `OUT/<stem>.json` with the core alone (no store, no
//! CLI): the quick loop for working on extraction rules against `../shared/tools/score-plans`.
//!
//! `cargo run --release -p planwatch-core --example extract_dir -- IN_DIR OUT_DIR`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: extract_dir IN_DIR OUT_DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(output).expect("the output folder can be created");
    let opts = planwatch_core::Options::default();
    let mut entries: Vec<_> = std::fs::read_dir(input).expect("the input folder is readable").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("the file is readable");
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        match planwatch_core::extract(&bytes, &name, &opts) {
            Ok(plan) => {
                let json = serde_json::to_string_pretty(&plan).expect("a plan serialises");
                std::fs::write(std::path::Path::new(output).join(format!("{stem}.json")), json)
                    .expect("the output is writable");
            }
            Err(e) => eprintln!("{name}: {e}"),
        }
    }
}

//! Maps every line of standard input (an industry name) in each scheme and prints a TSV line
//! per name and scheme: name, scheme, node id, node path, score, method (empty when unmapped).
//! The quick loop for checking synonyms against the names real plans use.
//!
//! `cargo run -p planwatch-taxonomy --example map_lines < names.txt`

use std::io::BufRead;

fn main() {
    let t = planwatch_taxonomy::Taxonomy::builtin();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let name = line.trim();
        if name.is_empty() {
            continue;
        }
        for s in t.schemes() {
            match t.map_in(Some(&s.id), name) {
                Some(m) => {
                    let path: Vec<&str> = t.path(&m.node).iter().map(|n| n.name.as_str()).collect();
                    println!(
                        "{name}\t{}\t{}\t{}\t{:.2}\t{}\t{}",
                        s.id,
                        m.node,
                        path.join(" › "),
                        m.score,
                        m.method.label(),
                        m.matched
                    );
                }
                None => println!("{name}\t{}\t\t\t\t\t", s.id),
            }
        }
    }
}

//! The query language and its translation into tantivy queries.
//!
//! The syntax is deliberately small and never fails: words separated by spaces must all match
//! (AND); `A OR B` matches either; `"…"` (or Chinese quotes “…” / 「…」) keeps spaces inside one
//! phrase; a leading `-` or `NOT` excludes a word. Anything else — `:`, `(`, `*`, stray quotes —
//! is just text, and characters that are neither letters, digits nor CJK are ignored when
//! matching. Building the tantivy query by hand (instead of `QueryParser`) means no user input
//! can reach tantivy's own query grammar.

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::schema::{Fields, KIND_TITLE};
use crate::text::{fold, is_cjk, is_word_char};
use crate::tokenize::{query_tokens, query_words};

/// Longest query accepted, in characters; the rest is ignored. Real queries are a few words;
/// this bounds the work a pasted page can cause.
pub(crate) const MAX_QUERY_CHARS: usize = 256;
/// Most words (including alternatives and exclusions) taken from one query.
const MAX_WORDS: usize = 24;
/// How many indexed bigrams a trailing lone CJK character may expand to inside a phrase.
const MAX_PREFIX_EXPANSIONS: u32 = 2_000;

/// A parsed query: every group must match, no excluded word may.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ParsedQuery {
    /// Each group holds alternatives (joined by OR); normalized words.
    pub groups: Vec<Vec<String>>,
    pub excluded: Vec<String>,
}

impl ParsedQuery {
    /// All words to highlight in snippets.
    pub fn highlight_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self.groups.iter().flatten().cloned().collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.dedup();
        words
    }
}

#[derive(Debug)]
enum Item {
    Word { text: String, negated: bool },
    Or,
}

/// Parses a raw query. The result has no groups when nothing in it is searchable.
pub(crate) fn parse(raw: &str) -> ParsedQuery {
    let capped: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    // Simplify once for the whole query (OpenCC converts phrases better in context); case is
    // folded per word, after the upper-case operators have been recognised.
    let simplified = crate::text::mainland(&capped);
    let items = lex(&simplified);

    let mut parsed = ParsedQuery::default();
    let mut pending_or = false;
    let mut words = 0;
    for item in items {
        match item {
            Item::Or => pending_or = !parsed.groups.is_empty(),
            Item::Word { text, negated } => {
                let word = fold(&text);
                if query_tokens(&word).is_empty() || words >= MAX_WORDS {
                    continue;
                }
                words += 1;
                if negated {
                    parsed.excluded.push(word);
                    continue;
                }
                match parsed.groups.last_mut() {
                    Some(group) if pending_or => group.push(word),
                    _ => parsed.groups.push(vec![word]),
                }
                pending_or = false;
            }
        }
    }
    parsed
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' | '\u{FF02}' => Some(open),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

/// Outside quotes these separate words like spaces do: "人工智能，集成电路" means both.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '，' | '、' | '；' | '。' | ',' | ';')
}

fn lex(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut chars = text.chars().peekable();
    let mut negate_next = false;
    while let Some(&c) = chars.peek() {
        if is_separator(c) {
            chars.next();
            continue;
        }
        if let Some(close) = closing_quote(c) {
            chars.next();
            let mut phrase = String::new();
            for d in chars.by_ref() {
                if d == close || (close == '"' && d == '”') {
                    break;
                }
                phrase.push(d);
            }
            items.push(Item::Word { text: phrase, negated: std::mem::take(&mut negate_next) });
            continue;
        }
        let mut word = String::new();
        while let Some(&d) = chars.peek() {
            if is_separator(d) || (closing_quote(d).is_some() && !word.is_empty()) {
                break;
            }
            word.push(d);
            chars.next();
        }
        match word.as_str() {
            "AND" | "&&" | "+" => continue,
            "OR" | "||" | "|" => {
                negate_next = false;
                items.push(Item::Or);
                continue;
            }
            "NOT" | "-" => {
                negate_next = true;
                continue;
            }
            _ => {}
        }
        let (text, negated) = match word.strip_prefix('-') {
            Some(rest) if rest.chars().any(|c| is_cjk(c) || is_word_char(c)) => (rest.to_string(), true),
            _ => (word.trim_start_matches('+').to_string(), false),
        };
        items.push(Item::Word { text, negated: negated || std::mem::take(&mut negate_next) });
    }
    items
}

/// The clause that decides whether a unit contains `word`: a phrase over its bigram tokens.
/// `None` when the word has no searchable token.
fn match_query(field: Field, word: &str) -> Option<Box<dyn Query>> {
    let tokens = query_tokens(word);
    let term = |text: &str| Term::from_field_text(field, text);
    let mut parts: Vec<Box<dyn Query>> = Vec::new();
    let mut phrase: Vec<(usize, Term)> = Vec::new();
    let mut base = 0;
    let last = tokens.len().saturating_sub(1);

    fn flush(phrase: &mut Vec<(usize, Term)>, parts: &mut Vec<Box<dyn Query>>) {
        match phrase.len() {
            0 => {}
            1 => {
                if let Some((_, t)) = phrase.pop() {
                    parts.push(Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)));
                }
            }
            _ => parts.push(Box::new(PhraseQuery::new_with_offset(std::mem::take(phrase)))),
        }
    }

    for (i, token) in tokens.iter().enumerate() {
        if phrase.is_empty() {
            base = token.position;
        }
        let offset = token.position - base;
        if !token.prefix {
            phrase.push((offset, term(&token.text)));
        } else if i == last {
            // A lone CJK character at the end: phrase + prefix (or the prefix alone).
            phrase.push((offset, term(&token.text)));
            let mut q = PhrasePrefixQuery::new_with_offset(std::mem::take(&mut phrase));
            q.set_max_expansions(MAX_PREFIX_EXPANSIONS);
            parts.push(Box::new(q));
        } else {
            // A lone CJK character between other tokens (rare, e.g. "a网b"): the pieces must all
            // occur, but adjacency is only kept within each piece.
            flush(&mut phrase, &mut parts);
            let q = PhrasePrefixQuery::new_with_offset(vec![(0, term(&token.text))]);
            parts.push(Box::new(q));
        }
    }
    flush(&mut phrase, &mut parts);
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Box::new(BooleanQuery::new(parts.into_iter().map(|q| (Occur::Must, q)).collect()))),
    }
}

/// Must contain `word`; scores higher when jieba finds its words at word boundaries.
fn word_query(fields: &Fields, word: &str) -> Option<Box<dyn Query>> {
    let must = match_query(fields.body, word)?;
    let mut clauses = vec![(Occur::Must, must)];
    for w in query_words(word) {
        let q = TermQuery::new(Term::from_field_text(fields.words, &w), IndexRecordOption::WithFreqs);
        clauses.push((Occur::Should, Box::new(q)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Exact-match filters of a search.
pub(crate) struct Filters<'a> {
    pub region: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub year: Option<i32>,
}

/// Builds the whole tantivy query; `None` when nothing positive is left to search for.
pub(crate) fn build(fields: &Fields, parsed: &ParsedQuery, filters: &Filters<'_>) -> Option<Box<dyn Query>> {
    // Filters select without changing scores.
    let filter = |term: Term| -> Box<dyn Query> {
        Box::new(ConstScoreQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), 0.0))
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for group in &parsed.groups {
        let mut alternatives: Vec<Box<dyn Query>> = group.iter().filter_map(|w| word_query(fields, w)).collect();
        match alternatives.len() {
            0 => {}
            1 => clauses.extend(alternatives.pop().map(|q| (Occur::Must, q))),
            _ => clauses.push((Occur::Must, Box::new(BooleanQuery::union(alternatives)))),
        }
    }
    if clauses.is_empty() {
        return None;
    }
    // Title units score twice: the text clauses once more for them alone. The extra branch is
    // cheap, as tantivy drives the intersection by the short list of title units.
    let text: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    let title_only: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, text.box_clone()),
        (Occur::Must, filter(Term::from_field_text(fields.kind, KIND_TITLE))),
    ]));
    let mut clauses = vec![(Occur::Must, Box::new(BooleanQuery::union(vec![text, title_only])) as Box<dyn Query>)];
    for word in &parsed.excluded {
        if let Some(q) = match_query(fields.body, word) {
            clauses.push((Occur::MustNot, q));
        }
    }
    if let Some(region) = filters.region {
        clauses.push((Occur::Must, filter(Term::from_field_text(fields.region, region))));
    }
    if let Some(issuer) = filters.issuer {
        clauses.push((Occur::Must, filter(Term::from_field_text(fields.issuer, issuer))));
    }
    if let Some(year) = filters.year {
        clauses.push((Occur::Must, filter(Term::from_field_i64(fields.year, i64::from(year)))));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(q: &str) -> Vec<Vec<String>> {
        parse(q).groups
    }

    #[test]
    fn words_are_and_groups_and_or_joins() {
        assert_eq!(groups("人工智能  集成电路"), vec![vec!["人工智能"], vec!["集成电路"]]);
        assert_eq!(groups("氢能 OR 储能 科技"), vec![vec!["氢能", "储能"], vec!["科技"]]);
        assert_eq!(groups("AND 氢能 AND"), vec![vec!["氢能"]]);
        assert_eq!(groups("OR 氢能"), vec![vec!["氢能"]]);
        assert_eq!(groups("人工智能，集成电路、氢能"), vec![vec!["人工智能"], vec!["集成电路"], vec!["氢能"]]);
    }

    #[test]
    fn quotes_keep_phrases_and_minus_excludes() {
        let p = parse("\"machine learning\" “科技 创新” -储能 NOT 氢能");
        assert_eq!(p.groups, vec![vec!["machine learning"], vec!["科技 创新"]]);
        assert_eq!(p.excluded, vec!["储能", "氢能"]);
    }

    #[test]
    fn traditional_and_case_are_normalized() {
        assert_eq!(groups("積體電路 ＡＩ"), vec![vec!["集成电路"], vec!["ai"]]);
        assert_eq!(groups("人工智慧"), vec![vec!["人工智能"]]);
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        assert!(groups(":( * \" ) ").is_empty());
        assert_eq!(groups("title:氢能"), vec![vec!["title:氢能"]]);
        assert!(groups("").is_empty());
        let long = "氢".repeat(10_000);
        let g = groups(&long);
        assert_eq!(g[0][0].chars().count(), MAX_QUERY_CHARS);
    }
}

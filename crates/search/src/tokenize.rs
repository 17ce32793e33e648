//! The two analyzers of the body text.
//!
//! * `pw_bigram` decides *whether* a paragraph matches. CJK runs become overlapping bigrams (and
//!   the last character of each run a unigram at the same position), other runs of letters and
//!   digits become words. A query word is then a phrase of its bigrams, which matches exactly the
//!   paragraphs that contain it as a substring, whatever jieba would have segmented around it.
//!   jieba alone loses such hits: in the seed plans 以大数据 is cut 以大/数据 and 特铝新材料 is
//!   cut 特铝新/材料, so 大数据 and 新材料 would miss paragraphs that plainly contain them.
//! * `pw_words` (jieba, search mode) decides *how well* it matches: whole-word hits get a BM25
//!   bonus over hits that straddle a word boundary. Search mode also emits the sub-words of long
//!   words (人工智能 → 人工, 智能, 人工智能), which scores partial queries sensibly.
//!
//! Both analyzers expect text already passed through [`crate::text::normalize`].

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy_jieba::{JiebaTokenStream, JiebaTokenizer};

use crate::text::{is_cjk, is_word_char};

/// Name under which the bigram analyzer is registered with the index.
pub(crate) const BIGRAM: &str = "pw_bigram";
/// Name under which the jieba word analyzer is registered with the index.
pub(crate) const WORDS: &str = "pw_words";

/// Longest word token kept, in bytes; longer runs are cut (the same way at query time).
const MAX_WORD_BYTES: usize = 64;

/// Registers both analyzers with an index; required after every open or create.
pub(crate) fn register(index: &tantivy::Index) {
    index.tokenizers().register(BIGRAM, TextAnalyzer::from(BigramTokenizer));
    index.tokenizers().register(WORDS, TextAnalyzer::from(WordTokenizer::default()));
}

/// One token of a query word for the bigram field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryToken {
    /// Position relative to the first token of the word.
    pub position: usize,
    pub text: String,
    /// A lone CJK character: matches any bigram that starts with it (or the unigram itself).
    pub prefix: bool,
}

/// Splits normalized text into runs and calls `emit(position, text, is_lone_cjk, is_run_tail)`.
///
/// `is_run_tail` marks the extra unigram of the last character of a CJK run of two or more; it
/// shares the position of the run's last bigram so phrases across runs stay adjacent.
fn for_each_token(text: &str, mut emit: impl FnMut(usize, usize, usize, bool, bool)) {
    let mut position = 0;
    let mut chars = text.char_indices().peekable();
    let mut run: Vec<usize> = Vec::new();
    while let Some(&(i, c)) = chars.peek() {
        if is_cjk(c) {
            run.clear();
            while let Some(&(j, d)) = chars.peek() {
                if !is_cjk(d) {
                    break;
                }
                run.push(j);
                chars.next();
            }
            let end = chars.peek().map_or(text.len(), |&(j, _)| j);
            if run.len() == 1 {
                emit(position, i, end, true, false);
                position += 1;
            } else {
                for k in 0..run.len() - 1 {
                    let to = run.get(k + 2).copied().unwrap_or(end);
                    emit(position, run[k], to, false, false);
                    position += 1;
                }
                emit(position - 1, run[run.len() - 1], end, false, true);
            }
        } else if is_word_char(c) {
            let start = i;
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let mut cut = end.min(start + MAX_WORD_BYTES);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            emit(position, start, cut, false, false);
            position += 1;
        } else {
            chars.next();
        }
    }
}

/// Tokens of one query word, for building the phrase that must match the bigram field.
pub(crate) fn query_tokens(word: &str) -> Vec<QueryToken> {
    let mut out = Vec::new();
    for_each_token(word, |position, from, to, lone, tail| {
        if !tail {
            out.push(QueryToken { position, text: word[from..to].to_string(), prefix: lone });
        }
    });
    out
}

/// The index-time bigram tokenizer (see the module docs).
#[derive(Clone, Default)]
pub(crate) struct BigramTokenizer;

/// A token stream over token spans computed up front; the token text buffer is reused, so a
/// paragraph costs one allocation instead of one per token.
pub(crate) struct SpanTokenStream<'a> {
    text: &'a str,
    /// `(from, to, position)` of each token.
    spans: Vec<(usize, usize, usize)>,
    next: usize,
    token: Token,
}

impl TokenStream for SpanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to, position)) = self.spans.get(self.next) else { return false };
        self.next += 1;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = SpanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SpanTokenStream<'a> {
        let mut spans = Vec::with_capacity(text.len() / 3 + 1);
        for_each_token(text, |position, from, to, _, _| spans.push((from, to, position)));
        SpanTokenStream { text, spans, next: 0, token: Token::default() }
    }
}

/// jieba in search mode, without punctuation and whitespace tokens.
#[derive(Clone)]
pub(crate) struct WordTokenizer {
    inner: JiebaTokenizer,
}

impl Default for WordTokenizer {
    fn default() -> Self {
        WordTokenizer { inner: JiebaTokenizer::with_search_mode(true) }
    }
}

/// [`WordTokenizer`]'s stream: jieba's, skipping tokens with nothing searchable.
pub(crate) struct WordTokenStream<'a> {
    inner: JiebaTokenStream<'a>,
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if self.inner.token().text.chars().any(|c| c.is_alphanumeric() || is_cjk(c)) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        WordTokenStream { inner: self.inner.token_stream(text) }
    }
}

/// Distinct jieba words of a normalized query word, for the ranking clauses.
pub(crate) fn query_words(word: &str) -> Vec<String> {
    let mut tokenizer = WordTokenizer::default();
    let mut stream = tokenizer.token_stream(word);
    let mut out: Vec<String> = Vec::new();
    while stream.advance() {
        let text = &stream.token().text;
        if text.len() <= MAX_WORD_BYTES && !out.contains(text) {
            out.push(text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_tokens(text: &str) -> Vec<(usize, String)> {
        let mut t = BigramTokenizer;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().position, s.token().text.clone()));
        }
        out
    }

    #[test]
    fn bigrams_with_tail_unigram_at_last_position() {
        let got = index_tokens("5g网络, 人");
        let want: Vec<(usize, String)> =
            vec![(0, "5g"), (1, "网络"), (1, "络"), (2, "人")].into_iter().map(|(p, t)| (p, t.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn query_tokens_skip_tail_and_mark_lone_chars() {
        let q = query_tokens("集成电路");
        let texts: Vec<&str> = q.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, vec!["集成", "成电", "电路"]);
        assert_eq!(q.iter().map(|t| t.position).collect::<Vec<_>>(), vec![0, 1, 2]);
        assert!(q.iter().all(|t| !t.prefix));
        let q = query_tokens("5g网");
        assert_eq!(q.len(), 2);
        assert!(q[1].prefix && q[1].text == "网" && q[1].position == 1);
        assert!(query_tokens(":(*\"").is_empty());
    }

    #[test]
    fn long_word_runs_are_cut() {
        let long = "a".repeat(500);
        let q = query_tokens(&long);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text.len(), MAX_WORD_BYTES);
        assert_eq!(index_tokens(&long)[0].1, q[0].text);
    }

    #[test]
    fn jieba_words_drop_punctuation() {
        let words = query_words("人工智能，集成电路!");
        assert!(words.contains(&"人工智能".to_string()), "{words:?}");
        assert!(words.contains(&"集成电路".to_string()), "{words:?}");
        assert!(words.iter().all(|w| w != "，" && w != "!"));
    }
}

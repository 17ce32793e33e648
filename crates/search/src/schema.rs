//! The index schema: one tantivy document per paragraph, plus one per plan title.

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::tokenize::{BIGRAM, WORDS};

/// Bump whenever the schema, the analyzers or the meaning of stored values change: an index
/// written under another version is wiped and rebuilt on open (it is derived data).
// 2: Taiwan/Hong Kong vocabulary folded (人工智慧 → 人工智能).
pub(crate) const SCHEMA_VERSION: u32 = 2;

/// `kind` of the unit holding a plan's title.
pub(crate) const KIND_TITLE: &str = "title";
/// `kind` of a paragraph unit.
pub(crate) const KIND_TEXT: &str = "text";

/// Handles of every field, resolved once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub plan_id: Field,
    pub version_id: Field,
    pub kind: Field,
    pub title: Field,
    pub issuer: Field,
    pub region: Field,
    pub year: Field,
    pub start: Field,
    pub end: Field,
    /// The unit's own text as written in the document, for snippets.
    pub text: Field,
    /// Normalized text through the bigram analyzer: decides matches.
    pub body: Field,
    /// Normalized text through jieba: ranks matches.
    pub words: Field,
}

/// Field names; also the names of the fast columns read by the facet collector.
pub(crate) mod names {
    pub const PLAN_ID: &str = "plan_id";
    pub const ISSUER: &str = "issuer";
    pub const REGION: &str = "region";
    pub const YEAR: &str = "year";
}

/// Builds the schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let body_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(BIGRAM).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let words_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(WORDS).set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        plan_id: b.add_i64_field(names::PLAN_ID, INDEXED | STORED | FAST),
        version_id: b.add_i64_field("version_id", STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        title: b.add_text_field("title", STORED),
        issuer: b.add_text_field(names::ISSUER, STRING | STORED | FAST),
        region: b.add_text_field(names::REGION, STRING | STORED | FAST),
        year: b.add_i64_field(names::YEAR, INDEXED | STORED | FAST),
        start: b.add_u64_field("start", STORED),
        end: b.add_u64_field("end", STORED),
        text: b.add_text_field("text", STORED),
        body: b.add_text_field("body", body_options),
        words: b.add_text_field("words", words_options),
    };
    (b.build(), fields)
}

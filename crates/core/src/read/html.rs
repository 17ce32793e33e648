//! HTML pages → text: body text and tables in document order, one block per line, table
//! cells separated by tabs. Scripts, styles, forms and navigation are dropped.
//!
//! Uses html5ever's spec-compliant tokenizer (no tree is built: the text layer only needs the
//! stream of tags and characters, and a tokenizer is linear in the input).

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// The text of a page; `None` when it would be more than `max_text` bytes.
///
/// The page is fed to the tokenizer in pieces, so it is never copied whole, and the text
/// stops growing at the limit. Memory stays within the page and the text limit: entities
/// expand by a few bytes at most (no DTD, no user-defined entities), and nesting is counted,
/// not stacked.
pub fn to_text(html: &str, max_text: u64) -> Option<String> {
    const PIECE: usize = 64 * 1024;
    let max = usize::try_from(max_text).unwrap_or(usize::MAX);
    let sink = TextSink { state: RefCell::new(State { max, ..State::default() }) };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(PIECE);
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (piece, tail) = rest.split_at(cut);
        input.push_back(StrTendril::from_slice(piece));
        let _ = tokenizer.feed(&input);
        if tokenizer.sink.state.borrow().over {
            return None;
        }
        rest = tail;
    }
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    if state.over {
        return None;
    }
    let text = state.finish();
    (text.len() <= max).then_some(text)
}

#[derive(Default)]
struct State {
    out: String,
    /// Largest text, in bytes; `over` is set (and the text stops growing) past it.
    max: usize,
    over: bool,
    /// Name and nesting depth of an element whose whole content is dropped.
    skipping: Option<(String, usize)>,
    pre_depth: usize,
    /// A space is owed before the next visible character (collapsed HTML whitespace).
    pending_space: bool,
}

struct TextSink {
    state: RefCell<State>,
}

/// Elements whose content is never plan text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "select", "button", "iframe", "svg", "nav", "object", "canvas",
    "textarea",
];

/// Elements that start a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "blockquote",
    "pre",
    "hr",
    "form",
    "fieldset",
    "address",
    "figure",
    "figcaption",
    "caption",
    "center",
    "aside",
];

/// Class or id tokens that mark site navigation.
const NAV_MARKS: &[&str] = &["nav", "navbar", "menu", "breadcrumb", "crumbs", "crumb"];

impl State {
    /// Marks the text as over its limit once it is; it then stops growing.
    fn full(&mut self) -> bool {
        self.over |= self.out.len() > self.max;
        self.over
    }

    fn newline(&mut self) {
        if self.full() {
            return;
        }
        self.pending_space = false;
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn cell_end(&mut self) {
        if self.full() {
            return;
        }
        self.pending_space = false;
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        self.out.push('\t');
    }

    fn text(&mut self, s: &str) {
        if self.full() {
            return;
        }
        if self.pre_depth > 0 {
            if self.out.len() + s.len() > self.max {
                self.over = true;
            } else {
                self.out.push_str(s);
            }
            return;
        }
        for c in s.chars() {
            let c = if c == '\u{a0}' { ' ' } else { c };
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                let space = self.pending_space && !self.out.is_empty() && !self.out.ends_with(['\n', '\t']);
                if self.out.len() + usize::from(space) + c.len_utf8() > self.max {
                    self.over = true;
                    return;
                }
                if space {
                    self.out.push(' ');
                }
                self.pending_space = false;
                self.out.push(c);
            }
        }
    }

    fn finish(mut self) -> String {
        self.newline();
        // Drop trailing tabs of table rows and runs of blank lines.
        let mut out = String::with_capacity(self.out.len());
        let mut blank = 0;
        for line in self.out.lines() {
            let line = line.trim_end_matches(['\t', ' ']);
            if line.trim().is_empty() {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

fn is_nav(attrs: &[html5ever::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let name = &*a.name.local;
        (name == "class" || name == "id" || name == "role")
            && a.value.split(|c: char| c.is_whitespace() || c == '-' || c == '_').any(|tok| {
                let tok = tok.to_ascii_lowercase();
                NAV_MARKS.contains(&tok.as_str()) || tok == "navigation"
            })
    })
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if let Some((skip_name, depth)) = st.skipping.as_mut() {
                    if name == skip_name.as_str() {
                        match tag.kind {
                            TagKind::StartTag if !tag.self_closing => *depth += 1,
                            TagKind::EndTag => {
                                *depth -= 1;
                                if *depth == 0 {
                                    st.skipping = None;
                                    st.newline();
                                }
                            }
                            _ => {}
                        }
                    }
                    return TokenSinkResult::Continue;
                }
                match tag.kind {
                    TagKind::StartTag => {
                        let dropped = DROPPED.contains(&name) || is_nav(&tag.attrs);
                        if dropped && !tag.self_closing && name != "br" {
                            st.skipping = Some((name.to_string(), 1));
                            return match name {
                                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                                "style" | "noscript" | "iframe" => TokenSinkResult::RawData(RawKind::Rawtext),
                                "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                                _ => TokenSinkResult::Continue,
                            };
                        }
                        if name == "pre" {
                            st.pre_depth += 1;
                        }
                        if BLOCKS.contains(&name) {
                            st.newline();
                        }
                    }
                    TagKind::EndTag => {
                        if name == "pre" {
                            st.pre_depth = st.pre_depth.saturating_sub(1);
                        }
                        if name == "td" || name == "th" {
                            st.cell_end();
                        } else if BLOCKS.contains(&name) {
                            st.newline();
                        }
                    }
                }
            }
            Token::CharacterTokens(text) if st.skipping.is_none() => st.text(&text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_body_and_tables_in_order_and_drops_scripts_and_navigation() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{x:1}</style></head>
        <body><nav><a>首页</a> &gt; <a>政务公开</a></nav><div class="breadcrumb">您当前的位置</div>
        <h1>重庆市未来产业培育行动计划</h1><script>var a = "<p>no</p>";</script>
        <p>一、总体要求</p><p>到2027年,&nbsp;打造30个场景。</p>
        <table><tr><td>指标</td><td>2025年</td></tr><tr><td>企业(家)</td><td>100</td></tr></table>
        </body></html>"#;
        let text = to_text(html, u64::MAX).unwrap();
        assert_eq!(
            text,
            "重庆市未来产业培育行动计划\n一、总体要求\n到2027年, 打造30个场景。\n指标\t2025年\n企业(家)\t100\n"
        );
    }

    #[test]
    fn unclosed_and_broken_markup_still_gives_text() {
        let text = to_text("<p>一、总体<b>要求<p>二、发展重点</div></span><script>", u64::MAX).unwrap();
        assert_eq!(text, "一、总体要求\n二、发展重点\n");
    }
}

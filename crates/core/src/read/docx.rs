//! DOCX → text: body paragraphs and tables of `word/document.xml` in document order, one
//! paragraph per line, table cells separated by tabs, one table row per line.
//!
//! The archive is untrusted. The XML is streamed from the ZIP entry, never held whole, and
//! three things are bounded while it streams: the bytes it unpacks to (declared and actual:
//! a ZIP bomb is refused instead of filling memory), the text it becomes (the text limit),
//! and any single piece of markup the XML parser must buffer (a quarter of the text limit,
//! at least 1 MiB). So reading allocates at most about the input plus twice the text limit,
//! whatever the file claims or contains.

use super::{push_bounded, Format, ReadError, ReadOptions, SourceText};
use quick_xml::events::Event;
use std::io::{BufRead, BufReader, Cursor, Read};

pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<SourceText, ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Docx(plain_zip_error(&e)))?;
    let limit = opts.max_unpacked_bytes;
    let entry = archive.by_name("word/document.xml").map_err(|e| match e {
        zip::result::ZipError::FileNotFound => {
            ReadError::Docx("it has no word/document.xml, so it is not a Word document".into())
        }
        other => ReadError::Docx(plain_zip_error(&other)),
    })?;
    if entry.size() > limit {
        return Err(ReadError::ZipBomb { limit });
    }
    // Never trust the declared size: the metered reader counts what is really unpacked.
    let xml = Metered {
        inner: BufReader::with_capacity(64 * 1024, entry),
        unpacked: 0,
        max_unpacked: limit,
        piece: 0,
        max_piece: (opts.max_text_bytes / 4).max(1024 * 1024),
        over: None,
    };
    let text = document_xml_to_text(xml, opts.max_text_bytes)?;
    Ok(SourceText { text, format: Format::Docx, encoding: "UTF-8 (DOCX)" })
}

/// Which bound a [`Metered`] reader ran into.
#[derive(Debug, Clone, Copy)]
enum Over {
    Unpacked,
    Piece,
}

/// A `BufRead` that counts what the XML parser consumes: in all (the unpack limit) and since
/// the last event (the largest piece of markup the parser may buffer). Past either bound it
/// fails its next read, so the parser stops with an I/O error and [`Metered::over`] says why.
struct Metered<R> {
    inner: R,
    unpacked: u64,
    max_unpacked: u64,
    piece: u64,
    max_piece: u64,
    over: Option<Over>,
}

impl<R> Metered<R> {
    /// An event ended: the next one starts a new piece.
    fn event_done(&mut self) {
        self.piece = 0;
    }
}

impl<R: BufRead> Read for Metered<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Metered<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.over.is_some() {
            return Err(std::io::Error::other("read limit reached"));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.unpacked += n as u64;
        self.piece += n as u64;
        if self.unpacked > self.max_unpacked {
            self.over = Some(Over::Unpacked);
        } else if self.piece > self.max_piece {
            self.over = Some(Over::Piece);
        }
    }
}

fn plain_zip_error(e: &zip::result::ZipError) -> String {
    format!("zip: {e}")
}

/// Walks WordprocessingML: `w:p` paragraphs, `w:t` text runs, `w:tab`, `w:br`, and `w:tbl`
/// tables (`w:tc` cells end with a tab, `w:tr` rows with a line break). The text never grows
/// past `max_text` bytes: one byte more refuses the document.
fn document_xml_to_text<R: BufRead>(xml: Metered<R>, max_text: u64) -> Result<String, ReadError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let too_large = ReadError::TextTooLarge { limit: max_text };
    let push = |out: &mut String, s: &str| push_bounded(out, s, max_text);
    let mut in_text = false;
    // Paragraphs inside a table cell are joined with a space, not a line break.
    let mut cell_depth = 0usize;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                return Err(match reader.get_ref().over {
                    Some(Over::Unpacked) => ReadError::ZipBomb { limit: reader.get_ref().max_unpacked },
                    Some(Over::Piece) => too_large,
                    None => ReadError::Docx(format!("its XML is broken at byte {}: {e}", reader.buffer_position())),
                })
            }
        };
        let line_break = if cell_depth > 0 { " " } else { "\n" };
        match event {
            Event::Start(e) => match e.local_name().as_ref() as &str {
                "t" => in_text = true,
                "tc" => cell_depth += 1,
                "tab" => push(&mut out, "\t")?,
                "br" | "cr" => push(&mut out, line_break)?,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() as &str {
                "tab" => push(&mut out, "\t")?,
                "br" | "cr" => push(&mut out, line_break)?,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() as &str {
                "t" => in_text = false,
                "p" => {
                    if cell_depth > 0 {
                        if !out.ends_with([' ', '\t', '\n']) {
                            push(&mut out, " ")?;
                        }
                    } else {
                        push(&mut out, "\n")?;
                    }
                }
                "tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    push(&mut out, "\t")?;
                }
                "tr" => {
                    while out.ends_with('\t') {
                        out.pop();
                    }
                    push(&mut out, "\n")?;
                }
                _ => {}
            },
            Event::Text(t) if in_text => push(&mut out, &t.xml10_content())?,
            Event::CData(t) if in_text => push(&mut out, &t)?,
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    push(&mut out, c.encode_utf8(&mut [0; 4]))?;
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    push(&mut out, s)?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        reader.get_mut().event_done();
    }
    if out.trim().is_empty() {
        return Err(ReadError::Docx("it contains no text".into()));
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// Builds a minimal DOCX with the given `w:body` inner XML.
    pub fn docx_with_body(body: &str) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            zip.start_file("[Content_Types].xml", opts).unwrap();
            zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
            zip.start_file("word/document.xml", opts).unwrap();
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
            );
            zip.write_all(xml.as_bytes()).unwrap();
            zip.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn paragraphs_and_tables_in_order() {
        let body = "<w:p><w:r><w:t>一、总体</w:t></w:r><w:r><w:t>要求</w:t></w:r></w:p>\
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2025年</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
            <w:p><w:r><w:t xml:space=\"preserve\">A &amp; B</w:t><w:tab/><w:t>C</w:t></w:r></w:p>";
        let text = read(&docx_with_body(body), &ReadOptions::default()).unwrap().text;
        assert_eq!(text, "一、总体要求\n指标\t2025年\nA & B\tC\n");
    }

    #[test]
    fn truncated_docx_is_a_clear_error() {
        let bytes = docx_with_body("<w:p><w:r><w:t>一、总体要求</w:t></w:r></w:p>");
        let err = read(&bytes[..bytes.len() / 2], &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, ReadError::Docx(_)), "{err:?}");
        assert!(err.to_string().contains("damaged"));
    }

    #[test]
    fn zip_bomb_is_refused() {
        let big = "<w:p><w:r><w:t>".to_string() + &"一".repeat(400_000) + "</w:t></w:r></w:p>";
        let bytes = docx_with_body(&big);
        assert!(bytes.len() < 100_000, "the bomb compresses well");
        let opts = ReadOptions { max_unpacked_bytes: 100_000, ..ReadOptions::default() };
        assert_eq!(read(&bytes, &opts).unwrap_err(), ReadError::ZipBomb { limit: 100_000 });
    }
}

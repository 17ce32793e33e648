//! DOCX → text: body paragraphs and tables of `word/document.xml` in document order, one
//! paragraph per line, table cells separated by tabs, one table row per line.
//!
//! The archive is untrusted: declared and actual unpacked sizes are both capped, so a ZIP
//! bomb is refused instead of filling memory.

use super::{Format, ReadError, ReadOptions, SourceText};
use quick_xml::events::Event;
use std::io::{BufReader, Cursor, Read};

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
    // Never trust the declared size: read at most limit + 1 bytes.
    let mut xml = Vec::with_capacity(entry.size().min(limit) as usize);
    entry
        .take(limit + 1)
        .read_to_end(&mut xml)
        .map_err(|e| ReadError::Docx(format!("its text cannot be unpacked: {e}")))?;
    if xml.len() as u64 > limit {
        return Err(ReadError::ZipBomb { limit });
    }
    let text = document_xml_to_text(&xml)?;
    Ok(SourceText { text, format: Format::Docx, encoding: "UTF-8 (DOCX)" })
}

fn plain_zip_error(e: &zip::result::ZipError) -> String {
    format!("zip: {e}")
}

/// Walks WordprocessingML: `w:p` paragraphs, `w:t` text runs, `w:tab`, `w:br`, and `w:tbl`
/// tables (`w:tc` cells end with a tab, `w:tr` rows with a line break).
fn document_xml_to_text(xml: &[u8]) -> Result<String, ReadError> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut out = String::with_capacity(xml.len() / 4);
    let mut in_text = false;
    // Paragraphs inside a table cell are joined with a space, not a line break.
    let mut cell_depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ReadError::Docx(format!("its XML is broken at byte {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() as &str {
                "t" => in_text = true,
                "tc" => cell_depth += 1,
                "tab" => out.push('\t'),
                "br" | "cr" => out.push(if cell_depth > 0 { ' ' } else { '\n' }),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() as &str {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push(if cell_depth > 0 { ' ' } else { '\n' }),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() as &str {
                "t" => in_text = false,
                "p" => {
                    if cell_depth > 0 {
                        if !out.ends_with([' ', '\t', '\n']) {
                            out.push(' ');
                        }
                    } else {
                        out.push('\n');
                    }
                }
                "tc" => {
                    cell_depth = cell_depth.saturating_sub(1);
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push('\t');
                }
                "tr" => {
                    while out.ends_with('\t') {
                        out.pop();
                    }
                    out.push('\n');
                }
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(&t),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    out.push(c);
                } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r) {
                    out.push_str(s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
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

//! Formats planwatch recognises but does not read: the binary Office/WPS files of an OLE2
//! compound file (`.doc`, `.wps`, `.xls`, `.ppt`) and OFD (the Chinese fixed-layout standard,
//! GB/T 33190, a ZIP with `OFD.xml`). No maintained crate reads them well, and every office
//! suite converts them, so they are refused with that advice rather than read badly.

/// A recognised legacy format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// OLE2 with a `WordDocument` stream: Word 97–2003 `.doc`, or WPS 文字 `.wps`.
    WordOrWps,
    /// OLE2 of Kingsoft WPS without a Word stream (old `.wps`).
    Wps,
    /// OLE2 with a `Workbook`/`Book` stream: `.xls` / `.et`.
    Spreadsheet,
    /// OLE2 with a `PowerPoint Document` stream: `.ppt` / `.dps`.
    Presentation,
    /// Another OLE2 compound file.
    OtherOle,
    /// An OFD document (a ZIP container whose root holds `OFD.xml`).
    Ofd,
}

impl Legacy {
    /// What the file is, for an English message.
    pub fn describe(self) -> &'static str {
        match self {
            Legacy::WordOrWps => "an old binary Word or WPS document (.doc/.wps)",
            Legacy::Wps => "an old WPS document (.wps)",
            Legacy::Spreadsheet => "an old binary spreadsheet (.xls/.et)",
            Legacy::Presentation => "an old binary presentation (.ppt/.dps)",
            Legacy::OtherOle => "an old binary Office file (OLE2: .doc/.wps/.xls)",
            Legacy::Ofd => "an OFD document (.ofd)",
        }
    }

    /// What the file is, for a zh-CN message.
    pub fn describe_zh(self) -> &'static str {
        match self {
            Legacy::WordOrWps => "旧版 Word 或 WPS 文档(.doc/.wps)",
            Legacy::Wps => "旧版 WPS 文档(.wps)",
            Legacy::Spreadsheet => "旧版电子表格(.xls/.et)",
            Legacy::Presentation => "旧版演示文稿(.ppt/.dps)",
            Legacy::OtherOle => "旧版 Office 二进制文件(.doc/.wps/.xls)",
            Legacy::Ofd => "OFD 版式文件(.ofd)",
        }
    }

    /// The format to convert to: documents to DOCX, OFD (fixed layout) to PDF or DOCX.
    pub fn convert_to(self) -> &'static str {
        match self {
            Legacy::Ofd => "pdf",
            _ => "docx",
        }
    }
}

const OLE2_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Recognises a legacy format from the bytes. `None` for anything else (including DOCX).
pub fn sniff(bytes: &[u8]) -> Option<Legacy> {
    if bytes.starts_with(OLE2_MAGIC) {
        return Some(ole_kind(bytes));
    }
    if bytes.starts_with(b"PK\x03\x04") && is_ofd(bytes) {
        return Some(Legacy::Ofd);
    }
    None
}

/// Names an OLE2 file by the streams of its directory. Directory entry names are UTF-16LE;
/// looking for them in the bytes is enough to give the right advice (a wrong guess only
/// changes the wording, never whether the file is read).
fn ole_kind(bytes: &[u8]) -> Legacy {
    let has = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &utf16).is_some()
    };
    if has("WordDocument") {
        Legacy::WordOrWps
    } else if has("Workbook") || has("Book\0") {
        Legacy::Spreadsheet
    } else if has("PowerPoint Document") {
        Legacy::Presentation
    } else if has("WpsContent") || has("WPS") {
        Legacy::Wps
    } else {
        Legacy::OtherOle
    }
}

/// An OFD container has `OFD.xml` at its root and no `word/document.xml`. The names are read
/// from the ZIP's central directory; a ZIP that cannot be opened is left to the DOCX reader,
/// which explains the damage.
fn is_ofd(bytes: &[u8]) -> bool {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return false;
    };
    archive.index_for_name("OFD.xml").is_some() && archive.index_for_name("word/document.xml").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        for name in names {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(b"<?xml version=\"1.0\"?><ofd:OFD/>").unwrap();
        }
        zip.finish().unwrap();
        buf.into_inner()
    }

    fn ole_with(stream: &str) -> Vec<u8> {
        let mut bytes = OLE2_MAGIC.to_vec();
        bytes.resize(512, 0);
        bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.resize(1024, 0);
        bytes
    }

    #[test]
    fn ole2_files_are_named_by_their_streams() {
        assert_eq!(sniff(&ole_with("WordDocument")), Some(Legacy::WordOrWps));
        assert_eq!(sniff(&ole_with("Workbook")), Some(Legacy::Spreadsheet));
        assert_eq!(sniff(&ole_with("PowerPoint Document")), Some(Legacy::Presentation));
        assert_eq!(sniff(&ole_with("Root Entry")), Some(Legacy::OtherOle));
    }

    #[test]
    fn ofd_is_a_zip_with_ofd_xml_and_a_docx_is_not() {
        assert_eq!(sniff(&zip_with(&["OFD.xml", "Doc_0/Document.xml"])), Some(Legacy::Ofd));
        assert_eq!(sniff(&zip_with(&["[Content_Types].xml", "word/document.xml"])), None);
        assert_eq!(sniff(b"PK\x03\x04 truncated"), None);
        assert_eq!(sniff("一、总体要求".as_bytes()), None);
    }
}

//! Reading: file bytes → the source text of the document.
//!
//! Each format has one module that turns bytes into plain UTF-8 text with one block
//! (paragraph, heading, table row) per line and table cells separated by tabs. Nothing
//! downstream knows which format a document came in: every span in a plan indexes into
//! [`SourceText::text`].

mod decode;
mod docx;
mod html;
pub mod legacy;
pub mod pdf;

pub use decode::decode_text;
pub use legacy::Legacy;

/// Formats planwatch recognises by content (never by file extension alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// Text with Markdown markup (crawled pages, `.md` files): the markup is removed in
    /// normalisation, spans keep pointing at the Markdown source.
    Markdown,
    Html,
    Docx,
    /// A PDF with a text layer (`pdf/`).
    Pdf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// The text every span of a plan points into.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    pub format: Format,
    /// Character encoding of the bytes (`UTF-8`, `GB18030`, `UTF-16LE`, …).
    pub encoding: &'static str,
}

/// Limits that protect against huge or hostile files.
///
/// Memory budget: reading a file allocates at most about three times its size (decoding
/// and HTML tokenising copy it) plus twice `max_text_bytes` (the text, and for DOCX the
/// largest piece of XML the parser buffers), whatever the file unpacks or expands to. The
/// later stages are linear in the text, so the text limit bounds what a document may cost.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest input file accepted, in bytes.
    pub max_bytes: u64,
    /// Largest XML a compressed container (DOCX) may unpack to, in bytes.
    pub max_unpacked_bytes: u64,
    /// Largest text a document may become, in bytes of UTF-8, whatever its format.
    pub max_text_bytes: u64,
}

pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// 64 MiB of UTF-8 text: some 22 million Chinese characters. The largest plans are a few
/// hundred thousand; the limit only stops files built to exhaust memory.
pub const DEFAULT_MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            max_unpacked_bytes: 4 * DEFAULT_MAX_BYTES,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        }
    }
}

/// Why a file could not be read. The messages are shown to users as they are: each says what
/// is wrong and what to do.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is {size} bytes, above the limit of {limit} bytes; raise it with --max-size \
         (or PLANWATCH_MAX_SIZE) if the file is really a plan"
    )]
    TooLarge { size: u64, limit: u64 },
    #[error("this is {0}, not a text document; give planwatch a .txt, .html or .docx plan")]
    Binary(&'static str),
    #[error(
        "the bytes are not valid UTF-8, GB18030/GBK, Big5 or UTF-16 text; re-save the file as \
         UTF-8 and try again"
    )]
    Encoding,
    #[error("the DOCX file is damaged or incomplete ({0}); open and re-save it in Word or LibreOffice")]
    Docx(String),
    #[error(
        "the DOCX file would unpack to more than {limit} bytes of XML (a ZIP bomb?); refused. The unpack limit \
         is 4 times the input limit: raise it with --max-size (or PLANWATCH_MAX_SIZE) if the file is really a plan"
    )]
    ZipBomb { limit: u64 },
    #[error(
        "the document would become more than {limit} bytes of text, the text limit (real plans are far smaller: \
         a ZIP bomb, or not a plan?); refused. Raise the limit with --max-text (or PLANWATCH_MAX_TEXT) if the \
         file is really one plan"
    )]
    TextTooLarge { limit: u64 },
    #[error(
        "this is {kind}, which planwatch does not read; convert it to {to} first (WPS or Word: \
         另存为 .{to}; or `libreoffice --headless --convert-to {to} FILE`) and give planwatch that file",
        kind = .0.describe(), to = .0.convert_to()
    )]
    Legacy(Legacy),
    #[error(
        "this PDF has no text layer (a scanned PDF: its {pages} page(s) are images), so there is \
         no text to read; run OCR on it first (e.g. `ocrmypdf --language chi_sim FILE.pdf out.pdf`), \
         or give planwatch the plan as DOCX or text"
    )]
    PdfScanned { pages: usize },
    #[error(
        "this PDF is protected by a password; open it with the password and save or print an \
         unprotected copy (or export it as DOCX), then try again"
    )]
    PdfEncrypted,
    #[error(
        "the PDF file is damaged or incomplete ({0}); open and re-save it (or print it to a new PDF), \
         or give planwatch the plan as DOCX or text"
    )]
    Pdf(String),
    #[error(
        "the PDF would unpack to more than {limit} bytes of page content or text (a decompression \
         bomb?); refused; raise --max-size (or PLANWATCH_MAX_SIZE) if the file is really a plan"
    )]
    PdfTooLarge { limit: u64 },
}

impl ReadError {
    /// The message in Chinese, for the web workspace (the CLI shows the English one).
    pub fn message_zh(&self) -> String {
        match self {
            ReadError::Empty => "文件是空的,请选择有内容的文件。".into(),
            ReadError::TooLarge { size, limit } => {
                format!("文件有 {size} 字节,超过上限 {limit} 字节。请拆分文件,或由管理员调高上限。")
            }
            ReadError::Binary(kind) => {
                format!("这是{},不是文本文档。请上传 .txt、.html、.docx 或 .pdf 格式的规划文件。", binary_kind_zh(kind))
            }
            ReadError::Encoding => "文件编码无法识别(不是 UTF-8、GB18030/GBK、Big5 或 UTF-16 文本)。请另存为 UTF-8 后重试。".into(),
            ReadError::Docx(why) => format!("DOCX 文件已损坏或不完整({why})。请用 Word、WPS 或 LibreOffice 打开后重新保存。"),
            ReadError::ZipBomb { limit } => format!("DOCX 文件解压后将超过 {limit} 字节(疑似压缩炸弹),已拒绝。"),
            ReadError::TextTooLarge { limit } => format!(
                "文件抽取出的文字将超过上限 {limit} 字节(真实的规划远小于此:疑似压缩炸弹,或不是一份规划),已拒绝。\
                 若确为一份规划,请由管理员用 --max-text(或 PLANWATCH_MAX_TEXT)调高上限。"
            ),
            ReadError::Legacy(kind) => format!(
                "这是{},系统不能直接读取。请先转换为 .{}:在 WPS 或 Word 中“另存为”.{1},或运行 \
                 `libreoffice --headless --convert-to {1} 文件名`,再上传转换后的文件。",
                kind.describe_zh(),
                kind.convert_to()
            ),
            ReadError::PdfScanned { pages } => format!(
                "这是扫描版 PDF(共 {pages} 页,页面都是图片,没有文字层),无法读取文字。请先对其做文字识别(OCR,\
                 如 `ocrmypdf --language chi_sim 文件.pdf 输出.pdf`),或改为上传该规划的 Word(.docx)或文本文件。"
            ),
            ReadError::PdfEncrypted => {
                "这个 PDF 设有打开密码,无法读取。请用密码打开后另存(或打印)为不加密的 PDF,或导出为 Word(.docx)后再上传。".into()
            }
            ReadError::Pdf(why) => format!(
                "PDF 文件已损坏或不完整({why})。请重新保存(或打印为新的 PDF),或改为上传 Word(.docx)或文本文件。"
            ),
            ReadError::PdfTooLarge { limit } => {
                format!("PDF 的页面内容或文字解压后将超过 {limit} 字节(疑似压缩炸弹),已拒绝。")
            }
        }
    }
}

/// The Chinese name of a kind [`binary_kind`] gives.
fn binary_kind_zh(kind: &str) -> &str {
    match kind {
        "a PNG image" => "PNG 图片",
        "a JPEG image" => "JPEG 图片",
        "a GIF image" => "GIF 图片",
        "a BMP image" => "BMP 图片",
        "a gzip archive" => "gzip 压缩包",
        "a RAR archive" => "RAR 压缩包",
        "a 7-Zip archive" => "7-Zip 压缩包",
        "an executable program" => "可执行程序",
        other => other,
    }
}

/// Recognises the format of a file from its first bytes.
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Docx;
    }
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if looks_like_html(bytes) {
        return Format::Html;
    }
    Format::Text
}

fn looks_like_html(bytes: &[u8]) -> bool {
    // Skip a BOM and leading whitespace, then look for markup that only HTML pages start with.
    let head = &bytes[..bytes.len().min(2048)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    let lower: Vec<u8> = head.iter().take(512).map(|b| b.to_ascii_lowercase()).collect();
    lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || lower.starts_with(b"<head")
        || lower.starts_with(b"<body")
        || (lower.starts_with(b"<") && memchr::memmem::find(&lower, b"<html").is_some())
        || (lower.starts_with(b"<!--") && memchr::memmem::find(&lower, b"<html").is_some())
}

/// Names a few well-known binary formats so the error can say what the file really is.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\x7FELF", "an executable program"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"BM", "a BMP image"),
    ];
    for (magic, name) in MAGIC {
        if bytes.starts_with(magic) {
            // `BM` is too short a signature to trust on its own.
            if *magic == b"BM"
                && bytes.len() > 2
                && bytes[2..].iter().take(64).all(|b| b.is_ascii_graphic() || *b == b' ')
            {
                continue;
            }
            return Some(name);
        }
    }
    None
}

/// Reads a document's bytes into its source text.
pub fn read(bytes: &[u8], opts: &ReadOptions) -> Result<SourceText, ReadError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ReadError::TooLarge { size: bytes.len() as u64, limit: opts.max_bytes });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    if let Some(kind) = legacy::sniff(bytes) {
        return Err(ReadError::Legacy(kind));
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(ReadError::Binary(kind));
    }
    let max_text = opts.max_text_bytes;
    match sniff(bytes) {
        Format::Docx => docx::read(bytes, opts),
        Format::Pdf => pdf::read(bytes, opts),
        Format::Html => {
            let (text, encoding) = decode_text(bytes)?;
            let text = html::to_text(&text, max_text).ok_or(ReadError::TextTooLarge { limit: max_text })?;
            Ok(SourceText { text, format: Format::Html, encoding })
        }
        Format::Text | Format::Markdown => {
            // Decoding costs at most the input again and a half (GB18030 → UTF-8).
            let (text, encoding) = decode_text(bytes)?;
            if text.len() as u64 > max_text {
                return Err(ReadError::TextTooLarge { limit: max_text });
            }
            let format = if crate::markdown::looks_markdown(&text) { Format::Markdown } else { Format::Text };
            Ok(SourceText { text, format, encoding })
        }
    }
}

/// Appends `s` unless the text would grow past `max` bytes. Capacity grows by doubling but
/// never past `max`, so a text at its limit has not allocated twice that.
pub(crate) fn push_bounded(out: &mut String, s: &str, max: u64) -> Result<(), ReadError> {
    let need = out.len() + s.len();
    if need as u64 > max {
        return Err(ReadError::TextTooLarge { limit: max });
    }
    if need > out.capacity() {
        let grown = (out.capacity() * 2).max(need).max(256).min(usize::try_from(max).unwrap_or(usize::MAX));
        out.reserve_exact(grown - out.len());
    }
    out.push_str(s);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_renamed_to_txt_is_refused_by_name() {
        let bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let err = read(bytes, &ReadOptions::default()).unwrap_err();
        assert_eq!(err, ReadError::Binary("a PNG image"));
        assert!(err.message_zh().starts_with("这是PNG 图片,"), "{}", err.message_zh());
    }

    #[test]
    fn empty_and_whitespace_only_files_are_empty() {
        assert_eq!(read(b"", &ReadOptions::default()).unwrap_err(), ReadError::Empty);
        assert_eq!(read(b" \n\t ", &ReadOptions::default()).unwrap_err(), ReadError::Empty);
    }

    #[test]
    fn size_limit_names_the_way_out() {
        let opts = ReadOptions { max_bytes: 4, ..ReadOptions::default() };
        let err = read("一二三四五".as_bytes(), &opts).unwrap_err();
        assert!(err.to_string().contains("--max-size"), "{err}");
    }

    #[test]
    fn legacy_formats_are_refused_with_the_way_to_convert() {
        let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        doc.resize(600, 0);
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        let err = read(&doc, &ReadOptions::default()).unwrap_err();
        assert_eq!(err, ReadError::Legacy(Legacy::WordOrWps));
        let msg = err.to_string();
        assert!(msg.contains(".doc/.wps") && msg.contains("--convert-to docx"), "{msg}");
        let zh = err.message_zh();
        assert!(zh.contains("另存为") && zh.contains(".docx"), "{zh}");
    }

    #[test]
    fn html_is_sniffed_by_content() {
        assert_eq!(sniff(b"\xEF\xBB\xBF  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff("一、总体要求".as_bytes()), Format::Text);
    }
}

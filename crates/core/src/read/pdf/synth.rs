//! Small PDFs made in memory for tests, benchmarks and the fuzz corpus: text placed at given
//! positions in a Type0 font with `Identity-H` encoding and a ToUnicode CMap, which is how
//! Chinese PDFs are usually written (the font program itself is not embedded: extraction only
//! needs the CMap and the widths).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One piece of text on a page: its left end and baseline in points (origin bottom left,
/// A4 is 595 × 842), its font size, and the text.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

impl Run {
    pub fn new(x: f32, y: f32, size: f32, text: &str) -> Run {
        Run { x, y, size, text: text.to_string() }
    }
}

/// Width of a glyph in thousandths of the font size: ASCII half, everything else full.
pub fn advance(c: char) -> u32 {
    if c.is_ascii() {
        500
    } else {
        1000
    }
}

/// A PDF of A4 pages showing `pages[i]` on page `i`; a page with no runs has no text at all
/// (a page of a scanned document without its image). `image` adds a 1×1 grey image to every
/// page, as a scanner would leave.
pub fn pdf(pages: &[Vec<Run>], image: bool) -> Vec<u8> {
    // CIDs are assigned in order of first use, from 1.
    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    for c in pages.iter().flatten().flat_map(|r| r.text.chars()) {
        let next = cids.len() as u16 + 1;
        cids.entry(c).or_insert(next);
    }
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1 catalog, 2 page tree, 3 Type0 font, 4 CIDFont, 5 descriptor, 6 ToUnicode, 7 image,
    // then a page and its content stream per page.
    let first_page = 8;
    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages.len()).into_bytes());
    objects.push(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
            .to_vec(),
    );
    let mut widths = String::new();
    for (c, cid) in &cids {
        let _ = write!(widths, "{cid} [{}] ", advance(*c));
    }
    objects.push(
        format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 /W [{widths}] >>"
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"
            .to_vec(),
    );
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&char, &u16)> = cids.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (c, cid) in chunk {
            let mut utf16 = [0u16; 2];
            let hex: String = c.encode_utf16(&mut utf16).iter().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(cmap, "<{cid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    objects.push(stream("", cmap.as_bytes()));
    objects.push(stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0x80],
    ));
    for (i, runs) in pages.iter().enumerate() {
        let mut content = String::new();
        if image {
            content.push_str("q 595 0 0 842 0 0 cm /Im1 Do Q\n");
        }
        for r in runs {
            let hex: String = r.text.chars().map(|c| format!("{:04X}", cids[&c])).collect();
            let _ = writeln!(content, "BT /F1 {} Tf {} {} Td <{hex}> Tj ET", r.size, r.x, r.y);
        }
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 7 0 R >> >> /Contents {} 0 R >>",
                first_page + 2 * i + 1
            )
            .into_bytes(),
        );
        objects.push(stream("", content.as_bytes()));
    }
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        let _ = writeln!(table, "{o:010} 00000 n ");
    }
    let _ = write!(table, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1);
    out.extend_from_slice(table.as_bytes());
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Lays out paragraphs the way a word processor does on A4 with 2.5 cm margins: each
/// paragraph starts on a new line (indented by two characters when `indent`), lines wrap at
/// the right margin, pages break at the bottom margin. `header`/`footer` (with `{n}` for the
/// page number) are repeated on every page. Returns one `Vec<Run>` per page.
pub fn typeset(
    paragraphs: &[&str],
    size: f32,
    indent: bool,
    header: Option<&str>,
    footer: Option<&str>,
) -> Vec<Vec<Run>> {
    let (left, right, top, bottom) = (72.0f32, 523.0f32, 770.0f32, 72.0f32);
    let leading = size * 1.5;
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = top;
    let new_line = |pages: &mut Vec<Vec<Run>>, y: &mut f32| {
        *y -= leading;
        if *y < bottom {
            pages.push(Vec::new());
            *y = top;
        }
    };
    for p in paragraphs {
        let mut x = if indent { left + 2.0 * size } else { left };
        let mut line = String::new();
        let mut line_x = x;
        for c in p.chars() {
            let w = advance(c) as f32 / 1000.0 * size;
            if x + w > right + 0.01 {
                pages.last_mut().unwrap().push(Run::new(line_x, y, size, &line));
                line.clear();
                new_line(&mut pages, &mut y);
                x = left;
                line_x = left;
            }
            line.push(c);
            x += w;
        }
        if !line.is_empty() {
            pages.last_mut().unwrap().push(Run::new(line_x, y, size, &line));
        }
        new_line(&mut pages, &mut y);
    }
    if pages.last().is_some_and(|p| p.is_empty()) && pages.len() > 1 {
        pages.pop();
    }
    for (i, page) in pages.iter_mut().enumerate() {
        let n = (i + 1).to_string();
        if let Some(h) = header {
            page.push(Run::new(left, 800.0, 9.0, &h.replace("{n}", &n)));
        }
        if let Some(f) = footer {
            let text = f.replace("{n}", &n);
            let width: f32 = text.chars().map(|c| advance(c) as f32 / 1000.0 * 9.0).sum();
            page.push(Run::new((595.0 - width) / 2.0, 40.0, 9.0, &text));
        }
    }
    pages
}

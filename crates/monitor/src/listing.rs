//! Bounded listings of refused rows. A refusal of a million-row sheet must not become a
//! million-entry page or JSON body (it was 170 MB of JSON, 238 MB of HTML), nor hold a
//! million structures in memory: a [`Listing`] keeps the first [`LISTED`] items as values
//! (for pages and JSON), counts all of them, and writes every one into a gzip-compressed CSV
//! (for download) as it goes, itself capped at [`MAX_CSV_GZ_BYTES`].

use std::io::Write;

use flate2::write::GzEncoder;
use serde::Serialize;

/// Items kept as values: what a page or a JSON refusal lists.
pub const LISTED: usize = 200;
/// The compressed CSV of all items stops growing here (a refused row compresses to about
/// ten bytes, so this holds more rows than the largest sheet that can be read); rows past it
/// are counted in a last line instead.
pub const MAX_CSV_GZ_BYTES: usize = 16 * 1024 * 1024;

/// A row of a listing as CSV.
pub trait CsvRow {
    /// Column headers (zh-CN, shown in Excel).
    const HEADER: &'static [&'static str];
    fn fields(&self) -> Vec<String>;
}

/// The first [`LISTED`] items, the count of all, and all of them as compressed CSV.
pub struct Listing<T> {
    shown: Vec<T>,
    total: usize,
    /// Boxed: a writer and its buffers are large, and a listing travels inside errors.
    csv: Option<Box<csv::Writer<GzEncoder<Vec<u8>>>>>,
    /// The CSV reached its size cap: later items are only counted (in `clipped`).
    full: bool,
    clipped: usize,
    cap: usize,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing { shown: Vec::new(), total: 0, csv: None, full: false, clipped: 0, cap: MAX_CSV_GZ_BYTES }
    }
}

impl<T> std::fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listing").field("shown", &self.shown.len()).field("total", &self.total).finish()
    }
}

impl<T: Serialize> Serialize for Listing<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Listing", 2)?;
        st.serialize_field("shown", &self.shown)?;
        st.serialize_field("total", &self.total)?;
        st.end()
    }
}

/// Excel reads a CSV without a byte-order mark in the local code page (GBK on a Chinese
/// Windows) and garbles UTF-8; with it, UTF-8.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl<T: CsvRow> Listing<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, item: T) {
        self.total += 1;
        self.write_csv(&item);
        if self.shown.len() < LISTED {
            self.shown.push(item);
        }
    }

    fn write_csv(&mut self, item: &T) {
        if self.full {
            self.clipped += 1;
            return;
        }
        let csv = self.csv.get_or_insert_with(|| {
            let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
            // Writes into memory cannot fail.
            let _ = gz.write_all(UTF8_BOM);
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(gz);
            let _ = w.write_record(T::HEADER);
            Box::new(w)
        });
        let fields = item.fields();
        let _ = csv.write_record(fields.iter().map(|f| csv_safe(f)).collect::<Vec<_>>().iter().map(|f| f.as_bytes()));
        self.full = csv.get_ref().get_ref().len() > self.cap;
    }

    /// The items kept as values (at most [`LISTED`]).
    /// Orders the listed items (the CSV keeps the order they came in).
    pub fn sort_shown_by_key<K: Ord>(&mut self, key: impl FnMut(&T) -> K) {
        self.shown.sort_by_key(key);
    }

    pub fn shown(&self) -> &[T] {
        &self.shown
    }

    /// How many items there are in all.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Items counted but not kept as values.
    pub fn unlisted(&self) -> usize {
        self.total - self.shown.len()
    }

    /// Every item as CSV (UTF-8 with BOM, CRLF), gzip-compressed. Empty when there are none.
    pub fn csv_gz(&mut self) -> Vec<u8> {
        let Some(mut csv) = self.csv.take() else { return Vec::new() };
        if self.clipped > 0 {
            let mut last = vec![String::new(); T::HEADER.len().max(1)];
            last[0] = format!("……另有 {} 行未写入:清单过大,请先改正上面各行", self.clipped);
            let _ = csv.write_record(&last);
        }
        match csv.into_inner() {
            Ok(gz) => gz.finish().unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }

    /// The items kept as values, the count of all, and all of them as compressed CSV.
    pub fn into_parts(mut self) -> (Vec<T>, usize, Vec<u8>) {
        let gz = self.csv_gz();
        (self.shown, self.total, gz)
    }
}

/// Inflates a listing's compressed CSV (from [`Listing::csv_gz`]) into `out` as it reads.
pub fn write_csv(gz: &[u8], out: &mut impl Write) -> std::io::Result<u64> {
    std::io::copy(&mut flate2::read::GzDecoder::new(gz), out)
}

/// A CSV field a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
/// `@`, tab or CR gets a leading `'` (OWASP's advice; as planwatch-export does). A cell of a
/// refused sheet is whatever the user's file held.
fn csv_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(usize, String);

    impl CsvRow for Row {
        const HEADER: &'static [&'static str] = &["行", "内容"];
        fn fields(&self) -> Vec<String> {
            vec![self.0.to_string(), self.1.clone()]
        }
    }

    fn gunzip(gz: &[u8]) -> String {
        use std::io::Read;
        let mut s = String::new();
        flate2::read::GzDecoder::new(gz).read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn keeps_the_first_items_counts_all_and_writes_all_as_csv() {
        let mut l = Listing::new();
        for i in 0..100_000 {
            l.push(Row(i + 2, format!("未知地区 {i}")));
        }
        assert_eq!((l.shown().len(), l.total(), l.unlisted()), (LISTED, 100_000, 100_000 - LISTED));
        let (shown, total, gz) = l.into_parts();
        assert_eq!((shown[0].0, total), (2, 100_000));
        // Compressed: far smaller than the text.
        assert!(gz.len() < 1_000_000, "{} bytes", gz.len());
        let csv = gunzip(&gz);
        assert!(csv.starts_with("\u{feff}行,内容\r\n2,未知地区 0\r\n"), "{}", &csv[..40]);
        assert_eq!(csv.lines().count(), 100_001);
        assert!(csv.ends_with("100001,未知地区 99999\r\n"));
    }

    #[test]
    fn formula_like_cells_are_quoted_and_an_empty_listing_has_no_csv() {
        let mut l = Listing::new();
        l.push(Row(2, "=HYPERLINK(\"http://x\")".into()));
        l.push(Row(3, "-1".into()));
        let csv = gunzip(&l.csv_gz());
        assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
        assert!(csv.contains("3,'-1"), "{csv}");
        assert!(Listing::<Row>::new().csv_gz().is_empty());
    }

    #[test]
    fn the_csv_stops_at_its_cap_and_says_how_many_rows_it_left_out() {
        let mut l = Listing { cap: 4096, ..Listing::new() };
        // Text that does not compress: distinct numbers.
        for i in 0..20_000u64 {
            l.push(Row(i as usize, (i.wrapping_mul(0x9E37_79B9_7F4A_7C15)).to_string()));
        }
        let gz = l.csv_gz();
        assert!(gz.len() < 4096 + 64 * 1024, "{} bytes", gz.len());
        let csv = gunzip(&gz);
        let last = csv.lines().last().unwrap();
        let written = csv.lines().count() - 2;
        assert!(last.contains(&format!("另有 {} 行未写入", 20_000 - written)), "{last}");
    }
}

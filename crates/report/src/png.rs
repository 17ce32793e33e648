//! SVG → PNG with resvg, for the formats that cannot embed SVG (DOCX).

use crate::ReportError;
use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The system fonts, loaded once per process (the CJK font comes from the system, e.g.
/// Debian's fonts-wqy-zenhei). Without any font, text is simply not drawn.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            // Generic families resolve to a CJK font when there is one.
            for family in ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "Droid Sans Fallback"] {
                if db.faces().any(|f| f.families.iter().any(|(name, _)| name == family)) {
                    db.set_sans_serif_family(family);
                    break;
                }
            }
            Arc::new(db)
        })
        .clone()
}

/// Renders `svg` to a PNG `width_px` wide (height by the SVG's aspect ratio) on white.
/// Returns the PNG bytes and its pixel size.
pub fn svg_to_png(svg: &str, width_px: u32) -> Result<(Vec<u8>, u32, u32), ReportError> {
    let options = usvg::Options { fontdb: fonts(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| ReportError::Render(e.to_string()))?;
    let size = tree.size();
    let scale = width_px as f32 / size.width();
    let height_px = (size.height() * scale).ceil().max(1.0) as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width_px.max(1), height_px)
        .ok_or_else(|| ReportError::Render(format!("bad image size {width_px}×{height_px}")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| ReportError::Render(e.to_string()))?;
    Ok((png, width_px, height_px))
}

//! PNG by rasterising the SVG with resvg, with the embedded fonts only.

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg;

use super::text;
use crate::error::{Error, Result};

/// Rasterises `svg` at `width_px` pixels wide (height in proportion), on a white background.
pub fn svg_to_png(svg: &str, width_px: u32) -> Result<Vec<u8>> {
    if width_px == 0 {
        return Err(Error::new("largeur de l'image PNG nulle")
            .hint("indiquez une largeur en pixels, par exemple 2000"));
    }
    let tree = usvg::Tree::from_str(svg, &text::options()).map_err(|e| {
        Error::new(format!("SVG illisible pour la conversion en PNG : {e}"))
            .hint("signalez-le aux développeurs de diagterr avec la requête utilisée")
    })?;
    let size = tree.size();
    let zoom = width_px as f32 / size.width();
    let height_px = (size.height() * zoom).ceil() as u32;
    let mut pixmap = Pixmap::new(width_px, height_px.max(1)).ok_or_else(|| {
        Error::new(format!(
            "image PNG trop grande ({width_px} × {height_px} pixels)"
        ))
        .hint("choisissez une largeur plus petite")
    })?;
    // Transparent pixels would show as black in some viewers and office suites.
    pixmap.fill(Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| {
        Error::new(format!("encodage PNG impossible : {e}"))
            .hint("signalez-le aux développeurs de diagterr")
    })
}

//! PNG by rasterising the SVG with resvg, with the embedded fonts only.
//!
//! A national commune map is a 12 MB SVG: usvg takes longer to parse it than resvg to draw
//! it. [`choropleth_png`] therefore paints the territories straight from the geometry with
//! tiny-skia, as resvg would (same rounded points, colours, even-odd fill, white border),
//! then lets resvg draw the rest of the page, which is small, over them.

use resvg::tiny_skia::{
    Color, FillRule, LineJoin, Paint, Path, PathBuilder, Pixmap, PixmapMut, Stroke, Transform,
};
use resvg::usvg;

use super::svg::{self, Projection};
use super::{ChoroplethMap, border_width, fill, text};
use crate::error::{Error, Result};

/// Horizontal bands painted by as many threads. Fixed rather than one per core, so the
/// bytes do not depend on the machine.
const BANDS: u32 = 4;

/// Rasterises `svg` at `width_px` pixels wide (height in proportion), on a white background.
pub fn svg_to_png(svg: &str, width_px: u32) -> Result<Vec<u8>> {
    rasterise(svg, width_px, |_, _| {})
}

/// The PNG of [`super::choropleth_svg`] for `map`, several times faster on large maps.
pub fn choropleth_png(map: &ChoroplethMap, width_px: u32) -> Result<Vec<u8>> {
    let (page, proj) = super::document(map, true);
    rasterise(&page, width_px, |pixmap, transform| {
        if let Some(proj) = proj {
            paint_territories(pixmap, transform, map, &proj);
        }
    })
}

/// The colour of a plain "#rrggbb" fill; `None` for anything else (patterns), left to resvg.
pub(super) fn solid(fill: &str) -> Option<Color> {
    let hex = fill.strip_prefix('#').filter(|h| h.len() == 6)?;
    let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some(Color::from_rgba8(
        channel(0)?,
        channel(2)?,
        channel(4)?,
        255,
    ))
}

/// Parses `svg`, paints `under` (given the page-to-pixel transform) on the white pixmap, then
/// draws the SVG over it and encodes the result.
fn rasterise(
    svg: &str,
    width_px: u32,
    under: impl FnOnce(&mut Pixmap, Transform),
) -> Result<Vec<u8>> {
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
    let transform = Transform::from_scale(zoom, zoom);
    under(&mut pixmap, transform);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| {
        Error::new(format!("encodage PNG impossible : {e}"))
            .hint("signalez-le aux développeurs de diagterr")
    })
}

/// The territories with a plain colour, in order, as `write_territories` draws them. No clip
/// is needed: the map frame holds the territories with room for their borders.
fn paint_territories(
    pixmap: &mut Pixmap,
    transform: Transform,
    map: &ChoroplethMap,
    proj: &Projection,
) {
    let mut points = Vec::new();
    let paths: Vec<(Path, Color)> = map
        .features
        .iter()
        .filter_map(|feature| {
            let color = solid(fill(feature.class, &map.classes))?;
            let mut path = PathBuilder::new();
            svg::for_each_ring(&feature.geometry, proj, &mut points, |ring| {
                let page = |p: &(i64, i64)| (p.0 as f32 / 10.0, p.1 as f32 / 10.0);
                let (x, y) = page(&ring[0]);
                path.move_to(x, y);
                for (x, y) in ring[1..].iter().map(page) {
                    path.line_to(x, y);
                }
                path.close();
            });
            Some((path.finish()?, color))
        })
        .collect();
    let stroke = Stroke {
        width: border_width(map.features.len()) as f32,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    let width = pixmap.width();
    let rows = pixmap.height().div_ceil(BANDS);
    std::thread::scope(|scope| {
        for (i, data) in pixmap
            .data_mut()
            .chunks_mut((rows * width * 4) as usize)
            .enumerate()
        {
            let (paths, stroke) = (&paths, &stroke);
            scope.spawn(move || {
                let height = (data.len() / (width as usize * 4)) as u32;
                let mut band = PixmapMut::from_bytes(data, width, height)
                    .expect("a band is a non-empty slice of whole rows");
                let top = (i as u32 * rows) as f32;
                paint_band(
                    &mut band,
                    transform.post_translate(0.0, -top),
                    paths,
                    stroke,
                );
            });
        }
    });
}

/// Paints the paths that reach into `band`, whose top is at y = 0 under `transform`.
fn paint_band(
    band: &mut PixmapMut,
    transform: Transform,
    paths: &[(Path, Color)],
    stroke: &Stroke,
) {
    let mut border = Paint::default();
    border.set_color(Color::WHITE);
    let mut paint = Paint::default();
    let (margin, height) = (stroke.width * transform.sy + 1.0, band.height() as f32);
    for (path, color) in paths {
        // Skipping paths outside the band spares tiny-skia copying and transforming them.
        let bounds = path.bounds();
        let (top, bottom) = (
            bounds.top() * transform.sy + transform.ty,
            bounds.bottom() * transform.sy + transform.ty,
        );
        if bottom < -margin || top > height + margin {
            continue;
        }
        paint.set_color(*color);
        band.fill_path(path, &paint, FillRule::EvenOdd, transform, None);
        band.stroke_path(path, &border, stroke, transform, None);
    }
}

/// Records the resolution in a PNG (`pHYs` chunk, right after `IHDR`), so that a
/// word processor gives the image its intended printed size: 2 000 px at 300 dpi
/// is 16,9 cm wide.
pub fn with_dpi(png: &[u8], dpi: u32) -> Result<Vec<u8>> {
    // 8-byte signature, then IHDR: length (4) + type (4) + 13 bytes + CRC (4).
    const IHDR_END: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < IHDR_END || &png[12..16] != b"IHDR" {
        return Err(Error::new("image PNG mal formée (pas d'en-tête IHDR)")
            .hint("signalez-le aux développeurs de diagterr"));
    }
    if dpi == 0 {
        return Err(Error::new("résolution nulle")
            .hint("donnez une résolution en points par pouce, par exemple 300"));
    }
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    chunk.extend_from_slice(b"pHYs");
    chunk.extend_from_slice(&per_metre.to_be_bytes());
    chunk.extend_from_slice(&per_metre.to_be_bytes());
    chunk.push(1); // unit: metre
    let mut crc = flate2::Crc::new();
    crc.update(&chunk[4..]);
    chunk.extend_from_slice(&crc.sum().to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..IHDR_END]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[IHDR_END..]);
    Ok(out)
}

#[cfg(test)]
mod dpi_tests {
    use super::*;

    #[test]
    fn resolution_is_recorded_and_the_image_still_decodes() {
        let png = svg_to_png(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"#336699\"/></svg>",
            20,
        )
        .unwrap();
        let out = with_dpi(&png, 300).unwrap();
        let at = out.windows(4).position(|w| w == b"pHYs").unwrap();
        // 300 dpi = 11 811 pixels per metre, on both axes, unit metre.
        assert_eq!(&out[at + 4..at + 8], &11_811u32.to_be_bytes());
        assert_eq!(&out[at + 8..at + 12], &11_811u32.to_be_bytes());
        assert_eq!(out[at + 12], 1);
        // A PNG decoder accepts it (checks every chunk CRC).
        let decoded = resvg::tiny_skia::Pixmap::decode_png(&out).unwrap();
        assert_eq!(decoded.width(), 20);
        assert!(with_dpi(b"not a png", 300).is_err());
    }
}

//! Inset frames: the boxes the geometry module moved the DROM into, drawn as thin grey
//! rectangles with their name. Their scale differs from the mainland's, hence the note.

use super::svg::{self, Anchor, Font, Projection, num};

const NAME: Font = Font {
    size: 10.0,
    bold: false,
    fill: "#555555",
};
const STROKE: &str = "#8c8c8c";

/// Said near the scale bar when a map has insets.
pub const SCALE_NOTE: &str = "Échelle valable pour la métropole";

pub use crate::geometry::InsetFrame;

/// Writes each frame with its name inside the top-left corner.
pub fn write(out: &mut String, frames: &[InsetFrame], proj: &Projection) {
    if frames.is_empty() {
        return;
    }
    out.push_str("<g class=\"encarts\">\n");
    for frame in frames {
        // y is flipped: the rectangle's top is the map's max y.
        let (x0, y0) = proj.page(geo::coord! { x: frame.rect.min().x, y: frame.rect.max().y });
        let (x1, y1) = proj.page(geo::coord! { x: frame.rect.max().x, y: frame.rect.min().y });
        out.push_str("<g class=\"encart\">\n<rect x=\"");
        num(out, x0);
        out.push_str("\" y=\"");
        num(out, y0);
        out.push_str("\" width=\"");
        num(out, x1 - x0);
        out.push_str("\" height=\"");
        num(out, y1 - y0);
        out.push_str("\" fill=\"none\" stroke=\"");
        out.push_str(STROKE);
        out.push_str("\" stroke-width=\"0.8\"/>\n");
        svg::text(
            out,
            x0 + 3.0,
            y0 + 3.0 + NAME.size,
            std::slice::from_ref(&frame.label),
            NAME,
            Anchor::Start,
        );
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");
}

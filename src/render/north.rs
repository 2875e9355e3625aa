//! A simple north arrow. It points to grid north: in Lambert-93 true north differs by at
//! most a few degrees, below what this symbol claims to show.

use super::svg::{self, Anchor, Font, num};

pub const WIDTH: f64 = 18.0;
pub const HEIGHT: f64 = 42.0;

const LETTER: Font = Font {
    size: 13.0,
    bold: true,
    fill: "#1a1a1a",
};

/// Writes the arrow with its top-left corner at (`x`, `top`).
pub fn write(out: &mut String, x: f64, top: f64) {
    let mid = x + WIDTH / 2.0;
    let tip = top + 17.0;
    let base = top + HEIGHT;
    let notch = base - 7.0;
    out.push_str("<g class=\"nord\">\n");
    svg::text(
        out,
        mid,
        top + LETTER.size,
        &["N".to_string()],
        LETTER,
        Anchor::Middle,
    );
    // Left half dark, right half light: the classic two-tone arrow reads at any size.
    for (side, fill) in [(x, "#1a1a1a"), (x + WIDTH, "#ffffff")] {
        out.push_str("<path d=\"M");
        for (i, (px, py)) in [(mid, tip), (side, base), (mid, notch)]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                out.push('L');
            }
            num(out, px);
            out.push(' ');
            num(out, py);
        }
        out.push_str("z\" fill=\"");
        out.push_str(fill);
        out.push_str("\" stroke=\"#1a1a1a\" stroke-width=\"0.8\" stroke-linejoin=\"round\"/>\n");
    }
    out.push_str("</g>\n");
}

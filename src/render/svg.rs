//! Low-level SVG writing into one `String`: numbers, escaping, text and territory paths.
//!
//! Everything appends to the caller's buffer so a national map (millions of points) is
//! written in one pass without per-point allocations.

use std::fmt::Write;

use geo::{Coord, LineString, MultiPolygon, Rect};

/// The only family we embed: naming it everywhere keeps browsers and resvg in agreement.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Writes a number given in tenths (`-123` → `-12.3`, `40` → `4`): no float formatting noise.
pub fn tenths(out: &mut String, t: i64) {
    if t < 0 {
        out.push('-');
    }
    let a = t.unsigned_abs();
    let _ = write!(out, "{}", a / 10);
    if !a.is_multiple_of(10) {
        let _ = write!(out, ".{}", a % 10);
    }
}

/// Writes `v` rounded to one decimal.
pub fn num(out: &mut String, v: f64) {
    tenths(out, (v * 10.0).round() as i64);
}

pub use crate::format::escape_markup as escape;

/// Lambert-93 metres to page units: one scale on both axes (the projection is conformal), y flipped.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    /// Page units per metre.
    pub scale: f64,
    min_x: f64,
    max_y: f64,
    x0: f64,
    y0: f64,
}

impl Projection {
    /// Maps `bbox` so that its top-left corner lands on page point (`x0`, `y0`).
    pub fn new(bbox: Rect<f64>, scale: f64, x0: f64, y0: f64) -> Self {
        Projection {
            scale,
            min_x: bbox.min().x,
            max_y: bbox.max().y,
            x0,
            y0,
        }
    }

    /// The page position of a map point.
    pub fn page(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.x0 + (c.x - self.min_x) * self.scale,
            self.y0 + (self.max_y - c.y) * self.scale,
        )
    }

    /// The page position in tenths of a unit: rounding once here makes the dedup exact.
    fn tenths(&self, c: Coord<f64>) -> (i64, i64) {
        let (x, y) = self.page(c);
        ((x * 10.0).round() as i64, (y * 10.0).round() as i64)
    }
}

/// Writes the `d` data of every ring of `geometry` (holes included: the caller sets
/// `fill-rule="evenodd"`). Relative moves keep the file small.
pub fn path_data(out: &mut String, geometry: &MultiPolygon<f64>, proj: &Projection) {
    let mut points = Vec::new();
    for_each_ring(geometry, proj, &mut points, |ring| {
        let (first, rest) = ring.split_first().expect("rings have three points or more");
        out.push('M');
        tenths(out, first.0);
        out.push(' ');
        tenths(out, first.1);
        out.push('l');
        let mut prev = *first;
        for (i, &p) in rest.iter().enumerate() {
            let (dx, dy) = (p.0 - prev.0, p.1 - prev.1);
            // A minus sign separates numbers by itself.
            if i > 0 && dx >= 0 {
                out.push(' ');
            }
            tenths(out, dx);
            if dy >= 0 {
                out.push(' ');
            }
            tenths(out, dy);
            prev = p;
        }
        out.push('z');
    });
}

/// Calls `f` with the points of each ring of `geometry` (holes included), in tenths of page
/// units and without the repeated closing point (rings are closed by the drawing). Points
/// that round onto the previous one are skipped, and rings left with fewer than three points
/// are dropped; the SVG and the direct PNG rasteriser share this so both draw the same shapes.
/// `points` is scratch space reused between rings.
pub fn for_each_ring(
    geometry: &MultiPolygon<f64>,
    proj: &Projection,
    points: &mut Vec<(i64, i64)>,
    mut f: impl FnMut(&[(i64, i64)]),
) {
    for polygon in geometry {
        for line in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            ring_points(line, proj, points);
            if points.len() >= 3 {
                f(points);
            }
        }
    }
}

fn ring_points(line: &LineString<f64>, proj: &Projection, points: &mut Vec<(i64, i64)>) {
    points.clear();
    let coords = match line.0.split_last() {
        Some((last, rest)) if line.0.len() > 1 && *last == line.0[0] => rest,
        _ => &line.0[..],
    };
    for &c in coords {
        let p = proj.tenths(c);
        if points.last() != Some(&p) {
            points.push(p);
        }
    }
}

/// How a block of text looks.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub bold: bool,
    pub fill: &'static str,
}

impl Font {
    /// Distance between baselines.
    pub fn line_height(&self) -> f64 {
        self.size * 1.25
    }

    /// Height of `n` lines of this font.
    pub fn block_height(&self, n: usize) -> f64 {
        self.line_height() * n as f64
    }
}

/// Which point of the text `x` designates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Anchor {
    Start,
    Middle,
}

/// Writes lines of text as one `<text>` (extra lines as `<tspan>`), first baseline at `y`.
pub fn text(out: &mut String, x: f64, y: f64, lines: &[String], font: Font, anchor: Anchor) {
    out.push_str("<text x=\"");
    num(out, x);
    out.push_str("\" y=\"");
    num(out, y);
    let _ = write!(
        out,
        "\" font-family=\"{FONT_FAMILY}\" font-size=\"{}\"",
        font.size
    );
    if font.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    match anchor {
        Anchor::Start => {}
        Anchor::Middle => out.push_str(" text-anchor=\"middle\""),
    }
    let _ = write!(out, " fill=\"{}\">", font.fill);
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            escape(out, line);
        } else {
            out.push_str("<tspan x=\"");
            num(out, x);
            out.push_str("\" dy=\"");
            num(out, font.line_height());
            out.push_str("\">");
            escape(out, line);
            out.push_str("</tspan>");
        }
    }
    out.push_str("</text>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn tenths_str(t: i64) -> String {
        let mut s = String::new();
        tenths(&mut s, t);
        s
    }

    #[test]
    fn numbers_have_no_trailing_noise() {
        assert_eq!(tenths_str(0), "0");
        assert_eq!(tenths_str(40), "4");
        assert_eq!(tenths_str(123), "12.3");
        assert_eq!(tenths_str(-5), "-0.5");
        assert_eq!(tenths_str(-120), "-12");
        let mut s = String::new();
        num(&mut s, 0.1 + 0.2);
        assert_eq!(s, "0.3");
    }

    #[test]
    fn escapes_xml_specials() {
        let mut s = String::new();
        escape(&mut s, "Cournon-d'Auvergne & <co> \"x\"\u{1}");
        assert_eq!(s, "Cournon-d&apos;Auvergne &amp; &lt;co&gt; &quot;x&quot;");
    }

    #[test]
    fn ring_skips_repeated_points_and_degenerate_rings() {
        let bbox = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 100.0 });
        let proj = Projection::new(bbox, 0.1, 0.0, 0.0);
        // 0.0 and 0.2 m both round to 0 page units: the second point is skipped.
        let square = polygon![(x: 0.0, y: 0.0), (x: 0.2, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 100.0), (x: 0.0, y: 100.0)];
        let sliver = polygon![(x: 0.0, y: 0.0), (x: 0.1, y: 0.1), (x: 0.2, y: 0.0)];
        let mut d = String::new();
        path_data(&mut d, &MultiPolygon(vec![square, sliver]), &proj);
        assert_eq!(d, "M0 10l10 0 0-10-10 0z");
    }
}

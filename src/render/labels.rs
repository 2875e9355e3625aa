//! Territory names placed without overlap: greedy by priority (higher first), each label
//! centred on its anchor, dropped when it would touch a placed one or leave the map frame.
//! Over proportional circles, a label never covers another territory's circle: it sits on
//! its own circle, or beside it (above, below, right, left), or is dropped.

use geo::{InteriorPoint, Point, Rect};

use super::MapFeature;
use super::svg::{self, FONT_FAMILY, Font, Projection, num};
use super::symbols::Circle;
use super::text;

const FONT: Font = Font {
    size: 11.0,
    bold: false,
    fill: "#1a1a1a",
};
/// White stroke under the glyphs; the boxes are padded by half of it so halos do not touch.
const HALO: f64 = 3.0;

/// A name to place on the map.
#[derive(Debug, Clone)]
pub struct Label {
    pub text: String,
    /// In the map's coordinates; the label is centred on it.
    pub anchor: Point<f64>,
    /// Higher is placed first (e.g. the population).
    pub priority: f64,
}

/// One label per feature, anchored at a point inside it (never in a hole or outside a
/// crescent, unlike the centroid), named after the feature.
pub fn feature_labels(
    features: &[MapFeature],
    priority: impl Fn(&MapFeature) -> f64,
) -> Vec<Label> {
    features
        .iter()
        .filter_map(|f| {
            Some(Label {
                text: f.name.clone(),
                anchor: f.geometry.interior_point()?,
                priority: priority(f),
            })
        })
        .collect()
}

/// Most territories a map may name: a page holds a few hundred names, and each candidate
/// is tried against every label placed and every circle.
pub const MAX_LABELLED: usize = 5_000;

/// A label kept, with its box in page units.
#[derive(Debug, Clone)]
pub struct Placed {
    pub text: String,
    /// Centre of the text.
    pub x: f64,
    pub y: f64,
    pub bbox: Rect<f64>,
}

fn overlaps(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x < b.max().x && b.min().x < a.max().x && a.min().y < b.max().y && b.min().y < a.max().y
}

fn inside(a: &Rect<f64>, frame: &Rect<f64>) -> bool {
    a.min().x >= frame.min().x
        && a.min().y >= frame.min().y
        && a.max().x <= frame.max().x
        && a.max().y <= frame.max().y
}

/// The labels that fit, by decreasing priority (ties keep the caller's order), clear of
/// the `circles` but their own (the circle centred on the label's anchor). Only candidates
/// inside `frame` are measured, so the cost stays with what can be drawn.
pub fn place(
    labels: &[Label],
    circles: &[Circle],
    proj: &Projection,
    frame: Rect<f64>,
) -> Vec<Placed> {
    let mut order: Vec<&Label> = labels
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .collect();
    order.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    let mut placed: Vec<Placed> = Vec::new();
    // Capitals with accents and descenders stay within ±0.6 em of the centre line.
    let half_height = 0.6 * FONT.size + HALO / 2.0;
    for label in order {
        let (x, y) = proj.page(label.anchor.0);
        if !inside(&Rect::new((x, y), (x, y)), &frame) {
            continue;
        }
        let half = text::width(&label.text, FONT) / 2.0 + HALO / 2.0;
        let own = circles.iter().position(|c| c.x == x && c.y == y);
        let r = own.map_or(0.0, |i| circles[i].r);
        // On the anchor, then beside its circle.
        let candidates = [
            (x, y),
            (x, y - r - half_height),
            (x, y + r + half_height),
            (x + r + half, y),
            (x - r - half, y),
        ];
        let fits = |&(cx, cy): &(f64, f64)| {
            let bbox = Rect::new((cx - half, cy - half_height), (cx + half, cy + half_height));
            let clear = inside(&bbox, &frame)
                && placed.iter().all(|p| !overlaps(&p.bbox, &bbox))
                && circles
                    .iter()
                    .enumerate()
                    .all(|(i, c)| Some(i) == own || !touches(c, &bbox));
            clear.then_some((cx, cy, bbox))
        };
        // Without a circle, the anchor is the only place.
        let tried = if own.is_some() {
            &candidates[..]
        } else {
            &candidates[..1]
        };
        if let Some((x, y, bbox)) = tried.iter().find_map(fits) {
            placed.push(Placed {
                text: label.text.clone(),
                x,
                y,
                bbox,
            });
        }
    }
    placed
}

/// Whether a circle and a box share a point.
fn touches(c: &Circle, b: &Rect<f64>) -> bool {
    let nearest_x = c.x.clamp(b.min().x, b.max().x);
    let nearest_y = c.y.clamp(b.min().y, b.max().y);
    (c.x - nearest_x).powi(2) + (c.y - nearest_y).powi(2) < c.r * c.r
}

/// Writes the placed labels, white halo under dark text.
pub fn write(out: &mut String, placed: &[Placed]) {
    if placed.is_empty() {
        return;
    }
    out.push_str("<g class=\"etiquettes\" font-family=\"");
    out.push_str(FONT_FAMILY);
    out.push_str("\" font-size=\"");
    num(out, FONT.size);
    out.push_str("\" text-anchor=\"middle\" fill=\"");
    out.push_str(FONT.fill);
    out.push_str("\" stroke=\"#ffffff\" stroke-width=\"");
    num(out, HALO);
    out.push_str("\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
    for p in placed {
        out.push_str("<text class=\"etiquette\" x=\"");
        num(out, p.x);
        out.push_str("\" y=\"");
        // The baseline ~0.36 em below the middle centres the text on its anchor.
        num(out, p.y + 0.36 * FONT.size);
        out.push_str("\">");
        svg::escape(out, &p.text);
        out.push_str("</text>\n");
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn label(text: &str, x: f64, y: f64, priority: f64) -> Label {
        Label {
            text: text.to_string(),
            anchor: Point::new(x, y),
            priority,
        }
    }

    /// 1 page unit per metre, map origin at the page origin, y down from 1000.
    fn setup() -> (Projection, Rect<f64>) {
        let bbox = Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 1000.0, y: 1000.0 });
        (Projection::new(bbox, 1.0, 0.0, 0.0), bbox)
    }

    #[test]
    fn crowded_labels_never_overlap_and_priority_wins() {
        let (proj, frame) = setup();
        // A dense grid of long names, 30 units apart: many must be dropped.
        let mut labels = Vec::new();
        for i in 0..15 {
            for j in 0..15 {
                let p = (i * 15 + j) as f64;
                labels.push(label(
                    &format!("Saint-Commune {i}-{j}"),
                    100.0 + 30.0 * i as f64,
                    100.0 + 30.0 * j as f64,
                    p,
                ));
            }
        }
        labels.push(label("Clermont-Ferrand", 300.0, 300.0, 1e9));
        let placed = place(&labels, &[], &proj, frame);
        assert!(
            placed.len() > 10 && placed.len() < labels.len(),
            "{}",
            placed.len()
        );
        assert_eq!(placed[0].text, "Clermont-Ferrand");
        for (i, a) in placed.iter().enumerate() {
            assert!(inside(&a.bbox, &frame));
            for b in &placed[i + 1..] {
                assert!(!overlaps(&a.bbox, &b.bbox), "{} / {}", a.text, b.text);
            }
        }
    }

    #[test]
    fn labels_keep_off_the_circles_of_other_territories() {
        let (proj, frame) = setup();
        let circle = |x: f64, y: f64, r: f64| Circle { x, y, r };
        // A large town and a small neighbour whose anchor is at the edge of the town's circle.
        let circles = [circle(500.0, 500.0, 40.0), circle(540.0, 500.0, 3.0)];
        let mut labels = vec![
            label("Grande", 500.0, 500.0, 2.0),
            label("Petite", 540.0, 500.0, 1.0),
        ];
        // A crowd of small places around them, without circles.
        for i in 0..10 {
            labels.push(label("Hameau", 430.0 + 14.0 * i as f64, 470.0, 0.0));
        }
        let placed = place(&labels, &circles, &proj, frame);
        let grande = placed.iter().find(|p| p.text == "Grande").unwrap();
        assert_eq!((grande.x, grande.y), (500.0, 500.0), "on its own circle");
        let petite = placed.iter().find(|p| p.text == "Petite").unwrap();
        assert!(petite.x > 543.0 && petite.y == 500.0, "{petite:?}");
        for p in &placed {
            for c in &circles {
                let own = (p.text == "Grande" && c.r == 40.0) || (p.text == "Petite" && c.r == 3.0);
                assert!(own || !touches(c, &p.bbox), "{} over {c:?}", p.text);
            }
        }
        assert!(placed.iter().any(|p| p.text == "Hameau"));
    }

    #[test]
    fn labels_leaving_the_frame_are_dropped() {
        let (proj, frame) = setup();
        let placed = place(
            &[
                label("Bord", 2.0, 500.0, 1.0),
                label("Centre", 500.0, 500.0, 0.0),
            ],
            &[],
            &proj,
            frame,
        );
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].text, "Centre");
    }
}

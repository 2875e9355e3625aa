//! Scale bar with a round length (…, 500 m, 1, 2, 5, 10, 20, 50, 100 km, …).

use super::svg::{self, Anchor, Font, num};

pub const HEIGHT: f64 = 24.0;
const BAR_HEIGHT: f64 = 5.0;
const LABEL: Font = Font {
    size: 11.0,
    bold: false,
    fill: "#1a1a1a",
};

pub struct ScaleBar {
    /// Length shown, in metres.
    length_m: f64,
    /// The same length in page units.
    pub width: f64,
}

impl ScaleBar {
    /// The longest round length whose bar fits in `max_width` page units, at `scale` units per metre.
    pub fn new(scale: f64, max_width: f64) -> Option<Self> {
        let mut best = None;
        let mut decade = 10.0;
        while decade <= 1e7 {
            for step in [1.0, 2.0, 5.0] {
                let length_m = step * decade;
                if length_m * scale <= max_width {
                    best = Some(ScaleBar {
                        length_m,
                        width: length_m * scale,
                    });
                }
            }
            decade *= 10.0;
        }
        best
    }

    /// "20 km", or "500 m" below a kilometre.
    fn label(&self) -> String {
        if self.length_m >= 1000.0 {
            format!("{} km", self.length_m / 1000.0)
        } else {
            format!("{} m", self.length_m)
        }
    }

    /// Writes the bar with its top-left corner at (`x`, `top`).
    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        let half = self.width / 2.0;
        out.push_str("<g class=\"echelle\">\n");
        // Two halves, dark then light, so the bar reads as a ruler.
        for (left, fill) in [(x, "#1a1a1a"), (x + half, "#ffffff")] {
            out.push_str("<rect x=\"");
            num(out, left);
            out.push_str("\" y=\"");
            num(out, top);
            out.push_str("\" width=\"");
            num(out, half);
            out.push_str("\" height=\"");
            num(out, BAR_HEIGHT);
            out.push_str("\" fill=\"");
            out.push_str(fill);
            out.push_str("\" stroke=\"#1a1a1a\" stroke-width=\"0.8\"/>\n");
        }
        let baseline = top + BAR_HEIGHT + 4.0 + LABEL.size;
        svg::text(out, x, baseline, &["0".to_string()], LABEL, Anchor::Middle);
        svg::text(
            out,
            x + self.width,
            baseline,
            &[self.label()],
            LABEL,
            Anchor::Middle,
        );
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_a_round_length() {
        // 1 page unit per km, room for 120 units: 100 km.
        let bar = ScaleBar::new(1e-3, 120.0).unwrap();
        assert_eq!(bar.label(), "100 km");
        assert_eq!(bar.width, 100.0);
        assert_eq!(ScaleBar::new(1e-3, 45.0).unwrap().label(), "20 km");
        assert_eq!(ScaleBar::new(0.1, 60.0).unwrap().label(), "500 m");
        assert!(ScaleBar::new(1.0, 5.0).is_none());
    }
}

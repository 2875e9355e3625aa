//! The distribution chart under the legend: a histogram of the values, bars coloured by
//! class, class breaks as vertical lines. Drawn by plotters' SVG backend (no font feature:
//! it only writes `<text>` elements, which resvg draws with the embedded fonts) and nested
//! as an `<svg>` in the map.

use plotters::prelude::*;

use super::LegendClass;
use super::svg::{FONT_FAMILY, num};
use super::text::Block;
use crate::format;

const TITLE: super::svg::Font = super::svg::Font {
    size: 12.0,
    bold: true,
    fill: "#1a1a1a",
};
/// The axis labels, as plotters draws them (measured alike, so that none is clipped).
const LABEL: super::svg::Font = super::svg::Font {
    size: 13.0,
    bold: false,
    fill: "#333333",
};
const HEIGHT: f64 = 120.0;
const BINS: usize = 20;
const TITLE_GAP: f64 = 4.0;

/// The values mapped and the breaks between classes (one fewer than the classes; a value
/// equal to a break belongs to the upper class, as in "[a ; b[").
#[derive(Debug, Clone, Default)]
pub struct Distribution {
    pub values: Vec<f64>,
    pub breaks: Vec<f64>,
}

/// The chart laid out at a width: its title and the nested SVG.
pub struct Chart {
    title: Block,
    svg: String,
}

/// What a chart draws on its plotters area.
pub(super) type Drawing<'a> =
    plotters::drawing::DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// An SVG of `size` drawn by plotters with `draw`; empty if drawing failed (into a string it
/// cannot), so that the page around it stays readable.
pub(super) fn plotted(
    size: (u32, u32),
    draw: impl FnOnce(&Drawing<'_>) -> Result<(), Box<dyn std::error::Error>>,
) -> String {
    let mut svg = String::new();
    let drawn: Result<(), Box<dyn std::error::Error>> = (|| {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root)?;
        root.present()?;
        Ok(())
    })();
    if drawn.is_err() {
        svg.clear();
    }
    svg
}

pub(super) fn rgb(hex: &str) -> RGBColor {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x99)
    };
    RGBColor(channel(1), channel(3), channel(5))
}

/// Bars as `(left, right, count)`: equal-width bins over [min, max], each split at
/// the class breaks inside it, so that every bar lies in one class and takes its
/// colour. Intervals are `[left ; right[`, the last one closed.
fn histogram(values: &[f64], min: f64, max: f64, breaks: &[f64]) -> Vec<(f64, f64, usize)> {
    let step = (max - min) / BINS as f64;
    let mut edges: Vec<f64> = (0..BINS).map(|i| min + step * i as f64).collect();
    edges.extend(breaks.iter().copied().filter(|b| *b > min && *b < max));
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    edges.push(max);
    let last = edges.len() - 2;
    let mut counts = vec![0; last + 1];
    for &v in values {
        let i = edges.partition_point(|e| *e <= v).saturating_sub(1);
        counts[i.min(last)] += 1;
    }
    edges
        .windows(2)
        .zip(counts)
        .map(|(w, n)| (w[0], w[1], n))
        .collect()
}

impl Chart {
    /// `None` when there is nothing to show (fewer than two distinct finite values).
    pub fn new(dist: &Distribution, classes: &[LegendClass], width: f64) -> Option<Self> {
        let values: Vec<f64> = dist
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        let min = values.iter().copied().reduce(f64::min)?;
        let max = values.iter().copied().reduce(f64::max)?;
        if max <= min {
            return None;
        }
        let bars = histogram(&values, min, max, &dist.breaks);
        let top = bars.iter().map(|b| b.2).max().unwrap_or(1) as f64 * 1.1;
        let decimals = if max - min >= 10.0 { 0 } else { 1 };
        let class_color = |x: f64| {
            let k = dist.breaks.iter().filter(|b| **b <= x).count();
            classes
                .get(k.min(classes.len().saturating_sub(1)))
                .map_or(RGBColor(0x99, 0x99, 0x99), |c| rgb(&c.color))
        };
        // As wide as the widest count, « 4 000 » included, with the tick and a gap.
        let y_labels_width =
            super::text::width(&format::display(top.floor(), 0), LABEL).ceil() as u32 + 12;
        let mut svg = String::new();
        let drawn: Result<(), Box<dyn std::error::Error>> = (|| {
            let root = SVGBackend::with_string(&mut svg, (width as u32, HEIGHT as u32))
                .into_drawing_area();
            let mut chart = ChartBuilder::on(&root)
                .margin_right(12)
                .margin_top(4)
                .x_label_area_size(20)
                .y_label_area_size(y_labels_width.max(34))
                .build_cartesian_2d(min..max, 0.0..top)?;
            let x_label = |v: &f64| format::display(*v, decimals);
            let y_label = |v: &f64| format::display(*v, 0);
            chart
                .configure_mesh()
                .disable_mesh()
                .x_labels(4)
                .y_labels(3)
                .x_label_formatter(&x_label)
                .y_label_formatter(&y_label)
                .label_style(
                    (FONT_FAMILY, LABEL.size)
                        .into_font()
                        .color(&rgb(LABEL.fill)),
                )
                .axis_style(RGBColor(0x7f, 0x7f, 0x7f))
                .draw()?;
            chart.draw_series(bars.iter().map(|&(x0, x1, n)| {
                Rectangle::new([(x0, 0.0), (x1, n as f64)], class_color(x0).filled())
            }))?;
            // Outlined too, so bars of a pale first class stay visible on white.
            chart.draw_series(bars.iter().filter(|b| b.2 > 0).map(|&(x0, x1, n)| {
                Rectangle::new(
                    [(x0, 0.0), (x1, n as f64)],
                    RGBColor(0x7f, 0x7f, 0x7f).stroke_width(1),
                )
            }))?;
            chart.draw_series(
                dist.breaks
                    .iter()
                    .filter(|b| **b > min && **b < max)
                    .map(|&b| PathElement::new(vec![(b, 0.0), (b, top)], BLACK.stroke_width(1))),
            )?;
            root.present()?;
            Ok(())
        })();
        drawn.ok()?;
        Some(Chart {
            title: Block::new("Distribution des valeurs", TITLE, width),
            svg,
        })
    }

    pub fn height(&self) -> f64 {
        self.title.height() + TITLE_GAP + HEIGHT
    }

    /// Writes the title, then the plotters document positioned at (`x`, below the title).
    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        out.push_str("<g class=\"distribution\">\n");
        self.title.write(out, x, top);
        out.push_str("<svg x=\"");
        num(out, x);
        out.push_str("\" y=\"");
        num(out, top + self.title.height() + TITLE_GAP);
        out.push_str("\" ");
        out.push_str(self.svg.strip_prefix("<svg ").unwrap_or(&self.svg));
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_in_thousands_are_not_clipped() {
        // 4 500 values in one bar: its count label « 4 000 » must fit left of the axis.
        let mut values = vec![10.0; 4500];
        values.push(90.0);
        let dist = Distribution {
            values,
            breaks: vec![50.0],
        };
        let chart = Chart::new(&dist, &[], 300.0).unwrap();
        let label = "4\u{202F}000";
        let at = chart
            .svg
            .find(&format!(">\n{label}\n</text>"))
            .unwrap_or_else(|| panic!("{}", chart.svg));
        let tag = &chart.svg[chart.svg[..at].rfind("<text").unwrap()..at];
        let attribute = |name: &str| -> f64 {
            tag.split(&format!(" {name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .and_then(|v| v.parse().ok())
                .unwrap()
        };
        assert!(tag.contains("text-anchor=\"end\""), "{tag}");
        // Drawn right-aligned at x, in the size plotters writes: its left end is on the page.
        let drawn = super::super::svg::Font {
            size: attribute("font-size"),
            ..LABEL
        };
        let left = attribute("x") - super::super::text::width(label, drawn);
        assert!(left >= 0.0, "{left} {tag}");
    }

    #[test]
    fn bars_split_at_breaks_and_count_every_value() {
        let values = [50.0, 55.0, 60.8, 61.0, 62.0, 70.0, 100.0];
        let bars = histogram(&values, 50.0, 100.0, &[60.9, 64.2]);
        assert_eq!(bars.iter().map(|b| b.2).sum::<usize>(), values.len());
        // No bar straddles a break: each break is some bar's left edge.
        for b in [60.9, 64.2] {
            assert!(bars.iter().any(|bar| bar.0 == b), "{b}");
            assert!(bars.iter().all(|bar| !(bar.0 < b && b < bar.1)), "{b}");
        }
        // 60,8 is under the break, 61 above it.
        let under = bars
            .iter()
            .find(|bar| bar.0 <= 60.8 && 60.8 < bar.1)
            .unwrap();
        assert_eq!(under.1, 60.9);
    }
}

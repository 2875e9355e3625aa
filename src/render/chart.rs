//! The distribution chart under the legend: a histogram of the values, bars coloured by
//! class, class breaks as vertical lines. Drawn by plotters' SVG backend (no font feature:
//! it only writes `<text>` elements, which resvg draws with the embedded fonts) and nested
//! as an `<svg>` in the map.

use plotters::prelude::*;

use super::svg::{num, FONT_FAMILY};
use super::text::Block;
use super::LegendClass;
use crate::format;

const TITLE: super::svg::Font = super::svg::Font {
    size: 12.0,
    bold: true,
    fill: "#1a1a1a",
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

fn rgb(hex: &str) -> RGBColor {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0x99)
    };
    RGBColor(channel(1), channel(3), channel(5))
}

/// Counts per equal-width bin over [min, max].
fn histogram(values: &[f64], min: f64, max: f64) -> Vec<usize> {
    let mut counts = vec![0; BINS];
    let step = (max - min) / BINS as f64;
    for &v in values {
        let i = ((v - min) / step).floor() as usize;
        counts[i.min(BINS - 1)] += 1;
    }
    counts
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
        let counts = histogram(&values, min, max);
        let top = counts.iter().copied().max().unwrap_or(1) as f64 * 1.1;
        let step = (max - min) / BINS as f64;
        let decimals = if max - min >= 10.0 { 0 } else { 1 };
        let class_color = |x: f64| {
            let k = dist.breaks.iter().filter(|b| **b <= x).count();
            classes
                .get(k.min(classes.len().saturating_sub(1)))
                .map_or(RGBColor(0x99, 0x99, 0x99), |c| rgb(&c.color))
        };
        let mut svg = String::new();
        let drawn: Result<(), Box<dyn std::error::Error>> = (|| {
            let root = SVGBackend::with_string(&mut svg, (width as u32, HEIGHT as u32))
                .into_drawing_area();
            let mut chart = ChartBuilder::on(&root)
                .margin_right(12)
                .margin_top(4)
                .x_label_area_size(20)
                .y_label_area_size(34)
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
                    (FONT_FAMILY, 13)
                        .into_font()
                        .color(&RGBColor(0x33, 0x33, 0x33)),
                )
                .axis_style(RGBColor(0x7f, 0x7f, 0x7f))
                .draw()?;
            chart.draw_series(counts.iter().enumerate().map(|(i, &n)| {
                let x0 = min + step * i as f64;
                let color = class_color(x0 + step / 2.0);
                Rectangle::new([(x0, 0.0), (x0 + step, n as f64)], color.filled())
            }))?;
            // Outlined too, so bars of a pale first class stay visible on white.
            chart.draw_series(counts.iter().enumerate().filter(|(_, &n)| n > 0).map(
                |(i, &n)| {
                    let x0 = min + step * i as f64;
                    Rectangle::new(
                        [(x0, 0.0), (x0 + step, n as f64)],
                        RGBColor(0x7f, 0x7f, 0x7f).stroke_width(1),
                    )
                },
            ))?;
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

//! Proportional symbols: circles whose area is proportional to the value, and their size
//! legend (nested circles with the values, as in mapsf).

use std::cmp::Ordering;

use geo::{InteriorPoint, Point};

use super::MapFeature;
use super::svg::{self, Anchor, Font, Projection, num};
use super::text::{self, Block};
use crate::format;

const TITLE: Font = Font {
    size: 14.0,
    bold: true,
    fill: "#1a1a1a",
};
const VALUE: Font = Font {
    size: 11.0,
    bold: false,
    fill: "#1a1a1a",
};
/// Between the largest circle and the values.
const LEADER: f64 = 10.0;
const TITLE_GAP: f64 = 6.0;

/// One territory's symbol.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub code: String,
    pub name: String,
    /// Where the circle is centred, in the map's coordinates (e.g. a point inside the territory).
    pub anchor: Point<f64>,
    /// Zero, negative or NaN values get no circle.
    pub value: f64,
    /// The value as printed in the tooltip, e.g. "1 848".
    pub value_label: String,
}

/// Circles drawn over the territories (over the choropleth when the map has classes).
#[derive(Debug, Clone)]
pub struct ProportionalSymbols {
    /// Title of the size legend, e.g. "Population municipale, 2022".
    pub title: String,
    pub symbols: Vec<Symbol>,
    /// Radius of the largest value, in page units (the page is 1000 wide).
    pub max_radius: f64,
    /// "#rrggbb"; drawn semi-transparent with a white stroke.
    pub color: String,
}

impl ProportionalSymbols {
    /// Circles of `title` on `features`, each the size of `value(code)` (none without a value),
    /// anchored inside its shape.
    pub fn on_features(
        features: &[MapFeature],
        title: &str,
        value: impl Fn(&str) -> Option<f64>,
    ) -> Self {
        let symbols = features
            .iter()
            .filter_map(|f| {
                let value = value(&f.code)?;
                Some(Symbol {
                    code: f.code.clone(),
                    name: f.name.clone(),
                    anchor: f.geometry.interior_point()?,
                    value,
                    value_label: format::display(value, 0),
                })
            })
            .collect();
        ProportionalSymbols::new(title, symbols)
    }

    /// Symbols with the defaults: a 28-unit largest radius, dark grey so they read over any palette.
    pub fn new(title: impl Into<String>, symbols: Vec<Symbol>) -> Self {
        ProportionalSymbols {
            title: title.into(),
            symbols,
            max_radius: 28.0,
            color: "#4d4d4d".to_string(),
        }
    }

    fn max_value(&self) -> Option<f64> {
        self.symbols
            .iter()
            .map(|s| s.value)
            .filter(|v| *v > 0.0)
            .max_by(f64::total_cmp)
    }
}

/// Radius of `value` when `max_value` gets `max_radius`: the area, not the radius, is proportional.
pub fn radius(value: f64, max_value: f64, max_radius: f64) -> f64 {
    max_radius * (value / max_value).sqrt()
}

/// The symbols to draw, largest first (so small ones stay visible on top), ties by code.
fn drawing_order(symbols: &ProportionalSymbols) -> Vec<&Symbol> {
    let mut order: Vec<&Symbol> = symbols.symbols.iter().filter(|s| s.value > 0.0).collect();
    order.sort_by(|a, b| match b.value.total_cmp(&a.value) {
        Ordering::Equal => a.code.cmp(&b.code),
        other => other,
    });
    order
}

/// A circle as drawn, in page units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    pub x: f64,
    pub y: f64,
    pub r: f64,
}

/// The circles of the symbols with a positive value, in drawing order.
pub fn circles<'a>(
    symbols: &'a ProportionalSymbols,
    proj: &Projection,
) -> Vec<(&'a Symbol, Circle)> {
    let Some(max) = symbols.max_value() else {
        return Vec::new();
    };
    drawing_order(symbols)
        .into_iter()
        .map(|s| {
            let (x, y) = proj.page(s.anchor.0);
            let r = radius(s.value, max, symbols.max_radius);
            (s, Circle { x, y, r })
        })
        .collect()
}

/// Writes one `<circle class="symbole">` per territory with a positive value.
pub fn write(out: &mut String, symbols: &ProportionalSymbols, proj: &Projection) {
    let circles = circles(symbols, proj);
    if circles.is_empty() {
        return;
    }
    out.push_str("<g class=\"symboles\" fill=\"");
    svg::escape(out, &symbols.color);
    out.push_str("\" fill-opacity=\"0.7\" stroke=\"#ffffff\" stroke-width=\"0.8\">\n");
    for (s, c) in circles {
        out.push_str("<circle class=\"symbole\" data-code=\"");
        svg::escape(out, &s.code);
        out.push_str("\" cx=\"");
        num(out, c.x);
        out.push_str("\" cy=\"");
        num(out, c.y);
        out.push_str("\" r=\"");
        num(out, c.r);
        out.push_str("\"><title>");
        svg::escape(out, &s.name);
        out.push_str(" (");
        svg::escape(out, &s.code);
        out.push_str(") : ");
        svg::escape(out, &s.value_label);
        out.push_str("</title></circle>\n");
    }
    out.push_str("</g>\n");
}

/// Values shown in the size legend: the largest, then the round values nearest a quarter
/// and a sixteenth of it (radii about halving each time). Circles show counts: none
/// below one (a fifth of a service means nothing).
pub fn legend_values(max: f64) -> Vec<f64> {
    let mut values = vec![max];
    for fraction in [0.25, 0.0625] {
        let v = round(max * fraction);
        if v >= 1.0 && values.last().is_some_and(|&last| v < last) {
            values.push(v);
        }
    }
    values
}

/// The 1, 2 or 5 × 10^k nearest `x` in ratio.
fn round(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let decade = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|s| s * decade)
        .min_by(|a, b| (a / x).ln().abs().total_cmp(&(b / x).ln().abs()))
        .unwrap_or(decade)
}

/// "1 848", or one decimal below 10 for a count that is not whole (the part of a split
/// commune).
fn label(v: f64) -> String {
    format::display(
        v,
        if v.abs() < 10.0 && v.fract() != 0.0 {
            1
        } else {
            0
        },
    )
}

/// The size legend: title, then nested circles sharing their bottom, each with a leader
/// line from its top to its value.
pub struct SizeLegend {
    title: Block,
    /// (value, radius), largest first.
    circles: Vec<(f64, f64)>,
}

impl SizeLegend {
    pub fn new(symbols: &ProportionalSymbols, width: f64) -> Option<Self> {
        let max = symbols.max_value()?;
        let mut circles: Vec<(f64, f64)> = Vec::new();
        for v in legend_values(max) {
            let r = radius(v, max, symbols.max_radius);
            // Values are written at the circles' tops: skip one that would touch the previous.
            if circles
                .last()
                .is_none_or(|&(_, prev)| 2.0 * (prev - r) >= VALUE.line_height())
            {
                circles.push((v, r));
            }
        }
        Some(SizeLegend {
            title: Block::new(&symbols.title, TITLE, width),
            circles,
        })
    }

    /// The width it needs: the largest circle, the leader and the longest value.
    pub fn natural_width(&self) -> f64 {
        let r = self.circles[0].1;
        let values = self
            .circles
            .iter()
            .map(|&(v, _)| text::width(&label(v), VALUE))
            .fold(0.0, f64::max);
        let title = self
            .title
            .lines
            .iter()
            .map(|l| text::width(l, TITLE))
            .fold(0.0, f64::max);
        (2.0 * r + LEADER + values + 4.0).max(title)
    }

    pub fn height(&self) -> f64 {
        // The smallest value's label may sit half a line below the bottom.
        self.title.height() + TITLE_GAP + 2.0 * self.circles[0].1 + VALUE.size / 2.0
    }

    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        out.push_str("<g class=\"legende-symboles\">\n");
        self.title.write(out, x, top);
        let r_max = self.circles[0].1;
        let cx = x + r_max;
        let bottom = top + self.title.height() + TITLE_GAP + 2.0 * r_max;
        let line_end = cx + r_max + LEADER;
        for &(v, r) in &self.circles {
            let cy = bottom - r;
            out.push_str("<circle cx=\"");
            num(out, cx);
            out.push_str("\" cy=\"");
            num(out, cy);
            out.push_str("\" r=\"");
            num(out, r);
            out.push_str("\" fill=\"none\" stroke=\"#4d4d4d\" stroke-width=\"0.8\"/>\n<path d=\"M");
            num(out, cx);
            out.push(' ');
            num(out, cy - r);
            out.push('H');
            num(out, line_end);
            out.push_str("\" stroke=\"#7f7f7f\" stroke-width=\"0.6\"/>\n");
            svg::text(
                out,
                line_end + 3.0,
                cy - r + 0.36 * VALUE.size,
                &[label(v)],
                VALUE,
                Anchor::Start,
            );
        }
        out.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_proportional_to_value() {
        let (big, small) = (radius(400.0, 400.0, 30.0), radius(100.0, 400.0, 30.0));
        assert_eq!(big, 30.0);
        assert!((big / small - 2.0).abs() < 1e-12);
    }

    #[test]
    fn round_legend_values() {
        assert_eq!(legend_values(146_351.0), [146_351.0, 50_000.0, 10_000.0]);
        assert_eq!(legend_values(1000.0), [1000.0, 200.0, 50.0]);
        assert_eq!(label(143_886.0), "143\u{202F}886");
        assert_eq!(label(2.5), "2,5");
        // Five services at most: 5 and 1, no fifth of a service.
        assert_eq!(legend_values(5.0), [5.0, 1.0]);
        assert_eq!(label(5.0), "5");
        assert_eq!(round(0.0), 0.0);
    }
}

//! A bar chart of shares: per category (a service), one horizontal bar per series (a
//! year), from 0 to 100 %, each bar labelled with its value. Bars, grid and axis are drawn
//! by plotters' SVG backend, nested in a page with our title, legend and source, whose
//! text is measured with the embedded fonts.

use std::fmt::Write;

use plotters::prelude::*;

use super::chart::{plotted, rgb};
use super::svg::{self, Anchor, FONT_FAMILY, Font, num};
use super::text::{self, Block};
use super::{CONTENT_WIDTH, GAP, MARGIN, close_document, open_document, title};
use crate::classify::palette::{self, Sequential};
use crate::format;

const CATEGORY: Font = Font {
    size: 14.0,
    bold: false,
    fill: "#1a1a1a",
};
const VALUE: Font = Font {
    size: 12.0,
    bold: false,
    fill: "#333333",
};
const LEGEND: Font = Font {
    size: 13.0,
    bold: false,
    fill: "#1a1a1a",
};
const BAR: f64 = 18.0;
const BAR_GAP: f64 = 3.0;
const GROUP_GAP: f64 = 16.0;
/// Right of the plot: room for the label of a full bar ("100 %").
const VALUE_ROOM: f64 = 52.0;
/// Left of the plot, inside plotters' document: room for half the "0 %" label.
const AXIS_OVERHANG: f64 = 16.0;
/// Under the plot: the axis labels.
const AXIS_HEIGHT: f64 = 26.0;
const SWATCH: f64 = 14.0;

/// One series of bars (a year).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    /// Per category, in percent.
    pub shares: Vec<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShareChart {
    pub title: String,
    pub subtitle: Option<String>,
    /// Rows, top to bottom.
    pub categories: Vec<String>,
    /// Bars of each category, top to bottom; the last series in the darkest colour.
    pub series: Vec<Series>,
    /// Under the axis: "Part des EPCI couverts (%)".
    pub axis_title: String,
    pub source: String,
}

/// Series colours, lightest first (the most recent year darkest).
fn colors(n: usize) -> Vec<String> {
    let set = palette::sequential(Sequential::Blues, n.max(3)).unwrap_or_default();
    set[set.len().saturating_sub(n)..].to_vec()
}

/// Writes the chart as a standalone SVG document; the same chart gives the same bytes.
pub fn share_chart_svg(chart: &ShareChart) -> String {
    let header = title::Header::new(&chart.title, chart.subtitle.as_deref(), CONTENT_WIDTH);
    let colors = colors(chart.series.len());
    let n = chart.series.len().max(1) as f64;
    let group = n * BAR + (n - 1.0) * BAR_GAP;

    // The category column is as wide as the longest label, within a third of the page.
    let label_width = chart
        .categories
        .iter()
        .map(|c| text::width(c, CATEGORY))
        .fold(0.0, f64::max)
        .min(CONTENT_WIDTH / 3.0)
        + 12.0;
    let labels: Vec<Block> = chart
        .categories
        .iter()
        .map(|c| Block::new(c, CATEGORY, label_width - 12.0))
        .collect();
    let rows: Vec<f64> = labels
        .iter()
        .map(|l| group.max(l.height()) + GROUP_GAP)
        .collect();
    let plot_height: f64 = rows.iter().sum::<f64>().max(GROUP_GAP);
    let plot_width = CONTENT_WIDTH - label_width - VALUE_ROOM;

    let legend_top = MARGIN + header.height() + GAP / 2.0;
    let plot_top = legend_top + SWATCH + GAP;
    let plot_left = MARGIN + label_width;
    let axis_title = Block::new(&chart.axis_title, LEGEND, plot_width);
    let axis_title_top = plot_top + plot_height + AXIS_HEIGHT + 4.0;
    let credits = title::credits(&chart.source, CONTENT_WIDTH);
    let credits_top = axis_title_top + axis_title.height() + GAP;
    let page_height = (credits_top + credits.height() + MARGIN / 2.0).ceil();

    let mut out = String::new();
    open_document(&mut out, page_height, &chart.title);
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    header.write(&mut out, MARGIN, MARGIN);

    // Legend: one swatch per series, in a row.
    out.push_str("<g class=\"legende\">\n");
    let mut x = plot_left;
    for (s, color) in chart.series.iter().zip(&colors) {
        swatch(&mut out, x, legend_top, color);
        let label_x = x + SWATCH + 6.0;
        svg::text(
            &mut out,
            label_x,
            legend_top + SWATCH - 2.0,
            std::slice::from_ref(&s.label),
            LEGEND,
            Anchor::Start,
        );
        x = label_x + text::width(&s.label, LEGEND) + 24.0;
    }
    out.push_str("</g>\n");

    // Bars (plotters), their y measured from the top of the plot.
    let mut bars = Vec::new();
    let mut top = GROUP_GAP / 2.0;
    for (c, row) in rows.iter().enumerate() {
        let first = top + (row - GROUP_GAP - group) / 2.0;
        for (k, s) in chart.series.iter().enumerate() {
            let y = first + k as f64 * (BAR + BAR_GAP);
            bars.push((y, s.shares.get(c).copied().unwrap_or(0.0), k));
        }
        top += row;
    }
    out.push_str(&plot(&bars, &colors, plot_width, plot_height).replacen(
        "<svg ",
        &format!("<svg x=\"{}\" y=\"{plot_top}\" ", plot_left - AXIS_OVERHANG),
        1,
    ));

    // Category labels, right-aligned against the plot; value labels after each bar.
    out.push_str("<g class=\"libelles\">\n");
    let mut top = plot_top;
    for (label, row) in labels.iter().zip(&rows) {
        let y = top + (row - label.height()) / 2.0;
        for (i, line) in label.lines.iter().enumerate() {
            let w = text::width(line, CATEGORY);
            svg::text(
                &mut out,
                plot_left - 10.0 - w,
                y + CATEGORY.size + i as f64 * CATEGORY.line_height() - 2.0,
                std::slice::from_ref(line),
                CATEGORY,
                Anchor::Start,
            );
        }
        top += row;
    }
    for &(y, share, _) in &bars {
        svg::text(
            &mut out,
            plot_left + share.clamp(0.0, 100.0) / 100.0 * plot_width + 4.0,
            plot_top + y + BAR / 2.0 + VALUE.size / 2.0 - 1.5,
            &[format!("{}\u{a0}%", format::display(share, 0))],
            VALUE,
            Anchor::Start,
        );
    }
    out.push_str("</g>\n");
    axis_title.write(&mut out, plot_left, axis_title_top);
    close_document(&mut out, &credits, credits_top);
    out
}

fn swatch(out: &mut String, x: f64, y: f64, color: &str) {
    out.push_str("<rect x=\"");
    num(out, x);
    out.push_str("\" y=\"");
    num(out, y);
    let _ = writeln!(
        out,
        "\" width=\"{SWATCH}\" height=\"{SWATCH}\" fill=\"{color}\" stroke=\"#7f7f7f\" stroke-width=\"0.5\"/>"
    );
}

/// The plot as an SVG document of `width` × `height` plus the axis: x from 0 to 100 %,
/// y in page units from the top.
fn plot(bars: &[(f64, f64, usize)], colors: &[String], width: f64, height: f64) -> String {
    let size = (
        (AXIS_OVERHANG + width + VALUE_ROOM) as u32,
        (height + AXIS_HEIGHT) as u32,
    );
    plotted(size, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_left(AXIS_OVERHANG as u32)
            .margin_right(VALUE_ROOM as u32)
            .x_label_area_size(AXIS_HEIGHT as u32)
            .build_cartesian_2d(0.0..100.0, -height..0.0)?;
        let x_label = |v: &f64| format!("{}\u{a0}%", format::display(*v, 0));
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_labels(6)
            .x_label_formatter(&x_label)
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .label_style(
                (FONT_FAMILY, 12)
                    .into_font()
                    .color(&RGBColor(0x33, 0x33, 0x33)),
            )
            .axis_style(RGBColor(0x7f, 0x7f, 0x7f))
            .draw()?;
        chart.draw_series(bars.iter().map(|&(y, share, k)| {
            Rectangle::new(
                [(0.0, -y), (share.clamp(0.0, 100.0), -(y + BAR))],
                rgb(&colors[k]).filled(),
            )
        }))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drome() -> ShareChart {
        ShareChart {
            title: "Part des EPCI couverts par service".into(),
            subtitle: Some("Drôme".into()),
            categories: vec!["RPE (ex-RAM)".into(), "Laep".into()],
            series: vec![
                Series {
                    label: "2015".into(),
                    shares: vec![83.3, 61.1],
                },
                Series {
                    label: "2019".into(),
                    shares: vec![100.0, 100.0],
                },
            ],
            axis_title: "Part des EPCI couverts (%)".into(),
            source: "Source : inventaire fictif".into(),
        }
    }

    #[test]
    fn every_bar_has_its_french_label_and_the_page_is_whole() {
        let svg = share_chart_svg(&drome());
        for label in [
            "83\u{a0}%",
            "61\u{a0}%",
            "100\u{a0}%",
            "2015",
            "2019",
            "Laep",
            "RPE (ex-RAM)",
        ] {
            assert!(svg.contains(label), "{label}");
        }
        // Four bars, in two colours, the later year darker.
        let blues = colors(2);
        let darker = blues[1].to_ascii_uppercase();
        assert_eq!(
            svg.to_ascii_uppercase().matches(&darker).count(),
            3,
            "two bars and a swatch"
        );
        assert!(svg.ends_with("</svg>\n"));
        assert!(crate::render::svg_to_png(&svg, 400).is_ok());
    }

    #[test]
    #[ignore = "writes target/shares.svg and .png to look at"]
    fn look() {
        let svg = share_chart_svg(&drome());
        std::fs::write("target/shares.svg", &svg).unwrap();
        std::fs::write(
            "target/shares.png",
            crate::render::svg_to_png(&svg, 1000).unwrap(),
        )
        .unwrap();
    }

    #[test]
    fn the_same_chart_gives_the_same_bytes() {
        assert_eq!(share_chart_svg(&drome()), share_chart_svg(&drome()));
    }
}

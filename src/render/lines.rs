//! A line chart of an indicator over the years: one line per series (the selection, a
//! reference), a value known between bounds drawn at its middle with its bounds as a bar, and
//! targets as marks with their label. Lines, points, grid and axes are drawn by plotters' SVG
//! backend, nested in a page with our title, legend and source.

use std::fmt::Write;

use plotters::prelude::*;

use super::chart::{plotted, rgb};
use super::svg::{self, Anchor, FONT_FAMILY, Font, num};
use super::text::Block;
use super::{CONTENT_WIDTH, GAP, MARGIN, close_document, open_document, title};
use crate::format;

const LEGEND: Font = Font {
    size: 13.0,
    bold: false,
    fill: "#1a1a1a",
};
const PLOT_HEIGHT: f64 = 360.0;
/// Left of the plot: room for the values of the vertical axis.
const AXIS_WIDTH: f64 = 70.0;
/// Under the plot: the years.
const AXIS_HEIGHT: f64 = 28.0;
/// Right of the plot: room for the last point and a target's label.
const RIGHT_ROOM: f64 = 24.0;
const SWATCH: f64 = 14.0;
/// The colours of the series, the selection first.
const COLORS: [&str; 4] = ["#08519c", "#e6550d", "#31a354", "#756bb1"];
const TARGET_COLOR: &str = "#a50f15";

/// One line: each year's value, `None` where it has none, and `(low, high)` bounds where it is
/// known only between them (drawn at their middle, with a bar).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub values: Vec<Option<(f64, f64)>>,
}

/// A target: a value for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub year: u16,
    pub value: f64,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub subtitle: Option<String>,
    /// Left of the plot: what the values are (« Foyers allocataires »).
    pub axis_title: String,
    pub years: Vec<u16>,
    pub lines: Vec<Line>,
    pub targets: Vec<Target>,
    pub decimals: usize,
    pub source: String,
}

/// Writes the chart as a standalone SVG document; the same chart gives the same bytes.
pub fn line_chart_svg(chart: &LineChart) -> String {
    let header = title::Header::new(&chart.title, chart.subtitle.as_deref(), CONTENT_WIDTH);
    let axis_title = Block::new(&chart.axis_title, LEGEND, CONTENT_WIDTH);
    let axis_title_top = MARGIN + header.height() + GAP / 2.0;
    let plot_top = axis_title_top + axis_title.height() + 6.0;
    let legend_top = plot_top + PLOT_HEIGHT + AXIS_HEIGHT + GAP / 2.0;
    let entries: Vec<(String, &str)> = chart
        .lines
        .iter()
        .zip(COLORS.iter().cycle())
        .map(|(l, c)| (l.label.clone(), *c))
        .chain(
            chart
                .targets
                .iter()
                .map(|t| (t.label.clone(), TARGET_COLOR)),
        )
        .collect();
    let legend_height = entries.len() as f64 * (SWATCH + 8.0);
    let credits = title::credits(&chart.source, CONTENT_WIDTH);
    let credits_top = legend_top + legend_height + GAP / 2.0;
    let page_height = (credits_top + credits.height() + MARGIN / 2.0).ceil();

    let mut out = String::new();
    open_document(&mut out, page_height, &chart.title);
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    header.write(&mut out, MARGIN, MARGIN);
    axis_title.write(&mut out, MARGIN, axis_title_top);
    out.push_str(&plot(chart).replacen(
        "<svg ",
        &format!("<svg x=\"{MARGIN}\" y=\"{plot_top}\" "),
        1,
    ));
    out.push_str("<g class=\"legende\">\n");
    for (k, (label, color)) in entries.iter().enumerate() {
        let y = legend_top + k as f64 * (SWATCH + 8.0);
        out.push_str("<rect x=\"");
        num(&mut out, MARGIN);
        out.push_str("\" y=\"");
        num(&mut out, y + SWATCH / 2.0 - 1.5);
        let _ = writeln!(out, "\" width=\"{SWATCH}\" height=\"3\" fill=\"{color}\"/>");
        svg::text(
            &mut out,
            MARGIN + SWATCH + 8.0,
            y + SWATCH - 2.0,
            std::slice::from_ref(label),
            LEGEND,
            Anchor::Start,
        );
    }
    out.push_str("</g>\n");
    close_document(&mut out, &credits, credits_top);
    out
}

/// The range of the vertical axis: from 0 when every value is positive, padded above.
fn y_range(chart: &LineChart) -> (f64, f64) {
    let values = chart
        .lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().flat_map(|&(a, b)| [a, b]))
        .chain(chart.targets.iter().map(|t| t.value));
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    match (low, high) {
        (l, _) if !l.is_finite() => (0.0, 1.0),
        (l, h) if l >= 0.0 => (0.0, if h > 0.0 { h * 1.1 } else { 1.0 }),
        (l, h) => {
            let pad = ((h - l) * 0.1).max(1e-9);
            (l - pad, h + pad)
        }
    }
}

/// The plot as an SVG document: the years along, the values up.
fn plot(chart: &LineChart) -> String {
    let (Some(&first), Some(&last)) = (chart.years.first(), chart.years.last()) else {
        return String::new();
    };
    let (x0, x1) = (f64::from(first) - 0.3, f64::from(last) + 0.3);
    let (y0, y1) = y_range(chart);
    let size = (CONTENT_WIDTH as u32, (PLOT_HEIGHT + AXIS_HEIGHT) as u32);
    plotted(size, |root| {
        let mut plot = ChartBuilder::on(root)
            .margin_right(RIGHT_ROOM as u32)
            .margin_top(8)
            .x_label_area_size(AXIS_HEIGHT as u32)
            .y_label_area_size(AXIS_WIDTH as u32)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let years = chart.years.clone();
        let x_label = |v: &f64| {
            let year = v.round();
            match (year - v).abs() < 1e-6 && years.contains(&(year as u16)) {
                true => format!("{year}"),
                false => String::new(),
            }
        };
        let decimals = chart.decimals;
        let y_label = |v: &f64| format::display(*v, decimals);
        plot.configure_mesh()
            .disable_x_mesh()
            .x_labels(chart.years.len())
            .x_max_light_lines(0)
            .y_max_light_lines(0)
            .x_label_formatter(&x_label)
            .y_labels(6)
            .y_label_formatter(&y_label)
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .label_style(
                (FONT_FAMILY, 12)
                    .into_font()
                    .color(&RGBColor(0x33, 0x33, 0x33)),
            )
            .axis_style(RGBColor(0x7f, 0x7f, 0x7f))
            .draw()?;
        for (line, color) in chart.lines.iter().zip(COLORS.iter().cycle()) {
            let color = rgb(color);
            let points: Vec<(f64, f64, f64, f64)> = chart
                .years
                .iter()
                .zip(&line.values)
                .filter_map(|(y, v)| v.map(|(a, b)| (f64::from(*y), (a + b) / 2.0, a, b)))
                .collect();
            // A line between consecutive years only: a gap stays a gap.
            for pair in chart.years.windows(2).zip(line.values.windows(2)) {
                if let ([ya, yb], [Some(a), Some(b)]) = pair {
                    plot.draw_series(std::iter::once(PathElement::new(
                        [
                            (f64::from(*ya), (a.0 + a.1) / 2.0),
                            (f64::from(*yb), (b.0 + b.1) / 2.0),
                        ],
                        color.stroke_width(2),
                    )))?;
                }
            }
            plot.draw_series(
                points
                    .iter()
                    .map(|&(x, y, ..)| Circle::new((x, y), 3, color.filled())),
            )?;
            plot.draw_series(
                points
                    .iter()
                    .filter(|p| p.2 < p.3)
                    .map(|&(x, _, a, b)| PathElement::new([(x, a), (x, b)], color.stroke_width(1))),
            )?;
        }
        let target = rgb(TARGET_COLOR);
        plot.draw_series(
            chart
                .targets
                .iter()
                .map(|t| Cross::new((f64::from(t.year), t.value), 6, target.stroke_width(2))),
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn households() -> LineChart {
        LineChart {
            title: "Foyers allocataires, 2020-2024".into(),
            subtitle: Some("16 communes de Saône-et-Loire".into()),
            axis_title: "Foyers allocataires".into(),
            years: vec![2020, 2021, 2022, 2023, 2024],
            lines: vec![Line {
                label: "Ensemble des 16 communes".into(),
                values: vec![
                    Some((24535.0, 24535.0)),
                    Some((24115.0, 24115.0)),
                    None,
                    Some((23900.0, 23970.0)),
                    Some((24050.0, 24050.0)),
                ],
            }],
            targets: vec![Target {
                year: 2024,
                value: 25000.0,
                label: "Cible 2024 : 25 000".into(),
            }],
            decimals: 0,
            source: "Source : Cnaf, s_ben_com_f".into(),
        }
    }

    #[test]
    fn years_values_target_and_legend_are_written_and_a_missing_year_is_a_gap() {
        let svg = line_chart_svg(&households());
        for text in [
            "2020",
            "2024",
            "Foyers allocataires",
            "Ensemble des 16 communes",
            "Cible 2024 : 25 000",
            "Source : Cnaf",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        // Two segments (2020-2021, 2023-2024) around the missing 2022, four points, one
        // bar of bounds (2023), one target cross.
        assert_eq!(svg.matches("stroke=\"#08519C\"").count(), 2 + 1, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("stroke=\"#A50F15\"").count(), 2, "a cross");
        assert!(svg.ends_with("</svg>\n"));
        assert!(crate::render::svg_to_png(&svg, 600).is_ok());
        assert_eq!(svg, line_chart_svg(&households()));
    }

    #[test]
    #[ignore = "writes target/lines.svg and .png to look at"]
    fn look() {
        let svg = line_chart_svg(&households());
        std::fs::write("target/lines.svg", &svg).unwrap();
        std::fs::write(
            "target/lines.png",
            crate::render::svg_to_png(&svg, 1000).unwrap(),
        )
        .unwrap();
    }
}

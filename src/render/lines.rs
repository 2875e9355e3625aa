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
    let lines: Vec<(&Line, &str, u32)> = chart
        .lines
        .iter()
        .zip(COLORS.iter().cycle())
        .map(|(line, color)| (line, *color, 2))
        .collect();
    let frame = Frame {
        size: (CONTENT_WIDTH as u32, (PLOT_HEIGHT + AXIS_HEIGHT) as u32),
        y: y_range(line_values(&chart.lines).chain(chart.targets.iter().map(|t| t.value))),
        label_size: 12,
        y_labels: 6,
        axis_width: AXIS_WIDTH as u32,
        axis_height: AXIS_HEIGHT as u32,
    };
    out.push_str(
        &plot(&chart.years, &lines, &chart.targets, chart.decimals, &frame).replacen(
            "<svg ",
            &format!("<svg x=\"{MARGIN}\" y=\"{plot_top}\" "),
            1,
        ),
    );
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

/// The range of the vertical axis over `values`: from 0 when every value is positive, padded above.
fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
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

/// Every value of `lines` and of their bounds.
fn line_values(lines: &[Line]) -> impl Iterator<Item = f64> + '_ {
    lines
        .iter()
        .flat_map(|l| l.values.iter().flatten().flat_map(|&(a, b)| [a, b]))
}

/// How a plot is drawn: its size, its vertical range, the size of its labels.
struct Frame {
    size: (u32, u32),
    y: (f64, f64),
    label_size: u32,
    y_labels: usize,
    axis_width: u32,
    axis_height: u32,
}

/// A plot as an SVG document: the years along, the values up, each line in its colour and width.
fn plot(
    years: &[u16],
    lines: &[(&Line, &str, u32)],
    targets: &[Target],
    decimals: usize,
    frame: &Frame,
) -> String {
    let (Some(&first), Some(&last)) = (years.first(), years.last()) else {
        return String::new();
    };
    let (x0, x1) = (f64::from(first) - 0.3, f64::from(last) + 0.3);
    let (y0, y1) = frame.y;
    plotted(frame.size, |root| {
        let mut plot = ChartBuilder::on(root)
            .margin_right(RIGHT_ROOM as u32)
            .margin_top(8)
            .x_label_area_size(frame.axis_height)
            .y_label_area_size(frame.axis_width)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        let x_label = |v: &f64| {
            let year = v.round();
            match (year - v).abs() < 1e-6 && years.contains(&(year as u16)) {
                true => format!("{year}"),
                false => String::new(),
            }
        };
        let y_label = |v: &f64| format::display(*v, decimals);
        plot.configure_mesh()
            .disable_x_mesh()
            .x_labels(years.len())
            .x_max_light_lines(0)
            .y_max_light_lines(0)
            .x_label_formatter(&x_label)
            .y_labels(frame.y_labels)
            .y_label_formatter(&y_label)
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
            .label_style(
                (FONT_FAMILY, frame.label_size)
                    .into_font()
                    .color(&RGBColor(0x33, 0x33, 0x33)),
            )
            .axis_style(RGBColor(0x7f, 0x7f, 0x7f))
            .draw()?;
        for &(line, color, width) in lines {
            let color = rgb(color);
            let points: Vec<(f64, f64, f64, f64)> = years
                .iter()
                .zip(&line.values)
                .filter_map(|(y, v)| v.map(|(a, b)| (f64::from(*y), (a + b) / 2.0, a, b)))
                .collect();
            // A line between consecutive years only: a gap stays a gap.
            for pair in years.windows(2).zip(line.values.windows(2)) {
                if let ([ya, yb], [Some(a), Some(b)]) = pair {
                    plot.draw_series(std::iter::once(PathElement::new(
                        [
                            (f64::from(*ya), (a.0 + a.1) / 2.0),
                            (f64::from(*yb), (b.0 + b.1) / 2.0),
                        ],
                        color.stroke_width(width),
                    )))?;
                }
            }
            plot.draw_series(
                points
                    .iter()
                    .map(|&(x, y, ..)| Circle::new((x, y), width + 1, color.filled())),
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
            targets
                .iter()
                .map(|t| Cross::new((f64::from(t.year), t.value), 6, target.stroke_width(2))),
        )?;
        Ok(())
    })
}

/// Small multiples of a series: one small chart per territory, all on one vertical scale, each
/// with the line of a reference (the selection as a whole) in grey when there is one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineMultiples {
    pub title: String,
    pub subtitle: Option<String>,
    /// What the values are, said once under the title.
    pub axis_title: String,
    pub years: Vec<u16>,
    /// One per territory, its name as label.
    pub panels: Vec<Line>,
    pub reference: Option<Line>,
    pub decimals: usize,
    pub source: String,
}

/// Panels per row of the sheet.
const PANEL_COLUMNS: usize = 4;
const PANEL_HEIGHT: f64 = 150.0;
const PANEL_GAP: f64 = 14.0;
const PANEL_TITLE: Font = Font {
    size: 12.0,
    bold: true,
    fill: "#1a1a1a",
};
const REFERENCE_COLOR: &str = "#969696";

/// Writes the sheet as a standalone SVG document; the same sheet gives the same bytes.
pub fn line_multiples_svg(sheet: &LineMultiples) -> String {
    let header = title::Header::new(&sheet.title, sheet.subtitle.as_deref(), CONTENT_WIDTH);
    let axis_title = Block::new(&sheet.axis_title, LEGEND, CONTENT_WIDTH);
    let axis_title_top = MARGIN + header.height() + GAP / 2.0;
    let grid_top = axis_title_top + axis_title.height() + GAP / 2.0;
    let columns = PANEL_COLUMNS.min(sheet.panels.len().max(1));
    let width = (CONTENT_WIDTH - PANEL_GAP * (columns - 1) as f64) / columns as f64;
    // Every panel's title as tall as the tallest (a long name wraps), so that the plots align.
    let titles: Vec<Block> = sheet
        .panels
        .iter()
        .map(|p| Block::new(&p.label, PANEL_TITLE, width))
        .collect();
    let title_height = titles.iter().map(Block::height).fold(0.0, f64::max) + 6.0;
    let cell_height = title_height + PANEL_HEIGHT + PANEL_GAP;
    let rows = sheet.panels.len().div_ceil(columns);
    let legend_top = grid_top + rows as f64 * cell_height;
    let legend_height = match sheet.reference {
        Some(_) => SWATCH + 8.0,
        None => 0.0,
    };
    let credits = title::credits(&sheet.source, CONTENT_WIDTH);
    let credits_top = legend_top + legend_height + GAP / 2.0;
    let page_height = (credits_top + credits.height() + MARGIN / 2.0).ceil();
    let frame = Frame {
        size: (width as u32, PANEL_HEIGHT as u32),
        y: y_range(line_values(&sheet.panels).chain(line_values(sheet.reference.as_slice()))),
        label_size: 10,
        y_labels: 4,
        axis_width: 48,
        axis_height: 20,
    };

    let mut out = String::new();
    open_document(&mut out, page_height, &sheet.title);
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    header.write(&mut out, MARGIN, MARGIN);
    axis_title.write(&mut out, MARGIN, axis_title_top);
    for (i, panel) in sheet.panels.iter().enumerate() {
        let x = MARGIN + (i % columns) as f64 * (width + PANEL_GAP);
        let y = grid_top + (i / columns) as f64 * cell_height;
        titles[i].write(&mut out, x, y);
        let mut lines = Vec::with_capacity(2);
        if let Some(reference) = &sheet.reference {
            lines.push((reference, REFERENCE_COLOR, 1));
        }
        lines.push((panel, COLORS[0], 2));
        out.push_str(
            &plot(&sheet.years, &lines, &[], sheet.decimals, &frame).replacen(
                "<svg ",
                &format!("<svg x=\"{x}\" y=\"{}\" ", y + title_height),
                1,
            ),
        );
    }
    if let Some(reference) = &sheet.reference {
        out.push_str("<g class=\"legende\">\n");
        out.push_str("<rect x=\"");
        num(&mut out, MARGIN);
        out.push_str("\" y=\"");
        num(&mut out, legend_top + SWATCH / 2.0 - 1.0);
        let _ = writeln!(
            out,
            "\" width=\"{SWATCH}\" height=\"2\" fill=\"{REFERENCE_COLOR}\"/>"
        );
        svg::text(
            &mut out,
            MARGIN + SWATCH + 8.0,
            legend_top + SWATCH - 2.0,
            std::slice::from_ref(&reference.label),
            LEGEND,
            Anchor::Start,
        );
        out.push_str("</g>\n");
    }
    close_document(&mut out, &credits, credits_top);
    out
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

    fn sheet(reference: bool) -> LineMultiples {
        let line = |label: &str, values: [Option<f64>; 3]| Line {
            label: label.into(),
            values: values.iter().map(|v| v.map(|v| (v, v))).collect(),
        };
        LineMultiples {
            title: "Part des foyers au RSA".into(),
            subtitle: None,
            axis_title: "Part des foyers au RSA (%)".into(),
            years: vec![2022, 2023, 2024],
            panels: vec![
                line("Autun", [Some(13.5), Some(12.9), Some(12.2)]),
                line(
                    "CC Chavanon Combrailles et Volcans, un nom qui ne tient pas sur une ligne",
                    [Some(4.0), None, Some(5.0)],
                ),
                line("Chérizet (sans valeur)", [None, None, None]),
            ],
            reference: reference.then(|| line("Ensemble", [Some(11.0), Some(11.5), Some(11.2)])),
            decimals: 1,
            source: "Source : Cnaf".into(),
        }
    }

    #[test]
    fn each_territory_has_its_panel_on_one_scale_with_the_reference_when_there_is_one() {
        let svg = line_multiples_svg(&sheet(true));
        for text in [
            "Autun",
            "Chérizet (sans valeur)",
            "Ensemble",
            "Source : Cnaf",
        ] {
            assert!(svg.contains(text), "{text}");
        }
        // Three panels of one scale: each value of the vertical axis written once in each.
        assert_eq!(svg.matches("class=\"legende\"").count(), 1);
        let mut labels = std::collections::BTreeMap::new();
        for line in svg.lines().map(str::trim) {
            if line.ends_with(",0") && line.chars().all(|c| c.is_ascii_digit() || c == ',') {
                *labels.entry(line).or_insert(0) += 1;
            }
        }
        assert!(
            labels.len() >= 3 && labels.values().all(|n| *n == 3),
            "{labels:?}"
        );
        // Autun 2 segments, the long name 0 (a gap), Chérizet none; the reference's 2 in each panel.
        assert_eq!(svg.matches("stroke=\"#08519C\"").count(), 2);
        assert_eq!(svg.matches("stroke=\"#969696\"").count(), 6);
        assert!(crate::render::svg_to_png(&svg, 600).is_ok());
        assert_eq!(svg, line_multiples_svg(&sheet(true)));
        let without = line_multiples_svg(&sheet(false));
        assert!(!without.contains("Ensemble") && !without.contains("class=\"legende\""));
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

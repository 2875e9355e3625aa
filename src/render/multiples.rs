//! Small multiples: one panel per year (or per map) in a grid, drawn at one scale from one
//! extent so panels align and compare; one shared legend, scale bar and source line.

use geo::{BoundingRect, Rect};

use super::legend::{Legend, LegendLayout};
use super::scale::ScaleBar;
use super::svg::{Font, Projection, num};
use super::text::Block;
use super::{
    ARROW_GAP, CONTENT_WIDTH, FRAME_PAD, GAP, LABEL_OVERHANG, LegendClass, MARGIN, MapFeature,
    PAGE_WIDTH, SCALE_BLOCK_HEIGHT, SCALE_BLOCK_WIDTH, close_document, legend_items, north,
    open_document, title, union, write_scale_block, write_territories,
};

const PANEL_TITLE: Font = Font {
    size: 15.0,
    bold: true,
    fill: "#1a1a1a",
};
/// Between panels, both ways.
const PANEL_GAP: f64 = 16.0;
const TITLE_GAP: f64 = 4.0;
/// Panels no taller than this many times their width.
const MAX_PANEL_RATIO: f64 = 1.3;

/// One map of the sheet.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// E.g. "2019".
    pub title: String,
    pub features: Vec<MapFeature>,
}

/// A sheet of panels sharing classes, legend, scale and source.
#[derive(Debug, Clone, Default)]
pub struct SmallMultiples {
    pub title: String,
    pub subtitle: Option<String>,
    pub legend_title: String,
    /// Common to every panel (e.g. pooled breaks across years); no counts are shown.
    pub classes: Vec<LegendClass>,
    pub panels: Vec<Panel>,
    /// Panels per row (at least 1).
    pub columns: usize,
    pub source: String,
    /// E.g. "Classes fermées à gauche : [a ; b[".
    pub interval_note: Option<String>,
    pub references: Vec<String>,
}

/// Writes the sheet as a standalone SVG document; deterministic like [`super::choropleth_svg`].
pub fn small_multiples_svg(sheet: &SmallMultiples) -> String {
    let header = title::Header::new(&sheet.title, sheet.subtitle.as_deref(), CONTENT_WIDTH);
    let features = || sheet.panels.iter().flat_map(|p| p.features.iter());
    let (items, patterns) = legend_items(&sheet.classes, features(), false);
    let bbox = features()
        .filter_map(|f| f.geometry.bounding_rect())
        .fold(None::<Rect<f64>>, union);
    let (bw, bh) = bbox.map_or((1.0, 1.0), |b| (b.width().max(1.0), b.height().max(1.0)));

    let columns = sheet.columns.clamp(1, sheet.panels.len().max(1));
    let rows = sheet.panels.len().div_ceil(columns);
    let panel_width = (CONTENT_WIDTH - (columns - 1) as f64 * PANEL_GAP) / columns as f64;
    let scale = ((panel_width - 2.0 * FRAME_PAD) / bw).min(MAX_PANEL_RATIO * panel_width / bh);
    let (map_width, map_height) = (bw * scale, bh * scale);
    let titles: Vec<Block> = sheet
        .panels
        .iter()
        .map(|p| Block::new(&p.title, PANEL_TITLE, panel_width))
        .collect();
    // One title height for all panels, so their maps line up.
    let title_height = titles.iter().map(Block::height).fold(0.0, f64::max);
    let panel_height = title_height + TITLE_GAP + map_height + 2.0 * FRAME_PAD;

    let grid_top = MARGIN + header.height() + GAP;
    let grid_bottom = grid_top + rows as f64 * (panel_height + PANEL_GAP) - PANEL_GAP;
    let legend_width = CONTENT_WIDTH - GAP - SCALE_BLOCK_WIDTH;
    let legend = Legend::new(
        &sheet.legend_title,
        items,
        sheet.interval_note.as_deref(),
        &sheet.references,
        legend_width,
        LegendLayout::Horizontal,
    );
    let legend_top = grid_bottom + GAP;
    let scale_bar = bbox.and_then(|_| {
        ScaleBar::new(
            scale,
            SCALE_BLOCK_WIDTH - north::WIDTH - ARROW_GAP - LABEL_OVERHANG,
        )
    });
    let block_width = scale_bar.as_ref().map_or(0.0, |bar| {
        north::WIDTH + ARROW_GAP + bar.width + LABEL_OVERHANG
    });
    let content_bottom = (legend_top + legend.height()).max(legend_top + SCALE_BLOCK_HEIGHT);
    let credits = title::credits(&sheet.source, CONTENT_WIDTH);
    let credits_top = content_bottom + GAP;
    let page_height = (credits_top + credits.height() + MARGIN / 2.0).ceil();

    let mut out = String::new();
    open_document(&mut out, page_height, &sheet.title);
    out.push_str(&patterns);
    out.push_str("</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    header.write(&mut out, MARGIN, MARGIN);
    if let Some(bbox) = bbox {
        // Panel-local coordinates: every panel's paths use this same projection, and the
        // panel's place on the page is its group's translation.
        let proj = Projection::new(
            bbox,
            scale,
            (panel_width - map_width) / 2.0,
            title_height + TITLE_GAP + FRAME_PAD,
        );
        for (i, (panel, title)) in sheet.panels.iter().zip(&titles).enumerate() {
            let x = MARGIN + (i % columns) as f64 * (panel_width + PANEL_GAP);
            let y = grid_top + (i / columns) as f64 * (panel_height + PANEL_GAP);
            out.push_str("<g class=\"panneau\" transform=\"translate(");
            num(&mut out, x);
            out.push(' ');
            num(&mut out, y);
            out.push_str(")\">\n");
            title.write(&mut out, 0.0, 0.0);
            write_territories(&mut out, &panel.features, &sheet.classes, &proj, false);
            out.push_str("</g>\n");
        }
    }
    legend.write(&mut out, MARGIN, legend_top);
    if let Some(bar) = scale_bar {
        write_scale_block(
            &mut out,
            &bar,
            PAGE_WIDTH - MARGIN - block_width,
            legend_top,
            false,
        );
    }
    close_document(&mut out, &credits, credits_top);
    out
}

//! Maps as SVG written by our own code, and PNG by rasterising that SVG with resvg and the
//! embedded DejaVu fonts (no system font needed).
//!
//! One file per map element, as in mapsf: `title` (title and credits), `legend`,
//! `symbols` (proportional circles and their size legend), `labels`, `insets`, `chart`
//! (distribution), `scale`, `north`; `multiples` lays out small multiples; `shares` and `lines`
//! are the bar chart of shares and the line chart of years; `svg` holds the
//! low-level writer and `text` the fonts.
//! The page is 1000 units wide; its height follows the territory's shape. The legends
//! go right of the map, or below it when the territory is wide or the legend horizontal.

mod chart;
mod features;
mod insets;
mod labels;
mod legend;
mod lines;
mod multiples;
mod north;
mod png;
mod scale;
mod shares;
mod svg;
mod symbols;
mod text;
mod title;

use std::fmt::Write;

use geo::{BoundingRect, MultiPolygon, Rect};

pub use chart::Distribution;
pub use features::{Placed, class_counts, features_on_shapes};
pub use insets::InsetFrame;
pub use labels::{Label, MAX_LABELLED, feature_labels};
pub use legend::LegendLayout;
pub use lines::{Line, LineChart, LineMultiples, Target, line_chart_svg, line_multiples_svg};
pub use multiples::{Panel, SmallMultiples, small_multiples_svg};
pub use png::{choropleth_png, svg_to_png, with_dpi};
pub use shares::{Series, ShareChart, share_chart_svg};
pub use symbols::{ProportionalSymbols, Symbol};

use chart::Chart;
use legend::{Item, Legend};
use scale::ScaleBar;
use svg::Projection;
use symbols::SizeLegend;

/// How one territory is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureClass {
    /// Index into [`ChoroplethMap::classes`].
    Class(usize),
    /// A value known between two bounds that lie in one class: drawn in it, with a mark.
    Approximate(usize),
    /// A value known between two bounds in different classes: its own fill.
    Uncertain,
    /// Secret statistique: the value exists but may not be shown.
    Secret,
    /// Its source covers it in part: a sum of some of its communes, no value of its own.
    Partial,
    /// No value for this territory.
    NoData,
}

/// One territory of the map.
#[derive(Debug, Clone)]
pub struct MapFeature {
    pub code: String,
    pub name: String,
    /// Lambert-93 metres, y up.
    pub geometry: MultiPolygon<f64>,
    pub class: FeatureClass,
    /// The value as printed in the tooltip, e.g. "63,5".
    pub value_label: String,
}

/// One class of the legend.
#[derive(Debug, Clone)]
pub struct LegendClass {
    /// E.g. "< 60,9 (sous les deux références)".
    pub label: String,
    /// "#rrggbb".
    pub color: String,
    /// Shown after the label: "label (count)".
    pub count: usize,
}

/// Everything a choropleth map shows. Without classes the territories are a neutral
/// background (for symbols alone). Build it with `..Default::default()` so new options
/// cost callers nothing.
#[derive(Debug, Clone, Default)]
pub struct ChoroplethMap {
    pub title: String,
    pub subtitle: Option<String>,
    pub legend_title: String,
    pub classes: Vec<LegendClass>,
    pub features: Vec<MapFeature>,
    /// Boundaries drawn over the territories without fill (e.g. EPCI over communes); may be empty.
    pub outlines: Vec<MultiPolygon<f64>>,
    /// Lines under the legend, e.g. "Référence nationale : 60,9".
    pub references: Vec<String>,
    /// Credits line, e.g. "Source : Cnaf 2023, Insee, IGN Admin Express — réalisation diagterr".
    pub source: String,
    /// The interval convention under the classes, e.g. "Classes fermées à gauche : [a ; b[";
    /// `None` for typologies.
    pub interval_note: Option<String>,
    pub legend_layout: LegendLayout,
    /// Names placed without overlap, higher priority first; may be empty.
    pub labels: Vec<Label>,
    /// Circles drawn over the territories, with their size legend.
    pub symbols: Option<ProportionalSymbols>,
    /// Boxes holding moved territories (DROM); the scale bar then holds for the mainland only.
    pub frames: Vec<InsetFrame>,
    /// A histogram of the values under the legend.
    pub distribution: Option<Distribution>,
}

const PAGE_WIDTH: f64 = 1000.0;
const MARGIN: f64 = 30.0;
const CONTENT_WIDTH: f64 = PAGE_WIDTH - 2.0 * MARGIN;
/// Between the page's blocks (header, map, legend, credits).
const GAP: f64 = 24.0;
/// Keeps tall territories (Chili-shaped départements) from making a poster.
const MAX_MAP_HEIGHT: f64 = 1100.0;
/// Width/height above which the legend goes below the map.
const WIDE_ASPECT: f64 = 1.3;
const LEGEND_MIN_WIDTH: f64 = 200.0;
const LEGEND_MAX_WIDTH: f64 = 340.0;
/// The block holding the north arrow and the scale bar.
const SCALE_BLOCK_WIDTH: f64 = 200.0;
const SCALE_BLOCK_HEIGHT: f64 = north::HEIGHT;
const ARROW_GAP: f64 = 16.0;
/// The half of the scale's length label ("100 km") that overhangs the bar's end.
const LABEL_OVERHANG: f64 = 24.0;
/// Room around the map inside its frame, so border strokes are not cut.
const FRAME_PAD: f64 = 4.0;
/// The insets note under the scale bar.
const SCALE_NOTE: svg::Font = svg::Font {
    size: 10.0,
    bold: false,
    fill: "#555555",
};
const SCALE_NOTE_HEIGHT: f64 = 14.0;

const NO_DATA_FILL: &str = "#d4d4d4";
/// Territories under symbols when the map has no classes.
const BACKGROUND_FILL: &str = "#ebe8e2";
const SECRET_FILL: &str = "url(#secret)";
/// Light background with grey hatching: reads as "hidden", distinct from plain missing data.
const SECRET_PATTERN: &str = "<pattern id=\"secret\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/><line x1=\"1.5\" y1=\"0\" x2=\"1.5\" y2=\"6\" stroke=\"#8c8c8c\" stroke-width=\"1.5\"/></pattern>\n";
const PARTIAL_FILL: &str = "url(#partiel)";
/// Light background with grey dots: "some of it known", distinct from hidden and from missing.
const PARTIAL_PATTERN: &str = "<pattern id=\"partiel\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/><circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#8c8c8c\"/></pattern>\n";
const UNCERTAIN_FILL: &str = "url(#incertain)";
/// Light background crossed in grey: "between two classes", distinct from hidden (one way) and
/// from partial (dots).
const UNCERTAIN_PATTERN: &str = "<pattern id=\"incertain\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\"><rect width=\"7\" height=\"7\" fill=\"#f4f4f4\"/><path d=\"M0 0L7 7M7 0L0 7\" stroke=\"#8c8c8c\" stroke-width=\"1\"/></pattern>\n";
/// The mark laid over a territory drawn in its class from an approximate value: sparse white
/// rings, which read on every colour of a palette.
const APPROXIMATE_MARK: &str = "url(#approche)";
const APPROXIMATE_PATTERN: &str = "<pattern id=\"approche\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\"><circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"1\"/></pattern>\n";
/// The legend's swatch of the mark: the rings on a mid grey.
const APPROXIMATE_SWATCH: &str = "url(#approche-legende)";
const APPROXIMATE_SWATCH_PATTERN: &str = "<pattern id=\"approche-legende\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\" fill=\"#a0a0a0\"/><circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"1\"/></pattern>\n";
const OUTLINE_STROKE: &str = "#333333";

/// The class as drawn. An index beyond the legend is a caller bug; it is drawn, and
/// counted, as missing data so the legend stays true to the picture.
fn drawn(class: FeatureClass, classes: usize) -> FeatureClass {
    match class {
        FeatureClass::Class(i) | FeatureClass::Approximate(i) if i >= classes => {
            FeatureClass::NoData
        }
        class => class,
    }
}

fn fill(class: FeatureClass, classes: &[LegendClass]) -> &str {
    if classes.is_empty() {
        return BACKGROUND_FILL;
    }
    match drawn(class, classes.len()) {
        FeatureClass::Class(i) | FeatureClass::Approximate(i) => &classes[i].color,
        FeatureClass::Uncertain => UNCERTAIN_FILL,
        FeatureClass::Secret => SECRET_FILL,
        FeatureClass::Partial => PARTIAL_FILL,
        FeatureClass::NoData => NO_DATA_FILL,
    }
}

/// Thinner borders as territories get smaller, so 35 000 communes stay coloured, not white.
fn border_width(features: usize) -> f64 {
    match features {
        0..=300 => 0.6,
        301..=3000 => 0.3,
        _ => 0.1,
    }
}

fn union(a: Option<Rect<f64>>, b: Rect<f64>) -> Option<Rect<f64>> {
    Some(a.map_or(b, |a| {
        Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        )
    }))
}

/// The extent of the features (of the outlines if there are no features), inset frames included.
fn extent(map: &ChoroplethMap) -> Option<Rect<f64>> {
    let features = map
        .features
        .iter()
        .filter_map(|f| f.geometry.bounding_rect())
        .fold(None, union);
    let shapes = features.or_else(|| {
        map.outlines
            .iter()
            .filter_map(BoundingRect::bounding_rect)
            .fold(None, union)
    });
    map.frames.iter().map(|f| f.rect).fold(shapes, union)
}

/// Legend lines, and the definitions of the patterns they need (secret, partial). `counts`
/// adds "(n)" to each line (not in small multiples, where counts differ between panels).
fn legend_items<'a>(
    classes: &[LegendClass],
    features: impl Iterator<Item = &'a MapFeature> + Clone,
    counts: bool,
) -> (Vec<Item>, String) {
    if classes.is_empty() {
        return (Vec::new(), String::new());
    }
    let count = |wanted: FeatureClass| {
        features
            .clone()
            .filter(|f| drawn(f.class, classes.len()) == wanted)
            .count()
    };
    let with_count = |label: &str, n: usize| {
        if counts {
            format!("{label} ({})", crate::format::display(n as f64, 0))
        } else {
            label.to_string()
        }
    };
    let mut items: Vec<Item> = classes
        .iter()
        .map(|c| Item {
            fill: c.color.clone(),
            text: with_count(&c.label, c.count),
        })
        .collect();
    let mut patterns = String::new();
    // Shown only when the map has such territories: an empty entry would only raise questions.
    let approximate = features
        .clone()
        .filter(|f| matches!(drawn(f.class, classes.len()), FeatureClass::Approximate(_)))
        .count();
    for (n, fill, label, pattern) in [
        (
            approximate,
            APPROXIMATE_SWATCH,
            "Valeur approchée, dans sa classe (secret borné)",
            &*format!("{APPROXIMATE_SWATCH_PATTERN}{APPROXIMATE_PATTERN}"),
        ),
        (
            count(FeatureClass::Uncertain),
            UNCERTAIN_FILL,
            "Incertain : entre deux classes (secret borné)",
            UNCERTAIN_PATTERN,
        ),
        (
            count(FeatureClass::Secret),
            SECRET_FILL,
            "Secret statistique",
            SECRET_PATTERN,
        ),
        (
            count(FeatureClass::Partial),
            PARTIAL_FILL,
            "Couvert en partie par la source",
            PARTIAL_PATTERN,
        ),
        (
            count(FeatureClass::NoData),
            NO_DATA_FILL,
            "Donnée absente",
            "",
        ),
    ] {
        if n > 0 {
            items.push(Item {
                fill: fill.to_string(),
                text: with_count(label, n),
            });
            patterns.push_str(pattern);
        }
    }
    (items, patterns)
}

/// Bytes to reserve: about 8 per point, plus the page furniture.
fn capacity(map: &ChoroplethMap) -> usize {
    let points = |g: &MultiPolygon<f64>| -> usize {
        g.iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum()
    };
    let total: usize = map
        .features
        .iter()
        .map(|f| points(&f.geometry))
        .sum::<usize>()
        + map.outlines.iter().map(points).sum::<usize>();
    total * 8 + map.features.len() * 120 + 16_384
}

/// The legends and the chart, stacked top-down with `GAP` between them.
struct Side {
    legend: Option<Legend>,
    sizes: Option<SizeLegend>,
    chart: Option<Chart>,
}

impl Side {
    fn heights(&self) -> impl Iterator<Item = f64> + '_ {
        let legend = self.legend.as_ref().map(Legend::height);
        let sizes = self.sizes.as_ref().map(SizeLegend::height);
        let chart = self.chart.as_ref().map(Chart::height);
        [legend, sizes, chart].into_iter().flatten()
    }

    fn height(&self) -> f64 {
        self.heights().map(|h| h + GAP).sum::<f64>() - GAP
    }

    fn write(&self, out: &mut String, x: f64, top: f64) {
        let mut y = top;
        if let Some(legend) = &self.legend {
            legend.write(out, x, y);
            y += legend.height() + GAP;
        }
        if let Some(sizes) = &self.sizes {
            sizes.write(out, x, y);
            y += sizes.height() + GAP;
        }
        if let Some(chart) = &self.chart {
            chart.write(out, x, y);
        }
    }
}

/// Opens the document: root element, title, and `<defs>` left open for the caller.
fn open_document(out: &mut String, page_height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PAGE_WIDTH}\" height=\"{page_height}\" viewBox=\"0 0 {PAGE_WIDTH} {page_height}\">\n<title>"
    );
    svg::escape(out, title);
    out.push_str("</title>\n<defs>\n");
}

/// The north arrow and the scale bar side by side, with the insets note under them.
fn write_scale_block(out: &mut String, bar: &ScaleBar, left: f64, top: f64, insets_note: bool) {
    north::write(out, left, top);
    let bar_left = left + north::WIDTH + ARROW_GAP;
    bar.write(out, bar_left, top + SCALE_BLOCK_HEIGHT - scale::HEIGHT);
    if insets_note {
        // Right-aligned blocks are narrower than the note: keep it on the page.
        let note = insets::SCALE_NOTE;
        let x = left.min(PAGE_WIDTH - MARGIN - text::width(note, SCALE_NOTE));
        svg::text(
            out,
            x,
            top + SCALE_BLOCK_HEIGHT + SCALE_NOTE_HEIGHT,
            &[note.to_string()],
            SCALE_NOTE,
            svg::Anchor::Start,
        );
    }
}

/// The credits at the bottom, and the end of the document.
fn close_document(out: &mut String, credits: &text::Block, top: f64) {
    out.push_str("<g class=\"source\">\n");
    credits.write(out, MARGIN, top);
    out.push_str("</g>\n</svg>\n");
}

/// Writes the choropleth map as a standalone SVG document. The output depends only on
/// `map`: the same map gives the same bytes.
pub fn choropleth_svg(map: &ChoroplethMap) -> String {
    document(map, false).0
}

/// The SVG document, and the projection of the map (`None` without geometry). With
/// `direct`, the page leaves out its white background and the territories with a plain
/// colour, for [`choropleth_png`] to paint them underneath.
fn document(map: &ChoroplethMap, direct: bool) -> (String, Option<Projection>) {
    let header = title::Header::new(&map.title, map.subtitle.as_deref(), CONTENT_WIDTH);
    let (items, patterns) = legend_items(&map.classes, map.features.iter(), true);
    let bbox = extent(map);
    let (bw, bh) = bbox.map_or((1.5, 1.0), |b| (b.width().max(1.0), b.height().max(1.0)));
    let below = map.legend_layout == LegendLayout::Horizontal || bw / bh > WIDE_ASPECT;
    let note = map.interval_note.as_deref();
    let sizes_width = |width| map.symbols.as_ref().and_then(|s| SizeLegend::new(s, width));

    // The map frame, then the legends beside or below it.
    let map_top = MARGIN + header.height() + GAP;
    let (frame_width, side_width) = if below {
        (CONTENT_WIDTH, CONTENT_WIDTH - GAP - SCALE_BLOCK_WIDTH)
    } else {
        let natural = legend::natural_width(&map.legend_title, &items, note, &map.references)
            .max(sizes_width(LEGEND_MAX_WIDTH).map_or(0.0, |s| s.natural_width()));
        let width = natural.clamp(LEGEND_MIN_WIDTH, LEGEND_MAX_WIDTH);
        (CONTENT_WIDTH - GAP - width, width)
    };
    let scale = ((frame_width - 2.0 * FRAME_PAD) / bw).min(MAX_MAP_HEIGHT / bh);
    let (map_width, map_height) = (bw * scale, bh * scale);
    let map_left = MARGIN + (frame_width - map_width) / 2.0;
    let map_bottom = map_top + map_height;
    let scale_bar = bbox.and_then(|_| {
        let room = SCALE_BLOCK_WIDTH - north::WIDTH - ARROW_GAP - LABEL_OVERHANG;
        ScaleBar::new(scale, room)
    });
    // Arrow and bar as one block, as wide as they need (right-aligned below a wide map).
    let block_width = scale_bar.as_ref().map_or(0.0, |bar| {
        north::WIDTH + ARROW_GAP + bar.width + LABEL_OVERHANG
    });
    let block_height = SCALE_BLOCK_HEIGHT
        + if map.frames.is_empty() {
            0.0
        } else {
            SCALE_NOTE_HEIGHT
        };
    let side = Side {
        legend: (!items.is_empty() || !map.references.is_empty()).then(|| {
            Legend::new(
                &map.legend_title,
                items,
                note,
                &map.references,
                side_width,
                map.legend_layout,
            )
        }),
        sizes: sizes_width(side_width),
        chart: map
            .distribution
            .as_ref()
            .and_then(|d| Chart::new(d, &map.classes, side_width.min(LEGEND_MAX_WIDTH))),
    };
    let (legend_left, legend_top, block_left, block_top);
    if below {
        (legend_left, legend_top) = (MARGIN, map_bottom + GAP);
        (block_left, block_top) = (PAGE_WIDTH - MARGIN - block_width, legend_top);
    } else {
        (legend_left, legend_top) = (MARGIN + frame_width + GAP, map_top);
        block_left = legend_left;
        // Level with the bottom of the map when the legend leaves room.
        block_top = (legend_top + side.height() + GAP).max(map_bottom - block_height);
    }
    let block_bottom = if scale_bar.is_some() {
        block_top + block_height
    } else {
        0.0
    };
    let content_bottom = map_bottom.max(legend_top + side.height()).max(block_bottom);
    let credits = title::credits(&map.source, CONTENT_WIDTH);
    let credits_top = content_bottom + GAP;
    let page_height = (credits_top + credits.height() + MARGIN / 2.0).ceil();

    let mut out = String::with_capacity(capacity(map));
    open_document(&mut out, page_height, &map.title);
    out.push_str(&patterns);
    // Outlines may reach beyond the territories (an EPCI across two départements): cut them at the frame.
    let frame = Rect::new(
        (MARGIN, map_top - FRAME_PAD),
        (MARGIN + frame_width, map_bottom + FRAME_PAD),
    );
    out.push_str("<clipPath id=\"cadre-carte\"><rect x=\"");
    svg::num(&mut out, frame.min().x);
    out.push_str("\" y=\"");
    svg::num(&mut out, frame.min().y);
    out.push_str("\" width=\"");
    svg::num(&mut out, frame_width);
    out.push_str("\" height=\"");
    svg::num(&mut out, map_height + 2.0 * FRAME_PAD);
    out.push_str("\"/></clipPath>\n</defs>\n");
    if !direct {
        out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    }
    header.write(&mut out, MARGIN, MARGIN);

    let proj = bbox.map(|bbox| Projection::new(bbox, scale, map_left, map_top));
    if let Some(proj) = &proj {
        let _ = writeln!(out, "<g class=\"carte\" clip-path=\"url(#cadre-carte)\">");
        write_territories(&mut out, &map.features, &map.classes, proj, direct);
        if !map.outlines.is_empty() {
            let _ = writeln!(
                out,
                "<g class=\"contours\" fill=\"none\" stroke=\"{OUTLINE_STROKE}\" stroke-width=\"1.2\" stroke-linejoin=\"round\">"
            );
            for outline in &map.outlines {
                out.push_str("<path class=\"contour\" d=\"");
                svg::path_data(&mut out, outline, proj);
                out.push_str("\"/>\n");
            }
            out.push_str("</g>\n");
        }
        insets::write(&mut out, &map.frames, proj);
        out.push_str("</g>\n");
        // Outside the clip: a large circle at the edge is shown whole rather than cut.
        if let Some(symbols) = &map.symbols {
            symbols::write(&mut out, symbols, proj);
        }
        let circles: Vec<symbols::Circle> = map
            .symbols
            .iter()
            .flat_map(|s| symbols::circles(s, proj))
            .map(|(_, c)| c)
            .collect();
        labels::write(&mut out, &labels::place(&map.labels, &circles, proj, frame));
    }

    side.write(&mut out, legend_left, legend_top);
    if let Some(bar) = scale_bar {
        write_scale_block(
            &mut out,
            &bar,
            block_left,
            block_top,
            !map.frames.is_empty(),
        );
    }
    close_document(&mut out, &credits, credits_top);
    (out, proj)
}

/// The territories' group: one filled path each, white borders. With `direct`, only the
/// territories [`png`] cannot paint itself (hatched secret, unusual colours).
fn write_territories(
    out: &mut String,
    features: &[MapFeature],
    classes: &[LegendClass],
    proj: &Projection,
    direct: bool,
) {
    let _ = writeln!(
        out,
        "<g class=\"territoires\" stroke=\"#ffffff\" stroke-width=\"{}\" stroke-linejoin=\"round\">",
        border_width(features.len())
    );
    for feature in features {
        let fill = fill(feature.class, classes);
        if !(direct && png::solid(fill).is_some()) {
            write_feature(out, feature, fill, proj);
        }
    }
    // The mark of the approximate values, over their class's colour.
    for feature in features {
        if let FeatureClass::Approximate(i) = feature.class
            && i < classes.len()
        {
            write_feature(out, feature, APPROXIMATE_MARK, proj);
        }
    }
    out.push_str("</g>\n");
}

fn write_feature(out: &mut String, feature: &MapFeature, fill: &str, proj: &Projection) {
    out.push_str("<path class=\"territoire\" data-code=\"");
    svg::escape(out, &feature.code);
    out.push_str("\" fill=\"");
    svg::escape(out, fill);
    out.push_str("\" fill-rule=\"evenodd\" d=\"");
    svg::path_data(out, &feature.geometry, proj);
    out.push_str("\"><title>");
    svg::escape(out, &feature.name);
    out.push_str(" (");
    svg::escape(out, &feature.code);
    out.push(')');
    if !feature.value_label.is_empty() {
        out.push_str(" : ");
        svg::escape(out, &feature.value_label);
    }
    out.push_str("</title></path>\n");
}

#[cfg(test)]
mod tests;

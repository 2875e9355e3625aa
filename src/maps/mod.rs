//! The maps of a query assembled from its values: classes and colours by the plan's rule, each
//! territory on its shape and in its class, the legend with its counts, the reference lines,
//! labels and symbols; then written to the files the query names. The shapes come in already
//! in the query's scope and vintage (`territory::shapes`).

mod classes;
mod coverage;
mod indicator;

pub use classes::{Classed, Legend, NamedClass, class_map};
pub use coverage::{
    CoverageMap, PartsMultiples, coverage_map, coverage_references, parts_multiples,
};
pub use indicator::{IndicatorMap, indicator_map};

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::{FigureFiles, Picture, Section};
use crate::notice::Notice;
use crate::query::OUT_OF_BOUNDS;
use crate::render::{self, ChoroplethMap};

/// Files written, and the figure they show.
pub type Drawn = (Vec<PathBuf>, Section);

/// Said under every legend: where a value equal to a threshold goes.
pub const INTERVAL_NOTE: &str =
    "Classes fermées à gauche [a ; b[ : une valeur égale à un seuil est dans la classe supérieure";

/// The notice naming the territories a map has no shape for (none when all have one).
pub fn without_shape_notice(codes: &[String]) -> Option<Notice> {
    (!codes.is_empty()).then(|| Notice::WithoutShape {
        codes: codes.to_vec(),
    })
}

/// Writes `chart` to the SVG and PNG files of `files`: the files, and the report's figure.
pub fn draw(chart: &ChoroplethMap, files: &FigureFiles, out_dir: &Path) -> Result<Drawn> {
    let svg = render::choropleth_svg(chart);
    let paths = Picture {
        svg: &svg,
        png: &|| render::choropleth_png(chart, files.png_width),
        dpi: files.dpi,
    }
    .write_all(&files.outputs, out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: chart.title.clone(),
            svg,
        },
    ))
}

/// Labels are placed one by one against every other label and circle: a map of more
/// territories than a reader can tell apart by name (a national commune map, of the query
/// `query_file`) is refused rather than left to run for minutes.
pub fn check_label_count(query_file: &Path, n: usize) -> Result<()> {
    if n > render::MAX_LABELLED {
        return Err(Error::new(format!(
            "{OUT_OF_BOUNDS} : étiquettes sur {n} territoires (au plus {})",
            render::MAX_LABELLED
        ))
        .file(query_file)
        .hint("retirez « etiquettes = true » de la carte, ou cartographiez moins de territoires (un département, un EPCI)"));
    }
    Ok(())
}

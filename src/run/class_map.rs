//! Maps of named classes (priorities, typologies, services missing): each territory in one
//! class, the legend with the number of territories in each.

use std::collections::HashMap;
use std::path::Path;

use super::Drawn;
use super::map::{draw, level_shapes};
use crate::error::Result;
use crate::export::MapFiles;
use crate::query::Query;
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, Placed};
use crate::territory::{Level, Territory, Unit};

/// A class of the legend.
pub(super) struct NamedClass {
    pub label: String,
    pub color: String,
    /// Shown only when some territory is in it ("Autres territoires").
    pub optional: bool,
}

/// One territory on the map.
pub(super) struct Classed<'a> {
    pub code: &'a str,
    /// `Class(k)` indexes the classes given to [`class_map`].
    pub class: FeatureClass,
    pub value_label: String,
    /// Label priority: the highest are labelled first.
    pub weight: f64,
}

/// The legend's title and classes, in legend order.
pub(super) struct Legend {
    pub title: String,
    pub classes: Vec<NamedClass>,
}

/// Draws `classed` on the shapes of `level` and writes the map's outputs.
#[allow(clippy::too_many_arguments)]
pub(super) fn class_map(
    query: &Query,
    files: &MapFiles,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    classed: &[Classed],
    legend: Legend,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let map = &files.figure;
    let shapes = level_shapes(query, territory, level, notices)?;
    let names: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str()))
        .collect();
    let weights: HashMap<&str, f64> = classed.iter().map(|c| (c.code, c.weight)).collect();
    let (mut features, without_shape) = render::features_on_shapes(
        classed.iter().map(|c| Placed {
            code: c.code,
            name: names.get(c.code).copied().unwrap_or_default(),
            class: c.class,
            value_label: c.value_label.clone(),
        }),
        &shapes.layer.shapes_by_code(),
    );
    notices.extend(super::map::without_shape_notice(&without_shape));
    let counts = render::class_counts(&features, legend.classes.len());
    // Empty optional classes leave the legend; the classes after them move up.
    let kept: Vec<usize> = (0..legend.classes.len())
        .filter(|&k| !legend.classes[k].optional || counts[k] > 0)
        .collect();
    for f in &mut features {
        if let FeatureClass::Class(k) = f.class {
            f.class =
                FeatureClass::Class(kept.iter().position(|&j| j == k).expect("kept: not empty"));
        }
    }
    let mut chart = ChoroplethMap {
        title: map.title.clone(),
        subtitle: map.subtitle.clone(),
        legend_title: legend.title,
        classes: kept
            .iter()
            .map(|&k| LegendClass {
                label: legend.classes[k].label.clone(),
                color: legend.classes[k].color.clone(),
                count: counts[k],
            })
            .collect(),
        features,
        source: map.source.clone(),
        frames: shapes.frames.clone(),
        outlines: shapes.departements.clone(),
        references: shapes.unshaped.clone().into_iter().collect(),
        ..Default::default()
    };
    if files.labels {
        super::map::check_label_count(query, chart.features.len())?;
        chart.labels = render::feature_labels(&chart.features, |f| {
            weights.get(f.code.as_str()).copied().unwrap_or(f64::MIN)
        });
    }
    draw(&chart, &map.outputs, (map.png_width, map.dpi), out_dir)
}

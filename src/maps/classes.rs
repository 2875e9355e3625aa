//! Maps of named classes (priorities, typologies, services missing, numbers of axes): each
//! territory in one class, the legend with the number of territories in each.

use std::collections::HashMap;
use std::path::Path;

use super::{Drawn, check_label_count, draw, without_shape_notice};
use crate::error::Result;
use crate::export::MapFiles;
use crate::notice::Notice;
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, Placed};
use crate::territory::Unit;
use crate::territory::shapes::LevelShapes;

/// A class of the legend.
pub struct NamedClass {
    pub label: String,
    pub color: String,
    /// Shown only when some territory is in it ("Autres territoires").
    pub optional: bool,
}

/// One territory on the map.
pub struct Classed<'a> {
    pub code: &'a str,
    /// `Class(k)` indexes the classes given to [`class_map`].
    pub class: FeatureClass,
    pub value_label: String,
    /// Label priority: the highest are labelled first.
    pub weight: f64,
}

/// The legend's title and classes, in legend order.
pub struct Legend {
    pub title: String,
    pub classes: Vec<NamedClass>,
}

/// Draws `classed` (of `units`) on `shapes` and writes the map's files; `query_file` is the
/// query's, for the error of too many labels.
#[allow(clippy::too_many_arguments)]
pub fn class_map(
    files: &MapFiles,
    shapes: &LevelShapes,
    units: &[Unit],
    classed: &[Classed],
    legend: Legend,
    query_file: &Path,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let map = &files.figure;
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
    notices.extend(without_shape_notice(&without_shape));
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
        check_label_count(query_file, chart.features.len())?;
        chart.labels = render::feature_labels(&chart.features, |f| {
            weights.get(f.code.as_str()).copied().unwrap_or(f64::MIN)
        });
    }
    draw(&chart, map, out_dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::FigureFiles;
    use crate::geometry::{Crs, Feature, Layer};
    use geo::{MultiPolygon, polygon};

    fn square(code: &str, x: f64) -> Feature {
        Feature {
            code: code.into(),
            name: None,
            geometry: MultiPolygon::new(vec![polygon![
                (x: x, y: 0.0),
                (x: x + 1000.0, y: 0.0),
                (x: x + 1000.0, y: 1000.0),
                (x: x, y: 1000.0),
                (x: x, y: 0.0),
            ]]),
        }
    }

    #[test]
    fn each_territory_in_its_class_the_counts_in_the_legend_an_empty_optional_class_left_out() {
        let shapes = LevelShapes {
            layer: Layer {
                source: "epci.geojson".into(),
                crs: Crs::Lambert93,
                features: vec![square("A", 0.0), square("B", 1000.0)],
            },
            frames: vec![],
            departements: vec![],
            unshaped: None,
        };
        let unit = |code: &str| Unit {
            code: code.into(),
            name: format!("EPCI {code}"),
            departements: vec!["71".into()],
        };
        let units = [unit("A"), unit("B"), unit("C")];
        let classed: Vec<Classed> = ["A", "B", "C"]
            .iter()
            .map(|code| Classed {
                code,
                class: FeatureClass::Class(1),
                value_label: "2 axes".into(),
                weight: 1.0,
            })
            .collect();
        let class = |label: &str, optional| NamedClass {
            label: label.into(),
            color: "#aaaaaa".into(),
            optional,
        };
        let legend = Legend {
            title: "Axes".into(),
            classes: vec![class("Autres", true), class("2 axes", false)],
        };
        let dir = tempfile::tempdir().unwrap();
        let files = MapFiles {
            figure: FigureFiles {
                title: "Carte".into(),
                subtitle: None,
                source: "Source".into(),
                outputs: vec!["carte.svg".into()],
                png_width: 800,
                dpi: 96,
            },
            labels: false,
        };
        let mut notices = Vec::new();
        let (paths, _) = class_map(
            &files,
            &shapes,
            &units,
            &classed,
            legend,
            Path::new("q.toml"),
            dir.path(),
            &mut notices,
        )
        .unwrap();
        assert_eq!(paths, [dir.path().join("carte.svg")]);
        let svg = std::fs::read_to_string(&paths[0]).unwrap();
        // The optional class is empty: out of the legend; the two shaped territories counted.
        assert!(!svg.contains("Autres"), "{svg}");
        assert!(svg.contains("2 axes (2)"), "{svg}");
        assert_eq!(
            crate::notice::said(&notices),
            ["1 territoire(s) sans contour, absents de la carte : C"]
        );
    }
}

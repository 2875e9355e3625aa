//! The choropleth of one indicator of a query of indicators, its thresholds numbers or the
//! values of the selection and the reference rows, with circles for a stock when asked.

use std::collections::HashMap;
use std::path::Path;

use super::{Drawn, INTERVAL_NOTE, check_label_count, draw, without_shape_notice};
use crate::classify::{Classing, NamedValue};
use crate::error::Result;
use crate::export::FigureFiles;
use crate::format;
use crate::indicators::Cell;
use crate::indicators::filter::{Bound, ReferenceRows};
use crate::indicators::model::{Indicator, Values};
use crate::notice::Notice;
use crate::render::{
    self, ChoroplethMap, FeatureClass, LegendClass, LegendLayout, Placed, ProportionalSymbols,
};
use crate::territory::reference_area::ReferenceRow;
use crate::territory::shapes::LevelShapes;
use crate::territory::{Level, Territory, Unit};

/// A map of `[cartes]`, as the plan resolves it: its indicator, for circles its stock, the
/// reference rows its thresholds name, its classes and files.
#[derive(Debug)]
pub struct IndicatorMap {
    pub indicator: usize,
    pub symbols: Option<usize>,
    pub references: Vec<ReferenceRow>,
    pub classing: Classing,
    pub figure: FigureFiles,
    /// Territories named on the map.
    pub labels: bool,
    pub legend: LegendLayout,
}

/// The choropleth of one indicator, with circles for a stock when asked.
/// Its shapes are read by `shapes` once its classes are had; `query_file` is the query's, for
/// the error of too many labels.
#[allow(clippy::too_many_arguments)]
pub fn indicator_map(
    map: &IndicatorMap,
    indicators: &[Indicator],
    (territory, level, units): (&Territory, Level, &[Unit]),
    values: &Values,
    rows: &ReferenceRows,
    shapes: impl FnOnce(&mut Vec<Notice>) -> Result<LevelShapes>,
    query_file: &Path,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let indicator = &indicators[map.indicator];
    let decimals = indicator.decimals();
    let of = |u: usize| values.get(u, map.indicator);
    let series = vec![(0..units.len()).filter_map(|u| of(u).shown()).collect()];
    let selection = values.total[map.indicator].value();
    // What the thresholds may name: the selection, and the reference rows they ask for.
    let named: Vec<(&str, String, Cell)> = std::iter::once(Bound::Selection)
        .chain(
            rows.iter()
                .filter(|(row, _)| map.references.contains(row))
                .map(|(row, _)| Bound::Reference(*row)),
        )
        .filter_map(|b| {
            let (name, cell) = b.named_value(map.indicator, values, rows)?;
            Some((b.key()?, name, cell))
        })
        .collect();
    let asked = |key: &str| map.classing.rule.names(key);
    let mut references = Vec::with_capacity(named.len());
    for (key, name, cell) in &named {
        match cell {
            Cell::Value(value) => references.push(NamedValue {
                key,
                value: *value,
                name: match *key {
                    "reference:selection" => "ensemble de la sélection".to_string(),
                    _ => name.clone(),
                },
            }),
            _ if asked(key) => {
                return Err(map
                    .classing
                    .place
                    .error(
                        format!(
                            "« {key} » : {} est {} pour « {} »",
                            match *key {
                                "reference:selection" => "l'ensemble de la sélection".to_string(),
                                _ => format!("la ligne « {name} »"),
                            },
                            match (cell, *key) {
                                (Cell::Secret, "reference:selection") => {
                                    "secret (une cellule secrète au moins)".to_string()
                                }
                                _ => cell.why_not_a_number(indicator.decimals()),
                            },
                            indicator.label
                        ),
                    )
                    .hint("donnez des seuils en nombres, ou une méthode de classes (« quantiles », « seuils_naturels »)"));
            }
            _ => {}
        }
    }
    let classes = map.classing.classes(&references, &series, notices)?;
    // A palette around a reference centres on the département's when the map names it.
    let departement = references
        .iter()
        .find(|r| r.key == ReferenceRow::Departement.key())
        .map(|r| r.value);
    let center = departement.or(selection).unwrap_or_else(|| {
        let s = &series[0];
        s.iter().sum::<f64>() / s.len().max(1) as f64
    });
    let colors = map.classing.colours(&classes, center)?;
    let shapes = shapes(notices)?;
    let (features, without_shape) = render::features_on_shapes(
        units.iter().enumerate().map(|(u, unit)| Placed {
            code: &unit.code,
            name: &unit.name,
            class: FeatureClass::of_cell(of(u), &classes),
            value_label: of(u).label(decimals),
        }),
        &shapes.layer.shapes_by_code(),
    );
    notices.extend(without_shape_notice(&without_shape));
    let counts = render::class_counts(&features, classes.len());
    let legend = classes
        .labels(decimals)
        .into_iter()
        .zip(colors)
        .zip(&counts)
        .map(|((label, color), count)| LegendClass {
            label,
            color,
            count: *count,
        })
        .collect();
    let mut chart = ChoroplethMap {
        title: map.figure.title.clone(),
        subtitle: map.figure.subtitle.clone(),
        legend_title: indicator.label.clone(),
        classes: legend,
        features,
        // A share's selection is 100 % by definition, a published value has none: no line
        // for them.
        references: named
            .iter()
            .filter(|(key, ..)| *key != "reference:selection" || indicator.kind.shows_selection())
            .map(|(_, name, cell)| match cell {
                Cell::Value(v) => format!("{name} : {}", format::display(*v, decimals)),
                Cell::Bounded { .. } => format!("{name} : {}", cell.table_label(decimals)),
                Cell::Secret => format!("{name} : secret"),
                Cell::Partial => format!("{name} : partiel"),
                Cell::Missing => format!("{name} : sans valeur"),
            })
            .chain(shapes.unshaped.clone())
            .collect(),
        source: map.figure.source.clone(),
        interval_note: Some(INTERVAL_NOTE.to_string()),
        legend_layout: map.legend,
        frames: shapes.frames.clone(),
        outlines: shapes.departements.clone(),
        ..Default::default()
    };
    if let Some(stock) = map.symbols {
        let shown = &indicators[stock];
        let rank: HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(u, unit)| (unit.code.as_str(), u))
            .collect();
        chart.symbols = Some(ProportionalSymbols::on_features(
            &chart.features,
            &shown.label,
            |code| values.get(*rank.get(code)?, stock).shown(),
        ));
    }
    if map.labels {
        check_label_count(query_file, chart.features.len())?;
        let population = territory.populations(level);
        chart.labels = render::feature_labels(&chart.features, |f| {
            population.get(f.code.as_str()).copied().unwrap_or(0.0)
        });
    }
    draw(&chart, &map.figure, out_dir)
}

//! A query of plain indicators: its sources summed into the territories, its indicators
//! evaluated, then its tables and maps written.

use std::collections::HashMap;
use std::path::Path;

use super::map::{
    check_label_count, class_colors, draw, level_shapes, resolve_classes, without_shape_notice,
};
use super::synthesis::synthesis_map;
use super::{Drawn, Report, Section};
use crate::classify::NamedValue;
use crate::error::Result;
use crate::export::markdown_notes;
use crate::format;
use crate::indicators::Cell;
use crate::indicators::filter::{Bound, ReferenceRows};
use crate::indicators::model::Values;
use crate::query::{IndicatorPlan, PlannedMap, Query, ReferenceRow};
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, Placed, ProportionalSymbols};
use crate::sources::{evaluate_sources, reference_values};
use crate::territory::{Level, Territory, Unit};

pub(super) fn run_indicators(
    query: &Query,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let selection = query.selection(territory)?;
    let (level, units) = (selection.level, selection.units.as_slice());
    let plan = query.indicator_plan(level)?;
    let mut notices = selection.notices.clone();
    let evaluated = evaluate_sources(query, &plan.method, &selection, &mut notices)?;
    let values = &evaluated.values;
    for (indicator, absent) in plan.method.indicators.iter().zip(&values.absent) {
        if *absent > 0 {
            notices.push(format!(
                "« {} » : {absent} territoire(s) sur {} sans donnée, laissé(s) hors de l'ensemble de la sélection",
                indicator.label,
                units.len()
            ));
        }
    }
    for &i in &values.zero_totals {
        notices.push(format!(
            "« {} » : le total de la sélection est nul, aucune part ne se calcule (donnée absente)",
            plan.method.indicators[i].label
        ));
    }
    let mut report = Report {
        title: format!("Indicateurs par {}", level.noun()),
        ..Report::default()
    };
    let references = reference_values(
        query,
        &plan.method,
        territory,
        plan.reference_rows(),
        &mut notices,
    )?;
    // Every table built before any is written, so that each lists the notices of all
    // (a filter's among them).
    let mut tables = Vec::with_capacity(plan.tables.len());
    for table in &plan.tables {
        let out = table.rows(
            &plan.method.indicators,
            territory,
            level,
            units,
            &evaluated,
            &references,
            &mut notices,
        )?;
        tables.push((table, out));
    }
    for figure in &plan.figures {
        let sentence =
            figure.sentence(&plan.method.indicators, level, units, values, &references)?;
        notices.push(format!("chiffre clé « {} » : {sentence}", figure.name));
    }
    let synthesis = match &plan.synthesis {
        Some(planned) => {
            let done =
                planned.synthesize(&plan.method.indicators, level, units, values, &references)?;
            notices.extend(done.axes_said.iter().cloned());
            notices.push(format!("priorités : {}", done.sentence));
            Some((planned, done))
        }
        None => None,
    };
    for (table, out) in tables {
        let title = table.title.clone();
        let paths = out.write_all(&table.outputs, out_dir, &title, &|| {
            format!(
                "{}{}",
                out.to_markdown(Some(&title)),
                markdown_notes(&notices)
            )
        })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table { title, table: out });
    }
    if let Some((planned, done)) = &synthesis {
        let title = planned.title.clone();
        let paths = done
            .table
            .write_all(&planned.outputs, out_dir, "Priorités", &|| {
                format!(
                    "{}{}",
                    done.table.to_markdown(Some(&title)),
                    markdown_notes(&notices)
                )
            })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table {
            title,
            table: done.table.clone(),
        });
        if let Some(map) = &planned.map {
            report.add(synthesis_map(
                query,
                map,
                done,
                &selection,
                out_dir,
                &mut notices,
            )?);
        }
    }
    for map in &plan.maps {
        let drawn = indicator_map(
            query,
            &plan,
            map,
            territory,
            level,
            units,
            values,
            &references,
            out_dir,
            &mut notices,
        )?;
        report.add(drawn);
    }
    report.notices = notices;
    Ok(report)
}

/// The choropleth of one indicator, with circles for a stock when asked.
#[allow(clippy::too_many_arguments)]
fn indicator_map(
    query: &Query,
    plan: &IndicatorPlan,
    map: &PlannedMap,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    values: &Values,
    rows: &ReferenceRows,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let spec = map.spec;
    let indicator = &plan.method.indicators[map.indicator];
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
    let rule = spec.classes.get_ref().rule();
    let asked = |key: &str| rule.as_ref().is_ok_and(|r| r.names(key));
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
                return Err(query
                    .error_at(
                        &spec.classes.span(),
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
    let classes = resolve_classes(query, &spec.classes, &references, &series, notices)?;
    // A palette around a reference centres on the département's when the map names it.
    let departement = references
        .iter()
        .find(|r| r.key == ReferenceRow::Departement.key())
        .map(|r| r.value);
    let center = departement.or(selection).unwrap_or_else(|| {
        let s = &series[0];
        s.iter().sum::<f64>() / s.len().max(1) as f64
    });
    let colors = class_colors(query, spec.palette, &spec.classes.span(), &classes, center)?;
    let shapes = level_shapes(query, territory, level, notices)?;
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
        title: spec.titre.clone(),
        subtitle: spec.sous_titre.clone(),
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
        source: spec.source.clone(),
        interval_note: Some(super::map::INTERVAL_NOTE.to_string()),
        legend_layout: spec.legende,
        frames: shapes.frames.clone(),
        outlines: shapes.departements.clone(),
        ..Default::default()
    };
    if let Some(stock) = map.symbols {
        let shown = &plan.method.indicators[stock];
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
    if spec.etiquettes {
        check_label_count(query, chart.features.len())?;
        let population = territory.populations(level);
        chart.labels = render::feature_labels(&chart.features, |f| {
            population.get(f.code.as_str()).copied().unwrap_or(0.0)
        });
    }
    draw(
        &chart,
        spec.sorties.get_ref(),
        (spec.largeur_png, spec.dpi_png),
        out_dir,
    )
}

//! An `[evolution]` query: counts and rates of several years brought to the territories
//! of the query's vintage, and their change from the first year to the last (counts in
//! units and percent, rates in points), as a table and a map diverging from 0.

use std::path::Path;

use super::map::class_map;
use super::{Drawn, Report, Section, Selection};
use crate::classify::palette;
use crate::classify::{Classes, Threshold};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::indicators::Cell;
use crate::indicators::evolution::{ChangeMap, EvolutionShape, Series};
use crate::indicators::model::Indicator;
use crate::maps::{Classed, Legend, NamedClass};
use crate::notice::Notice;
use crate::query::{EvolutionPlan, Query};
use crate::render::{self, FeatureClass, Line};
use crate::sources::{evaluate_sources, reference_values};
use crate::territory::{Level, Territory, Unit};

pub(super) fn run_evolution(
    query: &Query,
    plan: &EvolutionPlan,
    selection: &Selection,
    out_dir: &Path,
) -> Result<Report> {
    let (territory, level, units) = (selection.territory, selection.level, &selection.units[..]);
    let shape = &plan.shape;
    let years = shape.years.len();
    let mut notices = selection.notices.clone();
    let evaluated = evaluate_sources(query, &plan.method, selection, &mut notices)?;
    let values = &evaluated.values;
    // Indicator `k` of year `y` is `y × K + k` of the plan.
    let per_year = shape.labels.len();
    // The whole selection each year: over the territories the files hold, when they hold the
    // same ones every year (a file of a few communes is summed over them); otherwise a year
    // lacking a territory has no total, rather than one over other territories than the
    // other years'.
    let same_every_year = evaluated.found.windows(2).all(|w| w[0] == w[1]);
    let unfound = evaluated
        .found
        .first()
        .map_or(0, |f| f.iter().filter(|x| !**x).count());
    let total_of = |i: usize| match same_every_year {
        true => values.total_of_found(i, unfound),
        false => values.total_of_all(i),
    };
    let kinds = &plan.method.indicators[..per_year];
    let series: Vec<Series> = (0..per_year)
        .map(|k| Series {
            units: (0..values.territories())
                .map(|u| {
                    (0..years)
                        .map(|y| values.get(u, y * per_year + k))
                        .collect()
                })
                .collect(),
            total: (0..years).map(|y| total_of(y * per_year + k)).collect(),
        })
        .collect();

    // Territories no file covers stay on the map (no data) but leave the table: the
    // notices name them already.
    let covered: Vec<bool> = (0..units.len())
        .map(|u| evaluated.found.iter().any(|f| f[u]))
        .collect();
    // The whole selection's row says over which territories it is summed.
    let total_name = match (same_every_year, unfound) {
        (true, n) if n > 0 => format!(
            "Ensemble des {} {} des fichiers, chaque année",
            units.len() - n,
            level.plural()
        ),
        _ => "Ensemble".to_string(),
    };
    // The reference rows of each year, as the tables of indicators compute them: per row,
    // per indicator, its value each year.
    let references: Vec<(String, Vec<Vec<Cell>>)> = reference_values(
        query,
        &plan.method,
        territory,
        shape.references.clone(),
        &mut notices,
    )?
    .into_iter()
    .map(|(_, r)| {
        let of = |k: usize| (0..years).map(|y| r.cells[y * per_year + k]).collect();
        (r.name, (0..per_year).map(of).collect())
    })
    .collect();
    let table = shape.change_table(kinds, units, &series, &covered, &total_name, &references);
    let mut report = Report {
        title: shape.title.clone(),
        ..Report::default()
    };
    if let Some(chart) = &shape.chart {
        let k = shape.charted;
        let svg = render::line_chart_svg(&shape.line_chart(
            chart,
            (&kinds[k], &series[k], &total_name),
            &references,
        ));
        report.add(chart.write(svg, out_dir)?);
    }
    if let Some(sheet) = &shape.multiples {
        let k = shape.in_panels;
        let panels = units
            .iter()
            .zip(&series[k].units)
            .zip(&covered)
            .filter(|(_, covered)| **covered)
            .map(|((unit, values), _)| Line {
                label: shape.panel_title(&unit.name, values),
                values: values.iter().map(|c| c.bounds()).collect(),
            });
        let svg = render::line_multiples_svg(&shape.line_multiples(
            sheet,
            panels.collect(),
            (&kinds[k], &series[k], &total_name),
        ));
        report.add(sheet.write(svg, out_dir)?);
    }
    if let Some(map) = &shape.map {
        let drawn = change_map(
            query,
            shape,
            map,
            (territory, level, units),
            kinds,
            &series,
            out_dir,
            &mut notices,
        )?;
        report.add(drawn);
    }
    let paths = table.write_all(&shape.outputs, out_dir, "Évolution", &|| {
        table.to_markdown(Some(&shape.title)) + &markdown_notes(&notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table {
        title: shape.title.clone(),
        table,
    });
    report.notices = notices;
    Ok(report)
}

/// The map of the first change of the mapped indicator, in classes around 0.
#[allow(clippy::too_many_arguments)]
fn change_map(
    query: &Query,
    shape: &EvolutionShape,
    map: &ChangeMap,
    (territory, level, units): (&Territory, Level, &[Unit]),
    kinds: &[Indicator],
    series: &[Series],
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let (a, b) = shape.changes[0];
    let changes: Vec<Cell> = series[map.indicator]
        .units
        .iter()
        .map(|v| v[b] - v[a])
        .collect();
    let values: Vec<f64> = changes.iter().filter_map(|c| c.shown()).collect();
    let classes = match &map.limits {
        Some(limits) => Classes::new(
            limits
                .iter()
                .map(|&value| Threshold { value, name: None })
                .collect(),
        ),
        None => Ok(Classes::symmetric_around_zero(&values)),
    }
    .map_err(|e| map.place.put(e))?;
    let colors = palette::diverging_around(&classes, 0.0).ok_or_else(|| {
        map.place
            .error("trop de classes pour une palette divergente")
            .hint("« carte_seuils » : dix limites au plus")
    })?;
    let classed: Vec<Classed> = units
        .iter()
        .zip(&changes)
        .map(|(u, c)| Classed {
            code: &u.code,
            class: FeatureClass::of_cell(*c, &classes),
            value_label: c.label(1),
            weight: c.shown().map_or(f64::MIN, f64::abs),
        })
        .collect();
    class_map(
        query,
        &map.files,
        territory,
        level,
        units,
        &classed,
        Legend {
            title: shape.map_legend_title(&kinds[map.indicator]),
            classes: classes
                .labels(1)
                .into_iter()
                .zip(colors)
                .map(|(label, color)| NamedClass {
                    label,
                    color,
                    optional: false,
                })
                .collect(),
        },
        out_dir,
        notices,
    )
}

//! An `[evolution]` query: counts and rates of several years brought to the territories
//! of the query's vintage, and their change from the first year to the last (counts in
//! units and percent, rates in points), as a table and a map diverging from 0.

use std::path::Path;

use super::class_map::{Classed, Legend, NamedClass, class_map};
use super::indicators::evaluate_sources;
use super::{Report, Section, markdown_notes, select_units, write_tables};
use crate::classify::palette;
use crate::classify::{Classes, Threshold};
use crate::error::Result;
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::indicators::model::{Indicator, Kind};
use crate::query::{EvolutionSpec, Query};
use crate::territory::{Territory, Unit};

/// An indicator's value for each year, for every territory and the whole selection.
struct Series {
    /// Per unit (in units order), per year.
    units: Vec<Vec<Cell>>,
    /// The selection as a whole, per year.
    total: Vec<Cell>,
}

pub(super) fn run_evolution(
    query: &Query,
    spec: &EvolutionSpec,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let selection = select_units(query, territory)?;
    let (level, units) = (selection.level, selection.units.as_slice());
    let plan = query.evolution_plan(spec, level)?;
    let years = spec.annees.get_ref();
    if years.len() < 2 || years.windows(2).any(|w| w[0].annee >= w[1].annee) {
        return Err(query
            .error_at(
                &spec.annees.span(),
                "« annees » : au moins deux années, chacune une fois, de la plus ancienne à la plus récente",
            )
            .hint("[[evolution.annees]] annee = 2016, fichier = \"…\", puis la même chose pour 2020"));
    }
    let mut notices = Vec::new();
    let evaluated = evaluate_sources(query, &plan, &selection, &mut notices)?;
    let values = &evaluated.values;
    // Indicator `k` of year `y` is `y × K + k` of the plan.
    let per_year = spec.indicateurs.get_ref().len();
    let kinds = &plan.indicators[..per_year];
    let series: Vec<Series> = (0..per_year)
        .map(|k| Series {
            units: (0..values.territories())
                .map(|u| {
                    (0..years.len())
                        .map(|y| values.get(u, y * per_year + k))
                        .collect()
                })
                .collect(),
            // A year whose file lacks a territory (or one of its counts) has no total,
            // rather than a total over other territories than the other years'.
            total: (0..years.len())
                .map(|y| values.total_of_all(y * per_year + k))
                .collect(),
        })
        .collect();

    // Territories no file covers stay on the map (no data) but leave the table: the
    // notices name them already.
    let covered: Vec<bool> = (0..units.len())
        .map(|u| evaluated.found.iter().any(|f| f[u]))
        .collect();
    let table = change_table(spec, kinds, units, &series, &covered);
    let mut report = Report {
        title: spec.titre.clone(),
        ..Report::default()
    };
    if let Some(map) = &spec.carte {
        let drawn = change_map(
            query,
            spec,
            map,
            territory,
            level,
            units,
            kinds,
            &series,
            out_dir,
            &mut notices,
        )?;
        report.add(drawn);
    }
    let paths = write_tables(query, &spec.sorties, out_dir, &table, "Évolution", &|| {
        table.to_markdown(Some(&spec.titre)) + &markdown_notes(&notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table {
        title: spec.titre.clone(),
        table,
    });
    report.notices = notices;
    Ok(report)
}

/// Code, territory, and for each indicator its value each year and its change, for the
/// territories some file covers; the whole selection last.
fn change_table(
    spec: &EvolutionSpec,
    kinds: &[Indicator],
    units: &[Unit],
    series: &[Series],
    covered: &[bool],
) -> OutTable {
    let years: Vec<u16> = spec.annees.get_ref().iter().map(|y| y.annee).collect();
    let span = format!("{}-{}", years[0], years[years.len() - 1]);
    let mut headers = vec![
        ("Code".to_string(), Align::Left),
        ("Territoire".to_string(), Align::Left),
    ];
    for (ind, kind) in spec.indicateurs.get_ref().iter().zip(kinds) {
        for y in &years {
            headers.push((format!("{} {y}", ind.libelle), Align::Right));
        }
        match kind.kind {
            Kind::Stock(_) => {
                headers.push((format!("{} : évolution {span}", ind.libelle), Align::Right));
                headers.push((
                    format!("{} : évolution {span} (%)", ind.libelle),
                    Align::Right,
                ));
            }
            _ => headers.push((
                format!("{} : évolution {span} (points)", ind.libelle),
                Align::Right,
            )),
        }
    }
    let row = |code: &str, name: &str, values: &dyn Fn(&Series) -> Vec<Cell>| {
        let mut row = vec![code.to_string(), name.to_string()];
        for (s, kind) in series.iter().zip(kinds) {
            let v = values(s);
            let (first, last) = (v[0], v[v.len() - 1]);
            match kind.kind {
                Kind::Stock(_) => {
                    row.extend(v.iter().map(|c| count(*c)));
                    row.push(count(last - first));
                    row.push(Cell::relative_change(first, last).table_label(1));
                }
                _ => {
                    row.extend(v.iter().map(|c| c.table_label(1)));
                    row.push((last - first).table_label(1));
                }
            }
        }
        row
    };
    let mut rows: Vec<Vec<String>> = units
        .iter()
        .enumerate()
        .filter(|(i, _)| covered[*i])
        .map(|(i, u)| row(&u.code, &u.name, &|s: &Series| s.units[i].clone()))
        .collect();
    rows.push(row("", "Ensemble", &|s: &Series| s.total.clone()));
    OutTable { headers, rows }
}

/// A count with the decimals it has (shares of a split commune).
fn count(c: Cell) -> String {
    match c {
        Cell::Value(v) => format::count(v),
        other => other.table_label(0),
    }
}

/// The map of the change of `carte_indicateur`, in classes around 0.
#[allow(clippy::too_many_arguments)]
fn change_map(
    query: &Query,
    spec: &EvolutionSpec,
    map: &crate::query::ClassMapSpec,
    territory: &Territory,
    level: crate::territory::Level,
    units: &[Unit],
    kinds: &[Indicator],
    series: &[Series],
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<super::Drawn> {
    let wanted = spec.carte_indicateur.as_ref().ok_or_else(|| {
        query
            .error_at(&map.sorties.span(), "[evolution.carte] sans « carte_indicateur »")
            .hint("nommez dans [evolution] l'indicateur cartographié : carte_indicateur = \"…\" (son libellé)")
    })?;
    let index = spec
        .indicateurs
        .get_ref()
        .iter()
        .position(|i| &i.libelle == wanted.get_ref())
        .ok_or_else(|| {
            query.error_at(
                &wanted.span(),
                format!(
                    "« {} » n'est le libellé d'aucun indicateur",
                    wanted.get_ref()
                ),
            )
        })?;
    let changes: Vec<Cell> = series[index]
        .units
        .iter()
        .map(|v| v[v.len() - 1] - v[0])
        .collect();
    let values: Vec<f64> = changes.iter().filter_map(|c| c.shown()).collect();
    let classes = match &spec.carte_seuils {
        Some(limits) => Classes::new(
            limits
                .iter()
                .map(|v| Threshold {
                    value: v.get(),
                    name: None,
                })
                .collect(),
        ),
        None => Ok(Classes::symmetric_around_zero(&values)),
    }
    .map_err(|e| query.place(e, &wanted.span()))?;
    let colors = palette::diverging_around(&classes, 0.0).ok_or_else(|| {
        query
            .error_at(
                &wanted.span(),
                "trop de classes pour une palette divergente",
            )
            .hint("« carte_seuils » : dix limites au plus")
    })?;
    let unit_word = match kinds[index].kind {
        Kind::Stock(_) => "",
        _ => " (points)",
    };
    let years = spec.annees.get_ref();
    let legend_title = format!(
        "Évolution {}-{}{unit_word}",
        years[0].annee,
        years[years.len() - 1].annee
    );
    let classed: Vec<Classed> = units
        .iter()
        .zip(&changes)
        .map(|(u, c)| Classed {
            code: &u.code,
            class: super::map::class_of_cell(*c, &classes),
            value_label: c.label(1),
            weight: c.shown().map_or(f64::MIN, f64::abs),
        })
        .collect();
    class_map(
        query,
        map,
        territory,
        level,
        units,
        &classed,
        Legend {
            title: legend_title,
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

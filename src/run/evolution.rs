//! An `[evolution]` query: counts and rates of several years brought to the territories
//! of the query's vintage, and their change from the first year to the last (counts in
//! units and percent, rates in points), as a table and a map diverging from 0.

use std::path::Path;

use super::class_map::{Classed, Legend, NamedClass, class_map};
use super::map::chart_figure;
use super::{Report, Section};
use crate::classify::palette;
use crate::classify::{Classes, Threshold};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::indicators::model::Indicator;
use crate::query::{ChartSpec, EvolutionSpec, Query, TargetSpec};
use crate::render::{self, FeatureClass, Line, LineChart, LineMultiples, Target};
use crate::sources::{evaluate_sources, reference_values};
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
    let selection = query.selection(territory)?;
    let (level, units) = (selection.level, selection.units.as_slice());
    let plan = query.evolution_plan(spec, level)?;
    let years = spec.annees.get_ref();
    let mut notices = selection.notices.clone();
    let evaluated = evaluate_sources(query, &plan, &selection, &mut notices)?;
    let values = &evaluated.values;
    // Indicator `k` of year `y` is `y × K + k` of the plan.
    let per_year = spec.indicateurs.get_ref().len();
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
            total: (0..years.len())
                .map(|y| total_of(y * per_year + k))
                .collect(),
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
        &plan,
        territory,
        spec.references.clone(),
        &mut notices,
    )?
    .into_iter()
    .map(|(_, r)| {
        let of = |k: usize| {
            (0..years.len())
                .map(|y| r.cells[y * per_year + k])
                .collect()
        };
        (r.name, (0..per_year).map(of).collect())
    })
    .collect();
    let table = change_table(
        spec,
        kinds,
        units,
        &series,
        &covered,
        &total_name,
        &references,
    );
    let mut report = Report {
        title: spec.titre.clone(),
        ..Report::default()
    };
    let (charted, in_panels) = charted_indicators(spec);
    if let Some(chart) = &spec.graphique {
        let svg = render::line_chart_svg(&line_chart(
            spec,
            chart,
            charted,
            (&kinds[charted], &series[charted], &total_name),
            &references,
        ));
        report.add(chart_figure(chart, svg, out_dir)?);
    }
    if let Some(sheet) = &spec.multiples {
        let panels = units
            .iter()
            .zip(&series[in_panels].units)
            .zip(&covered)
            .filter(|(_, covered)| **covered)
            .map(|((unit, values), _)| Line {
                label: panel_title(&unit.name, spec, values),
                values: values.iter().map(|c| c.bounds()).collect(),
            });
        let svg = render::line_multiples_svg(&line_multiples(
            spec,
            sheet,
            in_panels,
            panels.collect(),
            (&kinds[in_panels], &series[in_panels], &total_name),
        ));
        report.add(chart_figure(sheet, svg, out_dir)?);
    }
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
    let paths = table.write_all(spec.sorties.get_ref(), out_dir, "Évolution", &|| {
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

/// The changes shown, as positions in the series: those of `variations`, or the first year
/// to the last (the resolve step has checked that each names years of the series).
fn changes(spec: &EvolutionSpec) -> Vec<(usize, usize)> {
    let years: Vec<u16> = spec.annees.get_ref().iter().map(|y| y.year()).collect();
    let at = |y: u16| years.iter().position(|x| *x == y).unwrap_or(0);
    match &spec.variations {
        Some(v) => v.get_ref().iter().map(|[a, b]| (at(*a), at(*b))).collect(),
        None => vec![(0, years.len() - 1)],
    }
}

/// Code, territory, and for each indicator its value each year and its changes (a count in
/// units and percent, a rate in points), for the territories some file covers; the whole
/// selection last.
fn change_table(
    spec: &EvolutionSpec,
    kinds: &[Indicator],
    units: &[Unit],
    series: &[Series],
    covered: &[bool],
    total_name: &str,
    references: &[(String, Vec<Vec<Cell>>)],
) -> OutTable {
    let years: Vec<u16> = spec.annees.get_ref().iter().map(|y| y.year()).collect();
    let changes = changes(spec);
    let mut headers = vec![
        ("Code".to_string(), Align::Left),
        ("Territoire".to_string(), Align::Left),
    ];
    for (ind, kind) in spec.indicateurs.get_ref().iter().zip(kinds) {
        for y in &years {
            headers.push((format!("{} {y}", ind.libelle), Align::Right));
        }
        for &(a, b) in &changes {
            let span = format!("{}-{}", years[a], years[b]);
            match kind.kind.is_count() {
                true => {
                    headers.push((format!("{} : évolution {span}", ind.libelle), Align::Right));
                    headers.push((
                        format!("{} : évolution {span} (%)", ind.libelle),
                        Align::Right,
                    ));
                }
                false => headers.push((
                    format!("{} : évolution {span} (points)", ind.libelle),
                    Align::Right,
                )),
            }
        }
    }
    // A row: per indicator `k`, `values(k)` each year, then the changes.
    let row = |code: &str, name: &str, values: &dyn Fn(usize) -> Vec<Cell>| {
        let mut row = vec![code.to_string(), name.to_string()];
        for (k, kind) in kinds.iter().enumerate() {
            let v = values(k);
            match kind.kind.is_count() {
                true => row.extend(v.iter().map(|c| count(*c))),
                false => row.extend(v.iter().map(|c| c.table_label(1))),
            }
            for &(a, b) in &changes {
                let (first, last) = (v[a], v[b]);
                match kind.kind.is_count() {
                    true => {
                        row.push(count(last - first));
                        row.push(Cell::relative_change(first, last).table_label(1));
                    }
                    // A rate, recomputed or published, changes in points, never in percent.
                    _ => row.push((last - first).table_label(1)),
                }
            }
        }
        row
    };
    let mut rows: Vec<Vec<String>> = units
        .iter()
        .enumerate()
        .filter(|(i, _)| covered[*i])
        .map(|(i, u)| row(&u.code, &u.name, &|k| series[k].units[i].clone()))
        .collect();
    rows.push(row("", total_name, &|k| series[k].total.clone()));
    for (name, cells) in references {
        rows.push(row("", name, &|k| cells[k].clone()));
    }
    rows.extend(target_rows(
        spec,
        kinds,
        units,
        series,
        &changes,
        headers.len(),
    ));
    OutTable { headers, rows }
}

/// The targets, in the column of their indicator and year: for the selection, then for each
/// territory given one, a row of the values aimed at and a row of the gap of its value to each.
fn target_rows(
    spec: &EvolutionSpec,
    kinds: &[Indicator],
    units: &[Unit],
    series: &[Series],
    changes: &[(usize, usize)],
    width: usize,
) -> Vec<Vec<String>> {
    let Some(targets) = &spec.cibles else {
        return Vec::new();
    };
    // Each target's scope: the selection (`None`), or its territory's index among the units.
    let scope_of = |t: &TargetSpec| {
        t.territoire
            .as_ref()
            .and_then(|code| units.iter().position(|u| &u.code == code))
    };
    // The selection first, then the territories in the order of the units.
    let mut scopes: Vec<Option<usize>> = targets.get_ref().iter().map(scope_of).collect();
    scopes.sort();
    scopes.dedup();
    scopes
        .into_iter()
        .flat_map(|scope| {
            let of_scope = targets
                .get_ref()
                .iter()
                .filter(move |t| scope_of(t) == scope);
            scope_rows(
                spec,
                kinds,
                series,
                changes,
                width,
                of_scope,
                scope.map(|u| &units[u]),
                scope,
            )
        })
        .collect()
}

/// The two rows of the targets of one scope: the selection, or territory `u`.
#[allow(clippy::too_many_arguments)]
fn scope_rows<'t>(
    spec: &EvolutionSpec,
    kinds: &[Indicator],
    series: &[Series],
    changes: &[(usize, usize)],
    width: usize,
    targets: impl Iterator<Item = &'t TargetSpec>,
    unit: Option<&Unit>,
    u: Option<usize>,
) -> Vec<Vec<String>> {
    let years: Vec<u16> = spec.annees.get_ref().iter().map(|y| y.year()).collect();
    let labels = spec.indicateurs.get_ref();
    let mut aimed = vec![String::new(); width];
    let mut gaps = vec![String::new(); width];
    let (code, suffix) = match unit {
        Some(unit) => (unit.code.clone(), format!(" : {}", unit.name)),
        None => (String::new(), String::new()),
    };
    aimed[0].clone_from(&code);
    gaps[0] = code;
    aimed[1] = format!("Cible{suffix}");
    gaps[1] = format!("Écart à la cible{suffix}");
    for t in targets {
        let (Some(k), Some(y)) = (
            labels.iter().position(|i| i.libelle == t.indicateur),
            years.iter().position(|y| *y == t.annee),
        ) else {
            continue;
        };
        // The columns before indicator `k`: its years, then per change one column (a rate) or
        // two (a count, in units and in %).
        let before: usize = kinds[..k]
            .iter()
            .map(|kind| years.len() + changes.len() * if kind.kind.is_count() { 2 } else { 1 })
            .sum();
        let at = 2 + before + y;
        let values: &[Cell] = match u {
            Some(u) => &series[k].units[u],
            None => &series[k].total,
        };
        let target = target_value(t, &years, values);
        let label = |c: Cell| match kinds[k].kind.is_count() {
            true => count(c),
            false => c.table_label(1),
        };
        aimed[at] = label(target);
        gaps[at] = label(values[y] - target);
    }
    vec![aimed, gaps]
}

/// The value a target aims at: as given, or the value (of the selection or of its territory,
/// `values` by year) of the year `depuis` plus the rise (secret or bounded when that value is).
fn target_value(target: &TargetSpec, years: &[u16], values: &[Cell]) -> Cell {
    match (&target.valeur, &target.hausse, target.depuis) {
        (Some(value), ..) => Cell::Value(value.get()),
        (None, Some(rise), Some(from)) => years
            .iter()
            .position(|y| *y == from)
            .map_or(Cell::Missing, |y| values[y] + Cell::Value(rise.get())),
        _ => Cell::Missing,
    }
}

/// The indicator `[evolution.graphique]` follows, and the one `[evolution.multiples]` follows.
fn charted_indicators(spec: &EvolutionSpec) -> (usize, usize) {
    let labels = spec.indicateurs.get_ref();
    let position = |wanted: &Option<toml::Spanned<String>>| {
        wanted
            .as_ref()
            .and_then(|w| labels.iter().position(|i| &i.libelle == w.get_ref()))
    };
    let chart = position(&spec.graphique_indicateur).unwrap_or(0);
    (chart, position(&spec.multiples_indicateur).unwrap_or(chart))
}

/// The line chart of the charted indicator: the selection, the references of each year, the targets.
fn line_chart(
    spec: &EvolutionSpec,
    chart: &ChartSpec,
    k: usize,
    (kind, series, total_name): (&Indicator, &Series, &str),
    references: &[(String, Vec<Vec<Cell>>)],
) -> LineChart {
    let label = &spec.indicateurs.get_ref()[k].libelle;
    let decimals = kind.decimals();
    let years: Vec<u16> = spec.annees.get_ref().iter().map(|y| y.year()).collect();
    let total = Line {
        label: total_name.to_string(),
        values: series.total.iter().map(|c| c.bounds()).collect(),
    };
    let references = references.iter().map(|(name, cells)| Line {
        label: name.clone(),
        values: cells[k].iter().map(|c| c.bounds()).collect(),
    });
    let targets = spec
        .cibles
        .iter()
        .flat_map(|t| t.get_ref())
        // The chart follows the selection: the targets of a territory are in the table only.
        .filter(|t| &t.indicateur == label && t.territoire.is_none())
        .filter_map(|t| {
            let value = target_value(t, &years, &series.total).value()?;
            let rise = match (&t.hausse, t.depuis) {
                (Some(rise), Some(from)) => format!(
                    " ({}{} depuis {from})",
                    if rise.get() >= 0.0 { "+" } else { "" },
                    format::display(rise.get(), decimals)
                ),
                _ => String::new(),
            };
            Some(Target {
                year: t.annee,
                value,
                label: format!(
                    "Cible {} : {}{rise}",
                    t.annee,
                    format::display(value, decimals)
                ),
            })
        })
        .collect();
    LineChart {
        title: chart.titre.clone(),
        subtitle: chart.sous_titre.clone(),
        axis_title: label.clone(),
        years,
        lines: std::iter::once(total).chain(references).collect(),
        targets,
        decimals,
        source: chart.source.clone(),
    }
}

/// A panel's title: the territory, and the years its value is secret or none (an empty panel says why).
fn panel_title(name: &str, spec: &EvolutionSpec, values: &[Cell]) -> String {
    let secret: Vec<String> = spec
        .annees
        .get_ref()
        .iter()
        .zip(values)
        .filter(|(_, c)| matches!(c, Cell::Secret))
        .map(|(y, _)| y.year().to_string())
        .collect();
    match secret.len() {
        0 if values.iter().all(|c| c.bounds().is_none()) => format!("{name} (sans valeur)"),
        0 => name.to_string(),
        n if n == values.len() => format!("{name} (secret)"),
        _ => format!("{name} (secret : {})", secret.join(", ")),
    }
}

/// The small multiples of the charted indicator: one panel per territory the files cover. A rate
/// has the selection's line in each panel, for comparison; a count has none (the whole would
/// flatten every territory's line).
fn line_multiples(
    spec: &EvolutionSpec,
    sheet: &ChartSpec,
    k: usize,
    panels: Vec<Line>,
    (kind, series, total_name): (&Indicator, &Series, &str),
) -> LineMultiples {
    let total: Vec<Option<(f64, f64)>> = series.total.iter().map(|c| c.bounds()).collect();
    let reference = match kind.kind.is_count() {
        // The selection's count dwarfs a territory's: no line for it.
        true => None,
        // A published rate has no total: no line to draw.
        false if total.iter().all(Option::is_none) => None,
        false => Some(Line {
            label: total_name.to_string(),
            values: total,
        }),
    };
    LineMultiples {
        title: sheet.titre.clone(),
        subtitle: sheet.sous_titre.clone(),
        axis_title: format!(
            "{}, une courbe par territoire, toutes à la même échelle",
            spec.indicateurs.get_ref()[k].libelle
        ),
        years: spec.annees.get_ref().iter().map(|y| y.year()).collect(),
        panels,
        reference,
        decimals: kind.decimals(),
        source: sheet.source.clone(),
    }
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
    // The plan checks that the map names the label of an indicator.
    let wanted = spec
        .carte_indicateur
        .as_ref()
        .expect("[evolution.carte] names its indicator: checked by the plan");
    let index = spec
        .indicateurs
        .get_ref()
        .iter()
        .position(|i| &i.libelle == wanted.get_ref())
        .expect("« carte_indicateur » is a label: checked by the plan");
    // The first change of the table.
    let (a, b) = changes(spec)[0];
    let changes: Vec<Cell> = series[index].units.iter().map(|v| v[b] - v[a]).collect();
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
    let unit_word = match kinds[index].kind.is_count() {
        true => "",
        false => " (points)",
    };
    let years = spec.annees.get_ref();
    let legend_title = format!(
        "Évolution {}-{}{unit_word}",
        years[a].year(),
        years[b].year()
    );
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

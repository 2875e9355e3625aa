//! A query of plain indicators: its sources summed into the territories, its indicators
//! evaluated, then its tables and maps written.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

use super::aggregate::{self, sum_by_unit};
use super::map::{
    check_label_count, class_colors, draw, level_shapes, resolve_classes, without_shape_notice,
};
use super::panier::services::service_sums;
use super::synthesis::{synthesis_map, synthesize};
use super::{Drawn, Report, Section, Selection};
use crate::classify::NamedValue;
use crate::error::{Error, Result};
use crate::export::{Align, OutTable, markdown_notes};
use crate::format::capitalise;
use crate::format::{self, code_list};
use crate::indicators::Cell;
use crate::indicators::aggregate::Sums;
use crate::indicators::cell::cells;
use crate::indicators::coverage;
use crate::indicators::key_figures;
use crate::indicators::model::{ColumnRef, Indicator, Values, evaluate};
use crate::indicators::synthesis::{self, Position};
use crate::ingest::CodeKind;
use crate::ingest::files::{self, RowFilter};
use crate::query::{
    Bound, FigureKind, IndicatorPlan, MethodPlan, NonNegative, OrderSpec, PlannedFigure,
    PlannedFilter, PlannedMap, PlannedSource, PlannedTable, Query, ReferenceRow, SourceLevel,
};
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, Placed, ProportionalSymbols};
use crate::territory::reference_area::ReferenceArea;
use crate::territory::{Level, Territory, Unit, str_col};

/// The label of the selection's row and reference.
const SELECTION: &str = "Ensemble de la sélection";

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
        let (mut out, title) = indicator_table(
            query,
            &plan,
            table,
            territory,
            level,
            units,
            &evaluated,
            &references,
            &mut notices,
        )?;
        for (row, reference) in &references {
            if table.spec.references.contains(row) {
                let mut cells = vec![String::new(), reference.name.clone()];
                cells.extend(
                    table
                        .indicators
                        .iter()
                        .map(|&i| plan.method.indicators[i].table_label(reference.cells[i])),
                );
                out.rows.push(cells);
            }
        }
        tables.push((table, out, title));
    }
    for figure in &plan.figures {
        let sentence = key_figure(query, &plan, figure, level, units, values, &references)?;
        notices.push(format!("chiffre clé « {} » : {sentence}", figure.name));
    }
    let synthesis = match &plan.synthesis {
        Some(planned) => {
            let done = synthesize(query, &plan, planned, level, units, values, &references)?;
            notices.extend(done.axes_said.iter().cloned());
            notices.push(format!("priorités : {}", done.sentence));
            Some((planned, done))
        }
        None => None,
    };
    for (table, out, title) in tables {
        let paths = out.write_all(table.spec.sorties.get_ref(), out_dir, &title, &|| {
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
        let title = planned.spec.titre.clone();
        let paths = done.table.write_all(
            planned.spec.sorties.get_ref(),
            out_dir,
            "Priorités",
            &|| {
                format!(
                    "{}{}",
                    done.table.to_markdown(Some(&title)),
                    markdown_notes(&notices)
                )
            },
        )?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table {
            title,
            table: done.table.clone(),
        });
        if let Some(drawn) = synthesis_map(
            query,
            planned,
            done,
            territory,
            level,
            units,
            out_dir,
            &mut notices,
        )? {
            report.add(drawn);
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

/// The values of `indicators` over `units`, and per source which units it has rows for.
pub(super) struct Evaluated {
    pub values: Values,
    /// `found[s][u]`: source `s` has a row for territory `u` (or for one of its parts).
    pub found: Vec<Vec<bool>>,
    /// `partial[s][u]`: source `s` covers territory `u` in part, with so many of its communes
    /// of so many.
    pub partial: Vec<Vec<Option<(usize, usize)>>>,
}

impl Evaluated {
    /// How many territories some file of `indicator` has no row for.
    pub fn unfound(&self, indicator: &Indicator) -> usize {
        let sources: Vec<usize> = indicator.columns().iter().map(|c| c.source).collect();
        (0..self.values.territories())
            .filter(|&u| sources.iter().any(|&s| !self.found[s][u]))
            .count()
    }

    /// The cell of indicator `i` for territory `u` as a table writes it: a partial one says how
    /// many communes of the territory its source has.
    pub fn table_label(&self, indicators: &[Indicator], i: usize, u: usize) -> String {
        let cell = self.values.get(u, i);
        let covered = indicators[i]
            .columns()
            .iter()
            .find_map(|c| self.partial[c.source][u]);
        match (cell, covered) {
            (Cell::Partial, Some((present, communes))) => {
                format!("partiel ({present} commune(s) sur {communes})")
            }
            _ => indicators[i].table_label(cell),
        }
    }
}

/// The values of `indicators` over `units`: each source's columns summed into them by
/// the engine, then each indicator evaluated from the sums. Shared by every method.
pub(super) fn evaluate_sources(
    query: &Query,
    plan: &MethodPlan,
    selection: &Selection,
    notices: &mut Vec<String>,
) -> Result<Evaluated> {
    let Selection {
        territory,
        level,
        units,
        ..
    } = selection;
    let sources = &plan.sources;
    let sums: Vec<Sums> = sources
        .iter()
        .map(|s| sum_source(query, s, territory, *level, units, notices))
        .collect::<Result<_>>()?;
    let column_sums = |c: &ColumnRef| -> Vec<Cell> {
        let i = sources[c.source]
            .columns
            .iter()
            .position(|name| *name == c.column)
            .expect("the plan lists every column its indicators read");
        units
            .iter()
            .map(|u| {
                sums[c.source]
                    .by_code
                    .get(&u.code)
                    .map_or(Cell::Missing, |v| v[i])
            })
            .collect()
    };
    Ok(Evaluated {
        values: evaluate(&plan.indicators, &column_sums, units.len()),
        found: sums
            .iter()
            .map(|s| {
                units
                    .iter()
                    .map(|u| s.by_code.contains_key(&u.code))
                    .collect()
            })
            .collect(),
        partial: sums
            .iter()
            .map(|s| {
                units
                    .iter()
                    .map(|u| s.partial.get(&u.code).copied())
                    .collect()
            })
            .collect(),
    })
}

/// The sums of the columns of source `s` over `units` of `level`: its rows of that level
/// for a file of several levels, its rows summed for a finer file.
fn sum_source(
    query: &Query,
    s: &PlannedSource,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    notices: &mut Vec<String>,
) -> Result<Sums> {
    if s.columns.is_empty() {
        return Ok(Sums::default());
    }
    if *s.spec.niveau.get_ref() == SourceLevel::Services {
        return service_sums(query, s, territory, level, units, notices);
    }
    let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
    let file_level = match s.spec.niveau.get_ref() {
        SourceLevel::Iris => Some(SourceLevel::Iris),
        // A commune file at the commune level is summed too when its communes must first
        // be moved to the query's vintage (merged communes added up); the resolve step has
        // refused published values of such a file.
        SourceLevel::Commune if level != Level::Commune || s.spec.older_than(query) => {
            Some(SourceLevel::Commune)
        }
        _ => None,
    };
    let files = s.spec.files();
    let source = aggregate::Source {
        files: &files,
        prevailing: s.spec.prevailing(),
        code_column: &s.spec.colonne_code,
        file_level,
        columns: &columns,
        published: &s.published,
        accept_partial: s.spec.sommes_partielles,
        secret: &s.spec.secret,
        secret_rule: s.secret_rule.as_ref(),
        role: &s.role,
        vintage: s.spec.millesime.as_ref(),
        rows_of: s
            .spec
            .colonne_niveau
            .as_deref()
            .map(|c| (c, coverage::caf_level(level))),
        year: s.spec.year(),
    };
    let sums = sum_by_unit(query, &source, territory, level, units, notices);
    let Some(line) = s.line else {
        return sums;
    };
    sums.map_err(|e| {
        let place = format!(
            "source « {} » de {}, ligne {line}",
            s.name,
            query.path.display(),
        );
        match e.hint.clone() {
            Some(h) => e.hint(format!("{h} ({place})")),
            None => e.hint(place),
        }
    })
}

/// A reference row of the tables: its name, and each indicator's value.
pub(super) struct ReferenceValues {
    pub name: String,
    pub cells: Vec<Cell>,
}

/// The indicators of `method` over each `wanted` reference row (the département, the région,
/// France): published by a source of several levels, or summed over the row's communes from a
/// finer source that covers them all; the notes say how each row is had.
pub(super) fn reference_values(
    query: &Query,
    method: &MethodPlan,
    territory: &Territory,
    mut wanted: Vec<ReferenceRow>,
    notices: &mut Vec<String>,
) -> Result<Vec<(ReferenceRow, ReferenceValues)>> {
    wanted.sort();
    wanted.dedup();
    let mut rows = Vec::new();
    for row in wanted {
        let t = &query.spec.territoire;
        let area = territory.reference_area(
            row,
            t.departements.get_ref(),
            t.departements_file(),
            t.regions_file(),
        )?;
        let mut how = Vec::new();
        let mut per_source: Vec<Option<Vec<Cell>>> = Vec::with_capacity(method.sources.len());
        for s in &method.sources {
            let fine = matches!(
                s.spec.niveau.get_ref(),
                SourceLevel::Iris | SourceLevel::Commune | SourceLevel::Services
            );
            let cells = match &s.spec.colonne_niveau {
                _ if s.columns.is_empty() => None,
                Some(column) => {
                    let cells = published_row(s, column, &area, notices)?;
                    how.push(match cells {
                        Some(_) => format!("« {} » publiée (ligne {})", s.name, area.word),
                        None => format!(
                            "« {} » : pas de ligne {} dans le fichier",
                            s.name, area.word
                        ),
                    });
                    cells
                }
                // An inventory lists the services of the query's territory, not beyond.
                None if *s.spec.niveau.get_ref() == SourceLevel::Services
                    && !area
                        .departements
                        .iter()
                        .all(|d| query.spec.territoire.departements.get_ref().contains(d)) =>
                {
                    how.push(format!(
                        "« {} » : l'inventaire ne vaut que pour les départements de la requête, sans valeur",
                        s.name
                    ));
                    None
                }
                None if fine => {
                    let units = territory.units(Level::Departement, &area.departements);
                    let sums = sum_source(
                        query,
                        s,
                        territory,
                        Level::Departement,
                        &units,
                        &mut Vec::new(),
                    )?;
                    let lacking = units
                        .iter()
                        .filter(|u| {
                            !sums.by_code.contains_key(&u.code)
                                || sums.partial.contains_key(&u.code)
                        })
                        .count();
                    how.push(match lacking {
                        0 if *s.spec.niveau.get_ref() == SourceLevel::Services => {
                            format!("« {} » comptée sur l'inventaire", s.name)
                        }
                        0 => format!("« {} » calculée sur ses communes", s.name),
                        _ => format!(
                            "« {} » ne couvre pas toutes ses communes ({lacking} département(s) sur {} en partie ou pas du tout), sans valeur",
                            s.name,
                            units.len()
                        ),
                    });
                    (lacking == 0).then(|| {
                        (0..s.columns.len())
                            .map(|i| Cell::sum(units.iter().map(|u| sums.by_code[&u.code][i])))
                            .collect()
                    })
                }
                None => None,
            };
            per_source.push(cells);
        }
        let column = |c: &ColumnRef| -> Vec<Cell> {
            let source = &method.sources[c.source];
            let i = source
                .columns
                .iter()
                .position(|n| *n == c.column)
                .expect("a column of the plan");
            vec![
                per_source[c.source]
                    .as_ref()
                    .map_or(Cell::Missing, |v| v[i]),
            ]
        };
        let evaluated = evaluate(&method.indicators, &column, 1);
        // A share of the selection has no meaning for a wider territory.
        let cells = method
            .indicators
            .iter()
            .zip(evaluated.of_territory(0))
            .map(|(ind, c)| {
                if ind.kind.holds_beyond_selection() {
                    c
                } else {
                    Cell::Missing
                }
            })
            .collect();
        let name = area.name;
        notices.push(format!(
            "ligne « {name} » : {}",
            if how.is_empty() {
                "aucune source ne la donne".to_string()
            } else {
                how.join(", ")
            }
        ));
        rows.push((row, ReferenceValues { name, cells }));
    }
    Ok(rows)
}

/// The row of a reference in a file of several levels, its columns as published (`None`:
/// the file has no such row).
fn published_row(
    s: &PlannedSource,
    level_column: &str,
    area: &ReferenceArea,
    notices: &mut Vec<String>,
) -> Result<Option<Vec<Cell>>> {
    let spec = aggregate::table_spec(
        &s.spec.colonne_code,
        CodeKind::Free,
        &s.columns,
        &s.published,
        &s.spec.secret,
        Some(level_column),
        s.spec.year().map(|y| y.0),
    );
    let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
    let mut found = Vec::new();
    let read = files::RowsRequest {
        files: &s.spec.files(),
        spec: &spec,
        filter: RowFilter {
            level: Some((level_column, area.word)),
            year: s.spec.year(),
        },
        prevailing: s.spec.prevailing(),
        compared: (&s.spec.colonne_code, &columns),
    }
    .read_if_any(&mut found)?;
    notices.extend(found.iter().map(ToString::to_string));
    let Some(read) = read else {
        return Ok(None);
    };
    let df = &read.df;
    let codes = str_col(df, &s.spec.colonne_code)?;
    let rows: Vec<usize> = (0..df.height())
        .filter(|&i| area.code.as_deref().is_none_or(|c| codes.get(i) == Some(c)))
        .collect();
    let row = match rows[..] {
        [] => return Ok(None),
        [row] => row,
        // Only the `nat` row goes without a code: two of them are ambiguous.
        _ => {
            return Err(Error::new(format!(
                "{} lignes « {} » dans le fichier, une est attendue",
                rows.len(),
                area.word
            ))
            .file(&read.table.source)
            .column(level_column)
            .hint("la ligne France d'un tableau se lit sur la seule ligne « nat » du fichier de la source"))
        }
    };
    s.columns
        .iter()
        .map(|c| cells(df, c).map(|v| v[row]))
        .collect::<Result<_>>()
        .map(Some)
}

/// The rows of a table, sorted and filtered, then the selection's total row.
#[allow(clippy::too_many_arguments)]
fn indicator_table(
    query: &Query,
    plan: &IndicatorPlan,
    table: &PlannedTable,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    evaluated: &Evaluated,
    references: &[(ReferenceRow, ReferenceValues)],
    notices: &mut Vec<String>,
) -> Result<(OutTable, String)> {
    let (spec, values) = (table.spec, &evaluated.values);
    let mut order: Vec<usize> = (0..units.len()).collect();
    if let Some(filter) = &table.filter {
        let i = filter.indicator;
        let [at_least, below] = thresholds(query, plan, filter, "filtre", values, references)?
            .map(|t| t.map(|t| t.value));
        let mut unknown = Vec::new();
        // A value known between bounds is kept or left out when both bounds agree.
        order.retain(
            |&u| match synthesis::position(values.get(u, i), at_least, below) {
                Position::Priority => true,
                Position::NotPriority => false,
                Position::Unknown => {
                    unknown.push(units[u].code.as_str());
                    false
                }
            },
        );
        if !unknown.is_empty() {
            notices.push(format!(
                "tableau « {} » : {} territoire(s) sans valeur connue de « {} » (secrète, absente, ou approchée de part et d'autre d'une borne), hors du filtre : {}",
                spec.titre,
                unknown.len(),
                plan.method.indicators[i].label,
                code_list(&unknown)
            ));
        }
    }
    if let Some(min) = spec.population_min.map(NonNegative::get) {
        let population = territory.populations(level);
        order.retain(|&u| {
            population
                .get(units[u].code.as_str())
                .copied()
                .unwrap_or(0.0)
                >= min
        });
    }
    if let Some(sort) = table.sort {
        order.sort_by(|&a, &b| {
            let (x, y) = (values.get(a, sort).shown(), values.get(b, sort).shown());
            // Valued rows first, highest first (or lowest), then by code.
            let by_value = match (x, y) {
                (Some(x), Some(y)) => match spec.ordre {
                    OrderSpec::Decroissant => y.total_cmp(&x),
                    OrderSpec::Croissant => x.total_cmp(&y),
                },
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_value.then_with(|| units[a].code.cmp(&units[b].code))
        });
    }
    if let Some(n) = spec.premiers.as_ref().map(|n| *n.get_ref()) {
        order.truncate(n);
    }
    if let Some(n) = spec.derniers.as_ref().map(|n| *n.get_ref()) {
        order.drain(..order.len().saturating_sub(n));
    }
    let mut headers = vec![
        ("Code".to_string(), Align::Left),
        (capitalise(level.noun()), Align::Left),
    ];
    headers.extend(
        table
            .indicators
            .iter()
            .map(|&i| (plan.method.indicators[i].label.clone(), Align::Right)),
    );
    let indicators = &plan.method.indicators;
    let mut rows: Vec<Vec<String>> = order
        .iter()
        .map(|&u| {
            let mut row = vec![units[u].code.clone(), units[u].name.clone()];
            row.extend(
                table
                    .indicators
                    .iter()
                    .map(|&i| evaluated.table_label(indicators, i, u)),
            );
            row
        })
        .collect();
    // The first N together, as the schémas state them (« 55 % des enfants vivent dans trois EPCI »).
    if spec.premiers.is_some() && order.len() > 1 {
        let together = values.of_subset(indicators, &order);
        let mut row = vec![
            String::new(),
            format!("Ensemble des {} premiers", order.len()),
        ];
        row.extend(
            table
                .indicators
                .iter()
                .map(|&i| indicators[i].table_label(together[i])),
        );
        rows.push(row);
    }
    // Published values have no total: a table of them alone has no selection row.
    if table
        .indicators
        .iter()
        .any(|&i| indicators[i].kind.has_total())
    {
        let mut row = vec![String::new(), SELECTION.to_string()];
        row.extend(
            table
                .indicators
                .iter()
                .map(|&i| indicators[i].table_label(values.total[i])),
        );
        rows.push(row);
    }
    Ok((OutTable { headers, rows }, spec.titre.clone()))
}

/// What `bound` names for indicator `i`: the selection's value or a reference row's, with
/// its name (none for a number, or for a row not computed).
/// The sentence of a key figure, with the numbers of the tables.
fn key_figure(
    query: &Query,
    plan: &IndicatorPlan,
    figure: &PlannedFigure,
    level: Level,
    units: &[Unit],
    values: &Values,
    references: &[(ReferenceRow, ReferenceValues)],
) -> Result<String> {
    let indicators = &plan.method.indicators;
    match &figure.kind {
        FigureKind::Passing(filter) => {
            let i = filter.indicator;
            let what = format!("chiffre clé « {} »", figure.name);
            let [at_least, below] = thresholds(query, plan, filter, &what, values, references)?;
            Ok(key_figures::passing(
                values.of(i),
                at_least.as_ref(),
                below.as_ref(),
                level.plural(),
                &indicators[i].label,
                indicators[i].decimals(),
            ))
        }
        FigureKind::First {
            indicator,
            stock,
            n,
        } => {
            // The first by the indicator, highest first, among those with a value.
            let mut order: Vec<usize> = (0..units.len())
                .filter(|&u| values.get(u, *indicator).shown().is_some())
                .collect();
            order.sort_by(|&a, &b| {
                let (x, y) = (
                    values.get(a, *indicator).shown(),
                    values.get(b, *indicator).shown(),
                );
                y.unwrap_or(0.0)
                    .total_cmp(&x.unwrap_or(0.0))
                    .then_with(|| units[a].code.cmp(&units[b].code))
            });
            order.truncate(*n);
            let sum = Cell::sum(order.iter().map(|&u| values.get(u, *stock)));
            let share = Cell::share(sum, values.total[*stock]);
            let names: Vec<String> = order.iter().map(|&u| units[u].name.clone()).collect();
            Ok(key_figures::first(
                share,
                &names,
                level.plural(),
                &indicators[*stock].label,
            ))
        }
    }
}

/// The bounds of `filter` as thresholds: a number as given, the selection or a reference row by its
/// value of the filter's indicator, named; an error at the filter (`what`) when that row has no value.
pub(super) fn thresholds(
    query: &Query,
    plan: &IndicatorPlan,
    filter: &PlannedFilter,
    what: &str,
    values: &Values,
    references: &[(ReferenceRow, ReferenceValues)],
) -> Result<[Option<key_figures::Threshold>; 2]> {
    let i = filter.indicator;
    let indicator = &plan.method.indicators[i];
    let threshold = |b: Option<Bound>| -> Result<Option<key_figures::Threshold>> {
        let Some(b) = b else { return Ok(None) };
        if let Bound::Value(value) = b {
            return Ok(Some(key_figures::Threshold { value, name: None }));
        }
        let (name, cell) = reference_value(b, i, values, references)
            .expect("the rows a filter names are computed");
        match cell.value() {
            Some(value) => Ok(Some(key_figures::Threshold {
                value,
                name: Some(name),
            })),
            None => Err(query
                .error_at(
                    &filter.span,
                    format!(
                        "{what} : la ligne « {name} » est {} pour « {} »",
                        cell.why_not_a_number(indicator.decimals()),
                        indicator.label
                    ),
                )
                .hint("donnez la borne en nombre")),
        }
    };
    Ok([threshold(filter.at_least)?, threshold(filter.below)?])
}

fn reference_value(
    bound: Bound,
    i: usize,
    values: &Values,
    rows: &[(ReferenceRow, ReferenceValues)],
) -> Option<(String, Cell)> {
    match bound {
        Bound::Value(_) => None,
        Bound::Selection => Some((SELECTION.to_string(), values.total[i])),
        Bound::Reference(row) => rows
            .iter()
            .find(|(r, _)| *r == row)
            .map(|(_, r)| (r.name.clone(), r.cells[i])),
    }
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
    rows: &[(ReferenceRow, ReferenceValues)],
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
            let (name, cell) = reference_value(b, map.indicator, values, rows)?;
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
        &spec.sorties,
        (spec.largeur_png, spec.dpi_png),
        out_dir,
    )
}

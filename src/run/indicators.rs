//! A query of plain indicators: its sources summed into the territories, its indicators
//! evaluated, then its tables and maps written.

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
use crate::export::markdown_notes;
use crate::format;
use crate::indicators::Cell;
use crate::indicators::aggregate::Sums;
use crate::indicators::cell::cells;
use crate::indicators::coverage;
use crate::indicators::evaluated::Evaluated;
use crate::indicators::filter::{Bound, ReferenceRows, ReferenceValues};
use crate::indicators::model::{ColumnRef, Values, evaluate};
use crate::ingest::CodeKind;
use crate::ingest::files::{self, RowFilter};
use crate::query::{
    IndicatorPlan, MethodPlan, PlannedMap, PlannedSource, Query, ReferenceRow, SourceLevel,
};
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, Placed, ProportionalSymbols};
use crate::territory::reference_area::ReferenceArea;
use crate::territory::{Level, Territory, Unit, str_col};

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
            let done = synthesize(&plan, planned, level, units, values, &references)?;
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
        &spec.sorties,
        (spec.largeur_png, spec.dpi_png),
        out_dir,
    )
}

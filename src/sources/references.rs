//! The reference rows of a query's tables and maps (the département, the région, France):
//! published by a file of several levels, or summed over the row's communes from a finer
//! source that covers them all.

use super::read::table_spec;
use super::sum_source;
use crate::error::{Error, Result};
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::filter::ReferenceValues;
use crate::indicators::model::{ColumnRef, evaluate};
use crate::ingest::CodeKind;
use crate::ingest::files::{self, RowFilter};
use crate::notice::{Notice, ReferenceSource};
use crate::query::{MethodPlan, PlannedSource, Query, ReferenceRow, SourceLevel};
use crate::territory::reference_area::ReferenceArea;
use crate::territory::{Level, Territory, str_col};

/// The indicators of `method` over each `wanted` reference row (the département, the région,
/// France): published by a source of several levels, or summed over the row's communes from a
/// finer source that covers them all; the notes say how each row is had.
pub fn reference_values(
    query: &Query,
    method: &MethodPlan,
    territory: &Territory,
    mut wanted: Vec<ReferenceRow>,
    notices: &mut Vec<Notice>,
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
            let fine = s.spec.niveau.get_ref().fine();
            let cells = match &s.spec.colonne_niveau {
                _ if s.columns.is_empty() => None,
                Some(column) => {
                    let cells = published_row(s, column, &area, notices)?;
                    let (source, word) = (s.name.clone(), area.word.to_string());
                    how.push(match cells {
                        Some(_) => ReferenceSource::Published { source, word },
                        None => ReferenceSource::NoRow { source, word },
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
                    how.push(ReferenceSource::InventoryOutside {
                        source: s.name.clone(),
                    });
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
                        None,
                        &mut Vec::new(),
                    )?;
                    let lacking = (0..units.len())
                        .filter(|&u| !sums.found[u] || sums.partial[u].is_some())
                        .count();
                    let source = s.name.clone();
                    how.push(match lacking {
                        0 if *s.spec.niveau.get_ref() == SourceLevel::Services => {
                            ReferenceSource::CountedOnInventory { source }
                        }
                        0 => ReferenceSource::SummedOnCommunes { source },
                        _ => ReferenceSource::CommunesLacking {
                            source,
                            lacking,
                            departements: units.len(),
                        },
                    });
                    (lacking == 0).then(|| {
                        (0..s.columns.len())
                            .map(|i| Cell::sum(sums.columns[i].iter().copied()))
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
        notices.push(Notice::ReferenceRow {
            name: name.to_string(),
            sources: how,
        });
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
    notices: &mut Vec<Notice>,
) -> Result<Option<Vec<Cell>>> {
    let spec = table_spec(
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
    notices.extend(found);
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

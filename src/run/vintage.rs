//! Inputs of an older COG vintage brought to the query's: the codes of a 2016 file, the
//! contours of 2018, moved to the communes of 2026 with the INSEE movements table.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use foldhash::fast::FixedState;
use polars::prelude::{Column, DataFrame};

use super::with_place;
use crate::error::Result;
use crate::format::code_list;
use crate::geometry::{self, Layer};
use crate::indicators::cell::cells;
use crate::indicators::frame::push_cells;
use crate::indicators::Cell;
use crate::ingest::{Table, LINE_COLUMN};
use crate::query::{Query, SourceLevel};
use crate::territory::moves::{Fate, Movements, Moves};
use crate::territory::{str_col, Territory};
use toml::Spanned;

/// The moves from vintage `from` (a key of the query) to the query's; `None` when the
/// input is of the query's vintage already.
pub(super) fn moves(
    query: &Query,
    territory: &Territory,
    from: Option<&Spanned<u16>>,
) -> Result<Option<Arc<Moves>>> {
    let t = &query.spec.territoire;
    let Some((from, span)) = from
        .map(|f| (*f.get_ref(), f.span()))
        .filter(|(f, _)| *f != t.millesime)
    else {
        return Ok(None);
    };
    let span = &span;
    let Some(path) = &t.mouvements else {
        return Err(query
            .error_at(
                span,
                format!(
                    "fichier au COG {from}, requête au COG {} : la table des mouvements manque",
                    t.millesime
                ),
            )
            .hint(
                "ajoutez « mouvements = \"data/cog/mouvements-communes.csv\" » dans [territoire]",
            ));
    };
    // The queries of one year share its moves: the same files give the same moves.
    let (movements, communes) = (Path::new(path.get_ref()), Path::new(t.communes.get_ref()));
    let departements = Path::new(t.liste_departements.get_ref());
    crate::once::per_files(
        &[movements, communes, departements],
        &format!("{from} → {}", t.millesime),
        || Movements::shared(movements)?.between(from, t.millesime, territory),
    )
    .map(Some)
    .map_err(|e| with_place(e, query, span))
}

/// The moves of a data file's codes: only a file by commune or IRIS can move, since
/// territories of other levels are not in the movements table.
pub(super) fn file_moves(
    query: &Query,
    territory: &Territory,
    from: Option<&Spanned<u16>>,
    file_level: Option<SourceLevel>,
) -> Result<Option<Arc<Moves>>> {
    let moves = moves(query, territory, from)?;
    if let (Some(m), None, Some(from)) = (&moves, file_level, from) {
        return Err(query
            .error_at(
                &from.span(),
                format!("un fichier par territoire ne passe pas du COG {} au COG {}", m.from, m.to),
            )
            .hint("donnez le fichier par commune ou par IRIS (« niveau_fichier »), avec des colonnes de comptage"));
    }
    Ok(moves)
}

/// A table by commune of an older vintage on the communes of the query's: the rows of
/// merged communes summed, a split commune's counts shared, unknown codes left out (all
/// said in a notice). Each row keeps the first line of the file it comes from, sorted by code.
pub(super) fn move_table(
    table: &Table,
    code_column: &str,
    columns: &[&str],
    moves: &Moves,
    notices: &mut Vec<String>,
) -> Result<Table> {
    let df = &table.df;
    let codes = str_col(df, code_column)?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    let values: Vec<Vec<Cell>> = columns
        .iter()
        .map(|c| cells(df, c))
        .collect::<Result<_>>()?;
    // Commune, first line, sums; found by hash (a national file has 35 000 rows).
    let mut moved: Vec<(String, u32, Vec<Cell>)> = Vec::with_capacity(df.height());
    let mut index: HashMap<String, usize, FixedState> = HashMap::default();
    for (r, code) in codes.iter().enumerate() {
        let line = lines.get(r).unwrap_or(0);
        for (commune, share) in moves.shares(code.unwrap_or("")) {
            let i = *index.entry(commune).or_insert_with_key(|commune| {
                moved.push((commune.clone(), line, vec![Cell::Value(0.0); columns.len()]));
                moved.len() - 1
            });
            let (_, first, sums) = &mut moved[i];
            *first = (*first).min(line);
            for (sum, column) in sums.iter_mut().zip(&values) {
                *sum = *sum + column[r].scaled(share);
            }
        }
    }
    moved.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    notices.push(moves_notice(&table.source, moves, codes.iter().flatten()));
    let mut out = DataFrame::new(
        moved.len(),
        vec![Column::new(
            code_column.into(),
            moved.iter().map(|m| m.0.as_str()).collect::<Vec<_>>(),
        )],
    )?;
    for (i, name) in columns.iter().enumerate() {
        let column: Vec<Cell> = moved.iter().map(|m| m.2[i]).collect();
        push_cells(&mut out, name, &column)?;
    }
    let first_lines: Vec<u32> = moved.iter().map(|m| m.1).collect();
    out.with_column(Column::new(LINE_COLUMN.into(), first_lines))?;
    Ok(Table {
        source: table.source.clone(),
        df: out,
    })
}

/// What moving a file's codes did, for the notices: counts, and the codes that did not
/// stay as they were.
pub(super) fn moves_notice<'a>(
    file: &Path,
    moves: &Moves,
    codes: impl IntoIterator<Item = &'a str>,
) -> String {
    let report = moves.report(codes);
    let head = format!("{} (COG {} → {})", file.display(), moves.from, moves.to);
    if report.rows.is_empty() {
        return format!("{head} : aucun code n'a changé");
    }
    let count = |what: &str| report.rows.iter().filter(|r| r[1] == what).count();
    let detail: Vec<String> = report
        .rows
        .iter()
        .map(|r| format!("{} → {}", r[0], r[2]))
        .collect();
    format!(
        "{head} : {} code(s) changé(s) ou fusionné(s), {} partagé(s) selon la {}, {} inconnu(s) : {}",
        count("changé ou fusionné"),
        count("partagé"),
        moves.shares_from,
        count("inconnu"),
        code_list(&detail)
    )
}

/// Commune contours of an older vintage on the communes of the query's: merged communes'
/// shapes united; a split commune cannot be cut, and is reported with the unknown codes.
pub(super) fn move_contours(layer: Layer, moves: &Moves, notices: &mut Vec<String>) -> Layer {
    let mut group_of = HashMap::new();
    for f in &layer.features {
        match moves.fate(&f.code) {
            Fate::Same => {
                group_of.insert(f.code.clone(), f.code.clone());
            }
            Fate::Moved(c) => {
                group_of.insert(f.code.clone(), c);
            }
            Fate::Split(_) | Fate::Unknown(_) => {}
        }
    }
    notices.push(format!(
        "contours {}",
        moves_notice(
            &layer.source,
            moves,
            layer.features.iter().map(|f| f.code.as_str())
        )
    ));
    let (moved, report) = geometry::dissolve(&layer, &group_of);
    if !report.unassigned.is_empty() {
        notices.push(format!(
            "{} contour(s) {} partagé(s) ou inconnu(s) depuis, non dessinés : {}",
            report.unassigned.len(),
            moves.from,
            code_list(&report.unassigned)
        ));
    }
    moved
}

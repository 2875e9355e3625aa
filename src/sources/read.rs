//! A source of the query read (its rows of one level and one year) and handed to the
//! domain's aggregation (`indicators::aggregate`) with the territories of the selection
//! and the moves its vintage needs. Every source of the indicator model goes through it
//! (`sources::evaluate_sources`); the coverage components, read and checked in their own way,
//! call the engine directly.

use std::path::Path;

use super::vintage::file_moves;
use crate::error::Result;
use crate::indicators::aggregate::{RowCodes, Rows, Sums, Targets, sum_rows};
use crate::indicators::secret_rule::SecretRule;
use crate::ingest::files::{RowFilter, RowsRequest};
use crate::ingest::{CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec};
use crate::notice::Notice;
use crate::query::{Query, SourceLevel};
use crate::territory::{Level, Territory, Unit};
use toml::Spanned;

/// Which files, and which of their columns to sum.
pub(super) struct Source<'a> {
    /// One file, or several holding the levels or the years of one table.
    pub files: &'a [&'a Path],
    /// Of several files with rows of the level and the year, the one that gives them.
    pub prevailing: Option<&'a Path>,
    pub code_column: &'a str,
    /// `None`: the codes are those of the selection's level.
    pub file_level: Option<SourceLevel>,
    pub columns: &'a [&'a str],
    /// The columns taken as published values, of any sign; the others are counts.
    pub published: &'a [String],
    /// A territory covered in part takes the sum of its communes present (otherwise « partiel »).
    pub accept_partial: bool,
    pub secret: &'a [String],
    /// What a hidden cell holds, when the query gives the publisher's rule.
    pub secret_rule: Option<&'a SecretRule>,
    /// What the file gives, for the notice of territories it lacks ("des indicateurs").
    pub role: &'a str,
    /// The COG vintage of the file's codes, when older than the query's (a key of it).
    pub vintage: Option<&'a Spanned<u16>>,
    /// A file of several levels: the column of each row's level, and the word of the
    /// rows to sum (the others are left aside).
    pub rows_of: Option<(&'a str, &'a str)>,
    /// A file of several years: the column of each row's year, and the year to read.
    pub year: Option<(&'a str, u16)>,
}

impl Source<'_> {
    /// What the sums of the source depend on besides the units they go to: its files (their
    /// size and date are the memo's), how they are read, and the COG its codes are moved to.
    /// Every field is named, so that one added to `Source` cannot be left out.
    pub(super) fn key<'k>(&'k self, query: &'k Query) -> (Vec<&'k Path>, String) {
        let Source {
            files,
            prevailing,
            code_column,
            file_level,
            columns,
            published,
            accept_partial,
            secret,
            secret_rule,
            role,
            vintage,
            rows_of,
            year,
        } = self;
        let t = &query.spec.territoire;
        let mut read = files.to_vec();
        read.extend(prevailing);
        read.extend([t.communes_file(), t.departements_file(), t.movements_file()]);
        let vintage = vintage.map(|v| *v.get_ref());
        let variant = format!(
            "{prevailing:?} {code_column:?} {file_level:?} {columns:?} {published:?} \
             {accept_partial} {secret:?} {secret_rule:?} {role:?} {vintage:?} {rows_of:?} \
             {year:?} → {} {:?}",
            t.vintage(),
            t.departements.get_ref(),
        );
        (read, variant)
    }
}

/// Per territory of `units` found in the file, the sum of each column (a secret cell makes
/// the sum secret, a missing one missing); a file of an older vintage has its communes moved
/// to the query's first. Codes the COG does not know, codes moved, and territories the file
/// lacks or covers in part, are reported in `notices`.
pub(super) fn sum_by_unit(
    query: &Query,
    source: &Source,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    notices: &mut Vec<Notice>,
) -> Result<Sums> {
    let moves = file_moves(query, territory, source.vintage, source.file_level)?;
    // The codes are read as what they are (an IRIS of 9 characters, a commune of 5, a SIREN), so that a code
    // that lost its leading zero gets it back or is refused, and is never taken for another territory's.
    let codes = match (source.file_level, level) {
        (Some(SourceLevel::Iris), _) => CodeKind::Iris,
        (Some(SourceLevel::Commune), _) | (None, Level::Commune | Level::Zone) => CodeKind::Commune,
        (Some(SourceLevel::Epci), _) | (None, Level::Epci) => CodeKind::Epci,
        (Some(_), _) | (None, Level::Departement) => CodeKind::Departement,
    };
    let spec = table_spec(
        source.code_column,
        source.rows_of.map_or(codes, |_| CodeKind::Free),
        source.columns,
        source.published,
        source.secret,
        source.rows_of.map(|r| r.0),
        source.year.map(|y| y.0),
    );
    let mut found = Vec::new();
    // A file of several levels or years: its rows of the level and the year summed, the
    // others left aside.
    let read = RowsRequest {
        files: source.files,
        spec: &spec,
        filter: RowFilter {
            level: source.rows_of,
            year: source.year,
        },
        prevailing: source.prevailing,
        compared: (source.code_column, source.columns),
    }
    .read(&mut found)?;
    let (table, df) = (&read.table, &read.df);
    found.extend(table.restored.iter().map(|r| Notice::RestoredZeros {
        file: table.source.clone(),
        restored: r.clone(),
    }));
    if table.formats_unread {
        found.push(Notice::FormatsUnread {
            file: table.source.clone(),
        });
    }
    let rows = Rows {
        file: &table.source,
        df,
        code_column: source.code_column,
        codes: match source.file_level {
            Some(SourceLevel::Iris) => RowCodes::Iris,
            Some(_) => RowCodes::Commune,
            None => RowCodes::Territory,
        },
        columns: source.columns,
        role: source.role,
        accept_partial: source.accept_partial,
        secret_rule: source.secret_rule,
    };
    let into = Targets {
        territory,
        level,
        units,
        departements: query.spec.territoire.departements.get_ref(),
        moves: moves.as_deref(),
    };
    let sums = sum_rows(&rows, &into, &mut found);
    notices.extend(found);
    sums
}

/// What a source's table is read with: its codes of kind `codes` (free in a file of several
/// levels, whose codes are of each), the `columns` (counts, never negative, but for the
/// `published` ones), the column of each row's level and of its year when it has them (each
/// row unique by them). One spec for the territories' sums and the reference rows, so that
/// the file is read once.
pub fn table_spec<S: AsRef<str>>(
    code_column: &str,
    codes: CodeKind,
    columns: &[S],
    published: &[String],
    secret: &[String],
    level_column: Option<&str>,
    year_column: Option<&str>,
) -> TableSpec {
    let mut specs = vec![ColumnSpec::required(code_column, ColumnKind::Code(codes))];
    specs.extend(columns.iter().map(|c| {
        let quantity = match published.iter().any(|p| p == c.as_ref()) {
            true => Quantity::Value,
            false => Quantity::Count,
        };
        ColumnSpec::required(c.as_ref(), ColumnKind::Number(quantity))
    }));
    let mut unique = vec![code_column.to_string()];
    if let Some(column) = level_column {
        specs.push(ColumnSpec::required(column, ColumnKind::Text));
        unique.insert(0, column.to_string());
    }
    if let Some(column) = year_column {
        specs.push(ColumnSpec::required(
            column,
            ColumnKind::Number(Quantity::Count),
        ));
        unique.insert(0, column.to_string());
    }
    TableSpec {
        columns: specs,
        secret_markers: secret.to_vec(),
        unique,
        sheet: None,
    }
}

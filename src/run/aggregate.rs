//! A source's rows linked to the territories of a selection (by territory, or by a finer
//! level: IRIS, commune, through the COG moves of an older vintage) and summed by the
//! engine; what does not link (unknown codes, communes in no territory, territories the
//! file covers in part or lacks) is said in notices. Every source of the indicator model
//! goes through it (`run/indicators.rs`); the coverage components, read and checked in
//! their own way, call the engine directly.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use foldhash::fast::FixedState;
use polars::prelude::*;

use super::vintage::file_moves;
use crate::error::{Error, Result};
use crate::format::code_list;
use crate::indicators::engine::{self, Links};
use crate::indicators::Cell;
use crate::ingest::{self, CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec, LINE_COLUMN};
use crate::query::{Query, SourceLevel};
use crate::territory::{str_col, Level, Territory, Unit};
use toml::Spanned;

/// Which file, and which of its columns to sum.
pub(super) struct Source<'a> {
    pub file: &'a Path,
    pub code_column: &'a str,
    /// `None`: the codes are those of the selection's level.
    pub file_level: Option<SourceLevel>,
    pub columns: &'a [&'a str],
    pub secret: &'a [String],
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

/// The column of each row's key, for the engine.
const KEY: &str = "__commune";

/// What a source gives the territories of a selection.
#[derive(Default)]
pub(super) struct Sums {
    /// Per territory with rows in the file, by code, the sum of each column.
    pub by_code: HashMap<String, Vec<Cell>, FixedState>,
    /// The territories a finer file covers only in part: their sums omit the communes
    /// absent from the file.
    pub partial: HashSet<String, FixedState>,
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
    notices: &mut Vec<String>,
) -> Result<Sums> {
    let moves = file_moves(query, territory, source.vintage, source.file_level)?;
    // Columns summed from a finer level are counts; at the level of the query they may be
    // any indicator (a share, a median income).
    let quantity = match source.file_level {
        Some(_) => Quantity::Count,
        None => Quantity::Value,
    };
    let table = ingest::read_shared(
        source.file,
        &table_spec(
            source.code_column,
            source.columns,
            quantity,
            source.secret,
            source.rows_of.map(|r| r.0),
            source.year.map(|y| y.0),
        ),
    )?;
    let df = match source.rows_of {
        // A file of several levels: its rows of the level summed, the others left aside.
        Some((column, word)) => table
            .df
            .clone()
            .lazy()
            .filter(col(column).eq(lit(word)))
            .collect()?,
        None => table.df.clone(),
    };
    if let (Some((column, word)), 0) = (source.rows_of, df.height()) {
        return Err(Error::new(format!("aucune ligne de niveau « {word} » dans le fichier"))
            .file(&table.source)
            .column(column)
            .hint(format!(
                "faites la requête à un niveau que le fichier publie, ou donnez un fichier qui a des lignes « {word} »"
            )));
    }
    let df = match source.year {
        Some(year) => rows_of_year(&table.source, df, year)?,
        None => df,
    };
    let codes = str_col(&df, source.code_column)?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    // Each row's key: its commune for a finer file (the IRIS's first five characters),
    // otherwise its territory.
    let keys: Vec<&str> = codes
        .iter()
        .map(|code| {
            let code = code.unwrap_or("");
            match source.file_level {
                Some(SourceLevel::Iris) => code.get(..5).unwrap_or(code),
                _ => code,
            }
        })
        .collect();

    let selected: HashSet<&str, FixedState> = units.iter().map(|u| u.code.as_str()).collect();
    let deps = query.spec.territoire.departements.get_ref();
    let mut links = Links::default();
    // Keys the COG does not know, and communes known but in no territory of the level.
    let mut unknown_keys: HashSet<&str, FixedState> = HashSet::default();
    let mut outside_keys: HashSet<&str, FixedState> = HashSet::default();
    // Communes with a row, to tell the territories a finer file covers only in part.
    let mut seen: HashSet<&str, FixedState> = HashSet::default();
    let mut file_communes: Vec<&str> = Vec::new();
    let mut linked: HashSet<&str, FixedState> = HashSet::default();
    for &key in &keys {
        if !linked.insert(key) {
            continue;
        }
        // The territories of the key, with the share of its rows each gets (a commune
        // split since the file's vintage gives to several).
        let targets: Vec<(&str, f64)> = match source.file_level {
            None => match territory.knows(level, key) {
                true => vec![(key, 1.0)],
                false => Vec::new(),
            },
            Some(_) => {
                file_communes.push(key);
                let parts: Vec<(Cow<str>, f64)> = match &moves {
                    Some(m) => m
                        .shares(key)
                        .into_iter()
                        .map(|(c, share)| (Cow::Owned(c), share))
                        .collect(),
                    None => vec![(Cow::Borrowed(key), 1.0)],
                };
                let mut targets = Vec::with_capacity(parts.len());
                // Île-d'Yeu, Ouessant…: known, but in no EPCI; said when it is in the
                // query's départements (a national file has them all).
                let mut in_no_group: Option<bool> = None;
                for (c, share) in parts {
                    let Some(commune) = territory.communes.get(&c) else {
                        continue;
                    };
                    seen.insert(&commune.code);
                    match commune.parent(level) {
                        Some(parent) => targets.push((parent, share)),
                        None => {
                            let here = deps.contains(&commune.departement);
                            in_no_group = Some(in_no_group.unwrap_or(false) || here);
                        }
                    }
                }
                match (targets.is_empty(), in_no_group) {
                    (true, Some(true)) => {
                        outside_keys.insert(key);
                        continue;
                    }
                    (true, Some(false)) => continue,
                    _ => {}
                }
                targets
            }
        };
        if targets.is_empty() {
            unknown_keys.insert(key);
        }
        for (target, share) in targets {
            // Only the territories of the selection are summed.
            if selected.contains(target) {
                links.push(key, target, share);
            }
        }
    }
    let mut rows = df.clone();
    rows.with_column(Column::new(KEY.into(), &keys))?;
    let summed = engine::sum_into(&rows, KEY, links, source.columns)?;
    let mut sums = Sums::default();
    for (t, code) in summed.codes.into_iter().enumerate() {
        sums.by_code
            .insert(code, summed.columns.iter().map(|c| c[t]).collect());
    }
    // The rows of the keys left out, each with its line.
    let rows_of_keys = |set: &HashSet<&str, FixedState>| -> Vec<String> {
        keys.iter()
            .enumerate()
            .filter(|(_, k)| set.contains(*k))
            .map(|(r, _)| {
                let code = codes.get(r).unwrap_or("");
                format!("{code} (ligne {})", lines.get(r).unwrap_or(0))
            })
            .collect()
    };
    let outside = rows_of_keys(&outside_keys);
    let unknown = rows_of_keys(&unknown_keys);
    if !outside.is_empty() {
        notices.push(format!(
            "{} : {} commune(s) sans {} laissée(s) de côté : {}",
            table.source.display(),
            outside.len(),
            level.noun(),
            code_list(&outside)
        ));
    }
    if let Some(moves) = &moves {
        notices.push(moves.notice(&table.source, file_communes));
    }
    if !unknown.is_empty() {
        notices.push(format!(
            "{} : {} code(s) inconnus du COG ignorés : {}",
            table.source.display(),
            unknown.len(),
            code_list(&unknown)
        ));
    }
    if source.file_level.is_some() {
        // The communes with rows in each territory summed, against all of its communes.
        let mut present: HashMap<&str, usize, FixedState> = HashMap::default();
        for &code in &seen {
            if let Some(t) = territory.parent(code, level) {
                if sums.by_code.contains_key(t) {
                    *present.entry(t).or_default() += 1;
                }
            }
        }
        let mut partial: Vec<(&str, (usize, usize))> = present
            .into_iter()
            .map(|(t, n)| {
                let all = territory.commune_count(level, t);
                (t, (all - n, all))
            })
            .filter(|(_, (absent, _))| *absent > 0)
            .collect();
        partial.sort_unstable();
        sums.partial = partial.iter().map(|(t, _)| t.to_string()).collect();
        let partial: Vec<String> = partial
            .iter()
            .map(|(t, (absent, all))| format!("{t} ({absent} commune(s) sur {all})"))
            .collect();
        if !partial.is_empty() {
            notices.push(format!(
                "{} : {} territoire(s) couverts partiellement, leurs sommes omettent les communes absentes du fichier : {}",
                table.source.display(),
                partial.len(),
                code_list(&partial)
            ));
        }
    }
    let absent: Vec<&str> = units
        .iter()
        .map(|u| u.code.as_str())
        .filter(|c| !sums.by_code.contains_key(*c))
        .collect();
    if !absent.is_empty() {
        notices.push(format!(
            "{} territoire(s) absent(s) du fichier {}, sans valeur : {}",
            absent.len(),
            source.role,
            code_list(&absent)
        ));
    }
    Ok(sums)
}

/// What a source's table is read with: its codes, the `columns` of `quantity`, the column
/// of each row's level and of its year when it has them (each row unique by them). One
/// spec for the territories' sums and the reference rows, so that the file is read once.
pub(super) fn table_spec<S: AsRef<str>>(
    code_column: &str,
    columns: &[S],
    quantity: Quantity,
    secret: &[String],
    level_column: Option<&str>,
    year_column: Option<&str>,
) -> TableSpec {
    let mut specs = vec![ColumnSpec::required(
        code_column,
        ColumnKind::Code(CodeKind::Free),
    )];
    specs.extend(
        columns
            .iter()
            .map(|c| ColumnSpec::required(c.as_ref(), ColumnKind::Number(quantity))),
    );
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

/// The rows of `year`, in a file whose `column` holds each row's year: a row without a
/// year is an error, and so is a year the file does not have.
pub(super) fn rows_of_year(
    file: &Path,
    df: DataFrame,
    (column, year): (&str, u16),
) -> Result<DataFrame> {
    let years = df.column(column)?.f64()?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    if let Some(i) = (0..df.height()).find(|&i| years.get(i).is_none()) {
        return Err(Error::new("ligne sans année")
            .file(file)
            .line(lines.get(i).unwrap_or(0) as usize)
            .column(column)
            .hint("renseignez l'année de la ligne, ou retirez la ligne"));
    }
    let mask: BooleanChunked = years
        .iter()
        .map(|y| Some(y == Some(f64::from(year))))
        .collect();
    let kept = df.filter(&mask)?;
    if kept.height() == 0 {
        let mut found: Vec<String> = years.iter().flatten().map(|y| y.to_string()).collect();
        found.sort();
        found.dedup();
        return Err(Error::new(format!("aucune ligne de l'année {year}"))
            .file(file)
            .column(column)
            .hint(format!("années du fichier : {}", code_list(&found))));
    }
    Ok(kept)
}

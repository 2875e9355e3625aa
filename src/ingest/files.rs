//! A table held in several files: the Cnaf publishes one file per level (`txcouv_pe_epci`,
//! `_dep`, `_nat`), and its portal keeps a « historique » dataset beside the current one, the
//! two overlapping on a year. The rows of one level and one year are taken from one file:
//! the only one that has them, or the one the query says prevails, the others' rows of that
//! level and year being compared to it and set aside, never merged.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::{LINE_COLUMN, Table, TableSpec, read_shared, secret_column};
use crate::error::{Error, Result};
use crate::format::code_list;
use crate::notice::{Difference, Notice};

/// Which rows of a table are read: those of one level (a file of several levels: its
/// column and the level's word) and of one year (its column and the year).
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter<'a> {
    pub level: Option<(&'a str, &'a str)>,
    pub year: Option<(&'a str, u16)>,
}

/// The rows a filter keeps, and the file they come from.
#[derive(Debug)]
pub struct Rows {
    pub table: Arc<Table>,
    pub df: DataFrame,
}

/// What is read of a table held in several files: the rows of `files` that `filter` keeps,
/// each file read with `spec`. When several files have such rows, `prevailing` (one of
/// `files`) gives them, and the rows of the others are compared to its rows in `compared`
/// (the columns a disagreement is looked for in, by code column `code`).
#[derive(Clone, Copy)]
pub struct RowsRequest<'a> {
    pub files: &'a [&'a Path],
    pub spec: &'a TableSpec,
    pub filter: RowFilter<'a>,
    pub prevailing: Option<&'a Path>,
    pub compared: (&'a str, &'a [&'a str]),
}

impl RowsRequest<'_> {
    /// The rows; each disagreement between files is said in `notices`.
    pub fn read(self, notices: &mut Vec<Notice>) -> Result<Rows> {
        self.find(notices)?
    }

    /// [`RowsRequest::read`], `None` when no file has rows of the filter's level (a reference
    /// row a file need not publish).
    pub fn read_if_any(self, notices: &mut Vec<Notice>) -> Result<Option<Rows>> {
        Ok(self.find(notices)?.ok())
    }

    /// The rows, or (inner error) none of the level in any file.
    fn find(self, notices: &mut Vec<Notice>) -> Result<Result<Rows>> {
        let RowsRequest {
            files,
            spec,
            filter,
            prevailing,
            compared,
        } = self;
        // One file is read whole. Of several, each is first read for its levels and years only,
        // then those that give the rows are read whole: a file of another level (the `_nat` of
        // a query by EPCI) need not have every column.
        let probe = match files {
            [_] => spec.clone(),
            _ => probe_spec(spec, filter),
        };
        let tables: Vec<Arc<Table>> = files
            .iter()
            .map(|f| read_shared(f, &probe))
            .collect::<Result<_>>()?;
        let mut of_level = Vec::with_capacity(tables.len());
        for (i, table) in tables.iter().enumerate() {
            // A row without a year is a fault of the file, whatever its level.
            if let Some((column, _)) = filter.year {
                check_years(&table.source, &table.df, column)?;
            }
            if of_level_rows(&table.df, filter)?.height() > 0 {
                of_level.push(i);
            }
        }
        if let (Some((column, word)), []) = (filter.level, of_level.as_slice()) {
            return Ok(Err(level_absent(&tables, column, word)));
        }
        let mut found = Vec::with_capacity(of_level.len());
        let mut years = Vec::new();
        for i in of_level {
            let (df, of_file) = kept(&tables[i], filter)?;
            years.extend(of_file);
            if df.height() > 0 {
                found.push(i);
            }
        }
        if found.is_empty() {
            let (column, year) = filter.year.expect("only a year filter leaves no row");
            years.sort();
            years.dedup();
            let years: Vec<String> = years.iter().map(u16::to_string).collect();
            return Err(Error::new(format!("aucune ligne de l'année {year}"))
                .file(&tables[0].source)
                .column(column)
                .hint(format!(
                    "années {} : {}",
                    match files {
                        [_] => "du fichier".to_string(),
                        _ => format!("des fichiers {}", listed(&tables)),
                    },
                    code_list(&years)
                )));
        }
        let mut read = Vec::with_capacity(found.len());
        for i in found {
            let table = match files {
                [_] => Arc::clone(&tables[i]),
                _ => read_shared(files[i], spec)?,
            };
            let (df, _) = kept(&table, filter)?;
            read.push(Rows { table, df });
        }
        match read.len() {
            1 => Ok(Ok(read.pop().expect("one"))),
            _ => choose(read, filter, prevailing, compared, notices).map(Ok),
        }
    }
}

/// The columns of `spec` that say a row's level and year.
fn probe_spec(spec: &TableSpec, filter: RowFilter) -> TableSpec {
    let said = [filter.level.map(|l| l.0), filter.year.map(|y| y.0)];
    TableSpec {
        columns: spec
            .columns
            .iter()
            .filter(|c| said.contains(&Some(c.name.as_str())))
            .cloned()
            .collect(),
        secret_markers: spec.secret_markers.clone(),
        unique: Vec::new(),
        sheet: spec.sheet.clone(),
    }
}

fn of_level_rows(df: &DataFrame, filter: RowFilter) -> Result<DataFrame> {
    Ok(match filter.level {
        Some((column, word)) => df
            .clone()
            .lazy()
            .filter(col(column).eq(lit(word)))
            .collect()?,
        None => df.clone(),
    })
}

/// The rows of `table` that `filter` keeps, and the years of its rows of the level.
fn kept(table: &Table, filter: RowFilter) -> Result<(DataFrame, Vec<u16>)> {
    let df = of_level_rows(&table.df, filter)?;
    match filter.year {
        Some(year) => rows_of_year(&table.source, df, year),
        None => Ok((df, Vec::new())),
    }
}

/// Which of several files with rows of the filter's level and year gives them.
fn choose(
    mut found: Vec<Rows>,
    filter: RowFilter,
    prevailing: Option<&Path>,
    (code, columns): (&str, &[&str]),
    notices: &mut Vec<Notice>,
) -> Result<Rows> {
    let what = match (filter.level, filter.year) {
        (Some((_, word)), Some((_, year))) => format!("les lignes « {word} » de l'année {year}"),
        (Some((_, word)), None) => format!("les lignes « {word} »"),
        (None, Some((_, year))) => format!("les lignes de l'année {year}"),
        (None, None) => "les mêmes lignes".to_string(),
    };
    let names: Vec<String> = found
        .iter()
        .map(|r| r.table.source.display().to_string())
        .collect();
    let Some(kept) = prevailing.and_then(|p| found.iter().position(|r| r.table.source == p)) else {
        return Err(Error::new(format!(
            "{what} sont dans plusieurs fichiers : {}",
            names.join(", ")
        ))
        .file(&found[0].table.source)
        .hint("dites lequel l'emporte : « prioritaire = \"…\" » (le jeu de données courant du portail, plutôt que l'historique)"));
    };
    let kept = found.swap_remove(kept);
    for other in &found {
        notices.push(Notice::Overlap {
            what: what.clone(),
            kept: kept.table.source.clone(),
            set_aside: other.table.source.clone(),
            differences: differences((&kept.df, &other.df), code, columns)?,
        });
    }
    Ok(kept)
}

/// The cells of `columns` that the set-aside rows give otherwise than the kept ones, by code
/// (a value, a secret cell or none).
fn differences(
    (kept, other): (&DataFrame, &DataFrame),
    code: &str,
    columns: &[&str],
) -> Result<Vec<Difference>> {
    let by_code = |df: &DataFrame| -> Result<std::collections::BTreeMap<String, usize>> {
        Ok(df
            .column(code)?
            .str()?
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (c.to_string(), i)))
            .collect())
    };
    let (kept_rows, other_rows) = (by_code(kept)?, by_code(other)?);
    let mut found = Vec::new();
    for column in columns {
        let cell = |df: &DataFrame, i: usize| -> Result<Option<String>> {
            let secret = df.column(&secret_column(column))?.bool()?.get(i) == Some(true);
            let value = df.column(column)?.f64()?.get(i);
            Ok(match (secret, value) {
                (true, _) => Some("secret".to_string()),
                (false, Some(v)) => Some(crate::format::decimal(v, 1)),
                (false, None) => None,
            })
        };
        for (c, &i) in &kept_rows {
            let Some(&j) = other_rows.get(c) else {
                continue;
            };
            let (a, b) = (cell(kept, i)?, cell(other, j)?);
            if a != b {
                found.push(Difference {
                    code: c.clone(),
                    column: column.to_string(),
                    kept: a.unwrap_or_else(|| "vide".into()),
                    set_aside: b.unwrap_or_else(|| "vide".into()),
                });
            }
        }
    }
    Ok(found)
}

/// The rows of `year` in `df` (by its `column`), and every year the rows hold; a row
/// without a year is an error at its line.
pub fn rows_of_year(
    file: &Path,
    df: DataFrame,
    (column, year): (&str, u16),
) -> Result<(DataFrame, Vec<u16>)> {
    check_years(file, &df, column)?;
    let years = df.column(column)?.f64()?;
    let mask: BooleanChunked = years
        .iter()
        .map(|y| Some(y == Some(f64::from(year))))
        .collect();
    let found: Vec<u16> = years.iter().flatten().map(|y| y as u16).collect();
    Ok((df.filter(&mask)?, found))
}

/// Every row of `df` has its year in `column`.
fn check_years(file: &Path, df: &DataFrame, column: &str) -> Result<()> {
    let years = df.column(column)?.f64()?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    match (0..df.height()).find(|&i| years.get(i).is_none()) {
        Some(i) => Err(Error::new("ligne sans année")
            .file(file)
            .line(lines.get(i).unwrap_or(0) as usize)
            .column(column)
            .hint("renseignez l'année de la ligne, ou retirez la ligne")),
        None => Ok(()),
    }
}

/// No file has rows of the level: say which levels they have (a published file of the Cnaf
/// has one).
fn level_absent(tables: &[Arc<Table>], column: &str, word: &str) -> Error {
    let mut levels: Vec<String> = Vec::new();
    for table in tables {
        if let Ok(words) = table.df.column(column).and_then(|c| c.str().cloned()) {
            levels.extend(words.iter().flatten().map(str::to_string));
        }
    }
    levels.sort();
    levels.dedup();
    let levels = match levels.as_slice() {
        [] => String::new(),
        [one] => format!(" : ses lignes sont toutes du niveau « {one} »"),
        _ => format!(" ; niveaux présents : {}", levels.join(", ")),
    };
    let (file, hint) = match tables {
        [t] => (
            &t.source,
            "donnez le fichier du niveau de la requête (pour la Cnaf, txcouv_pe_com, _epci, _dep, _reg ou _nat), ou plusieurs : fichier = [\"…\", \"…\"]".to_string(),
        ),
        _ => (
            &tables[0].source,
            format!("fichiers lus : {}", listed(tables)),
        ),
    };
    Error::new(format!(
        "aucune ligne de niveau « {word} » dans {}{levels}",
        match tables {
            [_] => "le fichier",
            _ => "les fichiers",
        }
    ))
    .file(file)
    .column(column)
    .hint(hint)
}

fn listed(tables: &[Arc<Table>]) -> String {
    let names: Vec<String> = tables
        .iter()
        .map(|t| t.source.display().to_string())
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::layouts;

    const HEADER: &str = "annee;numepci;nomepci;numdep;nomdep;txcouv_eaje_epci;txcouv_epci\n";

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn epci_rows(
        files: &[&Path],
        year: u16,
        prevailing: Option<&Path>,
    ) -> (Result<Rows>, Vec<Notice>) {
        let mut notices = Vec::new();
        let rows = RowsRequest {
            files,
            spec: &layouts::txcouv(),
            filter: RowFilter {
                level: Some(("niveau", "epci")),
                year: Some(("annee", year)),
            },
            prevailing,
            compared: ("code", &["txcouv", "txcouv_eaje"]),
        }
        .read(&mut notices);
        (rows, notices)
    }

    fn rates(rows: &Rows) -> Vec<(String, f64)> {
        let codes = rows.df.column("code").unwrap().str().unwrap().clone();
        let rates = rows.df.column("txcouv").unwrap().f64().unwrap().clone();
        codes
            .iter()
            .zip(rates.iter())
            .map(|(c, r)| (c.unwrap().to_string(), r.unwrap()))
            .collect()
    }

    #[test]
    fn the_rows_of_a_level_come_from_the_file_of_that_level() {
        let dir = tempfile::tempdir().unwrap();
        let epci = write(
            dir.path(),
            "epci.csv",
            &format!("{HEADER}2023;200069177;Mond'Arverne;63;Puy-de-Dôme;11.3;67.8\n"),
        );
        let nat = write(
            dir.path(),
            "nat.csv",
            "annee;txcouv_am_nat;txcouv_nat\n2023;31.9;60.9\n",
        );
        let (rows, notices) = epci_rows(&[&nat, &epci], 2023, None);
        let rows = rows.unwrap();
        assert_eq!(rows.table.source, epci);
        assert_eq!(rates(&rows), vec![("200069177".to_string(), 67.8)]);
        assert!(notices.is_empty());
        // The national file need not have the EPCI's columns: it is read for its level only.
        let mut notices = Vec::new();
        let nat_rows = RowsRequest {
            files: &[&epci, &nat],
            spec: &layouts::txcouv(),
            filter: RowFilter {
                level: Some(("niveau", "nat")),
                year: Some(("annee", 2023)),
            },
            prevailing: None,
            compared: ("code", &["txcouv"]),
        }
        .read(&mut notices)
        .unwrap();
        assert_eq!(rates(&nat_rows), vec![("FRANCE".to_string(), 60.9)]);
    }

    #[test]
    fn two_files_with_the_same_year_need_a_rule_and_their_differences_are_said() {
        let dir = tempfile::tempdir().unwrap();
        let history = write(
            dir.path(),
            "historique.csv",
            &format!(
                "{HEADER}2022;200069177;Mond'Arverne;63;P;11.0;66.0\n\
                 2023;200069177;Mond'Arverne;63;P;12.3;68.8\n\
                 2023;246300701;Clermont;63;P;23.9;63.5\n"
            ),
        );
        let current = write(
            dir.path(),
            "courant.csv",
            &format!(
                "{HEADER}2023;200069177;Mond'Arverne;63;P;11.3;67.8\n\
                 2023;246300701;Clermont;63;P;23.9;63.5\n"
            ),
        );
        let files: [&Path; 2] = [&history, &current];
        let err = epci_rows(&files, 2023, None).0.unwrap_err().to_string();
        assert!(
            err.contains("les lignes « epci » de l'année 2023 sont dans plusieurs fichiers"),
            "{err}"
        );
        assert!(err.contains("prioritaire"), "{err}");

        let (rows, notices) = epci_rows(&files, 2023, Some(&current));
        let rows = rows.unwrap();
        assert_eq!(rows.table.source, current);
        assert_eq!(rates(&rows)[0], ("200069177".to_string(), 67.8));
        let [
            Notice::Overlap {
                kept,
                set_aside,
                differences,
                ..
            },
        ] = notices.as_slice()
        else {
            panic!("{notices:?}")
        };
        assert_eq!((kept, set_aside), (&current, &history));
        let said: Vec<(&str, &str, &str, &str)> = differences
            .iter()
            .map(|d| {
                (
                    d.code.as_str(),
                    d.column.as_str(),
                    d.kept.as_str(),
                    d.set_aside.as_str(),
                )
            })
            .collect();
        assert_eq!(
            said,
            vec![
                ("200069177", "txcouv", "67,8", "68,8"),
                ("200069177", "txcouv_eaje", "11,3", "12,3"),
            ]
        );
        assert!(
            notices[0].to_string().contains("2 valeur(s) diffèrent"),
            "{}",
            notices[0]
        );

        // A year only one file has is read from it, without a rule.
        let (rows, notices) = epci_rows(&files, 2022, None);
        assert_eq!(rates(&rows.unwrap()), vec![("200069177".to_string(), 66.0)]);
        assert!(notices.is_empty());
    }

    #[test]
    fn a_year_or_a_level_no_file_has_is_an_error_that_says_what_they_have() {
        let dir = tempfile::tempdir().unwrap();
        let epci = write(
            dir.path(),
            "epci.csv",
            &format!("{HEADER}2021;200069177;M;63;P;11.3;67.8\n2022;200069177;M;63;P;11.3;67.8\n"),
        );
        let err = epci_rows(&[&epci], 2023, None).0.unwrap_err().to_string();
        assert!(err.contains("aucune ligne de l'année 2023"), "{err}");
        assert!(err.contains("années du fichier : 2021, 2022"), "{err}");

        let dep = write(
            dir.path(),
            "dep.csv",
            "annee;numdep;nomdep;numregi;nomregi;txcouv_dep\n2023;63;Puy-de-Dôme;84;ARA;64.2\n",
        );
        let err = epci_rows(&[&dep], 2023, None).0.unwrap_err().to_string();
        assert!(err.contains("aucune ligne de niveau « epci » dans le fichier : ses lignes sont toutes du niveau « dep »"), "{err}");
    }
}

//! The analysts' inventory of services: one row per service or action, placed in a commune
//! or an EPCI, for a year. No open dataset lists these services, so the file is theirs.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::kind::{Names, ServiceKind};
use crate::error::{Error, Result};
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::ingest::{self, CodeKind, ColumnKind, ColumnSpec, LINE_COLUMN, Quantity, TableSpec};
use crate::territory::str_col;

/// The columns of an inventory file.
#[derive(Debug, Clone, PartialEq)]
pub struct Columns {
    /// Commune code or EPCI SIREN.
    pub code: String,
    /// Service type, as written by the analysts ("LAEP", "Relais petite enfance"…).
    pub kind: String,
    pub year: String,
    /// Units of the row (animators, places…); 1 when the column or the cell is empty.
    pub count: Option<String>,
    /// Name of the structure, to tell two services of a commune apart.
    pub name: Option<String>,
}

/// Where a service is declared.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Commune(String),
    Epci(String),
}

impl Place {
    pub fn code(&self) -> &str {
        match self {
            Place::Commune(c) | Place::Epci(c) => c,
        }
    }
}

/// One service of the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub line: usize,
    pub place: Place,
    pub kind: ServiceKind,
    pub year: u16,
    pub count: f64,
    pub name: Option<String>,
}

/// The services read, and the rows set aside (each with its lines, for the report).
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub source: PathBuf,
    pub entries: Vec<Entry>,
    /// Type names no kind matches → their lines.
    pub unknown_kinds: BTreeMap<String, Vec<usize>>,
    /// `(line, line of the identical row kept)`.
    pub duplicates: Vec<(usize, usize)>,
}

/// Reads an inventory. A row with no code, no type, an unreadable year or count is an
/// error; an unknown type or a repeated row is kept aside and reported.
pub fn read(path: &Path, columns: &Columns, names: &Names) -> Result<Inventory> {
    let mut specs = vec![
        ColumnSpec::required(&columns.code, ColumnKind::Code(CodeKind::CommuneOrEpci)),
        ColumnSpec::required(&columns.kind, ColumnKind::Text),
        ColumnSpec::required(&columns.year, ColumnKind::Text),
    ];
    if let Some(c) = &columns.count {
        specs.push(ColumnSpec::required(c, ColumnKind::Number(Quantity::Count)));
    }
    if let Some(n) = &columns.name {
        specs.push(ColumnSpec::required(n, ColumnKind::Text));
    }
    let table = ingest::read_table(
        path,
        &TableSpec {
            columns: specs,
            secret_markers: Vec::new(),
            ..TableSpec::default()
        },
    )?;
    let df = &table.df;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    let codes = str_col(df, &columns.code)?;
    let kinds = str_col(df, &columns.kind)?;
    let years = str_col(df, &columns.year)?;
    let counts = match &columns.count {
        Some(c) => Some(cells(df, c)?),
        None => None,
    };
    let structure_names = match &columns.name {
        Some(n) => Some(str_col(df, n)?),
        None => None,
    };

    let mut inventory = Inventory {
        source: table.source.clone(),
        ..Inventory::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for i in 0..df.height() {
        let line = lines.get(i).unwrap_or(0) as usize;
        let error = |message: String, column: &str| {
            Error::new(message)
                .file(&table.source)
                .line(line)
                .column(column)
        };
        let code = codes.get(i).expect("the reader refuses empty codes");
        let Some(written_kind) = kinds.get(i) else {
            return Err(error("type de service absent".into(), &columns.kind)
                .hint("renseignez le type (Laep, Clas, Reaap…) ou supprimez la ligne"));
        };
        let year = parse_year(years.get(i)).ok_or_else(|| {
            error(
                format!("année illisible « {} »", years.get(i).unwrap_or("")),
                &columns.year,
            )
            .hint("écrivez l'année sur quatre chiffres, par exemple 2022")
        })?;
        // The reader refuses a negative count, and the inventory has no secret marker.
        let count = match counts.as_ref().map(|c| c[i]) {
            Some(Cell::Value(v)) => v,
            None | Some(Cell::Missing | Cell::Secret | Cell::Partial | Cell::Bounded { .. }) => 1.0,
        };
        let name = structure_names.and_then(|n| n.get(i)).map(str::to_string);
        let Some(kind) = names.kind(written_kind) else {
            inventory
                .unknown_kinds
                .entry(written_kind.to_string())
                .or_default()
                .push(line);
            continue;
        };
        // The same service twice: the same place, kind, year, count and name.
        let key = format!(
            "{code}\u{1f}{}\u{1f}{year}\u{1f}{count}\u{1f}{}",
            kind.key(),
            name.as_deref()
                .map(super::kind::normalise)
                .unwrap_or_default()
        );
        if let Some(&first) = seen.get(&key) {
            inventory.duplicates.push((line, first));
            continue;
        }
        seen.insert(key, line);
        let place = if code.len() == 9 {
            Place::Epci(code.to_string())
        } else {
            Place::Commune(code.to_string())
        };
        inventory.entries.push(Entry {
            line,
            place,
            kind,
            year,
            count,
            name,
        });
    }
    Ok(inventory)
}

/// A year of four digits ("2022", or "2022.0" from a spreadsheet).
fn parse_year(cell: Option<&str>) -> Option<u16> {
    let cell = cell?;
    let digits = cell.strip_suffix(".0").unwrap_or(cell);
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|y| (1900..=2100).contains(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Columns {
        Columns {
            code: "code".into(),
            kind: "type".into(),
            year: "annee".into(),
            count: Some("nombre".into()),
            name: Some("nom".into()),
        }
    }

    fn read_text(text: &str) -> Result<Inventory> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inventaire.csv");
        std::fs::write(&path, text).unwrap();
        read(&path, &columns(), &Names::new([]))
    }

    #[test]
    fn rows_become_services_with_their_place() {
        let inv = read_text(
            "code;type;annee;nombre;nom\n\
             63113;LAEP;2022;;La Maison\n\
             246300701;Action Réaap;2022;2;\n\
             1001;RAM;2021.0;1,5;Relais\n",
        )
        .unwrap();
        assert_eq!(inv.entries.len(), 3);
        assert_eq!(inv.entries[0].place, Place::Commune("63113".into()));
        assert_eq!(inv.entries[0].kind, ServiceKind::Laep);
        assert_eq!(inv.entries[0].count, 1.0);
        assert_eq!(inv.entries[0].line, 2);
        assert_eq!(inv.entries[1].place, Place::Epci("246300701".into()));
        assert_eq!(inv.entries[1].count, 2.0);
        assert_eq!(inv.entries[2].place, Place::Commune("01001".into()));
        assert_eq!((inv.entries[2].year, inv.entries[2].count), (2021, 1.5));
    }

    #[test]
    fn unknown_types_and_duplicates_are_set_aside_with_their_lines() {
        let inv = read_text(
            "code;type;annee;nombre;nom\n\
             63113;Laep;2022;;La Maison\n\
             63113;Ludothèque;2022;;\n\
             63113;laep;2022;;la maison\n\
             63113;Laep;2022;;Autre lieu\n\
             63113;Ludothèque;2021;;\n",
        )
        .unwrap();
        assert_eq!(inv.entries.len(), 2);
        assert_eq!(inv.duplicates, [(4, 2)]);
        assert_eq!(inv.unknown_kinds["Ludothèque"], [3, 6]);
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let cases = [
            (
                "code;type;annee;nombre;nom\n63113;Laep;2O22;;\n",
                "année illisible « 2O22 »",
                "annee",
            ),
            (
                "code;type;annee;nombre;nom\n63113;;2022;;\n",
                "type de service absent",
                "type",
            ),
            (
                "code;type;annee;nombre;nom\n;Laep;2022;;\n",
                "code vide",
                "code",
            ),
            (
                "code;type;annee;nombre;nom\n631;Laep;2022;;\n",
                "code mal formé",
                "code",
            ),
            (
                "code;type;annee;nombre;nom\n63113;Laep;2022;-1;\n",
                "un effectif n'est jamais négatif",
                "nombre",
            ),
            (
                "code;type;annee;nombre;nom\n63113;Laep;2022;deux;\n",
                "non numérique",
                "nombre",
            ),
        ];
        for (text, message, column) in cases {
            let err = read_text(text).unwrap_err();
            assert!(err.message.contains(message), "{err}");
            assert_eq!(err.line, Some(2), "{err}");
            assert_eq!(err.column.as_deref(), Some(column), "{err}");
        }
    }

    #[test]
    fn years_are_four_digits() {
        assert_eq!(parse_year(Some("2022")), Some(2022));
        assert_eq!(parse_year(Some("2022.0")), Some(2022));
        for bad in ["22", "2022-23", "", "3022", "20 22"] {
            assert_eq!(parse_year(Some(bad)), None, "{bad}");
        }
        assert_eq!(parse_year(None), None);
    }
}

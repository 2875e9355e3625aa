//! Reading the analysts' files (CSV and xlsx) into polars frames.
//!
//! A [`TableSpec`] says which columns to keep and what they hold; [`read_table`] copes with the way French open
//! data is written (encodings, separators, decimal commas, thousands spaces, codes that lost their leading zero,
//! title rows above an xlsx header) and fails with the file, the line and the column when a cell makes no sense.
//!
//! *Secret statistique* cells (suppressed small values) are neither zero nor missing: every Number column comes
//! with a Boolean column [`secret_column`]`(name)` that is true where the cell was secret (its value is null).

pub mod builtin;
pub mod cnaf;
#[cfg(test)]
mod codes_read_back;
mod csv;
pub mod files;
pub mod layouts;
mod ods_percent;
mod parquet;
mod table;
mod text;
mod unique;
mod workbook;

pub(crate) use text::{normalize_code, parse_number};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::DataFrame;

use crate::error::{Error, Result};

/// UInt32 column: 1-based line of the row in the source file (CSV: the header is line 1; xlsx: the spreadsheet row).
pub const LINE_COLUMN: &str = "__ligne";
/// Suffix of the Boolean column that flags the secret cells of a Number column.
pub const SECRET_SUFFIX: &str = "__secret";

/// Name of the Boolean column flagging the secret cells of Number column `name`.
pub fn secret_column(name: &str) -> String {
    format!("{name}{SECRET_SUFFIX}")
}

/// A file read into a frame.
///
/// `df` holds the spec's columns found in the file, in spec order, plus [`LINE_COLUMN`]: Code and Text columns
/// as String (codes normalised, cells trimmed, empty cells null), Number columns as Float64 (null when missing
/// or secret), each followed by its Boolean [`secret_column`].
#[derive(Debug, Clone)]
pub struct Table {
    pub source: PathBuf,
    pub df: DataFrame,
    /// Per code column, the codes that had lost their leading zero and got it back.
    pub restored: Vec<RestoredZeros>,
    /// Numbers read from an .xls, whose cell formats our reader does not see: a cell shown
    /// as a percentage gives its stored fraction (0,702 for 70,2 %). Said, never silent.
    pub formats_unread: bool,
}

/// Codes of a column written without their leading zero (a spreadsheet took them for numbers, a parquet
/// table stores them as integers: `1001`) and read with it (`01001`): unambiguous, so read, and said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoredZeros {
    pub column: String,
    pub count: usize,
    /// The first of them: its line, as written, as read.
    pub first: (u32, String, String),
}

/// Which territory code a column holds, and so how it is normalised and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// 5 characters: `01001` (`1001` is padded), `2A004`, `75101`, `97101`.
    Commune,
    /// `01` (`1` is padded), `2A`, `971`.
    Departement,
    /// 2 digits (`1` is padded).
    Region,
    /// SIREN, 9 digits.
    Epci,
    /// Commune code and 4 digits (`10010000` is padded).
    Iris,
    /// A commune code, or the SIREN of an EPCI (services placed at either level).
    CommuneOrEpci,
    /// Kept as written, trimmed (e.g. `FRANCE_HORS_MAYOTTE`, `ZZZZZZZZZ`).
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Code(CodeKind),
    Number(Quantity),
    Text,
}

/// What a Number column holds, and so which values are plausible: a value that is not is an error naming the
/// file, the line, the column and the value, never a number taken as it comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// People, families, places, services: never negative.
    Count,
    /// A rate or a share, in percent: never negative.
    Rate,
    /// A calendar year: a whole number from 1900 to 2100.
    Year,
    /// Any finite number (an amount, an index, an indicator of a score).
    Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub name: String,
    pub kind: ColumnKind,
    /// The column must be in the file and, for a Code column, filled on every row. An empty cell of a
    /// non-required Code column is null (e.g. `COMPARENT` of the COG, empty for ordinary communes).
    pub required: bool,
}

impl ColumnSpec {
    pub fn required(name: &str, kind: ColumnKind) -> Self {
        ColumnSpec {
            name: name.to_string(),
            kind,
            required: true,
        }
    }
    pub fn optional(name: &str, kind: ColumnKind) -> Self {
        ColumnSpec {
            name: name.to_string(),
            kind,
            required: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableSpec {
    pub columns: Vec<ColumnSpec>,
    /// Exact cell contents (after trimming) that mean *secret statistique* in Number columns, e.g. `["", "s"]`.
    /// An empty cell not listed here is missing: null, not secret.
    pub secret_markers: Vec<String>,
    /// Columns forming a unique key (may be empty); a duplicate is an error naming the key and both lines.
    pub unique: Vec<String>,
    /// xlsx sheet to read (default: the first one).
    pub sheet: Option<String>,
}

/// [`read_table`], once per process for the same file unchanged and the same
/// spec: the queries of one year share their reading of its files.
pub fn read_shared(path: &Path, spec: &TableSpec) -> Result<Arc<Table>> {
    crate::once::per_files(&[path], &format!("{spec:?}"), || read_table(path, spec))
}

/// Reads a `.csv`/`.txt`/`.tsv` file, a workbook (`.xlsx`, `.xls`, `.ods`) or a `.parquet` table
/// according to `spec`.
pub fn read_table(path: &Path, spec: &TableSpec) -> Result<Table> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "csv" | "txt" | "tsv" => csv::read(path, spec),
        "xlsx" | "xlsm" | "xls" | "ods" => workbook::read(path, spec),
        "parquet" => parquet::read(path, spec),
        _ => Err(Error::new("format de fichier non reconnu")
            .file(path)
            .hint("donnez un fichier .csv, .txt, .tsv, .xlsx, .xls, .ods ou .parquet")),
    }
}

//! Workbooks (xlsx, xls, ods), read with calamine. INSEE and DGCL put titles above the header, so the header is
//! the first row (within the first 30) holding every required column; cells typed as numbers are turned back into text so
//! that codes and numbers go through the same checks as in a CSV (`1001.0` → `1001` → `01001`).

use std::fmt::Write;
use std::path::Path;

use ::csv::StringRecord;
use calamine::{Data, Reader, open_workbook_auto};
use polars::prelude::DataFrame;

use super::TableSpec;
use super::table::{Builder, header_name};
use crate::error::{Error, Result};

/// How far down the header is looked for.
const HEADER_SEARCH_ROWS: usize = 30;

pub(crate) fn read(path: &Path, spec: &TableSpec) -> Result<DataFrame> {
    let workbook_error = |e: calamine::Error| {
        match e {
        calamine::Error::Io(e) => Error::io(path, e),
        e => Error::new(format!("classeur illisible : {e}"))
            .file(path)
            .hint("vérifiez qu'il s'agit d'un classeur valide du format de son extension (.xlsx, .xls, .ods)"),
    }
    };
    let mut workbook = open_workbook_auto(path).map_err(workbook_error)?;
    let sheets = workbook.sheet_names();
    let sheet = match &spec.sheet {
        Some(name) if sheets.contains(name) => name.clone(),
        Some(name) => {
            return Err(Error::new(format!(
                "feuille « {name} » absente ; feuilles : {}",
                sheets.join(", ")
            ))
            .file(path)
            .hint("indiquez le nom exact de la feuille"));
        }
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| Error::new("classeur sans feuille").file(path))?,
    };
    let range = workbook.worksheet_range(&sheet).map_err(workbook_error)?;
    // Rows are numbered from the sheet's first row, which calamine may have skipped if empty.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);

    let mut record = StringRecord::new();
    let mut buffer = String::new();
    let required: Vec<&str> = spec
        .columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name.as_str())
        .collect();
    let header_index = range
        .rows()
        .take(HEADER_SEARCH_ROWS)
        .position(|row| {
            fill(&mut record, row, &mut buffer);
            required.iter().all(|name| record.iter().any(|cell| header_name(cell) == *name))
        })
        .ok_or_else(|| {
            Error::new(format!(
                "en-tête introuvable : aucune des {HEADER_SEARCH_ROWS} premières lignes de la feuille « {sheet} » \
                 ne contient toutes les colonnes {}",
                required.join(", ")
            ))
            .file(path)
            .hint("vérifiez le nom des colonnes (majuscules comprises) et la feuille lue")
        })?;

    let mut rows = range.rows().enumerate().skip(header_index);
    if let Some((_, header)) = rows.next() {
        fill(&mut record, header, &mut buffer);
    }
    let mut builder = Builder::new(path, spec, &record, range.height())?;
    for (index, row) in rows {
        let blank = |cell: &Data| match cell {
            Data::Empty => true,
            Data::String(text) => text.trim().is_empty(),
            _ => false,
        };
        if row.iter().all(blank) {
            continue;
        }
        fill(&mut record, row, &mut buffer);
        builder.push((first_row + index + 1) as u32, &record)?;
    }
    builder.finish()
}

/// Writes a row's cells as text into `record`; `buffer` avoids an allocation per non-text cell.
fn fill(record: &mut StringRecord, row: &[Data], buffer: &mut String) {
    record.clear();
    for cell in row {
        match cell {
            Data::String(text) => record.push_field(text),
            Data::Empty => record.push_field(""),
            // f64's Display writes integral floats without `.0` and round-trips every value.
            other => {
                buffer.clear();
                write!(buffer, "{other}").expect("writing to a String");
                record.push_field(buffer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{
        CodeKind, ColumnKind, ColumnSpec, LINE_COLUMN, TableSpec, read_table, secret_column,
    };
    use std::path::PathBuf;

    /// Written by `tests/fixtures/ingest/make-xlsx.py`: titles on rows 1–2, header on row 5, codes as numbers;
    /// the same first sheet as `.ods` and `.xls`.
    fn workbook_as(extension: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/ingest/insee-titles.{extension}"))
    }

    fn workbook() -> PathBuf {
        workbook_as("xlsx")
    }

    fn spec(sheet: Option<&str>) -> TableSpec {
        TableSpec {
            columns: vec![
                ColumnSpec::required("CODGEO", ColumnKind::Code(CodeKind::Commune)),
                ColumnSpec::required("taux", ColumnKind::Number(crate::ingest::Quantity::Rate)),
                ColumnSpec::optional("DEP", ColumnKind::Code(CodeKind::Departement)),
            ],
            secret_markers: vec!["".into(), "s".into()],
            unique: vec!["CODGEO".into()],
            sheet: sheet.map(str::to_string),
        }
    }

    #[test]
    fn header_below_titles_and_numeric_codes() {
        for extension in ["xlsx", "ods", "xls"] {
            header_below_titles_and_numeric_codes_in(extension);
        }
    }

    fn header_below_titles_and_numeric_codes_in(extension: &str) {
        let df = read_table(&workbook_as(extension), &spec(None)).unwrap().df;
        let texts = |name: &str| -> Vec<String> {
            let column = df.column(name).unwrap().str().unwrap().clone();
            column.iter().flatten().map(str::to_string).collect()
        };
        assert_eq!(
            texts("CODGEO"),
            ["01001", "2A004", "97101", "01002"],
            "{extension}"
        );
        assert_eq!(texts("DEP"), ["01", "2A", "971", "01"]);
        let rates: Vec<_> = df.column("taux").unwrap().f64().unwrap().iter().collect();
        assert_eq!(rates, [Some(60.9), Some(1848.5), None, None]);
        let secret: Vec<_> = df
            .column(&secret_column("taux"))
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(secret, [false, false, true, true]);
        let lines: Vec<_> = df
            .column(LINE_COLUMN)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(lines, [6, 7, 8, 10], "{extension}");
    }

    #[test]
    fn errors_give_the_spreadsheet_row() {
        let e = read_table(&workbook(), &spec(Some("Erreurs"))).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref(), e.code.as_deref()),
            (Some(5), Some("CODGEO"), Some("1A001"))
        );
    }

    #[test]
    fn unknown_sheet_and_header_not_found() {
        let e = read_table(&workbook(), &spec(Some("Feuil1"))).unwrap_err();
        assert!(e.message.contains("Données, Erreurs"), "{e}");
        let mut spec = spec(None);
        spec.columns
            .push(ColumnSpec::required("ABSENTE", ColumnKind::Text));
        let e = read_table(&workbook(), &spec).unwrap_err();
        assert!(e.message.contains("en-tête introuvable"), "{e}");
    }
}

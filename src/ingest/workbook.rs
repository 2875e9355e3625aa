//! Workbooks (xlsx, xls, ods), read with calamine. INSEE and DGCL put titles above the header, so the header is
//! the first row (within the first 30) holding every required column; cells typed as numbers are turned back into text so
//! that codes and numbers go through the same checks as in a CSV (`1001.0` → `1001` → `01001`).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use ::csv::StringRecord;
use calamine::{Data, Reader, Sheets, open_workbook_auto};

use super::table::{Builder, header_name};
use super::{ColumnKind, Table, TableSpec};
use crate::error::{Error, Result};

/// How far down the header is looked for.
const HEADER_SEARCH_ROWS: usize = 30;

pub(crate) fn read(path: &Path, spec: &TableSpec) -> Result<Table> {
    let workbook_error = |e: calamine::Error| {
        // calamine speaks English: the kind of damage is said in French, its detail kept as the cause.
        let what = match &e {
            calamine::Error::Io(_) => None,
            calamine::Error::Xlsx(calamine::XlsxError::Zip(_))
            | calamine::Error::Ods(calamine::OdsError::Zip(_)) => Some(
                "l'archive du classeur est abîmée, ou ce n'est pas un classeur (.xlsx et .ods sont des archives zip)",
            ),
            calamine::Error::Xlsx(calamine::XlsxError::FileNotFound(_)) => {
                Some("une partie du classeur manque (classeur tronqué ou abîmé)")
            }
            calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Ods(calamine::OdsError::Password) => Some(
                "classeur protégé par un mot de passe : enregistrez-en une copie sans mot de passe",
            ),
            // The bound calamine puts on a sheet read whole (an .ods, 100 million cells): a stray
            // cell far from the data asks for more, and is refused before any allocation.
            calamine::Error::Ods(calamine::OdsError::CellLimitExceeded { .. }) => Some(
                "la feuille s'étend sur plus de 100 millions de cellules (une cellule égarée loin des données ?) : supprimez les lignes et colonnes au-delà des données, ou enregistrez la feuille en CSV",
            ),
            calamine::Error::Xls(_) => Some("classeur Excel 97 (.xls) illisible"),
            calamine::Error::Msg(_) => Some("format de classeur inconnu"),
            _ => Some("contenu du classeur illisible"),
        };
        match (what, e) {
            (None, calamine::Error::Io(e)) => Error::io(path, e),
            (what, e) => Error::new(format!("classeur illisible : {}", what.unwrap_or_default()))
                .file(path)
                .hint("vérifiez qu'il s'agit d'un classeur valide du format de son extension (.xlsx, .xls, .ods) : ouvrez-le et réenregistrez-le")
                .cause(e),
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
    let rows = sheet_rows(&mut workbook, path, &sheet).map_err(workbook_error)?;

    let mut record = StringRecord::new();
    let mut buffer = String::new();
    let required: Vec<&str> = spec
        .columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name.as_str())
        .collect();
    let header_index = rows
        .iter()
        .map(|(_, row)| row)
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

    let mut data = rows.iter().skip(header_index);
    if let Some((_, header)) = data.next() {
        fill(&mut record, header, &mut buffer);
    }
    let mut builder = Builder::new(path, spec, &record, rows.len())?;
    for (index, row) in data {
        let blank = |cell: &Data| match cell {
            Data::Empty => true,
            Data::String(text) => text.trim().is_empty(),
            _ => false,
        };
        if row.iter().all(blank) {
            continue;
        }
        fill(&mut record, row, &mut buffer);
        builder.push(index + 1, &record)?;
    }
    let mut table = builder.finish()?;
    table.formats_unread = matches!(workbook, Sheets::Xls(_))
        && spec
            .columns
            .iter()
            .any(|c| matches!(c.kind, ColumnKind::Number(_)));
    Ok(table)
}

/// The sheet's rows that hold a cell, each with its index (0 for the sheet's first row) and its cells from
/// column A. An xlsx is read cell by cell: its declared extent spans the whole sheet for one stray cell in
/// XFD1048576, and a dense range of it would ask for hundreds of gigabytes; memory stays that of the cells
/// present. calamine gives the other formats as a range.
fn sheet_rows(
    workbook: &mut Sheets<std::io::BufReader<std::fs::File>>,
    path: &Path,
    sheet: &str,
) -> std::result::Result<Vec<(u32, Vec<Data>)>, calamine::Error> {
    if let Sheets::Xlsx(xlsx) = workbook {
        let mut cells = xlsx.worksheet_cells_reader(sheet)?;
        let mut rows: BTreeMap<u32, Vec<Data>> = BTreeMap::new();
        while let Some((cell, style)) = cells.next_cell_with_style_id()? {
            let ((row, column), value) =
                (cell.get_position(), Data::from(cell.get_value().clone()));
            let percent = cells
                .styles()
                .get(style)
                .and_then(|s| s.number_format.as_ref())
                .is_some_and(is_percent);
            let value = match value {
                Data::Empty => continue,
                // What the analyst sees: 70,2 % is 70,2, not the 0,702 stored.
                Data::Float(v) if percent => Data::Float(as_shown_percent(v)),
                Data::Int(v) if percent => Data::Float(as_shown_percent(v as f64)),
                other => other,
            };
            let row_cells = rows.entry(row).or_default();
            let column = column as usize;
            if row_cells.len() <= column {
                row_cells.resize(column + 1, Data::Empty);
            }
            row_cells[column] = value;
        }
        return Ok(rows.into_iter().collect());
    }
    let range = workbook.worksheet_range(sheet)?;
    // An .ods says which cells are percentages; calamine gives their stored fraction.
    let percent = match workbook {
        Sheets::Ods(_) => super::ods_percent::percent_cells(path, sheet),
        _ => Default::default(),
    };
    // Rows are numbered from the sheet's first row, which calamine may have skipped if empty.
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let padding = vec![Data::Empty; first_column as usize];
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let r = first_row + i as u32;
            let cells = padding
                .iter()
                .chain(row)
                .enumerate()
                .map(|(c, cell)| match cell {
                    Data::Float(v) if percent.contains(&(r, c as u32)) => {
                        Data::Float(as_shown_percent(*v))
                    }
                    other => other.clone(),
                });
            (r, cells.collect())
        })
        .collect())
}

/// A number format that shows the value × 100 with a `%` (Excel's built-in 9 and 10, or a code with `%` outside
/// quotes in its first section).
fn is_percent(format: &calamine::NumberFormat) -> bool {
    if matches!(format.format_id, Some(9 | 10)) {
        return true;
    }
    let (mut quoted, mut escaped) = (false, false);
    for c in format.format_code.chars() {
        match (c, quoted, escaped) {
            (_, _, true) => escaped = false,
            ('\\', false, _) => escaped = true,
            ('"', _, _) => quoted = !quoted,
            (';', false, _) => return false,
            ('%', false, _) => return true,
            _ => {}
        }
    }
    false
}

/// `v` × 100 without the binary noise of the product (0,702 × 100 is 70,199999999999989).
fn as_shown_percent(v: f64) -> f64 {
    (v * 100.0 * 1e9).round() / 1e9
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
        let table = read_table(&workbook_as(extension), &spec(None)).unwrap();
        // Only an .xls hides its cell formats from the reader: its numbers are said so.
        assert_eq!(table.formats_unread, extension == "xls", "{extension}");
        let df = table.df;
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

    #[test]
    fn a_stray_cell_in_the_last_row_and_column_costs_nothing() {
        // The sheet's extent is then A1:XFD1048576: 17 billion cells as a dense range.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, header) in ["CODGEO", "taux"].iter().enumerate() {
            sheet.write_string(0, c as u16, *header).unwrap();
        }
        sheet.write_string(1, 0, "63113").unwrap();
        sheet.write_number(1, 1, 57.3).unwrap();
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        book.save(&path).unwrap();
        // Read at once; the stray cell's row has no code, and is said at its place.
        let e = read_table(&path, &spec(None)).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref()),
            (Some(1_048_576), Some("CODGEO")),
            "{e}"
        );
    }

    #[test]
    fn a_stray_cell_far_from_the_data_of_an_ods_is_refused_before_any_allocation() {
        // 16 000 columns right and a million rows down: calamine reads an .ods whole, and
        // refuses more than 100 million cells before allocating them.
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ingest/stray-cell.ods"
        ));
        let e = read_table(&path, &spec(None)).unwrap_err();
        assert!(
            e.message.contains("plus de 100 millions de cellules"),
            "{e}"
        );
        assert!(e.message.contains("enregistrez la feuille en CSV"), "{e}");
        assert_eq!(e.file.as_deref(), Some(path.as_path()));
    }

    #[test]
    fn a_cell_of_an_ods_typed_as_a_percentage_is_read_as_shown() {
        let path = PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ingest/percent.ods"
        ));
        let mut spec = spec(None);
        spec.columns = ["X", "Y"]
            .into_iter()
            .map(|c| ColumnSpec::required(c, ColumnKind::Number(crate::ingest::Quantity::Value)))
            .collect();
        spec.columns
            .insert(0, ColumnSpec::required("CODGEO", ColumnKind::Text));
        let table = read_table(&path, &spec).unwrap();
        let column = |c: &str| -> Vec<Option<f64>> {
            table.df.column(c).unwrap().f64().unwrap().iter().collect()
        };
        // A number stays a number; 70,2 % is 70,2, and a percentage repeated over two
        // columns is one in each.
        assert_eq!(column("X"), [Some(1.0), Some(50.0)]);
        assert_eq!(column("Y"), [Some(70.2), Some(50.0)]);
    }

    #[test]
    fn a_cell_formatted_as_a_percentage_is_read_as_shown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "CODGEO").unwrap();
        sheet.write_string(0, 1, "taux").unwrap();
        let percent = rust_xlsxwriter::Format::new().set_num_format("0.0%");
        let quoted = rust_xlsxwriter::Format::new().set_num_format("0.0\" %\"");
        for (row, (code, value, format)) in [("63113", 0.702, &percent), ("63124", 0.5, &quoted)]
            .into_iter()
            .enumerate()
        {
            sheet.write_string(row as u32 + 1, 0, code).unwrap();
            sheet
                .write_number_with_format(row as u32 + 1, 1, value, format)
                .unwrap();
        }
        book.save(&path).unwrap();
        let table = read_table(&path, &spec(None)).unwrap();
        let rates: Vec<Option<f64>> = table
            .df
            .column("taux")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        // A quoted « % » is text of the format, not a percentage.
        assert_eq!(rates, [Some(70.2), Some(0.5)]);
    }
}

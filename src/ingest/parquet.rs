//! Parquet tables (the Cnaf open-data portal exports every dataset so), read by polars. Each
//! cell is turned back into text so that codes and numbers go through the same checks as in a
//! CSV: a code stored as an integer (`1001`) gets its leading zero back (`01001`), a number
//! stored as text is read with the French conventions. A row's line is its rank + 1, as in the
//! table's CSV export (header on line 1).

use std::fs::File;
use std::path::Path;

use ::csv::StringRecord;
use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};

use super::table::Builder;
use super::{Table, TableSpec};
use crate::error::{Error, Result};

pub(crate) fn read(path: &Path, spec: &TableSpec) -> Result<Table> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let df = ParquetReader::new(file).finish().map_err(|e| {
        Error::new("fichier parquet illisible (abîmé, tronqué, ou d'un autre format sous l'extension .parquet)")
            .file(path)
            .cause(e)
            .hint("vérifiez qu'il s'agit d'un fichier parquet valide (export du portail, ou polars, pandas, R arrow)")
    })?;
    let header: StringRecord = df.get_column_names().iter().map(|n| n.as_str()).collect();
    let texts: Vec<StringChunked> = df
        .columns()
        .iter()
        .map(|c| Ok(c.cast(&DataType::String)?.str()?.clone()))
        .collect::<Result<_>>()?;
    let mut builder = Builder::new(path, spec, &header, df.height())?;
    let mut record = StringRecord::new();
    for row in 0..df.height() {
        record.clear();
        for column in &texts {
            record.push_field(column.get(row).unwrap_or(""));
        }
        builder.push(row as u32 + 2, &record)?;
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use crate::ingest::{
        CodeKind, ColumnKind, ColumnSpec, LINE_COLUMN, Quantity, TableSpec, read_table,
        secret_column,
    };
    use polars::prelude::*;
    use polars_io::prelude::ParquetWriter;

    fn spec() -> TableSpec {
        TableSpec {
            columns: vec![
                ColumnSpec::required("CODGEO", ColumnKind::Code(CodeKind::Commune)),
                ColumnSpec::required("AM", ColumnKind::Number(Quantity::Count)),
                ColumnSpec::required("taux", ColumnKind::Number(Quantity::Rate)),
            ],
            secret_markers: vec!["s".into()],
            unique: vec!["CODGEO".into()],
            sheet: None,
        }
    }

    fn written(mut df: DataFrame) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        ParquetWriter::new(std::fs::File::create(&path).unwrap())
            .finish(&mut df)
            .unwrap();
        (dir, path)
    }

    #[test]
    fn integer_codes_get_their_zero_back_and_text_cells_are_read_as_in_a_csv() {
        let (_dir, path) = written(
            df!(
                "CODGEO" => [1001i64, 2004, 97101],
                "AM" => [Some("12"), Some("s"), None],
                "taux" => [Some(60.9), None, Some(1848.5)],
            )
            .unwrap(),
        );
        let table = read_table(&path, &spec()).unwrap();
        let df = table.df;
        let codes: Vec<Option<&str>> = df.column("CODGEO").unwrap().str().unwrap().iter().collect();
        assert_eq!(codes, [Some("01001"), Some("02004"), Some("97101")]);
        // Said: two codes of the column got their zero back, the first on line 2.
        assert_eq!(
            table.restored,
            [crate::ingest::RestoredZeros {
                column: "CODGEO".into(),
                count: 2,
                first: (2, "1001".into(), "01001".into()),
            }]
        );
        let am: Vec<Option<f64>> = df.column("AM").unwrap().f64().unwrap().iter().collect();
        assert_eq!(am, [Some(12.0), None, None]);
        let secret: Vec<Option<bool>> = df
            .column(&secret_column("AM"))
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(secret, [Some(false), Some(true), Some(false)]);
        let taux: Vec<Option<f64>> = df.column("taux").unwrap().f64().unwrap().iter().collect();
        assert_eq!(taux, [Some(60.9), None, Some(1848.5)]);
        let lines: Vec<Option<u32>> = df
            .column(LINE_COLUMN)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn a_bad_cell_names_its_row_and_a_broken_file_is_said() {
        let (_dir, path) = written(
            df!(
                "CODGEO" => ["01001", "1A001"],
                "AM" => ["1", "2"],
                "taux" => [1.0, 2.0],
            )
            .unwrap(),
        );
        let e = read_table(&path, &spec()).unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref()),
            (Some(3), Some("CODGEO")),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("b.parquet");
        std::fs::write(&broken, "CODGEO;AM\n01001;1\n").unwrap();
        let e = read_table(&broken, &spec()).unwrap_err();
        assert!(e.message.contains("fichier parquet illisible"), "{e}");
    }

    #[test]
    fn a_places_file_of_the_cnaf_portal_is_read_in_the_long_layout() {
        // As the portal exports it in parquet: the year and the SIREN as integers, the level
        // in the column names.
        let (_dir, path) = written(
            df!(
                "annee" => [2022i64, 2023],
                "numepci" => [200069177i64, 200069177],
                "nomepci" => ["CC Mond'Arverne Communauté", "CC Mond'Arverne Communauté"],
                "pl_eaje_epci" => [Some(150.0), Some(162.0)],
                "pl_am_ind_epci" => [Some(612.0), None],
                "tot_offre_epci" => [Some(790.0), Some(801.0)],
            )
            .unwrap(),
        );
        let spec = TableSpec {
            columns: vec![
                ColumnSpec::required("annee", ColumnKind::Number(Quantity::Year)),
                ColumnSpec::required("niveau", ColumnKind::Text),
                ColumnSpec::required("code", ColumnKind::Code(CodeKind::Free)),
                ColumnSpec::required("pl_eaje", ColumnKind::Number(Quantity::Count)),
                ColumnSpec::required("pl_am_ind", ColumnKind::Number(Quantity::Count)),
                ColumnSpec::required("tot_offre", ColumnKind::Number(Quantity::Count)),
            ],
            secret_markers: vec![String::new()],
            unique: vec!["annee".into(), "niveau".into(), "code".into()],
            sheet: None,
        };
        let df = read_table(&path, &spec).unwrap().df;
        let text = |c: &str| crate::indicators::frame::test_strings(&df, c);
        assert_eq!(text("niveau"), [Some("epci".into()), Some("epci".into())]);
        assert_eq!(
            text("code"),
            [Some("200069177".into()), Some("200069177".into())]
        );
        let number =
            |c: &str| -> Vec<Option<f64>> { df.column(c).unwrap().f64().unwrap().iter().collect() };
        assert_eq!(number("pl_eaje"), [Some(150.0), Some(162.0)]);
        assert_eq!(number("pl_am_ind"), [Some(612.0), None]);
        assert_eq!(number("tot_offre"), [Some(790.0), Some(801.0)]);
        // A column the file does not publish is said with what it is.
        let mut wider = spec.clone();
        wider.columns.push(ColumnSpec::required(
            "pl_prescol",
            ColumnKind::Number(Quantity::Count),
        ));
        let e = read_table(&path, &wider).unwrap_err();
        assert!(
            e.message
                .contains("fichier de la Cnaf des EPCI (colonnes en « _epci »)"),
            "{e}"
        );
        assert_eq!(e.column.as_deref(), Some("pl_prescol"));
    }
}

//! A code of a source, whatever became of it on the way (written as text, as an integer in a
//! parquet table, as Excel saves a number: `01001` → `1001`), is read back as the same code or
//! refused, never as another territory's: an IRIS that lost its zero must not be summed into
//! a commune of another département.

use polars::prelude::*;
use polars_io::prelude::ParquetWriter;
use proptest::prelude::*;

use super::{CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec, read_table};

/// A département code of the COG: `01`…`95` (no `20`), `2A`, `2B`, `971`…`976`.
fn departement() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..=95)
            .prop_filter("no 20", |d| *d != 20)
            .prop_map(|d| format!("{d:02}")),
        Just("2A".to_string()),
        Just("2B".to_string()),
        (971u32..=976).prop_map(|d| d.to_string()),
    ]
}

fn commune() -> impl Strategy<Value = String> {
    (departement(), 0u32..1000).prop_map(|(d, n)| match d.len() {
        2 => format!("{d}{n:03}"),
        _ => format!("{d}{:02}", n % 100),
    })
}

fn code() -> impl Strategy<Value = (CodeKind, String)> {
    prop_oneof![
        commune().prop_map(|c| (CodeKind::Commune, c)),
        (commune(), 0u32..10_000).prop_map(|(c, n)| (CodeKind::Iris, format!("{c}{n:04}"))),
        (0u32..1_000_000_000).prop_map(|n| (CodeKind::Epci, format!("{n:09}"))),
    ]
}

/// How a file may hold the code.
#[derive(Debug, Clone, Copy)]
enum Written {
    CsvText,
    /// Saved by a spreadsheet that took the code for a number.
    CsvNumber,
    ParquetText,
    ParquetInteger,
    XlsxText,
    XlsxNumber,
}

fn written() -> impl Strategy<Value = Written> {
    prop_oneof![
        Just(Written::CsvText),
        Just(Written::CsvNumber),
        Just(Written::ParquetText),
        Just(Written::ParquetInteger),
        Just(Written::XlsxText),
        Just(Written::XlsxNumber),
    ]
}

/// The file holding `code` (and a count) as `how`; `None` when `how` cannot hold it (a
/// Corsican code is no number).
fn write(dir: &std::path::Path, code: &str, how: Written) -> Option<std::path::PathBuf> {
    let number: Option<i64> = code.parse().ok();
    let path = match how {
        Written::CsvText | Written::CsvNumber => {
            let cell = match how {
                Written::CsvNumber => number?.to_string(),
                _ => code.to_string(),
            };
            let path = dir.join("t.csv");
            std::fs::write(&path, format!("CODE;N\n{cell};3\n")).unwrap();
            path
        }
        Written::ParquetText | Written::ParquetInteger => {
            let mut df = match how {
                Written::ParquetInteger => df!("CODE" => [number?], "N" => [3i64]),
                _ => df!("CODE" => [code], "N" => [3i64]),
            }
            .unwrap();
            let path = dir.join("t.parquet");
            ParquetWriter::new(std::fs::File::create(&path).unwrap())
                .finish(&mut df)
                .unwrap();
            path
        }
        Written::XlsxText | Written::XlsxNumber => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.write_string(0, 0, "CODE").unwrap();
            sheet.write_string(0, 1, "N").unwrap();
            match how {
                Written::XlsxNumber => sheet.write_number(1, 0, number? as f64).unwrap(),
                _ => sheet.write_string(1, 0, code).unwrap(),
            };
            sheet.write_number(1, 1, 3.0).unwrap();
            let path = dir.join("t.xlsx");
            book.save(&path).unwrap();
            path
        }
    };
    Some(path)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn a_code_is_read_back_as_itself_or_refused((kind, code) in code(), how in written()) {
        let dir = tempfile::tempdir().unwrap();
        let Some(path) = write(dir.path(), &code, how) else { return Ok(()) };
        let spec = TableSpec {
            columns: vec![
                ColumnSpec::required("CODE", ColumnKind::Code(kind)),
                ColumnSpec::required("N", ColumnKind::Number(Quantity::Count)),
            ],
            secret_markers: vec![],
            unique: vec!["CODE".into()],
            sheet: None,
        };
        if let Ok(table) = read_table(&path, &spec) {
            let read = table.df.column("CODE").unwrap().str().unwrap().get(0).map(str::to_string);
            prop_assert_eq!(read.as_deref(), Some(code.as_str()), "{:?} {:?}", kind, how);
        }
    }
}

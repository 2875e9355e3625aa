//! Any bytes as a CSV file of the analysts: the reader must answer a table or an error,
//! never panic, loop or blow up.
#![no_main]

use diagterr::ingest::{read_table, CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("diagterr-fuzz-{}.csv", std::process::id()));
    std::fs::write(&path, data).expect("temporary file");
    let spec = TableSpec {
        columns: vec![
            ColumnSpec::required("code", ColumnKind::Code(CodeKind::Commune)),
            ColumnSpec::optional("nom", ColumnKind::Text),
            ColumnSpec::required("taux", ColumnKind::Number(Quantity::Rate)),
            ColumnSpec::optional("epci", ColumnKind::Code(CodeKind::CommuneOrEpci)),
        ],
        secret_markers: vec![String::new(), "s".to_string()],
        unique: vec!["code".to_string()],
        sheet: None,
    };
    let _ = read_table(&path, &spec);
});

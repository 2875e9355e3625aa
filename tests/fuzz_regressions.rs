//! Inputs the fuzzers (`fuzz/`) found crashing a reader, kept so that they never do again:
//! each must give a table or an error, not a panic. `csv-*` files go to the CSV reader,
//! `geojson-*` to the GeoJSON reader, `requete-*` to the query parser.

use std::path::Path;

use diagterr::geometry::read_geojson;
use diagterr::ingest::{CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec, read_table};
use diagterr::query::Query;

#[test]
fn every_input_found_by_fuzzing_is_answered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
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
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("csv-") {
            let _ = read_table(&path, &spec);
        } else if name.starts_with("geojson-") {
            let _ = read_geojson(&path, "code", Some("nom"));
        } else if name.starts_with("requete-") {
            let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
            let _ = Query::parse(&path, text);
        } else {
            panic!("{name}: unknown kind of fuzz input");
        }
        seen += 1;
    }
    assert!(seen >= 1);
}

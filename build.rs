//! Compresses the reference tables of `data/cog` that ship inside the binary
//! (`ingest::builtin`): the COG 2026 communes, départements and régions, and the INSEE
//! movements table (4 MB of CSV, 1 MB compressed). Writes the COG once more in the form the
//! territory is built from without parsing CSV at start-up (`territory::builtin_cog`).

use std::io::Write;
use std::path::Path;

const TABLES: [&str; 4] = [
    "communes-epci-population-2026.csv",
    "departements.csv",
    "regions.csv",
    "mouvements-communes.csv",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in TABLES {
        let source = Path::new("data/cog").join(name);
        println!("cargo::rerun-if-changed={}", source.display());
        let text = std::fs::read(&source).expect("the reference tables are in data/cog");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&text).expect("compressing in memory");
        let bytes = gz.finish().expect("compressing in memory");
        std::fs::write(Path::new(&out).join(format!("{name}.gz")), bytes)
            .expect("OUT_DIR is writable");
    }
    let (lengths, text) = encoded_cog();
    std::fs::write(Path::new(&out).join("cog-2026-lengths.bin"), lengths)
        .expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out).join("cog-2026-text.txt"), text).expect("OUT_DIR is writable");
    // The length and CRC-32 of the CSV of the communes and of the départements: a query that
    // names these very files gets the decoded COG too.
    let fingerprint = |name: &str| {
        let bytes = std::fs::read(Path::new("data/cog").join(name)).expect("in data/cog");
        format!("({}, {})", bytes.len(), crc32fast::hash(&bytes))
    };
    std::fs::write(
        Path::new(&out).join("cog-2026-fingerprint.rs"),
        format!(
            "[{}, {}]",
            fingerprint("communes-epci-population-2026.csv"),
            fingerprint("departements.csv")
        ),
    )
    .expect("OUT_DIR is writable");
}

/// The départements (code, name, région) then the communes (code, name, département,
/// population, EPCI SIREN, name and kind) of `data/cog`: the little-endian `u32` length of each
/// field (0: no value), each list after its `u32` count; and the text of the fields end to end
/// (included as a `str`, so checked UTF-8 once, when compiled). `territory::builtin_cog` reads
/// them; its test checks they give the territory of the CSV.
fn encoded_cog() -> (Vec<u8>, String) {
    let read = |name: &str, columns: &[&str]| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(Path::new("data/cog").join(name))
            .expect("the reference tables are in data/cog");
        let headers = reader.headers().expect("a header").clone();
        let at: Vec<usize> = columns
            .iter()
            .map(|c| {
                headers
                    .iter()
                    .position(|h| h == *c)
                    .expect("a column of the layout")
            })
            .collect();
        reader
            .records()
            .map(|r| {
                let r = r.expect("a valid CSV row");
                at.iter().map(|&i| r[i].to_string()).collect()
            })
            .collect()
    };
    let (mut lengths, mut text) = (Vec::new(), String::new());
    for table in [
        read("departements.csv", &["DEP", "LIBELLE", "REG"]),
        read(
            "communes-epci-population-2026.csv",
            &[
                "code_commune",
                "nom_commune",
                "dep",
                "population_municipale",
                "siren_epci",
                "nom_epci",
                "type_epci",
            ],
        ),
    ] {
        lengths.extend((table.len() as u32).to_le_bytes());
        for field in table.iter().flatten() {
            lengths.extend((field.len() as u32).to_le_bytes());
            text.push_str(field);
        }
    }
    (lengths, text)
}

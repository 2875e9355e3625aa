//! Compresses the reference tables of `data/cog` that ship inside the binary
//! (`ingest::builtin`): the COG 2026 communes, départements and régions, and the INSEE
//! movements table (4 MB of CSV, 1 MB compressed).

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
}

//! The reference tables shipped inside the binary, compressed at build time (`build.rs`):
//! the COG 2026 communes with their EPCI and populations, the départements, the régions and
//! the INSEE table of the movements of communes. A query that does not name its own reads
//! these. Each is named by a path of its own (`intégré:departements.csv`), so that every
//! reader, the cache of what is read once and the messages take it as a file.

use std::io::Read;
use std::path::Path;

/// The COG vintage of the built-in tables.
pub const VINTAGE: u16 = 2026;

pub const COMMUNES: &str = "intégré:communes-epci-population-2026.csv";
pub const DEPARTEMENTS: &str = "intégré:departements.csv";
pub const REGIONS: &str = "intégré:regions.csv";
pub const MOVEMENTS: &str = "intégré:mouvements-communes.csv";

const TABLES: [(&str, &[u8]); 4] = [
    (
        COMMUNES,
        include_bytes!(concat!(
            env!("OUT_DIR"),
            "/communes-epci-population-2026.csv.gz"
        )),
    ),
    (
        DEPARTEMENTS,
        include_bytes!(concat!(env!("OUT_DIR"), "/departements.csv.gz")),
    ),
    (
        REGIONS,
        include_bytes!(concat!(env!("OUT_DIR"), "/regions.csv.gz")),
    ),
    (
        MOVEMENTS,
        include_bytes!(concat!(env!("OUT_DIR"), "/mouvements-communes.csv.gz")),
    ),
];

/// The COG 2026 communes and départements as `build.rs` encodes them for
/// `territory::builtin_cog` (not compressed: decoded in place at start-up): the lengths of
/// the fields, and their text.
pub fn cog() -> (&'static [u8], &'static str) {
    (
        include_bytes!(concat!(env!("OUT_DIR"), "/cog-2026-lengths.bin")),
        include_str!(concat!(env!("OUT_DIR"), "/cog-2026-text.txt")),
    )
}

/// Whether `communes` and `departements` (the bytes of two files) are the built-in CSV of the
/// COG 2026, by their lengths and CRC-32 (`build.rs`): the territory then is the decoded one.
pub fn is_cog(communes: &[u8], departements: &[u8]) -> bool {
    [communes, departements]
        .iter()
        .zip(COG_FINGERPRINT)
        .all(|(bytes, (len, crc))| bytes.len() == len && crc32fast::hash(bytes) == crc)
}

/// [`is_cog`] of two files, read only when their lengths are those of the built-in CSV: a COG
/// of its own is parsed without being read once more for nothing.
pub fn is_cog_file(communes: &Path, departements: &Path) -> bool {
    let length = |p: &Path| std::fs::metadata(p).map(|m| m.len() as usize).ok();
    let same_lengths = [communes, departements]
        .iter()
        .zip(COG_FINGERPRINT)
        .all(|(p, (len, _))| length(p) == Some(len));
    same_lengths
        && match (std::fs::read(communes), std::fs::read(departements)) {
            (Ok(c), Ok(d)) => is_cog(&c, &d),
            _ => false,
        }
}

/// The length and CRC-32 of the built-in CSV of the communes and of the départements.
const COG_FINGERPRINT: [(usize, u32); 2] =
    include!(concat!(env!("OUT_DIR"), "/cog-2026-fingerprint.rs"));

/// The commune contours of France in the COG 2026 (IGN Admin Express, simplified; DROM
/// included), as `data/geo` has them: a map needs no contours file of its own.
pub const CONTOURS: &str = "intégré:communes-france-2026.geojson.gz";

const CONTOURS_GZ: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/geo/communes-france-2026.geojson.gz"
));

/// The gzip bytes of the built-in contours when `path` names them.
pub fn gzipped(path: &Path) -> Option<&'static [u8]> {
    (path == Path::new(CONTOURS)).then_some(CONTOURS_GZ)
}

/// Whether `path` names a built-in table or the built-in contours.
pub fn is_builtin(path: &Path) -> bool {
    TABLES.iter().any(|(name, _)| path == Path::new(name)) || path == Path::new(CONTOURS)
}

/// The text of the built-in table `path` names, or `None` when it names a file.
pub fn bytes(path: &Path) -> Option<Vec<u8>> {
    let (_, compressed) = TABLES.iter().find(|(name, _)| path == Path::new(name))?;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(*compressed)
        .read_to_end(&mut text)
        .expect("build.rs wrote valid gzip");
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_tables_are_those_of_data_cog() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cog");
        for (name, _) in TABLES {
            let file = name.trim_start_matches("intégré:");
            assert_eq!(
                bytes(Path::new(name)).unwrap(),
                std::fs::read(data.join(file)).unwrap(),
                "{name}"
            );
        }
        assert!(bytes(Path::new("departements.csv")).is_none());
        assert!(is_builtin(Path::new(DEPARTEMENTS)));
    }
}

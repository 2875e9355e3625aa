//! Any bytes as a Shapefile: the first two bytes say how many of the others form the
//! `.shp`, the rest is the `.dbf`.
#![no_main]

use diagterr::geometry::read_shapefile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = (usize::from(u16::from_le_bytes([data[0], data[1]])) % (data.len() - 1)) + 2;
    let (shp, dbf) = data[2..].split_at((split - 2).min(data.len() - 2));
    let base = std::env::temp_dir().join(format!("diagterr-fuzz-{}", std::process::id()));
    std::fs::write(base.with_extension("shp"), shp).expect("temporary file");
    std::fs::write(base.with_extension("dbf"), dbf).expect("temporary file");
    let _ = read_shapefile(&base.with_extension("shp"), "code", Some("nom"));
});

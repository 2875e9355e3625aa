//! Any bytes as a GeoJSON file of contours, read then projected to Lambert-93.
#![no_main]

use diagterr::geometry::{read_geojson, to_lambert93};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("diagterr-fuzz-{}.geojson", std::process::id()));
    std::fs::write(&path, data).expect("temporary file");
    if let Ok(layer) = read_geojson(&path, "code", Some("nom")) {
        let _ = to_lambert93(layer);
    }
});

//! National scale: the 34 867 communes of France 2026 (DROM in insets on the map).
//!
//! Run with `cargo bench --bench national`. Measures reading and projecting the
//! national commune contours, writing the national commune map (SVG, PNG from the SVG, PNG straight from the map), and
//! exact natural breaks on the 34 875 commune populations.
//! `bash benches/compare_python.sh` runs the same work with the Python stack.

use std::path::Path;

use diagterr::classify::{self, Method};
use diagterr::geometry::{Layer, to_lambert93};
use diagterr::render::{choropleth_png, choropleth_svg};
use diagterr::territory::Territory;

#[path = "../tests/common/national.rs"]
mod national;

use national::{COMMUNES, DEPARTEMENTS, national_layer, national_map};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn read_and_project_national_communes() -> Layer {
    to_lambert93(national_layer()).unwrap()
}

#[divan::bench(sample_count = 5)]
fn national_commune_map_svg(bencher: divan::Bencher) {
    let map = national_map(national_layer());
    bencher.bench(|| choropleth_svg(&map));
}

/// The whole way from the map to the PNG (what `diagterr` writes): territories
/// painted straight from the geometry, the rest rasterised from a small SVG.
#[divan::bench(sample_count = 5)]
fn national_commune_map_png(bencher: divan::Bencher) {
    let map = national_map(national_layer());
    bencher.bench(|| choropleth_png(&map, 2000).unwrap());
}

#[divan::bench(sample_count = 20)]
fn natural_breaks_35000_values(bencher: divan::Bencher) {
    let territory = Territory::load(Path::new(COMMUNES), Path::new(DEPARTEMENTS)).unwrap();
    let values: Vec<f64> = territory
        .communes
        .values()
        .filter_map(|c| c.population)
        .collect();
    bencher.bench(|| classify::breaks(&values, &Method::NaturalBreaks, Some(7)).unwrap());
}

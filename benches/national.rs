//! National scale: the 34 867 communes of France 2026.
//!
//! Run with `cargo bench --bench national`. Measures reading and projecting the
//! national commune contours, writing the national commune map (SVG, PNG), and
//! exact natural breaks on the 34 875 commune populations.
//! `bash benches/compare_python.sh` runs the same work with the Python stack.

use std::path::Path;

use diagterr::classify::{self, palette, Classes, Method, Threshold};
use diagterr::geometry::{read_layer, to_lambert93, Layer};
use diagterr::render::{
    choropleth_svg, svg_to_png, ChoroplethMap, FeatureClass, LegendClass, MapFeature,
};
use diagterr::territory::Territory;

const CONTOURS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/geo/communes-france-2026.geojson.gz"
);
const COMMUNES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/communes-epci-population-2026.csv"
);
const DEPARTEMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/departements.csv");

fn main() {
    divan::main();
}

fn national_layer() -> Layer {
    to_lambert93(read_layer(Path::new(CONTOURS), "code", Some("nom")).unwrap()).unwrap()
}

/// Metropolitan communes classed by population (the DROM need insets, not Lambert-93).
fn national_map() -> ChoroplethMap {
    let layer = national_layer();
    let territory = Territory::load(Path::new(COMMUNES), Path::new(DEPARTEMENTS)).unwrap();
    let classes = Classes::new(
        [500.0, 2_000.0, 10_000.0]
            .iter()
            .map(|&value| Threshold { value, name: None })
            .collect(),
    )
    .unwrap();
    let colors = palette::diverging(classes.len()).unwrap();
    let mut counts = vec![0; classes.len()];
    let features: Vec<MapFeature> = layer
        .features
        .into_iter()
        .filter(|f| !f.code.starts_with("97"))
        .map(|f| {
            let population = territory.communes.get(&f.code).and_then(|c| c.population);
            let class = match population {
                Some(p) => {
                    let k = classes.class_of(p);
                    counts[k] += 1;
                    FeatureClass::Class(k)
                }
                None => FeatureClass::NoData,
            };
            MapFeature {
                name: f.name.clone().unwrap_or_default(),
                code: f.code,
                geometry: f.geometry,
                class,
                value_label: population.map(|p| p.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    ChoroplethMap {
        title: "Population municipale des communes, 2026".into(),
        subtitle: Some("France métropolitaine".into()),
        legend_title: "Habitants".into(),
        classes: classes
            .labels(0)
            .into_iter()
            .zip(colors)
            .zip(counts)
            .map(|((label, color), count)| LegendClass {
                label,
                color,
                count,
            })
            .collect(),
        features,
        outlines: Vec::new(),
        references: Vec::new(),
        source: "Sources : Insee, IGN Admin Express. Réalisation : diagterr.".into(),
        ..Default::default()
    }
}

#[divan::bench(sample_count = 5)]
fn read_and_project_national_communes() -> Layer {
    national_layer()
}

#[divan::bench(sample_count = 5)]
fn national_commune_map_svg(bencher: divan::Bencher) {
    let map = national_map();
    bencher.bench(|| choropleth_svg(&map));
}

#[divan::bench(sample_count = 3)]
fn national_commune_map_png(bencher: divan::Bencher) {
    let svg = choropleth_svg(&national_map());
    bencher.bench(|| svg_to_png(&svg, 2000).unwrap());
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

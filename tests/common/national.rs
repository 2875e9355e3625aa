//! The national commune map (France 2026, DROM in insets), shared by the
//! integration test and the benchmark (`#[path]`-included there).

use std::path::Path;

use diagterr::classify::{Classes, Threshold, palette};
use diagterr::geometry::{Layer, drom_insets, read_layer};
use diagterr::render::{ChoroplethMap, FeatureClass, LegendClass, MapFeature};
use diagterr::territory::Territory;

pub const CONTOURS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/geo/communes-france-2026.geojson.gz"
);
pub const COMMUNES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/cog/communes-epci-population-2026.csv"
);
pub const DEPARTEMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/departements.csv");

/// The 34 867 communes read from the GeoJSON.gz (WGS84).
pub fn national_layer() -> Layer {
    read_layer(Path::new(CONTOURS), None, "code", Some("nom")).unwrap()
}

/// Communes classed by municipal population, the DROM moved into insets.
pub fn national_map(layer: Layer) -> ChoroplethMap {
    let (layer, frames) = drom_insets(layer).unwrap();
    let territory = Territory::load(Path::new(COMMUNES), Path::new(DEPARTEMENTS)).unwrap();
    let thresholds = [500.0, 2_000.0, 10_000.0].map(|value| Threshold { value, name: None });
    let classes = Classes::new(thresholds.to_vec()).unwrap();
    let colors = palette::diverging(classes.len()).unwrap();
    let mut counts = vec![0; classes.len()];
    let features: Vec<MapFeature> = layer
        .features
        .into_iter()
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
                name: f.name.unwrap_or_default(),
                code: f.code,
                geometry: f.geometry,
                class,
                value_label: population.map(|p| p.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    ChoroplethMap {
        title: "Population municipale des communes, 2026".into(),
        subtitle: Some("France, départements d'outre-mer rapprochés".into()),
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
        frames,
        source: "Sources : Insee, IGN Admin Express. Réalisation : diagterr.".into(),
        ..Default::default()
    }
}

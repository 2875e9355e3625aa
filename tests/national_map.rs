//! The national commune map with the DROM in insets, from the real national file.

use crate::common::national::{national_layer, national_map};

#[test]
fn national_commune_map_with_drom_insets() {
    let map = national_map(national_layer());
    assert_eq!(map.features.len(), 34_867);
    let labels: Vec<&str> = map.frames.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Guadeloupe",
            "Martinique",
            "Guyane",
            "La Réunion",
            "Mayotte"
        ]
    );
    let svg = diagterr::render::choropleth_svg(&map);
    assert_eq!(svg.matches("class=\"territoire\"").count(), 34_867);
    for name in &labels {
        assert!(svg.contains(name), "{name}");
    }
    assert!(svg.contains("Échelle valable pour la métropole"));
    let png = diagterr::render::svg_to_png(&svg, 1200).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    if let Ok(dir) = std::env::var("DIAGTERR_KEEP") {
        std::fs::write(format!("{dir}/france.png"), &png).unwrap();
    }
}

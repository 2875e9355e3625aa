//! The national commune map with the DROM in insets, from the real national file.

use crate::common::national::{national_layer, national_map};
use crate::common::*;

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

/// The built-in contours of France lack four communes of the Cantal recreated since they were drawn:
/// a map of the Cantal names them in its legend and its notes, never silently.
#[test]
fn communes_without_a_contour_are_named_on_the_map() {
    let s = Scratch::new();
    let text = "[territoire]\nniveau = \"epci\"\ndepartements = [\"15\"]\nmillesime = 2026\n\n\
                [sources.cog]\nfichier = \"intégré:communes-epci-population-2026.csv\"\nniveau = \"commune\"\n\
                colonne_code = \"code_commune\"\n\n[indicateurs.population]\nlibelle = \"P\"\n\
                stock = \"cog.population_municipale\"\n\n[cartes.population]\nindicateur = \"population\"\n\
                titre = \"T\"\nsource = \"S\"\nclasses = { methode = \"quantiles\", nombre = 3 }\nsorties = [\"c.svg\"]\n";
    let o = s.run(text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("4 commune(s) de la sélection sans contour propre")
            && stdout(&o).contains(
                "15031 Celles, 15035 Chalinargues, 15047 Chavagnac, 15171 Sainte-Anastasie"
            ),
        "{}",
        stdout(&o)
    );
    assert!(
        s.output("c.svg")
            .contains("Sans contour propre : 15031 Celles")
    );
}

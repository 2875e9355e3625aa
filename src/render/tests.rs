use geo::{polygon, MultiPolygon, Polygon};
use resvg::tiny_skia::Pixmap;
use resvg::usvg;

use super::*;

/// A 10 km square whose lower-left corner is `x` km east of 700 km, in Lambert-93 metres.
fn square(x: f64) -> Polygon<f64> {
    let (x0, y0) = (700_000.0 + x * 1000.0, 6_500_000.0);
    polygon![(x: x0, y: y0), (x: x0 + 10_000.0, y: y0), (x: x0 + 10_000.0, y: y0 + 10_000.0), (x: x0, y: y0 + 10_000.0)]
}

fn feature(
    code: &str,
    name: &str,
    geometry: Polygon<f64>,
    class: FeatureClass,
    value: &str,
) -> MapFeature {
    MapFeature {
        code: code.to_string(),
        name: name.to_string(),
        geometry: MultiPolygon(vec![geometry]),
        class,
        value_label: value.to_string(),
    }
}

/// Three squares in a row: one with a hole (class 0), one secret, one without data.
fn fixture() -> ChoroplethMap {
    let with_hole = Polygon::new(
        square(0.0).exterior().clone(),
        vec![polygon![(x: 703_000.0, y: 6_503_000.0), (x: 707_000.0, y: 6_503_000.0), (x: 707_000.0, y: 6_507_000.0), (x: 703_000.0, y: 6_507_000.0)]
            .exterior()
            .clone()],
    );
    ChoroplethMap {
        title: "Taux de couverture d'accueil du jeune enfant, 2023".to_string(),
        subtitle: Some("Communes de l'agglomération test".to_string()),
        legend_title: "Places pour 100 enfants de moins de 3 ans".to_string(),
        classes: vec![
            LegendClass {
                label: "< 60,9 (sous les deux références)".to_string(),
                color: "#d7301f".to_string(),
                count: 1,
            },
            LegendClass {
                label: "≥ 64,2 (au-dessus des deux références)".to_string(),
                color: "#2171b5".to_string(),
                count: 0,
            },
        ],
        features: vec![
            feature(
                "63124",
                "Cournon-d'Auvergne",
                with_hole,
                FeatureClass::Class(0),
                "58,2",
            ),
            feature(
                "63263",
                "Orcines",
                square(10.0),
                FeatureClass::Secret,
                "secret",
            ),
            feature("63014", "Aubière", square(20.0), FeatureClass::NoData, ""),
        ],
        outlines: vec![MultiPolygon(vec![
            polygon![(x: 700_000.0, y: 6_500_000.0), (x: 730_000.0, y: 6_500_000.0), (x: 730_000.0, y: 6_510_000.0), (x: 700_000.0, y: 6_510_000.0)],
        ])],
        references: vec![
            "Référence départementale : 64,2".to_string(),
            "Référence nationale : 60,9".to_string(),
        ],
        source: "Source : Cnaf 2023, Insee, IGN Admin Express — réalisation diagterr".to_string(),
    }
}

/// The opening tags of the elements with `class`.
fn tags<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
    let needle = format!("class=\"{class}\"");
    svg.lines().filter(|l| l.contains(&needle)).collect()
}

/// Each legend entry's text, with its tags removed.
fn legend_texts(svg: &str) -> Vec<String> {
    svg.split("<g class=\"legende-entree\">")
        .skip(1)
        .map(|entry| {
            let text = &entry[entry.find("<text").unwrap()..entry.find("</text>").unwrap()];
            text[text.find('>').unwrap() + 1..].to_string()
        })
        .collect()
}

#[test]
fn one_evenodd_path_per_territory() {
    let svg = choropleth_svg(&fixture());
    let paths = tags(&svg, "territoire");
    assert_eq!(paths.len(), 3);
    for (path, code) in paths.iter().zip(["63124", "63263", "63014"]) {
        assert!(path.starts_with("<path "), "{path}");
        assert!(path.contains(&format!("data-code=\"{code}\"")), "{path}");
        assert!(path.contains("fill-rule=\"evenodd\""), "{path}");
    }
    // The hole is a second ring of the same path.
    assert_eq!(paths[0].matches('M').count(), 2, "{}", paths[0]);
    assert!(paths[0].contains("fill=\"#d7301f\""));
    assert!(paths[1].contains("fill=\"url(#secret)\""));
    assert!(paths[2].contains("fill=\"#d4d4d4\""));
    assert!(paths[2].contains("<title>Aubière (63014)</title>"));
    let outlines = tags(&svg, "contour");
    assert_eq!(outlines.len(), 1);
    assert!(!outlines[0].contains("fill="));
}

#[test]
fn legend_lists_classes_then_secret_and_missing_with_counts() {
    let svg = choropleth_svg(&fixture());
    assert_eq!(
        legend_texts(&svg),
        [
            "&lt; 60,9 (sous les deux références) (1)",
            "≥ 64,2 (au-dessus des deux références) (0)",
            "Secret statistique (1)",
            "Donnée absente (1)",
        ]
    );
    assert!(svg.contains("<pattern id=\"secret\""));
    assert!(svg.contains("Référence nationale : 60,9"));
    assert!(svg.contains("Source : Cnaf 2023"));
}

#[test]
fn secret_and_missing_entries_only_when_needed() {
    let mut map = fixture();
    for f in &mut map.features {
        f.class = FeatureClass::Class(1);
    }
    let svg = choropleth_svg(&map);
    assert_eq!(legend_texts(&svg).len(), 2);
    assert!(!svg.contains("Secret statistique"));
    assert!(!svg.contains("Donnée absente"));
    assert!(!svg.contains("<pattern"));

    // Only missing data, one of it from a class index beyond the legend.
    map.features[0].class = FeatureClass::NoData;
    map.features[1].class = FeatureClass::Class(7);
    let texts = legend_texts(&choropleth_svg(&map));
    assert_eq!(texts.len(), 3);
    assert_eq!(texts[2], "Donnée absente (2)");
}

#[test]
fn escapes_names_and_stays_well_formed() {
    let mut map = fixture();
    map.features[1].name = "Saint-Ours & <Les Pauvres>".to_string();
    let svg = choropleth_svg(&map);
    assert!(svg.contains("<title>Cournon-d&apos;Auvergne (63124) : 58,2</title>"));
    assert!(svg.contains("Saint-Ours &amp; &lt;Les Pauvres&gt; (63263)"));
    assert!(!svg.contains("d'Auvergne"));
    usvg::Tree::from_str(&svg, &text::options()).expect("SVG bien formé");
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(choropleth_svg(&fixture()), choropleth_svg(&fixture()));
}

/// The first legend swatch's x: where the legend went.
fn legend_left(svg: &str) -> f64 {
    let entry = &svg[svg.find("<g class=\"legende-entree\">").unwrap()..];
    let x = &entry[entry.find("x=\"").unwrap() + 3..];
    x[..x.find('"').unwrap()].parse().unwrap()
}

#[test]
fn legend_below_a_wide_territory_and_beside_a_tall_one() {
    let wide = fixture();
    assert_eq!(legend_left(&choropleth_svg(&wide)), MARGIN);
    let mut tall = fixture();
    for (i, f) in tall.features.iter_mut().enumerate() {
        // Stack the squares vertically.
        let dy = 10_000.0 * i as f64;
        f.geometry = MultiPolygon(vec![geo::Translate::translate(&square(0.0), 0.0, dy)]);
    }
    assert!(legend_left(&choropleth_svg(&tall)) > PAGE_WIDTH / 2.0);
}

#[test]
fn empty_map_still_renders() {
    let mut map = fixture();
    map.features.clear();
    map.outlines.clear();
    let svg = choropleth_svg(&map);
    assert!(svg.ends_with("</svg>\n"));
    assert!(!svg.contains("class=\"echelle\""));
    usvg::Tree::from_str(&svg, &text::options()).expect("SVG bien formé");
}

/// The whole SVG of the fixture, compared with `testdata/choropleth.svg`.
/// After an intended change, refresh it with
/// `UPDATE_SNAPSHOTS=1 cargo test render::tests::snapshot`, then review the diff and look at the PNG.
#[test]
fn snapshot() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/render/testdata/choropleth.svg"
    );
    let svg = choropleth_svg(&fixture());
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, &svg).unwrap();
    }
    let expected =
        std::fs::read_to_string(path).expect("instantané absent : lancez avec UPDATE_SNAPSHOTS=1");
    assert!(
        svg == expected,
        "le SVG diffère de {path} (voir le commentaire du test pour le mettre à jour)"
    );
}

#[test]
fn png_has_the_width_asked_and_visible_text() {
    let svg = choropleth_svg(&fixture());
    let png = svg_to_png(&svg, 800).unwrap();
    let pixmap = Pixmap::decode_png(&png).unwrap();
    assert_eq!(pixmap.width(), 800);
    // The title band (first 50 page units, page is 1000 wide) holds dark glyph pixels.
    let title_rows = (50.0 * 0.8) as usize;
    let dark = pixmap.pixels()[..title_rows * 800]
        .iter()
        .filter(|p| p.red() < 100 && p.alpha() == 255)
        .count();
    assert!(dark > 500, "{dark} pixels sombres dans le titre");
    // Opaque white background, not transparent.
    assert_eq!(pixmap.pixels()[0].alpha(), 255);
    assert_eq!(pixmap.pixels()[0].red(), 255);
}

#[test]
fn png_rejects_bad_input() {
    assert!(svg_to_png("<svg", 100).is_err());
    assert!(svg_to_png(&choropleth_svg(&fixture()), 0).is_err());
}

use geo::{MultiPolygon, Polygon, polygon};
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
        ..Default::default()
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
fn an_approximate_value_is_drawn_in_its_class_with_a_mark_and_an_uncertain_one_apart() {
    let mut map = fixture();
    map.features[1].class = FeatureClass::Approximate(1);
    map.features[2].class = FeatureClass::Uncertain;
    let svg = choropleth_svg(&map);
    assert_eq!(
        legend_texts(&svg)[2..],
        [
            "Valeur approchée, dans sa classe (secret borné) (1)",
            "Incertain : entre deux classes (secret borné) (1)",
        ]
    );
    // Orcines in its class's colour, then again under the mark; Aubière crossed.
    let orcines: Vec<&str> = svg
        .match_indices("data-code=\"63263\" fill=\"")
        .map(|(i, _)| &svg[i..i + 40])
        .collect();
    assert_eq!(orcines.len(), 2, "{orcines:?}");
    assert!(
        orcines[0].contains("#2171b5") && orcines[1].contains("url(#approche)"),
        "{orcines:?}"
    );
    assert!(svg.contains("data-code=\"63014\" fill=\"url(#incertain)\""));
    for id in ["approche", "approche-legende", "incertain"] {
        assert!(svg.contains(&format!("<pattern id=\"{id}\"")), "{id}");
    }
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

fn symbol(code: &str, x: f64, value: f64) -> Symbol {
    Symbol {
        code: code.to_string(),
        name: format!("Commune {code}"),
        anchor: geo::Point::new(700_000.0 + x * 1000.0, 6_505_000.0),
        value,
        value_label: crate::format::display(value, 0),
    }
}

/// The value of attribute `name` in `tag`.
fn attr(tag: &str, name: &str) -> f64 {
    let start = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[start..start + tag[start..].find('"').unwrap()]
        .parse()
        .unwrap()
}

#[test]
fn symbols_largest_first_with_area_proportional_and_size_legend() {
    let mut map = fixture();
    map.symbols = Some(ProportionalSymbols::new(
        "Population municipale",
        vec![
            symbol("63014", 25.0, 100.0),
            symbol("63124", 5.0, 400.0),
            symbol("63263", 15.0, 0.0),
        ],
    ));
    let svg = choropleth_svg(&map);
    let circles = tags(&svg, "symbole");
    // Zero gets no circle; the largest is drawn first, under the smaller one.
    assert_eq!(circles.len(), 2);
    assert!(circles[0].contains("data-code=\"63124\""));
    assert!(circles[1].contains("<title>Commune 63014 (63014) : 100</title>"));
    assert_eq!(attr(circles[0], "r") / attr(circles[1], "r"), 2.0);
    // Over the choropleth, not instead of it.
    assert_eq!(tags(&svg, "territoire").len(), 3);
    let legend = &svg[svg.find("<g class=\"legende-symboles\">").unwrap()..];
    assert!(legend.contains(">400</text>") && legend.contains(">100</text>"));
    usvg::Tree::from_str(&svg, &text::options()).expect("SVG bien formé");
}

#[test]
fn symbols_alone_over_a_neutral_background() {
    let mut map = fixture();
    map.classes.clear();
    map.symbols = Some(ProportionalSymbols::new(
        "Places",
        vec![symbol("63124", 5.0, 10.0)],
    ));
    let svg = choropleth_svg(&map);
    assert!(
        tags(&svg, "territoire")
            .iter()
            .all(|p| p.contains(&format!("fill=\"{BACKGROUND_FILL}\"")))
    );
    assert!(legend_texts(&svg).is_empty());
    assert!(!svg.contains("Donnée absente") && !svg.contains("<pattern"));
}

#[test]
fn interval_note_present_or_absent_and_typology_legend() {
    let mut map = fixture();
    assert!(!svg_has_note(&choropleth_svg(&map)));
    map.interval_note = Some("Classes fermées à gauche : [a ; b[".to_string());
    let svg = choropleth_svg(&map);
    assert!(svg_has_note(&svg));
    assert!(svg.contains("Classes fermées à gauche : [a ; b["));

    // A typology: qualitative colours from the caller, no interval note.
    let mut typology = fixture();
    typology.legend_title = "Profil des communes".to_string();
    typology.classes = ["Urbain", "Périurbain", "Rural"]
        .iter()
        .zip(["#66c2a5", "#fc8d62", "#8da0cb"])
        .map(|(label, color)| LegendClass {
            label: label.to_string(),
            color: color.to_string(),
            count: 1,
        })
        .collect();
    for (f, k) in typology.features.iter_mut().zip(0..) {
        f.class = FeatureClass::Class(k);
    }
    let svg = choropleth_svg(&typology);
    assert_eq!(
        legend_texts(&svg),
        ["Urbain (1)", "Périurbain (1)", "Rural (1)"]
    );
    assert!(tags(&svg, "territoire")[2].contains("fill=\"#8da0cb\""));
    assert!(!svg_has_note(&svg));
}

fn svg_has_note(svg: &str) -> bool {
    svg.contains("class=\"legende-note\"")
}

/// The (x, y) of each legend swatch.
fn swatches(svg: &str) -> Vec<(f64, f64)> {
    svg.split("<g class=\"legende-entree\">\n")
        .skip(1)
        .map(|e| (attr(e, "x"), attr(e, "y")))
        .collect()
}

#[test]
fn horizontal_legend_puts_swatches_in_a_row_below_the_map() {
    let mut map = fixture();
    // Tall territory: the vertical legend goes beside the map, one entry per line.
    for (i, f) in map.features.iter_mut().enumerate() {
        f.geometry = MultiPolygon(vec![geo::Translate::translate(
            &square(0.0),
            0.0,
            10_000.0 * i as f64,
        )]);
    }
    let vertical = swatches(&choropleth_svg(&map));
    assert!(vertical.iter().all(|s| s.0 == vertical[0].0));
    assert!(vertical.windows(2).all(|w| w[1].1 > w[0].1));

    map.legend_layout = LegendLayout::Horizontal;
    let svg = choropleth_svg(&map);
    let horizontal = swatches(&svg);
    assert_eq!(horizontal[0].0, MARGIN);
    assert_eq!(horizontal[0].1, horizontal[1].1, "{horizontal:?}");
    assert!(horizontal[1].0 > horizontal[0].0);
    // Below the map frame.
    let clip = &svg[svg.find("<clipPath").unwrap()..];
    assert!(horizontal[0].1 > attr(clip, "y") + attr(clip, "height"));
}

#[test]
fn insets_drawn_with_names_and_scale_note() {
    let mut map = fixture();
    assert!(!svg_contains_note(&choropleth_svg(&map)));
    map.frames = vec![InsetFrame {
        rect: Rect::new((735_000.0, 6_500_000.0), (745_000.0, 6_510_000.0)),
        label: "Guadeloupe".to_string(),
    }];
    let svg = choropleth_svg(&map);
    let frames: Vec<&str> = svg.split("<g class=\"encart\">").skip(1).collect();
    assert_eq!(frames.len(), 1);
    assert!(frames[0].contains("fill=\"none\"") && frames[0].contains(">Guadeloupe</text>"));
    assert!(svg_contains_note(&svg));
}

fn svg_contains_note(svg: &str) -> bool {
    svg.contains("Échelle valable pour la métropole")
}

#[test]
fn labels_placed_with_halo_inside_the_map() {
    let mut map = fixture();
    map.labels = feature_labels(&map.features, |f| f.code.parse().unwrap());
    let svg = choropleth_svg(&map);
    let group = tags(&svg, "etiquettes");
    assert_eq!(group.len(), 1);
    assert!(group[0].contains("stroke=\"#ffffff\"") && group[0].contains("paint-order=\"stroke\""));
    // Highest priority (here the code) first; Cournon's point inside lies by the hole,
    // near the frame's edge, so its long name would leave the frame and is dropped.
    let labels = tags(&svg, "etiquette");
    assert_eq!(labels.len(), 2);
    assert!(labels[0].contains(">Orcines<"));
}

#[test]
fn distribution_chart_nested_under_the_legend() {
    let mut map = fixture();
    map.distribution = Some(Distribution {
        values: vec![40.0, 55.0, 58.2, 61.0, 63.0, 70.0, 80.0],
        breaks: vec![60.9],
    });
    let svg = choropleth_svg(&map);
    let chart = &svg[svg.find("<g class=\"distribution\">").unwrap()..];
    assert!(chart.contains("Distribution des valeurs"));
    assert!(chart.contains("<svg x=\""));
    // Bars in the class colours.
    assert!(
        chart.contains("#D7301F") || chart.contains("#d7301f"),
        "{chart}"
    );
    usvg::Tree::from_str(&svg, &text::options()).expect("SVG bien formé");
}

fn sheet() -> SmallMultiples {
    let map = fixture();
    SmallMultiples {
        title: "Taux de couverture, 2019 à 2022".to_string(),
        legend_title: map.legend_title.clone(),
        classes: map.classes.clone(),
        panels: (2019..2022)
            .map(|year| Panel {
                title: year.to_string(),
                features: map.features.clone(),
            })
            .collect(),
        columns: 2,
        source: map.source.clone(),
        ..Default::default()
    }
}

#[test]
fn small_multiples_share_legend_scale_and_transform() {
    let svg = small_multiples_svg(&sheet());
    let panels: Vec<&str> = svg.split("<g class=\"panneau\"").skip(1).collect();
    assert_eq!(panels.len(), 3);
    // Same projection in every panel: identical paths, only the group moves.
    let paths = |p: &str| -> Vec<String> {
        p.lines()
            .filter(|l| l.contains("class=\"territoire\""))
            .map(String::from)
            .collect()
    };
    assert_eq!(paths(panels[0]).len(), 3);
    assert_eq!(paths(panels[0]), paths(panels[1]));
    assert_eq!(paths(panels[0]), paths(panels[2]));
    assert!(panels[1].contains(">2020</text>"));
    // Two columns: the third panel starts a second row, under the first.
    let translate =
        |p: &str| p[p.find("translate(").unwrap() + 10..p.find(")\"").unwrap()].to_string();
    assert_eq!(
        translate(panels[0]).split(' ').next(),
        translate(panels[2]).split(' ').next()
    );
    assert_ne!(translate(panels[0]), translate(panels[1]));
    assert_eq!(svg.matches("<g class=\"legende\">").count(), 1);
    assert_eq!(svg.matches("<g class=\"echelle\">").count(), 1);
    assert_eq!(svg.matches("<g class=\"source\">").count(), 1);
    // No counts in a shared legend: they differ between panels.
    assert_eq!(
        legend_texts(&svg)[0],
        "&lt; 60,9 (sous les deux références)"
    );
    assert_eq!(svg, small_multiples_svg(&sheet()));
}

#[test]
fn every_new_element_renders_to_png() {
    let mut map = fixture();
    map.symbols = Some(ProportionalSymbols::new(
        "Population",
        vec![symbol("63124", 5.0, 400.0)],
    ));
    map.labels = feature_labels(&map.features, |_| 1.0);
    map.interval_note = Some("Classes fermées à gauche : [a ; b[".to_string());
    map.distribution = Some(Distribution {
        values: vec![1.0, 2.0, 3.0],
        breaks: vec![2.0],
    });
    map.frames = vec![InsetFrame {
        rect: Rect::new((735_000.0, 6_500_000.0), (745_000.0, 6_510_000.0)),
        label: "Martinique".to_string(),
    }];
    for svg in [choropleth_svg(&map), small_multiples_svg(&sheet())] {
        let png = svg_to_png(&svg, 600).unwrap();
        assert_eq!(Pixmap::decode_png(&png).unwrap().width(), 600);
    }
}

#[test]
fn direct_png_matches_the_svg_rasterisation() {
    let mut map = fixture();
    map.labels = feature_labels(&map.features, |_| 1.0);
    let slow = Pixmap::decode_png(&svg_to_png(&choropleth_svg(&map), 800).unwrap()).unwrap();
    let png = choropleth_png(&map, 800).unwrap();
    assert_eq!(png, choropleth_png(&map, 800).unwrap(), "déterministe");
    let fast = Pixmap::decode_png(&png).unwrap();
    assert_eq!((fast.width(), fast.height()), (slow.width(), slow.height()));
    let close = |a: u8, b: u8| a.abs_diff(b) <= 8;
    let agree = fast
        .pixels()
        .iter()
        .zip(slow.pixels())
        .filter(|(a, b)| {
            close(a.red(), b.red()) && close(a.green(), b.green()) && close(a.blue(), b.blue())
        })
        .count();
    let share = agree as f64 / fast.pixels().len() as f64;
    assert!(share >= 0.99, "{share} des pixels concordent");
}

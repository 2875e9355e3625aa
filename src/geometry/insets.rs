//! National maps with the DROM brought closer ("DROM rapprochés"): each overseas
//! département is projected in its own conformal system, scaled and moved into a box west
//! of metropolitan France, since Lambert-93 means nothing 7 000 km from its origin.

use geo::{Coord, MapCoordsInPlace, Rect};

use super::{Crs, Feature, Layer, bounds, to_crs, to_lambert93};
use crate::error::{Error, Result};

/// A box of the map holding one DROM, in the map coordinates of [`drom_insets`].
#[derive(Debug, Clone, PartialEq)]
pub struct InsetFrame {
    pub rect: Rect<f64>,
    /// The territory's French name ("La Réunion").
    pub label: String,
}

/// A DROM: its département code (the commune codes' prefix), name and local projection.
struct Drom {
    dep: &'static str,
    label: &'static str,
    crs: Crs,
}

/// The DROM in the usual order of French maps, each with the official conformal system
/// of its territory (the datums are within a metre of WGS84).
const DROMS: [Drom; 5] = [
    Drom {
        dep: "971",
        label: "Guadeloupe",
        // RGAF09 / UTM 20N (EPSG:5490)
        crs: Crs::Utm {
            zone: 20,
            south: false,
        },
    },
    Drom {
        dep: "972",
        label: "Martinique",
        // RGAF09 / UTM 20N (EPSG:5490)
        crs: Crs::Utm {
            zone: 20,
            south: false,
        },
    },
    Drom {
        dep: "973",
        label: "Guyane",
        // RGFG95 / UTM 22N (EPSG:2972)
        crs: Crs::Utm {
            zone: 22,
            south: false,
        },
    },
    Drom {
        dep: "974",
        label: "La Réunion",
        // RGR92 / UTM 40S (EPSG:2975)
        crs: Crs::Utm {
            zone: 40,
            south: true,
        },
    },
    Drom {
        dep: "976",
        label: "Mayotte",
        // RGM04 / UTM 38S (EPSG:4471)
        crs: Crs::Utm {
            zone: 38,
            south: true,
        },
    },
];

/// Lambert-93 extent of metropolitan France with Corsica: where the frames go when the
/// layer holds only DROM.
const METROPOLE: [f64; 4] = [99_000.0, 6_046_000.0, 1_243_000.0, 7_111_000.0];

/// Gap between frames and between the column and metropolitan France, as a share of the
/// metropolitan height.
const GAP: f64 = 0.02;
/// Share of a frame's side the territory may fill, leaving a margin inside the frame.
const FILL: f64 = 0.9;
/// Share of a frame's height kept at its top for the name of the DROM, clear of its shape
/// (the name is drawn there: `render::insets`).
const NAME_BAND: f64 = 0.15;

/// Projects a WGS84 layer for a national map: metropolitan communes (Corsica included) to
/// Lambert-93, and the DROM (codes 971, 972, 973, 974, 976) each scaled into a square frame;
/// the frames form a column west of metropolitan France, from Guadeloupe at the top to
/// Mayotte, one per DROM present, squares of a fifth of the metropolitan height. Each
/// territory gets the scale that fills its frame, so the DROM are not at the same scale
/// as metropolitan France nor as each other.
///
/// The other overseas collectivities (codes 975, 977, 978 and 98x: Saint-Pierre-et-Miquelon,
/// Saint-Barthélemy, Saint-Martin, Pacific) are left out: the output has fewer features than
/// the input by their number (none in the 2026 national file). Features keep their order.
/// The output's coordinates are map coordinates: Lambert-93 for metropolitan France only.
pub fn drom_insets(layer: Layer) -> Result<(Layer, Vec<InsetFrame>)> {
    if layer.crs != Crs::Wgs84 {
        return Err(Error::new(
            "DROM rapprochés : les contours doivent être en longitude et latitude",
        )
        .file(&layer.source)
        .hint("fournissez les contours en WGS84 (EPSG:4326), comme le fichier national"));
    }
    let Layer {
        source, features, ..
    } = layer;
    // Features are tagged with their rank so the output keeps the input's order.
    let mut metropole = Vec::new();
    let mut droms: [Vec<(usize, Feature)>; 5] = Default::default();
    for (rank, feature) in features.into_iter().enumerate() {
        let code = feature.code.as_str();
        if let Some(i) = DROMS.iter().position(|d| code.starts_with(d.dep)) {
            droms[i].push((rank, feature));
        } else if !code.starts_with("97") && !code.starts_with("98") {
            metropole.push((rank, feature));
        }
    }
    let (ranks, features): (Vec<usize>, Vec<Feature>) = metropole.into_iter().unzip();
    let projected = to_lambert93(Layer {
        source: source.clone(),
        crs: Crs::Wgs84,
        features,
    })?;
    let extent = bounds(&projected.features).unwrap_or_else(|| {
        let [x0, y0, x1, y1] = METROPOLE;
        Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 })
    });
    let mut out: Vec<(usize, Feature)> = ranks.into_iter().zip(projected.features).collect();

    let gap = GAP * extent.height();
    let side = (extent.height() - 4.0 * gap) / 5.0;
    let right = extent.min().x - 2.0 * gap;
    let mut frames = Vec::new();
    let present = DROMS.iter().zip(droms).filter(|(_, g)| !g.is_empty());
    for (slot, (drom, group)) in present.enumerate() {
        let top = extent.max().y - slot as f64 * (side + gap);
        let rect = Rect::new(
            Coord {
                x: right - side,
                y: top - side,
            },
            Coord { x: right, y: top },
        );
        let (ranks, features): (Vec<usize>, Vec<Feature>) = group.into_iter().unzip();
        let mut features = project_locally(&source, drom, features)?;
        fit_into(&mut features, rect);
        out.extend(ranks.into_iter().zip(features));
        frames.push(InsetFrame {
            rect,
            label: drom.label.to_string(),
        });
    }
    out.sort_unstable_by_key(|(rank, _)| *rank);
    let layer = Layer {
        source,
        crs: Crs::Lambert93,
        features: out.into_iter().map(|(_, f)| f).collect(),
    };
    Ok((layer, frames))
}

/// Longitude/latitude in degrees → the DROM's own projection, in metres.
fn project_locally(
    source: &std::path::Path,
    drom: &Drom,
    features: Vec<Feature>,
) -> Result<Vec<Feature>> {
    let layer = Layer {
        source: source.to_path_buf(),
        crs: Crs::Wgs84,
        features,
    };
    Ok(to_crs(layer, drom.crs)?.features)
}

/// How a map of some départements is projected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapCrs {
    /// One system for the whole map: Lambert-93 for metropolitan France, the UTM zone of a
    /// DROM (Lambert-93 would turn Guadeloupe by 47° and stretch it by 13 %).
    Single(Crs),
    /// Metropolitan France with the DROM in insets, as on national maps (or DROM of several
    /// zones, each in its own box).
    Insets,
}

/// The projection of a map of `departements`.
pub fn map_crs<S: AsRef<str>>(departements: &[S]) -> MapCrs {
    let systems: std::collections::BTreeSet<Option<usize>> = departements
        .iter()
        .map(|d| DROMS.iter().position(|x| x.dep == d.as_ref()))
        .collect();
    match systems.into_iter().collect::<Vec<_>>()[..] {
        [None] | [] => MapCrs::Single(Crs::Lambert93),
        [Some(i)] => MapCrs::Single(DROMS[i].crs),
        // Guadeloupe and Martinique share their zone, but not their map: 150 km of sea.
        _ => MapCrs::Insets,
    }
}

/// `layer` projected as `crs` says, with the inset frames to draw.
pub fn project_for_map(layer: Layer, crs: MapCrs) -> Result<(Layer, Vec<InsetFrame>)> {
    match crs {
        MapCrs::Single(c) => Ok((to_crs(layer, c)?, Vec::new())),
        // The insets are made from longitudes and latitudes: a projected file is brought back first.
        MapCrs::Insets => drom_insets(to_crs(layer, Crs::Wgs84)?),
    }
}

/// Scales the group about its centre so it fills `FILL` of the frame below the band of its
/// name, and centres it there.
fn fit_into(features: &mut [Feature], frame: Rect<f64>) {
    let Some(extent) = bounds(features) else {
        return;
    };
    let area = Rect::new(
        frame.min(),
        Coord {
            x: frame.max().x,
            y: frame.max().y - NAME_BAND * frame.height(),
        },
    );
    let fits = |side: f64, room: f64| {
        if side > 0.0 {
            room / side
        } else {
            f64::INFINITY
        }
    };
    let scale = match fits(extent.width(), area.width()).min(fits(extent.height(), area.height())) {
        s if s.is_finite() => FILL * s,
        _ => 1.0,
    };
    let (from, to) = (extent.center(), area.center());
    for feature in features {
        feature.geometry.map_coords_in_place(|c| Coord {
            x: to.x + scale * (c.x - from.x),
            y: to.y + scale * (c.y - from.y),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{read_layer, tests::square};
    use std::collections::BTreeMap;

    fn contains(outer: Rect<f64>, inner: Rect<f64>) -> bool {
        outer.min().x <= inner.min().x
            && outer.min().y <= inner.min().y
            && inner.max().x <= outer.max().x
            && inner.max().y <= outer.max().y
    }

    fn overlap(a: Rect<f64>, b: Rect<f64>) -> bool {
        a.min().x < b.max().x
            && b.min().x < a.max().x
            && a.min().y < b.max().y
            && b.min().y < a.max().y
    }

    /// Checks the layout and returns, per frame label, the codes of the features inside it.
    fn check_layout(layer: &Layer, frames: &[InsetFrame]) -> BTreeMap<String, Vec<String>> {
        let metropolitan: Vec<Feature> = layer
            .features
            .iter()
            .filter(|f| !f.code.starts_with("97"))
            .cloned()
            .collect();
        let metropole = bounds(&metropolitan).unwrap();
        for (i, a) in frames.iter().enumerate() {
            assert!(!overlap(a.rect, metropole), "{} overlaps", a.label);
            for b in &frames[i + 1..] {
                assert!(!overlap(a.rect, b.rect), "{} and {}", a.label, b.label);
            }
        }
        let mut inside: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for feature in &layer.features {
            let rect = bounds(std::slice::from_ref(feature)).unwrap();
            let holders: Vec<&InsetFrame> =
                frames.iter().filter(|f| contains(f.rect, rect)).collect();
            match holders[..] {
                [] => assert!(contains(metropole, rect), "{} is nowhere", feature.code),
                [frame] => {
                    // Clear of the band where the frame's name is written.
                    let band = frame.rect.max().y - NAME_BAND * frame.rect.height();
                    assert!(
                        rect.max().y <= band + 1e-6,
                        "{} under the name of {}",
                        feature.code,
                        frame.label
                    );
                    inside
                        .entry(frame.label.clone())
                        .or_default()
                        .push(feature.code.clone())
                }
                _ => panic!("{} is in several frames", feature.code),
            }
        }
        inside
    }

    fn feature(code: &str, lon: f64, lat: f64) -> Feature {
        Feature {
            code: code.into(),
            name: None,
            geometry: square(lon, lat, 0.05),
        }
    }

    #[test]
    fn each_drom_lands_in_its_own_frame_west_of_metropole() {
        let layer = Layer {
            source: "communes.geojson".into(),
            crs: Crs::Wgs84,
            features: vec![
                feature("97101", -61.5, 16.2),
                feature("75056", 2.35, 48.85),
                feature("97502", -56.2, 46.8), // Saint-Pierre-et-Miquelon: left out
                feature("97411", 55.45, -20.9),
                feature("2A004", 8.7, 41.9),
                feature("97611", 45.2, -12.8),
                feature("97302", -52.3, 4.9),
                feature("97209", -61.07, 14.6),
                feature("98735", -149.6, -17.5), // Polynésie: left out
            ],
        };
        let (out, frames) = drom_insets(layer.clone()).unwrap();
        let codes: Vec<&str> = out.features.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "97101", "75056", "97411", "2A004", "97611", "97302", "97209"
            ]
        );
        let labels: Vec<&str> = frames.iter().map(|f| f.label.as_str()).collect();
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
        let inside = check_layout(&out, &frames);
        assert_eq!(inside["La Réunion"], ["97411"]);
        assert_eq!(inside["Guyane"], ["97302"]);
        // Top to bottom, all west of Paris.
        assert!(
            frames
                .windows(2)
                .all(|w| w[0].rect.min().y > w[1].rect.max().y)
        );
        assert!(frames.iter().all(|f| f.rect.max().x < 652_000.0));
        assert_eq!(drom_insets(layer).unwrap(), (out, frames), "deterministic");
    }

    #[test]
    fn metropolitan_layer_has_no_frame() {
        let layer = Layer {
            source: "communes.geojson".into(),
            crs: Crs::Wgs84,
            features: vec![feature("75056", 2.35, 48.85)],
        };
        let (out, frames) = drom_insets(layer).unwrap();
        assert!(frames.is_empty());
        assert_eq!(out.crs, Crs::Lambert93);
        assert!((out.features[0].geometry.0[0].exterior().0[0].x - 652_000.0).abs() < 1000.0);
    }

    #[test]
    fn lambert93_input_is_refused() {
        let layer = Layer {
            source: "communes.shp".into(),
            crs: Crs::Lambert93,
            features: vec![],
        };
        let text = drom_insets(layer).unwrap_err().to_string();
        assert!(
            text.contains("communes.shp") && text.contains("WGS84"),
            "{text}"
        );
    }

    #[test]
    fn national_file_2026() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/geo/communes-france-2026.geojson.gz"
        );
        let layer = read_layer(path.as_ref(), None, "code", Some("nom")).unwrap();
        let (out, frames) = drom_insets(layer).unwrap();
        assert_eq!(out.features.len(), 34_867);
        let inside = check_layout(&out, &frames);
        // Communes per DROM in the 2026 file (measured with the commune codes' prefix).
        let expected = [
            ("971", "Guadeloupe", 32),
            ("972", "Martinique", 34),
            ("973", "Guyane", 22),
            ("974", "La Réunion", 24),
            ("976", "Mayotte", 17),
        ];
        assert_eq!(inside.len(), expected.len());
        for (dep, label, count) in expected {
            let codes = &inside[label];
            assert_eq!(codes.len(), count, "{label}");
            assert!(codes.iter().all(|c| c.starts_with(dep)), "{label}");
        }
    }
}

//! Dissolving member shapes into their group's shape (communes into EPCI).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::{MultiPolygon, unary_union};

use super::{Feature, Layer};

/// What a dissolve could not place, so that nothing disappears silently.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DissolveReport {
    /// Codes of the features that belong to no group, sorted.
    pub unassigned: Vec<String>,
    /// Groups of `group_of` none of whose members has a shape in the layer, sorted.
    pub groups_without_shape: Vec<String>,
}

/// Unions the features of each group (`group_of`: member code → group code) into one
/// feature per group, sorted by group code; shared borders vanish, holes stay holes.
/// The result has the layer's system and no names (groups are named elsewhere).
pub fn dissolve(layer: &Layer, group_of: &HashMap<String, String>) -> (Layer, DissolveReport) {
    let mut members: BTreeMap<&str, Vec<&MultiPolygon<f64>>> = BTreeMap::new();
    let mut unassigned = Vec::new();
    for feature in &layer.features {
        match group_of.get(&feature.code) {
            Some(group) => members.entry(group).or_default().push(&feature.geometry),
            None => unassigned.push(feature.code.clone()),
        }
    }
    unassigned.sort_unstable();
    let groups_without_shape = group_of
        .values()
        .map(String::as_str)
        .filter(|group| !members.contains_key(group))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(String::from)
        .collect();
    let features = members
        .into_iter()
        .map(|(group, shapes)| Feature {
            code: group.to_string(),
            name: None,
            geometry: unary_union(shapes),
        })
        .collect();
    let dissolved = Layer {
        source: layer.source.clone(),
        crs: layer.crs,
        features,
    };
    (
        dissolved,
        DissolveReport {
            unassigned,
            groups_without_shape,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::tests::square;
    use crate::geometry::{Crs, read_geojson, to_lambert93};
    use geo::Area;

    fn layer(squares: &[(&str, f64, f64)]) -> Layer {
        Layer {
            source: "communes.geojson".into(),
            crs: Crs::Lambert93,
            features: squares
                .iter()
                .map(|&(code, x, y)| Feature {
                    code: code.into(),
                    name: None,
                    geometry: square(x, y, 1.0),
                })
                .collect(),
        }
    }

    fn groups(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|&(m, g)| (m.into(), g.into())).collect()
    }

    #[test]
    fn shared_borders_vanish() {
        let communes = layer(&[
            ("a", 0.0, 0.0),
            ("b", 1.0, 0.0),
            ("c", 0.0, 1.0),
            ("d", 1.0, 1.0),
            ("e", 5.0, 5.0),
        ]);
        let (epci, report) = dissolve(
            &communes,
            &groups(&[
                ("a", "G1"),
                ("b", "G1"),
                ("c", "G1"),
                ("d", "G1"),
                ("e", "G2"),
            ]),
        );
        assert_eq!(report, DissolveReport::default());
        assert_eq!(epci.features.len(), 2);
        let g1 = &epci.features[0];
        assert_eq!(g1.code, "G1");
        assert_eq!(g1.geometry.0.len(), 1, "one polygon, no inner border");
        assert!(g1.geometry.0[0].interiors().is_empty());
        assert!((g1.geometry.unsigned_area() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn holes_stay_holes() {
        // Eight squares around an empty centre (an enclave belonging to another group).
        let ring: Vec<(String, f64, f64)> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .filter(|&(i, j)| (i, j) != (1, 1))
            .map(|(i, j)| (format!("c{i}{j}"), f64::from(i), f64::from(j)))
            .collect();
        let squares: Vec<(&str, f64, f64)> =
            ring.iter().map(|(c, x, y)| (c.as_str(), *x, *y)).collect();
        let group_of: HashMap<String, String> = ring
            .iter()
            .map(|(c, ..)| (c.clone(), "G".to_string()))
            .collect();
        let (epci, _) = dissolve(&layer(&squares), &group_of);
        let polygons = &epci.features[0].geometry.0;
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].interiors().len(), 1, "the enclave is a hole");
        assert!((epci.features[0].geometry.unsigned_area() - 8.0).abs() < 1e-9);
    }

    #[test]
    fn leftovers_are_reported_not_dropped() {
        let communes = layer(&[("b", 1.0, 0.0), ("a", 0.0, 0.0), ("z", 9.0, 9.0)]);
        let (epci, report) = dissolve(&communes, &groups(&[("a", "G1"), ("x", "G3"), ("y", "G2")]));
        assert_eq!(epci.features.len(), 1);
        assert_eq!(report.unassigned, ["b", "z"]);
        assert_eq!(report.groups_without_shape, ["G2", "G3"]);
    }

    #[test]
    fn five_departements_communes_dissolve_into_their_epci() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/geo/");
        let communes = read_geojson(
            format!("{dir}communes-5dep-2026.geojson").as_ref(),
            "code",
            None,
        )
        .unwrap();
        let epci_of = crate::geometry::tests::property_pairs(
            &format!("{dir}communes-5dep-2026.geojson"),
            "code",
            "siren_epci",
        );
        let communes = to_lambert93(communes).unwrap();
        let (epci, report) = dissolve(&communes, &epci_of);
        assert!(
            report.unassigned.is_empty() && report.groups_without_shape.is_empty(),
            "{report:?}"
        );
        assert_eq!(epci.features.len(), 85);
        // EPCI straddling another département are only partly in the commune file.
        let straddling = crate::geometry::tests::property_pairs(
            &format!("{dir}epci-5dep-2026.geojson"),
            "siren",
            "deps",
        );
        let reference = read_geojson(
            format!("{dir}epci-5dep-2026.geojson").as_ref(),
            "siren",
            None,
        )
        .unwrap();
        let reference = to_lambert93(reference).unwrap();
        let mut compared = 0;
        for expected in &reference.features {
            let got = epci
                .features
                .iter()
                .find(|f| f.code == expected.code)
                .unwrap();
            let (a, b) = (
                got.geometry.unsigned_area(),
                expected.geometry.unsigned_area(),
            );
            assert!(a < b * 1.001, "{}: {a} > {b}", expected.code);
            if !straddling[&expected.code].contains(',') {
                assert!((a - b).abs() < 0.001 * b, "{}: {a} vs {b}", expected.code);
                assert!(
                    got.geometry.0.len() <= expected.geometry.0.len() + 1,
                    "{}: inner borders left",
                    expected.code
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 70);
    }
}

//! GeoJSON export (RFC 7946): longitude and latitude in WGS84, as the format requires.
//!
//! The JSON text is written here rather than through serde so that properties keep their
//! order and a rerun gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use geo::orient::{Direction, Orient};
use geo::{Coord, MapCoords, MultiPolygon};

use super::features::{AttrValue, ExportFeature, columns};
use super::write_atomic;
use crate::error::{Error, Result};
use crate::geometry::{Crs, ToWgs84};

/// Writes the features as a GeoJSON FeatureCollection, one feature per line, with the
/// properties `code`, `nom`, then the attributes in their order (a missing number is
/// `null`). Geometries are taken in `crs` (Lambert-93, a UTM zone) and projected back to longitude and
/// latitude, rounded to 6 decimals (about 10 cm); exteriors turn counterclockwise as
/// RFC 7946 recommends. The file is replaced whole or not at all.
pub fn write_geojson(path: &Path, rows: &[ExportFeature], crs: Crs) -> Result<()> {
    columns(path, rows)?;
    let projector = ToWgs84::new(crs);
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, row) in rows.iter().enumerate() {
        let geometry = to_wgs84(&projector, &row.geometry).map_err(|c| {
            Error::new(format!(
                "coordonnée ({}, {}) impossible à reprojeter en WGS84",
                c.x, c.y
            ))
            .file(path)
            .code(&row.code)
            .hint("exportez des géométries en Lambert-93 (pas celles des DROM rapprochés)")
        })?;
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("{\"type\":\"Feature\",\"properties\":{\"code\":");
        push_string(&mut out, &row.code);
        out.push_str(",\"nom\":");
        push_string(&mut out, &row.name);
        for (name, value) in &row.attributes {
            out.push(',');
            push_string(&mut out, name);
            out.push(':');
            match value {
                AttrValue::Text(text) => push_string(&mut out, text),
                AttrValue::Number(_) => match value.finite() {
                    Some(n) => write!(out, "{n}").expect("writing to a String"),
                    None => out.push_str("null"),
                },
            }
        }
        out.push_str("},\"geometry\":");
        push_geometry(&mut out, &geometry);
        out.push('}');
    }
    if !rows.is_empty() {
        out.push('\n');
    }
    out.push_str("]}\n");
    write_atomic(path, out.as_bytes())
}

/// Lambert-93 → WGS84, or the first coordinate that has no image.
fn to_wgs84(
    projector: &ToWgs84,
    geometry: &MultiPolygon<f64>,
) -> std::result::Result<MultiPolygon<f64>, Coord<f64>> {
    let geometry = geometry.try_map_coords(|c| projector.coord(c).ok_or(c))?;
    Ok(geometry.orient(Direction::Default))
}

fn push_geometry(out: &mut String, geometry: &MultiPolygon<f64>) {
    out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
    for (i, polygon) in geometry.iter().enumerate() {
        out.push_str(if i > 0 { ",[" } else { "[" });
        for (j, ring) in std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .enumerate()
        {
            out.push_str(if j > 0 { ",[" } else { "[" });
            for (k, c) in ring.coords().enumerate() {
                out.push_str(if k > 0 { ",[" } else { "[" });
                push_degrees(out, c.x);
                out.push(',');
                push_degrees(out, c.y);
                out.push(']');
            }
            out.push(']');
        }
        out.push(']');
    }
    out.push_str("]}");
}

/// Degrees rounded to 6 decimals, without trailing zeros ("2.3522", "45").
fn push_degrees(out: &mut String, degrees: f64) {
    let text = format!("{degrees:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    out.push_str(if text == "-0" { "0" } else { text });
}

/// A JSON string literal; non-ASCII characters stay as UTF-8.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                write!(out, "\\u{:04x}", u32::from(c)).expect("writing to a String")
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::super::features::tests::{puy_de_dome, sample};
    use super::*;
    use crate::geometry::{read_geojson, to_lambert93};
    use geo::BoundingRect;

    #[test]
    fn round_trip_through_wgs84_stays_within_a_metre() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out/couverture.geojson");
        let rows = sample();
        write_geojson(&path, &rows, Crs::Lambert93).unwrap();
        let layer = read_geojson(&path, "code", Some("nom")).unwrap();
        assert_eq!(layer.crs, crate::geometry::Crs::Wgs84);
        let layer = to_lambert93(layer).unwrap();
        assert_eq!(layer.features.len(), 2);
        for (row, back) in rows.iter().zip(&layer.features) {
            assert_eq!(back.code, row.code);
            assert_eq!(back.name.as_deref(), Some(row.name.as_str()));
            let (before, after) = (&row.geometry.0[0], &back.geometry.0[0]);
            assert_eq!(after.interiors().len(), before.interiors().len());
            // Orientation may have been reversed: match each point to its nearest.
            for c in before
                .exterior()
                .coords()
                .chain(before.interiors().iter().flat_map(|r| r.coords()))
            {
                let nearest = after
                    .exterior()
                    .coords()
                    .chain(after.interiors().iter().flat_map(|r| r.coords()))
                    .map(|d| (d.x - c.x).hypot(d.y - c.y))
                    .fold(f64::INFINITY, f64::min);
                assert!(nearest < 1.0, "{} : {c:?} à {nearest} m", row.code);
            }
        }
    }

    #[test]
    fn puy_de_dome_comes_back_within_a_metre() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("63.geojson");
        let rows = puy_de_dome();
        write_geojson(&path, &rows, Crs::Lambert93).unwrap();
        let back = to_lambert93(read_geojson(&path, "code", Some("nom")).unwrap()).unwrap();
        assert_eq!(back.features.len(), 467);
        for (row, back) in rows.iter().zip(&back.features) {
            assert_eq!(
                (&back.code, back.name.as_deref()),
                (&row.code, Some(&*row.name))
            );
            let (a, b) = (
                row.geometry.bounding_rect().unwrap(),
                back.geometry.bounding_rect().unwrap(),
            );
            let moved = [
                a.min().x - b.min().x,
                a.min().y - b.min().y,
                a.max().x - b.max().x,
                a.max().y - b.max().y,
            ]
            .map(f64::abs)
            .into_iter()
            .fold(0.0, f64::max);
            assert!(moved < 1.0, "{} : {moved} m", row.code);
        }
    }

    #[test]
    fn properties_keep_their_order_and_bytes_are_stable() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
        write_geojson(&a, &sample(), Crs::Lambert93).unwrap();
        write_geojson(&b, &sample(), Crs::Lambert93).unwrap();
        let text = std::fs::read_to_string(&a).unwrap();
        assert_eq!(text.as_bytes(), std::fs::read(&b).unwrap());
        let geojson::GeoJson::FeatureCollection(fc) = text.parse().unwrap() else {
            panic!("{text}")
        };
        // serde_json's map sorts keys: check the order on the text itself.
        let line = text.lines().find(|l| l.contains("63124")).unwrap();
        let at = |key: &str| line.find(&format!("\"{key}\":")).unwrap();
        let keys = [
            "code",
            "nom",
            "taux_couverture_2023",
            "taux_couverture_2024",
            "classe",
            "statut",
        ];
        assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{line}");
        let properties = fc.features[1].properties.as_ref().unwrap();
        assert!(text.contains(r#""taux_couverture_2023":null"#), "{text}");
        assert!(text.contains(r#""taux_couverture_2023":57.3,"#), "{text}");
        assert_eq!(properties["classe"], "Q1 « haut » \"a\\b\"");
        assert_eq!(properties["statut"], "secret");
    }

    #[test]
    fn degrees_are_rounded_to_six_decimals() {
        let mut out = String::new();
        for d in [2.352_200_4, 45.0, -0.000_000_1, -1.5] {
            push_degrees(&mut out, d);
            out.push(' ');
        }
        assert_eq!(out, "2.3522 45 0 -1.5 ");
    }

    #[test]
    fn unwritable_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fichier");
        std::fs::write(&file, "").unwrap();
        let err =
            write_geojson(&file.join("carte.geojson"), &sample(), Crs::Lambert93).unwrap_err();
        assert!(err.to_string().contains("fichier"), "{err}");
    }

    #[test]
    fn differing_attributes_name_the_feature() {
        let mut rows = sample();
        rows[1].attributes.pop();
        let err = write_geojson(Path::new("x.geojson"), &rows, Crs::Lambert93).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("x.geojson") && text.contains("63124"),
            "{text}"
        );
    }
}

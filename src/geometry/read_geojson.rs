//! GeoJSON reader (plain or gzipped).

use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use geojson::{GeoJson, GeometryValue, JsonObject, JsonValue, Position};

use super::code::{Collector, RawCode, geometry_error};
use super::{Crs, Layer, resolve_crs};
use crate::error::{Error, Result};

/// Reads a GeoJSON FeatureCollection (or a single Feature); `.gz` files are decompressed
/// on the fly. The system is the `crs` member if any (older IGN exports declare
/// EPSG:2154), else guessed from the coordinates, RFC 7946 WGS84 being the usual case.
pub fn read_geojson(
    path: &Path,
    code_property: &str,
    name_property: Option<&str>,
) -> Result<Layer> {
    let text = read_text(path)?;
    let (features, crs_member) = match GeoJson::from_str(&text).map_err(|e| json_error(path, e))? {
        GeoJson::FeatureCollection(fc) => (fc.features, fc.foreign_members),
        GeoJson::Feature(f) => (vec![f], None),
        GeoJson::Geometry(_) => {
            return Err(Error::new(
                "le fichier contient une géométrie seule, sans entités ni codes",
            )
            .file(path)
            .hint("attendu : une FeatureCollection dont chaque entité porte un code"));
        }
    };
    drop(text); // the national file is 27 MB of text: free it before building shapes

    let mut collector = Collector::new(path, code_property, features.len());
    for (i, feature) in features.into_iter().enumerate() {
        let number = i + 1;
        let properties = feature.properties.as_ref();
        let property = |name: &str| properties.and_then(|p| p.get(name));
        let raw = match property(code_property) {
            Some(JsonValue::String(s)) => RawCode::Text(s),
            Some(JsonValue::Number(n)) => n.as_f64().map_or(RawCode::Missing, RawCode::Number),
            _ => RawCode::Missing,
        };
        let code = collector.code(
            number,
            raw,
            properties
                .into_iter()
                .flat_map(|p| p.keys().map(String::as_str)),
        )?;
        let name = name_property.and_then(property).and_then(|v| match v {
            JsonValue::String(s) => Some(s.clone()),
            JsonValue::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let Some(geometry) = feature.geometry else {
            return Err(geometry_error(
                path,
                number,
                &code,
                "géométrie absente (null)",
            ));
        };
        let mut polygons = Vec::new();
        push_polygons(&geometry.value, &mut polygons)
            .map_err(|what| geometry_error(path, number, &code, &what))?;
        if polygons.is_empty() {
            return Err(geometry_error(path, number, &code, "géométrie vide"));
        }
        collector.push(number, code, name, MultiPolygon::new(polygons))?;
    }
    let features = collector.into_features();
    let declared = declared_crs(path, crs_member.as_ref())?;
    Ok(Layer {
        source: path.to_path_buf(),
        crs: resolve_crs(path, declared, &features)?,
        features,
    })
}

/// The largest contours text read, decompressed: the full-precision communes of France
/// (IGN Admin Express) take about a gigabyte; a `.gz` that inflates beyond is refused
/// before it fills the memory.
const MAX_CONTOURS_BYTES: u64 = 2 << 30;

fn read_text(path: &Path) -> Result<String> {
    let gzipped = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let reader: Box<dyn Read> = match crate::ingest::builtin::gzipped(path) {
        Some(bytes) => Box::new(flate2::read::GzDecoder::new(bytes)),
        None => {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            match gzipped {
                true => Box::new(flate2::read::GzDecoder::new(std::io::BufReader::new(file))),
                false => Box::new(std::io::BufReader::new(file)),
            }
        }
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_CONTOURS_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput | std::io::ErrorKind::UnexpectedEof => {
                Error::new("fichier compressé illisible (archive gzip abîmée ou tronquée)")
                    .file(path)
                    .hint("un .gz doit être compressé avec gzip : décompressez-le pour vérifier, ou téléchargez-le de nouveau")
                    .cause(e)
            }
            _ => Error::io(path, e),
        })?;
    if bytes.len() as u64 > MAX_CONTOURS_BYTES {
        return Err(Error::new(format!(
            "fichier de contours trop grand : plus de {} Gio une fois décompressé",
            MAX_CONTOURS_BYTES >> 30
        ))
        .file(path)
        .hint(
            "simplifiez les contours (mapshaper, QGIS) ou ne gardez que les départements étudiés",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::new(format!(
            "fichier de contours illisible : octet {} hors UTF-8",
            e.utf8_error().valid_up_to()
        ))
        .file(path)
        .hint("un GeoJSON doit être en UTF-8 : réenregistrez-le dans cet encodage")
    })
}

fn json_error(path: &Path, err: geojson::Error) -> Error {
    match err {
        // serde_json reports line 0 when the error comes after parsing (structure, not syntax).
        geojson::Error::MalformedGeoJson(e) if e.line() > 0 => {
            let what = match e.classify() {
                serde_json::error::Category::Eof => "JSON tronqué",
                _ => "JSON mal formé",
            };
            Error::new(format!(
                "GeoJSON invalide ({what}, caractère {})",
                e.column()
            ))
            .file(path)
            .line(e.line())
            .cause(e)
        }
        e => Error::new(format!("GeoJSON invalide : {}", french_geojson(&e)))
            .file(path)
            .cause(e),
    }
    .hint("vérifiez le fichier de contours (un GeoJSON FeatureCollection est attendu)")
}

/// What is wrong with a GeoJSON, in French (geojson's messages are English).
fn french_geojson(err: &geojson::Error) -> String {
    use geojson::Error as E;
    match err {
        E::MalformedGeoJson(_) => "structure inattendue (un objet GeoJSON est attendu)".into(),
        E::ExpectedType { expected, actual } => {
            format!("objet « {actual} » là où « {expected} » est attendu")
        }
        E::PositionTooShort(n) => {
            format!("position de {n} coordonnée(s) : deux au moins sont attendues")
        }
        E::GeometryWithoutCoordinatesKey { .. } => "géométrie sans « coordinates »".into(),
        E::GeometryCollectionWithoutGeometriesKey => {
            "GeometryCollection sans « geometries »".into()
        }
        E::InvalidGeometryDimensions { dimensions, .. } => {
            format!("géométrie de {dimensions} dimension(s) inattendue(s)")
        }
        E::FeatureHasNoGeometry(_) => "entité sans géométrie".into(),
        E::InvalidGeometryConversion { found_type, .. } => {
            format!("géométrie « {found_type} » inattendue")
        }
        E::Io(_) | E::InvalidWriterState(_) => "lecture interrompue".into(),
    }
}

/// Appends the polygons of `value`; otherwise says what is wrong with it.
fn push_polygons(
    value: &GeometryValue,
    out: &mut Vec<Polygon<f64>>,
) -> std::result::Result<(), String> {
    match value {
        GeometryValue::Polygon { coordinates } => out.extend(polygon(coordinates)?),
        GeometryValue::MultiPolygon { coordinates } => {
            for rings in coordinates {
                out.extend(polygon(rings)?);
            }
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                push_polygons(&g.value, out)?;
            }
        }
        other => {
            return Err(format!(
                "géométrie de type {}, un polygone est attendu",
                other.type_name()
            ));
        }
    }
    Ok(())
}

/// A polygon from its rings, the first being the exterior; `None` when there is no ring.
fn polygon(rings: &[Vec<Position>]) -> std::result::Result<Option<Polygon<f64>>, String> {
    let mut rings = rings.iter().map(|ring| {
        ring.iter()
            .map(|p| match p.as_slice() {
                [x, y, ..] => Ok(Coord { x: *x, y: *y }),
                short => Err(format!(
                    "position à {} nombre(s), deux sont attendus",
                    short.len()
                )),
            })
            .collect::<std::result::Result<Vec<_>, _>>()
            .map(LineString::new)
    });
    let Some(exterior) = rings.next().transpose()? else {
        return Ok(None);
    };
    Ok(Some(Polygon::new(
        exterior,
        rings.collect::<std::result::Result<_, _>>()?,
    )))
}

/// The system named by the (pre-RFC 7946) `crs` member, if any.
fn declared_crs(path: &Path, members: Option<&JsonObject>) -> Result<Option<Crs>> {
    let Some(name) = members
        .and_then(|m| m.get("crs"))
        .and_then(|crs| crs.pointer("/properties/name"))
        .and_then(JsonValue::as_str)
    else {
        return Ok(None);
    };
    // `urn:ogc:def:crs:EPSG::2154`, `EPSG:5490`, `urn:ogc:def:crs:OGC:1.3:CRS84`.
    let epsg = name
        .rsplit(':')
        .next()
        .and_then(|code| code.parse::<u32>().ok())
        .and_then(Crs::from_epsg);
    match epsg {
        Some(crs) => Ok(Some(crs)),
        None if name.ends_with("CRS84") => Ok(Some(Crs::Wgs84)),
        None => Err(Error::new(format!(
            "système de coordonnées « {name} » non pris en charge"
        ))
        .file(path)
        .hint("reprojetez le fichier en WGS84 (EPSG:4326), en Lambert-93 (EPSG:2154) ou dans le système UTM officiel d'un DROM")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{bounds, read_layer, to_lambert93};
    use geo::Area;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/geometry"
        ))
        .join(name)
    }

    /// The error text for a fixture, after checking it names the file.
    fn error_of(name: &str) -> String {
        let text = read_layer(&fixture(name), None, "code", Some("nom"))
            .unwrap_err()
            .to_string();
        assert!(text.contains(name), "{text}");
        text
    }

    #[test]
    fn reads_numeric_codes_and_every_polygon_kind() {
        let layer =
            read_layer(&fixture("numeric-code.geojson"), None, "code", Some("nom")).unwrap();
        assert_eq!(layer.crs, Crs::Wgs84);
        let codes: Vec<&str> = layer.features.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["01001", "01002", "2A004"]);
        assert_eq!(
            layer.features[0].name.as_deref(),
            Some("L'Abergement-Clémenciat")
        );
        let varey = &layer.features[1].geometry;
        assert_eq!(varey.0.len(), 2);
        assert_eq!(varey.0[0].interiors().len(), 1, "the hole is kept");
        assert_eq!(
            layer.features[2].geometry.0.len(),
            1,
            "GeometryCollection of polygons"
        );
    }

    #[test]
    fn gzipped_file_is_read_transparently() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("communes.geojson.gz");
        let mut encoder = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::fast(),
        );
        encoder
            .write_all(&std::fs::read(fixture("numeric-code.geojson")).unwrap())
            .unwrap();
        encoder.finish().unwrap();
        let plain =
            read_layer(&fixture("numeric-code.geojson"), None, "code", Some("nom")).unwrap();
        let unzipped = read_layer(&gz, None, "code", Some("nom")).unwrap();
        assert_eq!(unzipped.features, plain.features);
    }

    #[test]
    fn null_geometry_names_feature_and_code() {
        let text = error_of("null-geometry.geojson");
        assert!(
            text.contains("entité n° 2") && text.contains("01002"),
            "{text}"
        );
        assert!(text.contains("géométrie absente"), "{text}");
    }

    #[test]
    fn point_is_refused_with_its_type() {
        let text = error_of("point.geojson");
        assert!(
            text.contains("entité n° 2") && text.contains("01053"),
            "{text}"
        );
        assert!(text.contains("Point"), "{text}");
    }

    #[test]
    fn duplicate_code_names_both_features() {
        // 1001 and "01001" are the same commune once normalised.
        let text = error_of("duplicate-code.geojson");
        assert!(
            text.contains("01001") && text.contains("en double"),
            "{text}"
        );
        assert!(text.contains("n° 1") && text.contains("n° 3"), "{text}");
    }

    #[test]
    fn missing_code_lists_the_properties() {
        let text = error_of("missing-code.geojson");
        assert!(
            text.contains("entité n° 2") && text.contains("code manquant"),
            "{text}"
        );
        assert!(text.contains("insee, nom"), "{text}");
    }

    #[test]
    fn invalid_json_gives_the_line() {
        let err = read_layer(&fixture("invalid.geojson"), None, "code", None).unwrap_err();
        assert_eq!(err.line, Some(3));
        let text = err.to_string();
        assert!(text.contains("invalid.geojson, ligne 3"), "{text}");
    }

    #[test]
    fn crs_member_declares_lambert93() {
        let layer = read_layer(&fixture("lambert93-crs.geojson"), None, "code", None).unwrap();
        assert_eq!(layer.crs, Crs::Lambert93);
        let projected = to_lambert93(layer.clone()).unwrap();
        assert_eq!(projected, layer);
    }

    #[test]
    fn puy_de_dome_2018() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/geo/communes-63-puy-de-dome-2018.geojson"
        );
        let layer = read_geojson(path.as_ref(), "code", Some("nom")).unwrap();
        assert_eq!(layer.features.len(), 467);
        assert!(
            layer
                .features
                .iter()
                .all(|f| f.code.len() == 5 && f.code.starts_with("63"))
        );
        let clermont = layer.features.iter().find(|f| f.code == "63113").unwrap();
        assert_eq!(clermont.name.as_deref(), Some("Clermont-Ferrand"));

        let layer = to_lambert93(layer).unwrap();
        let rect = bounds(&layer.features).unwrap();
        assert!(
            rect.min().x > 600_000.0 && rect.max().x < 800_000.0,
            "{rect:?}"
        );
        assert!(
            rect.min().y > 6_400_000.0 && rect.max().y < 6_600_000.0,
            "{rect:?}"
        );
        // The département covers 7 970 km².
        let km2 = layer
            .features
            .iter()
            .map(|f| f.geometry.unsigned_area())
            .sum::<f64>()
            / 1e6;
        assert!((km2 - 7970.0).abs() < 80.0, "{km2}");
    }

    /// The national file reads and projects whole (its speed is in `benches/national.rs`):
    /// `cargo test --release -- --ignored france`.
    #[test]
    #[ignore = "national file, slow in a debug build; run in release"]
    fn france_2026_reads_and_projects() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/geo/communes-france-2026.geojson.gz"
        );
        let layer = read_layer(path.as_ref(), None, "code", Some("nom")).unwrap();
        let layer = to_lambert93(layer).unwrap();
        assert_eq!(layer.features.len(), 34_867);
    }
}

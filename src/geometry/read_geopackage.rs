//! GeoPackage reader: one feature layer of a `.gpkg` (an SQLite file), its system from
//! `gpkg_spatial_ref_sys`, its geometries from the GeoPackage binary format (a short header, then WKB).
//!
//! The file is read whole into memory and opened there read-only: SQLite never touches the
//! analyst's file (no journal, no `-wal` beside it).

use std::path::Path;

use geo::{Geometry, MultiPolygon};
use geo_traits::to_geo::ToGeoGeometry;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB};

use super::code::{Collector, RawCode, geometry_error};
use super::wkt::{crs_of_wkt, unsupported_crs};
use super::{Crs, Layer, resolve_crs};
use crate::error::{Error, Result};

/// A feature layer as `gpkg_geometry_columns` describes it.
struct LayerInfo {
    table: String,
    geometry_column: String,
    srs_id: i64,
}

/// Reads the polygons of `layer` (the file's only feature layer when `None`).
pub fn read_geopackage(
    path: &Path,
    layer: Option<&str>,
    code_property: &str,
    name_property: Option<&str>,
) -> Result<Layer> {
    let db = open(path)?;
    let info = choose_layer(path, &db, layer)?;
    let declared = layer_crs(path, &db, info.srs_id)?;
    let columns = table_columns(&db, &info.table).map_err(|e| sql_error(path, e))?;
    let select = |name: Option<&str>| match name.filter(|n| columns.iter().any(|c| c == n)) {
        Some(n) => quoted(n),
        None => "NULL".to_string(),
    };
    let sql = format!(
        "SELECT {}, {}, {} FROM {} ORDER BY rowid",
        quoted(&info.geometry_column),
        select(Some(code_property)),
        select(name_property),
        quoted(&info.table)
    );
    let mut statement = db.prepare(&sql).map_err(|e| sql_error(path, e))?;
    let mut rows = statement.query([]).map_err(|e| sql_error(path, e))?;
    let mut collector = Collector::new(path, code_property, 0);
    let mut number = 0;
    while let Some(row) = rows.next().map_err(|e| sql_error(path, e))? {
        number += 1;
        let cell = |i: usize| row.get_ref(i).unwrap_or(ValueRef::Null);
        let raw = match cell(1) {
            ValueRef::Text(t) => RawCode::Text(std::str::from_utf8(t).unwrap_or("")),
            ValueRef::Integer(n) => RawCode::Number(n as f64),
            ValueRef::Real(n) => RawCode::Number(n),
            ValueRef::Null | ValueRef::Blob(_) => RawCode::Missing,
        };
        let code = collector.code(number, raw, columns.iter().map(String::as_str))?;
        let name = match cell(2) {
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).trim().to_string()),
            _ => None,
        };
        let geometry = match cell(0) {
            ValueRef::Blob(blob) => {
                polygons(blob).map_err(|what| geometry_error(path, number, &code, &what))?
            }
            _ => {
                return Err(geometry_error(path, number, &code, "géométrie absente"));
            }
        };
        collector.push(number, code, name, geometry)?;
    }
    let features = collector.into_features();
    Ok(Layer {
        source: path.to_path_buf(),
        crs: resolve_crs(path, declared, &features)?,
        features,
    })
}

/// The file as a read-only database in memory; an error when it is not an SQLite file.
fn open(path: &Path) -> Result<Connection> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if !bytes.starts_with(b"SQLite format 3\0") {
        return Err(not_a_geopackage(path, "ce n'est pas une base SQLite"));
    }
    let mut db = Connection::open_in_memory().map_err(|e| sql_error(path, e))?;
    db.deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .map_err(|e| sql_error(path, e))?;
    Ok(db)
}

/// The layer to read: the one named, or the only one.
fn choose_layer(path: &Path, db: &Connection, wanted: Option<&str>) -> Result<LayerInfo> {
    let layers = feature_layers(db).map_err(|_| {
        not_a_geopackage(
            path,
            "tables gpkg_contents et gpkg_geometry_columns absentes ou illisibles",
        )
    })?;
    let names = || {
        layers
            .iter()
            .map(|l| format!("« {} »", l.table))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(name) => {
            let names = names();
            layers
                .into_iter()
                .find(|l| l.table == name)
                .ok_or_else(|| {
                    Error::new(format!("couche « {name} » absente du GeoPackage"))
                        .file(path)
                        .hint(format!("couches de contours du fichier : {names}"))
                })
        }
        None if layers.len() == 1 => Ok(layers.into_iter().next().expect("one layer")),
        None if layers.is_empty() => Err(Error::new("aucune couche d'entités dans le GeoPackage")
            .file(path)
            .hint("le fichier ne contient que des tables ou des tuiles : exportez-y la couche des contours")),
        None => Err(Error::new(format!(
            "{} couches d'entités dans le GeoPackage : laquelle lire ?",
            layers.len()
        ))
        .file(path)
        .hint(format!(
            "nommez-la dans [contours] (couche_communes = \"…\" ou couche_epci = \"…\") ; couches : {}",
            names()
        ))),
    }
}

fn feature_layers(db: &Connection) -> rusqlite::Result<Vec<LayerInfo>> {
    let mut statement = db.prepare(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
         JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
         WHERE c.data_type = 'features' ORDER BY c.table_name",
    )?;
    statement
        .query_map([], |row| {
            Ok(LayerInfo {
                table: row.get(0)?,
                geometry_column: row.get(1)?,
                srs_id: row.get(2)?,
            })
        })?
        .collect()
}

/// The system of `srs_id`: by its EPSG code, else by its WKT; `None` for the undefined systems
/// (-1 and 0), whose coordinates then tell.
fn layer_crs(path: &Path, db: &Connection, srs_id: i64) -> Result<Option<Crs>> {
    if srs_id <= 0 {
        return Ok(None);
    }
    let (organization, code, definition): (String, i64, String) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition \
             FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .map_err(|_| {
            not_a_geopackage(
                path,
                &format!("système n° {srs_id} absent de gpkg_spatial_ref_sys"),
            )
        })?;
    let by_code = organization
        .eq_ignore_ascii_case("EPSG")
        .then(|| u32::try_from(code).ok().and_then(Crs::from_epsg))
        .flatten();
    by_code
        .or_else(|| crs_of_wkt(&definition))
        .map(Some)
        .ok_or_else(|| unsupported_crs(path))
}

/// The column names of `table`, in order.
fn table_columns(db: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = db.prepare(&format!("PRAGMA table_info({})", quoted(table)))?;
    statement.query_map([], |row| row.get(1))?.collect()
}

/// The polygons of a GeoPackage geometry blob, or why there are none.
fn polygons(blob: &[u8]) -> std::result::Result<MultiPolygon<f64>, String> {
    let wkb = wkb_part(blob)?;
    let geometry = wkb::reader::read_wkb(wkb)
        .map_err(|e| format!("géométrie WKB illisible ({e})"))?
        .try_to_geometry()
        .ok_or_else(|| "géométrie vide".to_string())?;
    match geometry {
        Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        Geometry::MultiPolygon(m) => Ok(m),
        other => Err(format!(
            "géométrie de type {}, un polygone est attendu",
            kind(&other)
        )),
    }
}

/// The WKB after the GeoPackage header: `GP`, a version, flags (empty geometry, envelope
/// size), a system number, the envelope.
fn wkb_part(blob: &[u8]) -> std::result::Result<&[u8], String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("géométrie au format GeoPackage attendue (en-tête « GP » absent)".into());
    }
    let flags = blob[3];
    if flags & 0b1_0000 != 0 {
        return Err("géométrie vide".into());
    }
    if flags & 0b10_0000 != 0 {
        return Err("géométrie GeoPackage étendue, non prise en charge".into());
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        other => {
            return Err(format!(
                "en-tête de géométrie invalide (enveloppe n° {other})"
            ));
        }
    };
    blob.get(8 + envelope..)
        .filter(|wkb| !wkb.is_empty())
        .ok_or_else(|| "géométrie tronquée".to_string())
}

/// The geometry's kind in messages, as GeoPackage names it.
fn kind(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) => "Polygon",
        Geometry::Triangle(_) => "Triangle",
    }
}

/// An SQL identifier, quoted (a layer or column may hold any character).
pub(crate) fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn not_a_geopackage(path: &Path, why: &str) -> Error {
    Error::new(format!("GeoPackage illisible : {why}"))
        .file(path)
        .hint("ouvrez-le dans QGIS et exportez la couche des contours en GeoPackage, GeoJSON ou Shapefile")
}

fn sql_error(path: &Path, err: rusqlite::Error) -> Error {
    Error::new("GeoPackage illisible (base SQLite abîmée ou tronquée)")
        .file(path)
        .hint("ouvrez-le dans QGIS et réenregistrez-le, ou donnez-le en GeoJSON")
        .cause(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::read_layer;

    /// Written by GDAL, see `tests/fixtures/geopackage/make-gpkg.py`.
    const GDAL: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/geopackage/contours-63.gpkg"
    );

    #[test]
    fn a_layer_written_by_gdal_is_read_with_its_codes_and_system() {
        let before = std::fs::read(GDAL).unwrap();
        let layer = read_layer(GDAL.as_ref(), Some("epci_63"), "siren", Some("nom")).unwrap();
        assert_eq!(layer.crs, Crs::Wgs84);
        assert_eq!(layer.features.len(), 14);
        // The SIREN stored as an integer is a code of nine digits.
        assert!(layer.features.iter().any(|f| f.code == "200070753"));
        let communes = read_layer(GDAL.as_ref(), Some("communes_63"), "insee", None).unwrap();
        assert_eq!(communes.features.len(), 463);
        assert_eq!(
            std::fs::read(GDAL).unwrap(),
            before,
            "the file is left as it was"
        );
    }

    #[test]
    fn an_unknown_layer_names_those_of_the_file() {
        let text = read_layer(GDAL.as_ref(), Some("communes"), "insee", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("couche « communes » absente")
                && text.contains("« communes_63 », « epci_63 », « mairies »"),
            "{text}"
        );
    }

    #[test]
    fn a_file_that_is_not_a_geopackage_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let text_file = dir.path().join("communes.gpkg");
        std::fs::write(&text_file, "code;nom\n63113;Clermont-Ferrand\n").unwrap();
        let text = read_layer(&text_file, None, "code", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("communes.gpkg") && text.contains("pas une base SQLite"),
            "{text}"
        );
        let plain = dir.path().join("base.gpkg");
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (x INTEGER);")
            .unwrap();
        let text = read_layer(&plain, None, "code", None)
            .unwrap_err()
            .to_string();
        assert!(text.contains("gpkg_contents"), "{text}");
    }

    #[test]
    fn a_foreign_system_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mercator.gpkg");
        std::fs::copy(GDAL, &path).unwrap();
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857, \
                 'PROJCS[\"WGS 84 / Pseudo-Mercator\",PROJECTION[\"Mercator_1SP\"]]', NULL); \
                 UPDATE gpkg_geometry_columns SET srs_id = 3857 WHERE table_name = 'epci_63';",
            )
            .unwrap();
        let text = read_layer(&path, Some("epci_63"), "siren", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("mercator.gpkg") && text.contains("non pris en charge"),
            "{text}"
        );
    }

    #[test]
    fn a_broken_geometry_header_is_explained() {
        assert!(wkb_part(b"GP\0\x01").is_err());
        assert_eq!(
            wkb_part(b"XX\0\x01\0\0\0\0\x01").unwrap_err(),
            "géométrie au format GeoPackage attendue (en-tête « GP » absent)"
        );
        assert_eq!(wkb_part(b"GP\0\x11\0\0\0\0").unwrap_err(), "géométrie vide");
        assert!(
            wkb_part(b"GP\0\x0b\0\0\0\0\x01")
                .unwrap_err()
                .contains("enveloppe n° 5")
        );
    }
}

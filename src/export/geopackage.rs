//! GeoPackage export (OGC GeoPackage 1.4): one feature layer named after the file, in the map's
//! projected system, read by QGIS and ArcGIS as it is.
//!
//! The database is built in memory and written as one file, whole or not at all; its bytes depend on
//! the features only (the one date GeoPackage asks for is fixed), so a rerun gives the same file.

use std::path::Path;

use rusqlite::{Connection, MAIN_DB, params_from_iter};

use super::features::{AttrValue, ExportFeature, columns};
use super::write_atomic;
use crate::error::{Error, Result};
use crate::geometry::{Crs, extent, quoted};

/// `GPKG` in ASCII, the application id that marks an SQLite file as a GeoPackage.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.4.0.
const USER_VERSION: i32 = 10400;
/// `gpkg_contents.last_change` is required; the day of the run would change the bytes from one day
/// to the next. 1 January 1980, as the Shapefile export and reproducible archives do.
const FIXED_DATE: &str = "1980-01-01T00:00:00.000Z";

/// The tables every GeoPackage holds (GeoPackage 1.4, tables 18 to 20, as written by GDAL).
const CORE_TABLES: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL, min_x DOUBLE, min_y DOUBLE,
  max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
";

/// Writes the features as a GeoPackage of one polygon layer named after the file (`carte.gpkg` →
/// `carte`), in `crs` (coordinates as given), with the columns `code`, `nom`, then the attributes
/// in their order under their own names (numbers as REAL, missing or secret as NULL).
pub fn write_geopackage(path: &Path, rows: &[ExportFeature], crs: Crs) -> Result<()> {
    let names = columns(path, rows)?;
    let layer = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "couche".into());
    let fail = |e: rusqlite::Error| {
        Error::new("écriture du GeoPackage impossible")
            .file(path)
            .cause(e)
    };
    let mut db = Connection::open_in_memory().map_err(fail)?;
    db.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};{CORE_TABLES}"
    ))
    .map_err(fail)?;
    let srs_id = crs.epsg();
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
        rusqlite::params![crs.name(), srs_id, crs.wkt()],
    )
    .map_err(fail)?;
    let kinds: Vec<&str> = rows.first().map_or(Vec::new(), |row| {
        row.attributes
            .iter()
            .map(|(_, v)| match v {
                AttrValue::Number(_) => "REAL",
                AttrValue::Text(_) => "TEXT",
            })
            .collect()
    });
    let attributes: String = names
        .iter()
        .zip(&kinds)
        .map(|(name, kind)| format!(", {} {kind}", quoted(name)))
        .collect();
    db.execute_batch(&format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON, code TEXT, nom TEXT{attributes});",
        quoted(&layer)
    ))
    .map_err(fail)?;
    let extent = extent(rows.iter().map(|r| &r.geometry));
    db.execute(
        "INSERT INTO gpkg_contents VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            layer,
            FIXED_DATE,
            extent.map(|r| r.min().x),
            extent.map(|r| r.min().y),
            extent.map(|r| r.max().x),
            extent.map(|r| r.max().y),
            srs_id
        ],
    )
    .map_err(fail)?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'MULTIPOLYGON', ?2, 0, 0)",
        rusqlite::params![layer, srs_id],
    )
    .map_err(fail)?;
    let insert = format!(
        "INSERT INTO {} VALUES (NULL{})",
        quoted(&layer),
        ", ?".repeat(3 + names.len())
    );
    let transaction = db.transaction().map_err(fail)?;
    {
        let mut statement = transaction.prepare(&insert).map_err(fail)?;
        for row in rows {
            let geometry = geometry_blob(row, srs_id).map_err(|why| {
                Error::new(format!("écriture du GeoPackage impossible : {why}"))
                    .file(path)
                    .code(&row.code)
            })?;
            let mut values: Vec<rusqlite::types::Value> = vec![
                geometry.into(),
                row.code.clone().into(),
                row.name.clone().into(),
            ];
            values.extend(row.attributes.iter().map(|(_, v)| match v {
                AttrValue::Text(t) => t.clone().into(),
                AttrValue::Number(_) => v.finite().into(),
            }));
            statement.execute(params_from_iter(values)).map_err(fail)?;
        }
    }
    transaction.commit().map_err(fail)?;
    let bytes = db.serialize(MAIN_DB).map_err(fail)?;
    write_atomic(path, &bytes)
}

/// The GeoPackage binary of a feature's shape: `GP`, version 0, flags (little-endian, XY envelope),
/// the system, the envelope (min x, max x, min y, max y), then the shape as little-endian WKB.
fn geometry_blob(row: &ExportFeature, srs_id: u32) -> std::result::Result<Vec<u8>, String> {
    use geo::BoundingRect;
    let rect = row
        .geometry
        .bounding_rect()
        .ok_or_else(|| "géométrie vide".to_string())?;
    let mut blob = vec![b'G', b'P', 0, 0b0000_0011];
    blob.extend_from_slice(&(srs_id as i32).to_le_bytes());
    for v in [rect.min().x, rect.max().x, rect.min().y, rect.max().y] {
        blob.extend_from_slice(&v.to_le_bytes());
    }
    let options = wkb::writer::WriteOptions {
        endianness: wkb::Endianness::LittleEndian,
    };
    wkb::writer::write_geometry(&mut blob, &row.geometry, &options).map_err(|e| e.to_string())?;
    Ok(blob)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::features::tests::{puy_de_dome, sample};
    use crate::geometry::read_layer;

    #[test]
    fn a_layer_is_read_back_with_its_codes_shapes_names_and_system() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("couverture.gpkg");
        let rows = sample();
        write_geopackage(&path, &rows, Crs::Lambert93).unwrap();
        let layer = read_layer(&path, None, "code", Some("nom")).unwrap();
        assert_eq!(layer.crs, Crs::Lambert93);
        assert_eq!(layer.features.len(), 2);
        for (read, written) in layer.features.iter().zip(&rows) {
            assert_eq!(read.code, written.code);
            assert_eq!(read.name.as_deref(), Some(written.name.as_str()));
            assert_eq!(read.geometry, written.geometry);
        }
        // Attributes under their own names, a secret value as NULL beside its status.
        let db = Connection::open(&path).unwrap();
        let (rate, status): (Option<f64>, String) = db
            .query_row(
                "SELECT taux_couverture_2023, statut FROM couverture WHERE code = '63124'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((rate, status.as_str()), (None, "secret"));
        let class: String = db
            .query_row(
                "SELECT classe FROM couverture WHERE code = '63113'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(class, "Q1 « haut » \"a\\b\"");
        let (app, version): (i32, i32) = db
            .query_row(
                "SELECT application_id, user_version FROM pragma_application_id, pragma_user_version",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((app, version), (APPLICATION_ID, USER_VERSION));
    }

    #[test]
    fn a_rerun_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.gpkg"), dir.path().join("b/a.gpkg"));
        std::fs::create_dir(dir.path().join("b")).unwrap();
        let rows = puy_de_dome();
        write_geopackage(&a, &rows, Crs::Lambert93).unwrap();
        write_geopackage(&b, &rows, Crs::Lambert93).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let layer = read_layer(&a, None, "code", Some("nom")).unwrap();
        assert_eq!(layer.features.len(), 467);
    }

    #[test]
    fn a_drom_layer_keeps_its_utm_zone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guadeloupe.gpkg");
        let utm20 = Crs::Utm {
            zone: 20,
            south: false,
        };
        let mut rows = sample();
        for row in &mut rows {
            use geo::MapCoordsInPlace;
            row.geometry
                .map_coords_in_place(|c| geo::coord! { x: c.x - 50_000.0, y: c.y - 4_700_000.0 });
        }
        write_geopackage(&path, &rows, utm20).unwrap();
        assert_eq!(read_layer(&path, None, "code", None).unwrap().crs, utm20);
    }
}

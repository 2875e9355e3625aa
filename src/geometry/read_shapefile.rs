//! Shapefile reader: shapes from `.shp`, attributes from `.dbf`, system from `.prj`.

use std::path::Path;

use geo::MultiPolygon;
use shapefile::Shape;
use shapefile::dbase::FieldValue;

use super::code::{Collector, RawCode, geometry_error};
use super::wkt::{crs_of_wkt, unsupported_crs};
use super::{Crs, Layer, resolve_crs};
use crate::error::{Error, Result};

/// Reads a polygon Shapefile. The `.prj`, when present, tells the system (WGS84 or
/// Lambert-93); without it the system is guessed from the coordinates.
pub fn read_shapefile(
    path: &Path,
    code_property: &str,
    name_property: Option<&str>,
) -> Result<Layer> {
    let mut reader = shapefile::Reader::from_path(path).map_err(|e| shp_error(path, e))?;
    let capacity = reader.shape_count().unwrap_or(0);
    let mut collector = Collector::new(path, code_property, capacity);
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let number = i + 1;
        let (shape, record) = item.map_err(|e| {
            let err = shp_error(path, e);
            Error::new(format!("entité n° {number} : {}", err.message)).file(path)
        })?;
        let fields = record.as_ref();
        let raw = match fields.get(code_property) {
            Some(FieldValue::Character(Some(s)) | FieldValue::Memo(s)) => RawCode::Text(s),
            Some(
                FieldValue::Numeric(Some(n)) | FieldValue::Double(n) | FieldValue::Currency(n),
            ) => RawCode::Number(*n),
            Some(FieldValue::Float(Some(n))) => RawCode::Number(f64::from(*n)),
            Some(FieldValue::Integer(n)) => RawCode::Number(f64::from(*n)),
            _ => RawCode::Missing,
        };
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.sort_unstable();
        let code = collector.code(number, raw, names.into_iter())?;
        let name = name_property.and_then(|p| match fields.get(p) {
            Some(FieldValue::Character(Some(s)) | FieldValue::Memo(s)) => {
                Some(s.trim().to_string())
            }
            _ => None,
        });
        let geometry = match shape {
            Shape::Polygon(p) => MultiPolygon::try_from(p),
            Shape::PolygonM(p) => MultiPolygon::try_from(p),
            Shape::PolygonZ(p) => MultiPolygon::try_from(p),
            Shape::NullShape => {
                return Err(geometry_error(
                    path,
                    number,
                    &code,
                    "géométrie absente (forme nulle)",
                ));
            }
            other => {
                let what = format!(
                    "géométrie de type {}, un polygone est attendu",
                    other.shapetype()
                );
                return Err(geometry_error(path, number, &code, &what));
            }
        }
        .map_err(|e| geometry_error(path, number, &code, &format!("polygone invalide : {e}")))?;
        collector.push(number, code, name, geometry)?;
    }
    let features = collector.into_features();
    let declared = declared_crs(path)?;
    Ok(Layer {
        source: path.to_path_buf(),
        crs: resolve_crs(path, declared, &features)?,
        features,
    })
}

fn shp_error(path: &Path, err: shapefile::Error) -> Error {
    match err {
        shapefile::Error::IoError(e) => Error::io(path, e),
        shapefile::Error::MissingDbf => Error::new("fichier .dbf des attributs introuvable")
            .file(path)
            .hint("un Shapefile se compose d'au moins trois fichiers de même nom : .shp, .shx et .dbf"),
        e => Error::new("Shapefile illisible (fichier .shp, .shx ou .dbf abîmé ou tronqué)")
            .file(path)
            .hint("ouvrez-le dans QGIS et réenregistrez-le, ou donnez-le en GeoJSON")
            .cause(e),
    }
}

/// The system the `.prj` (WKT) declares; `None` without a `.prj`.
fn declared_crs(path: &Path) -> Result<Option<Crs>> {
    let prj = path.with_extension("prj");
    match std::fs::read_to_string(&prj) {
        Ok(wkt) => crs_of_wkt(&wkt)
            .map(Some)
            .ok_or_else(|| unsupported_crs(&prj)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&prj, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::read_layer;
    use geo::{Area, polygon};

    use shapefile::dbase::{Record, TableWriterBuilder};
    use std::path::PathBuf;

    const LAMBERT93_PRJ: &str = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

    /// Writes `communes.shp` (+ .shx, .dbf) with a numeric `INSEE_COM` and a `NOM` field.
    fn write_communes(dir: &Path, shapes: &[(f64, &str, geo::Polygon<f64>)]) -> PathBuf {
        let path = dir.join("communes.shp");
        let table = TableWriterBuilder::new()
            .add_numeric_field("INSEE_COM".try_into().unwrap(), 9, 0)
            .add_character_field("NOM".try_into().unwrap(), 50);
        let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
        for (code, name, polygon) in shapes {
            let mut record = Record::default();
            record.insert("INSEE_COM".into(), FieldValue::Numeric(Some(*code)));
            record.insert("NOM".into(), FieldValue::Character(Some(name.to_string())));
            writer
                .write_shape_and_record(&shapefile::Polygon::from(polygon.clone()), &record)
                .unwrap();
        }
        path
    }

    fn lambert_square(x: f64, y: f64) -> geo::Polygon<f64> {
        polygon![(x: x, y: y), (x: x, y: y + 1000.0), (x: x + 1000.0, y: y + 1000.0), (x: x + 1000.0, y: y), (x: x, y: y)]
    }

    #[test]
    fn reads_shapes_attributes_and_prj() {
        let dir = tempfile::tempdir().unwrap();
        let holed = polygon!(
            exterior: [(x: 700_000.0, y: 6_500_000.0), (x: 700_000.0, y: 6_503_000.0), (x: 703_000.0, y: 6_503_000.0), (x: 703_000.0, y: 6_500_000.0), (x: 700_000.0, y: 6_500_000.0)],
            interiors: [[(x: 701_000.0, y: 6_501_000.0), (x: 702_000.0, y: 6_501_000.0), (x: 702_000.0, y: 6_502_000.0), (x: 701_000.0, y: 6_502_000.0), (x: 701_000.0, y: 6_501_000.0)]],
        );
        let path = write_communes(
            dir.path(),
            &[
                (
                    1001.0,
                    "L'Abergement-Clémenciat",
                    lambert_square(690_000.0, 6_500_000.0),
                ),
                (63113.0, "Clermont-Ferrand", holed),
            ],
        );
        std::fs::write(path.with_extension("prj"), LAMBERT93_PRJ).unwrap();
        let layer = read_layer(&path, None, "INSEE_COM", Some("NOM")).unwrap();
        assert_eq!(layer.crs, Crs::Lambert93);
        let codes: Vec<&str> = layer.features.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["01001", "63113"]);
        assert_eq!(
            layer.features[0].name.as_deref(),
            Some("L'Abergement-Clémenciat")
        );
        let clermont = &layer.features[1].geometry;
        assert_eq!(clermont.0[0].interiors().len(), 1);
        assert!((clermont.unsigned_area() - 8e6).abs() < 1e-3);
    }

    #[test]
    fn without_prj_degrees_are_taken_as_wgs84() {
        let dir = tempfile::tempdir().unwrap();
        let square = polygon![(x: 3.0, y: 45.7), (x: 3.0, y: 45.8), (x: 3.1, y: 45.8), (x: 3.1, y: 45.7), (x: 3.0, y: 45.7)];
        let path = write_communes(dir.path(), &[(63113.0, "Clermont-Ferrand", square)]);
        assert_eq!(
            read_shapefile(&path, "INSEE_COM", None).unwrap().crs,
            Crs::Wgs84
        );
    }

    #[test]
    fn wkt2_lambert93_is_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_communes(
            dir.path(),
            &[(63113.0, "Clermont", lambert_square(700_000.0, 6_500_000.0))],
        );
        let wkt2 = r#"PROJCRS["RGF93 v1 / Lambert-93",BASEGEOGCRS["RGF93 v1",DATUM["Reseau Geodesique Francais 1993 v1",ELLIPSOID["GRS 1980",6378137,298.257222101,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4171]],CONVERSION["Lambert-93",METHOD["Lambert Conic Conformal (2SP)",ID["EPSG",9802]],PARAMETER["Latitude of false origin",46.5,ANGLEUNIT["degree",0.0174532925199433]],PARAMETER["Longitude of false origin",3,ANGLEUNIT["degree",0.0174532925199433]],PARAMETER["Latitude of 1st standard parallel",49,ANGLEUNIT["degree",0.0174532925199433]],PARAMETER["Latitude of 2nd standard parallel",44,ANGLEUNIT["degree",0.0174532925199433]],PARAMETER["Easting at false origin",700000,LENGTHUNIT["metre",1]],PARAMETER["Northing at false origin",6600000,LENGTHUNIT["metre",1]]],CS[Cartesian,2],AXIS["easting (X)",east,ORDER[1],LENGTHUNIT["metre",1]],AXIS["northing (Y)",north,ORDER[2],LENGTHUNIT["metre",1]],ID["EPSG",2154]]"#;
        std::fs::write(path.with_extension("prj"), wkt2).unwrap();
        assert_eq!(
            read_layer(&path, None, "INSEE_COM", None).unwrap().crs,
            Crs::Lambert93
        );
    }

    #[test]
    fn foreign_projection_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_communes(
            dir.path(),
            &[(
                63113.0,
                "Clermont-Ferrand",
                lambert_square(700_000.0, 6_500_000.0),
            )],
        );
        std::fs::write(
            path.with_extension("prj"),
            r#"PROJCS["WGS_84_Pseudo_Mercator",GEOGCS["GCS_WGS_1984"],PROJECTION["Mercator"]]"#,
        )
        .unwrap();
        let text = read_shapefile(&path, "INSEE_COM", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("communes.prj") && text.contains("non pris en charge"),
            "{text}"
        );
    }

    #[test]
    fn points_are_refused_with_feature_and_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mairies.shp");
        let table = TableWriterBuilder::new().add_character_field("CODE".try_into().unwrap(), 5);
        let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
        let mut record = Record::default();
        record.insert("CODE".into(), FieldValue::Character(Some("63113".into())));
        writer
            .write_shape_and_record(&shapefile::Point::new(3.08, 45.78), &record)
            .unwrap();
        drop(writer);
        let text = read_shapefile(&path, "CODE", None).unwrap_err().to_string();
        assert!(
            text.contains("mairies.shp") && text.contains("entité n° 1"),
            "{text}"
        );
        assert!(text.contains("63113") && text.contains("Point"), "{text}");
    }

    #[test]
    fn missing_code_field_lists_the_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_communes(
            dir.path(),
            &[(
                63113.0,
                "Clermont-Ferrand",
                lambert_square(700_000.0, 6_500_000.0),
            )],
        );
        let text = read_shapefile(&path, "CODE_INSEE", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("communes.shp") && text.contains("entité n° 1"),
            "{text}"
        );
        assert!(text.contains("INSEE_COM, NOM"), "{text}");
    }

    #[test]
    fn missing_dbf_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_communes(
            dir.path(),
            &[(
                63113.0,
                "Clermont-Ferrand",
                lambert_square(700_000.0, 6_500_000.0),
            )],
        );
        std::fs::remove_file(path.with_extension("dbf")).unwrap();
        let text = read_shapefile(&path, "INSEE_COM", None)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("communes.shp") && text.contains(".dbf"),
            "{text}"
        );
    }
}

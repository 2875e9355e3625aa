//! Territory shapes: GeoJSON and Shapefile in, `geo` types inside, reprojection to
//! Lambert-93 (EPSG:2154) and back to WGS84, dissolving communes into EPCI, simplification
//! for display, DROM insets for national maps.
//!
//! Every reader returns a [`Layer`] whose features carry a normalised code (see
//! [`Feature::code`]); codes are unique within a layer and every geometry is areal.
//! Messages number features from 1 in file order ("entité n° 1" is the first).

mod code;
mod dissolve;
mod insets;
mod project;
mod read_geojson;
mod read_geopackage;
mod read_shapefile;
mod simplify;
mod wgs84;
mod wkt;

use std::path::{Path, PathBuf};

use geo::{BoundingRect, MultiPolygon, Rect};

use crate::error::{Error, Result};

pub use dissolve::{DissolveReport, dissolve};
pub use insets::{InsetFrame, MapCrs, drom_insets, map_crs, project_for_map};
pub use project::{to_crs, to_lambert93};
pub use read_geojson::read_geojson;
pub(crate) use read_geopackage::quoted;
pub use read_geopackage::read_geopackage;
pub use read_shapefile::read_shapefile;
pub use simplify::simplify;
pub use wgs84::ToWgs84;

/// A territory shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Normalised code: a commune is 5 characters, zero-padded ("01001", "2A004"); an EPCI
    /// is its 9-digit SIREN.
    pub code: String,
    pub name: Option<String>,
    pub geometry: MultiPolygon<f64>,
}

/// The coordinate reference systems the engine works with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// Longitude and latitude in degrees (GeoJSON's RFC 7946 default).
    Wgs84,
    /// RGF93 / Lambert-93 (EPSG:2154), in metres: the map projection of French statistics.
    Lambert93,
    /// A UTM zone, in metres: the official projections of the DROM (RGAF09 / UTM 20N for
    /// Guadeloupe and Martinique, RGFG95 / UTM 22N for Guyane, RGR92 / UTM 40S for La
    /// Réunion, RGM04 / UTM 38S for Mayotte).
    Utm { zone: u8, south: bool },
}

impl Crs {
    /// The system's name in messages.
    pub fn name(self) -> String {
        match self {
            Crs::Wgs84 => "WGS84 (longitude, latitude)".to_string(),
            Crs::Lambert93 => "Lambert-93 (EPSG:2154)".to_string(),
            Crs::Utm { zone, south } => format!("UTM {zone}{}", if south { "S" } else { "N" }),
        }
    }
}

/// The shapes read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub source: PathBuf,
    pub crs: Crs,
    pub features: Vec<Feature>,
}

impl Layer {
    /// Each feature's shape, by its code.
    pub fn shapes_by_code(&self) -> std::collections::HashMap<&str, &MultiPolygon<f64>> {
        self.features
            .iter()
            .map(|f| (f.code.as_str(), &f.geometry))
            .collect()
    }
}

/// Reads a GeoJSON (`.geojson`, `.json`, optionally gzipped), a Shapefile (`.shp`) or a layer of a
/// GeoPackage (`.gpkg`).
///
/// `layer` names the GeoPackage layer (needed when the file has several); `code_property` names the
/// attribute holding the territory code, `name_property` the optional one holding its name.
pub fn read_layer(
    path: &Path,
    layer: Option<&str>,
    code_property: &str,
    name_property: Option<&str>,
) -> Result<Layer> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let is = |suffix: &str| file_name.ends_with(suffix);
    if is(".gpkg") {
        return read_geopackage(path, layer, code_property, name_property);
    }
    if let Some(layer) = layer {
        return Err(Error::new(format!(
            "couche « {layer} » demandée dans un fichier qui n'est pas un GeoPackage"
        ))
        .file(path)
        .hint("seul un GeoPackage (.gpkg) a plusieurs couches : retirez le nom de couche"));
    }
    if is(".geojson") || is(".json") || is(".geojson.gz") || is(".json.gz") {
        read_geojson(path, code_property, name_property)
    } else if is(".shp") {
        read_shapefile(path, code_property, name_property)
    } else {
        Err(Error::new("format de fichier de contours non reconnu")
            .file(path)
            .hint("formats acceptés : .geojson, .json, .geojson.gz (GeoJSON), .shp (Shapefile) et .gpkg (GeoPackage)"))
    }
}

/// The rectangle enclosing all the features, or `None` when there is no coordinate at all.
pub fn bounds(features: &[Feature]) -> Option<Rect<f64>> {
    extent(features.iter().map(|f| &f.geometry))
}

/// The rectangle enclosing all the shapes, or `None` when there is no coordinate at all.
pub fn extent<'a>(shapes: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Option<Rect<f64>> {
    shapes
        .into_iter()
        .filter_map(|shape| shape.bounding_rect())
        .reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
}

impl Crs {
    /// Guesses the system from the coordinates' range: degrees fit in ±180/±90, Lambert-93
    /// metres in its metropolitan extent; other projections match neither.
    pub fn guess(bounds: Rect<f64>) -> Option<Crs> {
        let (min, max) = (bounds.min(), bounds.max());
        if min.x >= -180.0 && max.x <= 180.0 && min.y >= -90.0 && max.y <= 90.0 {
            Some(Crs::Wgs84)
        } else if min.x >= 0.0 && max.x <= 1.3e6 && min.y >= 6.0e6 && max.y <= 7.2e6 {
            Some(Crs::Lambert93)
        } else {
            None
        }
    }
}

/// Decides a layer's system from what the file declares, else from its coordinates. A declaration the
/// coordinates contradict (EPSG:2154 over degrees, WGS84 over metres) is an error: believing it would draw a
/// map from the wrong numbers.
fn resolve_crs(path: &Path, declared: Option<Crs>, features: &[Feature]) -> Result<Crs> {
    let found = bounds(features);
    if let (Some(crs), Some(rect)) = (declared, found) {
        let in_degrees = Crs::guess(rect) == Some(Crs::Wgs84);
        let contradiction = match crs {
            Crs::Wgs84 if !in_degrees => Some(format!(
                "{}, mais ses coordonnées sortent de ±180° et ±90°",
                crs.name()
            )),
            Crs::Wgs84 => None,
            _ if in_degrees => Some(format!(
                "{}, en mètres, mais ses coordonnées sont des degrés",
                crs.name()
            )),
            _ => None,
        };
        if let Some(what) = contradiction {
            return Err(Error::new(format!(
                "le fichier se déclare en {what} (de {:.3}, {:.3} à {:.3}, {:.3})",
                rect.min().x,
                rect.min().y,
                rect.max().x,
                rect.max().y
            ))
            .file(path)
            .hint("corrigez la déclaration du système (membre « crs » du GeoJSON, fichier .prj) ou retirez-la"));
        }
    }
    if let Some(crs) = declared {
        return Ok(crs);
    }
    match found {
        None => Ok(Crs::Wgs84),
        Some(rect) => Crs::guess(rect).ok_or_else(|| {
            Error::new(format!(
                "système de coordonnées inconnu (coordonnées de {:.0}, {:.0} à {:.0}, {:.0})",
                rect.min().x,
                rect.min().y,
                rect.max().x,
                rect.max().y
            ))
            .file(path)
            .hint("fournissez les contours en WGS84 (longitude, latitude) ou en Lambert-93 (EPSG:2154)")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use std::collections::HashMap;

    pub(super) fn square(x: f64, y: f64, side: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y),
            (x: x + side, y: y),
            (x: x + side, y: y + side),
            (x: x, y: y + side),
            (x: x, y: y),
        ]])
    }

    /// `key → value` for two properties of every feature of a real GeoJSON file (a
    /// non-string value as its JSON text).
    pub(super) fn property_pairs(path: &str, key: &str, value: &str) -> HashMap<String, String> {
        let text = std::fs::read_to_string(path).unwrap();
        let geojson::GeoJson::FeatureCollection(fc) = text.parse().unwrap() else {
            panic!("{path} is not a FeatureCollection")
        };
        let text_of = |f: &geojson::Feature, k: &str| match f.property(k).unwrap() {
            geojson::JsonValue::String(s) => s.clone(),
            other => other.to_string(),
        };
        fc.features
            .iter()
            .map(|f| (text_of(f, key), text_of(f, value)))
            .collect()
    }

    fn feature(code: &str, geometry: MultiPolygon<f64>) -> Feature {
        Feature {
            code: code.into(),
            name: None,
            geometry,
        }
    }

    #[test]
    fn bounds_cover_every_feature() {
        let features = [
            feature("01001", square(0.0, 0.0, 1.0)),
            feature("01002", square(2.0, -1.0, 1.0)),
        ];
        let rect = bounds(&features).unwrap();
        assert_eq!((rect.min().x, rect.min().y), (0.0, -1.0));
        assert_eq!((rect.max().x, rect.max().y), (3.0, 1.0));
        assert_eq!(bounds(&[]), None);
    }

    #[test]
    fn crs_is_guessed_from_coordinates() {
        let degrees = bounds(&[feature("a", square(2.0, 45.0, 1.0))]).unwrap();
        assert_eq!(Crs::guess(degrees), Some(Crs::Wgs84));
        let metres = bounds(&[feature("a", square(652_000.0, 6_862_000.0, 1000.0))]).unwrap();
        assert_eq!(Crs::guess(metres), Some(Crs::Lambert93));
        let mercator = bounds(&[feature("a", square(261_000.0, 6_250_000.0, 1e6))]).unwrap();
        assert_eq!(Crs::guess(mercator), None);
    }

    #[test]
    fn unknown_extension_is_an_error_with_a_hint() {
        let err = read_layer(Path::new("contours/communes.kml"), None, "code", None).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("contours/communes.kml"), "{text}");
        assert!(text.contains(".shp") && text.contains(".geojson"), "{text}");
    }
}

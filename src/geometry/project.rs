//! Reprojection to Lambert-93, in pure Rust (proj4rs: no PROJ library to install).

use geo::{Coord, MapCoordsInPlace};
use proj4rs::Proj;

use super::{bounds, Crs, Layer};
use crate::error::{Error, Result};

/// RGF93 / Lambert-93 (EPSG:2154). RGF93 and WGS84 are taken as the same datum, as PROJ
/// does for EPSG:4326 → 2154: the difference is below the metre.
pub(super) const LAMBERT93: &str =
    "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 \
                         +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
pub(super) const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// Reprojects a layer to Lambert-93. A layer already in Lambert-93 (declared so, or whose
/// coordinates are clearly Lambert-93 metres) is returned as is.
pub fn to_lambert93(mut layer: Layer) -> Result<Layer> {
    if layer.crs == Crs::Lambert93
        || bounds(&layer.features).and_then(Crs::guess) == Some(Crs::Lambert93)
    {
        layer.crs = Crs::Lambert93;
        return Ok(layer);
    }
    let projector = Projector::new();
    for feature in &mut layer.features {
        feature
            .geometry
            .try_map_coords_in_place(|c| projector.project(c).ok_or(c))
            .map_err(|c| {
                Error::new(format!(
                    "coordonnée ({}, {}) impossible à projeter en Lambert-93",
                    c.x, c.y
                ))
                .file(&layer.source)
                .code(&feature.code)
                .hint("les coordonnées doivent être des longitudes et latitudes en degrés (WGS84)")
            })?;
    }
    layer.crs = Crs::Lambert93;
    Ok(layer)
}

/// The two systems, parsed once per layer rather than once per point.
struct Projector {
    wgs84: Proj,
    lambert93: Proj,
}

impl Projector {
    fn new() -> Self {
        let parse = |s| Proj::from_proj_string(s).expect("constant proj string is valid");
        Projector {
            wgs84: parse(WGS84),
            lambert93: parse(LAMBERT93),
        }
    }

    /// Longitude/latitude in degrees → Lambert-93 metres; `None` out of the valid range.
    fn project(&self, c: Coord<f64>) -> Option<Coord<f64>> {
        if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
            return None;
        }
        // proj4rs works in radians on geographic coordinates.
        let mut xy = (c.x.to_radians(), c.y.to_radians());
        proj4rs::transform::transform(&self.wgs84, &self.lambert93, &mut xy).ok()?;
        Some(Coord { x: xy.0, y: xy.1 }).filter(|p| p.x.is_finite() && p.y.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Feature;
    use geo::{Area, MultiPolygon};

    fn layer(crs: Crs, geometry: MultiPolygon<f64>) -> Layer {
        Layer {
            source: "contours.geojson".into(),
            crs,
            features: vec![Feature {
                code: "75056".into(),
                name: None,
                geometry,
            }],
        }
    }

    #[test]
    fn paris_lands_where_ign_puts_it() {
        let p = Projector::new()
            .project(Coord {
                x: 2.3522,
                y: 48.8566,
            })
            .unwrap();
        assert!((p.x - 652_469.0).abs() < 3.0, "{p:?}");
        assert!((p.y - 6_862_035.0).abs() < 3.0, "{p:?}");
    }

    #[test]
    fn a_degree_square_becomes_metres() {
        let square = crate::geometry::tests::square(2.0, 46.0, 0.01);
        let out = to_lambert93(layer(Crs::Wgs84, square)).unwrap();
        assert_eq!(out.crs, Crs::Lambert93);
        // 0.01° × 0.01° at 46° N ≈ 1 112 m × 773 m.
        let area = out.features[0].geometry.unsigned_area();
        assert!((area - 1_112.0 * 773.0).abs() < 0.01 * area, "{area}");
    }

    #[test]
    fn lambert93_input_is_left_alone() {
        let square = crate::geometry::tests::square(652_000.0, 6_862_000.0, 1000.0);
        // Declared WGS84 by mistake, but the coordinates are plainly Lambert-93 metres.
        let out = to_lambert93(layer(Crs::Wgs84, square.clone())).unwrap();
        assert_eq!(out.crs, Crs::Lambert93);
        assert_eq!(out.features[0].geometry, square);
    }

    #[test]
    fn unprojectable_coordinate_names_the_feature() {
        let square = crate::geometry::tests::square(2.0, 89.99, 0.5);
        let err = to_lambert93(layer(Crs::Wgs84, square)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("contours.geojson"), "{text}");
        assert!(text.contains("75056"), "{text}");
        assert!(text.contains("90.49"), "{text}");
    }
}

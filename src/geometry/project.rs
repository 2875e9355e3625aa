//! Reprojection between longitude and latitude and the map systems (Lambert-93, the UTM zones
//! of the DROM), in pure Rust (proj4rs: no PROJ library to install).

use geo::{Coord, MapCoordsInPlace};
use proj4rs::Proj;

use super::{Crs, Layer, bounds};
use crate::error::{Error, Result};

/// RGF93 / Lambert-93 (EPSG:2154). RGF93 and WGS84 are taken as the same datum, as PROJ
/// does for EPSG:4326 → 2154: the difference is below the metre.
pub(super) const LAMBERT93: &str = "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 \
                         +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs";
pub(super) const WGS84: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// Lambert-93 as a `.prj` file writes it (ESRI WKT).
const LAMBERT93_WKT: &str = r#"PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

impl Crs {
    /// The system of an EPSG code, among those diagterr knows: WGS84 and the datums within a
    /// metre of it (RGF93, ETRS89), Lambert-93, and the UTM zones (those of the DROM by their
    /// French datums: RGAF09 / UTM 20N, RGFG95 / UTM 22N, RGR92 / UTM 40S, RGM04 / UTM 38S; any
    /// WGS 84 / UTM zone).
    pub fn from_epsg(code: u32) -> Option<Crs> {
        let utm = |zone: u32, south: bool| Crs::Utm {
            zone: zone as u8,
            south,
        };
        match code {
            4326 | 4171 | 4258 | 4965 => Some(Crs::Wgs84),
            2154 => Some(Crs::Lambert93),
            5490 | 4559 => Some(utm(20, false)),
            2972 => Some(utm(22, false)),
            2975 => Some(utm(40, true)),
            4471 => Some(utm(38, true)),
            32601..=32660 => Some(utm(code - 32600, false)),
            32701..=32760 => Some(utm(code - 32700, true)),
            _ => None,
        }
    }

    /// The EPSG code of the system, the inverse of [`Crs::from_epsg`] (a DROM's zone by its French datum).
    pub fn epsg(self) -> u32 {
        match self {
            Crs::Wgs84 => 4326,
            Crs::Lambert93 => 2154,
            Crs::Utm {
                zone: 20,
                south: false,
            } => 5490,
            Crs::Utm {
                zone: 22,
                south: false,
            } => 2972,
            Crs::Utm {
                zone: 40,
                south: true,
            } => 2975,
            Crs::Utm {
                zone: 38,
                south: true,
            } => 4471,
            Crs::Utm { zone, south } => u32::from(zone) + if south { 32700 } else { 32600 },
        }
    }

    /// The PROJ definition of the system (the overseas datums, like RGF93, within a metre of WGS84).
    pub(super) fn proj(self) -> String {
        match self {
            Crs::Wgs84 => WGS84.to_string(),
            Crs::Lambert93 => LAMBERT93.to_string(),
            Crs::Utm { zone, south } => format!(
                "+proj=utm +zone={zone}{} +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs",
                if south { " +south" } else { "" }
            ),
        }
    }

    /// The system as a Shapefile's `.prj` says it (ESRI WKT).
    pub fn wkt(self) -> String {
        match self {
            Crs::Wgs84 => r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#.to_string(),
            Crs::Lambert93 => LAMBERT93_WKT.to_string(),
            Crs::Utm { zone, south } => format!(
                r#"PROJCS["{}_UTM_Zone_{zone}{}",GEOGCS["GCS_{}",DATUM["D_{}",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",{}],PARAMETER["Central_Meridian",{}.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
                self.datum(),
                if south { "S" } else { "N" },
                self.datum(),
                self.datum(),
                if south { "10000000.0" } else { "0.0" },
                i32::from(zone) * 6 - 183
            ),
        }
    }

    /// The geodetic system of the official projection of the territory.
    fn datum(self) -> &'static str {
        match self {
            Crs::Wgs84 => "WGS_1984",
            Crs::Lambert93 => "RGF_1993",
            Crs::Utm { zone: 20 | 22, .. } => "RGAF09",
            Crs::Utm { zone: 40, .. } => "RGR92",
            Crs::Utm { zone: 38, .. } => "RGM04",
            Crs::Utm { .. } => "WGS_1984",
        }
    }
}

/// Reprojects a layer to Lambert-93: see [`to_crs`].
pub fn to_lambert93(layer: Layer) -> Result<Layer> {
    to_crs(layer, Crs::Lambert93)
}

/// Reprojects a layer to `target`, from longitude and latitude or from another of the map
/// systems (a Shapefile of Guadeloupe in UTM 20N). A layer already in `target` is returned as
/// is, and so is one declared WGS84 whose coordinates are plainly Lambert-93 metres when
/// `target` is Lambert-93.
pub fn to_crs(mut layer: Layer, target: Crs) -> Result<Layer> {
    let guessed = bounds(&layer.features).and_then(Crs::guess);
    if layer.crs == target
        || (target == Crs::Lambert93 && layer.crs == Crs::Wgs84 && guessed == Some(Crs::Lambert93))
    {
        layer.crs = target;
        return Ok(layer);
    }
    let projector = Projector::new(layer.crs, target);
    for feature in &mut layer.features {
        feature
            .geometry
            .try_map_coords_in_place(|c| projector.project(c).ok_or(c))
            .map_err(|c| {
                Error::new(format!(
                    "coordonnée ({}, {}) impossible à projeter en {}",
                    c.x,
                    c.y,
                    target.name()
                ))
                .file(&layer.source)
                .code(&feature.code)
                .hint(format!(
                    "les coordonnées doivent être en {}",
                    layer.crs.name()
                ))
            })?;
    }
    layer.crs = target;
    Ok(layer)
}

/// The two systems, parsed once per layer rather than once per point.
struct Projector {
    source: (Crs, Proj),
    target: (Crs, Proj),
}

impl Projector {
    fn new(source: Crs, target: Crs) -> Self {
        let parse = |crs: Crs| {
            let proj = Proj::from_proj_string(&crs.proj()).expect("constant proj string is valid");
            (crs, proj)
        };
        Projector {
            source: parse(source),
            target: parse(target),
        }
    }

    /// A point of the source system (degrees, or metres) in the target's; `None` out of the
    /// valid range.
    fn project(&self, c: Coord<f64>) -> Option<Coord<f64>> {
        // proj4rs works in radians on geographic coordinates.
        let mut xy = match self.source.0 {
            Crs::Wgs84 if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) => {
                return None;
            }
            Crs::Wgs84 => (c.x.to_radians(), c.y.to_radians()),
            _ => (c.x, c.y),
        };
        proj4rs::transform::transform(&self.source.1, &self.target.1, &mut xy).ok()?;
        if self.target.0 == Crs::Wgs84 {
            xy = (xy.0.to_degrees(), xy.1.to_degrees());
        }
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
        let p = Projector::new(Crs::Wgs84, Crs::Lambert93)
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
    fn guadeloupe_is_projected_in_utm_20n() {
        // Basse-Terre (16.0° N, 61.73° W) in RGAF09 / UTM 20N (EPSG:5490): about 636 km E, 1 769 km N.
        let square = crate::geometry::tests::square(-61.73, 16.0, 0.01);
        let out = to_crs(
            layer(Crs::Wgs84, square),
            Crs::Utm {
                zone: 20,
                south: false,
            },
        )
        .unwrap();
        let p = out.features[0].geometry.0[0].exterior().0[0];
        assert!((p.x - 636_700.0).abs() < 2_000.0, "{p:?}");
        assert!((p.y - 1_769_500.0).abs() < 2_000.0, "{p:?}");
        // Conformal and at scale: 0.01° × 0.01° at 16° N ≈ 1 070 m × 1 107 m.
        let area = out.features[0].geometry.unsigned_area();
        assert!((area - 1_070.0 * 1_107.0).abs() < 0.01 * area, "{area}");
    }

    #[test]
    fn a_layer_in_a_drom_system_comes_back_to_degrees_and_goes_to_another() {
        let utm20 = Crs::Utm {
            zone: 20,
            south: false,
        };
        assert_eq!(Crs::from_epsg(5490), Some(utm20));
        assert_eq!(Crs::from_epsg(32620), Some(utm20));
        assert_eq!(
            Crs::from_epsg(2975),
            Some(Crs::Utm {
                zone: 40,
                south: true
            })
        );
        assert_eq!(Crs::from_epsg(3857), None);
        let square = crate::geometry::tests::square(-61.73, 16.0, 0.01);
        let projected = to_crs(layer(Crs::Wgs84, square.clone()), utm20).unwrap();
        let back = to_crs(projected.clone(), Crs::Wgs84).unwrap();
        assert_eq!(back.crs, Crs::Wgs84);
        let (a, b) = (
            square.0[0].exterior().0[2],
            back.features[0].geometry.0[0].exterior().0[2],
        );
        assert!(
            (a.x - b.x).abs() < 1e-7 && (a.y - b.y).abs() < 1e-7,
            "{a:?} {b:?}"
        );
        // And from one projected system to another, through degrees.
        let lambert = to_crs(projected, Crs::Lambert93).unwrap();
        assert_eq!(lambert.crs, Crs::Lambert93);
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

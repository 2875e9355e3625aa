//! Back from Lambert-93 to longitude and latitude, for the formats that require WGS84
//! (GeoJSON, RFC 7946).

use geo::Coord;
use proj4rs::Proj;

use super::project::{LAMBERT93, WGS84};

/// Lambert-93 → WGS84, the two systems parsed once for a whole layer.
pub struct ToWgs84 {
    lambert93: Proj,
    wgs84: Proj,
}

impl ToWgs84 {
    pub fn new() -> Self {
        let parse = |s| Proj::from_proj_string(s).expect("constant proj string is valid");
        ToWgs84 {
            lambert93: parse(LAMBERT93),
            wgs84: parse(WGS84),
        }
    }

    /// Lambert-93 metres → longitude, latitude in degrees; `None` when the point has no
    /// image (not finite, or out of the projection's domain).
    pub fn coord(&self, c: Coord<f64>) -> Option<Coord<f64>> {
        let mut xy = (c.x, c.y);
        proj4rs::transform::transform(&self.lambert93, &self.wgs84, &mut xy).ok()?;
        // proj4rs returns geographic coordinates in radians.
        Some(Coord {
            x: xy.0.to_degrees(),
            y: xy.1.to_degrees(),
        })
        .filter(|p| p.x.is_finite() && p.y.is_finite())
    }
}

impl Default for ToWgs84 {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_comes_back_to_its_degrees() {
        let p = ToWgs84::new()
            .coord(Coord {
                x: 652_469.0,
                y: 6_862_035.0,
            })
            .unwrap();
        assert!((p.x - 2.3522).abs() < 1e-4, "{p:?}");
        assert!((p.y - 48.8566).abs() < 1e-4, "{p:?}");
        assert_eq!(
            ToWgs84::new().coord(Coord {
                x: f64::NAN,
                y: 0.0
            }),
            None
        );
    }
}

//! Back from a map system (Lambert-93, a UTM zone of the DROM) to longitude and latitude,
//! for the formats that require WGS84 (GeoJSON, RFC 7946).

use geo::Coord;
use proj4rs::Proj;

use super::Crs;
use super::project::WGS84;

/// A projected system → WGS84, the two systems parsed once for a whole layer.
pub struct ToWgs84 {
    from: Proj,
    wgs84: Proj,
}

impl ToWgs84 {
    /// From the projected system `from` (Lambert-93, a UTM zone).
    pub fn new(from: Crs) -> Self {
        let parse = |s: &str| Proj::from_proj_string(s).expect("constant proj string is valid");
        ToWgs84 {
            from: parse(&from.proj()),
            wgs84: parse(WGS84),
        }
    }

    /// Metres → longitude, latitude in degrees; `None` when the point has no image (not
    /// finite, or out of the projection's domain).
    pub fn coord(&self, c: Coord<f64>) -> Option<Coord<f64>> {
        let mut xy = (c.x, c.y);
        proj4rs::transform::transform(&self.from, &self.wgs84, &mut xy).ok()?;
        // proj4rs returns geographic coordinates in radians.
        Some(Coord {
            x: xy.0.to_degrees(),
            y: xy.1.to_degrees(),
        })
        .filter(|p| p.x.is_finite() && p.y.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_comes_back_to_its_degrees() {
        let p = ToWgs84::new(Crs::Lambert93)
            .coord(Coord {
                x: 652_469.0,
                y: 6_862_035.0,
            })
            .unwrap();
        assert!((p.x - 2.3522).abs() < 1e-4, "{p:?}");
        assert!((p.y - 48.8566).abs() < 1e-4, "{p:?}");
        assert_eq!(
            ToWgs84::new(Crs::Lambert93).coord(Coord {
                x: f64::NAN,
                y: 0.0
            }),
            None
        );
    }
}

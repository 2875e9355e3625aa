//! Line simplification for display.

use geo::Simplify;

use super::{Crs, Feature, Layer};

/// Douglas-Peucker simplification of every ring with `tolerance` in metres (for a WGS84
/// layer, converted at 1° ≈ 111 km). Rings keep at least four points, so no polygon
/// vanishes. Each shape is simplified on its own: neighbours' shared borders may part
/// slightly, which is invisible at display tolerances but unfit for computing areas.
pub fn simplify(layer: &Layer, tolerance: f64) -> Layer {
    let epsilon = match layer.crs {
        Crs::Lambert93 | Crs::Utm { .. } => tolerance,
        Crs::Wgs84 => tolerance / 111_320.0,
    };
    Layer {
        source: layer.source.clone(),
        crs: layer.crs,
        features: layer
            .features
            .iter()
            .map(|f| Feature {
                code: f.code.clone(),
                name: f.name.clone(),
                geometry: f.geometry.simplify(epsilon),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::tests::square;
    use geo::{Area, CoordsIter, Densify, Euclidean};

    fn layer(geometry: geo::MultiPolygon<f64>) -> Layer {
        Layer {
            source: "c.shp".into(),
            crs: Crs::Lambert93,
            features: vec![Feature {
                code: "01001".into(),
                name: Some("L'Abergement".into()),
                geometry,
            }],
        }
    }

    #[test]
    fn drops_points_but_keeps_the_shape() {
        let dense = Euclidean.densify(&square(0.0, 0.0, 1000.0), 10.0);
        assert!(dense.coords_count() > 400);
        let out = simplify(&layer(dense), 1.0);
        assert_eq!(out.features[0].geometry.coords_count(), 5);
        assert!((out.features[0].geometry.unsigned_area() - 1e6).abs() < 1e-6);
        assert_eq!(out.features[0].name.as_deref(), Some("L'Abergement"));
    }

    #[test]
    fn never_drops_a_polygon_to_nothing() {
        let out = simplify(&layer(square(0.0, 0.0, 10.0)), 1000.0);
        let polygons = &out.features[0].geometry.0;
        assert_eq!(polygons.len(), 1);
        assert_eq!(polygons[0].exterior().0.len(), 5);
    }
}

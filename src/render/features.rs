//! From the values of territories to the features a map draws: the class of a cell (the one
//! place where a value, a bounded value, a secret or a gap gets its fill), the shape of each
//! territory found by its code, and the count of each class for the legend.

use std::collections::HashMap;

use geo::MultiPolygon;

use super::{FeatureClass, MapFeature};
use crate::classify::Classes;
use crate::indicators::Cell;

impl FeatureClass {
    /// The class a value is drawn in: a value known between bounds in one class is drawn in it
    /// with a mark, one between two classes is « incertain »; a secret, partial or missing value
    /// has its own fill and no class.
    pub fn of_cell(cell: Cell, classes: &Classes) -> FeatureClass {
        match cell {
            Cell::Value(v) => FeatureClass::Class(classes.class_of(v)),
            Cell::Bounded { low, high } => match classes.class_of_bounds(low, high) {
                Ok(k) => FeatureClass::Approximate(k),
                Err(_) => FeatureClass::Uncertain,
            },
            Cell::Secret => FeatureClass::Secret,
            Cell::Partial => FeatureClass::Partial,
            Cell::Missing => FeatureClass::NoData,
        }
    }

    /// The class of the legend this fill counts in (a mark or none aside).
    fn counted(self) -> Option<usize> {
        match self {
            FeatureClass::Class(k) | FeatureClass::Approximate(k) => Some(k),
            _ => None,
        }
    }
}

/// A territory to draw: its code, name, fill and the value its tooltip prints.
pub struct Placed<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub class: FeatureClass,
    pub value_label: String,
}

/// The features of the map: each territory of `placed` on its shape in `shapes`, in the order
/// given; the codes of those without a shape come second (they are not drawn).
pub fn features_on_shapes<'a>(
    placed: impl IntoIterator<Item = Placed<'a>>,
    shapes: &HashMap<&str, &MultiPolygon<f64>>,
) -> (Vec<MapFeature>, Vec<String>) {
    let mut features = Vec::new();
    let mut without_shape = Vec::new();
    for p in placed {
        let Some(shape) = shapes.get(p.code) else {
            without_shape.push(p.code.to_string());
            continue;
        };
        features.push(MapFeature {
            code: p.code.to_string(),
            name: p.name.to_string(),
            geometry: (*shape).clone(),
            class: p.class,
            value_label: p.value_label,
        });
    }
    (features, without_shape)
}

/// How many features each of `n` classes holds, for the legend.
pub fn class_counts(features: &[MapFeature], n: usize) -> Vec<usize> {
    let mut counts = vec![0; n];
    for k in features.iter().filter_map(|f| f.class.counted()) {
        counts[k] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Threshold;
    use geo::{MultiPolygon, polygon};

    fn classes() -> Classes {
        let t = |value| Threshold { value, name: None };
        Classes::new(vec![t(10.0), t(20.0)]).unwrap()
    }

    #[test]
    fn a_cell_gets_its_class_or_its_own_fill() {
        let c = classes();
        assert_eq!(
            FeatureClass::of_cell(Cell::Value(15.0), &c),
            FeatureClass::Class(1)
        );
        // A threshold belongs to the class above it.
        assert_eq!(
            FeatureClass::of_cell(Cell::Value(20.0), &c),
            FeatureClass::Class(2)
        );
        let bounded = |low, high| FeatureClass::of_cell(Cell::Bounded { low, high }, &c);
        assert_eq!(bounded(11.0, 19.0), FeatureClass::Approximate(1));
        assert_eq!(bounded(11.0, 21.0), FeatureClass::Uncertain);
        assert_eq!(
            FeatureClass::of_cell(Cell::Secret, &c),
            FeatureClass::Secret
        );
        assert_eq!(
            FeatureClass::of_cell(Cell::Partial, &c),
            FeatureClass::Partial
        );
        assert_eq!(
            FeatureClass::of_cell(Cell::Missing, &c),
            FeatureClass::NoData
        );
    }

    #[test]
    fn features_keep_the_shaped_and_name_the_others_and_counts_include_approximate_values() {
        let square: MultiPolygon<f64> =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 0.0)].into();
        let shapes = HashMap::from([("63113", &square), ("63001", &square)]);
        let placed = |code, class| Placed {
            code,
            name: "x",
            class,
            value_label: String::new(),
        };
        let (features, without) = features_on_shapes(
            [
                placed("63113", FeatureClass::Class(0)),
                placed("99999", FeatureClass::Class(0)),
                placed("63001", FeatureClass::Approximate(2)),
            ],
            &shapes,
        );
        assert_eq!(
            features.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            ["63113", "63001"]
        );
        assert_eq!(without, ["99999"]);
        assert_eq!(class_counts(&features, 3), [1, 0, 1]);
    }
}

//! Commune contours of an older COG vintage brought to the communes of the query's.

use std::collections::HashMap;

use super::moves::{Fate, Moves};
use crate::geometry::{self, Layer};
use crate::notice::Notice;

/// Commune contours of an older vintage on the communes of the query's: merged communes'
/// shapes united; a split commune cannot be cut, and is reported with the unknown codes.
pub fn move_contours(layer: Layer, moves: &Moves, notices: &mut Vec<Notice>) -> Layer {
    let mut group_of = HashMap::new();
    for f in &layer.features {
        match moves.fate(&f.code) {
            Fate::Same => {
                group_of.insert(f.code.clone(), f.code.clone());
            }
            Fate::Moved(c) => {
                group_of.insert(f.code.clone(), c);
            }
            Fate::Split(_) | Fate::Unknown(_) => {}
        }
    }
    notices.push(Notice::ContoursMoved(moves.notice(
        &layer.source,
        layer.features.iter().map(|f| f.code.as_str()),
    )));
    let (moved, report) = geometry::dissolve(&layer, &group_of);
    if !report.unassigned.is_empty() {
        notices.push(Notice::ContoursUnassigned {
            from: moves.from,
            codes: report.unassigned,
        });
    }
    moved
}

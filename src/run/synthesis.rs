//! The map of `[priorites]` of an indicator query: the number of axes that make each territory a
//! priority (the synthesis itself is `indicators::synthesis`).

use std::path::Path;

use super::Drawn;
use super::map::class_map;
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::MapFiles;
use crate::indicators::synthesis::{Position, Synthesis};
use crate::maps::{Classed, Legend, NamedClass};
use crate::notice::Notice;
use crate::query::Query;
use crate::render::FeatureClass;
use crate::territory::selection::Selection;

/// The map of the number of axes: one class per number, from none to all, light to dark; a territory
/// whose number is known only as a range has the fill of the uncertain.
pub(super) fn synthesis_map(
    query: &Query,
    map: &MapFiles,
    done: &Synthesis,
    selection: &Selection,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let axes = done.axes_said.len();
    let colors = palette::sequential(Sequential::YlOrRd, axes + 1)
        .expect("at most 8 axes on a map: checked by the plan");
    let units = &selection.units;
    let classed: Vec<Classed> = units
        .iter()
        .zip(&done.counts)
        .zip(&done.positions)
        .map(|((unit, count), positions)| Classed {
            code: &unit.code,
            class: match count.sure == count.possible {
                true => FeatureClass::Class(count.sure),
                false => FeatureClass::Uncertain,
            },
            value_label: count.label(),
            weight: positions
                .iter()
                .filter(|p| **p == Position::Priority)
                .count() as f64,
        })
        .collect();
    let classes = colors
        .into_iter()
        .enumerate()
        .map(|(k, color)| NamedClass {
            label: match k {
                0 => "Aucun axe".to_string(),
                1 => "1 axe".to_string(),
                k => format!("{k} axes"),
            },
            color,
            optional: false,
        })
        .collect();
    let legend = Legend {
        title: "Nombre d'axes prioritaires".to_string(),
        classes,
    };
    class_map(
        query,
        map,
        selection.territory,
        selection.level,
        units,
        &classed,
        legend,
        out_dir,
        notices,
    )
}

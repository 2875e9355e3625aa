//! Colours of classes, all from ColorBrewer 2.0 (Cynthia Brewer, Mark Harrower and
//! The Pennsylvania State University, Apache-2.0 licence, https://colorbrewer2.org),
//! tables checked against palettable 3.3.3 (`reference/palettes.py`).
//!
//! Ordered classes go from the lowest value to the highest. Diverging RdYlBu puts low
//! values in warm colours because low coverage is what the schémas look for.

use serde::Deserialize;

use super::Classes;
use crate::error::{Error, ErrorKind, Result};

/// RdYlBu (colour-blind safe), 3 to 11 classes; odd sizes have the neutral
/// `#ffffbf` in the middle.
const RD_YL_BU: [&[&str]; 9] = [
    &["#fc8d59", "#ffffbf", "#91bfdb"],
    &["#d7191c", "#fdae61", "#abd9e9", "#2c7bb6"],
    &["#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"],
    &[
        "#d73027", "#fc8d59", "#fee090", "#e0f3f8", "#91bfdb", "#4575b4",
    ],
    &[
        "#d73027", "#fc8d59", "#fee090", "#ffffbf", "#e0f3f8", "#91bfdb", "#4575b4",
    ],
    &[
        "#d73027", "#f46d43", "#fdae61", "#fee090", "#e0f3f8", "#abd9e9", "#74add1", "#4575b4",
    ],
    &[
        "#d73027", "#f46d43", "#fdae61", "#fee090", "#ffffbf", "#e0f3f8", "#abd9e9", "#74add1",
        "#4575b4",
    ],
    &[
        "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#e0f3f8", "#abd9e9", "#74add1",
        "#4575b4", "#313695",
    ],
    &[
        "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#ffffbf", "#e0f3f8", "#abd9e9",
        "#74add1", "#4575b4", "#313695",
    ],
];

const BLUES: [&[&str]; 7] = [
    &["#deebf7", "#9ecae1", "#3182bd"],
    &["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
    &["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
    &[
        "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c",
    ],
    &[
        "#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
    ],
    &[
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594",
    ],
    &[
        "#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
        "#08306b",
    ],
];
const GREENS: [&[&str]; 7] = [
    &["#e5f5e0", "#a1d99b", "#31a354"],
    &["#edf8e9", "#bae4b3", "#74c476", "#238b45"],
    &["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"],
    &[
        "#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c",
    ],
    &[
        "#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32",
    ],
    &[
        "#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32",
    ],
    &[
        "#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c",
        "#00441b",
    ],
];
const ORANGES: [&[&str]; 7] = [
    &["#fee6ce", "#fdae6b", "#e6550d"],
    &["#feedde", "#fdbe85", "#fd8d3c", "#d94701"],
    &["#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603"],
    &[
        "#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603",
    ],
    &[
        "#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04",
    ],
    &[
        "#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#8c2d04",
    ],
    &[
        "#fff5eb", "#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#f16913", "#d94801", "#a63603",
        "#7f2704",
    ],
];
const YL_OR_RD: [&[&str]; 7] = [
    &["#ffeda0", "#feb24c", "#f03b20"],
    &["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    &["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    &[
        "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026",
    ],
    &[
        "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
    ],
    &[
        "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
    ],
    &[
        "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026",
        "#800026",
    ],
];
const PU_BU: [&[&str]; 7] = [
    &["#ece7f2", "#a6bddb", "#2b8cbe"],
    &["#f1eef6", "#bdc9e1", "#74a9cf", "#0570b0"],
    &["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"],
    &[
        "#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#2b8cbe", "#045a8d",
    ],
    &[
        "#f1eef6", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b",
    ],
    &[
        "#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#034e7b",
    ],
    &[
        "#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d",
        "#023858",
    ],
];

const SET2: [&str; 8] = [
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3",
];
const DARK2: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];

/// The colours a map asks for (`palette = "…"` in a query), lowest class first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Palette {
    /// ColorBrewer RdYlBu: low values in warm colours.
    #[default]
    #[serde(rename = "rouge_bleu")]
    RdYlBu,
    /// RdYlBu centred on a reference (the departmental rate).
    #[serde(rename = "autour_reference")]
    RdYlBuAroundReference,
    #[serde(rename = "bleus")]
    Blues,
    #[serde(rename = "verts")]
    Greens,
    #[serde(rename = "oranges")]
    Oranges,
    #[serde(rename = "jaune_rouge")]
    YlOrRd,
}

impl Palette {
    /// The colours of `classes`, lowest first, centred on `reference` for
    /// [`Palette::RdYlBuAroundReference`]; `None` when the palette has too few.
    pub fn colours(self, classes: &Classes, reference: f64) -> Option<Vec<String>> {
        let n = classes.len();
        match self {
            Palette::RdYlBu => diverging(n),
            Palette::RdYlBuAroundReference => diverging_around(classes, reference),
            Palette::Blues => sequential(Sequential::Blues, n),
            Palette::Greens => sequential(Sequential::Greens, n),
            Palette::Oranges => sequential(Sequential::Oranges, n),
            Palette::YlOrRd => sequential(Sequential::YlOrRd, n),
        }
    }

    /// [`Palette::colours`], or the error of a map of more classes than the palette has.
    pub fn colours_of(self, classes: &Classes, reference: f64) -> Result<Vec<String>> {
        self.colours(classes, reference).ok_or_else(|| {
            Error::new(format!("{} classes : trop pour cette palette", classes.len()))
                .kind(ErrorKind::Query)
                .hint("demandez moins de classes (« nombre = 5 ») : au-delà de 7, les teintes ne se distinguent plus")
        })
    }
}

/// Single-hue or multi-hue sequential sets, light to dark, for quantities without
/// a meaningful centre (populations, counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequential {
    Blues,
    Greens,
    Oranges,
    YlOrRd,
    PuBu,
}

/// Qualitative sets for typologies (unordered categories). Both are colour-blind
/// safe up to 3 categories only, per ColorBrewer; Dark2 reads better on light maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualitative {
    Set2,
    Dark2,
}

/// The `n` colours of a set given from 3 classes up: 1 and 2 classes take the
/// middle, or the two ends, of the 3-class set so that fewer classes than asked
/// (degenerate data) still get colours.
fn pick(sets: &[&[&str]], n: usize) -> Option<Vec<String>> {
    let three = sets[0];
    let set: Vec<&str> = match n {
        1 => vec![three[1]],
        2 => vec![three[0], three[2]],
        _ => sets.get(n.checked_sub(3)?)?.to_vec(),
    };
    Some(set.into_iter().map(str::to_string).collect())
}

/// The colours of `n` ordered classes, lowest first; `None` beyond 7 classes
/// (more cannot be told apart on a map).
pub fn diverging(n: usize) -> Option<Vec<String>> {
    match n {
        // A lone class is blue, as the maps drawn so far have it.
        1 => Some(vec![RD_YL_BU[0][2].to_string()]),
        2..=7 => pick(&RD_YL_BU, n),
        _ => None,
    }
}

/// The colours of `n` ordered classes (1 to 9), light for low values.
pub fn sequential(set: Sequential, n: usize) -> Option<Vec<String>> {
    let sets: &[&[&str]] = match set {
        Sequential::Blues => &BLUES,
        Sequential::Greens => &GREENS,
        Sequential::Oranges => &ORANGES,
        Sequential::YlOrRd => &YL_OR_RD,
        Sequential::PuBu => &PU_BU,
    };
    pick(sets, n)
}

/// Diverging colours centred on a reference value (a departmental or national
/// rate): the class containing `reference` gets the neutral colour, classes below
/// warm colours and classes above cool ones, with shades spaced as in a
/// symmetric RdYlBu set even when the reference is off-centre. `None` when that
/// set would need more than 11 colours.
pub fn diverging_around(classes: &Classes, reference: f64) -> Option<Vec<String>> {
    let n = classes.len();
    let centre = classes.class_of(reference);
    let side = centre.max(n - 1 - centre);
    if side == 0 {
        return Some(vec![RD_YL_BU[0][1].to_string()]);
    }
    let set = RD_YL_BU.get(2 * side + 1 - 3)?;
    let first = side - centre;
    Some(
        set[first..first + n]
            .iter()
            .map(|c| c.to_string())
            .collect(),
    )
}

/// The colours of `n` categories (1 to 8) of a typology.
pub fn qualitative(set: Qualitative, n: usize) -> Option<Vec<String>> {
    let all = match set {
        Qualitative::Set2 => &SET2,
        Qualitative::Dark2 => &DARK2,
    };
    (n <= all.len()).then(|| all[..n].iter().map(|c| c.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Threshold;

    #[test]
    fn sizes() {
        for n in 1..=7 {
            assert_eq!(diverging(n).unwrap().len(), n);
        }
        assert!(diverging(8).is_none());
        for set in [
            Sequential::Blues,
            Sequential::Greens,
            Sequential::Oranges,
            Sequential::YlOrRd,
            Sequential::PuBu,
        ] {
            for n in 1..=9 {
                assert_eq!(sequential(set, n).unwrap().len(), n);
            }
            assert!(sequential(set, 10).is_none());
        }
        assert_eq!(qualitative(Qualitative::Dark2, 8).unwrap().len(), 8);
        assert!(qualitative(Qualitative::Set2, 9).is_none());
        assert_eq!(diverging(1).unwrap(), ["#91bfdb"]);
        assert_eq!(diverging(2).unwrap(), ["#fc8d59", "#91bfdb"]);
    }

    #[test]
    fn sequential_sets_are_colorbrewer() {
        assert_eq!(
            sequential(Sequential::Blues, 5).unwrap(),
            ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
        );
        assert_eq!(
            sequential(Sequential::YlOrRd, 3).unwrap(),
            ["#ffeda0", "#feb24c", "#f03b20"]
        );
    }

    fn classes(values: &[f64]) -> Classes {
        Classes::new(
            values
                .iter()
                .map(|&value| Threshold { value, name: None })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn reference_class_is_neutral() {
        // 5 classes, reference in the middle one: the plain 5-class RdYlBu.
        let c = classes(&[50.0, 55.0, 65.0, 70.0]);
        assert_eq!(diverging_around(&c, 60.9), diverging(5));
        // Reference in the 2nd of 4 classes: the 5-class set without its reddest end.
        let c = classes(&[50.0, 65.0, 70.0]);
        assert_eq!(
            diverging_around(&c, 60.9).unwrap(),
            ["#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6"]
        );
        // Reference at a threshold: the class above it (left-closed) is neutral.
        let colors = diverging_around(&c, 65.0).unwrap();
        assert_eq!(colors[2], "#ffffbf");
        assert_eq!(diverging_around(&classes(&[]), 1.0).unwrap(), ["#ffffbf"]);
        // Reference below 6 thresholds: a symmetric set would need 13 colours.
        let c = classes(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert!(diverging_around(&c, 0.0).is_none());
    }
}

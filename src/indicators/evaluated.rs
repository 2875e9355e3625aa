//! The values of a query's indicators with what their sources hold: which territories each
//! source has rows for, and which it covers only in part.

use super::Cell;
use super::model::{Indicator, Values};

/// The values of the indicators over the query's territories, and per source which of
/// them it has rows for.
pub struct Evaluated {
    pub values: Values,
    /// `found[s][u]`: source `s` has a row for territory `u` (or for one of its parts).
    pub found: Vec<Vec<bool>>,
    /// `partial[s][u]`: source `s` covers territory `u` in part, with so many of its communes
    /// of so many.
    pub partial: Vec<Vec<Option<(usize, usize)>>>,
}

impl Evaluated {
    /// How many territories some file of `indicator` has no row for.
    pub fn unfound(&self, indicator: &Indicator) -> usize {
        let sources: Vec<usize> = indicator.columns().iter().map(|c| c.source).collect();
        (0..self.values.territories())
            .filter(|&u| sources.iter().any(|&s| !self.found[s][u]))
            .count()
    }

    /// The cell of indicator `i` for territory `u` as a table writes it: a partial one says how
    /// many communes of the territory its source has.
    pub fn table_label(&self, indicators: &[Indicator], i: usize, u: usize) -> String {
        let cell = self.values.get(u, i);
        let covered = indicators[i]
            .columns()
            .iter()
            .find_map(|c| self.partial[c.source][u]);
        match (cell, covered) {
            (Cell::Partial, Some((present, communes))) => {
                format!("partiel ({present} commune(s) sur {communes})")
            }
            _ => indicators[i].table_label(cell),
        }
    }
}

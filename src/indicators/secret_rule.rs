//! The publisher's rule of the *secret statistique*: what a hidden count can hold. A hidden
//! cell is a small count, not any value: the Insee's Caf file by IRIS publishes no count under
//! 5, and hides whole IRIS of few allocataires. With the rule, a sum touching hidden cells is
//! known between two bounds ([`super::Cell::Bounded`]); without it, it stays secret.
//!
//! Nothing hidden is disclosed: a bounded sum keeps the whole width of each hidden cell it
//! holds (the rule's bounds are never narrowed by another figure, such as a published total),
//! so no output gives a reader one hidden value.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::ingest::{LINE_COLUMN, secret_column};

/// What a hidden cell holds, as `(lowest, highest)` counts.
pub type Bounds = (f64, f64);

/// The rule of one source.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecretRule {
    /// A hidden cell of a row otherwise published; none: the publisher hides whole rows only.
    pub cell: Option<Bounds>,
    /// Per column, a cell of a row hidden whole (every column read from it hidden); a column
    /// not listed stays secret there.
    pub row: BTreeMap<String, Bounds>,
}

/// The prefix of the bound columns of the engine's inputs.
const LOW: &str = "__borne_basse_";
const HIGH: &str = "__borne_haute_";

impl SecretRule {
    /// The rule, once its bounds are checked: each pair in order and apart (equal bounds would
    /// publish the hidden value, a rule of zeros make a secret cell zero), a whole row's bounds
    /// holding a cell's (a row read by one column cannot be told from a single hidden cell).
    pub fn new(
        cell: Option<Bounds>,
        row: BTreeMap<String, Bounds>,
    ) -> std::result::Result<Self, String> {
        let check = |(low, high): Bounds, what: &str| match () {
            _ if high < low => Err(format!(
                "bornes du secret inversées {what} : la borne haute ({}) est sous la borne basse ({})",
                crate::format::count(high),
                crate::format::count(low)
            )),
            _ if high == low => Err(format!(
                "bornes du secret égales {what} ({}) : une cellule cachée aurait une valeur connue",
                crate::format::count(low)
            )),
            _ => Ok(()),
        };
        if let Some(c) = cell {
            check(c, "pour une cellule")?;
        }
        for (column, &bounds) in &row {
            check(
                bounds,
                &format!("pour la colonne « {column} » d'une ligne masquée"),
            )?;
            if let Some((low, high)) = cell
                && (bounds.0 > low || bounds.1 < high)
            {
                return Err(format!(
                    "les bornes d'une ligne masquée pour « {column} » ({} à {}) ne contiennent pas celles d'une cellule ({} à {})",
                    crate::format::count(bounds.0),
                    crate::format::count(bounds.1),
                    crate::format::count(low),
                    crate::format::count(high)
                ));
            }
        }
        if cell.is_none() && row.is_empty() {
            return Err("règle du secret vide : donnez « cellule » ou « ligne »".to_string());
        }
        Ok(SecretRule { cell, row })
    }

    /// The bounds of each read cell of `columns`, in two columns each (see [`low_column`]): the
    /// value itself where published, the rule's bounds where hidden, null where the rule says
    /// nothing (the sum stays secret). A cell hidden alone in a row, under a rule that hides only
    /// whole rows, is an error naming its file, line and column.
    pub fn bound_columns(&self, df: &DataFrame, columns: &[&str], file: &str) -> Result<Vec<Expr>> {
        let secret = |c: &str| -> Expr {
            match df.column(&secret_column(c)) {
                Ok(_) => col(secret_column(c)),
                Err(_) => lit(false),
            }
        };
        let hidden_whole = columns
            .iter()
            .map(|c| secret(c))
            .reduce(|a, b| a.and(b))
            .unwrap_or(lit(false));
        if self.cell.is_none() {
            self.refuse_cells_hidden_alone(df, columns, file)?;
        }
        let bound = |b: Option<f64>| match b {
            Some(v) => lit(v),
            None => lit(NULL).cast(DataType::Float64),
        };
        let mut exprs = Vec::with_capacity(2 * columns.len());
        for c in columns {
            let row = self.row.get(*c).copied();
            for (name, end) in [(low_column(c), 0), (high_column(c), 1)] {
                let pick = |b: Option<Bounds>| bound(b.map(|b| if end == 0 { b.0 } else { b.1 }));
                exprs.push(
                    when(secret(c).and(hidden_whole.clone()))
                        .then(pick(row))
                        .when(secret(c))
                        .then(pick(self.cell))
                        .otherwise(col(*c).cast(DataType::Float64))
                        .alias(name),
                );
            }
        }
        Ok(exprs)
    }

    fn refuse_cells_hidden_alone(
        &self,
        df: &DataFrame,
        columns: &[&str],
        file: &str,
    ) -> Result<()> {
        let flags: Vec<(&str, &BooleanChunked)> = columns
            .iter()
            .filter_map(|c| Some((*c, df.column(&secret_column(c)).ok()?.bool().ok()?)))
            .collect();
        let lines = df.column(LINE_COLUMN)?.u32()?;
        for i in 0..df.height() {
            let hidden: Vec<&str> = flags
                .iter()
                .filter(|(_, f)| f.get(i).unwrap_or(false))
                .map(|(c, _)| *c)
                .collect();
            if !hidden.is_empty() && hidden.len() < columns.len() {
                return Err(Error::new(format!(
                    "cellule secrète dans une ligne publiée, alors que la règle du secret ne masque que des lignes entières : colonne « {} »",
                    hidden[0]
                ))
                .file(file)
                .line(lines.get(i).unwrap_or(0) as usize)
                .column(hidden[0])
                .hint("ajoutez à « secret_bornes » ce que vaut une cellule cachée (« cellule = [0, 4] »), ou vérifiez le fichier"));
            }
        }
        Ok(())
    }
}

/// The engine's column of the low bound of column `c`'s cells.
pub fn low_column(c: &str) -> String {
    format!("{LOW}{c}")
}

/// The engine's column of the high bound of column `c`'s cells.
pub fn high_column(c: &str) -> String {
    format!("{HIGH}{c}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_with_bounds_inverted_equal_or_narrower_for_a_row_is_refused() {
        let row = |c: &str, b: Bounds| BTreeMap::from([(c.to_string(), b)]);
        assert!(SecretRule::new(Some((0.0, 4.0)), row("A", (0.0, 99.0))).is_ok());
        let inverted = SecretRule::new(Some((4.0, 0.0)), BTreeMap::new()).unwrap_err();
        assert!(
            inverted.contains("inversées") && inverted.contains("(0)"),
            "{inverted}"
        );
        let equal = SecretRule::new(Some((0.0, 0.0)), BTreeMap::new()).unwrap_err();
        assert!(equal.contains("égales"), "{equal}");
        let narrow = SecretRule::new(Some((0.0, 4.0)), row("AM", (1.0, 99.0))).unwrap_err();
        assert!(narrow.contains("« AM »"), "{narrow}");
        assert!(SecretRule::new(None, BTreeMap::new()).is_err());
    }
}

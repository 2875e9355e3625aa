//! The state of one indicator value: a number, a *secret statistique*, a sum its source covers in part, or
//! missing.

use polars::prelude::*;

use crate::error::Result;
use crate::format;
use crate::ingest::secret_column;

/// A value as published or computed. A secret is neither zero nor missing: it
/// propagates through sums and ratios and is shown as such.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    Secret,
    /// A sum over a territory its source covers in part (some of its communes): no value of
    /// the territory, unless the query accepts partial sums.
    Partial,
    Missing,
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }

    /// French text for lists and tooltips: `64,2`, `secret`, or empty.
    pub fn label(self, decimals: usize) -> String {
        match self {
            Cell::Value(v) => format::decimal(v, decimals),
            Cell::Secret => "secret".to_string(),
            Cell::Partial => "partiel".to_string(),
            Cell::Missing => String::new(),
        }
    }
}

/// The one cell arithmetic of the engine: how a secret, a partial or a missing value goes
/// through a sum, a share of a split commune, a ratio, a difference. A secret wins over the
/// others (what is hidden is known to exist), a partial sum over a missing value (part of it
/// is known), a missing value over a number.
impl Cell {
    /// `f` of two numbers, or the state that wins.
    fn combined(self, other: Cell, f: impl FnOnce(f64, f64) -> f64) -> Cell {
        match (self, other) {
            (Cell::Secret, _) | (_, Cell::Secret) => Cell::Secret,
            (Cell::Partial, _) | (_, Cell::Partial) => Cell::Partial,
            (Cell::Missing, _) | (_, Cell::Missing) => Cell::Missing,
            (Cell::Value(x), Cell::Value(y)) => Cell::Value(f(x, y)),
        }
    }
}

impl std::ops::Add for Cell {
    type Output = Cell;

    /// A sum that touches a secret cell is secret; a missing cell makes it missing.
    fn add(self, other: Cell) -> Cell {
        self.combined(other, |x, y| x + y)
    }
}

/// A difference (a change between two years, in points for a rate), as a sum.
impl std::ops::Sub for Cell {
    type Output = Cell;

    fn sub(self, other: Cell) -> Cell {
        self.combined(other, |x, y| x - y)
    }
}

impl Cell {
    /// The change of a count from `first` to `last`, in percent; missing from zero.
    pub fn relative_change(first: Cell, last: Cell) -> Cell {
        match (first, last) {
            (Cell::Secret, _) | (_, Cell::Secret) => Cell::Secret,
            (Cell::Partial, _) | (_, Cell::Partial) => Cell::Partial,
            (Cell::Value(a), Cell::Value(b)) if a != 0.0 => Cell::Value(100.0 * (b - a) / a),
            _ => Cell::Missing,
        }
    }

    /// The part `share` of a count (a piece of a commune split since a file's vintage).
    pub fn scaled(self, share: f64) -> Cell {
        match self {
            Cell::Value(v) => Cell::Value(v * share),
            other => other,
        }
    }

    /// `scale × num / den`, a rate of sums; a zero denominator gives a missing rate.
    pub fn ratio(num: Cell, den: Cell, scale: f64) -> Cell {
        match (num, den) {
            (Cell::Secret, _) | (_, Cell::Secret) => Cell::Secret,
            (Cell::Partial, _) | (_, Cell::Partial) => Cell::Partial,
            (Cell::Value(n), Cell::Value(d)) if d > 0.0 => Cell::Value(scale * n / d),
            _ => Cell::Missing,
        }
    }

    /// The sum of `cells` (0 for none).
    pub fn sum(cells: impl IntoIterator<Item = Cell>) -> Cell {
        cells.into_iter().fold(Cell::Value(0.0), |a, b| a + b)
    }
}

/// The cells of a numeric column and its `__secret` companion (absent companion:
/// nothing is secret).
pub fn cells(df: &DataFrame, name: &str) -> Result<Vec<Cell>> {
    let values = df.column(name)?.f64()?;
    let secret_name = secret_column(name);
    let secrets = match df.column(&secret_name) {
        Ok(c) => Some(c.bool()?.clone()),
        Err(_) => None,
    };
    Ok((0..df.height())
        .map(|i| {
            if secrets.as_ref().and_then(|s| s.get(i)).unwrap_or(false) {
                Cell::Secret
            } else {
                values.get(i).map_or(Cell::Missing, Cell::Value)
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::Cell::{self, Missing, Partial, Secret, Value};

    #[test]
    fn secrets_win_over_missing_values_and_missing_over_numbers() {
        assert_eq!(Value(2.0) + Value(3.0), Value(5.0));
        assert_eq!(Value(2.0) + Missing, Missing);
        assert_eq!(Missing + Secret, Secret);
        assert_eq!(Cell::sum([Value(1.0), Secret, Missing]), Secret);
        assert_eq!(Cell::sum([]), Value(0.0));
        assert_eq!(Secret.scaled(0.5), Secret);
        assert_eq!(Value(10.0).scaled(0.25), Value(2.5));
    }

    #[test]
    fn a_partial_sum_stays_partial_through_sums_ratios_and_changes() {
        assert_eq!(Value(2.0) + Partial, Partial);
        assert_eq!(Partial + Missing, Partial);
        assert_eq!(Partial + Secret, Secret);
        assert_eq!(Cell::ratio(Partial, Value(4.0), 100.0), Partial);
        assert_eq!(Cell::ratio(Value(1.0), Partial, 100.0), Partial);
        assert_eq!(Cell::relative_change(Value(3.0), Partial), Partial);
        assert_eq!(Value(1.0) - Partial, Partial);
        assert_eq!(Partial.label(1), "partiel");
    }

    #[test]
    fn changes_in_units_points_and_percent() {
        assert_eq!(Value(42.5) - Value(40.0), Value(2.5));
        assert_eq!(Value(1.0) - Secret, Secret);
        assert_eq!(Missing - Value(1.0), Missing);
        assert_eq!(Secret - Missing, Secret);
        assert_eq!(
            Cell::relative_change(Value(200.0), Value(150.0)),
            Value(-25.0)
        );
        assert_eq!(Cell::relative_change(Value(0.0), Value(3.0)), Missing);
        assert_eq!(Cell::relative_change(Secret, Value(3.0)), Secret);
    }

    #[test]
    fn a_ratio_of_sums_is_not_a_mean_of_ratios() {
        // Two communes: 10 places for 100 children, 90 for 100: 50 %, whatever the mean of 10 % and 90 %.
        let places = Cell::sum([Value(10.0), Value(90.0)]);
        let children = Cell::sum([Value(100.0), Value(100.0)]);
        assert_eq!(Cell::ratio(places, children, 100.0), Value(50.0));
        // With 900 children in the second: 10 %, where the mean of 10 % and 10 % would be 10 % too,
        // but 10 for 100 and 90 for 900 make 100 for 1 000.
        let children = Cell::sum([Value(100.0), Value(900.0)]);
        assert_eq!(Cell::ratio(places, children, 100.0), Value(10.0));
        assert_eq!(Cell::ratio(Value(5.0), Value(0.0), 100.0), Missing);
        assert_eq!(Cell::ratio(Value(5.0), Secret, 100.0), Secret);
        assert_eq!(Cell::ratio(Secret, Missing, 1000.0), Secret);
        assert_eq!(Cell::ratio(Value(3.0), Value(4.0), 1000.0), Value(750.0));
    }
}

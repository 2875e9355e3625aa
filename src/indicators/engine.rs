//! The aggregation engine: the rows of a table summed into territories, each territory a
//! number (its rank in the order of the codes) and each row added to its territories' sums
//! in file order, with the cell arithmetic of [`Cell`]: a secret cell makes its sum secret,
//! a missing one missing, a row shared between territories (a commune split since the
//! file's vintage) gives each its part.
//!
//! ```
//! use diagterr::indicators::engine::sum_into;
//! use diagterr::indicators::Cell::{Missing, Value};
//! use diagterr::polars::prelude::*;
//!
//! // Two IRIS of commune 34172 and one of 34003, summed into their EPCI, numbered in the
//! // order of their codes.
//! let rows = df!("commune" => ["34172", "34172", "34003"], "AM" => [10.0, 5.0, 2.0]).unwrap();
//! // EPCI 0 is 200066355, EPCI 1 is 243400017; the third EPCI has no row.
//! let of_row: [&[(usize, f64)]; 3] = [&[(1, 1.0)], &[(1, 1.0)], &[(0, 1.0)]];
//! let sums = sum_into(&rows, 3, &of_row, &["AM"], None).unwrap();
//! assert_eq!(sums.reached, [0, 1]);
//! assert_eq!(sums.columns[0], [Value(2.0), Value(15.0), Missing]);
//! ```

use polars::prelude::*;

use super::Cell;
use super::secret_rule::{SecretRule, high_column, low_column};
use crate::error::Result;
use crate::ingest::secret_column;

/// The sums of the territories, by number.
#[derive(Debug, Clone, PartialEq)]
pub struct Summed {
    /// The numbers of the territories some row reaches, in order: only they have a sum.
    pub reached: Vec<usize>,
    /// `columns[c][t]`: column `c` summed over territory `t` ([`Cell::Missing`] for a
    /// territory no row reaches).
    pub columns: Vec<Vec<Cell>>,
}

/// What a hidden cell holds: the rule of the rows' source, and the file for its errors.
#[derive(Clone, Copy)]
pub struct Hidden<'a> {
    pub rule: &'a SecretRule,
    pub file: &'a str,
}

/// One column's sums over the territories, as they accumulate row by row.
struct Running {
    values: Vec<f64>,
    /// Some summed cell is secret.
    secret: Vec<bool>,
    /// Some summed cell is empty without being secret.
    missing: Vec<bool>,
    /// The sums of the low and high bounds of the cells, and whether some hidden cell has
    /// no bound by its rule.
    bounds: Option<[(Vec<f64>, Vec<bool>); 2]>,
}

impl Running {
    fn new(territories: usize, bounded: bool) -> Self {
        let bound = || (vec![0.0; territories], vec![false; territories]);
        Running {
            values: vec![0.0; territories],
            secret: vec![false; territories],
            missing: vec![false; territories],
            bounds: bounded.then(|| [bound(), bound()]),
        }
    }

    /// The cell of territory `t`, as the cell arithmetic: a missing cell wins over bounds, a
    /// secret one over a missing one.
    fn cell(&self, t: usize) -> Cell {
        let bounded = self
            .bounds
            .as_ref()
            .and_then(|[low, high]| (!low.1[t] && !high.1[t]).then(|| (low.0[t], high.0[t])));
        match (self.secret[t], self.missing[t], bounded) {
            (true, true, Some(_)) => Cell::Missing,
            (true, _, Some((l, h))) => Cell::between(l, h),
            (true, ..) => Cell::Secret,
            (_, true, _) => Cell::Missing,
            _ => Cell::Value(self.values[t]),
        }
    }
}

/// `columns` of `rows` (numbers, with their `__secret` companions when some cell is
/// secret) summed into `territories` territories, each a number (its rank in code order):
/// `of_row[i]` gives row `i`'s territories with the part of the row each gets (1, except
/// for a commune split since the file's vintage). Only the territories some row reaches have
/// a sum. With the rule of the `hidden` cells, a sum touching them is known between bounds
/// ([`Cell::Bounded`]).
///
/// Each row adds its cells to its territories' sums, in file order: the same inputs give the
/// same last bits.
pub fn sum_into(
    rows: &DataFrame,
    territories: usize,
    of_row: &[&[(usize, f64)]],
    columns: &[&str],
    hidden: Option<Hidden>,
) -> Result<Summed> {
    assert_eq!(of_row.len(), rows.height(), "the territories of each row");
    let numbers = |c: &str| -> Result<Column> { Ok(rows.column(c)?.cast(&DataType::Float64)?) };
    let values: Vec<Column> = columns.iter().map(|c| numbers(c)).collect::<Result<_>>()?;
    let secrets: Vec<Option<&Column>> = columns
        .iter()
        .map(|c| rows.column(&secret_column(c)).ok())
        .collect();
    let bounds = match hidden {
        Some(h) => {
            let exprs = h.rule.bound_columns(rows, columns, h.file)?;
            Some(rows.clone().lazy().select(exprs).collect()?)
        }
        None => None,
    };
    let bound = |c: &str| -> Result<Option<[Column; 2]>> {
        bounds
            .as_ref()
            .map(|b| {
                Ok([
                    b.column(&low_column(c))?.clone(),
                    b.column(&high_column(c))?.clone(),
                ])
            })
            .transpose()
    };
    let bound_columns: Vec<Option<[Column; 2]>> =
        columns.iter().map(|c| bound(c)).collect::<Result<_>>()?;

    let mut reached = vec![false; territories];
    for targets in of_row {
        for &(t, _) in *targets {
            reached[t] = true;
        }
    }
    let mut sums: Vec<Running> = (0..columns.len())
        .map(|_| Running::new(territories, hidden.is_some()))
        .collect();
    for (c, sums) in sums.iter_mut().enumerate() {
        // Read whole, in file order: a chunked array looked up cell by cell finds its chunk
        // each time.
        let value: Vec<Option<f64>> = values[c].f64()?.iter().collect();
        let secret: Vec<bool> = match secrets[c] {
            Some(s) => s.bool()?.iter().map(|b| b == Some(true)).collect(),
            None => vec![false; value.len()],
        };
        let bounds: Option<[Vec<Option<f64>>; 2]> = match &bound_columns[c] {
            Some([low, high]) => Some([low.f64()?.iter().collect(), high.f64()?.iter().collect()]),
            None => None,
        };
        for (i, targets) in of_row.iter().enumerate() {
            let (cell, hidden) = (value[i], secret[i]);
            for &(t, share) in *targets {
                if let Some(v) = cell {
                    sums.values[t] += v * share;
                }
                sums.secret[t] |= hidden;
                sums.missing[t] |= cell.is_none() && !hidden;
                if let (Some(bounds), Some(sums)) = (&bounds, &mut sums.bounds) {
                    for (b, (total, unbounded)) in bounds.iter().zip(sums.iter_mut()) {
                        match b[i] {
                            Some(v) => total[t] += v * share,
                            None => unbounded[t] = true,
                        }
                    }
                }
            }
        }
    }
    Ok(Summed {
        reached: (0..territories).filter(|&t| reached[t]).collect(),
        columns: sums
            .iter()
            .map(|s| {
                (0..territories)
                    .map(|t| match reached[t] {
                        true => s.cell(t),
                        false => Cell::Missing,
                    })
                    .collect()
            })
            .collect(),
    })
}

/// Cells already read (`columns[c][r]`: column `c` of row `r`) summed into `territories`
/// territories, `of_row[r]` giving row `r`'s territory, with the cell arithmetic of [`Cell`]
/// and in row order: the sums [`sum_into`] gives of the frame they were read from.
pub fn sum_cells(territories: usize, of_row: &[Option<usize>], columns: &[Vec<Cell>]) -> Summed {
    let mut reached = vec![false; territories];
    for t in of_row.iter().flatten() {
        reached[*t] = true;
    }
    let columns = columns
        .iter()
        .map(|cells| {
            let mut sums = vec![Cell::Value(0.0); territories];
            for (cell, t) in cells.iter().zip(of_row) {
                if let Some(t) = *t {
                    sums[t] = sums[t] + *cell;
                }
            }
            for (sum, reached) in sums.iter_mut().zip(&reached) {
                if !reached {
                    *sum = Cell::Missing;
                }
            }
            sums
        })
        .collect();
    Summed {
        reached: (0..territories).filter(|&t| reached[t]).collect(),
        columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Missing, Secret, Value};

    fn rows() -> DataFrame {
        df!(
            "code" => ["a", "a", "b", "c", "d"],
            "n" => [Some(1.0), Some(2.0), None, Some(4.0), Some(8.0)],
            "n__secret" => [false, false, true, false, false],
            "m" => [Some(1.0), None, Some(3.0), Some(5.0), Some(7.0)],
        )
        .unwrap()
    }

    #[test]
    fn a_secret_cell_makes_its_sum_secret_and_a_missing_one_missing() {
        // Rows a, b go to T1, c to T2; d goes nowhere.
        let of_row: [&[(usize, f64)]; 5] =
            [&[(0, 1.0)], &[(0, 1.0)], &[(0, 1.0)], &[(1, 1.0)], &[]];
        let sums = sum_into(&rows(), 2, &of_row, &["n", "m"], None).unwrap();
        assert_eq!(sums.reached, [0, 1]);
        // T1 holds a secret n and a missing m; "d" has no link and is left out.
        assert_eq!(sums.columns[0], [Secret, Value(4.0)]);
        assert_eq!(sums.columns[1], [Missing, Value(5.0)]);
    }

    #[test]
    fn a_split_row_gives_each_territory_its_part() {
        // Row c is shared between T1 and T2; d goes to T2.
        let of_row: [&[(usize, f64)]; 5] = [&[], &[], &[], &[(0, 0.25), (1, 0.75)], &[(1, 1.0)]];
        let sums = sum_into(&rows(), 2, &of_row, &["n"], None).unwrap();
        assert_eq!(sums.columns[0], [Value(1.0), Value(11.0)]);
    }

    #[test]
    fn hidden_cells_are_bounded_by_the_rule_and_keep_its_whole_width() {
        use crate::ingest::LINE_COLUMN;
        // Three IRIS of one commune: in the second, `n` alone is hidden (a cell, 0 to 4); the
        // third is hidden whole (`n` 0 to 99, `m` not bounded by the rule).
        let rows = df!(
            "code" => ["a", "a", "a"],
            "n" => [Some(10.0), None, None],
            "n__secret" => [false, true, true],
            "m" => [Some(5.0), Some(6.0), None],
            "m__secret" => [false, false, true],
            LINE_COLUMN => [2u32, 3, 4],
        )
        .unwrap();
        let rule = SecretRule::new(
            Some((0.0, 4.0)),
            [("n".to_string(), (0.0, 99.0))].into_iter().collect(),
        )
        .unwrap();
        let of_row: [&[(usize, f64)]; 3] = [&[(0, 1.0)]; 3];
        let hidden = Hidden {
            rule: &rule,
            file: "iris.csv",
        };
        let sums = sum_into(&rows, 1, &of_row, &["n", "m"], Some(hidden)).unwrap();
        // Nothing disclosed: the sum is 10 plus 0 to 4 plus 0 to 99, the whole width of each
        // hidden cell, so that no published total of the commune gives a hidden cell back.
        assert_eq!(
            sums.columns[0],
            [Cell::Bounded {
                low: 10.0,
                high: 113.0
            }]
        );
        assert_eq!(sums.columns[1], [Secret]);
    }

    #[test]
    fn cells_read_sum_as_the_frame_they_come_from() {
        let of_row: [&[(usize, f64)]; 5] =
            [&[(0, 1.0)], &[(0, 1.0)], &[(0, 1.0)], &[(2, 1.0)], &[]];
        let from_frame = sum_into(&rows(), 3, &of_row, &["n", "m"], None).unwrap();
        let columns = [
            crate::indicators::cell::cells(&rows(), "n").unwrap(),
            crate::indicators::cell::cells(&rows(), "m").unwrap(),
        ];
        let of_row = [Some(0), Some(0), Some(0), Some(2), None];
        let from_cells = sum_cells(3, &of_row, &columns);
        assert_eq!(from_cells, from_frame);
        assert_eq!(from_cells.reached, [0, 2]);
        assert_eq!(from_cells.columns[0], [Secret, Missing, Value(4.0)]);
    }

    #[test]
    fn no_row_reaching_a_territory_gives_no_sum() {
        let of_row: [&[(usize, f64)]; 5] = [&[]; 5];
        let sums = sum_into(&rows(), 1, &of_row, &["n"], None).unwrap();
        assert!(sums.reached.is_empty());
        assert_eq!(sums.columns[0], [Missing]);
    }
}

//! The aggregation engine: the rows of a table summed into territories as one polars lazy
//! plan (the rows joined to the territory each goes to, grouped by territory, summed), with
//! the cell arithmetic of [`Cell`]: a secret cell makes its sum secret, a missing one
//! missing, a row shared between territories (a commune split since the file's vintage)
//! gives each its part.
//!
//! ```
//! use diagterr::indicators::engine::{sum_into, Links};
//! use diagterr::indicators::Cell::Value;
//! use diagterr::polars::prelude::*;
//!
//! // Two IRIS of commune 34172 and one of 34003, summed into their EPCI.
//! let rows = df!("commune" => ["34172", "34172", "34003"], "AM" => [10.0, 5.0, 2.0]).unwrap();
//! let mut links = Links::default();
//! links.push("34172", "243400017", 1.0);
//! links.push("34003", "200066355", 1.0);
//! let sums = sum_into(&rows, "commune", links, &["AM"], None).unwrap();
//! assert_eq!(sums.codes, ["200066355", "243400017"]);
//! assert_eq!(sums.columns[0], [Value(2.0), Value(15.0)]);
//! ```

use polars::prelude::*;

use super::Cell;
use super::secret_rule::{SecretRule, high_column, low_column};
use crate::error::Result;
use crate::ingest::secret_column;

const KEY: &str = "__cle";
const TARGET: &str = "__cible";
const SHARE: &str = "__part";
const ROW: &str = "__rang";

/// Where each key of the rows goes: to one territory or several, with the part of the row
/// each gets (1, except for a split commune). A key with no link is left out of the sums.
/// Borrowed from the rows and the territory: a national file links 35 000 keys.
#[derive(Debug, Default)]
pub struct Links<'a> {
    keys: Vec<&'a str>,
    targets: Vec<&'a str>,
    shares: Vec<f64>,
}

impl<'a> Links<'a> {
    pub fn push(&mut self, key: &'a str, target: &'a str, share: f64) {
        self.keys.push(key);
        self.targets.push(target);
        self.shares.push(share);
    }

    fn frame(self) -> Result<DataFrame> {
        Ok(DataFrame::new(
            self.keys.len(),
            vec![
                Column::new(KEY.into(), self.keys),
                Column::new(TARGET.into(), self.targets),
                Column::new(SHARE.into(), self.shares),
            ],
        )?)
    }
}

/// The flag of a sum that holds a hidden cell its rule does not bound.
fn unbounded(bound: &str) -> String {
    format!("{bound}__sans_borne")
}

/// The sums of each territory reached, sorted by code.
#[derive(Debug, Clone, PartialEq)]
pub struct Summed {
    pub codes: Vec<String>,
    /// `columns[c][t]`: column `c` summed over territory `t`.
    pub columns: Vec<Vec<Cell>>,
}

/// What a hidden cell holds: the rule of the rows' source, and the file for its errors.
#[derive(Clone, Copy)]
pub struct Hidden<'a> {
    pub rule: &'a SecretRule,
    pub file: &'a str,
}

/// `columns` of `rows` (numbers, with their `__secret` companions when some cell is
/// secret) summed by the territory `links` gives to each row's `key`. With the rule of the
/// `hidden` cells, a sum touching them is known between bounds ([`Cell::Bounded`]).
pub fn sum_into(
    rows: &DataFrame,
    key: &str,
    links: Links,
    columns: &[&str],
    hidden: Option<Hidden>,
) -> Result<Summed> {
    let missing = |c: &str| format!("{c}__manquant");
    let mut inputs = vec![col(key).cast(DataType::String).alias(KEY)];
    let mut aggs = Vec::with_capacity(6 * columns.len());
    if let Some(h) = hidden {
        inputs.extend(h.rule.bound_columns(rows, columns, h.file)?);
        for c in columns {
            for bound in [low_column(c), high_column(c)] {
                aggs.push(
                    (col(bound.as_str()) * col(SHARE))
                        .sum()
                        .alias(bound.as_str()),
                );
                // A hidden cell the rule does not bound keeps the sum secret.
                aggs.push(
                    col(bound.as_str())
                        .is_null()
                        .any(true)
                        .alias(unbounded(&bound)),
                );
            }
        }
    }
    for c in columns {
        let secret = secret_column(c);
        inputs.push(col(*c).cast(DataType::Float64));
        inputs.push(match rows.column(&secret) {
            Ok(_) => col(secret.as_str()),
            Err(_) => lit(false).alias(secret.as_str()),
        });
        aggs.push((col(*c) * col(SHARE)).sum().alias(*c));
        aggs.push(col(secret.as_str()).any(true).alias(secret.as_str()));
        aggs.push(
            col(*c)
                .is_null()
                .and(col(secret.as_str()).not())
                .any(true)
                .alias(missing(c)),
        );
    }
    let summed = rows
        .clone()
        .lazy()
        .select(inputs)
        .with_row_index(ROW, None)
        .join(
            links.frame()?.lazy(),
            [col(KEY)],
            [col(KEY)],
            JoinArgs::new(JoinType::Inner),
        )
        // The rows back in file order, so that each sum adds them in that order: the same
        // inputs give the same last bits, whatever order the join leaves them in.
        .sort([ROW], Default::default())
        .group_by([col(TARGET)])
        .agg(aggs)
        .sort([TARGET], Default::default())
        .collect()?;
    let codes = summed
        .column(TARGET)?
        .str()?
        .iter()
        .map(|c| c.unwrap_or("").to_string())
        .collect();
    let columns = columns
        .iter()
        .map(|c| {
            let values = summed.column(c)?.f64()?;
            let secret = summed.column(&secret_column(c))?.bool()?;
            let absent = summed.column(&missing(c))?.bool()?;
            let bounds = match hidden {
                Some(_) => {
                    let (low, high) = (low_column(c), high_column(c));
                    Some((
                        [summed.column(&low)?.f64()?, summed.column(&high)?.f64()?],
                        [
                            summed.column(&unbounded(&low))?.bool()?,
                            summed.column(&unbounded(&high))?.bool()?,
                        ],
                    ))
                }
                None => None,
            };
            Ok((0..summed.height())
                .map(|i| {
                    // The bounds of a sum whose hidden cells the rule bounds, all of them.
                    let bounded =
                        bounds
                            .as_ref()
                            .and_then(|([low, high], [no_low, no_high])| {
                                match (no_low.get(i), no_high.get(i)) {
                                    (Some(false), Some(false)) => low.get(i).zip(high.get(i)),
                                    _ => None,
                                }
                            });
                    match (secret.get(i), absent.get(i), bounded) {
                        // As the cell arithmetic: a missing cell wins over bounds, a secret
                        // one over a missing one.
                        (Some(true), Some(true), Some(_)) => Cell::Missing,
                        (Some(true), _, Some((l, h))) => Cell::between(l, h),
                        (Some(true), ..) => Cell::Secret,
                        (_, Some(true), _) => Cell::Missing,
                        _ => Cell::Value(values.get(i).unwrap_or(0.0)),
                    }
                })
                .collect())
        })
        .collect::<Result<_>>()?;
    Ok(Summed { codes, columns })
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
        let mut links = Links::default();
        links.push("a", "T1", 1.0);
        links.push("b", "T1", 1.0);
        links.push("c", "T2", 1.0);
        let sums = sum_into(&rows(), "code", links, &["n", "m"], None).unwrap();
        assert_eq!(sums.codes, ["T1", "T2"]);
        // T1 holds a secret n and a missing m; "d" has no link and is left out.
        assert_eq!(sums.columns[0], [Secret, Value(4.0)]);
        assert_eq!(sums.columns[1], [Missing, Value(5.0)]);
    }

    #[test]
    fn a_split_row_gives_each_territory_its_part() {
        let mut links = Links::default();
        links.push("c", "T1", 0.25);
        links.push("c", "T2", 0.75);
        links.push("d", "T2", 1.0);
        let sums = sum_into(&rows(), "code", links, &["n"], None).unwrap();
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
        let mut links = Links::default();
        links.push("a", "T", 1.0);
        let hidden = Hidden {
            rule: &rule,
            file: "iris.csv",
        };
        let sums = sum_into(&rows, "code", links, &["n", "m"], Some(hidden)).unwrap();
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
    fn no_row_reaching_a_territory_gives_no_sum() {
        let sums = sum_into(&rows(), "code", Links::default(), &["n"], None).unwrap();
        assert!(sums.codes.is_empty() && sums.columns[0].is_empty());
    }
}

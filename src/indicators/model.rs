//! The indicator model: what a plain indicator of a territory is made of, and its value
//! from the sums of its sources' columns over the territory.
//!
//! A rate is always recomputed from summed stocks at the level of the territory (a ratio
//! of sums, never a mean of rates); a published value is taken as published at its own
//! level and never summed; a share is a stock over the total of the selection.
//!
//! ```
//! use diagterr::indicators::model::{ColumnRef, Indicator, Kind, evaluate};
//! use diagterr::indicators::Cell::Value;
//!
//! let column = |name: &str| ColumnRef { source: 0, column: name.to_string() };
//! // Single-parent families among families with children, per 100.
//! let share = Indicator {
//!     name: "monoparents".into(),
//!     label: "Part des familles monoparentales (%)".into(),
//!     kind: Kind::Ratio {
//!         numerator: vec![column("AM")],
//!         denominator: vec![column("AM"), column("ACAVENF")],
//!         scale: 100.0,
//!     },
//! };
//! // Two territories: AM and ACAVENF summed over their IRIS.
//! let sums = |c: &ColumnRef| match c.column.as_str() {
//!     "AM" => vec![Value(30.0), Value(10.0)],
//!     _ => vec![Value(70.0), Value(290.0)],
//! };
//! let values = evaluate(&[share], &sums, 2);
//! assert_eq!(values.of(0), [Value(30.0), Value(100.0 * 10.0 / 300.0)]);
//! // The whole selection: 40 for 400, not the mean of 30 % and 3,3 %.
//! assert_eq!(values.total[0], Value(10.0));
//! ```

use super::Cell;

/// A column of one of the query's sources.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnRef {
    /// Index of the source in the query's list.
    pub source: usize,
    pub column: String,
}

/// What an indicator is made of.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A count: the sum of columns (`ENF_11_14 + ENF_15_17`), summed up the levels; the
    /// count of a type of service, when the source is an inventory (its columns are the
    /// types, counted per territory).
    Stock(Vec<ColumnRef>),
    /// `scale × Σ numerator / Σ denominator`, from the sums at each level.
    Ratio {
        numerator: Vec<ColumnRef>,
        denominator: Vec<ColumnRef>,
        scale: f64,
    },
    /// A value published at the query's level (a Cnaf rate, a Filosofi median): taken as
    /// it is; the selection has none.
    Published(ColumnRef),
    /// A stock (the index of another indicator, of kind `Stock`) as a percentage of the
    /// selection's total of it.
    Share(usize),
}

impl Kind {
    /// A count: it changes in units and in percent, where a rate or a share changes in points.
    pub fn is_count(&self) -> bool {
        matches!(self, Kind::Stock(_))
    }

    /// Whether the selection has a total of it: a published value has none.
    pub fn has_total(&self) -> bool {
        !matches!(self, Kind::Published(_))
    }

    /// Whether the selection as a whole has a value worth showing: a published value has none,
    /// and a share of the selection is 100 % of it.
    pub fn shows_selection(&self) -> bool {
        !matches!(self, Kind::Published(_) | Kind::Share(_))
    }

    /// Whether a wider territory (a département, France) has a value of it: a share of the
    /// selection has none.
    pub fn holds_beyond_selection(&self) -> bool {
        !matches!(self, Kind::Share(_))
    }
}

/// A named indicator of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The key of the query (`monoparents`).
    pub name: String,
    /// The French label of headers and legends.
    pub label: String,
    pub kind: Kind,
}

impl Indicator {
    /// The columns its value is made of.
    pub fn columns(&self) -> Vec<&ColumnRef> {
        match &self.kind {
            Kind::Stock(c) => c.iter().collect(),
            Kind::Ratio {
                numerator,
                denominator,
                ..
            } => numerator.iter().chain(denominator).collect(),
            Kind::Published(c) => vec![c],
            Kind::Share(_) => Vec::new(),
        }
    }

    /// The cell as a table writes it (CSV, xlsx, Markdown): a stock with the decimals it has
    /// ([`crate::format::count`]: 0,5 is not written 0), a rate or a share to 0,1.
    pub fn table_label(&self, cell: Cell) -> String {
        match (&self.kind, cell) {
            (Kind::Stock(_), Cell::Value(v)) => crate::format::count(v),
            _ => cell.table_label(self.decimals()),
        }
    }

    /// Decimals shown on maps and legends: none for a count, one for a rate or a share.
    pub fn decimals(&self) -> usize {
        match self.kind {
            Kind::Stock(_) => 0,
            _ => 1,
        }
    }
}

/// The values of the indicators: per territory, and for the whole selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Values {
    /// `by_indicator[i][u]`: indicator `i` of territory `u` (see [`Values::of`]).
    by_indicator: Vec<Vec<Cell>>,
    /// Kept apart from `by_indicator`, which has no row to count them by when there is no indicator.
    territories: usize,
    /// Indicator `i` over the whole selection: stocks summed, rates of the summed stocks,
    /// shares of 100 %, published values missing (a published value has no total). The
    /// territories a source lacks are left out of it (see `absent`); a secret one makes it
    /// secret.
    pub total: Vec<Cell>,
    /// Per indicator, the territories left out of the total because a sum it is made of is
    /// missing (a zero denominator gives no rate, but its territory counts in the total).
    pub absent: Vec<usize>,
    /// Shares whose total is zero: no share can be computed (« donnée absente »).
    pub zero_totals: Vec<usize>,
}

impl Values {
    /// Indicator `i` of every territory, in the territories' order.
    pub fn of(&self, i: usize) -> &[Cell] {
        &self.by_indicator[i]
    }

    /// Indicator `i` of territory `u`.
    pub fn get(&self, u: usize, i: usize) -> Cell {
        self.by_indicator[i][u]
    }

    /// Every indicator of territory `u`, in the indicators' order.
    pub fn of_territory(&self, u: usize) -> Vec<Cell> {
        self.by_indicator.iter().map(|v| v[u]).collect()
    }

    /// How many territories the values are of.
    pub fn territories(&self) -> usize {
        self.territories
    }

    /// Every indicator over the territories `subset` together (the first N of a sorted table):
    /// a stock summed, a share the share of their summed stock in the selection's total (« 55 %
    /// des enfants vivent dans trois EPCI »); a ratio or a published value has no such
    /// combined value here (missing).
    pub fn of_subset(&self, indicators: &[Indicator], subset: &[usize]) -> Vec<Cell> {
        let sum = |i: usize| Cell::sum(subset.iter().map(|&u| self.by_indicator[i][u]));
        indicators
            .iter()
            .enumerate()
            .map(|(i, indicator)| match indicator.kind {
                Kind::Stock(_) => sum(i),
                Kind::Share(of) => Cell::share(sum(of), self.total[of]),
                _ => Cell::Missing,
            })
            .collect()
    }

    /// Indicator `i` over every territory or none: missing when one is left out of the total
    /// (secret when one is secret), where a total over fewer territories would mislead (a
    /// year against another, France from its départements).
    pub fn total_of_all(&self, i: usize) -> Cell {
        self.total_of_found(i, 0)
    }

    /// Indicator `i` over the territories its files have, `unfound` of them having no row
    /// in a file: missing when another is left out of the total (a count left empty), where
    /// a total over fewer territories would mislead. The territories a file does not have
    /// are listed without a value, not counted (a score's reference of flags).
    pub fn total_of_found(&self, i: usize, unfound: usize) -> Cell {
        if self.absent[i] > unfound {
            self.total[i] + Cell::Missing
        } else {
            self.total[i]
        }
    }
}

/// The indicators of `n` territories, from `sums(column)`: the column summed over each
/// territory, in the territories' order.
pub fn evaluate<C: AsRef<[Cell]>>(
    indicators: &[Indicator],
    sums: &dyn Fn(&ColumnRef) -> C,
    n: usize,
) -> Values {
    // What the selection's total adds up: the territories with a value (or a secret).
    let known = |cells: &[Cell]| -> Cell {
        Cell::sum(cells.iter().copied().filter(|c| *c != Cell::Missing))
    };
    let mut absent = Vec::with_capacity(indicators.len());
    let summed = |columns: &[ColumnRef]| -> Vec<Cell> {
        let each: Vec<C> = columns.iter().map(sums).collect();
        (0..n)
            .map(|u| Cell::sum(each.iter().map(|c| c.as_ref()[u])))
            .collect()
    };
    let mut by_indicator: Vec<Vec<Cell>> = Vec::with_capacity(indicators.len());
    let mut total = Vec::with_capacity(indicators.len());
    for indicator in indicators {
        let (values, all, left_out) = match &indicator.kind {
            Kind::Stock(columns) => {
                let values = summed(columns);
                let all = known(&values);
                let left_out = values.iter().filter(|c| **c == Cell::Missing).count();
                (values, all, left_out)
            }
            Kind::Ratio {
                numerator,
                denominator,
                scale,
            } => {
                // Each column once, with how many times it stands on each side: a hidden
                // cell on both sides moves both at once (see `Cell::ratio_of_columns`).
                let mut columns: Vec<(&ColumnRef, f64, f64)> = Vec::new();
                for (c, side) in numerator
                    .iter()
                    .map(|c| (c, 0))
                    .chain(denominator.iter().map(|c| (c, 1)))
                {
                    let at = match columns.iter().position(|(k, ..)| *k == c) {
                        Some(at) => at,
                        None => {
                            columns.push((c, 0.0, 0.0));
                            columns.len() - 1
                        }
                    };
                    match side {
                        0 => columns[at].1 += 1.0,
                        _ => columns[at].2 += 1.0,
                    }
                }
                let each: Vec<C> = columns.iter().map(|(c, ..)| sums(c)).collect();
                let each: Vec<&[Cell]> = each.iter().map(AsRef::as_ref).collect();
                // Each side summed from its columns read once.
                let side = |list: &[ColumnRef]| -> Vec<Cell> {
                    let at: Vec<usize> = list
                        .iter()
                        .map(|c| {
                            columns
                                .iter()
                                .position(|(k, ..)| *k == c)
                                .expect("a column of the ratio")
                        })
                        .collect();
                    (0..n)
                        .map(|u| Cell::sum(at.iter().map(|&k| each[k][u])))
                        .collect()
                };
                let (num, den) = (side(numerator), side(denominator));
                let rate = |num: Cell, den: Cell, cells: &dyn Fn(usize) -> Cell| -> Cell {
                    // The columns are looked at only for bounds (35 000 communes: no list each).
                    match Cell::ratio(num, den, *scale) {
                        Cell::Bounded { .. } => {
                            let terms: Vec<(Cell, f64, f64)> = columns
                                .iter()
                                .enumerate()
                                .map(|(k, (_, n, d))| (cells(k), *n, *d))
                                .collect();
                            Cell::ratio_of_columns(num, den, &terms, *scale)
                        }
                        exact => exact,
                    }
                };
                let values: Vec<Cell> = (0..n)
                    .map(|u| rate(num[u], den[u], &|k| each[k][u]))
                    .collect();
                // Both sums over the same territories: those where neither is missing.
                let with: Vec<usize> = (0..n)
                    .filter(|&u| num[u] != Cell::Missing && den[u] != Cell::Missing)
                    .collect();
                let over_with = |cells: &[Cell]| {
                    Cell::sum(
                        with.iter()
                            .map(|&u| cells[u])
                            .filter(|c| *c != Cell::Missing),
                    )
                };
                let all = rate(over_with(&num), over_with(&den), &|k| over_with(each[k]));
                // A zero denominator gives no rate but stays in the total.
                let left_out = n - with.len();
                (values, all, left_out)
            }
            Kind::Published(column) => {
                let values = sums(column).as_ref().to_vec();
                let left_out = values.iter().filter(|c| **c == Cell::Missing).count();
                (values, Cell::Missing, left_out)
            }
            // Once every stock is known, below.
            Kind::Share(_) => (Vec::new(), Cell::Missing, 0),
        };
        absent.push(left_out);
        by_indicator.push(values);
        total.push(all);
    }
    let mut zero_totals = Vec::new();
    for (i, indicator) in indicators.iter().enumerate() {
        if let Kind::Share(stock) = indicator.kind {
            let all = total[stock];
            if all == Cell::Value(0.0) {
                zero_totals.push(i);
            }
            by_indicator[i] = by_indicator[stock]
                .iter()
                .map(|s| Cell::share(*s, all))
                .collect();
            total[i] = Cell::share(all, all);
            absent[i] = absent[stock];
        }
    }
    Values {
        by_indicator,
        territories: n,
        total,
        absent,
        zero_totals,
    }
}

/// Indicators of one source (`0`) for the unit tests of the modules that use them.
#[cfg(test)]
impl Indicator {
    /// A count of `column`, labelled `label`.
    pub(crate) fn test_stock(label: &str, column: &str) -> Indicator {
        Indicator {
            name: label.to_lowercase(),
            label: label.into(),
            kind: Kind::Stock(vec![ColumnRef::test(column)]),
        }
    }

    /// A rate per 100 of `numerator` over `denominator`, labelled `label`.
    pub(crate) fn test_rate(label: &str, numerator: &str, denominator: &str) -> Indicator {
        Indicator {
            name: label.to_lowercase(),
            label: label.into(),
            kind: Kind::Ratio {
                numerator: vec![ColumnRef::test(numerator)],
                denominator: vec![ColumnRef::test(denominator)],
                scale: 100.0,
            },
        }
    }
}

#[cfg(test)]
impl ColumnRef {
    pub(crate) fn test(column: &str) -> ColumnRef {
        ColumnRef {
            source: 0,
            column: column.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Missing, Secret, Value};

    fn column(name: &str) -> ColumnRef {
        ColumnRef {
            source: 0,
            column: name.into(),
        }
    }

    #[test]
    fn what_each_kind_shows_of_the_selection_and_beyond() {
        let stock = Kind::Stock(vec![column("ENF")]);
        let ratio = Kind::Ratio {
            numerator: vec![column("A")],
            denominator: vec![column("B")],
            scale: 100.0,
        };
        let published = Kind::Published(column("TAUX"));
        let share = Kind::Share(0);
        let said = |k: &Kind| {
            (
                k.is_count(),
                k.has_total(),
                k.shows_selection(),
                k.holds_beyond_selection(),
            )
        };
        assert_eq!(said(&stock), (true, true, true, true));
        assert_eq!(said(&ratio), (false, true, true, true));
        // A published value is taken as it is: the selection has none, a wider territory has its own.
        assert_eq!(said(&published), (false, false, false, true));
        // A share of the selection is 100 % of it, and nothing of a wider territory.
        assert_eq!(said(&share), (false, true, false, false));
    }

    fn indicator(name: &str, kind: Kind) -> Indicator {
        Indicator {
            name: name.into(),
            label: name.into(),
            kind,
        }
    }

    /// Three territories: children 11-14 and 15-17, places, and a published rate.
    fn sums(c: &ColumnRef) -> Vec<Cell> {
        match c.column.as_str() {
            "ENF_11_14" => vec![Value(100.0), Value(50.0), Value(10.0)],
            "ENF_15_17" => vec![Value(80.0), Secret, Value(10.0)],
            "places" => vec![Value(30.0), Value(20.0), Value(0.0)],
            "enfants" => vec![Value(100.0), Value(200.0), Value(0.0)],
            "txcouv" => vec![Value(58.3), Secret, Missing],
            "enfants_partiel" => vec![Value(100.0), Value(200.0), Missing],
            other => panic!("{other}"),
        }
    }

    #[test]
    fn a_total_of_the_found_territories_is_missing_only_when_a_found_one_lacks_a_count() {
        let children = indicator("enfants", Kind::Stock(vec![column("enfants_partiel")]));
        // The third territory is left out of the total.
        let v = evaluate(&[children], &sums, 3);
        assert_eq!(v.absent, [1]);
        assert_eq!(v.total_of_all(0), Missing);
        // Absent from the file: the total of the two others stands.
        assert_eq!(v.total_of_found(0, 1), Value(300.0));
        // In the file with its count left empty: no total.
        assert_eq!(v.total_of_found(0, 0), Missing);
    }

    #[test]
    fn a_stock_is_the_sum_of_its_columns_and_a_secret_cell_keeps_it_secret() {
        let teens = indicator(
            "ados",
            Kind::Stock(vec![column("ENF_11_14"), column("ENF_15_17")]),
        );
        let v = evaluate(&[teens], &sums, 3);
        assert_eq!(v.of(0), [Value(180.0), Secret, Value(20.0)]);
        assert_eq!(v.total, [Secret]);
    }

    #[test]
    fn a_rate_is_recomputed_from_the_sums_never_a_mean_of_rates() {
        let rate = indicator(
            "couverture",
            Kind::Ratio {
                numerator: vec![column("places")],
                denominator: vec![column("enfants")],
                scale: 100.0,
            },
        );
        let v = evaluate(&[rate], &sums, 3);
        assert_eq!(v.of(0), [Value(30.0), Value(10.0), Missing]);
        // 50 places for 300 children: 16,7 %, not the mean of 30 % and 10 % (20 %).
        assert_eq!(v.total, [Value(100.0 * 50.0 / 300.0)]);
        // The third territory has no rate (no child) but is in the total: not left out.
        assert_eq!(v.absent, [0]);
    }

    #[test]
    fn a_territory_without_value_is_left_out_of_the_total_and_counted() {
        let partial = |c: &ColumnRef| match c.column.as_str() {
            "places" => vec![Value(30.0), Missing, Value(10.0)],
            _ => vec![Value(100.0), Value(50.0), Value(100.0)],
        };
        let rate = indicator(
            "couverture",
            Kind::Ratio {
                numerator: vec![column("places")],
                denominator: vec![column("enfants")],
                scale: 100.0,
            },
        );
        let stock = indicator("places", Kind::Stock(vec![column("places")]));
        let v = evaluate(&[rate, stock], &partial, 3);
        // 40 places for the 200 children of the two territories with places.
        assert_eq!(v.total, [Value(20.0), Value(40.0)]);
        assert_eq!(v.absent, [1, 1]);
    }

    #[test]
    fn a_published_value_is_taken_as_published_and_has_no_total() {
        let published = indicator("publie", Kind::Published(column("txcouv")));
        let v = evaluate(&[published], &sums, 3);
        assert_eq!(v.of(0), [Value(58.3), Secret, Missing]);
        assert_eq!(v.total, [Missing]);
    }

    #[test]
    fn a_share_of_the_selection_and_its_secret_or_zero_total() {
        let places = indicator("places", Kind::Stock(vec![column("places")]));
        let teens = indicator(
            "ados",
            Kind::Stock(vec![column("ENF_11_14"), column("ENF_15_17")]),
        );
        let v = evaluate(
            &[
                places,
                indicator("part", Kind::Share(0)),
                teens,
                indicator("part_ados", Kind::Share(2)),
            ],
            &sums,
            3,
        );
        // 30, 20 and 0 places of 50.
        assert_eq!(v.of(1), [Value(60.0), Value(40.0), Value(0.0)]);
        assert_eq!(v.total[1], Value(100.0));
        // One secret stock hides the total: no share is known.
        assert!(v.of(3).iter().all(|c| *c == Secret));
        assert!(v.zero_totals.is_empty());
        let none = |_: &ColumnRef| vec![Value(0.0), Value(0.0)];
        let v = evaluate(
            &[
                indicator("places", Kind::Stock(vec![column("places")])),
                indicator("part", Kind::Share(0)),
            ],
            &none,
            2,
        );
        assert_eq!(v.zero_totals, [1]);
        assert_eq!(v.get(0, 1), Missing);
    }

    #[test]
    fn the_first_territories_together_are_summed_and_their_share_taken_of_the_whole() {
        let indicators = [
            indicator("places", Kind::Stock(vec![column("places")])),
            indicator("part", Kind::Share(0)),
            indicator(
                "taux",
                Kind::Ratio {
                    numerator: vec![column("places")],
                    denominator: vec![column("enfants")],
                    scale: 100.0,
                },
            ),
        ];
        let v = evaluate(&indicators, &sums, 3);
        // The first two: 30 + 20 places of 50, 100 %; no combined rate here.
        assert_eq!(
            v.of_subset(&indicators, &[0, 1]),
            [Value(50.0), Value(100.0), Missing]
        );
        assert_eq!(
            v.of_subset(&indicators, &[1]),
            [Value(20.0), Value(40.0), Missing]
        );
    }
}

//! The state of one indicator value: a number, a value known between two bounds (a sum
//! touching secret cells whose rule is known), a *secret statistique*, a sum its source covers
//! in part, or missing.

use polars::prelude::*;

use crate::error::Result;
use crate::format;
use crate::ingest::secret_column;

/// A value as published or computed. A secret is neither zero nor missing: it
/// propagates through sums and ratios and is shown as such.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    /// A value somewhere between `low` and `high` (`low < high`): a sum touching secret cells
    /// whose source declares what a hidden cell can hold (from 0 to 4, say), and what is
    /// computed from it. The true value always lies within.
    Bounded {
        low: f64,
        high: f64,
    },
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

    /// The lowest and highest the value can be: a number's are itself.
    pub fn bounds(self) -> Option<(f64, f64)> {
        match self {
            Cell::Value(v) => Some((v, v)),
            Cell::Bounded { low, high } => Some((low, high)),
            _ => None,
        }
    }

    /// The cell of a value between `low` and `high`: a number when they meet.
    pub fn between(low: f64, high: f64) -> Cell {
        if low == high {
            Cell::Value(low)
        } else {
            Cell::Bounded { low, high }
        }
    }

    /// The cell for a method that decides on numbers only: bounds are secret there, as
    /// without the rule of the secret.
    pub fn strict(self) -> Cell {
        match self {
            Cell::Bounded { .. } => Cell::Secret,
            c => c,
        }
    }

    /// The value a list or a map shows: the number, or the middle of the bounds (with its
    /// « ≈ » in labels).
    pub fn shown(self) -> Option<f64> {
        self.bounds().map(|(l, h)| (l + h) / 2.0)
    }

    /// French text for maps, lists and tooltips: `64,2`, `≈ 18,5`, `secret`, or empty.
    pub fn label(self, decimals: usize) -> String {
        let mut s = String::new();
        self.push_label(&mut s, decimals);
        s
    }

    /// [`Cell::label`] written at the end of `out`.
    pub fn push_label(self, out: &mut String, decimals: usize) {
        match self {
            Cell::Value(v) => format::push_decimal(out, v, decimals),
            Cell::Bounded { .. } => {
                out.push_str("≈ ");
                format::push_decimal(out, self.shown().unwrap_or_default(), decimals);
            }
            Cell::Secret => out.push_str("secret"),
            Cell::Partial => out.push_str("partiel"),
            Cell::Missing => {}
        }
    }

    /// Why a cell gives no single number where one is needed (a threshold, a filter bound),
    /// as the end of « la ligne … est … »: `secrète`, `connue seulement entre 17,2 et 19,8`…
    pub fn why_not_a_number(self, decimals: usize) -> String {
        match self {
            Cell::Value(_) => "un nombre".to_string(),
            Cell::Bounded { low, high } => format!(
                "connue seulement entre {} et {} (secret borné)",
                format::decimal(low, decimals),
                format::decimal(high, decimals)
            ),
            Cell::Secret => "secrète".to_string(),
            Cell::Partial => "partielle (sa source en couvre une partie)".to_string(),
            Cell::Missing => "sans valeur".to_string(),
        }
    }

    /// French text for tables, bounds included: `≈ 18,5 (17,2 à 19,8)`.
    pub fn table_label(self, decimals: usize) -> String {
        let mut s = String::new();
        self.push_table_label(&mut s, decimals);
        s
    }

    /// [`Cell::table_label`] written at the end of `out`.
    pub fn push_table_label(self, out: &mut String, decimals: usize) {
        self.push_label(out, decimals);
        if let Cell::Bounded { low, high } = self {
            out.push_str(" (");
            format::push_decimal(out, low, decimals);
            out.push_str(" à ");
            format::push_decimal(out, high, decimals);
            out.push(')');
        }
    }
}

/// The one cell arithmetic of the engine: how a bounded, a secret, a partial or a missing
/// value goes through a sum, a share of a split commune, a ratio, a difference. A secret wins
/// over the others (what is hidden is known to exist), a partial sum over a missing value
/// (part of it is known), a missing value over bounds, bounds over a number.
impl Cell {
    /// The state that wins over two cells, when one of them is not a number or bounds.
    fn state(self, other: Cell) -> Option<Cell> {
        match (self, other) {
            (Cell::Secret, _) | (_, Cell::Secret) => Some(Cell::Secret),
            (Cell::Partial, _) | (_, Cell::Partial) => Some(Cell::Partial),
            (Cell::Missing, _) | (_, Cell::Missing) => Some(Cell::Missing),
            _ => None,
        }
    }

    /// `f` of the bounds of two cells (the lowest and highest results), or the state that wins.
    fn combined(self, other: Cell, f: impl FnOnce((f64, f64), (f64, f64)) -> (f64, f64)) -> Cell {
        match (self.state(other), self.bounds(), other.bounds()) {
            (Some(state), _, _) => state,
            (None, Some(x), Some(y)) => {
                let (low, high) = f(x, y);
                Cell::between(low, high)
            }
            _ => unreachable!("a cell without bounds is a state"),
        }
    }
}

impl std::ops::Add for Cell {
    type Output = Cell;

    /// A sum that touches a secret cell is secret; a missing cell makes it missing; bounds
    /// add up.
    fn add(self, other: Cell) -> Cell {
        // Two numbers, the most frequent sum, without going through their bounds.
        if let (Cell::Value(a), Cell::Value(b)) = (self, other) {
            return Cell::between(a + b, a + b);
        }
        self.combined(other, |(a, b), (c, d)| (a + c, b + d))
    }
}

/// A difference (a change between two years, in points for a rate), as a sum: the two
/// values are of different cells, free of each other.
impl std::ops::Sub for Cell {
    type Output = Cell;

    fn sub(self, other: Cell) -> Cell {
        self.combined(other, |(a, b), (c, d)| (a - d, b - c))
    }
}

impl Cell {
    /// The change of a count from `first` to `last`, in percent; missing from zero, secret
    /// when the first count may be zero.
    pub fn relative_change(first: Cell, last: Cell) -> Cell {
        match (first.state(last), first.bounds(), last.bounds()) {
            (Some(state), ..) => state,
            (None, Some((low, high)), _) if low <= 0.0 => match high <= 0.0 {
                true => Cell::Missing,
                false => Cell::Secret,
            },
            (None, ..) if let (Cell::Value(a), Cell::Value(b)) = (first, last) => {
                Cell::Value(100.0 * (b - a) / a)
            }
            (None, Some(a), Some(b)) => {
                let (low, high) = ratio_bounds(b, a);
                Cell::between(100.0 * (low - 1.0), 100.0 * (high - 1.0))
            }
            _ => unreachable!("a cell without bounds is a state"),
        }
    }

    /// The part `share` of a count (a piece of a commune split since a file's vintage).
    pub fn scaled(self, share: f64) -> Cell {
        match self.bounds() {
            Some((low, high)) => Cell::between(low * share, high * share),
            None => self,
        }
    }

    /// `scale × num / den`, a rate of sums whose numerator and denominator share no hidden
    /// cell (see [`Cell::ratio_of_columns`] when they do); a zero denominator gives a missing
    /// rate, one that may be zero a secret one.
    pub fn ratio(num: Cell, den: Cell, scale: f64) -> Cell {
        match (num.state(den), num.bounds(), den.bounds()) {
            (Some(state), ..) => state,
            (None, _, Some((_, high))) if high <= 0.0 => Cell::Missing,
            (None, _, Some((low, _))) if low <= 0.0 => Cell::Secret,
            (None, ..) if let (Cell::Value(n), Cell::Value(d)) = (num, den) => {
                Cell::Value(scale * n / d)
            }
            (None, Some(n), Some(d)) => {
                let (low, high) = ratio_bounds(n, d);
                Cell::between(scale * low, scale * high)
            }
            _ => unreachable!("a cell without bounds is a state"),
        }
    }

    /// `scale × Σ num / Σ den` from each column's sum `(cell, times in the numerator, times in
    /// the denominator)`. A column on both sides (single parents among all families) moves both
    /// at once: the bounds are those of the rate over every corner of the shared columns'
    /// bounds (a linear-fractional function is extreme at a corner), the others taken at the
    /// ends that widen it, not those of two free sums.
    /// `num` and `den` are the two sums.
    pub fn ratio_of_columns(
        num: Cell,
        den: Cell,
        columns: &[(Cell, f64, f64)],
        scale: f64,
    ) -> Cell {
        let free = Cell::ratio(num, den, scale);
        let Cell::Bounded { .. } = free else {
            return free;
        };
        let (mut num, mut den) = ((0.0, 0.0), (0.0, 0.0));
        let mut shared = Vec::new();
        for &(cell, n, d) in columns {
            let Some((low, high)) = cell.bounds() else {
                return free;
            };
            if n != 0.0 && d != 0.0 && low != high {
                shared.push((low, high, n, d));
            } else {
                num = (num.0 + n * low, num.1 + n * high);
                den = (den.0 + d * low, den.1 + d * high);
            }
        }
        if shared.is_empty() || shared.len() > 12 {
            return free;
        }
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for corner in 0u32..(1 << shared.len()) {
            let (mut n, mut d) = (num, den);
            for (k, &(l, h, times_n, times_d)) in shared.iter().enumerate() {
                let v = if corner & (1 << k) != 0 { h } else { l };
                n = (n.0 + times_n * v, n.1 + times_n * v);
                d = (d.0 + times_d * v, d.1 + times_d * v);
            }
            let (l, h) = ratio_bounds(n, d);
            low = low.min(l);
            high = high.max(h);
        }
        Cell::between(scale * low, scale * high)
    }

    /// `100 × part / whole` where `whole` holds `part` (a territory's stock in the selection's
    /// total): the share is highest with the part at its high end and the rest at its low one.
    pub fn share(part: Cell, whole: Cell) -> Cell {
        match (part.state(whole), part.bounds(), whole.bounds()) {
            (Some(state), ..) => state,
            (None, Some((pl, ph)), Some((wl, wh))) if pl == ph && wl == wh => {
                Cell::ratio(part, whole, 100.0)
            }
            (None, Some((pl, ph)), Some((wl, wh))) => {
                // The rest of the whole, free of the part.
                let (rl, rh) = (wl - pl, wh - ph);
                match (pl + rh, ph + rl) {
                    (_, top) if top <= 0.0 => Cell::Missing,
                    (bottom, _) if bottom <= 0.0 => Cell::Secret,
                    (bottom, top) => Cell::between(100.0 * pl / bottom, 100.0 * ph / top),
                }
            }
            _ => unreachable!("a cell without bounds is a state"),
        }
    }

    /// The sum of `cells` (0 for none).
    pub fn sum(cells: impl IntoIterator<Item = Cell>) -> Cell {
        cells.into_iter().fold(Cell::Value(0.0), |a, b| a + b)
    }
}

/// The lowest and highest `n / d` for `n` and `d` free within their bounds, `d` above zero: at
/// the corners.
fn ratio_bounds((nl, nh): (f64, f64), (dl, dh): (f64, f64)) -> (f64, f64) {
    let corners = [nl / dl, nl / dh, nh / dl, nh / dh];
    let low = corners.iter().copied().fold(f64::INFINITY, f64::min);
    let high = corners.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (low, high)
}

/// The columns holding the low and high bounds of the bounded cells of column `name` in a
/// frame (null where the cell is not bounded).
pub fn bound_columns(name: &str) -> [String; 2] {
    [format!("{name}__min"), format!("{name}__max")]
}

/// The cells of a numeric column, its `__secret` companion (absent companion: nothing is
/// secret) and its bounds (see [`bound_columns`]; absent: nothing is bounded).
pub fn cells(df: &DataFrame, name: &str) -> Result<Vec<Cell>> {
    let values = df.column(name)?.f64()?;
    let secret_name = secret_column(name);
    let secrets = match df.column(&secret_name) {
        Ok(c) => Some(c.bool()?),
        Err(_) => None,
    };
    let [low, high] = bound_columns(name);
    let bounds = match (df.column(&low), df.column(&high)) {
        (Ok(l), Ok(h)) => Some((l.f64()?, h.f64()?)),
        _ => None,
    };
    let mut cells: Vec<Cell> = values
        .iter()
        .map(|v| v.map_or(Cell::Missing, Cell::Value))
        .collect();
    // Bounds over the value, a secret over both.
    if let Some((low, high)) = bounds {
        for (cell, bounds) in cells.iter_mut().zip(low.iter().zip(high.iter())) {
            if let (Some(low), Some(high)) = bounds {
                *cell = Cell::between(low, high);
            }
        }
    }
    if let Some(secrets) = secrets {
        for (cell, secret) in cells.iter_mut().zip(secrets.iter()) {
            if secret == Some(true) {
                *cell = Cell::Secret;
            }
        }
    }
    Ok(cells)
}

#[cfg(test)]
mod tests {
    use super::Cell::{self, Bounded, Missing, Partial, Secret, Value};

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

    fn close(cell: Cell, low: f64, high: f64) -> bool {
        let (l, h) = cell.bounds().unwrap();
        (l - low).abs() < 1e-9 && (h - high).abs() < 1e-9
    }

    #[test]
    fn bounds_add_up_and_a_state_wins_over_them() {
        let hidden = Cell::between(0.0, 4.0);
        assert_eq!(
            Value(30.0) + hidden,
            Bounded {
                low: 30.0,
                high: 34.0
            }
        );
        assert_eq!(
            hidden + hidden,
            Bounded {
                low: 0.0,
                high: 8.0
            }
        );
        assert_eq!(hidden + Secret, Secret);
        assert_eq!(hidden + Missing, Missing);
        assert_eq!(hidden + Partial, Partial);
        // A change between two years: the two ends apart.
        assert_eq!(
            Value(10.0) - hidden,
            Bounded {
                low: 6.0,
                high: 10.0
            }
        );
        assert_eq!(
            hidden.scaled(0.5),
            Bounded {
                low: 0.0,
                high: 2.0
            }
        );
        assert_eq!(Cell::between(3.0, 3.0), Value(3.0));
        assert_eq!(hidden.label(1), "≈ 2,0");
        assert_eq!((Value(17.0) + hidden).table_label(0), "≈ 19 (17 à 21)");
    }

    #[test]
    fn a_ratio_whose_numerator_and_denominator_share_a_hidden_cell() {
        // Single parents among families: AM = 30 and a hidden IRIS cell from 0 to 4, couples
        // with children 70. The same hidden s is on both sides: (30 + s) / (100 + s).
        let am = Value(30.0) + Cell::between(0.0, 4.0);
        let couples = Value(70.0);
        let rate = Cell::ratio_of_columns(
            am,
            am + couples,
            &[(am, 1.0, 1.0), (couples, 0.0, 1.0)],
            100.0,
        );
        assert!(close(rate, 30.0, 100.0 * 34.0 / 104.0), "{rate:?}");
        // Taken as two free sums, the bounds would be wider: 30/104 to 34/100.
        let free = Cell::ratio(am, am + couples, 100.0);
        assert!(close(free, 100.0 * 30.0 / 104.0, 34.0), "{free:?}");
        // A column on one side only is free: places over children, children hidden.
        let children = Value(96.0) + Cell::between(0.0, 4.0);
        let rate = Cell::ratio_of_columns(
            Value(50.0),
            children,
            &[(Value(50.0), 1.0, 0.0), (children, 0.0, 1.0)],
            100.0,
        );
        assert!(close(rate, 50.0, 100.0 * 50.0 / 96.0), "{rate:?}");
        // A denominator that may be zero leaves the rate unknown; one that is zero, missing.
        assert_eq!(
            Cell::ratio(Value(1.0), Cell::between(0.0, 4.0), 100.0),
            Secret
        );
        assert_eq!(
            Cell::ratio_of_columns(Value(0.0), Value(0.0), &[(Value(0.0), 1.0, 1.0)], 100.0),
            Missing
        );
    }

    #[test]
    fn a_share_of_a_total_that_holds_it_and_a_change_from_bounds() {
        // 20 to 24 of a total of 100 to 108 (the rest 80 to 84): 20/104 to 24/104.
        let part = Value(20.0) + Cell::between(0.0, 4.0);
        let whole = part + Value(80.0) + Cell::between(0.0, 4.0);
        let share = Cell::share(part, whole);
        assert!(
            close(share, 100.0 * 20.0 / 104.0, 100.0 * 24.0 / 104.0),
            "{share:?}"
        );
        assert_eq!(Cell::share(Value(30.0), Value(120.0)), Value(25.0));
        assert_eq!(Cell::share(Value(0.0), Value(0.0)), Missing);
        // From 100 to 104, to 110: + 5,8 % to + 10 %.
        let change = Cell::relative_change(Value(100.0) + Cell::between(0.0, 4.0), Value(110.0));
        assert!(
            close(change, 100.0 * (110.0 / 104.0 - 1.0), 10.0),
            "{change:?}"
        );
        assert_eq!(
            Cell::relative_change(Cell::between(0.0, 4.0), Value(3.0)),
            Secret
        );
    }

    proptest::proptest! {
        /// The true value, drawn inside the bounds of each hidden cell, lies within the
        /// computed bounds of a ratio whose columns are on either side or both.
        #[test]
        fn the_true_rate_lies_within_its_bounds(
            columns in proptest::collection::vec(
                (0.0f64..500.0, 0.0f64..5.0, 0.0f64..1.0, 0u8..3), 1..6),
        ) {
            // Each column: a known part, a hidden width, where the truth lies in it, and
            // its side (0 numerator, 1 denominator, 2 both).
            let cell = |known: f64, width: f64| Value(known) + Cell::between(0.0, width);
            let sides = |side: u8| match side { 0 => (1.0, 0.0), 1 => (0.0, 1.0), _ => (1.0, 1.0) };
            let given: Vec<(Cell, f64, f64)> = columns.iter().map(|&(k, w, _, side)| {
                let (n, d) = sides(side);
                (cell(k, w), n, d)
            }).collect();
            let (mut num, mut den) = (0.0, 0.0);
            for &(k, w, at, side) in &columns {
                let (n, d) = sides(side);
                num += n * (k + w * at);
                den += d * (k + w * at);
            }
            let side = |f: fn(&(Cell, f64, f64)) -> f64| Cell::sum(given.iter().map(|c| c.0.scaled(f(c))));
            let rate = Cell::ratio_of_columns(side(|c| c.1), side(|c| c.2), &given, 100.0);
            if let Some((low, high)) = rate.bounds() {
                let truth = 100.0 * num / den;
                proptest::prop_assert!(low - 1e-9 <= truth && truth <= high + 1e-9,
                    "{truth} outside {low}..{high}");
            }
            // A share: the first column of all.
            let (part, whole) = (given[0].0, Cell::sum(given.iter().map(|c| c.0)));
            let total: f64 = columns.iter().map(|&(k, w, at, _)| k + w * at).sum();
            let truth = 100.0 * (columns[0].0 + columns[0].1 * columns[0].2) / total;
            if let Some((low, high)) = Cell::share(part, whole).bounds() {
                proptest::prop_assert!(low - 1e-9 <= truth && truth <= high + 1e-9);
            }
        }
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

//! Rank sum (Puy-de-Dôme): each indicator ranks the territories, 1 being the
//! most vulnerable; the ranks are added and the lowest total comes first; the
//! totals are cut into classes "Priorité 1", "Priorité 2"…
//!
//! Only the territories known on **every** indicator are ranked, so that each
//! indicator's ranks run over the same set and the totals stay comparable. A
//! territory with a secret (or missing) value is listed after the ranked ones with
//! its values, no rank, a `Secret` (or missing) total and no class, and a notice
//! names it. The helpers shared by the three score methods live here too.
//!
//! A value known between bounds (secret cells under the publisher's rule) is ranked by the
//! middle of its bounds, and its rank is itself a range wherever its bounds overlap another
//! territory's: from the rank it has with every such rival below it to the rank with every
//! one above. The total adds these ranges; a total whose range reaches two classes is
//! « incertain », the two classes named.

use polars::prelude::*;
use serde::Deserialize;

use super::Cell;
use super::frame::{inputs, order, pick, pick_codes, push_cells, unranked_notice};
use crate::classify::{self, Method, Threshold};
use crate::error::{Error, Result};
use crate::notice::Notice;

/// Name of the total column of the output frame.
pub const TOTAL: &str = "total";
/// Name of the class column of the output frame.
pub const PRIORITY: &str = "priorite";

/// Which end of an indicator is the vulnerable one (`vulnerable_si = "haut"` or
/// `"bas"` in a query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Direction {
    /// A high value is vulnerable (a poverty rate): the highest value ranks 1.
    #[default]
    #[serde(rename = "haut")]
    HigherIsWorse,
    /// A low value is vulnerable (a coverage rate): the lowest value ranks 1.
    #[serde(rename = "bas")]
    LowerIsWorse,
}

/// How equal values share ranks; for values 9, 7, 7, 5 (higher is worse):
/// average 1, 2.5, 2.5, 4; min 1, 2, 2, 4; dense 1, 2, 2, 3 (`egalites = "moyenne"`,
/// `"minimum"` or `"dense"` in a query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Ties {
    /// The mean of the ranks the tied values occupy (the default: it keeps the
    /// sum of the ranks at n(n+1)/2, so no indicator weighs more because of ties).
    #[default]
    #[serde(rename = "moyenne")]
    Average,
    /// The best rank of the group (sports ranking).
    #[serde(rename = "minimum")]
    Min,
    /// Consecutive ranks, one per distinct value.
    #[serde(rename = "dense")]
    Dense,
}

/// How the totals are cut into priority classes (class 1 = lowest totals).
#[derive(Debug, Clone, PartialEq)]
pub enum Priorities {
    /// That many classes holding the same number of territories.
    Quantiles(usize),
    /// Given cut points on the totals; a total equal to a cut point falls in the
    /// class above it (the less urgent one), as everywhere in `classify`.
    CutPoints(Vec<f64>),
    /// That many classes by Jenks natural breaks.
    NaturalBreaks(usize),
}

/// A way of cutting priorities as a query names it (`methode = "seuils_naturels"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PrioritiesMethod {
    #[serde(rename = "quantiles")]
    Quantiles,
    #[serde(rename = "seuils_naturels")]
    NaturalBreaks,
    #[serde(rename = "seuils")]
    CutPoints,
}

impl Priorities {
    /// The priorities of `method` with a number of classes or cut points, as it needs (none
    /// when it is given the other).
    pub fn of(
        method: PrioritiesMethod,
        count: Option<usize>,
        cuts: Option<Vec<f64>>,
    ) -> Option<Self> {
        Some(match (method, count, cuts) {
            (PrioritiesMethod::Quantiles, Some(n), None) => Priorities::Quantiles(n),
            (PrioritiesMethod::NaturalBreaks, Some(n), None) => Priorities::NaturalBreaks(n),
            (PrioritiesMethod::CutPoints, None, Some(cuts)) => Priorities::CutPoints(cuts),
            _ => return None,
        })
    }

    /// How many classes of priority the totals are cut into.
    pub fn classes(&self) -> usize {
        match self {
            Priorities::Quantiles(n) | Priorities::NaturalBreaks(n) => *n,
            Priorities::CutPoints(cuts) => cuts.len() + 1,
        }
    }
}

/// One ranked indicator: a numeric column of the frame and its direction.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedIndicator {
    pub column: String,
    pub direction: Direction,
}

/// The parameters of [`rank_sum`].
#[derive(Debug, Clone, PartialEq)]
pub struct RankSum {
    pub indicators: Vec<RankedIndicator>,
    pub ties: Ties,
    pub priorities: Priorities,
}

/// Ranks and priority classes of the territories of `df` (a `code` column and
/// the indicator columns with their `__secret` companions).
///
/// Returns a frame `code`, then per indicator its value (with `__secret`) and
/// `rang_<column>` (Float64: average ties give halves), then [`TOTAL`] (with
/// `__secret`) and [`PRIORITY`] ("Priorité 1" = most vulnerable); rows by
/// increasing total (then code), unranked territories last by code. The notices
/// name the unranked territories and any change in the number of classes.
pub fn rank_sum(df: &DataFrame, params: &RankSum) -> Result<(DataFrame, Vec<Notice>)> {
    if params.indicators.is_empty() {
        return Err(Error::new("aucun indicateur à classer")
            .hint("donnez au moins un indicateur à la somme des rangs"));
    }
    let (codes, values, states) = inputs(
        df,
        params.indicators.iter().map(|i| i.column.as_str()),
        true,
    )?;
    let ranked: Vec<usize> = (0..codes.len()).filter(|&i| states[i].is_none()).collect();

    // ranks[j][i]: rank of territory i on indicator j (missing when unranked).
    let mut ranks = vec![vec![Cell::Missing; codes.len()]; values.len()];
    for (j, ind) in params.indicators.iter().enumerate() {
        let known: Vec<(f64, f64)> = ranked
            .iter()
            .map(|&i| oriented(values[j][i], ind.direction))
            .collect();
        for (&i, r) in ranked.iter().zip(rank_bounds(&known, params.ties)) {
            ranks[j][i] = r;
        }
    }
    let totals: Vec<Cell> = (0..codes.len())
        .map(|i| match states[i] {
            Some(state) => state,
            None => Cell::sum(ranks.iter().map(|r| r[i])),
        })
        .collect();

    let mut notices = unranked_notice(&codes, &states);
    let approximate: Vec<&str> = ranked
        .iter()
        .filter(|&&i| matches!(totals[i], Cell::Bounded { .. }))
        .map(|&i| codes[i].as_str())
        .collect();
    if !approximate.is_empty() {
        notices.push(Notice::RankedOnBounds {
            codes: approximate.into_iter().map(str::to_string).collect(),
        });
    }
    let known: Vec<f64> = ranked.iter().filter_map(|&i| totals[i].shown()).collect();
    let breaks = priority_breaks(&known, &params.priorities)?;
    notices.extend(breaks.notices);
    let priority: Vec<Option<String>> = totals
        .iter()
        .map(|t| {
            let (low, high) = t.bounds()?;
            Some(match breaks.classes.class_of_bounds(low, high) {
                Ok(k) => format!("Priorité {}", k + 1),
                Err((a, b)) => format!("Incertain (Priorité {} à {})", a + 1, b + 1),
            })
        })
        .collect();

    let order = order(&codes, &totals, |a, b| a.total_cmp(&b));
    let mut out = DataFrame::new(order.len(), vec![pick_codes(&codes, &order)])?;
    for (j, ind) in params.indicators.iter().enumerate() {
        push_cells(&mut out, &ind.column, &pick(&values[j], &order))?;
        let rank_column = format!("rang_{}", ind.column);
        push_cells(&mut out, &rank_column, &pick(&ranks[j], &order))?;
    }
    push_cells(&mut out, TOTAL, &pick(&totals, &order))?;
    out.with_column(Column::new(PRIORITY.into(), pick(&priority, &order)))?;
    Ok((out, notices))
}

/// The classes of `priorities` over the `known` totals or scores (class 0 the lowest).
pub(super) fn priority_breaks(known: &[f64], priorities: &Priorities) -> Result<classify::Breaks> {
    let (method, n) = match priorities {
        Priorities::Quantiles(n) => (Method::Quantiles, Some(*n)),
        Priorities::NaturalBreaks(n) => (Method::NaturalBreaks, Some(*n)),
        Priorities::CutPoints(cuts) => (
            Method::Fixed(
                cuts.iter()
                    .map(|&value| Threshold { value, name: None })
                    .collect(),
            ),
            None,
        ),
    };
    classify::breaks(known, &method, n)
}

/// The bounds of the value ranked so that the largest is the most vulnerable.
fn oriented(cell: Cell, direction: Direction) -> (f64, f64) {
    let (low, high) = cell.bounds().unwrap_or((f64::NAN, f64::NAN));
    match direction {
        Direction::HigherIsWorse => (low, high),
        Direction::LowerIsWorse => (-high, -low),
    }
}

/// The ranks of values known between bounds: each ranked by its bounds' middle (by `ties`), a
/// range where its bounds and another's overlap with one of them not exact, from the rank it
/// would have with every such rival below it to the rank with every one above it.
fn rank_bounds(values: &[(f64, f64)], ties: Ties) -> Vec<Cell> {
    let middles: Vec<f64> = values.iter().map(|(l, h)| (l + h) / 2.0).collect();
    let ranks = rank(&middles, ties);
    let exact = |v: &(f64, f64)| v.0 == v.1;
    if values.iter().all(exact) {
        return ranks.into_iter().map(Cell::Value).collect();
    }
    // Sorted ends, to count by binary search (35 000 communes: no pair by pair): those above
    // (low end over a value), those below (high end under it), among all and the loose ones.
    let sorted = |end: fn(&(f64, f64)) -> f64, loose_only: bool| -> Vec<f64> {
        let mut v: Vec<f64> = values
            .iter()
            .filter(|v| !loose_only || !exact(v))
            .map(end)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (lows, highs) = (sorted(|v| v.0, false), sorted(|v| v.1, false));
    let (loose_lows, loose_highs) = (sorted(|v| v.0, true), sorted(|v| v.1, true));
    let above = |lows: &[f64], x: f64| lows.len() - lows.partition_point(|&l| l <= x);
    let below = |highs: &[f64], x: f64| highs.partition_point(|&h| h < x);
    let n = values.len();
    values
        .iter()
        .zip(ranks)
        .map(|(v @ &(low, high), r)| {
            let (up, down) = (above(&lows, high), below(&highs, low));
            // Rivals whose order with this one is not known: bounds that meet, one of the two
            // loose (itself, when loose, meets its own bounds: not counted).
            let rivals = match exact(v) {
                true => loose_lows.len() - above(&loose_lows, high) - below(&loose_highs, low),
                false => n - up - down - 1,
            };
            if rivals == 0 {
                return Cell::Value(r);
            }
            // With dense ranks, those above may share one rank.
            let best = match ties {
                Ties::Dense => 1 + up.min(1),
                _ => 1 + up,
            };
            Cell::between((best as f64).min(r), ((n - down) as f64).max(r))
        })
        .collect()
}

/// Ranks of `values`, 1 for the largest, equal values sharing by `ties`.
pub(super) fn rank(values: &[f64], ties: Ties) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let mut ranks = vec![0.0; values.len()];
    let (mut start, mut dense) = (0, 0);
    while start < idx.len() {
        let end = start
            + idx[start..]
                .iter()
                .take_while(|&&i| values[i] == values[idx[start]])
                .count();
        dense += 1;
        let r = match ties {
            Ties::Average => (start + end + 1) as f64 / 2.0,
            Ties::Min => (start + 1) as f64,
            Ties::Dense => dense as f64,
        };
        for &i in &idx[start..end] {
            ranks[i] = r;
        }
        start = end;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::cell::cells;
    use crate::indicators::frame::{test_frame, test_strings};
    use Cell::{Missing, Secret, Value};
    use proptest::prelude::*;

    fn vals(v: &[f64]) -> Vec<Cell> {
        v.iter().copied().map(Value).collect()
    }

    fn params(indicators: &[(&str, Direction)], ties: Ties, priorities: Priorities) -> RankSum {
        RankSum {
            indicators: indicators
                .iter()
                .map(|(c, d)| RankedIndicator {
                    column: c.to_string(),
                    direction: *d,
                })
                .collect(),
            ties,
            priorities,
        }
    }

    fn floats(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name).unwrap().f64().unwrap().iter().collect()
    }

    #[test]
    fn priorities_take_the_number_or_the_cut_points_their_method_needs() {
        use PrioritiesMethod::*;
        assert_eq!(
            Priorities::of(NaturalBreaks, Some(3), None),
            Some(Priorities::NaturalBreaks(3))
        );
        assert_eq!(
            Priorities::of(CutPoints, None, Some(vec![20.0, 30.0])),
            Some(Priorities::CutPoints(vec![20.0, 30.0]))
        );
        assert_eq!(Priorities::of(CutPoints, Some(3), None), None);
        assert_eq!(Priorities::of(Quantiles, Some(2), Some(vec![1.0])), None);
    }

    proptest! {
        /// The ranges counted by binary search are those of every pair looked at.
        #[test]
        fn rank_ranges_by_search_are_those_pair_by_pair(
            values in proptest::collection::vec((0u8..20, 0u8..4), 1..30),
        ) {
            let values: Vec<(f64, f64)> = values
                .iter()
                .map(|&(l, w)| (f64::from(l), f64::from(l) + f64::from(w)))
                .collect();
            let n = values.len();
            let ranks = rank(&values.iter().map(|(l, h)| (l + h) / 2.0).collect::<Vec<_>>(), Ties::Average);
            let fast = rank_bounds(&values, Ties::Average);
            for (i, &(low, high)) in values.iter().enumerate() {
                let exact = |k: usize| values[k].0 == values[k].1;
                let rivals = (0..n)
                    .filter(|&k| k != i && !(exact(i) && exact(k)))
                    .filter(|&k| values[k].0 <= high && low <= values[k].1)
                    .count();
                let expected = if rivals == 0 {
                    Value(ranks[i])
                } else {
                    let up = (0..n).filter(|&k| values[k].0 > high).count();
                    let down = (0..n).filter(|&k| values[k].1 < low).count();
                    Cell::between(((1 + up) as f64).min(ranks[i]), ((n - down) as f64).max(ranks[i]))
                };
                prop_assert_eq!(fast[i], expected);
            }
        }
    }

    #[test]
    fn ranks_of_values_known_between_bounds_are_ranges_where_they_overlap() {
        // Higher is worse: 9; 6 to 8; 7; 1 to 2. The two in the middle may change places.
        let ranks = rank_bounds(
            &[(9.0, 9.0), (6.0, 8.0), (7.0, 7.0), (1.0, 2.0)],
            Ties::Average,
        );
        assert_eq!(
            ranks,
            [
                Value(1.0),
                Cell::Bounded {
                    low: 2.0,
                    high: 3.0
                },
                Cell::Bounded {
                    low: 2.0,
                    high: 3.0
                },
                Value(4.0),
            ]
        );
        // Exact values tied keep the ties' rank, not a range.
        assert_eq!(
            rank_bounds(&[(7.0, 7.0), (7.0, 7.0)], Ties::Average),
            [Value(1.5), Value(1.5)]
        );
        // A total straddling a threshold reaches two classes.
        let classes = crate::classify::Classes::new(vec![crate::classify::Threshold {
            value: 10.0,
            name: None,
        }])
        .unwrap();
        assert_eq!(classes.class_of_bounds(8.0, 9.5), Ok(0));
        assert_eq!(classes.class_of_bounds(8.0, 10.0), Err((0, 1)));
    }

    #[test]
    fn each_tie_rule() {
        let v = [9.0, 7.0, 7.0, 5.0];
        assert_eq!(rank(&v, Ties::Average), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(rank(&v, Ties::Min), [1.0, 2.0, 2.0, 4.0]);
        assert_eq!(rank(&v, Ties::Dense), [1.0, 2.0, 2.0, 3.0]);
        assert_eq!(Ties::default(), Ties::Average);
    }

    #[test]
    fn hand_computed_with_reversed_direction_and_ties() {
        // a: higher is worse; b: lower is worse (a coverage rate).
        //   code  a   b   rang_a rang_b total
        //   A    10  50    1      3      4
        //   B     8  20    2.5    1      3.5
        //   C     8  40    2.5    2      4.5
        //   D     2  60    4      4      8
        let df = test_frame(
            &["A", "B", "C", "D"],
            &[
                ("a", vals(&[10.0, 8.0, 8.0, 2.0])),
                ("b", vals(&[50.0, 20.0, 40.0, 60.0])),
            ],
        );
        let p = params(
            &[
                ("a", Direction::HigherIsWorse),
                ("b", Direction::LowerIsWorse),
            ],
            Ties::Average,
            Priorities::CutPoints(vec![5.0]),
        );
        let (out, notices) = rank_sum(&df, &p).unwrap();
        assert!(notices.is_empty(), "{notices:?}");
        let code = |c: &str| Some(c.to_string());
        assert_eq!(
            test_strings(&out, "code"),
            [code("B"), code("A"), code("C"), code("D")]
        );
        assert_eq!(
            floats(&out, "rang_a"),
            [Some(2.5), Some(1.0), Some(2.5), Some(4.0)]
        );
        assert_eq!(
            floats(&out, TOTAL),
            [Some(3.5), Some(4.0), Some(4.5), Some(8.0)]
        );
        let p1 = code("Priorité 1");
        assert_eq!(
            test_strings(&out, PRIORITY),
            [p1.clone(), p1.clone(), p1, code("Priorité 2")]
        );
        // The values are in the output, beside their ranks.
        assert_eq!(floats(&out, "a")[0], Some(8.0));

        let min = params(
            &[("a", Direction::HigherIsWorse)],
            Ties::Min,
            Priorities::Quantiles(2),
        );
        let (out, _) = rank_sum(&df, &min).unwrap();
        assert_eq!(
            floats(&out, TOTAL),
            [Some(1.0), Some(2.0), Some(2.0), Some(4.0)]
        );
        let dense = RankSum {
            ties: Ties::Dense,
            ..min
        };
        let (out, _) = rank_sum(&df, &dense).unwrap();
        assert_eq!(
            floats(&out, TOTAL),
            [Some(1.0), Some(2.0), Some(2.0), Some(3.0)]
        );
    }

    #[test]
    fn secret_territory_is_listed_not_ranked() {
        let df = test_frame(
            &["A", "B", "C", "D"],
            &[
                ("a", vec![Value(1.0), Secret, Value(3.0), Value(2.0)]),
                ("b", vec![Value(1.0), Value(9.0), Value(3.0), Missing]),
            ],
        );
        let p = params(
            &[
                ("a", Direction::HigherIsWorse),
                ("b", Direction::HigherIsWorse),
            ],
            Ties::Average,
            Priorities::Quantiles(2),
        );
        let (out, notices) = rank_sum(&df, &p).unwrap();
        // Only A and C are ranked: C first (ranks 1 + 1), then A; B (secret) and
        // D (missing) follow, with their values and no rank.
        let code = |c: &str| Some(c.to_string());
        assert_eq!(
            test_strings(&out, "code"),
            [code("C"), code("A"), code("B"), code("D")]
        );
        assert_eq!(floats(&out, "rang_b"), [Some(1.0), Some(2.0), None, None]);
        assert_eq!(
            cells(&out, TOTAL).unwrap(),
            [Value(2.0), Value(4.0), Secret, Missing]
        );
        assert_eq!(cells(&out, "b").unwrap()[2], Value(9.0));
        assert_eq!(cells(&out, "a").unwrap()[2], Secret);
        assert_eq!(test_strings(&out, PRIORITY)[2..], [None, None]);
        assert!(
            notices.contains(&Notice::Unranked {
                cell: Secret,
                codes: vec!["B".into()]
            }),
            "{notices:?}"
        );
        assert!(
            notices.contains(&Notice::Unranked {
                cell: Missing,
                codes: vec!["D".into()]
            }),
            "{notices:?}"
        );
    }

    #[test]
    fn single_territory_and_all_equal_values() {
        let one = test_frame(&["A"], &[("a", vals(&[4.0]))]);
        let p = params(
            &[("a", Direction::HigherIsWorse)],
            Ties::Average,
            Priorities::NaturalBreaks(3),
        );
        let (out, notices) = rank_sum(&one, &p).unwrap();
        assert_eq!(floats(&out, TOTAL), [Some(1.0)]);
        assert_eq!(
            test_strings(&out, PRIORITY),
            [Some("Priorité 1".to_string())]
        );
        assert!(notices.contains(&Notice::AllValuesEqual), "{notices:?}");

        // All equal: every territory shares the average rank (n + 1) / 2.
        let equal = test_frame(&["A", "B", "C"], &[("a", vals(&[4.0; 3]))]);
        let (out, _) = rank_sum(&equal, &p).unwrap();
        assert_eq!(floats(&out, TOTAL), [Some(2.0); 3]);
        assert_eq!(
            test_strings(&out, PRIORITY),
            vec![Some("Priorité 1".to_string()); 3]
        );
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        let p = params(
            &[("absent", Direction::HigherIsWorse)],
            Ties::Average,
            Priorities::Quantiles(2),
        );
        let df = test_frame(&["A"], &[("a", vals(&[1.0]))]);
        let err = rank_sum(&df, &p).unwrap_err();
        assert!(err.to_string().contains("« absent »"), "{err}");
        assert_eq!(err.column.as_deref(), Some("absent"));

        let empty = test_frame(&[], &[("absent", vec![])]);
        let err = rank_sum(&empty, &p).unwrap_err();
        assert!(err.to_string().contains("aucun territoire"), "{err}");
    }

    /// `k` indicators over `n` territories, each a permutation of 0..n (no ties).
    fn permutations() -> impl Strategy<Value = Vec<Vec<f64>>> {
        (1usize..30, 1usize..5).prop_flat_map(|(n, k)| {
            let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
            prop::collection::vec(Just(values).prop_shuffle(), k)
        })
    }

    proptest! {
        #[test]
        fn totals_without_ties_are_n_n_plus_1_over_2_per_indicator(columns in permutations()) {
            let (n, k) = (columns[0].len(), columns.len());
            let codes: Vec<String> = (0..n).map(|i| format!("{i:03}")).collect();
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            let names: Vec<String> = (0..k).map(|j| format!("i{j}")).collect();
            let cols: Vec<(&str, Vec<Cell>)> = names
                .iter()
                .zip(&columns)
                .map(|(name, v)| (name.as_str(), vals(v)))
                .collect();
            let df = test_frame(&codes, &cols);
            for ties in [Ties::Average, Ties::Min, Ties::Dense] {
                let p = RankSum {
                    indicators: names
                        .iter()
                        .enumerate()
                        .map(|(j, column)| RankedIndicator {
                            column: column.clone(),
                            direction: if j % 2 == 0 {
                                Direction::HigherIsWorse
                            } else {
                                Direction::LowerIsWorse
                            },
                        })
                        .collect(),
                    ties,
                    priorities: Priorities::Quantiles(3),
                };
                let (out, _) = rank_sum(&df, &p).unwrap();
                let total: f64 = floats(&out, TOTAL).into_iter().flatten().sum();
                prop_assert_eq!(total, (n * (n + 1) / 2 * k) as f64);
            }
        }
    }
}

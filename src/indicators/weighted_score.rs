//! Weighted score (Hérault, siting of centres sociaux: poverty rate 60 %, four
//! family indicators 10 % each): each indicator is normalised so that a high
//! value is vulnerable, then the score is the weighted sum; the highest comes first.
//!
//! As in the rank sum, only the territories known on every indicator enter the
//! normalisation (its min, max, mean or ranks); the others are listed last with a
//! `Secret` (or missing) score, and a notice names them.

use polars::prelude::*;
use serde::Deserialize;

use super::Cell;
use super::frame::{inputs, order, pick, pick_codes, push_cells, unranked_notice};
use super::rank_sum::{Direction, PRIORITY, Priorities, Ties, priority_breaks, rank};
use crate::error::{Error, Result};
use crate::format;
use crate::notice::Notice;

/// Name of the score column of the output frame.
pub const SCORE: &str = "score";

/// How each indicator is put on a common scale before weighting (`normalisation =
/// "min_max"`, `"z_score"` or `"rang_centile"` in a query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Normalisation {
    /// `(v − min) / (max − min)`, from 0 (least vulnerable) to 1 (the default:
    /// the weights then read directly as shares of the score).
    #[default]
    #[serde(rename = "min_max")]
    MinMax,
    /// `(v − mean) / sd`, sd with n − 1 as in `classify`'s mean ± sd.
    #[serde(rename = "z_score")]
    ZScore,
    /// `(n − rank) / (n − 1)` with average ranks: 1 for the most vulnerable, 0 for
    /// the least, whatever the spread of the values.
    #[serde(rename = "rang_centile")]
    RankPercentile,
}

/// One weighted indicator: a numeric column, its weight and its direction.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedIndicator {
    pub column: String,
    pub weight: f64,
    pub direction: Direction,
}

/// The parameters of [`weighted_score`].
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedScore {
    pub indicators: Vec<WeightedIndicator>,
    pub normalisation: Normalisation,
    /// How the scores are cut into classes, « Priorité 1 » for the highest.
    pub priorities: Priorities,
}

impl Normalisation {
    /// The French name written beside the scores.
    pub fn label(self) -> &'static str {
        match self {
            Normalisation::MinMax => "min-max",
            Normalisation::ZScore => "score z",
            Normalisation::RankPercentile => "rang centile",
        }
    }
}

/// How a score is made, for every output: « min-max ; poids 60 % X, 10 % Y », from its
/// normalisation and each indicator's weight and label.
pub fn method_label(normalisation: Normalisation, weights: &[(f64, &str)]) -> String {
    let sum: f64 = weights.iter().map(|w| w.0).sum();
    let shares: Vec<String> = weights
        .iter()
        .map(|(weight, label)| {
            let share = if sum > 0.0 { 100.0 * weight / sum } else { 0.0 };
            format!("{} % {label}", format::display(share, 0))
        })
        .collect();
    format!("{} ; poids {}", normalisation.label(), shares.join(", "))
}

/// Weighted scores of the territories of `df` (a `code` column and the indicator
/// columns with their `__secret` companions).
///
/// Weights must be finite and non-negative with a positive sum; weights not
/// summing to 1 are rescaled, with a notice. An indicator equal everywhere does
/// not tell the territories apart: its normalised value is 0 for all, with a
/// notice. Returns a frame `code`, per indicator its value (with `__secret`) and
/// `norm_<column>`, then [`SCORE`] (with `__secret`) and [`PRIORITY`] (« Priorité 1 » for
/// the highest scores); rows by decreasing score (then code), unscored territories last by
/// code.
pub fn weighted_score(df: &DataFrame, params: &WeightedScore) -> Result<(DataFrame, Vec<Notice>)> {
    let mut notices = Vec::new();
    let weights = weights(&params.indicators, &mut notices)?;
    let (codes, values, states) = inputs(
        df,
        params.indicators.iter().map(|i| i.column.as_str()),
        // Min-max has exact bounds for values known between bounds; the other
        // normalisations take them as secret.
        params.normalisation == Normalisation::MinMax,
    )?;
    let scored: Vec<usize> = (0..codes.len()).filter(|&i| states[i].is_none()).collect();
    notices.extend(unranked_notice(&codes, &states));

    let mut normalised = vec![vec![Cell::Missing; codes.len()]; values.len()];
    for (j, ind) in params.indicators.iter().enumerate() {
        let oriented = |(low, high): (f64, f64)| match ind.direction {
            Direction::HigherIsWorse => (low, high),
            Direction::LowerIsWorse => (-high, -low),
        };
        let known: Vec<(f64, f64)> = scored
            .iter()
            .filter_map(|&i| values[j][i].bounds().map(oriented))
            .collect();
        let scaled: Vec<Cell> = if known.iter().any(|(l, h)| l < h) {
            min_max_bounds(&known)
        } else {
            let exact: Vec<f64> = known.iter().map(|v| v.0).collect();
            let (scaled, constant) = normalise(&exact, params.normalisation);
            if constant {
                notices.push(Notice::ConstantIndicator {
                    column: ind.column.clone(),
                });
            }
            scaled.into_iter().map(Cell::Value).collect()
        };
        for (&i, x) in scored.iter().zip(scaled) {
            normalised[j][i] = x;
        }
    }
    let scores: Vec<Cell> = (0..codes.len())
        .map(|i| match states[i] {
            Some(state) => state,
            // Exact values summed as numbers (the same bits as ever); bounds as cells.
            None => match normalised
                .iter()
                .map(|n| n[i].value())
                .collect::<Option<Vec<f64>>>()
            {
                Some(exact) => Cell::Value(weights.iter().zip(exact).map(|(w, n)| w * n).sum()),
                None => Cell::sum(
                    weights
                        .iter()
                        .zip(&normalised)
                        .map(|(w, n)| n[i].scaled(*w)),
                ),
            },
        })
        .collect();

    // Classes on the scores, the highest first: « Priorité 1 » the most vulnerable; a score
    // whose bounds reach two classes is « incertain ».
    let known: Vec<f64> = scores.iter().filter_map(|s| s.shown()).collect();
    let breaks = priority_breaks(&known, &params.priorities)?;
    notices.extend(breaks.notices);
    let n = breaks.classes.len();
    let priority: Vec<Option<String>> = scores
        .iter()
        .map(|s| {
            let (low, high) = s.bounds()?;
            Some(match breaks.classes.class_of_bounds(low, high) {
                Ok(k) => format!("Priorité {}", n - k),
                Err((a, b)) => format!("Incertain (Priorité {} à {})", n - b, n - a),
            })
        })
        .collect();

    let order = order(&codes, &scores, |a, b| b.total_cmp(&a));
    let mut out = DataFrame::new(order.len(), vec![pick_codes(&codes, &order)])?;
    for (j, ind) in params.indicators.iter().enumerate() {
        push_cells(&mut out, &ind.column, &pick(&values[j], &order))?;
        push_cells(
            &mut out,
            &format!("norm_{}", ind.column),
            &pick(&normalised[j], &order),
        )?;
    }
    push_cells(&mut out, SCORE, &pick(&scores, &order))?;
    out.with_column(Column::new(PRIORITY.into(), pick(&priority, &order)))?;
    Ok((out, notices))
}

/// The weights checked, rescaled to sum to 1 when they do not (with a notice).
fn weights(indicators: &[WeightedIndicator], notices: &mut Vec<Notice>) -> Result<Vec<f64>> {
    if indicators.is_empty() {
        return Err(Error::new("aucun indicateur à pondérer")
            .hint("donnez au moins un indicateur et son poids"));
    }
    if let Some(bad) = indicators
        .iter()
        .find(|i| !i.weight.is_finite() || i.weight < 0.0)
    {
        return Err(Error::new(format!("poids invalide : {}", bad.weight))
            .column(&bad.column)
            .hint("un poids est un nombre positif ou nul, par exemple 0,6"));
    }
    let sum: f64 = indicators.iter().map(|i| i.weight).sum();
    if sum <= 0.0 {
        return Err(Error::new("tous les poids sont nuls")
            .hint("donnez un poids positif à un indicateur au moins"));
    }
    // Tolerance for weights written as decimals (0,6 + 4 × 0,1 is not exactly 1).
    if (sum - 1.0).abs() > 1e-9 {
        notices.push(Notice::WeightsRescaled { sum });
    }
    Ok(indicators.iter().map(|i| i.weight / sum).collect())
}

/// The min-max normalised values of values known between `(low, high)` (larger = more
/// vulnerable), each between the bounds it can take: lowest with itself low and every other
/// high (the minimum and maximum then as high as they go), highest the other way round. The
/// bounds are reached, so they are exact.
fn min_max_bounds(values: &[(f64, f64)]) -> Vec<Cell> {
    // The smallest and largest of each end over all, and the next ones, for « every other ».
    let two = |end: fn(&(f64, f64)) -> f64, smallest: bool| -> [(f64, usize); 2] {
        let mut best = [(f64::NAN, usize::MAX); 2];
        for (i, v) in values.iter().enumerate() {
            let x = end(v);
            let better = |y: f64| y.is_nan() || if smallest { x < y } else { x > y };
            if better(best[0].0) {
                best[1] = best[0];
                best[0] = (x, i);
            } else if better(best[1].0) {
                best[1] = (x, i);
            }
        }
        best
    };
    let others = |best: &[(f64, usize); 2], i: usize| -> Option<f64> {
        let (x, at) = if best[0].1 == i { best[1] } else { best[0] };
        (at != usize::MAX).then_some(x)
    };
    let (min_high, max_high) = (two(|v| v.1, true), two(|v| v.1, false));
    let (min_low, max_low) = (two(|v| v.0, true), two(|v| v.0, false));
    let scaled = |v: f64, min: Option<f64>, max: Option<f64>| -> f64 {
        let (min, max) = (min.map_or(v, |m| m.min(v)), max.map_or(v, |m| m.max(v)));
        if max > min {
            (v - min) / (max - min)
        } else {
            0.0
        }
    };
    values
        .iter()
        .enumerate()
        .map(|(i, &(low, high))| {
            Cell::between(
                scaled(low, others(&min_high, i), others(&max_high, i)),
                scaled(high, others(&min_low, i), others(&max_low, i)),
            )
        })
        .collect()
}

/// The normalised values (larger = more vulnerable) and whether all were equal.
fn normalise(values: &[f64], method: Normalisation) -> (Vec<f64>, bool) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if values.is_empty() || min == max {
        return (vec![0.0; values.len()], !values.is_empty());
    }
    let n = values.len() as f64;
    let scaled = match method {
        Normalisation::MinMax => values.iter().map(|v| (v - min) / (max - min)).collect(),
        Normalisation::ZScore => {
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            values.iter().map(|v| (v - mean) / sd).collect()
        }
        Normalisation::RankPercentile => rank(values, Ties::Average)
            .into_iter()
            .map(|r| (n - r) / (n - 1.0))
            .collect(),
    };
    (scaled, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_of_values_known_between_bounds_is_exact_at_both_ends() {
        // A 10, B 20, C from 12 to 18: C from (12 − 10) / 10 to (18 − 10) / 10.
        let c = min_max_bounds(&[(10.0, 10.0), (20.0, 20.0), (12.0, 18.0)]);
        assert_eq!(c[0], Cell::Value(0.0));
        assert_eq!(c[1], Cell::Value(1.0));
        assert!(
            matches!(c[2], Cell::Bounded { low, high } if (low - 0.2).abs() < 1e-12 && (high - 0.8).abs() < 1e-12),
            "{c:?}"
        );
        // D from 5 to 15 may be the minimum: then A's own value moves, from 0 to 5 / 15.
        let d = min_max_bounds(&[(10.0, 10.0), (20.0, 20.0), (5.0, 15.0)]);
        assert!(
            matches!(d[0], Cell::Bounded { low, high } if low == 0.0 && (high - 1.0 / 3.0).abs() < 1e-12),
            "{d:?}"
        );
        assert!(
            matches!(d[2], Cell::Bounded { low, high } if low == 0.0 && (high - 0.5).abs() < 1e-12),
            "{d:?}"
        );
    }

    proptest::proptest! {
        /// The ends found with the two smallest and largest are those of « every other ».
        #[test]
        fn min_max_bounds_are_those_of_every_other_value(
            values in proptest::collection::vec((0u8..20, 0u8..4), 1..20),
        ) {
            let values: Vec<(f64, f64)> = values
                .iter()
                .map(|&(l, w)| (f64::from(l), f64::from(l) + f64::from(w)))
                .collect();
            let fast = min_max_bounds(&values);
            for (i, &(low, high)) in values.iter().enumerate() {
                let end = |v: f64, pick: fn(&(f64, f64)) -> f64| -> f64 {
                    let (min, max) = values
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| *k != i)
                        .map(|(_, x)| pick(x))
                        .fold((v, v), |(a, b), x| (a.min(x), b.max(x)));
                    if max > min { (v - min) / (max - min) } else { 0.0 }
                };
                proptest::prop_assert_eq!(fast[i], Cell::between(end(low, |v| v.1), end(high, |v| v.0)));
            }
        }
    }

    #[test]
    fn a_weighted_score_of_values_known_between_bounds_is_bounded_and_ranked_by_its_middle() {
        let df = test_frame(
            &["A", "B", "C"],
            &[(
                "x",
                vec![Value(10.0), Value(20.0), Cell::between(12.0, 18.0)],
            )],
        );
        let (out, _) = weighted_score(&df, &params_of("x")).unwrap();
        // B 1, C 0,2 to 0,8, A 0: the middle of C orders it second.
        let codes: Vec<String> = test_strings(&out, "code").into_iter().flatten().collect();
        assert_eq!(codes, ["B", "C", "A"]);
        assert!(matches!(scores(&out)[1], Cell::Bounded { .. }));
        // With a score z, a value known between bounds is secret.
        let mut z = params_of("x");
        z.normalisation = Normalisation::ZScore;
        let (out, _) = weighted_score(&df, &z).unwrap();
        assert_eq!(scores(&out)[2], Secret);
    }

    fn params_of(column: &str) -> WeightedScore {
        WeightedScore {
            indicators: vec![ind(column, 1.0, Direction::HigherIsWorse)],
            normalisation: Normalisation::MinMax,
            priorities: Priorities::Quantiles(2),
        }
    }
    use crate::indicators::cell::cells;
    use crate::indicators::frame::{test_frame, test_strings};
    use Cell::{Secret, Value};

    fn ind(column: &str, weight: f64, direction: Direction) -> WeightedIndicator {
        WeightedIndicator {
            column: column.into(),
            weight,
            direction,
        }
    }

    fn scores(out: &DataFrame) -> Vec<Cell> {
        cells(out, SCORE).unwrap()
    }

    fn close(a: &[Cell], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| x.value().is_some_and(|x| (x - y).abs() < 1e-12))
    }

    /// Three territories, poverty (60 %, higher is worse) and coverage (40 %,
    /// lower is worse).
    fn three() -> DataFrame {
        test_frame(
            &["A", "B", "C"],
            &[
                ("pauvrete", vec![Value(10.0), Value(20.0), Value(30.0)]),
                ("couverture", vec![Value(50.0), Value(70.0), Value(60.0)]),
            ],
        )
    }

    fn params(normalisation: Normalisation) -> WeightedScore {
        WeightedScore {
            indicators: vec![
                ind("pauvrete", 0.6, Direction::HigherIsWorse),
                ind("couverture", 0.4, Direction::LowerIsWorse),
            ],
            normalisation,
            priorities: Priorities::Quantiles(2),
        }
    }

    #[test]
    fn min_max_by_hand() {
        // pauvreté 0, 0.5, 1; couverture reversed: 1, 0, 0.5.
        // A 0.4, B 0.3, C 0.8 → C, A, B.
        assert_eq!(Normalisation::default(), Normalisation::MinMax);
        let (out, notices) = weighted_score(&three(), &params(Normalisation::MinMax)).unwrap();
        assert!(notices.is_empty(), "{notices:?}");
        let codes: Vec<String> = test_strings(&out, "code").into_iter().flatten().collect();
        assert_eq!(codes, ["C", "A", "B"]);
        assert!(close(&scores(&out), &[0.8, 0.4, 0.3]), "{:?}", scores(&out));
        let norm: Vec<_> = out
            .column("norm_couverture")
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(norm, [Some(0.5), Some(1.0), Some(0.0)]);
    }

    #[test]
    fn z_score_and_rank_percentile_by_hand() {
        // z of 10, 20, 30 (sd 10): −1, 0, 1; of −50, −70, −60 (sd 10): 1, −1, 0.
        // A −0.2, B −0.4, C 0.6.
        let (out, _) = weighted_score(&three(), &params(Normalisation::ZScore)).unwrap();
        assert!(
            close(&scores(&out), &[0.6, -0.2, -0.4]),
            "{:?}",
            scores(&out)
        );
        // Percentiles: pauvreté 0, 0.5, 1; couverture 1, 0, 0.5: same as min-max here.
        let (out, _) = weighted_score(&three(), &params(Normalisation::RankPercentile)).unwrap();
        assert!(close(&scores(&out), &[0.8, 0.4, 0.3]), "{:?}", scores(&out));
    }

    #[test]
    fn herault_weights_and_rescaling() {
        let df = three();
        let mut p = params(Normalisation::MinMax);
        p.indicators[0].weight = 3.0;
        p.indicators[1].weight = 2.0;
        let (out, notices) = weighted_score(&df, &p).unwrap();
        assert!(close(&scores(&out), &[0.8, 0.4, 0.3]));
        assert!(
            notices[0].to_string().contains("somment à 5,0000"),
            "{notices:?}"
        );
        // 60/10/10/10/10 written as decimals sums to 1 within rounding: no notice.
        let herault = WeightedScore {
            indicators: [0.6, 0.1, 0.1, 0.1, 0.1]
                .iter()
                .map(|&w| ind("pauvrete", w, Direction::HigherIsWorse))
                .collect(),
            normalisation: Normalisation::MinMax,
            priorities: Priorities::Quantiles(2),
        };
        assert!(weighted_score(&df, &herault).unwrap().1.is_empty());

        for bad in [f64::NAN, f64::INFINITY, -0.1] {
            p.indicators[1].weight = bad;
            let err = weighted_score(&df, &p).unwrap_err();
            assert!(err.message.contains("poids invalide"), "{err}");
            assert_eq!(err.column.as_deref(), Some("couverture"));
        }
    }

    #[test]
    fn secret_single_and_all_equal() {
        let df = test_frame(
            &["A", "B", "C"],
            &[("x", vec![Value(1.0), Secret, Value(3.0)])],
        );
        let p = WeightedScore {
            indicators: vec![ind("x", 1.0, Direction::HigherIsWorse)],
            normalisation: Normalisation::MinMax,
            priorities: Priorities::Quantiles(2),
        };
        let (out, notices) = weighted_score(&df, &p).unwrap();
        assert_eq!(scores(&out), [Value(1.0), Value(0.0), Secret]);
        assert_eq!(
            notices[0],
            Notice::Unranked {
                cell: Secret,
                codes: vec!["B".into()]
            }
        );

        for normalisation in [
            Normalisation::MinMax,
            Normalisation::ZScore,
            Normalisation::RankPercentile,
        ] {
            let p = WeightedScore {
                normalisation,
                ..p.clone()
            };
            let one = test_frame(&["A"], &[("x", vec![Value(5.0)])]);
            let (out, notices) = weighted_score(&one, &p).unwrap();
            assert_eq!(scores(&out), [Value(0.0)]);
            assert_eq!(notices[0], Notice::ConstantIndicator { column: "x".into() });
            let equal = test_frame(&["A", "B"], &[("x", vec![Value(5.0); 2])]);
            assert_eq!(
                scores(&weighted_score(&equal, &p).unwrap().0),
                [Value(0.0); 2]
            );
        }
    }

    #[test]
    fn unknown_indicator_is_named() {
        let mut p = params(Normalisation::MinMax);
        p.indicators[1].column = "familles".into();
        let err = weighted_score(&three(), &p).unwrap_err();
        assert!(err.to_string().contains("« familles »"), "{err}");
    }
}

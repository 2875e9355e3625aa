//! How robust a priority list is: the score run again under each of a set of reasonable
//! variants of its method (the rule of ties, the normalisation, each weight a step up or down,
//! each indicator left out once), and for each territory its best and worst rank and the share
//! of variants in which it is « Priorité 1 »: always, often, sometimes or never. The schémas
//! leave these choices unstated; this says which priorities do not depend on them.

use std::collections::HashMap;

use polars::prelude::DataFrame;

use super::cell::cells;
use super::frame::codes as frame_codes;
use super::rank_sum::{self, PRIORITY, Priorities, Ties};
use super::weighted_score::{self, Normalisation};
use crate::error::Result;
use crate::export::{Align, OutTable};
use crate::format::{self, capitalise};
use crate::territory::{Level, Unit};

/// One change to a score's method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Variant {
    Ties(Ties),
    Normalisation(Normalisation),
    /// Indicator `index`'s weight changed by `delta` (the weights then rescaled to sum to 1).
    Weight {
        index: usize,
        delta: f64,
    },
    /// Indicator `index` left out, the others kept (with their weights rescaled).
    LeaveOut(usize),
    /// The classes of priority one more or one fewer (quantiles, natural breaks), or their cut
    /// points all moved by this step (given limits): what « Priorité 1 » takes in.
    Classes(ClassStep),
}

/// How the classes of priority of a variant differ from the method's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClassStep {
    Count(i8),
    Limits(f64),
}

impl ClassStep {
    /// The classes of priority changed by this step; `None` when it would leave fewer than two
    /// classes, or shift no cut point.
    pub fn apply(self, priorities: &Priorities) -> Option<Priorities> {
        match (self, priorities) {
            (ClassStep::Count(d), Priorities::Quantiles(n)) => n
                .checked_add_signed(isize::from(d))
                .filter(|n| *n >= 2)
                .map(Priorities::Quantiles),
            (ClassStep::Count(d), Priorities::NaturalBreaks(n)) => n
                .checked_add_signed(isize::from(d))
                .filter(|n| *n >= 2)
                .map(Priorities::NaturalBreaks),
            (ClassStep::Limits(step), Priorities::CutPoints(limits)) => Some(
                Priorities::CutPoints(limits.iter().map(|l| l + step).collect()),
            ),
            _ => None,
        }
    }
}

impl Variant {
    /// French, for the notes: « égalités au minimum », « sans Revenu médian (€) »…
    pub fn label(self, indicators: &[String]) -> String {
        let name = |i: usize| indicators.get(i).cloned().unwrap_or_default();
        match self {
            Variant::Ties(Ties::Average) => "égalités à la moyenne des rangs".to_string(),
            Variant::Ties(Ties::Min) => "égalités au meilleur rang".to_string(),
            Variant::Ties(Ties::Dense) => "égalités en rangs denses".to_string(),
            Variant::Normalisation(n) => format!("normalisation {}", n.label()),
            Variant::Weight { index, delta } => format!(
                "poids de {} {} {}",
                name(index),
                if delta > 0.0 { "+" } else { "−" },
                format::display(delta.abs(), 2)
            ),
            Variant::LeaveOut(index) => format!("sans {}", name(index)),
            Variant::Classes(ClassStep::Count(d)) => match d > 0 {
                true => "une classe de priorité de plus".to_string(),
                false => "une classe de priorité de moins".to_string(),
            },
            Variant::Classes(ClassStep::Limits(step)) => format!(
                "seuils de priorité {} {}",
                if step > 0.0 { "+" } else { "−" },
                format::display(step.abs(), 2)
            ),
        }
    }
}

/// The variants of the classes of priority: one class more and one fewer for quantiles or natural
/// breaks (never under two), every cut point `limit_step` up and down for given limits (none
/// without a step).
pub fn class_variants(priorities: &Priorities, limit_step: Option<f64>) -> Vec<Variant> {
    let steps: Vec<ClassStep> = match (priorities, limit_step) {
        (Priorities::CutPoints(_), Some(step)) => {
            vec![ClassStep::Limits(step), ClassStep::Limits(-step)]
        }
        (Priorities::CutPoints(_), None) => Vec::new(),
        _ => vec![ClassStep::Count(1), ClassStep::Count(-1)],
    };
    steps
        .into_iter()
        .filter(|s| s.apply(priorities).is_some())
        .map(Variant::Classes)
        .collect()
}

/// The variants of a rank sum of `n` indicators: the two other rules of ties, and each
/// indicator left out once (when there are two or more).
pub fn rank_sum_variants(n: usize, ties: Ties) -> Vec<Variant> {
    [Ties::Average, Ties::Min, Ties::Dense]
        .into_iter()
        .filter(|t| *t != ties)
        .map(Variant::Ties)
        .chain(leave_outs(n))
        .collect()
}

/// The variants of a weighted score of `weights`: the two other normalisations, each weight
/// `step` up and down (a weight never below 0), and each indicator left out once.
pub fn weighted_variants(weights: &[f64], normalisation: Normalisation, step: f64) -> Vec<Variant> {
    let others = [
        Normalisation::MinMax,
        Normalisation::ZScore,
        Normalisation::RankPercentile,
    ]
    .into_iter()
    .filter(|n| *n != normalisation)
    .map(Variant::Normalisation);
    let steps = weights.iter().enumerate().flat_map(|(index, w)| {
        [step, -step]
            .into_iter()
            .filter(move |delta| w + delta >= 0.0)
            .map(move |delta| Variant::Weight { index, delta })
    });
    others
        .chain(steps)
        .chain(leave_outs(weights.len()))
        .collect()
}

fn leave_outs(n: usize) -> impl Iterator<Item = Variant> {
    (0..if n > 1 { n } else { 0 }).map(Variant::LeaveOut)
}

/// A run of the score: per territory it ranks, its rank (1 the most vulnerable) and whether
/// it is « Priorité 1 ».
pub type Outcome = HashMap<String, (usize, bool)>;

/// How often a territory is a priority over the variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Robustness {
    Always,
    Often,
    Sometimes,
    Never,
}

impl Robustness {
    /// From the share of runs (the method as given and its variants) where it is « Priorité 1 »:
    /// every one, half or more, some, none.
    pub fn of(share: f64) -> Robustness {
        match share {
            s if s >= 1.0 => Robustness::Always,
            s if s >= 0.5 => Robustness::Often,
            s if s > 0.0 => Robustness::Sometimes,
            _ => Robustness::Never,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Robustness::Always => "toujours prioritaire",
            Robustness::Often => "souvent prioritaire",
            Robustness::Sometimes => "parfois prioritaire",
            Robustness::Never => "jamais prioritaire",
        }
    }
}

/// One territory over the runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Robust {
    pub code: String,
    pub best: usize,
    pub worst: usize,
    /// The share of runs where it is « Priorité 1 », from 0 to 1.
    pub share: f64,
    pub class: Robustness,
}

/// Each territory the method as given ranks, over `runs` (the method as given first): its
/// best and worst rank among the runs that rank it, and how often it is a priority (a run that
/// does not rank it counts as not a priority). Sorted by share, then best rank, then code.
pub fn robustness(runs: &[Outcome]) -> Vec<Robust> {
    let Some(base) = runs.first() else {
        return Vec::new();
    };
    let mut out: Vec<Robust> = base
        .keys()
        .map(|code| {
            let ranks: Vec<usize> = runs
                .iter()
                .filter_map(|r| r.get(code).map(|o| o.0))
                .collect();
            let priority = runs
                .iter()
                .filter(|r| r.get(code).is_some_and(|o| o.1))
                .count();
            let share = priority as f64 / runs.len() as f64;
            Robust {
                code: code.clone(),
                best: ranks.iter().copied().min().unwrap_or(0),
                worst: ranks.iter().copied().max().unwrap_or(0),
                share,
                class: Robustness::of(share),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.share
            .total_cmp(&a.share)
            .then(a.best.cmp(&b.best))
            .then_with(|| a.code.cmp(&b.code))
    });
    out
}

/// The total of a rank sum, or the score of a weighted score.
pub fn total_column(result: &DataFrame) -> &'static str {
    match result.column(rank_sum::TOTAL) {
        Ok(_) => rank_sum::TOTAL,
        Err(_) => weighted_score::SCORE,
    }
}

/// Each ranked territory's rank and whether it is « Priorité 1 », from a score's result.
pub fn outcome(result: &DataFrame) -> Result<Outcome> {
    let codes = frame_codes(result)?;
    let totals = cells(result, total_column(result))?;
    let priorities: Vec<Option<&str>> = result.column(PRIORITY)?.str()?.iter().collect();
    let mut rank = 0;
    let mut out = Outcome::new();
    for ((code, t), p) in codes.into_iter().zip(totals).zip(priorities) {
        if t.bounds().is_some() {
            rank += 1;
            out.insert(code, (rank, p == Some("Priorité 1")));
        }
    }
    Ok(out)
}

/// Code, territory, best and worst rank, the share of runs in « Priorité 1 », the class.
pub fn table(level: Level, units: &[Unit], rows: &[Robust]) -> OutTable {
    let name = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .map_or(String::new(), |u| u.name.clone())
    };
    OutTable::from_rows(
        vec![
            ("Code".to_string(), Align::Left),
            (capitalise(level.noun()), Align::Left),
            ("Meilleur rang".to_string(), Align::Right),
            ("Pire rang".to_string(), Align::Right),
            ("En Priorité 1 (% des variantes)".to_string(), Align::Right),
            ("Robustesse".to_string(), Align::Left),
        ],
        rows.iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    name(&r.code),
                    r.best.to_string(),
                    r.worst.to_string(),
                    format::display(100.0 * r.share, 0),
                    capitalise(r.class.label()),
                ]
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_of_priority_take_a_step_never_under_two() {
        let quantiles = Priorities::Quantiles(2);
        assert_eq!(
            class_variants(&quantiles, None),
            [Variant::Classes(ClassStep::Count(1))],
            "two classes: no fewer"
        );
        assert_eq!(
            ClassStep::Count(1).apply(&Priorities::NaturalBreaks(3)),
            Some(Priorities::NaturalBreaks(4))
        );
        let limits = Priorities::CutPoints(vec![20.0, 30.0]);
        assert!(class_variants(&limits, None).is_empty());
        assert_eq!(
            ClassStep::Limits(-2.0).apply(&limits),
            Some(Priorities::CutPoints(vec![18.0, 28.0]))
        );
        assert_eq!(class_variants(&limits, Some(2.0)).len(), 2);
        assert_eq!(
            Variant::Classes(ClassStep::Limits(-2.0)).label(&[]),
            "seuils de priorité − 2,00"
        );
    }

    fn run(rows: &[(&str, usize, bool)]) -> Outcome {
        rows.iter()
            .map(|(c, r, p)| (c.to_string(), (*r, *p)))
            .collect()
    }

    #[test]
    fn a_territory_first_under_every_variant_is_always_a_priority() {
        // Four runs: A first and a priority in each; B a priority in two; C in one; D never.
        let runs = [
            run(&[
                ("A", 1, true),
                ("B", 2, true),
                ("C", 3, false),
                ("D", 4, false),
            ]),
            run(&[
                ("A", 1, true),
                ("C", 2, true),
                ("B", 3, false),
                ("D", 4, false),
            ]),
            run(&[
                ("A", 1, true),
                ("B", 2, true),
                ("D", 3, false),
                ("C", 4, false),
            ]),
            run(&[("A", 1, true), ("B", 3, false), ("C", 2, false)]),
        ];
        let r = robustness(&runs);
        let by = |c: &str| r.iter().find(|x| x.code == c).unwrap().clone();
        assert_eq!(
            (by("A").best, by("A").worst, by("A").class),
            (1, 1, Robustness::Always)
        );
        assert_eq!((by("B").best, by("B").worst, by("B").share), (2, 3, 0.5));
        assert_eq!(by("B").class, Robustness::Often);
        assert_eq!(
            (by("C").share, by("C").class),
            (0.25, Robustness::Sometimes)
        );
        // D is not ranked in the last run: its ranks are those of the three others.
        assert_eq!(
            (by("D").best, by("D").worst, by("D").class),
            (3, 4, Robustness::Never)
        );
        assert_eq!(
            r.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(),
            ["A", "B", "C", "D"]
        );
    }

    #[test]
    fn the_variants_of_each_method() {
        let v = rank_sum_variants(3, Ties::Average);
        assert_eq!(v.len(), 2 + 3);
        assert!(!v.contains(&Variant::Ties(Ties::Average)));
        // A weight of 0 is not stepped down; one indicator alone is never left out.
        let v = weighted_variants(&[0.6, 0.0], Normalisation::MinMax, 0.1);
        assert_eq!(v.len(), 2 + 3 + 2);
        assert!(!v.contains(&Variant::Weight {
            index: 1,
            delta: -0.1
        }));
        assert_eq!(rank_sum_variants(1, Ties::Min).len(), 2);
        let names = ["Revenu médian (€)".to_string()];
        assert_eq!(Variant::LeaveOut(0).label(&names), "sans Revenu médian (€)");
        assert_eq!(
            Variant::Weight {
                index: 0,
                delta: -0.05
            }
            .label(&names),
            "poids de Revenu médian (€) − 0,05"
        );
    }
}

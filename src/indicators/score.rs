//! A score as the plan resolves it: its method and every parameter of it, run on the frame of
//! the scored indicators (or on a variant of the method, for its robustness), and the classes
//! its map shows.

use polars::prelude::DataFrame;

use super::Cell;
use super::flags::{self, Flag, FlagGroup, FlagRule, FlagSum, Typology, TypologyNames};
use super::rank_sum::{self, Direction, Priorities, RankSum, RankedIndicator, Ties};
use super::robustness::{Variant, class_variants, rank_sum_variants, weighted_variants};
use super::score_list::ScoreMethod;
use super::weighted_score::{self, Normalisation, WeightedIndicator, WeightedScore};
use crate::classify::palette::{self, Qualitative, Sequential};
use crate::error::{Place, Result};
use crate::notice::Notice;

/// A score, every parameter resolved.
#[derive(Debug, Clone)]
pub struct ScoreModel {
    pub method: ScoreMethod,
    /// Each scored indicator's column in the frames, its label, and which way it is vulnerable.
    pub columns: Vec<String>,
    pub labels: Vec<String>,
    pub directions: Vec<Direction>,
    /// The weight of each indicator of a weighted score (none for the other methods).
    pub weights: Vec<f64>,
    pub ties: Ties,
    pub normalisation: Normalisation,
    /// How a rank sum or a weighted score cuts its totals into classes of priority.
    pub priorities: Priorities,
    /// The flag of each indicator of a flag sum (none for the other methods).
    pub flags: Vec<FlagRule>,
    /// The subtotals of a flag sum (need, supply), and the columns of each group.
    pub groups: Vec<FlagGroup>,
    pub need: Vec<String>,
    pub supply: Vec<String>,
    /// The need × supply classes of a flag sum, when named.
    pub typology: Option<TypologyNames>,
    /// Where the query lists the indicators, for the errors only the data show.
    pub place: Place,
}

/// The classes of a score's map: the frame's column of each territory's class, the classes in
/// legend order with their colours, the legend's title.
#[derive(Debug, Clone, PartialEq)]
pub struct MapClasses {
    pub column: &'static str,
    pub labels: Vec<String>,
    pub colors: Vec<String>,
    pub title: String,
}

impl ScoreModel {
    /// The score of `df` by the method, or by a `variant` of it; `references` are the
    /// indicators over the whole selection, the thresholds of flags.
    pub fn score(
        &self,
        df: &DataFrame,
        references: &[Cell],
        variant: Option<Variant>,
    ) -> Result<(DataFrame, Vec<Notice>)> {
        // A variant may leave one indicator out.
        let kept = |k: &usize| !matches!(variant, Some(Variant::LeaveOut(out)) if out == *k);
        let priorities = match variant {
            Some(Variant::Classes(step)) => step
                .apply(&self.priorities)
                .expect("class variants are made only where they apply"),
            _ => self.priorities.clone(),
        };
        let indicators = 0..self.columns.len();
        match self.method {
            ScoreMethod::RankSum => rank_sum::rank_sum(
                df,
                &RankSum {
                    indicators: indicators
                        .filter(kept)
                        .map(|k| RankedIndicator {
                            column: self.columns[k].clone(),
                            direction: self.directions[k],
                        })
                        .collect(),
                    ties: match variant {
                        Some(Variant::Ties(t)) => t,
                        _ => self.ties,
                    },
                    priorities,
                },
            ),
            ScoreMethod::Flags => flags::flag_sum(df, &self.flag_sum(references)?),
            ScoreMethod::Weighted => weighted_score::weighted_score(
                df,
                &WeightedScore {
                    indicators: indicators
                        .filter(kept)
                        .map(|k| WeightedIndicator {
                            column: self.columns[k].clone(),
                            weight: self.weights[k]
                                + match variant {
                                    Some(Variant::Weight { index, delta }) if index == k => delta,
                                    _ => 0.0,
                                },
                            direction: self.directions[k],
                        })
                        .collect(),
                    normalisation: match variant {
                        Some(Variant::Normalisation(n)) => n,
                        _ => self.normalisation,
                    },
                    priorities,
                },
            ),
        }
        .map_err(|e| self.place.put(e))
    }

    /// The flags: one per indicator, its threshold a number or the indicator over the whole
    /// selection `references` (× a factor); an error when that reference has no value.
    fn flag_sum(&self, references: &[Cell]) -> Result<FlagSum> {
        let mut flags = Vec::with_capacity(self.flags.len());
        for (k, (rule, reference)) in self.flags.iter().zip(references).enumerate() {
            let test = rule.test(*reference).ok_or_else(|| {
                self.place
                    .error(format!(
                        "pas de valeur de référence pour « {} » (valeur publiée, territoire sans donnée ou valeur secrète)",
                        self.labels[k]
                    ))
                    .hint("donnez un rapport de sommes (« numerateur » et « denominateur ») sur des fichiers qui couvrent tous les territoires, ou un seuil chiffré")
            })?;
            flags.push(Flag {
                name: self.columns[k].clone(),
                column: self.columns[k].clone(),
                test,
            });
        }
        Ok(FlagSum {
            flags,
            typology: self.typology.clone().map(|names| Typology {
                need: self.need.clone(),
                supply: self.supply.clone(),
                names,
            }),
            groups: self.groups.clone(),
        })
    }

    /// The variants of the method its robustness runs: other tie rules or normalisations,
    /// each indicator left out, each weight moved by `weight_step`, the classes moved (their
    /// number, or the limits given by `limit_step`).
    pub fn variants(&self, weight_step: f64, limit_step: Option<f64>) -> Vec<Variant> {
        let mut variants = match self.method {
            ScoreMethod::RankSum => rank_sum_variants(self.columns.len(), self.ties),
            ScoreMethod::Weighted => {
                weighted_variants(&self.weights, self.normalisation, weight_step)
            }
            ScoreMethod::Flags => unreachable!("[score.robustesse] of flags: refused by the plan"),
        };
        variants.extend(class_variants(&self.priorities, limit_step));
        variants
    }

    /// The classes of its map: « Priorité 1… » darkest first for a rank sum or a weighted
    /// score (`weighted` says how the latter is made), the named typology classes for flags.
    pub fn map_classes(&self, weighted: Option<&str>) -> MapClasses {
        match (self.method, &self.typology) {
            (ScoreMethod::RankSum | ScoreMethod::Weighted, _) => {
                let n = self.priorities.classes();
                let mut colors = palette::sequential(Sequential::Oranges, n)
                    .expect("as many classes as a palette has: checked by the plan");
                colors.reverse();
                let method = match self.method {
                    ScoreMethod::Weighted => {
                        format!("Score pondéré ({})", weighted.unwrap_or_default())
                    }
                    _ => "Somme des rangs".to_string(),
                };
                MapClasses {
                    column: rank_sum::PRIORITY,
                    labels: (1..=n).map(|k| format!("Priorité {k}")).collect(),
                    colors,
                    title: format!("{method} : Priorité 1 = les plus vulnérables"),
                }
            }
            (ScoreMethod::Flags, Some(t)) => {
                let labels = t.legend_order();
                MapClasses {
                    column: flags::TYPOLOGY,
                    colors: palette::qualitative(Qualitative::Set2, labels.len())
                        .expect("at most four typology classes"),
                    labels,
                    title: "Typologie besoins × offre".into(),
                }
            }
            _ => unreachable!("a map of flags without a typology: refused by the plan"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::flags::{GivenBound, TestKind};
    use crate::indicators::frame::push_cells;
    use crate::indicators::robustness::Variant;
    use Cell::{Secret, Value};
    use polars::prelude::{Column, DataFrame};

    fn model(method: ScoreMethod) -> ScoreModel {
        ScoreModel {
            method,
            columns: vec!["pauvrete".into(), "couverture".into()],
            labels: vec!["Pauvreté".into(), "Couverture".into()],
            directions: vec![Direction::HigherIsWorse, Direction::LowerIsWorse],
            weights: vec![0.6, 0.4],
            ties: Ties::Average,
            normalisation: Normalisation::MinMax,
            priorities: Priorities::Quantiles(2),
            flags: vec![
                FlagRule::new(
                    TestKind::Greater,
                    Some(GivenBound::Reference { factor: 1.0 }),
                )
                .unwrap(),
                FlagRule::new(TestKind::Less, Some(GivenBound::Value(50.0))).unwrap(),
            ],
            groups: vec![],
            need: vec!["pauvrete".into()],
            supply: vec!["couverture".into()],
            typology: Some(TypologyNames {
                need_with_supply: Some("Orange".into()),
                need_with_deficit: Some("Bleu".into()),
                no_need_with_supply: None,
                no_need_with_deficit: Some("Vert".into()),
            }),
            place: Place {
                file: "score.toml".into(),
                line: 12,
            },
        }
    }

    fn frame() -> DataFrame {
        let codes = ["A", "B", "C", "D"].map(String::from).to_vec();
        let mut df = DataFrame::new(4, vec![Column::new("code".into(), codes)]).unwrap();
        let cells = |v: [f64; 4]| v.map(Value).to_vec();
        push_cells(&mut df, "pauvrete", &cells([20.0, 10.0, 15.0, 30.0])).unwrap();
        push_cells(&mut df, "couverture", &cells([40.0, 70.0, 55.0, 30.0])).unwrap();
        df
    }

    #[test]
    fn a_rank_sum_and_its_variant_leaving_an_indicator_out() {
        let m = model(ScoreMethod::RankSum);
        let (result, _) = m.score(&frame(), &[], None).unwrap();
        let codes = crate::indicators::frame::codes(&result).unwrap();
        // D is the poorest and the least covered: rank 1 on both.
        assert_eq!(codes[0], "D");
        // Without the coverage, the order is that of poverty alone.
        let (left_out, _) = m.score(&frame(), &[], Some(Variant::LeaveOut(1))).unwrap();
        let ranks = crate::indicators::frame::codes(&left_out).unwrap();
        assert_eq!(ranks, ["D", "A", "C", "B"]);
    }

    #[test]
    fn a_flag_against_a_reference_without_value_is_an_error_at_the_indicators() {
        let m = model(ScoreMethod::Flags);
        let e = m.score(&frame(), &[Secret, Value(50.0)], None).unwrap_err();
        assert_eq!((e.line, e.kind), (Some(12), crate::error::ErrorKind::Query));
        assert!(e.message.contains("« Pauvreté »"), "{}", e.message);
        assert!(m.score(&frame(), &[Value(18.0), Value(50.0)], None).is_ok());
    }

    #[test]
    fn map_classes_darkest_first_or_the_named_typology_in_legend_order() {
        let ranked = model(ScoreMethod::Weighted).map_classes(Some("min-max"));
        assert_eq!(ranked.labels, ["Priorité 1", "Priorité 2"]);
        assert_eq!(
            ranked.title,
            "Score pondéré (min-max) : Priorité 1 = les plus vulnérables"
        );
        let typology = model(ScoreMethod::Flags).map_classes(None);
        assert_eq!(typology.labels, ["Bleu", "Orange", "Vert"]);
        assert_eq!(typology.colors.len(), 3);
        // Variants: the other normalisations, each weight up and down, each indicator left
        // out, one class more and one less.
        let variants = model(ScoreMethod::Weighted).variants(0.05, None);
        assert!(variants.contains(&Variant::Normalisation(Normalisation::ZScore)));
        assert!(variants.contains(&Variant::LeaveOut(1)));
    }
}

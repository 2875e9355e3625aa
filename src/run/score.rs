//! A `[score]` query: the indicators of a table by territory, ranked or weighted
//! into a vulnerability score, written as a priority list.

use std::path::Path;

use polars::prelude::*;

use super::class_map::{Classed, Legend, NamedClass, class_map};
use super::{Drawn, Report, Section, Selection};
use crate::classify::palette::{self, Qualitative, Sequential};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::flags::{self, Flag, FlagSum, Typology, TypologyNames};
use crate::indicators::frame::{codes as frame_codes, push_cells};
use crate::indicators::rank_sum::{self, Priorities, RankSum, RankedIndicator};
use crate::indicators::robustness::Variant;
use crate::indicators::score_list::score_table;
use crate::indicators::weighted_score::{self, WeightedIndicator, WeightedScore};
use crate::query::{
    ClassMapSpec, FlagGroup, NonNegative, Query, ScoreMethod, ScorePlan, ScoreSpec,
};
use crate::render::FeatureClass;
use crate::sources::evaluate_sources;
use crate::territory::{Level, Territory, Unit};

pub(super) fn run_score(
    query: &Query,
    spec: &ScoreSpec,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let selection = query.selection(territory)?;
    let (level, units) = (selection.level, selection.units.as_slice());
    let mut notices = selection.notices.clone();
    let plan = query.score_plan(spec, level)?;
    let (df, references) = indicator_frame(query, spec, &plan, &selection, &mut notices)?;
    let (result, method_notices) = run_method(query, spec, &plan, &df, &references, None)?;
    notices.extend(method_notices);

    let table = score_table(&plan.shape, level, units, &df, &result)?;
    let mut report = Report {
        notices,
        title: spec.titre.clone(),
        ..Report::default()
    };
    if let Some(map) = &spec.carte {
        let frame = ScoreFrame {
            level,
            units,
            result: &result,
            plan: &plan,
        };
        let drawn = priority_map(
            query,
            spec,
            map,
            territory,
            &frame,
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(robust) = &spec.robustesse {
        let inputs = super::robustness::Inputs {
            plan: &plan,
            df: &df,
            references: &references,
            level,
            units,
            territory,
        };
        super::robustness::run_robustness(query, spec, robust, &inputs, out_dir, &mut report)?;
    }
    let paths = table.write_all(spec.sorties.get_ref(), out_dir, "Priorités", &|| {
        table.to_markdown(Some(&spec.titre)) + &markdown_notes(&report.notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table {
        title: spec.titre.clone(),
        table,
    });
    Ok(report)
}

/// The score of `df` by the query's method, or by a `variant` of it (for its robustness).
pub(super) fn run_method(
    query: &Query,
    spec: &ScoreSpec,
    plan: &ScorePlan,
    df: &DataFrame,
    references: &[Cell],
    variant: Option<Variant>,
) -> Result<(DataFrame, Vec<String>)> {
    let indicators = spec.indicateurs.get_ref();
    // A variant may leave one indicator out.
    let kept = |i: &usize| !matches!(variant, Some(Variant::LeaveOut(out)) if out == *i);
    match spec.methode {
        ScoreMethod::RankSum => rank_sum::rank_sum(
            df,
            &RankSum {
                indicators: (0..indicators.len())
                    .filter(kept)
                    .map(|k| RankedIndicator {
                        column: indicators[k].key(),
                        direction: indicators[k].vulnerable_si,
                    })
                    .collect(),
                ties: match variant {
                    Some(Variant::Ties(t)) => t,
                    _ => spec.egalites,
                },
                priorities: varied(plan.priorities.clone(), variant),
            },
        ),
        ScoreMethod::Flags => {
            let params = flag_params(query, spec, plan, references)?;
            flags::flag_sum(df, &params)
        }
        ScoreMethod::Weighted => {
            let mut weighted = Vec::new();
            for (k, i) in indicators.iter().enumerate().filter(|(k, _)| kept(k)) {
                let weight = i.poids.map(NonNegative::get).expect(
                    "every indicator of a weighted score has a weight: checked by the plan",
                );
                let delta = match variant {
                    Some(Variant::Weight { index, delta }) if index == k => delta,
                    _ => 0.0,
                };
                weighted.push(WeightedIndicator {
                    column: i.key(),
                    weight: weight + delta,
                    direction: i.vulnerable_si,
                });
            }
            weighted_score::weighted_score(
                df,
                &WeightedScore {
                    indicators: weighted,
                    normalisation: match variant {
                        Some(Variant::Normalisation(n)) => n,
                        _ => spec.normalisation,
                    },
                    priorities: varied(plan.priorities.clone(), variant),
                },
            )
        }
    }
    .map_err(|e| query.place(e, &spec.indicateurs.span()))
}

/// `code` and the indicator columns for every territory of the selection, with each
/// indicator's value over the whole selection (none for a published value). Rows of a
/// finer file (IRIS, communes) are summed into their territory, rates recomputed as ratios
/// of sums; a territory absent from the file gets missing values (listed, not ranked).
fn indicator_frame(
    query: &Query,
    spec: &ScoreSpec,
    plan: &ScorePlan,
    selection: &Selection,
    notices: &mut Vec<String>,
) -> Result<(DataFrame, Vec<Cell>)> {
    let units = &selection.units;
    let evaluated = evaluate_sources(query, &plan.method, selection, notices)?;
    let values = &evaluated.values;
    let mut df = DataFrame::new(
        units.len(),
        vec![Column::new(
            "code".into(),
            units.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
        )],
    )?;
    // The selection as a whole is the reference of flags (the departmental rate when the
    // selection is a département): a ratio of sums, none for a published value.
    let mut references = Vec::with_capacity(plan.scored.len());
    for (ind, &i) in spec.indicateurs.get_ref().iter().zip(&plan.scored) {
        // Over the territories its files have (the others are listed, not ranked); one of
        // them without a count leaves no reference, rather than one over fewer territories.
        let unfound = evaluated.unfound(&plan.method.indicators[i]);
        references.push(values.total_of_found(i, unfound));
        push_cells(&mut df, &ind.key(), values.of(i))?;
    }
    Ok((df, references))
}

/// The ranked territories of a score, for its map.
struct ScoreFrame<'a> {
    level: Level,
    units: &'a [Unit],
    result: &'a DataFrame,
    plan: &'a ScorePlan,
}

/// The typology map of the priority classes: "Priorité 1" (the most vulnerable)
/// in the darkest colour; unranked territories as secret or no data.
fn priority_map(
    query: &Query,
    spec: &ScoreSpec,
    map: &ClassMapSpec,
    territory: &Territory,
    frame: &ScoreFrame,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let (column, labels, colors, legend_title) = map_classes(spec, frame.plan);
    let result = frame.result;
    let codes = frame_codes(result)?;
    let classes: Vec<Option<&str>> = result.column(column)?.str()?.iter().collect();
    let totals = cells(result, spec.methode.total_column())?;
    // Territories of no named class (typology) are drawn in a neutral "others" class.
    let others = labels.len();
    // Labels go to the most vulnerable first: lowest rank total, or most flags.
    let sign = if spec.methode == ScoreMethod::RankSum {
        -1.0
    } else {
        1.0
    };
    let classed: Vec<Classed> = codes
        .iter()
        .enumerate()
        .map(|(i, code)| Classed {
            code,
            class: match (
                classes[i].and_then(|c| labels.iter().position(|l| l == c)),
                totals[i],
            ) {
                (Some(k), _) => FeatureClass::Class(k),
                (None, Cell::Value(_)) => FeatureClass::Class(others),
                (None, Cell::Bounded { .. }) => FeatureClass::Uncertain,
                (None, Cell::Secret) => FeatureClass::Secret,
                (None, Cell::Partial) => FeatureClass::Partial,
                (None, Cell::Missing) => FeatureClass::NoData,
            },
            value_label: totals[i].label(1),
            weight: totals[i].shown().map_or(f64::MIN, |t| sign * t),
        })
        .collect();
    let mut named: Vec<NamedClass> = labels
        .into_iter()
        .zip(colors)
        .map(|(label, color)| NamedClass {
            label,
            color,
            optional: false,
        })
        .collect();
    named.push(NamedClass {
        label: "Autres territoires".to_string(),
        color: "#f0f0f0".to_string(),
        optional: true,
    });
    class_map(
        query,
        (&map.files(), map.etiquettes),
        territory,
        frame.level,
        frame.units,
        &classed,
        Legend {
            title: legend_title,
            classes: named,
        },
        out_dir,
        notices,
    )
}

/// The class column of a score map, its classes in legend order, their
/// colours and the legend title: "Priorité 1…" darkest first for a rank sum,
/// the named typology classes for flags.
fn map_classes(
    spec: &ScoreSpec,
    plan: &ScorePlan,
) -> (&'static str, Vec<String>, Vec<String>, String) {
    match (spec.methode, &spec.typologie) {
        (ScoreMethod::RankSum | ScoreMethod::Weighted, _) => {
            let n = plan.priorities.classes();
            let mut colors = palette::sequential(Sequential::Oranges, n)
                .expect("as many classes as a palette has: checked by the plan");
            colors.reverse();
            let labels = (1..=n).map(|k| format!("Priorité {k}")).collect();
            let method = match spec.methode {
                ScoreMethod::Weighted => format!(
                    "Score pondéré ({})",
                    plan.shape.weighted.as_deref().unwrap_or_default()
                ),
                _ => "Somme des rangs".to_string(),
            };
            (
                rank_sum::PRIORITY,
                labels,
                colors,
                format!("{method} : Priorité 1 = les plus vulnérables"),
            )
        }
        (ScoreMethod::Flags, Some(t)) => {
            let labels: Vec<String> = [
                &t.besoin_deficit_offre,
                &t.besoin_offre_presente,
                &t.sans_besoin_deficit_offre,
                &t.sans_besoin_offre_presente,
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
            let colors = palette::qualitative(Qualitative::Set2, labels.len())
                .expect("at most four typology classes");
            (
                flags::TYPOLOGY,
                labels,
                colors,
                "Typologie besoins × offre".into(),
            )
        }
        _ => unreachable!("a map of flags without a typology: refused by the plan"),
    }
}

/// The classes of priority under `variant`: changed by a step of classes, or as the method has them.
fn varied(priorities: Priorities, variant: Option<Variant>) -> Priorities {
    match variant {
        Some(Variant::Classes(step)) => step
            .apply(&priorities)
            .expect("class variants are made only where they apply"),
        _ => priorities,
    }
}

/// The flags of a `drapeaux` score: one per indicator, its threshold a number or the indicator
/// over the whole selection `references` (× a factor).
fn flag_params(
    query: &Query,
    spec: &ScoreSpec,
    plan: &ScorePlan,
    references: &[Cell],
) -> Result<FlagSum> {
    let mut flags = Vec::new();
    let (mut need, mut supply) = (Vec::new(), Vec::new());
    let indicators = spec.indicateurs.get_ref();
    for ((ind, rule), reference) in indicators.iter().zip(&plan.flags).zip(references) {
        let name = ind.key();
        let test = rule.test(*reference).ok_or_else(|| {
            query
                .error_at(
                    &spec.indicateurs.span(),
                    format!(
                        "pas de valeur de référence pour « {} » (valeur publiée, territoire sans donnée ou valeur secrète)",
                        ind.libelle
                    ),
                )
                .hint("donnez un rapport de sommes (« numerateur » et « denominateur ») sur des fichiers qui couvrent tous les territoires, ou un seuil chiffré")
        })?;
        let group = ind.drapeau.as_ref().and_then(|f| f.groupe);
        match group {
            Some(FlagGroup::Besoin) => need.push(name.clone()),
            Some(FlagGroup::Offre) => supply.push(name.clone()),
            None => {}
        }
        flags.push(Flag {
            name: name.clone(),
            column: name,
            test,
        });
    }
    let typology = spec.typologie.as_ref().map(|t| Typology {
        need,
        supply,
        names: TypologyNames {
            need_with_supply: t.besoin_offre_presente.clone(),
            need_with_deficit: t.besoin_deficit_offre.clone(),
            no_need_with_supply: t.sans_besoin_offre_presente.clone(),
            no_need_with_deficit: t.sans_besoin_deficit_offre.clone(),
        },
    });
    Ok(FlagSum {
        flags,
        typology,
        groups: plan.shape.groups.clone(),
    })
}

//! A `[score]` query: the indicators of a table by territory, ranked or weighted
//! into a vulnerability score, written as a priority list.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use super::class_map::{Classed, Legend, NamedClass, class_map};
use super::indicators::evaluate_sources;
use super::{Drawn, Report, Section, Selection};
use crate::classify::palette::{self, Qualitative, Sequential};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::flags::{self, Flag, FlagRule, FlagSum, Typology, TypologyNames};
use crate::indicators::frame::{codes as frame_codes, push_cells};
use crate::indicators::rank_sum::{self, Priorities, RankSum, RankedIndicator};
use crate::indicators::robustness::Variant;
use crate::indicators::weighted_score::{self, WeightedIndicator, WeightedScore};
use crate::ingest::secret_column;
use crate::query::{
    ClassMapSpec, FlagGroup, NonNegative, Query, ScoreMethod, ScorePlan, ScoreSpec,
};
use crate::render::FeatureClass;
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
    let names: Vec<String> = spec.indicateurs.get_ref().iter().map(|i| i.key()).collect();
    let (result, method_notices) = run_method(query, spec, &plan, &df, &references, None)?;
    notices.extend(method_notices);

    let table = score_table(spec, level, units, &df, &result, &names)?;
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
            priorities: &plan.priorities,
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
        ScoreMethod::SommeDesRangs => rank_sum::rank_sum(
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
        ScoreMethod::Drapeaux => {
            let params = flag_params(query, spec, &plan.flags, references)?;
            flags::flag_sum(df, &params)
        }
        ScoreMethod::ScorePondere => {
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

/// The priority list: rank, territory, each indicator's value (and rank for a
/// rank sum), the total or score, and the priority class.
fn score_table(
    spec: &ScoreSpec,
    level: Level,
    units: &[Unit],
    inputs: &DataFrame,
    result: &DataFrame,
    names: &[String],
) -> Result<OutTable> {
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let codes = frame_codes(result)?;
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut headers = vec![
        ("Rang".to_string(), Align::Right),
        ("Code".to_string(), Align::Left),
        (crate::format::capitalise(level.noun()), Align::Left),
    ];
    // Per indicator, the value and what the method made of it, as text in result order.
    let input_row: HashMap<&str, usize> = inputs
        .column("code")?
        .str()?
        .iter()
        .enumerate()
        .map(|(i, c)| (c.unwrap_or(""), i))
        .collect();
    let in_result_order = |column: Vec<Cell>| -> Vec<Cell> {
        codes
            .iter()
            .map(|c| input_row.get(c).map_or(Cell::Missing, |&i| column[i]))
            .collect()
    };
    let number = |c: Cell| match c {
        Cell::Value(v) => format::compact(v),
        other => other.table_label(1),
    };
    let mut columns: Vec<Vec<String>> = Vec::new();
    for (ind, name) in spec.indicateurs.get_ref().iter().zip(names) {
        headers.push((ind.libelle.clone(), Align::Right));
        columns.push(
            in_result_order(cells(inputs, name)?)
                .into_iter()
                .map(number)
                .collect(),
        );
        match spec.methode {
            ScoreMethod::SommeDesRangs => {
                headers.push((format!("Rang : {}", ind.libelle), Align::Right));
                columns.push(
                    cells(result, &format!("rang_{name}"))?
                        .into_iter()
                        .map(number)
                        .collect(),
                );
            }
            ScoreMethod::Drapeaux => {
                headers.push((format!("Drapeau : {}", ind.libelle), Align::Left));
                let raised = result.column(name)?.bool()?;
                let secret = result.column(&secret_column(name))?.bool()?;
                let uncertain = result.column(&flags::uncertain_column(name))?.bool()?;
                columns.push(
                    (0..result.height())
                        .map(|i| match (secret.get(i), uncertain.get(i), raised.get(i)) {
                            (Some(true), ..) => "secret".to_string(),
                            (_, Some(true), _) => "incertain".to_string(),
                            (.., Some(true)) => "oui".to_string(),
                            (.., Some(false)) => "non".to_string(),
                            (.., None) => String::new(),
                        })
                        .collect(),
                );
            }
            ScoreMethod::ScorePondere => {}
        }
    }
    // A flag sum's subtotals, before its total.
    if spec.methode == ScoreMethod::Drapeaux {
        for group in flag_groups(spec) {
            headers.push((group.column.clone(), Align::Right));
            columns.push(
                cells(result, &group.column)?
                    .into_iter()
                    .map(number)
                    .collect(),
            );
        }
    }
    // The weighted score says how it is made, in every output it reaches.
    let total_header = match spec.methode {
        ScoreMethod::SommeDesRangs => "Total des rangs".to_string(),
        ScoreMethod::ScorePondere => format!("Score ({})", weighted_method(spec)),
        ScoreMethod::Drapeaux => "Nombre de drapeaux".to_string(),
    };
    headers.push((total_header, Align::Right));
    let totals = cells(result, total_column(spec.methode))?;
    let class_column = match spec.methode {
        ScoreMethod::SommeDesRangs | ScoreMethod::ScorePondere => {
            Some(("Priorité", rank_sum::PRIORITY))
        }
        ScoreMethod::Drapeaux if spec.typologie.is_some() => Some(("Typologie", flags::TYPOLOGY)),
        _ => None,
    };
    let classes: Option<Vec<Option<String>>> = match class_column {
        Some((header, column)) => {
            headers.push((header.to_string(), Align::Left));
            Some(
                result
                    .column(column)?
                    .str()?
                    .iter()
                    .map(|p| p.map(String::from))
                    .collect(),
            )
        }
        None => None,
    };
    let mut rank = 0;
    // Each column's cells move into the rows, in row order.
    let mut columns: Vec<std::vec::IntoIter<String>> =
        columns.into_iter().map(Vec::into_iter).collect();
    let rows = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let mut row = Vec::with_capacity(headers.len());
            row.push(match totals[i] {
                Cell::Value(_) | Cell::Bounded { .. } => {
                    rank += 1;
                    rank.to_string()
                }
                _ => String::new(),
            });
            row.push(code.to_string());
            row.push(by_code.get(code).map_or(String::new(), |u| u.name.clone()));
            row.extend(columns.iter_mut().map(|c| c.next().unwrap_or_default()));
            row.push(match totals[i] {
                Cell::Value(v) if spec.methode == ScoreMethod::ScorePondere => {
                    format::decimal(v, 3)
                }
                Cell::Value(v) => format::compact(v),
                Cell::Bounded { .. } => totals[i].table_label(1),
                Cell::Secret => "secret".to_string(),
                Cell::Partial => "partiel".to_string(),
                Cell::Missing => "non classé".to_string(),
            });
            if let Some(c) = &classes {
                row.push(c[i].clone().unwrap_or_default());
            }
            row
        })
        .collect();
    Ok(OutTable { headers, rows })
}

/// The ranked territories of a score, for its map.
struct ScoreFrame<'a> {
    level: Level,
    units: &'a [Unit],
    result: &'a DataFrame,
    priorities: &'a Priorities,
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
    let (column, labels, colors, legend_title) = map_classes(spec, frame.priorities);
    let result = frame.result;
    let codes = frame_codes(result)?;
    let classes: Vec<Option<&str>> = result.column(column)?.str()?.iter().collect();
    let totals = cells(result, total_column(spec.methode))?;
    // Territories of no named class (typology) are drawn in a neutral "others" class.
    let others = labels.len();
    // Labels go to the most vulnerable first: lowest rank total, or most flags.
    let sign = if spec.methode == ScoreMethod::SommeDesRangs {
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
        map,
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
    priorities: &Priorities,
) -> (&'static str, Vec<String>, Vec<String>, String) {
    match (spec.methode, &spec.typologie) {
        (ScoreMethod::SommeDesRangs | ScoreMethod::ScorePondere, _) => {
            let n = priorities.classes();
            let mut colors = palette::sequential(Sequential::Oranges, n)
                .expect("as many classes as a palette has: checked by the plan");
            colors.reverse();
            let labels = (1..=n).map(|k| format!("Priorité {k}")).collect();
            let method = match spec.methode {
                ScoreMethod::ScorePondere => format!("Score pondéré ({})", weighted_method(spec)),
                _ => "Somme des rangs".to_string(),
            };
            (
                rank_sum::PRIORITY,
                labels,
                colors,
                format!("{method} : Priorité 1 = les plus vulnérables"),
            )
        }
        (ScoreMethod::Drapeaux, Some(t)) => {
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

/// How a weighted score is made: its normalisation and each indicator's weight.
fn weighted_method(spec: &ScoreSpec) -> String {
    let weights: Vec<(f64, &str)> = spec
        .indicateurs
        .get_ref()
        .iter()
        .map(|i| (i.poids.map_or(0.0, NonNegative::get), i.libelle.as_str()))
        .collect();
    weighted_score::method_label(spec.normalisation, &weights)
}

/// The column of the total a score method writes.
fn total_column(method: ScoreMethod) -> &'static str {
    match method {
        ScoreMethod::SommeDesRangs => rank_sum::TOTAL,
        ScoreMethod::ScorePondere => weighted_score::SCORE,
        ScoreMethod::Drapeaux => flags::TOTAL,
    }
}

/// The flags of a `drapeaux` score: one per indicator, its threshold a number or the indicator
/// over the whole selection `references` (× a factor).
fn flag_params(
    query: &Query,
    spec: &ScoreSpec,
    rules: &[FlagRule],
    references: &[Cell],
) -> Result<FlagSum> {
    let mut flags = Vec::new();
    let (mut need, mut supply) = (Vec::new(), Vec::new());
    let indicators = spec.indicateurs.get_ref();
    for ((ind, rule), reference) in indicators.iter().zip(rules).zip(references) {
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
        groups: flag_groups(spec),
    })
}

/// The subtotals of a flag sum, as the Isère annexe counts them: the need flags, the supply
/// flags (for the groups some indicator is in), each column named by its header.
fn flag_groups(spec: &ScoreSpec) -> Vec<flags::FlagGroup> {
    [
        (FlagGroup::Besoin, "Drapeaux de besoin"),
        (FlagGroup::Offre, "Drapeaux d'offre"),
    ]
    .into_iter()
    .map(|(group, column)| flags::FlagGroup {
        column: column.to_string(),
        flags: spec
            .indicateurs
            .get_ref()
            .iter()
            .filter(|i| i.drapeau.as_ref().and_then(|d| d.groupe) == Some(group))
            .map(|i| i.key())
            .collect(),
    })
    .filter(|g| !g.flags.is_empty())
    .collect()
}

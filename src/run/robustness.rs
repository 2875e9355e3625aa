//! `[score.robustesse]`: the score run again under each variant of its method (see
//! `indicators::robustness`), written as a table of each territory's best and worst rank and
//! how often it is « Priorité 1 », and a map of that class.

use std::path::Path;

use polars::prelude::*;

use super::class_map::{Classed, Legend, NamedClass, class_map};
use super::score::run_method;
use super::{Report, Section};
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::frame::codes as frame_codes;
use crate::indicators::rank_sum::{self, PRIORITY};
use crate::indicators::robustness::{
    Outcome, Robust, Robustness, class_variants, rank_sum_variants, robustness, weighted_variants,
};
use crate::indicators::weighted_score;
use crate::query::{
    NonNegative, Positive, Query, RobustnessSpec, ScoreMethod, ScorePlan, ScoreSpec,
};
use crate::render::FeatureClass;
use crate::territory::{Level, Territory, Unit};

/// What the robustness is computed from: the score's inputs, and where it is drawn.
pub(super) struct Inputs<'a> {
    /// The score as the query has it.
    pub plan: &'a ScorePlan,
    pub df: &'a DataFrame,
    pub references: &'a [Cell],
    pub level: Level,
    pub units: &'a [Unit],
    pub territory: &'a Territory,
}

/// Runs the variants of the score and adds the table (and map) to `report`.
pub(super) fn run_robustness(
    query: &Query,
    spec: &ScoreSpec,
    robust: &RobustnessSpec,
    inputs: &Inputs,
    out_dir: &Path,
    report: &mut Report,
) -> Result<()> {
    let indicators = spec.indicateurs.get_ref();
    let names: Vec<String> = indicators.iter().map(|i| i.libelle.clone()).collect();
    let mut variants = match spec.methode {
        ScoreMethod::RankSum => rank_sum_variants(indicators.len(), spec.egalites),
        ScoreMethod::Weighted => {
            let weights: Vec<f64> = indicators
                .iter()
                .map(|i| i.poids.map_or(0.0, NonNegative::get))
                .collect();
            let step = robust.pas_poids.map_or(0.05, Positive::get);
            weighted_variants(&weights, spec.normalisation, step)
        }
        ScoreMethod::Flags => unreachable!("[score.robustesse] of flags: refused by the plan"),
    };
    variants.extend(class_variants(
        &inputs.plan.priorities,
        robust.pas_seuils.map(Positive::get),
    ));
    let base = run_method(query, spec, inputs.plan, inputs.df, inputs.references, None)?.0;
    let mut runs = vec![outcome(&base)?];
    for v in &variants {
        let (result, _) = run_method(
            query,
            spec,
            inputs.plan,
            inputs.df,
            inputs.references,
            Some(*v),
        )
        .map_err(|mut e| {
            e.message = format!(
                "robustesse, variante « {} » : {}",
                v.label(&names),
                e.message
            );
            e.hint("changez « pas_poids » dans [score.robustesse], ou les poids")
        })?;
        runs.push(outcome(&result)?);
    }
    let robust_rows = robustness(&runs);
    report.notices.push(format!(
        "robustesse : la liste refaite sous {} variante(s) de sa méthode ({})",
        variants.len(),
        variants
            .iter()
            .map(|v| v.label(&names))
            .collect::<Vec<_>>()
            .join(" ; ")
    ));
    let table = robustness_table(inputs.level, inputs.units, &robust_rows);
    let title = format!("{} : robustesse des priorités", spec.titre);
    if let Some(map) = &robust.carte {
        // The territories the score leaves unranked keep their state: secret or without data.
        let unranked = frame_codes(&base)?
            .into_iter()
            .zip(cells(&base, total_column(&base))?)
            .filter(|(_, t)| t.bounds().is_none());
        let unranked: Vec<(String, Cell)> = unranked.collect();
        let classed: Vec<Classed> = robust_rows
            .iter()
            .map(|r| Classed {
                code: &r.code,
                class: FeatureClass::Class(r.class as usize),
                value_label: format!("{} %", format::display(100.0 * r.share, 0)),
                weight: r.share,
            })
            .chain(unranked.iter().map(|(code, t)| Classed {
                code,
                class: match t {
                    Cell::Secret => FeatureClass::Secret,
                    Cell::Partial => FeatureClass::Partial,
                    _ => FeatureClass::NoData,
                },
                value_label: t.label(0),
                weight: f64::MIN,
            }))
            .collect();
        let mut colors = palette::sequential(Sequential::Oranges, 4).unwrap_or_default();
        colors.reverse();
        let classes = [
            Robustness::Always,
            Robustness::Often,
            Robustness::Sometimes,
            Robustness::Never,
        ]
        .into_iter()
        .zip(colors)
        .map(|(r, color)| NamedClass {
            label: crate::format::capitalise(r.label()),
            color,
            optional: false,
        })
        .collect();
        let drawn = class_map(
            query,
            (&map.files(), map.etiquettes),
            inputs.territory,
            inputs.level,
            inputs.units,
            &classed,
            Legend {
                title: format!(
                    "En « Priorité 1 » : part des {} calculs (la méthode et {} variantes)",
                    variants.len() + 1,
                    variants.len()
                ),
                classes,
            },
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    let notices = report.notices.clone();
    let paths = table.write_all(robust.sorties.get_ref(), out_dir, "Robustesse", &|| {
        table.to_markdown(Some(&title)) + &markdown_notes(&notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table { title, table });
    Ok(())
}

/// The total of a rank sum, or the score of a weighted score.
fn total_column(result: &DataFrame) -> &'static str {
    match result.column(rank_sum::TOTAL) {
        Ok(_) => rank_sum::TOTAL,
        Err(_) => weighted_score::SCORE,
    }
}

/// Each ranked territory's rank and whether it is « Priorité 1 », from a score's result.
fn outcome(result: &DataFrame) -> Result<Outcome> {
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
fn robustness_table(level: Level, units: &[Unit], rows: &[Robust]) -> OutTable {
    let name = |code: &str| {
        units
            .iter()
            .find(|u| u.code == code)
            .map_or(String::new(), |u| u.name.clone())
    };
    OutTable {
        headers: vec![
            ("Code".to_string(), Align::Left),
            (crate::format::capitalise(level.noun()), Align::Left),
            ("Meilleur rang".to_string(), Align::Right),
            ("Pire rang".to_string(), Align::Right),
            ("En Priorité 1 (% des variantes)".to_string(), Align::Right),
            ("Robustesse".to_string(), Align::Left),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    name(&r.code),
                    r.best.to_string(),
                    r.worst.to_string(),
                    format::display(100.0 * r.share, 0),
                    crate::format::capitalise(r.class.label()),
                ]
            })
            .collect(),
    }
}

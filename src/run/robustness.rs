//! `[score.robustesse]`: the score run again under each variant of its method (see
//! `indicators::robustness`), written as a table of each territory's best and worst rank and
//! how often it is « Priorité 1 », and a map of that class.

use std::path::Path;

use polars::prelude::*;

use super::map::class_map;
use super::{Report, Section, Selection};
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::format;
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::frame::codes as frame_codes;
use crate::indicators::robustness::{self, Robustness, outcome, robustness, total_column};
use crate::maps::{Classed, Legend, NamedClass};
use crate::notice::Notice;
use crate::query::{Query, RobustnessPlan, ScorePlan};
use crate::render::FeatureClass;

/// What the robustness is computed from: the score's inputs, and where it is drawn.
pub(super) struct Inputs<'a> {
    /// The score as the query has it.
    pub plan: &'a ScorePlan,
    pub df: &'a DataFrame,
    pub references: &'a [Cell],
    pub selection: &'a Selection<'a>,
}

/// Runs the variants of the score and adds the table (and map) to `report`.
pub(super) fn run_robustness(
    query: &Query,
    robust: &RobustnessPlan,
    inputs: &Inputs,
    out_dir: &Path,
    report: &mut Report,
) -> Result<()> {
    let model = &inputs.plan.model;
    let names = &model.labels;
    let variants = model.variants(robust.weight_step, robust.limit_step);
    let base = model.score(inputs.df, inputs.references, None)?.0;
    let mut runs = vec![outcome(&base)?];
    for v in &variants {
        let (result, _) = model
            .score(inputs.df, inputs.references, Some(*v))
            .map_err(|mut e| {
                e.message = format!(
                    "robustesse, variante « {} » : {}",
                    v.label(names),
                    e.message
                );
                e.hint("changez « pas_poids » dans [score.robustesse], ou les poids")
            })?;
        runs.push(outcome(&result)?);
    }
    let robust_rows = robustness(&runs);
    report.notices.push(Notice::Robustness {
        variants: variants.iter().map(|v| v.label(names)).collect(),
    });
    let selection = inputs.selection;
    let table = robustness::table(selection.level, &selection.units, &robust_rows);
    let title = format!("{} : robustesse des priorités", inputs.plan.title);
    if let Some(map) = &robust.map {
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
            map,
            selection.territory,
            selection.level,
            &selection.units,
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
    let paths = table.write_all(&robust.outputs, out_dir, "Robustesse", &|| {
        table.to_markdown(Some(&title)) + &markdown_notes(&notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table { title, table });
    Ok(())
}

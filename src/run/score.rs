//! A `[score]` query: the indicators of a table by territory, ranked or weighted
//! into a vulnerability score, written as a priority list.

use std::path::Path;

use polars::prelude::*;

use super::map::class_map;
use super::{Drawn, Report, Section, Selection};
use crate::error::Result;
use crate::export::{MapFiles, markdown_notes};
use crate::indicators::Cell;
use crate::indicators::cell::cells;
use crate::indicators::frame::{codes as frame_codes, push_cells};
use crate::indicators::score_list::{ScoreMethod, score_table};
use crate::maps::{Classed, Legend, NamedClass};
use crate::notice::Notice;
use crate::query::{Query, ScorePlan};
use crate::render::FeatureClass;
use crate::sources::evaluate_sources;

pub(super) fn run_score(
    query: &Query,
    plan: &ScorePlan,
    selection: &Selection,
    out_dir: &Path,
) -> Result<Report> {
    let (level, units) = (selection.level, &selection.units[..]);
    let mut notices = selection.notices.clone();
    let (df, references) = indicator_frame(query, plan, selection, &mut notices)?;
    let (result, method_notices) = plan.model.score(&df, &references, None)?;
    notices.extend(method_notices);

    let table = score_table(&plan.shape, level, units, &df, &result)?;
    let mut report = Report {
        notices,
        title: plan.title.clone(),
        ..Report::default()
    };
    if let Some(map) = &plan.map {
        let drawn = priority_map(
            query,
            plan,
            map,
            selection,
            &result,
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(robust) = &plan.robustness {
        let inputs = super::robustness::Inputs {
            plan,
            df: &df,
            references: &references,
            selection,
        };
        super::robustness::run_robustness(query, robust, &inputs, out_dir, &mut report)?;
    }
    let paths = table.write_all(&plan.outputs, out_dir, "Priorités", &|| {
        table.to_markdown(Some(&plan.title)) + &markdown_notes(&report.notices)
    })?;
    report.outputs.extend(paths);
    report.sections.push(Section::Table {
        title: plan.title.clone(),
        table,
    });
    Ok(report)
}

/// `code` and the indicator columns for every territory of the selection, with each
/// indicator's value over the whole selection (none for a published value). Rows of a
/// finer file (IRIS, communes) are summed into their territory, rates recomputed as ratios
/// of sums; a territory absent from the file gets missing values (listed, not ranked).
fn indicator_frame(
    query: &Query,
    plan: &ScorePlan,
    selection: &Selection,
    notices: &mut Vec<Notice>,
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
    for (column, &i) in plan.model.columns.iter().zip(&plan.scored) {
        // Over the territories its files have (the others are listed, not ranked); one of
        // them without a count leaves no reference, rather than one over fewer territories.
        let unfound = evaluated.unfound(&plan.method.indicators[i]);
        references.push(values.total_of_found(i, unfound));
        push_cells(&mut df, column, values.of(i))?;
    }
    Ok((df, references))
}

/// The typology map of the priority classes: "Priorité 1" (the most vulnerable)
/// in the darkest colour; unranked territories as secret or no data.
fn priority_map(
    query: &Query,
    plan: &ScorePlan,
    map: &MapFiles,
    selection: &Selection,
    result: &DataFrame,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let classes = plan.model.map_classes(plan.shape.weighted.as_deref());
    let labels = &classes.labels;
    let codes = frame_codes(result)?;
    let of: Vec<Option<&str>> = result.column(classes.column)?.str()?.iter().collect();
    let totals = cells(result, plan.model.method.total_column())?;
    // Territories of no named class (typology) are drawn in a neutral "others" class.
    let others = labels.len();
    // Labels go to the most vulnerable first: lowest rank total, or most flags.
    let sign = if plan.model.method == ScoreMethod::RankSum {
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
                of[i].and_then(|c| labels.iter().position(|l| l == c)),
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
        .iter()
        .zip(&classes.colors)
        .map(|(label, color)| NamedClass {
            label: label.clone(),
            color: color.clone(),
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
        selection.territory,
        selection.level,
        &selection.units,
        &classed,
        Legend {
            title: classes.title,
            classes: named,
        },
        out_dir,
        notices,
    )
}

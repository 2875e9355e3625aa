//! `[priorites]` of an indicator query: each territory's position on every axis, the number of axes
//! that make it a priority, the reasons in words, as a table, a sentence and a map of that number.

use std::path::Path;

use super::Drawn;
use super::class_map::{Classed, Legend, NamedClass, class_map};
use crate::classify::palette::{self, Sequential};
use crate::error::{Error, Result};
use crate::export::{Align, OutTable};
use crate::format::capitalise;
use crate::indicators::filter::ReferenceRows;
use crate::indicators::model::Values;
use crate::indicators::synthesis::{self, Count, Position};
use crate::query::{IndicatorPlan, PlannedSynthesis, Query};
use crate::render::FeatureClass;
use crate::territory::{Level, Territory, Unit};

/// What the synthesis gives: its table, the sentence of its priority territories, and the notes saying
/// each axis's limits.
pub(super) struct Synthesis {
    pub table: OutTable,
    pub sentence: String,
    pub axes_said: Vec<String>,
    positions: Vec<Vec<Position>>,
    counts: Vec<Count>,
}

/// The positions of `units` on the axes of `planned`.
#[allow(clippy::too_many_arguments)]
pub(super) fn synthesize(
    plan: &IndicatorPlan,
    planned: &PlannedSynthesis,
    level: Level,
    units: &[Unit],
    values: &Values,
    references: &ReferenceRows,
) -> Result<Synthesis> {
    let indicators = &plan.method.indicators;
    let mut limits = Vec::with_capacity(planned.axes.len());
    let mut axes_said = Vec::with_capacity(planned.axes.len());
    for (label, filter) in &planned.axes {
        let what = format!("axe « {label} »");
        let [at_least, below] = filter.thresholds(indicators, &what, values, references)?;
        let indicator = &indicators[filter.indicator];
        let said = |t: &crate::indicators::key_figures::Threshold| t.said(indicator.decimals());
        let range = match (&at_least, &below) {
            (Some(a), Some(b)) => format!("au moins {} et sous {}", said(a), said(b)),
            (Some(a), None) => format!("au moins {}", said(a)),
            (None, Some(b)) => format!("sous {}", said(b)),
            (None, None) => unreachable!("an axis has a bound: checked by the plan"),
        };
        axes_said.push(format!("axe « {label} » : « {} » {range}", indicator.label));
        limits.push((
            filter.indicator,
            at_least.map(|t| t.value),
            below.map(|t| t.value),
        ));
    }
    let positions: Vec<Vec<Position>> = (0..units.len())
        .map(|u| {
            limits
                .iter()
                .map(|&(i, at_least, below)| synthesis::position(values.get(u, i), at_least, below))
                .collect()
        })
        .collect();
    let counts: Vec<Count> = positions.iter().map(|p| Count::of(p)).collect();
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let order = synthesis::order(&counts, &codes);
    let labels: Vec<String> = planned.axes.iter().map(|(l, _)| l.clone()).collect();

    // The indicators of the axes, each once, then the position on each axis, the count, the reasons.
    let mut shown: Vec<usize> = Vec::new();
    for &(i, ..) in &limits {
        if !shown.contains(&i) {
            shown.push(i);
        }
    }
    let mut headers = vec![
        ("Code".to_string(), Align::Left),
        (capitalise(level.noun()), Align::Left),
    ];
    headers.extend(
        shown
            .iter()
            .map(|&i| (indicators[i].label.clone(), Align::Right)),
    );
    headers.extend(labels.iter().map(|l| (l.clone(), Align::Left)));
    headers.push(("Axes prioritaires".to_string(), Align::Right));
    headers.push(("Raisons".to_string(), Align::Left));
    let word = |p: &Position| match p {
        Position::Priority => "oui",
        Position::NotPriority => "non",
        Position::Unknown => "inconnu",
    };
    let rows = order
        .iter()
        .map(|&u| {
            let mut row = vec![units[u].code.clone(), units[u].name.clone()];
            row.extend(
                shown
                    .iter()
                    .map(|&i| indicators[i].table_label(values.get(u, i))),
            );
            row.extend(positions[u].iter().map(|p| word(p).to_string()));
            row.push(counts[u].label());
            row.push(synthesis::reasons(&labels, &positions[u]));
            row
        })
        .collect();

    let n = planned.at_least;
    let chosen: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&u| counts[u].sure >= n)
        .collect();
    let maybe = order
        .iter()
        .filter(|&&u| counts[u].sure < n && counts[u].possible >= n)
        .count();
    let listed: Vec<String> = chosen
        .iter()
        .map(|&u| {
            format!(
                "{} ({})",
                units[u].name,
                synthesis::reasons(&labels, &positions[u])
            )
        })
        .collect();
    let mut sentence = format!(
        "{} {} sur {} prioritaire(s) sur au moins {n} axe(s) sur {}",
        chosen.len(),
        level.plural(),
        units.len(),
        labels.len()
    );
    if !listed.is_empty() {
        sentence.push_str(&format!(" : {}", listed.join(", ")));
    }
    if maybe > 0 {
        sentence.push_str(&format!(
            " ; {maybe} autre(s) pourrai(en)t l'être (position inconnue sur un axe au moins)"
        ));
    }
    sentence.push('.');
    Ok(Synthesis {
        table: OutTable { headers, rows },
        sentence,
        axes_said,
        positions,
        counts,
    })
}

/// The map of the number of axes: one class per number, from none to all, light to dark; a territory
/// whose number is known only as a range has the fill of the uncertain.
#[allow(clippy::too_many_arguments)]
pub(super) fn synthesis_map(
    query: &Query,
    planned: &PlannedSynthesis,
    done: &Synthesis,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Option<Drawn>> {
    let Some(map) = &planned.spec.carte else {
        return Ok(None);
    };
    let axes = planned.axes.len();
    let colors = palette::sequential(Sequential::YlOrRd, axes + 1).ok_or_else(|| {
        Error::new(format!(
            "carte de [priorites] : {} classes de 0 à {axes} axes, au-delà des 9 qu'une carte distingue",
            axes + 1
        ))
        .file(&query.path)
        .hint("gardez au plus 8 axes pour la carte, ou retirez [priorites.carte]")
    })?;
    let classed: Vec<Classed> = units
        .iter()
        .zip(&done.counts)
        .zip(&done.positions)
        .map(|((unit, count), positions)| Classed {
            code: &unit.code,
            class: match count.sure == count.possible {
                true => FeatureClass::Class(count.sure),
                false => FeatureClass::Uncertain,
            },
            value_label: count.label(),
            weight: positions
                .iter()
                .filter(|p| **p == Position::Priority)
                .count() as f64,
        })
        .collect();
    let classes = colors
        .into_iter()
        .enumerate()
        .map(|(k, color)| NamedClass {
            label: match k {
                0 => "Aucun axe".to_string(),
                1 => "1 axe".to_string(),
                k => format!("{k} axes"),
            },
            color,
            optional: false,
        })
        .collect();
    let legend = Legend {
        title: "Nombre d'axes prioritaires".to_string(),
        classes,
    };
    class_map(
        query,
        &map.files(),
        territory,
        level,
        units,
        &classed,
        legend,
        out_dir,
        notices,
    )
    .map(Some)
}

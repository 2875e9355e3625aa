//! A query of plain indicators: its sources summed into the territories, its indicators
//! evaluated, then its tables and maps written.

use std::path::Path;

use super::map::level_shapes;
use super::synthesis::synthesis_map;
use super::{Report, Section, Selection};
use crate::error::Result;
use crate::export::markdown_notes;
use crate::maps;
use crate::notice::Notice;
use crate::query::{IndicatorPlan, Query};
use crate::sources::{evaluate_sources, reference_values};

pub(super) fn run_indicators(
    query: &Query,
    plan: &IndicatorPlan,
    selection: &Selection,
    out_dir: &Path,
) -> Result<Report> {
    let (territory, level, units) = (selection.territory, selection.level, &selection.units[..]);
    let mut notices = selection.notices.clone();
    let evaluated = evaluate_sources(query, &plan.method, selection, &mut notices)?;
    let values = &evaluated.values;
    for (indicator, absent) in plan.method.indicators.iter().zip(&values.absent) {
        if *absent > 0 {
            notices.push(Notice::IndicatorAbsent {
                indicator: indicator.label.clone(),
                absent: *absent,
                of: units.len(),
            });
        }
    }
    for &i in &values.zero_totals {
        notices.push(Notice::ZeroTotal {
            indicator: plan.method.indicators[i].label.clone(),
        });
    }
    let mut report = Report {
        title: format!("Indicateurs par {}", level.noun()),
        ..Report::default()
    };
    let references = reference_values(
        query,
        &plan.method,
        territory,
        plan.reference_rows(),
        &mut notices,
    )?;
    // Every table built before any is written, so that each lists the notices of all
    // (a filter's among them).
    let mut tables = Vec::with_capacity(plan.tables.len());
    for table in &plan.tables {
        let out = table.rows(
            &plan.method.indicators,
            territory,
            level,
            units,
            &evaluated,
            &references,
            &mut notices,
        )?;
        tables.push((table, out));
    }
    for figure in &plan.figures {
        let sentence =
            figure.sentence(&plan.method.indicators, level, units, values, &references)?;
        notices.push(Notice::KeyFigure {
            name: figure.name.clone(),
            sentence,
        });
    }
    let synthesis = match &plan.synthesis {
        Some(planned) => {
            let done =
                planned.synthesize(&plan.method.indicators, level, units, values, &references)?;
            notices.extend(done.axes_said.iter().cloned().map(Notice::Axis));
            notices.push(Notice::Priorities {
                sentence: done.sentence.clone(),
            });
            Some((planned, done))
        }
        None => None,
    };
    for (table, out) in tables {
        let title = table.title.clone();
        let paths = out.write_all(&table.outputs, out_dir, &title, &|| {
            format!(
                "{}{}",
                out.to_markdown(Some(&title)),
                markdown_notes(&notices)
            )
        })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table { title, table: out });
    }
    if let Some((planned, done)) = &synthesis {
        let title = planned.title.clone();
        let paths = done
            .table
            .write_all(&planned.outputs, out_dir, "Priorités", &|| {
                format!(
                    "{}{}",
                    done.table.to_markdown(Some(&title)),
                    markdown_notes(&notices)
                )
            })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table {
            title,
            table: done.table.clone(),
        });
        if let Some(map) = &planned.map {
            report.add(synthesis_map(
                query,
                map,
                done,
                selection,
                out_dir,
                &mut notices,
            )?);
        }
    }
    for map in &plan.maps {
        let drawn = maps::indicator_map(
            map,
            &plan.method.indicators,
            (territory, level, units),
            values,
            &references,
            |notices| level_shapes(query, territory, level, notices),
            &query.path,
            out_dir,
            &mut notices,
        )?;
        report.add(drawn);
    }
    report.notices = notices;
    Ok(report)
}

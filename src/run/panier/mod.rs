//! A `[panier]` query: the services of an inventory counted per EPCI and year, the
//! panier's completeness, what each EPCI lacks, the gaps to the norms, and the share of
//! EPCI covered per service over the years; as tables, a map and a chart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Report, Section, Selection};
use crate::error::Result;
use crate::notice::Notice;
use crate::panier::inventory;
use crate::panier::{ServiceKind, Summary};
use crate::query::{PanierPlan, Query};
use crate::render;
use crate::sources::evaluate_sources;
use crate::sources::services::placed_services;
use crate::territory::Level;

mod map;

use crate::panier::report::{
    NormPopulation, PanierDiagnostic, gap_table, markdown, share_chart, share_table,
};
use map::missing_map;

pub(super) fn run_panier(
    query: &Query,
    plan: &PanierPlan,
    selection: Selection,
    out_dir: &Path,
) -> Result<Report> {
    let (territory, units) = (selection.territory, &selection.units[..]);
    let (panier, years) = (plan.panier.clone(), plan.years.clone());
    let mut notices = selection.notices.clone();
    let inventory = inventory::read(&plan.inventory, &plan.columns, &plan.names)?;
    let placed = placed_services(
        query,
        &inventory,
        "[panier.synonymes]",
        (territory, Level::Epci, units),
        &years,
        &mut notices,
    )?;

    let mut kinds: Vec<ServiceKind> = panier.requirements.iter().map(|r| r.kind).collect();
    let present: BTreeSet<ServiceKind> = placed
        .counts
        .values()
        .flat_map(|by_unit| by_unit.values().flat_map(|c| c.keys().copied()))
        .collect();
    let others: Vec<ServiceKind> = present
        .into_iter()
        .filter(|k| !panier.contains(*k))
        .collect();
    if !others.is_empty() {
        notices.push(Notice::ServicesOutsidePanier {
            kinds: others.clone(),
        });
    }
    kinds.extend(others);
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let empty = BTreeMap::new();
    let summaries = years
        .iter()
        .map(|&y| {
            Summary::new(
                &panier,
                y,
                &codes,
                placed.counts.get(&y).unwrap_or(&empty),
                &kinds,
            )
        })
        .collect();
    let norms = plan
        .norms
        .iter()
        .map(|n| {
            let values = evaluate_sources(query, &n.population, &selection, &mut notices)?.values;
            Ok(NormPopulation {
                norm: n.norm,
                label: n.label.clone(),
                values: values.of(0).to_vec(),
            })
        })
        .collect::<Result<_>>()?;

    let diagnostic = PanierDiagnostic {
        title: plan.title.clone(),
        panier,
        units: selection.units.to_vec(),
        years,
        counts: placed.counts,
        kinds,
        summaries,
        norms,
        outside: placed.outside,
    };
    let mut report = Report {
        counts: diagnostic
            .summaries
            .iter()
            .map(|s| (format!("au panier complet en {}", s.year), s.complete))
            .collect(),
        title: plan.title.clone(),
        ..Report::default()
    };
    if let Some(map) = &plan.map {
        let drawn = missing_map(query, map, territory, &diagnostic, out_dir, &mut notices)?;
        report.add(drawn);
    }
    if let Some(chart) = &plan.chart {
        let shown = (
            chart.title.as_str(),
            chart.subtitle.as_deref(),
            chart.source.as_str(),
        );
        let svg = render::share_chart_svg(&share_chart(&diagnostic, shown));
        report.add(chart.write(svg, out_dir)?);
    }
    let gaps = gap_table(&diagnostic);
    let shares = share_table(&diagnostic);
    let tables = std::iter::once((&plan.outputs, &gaps, "Panier par EPCI")).chain(
        plan.synthesis_outputs
            .iter()
            .map(|s| (s, &shares, "Synthèse")),
    );
    for (outputs, table, sheet) in tables {
        let paths = table.write_all(outputs, out_dir, sheet, &|| {
            markdown(&diagnostic, &gaps, &shares, &notices)
        })?;
        report.outputs.extend(paths);
    }
    report.sections.push(Section::Table {
        title: "Part des EPCI couverts par service".to_string(),
        table: shares,
    });
    report.sections.push(Section::Table {
        title: format!("Panier par EPCI en {}", diagnostic.year()),
        table: gaps,
    });
    report.notices = notices;
    Ok(report)
}

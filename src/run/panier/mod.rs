//! A `[panier]` query: the services of an inventory counted per EPCI and year, the
//! panier's completeness, what each EPCI lacks, the gaps to the norms, and the share of
//! EPCI covered per service over the years; as tables, a map and a chart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Report, Section, Selection};
use crate::error::Result;
use crate::panier::inventory::{self, Columns};
use crate::panier::norm::Norm;
use crate::panier::{Names, ServiceKind, Summary};
use crate::query::{NormSpec, PanierPlan, PanierSpec, Query};
use crate::render;
use crate::sources::evaluate_sources;
use crate::sources::services::placed_services;
use crate::territory::{Level, Territory};

mod map;

use crate::panier::report::{
    NormPopulation, PanierDiagnostic, gap_table, kind_list, markdown, share_chart, share_table,
};
use map::missing_map;

pub(super) fn run_panier(
    query: &Query,
    spec: &PanierSpec,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let selection = query.selection(territory)?;
    let units = selection.units.as_slice();
    let PanierPlan { panier, years } = query.panier_plan(spec)?;
    let mut notices = selection.notices.clone();
    let names = Names::new(spec.synonymes.iter().map(|(n, k)| (n.as_str(), *k)));
    let inventory = inventory::read(
        Path::new(spec.inventaire.get_ref()),
        &Columns {
            code: spec.colonne_code.clone(),
            kind: spec.colonne_type.clone(),
            year: spec.colonne_annee.clone(),
            count: spec.colonne_nombre.clone(),
            name: spec.colonne_nom.clone(),
        },
        &names,
    )?;
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
        notices.push(format!(
            "services hors du panier, comptés dans les effectifs sans jouer sur la complétude : {}",
            kind_list(&others)
        ));
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
    let norms = spec
        .normes
        .iter()
        .map(|n| norm_population(query, n, &selection, &mut notices))
        .collect::<Result<_>>()?;

    let diagnostic = PanierDiagnostic {
        title: spec.titre.clone(),
        panier,
        units: selection.units,
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
        title: spec.titre.clone(),
        ..Report::default()
    };
    if let Some(map) = &spec.carte {
        let drawn = missing_map(query, map, territory, &diagnostic, out_dir, &mut notices)?;
        report.add(drawn);
    }
    if let Some(chart) = &spec.graphique {
        let shown = (
            chart.titre.as_str(),
            chart.sous_titre.as_deref(),
            chart.source.as_str(),
        );
        let svg = render::share_chart_svg(&share_chart(&diagnostic, shown));
        report.add(chart.files().write(svg, out_dir)?);
    }
    let gaps = gap_table(&diagnostic);
    let shares = share_table(&diagnostic);
    let tables = std::iter::once((&spec.sorties, &gaps, "Panier par EPCI"))
        .chain(spec.synthese.iter().map(|s| (s, &shares, "Synthèse")));
    for (sorties, table, sheet) in tables {
        let paths = table.write_all(sorties.get_ref(), out_dir, sheet, &|| {
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

/// A norm of the query and its population per EPCI, summed from its file.
fn norm_population(
    query: &Query,
    n: &NormSpec,
    selection: &Selection,
    notices: &mut Vec<String>,
) -> Result<NormPopulation> {
    let plan = query.norm_plan(n)?;
    let values = evaluate_sources(query, &plan, selection, notices)?.values;
    Ok(NormPopulation {
        norm: Norm {
            kind: n.service,
            per: n.une_pour.get(),
            rounding: n.arrondi,
        },
        label: n.population.clone(),
        values: values.of(0).to_vec(),
    })
}

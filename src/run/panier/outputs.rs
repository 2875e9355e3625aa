//! The outputs of a panier: gap and share tables, the Markdown report, the map of
//! missing services and the chart of shares.

use std::path::Path;

use super::{Diagnostic, NormPopulation};
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::panier::ServiceKind;
use crate::panier::norm::Gap;
use crate::query::{ChartSpec, ClassMapSpec, Query};
use crate::render::{FeatureClass, Series, ShareChart};
use crate::run::Drawn;
use crate::run::class_map::{Classed, Legend, NamedClass, class_map};
use crate::territory::{Level, Territory};

/// The gaps of each EPCI for the last year: its services, what it lacks, its norms;
/// EPCI lacking the most first.
pub(super) fn gap_table(d: &Diagnostic) -> OutTable {
    let year = d.year();
    let mut headers = vec![
        ("Code EPCI".to_string(), Align::Left),
        ("EPCI".to_string(), Align::Left),
        ("Département(s)".to_string(), Align::Left),
    ];
    headers.extend(
        d.kinds
            .iter()
            .map(|k| (format!("{} {year}", k.label()), Align::Right)),
    );
    headers.push((format!("Panier complet {year}"), Align::Left));
    headers.push((format!("Services manquants {year}"), Align::Left));
    headers.push(("Nombre de services manquants".to_string(), Align::Right));
    for y in &d.years[..d.years.len() - 1] {
        headers.push((format!("Panier complet {y}"), Align::Left));
    }
    for NormPopulation {
        norm,
        label: population,
        ..
    } in &d.norms
    {
        let label = norm.kind.label();
        headers.push((crate::run::capitalise(population), Align::Right));
        let per = format::display(norm.per, 0);
        headers.push((format!("{label} théoriques (1 pour {per})"), Align::Right));
        headers.push((format!("{label} attendus selon la norme"), Align::Right));
        headers.push((format!("{label} manquants selon la norme"), Align::Right));
    }

    let mut rows: Vec<(usize, Vec<String>)> = d
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let counts = d.counts_of(year, &u.code);
            let missing = d.panier.missing(&counts);
            let mut row = vec![u.code.clone(), u.name.clone(), u.departements.join(", ")];
            row.extend(
                d.kinds
                    .iter()
                    .map(|k| format::compact(counts.get(k).copied().unwrap_or(0.0))),
            );
            row.push(yes_no(missing.is_empty()));
            row.push(if missing.is_empty() {
                "aucun".to_string()
            } else {
                kind_list(&missing)
            });
            row.push(missing.len().to_string());
            for &y in &d.years[..d.years.len() - 1] {
                row.push(yes_no(
                    d.panier.missing(&d.counts_of(y, &u.code)).is_empty(),
                ));
            }
            for NormPopulation { norm, values, .. } in &d.norms {
                let existing = counts.get(&norm.kind).copied().unwrap_or(0.0);
                let Gap {
                    theoretical,
                    needed,
                    missing,
                } = norm.gap(values[i], existing);
                row.push(values[i].label(0));
                row.push(theoretical.label(2));
                row.push(number(needed));
                row.push(number(missing));
            }
            (missing.len(), row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1[0].cmp(&b.1[0])));
    OutTable {
        headers,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Per service (and the whole panier), EPCI covered and their share, year by year.
pub(super) fn share_table(d: &Diagnostic) -> OutTable {
    let mut headers = vec![("Service".to_string(), Align::Left)];
    for s in &d.summaries {
        headers.push((format!("EPCI couverts {}", s.year), Align::Right));
        headers.push((format!("Part des EPCI {} (%)", s.year), Align::Right));
    }
    let mut rows = Vec::new();
    let mut row = vec![format!("Panier complet ({})", kind_list(&panier_kinds(d)))];
    for s in &d.summaries {
        row.push(s.complete.to_string());
        row.push(format::decimal(s.share(s.complete), 1));
    }
    rows.push(row);
    for (i, k) in d.kinds.iter().enumerate() {
        let mut row = vec![k.label().to_string()];
        for s in &d.summaries {
            let n = s.covered[i].1;
            row.push(n.to_string());
            row.push(format::decimal(s.share(n), 1));
        }
        rows.push(row);
    }
    OutTable { headers, rows }
}

/// The report: what the panier is, how many EPCI have it year by year, the shares per
/// service, the gap table, the services outside the territory, and the notes.
pub(super) fn markdown(
    d: &Diagnostic,
    gaps: &OutTable,
    shares: &OutTable,
    notices: &[String],
) -> String {
    let mut md = format!("# {}\n\n", d.spec.titre);
    let requirements: Vec<String> = d
        .panier
        .requirements
        .iter()
        .map(|r| {
            if r.minimum == 1.0 {
                r.kind.label().to_string()
            } else {
                format!(
                    "{} (au moins {})",
                    r.kind.label(),
                    format::compact(r.minimum)
                )
            }
        })
        .collect();
    md.push_str(&format!(
        "Panier de services parentalité : au moins un service de chaque type parmi {}.\n\n",
        requirements.join(", ")
    ));
    let last = d.summaries.last().expect("years are checked not empty");
    let mut sentence = format!(
        "En {}, {} EPCI sur {} ont un panier complet ({})",
        last.year,
        last.complete,
        last.territories,
        format::percent(last.share(last.complete) / 100.0)
    );
    for s in d.summaries.iter().rev().skip(1) {
        sentence.push_str(&format!(
            ", contre {} ({}) en {}",
            s.complete,
            format::percent(s.share(s.complete) / 100.0),
            s.year
        ));
    }
    md.push_str(&sentence);
    md.push_str(".\n\n");
    md.push_str(&shares.to_markdown(Some("Part des EPCI couverts par service")));
    md.push('\n');
    md.push_str(&gaps.to_markdown(Some(&format!("Panier par EPCI en {}", d.year()))));
    if !d.outside.is_empty() {
        md.push_str("\n## Services hors du territoire (non comptés)\n\n");
        for line in &d.outside {
            md.push_str(&format!("- {line}\n"));
        }
    }
    md.push_str(&crate::export::markdown_notes(notices));
    md
}

/// The EPCI coloured by the number of services missing from their panier, last year.
pub(super) fn missing_map(
    query: &Query,
    map: &ClassMapSpec,
    territory: &Territory,
    d: &Diagnostic,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let size = d.panier.requirements.len();
    // One shade more than needed, the palest left out: "1 service manquant" must not
    // look empty.
    let oranges = palette::sequential(Sequential::Oranges, size + 1)
        .expect("a panier of as many services as a palette has shades: checked by the plan");
    let mut classes = vec![NamedClass {
        label: "Panier complet".to_string(),
        color: "#74c476".to_string(),
        optional: false,
    }];
    classes.extend(
        oranges
            .into_iter()
            .skip(1)
            .enumerate()
            .map(|(i, color)| NamedClass {
                label: match i + 1 {
                    1 => "1 service manquant".to_string(),
                    n => format!("{n} services manquants"),
                },
                color,
                optional: false,
            }),
    );
    let year = d.year();
    let classed: Vec<Classed> = d
        .units
        .iter()
        .map(|u| {
            let missing = d.panier.missing(&d.counts_of(year, &u.code));
            Classed {
                code: &u.code,
                class: FeatureClass::Class(missing.len()),
                value_label: if missing.is_empty() {
                    "panier complet".to_string()
                } else {
                    format!("manque : {}", kind_list(&missing))
                },
                weight: missing.len() as f64,
            }
        })
        .collect();
    class_map(
        query,
        map,
        territory,
        Level::Epci,
        &d.units,
        &classed,
        Legend {
            title: format!("Services manquants au panier en {year}"),
            classes,
        },
        out_dir,
        notices,
    )
}

/// The chart of the share of EPCI covered, per service and year.
pub(super) fn share_chart(d: &Diagnostic, spec: &ChartSpec) -> ShareChart {
    let mut categories: Vec<String> = d.kinds.iter().map(|k| k.label().to_string()).collect();
    categories.push("Panier complet".to_string());
    ShareChart {
        title: spec.titre.clone(),
        subtitle: spec.sous_titre.clone(),
        categories,
        series: d
            .summaries
            .iter()
            .map(|s| Series {
                label: s.year.to_string(),
                shares: s
                    .covered
                    .iter()
                    .map(|(_, n)| s.share(*n))
                    .chain(std::iter::once(s.share(s.complete)))
                    .collect(),
            })
            .collect(),
        axis_title: format!("Part des {} EPCI couverts (%)", d.units.len()),
        source: spec.source.clone(),
    }
}

fn panier_kinds(d: &Diagnostic) -> Vec<ServiceKind> {
    d.panier.requirements.iter().map(|r| r.kind).collect()
}

pub(super) fn kind_list(kinds: &[ServiceKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(b: bool) -> String {
    if b { "oui" } else { "non" }.to_string()
}

/// A count of services: whole, or with a decimal for part-time animators.
fn number(c: Cell) -> String {
    match c {
        Cell::Value(v) => format::compact(v),
        other => other.label(0),
    }
}

//! The priority list of a query, as CSV for Excel and Markdown.

use super::{Coverage, Row};
use crate::export::{Align, OutTable};
use crate::format;
use crate::format::capitalise;
use crate::indicators::Cell;
use crate::indicators::reference::Comparison;
use crate::query::Selection;

pub(super) fn default_list_title(cov: &Coverage, selection: Selection) -> String {
    let (plural, noun) = (cov.level.plural(), cov.level.noun());
    match selection {
        Selection::SousLesDeuxReferences => format!(
            "{} sous les deux références de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        Selection::SousUneReference => format!(
            "{} sous au moins une référence de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        Selection::Toutes => format!("Taux de couverture par {noun}, {}", cov.year),
    }
}

/// The priority list: selected territories, lowest rate first (secret and
/// missing ones last, when the selection keeps every territory).
pub fn priority_table(cov: &Coverage, selection: Selection) -> OutTable {
    let keep = |r: &Row| match selection {
        Selection::SousLesDeuxReferences => r.comparison == Some(Comparison::BelowBoth),
        Selection::SousUneReference => matches!(
            r.comparison,
            Some(Comparison::BelowBoth | Comparison::BelowOne)
        ),
        Selection::Toutes => true,
    };
    let mut rows: Vec<&Row> = cov.rows.iter().filter(|r| keep(r)).collect();
    rows.sort_by(|a, b| match (a.rate.value(), b.rate.value()) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.unit.code.cmp(&b.unit.code)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.code.cmp(&b.unit.code),
    });
    let mut headers = vec![
        ("Rang".to_string(), Align::Right),
        ("Code".to_string(), Align::Left),
        (capitalise(cov.level.noun()), Align::Left),
        ("Départements".to_string(), Align::Left),
        ("Taux de couverture".to_string(), Align::Right),
    ];
    headers.extend(
        cov.part_labels
            .iter()
            .map(|l| (format!("dont {l}"), Align::Right)),
    );
    headers.push((
        "Écart à la référence départementale (points)".into(),
        Align::Right,
    ));
    headers.push((
        "Écart à la référence nationale (points)".into(),
        Align::Right,
    ));
    headers.push(("Position".into(), Align::Left));
    let gap = |r: &Row, reference: f64| {
        r.rate
            .value()
            .map_or_else(|| r.rate.label(1), |v| format::decimal(v - reference, 1))
    };
    let body = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![
                (i + 1).to_string(),
                r.unit.code.clone(),
                r.unit.name.clone(),
                r.unit.departements.join(", "),
                r.rate.label(1),
            ];
            cells.extend(r.parts.iter().map(|p| p.label(1)));
            cells.push(gap(r, cov.departement.value));
            cells.push(gap(r, cov.france.value));
            cells.push(match (r.comparison, r.rate) {
                (Some(c), _) => c.label().to_string(),
                (None, Cell::Secret) => "secret statistique".to_string(),
                (None, _) => "donnée absente".to_string(),
            });
            cells
        })
        .collect();
    OutTable {
        headers,
        rows: body,
    }
}

pub(super) fn markdown_list(title: &str, table: &OutTable, cov: &Coverage) -> String {
    let mut out = table.to_markdown(Some(title));
    out.push_str(&format!(
        "\nRéférences : {} {} ({}) ; {} {} ({}). Taux en places pour 100 enfants de moins de 3 ans.\n",
        cov.departement.scope,
        format::display(cov.departement.value, 1),
        cov.departement.origin,
        cov.france.scope,
        format::display(cov.france.value, 1),
        cov.france.origin,
    ));
    if table.rows.is_empty() {
        out.push_str("\nAucun territoire dans cette sélection.\n");
    }
    out.push_str(&crate::export::markdown_notes(&cov.notices));
    out
}

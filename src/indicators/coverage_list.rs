//! The coverage of a query's territories and what it shows: each territory's rate and parts
//! against the departmental and national references (the method of the Puy-de-Dôme's schéma),
//! the priority list of those below them, and the references as a table.

use serde::Deserialize;

use std::sync::Arc;

use crate::export::{Align, OutTable, Section, TextColumn};
use crate::format::{self, capitalise};
use crate::indicators::Cell;
use crate::indicators::frame::sort_known_first;
use crate::indicators::reference::Comparison;
use crate::notice::Notice;
use crate::territory::{Level, Unit};

/// `[liste]` of a coverage, as the plan resolves it.
#[derive(Debug, Clone)]
pub struct PriorityList {
    pub selection: ListSelection,
    /// Its title; by default, what it keeps (see [`default_list_title`]).
    pub title: Option<String>,
    pub outputs: Vec<String>,
}

/// Which territories a priority list keeps (`[liste] selection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListSelection {
    /// Territories below both the departmental and the national reference.
    SousLesDeuxReferences,
    /// Territories below at least one reference.
    SousUneReference,
    /// Every territory, sorted by value.
    Toutes,
}

/// A territory with its coverage.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its rank in [`Coverage::units`].
    pub unit: usize,
    pub rate: Cell,
    pub parts: Vec<Cell>,
    pub comparison: Option<Comparison>,
}

/// The computed result of a query, before any output is written.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub level: Level,
    pub year: u16,
    pub part_labels: Vec<String>,
    /// The territories of the selection, shared with the queries that select them.
    pub units: Arc<[Unit]>,
    pub rows: Vec<Row>,
    pub departement: Reference,
    pub france: Reference,
    pub notices: Vec<Notice>,
}

impl Coverage {
    /// The territory of `row`.
    pub fn unit(&self, row: &Row) -> &Unit {
        &self.units[row.unit]
    }
}

/// A reference value, the territory it describes and how it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub value: f64,
    /// "Puy-de-Dôme", "France".
    pub scope: String,
    /// "publiée", "calculée", "valeur de la requête".
    pub origin: &'static str,
}

/// The departmental and national references of a coverage, as a small table.
pub fn references_section(coverage: &Coverage) -> Section {
    let row = |name: &str, r: &Reference| {
        vec![
            name.to_string(),
            r.scope.clone(),
            crate::format::decimal(r.value, 1),
            r.origin.to_string(),
        ]
    };
    Section::Table {
        title: format!("Références du taux de couverture ({})", coverage.year),
        table: OutTable::from_rows(
            vec![
                ("Référence".to_string(), crate::export::Align::Left),
                ("Territoire".to_string(), crate::export::Align::Left),
                ("Taux (%)".to_string(), crate::export::Align::Right),
                ("Origine".to_string(), crate::export::Align::Left),
            ],
            vec![
                row("Départementale", &coverage.departement),
                row("Nationale", &coverage.france),
            ],
        ),
    }
}

/// The title of the list when the query gives none.
pub fn default_list_title(cov: &Coverage, selection: ListSelection) -> String {
    let (plural, noun) = (cov.level.plural(), cov.level.noun());
    match selection {
        ListSelection::SousLesDeuxReferences => format!(
            "{} sous les deux références de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        ListSelection::SousUneReference => format!(
            "{} sous au moins une référence de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        ListSelection::Toutes => format!("Taux de couverture par {noun}, {}", cov.year),
    }
}

/// The priority list: selected territories, lowest rate first (secret and
/// missing ones last, when the selection keeps every territory).
pub fn priority_table(cov: &Coverage, selection: ListSelection) -> OutTable {
    let keep = |r: &Row| match selection {
        ListSelection::SousLesDeuxReferences => r.comparison == Some(Comparison::BelowBoth),
        ListSelection::SousUneReference => matches!(
            r.comparison,
            Some(Comparison::BelowBoth | Comparison::BelowOne)
        ),
        ListSelection::Toutes => true,
    };
    // Each row with its rate: the sort reads them side by side.
    let mut rows: Vec<(Option<f64>, &Row)> = (cov.rows.iter())
        .filter(|r| keep(r))
        .map(|r| (r.rate.value(), r))
        .collect();
    sort_known_first(
        &mut rows,
        |(_, r)| cov.unit(r).code.as_str(),
        |x, y| x.total_cmp(&y),
    );
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
    // Each cell written at the end of its column's buffer, a row at a time.
    let mut columns = TextColumn::many(headers.len(), rows.len());
    let gap = |r: &Row, reference: f64, out: &mut String| match r.rate.value() {
        Some(v) => format::push_decimal(out, v - reference, 1),
        None => r.rate.push_label(out, 1),
    };
    // The territories' own cells (code, name, départements) written first in their order, in
    // which their strings lie in memory, then copied in the list's: a row read in rate order
    // then finds them side by side, instead of in three strings of its own.
    let mut own = TextColumn::with_capacity(3 * cov.units.len());
    for unit in cov.units.iter() {
        own.push(&unit.code);
        own.push(&unit.name);
        own.write(|out| unit.write_departements(out));
    }
    for (i, (_, r)) in rows.iter().enumerate() {
        let mut cells = columns.iter_mut();
        let mut next = || cells.next().expect("one column per header");
        next().write(|out| format::push_decimal(out, (i + 1) as f64, 0));
        for k in 0..3 {
            next().push(own.get(3 * r.unit + k));
        }
        next().write(|out| r.rate.push_label(out, 1));
        for part in &r.parts {
            next().write(|out| part.push_label(out, 1));
        }
        next().write(|out| gap(r, cov.departement.value, out));
        next().write(|out| gap(r, cov.france.value, out));
        next().push(match (r.comparison, r.rate) {
            (Some(c), _) => c.label(),
            (None, Cell::Secret) => "secret statistique",
            (None, _) => "donnée absente",
        });
    }
    OutTable::from_columns(headers, columns)
}

/// The list in Markdown, with the references it is compared with and the notes.
pub fn markdown_list(title: &str, table: &OutTable, cov: &Coverage) -> String {
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
    if table.is_empty() {
        out.push_str("\nAucun territoire dans cette sélection.\n");
    }
    out.push_str(&crate::export::markdown_notes(&cov.notices));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three EPCI of the Puy-de-Dôme 2023 against its references (64,2 and 60,9), one secret.
    fn coverage() -> Coverage {
        let reference = |value, scope: &str| Reference {
            value,
            scope: scope.to_string(),
            origin: "publiée",
        };
        let (departement, france) = (reference(64.2, "Puy-de-Dôme"), reference(60.9, "France"));
        let codes = ["200000003", "200000001", "200000002"];
        let rates = [Cell::Value(62.0), Cell::Secret, Cell::Value(55.5)];
        let units = codes.map(|code| Unit {
            code: code.to_string(),
            name: format!("CC {code}"),
            departements: vec!["63".to_string()],
        });
        let rows = rates
            .iter()
            .enumerate()
            .map(|(unit, &rate)| Row {
                unit,
                rate,
                parts: Vec::new(),
                comparison: Comparison::of(rate, departement.value, france.value),
            })
            .collect();
        Coverage {
            level: Level::Epci,
            year: 2023,
            part_labels: Vec::new(),
            units: units.into(),
            rows,
            departement,
            france,
            notices: Vec::new(),
        }
    }

    #[test]
    fn the_list_keeps_those_below_the_references_lowest_first_and_says_the_gaps() {
        let cov = coverage();
        let below_both = priority_table(&cov, ListSelection::SousLesDeuxReferences);
        assert_eq!(below_both.height(), 1);
        assert_eq!(
            below_both.row(0),
            [
                "1",
                "200000002",
                "CC 200000002",
                "63",
                "55,5",
                "-8,7",
                "-5,4",
                "sous les deux références"
            ]
        );
        assert_eq!(
            priority_table(&cov, ListSelection::SousUneReference).height(),
            2
        );
        // Every territory: the secret one last, never a zero.
        let all = priority_table(&cov, ListSelection::Toutes);
        assert_eq!(
            all.row(2)[1..],
            [
                "200000001",
                "CC 200000001",
                "63",
                "secret",
                "secret",
                "secret",
                "secret statistique"
            ]
        );
        assert_eq!(
            default_list_title(&cov, ListSelection::SousLesDeuxReferences),
            "EPCI sous les deux références de taux de couverture, 2023"
        );
    }
}

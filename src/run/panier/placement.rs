//! Placing the services of the inventory in the EPCI of the query, and saying what was
//! set aside.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::{Error, Result};
use crate::panier::inventory::{self, Inventory, Place};
use crate::panier::Counts;
use crate::query::Query;
use crate::run::code_list;
use crate::territory::moves::{Fate, Movements, Moves};
use crate::territory::{Territory, Unit};

/// Unknown types and repeated rows, said with their lines.
pub(super) fn report_set_aside(inventory: &Inventory, notices: &mut Vec<String>) {
    let source = inventory.source.display();
    if !inventory.unknown_kinds.is_empty() {
        let rows: usize = inventory.unknown_kinds.values().map(Vec::len).sum();
        let kinds: Vec<String> = inventory
            .unknown_kinds
            .iter()
            .map(|(name, lines)| format!("« {name} » (ligne(s) {})", line_list(lines)))
            .collect();
        notices.push(format!(
            "{source} : {rows} ligne(s) d'un type de service inconnu, non comptées : {} ; \
             corrigez le type ou déclarez-le dans [panier.synonymes]",
            kinds.join(", ")
        ));
    }
    if !inventory.duplicates.is_empty() {
        let pairs: Vec<String> = inventory
            .duplicates
            .iter()
            .map(|(line, first)| format!("ligne {line} (= ligne {first})"))
            .collect();
        notices.push(format!(
            "{source} : {} ligne(s) en double, comptée(s) une fois : {}",
            pairs.len(),
            code_list(&pairs)
        ));
    }
}

fn line_list(lines: &[usize]) -> String {
    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
    code_list(&lines)
}

/// The services counted per year and EPCI, those outside the territory, and what
/// the user must know of the rows not counted.
pub(super) struct Placed {
    /// Year → EPCI → counts.
    pub(super) counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    pub(super) outside: Vec<String>,
    pub(super) notices: Vec<String>,
}

/// Places every service in its EPCI of the query's vintage. A code the COG does not
/// know is an error; a service outside the territory, or of another year, is reported.
pub(super) fn place(
    query: &Query,
    inventory: &Inventory,
    territory: &Territory,
    units: &[Unit],
    years: &[u16],
) -> Result<Placed> {
    let selected: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let vintage = query.spec.territoire.millesime;
    let mut placed = Placed {
        counts: BTreeMap::new(),
        outside: Vec::new(),
        notices: Vec::new(),
    };
    let mut other_years: BTreeMap<u16, usize> = BTreeMap::new();
    // With a movements table, a row's commune is of its year's COG and moves to the query's.
    let movements = match &query.spec.territoire.mouvements {
        Some(path) => Some(Movements::shared(Path::new(path.get_ref()))?),
        None => None,
    };
    let mut moves_by_year: HashMap<u16, Moves> = HashMap::new();
    let mut moved = Vec::new();
    for entry in &inventory.entries {
        let unknown = || {
            Error::new(format!(
                "code inconnu du COG {vintage} : « {} »",
                entry.place.code()
            ))
            .file(&inventory.source)
            .line(entry.line)
            .code(entry.place.code())
            .hint("corrigez le code ; une commune fusionnée prend le code de la commune nouvelle")
        };
        let epci = match &entry.place {
            Place::Commune(c) => {
                let code = match (&movements, entry.year < vintage) {
                    (Some(m), true) => {
                        let moves = match moves_by_year.entry(entry.year) {
                            Entry::Occupied(o) => o.into_mut(),
                            Entry::Vacant(v) => {
                                v.insert(m.between(entry.year, vintage, territory)?)
                            }
                        };
                        match moves.fate(c) {
                            Fate::Same => c.clone(),
                            Fate::Moved(to) => {
                                moved.push(format!("ligne {} : {c} → {to}", entry.line));
                                to
                            }
                            // A service is in one place: the part that kept most of the people.
                            Fate::Split(parts) => {
                                let to = parts
                                    .iter()
                                    .max_by(|a, b| a.1.total_cmp(&b.1))
                                    .map(|p| p.0.clone())
                                    .expect("a split has parts");
                                moved.push(format!("ligne {} : {c} → {to} (commune partagée depuis, la plus peuplée)", entry.line));
                                to
                            }
                            Fate::Unknown(why) => {
                                return Err(unknown().hint(format!(
                                    "{c} : {why} ; corrigez le code de cette ligne"
                                )))
                            }
                        }
                    }
                    _ => c.clone(),
                };
                let commune = territory.communes.get(&code).ok_or_else(unknown)?;
                commune.epci.as_deref()
            }
            Place::Epci(s) => Some(territory.epcis.get(s).ok_or_else(unknown)?.siren.as_str()),
        };
        if !years.contains(&entry.year) {
            *other_years.entry(entry.year).or_default() += 1;
            continue;
        }
        match epci {
            Some(e) if selected.contains(e) => {
                *placed
                    .counts
                    .entry(entry.year)
                    .or_default()
                    .entry(e.to_string())
                    .or_default()
                    .entry(entry.kind)
                    .or_default() += entry.count;
            }
            _ => placed.outside.push(outside_line(entry, epci, territory)),
        }
    }
    if !moved.is_empty() {
        placed.notices.push(format!(
            "{} : {} service(s) d'une commune fusionnée ou recodée depuis l'année de la ligne, rattaché(s) à sa commune du COG {vintage} : {}",
            inventory.source.display(),
            moved.len(),
            code_list(&moved)
        ));
    }
    if !other_years.is_empty() {
        let rows: usize = other_years.values().sum();
        let list: Vec<String> = other_years
            .iter()
            .map(|(y, n)| format!("{y} : {n}"))
            .collect();
        placed.notices.push(format!(
            "{} : {rows} service(s) d'autres années que celles de la requête, non comptés ({})",
            inventory.source.display(),
            list.join(", ")
        ));
    }
    if !placed.outside.is_empty() {
        placed.notices.push(format!(
            "{} : {} service(s) hors du territoire de la requête, non comptés : {}",
            inventory.source.display(),
            placed.outside.len(),
            code_list(&placed.outside)
        ));
    }
    Ok(placed)
}

/// "ligne 12 : Laep 2022, 03185 Vichy (EPCI 200071942 Vichy Communauté)".
fn outside_line(entry: &inventory::Entry, epci: Option<&str>, territory: &Territory) -> String {
    let place = match &entry.place {
        Place::Commune(c) => {
            let name = territory.communes.get(c).map_or("", |c| c.name.as_str());
            format!("{c} {name}")
        }
        Place::Epci(s) => format!("EPCI {s}"),
    };
    let epci = match (epci, &entry.place) {
        (_, Place::Epci(_)) => String::new(),
        (None, _) => " (commune sans EPCI)".to_string(),
        (Some(e), _) => format!(
            " (EPCI {e} {})",
            territory.epcis.get(e).map_or("", |x| x.name.as_str())
        ),
    };
    format!(
        "ligne {} : {} {}, {place}{epci}",
        entry.line,
        entry.kind.label(),
        entry.year
    )
}

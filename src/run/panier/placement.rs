//! Placing the services of the inventory in the EPCI of the query, and saying what was
//! set aside.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::error::{Error, Result};
use crate::indicators::Cell;
use crate::panier::inventory::{self, Inventory, Place};
use crate::panier::{Counts, Names, ServiceKind};
use crate::query::{PlannedSource, Query};
use crate::run::aggregate::Sums;
use crate::run::code_list;
use crate::territory::moves::{Fate, Movements, Moves};
use crate::territory::{Level, Territory, Unit};

/// Unknown types and repeated rows, said with their lines; `synonyms` is where the query
/// declares local names.
pub(super) fn report_set_aside(inventory: &Inventory, synonyms: &str, notices: &mut Vec<String>) {
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
             corrigez le type ou déclarez-le dans {synonyms}",
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

/// The services counted per year and territory, those outside the territory, and what
/// the user must know of the rows not counted.
pub(in crate::run) struct Placed {
    /// Year → territory → counts.
    pub(super) counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    pub(super) outside: Vec<String>,
    pub(super) notices: Vec<String>,
}

/// Places every service in its territory of `level`, of the query's vintage: the commune's,
/// or for a service declared at an EPCI, the EPCI (or its one département). A code the COG
/// does not know is an error; a service outside the territory, or of another year, or
/// declared at an EPCI with no one territory of `level`, is reported.
pub(in crate::run) fn place(
    query: &Query,
    inventory: &Inventory,
    territory: &Territory,
    level: Level,
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
        let target = match &entry.place {
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
                commune.parent(level)
            }
            Place::Epci(s) => {
                let epci = territory.epcis.get(s).ok_or_else(unknown)?;
                match (level, epci.departements.as_slice()) {
                    (Level::Epci, _) => Some(epci.siren.as_str()),
                    (Level::Departement, [dep]) => Some(dep.as_str()),
                    _ => None,
                }
            }
        };
        if !years.contains(&entry.year) {
            *other_years.entry(entry.year).or_default() += 1;
            continue;
        }
        match target {
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
            _ => placed
                .outside
                .push(outside_line(entry, target, level, territory)),
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
fn outside_line(
    entry: &inventory::Entry,
    target: Option<&str>,
    level: Level,
    territory: &Territory,
) -> String {
    let place = match &entry.place {
        Place::Commune(c) => {
            let name = territory.communes.get(c).map_or("", |c| c.name.as_str());
            format!("{c} {name}")
        }
        Place::Epci(s) => format!("EPCI {s}"),
    };
    let epci = match (target, &entry.place, level) {
        (None, Place::Epci(_), Level::Commune) => {
            " (déclaré à l'EPCI, dans aucune commune)".to_string()
        }
        (None, Place::Epci(_), _) => " (EPCI sur plusieurs départements)".to_string(),
        (_, Place::Epci(_), _) | (_, _, Level::Commune) => String::new(),
        (None, _, _) => " (commune sans EPCI)".to_string(),
        (Some(e), _, Level::Epci) => format!(
            " (EPCI {e} {})",
            territory.epcis.get(e).map_or("", |x| x.name.as_str())
        ),
        (Some(d), _, _) => format!(
            " (département {d} {})",
            territory.departements.get(d).map_or("", String::as_str)
        ),
    };
    format!(
        "ligne {} : {} {}, {place}{epci}",
        entry.line,
        entry.kind.label(),
        entry.year
    )
}

/// The services of an inventory source counted per territory of `level`: a column per
/// type the indicators read (`laep`), zero for a territory without any, since the
/// inventory lists every service. What was set aside is said in `notices`.
pub(in crate::run) fn service_sums(
    query: &Query,
    source: &PlannedSource,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    notices: &mut Vec<String>,
) -> Result<Sums> {
    let spec = source.spec.services.clone().unwrap_or_default();
    let (year_column, year) = source
        .spec
        .year()
        .expect("the resolve step has refused an inventory without « annee »");
    let names = Names::new(spec.synonymes.iter().map(|(n, k)| (n.as_str(), *k)));
    let inventory = inventory::read(
        Path::new(source.spec.fichier.get_ref()),
        &inventory::Columns {
            code: source.spec.colonne_code.clone(),
            kind: spec.colonne_type.clone(),
            year: year_column.to_string(),
            count: spec.colonne_nombre.clone(),
            name: spec.colonne_nom.clone(),
        },
        &names,
    )?;
    let synonyms = format!("« synonymes » de la source « {} »", source.name);
    report_set_aside(&inventory, &synonyms, notices);
    let placed = place(query, &inventory, territory, level, units, &[year])?;
    notices.extend(placed.notices);
    let kinds: Vec<ServiceKind> = source
        .columns
        .iter()
        .map(|c| {
            *ServiceKind::ALL
                .iter()
                .find(|k| k.key() == c)
                .expect("the resolve step has checked the types")
        })
        .collect();
    let none = Counts::new();
    let counts = placed.counts.get(&year);
    let mut sums = Sums::default();
    for u in units {
        let of = counts.and_then(|c| c.get(&u.code)).unwrap_or(&none);
        let cells = kinds
            .iter()
            .map(|k| Cell::Value(of.get(k).copied().unwrap_or(0.0)))
            .collect();
        sums.by_code.insert(u.code.clone(), cells);
    }
    Ok(sums)
}

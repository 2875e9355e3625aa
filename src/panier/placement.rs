//! Placing the services of an inventory in the territories of a selection (through the
//! COG moves since each row's year), and saying what was set aside.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Counts;
use super::inventory::{self, Inventory, Place};
use crate::error::{Error, Result};
use crate::notice::{Notice, ServiceMoved};
use crate::territory::moves::{Fate, Movements, Moves};
use crate::territory::{Level, Territory, Unit};

/// Unknown types and repeated rows, said with their lines; `declare_in` is where the
/// query declares local names.
pub fn report_set_aside(inventory: &Inventory, declare_in: &str, notices: &mut Vec<Notice>) {
    if !inventory.unknown_kinds.is_empty() {
        notices.push(Notice::UnknownServiceKinds {
            file: inventory.source.clone(),
            kinds: inventory
                .unknown_kinds
                .iter()
                .map(|(name, lines)| (name.clone(), lines.clone()))
                .collect(),
            declare_in: declare_in.to_string(),
        });
    }
    if !inventory.duplicates.is_empty() {
        notices.push(Notice::RepeatedServices {
            file: inventory.source.clone(),
            pairs: inventory.duplicates.clone(),
        });
    }
}

/// The services counted per year and territory, those outside the territory, and what
/// the user must know of the rows not counted.
#[derive(Debug)]
pub struct Placed {
    /// Year → territory → counts.
    pub counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    pub outside: Vec<String>,
    pub notices: Vec<Notice>,
}

/// Where [`place`] puts the services: the territories of `level` in `units`, of the COG
/// `vintage` of `territory`; a row of an earlier year has its commune moved by
/// `movements`, when given.
pub struct Selection<'a> {
    pub territory: &'a Territory,
    pub vintage: u16,
    pub movements: Option<&'a Movements>,
    pub level: Level,
    pub units: &'a [Unit],
}

/// Places every service of `years` in its territory of the selection: the commune's, or
/// for a service declared at an EPCI, the EPCI (or its one département). A code the COG
/// does not know is an error; a service outside the selection, or of another year, or
/// declared at an EPCI with no one territory of the level, is reported.
pub fn place(inventory: &Inventory, selection: &Selection, years: &[u16]) -> Result<Placed> {
    let Selection {
        territory,
        vintage,
        movements,
        level,
        units,
    } = *selection;
    let selected: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let mut placed = Placed {
        counts: BTreeMap::new(),
        outside: Vec::new(),
        notices: Vec::new(),
    };
    let mut other_years: BTreeMap<u16, usize> = BTreeMap::new();
    // With a movements table, a row's commune is of its year's COG and moves to the query's.
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
                let code = match (movements, entry.year < vintage) {
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
                                moved.push(ServiceMoved {
                                    line: entry.line,
                                    from: c.clone(),
                                    to: to.clone(),
                                    split: false,
                                });
                                to
                            }
                            // A service is in one place: the part that kept most of the people.
                            Fate::Split(parts) => {
                                let to = parts
                                    .iter()
                                    .max_by(|a, b| a.1.total_cmp(&b.1))
                                    .map(|p| p.0.clone())
                                    .expect("a split has parts");
                                moved.push(ServiceMoved {
                                    line: entry.line,
                                    from: c.clone(),
                                    to: to.clone(),
                                    split: true,
                                });
                                to
                            }
                            Fate::Unknown(why) => {
                                return Err(unknown().hint(format!(
                                    "{c} : {why} ; corrigez le code de cette ligne"
                                )));
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
                    // An EPCI all in one zone: that zone.
                    (Level::Zone, _) => {
                        let mut zones = epci
                            .communes
                            .iter()
                            .map(|c| territory.parent(c, Level::Zone));
                        let first = zones.next().flatten();
                        first.filter(|z| zones.all(|other| other == Some(*z)))
                    }
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
    let file = || inventory.source.clone();
    if !moved.is_empty() {
        placed.notices.push(Notice::ServicesMoved {
            file: file(),
            vintage,
            rows: moved,
        });
    }
    if !other_years.is_empty() {
        placed.notices.push(Notice::ServicesOfOtherYears {
            file: file(),
            years: other_years.into_iter().collect(),
        });
    }
    if !placed.outside.is_empty() {
        placed.notices.push(Notice::ServicesOutside {
            file: file(),
            rows: placed.outside.clone(),
        });
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
        (None, Place::Epci(_), Level::Zone) => {
            " (EPCI sur plusieurs zones, ou hors des zones)".to_string()
        }
        (None, _, Level::Zone) => " (commune hors des zones)".to_string(),
        (Some(z), _, Level::Zone) => format!(
            " (zone {z} {})",
            territory.zones.get(z).map_or("", |x| x.name.as_str())
        ),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panier::ServiceKind;
    use crate::panier::inventory::Entry;
    use std::path::{Path, PathBuf};

    fn cog(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/cog")
            .join(name)
    }

    fn entry(line: usize, place: Place, kind: ServiceKind, year: u16) -> Entry {
        Entry {
            line,
            place,
            kind,
            year,
            count: 1.0,
            name: None,
        }
    }

    #[test]
    fn services_are_placed_through_the_moves_and_the_rest_is_said() {
        let territory = Territory::load(
            &cog("communes-epci-population-2026.csv"),
            &cog("departements.csv"),
        )
        .unwrap();
        let movements = Movements::load(&cog("mouvements-communes.csv")).unwrap();
        let units = territory.units(Level::Epci, &["63".to_string()]);
        // Dallet (63133) joined Mur-sur-Allier (63226) in 2019.
        let epci = territory.communes["63226"].parent(Level::Epci).unwrap();
        let other_epci = territory.communes["63113"].parent(Level::Epci).unwrap();
        let inventory = Inventory {
            source: "services.csv".into(),
            entries: vec![
                entry(2, Place::Commune("63133".into()), ServiceKind::Laep, 2018),
                entry(3, Place::Epci(epci.to_string()), ServiceKind::Clas, 2018),
                entry(4, Place::Commune("63113".into()), ServiceKind::Reaap, 2018),
                // Another year, and a commune of the Allier: reported, not counted.
                entry(5, Place::Commune("63113".into()), ServiceKind::Reaap, 2017),
                entry(6, Place::Commune("03185".into()), ServiceKind::Laep, 2018),
            ],
            ..Inventory::default()
        };
        let selection = Selection {
            territory: &territory,
            vintage: 2026,
            movements: Some(&movements),
            level: Level::Epci,
            units: &units,
        };
        let placed = place(&inventory, &selection, &[2018]).unwrap();
        let of = |e: &str| &placed.counts[&2018][e];
        assert_eq!(of(epci)[&ServiceKind::Laep], 1.0);
        assert_eq!(of(epci)[&ServiceKind::Clas], 1.0);
        assert_eq!(of(other_epci)[&ServiceKind::Reaap], 1.0);
        assert_eq!(placed.outside.len(), 1, "{:?}", placed.outside);
        assert!(placed.outside[0].starts_with("ligne 6 : Laep 2018, 03185"));
        assert_eq!(
            placed.notices[0],
            Notice::ServicesMoved {
                file: "services.csv".into(),
                vintage: 2026,
                rows: vec![ServiceMoved {
                    line: 2,
                    from: "63133".into(),
                    to: "63226".into(),
                    split: false
                }],
            }
        );
        let notices = crate::notice::said(&placed.notices);
        let notices = notices.join("\n");
        assert!(notices.contains("ligne 2 : 63133 → 63226"), "{notices}");
        assert!(
            notices.contains("1 service(s) d'autres années"),
            "{notices}"
        );
        // Without the movements table, the old code is unknown to the COG: an error.
        let without = Selection {
            movements: None,
            ..selection
        };
        let err = place(&inventory, &without, &[2018]).unwrap_err();
        assert!(err.to_string().contains("« 63133 »"), "{err}");
    }
}

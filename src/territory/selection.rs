//! The territories a query computes: the units of its level in its départements, or the
//! communes of one EPCI (a zoom), with the EPCI that reach beyond the départements kept whole,
//! left to the département of most of their population, or reduced to their communes there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::{Level, Territory, Unit};
use crate::error::{Error, ErrorKind, Result};
use crate::notice::Notice;
use crate::once::Memo;

/// `epci_debordants`: which EPCI reaching beyond the query's départements it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum EpciReach {
    /// Every EPCI with a commune in them, with all its communes.
    #[default]
    #[serde(rename = "entiers")]
    Whole,
    /// Only those with most of their population in them (the others are another
    /// département's), with all their communes.
    #[serde(rename = "majorite")]
    Majority,
    /// Every EPCI with a commune in them, but with those communes only: its sums and ratios of sums
    /// are its part in the selection (named so), and a share of the selection is a share of the
    /// départements' own communes.
    #[serde(rename = "communes")]
    Communes,
}

/// The territories a query computes: its level, and the units of that level in its
/// départements (or the communes of one EPCI, for a zoom).
pub struct Selection<'t> {
    pub territory: &'t Territory,
    pub level: Level,
    pub units: Arc<[Unit]>,
    /// What the selection says of itself (the EPCI reaching beyond its départements).
    pub notices: Vec<Notice>,
    /// What the queries sharing the selection compute alike (a source summed into its units).
    pub memo: Arc<Memo>,
}

/// What a selection is of: its level, its départements, the EPCI of a zoom, and what it does
/// with the EPCI reaching beyond the départements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SelectionKey {
    pub level: Level,
    pub departements: Vec<String>,
    pub epci: Option<String>,
    pub reach: EpciReach,
}

/// A selection's units and what it says of itself.
pub type Chosen = (Arc<[Unit]>, Vec<Notice>);

/// A selection as kept by its territory: its units, what it says of itself, and what the
/// queries sharing it compute alike.
#[derive(Clone)]
pub struct Kept {
    pub units: Arc<[Unit]>,
    pub notices: Vec<Notice>,
    pub memo: Arc<Memo>,
}

/// The selections made of a territory: the queries of a run of the same level over the same
/// départements share one, and a query's run the one its plan checked. Not copied with the
/// territory: a copy is made to be changed.
#[derive(Default)]
pub(super) struct Selections(Mutex<HashMap<SelectionKey, Kept>>);

impl Clone for Selections {
    fn clone(&self) -> Self {
        Selections::default()
    }
}

impl std::fmt::Debug for Selections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Selections")
    }
}

impl Territory {
    /// The selection `key` of this territory, made by `make` the first time it is asked (a
    /// failure is not kept: the next asking makes it again, with its own errors).
    pub fn selected(
        &self,
        key: SelectionKey,
        make: impl FnOnce() -> Result<Chosen>,
    ) -> Result<Kept> {
        let kept = || self.selections.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(selection) = kept().get(&key) {
            return Ok(selection.clone());
        }
        let (units, notices) = make()?;
        let made = Kept {
            units,
            notices,
            memo: Arc::default(),
        };
        Ok(kept().entry(key).or_insert(made).clone())
    }

    /// The communes of `units` (of `level`) in the EPCI `siren`, for a zoom on it; the errors are
    /// the query's (`vintage` names the COG).
    pub fn zoom(
        &self,
        level: Level,
        siren: &str,
        mut units: Vec<Unit>,
        vintage: u16,
    ) -> Result<Vec<Unit>> {
        let refused = |message: String| Error::new(message).kind(ErrorKind::Query);
        if level != Level::Commune {
            return Err(refused(
                "le zoom sur un EPCI demande « niveau = \"commune\" »".to_string(),
            ));
        }
        if !self.epcis.contains_key(siren) {
            return Err(
                refused(format!("EPCI inconnu du COG {vintage} : « {siren} »"))
                    .hint("donnez le SIREN à 9 chiffres d'un EPCI du millésime de la requête"),
            );
        }
        units.retain(|u| self.parent(&u.code, Level::Epci) == Some(siren));
        if units.is_empty() {
            return Err(refused(format!(
                "l'EPCI « {siren} » n'a pas de commune dans les départements de la requête"
            )));
        }
        Ok(units)
    }

    /// What a selection of `level` over `deps` says of itself: the communes in no zone of a
    /// zoning, the EPCI reaching beyond `deps` and what `reach` does with them (those left to
    /// another département leave `units`).
    pub fn selection_notes(
        &self,
        level: Level,
        deps: &[String],
        reach: EpciReach,
        units: &mut Vec<Unit>,
    ) -> Result<Vec<Notice>> {
        Ok(match level {
            Level::Epci => self.epci_reach(deps, reach, units)?,
            Level::Zone => {
                let outside = self.communes_without_zone(deps);
                match outside.is_empty() {
                    true => Vec::new(),
                    false => vec![Notice::CommunesWithoutZone {
                        codes: outside.into_iter().map(str::to_string).collect(),
                    }],
                }
            }
            _ => Vec::new(),
        })
    }

    /// The EPCI reaching beyond `deps`, kept whole or left to the département of most of their
    /// population (`reach`); the notes say which and how.
    fn epci_reach(
        &self,
        deps: &[String],
        reach: EpciReach,
        units: &mut Vec<Unit>,
    ) -> Result<Vec<Notice>> {
        // Reduced to their communes in the selection, the EPCI lie in it: the territory says which.
        if reach == EpciReach::Communes {
            return Ok(match self.reduced.is_empty() {
                true => Vec::new(),
                false => vec![Notice::EpcisReduced {
                    names: self.reduced.clone(),
                }],
            });
        }
        let beyond: Vec<String> = units
            .iter()
            .filter(|u| u.departements.iter().any(|d| !deps.contains(d)))
            .map(|u| u.code.clone())
            .collect();
        if beyond.is_empty() {
            return Ok(Vec::new());
        }
        Ok(match reach {
            EpciReach::Communes => unreachable!("returned above"),
            EpciReach::Whole => vec![Notice::EpcisWhole { codes: beyond }],
            EpciReach::Majority => {
                let mut left: Vec<(String, f64)> = Vec::new();
                for code in &beyond {
                    let share = self.population_share_in(Level::Epci, code, deps).ok_or_else(|| {
                        Error::new(format!("population inconnue pour les communes de l'EPCI « {code} »"))
                            .code(code)
                            .hint("la table des communes de [territoire] doit donner leur population pour « epci_debordants = \"majorite\" »")
                    })?;
                    if share <= 0.5 {
                        left.push((code.clone(), share));
                    }
                }
                units.retain(|u| !left.iter().any(|(code, _)| *code == u.code));
                let kept = beyond.len() - left.len();
                let mut notes = vec![Notice::EpcisKept { count: kept }];
                if !left.is_empty() {
                    notes.push(Notice::EpcisLeft { epcis: left });
                }
                notes
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cog_2026() -> Territory {
        Territory::cog_2026()
    }

    #[test]
    fn an_epci_reaching_beyond_is_kept_whole_or_left_to_the_departement_of_most_of_its_people() {
        let t = cog_2026();
        let deps = ["71".to_string()];
        let beaune = "200006682";
        let mut whole = t.units(Level::Epci, &deps);
        let notes = t
            .selection_notes(Level::Epci, &deps, EpciReach::Whole, &mut whole)
            .unwrap();
        assert!(whole.iter().any(|u| u.code == beaune));
        assert!(
            notes[0].to_string().contains("comptés entiers")
                && notes[0].to_string().contains(beaune),
            "{notes:?}"
        );
        // Most of Beaune's people live in the Côte-d'Or: the majority rule leaves it there.
        let mut majority = t.units(Level::Epci, &deps);
        let notes = t
            .selection_notes(Level::Epci, &deps, EpciReach::Majority, &mut majority)
            .unwrap();
        assert!(!majority.iter().any(|u| u.code == beaune));
        assert_eq!(majority.len() + 1, whole.len());
        assert!(
            notes[1].to_string().contains(&format!("{beaune} (")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_zoom_keeps_the_communes_of_its_epci_and_refuses_what_is_no_zoom() {
        let t = cog_2026();
        let deps = ["63".to_string()];
        let communes = t.units(Level::Commune, &deps);
        let clermont = t
            .zoom(Level::Commune, "246300701", communes.clone(), 2026)
            .unwrap();
        assert!(clermont.iter().any(|u| u.code == "63113"));
        assert!(clermont.len() < communes.len());
        let refused = |level, siren: &str| {
            t.zoom(level, siren, t.units(level, &deps), 2026)
                .unwrap_err()
                .message
        };
        assert!(refused(Level::Epci, "246300701").contains("niveau = \"commune\""));
        assert!(refused(Level::Commune, "123456789").contains("EPCI inconnu du COG 2026"));
        // The Métropole de Lyon has no commune in the Puy-de-Dôme.
        assert!(refused(Level::Commune, "200046977").contains("n'a pas de commune"));
    }

    #[test]
    fn a_selection_is_made_once_per_territory_and_a_failure_is_not_kept() {
        let t = cog_2026();
        let key = |level| SelectionKey {
            level,
            departements: vec!["63".to_string()],
            epci: None,
            reach: EpciReach::Whole,
        };
        let made = std::cell::Cell::new(0);
        let make = |level| {
            made.set(made.get() + 1);
            Ok((t.units(level, &["63".to_string()]).into(), Vec::new()))
        };
        let refused = t.selected(key(Level::Epci), || Err(Error::new("refusée")));
        assert_eq!(refused.err().map(|e| e.message).as_deref(), Some("refusée"));
        let first = t.selected(key(Level::Epci), || make(Level::Epci)).unwrap();
        let again = t.selected(key(Level::Epci), || make(Level::Epci)).unwrap();
        assert!(Arc::ptr_eq(&first.units, &again.units));
        assert!(Arc::ptr_eq(&first.memo, &again.memo));
        let communes = t
            .selected(key(Level::Commune), || make(Level::Commune))
            .unwrap();
        assert_eq!(made.get(), 2);
        assert_eq!(communes.units.len(), 463);
        // A copy is made to be changed: it makes its own.
        let copy = t.clone();
        copy.selected(key(Level::Epci), || make(Level::Epci))
            .unwrap();
        assert_eq!(made.get(), 3);
    }
}

//! Norms of supply: one service per so many people ("one Laep per 3 500 children", "one
//! RPE animator per 70 assistants maternels"), and the services a territory lacks to meet
//! them.

use serde::Deserialize;

use super::ServiceKind;
use crate::indicators::Cell;

/// How the theoretical number of services becomes a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Any started block of population asks for one more service.
    #[default]
    Superieur,
    PlusProche,
    Inferieur,
}

/// One `kind` of service per `per` people.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Norm {
    pub kind: ServiceKind,
    pub per: f64,
    pub rounding: Rounding,
}

/// What a norm asks of one territory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    /// Population over `per`, unrounded.
    pub theoretical: Cell,
    /// The theoretical number, rounded.
    pub needed: Cell,
    /// Needed minus existing, at least zero.
    pub missing: Cell,
}

impl Norm {
    /// The gap of a territory with `population` (secret: the gap is secret too) and
    /// `existing` services of the norm's kind.
    pub fn gap(&self, population: Cell, existing: f64) -> Gap {
        let Cell::Value(population) = population else {
            return Gap {
                theoretical: population,
                needed: population,
                missing: population,
            };
        };
        let theoretical = population / self.per;
        // A tiny tolerance so that 7 000 / 3 500 is 2, not 2.000…1 rounded up.
        let needed = match self.rounding {
            Rounding::Superieur => (theoretical - 1e-9).ceil().max(0.0),
            Rounding::PlusProche => theoretical.round(),
            Rounding::Inferieur => (theoretical + 1e-9).floor(),
        };
        Gap {
            theoretical: Cell::Value(theoretical),
            needed: Cell::Value(needed),
            missing: Cell::Value((needed - existing).max(0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laep(rounding: Rounding) -> Norm {
        Norm {
            kind: ServiceKind::Laep,
            per: 3500.0,
            rounding,
        }
    }

    #[test]
    fn laep_missing_for_children() {
        let g = laep(Rounding::Superieur).gap(Cell::Value(10_000.0), 1.0);
        assert_eq!(g.needed, Cell::Value(3.0));
        assert_eq!(g.missing, Cell::Value(2.0));
        assert!((g.theoretical.value().unwrap() - 2.857).abs() < 1e-3);
        assert_eq!(
            laep(Rounding::PlusProche)
                .gap(Cell::Value(10_000.0), 1.0)
                .missing,
            Cell::Value(2.0)
        );
        assert_eq!(
            laep(Rounding::Inferieur)
                .gap(Cell::Value(10_000.0), 1.0)
                .missing,
            Cell::Value(1.0)
        );
        // Exactly two blocks need two, not three.
        assert_eq!(
            laep(Rounding::Superieur)
                .gap(Cell::Value(7_000.0), 0.0)
                .needed,
            Cell::Value(2.0)
        );
    }

    #[test]
    fn more_than_needed_is_no_gap() {
        let g = laep(Rounding::Superieur).gap(Cell::Value(3_000.0), 4.0);
        assert_eq!((g.needed, g.missing), (Cell::Value(1.0), Cell::Value(0.0)));
    }

    #[test]
    fn zero_population_needs_nothing() {
        let g = laep(Rounding::Superieur).gap(Cell::Value(0.0), 0.0);
        assert_eq!(
            (g.theoretical, g.needed, g.missing),
            (Cell::Value(0.0), Cell::Value(0.0), Cell::Value(0.0))
        );
    }

    #[test]
    fn a_secret_population_gives_a_secret_gap() {
        let g = laep(Rounding::Superieur).gap(Cell::Secret, 0.0);
        assert_eq!(g.missing, Cell::Secret);
        assert_eq!(
            laep(Rounding::Superieur).gap(Cell::Missing, 0.0).needed,
            Cell::Missing
        );
    }

    #[test]
    fn rpe_animators_per_assistants_maternels() {
        let rpe = Norm {
            kind: ServiceKind::Rpe,
            per: 70.0,
            rounding: Rounding::Superieur,
        };
        // 150 assistants maternels: 3 animators; 1,5 in post.
        assert_eq!(rpe.gap(Cell::Value(150.0), 1.5).missing, Cell::Value(1.5));
    }
}

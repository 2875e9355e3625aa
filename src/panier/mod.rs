//! The panier de services parentalité: the minimum set of parenting services each EPCI
//! should offer (Reaap, Laep, Clas, and médiation familiale in Puy-de-Dôme since 2022).
//! Which EPCI have it, what each lacks, and how the share of covered EPCI moves.
//!
//! [`inventory`] reads the analysts' list of services; this module counts them per
//! territory and says what is missing; [`norm`] turns "one Laep per 3 500 children" into
//! a number of services missing.

pub mod inventory;
pub mod kind;
pub mod norm;
pub mod placement;
pub mod report;

use std::collections::BTreeMap;

pub use kind::{Names, ServiceKind};

/// Services of each kind in one territory for one year (sum of the rows' counts).
pub type Counts = BTreeMap<ServiceKind, f64>;

/// A service the panier requires, and how many of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    pub kind: ServiceKind,
    pub minimum: f64,
}

/// The composition of the panier, as the query defines it.
#[derive(Debug, Clone, PartialEq)]
pub struct Panier {
    pub requirements: Vec<Requirement>,
}

impl Panier {
    /// The services required and not present in the required number, in panier order.
    pub fn missing(&self, counts: &Counts) -> Vec<ServiceKind> {
        self.requirements
            .iter()
            .filter(|r| counts.get(&r.kind).copied().unwrap_or(0.0) < r.minimum)
            .map(|r| r.kind)
            .collect()
    }

    pub fn contains(&self, kind: ServiceKind) -> bool {
        self.requirements.iter().any(|r| r.kind == kind)
    }

    /// Whether a territory is covered by `kind`: the panier's minimum for a required
    /// service, at least one for any other.
    pub fn covers(&self, kind: ServiceKind, counts: &Counts) -> bool {
        let minimum = self
            .requirements
            .iter()
            .find(|r| r.kind == kind)
            .map_or(f64::MIN_POSITIVE, |r| r.minimum);
        counts.get(&kind).copied().unwrap_or(0.0) >= minimum
    }
}

/// The territory as a whole for one year: how many territories have the whole panier,
/// and how many are covered by each kind of service.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub year: u16,
    pub territories: usize,
    pub complete: usize,
    /// Per kind, in `kinds` order: territories covered.
    pub covered: Vec<(ServiceKind, usize)>,
}

impl Summary {
    /// Sums up `counts` (territory → counts, absent: no service) over `territories`.
    pub fn new(
        panier: &Panier,
        year: u16,
        territories: &[&str],
        counts: &BTreeMap<String, Counts>,
        kinds: &[ServiceKind],
    ) -> Summary {
        let empty = Counts::new();
        let of = |t: &str| counts.get(t).unwrap_or(&empty);
        Summary {
            year,
            territories: territories.len(),
            complete: territories
                .iter()
                .filter(|t| panier.missing(of(t)).is_empty())
                .count(),
            covered: kinds
                .iter()
                .map(|&k| {
                    let n = territories
                        .iter()
                        .filter(|t| panier.covers(k, of(t)))
                        .count();
                    (k, n)
                })
                .collect(),
        }
    }

    /// `part` of the territories, in percent (0 when there are none).
    pub fn share(&self, part: usize) -> f64 {
        if self.territories == 0 {
            0.0
        } else {
            100.0 * part as f64 / self.territories as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceKind::*;

    fn panier(kinds: &[ServiceKind]) -> Panier {
        Panier {
            requirements: kinds
                .iter()
                .map(|&kind| Requirement { kind, minimum: 1.0 })
                .collect(),
        }
    }

    fn counts(items: &[(ServiceKind, f64)]) -> Counts {
        items.iter().copied().collect()
    }

    #[test]
    fn missing_services_in_panier_order() {
        let p = panier(&[Reaap, Laep, Clas]);
        assert!(
            p.missing(&counts(&[(Clas, 1.0), (Laep, 2.0), (Reaap, 1.0)]))
                .is_empty()
        );
        assert_eq!(
            p.missing(&counts(&[(Laep, 1.0), (Eaje, 4.0)])),
            [Reaap, Clas]
        );
        assert_eq!(p.missing(&Counts::new()), [Reaap, Laep, Clas]);
    }

    #[test]
    fn the_2019_and_2022_definitions_differ_by_mediation() {
        let epci = counts(&[(Reaap, 1.0), (Laep, 1.0), (Clas, 3.0)]);
        assert!(panier(&[Reaap, Laep, Clas]).missing(&epci).is_empty());
        assert_eq!(
            panier(&[Reaap, Laep, Clas, MediationFamiliale]).missing(&epci),
            [MediationFamiliale]
        );
    }

    #[test]
    fn minimum_counts_are_per_service() {
        let p = Panier {
            requirements: vec![
                Requirement {
                    kind: Laep,
                    minimum: 1.0,
                },
                Requirement {
                    kind: Clas,
                    minimum: 2.0,
                },
            ],
        };
        assert_eq!(p.missing(&counts(&[(Laep, 1.0), (Clas, 1.0)])), [Clas]);
        assert!(p.missing(&counts(&[(Laep, 1.0), (Clas, 2.0)])).is_empty());
        assert!(!p.covers(Clas, &counts(&[(Clas, 1.0)])));
        // A service outside the panier covers with one unit, even a fraction of one.
        assert!(p.covers(Rpe, &counts(&[(Rpe, 0.5)])));
        assert!(!p.covers(Rpe, &counts(&[(Rpe, 0.0)])));
    }

    #[test]
    fn shares_over_two_years() {
        // Drôme model: 6 EPCI; RAM in 5 then 6, Laep in 3 then 6.
        let p = panier(&[Rpe, Laep]);
        let units = ["a", "b", "c", "d", "e", "f"];
        let year = |with_ram: &[&str], with_laep: &[&str]| -> BTreeMap<String, Counts> {
            units
                .iter()
                .map(|u| {
                    let mut c = Counts::new();
                    if with_ram.contains(u) {
                        c.insert(Rpe, 1.0);
                    }
                    if with_laep.contains(u) {
                        c.insert(Laep, 1.0);
                    }
                    (u.to_string(), c)
                })
                .collect()
        };
        let kinds = [Rpe, Laep];
        let s2015 = Summary::new(&p, 2015, &units, &year(&units[..5], &units[..3]), &kinds);
        let s2019 = Summary::new(&p, 2019, &units, &year(&units, &units), &kinds);
        assert_eq!(s2015.covered, [(Rpe, 5), (Laep, 3)]);
        assert_eq!(format!("{:.0}", s2015.share(5)), "83");
        assert_eq!(format!("{:.0}", s2015.share(3)), "50");
        assert_eq!(s2015.complete, 3);
        assert_eq!(s2019.complete, 6);
        assert_eq!(s2019.share(s2019.complete), 100.0);
        // A territory absent from the counts has no service.
        let s = Summary::new(&p, 2019, &["z"], &BTreeMap::new(), &kinds);
        assert_eq!((s.complete, s.covered[0].1), (0, 0));
        assert_eq!(
            Summary::new(&p, 2019, &[], &BTreeMap::new(), &kinds).share(0),
            0.0
        );
    }
}

//! Comparison of a territory's value with the departmental and national references.

use super::Cell;

/// Where a value stands against both references (strictly below = below).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Comparison {
    BelowBoth,
    BelowOne,
    AtOrAboveBoth,
}

impl Comparison {
    pub const ALL: [Comparison; 3] = [
        Comparison::BelowBoth,
        Comparison::BelowOne,
        Comparison::AtOrAboveBoth,
    ];

    /// `None` when the value is secret or missing: such a territory is listed, not classed.
    pub fn of(value: Cell, departement: f64, france: f64) -> Option<Comparison> {
        let v = value.value()?;
        let below = (v < departement) as u8 + (v < france) as u8;
        Some(match below {
            2 => Comparison::BelowBoth,
            1 => Comparison::BelowOne,
            _ => Comparison::AtOrAboveBoth,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Comparison::BelowBoth => "sous les deux références",
            Comparison::BelowOne => "sous une seule référence",
            Comparison::AtOrAboveBoth => "au niveau ou au-dessus des deux références",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_against_both_references() {
        // Puy-de-Dôme 2023: département 64,2, France 60,9.
        let of = |v| Comparison::of(Cell::Value(v), 64.2, 60.9);
        assert_eq!(of(55.0), Some(Comparison::BelowBoth));
        assert_eq!(of(60.9), Some(Comparison::BelowOne));
        assert_eq!(of(63.5), Some(Comparison::BelowOne));
        assert_eq!(of(64.2), Some(Comparison::AtOrAboveBoth));
        assert_eq!(Comparison::of(Cell::Secret, 64.2, 60.9), None);
        assert_eq!(Comparison::of(Cell::Missing, 64.2, 60.9), None);
    }

    #[test]
    fn department_below_france() {
        // Hérault-like: the departmental rate is the lower one.
        let of = |v| Comparison::of(Cell::Value(v), 57.0, 60.9);
        assert_eq!(of(58.0), Some(Comparison::BelowOne));
        assert_eq!(of(56.9), Some(Comparison::BelowBoth));
    }
}

//! The synthesis across axes of a schéma's last chapter: each territory's position on every axis
//! (an indicator between two bounds: coverage below the département's, poverty above it, no LAEP),
//! how many axes make it a priority, and the reasons in words.
//!
//! A value known only between bounds, secret or absent leaves its position unknown: the count is then
//! a range (« 1 à 2 axes »), never a guess.

use super::Cell;

/// Where a territory stands on one axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Priority,
    NotPriority,
    /// Secret, absent, or known between bounds on both sides of a limit.
    Unknown,
}

/// The position of `cell` on an axis keeping the values of `[at_least ; below[`. A value known between
/// two bounds has a position when both bounds have the same.
pub fn position(cell: Cell, at_least: Option<f64>, below: Option<f64>) -> Position {
    let inside = |v: f64| at_least.is_none_or(|a| v >= a) && below.is_none_or(|b| v < b);
    match cell.bounds() {
        Some((low, high)) if inside(low) == inside(high) => match inside(low) {
            true => Position::Priority,
            false => Position::NotPriority,
        },
        _ => Position::Unknown,
    }
}

/// How many axes make a territory a priority: surely, and at most (with the unknown positions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count {
    pub sure: usize,
    pub possible: usize,
}

impl Count {
    pub fn of(positions: &[Position]) -> Count {
        let sure = positions
            .iter()
            .filter(|p| **p == Position::Priority)
            .count();
        let unknown = positions
            .iter()
            .filter(|p| **p == Position::Unknown)
            .count();
        Count {
            sure,
            possible: sure + unknown,
        }
    }

    /// « 2 », or « 1 à 2 » when unknown positions could add to it.
    pub fn label(self) -> String {
        match self.sure == self.possible {
            true => self.sure.to_string(),
            false => format!("{} à {}", self.sure, self.possible),
        }
    }
}

/// The order of the synthesis: most axes surely first, then most possibly, then by code.
pub fn order(counts: &[Count], codes: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        (counts[b].sure, counts[b].possible)
            .cmp(&(counts[a].sure, counts[a].possible))
            .then_with(|| codes[a].cmp(codes[b]))
    });
    order
}

/// The reasons in words: the labels of the axes that make it a priority, then those not known.
pub fn reasons(labels: &[String], positions: &[Position]) -> String {
    let of = |wanted: Position| -> Vec<&str> {
        labels
            .iter()
            .zip(positions)
            .filter(|(_, p)| **p == wanted)
            .map(|(l, _)| l.as_str())
            .collect()
    };
    let (sure, unknown) = (of(Position::Priority), of(Position::Unknown));
    let mut said = sure.join(" ; ");
    if !unknown.is_empty() {
        if !said.is_empty() {
            said.push_str(" ; ");
        }
        said.push_str(&format!("inconnu : {}", unknown.join(", ")));
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_placed_by_its_bounds_and_a_secret_is_unknown() {
        // Coverage below the département's 64,2.
        assert_eq!(
            position(Cell::Value(53.9), None, Some(64.2)),
            Position::Priority
        );
        assert_eq!(
            position(Cell::Value(64.2), None, Some(64.2)),
            Position::NotPriority
        );
        assert_eq!(position(Cell::Secret, None, Some(64.2)), Position::Unknown);
        assert_eq!(position(Cell::Missing, Some(1.0), None), Position::Unknown);
        // Known between 60 and 63: below 64,2 either way; between 63 and 66: unknown.
        let bounded = |low, high| Cell::Bounded { low, high };
        assert_eq!(
            position(bounded(60.0, 63.0), None, Some(64.2)),
            Position::Priority
        );
        assert_eq!(
            position(bounded(63.0, 66.0), None, Some(64.2)),
            Position::Unknown
        );
        // No LAEP: fewer than one.
        assert_eq!(
            position(Cell::Value(0.0), None, Some(1.0)),
            Position::Priority
        );
    }

    #[test]
    fn territories_are_counted_ordered_and_given_their_reasons() {
        use Position::*;
        let labels = vec![
            "Couverture sous la référence".to_string(),
            "Pauvreté au-dessus".to_string(),
            "Pas de LAEP".to_string(),
        ];
        let rows = [
            [Priority, NotPriority, Priority],
            [Priority, Priority, Priority],
            [NotPriority, Unknown, Priority],
            [NotPriority, NotPriority, NotPriority],
        ];
        let counts: Vec<Count> = rows.iter().map(|r| Count::of(r)).collect();
        assert_eq!(
            counts.iter().map(|c| c.label()).collect::<Vec<_>>(),
            ["2", "3", "1 à 2", "0"]
        );
        assert_eq!(order(&counts, &["d", "c", "b", "a"]), [1, 0, 2, 3]);
        assert_eq!(
            reasons(&labels, &rows[0]),
            "Couverture sous la référence ; Pas de LAEP"
        );
        assert_eq!(
            reasons(&labels, &rows[2]),
            "Pas de LAEP ; inconnu : Pauvreté au-dessus"
        );
        assert_eq!(reasons(&labels, &rows[3]), "");
    }
}

//! The synthesis across axes of a schéma's last chapter: each territory's position on every axis
//! (an indicator between two bounds: coverage below the département's, poverty above it, no LAEP),
//! how many axes make it a priority, and the reasons in words.
//!
//! A value known only between bounds, secret or absent leaves its position unknown: the count is then
//! a range (« 1 à 2 axes »), never a guess.

use super::Cell;
use super::filter::{Filter, ReferenceRows};
use super::key_figures::Threshold;
use super::model::{Indicator, Values};
use crate::error::Result;
use crate::export::{Align, MapFiles, OutTable};
use crate::format::capitalise;
use crate::notice::AxisSaid;
use crate::territory::{Level, Unit};

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

/// `[priorites]` as the plan resolves it: its axes, each a label and a filter, how many axes
/// make a priority, and where its table and map are written.
#[derive(Debug)]
pub struct SynthesisShape {
    pub title: String,
    pub axes: Vec<(String, Filter)>,
    pub at_least: usize,
    pub outputs: Vec<String>,
    pub map: Option<MapFiles>,
}

/// What the synthesis gives: its table, the sentence of its priority territories, and the notes saying
/// each axis's limits.
pub struct Synthesis {
    pub table: OutTable,
    pub sentence: String,
    pub axes_said: Vec<AxisSaid>,
    pub positions: Vec<Vec<Position>>,
    pub counts: Vec<Count>,
}

impl SynthesisShape {
    /// The positions of `units` of `level` on the axes: the table, the sentence of the priority
    /// territories, the notes saying each axis's limits.
    pub fn synthesize(
        &self,
        indicators: &[Indicator],
        level: Level,
        units: &[Unit],
        values: &Values,
        references: &ReferenceRows,
    ) -> Result<Synthesis> {
        let mut limits = Vec::with_capacity(self.axes.len());
        let mut axes_said = Vec::with_capacity(self.axes.len());
        for (label, filter) in &self.axes {
            let what = format!("axe « {label} »");
            let [at_least, below] = filter.thresholds(indicators, &what, values, references)?;
            let indicator = &indicators[filter.indicator];
            let said = |t: &Threshold| t.said(indicator.decimals());
            axes_said.push(AxisSaid {
                label: label.clone(),
                indicator: indicator.label.clone(),
                at_least: at_least.as_ref().map(said),
                below: below.as_ref().map(said),
            });
            limits.push((
                filter.indicator,
                at_least.map(|t| t.value),
                below.map(|t| t.value),
            ));
        }
        let positions: Vec<Vec<Position>> = (0..units.len())
            .map(|u| {
                limits
                    .iter()
                    .map(|&(i, at_least, below)| position(values.get(u, i), at_least, below))
                    .collect()
            })
            .collect();
        let counts: Vec<Count> = positions.iter().map(|p| Count::of(p)).collect();
        let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let order = order(&counts, &codes);
        let labels: Vec<String> = self.axes.iter().map(|(l, _)| l.clone()).collect();

        // The indicators of the axes, each once, then the position on each axis, the count, the reasons.
        let mut shown: Vec<usize> = Vec::new();
        for &(i, ..) in &limits {
            if !shown.contains(&i) {
                shown.push(i);
            }
        }
        let mut headers = vec![
            ("Code".to_string(), Align::Left),
            (capitalise(level.noun()), Align::Left),
        ];
        headers.extend(
            shown
                .iter()
                .map(|&i| (indicators[i].label.clone(), Align::Right)),
        );
        headers.extend(labels.iter().map(|l| (l.clone(), Align::Left)));
        headers.push(("Axes prioritaires".to_string(), Align::Right));
        headers.push(("Raisons".to_string(), Align::Left));
        let word = |p: &Position| match p {
            Position::Priority => "oui",
            Position::NotPriority => "non",
            Position::Unknown => "inconnu",
        };
        let rows = order
            .iter()
            .map(|&u| {
                let mut row = vec![units[u].code.clone(), units[u].name.clone()];
                row.extend(
                    shown
                        .iter()
                        .map(|&i| indicators[i].table_label(values.get(u, i))),
                );
                row.extend(positions[u].iter().map(|p| word(p).to_string()));
                row.push(counts[u].label());
                row.push(reasons(&labels, &positions[u]));
                row
            })
            .collect();

        let n = self.at_least;
        let chosen: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&u| counts[u].sure >= n)
            .collect();
        let maybe = order
            .iter()
            .filter(|&&u| counts[u].sure < n && counts[u].possible >= n)
            .count();
        let listed: Vec<String> = chosen
            .iter()
            .map(|&u| format!("{} ({})", units[u].name, reasons(&labels, &positions[u])))
            .collect();
        let mut sentence = format!(
            "{} {} sur {} prioritaire(s) sur au moins {n} axe(s) sur {}",
            chosen.len(),
            level.plural(),
            units.len(),
            labels.len()
        );
        if !listed.is_empty() {
            sentence.push_str(&format!(" : {}", listed.join(", ")));
        }
        if maybe > 0 {
            sentence.push_str(&format!(
                " ; {maybe} autre(s) pourrai(en)t l'être (position inconnue sur un axe au moins)"
            ));
        }
        sentence.push('.');
        Ok(Synthesis {
            table: OutTable::from_rows(headers, rows),
            sentence,
            axes_said,
            positions,
            counts,
        })
    }
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

    #[test]
    fn two_axes_a_territory_on_both_one_on_one_one_unknown() {
        use crate::error::Place;
        use crate::indicators::filter::{Bound, Filter};
        use crate::indicators::model::{ColumnRef, Kind, evaluate};
        let column = |c: &str| ColumnRef {
            source: 0,
            column: c.into(),
        };
        let indicators = vec![
            Indicator {
                name: "couverture".into(),
                label: "Couverture".into(),
                kind: Kind::Published(column("TAUX")),
            },
            Indicator::test_stock("LAEP", "LAEP"),
        ];
        let columns = |c: &ColumnRef| match c.column.as_str() {
            "TAUX" => vec![Cell::Value(50.0), Cell::Value(70.0), Cell::Secret],
            _ => vec![Cell::Value(0.0), Cell::Value(0.0), Cell::Value(2.0)],
        };
        let values = evaluate(&indicators, &columns, 3);
        let unit = |code: &str, name: &str| Unit {
            code: code.into(),
            name: name.into(),
            departements: vec!["71".into()],
        };
        let units = vec![unit("1", "Autun"), unit("2", "Mâcon"), unit("3", "Louhans")];
        let filter = |indicator, below| Filter {
            indicator,
            at_least: None,
            below: Some(Bound::Value(below)),
            place: Place {
                file: "q.toml".into(),
                line: 1,
            },
        };
        let shape = SynthesisShape {
            title: "Priorités".into(),
            axes: vec![
                ("Couverture faible".into(), filter(0, 60.0)),
                ("Sans LAEP".into(), filter(1, 1.0)),
            ],
            at_least: 2,
            outputs: vec![],
            map: None,
        };
        let done = shape
            .synthesize(&indicators, Level::Epci, &units, &values, &[])
            .unwrap();
        assert_eq!(
            done.axes_said
                .iter()
                .map(|a| crate::notice::Notice::Axis(a.clone()).to_string())
                .collect::<Vec<_>>(),
            [
                "axe « Couverture faible » : « Couverture » sous 60,0",
                "axe « Sans LAEP » : « LAEP » sous 1"
            ]
        );
        assert!(
            done.sentence
                .starts_with("1 EPCI sur 3 prioritaire(s) sur au moins 2 axe(s) sur 2 : Autun ("),
            "{}",
            done.sentence
        );
        // Louhans has a LAEP and a secret rate: one axis at most, not a priority, not a maybe.
        assert!(!done.sentence.contains("pourrai"), "{}", done.sentence);
        let rows: Vec<&str> = (0..done.table.height())
            .map(|r| done.table.cell(r, 0))
            .collect();
        assert_eq!(rows, ["1", "2", "3"]);
        assert_eq!(done.table.row(2)[4..6], ["inconnu", "non"]);
    }
}

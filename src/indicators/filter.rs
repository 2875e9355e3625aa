//! The filters of a query of indicators (a table's `filtre`, a key figure's threshold, an
//! axis of `[priorites]`): the territories whose value of one indicator lies in
//! [`au_moins` ; `sous`[, each bound a number or the value of the selection or of a
//! reference row, known only once the data are read.

use super::Cell;
use super::key_figures::Threshold;
use super::model::{Indicator, Values};
use crate::error::{Place, Result};
use crate::territory::reference_area::ReferenceRow;

/// The label of the selection's row and reference.
pub const SELECTION: &str = "Ensemble de la sélection";

/// A bound of a filter: a number, the selection's value, or a reference row's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Value(f64),
    Selection,
    Reference(ReferenceRow),
}

impl Bound {
    /// How thresholds and filters name it (none for a number).
    pub fn key(self) -> Option<&'static str> {
        match self {
            Bound::Value(_) => None,
            Bound::Selection => Some("reference:selection"),
            Bound::Reference(r) => Some(r.key()),
        }
    }

    /// The reference row it names, if any.
    pub fn reference(self) -> Option<ReferenceRow> {
        match self {
            Bound::Reference(r) => Some(r),
            _ => None,
        }
    }

    /// What it names for indicator `i`: the selection's value or a reference row's, with
    /// its name (none for a number, or for a row not computed).
    pub fn named_value(
        self,
        i: usize,
        values: &Values,
        rows: &ReferenceRows,
    ) -> Option<(String, Cell)> {
        match self {
            Bound::Value(_) => None,
            Bound::Selection => Some((SELECTION.to_string(), values.total[i])),
            Bound::Reference(row) => rows
                .iter()
                .find(|(r, _)| *r == row)
                .map(|(_, r)| (r.name.clone(), r.cells[i])),
        }
    }
}

/// A reference row of the tables (the département, the région, France): its name, and each
/// indicator's value.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceValues {
    pub name: String,
    pub cells: Vec<Cell>,
}

/// The reference rows computed for a query, each with the row it is.
pub type ReferenceRows = [(ReferenceRow, ReferenceValues)];

/// The territories whose indicator `indicator` is at least `at_least` and below `below`.
#[derive(Debug)]
pub struct Filter {
    pub indicator: usize,
    pub at_least: Option<Bound>,
    pub below: Option<Bound>,
    /// Where the query writes it: a row it names may turn out without a value.
    pub place: Place,
}

impl Filter {
    /// The bounds as thresholds: a number as given, the selection or a reference row by its
    /// value, named; an error of the query at the filter (said `what`) when that row has no value.
    pub fn thresholds(
        &self,
        indicators: &[Indicator],
        what: &str,
        values: &Values,
        references: &ReferenceRows,
    ) -> Result<[Option<Threshold>; 2]> {
        let i = self.indicator;
        let indicator = &indicators[i];
        let threshold = |b: Option<Bound>| -> Result<Option<Threshold>> {
            let Some(b) = b else { return Ok(None) };
            if let Bound::Value(value) = b {
                return Ok(Some(Threshold { value, name: None }));
            }
            let (name, cell) = b
                .named_value(i, values, references)
                .expect("the rows a filter names are computed");
            match cell.value() {
                Some(value) => Ok(Some(Threshold {
                    value,
                    name: Some(name),
                })),
                None => Err(self
                    .place
                    .error(format!(
                        "{what} : la ligne « {name} » est {} pour « {} »",
                        cell.why_not_a_number(indicator.decimals()),
                        indicator.label
                    ))
                    .hint("donnez la borne en nombre")),
            }
        };
        Ok([threshold(self.at_least)?, threshold(self.below)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::model::{ColumnRef, evaluate};

    fn rate() -> (Vec<Indicator>, Values) {
        let indicators = vec![Indicator::test_rate("Taux", "A", "B")];
        let columns = |c: &ColumnRef| match c.column.as_str() {
            "A" => vec![Cell::Value(30.0), Cell::Value(10.0)],
            _ => vec![Cell::Value(100.0), Cell::Value(100.0)],
        };
        let values = evaluate(&indicators, &columns, 2);
        (indicators, values)
    }

    fn filter(at_least: Option<Bound>, below: Option<Bound>) -> Filter {
        Filter {
            indicator: 0,
            at_least,
            below,
            place: Place {
                file: "requete.toml".into(),
                line: 7,
            },
        }
    }

    #[test]
    fn bounds_are_numbers_or_the_value_of_a_named_row() {
        let (indicators, values) = rate();
        let rows = vec![(
            ReferenceRow::Departement,
            ReferenceValues {
                name: "Saône-et-Loire".into(),
                cells: vec![Cell::Value(25.0)],
            },
        )];
        let f = filter(
            Some(Bound::Selection),
            Some(Bound::Reference(ReferenceRow::Departement)),
        );
        let [at_least, below] = f.thresholds(&indicators, "filtre", &values, &rows).unwrap();
        // The selection is a ratio of sums: 40 / 200, not the mean of 30 % and 10 %.
        assert_eq!(
            at_least,
            Some(Threshold {
                value: 20.0,
                name: Some(SELECTION.into())
            })
        );
        assert_eq!(below.unwrap().name.as_deref(), Some("Saône-et-Loire"));
        let [number, none] = filter(Some(Bound::Value(12.5)), None)
            .thresholds(&indicators, "filtre", &values, &rows)
            .unwrap();
        assert_eq!(
            number,
            Some(Threshold {
                value: 12.5,
                name: None
            })
        );
        assert_eq!(none, None);
    }

    #[test]
    fn a_row_without_value_is_an_error_of_the_query_at_the_filter() {
        let (indicators, values) = rate();
        let rows = vec![(
            ReferenceRow::France,
            ReferenceValues {
                name: "France".into(),
                cells: vec![Cell::Secret],
            },
        )];
        let e = filter(Some(Bound::Reference(ReferenceRow::France)), None)
            .thresholds(&indicators, "axe « accueil »", &values, &rows)
            .unwrap_err();
        assert_eq!(e.line, Some(7));
        assert_eq!(e.kind, crate::error::ErrorKind::Query);
        assert!(
            e.message
                .starts_with("axe « accueil » : la ligne « France » est secrète"),
            "{}",
            e.message
        );
    }
}

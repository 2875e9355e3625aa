//! The tables of a query of indicators: the territories' rows, filtered, sorted and cut as
//! the query asks, then the first N together, the selection's total and the reference rows.

use std::cmp::Ordering;

use serde::Deserialize;

use super::evaluated::Evaluated;
use super::filter::{Filter, ReferenceRows, SELECTION};
use super::model::Indicator;
use super::synthesis::{self, Position};
use crate::error::Result;
use crate::export::{Align, OutTable};
use crate::format::capitalise;
use crate::notice::Notice;
use crate::territory::reference_area::ReferenceRow;
use crate::territory::{Level, Territory, Unit};

/// A table of the plan: its indicators (indices into the method's), how its rows are
/// chosen and ordered, and the reference rows under them.
#[derive(Debug)]
pub struct IndicatorTable {
    pub title: String,
    pub indicators: Vec<usize>,
    /// The indicator its rows are sorted by.
    pub sort: Option<usize>,
    pub order: Order,
    /// Only the territories of at least this municipal population (COG of the query).
    pub population_min: Option<f64>,
    pub first: Option<usize>,
    pub last: Option<usize>,
    pub filter: Option<Filter>,
    pub references: Vec<ReferenceRow>,
    /// The files it is written to, as the query names them.
    pub outputs: Vec<String>,
}

/// The order of a sorted table (`ordre`), valued rows first either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Order {
    #[default]
    #[serde(rename = "decroissant")]
    Descending,
    #[serde(rename = "croissant")]
    Ascending,
}

impl IndicatorTable {
    /// Its rows over `units` of `level`: filtered, cut to the population, sorted, cut to the
    /// first or last N; then the first N together, the selection, the reference rows. A
    /// territory left out of the filter for want of a known value is said in `notices`.
    #[allow(clippy::too_many_arguments)]
    pub fn rows(
        &self,
        indicators: &[Indicator],
        territory: &Territory,
        level: Level,
        units: &[Unit],
        evaluated: &Evaluated,
        references: &ReferenceRows,
        notices: &mut Vec<Notice>,
    ) -> Result<OutTable> {
        let values = &evaluated.values;
        let mut order: Vec<usize> = (0..units.len()).collect();
        if let Some(filter) = &self.filter {
            let i = filter.indicator;
            let [at_least, below] = filter
                .thresholds(indicators, "filtre", values, references)?
                .map(|t| t.map(|t| t.value));
            let mut unknown = Vec::new();
            // A value known between bounds is kept or left out when both bounds agree.
            order.retain(
                |&u| match synthesis::position(values.get(u, i), at_least, below) {
                    Position::Priority => true,
                    Position::NotPriority => false,
                    Position::Unknown => {
                        unknown.push(units[u].code.as_str());
                        false
                    }
                },
            );
            if !unknown.is_empty() {
                notices.push(Notice::FilteredOutUnknown {
                    table: self.title.clone(),
                    indicator: indicators[i].label.clone(),
                    codes: unknown.into_iter().map(str::to_string).collect(),
                });
            }
        }
        if let Some(min) = self.population_min {
            let population = territory.populations(level);
            order.retain(|&u| {
                population
                    .get(units[u].code.as_str())
                    .copied()
                    .unwrap_or(0.0)
                    >= min
            });
        }
        if let Some(sort) = self.sort {
            order.sort_by(|&a, &b| {
                let (x, y) = (values.get(a, sort).shown(), values.get(b, sort).shown());
                // Valued rows first, highest first (or lowest), then by code.
                let by_value = match (x, y) {
                    (Some(x), Some(y)) => match self.order {
                        Order::Descending => y.total_cmp(&x),
                        Order::Ascending => x.total_cmp(&y),
                    },
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                by_value.then_with(|| units[a].code.cmp(&units[b].code))
            });
        }
        if let Some(n) = self.first {
            order.truncate(n);
        }
        if let Some(n) = self.last {
            order.drain(..order.len().saturating_sub(n));
        }
        let mut headers = vec![
            ("Code".to_string(), Align::Left),
            (capitalise(level.noun()), Align::Left),
        ];
        headers.extend(
            self.indicators
                .iter()
                .map(|&i| (indicators[i].label.clone(), Align::Right)),
        );
        let row = |code: String, name: String, cell: &dyn Fn(usize) -> String| {
            let mut row = vec![code, name];
            row.extend(self.indicators.iter().map(|&i| cell(i)));
            row
        };
        let mut rows: Vec<Vec<String>> = order
            .iter()
            .map(|&u| {
                row(units[u].code.clone(), units[u].name.clone(), &|i| {
                    evaluated.table_label(indicators, i, u)
                })
            })
            .collect();
        // The first N together, as the schémas state them (« 55 % des enfants vivent dans trois EPCI »).
        if self.first.is_some() && order.len() > 1 {
            let together = values.of_subset(indicators, &order);
            rows.push(row(
                String::new(),
                format!("Ensemble des {} premiers", order.len()),
                &|i| indicators[i].table_label(together[i]),
            ));
        }
        // Published values have no total: a table of them alone has no selection row.
        if self
            .indicators
            .iter()
            .any(|&i| indicators[i].kind.has_total())
        {
            rows.push(row(String::new(), SELECTION.to_string(), &|i| {
                indicators[i].table_label(values.total[i])
            }));
        }
        for (row_of, reference) in references {
            if self.references.contains(row_of) {
                rows.push(row(String::new(), reference.name.clone(), &|i| {
                    indicators[i].table_label(reference.cells[i])
                }));
            }
        }
        Ok(OutTable::from_rows(headers, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;
    use crate::indicators::Cell::{self, Secret, Value};
    use crate::indicators::filter::{Bound, ReferenceValues};
    use crate::indicators::model::{ColumnRef, evaluate};

    /// Four départements with children (a stock) and a rate per 100 children; the Nièvre's
    /// count is secret.
    fn evaluated(units: &[Unit]) -> (Vec<Indicator>, Evaluated) {
        let indicators = vec![
            Indicator::test_stock("Enfants", "ENF"),
            Indicator::test_rate("Taux", "PLACES", "ENF"),
        ];
        let by_code = |code: &str| match code {
            "21" => (Value(400.0), Value(200.0)),
            "58" => (Secret, Value(10.0)),
            "71" => (Value(1000.0), Value(300.0)),
            _ => (Value(100.0), Value(60.0)),
        };
        let columns = |c: &ColumnRef| -> Vec<Cell> {
            units
                .iter()
                .map(|u| {
                    let (children, places) = by_code(&u.code);
                    if c.column == "ENF" { children } else { places }
                })
                .collect()
        };
        let values = evaluate(&indicators, &columns, units.len());
        let n = units.len();
        (
            indicators,
            Evaluated {
                values,
                found: vec![vec![true; n]],
                partial: vec![vec![None; n]],
            },
        )
    }

    #[test]
    fn rows_filtered_sorted_cut_then_the_first_together_the_selection_and_a_reference() {
        let territory = Territory::cog_2026();
        let deps: Vec<String> = ["21", "58", "71", "89"].map(String::from).into();
        let units = territory.units(Level::Departement, &deps);
        let (indicators, evaluated) = evaluated(&units);
        let table = IndicatorTable {
            title: "Couverture".into(),
            indicators: vec![0, 1],
            sort: Some(1),
            order: Order::Descending,
            population_min: None,
            first: Some(2),
            last: None,
            filter: Some(Filter {
                indicator: 1,
                at_least: Some(Bound::Value(40.0)),
                below: None,
                place: Place {
                    file: "requete.toml".into(),
                    line: 3,
                },
            }),
            references: vec![ReferenceRow::France],
            outputs: vec![],
        };
        let references = vec![(
            ReferenceRow::France,
            ReferenceValues {
                name: "France".into(),
                cells: vec![Value(9000.0), Value(45.0)],
            },
        )];
        let mut notices = Vec::new();
        let out = table
            .rows(
                &indicators,
                &territory,
                Level::Departement,
                &units,
                &evaluated,
                &references,
                &mut notices,
            )
            .unwrap();
        let rows: Vec<Vec<&str>> = (0..out.height())
            .map(|r| out.row(r)[..4].to_vec())
            .collect();
        // The Nièvre's rate is unknown (its count is secret): out of the filter, and said so.
        // The Saône-et-Loire (30 places per 100) is below 40. Yonne (60) before Côte-d'Or (50).
        assert_eq!(rows[0][0], "89");
        assert_eq!(rows[1][0], "21");
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert_eq!(rows[2][1], "Ensemble des 2 premiers");
        // Together the counts are summed; a rate would need its columns, and is left blank.
        assert_eq!(rows[2][2..], ["500", ""]);
        assert_eq!(rows[3][1], SELECTION);
        assert_eq!(rows[3][2], "secret");
        assert_eq!(rows[4][1..], ["France", "9000", "45,0"]);
        assert_eq!(notices.len(), 1);
        assert!(
            notices[0].to_string().contains("hors du filtre : 58"),
            "{}",
            notices[0]
        );
    }
}

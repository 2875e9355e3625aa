//! The priority list of a score: rank, territory, each indicator's value (and its rank or
//! flag), the subtotals of flags, the total or score, and the class of priority or typology.

use std::collections::HashMap;

use polars::prelude::*;
use serde::Deserialize;

use super::Cell;
use super::cell::cells;
use super::frame::codes as frame_codes;
use super::{flags, rank_sum, weighted_score};
use crate::error::Result;
use crate::export::{Align, OutTable};
use crate::format;
use crate::ingest::secret_column;
use crate::territory::{Level, Unit};

/// How a score is made; in a query file `methode = "somme_des_rangs"`, `"score_pondere"` or
/// `"drapeaux"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ScoreMethod {
    /// Puy-de-Dôme: ranks summed, lowest total first.
    #[serde(rename = "somme_des_rangs")]
    RankSum,
    /// Hérault: weighted sum of normalised indicators, highest first.
    #[serde(rename = "score_pondere")]
    Weighted,
    /// Isère: flags raised by comparisons, summed; need × supply typology.
    #[serde(rename = "drapeaux")]
    Flags,
}

impl ScoreMethod {
    /// The column of the total the method writes.
    pub fn total_column(self) -> &'static str {
        match self {
            ScoreMethod::RankSum => rank_sum::TOTAL,
            ScoreMethod::Weighted => weighted_score::SCORE,
            ScoreMethod::Flags => flags::TOTAL,
        }
    }
}

/// What the list of a score shows, as the plan has it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreShape {
    pub method: ScoreMethod,
    /// Each indicator's label, and its column in the frames.
    pub labels: Vec<String>,
    pub names: Vec<String>,
    /// How a weighted score is made (its normalisation and weights), said in every output it reaches.
    pub weighted: Option<String>,
    /// The subtotals of a flag sum (need, supply).
    pub groups: Vec<flags::FlagGroup>,
    /// Whether a flag sum names its typology classes.
    pub typology: bool,
}

/// The priority list: rank, territory, each indicator's value (and rank for a
/// rank sum), the total or score, and the priority class.
pub fn score_table(
    shape: &ScoreShape,
    level: Level,
    units: &[Unit],
    inputs: &DataFrame,
    result: &DataFrame,
) -> Result<OutTable> {
    let by_code: HashMap<&str, &Unit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let codes = frame_codes(result)?;
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut headers = vec![
        ("Rang".to_string(), Align::Right),
        ("Code".to_string(), Align::Left),
        (format::capitalise(level.noun()), Align::Left),
    ];
    // Per indicator, the value and what the method made of it, as text in result order.
    let input_row: HashMap<&str, usize> = inputs
        .column("code")?
        .str()?
        .iter()
        .enumerate()
        .map(|(i, c)| (c.unwrap_or(""), i))
        .collect();
    let in_result_order = |column: Vec<Cell>| -> Vec<Cell> {
        codes
            .iter()
            .map(|c| input_row.get(c).map_or(Cell::Missing, |&i| column[i]))
            .collect()
    };
    let number = |c: Cell| match c {
        Cell::Value(v) => format::compact(v),
        other => other.table_label(1),
    };
    let mut columns: Vec<Vec<String>> = Vec::new();
    for (label, name) in shape.labels.iter().zip(&shape.names) {
        headers.push((label.clone(), Align::Right));
        columns.push(
            in_result_order(cells(inputs, name)?)
                .into_iter()
                .map(number)
                .collect(),
        );
        match shape.method {
            ScoreMethod::RankSum => {
                headers.push((format!("Rang : {label}"), Align::Right));
                columns.push(
                    cells(result, &format!("rang_{name}"))?
                        .into_iter()
                        .map(number)
                        .collect(),
                );
            }
            ScoreMethod::Flags => {
                headers.push((format!("Drapeau : {label}"), Align::Left));
                let raised = result.column(name)?.bool()?;
                let secret = result.column(&secret_column(name))?.bool()?;
                let uncertain = result.column(&flags::uncertain_column(name))?.bool()?;
                columns.push(
                    (0..result.height())
                        .map(|i| match (secret.get(i), uncertain.get(i), raised.get(i)) {
                            (Some(true), ..) => "secret".to_string(),
                            (_, Some(true), _) => "incertain".to_string(),
                            (.., Some(true)) => "oui".to_string(),
                            (.., Some(false)) => "non".to_string(),
                            (.., None) => String::new(),
                        })
                        .collect(),
                );
            }
            ScoreMethod::Weighted => {}
        }
    }
    // A flag sum's subtotals, before its total.
    if shape.method == ScoreMethod::Flags {
        for group in &shape.groups {
            headers.push((group.column.clone(), Align::Right));
            columns.push(
                cells(result, &group.column)?
                    .into_iter()
                    .map(number)
                    .collect(),
            );
        }
    }
    // The weighted score says how it is made, in every output it reaches.
    let total_header = match shape.method {
        ScoreMethod::RankSum => "Total des rangs".to_string(),
        ScoreMethod::Weighted => {
            format!("Score ({})", shape.weighted.as_deref().unwrap_or_default())
        }
        ScoreMethod::Flags => "Nombre de drapeaux".to_string(),
    };
    headers.push((total_header, Align::Right));
    let totals = cells(result, shape.method.total_column())?;
    let class_column = match shape.method {
        ScoreMethod::RankSum | ScoreMethod::Weighted => Some(("Priorité", rank_sum::PRIORITY)),
        ScoreMethod::Flags if shape.typology => Some(("Typologie", flags::TYPOLOGY)),
        _ => None,
    };
    let classes: Option<Vec<Option<String>>> = match class_column {
        Some((header, column)) => {
            headers.push((header.to_string(), Align::Left));
            Some(
                result
                    .column(column)?
                    .str()?
                    .iter()
                    .map(|p| p.map(String::from))
                    .collect(),
            )
        }
        None => None,
    };
    let mut rank = 0;
    // Each column's cells move into the rows, in row order.
    let mut columns: Vec<std::vec::IntoIter<String>> =
        columns.into_iter().map(Vec::into_iter).collect();
    let rows = codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let mut row = Vec::with_capacity(headers.len());
            row.push(match totals[i] {
                Cell::Value(_) | Cell::Bounded { .. } => {
                    rank += 1;
                    rank.to_string()
                }
                _ => String::new(),
            });
            row.push(code.to_string());
            row.push(by_code.get(code).map_or(String::new(), |u| u.name.clone()));
            row.extend(columns.iter_mut().map(|c| c.next().unwrap_or_default()));
            row.push(match totals[i] {
                Cell::Value(v) if shape.method == ScoreMethod::Weighted => format::decimal(v, 3),
                Cell::Value(v) => format::compact(v),
                Cell::Bounded { .. } => totals[i].table_label(1),
                Cell::Secret => "secret".to_string(),
                Cell::Partial => "partiel".to_string(),
                Cell::Missing => "non classé".to_string(),
            });
            if let Some(c) = &classes {
                row.push(c[i].clone().unwrap_or_default());
            }
            row
        })
        .collect();
    Ok(OutTable { headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::frame::test_frame;
    use crate::indicators::rank_sum::{
        Direction, Priorities, RankSum, RankedIndicator, Ties, rank_sum,
    };

    #[test]
    fn a_rank_sum_lists_values_ranks_total_and_priority_the_unranked_last() {
        let values = |v: &[f64]| v.iter().map(|&x| Cell::Value(x)).collect::<Vec<_>>();
        let mut a = values(&[10.0, 8.0, 2.0]);
        a.push(Cell::Secret);
        let df = test_frame(&["A", "B", "C", "D"], &[("a", a)]);
        let params = RankSum {
            indicators: vec![RankedIndicator {
                column: "a".to_string(),
                direction: Direction::HigherIsWorse,
            }],
            ties: Ties::Average,
            priorities: Priorities::CutPoints(vec![2.0]),
        };
        let (result, _) = rank_sum(&df, &params).unwrap();
        let unit = |code: &str| Unit {
            code: code.to_string(),
            name: format!("Territoire {code}"),
            departements: vec!["63".to_string()],
        };
        let units: Vec<Unit> = ["A", "B", "C", "D"].into_iter().map(unit).collect();
        let shape = ScoreShape {
            method: ScoreMethod::RankSum,
            labels: vec!["Indicateur a".to_string()],
            names: vec!["a".to_string()],
            weighted: None,
            groups: Vec::new(),
            typology: false,
        };
        let table = score_table(&shape, Level::Epci, &units, &df, &result).unwrap();
        let headers: Vec<&str> = table.headers.iter().map(|h| h.0.as_str()).collect();
        assert_eq!(
            headers,
            [
                "Rang",
                "Code",
                "EPCI",
                "Indicateur a",
                "Rang : Indicateur a",
                "Total des rangs",
                "Priorité"
            ]
        );
        assert_eq!(
            table.rows[0][..6],
            ["1", "A", "Territoire A", "10", "1", "1"]
        );
        // The secret value is listed last, unranked, never given a rank of its own.
        assert_eq!(table.rows[3][..4], ["", "D", "Territoire D", "secret"]);
        assert_eq!(table.rows[3][5], "secret");
    }
}

//! The priority list of a score: rank, territory, each indicator's value (and its rank or
//! flag), the subtotals of flags, the total or score, and the class of priority or typology.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use polars::prelude::*;
use serde::Deserialize;

use super::Cell;
use super::cell::cells;
use super::frame::code_column;
use super::{flags, rank_sum, weighted_score};
use crate::error::Result;
use crate::export::{Align, OutTable, TextColumn};
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
    let by_code: HashMap<&str, &Unit, FixedState> =
        units.iter().map(|u| (u.code.as_str(), u)).collect();
    let codes: Vec<&str> = code_column(result)?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    let mut headers = vec![
        ("Rang".to_string(), Align::Right),
        ("Code".to_string(), Align::Left),
        (format::capitalise(level.noun()), Align::Left),
    ];
    // Per indicator, the value and what the method made of it, as text in result order.
    let input_row: HashMap<&str, usize, FixedState> = inputs
        .column("code")?
        .str()?
        .iter()
        .enumerate()
        .map(|(i, c)| (c.unwrap_or(""), i))
        .collect();
    // Each row of the result's input row, found once for every indicator.
    let input_of: Vec<Option<usize>> = codes.iter().map(|c| input_row.get(c).copied()).collect();
    let in_result_order = |column: Vec<Cell>| -> Vec<Cell> {
        (input_of.iter())
            .map(|i| i.map_or(Cell::Missing, |i| column[i]))
            .collect()
    };
    let number = |out: &mut String, c: Cell| match c {
        Cell::Value(v) => format::push_compact(out, v),
        other => other.push_table_label(out, 1),
    };
    let height = codes.len();
    let numbers = |cells: &[Cell]| {
        let mut column = TextColumn::with_capacity(height);
        for &c in cells {
            column.write(|out| number(out, c));
        }
        column
    };
    let totals = cells(result, shape.method.total_column())?;
    let mut ranks = TextColumn::with_capacity(height);
    let mut rank = 0;
    for total in &totals {
        ranks.write(|out| {
            if matches!(total, Cell::Value(_) | Cell::Bounded { .. }) {
                rank += 1;
                format::push_decimal(out, f64::from(rank), 0);
            }
        });
    }
    let mut names = TextColumn::with_capacity(height);
    for code in &codes {
        names.push(by_code.get(code).map_or("", |u| u.name.as_str()));
    }
    let mut columns = vec![ranks, TextColumn::from_iter(codes.iter().copied()), names];
    for (label, name) in shape.labels.iter().zip(&shape.names) {
        headers.push((label.clone(), Align::Right));
        columns.push(numbers(&in_result_order(cells(inputs, name)?)));
        match shape.method {
            ScoreMethod::RankSum => {
                headers.push((format!("Rang : {label}"), Align::Right));
                columns.push(numbers(&cells(result, &format!("rang_{name}"))?));
            }
            ScoreMethod::Flags => {
                headers.push((format!("Drapeau : {label}"), Align::Left));
                let raised = result.column(name)?.bool()?;
                let secret = result.column(&secret_column(name))?.bool()?;
                let uncertain = result.column(&flags::uncertain_column(name))?.bool()?;
                columns.push(TextColumn::from_iter((0..height).map(|i| {
                    match (secret.get(i), uncertain.get(i), raised.get(i)) {
                        (Some(true), ..) => "secret",
                        (_, Some(true), _) => "incertain",
                        (.., Some(true)) => "oui",
                        (.., Some(false)) => "non",
                        (.., None) => "",
                    }
                })));
            }
            ScoreMethod::Weighted => {}
        }
    }
    // A flag sum's subtotals, before its total.
    if shape.method == ScoreMethod::Flags {
        for group in &shape.groups {
            headers.push((group.column.clone(), Align::Right));
            columns.push(numbers(&cells(result, &group.column)?));
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
    let mut total_column = TextColumn::with_capacity(height);
    for &total in &totals {
        total_column.write(|out| match total {
            Cell::Value(v) if shape.method == ScoreMethod::Weighted => {
                format::push_decimal(out, v, 3)
            }
            Cell::Value(v) => format::push_compact(out, v),
            Cell::Bounded { .. } => total.push_table_label(out, 1),
            Cell::Secret => out.push_str("secret"),
            Cell::Partial => out.push_str("partiel"),
            Cell::Missing => out.push_str("non classé"),
        });
    }
    columns.push(total_column);
    let class_column = match shape.method {
        ScoreMethod::RankSum | ScoreMethod::Weighted => Some(("Priorité", rank_sum::PRIORITY)),
        ScoreMethod::Flags if shape.typology => Some(("Typologie", flags::TYPOLOGY)),
        _ => None,
    };
    if let Some((header, column)) = class_column {
        headers.push((header.to_string(), Align::Left));
        columns.push(TextColumn::from_iter(
            result
                .column(column)?
                .str()?
                .iter()
                .map(Option::unwrap_or_default),
        ));
    }
    Ok(OutTable::from_columns(headers, columns))
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
            table.row(0)[..6],
            ["1", "A", "Territoire A", "10", "1", "1"]
        );
        // The secret value is listed last, unranked, never given a rank of its own.
        assert_eq!(table.row(3)[..4], ["", "D", "Territoire D", "secret"]);
        assert_eq!(table.row(3)[5], "secret");
    }
}

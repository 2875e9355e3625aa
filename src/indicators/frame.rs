//! Reading and writing the indicator frames shared by the methods: a `code`
//! column, numeric columns with their `__secret` companions, rows in score order.

use polars::prelude::*;

use super::Cell;
use crate::error::{Error, Result};
use crate::ingest::secret_column;
use crate::notice::Notice;

/// The territory codes of `df`; an empty frame is an error.
pub(crate) fn codes(df: &DataFrame) -> Result<Vec<String>> {
    Ok(code_column(df)?
        .iter()
        .map(|c| c.unwrap_or_default().to_string())
        .collect())
}

/// The `code` column of `df`; an absent column or an empty frame is an error.
pub(crate) fn code_column(df: &DataFrame) -> Result<&StringChunked> {
    let column = df.column("code").map_err(|_| {
        Error::new("colonne « code » absente du tableau des indicateurs")
            .column("code")
            .hint("le tableau doit avoir une ligne par territoire et une colonne « code »")
    })?;
    if df.height() == 0 {
        return Err(Error::new("aucun territoire à classer")
            .hint("vérifiez le niveau et les départements de la requête"));
    }
    Ok(column.str()?)
}

/// The cells of an indicator column; an unknown column is an error naming it. A
/// NaN (a ratio on an empty population) counts as missing.
pub(crate) fn indicator(df: &DataFrame, name: &str) -> Result<Vec<Cell>> {
    match df.column(name).map(|c| c.dtype().clone()) {
        Ok(DataType::Float64) => {}
        Ok(other) => {
            return Err(
                Error::new(format!("indicateur non numérique (type {other})"))
                    .column(name)
                    .hint("choisissez une colonne de nombres"),
            );
        }
        Err(_) => {
            return Err(
                Error::new(format!("indicateur inconnu : pas de colonne « {name} »"))
                    .column(name)
                    .hint("vérifiez le nom de l'indicateur dans la requête"),
            );
        }
    }
    Ok(super::cell::cells(df, name)?
        .into_iter()
        .map(|c| match c {
            Cell::Value(v) if v.is_nan() => Cell::Missing,
            c => c,
        })
        .collect())
}

/// The codes, the cells of each indicator column, and per territory why it
/// cannot be scored (see [`unknown`]): what every scoring method starts from.
pub(crate) type Inputs = (Vec<String>, Vec<Vec<Cell>>, Vec<Option<Cell>>);

/// With `bounded`, values known between bounds are scored as such (the rank sum); otherwise
/// they are secret, as without the rule of the secret (a method that scores numbers only).
pub(crate) fn inputs<'a>(
    df: &DataFrame,
    columns: impl Iterator<Item = &'a str>,
    bounded: bool,
) -> Result<Inputs> {
    let codes = codes(df)?;
    let values: Vec<Vec<Cell>> = columns
        .map(|c| {
            let cells = indicator(df, c)?.into_iter();
            Ok(match bounded {
                true => cells.collect(),
                false => cells.map(Cell::strict).collect(),
            })
        })
        .collect::<Result<_>>()?;
    let states = (0..codes.len()).map(|i| unknown(&values, i)).collect();
    Ok((codes, values, states))
}

/// Why territory `i` cannot be scored: `Secret` if one of its values is secret,
/// else `Missing` if one is missing, else `None`.
pub(crate) fn unknown(values: &[Vec<Cell>], i: usize) -> Option<Cell> {
    let cells = || values.iter().map(|v| v[i]);
    if cells().any(|c| c == Cell::Secret) {
        Some(Cell::Secret)
    } else if cells().any(|c| c == Cell::Missing) {
        Some(Cell::Missing)
    } else {
        None
    }
}

/// The notice naming the territories left out for a secret or missing value.
pub(crate) fn unranked_notice(codes: &[String], states: &[Option<Cell>]) -> Vec<Notice> {
    let list = |state: Cell| -> Vec<String> {
        codes
            .iter()
            .zip(states)
            .filter(|(_, s)| **s == Some(state))
            .map(|(c, _)| c.clone())
            .collect()
    };
    [Cell::Secret, Cell::Missing]
        .into_iter()
        .map(|cell| (cell, list(cell)))
        .filter(|(_, codes)| !codes.is_empty())
        .map(|(cell, codes)| Notice::Unranked { cell, codes })
        .collect()
}

/// Row order: known scores by `cmp` (those known between bounds by their middle) then code,
/// then the unknown ones by code.
pub(crate) fn order(
    codes: &[String],
    scores: &[Cell],
    cmp: impl Fn(f64, f64) -> std::cmp::Ordering,
) -> Vec<usize> {
    let mut idx: Vec<(Option<f64>, usize)> = scores.iter().map(|s| s.shown()).zip(0..).collect();
    sort_known_first(&mut idx, |&(_, i)| codes[i].as_str(), cmp);
    idx.into_iter().map(|(_, i)| i).collect()
}

/// Sorts `items`, each a value and what it is of: the known values by `cmp` then the unknown
/// ones, ties by `code`. Items that come in code order (a selection's territories do) are
/// sorted stably by value alone: ties stay in code order, and no code is compared (35 000
/// communes, many tied at zero).
pub(crate) fn sort_known_first<'c, T>(
    items: &mut [(Option<f64>, T)],
    code: impl Fn(&(Option<f64>, T)) -> &'c str,
    cmp: impl Fn(f64, f64) -> std::cmp::Ordering,
) {
    let by_value = |a: &(Option<f64>, T), b: &(Option<f64>, T)| match (a.0, b.0) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    };
    if items.windows(2).all(|w| code(&w[0]) < code(&w[1])) {
        items.sort_by(by_value);
    } else {
        items.sort_by(|a, b| by_value(a, b).then_with(|| code(a).cmp(code(b))));
    }
}

pub(crate) fn pick<T: Clone>(items: &[T], order: &[usize]) -> Vec<T> {
    order.iter().map(|&i| items[i].clone()).collect()
}

pub(crate) fn pick_codes(codes: &[String], order: &[usize]) -> Column {
    Column::new("code".into(), pick(codes, order))
}

/// Appends a value column, its `__secret` companion and, when a cell is bounded, its bounds
/// (see [`super::cell::bound_columns`]).
pub(crate) fn push_cells(df: &mut DataFrame, name: &str, cells: &[Cell]) -> Result<()> {
    let values: Vec<Option<f64>> = cells.iter().map(|c| c.value()).collect();
    let secret: Vec<bool> = cells.iter().map(|c| *c == Cell::Secret).collect();
    df.with_column(Column::new(name.into(), values))?;
    df.with_column(Column::new(secret_column(name).into(), secret))?;
    if cells.iter().any(|c| matches!(c, Cell::Bounded { .. })) {
        let bounded = |end: fn((f64, f64)) -> f64| -> Vec<Option<f64>> {
            cells
                .iter()
                .map(|c| match c {
                    Cell::Bounded { .. } => c.bounds().map(end),
                    _ => None,
                })
                .collect()
        };
        let [low, high] = super::cell::bound_columns(name);
        df.with_column(Column::new(low.into(), bounded(|b| b.0)))?;
        df.with_column(Column::new(high.into(), bounded(|b| b.1)))?;
    }
    Ok(())
}

/// A string column of a result frame, for tests.
#[cfg(test)]
pub(crate) fn test_strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(String::from))
        .collect()
}

/// A test frame: `code` and numeric columns given as cells.
#[cfg(test)]
pub(crate) fn test_frame(codes: &[&str], columns: &[(&str, Vec<Cell>)]) -> DataFrame {
    let mut df = DataFrame::new(
        codes.len(),
        vec![Column::new("code".into(), codes.to_vec())],
    )
    .unwrap();
    for (name, cells) in columns {
        push_cells(&mut df, name, cells).unwrap();
    }
    df
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_first_ties_by_code_whether_or_not_the_items_come_in_code_order() {
        let sorted = |items: &[(Option<f64>, &'static str)]| {
            let mut items = items.to_vec();
            sort_known_first(&mut items, |(_, code)| code, |x, y| x.total_cmp(&y));
            items
        };
        let expected = [
            (Some(1.0), "c"),
            (Some(1.0), "d"),
            (Some(2.0), "b"),
            (None, "0"),
            (None, "a"),
        ];
        let shuffled = [
            (Some(2.0), "b"),
            (None, "a"),
            (Some(1.0), "d"),
            (Some(1.0), "c"),
            (None, "0"),
        ];
        assert_eq!(sorted(&shuffled), expected);
        let mut in_code_order = shuffled;
        in_code_order.sort_by_key(|(_, code)| *code);
        assert_eq!(sorted(&in_code_order), expected);
    }
}

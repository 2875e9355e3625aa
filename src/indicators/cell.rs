//! The state of one indicator value: a number, a *secret statistique* or missing.

use polars::prelude::*;

use crate::error::Result;
use crate::format;
use crate::ingest::secret_column;

/// A value as published or computed. A secret is neither zero nor missing: it
/// propagates through sums and ratios and is shown as such.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Value(f64),
    Secret,
    Missing,
}

impl Cell {
    pub fn value(self) -> Option<f64> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }

    /// French text for lists and tooltips: `64,2`, `secret`, or empty.
    pub fn label(self, decimals: usize) -> String {
        match self {
            Cell::Value(v) => format::decimal(v, decimals),
            Cell::Secret => "secret".to_string(),
            Cell::Missing => String::new(),
        }
    }
}

/// The cells of a numeric column and its `__secret` companion (absent companion:
/// nothing is secret).
pub fn cells(df: &DataFrame, name: &str) -> Result<Vec<Cell>> {
    let values = df.column(name)?.f64()?;
    let secret_name = secret_column(name);
    let secrets = match df.column(&secret_name) {
        Ok(c) => Some(c.bool()?.clone()),
        Err(_) => None,
    };
    Ok((0..df.height())
        .map(|i| {
            if secrets.as_ref().and_then(|s| s.get(i)).unwrap_or(false) {
                Cell::Secret
            } else {
                values.get(i).map_or(Cell::Missing, Cell::Value)
            }
        })
        .collect())
}

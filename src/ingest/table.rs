//! Turns rows of text cells into typed polars columns, whatever the file format: the CSV and xlsx readers find
//! the header and feed rows; this checks every cell against the spec.

use std::collections::HashMap;
use std::path::Path;

use ::csv::StringRecord;
use foldhash::fast::FixedState;
use polars::prelude::*;

use super::text::{normalize_code, parse_number};
use super::{secret_column, ColumnKind, ColumnSpec, TableSpec, LINE_COLUMN};
use crate::error::{Error, Result};

/// Trims a header cell and drops a stray BOM (left by a file concatenated from a BOM-prefixed export).
pub(crate) fn header_name(cell: &str) -> &str {
    cell.trim().trim_start_matches('\u{feff}').trim()
}

enum Values {
    Strings(StringChunkedBuilder),
    Numbers {
        values: Vec<Option<f64>>,
        secret: Vec<bool>,
    },
}

struct ColumnBuilder<'a> {
    spec: &'a ColumnSpec,
    /// Position of the column in the file's rows.
    field: usize,
    values: Values,
}

pub(crate) struct Builder<'a> {
    source: &'a Path,
    secret_markers: Vec<&'a str>,
    columns: Vec<ColumnBuilder<'a>>,
    lines: Vec<u32>,
    /// Indices in `columns` of the unique key, and the first line of each key seen.
    key: Vec<usize>,
    seen: HashMap<String, u32, FixedState>,
}

impl<'a> Builder<'a> {
    /// Matches the spec against the header row; errors on a missing required column or a duplicated one.
    pub(crate) fn new(
        source: &'a Path,
        spec: &'a TableSpec,
        header: &StringRecord,
    ) -> Result<Self> {
        let names: Vec<&str> = header.iter().map(header_name).collect();
        let mut columns = Vec::with_capacity(spec.columns.len());
        for column in &spec.columns {
            let mut found = names
                .iter()
                .enumerate()
                .filter(|(_, n)| **n == column.name)
                .map(|(i, _)| i);
            let Some(field) = found.next() else {
                if column.required {
                    return Err(Error::new(format!("colonne absente ; colonnes trouvées : {}", names.join(", ")))
                        .file(source)
                        .column(&column.name)
                        .hint("vérifiez le nom de la colonne dans l'en-tête (majuscules comprises) et le séparateur"));
                }
                continue;
            };
            if found.next().is_some() {
                return Err(Error::new("colonne en double dans l'en-tête")
                    .file(source)
                    .column(&column.name)
                    .hint("renommez ou supprimez l'une des deux colonnes"));
            }
            let values = match column.kind {
                ColumnKind::Number => Values::Numbers {
                    values: Vec::new(),
                    secret: Vec::new(),
                },
                ColumnKind::Code(_) | ColumnKind::Text => {
                    Values::Strings(StringChunkedBuilder::new(column.name.as_str().into(), 0))
                }
            };
            columns.push(ColumnBuilder {
                spec: column,
                field,
                values,
            });
        }
        let mut key = Vec::with_capacity(spec.unique.len());
        for name in &spec.unique {
            match columns.iter().position(|c| &c.spec.name == name) {
                Some(i) => key.push(i),
                None if spec.columns.iter().any(|c| &c.name == name) => {} // optional column absent from this file
                None => {
                    return Err(Error::new(format!(
                        "clé d'unicité « {name} » hors de la spécification de table"
                    ))
                    .file(source))
                }
            }
        }
        Ok(Builder {
            source,
            secret_markers: spec.secret_markers.iter().map(|m| m.trim()).collect(),
            columns,
            lines: Vec::new(),
            key,
            seen: HashMap::default(),
        })
    }

    /// Adds one data row found at `line` of the file. The caller has checked it is as wide as the header.
    pub(crate) fn push(&mut self, line: u32, row: &StringRecord) -> Result<()> {
        let source = self.source;
        let error = |message: String, column: &ColumnSpec| {
            Error::new(message)
                .file(source)
                .line(line as usize)
                .column(&column.name)
        };
        for column in &mut self.columns {
            let cell = row.get(column.field).unwrap_or("").trim();
            match (&mut column.values, column.spec.kind) {
                (Values::Numbers { values, secret }, _) => {
                    let is_secret = self.secret_markers.contains(&cell);
                    let value = if is_secret || cell.is_empty() {
                        None
                    } else {
                        Some(parse_number(cell).ok_or_else(|| {
                            error(format!("valeur non numérique « {cell} »"), column.spec)
                                .hint("corrigez la cellule ou déclarez-la secrète")
                        })?)
                    };
                    values.push(value);
                    secret.push(is_secret);
                }
                (Values::Strings(builder), ColumnKind::Code(kind)) => {
                    if cell.is_empty() {
                        if column.spec.required {
                            return Err(error("code vide".into(), column.spec)
                                .hint("renseignez le code ou supprimez la ligne"));
                        }
                        builder.append_null();
                    } else {
                        let code = normalize_code(kind, cell).map_err(|expected| {
                            error(format!("code mal formé : {expected}"), column.spec)
                                .code(cell)
                                .hint("corrigez le code dans le fichier")
                        })?;
                        builder.append_value(code);
                    }
                }
                (Values::Strings(builder), _) => {
                    builder.append_option((!cell.is_empty()).then_some(cell));
                }
            }
        }
        self.lines.push(line);
        if !self.key.is_empty() {
            self.check_unique(line, row)?;
        }
        Ok(())
    }

    fn check_unique(&mut self, line: u32, row: &StringRecord) -> Result<()> {
        // The key is rebuilt from the normalised cells so that `1001` and `01001` collide.
        let mut key = String::new();
        for &i in &self.key {
            let column = &self.columns[i];
            let cell = row.get(column.field).unwrap_or("").trim();
            match column.spec.kind {
                ColumnKind::Code(kind) if !cell.is_empty() => {
                    key.push_str(&normalize_code(kind, cell).expect("checked by push"))
                }
                _ => key.push_str(cell),
            }
            key.push('\u{1f}');
        }
        if let Some(&first) = self.seen.get(&key) {
            let names: Vec<&str> = self
                .key
                .iter()
                .map(|&i| self.columns[i].spec.name.as_str())
                .collect();
            let values = key.trim_end_matches('\u{1f}').replace('\u{1f}', ", ");
            return Err(Error::new(format!(
                "clé ({}) = ({values}) en double : lignes {first} et {line}",
                names.join(", ")
            ))
            .file(self.source)
            .line(line as usize)
            .hint("supprimez ou fusionnez l'une des deux lignes"));
        }
        self.seen.insert(key, line);
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<DataFrame> {
        let height = self.lines.len();
        if height == 0 {
            return Err(Error::new("aucune ligne de données")
                .file(self.source)
                .hint("vérifiez que le fichier contient des lignes sous l'en-tête"));
        }
        let mut columns = Vec::with_capacity(self.columns.len() * 2 + 1);
        for column in self.columns {
            let name = column.spec.name.as_str();
            match column.values {
                Values::Strings(builder) => columns.push(builder.finish().into_column()),
                Values::Numbers { values, secret } => {
                    columns.push(Column::new(name.into(), values));
                    columns.push(Column::new(secret_column(name).into(), secret));
                }
            }
        }
        columns.push(Column::new(LINE_COLUMN.into(), self.lines));
        DataFrame::new(height, columns).map_err(|e| {
            Error::new(format!("erreur interne en construisant la table : {e}")).file(self.source)
        })
    }
}

//! Turns rows of text cells into typed polars columns, whatever the file format: the CSV and xlsx readers find
//! the header and feed rows; this checks every cell against the spec.

use std::borrow::Cow;
use std::path::Path;

use ::csv::StringRecord;
use polars::prelude::*;
use polars_arrow::bitmap::{Bitmap, MutableBitmap};

use super::cnaf::{Field, Published};
use super::text::{DotUse, dot_use, normalize_code, parse_number, plain_integer, trim};
use super::unique::KeySet;
use super::{
    ColumnKind, ColumnSpec, LINE_COLUMN, Quantity, RestoredZeros, Table, TableSpec, secret_column,
};
use crate::error::{Error, Result};

/// Trims a header cell and drops a stray BOM (left by a file concatenated from a BOM-prefixed export).
pub(crate) fn header_name(cell: &str) -> &str {
    cell.trim().trim_start_matches('\u{feff}').trim()
}

/// The text cells of one row, as a reader holds them.
pub(crate) trait Cells {
    fn cell(&self, field: usize) -> Option<&str>;
}

impl Cells for StringRecord {
    fn cell(&self, field: usize) -> Option<&str> {
        self.get(field)
    }
}

impl Cells for [&str] {
    fn cell(&self, field: usize) -> Option<&str> {
        self.get(field).copied()
    }
}

enum Values {
    Strings(StringChunkedBuilder),
    Numbers {
        quantity: Quantity,
        /// One per row, 0 where the cell gives no value; the rows without one, and the secret ones, by index:
        /// a column with neither becomes a polars column without a copy.
        values: Vec<f64>,
        missing: Vec<usize>,
        secret: Vec<usize>,
        dots: Dots,
    },
}

/// What the cells of one Number column say of the dot, to read its `5.519` cells.
#[derive(Default)]
struct Dots {
    /// First line where the dot is decimal, first where it separates thousands.
    decimal: Option<u32>,
    grouping: Option<u32>,
    /// Ambiguous cells: row, line, the cell, and its value read with a thousands dot.
    ambiguous: Vec<(usize, u32, String, f64)>,
}

struct ColumnBuilder<'a> {
    spec: &'a ColumnSpec,
    /// Position of the column in the file's rows.
    field: usize,
    /// Its name in the file, for the messages.
    name: String,
    /// The word of every row, for a column of the long layout a published file has none for.
    constant: Option<&'static str>,
    /// Its place in the unique key, if it is part of it.
    key_slot: Option<usize>,
    values: Values,
    /// Codes written without their leading zero, read with it.
    restored: Option<RestoredZeros>,
}

impl Dots {
    /// Notes what number cell `cell`, read as `v`, at `row` and `line`, says of the dot.
    fn note(&mut self, cell: &str, v: f64, line: u32, row: usize) {
        match dot_use(cell) {
            DotUse::None => {}
            DotUse::Decimal => {
                self.decimal.get_or_insert(line);
            }
            DotUse::Grouping => {
                self.grouping.get_or_insert(line);
            }
            DotUse::Ambiguous => {
                let grouped = parse_number(&cell.replace('.', " ")).unwrap_or(v);
                self.ambiguous.push((row, line, cell.to_string(), grouped));
            }
        }
    }

    /// Adds what the next block of the column says, its rows after the `rows` of this one.
    fn append(&mut self, next: Dots, rows: usize) {
        self.decimal = self.decimal.or(next.decimal);
        self.grouping = self.grouping.or(next.grouping);
        self.ambiguous.extend(
            next.ambiguous
                .into_iter()
                .map(|(row, line, cell, grouped)| (row + rows, line, cell, grouped)),
        );
    }

    /// Reads the ambiguous cells of the column as the rest of it writes its dots: decimal, or between thousands.
    /// A column that never says, or says both, leaves them ambiguous: an error at the first one.
    /// Some(column) when its cells read with a decimal dot are to be read with a thousands one.
    fn resolve(self, values: &Column) -> Result<Option<Column>> {
        let Some((_, line, cell, grouped)) = self.ambiguous.first() else {
            return Ok(None);
        };
        match (self.decimal, self.grouping) {
            (Some(_), None) => Ok(None),
            (None, Some(_)) => {
                let mut read: Vec<Option<f64>> =
                    values.f64().expect("a Number column").iter().collect();
                for (row, _, _, grouped) in &self.ambiguous {
                    read[*row] = Some(*grouped);
                }
                Ok(Some(Column::new(values.name().clone(), read)))
            }
            (decimal, grouping) => {
                let why = match (decimal, grouping) {
                    (Some(d), Some(g)) => format!(
                        "la colonne met le point tantôt entre les milliers (ligne {g}), tantôt avant les décimales (ligne {d})"
                    ),
                    _ => "rien dans la colonne ne dit si le point sépare les milliers ou les décimales".to_string(),
                };
                let decimal = cell.replace('.', ",");
                Err(Error::new(format!(
                    "nombre ambigu « {cell} » : {decimal} ou {} ? {why}",
                    crate::format::decimal(*grouped, 0)
                ))
                .line(*line as usize)
                .hint(format!(
                    "écrivez la virgule décimale (« {decimal} ») ou le nombre sans séparateur (« {} »)",
                    grouped
                )))
            }
        }
    }
}

/// Why `v` cannot be a value of `quantity`, if it cannot.
fn implausible(quantity: Quantity, v: f64) -> Option<&'static str> {
    match quantity {
        Quantity::Count if v < 0.0 => Some("un effectif n'est jamais négatif"),
        Quantity::Rate if v < 0.0 => Some("un taux n'est jamais négatif"),
        Quantity::Year if v.fract() != 0.0 || !(1900.0..=2100.0).contains(&v) => {
            Some("une année est un nombre entier de 1900 à 2100")
        }
        _ => None,
    }
}

pub(crate) struct Builder<'a> {
    source: &'a Path,
    /// A published Cnaf file's technical row: the field of its code, the code, and the level
    /// word its constant columns take instead.
    technical: Option<(usize, &'static str, &'static str)>,
    secret_markers: Vec<&'a str>,
    /// Some marker starts with a digit, as a count does.
    digit_markers: bool,
    columns: Vec<ColumnBuilder<'a>>,
    lines: Vec<u32>,
    /// Indices in `columns` of the unique key; this row's cells of it, normalised; the keys seen.
    key: Vec<usize>,
    key_cells: Vec<String>,
    key_buffer: String,
    seen: KeySet,
}

impl<'a> Builder<'a> {
    /// Matches the spec against the header row; errors on a missing required column or a duplicated one.
    /// `rows`: about how many rows will come, to size the columns once.
    pub(crate) fn new(
        source: &'a Path,
        spec: &'a TableSpec,
        header: &StringRecord,
        rows: usize,
    ) -> Result<Self> {
        let names: Vec<&str> = header.iter().map(header_name).collect();
        let published = Published::recognise(&names);
        let mut columns = Vec::with_capacity(spec.columns.len());
        for column in &spec.columns {
            // A column is read under its own name; a file published by the Cnaf also gives
            // the columns of the long layout under their published names.
            let (name, constant) = match (names.contains(&column.name.as_str()), published) {
                (false, Some(p)) => match p.field(&column.name, &names) {
                    Some(Field::Column(c)) => (c, None),
                    Some(Field::Constant(word)) => (column.name.clone(), Some(word)),
                    None => (column.name.clone(), None),
                },
                _ => (column.name.clone(), None),
            };
            let mut found = names
                .iter()
                .enumerate()
                .filter(|(_, n)| **n == name)
                .map(|(i, _)| i);
            let field = match (found.next(), constant) {
                (Some(field), _) => field,
                (None, Some(_)) => usize::MAX,
                (None, None) if column.required => {
                    let what = match published {
                        Some(p) => format!("{} : colonne non publiée", p.describe()),
                        None => "colonne absente".to_string(),
                    };
                    return Err(Error::new(format!("{what} ; colonnes trouvées : {}", names.join(", ")))
                        .file(source)
                        .column(&column.name)
                        .hint("vérifiez le nom de la colonne dans l'en-tête (majuscules comprises) et le séparateur"));
                }
                (None, None) => continue,
            };
            if found.next().is_some() {
                return Err(Error::new("colonne en double dans l'en-tête")
                    .file(source)
                    .column(&name)
                    .hint("renommez ou supprimez l'une des deux colonnes"));
            }
            let values = match column.kind {
                ColumnKind::Number(quantity) => Values::Numbers {
                    quantity,
                    values: Vec::with_capacity(rows),
                    missing: Vec::new(),
                    secret: Vec::new(),
                    dots: Dots::default(),
                },
                ColumnKind::Code(_) | ColumnKind::Text => {
                    Values::Strings(StringChunkedBuilder::new(column.name.as_str().into(), rows))
                }
            };
            columns.push(ColumnBuilder {
                spec: column,
                field,
                name,
                constant,
                key_slot: None,
                values,
                restored: None,
            });
        }
        let technical =
            published
                .and_then(|p| p.technical_row())
                .and_then(|(column, code, word)| {
                    names
                        .iter()
                        .position(|n| *n == column)
                        .map(|field| (field, code, word))
                });
        let mut key = Vec::with_capacity(spec.unique.len());
        for name in &spec.unique {
            match columns.iter().position(|c| &c.spec.name == name) {
                Some(i) => {
                    columns[i].key_slot = Some(key.len());
                    key.push(i);
                }
                None if spec.columns.iter().any(|c| &c.name == name) => {} // optional column absent from this file
                None => {
                    return Err(Error::new(format!(
                        "clé d'unicité « {name} » hors de la spécification de table"
                    ))
                    .file(source));
                }
            }
        }
        Ok(Builder {
            source,
            technical,
            secret_markers: spec.secret_markers.iter().map(|m| m.trim()).collect(),
            digit_markers: (spec.secret_markers.iter())
                .any(|m| m.trim().as_bytes().first().is_some_and(u8::is_ascii_digit)),
            columns,
            lines: Vec::with_capacity(rows),
            key_cells: vec![String::new(); key.len()],
            key_buffer: String::new(),
            seen: KeySet::with_capacity(if key.is_empty() { 0 } else { rows }),
            key,
        })
    }

    /// Adds one data row found at `line` of the file. The caller has checked it is as wide as the header.
    pub(crate) fn push<C: Cells + ?Sized>(&mut self, line: u32, row: &C) -> Result<()> {
        let source = self.source;
        let error = |message: String, column: &str| {
            Error::new(message)
                .file(source)
                .line(line as usize)
                .column(column)
        };
        let technical = self
            .technical
            .filter(|(field, code, _)| row.cell(*field).map(str::trim) == Some(code))
            .map(|t| t.2);
        for column in &mut self.columns {
            let cell = match column.constant {
                Some(word) => technical.unwrap_or(word),
                None => trim(row.cell(column.field).unwrap_or("")),
            };
            // The cell as the unique key holds it: a code normalised, so that `1001` and `01001` collide.
            let keyed: Cow<str> = match (&mut column.values, column.spec.kind) {
                (
                    Values::Numbers {
                        quantity,
                        values,
                        missing,
                        secret,
                        dots,
                    },
                    _,
                ) => {
                    // Most cells are counts: one starting with a digit is compared with the
                    // markers only when one of them starts so too (`secret = ["100"]`).
                    let digit = cell.as_bytes().first().is_some_and(u8::is_ascii_digit);
                    let is_secret =
                        (!digit || self.digit_markers) && self.secret_markers.contains(&cell);
                    let value = if is_secret || cell.is_empty() {
                        None
                    } else {
                        // Most cells are counts, plain digits: no dot to weigh.
                        let v = match plain_integer(cell) {
                            Some(v) => v,
                            None => {
                                let v = parse_number(cell).ok_or_else(|| {
                                    error(format!("valeur non numérique « {cell} »"), &column.name)
                                        .hint("corrigez la cellule ou déclarez-la secrète")
                                })?;
                                dots.note(cell, v, line, values.len());
                                v
                            }
                        };
                        implausible(*quantity, v).map_or(Ok(()), |why| {
                            Err(error(format!("valeur impossible « {cell} » : {why}"), &column.name)
                                .hint("corrigez la cellule (une valeur inconnue se laisse vide, une valeur secrète se déclare secrète)"))
                        })?;
                        Some(v)
                    };
                    if value.is_none() {
                        missing.push(values.len());
                    }
                    if is_secret {
                        secret.push(values.len());
                    }
                    values.push(value.unwrap_or(0.0));
                    Cow::Borrowed(cell)
                }
                (Values::Strings(builder), ColumnKind::Code(kind)) => {
                    if cell.is_empty() {
                        if column.spec.required {
                            return Err(error("code vide".into(), &column.name)
                                .hint("renseignez le code ou supprimez la ligne"));
                        }
                        builder.append_null();
                        Cow::Borrowed(cell)
                    } else {
                        let code = normalize_code(kind, cell).map_err(|expected| {
                            error(format!("code mal formé : {expected}"), &column.name)
                                .code(cell)
                                .hint("corrigez le code dans le fichier")
                        })?;
                        if code.starts_with('0') && !cell.starts_with('0') {
                            let restored = column.restored.get_or_insert_with(|| RestoredZeros {
                                column: column.name.clone(),
                                count: 0,
                                first: (line, cell.to_string(), code.to_string()),
                            });
                            restored.count += 1;
                        }
                        builder.append_value(&*code);
                        code
                    }
                }
                (Values::Strings(builder), _) => {
                    builder.append_option((!cell.is_empty()).then_some(cell));
                    Cow::Borrowed(cell)
                }
            };
            if let Some(slot) = column.key_slot {
                self.key_cells[slot].clear();
                self.key_cells[slot].push_str(&keyed);
            }
        }
        self.lines.push(line);
        if !self.key.is_empty() {
            self.check_unique(line)?;
        }
        Ok(())
    }

    fn check_unique(&mut self, line: u32) -> Result<()> {
        let key = &mut self.key_buffer;
        key.clear();
        for (i, cell) in self.key_cells.iter().enumerate() {
            if i > 0 {
                key.push('\u{1f}');
            }
            key.push_str(cell);
        }
        if let Some(first) = self.seen.first_line(key, line) {
            let names: Vec<&str> = self
                .key
                .iter()
                .map(|&i| self.columns[i].spec.name.as_str())
                .collect();
            let values = key.replace('\u{1f}', ", ");
            return Err(Error::new(format!(
                "clé ({}) = ({values}) en double : lignes {first} et {line}",
                names.join(", ")
            ))
            .file(self.source)
            .line(line as usize)
            .hint("supprimez ou fusionnez l'une des deux lignes"));
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> Result<Table> {
        Block::concat(vec![self.into_block()?])
    }

    /// The rows pushed, as a frame; what its numbers say of the dot is still to weigh with the blocks around.
    pub(crate) fn into_block(self) -> Result<Block<'a>> {
        let height = self.lines.len();
        let mut columns = Vec::with_capacity(self.columns.len() * 2 + 1);
        let (mut numbers, mut restored) = (Vec::new(), Vec::new());
        for column in self.columns {
            let name = column.spec.name.as_str();
            match column.values {
                Values::Strings(builder) => {
                    restored.push(column.restored);
                    columns.push(builder.finish().into_column());
                }
                Values::Numbers {
                    values,
                    missing,
                    secret,
                    dots,
                    ..
                } => {
                    numbers.push((columns.len(), column.name, dots));
                    let validity = (!missing.is_empty()).then(|| rows_set(height, &missing, false));
                    let values = Float64Chunked::from_vec_validity(name.into(), values, validity);
                    columns.push(values.into_column());
                    let secret = rows_set(height, &secret, true);
                    columns.push(
                        BooleanChunked::from_bitmap(secret_column(name).into(), secret)
                            .into_column(),
                    );
                }
            }
        }
        columns.push(Column::new(LINE_COLUMN.into(), self.lines));
        Ok(Block {
            source: self.source,
            df: DataFrame::new(height, columns).map_err(|e| internal(self.source, e))?,
            numbers,
            restored,
            seen: self.seen,
        })
    }
}

/// A mask of `height` rows, `value` at `rows` and the opposite elsewhere.
fn rows_set(height: usize, rows: &[usize], value: bool) -> Bitmap {
    let mut mask = match value {
        true => MutableBitmap::from_len_zeroed(height),
        false => MutableBitmap::from_len_set(height),
    };
    for &row in rows {
        mask.set(row, value);
    }
    mask.into()
}

/// Consecutive rows of a file read by one [`Builder`]: files are read in blocks of lines on the machine's cores.
pub(crate) struct Block<'a> {
    source: &'a Path,
    df: DataFrame,
    /// Per Number column: its place in `df`, its name in the file, what its cells say of the dot.
    numbers: Vec<(usize, String, Dots)>,
    /// Per Code or Text column, the codes that got their leading zero back.
    restored: Vec<Option<RestoredZeros>>,
    seen: KeySet,
}

impl Block<'_> {
    /// Whether no key of a block was seen in the blocks before it: read apart, they could not tell.
    pub(crate) fn keys_disjoint(blocks: &mut [Block]) -> bool {
        let Some((first, rest)) = blocks.split_first_mut() else {
            return true;
        };
        rest.iter().all(|block| first.seen.absorb(&block.seen))
    }

    /// The table of blocks of one file, of one spec, in the order of their lines: the table one builder reading
    /// them all would give. The caller has checked their keys with [`Block::keys_disjoint`].
    pub(crate) fn concat(blocks: Vec<Block>) -> Result<Table> {
        let mut blocks = blocks.into_iter();
        let first = blocks.next().expect("a file has a block");
        let Block {
            source,
            mut df,
            mut numbers,
            mut restored,
            ..
        } = first;
        for block in blocks {
            let rows = df.height();
            df.vstack_mut_owned(block.df)
                .map_err(|e| internal(source, e))?;
            for ((_, _, dots), (_, _, more)) in numbers.iter_mut().zip(block.numbers) {
                dots.append(more, rows);
            }
            // The first code restored is the first block's that has one; the count is all of theirs.
            for (zeros, more) in restored.iter_mut().zip(block.restored) {
                match (zeros.as_mut(), more) {
                    (Some(zeros), Some(more)) => zeros.count += more.count,
                    (None, more) => *zeros = more,
                    (Some(_), None) => {}
                }
            }
        }
        if df.height() == 0 {
            return Err(Error::new("aucune ligne de données")
                .file(source)
                .hint("vérifiez que le fichier contient des lignes sous l'en-tête"));
        }
        df.rechunk_mut();
        for (place, name, dots) in numbers {
            let values = df.select_at_idx(place).expect("a column of the block");
            if let Some(values) = dots
                .resolve(values)
                .map_err(|e| e.file(source).column(&name))?
            {
                df.replace_column(place, values)
                    .map_err(|e| internal(source, e))?;
            }
        }
        Ok(Table {
            source: source.to_path_buf(),
            df,
            restored: restored.into_iter().flatten().collect(),
            formats_unread: false,
        })
    }
}

fn internal(source: &Path, e: PolarsError) -> Error {
    Error::new(format!("erreur interne en construisant la table : {e}")).file(source)
}

//! CSV as analysts get it: any of `;`, `,` or tab, CRLF or LF, UTF-8 (BOM or not) or Windows-1252.
//!
//! Parsed with the `csv` crate rather than polars' reader, which reads UTF-8 only and would not give us the line
//! of each row for error messages. A body without a quote, as most files are, is cut by a plain loop over its
//! bytes into the same rows ([`Rows::push_unquoted`]): the crate's state machine weighs every byte for quotes.

use std::path::Path;

use ::csv::{ReaderBuilder, StringRecord};

use super::cnaf::OldCommuneFile;
use super::table::{Block, Builder, header_name};
use super::text::{decode, trim};
use super::{Table, TableSpec};
use crate::cores::Held;
use crate::error::{Error, Result};

pub(crate) fn read(path: &Path, spec: &TableSpec) -> Result<Table> {
    read_on(path, spec, crate::cores::hold_more)
}

/// [`read`], its blocks on the cores `cores(wanted)` holds besides this thread's.
fn read_on(path: &Path, spec: &TableSpec, cores: fn(usize) -> Held) -> Result<Table> {
    let bytes = match super::builtin::bytes(path) {
        Some(text) => text,
        None => std::fs::read(path).map_err(|e| Error::io(path, e))?,
    };
    let decoded = decode(bytes).map_err(|m| {
        Error::new(format!(
            "encodages mélangés : le fichier est en UTF-8, sauf l'octet 0x{:02X} (Windows-1252 ?)",
            m.byte
        ))
        .file(path)
        .line(m.line)
        .hint("enregistrez le fichier entier dans un seul encodage (UTF-8 de préférence) : une partie a été collée depuis un autre fichier")
    })?;
    let (comments, text) = skip_comments(&decoded);
    let separator = detect_separator(text);
    let mut reader = csv_reader(separator, text);
    let mut header = StringRecord::new();
    if !reader
        .read_record(&mut header)
        .map_err(|e| csv_error(path, e))?
    {
        return Err(Error::new("aucune ligne de données : le fichier est vide").file(path));
    }
    let start = reader.position().byte() as usize;
    let (body, line) = (
        &text[start..],
        1 + comments + count_newlines(&text.as_bytes()[..start]),
    );
    let rows = Rows {
        path,
        separator,
        width: header.len(),
        quotes: memchr::memchr(b'"', body.as_bytes()).is_some(),
    };
    // The Cnaf's older commune file gives several rows of the long layout per line.
    let names: Vec<&str> = header.iter().map(header_name).collect();
    let mut old = OldCommuneFile::recognise(path, &names)?;
    if old.is_none()
        && let Some(blocks) = rows.in_blocks(spec, &header, body, line, cores)
    {
        return Block::concat(blocks);
    }
    let mut builder = match old {
        Some(_) => Builder::new(
            path,
            spec,
            &OldCommuneFile::header(),
            estimate_rows(text) * 2,
        )?,
        None => Builder::new(path, spec, &header, estimate_rows(text))?,
    };
    match old.as_mut() {
        None if !rows.quotes => rows.push_unquoted(body, line, &mut builder)?,
        // On with the header's reader: a new one would drop a byte order mark starting the first row.
        old => rows.push(reader, (text.as_bytes(), start), line, &mut builder, old)?,
    }
    builder.finish()
}

/// Below this many bytes a block is read with the rest: a thread costs more than it saves.
const BLOCK: usize = 64 * 1024;

/// How the data rows of a file are read.
struct Rows<'a> {
    path: &'a Path,
    separator: u8,
    /// The number of fields of the header.
    width: usize,
    /// Whether the rows hold a quote: without, a cell never holds a line break.
    quotes: bool,
}

fn csv_reader(separator: u8, text: &str) -> ::csv::Reader<&[u8]> {
    ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// With flexible rows over decoded text, the csv crate fails only on I/O, which a byte slice does not have.
fn csv_error(path: &Path, e: ::csv::Error) -> Error {
    Error::new(format!("CSV illisible : {e}")).file(path)
}

impl<'a> Rows<'a> {
    /// The body read in blocks of lines on the cores free, each by its own builder. None when the body is small,
    /// has a quote (a quoted cell may hold a line break: its lines are not rows), or when a block fails or repeats
    /// a key of another: reading it in one pass then gives the error of the first line at fault.
    fn in_blocks(
        &self,
        spec: &'a TableSpec,
        header: &StringRecord,
        body: &str,
        line: usize,
        cores: fn(usize) -> Held,
    ) -> Option<Vec<Block<'a>>> {
        // This thread reads one block, on the cores no other thread holds the others.
        let wanted = (body.len() / BLOCK).saturating_sub(1);
        if wanted == 0 || self.quotes {
            return None;
        }
        let cores = cores(wanted);
        if cores.more() == 0 {
            return None;
        }
        let blocks = split(body, line, 1 + cores.more());
        let read = |(block, line): (&str, usize)| {
            let mut builder = Builder::new(self.path, spec, header, estimate_rows(block)).ok()?;
            self.push_unquoted(block, line, &mut builder).ok()?;
            builder.into_block().ok()
        };
        let mut builders = std::thread::scope(|scope| {
            let (&first, rest) = blocks.split_first()?;
            let rest: Vec<_> = rest.iter().map(|&b| scope.spawn(move || read(b))).collect();
            std::iter::once(read(first))
                .chain(rest.into_iter().map(|thread| {
                    thread
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                }))
                .collect::<Option<Vec<_>>>()
        })?;
        Block::keys_disjoint(&mut builders).then_some(builders)
    }

    /// Reads into `builder` the data rows `reader` gives of `bytes` (its input) from byte `counted_to`, the start of
    /// line `line` of the file.
    fn push(
        &self,
        mut reader: ::csv::Reader<&[u8]>,
        (bytes, mut counted_to): (&[u8], usize),
        mut line: usize,
        builder: &mut Builder,
        mut old: Option<&mut OldCommuneFile>,
    ) -> Result<()> {
        let mut row = StringRecord::new();
        // The csv crate's line count is off by one after CRLF, and its byte offset may point at the end of the
        // previous line: count newlines up to the record's first character ourselves.
        let path = self.path;
        while reader
            .read_record(&mut row)
            .map_err(|e| csv_error(path, e))?
        {
            let mut start = row.position().map_or(counted_to, |p| p.byte() as usize);
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            line += count_newlines(&bytes[counted_to..start]);
            counted_to = start;
            // A quote opened and never closed swallows the lines after it into one cell: a cell
            // over several lines holding the separator is rows, not a note written on two lines.
            let separator = char::from(self.separator);
            if self.quotes
                && let Some(field) = row
                    .iter()
                    .position(|f| f.contains('\n') && f.contains(separator))
            {
                return Err(Error::new(format!(
                    "guillemet non fermé : la cellule {} de cette ligne court sur {} lignes",
                    field + 1,
                    count_newlines(row[field].as_bytes()) + 1
                ))
                .file(path)
                .line(line)
                .hint("fermez le guillemet « \" » de cette cellule, ou doublez-le (« \"\" ») s'il fait partie du texte"));
            }
            if !self.is_row(row.len(), row.iter(), line)? {
                continue;
            }
            match &mut old {
                Some(old) => {
                    for row in old.rows(&row, line as u32).map_err(|e| e.file(path))? {
                        builder.push(line as u32, &row)?;
                    }
                }
                None => builder.push(line as u32, &row)?,
            }
        }
        Ok(())
    }

    /// Reads into `builder` the data rows of `body`, which holds no quote and whose first line is line `line` of
    /// the file. Without quotes a row is the text between two line breaks and its cells the text between two
    /// separators: the rows the csv crate gives (a `\r`, a `\n` or both end a row; an empty line is none), found
    /// by a plain loop over the bytes rather than through its state machine, which weighs every byte for quotes.
    fn push_unquoted(&self, body: &str, mut line: usize, builder: &mut Builder) -> Result<()> {
        let (bytes, separator) = (body.as_bytes(), self.separator);
        let mut cells: Vec<&str> = Vec::with_capacity(self.width);
        let mut from = 0;
        // A plain loop: cells are a few bytes long, shorter than `memchr` needs to gain.
        for end in 0..=bytes.len() {
            let after = bytes.get(end);
            if !matches!(after, Some(b'\n' | b'\r') | None) && after != Some(&separator) {
                continue;
            }
            cells.push(&body[from..end]);
            from = end + 1;
            if after == Some(&separator) {
                continue;
            }
            // An empty line is one empty cell: no row, as a line of bare separators.
            if self.is_row(cells.len(), cells.iter().copied(), line)? {
                builder.push(line as u32, &cells[..])?;
            }
            cells.clear();
            line += usize::from(after == Some(&b'\n'));
        }
        Ok(())
    }

    /// Whether the `count` cells of line `line` are a row: lines of bare separators, as spreadsheets leave below
    /// the data, are not. An error when they are fewer than the header's, or more with text past them.
    fn is_row<'c>(
        &self,
        count: usize,
        cells: impl Iterator<Item = &'c str> + Clone,
        line: usize,
    ) -> Result<bool> {
        let blank = |cell: &str| trim(cell).is_empty();
        if cells.clone().all(blank) {
            return Ok(false);
        }
        if count < self.width || cells.skip(self.width).any(|cell| !blank(cell)) {
            return Err(Error::new(format!(
                "{count} champs au lieu des {} de l'en-tête",
                self.width
            ))
            .file(self.path)
            .line(line)
            .hint("vérifiez les séparateurs et les guillemets de cette ligne (ligne tronquée ?)"));
        }
        Ok(true)
    }
}

/// `body`, whose first line is line `line` of the file, cut in `count` blocks of whole lines (fewer if it has
/// fewer lines): each ends at the first line break past its share of the bytes. Each with its first line.
fn split(body: &str, mut line: usize, count: usize) -> Vec<(&str, usize)> {
    let bytes = body.as_bytes();
    let mut blocks = Vec::with_capacity(count);
    let mut from = 0;
    for share in 1..=count {
        let at = (bytes.len() * share / count).max(from);
        let to = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        if to > from {
            blocks.push((&body[from..to], line));
            line += count_newlines(&bytes[from..to]);
            from = to;
        }
    }
    blocks
}

/// Lines starting with `#` above the header are comments (provenance, "données fictives"):
/// their number, and the text after them.
fn skip_comments(text: &str) -> (usize, &str) {
    let mut rest = text;
    let mut lines = 0;
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, r)| r);
        lines += 1;
    }
    (lines, rest)
}

/// About how many lines `text` has, from the length of its first ones: the columns are sized once rather than
/// grown row after row (a little more than needed costs nothing: the memory is not touched).
fn estimate_rows(text: &str) -> usize {
    const SAMPLE: usize = 64;
    let (lines, sampled) = text
        .split_inclusive('\n')
        .take(SAMPLE)
        .fold((0, 0), |(n, bytes), line| (n + 1, bytes + line.len()));
    match sampled {
        0 => 0,
        _ => text.len() * lines / sampled * 11 / 10 + 16,
    }
}

/// One `memchr` per line break: most slices counted are one line, with its break at the end.
fn count_newlines(mut bytes: &[u8]) -> usize {
    let mut count = 0;
    while let Some(at) = memchr::memchr(b'\n', bytes) {
        count += 1;
        bytes = &bytes[at + 1..];
    }
    count
}

/// The separator is the most frequent of `;`, `,` and tab outside quotes in the header line (`;` on a tie, as
/// French files mostly use it).
fn detect_separator(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b';', b',', b'\t'];
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == byte) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..3).rev().max_by_key(|&i| counts[i]).unwrap_or(0);
    CANDIDATES[best]
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::DataFrame;

    use crate::ingest::{
        CodeKind, ColumnKind, ColumnSpec, LINE_COLUMN, Quantity, read_table, secret_column,
    };

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ingest")
            .join(name)
    }

    /// The spec of the small fixtures: a commune code, a name, a rate with `""`/`s` as secret.
    fn spec() -> TableSpec {
        TableSpec {
            columns: vec![
                ColumnSpec::required("code", ColumnKind::Code(CodeKind::Commune)),
                ColumnSpec::optional("nom", ColumnKind::Text),
                // The fixtures hold a negative value: any number.
                ColumnSpec::required("taux", ColumnKind::Number(Quantity::Value)),
            ],
            secret_markers: vec!["".into(), "s".into()],
            unique: vec!["code".into()],
            sheet: None,
        }
    }

    use crate::indicators::frame::test_strings as strings;

    fn numbers(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name).unwrap().f64().unwrap().iter().collect()
    }
    fn flags(df: &DataFrame, name: &str) -> Vec<bool> {
        df.column(name)
            .unwrap()
            .bool()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }
    fn lines(df: &DataFrame) -> Vec<u32> {
        df.column(LINE_COLUMN)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .map(Option::unwrap)
            .collect()
    }

    fn read_err(name: &str, spec: &TableSpec) -> Error {
        read_err_at(&fixture(name), spec)
    }

    fn read_err_at(path: &Path, spec: &TableSpec) -> Error {
        read_table(path, spec).expect_err("an error")
    }

    #[test]
    fn same_table_from_every_encoding_and_separator() {
        // Same content: UTF-8 with BOM and `;` CRLF, Windows-1252 with `,` and quoted decimal commas, tab LF.
        for name in ["bom-semicolon-crlf.csv", "cp1252-comma.csv", "tab-lf.txt"] {
            let df = read_table(&fixture(name), &spec()).unwrap().df;
            assert_eq!(
                strings(&df, "code"),
                [
                    Some("01001".into()),
                    Some("2A004".into()),
                    Some("97101".into())
                ],
                "{name}"
            );
            assert_eq!(
                strings(&df, "nom")[0].as_deref(),
                Some("L'Abergement-Clémenciat"),
                "{name}"
            );
            assert_eq!(
                numbers(&df, "taux"),
                [Some(60.9), Some(1848.5), Some(-0.1)],
                "{name}"
            );
            assert_eq!(lines(&df), [2, 3, 4], "{name}");
        }
    }

    #[test]
    fn lines_count_quoted_line_breaks() {
        let df = read_table(&fixture("quoted-multiline.csv"), &spec())
            .unwrap()
            .df;
        assert_eq!(strings(&df, "nom")[0].as_deref(), Some("deux\r\nlignes"));
        assert_eq!(lines(&df), [2, 4]);
    }

    #[test]
    fn comment_lines_above_the_header_keep_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fictif.csv");
        std::fs::write(
            &path,
            "# DONNÉES FICTIVES\r\n# second commentaire\r\ncode;taux\r\n1001;2,5\r\nABC;3\r\n",
        )
        .unwrap();
        let spec = TableSpec {
            columns: vec![ColumnSpec::required(
                "taux",
                ColumnKind::Number(Quantity::Rate),
            )],
            ..TableSpec::default()
        };
        let df = read_table(&path, &spec).unwrap().df;
        assert_eq!(lines(&df), [4, 5]);
        let spec = TableSpec {
            columns: vec![ColumnSpec::required(
                "code",
                ColumnKind::Code(CodeKind::Commune),
            )],
            ..TableSpec::default()
        };
        assert_eq!(read_table(&path, &spec).unwrap_err().line, Some(5));
    }

    #[test]
    fn french_numbers() {
        let spec = TableSpec {
            columns: vec![ColumnSpec::required(
                "v",
                ColumnKind::Number(Quantity::Value),
            )],
            ..TableSpec::default()
        };
        let df = read_table(&fixture("numbers.csv"), &spec).unwrap().df;
        assert_eq!(
            numbers(&df, "v"),
            [
                Some(60.9),
                Some(1848.0),
                Some(1848.0),
                Some(12345.0),
                Some(1234.5),
                Some(-3.5),
                Some(60.9),
                None
            ]
        );
    }

    /// A national-size file: commune codes (101 without their leading zero), a name, a number with
    /// secret cells, `5.519` read as 5519 because line `grouping` writes `12.345.678`.
    fn national(rows: usize, grouping: usize) -> String {
        let mut text = String::from("# DONNÉES FICTIVES\ncode;nom;taux\n");
        for row in 0..rows {
            let code = 1000 + row;
            let code = match row {
                0..99 | 3007 | 6007 => code.to_string(),
                _ => format!("{code:05}"),
            };
            let value = match row {
                _ if row == grouping => "12.345.678".to_string(),
                _ if row % 7 == 3 => "s".to_string(),
                _ if row % 1000 == 5 => "5.519".to_string(),
                _ => format!("{},{}", row % 97, row % 10),
            };
            text.push_str(&format!("{code};Commune n° {row};{value}\n"));
            if row % 2500 == 0 {
                text.push('\n');
            }
        }
        text
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Reads `path` in as many blocks as it has `BLOCK`s, whatever the cores of the machine and the
    /// other tests hold.
    fn in_blocks(path: &Path, spec: &TableSpec) -> Result<Table> {
        read_on(path, spec, all_cores)
    }

    fn all_cores(wanted: usize) -> Held {
        static CORES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        crate::cores::hold_of(&CORES, usize::MAX, wanted, false)
    }

    #[test]
    fn a_file_read_in_blocks_is_the_file_read_in_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec();
        spec.secret_markers = vec!["s".into()];
        let lf = national(12_000, 11_000);
        for (name, text) in [("lf", lf.clone()), ("crlf", lf.replace('\n', "\r\n"))] {
            assert!(text.len() > 4 * BLOCK, "large enough for 4 blocks at least");
            // Read in blocks indeed, not in one pass after a failed block.
            let rows = Rows {
                path: Path::new("blocs.csv"),
                separator: b';',
                width: 3,
                quotes: false,
            };
            let header = StringRecord::from(vec!["code", "nom", "taux"]);
            let body = &text[text.find("taux").unwrap() + 5..];
            let read = rows.in_blocks(&spec, &header, body, 3, all_cores);
            assert_eq!(read.map(|b| b.len()), Some(body.len() / BLOCK), "{name}");
            let blocks = in_blocks(&write(&dir, "blocs.csv", &text), &spec).unwrap();
            // A quote in the body: the same rows, read in one pass.
            let quoted = text.replacen("Commune n° 11999", "\"Commune n° 11999\"", 1);
            let one = read_table(&write(&dir, "un.csv", &quoted), &spec).unwrap();
            assert!(blocks.df.equals_missing(&one.df), "{name}");
            assert_eq!(blocks.restored, one.restored, "{name}");
            assert_eq!(blocks.restored[0].count, 101, "{name}");
            assert_eq!(blocks.restored[0].first.0, 3, "{name}");
            // Row 11 999 below a comment, the header and 5 blank lines.
            assert_eq!(lines(&blocks.df)[11_999], 12_007, "{name}");
            let taux = numbers(&blocks.df, "taux");
            assert_eq!(
                (taux[5], taux[11_000]),
                (Some(5519.0), Some(12_345_678.0)),
                "{name}"
            );
            assert!(flags(&blocks.df, &secret_column("taux"))[3], "{name}");
        }
    }

    #[test]
    fn rows_without_quotes_are_the_rows_the_csv_crate_reads() {
        // Read without the csv crate when the body has no quote; with one quoted cell, through it.
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            // Line breaks of every kind, blank lines, lines of bare separators, cells past the header's left
            // empty, a mark on a row.
            "code;nom;taux\r\n01001;A;1\r\n\r\n\r01002;B;s\r02001;C;2,5;;\n;;\n\n02002;D;\n\u{feff}x;E;3",
            "code;nom;taux\n\n\n01001;A;1;  ;\t\n \n01002;B;2\n",
            "code;nom;taux\r\r\n01001;A;1\r\r\n01002;B;2",
            // Errors: a short row, text past the header, a bad code; each at its line.
            "code;nom;taux\n01001;A;1\r\n\r\n01002;B\n",
            "code;nom;taux\n01001;A;1\n\n01002;B;2;x\n",
            "code;nom;taux\r01001;A;1\r\n\n\r\u{feff}01002;B;2\n",
        ];
        for (i, text) in cases.into_iter().enumerate() {
            let plain = read_table(&write(&dir, "sans.csv", text), &spec());
            let quoted = text.replacen(";A;", ";\"A\";", 1);
            let through = read_table(&write(&dir, "avec.csv", &quoted), &spec());
            match (plain, through) {
                (Ok(plain), Ok(through)) => {
                    assert!(
                        plain.df.equals_missing(&through.df),
                        "{i}: {plain:?} {through:?}"
                    )
                }
                (Err(plain), Err(through)) => assert_eq!(
                    (plain.line, plain.message),
                    (through.line, through.message),
                    "{i}"
                ),
                (plain, through) => panic!("{i}: {plain:?} against {through:?}"),
            }
        }
    }

    #[test]
    fn a_byte_order_mark_on_a_row_stays_in_its_cell() {
        // A file pasted after another keeps the other's mark on a line: its code is not read as if it had none.
        let dir = tempfile::tempdir().unwrap();
        let small = "code;nom;taux\n\u{feff}01001;A;1\n";
        // In the large file, the mark starts the line that starts the third block.
        let mut big = national(12_000, 11_000);
        let body = big.find("\n1000;").unwrap() + 1;
        let (start, line) = split(&big[body..], 3, (big.len() - body) / BLOCK)[2];
        big.insert(start.as_ptr() as usize - big.as_ptr() as usize, '\u{feff}');
        for (name, text, line) in [
            ("petit.csv", small.to_string(), 2),
            ("grand.csv", big, line),
        ] {
            let path = write(&dir, name, &text);
            for e in [
                read_err_at(&path, &spec()),
                in_blocks(&path, &spec()).unwrap_err(),
            ] {
                assert_eq!(e.line, Some(line), "{name}: {e}");
                assert!(e.message.contains("code mal formé"), "{name}: {e}");
            }
        }
    }

    #[test]
    fn an_error_in_a_block_is_the_error_of_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = spec();
        spec.secret_markers = vec!["s".into()];
        // A duplicate across blocks, a bad cell late in the file, a dot left ambiguous.
        let duplicate = national(12_000, 11_000).replacen("12000;", "02200;", 1);
        let bad = national(12_000, 11_000).replacen(";Commune n° 9000;", ";Commune n° 9000;x", 1);
        let ambiguous = national(12_000, usize::MAX);
        for (name, text, line, what) in [
            ("double.csv", duplicate, 11_008, "lignes 1204 et 11008"),
            ("mauvais.csv", bad, 9007, "« x"),
            ("ambigu.csv", ambiguous, 9, "nombre ambigu « 5.519 »"),
        ] {
            let path = write(&dir, name, &text);
            let e = in_blocks(&path, &spec).expect_err(name);
            assert_eq!(e, read_err_at(&path, &spec), "{name}");
            assert_eq!(e.line, Some(line), "{name}: {e}");
            assert!(e.message.contains(what), "{name}: {e}");
        }
    }

    #[test]
    fn secret_is_neither_zero_nor_missing() {
        let mut spec = spec();
        spec.secret_markers = vec!["s".into()];
        let df = read_table(&fixture("secret.csv"), &spec).unwrap().df;
        // rows: 0, s, empty (missing: "" is not a marker here), 5
        assert_eq!(numbers(&df, "taux"), [Some(0.0), None, None, Some(5.0)]);
        assert_eq!(
            flags(&df, &secret_column("taux")),
            [false, true, false, false]
        );
        spec.secret_markers = vec!["".into(), "s".into()];
        let df = read_table(&fixture("secret.csv"), &spec).unwrap().df;
        assert_eq!(
            flags(&df, &secret_column("taux")),
            [false, true, true, false]
        );
    }

    #[test]
    fn extra_columns_ignored_optional_absent_and_empty_codes_null() {
        let spec = TableSpec {
            columns: vec![
                ColumnSpec::required("COM", ColumnKind::Code(CodeKind::Commune)),
                ColumnSpec::optional("COMPARENT", ColumnKind::Code(CodeKind::Commune)),
                ColumnSpec::optional("ABSENTE", ColumnKind::Number(Quantity::Value)),
            ],
            ..TableSpec::default()
        };
        let df = read_table(&fixture("optional-codes.csv"), &spec)
            .unwrap()
            .df;
        assert_eq!(df.get_column_names(), ["COM", "COMPARENT", LINE_COLUMN]);
        assert_eq!(strings(&df, "COMPARENT"), [None, Some("01015".into())]);
    }

    #[test]
    fn missing_column_lists_those_found() {
        let e = read_err("missing-column.csv", &spec());
        assert_eq!(e.column.as_deref(), Some("taux"));
        assert!(e.message.contains("code, nom, tx"), "{e}");
        assert!(e.file.is_some());
    }

    #[test]
    fn bad_cells_name_line_column_and_value() {
        let e = read_err("bad-number.csv", &spec());
        assert_eq!((e.line, e.column.as_deref()), (Some(3), Some("taux")));
        assert!(e.message.contains("« 12,5 % »"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("secrète"));

        let e = read_err("bad-code.csv", &spec());
        assert_eq!(
            (e.line, e.column.as_deref(), e.code.as_deref()),
            (Some(3), Some("code"), Some("1A001"))
        );

        let e = read_err("empty-code.csv", &spec());
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("code")));
        assert!(e.message.contains("code vide"));
    }

    #[test]
    fn ragged_row_is_an_error_with_its_line() {
        let e = read_err("ragged.csv", &spec());
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("2 champs au lieu des 3"), "{e}");
    }

    #[test]
    fn duplicate_key_names_both_lines() {
        // `1001` and `01001` are the same commune once normalised.
        let e = read_err("duplicate.csv", &spec());
        assert_eq!(e.line, Some(4));
        assert!(
            e.message.contains("(code) = (01001)") && e.message.contains("lignes 2 et 4"),
            "{e}"
        );
    }

    #[test]
    fn empty_file_and_header_only() {
        for name in ["empty.csv", "header-only.csv"] {
            assert!(
                read_err(name, &spec())
                    .message
                    .contains("aucune ligne de données"),
                "{name}"
            );
        }
    }

    #[test]
    fn blocks_are_whole_lines_with_their_numbers() {
        let body = "a;1\r\nbb;2\r\n\r\nccc;3\r\ndddd;4";
        let blocks = split(body, 5, 3);
        assert_eq!(
            blocks,
            [("a;1\r\nbb;2\r\n", 5), ("\r\nccc;3\r\n", 7), ("dddd;4", 9)]
        );
        // More blocks than lines: one per line, none empty.
        assert_eq!(split("a\nb\n", 2, 8), [("a\n", 2), ("b\n", 3)]);
        assert_eq!(split("", 2, 2), []);
    }

    #[test]
    fn separator_detection_ignores_quoted_text() {
        assert_eq!(detect_separator("a;\"b,c,d\";e\n1,2,3,4,5,6"), b';');
        assert_eq!(detect_separator("a,b\r\n"), b',');
        assert_eq!(detect_separator("a\tb\tc;d"), b'\t');
        assert_eq!(detect_separator("seule"), b';');
    }
}

//! A small table of text cells, written as CSV for French Excel (`;`, decimal
//! comma already in the cells, UTF-8 with BOM, CRLF) or as Markdown.

/// Column alignment in Markdown (numbers right-aligned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Header and columns, all cells already formatted in French.
///
/// Each column keeps its cells end to end in one buffer: a national list is formatted column by
/// column, each number written in place, instead of one allocation per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct OutTable {
    pub headers: Vec<(String, Align)>,
    columns: Vec<TextColumn>,
    height: usize,
}

/// The cells of one column, their text end to end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl TextColumn {
    pub fn with_capacity(cells: usize) -> Self {
        TextColumn {
            text: String::with_capacity(cells * 8),
            ends: Vec::with_capacity(cells),
        }
    }

    /// `columns` empty columns, each with room for `cells` (a clone by `vec!` would have none).
    pub fn many(columns: usize, cells: usize) -> Vec<Self> {
        (0..columns).map(|_| Self::with_capacity(cells)).collect()
    }

    /// Adds a cell.
    pub fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Adds the cell `write` writes at the end of the column's text.
    pub fn write(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }
}

impl<'a> FromIterator<&'a str> for TextColumn {
    fn from_iter<I: IntoIterator<Item = &'a str>>(cells: I) -> Self {
        let cells = cells.into_iter();
        let mut column = TextColumn::with_capacity(cells.size_hint().0);
        for cell in cells {
            column.push(cell);
        }
        column
    }
}

impl OutTable {
    /// A table from its columns, one per header, all of the same length.
    pub fn from_columns(headers: Vec<(String, Align)>, columns: Vec<TextColumn>) -> Self {
        assert_eq!(headers.len(), columns.len(), "one column per header");
        let height = columns.first().map_or(0, TextColumn::len);
        assert!(
            columns.iter().all(|c| c.len() == height),
            "columns of one length"
        );
        OutTable {
            headers,
            columns,
            height,
        }
    }

    /// A table from its rows, each with one cell per header.
    pub fn from_rows(headers: Vec<(String, Align)>, rows: Vec<Vec<String>>) -> Self {
        let mut columns = TextColumn::many(headers.len(), rows.len());
        for row in &rows {
            assert_eq!(row.len(), headers.len(), "one cell per header");
            for (column, cell) in columns.iter_mut().zip(row) {
                column.push(cell);
            }
        }
        OutTable {
            headers,
            columns,
            height: rows.len(),
        }
    }

    /// How many rows.
    pub fn height(&self) -> usize {
        self.height
    }

    pub fn is_empty(&self) -> bool {
        self.height == 0
    }

    /// The cell of row `row`, column `column`.
    pub fn cell(&self, row: usize, column: usize) -> &str {
        self.columns[column].get(row)
    }

    /// The cells of row `row`.
    pub fn row(&self, row: usize) -> Vec<&str> {
        self.columns.iter().map(|c| c.get(row)).collect()
    }

    /// CSV as French Excel opens it by double-click.
    pub fn to_csv(&self) -> Vec<u8> {
        let bytes: usize = self.columns.iter().map(|c| c.text.len() + c.len()).sum();
        let mut out = String::with_capacity(bytes + 2 * self.height + 256);
        out.push('\u{FEFF}');
        for (i, (header, _)) in self.headers.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            push_csv_cell(header, true, &mut out);
        }
        out.push_str("\r\n");
        // A column none of whose cells has a separator, a quote or a line break quotes none:
        // told once per column, not per cell.
        let quoted: Vec<bool> = self.columns.iter().map(|c| needs_quotes(&c.text)).collect();
        for r in 0..self.height {
            for (i, (column, quoted)) in self.columns.iter().zip(&quoted).enumerate() {
                if i > 0 {
                    out.push(';');
                }
                push_csv_cell(column.get(r), *quoted, &mut out);
            }
            out.push_str("\r\n");
        }
        out.into_bytes()
    }

    /// A Markdown table (pipes escaped), optionally under a title.
    pub fn to_markdown(&self, title: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(t) = title {
            out.push_str(&format!("## {t}\n\n"));
        }
        let cells = |v: &mut dyn Iterator<Item = &str>| {
            format!(
                "| {} |\n",
                v.map(|c| c.replace('|', "\\|"))
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        };
        out.push_str(&cells(&mut self.headers.iter().map(|h| h.0.as_str())));
        out.push_str(&cells(&mut self.headers.iter().map(|h| match h.1 {
            Align::Left => ":---",
            Align::Right => "---:",
        })));
        for r in 0..self.height {
            out.push_str(&cells(&mut self.columns.iter().map(|c| c.get(r))));
        }
        out
    }
}

/// `cell` written into a CSV line, between quotes when it may hold a separator, a quote or a
/// line break (`quoted`) and does.
fn push_csv_cell(cell: &str, quoted: bool, out: &mut String) {
    // A text cell that Excel would take for a formula (`=HYPERLINK(…)`, `@SUM`, `-1+2`) is
    // written behind an apostrophe, as spreadsheet exports do; numbers stay numbers.
    // Bytes, not chars: the patterns are ASCII, and a national list has millions of cells.
    let formula = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    ) && !plain_negative(cell)
        && crate::ingest::parse_number(cell).is_none();
    let apostrophe = if formula { "'" } else { "" };
    if quoted && needs_quotes(cell) {
        out.push('"');
        out.push_str(apostrophe);
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(apostrophe);
        out.push_str(cell);
    }
}

/// Whether `text` holds a separator, a quote or a line break, which a CSV cell quotes.
fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b';' | b'"' | b'\n' | b'\r'))
}

/// A negative number as the lists write it (`-12`, `-3,5`): told without parsing, as the gaps
/// to a reference are, by the tens of thousands.
fn plain_negative(cell: &str) -> bool {
    let Some(rest) = cell.strip_prefix('-').filter(|r| r.len() <= 20) else {
        return false;
    };
    let (whole, decimals) = rest.split_once(',').unwrap_or((rest, "1"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> OutTable {
        OutTable::from_rows(
            vec![("EPCI".into(), Align::Left), ("Taux".into(), Align::Right)],
            vec![vec!["CC « A; B »".into(), "58,3".into()]],
        )
    }

    #[test]
    fn a_column_keeps_its_cells_apart_empty_ones_too() {
        let mut rate = TextColumn::with_capacity(3);
        rate.write(|out| crate::format::push_decimal(out, 58.25, 1));
        rate.push("");
        rate.write(|out| out.push_str("secret"));
        let codes: TextColumn = ["01001", "01002", "2A004"].into_iter().collect();
        let t = OutTable::from_columns(
            vec![("Code".into(), Align::Left), ("Taux".into(), Align::Right)],
            vec![codes, rate],
        );
        assert_eq!(t.height(), 3);
        assert_eq!(t.row(0), ["01001", "58,2"]);
        assert_eq!(t.row(1), ["01002", ""]);
        assert_eq!(t.cell(2, 1), "secret");
        assert_eq!(
            String::from_utf8(t.to_csv()).unwrap(),
            "\u{FEFF}Code;Taux\r\n01001;58,2\r\n01002;\r\n2A004;secret\r\n"
        );
    }

    #[test]
    #[should_panic(expected = "columns of one length")]
    fn columns_of_unequal_length_are_a_bug() {
        let short: TextColumn = ["1"].into_iter().collect();
        let long: TextColumn = ["1", "2"].into_iter().collect();
        OutTable::from_columns(
            vec![("a".into(), Align::Left), ("b".into(), Align::Left)],
            vec![short, long],
        );
    }

    #[test]
    fn csv_for_french_excel() {
        let csv = String::from_utf8(table().to_csv()).unwrap();
        assert_eq!(csv, "\u{FEFF}EPCI;Taux\r\n\"CC « A; B »\";58,3\r\n");
    }

    #[test]
    fn text_cells_never_reach_excel_as_formulas() {
        let t = OutTable::from_rows(
            vec![("Nom".into(), Align::Left)],
            [
                "=HYPERLINK(\"http://x\")",
                "@SUM(A1)",
                "+A1",
                "-1+2",
                "-2,5",
                "+0,4",
            ]
            .iter()
            .map(|c| vec![c.to_string()])
            .collect(),
        );
        let csv = String::from_utf8(t.to_csv()).unwrap();
        assert_eq!(
            csv,
            "\u{FEFF}Nom\r\n\"'=HYPERLINK(\"\"http://x\"\")\"\r\n'@SUM(A1)\r\n'+A1\r\n'-1+2\r\n-2,5\r\n+0,4\r\n"
        );
    }

    #[test]
    fn a_plain_negative_is_a_number_as_parsed() {
        for cell in ["-1", "-0,0", "-12,5", "-123456789012345,25"] {
            assert!(plain_negative(cell), "{cell}");
            assert!(crate::ingest::parse_number(cell).is_some(), "{cell}");
        }
        for cell in ["-", "-,5", "-1,", "-1+2", "-1,2,3", "- 1", "-1.5", "1"] {
            assert!(!plain_negative(cell), "{cell}");
        }
    }

    #[test]
    fn markdown_aligned() {
        assert_eq!(
            table().to_markdown(None),
            "| EPCI | Taux |\n| :--- | ---: |\n| CC « A; B » | 58,3 |\n"
        );
    }
}

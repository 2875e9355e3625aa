//! A small table of text cells, written as CSV for French Excel (`;`, decimal
//! comma already in the cells, UTF-8 with BOM, CRLF) or as Markdown.

/// Column alignment in Markdown (numbers right-aligned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Header and rows, all cells already formatted in French.
#[derive(Debug, Clone, PartialEq)]
pub struct OutTable {
    pub headers: Vec<(String, Align)>,
    pub rows: Vec<Vec<String>>,
}

impl OutTable {
    /// CSV as French Excel opens it by double-click.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{FEFF}");
        let line = |cells: &mut dyn Iterator<Item = &str>, out: &mut String| {
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    out.push(';');
                }
                push_csv_cell(cell, out);
            }
            out.push_str("\r\n");
        };
        line(&mut self.headers.iter().map(|h| h.0.as_str()), &mut out);
        for row in &self.rows {
            line(&mut row.iter().map(String::as_str), &mut out);
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
        for row in &self.rows {
            out.push_str(&cells(&mut row.iter().map(String::as_str)));
        }
        out
    }
}

fn push_csv_cell(cell: &str, out: &mut String) {
    // A text cell that Excel would take for a formula (`=HYPERLINK(…)`, `@SUM`, `-1+2`) is
    // written behind an apostrophe, as spreadsheet exports do; numbers stay numbers.
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && crate::ingest::parse_number(cell).is_none();
    let apostrophe = if formula { "'" } else { "" };
    if cell.contains([';', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(apostrophe);
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(apostrophe);
        out.push_str(cell);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> OutTable {
        OutTable {
            headers: vec![("EPCI".into(), Align::Left), ("Taux".into(), Align::Right)],
            rows: vec![vec!["CC « A; B »".into(), "58,3".into()]],
        }
    }

    #[test]
    fn csv_for_french_excel() {
        let csv = String::from_utf8(table().to_csv()).unwrap();
        assert_eq!(csv, "\u{FEFF}EPCI;Taux\r\n\"CC « A; B »\";58,3\r\n");
    }

    #[test]
    fn text_cells_never_reach_excel_as_formulas() {
        let t = OutTable {
            headers: vec![("Nom".into(), Align::Left)],
            rows: [
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
        };
        let csv = String::from_utf8(t.to_csv()).unwrap();
        assert_eq!(
            csv,
            "\u{FEFF}Nom\r\n\"'=HYPERLINK(\"\"http://x\"\")\"\r\n'@SUM(A1)\r\n'+A1\r\n'-1+2\r\n-2,5\r\n+0,4\r\n"
        );
    }

    #[test]
    fn markdown_aligned() {
        assert_eq!(
            table().to_markdown(None),
            "| EPCI | Taux |\n| :--- | ---: |\n| CC « A; B » | 58,3 |\n"
        );
    }
}

//! Tables as an Excel workbook, one sheet each: numbers stay numbers, codes stay text.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::table::{Align, OutTable};
use crate::error::{Error, Result};

impl OutTable {
    /// The workbook bytes, one sheet: see [`workbook`].
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>> {
        workbook(&[(sheet, self)])
    }
}

/// A workbook with one sheet per table. Right-aligned columns hold numbers: their French
/// cells (`53,9`) are written as numbers with as many decimals; a cell that is not a
/// number there (`secret`, empty) stays text. Left-aligned columns (codes, names) are
/// always text, so `01001` keeps its zero. Sheet names are cut to Excel's 31 characters,
/// stripped of the characters it refuses, and numbered when two would be the same.
pub fn workbook(sheets: &[(&str, &OutTable)]) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Error::new(format!("classeur xlsx impossible à écrire : {e}"))
            .hint("signalez-le aux développeurs de diagterr")
    };
    let mut book = Workbook::new();
    // A fixed creation date: the same inputs must give the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1).map_err(fail)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    let formats: Vec<Format> = (0..=3)
        .map(|d| {
            Format::new().set_num_format(if d == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(d))
            })
        })
        .collect();
    let mut names: Vec<String> = Vec::new();
    for (sheet, table) in sheets {
        let name = sheet_name(sheet, &names);
        names.push(name.clone());
        let ws = book.add_worksheet();
        ws.set_name(&name).map_err(fail)?;
        for (c, (header, _)) in table.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, header, &bold)
                .map_err(fail)?;
        }
        for r in 0..table.height() {
            let row = table.row(r);
            let r = r as u32 + 1;
            for (c, cell) in row.into_iter().enumerate() {
                let c = c as u16;
                match (
                    table.headers.get(c as usize).map(|h| h.1),
                    french_number(cell),
                ) {
                    (Some(Align::Right), Some((value, decimals))) => ws
                        .write_number_with_format(r, c, value, &formats[decimals.min(3)])
                        .map_err(fail)?,
                    _ => ws.write_string(r, c, cell).map_err(fail)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        ws.autofit();
    }
    book.save_to_buffer().map_err(fail)
}

/// A sheet name Excel takes: no `[]:*?/\`, 31 characters at most, unique among `taken`.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'');
    let clean = if clean.is_empty() { "Feuille" } else { clean };
    let mut n = 1;
    loop {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let name: String = clean
            .chars()
            .take(31 - suffix.chars().count())
            .chain(suffix.chars())
            .collect();
        // Excel compares sheet names without case, accented capitals included.
        let lower = name.to_lowercase();
        if !taken.iter().any(|t| t.to_lowercase() == lower) {
            return name;
        }
        n += 1;
    }
}

/// `-10,3` → (-10.3, 1 decimal); `None` for anything else.
fn french_number(cell: &str) -> Option<(f64, usize)> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (int, frac) = digits.split_once(',').unwrap_or((digits, ""));
    let plain = |s: &str| s.chars().all(|ch| ch.is_ascii_digit());
    if int.is_empty() || !plain(int) || !plain(frac) || (cell.contains(',') && frac.is_empty()) {
        return None;
    }
    cell.replace(',', ".").parse().ok().map(|v| (v, frac.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let taken = vec!["Panier par EPCI".to_string()];
        assert_eq!(sheet_name("Panier par EPCI", &taken), "Panier par EPCI (2)");
        assert_eq!(sheet_name("a/b:c", &[]), "a-b-c");
        let long = "Taux de couverture d'accueil du jeune enfant par commune";
        assert_eq!(sheet_name(long, &[]).chars().count(), 31);
        assert_eq!(sheet_name("", &[]), "Feuille");
        let taken = vec!["Priorités é".to_string()];
        assert_eq!(sheet_name("PRIORITÉS É", &taken), "PRIORITÉS É (2)");
    }

    #[test]
    fn french_numbers_only() {
        assert_eq!(french_number("53,9"), Some((53.9, 1)));
        assert_eq!(french_number("-10,30"), Some((-10.3, 2)));
        assert_eq!(french_number("12"), Some((12.0, 0)));
        assert_eq!(french_number("secret"), None);
        assert_eq!(french_number(""), None);
        assert_eq!(french_number("1,"), None);
        assert_eq!(french_number("1 848"), None);
    }

    #[test]
    fn workbook_is_a_zip_with_the_sheet() {
        let table = OutTable::from_rows(
            vec![("Code".into(), Align::Left), ("Taux".into(), Align::Right)],
            vec![
                vec!["01001".into(), "53,9".into()],
                vec!["2A004".into(), "secret".into()],
            ],
        );
        let bytes = table.to_xlsx("Priorités").unwrap();
        assert_eq!(&bytes[..2], b"PK");
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert!(
            bytes == table.to_xlsx("Priorités").unwrap(),
            "byte-identical a second later"
        );
        // Read back with the ingest reader: the code keeps its zero, the rate is a number.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("liste.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        use calamine::Reader;
        let range = book.worksheet_range("Priorités").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("01001".into()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(53.9)));
        assert_eq!(
            range.get_value((2, 1)),
            Some(&calamine::Data::String("secret".into()))
        );
    }
}

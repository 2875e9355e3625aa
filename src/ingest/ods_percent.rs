//! The cells of an OpenDocument sheet typed as percentages. calamine gives their stored
//! fraction (0,702 for « 70,2 % »); the analyst reads 70,2. The sheet's XML is scanned once
//! more for the positions of `office:value-type="percentage"` cells, rows and columns repeated
//! as LibreOffice writes them.

use std::collections::HashSet;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The 0-based (row, column) of each percentage cell of sheet `sheet` of the .ods at `path`;
/// empty when it has none, or when the file cannot be scanned (calamine reports that).
pub fn percent_cells(path: &Path, sheet: &str) -> HashSet<(u32, u32)> {
    scan(path, sheet).unwrap_or_default()
}

fn scan(path: &Path, sheet: &str) -> Option<HashSet<(u32, u32)>> {
    let file = std::fs::File::open(path).ok()?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let mut xml = String::new();
    archive
        .by_name("content.xml")
        .ok()?
        .read_to_string(&mut xml)
        .ok()?;
    let mut reader = Reader::from_str(&xml);
    let (mut in_sheet, mut row, mut column) = (false, 0u32, 0u32);
    let mut row_repeat = 1u32;
    let mut cells = HashSet::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "table:table" => {
                in_sheet = attribute(&e, "table:name").as_deref() == Some(sheet);
                row = 0;
            }
            Event::End(e) if in_sheet && e.name().into_inner() == "table:table" => {
                return Some(cells);
            }
            Event::Start(e) if in_sheet && e.name().into_inner() == "table:table-row" => {
                column = 0;
                row_repeat = repeat(&e, "table:number-rows-repeated");
            }
            Event::Empty(e) if in_sheet && e.name().into_inner() == "table:table-row" => {
                row = row.saturating_add(repeat(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if in_sheet && e.name().into_inner() == "table:table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Start(e) | Event::Empty(e)
                if in_sheet
                    && matches!(
                        e.name().into_inner(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
            {
                let columns = repeat(&e, "table:number-columns-repeated");
                if attribute(&e, "office:value-type").as_deref() == Some("percentage") {
                    // A repeated percentage cell is one per column and row it spans (rare,
                    // and bounded by the sheet's size as calamine reads it).
                    for r in row..row.saturating_add(row_repeat.min(1 << 16)) {
                        for c in column..column.saturating_add(columns.min(1 << 14)) {
                            cells.insert((r, c));
                        }
                    }
                }
                column = column.saturating_add(columns);
            }
            Event::Eof => return Some(cells),
            _ => {}
        }
    }
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    let a = e.try_get_attribute(name).ok()??;
    Some(
        a.normalized_value(quick_xml::XmlVersion::default())
            .ok()?
            .into_owned(),
    )
}

fn repeat(e: &BytesStart, name: &str) -> u32 {
    attribute(e, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1)
}

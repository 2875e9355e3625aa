//! The legend: title, one entry per class (swatch and "label (count)"), the interval
//! convention, then the references. Entries go one per line (vertical) or in rows
//! (horizontal, for a legend below the map).

use serde::Deserialize;

use super::svg::{self, Anchor, Font, num};
use super::text::{self, Block};

const TITLE: Font = Font {
    size: 14.0,
    bold: true,
    fill: "#1a1a1a",
};
const ENTRY: Font = Font {
    size: 13.0,
    bold: false,
    fill: "#1a1a1a",
};
const REFERENCE: Font = Font {
    size: 12.0,
    bold: false,
    fill: "#333333",
};
const SWATCH_W: f64 = 26.0;
const SWATCH_H: f64 = 16.0;
/// Between a swatch and its text.
const SWATCH_GAP: f64 = 8.0;
/// Between entries, and around the entry list.
const ENTRY_GAP: f64 = 6.0;
const SECTION_GAP: f64 = 10.0;
/// Between two entries of a row, in a horizontal legend.
const ROW_GAP: f64 = 18.0;
const NOTE: Font = Font {
    size: 11.0,
    bold: false,
    fill: "#444444",
};

/// How the class entries are arranged (`legende = "verticale"` or `"horizontale"` in a
/// query).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum LegendLayout {
    /// One entry per line, beside the map (below it when the territory is wide).
    #[default]
    #[serde(rename = "verticale")]
    Vertical,
    /// Below the map, entries side by side in rows.
    #[serde(rename = "horizontale")]
    Horizontal,
}

/// One legend line: the fill of its swatch and its text.
pub struct Item {
    pub fill: String,
    pub text: String,
}

pub struct Legend {
    title: Block,
    entries: Vec<(String, Vec<String>)>,
    /// Horizontal legends: the entries of each row, with each entry's x offset.
    rows: Option<Vec<Vec<(usize, f64)>>>,
    note: Block,
    references: Block,
}

/// The width the legend would take without wrapping.
pub fn natural_width(
    title: &str,
    items: &[Item],
    note: Option<&str>,
    references: &[String],
) -> f64 {
    let entries = items
        .iter()
        .map(|item| SWATCH_W + SWATCH_GAP + text::width(&item.text, ENTRY));
    let others = std::iter::once(text::width(title, TITLE))
        .chain(note.map(|n| text::width(n, NOTE)))
        .chain(references.iter().map(|r| text::width(r, REFERENCE)));
    entries.chain(others).fold(0.0, f64::max)
}

impl Legend {
    /// Lays the legend out within `width` page units, wrapping what is longer.
    pub fn new(
        title: &str,
        items: Vec<Item>,
        note: Option<&str>,
        references: &[String],
        width: f64,
        layout: LegendLayout,
    ) -> Self {
        let text_width = width - SWATCH_W - SWATCH_GAP;
        let entries: Vec<(String, Vec<String>)> = items
            .into_iter()
            .map(|item| (item.fill, text::wrap(&item.text, ENTRY, text_width)))
            .collect();
        let rows = (layout == LegendLayout::Horizontal).then(|| rows(&entries, width));
        Legend {
            title: Block::new(title, TITLE, width),
            entries,
            rows,
            note: Block::new(note.unwrap_or(""), NOTE, width),
            references: Block::from_lines(references, REFERENCE, width),
        }
    }

    fn entry_height(lines: &[String]) -> f64 {
        SWATCH_H.max(ENTRY.block_height(lines.len()))
    }

    /// Each row is as tall as its tallest entry.
    fn row_height(&self, row: &[(usize, f64)]) -> f64 {
        row.iter()
            .map(|&(i, _)| Self::entry_height(&self.entries[i].1))
            .fold(0.0, f64::max)
    }

    fn entries_height(&self) -> f64 {
        match &self.rows {
            Some(rows) => rows.iter().map(|r| self.row_height(r) + ENTRY_GAP).sum(),
            None => self
                .entries
                .iter()
                .map(|(_, lines)| Self::entry_height(lines) + ENTRY_GAP)
                .sum(),
        }
    }

    pub fn height(&self) -> f64 {
        let sections: f64 = [&self.note, &self.references]
            .into_iter()
            .filter(|b| !b.lines.is_empty())
            .map(|b| SECTION_GAP - ENTRY_GAP + b.height())
            .sum();
        self.title.height() + ENTRY_GAP + self.entries_height() + sections
    }

    /// Writes the legend with its top-left corner at (`x`, `top`).
    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        out.push_str("<g class=\"legende\">\n");
        self.title.write(out, x, top);
        let mut y = top + self.title.height() + ENTRY_GAP;
        match &self.rows {
            Some(rows) => {
                for row in rows {
                    for &(i, dx) in row {
                        let (fill, lines) = &self.entries[i];
                        write_entry(out, fill, lines, x + dx, y);
                    }
                    y += self.row_height(row) + ENTRY_GAP;
                }
            }
            None => {
                for (fill, lines) in &self.entries {
                    write_entry(out, fill, lines, x, y);
                    y += Self::entry_height(lines) + ENTRY_GAP;
                }
            }
        }
        if !self.note.lines.is_empty() {
            y += SECTION_GAP - ENTRY_GAP;
            out.push_str("<g class=\"legende-note\">\n");
            self.note.write(out, x, y);
            out.push_str("</g>\n");
            y += self.note.height();
        }
        if !self.references.lines.is_empty() {
            self.references.write(out, x, y + SECTION_GAP - ENTRY_GAP);
        }
        out.push_str("</g>\n");
    }
}

/// Greedy rows for a horizontal legend: entries in order, a new row when the next one
/// would pass `width`. Returns, per row, the entry indices and their x offsets.
fn rows(entries: &[(String, Vec<String>)], width: f64) -> Vec<Vec<(usize, f64)>> {
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut x = 0.0;
    for (i, (_, lines)) in entries.iter().enumerate() {
        let w = SWATCH_W
            + SWATCH_GAP
            + lines
                .iter()
                .map(|l| text::width(l, ENTRY))
                .fold(0.0, f64::max);
        match rows.last_mut() {
            Some(row) if x + w <= width => row.push((i, x)),
            _ => {
                rows.push(vec![(i, 0.0)]);
                x = 0.0;
            }
        }
        x += w + ROW_GAP;
    }
    rows
}

fn write_entry(out: &mut String, fill: &str, lines: &[String], x: f64, y: f64) {
    out.push_str("<g class=\"legende-entree\">\n<rect x=\"");
    num(out, x);
    out.push_str("\" y=\"");
    num(out, y);
    out.push_str("\" width=\"");
    num(out, SWATCH_W);
    out.push_str("\" height=\"");
    num(out, SWATCH_H);
    out.push_str("\" fill=\"");
    svg::escape(out, fill);
    out.push_str("\" stroke=\"#7f7f7f\" stroke-width=\"0.6\"/>\n");
    // Centre a single line on the swatch (the baseline sits ~0.36 em below the middle).
    let baseline = y + SWATCH_H / 2.0 + 0.36 * ENTRY.size;
    svg::text(
        out,
        x + SWATCH_W + SWATCH_GAP,
        baseline,
        lines,
        ENTRY,
        Anchor::Start,
    );
    out.push_str("</g>\n");
}

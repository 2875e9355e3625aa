//! The legend: title, one entry per class (swatch and "label (count)"), then the references.

use super::svg::{self, num, Anchor, Font};
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

/// One legend line: the fill of its swatch and its text.
pub struct Item {
    pub fill: String,
    pub text: String,
}

pub struct Legend {
    title: Block,
    entries: Vec<(String, Vec<String>)>,
    references: Block,
}

/// The width the legend would take without wrapping.
pub fn natural_width(title: &str, items: &[Item], references: &[String]) -> f64 {
    let entries = items
        .iter()
        .map(|item| SWATCH_W + SWATCH_GAP + text::width(&item.text, ENTRY));
    let others = std::iter::once(text::width(title, TITLE))
        .chain(references.iter().map(|r| text::width(r, REFERENCE)));
    entries.chain(others).fold(0.0, f64::max)
}

impl Legend {
    /// Lays the legend out within `width` page units, wrapping what is longer.
    pub fn new(title: &str, items: Vec<Item>, references: &[String], width: f64) -> Self {
        let text_width = width - SWATCH_W - SWATCH_GAP;
        Legend {
            title: Block::new(title, TITLE, width),
            entries: items
                .into_iter()
                .map(|item| (item.fill, text::wrap(&item.text, ENTRY, text_width)))
                .collect(),
            references: Block::from_lines(references, REFERENCE, width),
        }
    }

    fn entry_height(lines: &[String]) -> f64 {
        SWATCH_H.max(ENTRY.block_height(lines.len()))
    }

    pub fn height(&self) -> f64 {
        let entries: f64 = self
            .entries
            .iter()
            .map(|(_, lines)| Self::entry_height(lines) + ENTRY_GAP)
            .sum();
        let references = if self.references.lines.is_empty() {
            0.0
        } else {
            SECTION_GAP - ENTRY_GAP + self.references.height()
        };
        self.title.height() + ENTRY_GAP + entries + references
    }

    /// Writes the legend with its top-left corner at (`x`, `top`).
    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        out.push_str("<g class=\"legende\">\n");
        self.title.write(out, x, top);
        let mut y = top + self.title.height() + ENTRY_GAP;
        for (fill, lines) in &self.entries {
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
            y += Self::entry_height(lines) + ENTRY_GAP;
        }
        if !self.references.lines.is_empty() {
            self.references.write(out, x, y + SECTION_GAP - ENTRY_GAP);
        }
        out.push_str("</g>\n");
    }
}

//! The embedded fonts, and text measured with them so the layout (wrapping, legend width)
//! matches what resvg draws, with no system font involved.

use std::sync::{Arc, OnceLock};

use resvg::usvg::{self, fontdb};

use super::svg::{self, Anchor, FONT_FAMILY, Font};

const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");

/// A font database holding only the embedded DejaVu faces, built once per process.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            // Any generic family an SVG might ask for falls back to the one we have.
            db.set_sans_serif_family(FONT_FAMILY);
            db.set_serif_family(FONT_FAMILY);
            db.set_monospace_family(FONT_FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// usvg options that resolve every text to the embedded fonts.
pub fn options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fonts(),
        ..usvg::Options::default()
    }
}

/// Width of `s` in page units, measured by laying it out with usvg.
pub fn width(s: &str, font: Font) -> f64 {
    if s.trim().is_empty() {
        return 0.0;
    }
    let mut doc =
        String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"1000\">");
    svg::text(&mut doc, 0.0, 500.0, &[s.to_string()], font, Anchor::Start);
    doc.push_str("</svg>");
    match usvg::Tree::from_str(&doc, &options()) {
        Ok(tree) => f64::from(tree.root().bounding_box().width()),
        // Cannot happen with our own markup; a generous estimate keeps the layout usable.
        Err(_) => 0.65 * font.size * s.chars().count() as f64,
    }
}

/// Splits `s` into lines no wider than `max_width` at spaces (a single longer word keeps its own line).
pub fn wrap(s: &str, font: Font, max_width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in s.split_whitespace() {
        if current.is_empty() {
            current.push_str(word);
            continue;
        }
        let candidate = format!("{current} {word}");
        if width(&candidate, font) <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// A paragraph wrapped to a width, written top-down.
#[derive(Debug, Clone)]
pub struct Block {
    pub lines: Vec<String>,
    pub font: Font,
}

impl Block {
    pub fn new(s: &str, font: Font, max_width: f64) -> Self {
        Block {
            lines: wrap(s, font, max_width),
            font,
        }
    }

    /// Lines given as is (each one wrapped on its own).
    pub fn from_lines(lines: &[String], font: Font, max_width: f64) -> Self {
        Block {
            lines: lines
                .iter()
                .flat_map(|l| wrap(l, font, max_width))
                .collect(),
            font,
        }
    }

    pub fn height(&self) -> f64 {
        self.font.block_height(self.lines.len())
    }

    /// Writes the block with its top edge at `top` (nothing when empty).
    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        if !self.lines.is_empty() {
            svg::text(
                out,
                x,
                top + self.font.size,
                &self.lines,
                self.font,
                Anchor::Start,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Font = Font {
        size: 13.0,
        bold: false,
        fill: "#000",
    };

    #[test]
    fn embedded_font_measures_text() {
        let short = width("Donnée", BODY);
        let long = width("Donnée absente", BODY);
        assert!(short > 30.0 && long > short * 1.8, "{short} {long}");
        let bold = Font { bold: true, ..BODY };
        assert!(width("Donnée absente", bold) > long);
    }

    #[test]
    fn wraps_at_spaces() {
        let lines = wrap("Taux de couverture d'accueil du jeune enfant", BODY, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, BODY) <= 120.0));
        assert_eq!(
            lines.join(" "),
            "Taux de couverture d'accueil du jeune enfant"
        );
    }
}

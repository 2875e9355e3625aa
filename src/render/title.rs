//! Title and subtitle above the map, credits (source line) below it.

use super::svg::Font;
use super::text::Block;

const TITLE: Font = Font {
    size: 24.0,
    bold: true,
    fill: "#1a1a1a",
};
const SUBTITLE: Font = Font {
    size: 16.0,
    bold: false,
    fill: "#444444",
};
const CREDITS: Font = Font {
    size: 11.0,
    bold: false,
    fill: "#555555",
};
/// Space between the title and the subtitle.
const TITLE_GAP: f64 = 4.0;

/// The title block, wrapped to the page width.
pub struct Header {
    title: Block,
    subtitle: Option<Block>,
}

impl Header {
    pub fn new(title: &str, subtitle: Option<&str>, max_width: f64) -> Self {
        Header {
            title: Block::new(title, TITLE, max_width),
            subtitle: subtitle
                .filter(|s| !s.trim().is_empty())
                .map(|s| Block::new(s, SUBTITLE, max_width)),
        }
    }

    pub fn height(&self) -> f64 {
        self.title.height()
            + self
                .subtitle
                .as_ref()
                .map_or(0.0, |s| TITLE_GAP + s.height())
    }

    pub fn write(&self, out: &mut String, x: f64, top: f64) {
        out.push_str("<g class=\"titre\">\n");
        self.title.write(out, x, top);
        if let Some(subtitle) = &self.subtitle {
            subtitle.write(out, x, top + self.title.height() + TITLE_GAP);
        }
        out.push_str("</g>\n");
    }
}

/// The source line, at the bottom left.
pub fn credits(source: &str, max_width: f64) -> Block {
    Block::new(source, CREDITS, max_width)
}

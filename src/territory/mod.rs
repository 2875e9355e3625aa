//! The COG: communes, their EPCI and département, and the territorial levels a
//! query works on.

mod builtin_cog;
mod code_map;
mod cog;
pub mod contours;
pub mod moves;
pub mod reference_area;
pub mod selection;
pub mod shapes;
mod zoning;

pub use code_map::CodeMap;
pub(crate) use cog::str_col;
pub use cog::{Commune, Epci, Territory};
pub use zoning::ZoningFile;

/// The level a query maps and ranks; in a query file, `niveau = "commune"`, `"epci"`,
/// `"departement"`, or `"zone"`, the groups of communes of a zoning (`[territoire] zonage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Commune,
    Epci,
    Departement,
    Zone,
}

impl Level {
    /// The French noun, for titles and headers.
    pub fn noun(self) -> &'static str {
        match self {
            Level::Commune => "commune",
            Level::Epci => "EPCI",
            Level::Departement => "département",
            Level::Zone => "zone",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Level::Commune => "communes",
            Level::Epci => "EPCI",
            Level::Departement => "départements",
            Level::Zone => "zones",
        }
    }
}

/// One territory of the chosen level, as listed and mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub code: String,
    pub name: String,
    /// The départements it lies in (several for an EPCI across a border).
    pub departements: Vec<String>,
}

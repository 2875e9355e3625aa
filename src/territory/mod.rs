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

impl Unit {
    /// Writes its départements as the cell of a list gives them: `21, 71`.
    pub fn write_departements(&self, out: &mut String) {
        for (k, d) in self.departements.iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(d);
        }
    }
}

/// The number of each unit among the territories of its level (`numbers`, the codes in order:
/// see [`Territory::codes`]); `None` for a code not among them. Units come in code order, as
/// the numbers do: most are found at the rank after the last one, the others by binary search.
pub fn unit_numbers(numbers: &[&str], units: &[Unit]) -> Vec<Option<usize>> {
    let mut next = 0;
    units
        .iter()
        .map(|u| {
            let code = u.code.as_str();
            let found = match numbers.get(next) {
                Some(&n) if n == code => Ok(next),
                _ => numbers.binary_search(&code),
            };
            let t = found.ok()?;
            next = t + 1;
            Some(t)
        })
        .collect()
}

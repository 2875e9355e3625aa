//! The rows of reference under a table (the département, its région, France): the territory
//! each names for a query's départements, and how a file of several levels names its row.

use std::path::Path;

use serde::Deserialize;

use super::{Territory, str_col};
use crate::error::{Error, Result};
use crate::ingest::{self, layouts};

/// A row of reference: in a query file, `references = ["departement", "region", "france"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceRow {
    Departement,
    Region,
    France,
}

impl ReferenceRow {
    /// How a map threshold names it.
    pub fn key(self) -> &'static str {
        match self {
            ReferenceRow::Departement => "reference:departement",
            ReferenceRow::Region => "reference:region",
            ReferenceRow::France => "reference:france",
        }
    }

    /// The reference a threshold names, if it names one of these.
    pub fn from_key(key: &str) -> Option<ReferenceRow> {
        [
            ReferenceRow::Departement,
            ReferenceRow::Region,
            ReferenceRow::France,
        ]
        .into_iter()
        .find(|r| r.key() == key)
    }
}

/// The territory of a reference row: its name, its départements, and how a file of
/// several levels names its row (the level's word, and its code but for `nat`).
pub struct ReferenceArea {
    pub name: String,
    pub departements: Vec<String>,
    pub word: &'static str,
    pub code: Option<String>,
}

impl Territory {
    /// The territory `row` names for the selection's départements `deps` (one, but for France):
    /// the list of départements `departements_file` gives the région of each, the list of régions
    /// `regions` its name.
    pub fn reference_area(
        &self,
        row: ReferenceRow,
        deps: &[String],
        departements_file: &Path,
        regions: Option<&Path>,
    ) -> Result<ReferenceArea> {
        if row == ReferenceRow::France {
            return Ok(ReferenceArea {
                name: "France".to_string(),
                departements: self.departements.keys().cloned().collect(),
                word: "nat",
                code: None,
            });
        }
        let [dep] = deps else {
            unreachable!("a reference row of several départements: refused by the plan");
        };
        if row == ReferenceRow::Departement {
            return Ok(ReferenceArea {
                name: self.departements.get(dep).cloned().unwrap_or(dep.clone()),
                departements: vec![dep.clone()],
                word: "dep",
                code: Some(dep.clone()),
            });
        }
        let Some((region, departements)) = self.departements_of_region(dep) else {
            return Err(Error::new(format!(
                "la liste des départements ne donne pas la région de « {dep} »"
            ))
            .file(departements_file)
            .column("REG")
            .hint("utilisez la liste des départements de l'Insee, qui a la colonne « REG »"));
        };
        let list = regions.expect("the list of régions of a « region » row: checked by the plan");
        let regions = ingest::read_shared(list, &layouts::regions())?;
        let name = str_col(&regions.df, "REG")?
            .iter()
            .zip(str_col(&regions.df, "LIBELLE")?.iter())
            .find(|(code, _)| *code == Some(region))
            .and_then(|(_, name)| name)
            .ok_or_else(|| {
                Error::new(format!(
                    "région « {region} » absente de la liste des régions"
                ))
                .file(list)
                .code(region)
                .hint("utilisez la liste des régions du même millésime que celle des départements")
            })?;
        Ok(ReferenceArea {
            name: name.to_string(),
            departements,
            word: "reg",
            code: Some(region.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_of_the_puy_de_dome_name_it_its_region_and_france() {
        let cog = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cog");
        let departements = cog.join("departements.csv");
        let t = Territory::cog_2026();
        let deps = ["63".to_string()];
        let area = |row| {
            t.reference_area(row, &deps, &departements, Some(&cog.join("regions.csv")))
                .unwrap()
        };
        let dep = area(ReferenceRow::Departement);
        assert_eq!((dep.name.as_str(), dep.word), ("Puy-de-Dôme", "dep"));
        assert_eq!(dep.code.as_deref(), Some("63"));
        let region = area(ReferenceRow::Region);
        assert_eq!(
            (region.name.as_str(), region.word),
            ("Auvergne-Rhône-Alpes", "reg")
        );
        assert_eq!(region.code.as_deref(), Some("84"));
        assert_eq!(region.departements.len(), 12);
        let france = area(ReferenceRow::France);
        assert_eq!((france.word, france.code), ("nat", None));
        assert_eq!(france.departements.len(), t.departements.len());
        assert_eq!(
            ReferenceRow::from_key("reference:region"),
            Some(ReferenceRow::Region)
        );
    }
}

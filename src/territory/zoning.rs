//! A zoning: the analyst's own grouping of communes (territoires CTG, bassins de vie, secteurs
//! d'action sociale), read from a file commune → zone and made a level of the territory, `Level::Zone`,
//! beside the EPCI: sums, maps and tables work on its zones as on EPCI, their contours dissolved from
//! the communes.

use compact_str::CompactString;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use super::{CodeMap, Epci, Territory};
use crate::error::{Error, Result};
use crate::ingest::{self, CodeKind, ColumnKind, ColumnSpec, LINE_COLUMN, TableSpec};

/// Where the zoning is and which columns say what.
#[derive(Debug, Clone, Copy)]
pub struct ZoningFile<'a> {
    pub path: &'a Path,
    /// The commune's code (of the query's COG).
    pub commune: &'a str,
    /// The zone's code, any text.
    pub zone: &'a str,
    /// The zone's name; the code stands for it without.
    pub name: Option<&'a str>,
}

impl Territory {
    /// This territory with the zones of `zoning`. A commune the COG does not know, or given twice, is an
    /// error at its line: a zone never holds a commune by mistake.
    pub fn with_zoning(&self, zoning: ZoningFile) -> Result<Territory> {
        let mut columns = vec![
            ColumnSpec::required(zoning.commune, ColumnKind::Code(CodeKind::Commune)),
            ColumnSpec::required(zoning.zone, ColumnKind::Text),
        ];
        columns.extend(
            zoning
                .name
                .map(|n| ColumnSpec::required(n, ColumnKind::Text)),
        );
        let spec = TableSpec {
            columns,
            unique: vec![zoning.commune.to_string()],
            ..TableSpec::default()
        };
        let table = ingest::read_table(zoning.path, &spec)?;
        let df = &table.df;
        let communes = super::str_col(df, zoning.commune)?;
        let zones = super::str_col(df, zoning.zone)?;
        let names = zoning.name.map(|n| super::str_col(df, n)).transpose()?;
        let lines = df.column(LINE_COLUMN)?.u32()?;
        let mut territory = self.clone();
        let mut groups: BTreeMap<CompactString, Epci> = BTreeMap::new();
        for i in 0..df.height() {
            let line = lines.get(i).map_or(0, |l| l as usize);
            let (Some(code), Some(zone)) = (communes.get(i), zones.get(i).map(str::trim)) else {
                continue;
            };
            if zone.is_empty() {
                return Err(Error::new(format!("commune « {code} » sans zone"))
                    .file(zoning.path)
                    .line(line)
                    .column(zoning.zone)
                    .hint("donnez sa zone, ou retirez la ligne : une commune sans zone reste hors des zones"));
            }
            let Some(commune) = Arc::make_mut(&mut territory.communes).get_mut(code) else {
                return Err(Error::new(format!("commune « {code} » inconnue du COG de la requête"))
                    .file(zoning.path)
                    .line(line)
                    .code(code)
                    .hint("le zonage se donne sur les communes du millésime de [territoire] ; voyez ce qu'elle est devenue avec « diagterr codes »"));
            };
            commune.zone = Some(zone.into());
            let group = groups.entry(zone.into()).or_insert_with(|| Epci {
                siren: zone.into(),
                name: CompactString::default(),
                kind: "zone".into(),
                communes: Vec::new(),
                departements: Vec::new(),
            });
            if group.name.is_empty() {
                let name = names.as_ref().and_then(|n| n.get(i)).map(str::trim);
                group.name = name.filter(|n| !n.is_empty()).unwrap_or(zone).into();
            }
            group.communes.push(code.into());
            if !commune.in_departements(&group.departements) {
                group.departements.push(commune.departement.to_string());
            }
        }
        for group in groups.values_mut() {
            group.communes.sort();
            group.departements.sort();
        }
        territory.zones = CodeMap::from_sorted(groups.into_iter().collect());
        Ok(territory)
    }

    /// The communes of `deps` that no zone holds, for the notes.
    pub fn communes_without_zone(&self, deps: &[String]) -> Vec<&str> {
        let wanted: BTreeSet<&str> = deps.iter().map(String::as_str).collect();
        self.communes
            .values()
            .filter(|c| c.zone.is_none() && wanted.contains(c.departement.as_str()))
            .map(|c| c.code.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::Level;
    use std::sync::Arc;

    fn cog() -> Arc<Territory> {
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data/cog/");
        Territory::shared(
            Path::new(&format!("{data}communes-epci-population-2026.csv")),
            Path::new(&format!("{data}departements.csv")),
        )
        .unwrap()
    }

    fn zoning(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zonage.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn file(path: &Path) -> ZoningFile<'_> {
        ZoningFile {
            path,
            commune: "code",
            zone: "zone",
            name: Some("nom"),
        }
    }

    #[test]
    fn zones_group_their_communes_as_a_level() {
        let (_dir, path) =
            zoning("code;zone;nom\n63113;Z1;Clermont et Aubière\n63014;Z1;\n63124;Z2;Nord\n");
        let t = cog().with_zoning(file(&path)).unwrap();
        assert_eq!(t.parent("63014", Level::Zone), Some("Z1"));
        assert_eq!(
            t.parent("63014", Level::Epci),
            Some("246300701"),
            "the EPCI stay"
        );
        let units = t.units(Level::Zone, &["63".to_string()]);
        let names: Vec<(&str, &str)> = units
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str()))
            .collect();
        assert_eq!(names, [("Z1", "Clermont et Aubière"), ("Z2", "Nord")]);
        assert_eq!(t.commune_count(Level::Zone, "Z1"), 2);
        assert_eq!(t.communes_without_zone(&["63".to_string()]).len(), 463 - 3);
    }

    #[test]
    fn a_commune_twice_or_unknown_is_an_error_at_its_line() {
        let (_dir, path) = zoning("code;zone;nom\n63113;Z1;A\n63113;Z2;B\n");
        let text = cog().with_zoning(file(&path)).unwrap_err().to_string();
        assert!(
            text.contains("zonage.csv") && text.contains("ligne 3"),
            "{text}"
        );
        let (_dir, path) = zoning("code;zone;nom\n63113;Z1;A\n99999;Z2;B\n");
        let text = cog().with_zoning(file(&path)).unwrap_err().to_string();
        assert!(
            text.contains("ligne 3") && text.contains("commune « 99999 » inconnue du COG"),
            "{text}"
        );
    }
}

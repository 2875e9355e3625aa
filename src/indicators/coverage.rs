//! Taux de couverture d'accueil du jeune enfant (Cnaf definition), two ways:
//! from raw components as a ratio of sums at any level, or as published by the
//! Caf with its parts.

use std::collections::BTreeSet;

use super::Cell;
use super::cell::cells;
use super::engine;
use super::model::{ColumnRef, Indicator, Kind, Values, evaluate};
use crate::error::{Error, Result};
use crate::ingest::files::rows_of_year;
use crate::ingest::{LINE_COLUMN, Table};
use crate::notice::Notice;
use crate::territory::{Level, Territory};

/// Name of the global rate column in every coverage frame.
pub const RATE: &str = "txcouv";

/// The parts published by the Cnaf next to the global rate (columns of the
/// simplified `txcouv_pe` layout), with their French labels.
pub const PUBLISHED_PARTS: [(&str, &str); 4] = [
    ("txcouv_eaje", "EAJE"),
    ("txcouv_am_ind", "Assistants maternels"),
    ("txcouv_prescol", "Préscolarisation"),
    ("txcouv_gad_ind", "Garde à domicile"),
];

/// The technical Cnaf row gathering the communes without EPCI.
pub const TECHNICAL_CODE: &str = "XX";

/// The `niveau` word of the Caf files for a level.
pub fn caf_level(level: Level) -> &'static str {
    match level {
        Level::Commune => "com",
        Level::Epci => "epci",
        Level::Departement => "dep",
        // The Cnaf publishes no zoning of an analyst's: a file holds no such rows.
        Level::Zone => "zone",
    }
}

/// The notice of the Cnaf's technical row (`XX`, the communes without EPCI), when the
/// file has one and the query is not by département: it is no territory, and is left out.
pub fn technical_row_notice(txcouv: &Table, level: Level) -> Result<Option<Notice>> {
    let codes = txcouv.df.column("code")?.str()?;
    let found = codes.iter().any(|c| c == Some(TECHNICAL_CODE));
    Ok(
        (found && level != Level::Departement).then(|| Notice::TechnicalRow {
            file: txcouv.source.clone(),
        }),
    )
}

/// How far a published global rate may be from the sum of its published parts: each of the five numbers is
/// rounded to 0,1 by the Cnaf, so each is off by 0,05 at most.
const ROUNDING_SLACK: f64 = 0.05 * (PUBLISHED_PARTS.len() + 1) as f64 + 1e-9;

/// Checks a Cnaf rates file against what a query takes from it: rows of `year` (its `annee` column, when it
/// has one: a file of the portal holds every year), and every global rate of that year equal to the sum of its
/// parts up to the rounding (a rate of 12 345 whose parts add up to 57 is a broken cell, not a rate to map).
pub fn check_published(txcouv: &Table, year: u16) -> Result<()> {
    let df = match txcouv.df.column("annee") {
        Ok(_) => rows_of_year(&txcouv.source, txcouv.df.clone(), ("annee", year))?.0,
        Err(_) => txcouv.df.clone(),
    };
    if df.height() == 0 {
        let mut years: Vec<String> = cells(&txcouv.df, "annee")?
            .iter()
            .filter_map(|y| y.value().map(|y| y.to_string()))
            .collect();
        years.sort();
        years.dedup();
        return Err(Error::new(format!("aucune ligne de l'année {year}"))
            .file(&txcouv.source)
            .column("annee")
            .hint(format!(
                "années du fichier : {} ; donnez le fichier des taux de {year}, ou corrigez « annee » dans [couverture]",
                crate::format::code_list(&years)
            )));
    }
    if PUBLISHED_PARTS.iter().any(|(p, _)| df.column(p).is_err()) {
        return Ok(());
    }
    let lines = df.column(LINE_COLUMN)?.u32()?;
    let line = |i: usize| lines.get(i).unwrap_or(0) as usize;
    let rates = cells(&df, RATE)?;
    let parts: Vec<Vec<Cell>> = PUBLISHED_PARTS
        .iter()
        .map(|(p, _)| cells(&df, p))
        .collect::<Result<_>>()?;
    for (i, rate) in rates.iter().enumerate() {
        let Some(rate) = rate.value() else { continue };
        let Some(sum) = parts.iter().map(|p| p[i].value()).sum::<Option<f64>>() else {
            continue;
        };
        if (rate - sum).abs() > ROUNDING_SLACK {
            return Err(Error::new(format!(
                "taux global {} loin de la somme de ses composantes ({}) : au plus {} d'écart dû aux arrondis",
                crate::format::decimal(rate, 1),
                crate::format::decimal(sum, 1),
                crate::format::decimal(ROUNDING_SLACK, 2)
            ))
            .file(&txcouv.source)
            .line(line(i))
            .column(RATE)
            .hint("vérifiez la cellule du taux et celles des composantes sur cette ligne (virgule, chiffre en trop ?)"));
        }
    }
    Ok(())
}

/// The published rate of one reference row (`dep` with its code, or `nat`).
pub fn published_reference(txcouv: &Table, niveau: &str, code: Option<&str>) -> Result<Cell> {
    let df = &txcouv.df;
    let levels = df.column("niveau")?.str()?;
    let codes = df.column("code")?.str()?;
    let rates = cells(df, RATE)?;
    let found: Vec<usize> = (0..df.height())
        .filter(|&i| levels.get(i) == Some(niveau) && code.is_none_or(|c| codes.get(i) == Some(c)))
        .collect();
    match found.as_slice() {
        [i] => Ok(rates[*i]),
        [] => Err(Error::new(format!(
            "pas de ligne de référence « {niveau} »{} dans le fichier des taux",
            code.map(|c| format!(" pour le code {c}"))
                .unwrap_or_default()
        ))
        .file(&txcouv.source)
        .hint(
            "donnez la valeur de référence dans la requête, ou utilisez un fichier qui la publie",
        )),
        _ => Err(
            Error::new(format!("plusieurs lignes de référence « {niveau} »"))
                .file(&txcouv.source)
                .hint("gardez une seule ligne nationale dans le fichier"),
        ),
    }
}

/// The columns of a raw-components table (one row per commune).
#[derive(Debug, Clone, PartialEq)]
pub struct Components {
    /// The commune code column.
    pub commune: String,
    /// Place columns (EAJE PSU, hors PSU, assistants maternels, salariés à
    /// domicile, préscolarisation) with their labels.
    pub places: Vec<(String, String)>,
    /// Children under 3 column.
    pub children: String,
}

/// The coverage of the territories reached by a components file.
#[derive(Debug)]
pub struct ComponentCoverage {
    /// The territories some row reaches, by number (their rank in [`Territory::codes`]), in
    /// order: only they have a rate.
    pub reached: Vec<usize>,
    /// Over the territories reached: `txcouv` (indicator 0), then the rate of each place column.
    pub rates: Values,
    pub notices: Vec<Notice>,
    /// The rate over all the territories reached (missing when one lacks a count).
    pub overall: Cell,
}

impl ComponentCoverage {
    /// The rank among the territories reached of territory number `t` (its rates'
    /// territory in [`ComponentCoverage::rates`]), when a row reaches it.
    pub fn rank_of(&self, t: usize) -> Option<usize> {
        self.reached.binary_search(&t).ok()
    }
}

/// The place columns and the children of a components file on the communes of the query's COG,
/// read once for every level they are summed into: each row's commune by its rank in the COG,
/// and each column's cells (see [`Components::inputs`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CommuneCells {
    pub ranks: Vec<usize>,
    pub columns: Vec<Vec<Cell>>,
}

impl Components {
    /// The columns summed: the places, then the children.
    pub fn inputs(&self) -> Vec<&str> {
        let places = self.places.iter().map(|p| p.0.as_str());
        places.chain([self.children.as_str()]).collect()
    }
}

impl CommuneCells {
    /// The inputs of `cols` in `table`, a file of the query's COG: a commune unknown to it is
    /// an error.
    pub fn of_table(table: &Table, cols: &Components, territory: &Territory) -> Result<Self> {
        let df = &table.df;
        let codes = df.column(&cols.commune)?.str()?;
        let lines = df.column(LINE_COLUMN)?.u32()?;
        let mut ranks = Vec::with_capacity(df.height());
        for (i, code) in codes.iter().enumerate() {
            let code = code.unwrap_or("");
            let Some((rank, _)) = territory.communes.get_full(code) else {
                return Err(Error::new("commune inconnue du COG de la requête")
                    .file(&table.source)
                    .line(lines.get(i).unwrap_or(0) as usize)
                    .column(&cols.commune)
                    .code(code)
                    .hint("vérifiez le code ; un fichier d'un COG plus ancien se déclare par « millesime_fichier » dans [couverture.composantes], avec la table des mouvements"));
            };
            ranks.push(rank);
        }
        let columns = cols
            .inputs()
            .iter()
            .map(|c| cells(df, c))
            .collect::<Result<_>>()?;
        Ok(CommuneCells { ranks, columns })
    }
}

/// Coverage as a ratio of sums over the communes of each territory of `level`: `txcouv` and
/// one rate per part (`txcouv_<column>`) of the summed places over the summed children, each
/// a ratio indicator of the model (a sum touching a secret cell is secret).
pub fn from_components(
    rows: &CommuneCells,
    cols: &Components,
    territory: &Territory,
    level: Level,
) -> Result<ComponentCoverage> {
    let mut without_parent = BTreeSet::new();
    // The territories by number (their rank in code order), each row's territory, and the
    // communes of each reached, to tell those the file covers in part.
    let targets = territory.codes(level);
    let mut linked = vec![false; territory.communes.len()];
    let mut reached = vec![0; targets.len()];
    let of_row: Vec<Option<usize>> = rows
        .ranks
        .iter()
        .map(|&rank| {
            let parent = territory.parent_number(level, rank);
            if parent.is_none() {
                without_parent.insert(territory.communes.value_at(rank).code.clone());
            }
            // Each commune counts once in its territory.
            if let (false, Some(t)) = (std::mem::replace(&mut linked[rank], true), parent) {
                reached[t] += 1;
            }
            parent
        })
        .collect();
    let mut notices = Vec::new();
    // A territory whose communes are not all in the file is computed on those
    // present: say which, since an absent commune is not a commune with no place.
    let incomplete: BTreeSet<&str> = reached
        .iter()
        .enumerate()
        .filter(|&(t, &n)| n > 0 && n < territory.commune_count_at(level, t))
        .map(|(t, _)| targets[t])
        .collect();
    if !incomplete.is_empty() {
        notices.push(Notice::Incomplete {
            codes: incomplete.into_iter().map(str::to_string).collect(),
        });
    }
    if !without_parent.is_empty() {
        notices.push(Notice::CommunesWithoutParent {
            level,
            codes: without_parent.into_iter().map(String::from).collect(),
        });
    }

    let summed = engine::sum_cells(targets.len(), &of_row, &rows.columns);
    // The territories reached alone are evaluated, so that the overall rate is theirs.
    let columns: Vec<Vec<Cell>> = summed
        .columns
        .iter()
        .map(|c| summed.reached.iter().map(|&t| c[t]).collect())
        .collect();
    // The rate and each part are ratios of the summed places over the summed children.
    let column = |name: &str| ColumnRef {
        source: 0,
        column: name.to_string(),
    };
    let ratio = |name: String, places: Vec<ColumnRef>| Indicator {
        label: name.clone(),
        name,
        kind: Kind::Ratio {
            numerator: places,
            denominator: vec![column(&cols.children)],
            scale: 100.0,
        },
    };
    let mut indicators = vec![ratio(
        RATE.to_string(),
        cols.places.iter().map(|p| column(&p.0)).collect(),
    )];
    indicators.extend(
        cols.places
            .iter()
            .map(|p| ratio(format!("{RATE}_{}", p.0), vec![column(&p.0)])),
    );
    let inputs = cols.inputs();
    let by_column = |c: &ColumnRef| {
        let i = inputs
            .iter()
            .position(|n| *n == c.column)
            .expect("an input");
        columns[i].as_slice()
    };
    let rates = evaluate(&indicators, &by_column, summed.reached.len());
    Ok(ComponentCoverage {
        overall: rates.total_of_all(0),
        reached: summed.reached,
        rates,
        notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{self, ColumnKind, ColumnSpec, TableSpec, layouts};
    use polars::prelude::Column;

    fn table(dir: &std::path::Path, name: &str, text: &str, spec: &TableSpec) -> Table {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        ingest::read_table(&p, spec).unwrap()
    }

    /// Two EPCI of two communes each, one commune with a secret cell.
    fn fixture(dir: &std::path::Path) -> (Territory, Table, Components) {
        let communes = table(
            dir,
            "communes.csv",
            "code_commune,nom_commune,dep,reg,population_municipale,siren_epci,nom_epci,type_epci\n\
             63001,A,63,84,100,200000001,CC Un,CC\n\
             63002,B,63,84,100,200000001,CC Un,CC\n\
             63003,C,63,84,100,200000002,CC Deux,CC\n\
             63004,D,63,84,100,200000002,CC Deux,CC\n\
             63005,E,63,84,100,,,\n",
            &layouts::communes_epci(),
        );
        let deps = table(
            dir,
            "deps.csv",
            "DEP,REG,LIBELLE\n63,84,Puy-de-Dôme\n",
            &layouts::departements(),
        );
        let territory = Territory::from_tables(&communes, &deps).unwrap();
        let spec = TableSpec {
            columns: vec![
                ColumnSpec::required("com", ColumnKind::Code(crate::ingest::CodeKind::Commune)),
                ColumnSpec::required("psu", ColumnKind::Number(crate::ingest::Quantity::Count)),
                ColumnSpec::required("am", ColumnKind::Number(crate::ingest::Quantity::Count)),
                ColumnSpec::required(
                    "enfants",
                    ColumnKind::Number(crate::ingest::Quantity::Count),
                ),
            ],
            secret_markers: vec!["s".into()],
            unique: vec!["com".into()],
            sheet: None,
        };
        let components = table(
            dir,
            "places.csv",
            "com;psu;am;enfants\n63001;10;30;100\n63002;0;5;10\n63003;s;10;50\n63004;20;10;50\n63005;1;1;2\n",
            &spec,
        );
        let cols = Components {
            commune: "com".into(),
            places: vec![
                ("psu".into(), "EAJE PSU".into()),
                ("am".into(), "AM".into()),
            ],
            children: "enfants".into(),
        };
        (territory, components, cols)
    }

    #[test]
    fn ratio_of_sums_with_parts_and_secret_propagation() {
        let dir = tempfile::tempdir().unwrap();
        let (territory, components, cols) = fixture(dir.path());
        let rows = CommuneCells::of_table(&components, &cols, &territory).unwrap();
        let computed = from_components(&rows, &cols, &territory, Level::Epci).unwrap();
        let epci = territory.codes(Level::Epci);
        let reached: Vec<&str> = computed.reached.iter().map(|&t| epci[t]).collect();
        assert_eq!(reached, ["200000001", "200000002"]);
        // Indicators: txcouv, txcouv_psu, txcouv_am.
        let (un, deux) = (
            computed.rates.of_territory(0),
            computed.rates.of_territory(1),
        );
        // CC Un: (10 + 30 + 0 + 5) / (100 + 10) = 40,909…, not the mean of 40 and 50.
        assert!((un[0].value().unwrap() - 4500.0 / 110.0).abs() < 1e-12);
        assert!((un[1].value().unwrap() - 1000.0 / 110.0).abs() < 1e-12);
        // CC Deux: one secret cell makes the sum, and the rate, secret; a part without secret
        // stays known.
        assert_eq!(deux, [Cell::Secret, Cell::Secret, Cell::Value(20.0)]);
        assert_eq!(computed.rank_of(1), Some(1));
        assert_eq!(computed.rank_of(2), None);
        // The commune without EPCI is excluded and said so.
        assert!(
            computed.notices.contains(&Notice::CommunesWithoutParent {
                level: Level::Epci,
                codes: vec!["63005".into()]
            }),
            "{:?}",
            computed.notices
        );
        // The overall rate is secret, as CC Deux's is.
        assert_eq!(computed.overall, Cell::Secret);
    }

    #[test]
    fn a_commune_unknown_to_the_cog_is_an_error_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let (territory, mut components, cols) = fixture(dir.path());
        let codes = ["63001", "63002", "99999", "63004", "63005"];
        components
            .df
            .replace("com", Column::new("com".into(), codes))
            .unwrap();
        let err = CommuneCells::of_table(&components, &cols, &territory).unwrap_err();
        assert_eq!(err.message, "commune inconnue du COG de la requête");
        let said = err.to_string();
        assert!(said.contains("99999") && said.contains("ligne 4"), "{said}");
    }

    #[test]
    fn departement_level_sums_every_commune() {
        let dir = tempfile::tempdir().unwrap();
        let (territory, components, cols) = fixture(dir.path());
        let rows = CommuneCells::of_table(&components, &cols, &territory).unwrap();
        let computed = from_components(&rows, &cols, &territory, Level::Departement).unwrap();
        assert_eq!(computed.reached, [0]);
        assert_eq!(computed.rates.of(0), [Cell::Secret]);
        assert!(computed.notices.is_empty(), "{:?}", computed.notices);
    }

    #[test]
    fn published_rates_exclude_the_technical_row() {
        let caf = ingest::read_table(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/caf/txcouv-pe-2023-5dep.csv"
            )),
            &layouts::txcouv(),
        )
        .unwrap();
        let notice = technical_row_notice(&caf, Level::Epci).unwrap().unwrap();
        assert_eq!(
            notice.to_string(),
            format!(
                "{} : ligne technique « XX » (communes sans EPCI) reconnue et exclue",
                caf.source.display()
            )
        );
        assert_eq!(
            technical_row_notice(&caf, Level::Departement).unwrap(),
            None
        );
        assert_eq!(
            published_reference(&caf, "nat", None).unwrap(),
            Cell::Value(60.9)
        );
        assert_eq!(
            published_reference(&caf, "dep", Some("63")).unwrap(),
            Cell::Value(64.2)
        );
        let err = published_reference(&caf, "dep", Some("01")).unwrap_err();
        assert!(err.to_string().contains("txcouv-pe-2023-5dep.csv"), "{err}");
    }
}

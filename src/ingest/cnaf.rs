//! The Cnaf's coverage and places files as its open-data portal publishes them: one file per
//! level (`txcouv_pe_com`, `_epci`, `_dep`, `_reg`, `_nat`), the level in every column name
//! (`numepci`, `txcouv_eaje_epci`, `pl_eaje_epci`). Recognised from its header, such a file
//! is read as one level of the long layout of `data/caf/` (`annee, niveau, code, libelle`,
//! then each column without its level suffix): the engine and the queries know one layout.
//! The older commune file (`TAUXCOUV{année}.csv`) is read into the same layout, a row of it
//! giving the rows of its commune, its EPCI, its département and France.

use std::collections::HashMap;
use std::path::Path;

use ::csv::StringRecord;

use super::CodeKind;
use super::text::normalize_code;
use crate::error::{Error, Result};

/// The level of a published file, as the suffix of its columns says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CafLevel {
    Com,
    Epci,
    Dep,
    Reg,
    Nat,
}

const LEVELS: [CafLevel; 5] = [
    CafLevel::Com,
    CafLevel::Epci,
    CafLevel::Dep,
    CafLevel::Reg,
    CafLevel::Nat,
];

/// The measures of the published files, without their level suffix.
const MEASURES: [&str; 13] = [
    "txcouv",
    "txcouv_psu_col",
    "txcouv_hors_psu_col",
    "txcouv_eaje",
    "txcouv_am_ind",
    "txcouv_gad_ind",
    "txcouv_ind",
    "txcouv_prescol",
    "pl_eaje",
    "pl_am_ind",
    "pl_gad_ind",
    "pl_prescol",
    "tot_offre",
];

/// Code and name written in the long layout for the national row, which the `_nat` file has
/// no column for.
const NATIONAL: (&str, &str) = ("FRANCE", "France");

impl CafLevel {
    /// Its word in the `niveau` column of the long layout, and the suffix of its columns.
    pub fn word(self) -> &'static str {
        match self {
            CafLevel::Com => "com",
            CafLevel::Epci => "epci",
            CafLevel::Dep => "dep",
            CafLevel::Reg => "reg",
            CafLevel::Nat => "nat",
        }
    }

    /// Its territories, in French (« des EPCI »).
    pub fn territories(self) -> &'static str {
        match self {
            CafLevel::Com => "des communes",
            CafLevel::Epci => "des EPCI",
            CafLevel::Dep => "des départements",
            CafLevel::Reg => "des régions",
            CafLevel::Nat => "de la France",
        }
    }

    /// The columns of its code and of its name (none in the national file).
    fn code_and_name(self) -> Option<(&'static str, &'static str)> {
        match self {
            CafLevel::Com => Some(("numcom", "nomcom")),
            CafLevel::Epci => Some(("numepci", "nomepci")),
            CafLevel::Dep => Some(("numdep", "nomdep")),
            CafLevel::Reg => Some(("numregi", "nomregi")),
            CafLevel::Nat => None,
        }
    }

    /// The published names of `measure` at this level: suffixed, and for the national file
    /// the shorter spellings it is known to use (`txcouv_am_nat`, `txcouv_psu_nat`).
    fn spellings(self, measure: &str) -> Vec<String> {
        let mut names = vec![format!("{measure}_{}", self.word())];
        if self == CafLevel::Nat {
            let short = measure
                .strip_suffix("_ind")
                .or_else(|| measure.strip_suffix("_col"))
                .filter(|s| *s != "txcouv");
            if let Some(short) = short {
                names.push(format!("{short}_nat"));
            }
        }
        names
    }
}

/// Where a column of the long layout is in a published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// The file's column of that name.
    Column(String),
    /// No column: the same word on every row (the level, the national code).
    Constant(&'static str),
}

/// A file recognised as published by the Cnaf portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub level: CafLevel,
}

impl Published {
    /// The published layout the header `names` is of, if any: the level whose suffix one of
    /// its measures carries (a commune file also has `numepci` and `numdep`, but its rates
    /// end in `_com`).
    pub fn recognise(names: &[&str]) -> Option<Published> {
        LEVELS
            .into_iter()
            .find(|level| {
                let codes = level
                    .code_and_name()
                    .is_none_or(|(code, _)| names.contains(&code));
                codes
                    && MEASURES.iter().any(|m| {
                        level
                            .spellings(m)
                            .iter()
                            .any(|s| names.contains(&s.as_str()))
                    })
            })
            .map(|level| Published { level })
    }

    /// Where column `name` of the long layout is in the file of header `names`; `None`: the
    /// file does not publish it.
    pub fn field(&self, name: &str, names: &[&str]) -> Option<Field> {
        let level = self.level;
        let column = |c: &str| names.contains(&c).then(|| Field::Column(c.to_string()));
        match (name, level.code_and_name()) {
            ("niveau", _) => Some(Field::Constant(level.word())),
            ("annee", _) => column("annee"),
            ("code", Some((code, _))) => column(code),
            ("libelle", Some((_, label))) => column(label),
            ("code", None) => Some(Field::Constant(NATIONAL.0)),
            ("libelle", None) => Some(Field::Constant(NATIONAL.1)),
            (measure, _) if MEASURES.contains(&measure) => {
                level.spellings(measure).iter().find_map(|s| column(s))
            }
            _ => None,
        }
    }

    /// The technical row of the EPCI file (`XX`, the communes without EPCI): its code
    /// column, its code, and the level it is read at, that of the simplified layout, so that
    /// it is no EPCI.
    pub fn technical_row(&self) -> Option<(&'static str, &'static str, &'static str)> {
        (self.level == CafLevel::Epci).then_some(("numepci", "XX", "epci_placeholder"))
    }

    /// What the file is, in French, for the messages that name it.
    pub fn describe(&self) -> String {
        format!(
            "fichier de la Cnaf {} (colonnes en « _{} »)",
            self.level.territories(),
            self.level.word()
        )
    }
}

/// The columns of the older commune file, in the order [`OldCommuneFile`] reads them: the
/// commune, its EPCI, then the rates of the commune, the EPCI, the département and France
/// (`tauxcouv_reg` is left aside: the file gives no code for the région).
const OLD_COLUMNS: [&str; 8] = [
    "NUM_COM",
    "NOM_COM",
    "NUM_EPCI",
    "NOM_EPCI",
    "tauxcouv_com",
    "tauxcouv_epci",
    "tauxcouv_dep",
    "tauxcouv_fe",
];

/// The Cnaf's older commune file (`TAUXCOUV{année}.csv`): one row per commune, with the rates
/// of the commune and of the EPCI, the département and France it is in, the year in the file's
/// name. Its rows are read as those of the long layout (`annee, niveau, code, libelle, txcouv`):
/// the commune's, and once each the EPCI's, the département's and France's, which every commune
/// repeats and must repeat alike.
#[derive(Debug)]
pub struct OldCommuneFile {
    year: String,
    /// Where each of [`OLD_COLUMNS`] is in the file.
    fields: [usize; 8],
    /// The rows of the upper levels given already: their rate and line.
    given: HashMap<(&'static str, String), (String, u32)>,
}

impl OldCommuneFile {
    /// The file of header `names` at `path`, if it is one; a name without its year is an error.
    pub fn recognise(path: &Path, names: &[&str]) -> Result<Option<OldCommuneFile>> {
        let mut fields = [0; 8];
        for (field, column) in fields.iter_mut().zip(OLD_COLUMNS) {
            match names.iter().position(|n| *n == column) {
                Some(at) => *field = at,
                None => return Ok(None),
            }
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_uppercase())
            .unwrap_or_default();
        let year = stem
            .find("TAUXCOUV")
            .and_then(|at| stem.get(at + 8..at + 12))
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()));
        let Some(year) = year else {
            return Err(Error::new(
                "fichier TAUXCOUV de la Cnaf dont le nom ne dit pas l'année",
            )
            .file(path)
            .hint("gardez-lui son nom de la Cnaf, TAUXCOUV suivi de l'année (ex. TAUXCOUV2019.csv)"));
        };
        Ok(Some(OldCommuneFile {
            year: year.to_string(),
            fields,
            given: HashMap::new(),
        }))
    }

    /// The header of the rows it gives.
    pub fn header() -> StringRecord {
        StringRecord::from(vec!["annee", "niveau", "code", "libelle", "txcouv"])
    }

    /// The rows of the long layout in `row`, found at `line`: its commune's, then its EPCI's, its
    /// département's and France's the first time each is met. A territory given two different
    /// rates is an error (its two lines), in French.
    pub fn rows(
        &mut self,
        row: &StringRecord,
        line: u32,
    ) -> std::result::Result<Vec<StringRecord>, Error> {
        let cell = |i: usize| row.get(self.fields[i]).unwrap_or("").trim();
        // The commune's code with a lost zero put back, and its département.
        let commune = normalize_code(CodeKind::Commune, cell(0)).unwrap_or(cell(0).into());
        let departement = (commune.len() == 5).then(|| match commune.starts_with("97") {
            true => commune[..3].to_string(),
            false => commune[..2].to_string(),
        });
        let mut rows = vec![StringRecord::from(vec![
            self.year.as_str(),
            "com",
            &commune,
            cell(1),
            cell(4),
        ])];
        let upper = [
            ("epci", Some(cell(2).to_string()), cell(3), cell(5)),
            ("dep", departement, "", cell(6)),
            ("nat", Some(NATIONAL.0.to_string()), NATIONAL.1, cell(7)),
        ];
        for (level, code, name, rate) in upper {
            let Some(code) = code.filter(|c| !c.is_empty()) else {
                continue;
            };
            match self.given.get(&(level, code.clone())) {
                Some((given, _)) if given == rate => {}
                Some((given, at)) => {
                    return Err(Error::new(format!(
                        "deux taux pour {} {code} : {given} (ligne {at}) et {rate}",
                        match level {
                            "epci" => "l'EPCI",
                            "dep" => "le département",
                            _ => "la France",
                        }
                    ))
                    .line(line as usize)
                    .hint("un fichier TAUXCOUV répète sur chaque commune le taux de son EPCI, de son département et de la France : corrigez la ligne"));
                }
                None => {
                    self.given
                        .insert((level, code.clone()), (rate.to_string(), line));
                    rows.push(StringRecord::from(vec![
                        self.year.as_str(),
                        level,
                        &code,
                        name,
                        rate,
                    ]));
                }
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPCI: &[&str] = &[
        "annee",
        "numepci",
        "nomepci",
        "numdep",
        "nomdep",
        "txcouv_psu_col_epci",
        "txcouv_eaje_epci",
        "txcouv_am_ind_epci",
        "txcouv_epci",
    ];

    #[test]
    fn each_level_is_told_by_the_suffix_of_its_measures() {
        let com = [
            "annee",
            "numcom",
            "nomcom",
            "numepci",
            "nomepci",
            "numdep",
            "nomdep",
            "txcouv_com",
        ];
        assert_eq!(Published::recognise(&com).unwrap().level, CafLevel::Com);
        assert_eq!(Published::recognise(EPCI).unwrap().level, CafLevel::Epci);
        let dep = [
            "annee",
            "numdep",
            "nomdep",
            "numregi",
            "nomregi",
            "txcouv_dep",
        ];
        assert_eq!(Published::recognise(&dep).unwrap().level, CafLevel::Dep);
        let places = [
            "annee",
            "numregi",
            "nomregi",
            "pl_eaje_reg",
            "tot_offre_reg",
        ];
        assert_eq!(Published::recognise(&places).unwrap().level, CafLevel::Reg);
        let nat = ["annee", "txcouv_am_nat", "txcouv_nat"];
        assert_eq!(Published::recognise(&nat).unwrap().level, CafLevel::Nat);
        // The long layout and other tables are no published file.
        let long = [
            "annee",
            "niveau",
            "code",
            "libelle",
            "txcouv",
            "txcouv_eaje",
        ];
        assert_eq!(Published::recognise(&long), None);
        // A rate of the EPCI level without the EPCI codes is not the EPCI file.
        assert_eq!(Published::recognise(&["txcouv_epci"]), None);
    }

    #[test]
    fn the_long_layout_columns_are_found_in_a_published_file() {
        let epci = Published {
            level: CafLevel::Epci,
        };
        let field = |name| epci.field(name, EPCI);
        assert_eq!(field("niveau"), Some(Field::Constant("epci")));
        assert_eq!(field("code"), Some(Field::Column("numepci".into())));
        assert_eq!(field("libelle"), Some(Field::Column("nomepci".into())));
        assert_eq!(field("txcouv"), Some(Field::Column("txcouv_epci".into())));
        assert_eq!(
            field("txcouv_am_ind"),
            Some(Field::Column("txcouv_am_ind_epci".into()))
        );
        assert_eq!(field("txcouv_prescol"), None);
        assert_eq!(field("numdep"), None);
    }

    #[test]
    fn the_national_file_has_a_constant_code_and_its_own_spellings() {
        let names = [
            "annee",
            "txcouv_psu_nat",
            "txcouv_am_nat",
            "txcouv_eaje_nat",
            "txcouv_nat",
        ];
        let nat = Published::recognise(&names).unwrap();
        assert_eq!(nat.field("code", &names), Some(Field::Constant("FRANCE")));
        assert_eq!(
            nat.field("txcouv_am_ind", &names),
            Some(Field::Column("txcouv_am_nat".into()))
        );
        assert_eq!(
            nat.field("txcouv_psu_col", &names),
            Some(Field::Column("txcouv_psu_nat".into()))
        );
        assert_eq!(
            nat.field("txcouv_eaje", &names),
            Some(Field::Column("txcouv_eaje_nat".into()))
        );
        assert_eq!(
            nat.field("txcouv", &names),
            Some(Field::Column("txcouv_nat".into()))
        );
    }

    fn old_file(name: &str) -> Result<Option<OldCommuneFile>> {
        OldCommuneFile::recognise(Path::new(name), &OLD_COLUMNS)
    }

    #[test]
    fn the_older_commune_file_gives_each_upper_row_once() {
        let mut file = old_file("données/TauxCouv2019.csv").unwrap().unwrap();
        let record = |cells: &[&str]| StringRecord::from(cells.to_vec());
        let rows = file
            .rows(
                &record(&[
                    "1001",
                    "L'Abergement",
                    "200069193",
                    "CC de la Dombes",
                    "",
                    "52,1",
                    "61,3",
                    "60,9",
                ]),
                2,
            )
            .unwrap();
        let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().collect()).collect();
        assert_eq!(
            rows,
            [
                vec!["2019", "com", "01001", "L'Abergement", ""],
                vec!["2019", "epci", "200069193", "CC de la Dombes", "52,1"],
                vec!["2019", "dep", "01", "", "61,3"],
                vec!["2019", "nat", "FRANCE", "France", "60,9"],
            ]
        );
        // The next commune of the same EPCI gives its own row only.
        let next = file
            .rows(
                &record(&[
                    "01002",
                    "B",
                    "200069193",
                    "CC de la Dombes",
                    "40",
                    "52,1",
                    "61,3",
                    "60,9",
                ]),
                3,
            )
            .unwrap();
        assert_eq!(next.len(), 1);
        let e = file
            .rows(
                &record(&[
                    "01003",
                    "C",
                    "200069193",
                    "CC de la Dombes",
                    "",
                    "52,1",
                    "61,4",
                    "60,9",
                ]),
                4,
            )
            .unwrap_err();
        assert!(
            e.message
                .contains("deux taux pour le département 01 : 61,3 (ligne 2) et 61,4"),
            "{e}"
        );
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn the_older_commune_file_is_known_by_its_columns_and_needs_its_year_in_its_name() {
        assert!(
            OldCommuneFile::recognise(Path::new("TAUXCOUV2019.csv"), EPCI)
                .unwrap()
                .is_none()
        );
        let e = old_file("taux-communes.csv").unwrap_err();
        assert!(e.message.contains("ne dit pas l'année"), "{e}");
    }
}

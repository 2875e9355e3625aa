//! The Cnaf's coverage and places files as its open-data portal publishes them: one file per
//! level (`txcouv_pe_com`, `_epci`, `_dep`, `_reg`, `_nat`), the level in every column name
//! (`numepci`, `txcouv_eaje_epci`, `pl_eaje_epci`). Recognised from its header, such a file
//! is read as one level of the long layout of `data/caf/` (`annee, niveau, code, libelle`,
//! then each column without its level suffix): the engine and the queries know one layout.

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
}

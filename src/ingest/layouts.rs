//! Table specs of the real files the engine reads (column names exactly as published). Callers may adjust the
//! returned spec, e.g. to add a column or change the sheet.

use super::CodeKind::{Commune, Departement, Epci, Free, Iris, Region};
use super::ColumnKind::{Code, Number, Text};
use super::Quantity::{Count, Rate, Year};
use super::{ColumnSpec, TableSpec};

fn spec(columns: Vec<ColumnSpec>, secret_markers: &[&str], unique: &[&str]) -> TableSpec {
    TableSpec {
        columns,
        secret_markers: secret_markers.iter().map(|m| m.to_string()).collect(),
        unique: unique.iter().map(|u| u.to_string()).collect(),
        sheet: None,
    }
}

fn optional_numbers(names: &[&str]) -> Vec<ColumnSpec> {
    names
        .iter()
        .map(|name| ColumnSpec::optional(name, Number(Rate)))
        .collect()
}

/// Cnaf taux de couverture petite enfance (`txcouv-pe-*.csv`): one row per year, territory and `niveau` (`nat`,
/// `reg`, `dep`, `epci`, `com`, and the technical row `XX`); the global rate and its parts. The portal's files
/// (`txcouv_pe_epci`…) are read in this layout (see [`super::cnaf`]).
pub fn txcouv() -> TableSpec {
    let mut columns = vec![
        ColumnSpec::optional("annee", Number(Year)),
        ColumnSpec::required("niveau", Text),
        ColumnSpec::required("code", Code(Free)),
        ColumnSpec::optional("libelle", Text),
        ColumnSpec::required("txcouv", Number(Rate)),
    ];
    columns.extend(optional_numbers(&[
        "txcouv_eaje",
        "txcouv_am_ind",
        "txcouv_prescol",
        "txcouv_gad_ind",
    ]));
    spec(columns, &["", "s"], &["annee", "niveau", "code"])
}

/// INSEE COG commune list (`v_commune_*.csv`). COMD/COMA/ARM rows repeat codes (no unique key) and have no
/// `DEP`/`REG` but a `COMPARENT`, empty on ordinary communes: those three may be empty (null).
pub fn cog_communes() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("TYPECOM", Text),
        ColumnSpec::required("COM", Code(Commune)),
        ColumnSpec::optional("DEP", Code(Departement)),
        ColumnSpec::optional("REG", Code(Region)),
        ColumnSpec::required("LIBELLE", Text),
        ColumnSpec::optional("COMPARENT", Code(Commune)),
    ];
    spec(columns, &[], &[])
}

/// Commune → EPCI with municipal population (`communes-epci-population-*.csv`); `siren_epci` is empty for the
/// communes outside any EPCI (islands).
pub fn communes_epci() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("code_commune", Code(Commune)),
        ColumnSpec::required("nom_commune", Text),
        ColumnSpec::required("dep", Code(Departement)),
        ColumnSpec::required("reg", Code(Region)),
        ColumnSpec::required("population_municipale", Number(Count)),
        ColumnSpec::optional("siren_epci", Code(Epci)),
        ColumnSpec::required("nom_epci", Text),
        ColumnSpec::optional("type_epci", Text),
    ];
    spec(columns, &[], &["code_commune"])
}

/// INSEE commune → EPCI composition (`EPCI_*.csv`). `EPCI` is Free: INSEE writes `ZZZZZZZZZ` for communes
/// without EPCI.
pub fn epci_composition_insee() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("CODGEO", Code(Commune)),
        ColumnSpec::optional("LIBGEO", Text),
        ColumnSpec::required("EPCI", Code(Free)),
        ColumnSpec::optional("LIBEPCI", Text),
        ColumnSpec::optional("DEP", Code(Departement)),
        ColumnSpec::optional("REG", Code(Region)),
    ];
    spec(columns, &[], &["CODGEO"])
}

/// DGCL list of EPCI à fiscalité propre and their member communes (`epcicom.xlsx`, first sheet, e.g.
/// `Epcicom2025`). The member populations carry the year in their name (`pmun_2025`): take them from
/// [`populations`] instead.
pub fn epci_composition_dgcl() -> TableSpec {
    let columns = vec![
        ColumnSpec::optional("dept", Code(Departement)),
        ColumnSpec::required("siren", Code(Epci)),
        ColumnSpec::required("raison_sociale", Text),
        ColumnSpec::optional("nature_juridique", Text),
        ColumnSpec::optional("nb_membres", Number(Count)),
        ColumnSpec::optional("total_pop_mun", Number(Count)),
        ColumnSpec::optional("dep_com", Code(Departement)),
        ColumnSpec::required("insee", Code(Commune)),
        ColumnSpec::optional("nom_membre", Text),
    ];
    spec(columns, &[], &["insee"])
}

/// INSEE Filosofi disposable income (`FILO*_DISP_EPCI.csv`, `FILO*_DISP_COM.csv`): `CODGEO` is an EPCI or a
/// commune, so Free. Empty cells are secret.
pub fn filosofi() -> TableSpec {
    let mut columns = vec![
        ColumnSpec::required("CODGEO", Code(Free)),
        ColumnSpec::optional("LIBGEO", Text),
    ];
    columns.extend(optional_numbers(&[
        "NBMEN19", "NBPERS19", "Q219", "PPSOC19", "PPFAM19", "PPMINI19",
    ]));
    spec(columns, &[""], &["CODGEO"])
}

/// INSEE "Données Caf" by IRIS (`caf-iris-*.csv`). Later vintages keep only `CODGEO` and the counts; `EPCI` is
/// the vintage's own code (Free). Empty cells are secret.
pub fn caf_iris() -> TableSpec {
    let mut columns = vec![
        ColumnSpec::required("CODGEO", Code(Iris)),
        ColumnSpec::optional("LIBGEO", Text),
        ColumnSpec::optional("DEPCOM", Code(Commune)),
        ColumnSpec::optional("LIBCOM", Text),
        ColumnSpec::optional("EPCI", Code(Free)),
    ];
    columns.extend(optional_numbers(&[
        "A",
        "PERCOU",
        "AI",
        "AM",
        "ACSSENF",
        "ACAVENF",
        "AC3ENF",
        "ENF",
        "ENF_2",
        "ENF_3_5",
        "ENF_6_10",
        "ENF_11_14",
        "ENF_15_17",
        "ENF_18_24",
        "A_ETUD",
        "A_NETUD_24",
        "AAL",
        "AAPL",
        "AAAH",
        "APPA",
        "ARSAS",
        "APRES50",
        "APRES100",
    ]));
    spec(columns, &[""], &["CODGEO"])
}

/// INSEE COG list of départements (`v_departement_*.csv`): code and name.
pub fn departements() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("DEP", Code(Departement)),
        ColumnSpec::optional("REG", Code(Region)),
        ColumnSpec::required("LIBELLE", Text),
    ];
    spec(columns, &[], &["DEP"])
}

/// INSEE list of régions (`v_region_*.csv`).
pub fn regions() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("REG", Code(Region)),
        ColumnSpec::required("LIBELLE", Text),
    ];
    spec(columns, &[], &["REG"])
}

/// INSEE legal populations (`donnees_communes.csv`): municipal (`PMUN`) and total (`PTOT`).
pub fn populations() -> TableSpec {
    let columns = vec![
        ColumnSpec::required("COM", Code(Commune)),
        ColumnSpec::optional("Commune", Text),
        ColumnSpec::optional("DEP", Code(Departement)),
        ColumnSpec::required("PMUN", Number(Count)),
        ColumnSpec::optional("PTOT", Number(Count)),
    ];
    spec(columns, &[], &["COM"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{TableSpec, read_table, secret_column};
    use polars::prelude::DataFrame;
    use std::path::Path;

    /// The repository: `data/` and the extracts of `tests/fixtures/real/`.
    const DATA: &str = env!("CARGO_MANIFEST_DIR");

    fn read(file: &str, spec: TableSpec) -> DataFrame {
        read_table(&Path::new(DATA).join(file), &spec)
            .unwrap_or_else(|e| panic!("{e}"))
            .df
    }

    /// Index of the first row whose `column` equals `value`.
    fn row(df: &DataFrame, column: &str, value: &str) -> usize {
        df.column(column)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .position(|v| v == Some(value))
            .unwrap()
    }

    fn text(df: &DataFrame, column: &str, i: usize) -> Option<String> {
        df.column(column)
            .unwrap()
            .str()
            .unwrap()
            .get(i)
            .map(str::to_string)
    }

    fn number(df: &DataFrame, column: &str, i: usize) -> Option<f64> {
        df.column(column).unwrap().f64().unwrap().get(i)
    }

    fn secret(df: &DataFrame, column: &str, i: usize) -> bool {
        df.column(&secret_column(column))
            .unwrap()
            .bool()
            .unwrap()
            .get(i)
            .unwrap()
    }

    #[test]
    fn txcouv_2023() {
        let df = read("data/caf/txcouv-pe-2023-5dep.csv", txcouv());
        assert_eq!(df.height(), 145);
        assert_eq!(number(&df, "txcouv", row(&df, "code", "63")), Some(64.2));
        assert_eq!(
            number(&df, "txcouv", row(&df, "code", "FRANCE_HORS_MAYOTTE")),
            Some(60.9)
        );
        let xx = row(&df, "code", "XX");
        assert_eq!(text(&df, "niveau", xx).as_deref(), Some("epci_placeholder"));
        assert_eq!(
            number(&df, "txcouv_gad_ind", row(&df, "code", "26")),
            Some(1.0)
        );
    }

    #[test]
    fn cog_communes_2026() {
        let df = read(
            "tests/fixtures/real/communes-2026-01-2A.csv",
            cog_communes(),
        );
        assert_eq!(df.height(), 553);
        let abergement = row(&df, "COM", "01001");
        assert_eq!(text(&df, "DEP", abergement).as_deref(), Some("01"));
        assert_eq!(text(&df, "COMPARENT", abergement), None);
        let ajaccio = row(&df, "COM", "2A004");
        assert_eq!(text(&df, "REG", ajaccio).as_deref(), Some("94"));
        let delegated = row(&df, "TYPECOM", "COMD");
        assert_eq!(text(&df, "COM", delegated).as_deref(), Some("01015"));
        assert_eq!(text(&df, "DEP", delegated), None);
        assert_eq!(text(&df, "COMPARENT", delegated).as_deref(), Some("01015"));
    }

    #[test]
    fn communes_epci_2026() {
        let df = read(
            "data/cog/communes-epci-population-2026.csv",
            communes_epci(),
        );
        assert_eq!(df.height(), 34_875);
        let i = row(&df, "code_commune", "01001");
        assert_eq!(text(&df, "siren_epci", i).as_deref(), Some("200069193"));
        assert_eq!(number(&df, "population_municipale", i), Some(860.0));
        assert_eq!(
            text(&df, "siren_epci", row(&df, "code_commune", "22016")),
            None
        );
        assert_eq!(
            text(&df, "dep", row(&df, "code_commune", "97101")).as_deref(),
            Some("971")
        );
    }

    #[test]
    fn epci_composition_insee_2020() {
        let df = read(
            "tests/fixtures/real/EPCI_2020-01.csv",
            epci_composition_insee(),
        );
        assert_eq!(df.height(), 397);
        assert_eq!(
            text(&df, "EPCI", row(&df, "CODGEO", "01001")).as_deref(),
            Some("200069193")
        );
        let without = df
            .column("EPCI")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .filter(|e| *e == Some("ZZZZZZZZZ"));
        assert_eq!(without.count(), 4);
    }

    #[test]
    fn epci_composition_dgcl_2025() {
        let df = read(
            "tests/fixtures/real/epcicom-2025-01.xlsx",
            epci_composition_dgcl(),
        );
        assert_eq!(df.height(), 386);
        let i = row(&df, "insee", "01001");
        assert_eq!(text(&df, "siren", i).as_deref(), Some("200069193"));
        assert_eq!(text(&df, "dep_com", i).as_deref(), Some("01"));
    }

    #[test]
    fn filosofi_2019() {
        let df = read("data/insee/FILO2019_DISP_EPCI.csv", filosofi());
        let i = row(&df, "CODGEO", "200000172");
        assert_eq!(number(&df, "Q219", i), Some(25520.0));
        assert_eq!(number(&df, "PPSOC19", i), Some(3.1));
        assert_eq!(number(&df, "PPMINI19", i), Some(1.0));

        let df = read("data/insee/FILO2019_DISP_COM_5dep.csv", filosofi());
        let i = row(&df, "CODGEO", "26001");
        assert_eq!(number(&df, "Q219", i), Some(20620.0));
        assert_eq!(number(&df, "PPSOC19", i), None);
        assert!(secret(&df, "PPSOC19", i) && !secret(&df, "Q219", i));
    }

    #[test]
    fn caf_iris_2016_and_2020() {
        let df = read("data/caf/caf-iris-2016-5dep.csv", caf_iris());
        let i = row(&df, "CODGEO", "260570101");
        assert_eq!(number(&df, "PERCOU", i), Some(1848.0));
        assert_eq!(number(&df, "A", i), Some(879.0));
        assert_eq!(text(&df, "DEPCOM", i).as_deref(), Some("26057"));
        let j = row(&df, "CODGEO", "260570102");
        assert!(secret(&df, "A_ETUD", j) && number(&df, "A_ETUD", j).is_none());

        let df = read("data/caf/caf-iris-2020-5dep.csv", caf_iris());
        let i = row(&df, "CODGEO", "260570101");
        assert_eq!(number(&df, "A", i), Some(953.0));
        assert!(secret(&df, "A_ETUD", i));
        assert!(df.column("DEPCOM").is_err());
    }

    #[test]
    fn departements_2026() {
        let df = read("data/cog/departements.csv", departements());
        assert_eq!(df.height(), 101);
        assert_eq!(
            text(&df, "LIBELLE", row(&df, "DEP", "2A")).as_deref(),
            Some("Corse-du-Sud")
        );
        assert_eq!(
            text(&df, "REG", row(&df, "DEP", "971")).as_deref(),
            Some("01")
        );
    }

    #[test]
    fn populations_2026() {
        let df = read(
            "tests/fixtures/real/donnees_communes-2026-01.csv",
            populations(),
        );
        assert_eq!(df.height(), 391);
        let i = row(&df, "COM", "01001");
        assert_eq!(
            (number(&df, "PMUN", i), number(&df, "PTOT", i)),
            (Some(860.0), Some(876.0))
        );
    }
}

//! Plain indicators ([sources], [indicateurs], [cartes], [tableaux]): the example queries
//! run on the real data, their values checked against a computation made here from the
//! raw files, and the errors of a query that names what does not exist.

use std::collections::BTreeMap;

use crate::common::*;

/// The rows of a CSV for French Excel: cells of each line after the header.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect()
}

/// `x` with one decimal and a decimal comma, as the tables write it.
fn one_decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// The cells of a `;` file with a header, by column name.
fn read_semicolon(path: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let separator = if text.lines().next().unwrap().contains(';') {
        ';'
    } else {
        ','
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(separator).collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(separator))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The EPCI with a commune in département `dep` (COG 2026), by SIREN.
fn epci_of(dep: &str) -> std::collections::BTreeSet<String> {
    read_semicolon("data/cog/communes-epci-population-2026.csv")
        .into_iter()
        .filter(|c| c["dep"] == dep && !c["siren_epci"].is_empty())
        .map(|c| c["siren_epci"].clone())
        .collect()
}

#[test]
fn single_parent_families_by_commune_of_the_herault_are_ratios_of_iris_sums() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-monoparents-communes-34.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: AM and ACAVENF summed over the IRIS of each commune of the Hérault; an empty
    // cell is secret and makes the commune's sum secret.
    let mut sums: BTreeMap<String, (Option<f64>, Option<f64>)> = BTreeMap::new();
    for row in read_semicolon("data/caf/caf-iris-2020-5dep.csv") {
        let commune = row["CODGEO"][..5].to_string();
        if !commune.starts_with("34") {
            continue;
        }
        let entry = sums.entry(commune).or_insert((Some(0.0), Some(0.0)));
        let add = |acc: Option<f64>, cell: &str| Some(acc? + cell.parse::<f64>().ok()?);
        entry.0 = add(entry.0, &row["AM"]);
        entry.1 = add(entry.1, &row["ACAVENF"]).and_then(|d| Some(d + add(Some(0.0), &row["AM"])?));
    }
    let rows = csv_rows(&s.output("34/monoparents-communes-34.csv"));
    // Every commune of the Hérault (COG 2026), then the selection.
    assert_eq!(rows.len(), 341 + 1);
    let by_code: BTreeMap<&str, &Vec<String>> = rows.iter().map(|r| (r[0].as_str(), r)).collect();
    for (code, (am, families)) in &sums {
        let row = by_code[code.as_str()];
        match (am, families) {
            (Some(am), Some(families)) => {
                assert_eq!(row[2], format!("{families}"), "{code}");
                assert_eq!(row[3], one_decimal(100.0 * am / families), "{code}");
            }
            _ => assert_eq!(row[3], "secret", "{code}"),
        }
    }
    // The communes the IRIS file lacks: « donnée absente » (empty), said in the legend.
    let absent = rows
        .iter()
        .filter(|r| r[3].is_empty() && !r[0].is_empty())
        .count();
    assert_eq!(absent, 341 - sums.len());
    let svg = s.output("34/monoparents-communes-34.svg");
    assert!(
        svg.contains(&format!("Donnée absente ({absent})")),
        "legend"
    );
    // Sorted by the share, highest first, the valued communes before the others.
    let shares: Vec<f64> = rows
        .iter()
        .filter_map(|r| r[3].replace(',', ".").parse().ok())
        .collect();
    assert!(shares.windows(2).all(|w| w[0] >= w[1]), "{shares:?}");
    assert!(
        s.dir
            .path()
            .join("out/34/monoparents-communes-34.xlsx")
            .exists()
    );
    assert!(
        s.dir
            .path()
            .join("out/34/monoparents-communes-34.png")
            .exists()
    );
}

#[test]
fn the_first_three_together_are_a_row_of_the_table() {
    let s = Scratch::new();
    let text = std::fs::read_to_string(root().join("queries/indicateur-population-epci-71.toml"))
        .unwrap()
        .replace("\"../data/", &format!("\"{}/data/", root().display()))
        .replace(
            "tri = \"population\"\n",
            "tri = \"population\"\npremiers = 3\n",
        );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&s.output("71/population-epci-71.csv"));
    let number = |cell: &str| cell.replace(',', ".").parse::<f64>().unwrap();
    let (first, together) = (&rows[..3], &rows[3]);
    assert_eq!(together[1], "Ensemble des 3 premiers");
    // Their population summed, and its share of the selection's (the sum of their shares, to the rounding).
    let population: f64 = first.iter().map(|r| number(&r[2])).sum();
    assert_eq!(number(&together[2]), population);
    let shares: f64 = first.iter().map(|r| number(&r[3])).sum();
    assert!(
        (number(&together[3]) - shares).abs() <= 0.15,
        "{together:?} {shares}"
    );
    assert_eq!(rows[4][1], "Ensemble de la sélection");
}

#[test]
fn population_and_households_by_epci_of_saone_et_loire_with_their_shares() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-population-epci-71.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: the municipal population of every commune of an EPCI that has a commune in 71
    // (Beaune's, in the Côte-d'Or, counts whole), and the households of Filosofi 2019.
    let communes = read_semicolon("data/cog/communes-epci-population-2026.csv");
    let in_71: std::collections::BTreeSet<&str> = communes
        .iter()
        .filter(|c| c["dep"] == "71" && !c["siren_epci"].is_empty())
        .map(|c| c["siren_epci"].as_str())
        .collect();
    let mut population: BTreeMap<&str, f64> = BTreeMap::new();
    for c in &communes {
        if in_71.contains(c["siren_epci"].as_str()) {
            *population.entry(c["siren_epci"].as_str()).or_default() +=
                c["population_municipale"].parse::<f64>().unwrap();
        }
    }
    let households: BTreeMap<String, f64> = read_semicolon("data/insee/FILO2019_DISP_EPCI.csv")
        .into_iter()
        .filter(|r| in_71.contains(r["CODGEO"].as_str()))
        .map(|r| (r["CODGEO"].clone(), r["NBMEN19"].parse().unwrap()))
        .collect();
    let total: f64 = population.values().sum();
    let total_households: f64 = households.values().sum();
    let mut rows = csv_rows(&s.output("71/population-epci-71.csv"));
    assert_eq!(rows.len(), population.len() + 2);
    // The département's row: the communes of the Saône-et-Loire alone, summed from the COG;
    // Filosofi by EPCI gives no département.
    let departement = rows.pop().unwrap();
    let in_dep: f64 = communes
        .iter()
        .filter(|c| c["dep"] == "71")
        .map(|c| c["population_municipale"].parse::<f64>().unwrap())
        .sum();
    assert_eq!(
        departement[1..],
        [
            "Saône-et-Loire".to_string(),
            format!("{in_dep}"),
            String::new(),
            String::new(),
            String::new()
        ]
    );
    assert!(in_dep < population.values().sum::<f64>());
    for row in &rows[..rows.len() - 1] {
        let p = population[row[0].as_str()];
        assert_eq!(row[2], format!("{p}"), "{}", row[0]);
        assert_eq!(row[3], one_decimal(100.0 * p / total), "{}", row[0]);
        let h = households[&row[0]];
        assert_eq!(row[4], format!("{h}"), "{}", row[0]);
        assert_eq!(
            row[5],
            one_decimal(100.0 * h / total_households),
            "{}",
            row[0]
        );
    }
    let last = rows.last().unwrap();
    assert_eq!(last[1], "Ensemble de la sélection");
    assert_eq!(last[2], format!("{total}"));
    assert_eq!(last[3], "100,0");
    // Sorted by population, the largest first: Le Grand Chalon.
    assert_eq!(rows[0][1], "CA Le Grand Chalon");
    let svg = s.output("71/population-epci-71.svg");
    assert!(
        svg.contains("Population municipale 2026"),
        "circles' legend"
    );
}

/// A query of the Puy-de-Dôme EPCI with the Filosofi source and `indicators`.
fn query(indicators: &str) -> String {
    let root = root();
    format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"{0}/data/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"{0}/data/cog/departements.csv\"\n\n\
         [sources.filo]\nfichier = \"{0}/data/insee/FILO2019_DISP_EPCI.csv\"\nniveau = \"epci\"\n\n\
         [sources.caf]\nfichier = \"{0}/data/caf/caf-iris-2020-5dep.csv\"\nniveau = \"iris\"\n\n\
         {indicators}",
        root.display()
    )
}

fn fails(text: &str, words: &[&str]) {
    let o = Scratch::new().run(text);
    assert!(!o.status.success(), "should fail: {}", stdout(&o));
    let err = stderr(&o);
    for w in words {
        assert!(err.contains(w), "« {w} » missing in:\n{err}");
    }
}

#[test]
fn verifier_says_what_executer_would_refuse_before_reading_any_data() {
    let s = Scratch::new();
    let text = query(
        "[indicateurs.x]\nlibelle = \"X\"\nstock = \"insee.NBMEN19\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"x\"]\nsorties = [\"t.csv\"]\n",
    );
    let q = s.file("requete.toml", &text);
    let o = diagterr(&["verifier", &q]);
    assert!(!o.status.success(), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("requete.toml, ligne 16 : indicateur « x » : source inconnue « insee »"),
        "{err}"
    );
    // An unknown département, a table that would write nothing.
    let fixed = text.replace("insee.NBMEN19", "filo.NBMEN19");
    for (variant, said) in [
        (
            fixed.replace("departements = [\"63\"]", "departements = [\"99\"]"),
            "requete.toml, ligne 3 : département inconnu « 99 »",
        ),
        (
            fixed.replace("sorties = [\"t.csv\"]", "sorties = []"),
            "« tableaux.sorties » est vide : rien ne serait écrit",
        ),
    ] {
        let q = s.file("requete.toml", &variant);
        let o = diagterr(&["verifier", &q]);
        assert!(!o.status.success(), "{}", stdout(&o));
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
    }
    // A table without an indicator to compute: said by both commands, nothing written.
    let none = text.replace(
        "[indicateurs.x]\nlibelle = \"X\"\nstock = \"insee.NBMEN19\"\n",
        "",
    );
    let q = s.file("requete.toml", &none);
    for command in ["verifier", "executer"] {
        let o = diagterr(&[command, &q, "--sortie", s.out_dir().to_str().unwrap()]);
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("requête sans indicateur"),
            "{}",
            stderr(&o)
        );
    }
    assert!(!s.out_dir().exists());
}

#[test]
fn names_that_do_not_exist_are_errors_with_their_line() {
    fails(
        &query("[indicateurs.x]\nlibelle = \"X\"\nstock = \"insee.NBMEN19\"\n"),
        &[
            "requete.toml, ligne 16",
            "indicateur « x » : source inconnue « insee »",
            "sources de la requête : caf, filo",
        ],
    );
    fails(
        &query("[indicateurs.x]\nlibelle = \"X\"\nstock = \"NBMEN19\"\n"),
        &["colonne « NBMEN19 » sans sa source", "« source.COLONNE »"],
    );
    fails(
        &query(
            "[indicateurs.x]\nlibelle = \"X\"\nstock = \"filo.NBMENAGES\"\n\n[tableaux.t]\ntitre = \"T\"\nindicateurs = [\"x\"]\nsorties = [\"t.csv\"]\n",
        ),
        &[
            "FILO2019_DISP_EPCI.csv",
            "colonne « NBMENAGES »",
            "colonne absente",
            "source « filo »",
        ],
    );
    fails(
        &query(
            "[indicateurs.x]\nlibelle = \"X\"\nstock = \"filo.NBMEN19\"\n\n[cartes.c]\nindicateur = \"y\"\ntitre = \"T\"\nsource = \"S\"\nclasses = { methode = \"quantiles\" }\nsorties = [\"c.svg\"]\n",
        ),
        &[
            "ligne 21",
            "carte : indicateur inconnu « y »",
            "indicateurs de la requête : x",
        ],
    );
    fails(
        &query(
            "[indicateurs.x]\nlibelle = \"X\"\nstock = \"filo.NBMEN19\"\n\n[tableaux.t]\ntitre = \"T\"\nindicateurs = [\"x\"]\ntri = \"z\"\nsorties = [\"t.csv\"]\n",
        ),
        &["tri : indicateur inconnu « z »"],
    );
    fails(
        &query("[indicateurs.x]\nlibelle = \"X\"\npart_de = \"y\"\n"),
        &["« part_de » : indicateur inconnu « y »"],
    );
}

#[test]
fn a_published_value_asked_at_another_level_says_what_to_do() {
    let text =
        query("[indicateurs.mediane]\nlibelle = \"Revenu médian\"\npublie = \"filo.Q219\"\n")
            .replace(
                "niveau = \"epci\"\ndepartements",
                "niveau = \"departement\"\ndepartements",
            );
    fails(
        &text,
        &[
            "source « filo » par EPCI, requête par département",
            "ne s'additionnent pas",
        ],
    );
    let text = query("[indicateurs.monoparents]\nlibelle = \"M\"\npublie = \"caf.AM\"\n");
    fails(
        &text,
        &[
            "indicateur « monoparents » : valeur publiée par IRIS (source « caf »), demandée par EPCI",
            "donnez son numérateur et son dénominateur",
        ],
    );
}

#[test]
fn a_share_of_a_zero_total_is_said_and_left_empty() {
    let s = Scratch::new();
    let zero = s.file("zero.csv", "CODGEO;N\n200067627;0\n200069169;0\n");
    let text = query(&format!(
        "[sources.z]\nfichier = \"{zero}\"\nniveau = \"epci\"\n\n\
         [indicateurs.n]\nlibelle = \"N\"\nstock = \"z.N\"\n\n\
         [indicateurs.part]\nlibelle = \"Part de N (%)\"\npart_de = \"n\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\", \"part\"]\nsorties = [\"t.csv\"]\n"
    ));
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("« Part de N (%) » : le total de la sélection est nul"),
        "{}",
        stdout(&o)
    );
    let rows = csv_rows(&s.output("t.csv"));
    let billom = rows.iter().find(|r| r[0] == "200067627").unwrap();
    assert_eq!(billom[2..], ["0".to_string(), String::new()]);
}

#[test]
fn stocks_keep_their_decimals_in_the_lists_and_the_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let s = Scratch::new();
    let half = s.file("demi.csv", "CODGEO;N\n200067627;0,5\n200069169;1,5\n");
    let text = query(&format!(
        "[sources.d]\nfichier = \"{half}\"\nniveau = \"epci\"\n\n\
         [indicateurs.n]\nlibelle = \"N\"\nstock = \"d.N\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\nsorties = [\"t.csv\", \"t.xlsx\"]\n"
    ));
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&s.output("t.csv"));
    let of = |code: &str| rows.iter().find(|r| r[0] == code).unwrap()[2].clone();
    assert_eq!(
        (of("200067627"), of("200069169")),
        ("0,5".into(), "1,5".into())
    );
    let mut book: Xlsx<_> = calamine::open_workbook(s.out_dir().join("t.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let numbers: Vec<f64> = sheet
        .rows()
        .filter(|r| matches!(&r[0], Data::String(c) if c == "200067627" || c == "200069169"))
        .map(|r| match r[2] {
            Data::Float(v) => v,
            ref other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(numbers.len(), 2);
    assert!(
        numbers.contains(&0.5) && numbers.contains(&1.5),
        "{numbers:?}"
    );
}

#[test]
fn published_coverage_rates_and_parts_by_epci_with_the_departement_region_and_france_rows() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-couverture-parts-epci-34.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: the `epci` rows of the Cnaf file for the EPCI of the Hérault, then its
    // `dep` row for 34 and its `nat` row, each rate as published.
    let in_34 = epci_of("34");
    let columns = [
        "txcouv",
        "txcouv_eaje",
        "txcouv_am_ind",
        "txcouv_prescol",
        "txcouv_gad_ind",
    ];
    let as_number = |v: &str| v.replace(',', ".").parse::<f64>().unwrap();
    let cnaf = read_semicolon("data/caf/txcouv-pe-2023-5dep.csv");
    let expected = |r: &BTreeMap<String, String>| -> Vec<f64> {
        columns.iter().map(|c| as_number(&r[*c])).collect()
    };
    let mut want: Vec<(String, Vec<f64>)> = cnaf
        .iter()
        .filter(|r| r["niveau"] == "epci" && in_34.contains(&r["code"]))
        .map(|r| (r["code"].clone(), expected(r)))
        .collect();
    want.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]).then(a.0.cmp(&b.0)));
    let dep = cnaf
        .iter()
        .find(|r| r["niveau"] == "dep" && r["code"] == "34")
        .unwrap();
    let reg = cnaf
        .iter()
        .find(|r| r["niveau"] == "reg" && r["code"] == "76")
        .unwrap();
    let nat = cnaf.iter().find(|r| r["niveau"] == "nat").unwrap();
    want.push((String::new(), expected(dep)));
    want.push((String::new(), expected(reg)));
    want.push((String::new(), expected(nat)));
    let rows = csv_rows(&s.output("34/couverture-parts-epci-34.csv"));
    let got: Vec<(String, Vec<f64>)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[2..].iter().map(|v| as_number(v)).collect()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(rows[rows.len() - 3][1], "Hérault");
    assert_eq!(rows[rows.len() - 2][1], "Occitanie");
    assert_eq!(rows[rows.len() - 1][1], "France");
    assert!(
        stdout(&o).contains("ligne « France » : « cnaf » publiée (ligne nat)"),
        "{}",
        stdout(&o)
    );
}

/// Ranks of `values` (1 for the most vulnerable), ties sharing the mean of their ranks.
fn average_ranks(values: &[f64], higher_is_worse: bool) -> Vec<f64> {
    values
        .iter()
        .map(|v| {
            let worse = values
                .iter()
                .filter(|w| if higher_is_worse { *w > v } else { *w < v })
                .count();
            let tied = values.iter().filter(|w| *w == v).count();
            worse as f64 + (tied as f64 + 1.0) / 2.0
        })
        .collect()
}

#[test]
fn a_rank_sum_over_indicators_of_two_sources() {
    let s = Scratch::new();
    let o = s.run_file("queries/vulnerabilite-offre-epci-34-herault.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: each EPCI of the Hérault, its Filosofi values and its published Cnaf rate,
    // ranked the way the query says, the ranks added up.
    let in_34 = epci_of("34");
    let as_number = |v: &str| v.replace(',', ".").parse::<f64>().unwrap();
    let filo: BTreeMap<String, (f64, f64)> = read_semicolon("data/insee/FILO2019_DISP_EPCI.csv")
        .into_iter()
        .filter(|r| in_34.contains(&r["CODGEO"]))
        .map(|r| {
            let values = (as_number(&r["PPMINI19"]), as_number(&r["Q219"]));
            (r["CODGEO"].clone(), values)
        })
        .collect();
    let cnaf: BTreeMap<String, f64> = read_semicolon("data/caf/txcouv-pe-2023-5dep.csv")
        .into_iter()
        .filter(|r| r["niveau"] == "epci" && in_34.contains(&r["code"]))
        .map(|r| (r["code"].clone(), as_number(&r["txcouv"])))
        .collect();
    let codes: Vec<&String> = in_34.iter().collect();
    assert_eq!(codes.len(), filo.len());
    assert_eq!(codes.len(), cnaf.len());
    let minima = average_ranks(&codes.iter().map(|c| filo[*c].0).collect::<Vec<_>>(), true);
    let income = average_ranks(&codes.iter().map(|c| filo[*c].1).collect::<Vec<_>>(), false);
    let coverage = average_ranks(&codes.iter().map(|c| cnaf[*c]).collect::<Vec<_>>(), false);
    let rows = csv_rows(&s.output("34/vulnerabilite-offre-epci-34.csv"));
    assert_eq!(rows.len(), codes.len());
    let total_of: BTreeMap<&str, f64> = rows
        .iter()
        .map(|r| (r[1].as_str(), as_number(&r[9])))
        .collect();
    for (i, code) in codes.iter().enumerate() {
        assert_eq!(
            total_of[code.as_str()],
            minima[i] + income[i] + coverage[i],
            "{code}"
        );
    }
    // Sorted by total, the most vulnerable first.
    let totals: Vec<f64> = rows.iter().map(|r| as_number(&r[9])).collect();
    assert!(totals.windows(2).all(|w| w[0] <= w[1]), "{totals:?}");
}

/// A rank sum of the Puy-de-Dôme EPCI on `indicators` (the `[score]` list).
fn score_query(indicators: &str) -> String {
    query(&format!(
        "[indicateurs.minima]\nlibelle = \"Minima\"\npublie = \"filo.PPMINI19\"\n\n\
         [score]\nmethode = \"somme_des_rangs\"\ntitre = \"T\"\nsorties = [\"t.csv\"]\n\
         indicateurs = [{indicators}]\n"
    ))
}

#[test]
fn a_score_naming_what_does_not_exist_says_so_with_its_line() {
    fails(
        &score_query(
            "{ indicateur = \"minima\", libelle = \"M\" }, { indicateur = \"revenu\", libelle = \"R\" }",
        ),
        &[
            "requete.toml, ligne 24",
            "[score] : indicateur inconnu « revenu »",
            "indicateurs de la requête : minima",
        ],
    );
    fails(
        &score_query("{ colonne = \"Q219\", libelle = \"R\" }"),
        &[
            "la colonne « Q219 » demande « fichier » dans [score]",
            "indicateur = ",
        ],
    );
    fails(
        &(score_query("{ indicateur = \"minima\", libelle = \"M\" }")
            + "\n[tableaux.t]\ntitre = \"T\"\nindicateurs = [\"minima\"]\nsorties = [\"u.csv\"]\n"),
        &["[cartes] et [tableaux] ne vont pas avec [score]"],
    );
}

#[test]
fn a_published_value_of_an_older_vintage_is_refused() {
    let text = format!(
        "[territoire]\nniveau = \"commune\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"{0}/data/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"{0}/data/cog/departements.csv\"\n\n\
         [sources.com]\nfichier = \"{0}/data/insee/FILO2019_DISP_COM_5dep.csv\"\nniveau = \"commune\"\nmillesime = 2019\n\n\
         [indicateurs.mediane]\nlibelle = \"Revenu médian\"\npublie = \"com.Q219\"\n",
        root().display()
    );
    fails(
        &text,
        &[
            "indicateur « mediane » : valeur publiée sur le COG 2019 (source « com »), requête sur le COG 2026",
            "donnez son numérateur et son dénominateur",
        ],
    );
}

#[test]
fn a_published_rate_mapped_against_the_departement_and_france_references() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-couverture-parts-epci-34.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: the EPCI of the Hérault below the département's published rate, between it
    // and France's, and at France's or above.
    let in_34 = epci_of("34");
    let cnaf = read_semicolon("data/caf/txcouv-pe-2023-5dep.csv");
    let rate = |r: &BTreeMap<String, String>| r["txcouv"].replace(',', ".").parse::<f64>().unwrap();
    let dep = rate(
        cnaf.iter()
            .find(|r| r["niveau"] == "dep" && r["code"] == "34")
            .unwrap(),
    );
    let nat = rate(cnaf.iter().find(|r| r["niveau"] == "nat").unwrap());
    let epci: Vec<f64> = cnaf
        .iter()
        .filter(|r| r["niveau"] == "epci" && in_34.contains(&r["code"]))
        .map(rate)
        .collect();
    let below = epci.iter().filter(|v| **v < dep).count();
    let above = epci.iter().filter(|v| **v >= nat).count();
    let between = epci.len() - below - above;
    let svg = s.output("34/couverture-parts-epci-34.svg");
    for label in [
        format!("Moins de {} ({below})", one_decimal(dep)),
        format!(
            "De {} à moins de {} ({between})",
            one_decimal(dep),
            one_decimal(nat)
        ),
        format!("{} et plus ({above})", one_decimal(nat)),
        format!("Hérault : {}", one_decimal(dep)),
        format!("France : {}", one_decimal(nat)),
    ] {
        assert!(svg.contains(&label), "« {label} » missing from the legend");
    }
    // A published value has no total over the selection: no line for it.
    assert!(!svg.contains("Ensemble de la sélection"));
    // The table filtered on the same reference: those EPCI, lowest first, then the row of
    // the département.
    let mut want: Vec<(String, f64)> = cnaf
        .iter()
        .filter(|r| r["niveau"] == "epci" && in_34.contains(&r["code"]) && rate(r) < dep)
        .map(|r| (r["code"].clone(), rate(r)))
        .collect();
    want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let rows = csv_rows(&s.output("34/couverture-sous-departement-epci-34.csv"));
    let got: Vec<(String, f64)> = rows[..rows.len() - 1]
        .iter()
        .map(|r| (r[0].clone(), r[2].replace(',', ".").parse().unwrap()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(want.len(), below);
    assert_eq!(rows[rows.len() - 1][1], "Hérault");
}

#[test]
fn a_table_filter_names_what_exists_and_has_a_bound() {
    let table = |filter: &str| {
        query(&format!(
            "[indicateurs.x]\nlibelle = \"X\"\npublie = \"filo.PPMINI19\"\n\n\
             [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"x\"]\nfiltre = {filter}\nsorties = [\"t.csv\"]\n"
        ))
    };
    fails(
        &table("{ indicateur = \"y\", sous = 3 }"),
        &[
            "requete.toml, ligne 23",
            "filtre : indicateur inconnu « y »",
            "indicateurs de la requête : x",
        ],
    );
    fails(
        &table("{ indicateur = \"x\" }"),
        &["filtre sans borne", "« au_moins = … »"],
    );
    fails(
        &table("{ indicateur = \"x\", au_moins = \"reference:canton\" }"),
        &["filtre : seuil inconnu « reference:canton »"],
    );
    // Filosofi by EPCI publishes no row for the département: the bound has no value.
    fails(
        &table("{ indicateur = \"x\", sous = \"reference:departement\" }"),
        &[
            "filtre : la ligne « Puy-de-Dôme » est sans valeur pour « X »",
            "donnez la borne en nombre",
        ],
    );
}

#[test]
fn region_and_france_rows_are_computed_from_a_commune_file_only_where_it_covers_them() {
    // A commune file of the whole Occitanie (every commune a count of 1 + its code's last
    // digit): the région row is the sum over its communes; France is not covered, so its
    // row has no value (not the sum of a part).
    let s = Scratch::new();
    let cog = read_semicolon("data/cog/communes-epci-population-2026.csv");
    let occitanie: Vec<&BTreeMap<String, String>> =
        cog.iter().filter(|r| r["reg"] == "76").collect();
    let count = |code: &str| 1 + code[code.len() - 1..].parse::<u64>().unwrap();
    let mut text = String::from("CODGEO;N\n");
    for r in &occitanie {
        text.push_str(&format!(
            "{};{}\n",
            r["code_commune"],
            count(&r["code_commune"])
        ));
    }
    let file = s.file("occitanie.csv", &text);
    let region: u64 = occitanie.iter().map(|r| count(&r["code_commune"])).sum();
    let herault: u64 = occitanie
        .iter()
        .filter(|r| r["dep"] == "34")
        .map(|r| count(&r["code_commune"]))
        .sum();
    let q = query(&format!(
        "[sources.occ]\nfichier = \"{file}\"\nniveau = \"commune\"\n\n\
         [indicateurs.n]\nlibelle = \"N\"\nstock = \"occ.N\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\n\
         references = [\"departement\", \"region\", \"france\"]\nsorties = [\"t.csv\"]\n"
    ))
    .replace("[\"63\"]", "[\"34\"]");
    // Without « liste_regions », the built-in list of the COG 2026 names the région alike.
    let built_in = Scratch::new();
    let o = built_in.run(&q);
    assert!(o.status.success(), "{}", stderr(&o));
    let q = q.replace(
        "departements.csv\"\n",
        &format!(
            "departements.csv\"\nliste_regions = \"{}/data/cog/regions.csv\"\n",
            root().display()
        ),
    );
    let o = s.run(&q);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(s.output("t.csv"), built_in.output("t.csv"));
    let rows = csv_rows(&s.output("t.csv"));
    let tail: Vec<(String, String)> = rows[rows.len() - 3..]
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        tail,
        [
            ("Hérault".to_string(), format!("{herault}")),
            ("Occitanie".to_string(), format!("{region}")),
            ("France".to_string(), String::new()),
        ]
    );
    assert!(
        stdout(&o).contains("ligne « Occitanie » : « occ » calculée sur ses communes"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("ligne « France » : « occ » ne couvre pas toutes ses communes"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_departement_reference_asks_for_one_departement() {
    let text = query(
        "[indicateurs.x]\nlibelle = \"X\"\npublie = \"filo.PPMINI19\"\n\n\
         [cartes.c]\nindicateur = \"x\"\ntitre = \"T\"\nsource = \"S\"\n\
         classes = { methode = \"seuils\", valeurs = [\"reference:departement\"] }\nsorties = [\"c.svg\"]\n",
    )
    .replace("departements = [\"63\"]", "departements = [\"63\", \"71\"]");
    fails(
        &text,
        &[
            "la référence « departement » (ligne de tableau, seuil de carte ou borne de filtre) demande un seul département",
        ],
    );
}

#[test]
fn a_score_reads_only_what_it_ranks_and_each_indicator_once() {
    // An indicator the score does not name is not read: its absent column is no error.
    let text = score_query("{ indicateur = \"minima\", libelle = \"M\" }").replace(
        "[score]",
        "[indicateurs.inutile]\nlibelle = \"I\"\nstock = \"filo.ABSENTE\"\n\n[score]",
    );
    let s = Scratch::new();
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    fails(
        &score_query(
            "{ indicateur = \"minima\", libelle = \"M\" }, { indicateur = \"minima\", libelle = \"N\" }",
        ),
        &["[score] : indicateur « minima » donné deux fois"],
    );
    // A rate published on an older COG is not moved through the merged communes.
    let text = score_query("{ colonne = \"PPMINI19\", libelle = \"M\" }").replace(
        "[score]\n",
        &format!(
            "[score]\nfichier = \"{}/data/insee/FILO2019_DISP_EPCI.csv\"\nmillesime_fichier = 2019\n",
            root().display()
        ),
    );
    fails(
        &text,
        &["valeur publiée sur le COG 2019", "requête sur le COG 2026"],
    );
}

#[test]
fn a_flag_reference_over_a_territory_without_its_count_is_refused() {
    let s = Scratch::new();
    // Billom Communauté has no count (an empty cell, not a secret one): the reference over
    // the EPCI the file has cannot be computed.
    let file = s.file(
        "indicateurs.csv",
        "CODGEO;N;D\n200067627;;100\n200069169;10;100\n",
    );
    let text = score_query("").replace(
        "[score]\nmethode = \"somme_des_rangs\"",
        &format!("[score]\nmethode = \"drapeaux\"\nfichier = \"{file}\"\nsecret = [\"s\"]"),
    ).replace(
        "indicateurs = []",
        "indicateurs = [{ numerateur = \"N\", denominateur = \"D\", libelle = \"Taux\", drapeau = { test = \">\", seuil = \"reference\" } }]",
    );
    fails(&text, &["pas de valeur de référence pour « Taux »"]);
}

#[test]
fn services_of_an_inventory_counted_per_epci_and_per_inhabitant() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-services-epci-63.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    // By hand: the 2022 rows of the inventory, the names it uses for each type of the
    // panier (and the query's synonym), a repeated row (same place, type and name) once;
    // each row in the EPCI of its commune, or in the EPCI whose SIREN it gives.
    let kinds: &[(&str, &[&str])] = &[
        (
            "reaap",
            &[
                "Reaap",
                "Réaap",
                "Action Reaap",
                "Action REAAP",
                "Point écoute parents",
            ],
        ),
        (
            "laep",
            &["Laep", "LAEP", "laep", "Lieu d'accueil enfants-parents"],
        ),
        ("clas", &["Clas", "CLAS"]),
        ("mediation", &["Médiation familiale", "Mediation familiale"]),
    ];
    let communes = read_semicolon("data/cog/communes-epci-population-2026.csv");
    let epci_of_commune: BTreeMap<&str, &str> = communes
        .iter()
        .map(|c| (c["code_commune"].as_str(), c["siren_epci"].as_str()))
        .collect();
    let in_63 = epci_of("63");
    let text =
        std::fs::read_to_string(root().join("data/fictif/inventaire-parentalite-63-FICTIF.csv"))
            .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut counts: BTreeMap<String, [f64; 4]> =
        in_63.iter().map(|e| (e.clone(), [0.0; 4])).collect();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cells: Vec<&str> = line.split(';').collect();
        let (code, kind, year, name) = (cells[0], cells[1], cells[2], cells[4]);
        if year != "2022" || !seen.insert((code, kind.to_lowercase(), name.to_lowercase())) {
            continue;
        }
        let Some(k) = kinds.iter().position(|(_, names)| names.contains(&kind)) else {
            continue;
        };
        let epci = if code.len() == 9 {
            code
        } else {
            epci_of_commune[code]
        };
        if let Some(c) = counts.get_mut(epci) {
            c[k] += 1.0;
        }
    }
    let mut population: BTreeMap<&str, f64> = BTreeMap::new();
    for c in &communes {
        if in_63.contains(&c["siren_epci"]) {
            *population.entry(c["siren_epci"].as_str()).or_default() +=
                c["population_municipale"].parse::<f64>().unwrap();
        }
    }
    let rows = csv_rows(&s.output("63/services-epci-63.csv"));
    assert_eq!(
        rows.len(),
        in_63.len() + 2,
        "the EPCI, the selection, the département"
    );
    for row in &rows[..in_63.len()] {
        let want = counts[&row[0]];
        let got: Vec<f64> = row[2..6].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(got, want, "{} {}", row[0], row[1]);
        let total: f64 = want.iter().sum();
        assert_eq!(row[6], format!("{total}"), "{}", row[0]);
        assert_eq!(
            row[7],
            one_decimal(1e4 * total / population[row[0].as_str()]),
            "{}",
            row[0]
        );
    }
    let all: f64 = counts.values().flatten().sum();
    assert_eq!(rows[in_63.len()][6], format!("{all}"));
    // Sorted by the rate, the lowest first: the EPCI without any service lead.
    assert_eq!(rows[0][6], "0");
    // The Cantal commune of the Sancy's EPCI counts in the EPCI, not in the département.
    let departement = &rows[in_63.len() + 1];
    assert_eq!(departement[1], "Puy-de-Dôme");
    assert_eq!(departement[6], format!("{}", all - 1.0));
    let out = stdout(&o);
    for said in [
        "« Ludothèque » (ligne(s) 55)",
        "déclarez-le dans « synonymes » de la source « services »",
        "1 ligne(s) en double",
        "03310 Vichy",
    ] {
        assert!(out.contains(said), "« {said} » missing in:\n{out}");
    }
}

#[test]
fn an_inventory_source_names_types_of_service() {
    let inventory = format!(
        "[sources.services]\nfichier = \"{}/data/fictif/inventaire-parentalite-63-FICTIF.csv\"\n\
         niveau = \"services\"\ncolonne_code = \"code\"\n",
        root().display()
    );
    let table = "[tableaux.t]\ntitre = \"T\"\nindicateurs = [\"x\"]\nsorties = [\"t.csv\"]\n";
    fails(
        &query(&format!(
            "{inventory}\n[indicateurs.x]\nlibelle = \"X\"\nstock = \"services.laep\"\n\n{table}"
        )),
        &[
            "source « services » : un inventaire de services demande l'année à compter",
            "ajoutez « annee = 2022 »",
        ],
    );
    let inventory = format!("{inventory}annee = 2022\n");
    fails(
        &query(&format!(
            "{inventory}\n[indicateurs.x]\nlibelle = \"X\"\nstock = \"services.ludotheque\"\n\n{table}"
        )),
        &[
            "requete.toml, ligne 18",
            "type de service inconnu « ludotheque »",
            "laep, clas",
        ],
    );
    fails(
        &query(&format!(
            "{inventory}\n[indicateurs.x]\nlibelle = \"X\"\npublie = \"services.laep\"\n\n{table}"
        )),
        &["compte des services", "stock = \"services.laep\""],
    );
    fails(
        &query("[indicateurs.x]\nlibelle = \"X\"\nstock = \"filo.NBMEN19\"\n").replace(
            "niveau = \"epci\"\n\n[sources.caf]",
            "niveau = \"epci\"\nservices = { colonne_type = \"t\" }\n\n[sources.caf]",
        ),
        &["« services » ne va qu'avec « niveau = \"services\" »"],
    );
}

#[test]
fn the_portals_files_of_each_level_give_the_same_table_as_the_simplified_file() {
    // The Hérault query with its source in the four published files (EPCI, département,
    // région, France), recognised from their headers: the table is the same, but for the
    // technical row `XX`, which the EPCI file holds and is left aside.
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-couverture-parts-epci-34.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let simplified = s.output("34/couverture-parts-epci-34.csv");
    let query = std::fs::read_to_string(root().join("queries/indicateur-couverture-parts-epci-34.toml"))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()))
        .replace(
            &format!("fichier = \"{}/data/caf/txcouv-pe-2023-5dep.csv\"", root().display()),
            &format!(
                "fichier = [\"{0}/data/caf/txcouv_pe_epci-5dep.csv\", \"{0}/data/caf/txcouv_pe_dep-5dep.csv\", \
                 \"{0}/tests/fixtures/cnaf/txcouv_pe_reg-3reg.csv\", \"{0}/data/caf/txcouv_pe_nat.csv\"]",
                root().display()
            ),
        );
    assert!(query.contains("txcouv_pe_reg-3reg.csv"), "{query}");
    let o = s.run(&query);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(s.output("34/couverture-parts-epci-34.csv"), simplified);
    let said = stdout(&o);
    assert!(
        said.contains("ligne « Occitanie » : « cnaf » publiée (ligne reg)"),
        "{said}"
    );
    assert!(!said.contains("inconnus du COG"), "{said}");
}

#[test]
fn a_source_of_several_years_is_read_at_its_year() {
    // The Cnaf rates of 2023, and the same rows again as 2022 with every rate at 1: the
    // query reads 2023's rows, for its EPCI and for the département's row.
    let s = Scratch::new();
    let text = std::fs::read_to_string(root().join("data/caf/txcouv-pe-2023-5dep.csv")).unwrap();
    let mut lines = text.lines();
    let mut two_years = format!("{}\n", lines.next().unwrap());
    for line in lines {
        let cells: Vec<&str> = line.split(';').collect();
        two_years.push_str(&format!(
            "{line}\n2022;{};{};{};1;1;1;1;1;0\n",
            cells[1], cells[2], cells[3]
        ));
    }
    let file = s.file("txcouv-2022-2023.csv", &two_years);
    let q = |year: &str| {
        query(&format!(
            "[sources.cnaf]\nfichier = \"{file}\"\nniveau = \"epci\"\ncolonne_niveau = \"niveau\"\n\
             colonne_code = \"code\"\n{year}secret = [\"\", \"s\"]\n\n\
             [indicateurs.taux]\nlibelle = \"Taux\"\npublie = \"cnaf.txcouv\"\n\n\
             [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"taux\"]\nreferences = [\"departement\"]\nsorties = [\"t.csv\"]\n"
        ))
    };
    let o = s.run(&q("colonne_annee = \"annee\"\nannee = 2023\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    let cnaf = read_semicolon("data/caf/txcouv-pe-2023-5dep.csv");
    let number = |v: &str| v.replace(',', ".").parse::<f64>().ok();
    let rate = |level: &str, code: &str| {
        cnaf.iter()
            .find(|r| r["niveau"] == level && r["code"] == code)
            .and_then(|r| number(&r["txcouv"]))
    };
    let rows = csv_rows(&s.output("t.csv"));
    for row in &rows[..rows.len() - 1] {
        if row[1] != "Ensemble de la sélection" {
            assert_eq!(number(&row[2]), rate("epci", &row[0]), "{}", row[0]);
        }
    }
    let dep = &rows[rows.len() - 1];
    assert_eq!(dep[1], "Puy-de-Dôme");
    assert_eq!(number(&dep[2]), rate("dep", "63"));
    // Both years without the year: the same territory twice.
    fails(&q(""), &["txcouv-2022-2023.csv", "en double"]);
    fails(
        &q("annee = 2023\n"),
        &["« annee » et « colonne_annee » vont ensemble"],
    );
    fails(
        &q("colonne_annee = \"annee\"\nannee = 2021\n"),
        &[
            "txcouv-2022-2023.csv",
            "aucune ligne de l'année 2021",
            "années du fichier : 2022, 2023",
        ],
    );
    let holed = s.file("sans-annee.csv", &two_years.replacen("\n2023;", "\n;", 1));
    fails(
        &q("colonne_annee = \"annee\"\nannee = 2023\n").replace(&file, &holed),
        &["sans-annee.csv, ligne 2", "ligne sans année"],
    );
}

#[test]
fn a_file_of_several_levels_without_the_querys_level_is_an_error() {
    let s = Scratch::new();
    let file = s.file(
        "deps.csv",
        "niveau;code;txcouv\ndep;63;64,2\nnat;FRANCE;60,9\n",
    );
    fails(
        &query(&format!(
            "[sources.cnaf]\nfichier = \"{file}\"\nniveau = \"epci\"\ncolonne_niveau = \"niveau\"\ncolonne_code = \"code\"\n\n\
             [indicateurs.taux]\nlibelle = \"Taux\"\npublie = \"cnaf.txcouv\"\n\n\
             [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"taux\"]\nsorties = [\"t.csv\"]\n"
        )),
        &[
            "deps.csv",
            "colonne « niveau »",
            "aucune ligne de niveau « epci » dans le fichier",
        ],
    );
}

#[test]
fn a_finer_file_is_by_iris_or_by_commune() {
    let text = score_query("{ libelle = \"M\", indicateur = \"minima\" }").replace(
        "methode = \"somme_des_rangs\"",
        "methode = \"somme_des_rangs\"\nniveau_fichier = \"epci\"",
    );
    fails(
        &text,
        &[
            "requete.toml, ligne",
            "« niveau_fichier » vaut « iris » ou « commune »",
        ],
    );
}

#[test]
fn key_figures_are_sentences_with_the_numbers_of_the_tables() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-couverture-parts-epci-34.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let notes = stdout(&o);
    // The EPCI under the département's rate, as the filtered table lists them.
    let under = s.output("34/couverture-sous-departement-epci-34.csv");
    let listed = under.lines().skip(1).filter(|l| l.starts_with("2")).count();
    let all = s.output("34/couverture-parts-epci-34.csv");
    let epci = all.lines().skip(1).filter(|l| l.starts_with("2")).count();
    let herault = all.lines().find(|l| l.contains(";Hérault;")).unwrap();
    let rate = herault.split(';').nth(2).unwrap();
    let sentence = format!(
        "chiffre clé « sous_le_departement » : {listed} EPCI sur {epci} ({} %) ont un « Taux de couverture global (%) » inférieur à la valeur de « Hérault » ({rate}).",
        (100.0 * listed as f64 / epci as f64).round()
    );
    assert!(notes.contains(&sentence), "{sentence}\n{notes}");
    assert!(
        notes.contains(&format!(
            "chiffre clé « au_dessus_du_departement » : {} EPCI sur {epci}",
            epci - listed
        )),
        "{notes}"
    );
    // In the Markdown tables' notes too.
    assert!(
        s.output("34/couverture-parts-epci-34.md")
            .contains("chiffre clé « sous_le_departement »")
    );

    // The share of the three most populated EPCI, recomputed from the table's shares.
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-population-epci-71.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("71/population-epci-71.csv");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    let populations: Vec<f64> = rows
        .iter()
        .filter(|r| r[0].starts_with('2'))
        .map(|r| r[2].replace(['\u{202f}', ' '], "").parse().unwrap())
        .collect();
    let mut sorted = populations.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let share = 100.0 * sorted[..3].iter().sum::<f64>() / populations.iter().sum::<f64>();
    let expected = format!("{share:.1}").replace('.', ",");
    assert!(
        stdout(&o).contains(&format!("chiffre clé « trois_premiers » : {expected} % de « Population municipale 2026 » dans 3 EPCI : ")),
        "{expected}\n{}",
        stdout(&o)
    );
}

#[test]
fn a_key_figure_on_an_unknown_indicator_or_with_both_kinds_is_refused_at_its_line() {
    let text =
        std::fs::read_to_string(root().join("queries/indicateur-population-epci-71.toml")).unwrap();
    let s = Scratch::new();
    let o = s.run(&text.replace(
        "indicateur = \"part_population\"\npremiers = 3",
        "indicateur = \"enfants\"\npremiers = 3",
    ));
    assert!(
        stderr(&o).contains("chiffre clé : indicateur inconnu « enfants »"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&text.replace("premiers = 3", "premiers = 3\nau_moins = 5"));
    assert!(
        stderr(&o).contains("« premiers » ou des bornes"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&text.replace(
        "indicateur = \"part_population\"\npremiers = 3",
        "indicateur = \"part_population\"",
    ));
    assert!(
        stderr(&o).contains("chiffre clé sans borne"),
        "{}",
        stderr(&o)
    );
}

/// The Saône-et-Loire figure of the schéma, « 12 EPCI sur 20 (60 %) ont un taux … (70,6) »: the count
/// recomputed here from the Cnaf file and the COG table, and the sentence against the filtered table.
#[test]
fn the_count_of_epci_above_the_departement_is_said_as_the_schema_says_it() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-couverture-epci-71.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let cog =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    let epci: std::collections::BTreeSet<&str> = cog
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == "71" && !f[5].is_empty())
        .map(|f| f[5])
        .collect();
    let cnaf = std::fs::read_to_string(root().join("data/caf/txcouv-pe-2023-5dep.csv")).unwrap();
    let rate = |level: &str, code: &str| -> f64 {
        cnaf.lines()
            .map(|l| l.split(';').collect::<Vec<_>>())
            .find(|f| f[1] == level && f[2] == code)
            .map(|f| f[4].replace(',', ".").parse().unwrap())
            .unwrap()
    };
    let departement = rate("dep", "71");
    let above = epci
        .iter()
        .filter(|e| rate("epci", e) >= departement)
        .count();
    assert_eq!((epci.len(), above, departement), (20, 12, 70.6));
    let sentence = "12 EPCI sur 20 (60 %) ont un « Taux de couverture global (%) » supérieur ou égal à la valeur de « Saône-et-Loire » (70,6).";
    assert!(stdout(&o).contains(sentence), "{}", stdout(&o));
    let table = s.output("71/couverture-au-dessus-epci-71.csv");
    let listed = table
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with(';'))
        .count();
    assert_eq!(listed, above);
}

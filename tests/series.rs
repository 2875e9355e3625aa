//! Series of years: several years from one file's year column, changes between chosen years,
//! the selection's total recomputed each year, published rates followed in points.

use std::collections::BTreeMap;

use crate::common::*;

/// The rows of the embedded Cnaf extract: per (year, commune), its columns by name.
fn extract() -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(root().join("data/caf/s-ben-com-71-extrait.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(';'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The sum of `column` over the extract's communes in `year`.
fn total(rows: &[BTreeMap<String, String>], year: &str, column: &str) -> f64 {
    rows.iter()
        .filter(|r| r["annee_decembre"] == year)
        .map(|r| r[column].parse::<f64>().unwrap())
        .sum()
}

fn french(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}").replace('.', ",")
}

#[test]
fn five_years_from_one_file_with_two_changes_and_the_total_recomputed_each_year() {
    let s = Scratch::new();
    let o = s.run_file("queries/series-allocataires-communes-71.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("71/series-allocataires-communes.csv");
    let lines: Vec<Vec<&str>> = table.lines().map(|l| l.split(';').collect()).collect();
    // 16 communes, the row of the whole, which says over what it is summed, and the target's
    // two rows.
    assert_eq!(lines.len(), 1 + 16 + 1 + 2, "{table}");
    let last = &lines[17];
    assert_eq!(
        last[1],
        "Ensemble des 16 communes des fichiers, chaque année"
    );
    // Recomputed here from the extract: households each year, the change 2020-2024 in units
    // and percent, and the share of RSA households as a ratio of the sums, in points.
    let rows = extract();
    let years = ["2020", "2021", "2022", "2023", "2024"];
    for (k, y) in years.iter().enumerate() {
        assert_eq!(last[2 + k], french(total(&rows, y, "indfoy_ndur"), 0));
    }
    let (first, end) = (
        total(&rows, "2020", "indfoy_ndur"),
        total(&rows, "2024", "indfoy_ndur"),
    );
    assert_eq!(last[7], french(end - first, 0));
    assert_eq!(last[8], french(100.0 * (end - first) / first, 1));
    let share = |y: &str| 100.0 * total(&rows, y, "indfoy_rsa") / total(&rows, y, "indfoy_ndur");
    // Households: 5 years and 2 changes of 2 columns; then RSA households alike; then the share.
    let at = 2 + 2 * (5 + 4);
    assert_eq!(last[at], french(share("2020"), 1));
    assert_eq!(last[at + 5], french(share("2024") - share("2020"), 1));
    assert_eq!(last[at + 6], french(share("2024") - share("2023"), 1));
    // The target of 24 500 households in 2024, and the gap of the whole to it.
    assert_eq!((lines[18][1], lines[18][6]), ("Cible", "24500"));
    assert_eq!(
        (lines[19][1], lines[19][6].to_string()),
        ("Écart à la cible", french(end - 24500.0, 0))
    );
    // The line chart, with its target.
    let svg = s.output("71/series-allocataires.svg");
    assert!(svg.contains("Cible 2024 : 24\u{202f}500"), "{svg}");
    assert!(s.out_dir().join("71/series-allocataires.png").exists());
    // A commune's change 2023-2024: Autun, 2 760 then 2 745 households.
    let autun = lines.iter().find(|l| l[0] == "71014").unwrap();
    assert_eq!((autun[9], autun[10]), ("-15", "-0,5"));
}

/// A target given as a rise from an earlier year: the selection's value that year plus the rise, in
/// the table and on the chart.
#[test]
fn a_target_as_a_rise_since_a_year_is_the_value_of_that_year_plus_the_rise() {
    let s = Scratch::new();
    let text = std::fs::read_to_string(root().join("queries/series-allocataires-communes-71.toml"))
        .unwrap()
        .replace("../data/", &format!("{}/data/", root().display()))
        .replace(
            "annee = 2024, valeur = 24500 }",
            "annee = 2024, hausse = 100, depuis = 2020 }, \
             { indicateur = \"Foyers allocataires\", annee = 2024, hausse = 50, depuis = 2020, territoire = \"71014\" }",
        );
    assert!(text.contains("hausse = 100"));
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = extract();
    let (first, end) = (
        total(&rows, "2020", "indfoy_ndur"),
        total(&rows, "2024", "indfoy_ndur"),
    );
    let table = s.output("71/series-allocataires-communes.csv");
    let lines: Vec<Vec<&str>> = table.lines().map(|l| l.split(';').collect()).collect();
    assert_eq!(
        (lines[18][1], lines[18][6].to_string()),
        ("Cible", french(first + 100.0, 0))
    );
    assert_eq!(lines[19][6], french(end - first - 100.0, 0));
    let svg = s.output("71/series-allocataires.svg");
    assert!(svg.contains("(+100 depuis 2020)"), "{svg}");
    // Autun's own target: its 2020 households plus 50, and its 2024 gap to it; not on the chart.
    let autun = |y: &str| -> f64 {
        rows.iter()
            .find(|r| r["annee_decembre"] == y && r["code_commune"] == "71014")
            .unwrap()["indfoy_ndur"]
            .parse()
            .unwrap()
    };
    assert_eq!(lines[20][..2], ["71014", "Cible : Autun"]);
    assert_eq!(lines[20][6], french(autun("2020") + 50.0, 0));
    assert_eq!(
        lines[21][6],
        french(autun("2024") - autun("2020") - 50.0, 0)
    );
    assert!(!svg.contains("depuis 2020) : Autun") && svg.matches("Cible 2024").count() == 1);
    // A territory outside the selection is refused at the line of cibles.
    let o = s.run(&text.replace("territoire = \"71014\"", "territoire = \"63113\""));
    assert!(
        stderr(&o).contains("« cibles » : « 63113 » n'est pas un territoire de la sélection"),
        "{}",
        stderr(&o)
    );
}

/// A series of Puy-de-Dôme EPCI from `file` (code;annee;taux;n), with `indicator` and
/// `extra` lines in [evolution].
fn epci_series(file: &str, indicator: &str, extra: &str) -> String {
    format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"../data/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"../data/cog/departements.csv\"\n\n\
         [evolution]\ntitre = \"T\"\nfichier = \"{file}\"\ncolonne_annee = \"annee\"\n\
         colonne_code = \"code\"\n{extra}\nindicateurs = [{indicator}]\nsorties = [\"s.csv\"]\n"
    )
}

const RATES: &str = "code;annee;taux;n\n246300701;2019;50,5;10\n200069177;2019;40,0;20\n\
                     246300701;2022;52,0;12\n200069177;2022;39,0;25\n";

#[test]
fn a_published_rate_is_followed_in_points_and_never_summed() {
    // The old bug: an evolution over a Cnaf rate added the rates up (« Ensemble 90,5 → 91 »)
    // and gave a % change of a rate.
    let s = Scratch::new();
    let file = s.file("taux.csv", RATES);
    let o = s.run(&epci_series(
        &file,
        "{ publie = \"taux\", libelle = \"Taux publié\" }",
        "annees = [2019, 2022]",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("s.csv");
    assert!(table.starts_with("\u{feff}Code;Territoire;Taux publié 2019;Taux publié 2022;Taux publié : évolution 2019-2022 (points)\r\n"), "{table}");
    assert!(
        table.contains("246300701;Clermont Auvergne Métropole;50,5;52,0;1,5\r\n"),
        "{table}"
    );
    // No total of a published rate, whatever its territories.
    let whole = table.lines().last().unwrap();
    assert!(whole.ends_with(";;;"), "{whole}");
}

#[test]
fn years_twice_absent_or_changes_outside_the_series_are_refused_at_their_line() {
    let s = Scratch::new();
    let file = s.file("taux.csv", RATES);
    let count = "{ colonne = \"n\", libelle = \"N\" }";
    let run = |extra: &str| s.run(&epci_series(&file, count, extra));
    let o = run("annees = [2019, 2019]");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("l'année 2019 est donnée deux fois"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("ligne 13"), "{}", stderr(&o));
    let o = run("annees = [2019, 2020]");
    assert!(
        stderr(&o).contains("aucune ligne de l'année 2020"),
        "{}",
        stderr(&o)
    );
    let o = run("annees = [2019, 2022]\nvariations = [[2019, 2021]]");
    assert!(
        stderr(&o).contains("2021 n'est pas une année de la série"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("années de la série : 2019, 2022"),
        "{}",
        stderr(&o)
    );
    let o = run("annees = [2019, 2022]\nvariations = [[2022, 2019]]");
    assert!(
        stderr(&o).contains("la première année doit précéder la seconde"),
        "{}",
        stderr(&o)
    );
    let o =
        run("annees = [2019, 2022]\ncibles = [{ indicateur = \"N\", annee = 2024, valeur = 30 }]");
    assert!(
        stderr(&o).contains("« cibles » : 2024 n'est pas une année de la série"),
        "{}",
        stderr(&o)
    );
    for (targets, said) in [
        (
            "{ indicateur = \"N\", annee = 2022, hausse = 5, depuis = 2022 }",
            "« depuis = 2022 » n'est pas une année de la série avant 2022",
        ),
        (
            "{ indicateur = \"N\", annee = 2022, hausse = 5 }",
            "donne ni une valeur ni une hausse depuis une année, ou les deux",
        ),
        (
            "{ indicateur = \"N\", annee = 2022, valeur = 30, hausse = 5, depuis = 2019 }",
            "donne ni une valeur ni une hausse depuis une année, ou les deux",
        ),
    ] {
        let o = run(&format!("annees = [2019, 2022]\ncibles = [{targets}]"));
        assert!(!o.status.success());
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
        assert!(stderr(&o).contains("ligne 14"), "{}", stderr(&o));
    }
    let o =
        run("annees = [2019, 2022]\ncibles = [{ indicateur = \"M\", annee = 2022, valeur = 30 }]");
    assert!(
        stderr(&o).contains("« M » n'est le libellé d'aucun indicateur"),
        "{}",
        stderr(&o)
    );
    // A map of the change must name the label of an indicator: said before any data is read.
    let mapped = |extra: &str| {
        epci_series(&file, count, &format!("annees = [2019, 2022]\n{extra}"))
            + "\n[evolution.carte]\ntitre = \"C\"\nsource = \"S\"\nsorties = [\"c.svg\"]\n"
    };
    for (extra, said) in [
        ("", "[evolution.carte] sans « carte_indicateur »"),
        (
            "carte_indicateur = \"Z\"",
            "« carte_indicateur » : « Z » n'est le libellé d'aucun indicateur",
        ),
    ] {
        let q = s.file("carte.toml", &mapped(extra));
        let o = diagterr(&["verifier", &q]);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
    }
    // A year without a file of its own nor the evolution's.
    let text = epci_series(&file, count, "annees = [2019, 2022]")
        .replace(&format!("fichier = \"{file}\"\n"), "");
    let o = s.run(&text);
    assert!(
        stderr(&o).contains("l'année 2019 n'a pas de fichier"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_reference_rows_of_each_year_are_summed_over_the_communes_of_the_departement() {
    // Every commune of Corse-du-Sud, one household in 2019 and two in 2022: the département's
    // row is their number, then twice it, each year.
    let cog =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    let communes: Vec<&str> = cog
        .lines()
        .filter(|l| l.split(',').nth(2) == Some("2A"))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    let mut file = String::from("code;annee;n\n");
    for c in &communes {
        file.push_str(&format!("{c};2019;1\n{c};2022;2\n"));
    }
    let s = Scratch::new();
    let path = s.file("menages.csv", &file);
    let text = epci_series(
        &path,
        "{ colonne = \"n\", libelle = \"N\" }",
        "annees = [2019, 2022]\nreferences = [\"departement\"]",
    )
    .replace("departements = [\"63\"]", "departements = [\"2A\"]")
    .replace(
        "colonne_code = \"code\"",
        "colonne_code = \"code\"\nniveau_fichier = \"commune\"",
    ) + "\n[evolution.graphique]\ntitre = \"G\"\nsource = \"S\"\nsorties = [\"g.svg\"]\n";
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("s.csv");
    let n = communes.len();
    let row = table
        .lines()
        .find(|l| l.starts_with(";Corse-du-Sud;"))
        .unwrap();
    assert_eq!(
        row,
        format!(";Corse-du-Sud;{n};{};{n};100,0", 2 * n),
        "{table}"
    );
    assert!(
        stdout(&o).contains("ligne « Corse-du-Sud » : « de 2019 » calculée sur ses communes"),
        "{}",
        stdout(&o)
    );
    // The chart draws the département's line beside the selection's, in its own colour.
    let chart = s.output("g.svg");
    assert!(chart.contains("Corse-du-Sud"), "{chart}");
    assert_eq!(
        chart.matches("stroke=\"#E6550D\"").count(),
        1,
        "one segment 2019-2022"
    );
}

#[test]
fn a_territory_of_some_years_only_is_kept_with_its_gaps_and_said() {
    // Three communes of Clermont Auvergne Métropole; Aubière appears only in the third year.
    let s = Scratch::new();
    let file = s.file(
        "n.csv",
        "code;annee;n\n63113;2020;100\n63124;2020;50\n63113;2021;110\n63124;2021;55\n\
         63113;2022;120\n63124;2022;60\n63014;2022;30\n",
    );
    let text = epci_series(
        &file,
        "{ colonne = \"n\", libelle = \"N\" }",
        "annees = [2020, 2021, 2022]",
    )
    .replace(
        "niveau = \"epci\"",
        "niveau = \"commune\"\nepci = \"246300701\"",
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("s.csv");
    // Aubière keeps its row, its first two years empty, its changes unknown: never dropped.
    assert!(table.contains("63014;Aubière;;;30;;\r\n"), "{table}");
    assert!(
        table.contains("63113;Clermont-Ferrand;100;110;120;20;20,0\r\n"),
        "{table}"
    );
    let notes = stdout(&o);
    assert!(notes.contains("absent(s) du fichier de 2020"), "{notes}");
    assert!(notes.contains("63014"), "{notes}");
    // The files give other communes in 2022 than before: the whole has no value rather than
    // a total over other communes one year than another.
    let whole = table.lines().last().unwrap();
    assert!(whole.starts_with(";Ensemble;;;"), "{whole}");
}

/// The example on the SYNTHETIC multi-year file in the portal's layout: each EPCI's published rate
/// each year and its change in points, recomputed here from the file's own rows; one panel per EPCI.
#[test]
fn the_published_rates_of_five_years_of_the_portal_layout_are_followed_per_epci() {
    let s = Scratch::new();
    let o = s.run_file("queries/series-couverture-epci-63.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let text = std::fs::read_to_string(
        root().join("data/caf/txcouv_pe_epci-63-2022-2026-SYNTHETIQUE.csv"),
    )
    .unwrap();
    assert!(text.starts_with("# DONNÉES SYNTHÉTIQUES"));
    let mut rate: BTreeMap<(String, String), f64> = BTreeMap::new();
    for line in text.lines().skip(2) {
        let f: Vec<&str> = line.split(';').collect();
        rate.insert((f[1].to_string(), f[0].to_string()), f[9].parse().unwrap());
    }
    let table = s.output("63/series-couverture-epci-63.csv");
    let mut checked = 0;
    for row in table.trim_start_matches('\u{FEFF}').lines().skip(1) {
        let f: Vec<&str> = row.split(';').collect();
        if f[0].is_empty() {
            // The whole: a published rate is never summed.
            assert!(f[2..].iter().all(|c| c.is_empty()), "{row}");
            continue;
        }
        let of = |year: &str| rate[&(f[0].to_string(), year.to_string())];
        for (i, year) in ["2022", "2023", "2024", "2025", "2026"].iter().enumerate() {
            assert_eq!(f[2 + i], french(of(year), 1), "{} {year}", f[0]);
        }
        assert_eq!(f[7], french(of("2026") - of("2022"), 1), "{}", f[0]);
        assert_eq!(f[8], french(of("2026") - of("2025"), 1), "{}", f[0]);
        checked += 1;
    }
    assert_eq!(checked, 14);
    let panels = s.output("63/series-couverture-epci-63-multiples.svg");
    for name in [
        "Clermont Auvergne Métropole",
        "CC du Massif du Sancy",
        "DONNÉES SYNTHÉTIQUES",
    ] {
        assert!(panels.contains(name), "{name}");
    }
    assert!(!panels.contains("class=\"legende\""), "no whole to draw");
}

//! The panier de services parentalité through the command: hand-built inventories with
//! known answers, the example queries on the fictitious inventories, and bad input.

use crate::common::*;

/// A `[panier]` query on the Puy-de-Dôme EPCI of the COG 2026, reading `inventory`.
fn query(inventory: &str, composition: &str, extra: &str) -> String {
    let data = root().join("data");
    let data = data.to_str().unwrap();
    format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"{data}/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"{data}/cog/departements.csv\"\n\n\
         [panier]\ntitre = \"Panier\"\ninventaire = \"{inventory}\"\n\
         annees = [2019, 2022]\ncomposition = {composition}\n\
         sorties = [\"panier.csv\", \"panier.md\"]\nsynthese = [\"synthese.csv\"]\n{extra}"
    )
}

const PANIER_2019: &str =
    "[{ service = \"reaap\" }, { service = \"laep\" }, { service = \"clas\" }]";
const PANIER_2022: &str = "[{ service = \"reaap\" }, { service = \"laep\" }, { service = \"clas\" }, { service = \"mediation_familiale\" }]";

/// Clermont (246300701) complete in 2022 with the 2019 definition, lacking only
/// médiation familiale with the 2022 one; Riom (200070753) with everything; Thiers
/// (200070712) with a Laep only; a RPE (outside the panier) in Billom.
const INVENTORY: &str = "code;type;annee;nombre\n\
    63113;Reaap;2019;\n\
    63113;Laep;2019;\n\
    63113;Reaap;2022;\n\
    246300701;Laep;2022;\n\
    63124;Clas;2022;\n\
    63300;Reaap;2022;\n\
    63300;LAEP;2022;\n\
    63300;Clas;2022;\n\
    63300;Médiation familiale;2022;\n\
    63430;Laep;2022;\n\
    63040;RAM;2022;1,5\n";

/// The CSV rows of an output as `;`-split cells (BOM and CRLF removed), header first.
fn rows(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(|l| {
            l.split(';')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect()
}

/// The cell of `column` in the row of `code`.
fn cell(table: &[Vec<String>], code: &str, column: &str) -> String {
    let c = table[0]
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column « {column} » in {:?}", table[0]));
    let row = table
        .iter()
        .find(|r| r[0] == code || r[0].starts_with(code))
        .unwrap_or_else(|| panic!("no row « {code} »"));
    row[c].clone()
}

#[test]
fn completeness_and_missing_services_under_both_definitions() {
    let s = Scratch::new();
    let inv = s.file("inventaire.csv", INVENTORY);
    let o = s.run(&query(&inv, PANIER_2019, "colonne_nombre = \"nombre\"\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = rows(&s.output("panier.csv"));
    assert_eq!(cell(&t, "246300701", "Panier complet 2022"), "oui");
    assert_eq!(cell(&t, "246300701", "Panier complet 2019"), "non");
    assert_eq!(cell(&t, "246300701", "Services manquants 2022"), "aucun");
    assert_eq!(
        cell(&t, "200070712", "Services manquants 2022"),
        "Reaap, Clas"
    );
    assert_eq!(cell(&t, "200070712", "Nombre de services manquants"), "2");
    // A type outside the panier is counted, and changes nothing to completeness.
    assert_eq!(cell(&t, "200067627", "RPE (ex-RAM) 2022"), "1,5");
    assert_eq!(cell(&t, "200067627", "Nombre de services manquants"), "3");
    assert!(
        stdout(&o).contains("services hors du panier, comptés dans les effectifs sans jouer sur la complétude : Médiation familiale, RPE (ex-RAM)"),
        "{}",
        stdout(&o)
    );
    // Most missing first: the EPCI without any service lead.
    assert_eq!(
        t[1][t[0].iter().position(|h| h.starts_with("Nombre")).unwrap()],
        "3"
    );
    assert!(stdout(&o).contains("2 territoire(s) au panier complet en 2022"));

    let o = s.run(&query(&inv, PANIER_2022, ""));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = rows(&s.output("panier.csv"));
    assert_eq!(
        cell(&t, "246300701", "Services manquants 2022"),
        "Médiation familiale"
    );
    assert_eq!(cell(&t, "200070753", "Panier complet 2022"), "oui");
    assert!(stdout(&o).contains("1 territoire(s) au panier complet en 2022"));
}

#[test]
fn share_of_epci_covered_per_service_over_two_years() {
    let s = Scratch::new();
    let inv = s.file("inventaire.csv", INVENTORY);
    let o = s.run(&query(&inv, PANIER_2019, ""));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = rows(&s.output("synthese.csv"));
    let line = |name: &str| t.iter().find(|r| r[0].starts_with(name)).unwrap().clone();
    assert_eq!(
        t[0],
        [
            "Service",
            "EPCI couverts 2019",
            "Part des EPCI 2019 (%)",
            "EPCI couverts 2022",
            "Part des EPCI 2022 (%)"
        ]
    );
    // 14 EPCI: Laep in 1 in 2019 (Clermont), 3 in 2022 (Clermont, Riom, Thiers).
    assert_eq!(line("Laep")[1..], ["1", "7,1", "3", "21,4"]);
    assert_eq!(line("Panier complet")[1..], ["0", "0,0", "2", "14,3"]);
    assert_eq!(line("RPE")[1..], ["0", "0,0", "1", "7,1"]);
    let md = s.output("panier.md");
    assert!(
        md.contains("En 2022, 2 EPCI sur 14 ont un panier complet (14,3\u{a0}%), contre 0 (0,0\u{a0}%) en 2019."),
        "{md}"
    );
}

#[test]
fn norm_gap_in_services_with_a_zero_population() {
    let s = Scratch::new();
    let inv = s.file("inventaire.csv", INVENTORY);
    // Clermont's communes: 10 000 children in Clermont-Ferrand, 500 in Cournon; Billom's: none.
    let pop = s.file(
        "enfants.csv",
        "CODGEO;ENF\n63113;10000\n63124;500\n63040;0\n",
    );
    let norm = format!(
        "\n[[panier.normes]]\nservice = \"laep\"\nune_pour = 3500\npopulation = \"enfants de moins de 6 ans\"\n\
         fichier = \"{pop}\"\nniveau_fichier = \"commune\"\ncolonnes = [\"ENF\"]\nsommes_partielles = true\n"
    );
    let o = s.run(&query(&inv, PANIER_2019, &norm));
    assert!(o.status.success(), "{}", stderr(&o));
    let t = rows(&s.output("panier.csv"));
    assert_eq!(cell(&t, "246300701", "Enfants de moins de 6 ans"), "10500");
    assert_eq!(
        cell(&t, "246300701", "Laep théoriques (1 pour 3\u{202f}500)"),
        "3,00"
    );
    assert_eq!(cell(&t, "246300701", "Laep attendus selon la norme"), "3");
    assert_eq!(cell(&t, "246300701", "Laep manquants selon la norme"), "2");
    assert_eq!(cell(&t, "200067627", "Laep attendus selon la norme"), "0");
    assert_eq!(cell(&t, "200067627", "Laep manquants selon la norme"), "0");
    // Communes of the selection absent from the population file are said.
    assert!(
        stdout(&o).contains("couvert(s) en partie"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn example_queries_on_the_fictitious_inventories() {
    let s = Scratch::new();
    let o = s.run_file("queries/panier-epci-63-puy-de-dome-2019.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // The four EPCI the 2022 schéma names as complete, then two more.
    assert!(
        out.contains("4 territoire(s) au panier complet en 2019"),
        "{out}"
    );
    assert!(
        out.contains("6 territoire(s) au panier complet en 2022"),
        "{out}"
    );
    let t = rows(&s.output("63/panier-2019-epci-63.csv"));
    for epci in ["200070761", "200070712", "246300701", "200070753"] {
        assert_eq!(cell(&t, epci, "Panier complet 2019"), "oui", "{epci}");
    }
    // Massif du Sancy is complete through a Reaap in Cantal written with a local name.
    assert_eq!(cell(&t, "246300966", "Département(s)"), "15, 63");
    assert_eq!(cell(&t, "246300966", "Panier complet 2022"), "oui");
    // Each case of the inventory is reported with its line.
    assert!(out.contains("« Ludothèque » (ligne(s) 55)"), "{out}");
    assert!(out.contains("ligne 27 (= ligne 23)"), "{out}");
    assert!(out.contains("(2021 : 1)"), "{out}");
    assert!(out.contains("ligne 59 : Laep 2022, 03310 Vichy"), "{out}");
    assert!(
        s.output("63/panier-2019-epci-63.md")
            .contains("## Services hors du territoire")
    );
    for file in ["63/panier-2019-epci-63.png", "63/panier-2019-parts-63.png"] {
        assert!(s.out_dir().join(file).exists(), "{file}");
    }

    let o = s.run_file("queries/panier-epci-71-saone-et-loire.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let t = rows(&s.output("71/panier-epci-71.csv"));
    // Beaune's EPCI is complete thanks to the Laep of Beaune, in Côte-d'Or.
    assert_eq!(cell(&t, "200006682", "Département(s)"), "21, 71");
    assert_eq!(cell(&t, "200006682", "Panier complet 2022"), "oui");
    // One legend class per possible number of missing services, with its count.
    let svg = s.output("71/panier-epci-71.svg");
    assert!(svg.contains("Panier complet (4)"), "{svg}");
    assert!(svg.contains("3 services manquants (12)"));
    assert!(!svg.contains("4 services manquants"));
}

/// Runs a panier query on `inventory` that must fail; its stderr.
fn failure(inventory: &str) -> String {
    let s = Scratch::new();
    let inv = s.file("inventaire.csv", inventory);
    let o = s.run(&query(&inv, PANIER_2019, ""));
    assert!(!o.status.success(), "{}", stdout(&o));
    assert!(
        !s.out_dir().join("panier.csv").exists(),
        "no partial output"
    );
    stderr(&o)
}

#[test]
fn unknown_code_names_file_line_and_code() {
    let err = failure("code;type;annee\n63113;Laep;2022\n63999;Laep;2022\n");
    assert!(err.contains("inventaire.csv, ligne 3"), "{err}");
    assert!(
        err.contains("code inconnu du COG 2026 : « 63999 »"),
        "{err}"
    );
}

#[test]
fn row_without_code_or_year_is_refused_with_its_line() {
    let err = failure("code;type;annee\n63113;Laep;2022\n;Clas;2022\n");
    assert!(
        err.contains("ligne 3") && err.contains("code vide"),
        "{err}"
    );
    let err = failure("code;type;annee\n63113;Laep;deux mille\n");
    assert!(
        err.contains("ligne 2") && err.contains("année illisible « deux mille »"),
        "{err}"
    );
}

#[test]
fn duplicate_row_is_counted_once_and_reported() {
    let s = Scratch::new();
    let inv = s.file(
        "inventaire.csv",
        "code;type;annee\n63300;Laep;2022\n63300;laep;2022\n63300;Laep;2019\n",
    );
    let o = s.run(&query(&inv, PANIER_2019, ""));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("ligne 3 (= ligne 2)"), "{}", stdout(&o));
    let t = rows(&s.output("panier.csv"));
    assert_eq!(cell(&t, "200070753", "Laep 2022"), "1");
}

#[test]
fn panier_needs_the_epci_level_and_a_composition() {
    let s = Scratch::new();
    let inv = s.file("inventaire.csv", INVENTORY);
    let o =
        s.run(&query(&inv, PANIER_2019, "").replace("niveau = \"epci\"", "niveau = \"commune\""));
    assert!(
        stderr(&o).contains("le panier de services se calcule par EPCI"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&query(&inv, "[]", ""));
    assert!(
        stderr(&o).contains("composition du panier vide"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&query(&inv, "[{ service = \"ludotheque\" }]", ""));
    assert!(
        stderr(&o).contains("valeur inconnue « ludotheque »"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&query(&inv, PANIER_2019, "").replace("[2019, 2022]", "[2022, 2019]"));
    assert!(stderr(&o).contains("« annees »"), "{}", stderr(&o));
}

#[test]
fn rows_of_an_older_year_move_to_the_commune_of_the_query() {
    let s = Scratch::new();
    // Dallet (63133) joined Mur-sur-Allier (63226, Billom Communauté) in 2019.
    let inv = s.file(
        "inventaire.csv",
        "code;type;annee\n63133;Laep;2018\n63226;Laep;2022\n",
    );
    let text = query(&inv, PANIER_2019, "").replace("[2019, 2022]", "[2018, 2022]");
    // With the built-in movements table, then with the query's own: the same count.
    let built_in = Scratch::new();
    let o = built_in.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ligne 2 : 63133 → 63226"),
        "{}",
        stdout(&o)
    );
    let mvt = root().join("data/cog/mouvements-communes.csv");
    let text = text.replace(
        "\n\n[panier]",
        &format!("\nmouvements = \"{}\"\n\n[panier]", mvt.display()),
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ligne 2 : 63133 → 63226"),
        "{}",
        stdout(&o)
    );
    let t = rows(&s.output("synthese.csv"));
    let laep = t.iter().find(|r| r[0] == "Laep").unwrap();
    assert_eq!(laep[1..3], ["1", "7,1"]);
    assert_eq!(s.output("synthese.csv"), built_in.output("synthese.csv"));
}

/// The Drôme's share of EPCI covered by each service, year by year from 2015 to 2019, over the 11 EPCI
/// most of whose population lives in the Drôme (as its schéma counts them): recomputed here from the
/// fictitious inventory.
#[test]
fn the_drome_share_of_epci_covered_per_service_and_year() {
    let s = Scratch::new();
    let o = s.run_file("queries/panier-epci-26-drome.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let inventory =
        std::fs::read_to_string(root().join("data/fictif/inventaire-parentalite-26-FICTIF.csv"))
            .unwrap();
    assert!(inventory.starts_with("# DONNÉES FICTIVES"));
    let rows: Vec<Vec<&str>> = inventory
        .lines()
        .skip(3)
        .map(|l| l.split(';').collect())
        .collect();
    let synthesis = s.output("26/panier-synthese-26.csv");
    for (kind, line) in [
        ("Reaap", 2),
        ("Laep", 3),
        ("Clas", 4),
        ("Médiation familiale", 5),
    ] {
        let cells: Vec<&str> = synthesis.lines().nth(line).unwrap().split(';').collect();
        assert_eq!(cells[0], kind);
        for (k, year) in ["2015", "2016", "2017", "2018", "2019"].iter().enumerate() {
            let covered: std::collections::BTreeSet<&str> = rows
                .iter()
                .filter(|r| r[1] == kind && r[2] == *year)
                .map(|r| r[0])
                .collect();
            assert_eq!(cells[1 + 2 * k], covered.len().to_string(), "{kind} {year}");
            let share = format!("{:.1}", 100.0 * covered.len() as f64 / 11.0).replace('.', ",");
            assert_eq!(cells[2 + 2 * k], share, "{kind} {year}");
        }
    }
    assert!(
        stdout(&o)
            .contains("5 EPCI laissés aux départements où vit la majorité de leur population")
    );
}

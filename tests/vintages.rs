//! Inputs of older COG vintages brought to the query's through the whole command: the 2018
//! contours of the five départements on 2026 codes, the 2016 Caf file by IRIS on the 2026
//! EPCI, and the errors when the movements table is missing or too old.

use crate::common::*;

const DEPARTEMENTS: [(&str, &str); 5] = [
    ("26", "drome"),
    ("34", "herault"),
    ("38", "isere"),
    ("63", "puy-de-dome"),
    ("71", "saone-et-loire"),
];

fn territory(niveau: &str, dep: &str, mouvements: bool) -> String {
    let data = root().join("data");
    let data = data.to_str().unwrap();
    let mvt = if mouvements {
        format!("mouvements = \"{data}/cog/mouvements-communes.csv\"\n")
    } else {
        String::new()
    };
    format!(
        "[territoire]\nniveau = \"{niveau}\"\ndepartements = [\"{dep}\"]\nmillesime = 2026\n\
         communes = \"{data}/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"{data}/cog/departements.csv\"\n{mvt}\n"
    )
}

/// A commune map of the published rates drawn on the 2018 contours of `dep`.
fn map_on_2018_contours(dep: &str, name: &str, mouvements: bool) -> String {
    let data = root().join("data");
    let data = data.to_str().unwrap();
    format!(
        "{}[couverture]\nmethode = \"taux_publie\"\nannee = 2023\n\
         taux_caf = \"{data}/caf/txcouv-pe-2023-5dep.csv\"\n\
         reference_departement = \"publiee\"\nreference_france = \"publiee\"\n\n\
         [contours]\ncommunes = \"{data}/geo/communes-{dep}-{name}-2018.geojson\"\nmillesime = 2018\n\n\
         [carte]\ntitre = \"Communes\"\nsource = \"Source\"\n\
         classes = {{ methode = \"seuils\", valeurs = [\"reference:departement\"] }}\n\
         sorties = [\"carte.svg\", \"carte.geojson\"]\n",
        territory("commune", dep, mouvements)
    )
}

/// Communes of `dep` in the COG 2026.
fn communes_2026(dep: &str) -> usize {
    let text =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    text.lines()
        .filter(|l| l.split(',').nth(2) == Some(dep))
        .count()
}

#[test]
fn contours_of_2018_cover_the_2026_communes_of_the_five_departements() {
    for (dep, name) in DEPARTEMENTS {
        let s = Scratch::new();
        let o = s.run(&map_on_2018_contours(dep, name, true));
        assert!(o.status.success(), "{dep}: {}", stderr(&o));
        let out = stdout(&o);
        let drawn = s
            .output("carte.geojson")
            .matches("\"type\":\"Feature\"")
            .count();
        // Every 2026 commune is drawn, or said to have no shape.
        let without: usize = out
            .lines()
            .find_map(|l| {
                l.split(" territoire(s) sans contour")
                    .next()
                    .filter(|_| l.contains("sans contour"))
                    .and_then(|n| n.trim().trim_start_matches("note : ").parse().ok())
            })
            .unwrap_or(0);
        assert_eq!(drawn + without, communes_2026(dep), "{dep}: {out}");
        assert!(drawn > 0, "{dep}");
        if dep == "63" {
            // Dallet (2018) is drawn within Mur-sur-Allier.
            assert!(out.contains("63133 → 63226"), "{out}");
            assert_eq!(without, 0, "{out}");
        }
    }
}

#[test]
fn a_query_without_movements_table_moves_with_the_built_in_one() {
    let (with, without) = (Scratch::new(), Scratch::new());
    let o = with.run(&map_on_2018_contours("63", "puy-de-dome", true));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = without.run(&map_on_2018_contours("63", "puy-de-dome", false));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("63133 → 63226"), "{}", stdout(&o));
    assert_eq!(
        with.output("carte.geojson"),
        without.output("carte.geojson")
    );
}

/// The share of single parents among allocataires by EPCI of 2026, from the Caf file by
/// IRIS of `year` and its vintage.
fn single_parents(dep: &str, year: u16) -> String {
    let data = root().join("data");
    let data = data.to_str().unwrap();
    format!(
        "{}[score]\nmethode = \"somme_des_rangs\"\nfichier = \"{data}/caf/caf-iris-{year}-5dep.csv\"\n\
         niveau_fichier = \"iris\"\nmillesime_fichier = {year}\n\
         indicateurs = [{{ numerateur = \"AM\", denominateur = \"A\", libelle = \"Monoparents (%)\" }}]\n\
         titre = \"Monoparents\"\nsorties = [\"liste.csv\"]\n",
        territory("epci", dep, true)
    )
}

#[test]
fn caf_file_of_2016_is_summed_on_the_2026_communes() {
    let s = Scratch::new();
    // The communes of Clermont Auvergne Métropole, from the IRIS of 2016.
    let text = single_parents("63", 2016).replace(
        "niveau = \"epci\"",
        "niveau = \"commune\"\nepci = \"246300701\"",
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("(COG 2016 → 2026) : aucun code n'a changé"),
        "{out}"
    );
    assert!(!out.contains("code(s) inconnus du COG"), "{out}");
    let list = s.output("liste.csv");
    // Clermont-Ferrand has a rate, computed from the counts of its IRIS.
    let clermont = list.lines().find(|l| l.contains("63113")).unwrap();
    assert!(
        clermont.split(';').nth(3).unwrap().contains(','),
        "{clermont}"
    );
}

#[test]
fn merged_communes_of_a_commune_file_are_summed_into_the_new_commune() {
    // Dallet and Mur-sur-Allier's former communes (2018) into Mur-sur-Allier (2026);
    // a restored commune of 2025 shared by population.
    let s = Scratch::new();
    let file = s.file(
        "familles-2018.csv",
        "CODGEO;A;AM\n63133;100;10\n63226;300;50\n63113;1000;200\n",
    );
    let text = single_parents("63", 2018)
        .replace(
            "niveau = \"epci\"",
            "niveau = \"commune\"\nepci = \"200067627\"",
        )
        .replace(
            &format!(
                "{}/caf/caf-iris-2018-5dep.csv",
                root().join("data").display()
            ),
            &file,
        )
        .replace("niveau_fichier = \"iris\"", "niveau_fichier = \"commune\"");
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("63133 → 63226"), "{}", stdout(&o));
    let list = s.output("liste.csv");
    // (10 + 50) / (100 + 300) = 15 %.
    let mur = list.lines().find(|l| l.contains("63226")).unwrap();
    assert!(mur.contains(";15;"), "{mur}");
}

/// Coverage from a components file of the COG 2018, on the communes of 2026; the reference of
/// the département computed, that of France `france`.
fn components_of_2018(
    mouvements: bool,
    millesime: &str,
    france: &str,
) -> (Scratch, std::process::Output) {
    let s = Scratch::new();
    // Dallet (63133) merged into Mur-sur-Allier (63226) in 2019; Clermont-Ferrand kept.
    let file = s.file(
        "composantes-2018.csv",
        "code_commune;psu;am;enfants\n63133;10;5;100\n63226;30;15;200\n63113;100;50;300\n",
    );
    let text = format!(
        "{}[couverture]\nmethode = \"ratio_de_sommes\"\nannee = 2018\n\
         reference_departement = \"calculee\"\nreference_france = {france}\n\n\
         [couverture.composantes]\nfichier = \"{file}\"\ncommune = \"code_commune\"\n\
         enfants = \"enfants\"\nplaces = {{ psu = \"EAJE PSU\", am = \"Assistants maternels\" }}\n\
         {millesime}\n[liste]\nselection = \"toutes\"\nsorties = [\"liste.csv\"]\n",
        territory("commune", "63", mouvements)
    );
    let o = s.run(&text);
    (s, o)
}

#[test]
fn components_of_an_older_vintage_are_summed_on_the_new_communes() {
    let (s, o) = components_of_2018(true, "millesime_fichier = 2018", "60.9");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("63133 → 63226"), "{}", stdout(&o));
    let list = s.output("liste.csv");
    // Mur-sur-Allier: (10 + 5 + 30 + 15) / (100 + 200) = 20 %.
    let mur = list.lines().find(|l| l.contains(";63226;")).unwrap();
    assert!(mur.contains(";20,0;"), "{mur}");
    assert!(!list.contains(";63133;"), "{list}");
    // The computed reference is on the moved counts too: (60 + 150) / 600 = 35 %, so
    // Mur-sur-Allier is 15 points under it.
    assert!(mur.contains(";20,0;6,7;13,3;-15,0;"), "{mur}");
}

#[test]
fn both_references_computed_from_the_components() {
    // The file holds the Puy-de-Dôme alone: France is its 35 % too, and Mur-sur-Allier is
    // 15 points under each.
    let (s, o) = components_of_2018(true, "millesime_fichier = 2018", "\"calculee\"");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("liste.csv");
    let mur = list.lines().find(|l| l.contains(";63226;")).unwrap();
    assert!(mur.contains(";20,0;6,7;13,3;-15,0;-15,0;"), "{mur}");
}

#[test]
fn components_of_an_older_vintage_need_their_vintage() {
    let (_s, o) = components_of_2018(true, "", "60.9");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("composantes-2018.csv, ligne 2"), "{err}");
    assert!(err.contains("millesime_fichier"), "{err}");
    // Without a movements table, the built-in one moves the communes alike.
    let (given, o) = components_of_2018(true, "millesime_fichier = 2018", "60.9");
    assert!(o.status.success(), "{}", stderr(&o));
    let (built_in, o) = components_of_2018(false, "millesime_fichier = 2018", "60.9");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("63133 → 63226"), "{}", stdout(&o));
    assert_eq!(given.output("liste.csv"), built_in.output("liste.csv"));
}

#[test]
fn a_rate_column_cannot_change_vintage() {
    let s = Scratch::new();
    let text = single_parents("63", 2016).replace("niveau_fichier = \"iris\"\n", "");
    let o = s.run(&text);
    assert!(!o.status.success());
    let said = "un fichier par territoire ne passe pas du COG 2016 au COG 2026";
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
    // Known from the query alone: verifier says it too.
    let o = diagterr(&["verifier", &s.file("requete.toml", &text)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(said), "{}", stderr(&o));
}

/// An `[evolution]` of Billom Communauté's communes between a 2018 file and a 2022 one.
fn evolution(extra: &str) -> (Scratch, String) {
    let s = Scratch::new();
    // Dallet (63133) and Mezel (63226) merged into Mur-sur-Allier (63226) in 2019.
    let y2018 = s.file(
        "a2018.csv",
        "CODGEO;A;AM\n63133;100;10\n63226;300;50\n63040;500;s\n99999;7;1\n",
    );
    let y2022 = s.file("a2022.csv", "CODGEO;A;AM\n63226;420;63\n63040;480;60\n");
    let data = root().join("data");
    let text = format!(
        "{}[contours]\ncommunes = \"{}/geo/communes-5dep-2026.geojson\"\n\n\
         [evolution]\ntitre = \"Évolution\"\nniveau_fichier = \"commune\"\nsecret = [\"s\"]\n\
         annees = [{{ annee = 2018, fichier = \"{y2018}\", millesime_fichier = 2018 }}, \
         {{ annee = 2022, fichier = \"{y2022}\", millesime_fichier = 2022 }}]\n\
         indicateurs = [{{ colonne = \"A\", libelle = \"Allocataires\" }}, \
         {{ numerateur = \"AM\", denominateur = \"A\", libelle = \"Monoparents (%)\" }}]\n\
         sorties = [\"evolution.csv\"]\n{extra}",
        territory("commune", "63", true).replace(
            "niveau = \"commune\"",
            "niveau = \"commune\"\nepci = \"200067627\""
        ),
        data.display()
    );
    (s, text)
}

#[test]
fn evolution_of_counts_and_rates_across_a_merger() {
    let (s, text) = evolution(
        "carte_indicateur = \"Monoparents (%)\"\n[evolution.carte]\ntitre = \"Carte\"\nsource = \"S\"\nsorties = [\"evolution.svg\"]\n",
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = s.output("evolution.csv");
    let row = |code: &str| -> Vec<String> {
        table
            .lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("{code} in {table}"))
            .split(';')
            .map(|c| c.trim_matches('"').to_string())
            .collect()
    };
    // Mur-sur-Allier: 400 allocataires in 2018 (Dallet and Mezel), 420 in 2022: +20, +5 %;
    // 60 single parents of 400 (15 %), then 63 of 420 (15 %): no change in points.
    assert_eq!(
        row("63226")[2..],
        ["400", "420", "20", "5,0", "15,0", "15,0", "0,0"]
    );
    // Billom: a secret count in 2018 makes its 2018 rate and the change secret, not zero.
    assert_eq!(
        row("63040")[2..],
        ["500", "480", "-20", "-4,0", "secret", "12,5", "secret"]
    );
    assert!(table.contains("Ensemble"));
    let out = stdout(&o);
    assert!(out.contains("63133 → 63226"), "{out}");
    // A code no vintage knows is said, with its line, not dropped silently.
    assert!(
        out.contains("99999 → inconnu de tous les millésimes"),
        "{out}"
    );
    assert!(out.contains("99999 (ligne 5)"), "{out}");
    let svg = s.output("evolution.svg");
    assert!(
        svg.contains("Évolution 2018-2022 (points)"),
        "the legend says the unit"
    );
    assert!(svg.contains("Secret statistique"));
}

#[test]
fn evolution_needs_two_years_and_a_known_mapped_indicator() {
    let (s, text) = evolution("");
    let one_year = text.replace(
        &text[text.find("annees = [").unwrap()..text.find("indicateurs").unwrap()],
        &format!(
            "annees = [{{ annee = 2022, fichier = \"{}\", millesime_fichier = 2022 }}]\n",
            s.dir.path().join("requetes/a2022.csv").display()
        ),
    );
    let o = s.run(&one_year);
    assert!(
        stderr(&o).contains("au moins deux années"),
        "{}",
        stderr(&o)
    );
    let (s, text) = evolution(
        "carte_indicateur = \"Familles\"\n[evolution.carte]\ntitre = \"C\"\nsource = \"S\"\nsorties = [\"e.svg\"]\n",
    );
    let o = s.run(&text);
    assert!(
        stderr(&o).contains("« Familles » n'est le libellé d'aucun indicateur"),
        "{}",
        stderr(&o)
    );
    let (s, text) = evolution("");
    let o = s.run(&text.replace(
        "{ colonne = \"A\", libelle",
        "{ colonne = \"A\", numerateur = \"AM\", libelle",
    ));
    assert!(
        stderr(&o).contains("donnez « colonne » (un effectif)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_codes_command_reports_every_code_that_moves() {
    let s = Scratch::new();
    let file = s.file(
        "codes.csv",
        "CODGEO;A\n63133;1\n63113;2\n15141;3\n20004;4\n75112;5\n99999;6\n",
    );
    let report = s.dir.path().join("rapport.csv");
    let o = diagterr(&[
        "codes",
        &file,
        "--millesime",
        "2018",
        "--sortie",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("6 code(s) commune, COG 2018 → 2026 : 1 inchangé(s), 3 changé(s) ou fusionné(s), 1 partagé(s)"),
        "{out}"
    );
    assert!(
        out.contains("inconnu : 99999 (inconnu de tous les millésimes)"),
        "{out}"
    );
    let csv = std::fs::read_to_string(report).unwrap();
    assert!(
        csv.contains(
            "63133;changé ou fusionné;63226;création de commune nouvelle 2019-01-01 (63226)"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("75112;changé ou fusionné;75056;arrondissement municipal → commune"),
        "{csv}"
    );
    assert!(csv.contains("15141;partagé;15031 ("), "{csv}");
}

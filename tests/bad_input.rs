//! Bad input through the whole command: each error names the file and the place.

use crate::common::*;

/// Runs a query that must fail and returns what it printed on stderr.
fn failure(text: &str) -> String {
    let o = Scratch::new().run(text);
    assert!(!o.status.success(), "{}", stdout(&o));
    stderr(&o)
}

#[test]
fn unknown_query_key_names_file_line_and_key() {
    let text = puy_de_dome_query().replace("[carte]\n", "[carte]\ncouleurs = \"rouge\"\n");
    let err = failure(&text);
    let line = line_of(&text, "couleurs");
    assert!(
        err.contains(&format!("requete.toml, ligne {line}")),
        "{err}"
    );
    assert!(err.contains("clé inconnue « couleurs »"), "{err}");
}

#[test]
fn missing_input_file_names_the_key_and_line() {
    let text = puy_de_dome_query().replace("txcouv-pe-2023-5dep.csv", "txcouv-absent.csv");
    let err = failure(&text);
    assert!(
        err.contains(&format!("ligne {}", line_of(&text, "taux_caf"))),
        "{err}"
    );
    assert!(err.contains("couverture.taux_caf"), "{err}");
}

#[test]
fn unknown_departement_is_refused() {
    let text = puy_de_dome_query().replace("departements = [\"63\"]", "departements = [\"6\"]");
    assert!(failure(&text).contains("département inconnu « 6 »"));
}

#[test]
fn unknown_threshold_word_is_refused() {
    let text = puy_de_dome_query().replace("\"reference:france\"]", "\"reference:region\"]");
    assert!(failure(&text).contains("seuil inconnu « reference:region »"));
}

#[test]
fn unreadable_geometry_names_the_file() {
    let s = Scratch::new();
    let geo = s.file(
        "communes.geojson",
        "{\"type\": \"FeatureCollection\", \"features\": [",
    );
    let text = puy_de_dome_query()
        .replace("../data/geo/communes-5dep-2026.geojson", &geo)
        .replace("epci = \"../data/geo/epci-5dep-2026.geojson\"\n", "");
    let o = s.run(&text);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("communes.geojson"), "{}", stderr(&o));
}

/// A query on raw components by commune (ratio of sums), Puy-de-Dôme, with the
/// places file written beside it.
fn components_run(places: &str, reference_departement: &str) -> (Scratch, std::process::Output) {
    let s = Scratch::new();
    let path = s.file("places.csv", places);
    let text = format!(
        r#"[territoire]
niveau = "epci"
departements = ["63"]
millesime = 2026
communes = "../data/cog/communes-epci-population-2026.csv"
liste_departements = "../data/cog/departements.csv"

[couverture]
methode = "ratio_de_sommes"
annee = 2024
reference_departement = {reference_departement}
reference_france = 60.9

[couverture.composantes]
fichier = "{path}"
commune = "code_commune"
enfants = "enfants"
places = {{ psu = "EAJE PSU", am = "Assistants maternels" }}

[liste]
selection = "toutes"
sorties = ["liste.csv"]
"#
    );
    let o = s.run(&text);
    (s, o)
}

#[test]
fn unknown_commune_in_components_names_file_line_and_code() {
    let (_s, o) = components_run(
        "code_commune;psu;am;enfants\n63113;100;50;300\n63999;10;5;30\n",
        "\"calculee\"",
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("places.csv, ligne 3"), "{err}");
    assert!(err.contains("code « 63999 »"), "{err}");
}

#[test]
fn components_ratio_of_sums_with_secret_cells() {
    // Clermont Auvergne Métropole (246300701): 63113 Clermont-Ferrand and 63014 Aubière.
    // CA Riom Limagne et Volcans (200070753): 63300 Riom, with a secret cell.
    let (s, o) = components_run(
        "code_commune;psu;am;enfants\n63113;1 000;500;3000\n63014;100;50;500\n63300;s;20;400\n",
        "64.2",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("liste.csv");
    // (1000 + 500 + 100 + 50) / (3000 + 500) = 47,142… : a ratio of sums, not a mean of rates.
    let metro = list.lines().find(|l| l.contains(";246300701;")).unwrap();
    assert!(metro.contains(";47,1;"), "{metro}");
    let riom = list.lines().find(|l| l.contains(";200070753;")).unwrap();
    assert!(riom.contains(";secret;"), "{riom}");
    assert!(riom.ends_with(";secret statistique"), "{riom}");
}

#[test]
fn computed_reference_touching_a_secret_cell_is_refused() {
    let (_s, o) = components_run(
        "code_commune;psu;am;enfants\n63113;100;50;300\n63300;s;20;400\n",
        "\"calculee\"",
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("requete.toml, ligne 11"), "{err}");
    assert!(
        err.contains("la référence Puy-de-Dôme est secrète"),
        "{err}"
    );
}

#[test]
fn computed_reference_is_a_ratio_of_sums() {
    // Département 63: (100 + 50 + 30 + 10) / (300 + 100) = 47,5 ; not the mean of 50 and 40.
    let (s, o) = components_run(
        "code_commune;psu;am;enfants\n63113;100;50;300\n63300;30;10;100\n",
        "\"calculee\"",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Clermont Auvergne Métropole: 150 / 300 = 50,0, parts in column order (am, psu),
    // then 2,5 points above the département and 10,9 under the nation.
    let list = s.output("liste.csv");
    let metro = list.lines().find(|l| l.contains(";246300701;")).unwrap();
    assert!(metro.contains(";50,0;16,7;33,3;2,5;-10,9;"), "{metro}");
    // Both territories were computed without all their communes: said, not hidden.
    let text = stdout(&o);
    assert!(
        text.contains("calculé(s) sans toutes leurs communes"),
        "{text}"
    );
}

#[test]
fn unwritable_output_folder_names_it_and_writes_nothing() {
    let s = Scratch::new();
    let blocker = s.file("fichier", "");
    let o = diagterr(&[
        "executer",
        "queries/couverture-epci-63-puy-de-dome.toml",
        "--sortie",
        &format!("{blocker}/sorties"),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("impossible de créer le dossier de sortie"),
        "{err}"
    );
    assert!(err.contains("fichier/sorties"), "{err}");
    assert!(err.contains("--sortie"), "{err}");
}

#[test]
fn weighted_score_without_weights_and_unknown_indicator_are_refused() {
    let text = std::fs::read_to_string(root().join("queries/vulnerabilite-epci-34-herault.toml"))
        .unwrap()
        .replace(
            "methode = \"somme_des_rangs\"",
            "methode = \"score_pondere\"",
        );
    let err = failure(&text);
    assert!(
        err.contains("poids absent pour l'indicateur « PPMINI19 »"),
        "{err}"
    );
    assert!(
        err.contains(&format!("ligne {}", line_of(&text, "indicateurs"))),
        "{err}"
    );

    // The weights are checked with the query, before any file is read: a column the file lacks
    // is found once they are right.
    let text = text
        .replace(
            "methode = \"score_pondere\"",
            "methode = \"somme_des_rangs\"",
        )
        .replace("\"PPFAM19\"", "\"PPFAM18\"");
    let err = failure(&text);
    assert!(err.contains("FILO2019_DISP_EPCI.csv"), "{err}");
    assert!(err.contains("PPFAM18"), "{err}");
}

#[test]
fn weighted_score_ranks_highest_first() {
    let query =
        std::fs::read_to_string(root().join("queries/vulnerabilite-epci-34-herault.toml")).unwrap();
    // The map of priority classes goes with the rank sum only: keep the list.
    let text = query
        .split("[score.carte]")
        .next()
        .unwrap()
        .replace(
            "methode = \"somme_des_rangs\"",
            "methode = \"score_pondere\"",
        )
        .replace(
            "libelle = \"Part des minima sociaux (%)\"",
            "libelle = \"Part des minima sociaux (%)\", poids = 0.6",
        )
        .replace(
            "libelle = \"Part des prestations familiales (%)\"",
            "libelle = \"Part des prestations familiales (%)\", poids = 0.2",
        )
        .replace(
            "libelle = \"Revenu médian (€)\"",
            "libelle = \"Revenu médian (€)\", poids = 0.2",
        );
    let s = Scratch::new();
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("34/vulnerabilite-epci-34.csv");
    let scores: Vec<f64> = list
        .lines()
        .skip(1)
        .map(|l| {
            // The score, then its priority class.
            l.rsplit(';')
                .nth(1)
                .unwrap()
                .replace(',', ".")
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(scores.len(), 17);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(
        scores.iter().all(|s| (0.0..=1.0).contains(s)),
        "min-max scores lie in [0 ; 1]"
    );
}

#[test]
fn zoom_on_an_unknown_epci_is_refused() {
    let text = std::fs::read_to_string(
        root().join("queries/vulnerabilite-communes-clermont-auvergne-metropole.toml"),
    )
    .unwrap()
    .replace("epci = \"246300701\"", "epci = \"246300799\"");
    let err = failure(&text);
    assert!(
        err.contains("EPCI inconnu du COG 2026 : « 246300799 »"),
        "{err}"
    );
    assert!(
        err.contains(&format!("ligne {}", line_of(&text, "epci ="))),
        "{err}"
    );
}

#[test]
fn priority_map_of_a_weighted_score_says_its_method_and_a_flag_map_needs_a_typology() {
    let text = std::fs::read_to_string(root().join("queries/vulnerabilite-epci-34-herault.toml"))
        .unwrap()
        .replace(
            "methode = \"somme_des_rangs\"",
            "methode = \"score_pondere\"",
        )
        .replace("\" }", "\", poids = 0.5 }")
        .replace(
            "vulnerable_si = \"bas\" }",
            "vulnerable_si = \"bas\", poids = 0.5 }",
        );
    let s = Scratch::new();
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("34/vulnerabilite-epci-34.svg");
    assert!(
        svg.contains("Score pondéré (min-max ; poids 33 % Part des minima sociaux (%)"),
        "the legend says the method"
    );
    assert!(svg.contains("Priorité 1 ("));
    // Flags without a typology have no classes to map.
    let flags = text
        .replace("methode = \"score_pondere\"", "methode = \"drapeaux\"")
        .replace("poids = 0.5", "drapeau = { test = \">\", seuil = 5 }");
    let err = failure(&flags);
    assert!(
        err.contains("la carte va avec « somme_des_rangs », « score_pondere », ou « drapeaux » avec [score.typologie]"),
        "{err}"
    );
}

#[test]
fn a_rate_column_summed_from_a_finer_level_is_refused() {
    let text = std::fs::read_to_string(
        root().join("queries/vulnerabilite-communes-clermont-caf-iris.toml"),
    )
    .unwrap()
    .replace(
        "{ numerateur = \"AM\", denominateur = \"A\",",
        "{ colonne = \"AM\",",
    );
    let err = failure(&text);
    assert!(
        err.contains("la colonne « AM » ne s'additionne pas d'un niveau à l'autre"),
        "{err}"
    );
    assert!(err.contains("numerateur"), "{err}");
}

#[test]
fn a_weight_that_is_not_a_number_is_refused_with_its_line() {
    let text = std::fs::read_to_string(root().join("queries/vulnerabilite-epci-34-herault.toml"))
        .unwrap()
        .replace(
            "libelle = \"Part des minima sociaux (%)\" }",
            "libelle = \"Part des minima sociaux (%)\", poids = \"soixante\" }",
        );
    let err = failure(&text);
    assert!(
        err.contains(&format!(
            "ligne {}",
            line_of(&text, "  { colonne = \"PPMINI19\"")
        )),
        "{err}"
    );
    assert!(err.contains("attendu un nombre"), "{err}");
}

#[test]
fn an_empty_territory_set_is_refused() {
    let text =
        std::fs::read_to_string(root().join("queries/vulnerabilite-epci-63-puy-de-dome.toml"))
            .unwrap()
            .replace("departements = [\"63\"]", "departements = []");
    let err = failure(&text);
    assert!(err.contains("aucun territoire dans la sélection"), "{err}");
    assert!(
        err.contains(&format!("ligne {}", line_of(&text, "departements"))),
        "{err}"
    );
}

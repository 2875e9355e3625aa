//! Bad input through the whole command: each error names the file and the place.

mod common;

use common::*;

fn run_query(text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let q = write_query(dir.path(), "requete.toml", text);
    let out = dir.path().join("out");
    let o = diagterr(&[
        "executer",
        q.to_str().unwrap(),
        "--sortie",
        out.to_str().unwrap(),
    ]);
    (o.status.success(), stderr(&o))
}

#[test]
fn unknown_query_key_names_file_line_and_key() {
    let text = puy_de_dome_query().replace("[carte]\n", "[carte]\ncouleurs = \"rouge\"\n");
    let line = text
        .lines()
        .position(|l| l.starts_with("couleurs"))
        .unwrap()
        + 1;
    let (ok, err) = run_query(&text);
    assert!(!ok);
    assert!(
        err.contains(&format!("requete.toml, ligne {line}")),
        "{err}"
    );
    assert!(err.contains("clé inconnue « couleurs »"), "{err}");
}

#[test]
fn missing_input_file_names_the_key_and_line() {
    let text = puy_de_dome_query().replace("txcouv-pe-2023-5dep.csv", "txcouv-absent.csv");
    let line = text
        .lines()
        .position(|l| l.contains("txcouv-absent"))
        .unwrap()
        + 1;
    let (ok, err) = run_query(&text);
    assert!(!ok);
    assert!(err.contains(&format!("ligne {line}")), "{err}");
    assert!(err.contains("couverture.taux_caf"), "{err}");
}

#[test]
fn unknown_departement_is_refused() {
    let text = puy_de_dome_query().replace("departements = [\"63\"]", "departements = [\"6\"]");
    let (ok, err) = run_query(&text);
    assert!(!ok);
    assert!(err.contains("département inconnu « 6 »"), "{err}");
}

#[test]
fn unknown_threshold_word_is_refused() {
    let text = puy_de_dome_query().replace("\"reference:france\"]", "\"reference:region\"]");
    let (ok, err) = run_query(&text);
    assert!(!ok);
    assert!(err.contains("seuil inconnu « reference:region »"), "{err}");
}

#[test]
fn unknown_commune_in_components_names_file_line_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("places.csv");
    std::fs::write(
        &csv,
        "code_commune;psu;am;enfants\n63113;100;50;300\n63999;10;5;30\n",
    )
    .unwrap();
    let text = components_query(csv.to_str().unwrap(), "\"calculee\"");
    let q = write_query(dir.path(), "requete.toml", &text);
    let o = diagterr(&[
        "executer",
        q.to_str().unwrap(),
        "--sortie",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("places.csv, ligne 3"), "{err}");
    assert!(err.contains("code « 63999 »"), "{err}");
}

#[test]
fn unreadable_geometry_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let geo = dir.path().join("communes.geojson");
    std::fs::write(&geo, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let text = puy_de_dome_query()
        .replace("data/geo/communes-5dep-2026.geojson", geo.to_str().unwrap())
        .replace("epci = \"data/geo/epci-5dep-2026.geojson\"\n", "");
    let (ok, err) = run_query(&text);
    assert!(!ok);
    assert!(err.contains("communes.geojson"), "{err}");
}

/// A query on raw components by commune (ratio of sums), Puy-de-Dôme.
fn components_query(path: &str, reference_departement: &str) -> String {
    format!(
        r#"[territoire]
niveau = "epci"
departements = ["63"]
millesime = 2026
communes = "data/cog/communes-epci-population-2026.csv"
liste_departements = "data/cog/departements.csv"

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
    )
}

#[test]
fn components_ratio_of_sums_with_secret_cells() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("places.csv");
    // Clermont Auvergne Métropole (246300701): 63113 Clermont-Ferrand and 63014 Aubière.
    // Riom Limagne et Volcans (200070753): 63300 Riom, with a secret cell.
    std::fs::write(
        &csv,
        "code_commune;psu;am;enfants\n63113;1 000;500;3000\n63014;100;50;500\n63300;s;20;400\n",
    )
    .unwrap();
    let q = write_query(
        dir.path(),
        "requete.toml",
        &components_query(csv.to_str().unwrap(), "64.2"),
    );
    let out = dir.path().join("out");
    let o = diagterr(&[
        "executer",
        q.to_str().unwrap(),
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = std::fs::read_to_string(out.join("liste.csv")).unwrap();
    // (1000 + 500 + 100 + 50) / (3000 + 500) = 47,142… : a ratio of sums, not a mean of rates.
    let metro = list.lines().find(|l| l.contains(";246300701;")).unwrap();
    assert!(metro.contains(";47,1;"), "{metro}");
    let riom = list.lines().find(|l| l.contains(";200070753;")).unwrap();
    assert!(riom.contains(";secret;"), "{riom}");
    assert!(riom.ends_with(";secret statistique"), "{riom}");
}

#[test]
fn computed_reference_touching_a_secret_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("places.csv");
    std::fs::write(
        &csv,
        "code_commune;psu;am;enfants\n63113;100;50;300\n63300;s;20;400\n",
    )
    .unwrap();
    let q = write_query(
        dir.path(),
        "requete.toml",
        &components_query(csv.to_str().unwrap(), "\"calculee\""),
    );
    let o = diagterr(&[
        "executer",
        q.to_str().unwrap(),
        "--sortie",
        dir.path().join("out").to_str().unwrap(),
    ]);
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
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("places.csv");
    // Département 63: (100 + 50 + 30 + 10) / (300 + 100) = 47,5 ; not the mean of 50 and 40.
    std::fs::write(
        &csv,
        "code_commune;psu;am;enfants\n63113;100;50;300\n63300;30;10;100\n",
    )
    .unwrap();
    let q = write_query(
        dir.path(),
        "requete.toml",
        &components_query(csv.to_str().unwrap(), "\"calculee\""),
    );
    let out = dir.path().join("out");
    let o = diagterr(&[
        "executer",
        q.to_str().unwrap(),
        "--sortie",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = std::fs::read_to_string(out.join("liste.csv")).unwrap();
    // Clermont Auvergne Métropole: 150 / 300 = 50,0, parts in column order (am, psu),
    // then 2,5 points above the département and 10,9 under the nation.
    let metro = list.lines().find(|l| l.contains(";246300701;")).unwrap();
    assert!(metro.contains(";50,0;16,7;33,3;2,5;-10,9;"), "{metro}");
    // Both territories were computed without all their communes: said, not hidden.
    assert!(
        stdout(&o).contains("calculé(s) sans toutes leurs communes"),
        "{}",
        stdout(&o)
    );
}

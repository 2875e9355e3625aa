//! `verifier` refuses every query that `executer` refuses, with the same error, and writes nothing.

use crate::common::*;

/// Variants of the Puy-de-Dôme query, each wrong in one way `executer` refuses, found before or
/// while computing, and what both commands say.
fn bad_queries() -> Vec<(&'static str, String, &'static str)> {
    let q = puy_de_dome_query();
    let year = "annee = 2023";
    assert!(q.contains(year));
    vec![
        (
            "an output extension no writer has",
            q.replace("couverture-epci-63.png\"", "couverture-epci-63.pdf\""),
            "sortie refusée « 63/couverture-epci-63.pdf » : extension inconnue",
        ),
        (
            "a table written as a picture",
            q.replace("priorites-epci-63.md\"", "priorites-epci-63.svg\""),
            "« liste.sorties » ne s'écrit pas en .svg",
        ),
        (
            "a year the file lacks",
            q.replace(year, "annee = 2019"),
            "aucune ligne de l'année 2019",
        ),
        (
            "an unknown département",
            q.replace("departements = [\"63\"]", "departements = [\"6\"]"),
            "département inconnu « 6 »",
        ),
        (
            "an empty list of outputs",
            q.replace(
                "sorties = [\"63/composantes-epci-63.svg\", \"63/composantes-epci-63.png\"]",
                "sorties = []",
            ),
            "« multiples.sorties » est vide",
        ),
        (
            "a GIS layer of a map in insets",
            // The reference of two départements given, as they have none published together.
            q.replace(
                "departements = [\"63\"]",
                "departements = [\"63\", \"971\"]",
            )
            .replace(
                "reference_departement = \"publiee\"",
                "reference_departement = 60.0",
            ),
            "couche SIG « 63/couverture-epci-63.geojson » d'une carte aux DROM en encarts",
        ),
        (
            "a data file without its column",
            q.replace("txcouv-pe-2023-5dep.csv", "../cog/departements.csv"),
            "colonne",
        ),
        (
            "an EPCI zoom at the EPCI level",
            q.replace(
                "departements = [\"63\"]",
                "departements = [\"63\"]\nepci = \"246300701\"",
            ),
            "le zoom sur un EPCI demande « niveau = \"commune\" »",
        ),
        (
            "thresholds with a method that computes its own",
            q.replace(
                "methode = \"seuils_naturels\", nombre = 5",
                "methode = \"seuils_naturels\", valeurs = [50, 60]",
            ),
            "« valeurs » ne va qu'avec « methode = \"seuils\" »",
        ),
        (
            "a departmental reference of two départements",
            q.replace("departements = [\"63\"]", "departements = [\"63\", \"03\"]"),
            "une référence départementale demande un seul département",
        ),
        (
            "a computed reference of published rates",
            q.replace(
                "reference_france = \"publiee\"",
                "reference_france = \"calculee\"",
            ),
            "« reference_france = \"calculee\" » demande la méthode « ratio_de_sommes »",
        ),
        (
            "a sum of components without them",
            q.replace("methode = \"taux_publie\"", "methode = \"ratio_de_sommes\""),
            "« methode = \"ratio_de_sommes\" » demande [couverture.composantes]",
        ),
        (
            "a threshold naming no reference",
            q.replace("\"reference:france\"]", "\"reference:region\"]"),
            "seuil inconnu « reference:region »",
        ),
    ]
}

/// Variants of the Drôme panier, each wrong in its composition or its years.
fn bad_paniers() -> Vec<(&'static str, String, &'static str)> {
    let q = std::fs::read_to_string(root().join("queries/panier-epci-26-drome.toml")).unwrap();
    let (years, clas) = (
        "annees = [2015, 2016, 2017, 2018, 2019]",
        "{ service = \"clas\" }",
    );
    assert!(q.contains(years) && q.contains(clas));
    vec![
        (
            "a service named twice",
            q.replace(clas, "{ service = \"laep\" }"),
            "service « laep » nommé deux fois dans la composition",
        ),
        (
            "years out of order",
            q.replace(years, "annees = [2019, 2015]"),
            "« annees » : au moins une année, chacune une fois, dans l'ordre",
        ),
    ]
}

/// Variants of the Hérault score, each wrong in its priorities or its map.
fn bad_scores() -> Vec<(&'static str, String, &'static str)> {
    let q =
        std::fs::read_to_string(root().join("queries/vulnerabilite-epci-34-herault.toml")).unwrap();
    let (priorities, method) = ("priorites = 2", "methode = \"somme_des_rangs\"");
    assert!(q.contains(priorities) && q.contains(method));
    vec![
        (
            "cut points without their values",
            q.replace(
                priorities,
                "priorites = { methode = \"seuils\", nombre = 3 }",
            ),
            "« priorites » : « seuils » demande « valeurs »",
        ),
        (
            "more classes of priority than a palette has",
            q.replace(priorities, "priorites = 12"),
            "12 classes de priorité : trop pour une carte",
        ),
        (
            "a map of flags without a typology",
            q.replace(method, "methode = \"drapeaux\""),
            "la carte va avec « somme_des_rangs »",
        ),
        (
            "a weighted score without weights",
            q.replace(method, "methode = \"score_pondere\""),
            "poids absent pour l'indicateur",
        ),
    ]
}

/// The Puy-de-Dôme synthesis with more axes than its map can colour.
fn bad_syntheses() -> Vec<(&'static str, String, &'static str)> {
    let q = std::fs::read_to_string(root().join("queries/priorites-epci-63.toml")).unwrap();
    let axis = "  { libelle = \"Pas de Clas\", indicateur = \"clas\", sous = 1 },\n";
    assert!(q.contains(axis));
    let nine: String = (0..6)
        .map(|k| axis.replace("Pas de Clas", &format!("Pas de Clas {k}")))
        .collect();
    vec![(
        "a map of more numbers of axes than a palette has",
        q.replace(axis, &format!("{axis}{nine}")),
        "carte de [priorites] : 11 classes de 0 à 10 axes, au-delà des 9 qu'une carte distingue",
    )]
}

#[test]
fn verifier_refuses_what_executer_refuses_and_writes_nothing() {
    let bad = bad_queries()
        .into_iter()
        .chain(bad_scores())
        .chain(bad_paniers())
        .chain(bad_syntheses());
    for (what, text, said) in bad {
        let s = Scratch::new();
        let q = s.file("requete.toml", &text);
        let out = s.out_dir();
        let run = |command| diagterr(&[command, &q, "--sortie", out.to_str().unwrap()]);
        let verifier = run("verifier");
        assert!(!out.exists(), "{what}: verifier wrote {out:?}");
        let executer = run("executer");
        assert!(!verifier.status.success(), "{what}: {}", stdout(&verifier));
        assert!(!executer.status.success(), "{what}: {}", stdout(&executer));
        let first_error =
            |o: &std::process::Output| stderr(o).lines().next().unwrap_or("").to_string();
        assert!(
            first_error(&verifier).contains(said),
            "{what}: {}",
            stderr(&verifier)
        );
        assert_eq!(first_error(&verifier), first_error(&executer), "{what}");
        // A data error stops executer before it writes, a query error before it starts.
        assert_eq!(files_in(&out), 0, "{what}: executer wrote in {out:?}");
    }
}

/// The files under `dir`, at any depth (none when it does not exist).
fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .map(|e| e.unwrap().path())
            .map(|p| if p.is_dir() { files_in(&p) } else { 1 })
            .sum()
    })
}

#[test]
fn verifier_lists_every_error_of_a_query() {
    let s = Scratch::new();
    let text = puy_de_dome_query()
        .replace("departements = [\"63\"]", "departements = [\"6\"]")
        .replace("couverture-epci-63.png\"", "couverture-epci-63.pdf\"")
        .replace("priorites-epci-63.md\"", "priorites-epci-63.svg\"");
    let q = s.file("requete.toml", &text);
    let o = diagterr(&["verifier", &q]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for (said, key) in [
        ("département inconnu « 6 »", "departements"),
        (
            "couverture-epci-63.pdf",
            "sorties = [\"63/couverture-epci-63.svg\"",
        ),
        (
            "priorites-epci-63.svg",
            "sorties = [\"63/priorites-epci-63.csv\"",
        ),
    ] {
        let line = format!("requete.toml, ligne {} : ", line_of(&text, key));
        assert!(
            err.lines().any(|l| l.contains(&line) && l.contains(said)),
            "{said} at {line}:\n{err}"
        );
    }
}

#[test]
fn verifier_computes_the_examples_and_leaves_no_file() {
    let s = Scratch::new();
    let o = diagterr(&[
        "verifier",
        "queries",
        "--sortie",
        s.out_dir().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let valid = stdout(&o)
        .lines()
        .filter(|l| l.ends_with("requête valide (calcul vérifié, rien écrit)"))
        .count();
    let queries = std::fs::read_dir(root().join("queries"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "toml")
        })
        .count();
    assert_eq!(valid, queries);
    assert!(!s.out_dir().exists());
}

//! The diagnostic of several départements in one command: reports per département, a
//! failure kept to its département, bad diagnostic files.

use crate::common::*;

/// A diagnostic of `deps` with the coverage model, and the panier model for all of them
/// (its inventory exists for 63 and 71 only).
fn diagnostic(deps: &str) -> String {
    let root = root();
    let root = root.display();
    format!(
        "[diagnostic]\ntitre = \"Diagnostic\"\ndepartements = [{deps}]\n\
         liste_departements = \"{root}/data/cog/departements.csv\"\n\
         modeles = [{{ requete = \"{root}/queries/modeles/couverture-epci.toml\" }}, \
         {{ requete = \"{root}/queries/modeles/panier-epci.toml\" }}]\ndossier = \"diag\"\nannee = 2023\n"
    )
}

#[test]
fn a_failing_departement_keeps_the_others_reports() {
    let s = Scratch::new();
    let o = s.run(&diagnostic("\"38\", \"63\""));
    // The Isère has no inventory: its panier fails, the rest is written.
    assert!(!o.status.success());
    let out = stdout(&o);
    assert!(
        out.contains("38 Isère : 2 requête(s), 1 en erreur"),
        "{out}"
    );
    assert!(
        out.contains("inventaire-parentalite-38-FICTIF.csv"),
        "{out}"
    );
    assert!(
        out.contains("63 Puy-de-Dôme : 2 requête(s), 0 en erreur"),
        "{out}"
    );
    let drome = s.output("diag/38/rapport-38.html");
    assert!(
        drome.contains("Parties manquantes"),
        "the report says what it lacks"
    );
    assert!(drome.contains("Taux de couverture par EPCI (2023)"));
    let puy = s.output("diag/63/rapport-63.html");
    assert!(!puy.contains("Parties manquantes"));
    // Maps inline, the panier's tables, references, notices and sources.
    assert_eq!(
        puy.matches("<figure>\n<svg").count(),
        4,
        "coverage, components, panier map and chart"
    );
    for text in [
        "Panier par EPCI en 2022",
        "Références du taux de couverture (2023)",
        "Puy-de-Dôme : EPCI sous les références départementale et nationale",
        "<h3>Notes</h3>",
    ] {
        assert!(puy.contains(text), "{text}");
    }
    // The sources by the name of their file: the diagnostic names its models by absolute paths, and
    // the folders of the machine that ran it appear nowhere in the report (sources, notes, subtitle).
    assert!(puy.contains("<li>couverture.taux_caf : txcouv-pe-2023-5dep.csv</li>"));
    assert!(puy.contains("Requête : <code>couverture-epci.toml</code>"));
    let folder = root().display().to_string();
    assert!(!puy.contains(&folder), "{puy}");
    assert!(
        drome.contains("<li>panier-epci.toml : panier-epci.toml, ligne 17 : fichier introuvable")
    );
    assert!(!puy.contains(&s.dir.path().display().to_string()));
    assert!(s.out_dir().join("diag/63/diagnostic-63.xlsx").exists());
    assert!(s.out_dir().join("diag/63/couverture-epci.png").exists());
}

#[test]
fn an_unknown_departement_stops_the_diagnostic_with_its_line() {
    let s = Scratch::new();
    let text = diagnostic("\"63\", \"6\"");
    let o = s.run(&text);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("département inconnu « 6 »"), "{err}");
    assert!(
        err.contains(&format!("ligne {}", line_of(&text, "departements"))),
        "{err}"
    );
}

#[test]
fn an_unknown_key_of_a_diagnostic_is_refused() {
    let o = Scratch::new().run(&diagnostic("\"63\"").replace("dossier", "repertoire"));
    assert!(
        stderr(&o).contains("clé inconnue « repertoire »"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn all_departements_of_france_get_a_report() {
    let s = Scratch::new();
    // The panier model for the Puy-de-Dôme only: the others get a report with no part.
    let text = diagnostic("\"toutes\"").replace(
        &format!(
            "{{ requete = \"{}/queries/modeles/couverture-epci.toml\" }}, ",
            root().display()
        ),
        "",
    );
    let text = text.replace(
        "panier-epci.toml\" }",
        "panier-epci.toml\", departements = [\"63\"] }",
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let reports = std::fs::read_dir(s.out_dir().join("diag")).unwrap().count();
    assert_eq!(reports, 101, "one folder per département of the COG 2026");
    assert!(s.output("diag/2A/rapport-2A.html").contains("Corse-du-Sud"));
    assert!(
        s.output("diag/63/rapport-63.html")
            .contains("Panier par EPCI")
    );
}

/// The class limits of a map's legend ("55,2 à moins de 60,9").
fn legend(svg: &str) -> Vec<String> {
    svg.split(">De ")
        .skip(1)
        .map(|s| {
            let label = s.split('<').next().unwrap();
            // Without the count of territories, which differs by département.
            label
                .rsplit_once(" (")
                .map_or(label, |(l, _)| l)
                .to_string()
        })
        .collect()
}

#[test]
fn pooled_classes_make_the_maps_of_the_departements_comparable() {
    let s = Scratch::new();
    // The model written beside the diagnostic, one folder up from where it is in queries/.
    let model = std::fs::read_to_string(root().join("queries/modeles/couverture-epci.toml"))
        .unwrap()
        .replace("\"../../data/", "\"../data/")
        .replace(
            "classes = { methode = \"seuils\", valeurs = [\"reference:departement\", \"reference:france\"] }",
            "classes = { methode = \"quantiles\", nombre = 4 }",
        );
    let model = s.file("modele.toml", &model);
    let text = |pooled: bool| {
        format!(
            "[diagnostic]\ntitre = \"D\"\ndepartements = [\"63\", \"71\"]\n\
             liste_departements = \"../data/cog/departements.csv\"\n\
             modeles = [{{ requete = \"{model}\" }}]\ndossier = \"diag\"\nclasses_communes = {pooled}\nannee = 2023\n"
        )
    };
    let o = s.run(&text(false));
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (
        legend(&s.output("diag/63/couverture-epci.svg")),
        legend(&s.output("diag/71/couverture-epci.svg")),
    );
    assert_eq!(a.len(), 2, "{a:?}");
    assert_ne!(a, b, "quantiles of each département differ");
    let o = s.run(&text(true));
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (
        legend(&s.output("diag/63/couverture-epci.svg")),
        legend(&s.output("diag/71/couverture-epci.svg")),
    );
    assert_eq!(a, b, "one set of classes for both");
    assert!(
        s.output("diag/63/rapport-63.html")
            .contains("classes calculées sur les valeurs des 2 départements")
    );
    // The Ain is not in the Cnaf file of the examples: its coverage fails, the two others are pooled
    // and written, and its report says its error.
    let o = s.run(&text(true).replace("[\"63\", \"71\"]", "[\"01\", \"63\", \"71\"]"));
    assert!(!o.status.success(), "{}", stdout(&o));
    assert_eq!(
        legend(&s.output("diag/63/couverture-epci.svg")),
        legend(&s.output("diag/71/couverture-epci.svg"))
    );
    let puy = s.output("diag/63/rapport-63.html");
    assert!(
        puy.contains("classes calculées sur les valeurs des 2 départements du diagnostic à la fois (sans 01, en erreur)"),
        "{puy}"
    );
    assert!(s.output("diag/01/rapport-01.html").contains("modele.toml"));
}

#[test]
fn a_departement_name_with_quotes_stays_a_name_in_its_model_queries() {
    let s = Scratch::new();
    let list = std::fs::read_to_string(root().join("data/cog/departements.csv"))
        .unwrap()
        .replace(
            "Puy-de-Dôme,Puy-de-Dôme",
            "Puy-de-Dôme,\"Puy-de-\"\"Dôme\"\" \\ test\"",
        );
    let list = s.file("departements.csv", &list);
    let text = diagnostic("\"63\"").replace(
        &format!("{}/data/cog/departements.csv", root().display()),
        &list,
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let report = s.output("diag/63/rapport-63.html");
    assert!(
        report.contains("Puy-de-&quot;Dôme&quot; \\ test"),
        "{report}"
    );
}

#[test]
fn the_year_of_the_diagnostic_stands_in_its_models_and_a_model_asking_for_it_needs_one() {
    let s = Scratch::new();
    // {annee} in the model's file name, year and titles: 2023 reads the 2023 file.
    let o = s.run(&diagnostic("\"63\""));
    let out = stdout(&o);
    assert!(
        out.contains("63 Puy-de-Dôme : 2 requête(s), 0 en erreur"),
        "{out}"
    );
    let report = s.output("diag/63/rapport-63.html");
    assert!(
        report.contains("txcouv-pe-2023-5dep.csv"),
        "the file of the year"
    );
    assert!(report.contains("par EPCI, 2023"), "the title of the year");
    // A year without its files: the file of 2024 is said missing.
    let o = s.run(&diagnostic("\"63\"").replace("annee = 2023", "annee = 2024"));
    assert!(
        stdout(&o).contains("txcouv-pe-2024-5dep.csv"),
        "{}",
        stdout(&o)
    );
    // No year: the model that asks for one says so, with the diagnostic to complete.
    let o = s.run(&diagnostic("\"63\"").replace("annee = 2023\n", ""));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("utilise {annee} ou {annee_precedente}"),
        "{err}"
    );
    assert!(err.contains("couverture-epci.toml"), "{err}");
    assert!(
        err.contains("ajoutez « annee = 2024 » à [diagnostic]"),
        "{err}"
    );
}

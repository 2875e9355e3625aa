//! The command line as the analyst meets it: errors and help in French, whatever the width of her terminal.

use std::process::Command;

use crate::common::*;

#[test]
fn errors_are_french() {
    let o = diagterr(&["executr"]);
    assert!(!o.status.success());
    let text = stderr(&o);
    assert!(
        text.starts_with("erreur : commande inconnue « executr »"),
        "{text}"
    );
    assert!(text.contains("vouliez-vous dire « executer »"), "{text}");
    assert!(text.contains("Utilisation :"), "{text}");
    let text = stderr(&diagterr(&["executer", "--sorite", "x"]));
    assert!(text.contains("argument inattendu « --sorite »"), "{text}");
}

/// Every command's help, at widths where clap wraps its lines at other places (a line may be cut just after
/// « [default: »): never a word of clap's English.
#[test]
fn help_is_french_at_every_width() {
    for command in ["executer", "verifier", "codes", "synthetique", "init"] {
        for columns in [40, 60, 80, 100, 140] {
            let o = Command::new(env!("CARGO_BIN_EXE_diagterr"))
                .args([command, "--help"])
                .env("COLUMNS", columns.to_string())
                .output()
                .unwrap();
            assert!(o.status.success());
            let help = stdout(&o);
            assert!(help.contains("Affiche l'aide"), "{help}");
            for english in ["Print help", "Usage:", "[default", "[possible values"] {
                assert!(
                    !help.contains(english),
                    "{command} à {columns} colonnes : {help}"
                );
            }
        }
    }
    let help = stdout(&diagterr(&["executer", "--help"]));
    assert!(help.contains("[par défaut : out]"), "{help}");
}

#[test]
fn init_writes_a_working_folder_whose_queries_run_once_their_files_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("schema-63");
    let folder_text = folder.to_str().unwrap();
    let o = diagterr(&["init", folder_text, "--departement", "63"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = |queries: &str| {
        Command::new(env!("CARGO_BIN_EXE_diagterr"))
            .args(["executer", queries, "--sortie", "resultats"])
            .current_dir(&folder)
            .output()
            .unwrap()
    };
    // On the built-in tables and contours alone: the population of the 14 EPCI and the total.
    let o = run("requetes/population-epci.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = std::fs::read_to_string(folder.join("resultats/population-epci-63.csv")).unwrap();
    assert_eq!(list.lines().count(), 1 + 14 + 1, "{list}");
    assert!(folder.join("resultats/population-epci-63.png").exists());
    // The others say which file to put where, then run once it is there.
    let o = run("requetes");
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(
            "fichier introuvable pour « couverture.taux_caf » : ../donnees/txcouv_pe_epci.csv"
        ),
        "{}",
        stderr(&o)
    );
    for (published, name) in [
        ("data/caf/txcouv_pe_epci-5dep.csv", "txcouv_pe_epci.csv"),
        ("data/caf/txcouv_pe_dep-5dep.csv", "txcouv_pe_dep.csv"),
        ("data/caf/txcouv_pe_nat.csv", "txcouv_pe_nat.csv"),
    ] {
        std::fs::copy(root().join(published), folder.join("donnees").join(name)).unwrap();
    }
    let inventory = folder.join("donnees/inventaire-parentalite.csv");
    let mut text = std::fs::read_to_string(&inventory).unwrap();
    text.push_str("63113;Laep;2026;;Laep de Clermont\n");
    std::fs::write(&inventory, text).unwrap();
    let o = run("requetes");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(folder.join("resultats/priorites-epci-63.csv").exists());
    assert!(folder.join("resultats/panier-epci-63.csv").exists());
    // Never over a folder that holds anything; a département the COG does not know.
    let o = diagterr(&["init", folder_text, "--departement", "63"]);
    assert!(
        stderr(&o).contains("le dossier existe et n'est pas vide : rien n'est écrit"),
        "{}",
        stderr(&o)
    );
    let o = diagterr(&[
        "init",
        dir.path().join("x").to_str().unwrap(),
        "--departement",
        "99",
    ]);
    assert!(
        stderr(&o).contains("département inconnu « 99 »"),
        "{}",
        stderr(&o)
    );
}

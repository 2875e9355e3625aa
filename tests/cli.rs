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
    for command in ["executer", "verifier", "codes", "synthetique"] {
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

//! `diagterr verifier REQUÊTES… [--sortie DOSSIER]`
//!
//! Parses each query (unknown keys, numbers, missing input files), runs the checks `executer`
//! runs before computing (`Query::check`: sections, départements, the names its plan resolves),
//! checks where it would write (inside the output folder, over no input, no file written twice,
//! no empty list) and writes nothing.

use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Fichiers de requête .toml, ou dossiers qui en contiennent.
    #[arg(required = true)]
    pub requetes: Vec<PathBuf>,
    /// Dossier où l'exécution écrirait cartes et listes.
    #[arg(long, short, default_value = "out")]
    pub sortie: PathBuf,
}

pub fn run(args: &Args) -> bool {
    let Some(files) = super::query_files(&args.requetes) else {
        return false;
    };
    let (queries, diagnostics) = super::read_queries(&files);
    let planned = super::plan(queries, &diagnostics, &args.sortie);
    let mut ok = true;
    let results = planned
        .queries
        .iter()
        .map(|(f, q)| (f, q.as_ref().err()))
        .chain(
            planned
                .diagnostics
                .iter()
                .map(|(f, d)| (f, d.as_ref().err())),
        );
    for (file, error) in results {
        match error {
            None => println!("{} : requête valide", file.display()),
            Some(e) => {
                ok = false;
                super::print_error(file, e);
            }
        }
    }
    ok
}

//! `diagterr verifier REQUÊTES…`
//!
//! Parses each query (unknown keys, missing input files) and writes nothing.

use std::path::PathBuf;

use diagterr::query::Query;

#[derive(clap::Args)]
pub struct Args {
    /// Fichiers de requête .toml, ou dossiers qui en contiennent.
    #[arg(required = true)]
    pub requetes: Vec<PathBuf>,
}

pub fn run(args: &Args) -> bool {
    let Some(files) = super::query_files(&args.requetes) else {
        return false;
    };
    let mut ok = true;
    for file in &files {
        match Query::load(file) {
            Ok(_) => println!("{} : requête valide", file.display()),
            Err(e) => {
                ok = false;
                super::print_error(file, &e);
            }
        }
    }
    ok
}

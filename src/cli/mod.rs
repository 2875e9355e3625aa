//! One file per subcommand.

pub mod check;
pub mod codes;
pub mod execute;
pub mod synthetic;

use std::path::{Path, PathBuf};

use diagterr::Error;

/// The COG files of the vintage worked on (by default those embedded in `data/cog`).
#[derive(clap::Args)]
pub struct CogFiles {
    /// Table commune → EPCI du millésime (ses communes et leurs populations).
    #[arg(long, default_value = "data/cog/communes-epci-population-2026.csv")]
    pub communes: PathBuf,
    /// Liste des départements du millésime.
    #[arg(long, default_value = "data/cog/departements.csv")]
    pub departements: PathBuf,
    /// Table des mouvements des communes de l'INSEE.
    #[arg(long, default_value = "data/cog/mouvements-communes.csv")]
    pub mouvements: PathBuf,
}

/// The query files named on the command line: files as given, folders expanded
/// to their `.toml` files in name order (so runs are reproducible). `None` after
/// printing the error when a folder cannot be read or holds no query.
pub fn query_files(paths: &[PathBuf]) -> Option<Vec<PathBuf>> {
    expand(paths).map_err(|e| eprintln!("erreur : {e}")).ok()
}

fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::new("aucun fichier de requête .toml dans ce dossier").file(p));
            }
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    Ok(files)
}

/// Prints an error the way every subcommand does, naming the query when the
/// error does not already name a file.
pub fn print_error(query: &Path, e: &Error) {
    eprintln!("{}", error_text(query, e));
}

/// The error as [`print_error`] prints it.
pub fn error_text(query: &Path, e: &Error) -> String {
    if e.file.is_some() {
        format!("erreur : {e}")
    } else {
        format!("erreur ({}) : {e}", query.display())
    }
}

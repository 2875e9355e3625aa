//! `diagterr init DOSSIER --departement 63`
//!
//! Writes an analyst's working folder for one département: model queries in `requetes/`
//! (population by EPCI, which runs as written on the built-in tables and contours; coverage and
//! panier, which name the files to put in `donnees/`), the inventory to fill in, and what to do
//! next. Never writes into a folder that holds anything.

use std::path::{Path, PathBuf};

use diagterr::Error;
use diagterr::export::write_atomic;
use diagterr::ingest::builtin;
use diagterr::query::toml_escaped;
use diagterr::territory::Territory;

#[derive(clap::Args)]
pub struct Args {
    /// Dossier de travail à créer (absent ou vide).
    pub dossier: PathBuf,
    /// Code du département du schéma (ex. 63, 2A, 974).
    #[arg(long)]
    pub departement: String,
}

/// The files written, by path in the folder, with `{departement}` and `{nom}` to replace.
const FILES: [(&str, &str); 4] = [
    (
        "requetes/population-epci.toml",
        include_str!("init/population-epci.toml"),
    ),
    (
        "requetes/couverture-epci.toml",
        include_str!("init/couverture-epci.toml"),
    ),
    (
        "requetes/panier-epci.toml",
        include_str!("init/panier-epci.toml"),
    ),
    (
        "donnees/inventaire-parentalite.csv",
        include_str!("init/inventaire-parentalite.csv"),
    ),
];

pub fn run(args: &Args) -> bool {
    match init(&args.dossier, &args.departement) {
        Ok(written) => {
            for path in &written {
                println!("  écrit : {}", path.display());
            }
            println!(
                "Dossier prêt : {d}. La requête de population tourne telle quelle ; les autres disent, en tête, les \
                 fichiers à poser dans {d}/donnees.\n  diagterr executer {d}/requetes --sortie {d}/resultats",
                d = args.dossier.display()
            );
            true
        }
        Err(e) => {
            eprintln!("erreur : {e}");
            false
        }
    }
}

/// Writes the folder; the paths written.
fn init(folder: &Path, departement: &str) -> Result<Vec<PathBuf>, Error> {
    let territory = Territory::load(
        Path::new(builtin::COMMUNES),
        Path::new(builtin::DEPARTEMENTS),
    )?;
    let code = departement.trim().to_uppercase();
    let Some(name) = territory.departements.get(&code) else {
        return Err(Error::new(format!("département inconnu « {departement} »"))
            .hint("donnez un code du COG 2026 : 01 à 95, 2A, 2B, 971 à 976"));
    };
    let occupied = std::fs::read_dir(folder).is_ok_and(|mut entries| entries.next().is_some());
    if occupied || folder.is_file() {
        return Err(
            Error::new("le dossier existe et n'est pas vide : rien n'est écrit")
                .file(folder)
                .hint("donnez un dossier nouveau ou vide"),
        );
    }
    let mut written = Vec::with_capacity(FILES.len());
    for (path, text) in FILES {
        let text = text
            .replace("{departement}", &code)
            .replace("{nom}", &toml_escaped(name));
        let path = folder.join(path);
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

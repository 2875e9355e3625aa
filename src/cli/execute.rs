//! `diagterr executer REQUÊTES… [--sortie DOSSIER]`
//!
//! Runs each query in turn; a failing query is reported and the others still
//! run. Prints where the outputs are, the counts per class and the notices.

use std::path::PathBuf;

use diagterr::query::Query;
use diagterr::run;

#[derive(clap::Args)]
pub struct Args {
    /// Fichiers de requête .toml, ou dossiers qui en contiennent (ex. : queries).
    #[arg(required = true)]
    pub requetes: Vec<PathBuf>,
    /// Dossier où écrire cartes et listes.
    #[arg(long, short, default_value = "out")]
    pub sortie: PathBuf,
}

pub fn run(args: &Args) -> bool {
    let Some(files) = super::query_files(&args.requetes) else {
        return false;
    };
    let mut failed = 0;
    for file in &files {
        let result = Query::load(file).and_then(|q| run::run(&q, &args.sortie));
        match result {
            Ok(report) => {
                println!("{} :", file.display());
                for (label, n) in &report.counts {
                    println!("  {n} territoire(s) {label}");
                }
                for note in &report.notices {
                    println!("  note : {note}");
                }
                for out in &report.outputs {
                    println!("  écrit : {}", out.display());
                }
            }
            Err(e) => {
                failed += 1;
                super::print_error(file, &e);
            }
        }
    }
    println!(
        "{} requête(s) réussie(s), {} en erreur ; sorties dans {}",
        files.len() - failed,
        failed,
        args.sortie.display()
    );
    failed == 0
}

//! The `diagterr` command: a thin clap layer over the library.

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Diagnostic territorial des services aux familles : taux de couverture,
/// cartes et listes de priorités à partir de fichiers de requête TOML.
#[derive(Parser)]
#[command(name = "diagterr", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Exécute des requêtes (fichiers .toml ou dossiers de requêtes) et écrit cartes et listes.
    Executer(cli::execute::Args),
    /// Vérifie des requêtes, calcul compris, sans rien écrire dans le dossier de sortie.
    Verifier(cli::check::Args),
    /// Dit ce que deviennent les codes commune d'un fichier dans le COG de la requête.
    Codes(cli::codes::Args),
    /// Écrit un jeu de données SYNTHÉTIQUE national (toutes les communes, cinq ans) et ses requêtes.
    Synthetique(cli::synthetic::Args),
    /// Écrit un dossier de travail pour un département : requêtes modèles, inventaire à remplir.
    Init(cli::init::Args),
}

fn main() -> ExitCode {
    diagterr::run::install_panic_hook();
    let args = match parse() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let ok = match args.command {
        Command::Executer(a) => cli::execute::run(&a),
        Command::Verifier(a) => cli::check::run(&a),
        Command::Codes(a) => cli::codes::run(&a),
        Command::Synthetique(a) => cli::synthetic::run(&a),
        Command::Init(a) => cli::init::run(&a),
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The command line, with help and errors in French.
fn parse() -> Result<Args, ExitCode> {
    let matches = cli::french::frenchify(Args::command()).try_get_matches();
    let e = match matches.and_then(|m| Args::from_arg_matches(&m)) {
        Ok(args) => return Ok(args),
        Err(e) => e,
    };
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{}", cli::french::translate(&e.render().to_string()));
            Err(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("{}", cli::french::error_text(&e));
            Err(ExitCode::from(2))
        }
    }
}

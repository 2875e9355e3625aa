//! `diagterr executer REQUÊTES… [--sortie DOSSIER]`
//!
//! Runs each query in turn; a failing query is reported and the others still
//! run. Prints where the outputs are, the counts per class and the notices. A
//! diagnostic file (`[diagnostic]`) runs its model queries for each of its
//! départements, with a progress bar on a terminal, and writes their reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use diagterr::query::{Diagnostic, Query};
use diagterr::run::{self, Outcome};
use diagterr::Error;

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
        let ok = match std::fs::read_to_string(file) {
            Err(e) => {
                super::print_error(file, &Error::io(file, e));
                false
            }
            Ok(text) if Diagnostic::is_diagnostic(&text) => diagnostic(file, text, &args.sortie),
            Ok(text) => query(file, text, &args.sortie),
        };
        if !ok {
            failed += 1;
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

fn query(file: &Path, text: String, out: &Path) -> bool {
    match Query::parse(file, text).and_then(|q| run::run(&q, out)) {
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
            true
        }
        Err(e) => {
            super::print_error(file, &e);
            false
        }
    }
}

/// Runs a diagnostic file: a progress bar while it runs (only on a terminal, never in
/// CI), then what each département gave.
fn diagnostic(file: &Path, text: String, out: &Path) -> bool {
    let d = match Diagnostic::parse(file, text) {
        Ok(d) => d,
        Err(e) => {
            super::print_error(file, &e);
            return false;
        }
    };
    let bar = ProgressBar::with_draw_target(
        None,
        if std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"),
    );
    let result = run::run_diagnostic(&d, out, &mut |step| {
        bar.set_length(step.total as u64);
        bar.set_position(step.done as u64);
        bar.set_message(format!("{} : {}", step.departement, step.model));
    });
    bar.finish_and_clear();
    match result {
        Ok(outcomes) => {
            println!("{} :", file.display());
            for o in &outcomes {
                summary(o);
            }
            outcomes.iter().all(|o| o.errors.is_empty())
        }
        Err(e) => {
            super::print_error(file, &e);
            false
        }
    }
}

fn summary(o: &Outcome) {
    let report = o
        .outputs
        .iter()
        .rev()
        .nth(1)
        .map_or(String::new(), |p| p.display().to_string());
    println!(
        "  {} {} : {} requête(s), {} en erreur, {} fichier(s) ; rapport : {report}",
        o.departement,
        o.name,
        o.ran,
        o.errors.len(),
        o.outputs.len()
    );
    for e in &o.errors {
        println!("    erreur : {e}");
    }
}

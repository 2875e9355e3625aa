//! `diagterr executer REQUÊTES… [--sortie DOSSIER]`
//!
//! Runs each query in turn; a failing query is reported and the others still
//! run. Prints where the outputs are, the counts per class and the notices. A
//! diagnostic file (`[diagnostic]`) runs its model queries for each of its
//! départements, with a progress bar on a terminal, and writes their reports.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use diagterr::Error;
use diagterr::export;
use diagterr::query::DiagnosticPlan;
use diagterr::query::{Method, Plan};
use diagterr::run::{self, Outcome};
use diagterr::territory::Level;

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
    super::one_polars_thread_per_query(files.len());
    let (queries, diagnostics) = super::read_queries(&files);
    let planned = super::plan(queries, &diagnostics, &args.sortie);
    // One run at a time in an output folder: a second one waits (held until the end of `run`).
    // A run with nothing to write creates no folder.
    let waiting = || {
        eprintln!(
            "le dossier de sortie {} est utilisé par une autre exécution de diagterr : attente de sa fin…",
            args.sortie.display()
        )
    };
    let _lock = match planned.outputs.is_empty() {
        true => None,
        false => match export::lock_folder(&args.sortie, waiting) {
            Ok(lock) => Some(lock),
            Err(e) => {
                eprintln!("erreur : {e}");
                return false;
            }
        },
    };
    // What a killed run left (temporary files, a Shapefile half renamed) is finished or
    // removed before anything is written again.
    for path in &planned.outputs {
        if let Err(e) = export::recover(path) {
            eprintln!("erreur : {e}");
            return false;
        }
    }
    // Queries run side by side, one per core, the longest first so that the last to end is a
    // short one: those by commune (the most territories to compute and write), then those over
    // several years (a panier, an evolution), then the others; what each says is printed in
    // file order.
    let mut failed = 0;
    let longest_first = |(_, q): &(&Path, Result<Plan, Error>)| match q {
        Ok(p) if *p.query.spec.territoire.niveau.get_ref() == Level::Commune => 0,
        Ok(Plan {
            method: Method::Panier(_) | Method::Evolution(_),
            ..
        }) => 1,
        _ => 2,
    };
    for said in super::in_parallel(planned.queries, longest_first, |(file, q)| match q {
        Err(e) => Said::error(file, &e),
        Ok(q) => query(file, &q, &args.sortie),
    }) {
        print!("{}", said.out);
        eprint!("{}", said.err);
        if !said.ok {
            failed += 1;
        }
    }
    // A diagnostic runs alone, with its progress bar.
    for (file, plan) in planned.diagnostics {
        let ok = match plan {
            Ok(plan) => diagnostic(file, &plan),
            Err(e) => {
                super::print_error(file, &e);
                false
            }
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

/// What a query says, kept until its turn to be printed.
struct Said {
    out: String,
    err: String,
    ok: bool,
}

impl Said {
    fn error(file: &Path, e: &Error) -> Said {
        Said {
            out: String::new(),
            err: format!("{}\n", super::error_text(file, e)),
            ok: false,
        }
    }
}

fn query(file: &Path, plan: &Plan, out: &Path) -> Said {
    use std::fmt::Write;
    match run::run_guarded(plan, out) {
        Ok(report) => {
            let mut said = format!("{} :\n", file.display());
            for (label, n) in &report.counts {
                let _ = writeln!(said, "  {n} territoire(s) {label}");
            }
            for note in &report.notices {
                let _ = writeln!(said, "  note : {note}");
            }
            for out in &report.outputs {
                let _ = writeln!(said, "  écrit : {}", out.display());
            }
            Said {
                out: said,
                err: String::new(),
                ok: true,
            }
        }
        Err(e) => Said::error(file, &e),
    }
}

/// Runs a diagnostic: a progress bar while it runs (only on a terminal, never in CI),
/// then what each département gave.
fn diagnostic(file: &Path, plan: &DiagnosticPlan) -> bool {
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
    let result = run::run_diagnostic(plan, &mut |step| {
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

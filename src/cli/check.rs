//! `diagterr verifier REQUÊTES… [--sortie DOSSIER]`
//!
//! Runs every check `executer` runs, and writes nothing where `executer` would write: each query
//! is parsed (unknown keys, numbers, missing input files), checked (sections, départements, the
//! names its plan resolves, its outputs: formats, inside the output folder, over no input, no file
//! written twice), then computed on its data into a temporary folder removed at the end, so that a
//! column, a year or a code the files lack is found here too.

use std::path::{Path, PathBuf};

use diagterr::run;

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
    super::one_polars_thread_per_query(files.len());
    let (queries, diagnostics) = super::read_queries(&files);
    let planned = super::plan(queries, &diagnostics, &args.sortie);
    let scratch = match tempfile::Builder::new()
        .prefix("diagterr-verifier")
        .tempdir()
    {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("erreur : dossier temporaire impossible à créer : {e}");
            return false;
        }
    };
    // Each query computes in a folder of its own.
    let private = |i: usize| scratch.path().join(i.to_string());
    let mut ok = true;
    // Computed side by side, one per core, as `executer` runs them; said in file order.
    let items: Vec<_> = planned.queries.iter().enumerate().collect();
    let computed = super::in_parallel(
        items,
        |_| 0,
        |(i, (file, query))| {
            let further = planned.further.iter().filter(|(f, _)| f == file);
            let computed = match query {
                Err(first) => Err(std::iter::once(first)
                    .chain(further.flat_map(|(_, errors)| errors))
                    .cloned()
                    .collect()),
                Ok(q) => run::run_guarded(q, &private(i))
                    .map(drop)
                    .map_err(|e| vec![e]),
            };
            (*file, computed)
        },
    );
    for (file, computed) in computed {
        ok &= said(file, computed);
    }
    let n = planned.queries.len();
    for (i, ((file, plan), (_, parsed))) in planned.diagnostics.iter().zip(&diagnostics).enumerate()
    {
        let computed = match (plan, parsed) {
            (Err(e), _) | (_, Err(e)) => Err(vec![e.clone()]),
            (Ok(_), Ok(d)) => diagterr::query::plan_diagnostic(d, &private(n + i))
                .and_then(|plan| run::run_diagnostic(&plan, &mut |_| {}))
                .map_err(|e| vec![e])
                .and_then(|outcomes| {
                    let errors: Vec<diagterr::Error> = outcomes
                        .iter()
                        .flat_map(|o| {
                            o.errors.iter().map(|e| {
                                diagterr::Error::new(format!("{} {} : {e}", o.departement, o.name))
                            })
                        })
                        .collect();
                    if errors.is_empty() {
                        Ok(())
                    } else {
                        Err(errors)
                    }
                }),
        };
        ok &= said(file, computed);
    }
    ok
}

/// Prints what the check of `file` found; `true` when the query is valid.
fn said(file: &Path, computed: Result<(), Vec<diagterr::Error>>) -> bool {
    match computed {
        Ok(()) => {
            println!(
                "{} : requête valide (calcul vérifié, rien écrit)",
                file.display()
            );
            true
        }
        Err(errors) => {
            for e in &errors {
                super::print_error(file, e);
            }
            false
        }
    }
}

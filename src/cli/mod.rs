//! One file per subcommand.

pub mod check;
pub mod codes;
pub mod execute;
pub mod french;
pub mod init;
pub mod synthetic;

use std::path::{Path, PathBuf};

use diagterr::Error;
use diagterr::ingest::builtin;
use diagterr::query::{Diagnostic, Plan, PlannedOutput, Query, check_outputs};
use diagterr::query::{DiagnosticPlan, plan_diagnostic};

/// The COG files of the vintage worked on (by default those built into the binary).
#[derive(clap::Args)]
pub struct CogFiles {
    /// Table commune → EPCI du millésime (ses communes et leurs populations) ; par défaut,
    /// celle du COG 2026 intégrée.
    #[arg(long, default_value = builtin::COMMUNES)]
    pub communes: PathBuf,
    /// Liste des départements du millésime ; par défaut, celle du COG 2026 intégrée.
    #[arg(long, default_value = builtin::DEPARTEMENTS)]
    pub departements: PathBuf,
    /// Table des mouvements des communes de l'INSEE ; par défaut, celle intégrée.
    #[arg(long, default_value = builtin::MOVEMENTS)]
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
                // `B.TOML` is a query as much as `b.toml`; a folder named `x.toml` is none.
                .filter(|f| f.is_file() && is_toml(f))
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

fn is_toml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
}

/// The queries and diagnostics of a run, read and parsed, their outputs checked against
/// each other and against every file the run reads before anything runs. An item that
/// cannot run holds its error.
pub struct Planned<'a> {
    pub queries: Parsed<'a, Plan>,
    pub diagnostics: Parsed<'a, DiagnosticPlan<'a>>,
    /// Every file the items that can run will write.
    pub outputs: Vec<PathBuf>,
    /// The errors of a query after its first (that `queries` holds), for `verifier` to list them all.
    pub further: Vec<(&'a Path, Vec<Error>)>,
}

/// Items read from their files, each parsed or with its error.
pub type Parsed<'a, T> = Vec<(&'a Path, Result<T, Error>)>;

/// Reads `files`: diagnostics (whose first table is `[diagnostic]`) apart from queries.
pub fn read_queries(files: &[PathBuf]) -> (Parsed<'_, Query>, Parsed<'_, Diagnostic>) {
    let mut queries = Vec::new();
    let mut diagnostics = Vec::new();
    for file in files {
        match std::fs::read_to_string(file) {
            Err(e) => queries.push((file.as_path(), Err(Error::io(file, e)))),
            Ok(text) if Diagnostic::is_diagnostic(&text) => {
                diagnostics.push((file.as_path(), Diagnostic::parse(file, text)))
            }
            Ok(text) => queries.push((file.as_path(), Query::parse(file, text))),
        }
    }
    (queries, diagnostics)
}

/// Plans the run of `queries` and `diagnostics` into `out`.
pub fn plan<'a>(
    queries: Parsed<'a, Query>,
    diagnostics: &'a [(&'a Path, Result<Diagnostic, Error>)],
    out: &Path,
) -> Planned<'a> {
    let mut planned = Planned {
        queries: Vec::with_capacity(queries.len()),
        diagnostics: diagnostics
            .iter()
            .map(|(file, d)| {
                let plan = d
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|d| plan_diagnostic(d, out));
                (*file, plan)
            })
            .collect(),
        outputs: Vec::new(),
        further: Vec::new(),
    };
    let mut inputs = Vec::new();
    let mut outputs: Vec<Vec<PlannedOutput>> = Vec::new();
    for (file, q) in queries {
        let query = match q {
            Ok(query) => query,
            Err(e) => {
                outputs.push(Vec::new());
                planned.queries.push((file, Err(e)));
                continue;
            }
        };
        // Every error of the query, then those of its outputs: `verifier` lists them all.
        let (written, output_errors) = query.output_problems(out);
        let resolved = match Plan::resolve(query) {
            Ok(plan) if output_errors.is_empty() => Ok(plan),
            Ok(_) => Err(output_errors),
            Err(mut errors) => {
                errors.extend(output_errors);
                Err(errors)
            }
        };
        match resolved {
            Ok(plan) => {
                inputs.extend(plan.query.input_paths());
                outputs.push(written);
                planned.queries.push((file, Ok(plan)));
            }
            Err(errors) => {
                let mut errors = errors.into_iter();
                let first = errors.next().expect("a query refused has an error");
                planned.further.push((file, errors.collect()));
                planned.queries.push((file, Err(first)));
                outputs.push(Vec::new());
            }
        }
    }
    for (_, d) in &planned.diagnostics {
        match d {
            Ok(d) => {
                inputs.extend(d.inputs());
                outputs.push(d.outputs());
            }
            Err(_) => outputs.push(Vec::new()),
        }
    }
    let conflicts = check_outputs(&outputs, &inputs);
    for (plan, conflict) in outputs.iter().zip(&conflicts) {
        if conflict.is_none() {
            planned.outputs.extend(plan.iter().map(|o| o.path.clone()));
        }
    }
    let (for_queries, for_diagnostics) = conflicts.split_at(planned.queries.len());
    for ((_, q), conflict) in planned.queries.iter_mut().zip(for_queries) {
        if let Some(e) = conflict {
            *q = Err(e.clone());
        }
    }
    for ((_, d), conflict) in planned.diagnostics.iter_mut().zip(for_diagnostics) {
        if let Some(e) = conflict {
            *d = Err(e.clone());
        }
    }
    planned
}

/// Prints an error the way every subcommand does, naming the query when the
/// error does not already name a file.
pub fn print_error(query: &Path, e: &Error) {
    eprintln!("{}", error_text(query, e));
}

/// The error as [`print_error`] prints it: the query it stopped always named, so that
/// in a batch an error in a data file says which query it ended.
pub fn error_text(query: &Path, e: &Error) -> String {
    if e.file.as_deref() == Some(query) {
        format!("erreur : {e}")
    } else {
        format!("erreur ({}) : {e}", query.display())
    }
}

/// Queries run one per core: polars' own threads would only fight them for the cores (measured: 1,07 →
/// 0,94 s on the national recompute). Set before polars starts its pool, while this is the only
/// thread; a user's own setting is kept.
pub fn one_polars_thread_per_query(queries: usize) {
    if queries > 1 && std::env::var_os("POLARS_MAX_THREADS").is_none() {
        // SAFETY: no other thread runs yet, so none reads the environment while it changes.
        unsafe { std::env::set_var("POLARS_MAX_THREADS", "1") };
    }
}

/// `work` on each item, on as many threads as the machine has cores, started in the
/// order of `key` (stable); results in the order of `items`.
pub fn in_parallel<T: Send, R: Send, K: Ord>(
    items: Vec<T>,
    key: impl Fn(&T) -> K,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let n = items.len();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let mut items: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    items.sort_by_key(|(_, item)| key(item));
    let queue = std::sync::Mutex::new(items.into_iter());
    let done = std::sync::Mutex::new(Vec::with_capacity(n));
    std::thread::scope(|s| {
        for _ in 0..cores.min(n) {
            s.spawn(|| {
                let _core = diagterr::cores::hold_own();
                loop {
                    let next = queue.lock().expect("no panic while holding it").next();
                    let Some((i, item)) = next else { break };
                    let result = work(item);
                    done.lock()
                        .expect("no panic while holding it")
                        .push((i, result));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("threads joined");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

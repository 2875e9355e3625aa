//! Where a run writes. Every output path of every query is planned and checked before
//! anything runs: inside the output folder, not a file the run reads, and written by one
//! query section only. A run that would write outside `--sortie`, over one of its inputs,
//! or twice to one file (a mixed set of files, depending on which query ends last) stops
//! before writing anything.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::Query;
use crate::error::{Error, ErrorKind, Result};
use crate::export::{OutputFormat, OutputKind};
use crate::geometry::{self, MapCrs};

/// One file a query will write, and the place in the query file that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOutput {
    /// Under the output folder.
    pub path: PathBuf,
    /// The query (or diagnostic) file, and the line of the key that names the file.
    pub query: PathBuf,
    pub line: Option<usize>,
    pub key: &'static str,
}

impl PlannedOutput {
    fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}, ligne {line} (« {} »)", self.query.display(), self.key),
            None => format!("{} (« {} »)", self.query.display(), self.key),
        }
    }

    /// An error about this output, placed where the query names it.
    fn error(&self, message: String) -> Error {
        let e = Error::new(message).file(&self.query).kind(ErrorKind::Query);
        match self.line {
            Some(line) => e.line(line),
            None => e,
        }
    }
}

/// `name` under `out_dir`, or why it may not be an output name: outputs are relative
/// paths that stay inside the output folder (no `..`, no absolute path, no drive).
pub fn output_path(out_dir: &Path, name: &str) -> std::result::Result<PathBuf, &'static str> {
    let relative = Path::new(name);
    if name.trim().is_empty() || name.ends_with('/') || name.ends_with('\\') {
        return Err("un nom de fichier est attendu");
    }
    for part in relative.components() {
        match part {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err("« .. » sortirait du dossier de sortie"),
            Component::RootDir | Component::Prefix(_) => {
                return Err("un chemin absolu sortirait du dossier de sortie");
            }
        }
    }
    Ok(out_dir.join(relative))
}

impl Query {
    /// Every file this query writes under `out_dir`; an error at the key whose name
    /// would leave the output folder.
    pub fn planned_outputs(&self, out_dir: &Path) -> Result<Vec<PlannedOutput>> {
        let (planned, errors) = self.output_problems(out_dir);
        errors.into_iter().next().map_or(Ok(planned), Err)
    }

    /// The outputs [`Query::planned_outputs`] plans, and every error it finds (one per list of
    /// outputs at most), so that `verifier` lists them all at once.
    pub fn output_problems(&self, out_dir: &Path) -> (Vec<PlannedOutput>, Vec<Error>) {
        let mut planned = Vec::new();
        let mut errors = Vec::new();
        for (key, kind, names) in self.spec.outputs() {
            let planned_names = plan_names(
                out_dir,
                (key, kind),
                names,
                |span| self.line_at(span),
                &self.path,
                &mut planned,
            );
            errors.extend(planned_names.err());
        }
        errors.extend(self.check_layers_of_insets().err());
        (planned, errors)
    }

    /// A map of départements drawn in insets moves the DROM next to metropolitan France: its
    /// coordinates are no place on Earth, so it has no GIS layer.
    fn check_layers_of_insets(&self) -> Result<()> {
        let Some(map) = &self.spec.carte else {
            return Ok(());
        };
        let layer = map
            .sorties
            .get_ref()
            .iter()
            .find(|name| OutputKind::Figure.format_of(name).is_none());
        let departements = self.spec.territoire.departements.get_ref();
        match layer {
            Some(name) if geometry::map_crs(departements) == MapCrs::Insets => Err(self
                .error_at(&map.sorties.span(), format!("couche SIG « {name} » d'une carte aux DROM en encarts"))
                .hint("les encarts déplacent les DROM : exportez la couche d'une requête sur la métropole ou sur un DROM")),
            _ => Ok(()),
        }
    }
}

/// Plans each name of `names` (a `sorties` list) under `out_dir`.
fn plan_names(
    out_dir: &Path,
    (key, kind): (&'static str, OutputKind),
    names: &Spanned<Vec<String>>,
    line_at: impl Fn(&Range<usize>) -> usize,
    query: &Path,
    planned: &mut Vec<PlannedOutput>,
) -> Result<()> {
    let line = line_at(&names.span());
    if names.get_ref().is_empty() {
        return Err(Error::new(format!("« {key} » est vide : rien ne serait écrit"))
            .file(query)
.kind(ErrorKind::Query)
            .line(line)
            .hint("donnez au moins un fichier, ex. sorties = [\"liste.csv\"], ou retirez la section"));
    }
    for name in names.get_ref() {
        let path = output_path(out_dir, name).map_err(|why| {
            Error::new(format!("sortie refusée « {name} » : {why}"))
                .file(query)
.kind(ErrorKind::Query)
                .line(line)
                .hint("écrivez un chemin relatif au dossier de sortie (option --sortie), ex. « 63/carte.svg »")
        })?;
        let format = kind.format_of(name).ok_or_else(|| {
            let what = match OutputFormat::of(name) {
                Some(format) => format!("« {key} » ne s'écrit pas en .{}", format.extension()),
                None => "extension inconnue".to_string(),
            };
            Error::new(format!("sortie refusée « {name} » : {what}"))
                .kind(ErrorKind::Query)
                .file(query)
                .line(line)
                .hint(format!(
                    "extensions possibles pour « {key} » : {}",
                    kind.extensions()
                ))
        })?;
        planned.extend(format.files(&path).into_iter().map(|path| PlannedOutput {
            path,
            query: query.to_path_buf(),
            line: Some(line),
            key,
        }));
    }
    Ok(())
}

/// Checks the outputs of a whole run: `plans[i]` are the outputs of its `i`-th query,
/// `inputs` every file the run reads. Returns, for each query, the first conflict found:
/// an output that is an input, or a file that an earlier output (of this query or
/// another) writes too. Both queries of a conflict fail, so the result does not depend on
/// which query runs first.
pub fn check_outputs(plans: &[Vec<PlannedOutput>], inputs: &[PathBuf]) -> Vec<Option<Error>> {
    let inputs: HashMap<PathBuf, &PathBuf> = inputs.iter().map(|p| (identity(p), p)).collect();
    let mut errors: Vec<Option<Error>> = vec![None; plans.len()];
    let mut first_writer: HashMap<PathBuf, (usize, &PlannedOutput)> = HashMap::new();
    for (i, plan) in plans.iter().enumerate() {
        for out in plan {
            let id = identity(&out.path);
            if let Some(input) = inputs.get(&id) {
                errors[i].get_or_insert_with(|| {
                    out.error(format!(
                        "la sortie {} remplacerait un fichier d'entrée de l'exécution ({})",
                        out.path.display(),
                        input.display()
                    ))
                    .hint("choisissez un autre nom ou un autre dossier de sortie (--sortie) : une entrée n'est jamais écrasée")
                });
                continue;
            }
            match first_writer.get(&id) {
                None => {
                    first_writer.insert(id, (i, out));
                }
                Some(&(j, first)) => {
                    let message = format!(
                        "le fichier {} est écrit deux fois : par {} et par {}",
                        out.path.display(),
                        first.place(),
                        out.place()
                    );
                    let hint = "donnez un nom de sortie différent à chacune";
                    errors[i].get_or_insert_with(|| out.error(message.clone()).hint(hint));
                    errors[j].get_or_insert_with(|| first.error(message).hint(hint));
                }
            }
        }
    }
    errors
}

/// What a path names on disk, for comparisons: symbolic links resolved where the file
/// or its folder exists, `.` and `..` taken out otherwise.
fn identity(path: &Path) -> PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut clean = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    match (clean.parent().map(Path::canonicalize), clean.file_name()) {
        (Some(Ok(dir)), Some(name)) => dir.join(name),
        _ => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_stay_inside_the_output_folder() {
        let out = Path::new("out");
        assert_eq!(
            output_path(out, "63/a.svg"),
            Ok(PathBuf::from("out/63/a.svg"))
        );
        assert_eq!(
            output_path(out, "./a.csv"),
            Ok(PathBuf::from("out/./a.csv"))
        );
        for bad in [
            "../../x.svg",
            "63/../../x.svg",
            "/tmp/x.svg",
            "",
            "63/",
            "  ",
        ] {
            assert!(output_path(out, bad).is_err(), "{bad}");
        }
    }

    fn planned(query: &str, path: &str) -> PlannedOutput {
        PlannedOutput {
            path: PathBuf::from(path),
            query: PathBuf::from(query),
            line: Some(3),
            key: "liste.sorties",
        }
    }

    #[test]
    fn the_same_file_from_two_queries_fails_both() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv").display().to_string();
        let same = dir.path().join("x/../a.csv").display().to_string();
        let plans = vec![
            vec![planned("q1.toml", &a)],
            vec![planned(
                "q2.toml",
                &dir.path().join("b.csv").display().to_string(),
            )],
            vec![planned("q3.toml", &same)],
        ];
        let errors = check_outputs(&plans, &[]);
        let first = errors[0].as_ref().expect("q1 fails");
        assert!(first.to_string().contains("écrit deux fois"), "{first}");
        assert!(first.to_string().contains("q3.toml, ligne 3"), "{first}");
        assert!(errors[1].is_none());
        assert!(errors[2].is_some());
    }

    #[test]
    fn an_output_over_an_input_fails() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("donnees.csv");
        std::fs::write(&input, "x").unwrap();
        let plans = vec![vec![planned("q.toml", &input.display().to_string())]];
        let errors = check_outputs(&plans, &[dir.path().join("./donnees.csv")]);
        let e = errors[0].as_ref().expect("refused");
        assert!(
            e.to_string().contains("remplacerait un fichier d'entrée"),
            "{e}"
        );
    }
}

//! The plan of a diagnostic: its départements checked, its model queries read with the year in
//! place and parsed for each département, and every file it will write; a model's classes made
//! common to all départements.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{
    ClassesSpec, Diagnostic, Finite, ModelSpec, PlannedOutput, Query, ThresholdSpec, output_path,
    toml_escaped,
};
use crate::classify::MethodName;
use crate::error::{Error, ErrorKind, Result};
use crate::ingest::{self, layouts};
use crate::territory::str_col;

/// A diagnostic ready to run: its départements checked, its model queries read and
/// parsed for each département, and every file it will write planned.
pub struct DiagnosticPlan<'a> {
    pub d: &'a Diagnostic,
    /// Each model's text with the year in place, and its entry in the diagnostic.
    pub models: Vec<(String, &'a ModelSpec)>,
    pub deps: Vec<DepartementPlan>,
}

/// A model query parsed for one département, with the files it writes.
pub type PlannedQuery = Result<(Query, Vec<PlannedOutput>)>;

/// What one département runs.
pub struct DepartementPlan {
    pub code: String,
    pub name: String,
    /// `out_dir/<dossier>/<département>/`.
    pub dir: PathBuf,
    /// The model queries it runs (index in `models`), each parsed with its outputs, or
    /// why it cannot run.
    pub queries: Vec<(usize, PlannedQuery)>,
}

impl DepartementPlan {
    /// Its report (HTML) and workbook (xlsx).
    pub fn report_paths(&self) -> [PathBuf; 2] {
        [
            self.dir.join(format!("rapport-{}.html", self.code)),
            self.dir.join(format!("diagnostic-{}.xlsx", self.code)),
        ]
    }
}

/// Reads and checks the diagnostic `d` for a run into `out_dir`: a typo in a
/// département stops it all before anything runs, not halfway.
pub fn plan_diagnostic<'a>(d: &'a Diagnostic, out_dir: &Path) -> Result<DiagnosticPlan<'a>> {
    let spec = &d.spec;
    let names = departement_names(d)?;
    let models: Vec<(String, &ModelSpec)> = spec
        .modeles
        .get_ref()
        .iter()
        .map(|m| {
            let text = std::fs::read_to_string(&m.requete)
                .map_err(|e| Error::io(Path::new(&m.requete), e))?;
            Ok((with_year(d, m, text)?, m))
        })
        .collect::<Result<_>>()?;
    let folder = output_path(out_dir, &spec.dossier).map_err(|why| {
        Error::new(format!("dossier refusé « {} » : {why}", spec.dossier))
            .file(&d.path)
.kind(ErrorKind::Query)
            .hint("écrivez un dossier relatif au dossier de sortie (option --sortie), ex. « diagnostic »")
    })?;
    // `["toutes"]`: every département of the list, in its order.
    let listed: Vec<String> = match spec.departements.get_ref().as_slice() {
        [word] if word == "toutes" => names.iter().map(|(code, _)| code.clone()).collect(),
        listed => listed.to_vec(),
    };
    let deps = listed
        .into_iter()
        .map(|dep| {
            let name = names
                .iter()
                .find(|(code, _)| *code == dep)
                .map(|(_, n)| n.clone())
                .ok_or_else(|| {
                    d.error_at(&spec.departements.span(), format!("département inconnu « {dep} »"))
                        .hint("écrivez le code INSEE sur deux caractères (« 01 », « 2A ») ou trois pour les DROM (« 971 »)")
                })?;
            let dir = folder.join(&dep);
            let queries = models
                .iter()
                .enumerate()
                .filter(|(_, (_, m))| wanted(m, &dep))
                .map(|(i, (text, m))| {
                    let planned = model_query(text, Path::new(&m.requete), &dep, &name)
                        .and_then(|q| q.planned_outputs(&dir).map(|o| (q, o)));
                    (i, planned)
                })
                .collect();
            Ok(DepartementPlan {
                code: dep,
                name,
                dir,
                queries,
            })
        })
        .collect::<Result<_>>()?;
    Ok(DiagnosticPlan { d, models, deps })
}

impl DiagnosticPlan<'_> {
    /// Every file the diagnostic writes: the outputs of its model queries, and each
    /// département's report and workbook.
    pub fn outputs(&self) -> Vec<PlannedOutput> {
        let mut planned = Vec::new();
        for dep in &self.deps {
            for (_, q) in &dep.queries {
                if let Ok((_, outputs)) = q {
                    planned.extend(outputs.iter().cloned());
                }
            }
            planned.extend(dep.report_paths().into_iter().map(|path| PlannedOutput {
                path,
                query: self.d.path.clone(),
                line: None,
                key: "dossier",
            }));
        }
        planned
    }

    /// Every file the diagnostic reads.
    pub fn inputs(&self) -> Vec<PathBuf> {
        let mut paths = vec![
            self.d.path.clone(),
            self.d.departements_file().to_path_buf(),
        ];
        paths.extend(self.models.iter().map(|(_, m)| PathBuf::from(&m.requete)));
        for dep in &self.deps {
            for (_, q) in &dep.queries {
                if let Ok((query, _)) = q {
                    paths.extend(query.input_paths());
                }
            }
        }
        paths
    }
}

/// Whether the model `m` runs for `dep`.
pub fn wanted(m: &ModelSpec, dep: &str) -> bool {
    m.departements
        .as_ref()
        .is_none_or(|list| list.iter().any(|x| x == dep))
}

/// A model's text with the diagnostic's year in place of `{annee}`, and the year before in
/// place of `{annee_precedente}`: next year's diagnostic is the same models, one number changed.
fn with_year(d: &Diagnostic, model: &ModelSpec, text: String) -> Result<String> {
    match d.spec.annee {
        Some(year) => Ok(text
            .replace("{annee_precedente}", &(year - 1).to_string())
            .replace("{annee}", &year.to_string())),
        None if text.contains("{annee}") || text.contains("{annee_precedente}") => Err(Error::new(
            "la requête modèle utilise {annee} ou {annee_precedente}, mais le diagnostic ne donne pas d'année",
        )
        .file(&model.requete)
.kind(ErrorKind::Query)
        .hint(format!("ajoutez « annee = 2024 » à [diagnostic] dans {}", d.path.display()))),
        None => Ok(text),
    }
}

/// A model query for one département.
pub fn model_query(text: &str, model_file: &Path, dep: &str, name: &str) -> Result<Query> {
    let text = text
        .replace("{departement}", &toml_escaped(dep))
        .replace("{nom_departement}", &toml_escaped(name));
    Query::parse(model_file, text)
}

/// Code → name of the départements of the diagnostic's list.
fn departement_names(d: &Diagnostic) -> Result<Vec<(String, String)>> {
    let table = ingest::read_table(d.departements_file(), &layouts::departements())?;
    let codes = str_col(&table.df, "DEP")?;
    let names = str_col(&table.df, "LIBELLE")?;
    Ok(codes
        .iter()
        .zip(names.iter())
        .filter_map(|(c, n)| Some((c?.to_string(), n?.to_string())))
        .collect())
}

impl Query {
    /// The query with the classes of its map and of its multiples given by `map` and
    /// `multiples` (thresholds computed over several départements), when some.
    pub fn with_class_limits(mut self, map: Option<&[f64]>, multiples: Option<&[f64]>) -> Query {
        let fixed = |classes: &mut Spanned<ClassesSpec>, limits: &[f64]| {
            let span = classes.span();
            *classes = Spanned::new(
                span,
                ClassesSpec {
                    methode: MethodName::Given,
                    valeurs: Some(
                        limits
                            .iter()
                            .map(|&v| {
                                ThresholdSpec::Value(
                                    Finite::try_from(v)
                                        .expect("pooled limits are classes of finite values"),
                                )
                            })
                            .collect(),
                    ),
                    nombre: None,
                    k: None,
                    classe_centrale: None,
                },
            );
        };
        if let (Some(c), Some(limits)) = (&mut self.spec.carte, map) {
            fixed(&mut c.classes, limits);
        }
        if let (Some(m), Some(limits)) = (&mut self.spec.multiples, multiples) {
            fixed(&mut m.classes, limits);
        }
        self
    }
}

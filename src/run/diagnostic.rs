//! The yearly diagnostic: every model query for every département, then one report per
//! département (HTML and xlsx) gathering maps, lists, tables, notices and sources. A query
//! that fails is said in the report and the summary; the others still run.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::map::{coverage_references, resolve_classes};
use super::{Report, Section, compute};
use crate::error::{Error, Result};
use crate::export::{OutTable, Part, ReportDoc, report_html, workbook, write_atomic};
use crate::format::code_list;
use crate::ingest::{self, layouts};
use crate::query::{
    ClassMethod, ClassesSpec, Diagnostic, Finite, ModelSpec, PlannedOutput, Query, ThresholdSpec,
    output_path, toml_escaped,
};
use crate::territory::Territory;
use crate::territory::str_col;

/// What the diagnostic of one département gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub departement: String,
    pub name: String,
    /// Model queries run, and those that failed with why.
    pub ran: usize,
    pub errors: Vec<String>,
    /// Every file written, the report and the workbook last.
    pub outputs: Vec<PathBuf>,
}

/// One model query done for one département, for a progress display.
pub struct Step<'a> {
    pub departement: &'a str,
    pub model: &'a str,
    pub done: usize,
    pub total: usize,
}

/// A diagnostic ready to run: its départements checked, its model queries read and
/// parsed for each département, and every file it will write planned.
pub struct DiagnosticPlan<'a> {
    d: &'a Diagnostic,
    models: Vec<(String, &'a ModelSpec)>,
    deps: Vec<DepartementPlan>,
}

/// A model query parsed for one département, with the files it writes.
type PlannedQuery = Result<(Query, Vec<PlannedOutput>)>;

/// What one département runs.
struct DepartementPlan {
    code: String,
    name: String,
    /// `out_dir/<dossier>/<département>/`.
    dir: PathBuf,
    /// The model queries it runs (index in `models`), each parsed with its outputs, or
    /// why it cannot run.
    queries: Vec<(usize, PlannedQuery)>,
}

impl DepartementPlan {
    fn report_paths(&self) -> [PathBuf; 2] {
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
                    let planned = model_query(text, m, &dep, &name)
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

fn wanted(m: &ModelSpec, dep: &str) -> bool {
    m.departements
        .as_ref()
        .is_none_or(|list| list.iter().any(|x| x == dep))
}

/// Runs a planned diagnostic; `progress` is told of each query done.
pub fn run_diagnostic(
    plan: &DiagnosticPlan,
    progress: &mut dyn FnMut(Step),
) -> Result<Vec<Outcome>> {
    let DiagnosticPlan { d, models, deps } = plan;
    let spec = &d.spec;
    let total: usize = deps.iter().map(|dep| dep.queries.len()).sum();
    // A model whose classes cannot be pooled fails in every département, the other models still run.
    let pooled: Vec<Result<Pooled>> = if spec.classes_communes {
        models
            .iter()
            .map(|(text, m)| {
                let deps: Vec<(&String, &String)> = deps
                    .iter()
                    .filter(|dep| wanted(m, &dep.code))
                    .map(|dep| (&dep.code, &dep.name))
                    .collect();
                pooled_classes(text, m, &deps)
            })
            .collect()
    } else {
        models.iter().map(|_| Ok(Pooled::default())).collect()
    };
    let mut done = 0;
    let mut outcomes = Vec::new();
    for dep in deps {
        let (code, name) = (&dep.code, &dep.name);
        let mut doc = ReportDoc {
            title: format!("{} — {name}", spec.titre),
            subtitle: format!(
                "Département {code} ({name}). Rapport produit par diagterr à partir de {}.",
                file_name(&d.path)
            ),
            ..ReportDoc::default()
        };
        let mut outcome = Outcome {
            departement: code.clone(),
            name: name.clone(),
            ran: 0,
            errors: Vec::new(),
            outputs: Vec::new(),
        };
        for (i, planned) in &dep.queries {
            let model = models[*i].1;
            let result = planned.clone().and_then(|(q, _)| {
                let q = pooled[*i].as_ref().map_err(Clone::clone)?.apply(q);
                super::run_guarded(&q, &dep.dir).map(|r| (q, r))
            });
            match result {
                Ok((query, mut report)) => {
                    report
                        .notices
                        .extend(pooled[*i].as_ref().ok().and_then(Pooled::notice));
                    outcome.outputs.extend(report.outputs.iter().cloned());
                    doc.parts.push(part(&query, report));
                }
                Err(e) => {
                    // The report names the model and the file of the error by their names; the
                    // console by their paths, to be found and fixed.
                    let mut named = e.clone();
                    named.file = e.file.as_deref().map(|f| PathBuf::from(file_name(f)));
                    let model_name = file_name(Path::new(&model.requete));
                    doc.errors.push(format!("{model_name} : {named}"));
                    outcome.errors.push(format!("{} : {e}", model.requete));
                }
            }
            outcome.ran += 1;
            done += 1;
            progress(Step {
                departement: code,
                model: &model.requete,
                done,
                total,
            });
        }
        // A report that cannot be written is this département's failure, not the others'.
        for (path, written) in dep.report_paths().into_iter().zip(report_bytes(&doc)) {
            match written.and_then(|bytes| write_atomic(&path, &bytes)) {
                Ok(()) => outcome.outputs.push(path),
                Err(e) => outcome.errors.push(format!("{} : {e}", path.display())),
            }
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

/// The bytes of a département's report (HTML) and workbook (one sheet per table).
fn report_bytes(doc: &ReportDoc) -> [Result<Vec<u8>>; 2] {
    let tables: Vec<(&str, &OutTable)> = doc
        .parts
        .iter()
        .flat_map(|p| &p.sections)
        .filter_map(|s| match s {
            Section::Table { title, table } => Some((title.as_str(), table)),
            Section::Figure { .. } => None,
        })
        .collect();
    [Ok(report_html(doc).into_bytes()), workbook(&tables)]
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
        .hint(format!("ajoutez « annee = 2024 » à [diagnostic] dans {}", d.path.display()))),
        None => Ok(text),
    }
}

/// A model query for one département.
fn model_query(text: &str, model: &ModelSpec, dep: &str, name: &str) -> Result<Query> {
    let text = text
        .replace("{departement}", &toml_escaped(dep))
        .replace("{nom_departement}", &toml_escaped(name));
    Query::parse(Path::new(&model.requete), text)
}

/// Thresholds computed once over all départements, for a model's map and multiples.
#[derive(Debug, Default)]
struct Pooled {
    map: Option<Vec<f64>>,
    multiples: Option<Vec<f64>>,
    departements: usize,
    /// The départements whose values could not be computed: pooled without them, each
    /// says its own error in its report.
    left_out: Vec<String>,
}

impl Pooled {
    fn notice(&self) -> Option<String> {
        (self.map.is_some() || self.multiples.is_some()).then(|| {
            let without = match self.left_out.as_slice() {
                [] => String::new(),
                codes => format!(" (sans {}, en erreur)", code_list(codes)),
            };
            format!(
                "classes calculées sur les valeurs des {} départements du diagnostic à la fois{without} : les couleurs se comparent d'une carte à l'autre",
                self.departements
            )
        })
    }

    /// The query with its computed classes replaced by the pooled thresholds.
    fn apply(&self, mut query: Query) -> Query {
        let fixed = |classes: &mut Spanned<ClassesSpec>, limits: &[f64]| {
            let span = classes.span();
            *classes = Spanned::new(
                span,
                ClassesSpec {
                    methode: ClassMethod::Seuils,
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
        if let (Some(map), Some(limits)) = (&mut query.spec.carte, &self.map) {
            fixed(&mut map.classes, limits);
        }
        if let (Some(m), Some(limits)) = (&mut query.spec.multiples, &self.multiples) {
            fixed(&mut m.classes, limits);
        }
        query
    }
}

/// For a coverage model whose classes are computed from the values: the thresholds of
/// its method over the rates (and over the components) of all `deps`.
fn pooled_classes(text: &str, model: &ModelSpec, deps: &[(&String, &String)]) -> Result<Pooled> {
    let mut pooled = Pooled {
        departements: deps.len(),
        ..Pooled::default()
    };
    let computed = |c: &Spanned<ClassesSpec>| c.get_ref().methode != ClassMethod::Seuils;
    let (mut rates, mut parts) = (Vec::new(), Vec::new());
    let mut first = None;
    for (dep, name) in deps {
        let Ok(query) = model_query(text, model, dep, name) else {
            pooled.left_out.push(dep.to_string());
            continue;
        };
        let Some(c) = &query.spec.couverture else {
            return Ok(pooled); // only coverage maps have computed classes
        };
        let t = &query.spec.territoire;
        let computed = Territory::shared(t.communes_file(), t.departements_file())
            .and_then(|territory| compute(&query, c, &territory));
        let Ok(cov) = computed else {
            pooled.left_out.push(dep.to_string());
            continue;
        };
        rates.extend(cov.rows.iter().filter_map(|r| r.rate.value()));
        parts.extend(
            cov.rows
                .iter()
                .flat_map(|r| r.parts.iter().filter_map(|p| p.value())),
        );
        first.get_or_insert((query, cov));
    }
    pooled.departements -= pooled.left_out.len();
    let Some((query, cov)) = first else {
        return Ok(pooled);
    };
    let mut notices = Vec::new();
    let limits = |classes: &Spanned<ClassesSpec>, values: Vec<f64>, notices: &mut Vec<String>| {
        resolve_classes(
            &query,
            classes,
            &coverage_references(&cov),
            &[values],
            notices,
        )
        .map(|c| c.thresholds().iter().map(|t| t.value).collect::<Vec<f64>>())
    };
    if let Some(map) = query.spec.carte.as_ref().filter(|m| computed(&m.classes)) {
        pooled.map = Some(limits(&map.classes, rates, &mut notices)?);
    }
    if let Some(m) = query
        .spec
        .multiples
        .as_ref()
        .filter(|m| computed(&m.classes))
    {
        pooled.multiples = Some(limits(&m.classes, parts, &mut notices)?);
    }
    Ok(pooled)
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

/// A file as the report names it: by its name alone, the folders of the machine that ran it are
/// nobody's business in a report.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The report's part for one query: its figures and tables, notices and sources, files by their name.
fn part(query: &Query, report: Report) -> Part {
    // The notices name the files they are about by their path, for the console; the report by name.
    let notices = report
        .notices
        .into_iter()
        .map(|notice| {
            query.inputs().iter().fold(notice, |notice, (_, path)| {
                notice.replace(&path.display().to_string(), &file_name(path))
            })
        })
        .collect();
    let t = &query.spec.territoire;
    let mut sources = vec![format!(
        "Code officiel géographique {} (communes, EPCI, départements)",
        t.vintage()
    )];
    sources.extend(
        query
            .inputs()
            .iter()
            .map(|(key, path)| format!("{key} : {}", file_name(path))),
    );
    Part {
        title: report.title,
        query: file_name(&query.path),
        sections: report.sections,
        notices,
        sources,
    }
}

//! The yearly diagnostic: every model query for every département, then one report per
//! département (HTML and xlsx) gathering maps, lists, tables, notices and sources. A query
//! that fails is said in the report and the summary; the others still run.

use std::path::{Path, PathBuf};

use super::{Report, Section, compute};
use crate::classify::Classing;
use crate::error::Result;
use crate::export::{OutTable, Part, ReportDoc, report_html, workbook, write_atomic};
use crate::maps::coverage_references;
use crate::notice::Notice;
use crate::query::{DiagnosticPlan, Method, Plan, Query, model_query, wanted};
use crate::territory::Territory;

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
                pooled_classes(text, Path::new(&m.requete), &deps)
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
                let pooled = pooled[*i].as_ref().map_err(Clone::clone)?;
                let q = q.with_class_limits(pooled.map.as_deref(), pooled.multiples.as_deref());
                let plan = Plan::of(q)?;
                super::run_guarded(&plan, &dep.dir).map(|r| (plan.query, r))
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
    fn notice(&self) -> Option<Notice> {
        (self.map.is_some() || self.multiples.is_some()).then(|| Notice::PooledClasses {
            departements: self.departements,
            left_out: self.left_out.clone(),
        })
    }
}

/// For a coverage model whose classes are computed from the values: the thresholds of
/// its method over the rates (and over the components) of all `deps`.
fn pooled_classes(text: &str, model_file: &Path, deps: &[(&String, &String)]) -> Result<Pooled> {
    let mut pooled = Pooled {
        departements: deps.len(),
        ..Pooled::default()
    };
    let (mut rates, mut parts) = (Vec::new(), Vec::new());
    let mut first = None;
    for (dep, name) in deps {
        let Ok(query) = model_query(text, model_file, dep, name) else {
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
    let limits = |classing: &Classing, values: Vec<f64>, notices: &mut Vec<Notice>| {
        classing
            .classes(&coverage_references(&cov), &[values], notices)
            .map(|c| c.thresholds().iter().map(|t| t.value).collect::<Vec<f64>>())
    };
    let Method::Coverage(plan) = Plan::of(query)?.method else {
        unreachable!("a query of [couverture] has the plan of a coverage")
    };
    if let Some(map) = plan.map.filter(|m| m.classing.rule.computed()) {
        pooled.map = Some(limits(&map.classing, rates, &mut notices)?);
    }
    if let Some(m) = plan.multiples.filter(|m| m.classing.rule.computed()) {
        pooled.multiples = Some(limits(&m.classing, parts, &mut notices)?);
    }
    Ok(pooled)
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
            query
                .inputs()
                .iter()
                .fold(notice.to_string(), |notice, (_, path)| {
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

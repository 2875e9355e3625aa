//! One query, start to end: territory, coverage, references, classes, then the
//! map and the priority list. The library entry point the CLI calls.

mod diagnostic;
mod evolution;
mod guard;
mod indicators;
mod map;
mod panier;
mod robustness;
mod score;
mod synthesis;

pub use crate::indicators::coverage_list::{Coverage, Reference, Row, priority_table};
use crate::indicators::coverage_list::{default_list_title, markdown_list, references_section};
pub use crate::sources::compute;
pub use diagnostic::{Outcome, Step, run_diagnostic};
pub use guard::install_panic_hook;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
pub use crate::export::Section;
use crate::indicators::reference::Comparison;
use crate::maps;
use crate::query::Query;
use crate::territory::selection::Selection;

/// What a run produced, for the summary printed to the user.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outputs: Vec<PathBuf>,
    /// Things the user must know (excluded rows, unmatched codes, secrets).
    pub notices: Vec<String>,
    /// Territories per comparison class, in `Comparison::ALL` order.
    pub counts: Vec<(String, usize)>,
    /// What the query computes, for the report ("Taux de couverture par EPCI, 2023").
    pub title: String,
    /// Figures and tables, in the order of the report.
    pub sections: Vec<Section>,
}

use crate::maps::Drawn;

impl Report {
    fn add(&mut self, (paths, section): Drawn) {
        self.outputs.extend(paths);
        self.sections.push(section);
    }
}

/// [`run`], a panic of diagterr made the error of this query alone.
pub fn run_guarded(query: &Query, out_dir: &Path) -> Result<Report> {
    guard::guarded(|| run(query, out_dir))
}

/// Runs `query` and writes its outputs under `out_dir`.
pub fn run(query: &Query, out_dir: &Path) -> Result<Report> {
    let spec = &query.spec;
    let t = &spec.territoire;
    // The plan's checks, done by the commands before they run, are done here for any other
    // caller (a diagnostic's model query, a program using the library): the steps below rely on them.
    query.check()?;
    // The writers rely on the names the plan checked (formats, folder); the command plans before it
    // runs, a library caller may not have.
    query.planned_outputs(out_dir)?;
    let territory = t.territory()?;
    if !spec.indicateurs.is_empty() && spec.score.is_none() {
        return indicators::run_indicators(query, &territory, out_dir);
    }
    let Some(c) = &spec.couverture else {
        if spec.carte.is_some() || spec.multiples.is_some() || spec.liste.is_some() {
            return Err(
                Error::new("[carte], [multiples] et [liste] vont avec [couverture]")
                    .file(&query.path)
                    .hint("les sorties des autres calculs se donnent dans leur section (« sorties = [...] », [score.carte]…)"),
            );
        }
        if let Some(score) = &spec.score {
            let selection = query.selection(&territory)?;
            let plan = query.score_plan(score, selection.level)?;
            return score::run_score(query, &plan, &selection, out_dir);
        }
        if let Some(panier) = &spec.panier {
            let selection = query.selection(&territory)?;
            let plan = query.panier_plan(panier)?;
            return panier::run_panier(query, &plan, selection, out_dir);
        }
        let evolution = spec.evolution.as_ref().expect("one section is present");
        let selection = query.selection(&territory)?;
        let plan = query.evolution_plan(evolution, selection.level)?;
        return evolution::run_evolution(query, &plan, &selection, out_dir);
    };
    let coverage = compute(query, c, &territory)?;
    let mut report = Report {
        notices: coverage.notices.clone(),
        counts: Comparison::ALL
            .iter()
            .map(|c| {
                (
                    c.label().to_string(),
                    coverage
                        .rows
                        .iter()
                        .filter(|r| r.comparison == Some(*c))
                        .count(),
                )
            })
            .collect(),
        title: format!(
            "Taux de couverture par {} ({})",
            coverage.level.noun(),
            coverage.year
        ),
        sections: vec![references_section(&coverage)],
        ..Report::default()
    };
    let level = coverage.level;
    if let Some(map) = &spec.carte {
        let drawn = maps::coverage_map(
            &query.coverage_map(map),
            &coverage,
            |notices| map::map_shapes(query, &territory, level, notices),
            &territory,
            &query.path,
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(multiples) = &spec.multiples {
        let drawn = maps::parts_multiples(
            &query.parts_multiples(multiples),
            &coverage,
            |notices| Ok(map::level_shapes(query, &territory, level, notices)?.layer),
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(list) = &spec.liste {
        let table = priority_table(&coverage, list.selection);
        let title = list
            .titre
            .clone()
            .unwrap_or_else(|| default_list_title(&coverage, list.selection));
        let paths = table.write_all(list.sorties.get_ref(), out_dir, "Priorités", &|| {
            markdown_list(&title, &table, &coverage)
        })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table { title, table });
    }
    Ok(report)
}

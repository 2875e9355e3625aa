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
use crate::notice::Notice;
pub use crate::sources::compute;
pub use diagnostic::{Outcome, Step, run_diagnostic};
pub use guard::install_panic_hook;

use std::path::{Path, PathBuf};

use crate::error::Result;
pub use crate::export::Section;
use crate::indicators::reference::Comparison;
use crate::maps;
use crate::query::{CoveragePlan, Method, Plan, Query};
use crate::territory::Territory;
use crate::territory::selection::Selection;

/// What a run produced, for the summary printed to the user.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outputs: Vec<PathBuf>,
    /// Things the user must know (excluded rows, unmatched codes, secrets).
    pub notices: Vec<Notice>,
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
pub fn run_guarded(plan: &Plan, out_dir: &Path) -> Result<Report> {
    guard::guarded(|| run(plan, out_dir))
}

/// Runs the plan of a query and writes its outputs under `out_dir`.
pub fn run(plan: &Plan, out_dir: &Path) -> Result<Report> {
    let query = &plan.query;
    // The writers rely on the names the plan checked (formats, folder); the command plans before it
    // runs, a library caller may not have.
    query.planned_outputs(out_dir)?;
    let territory = query.spec.territoire.territory()?;
    let selection = || query.selection(&territory);
    match &plan.method {
        Method::Coverage(p) => run_coverage(query, p, &territory, out_dir),
        Method::Indicators(p) => indicators::run_indicators(query, p, &selection()?, out_dir),
        Method::Score(p) => score::run_score(query, p, &selection()?, out_dir),
        Method::Evolution(p) => evolution::run_evolution(query, p, &selection()?, out_dir),
        Method::Panier(p) => panier::run_panier(query, p, selection()?, out_dir),
    }
}

/// A `[couverture]` query: the coverage of every territory, its map, multiples and list.
fn run_coverage(
    query: &Query,
    plan: &CoveragePlan,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let c = query
        .spec
        .couverture
        .as_ref()
        .expect("a query of coverage: Method::Coverage");
    let coverage = compute(query, c, territory)?;
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
    if let Some(map) = &plan.map {
        let drawn = maps::coverage_map(
            map,
            &coverage,
            |notices| map::map_shapes(query, territory, level, notices),
            territory,
            &query.path,
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(multiples) = &plan.multiples {
        let drawn = maps::parts_multiples(
            multiples,
            &coverage,
            |notices| Ok(map::level_shapes(query, territory, level, notices)?.layer),
            out_dir,
            &mut report.notices,
        )?;
        report.add(drawn);
    }
    if let Some(list) = &plan.list {
        let table = priority_table(&coverage, list.selection);
        let title = list
            .title
            .clone()
            .unwrap_or_else(|| default_list_title(&coverage, list.selection));
        let paths = table.write_all(&list.outputs, out_dir, "Priorités", &|| {
            markdown_list(&title, &table, &coverage)
        })?;
        report.outputs.extend(paths);
        report.sections.push(Section::Table { title, table });
    }
    Ok(report)
}

//! The sources of a plan read: each file's rows of the query's level and year, its codes moved
//! to the query's COG, summed into the selection's territories by the engine
//! (`indicators::aggregate`), then the indicators evaluated from the sums; the reference rows
//! (département, région, France) read as published or summed over their communes.

mod coverage_files;
mod level;
mod read;
mod references;
pub(crate) mod services;
pub(crate) mod vintage;

pub use coverage_files::compute;
pub use level::SourceLevel;
pub use read::table_spec;
pub use references::reference_values;

use read::sum_by_unit;
use services::service_sums;

use crate::error::Result;
use crate::indicators::aggregate::Sums;
use crate::indicators::coverage;
use crate::indicators::evaluated::Evaluated;
use crate::indicators::model::{ColumnRef, evaluate};
use crate::notice::Notice;
use crate::once::Memo;
use crate::query::{MethodPlan, PlannedSource, Query};
use crate::territory::selection::Selection;
use crate::territory::{Level, Territory, Unit};

/// The values of `indicators` over `units`: each source's columns summed into them by
/// the engine, then each indicator evaluated from the sums. Shared by every method.
pub fn evaluate_sources(
    query: &Query,
    plan: &MethodPlan,
    selection: &Selection,
    notices: &mut Vec<Notice>,
) -> Result<Evaluated> {
    let Selection {
        territory,
        level,
        units,
        memo,
        ..
    } = selection;
    let sources = &plan.sources;
    let sums: Vec<Sums> = sources
        .iter()
        .map(|s| sum_source(query, s, territory, *level, units, Some(memo), notices))
        .collect::<Result<_>>()?;
    let column_sums = |c: &ColumnRef| {
        let i = sources[c.source]
            .columns
            .iter()
            .position(|name| *name == c.column)
            .expect("the plan lists every column its indicators read");
        sums[c.source].columns[i].as_slice()
    };
    let values = evaluate(&plan.indicators, &column_sums, units.len());
    let (found, partial) = sums.into_iter().map(|s| (s.found, s.partial)).unzip();
    Ok(Evaluated {
        values,
        found,
        partial,
    })
}

/// The sums of the columns of source `s` over `units` of `level`: its rows of that level
/// for a file of several levels, its rows summed for a finer file. The units of a selection
/// come with its `memo`: the queries sharing the selection and reading a file the same way
/// (the three scores of a national run) share its sums.
pub(crate) fn sum_source(
    query: &Query,
    s: &PlannedSource,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    memo: Option<&Memo>,
    notices: &mut Vec<Notice>,
) -> Result<Sums> {
    if s.columns.is_empty() {
        return Ok(Sums::none(units.len(), 0));
    }
    if *s.spec.niveau.get_ref() == SourceLevel::Services {
        return service_sums(query, s, territory, level, units, notices);
    }
    let columns: Vec<&str> = s.columns.iter().map(String::as_str).collect();
    let file_level = match s.spec.niveau.get_ref() {
        SourceLevel::Iris => Some(SourceLevel::Iris),
        // A commune file at the commune level is summed too when its communes must first
        // be moved to the query's vintage (merged communes added up); the resolve step has
        // refused published values of such a file.
        SourceLevel::Commune if level != Level::Commune || s.spec.older_than(query) => {
            Some(SourceLevel::Commune)
        }
        _ => None,
    };
    let files = s.spec.files();
    let source = read::Source {
        files: &files,
        prevailing: s.spec.prevailing(),
        code_column: &s.spec.colonne_code,
        file_level,
        columns: &columns,
        published: &s.published,
        accept_partial: s.spec.sommes_partielles,
        secret: &s.spec.secret,
        secret_rule: s.secret_rule.as_ref(),
        role: &s.role,
        vintage: s.spec.millesime.as_ref(),
        rows_of: s
            .spec
            .colonne_niveau
            .as_deref()
            .map(|c| (c, coverage::caf_level(level))),
        year: s.spec.year(),
    };
    let sum =
        |notices: &mut Vec<Notice>| sum_by_unit(query, &source, territory, level, units, notices);
    let sums = match memo {
        Some(memo) => {
            let (files, variant) = source.key(query);
            memo.per_files(&files, &variant, || {
                let mut found = Vec::new();
                Ok((sum(&mut found)?, found))
            })
            .map(|kept| {
                notices.extend(kept.1.iter().cloned());
                kept.0.clone()
            })
        }
        None => sum(notices),
    };
    let Some(line) = s.line else {
        return sums;
    };
    sums.map_err(|e| {
        let place = format!(
            "source « {} » de {}, ligne {line}",
            s.name,
            query.path.display(),
        );
        match e.hint.clone() {
            Some(h) => e.hint(format!("{h} ({place})")),
            None => e.hint(place),
        }
    })
}

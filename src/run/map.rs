//! The shapes of a query's maps, read in its scope (its départements, its contours moved to
//! its vintage) for the maps `maps` assembles.

use std::path::Path;

use super::Drawn;
use crate::error::Result;
use crate::export::MapFiles;
use crate::maps::{self, Classed, Legend};
use crate::notice::Notice;
use crate::query::{EpciReach, Query};
use crate::sources::vintage;
use crate::territory::shapes::{LevelShapes, MapScope, MapShapes};
use crate::territory::{Level, Territory, Unit};

/// The shapes of the territories of `level` on the query's maps (see [`LevelShapes`]).
pub(super) fn level_shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<Notice>,
) -> Result<LevelShapes> {
    in_map_scope(query, territory, |scope| scope.level_shapes(level, notices))
}

/// The communes, and the EPCI or zones, of a coverage map (see [`MapShapes`]).
pub(super) fn map_shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<Notice>,
) -> Result<MapShapes> {
    in_map_scope(query, territory, |scope| scope.shapes(level, notices))
}

/// `draw` given the scope of the query's maps: its contours (the plan has checked it has
/// some), moved to its vintage when older.
fn in_map_scope<T>(
    query: &Query,
    territory: &Territory,
    draw: impl FnOnce(&MapScope) -> Result<T>,
) -> Result<T> {
    let t = &query.spec.territoire;
    let contours = query.map_contours()?;
    let from = query
        .spec
        .contours
        .as_ref()
        .and_then(|c| c.millesime.as_ref());
    let moves = vintage::moves(query, territory, from)?;
    draw(&MapScope {
        territory,
        departements: t.departements.get_ref(),
        reduced_epci: t.epci_debordants == EpciReach::Communes,
        contours: &contours,
        moves: moves.as_deref(),
    })
}

/// A map of named classes of `units` of `level` (see [`maps::class_map`]), on the query's shapes.
#[allow(clippy::too_many_arguments)]
pub(super) fn class_map(
    query: &Query,
    files: &MapFiles,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    classed: &[Classed],
    legend: Legend,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let shapes = level_shapes(query, territory, level, notices)?;
    maps::class_map(
        files,
        &shapes,
        units,
        classed,
        legend,
        &query.path,
        out_dir,
        notices,
    )
}

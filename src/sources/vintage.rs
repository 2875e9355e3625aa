//! Which moves an input of an older COG vintage needs to reach the query's (a 2016 file,
//! contours of 2018, to the communes of 2026, with the INSEE movements table), with the
//! errors placed at the query's line; the moving itself is the domain's
//! (`indicators::vintage`, `territory::contours`).

use std::sync::Arc;

use crate::error::Result;
use crate::query::{Query, SourceLevel};
use crate::territory::Territory;
use crate::territory::moves::{Movements, Moves};
use toml::Spanned;

/// The moves from vintage `from` (a key of the query) to the query's; `None` when the
/// input is of the query's vintage already.
pub fn moves(
    query: &Query,
    territory: &Territory,
    from: Option<&Spanned<u16>>,
) -> Result<Option<Arc<Moves>>> {
    let t = &query.spec.territoire;
    let Some((from, span)) = from
        .map(|f| (*f.get_ref(), f.span()))
        .filter(|(f, _)| *f != t.vintage())
    else {
        return Ok(None);
    };
    let span = &span;
    // The queries of one year share its moves: the same files give the same moves.
    let (movements, communes) = (t.movements_file(), t.communes_file());
    let departements = t.departements_file();
    crate::once::per_files(
        &[movements, communes, departements],
        &format!("{from} → {}", t.vintage()),
        || Movements::shared(movements)?.between(from, t.vintage(), territory),
    )
    .map(Some)
    .map_err(|e| query.place(e, span))
}

/// The moves of a data file's codes: only a file by commune or IRIS can move (the plan refuses
/// the others of an older vintage).
pub fn file_moves(
    query: &Query,
    territory: &Territory,
    from: Option<&Spanned<u16>>,
    file_level: Option<SourceLevel>,
) -> Result<Option<Arc<Moves>>> {
    let moves = moves(query, territory, from)?;
    assert!(
        moves.is_none() || file_level.is_some(),
        "a file by territory of another vintage: refused by the plan"
    );
    Ok(moves)
}

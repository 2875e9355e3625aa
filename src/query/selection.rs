//! The selection of a query, resolved once its territory is loaded: the domain rules are
//! `territory::selection`'s, the errors placed here at the key of the query they are about.

use super::Query;
use crate::error::Result;
use crate::territory::Territory;
use crate::territory::selection::{Selection, SelectionKey};

impl Query {
    /// The territories this query computes (see [`Selection`]); an error at `departements` or
    /// `epci` when they name no territory of the query's COG.
    pub fn selection<'t>(&self, territory: &'t Territory) -> Result<Selection<'t>> {
        let t = &self.spec.territoire;
        let level = *t.niveau.get_ref();
        let deps = t.departements.get_ref();
        territory
            .check_departements(deps)
            .map_err(|e| self.place(e, &t.departements.span()))?;
        let key = SelectionKey {
            level,
            departements: deps.clone(),
            epci: t.epci.as_ref().map(|e| e.get_ref().clone()),
            reach: t.epci_debordants,
        };
        let kept = territory.selected(key, || {
            let mut units = territory.units(level, deps);
            if let Some(epci) = &t.epci {
                units = territory
                    .zoom(level, epci.get_ref(), units, t.vintage())
                    .map_err(|e| self.place(e, &epci.span()))?;
            }
            let notices = territory.selection_notes(level, deps, t.epci_debordants, &mut units)?;
            if units.is_empty() {
                return Err(
                    self.error_at(&t.departements.span(), "aucun territoire dans la sélection")
                );
            }
            Ok((units.into(), notices))
        })?;
        Ok(Selection {
            territory,
            level,
            units: kept.units,
            notices: kept.notices,
            memo: kept.memo,
        })
    }
}

//! The services of an inventory source counted per territory, as the indicator engine
//! takes the sums of a source.

use crate::error::Result;
use crate::indicators::Cell;
use crate::indicators::aggregate::Sums;
use crate::notice::Notice;
use crate::panier::inventory::{self, Inventory};
use crate::panier::placement::{self, Placed, place, report_set_aside};
use crate::panier::{Counts, Names, ServiceKind};
use crate::query::{PlannedSource, Query};
use crate::territory::moves::Movements;
use crate::territory::{Level, Territory, Unit};

/// The services of an inventory source counted per territory of `level`: a column per
/// type the indicators read (`laep`), zero for a territory without any, since the
/// inventory lists every service. What was set aside is said in `notices`.
pub(super) fn service_sums(
    query: &Query,
    source: &PlannedSource,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    notices: &mut Vec<Notice>,
) -> Result<Sums> {
    let spec = source.spec.services.clone().unwrap_or_default();
    let (year_column, year) = source
        .spec
        .year()
        .expect("the resolve step has refused an inventory without « annee »");
    let names = Names::new(spec.synonymes.iter().map(|(n, k)| (n.as_str(), *k)));
    let files = source.spec.files();
    let inventory = inventory::read(
        files[0],
        &inventory::Columns {
            code: source.spec.colonne_code.clone(),
            kind: spec.colonne_type.clone(),
            year: year_column.to_string(),
            count: spec.colonne_nombre.clone(),
            name: spec.colonne_nom.clone(),
        },
        &names,
    )?;
    let synonyms = format!("« synonymes » de la source « {} »", source.name);
    let placed = placed_services(
        query,
        &inventory,
        &synonyms,
        (territory, level, units),
        &[year],
        notices,
    )?;
    let kinds: Vec<ServiceKind> = source
        .columns
        .iter()
        .map(|c| {
            *ServiceKind::ALL
                .iter()
                .find(|k| k.key() == c)
                .expect("the resolve step has checked the types")
        })
        .collect();
    let none = Counts::new();
    let counts = placed.counts.get(&year);
    let mut sums = Sums::none(units.len(), kinds.len());
    for (u, unit) in units.iter().enumerate() {
        let of = counts.and_then(|c| c.get(&unit.code)).unwrap_or(&none);
        sums.found[u] = true;
        for (column, k) in sums.columns.iter_mut().zip(&kinds) {
            column[u] = Cell::Value(of.get(k).copied().unwrap_or(0.0));
        }
    }
    Ok(sums)
}

/// The services of `inventory` of `years` placed in the `units` of `level`, through the
/// query's movements table (its own or the built-in one); what was set aside (unknown
/// types, to declare in `declare_in`, repeated rows, moved or outside services) is said in
/// `notices`.
pub fn placed_services(
    query: &Query,
    inventory: &Inventory,
    declare_in: &str,
    (territory, level, units): (&Territory, Level, &[Unit]),
    years: &[u16],
    notices: &mut Vec<Notice>,
) -> Result<Placed> {
    let mut said = Vec::new();
    report_set_aside(inventory, declare_in, &mut said);
    let movements = Movements::shared(query.spec.territoire.movements_file())?;
    let selection = placement::Selection {
        territory,
        vintage: query.spec.territoire.vintage(),
        movements: Some(&movements),
        level,
        units,
    };
    let placed = place(inventory, &selection, years)?;
    notices.extend(said.into_iter().chain(placed.notices.iter().cloned()));
    Ok(placed)
}

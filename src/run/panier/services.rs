//! The services of an inventory source counted per territory, as the indicator engine
//! takes the sums of a source.

use super::placed_services;
use crate::error::Result;
use crate::indicators::Cell;
use crate::indicators::aggregate::Sums;
use crate::panier::inventory;
use crate::panier::{Counts, Names, ServiceKind};
use crate::query::{PlannedSource, Query};
use crate::territory::{Level, Territory, Unit};

/// The services of an inventory source counted per territory of `level`: a column per
/// type the indicators read (`laep`), zero for a territory without any, since the
/// inventory lists every service. What was set aside is said in `notices`.
pub(in crate::run) fn service_sums(
    query: &Query,
    source: &PlannedSource,
    territory: &Territory,
    level: Level,
    units: &[Unit],
    notices: &mut Vec<String>,
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
    let mut sums = Sums::default();
    for u in units {
        let of = counts.and_then(|c| c.get(&u.code)).unwrap_or(&none);
        let cells = kinds
            .iter()
            .map(|k| Cell::Value(of.get(k).copied().unwrap_or(0.0)))
            .collect();
        sums.by_code.insert(u.code.clone(), cells);
    }
    Ok(sums)
}

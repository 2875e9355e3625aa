//! The map of a panier: the EPCI coloured by the number of services missing (its tables, report
//! and chart are `panier::report`'s).

use std::path::Path;

use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::MapFiles;
use crate::maps::{Classed, Legend, NamedClass};
use crate::notice::Notice;
use crate::panier::report::{PanierDiagnostic, kind_list};
use crate::query::Query;
use crate::render::FeatureClass;
use crate::run::Drawn;
use crate::run::map::class_map;
use crate::territory::{Level, Territory};

/// The EPCI coloured by the number of services missing from their panier, last year.
pub(super) fn missing_map(
    query: &Query,
    map: &MapFiles,
    territory: &Territory,
    d: &PanierDiagnostic,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let size = d.panier.requirements.len();
    // One shade more than needed, the palest left out: "1 service manquant" must not
    // look empty.
    let oranges = palette::sequential(Sequential::Oranges, size + 1)
        .expect("a panier of as many services as a palette has shades: checked by the plan");
    let mut classes = vec![NamedClass {
        label: "Panier complet".to_string(),
        color: "#74c476".to_string(),
        optional: false,
    }];
    classes.extend(
        oranges
            .into_iter()
            .skip(1)
            .enumerate()
            .map(|(i, color)| NamedClass {
                label: match i + 1 {
                    1 => "1 service manquant".to_string(),
                    n => format!("{n} services manquants"),
                },
                color,
                optional: false,
            }),
    );
    let year = d.year();
    let classed: Vec<Classed> = d
        .units
        .iter()
        .map(|u| {
            let missing = d.panier.missing(&d.counts_of(year, &u.code));
            Classed {
                code: &u.code,
                class: FeatureClass::Class(missing.len()),
                value_label: if missing.is_empty() {
                    "panier complet".to_string()
                } else {
                    format!("manque : {}", kind_list(&missing))
                },
                weight: missing.len() as f64,
            }
        })
        .collect();
    class_map(
        query,
        map,
        territory,
        Level::Epci,
        &d.units,
        &classed,
        Legend {
            title: format!("Services manquants au panier en {year}"),
            classes,
        },
        out_dir,
        notices,
    )
}

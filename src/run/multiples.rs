//! Small multiples of a query: one panel per part of the rate (EAJE, assistants
//! maternels…), cut by the same classes so the panels compare.

use std::path::Path;

use super::map::{class_colors, coverage_references, level_shapes, resolve_classes};
use super::{Coverage, Drawn, Section};
use crate::error::Result;
use crate::export::Picture;
use crate::query::{MultiplesSpec, Query};
use crate::render::{self, FeatureClass, LegendClass, Panel, Placed, SmallMultiples};
use crate::territory::Territory;

pub(super) fn multiples_outputs(
    query: &Query,
    spec: &MultiplesSpec,
    territory: &Territory,
    cov: &Coverage,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    if cov.part_labels.is_empty() {
        return Err(query
            .error_at(
                &spec.sorties.span(),
                "aucune composante du taux à cartographier",
            )
            .hint("les petits multiples montrent les composantes : le fichier n'en publie pas"));
    }
    let series: Vec<Vec<f64>> = (0..cov.part_labels.len())
        .map(|p| cov.rows.iter().filter_map(|r| r.parts[p].value()).collect())
        .collect();
    let classes = resolve_classes(
        query,
        &spec.classes,
        &coverage_references(cov),
        &series,
        notices,
    )?;
    let colors = class_colors(
        query,
        spec.palette,
        &spec.classes.span(),
        &classes,
        cov.departement.value,
    )?;
    // Small panels have no room for inset frames: the DROM stand in their boxes unframed.
    let fill = level_shapes(query, territory, cov.level, notices)?.layer;
    let by_code = fill.shapes_by_code();
    let panels = cov
        .part_labels
        .iter()
        .enumerate()
        .map(|(p, label)| Panel {
            title: label.clone(),
            // Territories without a shape are left out of the panels.
            features: render::features_on_shapes(
                cov.rows.iter().map(|r| Placed {
                    code: &r.unit.code,
                    name: &r.unit.name,
                    class: FeatureClass::of_cell(r.parts[p], &classes),
                    value_label: r.parts[p].label(1),
                }),
                &by_code,
            )
            .0,
        })
        .collect();
    let sheet = SmallMultiples {
        title: spec.titre.clone(),
        subtitle: spec.sous_titre.clone(),
        legend_title: format!(
            "Part du taux de couverture {} (places pour 100 enfants de moins de 3 ans)",
            cov.year
        ),
        classes: classes
            .labels(1)
            .into_iter()
            .zip(colors)
            .map(|(label, color)| LegendClass {
                label,
                color,
                count: 0,
            })
            .collect(),
        panels,
        columns: spec.colonnes.max(1),
        source: spec.source.clone(),
        interval_note: Some(super::map::INTERVAL_NOTE.to_string()),
        references: vec![
            "Classes communes à toutes les cartes, calculées sur l'ensemble des valeurs"
                .to_string(),
        ],
    };
    let svg = render::small_multiples_svg(&sheet);
    let paths = Picture {
        svg: &svg,
        png: &|| render::svg_to_png(&svg, spec.largeur_png),
        dpi: spec.dpi_png,
    }
    .write_all(spec.sorties.get_ref(), out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: sheet.title,
            svg,
        },
    ))
}

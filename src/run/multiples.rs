//! Small multiples of a query: one panel per part of the rate (EAJE, assistants
//! maternels…), cut by the same classes so the panels compare.

use std::path::Path;

use super::map::{Picture, class_colors, coverage_references, level_shapes, resolve_classes};
use super::{Coverage, Drawn, Section};
use crate::error::Result;
use crate::query::{MultiplesSpec, Query};
use crate::render::{self, LegendClass, MapFeature, Panel, SmallMultiples};
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
            features: cov
                .rows
                .iter()
                .filter_map(|r| {
                    let shape = by_code.get(r.unit.code.as_str())?;
                    let part = r.parts[p];
                    Some(MapFeature {
                        code: r.unit.code.clone(),
                        name: r.unit.name.clone(),
                        geometry: (*shape).clone(),
                        class: super::map::class_of_cell(part, &classes),
                        value_label: part.label(1),
                    })
                })
                .collect(),
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
    .write_all(&spec.sorties, out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: sheet.title,
            svg,
        },
    ))
}

//! The choropleth of a query: classes, shapes, legend, SVG and PNG.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::{Coverage, Drawn, Row, Section};
use crate::classify::palette::Palette;
use crate::classify::{Classes, NamedValue};
use crate::error::{Error, Result};
use crate::export::{
    AttrValue, ExportFeature, OutputFormat, OutputKind, Picture, write_geojson, write_geopackage,
    write_shapefile,
};
use crate::format;
use crate::format::code_list;
use crate::indicators::Cell;
use crate::indicators::reference::Comparison;
use crate::query::{ClassesSpec, EpciReach, MapSpec, OUT_OF_BOUNDS, Query, SymbolSpec};
use crate::render::{
    self, ChoroplethMap, Distribution, FeatureClass, LegendClass, MapFeature, Placed,
    ProportionalSymbols,
};
use crate::sources::vintage;
use crate::territory::shapes::{LevelShapes, MapScope, MapShapes};
use crate::territory::{Level, Territory};

/// The departmental and national references of a coverage, as thresholds may name them.
pub(super) fn coverage_references(cov: &Coverage) -> [NamedValue; 2] {
    [
        NamedValue {
            key: "reference:departement",
            value: cov.departement.value,
            name: "référence départementale".to_string(),
        },
        NamedValue {
            key: "reference:france",
            value: cov.france.value,
            name: "référence nationale".to_string(),
        },
    ]
}

/// The classes of a map by the rule of `classes` (checked by the plan), its thresholds naming
/// `references`, its method cutting all `series` at once; an error at `classes`.
pub(super) fn resolve_classes(
    query: &Query,
    classes: &Spanned<ClassesSpec>,
    references: &[NamedValue],
    series: &[Vec<f64>],
    notices: &mut Vec<String>,
) -> Result<Classes> {
    let rule = classes
        .get_ref()
        .rule()
        .expect("classes and their values go together: checked by the plan");
    rule.classes(references, series, notices)
        .map_err(|e| query.place(e, &classes.span()))
}

/// The colours of the classes, lowest first.
pub(super) fn class_colors(
    query: &Query,
    palette: Palette,
    span: &Range<usize>,
    classes: &Classes,
    center: f64,
) -> Result<Vec<String>> {
    palette
        .colours_of(classes, center)
        .map_err(|e| query.place(e, span))
}

/// The shapes of the territories of `level` on the query's maps (see [`LevelShapes`]).
pub(super) fn level_shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<String>,
) -> Result<LevelShapes> {
    in_map_scope(query, territory, |scope| scope.level_shapes(level, notices))
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

pub(super) fn map_outputs(
    query: &Query,
    map: &MapSpec,
    territory: &Territory,
    cov: &Coverage,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let rates = vec![cov.rows.iter().filter_map(|r| r.rate.value()).collect()];
    let classes = resolve_classes(
        query,
        &map.classes,
        &coverage_references(cov),
        &rates,
        notices,
    )?;
    let colors = class_colors(
        query,
        map.palette,
        &map.classes.span(),
        &classes,
        cov.departement.value,
    )?;
    let MapShapes {
        communes,
        epci,
        frames,
        departements,
        unshaped,
    } = in_map_scope(query, territory, |scope| scope.shapes(cov.level, notices))?;
    let (fill_layer, outline_layer) = match cov.level {
        Level::Epci | Level::Zone => (
            epci.as_ref()
                .expect("EPCI or zone shapes are read or dissolved"),
            None,
        ),
        _ => (
            &communes,
            if map.contours_epci {
                epci.as_ref()
            } else {
                None
            },
        ),
    };
    let (features, without_shape) = render::features_on_shapes(
        cov.rows.iter().map(|row| Placed {
            code: &row.unit.code,
            name: &row.unit.name,
            class: FeatureClass::of_cell(row.rate, &classes),
            value_label: row.rate.label(1),
        }),
        &fill_layer.shapes_by_code(),
    );
    notices.extend(without_shape_notice(&without_shape));
    let counts = render::class_counts(&features, classes.len());
    let mut outlines = match outline_layer {
        Some(layer) => {
            let epcis: BTreeSet<&str> = cov
                .rows
                .iter()
                .filter_map(|r| territory.parent(&r.unit.code, Level::Epci))
                .collect();
            layer
                .features
                .iter()
                .filter(|f| epcis.contains(f.code.as_str()))
                .map(|f| f.geometry.clone())
                .collect()
        }
        None => Vec::new(),
    };
    outlines.extend(departements);
    let both_references = classes.len() == 3
        && classes.thresholds().iter().all(|t| {
            t.name
                .as_deref()
                .is_some_and(|n| n.starts_with("référence"))
        });
    let labels = classes.labels(1);
    let legend: Vec<LegendClass> = labels
        .into_iter()
        .enumerate()
        .map(|(k, label)| LegendClass {
            label: if both_references {
                format!("{label} : {}", Comparison::ALL[k].label())
            } else {
                label
            },
            color: colors[k].clone(),
            count: counts[k],
        })
        .collect();
    let mut chart = ChoroplethMap {
        title: map.titre.clone(),
        subtitle: map.sous_titre.clone(),
        legend_title: format!(
            "Taux de couverture {} (places pour 100 enfants de moins de 3 ans)",
            cov.year
        ),
        classes: legend,
        features,
        outlines,
        references: vec![
            format!(
                "Référence départementale, {} : {}",
                cov.departement.scope,
                format::display(cov.departement.value, 1)
            ),
            format!(
                "Référence nationale, {} : {}",
                cov.france.scope,
                format::display(cov.france.value, 1)
            ),
        ]
        .into_iter()
        .chain(unshaped)
        .collect(),
        source: map.source.clone(),
        interval_note: Some(INTERVAL_NOTE.to_string()),
        legend_layout: map.legende,
        frames,
        ..Default::default()
    };
    if map.etiquettes {
        check_label_count(query, chart.features.len())?;
        // The most populated first; a label that would overlap a placed one is dropped.
        // Only territories with a value are named: names on grey "no data"
        // shapes would crowd out the ones the map is about.
        let population = territory.populations(cov.level);
        let valued: Vec<MapFeature> = chart
            .features
            .iter()
            .filter(|f| matches!(f.class, FeatureClass::Class(_)))
            .cloned()
            .collect();
        chart.labels = render::feature_labels(&valued, |f| {
            population.get(f.code.as_str()).copied().unwrap_or(0.0)
        });
    }
    if let Some(SymbolSpec::Population) = map.symboles {
        let population = territory.populations(cov.level);
        chart.symbols = Some(ProportionalSymbols::on_features(
            &chart.features,
            "Population municipale",
            |code| population.get(code).copied(),
        ));
    }
    if map.histogramme {
        chart.distribution = Some(Distribution {
            values: cov.rows.iter().filter_map(|r| r.rate.value()).collect(),
            breaks: classes.thresholds().iter().map(|t| t.value).collect(),
        });
    }
    let svg = render::choropleth_svg(&chart);
    let mut written = Vec::new();
    let picture = Picture {
        svg: &svg,
        png: &|| render::choropleth_png(&chart, map.largeur_png),
        dpi: map.dpi_png,
    };
    // A GIS layer of a map in insets is refused when the outputs are planned (the insets move the DROM).
    let layer = || export_features(cov, &chart);
    for name in map.sorties.get_ref() {
        let path = out_dir.join(name);
        match OutputFormat::of_planned(name, OutputKind::MapWithLayers) {
            OutputFormat::GeoJson => write_geojson(&path, &layer(), fill_layer.crs)?,
            OutputFormat::Shapefile => write_shapefile(&path, &layer(), fill_layer.crs)?,
            OutputFormat::GeoPackage => write_geopackage(&path, &layer(), fill_layer.crs)?,
            figure => picture.write(&path, figure)?,
        }
        written.push(path);
    }
    Ok((
        written,
        Section::Figure {
            title: map.titre.clone(),
            svg,
        },
    ))
}

/// The notice naming the territories a map has no shape for (none when all have one).
pub(super) fn without_shape_notice(codes: &[String]) -> Option<String> {
    (!codes.is_empty()).then(|| {
        format!(
            "{} territoire(s) sans contour, absents de la carte : {}",
            codes.len(),
            code_list(codes)
        )
    })
}

/// Writes `chart` to the SVG and PNG files of `sorties`: the files, and the report's figure.
pub(super) fn draw(
    chart: &ChoroplethMap,
    outputs: &[String],
    (width, dpi): (u32, u32),
    out_dir: &Path,
) -> Result<Drawn> {
    let svg = render::choropleth_svg(chart);
    let paths = Picture {
        svg: &svg,
        png: &|| render::choropleth_png(chart, width),
        dpi,
    }
    .write_all(outputs, out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: chart.title.clone(),
            svg,
        },
    ))
}

/// Labels are placed one by one against every other label and circle: a map of more
/// territories than a reader can tell apart by name (a national commune map) is refused
/// rather than left to run for minutes.
pub(super) fn check_label_count(query: &Query, n: usize) -> Result<()> {
    if n > render::MAX_LABELLED {
        return Err(Error::new(format!(
            "{OUT_OF_BOUNDS} : étiquettes sur {n} territoires (au plus {})",
            render::MAX_LABELLED
        ))
        .file(&query.path)
        .hint("retirez « etiquettes = true » de la carte, ou cartographiez moins de territoires (un département, un EPCI)"));
    }
    Ok(())
}

/// Said under every legend: where a value equal to a threshold goes.
pub(super) const INTERVAL_NOTE: &str =
    "Classes fermées à gauche [a ; b[ : une valeur égale à un seuil est dans la classe supérieure";

/// The mapped territories with their values and class, for GIS exports. A
/// secret value is exported empty with `statut = "secret"`, never as zero; a rate known
/// between bounds has them in `taux_min` and `taux_max` (columns present when one is).
fn export_features(cov: &Coverage, chart: &ChoroplethMap) -> Vec<ExportFeature> {
    let rows: HashMap<&str, &Row> = cov.rows.iter().map(|r| (r.unit.code.as_str(), r)).collect();
    let bounded = cov
        .rows
        .iter()
        .any(|r| matches!(r.rate, Cell::Bounded { .. }));
    chart
        .features
        .iter()
        .map(|f| {
            let row = rows[f.code.as_str()];
            let mut attributes = vec![("taux".to_string(), AttrValue::Number(row.rate.value()))];
            if bounded {
                let (low, high) = row.rate.bounds().unzip();
                attributes.push(("taux_min".to_string(), AttrValue::Number(low)));
                attributes.push(("taux_max".to_string(), AttrValue::Number(high)));
            }
            for (label, part) in cov.part_labels.iter().zip(&row.parts) {
                attributes.push((label.clone(), AttrValue::Number(part.value())));
            }
            let (class, status) = match f.class {
                FeatureClass::Class(k) => (chart.classes[k].label.clone(), "valeur"),
                FeatureClass::Approximate(k) => (chart.classes[k].label.clone(), "approche"),
                FeatureClass::Uncertain => ("incertain".to_string(), "incertain"),
                FeatureClass::Secret => ("secret statistique".to_string(), "secret"),
                FeatureClass::Partial => ("couvert en partie".to_string(), "partiel"),
                FeatureClass::NoData => ("donnée absente".to_string(), "absent"),
            };
            attributes.push(("classe".to_string(), AttrValue::Text(class)));
            attributes.push(("statut".to_string(), AttrValue::Text(status.to_string())));
            ExportFeature {
                code: f.code.clone(),
                name: f.name.clone(),
                geometry: f.geometry.clone(),
                attributes,
            }
        })
        .collect()
}

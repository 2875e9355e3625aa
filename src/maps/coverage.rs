//! The maps of a coverage: the choropleth of its rates, with its GIS layers, and the small
//! multiples of the parts of the rate.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::{Drawn, INTERVAL_NOTE, check_label_count, without_shape_notice};
use crate::classify::{Classing, NamedValue};
use crate::error::{Place, Result};
use crate::export::{
    AttrValue, ExportFeature, FigureFiles, OutputFormat, OutputKind, Picture, Section,
    write_geojson, write_geopackage, write_shapefile,
};
use crate::format;
use crate::geometry::Layer;
use crate::indicators::Cell;
use crate::indicators::coverage_list::{Coverage, Row};
use crate::indicators::reference::Comparison;
use crate::notice::Notice;
use crate::render::{
    self, ChoroplethMap, Distribution, FeatureClass, LegendClass, LegendLayout, MapFeature, Panel,
    Placed, ProportionalSymbols, SmallMultiples,
};
use crate::territory::shapes::MapShapes;
use crate::territory::{Level, Territory};

/// `[carte]` of a coverage, as the plan resolves it.
#[derive(Debug, Clone)]
pub struct CoverageMap {
    pub classing: Classing,
    pub figure: FigureFiles,
    /// Territories named on the map.
    pub labels: bool,
    /// The EPCI outlined over a map of communes.
    pub epci_outlines: bool,
    /// The histogram of the rates under the legend.
    pub histogram: bool,
    pub legend: LegendLayout,
    /// Circles of the municipal population.
    pub population_symbols: bool,
}

/// `[multiples]` of a coverage, as the plan resolves it.
#[derive(Debug, Clone)]
pub struct PartsMultiples {
    pub classing: Classing,
    pub figure: FigureFiles,
    pub columns: usize,
    /// Where the query asks them, for a file that publishes no part.
    pub place: Place,
}

/// The departmental and national references of a coverage, as thresholds may name them.
pub fn coverage_references(cov: &Coverage) -> [NamedValue; 2] {
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

/// The map of a coverage: its classes (which may name the two references), on the shapes
/// `shapes` reads once the classes are had, the EPCI outlined over communes when asked, its
/// labels, circles and histogram; written with its GIS layers.
#[allow(clippy::too_many_arguments)]
pub fn coverage_map(
    map: &CoverageMap,
    cov: &Coverage,
    shapes: impl FnOnce(&mut Vec<Notice>) -> Result<MapShapes>,
    territory: &Territory,
    query_file: &Path,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    let rates = vec![cov.rows.iter().filter_map(|r| r.rate.value()).collect()];
    let classes = map
        .classing
        .classes(&coverage_references(cov), &rates, notices)?;
    let colors = map.classing.colours(&classes, cov.departement.value)?;
    let MapShapes {
        communes,
        epci,
        frames,
        departements,
        unshaped,
    } = shapes(notices)?;
    let (fill_layer, outline_layer) = match cov.level {
        Level::Epci | Level::Zone => (
            epci.as_ref()
                .expect("EPCI or zone shapes are read or dissolved"),
            None,
        ),
        _ => (
            &communes,
            if map.epci_outlines {
                epci.as_ref()
            } else {
                None
            },
        ),
    };
    let (features, without_shape) = render::features_on_shapes(
        cov.rows.iter().map(|row| Placed {
            code: &cov.unit(row).code,
            name: &cov.unit(row).name,
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
                .filter_map(|r| territory.parent(&cov.unit(r).code, Level::Epci))
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
        title: map.figure.title.clone(),
        subtitle: map.figure.subtitle.clone(),
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
        source: map.figure.source.clone(),
        interval_note: Some(INTERVAL_NOTE.to_string()),
        legend_layout: map.legend,
        frames,
        ..Default::default()
    };
    if map.labels {
        check_label_count(query_file, chart.features.len())?;
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
    if map.population_symbols {
        let population = territory.populations(cov.level);
        chart.symbols = Some(ProportionalSymbols::on_features(
            &chart.features,
            "Population municipale",
            |code| population.get(code).copied(),
        ));
    }
    if map.histogram {
        chart.distribution = Some(Distribution {
            values: cov.rows.iter().filter_map(|r| r.rate.value()).collect(),
            breaks: classes.thresholds().iter().map(|t| t.value).collect(),
        });
    }
    let svg = render::choropleth_svg(&chart);
    let mut written = Vec::new();
    let picture = Picture {
        svg: &svg,
        png: &|| render::choropleth_png(&chart, map.figure.png_width),
        dpi: map.figure.dpi,
    };
    // A GIS layer of a map in insets is refused when the outputs are planned (the insets move the DROM).
    let layer = || export_features(cov, &chart);
    for name in &map.figure.outputs {
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
            title: map.figure.title.clone(),
            svg,
        },
    ))
}

/// The parts of a coverage (EAJE, assistants maternels…), one panel each on the shapes `fill`
/// reads, cut by the same classes so the panels compare; an error of the query when the file
/// publishes no part.
pub fn parts_multiples(
    sheet: &PartsMultiples,
    cov: &Coverage,
    fill: impl FnOnce(&mut Vec<Notice>) -> Result<Layer>,
    out_dir: &Path,
    notices: &mut Vec<Notice>,
) -> Result<Drawn> {
    if cov.part_labels.is_empty() {
        return Err(sheet
            .place
            .error("aucune composante du taux à cartographier")
            .hint("les petits multiples montrent les composantes : le fichier n'en publie pas"));
    }
    let series: Vec<Vec<f64>> = (0..cov.part_labels.len())
        .map(|p| cov.rows.iter().filter_map(|r| r.parts[p].value()).collect())
        .collect();
    let classes = sheet
        .classing
        .classes(&coverage_references(cov), &series, notices)?;
    let colors = sheet.classing.colours(&classes, cov.departement.value)?;
    // Small panels have no room for inset frames: the DROM stand in their boxes unframed.
    let fill = fill(notices)?;
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
                    code: &cov.unit(r).code,
                    name: &cov.unit(r).name,
                    class: FeatureClass::of_cell(r.parts[p], &classes),
                    value_label: r.parts[p].label(1),
                }),
                &by_code,
            )
            .0,
        })
        .collect();
    let drawing = SmallMultiples {
        title: sheet.figure.title.clone(),
        subtitle: sheet.figure.subtitle.clone(),
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
        columns: sheet.columns.max(1),
        source: sheet.figure.source.clone(),
        interval_note: Some(INTERVAL_NOTE.to_string()),
        references: vec![
            "Classes communes à toutes les cartes, calculées sur l'ensemble des valeurs"
                .to_string(),
        ],
    };
    sheet
        .figure
        .write(render::small_multiples_svg(&drawing), out_dir)
}

/// The mapped territories with their values and class, for GIS exports. A
/// secret value is exported empty with `statut = "secret"`, never as zero; a rate known
/// between bounds has them in `taux_min` and `taux_max` (columns present when one is).
fn export_features(cov: &Coverage, chart: &ChoroplethMap) -> Vec<ExportFeature> {
    let rows: HashMap<&str, &Row> = (cov.rows.iter())
        .map(|r| (cov.unit(r).code.as_str(), r))
        .collect();
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

//! The choropleth of a query: classes, shapes, legend, SVG and PNG.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::{Coverage, Drawn, Row, Section, vintage};
use crate::classify::palette::Palette;
use crate::classify::{self, Classes, Method, Threshold};
use crate::error::{Error, Result};
use crate::export::{
    AttrValue, ExportFeature, OutputFormat, OutputKind, Picture, write_geojson, write_geopackage,
    write_shapefile,
};
use crate::format;
use crate::format::code_list;
use crate::indicators::Cell;
use crate::indicators::reference::Comparison;
use crate::query::{
    ClassMethod, ClassesSpec, EpciReach, MapSpec, OUT_OF_BOUNDS, Positive, Query, SymbolSpec,
    ThresholdSpec,
};
use crate::render::{
    self, ChoroplethMap, Distribution, FeatureClass, LegendClass, MapFeature, Placed,
    ProportionalSymbols,
};
use crate::territory::shapes::{LevelShapes, MapScope, MapShapes};
use crate::territory::{Level, Territory};

/// A reference a threshold may name: `reference:departement` is « référence départementale ».
pub(super) struct NamedReference {
    pub key: &'static str,
    pub value: f64,
    pub name: String,
}

/// The departmental and national references of a coverage, as thresholds may name them.
pub(super) fn coverage_references(cov: &Coverage) -> [NamedReference; 2] {
    [
        NamedReference {
            key: "reference:departement",
            value: cov.departement.value,
            name: "référence départementale".to_string(),
        },
        NamedReference {
            key: "reference:france",
            value: cov.france.value,
            name: "référence nationale".to_string(),
        },
    ]
}

/// The classes of the map, from thresholds of the query (numbers, or the `references` by
/// name) or from the values (notices say when the data give fewer classes than asked).
/// Computed methods cut all `series` at once (pooled), so that several panels share their
/// classes.
pub(super) fn resolve_classes(
    query: &Query,
    classes: &Spanned<ClassesSpec>,
    references: &[NamedReference],
    series: &[Vec<f64>],
    notices: &mut Vec<String>,
) -> Result<Classes> {
    let spec = classes.get_ref();
    let err = |msg: String| query.error_at(&classes.span(), msg);
    let method = match spec.methode {
        ClassMethod::Seuils => {
            let values = spec.valeurs.as_ref().ok_or_else(|| {
                err("« methode = \"seuils\" » demande « valeurs = [...] »".into())
            })?;
            let mut thresholds = Vec::with_capacity(values.len());
            for v in values {
                thresholds.push(match v {
                    ThresholdSpec::Value(x) => Threshold {
                        value: x.get(),
                        name: None,
                    },
                    ThresholdSpec::Named(n) => match references.iter().find(|r| r.key == n) {
                        Some(r) => Threshold {
                            value: r.value,
                            name: Some(r.name.clone()),
                        },
                        None => {
                            let keys: Vec<&str> = references.iter().map(|r| r.key).collect();
                            return Err(err(format!("seuil inconnu « {n} »")).hint(format!(
                                "seuils possibles : un nombre{}",
                                keys.iter()
                                    .map(|k| format!(", « {k} »"))
                                    .collect::<String>()
                            )));
                        }
                    },
                });
            }
            // Given thresholds keep every class, even an empty one: "0 EPCI under
            // both references" is a finding the legend must show.
            return Classes::new(thresholds);
        }
        ClassMethod::Quantiles => Method::Quantiles,
        ClassMethod::Egales => Method::EqualIntervals,
        ClassMethod::SeuilsNaturels => Method::NaturalBreaks,
        ClassMethod::Q6 => Method::Q6,
        ClassMethod::MoyenneEcartType => Method::MeanSd {
            k: spec.k.map_or(1.0, Positive::get),
            central: spec.classe_centrale.unwrap_or(true),
        },
        ClassMethod::Geometrique => Method::Geometric,
        ClassMethod::Arithmetique => Method::Arithmetic,
    };
    if spec.valeurs.is_some() {
        return Err(err(
            "« valeurs » ne va qu'avec « methode = \"seuils\" »".into()
        ));
    }
    let series: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
    let found = classify::pooled(&series, &method, spec.nombre)
        .map_err(|e| query.place(e, &classes.span()))?;
    notices.extend(found.notices);
    Ok(found.classes)
}

/// The colours of the classes, lowest first.
pub(super) fn class_colors(
    query: &Query,
    palette: Palette,
    span: &Range<usize>,
    classes: &Classes,
    center: f64,
) -> Result<Vec<String>> {
    let n = classes.len();
    let colors = palette.colours(classes, center);
    colors.ok_or_else(|| {
        query
            .error_at(span, format!("{n} classes : trop pour cette palette"))
            .hint("demandez moins de classes (« nombre = 5 ») : au-delà de 7, les teintes ne se distinguent plus")
    })
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
    if cov.level == Level::Departement {
        return Err(query
            .error_at(
                &query.spec.territoire.niveau.span(),
                "carte au niveau département non disponible",
            )
            .hint("cartographiez les communes ou les EPCI"));
    }
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
    sorties: &Spanned<Vec<String>>,
    (width, dpi): (u32, u32),
    out_dir: &Path,
) -> Result<Drawn> {
    let svg = render::choropleth_svg(chart);
    let paths = Picture {
        svg: &svg,
        png: &|| render::choropleth_png(chart, width),
        dpi,
    }
    .write_all(sorties.get_ref(), out_dir)?;
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

/// Writes a chart's SVG and PNG to its `sorties`: the files, and the report's figure.
pub(super) fn chart_figure(
    chart: &crate::query::ChartSpec,
    svg: String,
    out_dir: &Path,
) -> Result<Drawn> {
    let paths = Picture {
        svg: &svg,
        png: &|| render::svg_to_png(&svg, chart.largeur_png),
        dpi: chart.dpi_png,
    }
    .write_all(chart.sorties.get_ref(), out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: chart.titre.clone(),
            svg,
        },
    ))
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

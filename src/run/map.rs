//! The choropleth of a query: classes, shapes, legend, SVG and PNG.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{Coverage, Drawn, Row, Section, vintage};
use crate::classify::palette::Palette;
use crate::classify::{self, Classes, Method, Threshold};
use crate::error::{Error, Result};
use crate::export::{
    AttrValue, ExportFeature, OutputFormat, OutputKind, write_atomic, write_geojson,
    write_geopackage, write_shapefile,
};
use crate::format;
use crate::format::code_list;
use crate::geometry::{self, InsetFrame, Layer, MapCrs};
use crate::indicators::Cell;
use crate::indicators::reference::Comparison;
use crate::ingest::builtin;
use crate::query::{
    ClassMethod, ClassesSpec, EpciReach, MapSpec, OUT_OF_BOUNDS, Positive, Query, SymbolSpec,
    ThresholdSpec,
};
use crate::render::{
    self, ChoroplethMap, Distribution, FeatureClass, LegendClass, MapFeature, ProportionalSymbols,
    Symbol,
};
use crate::territory::contours::move_contours;
use crate::territory::{Level, Territory};
use geo::{InteriorPoint, MultiPolygon};

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

/// The shapes a map of a level draws: its territories, the inset frames (national maps), and
/// the outline of the selection's départements where territories of the map reach beyond them.
pub(super) struct LevelShapes {
    pub layer: Layer,
    pub frames: Vec<InsetFrame>,
    pub departements: Vec<MultiPolygon<f64>>,
    /// The legend's line naming the communes of the selection the contours lack (drawn blank).
    pub unshaped: Option<String>,
}

/// The shapes of the territories of `level` (communes, or EPCI read or dissolved), in the
/// map's system (see [`LevelShapes`]).
pub(super) fn level_shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<String>,
) -> Result<LevelShapes> {
    let shapes = shapes(query, territory, level, notices)?;
    let layer = match level {
        Level::Epci | Level::Zone => shapes
            .epci
            .expect("EPCI or zone shapes are read or dissolved"),
        _ => shapes.communes,
    };
    Ok(LevelShapes {
        layer,
        frames: shapes.frames,
        departements: shapes.departements,
        unshaped: shapes.unshaped,
    })
}

/// Whether the commune `code` belongs to a map of `deps`: it is in one of them, or in an
/// EPCI that has a commune in one of them (Beaune for the Saône-et-Loire).
fn in_selection(territory: &Territory, deps: &[String], code: &str) -> bool {
    let listed = |d: &str| deps.iter().any(|x| x == d);
    match territory.communes.get(code) {
        Some(c) => {
            listed(&c.departement)
                || c.epci.as_ref().is_some_and(|e| {
                    territory.epcis[e.as_str()]
                        .departements
                        .iter()
                        .any(|d| listed(d))
                })
        }
        // A code of an older vintage: its département is its prefix.
        None => deps.iter().any(|d| code.starts_with(d.as_str())),
    }
}

/// The shapes of a map, in its system.
struct Shapes {
    communes: Layer,
    /// The EPCI, or the zones of a map by zone.
    epci: Option<Layer>,
    /// See [`LevelShapes::unshaped`].
    unshaped: Option<String>,
    frames: Vec<InsetFrame>,
    /// See [`departement_outlines`].
    departements: Vec<MultiPolygon<f64>>,
}

/// Reads, projects and (if needed) dissolves the shapes of the query's level. The map is
/// drawn in Lambert-93 for metropolitan France, in its own UTM zone for a DROM, and with
/// the DROM in insets for a selection that holds both.
fn shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<String>,
) -> Result<Shapes> {
    let t = &query.spec.territoire;
    // Without [contours], the built-in communes of France, of the COG 2026 only.
    let (path, layer, property) = match &query.spec.contours {
        Some(c) => (
            c.communes.get_ref().as_str(),
            c.couche_communes.as_deref(),
            c.propriete_code.as_str(),
        ),
        None if t.vintage() == builtin::VINTAGE => (builtin::CONTOURS, None, "code"),
        None => {
            return Err(query
                .error_at(
                    &t.millesime.span(),
                    format!(
                        "une carte au COG {} demande une section [contours] (les contours intégrés sont ceux du COG {})",
                        t.vintage(),
                        builtin::VINTAGE
                    ),
                )
                .hint("ajoutez [contours] avec « communes = \"…geojson\" » de ce millésime"));
        }
    };
    let system = geometry::map_crs(query.spec.territoire.departements.get_ref());
    let read = |path: &str, layer: Option<&str>, property: &str| {
        geometry::read_layer(Path::new(path), layer, property, Some("nom"))
    };
    let mut communes = read(path, layer, property)?;
    // Insets frame the DROM of the selection around its metropolitan extent (the communes of
    // other départements would add empty boxes and shrink the map), and the built-in contours
    // hold all of France: only the communes of the selection are kept.
    if system == MapCrs::Insets || query.spec.contours.is_none() {
        let deps = query.spec.territoire.departements.get_ref();
        communes
            .features
            .retain(|f| in_selection(territory, deps, &f.code));
    }
    let (mut communes, frames) = geometry::project_for_map(communes, system)?;
    let contours = query.spec.contours.as_ref();
    if let Some(moves) = vintage::moves(
        query,
        territory,
        contours.and_then(|c| c.millesime.as_ref()),
    )? {
        communes = move_contours(communes, &moves, notices);
    }
    // The groups of communes drawn: the zones of a map by zone, the EPCI otherwise. EPCI reduced to
    // their communes in the selection, like zones, are drawn from those communes only.
    let group = match level {
        Level::Zone => Level::Zone,
        _ => Level::Epci,
    };
    let from_communes = level == Level::Zone || t.epci_debordants == EpciReach::Communes;
    let dissolved = |notices: &mut Vec<String>| {
        let group_of: HashMap<String, String> = territory
            .communes
            .values()
            .filter_map(|c| {
                territory
                    .parent(&c.code, group)
                    .map(|e| (c.code.clone(), e.to_string()))
            })
            .collect();
        let (layer, report) = geometry::dissolve(&communes, &group_of);
        // A zoning, or EPCI reduced to the selection, cover its départements at most: the communes
        // around them are in none.
        let deps = query.spec.territoire.departements.get_ref();
        let unassigned = report
            .unassigned
            .iter()
            .filter(|code| {
                !from_communes
                    || territory
                        .communes
                        .get(code.as_str())
                        .is_some_and(|c| deps.contains(&c.departement))
            })
            .count();
        if unassigned > 0 {
            notices.push(format!(
                "{unassigned} contour(s) de commune sans {} non fusionnés",
                group.noun()
            ));
        }
        layer
    };
    let given_epci = contours.and_then(|c| {
        c.epci
            .as_ref()
            .map(|p| (p, c.couche_epci.as_deref(), &c.propriete_siren))
    });
    let departements = departement_outlines(query, territory, level, &communes);
    let unshaped = unshaped(query, territory, &communes, notices);
    let epci = match (given_epci, system) {
        // Zones, and EPCI reduced to their communes in the selection, are drawn from those communes.
        _ if from_communes && level != Level::Commune => Some(dissolved(notices)),
        (Some((p, layer, siren)), MapCrs::Single(crs)) => {
            Some(geometry::to_crs(read(p.get_ref(), layer, siren)?, crs)?)
        }
        // EPCI in insets come from their communes, whose codes say their département.
        (Some(_), MapCrs::Insets) => Some(dissolved(notices)),
        (None, _) if level != Level::Commune => Some(dissolved(notices)),
        (None, _) => None,
    };
    Ok(Shapes {
        communes,
        epci,
        frames,
        departements,
        unshaped,
    })
}

/// The communes of the query's départements that `communes` has no shape for (a commune recreated
/// since the contours were drawn, whose land the file gives to the commune it left): never silent,
/// they are said in the notes, and the legend's line this returns names them.
fn unshaped(
    query: &Query,
    territory: &Territory,
    communes: &Layer,
    notices: &mut Vec<String>,
) -> Option<String> {
    let deps = query.spec.territoire.departements.get_ref();
    let drawn: HashSet<&str> = communes.features.iter().map(|f| f.code.as_str()).collect();
    let missing: Vec<String> = territory
        .communes
        .values()
        .filter(|c| deps.contains(&c.departement) && !drawn.contains(c.code.as_str()))
        .map(|c| format!("{} {}", c.code, c.name))
        .collect();
    if missing.is_empty() {
        return None;
    }
    let named = code_list(&missing);
    notices.push(format!(
        "{} commune(s) de la sélection sans contour propre dans le fichier des contours (recréée(s) depuis, ou absente(s)) : leur territoire reste dessiné avec la commune qui le tient dans le fichier, ou en blanc : {named}",
        missing.len()
    ));
    Some(format!("Sans contour propre : {named}"))
}

/// The outline of the selection's départements, for a map of EPCI one of which reaches beyond
/// them: the reader sees where the schéma's territory ends. None otherwise.
fn departement_outlines(
    query: &Query,
    territory: &Territory,
    level: Level,
    communes: &Layer,
) -> Vec<MultiPolygon<f64>> {
    let deps = query.spec.territoire.departements.get_ref();
    let listed = |d: &String| deps.contains(d);
    let beyond = level == Level::Epci
        && territory
            .epcis
            .values()
            .any(|e| e.departements.iter().any(listed) && !e.departements.iter().all(listed));
    if !beyond {
        return Vec::new();
    }
    let departement_of: HashMap<String, String> = communes
        .features
        .iter()
        .filter_map(|f| {
            let c = territory.communes.get(&f.code)?;
            listed(&c.departement).then(|| (f.code.clone(), c.departement.clone()))
        })
        .collect();
    let (layer, _) = geometry::dissolve(communes, &departement_of);
    layer.features.into_iter().map(|f| f.geometry).collect()
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
    let Shapes {
        communes,
        epci,
        frames,
        departements,
        unshaped,
    } = shapes(query, territory, cov.level, notices)?;
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
    let by_code: HashMap<&str, &geometry::Feature> = fill_layer
        .features
        .iter()
        .map(|f| (f.code.as_str(), f))
        .collect();
    let mut counts = vec![0usize; classes.len()];
    let mut features = Vec::with_capacity(cov.rows.len());
    let mut without_shape = Vec::new();
    for row in &cov.rows {
        let Some(shape) = by_code.get(row.unit.code.as_str()) else {
            without_shape.push(row.unit.code.clone());
            continue;
        };
        let class = feature_class(row.rate, &classes, &mut counts);
        features.push(MapFeature {
            code: row.unit.code.clone(),
            name: row.unit.name.clone(),
            geometry: shape.geometry.clone(),
            class,
            value_label: row.rate.label(1),
        });
    }
    if !without_shape.is_empty() {
        notices.push(format!(
            "{} territoire(s) sans contour, absents de la carte : {}",
            without_shape.len(),
            code_list(&without_shape)
        ));
    }
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
        let population = populations(territory, cov.level);
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
        let population = populations(territory, cov.level);
        chart.symbols = Some(circles(&chart.features, "Population municipale", |code| {
            population.get(code).copied()
        }));
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

/// Circles of `title` on `features`, each the size of `value(code)` (none without a value).
pub(super) fn circles(
    features: &[MapFeature],
    title: &str,
    value: impl Fn(&str) -> Option<f64>,
) -> ProportionalSymbols {
    let symbols = features
        .iter()
        .filter_map(|f| {
            let value = value(&f.code)?;
            Some(Symbol {
                code: f.code.clone(),
                name: f.name.clone(),
                anchor: f.geometry.interior_point()?,
                value,
                value_label: format::display(value, 0),
            })
        })
        .collect();
    ProportionalSymbols::new(title, symbols)
}

/// The class a value is drawn in, counted in `counts` (see [`class_of_cell`]).
pub(super) fn feature_class(cell: Cell, classes: &Classes, counts: &mut [usize]) -> FeatureClass {
    let class = class_of_cell(cell, classes);
    if let FeatureClass::Class(k) | FeatureClass::Approximate(k) = class {
        counts[k] += 1;
    }
    class
}

/// The class a value is drawn in: a value known between bounds in one class is drawn in it
/// with a mark, one between two classes is « incertain »; a secret, partial or missing value
/// has its own fill and no class.
pub(super) fn class_of_cell(cell: Cell, classes: &Classes) -> FeatureClass {
    match cell {
        Cell::Value(v) => FeatureClass::Class(classes.class_of(v)),
        Cell::Bounded { low, high } => match classes.class_of_bounds(low, high) {
            Ok(k) => FeatureClass::Approximate(k),
            Err(_) => FeatureClass::Uncertain,
        },
        Cell::Secret => FeatureClass::Secret,
        Cell::Partial => FeatureClass::Partial,
        Cell::Missing => FeatureClass::NoData,
    }
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
    .write_all(sorties, out_dir)?;
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

/// A map ready to be written: its SVG, and how to make its PNG (only when asked).
pub(super) struct Picture<'a> {
    pub svg: &'a str,
    pub png: &'a dyn Fn() -> Result<Vec<u8>>,
    pub dpi: u32,
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
    .write_all(&chart.sorties, out_dir)?;
    Ok((
        paths,
        Section::Figure {
            title: chart.titre.clone(),
            svg,
        },
    ))
}

impl Picture<'_> {
    /// Writes the figure to `path` as an SVG or a PNG.
    pub(super) fn write(&self, path: &Path, format: OutputFormat) -> Result<()> {
        match format {
            OutputFormat::Svg => write_atomic(path, self.svg.as_bytes()),
            OutputFormat::Png => write_atomic(path, &render::with_dpi(&(self.png)()?, self.dpi)?),
            other => unreachable!("{other:?} is not a figure: the plan checks output names"),
        }
    }

    /// Writes every output of a figure (SVG and PNG only).
    pub(super) fn write_all(
        &self,
        sorties: &Spanned<Vec<String>>,
        out_dir: &Path,
    ) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for name in sorties.get_ref() {
            let path = out_dir.join(name);
            self.write(&path, OutputFormat::of_planned(name, OutputKind::Figure))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Said under every legend: where a value equal to a threshold goes.
pub(super) const INTERVAL_NOTE: &str =
    "Classes fermées à gauche [a ; b[ : une valeur égale à un seuil est dans la classe supérieure";

/// Municipal population of every territory of `level` (label priority).
pub(super) fn populations(territory: &Territory, level: Level) -> HashMap<&str, f64> {
    let mut sums = HashMap::new();
    for c in territory.communes.values() {
        if let (Some(code), Some(p)) = (territory.parent(&c.code, level), c.population) {
            *sums.entry(code).or_insert(0.0) += p;
        }
    }
    sums
}

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

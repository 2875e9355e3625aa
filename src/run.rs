//! One query, start to end: territory, coverage, references, classes, then the
//! map and the priority list. The library entry point the CLI calls.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::classify::{palette, Classes, Threshold};
use crate::error::{Error, Result};
use crate::export::{write_atomic, Align, OutTable};
use crate::format;
use crate::geometry::{self, Layer};
use crate::indicators::cell::cells;
use crate::indicators::coverage::{self, Components, PUBLISHED_PARTS, RATE};
use crate::indicators::reference::Comparison;
use crate::indicators::Cell;
use crate::ingest::{self, CodeKind, ColumnKind, ColumnSpec, Table, TableSpec};
use crate::query::{
    CoverageMethod, MapSpec, Query, ReferenceSpec, ReferenceWord, Selection, ThresholdSpec,
};
use crate::render::{self, ChoroplethMap, FeatureClass, LegendClass, MapFeature};
use crate::territory::{Level, Territory, Unit};

/// What a run produced, for the summary printed to the user.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub outputs: Vec<PathBuf>,
    /// Things the user must know (excluded rows, unmatched codes, secrets).
    pub notices: Vec<String>,
    /// Territories per comparison class, in `Comparison::ALL` order.
    pub counts: Vec<(String, usize)>,
}

/// A territory with its coverage.
#[derive(Debug, Clone)]
pub struct Row {
    pub unit: Unit,
    pub rate: Cell,
    pub parts: Vec<Cell>,
    pub comparison: Option<Comparison>,
}

/// The computed result of a query, before any output is written.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub level: Level,
    pub year: u16,
    pub part_labels: Vec<String>,
    pub rows: Vec<Row>,
    pub departement: Reference,
    pub france: Reference,
    pub notices: Vec<String>,
}

/// A reference value, the territory it describes and how it was obtained.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub value: f64,
    /// "Puy-de-Dôme", "France".
    pub scope: String,
    /// "publiée", "calculée", "valeur de la requête".
    pub origin: &'static str,
}

/// Runs `query` and writes its outputs under `out_dir`.
pub fn run(query: &Query, out_dir: &Path) -> Result<Report> {
    let spec = &query.spec;
    let t = &spec.territoire;
    let territory = Territory::load(
        Path::new(t.communes.get_ref()),
        Path::new(t.liste_departements.get_ref()),
    )?;
    let coverage = compute(query, &territory)?;
    let mut report = Report {
        notices: coverage.notices.clone(),
        counts: Comparison::ALL
            .iter()
            .map(|c| {
                (
                    c.label().to_string(),
                    coverage
                        .rows
                        .iter()
                        .filter(|r| r.comparison == Some(*c))
                        .count(),
                )
            })
            .collect(),
        ..Report::default()
    };
    if let Some(map) = &spec.carte {
        let paths = map_outputs(
            query,
            map,
            &territory,
            &coverage,
            out_dir,
            &mut report.notices,
        )?;
        report.outputs.extend(paths);
    }
    if let Some(list) = &spec.liste {
        let table = priority_table(&coverage, list.selection);
        let title = list
            .titre
            .clone()
            .unwrap_or_else(|| default_list_title(&coverage, list.selection));
        for name in list.sorties.get_ref() {
            let path = out_dir.join(name);
            let bytes = match extension(name) {
                "csv" => table.to_csv(),
                "md" => markdown_list(&title, &table, &coverage).into_bytes(),
                _ => {
                    return Err(query
                        .error_at(
                            &list.sorties.span(),
                            format!("format de liste inconnu : « {name} »"),
                        )
                        .hint("extensions possibles : .csv, .md"))
                }
            };
            write_atomic(&path, &bytes)?;
            report.outputs.push(path);
        }
    }
    Ok(report)
}

/// Coverage of every territory of the query, with the references and classes.
pub fn compute(query: &Query, territory: &Territory) -> Result<Coverage> {
    let spec = &query.spec;
    let t = &spec.territoire;
    let level =
        Level::parse(t.niveau.get_ref()).map_err(|e| with_place(e, query, &t.niveau.span()))?;
    let deps = t.departements.get_ref();
    territory
        .check_departements(deps)
        .map_err(|e| with_place(e, query, &t.departements.span()))?;
    let units = territory.units(level, deps);
    if units.is_empty() {
        return Err(query.error_at(&t.departements.span(), "aucun territoire dans la sélection"));
    }
    let c = &spec.couverture;
    let caf = match &c.taux_caf {
        Some(p) => Some(ingest::read_table(
            Path::new(p.get_ref()),
            &ingest::layouts::txcouv(),
        )?),
        None => None,
    };
    let need_caf = |key: &str| {
        caf.as_ref().ok_or_else(|| {
            query
                .error_at(
                    &t.niveau.span(),
                    format!("« {key} » demande le fichier des taux Caf"),
                )
                .hint("ajoutez « taux_caf = \"data/caf/…csv\" » dans [couverture]")
        })
    };

    let (frame, part_columns, part_labels, mut notices, components) = match c.methode {
        CoverageMethod::TauxPublie => {
            let caf = need_caf("methode = \"taux_publie\"")?;
            let (frame, notices) = coverage::published(caf, level)?;
            let present: Vec<(&str, &str)> = PUBLISHED_PARTS
                .iter()
                .copied()
                .filter(|(p, _)| frame.column(p).is_ok())
                .collect();
            (
                frame,
                present.iter().map(|p| p.0.to_string()).collect::<Vec<_>>(),
                present.iter().map(|p| p.1.to_string()).collect::<Vec<_>>(),
                notices,
                None,
            )
        }
        CoverageMethod::RatioDeSommes => {
            let comp = c.composantes.as_ref().ok_or_else(|| {
                query
                    .error_at(
                        &t.niveau.span(),
                        "« methode = \"ratio_de_sommes\" » demande [couverture.composantes]",
                    )
                    .hint("décrivez le fichier et ses colonnes (voir le README)")
            })?;
            let table = read_components(comp)?;
            let cols = Components {
                commune: comp.commune.clone(),
                places: comp
                    .places
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                children: comp.enfants.clone(),
            };
            let (frame, notices) = coverage::from_components(&table, &cols, territory, level)?;
            let part_columns = cols
                .places
                .iter()
                .map(|p| format!("{RATE}_{}", p.0))
                .collect();
            let part_labels = cols.places.iter().map(|p| p.1.clone()).collect();
            (
                frame,
                part_columns,
                part_labels,
                notices,
                Some((table, cols)),
            )
        }
    };

    // Join the frame to the territories, reporting both sides of what did not match.
    let codes: Vec<String> = frame
        .column("code")?
        .str()?
        .iter()
        .map(|c| c.unwrap_or("").to_string())
        .collect();
    let rates = cells(&frame, RATE)?;
    let parts: Vec<Vec<Cell>> = part_columns
        .iter()
        .map(|p| cells(&frame, p))
        .collect::<Result<_>>()?;
    let index: HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let known_codes: BTreeSet<&str> = match level {
        Level::Commune => territory.communes.keys().map(String::as_str).collect(),
        Level::Epci => territory.epcis.keys().map(String::as_str).collect(),
        Level::Departement => territory.departements.keys().map(String::as_str).collect(),
    };
    let unknown: Vec<&str> = codes
        .iter()
        .map(String::as_str)
        .filter(|c| !known_codes.contains(c))
        .collect();
    if !unknown.is_empty() {
        notices.push(format!(
            "{} code(s) de niveau {} inconnus du COG {} ignorés : {}",
            unknown.len(),
            level.noun(),
            t.millesime,
            code_list(&unknown)
        ));
    }

    let departement = reference(
        query,
        &spec.couverture.reference_departement,
        deps,
        caf.as_ref(),
        components.as_ref(),
        territory,
        true,
    )?;
    let france = reference(
        query,
        &spec.couverture.reference_france,
        deps,
        caf.as_ref(),
        components.as_ref(),
        territory,
        false,
    )?;

    let mut rows = Vec::with_capacity(units.len());
    let mut without_data = Vec::new();
    let mut secret = Vec::new();
    for unit in units {
        let (rate, unit_parts) = match index.get(unit.code.as_str()) {
            Some(&i) => (rates[i], parts.iter().map(|p| p[i]).collect()),
            None => (Cell::Missing, vec![Cell::Missing; parts.len()]),
        };
        match rate {
            Cell::Missing => without_data.push(unit.code.clone()),
            Cell::Secret => secret.push(unit.code.clone()),
            Cell::Value(_) => {}
        }
        let comparison = Comparison::of(rate, departement.value, france.value);
        rows.push(Row {
            unit,
            rate,
            parts: unit_parts,
            comparison,
        });
    }
    if !without_data.is_empty() {
        notices.push(format!(
            "{} territoire(s) sans taux (« donnée absente ») : {}",
            without_data.len(),
            code_list(&without_data)
        ));
    }
    if !secret.is_empty() {
        notices.push(format!(
            "{} territoire(s) au taux secret : {}",
            secret.len(),
            code_list(&secret)
        ));
    }
    let spanning: Vec<String> = rows
        .iter()
        .filter(|r| r.unit.departements.len() > 1)
        .map(|r| format!("{} ({})", r.unit.name, r.unit.departements.join(", ")))
        .collect();
    if !spanning.is_empty() {
        notices.push(format!(
            "EPCI sur plusieurs départements, inclus en entier : {}",
            spanning.join(" ; ")
        ));
    }
    Ok(Coverage {
        level,
        year: c.annee,
        part_labels,
        rows,
        departement,
        france,
        notices,
    })
}

fn read_components(comp: &crate::query::ComponentsSpec) -> Result<Table> {
    let mut columns = vec![ColumnSpec {
        name: comp.commune.clone(),
        kind: ColumnKind::Code(CodeKind::Commune),
        required: true,
    }];
    for name in comp.places.keys().chain(std::iter::once(&comp.enfants)) {
        columns.push(ColumnSpec {
            name: name.clone(),
            kind: ColumnKind::Number,
            required: true,
        });
    }
    let spec = TableSpec {
        columns,
        secret_markers: comp.secret.clone(),
        unique: vec![comp.commune.clone()],
        sheet: None,
    };
    ingest::read_table(Path::new(comp.fichier.get_ref()), &spec)
}

/// Resolves a reference: given, published in the Caf file, or computed from the components.
fn reference(
    query: &Query,
    spec: &toml::Spanned<ReferenceSpec>,
    deps: &[String],
    caf: Option<&Table>,
    components: Option<&(Table, Components)>,
    territory: &Territory,
    departmental: bool,
) -> Result<Reference> {
    let key = if departmental {
        "reference_departement"
    } else {
        "reference_france"
    };
    let err = |msg: String| query.error_at(&spec.span(), msg);
    let dep = if departmental {
        match deps {
            [d] => Some(d.as_str()),
            _ => {
                return Err(
                    err("une référence départementale demande un seul département".into()).hint(
                        "faites une requête par département, ou donnez la valeur de référence",
                    ),
                )
            }
        }
    } else {
        None
    };
    let scope = match dep {
        Some(d) => territory
            .departements
            .get(d)
            .cloned()
            .unwrap_or_else(|| d.to_string()),
        None => "France".to_string(),
    };
    let (cell, how) = match spec.get_ref() {
        ReferenceSpec::Value(v) => (Cell::Value(*v), "valeur de la requête"),
        ReferenceSpec::Word(ReferenceWord::Publiee) => {
            let caf = caf.ok_or_else(|| {
                err(format!(
                    "« {key} = \"publiee\" » demande le fichier des taux Caf"
                ))
            })?;
            let cell = match dep {
                Some(d) => coverage::published_reference(caf, "dep", Some(d))?,
                None => coverage::published_reference(caf, "nat", None)?,
            };
            (cell, "publiée")
        }
        ReferenceSpec::Word(ReferenceWord::Calculee) => {
            let (table, cols) = components.ok_or_else(|| {
                err(format!(
                    "« {key} = \"calculee\" » demande la méthode « ratio_de_sommes »"
                ))
            })?;
            let (frame, _) = coverage::from_components(table, cols, territory, Level::Departement)?;
            let codes: Vec<Option<&str>> = frame.column("code")?.str()?.iter().collect();
            let rate = cells(&frame, RATE)?;
            let cell = match dep {
                Some(d) => codes
                    .iter()
                    .position(|c| *c == Some(d))
                    .map_or(Cell::Missing, |i| rate[i]),
                // France: ratio of the sums over every département of the file.
                None => national_ratio(&frame)?,
            };
            (cell, "calculée")
        }
    };
    match cell {
        Cell::Value(value) => Ok(Reference {
            value,
            scope,
            origin: how,
        }),
        Cell::Secret => Err(err(format!("la référence {scope} est secrète"))
            .hint("donnez sa valeur dans la requête")),
        Cell::Missing => Err(err(format!("la référence {scope} est absente des données"))
            .hint("donnez sa valeur dans la requête")),
    }
}

/// The ratio of the summed places over the summed children of every row.
fn national_ratio(frame: &polars::prelude::DataFrame) -> Result<Cell> {
    let children = cells(frame, coverage::CHILDREN)?;
    let rates = cells(frame, RATE)?;
    let mut num = 0.0;
    let mut den = 0.0;
    for (c, r) in children.iter().zip(&rates) {
        match (c, r) {
            (Cell::Secret, _) | (_, Cell::Secret) => return Ok(Cell::Secret),
            (Cell::Value(c), Cell::Value(r)) => {
                num += r * c / 100.0;
                den += c;
            }
            _ => return Ok(Cell::Missing),
        }
    }
    Ok(if den > 0.0 {
        Cell::Value(100.0 * num / den)
    } else {
        Cell::Missing
    })
}

/// A list of codes for a notice, cut after a dozen so a commune map's notice stays readable.
fn code_list<S: AsRef<str>>(codes: &[S]) -> String {
    const SHOWN: usize = 12;
    let head: Vec<&str> = codes.iter().take(SHOWN).map(AsRef::as_ref).collect();
    if codes.len() > SHOWN {
        format!("{}… ({} au total)", head.join(", "), codes.len())
    } else {
        head.join(", ")
    }
}

fn with_place(e: Error, query: &Query, span: &std::ops::Range<usize>) -> Error {
    let placed = query.error_at(span, e.message);
    match e.hint {
        Some(h) => placed.hint(h),
        None => placed,
    }
}

fn extension(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(_, e)| e)
}

/// Resolves the classes of the map: numbers and named references.
fn map_classes(query: &Query, map: &MapSpec, cov: &Coverage) -> Result<Classes> {
    let mut thresholds = Vec::new();
    for v in map.classes.valeurs.get_ref() {
        thresholds.push(match v {
            ThresholdSpec::Value(x) => Threshold {
                value: *x,
                name: None,
            },
            ThresholdSpec::Named(n) if n == "reference:departement" => Threshold {
                value: cov.departement.value,
                name: Some("référence départementale".into()),
            },
            ThresholdSpec::Named(n) if n == "reference:france" => Threshold {
                value: cov.france.value,
                name: Some("référence nationale".into()),
            },
            ThresholdSpec::Named(n) => return Err(query
                .error_at(
                    &map.classes.valeurs.span(),
                    format!("seuil inconnu « {n} »"),
                )
                .hint(
                    "seuils possibles : un nombre, « reference:departement », « reference:france »",
                )),
        });
    }
    Classes::new(thresholds)
}

/// Reads, projects and (if needed) dissolves the shapes of the query's level.
fn shapes(
    query: &Query,
    territory: &Territory,
    level: Level,
    notices: &mut Vec<String>,
) -> Result<(Layer, Option<Layer>)> {
    let contours = query.spec.contours.as_ref().ok_or_else(|| {
        query
            .error_at(
                &query.spec.territoire.niveau.span(),
                "une carte demande une section [contours]",
            )
            .hint("ajoutez [contours] avec « communes = \"data/geo/…geojson\" »")
    })?;
    let communes = geometry::to_lambert93(geometry::read_layer(
        Path::new(contours.communes.get_ref()),
        &contours.propriete_code,
        Some("nom"),
    )?)?;
    let epci = match &contours.epci {
        Some(p) => Some(geometry::to_lambert93(geometry::read_layer(
            Path::new(p.get_ref()),
            &contours.propriete_siren,
            Some("nom"),
        )?)?),
        None if level != Level::Commune => {
            let group_of: HashMap<String, String> = territory
                .communes
                .values()
                .filter_map(|c| {
                    territory
                        .parent(&c.code, Level::Epci)
                        .map(|e| (c.code.clone(), e.to_string()))
                })
                .collect();
            let (layer, report) = geometry::dissolve(&communes, &group_of);
            if !report.unassigned.is_empty() {
                notices.push(format!(
                    "{} contour(s) de commune sans EPCI non fusionnés",
                    report.unassigned.len()
                ));
            }
            Some(layer)
        }
        None => None,
    };
    Ok((communes, epci))
}

fn map_outputs(
    query: &Query,
    map: &MapSpec,
    territory: &Territory,
    cov: &Coverage,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Vec<PathBuf>> {
    let classes = map_classes(query, map, cov)?;
    let colors = palette::diverging(classes.len()).ok_or_else(|| {
        query.error_at(
            &map.classes.valeurs.span(),
            "trop de classes pour une carte lisible (7 au plus)",
        )
    })?;
    let (communes, epci) = shapes(query, territory, cov.level, notices)?;
    if cov.level == Level::Departement {
        return Err(query
            .error_at(
                &query.spec.territoire.niveau.span(),
                "carte au niveau département non disponible",
            )
            .hint("cartographiez les communes ou les EPCI"));
    }
    let (fill_layer, outline_layer) = match cov.level {
        Level::Epci => (
            epci.as_ref().expect("EPCI shapes are read or dissolved"),
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
        let class = match row.rate {
            Cell::Value(v) => {
                let k = classes.class_of(v);
                counts[k] += 1;
                FeatureClass::Class(k)
            }
            Cell::Secret => FeatureClass::Secret,
            Cell::Missing => FeatureClass::NoData,
        };
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
    let selected: BTreeSet<&str> = cov.rows.iter().map(|r| r.unit.code.as_str()).collect();
    let outlines = match outline_layer {
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
    debug_assert!(features.iter().all(|f| selected.contains(f.code.as_str())));
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
    let chart = ChoroplethMap {
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
        ],
        source: map.source.clone(),
    };
    let svg = render::choropleth_svg(&chart);
    let mut written = Vec::new();
    for name in map.sorties.get_ref() {
        let path = out_dir.join(name);
        match extension(name) {
            "svg" => write_atomic(&path, svg.as_bytes())?,
            "png" => write_atomic(&path, &render::svg_to_png(&svg, map.largeur_png)?)?,
            _ => {
                return Err(query
                    .error_at(
                        &map.sorties.span(),
                        format!("format de carte inconnu : « {name} »"),
                    )
                    .hint("extensions possibles : .svg, .png"))
            }
        }
        written.push(path);
    }
    Ok(written)
}

fn default_list_title(cov: &Coverage, selection: Selection) -> String {
    let (plural, noun) = (cov.level.plural(), cov.level.noun());
    match selection {
        Selection::SousLesDeuxReferences => format!(
            "{} sous les deux références de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        Selection::SousUneReference => format!(
            "{} sous au moins une référence de taux de couverture, {}",
            capitalise(plural),
            cov.year
        ),
        Selection::Toutes => format!("Taux de couverture par {noun}, {}", cov.year),
    }
}

/// The priority list: selected territories, lowest rate first (secret and
/// missing ones last, when the selection keeps every territory).
pub fn priority_table(cov: &Coverage, selection: Selection) -> OutTable {
    let keep = |r: &Row| match selection {
        Selection::SousLesDeuxReferences => r.comparison == Some(Comparison::BelowBoth),
        Selection::SousUneReference => matches!(
            r.comparison,
            Some(Comparison::BelowBoth | Comparison::BelowOne)
        ),
        Selection::Toutes => true,
    };
    let mut rows: Vec<&Row> = cov.rows.iter().filter(|r| keep(r)).collect();
    rows.sort_by(|a, b| match (a.rate.value(), b.rate.value()) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.unit.code.cmp(&b.unit.code)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.unit.code.cmp(&b.unit.code),
    });
    let mut headers = vec![
        ("Rang".to_string(), Align::Right),
        ("Code".to_string(), Align::Left),
        (capitalise(cov.level.noun()), Align::Left),
        ("Départements".to_string(), Align::Left),
        ("Taux de couverture".to_string(), Align::Right),
    ];
    headers.extend(
        cov.part_labels
            .iter()
            .map(|l| (format!("dont {l}"), Align::Right)),
    );
    headers.push((
        "Écart à la référence départementale (points)".into(),
        Align::Right,
    ));
    headers.push((
        "Écart à la référence nationale (points)".into(),
        Align::Right,
    ));
    headers.push(("Position".into(), Align::Left));
    let gap = |r: &Row, reference: f64| {
        r.rate
            .value()
            .map_or_else(|| r.rate.label(1), |v| format::decimal(v - reference, 1))
    };
    let body = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![
                (i + 1).to_string(),
                r.unit.code.clone(),
                r.unit.name.clone(),
                r.unit.departements.join(", "),
                r.rate.label(1),
            ];
            cells.extend(r.parts.iter().map(|p| p.label(1)));
            cells.push(gap(r, cov.departement.value));
            cells.push(gap(r, cov.france.value));
            cells.push(match (r.comparison, r.rate) {
                (Some(c), _) => c.label().to_string(),
                (None, Cell::Secret) => "secret statistique".to_string(),
                (None, _) => "donnée absente".to_string(),
            });
            cells
        })
        .collect();
    OutTable {
        headers,
        rows: body,
    }
}

fn markdown_list(title: &str, table: &OutTable, cov: &Coverage) -> String {
    let mut out = table.to_markdown(Some(title));
    out.push_str(&format!(
        "\nRéférences : {} {} ({}) ; {} {} ({}). Taux en places pour 100 enfants de moins de 3 ans.\n",
        cov.departement.scope,
        format::display(cov.departement.value, 1),
        cov.departement.origin,
        cov.france.scope,
        format::display(cov.france.value, 1),
        cov.france.origin,
    ));
    if table.rows.is_empty() {
        out.push_str("\nAucun territoire dans cette sélection.\n");
    }
    if !cov.notices.is_empty() {
        out.push_str("\nNotes :\n\n");
        for n in &cov.notices {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}

fn capitalise(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

//! A `[panier]` query: the services of an inventory counted per EPCI and year, the
//! panier's completeness, what each EPCI lacks, the gaps to the norms, and the share of
//! EPCI covered per service over the years; as tables, a map and a chart.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::aggregate::{self, add, sum_by_unit};
use super::class_map::{class_map, Classed, Legend, NamedClass};
use super::map::Picture;
use super::{code_list, select_units, write_tables, Drawn, Report, Section};
use crate::classify::palette::{self, Sequential};
use crate::error::{Error, Result};
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::panier::inventory::{self, Columns, Inventory, Place};
use crate::panier::norm::{Gap, Norm};
use crate::panier::{Counts, Names, Panier, Requirement, ServiceKind, Summary};
use crate::query::{ChartSpec, ClassMapSpec, NormSpec, PanierSpec, Query};
use crate::render::{self, FeatureClass, Series, ShareChart};
use crate::territory::moves::{Fate, Movements, Moves};
use crate::territory::{Level, Territory, Unit};

/// A norm of the query and the population it applies to.
struct NormPopulation {
    norm: Norm,
    /// "enfants de moins de 6 ans".
    label: String,
    /// Per unit, in `units` order.
    values: Vec<Cell>,
}

/// Everything computed, before any output is written.
struct Diagnostic<'a> {
    spec: &'a PanierSpec,
    panier: Panier,
    units: Vec<Unit>,
    /// The years asked, in order; the last is the year of the gap table and the map.
    years: Vec<u16>,
    /// Year → EPCI → counts.
    counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    /// Kinds shown: the panier's, then the others present in the territory.
    kinds: Vec<ServiceKind>,
    summaries: Vec<Summary>,
    norms: Vec<NormPopulation>,
    /// Services of the inventory outside the territory: a line of text each.
    outside: Vec<String>,
}

impl Diagnostic<'_> {
    fn year(&self) -> u16 {
        *self.years.last().expect("years are checked not empty")
    }

    fn counts_of(&self, year: u16, code: &str) -> Counts {
        self.counts
            .get(&year)
            .and_then(|c| c.get(code))
            .cloned()
            .unwrap_or_default()
    }
}

pub(super) fn run_panier(
    query: &Query,
    spec: &PanierSpec,
    territory: &Territory,
    out_dir: &Path,
) -> Result<Report> {
    let (level, units) = select_units(query, territory)?;
    if level != Level::Epci {
        return Err(query
            .error_at(
                &query.spec.territoire.niveau.span(),
                "le panier de services se calcule par EPCI",
            )
            .hint("écrivez « niveau = \"epci\" » dans [territoire]"));
    }
    let panier = panier(query, spec)?;
    let years = years(query, spec)?;
    let mut notices = Vec::new();
    let names = Names::new(spec.synonymes.iter().map(|(n, k)| (n.as_str(), *k)));
    let inventory = inventory::read(
        Path::new(spec.inventaire.get_ref()),
        &Columns {
            code: spec.colonne_code.clone(),
            kind: spec.colonne_type.clone(),
            year: spec.colonne_annee.clone(),
            count: spec.colonne_nombre.clone(),
            name: spec.colonne_nom.clone(),
        },
        &names,
    )?;
    report_set_aside(&inventory, &mut notices);
    let placed = place(query, &inventory, territory, &units, &years)?;
    notices.extend(placed.notices);

    let mut kinds: Vec<ServiceKind> = panier.requirements.iter().map(|r| r.kind).collect();
    let present: BTreeSet<ServiceKind> = placed
        .counts
        .values()
        .flat_map(|by_unit| by_unit.values().flat_map(|c| c.keys().copied()))
        .collect();
    let others: Vec<ServiceKind> = present
        .into_iter()
        .filter(|k| !panier.contains(*k))
        .collect();
    if !others.is_empty() {
        notices.push(format!(
            "services hors du panier, comptés dans les effectifs sans jouer sur la complétude : {}",
            kind_list(&others)
        ));
    }
    kinds.extend(others);
    let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let empty = BTreeMap::new();
    let summaries = years
        .iter()
        .map(|&y| {
            Summary::new(
                &panier,
                y,
                &codes,
                placed.counts.get(&y).unwrap_or(&empty),
                &kinds,
            )
        })
        .collect();
    let norms = spec
        .normes
        .iter()
        .map(|n| norm_population(query, n, territory, &units, &mut notices))
        .collect::<Result<_>>()?;

    let diagnostic = Diagnostic {
        spec,
        panier,
        units,
        years,
        counts: placed.counts,
        kinds,
        summaries,
        norms,
        outside: placed.outside,
    };
    let mut report = Report {
        counts: diagnostic
            .summaries
            .iter()
            .map(|s| (format!("au panier complet en {}", s.year), s.complete))
            .collect(),
        title: spec.titre.clone(),
        ..Report::default()
    };
    if let Some(map) = &spec.carte {
        let drawn = missing_map(query, map, territory, &diagnostic, out_dir, &mut notices)?;
        report.add(drawn);
    }
    if let Some(chart) = &spec.graphique {
        let svg = render::share_chart_svg(&share_chart(&diagnostic, chart));
        let paths = Picture {
            svg: &svg,
            png: &|| render::svg_to_png(&svg, chart.largeur_png),
            dpi: chart.dpi_png,
        }
        .write_all(query, &chart.sorties, out_dir)?;
        report.add((
            paths,
            Section::Figure {
                title: chart.titre.clone(),
                svg,
            },
        ));
    }
    let gaps = gap_table(&diagnostic);
    let shares = share_table(&diagnostic);
    let tables = std::iter::once((&spec.sorties, &gaps, "Panier par EPCI"))
        .chain(spec.synthese.iter().map(|s| (s, &shares, "Synthèse")));
    for (sorties, table, sheet) in tables {
        let paths = write_tables(query, sorties, out_dir, table, sheet, &|| {
            markdown(&diagnostic, &gaps, &shares, &notices)
        })?;
        report.outputs.extend(paths);
    }
    report.sections.push(Section::Table {
        title: "Part des EPCI couverts par service".to_string(),
        table: shares,
    });
    report.sections.push(Section::Table {
        title: format!("Panier par EPCI en {}", diagnostic.year()),
        table: gaps,
    });
    report.notices = notices;
    Ok(report)
}

/// A norm of the query and its population per EPCI, summed from its file.
fn norm_population(
    query: &Query,
    n: &NormSpec,
    territory: &Territory,
    units: &[Unit],
    notices: &mut Vec<String>,
) -> Result<NormPopulation> {
    if !n.une_pour.is_finite() || n.une_pour <= 0.0 {
        return Err(query
            .error_at(
                &n.fichier.span(),
                "« une_pour » doit être un nombre positif",
            )
            .hint("par exemple « une_pour = 3500 » : un service pour 3 500 personnes"));
    }
    if n.colonnes.get_ref().is_empty() {
        return Err(query
            .error_at(&n.colonnes.span(), "« colonnes » est vide")
            .hint("nommez la ou les colonnes dont la somme est la population, par exemple [\"ENF_2\", \"ENF_3_5\"]"));
    }
    let columns: Vec<&str> = n.colonnes.get_ref().iter().map(String::as_str).collect();
    let sums = sum_by_unit(
        query,
        &aggregate::Source {
            file: Path::new(n.fichier.get_ref()),
            code_column: &n.colonne_code,
            file_level: n.niveau_fichier,
            columns: &columns,
            secret: &n.secret,
            role: &format!("de population de la norme {}", n.service.label()),
            vintage: n.millesime_fichier.as_ref(),
        },
        territory,
        Level::Epci,
        units,
        notices,
    )?;
    Ok(NormPopulation {
        norm: Norm {
            kind: n.service,
            per: n.une_pour,
            rounding: n.arrondi,
        },
        label: n.population.clone(),
        values: units
            .iter()
            .map(|u| {
                sums.get(&u.code).map_or(Cell::Missing, |s| {
                    s.iter().copied().fold(Cell::Value(0.0), add)
                })
            })
            .collect(),
    })
}

/// The composition of the query: services named once, minimums positive.
fn panier(query: &Query, spec: &PanierSpec) -> Result<Panier> {
    let span = spec.composition.span();
    let err = |msg: String| {
        query
            .error_at(&span, msg)
            .hint("composition = [{ service = \"reaap\" }, { service = \"laep\" }, { service = \"clas\" }]")
    };
    let mut requirements: Vec<Requirement> = Vec::new();
    for r in spec.composition.get_ref() {
        if requirements.iter().any(|q| q.kind == r.service) {
            return Err(err(format!(
                "service « {} » nommé deux fois dans la composition",
                r.service.key()
            )));
        }
        if !r.minimum.is_finite() || r.minimum <= 0.0 {
            return Err(err(format!(
                "minimum de « {} » : un nombre positif est attendu",
                r.service.key()
            )));
        }
        requirements.push(Requirement {
            kind: r.service,
            minimum: r.minimum,
        });
    }
    if requirements.is_empty() {
        return Err(err("composition du panier vide".into()));
    }
    Ok(Panier { requirements })
}

/// The years of the query: at least one, each once, in increasing order.
fn years(query: &Query, spec: &PanierSpec) -> Result<Vec<u16>> {
    let years = spec.annees.get_ref().clone();
    if years.is_empty() || years.windows(2).any(|w| w[0] >= w[1]) {
        return Err(query
            .error_at(
                &spec.annees.span(),
                "« annees » : au moins une année, chacune une fois, dans l'ordre",
            )
            .hint("par exemple « annees = [2019, 2022] » ; la dernière est celle du tableau et de la carte"));
    }
    Ok(years)
}

/// Unknown types and repeated rows, said with their lines.
fn report_set_aside(inventory: &Inventory, notices: &mut Vec<String>) {
    let source = inventory.source.display();
    if !inventory.unknown_kinds.is_empty() {
        let rows: usize = inventory.unknown_kinds.values().map(Vec::len).sum();
        let kinds: Vec<String> = inventory
            .unknown_kinds
            .iter()
            .map(|(name, lines)| format!("« {name} » (ligne(s) {})", line_list(lines)))
            .collect();
        notices.push(format!(
            "{source} : {rows} ligne(s) d'un type de service inconnu, non comptées : {} ; \
             corrigez le type ou déclarez-le dans [panier.synonymes]",
            kinds.join(", ")
        ));
    }
    if !inventory.duplicates.is_empty() {
        let pairs: Vec<String> = inventory
            .duplicates
            .iter()
            .map(|(line, first)| format!("ligne {line} (= ligne {first})"))
            .collect();
        notices.push(format!(
            "{source} : {} ligne(s) en double, comptée(s) une fois : {}",
            pairs.len(),
            code_list(&pairs)
        ));
    }
}

fn line_list(lines: &[usize]) -> String {
    let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
    code_list(&lines)
}

/// The services counted per year and EPCI, those outside the territory, and what
/// the user must know of the rows not counted.
struct Placed {
    counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    outside: Vec<String>,
    notices: Vec<String>,
}

/// Places every service in its EPCI of the query's vintage. A code the COG does not
/// know is an error; a service outside the territory, or of another year, is reported.
fn place(
    query: &Query,
    inventory: &Inventory,
    territory: &Territory,
    units: &[Unit],
    years: &[u16],
) -> Result<Placed> {
    let selected: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    let vintage = query.spec.territoire.millesime;
    let mut placed = Placed {
        counts: BTreeMap::new(),
        outside: Vec::new(),
        notices: Vec::new(),
    };
    let mut other_years: BTreeMap<u16, usize> = BTreeMap::new();
    // With a movements table, a row's commune is of its year's COG and moves to the query's.
    let movements = match &query.spec.territoire.mouvements {
        Some(path) => Some(Movements::shared(Path::new(path.get_ref()))?),
        None => None,
    };
    let mut moves_by_year: HashMap<u16, Moves> = HashMap::new();
    let mut moved = Vec::new();
    for entry in &inventory.entries {
        let unknown = || {
            Error::new(format!(
                "code inconnu du COG {vintage} : « {} »",
                entry.place.code()
            ))
            .file(&inventory.source)
            .line(entry.line)
            .code(entry.place.code())
            .hint("corrigez le code ; une commune fusionnée prend le code de la commune nouvelle")
        };
        let epci = match &entry.place {
            Place::Commune(c) => {
                let code = match (&movements, entry.year < vintage) {
                    (Some(m), true) => {
                        let moves = match moves_by_year.entry(entry.year) {
                            Entry::Occupied(o) => o.into_mut(),
                            Entry::Vacant(v) => {
                                v.insert(m.between(entry.year, vintage, territory)?)
                            }
                        };
                        match moves.fate(c) {
                            Fate::Same => c.clone(),
                            Fate::Moved(to) => {
                                moved.push(format!("ligne {} : {c} → {to}", entry.line));
                                to
                            }
                            // A service is in one place: the part that kept most of the people.
                            Fate::Split(parts) => {
                                let to = parts
                                    .iter()
                                    .max_by(|a, b| a.1.total_cmp(&b.1))
                                    .map(|p| p.0.clone())
                                    .expect("a split has parts");
                                moved.push(format!("ligne {} : {c} → {to} (commune partagée depuis, la plus peuplée)", entry.line));
                                to
                            }
                            Fate::Unknown(why) => {
                                return Err(unknown().hint(format!(
                                    "{c} : {why} ; corrigez le code de cette ligne"
                                )))
                            }
                        }
                    }
                    _ => c.clone(),
                };
                let commune = territory.communes.get(&code).ok_or_else(unknown)?;
                commune.epci.as_deref()
            }
            Place::Epci(s) => Some(territory.epcis.get(s).ok_or_else(unknown)?.siren.as_str()),
        };
        if !years.contains(&entry.year) {
            *other_years.entry(entry.year).or_default() += 1;
            continue;
        }
        match epci {
            Some(e) if selected.contains(e) => {
                *placed
                    .counts
                    .entry(entry.year)
                    .or_default()
                    .entry(e.to_string())
                    .or_default()
                    .entry(entry.kind)
                    .or_default() += entry.count;
            }
            _ => placed.outside.push(outside_line(entry, epci, territory)),
        }
    }
    if !moved.is_empty() {
        placed.notices.push(format!(
            "{} : {} service(s) d'une commune fusionnée ou recodée depuis l'année de la ligne, rattaché(s) à sa commune du COG {vintage} : {}",
            inventory.source.display(),
            moved.len(),
            code_list(&moved)
        ));
    }
    if !other_years.is_empty() {
        let rows: usize = other_years.values().sum();
        let list: Vec<String> = other_years
            .iter()
            .map(|(y, n)| format!("{y} : {n}"))
            .collect();
        placed.notices.push(format!(
            "{} : {rows} service(s) d'autres années que celles de la requête, non comptés ({})",
            inventory.source.display(),
            list.join(", ")
        ));
    }
    if !placed.outside.is_empty() {
        placed.notices.push(format!(
            "{} : {} service(s) hors du territoire de la requête, non comptés : {}",
            inventory.source.display(),
            placed.outside.len(),
            code_list(&placed.outside)
        ));
    }
    Ok(placed)
}

/// "ligne 12 : Laep 2022, 03185 Vichy (EPCI 200071942 Vichy Communauté)".
fn outside_line(entry: &inventory::Entry, epci: Option<&str>, territory: &Territory) -> String {
    let place = match &entry.place {
        Place::Commune(c) => {
            let name = territory.communes.get(c).map_or("", |c| c.name.as_str());
            format!("{c} {name}")
        }
        Place::Epci(s) => format!("EPCI {s}"),
    };
    let epci = match (epci, &entry.place) {
        (_, Place::Epci(_)) => String::new(),
        (None, _) => " (commune sans EPCI)".to_string(),
        (Some(e), _) => format!(
            " (EPCI {e} {})",
            territory.epcis.get(e).map_or("", |x| x.name.as_str())
        ),
    };
    format!(
        "ligne {} : {} {}, {place}{epci}",
        entry.line,
        entry.kind.label(),
        entry.year
    )
}

/// The gaps of each EPCI for the last year: its services, what it lacks, its norms;
/// EPCI lacking the most first.
fn gap_table(d: &Diagnostic) -> OutTable {
    let year = d.year();
    let mut headers = vec![
        ("Code EPCI".to_string(), Align::Left),
        ("EPCI".to_string(), Align::Left),
        ("Département(s)".to_string(), Align::Left),
    ];
    headers.extend(
        d.kinds
            .iter()
            .map(|k| (format!("{} {year}", k.label()), Align::Right)),
    );
    headers.push((format!("Panier complet {year}"), Align::Left));
    headers.push((format!("Services manquants {year}"), Align::Left));
    headers.push(("Nombre de services manquants".to_string(), Align::Right));
    for y in &d.years[..d.years.len() - 1] {
        headers.push((format!("Panier complet {y}"), Align::Left));
    }
    for NormPopulation {
        norm,
        label: population,
        ..
    } in &d.norms
    {
        let label = norm.kind.label();
        headers.push((super::capitalise(population), Align::Right));
        let per = format::display(norm.per, 0);
        headers.push((format!("{label} théoriques (1 pour {per})"), Align::Right));
        headers.push((format!("{label} attendus selon la norme"), Align::Right));
        headers.push((format!("{label} manquants selon la norme"), Align::Right));
    }

    let mut rows: Vec<(usize, Vec<String>)> = d
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let counts = d.counts_of(year, &u.code);
            let missing = d.panier.missing(&counts);
            let mut row = vec![u.code.clone(), u.name.clone(), u.departements.join(", ")];
            row.extend(
                d.kinds
                    .iter()
                    .map(|k| format::compact(counts.get(k).copied().unwrap_or(0.0))),
            );
            row.push(yes_no(missing.is_empty()));
            row.push(if missing.is_empty() {
                "aucun".to_string()
            } else {
                kind_list(&missing)
            });
            row.push(missing.len().to_string());
            for &y in &d.years[..d.years.len() - 1] {
                row.push(yes_no(
                    d.panier.missing(&d.counts_of(y, &u.code)).is_empty(),
                ));
            }
            for NormPopulation { norm, values, .. } in &d.norms {
                let existing = counts.get(&norm.kind).copied().unwrap_or(0.0);
                let Gap {
                    theoretical,
                    needed,
                    missing,
                } = norm.gap(values[i], existing);
                row.push(values[i].label(0));
                row.push(theoretical.label(2));
                row.push(number(needed));
                row.push(number(missing));
            }
            (missing.len(), row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1[0].cmp(&b.1[0])));
    OutTable {
        headers,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    }
}

/// Per service (and the whole panier), EPCI covered and their share, year by year.
fn share_table(d: &Diagnostic) -> OutTable {
    let mut headers = vec![("Service".to_string(), Align::Left)];
    for s in &d.summaries {
        headers.push((format!("EPCI couverts {}", s.year), Align::Right));
        headers.push((format!("Part des EPCI {} (%)", s.year), Align::Right));
    }
    let mut rows = Vec::new();
    let mut row = vec![format!("Panier complet ({})", kind_list(&panier_kinds(d)))];
    for s in &d.summaries {
        row.push(s.complete.to_string());
        row.push(format::decimal(s.share(s.complete), 1));
    }
    rows.push(row);
    for (i, k) in d.kinds.iter().enumerate() {
        let mut row = vec![k.label().to_string()];
        for s in &d.summaries {
            let n = s.covered[i].1;
            row.push(n.to_string());
            row.push(format::decimal(s.share(n), 1));
        }
        rows.push(row);
    }
    OutTable { headers, rows }
}

/// The report: what the panier is, how many EPCI have it year by year, the shares per
/// service, the gap table, the services outside the territory, and the notes.
fn markdown(d: &Diagnostic, gaps: &OutTable, shares: &OutTable, notices: &[String]) -> String {
    let mut md = format!("# {}\n\n", d.spec.titre);
    let requirements: Vec<String> = d
        .panier
        .requirements
        .iter()
        .map(|r| {
            if r.minimum == 1.0 {
                r.kind.label().to_string()
            } else {
                format!(
                    "{} (au moins {})",
                    r.kind.label(),
                    format::compact(r.minimum)
                )
            }
        })
        .collect();
    md.push_str(&format!(
        "Panier de services parentalité : au moins un service de chaque type parmi {}.\n\n",
        requirements.join(", ")
    ));
    let last = d.summaries.last().expect("years are checked not empty");
    let mut sentence = format!(
        "En {}, {} EPCI sur {} ont un panier complet ({})",
        last.year,
        last.complete,
        last.territories,
        format::percent(last.share(last.complete) / 100.0)
    );
    for s in d.summaries.iter().rev().skip(1) {
        sentence.push_str(&format!(
            ", contre {} ({}) en {}",
            s.complete,
            format::percent(s.share(s.complete) / 100.0),
            s.year
        ));
    }
    md.push_str(&sentence);
    md.push_str(".\n\n");
    md.push_str(&shares.to_markdown(Some("Part des EPCI couverts par service")));
    md.push('\n');
    md.push_str(&gaps.to_markdown(Some(&format!("Panier par EPCI en {}", d.year()))));
    if !d.outside.is_empty() {
        md.push_str("\n## Services hors du territoire (non comptés)\n\n");
        for line in &d.outside {
            md.push_str(&format!("- {line}\n"));
        }
    }
    md.push_str(&super::markdown_notes(notices));
    md
}

/// The EPCI coloured by the number of services missing from their panier, last year.
fn missing_map(
    query: &Query,
    map: &ClassMapSpec,
    territory: &Territory,
    d: &Diagnostic,
    out_dir: &Path,
    notices: &mut Vec<String>,
) -> Result<Drawn> {
    let size = d.panier.requirements.len();
    // One shade more than needed, the palest left out: "1 service manquant" must not
    // look empty.
    let oranges = palette::sequential(Sequential::Oranges, size + 1).ok_or_else(|| {
        query
            .error_at(
                &map.sorties.span(),
                format!("{size} services dans le panier : trop de classes pour une carte"),
            )
            .hint("une carte montre un panier de 1 à 8 services")
    })?;
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

/// The chart of the share of EPCI covered, per service and year.
fn share_chart(d: &Diagnostic, spec: &ChartSpec) -> ShareChart {
    let mut categories: Vec<String> = d.kinds.iter().map(|k| k.label().to_string()).collect();
    categories.push("Panier complet".to_string());
    ShareChart {
        title: spec.titre.clone(),
        subtitle: spec.sous_titre.clone(),
        categories,
        series: d
            .summaries
            .iter()
            .map(|s| Series {
                label: s.year.to_string(),
                shares: s
                    .covered
                    .iter()
                    .map(|(_, n)| s.share(*n))
                    .chain(std::iter::once(s.share(s.complete)))
                    .collect(),
            })
            .collect(),
        axis_title: format!("Part des {} EPCI couverts (%)", d.units.len()),
        source: spec.source.clone(),
    }
}

fn panier_kinds(d: &Diagnostic) -> Vec<ServiceKind> {
    d.panier.requirements.iter().map(|r| r.kind).collect()
}

fn kind_list(kinds: &[ServiceKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(b: bool) -> String {
    if b { "oui" } else { "non" }.to_string()
}

/// A count of services: whole, or with a decimal for part-time animators.
fn number(c: Cell) -> String {
    match c {
        Cell::Value(v) => format::compact(v),
        other => other.label(0),
    }
}

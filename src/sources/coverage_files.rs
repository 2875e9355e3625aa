//! The coverage of every territory of a query read from its files (the Cnaf's published rates,
//! or the components of the rate summed), joined to the COG, with its references.

use std::cell::OnceCell;
use std::path::Path;
use std::sync::Arc;

use super::evaluate_sources;
use super::vintage;
use crate::error::Result;
use crate::indicators::Cell;
use crate::indicators::coverage::{self, CommuneCells, Components, PUBLISHED_PARTS, RATE};
use crate::indicators::coverage_list::{Coverage, Reference, Row};
use crate::indicators::reference::Comparison;
use crate::indicators::vintage::move_cells;
use crate::ingest::files::{self, RowFilter};
use crate::ingest::{self, CodeKind, ColumnKind, ColumnSpec, Quantity, Table, TableSpec};
use crate::notice::Notice;
use crate::query::{
    ComponentsSpec, CoverageMethod, CoverageSpec, Query, ReferenceSpec, ReferenceWord, SourceLevel,
};
use crate::territory::{Level, Territory, str_col, unit_numbers};

/// Coverage of every territory of the query, with the references and classes.
pub fn compute(query: &Query, c: &CoverageSpec, territory: &Territory) -> Result<Coverage> {
    let spec = &query.spec;
    let t = &spec.territoire;
    let selection = query.selection(territory)?;
    let (level, units) = (selection.level, &selection.units[..]);
    let deps = t.departements.get_ref();
    let caf = match &c.taux_caf {
        Some(files) => {
            let tables: Vec<Arc<Table>> = files
                .get_ref()
                .paths()
                .iter()
                .map(|p| ingest::read_shared(Path::new(p), &ingest::layouts::txcouv()))
                .collect::<Result<_>>()?;
            for table in &tables {
                coverage::check_published(table, c.annee)?;
            }
            Some(CafFiles {
                tables,
                year: c.annee,
                prevailing: c.prioritaire.as_ref().map(|p| Path::new(p.get_ref())),
            })
        }
        None => None,
    };

    // Per unit, the rate and its parts.
    let (by_unit, part_labels, mut notices, components) = match c.methode {
        CoverageMethod::Published => {
            let caf = caf
                .as_ref()
                .expect("the rates of « taux_publie »: checked by the plan");
            let present = caf.parts(level)?;
            let parts: Vec<&str> = present.iter().map(|p| p.0).collect();
            let files = c.taux_caf.as_ref().expect("read above");
            let plan = query.published_rates_plan(
                files,
                c.prioritaire.as_ref(),
                caf.year(),
                level,
                &parts,
            );
            let mut notices = Vec::new();
            for table in &caf.tables {
                notices.extend(coverage::technical_row_notice(table, level)?);
            }
            let values = evaluate_sources(query, &plan, &selection, &mut notices)?.values;
            let by_unit: Vec<(Cell, Vec<Cell>)> = (0..values.territories())
                .map(|u| {
                    let cells = values.of_territory(u);
                    (cells[0], cells[1..].to_vec())
                })
                .collect();
            let labels = present.iter().map(|p| p.1.to_string()).collect();
            (by_unit, labels, notices, None)
        }
        CoverageMethod::RatioOfSums => {
            let comp = c
                .composantes
                .as_ref()
                .expect("the components of « ratio_de_sommes »: checked by the plan");
            let cols = Components {
                commune: comp.commune.clone(),
                places: comp
                    .places
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                children: comp.enfants.clone(),
            };
            let components = read_components(query, territory, comp, &cols)?;
            let (rows, read_notices) = components.as_ref();
            let mut notices = read_notices.clone();
            let computed = coverage::from_components(rows, &cols, territory, level)?;
            let numbers = unit_numbers(&territory.codes(level), units);
            let (rates, parts) = (&computed.rates, 1..=cols.places.len());
            let by_unit = numbers
                .iter()
                .map(|t| match t.and_then(|t| computed.rank_of(t)) {
                    Some(i) => (
                        rates.get(i, 0),
                        parts.clone().map(|p| rates.get(i, p)).collect(),
                    ),
                    None => (Cell::Missing, vec![Cell::Missing; parts.clone().count()]),
                })
                .collect();
            notices.extend(computed.notices);
            let labels = cols.places.iter().map(|p| p.1.clone()).collect();
            (by_unit, labels, notices, Some((components, cols)))
        }
    };

    let data = ReferenceData {
        deps,
        caf: caf.as_ref(),
        components: components.as_ref(),
        territory,
        by_departement: OnceCell::new(),
    };
    // What the selection says of itself comes first.
    notices.splice(0..0, selection.notices.iter().cloned());
    let departement = reference(query, &c.reference_departement, &data, true, &mut notices)?;
    let france = reference(query, &c.reference_france, &data, false, &mut notices)?;

    let mut rows = Vec::with_capacity(units.len());
    let mut without_data = Vec::new();
    let mut secret = Vec::new();
    for (u, (unit, (rate, unit_parts))) in selection.units.iter().zip(by_unit).enumerate() {
        match rate {
            // The components are summed by the engine, not by a source: never partial.
            Cell::Missing | Cell::Partial => without_data.push(unit.code.clone()),
            Cell::Secret => secret.push(unit.code.clone()),
            Cell::Value(_) | Cell::Bounded { .. } => {}
        }
        let comparison = Comparison::of(rate, departement.value, france.value);
        rows.push(Row {
            unit: u,
            rate,
            parts: unit_parts,
            comparison,
        });
    }
    // The engine has said which territories the published file lacks.
    if !without_data.is_empty() && c.methode == CoverageMethod::RatioOfSums {
        notices.push(Notice::WithoutRate {
            codes: without_data,
        });
    }
    if !secret.is_empty() {
        notices.push(Notice::SecretRate { codes: secret });
    }
    let spanning: Vec<(String, Vec<String>)> = (selection.units.iter())
        .filter(|u| u.departements.len() > 1)
        .map(|u| (u.name.clone(), u.departements.clone()))
        .collect();
    if !spanning.is_empty() {
        notices.push(Notice::EpcisAcross { epcis: spanning });
    }
    Ok(Coverage {
        level,
        year: c.annee,
        part_labels,
        units: selection.units,
        rows,
        departement,
        france,
        notices,
    })
}

/// The Cnaf rates files of `[couverture] taux_caf`, read and checked.
struct CafFiles<'a> {
    tables: Vec<Arc<Table>>,
    year: u16,
    prevailing: Option<&'a Path>,
}

impl CafFiles<'_> {
    /// The year whose rows are read, when every file says each row's year (the portal's
    /// files hold every year; the simplified layout may be of one year, without `annee`).
    fn year(&self) -> Option<u16> {
        self.tables
            .iter()
            .all(|t| t.df.column("annee").is_ok())
            .then_some(self.year)
    }

    /// The published parts, with their labels, of the files with rows of `level`.
    fn parts(&self, level: Level) -> Result<Vec<(&'static str, &'static str)>> {
        let word = coverage::caf_level(level);
        let mut of_level = Vec::new();
        for table in &self.tables {
            if str_col(&table.df, "niveau")?
                .iter()
                .any(|w| w == Some(word))
            {
                of_level.push(table);
            }
        }
        Ok(PUBLISHED_PARTS
            .iter()
            .copied()
            .filter(|(p, _)| {
                !of_level.is_empty() && of_level.iter().all(|t| t.df.column(p).is_ok())
            })
            .collect())
    }

    /// The published rate of a reference row (`dep` with its code, or `nat`), from the
    /// file that has the rows of its level and year.
    fn reference(
        &self,
        niveau: &str,
        code: Option<&str>,
        notices: &mut Vec<Notice>,
    ) -> Result<Cell> {
        let files: Vec<&Path> = self.tables.iter().map(|t| t.source.as_path()).collect();
        let mut found = Vec::new();
        let rows = files::RowsRequest {
            files: &files,
            spec: &ingest::layouts::txcouv(),
            filter: RowFilter {
                level: Some(("niveau", niveau)),
                year: self.year().map(|y| ("annee", y)),
            },
            prevailing: self.prevailing,
            compared: ("code", &[RATE]),
        }
        .read_if_any(&mut found)?;
        notices.extend(found);
        match rows {
            Some(rows) => coverage::published_reference(
                &Table {
                    source: rows.table.source.clone(),
                    df: rows.df,
                    restored: rows.table.restored.clone(),
                    formats_unread: rows.table.formats_unread,
                },
                niveau,
                code,
            ),
            // No file has the level's rows: said as a reference row absent.
            None => coverage::published_reference(&self.tables[0], niveau, code),
        }
    }
}

/// A components file on the query's communes, with what was said of it reading it.
type ReadComponents = (CommuneCells, Vec<Notice>);

/// The components file, on the query's communes when it is of an older vintage (with the
/// notice of what moved).
fn read_components(
    query: &Query,
    territory: &Territory,
    comp: &ComponentsSpec,
    cols: &Components,
) -> Result<Arc<ReadComponents>> {
    let mut columns = vec![ColumnSpec {
        name: comp.commune.clone(),
        kind: ColumnKind::Code(CodeKind::Commune),
        required: true,
    }];
    for name in comp.places.keys().chain(std::iter::once(&comp.enfants)) {
        columns.push(ColumnSpec {
            name: name.clone(),
            kind: ColumnKind::Number(Quantity::Count),
            required: true,
        });
    }
    let spec = TableSpec {
        columns,
        secret_markers: comp.secret.clone(),
        unique: vec![comp.commune.clone()],
        sheet: None,
    };
    let t = &query.spec.territoire;
    let path = Path::new(comp.fichier.get_ref());
    let files = [
        path,
        t.communes_file(),
        t.departements_file(),
        t.movements_file(),
    ];
    let vintage = comp.millesime_fichier.as_ref();
    let from = vintage.map(|v| *v.get_ref());
    let variant = format!("{spec:?} {from:?} → {}", t.vintage());
    // Read, and moved to the query's communes, once for the three levels of a year.
    crate::once::per_files(&files, &variant, || {
        let table = ingest::read_table(path, &spec)?;
        let mut notices = Vec::new();
        let Some(moves) =
            vintage::file_moves(query, territory, vintage, Some(SourceLevel::Commune))?
        else {
            return Ok((CommuneCells::of_table(&table, cols, territory)?, notices));
        };
        let inputs = cols.inputs();
        let moved = move_cells(&table, &cols.commune, &inputs, &moves, &mut notices)?;
        Ok((moved, notices))
    })
}

/// What a reference may be taken from: the Caf files, or the components to compute it.
struct ReferenceData<'a> {
    deps: &'a [String],
    caf: Option<&'a CafFiles<'a>>,
    components: Option<&'a (Arc<ReadComponents>, Components)>,
    territory: &'a Territory,
    /// The coverage of the départements from the components, found once for both references.
    by_departement: OnceCell<coverage::ComponentCoverage>,
}

/// Resolves a reference: given, published in the Caf file, or computed from the components.
fn reference(
    query: &Query,
    spec: &toml::Spanned<ReferenceSpec>,
    data: &ReferenceData,
    departmental: bool,
    notices: &mut Vec<Notice>,
) -> Result<Reference> {
    let ReferenceData {
        deps,
        caf,
        components,
        territory,
        by_departement,
    } = data;
    let err = |msg: String| query.error_at(&spec.span(), msg);
    // A value given for several départements is the reference of them all.
    if let (true, [_, _, ..], ReferenceSpec::Value(v)) = (departmental, deps, spec.get_ref()) {
        return Ok(Reference {
            value: v.get(),
            scope: "départements de la requête".to_string(),
            origin: "valeur de la requête",
        });
    }
    let dep = match (departmental, deps) {
        (true, [d]) => Some(d.as_str()),
        (true, _) => unreachable!("a departmental reference of several: refused by the plan"),
        (false, _) => None,
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
        ReferenceSpec::Value(v) => (Cell::Value(v.get()), "valeur de la requête"),
        ReferenceSpec::Word(ReferenceWord::Published) => {
            let caf = caf.expect("the rates of a published reference: checked by the plan");
            let cell = match dep {
                Some(d) => caf.reference("dep", Some(d), notices)?,
                None => caf.reference("nat", None, notices)?,
            };
            (cell, "publiée")
        }
        ReferenceSpec::Word(ReferenceWord::Computed) => {
            let by_departement = match by_departement.get() {
                Some(computed) => computed,
                None => {
                    let (components, cols) = components
                        .expect("the components of a computed reference: checked by the plan");
                    let computed = coverage::from_components(
                        &components.0,
                        cols,
                        territory,
                        Level::Departement,
                    )?;
                    by_departement.get_or_init(|| computed)
                }
            };
            let numbers = territory.codes(Level::Departement);
            let cell = match dep {
                Some(d) => numbers
                    .binary_search(&d)
                    .ok()
                    .and_then(|t| by_departement.rank_of(t))
                    .map_or(Cell::Missing, |i| by_departement.rates.get(i, 0)),
                // France: the ratio of the sums over every département of the file.
                None => by_departement.overall,
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
        Cell::Bounded { .. } => Err(err(format!(
            "la référence {scope} n'est connue qu'entre deux bornes : {}",
            cell.table_label(1)
        ))
        .hint("donnez sa valeur dans la requête")),
        Cell::Missing => Err(err(format!("la référence {scope} est absente des données"))
            .hint("donnez sa valeur dans la requête")),
        Cell::Partial => Err(err(format!(
            "la référence {scope} ne couvre qu'une partie de ses communes"
        ))
        .hint("donnez sa valeur dans la requête")),
    }
}

//! The resolve step of plain indicators: the query's sources, indicators, maps and tables
//! turned into a typed plan, every name checked against the others and every error placed
//! at its line of the query file. Below it, nothing reads these keys again.

use std::collections::BTreeMap;

use toml::Spanned;

use super::indicators::{
    ColumnsSpec, IndicatorMapSpec, IndicatorSpec, IndicatorTableSpec, SourceLevel, SourceSpec,
};
use super::Query;
use crate::error::Result;
use crate::indicators::model::{ColumnRef, Indicator, Kind};
use crate::territory::Level;

/// A source of the plan, with the columns its indicators read.
#[derive(Debug)]
pub struct PlannedSource<'q> {
    pub name: &'q str,
    pub spec: &'q SourceSpec,
    /// Where the query declares it, for errors about its file.
    pub line: usize,
    pub columns: Vec<String>,
}

/// A map of the plan: its indicator and, for circles, its stock.
#[derive(Debug)]
pub struct PlannedMap<'q> {
    pub spec: &'q IndicatorMapSpec,
    pub indicator: usize,
    pub symbols: Option<usize>,
}

/// A table of the plan: its indicators, and the one it is sorted by.
#[derive(Debug)]
pub struct PlannedTable<'q> {
    pub spec: &'q IndicatorTableSpec,
    pub indicators: Vec<usize>,
    pub sort: Option<usize>,
}

/// Everything a query of plain indicators computes and writes.
#[derive(Debug)]
pub struct IndicatorPlan<'q> {
    pub sources: Vec<PlannedSource<'q>>,
    pub indicators: Vec<Indicator>,
    pub maps: Vec<PlannedMap<'q>>,
    pub tables: Vec<PlannedTable<'q>>,
}

impl Query {
    /// The plan of the query's `[indicateurs]` at `level`, the query's level.
    pub fn indicator_plan(&self, level: Level) -> Result<IndicatorPlan<'_>> {
        let spec = &self.spec;
        let names: Vec<&str> = spec.sources.keys().map(String::as_str).collect();
        let mut sources: Vec<PlannedSource> = spec
            .sources
            .iter()
            .map(|(name, s)| {
                check_level(self, name, s, level)?;
                Ok(PlannedSource {
                    name,
                    spec: s,
                    line: self.line_at(&s.fichier.span()),
                    columns: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        let order: Vec<&String> = spec.indicateurs.keys().collect();
        let mut indicators = Vec::with_capacity(order.len());
        for (name, ind) in &spec.indicateurs {
            let kind = self.kind(
                name,
                ind,
                &names,
                &order,
                &spec.indicateurs,
                &sources,
                level,
            )?;
            indicators.push(Indicator {
                name: name.clone(),
                label: ind.get_ref().libelle.clone(),
                kind,
            });
        }
        for c in indicators.iter().flat_map(Indicator::columns) {
            let columns = &mut sources[c.source].columns;
            if !columns.contains(&c.column) {
                columns.push(c.column.clone());
            }
        }
        let find = |name: &Spanned<String>, what: &str| {
            order
                .iter()
                .position(|n| *n == name.get_ref())
                .ok_or_else(|| {
                    self.error_at(
                        &name.span(),
                        format!("{what} : indicateur inconnu « {} »", name.get_ref()),
                    )
                    .hint(format!("indicateurs de la requête : {}", list(&order)))
                })
        };
        let maps = spec
            .cartes
            .values()
            .map(|m| {
                let symbols = match &m.symboles {
                    Some(s) => {
                        let i = find(s, "symboles")?;
                        if !matches!(indicators[i].kind, Kind::Stock(_)) {
                            return Err(self
                                .error_at(&s.span(), format!("symboles : « {} » n'est pas un effectif", s.get_ref()))
                                .hint("des cercles proportionnels montrent un effectif (« stock = … »), pas un taux"));
                        }
                        Some(i)
                    }
                    None => None,
                };
                Ok(PlannedMap {
                    spec: m,
                    indicator: find(&m.indicateur, "carte")?,
                    symbols,
                })
            })
            .collect::<Result<_>>()?;
        let tables = spec
            .tableaux
            .values()
            .map(|t| {
                let listed = t.indicateurs.get_ref();
                let indicators = listed
                    .iter()
                    .map(|name| find(&Spanned::new(t.indicateurs.span(), name.clone()), "tableau"))
                    .collect::<Result<Vec<usize>>>()?;
                let sort = t.tri.as_ref().map(|s| find(s, "tri")).transpose()?;
                Ok(PlannedTable {
                    spec: t,
                    indicators,
                    sort,
                })
            })
            .collect::<Result<_>>()?;
        Ok(IndicatorPlan {
            sources,
            indicators,
            maps,
            tables,
        })
    }

    /// The kind of indicator `name`, from its keys.
    #[allow(clippy::too_many_arguments)]
    fn kind(
        &self,
        name: &str,
        ind: &Spanned<IndicatorSpec>,
        sources: &[&str],
        order: &[&String],
        all: &BTreeMap<String, Spanned<IndicatorSpec>>,
        planned: &[PlannedSource],
        level: Level,
    ) -> Result<Kind> {
        let span = ind.span();
        let spec = ind.get_ref();
        let err = |m: String| self.error_at(&span, format!("indicateur « {name} » : {m}"));
        let columns = |c: &ColumnsSpec| -> Result<Vec<ColumnRef>> {
            c.names()
                .into_iter()
                .map(|r| self.column(name, &span, r, sources))
                .collect()
        };
        let given = [
            spec.stock.is_some(),
            spec.numerateur.is_some() || spec.denominateur.is_some(),
            spec.publie.is_some(),
            spec.part_de.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(err("une sorte et une seule est attendue".into()).hint(
                "donnez « stock », ou « numerateur » et « denominateur », ou « publie », ou « part_de »",
            ));
        }
        if spec.echelle.is_some() && spec.numerateur.is_none() {
            return Err(err(
                "« echelle » ne va qu'avec « numerateur » et « denominateur »".into(),
            ));
        }
        if let Some(c) = &spec.stock {
            return Ok(Kind::Stock(columns(c)?));
        }
        if let Some(c) = &spec.publie {
            let column = self.column(name, &span, c, sources)?;
            let source = &planned[column.source];
            if !same_level(source.spec.niveau.get_ref(), level) {
                return Err(err(format!(
                    "valeur publiée par {} (source « {} »), demandée par {}",
                    level_noun(*source.spec.niveau.get_ref()),
                    source.name,
                    level.noun()
                ))
                .hint("une valeur publiée ne s'additionne pas d'un niveau à l'autre : donnez son numérateur et son dénominateur (« numerateur », « denominateur »), ou faites la requête à son niveau"));
            }
            return Ok(Kind::Published(column));
        }
        if let Some(of) = &spec.part_de {
            let Some(i) = order.iter().position(|n| *n == of) else {
                return Err(err(format!("« part_de » : indicateur inconnu « {of} »"))
                    .hint(format!("indicateurs de la requête : {}", list(order))));
            };
            if all[of.as_str()].get_ref().stock.is_none() {
                return Err(err(format!("« part_de » : « {of} » n'est pas un effectif"))
                    .hint("la part d'un total se calcule sur un effectif (« stock = … »)"));
            }
            return Ok(Kind::Share(i));
        }
        match (&spec.numerateur, &spec.denominateur) {
            (Some(n), Some(d)) => Ok(Kind::Ratio {
                numerator: columns(n)?,
                denominator: columns(d)?,
                scale: spec.echelle.unwrap_or(100.0),
            }),
            _ => Err(err(
                "« numerateur » et « denominateur » vont ensemble".into()
            )),
        }
    }

    /// `"caf.AM"` → the column `AM` of the source `caf`.
    fn column(
        &self,
        indicator: &str,
        span: &std::ops::Range<usize>,
        reference: &str,
        sources: &[&str],
    ) -> Result<ColumnRef> {
        let err = |m: String| self.error_at(span, format!("indicateur « {indicator} » : {m}"));
        let Some((source, column)) = reference.split_once('.') else {
            return Err(err(format!("colonne « {reference} » sans sa source"))
                .hint("écrivez « source.COLONNE », ex. « caf.AM »"));
        };
        let Some(i) = sources.iter().position(|s| *s == source) else {
            return Err(err(format!("source inconnue « {source} »"))
                .hint(format!("sources de la requête : {}", list(sources))));
        };
        Ok(ColumnRef {
            source: i,
            column: column.to_string(),
        })
    }
}

/// A source can be summed into the query's territories only from a finer level, or taken
/// at its own.
fn check_level(query: &Query, name: &str, source: &SourceSpec, level: Level) -> Result<()> {
    let from = *source.niveau.get_ref();
    let fine = matches!(from, SourceLevel::Iris | SourceLevel::Commune);
    if fine || same_level(&from, level) {
        return Ok(());
    }
    Err(query
        .error_at(
            &source.niveau.span(),
            format!(
                "source « {name} » par {}, requête par {} : ses lignes ne s'additionnent pas en {}",
                level_noun(from),
                level.noun(),
                level.noun()
            ),
        )
        .hint("donnez une source par commune ou par IRIS, ou faites la requête au niveau de la source"))
}

fn same_level(source: &SourceLevel, level: Level) -> bool {
    matches!(
        (source, level),
        (SourceLevel::Commune, Level::Commune)
            | (SourceLevel::Epci, Level::Epci)
            | (SourceLevel::Departement, Level::Departement)
    )
}

fn level_noun(level: SourceLevel) -> &'static str {
    match level {
        SourceLevel::Iris => "IRIS",
        SourceLevel::Commune => "commune",
        SourceLevel::Epci => "EPCI",
        SourceLevel::Departement => "département",
    }
}

fn list<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        return "aucun".to_string();
    }
    names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

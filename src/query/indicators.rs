//! The keys of plain indicators: sources declared once by name, indicators declared once by
//! name, and the maps and tables that show them.
//!
//! ```toml
//! [sources.caf]
//! fichier = "data/caf/caf-iris-2020-5dep.csv"
//! niveau = "iris"
//! millesime = 2020
//!
//! [indicateurs.monoparents]
//! libelle = "Part des familles monoparentales parmi les familles avec enfants (%)"
//! numerateur = "caf.AM"
//! denominateur = ["caf.AM", "caf.ACAVENF"]
//!
//! [cartes.monoparents]
//! indicateur = "monoparents"
//! …
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::Query;
use super::bounds;
use super::numbers::{NonNegative, Positive};
use super::resolve::{PlannedSource, list};
use super::schema::{ClassMapSpec, ClassesSpec, ThresholdSpec};
use crate::classify::palette::Palette;
use crate::error::Result;
use crate::indicators::model::{ColumnRef, Kind};
use crate::indicators::secret_rule::SecretRule;
use crate::render::LegendLayout;
use crate::territory::Level;

/// `[sources.NOM]`: a table by territory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    pub fichier: Spanned<Files>,
    /// Of several files with rows of one level and year (the portal's « historique » and
    /// current datasets), the one that gives them.
    #[serde(default)]
    pub prioritaire: Option<Spanned<String>>,
    /// `iris`, `commune`, `epci` or `departement`: the level of its rows; `services`: an
    /// inventory of services.
    pub niveau: Spanned<SourceLevel>,
    /// COG vintage of its codes, when older than the query's (files by IRIS or commune).
    #[serde(default)]
    pub millesime: Option<Spanned<u16>>,
    /// Column of the territory codes (default `CODGEO`).
    #[serde(default = "super::schema::default_code_column")]
    pub colonne_code: String,
    /// Cell contents meaning *secret statistique* (default: an empty cell).
    #[serde(default = "super::schema::default_score_secret")]
    pub secret: Vec<String>,
    /// A file of several levels (the Cnaf's): the column that says each row's level (`com`,
    /// `epci`, `dep`, `reg`, `nat`). The rows of the query's level are its territories; those of
    /// `dep`, `reg` and `nat` give the published references.
    #[serde(default)]
    pub colonne_niveau: Option<String>,
    /// A file of several years: the column of each row's year (`annee` by default for an
    /// inventory), and the year whose rows are read.
    #[serde(default)]
    pub colonne_annee: Option<String>,
    #[serde(default)]
    pub annee: Option<Spanned<u16>>,
    /// The columns of an inventory of services (`niveau = "services"`), when not the default.
    #[serde(default)]
    pub services: Option<ServicesSpec>,
    /// A territory the file covers in part (some of its communes) is « partiel », without a
    /// value; `true` takes the sum of the communes present as its value (said in the notes).
    #[serde(default)]
    pub sommes_partielles: bool,
    /// What a hidden cell holds by the publisher's rule: sums touching hidden cells are then
    /// known between bounds, instead of secret.
    #[serde(default)]
    pub secret_bornes: Option<Spanned<SecretBoundsSpec>>,
}

/// `secret_bornes = { cellule = [0, 4], ligne = { A = [0, 99] } }`: a hidden cell of a row
/// otherwise published holds a count from 0 to 4; in a row hidden whole, column `A` holds one
/// from 0 to 99 (a column not listed stays secret there).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretBoundsSpec {
    #[serde(default)]
    pub cellule: Option<[NonNegative; 2]>,
    #[serde(default)]
    pub ligne: std::collections::BTreeMap<String, [NonNegative; 2]>,
}

impl SecretBoundsSpec {
    /// The domain's rule, its bounds checked.
    pub fn rule(&self) -> std::result::Result<SecretRule, String> {
        let pair = |[low, high]: [NonNegative; 2]| (low.get(), high.get());
        SecretRule::new(
            self.cellule.map(pair),
            self.ligne
                .iter()
                .map(|(c, b)| (c.clone(), pair(*b)))
                .collect(),
        )
    }
}

/// `fichier`: one file, or several holding the levels or the years of one table (the Cnaf's
/// `txcouv_pe_epci`, `_dep` and `_nat`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Files {
    One(String),
    Several(Vec<String>),
}

impl Files {
    /// The one file of a method's own `fichier`, with its place in the query.
    pub fn one(file: &Spanned<String>) -> Spanned<Files> {
        Spanned::new(file.span(), Files::One(file.get_ref().clone()))
    }

    pub fn paths(&self) -> &[String] {
        match self {
            Files::One(p) => std::slice::from_ref(p),
            Files::Several(v) => v,
        }
    }

    pub fn paths_mut(&mut self) -> &mut [String] {
        match self {
            Files::One(p) => std::slice::from_mut(p),
            Files::Several(v) => v,
        }
    }
}

/// An inventory of services (one row per service, in a commune or an EPCI by its SIREN),
/// counted per territory and type for the source's `annee`: each type is a column of the
/// source (`services.laep`), zero where the inventory has none.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesSpec {
    #[serde(default = "super::schema::default_inventory_type")]
    pub colonne_type: String,
    /// Units of each row (animators, places); each row counts 1 without it.
    #[serde(default)]
    pub colonne_nombre: Option<String>,
    /// Name of the structure (tells two services of one commune apart).
    #[serde(default)]
    pub colonne_nom: Option<String>,
    /// Local names of services → the service they stand for.
    #[serde(default)]
    pub synonymes: std::collections::BTreeMap<String, crate::panier::ServiceKind>,
}

impl Default for ServicesSpec {
    fn default() -> Self {
        ServicesSpec {
            colonne_type: super::schema::default_inventory_type(),
            colonne_nombre: None,
            colonne_nom: None,
            synonymes: Default::default(),
        }
    }
}

impl SourceSpec {
    /// Its files, their paths joined to the query's folder.
    pub fn files(&self) -> Vec<&Path> {
        self.fichier
            .get_ref()
            .paths()
            .iter()
            .map(Path::new)
            .collect()
    }

    /// Of several files with the same rows, the one that gives them.
    pub fn prevailing(&self) -> Option<&Path> {
        self.prioritaire.as_ref().map(|p| Path::new(p.get_ref()))
    }

    /// The column of each row's year and the year read, for a file of several years (the
    /// resolve step has checked that both or neither are given, but for an inventory).
    pub fn year(&self) -> Option<(&str, u16)> {
        let year = *self.annee.as_ref()?.get_ref();
        match (&self.colonne_annee, self.niveau.get_ref()) {
            (Some(c), _) => Some((c.as_str(), year)),
            (None, SourceLevel::Services) => Some(("annee", year)),
            (None, _) => None,
        }
    }

    /// Whether its codes are of an older COG than the query's: its communes are moved first.
    pub fn older_than(&self, query: &super::Query) -> bool {
        self.millesime
            .as_ref()
            .is_some_and(|m| *m.get_ref() != query.spec.territoire.vintage())
    }
}

pub use crate::sources::SourceLevel;

/// One column (`"caf.AM"`) or the sum of several (`["caf.AM", "caf.ACAVENF"]`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ColumnsSpec {
    One(String),
    Sum(Vec<String>),
}

impl ColumnsSpec {
    pub fn names(&self) -> Vec<&str> {
        match self {
            ColumnsSpec::One(c) => vec![c.as_str()],
            ColumnsSpec::Sum(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// `[indicateurs.NOM]`: its kind is told by its keys, one kind each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    pub libelle: String,
    /// A count: columns summed.
    #[serde(default)]
    pub stock: Option<ColumnsSpec>,
    /// A ratio of sums, `echelle × Σ numerateur / Σ denominateur`.
    #[serde(default)]
    pub numerateur: Option<ColumnsSpec>,
    #[serde(default)]
    pub denominateur: Option<ColumnsSpec>,
    /// 100 (default) for a percentage, 1 000 for a rate per thousand.
    #[serde(default)]
    pub echelle: Option<Positive>,
    /// A value published at the query's level, taken as published.
    #[serde(default)]
    pub publie: Option<String>,
    /// The name of a stock indicator: its share (%) of the selection's total.
    #[serde(default)]
    pub part_de: Option<String>,
}

/// `[cartes.NOM]`: the choropleth of one indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorMapSpec {
    pub indicateur: Spanned<String>,
    pub titre: String,
    #[serde(default)]
    pub sous_titre: Option<String>,
    pub source: String,
    /// Thresholds may name `reference:selection`, `reference:departement`, `reference:region`,
    /// `reference:france`.
    pub classes: Spanned<ClassesSpec>,
    #[serde(default)]
    pub palette: Palette,
    /// Circles proportional to a stock indicator (its name).
    #[serde(default)]
    pub symboles: Option<Spanned<String>>,
    #[serde(default)]
    pub etiquettes: bool,
    #[serde(default)]
    pub legende: LegendLayout,
    pub sorties: Spanned<Vec<String>>,
    #[serde(
        default = "super::schema::default_png_width",
        deserialize_with = "bounds::png_width"
    )]
    pub largeur_png: u32,
    #[serde(
        default = "super::schema::default_png_dpi",
        deserialize_with = "bounds::png_dpi"
    )]
    pub dpi_png: u32,
}

/// `[tableaux.NOM]`: several indicators per territory, the selection's total last.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorTableSpec {
    pub titre: String,
    pub indicateurs: Spanned<Vec<String>>,
    /// The indicator rows are sorted by, highest first (default: the territories' codes).
    #[serde(default)]
    pub tri: Option<Spanned<String>>,
    #[serde(default)]
    pub ordre: crate::indicators::table::Order,
    /// Only the territories of at least this municipal population (COG of the query).
    #[serde(default)]
    pub population_min: Option<NonNegative>,
    /// Only the first N rows (after the sort); not with `derniers`.
    #[serde(default)]
    pub premiers: Option<Spanned<usize>>,
    /// Only the last N rows (after the sort).
    #[serde(default)]
    pub derniers: Option<Spanned<usize>>,
    /// Only the territories whose value of an indicator lies in a range.
    #[serde(default)]
    pub filtre: Option<Spanned<TableFilterSpec>>,
    /// Rows after the selection's: `departement` (the query's one département), `region`
    /// (its région), `france`.
    #[serde(default)]
    pub references: Vec<ReferenceRow>,
    pub sorties: Spanned<Vec<String>>,
}

/// `[chiffres.NOM]`: how many territories have `indicateur` between `au_moins` and `sous`
/// (each a number or a reference), or the share of the total in the first `premiers` of them
/// (an effectif or a part): « 12 EPCI sur 20 (60 %) … », « 55 % … dans 3 EPCI ».
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigureSpec {
    pub indicateur: Spanned<String>,
    #[serde(default)]
    pub au_moins: Option<ThresholdSpec>,
    #[serde(default)]
    pub sous: Option<ThresholdSpec>,
    #[serde(default)]
    pub premiers: Option<usize>,
}

/// `[priorites]`: the synthesis across axes. Each axis keeps the territories whose indicator is at
/// least `au_moins` and below `sous`, as a filter does; the table gives each territory's position on
/// every axis, the number of axes that make it a priority, and the reasons in words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesisSpec {
    pub titre: String,
    pub axes: Spanned<Vec<AxisSpec>>,
    /// The priority territories: those of at least this many axes (1 by default).
    #[serde(default)]
    pub au_moins_axes: Option<Spanned<usize>>,
    /// The table of every territory, most axes first (`.csv`, `.xlsx`, `.md`).
    pub sorties: Spanned<Vec<String>>,
    /// The map of the number of axes.
    #[serde(default)]
    pub carte: Option<ClassMapSpec>,
}

/// `{ libelle = "Couverture sous la référence", indicateur = "taux", sous = "reference:departement" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    pub libelle: String,
    pub indicateur: String,
    #[serde(default)]
    pub au_moins: Option<ThresholdSpec>,
    #[serde(default)]
    pub sous: Option<ThresholdSpec>,
}

/// `filtre = { indicateur = "taux", sous = "reference:departement" }`: the territories whose
/// value is at least `au_moins` and below `sous` (each a number or a reference, as map
/// thresholds name them), as the classes of a map, closed on the left.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFilterSpec {
    pub indicateur: String,
    #[serde(default)]
    pub au_moins: Option<ThresholdSpec>,
    #[serde(default)]
    pub sous: Option<ThresholdSpec>,
}

pub use crate::territory::reference_area::ReferenceRow;

/// An indicator's kind from its keys: adding a kind adds its key to [`IndicatorSpec`], its
/// reading here, and its variant and evaluation to `indicators::model::Kind`.
impl Query {
    /// The kind of indicator `name`, from its keys.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn kind(
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
            let names = c.names();
            if names.is_empty() {
                return Err(err("liste de colonnes vide".into())
                    .hint("nommez une colonne, ex. « caf.AM », ou plusieurs à additionner"));
            }
            if let Some(twice) = names
                .iter()
                .enumerate()
                .find_map(|(i, n)| names[..i].contains(n).then_some(n))
            {
                return Err(err(format!(
                    "colonne « {twice} » nommée deux fois : elle serait comptée deux fois"
                ))
                .hint("nommez chaque colonne une fois"));
            }
            names
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
            if *source.spec.niveau.get_ref() == SourceLevel::Services {
                return Err(err(format!(
                    "« {c} » compte des services : il n'est pas publié, il s'additionne"
                ))
                .hint(format!("écrivez « stock = \"{c}\" »")));
            }
            if !source.spec.niveau.get_ref().is(level) {
                return Err(err(format!(
                    "valeur publiée par {} (source « {} »), demandée par {}",
                    source.spec.niveau.get_ref().noun(),
                    source.name,
                    level.noun()
                ))
                .hint("une valeur publiée ne s'additionne pas d'un niveau à l'autre : donnez son numérateur et son dénominateur (« numerateur », « denominateur »), ou faites la requête à son niveau"));
            }
            return published(column, source, self, &err);
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
                scale: spec.echelle.map_or(100.0, Positive::get),
            }),
            _ => Err(err(
                "« numerateur » et « denominateur » vont ensemble".into()
            )),
        }
    }

    /// `"caf.AM"` → the column `AM` of the source `caf`.
    pub(super) fn column(
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

/// A value published by `source`, refused when the source's communes must be moved to the
/// query's COG (merged communes' rates do not add up); `err` places the error.
pub(super) fn published(
    column: ColumnRef,
    source: &PlannedSource,
    query: &Query,
    err: &dyn Fn(String) -> crate::error::Error,
) -> Result<Kind> {
    if let Some(vintage) = source
        .spec
        .millesime
        .as_ref()
        .filter(|_| source.spec.older_than(query))
    {
        return Err(err(format!(
            "valeur publiée sur le COG {} (source « {} »), requête sur le COG {}",
            vintage.get_ref(),
            source.name,
            query.spec.territoire.vintage()
        ))
        .hint("une valeur publiée ne passe pas d'un millésime à l'autre (les communes fusionnées ne s'additionnent pas) : donnez son numérateur et son dénominateur"));
    }
    Ok(Kind::Published(column))
}

//! The shape of a query file. Keys are French, as analysts write them; every
//! table refuses unknown keys.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::bounds;
use super::indicators::{
    Files, IndicatorMapSpec, IndicatorSpec, IndicatorTableSpec, KeyFigureSpec, ReferenceRow,
    SecretBoundsSpec, SourceLevel, SourceSpec, SynthesisSpec,
};
use super::numbers::{Finite, NonNegative, Positive};
use crate::classify::palette::Palette;
use crate::classify::{ClassRule, GivenThreshold, MethodName};
use crate::export::OutputKind;
use crate::indicators::flags::TestKind;
use crate::indicators::rank_sum::{Direction, Ties};
use crate::indicators::weighted_score::Normalisation;
use crate::ingest::builtin;
use crate::panier::ServiceKind;
use crate::panier::norm::Rounding;
use crate::render::LegendLayout;
use crate::territory::Level;

/// A whole query file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuerySpec {
    pub territoire: TerritorySpec,
    /// Taux de couverture (with `[carte]`, `[multiples]`, `[liste]`).
    #[serde(default)]
    pub couverture: Option<CoverageSpec>,
    /// A vulnerability score and its priority list (instead of `[couverture]`).
    #[serde(default)]
    pub score: Option<ScoreSpec>,
    /// The panier de services parentalité of each EPCI, from an inventory of services.
    #[serde(default)]
    pub panier: Option<PanierSpec>,
    /// Change of counts and rates between years.
    #[serde(default)]
    pub evolution: Option<EvolutionSpec>,
    #[serde(default)]
    pub contours: Option<ContoursSpec>,
    #[serde(default)]
    pub carte: Option<MapSpec>,
    #[serde(default)]
    pub multiples: Option<MultiplesSpec>,
    #[serde(default)]
    pub liste: Option<ListSpec>,
    /// Tables by territory, declared once by name for the indicators.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceSpec>,
    /// Plain indicators, declared once by name (instead of the other computations).
    #[serde(default)]
    pub indicateurs: BTreeMap<String, Spanned<IndicatorSpec>>,
    /// Maps of indicators.
    #[serde(default)]
    pub cartes: BTreeMap<String, IndicatorMapSpec>,
    /// Tables of indicators.
    #[serde(default)]
    pub tableaux: BTreeMap<String, IndicatorTableSpec>,
    /// The figures the schéma states, each written as a French sentence.
    #[serde(default)]
    pub chiffres: BTreeMap<String, Spanned<KeyFigureSpec>>,
    /// The synthesis across axes: how many axes make each territory a priority.
    #[serde(default)]
    pub priorites: Option<SynthesisSpec>,
}

/// `[territoire]`: where and at which level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritorySpec {
    pub niveau: Spanned<Level>,
    pub departements: Spanned<Vec<String>>,
    /// Zoom: only the communes of this EPCI (SIREN), with `niveau = "commune"`.
    #[serde(default)]
    pub epci: Option<Spanned<String>>,
    /// EPCI that reach beyond the query's départements: counted whole (the default, said in
    /// the notes), or kept only when most of their population lives in them.
    #[serde(default)]
    pub epci_debordants: EpciReach,
    /// COG vintage of the codes.
    pub millesime: Spanned<u16>,
    /// Commune → EPCI table of that vintage (built in for the COG 2026).
    #[serde(default)]
    pub communes: Option<Spanned<String>>,
    /// List of départements of that vintage (built in for the COG 2026).
    #[serde(default)]
    pub liste_departements: Option<Spanned<String>>,
    /// List of régions of that vintage, to name the région's reference row (built in for
    /// the COG 2026).
    #[serde(default)]
    pub liste_regions: Option<Spanned<String>>,
    /// INSEE movements table, to read inputs of an older vintage (`millesime_fichier`);
    /// built in, up to the COG 2026.
    #[serde(default)]
    pub mouvements: Option<Spanned<String>>,
    /// The analyst's zones (`niveau = "zone"`): a file commune → zone.
    #[serde(default)]
    pub zonage: Option<Spanned<ZoningSpec>>,
}

/// `zonage = { fichier = "…", colonne_commune = "code_commune", colonne_zone = "zone", colonne_nom = "nom_zone" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoningSpec {
    pub fichier: String,
    #[serde(default = "default_commune_column")]
    pub colonne_commune: String,
    #[serde(default = "default_zone_column")]
    pub colonne_zone: String,
    #[serde(default)]
    pub colonne_nom: Option<String>,
}

fn default_commune_column() -> String {
    "code_commune".to_string()
}

fn default_zone_column() -> String {
    "zone".to_string()
}

pub use crate::territory::selection::EpciReach;

impl TerritorySpec {
    /// The territory of the query: its COG, with its zones when it gives a zoning.
    pub fn territory(&self) -> crate::error::Result<std::sync::Arc<crate::territory::Territory>> {
        let zoning = self.zonage.as_ref().map(|z| {
            let z = z.get_ref();
            crate::territory::ZoningFile {
                path: Path::new(&z.fichier),
                commune: &z.colonne_commune,
                zone: &z.colonne_zone,
                name: z.colonne_nom.as_deref(),
            }
        });
        let within = match self.epci_debordants {
            EpciReach::Communes => Some(self.departements.get_ref().as_slice()),
            EpciReach::Whole | EpciReach::Majority => None,
        };
        crate::territory::Territory::shared_with(
            self.communes_file(),
            self.departements_file(),
            zoning,
            within,
        )
    }

    /// The COG vintage of the query's codes.
    pub fn vintage(&self) -> u16 {
        *self.millesime.get_ref()
    }

    /// The commune → EPCI table: the query's, or the built-in one.
    pub fn communes_file(&self) -> &Path {
        given_or(&self.communes, builtin::COMMUNES)
    }

    /// The list of départements: the query's, or the built-in one.
    pub fn departements_file(&self) -> &Path {
        given_or(&self.liste_departements, builtin::DEPARTEMENTS)
    }

    /// The list of régions: the query's, or the built-in one for the COG 2026.
    pub fn regions_file(&self) -> Option<&Path> {
        match (&self.liste_regions, self.vintage()) {
            (Some(file), _) => Some(Path::new(file.get_ref())),
            (None, builtin::VINTAGE) => Some(Path::new(builtin::REGIONS)),
            (None, _) => None,
        }
    }

    /// The movements table: the query's, or the built-in one.
    pub fn movements_file(&self) -> &Path {
        given_or(&self.mouvements, builtin::MOVEMENTS)
    }
}

fn given_or<'a>(given: &'a Option<Spanned<String>>, built_in: &'static str) -> &'a Path {
    Path::new(given.as_ref().map_or(built_in, |f| f.get_ref().as_str()))
}

/// How the taux de couverture is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum CoverageMethod {
    /// Rates published by the Cnaf, taken as published.
    #[serde(rename = "taux_publie")]
    Published,
    /// Ratio of sums of raw components by commune.
    #[serde(rename = "ratio_de_sommes")]
    RatioOfSums,
}

/// `[couverture]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageSpec {
    pub methode: CoverageMethod,
    /// Year of the data (titles and lists).
    pub annee: u16,
    /// Cnaf `txcouv` file: the rates for `taux_publie`, and the published
    /// references when they are asked for.
    #[serde(default)]
    pub taux_caf: Option<Spanned<Files>>,
    /// Of several `taux_caf` files with rows of one level and year, the one that gives them.
    #[serde(default)]
    pub prioritaire: Option<Spanned<String>>,
    /// Raw components by commune, for `ratio_de_sommes`.
    #[serde(default)]
    pub composantes: Option<ComponentsSpec>,
    pub reference_departement: Spanned<ReferenceSpec>,
    pub reference_france: Spanned<ReferenceSpec>,
}

/// A reference value: published in the Caf file, computed from the components,
/// or given.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawReference")]
pub enum ReferenceSpec {
    Value(Finite),
    Word(ReferenceWord),
}

/// A number or a word, the number checked after: an untagged enum would say only that
/// neither matched.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawReference {
    Value(f64),
    Word(ReferenceWord),
}

impl TryFrom<RawReference> for ReferenceSpec {
    type Error = String;

    fn try_from(raw: RawReference) -> Result<Self, String> {
        Ok(match raw {
            RawReference::Value(v) => ReferenceSpec::Value(Finite::try_from(v)?),
            RawReference::Word(w) => ReferenceSpec::Word(w),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ReferenceWord {
    #[serde(rename = "publiee")]
    Published,
    #[serde(rename = "calculee")]
    Computed,
}

/// `[couverture.composantes]`: a table with one row per commune.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentsSpec {
    pub fichier: Spanned<String>,
    /// Column of the commune code.
    pub commune: String,
    /// Place columns → French label (EAJE PSU, hors PSU, assistants maternels…).
    pub places: BTreeMap<String, String>,
    /// Column of the children under 3.
    pub enfants: String,
    /// Cell contents meaning *secret statistique* (default: `s`).
    #[serde(default = "default_secret_markers")]
    pub secret: Vec<String>,
    /// COG vintage of the file's commune codes, when older than the query's.
    #[serde(default)]
    pub millesime_fichier: Option<Spanned<u16>>,
}

fn default_secret_markers() -> Vec<String> {
    vec!["s".to_string()]
}

/// `[contours]`: shapes of the territories.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContoursSpec {
    /// Commune contours (GeoJSON, GeoJSON.gz, Shapefile or GeoPackage).
    pub communes: Spanned<String>,
    /// The layer of the communes in a GeoPackage of several layers.
    #[serde(default)]
    pub couche_communes: Option<String>,
    /// Property holding the commune code (default `code`).
    #[serde(default = "default_code_property")]
    pub propriete_code: String,
    /// EPCI contours; dissolved from the communes when absent.
    #[serde(default)]
    pub epci: Option<Spanned<String>>,
    /// The layer of the EPCI in a GeoPackage of several layers.
    #[serde(default)]
    pub couche_epci: Option<String>,
    /// Property holding the SIREN in the EPCI file (default `siren`).
    #[serde(default = "default_siren_property")]
    pub propriete_siren: String,
    /// COG vintage of the commune contours, when older than the query's.
    #[serde(default)]
    pub millesime: Option<Spanned<u16>>,
}

fn default_code_property() -> String {
    "code".to_string()
}

fn default_siren_property() -> String {
    "siren".to_string()
}

/// `[carte]`: a choropleth.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSpec {
    pub titre: String,
    #[serde(default)]
    pub sous_titre: Option<String>,
    pub source: String,
    pub classes: Spanned<ClassesSpec>,
    #[serde(default)]
    pub palette: Palette,
    /// Draw EPCI outlines over a commune map.
    #[serde(default)]
    pub contours_epci: bool,
    /// Write the territories' names (placed without overlap, the largest values first).
    #[serde(default)]
    pub etiquettes: bool,
    /// Add a histogram of the values with the class breaks under the legend.
    #[serde(default)]
    pub histogramme: bool,
    /// `verticale` (right of the map) or `horizontale` (below it).
    #[serde(default)]
    pub legende: LegendLayout,
    /// Proportional circles over the choropleth.
    #[serde(default)]
    pub symboles: Option<SymbolSpec>,
    /// Output files (`.svg`, `.png`), relative to the output directory.
    pub sorties: Spanned<Vec<String>>,
    /// Width of the PNG in pixels.
    #[serde(default = "default_png_width", deserialize_with = "bounds::png_width")]
    pub largeur_png: u32,
    /// Resolution recorded in the PNG (its printed size in a document).
    #[serde(default = "default_png_dpi", deserialize_with = "bounds::png_dpi")]
    pub dpi_png: u32,
}

pub(super) fn default_png_width() -> u32 {
    2000
}

pub(super) fn default_png_dpi() -> u32 {
    300
}

/// What the proportional circles measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolSpec {
    /// Municipal population of the territory (COG table of the query).
    Population,
}

/// `[score]`: a vulnerability score over indicators of a table by territory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    pub methode: ScoreMethod,
    /// One row per territory of the query's level (e.g. Filosofi by EPCI), for the
    /// indicators written the short way (`colonne`, `numerateur`); none when every
    /// indicator names one of the query's `[indicateurs]`.
    #[serde(default)]
    pub fichier: Option<Spanned<String>>,
    /// Column of the territory code (default `CODGEO`).
    #[serde(default = "default_code_column")]
    pub colonne_code: String,
    /// Level of the file's rows when finer than the query's (`iris`, `commune`):
    /// rows are then summed into each territory.
    #[serde(default, deserialize_with = "finer_level")]
    pub niveau_fichier: Option<SourceLevel>,
    /// COG vintage of the file's codes, when older than the query's (commune or IRIS
    /// files only: their communes are moved to the query's).
    #[serde(default)]
    pub millesime_fichier: Option<Spanned<u16>>,
    /// Cell contents meaning *secret statistique* (default: an empty cell).
    #[serde(default = "default_score_secret")]
    pub secret: Vec<String>,
    /// A territory the file covers in part is « partiel » unless `true`: the sum of its
    /// communes present is then its value (said in the notes).
    #[serde(default)]
    pub sommes_partielles: bool,
    /// What a hidden cell holds by the publisher's rule (see [`SecretBoundsSpec`]).
    #[serde(default)]
    pub secret_bornes: Option<Spanned<SecretBoundsSpec>>,
    pub indicateurs: Spanned<Vec<ScoreIndicatorSpec>>,
    /// Rank sum: how ties share ranks (default `moyenne`).
    #[serde(default)]
    pub egalites: Ties,
    /// Weighted score: how values are put on one scale (default `min_max`).
    #[serde(default)]
    pub normalisation: Normalisation,
    /// Rank sum: the priority classes cut on the totals: a number of quantile
    /// classes (default 2), or `{ methode = "seuils_naturels", nombre = 3 }`, or
    /// `{ methode = "seuils", valeurs = [20, 30] }`.
    #[serde(default = "default_priorities")]
    pub priorites: PrioritiesSpec,
    pub titre: String,
    /// `.csv`, `.xlsx` and `.md`, relative to the output directory.
    pub sorties: Spanned<Vec<String>>,
    /// Flag sum: the need × supply typology.
    #[serde(default)]
    pub typologie: Option<crate::indicators::flags::TypologyNames>,
    /// Rank sum and weighted score: the list run again under variants of the method.
    #[serde(default)]
    pub robustesse: Option<RobustnessSpec>,
    /// `[score.carte]`: the map of the priority classes (rank sum) or of the
    /// typology (flags).
    #[serde(default)]
    pub carte: Option<ClassMapSpec>,
}

/// `[score.carte]`, `[panier.carte]`, `[evolution.carte]`: a map of named classes (priorities, typology,
/// services missing), with their counts in the legend.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassMapSpec {
    pub titre: String,
    #[serde(default)]
    pub sous_titre: Option<String>,
    pub source: String,
    #[serde(default)]
    pub etiquettes: bool,
    /// `.svg`, `.png`, relative to the output directory.
    pub sorties: Spanned<Vec<String>>,
    #[serde(default = "default_png_width", deserialize_with = "bounds::png_width")]
    pub largeur_png: u32,
    #[serde(default = "default_png_dpi", deserialize_with = "bounds::png_dpi")]
    pub dpi_png: u32,
}

/// `[evolution]`: counts and rates of several years on the query's territories, and
/// their change from the first year to the last.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvolutionSpec {
    pub titre: String,
    /// The years of the series, oldest first: each with its own file, or read from the
    /// year column (`colonne_annee`) of `fichier`.
    pub annees: Spanned<Vec<YearSpec>>,
    /// One file of every year (the Cnaf's), its rows' year in `colonne_annee`.
    #[serde(default)]
    pub fichier: Option<Spanned<String>>,
    #[serde(default)]
    pub colonne_annee: Option<String>,
    /// COG vintage of the codes of `fichier`, when older than the query's.
    #[serde(default)]
    pub millesime_fichier: Option<Spanned<u16>>,
    /// Rows after the selection's, each year: `departement` (the query's one département),
    /// `region`, `france`, published by the source or summed over their communes.
    #[serde(default)]
    pub references: Vec<ReferenceRow>,
    /// The changes shown, each from one year of the series to a later one (`[[2020, 2024]]`);
    /// by default from the first year to the last.
    #[serde(default)]
    pub variations: Option<Spanned<Vec<[u16; 2]>>>,
    #[serde(default = "default_code_column")]
    pub colonne_code: String,
    /// The files' level when finer than the query's (`iris`, `commune`).
    #[serde(default, deserialize_with = "finer_level")]
    pub niveau_fichier: Option<SourceLevel>,
    #[serde(default = "default_score_secret")]
    pub secret: Vec<String>,
    /// A territory the file covers in part is « partiel » unless `true`: the sum of its
    /// communes present is then its value (said in the notes).
    #[serde(default)]
    pub sommes_partielles: bool,
    /// What a hidden cell holds by the publisher's rule (see [`SecretBoundsSpec`]).
    #[serde(default)]
    pub secret_bornes: Option<Spanned<SecretBoundsSpec>>,
    /// Counts (`colonne`) and rates (`numerateur`, `denominateur`).
    pub indicateurs: Spanned<Vec<ChangeIndicatorSpec>>,
    /// The change table (`.csv`, `.xlsx`, `.md`).
    pub sorties: Spanned<Vec<String>>,
    /// The `libelle` of the indicator whose change `[evolution.carte]` maps.
    #[serde(default)]
    pub carte_indicateur: Option<Spanned<String>>,
    /// Class limits of the mapped change; by default symmetric around 0.
    #[serde(default)]
    pub carte_seuils: Option<Vec<Finite>>,
    /// Map of the change, in a palette diverging from 0.
    #[serde(default)]
    pub carte: Option<ClassMapSpec>,
    /// Targets of the selection: a value of an indicator for a year of the series.
    #[serde(default)]
    pub cibles: Option<Spanned<Vec<TargetSpec>>>,
    /// The `libelle` of the indicator `[evolution.graphique]` follows (the first by default).
    #[serde(default)]
    pub graphique_indicateur: Option<Spanned<String>>,
    /// The `libelle` of the indicator `[evolution.multiples]` follows (the chart's by default).
    #[serde(default)]
    pub multiples_indicateur: Option<Spanned<String>>,
    /// Line chart of the selection's value each year, with its references and targets.
    #[serde(default)]
    pub graphique: Option<ChartSpec>,
    /// Small multiples: the series of each territory, one small chart each, on one scale.
    #[serde(default)]
    pub multiples: Option<ChartSpec>,
}

/// `[score.robustesse]`: how robust the priority list is to the choices of its method.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RobustnessSpec {
    /// Each weight of a weighted score moved up and down by this step (0.05 by default).
    #[serde(default)]
    pub pas_poids: Option<Positive>,
    /// Given limits of the classes of priority moved up and down by this step (none without it;
    /// quantiles and natural breaks take one class more and one fewer).
    #[serde(default)]
    pub pas_seuils: Option<Positive>,
    /// The table of each territory over the variants (`.csv`, `.xlsx`, `.md`).
    pub sorties: Spanned<Vec<String>>,
    /// The map of how often each territory is a priority.
    #[serde(default)]
    pub carte: Option<ClassMapSpec>,
}

/// `{ indicateur = "Places", annee = 2022, valeur = 1200 }`, or `{ …, hausse = 120, depuis = 2017 }`: what
/// the selection should reach, as a value or as a rise from an earlier year of the series.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub indicateur: String,
    pub annee: u16,
    /// The value aimed at; or, with `depuis`, the rise aimed at from that year (`hausse = 120`).
    #[serde(default)]
    pub valeur: Option<Finite>,
    #[serde(default)]
    pub hausse: Option<Finite>,
    #[serde(default)]
    pub depuis: Option<u16>,
    /// The code of the territory it aims at; the whole selection without it.
    #[serde(default)]
    pub territoire: Option<String>,
}

/// A year of a series: a number (its rows in the evolution's `fichier`), or its own file.
#[derive(Debug, Clone)]
pub enum YearSpec {
    InFile(u16),
    OwnFile(YearFileSpec),
}

/// By hand rather than `untagged`, which would buffer the table and lose the places of its
/// values (`Spanned`), so that errors name their line.
impl<'de> Deserialize<'de> for YearSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = YearSpec;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("une année (2020) ou { annee = 2020, fichier = \"…\" }")
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<YearSpec, E> {
                u16::try_from(v)
                    .map(YearSpec::InFile)
                    .map_err(|_| E::custom(format!("année hors limites : {v}")))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<YearSpec, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<YearSpec, A::Error> {
                YearFileSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(YearSpec::OwnFile)
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl YearSpec {
    pub fn year(&self) -> u16 {
        match self {
            YearSpec::InFile(y) => *y,
            YearSpec::OwnFile(f) => f.annee,
        }
    }
}

/// The file of one year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearFileSpec {
    pub annee: u16,
    pub fichier: Spanned<String>,
    /// COG vintage of its codes, when older than the query's.
    #[serde(default)]
    pub millesime_fichier: Option<Spanned<u16>>,
}

/// A count (`colonne`, summed), a rate (100 × numerateur / denominateur, of sums), or a
/// value published at the query's level (`publie`, a Cnaf rate), followed in points.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeIndicatorSpec {
    #[serde(default)]
    pub colonne: Option<String>,
    #[serde(default)]
    pub publie: Option<String>,
    #[serde(default)]
    pub numerateur: Option<String>,
    #[serde(default)]
    pub denominateur: Option<String>,
    pub libelle: String,
}

/// `[panier]`: which EPCI offer the panier de services parentalité, year by year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanierSpec {
    pub titre: String,
    /// The analysts' inventory: one row per service, commune code or EPCI SIREN.
    pub inventaire: Spanned<String>,
    #[serde(default = "default_inventory_code")]
    pub colonne_code: String,
    #[serde(default = "default_inventory_type")]
    pub colonne_type: String,
    #[serde(default = "default_inventory_year")]
    pub colonne_annee: String,
    /// Units of each row (animators, places); each row counts 1 without it.
    #[serde(default)]
    pub colonne_nombre: Option<String>,
    /// Name of the structure (tells two services of one commune apart).
    #[serde(default)]
    pub colonne_nom: Option<String>,
    /// Years compared; the last is that of the gap table and the map.
    pub annees: Spanned<Vec<u16>>,
    /// The services of the panier, each with its minimum count.
    pub composition: Spanned<Vec<RequirementSpec>>,
    /// Local names of services → the service they stand for.
    #[serde(default)]
    pub synonymes: BTreeMap<String, ServiceKind>,
    #[serde(default)]
    pub normes: Vec<NormSpec>,
    /// The gap table by EPCI (`.csv`, `.xlsx`, `.md`).
    pub sorties: Spanned<Vec<String>>,
    /// Shares of EPCI covered, per service and year (`.csv`, `.xlsx`, `.md`).
    #[serde(default)]
    pub synthese: Option<Spanned<Vec<String>>>,
    /// Map of the EPCI by number of missing services.
    #[serde(default)]
    pub carte: Option<ClassMapSpec>,
    /// Chart of the share of EPCI covered per service and year.
    #[serde(default)]
    pub graphique: Option<ChartSpec>,
}

/// A service of the panier: `{ service = "laep" }`, `{ service = "clas", minimum = 2 }`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementSpec {
    pub service: ServiceKind,
    #[serde(default = "default_minimum")]
    pub minimum: Positive,
}

fn default_minimum() -> Positive {
    Positive::try_from(1.0).expect("1 is positive")
}

/// `[[panier.normes]]`: one service per `une_pour` people of a population read from a file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormSpec {
    pub service: ServiceKind,
    pub une_pour: Positive,
    /// What the population is, for headers: "enfants de moins de 6 ans".
    pub population: String,
    pub fichier: Spanned<String>,
    #[serde(default = "default_code_column")]
    pub colonne_code: String,
    /// The file's level when finer than the EPCI (`iris`, `commune`).
    #[serde(default, deserialize_with = "finer_level")]
    pub niveau_fichier: Option<SourceLevel>,
    /// Columns summed into the population.
    pub colonnes: Spanned<Vec<String>>,
    /// COG vintage of the file's codes, when older than the query's.
    #[serde(default)]
    pub millesime_fichier: Option<Spanned<u16>>,
    #[serde(default = "default_score_secret")]
    pub secret: Vec<String>,
    /// A territory the file covers in part is « partiel » unless `true`: the sum of its
    /// communes present is then its value (said in the notes).
    #[serde(default)]
    pub sommes_partielles: bool,
    /// What a hidden cell holds by the publisher's rule (see [`SecretBoundsSpec`]).
    #[serde(default)]
    pub secret_bornes: Option<Spanned<SecretBoundsSpec>>,
    #[serde(default)]
    pub arrondi: Rounding,
}

/// `[panier.graphique]`: a bar chart.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    pub titre: String,
    #[serde(default)]
    pub sous_titre: Option<String>,
    pub source: String,
    /// `.svg`, `.png`, relative to the output directory.
    pub sorties: Spanned<Vec<String>>,
    #[serde(default = "default_png_width", deserialize_with = "bounds::png_width")]
    pub largeur_png: u32,
    #[serde(default = "default_png_dpi", deserialize_with = "bounds::png_dpi")]
    pub dpi_png: u32,
}

impl ClassMapSpec {
    /// The map's texts and files, as the writers take them.
    pub fn files(&self) -> crate::export::MapFiles {
        crate::export::MapFiles {
            figure: figure_files(
                &self.titre,
                &self.sous_titre,
                &self.source,
                &self.sorties,
                (self.largeur_png, self.dpi_png),
            ),
            labels: self.etiquettes,
        }
    }
}

impl ChartSpec {
    /// The chart's texts and files, as the writers take them.
    pub fn files(&self) -> crate::export::FigureFiles {
        figure_files(
            &self.titre,
            &self.sous_titre,
            &self.source,
            &self.sorties,
            (self.largeur_png, self.dpi_png),
        )
    }
}

/// The texts and files of a figure, from the keys every chart and map of a query has.
pub(super) fn figure_files(
    title: &str,
    subtitle: &Option<String>,
    source: &str,
    outputs: &Spanned<Vec<String>>,
    (png_width, dpi): (u32, u32),
) -> crate::export::FigureFiles {
    crate::export::FigureFiles {
        title: title.to_string(),
        subtitle: subtitle.clone(),
        source: source.to_string(),
        outputs: outputs.get_ref().clone(),
        png_width,
        dpi,
    }
}

fn default_inventory_code() -> String {
    "code".to_string()
}

pub(super) fn default_inventory_type() -> String {
    "type".to_string()
}

fn default_inventory_year() -> String {
    "annee".to_string()
}

pub(super) fn default_code_column() -> String {
    "CODGEO".to_string()
}

pub(super) fn default_score_secret() -> Vec<String> {
    vec![String::new()]
}

fn default_priorities() -> PrioritiesSpec {
    PrioritiesSpec::Quantiles(2)
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PrioritiesSpec {
    Quantiles(usize),
    Method(PrioritiesMethodSpec),
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrioritiesMethodSpec {
    pub methode: PrioritiesMethod,
    #[serde(default, deserialize_with = "bounds::class_count")]
    pub nombre: Option<usize>,
    #[serde(default)]
    pub valeurs: Option<Vec<Finite>>,
}

pub use crate::indicators::rank_sum::PrioritiesMethod;

pub use crate::indicators::score_list::ScoreMethod;

/// One indicator of a score.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreIndicatorSpec {
    /// An indicator of the query's `[indicateurs]`, by name: of any kind, from any source.
    #[serde(default)]
    pub indicateur: Option<String>,
    /// Or a column of the file (a rate or any value), at the query's level.
    #[serde(default)]
    pub colonne: Option<String>,
    /// Or a rate computed by diagterr: 100 × sum(numerateur) / sum(denominateur),
    /// summed over the rows of each territory (IRIS or communes of an EPCI).
    #[serde(default)]
    pub numerateur: Option<String>,
    #[serde(default)]
    pub denominateur: Option<String>,
    pub libelle: String,
    /// `haut` (a high value is vulnerable, the default) or `bas`.
    #[serde(default)]
    pub vulnerable_si: Direction,
    /// Weighted score only.
    #[serde(default)]
    pub poids: Option<NonNegative>,
    /// Flag sum only: when the indicator raises its flag.
    #[serde(default)]
    pub drapeau: Option<FlagSpec>,
}

/// `drapeau = { test = ">", seuil = "reference", facteur = 1.2, groupe = "besoin" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagSpec {
    pub test: TestKind,
    /// A number, or `reference`: the indicator over the whole selection (the
    /// departmental rate when the selection is a département), as a ratio of sums.
    #[serde(default)]
    pub seuil: Option<ThresholdSpec>,
    /// Multiplies a `reference` threshold (1.2 = 20 % above it).
    #[serde(default)]
    pub facteur: Option<Positive>,
    /// `besoin` or `offre` (a deficit of supply), for the typology.
    #[serde(default)]
    pub groupe: Option<FlagSide>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum FlagSide {
    #[serde(rename = "besoin")]
    Need,
    /// A deficit of supply.
    #[serde(rename = "offre")]
    Supply,
}

/// `niveau_fichier`: a file finer than the query's level, by IRIS (the commune is the
/// code's first five characters) or by commune.
fn finer_level<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SourceLevel>, D::Error> {
    let level = Option::<SourceLevel>::deserialize(d)?;
    match level {
        None | Some(SourceLevel::Iris | SourceLevel::Commune) => Ok(level),
        Some(_) => Err(serde::de::Error::custom(
            "« niveau_fichier » vaut « iris » ou « commune » (un fichier plus fin que la requête)",
        )),
    }
}

impl ScoreIndicatorSpec {
    /// The name of the indicator's column in result frames.
    pub fn key(&self) -> String {
        if let Some(name) = &self.indicateur {
            return name.clone();
        }
        match (&self.colonne, &self.numerateur, &self.denominateur) {
            (Some(c), _, _) => c.clone(),
            (None, Some(n), Some(d)) => format!("{n}_sur_{d}"),
            _ => self.libelle.clone(),
        }
    }
}

/// `[multiples]`: small multiples, one panel per part of the rate, with
/// classes common to every panel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MultiplesSpec {
    pub titre: String,
    #[serde(default)]
    pub sous_titre: Option<String>,
    pub source: String,
    pub classes: Spanned<ClassesSpec>,
    #[serde(default)]
    pub palette: Palette,
    /// Panels per row.
    #[serde(
        default = "default_columns",
        deserialize_with = "bounds::panel_columns"
    )]
    pub colonnes: usize,
    pub sorties: Spanned<Vec<String>>,
    #[serde(default = "default_png_width", deserialize_with = "bounds::png_width")]
    pub largeur_png: u32,
    /// Resolution recorded in the PNG (its printed size in a document).
    #[serde(default = "default_png_dpi", deserialize_with = "bounds::png_dpi")]
    pub dpi_png: u32,
}

fn default_columns() -> usize {
    2
}

/// `classes = { methode = "…", … }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassesSpec {
    pub methode: MethodName,
    /// For `seuils`: numbers, or `reference:departement` / `reference:france`.
    #[serde(default)]
    pub valeurs: Option<Vec<ThresholdSpec>>,
    /// Number of classes (default: a rule on the number of values, 3 to 7).
    #[serde(default, deserialize_with = "bounds::class_count")]
    pub nombre: Option<usize>,
    /// For `moyenne_ecart_type`: width of a class in standard deviations (default 1).
    #[serde(default)]
    pub k: Option<Positive>,
    /// For `moyenne_ecart_type`: a central class around the mean (default true).
    #[serde(default)]
    pub classe_centrale: Option<bool>,
}

impl ClassesSpec {
    /// The rule of these classes; why not, when the values and the method do not go together.
    pub fn rule(&self) -> std::result::Result<ClassRule, &'static str> {
        let k = self.k.map_or(1.0, Positive::get);
        let Some(method) = self
            .methode
            .computed(k, self.classe_centrale.unwrap_or(true))
        else {
            let values = self
                .valeurs
                .as_ref()
                .ok_or("« methode = \"seuils\" » demande « valeurs = [...] »")?;
            return Ok(ClassRule::Given(
                values
                    .iter()
                    .map(|v| match v {
                        ThresholdSpec::Value(x) => GivenThreshold::Value(x.get()),
                        ThresholdSpec::Named(n) => GivenThreshold::Named(n.clone()),
                    })
                    .collect(),
            ));
        };
        if self.valeurs.is_some() {
            return Err("« valeurs » ne va qu'avec « methode = \"seuils\" »");
        }
        Ok(ClassRule::Computed {
            method,
            count: self.nombre,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawThreshold")]
pub enum ThresholdSpec {
    Value(Finite),
    Named(String),
}

/// A number or a name, the number checked after (see [`RawReference`]).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawThreshold {
    Value(f64),
    Named(String),
}

impl TryFrom<RawThreshold> for ThresholdSpec {
    type Error = String;

    fn try_from(raw: RawThreshold) -> Result<Self, String> {
        Ok(match raw {
            RawThreshold::Value(v) => ThresholdSpec::Value(Finite::try_from(v)?),
            RawThreshold::Named(n) => ThresholdSpec::Named(n),
        })
    }
}

/// `[liste]`: the priority list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    #[serde(default)]
    pub titre: Option<String>,
    pub selection: ListSelection,
    /// Output files (`.csv`, `.md`), relative to the output directory.
    pub sorties: Spanned<Vec<String>>,
}

pub use crate::indicators::coverage_list::ListSelection;

/// An input file with the key that names it and where, its path to be rewritten.
type Input<'a> = (&'static str, Range<usize>, &'a mut String);

fn one<'a>(key: &'static str, written: &'a mut Spanned<String>) -> Input<'a> {
    (key, written.span(), written.get_mut())
}

impl QuerySpec {
    /// Every input file with the key that names it, to be resolved against the query's
    /// folder.
    pub fn inputs_mut(&mut self) -> Vec<Input<'_>> {
        let mut v = Vec::new();
        if let Some(c) = &mut self.territoire.communes {
            v.push(one("territoire.communes", c));
        }
        if let Some(d) = &mut self.territoire.liste_departements {
            v.push(one("territoire.liste_departements", d));
        }
        if let Some(r) = &mut self.territoire.liste_regions {
            v.push(one("territoire.liste_regions", r));
        }
        if let Some(m) = &mut self.territoire.mouvements {
            v.push(one("territoire.mouvements", m));
        }
        if let Some(z) = &mut self.territoire.zonage {
            let span = z.span();
            v.push(("territoire.zonage", span, &mut z.get_mut().fichier));
        }
        if let Some(c) = &mut self.couverture {
            if let Some(p) = &mut c.taux_caf {
                let span = p.span();
                v.extend(
                    p.get_mut()
                        .paths_mut()
                        .iter_mut()
                        .map(|f| ("couverture.taux_caf", span.clone(), f)),
                );
            }
            if let Some(p) = &mut c.prioritaire {
                v.push(one("couverture.prioritaire", p));
            }
            if let Some(c) = &mut c.composantes {
                v.push(one("couverture.composantes.fichier", &mut c.fichier));
            }
        }
        if let Some(f) = self.score.as_mut().and_then(|s| s.fichier.as_mut()) {
            v.push(one("score.fichier", f));
        }
        if let Some(e) = &mut self.evolution {
            v.extend(e.annees.get_mut().iter_mut().filter_map(|y| match y {
                YearSpec::OwnFile(f) => Some(one("evolution.annees.fichier", &mut f.fichier)),
                YearSpec::InFile(_) => None,
            }));
            if let Some(f) = &mut e.fichier {
                v.push(one("evolution.fichier", f));
            }
        }
        if let Some(p) = &mut self.panier {
            v.push(one("panier.inventaire", &mut p.inventaire));
            v.extend(
                p.normes
                    .iter_mut()
                    .map(|n| one("panier.normes.fichier", &mut n.fichier)),
            );
        }
        for s in self.sources.values_mut() {
            let span = s.fichier.span();
            v.extend(
                s.fichier
                    .get_mut()
                    .paths_mut()
                    .iter_mut()
                    .map(|f| ("sources.fichier", span.clone(), f)),
            );
            if let Some(p) = &mut s.prioritaire {
                v.push(one("sources.prioritaire", p));
            }
        }
        if let Some(c) = &mut self.contours {
            v.push(one("contours.communes", &mut c.communes));
            if let Some(e) = &mut c.epci {
                v.push(one("contours.epci", e));
            }
        }
        v
    }
}

impl QuerySpec {
    /// Every list of output files with the key that names it and what it writes, in the order of the file.
    /// The classes of every map of values the query draws.
    pub fn classes(&self) -> Vec<&Spanned<ClassesSpec>> {
        let mut v: Vec<&Spanned<ClassesSpec>> = self.cartes.values().map(|c| &c.classes).collect();
        v.extend(self.carte.as_ref().map(|c| &c.classes));
        v.extend(self.multiples.as_ref().map(|m| &m.classes));
        v
    }

    /// Whether the query draws a map (its contours are then needed).
    pub fn draws_map(&self) -> bool {
        let score = self.score.as_ref();
        self.carte.is_some()
            || self.multiples.is_some()
            || !self.cartes.is_empty()
            || score.is_some_and(|s| s.carte.is_some())
            || score
                .and_then(|s| s.robustesse.as_ref())
                .is_some_and(|r| r.carte.is_some())
            || self.panier.as_ref().is_some_and(|p| p.carte.is_some())
            || self.evolution.as_ref().is_some_and(|e| e.carte.is_some())
            || self.priorites.as_ref().is_some_and(|p| p.carte.is_some())
    }

    pub fn outputs(&self) -> Vec<(&'static str, OutputKind, &Spanned<Vec<String>>)> {
        let mut v = Vec::new();
        if let Some(m) = &self.carte {
            v.push(("carte.sorties", OutputKind::MapWithLayers, &m.sorties));
        }
        if let Some(m) = &self.multiples {
            v.push(("multiples.sorties", OutputKind::Figure, &m.sorties));
        }
        if let Some(l) = &self.liste {
            v.push(("liste.sorties", OutputKind::Table, &l.sorties));
        }
        if let Some(s) = &self.score {
            v.push(("score.sorties", OutputKind::Table, &s.sorties));
            if let Some(c) = &s.carte {
                v.push(("score.carte.sorties", OutputKind::Figure, &c.sorties));
            }
            if let Some(r) = &s.robustesse {
                v.push(("score.robustesse.sorties", OutputKind::Table, &r.sorties));
                if let Some(c) = &r.carte {
                    v.push((
                        "score.robustesse.carte.sorties",
                        OutputKind::Figure,
                        &c.sorties,
                    ));
                }
            }
        }
        if let Some(p) = &self.panier {
            v.push(("panier.sorties", OutputKind::Table, &p.sorties));
            if let Some(s) = &p.synthese {
                v.push(("panier.synthese", OutputKind::Table, s));
            }
            if let Some(c) = &p.carte {
                v.push(("panier.carte.sorties", OutputKind::Figure, &c.sorties));
            }
            if let Some(g) = &p.graphique {
                v.push(("panier.graphique.sorties", OutputKind::Figure, &g.sorties));
            }
        }
        if let Some(e) = &self.evolution {
            v.push(("evolution.sorties", OutputKind::Table, &e.sorties));
            if let Some(c) = &e.carte {
                v.push(("evolution.carte.sorties", OutputKind::Figure, &c.sorties));
            }
            if let Some(g) = &e.graphique {
                v.push((
                    "evolution.graphique.sorties",
                    OutputKind::Figure,
                    &g.sorties,
                ));
            }
            if let Some(m) = &e.multiples {
                v.push((
                    "evolution.multiples.sorties",
                    OutputKind::Figure,
                    &m.sorties,
                ));
            }
        }
        v.extend(
            self.cartes
                .values()
                .map(|c| ("cartes.sorties", OutputKind::Figure, &c.sorties)),
        );
        v.extend(
            self.tableaux
                .values()
                .map(|t| ("tableaux.sorties", OutputKind::Table, &t.sorties)),
        );
        if let Some(p) = &self.priorites {
            v.push(("priorites.sorties", OutputKind::Table, &p.sorties));
            if let Some(c) = &p.carte {
                v.push(("priorites.carte.sorties", OutputKind::Figure, &c.sorties));
            }
        }
        v
    }
}

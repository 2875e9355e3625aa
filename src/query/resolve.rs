//! The resolve step of plain indicators: the query's sources, indicators, maps and tables
//! turned into a typed plan, every name checked against the others and every error placed
//! at its line of the query file. Below it, nothing reads these keys again.

use toml::Spanned;

use super::Query;
use super::indicators::{Files, ReferenceRow, SourceLevel, SourceSpec, published};
use super::numbers::{NonNegative, Positive};
use super::plan::Method;
use super::schema::{
    ChartSpec, ClassMapSpec, ClassesSpec, CoverageMethod, EpciReach, EvolutionSpec, FlagSide,
    MapSpec, MultiplesSpec, NormSpec, PrioritiesMethod, PrioritiesSpec, ReferenceSpec,
    ReferenceWord, ScoreMethod, ScoreSpec, SymbolSpec, ThresholdSpec, YearSpec, figure_files,
};
use crate::classify::Classing;
use crate::classify::palette::Palette;
use crate::classify::palette::{self, Sequential};
use crate::error::{Error, ErrorKind, Result};
use crate::export::MapFiles;
use crate::indicators::coverage::RATE;
use crate::indicators::coverage_list::PriorityList;
use crate::indicators::evolution::{Aim, ChangeMap, EvolutionShape, Target};
use crate::indicators::filter::{Bound, Filter};
use crate::indicators::flags::{self, FlagRule, GivenBound};
use crate::indicators::key_figures::{FigureKind, KeyFigure};
use crate::indicators::model::{ColumnRef, Indicator, Kind};
use crate::indicators::rank_sum::Priorities;
use crate::indicators::score::ScoreModel;
use crate::indicators::score_list::ScoreShape;
use crate::indicators::secret_rule::SecretRule;
use crate::indicators::synthesis::SynthesisShape;
use crate::indicators::table::IndicatorTable;
use crate::indicators::weighted_score;
use crate::ingest::builtin;
use crate::maps::{CoverageMap, IndicatorMap, PartsMultiples};
use crate::panier::ServiceKind;
use crate::territory::shapes::{LayerFile, MapContours};
use crate::territory::{Level, Unit};

/// A source of the plan, with the columns its indicators read.
#[derive(Debug)]
pub struct PlannedSource {
    pub name: String,
    pub spec: SourceSpec,
    /// Where the query declares it (`[sources.NOM]`), for errors about its file; none for
    /// the file of a method written the short way, whose errors name it already.
    pub line: Option<usize>,
    /// What it gives, in the notice of the territories it lacks (« de la source « caf » »).
    pub role: String,
    pub columns: Vec<String>,
    /// The columns taken only as published values (any number, a share, a median income);
    /// every other column is summed, so a count: never negative, wherever it is read.
    pub published: Vec<String>,
    /// What its hidden cells hold, by the publisher's rule the query gives (`secret_bornes`).
    pub secret_rule: Option<SecretRule>,
}

/// Everything a query of plain indicators computes and writes.
#[derive(Debug)]
pub struct IndicatorPlan {
    pub method: MethodPlan,
    pub maps: Vec<IndicatorMap>,
    pub tables: Vec<IndicatorTable>,
    pub figures: Vec<KeyFigure>,
    pub synthesis: Option<SynthesisShape>,
}

impl IndicatorPlan {
    /// The reference rows the tables, maps, filters, key figures and axes ask for, each once.
    pub fn reference_rows(&self) -> Vec<ReferenceRow> {
        let filters = self
            .tables
            .iter()
            .filter_map(|t| t.filter.as_ref())
            .chain(self.figures.iter().filter_map(|f| match &f.kind {
                FigureKind::Passing(filter) => Some(filter),
                FigureKind::First { .. } => None,
            }))
            .chain(
                self.synthesis
                    .iter()
                    .flat_map(|s| s.axes.iter().map(|(_, f)| f)),
            );
        let mut rows: Vec<ReferenceRow> = self
            .tables
            .iter()
            .flat_map(|t| t.references.iter().copied())
            .chain(self.maps.iter().flat_map(|m| m.references.iter().copied()))
            .chain(
                filters
                    .flat_map(|f| [f.at_least, f.below])
                    .flatten()
                    .filter_map(Bound::reference),
            )
            .collect();
        rows.sort();
        rows.dedup();
        rows
    }
}

/// The plan of `[couverture]`: its files and references are read by `sources::compute`; what it
/// draws and writes.
#[derive(Debug)]
pub struct CoveragePlan {
    pub map: Option<CoverageMap>,
    pub multiples: Option<PartsMultiples>,
    pub list: Option<PriorityList>,
}

/// The plan of `[evolution]`: its indicators year by year (indicator `k` of year `y` is
/// `y × K + k`), and what it shows.
#[derive(Debug)]
pub struct EvolutionPlan {
    pub method: MethodPlan,
    pub shape: EvolutionShape,
}

/// The indicators of `[score]`: `scored[i]` is the index in `indicators` of the score's
/// `i`-th indicator.
#[derive(Debug)]
pub struct ScorePlan {
    pub method: MethodPlan,
    pub scored: Vec<usize>,
    /// The score, every parameter resolved.
    pub model: ScoreModel,
    /// What its list shows.
    pub shape: ScoreShape,
    pub title: String,
    /// The files of its list.
    pub outputs: Vec<String>,
    pub map: Option<MapFiles>,
    pub robustness: Option<RobustnessPlan>,
}

/// `[score.robustesse]`: how far its variants move the weights and the class limits, and
/// where its table and map are written.
#[derive(Debug)]
pub struct RobustnessPlan {
    pub weight_step: f64,
    pub limit_step: Option<f64>,
    pub outputs: Vec<String>,
    pub map: Option<MapFiles>,
}

/// The sources and indicators a method reads: those of every plan, and the whole plan of
/// a method written the short way (`[evolution]` year by year, the population of a
/// `[[panier.normes]]`, the rates of `[couverture] taux_publie`).
#[derive(Debug)]
pub struct MethodPlan {
    pub sources: Vec<PlannedSource>,
    pub indicators: Vec<Indicator>,
}

impl Query {
    /// The plan of the query's `[indicateurs]` at `level`, the query's level.
    pub fn indicator_plan(&self, level: Level) -> Result<IndicatorPlan> {
        let spec = &self.spec;
        let mut sources = self.declared_sources(level)?;
        let indicators = self.declared_indicators(&sources, level)?;
        list_columns(&mut sources, &indicators);
        plan_secret_rules(self, &mut sources)?;
        check_vintages(self, &sources)?;
        self.check_service_columns(&sources)?;
        let order: Vec<&String> = spec.indicateurs.keys().collect();
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
                let references = m
                    .classes
                    .get_ref()
                    .valeurs
                    .iter()
                    .flatten()
                    .filter_map(|t| match t {
                        ThresholdSpec::Named(n) => ReferenceRow::from_key(n),
                        ThresholdSpec::Value(_) => None,
                    })
                    .collect();
                Ok(IndicatorMap {
                    indicator: find(&m.indicateur, "carte")?,
                    symbols,
                    references,
                    classing: self.classing(&m.classes, m.palette),
                    figure: figure_files(&m.titre, &m.sous_titre, &m.source, &m.sorties, (m.largeur_png, m.dpi_png)),
                    labels: m.etiquettes,
                    legend: m.legende,
                })
            })
            .collect::<Result<_>>()?;
        let tables = spec
            .tableaux
            .values()
            .map(|t| {
                let listed = t.indicateurs.get_ref();
                if listed.is_empty() {
                    return Err(self
                        .error_at(&t.indicateurs.span(), "tableau sans indicateur")
                        .hint("nommez un ou plusieurs indicateurs de [indicateurs], ex. indicateurs = [\"monoparents\"]"));
                }
                if let (Some(_), Some(last)) = (&t.premiers, &t.derniers) {
                    return Err(self
                        .error_at(&last.span(), "« premiers » et « derniers » ensemble : un seul s'appliquerait")
                        .hint("gardez l'un des deux ; pour les deux bouts du classement, faites deux tableaux"));
                }
                let indicators = listed
                    .iter()
                    .map(|name| find(&Spanned::new(t.indicateurs.span(), name.clone()), "tableau"))
                    .collect::<Result<Vec<usize>>>()?;
                let sort = t.tri.as_ref().map(|s| find(s, "tri")).transpose()?;
                let filter = t
                    .filtre
                    .as_ref()
                    .map(|f| {
                        let spec = f.get_ref();
                        let at = Spanned::new(f.span(), spec.indicateur.clone());
                        self.plan_filter(&at, &spec.au_moins, &spec.sous, find(&at, "filtre")?, "filtre")
                    })
                    .transpose()?;
                Ok(IndicatorTable {
                    title: t.titre.clone(),
                    indicators,
                    sort,
                    order: t.ordre,
                    population_min: t.population_min.map(NonNegative::get),
                    first: t.premiers.as_ref().map(|n| *n.get_ref()),
                    last: t.derniers.as_ref().map(|n| *n.get_ref()),
                    filter,
                    references: t.references.clone(),
                    outputs: t.sorties.get_ref().clone(),
                })
            })
            .collect::<Result<_>>()?;
        let figures = spec
            .chiffres
            .iter()
            .map(|(name, f)| {
                let spec = f.get_ref();
                let indicator = find(&spec.indicateur, "chiffre clé")?;
                let kind = match (&spec.au_moins, &spec.sous, spec.premiers) {
                    (None, None, Some(n)) => {
                        let stock = match indicators[indicator].kind {
                            Kind::Stock(_) => indicator,
                            Kind::Share(stock) => stock,
                            _ => return Err(self
                                .error_at(&spec.indicateur.span(), format!("chiffre clé « {name} » : la part des premiers se calcule d'un effectif ou d'une part, pas de « {} »", spec.indicateur.get_ref()))
                                .hint("« premiers » : un indicateur « stock » ou « part_de »")),
                        };
                        FigureKind::First { indicator, stock, n }
                    }
                    (_, _, None) => FigureKind::Passing(self.plan_filter(
                        &spec.indicateur,
                        &spec.au_moins,
                        &spec.sous,
                        indicator,
                        "chiffre clé",
                    )?),
                    _ => return Err(self
                        .error_at(&f.span(), format!("chiffre clé « {name} » : « premiers » ou des bornes (« au_moins », « sous »), pas les deux"))
                        .hint("un chiffre clé compte les territoires entre deux bornes, ou donne la part des N premiers")),
                };
                Ok(KeyFigure {
                    name: name.clone(),
                    kind,
                })
            })
            .collect::<Result<_>>()?;
        let synthesis = spec
            .priorites
            .as_ref()
            .map(|p| {
                let axes = p.axes.get_ref();
                if axes.is_empty() {
                    return Err(self
                        .error_at(&p.axes.span(), "[priorites] sans axe")
                        .hint("donnez au moins un axe, ex. axes = [{ libelle = \"Couverture faible\", indicateur = \"taux\", sous = \"reference:departement\" }]"));
                }
                let axes = axes
                    .iter()
                    .map(|a| {
                        let at = Spanned::new(p.axes.span(), a.indicateur.clone());
                        let what = format!("axe « {} »", a.libelle);
                        let filter = self.plan_filter(&at, &a.au_moins, &a.sous, find(&at, &what)?, &what)?;
                        Ok((a.libelle.clone(), filter))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let at_least = match &p.au_moins_axes {
                    None => 1,
                    Some(n) if (1..=axes.len()).contains(n.get_ref()) => *n.get_ref(),
                    Some(n) => {
                        return Err(self
                            .error_at(&n.span(), format!("« au_moins_axes = {} » : la synthèse a {} axe(s)", n.get_ref(), axes.len()))
                            .hint(format!("un nombre de 1 à {}", axes.len())));
                    }
                };
                // One class per number of axes, from none to all: a palette has at most 9.
                if p.carte.is_some() && axes.len() + 1 > 9 {
                    return Err(self
                        .error_at(&p.axes.span(), format!(
                            "carte de [priorites] : {} classes de 0 à {} axes, au-delà des 9 qu'une carte distingue",
                            axes.len() + 1,
                            axes.len()
                        ))
                        .hint("gardez au plus 8 axes pour la carte, ou retirez [priorites.carte]"));
                }
                Ok(SynthesisShape {
                    title: p.titre.clone(),
                    axes,
                    at_least,
                    outputs: p.sorties.get_ref().clone(),
                    map: p.carte.as_ref().map(ClassMapSpec::files),
                })
            })
            .transpose()?;
        let plan = IndicatorPlan {
            method: MethodPlan {
                sources,
                indicators,
            },
            maps,
            tables,
            figures,
            synthesis,
        };
        self.check_reference_rows(&plan.reference_rows())?;
        Ok(plan)
    }

    /// The sources of `[sources]`, each checked against `level`.
    fn declared_sources(&self, level: Level) -> Result<Vec<PlannedSource>> {
        self.spec
            .sources
            .iter()
            .map(|(name, s)| {
                check_level(self, name, s, level)?;
                Ok(PlannedSource {
                    name: name.clone(),
                    spec: s.clone(),
                    line: Some(self.line_at(&s.fichier.span())),
                    role: format!("de la source « {name} »"),
                    columns: Vec::new(),
                    published: Vec::new(),
                    secret_rule: None,
                })
            })
            .collect()
    }

    /// The indicators of `[indicateurs]`, in the order of their names.
    fn declared_indicators(
        &self,
        sources: &[PlannedSource],
        level: Level,
    ) -> Result<Vec<Indicator>> {
        let all = &self.spec.indicateurs;
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        let order: Vec<&String> = all.keys().collect();
        all.iter()
            .map(|(name, ind)| {
                Ok(Indicator {
                    name: name.clone(),
                    label: ind.get_ref().libelle.clone(),
                    kind: self.kind(name, ind, &names, &order, all, sources, level)?,
                })
            })
            .collect()
    }

    /// The indicators `[score]` ranks or weighs, with their sources: those of the query's
    /// `[indicateurs]` it names (`indicateur = "monoparents"`, from any of `[sources]`), and
    /// those written the short way on its own `fichier` (a column published at the query's
    /// level, or a rate of sums).
    pub fn score_plan(&self, score: &ScoreSpec, level: Level) -> Result<ScorePlan> {
        if let Some(robust) = &score.robustesse
            && score.methode == ScoreMethod::Flags
        {
            return Err(self
                .error_at(&robust.sorties.span(), "[score.robustesse] vaut pour la somme des rangs et le score pondéré")
                .hint("un nombre de drapeaux n'a ni poids ni règle d'égalités à faire varier : retirez la section"));
        }
        let mut sources = self.declared_sources(level)?;
        let mut indicators = self.declared_indicators(&sources, level)?;
        let listed = &score.indicateurs;
        let err = |m: String| self.error_at(&listed.span(), m);
        let own = match &score.fichier {
            Some(file) => {
                let mut source = own_source(
                    Files::one(file),
                    &score.colonne_code,
                    score.niveau_fichier,
                    score.millesime_fichier.as_ref(),
                    &score.secret,
                    level,
                    "des indicateurs",
                );
                source.spec.sommes_partielles = score.sommes_partielles;
                source.spec.secret_bornes = score.secret_bornes.clone();
                sources.push(source);
                Some(sources.len() - 1)
            }
            None => None,
        };
        let in_file = |column: &String| -> Result<ColumnRef> {
            let source = own.ok_or_else(|| {
                err(format!("la colonne « {column} » demande « fichier » dans [score]")).hint(
                    "donnez « fichier = \"…\" », ou nommez un indicateur de la requête (« indicateur = \"…\" »)",
                )
            })?;
            Ok(ColumnRef {
                source,
                column: column.clone(),
            })
        };
        let mut scored = Vec::with_capacity(listed.get_ref().len());
        for i in listed.get_ref() {
            let kind = match (&i.indicateur, &i.colonne, &i.numerateur, &i.denominateur) {
                (Some(name), None, None, None) => {
                    match self.spec.indicateurs.keys().position(|n| n == name) {
                        Some(k) => {
                            scored.push(k);
                            continue;
                        }
                        None => {
                            let declared: Vec<&String> = self.spec.indicateurs.keys().collect();
                            return Err(err(format!("[score] : indicateur inconnu « {name} »"))
                                .hint(format!("indicateurs de la requête : {}", list(&declared))));
                        }
                    }
                }
                (None, Some(c), None, None) if score.niveau_fichier.is_none() => {
                    let column = in_file(c)?;
                    let source = &sources[column.source];
                    published(column, source, self, &err)?
                }
                (None, Some(c), None, None) => return Err(err(format!(
                    "la colonne « {c} » ne s'additionne pas d'un niveau à l'autre"
                ))
                .hint(
                    "donnez « numerateur » et « denominateur » : le taux est recalculé par territoire",
                )),
                (None, None, Some(n), Some(d)) => Kind::Ratio {
                    numerator: vec![in_file(n)?],
                    denominator: vec![in_file(d)?],
                    scale: 100.0,
                },
                _ => {
                    return Err(err(format!(
                        "indicateur « {} » : donnez « indicateur », ou « colonne », ou « numerateur » et « denominateur »",
                        i.libelle
                    )))
                }
            };
            indicators.push(Indicator {
                name: i.key(),
                label: i.libelle.clone(),
                kind,
            });
            scored.push(indicators.len() - 1);
        }
        let mut keys: Vec<String> = listed.get_ref().iter().map(|i| i.key()).collect();
        keys.sort();
        if let Some(twice) = keys.windows(2).find(|w| w[0] == w[1]) {
            return Err(err(format!(
                "[score] : indicateur « {} » donné deux fois",
                twice[0]
            ))
            .hint("un indicateur compte une fois dans un score : retirez le doublon"));
        }
        let indicators = keep_used(indicators, &mut scored);
        list_columns(&mut sources, &indicators);
        plan_secret_rules(self, &mut sources)?;
        check_vintages(self, &sources)?;
        self.check_service_columns(&sources)?;
        let priorities = self.priorities(score)?;
        self.check_score_map(score, &priorities)?;
        if score.methode == ScoreMethod::Weighted
            && let Some(i) = listed.get_ref().iter().find(|i| i.poids.is_none())
        {
            return Err(
                err(format!("poids absent pour l'indicateur « {} »", i.key()))
                    .hint("donnez « poids = 0.6 » à chaque indicateur d'un score pondéré"),
            );
        }
        let flags = match score.methode {
            ScoreMethod::Flags => listed
                .get_ref()
                .iter()
                .map(|ind| {
                    let flag = ind.drapeau.as_ref().ok_or_else(|| {
                        err(format!("indicateur « {} » sans « drapeau »", ind.libelle)).hint(
                            "donnez « drapeau = { test = \">\", seuil = \"reference\" } » à chaque indicateur",
                        )
                    })?;
                    let bound = match (&flag.seuil, flag.facteur.map(Positive::get)) {
                        (Some(ThresholdSpec::Value(v)), None) => Some(GivenBound::Value(v.get())),
                        (Some(ThresholdSpec::Named(w)), factor) if w == "reference" => {
                            Some(GivenBound::Reference {
                                factor: factor.unwrap_or(1.0),
                            })
                        }
                        (None, None) => None,
                        _ => return Err(err(format!(
                            "drapeau de « {} » : « seuil » est un nombre ou \"reference\" (« facteur » va avec \"reference\")",
                            ind.libelle
                        ))),
                    };
                    FlagRule::new(flag.test, bound)
                        .map_err(|why| err(format!("drapeau de « {} » : {why}", ind.libelle)))
                })
                .collect::<Result<_>>()?,
            _ => Vec::new(),
        };
        let groups = flag_groups(score);
        let in_group = |group: FlagSide| -> Vec<String> {
            listed
                .get_ref()
                .iter()
                .filter(|i| i.drapeau.as_ref().and_then(|d| d.groupe) == Some(group))
                .map(|i| i.key())
                .collect()
        };
        let model = ScoreModel {
            method: score.methode,
            columns: listed.get_ref().iter().map(|i| i.key()).collect(),
            labels: listed.get_ref().iter().map(|i| i.libelle.clone()).collect(),
            directions: listed.get_ref().iter().map(|i| i.vulnerable_si).collect(),
            weights: listed
                .get_ref()
                .iter()
                .map(|i| i.poids.map_or(0.0, NonNegative::get))
                .collect(),
            ties: score.egalites,
            normalisation: score.normalisation,
            priorities,
            flags,
            groups: groups.clone(),
            need: in_group(FlagSide::Need),
            supply: in_group(FlagSide::Supply),
            typology: score.typologie.clone(),
            place: self.at(&listed.span()),
        };
        Ok(ScorePlan {
            method: MethodPlan {
                sources,
                indicators,
            },
            scored,
            model,
            title: score.titre.clone(),
            outputs: score.sorties.get_ref().clone(),
            map: score.carte.as_ref().map(ClassMapSpec::files),
            robustness: score.robustesse.as_ref().map(|r| RobustnessPlan {
                weight_step: r.pas_poids.map_or(0.05, Positive::get),
                limit_step: r.pas_seuils.map(Positive::get),
                outputs: r.sorties.get_ref().clone(),
                map: r.carte.as_ref().map(ClassMapSpec::files),
            }),
            shape: ScoreShape {
                method: score.methode,
                labels: listed.get_ref().iter().map(|i| i.libelle.clone()).collect(),
                names: listed.get_ref().iter().map(|i| i.key()).collect(),
                weighted: (score.methode == ScoreMethod::Weighted).then(|| weighted_method(score)),
                groups,
                typology: score.typologie.is_some(),
            },
        })
    }

    /// How the rank totals are cut into priority classes.
    fn priorities(&self, spec: &ScoreSpec) -> Result<Priorities> {
        let err = |msg: &str| {
            self
                .error_at(&spec.indicateurs.span(), format!("« priorites » : {msg}"))
                .hint("priorites = 2, ou { methode = \"seuils_naturels\", nombre = 3 }, ou { methode = \"seuils\", valeurs = [20, 30] }")
        };
        Ok(match &spec.priorites {
            PrioritiesSpec::Quantiles(n) => Priorities::Quantiles(*n),
            PrioritiesSpec::Method(m) => {
                let cuts = m
                    .valeurs
                    .as_ref()
                    .map(|v| v.iter().map(|v| v.get()).collect());
                match Priorities::of(m.methode, m.nombre, cuts) {
                    Some(priorities) => priorities,
                    None if m.methode == PrioritiesMethod::CutPoints => {
                        return Err(err("« seuils » demande « valeurs » (et pas « nombre »)"));
                    }
                    None => {
                        return Err(err("cette méthode demande « nombre » (et pas « valeurs »)"));
                    }
                }
            }
        })
    }

    /// A map of a score shows its classes of priority (at most as many as a palette has), or
    /// the named classes of a typology of flags.
    fn check_score_map(&self, score: &ScoreSpec, priorities: &Priorities) -> Result<()> {
        let Some(map) = &score.carte else {
            return Ok(());
        };
        let err = |msg: String| self.error_at(&map.sorties.span(), msg);
        match (score.methode, &score.typologie) {
            (ScoreMethod::RankSum | ScoreMethod::Weighted, _) => {
                let n = priorities.classes();
                match palette::sequential(Sequential::Oranges, n) {
                    Some(_) => Ok(()),
                    None => Err(err(format!("{n} classes de priorité : trop pour une carte"))
                        .hint("« priorites » de 2 à 7")),
                }
            }
            (ScoreMethod::Flags, Some(_)) => Ok(()),
            _ => Err(err(
                "la carte va avec « somme_des_rangs », « score_pondere », ou « drapeaux » avec [score.typologie]".into(),
            )
            .hint("retirez [score.carte], ou nommez les classes dans [score.typologie]")),
        }
    }

    /// The indicators of `[evolution]`, one per indicator and year, each year its own
    /// source: indicator `k` of year `y` is `indicators[y × K + k]`.
    pub fn evolution_plan(&self, evolution: &EvolutionSpec, level: Level) -> Result<EvolutionPlan> {
        let listed = &evolution.indicateurs;
        let years = evolution.annees.get_ref();
        self.check_years(evolution)?;
        let mut sources = Vec::with_capacity(years.len());
        let mut indicators = Vec::with_capacity(years.len() * listed.get_ref().len());
        for (y, year) in years.iter().enumerate() {
            let mut source = self.year_source(evolution, year, level)?;
            source.spec.sommes_partielles = evolution.sommes_partielles;
            source.spec.secret_bornes = evolution.secret_bornes.clone();
            sources.push(source);
            let column = |c: &String| ColumnRef {
                source: y,
                column: c.clone(),
            };
            for i in listed.get_ref() {
                let err = |message: String| self.error_at(&listed.span(), message);
                let kind = match (&i.colonne, &i.publie, &i.numerateur, &i.denominateur) {
                    (Some(c), None, None, None) => Kind::Stock(vec![column(c)]),
                    (None, None, Some(n), Some(d)) => Kind::Ratio {
                        numerator: vec![column(n)],
                        denominator: vec![column(d)],
                        scale: 100.0,
                    },
                    (None, Some(c), None, None) => published(column(c), &sources[y], self, &err)?,
                    _ => return Err(err(format!(
                                "indicateur « {} » : donnez « colonne » (un effectif), « numerateur » et « denominateur » (un taux recalculé), ou « publie » (un taux publié au niveau de la requête)",
                                i.libelle
                            ))
                        .hint("un taux publié se suit en points d'une année à l'autre ; il ne s'additionne pas")),
                };
                indicators.push(Indicator {
                    name: format!("{}_{}", i.libelle, year.year()),
                    label: i.libelle.clone(),
                    kind,
                });
            }
        }
        list_columns(&mut sources, &indicators);
        plan_secret_rules(self, &mut sources)?;
        check_vintages(self, &sources)?;
        self.check_reference_rows(&evolution.references)?;
        Ok(EvolutionPlan {
            method: MethodPlan {
                sources,
                indicators,
            },
            shape: self.evolution_shape(evolution),
        })
    }

    /// What an evolution shows, every name made an index (the names checked by `check_years`).
    fn evolution_shape(&self, evolution: &EvolutionSpec) -> EvolutionShape {
        let years: Vec<u16> = evolution
            .annees
            .get_ref()
            .iter()
            .map(YearSpec::year)
            .collect();
        let labels: Vec<String> = evolution
            .indicateurs
            .get_ref()
            .iter()
            .map(|i| i.libelle.clone())
            .collect();
        let year = |y: u16| {
            years
                .iter()
                .position(|x| *x == y)
                .expect("a year of the series: check_years")
        };
        let indicator = |label: &str| {
            labels
                .iter()
                .position(|l| l == label)
                .expect("the label of an indicator: check_years")
        };
        let changes = match &evolution.variations {
            Some(v) => v
                .get_ref()
                .iter()
                .map(|[a, b]| (year(*a), year(*b)))
                .collect(),
            None => vec![(0, years.len() - 1)],
        };
        let targets = evolution
            .cibles
            .iter()
            .flat_map(|t| t.get_ref())
            .map(|t| Target {
                indicator: indicator(&t.indicateur),
                year: year(t.annee),
                territory: t.territoire.clone(),
                aim: match (&t.valeur, &t.hausse, t.depuis) {
                    (Some(v), ..) => Aim::Value(v.get()),
                    (None, Some(rise), Some(from)) => Aim::Rise {
                        rise: rise.get(),
                        from: year(from),
                    },
                    _ => unreachable!("a value or a rise from a year: check_years"),
                },
            })
            .collect();
        let named =
            |wanted: &Option<Spanned<String>>| wanted.as_ref().map(|w| indicator(w.get_ref()));
        let charted = named(&evolution.graphique_indicateur).unwrap_or(0);
        let map = evolution.carte.as_ref().map(|map| {
            let wanted = evolution
                .carte_indicateur
                .as_ref()
                .expect("[evolution.carte] names its indicator: check_years");
            ChangeMap {
                indicator: indicator(wanted.get_ref()),
                limits: evolution
                    .carte_seuils
                    .as_ref()
                    .map(|l| l.iter().map(|v| v.get()).collect()),
                place: self.at(&wanted.span()),
                files: map.files(),
            }
        });
        let in_panels = named(&evolution.multiples_indicateur).unwrap_or(charted);
        EvolutionShape {
            title: evolution.titre.clone(),
            years,
            labels,
            changes,
            targets,
            references: evolution.references.clone(),
            charted,
            in_panels,
            chart: evolution.graphique.as_ref().map(ChartSpec::files),
            multiples: evolution.multiples.as_ref().map(ChartSpec::files),
            map,
            outputs: evolution.sorties.get_ref().clone(),
        }
    }

    /// The reference rows `rows` name territories of the query: the département and the région
    /// of its one département (the région named by the list of régions).
    fn check_reference_rows(&self, rows: &[ReferenceRow]) -> Result<()> {
        let t = &self.spec.territoire;
        let at = t.departements.span();
        let Some(row) = rows.iter().find(|r| **r != ReferenceRow::France) else {
            return Ok(());
        };
        if t.departements.get_ref().len() != 1 {
            return Err(self
                .error_at(&at, format!("la référence « {} » (ligne de tableau, seuil de carte ou borne de filtre) demande un seul département", row.key().trim_start_matches("reference:")))
                .hint("retirez-la des « references », des seuils et des filtres, ou faites une requête par département"));
        }
        if rows.contains(&ReferenceRow::Region) && t.regions_file().is_none() {
            return Err(self
                .error_at(
                    &at,
                    format!(
                        "la référence « region » demande la liste des régions du COG {}, pour la nommer",
                        t.vintage()
                    ),
                )
                .hint("ajoutez à [territoire] « liste_regions = \"…/regions.csv\" » de ce millésime (la liste intégrée est celle du COG 2026)"));
        }
        Ok(())
    }

    /// A filter of `indicator` (written `at`, for its errors): at least `at_least`, below
    /// `below`, each a number or a reference row; `what` names its place in the query.
    fn plan_filter(
        &self,
        at: &Spanned<String>,
        at_least: &Option<ThresholdSpec>,
        below: &Option<ThresholdSpec>,
        indicator: usize,
        what: &str,
    ) -> Result<Filter> {
        let span = at.span();
        let bound = |t: &Option<ThresholdSpec>| -> Result<Option<Bound>> {
            Ok(match t {
                None => None,
                Some(ThresholdSpec::Value(v)) => Some(Bound::Value(v.get())),
                Some(ThresholdSpec::Named(n)) if n == "reference:selection" => Some(Bound::Selection),
                Some(ThresholdSpec::Named(n)) => {
                    Some(Bound::Reference(ReferenceRow::from_key(n).ok_or_else(|| {
                        self.error_at(&span, format!("{what} : seuil inconnu « {n} »"))
                            .hint("un nombre, ou « reference:selection », « reference:departement », « reference:region », « reference:france »")
                    })?))
                }
            })
        };
        let (at_least, below) = (bound(at_least)?, bound(below)?);
        if at_least.is_none() && below.is_none() {
            return Err(self
                .error_at(&span, format!("{what} sans borne"))
                .hint("donnez « au_moins = … », « sous = … », ou les deux"));
        }
        if let (Some(Bound::Value(low)), Some(Bound::Value(high))) = (&at_least, &below)
            && low >= high
        {
            return Err(self
                .error_at(
                    &span,
                    format!(
                        "{what} vide : « au_moins » ({}) n'est pas sous « sous » ({})",
                        crate::format::compact(*low),
                        crate::format::compact(*high)
                    ),
                )
                .hint("les bornes gardent les valeurs de [au_moins ; sous[ : inversez-les"));
        }
        Ok(Filter {
            indicator,
            at_least,
            below,
            place: self.at(&span),
        })
    }

    /// The years of a series, each once and oldest first; its changes, each from a year of the
    /// series to a later one; its targets and chart, each of an indicator and a year it has.
    fn check_years(&self, evolution: &EvolutionSpec) -> Result<()> {
        let years: Vec<u16> = evolution
            .annees
            .get_ref()
            .iter()
            .map(YearSpec::year)
            .collect();
        if years.len() < 2 || years.windows(2).any(|w| w[0] >= w[1]) {
            let twice = years
                .iter()
                .find(|y| years.iter().filter(|x| x == y).count() > 1);
            return Err(self
                .error_at(
                    &evolution.annees.span(),
                    match twice {
                        Some(y) => format!("« annees » : l'année {y} est donnée deux fois"),
                        None => "« annees » : au moins deux années, chacune une fois, de la plus ancienne à la plus récente".to_string(),
                    },
                )
                .hint("annees = [2020, 2021, 2022] avec « fichier » et « colonne_annee », ou { annee = 2016, fichier = \"…\" } par année"));
        }
        if let Some(changes) = &evolution.variations {
            for [from, to] in changes.get_ref() {
                let message = match (years.contains(from), years.contains(to)) {
                    _ if from >= to => Some(format!(
                        "« variations » : de {from} à {to}, la première année doit précéder la seconde"
                    )),
                    (false, _) => Some(format!(
                        "« variations » : {from} n'est pas une année de la série"
                    )),
                    (_, false) => Some(format!(
                        "« variations » : {to} n'est pas une année de la série"
                    )),
                    _ => None,
                };
                if let Some(message) = message {
                    return Err(self.error_at(&changes.span(), message).hint(format!(
                        "années de la série : {}",
                        years
                            .iter()
                            .map(u16::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        }
        let labels: Vec<&str> = evolution
            .indicateurs
            .get_ref()
            .iter()
            .map(|i| i.libelle.as_str())
            .collect();
        let known = |label: &str, at: &std::ops::Range<usize>, what: &str| -> Result<()> {
            match labels.contains(&label) {
                true => Ok(()),
                false => Err(self
                    .error_at(
                        at,
                        format!("{what} : « {label} » n'est le libellé d'aucun indicateur"),
                    )
                    .hint(format!("libellés : {}", labels.join(" ; ")))),
            }
        };
        if let Some(targets) = &evolution.cibles {
            for t in targets.get_ref() {
                known(&t.indicateur, &targets.span(), "« cibles »")?;
                let refuse = |what: String, hint: &str| {
                    Err(self
                        .error_at(&targets.span(), format!("« cibles » : {what}"))
                        .hint(hint))
                };
                if !years.contains(&t.annee) {
                    return refuse(
                        format!("{} n'est pas une année de la série", t.annee),
                        "une cible se donne pour une année de « annees »",
                    );
                }
                match (&t.valeur, &t.hausse, t.depuis) {
                    (Some(_), None, None) => {}
                    (None, Some(_), Some(from)) if years.contains(&from) && from < t.annee => {}
                    (None, Some(_), Some(from)) => {
                        return refuse(
                            format!(
                                "« depuis = {from} » n'est pas une année de la série avant {}",
                                t.annee
                            ),
                            "une hausse se compte depuis une année de « annees » antérieure à celle de la cible",
                        );
                    }
                    _ => {
                        return refuse(
                            format!(
                                "la cible de {} pour {} donne ni une valeur ni une hausse depuis une année, ou les deux",
                                t.indicateur, t.annee
                            ),
                            "écrivez « valeur = 1200 », ou « hausse = 120, depuis = 2017 »",
                        );
                    }
                }
            }
        }
        if let Some(wanted) = &evolution.graphique_indicateur {
            known(wanted.get_ref(), &wanted.span(), "« graphique_indicateur »")?;
        }
        if let Some(wanted) = &evolution.multiples_indicateur {
            known(wanted.get_ref(), &wanted.span(), "« multiples_indicateur »")?;
        }
        match (&evolution.carte, &evolution.carte_indicateur) {
            (Some(map), None) => {
                return Err(self
                    .error_at(&map.sorties.span(), "[evolution.carte] sans « carte_indicateur »")
                    .hint("nommez dans [evolution] l'indicateur cartographié : carte_indicateur = \"…\" (son libellé)"));
            }
            (_, Some(wanted)) => known(wanted.get_ref(), &wanted.span(), "« carte_indicateur »")?,
            (None, None) => {}
        }
        Ok(())
    }

    /// The source of one year of a series: its own file, or the rows of that year in the
    /// evolution's `fichier`.
    fn year_source(
        &self,
        evolution: &EvolutionSpec,
        year: &YearSpec,
        level: Level,
    ) -> Result<PlannedSource> {
        let role = format!("de {}", year.year());
        let own = |file: &Spanned<String>, vintage: Option<&Spanned<u16>>| {
            own_source(
                Files::one(file),
                &evolution.colonne_code,
                evolution.niveau_fichier,
                vintage,
                &evolution.secret,
                level,
                &role,
            )
        };
        match year {
            YearSpec::OwnFile(f) => Ok(own(&f.fichier, f.millesime_fichier.as_ref())),
            YearSpec::InFile(y) => {
                let (Some(file), Some(column)) = (&evolution.fichier, &evolution.colonne_annee)
                else {
                    return Err(self
                        .error_at(&evolution.annees.span(), format!("l'année {y} n'a pas de fichier"))
                        .hint("donnez à [evolution] « fichier » et « colonne_annee » (un fichier de toutes les années), ou écrivez { annee = 2016, fichier = \"…\" }"));
                };
                let mut source = own(file, evolution.millesime_fichier.as_ref());
                source.spec.colonne_annee = Some(column.clone());
                source.spec.annee = Some(Spanned::new(file.span(), *y));
                Ok(source)
            }
        }
    }

    /// The rates of the Cnaf files of `[couverture] taux_caf` (`methode = "taux_publie"`),
    /// of several levels, as published values: the rate, then each part in `parts`, read on
    /// the rows of the query's level (and of `year`, when the files say each row's year).
    pub fn published_rates_plan(
        &self,
        files: &Spanned<Files>,
        prevailing: Option<&Spanned<String>>,
        year: Option<u16>,
        level: Level,
        parts: &[&str],
    ) -> MethodPlan {
        let mut source = own_source(
            files.clone(),
            "code",
            None,
            None,
            &[],
            level,
            "des taux de la Cnaf",
        );
        source.spec.prioritaire = prevailing.cloned();
        source.spec.secret = vec![String::new(), "s".to_string()];
        source.spec.colonne_niveau = Some("niveau".to_string());
        if let Some(year) = year {
            source.spec.colonne_annee = Some("annee".to_string());
            source.spec.annee = Some(Spanned::new(files.span(), year));
        }
        let indicators: Vec<Indicator> = std::iter::once(RATE)
            .chain(parts.iter().copied())
            .map(|column| Indicator {
                name: column.to_string(),
                label: column.to_string(),
                kind: Kind::Published(ColumnRef {
                    source: 0,
                    column: column.to_string(),
                }),
            })
            .collect();
        let mut sources = vec![source];
        list_columns(&mut sources, &indicators);
        MethodPlan {
            sources,
            indicators,
        }
    }

    /// The population of a `[[panier.normes]]` by EPCI: the stock of its columns, from its
    /// own file.
    pub fn norm_plan(&self, norm: &NormSpec) -> Result<MethodPlan> {
        let mut sources = vec![own_source(
            Files::one(&norm.fichier),
            &norm.colonne_code,
            norm.niveau_fichier,
            norm.millesime_fichier.as_ref(),
            &norm.secret,
            Level::Epci,
            &format!("de population de la norme {}", norm.service.label()),
        )];
        sources[0].spec.sommes_partielles = norm.sommes_partielles;
        sources[0].spec.secret_bornes = norm.secret_bornes.clone();
        let indicators = vec![Indicator {
            name: norm.population.clone(),
            label: norm.population.clone(),
            kind: Kind::Stock(
                norm.colonnes
                    .get_ref()
                    .iter()
                    .map(|c| ColumnRef {
                        source: 0,
                        column: c.clone(),
                    })
                    .collect(),
            ),
        }];
        list_columns(&mut sources, &indicators);
        plan_secret_rules(self, &mut sources)?;
        check_vintages(self, &sources)?;
        Ok(MethodPlan {
            sources,
            indicators,
        })
    }

    /// The columns read from an inventory are types of service (`services.laep`).
    fn check_service_columns(&self, sources: &[PlannedSource]) -> Result<()> {
        for s in sources {
            if *s.spec.niveau.get_ref() != SourceLevel::Services {
                continue;
            }
            if let Some(c) = s
                .columns
                .iter()
                .find(|c| !ServiceKind::ALL.iter().any(|k| k.key() == c.as_str()))
            {
                let keys: Vec<&str> = ServiceKind::ALL.iter().map(|k| k.key()).collect();
                return Err(self
                    .error_at(
                        &s.spec.niveau.span(),
                        format!("source « {} » : type de service inconnu « {c} »", s.name),
                    )
                    .hint(format!(
                        "les colonnes d'un inventaire sont ses types de service : {}",
                        list(&keys)
                    )));
            }
        }
        Ok(())
    }
}

impl Query {
    /// Every error [`super::Plan::resolve`] finds before computing, one per part of the query
    /// (one computation and the sections that go with it, the territory, the plan of its method,
    /// the contours, the coverage, the classes), each at its line, without consuming the query.
    pub fn problems(&self) -> Vec<Error> {
        self.method().err().unwrap_or_default()
    }

    /// The plan of the query's method, or every error of the query (see [`Query::problems`]).
    pub(super) fn method(&self) -> std::result::Result<Method, Vec<Error>> {
        self.check_sections().map_err(|e| vec![e])?;
        let t = &self.spec.territoire;
        let territory = t.territory();
        let level = *t.niveau.get_ref();
        // A coverage is planned once its checks below have passed (none: a coverage).
        let method = match (&self.spec.score, &self.spec.evolution, &self.spec.panier) {
            (Some(score), ..) => self.score_plan(score, level).map(Method::Score).map(Some),
            (_, Some(evolution), _) => self
                .evolution_plan(evolution, level)
                .map(Method::Evolution)
                .map(Some),
            (.., Some(panier)) => self.panier_plan(panier).map(Method::Panier).map(Some),
            _ if !self.spec.indicateurs.is_empty() => {
                self.indicator_plan(level).map(Method::Indicators).map(Some)
            }
            _ => Ok(None),
        };
        let checks = [
            self.check_reduced_epci(),
            territory.and_then(|territory| {
                let selection = self.selection(&territory)?;
                self.check_targets(&selection.units)
            }),
            match self.spec.draws_map() {
                true => self.map_contours().map(drop),
                false => Ok(()),
            },
            self.check_coverage()
                .and_then(|()| self.check_coverage_map()),
        ];
        let classes = self.spec.classes().into_iter().filter_map(|c| {
            c.get_ref()
                .rule()
                .err()
                .map(|why| self.error_at(&c.span(), why))
        });
        let [epci, targets, contours, coverage] = checks;
        let (method, method_error) = match method {
            Ok(method) => (Some(method), None),
            Err(e) => (None, Some(e)),
        };
        let errors: Vec<Error> = [epci, targets]
            .into_iter()
            .filter_map(Result::err)
            .chain(method_error)
            .chain(contours.err())
            .chain(coverage.err())
            .chain(classes)
            .collect();
        match (errors.is_empty(), method) {
            (true, Some(Some(method))) => Ok(method),
            (true, Some(None)) => Ok(Method::Coverage(self.coverage_plan())),
            _ => Err(errors),
        }
    }

    /// `[couverture]` asks what its files give: the Caf rates for `taux_publie` and for a reference
    /// `publiee`, the components for `ratio_de_sommes` and for a reference `calculee`, one
    /// département for a departmental reference the query does not give.
    fn check_coverage(&self) -> Result<()> {
        let Some(c) = &self.spec.couverture else {
            return Ok(());
        };
        let t = &self.spec.territoire;
        if let Some(files) = &c.taux_caf {
            check_files(self, files, c.prioritaire.as_ref())?;
        }
        match c.methode {
            CoverageMethod::Published if c.taux_caf.is_none() => {
                return Err(self
                    .error_at(
                        &t.niveau.span(),
                        "« methode = \"taux_publie\" » demande le fichier des taux Caf",
                    )
                    .hint("ajoutez « taux_caf = \"data/caf/…csv\" » dans [couverture]"));
            }
            CoverageMethod::RatioOfSums if c.composantes.is_none() => {
                return Err(self
                    .error_at(
                        &t.niveau.span(),
                        "« methode = \"ratio_de_sommes\" » demande [couverture.composantes]",
                    )
                    .hint("décrivez le fichier et ses colonnes (voir le README)"));
            }
            _ => {}
        }
        let references = [
            (&c.reference_departement, "reference_departement", true),
            (&c.reference_france, "reference_france", false),
        ];
        for (reference, key, departmental) in references {
            let err = |msg: String| self.error_at(&reference.span(), msg);
            match reference.get_ref() {
                ReferenceSpec::Value(_) => {}
                _ if departmental && t.departements.get_ref().len() != 1 => {
                    return Err(err(
                        "une référence départementale demande un seul département".into()
                    )
                    .hint("faites une requête par département, ou donnez la valeur de référence"));
                }
                ReferenceSpec::Word(ReferenceWord::Published) if c.taux_caf.is_none() => {
                    return Err(err(format!(
                        "« {key} = \"publiee\" » demande le fichier des taux Caf"
                    )));
                }
                ReferenceSpec::Word(ReferenceWord::Computed)
                    if c.methode != CoverageMethod::RatioOfSums =>
                {
                    return Err(err(format!(
                        "« {key} = \"calculee\" » demande la méthode « ratio_de_sommes »"
                    )));
                }
                ReferenceSpec::Word(_) => {}
            }
        }
        Ok(())
    }

    /// The targets of an evolution drawn for one territory name a territory of the selection.
    fn check_targets(&self, units: &[Unit]) -> Result<()> {
        let Some(targets) = self.spec.evolution.as_ref().and_then(|e| e.cibles.as_ref()) else {
            return Ok(());
        };
        let outside = targets
            .get_ref()
            .iter()
            .filter_map(|t| t.territoire.as_ref())
            .find(|code| !units.iter().any(|u| &u.code == *code));
        match outside {
            Some(code) => Err(self
                .error_at(
                    &targets.span(),
                    format!("« cibles » : « {code} » n'est pas un territoire de la sélection"),
                )
                .hint(format!(
                    "« territoire » donne le code d'un {} des départements de la requête",
                    self.spec.territoire.niveau.get_ref().noun()
                ))),
            None => Ok(()),
        }
    }

    /// The classes and colours of a map, placed at its `classes` (whose rule the plan checks).
    fn classing(&self, classes: &Spanned<ClassesSpec>, palette: Palette) -> Classing {
        Classing {
            rule: classes
                .get_ref()
                .rule()
                .expect("classes and their values go together: checked by the plan"),
            palette,
            place: self.at(&classes.span()),
        }
    }

    /// `[carte]` of a coverage query, resolved.
    fn coverage_plan(&self) -> CoveragePlan {
        let spec = &self.spec;
        CoveragePlan {
            map: spec.carte.as_ref().map(|m| self.coverage_map(m)),
            multiples: spec.multiples.as_ref().map(|m| self.parts_multiples(m)),
            list: spec.liste.as_ref().map(|l| PriorityList {
                selection: l.selection,
                title: l.titre.clone(),
                outputs: l.sorties.get_ref().clone(),
            }),
        }
    }

    fn coverage_map(&self, map: &MapSpec) -> CoverageMap {
        CoverageMap {
            classing: self.classing(&map.classes, map.palette),
            figure: figure_files(
                &map.titre,
                &map.sous_titre,
                &map.source,
                &map.sorties,
                (map.largeur_png, map.dpi_png),
            ),
            labels: map.etiquettes,
            epci_outlines: map.contours_epci,
            histogram: map.histogramme,
            legend: map.legende,
            population_symbols: map.symboles == Some(SymbolSpec::Population),
        }
    }

    /// `[multiples]` of a coverage query, resolved.
    fn parts_multiples(&self, sheet: &MultiplesSpec) -> PartsMultiples {
        PartsMultiples {
            classing: self.classing(&sheet.classes, sheet.palette),
            figure: figure_files(
                &sheet.titre,
                &sheet.sous_titre,
                &sheet.source,
                &sheet.sorties,
                (sheet.largeur_png, sheet.dpi_png),
            ),
            columns: sheet.colonnes,
            place: self.at(&sheet.sorties.span()),
        }
    }

    /// A map of coverage is of communes, EPCI or zones: a map of départements is not drawn.
    fn check_coverage_map(&self) -> Result<()> {
        let t = &self.spec.territoire;
        match (&self.spec.carte, t.niveau.get_ref()) {
            (Some(_), Level::Departement) => Err(self
                .error_at(
                    &t.niveau.span(),
                    "carte au niveau département non disponible",
                )
                .hint("cartographiez les communes ou les EPCI")),
            _ => Ok(()),
        }
    }

    /// The contours the maps are drawn on: those of [contours], or the built-in communes of the
    /// COG 2026 for a query of that vintage.
    pub fn map_contours(&self) -> Result<MapContours> {
        let t = &self.spec.territoire;
        let Some(c) = &self.spec.contours else {
            if t.vintage() == builtin::VINTAGE {
                return Ok(MapContours {
                    communes: LayerFile::builtin_communes(),
                    epci: None,
                });
            }
            return Err(self
                .error_at(
                    &t.millesime.span(),
                    format!(
                        "une carte au COG {} demande une section [contours] (les contours intégrés sont ceux du COG {})",
                        t.vintage(),
                        builtin::VINTAGE
                    ),
                )
                .hint("ajoutez [contours] avec « communes = \"…geojson\" » de ce millésime"));
        };
        Ok(MapContours {
            communes: LayerFile {
                path: c.communes.get_ref().into(),
                layer: c.couche_communes.clone(),
                property: c.propriete_code.clone(),
            },
            epci: c.epci.as_ref().map(|path| LayerFile {
                path: path.get_ref().into(),
                layer: c.couche_epci.clone(),
                property: c.propriete_siren.clone(),
            }),
        })
    }

    /// `epci_debordants = "communes"` sums each EPCI over its communes in the selection: only files
    /// finer than the EPCI can be summed so. A value published for a whole EPCI would be shown as
    /// its part: refused, at its line.
    fn check_reduced_epci(&self) -> Result<()> {
        let t = &self.spec.territoire;
        if t.epci_debordants != EpciReach::Communes {
            return Ok(());
        }
        if *t.niveau.get_ref() != Level::Epci {
            return Err(self
                .error_at(
                    &t.niveau.span(),
                    "« epci_debordants = \"communes\" » vaut pour une requête par EPCI",
                )
                .hint("retirez « epci_debordants », ou écrivez niveau = \"epci\""));
        }
        let whole = |span: &std::ops::Range<usize>, what: &str| {
            Err(self
                .error_at(span, format!("{what} : des valeurs d'EPCI entiers, qu'« epci_debordants = \"communes\" » prendrait pour leur partie dans la sélection"))
                .hint("donnez un fichier par commune ou par IRIS (niveau, ou niveau_fichier), ou retirez « epci_debordants = \"communes\" »"))
        };
        for (name, source) in &self.spec.sources {
            if *source.niveau.get_ref() == SourceLevel::Epci {
                return whole(
                    &source.niveau.span(),
                    &format!("source « {name} » par EPCI"),
                );
            }
        }
        if let Some(rates) = self
            .spec
            .couverture
            .as_ref()
            .and_then(|c| c.taux_caf.as_ref())
        {
            return whole(&rates.span(), "taux de couverture publiés par EPCI");
        }
        if let Some(score) = &self.spec.score
            && let (Some(file), None) = (&score.fichier, score.niveau_fichier)
        {
            return whole(&file.span(), "fichier du score par EPCI");
        }
        if let Some(evolution) = &self.spec.evolution
            && let (Some(file), None) = (&evolution.fichier, evolution.niveau_fichier)
        {
            return whole(&file.span(), "fichier de l'évolution par EPCI");
        }
        Ok(())
    }

    /// One computation per query, and the sections that go with it.
    pub fn check_sections(&self) -> Result<()> {
        let computed = [
            self.spec.couverture.is_some(),
            self.spec.score.is_some(),
            self.spec.panier.is_some(),
            self.spec.evolution.is_some(),
            // The indicators of a `[score]` are its inputs, not a computation of their own.
            !self.spec.indicateurs.is_empty() && self.spec.score.is_none(),
        ];
        match computed.iter().filter(|c| **c).count() {
            0 => {
                return Err(Error::new("requête sans indicateur")
                    .file(&self.path)
.kind(ErrorKind::Query)
                    .hint("ajoutez une section [indicateurs.NOM], [couverture], [score], [panier] ou [evolution]"))
            }
            1 => {}
            _ => {
                return Err(Error::new(
                    "une requête calcule un seul de [indicateurs], [couverture], [score], [panier] et [evolution]",
                )
                .file(&self.path)
.kind(ErrorKind::Query)
                .hint("faites une requête par calcul"))
            }
        }
        if self.spec.score.is_some()
            && (!self.spec.cartes.is_empty() || !self.spec.tableaux.is_empty())
        {
            return Err(
                Error::new("[cartes] et [tableaux] ne vont pas avec [score]")
                    .file(&self.path)
.kind(ErrorKind::Query)
                    .hint("la liste de priorités s'écrit par « sorties » dans [score] ; faites une requête d'indicateurs à part pour leurs cartes et tableaux"),
            );
        }
        if self.spec.indicateurs.is_empty()
            && (!self.spec.cartes.is_empty() || !self.spec.tableaux.is_empty())
        {
            return Err(
                Error::new("[cartes] et [tableaux] montrent des [indicateurs]")
                    .file(&self.path)
                    .kind(ErrorKind::Query)
                    .hint("déclarez les indicateurs qu'elles montrent : [indicateurs.NOM]"),
            );
        }
        let t = &self.spec.territoire;
        match (*t.niveau.get_ref(), &t.zonage) {
            (Level::Zone, None) => {
                return Err(self
                    .error_at(&t.niveau.span(), "« niveau = \"zone\" » sans zonage")
                    .hint("donnez le fichier commune → zone : zonage = { fichier = \"zonage.csv\", colonne_commune = \"code_commune\", colonne_zone = \"zone\" }"));
            }
            (level, Some(zoning)) if level != Level::Zone => {
                return Err(self
                    .error_at(
                        &zoning.span(),
                        "« zonage » sans « niveau = \"zone\" » : il ne servirait pas",
                    )
                    .hint(
                        "écrivez niveau = \"zone\" pour calculer par zone, ou retirez le zonage",
                    ));
            }
            _ => {}
        }
        if self.spec.priorites.is_some()
            && (self.spec.indicateurs.is_empty() || self.spec.score.is_some())
        {
            return Err(Error::new("[priorites] croise des [indicateurs]")
                .file(&self.path)
.kind(ErrorKind::Query)
                .hint("déclarez les indicateurs de chaque axe, [indicateurs.NOM], dans une requête sans [score]"));
        }
        let spec = &self.spec;
        if spec.couverture.is_none()
            && (spec.carte.is_some() || spec.multiples.is_some() || spec.liste.is_some())
        {
            return Err(
                Error::new("[carte], [multiples] et [liste] vont avec [couverture]")
                    .file(&self.path)
.kind(ErrorKind::Query)
                    .hint("les sorties des autres calculs se donnent dans leur section (« sorties = [...] », [score.carte]…)"),
            );
        }
        Ok(())
    }
}

/// A source can be summed into the query's territories only from a finer level, or taken
/// at its own.
/// `prioritaire` names one of several `files`.
pub fn check_files(
    query: &Query,
    files: &Spanned<Files>,
    prevailing: Option<&Spanned<String>>,
) -> Result<()> {
    let paths = files.get_ref().paths();
    if paths.is_empty() {
        return Err(query
            .error_at(&files.span(), "liste de fichiers vide")
            .hint("donnez au moins un fichier"));
    }
    let Some(p) = prevailing else {
        return Ok(());
    };
    if paths.len() < 2 || !paths.contains(p.get_ref()) {
        return Err(query
            .error_at(
                &p.span(),
                format!("« prioritaire » : {} n'est pas l'un de plusieurs fichiers de la liste", p.get_ref()),
            )
            .hint("« prioritaire » nomme celui des fichiers qui l'emporte quand deux donnent les mêmes lignes, écrit comme dans « fichier »"));
    }
    Ok(())
}

fn check_level(query: &Query, name: &str, source: &SourceSpec, level: Level) -> Result<()> {
    let from = *source.niveau.get_ref();
    let services = from == SourceLevel::Services;
    let refuse = |message: &str, hint: &str| {
        Err(query
            .error_at(
                &source.niveau.span(),
                format!("source « {name} » : {message}"),
            )
            .hint(hint))
    };
    check_files(query, &source.fichier, source.prioritaire.as_ref())?;
    if services && source.fichier.get_ref().paths().len() > 1 {
        return refuse(
            "un inventaire de services se lit dans un seul fichier",
            "réunissez les services dans un fichier, une ligne par service",
        );
    }
    if services && source.annee.is_none() {
        return refuse(
            "un inventaire de services demande l'année à compter",
            "ajoutez « annee = 2022 » (la colonne des années est « annee », sinon donnez « colonne_annee »)",
        );
    }
    if !services && source.services.is_some() {
        return refuse(
            "« services » ne va qu'avec « niveau = \"services\" »",
            "retirez « services », ou déclarez la source comme inventaire",
        );
    }
    if !services && source.annee.is_some() != source.colonne_annee.is_some() {
        return refuse(
            "« annee » et « colonne_annee » vont ensemble",
            "un fichier de plusieurs années se lit par « colonne_annee = \"annee\" » et « annee = 2023 » ensemble ; un fichier d'une année n'a besoin d'aucun des deux",
        );
    }
    // Services are placed in their commune or EPCI, then in the territory of any level.
    if from.fine() || from.is(level) {
        return Ok(());
    }
    Err(query
        .error_at(
            &source.niveau.span(),
            format!(
                "source « {name} » par {}, requête par {} : ses lignes ne s'additionnent pas en {}",
                from.noun(),
                level.noun(),
                level.noun()
            ),
        )
        .hint("donnez une source par commune ou par IRIS, ou faites la requête au niveau de la source"))
}

pub(super) fn list<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        return "aucun".to_string();
    }
    names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file of a method written the short way (`[score]`, `[evolution]`), as a source of
/// the query's level or of a finer one.
fn own_source(
    fichier: Spanned<Files>,
    code_column: &str,
    file_level: Option<SourceLevel>,
    vintage: Option<&Spanned<u16>>,
    secret: &[String],
    level: Level,
    role: &str,
) -> PlannedSource {
    let niveau = file_level.unwrap_or(SourceLevel::of(level));
    PlannedSource {
        name: role.to_string(),
        spec: SourceSpec {
            niveau: Spanned::new(fichier.span(), niveau),
            fichier,
            prioritaire: None,
            millesime: vintage.cloned(),
            colonne_code: code_column.to_string(),
            secret: secret.to_vec(),
            colonne_niveau: None,
            colonne_annee: None,
            annee: None,
            services: None,
            sommes_partielles: false,
            secret_bornes: None,
        },
        line: None,
        role: role.to_string(),
        columns: Vec::new(),
        published: Vec::new(),
        secret_rule: None,
    }
}

/// Each source's columns read by `indicators`, each once, in order.
fn list_columns(sources: &mut [PlannedSource], indicators: &[Indicator]) {
    for c in indicators.iter().flat_map(Indicator::columns) {
        let columns = &mut sources[c.source].columns;
        if !columns.contains(&c.column) {
            columns.push(c.column.clone());
        }
    }
    let summed: Vec<&ColumnRef> = indicators
        .iter()
        .filter(|i| !matches!(i.kind, Kind::Published(_)))
        .flat_map(Indicator::columns)
        .collect();
    for i in indicators {
        if let Kind::Published(c) = &i.kind
            && !summed.contains(&c)
        {
            let published = &mut sources[c.source].published;
            if !published.contains(&c.column) {
                published.push(c.column.clone());
            }
        }
    }
}

/// How a weighted score is made: its normalisation and each indicator's weight.
fn weighted_method(spec: &ScoreSpec) -> String {
    let weights: Vec<(f64, &str)> = spec
        .indicateurs
        .get_ref()
        .iter()
        .map(|i| (i.poids.map_or(0.0, NonNegative::get), i.libelle.as_str()))
        .collect();
    weighted_score::method_label(spec.normalisation, &weights)
}

/// The subtotals of a flag sum, as the Isère annexe counts them: the need flags, the supply
/// flags (for the groups some indicator is in), each column named by its header.
fn flag_groups(spec: &ScoreSpec) -> Vec<flags::FlagGroup> {
    [
        (FlagSide::Need, "Drapeaux de besoin"),
        (FlagSide::Supply, "Drapeaux d'offre"),
    ]
    .into_iter()
    .map(|(group, column)| flags::FlagGroup {
        column: column.to_string(),
        flags: spec
            .indicateurs
            .get_ref()
            .iter()
            .filter(|i| i.drapeau.as_ref().and_then(|d| d.groupe) == Some(group))
            .map(|i| i.key())
            .collect(),
    })
    .filter(|g| !g.flags.is_empty())
    .collect()
}

/// Only a file by commune or IRIS moves from an older COG to the query's: territories of other
/// levels are not in the movements table.
fn check_vintages(query: &Query, sources: &[PlannedSource]) -> Result<()> {
    let to = query.spec.territoire.vintage();
    for s in sources {
        let fine = s.spec.niveau.get_ref().fine();
        if let Some(from) = s
            .spec
            .millesime
            .as_ref()
            .filter(|m| *m.get_ref() != to && !fine)
        {
            return Err(query
                .error_at(
                    &from.span(),
                    format!("un fichier par territoire ne passe pas du COG {} au COG {to}", from.get_ref()),
                )
                .hint("donnez le fichier par commune ou par IRIS (« niveau_fichier »), avec des colonnes de comptage"));
        }
    }
    Ok(())
}

/// Each source's rule of the secret, once its columns are listed: it bounds counts only (a
/// rate or any published value is not a sum of cells), and the columns read.
fn plan_secret_rules(query: &Query, sources: &mut [PlannedSource]) -> Result<()> {
    for source in sources.iter_mut() {
        let Some(spec) = &source.spec.secret_bornes else {
            continue;
        };
        let at = spec.span();
        let rule = spec.get_ref().rule().map_err(|e| {
            query
                .error_at(&at, e)
                .hint("écrivez la règle du diffuseur : « cellule = [0, 4] » pour une cellule cachée de 0 à 4")
        })?;
        if let Some(column) = source.published.first() {
            return Err(query
                .error_at(&at, format!("bornes du secret sur une source dont la colonne « {column} » est une valeur publiée (un taux, une médiane), qui ne s'additionne pas"))
                .hint("les bornes du secret valent pour des effectifs : retirez « secret_bornes », ou lisez la valeur publiée d'une autre source"));
        }
        if let Some(column) = rule.row.keys().find(|c| !source.columns.contains(c)) {
            return Err(query
                .error_at(&at, format!("« ligne » borne la colonne « {column} », qu'aucun indicateur ne lit dans la source « {} »", source.name))
                .hint(format!("colonnes lues : {}", source.columns.join(", "))));
        }
        source.secret_rule = Some(rule);
    }
    Ok(())
}

/// Only the indicators `used` names (and the stocks of its shares): the sources of the
/// others are not read. `used` is renumbered in the list returned.
fn keep_used(indicators: Vec<Indicator>, used: &mut [usize]) -> Vec<Indicator> {
    let mut wanted = vec![false; indicators.len()];
    for &i in used.iter() {
        wanted[i] = true;
        if let Kind::Share(stock) = indicators[i].kind {
            wanted[stock] = true;
        }
    }
    let mut renumbered = vec![0; indicators.len()];
    let mut kept = Vec::new();
    for (i, indicator) in indicators.into_iter().enumerate() {
        if wanted[i] {
            renumbered[i] = kept.len();
            kept.push(indicator);
        }
    }
    for indicator in &mut kept {
        if let Kind::Share(stock) = &mut indicator.kind {
            *stock = renumbered[*stock];
        }
    }
    for i in used.iter_mut() {
        *i = renumbered[*i];
    }
    kept
}

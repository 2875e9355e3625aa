//! A SYNTHETIC national dataset, to measure diagterr at the scale of France and to try it
//! without the analysts' files: for every commune of the COG, over five years, the raw
//! components of the taux de couverture, the counts of the vulnerability scores and an
//! inventory of parenting services, with the queries that compute them.
//!
//! Nothing in it is observed: values are drawn around the real municipal populations, the
//! same seed giving the same bytes. It has what real files have: zeros (no crèche in a
//! village), secret cells (among the counts under 5) and, in the files of the years before
//! the COG's, the codes of communes merged since.

use std::path::{Path, PathBuf};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::error::{Error, Result};
use crate::export::write_atomic;
use crate::ingest::builtin;
use crate::territory::moves::{Fate, Movements};
use crate::territory::{Commune, Territory};

/// Said at the top of every file written.
const WARNING: &str = "# DONNÉES SYNTHÉTIQUES générées par diagterr (diagterr synthetique) : tirées au hasard autour des populations municipales réelles, elles ne décrivent aucune commune.";

/// What to generate.
pub struct Spec<'a> {
    pub territory: &'a Territory,
    /// The COG's vintage (the last year).
    pub vintage: u16,
    pub movements: &'a Movements,
    /// Paths written in the queries, as seen from where diagterr runs.
    pub communes: &'a Path,
    pub departements: &'a Path,
    pub movements_path: &'a Path,
    pub seed: u64,
    pub years: usize,
}

/// The files and queries written under `out`.
pub fn generate(spec: &Spec, out: &Path) -> Result<Vec<PathBuf>> {
    let first = spec.vintage + 1 - spec.years as u16;
    let mut written = Vec::new();
    let mut write = |name: String, text: String| -> Result<()> {
        let path = out.join(name);
        write_atomic(&path, text.as_bytes())?;
        written.push(path);
        Ok(())
    };
    let communes: Vec<&Commune> = spec.territory.communes.values().collect();
    let mut published = Published::default();
    for year in first..=spec.vintage {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed ^ u64::from(year) << 32);
        let grown = 1.0 + 0.02 * f64::from(year - first);
        // The codes of the year: communes merged since are written under their old codes.
        let moves = spec.movements.between(year, spec.vintage, spec.territory)?;
        let mut absorbed: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
        for (old, fate) in moves.moved() {
            if let Fate::Moved(new) = fate {
                absorbed.entry(new.as_str()).or_default().push(old);
            }
        }
        let mut components = format!(
            "{WARNING}\ncode_commune;eaje_psu;eaje_hors_psu;am;gad;prescol;enfants_moins_3\n"
        );
        let mut counts = format!("{WARNING}\nCODGEO;A;AM;AC3ENF;ABR\n");
        let mut sums = Sums::default();
        for c in &communes {
            let pop = c.population.unwrap_or(0.0);
            let children = (pop * rng.random_range(0.018..0.042)).round();
            let places = [
                if pop > 1500.0 && rng.random_bool(0.7) {
                    children * rng.random_range(0.05..0.45) * grown
                } else {
                    0.0
                },
                if pop > 5000.0 && rng.random_bool(0.5) {
                    children * rng.random_range(0.0..0.1) * grown
                } else {
                    0.0
                },
                if rng.random_bool(0.85) {
                    children * rng.random_range(0.1..0.7)
                } else {
                    0.0
                },
                children * rng.random_range(0.0..0.03),
                children * rng.random_range(0.0..0.06),
            ];
            let allocataires = (pop * rng.random_range(0.12..0.32)).round();
            let shares = [
                rng.random_range(0.05..0.25),
                rng.random_range(0.02..0.1),
                rng.random_range(0.05..0.35),
            ];
            // Files of a year are on the communes of that year: a commune merged since
            // is written under its own code, with its part of the counts.
            let olds = absorbed.get(c.code.as_str()).map_or(&[][..], Vec::as_slice);
            let parts = (olds.len() + 1) as f64;
            for code in std::iter::once(c.code.as_str()).chain(olds.iter().copied()) {
                components.push_str(code);
                let mut written = [0.0; 6];
                for (k, p) in places.iter().enumerate() {
                    written[k] = (p / parts).round();
                    components.push(';');
                    components.push_str(&cell(written[k], &mut rng));
                }
                written[5] = (children / parts).round();
                components.push(';');
                components.push_str(&cell(written[5], &mut rng));
                components.push('\n');
                sums.add(c, written);
            }
            for code in std::iter::once(c.code.as_str()).chain(olds.iter().copied()) {
                let a = (allocataires / parts).round();
                counts.push_str(code);
                counts.push(';');
                counts.push_str(&cell(a, &mut rng));
                for s in shares {
                    counts.push(';');
                    counts.push_str(&cell((a * s).round(), &mut rng));
                }
                counts.push('\n');
            }
        }
        write(format!("composantes-{year}-SYNTHETIQUE.csv"), components)?;
        write(format!("familles-{year}-SYNTHETIQUE.csv"), counts)?;
        published.add_year(spec.territory, year, &sums);
    }
    for (name, text) in published.files() {
        write(name, text)?;
    }
    write("services-SYNTHETIQUE.csv".into(), inventory(spec, first))?;
    for (name, text) in queries(spec, first)? {
        write(name, text)?;
    }
    Ok(written)
}

/// The places of the five parts and the children under 3 summed per EPCI, per département and for
/// France, over the values written in the components file (those hidden as secret included, as the
/// Cnaf computes its rates from its own, unmasked counts).
#[derive(Default)]
struct Sums<'a> {
    epci: std::collections::BTreeMap<&'a str, [f64; 6]>,
    departement: std::collections::BTreeMap<&'a str, [f64; 6]>,
    france: [f64; 6],
}

impl<'a> Sums<'a> {
    fn add(&mut self, commune: &'a Commune, values: [f64; 6]) {
        let add = |sum: &mut [f64; 6]| sum.iter_mut().zip(values).for_each(|(s, v)| *s += v);
        if let Some(epci) = commune.epci.as_deref() {
            add(self.epci.entry(epci).or_default());
        }
        add(self.departement.entry(&commune.departement).or_default());
        add(&mut self.france);
    }
}

/// The coverage rates of every year as the Cnaf portal publishes them (`txcouv_pe_epci`, `_dep`,
/// `_nat`: one file per level, all years in each, the level in the column names), computed from the
/// components files: the same rates a query recomputes from them.
#[derive(Default)]
struct Published {
    epci: String,
    departement: String,
    france: String,
}

impl Published {
    /// The parts of a published file, from the sums `[EAJE PSU, EAJE hors PSU, AM, GAD, préscolarisation,
    /// enfants]`: EAJE, AM, GAD, préscolarisation, all.
    fn rates(sums: &[f64; 6]) -> String {
        let [psu, other, am, gad, prescol, children] = *sums;
        [
            psu + other,
            am,
            gad,
            prescol,
            psu + other + am + gad + prescol,
        ]
        .iter()
        .map(|places| match children > 0.0 {
            true => format!(";{:.1}", 100.0 * places / children),
            false => ";".to_string(),
        })
        .collect()
    }

    fn add_year(&mut self, territory: &Territory, year: u16, sums: &Sums) {
        for (siren, s) in &sums.epci {
            let Some(epci) = territory.epcis.get(siren) else {
                continue;
            };
            // The département of most of its population, as the portal gives one.
            let mut by_departement: std::collections::BTreeMap<&str, f64> = Default::default();
            for c in epci
                .communes
                .iter()
                .filter_map(|c| territory.communes.get(c))
            {
                *by_departement.entry(&c.departement).or_default() += c.population.unwrap_or(0.0);
            }
            let dep = by_departement
                .iter()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or("", |(d, _)| d);
            let dep_name = territory.departements.get(dep).map_or("", String::as_str);
            self.epci.push_str(&format!(
                "{year};{siren};{};{dep};{dep_name}{}\n",
                epci.name,
                Self::rates(s)
            ));
        }
        for (dep, s) in &sums.departement {
            let name = territory.departements.get(*dep).map_or("", String::as_str);
            let region = territory.regions.get(*dep).map_or("", String::as_str);
            self.departement.push_str(&format!(
                "{year};{dep};{name};{region};{}\n",
                Self::rates(s)
            ));
        }
        self.france
            .push_str(&format!("{year}{}\n", Self::rates(&sums.france)));
    }

    fn files(self) -> [(String, String); 3] {
        let parts = |level: &str| {
            ["eaje", "am_ind", "gad_ind", "prescol"]
                .iter()
                .map(|p| format!(";txcouv_{p}_{level}"))
                .collect::<String>()
                + &format!(";txcouv_{level}")
        };
        [
            (
                "txcouv_pe_epci-SYNTHETIQUE.csv".to_string(),
                format!(
                    "{WARNING}\nannee;numepci;nomepci;numdep;nomdep{}\n{}",
                    parts("epci"),
                    self.epci
                ),
            ),
            (
                "txcouv_pe_dep-SYNTHETIQUE.csv".to_string(),
                format!(
                    "{WARNING}\nannee;numdep;nomdep;numregi;nomregi{}\n{}",
                    parts("dep"),
                    self.departement
                ),
            ),
            (
                "txcouv_pe_nat-SYNTHETIQUE.csv".to_string(),
                format!("{WARNING}\nannee{}\n{}", parts("nat"), self.france),
            ),
        ]
    }
}

/// A count as published: some counts from 1 to 4 are secret (`s`); most small counts of a
/// real file are grouped upstream, so only one in a hundred is drawn secret here.
fn cell(v: f64, rng: &mut Xoshiro256PlusPlus) -> String {
    if v > 0.0 && v < 5.0 && rng.random_bool(0.01) {
        "s".to_string()
    } else {
        format!("{v:.0}")
    }
}

/// Services of each EPCI, year by year: more in the populous ones, a few opening each year.
fn inventory(spec: &Spec, first: u16) -> String {
    let kinds = [
        "Reaap",
        "LAEP",
        "Clas",
        "Médiation familiale",
        "Relais petite enfance",
        "EAJE",
    ];
    let mut text = format!("{WARNING}\ncode;type;annee;nombre\n");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(spec.seed ^ 0x5E7_51C);
    for epci in spec.territory.epcis.values() {
        let Some(seat) = epci
            .communes
            .iter()
            .filter_map(|c| spec.territory.communes.get(c))
            .max_by(|a, b| {
                a.population
                    .unwrap_or(0.0)
                    .total_cmp(&b.population.unwrap_or(0.0))
            })
        else {
            continue;
        };
        let pop: f64 = epci
            .communes
            .iter()
            .filter_map(|c| spec.territory.communes.get(c)?.population)
            .sum();
        let weight = (pop / 60_000.0).min(1.0);
        for kind in kinds {
            // The year the service opens, if it does within the period.
            let opens = rng.random_range(0.0..1.0) < 0.35 + 0.6 * weight;
            let since = first + rng.random_range(0..spec.years as u16 + 2);
            for year in first..=spec.vintage {
                if opens && year >= since {
                    let count = 1 + (weight * rng.random_range(0.0..4.0)) as u32;
                    text.push_str(&format!("{};{kind};{year};{count}\n", seat.code));
                }
            }
        }
    }
    text
}

/// The queries of the national recomputation: coverage of every year at three levels,
/// the three scores, the panier over the years.
fn queries(spec: &Spec, first: u16) -> Result<Vec<(String, String)>> {
    let deps: Vec<String> = spec
        .territory
        .departements
        .keys()
        .map(|d| format!("\"{d}\""))
        .collect();
    let deps = deps.join(", ");
    // The queries are in `requetes/`, beside the files they read; COG tables other than
    // the built-in ones are named by their absolute path, so that the folder runs from
    // anywhere.
    let file = |name: &str| format!("../{name}");
    let mut cog = String::new();
    for (key, path) in [
        ("communes", spec.communes),
        ("liste_departements", spec.departements),
        ("mouvements", spec.movements_path),
    ] {
        if !builtin::is_builtin(path) {
            let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
            let absolute = crate::query::toml_escaped(&absolute.to_string_lossy());
            cog.push_str(&format!("{key} = \"{absolute}\"\n"));
        }
    }
    let territory = |level: &str| {
        format!(
            "[territoire]\nniveau = \"{level}\"\ndepartements = [{deps}]\nmillesime = {}\n{cog}\n",
            spec.vintage,
        )
    };
    let mut queries = Vec::new();
    for year in first..=spec.vintage {
        for level in ["commune", "epci", "departement"] {
            queries.push((
                format!("requetes/couverture-{level}-{year}.toml"),
                format!(
                    "# DONNÉES SYNTHÉTIQUES.\n{}[couverture]\nmethode = \"ratio_de_sommes\"\nannee = {year}\n\
                     reference_departement = 60.9\nreference_france = 60.9\n\n\
                     [couverture.composantes]\nfichier = \"{}\"\ncommune = \"code_commune\"\n\
                     enfants = \"enfants_moins_3\"\nmillesime_fichier = {year}\n\
                     places = {{ eaje_psu = \"EAJE PSU\", eaje_hors_psu = \"EAJE hors PSU\", am = \"Assistants maternels\", gad = \"Garde à domicile\", prescol = \"Préscolarisation\" }}\n\n\
                     [liste]\nselection = \"sous_les_deux_references\"\nsorties = [\"sorties/couverture-{level}-{year}.csv\"]\n",
                    territory(level),
                    file(&format!("composantes-{year}-SYNTHETIQUE.csv"))
                ),
            ));
        }
    }
    // By commune: secret counts of small communes make only those communes unranked.
    let indicators = "indicateurs = [\n  { numerateur = \"AM\", denominateur = \"A\", libelle = \"Monoparents (%)\", poids = 0.4, drapeau = { test = \">\", seuil = 15 } },\n  { numerateur = \"AC3ENF\", denominateur = \"A\", libelle = \"Familles nombreuses (%)\", poids = 0.3, drapeau = { test = \">\", seuil = 6 } },\n  { numerateur = \"ABR\", denominateur = \"A\", libelle = \"Bas revenus (%)\", poids = 0.3, drapeau = { test = \">\", seuil = 20 } },\n]\n";
    for method in ["somme_des_rangs", "score_pondere", "drapeaux"] {
        queries.push((
            format!("requetes/score-{method}.toml"),
            format!(
                "# DONNÉES SYNTHÉTIQUES.\n{}[score]\nmethode = \"{method}\"\nfichier = \"{}\"\n\
                 niveau_fichier = \"commune\"\nmillesime_fichier = {first}\nsecret = [\"s\"]\n{indicators}\
                 titre = \"Score {method}\"\nsorties = [\"sorties/score-{method}.csv\"]\n",
                territory("commune"),
                file(&format!("familles-{first}-SYNTHETIQUE.csv"))
            ),
        ));
    }
    let years: Vec<String> = (first..=spec.vintage).map(|y| y.to_string()).collect();
    queries.push((
        "requetes/panier.toml".into(),
        format!(
            "# DONNÉES SYNTHÉTIQUES.\n{}[panier]\ntitre = \"Panier de services parentalité, France (données synthétiques)\"\n\
             inventaire = \"{}\"\ncolonne_nombre = \"nombre\"\nannees = [{}]\n\
             composition = [{{ service = \"reaap\" }}, {{ service = \"laep\" }}, {{ service = \"clas\" }}, {{ service = \"mediation_familiale\" }}]\n\
             sorties = [\"sorties/panier.csv\"]\nsynthese = [\"sorties/panier-synthese.csv\"]\n",
            territory("epci"),
            file("services-SYNTHETIQUE.csv"),
            years.join(", ")
        ),
    ));
    Ok(queries)
}

//! Loading the COG hierarchy (commune → EPCI → département) from the INSEE and
//! DGCL-derived tables.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use compact_str::CompactString;
use foldhash::fast::FixedState;

use polars::prelude::*;

use super::{CodeMap, Level, Unit};
use crate::error::{Error, Result};
use crate::ingest::{self, LINE_COLUMN, Table, builtin, layouts};

/// Its texts are short (a code, a name of a few words): held inline, without an allocation each.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: CompactString,
    pub name: CompactString,
    pub departement: CompactString,
    pub population: Option<f64>,
    pub epci: Option<CompactString>,
    /// Its zone, in a territory read with a zoning.
    pub zone: Option<CompactString>,
}

impl Commune {
    /// Whether it lies in one of the départements `deps`.
    pub fn in_departements(&self, deps: &[String]) -> bool {
        deps.iter().any(|d| *d == self.departement)
    }

    /// Its territory of `level` (`None`: a commune without EPCI).
    pub fn parent(&self, level: Level) -> Option<&str> {
        match level {
            Level::Commune => Some(&self.code),
            Level::Epci => self.epci.as_deref(),
            Level::Departement => Some(&self.departement),
            Level::Zone => self.zone.as_deref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Epci {
    pub siren: CompactString,
    pub name: CompactString,
    /// CC, CA, CU, ME (métropole)…
    pub kind: CompactString,
    pub communes: Vec<CompactString>,
    /// Départements of the member communes, sorted.
    pub departements: Vec<String>,
}

/// The territorial hierarchy of one COG vintage.
/// A row of the table of communes, as read (a file) or decoded (the built-in COG).
pub(crate) struct CommuneRow<'a> {
    /// Its line in the file, for the errors.
    pub line: usize,
    pub code: &'a str,
    pub name: &'a str,
    pub departement: &'a str,
    pub population: Option<f64>,
    pub siren: Option<&'a str>,
    pub epci_name: &'a str,
    pub epci_kind: &'a str,
}

#[derive(Debug, Clone, Default)]
pub struct Territory {
    /// Shared with the moves to this vintage, which ask it for codes and populations.
    pub communes: Arc<CodeMap<Commune>>,
    pub epcis: CodeMap<Epci>,
    /// The zones of a zoning (code, name, communes), when the query gives one; none otherwise.
    pub zones: CodeMap<Epci>,
    /// The EPCI reduced to their communes in the query's départements (see [`Territory::within`]).
    pub reduced: Vec<String>,
    /// Département code → name.
    pub departements: BTreeMap<String, String>,
    /// Département code → its région's code, when the list of départements gives it.
    pub regions: BTreeMap<String, String>,
    /// Département code → its number of communes.
    commune_counts: HashMap<String, usize, FixedState>,
    numbering: Numbering,
    pub(super) selections: super::selection::Selections,
}

/// Each commune's territory number per level above the commune, found once for all the
/// queries that share the territory. Not copied with it: a copy is made to be changed (reduced
/// to départements, given zones).
#[derive(Debug, Default)]
struct Numbering([OnceLock<Vec<AtomicU32>>; 3]);

impl Clone for Numbering {
    fn clone(&self) -> Self {
        Numbering::default()
    }
}

impl Territory {
    /// [`Territory::shared`], with the zones of `zoning` when there is one, and its EPCI reduced to
    /// their communes `within` these départements when given (see [`Territory::within`]).
    pub fn shared_with(
        communes_epci: &Path,
        departements: &Path,
        zoning: Option<super::ZoningFile>,
        within: Option<&[String]>,
    ) -> Result<Arc<Territory>> {
        if zoning.is_none() && within.is_none() {
            return Territory::shared(communes_epci, departements);
        }
        let variant = format!(
            "{:?}|{:?}",
            zoning.map(|z| (z.commune, z.zone, z.name)),
            within
        );
        let mut files = vec![communes_epci, departements];
        files.extend(zoning.map(|z| z.path));
        crate::once::per_files(&files, &variant, || {
            let mut territory = Territory::shared(communes_epci, departements)?;
            if let Some(zoning) = zoning {
                territory = Arc::new(territory.with_zoning(zoning)?);
            }
            Ok(match within {
                Some(deps) => (*territory).clone().within(deps),
                None => (*territory).clone(),
            })
        })
    }

    /// This territory with each EPCI reduced to its communes in `deps`: the communes beyond leave it
    /// (in no EPCI), and an EPCI that loses some is named « (partie dans la sélection) », so that its
    /// part is never taken for the whole.
    pub fn within(mut self, deps: &[String]) -> Territory {
        for commune in Arc::make_mut(&mut self.communes).values_mut() {
            if !commune.in_departements(deps) {
                commune.epci = None;
            }
        }
        let communes = &self.communes;
        for epci in self.epcis.values_mut() {
            if epci.departements.iter().all(|d| deps.contains(d)) {
                continue;
            }
            epci.communes
                .retain(|c| communes.get(c).is_some_and(|c| c.epci.is_some()));
            epci.departements.retain(|d| deps.contains(d));
            if !epci.communes.is_empty() {
                epci.name =
                    compact_str::format_compact!("{} (partie dans la sélection)", epci.name);
                self.reduced.push(epci.siren.to_string());
            }
        }
        self.numbering = Numbering::default();
        self.selections = Default::default();
        self
    }

    /// Reads the commune → EPCI table and the list of départements.
    pub fn load(communes_epci: &Path, departements: &Path) -> Result<Territory> {
        // The files of data/cog, as a query of the examples names them, are the built-in COG:
        // decoded, not parsed.
        if builtin::is_cog_file(communes_epci, departements) {
            return Ok(Territory::builtin());
        }
        Territory::parsed(communes_epci, departements)
    }

    /// [`Territory::load`], once per process for the same files unchanged: a batch of
    /// queries on one COG reads it once. The built-in COG is decoded, not parsed.
    pub fn shared(communes_epci: &Path, departements: &Path) -> Result<Arc<Territory>> {
        crate::once::per_files(&[communes_epci, departements], "", || {
            match communes_epci == Path::new(builtin::COMMUNES)
                && departements == Path::new(builtin::DEPARTEMENTS)
            {
                true => Ok(Territory::builtin()),
                false => Territory::load(communes_epci, departements),
            }
        })
    }

    /// [`Territory::load`] by parsing the files, whatever they hold.
    fn parsed(communes_epci: &Path, departements: &Path) -> Result<Territory> {
        let communes = ingest::read_table(communes_epci, &layouts::communes_epci())?;
        let deps = ingest::read_table(departements, &layouts::departements())?;
        Territory::from_tables(&communes, &deps)
    }

    pub fn from_tables(communes: &Table, departements: &Table) -> Result<Territory> {
        let df = &departements.df;
        let regions = df.column("REG").ok().map(|c| c.str()).transpose()?;
        let deps = str_col(df, "DEP")?
            .iter()
            .zip(str_col(df, "LIBELLE")?.iter())
            .enumerate()
            .filter_map(|(i, (code, name))| Some((code?, name?, regions.and_then(|r| r.get(i)))));
        let df = &communes.df;
        let lines = df.column(LINE_COLUMN)?.u32()?;
        let codes = str_col(df, "code_commune")?;
        let names = str_col(df, "nom_commune")?;
        let deps_of = str_col(df, "dep")?;
        let sirens = str_col(df, "siren_epci")?;
        let epci_names = str_col(df, "nom_epci")?;
        // The EPCI type is optional in the layout: an absent column gives empty kinds.
        let kinds = df.column("type_epci").ok().map(|c| c.str()).transpose()?;
        let pops = df.column("population_municipale")?.f64()?;
        let rows = codes
            .iter()
            .zip(deps_of.iter())
            .enumerate()
            // The reader refuses empty required codes.
            .filter_map(|(i, (code, dep))| {
                Some(CommuneRow {
                    line: lines.get(i).unwrap_or(0) as usize,
                    code: code?,
                    name: names.get(i).unwrap_or(""),
                    departement: dep?,
                    population: pops.get(i),
                    siren: sirens.get(i),
                    epci_name: epci_names.get(i).unwrap_or(""),
                    epci_kind: kinds.and_then(|k| k.get(i)).unwrap_or(""),
                })
            });
        Territory::from_rows(deps, rows, &communes.source)
    }

    /// The COG 2026 shipped in the binary, decoded from the form `build.rs` gives it (no CSV
    /// to parse: see [`super::builtin_cog`]).
    pub fn builtin() -> Territory {
        let (deps, communes) = super::builtin_cog::decoded();
        Territory::from_rows(deps.into_iter(), communes, Path::new(builtin::COMMUNES))
            .expect("the built-in COG is consistent: tested against its CSV")
    }

    /// The territory of the départements `deps` (code, name, région) and the communes `rows`
    /// (read from `source`, in the order of the file, each code once).
    fn from_rows<'a>(
        deps: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
        rows: impl Iterator<Item = CommuneRow<'a>>,
        source: &Path,
    ) -> Result<Territory> {
        let mut t = Territory::default();
        for (code, name, region) in deps {
            t.departements.insert(code.to_string(), name.to_string());
            if let Some(region) = region {
                t.regions.insert(code.to_string(), region.to_string());
            }
        }
        // Gathered in file order, then sorted once (the reader has refused duplicate codes).
        let mut all: Vec<(CompactString, Commune)> = Vec::with_capacity(rows.size_hint().0);
        let mut epcis: HashMap<&str, Epci, FixedState> = HashMap::default();
        let mut counts: HashMap<&str, usize, FixedState> = HashMap::default();
        // The file lists communes by département: one lookup per run of them.
        let mut known_dep = None;
        for row in rows {
            let (code, dep) = (row.code, row.departement);
            if known_dep != Some(dep) && !t.departements.contains_key(dep) {
                return Err(Error::new(format!(
                    "département « {dep} » absent de la liste des départements"
                ))
                .file(source)
                .line(row.line)
                .column("dep")
                .hint("utilisez la liste des départements du même millésime que les communes"));
            }
            known_dep = Some(dep);
            *counts.entry(dep).or_default() += 1;
            if let Some(siren) = row.siren {
                let e = epcis.entry(siren).or_insert_with(|| Epci {
                    siren: siren.into(),
                    name: row.epci_name.into(),
                    kind: row.epci_kind.into(),
                    communes: Vec::new(),
                    departements: Vec::new(),
                });
                e.communes.push(code.into());
                if !e.departements.iter().any(|d| d == dep) {
                    e.departements.push(dep.to_string());
                    e.departements.sort();
                }
            }
            all.push((
                code.into(),
                Commune {
                    code: code.into(),
                    name: row.name.into(),
                    departement: dep.into(),
                    population: row.population,
                    epci: row.siren.map(CompactString::from),
                    zone: None,
                },
            ));
        }
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        t.commune_counts = counts
            .into_iter()
            .map(|(d, n)| (d.to_string(), n))
            .collect();
        let mut epcis: Vec<(CompactString, Epci)> =
            epcis.into_values().map(|e| (e.siren.clone(), e)).collect();
        epcis.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        t.communes = Arc::new(CodeMap::from_sorted(all));
        t.epcis = CodeMap::from_sorted(epcis);
        Ok(t)
    }

    /// Refuses a département code the COG does not know.
    pub fn check_departements(&self, deps: &[String]) -> Result<()> {
        for d in deps {
            if !self.departements.contains_key(d) {
                return Err(Error::new(format!("département inconnu « {d} »"))
                    .code(d)
                    .hint("écrivez le code INSEE sur deux caractères (« 01 », « 2A ») ou trois pour les DROM (« 971 »)"));
            }
        }
        Ok(())
    }

    /// The départements of the région of `dep` (`None`: the list of départements does not
    /// give its région).
    pub fn departements_of_region(&self, dep: &str) -> Option<(&str, Vec<String>)> {
        let region = self.regions.get(dep)?;
        let deps = self
            .regions
            .iter()
            .filter(|(_, r)| *r == region)
            .map(|(d, _)| d.clone())
            .collect();
        Some((region, deps))
    }

    /// The territories of `level` lying (at least partly) in `deps`, sorted by code.
    pub fn units(&self, level: Level, deps: &[String]) -> Vec<Unit> {
        // Asked once per commune: hashed, not searched in a tree.
        let wanted: HashSet<&str, FixedState> = deps.iter().map(String::as_str).collect();
        match level {
            Level::Commune => self
                .communes
                .values()
                .filter(|c| wanted.contains(c.departement.as_str()))
                .map(|c| Unit {
                    code: c.code.to_string(),
                    name: c.name.to_string(),
                    departements: vec![c.departement.to_string()],
                })
                .collect(),
            Level::Epci | Level::Zone => self
                .groups(level)
                .values()
                .filter(|e| e.departements.iter().any(|d| wanted.contains(d.as_str())))
                .map(|e| Unit {
                    code: e.siren.to_string(),
                    name: e.name.to_string(),
                    departements: e.departements.clone(),
                })
                .collect(),
            Level::Departement => self
                .departements
                .iter()
                .filter(|(code, _)| wanted.contains(code.as_str()))
                .map(|(code, name)| Unit {
                    code: code.clone(),
                    name: name.clone(),
                    departements: vec![code.clone()],
                })
                .collect(),
        }
    }

    /// The groups of communes of `level`: the EPCI, or the zones of the zoning.
    fn groups(&self, level: Level) -> &CodeMap<Epci> {
        match level {
            Level::Zone => &self.zones,
            _ => &self.epcis,
        }
    }

    /// The share of the population of group `code` of `level` (an EPCI, a zone) that lives in `deps`
    /// (by the populations of its communes; `None` when the table gives none).
    pub fn population_share_in(&self, level: Level, code: &str, deps: &[String]) -> Option<f64> {
        let epci = self.groups(level).get(code)?;
        let (mut inside, mut all) = (0.0, 0.0);
        for c in epci.communes.iter().filter_map(|c| self.communes.get(c)) {
            let population = c.population?;
            all += population;
            if c.in_departements(deps) {
                inside += population;
            }
        }
        (all > 0.0).then(|| inside / all)
    }

    /// Whether `code` is a territory of `level` in this COG.
    pub fn knows(&self, level: Level, code: &str) -> bool {
        match level {
            Level::Commune => self.communes.contains_key(code),
            Level::Epci => self.epcis.contains_key(code),
            Level::Departement => self.departements.contains_key(code),
            Level::Zone => self.zones.contains_key(code),
        }
    }

    /// The municipal population of every territory of `level`, by its code.
    pub fn populations(&self, level: Level) -> HashMap<&str, f64> {
        let mut sums = HashMap::new();
        for c in self.communes.values() {
            if let (Some(code), Some(p)) = (self.parent(&c.code, level), c.population) {
                *sums.entry(code).or_insert(0.0) += p;
            }
        }
        sums
    }

    /// The territory of `level` a commune belongs to (`None`: a commune without EPCI).
    pub fn parent(&self, commune: &str, level: Level) -> Option<&str> {
        self.communes.get(commune)?.parent(level)
    }

    /// The codes of the territories of `level`, in code order: a territory's rank there is its
    /// number (a commune's is its rank in `communes`).
    pub fn codes(&self, level: Level) -> Vec<&str> {
        match level {
            Level::Commune => self.communes.keys().map(CompactString::as_str).collect(),
            Level::Epci | Level::Zone => self
                .groups(level)
                .keys()
                .map(CompactString::as_str)
                .collect(),
            Level::Departement => self.departements.keys().map(String::as_str).collect(),
        }
    }

    /// The number of the territory of `level` of the commune of rank `rank` (the territory's
    /// rank in [`Territory::codes`]); `None` for a commune in no territory of the level. Found
    /// once per commune for all the queries sharing the territory.
    pub fn parent_number(&self, level: Level, rank: usize) -> Option<usize> {
        let slot = match level {
            Level::Commune => return Some(rank),
            Level::Epci => 0,
            Level::Departement => 1,
            Level::Zone => 2,
        };
        let numbers = self.numbering.0[slot].get_or_init(|| {
            (0..self.communes.len())
                .map(|_| AtomicU32::new(0))
                .collect()
        });
        // 0: not found yet; 1: in no territory of the level; n + 2: territory n.
        match numbers[rank].load(Ordering::Relaxed) {
            0 => {
                let commune = self.communes.value_at(rank);
                let number = commune.parent(level).map(|parent| match level {
                    Level::Departement => {
                        let known = self.departements.contains_key(parent);
                        assert!(known, "a commune's département is of its COG");
                        let before = (Bound::Unbounded, Bound::Excluded(parent));
                        self.departements.range::<str, _>(before).count()
                    }
                    _ => {
                        let group = self.groups(level).get_full(parent);
                        group.expect("a commune's territory is of its COG").0
                    }
                });
                numbers[rank].store(number.map_or(1, |n| n as u32 + 2), Ordering::Relaxed);
                number
            }
            1 => None,
            n => Some(n as usize - 2),
        }
    }

    /// How many communes territory `code` of `level` has (0 for a code it does not know).
    pub fn commune_count(&self, level: Level, code: &str) -> usize {
        match level {
            Level::Commune => usize::from(self.communes.contains_key(code)),
            Level::Epci | Level::Zone => {
                self.groups(level).get(code).map_or(0, |e| e.communes.len())
            }
            Level::Departement => self.commune_counts.get(code).copied().unwrap_or(0),
        }
    }

    /// [`Territory::commune_count`] of the territory of number `t` (its rank in
    /// [`Territory::codes`]): asked for every territory a file reaches, not looked up by code.
    pub fn commune_count_at(&self, level: Level, t: usize) -> usize {
        match level {
            Level::Commune => 1,
            Level::Epci | Level::Zone => self.groups(level).value_at(t).communes.len(),
            // A hundred at most.
            Level::Departement => self
                .departements
                .keys()
                .nth(t)
                .map_or(0, |code| self.commune_count(level, code)),
        }
    }
}

/// A string column of a frame read by `ingest` (present by the layout's contract).
pub(crate) fn str_col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a StringChunked> {
    Ok(df.column(name)?.str()?)
}

#[cfg(test)]
impl Territory {
    /// The COG 2026 of `data/cog`, for the tests.
    pub fn cog_2026() -> Territory {
        let cog = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cog");
        Territory::load(
            &cog.join("communes-epci-population-2026.csv"),
            &cog.join("departements.csv"),
        )
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cog_2026() -> Territory {
        Territory::cog_2026()
    }

    #[test]
    fn the_builtin_cog_decoded_is_the_territory_its_csv_gives() {
        let parsed = Territory::parsed(
            Path::new(builtin::COMMUNES),
            Path::new(builtin::DEPARTEMENTS),
        )
        .unwrap();
        let decoded = Territory::builtin();
        assert_eq!(decoded.communes.len(), 34_875);
        assert!(parsed.communes.iter().eq(decoded.communes.iter()));
        assert!(parsed.epcis.iter().eq(decoded.epcis.iter()));
        assert_eq!(parsed.departements, decoded.departements);
        assert_eq!(parsed.regions, decoded.regions);
        assert_eq!(parsed.commune_counts, decoded.commune_counts);
        // A query naming the built-in tables, or the same files of data/cog, gets the decoded one.
        let shared = Territory::shared(
            Path::new(builtin::COMMUNES),
            Path::new(builtin::DEPARTEMENTS),
        )
        .unwrap();
        assert!(shared.communes.iter().eq(decoded.communes.iter()));
        let cog = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cog");
        let (communes, deps) = (
            std::fs::read(cog.join("communes-epci-population-2026.csv")).unwrap(),
            std::fs::read(cog.join("departements.csv")).unwrap(),
        );
        assert!(builtin::is_cog(&communes, &deps));
        // A file changed by one character is another table: parsed.
        let mut changed = communes.clone();
        let at = changed.iter().rposition(|b| b.is_ascii_digit()).unwrap();
        changed[at] = if changed[at] == b'9' {
            b'8'
        } else {
            changed[at] + 1
        };
        assert!(!builtin::is_cog(&changed, &deps));
    }

    #[test]
    fn hierarchy_with_an_epci_across_two_departements() {
        let t = cog_2026();
        // CA Beaune, Côte et Sud lies in Côte-d'Or and Saône-et-Loire.
        let beaune = &t.epcis["200006682"];
        assert_eq!(beaune.departements, ["21", "71"]);
        let in_71 = t.units(Level::Epci, &["71".to_string()]);
        assert_eq!(in_71.len(), 20);
        assert!(in_71.iter().any(|u| u.code == "200006682"));
        assert_eq!(t.parent("63113", Level::Epci), Some("246300701"));
        assert_eq!(t.parent("63113", Level::Departement), Some("63"));
        assert_eq!(t.units(Level::Commune, &["63".to_string()]).len(), 463);
        assert_eq!(t.commune_count(Level::Departement, "63"), 463);
        assert_eq!(
            t.commune_count(Level::Epci, "200006682"),
            beaune.communes.len()
        );
        assert_eq!(t.commune_count(Level::Commune, "63113"), 1);
        // By number, the same.
        for level in [Level::Commune, Level::Epci, Level::Departement] {
            for (n, code) in t.codes(level).iter().enumerate() {
                assert_eq!(t.commune_count_at(level, n), t.commune_count(level, code));
            }
        }
        // Occitanie: thirteen départements, the Hérault among them.
        let (region, deps) = t.departements_of_region("34").unwrap();
        assert_eq!((region, deps.len()), ("76", 13));
        assert!(deps.contains(&"34".to_string()));
    }

    #[test]
    fn a_commune_numbers_its_territories_and_a_reduced_copy_numbers_them_again() {
        let t = cog_2026();
        let number = |t: &Territory, commune: &str, level: Level| {
            let (rank, _) = t.communes.get_full(commune).unwrap();
            t.parent_number(level, rank)
                .map(|n| t.codes(level)[n].to_string())
        };
        assert_eq!(number(&t, "63113", Level::Commune).unwrap(), "63113");
        assert_eq!(number(&t, "63113", Level::Epci).unwrap(), "246300701");
        assert_eq!(number(&t, "63113", Level::Departement).unwrap(), "63");
        // Beaune's EPCI reduced to the Saône-et-Loire: a commune of the Côte-d'Or leaves it,
        // though the whole territory numbered it before the copy.
        let beaune = t.epcis["200006682"].communes.clone();
        let in_21 = beaune.iter().find(|c| c.starts_with("21")).unwrap();
        assert_eq!(number(&t, in_21, Level::Epci).unwrap(), "200006682");
        let reduced = t.clone().within(&["71".to_string()]);
        assert_eq!(number(&reduced, in_21, Level::Epci), None);
        let in_71 = beaune.iter().find(|c| c.starts_with("71")).unwrap();
        assert_eq!(number(&reduced, in_71, Level::Epci).unwrap(), "200006682");
        // Every commune, at every level: the number of the territory it names.
        for t in [&t, &reduced] {
            for level in [Level::Commune, Level::Epci, Level::Departement] {
                let codes = t.codes(level);
                for (rank, commune) in t.communes.values().enumerate() {
                    let named = t.parent_number(level, rank).map(|n| codes[n]);
                    assert_eq!(named, commune.parent(level), "{} {level:?}", commune.code);
                }
            }
        }
    }

    #[test]
    fn unknown_departement_is_refused_with_a_hint() {
        let err = cog_2026()
            .check_departements(&["6".to_string()])
            .unwrap_err();
        assert!(
            err.to_string().contains("département inconnu « 6 »"),
            "{err}"
        );
        assert!(err.hint.is_some());
    }
}

//! Commune codes from one COG vintage to another, from the INSEE table of movements
//! (`v_mvt_commune`): mergers, restorations (splits), code changes. A file of 2016 is read
//! with the communes of 2016; the query works on those of 2026.
//!
//! A vintage Y is the state of the 1st of January of Y, movements of that day included.
//! A code moves whole when its commune was merged or recoded, and in shares when it was
//! split: each part gets the share of the population of the target vintage of the
//! communes it became.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use foldhash::fast::FixedState;

use super::{CodeMap, Commune, Territory, str_col};
use crate::error::{Error, Result};
use crate::export::{Align, OutTable};
use crate::format;
use crate::ingest::{self, ColumnKind, ColumnSpec, TableSpec};
use crate::notice::Moved;

/// One row of the table: commune `from` became commune `to` on `date`.
#[derive(Debug, Clone, PartialEq)]
struct Movement {
    /// `AAAA-MM-JJ`.
    date: String,
    /// INSEE code of the movement (31 fusion simple, 32 commune nouvelle, 21 rétablissement…).
    kind: u8,
    from: String,
    to: String,
}

/// What became of a code, in [`Moves::report`]'s second column.
const CHANGED: &str = "changé ou fusionné";
const SPLIT: &str = "partagé";
const UNKNOWN: &str = "inconnu";

/// The INSEE table of movements of communes.
#[derive(Debug, Clone)]
pub struct Movements {
    pub source: PathBuf,
    /// Commune → commune rows only, in date order; shared by every [`Moves`] made of them.
    rows: Arc<Vec<Movement>>,
}

/// What became of one code of the source vintage.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// Still a commune of the target vintage.
    Same,
    /// Became one commune (merger, new code).
    Moved(String),
    /// Split: each part and its share (summing to 1).
    Split(Vec<(String, f64)>),
    /// A code no vintage knows, or gone before the source vintage.
    Unknown(String),
}

/// The passage of every code from vintage `from` to vintage `to`.
#[derive(Debug, Clone)]
pub struct Moves {
    pub from: u16,
    pub to: u16,
    /// "population municipale du COG 2026": what split shares are taken from.
    pub shares_from: String,
    // Hashed with a fixed fast hasher: every row of a national file asks its fate.
    fates: HashMap<String, (Fate, String), FixedState>,
    movements: Movements,
    /// The communes of the target vintage: their codes, populations and ranks.
    target: Arc<CodeMap<Commune>>,
}

impl Movements {
    pub fn load(path: &Path) -> Result<Movements> {
        // Text, not codes: a creation has no "before", a deletion no "after".
        let code = |name: &str| ColumnSpec::required(name, ColumnKind::Text);
        let table = ingest::read_table(
            path,
            &TableSpec {
                columns: vec![
                    code("MOD"),
                    code("DATE_EFF"),
                    code("TYPECOM_AV"),
                    code("COM_AV"),
                    code("TYPECOM_AP"),
                    code("COM_AP"),
                ],
                ..TableSpec::default()
            },
        )?;
        let df = &table.df;
        let (kinds, dates) = (str_col(df, "MOD")?, str_col(df, "DATE_EFF")?);
        let (type_av, com_av) = (str_col(df, "TYPECOM_AV")?, str_col(df, "COM_AV")?);
        let (type_ap, com_ap) = (str_col(df, "TYPECOM_AP")?, str_col(df, "COM_AP")?);
        let mut rows = Vec::new();
        for i in 0..df.height() {
            if type_av.get(i) != Some("COM") || type_ap.get(i) != Some("COM") {
                continue; // communes déléguées, associées, arrondissements
            }
            let date = dates.get(i).unwrap_or("");
            let kind = kinds.get(i).and_then(|k| k.parse().ok());
            let (Some(kind), true) = (kind, is_date(date)) else {
                return Err(Error::new(format!(
                    "ligne de mouvement illisible (MOD « {} », DATE_EFF « {date} »)",
                    kinds.get(i).unwrap_or("")
                ))
                .file(&table.source)
                .hint(
                    "utilisez la table des mouvements de l'INSEE telle que publiée (v_mvt_commune)",
                ));
            };
            rows.push(Movement {
                date: date.to_string(),
                kind,
                from: com_av.get(i).unwrap_or("").to_string(),
                to: com_ap.get(i).unwrap_or("").to_string(),
            });
        }
        // The INSEE file is sorted newest first; a stable sort keeps each day's rows together.
        rows.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(Movements {
            source: table.source,
            rows: Arc::new(rows),
        })
    }

    /// [`Movements::load`], once per process for the same file unchanged.
    pub fn shared(path: &Path) -> Result<Movements> {
        Ok(
            crate::once::per_files(&[path], "", || Movements::load(path))?
                .as_ref()
                .clone(),
        )
    }

    /// The earliest vintage the table knows: the year of its first movement (1943 for
    /// the INSEE table, the first COG).
    pub fn first_vintage(&self) -> Option<u16> {
        self.rows.first().and_then(|m| m.date[..4].parse().ok())
    }

    /// The latest vintage the table knows: the year of its last movement.
    pub fn last_vintage(&self) -> Option<u16> {
        self.rows.last().and_then(|m| m.date[..4].parse().ok())
    }

    /// The moves from vintage `from` to the vintage of `target` (its communes and
    /// populations give the shares of splits).
    pub fn between(&self, from: u16, to: u16, target: &Territory) -> Result<Moves> {
        if from > to {
            return Err(Error::new(format!(
                "millésime {from} postérieur au millésime de la requête ({to})"
            ))
            .hint("les codes ne se déplacent que vers un millésime plus récent"));
        }
        if let Some(first) = self.first_vintage().filter(|first| from < *first) {
            return Err(Error::new(format!(
                "millésime {from} antérieur à la table des mouvements, qui commence en {first}"
            ))
            .file(&self.source)
            .hint(format!(
                "donnez un millésime de {first} ou plus récent (année du COG des codes du fichier)"
            )));
        }
        match self.last_vintage() {
            Some(last) if last >= to || from == to => {}
            last => {
                return Err(Error::new(format!(
                    "la table des mouvements s'arrête en {} : elle ne mène pas au COG {to}",
                    last.map_or("?".to_string(), |l| l.to_string())
                ))
                .file(&self.source)
                .hint("téléchargez la table des mouvements du millésime de la requête (INSEE, v_mvt_commune)"))
            }
        }
        let mut moves = Moves {
            from,
            to,
            shares_from: format!("population municipale du COG {to}"),
            fates: HashMap::default(),
            movements: self.clone(),
            target: Arc::clone(&target.communes),
        };
        moves.fates = moves.compute();
        Ok(moves)
    }
}

/// First day of a vintage.
fn first_day(year: u16) -> String {
    format!("{year:04}-01-01")
}

fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && s[..4].parse::<u16>().is_ok()
}

impl Moves {
    /// The rows that happen after the source vintage, up to the target one, grouped by day.
    fn days(&self) -> Vec<BTreeMap<&str, Vec<&Movement>>> {
        let (start, end) = (first_day(self.from), first_day(self.to));
        let mut days: Vec<(&str, BTreeMap<&str, Vec<&Movement>>)> = Vec::new();
        for m in self.movements.rows.iter() {
            if m.date.as_str() <= start.as_str() || m.date.as_str() > end.as_str() {
                continue;
            }
            if days.last().map(|d| d.0) != Some(m.date.as_str()) {
                days.push((&m.date, BTreeMap::new()));
            }
            let day = &mut days.last_mut().expect("pushed above").1;
            day.entry(m.from.as_str()).or_default().push(m);
        }
        days.into_iter().map(|(_, d)| d).collect()
    }

    /// The codes `code` became over `days`, without shares.
    fn forward<'a>(days: &[BTreeMap<&'a str, Vec<&'a Movement>>], code: &'a str) -> Vec<&'a str> {
        let mut codes = vec![code];
        for day in days {
            let mut next: Vec<&str> = Vec::new();
            for c in codes {
                match day.get(c) {
                    Some(rows) => next.extend(rows.iter().map(|m| m.to.as_str())),
                    None => next.push(c),
                }
            }
            next.sort_unstable();
            next.dedup();
            codes = next;
        }
        codes
    }

    fn compute(&self) -> HashMap<String, (Fate, String), FixedState> {
        let days = self.days();
        let mut fates = HashMap::default();
        let moving: std::collections::BTreeSet<&str> =
            days.iter().flat_map(|d| d.keys().copied()).collect();
        for code in moving {
            fates.insert(code.to_string(), self.fate_over(&days, code));
        }
        fates
    }

    /// The fate of a code that appears in the movements of the period: its parts, each
    /// weighted by the target population of what it became.
    fn fate_over(&self, days: &[BTreeMap<&str, Vec<&Movement>>], code: &str) -> (Fate, String) {
        let mut parts: Vec<(String, f64)> = vec![(code.to_string(), 1.0)];
        let mut how: Vec<String> = Vec::new();
        for (i, day) in days.iter().enumerate() {
            let mut next: Vec<(String, f64)> = Vec::new();
            for (c, w) in parts {
                let Some(rows) = day.get(c.as_str()) else {
                    next.push((c, w));
                    continue;
                };
                let mut targets: Vec<&str> = rows.iter().map(|m| m.to.as_str()).collect();
                targets.sort_unstable();
                targets.dedup();
                if targets != [c.as_str()] {
                    how.push(format!(
                        "{} {} ({})",
                        label(rows[0].kind),
                        &rows[0].date,
                        targets.join(", ")
                    ));
                }
                if targets.len() == 1 {
                    next.push((targets[0].to_string(), w));
                    continue;
                }
                // A split: shares of the population each part has in the target vintage.
                let population = |t: &str| -> f64 {
                    Self::forward(&days[i + 1..], t)
                        .iter()
                        .map(|f| self.target.get(f).and_then(|c| c.population).unwrap_or(0.0))
                        .sum()
                };
                let pops: Vec<f64> = targets.iter().map(|t| population(t)).collect();
                let total: f64 = pops.iter().sum();
                for (t, p) in targets.iter().zip(&pops) {
                    let share = if total > 0.0 {
                        p / total
                    } else {
                        1.0 / targets.len() as f64
                    };
                    next.push((t.to_string(), w * share));
                }
            }
            // Parts that met again (a split then a merger) are one.
            let mut merged: BTreeMap<String, f64> = BTreeMap::new();
            for (c, w) in next {
                *merged.entry(c).or_default() += w;
            }
            parts = merged.into_iter().collect();
        }
        let how = how.join(" ; ");
        if parts.iter().any(|(c, _)| !self.target.contains_key(c)) {
            let lost: Vec<&str> = parts.iter().map(|(c, _)| c.as_str()).collect();
            return (
                Fate::Unknown(format!(
                    "devenu {}, absent du COG {}",
                    lost.join(", "),
                    self.to
                )),
                how,
            );
        }
        let fate = match parts.as_slice() {
            [(c, _)] if c == code => Fate::Same,
            [(c, _)] => Fate::Moved(c.clone()),
            _ => Fate::Split(parts),
        };
        (fate, how)
    }

    /// The codes of the source vintage that the movements of the period touch, each with
    /// its fate, sorted by code.
    pub fn moved(&self) -> Vec<(&str, &Fate)> {
        let mut moved: Vec<(&str, &Fate)> = self
            .fates
            .iter()
            .map(|(code, (fate, _))| (code.as_str(), fate))
            .filter(|(_, fate)| **fate != Fate::Same)
            .collect();
        moved.sort_by(|a, b| a.0.cmp(b.0));
        moved
    }

    /// The communes of the target vintage a count of `code` goes to, by their ranks there (their
    /// order of codes), each given to `share` with the share it gets: one for a commune kept or
    /// merged, several for a split, none for an unknown code; whether `code` stays as it is.
    pub fn each_share(&self, code: &str, mut share: impl FnMut(usize, f64)) -> bool {
        let rank = |c: &str| {
            self.target
                .get_full(c)
                .expect("a code moves to communes of the target vintage")
                .0
        };
        let (fate, kept) = self.fate_and_rank(code);
        match &*fate {
            Fate::Same => {
                share(kept.unwrap_or_else(|| rank(code)), 1.0);
                return true;
            }
            Fate::Moved(c) => share(rank(c), 1.0),
            Fate::Split(parts) => parts.iter().for_each(|(c, w)| share(rank(c), *w)),
            Fate::Unknown(_) => {}
        }
        false
    }

    /// How many communes the target vintage has.
    pub fn target_len(&self) -> usize {
        self.target.len()
    }

    /// [`Moves::fate`], borrowed for the frequent cases: a code that moved, or one that did not.
    fn fate_ref(&self, code: &str) -> Cow<'_, Fate> {
        self.fate_and_rank(code).0
    }

    /// [`Moves::fate_ref`], with the rank of a commune kept as it is, found by the same lookup.
    fn fate_and_rank(&self, code: &str) -> (Cow<'_, Fate>, Option<usize>) {
        if let Some((fate, _)) = self.fates.get(code) {
            return (Cow::Borrowed(fate), None);
        }
        if let Some((rank, _)) = self.target.get_full(code) {
            return (Cow::Borrowed(&Fate::Same), Some(rank));
        }
        (Cow::Owned(self.fate_elsewhere(code)), None)
    }

    /// What became of `code`, a commune code of the source vintage. Arrondissements of
    /// Paris, Lyon and Marseille go to their commune; a Corsican `20xxx` to `2A`/`2B`.
    pub fn fate(&self, code: &str) -> Fate {
        self.fate_ref(code).into_owned()
    }

    /// The fate of a code neither in the movements of the period nor of the target vintage.
    fn fate_elsewhere(&self, code: &str) -> Fate {
        if let Some(commune) = plm_commune(code) {
            return match self.fate(commune) {
                Fate::Same => Fate::Moved(commune.to_string()),
                other => other,
            };
        }
        if let Some(corsican) = self.corsican(code) {
            return match self.fate(&corsican) {
                Fate::Same => Fate::Moved(corsican),
                other => other,
            };
        }
        // Gone before the source vintage, or never a commune.
        match self
            .movements
            .rows
            .iter()
            .rev()
            .find(|m| m.from == code && m.to != code)
        {
            Some(m) => Fate::Unknown(format!(
                "devenu {} le {}, avant le COG {}",
                m.to, m.date, self.from
            )),
            None => Fate::Unknown("inconnu de tous les millésimes".to_string()),
        }
    }

    /// `20004` → `2A004` (the 1976 split of Corsica).
    fn corsican(&self, code: &str) -> Option<String> {
        let rest = code.strip_prefix("20").filter(|r| r.len() == 3)?;
        self.movements
            .rows
            .iter()
            .find(|m| m.kind == 41 && m.from == code)
            .map(|m| m.to.clone())
            .or_else(|| {
                ["2A", "2B"]
                    .iter()
                    .map(|d| format!("{d}{rest}"))
                    .find(|c| self.target.contains_key(c))
            })
    }

    /// What moving `file`'s codes did, for the notices: counts, and the codes that did not
    /// stay as they were.
    pub fn notice<'a>(&self, file: &Path, codes: impl IntoIterator<Item = &'a str>) -> Moved {
        let report = self.report(codes);
        let count = |what: &str| {
            (0..report.height())
                .filter(|&r| report.cell(r, 1) == what)
                .count()
        };
        Moved {
            file: file.to_path_buf(),
            from: self.from,
            to: self.to,
            changed: count(CHANGED),
            split: count(SPLIT),
            unknown: count(UNKNOWN),
            shares_from: self.shares_from.clone(),
            detail: (0..report.height())
                .map(|r| format!("{} → {}", report.cell(r, 0), report.cell(r, 2)))
                .collect(),
        }
    }

    /// Every code of `codes` that does not stay as it is, as a table for the user:
    /// source code, what it became, shares, movements.
    pub fn report<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> OutTable {
        let mut seen: HashSet<&str, FixedState> = HashSet::default();
        let mut rows = Vec::new();
        for code in codes {
            if !seen.insert(code) {
                continue;
            }
            let fate = self.fate(code);
            let (what, to) = match &fate {
                Fate::Same => continue,
                Fate::Moved(c) => (CHANGED, c.clone()),
                Fate::Split(parts) => (
                    SPLIT,
                    parts
                        .iter()
                        .map(|(c, w)| format!("{c} ({})", format::percent(*w)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Fate::Unknown(why) => (UNKNOWN, why.clone()),
            };
            let how = match self.fates.get(code) {
                Some(f) => f.1.clone(),
                None if plm_commune(code).is_some() => {
                    "arrondissement municipal → commune".to_string()
                }
                None if matches!(fate, Fate::Moved(_)) => {
                    "code corse 20 → 2A/2B (1976)".to_string()
                }
                None => String::new(),
            };
            rows.push(vec![code.to_string(), what.to_string(), to, how]);
        }
        OutTable::from_rows(
            vec![
                (format!("Code {}", self.from), Align::Left),
                ("Devenir".to_string(), Align::Left),
                (format!("Code(s) {}", self.to), Align::Left),
                ("Mouvements".to_string(), Align::Left),
            ],
            rows,
        )
    }
}

/// The commune of a municipal arrondissement of Paris, Lyon or Marseille.
fn plm_commune(code: &str) -> Option<&'static str> {
    let n: u32 = code.parse().ok()?;
    match n {
        75101..=75120 => Some("75056"),
        69381..=69389 => Some("69123"),
        13201..=13216 => Some("13055"),
        _ => None,
    }
}

/// The French name of an INSEE movement code.
fn label(kind: u8) -> &'static str {
    match kind {
        10 => "changement de nom",
        20 => "création",
        21 => "rétablissement",
        30 => "suppression",
        31 => "fusion simple",
        32 => "création de commune nouvelle",
        33 => "fusion-association",
        34 => "fusion-association devenue fusion simple",
        41 => "changement de code (département)",
        50 => "changement de code (chef-lieu)",
        _ => "mouvement",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/cog")
            .join(name)
    }

    fn moves(from: u16) -> Moves {
        let cog = Territory::load(
            &data("communes-epci-population-2026.csv"),
            &data("departements.csv"),
        )
        .unwrap();
        Movements::load(&data("mouvements-communes.csv"))
            .unwrap()
            .between(from, 2026, &cog)
            .unwrap()
    }

    #[test]
    fn communes_nouvelles_of_2019_take_the_new_code() {
        let m = moves(2018);
        // Dallet joined Mur-sur-Allier, Chaméane joined Le Vernet-Chaméane.
        assert_eq!(m.fate("63133"), Fate::Moved("63226".into()));
        assert_eq!(m.fate("63078"), Fate::Moved("63448".into()));
        // The pivot commune keeps its code; an untouched commune stays.
        assert_eq!(m.fate("63448"), Fate::Same);
        assert_eq!(m.fate("63113"), Fate::Same);
    }

    #[test]
    fn a_2025_merger_in_drome() {
        assert_eq!(moves(2024).fate("26371"), Fate::Moved("26289".into()));
        // In the 2025 COG, Véronne is gone already: a stale code is said, not moved.
        match moves(2025).fate("26371") {
            Fate::Unknown(why) => assert!(why.contains("devenu 26289 le 2025-01-01"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_restoration_splits_by_population() {
        // Neussargues en Pinatelle (2024) was split into five communes in 2025.
        let Fate::Split(parts) = moves(2024).fate("15141") else {
            panic!("a split");
        };
        let codes: Vec<&str> = parts.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["15031", "15035", "15047", "15141", "15171"]);
        assert!((parts.iter().map(|p| p.1).sum::<f64>() - 1.0).abs() < 1e-12);
        // Shares follow the 2026 populations.
        let cog = Territory::load(
            &data("communes-epci-population-2026.csv"),
            &data("departements.csv"),
        )
        .unwrap();
        let pop = |c: &str| cog.communes[c].population.unwrap();
        let total: f64 = codes.iter().map(|c| pop(c)).sum();
        assert!((parts[0].1 - pop("15031") / total).abs() < 1e-12);
    }

    #[test]
    fn arrondissements_corsica_and_unknown_codes() {
        let m = moves(2016);
        assert_eq!(m.fate("75112"), Fate::Moved("75056".into()));
        assert_eq!(m.fate("69383"), Fate::Moved("69123".into()));
        assert_eq!(m.fate("13201"), Fate::Moved("13055".into()));
        assert_eq!(m.fate("20004"), Fate::Moved("2A004".into()));
        assert_eq!(m.fate("20002"), Fate::Moved("2B002".into()));
        assert_eq!(
            m.fate("99999"),
            Fate::Unknown("inconnu de tous les millésimes".into())
        );
    }

    #[test]
    fn each_share_gives_the_ranks_of_the_shares_and_whether_the_code_stays() {
        let m = moves(2024);
        let codes: Vec<&str> = m.target.keys().map(|k| k.as_str()).collect();
        for (code, stays) in [
            ("63113", true),  // Clermont-Ferrand
            ("26371", false), // merged
            ("15141", false), // split in five
            ("75112", false), // an arrondissement
            ("99999", false), // unknown
        ] {
            let mut got = Vec::new();
            assert_eq!(
                m.each_share(code, |rank, w| got.push((codes[rank], w))),
                stays
            );
            // What the fate of the code says.
            let want: Vec<(String, f64)> = match m.fate(code) {
                Fate::Same => vec![(code.to_string(), 1.0)],
                Fate::Moved(c) => vec![(c, 1.0)],
                Fate::Split(parts) => parts,
                Fate::Unknown(_) => Vec::new(),
            };
            let want: Vec<(&str, f64)> = want.iter().map(|(c, w)| (c.as_str(), *w)).collect();
            assert_eq!(got, want, "{code}");
            if code == "15141" {
                assert_eq!(got.len(), 5);
            }
        }
    }

    #[test]
    fn the_report_lists_what_moved() {
        let m = moves(2018);
        let t = m.report(["63133", "63113", "99999", "63133"]);
        assert_eq!(t.height(), 2);
        assert_eq!(t.row(0)[0..3], ["63133", "changé ou fusionné", "63226"]);
        assert!(
            t.row(0)[3].contains("création de commune nouvelle 2019-01-01"),
            "{:?}",
            t.row(0)
        );
        assert_eq!(t.row(1)[1], "inconnu");
    }

    #[test]
    fn a_table_that_stops_before_the_target_is_refused() {
        let cog = Territory::default();
        let mvt = Movements::load(&data("mouvements-communes.csv")).unwrap();
        let err = mvt.between(2020, 2030, &cog).unwrap_err();
        assert!(err.message.contains("s'arrête en 2026"), "{err}");
        assert!(mvt.between(2027, 2026, &cog).is_err());
    }
}

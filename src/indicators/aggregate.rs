//! A source's rows summed into the territories of a selection by the engine: each row
//! linked to its territory, directly or through its commune (an IRIS by its commune's
//! code, a commune of an older vintage through the COG moves, a split commune shared by
//! population); what does not link (unknown codes, communes in no territory,
//! territories the file covers in part or lacks) is said in notices.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use foldhash::fast::FixedState;
use polars::prelude::*;

use super::Cell;
use super::engine;
use super::secret_rule::SecretRule;
use crate::error::Result;
use crate::ingest::LINE_COLUMN;
use crate::notice::{CodeLine, Notice, Partial};
use crate::territory::moves::Moves;
use crate::territory::{Level, Territory, Unit, str_col};

/// What the codes of a source's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowCodes {
    /// Territories of the selection's level.
    Territory,
    /// Communes, summed into the territories of the level.
    Commune,
    /// IRIS, summed through their commune (the first five characters of the code).
    Iris,
}

/// The rows of a source: its table read, filtered to the rows to sum.
pub struct Rows<'a> {
    /// The file they come from, for the notices.
    pub file: &'a Path,
    /// With the code column, the number columns and [`LINE_COLUMN`].
    pub df: &'a DataFrame,
    pub code_column: &'a str,
    pub codes: RowCodes,
    pub columns: &'a [&'a str],
    /// What the file gives, for the notice of territories it lacks ("des indicateurs").
    pub role: &'a str,
    /// A territory covered in part takes the sum of its communes present as its value;
    /// otherwise its cells are [`Cell::Partial`].
    pub accept_partial: bool,
    /// What a hidden cell holds: a sum touching it is then known between bounds.
    pub secret_rule: Option<&'a SecretRule>,
}

/// The territories the rows are summed into: the `units` of `level`, in the
/// `departements` of the selection, with the moves of the file's codes to the
/// territory's vintage when it is older.
#[derive(Clone, Copy)]
pub struct Targets<'a> {
    pub territory: &'a Territory,
    pub level: Level,
    pub units: &'a [Unit],
    pub departements: &'a [String],
    pub moves: Option<&'a Moves>,
}

/// What a source gives the territories of a selection.
#[derive(Default)]
pub struct Sums {
    /// Per territory with rows in the file, by code, the sum of each column.
    pub by_code: HashMap<String, Vec<Cell>, FixedState>,
    /// The territories a finer file covers only in part, with how many of their communes it
    /// has and how many they have: their cells are [`Cell::Partial`], or the sums of their
    /// communes present when partial sums are accepted.
    pub partial: HashMap<String, (usize, usize), FixedState>,
}

/// Per territory of the selection found in the rows, the sum of each column (a secret
/// cell makes the sum secret, a missing one missing). Codes the COG does not know, codes
/// moved, and territories the file lacks or covers in part, are reported in `notices`.
pub fn sum_rows(rows: &Rows, into: &Targets, notices: &mut Vec<Notice>) -> Result<Sums> {
    let df = rows.df;
    let codes = str_col(df, rows.code_column)?;
    let lines = df.column(LINE_COLUMN)?.u32()?;
    // Each row's key: its commune for a finer file (the IRIS's first five characters),
    // otherwise its territory.
    let keys: Vec<&str> = codes
        .iter()
        .map(|code| {
            let code = code.unwrap_or("");
            match rows.codes {
                RowCodes::Iris => code.get(..5).unwrap_or(code),
                _ => code,
            }
        })
        .collect();

    let Targets {
        territory,
        level,
        units,
        ..
    } = *into;
    // The territories of the level by number (their rank in code order); those of the
    // selection are summed.
    let numbers = territory.codes(level);
    let mut selected = vec![false; numbers.len()];
    let mut next = 0;
    for u in units {
        let code = u.code.as_str();
        // Units come in code order, as the numbers do: most are at the next one.
        let found = match numbers.get(next) {
            Some(&n) if n == code => Ok(next),
            _ => numbers.binary_search(&code),
        };
        if let Ok(t) = found {
            selected[t] = true;
            next = t + 1;
        }
    }
    let deps = into.departements;
    // Keys the COG does not know, and communes known but in no territory of the level.
    let mut unknown_keys: HashSet<&str, FixedState> = HashSet::default();
    let mut outside_keys: HashSet<&str, FixedState> = HashSet::default();
    // Communes with a row (by rank), to tell the territories a finer file covers only in part.
    let mut seen = vec![false; territory.communes.len()];
    let mut file_communes: Vec<&str> = Vec::new();
    // Each key once: the territories of the selection its rows go to, by number.
    let mut of_key: HashMap<&str, usize, FixedState> = HashMap::default();
    let mut key_targets: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut of_row: Vec<usize> = Vec::with_capacity(keys.len());
    for &key in &keys {
        if let Some(&k) = of_key.get(key) {
            of_row.push(k);
            continue;
        }
        of_key.insert(key, key_targets.len());
        of_row.push(key_targets.len());
        // The territories of the key, with the share of its rows each gets (a commune
        // split since the file's vintage gives to several).
        let targets: Vec<(usize, f64)> = match rows.codes {
            RowCodes::Territory => numbers
                .binary_search(&key)
                .map_or_else(|_| Vec::new(), |t| vec![(t, 1.0)]),
            RowCodes::Commune | RowCodes::Iris => {
                file_communes.push(key);
                let parts: Vec<(Cow<str>, f64)> = match into.moves {
                    Some(m) => m
                        .shares(key)
                        .into_iter()
                        .map(|(c, share)| (Cow::Owned(c), share))
                        .collect(),
                    None => vec![(Cow::Borrowed(key), 1.0)],
                };
                let mut targets = Vec::with_capacity(parts.len());
                // Île-d'Yeu, Ouessant…: known, but in no EPCI; said when it is in the
                // query's départements (a national file has them all).
                let mut in_no_group: Option<bool> = None;
                for (c, share) in parts {
                    let Some((rank, commune)) = territory.communes.get_full(&c) else {
                        continue;
                    };
                    seen[rank] = true;
                    match territory.parent_number(level, rank) {
                        Some(t) => targets.push((t, share)),
                        None => {
                            let here = deps.contains(&commune.departement);
                            in_no_group = Some(in_no_group.unwrap_or(false) || here);
                        }
                    }
                }
                if let (true, Some(here)) = (targets.is_empty(), in_no_group) {
                    if here {
                        outside_keys.insert(key);
                    }
                    key_targets.push(Vec::new());
                    continue;
                }
                targets
            }
        };
        if targets.is_empty() {
            unknown_keys.insert(key);
        }
        // Only the territories of the selection are summed.
        key_targets.push(targets.into_iter().filter(|&(t, _)| selected[t]).collect());
    }
    let of_row: Vec<&[(usize, f64)]> = of_row.iter().map(|&k| key_targets[k].as_slice()).collect();
    let file = rows.file.display().to_string();
    let hidden = rows
        .secret_rule
        .map(|rule| engine::Hidden { rule, file: &file });
    let summed = engine::sum_into(df, &numbers, &of_row, rows.columns, hidden)?;
    let mut sums = Sums::default();
    for (t, code) in summed.codes.into_iter().enumerate() {
        sums.by_code.insert(
            code.to_string(),
            summed.columns.iter().map(|c| c[t]).collect(),
        );
    }
    // The rows of the keys left out, each with its line.
    let rows_of_keys = |set: &HashSet<&str, FixedState>| -> Vec<CodeLine> {
        if set.is_empty() {
            return Vec::new();
        }
        keys.iter()
            .enumerate()
            .filter(|(_, k)| set.contains(*k))
            .map(|(r, _)| CodeLine {
                code: codes.get(r).unwrap_or("").to_string(),
                line: lines.get(r).unwrap_or(0),
            })
            .collect()
    };
    let outside = rows_of_keys(&outside_keys);
    let unknown = rows_of_keys(&unknown_keys);
    if !outside.is_empty() {
        notices.push(Notice::WithoutTerritory {
            file: rows.file.to_path_buf(),
            level,
            rows: outside,
        });
    }
    if let Some(moves) = into.moves {
        notices.push(Notice::Moved(moves.notice(rows.file, file_communes)));
    }
    if !unknown.is_empty() {
        notices.push(Notice::UnknownCodes {
            file: rows.file.to_path_buf(),
            rows: unknown,
        });
    }
    if rows.codes != RowCodes::Territory {
        // The communes with rows in each territory summed, against all of its communes.
        let mut present: HashMap<&str, usize, FixedState> = HashMap::default();
        let communes = territory.communes.values().zip(&seen);
        for (commune, _) in communes.filter(|(_, seen)| **seen) {
            if let Some(t) = commune.parent(level)
                && sums.by_code.contains_key(t)
            {
                *present.entry(t).or_default() += 1;
            }
        }
        let mut partial: Vec<Partial> = present
            .into_iter()
            .map(|(t, n)| {
                let communes = territory.commune_count(level, t);
                Partial {
                    code: t.to_string(),
                    absent: communes - n,
                    communes,
                }
            })
            .filter(|p| p.absent > 0)
            .collect();
        partial.sort_unstable_by(|a, b| a.code.cmp(&b.code));
        sums.partial = partial
            .iter()
            .map(|p| (p.code.clone(), (p.communes - p.absent, p.communes)))
            .collect();
        if !rows.accept_partial {
            for p in &partial {
                if let Some(cells) = sums.by_code.get_mut(&p.code) {
                    cells.fill(Cell::Partial);
                }
            }
        }
        if !partial.is_empty() {
            notices.push(Notice::PartlyCovered {
                file: rows.file.to_path_buf(),
                territories: partial,
                accepted: rows.accept_partial,
            });
        }
    }
    let absent: Vec<String> = units
        .iter()
        .filter(|u| !sums.by_code.contains_key(&u.code))
        .map(|u| u.code.clone())
        .collect();
    if !absent.is_empty() {
        notices.push(Notice::Absent {
            role: rows.role.to_string(),
            codes: absent,
        });
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Secret, Value};

    fn territory() -> Territory {
        Territory::cog_2026()
    }

    #[test]
    fn iris_are_summed_through_their_commune_and_what_does_not_link_is_said() {
        let territory = territory();
        let df = df!(
            "iris" => ["341720101", "341720102", "340030000", "999990000"],
            "AM" => [10.0, 5.0, 2.0, 1.0],
            "AM__secret" => [false, false, false, false],
            LINE_COLUMN => [2u32, 3, 4, 5],
        )
        .unwrap();
        let units = territory.units(Level::Epci, &["34".to_string()]);
        let (montpellier, other) = (
            territory.parent("34172", Level::Epci).unwrap(),
            territory.parent("34003", Level::Epci).unwrap(),
        );
        let sum = |accept_partial: bool, notices: &mut Vec<Notice>| {
            sum_rows(
                &Rows {
                    file: Path::new("iris.csv"),
                    df: &df,
                    code_column: "iris",
                    codes: RowCodes::Iris,
                    columns: &["AM"],
                    role: "des familles",
                    accept_partial,
                    secret_rule: None,
                },
                &Targets {
                    territory: &territory,
                    level: Level::Epci,
                    units: &units,
                    departements: &["34".to_string()],
                    moves: None,
                },
                notices,
            )
            .unwrap()
        };
        // Both EPCI have communes without a row: « partiel », no value, unless the query
        // accepts the sums of the communes present.
        let sums = sum(false, &mut Vec::new());
        assert_eq!(sums.by_code[montpellier], [Cell::Partial]);
        assert_eq!(sums.by_code[other], [Cell::Partial]);
        let mut notices = Vec::new();
        let sums = sum(true, &mut notices);
        assert_eq!(sums.by_code[montpellier], [Value(15.0)]);
        assert_eq!(sums.by_code[other], [Value(2.0)]);
        assert_eq!(sums.by_code.len(), 2);
        // Both EPCI have communes without a row: their sums are partial, and said.
        assert!(sums.partial.contains_key(montpellier) && sums.partial.contains_key(other));
        assert_eq!(
            notices[0],
            Notice::UnknownCodes {
                file: "iris.csv".into(),
                rows: vec![CodeLine {
                    code: "999990000".into(),
                    line: 5
                }],
            }
        );
        let Notice::PartlyCovered { territories, .. } = &notices[1] else {
            panic!("{notices:?}")
        };
        let all = territory.commune_count(Level::Epci, montpellier);
        let of_montpellier = territories.iter().find(|t| t.code == montpellier).unwrap();
        assert_eq!(
            (of_montpellier.absent, of_montpellier.communes),
            (all - 1, all)
        );
        let Notice::Absent { codes, .. } = &notices[2] else {
            panic!("{notices:?}")
        };
        assert_eq!(codes.len(), units.len() - 2);
        // Said in French.
        assert!(
            notices[0]
                .to_string()
                .ends_with("1 code(s) inconnus du COG ignorés : 999990000 (ligne 5)")
        );
    }

    #[test]
    fn a_secret_row_makes_its_territory_secret_and_the_others_are_kept() {
        let territory = territory();
        let units = territory.units(Level::Departement, &["26".to_string(), "07".to_string()]);
        let df = df!(
            "dep" => ["26", "07"],
            "n" => [Some(3.0), None],
            "n__secret" => [false, true],
            LINE_COLUMN => [2u32, 3],
        )
        .unwrap();
        let sums = sum_rows(
            &Rows {
                file: Path::new("dep.csv"),
                df: &df,
                code_column: "dep",
                codes: RowCodes::Territory,
                columns: &["n"],
                role: "des effectifs",
                accept_partial: false,
                secret_rule: None,
            },
            &Targets {
                territory: &territory,
                level: Level::Departement,
                units: &units,
                departements: &["26".to_string(), "07".to_string()],
                moves: None,
            },
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(sums.by_code["26"], [Value(3.0)]);
        assert_eq!(sums.by_code["07"], [Secret]);
        assert!(sums.partial.is_empty());
    }
}

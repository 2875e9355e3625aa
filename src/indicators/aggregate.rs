//! A source's rows summed into the territories of a selection by the engine: each row
//! linked to its territory, directly or through its commune (an IRIS by its commune's
//! code, a commune of an older vintage through the COG moves, a split commune shared by
//! population); what does not link (unknown codes, communes in no territory,
//! territories the file covers in part or lacks) is said in notices.

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
use crate::territory::{Level, Territory, Unit, str_col, unit_numbers};

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

/// What a source gives the units of a selection, in their order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sums {
    /// `columns[c][u]`: column `c` summed over unit `u` ([`Cell::Missing`] for a unit the file
    /// has no row of).
    pub columns: Vec<Vec<Cell>>,
    /// Whether the file has rows of unit `u`.
    pub found: Vec<bool>,
    /// For a unit a finer file covers only in part, how many of its communes it has and how
    /// many it has: its cells are [`Cell::Partial`], or the sums of its communes present when
    /// partial sums are accepted.
    pub partial: Vec<Option<(usize, usize)>>,
}

impl Sums {
    /// No row of any of `units` units.
    pub fn none(units: usize, columns: usize) -> Sums {
        Sums {
            columns: vec![vec![Cell::Missing; units]; columns],
            found: vec![false; units],
            partial: vec![None; units],
        }
    }
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
    let unit_numbers = unit_numbers(&numbers, units);
    let mut selected = vec![false; numbers.len()];
    for t in unit_numbers.iter().flatten() {
        selected[*t] = true;
    }
    let deps = into.departements;
    // Keys the COG does not know, and communes known but in no territory of the level.
    let mut unknown_keys: HashSet<&str, FixedState> = HashSet::default();
    let mut outside_keys: HashSet<&str, FixedState> = HashSet::default();
    // Communes with a row (by rank), to tell the territories a finer file covers only in part.
    let mut seen = vec![false; territory.communes.len()];
    // The keys moved (or unknown to the moves), for their notice: those kept say nothing.
    let mut not_kept: Vec<&str> = Vec::new();
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
                // The communes of the key by rank (the moves' target is the query's COG),
                // with their shares.
                let mut parts: Vec<(usize, f64)> = Vec::with_capacity(1);
                match into.moves {
                    Some(m) => {
                        if !m.each_share(key, |rank, share| parts.push((rank, share))) {
                            not_kept.push(key);
                        }
                    }
                    None => parts.extend(territory.communes.get_full(key).map(|c| (c.0, 1.0))),
                }
                let mut targets = Vec::with_capacity(parts.len());
                // Île-d'Yeu, Ouessant…: known, but in no EPCI; said when it is in the
                // query's départements (a national file has them all).
                let mut in_no_group: Option<bool> = None;
                for (rank, share) in parts {
                    let commune = territory.communes.value_at(rank);
                    seen[rank] = true;
                    match territory.parent_number(level, rank) {
                        Some(t) => targets.push((t, share)),
                        None => {
                            let here = commune.in_departements(deps);
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
    let summed = engine::sum_into(df, numbers.len(), &of_row, rows.columns, hidden)?;
    let mut reached = vec![false; numbers.len()];
    for &t in &summed.reached {
        reached[t] = true;
    }
    let mut sums = Sums::none(units.len(), rows.columns.len());
    for (u, t) in unit_numbers.iter().enumerate() {
        if let Some(t) = t.filter(|&t| reached[t]) {
            sums.found[u] = true;
            for (sum, column) in sums.columns.iter_mut().zip(&summed.columns) {
                sum[u] = column[t];
            }
        }
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
        notices.push(Notice::Moved(moves.notice(rows.file, not_kept)));
    }
    if !unknown.is_empty() {
        notices.push(Notice::UnknownCodes {
            file: rows.file.to_path_buf(),
            rows: unknown,
        });
    }
    if rows.codes != RowCodes::Territory {
        // The communes with rows in each territory summed, against all of its communes.
        let mut present = vec![0; numbers.len()];
        for rank in (0..seen.len()).filter(|&r| seen[r]) {
            if let Some(t) = territory.parent_number(level, rank).filter(|&t| reached[t]) {
                present[t] += 1;
            }
        }
        let mut partial = Vec::new();
        for (u, t) in unit_numbers.iter().enumerate() {
            let Some(t) = t.filter(|&t| present[t] > 0) else {
                continue;
            };
            let communes = territory.commune_count_at(level, t);
            if present[t] < communes {
                sums.partial[u] = Some((present[t], communes));
                if !rows.accept_partial {
                    for column in &mut sums.columns {
                        column[u] = Cell::Partial;
                    }
                }
                partial.push(Partial {
                    code: numbers[t].to_string(),
                    absent: communes - present[t],
                    communes,
                });
            }
        }
        partial.sort_unstable_by(|a, b| a.code.cmp(&b.code));
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
        .zip(&sums.found)
        .filter(|(_, found)| !**found)
        .map(|(u, _)| u.code.clone())
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
        let at = |code: &str| units.iter().position(|u| u.code == code).unwrap();
        let (montpellier_at, other_at) = (at(montpellier), at(other));
        let sums = sum(false, &mut Vec::new());
        assert_eq!(sums.columns[0][montpellier_at], Cell::Partial);
        assert_eq!(sums.columns[0][other_at], Cell::Partial);
        let mut notices = Vec::new();
        let sums = sum(true, &mut notices);
        assert_eq!(sums.columns[0][montpellier_at], Value(15.0));
        assert_eq!(sums.columns[0][other_at], Value(2.0));
        assert_eq!(sums.found.iter().filter(|f| **f).count(), 2);
        // Both EPCI have communes without a row: their sums are partial, and said.
        let all = territory.commune_count(Level::Epci, montpellier);
        assert_eq!(sums.partial[montpellier_at], Some((1, all)));
        assert!(sums.partial[other_at].is_some());
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
        let codes: Vec<&str> = units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["07", "26"]);
        assert_eq!(sums.columns[0], [Secret, Value(3.0)]);
        assert_eq!(sums.found, [true, true]);
        assert_eq!(sums.partial, [None, None]);
    }
}

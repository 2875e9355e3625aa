//! What the engine tells the user about the rows it read, typed, so that a caller (a test,
//! a program using the library) can tell one case from another; said in French by
//! `Display`, where the report and the command line turn them into text.

use std::fmt;
use std::path::PathBuf;

use crate::format::code_list;
use crate::ingest::RestoredZeros;
use crate::territory::Level;

/// A row of a file, by its code and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeLine {
    pub code: String,
    pub line: u32,
}

/// A territory a file by commune covers only in part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    pub code: String,
    /// Its communes without a row in the file.
    pub absent: usize,
    /// All its communes.
    pub communes: usize,
}

/// What the codes of a file of an older COG vintage became in the query's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub file: PathBuf,
    pub from: u16,
    pub to: u16,
    /// Codes changed or merged into another commune.
    pub changed: usize,
    /// Communes split since, shared between the communes they became.
    pub split: usize,
    /// Codes the movements table does not lead to any commune of the query's vintage.
    pub unknown: usize,
    /// What a split commune is shared by ("population municipale du COG 2026").
    pub shares_from: String,
    /// "63133 → 63226" for each code that did not stay as it was.
    pub detail: Vec<String>,
}

/// A service of an inventory counted at another commune than its row's: the row's
/// commune has been merged or recoded since the row's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceMoved {
    pub line: usize,
    pub from: String,
    pub to: String,
    /// The commune was split since: the service goes to the part that kept most people.
    pub split: bool,
}

/// A cell two files of one table give otherwise (see [`Notice::Overlap`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub code: String,
    pub column: String,
    /// The cells as the kept and the set-aside files give them (a value, « secret », « vide »).
    pub kept: String,
    pub set_aside: String,
}

/// One thing the user must know of a source's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Codes written without their leading zero, read with it.
    RestoredZeros {
        file: PathBuf,
        restored: RestoredZeros,
    },
    /// Codes the COG does not know: their rows are left out.
    UnknownCodes { file: PathBuf, rows: Vec<CodeLine> },
    /// Communes of the selection's départements in no territory of the level (Île-d'Yeu,
    /// Ouessant… have no EPCI): their rows are left aside.
    WithoutTerritory {
        file: PathBuf,
        level: Level,
        rows: Vec<CodeLine>,
    },
    /// Codes of an older vintage moved to the query's.
    Moved(Moved),
    /// Territories whose sums omit their communes absent from the file.
    PartlyCovered {
        file: PathBuf,
        territories: Vec<Partial>,
        /// The query takes the sums of their communes present as their values.
        accepted: bool,
    },
    /// Territories of the selection the file has no row for: they have no value.
    Absent {
        /// What the file gives ("des indicateurs").
        role: String,
        codes: Vec<String>,
    },
    /// Inventory rows of a type no service kind matches, by name with their lines: not
    /// counted until the type is corrected or declared in `declare_in`.
    UnknownServiceKinds {
        file: PathBuf,
        kinds: Vec<(String, Vec<usize>)>,
        declare_in: String,
    },
    /// Inventory rows repeated, `(line, line of the row kept)`: counted once.
    RepeatedServices {
        file: PathBuf,
        pairs: Vec<(usize, usize)>,
    },
    /// Services counted at the commune of the query's COG `vintage` their row's became.
    ServicesMoved {
        file: PathBuf,
        vintage: u16,
        rows: Vec<ServiceMoved>,
    },
    /// Services of years the query does not ask for, counted per year: not counted.
    ServicesOfOtherYears {
        file: PathBuf,
        years: Vec<(u16, usize)>,
    },
    /// Services outside the selection, each said in a line: not counted.
    ServicesOutside { file: PathBuf, rows: Vec<String> },
    /// An .xls whose numbers were read without their cell formats (a percentage as its
    /// stored fraction).
    FormatsUnread { file: PathBuf },
    /// Rows of one level and year in two files (the portal's « historique » and current
    /// datasets): those of `kept` are read, those of `set_aside` compared and left aside.
    Overlap {
        /// Which rows, in French (« les lignes « epci » de l'année 2023 »).
        what: String,
        kept: PathBuf,
        set_aside: PathBuf,
        differences: Vec<Difference>,
    },
}

fn rows(rows: &[CodeLine]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| format!("{} (ligne {})", r.code, r.line))
        .collect();
    code_list(&rows)
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::FormatsUnread { file } => write!(
                f,
                "{} : classeur .xls, dont le format des cellules n'est pas lu : une cellule au format pourcentage y vaut sa fraction stockée (0,702 pour 70,2 %) ; vérifiez les taux lus, ou enregistrez le classeur en .xlsx",
                file.display()
            ),
            Notice::UnknownCodes { file, rows: r } => write!(
                f,
                "{} : {} code(s) inconnus du COG ignorés : {}",
                file.display(),
                r.len(),
                rows(r)
            ),
            Notice::WithoutTerritory {
                file,
                level,
                rows: r,
            } => write!(
                f,
                "{} : {} commune(s) sans {} laissée(s) de côté : {}",
                file.display(),
                r.len(),
                level.noun(),
                rows(r)
            ),
            Notice::Moved(m) => {
                write!(f, "{} (COG {} → {}) : ", m.file.display(), m.from, m.to)?;
                if m.detail.is_empty() {
                    return write!(f, "aucun code n'a changé");
                }
                write!(
                    f,
                    "{} code(s) changé(s) ou fusionné(s), {} partagé(s) selon la {}, {} inconnu(s) : {}",
                    m.changed,
                    m.split,
                    m.shares_from,
                    m.unknown,
                    code_list(&m.detail)
                )
            }
            Notice::PartlyCovered {
                file,
                territories,
                accepted,
            } => {
                let listed: Vec<String> = territories
                    .iter()
                    .map(|t| {
                        format!(
                            "{} ({} commune(s) sur {} dans le fichier)",
                            t.code,
                            t.communes - t.absent,
                            t.communes
                        )
                    })
                    .collect();
                let what = match accepted {
                    true => {
                        "leurs valeurs sont les sommes de leurs seules communes présentes (sommes_partielles = true)"
                    }
                    false => {
                        "« partiel », sans valeur (« sommes_partielles = true » dans la source pour prendre la somme des communes présentes)"
                    }
                };
                write!(
                    f,
                    "{} : {} territoire(s) couvert(s) en partie, {what} : {}",
                    file.display(),
                    territories.len(),
                    code_list(&listed)
                )
            }
            Notice::RestoredZeros { file, restored } => {
                let (line, written, code) = &restored.first;
                write!(
                    f,
                    "{} : {} code(s) de la colonne « {} » écrit(s) sans leur zéro initial, complété(s) (ligne {line} : {written} → {code})",
                    file.display(),
                    restored.count,
                    restored.column
                )
            }
            Notice::Absent { role, codes } => write!(
                f,
                "{} territoire(s) absent(s) du fichier {role}, sans valeur : {}",
                codes.len(),
                code_list(codes)
            ),
            Notice::UnknownServiceKinds {
                file,
                kinds,
                declare_in,
            } => {
                let rows: usize = kinds.iter().map(|k| k.1.len()).sum();
                let listed: Vec<String> = kinds
                    .iter()
                    .map(|(name, lines)| {
                        let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
                        format!("« {name} » (ligne(s) {})", code_list(&lines))
                    })
                    .collect();
                write!(
                    f,
                    "{} : {rows} ligne(s) d'un type de service inconnu, non comptées : {} ; \
                     corrigez le type ou déclarez-le dans {declare_in}",
                    file.display(),
                    listed.join(", ")
                )
            }
            Notice::RepeatedServices { file, pairs } => {
                let listed: Vec<String> = pairs
                    .iter()
                    .map(|(line, first)| format!("ligne {line} (= ligne {first})"))
                    .collect();
                write!(
                    f,
                    "{} : {} ligne(s) en double, comptée(s) une fois : {}",
                    file.display(),
                    pairs.len(),
                    code_list(&listed)
                )
            }
            Notice::ServicesMoved {
                file,
                vintage,
                rows,
            } => {
                let listed: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let split = match r.split {
                            true => " (commune partagée depuis, la plus peuplée)",
                            false => "",
                        };
                        format!("ligne {} : {} → {}{split}", r.line, r.from, r.to)
                    })
                    .collect();
                write!(
                    f,
                    "{} : {} service(s) d'une commune fusionnée ou recodée depuis l'année de la ligne, rattaché(s) à sa commune du COG {vintage} : {}",
                    file.display(),
                    rows.len(),
                    code_list(&listed)
                )
            }
            Notice::ServicesOfOtherYears { file, years } => {
                let rows: usize = years.iter().map(|y| y.1).sum();
                let listed: Vec<String> = years.iter().map(|(y, n)| format!("{y} : {n}")).collect();
                write!(
                    f,
                    "{} : {rows} service(s) d'autres années que celles de la requête, non comptés ({})",
                    file.display(),
                    listed.join(", ")
                )
            }
            Notice::ServicesOutside { file, rows } => write!(
                f,
                "{} : {} service(s) hors du territoire de la requête, non comptés : {}",
                file.display(),
                rows.len(),
                code_list(rows)
            ),
            Notice::Overlap {
                what,
                kept,
                set_aside,
                differences,
            } => {
                write!(
                    f,
                    "{what} sont dans {} et dans {} : celles de {} sont lues",
                    set_aside.display(),
                    kept.display(),
                    kept.display()
                )?;
                if differences.is_empty() {
                    return write!(f, ", les deux fichiers concordent");
                }
                let listed: Vec<String> = differences
                    .iter()
                    .map(|d| {
                        format!(
                            "{} {} {} (et non {})",
                            d.code, d.column, d.kept, d.set_aside
                        )
                    })
                    .collect();
                write!(
                    f,
                    " ; {} valeur(s) diffèrent : {}",
                    differences.len(),
                    code_list(&listed)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_xls_read_without_its_cell_formats_is_said() {
        let n = Notice::FormatsUnread {
            file: "taux.xls".into(),
        };
        let text = n.to_string();
        assert!(text.starts_with("taux.xls : classeur .xls"), "{text}");
        assert!(
            text.contains("0,702 pour 70,2 %") && text.contains("enregistrez le classeur en .xlsx"),
            "{text}"
        );
    }
}

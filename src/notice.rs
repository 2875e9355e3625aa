//! What the engine tells the user about the rows it read, typed, so that a caller (a test,
//! a program using the library) can tell one case from another; said in French by
//! `Display`, where the report and the command line turn them into text.

use std::fmt;
use std::path::PathBuf;

use crate::format::code_list;
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

/// One thing the user must know of a source's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
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
    },
    /// Territories of the selection the file has no row for: they have no value.
    Absent {
        /// What the file gives ("des indicateurs").
        role: String,
        codes: Vec<String>,
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
            Notice::PartlyCovered { file, territories } => {
                let listed: Vec<String> = territories
                    .iter()
                    .map(|t| format!("{} ({} commune(s) sur {})", t.code, t.absent, t.communes))
                    .collect();
                write!(
                    f,
                    "{} : {} territoire(s) couverts partiellement, leurs sommes omettent les communes absentes du fichier : {}",
                    file.display(),
                    territories.len(),
                    code_list(&listed)
                )
            }
            Notice::Absent { role, codes } => write!(
                f,
                "{} territoire(s) absent(s) du fichier {role}, sans valeur : {}",
                codes.len(),
                code_list(codes)
            ),
        }
    }
}

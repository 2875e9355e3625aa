//! What the engine tells the user, typed from where it is found to where it is said, so that
//! a caller (a test, a program using the library) can tell one case from another. Said in
//! French only at the edge, by `Display` in [`french`], where the console, the report and
//! the Markdown notes turn them into text.

mod french;

use std::path::PathBuf;

use crate::classify::Threshold;
use crate::indicators::Cell;
use crate::ingest::RestoredZeros;
use crate::panier::ServiceKind;
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

/// How a reference row (« Département », « France ») got a source's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceSource {
    /// The file publishes the row of that level (`word`: its value in the level column).
    Published { source: String, word: String },
    /// The file has no row of that level.
    NoRow { source: String, word: String },
    /// An inventory covers the query's départements only: no value beyond them.
    InventoryOutside { source: String },
    /// Counted on the inventory.
    CountedOnInventory { source: String },
    /// Summed over its communes.
    SummedOnCommunes { source: String },
    /// Its communes are not all in the file: `lacking` of its `departements` in part or not at all.
    CommunesLacking {
        source: String,
        lacking: usize,
        departements: usize,
    },
}

/// One axis of a synthesis, as the priorities were drawn: the bounds said with their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisSaid {
    pub label: String,
    pub indicator: String,
    pub at_least: Option<String>,
    pub below: Option<String>,
}

/// One thing the user must know of what the engine read, computed or drew.
#[derive(Debug, Clone, PartialEq)]
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

    // Of the selection.
    /// Communes of the query's départements in no zone of the zoning: in no row.
    CommunesWithoutZone { codes: Vec<String> },
    /// EPCI reaching beyond the query's départements, reduced to their communes in them
    /// (`epci_debordants = "communes"`): by their names, which say it.
    EpcisReduced { names: Vec<String> },
    /// EPCI reaching beyond the query's départements counted whole (`epci_debordants =
    /// "entiers"`, the default).
    EpcisWhole { codes: Vec<String> },
    /// EPCI reaching beyond the query's départements counted whole, most of their people
    /// living in them (`epci_debordants = "majorite"`).
    EpcisKept { count: usize },
    /// EPCI left to the départements where most of their people live, with the share in the
    /// query's.
    EpcisLeft { epcis: Vec<(String, f64)> },
    /// EPCI of several départements, included whole: by name, with their départements.
    EpcisAcross { epcis: Vec<(String, Vec<String>)> },

    // Of the coverage rates.
    /// The Cnaf's technical row `XX` (communes without EPCI) recognised and left out.
    TechnicalRow { file: PathBuf },
    /// Territories computed without all their communes (absent from the file).
    Incomplete { codes: Vec<String> },
    /// Communes in no territory of `level`, left out of the sums.
    CommunesWithoutParent { level: Level, codes: Vec<String> },
    /// Territories without a rate (« donnée absente »).
    WithoutRate { codes: Vec<String> },
    /// Territories whose rate is secret.
    SecretRate { codes: Vec<String> },

    // Of the indicators.
    /// Territories without a value of an indicator, left out of the selection's whole.
    IndicatorAbsent {
        indicator: String,
        absent: usize,
        of: usize,
    },
    /// The selection's total of a share's denominator is zero: no share.
    ZeroTotal { indicator: String },
    /// How a reference row got each source's values.
    ReferenceRow {
        name: String,
        sources: Vec<ReferenceSource>,
    },
    /// Territories a table's filter cannot place (a value unknown, or bounded across a bound).
    FilteredOutUnknown {
        table: String,
        indicator: String,
        codes: Vec<String>,
    },
    /// A key figure, as its sentence says it.
    KeyFigure { name: String, sentence: String },
    /// An axis of the synthesis.
    Axis(AxisSaid),
    /// The synthesis' priorities, as its sentence says them.
    Priorities { sentence: String },

    // Of the scores.
    /// Territories not ranked, a value at least being `cell` (secret or missing).
    Unranked { cell: Cell, codes: Vec<String> },
    /// Territories ranked on bounded values, whose rank may change within the bounds.
    RankedOnBounds { codes: Vec<String> },
    /// Territories whose count of flags is unknown (a flag on a secret or missing value).
    FlagTotalsUnknown { codes: Vec<String> },
    /// Territories with a flag uncertain (a bounded value across its threshold).
    FlagsUncertain { codes: Vec<String> },
    /// An indicator equal for every territory: normalised to 0, it does not rank them.
    ConstantIndicator { column: String },
    /// Weights not summing to 1, divided by their sum.
    WeightsRescaled { sum: f64 },
    /// A list redone under variants of its method (their labels).
    Robustness { variants: Vec<String> },

    // Of the classes.
    /// Missing or infinite values left out of the classes.
    ValuesIgnored { count: usize },
    /// No value to class: one class.
    NoValueToClass,
    /// Every value equal: one class.
    AllValuesEqual,
    /// Q6 asked for another number of classes than its six.
    Q6SixClasses,
    /// Fewer distinct values than classes asked.
    FewDistinctValues { distinct: usize, asked: usize },
    /// Fewer classes than asked: thresholds equal (merged) or leaving a class empty (dropped).
    FewerClasses {
        asked: usize,
        kept: usize,
        merged: bool,
        dropped: Vec<Threshold>,
    },
    /// Mean and standard deviation with (or without) a central class need an odd (even) count.
    MeanSdClasses {
        central: bool,
        classes: usize,
        asked: usize,
    },
    /// The classes of a diagnostic computed on the values of all its départements at once,
    /// but those `left_out` (in error).
    PooledClasses {
        departements: usize,
        left_out: Vec<String>,
    },

    // Of the maps.
    /// Territories a map has no shape for: absent from it.
    WithoutShape { codes: Vec<String> },
    /// Commune contours in no `group` (EPCI, zone), not merged.
    ContoursNotMerged { count: usize, group: Level },
    /// Communes of the selection without a contour of their own (`code name`).
    CommunesUnshaped { communes: Vec<String> },
    /// Contours of an older vintage moved to the query's.
    ContoursMoved(Moved),
    /// Contours of vintage `from` split or unknown since: not drawn.
    ContoursUnassigned { from: u16, codes: Vec<String> },

    // Of the panier.
    /// Services of kinds outside the panier: counted, without weight on its completeness.
    ServicesOutsidePanier { kinds: Vec<ServiceKind> },
}

/// The notices as the user reads them, for tests that check the words.
#[cfg(test)]
pub(crate) fn said(notices: &[Notice]) -> Vec<String> {
    notices.iter().map(ToString::to_string).collect()
}

//! The level of a source's rows, and how it goes with the level of a query.

use serde::Deserialize;

use crate::territory::Level;

/// What one row of a source is about (`niveau = "commune"` in a query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceLevel {
    Iris,
    Commune,
    Epci,
    Departement,
    /// An inventory: one row per service, placed in its commune.
    Services,
}

impl SourceLevel {
    /// The rows of a query's level: a file by zone does not exist (the analyst's zones are sums
    /// of communes).
    pub fn of(level: Level) -> Self {
        match level {
            Level::Commune | Level::Zone => SourceLevel::Commune,
            Level::Epci => SourceLevel::Epci,
            Level::Departement => SourceLevel::Departement,
        }
    }

    /// Whether its rows are communes or finer (IRIS, services placed in their commune): they
    /// sum into territories of any level, and move from an older COG to the query's.
    pub fn fine(self) -> bool {
        matches!(
            self,
            SourceLevel::Iris | SourceLevel::Commune | SourceLevel::Services
        )
    }

    /// Whether its rows are the territories of `level` themselves.
    pub fn is(self, level: Level) -> bool {
        level != Level::Zone && self == SourceLevel::of(level)
    }

    /// The French noun, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            SourceLevel::Iris => "IRIS",
            SourceLevel::Commune => "commune",
            SourceLevel::Epci => "EPCI",
            SourceLevel::Departement => "département",
            SourceLevel::Services => "service",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_sums_into_a_level_when_it_is_that_level_or_finer() {
        assert!(SourceLevel::Epci.is(Level::Epci));
        assert!(!SourceLevel::Epci.is(Level::Departement));
        // A zone is a group of communes: no file gives its rows.
        assert!(!SourceLevel::Commune.is(Level::Zone));
        assert_eq!(SourceLevel::of(Level::Zone), SourceLevel::Commune);
        assert!(SourceLevel::Services.fine() && SourceLevel::Iris.fine());
        assert!(!SourceLevel::Departement.fine());
    }
}

//! What every reader shares: turning a code attribute into a normalised code, and
//! collecting features while refusing duplicates, with errors that name the feature.

use std::collections::HashMap;
use std::path::Path;

use geo::MultiPolygon;

use super::Feature;
use crate::error::{Error, Result};
use crate::ingest::CodeKind;

/// Why `shape` cannot be drawn, if it cannot: every ring of a polygon has four positions at least (the first
/// repeated at the end). A ring of fewer would vanish from the map while its territory stayed in the counts.
pub(super) fn ring_problem(shape: &MultiPolygon<f64>) -> Option<String> {
    shape.0.iter().enumerate().find_map(|(p, polygon)| {
        std::iter::once(polygon.exterior())
            .chain(polygon.interiors())
            .enumerate()
            .find_map(|(r, ring)| {
                let n = ring.0.len();
                (n < 4).then(|| {
                    let which = if r == 0 {
                        "anneau extérieur".to_string()
                    } else {
                        format!("trou n° {r}")
                    };
                    format!(
                        "polygone n° {}, {which} : {n} position(s), il en faut au moins 4 (le premier point répété à la fin)",
                        p + 1
                    )
                })
            })
    })
}

/// A code attribute as found in the file, before normalisation.
pub(super) enum RawCode<'a> {
    Text(&'a str),
    Number(f64),
    /// Absent, null, or of a type that cannot be a code (boolean, list…).
    Missing,
}

/// Gathers a file's features in order, checking codes as they come.
pub(super) struct Collector<'a> {
    path: &'a Path,
    code_property: &'a str,
    /// Normalised code → 1-based feature number, to name both sides of a duplicate.
    seen: HashMap<String, usize>,
    features: Vec<Feature>,
}

impl<'a> Collector<'a> {
    pub(super) fn new(path: &'a Path, code_property: &'a str, capacity: usize) -> Self {
        Collector {
            path,
            code_property,
            seen: HashMap::with_capacity(capacity),
            features: Vec::with_capacity(capacity),
        }
    }

    /// Normalises the code of feature `number` (1-based). `properties` lists the names the
    /// feature has, for the error when the code is missing.
    pub(super) fn code<'p>(
        &self,
        number: usize,
        raw: RawCode<'_>,
        properties: impl Iterator<Item = &'p str>,
    ) -> Result<String> {
        let code = match raw {
            // A commune code that lost its zero (`"1001"`) is padded as in tables.
            RawCode::Text(text) => Some(text.trim()).filter(|t| !t.is_empty()).map(|t| {
                crate::ingest::normalize_code(CodeKind::CommuneOrEpci, t)
                    .map_or_else(|_| t.to_string(), |c| c.into_owned())
            }),
            RawCode::Number(n) => Some(self.numeric_code(number, n)?),
            RawCode::Missing => None,
        };
        code.ok_or_else(|| {
            let names: Vec<&str> = properties.collect();
            let present = if names.is_empty() {
                "aucune propriété".to_string()
            } else {
                format!("propriétés présentes : {}", names.join(", "))
            };
            Error::new(format!(
                "entité n° {number} : code manquant (propriété « {} » absente ou vide)",
                self.code_property
            ))
            .file(self.path)
            .hint(format!(
                "{present} ; choisissez la propriété qui porte le code"
            ))
        })
    }

    /// A number lost the leading zero of a commune code (1001 for "01001"): pad to 5 digits.
    /// Longer numbers (a 9-digit SIREN) are kept as written.
    fn numeric_code(&self, number: usize, n: f64) -> Result<String> {
        if n.fract() != 0.0 || !(0.0..=1e15).contains(&n) {
            return Err(Error::new(format!(
                "entité n° {number} : code numérique invalide ({n}) dans la propriété « {} »",
                self.code_property
            ))
            .file(self.path));
        }
        Ok(format!("{:05}", n as u64))
    }

    /// Adds a feature; a code already seen, or a ring too short to draw, is an error naming the feature.
    pub(super) fn push(
        &mut self,
        number: usize,
        code: String,
        name: Option<String>,
        geometry: MultiPolygon<f64>,
    ) -> Result<()> {
        if let Some(what) = ring_problem(&geometry) {
            return Err(geometry_error(self.path, number, &code, &what));
        }
        if let Some(first) = self.seen.insert(code.clone(), number) {
            return Err(Error::new(format!(
                "code en double : entités n° {first} et n° {number}"
            ))
            .file(self.path)
            .code(code)
            .hint("chaque territoire doit apparaître une seule fois dans le fichier de contours"));
        }
        self.features.push(Feature {
            code,
            name,
            geometry,
        });
        Ok(())
    }

    pub(super) fn into_features(self) -> Vec<Feature> {
        self.features
    }
}

/// The error for a feature whose geometry is missing or not areal.
pub(super) fn geometry_error(path: &Path, number: usize, code: &str, what: &str) -> Error {
    Error::new(format!("entité n° {number} : {what}"))
        .file(path)
        .code(code)
        .hint("chaque entité du fichier de contours doit être un polygone ou un multipolygone")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(raw: RawCode<'_>) -> Result<String> {
        Collector::new(Path::new("c.geojson"), "code", 0).code(7, raw, ["nom", "dep"].into_iter())
    }

    #[test]
    fn numeric_commune_codes_get_their_leading_zero_back() {
        assert_eq!(code_of(RawCode::Number(1001.0)).unwrap(), "01001");
        assert_eq!(code_of(RawCode::Number(63113.0)).unwrap(), "63113");
        assert_eq!(
            code_of(RawCode::Number(200_069_193.0)).unwrap(),
            "200069193"
        );
        assert_eq!(code_of(RawCode::Text(" 2A004 ")).unwrap(), "2A004");
    }

    #[test]
    fn missing_code_names_file_feature_and_properties() {
        for raw in [RawCode::Missing, RawCode::Text("  ")] {
            let text = code_of(raw).unwrap_err().to_string();
            assert!(text.contains("c.geojson"), "{text}");
            assert!(text.contains("entité n° 7"), "{text}");
            assert!(text.contains("code manquant"), "{text}");
            assert!(text.contains("nom, dep"), "{text}");
        }
    }

    #[test]
    fn fractional_code_is_refused() {
        let text = code_of(RawCode::Number(1.5)).unwrap_err().to_string();
        assert!(
            text.contains("c.geojson") && text.contains("entité n° 7"),
            "{text}"
        );
    }
}

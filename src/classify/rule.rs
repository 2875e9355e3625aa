//! How a map's classes are had: thresholds the query gives (numbers, or the names of values
//! known once computed, as `reference:departement`), or a method cutting the values.

use super::palette::Palette;
use super::{Classes, Method, Threshold, pooled};
use crate::error::{Error, ErrorKind, Place, Result};
use crate::notice::Notice;

/// A threshold as a query gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum GivenThreshold {
    Value(f64),
    /// The key of a value known once computed (`reference:departement`).
    Named(String),
}

/// How the classes of a map are had.
#[derive(Debug, Clone, PartialEq)]
pub enum ClassRule {
    /// Given thresholds: every class is kept, even an empty one (« 0 EPCI sous les deux
    /// références » is a finding the legend must show).
    Given(Vec<GivenThreshold>),
    /// A method over the values, with the number of classes asked (a rule of thumb otherwise).
    Computed {
        method: Method,
        count: Option<usize>,
    },
}

/// The classes and colours of one map, as the plan resolves them: the rule, the palette, and
/// where the query writes them, for the errors only the data show (a named value that turns
/// out secret, more classes than the palette has).
#[derive(Debug, Clone)]
pub struct Classing {
    pub rule: ClassRule,
    pub palette: Palette,
    pub place: Place,
}

impl Classing {
    /// [`ClassRule::classes`], its errors placed at the query's classes.
    pub fn classes(
        &self,
        named: &[NamedValue],
        series: &[Vec<f64>],
        notices: &mut Vec<Notice>,
    ) -> Result<Classes> {
        self.rule
            .classes(named, series, notices)
            .map_err(|e| self.place.put(e))
    }

    /// The colours of `classes`, lowest first, a diverging palette centred on `center`.
    pub fn colours(&self, classes: &Classes, center: f64) -> Result<Vec<String>> {
        self.palette
            .colours_of(classes, center)
            .map_err(|e| self.place.put(e))
    }
}

/// A value a threshold may name: `reference:departement` is the « référence départementale ».
#[derive(Debug, Clone, PartialEq)]
pub struct NamedValue {
    pub key: &'static str,
    pub value: f64,
    /// How the legend names it.
    pub name: String,
}

impl ClassRule {
    /// Whether the classes are computed from the values (not given).
    pub fn computed(&self) -> bool {
        matches!(self, ClassRule::Computed { .. })
    }

    /// Whether a given threshold names `key`.
    pub fn names(&self, key: &str) -> bool {
        match self {
            ClassRule::Given(thresholds) => thresholds
                .iter()
                .any(|t| matches!(t, GivenThreshold::Named(n) if n == key)),
            ClassRule::Computed { .. } => false,
        }
    }

    /// The classes: named thresholds take the value of `named`; a method cuts all `series` at
    /// once (pooled), so that several panels share their classes. The notices say when the
    /// data give fewer classes than asked.
    pub fn classes(
        &self,
        named: &[NamedValue],
        series: &[Vec<f64>],
        notices: &mut Vec<Notice>,
    ) -> Result<Classes> {
        match self {
            ClassRule::Given(given) => {
                let thresholds = given
                    .iter()
                    .map(|t| match t {
                        GivenThreshold::Value(value) => Ok(Threshold {
                            value: *value,
                            name: None,
                        }),
                        GivenThreshold::Named(key) => named
                            .iter()
                            .find(|r| r.key == key)
                            .map(|r| Threshold {
                                value: r.value,
                                name: Some(r.name.clone()),
                            })
                            .ok_or_else(|| unknown(key, named)),
                    })
                    .collect::<Result<_>>()?;
                Classes::new(thresholds)
            }
            ClassRule::Computed { method, count } => {
                let series: Vec<&[f64]> = series.iter().map(Vec::as_slice).collect();
                let found = pooled(&series, method, *count)?;
                notices.extend(found.notices);
                Ok(found.classes)
            }
        }
    }
}

/// The error of a threshold naming no value of `named`.
fn unknown(key: &str, named: &[NamedValue]) -> Error {
    Error::new(format!("seuil inconnu « {key} »"))
        .kind(ErrorKind::Query)
        .hint(format!(
            "seuils possibles : un nombre{}",
            named
                .iter()
                .map(|r| format!(", « {} »", r.key))
                .collect::<String>()
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn departement() -> Vec<NamedValue> {
        vec![NamedValue {
            key: "reference:departement",
            value: 64.2,
            name: "référence départementale".to_string(),
        }]
    }

    #[test]
    fn given_thresholds_take_the_named_values_and_keep_every_class() {
        let rule = ClassRule::Given(vec![
            GivenThreshold::Value(50.0),
            GivenThreshold::Named("reference:departement".to_string()),
        ]);
        assert!(rule.names("reference:departement") && !rule.names("reference:france"));
        let classes = rule
            .classes(&departement(), &[vec![1.0, 2.0]], &mut Vec::new())
            .unwrap();
        // No value reaches either threshold: the three classes stay.
        assert_eq!(classes.len(), 3);
        let t = classes.thresholds();
        assert_eq!(
            (t[1].value, t[1].name.as_deref()),
            (64.2, Some("référence départementale"))
        );
        let unknown = ClassRule::Given(vec![GivenThreshold::Named("reference:region".into())])
            .classes(&departement(), &[], &mut Vec::new())
            .unwrap_err();
        assert_eq!(unknown.message, "seuil inconnu « reference:region »");
        assert_eq!(
            unknown.hint.as_deref(),
            Some("seuils possibles : un nombre, « reference:departement »")
        );
    }

    #[test]
    fn a_method_cuts_all_series_at_once() {
        let rule = ClassRule::Computed {
            method: Method::EqualIntervals,
            count: Some(2),
        };
        let classes = rule
            .classes(&[], &[vec![0.0, 1.0], vec![9.0, 10.0]], &mut Vec::new())
            .unwrap();
        assert_eq!(classes.thresholds()[0].value, 5.0);
    }
}

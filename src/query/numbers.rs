//! The numbers of a query, typed by what they may be: TOML reads `nan` and `inf` as numbers, and a scale of 0
//! or a negative `une_pour` would give a figure with no meaning. Each type refuses a wrong value as the query is
//! read, so the error names its line (see `bounds.rs` for the upper bounds of sizes and counts).

use serde::Deserialize;

use super::bounds::OUT_OF_BOUNDS;

/// A number written as the user wrote it: `nan`, `inf`, `-inf` as TOML spells them.
fn written(v: f64) -> String {
    match v {
        v if v.is_nan() => "nan".into(),
        v if v.is_infinite() => if v > 0.0 { "inf" } else { "-inf" }.into(),
        v => crate::format::count(v),
    }
}

/// Any finite number: a threshold, a bound, a reference value.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Finite(f64);

/// A finite number above 0: a scale, a factor, one service per so many people.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct Positive(f64);

/// A finite number, 0 or above: a weight, a population.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Deserialize)]
#[serde(try_from = "f64")]
pub struct NonNegative(f64);

/// Each type: the values it takes, and what it says of the others.
macro_rules! number {
    ($($t:ident: $takes:expr, $expected:literal;)*) => {$(
        impl TryFrom<f64> for $t {
            type Error = String;

            fn try_from(v: f64) -> Result<Self, String> {
                let takes: fn(f64) -> bool = $takes;
                match v.is_finite() && takes(v) {
                    true => Ok($t(v)),
                    false => Err(format!("{OUT_OF_BOUNDS} : {} ({} est attendu)", written(v), $expected)),
                }
            }
        }

        impl $t {
            pub fn get(self) -> f64 {
                self.0
            }
        }
    )*};
}

number! {
    Finite: |_| true, "un nombre fini";
    Positive: |v| v > 0.0, "un nombre supérieur à 0";
    NonNegative: |v| v >= 0.0, "un nombre positif ou nul";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Numbers {
        a: Option<Finite>,
        b: Option<Positive>,
        c: Option<NonNegative>,
    }

    fn read(text: &str) -> Result<Numbers, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn nan_infinities_zero_and_negatives_are_refused_where_they_mean_nothing() {
        for (text, said) in [
            ("a = nan", "nan (un nombre fini"),
            ("a = -inf", "-inf (un nombre fini"),
            ("b = 0", "0 (un nombre supérieur à 0"),
            ("b = -2.5", "-2,5 (un nombre supérieur à 0"),
            ("b = inf", "inf (un nombre supérieur à 0"),
            ("c = -1", "-1 (un nombre positif ou nul"),
            ("c = nan", "nan (un nombre positif ou nul"),
        ] {
            let e = read(text).unwrap_err();
            assert!(
                e.starts_with(OUT_OF_BOUNDS) && e.contains(said),
                "{text}: {e}"
            );
        }
        let n = read("a = -3.5\nb = 1e-9\nc = 0").unwrap();
        assert_eq!(
            (
                n.a.map(Finite::get),
                n.b.map(Positive::get),
                n.c.map(NonNegative::get)
            ),
            (Some(-3.5), Some(1e-9), Some(0.0))
        );
    }
}

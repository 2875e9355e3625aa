//! Fixed thresholds, possibly named (the departmental and national references).

use crate::error::{Error, Result};
use crate::format;

/// One cut point; `name` says what it is when it is a reference ("référence nationale").
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub name: Option<String>,
}

/// Classes cut by ascending thresholds: `n` thresholds give `n + 1` classes,
/// class `i` holding the values in `[t(i-1) ; t(i)[`.
#[derive(Debug, Clone, PartialEq)]
pub struct Classes {
    thresholds: Vec<Threshold>,
}

impl Classes {
    /// Sorts the thresholds; equal values are merged (their names joined) so that
    /// no class is empty by construction.
    pub fn new(mut thresholds: Vec<Threshold>) -> Result<Self> {
        if let Some(t) = thresholds.iter().find(|t| !t.value.is_finite()) {
            return Err(
                Error::new(format!("seuil de classe invalide : {}", t.value))
                    .hint("les seuils doivent être des nombres"),
            );
        }
        thresholds.sort_by(|a, b| a.value.total_cmp(&b.value));
        let mut merged: Vec<Threshold> = Vec::with_capacity(thresholds.len());
        for t in thresholds {
            match merged.last_mut() {
                Some(last) if last.value == t.value => {
                    last.name = match (last.name.take(), t.name) {
                        (Some(a), Some(b)) => Some(format!("{a} et {b}")),
                        (a, b) => a.or(b),
                    };
                }
                _ => merged.push(t),
            }
        }
        Ok(Classes { thresholds: merged })
    }

    /// Classes symmetric around 0 for changes: a central "stable" class within a tenth of
    /// the largest change, then half of it, on each side (one class when nothing changed).
    pub fn symmetric_around_zero(values: &[f64]) -> Self {
        let largest = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
        let round = |x: f64| (x * 10.0).round() / 10.0;
        let (small, half) = (round(largest / 10.0), round(largest / 2.0));
        let mut limits = vec![-half, -small, small, half];
        limits.retain(|v| *v != 0.0);
        limits.dedup();
        Classes {
            thresholds: limits
                .into_iter()
                .map(|value| Threshold { value, name: None })
                .collect(),
        }
    }

    pub fn thresholds(&self) -> &[Threshold] {
        &self.thresholds
    }

    pub fn len(&self) -> usize {
        self.thresholds.len() + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    /// The class of `value` (0 = lowest).
    pub fn class_of(&self, value: f64) -> usize {
        self.thresholds.partition_point(|t| t.value <= value)
    }

    /// The class of a value known between `low` and `high`: one class when the whole interval
    /// lies in it, otherwise the lowest and highest classes it reaches.
    pub fn class_of_bounds(
        &self,
        low: f64,
        high: f64,
    ) -> std::result::Result<usize, (usize, usize)> {
        match (self.class_of(low), self.class_of(high)) {
            (a, b) if a == b => Ok(a),
            (a, b) => Err((a, b)),
        }
    }

    /// French labels of the classes, bounds with `decimals` digits.
    pub fn labels(&self, decimals: usize) -> Vec<String> {
        let fmt = |t: &Threshold| format::display(t.value, decimals);
        let n = self.thresholds.len();
        if n == 0 {
            return vec!["Toutes valeurs".to_string()];
        }
        let mut labels = Vec::with_capacity(n + 1);
        labels.push(format!("Moins de {}", fmt(&self.thresholds[0])));
        for pair in self.thresholds.windows(2) {
            labels.push(format!("De {} à moins de {}", fmt(&pair[0]), fmt(&pair[1])));
        }
        labels.push(format!("{} et plus", fmt(&self.thresholds[n - 1])));
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_changes_are_symmetric_around_zero() {
        let limits: Vec<f64> = Classes::symmetric_around_zero(&[-3.0, 1.0, 8.0])
            .thresholds()
            .iter()
            .map(|t| t.value)
            .collect();
        assert_eq!(limits, [-4.0, -0.8, 0.8, 4.0]);
        assert_eq!(Classes::symmetric_around_zero(&[0.0, 0.0]).len(), 1);
    }

    fn t(value: f64) -> Threshold {
        Threshold { value, name: None }
    }

    #[test]
    fn left_closed_intervals() {
        let c = Classes::new(vec![t(64.2), t(60.9)]).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.class_of(60.8), 0);
        assert_eq!(c.class_of(60.9), 1);
        assert_eq!(c.class_of(64.1), 1);
        assert_eq!(c.class_of(64.2), 2);
        assert_eq!(c.class_of(195.8), 2);
    }

    #[test]
    fn equal_thresholds_merge_without_empty_class() {
        let c = Classes::new(vec![
            Threshold {
                value: 60.9,
                name: Some("référence départementale".into()),
            },
            Threshold {
                value: 60.9,
                name: Some("référence nationale".into()),
            },
        ])
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            c.thresholds()[0].name.as_deref(),
            Some("référence départementale et référence nationale")
        );
    }

    #[test]
    fn french_labels() {
        let c = Classes::new(vec![t(60.9), t(64.2)]).unwrap();
        assert_eq!(
            c.labels(1),
            vec!["Moins de 60,9", "De 60,9 à moins de 64,2", "64,2 et plus"]
        );
    }

    #[test]
    fn nan_threshold_is_an_error() {
        assert!(Classes::new(vec![t(f64::NAN)]).is_err());
    }

    #[test]
    fn every_value_in_exactly_one_class() {
        let c = Classes::new(vec![t(10.0), t(20.0), t(30.0)]).unwrap();
        for i in 0..400 {
            let v = i as f64 / 10.0;
            let k = c.class_of(v);
            assert!(k < c.len());
            let lo = if k == 0 {
                f64::NEG_INFINITY
            } else {
                c.thresholds()[k - 1].value
            };
            let hi = c.thresholds().get(k).map_or(f64::INFINITY, |t| t.value);
            assert!(lo <= v && v < hi, "{v} in class {k}");
        }
    }
}

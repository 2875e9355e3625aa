//! Standardised classes: thresholds every `k` standard deviations around the mean,
//! as mapclassify's `StdMean` (sample standard deviation, n − 1).

use crate::error::{Error, Result};
use crate::notice::Notice;

/// Thresholds for about `n` classes of the sorted values (at least two distinct).
/// The number of classes is odd with a central class, even without; a wrong
/// parity lowers it by one, with a notice.
pub(super) fn thresholds(
    sorted: &[f64],
    n: usize,
    k: f64,
    central: bool,
    notices: &mut Vec<Notice>,
) -> Result<Vec<f64>> {
    if !(k.is_finite() && k > 0.0) {
        return Err(
            Error::new(format!("écart de classe invalide : {k} écart(s)-type(s)"))
                .hint("donnez un nombre positif d'écarts-types, par exemple 1 ou 0,5"),
        );
    }
    let len = sorted.len() as f64;
    let mean = sorted.iter().sum::<f64>() / len;
    let sd = (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (len - 1.0)).sqrt();
    // Multiples of k·sd: ±1…±half around a central class, or −(half−1)…half−1 (the
    // mean itself is a threshold) without one.
    let (multiples, classes): (Vec<f64>, usize) = if central {
        let half = (n - 1) / 2;
        let side = (1..=half).map(|j| j as f64);
        (
            side.clone().rev().map(|j| -j).chain(side).collect(),
            2 * half + 1,
        )
    } else {
        let half = n / 2;
        let span = half as i64 - 1;
        (
            (-span..=span).map(|j| j as f64).collect(),
            (2 * half).max(1),
        )
    };
    if classes != n {
        notices.push(Notice::MeanSdClasses {
            central,
            classes,
            asked: n,
        });
    }
    Ok(multiples.iter().map(|j| mean + j * k * sd).collect())
}

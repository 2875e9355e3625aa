//! Thresholds in geometric or arithmetic progression, for skewed distributions
//! (populations, densities) where equal intervals put nearly everything in the
//! first class.

use crate::error::{Error, Result};
use crate::format;

/// Bounds `min·r^i` with the constant ratio `r = (max/min)^(1/n)`.
pub(super) fn geometric(min: f64, max: f64, n: usize) -> Result<Vec<f64>> {
    if min <= 0.0 {
        return Err(Error::new(format!(
            "progression géométrique impossible : la plus petite valeur est {}",
            format::display(min, 2)
        ))
        .hint("elle demande des valeurs toutes positives ; choisissez une autre méthode"));
    }
    let ratio = max / min;
    Ok((1..n)
        .map(|i| min * ratio.powf(i as f64 / n as f64))
        .collect())
}

/// Class widths `w, 2w, 3w…`: the `i`-th threshold is `min + w·i(i+1)/2`, with `w`
/// such that the `n` widths add up to the range.
pub(super) fn arithmetic(min: f64, max: f64, n: usize) -> Vec<f64> {
    let triangle = |i: usize| (i * (i + 1) / 2) as f64;
    let w = (max - min) / triangle(n);
    (1..n).map(|i| min + w * triangle(i)).collect()
}

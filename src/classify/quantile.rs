//! Quantile thresholds, defined as mapclassify's `Quantiles` so that results can be
//! checked against it: scipy's `scoreatpercentile`, the linear interpolation
//! between order statistics also known as R's type 7 and numpy's default.

/// The value at proportion `p` (0 to 1) of the sorted values: linear interpolation
/// between the two order statistics around rank `p·(n − 1)`.
pub(super) fn at(sorted: &[f64], p: f64) -> f64 {
    let rank = p * (sorted.len() - 1) as f64;
    let i = rank.floor() as usize;
    let f = rank - i as f64;
    if f == 0.0 {
        sorted[i]
    } else {
        sorted[i] * (1.0 - f) + sorted[i + 1] * f
    }
}

/// The `n − 1` interior quantiles cutting the values into `n` equal groups.
pub(super) fn thresholds(sorted: &[f64], n: usize) -> Vec<f64> {
    (1..n).map(|i| at(sorted, i as f64 / n as f64)).collect()
}

//! Equal intervals between the minimum and the maximum.

pub(super) fn thresholds(min: f64, max: f64, n: usize) -> Vec<f64> {
    let width = (max - min) / n as f64;
    (1..n).map(|i| min + width * i as f64).collect()
}

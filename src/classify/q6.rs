//! Q6, the six-class quantile scheme of French cartographers: the tails (the 5 %
//! lowest and highest) are set apart, the middle is cut at the quartiles.

use super::quantile;

pub(super) fn thresholds(sorted: &[f64]) -> Vec<f64> {
    [0.05, 0.25, 0.5, 0.75, 0.95]
        .iter()
        .map(|&p| quantile::at(sorted, p))
        .collect()
}

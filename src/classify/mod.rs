//! Class breaks and the colours of the classes.
//!
//! Intervals are closed on the left: a value equal to a threshold belongs to the
//! class above it (a territory exactly at the national rate is *not* below it).
//!
//! [`breaks`] computes the thresholds of a classification method from the values;
//! [`pooled`] does it once over several series (years, maps) so that their classes
//! are comparable. Whatever the data, the result has no empty class and strictly
//! increasing thresholds; when the data cannot give the classes asked for (too few
//! distinct values, a threshold outside the values…) there are fewer classes and a
//! French notice says why. Non-finite values (NaN, ±∞) are ignored, with a notice.
//!
//! Compared with mapclassify, whose bins are right-closed upper bounds: quantile,
//! equal-interval, Q6 and mean–sd thresholds are the same numbers (only a value
//! exactly on a threshold changes side); natural-break thresholds are the smallest
//! value of each class, so the partition is the one jenkspy's upper bounds give.

mod equal;
mod mean_sd;
mod natural;
pub mod palette;
mod progression;
mod q6;
mod quantile;
pub mod rule;
#[cfg(test)]
mod tests;
pub mod thresholds;

pub use rule::{ClassRule, Classing, GivenThreshold, NamedValue};
pub use thresholds::{Classes, Threshold};

use crate::error::{Error, Result};
use crate::notice::Notice;

/// How thresholds are derived from the values.
#[derive(Debug, Clone, PartialEq)]
pub enum Method {
    /// Same number of values in each class. Quantiles are those of mapclassify's
    /// `Quantiles` (scipy `scoreatpercentile`, i.e. linear interpolation between
    /// the order statistics at rank `p·(n−1)`, R type 7).
    Quantiles,
    /// Classes of equal width between the minimum and the maximum.
    EqualIntervals,
    /// Jenks natural breaks: the exact partition minimising the sum of squared
    /// deviations to the class means (Fisher 1958, computed as Wang & Song's ckmeans).
    NaturalBreaks,
    /// The six classes of French cartographers: bounds at the minimum, 5 %, 25 %,
    /// 50 %, 75 %, 95 % and the maximum (same quantile definition); always 6 classes.
    Q6,
    /// Thresholds every `k` sample standard deviations (n − 1) around the mean.
    /// `central`: the mean is the middle of a class `[m − k·sd ; m + k·sd[` (odd
    /// number of classes); otherwise the mean is a threshold (even number).
    MeanSd { k: f64, central: bool },
    /// Thresholds in geometric progression from the minimum to the maximum
    /// (constant ratio); all values must be positive.
    Geometric,
    /// Class widths in arithmetic progression: w, 2w, 3w… from the minimum.
    Arithmetic,
    /// Given thresholds; thresholds that would leave a class empty are dropped.
    Fixed(Vec<Threshold>),
}

/// A method as a query names it (`methode = "seuils_naturels"`); [`Method`] is the method with
/// its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub enum MethodName {
    /// Given thresholds; every class is kept, even when empty (its count is 0).
    #[serde(rename = "seuils")]
    Given,
    #[serde(rename = "quantiles")]
    Quantiles,
    #[serde(rename = "egales")]
    EqualIntervals,
    #[serde(rename = "seuils_naturels")]
    NaturalBreaks,
    #[serde(rename = "q6")]
    Q6,
    #[serde(rename = "moyenne_ecart_type")]
    MeanSd,
    #[serde(rename = "geometrique")]
    Geometric,
    #[serde(rename = "arithmetique")]
    Arithmetic,
}

impl MethodName {
    /// The method computing thresholds from the values (`k` and `central` are those of
    /// [`Method::MeanSd`]); none for given thresholds.
    pub fn computed(self, k: f64, central: bool) -> Option<Method> {
        Some(match self {
            MethodName::Given => return None,
            MethodName::Quantiles => Method::Quantiles,
            MethodName::EqualIntervals => Method::EqualIntervals,
            MethodName::NaturalBreaks => Method::NaturalBreaks,
            MethodName::Q6 => Method::Q6,
            MethodName::MeanSd => Method::MeanSd { k, central },
            MethodName::Geometric => Method::Geometric,
            MethodName::Arithmetic => Method::Arithmetic,
        })
    }
}

/// The classes found and what the user should know about them (in French).
#[derive(Debug, Clone, PartialEq)]
pub struct Breaks {
    pub classes: Classes,
    pub notices: Vec<Notice>,
}

/// The default number of classes for `n` values of which `distinct` differ:
/// Huntsberger's rule `round(1 + 3.3·log10 n)` (Sturges' in decimal form), capped
/// at 7 because a map reader cannot tell more shades apart (the rule gives 16 for
/// 35 000 communes), at least 3, and never more than the distinct values.
pub fn default_classes(n: usize, distinct: usize) -> usize {
    let rule = (1.0 + 3.3 * (n.max(1) as f64).log10()).round() as usize;
    rule.clamp(3, 7).min(distinct)
}

/// The classes of `values` by `method`; `n_classes` defaults to
/// [`default_classes`] and is ignored by [`Method::Q6`] and [`Method::Fixed`].
pub fn breaks(values: &[f64], method: &Method, n_classes: Option<usize>) -> Result<Breaks> {
    if n_classes == Some(0) {
        return Err(Error::new("nombre de classes nul").hint("demandez au moins une classe"));
    }
    let mut notices = Vec::new();
    // Sorting first makes every method depend on the set of values only, not on
    // their order: pooled breaks are the same whatever the order of the series.
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let ignored = values.len() - sorted.len();
    if ignored > 0 {
        notices.push(Notice::ValuesIgnored { count: ignored });
    }
    let one_class = |notice: Notice, mut notices: Vec<Notice>| {
        notices.push(notice);
        Ok(Breaks {
            classes: Classes::new(Vec::new())?,
            notices,
        })
    };
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return one_class(Notice::NoValueToClass, notices);
    };
    if min == max {
        return one_class(Notice::AllValuesEqual, notices);
    }
    let distinct = 1 + sorted.windows(2).filter(|w| w[0] < w[1]).count();
    let wanted = match method {
        Method::Q6 => {
            if n_classes.is_some_and(|n| n != 6) {
                notices.push(Notice::Q6SixClasses);
            }
            6
        }
        Method::Fixed(t) => t.len() + 1,
        _ => {
            let n = n_classes.unwrap_or_else(|| default_classes(sorted.len(), distinct));
            if n > distinct {
                notices.push(Notice::FewDistinctValues { distinct, asked: n });
            }
            n.min(distinct)
        }
    };
    let computed = thresholds(method, &sorted, wanted, &mut notices)?;
    let asked = computed.len();
    let merged = Classes::new(computed)?;
    let kept = without_empty_classes(&sorted, merged.thresholds());
    if kept.len() < asked {
        notices.push(Notice::FewerClasses {
            asked: asked + 1,
            kept: kept.len() + 1,
            // Equal thresholds merged by [`Classes::new`], then thresholds dropped by
            // [`without_empty_classes`].
            merged: merged.thresholds().len() < asked,
            dropped: merged
                .thresholds()
                .iter()
                .filter(|t| !kept.contains(t))
                .cloned()
                .collect(),
        });
    }
    Ok(Breaks {
        classes: Classes::new(kept)?,
        notices,
    })
}

/// Breaks computed once over the concatenation of `series` (years, maps), so that a
/// class means the same thing on every map. The result does not depend on the order
/// of the series nor of the values within them.
pub fn pooled(series: &[&[f64]], method: &Method, n_classes: Option<usize>) -> Result<Breaks> {
    breaks(&series.concat(), method, n_classes)
}

/// The thresholds of `method` for `n` classes of the sorted values (at least two
/// distinct ones, `n` at most the number of distinct values).
fn thresholds(
    method: &Method,
    sorted: &[f64],
    n: usize,
    notices: &mut Vec<Notice>,
) -> Result<Vec<Threshold>> {
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let values = match method {
        Method::Quantiles => quantile::thresholds(sorted, n),
        Method::EqualIntervals => equal::thresholds(min, max, n),
        Method::NaturalBreaks => natural::thresholds(sorted, n),
        Method::Q6 => q6::thresholds(sorted),
        Method::MeanSd { k, central } => mean_sd::thresholds(sorted, n, *k, *central, notices)?,
        Method::Geometric => progression::geometric(min, max, n)?,
        Method::Arithmetic => progression::arithmetic(min, max, n),
        Method::Fixed(t) => return Ok(t.clone()),
    };
    Ok(values
        .into_iter()
        .map(|value| Threshold { value, name: None })
        .collect())
}

/// Keeps the thresholds (sorted, distinct) that leave at least one of the sorted
/// values in every class: a threshold whose class below would be empty, or above
/// the maximum, is dropped, merging the empty class with its neighbour.
fn without_empty_classes(sorted: &[f64], thresholds: &[Threshold]) -> Vec<Threshold> {
    let max = sorted[sorted.len() - 1];
    let mut kept: Vec<Threshold> = Vec::with_capacity(thresholds.len());
    // Index of the first value of the current (last kept) class.
    let mut start = 0;
    for t in thresholds.iter().filter(|t| t.value <= max) {
        let end = sorted.partition_point(|&v| v < t.value);
        if end > start {
            kept.push(t.clone());
            start = end;
        }
    }
    kept
}

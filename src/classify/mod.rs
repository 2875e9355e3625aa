//! Class breaks and the colours of the classes.
//!
//! Intervals are closed on the left: a value equal to a threshold belongs to the
//! class above it (a territory exactly at the national rate is *not* below it).

pub mod palette;
pub mod thresholds;

pub use thresholds::{Classes, Threshold};

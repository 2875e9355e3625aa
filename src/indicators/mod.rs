//! Indicators: one file per method. Each takes frames and parameters and
//! returns a frame (plus notices for the user); no I/O, no printing.

pub mod aggregate;
pub mod cell;
pub mod coverage;
pub mod coverage_list;
pub mod engine;
pub mod evaluated;
pub mod evolution;
pub mod filter;
pub mod flags;
pub mod frame;
pub mod key_figures;
pub mod model;
pub mod rank_sum;
pub mod reference;
pub mod robustness;
pub mod score;
pub mod score_list;
pub mod secret_rule;
pub mod synthesis;
pub mod table;
pub mod vintage;
pub mod weighted_score;

pub use cell::Cell;

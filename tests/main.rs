//! The integration tests, one crate (one binary to link): each module runs the `diagterr` binary or the
//! library on the files of the repository, as a user would.

mod bad_input;
mod catalogue;
mod cli;
mod common;
mod coverage_real_data;
mod diagnostic;
mod fuzz_regressions;
mod indicators;
mod national_map;
mod panier;
mod priorities;
mod series;
mod synthetic;
mod verifier;
mod vintages;

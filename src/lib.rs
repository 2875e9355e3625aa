//! diagterr: territorial indicators for the schémas départementaux des services aux familles.
//!
//! Data flows one way, and the modules follow it:
//! `query` (TOML) → `ingest` (files to frames) → `territory` (COG hierarchy) and `geometry`
//! (contours) → `indicators` (rates, scores) and `panier` (services inventories) → `classify`
//! → `render` (SVG, PNG) and `export` (CSV, Markdown, GeoJSON, Shapefile).
//! `run` ties them together for one query; the binary is a thin clap layer over it.

pub mod classify;
pub mod error;
pub mod export;
pub mod format;
pub mod geometry;
pub mod indicators;
pub mod ingest;
mod once;
pub mod panier;
pub mod query;
pub mod render;
pub mod run;
pub mod synthetic;
pub mod territory;

pub use error::{Error, Result};

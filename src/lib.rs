//! diagterr: territorial indicators for the schémas départementaux des services aux familles.
//!
//! Data flows one way, and the modules follow it:
//! `query` (TOML, resolved once into a `Plan`) → `sources` (its files read and summed, with
//! `ingest`, `territory` and `geometry`) → `indicators` (rates, scores) and `panier` (services
//! inventories) → `classify` and `maps` → `render` (SVG, PNG) and `export` (CSV, Markdown,
//! GeoJSON, Shapefile). `run` follows the plan of one query; the binary is a thin clap layer
//! over it.
//!
//! Everything a query file can do, the library does: parse a query, resolve it, run it, read
//! the report. The population of the EPCI of the Puy-de-Dôme from the embedded COG table:
//!
//! ```
//! use diagterr::query::{Plan, Query};
//!
//! let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
//! let text = format!(
//!     r#"
//! [territoire]
//! niveau = "epci"
//! departements = ["63"]
//! millesime = 2026
//! communes = "{data}/cog/communes-epci-population-2026.csv"
//! liste_departements = "{data}/cog/departements.csv"
//!
//! [sources.cog]
//! fichier = "{data}/cog/communes-epci-population-2026.csv"
//! niveau = "commune"
//! colonne_code = "code_commune"
//!
//! [indicateurs.population]
//! libelle = "Population municipale"
//! stock = "cog.population_municipale"
//!
//! [tableaux.population]
//! titre = "Population par EPCI"
//! indicateurs = ["population"]
//! tri = "population"
//! sorties = ["population-epci-63.csv"]
//! "#
//! );
//! let query = Query::parse(std::path::Path::new("exemple.toml"), text)?;
//! let out = std::env::temp_dir().join("diagterr-exemple-lib");
//! let plan = Plan::of(query)?;
//! let report = diagterr::run::run(&plan, &out)?;
//! let csv = std::fs::read_to_string(&report.outputs[0]).unwrap();
//! // The most populated first: Clermont Auvergne Métropole.
//! assert!(csv.lines().nth(1).unwrap().contains("Clermont Auvergne Métropole"));
//! # Ok::<(), diagterr::Error>(())
//! ```
//!
//! The frames of `ingest` are polars frames: `diagterr::polars` is the version diagterr
//! is built with.

pub mod classify;
pub mod cores;
pub mod error;
pub mod export;
pub mod format;
pub mod geometry;
pub mod indicators;
pub mod ingest;
pub mod maps;
pub mod notice;
mod once;
pub mod panier;
pub mod query;
pub mod render;
pub mod run;
pub mod sources;
pub mod synthetic;
pub mod territory;

pub use error::{Error, ErrorKind, Result};
pub use polars;

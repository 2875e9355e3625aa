//! Helpers shared by the integration tests: run the binary from the crate root.

#![allow(dead_code)] // each test file uses a part of these helpers

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `diagterr ARGS…` from the crate root (query paths are relative to it).
pub fn diagterr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diagterr"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Writes a query into `dir` and returns its path.
pub fn write_query(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The Puy-de-Dôme example query, with its text for variations.
pub mod national;

pub fn puy_de_dome_query() -> String {
    std::fs::read_to_string(root().join("queries/couverture-epci-63-puy-de-dome.toml")).unwrap()
}

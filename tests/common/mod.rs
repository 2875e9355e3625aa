//! Helpers shared by the integration tests: run the binary from the crate root.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `diagterr ARGS…` from the crate root (the paths of a query are relative to its
/// file, wherever it runs from).
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

/// A query run in a temporary folder of its own, laid out as the project is: the query is
/// `requetes/requete.toml` there, the project's `data/` is linked beside it (so its paths
/// read `../data/…`, as in `queries/`), input files can be written beside the query,
/// outputs go to `out/`.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("requetes")).unwrap();
        std::os::unix::fs::symlink(root().join("data"), dir.path().join("data")).unwrap();
        Scratch { dir }
    }

    /// Writes a file beside the query and returns its path as text (for queries).
    pub fn file(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join("requetes").join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }

    /// Writes `text` as the query and runs `diagterr executer` on it.
    pub fn run(&self, text: &str) -> Output {
        let q = self.file("requete.toml", text);
        diagterr(&["executer", &q, "--sortie", self.out_dir().to_str().unwrap()])
    }

    /// Runs `diagterr executer` on a query file of the project (e.g. `queries/…`).
    pub fn run_file(&self, query: &str) -> Output {
        diagterr(&[
            "executer",
            query,
            "--sortie",
            self.out_dir().to_str().unwrap(),
        ])
    }

    pub fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// An output file, read as text.
    pub fn output(&self, name: &str) -> String {
        std::fs::read_to_string(self.out_dir().join(name)).unwrap()
    }
}

/// The line of the first line of `text` starting with `prefix` (1-based).
pub fn line_of(text: &str, prefix: &str) -> usize {
    text.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

/// The Puy-de-Dôme example query, with its text for variations.
pub mod national;

pub fn puy_de_dome_query() -> String {
    std::fs::read_to_string(root().join("queries/couverture-epci-63-puy-de-dome.toml")).unwrap()
}

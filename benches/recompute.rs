//! National recomputation on the SYNTHETIC dataset (`diagterr synthetique`): every
//! commune of France over five years.
//!
//! Run with `cargo bench --bench recompute`. Measures reading the national inputs (five
//! years of coverage components and family counts, the services inventory) and the whole
//! recomputation: coverage of each year for communes, EPCI and départements, three scores,
//! the panier over five years (19 queries, the whole `diagterr executer` command).
//! `bash benches/compare_python.sh` also reports the command's peak memory.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use diagterr::ingest::{CodeKind, ColumnKind, ColumnSpec, Quantity, TableSpec, read_table};
use diagterr::synthetic::{Spec, generate};
use diagterr::territory::Territory;
use diagterr::territory::moves::Movements;

// The allocator of the `diagterr` command, so that reading is measured as the command reads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The dataset, generated once into `target/bench-synthetique`.
fn dataset() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(ROOT).join("target/bench-synthetique");
        if !dir.join("requetes/panier.toml").exists() {
            let cog = Path::new(ROOT).join("data/cog");
            let (communes, departements, mvt) = (
                cog.join("communes-epci-population-2026.csv"),
                cog.join("departements.csv"),
                cog.join("mouvements-communes.csv"),
            );
            let territory = Territory::load(&communes, &departements).unwrap();
            let movements = Movements::load(&mvt).unwrap();
            generate(
                &Spec {
                    territory: &territory,
                    vintage: 2026,
                    movements: &movements,
                    communes: &communes,
                    departements: &departements,
                    movements_path: &mvt,
                    seed: 2026,
                    years: 5,
                },
                &dir,
            )
            .unwrap();
        }
        dir
    })
}

fn files(prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dataset())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    found.sort();
    found
}

/// Every input file of the recomputation, as the queries read them.
#[divan::bench(sample_count = 30)]
fn ingest_national_inputs() -> usize {
    let numbers = |names: &[&str], code: &str| TableSpec {
        columns: std::iter::once(ColumnSpec::required(
            code,
            ColumnKind::Code(CodeKind::Commune),
        ))
        .chain(
            names
                .iter()
                .map(|n| ColumnSpec::required(n, ColumnKind::Number(Quantity::Count))),
        )
        .collect(),
        secret_markers: vec!["s".into()],
        ..TableSpec::default()
    };
    let components = numbers(
        &[
            "eaje_psu",
            "eaje_hors_psu",
            "am",
            "gad",
            "prescol",
            "enfants_moins_3",
        ],
        "code_commune",
    );
    let families = numbers(&["A", "AM", "AC3ENF", "ABR"], "CODGEO");
    let mut rows = 0;
    for f in files("composantes-") {
        rows += read_table(&f, &components).unwrap().df.height();
    }
    for f in files("familles-") {
        rows += read_table(&f, &families).unwrap().df.height();
    }
    // The services inventory, with the columns the panier reads (panier::inventory).
    let services = TableSpec {
        columns: vec![
            ColumnSpec::required("code", ColumnKind::Code(CodeKind::CommuneOrEpci)),
            ColumnSpec::required("type", ColumnKind::Text),
            ColumnSpec::required("annee", ColumnKind::Text),
            ColumnSpec::required("nombre", ColumnKind::Number(Quantity::Count)),
        ],
        ..TableSpec::default()
    };
    let inventory = dataset().join("services-SYNTHETIQUE.csv");
    rows + read_table(&inventory, &services).unwrap().df.height()
}

/// The 19 queries of the recomputation as users run them: one `diagterr executer`
/// command (a new process each time, so nothing read is kept from the sample before;
/// queries spread over the cores), lists written to a temporary folder.
#[divan::bench(sample_count = 5)]
fn full_national_recompute(bencher: divan::Bencher) {
    let queries = dataset().join("requetes");
    let out = tempfile::tempdir().unwrap();
    bencher.bench(|| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_diagterr"))
            .arg("executer")
            .arg(&queries)
            .arg("--sortie")
            .arg(out.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    });
}

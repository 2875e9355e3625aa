//! The synthetic national dataset: deterministic, marked synthetic, with merged codes in
//! the older years, and its queries run.

use crate::common::*;

fn generate(dir: &std::path::Path, seed: &str) {
    let o = diagterr(&[
        "synthetique",
        "--sortie",
        dir.to_str().unwrap(),
        "--graine",
        seed,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn same_seed_same_bytes_and_every_file_says_it_is_synthetic() {
    let (a, b, c) = (Scratch::new(), Scratch::new(), Scratch::new());
    generate(a.dir.path(), "7");
    generate(b.dir.path(), "7");
    generate(c.dir.path(), "8");
    let read = |s: &Scratch, name: &str| std::fs::read_to_string(s.dir.path().join(name)).unwrap();
    for name in [
        "composantes-2022-SYNTHETIQUE.csv",
        "familles-2024-SYNTHETIQUE.csv",
        "services-SYNTHETIQUE.csv",
    ] {
        let text = read(&a, name);
        assert_eq!(text, read(&b, name), "{name}");
        assert_ne!(text, read(&c, name), "{name}: another seed, other values");
        assert!(text.starts_with("# DONNÉES SYNTHÉTIQUES"), "{name}");
    }
    // Every commune of the COG, with zeros and secret cells.
    let components = read(&a, "composantes-2026-SYNTHETIQUE.csv");
    assert_eq!(components.lines().count(), 2 + 34_875);
    assert!(components.contains(";0;"));
    assert!(components.contains(";s"));
    // Dallet, merged in 2019, is no longer in 2022; Véronne, merged in 2025, is in 2024 only.
    assert!(!read(&a, "familles-2022-SYNTHETIQUE.csv").contains("\n63133;"));
    assert!(read(&a, "familles-2024-SYNTHETIQUE.csv").contains("\n26371;"));
    assert!(!read(&a, "familles-2026-SYNTHETIQUE.csv").contains("\n26371;"));
}

#[test]
fn the_national_queries_run() {
    let s = Scratch::new();
    generate(s.dir.path(), "2026");
    for query in ["couverture-epci-2026.toml", "panier.toml"] {
        let o = s.run_file(s.dir.path().join("requetes").join(query).to_str().unwrap());
        assert!(o.status.success(), "{query}: {}", stderr(&o));
    }
    let panier = s.output("sorties/panier-synthese.csv");
    assert!(panier.contains("Panier complet"), "{panier}");

    // The rates written in the portal's layout are those a query recomputes from the components
    // (ratio of sums per EPCI), where the query's rate is a number (not secret).
    let published =
        std::fs::read_to_string(s.dir.path().join("txcouv_pe_epci-SYNTHETIQUE.csv")).unwrap();
    let mut lines = published.lines();
    assert!(lines.next().unwrap().starts_with("# DONNÉES SYNTHÉTIQUES"));
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(header[..3], ["annee", "numepci", "nomepci"]);
    let total = header.iter().position(|h| *h == "txcouv_epci").unwrap();
    let rates: std::collections::HashMap<&str, f64> = lines
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|f| f[0] == "2026")
        .map(|f| (f[1], f[total].parse().unwrap()))
        .collect();
    assert!(rates.len() > 1000, "every EPCI of France: {}", rates.len());
    let list = s.output("sorties/couverture-epci-2026.csv");
    let mut rows = list.trim_start_matches('\u{FEFF}').lines();
    let header: Vec<&str> = rows.next().unwrap().split(';').collect();
    let (code, rate) = (
        header.iter().position(|h| *h == "Code").unwrap(),
        header
            .iter()
            .position(|h| *h == "Taux de couverture")
            .unwrap(),
    );
    let mut compared = 0;
    for row in rows {
        let f: Vec<&str> = row.split(';').collect();
        if let Ok(recomputed) = f[rate].replace(',', ".").parse::<f64>() {
            let diff = (recomputed - rates[f[code]]).abs();
            assert!(
                diff < 0.051,
                "{}: {recomputed} against {}",
                f[code],
                rates[f[code]]
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "{compared}");
}

//! Runs the binary on the real data of `data/` and checks what an analyst reads.

use std::path::{Path, PathBuf};

use crate::common::*;

#[test]
fn puy_de_dome_epci_below_both_references_are_those_of_the_cnaf_file() {
    let s = Scratch::new();
    let o = s.run_file("queries/couverture-epci-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("4 territoire(s) sous les deux références"),
        "{text}"
    );
    assert!(
        text.contains("2 territoire(s) sous une seule référence"),
        "{text}"
    );
    assert!(
        text.contains("8 territoire(s) au niveau ou au-dessus"),
        "{text}"
    );

    // The list: the 4 EPCI under 64,2 (département) and 60,9 (France), lowest first,
    // computed from the Cnaf file by hand (awk on txcouv-pe-2023-5dep.csv).
    let csv = s.output("63/priorites-epci-63.csv");
    assert!(csv.starts_with('\u{FEFF}'), "UTF-8 BOM for Excel");
    let lines: Vec<&str> = csv.trim_start_matches('\u{FEFF}').lines().collect();
    assert_eq!(
        lines[0],
        "Rang;Code;EPCI;Départements;Taux de couverture;dont EAJE;dont Assistants maternels;dont Préscolarisation;dont Garde à domicile;Écart à la référence départementale (points);Écart à la référence nationale (points);Position"
    );
    let body: Vec<(&str, &str)> = lines[1..]
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1], f[4])
        })
        .collect();
    assert_eq!(
        body,
        vec![
            ("200072080", "53,9"),
            ("200070761", "56,7"),
            ("200070712", "56,8"),
            ("200069169", "57,5"),
        ]
    );
    assert!(
        lines[1].ends_with(";-10,3;-7,0;sous les deux références"),
        "{}",
        lines[1]
    );

    let md = s.output("63/priorites-epci-63.md");
    assert!(
        md.contains("| 1 | 200072080 | CC du Pays de Saint-Eloy | 63 | 53,9 |"),
        "{md}"
    );
    assert!(md.contains("Puy-de-Dôme 64,2 (publiée)"), "{md}");

    // The map: one path per EPCI of the département, three legend entries with their counts.
    let svg = s.output("63/couverture-epci-63.svg");
    assert_eq!(svg.matches("class=\"territoire\"").count(), 14);
    assert_eq!(svg.matches("class=\"legende-entree\"").count(), 3);
    assert!(
        svg.contains("sous les deux références (4)"),
        "legend with count"
    );
    assert!(
        svg.contains("64,2") && svg.contains("60,9"),
        "references named"
    );
    assert!(
        !svg.contains("Secret statistique"),
        "no secret entry when nothing is secret"
    );
    let png = std::fs::read(s.out_dir().join("63/couverture-epci-63.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");

    // Small multiples of the parts: four panels, one shared legend of 5 classes.
    let sheet = s.output("63/composantes-epci-63.svg");
    assert_eq!(sheet.matches("class=\"panneau\"").count(), 4);
    assert_eq!(sheet.matches("class=\"territoire\"").count(), 4 * 14);
    assert_eq!(sheet.matches("class=\"legende-entree\"").count(), 5);
    for part in [
        "EAJE",
        "Assistants maternels",
        "Préscolarisation",
        "Garde à domicile",
    ] {
        assert!(sheet.contains(part), "{part}");
    }

    // The classified territories as GIS layers.
    let geojson = s.out_dir().join("63/couverture-epci-63.geojson");
    let layer = diagterr::geometry::read_geojson(&geojson, "code", Some("nom")).unwrap();
    assert_eq!(layer.features.len(), 14);
    let text = std::fs::read_to_string(&geojson).unwrap();
    assert!(text.contains("\"code\":\"200072080\""), "codes as strings");
    assert!(
        text.contains("\"taux\":53.9"),
        "{}",
        &text[..300.min(text.len())]
    );
    assert!(text.contains("sous les deux références"));
    let shp = s.out_dir().join("63/couverture-epci-63.shp");
    let layer = diagterr::geometry::read_shapefile(&shp, "code", Some("nom")).unwrap();
    assert_eq!(layer.features.len(), 14);
    for ext in ["shx", "dbf", "prj", "cpg"] {
        assert!(shp.with_extension(ext).exists(), "{ext}");
    }
    // The GeoPackage holds the same shapes as the Shapefile, in the same system.
    let gpkg = s.out_dir().join("63/couverture-epci-63.gpkg");
    let packaged = diagterr::geometry::read_layer(&gpkg, None, "code", Some("nom")).unwrap();
    assert_eq!(packaged.crs, layer.crs);
    assert_eq!(packaged.features.len(), 14);
    for (a, b) in packaged.features.iter().zip(&layer.features) {
        assert_eq!((&a.code, &a.name), (&b.code, &b.name));
        let area = |f: &diagterr::geometry::Feature| geo::Area::unsigned_area(&f.geometry);
        assert!((area(a) - area(b)).abs() < 1.0, "{}", a.code);
    }
}

/// Contours from a GeoPackage written by GDAL (`tests/fixtures/geopackage/make-gpkg.py`), two layers
/// named in the query, the EPCI's SIREN stored as an integer: the map is the one drawn from the
/// GeoJSON files the layers were copied from, coordinate for coordinate.
#[test]
fn contours_from_a_geopackage_of_several_layers_draw_the_same_map() {
    let s = Scratch::new();
    let gpkg = root().join("tests/fixtures/geopackage/contours-63.gpkg");
    let geojson = puy_de_dome_query();
    let packaged = geojson
        .replace(
            "communes = \"../data/geo/communes-5dep-2026.geojson\"",
            &format!(
                "communes = {:?}\ncouche_communes = \"communes_63\"\npropriete_code = \"insee\"",
                gpkg.to_str().unwrap()
            ),
        )
        .replace(
            "epci = \"../data/geo/epci-5dep-2026.geojson\"",
            &format!(
                "epci = {:?}\ncouche_epci = \"epci_63\"",
                gpkg.to_str().unwrap()
            ),
        );
    assert_ne!(packaged, geojson);
    let o = s.run_file("queries/couverture-epci-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let from_geojson = s.output("63/couverture-epci-63.svg");
    let o = s.run(&packaged);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(s.output("63/couverture-epci-63.svg"), from_geojson);

    // Without a layer name, the reader lists the layers; a point layer is refused by its type.
    let unnamed = packaged.replace("couche_communes = \"communes_63\"\n", "");
    let o = s.run(&unnamed);
    let text = stderr(&o);
    assert!(!o.status.success());
    assert!(
        text.contains("3 couches d'entités")
            && text.contains("« communes_63 », « epci_63 », « mairies »")
            && text.contains("couche_communes"),
        "{text}"
    );
    let points = packaged.replace("\"communes_63\"", "\"mairies\"");
    let text = stderr(&s.run(&points));
    assert!(
        text.contains("contours-63.gpkg") && text.contains("entité n° 1") && text.contains("Point"),
        "{text}"
    );
}

#[test]
fn every_example_query_runs_and_reruns_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for dir in [&a, &b] {
        let o = diagterr(&[
            "executer",
            "queries",
            "--sortie",
            dir.path().to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        // The maps of the five départements: every commune of the selection has its contour.
        assert!(!stdout(&o).contains("sans contour"), "{}", stdout(&o));
    }
    // Every output of every query, byte for byte.
    let files = |dir: &Path| -> Vec<PathBuf> {
        let mut found = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    found.push(p.strip_prefix(dir).unwrap().to_path_buf());
                }
            }
        }
        found.sort();
        found
    };
    let written = files(a.path());
    assert_eq!(written, files(b.path()));
    for name in &written {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{} differs between two runs", name.display());
    }
    for dep in ["26", "34", "38", "63", "71"] {
        for name in [
            format!("couverture-epci-{dep}.png"),
            format!("vulnerabilite-epci-{dep}.xlsx"),
            format!("priorites-epci-{dep}.md"),
        ] {
            assert!(
                written.contains(&Path::new(dep).join(&name)),
                "{dep}/{name}"
            );
        }
    }
    for name in ["63/panier-2022-epci-63.xlsx", "71/panier-parts-71.png"] {
        assert!(written.contains(&PathBuf::from(name)), "{name}");
    }
    assert!(a.path().join("63/couverture-communes-63.svg").exists());
}

#[test]
fn technical_row_and_cross_border_epci_are_reported() {
    let o = Scratch::new().run_file("queries/couverture-epci-71-saone-et-loire.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("ligne technique « XX »"), "{text}");
    // CA Beaune Côte et Sud spans Côte-d'Or and Saône-et-Loire.
    assert!(text.contains("EPCI sur plusieurs départements"), "{text}");
    assert!(text.contains("(21, 71)"), "{text}");
}

#[test]
fn epci_contours_are_dissolved_from_communes_when_no_epci_file_is_given() {
    let s = Scratch::new();
    let o =
        s.run(&puy_de_dome_query().replace("epci = \"../data/geo/epci-5dep-2026.geojson\"\n", ""));
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("63/couverture-epci-63.svg");
    assert_eq!(svg.matches("class=\"territoire\"").count(), 14);
}

#[test]
fn classes_computed_from_the_values() {
    let s = Scratch::new();
    let text = std::fs::read_to_string(root().join("queries/couverture-epci-34-herault.toml"))
        .unwrap()
        .replace(
            "classes = { methode = \"seuils\", valeurs = [\"reference:departement\", \"reference:france\"] }",
            "classes = { methode = \"seuils_naturels\", nombre = 4 }\npalette = \"bleus\"",
        );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("34/couverture-epci-34.svg");
    assert_eq!(svg.matches("class=\"legende-entree\"").count(), 4);
    assert_eq!(svg.matches("class=\"territoire\"").count(), 17);
    // The four class counts add up to the 17 EPCI.
    let counts: usize = svg
        .split("class=\"legende-entree\"")
        .skip(1)
        .map(|entry| {
            let text = &entry[..entry.find("</g>").unwrap()];
            let open = text.rfind('(').unwrap();
            text[open + 1..text[open..].find(')').unwrap() + open]
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counts, 17);
}

#[test]
fn thresholds_given_with_a_computed_method_are_refused() {
    let text = puy_de_dome_query().replace("methode = \"seuils\"", "methode = \"quantiles\"");
    let line = line_of(&text, "classes =");
    let o = Scratch::new().run(&text);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(&format!("requete.toml, ligne {line}")),
        "{err}"
    );
    assert!(err.contains("« valeurs » ne va qu'avec"), "{err}");
}

#[test]
fn departement_commune_map_with_epci_outlines_labels_and_histogram() {
    let s = Scratch::new();
    let o = s.run_file("queries/couverture-communes-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("63/couverture-communes-63.svg");
    // The 463 communes of 2026, with the outlines of their 14 EPCI drawn over them.
    assert_eq!(svg.matches("class=\"territoire\"").count(), 463);
    assert_eq!(svg.matches("class=\"contour\"").count(), 14);
    // Only the communes with a published rate are named; "no data" has its legend entry.
    assert!(
        svg.contains(">Clermont-Ferrand<"),
        "Clermont-Ferrand labelled"
    );
    assert!(
        !svg.contains(">Lapeyrouse<"),
        "a commune without rate is not labelled"
    );
    assert!(svg.contains("Donnée absente (453)"));
    assert_eq!(svg.matches("class=\"distribution\"").count(), 1);
    // The priority list: the four communes under both references, lowest first.
    let list = s.output("63/priorites-communes-63.csv");
    let codes: Vec<&str> = list
        .lines()
        .skip(1)
        .map(|l| l.split(';').nth(1).unwrap())
        .collect();
    assert_eq!(codes, ["63430", "63113", "63075", "63300"]);
}

#[test]
fn rank_sum_of_the_puy_de_dome_epci_from_filosofi() {
    let s = Scratch::new();
    let o = s.run_file("queries/vulnerabilite-epci-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    // EPCI codes of 2019 that no longer exist are said, not silently dropped.
    assert!(
        stdout(&o).contains("code(s) inconnus du COG"),
        "{}",
        stdout(&o)
    );
    let list = s.output("63/vulnerabilite-epci-63.csv");
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(rows.len(), 14);
    // CC Thiers Dore et Montagne ranks 2nd on each of the three indicators.
    assert_eq!(&rows[0][1..3], ["200070712", "CC Thiers Dore et Montagne"]);
    assert_eq!(rows[0][9], "6");
    assert_eq!(rows[0][10], "Priorité 1");
    // Without secret values, the totals add up to 3 × 14 × 15 / 2 (average ranks keep the sum).
    let total: f64 = rows
        .iter()
        .map(|r| r[9].replace(',', ".").parse::<f64>().unwrap())
        .sum();
    assert_eq!(total, 315.0);
    assert_eq!(rows.iter().filter(|r| r[10] == "Priorité 1").count(), 7);
}

#[test]
fn zoom_on_the_communes_of_clermont_auvergne_metropole() {
    let s = Scratch::new();
    let o = s.run_file("queries/vulnerabilite-communes-clermont-auvergne-metropole.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("63/vulnerabilite-communes-clermont.csv");
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    assert_eq!(rows.len(), 21, "the 21 communes of the métropole");
    // Durtol's Filosofi shares are secret: listed last, not ranked, said so.
    let last = rows.last().unwrap();
    assert_eq!(&last[..3], ["", "63141", "Durtol"]);
    assert_eq!(last[9], "secret");
    assert!(stdout(&o).contains("63141"), "{}", stdout(&o));
    // 20 ranked communes on 3 indicators: totals add up to 3 × 20 × 21 / 2.
    let total: f64 = rows[..20]
        .iter()
        .map(|r| r[9].replace(',', ".").parse::<f64>().unwrap())
        .sum();
    assert_eq!(total, 630.0);
    // The typology map of the priority classes, Durtol hatched as secret.
    let svg = s.output("63/vulnerabilite-communes-clermont.svg");
    assert_eq!(svg.matches("class=\"territoire\"").count(), 21);
    let p1 = rows.iter().filter(|r| r[10] == "Priorité 1").count();
    assert!(
        svg.contains(&format!("Priorité 1 ({p1})")),
        "legend with the class count"
    );
    assert!(svg.contains("Secret statistique (1)"));
    assert!(
        !svg.contains("Classes fermées à gauche"),
        "a typology has no interval note"
    );
}

#[test]
fn caf_iris_shares_recomputed_per_commune_as_ratios_of_sums() {
    let s = Scratch::new();
    let o = s.run_file("queries/vulnerabilite-communes-clermont-caf-iris.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("63/familles-caf-clermont.csv");
    let row = |code: &str| -> Vec<String> {
        let line = list
            .lines()
            .find(|l| l.contains(&format!(";{code};")))
            .unwrap();
        line.split(';').map(String::from).collect()
    };
    // Pont-du-Château's 4 IRIS: (71 + 173 + 96 + 83) / (480 + 851 + 426 + 524) = 18,54 %.
    assert_eq!(row("63284")[3], "18,5");
    // One IRIS of Clermont-Ferrand's 42 is hidden whole: with the rule of the secret declared
    // in the query, the commune is ranked on values known between bounds, not « secret »
    // (catalogue 7 keeps a secret without rule unranked).
    assert_eq!(row("63113")[3], "≈ 9,9 (9,7 à 10,0)");
    assert_eq!(row("63113")[9], "≈ 18,5 (17,0 à 20,0)");
    assert_eq!(row("63113")[10], "Priorité 2");
    // Seven communes ranked (three without the rule), the fourteen without IRIS unranked.
    let ranked = list.lines().skip(1).filter(|l| !l.starts_with(';')).count();
    assert_eq!(ranked, 7, "{list}");
    assert!(!list.contains("secret"), "{list}");
    // A commune without IRIS in the file is listed, not ranked.
    assert_eq!(row("63141")[9], "non classé");
    let notes = stdout(&o);
    assert!(
        notes.contains("absent(s) du fichier des indicateurs, sans valeur"),
        "{notes}"
    );
}

#[test]
fn flag_sum_with_a_reference_threshold_and_the_need_supply_typology() {
    let s = Scratch::new();
    // A small analyst file by commune (values made up for the test): single parents
    // among families, and the number of Laep.
    let places = s.file(
        "communes.csv",
        "code;monoparents;familles;laep\n\
         38185;300;1000;2\n38193;150;500;0\n38553;50;500;0\n38563;40;400;1\n",
    );
    let text = format!(
        r#"[territoire]
niveau = "epci"
departements = ["38"]
millesime = 2026
communes = "../data/cog/communes-epci-population-2026.csv"
liste_departements = "../data/cog/departements.csv"

[score]
methode = "drapeaux"
fichier = "{places}"
colonne_code = "code"
niveau_fichier = "commune"
sommes_partielles = true
indicateurs = [
  {{ numerateur = "monoparents", denominateur = "familles", libelle = "Monoparents (%)", drapeau = {{ test = ">", seuil = "reference", groupe = "besoin" }} }},
  {{ numerateur = "laep", denominateur = "familles", libelle = "Laep pour 100 familles", drapeau = {{ test = "absent", groupe = "offre" }} }},
]
titre = "Drapeaux"
sorties = ["drapeaux.csv"]

[score.typologie]
besoin_offre_presente = "offre présente, besoins atypiques"
besoin_deficit_offre = "déficit d'offre, besoins atypiques"

[score.carte]
titre = "Typologie"
source = "Test"
sorties = ["typologie.svg"]

[contours]
communes = "../data/geo/communes-5dep-2026.geojson"
epci = "../data/geo/epci-5dep-2026.geojson"
"#
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("drapeaux.csv");
    let row = |code: &str| -> Vec<String> {
        let line = list
            .lines()
            .find(|l| l.contains(&format!(";{code};")))
            .unwrap();
        line.split(';').map(String::from).collect()
    };
    // Reference = the whole selection as a ratio of sums: 540 / 2 400 = 22,5 %.
    // Grenoble-Alpes Métropole 30 % > 22,5 with a Laep; CAPI (150 + 50) / 1 000 = 20 %, no Laep;
    // Pays Voironnais 10 % with a Laep.
    assert_eq!(
        row("200040715")[3..],
        [
            "30",
            "oui",
            "0,2",
            "non",
            // The subtotals of need and supply flags, then the total.
            "1",
            "0",
            "1",
            "offre présente, besoins atypiques"
        ]
    );
    assert_eq!(
        row("243800604")[3..],
        ["20", "non", "0", "oui", "0", "1", "1", ""]
    );
    assert_eq!(
        row("243800984")[3..],
        ["10", "non", "0,2", "non", "0", "0", "0", ""]
    );
    assert!(
        list.starts_with("\u{feff}Rang;Code;EPCI;")
            && list
                .lines()
                .next()
                .unwrap()
                .contains(";Drapeaux de besoin;Drapeaux d'offre;Nombre de drapeaux;"),
        "{list}"
    );
    // The typology map: named classes in the legend, unnamed ones as "others",
    // EPCI absent from the file as no data.
    let svg = s.output("typologie.svg");
    assert_eq!(svg.matches("class=\"territoire\"").count(), 18);
    assert!(
        svg.contains("déficit d&apos;offre, besoins atypiques (0)")
            || svg.contains("déficit d'offre, besoins atypiques (0)")
    );
    assert!(svg.contains("offre présente, besoins atypiques (1)"));
    assert!(svg.contains("Autres territoires (2)"));
    assert!(svg.contains("Donnée absente (15)"));
}

#[test]
fn priority_classes_cut_at_given_totals() {
    let s = Scratch::new();
    let text =
        std::fs::read_to_string(root().join("queries/vulnerabilite-epci-63-puy-de-dome.toml"))
            .unwrap()
            .replace(
                "priorites = 2",
                "priorites = { methode = \"seuils\", valeurs = [15, 30] }",
            );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    // Totals 6 and 11 under 15; 17 … 27 under 30; 30, 35 and 41,5 above (a total on a cut goes above).
    let svg = s.output("63/vulnerabilite-epci-63.svg");
    for entry in ["Priorité 1 (2)", "Priorité 2 (9)", "Priorité 3 (3)"] {
        assert!(svg.contains(entry), "{entry}");
    }
}

/// The paths of a query are relative to its file: the example runs the same from any
/// folder, and a file it names and that is not there is said as written and where it was
/// looked for.
#[test]
fn a_query_runs_from_any_folder() {
    let elsewhere = tempfile::tempdir().unwrap();
    let run = |dir: &Path, query: &Path, out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_diagterr"))
            .args([
                "executer".as_ref(),
                query.as_os_str(),
                "--sortie".as_ref(),
                out.as_os_str(),
            ])
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let query = root().join("queries/couverture-epci-63-puy-de-dome.toml");
    let (here, there) = (
        elsewhere.path().join("ici"),
        elsewhere.path().join("ailleurs"),
    );
    let o = run(
        &root(),
        Path::new("queries/couverture-epci-63-puy-de-dome.toml"),
        &here,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(elsewhere.path(), &query, &there);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = |out: &PathBuf| std::fs::read(out.join("63/priorites-epci-63.csv")).unwrap();
    assert_eq!(list(&here), list(&there));

    let moved = elsewhere.path().join("requete.toml");
    std::fs::write(&moved, std::fs::read_to_string(&query).unwrap()).unwrap();
    let o = run(elsewhere.path(), &moved, &there);
    assert!(!o.status.success());
    let err = stderr(&o);
    let looked = elsewhere
        .path()
        .parent()
        .unwrap()
        .join("data/cog/communes-epci-population-2026.csv");
    assert!(
        err.contains(&format!(
            "fichier introuvable pour « territoire.communes » : ../data/cog/communes-epci-population-2026.csv (cherché en {})",
            looked.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("relatifs au dossier du fichier de requête"),
        "{err}"
    );
}

/// A query that names no COG table reads the built-in ones (the COG 2026 of `data/cog`,
/// compressed into the binary): the same list as with the files; another vintage must
/// name its own.
#[test]
fn a_query_without_cog_tables_reads_the_built_in_ones() {
    let with_files = Scratch::new();
    let o = with_files.run_file("queries/couverture-epci-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let text: String = puy_de_dome_query()
        .lines()
        .filter(|l| {
            !l.starts_with("communes = \"../data/cog") && !l.starts_with("liste_departements")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!text.contains("data/cog"), "{text}");
    let built_in = Scratch::new();
    let o = built_in.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        with_files.output("63/priorites-epci-63.csv"),
        built_in.output("63/priorites-epci-63.csv")
    );

    let o = built_in.run(&text.replace("millesime = 2026", "millesime = 2025"));
    assert!(!o.status.success());
    let err = stderr(&o);
    let line = line_of(&text, "millesime = 2026");
    assert!(
        err.contains(&format!(
            "requete.toml, ligne {line} : COG 2025 : les tables intégrées sont celles du COG 2026"
        )),
        "{err}"
    );
    assert!(
        err.contains("donnez « communes » et « liste_departements » du COG 2025"),
        "{err}"
    );
}

#[test]
fn epci_reaching_beyond_the_departement_are_drawn_under_its_outline() {
    // Saône-et-Loire: EPCI reach into the Allier, the Côte-d'Or, the Nièvre, the Jura, the Ain.
    let s = Scratch::new();
    let o = s.run_file("queries/couverture-epci-71-saone-et-loire.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("71/couverture-epci-71.svg");
    assert_eq!(
        svg.matches("<path class=\"contour\"").count(),
        1,
        "one outline, the département's"
    );
}

#[test]
fn a_map_without_contours_draws_the_built_in_communes_of_france() {
    let s = Scratch::new();
    let text = format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\n\
         [sources.cog]\nfichier = \"{}\"\nniveau = \"commune\"\ncolonne_code = \"code_commune\"\n\n\
         [indicateurs.population]\nlibelle = \"Population\"\nstock = \"cog.population_municipale\"\n\n\
         [cartes.population]\ntitre = \"Population\"\nindicateur = \"population\"\nsource = \"Insee\"\n\
         classes = {{ methode = \"quantiles\", nombre = 3 }}\nsorties = [\"p.svg\"]\n",
        root()
            .join("data/cog/communes-epci-population-2026.csv")
            .display()
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = s.output("p.svg");
    // The 14 EPCI of the Puy-de-Dôme, dissolved from the built-in communes, each with a value.
    assert_eq!(
        svg.matches("<path class=\"territoire\"").count(),
        14,
        "{svg}"
    );
    assert!(
        svg.contains("Clermont Auvergne Métropole (246300701)"),
        "{svg}"
    );
    // The built-in contours are those of the COG 2026: a query of another vintage (its COG
    // tables given) is told to give its own, at its millesime line.
    let cog = format!(
        "millesime = 2025\ncommunes = \"{}\"\nliste_departements = \"{}\"",
        root()
            .join("data/cog/communes-epci-population-2026.csv")
            .display(),
        root().join("data/cog/departements.csv").display()
    );
    let o = s.run(&text.replace("millesime = 2026", &cog));
    let err = stderr(&o);
    assert!(
        err.contains("requete.toml, ligne 4 : une carte au COG 2025 demande une section [contours] (les contours intégrés sont ceux du COG 2026)"),
        "{err}"
    );
}

/// The Puy-de-Dôme query reading `taux_caf` as written in `files`, with `more` keys of
/// [couverture].
fn published_query(files: &[&str], more: &str) -> String {
    let listed: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
    format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\n\
         [couverture]\nmethode = \"taux_publie\"\nannee = 2023\ntaux_caf = [{}]\n{more}\n\
         reference_departement = \"publiee\"\nreference_france = \"publiee\"\n\n\
         [liste]\nselection = \"toutes\"\nsorties = [\"liste.csv\"]\n",
        listed.join(", ")
    )
}

const EPCI_FILE: &str = "../data/caf/txcouv_pe_epci-5dep.csv";
const DEP_FILE: &str = "../data/caf/txcouv_pe_dep-5dep.csv";
const NAT_FILE: &str = "../data/caf/txcouv_pe_nat.csv";

/// The fixture of the portal's « historique » dataset (2022 and 2023, two rates changed).
fn history() -> String {
    root()
        .join("tests/fixtures/cnaf/txcouv_pe_epci-historique-63-MODIFIE.csv")
        .display()
        .to_string()
}

/// Code and rate of each row of a list.
fn listed_rates(csv: &str) -> Vec<(String, String)> {
    csv.trim_start_matches('\u{FEFF}')
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[1].to_string(), f[4].to_string())
        })
        .collect()
}

#[test]
fn the_files_as_the_cnaf_portal_publishes_them_give_the_same_priorities() {
    let s = Scratch::new();
    let o = s.run_file("queries/couverture-epci-63-cnaf-publie.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let published = s.output("63/priorites-epci-63-cnaf-publie.csv");
    let o = s.run_file("queries/couverture-epci-63-puy-de-dome.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(published, s.output("63/priorites-epci-63.csv"));

    // Computed apart: the EPCI with a commune in 63 (COG table), their rates in the
    // published EPCI file, kept below both the _dep and the _nat rate, lowest first.
    let read = |path: &str| std::fs::read_to_string(root().join(path)).unwrap();
    let cog = read("data/cog/communes-epci-population-2026.csv");
    let of_63: std::collections::BTreeSet<&str> = cog
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == "63")
        .map(|f| f[5])
        .collect();
    let cell = |text: &str, key: &str, column: usize| -> f64 {
        let line = text.lines().find(|l| l.starts_with(key)).unwrap();
        line.split(';').nth(column).unwrap().parse().unwrap()
    };
    let (dep, nat) = (
        cell(&read("data/caf/txcouv_pe_dep-5dep.csv"), "2023;63;", 9),
        cell(&read("data/caf/txcouv_pe_nat.csv"), "2023;", 5),
    );
    assert_eq!((dep, nat), (64.2, 60.9));
    let mut below: Vec<(f64, String)> = read("data/caf/txcouv_pe_epci-5dep.csv")
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|f| of_63.contains(f[1]))
        .map(|f| (f[9].parse::<f64>().unwrap(), f[1].to_string()))
        .filter(|(rate, _)| *rate < dep && *rate < nat)
        .collect();
    below.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let expected: Vec<(String, String)> = below
        .into_iter()
        .map(|(rate, code)| (code, format!("{rate:.1}").replace('.', ",")))
        .collect();
    assert_eq!(listed_rates(&published), expected);
}

#[test]
fn the_older_commune_file_of_the_cnaf_gives_the_same_rates_by_epci() {
    // TAUXCOUV2023-63: a commune of each EPCI of the Puy-de-Dôme (two of Clermont's), with the
    // 2023 rates of the simplified file laid out as the older commune layout.
    let s = Scratch::new();
    let old = root().join("tests/fixtures/cnaf/TAUXCOUV2023-63.csv");
    let o = s.run(&published_query(&[old.to_str().unwrap()], ""));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let from_old = s.output("liste.csv");
    let o = s.run(&published_query(&[EPCI_FILE, DEP_FILE, NAT_FILE], ""));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        listed_rates(&from_old),
        listed_rates(&s.output("liste.csv"))
    );
    assert_eq!(listed_rates(&from_old).len(), 14);

    // A commune repeating its EPCI's rate otherwise than the one before is refused, with both lines.
    let text = std::fs::read_to_string(&old).unwrap().replacen(
        "63113;Clermont-Ferrand;246300701;Clermont Auvergne Métropole;52,6;63,5",
        "63113;Clermont-Ferrand;246300701;Clermont Auvergne Métropole;52,6;63,9",
        1,
    );
    let changed = s.file("TAUXCOUV2023.csv", &text);
    let o = s.run(&published_query(&[&changed], ""));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(
            "TAUXCOUV2023.csv, ligne 14 : deux taux pour l'EPCI 246300701 : 63,5 (ligne 13) et 63,9"
        ),
        "{err}"
    );
}

#[test]
fn a_year_in_the_historique_and_the_current_file_needs_a_rule_and_is_compared() {
    let s = Scratch::new();
    let history = history();
    let files = [history.as_str(), EPCI_FILE, DEP_FILE, NAT_FILE];
    let o = s.run(&published_query(&files, ""));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("les lignes « epci » de l'année 2023 sont dans plusieurs fichiers"),
        "{err}"
    );
    assert!(
        err.contains("txcouv_pe_epci-historique-63-MODIFIE.csv"),
        "{err}"
    );
    assert!(err.contains("prioritaire"), "{err}");

    // The current file prevails: its rates are listed, the two it differs on said.
    let o = s.run(&published_query(
        &files,
        &format!("prioritaire = \"{EPCI_FILE}\""),
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("4 valeur(s) diffèrent"), "{out}");
    assert!(out.contains("200069177 txcouv 67,8 (et non 68,8)"), "{out}");
    assert!(out.contains("246300701 txcouv 63,5 (et non 64,5)"), "{out}");
    let rates = listed_rates(&s.output("liste.csv"));
    assert!(
        rates.contains(&("200069177".into(), "67,8".into())),
        "{rates:?}"
    );

    // The historique prevails: its rates are listed.
    let o = s.run(&published_query(
        &files,
        &format!("prioritaire = \"{history}\""),
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let rates = listed_rates(&s.output("liste.csv"));
    assert!(
        rates.contains(&("200069177".into(), "68,8".into())),
        "{rates:?}"
    );

    // A rule that names no file of the list.
    let o = s.run(&published_query(
        &files,
        "prioritaire = \"../data/caf/txcouv-pe-2023-5dep.csv\"",
    ));
    let err = stderr(&o);
    assert!(err.contains("« prioritaire » : "), "{err}");
    assert!(
        err.contains("n'est pas l'un de plusieurs fichiers de la liste"),
        "{err}"
    );
    assert!(err.contains("requete.toml, ligne 10"), "{err}");
}

#[test]
fn a_published_file_of_another_level_or_without_the_year_is_refused() {
    let s = Scratch::new();
    let o = s.run(&published_query(&[DEP_FILE, NAT_FILE], ""));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(
            "aucune ligne de niveau « epci » dans les fichiers ; niveaux présents : dep, nat"
        ),
        "{err}"
    );
    let o = s.run(&published_query(&[DEP_FILE], ""));
    let err = stderr(&o);
    assert!(
        err.contains("ses lignes sont toutes du niveau « dep »"),
        "{err}"
    );

    let o = s.run(
        &published_query(&[&history(), DEP_FILE, NAT_FILE], "")
            .replace("annee = 2023", "annee = 2021"),
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("txcouv_pe_epci-historique-63-MODIFIE.csv, colonne « annee »"),
        "{err}"
    );
    assert!(err.contains("aucune ligne de l'année 2021"), "{err}");
    assert!(err.contains("années du fichier : 2022, 2023"), "{err}");
}

//! The bad-input catalogue: broken or hostile inputs, each run through the whole command,
//! each with its clear error (file, line, column or code, and what to do) or its
//! documented handling. The README lists the catalogue; other cases live beside their
//! feature (`bad_input.rs`, `panier.rs`, `vintages.rs`, `diagnostic.rs`).

mod common;

use std::process::Output;

use common::*;

fn data(path: &str) -> String {
    root().join("data").join(path).display().to_string()
}

/// The COG part of every query: the EPCI of the Puy-de-Dôme.
fn territory(level: &str) -> String {
    format!(
        "[territoire]\nniveau = \"{level}\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"{}\"\nliste_departements = \"{}\"\n\n",
        data("cog/communes-epci-population-2026.csv"),
        data("cog/departements.csv")
    )
}

/// A score of the Puy-de-Dôme EPCI on the columns `X` and `Y` of `file`.
fn score(file: &str) -> String {
    format!(
        "{}[score]\nmethode = \"somme_des_rangs\"\nfichier = \"{file}\"\n\
         indicateurs = [{{ colonne = \"X\", libelle = \"X\" }}, {{ colonne = \"Y\", libelle = \"Y\" }}]\n\
         titre = \"T\"\nsorties = [\"liste.csv\"]\n",
        territory("epci")
    )
}

/// The 14 EPCI of the Puy-de-Dôme, with `X` and `Y` values, as CSV lines.
fn epci_rows() -> String {
    [
        "200067627",
        "200069169",
        "200069177",
        "200070407",
        "200070712",
        "200070753",
        "200070761",
        "200071199",
        "200071215",
        "200072080",
        "200072098",
        "246300701",
        "246300966",
        "246301097",
    ]
    .iter()
    .enumerate()
    .map(|(i, c)| format!("{c};{};{}\n", i + 1, 20 - i))
    .collect()
}

/// Runs `query` with `file` (named `name`, content `text`) beside it.
fn run_with(name: &str, text: &[u8], query: impl Fn(&str) -> String) -> (Scratch, Output) {
    let s = Scratch::new();
    let path = s.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let o = s.run(&query(path.to_str().unwrap()));
    (s, o)
}

/// The run failed and said each of `words` on stderr.
fn fails(o: &Output, words: &[&str]) {
    assert!(!o.status.success(), "should fail: {}", stdout(o));
    let err = stderr(o);
    for w in words {
        assert!(err.contains(w), "« {w} » missing in:\n{err}");
    }
}

/// The run succeeded and said each of `words` on stdout.
fn runs(o: &Output, words: &[&str]) {
    assert!(o.status.success(), "should run: {}", stderr(o));
    let out = stdout(o);
    for w in words {
        assert!(out.contains(w), "« {w} » missing in:\n{out}");
    }
}

// --- Tables ---------------------------------------------------------------------------

#[test]
fn c01_missing_column() {
    let text = format!("CODGEO;X\n{}", "200067627;1\n");
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(
        &o,
        &[
            "colonne « Y »",
            "colonne absente ; colonnes trouvées : CODGEO, X",
        ],
    );
}

#[test]
fn c02_renamed_column() {
    let text = format!("Code;X;Y\n{}", epci_rows());
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(
        &o,
        &[
            "colonne « CODGEO »",
            "colonnes trouvées : Code, X, Y",
            "majuscules",
        ],
    );
}

#[test]
fn c03_duplicate_code() {
    let text = format!("CODGEO;X;Y\n{}200067627;1;2\n", epci_rows());
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(&o, &["ligne 16", "(200067627) en double : lignes 2 et 16"]);
}

#[test]
fn c04_unknown_code_is_reported_and_left_out() {
    let text = format!("CODGEO;X;Y\n{}299999999;1;2\n", epci_rows());
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    runs(
        &o,
        &["1 code(s) inconnus du COG ignorés : 299999999 (ligne 16)"],
    );
}

#[test]
fn c05_malformed_commune_code() {
    let (_, o) = run_with("inv.csv", b"code;type;annee\n631;Laep;2022\n", |f| {
        panier(f)
    });
    fails(
        &o,
        &[
            "ligne 2",
            "colonne « code »",
            "code « 631 »",
            "code mal formé",
        ],
    );
}

#[test]
fn c06_non_numeric_cell() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows()).replacen(";1;20", ";1;vingt", 1);
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(
        &o,
        &["ligne 2", "colonne « Y »", "valeur non numérique « vingt »"],
    );
}

#[test]
fn c07_secret_cell_where_a_number_is_required() {
    // A secret indicator ranks nothing: the EPCI is listed « non classé », not given 0.
    let text = format!("CODGEO;X;Y\n{}", epci_rows()).replacen(";1;20", ";1;", 1);
    let (s, o) = run_with("d.csv", text.as_bytes(), score);
    runs(
        &o,
        &["non classé(s), une valeur au moins étant secrète : 200067627"],
    );
    assert!(s.output("liste.csv").contains("secret"));
}

#[test]
fn c08_windows_1252_file_is_read_as_such() {
    // « é » in Windows-1252 (0xE9): decoded, so the type is recognised, not garbled.
    let (_, o) = run_with(
        "inv.csv",
        b"code;type;annee\n63113;M\xE9diation familiale;2022\n",
        |f| panier(f).replace("\"laep\"", "\"mediation_familiale\""),
    );
    runs(&o, &["1 territoire(s) au panier complet en 2022"]);
    assert!(!stdout(&o).contains("inconnu"), "{}", stdout(&o));
}

#[test]
fn c09_utf16_file_is_read() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (_, o) = run_with("d.csv", &bytes, score);
    runs(&o, &["écrit"]);
}

#[test]
fn c10_truncated_file() {
    let mut text = format!("CODGEO;X;Y\n{}", epci_rows());
    text.truncate(text.len() - 4); // the last line loses its last field
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(
        &o,
        &[
            "ligne 15",
            "2 champs au lieu des 3 de l'en-tête",
            "ligne tronquée",
        ],
    );
}

#[test]
fn c11_empty_file() {
    let (_, o) = run_with("d.csv", b"", score);
    fails(&o, &["d.csv", "le fichier est vide"]);
}

#[test]
fn c12_header_only() {
    let (_, o) = run_with("d.csv", b"CODGEO;X;Y\n", score);
    fails(&o, &["d.csv", "aucune ligne de données"]);
}

#[test]
fn c13_binary_garbage() {
    let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 256) as u8).collect();
    let (_, o) = run_with("d.csv", &bytes, score);
    fails(&o, &["d.csv", "colonne"]);
}

#[test]
fn c14_csv_renamed_xlsx() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let (_, o) = run_with("d.xlsx", text.as_bytes(), score);
    fails(&o, &["d.xlsx", "classeur illisible"]);
}

#[test]
fn c15_unknown_file_format() {
    let (_, o) = run_with("d.json", b"{}", score);
    fails(
        &o,
        &["format de fichier non reconnu", ".csv, .txt ou .xlsx"],
    );
}

#[test]
fn c16_infinite_and_nan_cells() {
    for cell in ["NaN", "inf", "1e400"] {
        let text =
            format!("CODGEO;X;Y\n{}", epci_rows()).replacen(";1;20", &format!(";1;{cell}"), 1);
        let (_, o) = run_with("d.csv", text.as_bytes(), score);
        fails(
            &o,
            &["ligne 2", &format!("valeur non numérique « {cell} »")],
        );
    }
}

#[test]
fn c17_duplicate_column_in_header() {
    let text = format!("CODGEO;X;Y;X\n{}", epci_rows().replace('\n', ";0\n"));
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(&o, &["colonne « X »", "colonne en double dans l'en-tête"]);
}

// --- Contours -------------------------------------------------------------------------

/// A commune map of the Puy-de-Dôme's published rates on the contours `file`.
fn map(file: &str) -> String {
    format!(
        "{}[couverture]\nmethode = \"taux_publie\"\nannee = 2023\ntaux_caf = \"{}\"\n\
         reference_departement = \"publiee\"\nreference_france = \"publiee\"\n\n\
         [contours]\ncommunes = \"{file}\"\n\n[carte]\ntitre = \"C\"\nsource = \"S\"\n\
         classes = {{ methode = \"seuils\", valeurs = [\"reference:departement\"] }}\nsorties = [\"c.svg\"]\n",
        territory("commune"),
        data("caf/txcouv-pe-2023-5dep.csv")
    )
}

fn feature(code: &str, geometry: &str) -> String {
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{code}\"}},\"geometry\":{geometry}}}"
    )
}

fn collection(features: &[String]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}]}}",
        features.join(",")
    )
}

#[test]
fn c18_null_geometry() {
    let text = collection(&[feature("63113", "null")]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(&o, &["c.geojson", "63113", "géométrie absente (null)"]);
}

#[test]
fn c19_empty_geometry() {
    let text = collection(&[feature(
        "63113",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
    )]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(&o, &["c.geojson", "63113", "géométrie vide"]);
}

#[test]
fn c20_self_intersecting_polygon_is_drawn_as_given() {
    // A bow tie: drawn with the even-odd rule, the other communes said without shape.
    let bowtie = "{\"type\":\"Polygon\",\"coordinates\":[[[3.0,45.7],[3.2,45.9],[3.2,45.7],[3.0,45.9],[3.0,45.7]]]}";
    let text = collection(&[feature("63113", bowtie)]);
    let (s, o) = run_with("c.geojson", text.as_bytes(), map);
    runs(&o, &["462 territoire(s) sans contour"]);
    assert!(s.output("c.svg").contains("Clermont-Ferrand"));
}

#[test]
fn c21_coordinates_already_in_lambert93_are_kept() {
    let square = "{\"type\":\"Polygon\",\"coordinates\":[[[700000,6520000],[710000,6520000],[710000,6530000],[700000,6530000],[700000,6520000]]]}";
    let text = collection(&[feature("63113", square)]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    runs(&o, &["écrit"]);
}

#[test]
fn c22_coordinates_out_of_any_range() {
    let bad = "{\"type\":\"Polygon\",\"coordinates\":[[[500,45],[501,45],[501,46],[500,45]]]}";
    let text = collection(&[feature("63113", bad)]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(
        &o,
        &[
            "c.geojson",
            "système de coordonnées inconnu",
            "WGS84",
            "Lambert-93",
        ],
    );
}

#[test]
fn c23_feature_without_code() {
    let square =
        "{\"type\":\"Polygon\",\"coordinates\":[[[3.0,45.7],[3.1,45.7],[3.1,45.8],[3.0,45.7]]]}";
    let text = collection(&[format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"nom\":\"X\"}},\"geometry\":{square}}}"
    )]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(&o, &["c.geojson", "code"]);
}

#[test]
fn c24_truncated_geojson() {
    let (_, o) = run_with(
        "c.geojson",
        b"{\"type\":\"FeatureCollection\",\"features\":[",
        map,
    );
    fails(&o, &["c.geojson", "GeoJSON invalide"]);
}

#[test]
fn c25_shapefile_without_its_dbf() {
    let s = Scratch::new();
    let shp = s.dir.path().join("c.shp");
    std::fs::write(&shp, b"not a shapefile").unwrap();
    let o = s.run(&map(shp.to_str().unwrap()));
    fails(&o, &["c.shp"]);
}

// --- Queries --------------------------------------------------------------------------

#[test]
fn c26_toml_syntax_error() {
    let o = Scratch::new().run("[territoire\nniveau = \"epci\"\n");
    fails(&o, &["requete.toml, ligne 1", "requête illisible"]);
}

#[test]
fn c27_value_of_the_wrong_type() {
    let text = territory("epci").replace("millesime = 2026", "millesime = \"2026\"");
    let o = Scratch::new().run(&text);
    fails(&o, &["ligne 4", "attendu un nombre entier"]);
}

#[test]
fn c28_unknown_method_word() {
    let text = score("x.csv").replace("somme_des_rangs", "somme_des_notes");
    let o = Scratch::new().run(&text);
    fails(
        &o,
        &["valeur inconnue « somme_des_notes »", "somme_des_rangs"],
    );
}

#[test]
fn c29_missing_required_key() {
    let text = territory("epci").replace("millesime = 2026\n", "");
    let o = Scratch::new().run(&text);
    fails(&o, &["clé obligatoire absente : « millesime »"]);
}

#[test]
fn c30_two_computations_in_one_query() {
    let text = format!("{}\n[panier]\ntitre = \"x\"\n", score("x.csv"));
    let o = Scratch::new().run(&text);
    fails(&o, &["requete.toml"]);
}

#[test]
fn c31_unknown_output_extension() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let (_, o) = run_with("d.csv", text.as_bytes(), |f| {
        score(f).replace("liste.csv", "liste.pdf")
    });
    fails(
        &o,
        &[
            "format de tableau inconnu : « liste.pdf »",
            ".csv, .xlsx, .md",
        ],
    );
}

// --- Values ---------------------------------------------------------------------------

/// Commune rates of Clermont Auvergne Métropole from `file` (CODGEO;N;D by commune).
fn commune_rate(file: &str) -> String {
    format!(
        "{}[score]\nmethode = \"somme_des_rangs\"\nfichier = \"{file}\"\nniveau_fichier = \"commune\"\n\
         indicateurs = [{{ numerateur = \"N\", denominateur = \"D\", libelle = \"Taux\" }}]\n\
         titre = \"T\"\nsorties = [\"liste.csv\"]\n",
        territory("commune").replace("millesime", "epci = \"246300701\"\nmillesime")
    )
}

#[test]
fn c32_zero_denominator_gives_no_rate() {
    let (s, o) = run_with(
        "d.csv",
        b"CODGEO;N;D\n63113;0;0\n63124;5;50\n",
        commune_rate,
    );
    runs(&o, &["valeur au moins étant manquante"]);
    let list = s.output("liste.csv");
    let clermont = list.lines().find(|l| l.contains("63113")).unwrap();
    assert!(clermont.contains("non classé"), "{clermont}");
}

#[test]
fn c33_merged_commune_code_without_movements_table() {
    // Dallet, merged into Mur-sur-Allier in 2019: unknown to the COG 2026, said with its line.
    let (_, o) = run_with(
        "d.csv",
        b"CODGEO;N;D\n63133;1;10\n63113;5;50\n",
        commune_rate,
    );
    runs(&o, &["code(s) inconnus du COG ignorés : 63133 (ligne 2)"]);
}

#[test]
fn c34_output_directory_missing_is_created() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let (s, o) = run_with("d.csv", text.as_bytes(), |f| {
        score(f).replace("liste.csv", "a/b/c/liste.csv")
    });
    runs(&o, &["écrit"]);
    assert!(s.out_dir().join("a/b/c/liste.csv").exists());
}

#[test]
fn c35_output_file_in_place_of_a_folder_is_refused() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let s = Scratch::new();
    std::fs::create_dir_all(s.out_dir()).unwrap();
    std::fs::write(s.out_dir().join("a"), "un fichier").unwrap();
    let file = s.file("d.csv", &text);
    let o = s.run(&score(&file).replace("liste.csv", "a/liste.csv"));
    fails(&o, &["out/a", "impossible de créer le dossier de sortie"]);
}

#[test]
fn c36_query_file_not_utf8() {
    let s = Scratch::new();
    let path = s.dir.path().join("requete.toml");
    std::fs::write(&path, b"[territoire]\nniveau = \"\xE9pci\"\n").unwrap();
    let o = diagterr(&[
        "executer",
        path.to_str().unwrap(),
        "--sortie",
        s.out_dir().to_str().unwrap(),
    ]);
    fails(&o, &["requete.toml"]);
}

/// A panier of the Puy-de-Dôme EPCI on the inventory `file`.
fn panier(file: &str) -> String {
    format!(
        "{}[panier]\ntitre = \"P\"\ninventaire = \"{file}\"\nannees = [2022]\n\
         composition = [{{ service = \"laep\" }}]\nsorties = [\"p.csv\"]\n",
        territory("epci")
    )
}

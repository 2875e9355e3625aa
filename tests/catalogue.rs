//! The bad-input catalogue: broken or hostile inputs, each run through the whole command,
//! each with its clear error (file, line, column or code, and what to do) or its
//! documented handling. docs/catalogue.md lists the catalogue; other cases live beside their
//! feature (`bad_input.rs`, `panier.rs`, `vintages.rs`, `diagnostic.rs`).

use std::path::Path;
use std::process::Output;

use crate::common::*;

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
    fails(
        &o,
        &[
            "d.xlsx",
            "classeur illisible",
            "archive du classeur est abîmée",
        ],
    );
    assert!(!stderr(&o).contains("Zip"), "{}", stderr(&o));
}

#[test]
fn c15_unknown_file_format() {
    let (_, o) = run_with("d.json", b"{}", score);
    fails(
        &o,
        &[
            "format de fichier non reconnu",
            ".csv, .txt, .tsv, .xlsx, .xls, .ods ou .parquet",
        ],
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
    fails(&o, &["c.geojson", "GeoJSON invalide (JSON tronqué"]);
    assert!(!stderr(&o).contains("EOF"), "{}", stderr(&o));
}

#[test]
fn c67_damaged_files_are_said_in_french() {
    // A gzip archive cut in its middle, and a parquet file that is not one.
    let mut gz =
        std::fs::read(root().join("data/geo/communes-63-puy-de-dome-2018.geojson")).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &gz).unwrap();
    gz = encoder.finish().unwrap();
    gz.truncate(gz.len() / 2);
    let (_, o) = run_with("c.geojson.gz", &gz, map);
    fails(&o, &["c.geojson.gz", "archive gzip abîmée ou tronquée"]);
    let (_, o) = run_with("d.parquet", b"PAR1 pas un parquet", score);
    fails(&o, &["d.parquet", "fichier parquet illisible (abîmé"]);
    for english in ["error", "Error", "EOF", "invalid"] {
        assert!(!stderr(&o).contains(english), "{}", stderr(&o));
    }
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
            "ligne 13 : sortie refusée « liste.pdf » : extension inconnue",
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

// --- Numbers read as they are meant (issue 12, class 1) -------------------------------

/// Coverage of the Puy-de-Dôme EPCI as a ratio of sums of the components `file`
/// (`code;places;enfants` by commune).
fn components(file: &str) -> String {
    format!(
        "{}[couverture]\nmethode = \"ratio_de_sommes\"\nannee = 2023\n\
         reference_departement = \"calculee\"\nreference_france = 60.9\n\n\
         [couverture.composantes]\nfichier = \"{file}\"\ncommune = \"code\"\nenfants = \"enfants\"\n\
         places = {{ places = \"Places\" }}\n\n[liste]\nselection = \"toutes\"\nsorties = [\"l.csv\"]\n",
        territory("epci")
    )
}

#[test]
fn c37_thousands_dot_is_ambiguous_in_a_count() {
    // « 5.519 » children: 5 519 with a French thousands dot, or 5,519? Nothing else says.
    let (_, o) = run_with(
        "c.csv",
        b"code;places;enfants\n63113;1200;5.519\n63124;50;120\n",
        components,
    );
    fails(
        &o,
        &[
            "c.csv, ligne 2, colonne « enfants »",
            "nombre ambigu « 5.519 » : 5,519 ou 5519 ?",
            "écrivez la virgule décimale",
        ],
    );
}

#[test]
fn c38_the_column_tells_what_its_dots_are() {
    // A thousands dot elsewhere in the column (« 1.000,0 »): « 5.519 » is 5 519 children,
    // and Clermont's EPCI has 100 × 1 250 / 6 519 = 19,2 places for 100 children (124,3 if
    // the dot were decimal).
    let (s, o) = run_with(
        "c.csv",
        b"code;places;enfants\n63113;1200;5.519\n63124;50;1.000,0\n",
        components,
    );
    runs(&o, &["écrit"]);
    let list = s.output("l.csv");
    assert!(
        list.contains(";246300701;Clermont Auvergne Métropole;63;19,2;"),
        "{list}"
    );
    // A decimal dot elsewhere: « 12.345 » is 12,345.
    let text = format!("CODGEO;X;Y\n{}", epci_rows())
        .replacen(";1;20", ";12.345;20", 1)
        .replacen(";2;19", ";2.5;19", 1);
    let (s, o) = run_with("d.csv", text.as_bytes(), score);
    runs(&o, &["écrit"]);
    let list = s.output("liste.csv");
    assert!(
        list.contains("1;200067627;CC Billom Communauté;12,3;"),
        "{list}"
    );
}

#[test]
fn c39_negative_count() {
    let (_, o) = run_with(
        "c.csv",
        b"code;places;enfants\n63113;-124;1000\n",
        components,
    );
    fails(
        &o,
        &[
            "ligne 2, colonne « places »",
            "valeur impossible « -124 » : un effectif n'est jamais négatif",
        ],
    );
}

/// The published rates of the Puy-de-Dôme EPCI, from `file`.
fn published(file: &str) -> String {
    format!(
        "{}[couverture]\nmethode = \"taux_publie\"\nannee = 2023\ntaux_caf = \"{file}\"\n\
         reference_departement = \"publiee\"\nreference_france = \"publiee\"\n\n\
         [liste]\nselection = \"toutes\"\nsorties = [\"l.csv\"]\n",
        territory("epci")
    )
}

/// The embedded Cnaf file, with `edit` applied to its text.
fn cnaf_with(edit: impl Fn(String) -> String) -> Vec<u8> {
    let text = std::fs::read_to_string(data("caf/txcouv-pe-2023-5dep.csv")).unwrap();
    edit(text).into_bytes()
}

#[test]
fn c40_published_rate_far_from_its_parts() {
    let text = std::fs::read_to_string(data("caf/txcouv-pe-2023-5dep.csv")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains(";epci;200069177;"))
        .unwrap()
        + 1;
    let bytes = cnaf_with(|t| {
        t.lines()
            .map(|l| {
                if l.contains(";epci;200069177;") {
                    let mut cells: Vec<&str> = l.split(';').collect();
                    cells[4] = "12345";
                    cells.join(";")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let (_, o) = run_with("t.csv", &bytes, published);
    fails(
        &o,
        &[
            &format!("t.csv, ligne {line}, colonne « txcouv »"),
            "taux global 12345,0 loin de la somme de ses composantes",
        ],
    );
}

#[test]
fn c41_file_of_another_year() {
    let bytes = cnaf_with(|t| t.replace("\n2023;", "\n2021;"));
    let (_, o) = run_with("t.csv", &bytes, published);
    fails(
        &o,
        &[
            "t.csv, colonne « annee »",
            "aucune ligne de l'année 2023",
            "années du fichier : 2021",
        ],
    );
}

// --- Text decoded and split as written (class 2) --------------------------------------

#[test]
fn c42_utf8_file_with_one_windows_1252_byte() {
    let mut bytes = "code;type;annee\n63113;Action Réaap;2022\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"63113;M\xE9diation familiale;2022\n");
    let (_, o) = run_with("inv.csv", &bytes, panier);
    fails(
        &o,
        &[
            "inv.csv, ligne 3",
            "encodages mélangés",
            "0xE9",
            "un seul encodage",
        ],
    );
}

#[test]
fn c43_unbalanced_quote() {
    let text = format!("CODGEO;X;Y\n{}", epci_rows()).replacen("200069169;", "\"200069169;", 1);
    let (_, o) = run_with("d.csv", text.as_bytes(), score);
    fails(&o, &["d.csv, ligne 3", "guillemet non fermé"]);
}

// --- Geometry (class 3) ----------------------------------------------------------------

#[test]
fn c44_crs_member_contradicted_by_the_coordinates() {
    let square =
        "{\"type\":\"Polygon\",\"coordinates\":[[[3.0,45.7],[3.1,45.7],[3.1,45.8],[3.0,45.7]]]}";
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}}}},\"features\":[{}]}}",
        feature("63113", square)
    );
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(
        &o,
        &[
            "c.geojson",
            "se déclare en Lambert-93 (EPSG:2154), en mètres, mais ses coordonnées sont des degrés",
        ],
    );
}

#[test]
fn c45_ring_too_short_to_draw() {
    let flat = "{\"type\":\"Polygon\",\"coordinates\":[[[3.0,45.7],[3.1,45.7],[3.0,45.7]]]}";
    let text = collection(&[feature("63113", flat)]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), map);
    fails(
        &o,
        &["c.geojson", "63113", "anneau extérieur : 3 position(s)"],
    );
}

#[test]
fn c46_empty_ring_in_a_multipolygon() {
    // Made the Shapefile writer panic: now refused where it is read.
    let holed = "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[3.0,45.7],[3.1,45.7],[3.1,45.8],[3.0,45.7]],[]]]}";
    let text = collection(&[feature("63113", holed)]);
    let (_, o) = run_with("c.geojson", text.as_bytes(), |f| {
        map(f).replace("\"c.svg\"", "\"c.svg\", \"c.shp\"")
    });
    fails(&o, &["c.geojson", "63113", "trou n° 1 : 0 position(s)"]);
}

#[test]
fn c47_text_codes_of_contours_padded_as_in_tables() {
    // « 1001 » as text is L'Abergement-Clémenciat, 01001, as it is in a CSV.
    let square =
        "{\"type\":\"Polygon\",\"coordinates\":[[[5.0,46.1],[5.1,46.1],[5.1,46.2],[5.0,46.1]]]}";
    let text = collection(&[feature("1001", square)]);
    let (s, o) = run_with("c.geojson", text.as_bytes(), |f| {
        map(f).replace("[\"63\"]", "[\"01\"]").replace(
            "reference_departement = \"publiee\"",
            "reference_departement = 55.0",
        )
    });
    runs(&o, &["écrit"]);
    let without = stdout(&o)
        .lines()
        .find(|l| l.contains("sans contour"))
        .unwrap_or_default()
        .to_string();
    assert!(
        without.contains("01002") && !without.contains("01001"),
        "{without}"
    );
    assert!(s.output("c.svg").contains("data-code=\"01001\""));
}

/// A commune map of `departements` on the national contours, with `outputs`.
fn national_map(departements: &str, outputs: &str) -> String {
    map(&data("geo/communes-france-2026.geojson.gz"))
        .replace("[\"63\"]", departements)
        .replace(
            "reference_departement = \"publiee\"",
            "reference_departement = 55.0",
        )
        .replace("sorties = [\"c.svg\"]", &format!("sorties = [{outputs}]"))
}

#[test]
fn c48_a_drom_is_drawn_in_its_own_utm_zone() {
    // Lambert-93 would turn Guadeloupe by 47° and stretch it by 13 %: RGAF09 / UTM 20N.
    let s = Scratch::new();
    let o = s.run(&national_map("[\"971\"]", "\"c.svg\", \"c.shp\""));
    runs(&o, &["écrit"]);
    let prj = s.output("c.prj");
    assert!(prj.contains("RGAF09_UTM_Zone_20N"), "{prj}");
    assert!(
        prj.contains("PARAMETER[\"Central_Meridian\",-63.0]"),
        "{prj}"
    );
    // That Shapefile, in UTM 20N, is read back as the contours of the same map.
    let drawn = |svg: &str| svg.matches("<path class=\"territoire\"").count();
    let first = drawn(&s.output("c.svg"));
    let shp = s.out_dir().join("c.shp");
    let text = national_map("[\"971\"]", "\"d.svg\"").replace(
        &data("geo/communes-france-2026.geojson.gz"),
        shp.to_str().unwrap(),
    );
    let o = s.run(&text);
    runs(&o, &["écrit"]);
    assert_eq!(drawn(&s.output("d.svg")), first);
    assert_eq!(first, 32, "the 32 communes of Guadeloupe");
}

#[test]
fn c49_metropole_and_drom_together_get_insets() {
    let s = Scratch::new();
    let o = s.run(&national_map("[\"63\", \"974\"]", "\"c.svg\""));
    runs(&o, &["écrit"]);
    let svg = s.output("c.svg");
    assert!(svg.contains("class=\"encarts\""), "no inset frame");
    assert!(svg.contains("La Réunion"));
    assert!(svg.contains("Échelle valable pour la métropole"));
    // GIS layers of moved territories would lie about where they are.
    let o = s.run(&national_map(
        "[\"63\", \"974\"]",
        "\"c.svg\", \"c.geojson\"",
    ));
    fails(
        &o,
        &["couche SIG « c.geojson » d'une carte aux DROM en encarts"],
    );
}

// --- Outputs written only where they may be (class 4) ---------------------------------

/// Runs the score of the Puy-de-Dôme EPCI with `sorties` replaced by `outputs`.
fn score_writing(outputs: &str) -> (Scratch, Output) {
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    run_with("d.csv", text.as_bytes(), |f| {
        score(f).replace(
            "sorties = [\"liste.csv\"]",
            &format!("sorties = [{outputs}]"),
        )
    })
}

#[test]
fn c50_output_outside_the_output_folder() {
    for (name, why) in [
        ("../../x.csv", "« .. » sortirait du dossier de sortie"),
        (
            "/tmp/diagterr-x.csv",
            "un chemin absolu sortirait du dossier de sortie",
        ),
    ] {
        let (s, o) = score_writing(&format!("\"{name}\""));
        fails(
            &o,
            &[
                "requete.toml, ligne 13",
                &format!("sortie refusée « {name} » : {why}"),
            ],
        );
        assert!(!s.out_dir().exists(), "nothing written");
    }
    assert!(!Path::new("/tmp/diagterr-x.csv").exists());
}

#[test]
fn c51_output_over_an_input() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.out_dir()).unwrap();
    let data_file = s.out_dir().join("d.csv");
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    std::fs::write(&data_file, &text).unwrap();
    let o = s.run(&score(data_file.to_str().unwrap()).replace("liste.csv", "d.csv"));
    fails(&o, &["remplacerait un fichier d'entrée de l'exécution"]);
    assert_eq!(
        std::fs::read_to_string(&data_file).unwrap(),
        text,
        "input intact"
    );
}

#[test]
fn c52_one_file_written_twice() {
    // Twice by one query…
    let (s, o) = score_writing("\"a.csv\", \"a.csv\"");
    fails(
        &o,
        &["est écrit deux fois", "donnez un nom de sortie différent"],
    );
    assert!(!s.out_dir().exists(), "nothing written");
    // …and by two queries of one run: both fail, whichever would end last.
    let s = Scratch::new();
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let file = s.file("d.csv", &text);
    s.file("q1.toml", &score(&file));
    s.file("q2.toml", &score(&file));
    let dir = s.dir.path().join("requetes").to_str().unwrap().to_string();
    let run = |command: &str| diagterr(&[command, &dir, "--sortie", s.out_dir().to_str().unwrap()]);
    let o = run("executer");
    fails(
        &o,
        &[
            "q1.toml, ligne 13",
            "q2.toml, ligne 13",
            "est écrit deux fois",
        ],
    );
    assert!(
        stdout(&o).contains("0 requête(s) réussie(s), 2 en erreur"),
        "{}",
        stdout(&o)
    );
    assert!(!s.out_dir().exists(), "nothing written");
    // `verifier` says the same without running anything.
    fails(&run("verifier"), &["est écrit deux fois"]);
}

// --- One failure alone (class 5) -------------------------------------------------------

#[test]
fn c53_a_failing_query_leaves_the_others_running() {
    let s = Scratch::new();
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let file = s.file("d.csv", &text);
    s.file("a.toml", &score(&file).replace("liste.csv", "a.csv"));
    s.file(
        "b.toml",
        &score(&file)
            .replace("liste.csv", "b.csv")
            .replace("\"X\"", "\"Z\""),
    );
    let o = diagterr(&[
        "executer",
        s.dir.path().join("requetes").to_str().unwrap(),
        "--sortie",
        s.out_dir().to_str().unwrap(),
    ]);
    fails(&o, &["b.toml", "colonne « Z »"]);
    assert!(
        stdout(&o).contains("1 requête(s) réussie(s), 1 en erreur"),
        "{}",
        stdout(&o)
    );
    assert!(s.out_dir().join("a.csv").exists());
}

// --- Bounded requests (class 6) --------------------------------------------------------

#[test]
fn c54_a_picture_or_a_legend_too_large() {
    let text = map("c.geojson").replace(
        "sorties = [\"c.svg\"]",
        "sorties = [\"c.png\"]\nlargeur_png = 200000",
    );
    fails(
        &Scratch::new().run(&text),
        &[
            "largeur_png = 200000 (de 100 à 10000)",
            "valeur hors limites",
        ],
    );
    let text = map("c.geojson").replace(
        "{ methode = \"seuils\", valeurs = [\"reference:departement\"] }",
        "{ methode = \"quantiles\", nombre = 500 }",
    );
    fails(
        &Scratch::new().run(&text),
        &["nombre (de classes) = 500 (de 1 à 9)"],
    );
    let text = map("c.geojson").replace(
        "{ methode = \"seuils\", valeurs = [\"reference:departement\"] }",
        "{ methode = \"quantiles\", nombre = -3 }",
    );
    let o = Scratch::new().run(&text);
    fails(&o, &["attendu un nombre entier positif"]);
    assert!(!stderr(&o).contains("usize"), "{}", stderr(&o));
}

// --- Messages and conventions (class 7) ------------------------------------------------

#[test]
fn c55_the_command_line_speaks_french() {
    let o = diagterr(&["executr"]);
    fails(
        &o,
        &[
            "erreur : commande inconnue « executr »",
            "vouliez-vous dire « executer » ?",
            "Utilisation :",
        ],
    );
    let o = diagterr(&["executer", "--sorite", "x", "queries"]);
    fails(&o, &["argument inattendu « --sorite »"]);
    let o = diagterr(&["executer", "--help"]);
    let help = stdout(&o);
    assert!(o.status.success());
    for english in ["Usage:", "Print help", "[default:", "error:"] {
        assert!(!help.contains(english), "« {english} » in:\n{help}");
    }
    assert!(
        help.contains("Affiche l'aide") && help.contains("[par défaut : out]"),
        "{help}"
    );
}

#[test]
fn c56_query_folders_as_an_analyst_names_them() {
    let s = Scratch::new();
    let text = format!("CODGEO;X;Y\n{}", epci_rows());
    let file = s.file("d.csv", &text);
    let queries = s.dir.path().join("requetes");
    std::fs::create_dir_all(queries.join("e.toml")).unwrap(); // a folder, not a query
    std::fs::write(queries.join("B.TOML"), score(&file)).unwrap();
    let o = diagterr(&[
        "executer",
        queries.to_str().unwrap(),
        "--sortie",
        s.out_dir().to_str().unwrap(),
    ]);
    runs(&o, &["B.TOML :", "1 requête(s) réussie(s), 0 en erreur"]);
    let o = diagterr(&["executer", queries.join("e.toml").to_str().unwrap()]);
    fails(&o, &["aucun fichier de requête .toml dans ce dossier"]);
}

#[test]
fn c57_cog_vintage_older_than_the_movements_table() {
    let (_, o) = run_with("d.csv", b"CODGEO;N;D\n63113;5;50\n", |f| {
        commune_rate(f)
            .replace(
                "niveau_fichier = \"commune\"",
                "niveau_fichier = \"commune\"\nmillesime_fichier = 1850",
            )
            .replace(
                "millesime = 2026\n",
                &format!(
                    "millesime = 2026\nmouvements = \"{}\"\n",
                    data("cog/mouvements-communes.csv")
                ),
            )
    });
    fails(
        &o,
        &["millésime 1850 antérieur à la table des mouvements, qui commence en 1943"],
    );
}

// --- Outputs whole or not at all --------------------------------------------------------

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn c58_a_run_killed_midway_leaves_old_or_new_files_and_the_next_run_cleans_up() {
    let queries = [
        "queries/couverture-epci-63-puy-de-dome.toml",
        "queries/couverture-communes-63-puy-de-dome.toml",
        "queries/vulnerabilite-epci-63-puy-de-dome.toml",
    ];
    let run_into = |out: &Path| {
        let mut args = vec!["executer".to_string()];
        args.extend(queries.iter().map(|q| q.to_string()));
        args.extend(["--sortie".to_string(), out.display().to_string()]);
        std::process::Command::new(env!("CARGO_BIN_EXE_diagterr"))
            .args(&args)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let reference = Scratch::new();
    assert!(run_into(&reference.out_dir()).wait().unwrap().success());
    let new = files_under(&reference.out_dir());
    let shapefile: Vec<String> = ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .map(|e| format!("63/couverture-epci-63.{e}"))
        .collect();
    assert!(shapefile.iter().all(|p| new.contains_key(p)));

    let work = Scratch::new();
    for name in new.keys() {
        let path = work.out_dir().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"ANCIEN").unwrap();
    }
    for delay in [100, 300, 700, 1500] {
        let mut child = run_into(&work.out_dir());
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = files_under(&work.out_dir());
        for (name, bytes) in &new {
            let found = &now[name];
            assert!(
                found == b"ANCIEN" || found == bytes,
                "{name} is half written after {delay} ms"
            );
        }
        let renaming = now.keys().any(|n| n.ends_with(".groupe"));
        let old_parts = shapefile.iter().filter(|p| now[*p] == b"ANCIEN").count();
        assert!(
            renaming || old_parts == 0 || old_parts == shapefile.len(),
            "Shapefile parts of two runs after {delay} ms"
        );
    }
    assert!(run_into(&work.out_dir()).wait().unwrap().success());
    let after = files_under(&work.out_dir());
    let left: Vec<&String> = after.keys().filter(|n| !new.contains_key(*n)).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(after == new, "the next run writes every output whole");
}

#[test]
fn c60_two_runs_into_one_output_folder_at_once() {
    // The Shapefile of couverture-epci-63 is a group of five parts: the case that two runs mixed.
    let run_into = |out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_diagterr"))
            .args(["executer", "queries/couverture-epci-63-puy-de-dome.toml"])
            .args(["queries/vulnerabilite-epci-63-puy-de-dome.toml", "--sortie"])
            .arg(out)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let reference = Scratch::new();
    assert!(run_into(&reference.out_dir()).wait().unwrap().success());
    let expected = files_under(&reference.out_dir());
    let shared = Scratch::new();
    for round in 0..3 {
        let (first, second) = (run_into(&shared.out_dir()), run_into(&shared.out_dir()));
        let (first, second) = (
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        );
        assert!(
            first.status.success() && second.status.success(),
            "round {round}"
        );
        let said = format!("{}{}", stderr(&first), stderr(&second));
        assert!(!said.contains("introuvable"), "{said}");
        assert!(
            files_under(&shared.out_dir()) == expected,
            "round {round}: outputs differ from one run's"
        );
    }
}

/// A table of the Filosofi EPCI file with `table` (its keys after the title) and `indicator` (the keys of
/// indicator `n`), the line of `key` in it.
fn table_query(indicator: &str, table: &str) -> String {
    format!(
        "{}[sources.filo]\nfichier = \"{}\"\nniveau = \"epci\"\n\n\
         [indicateurs.n]\nlibelle = \"N\"\n{indicator}\n\n\
         [indicateurs.m]\nlibelle = \"M\"\nstock = \"filo.NBPERS19\"\n\n\
         [tableaux.t]\ntitre = \"T\"\n{table}\nsorties = [\"t.csv\"]\n",
        territory("epci"),
        data("insee/FILO2019_DISP_EPCI.csv")
    )
}

#[test]
fn c62_query_numbers_and_lists_that_mean_nothing() {
    let stock = "stock = \"filo.NBMEN19\"";
    let ratio = |scale: &str| {
        format!(
            "numerateur = \"filo.NBMEN19\"\ndenominateur = \"filo.NBPERS19\"\nechelle = {scale}"
        )
    };
    let listed = "indicateurs = [\"n\", \"m\"]";
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            ratio("nan"),
            listed.into(),
            "echelle",
            "nan (un nombre supérieur à 0",
        ),
        (
            ratio("0"),
            listed.into(),
            "echelle",
            "0 (un nombre supérieur à 0",
        ),
        (
            ratio("-100"),
            listed.into(),
            "echelle",
            "-100 (un nombre supérieur à 0",
        ),
        (
            ratio("inf"),
            listed.into(),
            "echelle",
            "inf (un nombre supérieur à 0",
        ),
        (
            stock.into(),
            format!("{listed}\npopulation_min = -5"),
            "population_min",
            "-5 (un nombre positif ou nul",
        ),
        (
            stock.into(),
            format!("{listed}\nfiltre = {{ indicateur = \"n\", au_moins = nan }}"),
            "filtre",
            "nan (un nombre fini",
        ),
        (
            stock.into(),
            format!("{listed}\nfiltre = {{ indicateur = \"n\", au_moins = 50, sous = 10 }}"),
            "filtre",
            "filtre vide : « au_moins » (50) n'est pas sous « sous » (10)",
        ),
        (
            stock.into(),
            format!("{listed}\npremiers = 3\nderniers = 2"),
            "derniers",
            "« premiers » et « derniers » ensemble",
        ),
        (
            // An indicator's errors are placed at its table's header.
            "stock = []".into(),
            listed.into(),
            "[indicateurs.n]",
            "liste de colonnes vide",
        ),
        (
            "stock = [\"filo.NBMEN19\", \"filo.NBMEN19\"]".into(),
            listed.into(),
            "[indicateurs.n]",
            "colonne « filo.NBMEN19 » nommée deux fois",
        ),
        (
            stock.into(),
            "indicateurs = []".into(),
            "indicateurs",
            "tableau sans indicateur",
        ),
    ];
    for (indicator, table, key, said) in cases {
        let text = table_query(&indicator, &table);
        let line = text.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        let o = Scratch::new().run(&text);
        fails(&o, &[said, &format!("requete.toml, ligne {line}")]);
    }
}

#[test]
fn c65_source_codes_are_read_as_what_they_are_and_counts_never_negative() {
    let s = Scratch::new();
    // The IRIS of L'Abergement-Clémenciat (01001, not split: commune + 0000) as a spreadsheet saved it.
    let iris = s.file("iris.csv", "IRIS;N\n10010000;7\n");
    let text = format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"01\"]\nmillesime = 2026\n\n\
         [sources.caf]\nfichier = \"{iris}\"\nniveau = \"iris\"\ncolonne_code = \"IRIS\"\nsommes_partielles = true\n\n\
         [indicateurs.n]\nlibelle = \"N\"\nstock = \"caf.N\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\nsorties = [\"t.csv\"]\n"
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("t.csv");
    assert!(list.contains("200069193;CC de la Dombes;7\r\n"), "{list}");
    assert!(
        stdout(&o).contains("1 code(s) de la colonne « IRIS » écrit(s) sans leur zéro initial, complété(s) (ligne 2 : 10010000 → 010010000)"),
        "{}",
        stdout(&o)
    );
    // A count at the query's own level is checked as when summed.
    let negative = s.file("negatif.csv", "CODGEO;N\n200067627;-5\n");
    let text = format!(
        "{}[sources.d]\nfichier = \"{negative}\"\nniveau = \"epci\"\n\n\
         [indicateurs.n]\nlibelle = \"N\"\nstock = \"d.N\"\n\n\
         [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\nsorties = [\"t.csv\"]\n",
        territory("epci")
    );
    let o = s.run(&text);
    fails(
        &o,
        &[
            "negatif.csv",
            "ligne 2",
            "« N »",
            "un effectif n'est jamais négatif",
        ],
    );
}

#[test]
fn c71_a_territory_covered_in_part_is_partial_unless_the_query_accepts_it() {
    let s = Scratch::new();
    // Clermont-Ferrand alone, of the 21 communes of Clermont Auvergne Métropole.
    let file = s.file("clermont.csv", "CODGEO;N\n63113;100\n");
    let text = |accept: &str| {
        format!(
            "{}[sources.c]\nfichier = \"{file}\"\nniveau = \"commune\"\n{accept}\n\
             [indicateurs.n]\nlibelle = \"N\"\nstock = \"c.N\"\n\n\
             [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\nsorties = [\"t.csv\"]\n",
            territory("epci")
        )
    };
    let o = s.run(&text(""));
    runs(
        &o,
        &[
            "1 territoire(s) couvert(s) en partie",
            "246300701 (1 commune(s) sur 21 dans le fichier)",
        ],
    );
    let list = s.output("t.csv");
    assert!(
        list.contains("246300701;Clermont Auvergne Métropole;partiel (1 commune(s) sur 21)\r\n"),
        "{list}"
    );
    // The selection's total is partial too.
    assert!(list.contains(";partiel\r\n"), "{list}");
    let o = s.run(&text("sommes_partielles = true"));
    runs(&o, &["sommes de leurs seules communes présentes"]);
    let list = s.output("t.csv");
    assert!(
        list.contains("246300701;Clermont Auvergne Métropole;100\r\n"),
        "{list}"
    );
}

#[test]
fn c71_queries_run_together_give_what_each_gives_alone() {
    // Four queries of one selection read one file: as it is (twice), accepting partial sums,
    // and so with its count taken for a secret marker. Run in one process, where the queries
    // reading the file alike share its sums, each writes what it writes alone.
    let s = Scratch::new();
    let file = s.file("clermont.csv", "CODGEO;N\n63113;100\n");
    let text = |name: &str, how: &str| {
        format!(
            "{}[sources.c]\nfichier = \"{file}\"\nniveau = \"commune\"\n{how}\n\
             [indicateurs.n]\nlibelle = \"N\"\nstock = \"c.N\"\n\n\
             [tableaux.t]\ntitre = \"T\"\nindicateurs = [\"n\"]\nsorties = [\"{name}.csv\"]\n",
            territory("epci")
        )
    };
    let variants = [
        ("tel", ""),
        ("partielles", "sommes_partielles = true\n"),
        ("secret", "sommes_partielles = true\nsecret = [\"100\"]\n"),
        ("tel-bis", ""),
    ];
    let alone: Vec<String> = variants
        .iter()
        .map(|(name, how)| {
            let o = s.run(&text(name, how));
            assert!(o.status.success(), "{}", stderr(&o));
            s.output(&format!("{name}.csv"))
        })
        .collect();
    assert!(
        alone[0].contains("partiel (1 commune(s) sur 21)"),
        "{}",
        alone[0]
    );
    assert!(
        alone[1].contains("Clermont Auvergne Métropole;100\r\n"),
        "{}",
        alone[1]
    );
    assert!(
        alone[2].contains("Clermont Auvergne Métropole;secret"),
        "{}",
        alone[2]
    );
    std::fs::remove_file(s.dir.path().join("requetes/requete.toml")).unwrap();
    for (name, how) in &variants {
        s.file(&format!("{name}.toml"), &text(name, how));
    }
    let together = s.dir.path().join("ensemble");
    let o = diagterr(&[
        "executer",
        s.dir.path().join("requetes").to_str().unwrap(),
        "--sortie",
        together.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for ((name, _), alone) in variants.iter().zip(&alone) {
        let list = std::fs::read_to_string(together.join(format!("{name}.csv"))).unwrap();
        assert_eq!(&list, alone, "{name}");
    }
}

#[test]
fn c59_labels_on_too_many_territories() {
    let deps: Vec<String> = (1..=19).map(|d| format!("\"{d:02}\"")).collect();
    let text = national_map(&format!("[{}]", deps.join(", ")), "\"c.svg\"")
        .replace("[carte]\n", "[carte]\netiquettes = true\n");
    let o = Scratch::new().run(&text);
    fails(
        &o,
        &[
            "valeur hors limites : étiquettes sur",
            "(au plus 5000)",
            "retirez « etiquettes = true »",
        ],
    );
}

// --- Secret statistique, bounded -------------------------------------------------------

/// `commune_rate` with the rule of the secret `rule`.
fn bounded_rate(rule: &'static str) -> impl Fn(&str) -> String {
    move |file: &str| {
        commune_rate(file).replace(
            "niveau_fichier = \"commune\"\n",
            &format!("niveau_fichier = \"commune\"\nsecret_bornes = {rule}\n"),
        )
    }
}

#[test]
fn c74_a_rule_of_the_secret_whose_bounds_are_inverted_or_equal() {
    let file = b"CODGEO;N;D\n63113;;1000\n63124;5;50\n";
    let (_, o) = run_with("d.csv", file, bounded_rate("{ cellule = [4, 0] }"));
    fails(
        &o,
        &["bornes du secret inversées", "ligne 13", "cellule = [0, 4]"],
    );
    let (_, o) = run_with("d.csv", file, bounded_rate("{ cellule = [0, 0] }"));
    fails(
        &o,
        &[
            "bornes du secret égales",
            "une cellule cachée aurait une valeur connue",
        ],
    );
}

#[test]
fn c75_a_rule_of_the_secret_on_a_published_value_is_refused() {
    let (_, o) = run_with(
        "x.csv",
        format!("CODGEO;X;Y\n{}", epci_rows()).as_bytes(),
        |f| {
            score(f).replace(
                "indicateurs =",
                "secret_bornes = { cellule = [0, 4] }\nindicateurs =",
            )
        },
    );
    fails(
        &o,
        &[
            "bornes du secret sur une source dont la colonne « X » est une valeur publiée",
            "valent pour des effectifs",
        ],
    );
}

#[test]
fn c76_a_cell_hidden_alone_where_the_rule_hides_only_whole_rows() {
    let (_, o) = run_with(
        "d.csv",
        b"CODGEO;N;D\n63124;5;50\n63113;;1000\n",
        bounded_rate("{ ligne = { N = [0, 9], D = [0, 99] } }"),
    );
    fails(
        &o,
        &[
            "cellule secrète dans une ligne publiée",
            "d.csv",
            "ligne 3",
            "« N »",
            "cellule = [0, 4]",
        ],
    );
}

#[test]
fn c77_a_sum_touching_a_hidden_cell_is_known_between_the_rule_s_bounds() {
    // N of Clermont-Ferrand hidden: from 0 to 4 for 1 000, a rate from 0 to 0,4 %; ranked,
    // its rank a range, never « secret » nor 0.
    let (s, o) = run_with(
        "d.csv",
        b"CODGEO;N;D\n63113;;1000\n63124;5;50\n63014;1;1000\n",
        bounded_rate("{ cellule = [0, 4] }"),
    );
    runs(
        &o,
        &[
            "classé(s) sur des valeurs approchées (secret borné)",
            "63113",
        ],
    );
    let list = s.output("liste.csv");
    let clermont = list.lines().find(|l| l.contains("63113")).unwrap();
    assert!(clermont.contains(";≈ 0,2 (0,0 à 0,4);"), "{clermont}");
    assert!(clermont.contains("≈ 2,5 (2,0 à 3,0)"), "{clermont}");
    // Cournon-d'Auvergne, at 10 %, is first whatever the hidden count.
    assert!(
        list.lines().nth(1).unwrap().starts_with("1;63124;"),
        "{list}"
    );
}

//! Priority territories: the weighted score with its classes, map and method written in its
//! outputs, and the robustness of a priority list over variants of its method.

use std::collections::{BTreeMap, HashSet};

use crate::common::*;

/// Hérault communes of the COG 2026 with their five Filosofi values, as the example reads them.
fn filosofi_34() -> BTreeMap<String, [f64; 5]> {
    let cog =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    let known: HashSet<&str> = cog.lines().filter_map(|l| l.split(',').next()).collect();
    let text =
        std::fs::read_to_string(root().join("data/insee/FILO2019_DISP_COM_5dep.csv")).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let columns = [
        at("PPMINI19"),
        at("PPFAM19"),
        at("PPLOGT19"),
        at("PPSOC19"),
        at("Q219"),
    ];
    lines
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(';').collect();
            let code = cells[0];
            if !code.starts_with("34") || !known.contains(code) {
                return None;
            }
            let mut values = [0.0; 5];
            for (v, &c) in values.iter_mut().zip(&columns) {
                *v = cells[c].replace(',', ".").parse().ok()?;
            }
            Some((code.to_string(), values))
        })
        .collect()
}

#[test]
fn the_weighted_score_of_the_herault_example_recomputed_with_its_classes_map_and_robustness() {
    let s = Scratch::new();
    let o = s.run_file("queries/score-pondere-communes-34.toml");
    assert!(o.status.success(), "{}", stderr(&o));
    let list = s.output("34/score-pondere-communes-34.csv");
    let header = list.lines().next().unwrap();
    // The method is written in the list: normalisation and weights.
    assert!(header.contains("Score (min-max ; poids 60 % Part des minima sociaux (%), 10 % Part des prestations familiales (%)"), "{header}");
    assert!(header.ends_with(";Priorité"), "{header}");
    // Recomputed here: min-max of each indicator over the scored communes (the median income
    // reversed), weighted 60/10/10/10/10.
    let values = filosofi_34();
    let weights = [0.6, 0.1, 0.1, 0.1, 0.1];
    let range = |k: usize| {
        let v = values.values().map(|x| if k == 4 { -x[k] } else { x[k] });
        let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        (lo, hi)
    };
    let score = |code: &str| -> f64 {
        (0..5)
            .map(|k| {
                let (lo, hi) = range(k);
                let x = if k == 4 {
                    -values[code][k]
                } else {
                    values[code][k]
                };
                weights[k] * (x - lo) / (hi - lo)
            })
            .sum()
    };
    let rows: Vec<Vec<&str>> = list
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    let scored: Vec<&Vec<&str>> = rows.iter().filter(|r| !r[0].is_empty()).collect();
    assert_eq!(
        scored.len(),
        values.len(),
        "every commune with its five values is scored"
    );
    for row in scored.iter().take(5) {
        let expected = format!("{:.3}", score(row[1])).replace('.', ",");
        assert_eq!(row[8], expected, "{row:?}");
    }
    assert_eq!((rows[0][2], rows[0][9]), ("Béziers", "Priorité 1"));
    // The map of the classes and the robustness table and map.
    let svg = s.output("34/score-pondere-communes-34.svg");
    assert!(
        svg.contains("Score pondéré (min-max ; poids 60 %"),
        "legend title"
    );
    let robust = s.output("34/score-pondere-robustesse-34.csv");
    let first: Vec<&str> = robust.lines().nth(1).unwrap().split(';').collect();
    assert_eq!(
        first,
        ["34032", "Béziers", "1", "1", "100", "Toujours prioritaire"]
    );
    // Every territory scored by the method as given is in the table, once.
    assert_eq!(robust.lines().count() - 1, values.len());
    assert!(
        stdout(&o).contains("robustesse : la liste refaite sous 19 variante(s)"),
        "{}",
        stdout(&o)
    );
    assert!(
        s.output("34/score-pondere-robustesse-34.svg")
            .contains("Toujours prioritaire (4)")
    );
}

/// A weighted score of the Puy-de-Dôme EPCI on Filosofi, one indicator weighted `weight`.
fn weighted(extra: &str) -> String {
    format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\
         communes = \"../data/cog/communes-epci-population-2026.csv\"\n\
         liste_departements = \"../data/cog/departements.csv\"\n\n\
         [score]\nmethode = \"score_pondere\"\nfichier = \"../data/insee/FILO2019_DISP_EPCI.csv\"\n\
         indicateurs = [{{ colonne = \"PPMINI19\", libelle = \"Minima\", poids = 0.05 }}]\n\
         titre = \"T\"\nsorties = [\"l.csv\"]\n\n{extra}"
    )
}

#[test]
fn a_variant_that_makes_every_weight_zero_or_robustness_of_flags_is_refused() {
    let s = Scratch::new();
    let o = s.run(&weighted(
        "[score.robustesse]\npas_poids = 0.05\nsorties = [\"r.csv\"]\n",
    ));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("robustesse, variante « poids de Minima − 0,05 » : tous les poids sont nuls"),
        "{err}"
    );
    assert!(err.contains("pas_poids"), "{err}");
    // With a smaller step, the list runs.
    let o = s.run(&weighted(
        "[score.robustesse]\npas_poids = 0.01\nsorties = [\"r.csv\"]\n",
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let flags = weighted("[score.robustesse]\nsorties = [\"r.csv\"]\n")
        .replace("score_pondere", "drapeaux")
        .replace("poids = 0.05", "drapeau = { test = \">\", seuil = 5 }");
    let o = s.run(&flags);
    assert!(
        stderr(&o).contains("[score.robustesse] vaut pour la somme des rangs et le score pondéré"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn epci_reaching_beyond_the_departement_are_whole_by_default_or_left_to_their_majority() {
    let query = root().join("queries/vulnerabilite-epci-26-drome.toml");
    // The example keeps the majority; without that line, the default.
    let majority_text = std::fs::read_to_string(&query).unwrap();
    assert!(majority_text.contains("epci_debordants = \"majorite\""));
    let text = majority_text.replace("epci_debordants = \"majorite\"", "");
    let rows = |s: &Scratch| s.output("26/vulnerabilite-epci-26.csv").lines().count() - 1;
    // The default, said in the notes: every EPCI with a commune in the Drôme, whole.
    let whole = Scratch::new();
    let o = whole.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("EPCI débordent des départements de la requête et sont comptés entiers, toutes leurs communes (epci_debordants = \"entiers\", le défaut"), "{}", stdout(&o));
    // Only those with most of their population in the Drôme: the others are listed with the
    // share of their population in it, and leave the list.
    let majority = Scratch::new();
    let o = majority.run(&majority_text);
    assert!(o.status.success(), "{}", stderr(&o));
    let notes = stdout(&o);
    assert!(
        notes.contains("laissés aux départements où vit la majorité de leur population"),
        "{notes}"
    );
    let left: usize = notes
        .split("EPCI laissés aux départements")
        .next()
        .unwrap()
        .rsplit("note : ")
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(left > 0);
    assert_eq!(rows(&majority) + left, rows(&whole));
}

/// The rows of a CSV written for French Excel (`;`, a BOM, quoted fields).
fn semicolon_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{FEFF}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The synthesis of the Puy-de-Dôme example: each EPCI's position on each axis follows from its values
/// (the Cnaf rate as in the Cnaf file, below the département's 64,2; minima sociaux at least 2,5; no
/// Laep; no Clas), its number of axes is the number of « oui », the rows most axes first, and the
/// sentence names those of at least two axes.
#[test]
fn the_synthesis_across_axes_of_the_puy_de_dome_example_follows_from_its_values() {
    let s = Scratch::new();
    let o = s.run_file("queries/priorites-epci-63.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let cnaf = std::fs::read_to_string(root().join("data/caf/txcouv-pe-2023-5dep.csv")).unwrap();
    let rate: BTreeMap<&str, &str> = cnaf
        .lines()
        .map(|l| l.split(';').collect::<Vec<_>>())
        .filter(|f| f[1] == "epci")
        .map(|f| (f[2], f[4]))
        .collect();
    let table = s.output("63/priorites-axes-epci-63.csv");
    let rows = semicolon_rows(&table);
    let header: Vec<&str> = rows[0].iter().map(String::as_str).collect();
    assert_eq!(header[10], "Axes prioritaires");
    let number = |c: &str| c.replace(',', ".").parse::<f64>().unwrap();
    let mut previous = usize::MAX;
    let mut chosen = Vec::new();
    for row in &rows[1..] {
        let f: Vec<&str> = row.iter().map(String::as_str).collect();
        assert_eq!(number(f[2]), number(rate[f[0]]), "{}", f[0]);
        let expected = [
            number(f[2]) < 64.2,
            number(f[3]) >= 2.5,
            number(f[4]) < 1.0,
            number(f[5]) < 1.0,
        ];
        let said: Vec<bool> = f[6..10].iter().map(|w| *w == "oui").collect();
        assert_eq!(said, expected, "{row:?}");
        let n = expected.iter().filter(|b| **b).count();
        assert_eq!(f[10], n.to_string());
        assert!(n <= previous, "most axes first");
        previous = n;
        if n >= 2 {
            chosen.push(f[1].to_string());
        }
        // The reasons name the axes of « oui », in the order of the query.
        let reasons: Vec<&str> = header[6..10]
            .iter()
            .zip(&expected)
            .filter(|(_, b)| **b)
            .map(|(h, _)| *h)
            .collect();
        assert_eq!(f[11], reasons.join(" ; "));
    }
    assert_eq!(chosen.len(), 8);
    let said = stdout(&o);
    assert!(
        said.contains("priorités : 8 EPCI sur 14 prioritaire(s) sur au moins 2 axe(s) sur 4 : CC Dômes Sancy Artense ("),
        "{said}"
    );
    for name in &chosen {
        assert!(said.contains(name.as_str()), "{name}");
    }
    let map = s.output("63/priorites-axes-epci-63.svg");
    assert!(
        map.contains("Nombre d&apos;axes prioritaires") && map.contains("2 axes (7)"),
        "{map}"
    );
}

/// A secret value leaves its axis unknown: the count is a range, the territory is said to be possibly a
/// priority, and its map class is the uncertain one. Axes that name no indicator, or a count beyond the
/// axes, are refused at their line.
#[test]
fn a_secret_value_makes_the_count_a_range_and_bad_axes_are_refused() {
    let s = Scratch::new();
    let file = s.file(
        "x.csv",
        "CODGEO;A;B\n246300701;10;s\n200069169;1;1\n200070712;10;10\n",
    );
    let query = |axes: &str, extra: &str| {
        format!(
            "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\n\
             [sources.x]\nfichier = \"{file}\"\nniveau = \"epci\"\nsecret = [\"s\"]\n\n\
             [indicateurs.a]\nlibelle = \"A\"\npublie = \"x.A\"\n\n\
             [indicateurs.b]\nlibelle = \"B\"\npublie = \"x.B\"\n\n\
             [priorites]\ntitre = \"P\"\naxes = [{axes}]\n{extra}sorties = [\"p.csv\"]\n"
        )
    };
    let two = "{ libelle = \"A haut\", indicateur = \"a\", au_moins = 5 }, \
               { libelle = \"B haut\", indicateur = \"b\", au_moins = 5 }";
    let o = s.run(&query(two, "au_moins_axes = 2\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    let table = semicolon_rows(&s.output("p.csv"));
    let row = |code: &str| {
        let row = table.iter().find(|r| r[0] == code).unwrap();
        row[row.len() - 4..].join("|")
    };
    assert_eq!(row("200070712"), "oui|oui|2|A haut ; B haut");
    assert_eq!(
        row("246300701"),
        "oui|inconnu|1 à 2|A haut ; inconnu : B haut"
    );
    assert_eq!(row("200069169"), "non|non|0|");
    let said = stdout(&o);
    // Thiers surely; Clermont (B secret) and the 11 EPCI the file lacks possibly.
    assert!(
        said.contains("1 EPCI sur 14 prioritaire(s)")
            && said.contains("12 autre(s) pourrai(en)t l'être"),
        "{said}"
    );
    // Errors at their line.
    let bad = query("{ libelle = \"C\", indicateur = \"c\", au_moins = 5 }", "");
    let o = s.run(&bad);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(&format!("ligne {}", line_of(&bad, "axes")))
            && stderr(&o).contains("axe « C » : indicateur inconnu « c »"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&query(two, "au_moins_axes = 3\n"));
    assert!(
        stderr(&o).contains("« au_moins_axes = 3 » : la synthèse a 2 axe(s)"),
        "{}",
        stderr(&o)
    );
    let o = s.run(&query("{ libelle = \"A\", indicateur = \"a\" }", ""));
    assert!(
        stderr(&o).contains("axe « A » sans borne"),
        "{}",
        stderr(&o)
    );
}

/// Supply flags from a services inventory (the Isère annexe's « pas de Laep, pas de Clas »): a hand-built
/// inventory of three EPCI, the flags and their subtotals as counted by hand.
#[test]
fn supply_flags_come_from_the_services_inventory() {
    let s = Scratch::new();
    // Clermont: a Laep (in a commune of it) and a Clas; Thiers: a Clas only; Billom: a Laep of another
    // year, which does not count.
    let inventory = s.file(
        "inventaire.csv",
        "code;type;annee;nombre\n63113;Laep;2022;1\n246300701;Clas;2022;2\n200070712;Clas;2022;1\n\
         200067627;Laep;2021;1\n",
    );
    let text = format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\n\
         [sources.services]\nfichier = \"{inventory}\"\nniveau = \"services\"\ncolonne_code = \"code\"\nannee = 2022\n\
         services = {{ colonne_nombre = \"nombre\" }}\n\n\
         [indicateurs.laep]\nlibelle = \"Laep\"\nstock = \"services.laep\"\n\n\
         [indicateurs.clas]\nlibelle = \"Clas\"\nstock = \"services.clas\"\n\n\
         [score]\nmethode = \"drapeaux\"\nindicateurs = [\n\
         {{ indicateur = \"laep\", libelle = \"Pas de Laep\", drapeau = {{ test = \"<\", seuil = 1, groupe = \"offre\" }} }},\n\
         {{ indicateur = \"clas\", libelle = \"Pas de Clas\", drapeau = {{ test = \"<\", seuil = 1, groupe = \"offre\" }} }},\n]\n\
         titre = \"Drapeaux d'offre\"\nsorties = [\"f.csv\"]\n"
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = semicolon_rows(&s.output("f.csv"));
    assert_eq!(
        rows[0][rows[0].len() - 2..],
        [
            "Drapeaux d'offre".to_string(),
            "Nombre de drapeaux".to_string()
        ]
    );
    let flags = |code: &str| {
        let row = rows.iter().find(|r| r[1] == code).unwrap();
        (row[4].clone(), row[6].clone(), row[row.len() - 1].clone())
    };
    let owned = |a: &str, b: &str, n: &str| (a.to_string(), b.to_string(), n.to_string());
    assert_eq!(flags("246300701"), owned("non", "non", "0"));
    assert_eq!(flags("200070712"), owned("oui", "non", "1"));
    assert_eq!(flags("200067627"), owned("oui", "oui", "2"));
}

/// A zoning of the analyst's: the communes of a file commune → zone summed into its zones (population
/// from the COG, recomputed here from the two files), the zones' map dissolved from the communes; a
/// source by EPCI cannot be summed into zones; a zoning needs `niveau = "zone"` and the other way round.
#[test]
fn a_zoning_groups_its_communes_as_a_level() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-services-zones-63.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let zoning =
        std::fs::read_to_string(root().join("data/fictif/zonage-territoires-63-FICTIF.csv"))
            .unwrap();
    assert!(zoning.starts_with("# DONNÉES FICTIVES"));
    let zone_of: BTreeMap<&str, &str> = zoning
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split(';').collect();
            (f[0], f[1])
        })
        .collect();
    let cog =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    let mut population: BTreeMap<&str, u64> = BTreeMap::new();
    for line in cog.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if let Some(zone) = zone_of.get(f[0]) {
            *population.entry(zone).or_default() += f[4].parse::<u64>().unwrap();
        }
    }
    assert_eq!(population.len(), 4);
    let table = semicolon_rows(&s.output("63/services-zones-63.csv"));
    assert_eq!(table[0][1], "Zone");
    for (zone, people) in &population {
        let row = table.iter().find(|r| r[0] == *zone).unwrap();
        assert_eq!(row[2], people.to_string(), "{zone}");
    }
    let map = s.output("63/services-zones-63.svg");
    assert!(
        map.contains("Territoire Est (Thiers, Ambert)"),
        "the zones' names"
    );

    let query =
        std::fs::read_to_string(root().join("queries/indicateur-services-zones-63.toml")).unwrap();
    for (from, to, said) in [
        (
            "[sources.cog]",
            "[sources.filo]\nfichier = \"../data/insee/FILO2019_DISP_EPCI.csv\"\nniveau = \"epci\"\n\n[sources.cog]",
            "source « filo » par EPCI, requête par zone : ses lignes ne s'additionnent pas en zone",
        ),
        (
            "niveau = \"zone\"",
            "niveau = \"epci\"",
            "« zonage » sans « niveau = \"zone\" »",
        ),
    ] {
        let o = s.run(&query.replace(from, to));
        assert!(!o.status.success());
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
    }
    let without = query
        .lines()
        .filter(|l| !l.starts_with("zonage"))
        .collect::<Vec<_>>()
        .join("\n");
    let o = s.run(&without);
    assert!(
        stderr(&o).contains("« niveau = \"zone\" » sans zonage"),
        "{}",
        stderr(&o)
    );
}

/// `epci_debordants = "communes"`: each EPCI of Saône-et-Loire summed over its communes of the
/// département only, named as a part, so that its share is a share of the département's own communes
/// (recomputed here from the COG table); a value published for whole EPCI, or another level, is refused.
#[test]
fn epci_reduced_to_their_communes_in_the_selection_give_shares_of_the_departement() {
    let s = Scratch::new();
    let o = s.run_file("queries/indicateur-part-departement-epci-71.toml");
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let cog =
        std::fs::read_to_string(root().join("data/cog/communes-epci-population-2026.csv")).unwrap();
    let rows: Vec<Vec<&str>> = cog
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let in_71 = |r: &&Vec<&str>| r[2] == "71";
    let departement: f64 = rows
        .iter()
        .filter(in_71)
        .map(|r| r[4].parse::<f64>().unwrap())
        .sum();
    let table = semicolon_rows(&s.output("71/part-departement-epci-71.csv"));
    for siren in ["247100589", "247100290", "200070308"] {
        let inside: f64 = rows
            .iter()
            .filter(in_71)
            .filter(|r| r[5] == siren)
            .map(|r| r[4].parse::<f64>().unwrap())
            .sum();
        let row = table.iter().find(|r| r[0] == siren).unwrap();
        assert_eq!(row[2], format!("{inside}"), "{siren}");
        assert_eq!(
            row[3],
            format!("{:.1}", 100.0 * inside / departement).replace('.', ","),
            "{siren}"
        );
    }
    // Mâconnais Beaujolais Agglomération reaches into the Ain: its part, named so.
    let macon = table.iter().find(|r| r[0] == "200070308").unwrap();
    assert_eq!(
        macon[1],
        "CA Mâconnais Beaujolais Agglomération (partie dans la sélection)"
    );
    let said = stdout(&o);
    assert!(
        said.contains("seules leurs communes de la sélection comptent"),
        "{said}"
    );
    assert!(
        said.contains("51,4 % de « Enfants de moins de 6 ans (estimation fictive) » dans 3 EPCI"),
        "{said}"
    );

    let query =
        std::fs::read_to_string(root().join("queries/indicateur-part-departement-epci-71.toml"))
            .unwrap();
    for (from, to, said) in [
        (
            "[sources.cog]",
            "[sources.filo]\nfichier = \"../data/insee/FILO2019_DISP_EPCI.csv\"\nniveau = \"epci\"\n\n[sources.cog]",
            "source « filo » par EPCI : des valeurs d'EPCI entiers",
        ),
        (
            "niveau = \"epci\"",
            "niveau = \"commune\"",
            "« epci_debordants = \"communes\" » vaut pour une requête par EPCI",
        ),
    ] {
        let o = s.run(&query.replace(from, to));
        assert!(!o.status.success());
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
    }
}

/// Zoning flags through an ordinary source by commune: a commune in a ZRR (a 0/1 column) counted per
/// EPCI, and the share of the population living in a QPV when the file gives it, both used as axes of
/// the synthesis (hand-built file, counts recomputed here).
#[test]
fn zoning_flags_by_commune_feed_the_axes_of_the_synthesis() {
    let s = Scratch::new();
    // Three communes of Thiers Dore et Montagne in a ZRR; Clermont with 20 000 inhabitants in QPV.
    let flags = s.file(
        "zonages.csv",
        "code;zrr;pop_qpv;pop\n63430;1;0;11637\n63008;1;0;500\n63015;1;0;300\n63113;0;20000;146351\n",
    );
    let text = format!(
        "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n\n\
         [sources.z]\nfichier = \"{flags}\"\nniveau = \"commune\"\ncolonne_code = \"code\"\nsommes_partielles = true\n\n\
         [indicateurs.zrr]\nlibelle = \"Communes en ZRR\"\nstock = \"z.zrr\"\n\n\
         [indicateurs.qpv]\nlibelle = \"Part de la population en QPV (%)\"\nnumerateur = \"z.pop_qpv\"\n\
         denominateur = \"z.pop\"\n\n\
         [priorites]\ntitre = \"P\"\naxes = [\n\
         {{ libelle = \"Communes en ZRR\", indicateur = \"zrr\", au_moins = 1 }},\n\
         {{ libelle = \"Population en QPV\", indicateur = \"qpv\", au_moins = 10 }},\n]\n\
         sorties = [\"p.csv\"]\n"
    );
    let o = s.run(&text);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = semicolon_rows(&s.output("p.csv"));
    let row = |code: &str| table.iter().find(|r| r[0] == code).unwrap().clone();
    let thiers = row("200070712");
    assert_eq!((thiers[2].as_str(), thiers[4].as_str()), ("3", "oui"));
    let clermont = row("246300701");
    // 20 000 of the 146 351 of Clermont, the only commune of the métropole in the file.
    assert_eq!(
        clermont[3],
        format!("{:.1}", 100.0 * 20000.0 / 146351.0).replace('.', ",")
    );
    assert_eq!(clermont[5], "oui");
}

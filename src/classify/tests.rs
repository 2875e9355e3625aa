//! Breaks checked against reference implementations on real data, properties on
//! random data, and each degenerate case with its notice.
//!
//! Reference values come from `reference/reference.py` in the scratch crate where
//! this module was developed, run as
//! `cd /work/scratch/classify/reference && /work/scratch/venv/bin/python reference.py`
//! (output kept in `reference.txt` there) with mapclassify 2.10.0 (Quantiles,
//! EqualInterval, Percentiles for Q6, StdMean), jenkspy 0.4.1 (natural breaks)
//! and numpy 2.4.6. mapclassify's bins are right-closed upper bounds: the
//! quantile, equal, Q6 and mean–sd values are the same numbers; jenkspy's upper
//! bounds are converted to our left-closed thresholds by taking the smallest
//! value above each bound, which gives the same partition. The series, in Python:
//!
//! ```text
//! caf = pd.read_csv(".../caf/txcouv-pe-2023-5dep.csv", sep=";", decimal=",")
//! txcouv = caf.loc[caf.niveau == "epci", "txcouv"].to_numpy(dtype=float)
//! pop = pd.read_csv(".../cog/communes-epci-population-2026.csv")["population_municipale"]
//! left_closed = lambda y, bounds: [np.unique(y)[np.unique(y) > b][0] for b in bounds]
//! ```

use super::*;
use crate::notice::said;
use proptest::prelude::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/");

fn column(
    file: &str,
    delimiter: u8,
    column: &str,
    keep: impl Fn(&csv::StringRecord) -> bool,
) -> Vec<f64> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_path(format!("{DATA}{file}"))
        .unwrap();
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(keep)
        .map(|r| r[at].replace(',', ".").parse().unwrap())
        .collect()
}

/// The 85 EPCI coverage rates (decimal commas).
fn txcouv_epci() -> Vec<f64> {
    column("caf/txcouv-pe-2023-5dep.csv", b';', "txcouv", |r| {
        &r[1] == "epci"
    })
}

/// The municipal populations of the 34 875 communes of the 2026 file.
fn populations() -> Vec<f64> {
    column(
        "cog/communes-epci-population-2026.csv",
        b',',
        "population_municipale",
        |_| true,
    )
}

fn values(b: &Breaks) -> Vec<f64> {
    b.classes.thresholds().iter().map(|t| t.value).collect()
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-9, "{got:?} vs {want:?}");
    }
}

fn check(values_: &[f64], method: Method, n: usize, want: &[f64], notices: &[&str]) {
    let b = breaks(values_, &method, Some(n)).unwrap();
    assert_close(&values(&b), want);
    assert_eq!(said(&b.notices), notices, "{method:?}");
}

#[test]
fn a_method_named_by_a_query_is_the_method_with_its_parameters() {
    let named = |name: &str| -> MethodName {
        serde::Deserialize::deserialize(
            serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name),
        )
        .unwrap()
    };
    assert_eq!(
        named("moyenne_ecart_type").computed(0.5, false),
        Some(Method::MeanSd {
            k: 0.5,
            central: false
        })
    );
    assert_eq!(
        named("seuils_naturels").computed(1.0, true),
        Some(Method::NaturalBreaks)
    );
    assert_eq!(
        named("egales").computed(1.0, true),
        Some(Method::EqualIntervals)
    );
    // Given thresholds are no method computing them.
    assert_eq!(named("seuils").computed(1.0, true), None);
}

#[test]
fn txcouv_matches_mapclassify_and_jenkspy() {
    let y = txcouv_epci();
    assert_eq!(y.len(), 85);
    // mapclassify.Quantiles(y, k=5).bins[:-1]
    check(&y, Method::Quantiles, 5, &[54.78, 60.66, 69.34, 75.62], &[]);
    // mapclassify.EqualInterval(y, k=5).bins[:-1]
    check(
        &y,
        Method::EqualIntervals,
        5,
        &[49.14, 62.68, 76.22, 89.75999999999999],
        &[],
    );
    // mapclassify.Percentiles(y, pct=[5, 25, 50, 75, 95, 100]).bins[:-1]
    check(&y, Method::Q6, 6, &[41.78, 55.7, 66.4, 73.4, 84.7], &[]);
    // mapclassify.StdMean(y, multiples=[-2, -1, 1, 2]).bins[:4]
    let central = Method::MeanSd {
        k: 1.0,
        central: true,
    };
    let want = [
        38.761391517149626,
        51.9901075232807,
        78.44753953554283,
        91.6762555416739,
    ];
    check(&y, central, 5, &want, &[]);
    // mapclassify.StdMean(y, multiples=[-1, 0, 1]).bins[:3]
    let around = Method::MeanSd {
        k: 1.0,
        central: false,
    };
    let want = [51.9901075232807, 65.21882352941176, 78.44753953554283];
    check(&y, around, 4, &want, &[]);
    // jenkspy.jenks_breaks(y, n_classes=5) = [.., 46.7, 61.2, 73.8, 86.7, ..] (upper
    // bounds, also mapclassify.FisherJenks(y, k=5).bins) → left-closed:
    check(&y, Method::NaturalBreaks, 5, &[50.3, 63.5, 75.0, 99.5], &[]);
    // Default number of classes: round(1 + 3.3·log10 85) = 7.
    assert_eq!(
        breaks(&y, &Method::Quantiles, None).unwrap().classes.len(),
        7
    );
}

#[test]
fn populations_match_mapclassify_and_jenkspy() {
    let y = populations();
    assert_eq!(y.len(), 34_875);
    // mapclassify.Quantiles(y, k=7).bins[:-1]
    check(
        &y,
        Method::Quantiles,
        7,
        &[126.0, 224.0, 358.0, 584.0, 1008.0, 2224.0],
        &[],
    );
    // mapclassify.Percentiles(y, pct=[5, 25, 50, 75, 95, 100]).bins[:-1]
    check(
        &y,
        Method::Q6,
        6,
        &[68.0, 198.0, 459.0, 1175.0, 6364.899999999987],
        &[],
    );
    // jenkspy.jenks_breaks(y, n_classes=7) = [.., 7780, 33162, 93963, 238246, 519127,
    // 886040, ..] (upper bounds) → left-closed:
    let want = [7786.0, 33464.0, 97783.0, 267991.0, 886040.0, 2103778.0];
    check(&y, Method::NaturalBreaks, 7, &want, &[]);
    // Same with n_classes=5 and n_classes=9 ("pop jenkspy left-closed k=5/k=9").
    let want = [19206.0, 103671.0, 514819.0, 2103778.0];
    check(&y, Method::NaturalBreaks, 5, &want, &[]);
    let want = [
        4356.0, 17644.0, 45102.0, 103671.0, 230890.0, 514819.0, 886040.0, 2103778.0,
    ];
    check(&y, Method::NaturalBreaks, 9, &want, &[]);
    // mapclassify.EqualInterval(y, k=7).bins[:-1] = [300539.71428571426,
    // 601079.4285714285, 901619.1428571427, 1202158.857142857, 1502698.5714285714,
    // 1803238.2857142857]: nothing between Marseille and Paris, 3 empty classes.
    let want = [300539.71428571426, 601079.4285714285, 901619.1428571427];
    let notice = "4 classes au lieu de 7 : seuil(s) 1\u{202F}202\u{202F}158,86, \
                  1\u{202F}502\u{202F}698,57, 1\u{202F}803\u{202F}238,29 laissant une \
                  classe vide, retiré(s)";
    check(&y, Method::EqualIntervals, 7, &want, &[notice]);
    // mapclassify.StdMean(y, multiples=[-2, -1, 1, 2]).bins[:4] = [-27986.782699391253,
    // -13013.451593423224, 16933.21061851283, 31906.541724480856]: below zero dropped.
    let central = Method::MeanSd {
        k: 1.0,
        central: true,
    };
    let notice = "3 classes au lieu de 5 : seuil(s) -27\u{202F}986,78, -13\u{202F}013,45 laissant une \
                  classe vide, retiré(s)";
    check(
        &y,
        central,
        5,
        &[16933.21061851283, 31906.541724480856],
        &[notice],
    );
    // mapclassify.StdMean(y, multiples=[-1, 0, 1]).bins[:3]
    let around = Method::MeanSd {
        k: 1.0,
        central: false,
    };
    let notice = "3 classes au lieu de 4 : seuil(s) -13\u{202F}013,45 laissant une classe \
                  vide, retiré(s)";
    check(
        &y,
        around,
        4,
        &[1959.8795125448028, 16933.21061851283],
        &[notice],
    );
    // round(1 + 3.3·log10 34 875) = 16, capped at 7.
    assert_eq!(
        breaks(&y, &Method::NaturalBreaks, None)
            .unwrap()
            .classes
            .len(),
        7
    );
}

#[test]
fn progressions() {
    let y = [1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0];
    let b = breaks(&y, &Method::Geometric, Some(3)).unwrap();
    assert_close(&values(&b), &[10.0, 100.0]);
    let y = [0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 60.0];
    let b = breaks(&y, &Method::Arithmetic, Some(3)).unwrap();
    assert_close(&values(&b), &[10.0, 30.0]);
    let err = breaks(&y, &Method::Geometric, Some(3)).unwrap_err();
    assert_eq!(
        err.message,
        "progression géométrique impossible : la plus petite valeur est 0,00"
    );
}

#[test]
fn default_number_of_classes() {
    assert_eq!(default_classes(85, 80), 7);
    assert_eq!(default_classes(34_875, 5_882), 7);
    assert_eq!(default_classes(10, 10), 4);
    assert_eq!(default_classes(4, 4), 3);
    assert_eq!(default_classes(5, 2), 2);
}

fn single_class(values_: &[f64], notices: &[&str]) {
    for method in [Method::Quantiles, Method::NaturalBreaks, Method::Q6] {
        let b = breaks(values_, &method, Some(4)).unwrap();
        assert_eq!(b.classes.len(), 1);
        assert_eq!(said(&b.notices), notices);
    }
}

#[test]
fn empty_all_equal_and_nan() {
    single_class(&[], &["aucune valeur à classer : une seule classe"]);
    single_class(
        &[3.0; 5],
        &["toutes les valeurs sont égales : une seule classe"],
    );
    single_class(
        &[f64::NAN, f64::NAN, f64::INFINITY],
        &[
            "3 valeur(s) manquante(s) ou infinie(s) ignorée(s)",
            "aucune valeur à classer : une seule classe",
        ],
    );
    let b = breaks(&[1.0, f64::NAN, 2.0, 3.0], &Method::Quantiles, Some(3)).unwrap();
    assert_eq!(b.classes.len(), 3);
    assert_eq!(
        said(&b.notices),
        ["1 valeur(s) manquante(s) ou infinie(s) ignorée(s)"]
    );
}

#[test]
fn fewer_distinct_values_than_classes() {
    let y = [1.0, 1.0, 2.0, 2.0, 3.0];
    for method in [
        Method::Quantiles,
        Method::EqualIntervals,
        Method::NaturalBreaks,
    ] {
        let b = breaks(&y, &method, Some(5)).unwrap();
        assert_eq!(
            b.notices[0].to_string(),
            "3 valeurs distinctes seulement : 3 classes au lieu de 5"
        );
    }
    let b = breaks(&y, &Method::NaturalBreaks, Some(5)).unwrap();
    assert_eq!(values(&b), [2.0, 3.0]);
}

#[test]
fn many_zeros() {
    // 80 % of zeros: the first quantiles are all 0, which would leave empty classes.
    let mut y = vec![0.0; 80];
    y.extend((1..=20).map(f64::from));
    let b = breaks(&y, &Method::Quantiles, Some(5)).unwrap();
    // The 80 % quantile interpolates between the last 0 and the first 1.
    assert_close(&values(&b), &[0.2]);
    assert_eq!(
        said(&b.notices),
        [
            "2 classes au lieu de 5 : seuils égaux fusionnés ; seuil(s) 0,00 laissant une classe vide, retiré(s)"
        ]
    );
    let b = breaks(&y, &Method::NaturalBreaks, Some(5)).unwrap();
    assert_eq!(b.classes.len(), 5);
    assert_eq!(b.classes.class_of(0.0), 0);
}

#[test]
fn method_specific_notices_and_errors() {
    let y: Vec<f64> = (0..100).map(f64::from).collect();
    let b = breaks(&y, &Method::Q6, Some(5)).unwrap();
    assert_eq!(b.classes.len(), 6);
    assert_eq!(said(&b.notices), ["la méthode Q6 fait toujours 6 classes"]);
    let b = breaks(
        &y,
        &Method::MeanSd {
            k: 0.5,
            central: true,
        },
        Some(6),
    )
    .unwrap();
    assert_eq!(b.classes.len(), 5);
    assert_eq!(
        said(&b.notices),
        ["moyenne et écart-type avec classe centrale : nombre de classes impair, 5 au lieu de 6"]
    );
    let e = breaks(
        &y,
        &Method::MeanSd {
            k: -1.0,
            central: true,
        },
        None,
    )
    .unwrap_err();
    assert_eq!(e.message, "écart de classe invalide : -1 écart(s)-type(s)");
    let e = breaks(&y, &Method::Quantiles, Some(0)).unwrap_err();
    assert_eq!(e.message, "nombre de classes nul");
}

#[test]
fn fixed_threshold_outside_the_values() {
    let national = Threshold {
        value: 160.0,
        name: Some("référence nationale".into()),
    };
    let fixed = Method::Fixed(vec![
        Threshold {
            value: 50.0,
            name: None,
        },
        national,
    ]);
    let y: Vec<f64> = (0..100).map(f64::from).collect();
    let b = breaks(&y, &fixed, None).unwrap();
    assert_eq!(values(&b), [50.0]);
    assert_eq!(
        said(&b.notices),
        [
            "2 classes au lieu de 3 : seuil(s) 160,00 (référence nationale) laissant une classe vide, retiré(s)"
        ]
    );
}

fn all_methods(fixed: Vec<f64>) -> Vec<Method> {
    vec![
        Method::Quantiles,
        Method::EqualIntervals,
        Method::NaturalBreaks,
        Method::Q6,
        Method::MeanSd {
            k: 1.0,
            central: true,
        },
        Method::MeanSd {
            k: 0.5,
            central: false,
        },
        Method::Geometric,
        Method::Arithmetic,
        Method::Fixed(
            fixed
                .into_iter()
                .map(|value| Threshold { value, name: None })
                .collect(),
        ),
    ]
}

/// Values with many ties (small integers) mixed with spread-out ones and NaN.
fn data() -> impl Strategy<Value = Vec<f64>> {
    let value = prop_oneof![
        (0u8..6).prop_map(f64::from),
        -1e6..1e6f64,
        1e-3..1e7f64,
        Just(f64::NAN),
    ];
    prop::collection::vec(value, 0..80)
}

/// Sum of squared deviations to the class means.
fn within_ssq(classes: &[Vec<f64>]) -> f64 {
    classes
        .iter()
        .map(|c| {
            let mean = c.iter().sum::<f64>() / c.len() as f64;
            c.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
        })
        .sum()
}

/// The smallest within-class sum of squares over every partition of the sorted
/// distinct `values` (with their ties) into `k` classes, by brute force.
fn brute_force(sorted: &[f64], k: usize) -> f64 {
    if k == 1 {
        return within_ssq(&[sorted.to_vec()]);
    }
    (1..sorted.len())
        .filter(|&i| sorted[i - 1] < sorted[i])
        .map(|i| within_ssq(&[sorted[..i].to_vec()]) + brute_force(&sorted[i..], k - 1))
        .fold(f64::INFINITY, f64::min)
}

proptest! {
    #[test]
    fn every_value_in_exactly_one_nonempty_class(
        y in data(),
        n in 1usize..10,
        fixed in prop::collection::vec(-1e6..1e6f64, 0..6),
    ) {
        let finite: Vec<f64> = y.iter().copied().filter(|v| v.is_finite()).collect();
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        for method in all_methods(fixed) {
            let b = match breaks(&y, &method, Some(n)) {
                Ok(b) => b,
                Err(e) => {
                    prop_assert!(method == Method::Geometric && min <= 0.0, "{e}");
                    continue;
                }
            };
            let t = values(&b);
            prop_assert!(t.windows(2).all(|w| w[0] < w[1]), "{method:?} {t:?}");
            let mut counts = vec![0usize; b.classes.len()];
            for &v in &finite {
                let k = b.classes.class_of(v);
                let lo = if k == 0 { f64::NEG_INFINITY } else { t[k - 1] };
                let hi = t.get(k).copied().unwrap_or(f64::INFINITY);
                prop_assert!(lo <= v && v < hi);
                counts[k] += 1;
            }
            if !finite.is_empty() {
                prop_assert!(counts.iter().all(|&c| c > 0), "{method:?} {t:?} {counts:?}");
            }
            let most = match &method {
                Method::Q6 => 6,
                Method::Fixed(f) => f.len() + 1,
                _ => n,
            };
            prop_assert!(b.classes.len() <= most);
        }
    }

    #[test]
    fn pooled_breaks_ignore_order(y in data(), cut in (0usize..80, 0usize..80), n in 1usize..8) {
        let (a, b) = (cut.0.min(cut.1).min(y.len()), cut.0.max(cut.1).min(y.len()));
        let (first, second, third) = (&y[..a], &y[a..b], &y[b..]);
        let reversed: Vec<f64> = second.iter().rev().copied().collect();
        for method in all_methods(vec![1.0, 3.0]) {
            let one = pooled(&[first, second, third], &method, Some(n));
            let other = pooled(&[third, first, &reversed], &method, Some(n));
            prop_assert_eq!(one, other);
        }
    }

    #[test]
    fn natural_breaks_are_optimal(
        y in prop::collection::vec((0u8..30).prop_map(f64::from), 1..11),
        k in 1usize..5,
    ) {
        let b = breaks(&y, &Method::NaturalBreaks, Some(k)).unwrap();
        let mut sorted = y.clone();
        sorted.sort_by(f64::total_cmp);
        let distinct = 1 + sorted.windows(2).filter(|w| w[0] < w[1]).count();
        prop_assert_eq!(b.classes.len(), k.min(distinct));
        let mut classes = vec![Vec::new(); b.classes.len()];
        for &v in &sorted {
            classes[b.classes.class_of(v)].push(v);
        }
        let best = brute_force(&sorted, b.classes.len());
        prop_assert!(within_ssq(&classes) <= best + 1e-9, "{classes:?} vs {best}");
    }
}

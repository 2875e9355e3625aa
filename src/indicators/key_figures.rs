//! The key figures a schéma states, as French sentences with their numbers: how many
//! territories pass a threshold (« 12 EPCI sur 20 (60 %) ont … »), and the share of a total
//! in the first N territories (« 55 % de … dans 3 EPCI : … »). The numbers are rounded as the
//! tables round them.

use super::Cell;
use super::filter::{Filter, ReferenceRows};
use super::model::{Indicator, Values};
use crate::error::Result;
use crate::format;
use crate::territory::{Level, Unit};

/// A threshold of a key figure: its value, and what it is (`None` for a plain number; the
/// name of a reference row, « Saône-et-Loire »).
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub name: Option<String>,
}

impl Threshold {
    /// « 70,6 », or « la valeur de « Saône-et-Loire » (70,6) » (no article to guess).
    pub fn said(&self, decimals: usize) -> String {
        let value = format::display(self.value, decimals);
        match &self.name {
            Some(name) => format!("la valeur de « {name} » ({value})"),
            None => value,
        }
    }
}

/// How many of `cells` lie in [`at_least` ; `below`[, said of the territories (`plural`, « EPCI »)
/// and the indicator (`label`): a value known between bounds counts when both bounds lie
/// in; one unknown (secret, missing, or bounds on both sides) is said apart.
pub fn passing(
    cells: &[Cell],
    at_least: Option<&Threshold>,
    below: Option<&Threshold>,
    plural: &str,
    label: &str,
    decimals: usize,
) -> String {
    let inside =
        |v: f64| at_least.is_none_or(|a| v >= a.value) && below.is_none_or(|b| v < b.value);
    let mut known = 0;
    let mut passing = 0;
    for cell in cells {
        if let Some((low, high)) = cell.bounds()
            && inside(low) == inside(high)
        {
            known += 1;
            passing += usize::from(inside(low));
        }
    }
    let range = match (at_least, below) {
        (Some(a), Some(b)) => format!(
            "d'au moins {} et inférieur à {}",
            a.said(decimals),
            b.said(decimals)
        ),
        (Some(a), None) => format!("supérieur ou égal à {}", a.said(decimals)),
        (None, Some(b)) => format!("inférieur à {}", b.said(decimals)),
        (None, None) => "connu".to_string(),
    };
    let share = match known {
        0 => String::new(),
        _ => format!(
            " ({} %)",
            format::display(100.0 * passing as f64 / known as f64, 0)
        ),
    };
    let unknown = cells.len() - known;
    let apart = match unknown {
        0 => String::new(),
        n => format!(
            " ; {n} sans valeur certaine (secrète, absente ou de part et d'autre d'une borne)"
        ),
    };
    let verb = if passing > 1 { "ont" } else { "a" };
    format!("{passing} {plural} sur {known}{share} {verb} un « {label} » {range}{apart}.")
}

/// The share `share` of the total of `label` in the `names` (the first of a list), said with
/// the number of territories: « 55 % de « Enfants » sont dans 3 EPCI : A, B et C. »
pub fn first(share: Cell, names: &[String], plural: &str, label: &str) -> String {
    let list = match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    };
    let share = match share {
        Cell::Value(v) => format!("{} %", format::display(v, 1)),
        other => other.table_label(1),
    };
    format!(
        "{share} de « {label} » dans {} {plural} : {list}.",
        names.len()
    )
}

/// A key figure of `[chiffres]`, said as a sentence.
#[derive(Debug)]
pub struct KeyFigure {
    pub name: String,
    pub kind: FigureKind,
}

#[derive(Debug)]
pub enum FigureKind {
    /// How many territories pass the filter, of how many.
    Passing(Filter),
    /// The share of the total of `stock` in the first `n` territories by `indicator`.
    First {
        indicator: usize,
        stock: usize,
        n: usize,
    },
}

impl KeyFigure {
    /// Its sentence over `units` of `level`, with the numbers of the tables.
    pub fn sentence(
        &self,
        indicators: &[Indicator],
        level: Level,
        units: &[Unit],
        values: &Values,
        references: &ReferenceRows,
    ) -> Result<String> {
        match &self.kind {
            FigureKind::Passing(filter) => {
                let i = filter.indicator;
                let what = format!("chiffre clé « {} »", self.name);
                let [at_least, below] = filter.thresholds(indicators, &what, values, references)?;
                Ok(passing(
                    values.of(i),
                    at_least.as_ref(),
                    below.as_ref(),
                    level.plural(),
                    &indicators[i].label,
                    indicators[i].decimals(),
                ))
            }
            FigureKind::First {
                indicator,
                stock,
                n,
            } => {
                // The first by the indicator, highest first, among those with a value.
                let shown = |u: usize| values.get(u, *indicator).shown();
                let mut order: Vec<usize> =
                    (0..units.len()).filter(|&u| shown(u).is_some()).collect();
                order.sort_by(|&a, &b| {
                    shown(b)
                        .unwrap_or(0.0)
                        .total_cmp(&shown(a).unwrap_or(0.0))
                        .then_with(|| units[a].code.cmp(&units[b].code))
                });
                order.truncate(*n);
                let sum = Cell::sum(order.iter().map(|&u| values.get(u, *stock)));
                let share = Cell::share(sum, values.total[*stock]);
                let names: Vec<String> = order.iter().map(|&u| units[u].name.clone()).collect();
                Ok(first(
                    share,
                    &names,
                    level.plural(),
                    &indicators[*stock].label,
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Missing, Secret, Value};

    #[test]
    fn a_count_of_territories_above_a_reference_and_those_without_a_certain_value() {
        let cells = [
            Value(80.0),
            Value(70.6),
            Value(50.0),
            Secret,
            Cell::between(60.0, 75.0),
            Missing,
        ];
        let reference = Threshold {
            value: 70.6,
            name: Some("Saône-et-Loire".into()),
        };
        // 80 and 70,6 are at least 70,6 (a class closed on the left), 50 is not; three unknown.
        assert_eq!(
            passing(
                &cells,
                Some(&reference),
                None,
                "EPCI",
                "Taux de couverture (%)",
                1
            ),
            "2 EPCI sur 3 (67 %) ont un « Taux de couverture (%) » supérieur ou égal à la valeur de « Saône-et-Loire » (70,6) ; 3 sans valeur certaine (secrète, absente ou de part et d'autre d'une borne)."
        );
        let below = Threshold {
            value: 60.0,
            name: None,
        };
        assert_eq!(
            passing(&cells[..3], None, Some(&below), "EPCI", "Taux", 1),
            "1 EPCI sur 3 (33 %) a un « Taux » inférieur à 60,0."
        );
    }

    #[test]
    fn the_share_of_the_first_territories() {
        let names = [
            "Mâcon".to_string(),
            "Chalon".to_string(),
            "Le Creusot".to_string(),
        ];
        assert_eq!(
            first(Value(55.04), &names, "EPCI", "Enfants de moins de 6 ans"),
            "55,0 % de « Enfants de moins de 6 ans » dans 3 EPCI : Mâcon, Chalon et Le Creusot."
        );
    }
}

//! The change of indicators over the years of a series (`[evolution]`): each territory's value
//! each year, its changes (a count in units and percent, a rate in points), the targets aimed
//! at and the gap to them, as a table, a line chart of the selection and small multiples.

use super::Cell;
use super::model::Indicator;
use crate::error::Place;
use crate::export::{Align, FigureFiles, MapFiles, OutTable};
use crate::format;
use crate::render::{Line, LineChart, LineMultiples, Target as ChartTarget};
use crate::territory::Unit;
use crate::territory::reference_area::ReferenceRow;

/// An indicator's value for each year, for every territory and the whole selection.
pub struct Series {
    /// Per unit (in units order), per year.
    pub units: Vec<Vec<Cell>>,
    /// The selection as a whole, per year.
    pub total: Vec<Cell>,
}

/// What an evolution shows, resolved from the query: every name an index.
#[derive(Debug)]
pub struct EvolutionShape {
    pub title: String,
    /// The years of the series, oldest first.
    pub years: Vec<u16>,
    /// The label of each indicator followed.
    pub labels: Vec<String>,
    /// The changes shown, as positions in `years`, each from a year to a later one.
    pub changes: Vec<(usize, usize)>,
    pub targets: Vec<Target>,
    pub references: Vec<ReferenceRow>,
    /// The indicator the line chart follows, and the one the small multiples follow.
    pub charted: usize,
    pub in_panels: usize,
    pub chart: Option<FigureFiles>,
    pub multiples: Option<FigureFiles>,
    pub map: Option<ChangeMap>,
    /// The files of the change table.
    pub outputs: Vec<String>,
}

/// The map of the first change of one indicator, in classes around 0.
#[derive(Debug)]
pub struct ChangeMap {
    pub indicator: usize,
    /// The class limits given; by default symmetric around 0.
    pub limits: Option<Vec<f64>>,
    /// Where the query names the indicator, for classes no palette can colour.
    pub place: Place,
    pub files: MapFiles,
}

/// A value aimed at for indicator `indicator` in year `year` (positions in the shape).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub indicator: usize,
    pub year: usize,
    /// The territory aimed at (its code); the whole selection without one.
    pub territory: Option<String>,
    pub aim: Aim,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Aim {
    Value(f64),
    /// A rise from the value of year `from` (a position in the years, before the target's).
    Rise {
        rise: f64,
        from: usize,
    },
}

impl Target {
    /// The value aimed at, from `values` (of the selection or of its territory) by year: as
    /// given, or the value of year `from` plus the rise (secret or bounded when that value is).
    pub fn value(&self, values: &[Cell]) -> Cell {
        match self.aim {
            Aim::Value(v) => Cell::Value(v),
            Aim::Rise { rise, from } => values[from] + Cell::Value(rise),
        }
    }
}

/// A count with the decimals it has (shares of a split commune).
fn count(c: Cell) -> String {
    match c {
        Cell::Value(v) => format::count(v),
        other => other.table_label(0),
    }
}

impl EvolutionShape {
    /// Code, territory, and for each indicator its value each year and its changes (a count
    /// in units and percent, a rate in points), for the territories some file covers; the
    /// whole selection (`total_name`), the reference rows, then the targets.
    pub fn change_table(
        &self,
        kinds: &[Indicator],
        units: &[Unit],
        series: &[Series],
        covered: &[bool],
        total_name: &str,
        references: &[(String, Vec<Vec<Cell>>)],
    ) -> OutTable {
        let years = &self.years;
        let mut headers = vec![
            ("Code".to_string(), Align::Left),
            ("Territoire".to_string(), Align::Left),
        ];
        for (label, kind) in self.labels.iter().zip(kinds) {
            for y in years {
                headers.push((format!("{label} {y}"), Align::Right));
            }
            for &(a, b) in &self.changes {
                let span = format!("{}-{}", years[a], years[b]);
                match kind.kind.is_count() {
                    true => {
                        headers.push((format!("{label} : évolution {span}"), Align::Right));
                        headers.push((format!("{label} : évolution {span} (%)"), Align::Right));
                    }
                    false => {
                        headers.push((format!("{label} : évolution {span} (points)"), Align::Right))
                    }
                }
            }
        }
        // A row: per indicator `k`, `values(k)` each year, then the changes.
        let row = |code: &str, name: &str, values: &dyn Fn(usize) -> Vec<Cell>| {
            let mut row = vec![code.to_string(), name.to_string()];
            for (k, kind) in kinds.iter().enumerate() {
                let v = values(k);
                match kind.kind.is_count() {
                    true => row.extend(v.iter().map(|c| count(*c))),
                    false => row.extend(v.iter().map(|c| c.table_label(1))),
                }
                for &(a, b) in &self.changes {
                    let (first, last) = (v[a], v[b]);
                    match kind.kind.is_count() {
                        true => {
                            row.push(count(last - first));
                            row.push(Cell::relative_change(first, last).table_label(1));
                        }
                        // A rate, recomputed or published, changes in points, never in percent.
                        _ => row.push((last - first).table_label(1)),
                    }
                }
            }
            row
        };
        let mut rows: Vec<Vec<String>> = units
            .iter()
            .enumerate()
            .filter(|(i, _)| covered[*i])
            .map(|(i, u)| row(&u.code, &u.name, &|k| series[k].units[i].clone()))
            .collect();
        rows.push(row("", total_name, &|k| series[k].total.clone()));
        for (name, cells) in references {
            rows.push(row("", name, &|k| cells[k].clone()));
        }
        rows.extend(self.target_rows(kinds, units, series, headers.len()));
        OutTable::from_rows(headers, rows)
    }

    /// The targets, in the column of their indicator and year: for the selection, then for
    /// each territory given one, a row of the values aimed at and a row of the gap to each.
    fn target_rows(
        &self,
        kinds: &[Indicator],
        units: &[Unit],
        series: &[Series],
        width: usize,
    ) -> Vec<Vec<String>> {
        // Each target's scope: the selection (`None`), or its territory's index among the units.
        let scope_of = |t: &Target| {
            t.territory
                .as_ref()
                .and_then(|code| units.iter().position(|u| &u.code == code))
        };
        // The selection first, then the territories in the order of the units.
        let mut scopes: Vec<Option<usize>> = self.targets.iter().map(scope_of).collect();
        scopes.sort();
        scopes.dedup();
        let mut rows = Vec::with_capacity(2 * scopes.len());
        for scope in scopes {
            let mut aimed = vec![String::new(); width];
            let mut gaps = vec![String::new(); width];
            let (code, suffix) = match scope.map(|u| &units[u]) {
                Some(unit) => (unit.code.clone(), format!(" : {}", unit.name)),
                None => (String::new(), String::new()),
            };
            aimed[0].clone_from(&code);
            gaps[0] = code;
            aimed[1] = format!("Cible{suffix}");
            gaps[1] = format!("Écart à la cible{suffix}");
            for t in self.targets.iter().filter(|t| scope_of(t) == scope) {
                let k = t.indicator;
                // The columns before indicator `k`: its years, then per change one column (a
                // rate) or two (a count, in units and in %).
                let before: usize = kinds[..k]
                    .iter()
                    .map(|kind| {
                        self.years.len()
                            + self.changes.len() * if kind.kind.is_count() { 2 } else { 1 }
                    })
                    .sum();
                let at = 2 + before + t.year;
                let values: &[Cell] = match scope {
                    Some(u) => &series[k].units[u],
                    None => &series[k].total,
                };
                let target = t.value(values);
                let label = |c: Cell| match kinds[k].kind.is_count() {
                    true => count(c),
                    false => c.table_label(1),
                };
                aimed[at] = label(target);
                gaps[at] = label(values[t.year] - target);
            }
            rows.push(aimed);
            rows.push(gaps);
        }
        rows
    }

    /// The line chart of the charted indicator: the selection, the references of each year,
    /// the targets of the selection (those of a territory are in the table only).
    pub fn line_chart(
        &self,
        chart: &FigureFiles,
        (kind, series, total_name): (&Indicator, &Series, &str),
        references: &[(String, Vec<Vec<Cell>>)],
    ) -> LineChart {
        let k = self.charted;
        let decimals = kind.decimals();
        let total = Line {
            label: total_name.to_string(),
            values: series.total.iter().map(|c| c.bounds()).collect(),
        };
        let references = references.iter().map(|(name, cells)| Line {
            label: name.clone(),
            values: cells[k].iter().map(|c| c.bounds()).collect(),
        });
        let targets = self
            .targets
            .iter()
            .filter(|t| t.indicator == k && t.territory.is_none())
            .filter_map(|t| {
                let value = t.value(&series.total).value()?;
                let year = self.years[t.year];
                let rise = match t.aim {
                    Aim::Rise { rise, from } => format!(
                        " ({}{} depuis {})",
                        if rise >= 0.0 { "+" } else { "" },
                        format::display(rise, decimals),
                        self.years[from]
                    ),
                    Aim::Value(_) => String::new(),
                };
                Some(ChartTarget {
                    year,
                    value,
                    label: format!("Cible {year} : {}{rise}", format::display(value, decimals)),
                })
            })
            .collect();
        LineChart {
            title: chart.title.clone(),
            subtitle: chart.subtitle.clone(),
            axis_title: self.labels[k].clone(),
            years: self.years.clone(),
            lines: std::iter::once(total).chain(references).collect(),
            targets,
            decimals,
            source: chart.source.clone(),
        }
    }

    /// A panel's title: the territory, and the years its value is secret or none (an empty
    /// panel says why).
    pub fn panel_title(&self, name: &str, values: &[Cell]) -> String {
        let secret: Vec<String> = self
            .years
            .iter()
            .zip(values)
            .filter(|(_, c)| matches!(c, Cell::Secret))
            .map(|(y, _)| y.to_string())
            .collect();
        match secret.len() {
            0 if values.iter().all(|c| c.bounds().is_none()) => format!("{name} (sans valeur)"),
            0 => name.to_string(),
            n if n == values.len() => format!("{name} (secret)"),
            _ => format!("{name} (secret : {})", secret.join(", ")),
        }
    }

    /// The small multiples of the indicator they follow: one panel per territory the files
    /// cover. A rate has the selection's line in each panel, for comparison; a count has none
    /// (the whole would flatten every territory's line).
    pub fn line_multiples(
        &self,
        sheet: &FigureFiles,
        panels: Vec<Line>,
        (kind, series, total_name): (&Indicator, &Series, &str),
    ) -> LineMultiples {
        let total: Vec<Option<(f64, f64)>> = series.total.iter().map(|c| c.bounds()).collect();
        let reference = match kind.kind.is_count() {
            // The selection's count dwarfs a territory's: no line for it.
            true => None,
            // A published rate has no total: no line to draw.
            false if total.iter().all(Option::is_none) => None,
            false => Some(Line {
                label: total_name.to_string(),
                values: total,
            }),
        };
        LineMultiples {
            title: sheet.title.clone(),
            subtitle: sheet.subtitle.clone(),
            axis_title: format!(
                "{}, une courbe par territoire, toutes à la même échelle",
                self.labels[self.in_panels]
            ),
            years: self.years.clone(),
            panels,
            reference,
            decimals: kind.decimals(),
            source: sheet.source.clone(),
        }
    }

    /// The legend title of the change map: the first change, in points for a rate.
    pub fn map_legend_title(&self, kind: &Indicator) -> String {
        let (a, b) = self.changes[0];
        let unit_word = match kind.kind.is_count() {
            true => "",
            false => " (points)",
        };
        format!("Évolution {}-{}{unit_word}", self.years[a], self.years[b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Cell::{Secret, Value};

    fn shape(targets: Vec<Target>) -> EvolutionShape {
        EvolutionShape {
            title: "Évolution".into(),
            years: vec![2020, 2022, 2024],
            labels: vec!["Enfants".into(), "Taux".into()],
            changes: vec![(0, 2)],
            targets,
            references: vec![],
            charted: 0,
            in_panels: 0,
            chart: None,
            multiples: None,
            map: None,
            outputs: vec![],
        }
    }

    fn kinds() -> Vec<Indicator> {
        vec![
            Indicator::test_stock("Enfants", "ENF"),
            Indicator::test_rate("Taux", "A", "B"),
        ]
    }

    #[test]
    fn a_count_changes_in_units_and_percent_a_rate_in_points_and_targets_say_their_gap() {
        let units = vec![Unit {
            code: "71".into(),
            name: "Saône-et-Loire".into(),
            departements: vec!["71".into()],
        }];
        let series = vec![
            Series {
                units: vec![vec![Value(100.0), Value(110.0), Value(120.0)]],
                total: vec![Value(100.0), Value(110.0), Value(120.0)],
            },
            Series {
                units: vec![vec![Value(50.0), Secret, Value(55.5)]],
                total: vec![Value(50.0), Secret, Value(55.5)],
            },
        ];
        let targets = vec![
            Target {
                indicator: 0,
                year: 2,
                territory: None,
                aim: Aim::Rise {
                    rise: 30.0,
                    from: 0,
                },
            },
            Target {
                indicator: 1,
                year: 2,
                territory: Some("71".into()),
                aim: Aim::Value(60.0),
            },
        ];
        let s = shape(targets);
        let t = s.change_table(&kinds(), &units, &series, &[true], "Ensemble", &[]);
        let headers: Vec<&str> = t.headers.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(
            headers,
            [
                "Code",
                "Territoire",
                "Enfants 2020",
                "Enfants 2022",
                "Enfants 2024",
                "Enfants : évolution 2020-2024",
                "Enfants : évolution 2020-2024 (%)",
                "Taux 2020",
                "Taux 2022",
                "Taux 2024",
                "Taux : évolution 2020-2024 (points)",
            ]
        );
        assert_eq!(t.row(0)[5..7], ["20", "20,0"]);
        assert_eq!(t.row(0)[8..], ["secret", "55,5", "5,5"]);
        // The selection's target: 100 in 2020 plus a rise of 30; 120 is 10 short of it.
        assert_eq!(t.row(2)[1], "Cible");
        assert_eq!(t.row(2)[4], "130");
        assert_eq!(t.row(3)[4], "-10");
        // The territory's target, in its rate's 2024 column.
        assert_eq!(t.row(4)[..2], ["71", "Cible : Saône-et-Loire"]);
        assert_eq!(t.row(4)[9], "60,0");
        assert_eq!(t.row(5)[9], "-4,5");
        assert_eq!(t.height(), 6);
    }

    #[test]
    fn a_panel_says_the_years_it_is_secret_or_has_no_value() {
        let s = shape(vec![]);
        assert_eq!(
            s.panel_title("Autun", &[Value(1.0), Secret, Value(2.0)]),
            "Autun (secret : 2022)"
        );
        assert_eq!(
            s.panel_title("Autun", &[Secret, Secret, Secret]),
            "Autun (secret)"
        );
        assert_eq!(
            s.panel_title("Autun", &[Cell::Missing; 3]),
            "Autun (sans valeur)"
        );
        assert_eq!(
            s.map_legend_title(&kinds()[1]),
            "Évolution 2020-2024 (points)"
        );
    }
}

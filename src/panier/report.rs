//! What a panier diagnostic says: the gaps of each EPCI, the share of EPCI covered by each
//! service year by year, the Markdown report and the chart of shares.

use std::collections::BTreeMap;

use super::norm::{Gap, Norm};
use super::{Counts, Panier, ServiceKind, Summary};
use crate::export::{Align, OutTable};
use crate::format;
use crate::indicators::Cell;
use crate::notice::Notice;
use crate::render::{Series, ShareChart};
use crate::territory::Unit;

/// A norm of the query and the population it applies to.
pub struct NormPopulation {
    pub norm: Norm,
    /// "enfants de moins de 6 ans".
    pub label: String,
    /// Per unit, in `units` order.
    pub values: Vec<Cell>,
}

/// A panier counted over the EPCI of a selection, year by year, before any output is written.
pub struct PanierDiagnostic {
    /// The title of the query, that of the report.
    pub title: String,
    pub panier: Panier,
    pub units: Vec<Unit>,
    /// The years asked, in order; the last is the year of the gap table and the map.
    pub years: Vec<u16>,
    /// Year → EPCI → counts.
    pub counts: BTreeMap<u16, BTreeMap<String, Counts>>,
    /// Kinds shown: the panier's, then the others present in the territory.
    pub kinds: Vec<ServiceKind>,
    pub summaries: Vec<Summary>,
    pub norms: Vec<NormPopulation>,
    /// Services of the inventory outside the territory: a line of text each.
    pub outside: Vec<String>,
}

impl PanierDiagnostic {
    /// The last year asked: that of the gap table and the map.
    pub fn year(&self) -> u16 {
        *self.years.last().expect("years are checked not empty")
    }

    /// The services of each kind of the EPCI `code` in `year`.
    pub fn counts_of(&self, year: u16, code: &str) -> Counts {
        self.counts
            .get(&year)
            .and_then(|c| c.get(code))
            .cloned()
            .unwrap_or_default()
    }
}

/// The gaps of each EPCI for the last year: its services, what it lacks, its norms;
/// EPCI lacking the most first.
pub fn gap_table(d: &PanierDiagnostic) -> OutTable {
    let year = d.year();
    let mut headers = vec![
        ("Code EPCI".to_string(), Align::Left),
        ("EPCI".to_string(), Align::Left),
        ("Département(s)".to_string(), Align::Left),
    ];
    headers.extend(
        d.kinds
            .iter()
            .map(|k| (format!("{} {year}", k.label()), Align::Right)),
    );
    headers.push((format!("Panier complet {year}"), Align::Left));
    headers.push((format!("Services manquants {year}"), Align::Left));
    headers.push(("Nombre de services manquants".to_string(), Align::Right));
    for y in &d.years[..d.years.len() - 1] {
        headers.push((format!("Panier complet {y}"), Align::Left));
    }
    for NormPopulation {
        norm,
        label: population,
        ..
    } in &d.norms
    {
        let label = norm.kind.label();
        headers.push((format::capitalise(population), Align::Right));
        let per = format::display(norm.per, 0);
        headers.push((format!("{label} théoriques (1 pour {per})"), Align::Right));
        headers.push((format!("{label} attendus selon la norme"), Align::Right));
        headers.push((format!("{label} manquants selon la norme"), Align::Right));
    }

    let mut rows: Vec<(usize, Vec<String>)> = d
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let counts = d.counts_of(year, &u.code);
            let missing = d.panier.missing(&counts);
            let mut departements = String::new();
            u.write_departements(&mut departements);
            let mut row = vec![u.code.clone(), u.name.clone(), departements];
            row.extend(
                d.kinds
                    .iter()
                    .map(|k| format::compact(counts.get(k).copied().unwrap_or(0.0))),
            );
            row.push(yes_no(missing.is_empty()));
            row.push(if missing.is_empty() {
                "aucun".to_string()
            } else {
                kind_list(&missing)
            });
            row.push(missing.len().to_string());
            for &y in &d.years[..d.years.len() - 1] {
                row.push(yes_no(
                    d.panier.missing(&d.counts_of(y, &u.code)).is_empty(),
                ));
            }
            for NormPopulation { norm, values, .. } in &d.norms {
                let existing = counts.get(&norm.kind).copied().unwrap_or(0.0);
                let Gap {
                    theoretical,
                    needed,
                    missing,
                } = norm.gap(values[i], existing);
                row.push(values[i].label(0));
                row.push(theoretical.label(2));
                row.push(number(needed));
                row.push(number(missing));
            }
            (missing.len(), row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1[0].cmp(&b.1[0])));
    OutTable::from_rows(headers, rows.into_iter().map(|(_, r)| r).collect())
}

/// Per service (and the whole panier), EPCI covered and their share, year by year.
pub fn share_table(d: &PanierDiagnostic) -> OutTable {
    let mut headers = vec![("Service".to_string(), Align::Left)];
    for s in &d.summaries {
        headers.push((format!("EPCI couverts {}", s.year), Align::Right));
        headers.push((format!("Part des EPCI {} (%)", s.year), Align::Right));
    }
    let mut rows = Vec::new();
    let mut row = vec![format!("Panier complet ({})", kind_list(&panier_kinds(d)))];
    for s in &d.summaries {
        row.push(s.complete.to_string());
        row.push(format::decimal(s.share(s.complete), 1));
    }
    rows.push(row);
    for (i, k) in d.kinds.iter().enumerate() {
        let mut row = vec![k.label().to_string()];
        for s in &d.summaries {
            let n = s.covered[i].1;
            row.push(n.to_string());
            row.push(format::decimal(s.share(n), 1));
        }
        rows.push(row);
    }
    OutTable::from_rows(headers, rows)
}

/// The report: what the panier is, how many EPCI have it year by year, the shares per
/// service, the gap table, the services outside the territory, and the notes.
pub fn markdown(
    d: &PanierDiagnostic,
    gaps: &OutTable,
    shares: &OutTable,
    notices: &[Notice],
) -> String {
    let mut md = format!("# {}\n\n", d.title);
    let requirements: Vec<String> = d
        .panier
        .requirements
        .iter()
        .map(|r| {
            if r.minimum == 1.0 {
                r.kind.label().to_string()
            } else {
                format!(
                    "{} (au moins {})",
                    r.kind.label(),
                    format::compact(r.minimum)
                )
            }
        })
        .collect();
    md.push_str(&format!(
        "Panier de services parentalité : au moins un service de chaque type parmi {}.\n\n",
        requirements.join(", ")
    ));
    let last = d.summaries.last().expect("years are checked not empty");
    let mut sentence = format!(
        "En {}, {} EPCI sur {} ont un panier complet ({})",
        last.year,
        last.complete,
        last.territories,
        format::percent(last.share(last.complete) / 100.0)
    );
    for s in d.summaries.iter().rev().skip(1) {
        sentence.push_str(&format!(
            ", contre {} ({}) en {}",
            s.complete,
            format::percent(s.share(s.complete) / 100.0),
            s.year
        ));
    }
    md.push_str(&sentence);
    md.push_str(".\n\n");
    md.push_str(&shares.to_markdown(Some("Part des EPCI couverts par service")));
    md.push('\n');
    md.push_str(&gaps.to_markdown(Some(&format!("Panier par EPCI en {}", d.year()))));
    if !d.outside.is_empty() {
        md.push_str("\n## Services hors du territoire (non comptés)\n\n");
        for line in &d.outside {
            md.push_str(&format!("- {line}\n"));
        }
    }
    md.push_str(&crate::export::markdown_notes(notices));
    md
}

/// The chart of the share of EPCI covered, per service and year.
pub fn share_chart(
    d: &PanierDiagnostic,
    (title, subtitle, source): (&str, Option<&str>, &str),
) -> ShareChart {
    let mut categories: Vec<String> = d.kinds.iter().map(|k| k.label().to_string()).collect();
    categories.push("Panier complet".to_string());
    ShareChart {
        title: title.to_string(),
        subtitle: subtitle.map(str::to_string),
        categories,
        series: d
            .summaries
            .iter()
            .map(|s| Series {
                label: s.year.to_string(),
                shares: s
                    .covered
                    .iter()
                    .map(|(_, n)| s.share(*n))
                    .chain(std::iter::once(s.share(s.complete)))
                    .collect(),
            })
            .collect(),
        axis_title: format!("Part des {} EPCI couverts (%)", d.units.len()),
        source: source.to_string(),
    }
}

fn panier_kinds(d: &PanierDiagnostic) -> Vec<ServiceKind> {
    d.panier.requirements.iter().map(|r| r.kind).collect()
}

pub fn kind_list(kinds: &[ServiceKind]) -> String {
    kinds
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(b: bool) -> String {
    if b { "oui" } else { "non" }.to_string()
}

/// A count of services: whole, or with a decimal for part-time animators.
fn number(c: Cell) -> String {
    match c {
        Cell::Value(v) => format::compact(v),
        other => other.label(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panier::Requirement;
    use ServiceKind::{Clas, Laep};

    /// Two EPCI over two years: the first has both services in 2022 only, the second a Laep.
    fn diagnostic() -> PanierDiagnostic {
        let panier = Panier {
            requirements: [Laep, Clas]
                .map(|kind| Requirement { kind, minimum: 1.0 })
                .to_vec(),
        };
        let unit = |code: &str, name: &str| Unit {
            code: code.to_string(),
            name: name.to_string(),
            departements: vec!["63".to_string()],
        };
        let units = vec![unit("200000001", "CC Un"), unit("200000002", "CC Deux")];
        let counts: BTreeMap<u16, BTreeMap<String, Counts>> = [
            (2019, [("200000001", vec![(Laep, 1.0)])]),
            (2022, [("200000001", vec![(Laep, 1.0), (Clas, 2.0)])]),
        ]
        .into_iter()
        .map(|(year, epci)| {
            let mut by_code: BTreeMap<String, Counts> = epci
                .into_iter()
                .map(|(code, c)| (code.to_string(), c.into_iter().collect()))
                .collect();
            by_code.insert("200000002".to_string(), [(Laep, 1.0)].into_iter().collect());
            (year, by_code)
        })
        .collect();
        let kinds = vec![Laep, Clas];
        let codes = ["200000001", "200000002"];
        let summaries = [2019, 2022]
            .map(|y| Summary::new(&panier, y, &codes, &counts[&y], &kinds))
            .to_vec();
        PanierDiagnostic {
            title: "Panier".to_string(),
            panier,
            units,
            years: vec![2019, 2022],
            counts,
            kinds,
            summaries,
            norms: Vec::new(),
            outside: Vec::new(),
        }
    }

    #[test]
    fn the_gaps_put_the_epci_lacking_most_first_and_the_shares_count_each_year() {
        let d = diagnostic();
        let gaps = gap_table(&d);
        let row = |i: usize| gaps.row(i).join(";");
        // CC Deux lacks the Clas in 2022: first; CC Un has the whole panier in 2022, not in 2019.
        assert_eq!(row(0), "200000002;CC Deux;63;1;0;non;Clas;1;non");
        assert!(
            row(1).starts_with("200000001;CC Un;63;1;2;oui;aucun;0;non"),
            "{}",
            row(1)
        );
        let shares = share_table(&d);
        assert_eq!(shares.row(0)[1..], ["0", "0,0", "1", "50,0"]);
        let md = markdown(&d, &gaps, &shares, &[]);
        assert!(
            md.contains(
                "En 2022, 1 EPCI sur 2 ont un panier complet (50,0\u{a0}%), contre 0 (0,0\u{a0}%) en 2019."
            ),
            "{md}"
        );
    }
}

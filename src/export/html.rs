//! The diagnostic report as one self-contained HTML file: French, printable on A4, maps
//! and charts inline (SVG), tables, notices and sources; nothing loaded from elsewhere.

use std::fmt::Write;

use super::table::{Align, OutTable};
use crate::format::escape_markup as escape;

/// A figure or a table, under its title.
#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    Figure { title: String, svg: String },
    Table { title: String, table: OutTable },
}

/// What one query gave to the report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Part {
    pub title: String,
    /// The query file, so the reader can re-run it.
    pub query: String,
    pub sections: Vec<Section>,
    pub notices: Vec<String>,
    /// The files read and what they are.
    pub sources: Vec<String>,
}

/// The whole report of one territory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportDoc {
    pub title: String,
    pub subtitle: String,
    pub parts: Vec<Part>,
    /// Queries that failed, with why: the report says what it lacks.
    pub errors: Vec<String>,
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #1a1a1a; max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.4em; border-bottom: 2px solid #3182bd; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
.sous-titre { color: #444; margin-top: 0; }
.requete { color: #555; font-size: 0.9em; }
figure { margin: 1em 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #444; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top; }
th { background: #eef3f8; text-align: left; }
td.nombre { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.notes li, .sources li { font-size: 0.85em; }
.erreurs { border: 2px solid #d94701; padding: 0.5em 1em; }
@page { size: A4; margin: 14mm; }
@media print { body { max-width: none; margin: 0; } section > h2 { break-before: page; } }
";

/// The report as an HTML document; the same report gives the same bytes.
pub fn report_html(doc: &ReportDoc) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
    );
    escape(&mut out, &doc.title);
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>");
    escape(&mut out, &doc.title);
    out.push_str("</h1>\n<p class=\"sous-titre\">");
    escape(&mut out, &doc.subtitle);
    out.push_str("</p>\n");
    if !doc.errors.is_empty() {
        out.push_str("<div class=\"erreurs\">\n<p><strong>Parties manquantes : ces requêtes ont échoué.</strong></p>\n<ul>\n");
        for e in &doc.errors {
            out.push_str("<li>");
            escape(&mut out, e);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n</div>\n");
    }
    out.push_str("<nav>\n<h2>Sommaire</h2>\n<ol>\n");
    for (i, part) in doc.parts.iter().enumerate() {
        let _ = write!(out, "<li><a href=\"#partie-{}\">", i + 1);
        escape(&mut out, &part.title);
        out.push_str("</a></li>\n");
    }
    out.push_str("</ol>\n</nav>\n");
    for (i, part) in doc.parts.iter().enumerate() {
        write_part(&mut out, i + 1, part);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn write_part(out: &mut String, n: usize, part: &Part) {
    let _ = write!(out, "<section id=\"partie-{n}\">\n<h2>{n}. ");
    escape(out, &part.title);
    out.push_str("</h2>\n<p class=\"requete\">Requête : <code>");
    escape(out, &part.query);
    out.push_str("</code></p>\n");
    for section in &part.sections {
        match section {
            Section::Figure { title, svg } => {
                out.push_str("<figure>\n");
                // Our SVG documents, inline: the XML declaration-free root element.
                out.push_str(svg.trim());
                out.push_str("\n<figcaption>");
                escape(out, title);
                out.push_str("</figcaption>\n</figure>\n");
            }
            Section::Table { title, table } => {
                out.push_str("<h3>");
                escape(out, title);
                out.push_str("</h3>\n");
                write_table(out, table);
            }
        }
    }
    list(out, "Notes", "notes", &part.notices);
    list(out, "Sources", "sources", &part.sources);
    out.push_str("</section>\n");
}

fn list(out: &mut String, title: &str, class: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "<h3>{title}</h3>\n<ul class=\"{class}\">\n");
    for item in items {
        out.push_str("<li>");
        escape(out, item);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn write_table(out: &mut String, table: &OutTable) {
    out.push_str("<table>\n<thead><tr>");
    for (h, _) in &table.headers {
        out.push_str("<th>");
        escape(out, h);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in 0..table.height() {
        out.push_str("<tr>");
        for (cell, (_, align)) in table.row(r).into_iter().zip(&table.headers) {
            out.push_str(match align {
                Align::Right => "<td class=\"nombre\">",
                Align::Left => "<td>",
            });
            escape(out, cell);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> ReportDoc {
        ReportDoc {
            title: "Diagnostic <Puy-de-Dôme>".into(),
            subtitle: "COG 2026".into(),
            parts: vec![Part {
                title: "Taux de couverture".into(),
                query: "queries/couverture.toml".into(),
                sections: vec![
                    Section::Figure {
                        title: "Carte".into(),
                        svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n".into(),
                    },
                    Section::Table {
                        title: "Liste".into(),
                        table: OutTable::from_rows(
                            vec![("EPCI".into(), Align::Left), ("Taux".into(), Align::Right)],
                            vec![vec!["Billom & co".into(), "53,9".into()]],
                        ),
                    },
                ],
                notices: vec!["1 code inconnu".into()],
                sources: vec!["data/caf/txcouv.csv".into()],
            }],
            errors: vec!["queries/x.toml : fichier introuvable".into()],
        }
    }

    #[test]
    fn one_document_with_everything_escaped() {
        let html = report_html(&doc());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
        assert!(html.contains("<h1>Diagnostic &lt;Puy-de-Dôme&gt;</h1>"));
        assert!(html.contains("<figure>\n<svg xmlns"));
        assert!(html.contains("<td>Billom &amp; co</td><td class=\"nombre\">53,9</td>"));
        assert!(html.contains("Parties manquantes"));
        assert!(html.contains("<li>1 code inconnu</li>"));
        // Self-contained: nothing fetched.
        assert!(!html.contains("src=\"http") && !html.contains("<link"));
        assert_eq!(html, report_html(&doc()));
    }
}

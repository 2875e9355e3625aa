//! Writes a figure or a table to every file of its `sorties`, each in the format its name says
//! (the plan has checked every name against the kind of output).

use std::path::{Path, PathBuf};

use super::{OutTable, OutputFormat, OutputKind, Section, write_atomic};
use crate::error::Result;
use crate::render;

/// A chart or a map as the query asks it: its texts and the files it is written to.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureFiles {
    pub title: String,
    pub subtitle: Option<String>,
    pub source: String,
    pub outputs: Vec<String>,
    pub png_width: u32,
    pub dpi: u32,
}

impl FigureFiles {
    /// Writes `svg` (the chart drawn) to its SVG and PNG files: the files, and the report's figure.
    pub fn write(&self, svg: String, out_dir: &Path) -> Result<(Vec<PathBuf>, Section)> {
        let paths = Picture {
            svg: &svg,
            png: &|| render::svg_to_png(&svg, self.png_width),
            dpi: self.dpi,
        }
        .write_all(&self.outputs, out_dir)?;
        Ok((
            paths,
            Section::Figure {
                title: self.title.clone(),
                svg,
            },
        ))
    }
}

/// A map of named classes as the query asks it: its texts and files, and whether its
/// territories are named on it.
#[derive(Debug, Clone, PartialEq)]
pub struct MapFiles {
    pub figure: FigureFiles,
    pub labels: bool,
}

/// A figure ready to be written: its SVG, and how to make its PNG (only when asked).
pub struct Picture<'a> {
    pub svg: &'a str,
    pub png: &'a dyn Fn() -> Result<Vec<u8>>,
    /// The resolution recorded in the PNG (its printed size in a document).
    pub dpi: u32,
}

impl Picture<'_> {
    /// Writes the figure to `path` as an SVG or a PNG.
    pub fn write(&self, path: &Path, format: OutputFormat) -> Result<()> {
        match format {
            OutputFormat::Svg => write_atomic(path, self.svg.as_bytes()),
            OutputFormat::Png => write_atomic(path, &render::with_dpi(&(self.png)()?, self.dpi)?),
            other => unreachable!("{other:?} is not a figure: the plan checks output names"),
        }
    }

    /// Writes the figure to each of `names` under `out_dir` (SVG and PNG only).
    pub fn write_all(&self, names: &[String], out_dir: &Path) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for name in names {
            let path = out_dir.join(name);
            self.write(&path, OutputFormat::of_planned(name, OutputKind::Figure))?;
            written.push(path);
        }
        Ok(written)
    }
}

impl OutTable {
    /// Writes the table to each of `names` under `out_dir`: `.csv` for French Excel, `.xlsx`
    /// (sheet `sheet`), `.md` as `markdown` makes it.
    pub fn write_all(
        &self,
        names: &[String],
        out_dir: &Path,
        sheet: &str,
        markdown: &dyn Fn() -> String,
    ) -> Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for name in names {
            let path = out_dir.join(name);
            let bytes = match OutputFormat::of_planned(name, OutputKind::Table) {
                OutputFormat::Csv => self.to_csv(),
                OutputFormat::Xlsx => self.to_xlsx(sheet)?,
                OutputFormat::Markdown => markdown().into_bytes(),
                other => {
                    unreachable!("{other:?} is not a table format: the plan checks output names")
                }
            };
            write_atomic(&path, &bytes)?;
            written.push(path);
        }
        Ok(written)
    }
}

/// The notices at the end of a Markdown output, said in French (nothing when there are none).
pub fn markdown_notes<N: std::fmt::Display>(notices: &[N]) -> String {
    if notices.is_empty() {
        return String::new();
    }
    let mut md = String::from("\nNotes :\n\n");
    for n in notices {
        md.push_str(&format!("- {n}\n"));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Align;

    #[test]
    fn a_table_is_written_in_the_format_of_each_name_and_notes_end_its_markdown() {
        let dir = tempfile::tempdir().unwrap();
        let table = OutTable::from_rows(
            vec![("Taux (%)".to_string(), Align::Right)],
            vec![vec!["12,5".to_string()]],
        );
        let notes = markdown_notes(&["une note".to_string()]);
        assert_eq!(notes, "\nNotes :\n\n- une note\n");
        assert_eq!(markdown_notes::<String>(&[]), "");
        let names = ["t.csv".to_string(), "t.md".to_string()];
        let written = table
            .write_all(&names, dir.path(), "Feuille", &|| format!("# t\n{notes}"))
            .unwrap();
        assert_eq!(written, [dir.path().join("t.csv"), dir.path().join("t.md")]);
        let md = std::fs::read_to_string(dir.path().join("t.md")).unwrap();
        assert_eq!(md, format!("# t\n{notes}"));
        assert_eq!(
            std::fs::read(dir.path().join("t.csv")).unwrap(),
            table.to_csv()
        );
    }
}

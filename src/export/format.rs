//! The formats diagterr writes, known by the extension of the output's name: one list that
//! the plan checks against, the writers match on, and the error messages quote.

use std::path::{Path, PathBuf};

/// A format of output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Svg,
    Png,
    GeoJson,
    /// Five files: `.shp`, `.shx`, `.dbf`, `.prj`, `.cpg`.
    Shapefile,
    GeoPackage,
    /// For French Excel: `;`, decimal comma, BOM.
    Csv,
    Xlsx,
    Markdown,
}

/// What an output key writes, and so the formats it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A figure: a chart, or a map drawn only.
    Figure,
    /// The choropleth of `[carte]`: drawn, or its classified territories as a GIS layer.
    MapWithLayers,
    Table,
}

impl OutputKind {
    /// The formats of this kind, in the order the messages list them.
    pub fn formats(self) -> &'static [OutputFormat] {
        use OutputFormat::*;
        match self {
            OutputKind::Figure => &[Svg, Png],
            OutputKind::MapWithLayers => &[Svg, Png, GeoJson, Shapefile, GeoPackage],
            OutputKind::Table => &[Csv, Xlsx, Markdown],
        }
    }

    /// « .svg, .png », for messages.
    pub fn extensions(self) -> String {
        self.formats()
            .iter()
            .map(|f| format!(".{}", f.extension()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The format of `name` if this kind writes it.
    pub fn format_of(self, name: &str) -> Option<OutputFormat> {
        OutputFormat::of(name).filter(|f| self.formats().contains(f))
    }
}

impl OutputFormat {
    const ALL: [OutputFormat; 8] = [
        OutputFormat::Svg,
        OutputFormat::Png,
        OutputFormat::GeoJson,
        OutputFormat::Shapefile,
        OutputFormat::GeoPackage,
        OutputFormat::Csv,
        OutputFormat::Xlsx,
        OutputFormat::Markdown,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Svg => "svg",
            OutputFormat::Png => "png",
            OutputFormat::GeoJson => "geojson",
            OutputFormat::Shapefile => "shp",
            OutputFormat::GeoPackage => "gpkg",
            OutputFormat::Csv => "csv",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Markdown => "md",
        }
    }

    /// The format named by the extension of `name`, in any case (`carte.PNG` is a PNG).
    pub fn of(name: &str) -> Option<OutputFormat> {
        let extension = Path::new(name).extension()?.to_str()?;
        Self::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(extension))
    }

    /// The format of an output whose name the plan has checked (see [`OutputKind::format_of`]).
    pub fn of_planned(name: &str, kind: OutputKind) -> OutputFormat {
        kind.format_of(name)
            .expect("output names are checked against their kind when the outputs are planned")
    }

    /// The files that writing `path` in this format creates: a Shapefile is five files.
    pub fn files(self, path: &Path) -> Vec<PathBuf> {
        match self {
            OutputFormat::Shapefile => ["shp", "shx", "dbf", "prj", "cpg"]
                .iter()
                .map(|e| path.with_extension(e))
                .collect(),
            _ => vec![path.to_path_buf()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_is_known_by_its_extension_in_any_case() {
        assert_eq!(OutputFormat::of("63/carte.PNG"), Some(OutputFormat::Png));
        assert_eq!(OutputFormat::of("liste.md"), Some(OutputFormat::Markdown));
        assert_eq!(OutputFormat::of("carte.pdf"), None);
        assert_eq!(OutputFormat::of("sans-extension"), None);
        for f in OutputFormat::ALL {
            assert_eq!(OutputFormat::of(&format!("x.{}", f.extension())), Some(f));
        }
    }

    #[test]
    fn each_kind_accepts_its_formats_and_lists_them() {
        assert_eq!(OutputKind::Figure.format_of("a.geojson"), None);
        assert_eq!(
            OutputKind::MapWithLayers.format_of("a.gpkg"),
            Some(OutputFormat::GeoPackage)
        );
        assert_eq!(OutputKind::Table.format_of("a.svg"), None);
        assert_eq!(OutputKind::Table.extensions(), ".csv, .xlsx, .md");
    }

    #[test]
    fn a_shapefile_is_five_files() {
        let files = OutputFormat::Shapefile.files(Path::new("out/a.shp"));
        assert_eq!(files.len(), 5);
        assert!(files.contains(&PathBuf::from("out/a.dbf")));
        assert_eq!(OutputFormat::Csv.files(Path::new("out/a.csv")).len(), 1);
    }
}

//! Writing results: tables for French Excel (CSV) and for documents (Markdown),
//! classified territories as GeoJSON, Shapefile and GeoPackage; always whole or not at all.

pub mod atomic;
pub mod features;
mod format;
pub mod geojson;
pub mod geopackage;
mod html;
mod outputs;
pub mod shapefile;
pub mod table;
pub mod xlsx;

pub use atomic::{lock_folder, recover, write_atomic, write_atomic_group};
pub use features::{AttrValue, ExportFeature};
pub use format::{OutputFormat, OutputKind};
pub use geojson::write_geojson;
pub use geopackage::write_geopackage;
pub use html::{Part, ReportDoc, Section, report_html};
pub use outputs::{FigureFiles, MapFiles, Picture, markdown_notes};
pub use shapefile::write_shapefile;
pub use table::{Align, OutTable, TextColumn};
pub use xlsx::workbook;

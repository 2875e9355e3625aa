//! Writing results: tables for French Excel (CSV) and for documents (Markdown),
//! classified territories as GeoJSON and Shapefile; always whole or not at all.

pub mod atomic;
pub mod features;
pub mod geojson;
pub mod shapefile;
pub mod table;
pub mod xlsx;

pub use atomic::write_atomic;
pub use features::{AttrValue, ExportFeature};
pub use geojson::write_geojson;
pub use shapefile::write_shapefile;
pub use table::{Align, OutTable};

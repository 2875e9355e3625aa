//! Writing results: tables for French Excel (CSV) and for documents (Markdown),
//! always whole or not at all.

pub mod atomic;
pub mod table;

pub use atomic::write_atomic;
pub use table::{Align, OutTable};

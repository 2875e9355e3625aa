//! Any text as a query file: parsed, checked, and every error said with its line.
#![no_main]

use std::path::Path;

use diagterr::query::{Diagnostic, Query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if Diagnostic::is_diagnostic(&text) {
        let _ = Diagnostic::parse(Path::new("fuzz.toml"), text);
    } else {
        let _ = Query::parse(Path::new("fuzz.toml"), text);
    }
});

//! A query that panics (a bug of diagterr) fails alone: the panic becomes the error of
//! that query, said in French, and the other queries of the run go on.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};

use crate::error::{Error, ErrorKind, Result};

thread_local! {
    /// Inside [`guarded`] on this thread: its panics are reported as the query's error.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
    /// Where the last panic of this thread happened, for the error.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces Rust's English panic message: a guarded panic is kept for its query's error,
/// any other is said in French.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let what = describe(info.payload());
        let place = info
            .location()
            .map_or(String::new(), |l| format!(" ({}:{})", l.file(), l.line()));
        let said = format!("{what}{place}");
        if GUARDED.get() {
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(said));
        } else {
            eprintln!(
                "erreur interne de diagterr : {said}\n  → signalez-la aux développeurs avec la requête et les fichiers utilisés"
            );
        }
    }));
}

/// `work`, with a panic turned into an error.
pub(crate) fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    let was = GUARDED.replace(true);
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    GUARDED.set(was);
    result.unwrap_or_else(|payload| {
        let said = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| describe(payload.as_ref()));
        Err(Error::new(format!("erreur interne de diagterr : {said}"))
            .kind(ErrorKind::Internal)
            .hint("la requête n'a rien écrit de plus ; signalez l'erreur aux développeurs avec la requête et ses fichiers"))
    })
}

fn describe(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panique".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_the_next_work_runs() {
        let failed: Result<()> = guarded(|| panic!("indice hors limites"));
        let e = failed.unwrap_err();
        assert!(e.to_string().contains("erreur interne de diagterr"), "{e}");
        assert!(e.to_string().contains("indice hors limites"), "{e}");
        assert_eq!(guarded(|| Ok(2)), Ok(2));
    }
}

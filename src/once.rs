//! What is read from files once per process: a batch of queries over the same
//! COG and the same yearly files reads and prepares each of them once. A selection of
//! territories keeps in the same way what the queries sharing it compute alike.
//!
//! A value is keyed by its type, the files it comes from (with their size and
//! modification time, so a file rewritten between two runs of a test is read
//! again) and a variant (e.g. the layout a table was read with). Two threads
//! asking for the same value at once wait for one load, not two.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use crate::error::Result;

type Stamp = Option<(u64, SystemTime)>;

#[derive(PartialEq, Eq, Hash)]
struct Key {
    kind: TypeId,
    files: Vec<(PathBuf, Stamp)>,
    variant: String,
}

type Slot = Arc<Mutex<Option<Arc<dyn Any + Send + Sync>>>>;

/// Values kept by their files and variant: the process's (see [`per_files`]), or those of
/// one selection of territories, which the queries sharing it share.
#[derive(Default)]
pub struct Memo(Mutex<HashMap<Key, Slot>>);

impl Memo {
    /// `load()`, or its value kept from an earlier call with the same files unchanged
    /// and the same `variant`. A failed load is not kept: the next call tries again.
    pub fn per_files<V: Any + Send + Sync>(
        &self,
        files: &[&Path],
        variant: &str,
        load: impl FnOnce() -> Result<V>,
    ) -> Result<Arc<V>> {
        let stamp = |p: &Path| {
            std::fs::metadata(p)
                .and_then(|m| Ok((m.len(), m.modified()?)))
                .ok()
        };
        let key = Key {
            kind: TypeId::of::<V>(),
            files: files.iter().map(|f| (f.to_path_buf(), stamp(f))).collect(),
            variant: variant.to_string(),
        };
        let slot = Arc::clone(
            self.0
                .lock()
                .expect("no panic while holding it")
                .entry(key)
                .or_default(),
        );
        // Held while loading: another thread asking for the same value waits for it.
        let mut held = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(value) = held.as_ref() {
            return Ok(Arc::clone(value)
                .downcast::<V>()
                .expect("the key holds the type"));
        }
        let value = Arc::new(load()?);
        *held = Some(Arc::clone(&value) as Arc<dyn Any + Send + Sync>);
        Ok(value)
    }
}

/// `load()`, or its value kept by the process from an earlier call with the same files
/// unchanged and the same `variant` (see [`Memo::per_files`]).
pub fn per_files<V: Any + Send + Sync>(
    files: &[&Path],
    variant: &str,
    load: impl FnOnce() -> Result<V>,
) -> Result<Arc<V>> {
    static PROCESS: OnceLock<Memo> = OnceLock::new();
    PROCESS
        .get_or_init(Memo::default)
        .per_files(files, variant, load)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn loads_once_per_unchanged_file_and_variant() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "x\n1\n").unwrap();
        let loads = AtomicUsize::new(0);
        let load = |v: u32| {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok(v)
        };
        assert_eq!(*per_files(&[&file], "", || load(1)).unwrap(), 1);
        assert_eq!(*per_files(&[&file], "", || load(2)).unwrap(), 1);
        assert_eq!(*per_files(&[&file], "autre", || load(3)).unwrap(), 3);
        assert_eq!(loads.load(Ordering::SeqCst), 2);
        std::fs::write(&file, "x\n1\n2\n").unwrap(); // rewritten: read again
        assert_eq!(*per_files(&[&file], "", || load(4)).unwrap(), 4);
    }

    #[test]
    fn a_failed_load_is_tried_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.csv");
        std::fs::write(&file, "x\n").unwrap();
        let failed: Result<Arc<u8>> =
            per_files(&[&file], "", || Err(crate::Error::new("illisible")));
        assert!(failed.is_err());
        assert_eq!(*per_files(&[&file], "", || Ok(7u8)).unwrap(), 7);
    }

    #[test]
    fn threads_asking_at_once_share_one_load() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.csv");
        std::fs::write(&file, "x\n").unwrap();
        let loads = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    per_files(&[&file], "", || {
                        loads.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        Ok(String::from("x"))
                    })
                    .unwrap()
                });
            }
        });
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }
}

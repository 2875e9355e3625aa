//! Outputs are written to a temporary file beside the target and renamed, so an
//! interrupted run never leaves half a file. A file made of parts (a Shapefile's `.shp`,
//! `.shx`, `.dbf`…) is written as a group: every part to its temporary file first, then a
//! journal naming them, then the renames. A run killed during the renames leaves the
//! journal, and the next run finishes them before anything else, so the parts are never
//! mixed from two runs. Temporary names are unique to the process and the write, so two
//! runs never share one; the command also holds a lock on its output folder
//! ([`lock_folder`]), so that what it recovers at start-up is never a live run's.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Writes `bytes` to `path`, creating its parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temporary(path, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Writes the parts of one output together: all of them or, if writing one fails, none.
/// The first part names the group (its journal stands beside it).
pub fn write_atomic_group(parts: &[(PathBuf, &[u8])]) -> Result<()> {
    let Some((main, _)) = parts.first() else {
        return Ok(());
    };
    recover(main)?;
    let mut written = Vec::with_capacity(parts.len());
    for (path, bytes) in parts {
        match write_temporary(path, bytes) {
            Ok(tmp) => written.push((tmp, path.clone())),
            Err(e) => {
                for (tmp, _) in &written {
                    let _ = std::fs::remove_file(tmp);
                }
                return Err(e);
            }
        }
    }
    let journal = journal_of(main);
    let lines: Vec<String> = written
        .iter()
        .map(|(tmp, path)| format!("{}\t{}", file_name(path), file_name(tmp)))
        .collect();
    std::fs::write(&journal, lines.join("\n")).map_err(|e| Error::io(&journal, e))?;
    finish_group(&journal)
}

/// Holds the output folder for one run, created if need be: a second run into the same folder waits for
/// the first to end (its start-up recovery would otherwise take the first's temporary files for stale
/// ones). `waiting` is called once if the folder is held. The lock is on the folder itself, so nothing is
/// left in it; it is advisory (other programs may still write there) and ends with the returned handle.
pub fn lock_folder(folder: &Path, waiting: impl FnOnce()) -> Result<File> {
    create_folder(folder)?;
    let handle = File::open(folder).map_err(|e| Error::io(folder, e))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(std::fs::TryLockError::WouldBlock) => {
            waiting();
            handle.lock().map_err(|e| Error::io(folder, e))?;
            Ok(handle)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(folder, e)),
    }
}

/// Creates `dir` and its parents, or says which output folder cannot be.
fn create_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        let io = Error::io(dir, e);
        Error::new(format!(
            "impossible de créer le dossier de sortie : {}",
            io.message
        ))
        .file(dir)
        .hint("choisissez un dossier de sortie accessible en écriture (option --sortie)")
    })
}

/// Finishes what a killed run left beside `path`: the renames of its group's journal, if
/// any, then its stale temporary files. Run before writing `path` again, with the folder
/// locked ([`lock_folder`]): no live run's temporary file is there then.
pub fn recover(path: &Path) -> Result<()> {
    let journal = journal_of(path);
    if journal.exists() {
        finish_group(&journal)?;
    }
    let dir = folder_of(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let prefix = format!(".{}.", file_name(path));
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".part") {
            let tmp = entry.path();
            std::fs::remove_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
        }
    }
    Ok(())
}

/// Renames every part the journal names whose temporary file is there, then removes the
/// journal: the temporary files were whole before the journal was written.
fn finish_group(journal: &Path) -> Result<()> {
    let dir = journal.parent().unwrap_or(Path::new("."));
    let lines = std::fs::read_to_string(journal).map_err(|e| Error::io(journal, e))?;
    for (name, tmp) in lines.lines().filter_map(|l| l.split_once('\t')) {
        let (path, tmp) = (dir.join(name), dir.join(tmp));
        if tmp.exists() {
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
    }
    std::fs::remove_file(journal).map_err(|e| Error::io(journal, e))
}

/// Writes `bytes` to the temporary file of `path`, creating the folder.
fn write_temporary(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    create_folder(folder_of(path))?;
    if path.file_name().is_none() {
        return Err(Error::new("chemin de sortie sans nom de fichier").file(path));
    }
    let tmp = temporary_of(path);
    // No fsync: the rename is what makes an interrupted run (Ctrl-C, a crash of diagterr)
    // leave the old file or the new one, never half of one; syncing every output to disk
    // would cost a national batch seconds for a guarantee against power loss only.
    std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(path, e)
        })?;
    Ok(tmp)
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

fn file_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_name().unwrap_or_default().to_string_lossy()
}

/// `dir/.name.PID-N.part`: hidden, never the name of an output, and never another write's
/// (another process's, or another thread's of this one).
fn temporary_of(path: &Path) -> PathBuf {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    folder_of(path).join(format!(".{}.{pid}-{n}.part", file_name(path)))
}

fn journal_of(path: &Path) -> PathBuf {
    folder_of(path).join(format!(".{}.groupe", file_name(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/liste.csv");
        write_atomic(&path, b"x;y\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x;y\n");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn unwritable_target_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fichier");
        std::fs::write(&file, "").unwrap();
        // A directory cannot be created under a regular file.
        let err = write_atomic(&file.join("x.csv"), b"").unwrap_err();
        assert!(err.to_string().contains("fichier"), "{err}");
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_group_killed_during_its_renames_is_finished_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let (shp, dbf) = (dir.path().join("c.shp"), dir.path().join("c.dbf"));
        write_atomic_group(&[(shp.clone(), b"old shp"), (dbf.clone(), b"old dbf")]).unwrap();
        assert_eq!(listing(dir.path()), ["c.dbf", "c.shp"]);
        // What a kill after the first rename of a new write leaves.
        let tmp = temporary_of(&dbf);
        std::fs::write(&tmp, b"new dbf").unwrap();
        std::fs::write(&shp, b"new shp").unwrap();
        let journal = format!("c.shp\t.c.shp.1-0.part\nc.dbf\t{}", file_name(&tmp));
        std::fs::write(journal_of(&shp), journal).unwrap();
        recover(&shp).unwrap();
        assert_eq!(std::fs::read(&shp).unwrap(), b"new shp");
        assert_eq!(std::fs::read(&dbf).unwrap(), b"new dbf");
        assert_eq!(listing(dir.path()), ["c.dbf", "c.shp"]);
    }

    #[test]
    fn a_stale_temporary_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("liste.csv");
        std::fs::write(temporary_of(&path), b"moitie").unwrap();
        std::fs::write(dir.path().join(".liste.csv.77-3.part"), b"moitie").unwrap();
        recover(&path).unwrap();
        assert!(listing(dir.path()).is_empty());
    }

    #[test]
    fn a_held_folder_makes_the_second_run_wait() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_folder(dir.path(), || panic!("free folder")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let folder = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            let waited = std::cell::Cell::new(false);
            let _lock = lock_folder(&folder, || waited.set(true)).unwrap();
            tx.send(waited.get()).unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(
            rx.try_recv().is_err(),
            "the second run went on while the first held the folder"
        );
        drop(first);
        assert!(rx.recv().unwrap(), "the second run was not told it waits");
        second.join().unwrap();
    }
}

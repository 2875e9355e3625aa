//! Outputs are written to a temporary file beside the target and renamed, so an
//! interrupted run never leaves half a file. A file made of parts (a Shapefile's `.shp`,
//! `.shx`, `.dbf`…) is written as a group: every part to its temporary file first, then a
//! journal naming them, then the renames. A run killed during the renames leaves the
//! journal, and the next run finishes them before anything else, so the parts are never
//! mixed from two runs.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    let names: Vec<String> = parts
        .iter()
        .map(|(p, _)| file_name(p).to_string())
        .collect();
    std::fs::write(&journal, names.join("\n")).map_err(|e| Error::io(&journal, e))?;
    finish_group(&journal)
}

/// Finishes what a killed run left beside `path`: the renames of its group's journal, if
/// any, then its stale temporary file. Run before writing `path` again.
pub fn recover(path: &Path) -> Result<()> {
    let journal = journal_of(path);
    if journal.exists() {
        finish_group(&journal)?;
    }
    let tmp = temporary_of(path);
    if tmp.exists() {
        std::fs::remove_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
    }
    Ok(())
}

/// Renames every part the journal names whose temporary file is there, then removes the
/// journal: the temporary files were whole before the journal was written.
fn finish_group(journal: &Path) -> Result<()> {
    let dir = journal.parent().unwrap_or(Path::new("."));
    let names = std::fs::read_to_string(journal).map_err(|e| Error::io(journal, e))?;
    for name in names.lines().filter(|n| !n.is_empty()) {
        let path = dir.join(name);
        let tmp = temporary_of(&path);
        if tmp.exists() {
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        }
    }
    std::fs::remove_file(journal).map_err(|e| Error::io(journal, e))
}

/// Writes `bytes` to the temporary file of `path`, creating the folder.
fn write_temporary(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let dir = folder_of(path);
    std::fs::create_dir_all(dir).map_err(|e| {
        let io = Error::io(dir, e);
        Error::new(format!(
            "impossible de créer le dossier de sortie : {}",
            io.message
        ))
        .file(dir)
        .hint("choisissez un dossier de sortie accessible en écriture (option --sortie)")
    })?;
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

/// `dir/.name.part`: hidden, and never the name of an output.
fn temporary_of(path: &Path) -> PathBuf {
    folder_of(path).join(format!(".{}.part", file_name(path)))
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
        std::fs::write(temporary_of(&dbf), b"new dbf").unwrap();
        std::fs::write(&shp, b"new shp").unwrap();
        std::fs::write(journal_of(&shp), "c.shp\nc.dbf").unwrap();
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
        recover(&path).unwrap();
        assert!(listing(dir.path()).is_empty());
    }
}

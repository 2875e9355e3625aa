//! Outputs are written to a temporary file beside the target and renamed, so an
//! interrupted run never leaves half a file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path`, creating its parent directories.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        let io = Error::io(dir, e);
        Error::new(format!(
            "impossible de créer le dossier de sortie : {}",
            io.message
        ))
        .file(dir)
        .hint("choisissez un dossier de sortie accessible en écriture (option --sortie)")
    })?;
    let name = path
        .file_name()
        .ok_or_else(|| Error::new("chemin de sortie sans nom de fichier").file(path))?;
    let tmp = dir.join(format!(".{}.part", name.to_string_lossy()));
    // No fsync: the rename is what makes an interrupted run (Ctrl-C, a crash of diagterr)
    // leave the old file or the new one, never half of one; syncing every output to disk
    // would cost a national batch seconds for a guarantee against power loss only.
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|_| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
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
}

//! One error type for the whole engine: every failure names where it happened
//! (file, line, column or code) and, when we know it, what the user should do.

use std::fmt;
use std::path::{Path, PathBuf};

/// What an error is about, for a caller that reacts to some (a batch that retries a
/// locked output, a server that tells a bad request from a bug).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorKind {
    /// A data file: a missing column, a malformed cell, a broken geometry.
    #[default]
    Input,
    /// The query file: a key, a value, a name it uses.
    Query,
    /// Reading or writing a file failed (absent, refused, disk full).
    Io,
    /// A bug of diagterr (a panic, an unexpected polars failure).
    Internal,
}

/// An error a user can act on. Built with [`Error::new`] and the builder methods.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub file: Option<PathBuf>,
    /// 1-based line in `file` (the header is line 1 of a CSV).
    pub line: Option<usize>,
    pub column: Option<String>,
    /// A territory code or a query key the error is about.
    pub code: Option<String>,
    /// What to do about it.
    pub hint: Option<String>,
    /// The failure below it (the operating system's, polars'), kept for `source()`.
    pub cause: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

/// Two errors are the same when they say the same thing (their causes are not compared).
impl PartialEq for Error {
    fn eq(&self, other: &Self) -> bool {
        (
            self.kind,
            &self.message,
            &self.file,
            self.line,
            &self.column,
            &self.code,
            &self.hint,
        ) == (
            other.kind,
            &other.message,
            &other.file,
            other.line,
            &other.column,
            &other.code,
            &other.hint,
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// A line of a query file, kept by the plan for the errors only the data can show (a reference
/// that turns out secret, more classes than a palette has): they are the query's, at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    pub line: usize,
}

impl Place {
    /// An error of the query at this place.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::new(message)
            .file(&self.file)
            .line(self.line)
            .kind(ErrorKind::Query)
    }

    /// `e`, an error of the domain, placed here: its message, kind, hint and cause kept.
    pub fn put(&self, e: Error) -> Error {
        let mut placed = self.error(e.message).kind(e.kind);
        placed.cause = e.cause;
        match e.hint {
            Some(h) => placed.hint(h),
            None => placed,
        }
    }
}

impl Error {
    pub fn new(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::default(),
            message: message.into(),
            file: None,
            line: None,
            column: None,
            code: None,
            hint: None,
            cause: None,
        }
    }
    pub fn kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
    /// Keeps `cause` as the error's source.
    pub fn cause(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(std::sync::Arc::new(cause));
        self
    }
    pub fn file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Sets the file only if none is set yet (for errors raised below the file level).
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.as_ref().to_path_buf());
        }
        self
    }
    /// An I/O failure on `path`, said in French (the OS reason only when uncommon).
    pub fn io(path: impl AsRef<Path>, err: std::io::Error) -> Self {
        let (message, hint) = match err.kind() {
            std::io::ErrorKind::NotFound => (
                "fichier ou dossier introuvable".to_string(),
                "vérifiez le chemin (il est relatif au dossier d'où la commande est lancée)",
            ),
            std::io::ErrorKind::IsADirectory => (
                "c'est un dossier, un fichier est attendu".to_string(),
                "donnez le chemin d'un fichier (un dossier de requêtes se donne à « executer » ou « verifier »)",
            ),
            std::io::ErrorKind::PermissionDenied => (
                "accès refusé".to_string(),
                "vérifiez les droits d'accès au fichier ou au dossier",
            ),
            std::io::ErrorKind::StorageFull => (
                "disque plein".to_string(),
                "libérez de la place ou choisissez un autre dossier de sortie (option --sortie)",
            ),
            std::io::ErrorKind::ReadOnlyFilesystem => (
                "système de fichiers en lecture seule".to_string(),
                "choisissez un dossier de sortie accessible en écriture (option --sortie)",
            ),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof => (
                "fichier tronqué ou abîmé".to_string(),
                "téléchargez ou copiez de nouveau le fichier",
            ),
            // The system's own text is English: its number is what a technician looks up.
            _ => (
                match err.raw_os_error() {
                    Some(n) => format!("lecture ou écriture impossible (erreur système n° {n})"),
                    None => "lecture ou écriture impossible".to_string(),
                },
                "vérifiez que le fichier est accessible et le disque non plein",
            ),
        };
        Error::new(message)
            .file(path)
            .hint(hint)
            .kind(ErrorKind::Io)
            .cause(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ", ligne {line}")?;
            }
            if let Some(column) = &self.column {
                write!(f, ", colonne « {column} »")?;
            }
            if let Some(code) = &self.code {
                write!(f, ", code « {code} »")?;
            }
            write!(f, " : ")?;
        } else if let Some(code) = &self.code {
            write!(f, "code « {code} » : ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  → {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

/// Polars failures are internal (the frames we build are well-formed); they are
/// reported as such rather than blamed on the user's file.
impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::new(format!("erreur interne de calcul : {e}"))
            .hint("signalez-la aux développeurs de diagterr avec la requête utilisée")
            .kind(ErrorKind::Internal)
            .cause(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_every_place() {
        let e = Error::new("valeur non numérique « abc »")
            .file("data/x.csv")
            .line(12)
            .column("txcouv")
            .hint("corrigez la cellule");
        assert_eq!(
            e.to_string(),
            "data/x.csv, ligne 12, colonne « txcouv » : valeur non numérique « abc »\n  → corrigez la cellule"
        );
    }

    #[test]
    fn an_io_error_keeps_its_kind_and_cause() {
        use std::error::Error as _;
        let e = Error::io("x.csv", std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.source().is_some());
        assert_eq!(e.message, "fichier ou dossier introuvable");
    }
}

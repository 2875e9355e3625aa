//! Query files: what an analyst versions and re-runs each year (TOML, French
//! keys). Parsing is strict: an unknown key or a missing input file is an error
//! naming the query file and the line.

mod diagnostic;
mod schema;

pub use diagnostic::{Diagnostic, DiagnosticSpec, ModelSpec};
pub use schema::*;

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A parsed query and where it came from (for messages).
#[derive(Debug, Clone)]
pub struct Query {
    pub path: PathBuf,
    text: String,
    pub spec: QuerySpec,
}

impl Query {
    pub fn load(path: &Path) -> Result<Query> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Query::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Query> {
        let spec: QuerySpec = parse_toml(path, &text)?;
        let query = Query {
            path: path.to_path_buf(),
            text,
            spec,
        };
        query.check_inputs()?;
        Ok(query)
    }

    /// An error about the value at `span` in this query file.
    pub fn error_at(&self, span: &Range<usize>, message: impl Into<String>) -> Error {
        Error::new(message)
            .file(&self.path)
            .line(line_of(&self.text, span))
    }

    /// Every input file named by the query must exist: say which key names it.
    fn check_inputs(&self) -> Result<()> {
        for (key, path) in self.spec.inputs() {
            if !Path::new(path.get_ref()).exists() {
                return Err(self
                    .error_at(&path.span(), format!("fichier introuvable pour « {key} » : {}", path.get_ref()))
                    .hint("les chemins sont relatifs au dossier d'où diagterr est lancé (la racine du projet)"));
            }
        }
        Ok(())
    }
}

/// A TOML file into its schema, errors said in French with their line.
fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let mut err = Error::new(translate(e.message())).file(path).hint(
            "voir la référence des fichiers de requête dans le README (section « Requêtes »)",
        );
        if let Some(span) = e.span() {
            err = err.line(line_of(text, &span));
        }
        err
    })
}

/// 1-based line of a byte offset.
fn line_of(text: &str, span: &Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

/// The TOML library speaks English: say the frequent cases in French.
fn translate(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        return format!("clé inconnue « {key} » (clés possibles : {expected})");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("clé obligatoire absente : « {key} »");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (word, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace('`', "");
        return format!("valeur inconnue « {word} » (valeurs possibles : {expected})");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        // "invalid type: string \"abc\", expected f64"
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = match expected.trim() {
            "f64" | "f32" => "un nombre",
            "u16" | "u32" | "usize" | "i64" => "un nombre entier",
            "a boolean" => "true ou false",
            "a string" => "un texte entre guillemets",
            "a sequence" => "une liste [...]",
            other => other,
        };
        let found = found
            .replace("string", "texte")
            .replace("integer", "entier");
        return format!("valeur de type incorrect ({found}) : attendu {expected}");
    }
    format!("requête illisible : {}", message.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_type_is_said_in_french_with_the_line() {
        let text = "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = \"deux mille\"\n";
        let err = Query::parse(Path::new("q.toml"), text.to_string()).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(
            err.to_string().contains("attendu un nombre entier"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let text = "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\ncouleur = \"rouge\"\n";
        let err = Query::parse(Path::new("q.toml"), text.to_string()).unwrap_err();
        assert_eq!(err.line, Some(5), "{err}");
        assert!(
            err.to_string().contains("clé inconnue « couleur »"),
            "{err}"
        );
        assert!(err.to_string().starts_with("q.toml, ligne 5"), "{err}");
    }
}

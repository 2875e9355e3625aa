//! A diagnostic file: the yearly diagnostic of several départements in one command. Its
//! model queries are ordinary queries where `{departement}` stands for the code of each
//! département in turn (and `{nom_departement}` for its name), `{annee}` for the year of the
//! diagnostic and `{annee_precedente}` for the year before.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{beside, line_of, looked_in, parse_toml};
use crate::error::{Error, ErrorKind, Result};
use crate::ingest::builtin;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagnosticFile {
    diagnostic: DiagnosticSpec,
}

/// `[diagnostic]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnosticSpec {
    pub titre: String,
    /// Codes, or `["toutes"]` for every département of the list.
    pub departements: Spanned<Vec<String>>,
    /// List of départements (names for titles, codes checked); built in for the COG 2026.
    #[serde(default)]
    pub liste_departements: Option<Spanned<String>>,
    /// The model queries, in the order of the report.
    pub modeles: Spanned<Vec<ModelSpec>>,
    /// Folder of the outputs, under the output directory: one sub-folder per département.
    pub dossier: String,
    /// Classes computed from the values (quantiles, Jenks…) over all the départements
    /// at once, so that a colour means the same everywhere.
    #[serde(default)]
    pub classes_communes: bool,
    /// The year of the diagnostic, in place of `{annee}` in the models (and the year before in
    /// place of `{annee_precedente}`).
    #[serde(default)]
    pub annee: Option<u16>,
}

/// `{ requete = "queries/modeles/couverture-epci.toml" }`, optionally for some
/// départements only.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub requete: String,
    #[serde(default)]
    pub departements: Option<Vec<String>>,
}

/// A parsed diagnostic file and where it came from.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub path: PathBuf,
    text: String,
    pub spec: DiagnosticSpec,
}

impl Diagnostic {
    /// Whether `text` is a diagnostic file rather than a query (its first table is
    /// `[diagnostic]`).
    pub fn is_diagnostic(text: &str) -> bool {
        text.parse::<toml::Table>()
            .map(|t| t.contains_key("diagnostic"))
            .unwrap_or(false)
    }

    /// Parses a diagnostic file; its paths (the models, the list of départements) are
    /// relative to its folder, and joined to it.
    pub fn parse(path: &Path, text: String) -> Result<Diagnostic> {
        let mut file: DiagnosticFile = parse_toml(path, &text)?;
        let spec = &mut file.diagnostic;
        let written: Vec<String> = spec
            .modeles
            .get_ref()
            .iter()
            .map(|m| m.requete.clone())
            .collect();
        for m in spec.modeles.get_mut() {
            m.requete = beside(path, &m.requete);
        }
        let list = spec
            .liste_departements
            .as_ref()
            .map(|l| l.get_ref().clone());
        if let (Some(given), Some(written)) = (&mut spec.liste_departements, &list) {
            *given.get_mut() = beside(path, written);
        }
        let d = Diagnostic {
            path: path.to_path_buf(),
            text,
            spec: file.diagnostic,
        };
        let models = &d.spec.modeles;
        for (m, written) in models.get_ref().iter().zip(&written) {
            if !Path::new(&m.requete).exists() {
                return Err(d
                    .error_at(
                        &models.span(),
                        format!(
                            "requête modèle introuvable : {written}{}",
                            looked_in(written, &m.requete)
                        ),
                    )
                    .hint("les chemins d'un diagnostic sont relatifs au dossier de son fichier"));
            }
        }
        if let (Some(given), Some(written)) = (&d.spec.liste_departements, &list)
            && !Path::new(given.get_ref()).exists()
        {
            return Err(d
                .error_at(
                    &given.span(),
                    format!(
                        "fichier introuvable : {written}{}",
                        looked_in(written, given.get_ref())
                    ),
                )
                .hint("les chemins d'un diagnostic sont relatifs au dossier de son fichier"));
        }
        Ok(d)
    }

    /// The list of départements: the diagnostic's, or the built-in one.
    pub fn departements_file(&self) -> &Path {
        Path::new(
            self.spec
                .liste_departements
                .as_ref()
                .map_or(builtin::DEPARTEMENTS, |l| l.get_ref().as_str()),
        )
    }

    /// An error about the value at `span` of this file.
    pub fn error_at(&self, span: &Range<usize>, message: impl Into<String>) -> Error {
        Error::new(message)
            .file(&self.path)
            .line(line_of(&self.text, span))
            .kind(ErrorKind::Query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_files_are_told_from_queries() {
        assert!(Diagnostic::is_diagnostic("[diagnostic]\ntitre = \"x\"\n"));
        assert!(!Diagnostic::is_diagnostic(
            "[territoire]\nniveau = \"epci\"\n"
        ));
        assert!(!Diagnostic::is_diagnostic("pas du toml ["));
    }

    #[test]
    fn a_missing_model_names_the_line() {
        let text = "[diagnostic]\ntitre = \"D\"\ndepartements = [\"63\"]\n\
                    liste_departements = \"data/cog/departements.csv\"\n\
                    modeles = [{ requete = \"absent.toml\" }]\ndossier = \"d\"\n";
        let err = Diagnostic::parse(Path::new("d.toml"), text.to_string()).unwrap_err();
        assert!(
            err.message
                .contains("requête modèle introuvable : absent.toml"),
            "{err}"
        );
        assert_eq!(err.line, Some(5));
    }
}

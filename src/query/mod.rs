//! Query files: what an analyst versions and re-runs each year (TOML, French
//! keys). Parsing is strict: an unknown key or a missing input file is an error
//! naming the query file and the line.

mod bounds;
mod diagnostic;
mod diagnostic_plan;
mod indicators;
mod numbers;
mod outputs;
mod panier_plan;
mod plan;
mod resolve;
mod schema;
mod selection;

pub use bounds::OUT_OF_BOUNDS;
pub use diagnostic::{Diagnostic, DiagnosticSpec, ModelSpec};
pub use diagnostic_plan::{DiagnosticPlan, model_query, plan_diagnostic, wanted};
pub use indicators::*;
pub use numbers::{Finite, NonNegative, Positive};
pub use outputs::{PlannedOutput, check_outputs, output_path};
pub use panier_plan::{PanierPlan, PlannedNorm};
pub use plan::{Method, Plan};
pub use resolve::{
    CoveragePlan, EvolutionPlan, IndicatorPlan, MethodPlan, PlannedSource, RobustnessPlan,
    ScorePlan, check_files,
};
pub use schema::*;

use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, ErrorKind, Place, Result};
use crate::ingest::builtin;

/// A parsed query and where it came from (for messages). Its input paths are relative to
/// its folder, as written; once parsed, they are joined to it (`spec` holds them so).
#[derive(Debug, Clone)]
pub struct Query {
    pub path: PathBuf,
    text: String,
    pub spec: QuerySpec,
    /// Every input file, with the key that names it, as joined to the query's folder.
    inputs: Vec<(&'static str, PathBuf)>,
}

impl Query {
    pub fn load(path: &Path) -> Result<Query> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Query::parse(path, text)
    }

    pub fn parse(path: &Path, text: String) -> Result<Query> {
        let mut spec: QuerySpec = parse_toml(path, &text)?;
        let mut inputs = Vec::new();
        let mut missing = None;
        for (key, span, written) in spec.inputs_mut() {
            // A built-in table (`intégré:…`) is no file beside the query.
            let builtin = builtin::is_builtin(Path::new(written.as_str()));
            let joined = match builtin {
                true => written.clone(),
                false => beside(path, written),
            };
            if missing.is_none() && !builtin && !Path::new(&joined).exists() {
                missing = Some((key, written.clone(), span, joined.clone()));
            }
            *written = joined.clone();
            inputs.push((key, PathBuf::from(joined)));
        }
        let query = Query {
            path: path.to_path_buf(),
            text,
            spec,
            inputs,
        };
        let t = &query.spec.territoire;
        if t.vintage() != builtin::VINTAGE
            && (t.communes.is_none() || t.liste_departements.is_none())
        {
            return Err(query
                .error_at(
                    &t.millesime.span(),
                    format!(
                        "COG {} : les tables intégrées sont celles du COG {}",
                        t.vintage(),
                        builtin::VINTAGE
                    ),
                )
                .hint(format!(
                    "donnez « communes » et « liste_departements » du COG {} dans [territoire], ou travaillez au COG {}",
                    t.vintage(),
                    builtin::VINTAGE
                )));
        }
        // Every input file named by the query must exist: say which key names it.
        if let Some((key, written, span, joined)) = missing {
            return Err(query
                .error_at(
                    &span,
                    format!(
                        "fichier introuvable pour « {key} » : {written}{}",
                        looked_in(&written, &joined)
                    ),
                )
                .hint("les chemins d'une requête sont relatifs au dossier du fichier de requête"));
        }
        Ok(query)
    }

    /// `e`, an error of the domain, placed at the value at `span` in this query file (its
    /// message, kind, hint and cause kept).
    pub fn place(&self, e: Error, span: &Range<usize>) -> Error {
        self.at(span).put(e)
    }

    /// An error about the value at `span` in this query file.
    pub fn error_at(&self, span: &Range<usize>, message: impl Into<String>) -> Error {
        self.at(span).error(message)
    }

    /// The place of the value at `span` in this query file.
    pub fn at(&self, span: &Range<usize>) -> Place {
        Place {
            file: self.path.clone(),
            line: self.line_at(span),
        }
    }

    /// The 1-based line of `span` in this query file.
    pub fn line_at(&self, span: &Range<usize>) -> usize {
        line_of(&self.text, span)
    }

    /// Every input file, with the key that names it.
    pub fn inputs(&self) -> &[(&'static str, PathBuf)] {
        &self.inputs
    }

    /// Every file the query reads, itself included.
    pub fn input_paths(&self) -> Vec<PathBuf> {
        let mut paths = vec![self.path.clone()];
        paths.extend(self.inputs.iter().map(|(_, p)| p.clone()));
        paths
    }
}

/// Where a path not found was looked for, when it is not as written.
fn looked_in(written: &str, joined: &str) -> String {
    match written == joined {
        true => String::new(),
        false => format!(" (cherché en {joined})"),
    }
}

/// A path written in the file `from` (a query, a diagnostic), joined to its folder as
/// every tool that reads a project file does: `../data/x.csv` in `queries/q.toml` is
/// `data/x.csv`. An absolute path stays as it is. A `..` is what the system makes of it:
/// after a link, the parent of where the link leads, not of the folder it sits in, so that
/// the file read is the one `cat` would open; where no link is crossed, it is simply
/// removed from the path shown.
pub fn beside(from: &Path, written: &str) -> String {
    let folder = from.parent().unwrap_or(Path::new(""));
    let mut out = PathBuf::new();
    for part in folder.join(written).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                let link =
                    std::fs::symlink_metadata(&out).is_ok_and(|m| m.file_type().is_symlink());
                if let (true, Ok(target)) = (link, std::fs::canonicalize(&out)) {
                    out = target;
                }
                match out.components().next_back() {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir | Component::Prefix(_)) => {}
                    _ => out.push(".."),
                }
            }
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

/// `s` as the inside of a TOML basic string (`"…"`): a value pasted into a query's text (the name of a
/// département in a model query, a path in a generated one) stays that one value, whatever it holds.
pub fn toml_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A TOML file into its schema, errors said in French with their line.
fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let mut err = Error::new(translate(e.message()))
            .file(path)
            .kind(ErrorKind::Query)
            .hint(
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

/// The TOML library and serde speak English: say their messages in French.
fn translate(message: &str) -> String {
    let message = message.trim();
    if message.starts_with(bounds::OUT_OF_BOUNDS) {
        return message.to_string();
    }
    // serde lists two values as "`a` or `b`", more as "`a`, `b`, `c`".
    let expected_list = |rest: &str| {
        rest.trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .replace("` or `", ", ")
            .replace('`', "")
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return format!(
            "clé inconnue « {key} » (clés possibles : {})",
            expected_list(expected)
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("clé obligatoire absente : « {key} »");
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("clé « {key} » donnée deux fois");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (word, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return format!(
            "valeur inconnue « {word} » (valeurs possibles : {})",
            expected_list(expected)
        );
    }
    if message.starts_with("data did not match any variant of untagged enum") {
        return "valeur de forme inattendue".to_string();
    }
    // "invalid type: string \"abc\", expected f64", "invalid value: integer `-3`, expected usize"
    let wrong = message
        .strip_prefix("invalid type: ")
        .map(|r| ("de type incorrect", r))
        .or_else(|| {
            message
                .strip_prefix("invalid value: ")
                .map(|r| ("incorrecte", r))
        })
        .or_else(|| {
            message
                .strip_prefix("invalid length ")
                .map(|r| ("de longueur incorrecte", r))
        });
    if let Some((what, rest)) = wrong {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "valeur {what} ({}) : attendu {}",
            french_found(found),
            french_expected(expected.trim())
        );
    }
    format!("requête illisible : {}", french_found(message))
}

/// serde's name of an expected type, in French.
fn french_expected(expected: &str) -> String {
    match expected {
        "f64" | "f32" => "un nombre",
        "u8" | "u16" | "u32" | "u64" | "usize" => "un nombre entier positif",
        "i8" | "i16" | "i32" | "i64" | "isize" => "un nombre entier",
        "a boolean" => "true ou false",
        "a string" | "a character" => "un texte entre guillemets",
        "a sequence" => "une liste [...]",
        "a map" => "une table { clé = valeur }",
        other if other.starts_with("struct ") => "une table { clé = valeur }",
        other if other.starts_with("a sequence of") || other.ends_with("elements") => {
            "une liste [...]"
        }
        other => return other.replace('`', ""),
    }
    .to_string()
}

/// serde's words for what it found, in French.
fn french_found(found: &str) -> String {
    found
        .replace("floating point", "nombre décimal")
        .replace("integer", "entier")
        .replace("string", "texte")
        .replace("boolean", "booléen")
        .replace("sequence", "liste")
        .replace("map", "table")
        .replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dot_dot_after_a_link_is_the_parent_of_where_the_link_leads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/f.csv"), "lu par le système").unwrap();
        std::fs::write(root.join("f.csv"), "autre fichier").unwrap();
        std::os::unix::fs::symlink(root.join("a/b"), root.join("lien")).unwrap();
        let query = root.join("q.toml");
        let read = beside(&query, "lien/../f.csv");
        assert_eq!(
            std::fs::read_to_string(&read).unwrap(),
            "lu par le système",
            "{read}"
        );
        // Without a link, the path shown is cleaned.
        let path = beside(Path::new("queries/q.toml"), "../data/./x.csv");
        assert_eq!(path, "data/x.csv");
        assert_eq!(beside(Path::new("q.toml"), "../../x.csv"), "../../x.csv");
        assert_eq!(beside(Path::new("/q.toml"), "../x.csv"), "/x.csv");
    }

    #[test]
    fn a_value_pasted_into_a_query_stays_one_value() {
        for name in [
            "Côte-d'Or",
            "La \"Drôme\"",
            "C:\\données\\x",
            "deux\nlignes\t# et = 1",
        ] {
            let text = format!("titre = \"{}\"\n", toml_escaped(name));
            let read: toml::Table = toml::from_str(&text).unwrap();
            assert_eq!(read["titre"].as_str(), Some(name), "{text}");
        }
    }

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
        assert_eq!(err.kind, ErrorKind::Query);
    }

    #[test]
    fn an_error_of_the_query_is_of_the_query_and_a_placed_one_keeps_its_kind() {
        let text = "[territoire]\nniveau = \"epci\"\ndepartements = [\"63\"]\nmillesime = 2026\n";
        let query = Query::parse(Path::new("q.toml"), text.to_string()).unwrap();
        let span = query.spec.territoire.departements.span();
        assert_eq!(query.error_at(&span, "x").kind, ErrorKind::Query);
        let data = Error::new("département inconnu").hint("h");
        let placed = query.place(data, &span);
        assert_eq!((placed.kind, placed.line), (ErrorKind::Input, Some(3)));
        assert_eq!(placed.hint.as_deref(), Some("h"));
    }

    #[test]
    fn paths_are_joined_to_the_folder_of_their_file() {
        let query = Path::new("queries/q.toml");
        assert_eq!(beside(query, "../data/x.csv"), "data/x.csv");
        assert_eq!(beside(query, "x.csv"), "queries/x.csv");
        assert_eq!(beside(query, "/srv/x.csv"), "/srv/x.csv");
        assert_eq!(beside(Path::new("q.toml"), "data/x.csv"), "data/x.csv");
        assert_eq!(beside(Path::new("/a/b/q.toml"), "../../x.csv"), "/x.csv");
    }

    #[test]
    fn two_possible_values_are_listed_in_french() {
        assert_eq!(
            translate("unknown variant `milieu`, expected `haut` or `bas`"),
            "valeur inconnue « milieu » (valeurs possibles : haut, bas)"
        );
    }
}

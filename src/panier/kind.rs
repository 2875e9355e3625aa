//! The family services an inventory lists, and the many ways analysts write their names.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A kind of service. The order is that of tables and charts: the parenting services of
/// the panier first, then the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Reaap,
    Laep,
    Clas,
    MediationFamiliale,
    EspaceRencontre,
    Rpe,
    CentreSocial,
    Evs,
    Eaje,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 9] = [
        ServiceKind::Reaap,
        ServiceKind::Laep,
        ServiceKind::Clas,
        ServiceKind::MediationFamiliale,
        ServiceKind::EspaceRencontre,
        ServiceKind::Rpe,
        ServiceKind::CentreSocial,
        ServiceKind::Evs,
        ServiceKind::Eaje,
    ];

    /// The French name in tables, legends and charts.
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Reaap => "Reaap",
            ServiceKind::Laep => "Laep",
            ServiceKind::Clas => "Clas",
            ServiceKind::MediationFamiliale => "Médiation familiale",
            ServiceKind::EspaceRencontre => "Espace rencontre",
            ServiceKind::Rpe => "RPE (ex-RAM)",
            ServiceKind::CentreSocial => "Centre social",
            ServiceKind::Evs => "Espace de vie sociale",
            ServiceKind::Eaje => "EAJE",
        }
    }

    /// The query-file word (`mediation_familiale`).
    pub fn key(self) -> &'static str {
        match self {
            ServiceKind::Reaap => "reaap",
            ServiceKind::Laep => "laep",
            ServiceKind::Clas => "clas",
            ServiceKind::MediationFamiliale => "mediation_familiale",
            ServiceKind::EspaceRencontre => "espace_rencontre",
            ServiceKind::Rpe => "rpe",
            ServiceKind::CentreSocial => "centre_social",
            ServiceKind::Evs => "evs",
            ServiceKind::Eaje => "eaje",
        }
    }

    /// Names seen in Caf and Département files, in [`normalise`]d form.
    fn names(self) -> &'static [&'static str] {
        match self {
            ServiceKind::Reaap => &[
                "reaap",
                "action reaap",
                "actions reaap",
                "reseau d ecoute d appui et d accompagnement des parents",
                "reseaux d ecoute d appui et d accompagnement des parents",
            ],
            ServiceKind::Laep => &[
                "laep",
                "lieu d accueil enfants parents",
                "lieu d accueil enfant parent",
                "lieux d accueil enfants parents",
            ],
            ServiceKind::Clas => &[
                "clas",
                "action clas",
                "contrat local d accompagnement a la scolarite",
                "contrat local d accompagnement scolaire",
            ],
            ServiceKind::MediationFamiliale => &[
                "mediation familiale",
                "service de mediation familiale",
                "mf",
            ],
            ServiceKind::EspaceRencontre => &["espace rencontre", "espace de rencontre", "er"],
            ServiceKind::Rpe => &[
                "rpe",
                "ram",
                "relais petite enfance",
                "relais assistants maternels",
                "relais d assistants maternels",
                "relais assistantes maternelles",
            ],
            ServiceKind::CentreSocial => &["centre social", "centres sociaux", "cs"],
            ServiceKind::Evs => &["evs", "espace de vie sociale"],
            ServiceKind::Eaje => &[
                "eaje",
                "etablissement d accueil du jeune enfant",
                "creche",
                "micro creche",
                "multi accueil",
                "halte garderie",
            ],
        }
    }
}

/// Recognises service names: the built-in names and the query's own synonyms.
#[derive(Debug, Clone)]
pub struct Names {
    known: BTreeMap<String, ServiceKind>,
}

impl Names {
    /// The built-in names, plus `synonyms` (a local name → the kind it stands for).
    pub fn new<'a>(synonyms: impl IntoIterator<Item = (&'a str, ServiceKind)>) -> Self {
        let mut known: BTreeMap<String, ServiceKind> = ServiceKind::ALL
            .iter()
            .flat_map(|k| k.names().iter().map(move |n| (n.to_string(), *k)))
            .collect();
        known.extend(synonyms.into_iter().map(|(n, k)| (normalise(n), k)));
        Names { known }
    }

    pub fn kind(&self, name: &str) -> Option<ServiceKind> {
        self.known.get(&normalise(name)).copied()
    }
}

/// Lower case, without accents, words separated by single spaces: "Lieu d'Accueil
/// Enfants-Parents" and "lieu d accueil enfants parents" are the same name.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match crate::format::without_accent(c) {
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c != ' ' || !(out.is_empty() || out.ends_with(' ')) {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recognised_whatever_their_spelling() {
        let names = Names::new([]);
        for (written, kind) in [
            ("LAEP", ServiceKind::Laep),
            ("Lieu d'accueil enfants-parents", ServiceKind::Laep),
            ("  Réaap ", ServiceKind::Reaap),
            ("Médiation familiale", ServiceKind::MediationFamiliale),
            ("RAM", ServiceKind::Rpe),
            ("Relais Petite Enfance", ServiceKind::Rpe),
            ("Crèche", ServiceKind::Eaje),
            ("Multi-accueil", ServiceKind::Eaje),
            ("Espace de vie sociale", ServiceKind::Evs),
        ] {
            assert_eq!(names.kind(written), Some(kind), "{written}");
        }
        assert_eq!(names.kind("Ludothèque"), None);
        assert_eq!(names.kind(""), None);
    }

    #[test]
    fn query_synonyms_extend_the_names() {
        let names = Names::new([("Point Écoute Parents", ServiceKind::Reaap)]);
        assert_eq!(names.kind("point ecoute parents"), Some(ServiceKind::Reaap));
        assert_eq!(names.kind("Laep"), Some(ServiceKind::Laep));
    }

    #[test]
    fn every_built_in_name_is_in_normal_form() {
        for kind in ServiceKind::ALL {
            for name in kind.names() {
                assert_eq!(normalise(name), *name);
            }
            assert_eq!(normalise(kind.key()).replace(' ', "_"), kind.key());
        }
    }
}

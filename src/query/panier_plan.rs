//! The plan of a `[panier]`: its composition, its years and its norms read and checked with the
//! query, before the inventory is.

use super::{PanierSpec, Query};
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::panier::{Panier, Requirement};
use crate::territory::Level;

/// A panier ready to be counted.
#[derive(Debug)]
pub struct PanierPlan {
    pub panier: Panier,
    /// At least one, each once, in increasing order: the last is that of the table and map.
    pub years: Vec<u16>,
}

impl Query {
    /// The panier of `spec`, by EPCI: services named once (minimums are positive as read),
    /// years in order, each norm with its columns, a map of as many classes as a palette has.
    pub fn panier_plan(&self, spec: &PanierSpec) -> Result<PanierPlan> {
        let t = &self.spec.territoire;
        if *t.niveau.get_ref() != Level::Epci {
            return Err(self
                .error_at(
                    &t.niveau.span(),
                    "le panier de services se calcule par EPCI",
                )
                .hint("écrivez « niveau = \"epci\" » dans [territoire]"));
        }
        let panier = self.panier(spec)?;
        let years = spec.annees.get_ref().clone();
        if years.is_empty() || years.windows(2).any(|w| w[0] >= w[1]) {
            return Err(self
                .error_at(
                    &spec.annees.span(),
                    "« annees » : au moins une année, chacune une fois, dans l'ordre",
                )
                .hint("par exemple « annees = [2019, 2022] » ; la dernière est celle du tableau et de la carte"));
        }
        if let Some(n) = spec.normes.iter().find(|n| n.colonnes.get_ref().is_empty()) {
            return Err(self
                .error_at(&n.colonnes.span(), "« colonnes » est vide")
                .hint("nommez la ou les colonnes dont la somme est la population, par exemple [\"ENF_2\", \"ENF_3_5\"]"));
        }
        let size = panier.requirements.len();
        // One shade more than services, the palest left out: « 1 service manquant » must not
        // look empty.
        if let Some(map) = &spec.carte
            && palette::sequential(Sequential::Oranges, size + 1).is_none()
        {
            return Err(self
                .error_at(
                    &map.sorties.span(),
                    format!("{size} services dans le panier : trop de classes pour une carte"),
                )
                .hint("une carte montre un panier de 1 à 8 services"));
        }
        Ok(PanierPlan { panier, years })
    }

    /// The composition of `spec`.
    fn panier(&self, spec: &PanierSpec) -> Result<Panier> {
        let span = spec.composition.span();
        let err = |msg: String| {
            self.error_at(&span, msg)
                .hint("composition = [{ service = \"reaap\" }, { service = \"laep\" }, { service = \"clas\" }]")
        };
        let mut requirements: Vec<Requirement> = Vec::new();
        for r in spec.composition.get_ref() {
            if requirements.iter().any(|q| q.kind == r.service) {
                return Err(err(format!(
                    "service « {} » nommé deux fois dans la composition",
                    r.service.key()
                )));
            }
            requirements.push(Requirement {
                kind: r.service,
                minimum: r.minimum.get(),
            });
        }
        if requirements.is_empty() {
            return Err(err("composition du panier vide".into()));
        }
        Ok(Panier { requirements })
    }
}

//! The plan of a `[panier]`: its composition, its years and its norms read and checked with the
//! query, before the inventory is.

use std::path::PathBuf;

use super::{ChartSpec, ClassMapSpec, MethodPlan, PanierSpec, Query};
use crate::classify::palette::{self, Sequential};
use crate::error::Result;
use crate::export::{FigureFiles, MapFiles};
use crate::panier::inventory::Columns;
use crate::panier::norm::Norm;
use crate::panier::{Names, Panier, Requirement};
use crate::territory::Level;

/// A panier ready to be counted.
#[derive(Debug)]
pub struct PanierPlan {
    pub title: String,
    pub panier: Panier,
    /// At least one, each once, in increasing order: the last is that of the table and map.
    pub years: Vec<u16>,
    /// The inventory, its columns, and the local names of its services.
    pub inventory: PathBuf,
    pub columns: Columns,
    pub names: Names,
    pub norms: Vec<PlannedNorm>,
    /// The files of the table of gaps, and of the synthesis of shares.
    pub outputs: Vec<String>,
    pub synthesis_outputs: Option<Vec<String>>,
    pub map: Option<MapFiles>,
    pub chart: Option<FigureFiles>,
}

/// A norm « one service for N » and the plan of its population by EPCI.
#[derive(Debug)]
pub struct PlannedNorm {
    pub norm: Norm,
    /// The population's name, in the table.
    pub label: String,
    pub population: MethodPlan,
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
        let norms = spec
            .normes
            .iter()
            .map(|n| {
                Ok(PlannedNorm {
                    norm: Norm {
                        kind: n.service,
                        per: n.une_pour.get(),
                        rounding: n.arrondi,
                    },
                    label: n.population.clone(),
                    population: self.norm_plan(n)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(PanierPlan {
            title: spec.titre.clone(),
            panier,
            years,
            inventory: PathBuf::from(spec.inventaire.get_ref()),
            columns: Columns {
                code: spec.colonne_code.clone(),
                kind: spec.colonne_type.clone(),
                year: spec.colonne_annee.clone(),
                count: spec.colonne_nombre.clone(),
                name: spec.colonne_nom.clone(),
            },
            names: Names::new(spec.synonymes.iter().map(|(n, k)| (n.as_str(), *k))),
            norms,
            outputs: spec.sorties.get_ref().clone(),
            synthesis_outputs: spec.synthese.as_ref().map(|s| s.get_ref().clone()),
            map: spec.carte.as_ref().map(ClassMapSpec::files),
            chart: spec.graphique.as_ref().map(ChartSpec::files),
        })
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

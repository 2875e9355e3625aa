//! A query resolved once: every check `verifier` and `executer` make before computing, and the
//! plan of its one method, which the run then follows without reading the query's keys again.

use super::{CoveragePlan, EvolutionPlan, IndicatorPlan, PanierPlan, Query, ScorePlan};
use crate::error::Error;

/// What a query computes, resolved.
// One per query, never in a collection: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Method {
    Coverage(CoveragePlan),
    Indicators(IndicatorPlan),
    Score(ScorePlan),
    Evolution(EvolutionPlan),
    Panier(PanierPlan),
}

/// A query and the plan of its method.
#[derive(Debug)]
pub struct Plan {
    pub query: Query,
    pub method: Method,
}

impl Plan {
    /// Resolves `query`: its plan, or every error it has (the same as [`Query::problems`]).
    pub fn resolve(query: Query) -> Result<Plan, Vec<Error>> {
        let method = query.method()?;
        Ok(Plan { query, method })
    }

    /// [`Plan::resolve`], its first error only.
    pub fn of(query: Query) -> Result<Plan, Error> {
        Plan::resolve(query).map_err(|errors| {
            errors
                .into_iter()
                .next()
                .expect("a query that does not resolve has an error")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn example(name: &str) -> Query {
        Query::load(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("queries")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn each_example_resolves_to_the_plan_of_its_method() {
        let method = |name: &str| Plan::of(example(name)).unwrap().method;
        assert!(matches!(
            method("couverture-epci-63-puy-de-dome.toml"),
            Method::Coverage(_)
        ));
        assert!(matches!(
            method("vulnerabilite-epci-34-herault.toml"),
            Method::Score(_)
        ));
        assert!(matches!(
            method("panier-epci-26-drome.toml"),
            Method::Panier(_)
        ));
        assert!(matches!(
            method("series-couverture-epci-63.toml"),
            Method::Evolution(_)
        ));
        let Method::Indicators(plan) = method("priorites-epci-63.toml") else {
            panic!("a query of indicators")
        };
        // The plan holds what the run follows: the synthesis of four axes, two of them at least.
        let synthesis = plan.synthesis.expect("[priorites]");
        assert_eq!((synthesis.axes.len(), synthesis.at_least), (4, 2));
    }

    #[test]
    fn a_query_that_does_not_resolve_gives_every_error_and_its_first_alone() {
        let mut query = example("vulnerabilite-epci-34-herault.toml");
        // An unknown département, and cut points without their values: two parts of the query.
        query.spec.territoire.departements = toml::Spanned::new(0..0, vec!["6".to_string()]);
        if let Some(score) = query.spec.score.as_mut() {
            score.priorites =
                crate::query::PrioritiesSpec::Method(crate::query::PrioritiesMethodSpec {
                    methode: crate::query::PrioritiesMethod::CutPoints,
                    nombre: Some(3),
                    valeurs: None,
                });
        }
        let errors = Plan::resolve(query.clone()).unwrap_err();
        assert_eq!(errors, query.problems());
        assert!(errors.len() >= 2, "{errors:?}");
        assert!(
            errors[0].message.contains("département inconnu « 6 »"),
            "{}",
            errors[0]
        );
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("« seuils » demande « valeurs »"))
        );
        assert_eq!(Plan::of(query).unwrap_err(), errors[0]);
    }

    #[test]
    fn a_query_of_no_computation_is_refused_as_an_error_of_the_query() {
        let mut query = example("vulnerabilite-epci-34-herault.toml");
        query.spec.score = None;
        let errors = Plan::resolve(query).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "requête sans indicateur");
        assert_eq!(errors[0].kind, crate::error::ErrorKind::Query);
    }
}

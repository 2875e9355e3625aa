//! A query resolved once: every check `verifier` and `executer` make before computing, and the
//! plan of its one method, which the run then follows without reading the query's keys again.

use super::{EvolutionPlan, IndicatorPlan, PanierPlan, Query, ScorePlan};
use crate::error::Error;

/// What a query computes, resolved.
// One per query, never in a collection: its size does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Method {
    /// `[couverture]`: its files and references are read by `sources::compute`.
    Coverage,
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

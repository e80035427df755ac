//! What a conclusion rests on that the analyst should know: the date of each institution's
//! data, and the aggregates (`actor X "..." aggregate`) that stand in for many real voters.
//!
//! Both are read off the finished analysis; nothing here changes a verdict. Invariant: lists
//! are in model order (bodies, actors, clauses), so the report is stable.

use std::collections::{BTreeMap, BTreeSet};

use super::{Decider, TreatyAnalysis};
use crate::model::{ActorId, BodyId, ClauseRef, Date, Model, Target};

/// The data of one body that the treaty's decisions use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDate {
    pub body: BodyId,
    /// Its `as of` date, if the file gives one.
    pub as_of: Option<Date>,
    /// Over a year older than the treaty's own `as of` date (when both are given).
    pub old: bool,
}

/// The bodies whose membership or votes the treaty's decisions use (a vote of the body,
/// `each of` it, or a domestic procedure through it), with their dates, in model order.
pub fn data_dates(model: &Model, a: &TreatyAnalysis) -> Vec<DataDate> {
    let mut bodies: BTreeSet<BodyId> = a
        .decisions
        .iter()
        .filter_map(|d| match d.decider {
            Decider::Body { body, .. } => Some(body),
            Decider::Consent { .. } => None,
        })
        .collect();
    for s in &a.clauses {
        for r in s.requirements.iter().flat_map(|r| &r.routes) {
            if let Target::EachOf(b) = r.target {
                bodies.insert(b);
            }
        }
    }
    let treaty_date = model.treaties[a.treaty].as_of;
    bodies
        .into_iter()
        .map(|body| {
            let as_of = model.bodies[body].as_of;
            let old = matches!((as_of, treaty_date), (Some(d), Some(t)) if d.over_a_year_before(t));
            DataDate { body, as_of, old }
        })
        .collect()
}

/// An aggregate actor that some reported conclusion names, and the clauses where it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateUse {
    pub actor: ActorId,
    pub clauses: Vec<ClauseRef>,
}

/// Every aggregate actor named by a clause's conclusions: its vetoes or forcers, a
/// smallest blocking coalition, or the no votes of one of its decisions. Such a conclusion
/// holds of the bloc, not of any real member inside it.
pub fn aggregates(model: &Model, a: &TreatyAnalysis) -> Vec<AggregateUse> {
    let mut uses: BTreeMap<ActorId, BTreeSet<ClauseRef>> = BTreeMap::new();
    let mut note = |actor: ActorId, clause: ClauseRef| {
        if model.actors[actor].aggregate {
            uses.entry(actor).or_default().insert(clause);
        }
    };
    for s in &a.clauses {
        let coalitions = s
            .requirements
            .iter()
            .flat_map(|r| r.smallest_blocking_coalition.iter().flatten());
        for &actor in s.vetoes.iter().chain(&s.forcers).chain(coalitions) {
            note(actor, s.clause);
        }
    }
    for d in &a.decisions {
        let coalition = d.smallest_blocking_coalition.iter().flatten();
        let named = d
            .blockers
            .iter()
            .chain(&d.structural_vetoes)
            .chain(&d.forcers);
        for &actor in named.chain(coalition) {
            note(actor, d.clause);
        }
    }
    uses.into_iter()
        .map(|(actor, clauses)| AggregateUse {
            actor,
            clauses: clauses.into_iter().collect(),
        })
        .collect()
}

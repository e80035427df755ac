//! The conditional answer of `--assume`: with some actors' ballots fixed, who among the
//! others can still block each decision they vote in, and how many of them it takes.
//!
//! For every decision of a body (not a lapse, not a consent) in which an assumed ballot
//! is cast, `voting::analyse_decision` is asked with the decision's fixed votes (the assumed
//! ballots among them): whether it can still pass; if not, the smallest group of fixed
//! withholding voters that blocks it; if so, the fewest free voters whose withholding then
//! blocks it ("DEU and FRA joining them block") and the free voters who block it alone.
//! Exact: the voting module's searches are exhaustive branch and bound.

use super::decisions::{answer, Decider};
use super::{AnalysisError, TreatyAnalysis};
use crate::model::{ActorId, Ballot, Model};

/// One decision with assumed ballots, and what the others can do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    /// Index into `TreatyAnalysis::decisions`.
    pub decision: usize,
    /// The voters whose ballot is assumed, in member order, with it.
    pub assumed: Vec<(ActorId, Ballot)>,
    /// With the fixed votes, the decision can still pass.
    pub can_pass: bool,
    /// When it cannot: a smallest group of the fixed withholding voters that blocks it.
    pub blockers: Vec<ActorId>,
    /// When it can: the fewest free voters whose withholding blocks it, with the fixed
    /// ballots kept (`None`: not even all of them together).
    pub joining: Option<Vec<ActorId>>,
    /// When it can: the free voters who block it alone.
    pub alone: Vec<ActorId>,
}

/// Every decision of `a` in which an assumed ballot is cast (in decision order).
pub fn given(model: &Model, a: &TreatyAnalysis) -> Result<Vec<Given>, AnalysisError> {
    let mut out = Vec::new();
    for (i, d) in a.decisions.iter().enumerate() {
        if d.lapse || !matches!(d.decider, Decider::Body { .. }) {
            continue;
        }
        let assumed: Vec<(ActorId, Ballot)> = d
            .voters
            .iter()
            .zip(&d.votes)
            .filter(|(&voter, _)| {
                model
                    .assumed
                    .iter()
                    .any(|x| x.actor == voter && x.covers(d.clause))
            })
            .filter_map(|(&voter, v)| v.fixed().map(|b| (voter, b)))
            .collect();
        if assumed.is_empty() {
            continue;
        }
        let now = answer(model, d.decider, &d.votes, d.clause)?;
        let to_actors = |ms: &[usize]| ms.iter().map(|&m| d.voters[m]).collect::<Vec<_>>();
        out.push(Given {
            decision: i,
            assumed,
            can_pass: now.can_pass,
            blockers: to_actors(&now.blockers),
            joining: if now.can_pass {
                now.smallest_blocking_coalition.as_deref().map(to_actors)
            } else {
                None
            },
            alone: if now.can_pass {
                to_actors(&now.veto_players)
            } else {
                Vec::new()
            },
        });
    }
    Ok(out)
}

//! Stage 4: every decision a treaty needs, with the votes of stage 3, and what follows for
//! each clause (adoptable, vetoes, dependencies).
//!
//! A decision is a clause's `requires`: a body voting under one of its rules, or one
//! actor's consent (a one-member decision, answered by `voting::consent`). Each is answered
//! twice by `voting`: with the fixed votes (can it pass, who blocks it) and with every vote
//! free (who can sink it alone, the fewest who can together). The second answer depends
//! only on the decider, so clauses that need the same body and rule share it.
//!
//! `voting` speaks of member indices; they are converted to actors here, once, so nothing
//! after this stage sees a member index.

use std::collections::{BTreeMap, BTreeSet};

use super::rejections::NoReason;
use super::votes::VoteTable;
use super::AnalysisError;
use crate::budget::GaveUp;
use crate::model::{ActorId, BodyId, ClauseRef, Model, Requirement, RuleId, TreatyId};
use crate::solve::ConsistencyReport;
use crate::voting::{self, DecisionAnalysis, Vote, VotingError};

/// Who takes a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decider {
    /// `body` voting under its rule `rule`.
    Body { body: BodyId, rule: RuleId },
    /// The consent of one actor.
    Consent { actor: ActorId },
}

impl Decider {
    fn of(requirement: &Requirement) -> Decider {
        match *requirement {
            Requirement::Body { body, rule, .. } => Decider::Body { body, rule },
            Requirement::Actor { actor, .. } => Decider::Consent { actor },
        }
    }

    /// The voters, in member order (one for a consent).
    pub fn voters(self, model: &Model) -> Vec<ActorId> {
        match self {
            Decider::Body { body, .. } => model.bodies[body].member_actors(),
            Decider::Consent { actor } => vec![actor],
        }
    }
}

/// One decision of one clause.
#[derive(Clone, Debug)]
pub struct Decision {
    pub clause: ClauseRef,
    /// Index of the requirement in the clause.
    pub requirement: usize,
    pub decider: Decider,
    /// The voters, in member order, and each one's vote (`votes[i]` is `voters[i]`'s).
    pub voters: Vec<ActorId>,
    pub votes: Vec<Vote>,
    /// With the fixed votes, the decision passes when every free voter votes yes.
    pub can_pass: bool,
    /// When it cannot pass: a smallest group of the no voters that blocks it on its own.
    pub blockers: Vec<ActorId>,
    /// With every vote free: who can sink it alone, and the fewest who can together
    /// (`None`: nobody can).
    pub structural_vetoes: Vec<ActorId>,
    pub smallest_blocking_coalition: Option<Vec<ActorId>>,
    /// Why each no voter votes no.
    pub no_reasons: BTreeMap<ActorId, Vec<NoReason>>,
}

#[derive(Clone, Debug)]
pub struct ClauseStatus {
    pub clause: ClauseRef,
    /// The clause's content contradicts the facts on its own (a one-clause conflict).
    pub contradictory: bool,
    /// Every decision can pass (and the content is not contradictory).
    pub adoptable: bool,
    /// Actors whose no alone can sink one of its decisions (all other votes free).
    pub vetoes: Vec<ActorId>,
    /// Actors whose action it needs (members of required bodies and required actors).
    pub needs: Vec<ActorId>,
    /// Those of `needs` who are not parties.
    pub non_parties: Vec<ActorId>,
}

/// Every decision of `treaty`, clause by clause, requirement by requirement.
pub(crate) fn all(
    model: &Model,
    treaty: TreatyId,
    votes: &VoteTable<'_>,
) -> Result<Vec<Decision>, AnalysisError> {
    let mut structural: BTreeMap<Decider, DecisionAnalysis> = BTreeMap::new();
    let mut out = Vec::new();
    for (ci, clause) in model.treaties[treaty].clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        for (requirement, req) in clause.requires.iter().enumerate() {
            let decider = Decider::of(req);
            let voters = decider.voters(model);
            let mut fixed = Vec::with_capacity(voters.len());
            let mut no_reasons = BTreeMap::new();
            for &a in &voters {
                let (vote, why) = votes.vote(a, cref);
                if vote == Vote::No {
                    no_reasons.insert(a, why);
                }
                fixed.push(vote);
            }
            let now = answer(model, decider, &fixed, cref)?;
            let free = match structural.get(&decider) {
                Some(known) => known,
                None => {
                    let all_free = vec![Vote::Free; voters.len()];
                    let a = answer(model, decider, &all_free, cref)?;
                    structural.entry(decider).or_insert(a)
                }
            };
            let to_actors = |ms: &[usize]| ms.iter().map(|&m| voters[m]).collect::<Vec<_>>();
            out.push(Decision {
                clause: cref,
                requirement,
                decider,
                can_pass: now.can_pass,
                blockers: to_actors(&now.blockers),
                structural_vetoes: to_actors(&free.veto_players),
                smallest_blocking_coalition: free
                    .smallest_blocking_coalition
                    .as_deref()
                    .map(to_actors),
                voters,
                votes: fixed,
                no_reasons,
            });
        }
    }
    Ok(out)
}

/// `voting`'s answer for one decision with these votes (one per voter, in member order).
fn answer(
    model: &Model,
    decider: Decider,
    votes: &[Vote],
    clause: ClauseRef,
) -> Result<DecisionAnalysis, AnalysisError> {
    match decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            voting::analyse_decision(b, &b.rule(rule).rule, votes).map_err(|e| match e {
                // An exact search past its budget is "gave up" (exit 3), not an input error.
                VotingError::SearchLimit { .. } => AnalysisError::GaveUp(GaveUp::new(
                    format!(
                        "the smallest blocking coalition of clause {}'s decision in `{}`",
                        model.clause(clause).id,
                        b.id
                    ),
                    e.to_string(),
                )),
                other => AnalysisError::Voting(other),
            })
        }
        Decider::Consent { .. } => match votes {
            [vote] => Ok(voting::consent(*vote)),
            _ => Err(AnalysisError::Voting(VotingError::VoteCount {
                expected: 1,
                got: votes.len(),
            })),
        },
    }
}

/// Each clause's status, from its decisions and the conflicts.
pub(crate) fn clause_statuses(
    model: &Model,
    treaty: TreatyId,
    decisions: &[Decision],
    consistency: &ConsistencyReport,
) -> Vec<ClauseStatus> {
    let t = &model.treaties[treaty];
    let mut by_clause: Vec<Vec<&Decision>> = vec![Vec::new(); t.clauses.len()];
    for d in decisions {
        by_clause[d.clause.clause].push(d);
    }
    by_clause
        .into_iter()
        .enumerate()
        .map(|(ci, ds)| {
            let clause = ClauseRef { treaty, clause: ci };
            let contradictory = consistency.contradictory.contains(&clause);
            let vetoes: BTreeSet<ActorId> = ds
                .iter()
                .flat_map(|d| d.structural_vetoes.iter().copied())
                .collect();
            let needs: BTreeSet<ActorId> =
                ds.iter().flat_map(|d| d.voters.iter().copied()).collect();
            ClauseStatus {
                clause,
                contradictory,
                // With contradictory facts nothing can hold, so no clause can be adopted.
                adoptable: consistency.facts_contradiction.is_none()
                    && !contradictory
                    && ds.iter().all(|d| d.can_pass),
                vetoes: vetoes.into_iter().collect(),
                non_parties: needs
                    .iter()
                    .copied()
                    .filter(|a| !t.parties.contains(a))
                    .collect(),
                needs: needs.into_iter().collect(),
            }
        })
        .collect()
}

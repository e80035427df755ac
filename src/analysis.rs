//! The whole-treaty analysis behind `treaty check`: consistency (via `solve`), who
//! rejects the package and why, every decision (clause, body, rule) with its fixed votes
//! (via `voting`), adoptable clauses, feasibility, single-actor vetoes and dependencies.
//!
//! Semantics (docs/semantics.md, "Votes: rejections, stances and decisions"):
//! - a conflict made of clauses and the red lines of one position violates that position:
//!   its holders reject the package, vote no in every decision and do not sign;
//! - `supports` / `opposes` fix a holder's vote on one clause's decisions (a rejection or
//!   an opposition wins over a support: a wrong "adoptable" is the worse error);
//! - `requires ACTOR` is that actor's consent, a one-member decision;
//! - decisions of one clause involve distinct votes and every rule is monotone, so a clause
//!   is adoptable exactly when each of its decisions can pass with the free votes yes;
//! - a veto (`expect veto`, "can block alone") is structural: with every other vote free,
//!   the actor's no alone makes one of the clause's decisions impossible.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    ActorId, BodyId, ClauseRef, ConflictItem, Model, PositionId, Requirement, StanceKind, TreatyId,
};
use crate::solve::{self, Consistency, ConsistencyReport};
use crate::voting::{self, DecisionAnalysis, Vote};

/// Why an actor votes no on a decision.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoReason {
    /// The treaty violates a red line of `position`, as conflict `conflict` shows.
    RedLine {
        position: PositionId,
        conflict: String,
    },
    /// `position` opposes the clause.
    Opposes { position: PositionId },
}

/// An actor that rejects the whole package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub actor: ActorId,
    /// Every reason, sorted (first: the one reports lead with).
    pub reasons: Vec<NoReason>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decider {
    Body { body: BodyId, rule: Option<String> },
    Consent { actor: ActorId },
}

#[derive(Clone, Debug)]
pub struct Decision {
    pub clause: ClauseRef,
    /// Index of the requirement in the clause.
    pub requirement: usize,
    pub decider: Decider,
    /// The actor of each voting member, in member order.
    pub voters: Vec<ActorId>,
    pub votes: Vec<Vote>,
    /// With the fixed votes.
    pub analysis: DecisionAnalysis,
    /// With every vote free: who can sink it alone, and the fewest who can together.
    pub structural_vetoes: Vec<ActorId>,
    pub smallest_blocking_coalition: Option<Vec<ActorId>>,
    /// Why each fixed-no voter votes no.
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

#[derive(Clone, Debug)]
pub struct TreatyAnalysis {
    pub treaty: TreatyId,
    pub consistency: ConsistencyReport,
    pub rejections: Vec<Rejection>,
    pub decisions: Vec<Decision>,
    pub clauses: Vec<ClauseStatus>,
    /// Parties that do not sign (they reject the package).
    pub refusing_parties: Vec<ActorId>,
    /// Some conflict involves clauses only: the text contradicts itself.
    pub self_contradictory: bool,
    pub feasible: bool,
}

#[derive(Debug)]
pub enum AnalysisError {
    /// The solver gave up on a query; nothing is concluded (exit 3).
    Unknown {
        query: String,
        reason: String,
    },
    Failed(String),
}

/// Analyses one treaty.
pub fn analyse(
    model: &Model,
    treaty: TreatyId,
    options: &solve::Options,
) -> Result<TreatyAnalysis, AnalysisError> {
    let consistency = match solve::check_consistency(model, treaty, options) {
        Ok(Consistency::Checked(r)) => r,
        Ok(Consistency::Unknown { query, reason }) => {
            return Err(AnalysisError::Unknown { query, reason })
        }
        Err(e) => return Err(AnalysisError::Failed(e.to_string())),
    };
    let t = &model.treaties[treaty];

    // Who rejects the package, and why.
    let mut reasons: BTreeMap<ActorId, BTreeSet<NoReason>> = BTreeMap::new();
    let mut self_contradictory = false;
    let mut contradictory: BTreeSet<ClauseRef> = BTreeSet::new();
    for c in &consistency.conflicts {
        let positions: BTreeSet<PositionId> = c
            .items
            .iter()
            .filter_map(|i| match i {
                ConflictItem::RedLine { position, .. } => Some(*position),
                ConflictItem::Clause(_) => None,
            })
            .collect();
        let clauses: Vec<ClauseRef> = c
            .items
            .iter()
            .filter_map(|i| match i {
                ConflictItem::Clause(r) => Some(*r),
                ConflictItem::RedLine { .. } => None,
            })
            .collect();
        if clauses.is_empty() {
            continue; // positions at odds with each other or with the facts, not with the treaty
        }
        match positions.len() {
            0 => {
                self_contradictory = true;
                if clauses.len() == 1 {
                    contradictory.insert(clauses[0]);
                }
            }
            1 => {
                let position = *positions.iter().next().unwrap_or(&0);
                for &a in &model.positions[position].held_by {
                    reasons.entry(a).or_default().insert(NoReason::RedLine {
                        position,
                        conflict: c.id.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    let rejections: Vec<Rejection> = reasons
        .iter()
        .map(|(&actor, r)| Rejection {
            actor,
            reasons: r.iter().cloned().collect(),
        })
        .collect();

    // Stances per (actor, clause).
    let mut stances: BTreeMap<(ActorId, ClauseRef), Vec<(StanceKind, PositionId)>> =
        BTreeMap::new();
    for (pi, p) in model.positions.iter().enumerate() {
        for s in &p.stances {
            for &a in &p.held_by {
                stances.entry((a, s.clause)).or_default().push((s.kind, pi));
            }
        }
    }
    let vote_of = |actor: ActorId, clause: ClauseRef| -> (Vote, Vec<NoReason>) {
        let mut why: Vec<NoReason> = reasons
            .get(&actor)
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default();
        let st = stances.get(&(actor, clause));
        for (kind, pos) in st.into_iter().flatten() {
            if *kind == StanceKind::Opposes {
                why.push(NoReason::Opposes { position: *pos });
            }
        }
        if !why.is_empty() {
            why.sort();
            return (Vote::No, why);
        }
        if st.is_some_and(|s| s.iter().any(|(k, _)| *k == StanceKind::Supports)) {
            (Vote::Yes, Vec::new())
        } else {
            (Vote::Free, Vec::new())
        }
    };

    let mut decisions = Vec::new();
    // With every vote free, a decision depends only on its body and rule: several clauses
    // needing the same body and rule share one structural answer.
    type Structural = (Vec<ActorId>, Option<Vec<ActorId>>);
    let mut structural: BTreeMap<(BodyId, Option<String>), Structural> = BTreeMap::new();
    let mut clauses = Vec::new();
    for (ci, clause) in t.clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        // With contradictory facts nothing can hold, so no clause can be adopted.
        let mut adoptable =
            consistency.facts_contradiction.is_none() && !contradictory.contains(&cref);
        let mut vetoes: BTreeSet<ActorId> = BTreeSet::new();
        let mut needs: BTreeSet<ActorId> = BTreeSet::new();
        for (ri, req) in clause.requires.iter().enumerate() {
            let (decider, voters, body_rule) = match req {
                Requirement::Body { body, rule, .. } => {
                    let b = &model.bodies[*body];
                    let voters: Vec<ActorId> = b.members.iter().map(|m| m.actor).collect();
                    let named = b.rule(rule.as_deref()).map(|r| r.rule.clone());
                    (
                        Decider::Body {
                            body: *body,
                            rule: rule.clone(),
                        },
                        voters,
                        named.map(|r| ((*body, rule.clone()), r)),
                    )
                }
                Requirement::Actor { actor, .. } => {
                    (Decider::Consent { actor: *actor }, vec![*actor], None)
                }
            };
            needs.extend(voters.iter().copied());
            let mut votes = Vec::with_capacity(voters.len());
            let mut no_reasons = BTreeMap::new();
            for &a in &voters {
                let (v, why) = vote_of(a, cref);
                if v == Vote::No {
                    no_reasons.insert(a, why);
                }
                votes.push(v);
            }
            let (analysis, structural_vetoes, smallest) = match &body_rule {
                Some((key, rule)) => {
                    let body = &key.0;
                    let b = &model.bodies[*body];
                    // An exact search that ran out of budget is "gave up" (exit 3), like
                    // the solver's unknown, not an input error.
                    let gave_up = |e: voting::VotingError| match e {
                        voting::VotingError::SearchLimit { .. } => AnalysisError::Unknown {
                            query: format!(
                                "the smallest blocking coalition of clause {}'s decision in `{}`",
                                clause.id, b.id
                            ),
                            reason: e.to_string(),
                        },
                        other => AnalysisError::Failed(other.to_string()),
                    };
                    let a = voting::analyse_decision(b, rule, &votes).map_err(gave_up)?;
                    let (sv, sm) = match structural.get(key) {
                        Some(known) => known.clone(),
                        None => {
                            let free =
                                voting::analyse_decision(b, rule, &vec![Vote::Free; votes.len()])
                                    .map_err(gave_up)?;
                            let to_actors = |ms: &[usize]| {
                                ms.iter().map(|&m| b.members[m].actor).collect::<Vec<_>>()
                            };
                            let answer = (
                                to_actors(&free.veto_players),
                                free.smallest_blocking_coalition.as_deref().map(to_actors),
                            );
                            structural.insert(key.clone(), answer.clone());
                            answer
                        }
                    };
                    (a, sv, sm)
                }
                None => {
                    // Consent: passes iff the one actor says yes.
                    let can_pass = votes[0] != Vote::No;
                    let a = DecisionAnalysis {
                        can_pass,
                        veto_players: if can_pass && votes[0] == Vote::Free {
                            vec![0]
                        } else {
                            Vec::new()
                        },
                        blockers: if can_pass { Vec::new() } else { vec![0] },
                        smallest_blocking_coalition: if can_pass {
                            (votes[0] == Vote::Free).then(|| vec![0])
                        } else {
                            Some(Vec::new())
                        },
                    };
                    (a, voters.clone(), Some(voters.clone()))
                }
            };
            adoptable &= analysis.can_pass;
            vetoes.extend(structural_vetoes.iter().copied());
            decisions.push(Decision {
                clause: cref,
                requirement: ri,
                decider,
                voters,
                votes,
                analysis,
                structural_vetoes,
                smallest_blocking_coalition: smallest,
                no_reasons,
            });
        }
        let non_parties = needs
            .iter()
            .copied()
            .filter(|a| !t.parties.contains(a))
            .collect();
        clauses.push(ClauseStatus {
            clause: cref,
            contradictory: contradictory.contains(&cref),
            adoptable,
            vetoes: vetoes.into_iter().collect(),
            needs: needs.into_iter().collect(),
            non_parties,
        });
    }
    let refusing_parties: Vec<ActorId> = t
        .parties
        .iter()
        .copied()
        .filter(|p| reasons.contains_key(p))
        .collect();
    // Contradictory facts leave nothing possible: never report such a treaty feasible.
    let feasible = consistency.facts_contradiction.is_none()
        && !self_contradictory
        && refusing_parties.is_empty()
        && clauses.iter().all(|c| c.adoptable);
    Ok(TreatyAnalysis {
        treaty,
        consistency,
        rejections,
        decisions,
        clauses,
        refusing_parties,
        self_contradictory,
        feasible,
    })
}

impl TreatyAnalysis {
    /// Clauses each actor can block alone, by actor.
    pub fn vetoes_by_actor(&self) -> BTreeMap<ActorId, Vec<ClauseRef>> {
        let mut out: BTreeMap<ActorId, Vec<ClauseRef>> = BTreeMap::new();
        for c in &self.clauses {
            for &a in &c.vetoes {
                out.entry(a).or_default().push(c.clause);
            }
        }
        out
    }

    /// Any finding: a conflict, a blocked clause, or infeasibility.
    pub fn has_findings(&self) -> bool {
        !self.consistency.is_consistent() || !self.feasible
    }

    pub fn clause(&self, c: ClauseRef) -> Option<&ClauseStatus> {
        self.clauses.iter().find(|s| s.clause == c)
    }

    /// The fixed votes of this analysis, for Z3's joint encoding: the rejecting actors,
    /// and every holder's stance on each clause.
    pub fn joint_input(&self, model: &Model) -> solve::JointInput {
        let mut fixed = Vec::new();
        for p in &model.positions {
            for s in &p.stances {
                let v = match s.kind {
                    StanceKind::Supports => Vote::Yes,
                    StanceKind::Opposes => Vote::No,
                };
                fixed.extend(p.held_by.iter().map(|&actor| (actor, s.clause, v)));
            }
        }
        solve::JointInput {
            rejecting: self.rejections.iter().map(|r| r.actor).collect(),
            fixed,
        }
    }
}

/// Asks Z3 the whole question at once (every clause's content and decisions, with the same
/// fixed votes) and lists where it disagrees with this analysis; empty when it agrees.
/// A disagreement is a bug in one of the two, never a finding about the treaty.
pub fn verify_with_z3(
    model: &Model,
    a: &TreatyAnalysis,
    options: &solve::Options,
) -> Result<Vec<String>, AnalysisError> {
    let joint = match solve::treaty_feasibility(model, a.treaty, &a.joint_input(model), options) {
        Ok(j) => j,
        Err(solve::JointError::Unknown { query, reason }) => {
            return Err(AnalysisError::Unknown { query, reason })
        }
        Err(e) => return Err(AnalysisError::Failed(e.to_string())),
    };
    let mut diffs = Vec::new();
    if joint.feasible != a.feasible {
        diffs.push(format!(
            "feasible: analysis says {}, Z3 says {}",
            a.feasible, joint.feasible
        ));
    }
    for (jc, ac) in joint.clauses.iter().zip(&a.clauses) {
        if jc.adoptable != ac.adoptable {
            diffs.push(format!(
                "clause {}: analysis says adoptable = {}, Z3 says {}",
                model.clause(ac.clause).id,
                ac.adoptable,
                jc.adoptable
            ));
        }
    }
    if joint.clauses.len() != a.clauses.len() {
        diffs.push("the two answers cover different clauses".into());
    }
    Ok(diffs)
}

//! Stage 3: each actor's vote on each clause's decisions, with the reasons for a no.
//!
//! An actor whose red lines the treaty violates votes no on the clauses it objects to (a
//! direct no) and, when it holds a position that says `rejects package`, on every other
//! clause too (a knock-on no); so does a holder of a `guaranteed` red line the treaty leaves
//! open, on every clause. `opposes` fixes a no on one clause, `abstains on` an abstention,
//! `supports` a yes. A no wins over an abstention, and both over a yes (a wrong "adoptable"
//! is the worse error); everyone else's vote is free.

use std::collections::BTreeMap;

use super::rejections::{NoReason, Objection};
use crate::model::{ActorId, ClauseRef, Model, PositionId, StanceKind};
use crate::voting::Vote;

pub(crate) struct VoteTable<'a> {
    objections: BTreeMap<ActorId, &'a Objection>,
    stances: BTreeMap<(ActorId, ClauseRef), Vec<(StanceKind, PositionId)>>,
}

impl<'a> VoteTable<'a> {
    pub fn new(model: &Model, objections: &'a [Objection]) -> Self {
        let mut stances: BTreeMap<(ActorId, ClauseRef), Vec<(StanceKind, PositionId)>> =
            BTreeMap::new();
        for (pi, p) in model.positions.iter().enumerate() {
            for s in &p.stances {
                for &a in &p.held_by {
                    stances
                        .entry((a, s.clause))
                        .or_default()
                        .push((s.kind, PositionId(pi)));
                }
            }
        }
        VoteTable {
            objections: objections.iter().map(|o| (o.actor, o)).collect(),
            stances,
        }
    }

    /// How `actor` votes on the decisions of `clause`, and (for a no) why, sorted.
    pub fn vote(&self, actor: ActorId, clause: ClauseRef) -> (Vote, Vec<NoReason>) {
        let from_red_lines = self.objections.get(&actor).and_then(|o| o.no_on(clause));
        let mut no = from_red_lines.is_some();
        let mut why: Vec<NoReason> = from_red_lines.unwrap_or_default();
        let stances = self.stances.get(&(actor, clause));
        for &(kind, position) in stances.into_iter().flatten() {
            if kind == StanceKind::Opposes {
                why.push(NoReason::Opposes { position });
                no = true;
            }
        }
        if no {
            why.sort();
            return (Vote::No, why);
        }
        if stances.is_some_and(|s| s.iter().any(|(k, _)| *k == StanceKind::Abstains)) {
            // An abstention wins over a support, as a no does: the worse case for passing.
            (Vote::Abstain, Vec::new())
        } else if stances.is_some_and(|s| s.iter().any(|(k, _)| *k == StanceKind::Supports)) {
            (Vote::Yes, Vec::new())
        } else {
            (Vote::Free, Vec::new())
        }
    }
}

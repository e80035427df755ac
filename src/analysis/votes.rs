//! Stage 3: each actor's vote on each clause's decisions, with the reasons for a no.
//!
//! An actor whose red lines the treaty violates votes no on the clauses it objects to (a
//! direct no) and, when it holds a position that says `rejects package`, on every other
//! clause too (a knock-on no); so does a holder of a `guaranteed` red line the treaty leaves
//! open, on every clause. `opposes` fixes a no on one clause, `abstains on` an abstention,
//! `supports` a yes. A no wins over an abstention, and both over a yes (a wrong "adoptable"
//! is the worse error); everyone else's vote is free. A ballot assumed by a scenario
//! (`A votes no`) or by `--assume` is fixed and wins over all of these.

use std::collections::BTreeMap;

use super::rejections::{NoReason, Objection};
use crate::model::{ActorId, AssumedBallot, Ballot, ClauseRef, Model, PositionId, StanceKind};
use crate::voting::Vote;

pub(crate) struct VoteTable<'a> {
    objections: BTreeMap<ActorId, &'a Objection>,
    stances: BTreeMap<(ActorId, ClauseRef), Vec<(StanceKind, PositionId)>>,
    assumed: BTreeMap<ActorId, Vec<&'a AssumedBallot>>,
}

impl<'a> VoteTable<'a> {
    pub fn new(model: &'a Model, objections: &'a [Objection]) -> Self {
        let mut assumed: BTreeMap<ActorId, Vec<&AssumedBallot>> = BTreeMap::new();
        for a in &model.assumed {
            assumed.entry(a.actor).or_default().push(a);
        }
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
            assumed,
        }
    }

    /// How `actor` votes on the decisions of `clause`, and (for a no) why, sorted.
    pub fn vote(&self, actor: ActorId, clause: ClauseRef) -> (Vote, Vec<NoReason>) {
        // An assumed ballot is fixed whatever the red lines and stances say; the last one
        // written that covers the clause counts (the command line's come last).
        let assumed = self
            .assumed
            .get(&actor)
            .and_then(|list| list.iter().rev().find(|a| a.covers(clause)));
        if let Some(a) = assumed {
            let why = if a.ballot == Ballot::No {
                vec![NoReason::Assumed {
                    scenario: a.scenario.clone(),
                }]
            } else {
                Vec::new()
            };
            return (Vote::of(a.ballot), why);
        }
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

//! Stage 2: who rejects the package, and why.
//!
//! Whether an actor rejects is decided by `solve` with a query of its own (all of the
//! actor's red lines, over every position it holds, against the clauses and the facts), so
//! it never depends on how many conflicts were listed. The listed conflicts only explain it:
//! a conflict made of clauses and red lines is attributed to every actor that holds all the
//! positions of its red lines, and `solve` lists at least one for every rejecting actor.
//! Whether the clauses contradict themselves (or one clause the facts) is decided the same
//! way. Conflicts without clauses (positions at odds with each other or with the facts)
//! reject nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ActorId, ConflictItem, Model, PositionId};
use crate::solve::ConsistencyReport;

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

/// Each rejecting actor (as `solve` decided) with its reasons, sorted and without repeats.
pub(crate) type Reasons = BTreeMap<ActorId, Vec<NoReason>>;

pub(crate) fn rejections(reasons: &Reasons) -> Vec<Rejection> {
    reasons
        .iter()
        .map(|(&actor, reasons)| Rejection {
            actor,
            reasons: reasons.clone(),
        })
        .collect()
}

pub(crate) fn from_conflicts(model: &Model, consistency: &ConsistencyReport) -> Reasons {
    let mut reasons: BTreeMap<ActorId, BTreeSet<NoReason>> = BTreeMap::new();
    for &actor in &consistency.violated {
        reasons.insert(actor, BTreeSet::new());
    }
    for c in &consistency.conflicts {
        let mut positions: BTreeSet<PositionId> = BTreeSet::new();
        let mut has_clause = false;
        for item in &c.items {
            match item {
                ConflictItem::Clause(_) => has_clause = true,
                ConflictItem::RedLine { position, .. } => {
                    positions.insert(*position);
                }
            }
        }
        if !has_clause || positions.is_empty() {
            continue;
        }
        let holds_all = |a: &ActorId| {
            positions
                .iter()
                .all(|&p| model.positions[p].held_by.contains(a))
        };
        for (_, why) in reasons.iter_mut().filter(|(a, _)| holds_all(a)) {
            for &position in &positions {
                why.insert(NoReason::RedLine {
                    position,
                    conflict: c.id.clone(),
                });
            }
        }
    }
    reasons
        .into_iter()
        .map(|(a, r)| (a, r.into_iter().collect()))
        .collect()
}

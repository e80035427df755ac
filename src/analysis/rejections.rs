//! Stage 2: who rejects the package because of a conflict, and why.
//!
//! A conflict of clauses with the red lines of one position violates that position, so
//! every holder rejects the package. A conflict of clauses alone means the text contradicts
//! itself (and a one-clause conflict, that the clause contradicts the facts). Conflicts
//! without clauses (positions at odds with each other or with the facts) reject nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ActorId, ClauseRef, ConflictItem, Model, PositionId};
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

/// What the conflicts say about the package.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConflictFindings {
    /// Each rejecting actor's reasons, sorted and without repeats.
    pub reasons: BTreeMap<ActorId, Vec<NoReason>>,
    /// Some conflict involves clauses only.
    pub self_contradictory: bool,
    /// Clauses that contradict the facts on their own.
    pub contradictory: BTreeSet<ClauseRef>,
}

impl ConflictFindings {
    pub fn rejections(&self) -> Vec<Rejection> {
        self.reasons
            .iter()
            .map(|(&actor, reasons)| Rejection {
                actor,
                reasons: reasons.clone(),
            })
            .collect()
    }
}

pub(crate) fn from_conflicts(model: &Model, consistency: &ConsistencyReport) -> ConflictFindings {
    let mut reasons: BTreeMap<ActorId, BTreeSet<NoReason>> = BTreeMap::new();
    let mut found = ConflictFindings::default();
    for c in &consistency.conflicts {
        let mut positions: BTreeSet<PositionId> = BTreeSet::new();
        let mut clauses: Vec<ClauseRef> = Vec::new();
        for item in &c.items {
            match item {
                ConflictItem::Clause(r) => clauses.push(*r),
                ConflictItem::RedLine { position, .. } => {
                    positions.insert(*position);
                }
            }
        }
        if clauses.is_empty() {
            continue;
        }
        let positions: Vec<PositionId> = positions.into_iter().collect();
        match positions.as_slice() {
            [] => {
                found.self_contradictory = true;
                if let [clause] = clauses.as_slice() {
                    found.contradictory.insert(*clause);
                }
            }
            [position] => {
                for &a in &model.positions[*position].held_by {
                    reasons.entry(a).or_default().insert(NoReason::RedLine {
                        position: *position,
                        conflict: c.id.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    found.reasons = reasons
        .into_iter()
        .map(|(a, r)| (a, r.into_iter().collect()))
        .collect();
    found
}

//! Counting as analysts count: the clauses, and the points, of a treaty that need action by
//! non-parties or by a member of a named group (`group Europe { EU, NATO }`).
//!
//! A clause's point is the number its id starts with (`13a` is in point 13; see
//! `Clause::point`); a point needs something when one of its clauses does. Lists are in
//! the treaty's order, so counts and the report agree.

use std::collections::BTreeSet;

use super::TreatyAnalysis;
use crate::model::{ClauseRef, Model, TreatyId};

/// The clauses that need something, and the points they make up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    pub clauses: Vec<ClauseRef>,
    pub points: Vec<String>,
}

impl Count {
    fn of(model: &Model, clauses: Vec<ClauseRef>) -> Count {
        let points = points(model, clauses.iter().copied());
        Count { clauses, points }
    }
}

/// The distinct points of `clauses`, in order of first appearance.
pub fn points(model: &Model, clauses: impl Iterator<Item = ClauseRef>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // A set beside the list: a scan of the list made this quadratic (0.4 s of 30,000
    // clauses).
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for c in clauses {
        let p = model.clause(c).point();
        if seen.insert(p) {
            out.push(p.to_string());
        }
    }
    out
}

/// Every point of the treaty.
pub fn all_points(model: &Model, treaty: TreatyId) -> Vec<String> {
    let t = &model.treaties[treaty];
    points(
        model,
        (0..t.clauses.len()).map(|clause| ClauseRef { treaty, clause }),
    )
}

/// The clauses (and points) whose decisions need a vote or consent of an actor who is not
/// a party.
pub fn non_party(model: &Model, a: &TreatyAnalysis) -> Count {
    let clauses = a
        .clauses
        .iter()
        .filter(|s| !s.non_parties.is_empty())
        .map(|s| s.clause)
        .collect();
    Count::of(model, clauses)
}

/// The clauses (and points) that require a member of group `group` (`Group::needed_by`).
pub fn group(model: &Model, treaty: TreatyId, group: usize) -> Count {
    let g = &model.groups[group];
    let t = &model.treaties[treaty];
    let clauses = (0..t.clauses.len())
        .map(|clause| ClauseRef { treaty, clause })
        .filter(|&c| g.needed_by(model.clause(c)))
        .collect();
    Count::of(model, clauses)
}

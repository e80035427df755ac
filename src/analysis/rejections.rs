//! Stage 2: which clauses each actor objects to, who rejects the package, and why.
//!
//! Whose red lines the treaty violates, and which clauses each such actor objects to, is
//! decided by `solve` with queries of its own (see `solve::ConsistencyReport::objections`),
//! so it never depends on how many conflicts were listed. The listed conflicts only explain
//! it: a conflict made of clauses and red lines is attributed to every violated actor that
//! holds all the positions of its red lines, and shows that actor's objection to each of its
//! clauses; `solve` lists at least one for every (actor, objected clause) pair. An actor
//! holding a position that says `rejects package` also votes no on every other clause: a
//! knock-on no, explained by the conflicts that show its red lines violated. Conflicts
//! without clauses (positions at odds with each other or with the facts) explain nothing.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{ActorId, ClauseRef, ConflictItem, Model, PositionId};
use crate::solve::ConsistencyReport;

/// Why an actor votes no on a decision.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoReason {
    /// A direct no: the actor objects to the clause, which is in the listed conflict
    /// `conflict` with red lines of `position` (and of no position the actor does not hold).
    RedLine {
        position: PositionId,
        conflict: String,
    },
    /// The treaty does not guarantee the `guaranteed` red line `red_line` (an index into
    /// `Position::red_lines`) of `position`: no clause is its cause, so it counts against
    /// every decision of the treaty.
    Guarantee {
        position: PositionId,
        red_line: usize,
    },
    /// A knock-on no: the actor does not object to this clause, but `position`, which it
    /// holds, says `rejects package`, and the treaty violates its red lines, as the listed
    /// `conflicts` show.
    Package {
        position: PositionId,
        conflicts: Vec<String>,
    },
    /// `position` opposes the clause.
    Opposes { position: PositionId },
    /// The ballot is assumed (`A votes no` in `scenario`, or `--assume` when `None`).
    Assumed { scenario: Option<String> },
}

impl NoReason {
    /// Whether every one of `reasons` is knock-on (and there is one): a no caused by a
    /// conflict over other clauses only, or by a guarantee the text leaves open (the whole
    /// package is rejected; no clause is the cause).
    pub fn all_knock_on(reasons: &[NoReason]) -> bool {
        !reasons.is_empty()
            && reasons
                .iter()
                .all(|r| matches!(r, NoReason::Package { .. } | NoReason::Guarantee { .. }))
    }
}

/// An actor whose red lines the treaty violates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objection {
    pub actor: ActorId,
    /// The clauses it objects to, in treaty order (empty only when it objects to none but a
    /// guaranteed red line is left open), each with its `RedLine`
    /// reasons, sorted: one per listed conflict that holds the clause and red lines of the
    /// actor only, and per position of those red lines.
    pub clauses: Vec<(ClauseRef, Vec<NoReason>)>,
    /// The positions it holds that say `rejects package`, in model order (empty: it votes no
    /// only on the clauses it objects to).
    pub package: Vec<PositionId>,
    /// The listed conflicts that show its red lines violated (clauses and its own red lines
    /// only), in list order.
    pub conflicts: Vec<String>,
    /// Its `guaranteed` red lines the treaty leaves open (`NoReason::Guarantee`, sorted):
    /// no clause causes them, so they count against every decision of the treaty.
    pub guarantees: Vec<NoReason>,
}

impl Objection {
    pub fn rejects_package(&self) -> bool {
        !self.package.is_empty()
    }

    /// It votes no on every decision of the treaty: it rejects the package over the
    /// clauses it objects to, or a guaranteed red line of it is left open.
    pub fn no_everywhere(&self) -> bool {
        (self.rejects_package() && !self.clauses.is_empty()) || !self.guarantees.is_empty()
    }

    pub fn objects_to(&self, clause: ClauseRef) -> bool {
        self.clauses.iter().any(|(c, _)| *c == clause)
    }

    /// Whether it votes no on the decisions of `clause` because of its red lines, and why:
    /// directly on a clause it objects to, by knock-on on any other when it rejects the
    /// package. `None`: its red lines leave its vote there free.
    pub fn no_on(&self, clause: ClauseRef) -> Option<Vec<NoReason>> {
        let mut why = if let Some((_, why)) = self.clauses.iter().find(|(c, _)| *c == clause) {
            why.clone()
        } else if self.rejects_package() && !self.clauses.is_empty() {
            self.package
                .iter()
                .map(|&position| NoReason::Package {
                    position,
                    conflicts: self.conflicts.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        why.extend(self.guarantees.iter().cloned());
        (!why.is_empty()).then_some(why)
    }
}

/// Each actor whose red lines the treaty violates (as `solve` decided), by actor, with the
/// clauses it objects to (as `solve` decided) and the listed conflicts that show why.
pub(crate) fn objections(model: &Model, consistency: &ConsistencyReport) -> Vec<Objection> {
    // Each listed conflict of clauses and red lines: its clauses and positions.
    let mut shown: Vec<(&str, Vec<ClauseRef>, BTreeSet<PositionId>)> = Vec::new();
    for c in &consistency.conflicts {
        let mut clauses = Vec::new();
        let mut positions = BTreeSet::new();
        for item in &c.items {
            match item {
                ConflictItem::Clause(k) => clauses.push(*k),
                ConflictItem::RedLine { position, .. } => {
                    positions.insert(*position);
                }
            }
        }
        if !clauses.is_empty() && !positions.is_empty() {
            shown.push((&c.id, clauses, positions));
        }
    }
    // Who holds a guaranteed red line the treaty leaves open, and which.
    let mut guarantees: BTreeMap<ActorId, Vec<NoReason>> = BTreeMap::new();
    for g in &consistency.violated_guarantees {
        for &actor in &model.positions[g.position].held_by {
            guarantees
                .entry(actor)
                .or_default()
                .push(NoReason::Guarantee {
                    position: g.position,
                    red_line: g.index,
                });
        }
    }
    let no_clauses: Vec<ClauseRef> = Vec::new();
    let actors: BTreeSet<ActorId> = consistency
        .objections
        .keys()
        .chain(guarantees.keys())
        .copied()
        .collect();
    actors
        .into_iter()
        .map(|actor| {
            let objected = consistency.objections.get(&actor).unwrap_or(&no_clauses);
            let holds = |p: &PositionId| model.positions[*p].held_by.contains(&actor);
            let mine: Vec<&(&str, Vec<ClauseRef>, BTreeSet<PositionId>)> = shown
                .iter()
                .filter(|(_, _, positions)| positions.iter().all(holds))
                .collect();
            let clauses = objected
                .iter()
                .map(|&k| {
                    let mut why: Vec<NoReason> = mine
                        .iter()
                        .filter(|(_, clauses, _)| clauses.contains(&k))
                        .flat_map(|(id, _, positions)| {
                            positions.iter().map(|&position| NoReason::RedLine {
                                position,
                                conflict: (*id).to_string(),
                            })
                        })
                        .collect();
                    why.sort();
                    why.dedup();
                    (k, why)
                })
                .collect();
            let package = model
                .positions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.rejects_package && p.held_by.contains(&actor))
                .map(|(i, _)| PositionId(i))
                .collect();
            let mut guarantees = guarantees.remove(&actor).unwrap_or_default();
            guarantees.sort();
            guarantees.dedup();
            Objection {
                actor,
                clauses,
                package,
                conflicts: mine.iter().map(|(id, _, _)| (*id).to_string()).collect(),
                guarantees,
            }
        })
        .collect()
}

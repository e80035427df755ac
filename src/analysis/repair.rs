//! `treaty repair`: every minimal correction set of a treaty's content (from
//! `solve::minimal_repairs`), ranked by who concedes, each re-checked by analysing the
//! treaty again without its items (the whole pipeline of `analyse`, as `check` does).
//!
//! Semantics (docs/semantics.md, "Repairs"):
//! - ranking: the repairs that drop clauses only (the drafters concede) come first, then
//!   those that drop red lines only (their holders concede), then mixed ones; within each,
//!   by size, then by items in model order;
//! - a dropped clause keeps its requirements (its decisions are still taken: a content
//!   repair removes no veto) and loses its formulas; a dropped red line becomes `true`
//!   (it asks nothing): the re-analysis then must find no conflict of clauses, no actor
//!   whose red lines are violated and no guaranteed line left open, or it is an internal
//!   error (a bug), never a repair reported.

use std::collections::BTreeSet;

use super::{analyse, AnalysisError, TreatyAnalysis};
use crate::model::{ActorId, ConflictItem, Expr, Model, TreatyId};
use crate::solve::{self, SolveError};

/// Who gives something up in a repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Concession {
    /// Only clauses are dropped: the drafters concede.
    Drafters,
    /// Only red lines are dropped: their holders concede.
    Holders,
    /// Both.
    Both,
}

/// One minimal correction set, with the analysis of the treaty without it.
#[derive(Clone, Debug)]
pub struct Repair {
    /// The items dropped, in model order (empty: nothing needs repairing).
    pub items: Vec<ConflictItem>,
    pub concession: Concession,
    /// The holders of the red lines dropped, sorted.
    pub holders: Vec<ActorId>,
    /// The treaty analysed again without the items.
    pub after: TreatyAnalysis,
}

/// The repairs of one treaty.
#[derive(Clone, Debug)]
pub struct Repairs {
    pub treaty: TreatyId,
    /// The treaty as it is.
    pub before: TreatyAnalysis,
    /// The facts contradict each other: no repair of the text can help.
    pub facts_contradiction: bool,
    /// Ranked (see the module documentation); one empty repair when nothing needs it.
    pub repairs: Vec<Repair>,
    /// Every minimal correction set is listed.
    pub complete: bool,
    /// The conflicts a repair must break (clause-only, or of one actor), in model order.
    pub conflicts: Vec<Vec<ConflictItem>>,
    /// The guaranteed red lines the whole text leaves open (every repair drops them).
    pub unguaranteed: Vec<ConflictItem>,
}

impl Repairs {
    /// Nothing to repair: the only minimal correction set is empty.
    pub fn none_needed(&self) -> bool {
        !self.facts_contradiction && self.repairs.len() == 1 && self.repairs[0].items.is_empty()
    }
}

/// The rank of a set of dropped items: who concedes, and the holders of its red lines.
pub fn concession(model: &Model, items: &[ConflictItem]) -> (Concession, Vec<ActorId>) {
    let clauses = items.iter().any(|i| matches!(i, ConflictItem::Clause(_)));
    let mut holders: BTreeSet<ActorId> = BTreeSet::new();
    for i in items {
        if let ConflictItem::RedLine { position, .. } = i {
            holders.extend(model.positions[*position].held_by.iter().copied());
        }
    }
    let lines = items
        .iter()
        .any(|i| matches!(i, ConflictItem::RedLine { .. }));
    let c = match (clauses, lines) {
        (true, true) => Concession::Both,
        (false, true) => Concession::Holders,
        _ => Concession::Drafters,
    };
    (c, holders.into_iter().collect())
}

/// `model` with `items` dropped: each dropped clause of `treaty` keeps its requirements
/// and loses its formulas, each dropped red line asks nothing (`true`).
pub fn without(model: &Model, items: &[ConflictItem]) -> Model {
    let mut m = model.clone();
    for item in items {
        match item {
            ConflictItem::Clause(c) => {
                if let Some(clause) = m
                    .treaties
                    .get_mut(c.treaty.index())
                    .and_then(|t| t.clauses.get_mut(c.clause))
                {
                    clause.formulas.clear();
                }
            }
            ConflictItem::RedLine { position, index } => {
                if let Some(line) = m
                    .positions
                    .get_mut(position.0)
                    .and_then(|p| p.red_lines.get_mut(*index))
                {
                    line.formula.expr = Expr::Const(true);
                }
            }
        }
    }
    m
}

/// Every minimal correction set of `treaty` (at most `max`), ranked and re-checked.
pub fn repairs(
    model: &Model,
    treaty: TreatyId,
    options: &solve::Options,
    max: Option<usize>,
) -> Result<Repairs, AnalysisError> {
    let before = analyse(model, treaty, options)?;
    let sets = solve::minimal_repairs(model, treaty, options, max)?;
    let mut repairs = Vec::with_capacity(sets.repairs.len());
    for items in sets.repairs {
        let (concession, holders) = concession(model, &items);
        let after = if items.is_empty() {
            before.clone()
        } else {
            analyse(&without(model, &items), treaty, options)?
        };
        let c = &after.consistency;
        let repaired = c.facts_contradiction.is_none()
            && !c.self_contradictory
            && after.objections.is_empty()
            && c.violated_guarantees.is_empty();
        if !repaired {
            return Err(AnalysisError::Solve(SolveError::Internal(format!(
                "the repair {{ {} }} fails its re-check: the treaty without it still has a content finding",
                crate::model::names::items_text(model, &items)
            ))));
        }
        repairs.push(Repair {
            items,
            concession,
            holders,
            after,
        });
    }
    repairs.sort_by(|a, b| {
        a.concession
            .cmp(&b.concession)
            .then_with(|| a.items.len().cmp(&b.items.len()))
            .then_with(|| a.items.cmp(&b.items))
    });
    Ok(Repairs {
        treaty,
        before,
        facts_contradiction: sets.facts_contradiction,
        repairs,
        complete: sets.complete,
        conflicts: sets.conflicts,
        unguaranteed: sets.unguaranteed,
    })
}

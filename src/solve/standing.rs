//! What the treaty's content decides, exactly and whatever the listing cap: whether the
//! clauses contradict the facts (together, or one alone), and which actors' red lines the
//! treaty violates, each with one minimal conflict as its witness.
//!
//! Semantics (docs/semantics.md, "Who rejects the package"): an actor's red lines are one
//! set, whatever positions carry them. The treaty violates them when some minimal conflict
//! is made of clauses and red lines of that actor only (at most one `possible` line, as a
//! possible line must stay possible on its own). With `C` the clauses, `R` the actor's must
//! lines (plus one of its possible lines) and the facts hard, such a conflict exists iff
//! there are `X ⊆ C` and `Y ⊆ R`, each satisfiable, with `X ∪ Y` unsatisfiable; growing
//! both keeps that, so it is enough to try the maximal satisfiable subsets (MSSes) of `C`
//! and of `R`. When the clauses hold together (the usual case) `C` is its own only MSS and
//! the question is one query per variant of `R`. Any unsatisfiable subset of `X ∪ Y` meets
//! both sides, so the witness (a MUS of `X ∪ Y`, found by core and deletion) does too.
//!
//! Every query runs under the analysis budget: a search that runs out gives up (exit 3);
//! nothing here is ever decided by how many conflicts were listed.

use std::collections::BTreeMap;

use z3::ast::Bool;
use z3::Solver;

use super::consistency::{Kind, SoftItem};
use super::query::{shrink_by_deletion, Abort, Answer, Budget};
use crate::model::{ActorId, Model};

/// The verdict-bearing facts about a treaty's content.
pub(crate) struct Standing {
    /// The clauses contradict each other or the facts.
    pub self_contradictory: bool,
    /// Item indices of clauses that contradict the facts on their own.
    pub contradictory: Vec<usize>,
    /// Each actor whose red lines the treaty violates, with a minimal conflict (item
    /// indices, ascending) of clauses and its own red lines.
    pub rejecting: Vec<(ActorId, Vec<usize>)>,
}

/// Queries over the soft items on the main solver, where every item is asserted behind
/// its indicator and the facts are asserted.
pub(crate) struct ItemSolver<'a> {
    pub main: &'a Solver,
    pub budget: &'a Budget,
    pub indicators: &'a [Bool],
    /// How to name a set of items in a "gave up" report.
    pub describe: &'a dyn Fn(&[usize]) -> String,
}

impl ItemSolver<'_> {
    /// `None` when `set` holds with the facts, else its unsat core (ascending).
    fn core(&self, set: &[usize]) -> Result<Option<Vec<usize>>, Abort> {
        let lits: Vec<Bool> = set.iter().map(|&i| self.indicators[i].clone()).collect();
        match self
            .budget
            .check(self.main, &lits, &|| (self.describe)(set))?
        {
            Answer::Sat => Ok(None),
            Answer::Unsat => {
                let core = self.main.get_unsat_core();
                let mut out: Vec<usize> = set
                    .iter()
                    .copied()
                    .filter(|&i| core.iter().any(|c| c == &self.indicators[i]))
                    .collect();
                out.sort_unstable();
                Ok(Some(out))
            }
        }
    }

    fn holds(&self, set: &[usize]) -> Result<bool, Abort> {
        Ok(self.core(set)?.is_none())
    }

    /// A minimal unsatisfiable subset of the unsatisfiable `set`: core, then deletion in
    /// item order.
    fn shrink(&self, set: &[usize]) -> Result<Vec<usize>, Abort> {
        let core = self.core(set)?.ok_or_else(|| {
            Abort::Internal("a set found unsatisfiable holds on a second look".into())
        })?;
        shrink_by_deletion(core, |s| self.core(s))
    }

    /// Every maximal subset of `universe` that holds with the facts (MARCO's map over the
    /// subsets: an unexplored satisfiable seed is grown to an MSS and everything below it
    /// blocked; an unsatisfiable one is shrunk to a MUS and everything above it blocked).
    fn msses(&self, universe: &[usize]) -> Result<Vec<Vec<usize>>, Abort> {
        if self.holds(universe)? {
            return Ok(vec![universe.to_vec()]);
        }
        let map = Solver::new();
        self.budget.configure(&map);
        let var = |i: usize| Bool::new_const(format!("mss{i}"));
        let mut found: Vec<Vec<usize>> = Vec::new();
        loop {
            let q = || "the next maximal satisfiable set of items".to_string();
            if self.budget.check(&map, &[], &q)? == Answer::Unsat {
                return Ok(found);
            }
            let model = map
                .get_model()
                .ok_or_else(|| Abort::Internal("the map solver gave no model".into()))?;
            let seed: Vec<usize> = universe
                .iter()
                .copied()
                .filter(|&i| {
                    model
                        .eval(&var(i), true)
                        .and_then(|b| b.as_bool())
                        .unwrap_or(false)
                })
                .collect();
            if self.holds(&seed)? {
                let mut mss = seed;
                for &x in universe {
                    if !mss.contains(&x) {
                        let mut s = mss.clone();
                        s.push(x);
                        s.sort_unstable();
                        if self.holds(&s)? {
                            mss = s;
                        }
                    }
                }
                let outside: Vec<Bool> = universe
                    .iter()
                    .filter(|x| !mss.contains(x))
                    .map(|&x| var(x))
                    .collect();
                map.assert(Bool::or(&outside));
                found.push(mss);
            } else {
                let mus = self.shrink(&seed)?;
                let block: Vec<Bool> = mus.iter().map(|&x| var(x).not()).collect();
                map.assert(Bool::or(&block));
            }
        }
    }
}

/// Decides the standing of the treaty whose soft items are `items`; `component[i]` is the
/// variable component of item `i` (a minimal conflict never spans two components, so each
/// question is asked inside one).
pub(crate) fn standing(
    model: &Model,
    items: &[SoftItem<'_>],
    component: &[usize],
    q: &ItemSolver<'_>,
) -> Result<Standing, Abort> {
    let clauses: Vec<usize> = (0..items.len())
        .filter(|&i| matches!(items[i].kind, Kind::Clause))
        .collect();
    let mut by_component: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &c in &clauses {
        by_component.entry(component[c]).or_default().push(c);
    }
    let mut out = Standing {
        self_contradictory: false,
        contradictory: Vec::new(),
        rejecting: Vec::new(),
    };
    // The maximal satisfiable sets of each component's clauses, found when first needed.
    let mut clause_msses: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
    if !q.holds(&clauses)? {
        out.self_contradictory = true;
        for (&k, cs) in &by_component {
            if q.holds(cs)? {
                clause_msses.insert(k, vec![cs.clone()]);
                continue;
            }
            for &c in cs {
                if !q.holds(&[c])? {
                    out.contradictory.push(c);
                }
            }
        }
    } else {
        for (&k, cs) in &by_component {
            clause_msses.insert(k, vec![cs.clone()]);
        }
    }
    // Actors with the same red lines get the same answer: ask once per set.
    let mut known: BTreeMap<RedLines, Option<Vec<usize>>> = BTreeMap::new();
    for (a, _) in model.actors.iter().enumerate() {
        let actor = ActorId(a);
        let (musts, possibles) = red_lines_of(model, items, actor);
        if musts.is_empty() && possibles.is_empty() {
            continue;
        }
        let key = (musts, possibles);
        let witness = match known.get(&key) {
            Some(w) => w.clone(),
            None => {
                let mut variants: Vec<Vec<usize>> = vec![key.0.clone()];
                for &p in &key.1 {
                    let mut v = key.0.clone();
                    v.push(p);
                    v.sort_unstable();
                    variants.push(v);
                }
                let mut w = None;
                for red in &variants {
                    w = violation(q, component, &by_component, &mut clause_msses, red)?;
                    if w.is_some() {
                        break;
                    }
                }
                known.insert(key, w.clone());
                w
            }
        };
        if let Some(w) = witness {
            out.rejecting.push((actor, w));
        }
    }
    Ok(out)
}

/// An actor's must lines and possible lines (item indices).
type RedLines = (Vec<usize>, Vec<usize>);

/// The item indices of `actor`'s must lines and possible lines, over every position it
/// holds.
fn red_lines_of(model: &Model, items: &[SoftItem<'_>], actor: ActorId) -> RedLines {
    let held = |p: crate::model::PositionId| model.positions[p].held_by.contains(&actor);
    let mut musts = Vec::new();
    let mut possibles = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item.kind {
            Kind::Must(p) if held(p) => musts.push(i),
            Kind::Possible(p) if held(p) => possibles.push(i),
            _ => {}
        }
    }
    (musts, possibles)
}

/// A minimal conflict of clauses with red lines from `red`, if there is one; asked in each
/// variable component that has both.
fn violation(
    q: &ItemSolver<'_>,
    component: &[usize],
    clauses: &BTreeMap<usize, Vec<usize>>,
    clause_msses: &mut BTreeMap<usize, Vec<Vec<usize>>>,
    red: &[usize],
) -> Result<Option<Vec<usize>>, Abort> {
    let mut red_by_component: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &r in red {
        red_by_component.entry(component[r]).or_default().push(r);
    }
    for (k, red_k) in &red_by_component {
        let Some(cs) = clauses.get(k) else { continue };
        if !clause_msses.contains_key(k) {
            clause_msses.insert(*k, q.msses(cs)?);
        }
        let xs = clause_msses.get(k).map_or(&[][..], |v| v.as_slice());
        for y in q.msses(red_k)? {
            if y.is_empty() {
                continue;
            }
            for x in xs.iter().filter(|x| !x.is_empty()) {
                let mut both: Vec<usize> = x.iter().chain(&y).copied().collect();
                both.sort_unstable();
                if !q.holds(&both)? {
                    return Ok(Some(q.shrink(&both)?));
                }
            }
        }
    }
    Ok(None)
}

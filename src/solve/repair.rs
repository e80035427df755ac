//! Repairs: every minimal correction set (MCS) of a treaty's content, with Z3.
//!
//! Semantics (docs/semantics.md, "Repairs"). The items are the treaty's clauses that have
//! formulas and every red line of every position (`must`, `possible`, `guaranteed`). A set
//! R of items is a *repair* when, with R dropped:
//! 1. the facts and the remaining clauses hold together;
//! 2. no actor's remaining red lines are violated: no minimal conflict of clauses and red
//!    lines of one actor only (at least one of each, at most one `possible` line) is left;
//! 3. every remaining `guaranteed` line follows from the facts and the remaining clauses.
//!
//! A *minimal correction set* is a repair none of whose proper subsets is a repair.
//!
//! How it is decided, exactly:
//! - Conditions 1 and 2 say "R meets every *relevant* minimal conflict": the clause-only
//!   conflicts and the conflicts of one actor. A minimal conflict is a property of the set
//!   itself, so dropping R removes exactly the conflicts R meets. They are enumerated
//!   completely by MARCO (`marco`), per variable component: once over the clauses alone,
//!   and once per distinct set of red lines an actor holds, over the clauses and those
//!   lines, restricted to the sets that hold a line and a clause (an upward-closed region,
//!   so every conflict of that actor is found) with at most one possible line.
//! - Condition 3 is not a hitting-set condition: dropping clauses can make a guaranteed
//!   line fail. With the facts and `¬F` hard, the minimal sets of clauses that entail F (the
//!   minimal unsatisfiable subsets of the clauses then) are enumerated by MARCO; line F is
//!   kept guaranteed exactly when F is dropped or one such set is kept whole. When the
//!   whole text does not entail F, no set does and F must be dropped; when the facts alone
//!   entail it, it holds whatever is dropped.
//! - Repairs are thus exactly the models of a Boolean formula over one "drop" variable per
//!   item that occurs in those lists. Removing a clause or a non-guaranteed line from a
//!   repair can only break condition 1 or 2, and removing a guaranteed line from a repair
//!   that has a smaller repair inside keeps the clauses that repair keeps, so a repair is
//!   minimal exactly when no single item can be taken out of it (see `is_minimal`).
//! - The minimal repairs are enumerated by size on a third solver: under "at most k items
//!   dropped" for k = 0, 1, ..., each model is a repair that contains no repair found
//!   before (every such superset is blocked), hence a minimal one of size k; each is
//!   checked again in Rust against the lists. The enumeration stops after `max` repairs and
//!   says whether another exists.
//! - `unknown` gives up (`Abort::GaveUp`), never a guess. One fresh Z3 context per call.

use std::collections::{BTreeMap, BTreeSet};

use z3::ast::Bool;
use z3::Solver;

use super::consistency::{describe_set, soft_items, vars_of, Kind, Partition, SoftItem};
use super::guarantee::guaranteed_lines;
use super::lower::Lowering;
use super::marco::{Component, Marco, Next};
use super::query::{Abort, Answer, Budget, ItemSolver};
use super::{Options, SolveError};
use crate::model::names::item_name;
use crate::model::{ConflictItem, Expr, Model, PositionId, TreatyId};

/// The minimal correction sets of one treaty's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepairSets {
    pub treaty: TreatyId,
    /// The facts contradict each other: no set of items repairs that (no repair listed).
    pub facts_contradiction: bool,
    /// The minimal correction sets found, each in model order, sorted by size then items.
    /// `[[]]` when nothing needs repairing.
    pub repairs: Vec<Vec<ConflictItem>>,
    /// Every minimal correction set is listed (`false`: `max` stopped the enumeration and
    /// at least one more exists; the ones listed are then the smallest).
    pub complete: bool,
    /// The minimal conflicts a repair must break (clause-only ones and conflicts of one
    /// actor), in model order.
    pub conflicts: Vec<Vec<ConflictItem>>,
    /// The guaranteed red lines that the whole text does not guarantee: every repair drops
    /// them.
    pub unguaranteed: Vec<ConflictItem>,
}

/// Every minimal correction set of `treaty`'s content (up to `max`), under the budget of
/// `options` (`max_conflicts` is not used: the conflicts are always enumerated in full).
pub fn minimal_repairs(
    model: &Model,
    treaty: TreatyId,
    options: &Options,
    max: Option<usize>,
) -> Result<RepairSets, SolveError> {
    if treaty.index() >= model.treaties.len() {
        return Err(SolveError::NoSuchTreaty(treaty));
    }
    let budget = Budget::new(options.timeout_ms, options.rlimit);
    budget.in_context(|| enumerate(model, treaty, &budget, max).map_err(SolveError::from))
}

/// A guaranteed line and what keeping it needs.
struct Guard {
    /// Universe index of the line.
    line: usize,
    /// `None`: the facts alone entail it (no condition). `Some(sets)`: kept only when one of
    /// these sets of clauses (universe indices) is kept whole; empty when none is.
    support: Option<Vec<Vec<usize>>>,
}

/// What a repair must satisfy (universe indices).
struct Conditions {
    hit: Vec<Vec<usize>>,
    guards: Vec<Guard>,
}

impl Conditions {
    fn is_repair(&self, drop: &BTreeSet<usize>) -> bool {
        self.hit.iter().all(|m| m.iter().any(|i| drop.contains(i)))
            && self.guards.iter().all(|g| {
                drop.contains(&g.line)
                    || match &g.support {
                        None => true,
                        Some(sets) => sets.iter().any(|s| s.iter().all(|c| !drop.contains(c))),
                    }
            })
    }

    /// A repair from which no single item can be taken out (which is minimal, see the
    /// module documentation).
    fn is_minimal(&self, drop: &BTreeSet<usize>) -> bool {
        self.is_repair(drop)
            && drop.iter().all(|x| {
                let mut less = drop.clone();
                less.remove(x);
                !self.is_repair(&less)
            })
    }

    /// Takes items out of a repair, in order, while it stays one.
    fn shrink(&self, mut drop: BTreeSet<usize>) -> BTreeSet<usize> {
        let all: Vec<usize> = drop.iter().copied().collect();
        for x in all {
            drop.remove(&x);
            if !self.is_repair(&drop) {
                drop.insert(x);
            }
        }
        drop
    }
}

fn enumerate(
    model: &Model,
    treaty: TreatyId,
    budget: &Budget,
    max: Option<usize>,
) -> Result<RepairSets, Abort> {
    let lowering = Lowering::new(model);
    let lower_err = |e: SolveError| Abort::Internal(e.to_string());
    let fact_exprs: Vec<&Expr> = model.facts.iter().map(|f| &f.formula.expr).collect();
    let main = Solver::new();
    budget.configure(&main);
    for f in &fact_exprs {
        main.assert(lowering.bool(f).map_err(lower_err)?);
    }
    let q = || "whether the facts are consistent".to_string();
    if budget.check(&main, &[], &q)? == Answer::Unsat {
        return Ok(RepairSets {
            treaty,
            facts_contradiction: true,
            repairs: Vec::new(),
            complete: true,
            conflicts: Vec::new(),
            unguaranteed: Vec::new(),
        });
    }

    // The universe: the soft items (clauses, must and possible lines), then the guaranteed
    // lines.
    let items = soft_items(model, treaty);
    let n = items.len();
    let guaranteed = guaranteed_lines(model);
    let mut universe: Vec<ConflictItem> = items.iter().map(|i| i.item.clone()).collect();
    universe.extend(
        guaranteed
            .iter()
            .map(|&(position, index, _)| ConflictItem::RedLine { position, index }),
    );
    let names: Vec<String> = universe.iter().map(|i| item_name(model, i)).collect();
    let describe = |set: &[usize]| describe_set(&names, set);

    let indicators: Vec<Bool> = (0..n)
        .map(|i| Bool::new_const(format!("item{i}")))
        .collect();
    let map_vars: Vec<Bool> = (0..n)
        .map(|i| Bool::new_const(format!("seed{i}")))
        .collect();
    for (i, item) in items.iter().enumerate() {
        let body = lowering.all(&item.formulas).map_err(lower_err)?;
        main.assert(indicators[i].implies(&body));
    }
    let map = Solver::new();
    budget.configure(&map);
    let q = ItemSolver {
        main: &main,
        budget,
        indicators: &indicators,
        describe: &describe,
    };
    let marco = Marco {
        items: &q,
        map: &map,
        map_vars: &map_vars,
    };

    // 1 and 2: the relevant conflicts, per component.
    let hit = relevant_conflicts(model, &items, &fact_exprs, &marco)?;

    // 3: the guaranteed lines, on a solver of their own (the facts, the clauses behind their
    // indicators, and the line's negation).
    let clauses: Vec<usize> = (0..n)
        .filter(|&i| matches!(items[i].kind, Kind::Clause))
        .collect();
    let mut guards = Vec::new();
    if !guaranteed.is_empty() {
        let side = Solver::new();
        budget.configure(&side);
        for f in &fact_exprs {
            side.assert(lowering.bool(f).map_err(lower_err)?);
        }
        for &c in &clauses {
            let body = lowering.all(&items[c].formulas).map_err(lower_err)?;
            side.assert(indicators[c].implies(&body));
        }
        let sq = ItemSolver {
            main: &side,
            budget,
            indicators: &indicators,
            describe: &describe,
        };
        let smarco = Marco {
            items: &sq,
            map: &map,
            map_vars: &map_vars,
        };
        for (j, &(_, _, formula)) in guaranteed.iter().enumerate() {
            let line = n + j;
            side.push();
            let r = (|| {
                side.assert(lowering.bool(formula).map_err(lower_err)?.not());
                let ask = || format!("whether the facts alone guarantee {}", names[line]);
                if budget.check(&side, &[], &ask)? == Answer::Unsat {
                    return Ok(None);
                }
                if sq.holds(&clauses)? {
                    return Ok(Some(Vec::new()));
                }
                let comp = Component {
                    items: &clauses,
                    incompatible: vec![Vec::new(); clauses.len()],
                };
                let mut sets = Vec::new();
                smarco.explore(&comp, &[], &mut |mus| {
                    sets.push(mus);
                    Next::Go
                })?;
                sets.sort();
                Ok(Some(sets))
            })();
            side.pop(1);
            guards.push(Guard { line, support: r? });
        }
    }
    let unguaranteed: Vec<ConflictItem> = guards
        .iter()
        .filter(|g| g.support.as_ref().is_some_and(|s| s.is_empty()))
        .map(|g| universe[g.line].clone())
        .collect();
    let conditions = Conditions { hit, guards };

    // The minimal hitting sets, by size.
    let (found, complete) = minimal_sets(&conditions, budget, max)?;
    let as_items = |set: &BTreeSet<usize>| {
        let mut v: Vec<ConflictItem> = set.iter().map(|&i| universe[i].clone()).collect();
        v.sort();
        v
    };
    let mut repairs: Vec<Vec<ConflictItem>> = found.iter().map(as_items).collect();
    repairs.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let mut conflicts: Vec<Vec<ConflictItem>> = conditions
        .hit
        .iter()
        .map(|m| {
            let mut v: Vec<ConflictItem> = m.iter().map(|&i| universe[i].clone()).collect();
            v.sort();
            v
        })
        .collect();
    conflicts.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    Ok(RepairSets {
        treaty,
        facts_contradiction: false,
        repairs,
        complete,
        conflicts,
        unguaranteed,
    })
}

/// Every minimal conflict made of clauses only, or of clauses and red lines of one actor
/// (at least one of each, at most one possible line): universe indices, ascending, no
/// repeats, sorted.
fn relevant_conflicts(
    model: &Model,
    items: &[SoftItem<'_>],
    fact_exprs: &[&Expr],
    marco: &Marco<'_>,
) -> Result<Vec<Vec<usize>>, Abort> {
    // Components through the items' and the facts' variables: with consistent facts no
    // minimal conflict spans two.
    let mut part = Partition::new(model.vars.len());
    let item_vars: Vec<Vec<usize>> = items.iter().map(|i| vars_of(&i.formulas)).collect();
    for vs in &item_vars {
        part.union_all(vs);
    }
    for e in fact_exprs {
        part.union_all(&vars_of(&[*e]));
    }
    let mut components: BTreeMap<(bool, usize), Vec<usize>> = BTreeMap::new();
    for (i, vs) in item_vars.iter().enumerate() {
        let key = match vs.first() {
            Some(&v) => (true, part.find(v)),
            None => (false, i),
        };
        components.entry(key).or_default().push(i);
    }
    // The distinct sets of red lines actors hold.
    let mut profiles: BTreeSet<Vec<usize>> = BTreeSet::new();
    for a in 0..model.actors.len() {
        let held = |p: PositionId| {
            model.positions[p]
                .held_by
                .contains(&crate::model::ActorId(a))
        };
        let lines: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, it)| match it.kind {
                Kind::Must(p) | Kind::Possible(p) => held(p),
                Kind::Clause => false,
            })
            .map(|(i, _)| i)
            .collect();
        if !lines.is_empty() {
            profiles.insert(lines);
        }
    }
    let is_clause = |i: usize| matches!(items[i].kind, Kind::Clause);
    let mut found: BTreeSet<Vec<usize>> = BTreeSet::new();
    for comp_items in components.values() {
        let clauses: Vec<usize> = comp_items
            .iter()
            .copied()
            .filter(|&i| is_clause(i))
            .collect();
        if clauses.is_empty() {
            continue;
        }
        let comp = Component {
            items: &clauses,
            incompatible: vec![Vec::new(); clauses.len()],
        };
        marco.explore(&comp, &[], &mut |mus| {
            found.insert(mus);
            Next::Go
        })?;
        for lines in &profiles {
            let here: Vec<usize> = lines
                .iter()
                .copied()
                .filter(|i| comp_items.binary_search(i).is_ok())
                .collect();
            if here.is_empty() {
                continue;
            }
            let mut universe: Vec<usize> = clauses.iter().chain(&here).copied().collect();
            universe.sort_unstable();
            let possible = |i: usize| matches!(items[i].kind, Kind::Possible(_));
            let incompatible: Vec<Vec<usize>> = universe
                .iter()
                .enumerate()
                .map(|(a, &ia)| {
                    universe
                        .iter()
                        .enumerate()
                        .filter(|&(b, &ib)| b != a && possible(ia) && possible(ib))
                        .map(|(b, _)| b)
                        .collect()
                })
                .collect();
            let comp = Component {
                items: &universe,
                incompatible,
            };
            let focus = vec![here.clone(), clauses.clone()];
            marco.explore(&comp, &focus, &mut |mus| {
                if mus.iter().any(|&i| is_clause(i)) && mus.iter().any(|&i| !is_clause(i)) {
                    found.insert(mus);
                }
                Next::Go
            })?;
        }
    }
    Ok(found.into_iter().collect())
}

/// The minimal repairs of `conditions` by size (at most `max`), and whether that is all
/// of them.
fn minimal_sets(
    conditions: &Conditions,
    budget: &Budget,
    max: Option<usize>,
) -> Result<(Vec<BTreeSet<usize>>, bool), Abort> {
    // The items that can be in a minimal repair: those of a conflict or a guard.
    let mut relevant: BTreeSet<usize> = conditions.hit.iter().flatten().copied().collect();
    for g in &conditions.guards {
        relevant.insert(g.line);
        for s in g.support.iter().flatten() {
            relevant.extend(s.iter().copied());
        }
    }
    let relevant: Vec<usize> = relevant.into_iter().collect();
    let var: BTreeMap<usize, Bool> = relevant
        .iter()
        .map(|&i| (i, Bool::new_const(format!("drop{i}"))))
        .collect();
    let d = |i: &usize| {
        var.get(i)
            .cloned()
            .unwrap_or_else(|| Bool::from_bool(false))
    };
    let solver = Solver::new();
    budget.configure(&solver);
    for m in &conditions.hit {
        let lits: Vec<Bool> = m.iter().map(d).collect();
        solver.assert(Bool::or(&lits));
    }
    for g in &conditions.guards {
        let Some(sets) = &g.support else { continue };
        let mut alts: Vec<Bool> = vec![d(&g.line)];
        for s in sets {
            let keep: Vec<Bool> = s.iter().map(|c| d(c).not()).collect();
            alts.push(Bool::and(&keep));
        }
        solver.assert(Bool::or(&alts));
    }
    let all: Vec<(&Bool, i32)> = var.values().map(|b| (b, 1)).collect();
    let mut found: Vec<BTreeSet<usize>> = Vec::new();
    for k in 0..=relevant.len() {
        let q = || "whether another minimal repair exists".to_string();
        if budget.check(&solver, &[], &q)? == Answer::Unsat {
            return Ok((found, true));
        }
        let bound_k = i32::try_from(k)
            .map_err(|_| Abort::Internal("too many items for a repair bound".into()))?;
        let at_most = Bool::new_const(format!("at_most{k}"));
        solver.assert(at_most.implies(Bool::pb_le(&all, bound_k)));
        loop {
            let q = || format!("whether another minimal repair of {k} items exists");
            if budget.check(&solver, std::slice::from_ref(&at_most), &q)? == Answer::Unsat {
                break;
            }
            let m = solver
                .get_model()
                .ok_or_else(|| Abort::Internal("Z3 gave no model".into()))?;
            let drop: BTreeSet<usize> = var
                .iter()
                .filter(|(_, b)| m.eval(*b, true).and_then(|v| v.as_bool()).unwrap_or(false))
                .map(|(&i, _)| i)
                .collect();
            if !conditions.is_repair(&drop) {
                return Err(Abort::Internal(
                    "a model of the repair conditions fails their re-check".into(),
                ));
            }
            let drop = conditions.shrink(drop);
            if drop.len() != k || !conditions.is_minimal(&drop) {
                return Err(Abort::Internal(
                    "a repair found by size is not minimal on its re-check".into(),
                ));
            }
            if max.is_some_and(|mx| found.len() >= mx) {
                return Ok((found, false));
            }
            let block: Vec<Bool> = drop.iter().map(|i| d(i).not()).collect();
            solver.assert(Bool::or(&block));
            found.push(drop);
        }
    }
    let q = || "whether another minimal repair exists".to_string();
    let done = budget.check(&solver, &[], &q)? == Answer::Unsat;
    if !done {
        return Err(Abort::Internal(
            "a repair is left after every size was searched".into(),
        ));
    }
    Ok((found, true))
}

//! The consistency analysis: which clauses of a treaty and which red lines cannot hold
//! together, as every minimal conflict (minimal unsatisfiable subset), with Z3.
//!
//! Its job and invariants:
//! - Input is the resolved `Model` (plain data); output is plain data too (`ConsistencyReport`,
//!   no Z3 types), so reports and tests need no solver.
//! - Semantics (docs/semantics.md, "Conflicts"): the facts are hard. The soft items
//!   are the clauses of the treaty that have formulas (a clause is the conjunction of its
//!   formulas; one without formulas is trivially true) and every `must` red line of every
//!   position. A `possible` red line P of position A is one more item that may only be
//!   combined with clauses, A's own must-lines and the facts: every minimal set S with P in
//!   it such that S and the facts are unsatisfiable is a conflict too.
//! - Facts that contradict each other on their own are reported as such (a minimal subset
//!   of them) and no conflict is enumerated then: everything would be one.
//! - `guaranteed` red lines are not soft items (they are not about consistency). When the
//!   facts and the clauses hold together, `guarantee` decides afterwards, in a Z3 context
//!   of its own and under the same budget, which of them the treaty does not guarantee.
//! - Every query runs on one long-lived solver per analysis through assumption literals
//!   (one indicator per item, `indicator => item`), with `push`/`pop` per component; a
//!   second long-lived solver is MARCO's map (see `marco`). Each analysis gets its own Z3
//!   context, so its answers do not depend on what ran before in the thread.
//! - A query that Z3 answers `unknown` ends the analysis with `SolveError::GaveUp`; it is
//!   never read as satisfiable or unsatisfiable.
//! - Output is deterministic: items sorted in model order, conflicts by size then items,
//!   ids `C1, C2, ...` given after sorting; a witness is sorted by variable name and is
//!   re-checked with the plain evaluator `model::eval` before it is reported.

use std::collections::BTreeMap;

use z3::ast::Bool;
use z3::Solver;

use super::guarantee::{self, ViolatedGuarantee};
use super::lower::Lowering;
use super::marco::{Component, Marco, Sink};
use super::margins::{self, Margins};
use super::objections;
use super::query::{shrink_by_deletion, Abort, Answer, Budget, ItemSolver};
use super::reason;
use super::standing::{self, Profiles, Standing};
use super::{Options, SolveError};
use crate::model::eval::{eval_bool, for_each_var, Value};
use crate::model::{
    ActorId, ClauseRef, ConflictItem, Expr, Model, PositionId, RedLineKind, TreatyId, VarId,
};

/// A minimal set of items that cannot hold together (with the facts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// `C1`, `C2`, ... in the order of `ConsistencyReport::conflicts`.
    pub id: String,
    /// The members, in model order (clauses of the treaty, then red lines by position).
    pub items: Vec<ConflictItem>,
    /// One sentence saying why: exact when cheap (two bounds, a literal and its negation, a
    /// chain through implications), else the variables its formulas constrain together.
    /// Always set by the enumeration; an `Option` for the readers of older documents.
    pub reason: Option<String>,
    /// Indices into `Model::facts` of a minimal set of facts the conflict relies on (empty
    /// when the items contradict each other on their own), so that a report can show the
    /// whole chain of reasoning.
    pub facts: Vec<usize>,
    /// How far each integer literal of its items and facts would have to move to resolve
    /// it (`margins`), filled once every conflict is listed; empty unless
    /// `Options::margins` asks for them.
    pub margins: Margins,
}

/// The answer of the consistency analysis of one treaty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsistencyReport {
    pub treaty: TreatyId,
    /// Indices into `Model::facts` of a minimal set of facts that contradict each other;
    /// when set, `conflicts` is empty because no conflict was looked for.
    pub facts_contradiction: Option<Vec<usize>>,
    /// Every minimal conflict (up to `Options::max_conflicts`), sorted by size, then items.
    pub conflicts: Vec<Conflict>,
    /// The enumeration stopped at `max_conflicts` and at least one more conflict exists.
    /// The conflicts that explain an objection are listed whatever the cap (after the
    /// others), so a truncated list may be a little longer than the cap.
    pub truncated: bool,
    /// The clauses contradict each other or the facts (decided by its own query, never by
    /// the listing).
    pub self_contradictory: bool,
    /// Clauses that contradict the facts on their own.
    pub contradictory: Vec<ClauseRef>,
    /// Actors whose red lines (over every position they hold) the treaty violates: some
    /// minimal conflict is made of clauses and red lines of that actor only (decided by
    /// queries of its own, never by the listing).
    pub violated: Vec<ActorId>,
    /// For each actor of `violated`, the clauses it objects to (in treaty order, never
    /// empty): those in some minimal conflict made of clauses and that actor's red lines
    /// only (decided exactly, never by the listing). For every pair (actor, clause) some
    /// such conflict is in `conflicts`.
    pub objections: BTreeMap<ActorId, Vec<ClauseRef>>,
    /// When nothing conflicts: values of the variables of the facts, the treaty's clauses and
    /// the red lines that satisfy the facts, every clause and every must red line (checked by
    /// `model::eval`), sorted by variable name.
    pub witness: Option<Vec<(VarId, Value)>>,
    /// The `guaranteed` red lines the treaty does not guarantee (the facts and the clauses
    /// allow a world where the line is false), each with such a world, in model order.
    /// Empty when the facts or the clauses contradict themselves: nothing is allowed then.
    /// Decided by queries of their own, never by the listing.
    pub violated_guarantees: Vec<ViolatedGuarantee>,
}

impl ConsistencyReport {
    /// A report of `treaty` that lists nothing: the start of the reports that end early.
    fn nothing_found(treaty: TreatyId) -> ConsistencyReport {
        ConsistencyReport {
            treaty,
            facts_contradiction: None,
            conflicts: Vec::new(),
            truncated: false,
            self_contradictory: false,
            contradictory: Vec::new(),
            violated: Vec::new(),
            objections: BTreeMap::new(),
            witness: None,
            violated_guarantees: Vec::new(),
        }
    }
}

impl ConsistencyReport {
    /// No contradiction among the facts and no conflict.
    pub fn is_consistent(&self) -> bool {
        self.facts_contradiction.is_none() && self.conflicts.is_empty() && !self.truncated
    }
}

/// Finds every minimal conflict among the clauses of `treaty` and the red lines of every
/// position, given the facts; see the module documentation for the semantics.
pub fn check_consistency(
    model: &Model,
    treaty: TreatyId,
    options: &Options,
) -> Result<ConsistencyReport, SolveError> {
    if treaty.index() >= model.treaties.len() {
        return Err(SolveError::NoSuchTreaty(treaty));
    }
    // No formula at all (no fact, no clause or red line with one, no guaranteed line):
    // nothing for a solver to decide, and no Z3 context is made (starting one costs more
    // than the rest of a small run). This is the report `analyse` gives on such a model.
    if model.facts.is_empty() && soft_items(model, treaty).is_empty() && !guarantee::any(model) {
        return Ok(ConsistencyReport {
            witness: Some(Vec::new()),
            ..ConsistencyReport::nothing_found(treaty)
        });
    }
    // A fresh context per analysis: Z3's choices depend on the context's history, and the
    // output must not depend on what ran before.
    let budget = Budget::new(options.timeout_ms, options.rlimit);
    let mut report =
        budget.in_context(|| analyse(model, treaty, options, &budget).map_err(SolveError::from))?;
    if report.facts_contradiction.is_none() && !report.self_contradictory && guarantee::any(model) {
        // Another fresh context, so that the counterexamples do not depend on how far the
        // enumeration of conflicts went (`--max-conflicts`).
        let mut found = Vec::new();
        let r = budget.in_context(|| guarantee::check(model, treaty, &budget, &mut found));
        r.map_err(|e| SolveError::from(with_listed(model, &report, &found, e)))?;
        report.violated_guarantees = found;
    }
    if options.margins && !report.conflicts.is_empty() {
        // Last, in a fresh context of its own: a margin the budget does not cover is
        // `Unknown`, and the verdict above never waits on one.
        budget
            .in_context(|| margins::fill(model, &budget, &mut report.conflicts))
            .map_err(SolveError::from)?;
    }
    Ok(report)
}

/// Says, in a "gave up" of the guarantee stage, what had been established: every conflict
/// (the enumeration had finished) and the guarantees found violated so far.
fn with_listed(
    model: &Model,
    report: &ConsistencyReport,
    violated: &[ViolatedGuarantee],
    e: Abort,
) -> Abort {
    let Abort::GaveUp(mut g) = e else { return e };
    g.found = report
        .conflicts
        .iter()
        .map(|c| {
            format!(
                "a minimal conflict: {}",
                crate::model::names::items_text(model, &c.items)
            )
        })
        .chain(violated.iter().map(|v| {
            format!(
                "not guaranteed: {}",
                crate::model::names::item_name(
                    model,
                    &ConflictItem::RedLine {
                        position: v.position,
                        index: v.index,
                    }
                )
            )
        }))
        .collect();
    Abort::GaveUp(g)
}

/// What a soft item is, for the family of allowed combinations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Clause,
    Must(PositionId),
    Possible(PositionId),
}

pub(super) struct SoftItem<'m> {
    pub(super) item: ConflictItem,
    pub(super) kind: Kind,
    pub(super) formulas: Vec<&'m Expr>,
}

/// The soft items of `treaty`, in model order (which is `ConflictItem`'s order).
pub(super) fn soft_items(model: &Model, treaty: TreatyId) -> Vec<SoftItem<'_>> {
    let mut items = Vec::new();
    for (c, clause) in model.treaties[treaty].clauses.iter().enumerate() {
        if clause.formulas.is_empty() {
            continue;
        }
        items.push(SoftItem {
            item: ConflictItem::Clause(ClauseRef { treaty, clause: c }),
            kind: Kind::Clause,
            formulas: clause.formulas.iter().map(|f| &f.expr).collect(),
        });
    }
    for (p, position) in model.positions.iter().enumerate() {
        let p = PositionId(p);
        for (index, line) in position.red_lines.iter().enumerate() {
            let kind = match line.kind {
                RedLineKind::Must => Kind::Must(p),
                RedLineKind::Possible => Kind::Possible(p),
                // Not about consistency: `guarantee` decides these on their own.
                RedLineKind::Guaranteed => continue,
            };
            items.push(SoftItem {
                item: ConflictItem::RedLine { position: p, index },
                kind,
                formulas: vec![&line.formula.expr],
            });
        }
    }
    items
}

pub(super) fn describe_set(names: &[String], set: &[usize]) -> String {
    const SHOWN: usize = 6;
    let mut parts: Vec<&str> = set.iter().take(SHOWN).map(|&i| names[i].as_str()).collect();
    let more = set.len().saturating_sub(SHOWN);
    let tail = format!("and {more} more");
    if more > 0 {
        parts.push(&tail);
    }
    format!(
        "whether {} can hold together with the facts",
        if parts.is_empty() {
            "no items".to_string()
        } else {
            parts.join(", ")
        }
    )
}

pub(super) fn vars_of(exprs: &[&Expr]) -> Vec<VarId> {
    let mut vs = Vec::new();
    for e in exprs {
        for_each_var(e, &mut |v| vs.push(v));
    }
    vs.sort_unstable();
    vs.dedup();
    vs
}

/// Union-find over variables, to split items into independent components.
#[derive(Clone)]
pub(super) struct Partition {
    parent: Vec<usize>,
}

impl Partition {
    pub(super) fn new(n: usize) -> Partition {
        Partition {
            parent: (0..n).collect(),
        }
    }
    pub(super) fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    pub(super) fn union_all(&mut self, vs: &[usize]) {
        if let Some((&first, rest)) = vs.split_first() {
            let r = self.find(first);
            for &v in rest {
                let s = self.find(v);
                self.parent[s] = r;
            }
        }
    }
}

fn analyse(
    model: &Model,
    treaty: TreatyId,
    options: &Options,
    budget: &Budget,
) -> Result<ConsistencyReport, Abort> {
    let lowering = Lowering::new(model);
    let lower_err = |e: SolveError| Abort::Internal(e.to_string());
    let main = Solver::new();
    budget.configure(&main);
    let fact_exprs: Vec<&Expr> = model.facts.iter().map(|f| &f.formula.expr).collect();

    // 1. The facts alone, on a solver of their own: the main solver stays as small as each
    // component (measured: its queries slowed by half after it had held every fact).
    let whole = Solver::new();
    budget.configure(&whole);
    if let Some(minimal) =
        facts_contradiction(&whole, budget, &lowering, &fact_exprs, model.vars.len())?
    {
        return Ok(ConsistencyReport {
            facts_contradiction: Some(minimal),
            ..ConsistencyReport::nothing_found(treaty)
        });
    }

    // 2. Items, split into components that share no variable (through items or facts):
    // with consistent facts, a set of items is unsatisfiable only if its part in one
    // component is, so no minimal conflict spans two components.
    let items = soft_items(model, treaty);
    let names: Vec<String> = items
        .iter()
        .map(|i| crate::model::names::item_name(model, &i.item))
        .collect();
    let mut part = Partition::new(model.vars.len());
    let item_vars: Vec<Vec<VarId>> = items.iter().map(|i| vars_of(&i.formulas)).collect();
    let fact_vars: Vec<Vec<VarId>> = fact_exprs.iter().map(|e| vars_of(&[*e])).collect();
    for vs in item_vars.iter().chain(fact_vars.iter()) {
        part.union_all(vs);
    }
    // Component key: the root of the item's variables, or the item itself when it has none.
    let mut components: BTreeMap<(bool, usize), Vec<usize>> = BTreeMap::new();
    let mut order: Vec<(bool, usize)> = Vec::new();
    for (i, vs) in item_vars.iter().enumerate() {
        let key = match vs.first() {
            Some(&v) => (true, part.find(v)),
            None => (false, i),
        };
        let entry = components.entry(key).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(i);
    }
    let mut facts_by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (f, vs) in fact_vars.iter().enumerate() {
        if let Some(&v) = vs.first() {
            facts_by_root.entry(part.find(v)).or_default().push(f);
        }
    }

    // Components in the order of each component's first item.
    let indicators: Vec<Bool> = (0..items.len())
        .map(|i| Bool::new_const(format!("item{i}")))
        .collect();
    let map_vars: Vec<Bool> = (0..items.len())
        .map(|i| Bool::new_const(format!("seed{i}")))
        .collect();
    let map = Solver::new();
    budget.configure(&map);
    let describe = |set: &[usize]| describe_set(&names, set);
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
    let mut sink = Sink {
        found: Vec::new(),
        max: options.max_conflicts,
        truncated: false,
    };
    // 3 and 4. Per component, MARCO lists the conflicts (until the cap) and `standing`
    // decides, whatever the cap, what the verdict rests on: the clauses against the facts,
    // and each actor's red lines against the clauses; `objections` then finds, for each set
    // of red lines this component violates, every clause it objects to.
    let mut profiles = Profiles::of(model, &items);
    // A second solver with only the component's facts, for one-clause questions: asked of
    // the main solver, each would carry every item of the component.
    let side = Solver::new();
    budget.configure(&side);
    let mut settled = Standing::default();
    let mut listing = true;
    for key in &order {
        let Some(comp_items) = components.get(key) else {
            continue;
        };
        main.push();
        side.push();
        let r = (|| {
            if key.0 {
                for &f in facts_by_root.get(&key.1).map_or(&[][..], |v| v.as_slice()) {
                    let fact = lowering.bool(fact_exprs[f]).map_err(lower_err)?;
                    main.assert(&fact);
                    side.assert(&fact);
                }
            }
            let mut bodies: BTreeMap<usize, Bool> = BTreeMap::new();
            for &i in comp_items {
                let body = lowering.all(&items[i].formulas).map_err(lower_err)?;
                main.assert(indicators[i].implies(&body));
                bodies.insert(i, body);
            }
            let alone =
                |clauses: &[usize]| contradicting_alone(&side, budget, &bodies, &names, clauses);
            if listing {
                let comp = Component {
                    items: comp_items,
                    incompatible: incompatible(model, &items, comp_items),
                };
                listing = marco.run(&comp, &mut sink)?;
            }
            let violated_here =
                standing::component(&items, comp_items, &q, &alone, &mut profiles, &mut settled)?;
            let family = |universe: &[usize]| incompatible(model, &items, universe);
            objections::component(
                &items,
                comp_items,
                &marco,
                &family,
                &violated_here,
                &mut profiles,
            )
        })();
        main.pop(1);
        side.pop(1);
        r.map_err(|e| with_found(model, &items, e, &sink.found))?;
    }
    let violated = profiles.violated();
    let objections = objections_by_actor(&profiles, &|i| match items[i].item {
        ConflictItem::Clause(c) => Some(c),
        ConflictItem::RedLine { .. } => None,
    });
    if !objections.keys().copied().eq(violated.iter().copied()) {
        return Err(Abort::Internal(
            "the actors with objections differ from those whose red lines are violated".into(),
        ));
    }

    // 5. Sort, name, explain; the witnesses of objections not listed yet come last.
    let as_items = |mus: &[usize]| {
        let mut v: Vec<ConflictItem> = mus.iter().map(|&i| items[i].item.clone()).collect();
        v.sort();
        v
    };
    let by_size =
        |a: &Vec<ConflictItem>, b: &Vec<ConflictItem>| a.len().cmp(&b.len()).then_with(|| a.cmp(b));
    let mut found: Vec<Vec<ConflictItem>> = sink.found.iter().map(|m| as_items(m)).collect();
    found.sort_by(by_size);
    found.dedup();
    let witnesses = objection_witnesses(&items, &profiles, &sink.found);
    let mut witnesses: Vec<Vec<ConflictItem>> = witnesses
        .iter()
        .map(|w| as_items(w))
        .filter(|w| !found.contains(w))
        .collect();
    witnesses.sort_by(by_size);
    witnesses.dedup();
    found.extend(witnesses);
    let index_of: BTreeMap<&ConflictItem, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (&it.item, i))
        .collect();
    let mut conflicts: Vec<Conflict> = Vec::with_capacity(found.len());
    for (k, members) in found.into_iter().enumerate() {
        let formulas: Vec<Vec<&Expr>> = members
            .iter()
            .filter_map(|m| index_of.get(m).map(|&i| items[i].formulas.clone()))
            .collect();
        // Only the facts of the conflict's own variable component can be needed: facts
        // elsewhere share no variable with it (and hold together), so they never belong to
        // a minimal set. Asking with every fact would make this step O(conflicts x facts).
        let root = formulas
            .iter()
            .flatten()
            .find_map(|e| vars_of(&[*e]).first().copied())
            .map(|v| part.find(v));
        let own: &[usize] = root
            .and_then(|r| facts_by_root.get(&r))
            .map_or(&[][..], |v| v.as_slice());
        let facts = facts_needed(&main, budget, &lowering, &formulas, &fact_exprs, own)?;
        // Every conflict gets a reason: a sentence when a cheap exact one exists, else the
        // variables its formulas constrain together.
        let needed: Vec<&Expr> = facts
            .iter()
            .filter_map(|&f| fact_exprs.get(f).copied())
            .collect();
        // Facts outside the component share no variable, so they cannot be in a chain.
        let own_exprs: Vec<&Expr> = own
            .iter()
            .filter_map(|&f| fact_exprs.get(f).copied())
            .collect();
        let why = reason::explain(model, &formulas, &own_exprs)
            .unwrap_or_else(|| reason::shared(model, &formulas, &needed));
        conflicts.push(Conflict {
            id: format!("C{}", k + 1),
            reason: Some(why),
            items: members,
            facts,
            margins: Margins::default(),
        });
    }

    // 6. A witness when nothing conflicts.
    let witness = if conflicts.is_empty() && !sink.truncated {
        Some(witness(
            model,
            treaty,
            &main,
            budget,
            &lowering,
            &items,
            &fact_exprs,
        )?)
    } else {
        None
    };
    let clause_of = |i: usize| match items[i].item {
        ConflictItem::Clause(c) => Some(c),
        ConflictItem::RedLine { .. } => None,
    };
    Ok(ConsistencyReport {
        treaty,
        facts_contradiction: None,
        conflicts,
        truncated: sink.truncated,
        self_contradictory: settled.self_contradictory,
        contradictory: settled
            .contradictory
            .iter()
            .filter_map(|&i| clause_of(i))
            .collect(),
        objections,
        violated,
        witness,
        violated_guarantees: Vec::new(),
    })
}

/// The clauses each actor objects to (in item order, which is treaty order), by actor.
fn objections_by_actor(
    profiles: &Profiles,
    clause_of: &dyn Fn(usize) -> Option<ClauseRef>,
) -> BTreeMap<ActorId, Vec<ClauseRef>> {
    let mut out = BTreeMap::new();
    for ((_, actors), marks) in profiles.sets.iter().zip(&profiles.objected) {
        if marks.is_empty() {
            continue;
        }
        let clauses: Vec<ClauseRef> = marks.keys().filter_map(|&i| clause_of(i)).collect();
        for &a in actors {
            out.insert(a, clauses.clone());
        }
    }
    out
}

/// The conflicts to list besides the capped ones so that every (actor, objected clause)
/// pair is shown by a listed conflict: for each set of red lines, in order, and each clause
/// it objects to, in order, the witness that marked it, unless a conflict listed or chosen
/// before already holds the clause and red lines of that set only (at least one).
fn objection_witnesses(
    items: &[SoftItem<'_>],
    profiles: &Profiles,
    listed: &[Vec<usize>],
) -> Vec<Vec<usize>> {
    let is_clause = |i: &usize| matches!(items[*i].kind, Kind::Clause);
    let mut chosen: Vec<Vec<usize>> = Vec::new();
    for (k, marks) in profiles.objected.iter().enumerate() {
        let lines = profiles.lines(k);
        let shows = |m: &Vec<usize>, c: usize| {
            m.contains(&c)
                && m.iter().any(|i| !is_clause(i))
                && m.iter()
                    .filter(|i| !is_clause(i))
                    .all(|i| lines.binary_search(i).is_ok())
        };
        for (&c, w) in marks {
            if !listed.iter().chain(&chosen).any(|m| shows(m, c)) {
                chosen.push(w.clone());
            }
        }
    }
    chosen
}

/// The clauses (item indices) that contradict the facts on their own. `side` holds the
/// component's facts only. A model of the facts settles every clause it satisfies at once;
/// only the others are asked one by one.
fn contradicting_alone(
    side: &Solver,
    budget: &Budget,
    bodies: &BTreeMap<usize, Bool>,
    names: &[String],
    clauses: &[usize],
) -> Result<Vec<usize>, Abort> {
    let q = || "whether the facts hold together".to_string();
    if budget.check(side, &[], &q)? == Answer::Unsat {
        return Err(Abort::Internal(
            "consistent facts found unsatisfiable".into(),
        ));
    }
    let facts_model = side
        .get_model()
        .ok_or_else(|| Abort::Internal("Z3 gave no model".into()))?;
    let mut out = Vec::new();
    for &c in clauses {
        let Some(body) = bodies.get(&c) else { continue };
        let holds_here = facts_model
            .eval(body, true)
            .and_then(|b| b.as_bool())
            .unwrap_or(false);
        if holds_here {
            continue;
        }
        side.push();
        side.assert(body);
        let q = || format!("whether {} can hold with the facts", names[c]);
        let r = budget.check(side, &[], &q);
        side.pop(1);
        if r? == Answer::Unsat {
            out.push(c);
        }
    }
    Ok(out)
}

/// Says, in a "gave up", which conflicts had been found before the budget ran out: they
/// are real, even though the analysis is not complete.
fn with_found(model: &Model, items: &[SoftItem<'_>], e: Abort, found: &[Vec<usize>]) -> Abort {
    let Abort::GaveUp(mut g) = e else { return e };
    g.found = found
        .iter()
        .map(|mus| {
            let mut members: Vec<ConflictItem> =
                mus.iter().map(|&i| items[i].item.clone()).collect();
            members.sort();
            format!(
                "a minimal conflict: {}",
                crate::model::names::items_text(model, &members)
            )
        })
        .collect();
    Abort::GaveUp(g)
}

/// For each item of the component (local indices), the items it may not be combined with:
/// a possible red line goes only with clauses and the must lines of positions that one of
/// its holders also holds (an actor's red lines are one set), never with another possible
/// line.
fn incompatible(model: &Model, items: &[SoftItem<'_>], comp: &[usize]) -> Vec<Vec<usize>> {
    let share_holder = |p: PositionId, q: PositionId| {
        p == q
            || model.positions[p]
                .held_by
                .iter()
                .any(|a| model.positions[q].held_by.contains(a))
    };
    let clash = |a: Kind, b: Kind| match (a, b) {
        (Kind::Possible(_), Kind::Possible(_)) => true,
        (Kind::Possible(p), Kind::Must(q)) | (Kind::Must(q), Kind::Possible(p)) => {
            !share_holder(p, q)
        }
        _ => false,
    };
    comp.iter()
        .enumerate()
        .map(|(a, &ia)| {
            comp.iter()
                .enumerate()
                .filter(|&(b, &ib)| b != a && clash(items[ia].kind, items[ib].kind))
                .map(|(b, _)| b)
                .collect()
        })
        .collect()
}

/// `None` when the facts are consistent, else a minimal subset of them (fact indices).
///
/// Facts that share no variable hold or fail apart, so the facts are asked by their own
/// variable components, a batch of components of about `FACTS_PER_QUERY` facts per query,
/// as plain assertions; only a component that fails is asked again with a literal per fact
/// for its minimal core. One query over every fact grew faster than the facts (0.08 s for
/// 20,000 facts, 0.5-0.9 s for 60,000); batches keep it linear.
fn facts_contradiction(
    main: &Solver,
    budget: &Budget,
    lowering: &Lowering,
    facts: &[&Expr],
    vars: usize,
) -> Result<Option<Vec<usize>>, Abort> {
    let mut part = Partition::new(vars);
    let fact_vars: Vec<Vec<VarId>> = facts.iter().map(|e| vars_of(&[*e])).collect();
    for vs in &fact_vars {
        part.union_all(vs);
    }
    // Components in the order of their first fact; a fact without variables is one alone.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    for (f, vs) in fact_vars.iter().enumerate() {
        match vs.first() {
            Some(&v) => {
                let g = *group_of_root.entry(part.find(v)).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                if let Some(group) = groups.get_mut(g) {
                    group.push(f);
                }
            }
            None => groups.push(vec![f]),
        }
    }
    let holds = |set: &mut dyn Iterator<Item = usize>| -> Result<bool, Abort> {
        main.push();
        let answer = (|| {
            for f in set {
                let e = facts
                    .get(f)
                    .ok_or_else(|| Abort::Internal(format!("no fact {f}")))?;
                main.assert(
                    lowering
                        .bool(e)
                        .map_err(|e| Abort::Internal(e.to_string()))?,
                );
            }
            budget.check(main, &[], &|| {
                "whether the facts are consistent".to_string()
            })
        })();
        main.pop(1);
        Ok(answer? == Answer::Sat)
    };
    let mut start = 0;
    while start < groups.len() {
        let mut end = start;
        let mut size = 0;
        while end < groups.len() && (end == start || size < FACTS_PER_QUERY) {
            size += groups[end].len();
            end += 1;
        }
        let batch = &groups[start..end];
        if !holds(&mut batch.iter().flatten().copied())? {
            for group in batch {
                if !holds(&mut group.iter().copied())? {
                    return minimal_facts(main, budget, lowering, &[], facts, group)?
                        .map(Some)
                        .ok_or_else(|| {
                            Abort::Internal("a failing set of facts has no core".into())
                        });
                }
            }
            return Err(Abort::Internal(
                "a batch of facts fails but none of its components does".into(),
            ));
        }
        start = end;
    }
    Ok(None)
}

/// About how many facts one query of `facts_contradiction` asks at once.
const FACTS_PER_QUERY: usize = 256;

/// A minimal set of facts (indices) that a conflict relies on: with its items' formulas
/// they are unsatisfiable. Empty when the items contradict each other on their own. `own`:
/// the facts of the conflict's variable component (ascending), the only ones looked at.
fn facts_needed(
    main: &Solver,
    budget: &Budget,
    lowering: &Lowering,
    formulas: &[Vec<&Expr>],
    facts: &[&Expr],
    own: &[usize],
) -> Result<Vec<usize>, Abort> {
    let hard: Vec<&Expr> = formulas.iter().flatten().copied().collect();
    minimal_facts(main, budget, lowering, &hard, facts, own)?.ok_or_else(|| {
        // The conflict was found unsatisfiable with every fact of its component, so this
        // is a broken invariant, not a verdict.
        Abort::Internal("a conflict is satisfiable with every fact".into())
    })
}

/// With `hard` asserted, `None` when `hard` and the facts `among` (ascending indices into
/// `facts`) are satisfiable together, else a minimal subset of them that is not (unsat
/// core, then deletion in fact order).
fn minimal_facts(
    main: &Solver,
    budget: &Budget,
    lowering: &Lowering,
    hard: &[&Expr],
    facts: &[&Expr],
    among: &[usize],
) -> Result<Option<Vec<usize>>, Abort> {
    if among.is_empty() && hard.is_empty() {
        return Ok(None);
    }
    main.push();
    let r = (|| {
        main.assert(
            lowering
                .all(hard)
                .map_err(|e| Abort::Internal(e.to_string()))?,
        );
        // `lits[i]` is the literal of fact `i` (named after its index in `facts`); only
        // the facts `among` get one.
        let mut lits: BTreeMap<usize, Bool> = BTreeMap::new();
        for &i in among {
            let Some(e) = facts.get(i) else {
                return Err(Abort::Internal(format!("no fact {i}")));
            };
            let lit = Bool::new_const(format!("fact{i}"));
            let body = lowering
                .bool(e)
                .map_err(|e| Abort::Internal(e.to_string()))?;
            main.assert(lit.implies(&body));
            lits.insert(i, lit);
        }
        let query = |set: &[usize]| -> Result<Option<Vec<usize>>, Abort> {
            let a: Vec<Bool> = set.iter().filter_map(|i| lits.get(i).cloned()).collect();
            let q = || {
                if !hard.is_empty() {
                    "which facts a conflict relies on".to_string()
                } else if set.len() == among.len() {
                    "whether the facts are consistent".to_string()
                } else {
                    format!("whether {} of the facts are consistent", set.len())
                }
            };
            match budget.check(main, &a, &q)? {
                Answer::Sat => Ok(None),
                Answer::Unsat => {
                    let core = main.get_unsat_core();
                    Ok(Some(
                        set.iter()
                            .copied()
                            .filter(|i| lits.get(i).is_some_and(|l| core.iter().any(|c| c == l)))
                            .collect(),
                    ))
                }
            }
        };
        let Some(core) = query(among)? else {
            return Ok(None);
        };
        shrink_by_deletion(core, query).map(Some)
    })();
    main.pop(1);
    r
}

/// A model of the facts, every clause and every must red line, re-checked by the plain
/// evaluator; values for every variable the facts, clauses and red lines mention.
fn witness(
    model: &Model,
    treaty: TreatyId,
    main: &Solver,
    budget: &Budget,
    lowering: &Lowering,
    items: &[SoftItem<'_>],
    facts: &[&Expr],
) -> Result<Vec<(VarId, Value)>, Abort> {
    let lower_err = |e: SolveError| Abort::Internal(e.to_string());
    let required: Vec<&Expr> = facts
        .iter()
        .copied()
        .chain(
            items
                .iter()
                .filter(|i| !matches!(i.kind, Kind::Possible(_)))
                .flat_map(|i| i.formulas.iter().copied()),
        )
        .collect();
    main.push();
    let r = (|| {
        for e in &required {
            main.assert(lowering.bool(e).map_err(lower_err)?);
        }
        let q = || {
            format!(
                "whether the facts, the clauses of {} and the must red lines hold together",
                model.treaties[treaty].id
            )
        };
        match budget.check(main, &[], &q)? {
            Answer::Unsat => Err(Abort::Internal(
                "no minimal conflict was found, yet the items are unsatisfiable together".into(),
            )),
            Answer::Sat => main
                .get_model()
                .ok_or_else(|| Abort::Internal("Z3 gave no model".into())),
        }
    })();
    main.pop(1);
    let z3_model = r?;
    let mut mentioned: Vec<&Expr> = facts.to_vec();
    mentioned.extend(items.iter().flat_map(|i| i.formulas.iter().copied()));
    let vars = vars_of(&mentioned);
    let mut values: BTreeMap<VarId, Value> = BTreeMap::new();
    for &v in &vars {
        let value = lowering.value_in(&z3_model, v).ok_or_else(|| {
            Abort::Internal(format!(
                "Z3's model has no usable value for `{}`",
                model.vars[v].name
            ))
        })?;
        values.insert(v, value);
    }
    let lookup = |v: usize| values.get(&v).copied();
    for e in &required {
        if eval_bool(e, &lookup) != Some(true) {
            return Err(Abort::Internal(
                "Z3's model fails the plain re-check of a fact, clause or must red line".into(),
            ));
        }
    }
    let mut out: Vec<(VarId, Value)> = values.into_iter().collect();
    out.sort_by(|a, b| {
        model.vars[a.0]
            .name
            .cmp(&model.vars[b.0].name)
            .then(a.0.cmp(&b.0))
    });
    Ok(out)
}

//! Margins: for each listed conflict, how far each integer literal of its items (and of the
//! facts it relies on) would have to move for the conflict to go away, found by a
//! search on Z3's solver and re-checked (docs/semantics.md, "Margins").
//!
//! Its job and invariants:
//! - A literal is an integer constant in a comparison of a clause's formula, a red line or a
//!   fact (`600_000` in `UKR.armed_forces <= 600_000`; `-5` counts as one literal with its
//!   sign); a coefficient (`2` in `2 * x`) is not one: it is not a bound.
//! - A value `v` of a literal resolves a conflict when the conflict's items, with the literal
//!   set to `v`, hold together with the facts (with the literal set to `v` when it is in a
//!   fact). The facts used are those of the conflict's variable component: the others share
//!   no variable with it and hold on their own.
//! - A literal whose increase (or decrease) only weakens its formula, as its place in the
//!   formula shows (a bound of `<=`/`<`/`>=`/`>`, under `and`/`or`/`not`/the two sides of
//!   `implies`, never under `iff`, `==` or `!=`), has an exact range: every value from the
//!   boundary found on resolves the conflict and none before it. Any other literal gets
//!   the nearest resolving values on either side, with the values between them and the
//!   literal checked not to resolve it.
//! - Every boundary is re-checked: the conflict's items with the boundary substituted hold
//!   (the solver's model is checked by `model::eval`), and one step beyond the boundary they
//!   do not. A failed re-check is an internal error, never a margin.
//! - Two monotone literals of different items may interact: for each such pair the report
//!   gives up to three Pareto-optimal pairs of moves (the two extremes and the most balanced
//!   one) and says whether the front has other points. Pairs where only one literal moves at
//!   a time add nothing to the single margins and are left out.
//! - A query Z3 answers `unknown` (budget) makes that literal's margin `Unknown`, never a
//!   range; the pairs stop there and say so. Every cut of a list is said (`literals_cut`,
//!   `joint_cut`).
//! - One solver for every conflict: a conflict's scope (push/pop, opened on its first
//!   query) asserts the formulas that hold none of its literals, each query's own part goes
//!   in a scope inside it. Optima are found on that solver (`Problem::minimize`) by a
//!   bisection that jumps to each model's value: every objective is bounded below, so the
//!   search ends, and each step is one incremental check. `z3::Optimize` is not used: its
//!   every check cost time in proportion to the whole model (measured: 0.6-34 ms per
//!   query on generated files of 3,000 clauses, against about 0.1 ms per step here). The
//!   answers do not depend on the search path: every optimum asked for is unique (a
//!   single objective, or a lexicographic one whose objectives fix every reported value).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use z3::ast::{Bool, Int};
use z3::Solver;

use super::consistency::{vars_of, Conflict, Partition};
use super::lower::Lowering;
use super::query::{Abort, Answer, Budget};
use crate::model::eval::{eval_bool, Value};
pub use crate::model::literals::Weakens;
use crate::model::literals::{literals, substitute};
use crate::model::{ConflictItem, Expr, Formula, IntExpr, Loc, Model, Span};
use crate::syntax::ast::{FormulaAst, FormulaKind, Item};

/// At most this many literals per conflict get a margin (the rest is said to be cut).
pub const MAX_LITERALS: usize = 32;
/// At most this many pairs of literals per conflict are examined for joint moves.
pub const MAX_PAIRS: usize = 15;

/// What holds a literal: an item of the conflict or one of the facts it relies on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Item(ConflictItem),
    /// An index into `Model::facts`.
    Fact(usize),
}

/// One integer literal of a conflict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub owner: Owner,
    /// Index into the owner's formulas (a clause may have several; others have one).
    pub formula: usize,
    /// Its number among the literals of that formula (`model::literals` order).
    pub index: usize,
    /// Its value as written (with its sign when written `-N`).
    pub value: i64,
    /// Where it is written (`None` only if the formula's text could not be read again).
    pub loc: Option<Loc>,
    pub weakens: Weakens,
}

/// The values of one literal that resolve the conflict (64-bit values only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Exactly the values `>= v`.
    AtLeast(i64),
    /// Exactly the values `<= v`.
    AtMost(i64),
    /// A literal with no direction: the nearest resolving values below and above it (none
    /// between them and the literal resolves); `None` on a side where none does.
    Nearest {
        below: Option<i64>,
        above: Option<i64>,
    },
    /// No value of this literal resolves the conflict.
    Never,
    /// The solver gave up (budget): nothing is concluded. The question, in words.
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Margin {
    pub literal: Literal,
    pub outcome: Outcome,
}

/// Pareto-optimal joint moves of two literals (indices into `Margins::literals`), each a
/// pair of new values, the first literal's move ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointMargin {
    pub first: usize,
    pub second: usize,
    pub moves: Vec<(i64, i64)>,
    /// The Pareto front has points other than `moves`.
    pub more: bool,
}

/// The margins of one conflict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Margins {
    /// Items in conflict order, then facts; formulas and literals in source order.
    pub literals: Vec<Margin>,
    pub joint: Vec<JointMargin>,
    /// The conflict has more than `MAX_LITERALS` literals: only the first have margins.
    pub literals_cut: bool,
    /// Not every pair was examined: more than `MAX_PAIRS` pairs, or the solver gave up
    /// (then `joint_gave_up` says on what).
    pub joint_cut: bool,
    pub joint_gave_up: Option<String>,
}

/// Fills `margins` of every conflict of `conflicts` (when `Options::margins` asks for them).
pub(super) fn fill(
    model: &Model,
    budget: &Budget,
    conflicts: &mut [Conflict],
) -> Result<(), Abort> {
    let mut lowering = Lowering::new(model);
    let holes = [lowering.push_int("margin/p"), lowering.push_int("margin/q")];
    let facts = FactComponents::of(model);
    let solver = Solver::new();
    budget.configure(&solver);
    for c in conflicts.iter_mut() {
        c.margins = of_conflict(model, &lowering, holes, budget, c, &facts, &solver)?;
    }
    Ok(())
}

/// The facts grouped by the variable components the facts alone make (union-find over the
/// variables of each fact), so that the facts a conflict's formulas reach are found
/// without scanning every fact for every conflict.
struct FactComponents {
    /// The variables of each fact.
    vars: Vec<Vec<usize>>,
    /// The component (its root variable) of each variable.
    root: Vec<usize>,
    /// Root of a component -> its facts, ascending.
    by_root: BTreeMap<usize, Vec<usize>>,
}

impl FactComponents {
    fn of(model: &Model) -> FactComponents {
        let vars: Vec<Vec<usize>> = model
            .facts
            .iter()
            .map(|f| vars_of(&[&f.formula.expr]))
            .collect();
        let mut part = Partition::new(model.vars.len());
        for vs in &vars {
            part.union_all(vs);
        }
        let root: Vec<usize> = (0..model.vars.len()).map(|v| part.find(v)).collect();
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (f, vs) in vars.iter().enumerate() {
            if let Some(r) = vs.first().and_then(|&v| root.get(v)) {
                by_root.entry(*r).or_default().push(f);
            }
        }
        FactComponents {
            vars,
            root,
            by_root,
        }
    }

    /// The facts that share a variable with `vars`, directly or through other facts,
    /// ascending: every fact the fixed point in `of_conflict` can take.
    fn reachable(&self, vars: &BTreeSet<usize>) -> Vec<usize> {
        let roots: BTreeSet<usize> = vars
            .iter()
            .filter_map(|&v| self.root.get(v))
            .copied()
            .collect();
        let mut out: Vec<usize> = roots
            .iter()
            .filter_map(|r| self.by_root.get(r))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out
    }
}

// ------------------------------------------------------------------ where literals are written

/// Where the literals of `f` are written, in the order of `sites`: its text is parsed
/// again, and the literals are read off the syntax tree as resolution reads them (the
/// constant side of a product is a coefficient, not a literal). `None` when the text does
/// not parse or the count differs.
fn literal_locs(model: &Model, f: &Formula, count: usize) -> Option<Vec<Loc>> {
    const PREFIX: &str = "fact ";
    let file = model.files.get(f.loc.file)?;
    let text = format!("{PREFIX}{}", file.slice(f.loc.span));
    let (ast, _) = crate::syntax::parse_source(&text, f.loc.file);
    let ast = ast?;
    let [Item::Fact(fact)] = ast.items.as_slice() else {
        return None;
    };
    let mut spans = Vec::new();
    ast_literals(&fact.formula, &mut spans);
    if spans.len() != count {
        return None;
    }
    let base = f.loc.span.start;
    spans
        .into_iter()
        .map(|s| {
            let start = (s.start + base).checked_sub(PREFIX.len())?;
            let end = (s.end + base).checked_sub(PREFIX.len())?;
            Some(Loc {
                file: f.loc.file,
                span: Span { start, end },
            })
        })
        .collect()
}

fn ast_literals(f: &FormulaAst, out: &mut Vec<Span>) {
    match &f.kind {
        FormulaKind::Int(_) => out.push(f.span),
        FormulaKind::Neg(a) if matches!(a.kind, FormulaKind::Int(_)) => out.push(f.span),
        FormulaKind::Bool(_) | FormulaKind::Name(_) => {}
        FormulaKind::Not(a) | FormulaKind::Neg(a) => ast_literals(a, out),
        FormulaKind::And(xs) | FormulaKind::Or(xs) => xs.iter().for_each(|x| ast_literals(x, out)),
        FormulaKind::Implies(a, b)
        | FormulaKind::Iff(a, b)
        | FormulaKind::Cmp(_, a, b)
        | FormulaKind::Add(a, b)
        | FormulaKind::Sub(a, b) => {
            ast_literals(a, out);
            ast_literals(b, out);
        }
        // As resolution does: a variable-free left side is the coefficient, else the right.
        FormulaKind::Mul(a, b) => {
            if has_name(a) {
                ast_literals(a, out);
            } else {
                ast_literals(b, out);
            }
        }
    }
}

fn has_name(f: &FormulaAst) -> bool {
    match &f.kind {
        FormulaKind::Name(_) => true,
        FormulaKind::Int(_) | FormulaKind::Bool(_) => false,
        FormulaKind::Not(a) | FormulaKind::Neg(a) => has_name(a),
        FormulaKind::And(xs) | FormulaKind::Or(xs) => xs.iter().any(has_name),
        FormulaKind::Implies(a, b)
        | FormulaKind::Iff(a, b)
        | FormulaKind::Cmp(_, a, b)
        | FormulaKind::Add(a, b)
        | FormulaKind::Sub(a, b)
        | FormulaKind::Mul(a, b) => has_name(a) || has_name(b),
    }
}

// ------------------------------------------------------------------ one conflict

/// One literal of the conflict: its formula (index into `Problem::formulas`) and its
/// number among that formula's literals.
struct Site {
    formula: usize,
    index: usize,
    literal: Literal,
}

struct Problem<'a> {
    lowering: &'a Lowering,
    budget: &'a Budget,
    /// The conflict's formulas (items, then its facts), then the other facts of its
    /// component.
    formulas: Vec<&'a Expr>,
    holes: [usize; 2],
    id: String,
    /// Which of `formulas` hold a literal of some site (the others are never substituted).
    with_sites: Vec<bool>,
    /// The solver every conflict's queries use: this conflict's scope is opened on its
    /// first query, with the formulas without sites; each query's own part (the formulas
    /// with sites, substituted) goes in a push/pop scope inside it.
    solver: &'a Solver,
    /// `solver` has a scope of this conflict open, with the formulas without sites.
    solver_open: Cell<bool>,
}

/// A monotone literal's single margin: how far its boundary is from the literal, and a
/// model of the conflict's formulas with the literal at the boundary (the others as
/// written).
struct Boundary {
    moved: i128,
    model: z3::Model,
}

/// What `Problem::minimize` is asked, over the holes of its sites.
struct Goal {
    /// Asserted with the formulas.
    constraints: Vec<Bool>,
    /// Minimised in this order, each with a value it cannot go below.
    objectives: Vec<(Int, i128)>,
    /// Read at the optimum.
    read: Vec<Int>,
}

impl Drop for Problem<'_> {
    fn drop(&mut self) {
        if self.solver_open.get() {
            self.solver.pop(1);
        }
    }
}

fn formulas_of<'m>(model: &'m Model, owner: &Owner) -> Vec<&'m Formula> {
    match owner {
        Owner::Item(ConflictItem::Clause(c)) => model.clause(*c).formulas.iter().collect(),
        Owner::Item(ConflictItem::RedLine { position, index }) => {
            vec![&model.positions[*position].red_lines[*index].formula]
        }
        Owner::Fact(f) => vec![&model.facts[*f].formula],
    }
}

fn of_conflict(
    model: &Model,
    lowering: &Lowering,
    holes: [usize; 2],
    budget: &Budget,
    conflict: &Conflict,
    components: &FactComponents,
    solver: &Solver,
) -> Result<Margins, Abort> {
    let owners: Vec<Owner> = conflict
        .items
        .iter()
        .cloned()
        .map(Owner::Item)
        .chain(conflict.facts.iter().map(|&f| Owner::Fact(f)))
        .collect();
    let mut formulas: Vec<&Expr> = Vec::new();
    let mut sites: Vec<Site> = Vec::new();
    let mut literals_cut = false;
    for owner in &owners {
        for (fi, f) in formulas_of(model, owner).into_iter().enumerate() {
            let found = literals(&f.expr);
            let locs = literal_locs(model, f, found.len());
            for (index, site) in found.into_iter().enumerate() {
                if sites.len() == MAX_LITERALS {
                    literals_cut = true;
                    break;
                }
                sites.push(Site {
                    formula: formulas.len(),
                    index,
                    literal: Literal {
                        owner: owner.clone(),
                        formula: fi,
                        index,
                        value: site.value,
                        loc: locs.as_ref().and_then(|l| l.get(index).copied()),
                        weakens: site.weakens,
                    },
                });
            }
            formulas.push(&f.expr);
        }
    }
    // The other facts of the conflict's variable component (to a fixed point).
    let mut vars: BTreeSet<usize> = vars_of(&formulas).into_iter().collect();
    let mut taken: BTreeSet<usize> = conflict.facts.iter().copied().collect();
    // Only the facts of the components `vars` touches can join, so the fixed point walks
    // those (in fact order, as a walk over every fact would) and nothing else.
    let candidates = components.reachable(&vars);
    loop {
        let mut grew = false;
        for &i in &candidates {
            if taken.contains(&i) {
                continue;
            }
            let (Some(fact), Some(fv)) = (model.facts.get(i), components.vars.get(i)) else {
                continue;
            };
            if fv.iter().any(|v| vars.contains(v)) {
                taken.insert(i);
                vars.extend(fv.iter().copied());
                formulas.push(&fact.formula.expr);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    let mut with_sites = vec![false; formulas.len()];
    for s in &sites {
        if let Some(w) = with_sites.get_mut(s.formula) {
            *w = true;
        }
    }
    let problem = Problem {
        lowering,
        budget,
        formulas,
        holes,
        id: conflict.id.clone(),
        with_sites,
        solver,
        solver_open: Cell::new(false),
    };
    let mut literals = Vec::with_capacity(sites.len());
    // Each monotone literal's boundary with the model found there: a joint front's two
    // extreme points when the other literal stays as written.
    let mut boundaries: Vec<Option<Boundary>> = Vec::with_capacity(sites.len());
    for site in &sites {
        let (outcome, boundary) = match problem.single(site) {
            Ok(o) => o,
            Err(Abort::GaveUp(g)) => (Outcome::Unknown(g.to_string()), None),
            Err(e) => return Err(e),
        };
        boundaries.push(boundary);
        literals.push(Margin {
            literal: site.literal.clone(),
            outcome,
        });
    }
    let mut out = Margins {
        literals,
        joint: Vec::new(),
        literals_cut,
        joint_cut: false,
        joint_gave_up: None,
    };
    let mut examined = 0;
    'pairs: for a in 0..sites.len() {
        for b in a + 1..sites.len() {
            let (sa, sb) = (&sites[a], &sites[b]);
            if sa.literal.owner == sb.literal.owner
                || sa.literal.weakens == Weakens::Neither
                || sb.literal.weakens == Weakens::Neither
            {
                continue;
            }
            if examined == MAX_PAIRS {
                out.joint_cut = true;
                break 'pairs;
            }
            examined += 1;
            let extremes = [
                boundaries.get(b).and_then(Option::as_ref),
                boundaries.get(a).and_then(Option::as_ref),
            ];
            match problem.joint(sa, sb, extremes) {
                Ok(Some((moves, more))) => out.joint.push(JointMargin {
                    first: a,
                    second: b,
                    moves,
                    more,
                }),
                Ok(None) => {}
                Err(Abort::GaveUp(g)) => {
                    out.joint_cut = true;
                    out.joint_gave_up = Some(g.to_string());
                    break 'pairs;
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(out)
}

impl Problem<'_> {
    fn lower_err(e: super::SolveError) -> Abort {
        Abort::Internal(e.to_string())
    }

    /// The formulas with the literals given replaced.
    fn with(&self, subs: &[(&Site, IntExpr)]) -> Vec<Expr> {
        self.formulas
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let here: Vec<(usize, IntExpr)> = subs
                    .iter()
                    .filter(|(s, _)| s.formula == i)
                    .map(|(s, t)| (s.index, t.clone()))
                    .collect();
                if here.is_empty() {
                    (*e).clone()
                } else {
                    substitute(e, &here)
                }
            })
            .collect()
    }

    fn hole(&self, k: usize) -> Result<Int, Abort> {
        match self.lowering.var(self.holes[k]).map_err(Self::lower_err)? {
            super::lower::VarTerm::Int(i) => Ok(i.clone()),
            super::lower::VarTerm::Bool(_) => Err(Abort::Internal("a margin hole is bool".into())),
        }
    }

    /// Whether the formulas with these literal values hold together; when they do, the
    /// solver's model is re-checked by `model::eval`.
    fn holds_at(&self, values: &[(&Site, i64)]) -> Result<bool, Abort> {
        let subs: Vec<(&Site, IntExpr)> = values
            .iter()
            .map(|(s, v)| (*s, IntExpr::Const(*v)))
            .collect();
        let exprs = self.with(&subs);
        let solver = self.base_solver()?;
        let mut asserted = Vec::new();
        for (e, w) in exprs.iter().zip(&self.with_sites) {
            if *w {
                asserted.push(self.lowering.bool(e).map_err(Self::lower_err)?);
            }
        }
        let q = || format!("whether a margin resolves {}", self.id);
        let Some(z) = self.model_of(solver, &asserted, &q)? else {
            return Ok(false);
        };
        if self.satisfied_by(&exprs, &z)? {
            Ok(true)
        } else {
            Err(Abort::Internal(format!(
                "a margin of {} fails the plain re-check of its witness",
                self.id
            )))
        }
    }

    /// Whether the formulas with these literal values hold in `z` (a model of them with
    /// holes for the literals, at these values), by `model::eval`: the re-check of an
    /// optimum without another query.
    fn holds_in(&self, values: &[(&Site, i64)], z: &z3::Model) -> Result<bool, Abort> {
        let subs: Vec<(&Site, IntExpr)> = values
            .iter()
            .map(|(s, v)| (*s, IntExpr::Const(*v)))
            .collect();
        self.satisfied_by(&self.with(&subs), z)
    }

    /// Whether every one of `exprs` is true under the values `z` gives their variables,
    /// by the plain evaluator.
    fn satisfied_by(&self, exprs: &[Expr], z: &z3::Model) -> Result<bool, Abort> {
        let refs: Vec<&Expr> = exprs.iter().collect();
        let mut vals = std::collections::BTreeMap::new();
        for v in vars_of(&refs) {
            let x = self
                .lowering
                .value_in(z, v)
                .ok_or_else(|| Abort::Internal("Z3's model has no usable value".into()))?;
            vals.insert(v, x);
        }
        let lookup = |v: usize| -> Option<Value> { vals.get(&v).copied() };
        Ok(exprs.iter().all(|e| eval_bool(e, &lookup) == Some(true)))
    }

    /// The solver of `holds_at` with the formulas that hold no site asserted (made once).
    fn base_solver(&self) -> Result<&Solver, Abort> {
        let solver = self.solver;
        if self.solver_open.get() {
            return Ok(solver);
        }
        solver.push();
        self.solver_open.set(true);
        for (e, w) in self.formulas.iter().zip(&self.with_sites) {
            if !*w {
                solver.assert(self.lowering.bool(e).map_err(Self::lower_err)?);
            }
        }
        Ok(solver)
    }

    /// Whether the formulas with holes for `sites` (each within 64 bits) and what `extra`
    /// asserts over the holes hold together: a question with no objective.
    fn satisfiable(
        &self,
        sites: &[&Site],
        what: &dyn Fn() -> String,
        extra: impl FnOnce(&[Int]) -> Vec<Bool>,
    ) -> Result<bool, Abort> {
        self.with_holes(sites, |solver, terms| {
            for b in extra(terms) {
                solver.assert(b);
            }
            Ok(self.budget.check(solver, &[], what)? == Answer::Sat)
        })
    }

    /// Runs `body` on the solver in a push/pop scope that asserts the formulas with holes
    /// for `sites` (each hole within 64 bits); `body` gets the holes' terms.
    fn with_holes<R>(
        &self,
        sites: &[&Site],
        body: impl FnOnce(&Solver, &[Int]) -> Result<R, Abort>,
    ) -> Result<R, Abort> {
        let solver = self.base_solver()?;
        let mut terms = Vec::new();
        let mut subs = Vec::new();
        for (k, s) in sites.iter().enumerate() {
            terms.push(self.hole(k)?);
            subs.push((*s, IntExpr::Var(self.holes[k])));
        }
        solver.push();
        let out = (|| {
            for t in &terms {
                solver.assert(t.ge(Int::from_i64(i64::MIN)));
                solver.assert(t.le(Int::from_i64(i64::MAX)));
            }
            for (e, w) in self.with(&subs).iter().zip(&self.with_sites) {
                if *w {
                    solver.assert(self.lowering.bool(e).map_err(Self::lower_err)?);
                }
            }
            body(solver, &terms)
        })();
        solver.pop(1);
        out
    }

    /// The lexicographic minimum of the goal's objectives over the formulas with holes
    /// for `sites` (each within 64 bits) and the goal's constraints: the values of its
    /// `read` terms there, or `None` when they do not hold together. Each objective is
    /// found by bisection between its floor and the best value seen, jumping to each
    /// model's value (`lo` never holds, `hi` always does), then fixed before the next.
    fn minimize(
        &self,
        sites: &[&Site],
        what: &dyn Fn() -> String,
        goal: impl FnOnce(&[Int]) -> Goal,
    ) -> Result<Option<(Vec<i128>, z3::Model)>, Abort> {
        self.with_holes(sites, |solver, terms| {
            let goal = goal(terms);
            for b in &goal.constraints {
                solver.assert(b);
            }
            let Some(mut best) = self.model_of(solver, &[], what)? else {
                return Ok(None);
            };
            for (objective, floor) in &goal.objectives {
                let mut hi = Self::value(&best, objective)?;
                let mut lo = *floor;
                if hi < lo {
                    return Err(Abort::Internal(format!(
                        "an objective of a margin of {} is below its floor",
                        self.id
                    )));
                }
                // Z3's models tend to sit on a vertex, where the optimum often is: the
                // probes alternate between one below the best value (done at once when
                // it is optimal) and the midpoint (at most twice the steps of bisection).
                let mut probe_top = true;
                while lo < hi {
                    let mid = if probe_top {
                        hi - 1
                    } else {
                        lo + (hi - lo) / 2
                    };
                    probe_top = !probe_top;
                    match self.model_of(solver, &[objective.le(Int::from_i128(mid))], what)? {
                        Some(m) => {
                            let v = Self::value(&m, objective)?;
                            if v > mid || v < lo {
                                return Err(Abort::Internal(format!(
                                    "Z3's model for a margin of {} breaks its bound",
                                    self.id
                                )));
                            }
                            hi = v;
                            best = m;
                        }
                        None => lo = mid + 1,
                    }
                }
                solver.assert(objective.eq(Int::from_i128(hi)));
            }
            let read = goal
                .read
                .iter()
                .map(|t| Self::value(&best, t))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some((read, best)))
        })
    }

    /// The model of `solver` with `extra` asserted in a scope of its own, if it has one.
    fn model_of(
        &self,
        solver: &Solver,
        extra: &[Bool],
        what: &dyn Fn() -> String,
    ) -> Result<Option<z3::Model>, Abort> {
        solver.push();
        for b in extra {
            solver.assert(b);
        }
        let answer = self.budget.check(solver, &[], what);
        // The model is taken inside the scope (pop discards it).
        let model = match answer {
            Ok(Answer::Sat) => solver.get_model(),
            _ => None,
        };
        solver.pop(1);
        match answer? {
            Answer::Unsat => Ok(None),
            Answer::Sat => model
                .map(Some)
                .ok_or_else(|| Abort::Internal("Z3 gave no model".into())),
        }
    }

    fn value(m: &z3::Model, t: &Int) -> Result<i128, Abort> {
        m.eval(t, true)
            .and_then(|v| v.as_i128())
            .ok_or_else(|| Abort::Internal("Z3's value is not an integer".into()))
    }

    /// The value of the hole nearest to the literal on one side (`above`), if any, with a
    /// model of the formulas there.
    fn nearest(&self, site: &Site, above: bool) -> Result<Option<(i64, z3::Model)>, Abort> {
        let what = || format!("the margin of a literal of {}", self.id);
        let c = site.literal.value;
        let found = self.minimize(&[site], &what, |t| {
            let lit = Int::from_i64(c);
            // Above: the least value over the literal; below: the greatest under it, as
            // the least of its negation.
            let (constraint, objective, floor) = if above {
                (t[0].gt(&lit), t[0].clone(), i128::from(c) + 1)
            } else {
                (t[0].lt(&lit), t[0].unary_minus(), 1 - i128::from(c))
            };
            Goal {
                constraints: vec![constraint],
                objectives: vec![(objective, floor)],
                read: vec![t[0].clone()],
            }
        })?;
        match found {
            None => Ok(None),
            Some((read, z)) => match read.as_slice() {
                [v] => i64::try_from(*v)
                    .map(|v| Some((v, z)))
                    .map_err(|_| Abort::Internal("a margin out of 64 bits".into())),
                _ => Err(Abort::Internal(
                    "a margin query read the wrong terms".into(),
                )),
            },
        }
    }

    /// Whether some value strictly between `lo` and `hi` resolves the conflict.
    fn any_between(&self, site: &Site, lo: i64, hi: i64) -> Result<bool, Abort> {
        if lo.checked_add(1).is_none_or(|l| l >= hi) {
            return Ok(false);
        }
        let what = || format!("the re-check of a margin of {}", self.id);
        self.satisfiable(&[site], &what, |t| {
            vec![t[0].gt(Int::from_i64(lo)), t[0].lt(Int::from_i64(hi))]
        })
    }

    /// The margin of one literal; for a monotone literal with a boundary, the boundary's
    /// move from the literal and the model found there.
    fn single(&self, site: &Site) -> Result<(Outcome, Option<Boundary>), Abort> {
        let c = site.literal.value;
        let bad = |what: &str| {
            Err(Abort::Internal(format!(
                "the margin of {} fails its re-check ({what})",
                self.id
            )))
        };
        match site.literal.weakens {
            Weakens::Up | Weakens::Down => {
                let up = site.literal.weakens == Weakens::Up;
                let Some((m, z)) = self.nearest(site, up)? else {
                    return Ok((Outcome::Never, None));
                };
                // One step beyond the boundary (towards the literal) must not resolve it.
                let beyond = if up {
                    m.checked_sub(1)
                } else {
                    m.checked_add(1)
                };
                if !self.holds_in(&[(site, m)], &z)? {
                    return bad("the boundary");
                }
                if let Some(b) = beyond {
                    if self.holds_at(&[(site, b)])? {
                        return bad("one step beyond the boundary");
                    }
                }
                let moved = (i128::from(m) - i128::from(c)).abs();
                let outcome = if up {
                    Outcome::AtLeast(m)
                } else {
                    Outcome::AtMost(m)
                };
                Ok((outcome, Some(Boundary { moved, model: z })))
            }
            Weakens::Neither => {
                let above_at = self.nearest(site, true)?;
                let below_at = self.nearest(site, false)?;
                let (above, below) = (
                    above_at.as_ref().map(|(v, _)| *v),
                    below_at.as_ref().map(|(v, _)| *v),
                );
                for (at, lo, hi) in [(&above_at, Some(c), above), (&below_at, below, Some(c))] {
                    if let (Some((v, z)), Some(lo), Some(hi)) = (at, lo, hi) {
                        if !self.holds_in(&[(site, *v)], z)? || self.any_between(site, lo, hi)? {
                            return bad("a nearest value");
                        }
                    }
                }
                let outcome = if above.is_none() && below.is_none() {
                    Outcome::Never
                } else {
                    Outcome::Nearest { below, above }
                };
                Ok((outcome, None))
            }
        }
    }

    /// The move of a hole from the literal, in the direction that weakens it.
    fn delta(site: &Site, t: &Int) -> Int {
        let c = Int::from_i64(site.literal.value);
        if site.literal.weakens == Weakens::Up {
            Int::sub(&[t.clone(), c])
        } else {
            Int::sub(&[c, t.clone()])
        }
    }

    fn to_value(site: &Site, delta: i128) -> Result<i64, Abort> {
        let c = i128::from(site.literal.value);
        let v = if site.literal.weakens == Weakens::Up {
            c + delta
        } else {
            c - delta
        };
        i64::try_from(v).map_err(|_| Abort::Internal("a joint move out of range".into()))
    }

    /// The Pareto-optimal joint moves of two monotone literals, when some of them moves
    /// both; with whether the front has other points. `extremes`: the single boundaries of
    /// `b` and of `a`, when known. The front's extreme point that moves `a` least (the
    /// lexicographic optimum: `a`'s move, then `b`'s) does not move `a` at all when `b`
    /// alone resolves the conflict, and then it is `b`'s single boundary: the resolving
    /// moves are an up-set, so `a`'s least move is 0 and `b`'s least move with `a` as
    /// written is its single margin, whose re-checks hold for the point too. The same for
    /// the other extreme; only an extreme without a single boundary is asked of the solver.
    #[allow(clippy::type_complexity)]
    fn joint(
        &self,
        a: &Site,
        b: &Site,
        extremes: [Option<&Boundary>; 2],
    ) -> Result<Option<(Vec<(i64, i64)>, bool)>, Abort> {
        let what = || format!("the joint margins of two literals of {}", self.id);
        // (delta_a, delta_b) at the lexicographic optimum of the objectives `pick` makes
        // from the two moves (with any constraints its own terms need).
        type Pick<'p> = &'p dyn Fn(&Int, &Int) -> (Vec<Int>, Vec<Bool>);
        type Point = ((i128, i128), z3::Model);
        let solve = |pick: Pick| -> Result<Option<Point>, Abort> {
            let found = self.minimize(&[a, b], &what, |t| {
                let (da, db) = (Self::delta(a, &t[0]), Self::delta(b, &t[1]));
                let zero = Int::from_i64(0);
                let (objectives, own) = pick(&da, &db);
                let mut constraints = vec![da.ge(&zero), db.ge(&zero)];
                constraints.extend(own);
                Goal {
                    constraints,
                    // Every objective is a move or a sum of moves, so none is below 0.
                    objectives: objectives.into_iter().map(|o| (o, 0)).collect(),
                    read: vec![da, db],
                }
            })?;
            match found {
                None => Ok(None),
                Some((read, z)) => match read.as_slice() {
                    &[x, y] => Ok(Some(((x, y), z))),
                    _ => Err(Abort::Internal(
                        "a margin query read the wrong terms".into(),
                    )),
                },
            }
        };
        let [b_alone, a_alone] = extremes;
        let first_solved;
        let first = match b_alone {
            Some(bd) => Some(((0, bd.moved), &bd.model)),
            None => {
                first_solved = solve(&|da, db| (vec![da.clone(), db.clone()], vec![]))?;
                first_solved.as_ref().map(|(p, z)| (*p, z))
            }
        };
        let Some(first) = first else {
            return Ok(None);
        };
        let second_solved;
        let second = match a_alone {
            Some(bd) => Some(((bd.moved, 0), &bd.model)),
            None => {
                second_solved = solve(&|da, db| (vec![db.clone(), da.clone()], vec![]))?;
                second_solved.as_ref().map(|(p, z)| (*p, z))
            }
        };
        // The most balanced: the larger move least (a term of its own), then the sum.
        let balanced = solve(&|da, db| {
            let top = Int::new_const("margin/max");
            let own = vec![top.ge(da), top.ge(db)];
            (
                vec![top, Int::add(&[da.clone(), db.clone()]), da.clone()],
                own,
            )
        })?;
        // Each point with a model of the formulas there (its re-check below).
        let balanced = balanced.as_ref().map(|(p, z)| (*p, z));
        let mut found: Vec<((i128, i128), &z3::Model)> = [Some(first), balanced, second]
            .into_iter()
            .flatten()
            .collect();
        found.sort_by_key(|(p, _)| *p);
        found.dedup_by_key(|(p, _)| *p);
        let points: Vec<(i128, i128)> = found.iter().map(|(p, _)| *p).collect();
        // Other points on the front: a solution weakly dominated by none of these.
        let more = self.satisfiable(&[a, b], &what, |t| {
            let (da, db) = (Self::delta(a, &t[0]), Self::delta(b, &t[1]));
            let zero = Int::from_i64(0);
            let mut out = vec![da.ge(&zero), db.ge(&zero)];
            for &(x, y) in &points {
                let dominated = Bool::and(&[da.ge(Int::from_i128(x)), db.ge(Int::from_i128(y))]);
                out.push(dominated.not());
            }
            out
        })?;
        if !more && !points.iter().any(|&(x, y)| x > 0 && y > 0) {
            return Ok(None);
        }
        let mut moves = Vec::with_capacity(points.len());
        for ((x, y), z) in found {
            let (va, vb) = (Self::to_value(a, x)?, Self::to_value(b, y)?);
            // Re-check: the pair resolves the conflict (in the optimum's model, by the
            // plain evaluator), and nothing dominates it (a query).
            if !self.holds_in(&[(a, va), (b, vb)], z)? {
                return Err(Abort::Internal(format!(
                    "a joint margin of {} fails its re-check",
                    self.id
                )));
            }
            let dominated = self.satisfiable(&[a, b], &what, |t| {
                let (da, db) = (Self::delta(a, &t[0]), Self::delta(b, &t[1]));
                let zero = Int::from_i64(0);
                let (xi, yi) = (Int::from_i128(x), Int::from_i128(y));
                vec![
                    da.ge(&zero),
                    db.ge(&zero),
                    da.le(&xi),
                    db.le(&yi),
                    Bool::or(&[da.lt(&xi), db.lt(&yi)]),
                ]
            })?;
            if dominated {
                return Err(Abort::Internal(format!(
                    "a joint margin of {} is not Pareto-optimal",
                    self.id
                )));
            }
            moves.push((va, vb));
        }
        Ok(Some((moves, more)))
    }
}

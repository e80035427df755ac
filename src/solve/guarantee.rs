//! Guaranteed red lines: whether a treaty guarantees what a position demands, and if it does
//! not, a world it allows that shows it, with Z3.
//!
//! Semantics (docs/semantics.md, "Guaranteed red lines"): a `guaranteed` red line F is
//! violated by a treaty when the facts and all the treaty's clauses (as content) allow a
//! world where F is false, that is when `facts ∧ clauses ∧ ¬F` is satisfiable. The caller
//! asks only when the facts and the clauses hold together: otherwise nothing is allowed and
//! no guarantee is violated. Guaranteed lines are not soft items; they take no part in
//! conflicts, MARCO or the rejection queries of `standing`.
//!
//! Exactness and output:
//! - The variables are split into components through the facts and the clauses' formulas,
//!   with F's own variables joined into one. The facts and the clauses hold together, so
//!   the components F does not touch are satisfiable on their own and share no variable
//!   with it: the question is exactly `facts ∧ clauses ∧ ¬F` restricted to F's component,
//!   and a model of that part extends (with any model of the rest) to a whole world.
//! - The counterexample gives a value to every variable of that component (each one is
//!   mentioned by F, a fact or a clause there), sorted by name, and is re-checked by the
//!   plain evaluator `model::eval`: every fact and clause formula of the component holds
//!   and F is false, else it is an internal error, never a finding.
//! - `unknown` gives up (`Abort::GaveUp`), never a guess. The caller runs this stage in a
//!   Z3 context of its own, so the answer and the counterexample do not depend on how many
//!   conflicts were listed before it.

use z3::Solver;

use super::consistency::{vars_of, Partition};
use super::lower::Lowering;
use super::query::{Abort, Answer, Budget};
use super::SolveError;
use crate::model::eval::{eval_bool, Value};
use crate::model::names::red_line_name;
use crate::model::{Expr, Model, PositionId, RedLineKind, TreatyId, VarId};

/// A `guaranteed` red line that the treaty does not guarantee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViolatedGuarantee {
    pub position: PositionId,
    /// Index of the red line in `Position::red_lines`.
    pub index: usize,
    /// A world that the facts and the clauses allow and in which the line's formula is
    /// false: a value for every variable of the formula's component (the variables that the
    /// formula, and the facts and clauses sharing variables with it, mention), sorted by
    /// variable name and re-checked by `model::eval`.
    pub counterexample: Vec<(VarId, Value)>,
}

/// Whether any position has a `guaranteed` red line (else this stage has nothing to do,
/// and no Z3 context need be made for it).
pub(super) fn any(model: &Model) -> bool {
    model.positions.iter().any(|p| {
        p.red_lines
            .iter()
            .any(|l| l.kind == RedLineKind::Guaranteed)
    })
}

/// Every `guaranteed` red line of the model: its position, its index there and its formula,
/// in model order.
pub(super) fn guaranteed_lines(model: &Model) -> Vec<(PositionId, usize, &Expr)> {
    model
        .positions
        .iter()
        .enumerate()
        .flat_map(|(p, position)| {
            position
                .red_lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.kind == RedLineKind::Guaranteed)
                .map(move |(i, l)| (PositionId(p), i, &l.formula.expr))
        })
        .collect()
}

/// Adds to `out`, in model order (position, then red line), every `guaranteed` red line
/// that `treaty` does not guarantee, with its counterexample. The facts and the clauses
/// must hold together (the caller has established it). On an error `out` keeps what was
/// found before it.
pub(super) fn check(
    model: &Model,
    treaty: TreatyId,
    budget: &Budget,
    out: &mut Vec<ViolatedGuarantee>,
) -> Result<(), Abort> {
    let lines = guaranteed_lines(model);
    if lines.is_empty() {
        return Ok(());
    }
    let lowering = Lowering::new(model);
    let lower_err = |e: SolveError| Abort::Internal(e.to_string());
    // The hard formulas: every fact and every formula of every clause.
    let hard: Vec<&Expr> = model
        .facts
        .iter()
        .map(|f| &f.formula.expr)
        .chain(
            model.treaties[treaty]
                .clauses
                .iter()
                .flat_map(|c| c.formulas.iter().map(|f| &f.expr)),
        )
        .collect();
    let hard_vars: Vec<Vec<VarId>> = hard.iter().map(|e| vars_of(&[*e])).collect();
    let mut base = Partition::new(model.vars.len());
    for vs in &hard_vars {
        base.union_all(vs);
    }
    let solver = Solver::new();
    budget.configure(&solver);
    for (position, index, formula) in lines {
        let f_vars = vars_of(&[formula]);
        let mut part = base.clone();
        part.union_all(&f_vars);
        let roots: Vec<usize> = (0..model.vars.len()).map(|v| part.find(v)).collect();
        // `None`: a formula without variables, alone in its component.
        let root = f_vars.first().map(|&v| roots[v]);
        // Formulas without variables are constants; they go with every component.
        let here = |vs: &[VarId]| vs.first().is_none_or(|&v| Some(roots[v]) == root);
        let comp_hard: Vec<&Expr> = hard
            .iter()
            .zip(&hard_vars)
            .filter(|(_, vs)| here(vs))
            .map(|(e, _)| *e)
            .collect();
        let p = &model.positions[position];
        let name = red_line_name(&p.id, &p.red_lines[index].label);
        solver.push();
        let answer = (|| {
            for e in &comp_hard {
                solver.assert(lowering.bool(e).map_err(lower_err)?);
            }
            solver.assert(lowering.bool(formula).map_err(lower_err)?.not());
            let q = || {
                format!(
                    "whether treaty {} guarantees {name}",
                    model.treaties[treaty].id
                )
            };
            match budget.check(&solver, &[], &q)? {
                Answer::Unsat => Ok(None),
                Answer::Sat => solver
                    .get_model()
                    .map(Some)
                    .ok_or_else(|| Abort::Internal("Z3 gave no model".into())),
            }
        })();
        solver.pop(1);
        let Some(z3_model) = answer? else { continue };
        let mut values: Vec<(VarId, Value)> = Vec::new();
        for v in (0..model.vars.len()).filter(|&v| Some(roots[v]) == root) {
            let value = lowering.value_in(&z3_model, v).ok_or_else(|| {
                Abort::Internal(format!(
                    "Z3's model has no usable value for `{}`",
                    model.vars[v].name
                ))
            })?;
            values.push((v, value));
        }
        let lookup = |v: usize| values.iter().find(|(w, _)| *w == v).map(|(_, x)| *x);
        if comp_hard
            .iter()
            .any(|e| eval_bool(e, &lookup) != Some(true))
        {
            return Err(Abort::Internal(format!(
                "the counterexample to {name} fails the plain re-check of a fact or clause"
            )));
        }
        if eval_bool(formula, &lookup) != Some(false) {
            return Err(Abort::Internal(format!(
                "the counterexample to {name} does not falsify it on the plain re-check"
            )));
        }
        values.sort_by(|a, b| {
            model.vars[a.0]
                .name
                .cmp(&model.vars[b.0].name)
                .then(a.0.cmp(&b.0))
        });
        out.push(ViolatedGuarantee {
            position,
            index,
            counterexample: values,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::synth::{ex::*, Builder};
    use crate::model::CmpOp;

    fn run(model: &Model, budget: &Budget) -> Result<Vec<ViolatedGuarantee>, Abort> {
        let mut out = Vec::new();
        let cfg = z3::Config::new();
        z3::with_z3_config(&cfg, || check(model, TreatyId(0), budget, &mut out))?;
        Ok(out)
    }

    /// `a or x > 5` with `a` and `x` in separate components of the clauses: F's own
    /// variables join them, so the counterexample covers both, and not `y`, which shares
    /// nothing with F.
    #[test]
    fn a_formula_across_components_joins_them() {
        let mut b = Builder::new("t.treaty");
        let a = b.bool_var("a");
        let x = b.int_var("x");
        let y = b.int_var("y");
        b.fact(bound(x, CmpOp::Ge, 0));
        let t = b.treaty("T", None);
        b.clause(t, "1", None, vec![bound(x, CmpOp::Le, 10)]);
        b.clause(t, "2", None, vec![bound(y, CmpOp::Ge, 3)]);
        let actor = b.actor("A", "a");
        let p = b.position("P", &[actor]);
        let f = Expr::Or(vec![bv(a), bound(x, CmpOp::Gt, 5)]);
        b.red_line(p, "held", RedLineKind::Guaranteed, f);
        b.red_line(
            p,
            "implied",
            RedLineKind::Guaranteed,
            bound(x, CmpOp::Le, 10),
        );
        b.red_line(p, "constant", RedLineKind::Guaranteed, Expr::Const(false));
        let model = b.build();
        let got = run(&model, &Budget::new(None, None)).unwrap_or_else(|_| panic!("no answer"));
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].position, got[0].index), (p, 0));
        let vars: Vec<VarId> = got[0].counterexample.iter().map(|(v, _)| *v).collect();
        assert_eq!(vars, vec![a, x]);
        assert_eq!(got[0].counterexample[0].1, Value::Bool(false));
        // `false` is never guaranteed, and needs no variable to show it.
        assert_eq!((got[1].index, got[1].counterexample.len()), (2, 0));
    }

    /// No budget at all (rlimit 0) and no time left: each is "gave up", never an answer.
    #[test]
    fn an_exhausted_budget_gives_up() {
        let mut b = Builder::new("t.treaty");
        let x = b.int_var("x");
        let t = b.treaty("T", None);
        b.clause(t, "1", None, vec![bound(x, CmpOp::Le, 10)]);
        let actor = b.actor("A", "a");
        let p = b.position("P", &[actor]);
        b.red_line(p, "g", RedLineKind::Guaranteed, bound(x, CmpOp::Le, 5));
        let model = b.build();
        for budget in [Budget::new(None, Some(0)), Budget::new(Some(0), None)] {
            match run(&model, &budget) {
                Err(Abort::GaveUp(g)) => {
                    assert_eq!(g.query, "whether treaty T guarantees P.\"g\"");
                }
                Err(Abort::Internal(m)) => panic!("internal error: {m}"),
                Ok(v) => panic!("an answer without a budget: {v:?}"),
            }
        }
    }
}

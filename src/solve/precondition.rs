//! Preconditions of decisions (`requires ... when F`, `consent ... when F`): can `F` hold
//! together with the facts and the content of the clause that needs the decision? When it
//! cannot, a minimal set of facts that rules it out is given (empty when the clause's own
//! content rules it out), found by unsat core and deletion.
//!
//! Each question runs in a fresh Z3 context under the analysis budget; `unknown` is a
//! "gave up", never an answer.

use z3::ast::Bool;
use z3::Solver;

use super::lower::Lowering;
use super::query::{shrink_by_deletion, Budget, ItemSolver};
use super::{Options, SolveError};
use crate::model::{ClauseRef, Expr, Model};

/// Whether a precondition can hold, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreconditionCheck {
    pub possible: bool,
    /// When impossible: indices into `Model::facts` of a minimal set of facts that, with
    /// the clause's content, rules the precondition out.
    pub facts: Vec<usize>,
}

/// Can `when` hold with the facts and the content of `clause`?
pub fn precondition_holds(
    model: &Model,
    clause: ClauseRef,
    when: &Expr,
    options: &Options,
) -> Result<PreconditionCheck, SolveError> {
    let budget = Budget::new(options.timeout_ms, options.rlimit);
    budget.in_context(|| {
        let lowering = Lowering::new(model);
        let solver = Solver::new();
        budget.configure(&solver);
        let content: Vec<&Expr> = model
            .clause(clause)
            .formulas
            .iter()
            .map(|f| &f.expr)
            .chain(std::iter::once(when))
            .collect();
        solver.assert(lowering.all(&content)?);
        let indicators: Vec<Bool> = (0..model.facts.len())
            .map(|i| Bool::new_const(format!("fact{i}")))
            .collect();
        for (fact, ind) in model.facts.iter().zip(&indicators) {
            solver.assert(ind.implies(lowering.bool(&fact.formula.expr)?));
        }
        let describe = |_: &[usize]| {
            format!(
                "whether a precondition of clause {} can hold",
                model.clause(clause).id
            )
        };
        // The facts are the items, behind their indicators; the clause and `when` are hard.
        let facts = ItemSolver {
            main: &solver,
            budget: &budget,
            indicators: &indicators,
            describe: &describe,
        };
        let all: Vec<usize> = (0..model.facts.len()).collect();
        let answer = match facts.core(&all)? {
            None => PreconditionCheck {
                possible: true,
                facts: Vec::new(),
            },
            Some(core) => PreconditionCheck {
                possible: false,
                facts: shrink_by_deletion(core, |s| facts.core(s))?,
            },
        };
        Ok(answer)
    })
}

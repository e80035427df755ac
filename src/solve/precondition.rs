//! Preconditions of decisions (`requires ... when F`, `consent ... when F`): can `F` hold
//! together with the facts and the content of the clause that needs the decision? When it
//! cannot, a minimal set of facts that rules it out is given (empty when the clause's own
//! content rules it out), found by unsat core and deletion.
//!
//! Each question runs in a fresh Z3 context under the analysis budget; `unknown` is a
//! "gave up", never an answer.

use z3::ast::Bool;
use z3::{Config, Solver};

use super::lower::Lowering;
use super::query::{shrink_by_deletion, Abort, Answer, Budget};
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
    let cfg = Config::new();
    z3::with_z3_config(&cfg, || {
        let budget = Budget::new(options.timeout_ms, options.rlimit);
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
        let name = || {
            format!(
                "whether a precondition of clause {} can hold",
                model.clause(clause).id
            )
        };
        let core_of = |set: &[usize]| -> Result<Option<Vec<usize>>, Abort> {
            let lits: Vec<Bool> = set.iter().map(|&i| indicators[i].clone()).collect();
            match budget.check(&solver, &lits, &name)? {
                Answer::Sat => Ok(None),
                Answer::Unsat => {
                    let core = solver.get_unsat_core();
                    Ok(Some(
                        set.iter()
                            .copied()
                            .filter(|&i| core.iter().any(|c| c == &indicators[i]))
                            .collect(),
                    ))
                }
            }
        };
        let all: Vec<usize> = (0..model.facts.len()).collect();
        let answer = match core_of(&all).map_err(SolveError::from)? {
            None => PreconditionCheck {
                possible: true,
                facts: Vec::new(),
            },
            Some(core) => PreconditionCheck {
                possible: false,
                facts: shrink_by_deletion(core, core_of).map_err(SolveError::from)?,
            },
        };
        Ok(answer)
    })
}

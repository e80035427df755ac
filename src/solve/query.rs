//! Running one solver query under the analysis budget. Z3's `unknown` never leaves this
//! module as an answer: it becomes `Abort::GaveUp`, naming the query in words.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use z3::ast::Bool;
use z3::{Config, Params, SatResult, Solver};

use crate::budget::GaveUp;

/// A definite answer of one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    Sat,
    Unsat,
}

/// Why an analysis stopped early.
#[derive(Debug)]
pub(crate) enum Abort {
    /// The solver gave up on a query (budget, incompleteness).
    GaveUp(GaveUp),
    /// A broken invariant or a failed re-check: a bug, never a verdict.
    Internal(String),
}

/// The budget of one analysis: a wall-clock deadline over all its queries, and Z3's
/// deterministic resource limit on each query.
///
/// Setting a solver's parameters is dear in Z3 (it validates them against every parameter
/// the solver knows, about as much work as a small query), so the timeout is not set on
/// every query: a context made by `Budget::config` gives every solver in it the time left
/// when it was made, and a query re-sets its solver's timeout only once less than 90% of
/// that is left. A query may thus run past the deadline by at most a tenth of the budget.
pub(crate) struct Budget {
    deadline: Option<Instant>,
    rlimit: Option<u64>,
    /// The timeout (ms) of the context made last by `config`; 0: none made.
    context_timeout: AtomicU64,
}

impl Budget {
    pub(crate) fn new(timeout_ms: Option<u64>, rlimit: Option<u64>) -> Budget {
        let deadline = timeout_ms
            .and_then(|ms| Instant::now().checked_add(std::time::Duration::from_millis(ms)));
        Budget {
            deadline,
            rlimit,
            context_timeout: AtomicU64::new(0),
        }
    }

    /// What is left of the wall-clock budget, in milliseconds, if there is a deadline.
    fn left_ms(&self) -> Option<u64> {
        self.deadline.map(|d| {
            u64::try_from(d.saturating_duration_since(Instant::now()).as_millis())
                .unwrap_or(u64::MAX)
        })
    }

    /// The configuration of a fresh context for this budget: with a deadline, every
    /// solver made in it times out after what is left of the budget now. Only solvers of
    /// the context made last by this call may be checked with this budget.
    pub(crate) fn config(&self) -> Config {
        let mut cfg = Config::new();
        if let Some(left) = self.left_ms() {
            let ms = clamp_u32(left.max(1));
            cfg.set_timeout_msec(u64::from(ms));
            self.context_timeout.store(u64::from(ms), Ordering::Relaxed);
        }
        cfg
    }

    /// Applies the per-query limits to a new solver.
    pub(crate) fn configure(&self, solver: &Solver) {
        if let Some(r) = self.rlimit {
            let mut p = Params::new();
            // Some(0) is no budget at all (Z3 would read 0 as "unlimited").
            p.set_u32("rlimit", clamp_u32(r.max(1)));
            solver.set_params(&p);
        }
    }

    /// Checks `solver` under `assumptions`. `query` names the question for a report.
    pub(crate) fn check(
        &self,
        solver: &Solver,
        assumptions: &[Bool],
        query: &dyn Fn() -> String,
    ) -> Result<Answer, Abort> {
        if let Some(left) = self.left_ms() {
            // The wall clock covers the whole analysis: give each query what is left (the
            // context's timeout while it is within a tenth of that).
            if left == 0 {
                return Err(Abort::GaveUp(GaveUp::new(query(), "timeout")));
            }
            let context = self.context_timeout.load(Ordering::Relaxed);
            if context == 0 || u128::from(left) * 10 < u128::from(context) * 9 {
                let mut p = Params::new();
                p.set_u32("timeout", clamp_u32(left));
                solver.set_params(&p);
            }
        }
        match solver.check_assumptions(assumptions) {
            SatResult::Sat => Ok(Answer::Sat),
            SatResult::Unsat => Ok(Answer::Unsat),
            SatResult::Unknown => Err(Abort::GaveUp(GaveUp::new(
                query(),
                solver
                    .get_reason_unknown()
                    .unwrap_or_else(|| "unknown".into()),
            ))),
        }
    }
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
    pub(crate) fn core(&self, set: &[usize]) -> Result<Option<Vec<usize>>, Abort> {
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

    pub(crate) fn holds(&self, set: &[usize]) -> Result<bool, Abort> {
        Ok(self.core(set)?.is_none())
    }
}

/// Deletion-based shrink of an unsatisfiable set to a minimal one, in order: each element
/// is dropped when the rest stays unsatisfiable. `core_of(set)` is `None` when `set` holds,
/// else an unsat core of it (a subset, ascending). A core keeps every element found needed
/// so far (they precede `i`), so the positions before `i` never move.
pub(crate) fn shrink_by_deletion(
    mut cur: Vec<usize>,
    mut core_of: impl FnMut(&[usize]) -> Result<Option<Vec<usize>>, Abort>,
) -> Result<Vec<usize>, Abort> {
    let mut i = 0;
    while i < cur.len() {
        let cand: Vec<usize> = cur
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != i)
            .map(|(_, &x)| x)
            .collect();
        match core_of(&cand)? {
            None => i += 1,
            Some(core) => cur = core,
        }
    }
    Ok(cur)
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

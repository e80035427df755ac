//! Running one solver query under the analysis budget. Z3's `unknown` never leaves this
//! module as an answer: it becomes `Abort::GaveUp`, naming the query in words.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use z3::ast::Bool;
use z3::{Config, Context, Params, SatResult, Solver};

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
/// The deadline is kept by a watchdog, not by Z3's own timeout: a context made by
/// `Budget::in_context` has a thread of its own that interrupts it when the deadline
/// passes (and again every few milliseconds until the work ends, so that an interrupt
/// cannot fall between two queries and be lost). Z3's `timeout` parameter starts a timer
/// on every query, which cost 30% of a check of 10,000 generated clauses (most of it in
/// the kernel); the watchdog costs one thread per context. A query on a solver of another
/// context (one made without `in_context`) still gets Z3's timeout, set per query.
pub(crate) struct Budget {
    deadline: Option<Instant>,
    rlimit: Option<u64>,
    /// A context made by `in_context` is running: its watchdog keeps the deadline.
    watched: AtomicBool,
}

/// How often the watchdog interrupts its context again once the deadline has passed.
const INTERRUPT_AGAIN: Duration = Duration::from_millis(5);

impl Budget {
    pub(crate) fn new(timeout_ms: Option<u64>, rlimit: Option<u64>) -> Budget {
        let deadline = timeout_ms
            .and_then(|ms| Instant::now().checked_add(std::time::Duration::from_millis(ms)));
        Budget {
            deadline,
            rlimit,
            watched: AtomicBool::new(false),
        }
    }

    /// What is left of the wall-clock budget, in milliseconds, if there is a deadline.
    fn left_ms(&self) -> Option<u64> {
        self.deadline.map(|d| {
            u64::try_from(d.saturating_duration_since(Instant::now()).as_millis())
                .unwrap_or(u64::MAX)
        })
    }

    /// Runs `work` in a fresh Z3 context, under a watchdog that interrupts the context
    /// once the deadline passes. Only solvers of this context may be checked with this
    /// budget while `work` runs.
    pub(crate) fn in_context<R: Send + Sync>(&self, work: impl FnOnce() -> R + Send + Sync) -> R {
        z3::with_z3_config(&Config::new(), || {
            let Some(deadline) = self.deadline else {
                return work();
            };
            let context = Context::thread_local();
            let handle = context.handle();
            let (done, finished) = mpsc::channel::<()>();
            std::thread::scope(|scope| {
                scope.spawn(move || {
                    let mut wait = deadline.saturating_duration_since(Instant::now());
                    while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(wait) {
                        handle.interrupt();
                        wait = INTERRUPT_AGAIN;
                    }
                });
                self.watched.store(true, Ordering::Relaxed);
                let out = work();
                self.watched.store(false, Ordering::Relaxed);
                drop(done);
                out
            })
        })
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
            if !self.watched.load(Ordering::Relaxed) {
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
                self.why_unknown(solver),
            ))),
        }
    }

    /// Why a query of `solver` ended `unknown`: past the deadline it was the watchdog
    /// (Z3 says "canceled") or Z3's timeout, and either is reported as "timeout". Under a
    /// resource limit Z3 says "canceled" or "unknown" depending on where the limit struck
    /// (a query with assumptions or without), and on these quantifier-free linear
    /// questions nothing but a limit makes it give up: "resource limit", whatever it said.
    fn why_unknown(&self, solver: &Solver) -> String {
        if self.left_ms() == Some(0) {
            return "timeout".into();
        }
        let said = solver.get_reason_unknown().unwrap_or_default();
        if self.rlimit.is_some() && matches!(said.as_str(), "" | "canceled" | "unknown") {
            return "resource limit".into();
        }
        if said.is_empty() {
            "unknown".into()
        } else {
            said
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Pigeonhole: `n` pigeons in `n - 1` holes, as Booleans; hard for resolution, so Z3
    /// runs far past any small budget on it.
    fn pigeonhole(solver: &Solver, n: usize) {
        let sits: Vec<Vec<Bool>> = (0..n)
            .map(|p| {
                (0..n - 1)
                    .map(|h| Bool::new_const(format!("p{p}h{h}")))
                    .collect()
            })
            .collect();
        for row in &sits {
            solver.assert(Bool::or(row));
        }
        for h in 0..n - 1 {
            let in_hole: Vec<&Bool> = sits.iter().filter_map(|row| row.get(h)).collect();
            for (k, p) in in_hole.iter().enumerate() {
                for q in &in_hole[k + 1..] {
                    solver.assert(Bool::and(&[*p, *q]).not());
                }
            }
        }
    }

    #[test]
    fn the_watchdog_stops_a_query_at_the_deadline() {
        let budget = Budget::new(Some(200), None);
        let answer = budget.in_context(|| {
            let solver = Solver::new();
            budget.configure(&solver);
            pigeonhole(&solver, 13);
            budget
                .check(&solver, &[], &|| "pigeons".to_string())
                .map_err(|e| match e {
                    Abort::GaveUp(g) => g.to_string(),
                    Abort::Internal(m) => m,
                })
        });
        let Err(said) = answer else {
            panic!("13 pigeons in 12 holes answered within 200 ms: {answer:?}");
        };
        assert!(said.contains("timeout"), "{said}");
        assert!(said.contains("pigeons"), "{said}");
    }

    #[test]
    fn a_spent_budget_answers_nothing_more() {
        let budget = Budget::new(Some(0), None);
        let answer = budget.in_context(|| {
            let solver = Solver::new();
            solver.assert(Bool::from_bool(true));
            budget
                .check(&solver, &[], &|| "a trivial query".to_string())
                .is_err()
        });
        assert!(answer);
    }
}

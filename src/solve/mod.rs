//! Everything that needs Z3; this is the only module of the crate that imports `z3`.
//!
//! - `consistency`: which clauses of a treaty and which red lines cannot hold together,
//!   as every minimal conflict (`check_consistency`); with `guarantee`, which `guaranteed`
//!   red lines the treaty does not guarantee, each with a counterexample.
//! - `repair`: every minimal correction set of a treaty's content (`minimal_repairs`): the
//!   smallest sets of clauses and red lines whose dropping leaves no conflict of clauses, no
//!   actor objecting and no guaranteed line open.
//! - `precondition`: whether a decision's precondition can hold with the facts and the
//!   clause (`precondition_holds`).
//! - `voting`: voting questions posed to Z3 (one decision, and the joint feasibility of a
//!   treaty), an independent check on the solver-free `crate::voting`.
//! - `margins`: for each listed conflict, the values of each integer literal of its items
//!   and facts that resolve it (optima by bisection on the solver, re-checked), and joint
//!   moves of two.
//! - Shared machinery: `lower` (model formulas to Z3 terms), `query` (budgets, and `unknown`
//!   as an answer of its own), `marco` (minimal unsatisfiable subset enumeration), `reason`
//!   (one-sentence explanations of a conflict).
//!
//! Invariants of every analysis here: input is the resolved `Model` and output is plain
//! data (no Z3 type leaves this module); each analysis runs in a fresh Z3 context, so its
//! answers do not depend on what ran before; an `unknown` from Z3 is reported as such,
//! never read as satisfiable or unsatisfiable.

mod consistency;
mod guarantee;
mod lower;
mod marco;
pub mod margins;
mod objections;
mod precondition;
mod query;
mod reason;
mod repair;
mod standing;
pub mod voting;

pub use consistency::{check_consistency, Conflict, ConsistencyReport};

/// Asks the allocator to keep freed memory for reuse (glibc on Linux; elsewhere nothing).
///
/// Each analysis makes a fresh Z3 context (see the module's invariants), and a context
/// touches about 44 MB as it is made. glibc returns large freed blocks to the system, so
/// every context faulted its memory in again: the plan's `check`, with a few contexts,
/// took 44,600 page faults and 138 ms of CPU, against 11,500 and 76 ms with freed memory
/// kept (blocks under 256 MiB from the heap, the heap trimmed past 1 GiB free). Blocks of
/// 256 MiB and more (the power tables) are still mapped and returned on their own. Call it
/// once, first thing in `main`.
pub fn reuse_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters; it is called before any thread
    // starts, and a refusal (return 0) leaves the defaults, which are correct too.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}
pub use guarantee::ViolatedGuarantee;
pub use precondition::{precondition_holds, PreconditionCheck};
pub use repair::{minimal_repairs, RepairSets};
pub use voting::{
    decision_can_pass, decision_min_blocking_size, decision_sole_passers,
    decision_sole_passers_with, decision_structure, decision_summary, decision_summary_with,
    decision_veto_players, treaty_feasibility, ClauseOutcome, DecisionOutcome, DecisionSummary,
    JointError, JointInput, JointOutcome, RequirementOutcome, RouteOutcome,
};

use crate::budget::GaveUp;
use crate::model::TreatyId;
use query::Abort;

impl From<Abort> for SolveError {
    fn from(a: Abort) -> SolveError {
        match a {
            Abort::GaveUp(g) => SolveError::GaveUp(g),
            Abort::Internal(msg) => SolveError::Internal(msg),
        }
    }
}

/// Limits of one analysis.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Stop after this many conflicts (`truncated` then tells whether there were more).
    pub max_conflicts: Option<usize>,
    /// Wall-clock budget for the whole analysis, in milliseconds (for users).
    pub timeout_ms: Option<u64>,
    /// Z3's deterministic resource limit (`rlimit`) on each query, for tests; the budget
    /// does not grow with the number of queries. Values past `u32::MAX` are clamped.
    pub rlimit: Option<u64>,
    /// Compute the margins of the listed conflicts (`margins`; the CLI always does). Off by
    /// default so that callers that only need verdicts (the random-treaty tests) skip them.
    pub margins: bool,
}

/// Why the consistency analysis has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SolveError {
    /// Z3 answered `unknown` (budget exhausted or incompleteness); nothing is concluded.
    #[error(transparent)]
    GaveUp(#[from] GaveUp),
    #[error("there is no treaty with index {0}")]
    NoSuchTreaty(TreatyId),
    /// A bug: a broken invariant or an answer that failed its re-check.
    #[error("internal error in the consistency analysis: {0}")]
    Internal(String),
}

/// The version of the linked Z3 library, e.g. `4.8.12.0`.
pub fn z3_version() -> String {
    z3::full_version().to_string()
}

//! The whole-treaty analysis behind `treaty check`, as a pipeline of stages, one file each:
//!
//! 1. consistency: every minimal conflict, via `solve` (Z3), with whose red lines are
//!    violated and which clauses each such actor objects to;
//! 2. `rejections`: why each such actor objects, and whether it rejects the package;
//! 3. `votes`: each actor's vote on each clause (objections, package rejections and
//!    stances), with its reasons;
//! 4. `decisions`: every decision (clause, body and rule, or an actor's consent) with those
//!    votes, via `voting`; then each clause's status, feasibility, vetoes, dependencies;
//! 5. `verify`: the same question put to Z3 at once, for `check --verify` (optional).
//!
//! `repair` (for `treaty repair`) runs the pipeline again on the treaty without each minimal
//! correction set's items, and ranks the sets by who concedes.
//!
//! Read off the finished analysis, changing no verdict: `counts` (clauses and points that
//! need non-parties or a `group`) and `caveats` (the dates of the bodies' data, and the
//! conclusions that name an `aggregate` actor); and, from the decisions and clause
//! statuses, `win_over` (who must be won over to pass each blocked decision and clause).
//!
//! Semantics (docs/semantics.md, "Votes: objections, stances and decisions"):
//! - a minimal conflict made of clauses and red lines of one actor only violates that
//!   actor's red lines: it objects to the clauses of every such conflict and votes no on
//!   their decisions (a direct no); a party among such actors does not sign;
//! - an actor holding a position that says `rejects package` votes no on every decision of
//!   the treaty when its red lines are violated (a knock-on no on the clauses it does not
//!   object to);
//! - the holders of a `guaranteed` red line that the facts and the clauses leave open vote no
//!   on every decision and do not sign (`NoReason::Guarantee`: no clause is its cause);
//! - `supports` / `opposes` / `abstains on` fix a holder's vote on one clause's decisions
//!   (a no from red lines or an opposition wins over an abstention, and both over a
//!   support: a wrong "adoptable" is the worse error);
//! - a requirement is met by any one of its routes; a route expands into decisions (a body's
//!   vote, an actor's consent or its domestic procedures, every member's consent for
//!   `each of`), may need its decision to fail (`lapse of`), and is closed when its
//!   precondition cannot hold with the facts and the clause;
//! - each decision has its own ballots and yes is the best ballot under every rule, so a
//!   clause is adoptable exactly when each requirement has a route whose decisions can each
//!   go the clause's way with the free ballots chosen for it;
//! - a veto (`expect veto`, "can block alone") is structural: with every other ballot free,
//!   the actor's withholding alone (in some way) closes every route of a requirement.
//!
//! Invariant: the output speaks of actors, clauses and positions of the model only (member
//! indices are converted once, in `decisions`), and every list is in a stable order.

pub mod caveats;
pub mod counts;
mod decisions;
pub mod diff;
pub mod given;
mod rejections;
pub mod repair;
pub mod reuse;
mod verify;
mod votes;
pub mod win_over;

use std::collections::BTreeMap;

use crate::budget::GaveUp;
use crate::diag::{Code, Diagnostic};
use crate::model::{ActorId, ClauseRef, Model, TreatyId};
use crate::solve::{self, ConsistencyReport};

pub use decisions::{
    ClauseStatus, Decider, Decision, Precondition, RequirementStatus, RouteStatus,
};
pub use rejections::{NoReason, Objection};
pub use verify::{verify_all, verify_with_z3};

#[derive(Clone, Debug)]
pub struct TreatyAnalysis {
    pub treaty: TreatyId,
    pub consistency: ConsistencyReport,
    /// Every actor whose red lines the treaty violates, by actor: what it objects to, and
    /// whether it rejects the package.
    pub objections: Vec<Objection>,
    pub decisions: Vec<Decision>,
    pub clauses: Vec<ClauseStatus>,
    /// Parties that do not sign (the treaty violates their red lines).
    pub refusing_parties: Vec<ActorId>,
    /// Some conflict involves clauses only: the text contradicts itself.
    pub self_contradictory: bool,
    pub feasible: bool,
    /// Who must be won over to pass each blocked decision and clause (`win_over`).
    pub win_over: win_over::WinOverAnalysis,
}

/// Why an analysis has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// A question was not answered within the budget; nothing is concluded (exit 3).
    #[error(transparent)]
    GaveUp(#[from] GaveUp),
    /// A broken invariant inside `solve`: a bug, never a verdict.
    #[error(transparent)]
    Solve(solve::SolveError),
    /// A broken invariant inside Z3's joint encoding (`check --verify`): a bug.
    #[error(transparent)]
    Joint(solve::JointError),
    /// A body or rule the voting module refused: a bug in resolution, never a verdict.
    #[error(transparent)]
    Voting(crate::voting::VotingError),
    /// `check --verify`: Z3's joint encoding disagrees with the staged analysis (a bug).
    #[error("Z3's joint encoding disagrees with the analysis of treaty {treaty}: {}", diffs.join("; "))]
    Disagreement { treaty: String, diffs: Vec<String> },
}

impl From<solve::SolveError> for AnalysisError {
    fn from(e: solve::SolveError) -> AnalysisError {
        match e {
            solve::SolveError::GaveUp(g) => AnalysisError::GaveUp(g),
            other => AnalysisError::Solve(other),
        }
    }
}

impl From<solve::JointError> for AnalysisError {
    fn from(e: solve::JointError) -> AnalysisError {
        match e {
            solve::JointError::GaveUp(g) => AnalysisError::GaveUp(g),
            other => AnalysisError::Joint(other),
        }
    }
}

impl AnalysisError {
    /// The solver or a search gave up: nothing is concluded (exit 3, not 2).
    pub fn gave_up(&self) -> bool {
        matches!(self, AnalysisError::GaveUp(_))
    }

    /// The error as the CLI shows it.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            AnalysisError::GaveUp(g) => Diagnostic::bare(Code::GaveUp, g.to_string())
                .with_help("nothing is concluded; raise --timeout or simplify the formulas"),
            other => Diagnostic::bare(Code::Internal, format!("internal error: {other}"))
                .with_help("this is a bug in treaty; please report it with the input files"),
        }
    }
}

/// Every treaty of a run: those decided, and those the solver gave up on (each with the
/// question it gave up on and what it had found so far).
#[derive(Clone, Debug, Default)]
pub struct Analyses {
    pub decided: Vec<TreatyAnalysis>,
    pub undecided: Vec<(TreatyId, GaveUp)>,
}

/// Analyses every treaty of the model, in order. A treaty the solver gives up on does not
/// stop the others; any other error (a bug) does.
pub fn analyse_all(model: &Model, options: &solve::Options) -> Result<Analyses, AnalysisError> {
    let mut out = Analyses::default();
    for t in (0..model.treaties.len()).map(TreatyId) {
        match analyse(model, t, options) {
            Ok(a) => out.decided.push(a),
            Err(AnalysisError::GaveUp(g)) => out.undecided.push((t, g)),
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

/// Analyses one treaty: the stages of the module documentation, in order.
pub fn analyse(
    model: &Model,
    treaty: TreatyId,
    options: &solve::Options,
) -> Result<TreatyAnalysis, AnalysisError> {
    let consistency = solve::check_consistency(model, treaty, options)?;
    analyse_after(
        model,
        treaty,
        options,
        consistency,
        decisions::Preconditions::new(),
    )
}

/// The stages after consistency, given its answer (and precondition answers already known).
fn analyse_after(
    model: &Model,
    treaty: TreatyId,
    options: &solve::Options,
    consistency: ConsistencyReport,
    known: decisions::Preconditions,
) -> Result<TreatyAnalysis, AnalysisError> {
    let objections = rejections::objections(model, &consistency);
    let votes = votes::VoteTable::new(model, &objections);
    let decisions = decisions::all(model, treaty, &votes, options, known)?;
    let clauses = decisions::clause_statuses(model, treaty, &decisions, &consistency)?;
    let win_over = win_over::all(
        model,
        &votes,
        &decisions,
        &clauses,
        consistency.facts_contradiction.is_some(),
    )?;
    let parties = &model.treaties[treaty].parties;
    // Signing is an act on the whole text: a party whose red lines are violated does not
    // sign, whether or not it rejects the package; nor does one whose guaranteed red line
    // the text leaves open.
    let refusing_parties: Vec<ActorId> = parties
        .iter()
        .copied()
        .filter(|p| objections.iter().any(|o| o.actor == *p))
        .collect();
    // Contradictory facts leave nothing possible: never report such a treaty feasible.
    let feasible = consistency.facts_contradiction.is_none()
        && !consistency.self_contradictory
        && refusing_parties.is_empty()
        && clauses.iter().all(|c| c.adoptable);
    Ok(TreatyAnalysis {
        treaty,
        objections,
        self_contradictory: consistency.self_contradictory,
        consistency,
        decisions,
        clauses,
        refusing_parties,
        feasible,
        win_over,
    })
}

impl TreatyAnalysis {
    /// Clauses each actor can block alone, by actor.
    pub fn vetoes_by_actor(&self) -> BTreeMap<ActorId, Vec<ClauseRef>> {
        let mut out: BTreeMap<ActorId, Vec<ClauseRef>> = BTreeMap::new();
        for c in &self.clauses {
            for &a in &c.vetoes {
                out.entry(a).or_default().push(c.clause);
            }
        }
        out
    }

    /// Any finding: a conflict, a blocked clause, or infeasibility.
    pub fn has_findings(&self) -> bool {
        !self.consistency.is_consistent()
            || !self.consistency.violated_guarantees.is_empty()
            || !self.feasible
    }

    pub fn clause(&self, c: ClauseRef) -> Option<&ClauseStatus> {
        self.clauses.iter().find(|s| s.clause == c)
    }

    /// Whether `actor` objects to `clause` (the clause is in a minimal conflict with its red
    /// lines).
    pub fn objects_to(&self, actor: ActorId, clause: ClauseRef) -> bool {
        self.objections
            .iter()
            .any(|o| o.actor == actor && o.objects_to(clause))
    }
}

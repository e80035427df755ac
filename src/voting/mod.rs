//! Voting rules as data: evaluation, decisions with fixed votes (veto players, blockers,
//! smallest blocking coalitions) and power indices (Banzhaf, Shapley–Shubik).
//!
//! This module needs no solver: every rule form keeps yes the best ballot (turning any
//! ballot into a yes never turns a pass into a fail), so "can it pass?" is answered by
//! setting every free vote to yes, and "can these members block it?" by setting everyone
//! else to yes and searching how each of them withholds (no, abstain or stay away).
//! Power indices are of the two-valued game (every member votes yes or no).
//!
//! Invariants and conventions:
//! - all arithmetic is exact: thresholds are compared as integer products in `u128`
//!   (`MAX_DIMENSION_TOTAL` keeps `total * 100 * 10^6` in range), counts are multi-limb
//!   integers or `BigUint`, indices are `BigRational`; floats appear only when formatting;
//! - member lists in results are member indices (into `Body::members`), sorted ascending;
//! - every function is deterministic: same input, same output, on every machine;
//! - a body or rule that breaks the invariants of `model::types` gives a `VotingError`,
//!   never a panic; a question too large for the exact method gives an error, never a
//!   guess.

mod ballots;
mod certificate;
mod decision;
mod game;
mod modular;
mod power;
#[cfg(test)]
pub(crate) mod tests;
mod win_over;

pub use crate::model::eval::{passes, passes_ballots};
pub use certificate::{decision_claim, sole_passers_claim, DecisionClaim, SolePassersClaim};
pub use decision::{
    analyse_decision, consent, first_subset, set_blocks, smallest_blocking_coalition,
    smallest_passing_coalition, sole_passers, veto_players, withholding_matters, DecisionAnalysis,
    PreparedRule, Vote,
};
pub use power::{
    power, power_within, GameSummary, IndexChoice, MemberPower, PowerBudget, PowerError,
    PowerIndices, PowerMethod, DEFAULT_MAX_MEMORY, ENUMERATION_LIMIT, MEET_IN_THE_MIDDLE_LIMIT,
    TABLE_WORDS_LIMIT,
};
pub use win_over::{
    can_win_over, consent_goes, smallest_sets, win_over, win_over_consent, won_over, DecisionGame,
    WinOver, SETS_KEPT, WIN_OVER_CHECKS,
};

use thiserror::Error;

/// Why a voting question could not be answered.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum VotingError {
    /// The body or rule breaks an invariant of the resolved model.
    #[error("invalid voting rule: {0}")]
    Invalid(String),
    /// The vote list does not have one vote per member.
    #[error("expected {expected} votes (one per member), got {got}")]
    VoteCount { expected: usize, got: usize },
    /// The exact search for a blocking coalition exceeded its budget.
    #[error("the exact search for a smallest blocking coalition gave up after {nodes} steps; the rule is too large for the exact method")]
    SearchLimit { nodes: u64 },
}

//! Read off the decisions and clause statuses: for each blocked decision and each blocked
//! clause, the smallest sets of actors that must be won over to pass it (docs/semantics.md,
//! "Winning over"). Changes no verdict.
//!
//! A decision: its voters with a fixed ballot against it (for a lapse: any fixed ballot),
//! switched by `voting::win_over` on its own ballots. A clause: an actor won over votes yes
//! on the clause, so on every decision of the clause at once (its vote is per actor and
//! clause), and so do the voters of a domestic procedure that follow its vote; the clause
//! passes when every requirement has a possible route whose decisions all go its way. The
//! smallest sets are searched by `voting::smallest_sets`, each candidate set checked
//! decision by decision with each rule prepared once (`voting::DecisionGame`).

use std::collections::BTreeMap;

use super::votes::VoteTable;
use super::{AnalysisError, ClauseStatus, Decider, Decision, TreatyAnalysis};
use crate::budget::GaveUp;
use crate::model::{ActorId, BodyId, ClauseRef, Model, RuleId};
use crate::voting::{self, DecisionGame, Vote, VotingError, WinOver};

/// Why a decision or clause cannot pass whatever the votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CannotPass {
    /// A precondition cannot hold (for a clause: on every route of some requirement).
    Precondition,
    /// The clause's content contradicts the facts on its own.
    Contradictory,
    /// The facts contradict each other.
    Facts,
    /// Even with every fixed vote switched it does not go its way (not expected: every
    /// rule passes when everyone votes yes and fails when everyone withholds in some way).
    Votes,
}

/// Who must be won over to pass a blocked decision or clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WinOverResult {
    Cannot(CannotPass),
    Sets(WinOver<ActorId>),
}

impl WinOverResult {
    fn of(w: WinOver<ActorId>) -> WinOverResult {
        if w.possible {
            WinOverResult::Sets(w)
        } else {
            WinOverResult::Cannot(CannotPass::Votes)
        }
    }

    /// The search stopped at its budget.
    pub fn cut(&self) -> bool {
        matches!(self, WinOverResult::Sets(w) if !w.complete)
    }
}

/// The win-over sets of a treaty: `decisions[i]` for `TreatyAnalysis::decisions[i]`,
/// `clauses[i]` for `TreatyAnalysis::clauses[i]`; `None` when it goes the clause's way (a
/// decision that can pass and whose preconditions can hold; an adoptable clause).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WinOverAnalysis {
    pub decisions: Vec<Option<WinOverResult>>,
    pub clauses: Vec<Option<WinOverResult>>,
}

impl WinOverAnalysis {
    /// Some search stopped at its budget (the run then exits 3).
    pub fn cut(&self) -> bool {
        self.decisions
            .iter()
            .chain(&self.clauses)
            .flatten()
            .any(WinOverResult::cut)
    }
}

fn voting_error(model: &Model, clause: ClauseRef, e: VotingError) -> AnalysisError {
    match e {
        VotingError::SearchLimit { .. } => AnalysisError::GaveUp(GaveUp::new(
            format!(
                "who must be won over to pass clause {}",
                model.clause(clause).id
            ),
            e.to_string(),
        )),
        other => AnalysisError::Voting(other),
    }
}

/// Every blocked decision's and clause's win-over sets.
pub(crate) fn all(
    model: &Model,
    votes: &VoteTable<'_>,
    decisions: &[Decision],
    clauses: &[ClauseStatus],
    facts_contradict: bool,
) -> Result<WinOverAnalysis, AnalysisError> {
    let mut out = WinOverAnalysis::default();
    for d in decisions {
        let w = if d.preconditions.iter().any(|p| !p.possible) {
            Some(WinOverResult::Cannot(CannotPass::Precondition))
        } else if d.can_pass {
            None
        } else {
            let by_member = match d.decider {
                Decider::Body { body, rule } => {
                    let b = &model.bodies[body];
                    voting::win_over(
                        b,
                        &b.rule(rule).rule,
                        &d.votes,
                        d.lapse,
                        voting::WIN_OVER_CHECKS,
                    )
                    .map_err(|e| voting_error(model, d.clause, e))?
                }
                Decider::Consent { .. } => match d.votes.as_slice() {
                    [vote] => voting::win_over_consent(*vote, d.lapse),
                    _ => {
                        return Err(AnalysisError::Voting(VotingError::VoteCount {
                            expected: 1,
                            got: d.votes.len(),
                        }))
                    }
                },
            };
            Some(WinOverResult::of(by_member.map(|m| d.voters[m])))
        };
        out.decisions.push(w);
    }
    let mut games = Games::default();
    for s in clauses {
        let w = if s.adoptable {
            None
        } else if facts_contradict {
            Some(WinOverResult::Cannot(CannotPass::Facts))
        } else if s.contradictory {
            Some(WinOverResult::Cannot(CannotPass::Contradictory))
        } else if s.impossible() {
            Some(WinOverResult::Cannot(CannotPass::Precondition))
        } else {
            let oracle = ClauseOracle::new(model, votes, decisions, s, &mut games)?;
            Some(WinOverResult::of(oracle.smallest(model)?))
        };
        out.clauses.push(w);
    }
    Ok(out)
}

/// Each (body, rule) prepared once.
#[derive(Default)]
struct Games(BTreeMap<(BodyId, RuleId), DecisionGame>);

impl Games {
    fn prepare(&mut self, model: &Model, body: BodyId, rule: RuleId) -> Result<(), VotingError> {
        if let std::collections::btree_map::Entry::Vacant(e) = self.0.entry((body, rule)) {
            let b = &model.bodies[body];
            e.insert(DecisionGame::new(b, &b.rule(rule).rule)?);
        }
        Ok(())
    }
}

/// One decision of a clause, as the clause-level search sees it.
struct Step<'a> {
    decision: &'a Decision,
    /// Each voter's own vote on the clause (before following its state).
    own: Vec<Vote>,
    /// The vote of the state whose consent this is, which voters without a vote of their
    /// own follow.
    state: Option<(ActorId, Vote)>,
}

/// "Does winning over this set pass the clause?" for one clause.
struct ClauseOracle<'a> {
    clause: ClauseRef,
    /// Per requirement, its possible routes, each the indices of its steps.
    requirements: Vec<Vec<Vec<usize>>>,
    steps: Vec<Step<'a>>,
    games: &'a Games,
    candidates: Vec<ActorId>,
}

impl<'a> ClauseOracle<'a> {
    fn new(
        model: &Model,
        votes: &VoteTable<'_>,
        decisions: &'a [Decision],
        s: &ClauseStatus,
        games: &'a mut Games,
    ) -> Result<ClauseOracle<'a>, AnalysisError> {
        let clause = s.clause;
        let mut steps: Vec<Step<'a>> = Vec::new();
        let mut requirements = Vec::new();
        let mut candidates = std::collections::BTreeSet::new();
        for r in &s.requirements {
            let mut routes = Vec::new();
            for route in r.routes.iter().filter(|x| x.possible) {
                let mut ids = Vec::new();
                for &i in &route.decisions {
                    let d = &decisions[i];
                    if let Decider::Body { body, rule } = d.decider {
                        games
                            .prepare(model, body, rule)
                            .map_err(|e| voting_error(model, clause, e))?;
                    }
                    let own: Vec<Vote> =
                        d.voters.iter().map(|&a| votes.vote(a, clause).0).collect();
                    let state = d.consent_of.map(|a| (a, votes.vote(a, clause).0));
                    let step = Step {
                        decision: d,
                        own,
                        state,
                    };
                    // Nothing won over: the decision's own votes, or a bug.
                    if step.votes(&[]) != d.votes {
                        return Err(AnalysisError::Voting(VotingError::Invalid(format!(
                            "winning over: the votes of a decision of clause {} do not follow from the actors' votes",
                            model.clause(clause).id
                        ))));
                    }
                    for (m, &a) in d.voters.iter().enumerate() {
                        if voting::can_win_over(d.votes[m], d.lapse) {
                            candidates.insert(a);
                        }
                    }
                    if let Some((a, v)) = step.state {
                        if v.withholds() && step.own.contains(&Vote::Free) {
                            candidates.insert(a);
                        }
                    }
                    ids.push(steps.len());
                    steps.push(step);
                }
                routes.push(ids);
            }
            requirements.push(routes);
        }
        Ok(ClauseOracle {
            clause,
            requirements,
            steps,
            games,
            candidates: candidates.into_iter().collect(),
        })
    }

    /// The clause passes with `set` (sorted) won over.
    fn works(&self, set: &[ActorId]) -> Result<bool, VotingError> {
        for routes in &self.requirements {
            let mut met = false;
            for route in routes {
                let mut open = true;
                for &i in route {
                    if !self.steps[i].goes(set, self.games)? {
                        open = false;
                        break;
                    }
                }
                if open {
                    met = true;
                    break;
                }
            }
            if !met {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn smallest(&self, model: &Model) -> Result<WinOver<ActorId>, AnalysisError> {
        let mut works = |set: &[ActorId]| self.works(set);
        voting::smallest_sets(&self.candidates, voting::WIN_OVER_CHECKS, &mut works)
            .map_err(|e| voting_error(model, self.clause, e))
    }
}

impl Step<'_> {
    /// Each voter's vote on the decision with `set` (sorted) won over.
    fn votes(&self, set: &[ActorId]) -> Vec<Vote> {
        let d = self.decision;
        let state = self.state.map(|(a, v)| {
            if set.binary_search(&a).is_ok() {
                Vote::Yes
            } else {
                v
            }
        });
        d.voters
            .iter()
            .zip(&self.own)
            .map(|(a, &own)| {
                let clause_vote = if set.binary_search(a).is_ok() {
                    Vote::Yes
                } else if own == Vote::Free {
                    state.unwrap_or(Vote::Free)
                } else {
                    own
                };
                // As in `decisions`: for a lapse, against the clause is voting to renew.
                match (d.lapse, clause_vote) {
                    (true, Vote::No) => Vote::Yes,
                    (true, Vote::Yes) => Vote::Free,
                    (_, v) => v,
                }
            })
            .collect()
    }

    fn goes(&self, set: &[ActorId], games: &Games) -> Result<bool, VotingError> {
        let d = self.decision;
        let touched = d.voters.iter().any(|a| set.binary_search(a).is_ok())
            || self
                .state
                .is_some_and(|(a, _)| set.binary_search(&a).is_ok());
        if !touched {
            return Ok(d.can_pass);
        }
        let votes = self.votes(set);
        match d.decider {
            Decider::Body { body, rule } => match games.0.get(&(body, rule)) {
                Some(g) => g.goes(&votes, d.lapse),
                None => Err(VotingError::Invalid(
                    "winning over: a rule not prepared".into(),
                )),
            },
            Decider::Consent { .. } => Ok(votes
                .first()
                .is_some_and(|&v| voting::consent_goes(v, d.lapse))),
        }
    }
}

/// Does winning over `set` pass `clause` of an analysed treaty (every requirement with a
/// possible route whose decisions all go its way)? False for a clause that cannot pass
/// whatever the votes; an error when a check gives up.
pub fn passes_when_won_over(
    model: &Model,
    a: &TreatyAnalysis,
    clause: ClauseRef,
    set: &[ActorId],
) -> Result<bool, AnalysisError> {
    let Some(s) = a.clause(clause) else {
        return Ok(false);
    };
    if a.consistency.facts_contradiction.is_some() || s.contradictory || s.impossible() {
        return Ok(false);
    }
    let votes = VoteTable::new(model, &a.objections);
    let mut games = Games::default();
    let oracle = ClauseOracle::new(model, &votes, &a.decisions, s, &mut games)?;
    let mut sorted = set.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    oracle
        .works(&sorted)
        .map_err(|e| voting_error(model, clause, e))
}

//! This module's answers for one decision as claims with certificates, for a checker that
//! confirms them instead of searching (`solve::voting`, behind `check --verify`): every
//! "some profile does it" answer comes with full ballot profiles that do it; the "no
//! profile does it" answers come bare, for the checker to prove.
//!
//! The profiles are found with the same exact arithmetic as the answers (`BallotGame`),
//! packed greedily so that few profiles cover many claims. A certificate is evidence,
//! never an answer: a checker must evaluate each profile itself, and a missing or wrong
//! one only sends it back to its own search.

use crate::model::{Ballot, Body, Rule};

use super::ballots::BallotGame;
use super::decision::{analyse_decision, min_blocking, sole_passers};
use super::{Vote, VotingError};

/// `analyse_decision`'s answers for one decision, with certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionClaim {
    /// Some ballots of the free members make the rule pass.
    pub can_pass: bool,
    /// As `DecisionAnalysis::veto_players` and `veto_ballots`.
    pub veto_players: Vec<usize>,
    pub veto_ballots: Vec<Vec<Ballot>>,
    /// The size of `DecisionAnalysis::smallest_blocking_coalition`.
    pub min_blocking_size: Option<usize>,
    /// Passing profiles, every member's ballot (the fixed ones kept). When the decision
    /// can pass, the first has every free member voting yes, and between them every free
    /// member casts every withholding ballot that is not one of its veto ballots. When it
    /// is blocked, one per veto player, in order: its switch to yes, every free member yes.
    pub passing: Vec<Vec<Ballot>>,
    /// When the decision can pass and can fail: a failing profile in which
    /// `min_blocking_size` free members withhold (the fixed ballots kept).
    pub blocking: Option<Vec<Ballot>>,
}

/// `sole_passers`' answer (every vote free), with certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolePassersClaim {
    pub sole_passers: Vec<usize>,
    /// Failing profiles in which, between them, every member that is not a sole passer
    /// votes yes.
    pub failing: Vec<Vec<Ballot>>,
}

/// A profile and its atom values, kept together while members are moved.
struct Profile {
    ballots: Vec<Ballot>,
    values: Vec<i128>,
}

impl Profile {
    fn new(game: &BallotGame, ballots: Vec<Ballot>) -> Profile {
        let values = game.values(&game.sums(&ballots));
        Profile { ballots, values }
    }

    /// Member `i` (voting yes here) casts `b` instead, when the profile still `passes`
    /// afterwards (`true`: moved).
    fn try_withhold(&mut self, game: &BallotGame, i: usize, b: Ballot, passes: bool) -> bool {
        self.try_move(game, i, b, -1, b, passes)
    }

    /// Member `i` (withholding here) votes yes instead, when the profile still `passes`
    /// afterwards.
    fn try_yes(&mut self, game: &BallotGame, i: usize, passes: bool) -> bool {
        let b = self.ballots[i];
        self.try_move(game, i, b, 1, Ballot::Yes, passes)
    }

    /// Member `i` takes ballot `to`, the atom values moved by `sign` times the damage of
    /// withholding `b`, when the profile still `passes` afterwards.
    fn try_move(
        &mut self,
        game: &BallotGame,
        i: usize,
        b: Ballot,
        sign: i128,
        to: Ballot,
        passes: bool,
    ) -> bool {
        let moved = game.moved(&self.values, i, b, sign);
        if game.passes_values(&moved) != passes {
            return false;
        }
        self.values = moved;
        self.ballots[i] = to;
        true
    }
}

/// `analyse_decision`'s answers with certificates. `votes[i]` is member `i`'s vote.
pub fn decision_claim(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
) -> Result<DecisionClaim, VotingError> {
    let a = analyse_decision(body, rule, votes)?;
    let game = BallotGame::new(body, rule)?;
    let base: Vec<Ballot> = votes
        .iter()
        .map(|v| v.fixed().unwrap_or(Ballot::Yes))
        .collect();
    let mut passing = Vec::new();
    if a.can_pass {
        // First fit, heaviest members first: each (member, ballot) that is no veto goes
        // into the first profile where the member votes yes and which still passes with
        // it withholding so.
        let mut bins = vec![Profile::new(&game, base.clone())];
        let mut free: Vec<usize> = (0..game.n).filter(|&i| votes[i] == Vote::Free).collect();
        game.heaviest_first(&mut free, |&i| i);
        for i in free {
            let vetoes = a
                .veto_players
                .iter()
                .position(|&p| p == i)
                .and_then(|k| a.veto_ballots.get(k));
            for b in Ballot::WITHHOLDING {
                if vetoes.is_some_and(|bs| bs.contains(&b)) {
                    continue;
                }
                let placed = bins
                    .iter_mut()
                    .any(|p| p.ballots[i] == Ballot::Yes && p.try_withhold(&game, i, b, true));
                if !placed {
                    let mut p = Profile::new(&game, base.clone());
                    // A ballot that sinks the decision alone is a veto, so this moves.
                    if p.try_withhold(&game, i, b, true) {
                        bins.push(p);
                    }
                }
            }
        }
        passing.extend(bins.into_iter().map(|p| p.ballots));
    } else {
        for &i in &a.veto_players {
            let mut p = base.clone();
            p[i] = Ballot::Yes;
            passing.push(p);
        }
    }
    let blocking = match (&a.smallest_blocking_coalition, a.can_pass) {
        (Some(c), true) => {
            let mut p = base;
            for (&i, &b) in c.iter().zip(&a.coalition_ballots) {
                p[i] = b;
            }
            Some(p)
        }
        _ => None,
    };
    Ok(DecisionClaim {
        can_pass: a.can_pass,
        veto_players: a.veto_players,
        veto_ballots: a.veto_ballots,
        min_blocking_size: a.smallest_blocking_coalition.map(|c| c.len()),
        passing,
        blocking,
    })
}

/// `sole_passers`' answer with certificates: for the first member not yet covered, a
/// failing profile in which it votes yes (everyone else withholding in one same way, or
/// else the exact blocking search without it), then as many others as possible turned to
/// yes, the lightest first, while it still fails.
pub fn sole_passers_claim(body: &Body, rule: &Rule) -> Result<SolePassersClaim, VotingError> {
    let sole = sole_passers(body, rule)?;
    let game = BallotGame::new(body, rule)?;
    let useful = game.useful_withholding();
    let n = game.n;
    let mut lightest: Vec<usize> = (0..n).collect();
    game.heaviest_first(&mut lightest, |&i| i);
    lightest.reverse();
    let mut covered = vec![false; n];
    for &i in &sole {
        if let Some(c) = covered.get_mut(i) {
            *c = true;
        }
    }
    let mut failing = Vec::new();
    for i in 0..n {
        if covered[i] {
            continue;
        }
        let mut found = None;
        for &b in &useful {
            let mut ballots = vec![b; n];
            ballots[i] = Ballot::Yes;
            let p = Profile::new(&game, ballots);
            if !game.passes_values(&p.values) {
                found = Some(p);
                break;
            }
        }
        if found.is_none() {
            let all_yes = vec![Ballot::Yes; n];
            let others: Vec<(usize, Vec<Ballot>)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| (j, useful.clone()))
                .collect();
            if let Some(set) = min_blocking(&game, &all_yes, &others)? {
                let mut ballots = all_yes;
                for (j, b) in set {
                    ballots[j] = b;
                }
                found = Some(Profile::new(&game, ballots));
            }
        }
        // None: no certificate (the claim then stays unconfirmed for the checker).
        let Some(mut p) = found else { continue };
        for &j in &lightest {
            if p.ballots[j] != Ballot::Yes {
                p.try_yes(&game, j, false);
            }
        }
        for (c, b) in covered.iter_mut().zip(&p.ballots) {
            *c |= *b == Ballot::Yes;
        }
        failing.push(p.ballots);
    }
    Ok(SolePassersClaim {
        sole_passers: sole,
        failing,
    })
}

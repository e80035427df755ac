//! Winning over: the smallest sets of voters with a fixed ballot whose switch lets a blocked
//! decision go its way (docs/semantics.md, "Winning over").
//!
//! For a decision that must pass, winning a voter over turns its fixed no, abstention or
//! absence into a yes; for one that must fail (`lapse of`), it sets the voter's fixed ballot
//! free (a voter won over to the clause no longer votes to renew). Either way the switch
//! only helps (yes is the best ballot; a free ballot can be anything), so "does this set
//! do it?" is monotone in the set, and the smallest sets are found by `smallest_sets`:
//! first the candidates every set needs (with all the others switched it still fails),
//! then the rest by increasing size, every set of one size checked, under a budget of
//! checks. The same search serves a clause (`analysis::win_over`), whose candidates are
//! actors and whose check is every requirement of the clause.

use crate::model::{Ballot, Body, Rule};

use super::ballots::BallotGame;
use super::decision::{first_subset, min_blocking, Vote};
use super::VotingError;

/// How many smallest sets a result keeps (the count says how many there are).
pub const SETS_KEPT: usize = 20;

/// The default budget of `smallest_sets`, in sets checked.
pub const WIN_OVER_CHECKS: u64 = 200_000;

/// The smallest sets of candidates to win over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WinOver<T> {
    /// False when even every candidate switched does not do it.
    pub possible: bool,
    /// The fewest candidates to win over; a lower bound when `at_least`.
    pub size: usize,
    /// The search stopped at its budget before finding any set: `size` is a lower bound.
    pub at_least: bool,
    /// In every smallest set (of those found, when not `complete`).
    pub always: Vec<T>,
    /// When complete: the smallest sets are exactly `always` with any `k` of `of` (at least
    /// two sets, so `k >= 1` and `of` has more than `k`).
    pub any_of: Option<(usize, Vec<T>)>,
    /// The first `SETS_KEPT` smallest sets found, each sorted, in the order of the search
    /// (lexicographic in the candidates' order).
    pub sets: Vec<Vec<T>>,
    /// How many smallest sets were found (all of them when `complete`).
    pub count: u64,
    /// False when the search stopped at its budget: sets of this size may be missing, or
    /// (with `at_least`) none was found.
    pub complete: bool,
}

impl<T: Copy + Ord> WinOver<T> {
    /// Renames the candidates (member indices to actors, say), keeping the shape.
    pub fn map<U: Copy + Ord>(&self, f: impl Fn(T) -> U) -> WinOver<U> {
        let all = |xs: &[T]| xs.iter().map(|&x| f(x)).collect::<Vec<U>>();
        WinOver {
            possible: self.possible,
            size: self.size,
            at_least: self.at_least,
            always: all(&self.always),
            any_of: self.any_of.as_ref().map(|(k, of)| (*k, all(of))),
            sets: self.sets.iter().map(|s| all(s)).collect(),
            count: self.count,
            complete: self.complete,
        }
    }

    /// Is `set` (in any order) one of the smallest sets? `works`: winning it over does it
    /// (checked by the caller). `None` when the result cannot tell: the search was cut and
    /// the set, which works and has the size reached, is not among those found.
    pub fn is_smallest(&self, set: &[T], works: bool) -> Option<bool> {
        let mut sorted = set.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if !self.possible || !works {
            return Some(false);
        }
        if self.sets.contains(&sorted) {
            return Some(true);
        }
        if self.complete || (!self.at_least && sorted.len() != self.size) {
            return Some(works && sorted.len() == self.size);
        }
        if self.at_least && sorted.len() < self.size {
            return Some(false);
        }
        None
    }

    fn impossible() -> WinOver<T> {
        WinOver {
            possible: false,
            size: 0,
            at_least: false,
            always: Vec::new(),
            any_of: None,
            sets: Vec::new(),
            count: 0,
            complete: true,
        }
    }
}

/// The smallest sets of `candidates` (each set sorted) whose switch makes `works` true,
/// `works` being monotone (a superset of a set that works works). `candidates` must be
/// sorted and distinct. At most `budget` sets are checked (besides the `n + 2` first
/// checks: nothing, everyone, everyone but one); past it the result is not `complete`.
/// An error of `works` stops the search.
pub fn smallest_sets<T: Copy + Ord>(
    candidates: &[T],
    budget: u64,
    works: &mut dyn FnMut(&[T]) -> Result<bool, VotingError>,
) -> Result<WinOver<T>, VotingError> {
    if works(&[])? {
        return Ok(found(Vec::new(), vec![Vec::new()], 1, true));
    }
    if !works(candidates)? {
        return Ok(WinOver::impossible());
    }
    // Those every set needs: with every other candidate switched it still fails.
    let mut necessary = Vec::new();
    let mut others = Vec::with_capacity(candidates.len());
    for &c in candidates {
        others.clear();
        others.extend(candidates.iter().copied().filter(|&x| x != c));
        if !works(&others)? {
            necessary.push(c);
        }
    }
    if works(&necessary)? {
        return Ok(found(necessary.clone(), vec![necessary], 1, true));
    }
    let rest: Vec<T> = candidates
        .iter()
        .copied()
        .filter(|c| !necessary.contains(c))
        .collect();
    let mut checked = 0u64;
    let mut cut = false;
    let mut sets: Vec<Vec<T>> = Vec::new();
    let mut count = 0u64;
    let mut always: Option<Vec<T>> = None;
    let mut union: Vec<T> = Vec::new();
    for k in 1..=rest.len() {
        let mut accept = |chosen: &[T]| -> Result<bool, VotingError> {
            checked += 1;
            if checked > budget {
                cut = true;
                return Err(VotingError::SearchLimit { nodes: budget });
            }
            let mut set: Vec<T> = necessary.iter().chain(chosen).copied().collect();
            set.sort_unstable();
            if works(&set)? {
                count += 1;
                always = Some(match always.take() {
                    None => set.clone(),
                    Some(a) => a.into_iter().filter(|x| set.contains(x)).collect(),
                });
                for x in &set {
                    if let Err(at) = union.binary_search(x) {
                        union.insert(at, *x);
                    }
                }
                if sets.len() < SETS_KEPT {
                    sets.push(set);
                }
            }
            // Every set of this size is checked: never stop at the first.
            Ok(false)
        };
        match first_subset(&rest, k, &mut accept) {
            Ok(_) => {}
            Err(VotingError::SearchLimit { .. }) if cut => {}
            Err(e) => return Err(e),
        }
        let size = necessary.len() + k;
        if cut {
            let always = always.unwrap_or_default();
            return Ok(WinOver {
                possible: true,
                size,
                at_least: count == 0,
                always,
                any_of: None,
                sets,
                count,
                complete: false,
            });
        }
        if count > 0 {
            let always = always.unwrap_or_default();
            let mut out = found(always, sets, count, true);
            // `always` with any j of the others: every j-subset of them is a set.
            let of: Vec<T> = union
                .iter()
                .copied()
                .filter(|x| !out.always.contains(x))
                .collect();
            let j = size - out.always.len();
            if count > 1 && binomial(of.len() as u64, j as u64) == Some(u128::from(count)) {
                out.any_of = Some((j, of));
            }
            return Ok(out);
        }
    }
    // Unreachable for a monotone `works` (all candidates work); said plainly if not.
    Err(VotingError::Invalid(
        "winning over: every candidate works but no subset of them does".to_string(),
    ))
}

fn found<T: Copy + Ord>(
    always: Vec<T>,
    sets: Vec<Vec<T>>,
    count: u64,
    complete: bool,
) -> WinOver<T> {
    WinOver {
        possible: true,
        size: sets.first().map_or(0, Vec::len),
        at_least: false,
        always,
        any_of: None,
        sets,
        count,
        complete,
    }
}

/// `n choose k`, `None` past `u128`.
fn binomial(n: u64, k: u64) -> Option<u128> {
    if k > n {
        return Some(0);
    }
    let k = k.min(n - k);
    let mut acc: u128 = 1;
    for i in 0..k {
        acc = acc.checked_mul(u128::from(n - i))? / u128::from(i + 1);
    }
    Some(acc)
}

/// A body's rule prepared once for many "does the decision go its way with these votes?"
/// questions.
pub struct DecisionGame {
    game: BallotGame,
    useful: Vec<Ballot>,
}

impl DecisionGame {
    pub fn new(body: &Body, rule: &Rule) -> Result<DecisionGame, VotingError> {
        let game = BallotGame::new(body, rule)?;
        let useful = game.useful_withholding();
        Ok(DecisionGame { game, useful })
    }

    /// With these votes (one per member), does the decision go its way: pass with every
    /// free vote yes, or for a lapse (`lapse`), fail for some choice of the free ballots
    /// (an exact search)?
    pub fn goes(&self, votes: &[Vote], lapse: bool) -> Result<bool, VotingError> {
        if votes.len() != self.game.n {
            return Err(VotingError::VoteCount {
                expected: self.game.n,
                got: votes.len(),
            });
        }
        let base: Vec<Ballot> = votes
            .iter()
            .map(|v| v.fixed().unwrap_or(Ballot::Yes))
            .collect();
        if !lapse {
            return Ok(self
                .game
                .passes_values(&self.game.values(&self.game.sums(&base))));
        }
        let free: Vec<(usize, Vec<Ballot>)> = (0..self.game.n)
            .filter(|&i| votes[i] == Vote::Free)
            .map(|i| (i, self.useful.clone()))
            .collect();
        Ok(min_blocking(&self.game, &base, &free)?.is_some())
    }
}

/// Does a consent go its way with this vote: given (a yes, or free), or for a lapse
/// withheld (anything but a fixed yes)?
pub fn consent_goes(vote: Vote, lapse: bool) -> bool {
    if lapse {
        vote != Vote::Yes
    } else {
        matches!(vote, Vote::Yes | Vote::Free)
    }
}

/// The vote of a voter won over: a yes, or for a lapse a free ballot.
pub fn won_over(lapse: bool) -> Vote {
    if lapse {
        Vote::Free
    } else {
        Vote::Yes
    }
}

/// May winning this voter over change the decision: a fixed ballot other than yes, or for
/// a lapse any fixed ballot.
pub fn can_win_over(vote: Vote, lapse: bool) -> bool {
    if lapse {
        vote != Vote::Free
    } else {
        vote.withholds()
    }
}

/// The smallest sets of members (indices) to win over so that the decision of `body` under
/// `rule`, with `votes`, goes its way (passes; for a `lapse`, fails); see the module.
pub fn win_over(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
    lapse: bool,
    budget: u64,
) -> Result<WinOver<usize>, VotingError> {
    let game = DecisionGame::new(body, rule)?;
    if votes.len() != game.game.n {
        return Err(VotingError::VoteCount {
            expected: game.game.n,
            got: votes.len(),
        });
    }
    let candidates: Vec<usize> = (0..votes.len())
        .filter(|&i| can_win_over(votes[i], lapse))
        .collect();
    let mut now = votes.to_vec();
    let mut works = |set: &[usize]| -> Result<bool, VotingError> {
        now.copy_from_slice(votes);
        for &i in set {
            now[i] = won_over(lapse);
        }
        game.goes(&now, lapse)
    };
    smallest_sets(&candidates, budget, &mut works)
}

/// `win_over` for one actor's consent with this vote (member 0 is the actor).
pub fn win_over_consent(vote: Vote, lapse: bool) -> WinOver<usize> {
    let candidates: Vec<usize> = if can_win_over(vote, lapse) {
        vec![0]
    } else {
        Vec::new()
    };
    let mut works = |set: &[usize]| -> Result<bool, VotingError> {
        Ok(consent_goes(
            if set.is_empty() {
                vote
            } else {
                won_over(lapse)
            },
            lapse,
        ))
    };
    // One candidate: at most four checks, far under any budget, and no error.
    smallest_sets(&candidates, 4, &mut works).unwrap_or_else(|_| WinOver::impossible())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_two_of_three() {
        // Passes with at least 2 of a, b, c: every pair is a smallest set.
        let cands = [0usize, 1, 2];
        let mut works = |s: &[usize]| Ok(s.len() >= 2);
        let w = smallest_sets(&cands, 100, &mut works).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.size, 2);
        assert_eq!(w.count, 3);
        assert_eq!(w.any_of, Some((2, vec![0, 1, 2])));
        assert!(w.always.is_empty());
    }

    #[test]
    fn necessary_member_and_budget() {
        // 0 is needed, then any 2 of 1..=4.
        let cands = [0usize, 1, 2, 3, 4];
        let mut works = |s: &[usize]| Ok(s.contains(&0) && s.len() >= 3);
        let w = smallest_sets(&cands, 100, &mut works).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((w.size, w.count, w.always.clone()), (3, 6, vec![0]));
        assert_eq!(w.any_of, Some((2, vec![1, 2, 3, 4])));
        // A budget of 3 checks stops within size 1 of the rest: at least 2.
        let w = smallest_sets(&cands, 3, &mut works).unwrap_or_else(|e| panic!("{e}"));
        assert!(!w.complete && w.at_least);
        assert_eq!(w.size, 2);
    }

    #[test]
    fn not_any_of_when_some_pairs_fail() {
        // {0,1} or {2,3}: two sets, not "any 2 of 0..=3".
        let cands = [0usize, 1, 2, 3];
        let mut works = |s: &[usize]| {
            Ok((s.contains(&0) && s.contains(&1)) || (s.contains(&2) && s.contains(&3)))
        };
        let w = smallest_sets(&cands, 100, &mut works).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.sets, vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(w.any_of, None);
    }
}

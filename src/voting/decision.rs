//! One decision with some ballots fixed: can it pass, can it fail, who can veto it and in
//! which way (no, abstain, stay away), who blocks it, and the smallest coalition that could
//! block it; and, for a decision wanted to fail (a lapse), who can prevent that alone.
//!
//! Every rule keeps `Yes` the best ballot (`BallotGame`), so "can it pass?" is answered by
//! setting every free ballot to yes, and "can these members block it?" by setting everyone
//! else to yes and searching the ways the members can withhold (a quorum can be broken by
//! staying away, a share of votes cast by voting no, constructive abstention by
//! abstaining: the best way depends on the rule and may differ between members).

use crate::model::{Ballot, Body, Dim, Rule};

use super::ballots::BallotGame;
use super::game::Axis;
use super::VotingError;

/// How one member votes in a decision: fixed by the model, or free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Vote {
    Yes,
    No,
    Abstain,
    Absent,
    Free,
}

impl Vote {
    /// The ballot, if fixed.
    pub fn fixed(self) -> Option<Ballot> {
        match self {
            Vote::Yes => Some(Ballot::Yes),
            Vote::No => Some(Ballot::No),
            Vote::Abstain => Some(Ballot::Abstain),
            Vote::Absent => Some(Ballot::Absent),
            Vote::Free => None,
        }
    }

    /// A fixed ballot that withholds support (no, abstain or absent).
    pub fn withholds(self) -> bool {
        matches!(self, Vote::No | Vote::Abstain | Vote::Absent)
    }

    pub fn of(b: Ballot) -> Vote {
        match b {
            Ballot::Yes => Vote::Yes,
            Ballot::No => Vote::No,
            Ballot::Abstain => Vote::Abstain,
            Ballot::Absent => Vote::Absent,
        }
    }
}

/// The answers for one decision `(body, rule, votes)`. Member lists are member indices,
/// sorted ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionAnalysis {
    /// The decision passes when every free member votes yes (yes being the best ballot:
    /// if it cannot pass then, it cannot pass at all).
    pub can_pass: bool,
    /// Some ballots of the free members make it fail (the fixed ones kept).
    pub can_fail: bool,
    /// Members whose ballot alone decides, each with the ways that work
    /// (`veto_ballots[i]` for `veto_players[i]`). When the decision can pass these are
    /// free members whose withholding alone (every other free member yes, the fixed
    /// ballots kept) sinks it, with every withholding ballot that does; when it is
    /// blocked they are fixed withholding members who block it single-handed (their
    /// switch to yes would let it pass), with their fixed ballot. Fixed-yes members are
    /// never listed.
    pub veto_players: Vec<usize>,
    pub veto_ballots: Vec<Vec<Ballot>>,
    /// Empty when `can_pass`. Otherwise a smallest subset of the fixed withholding members
    /// whose ballots alone (everyone else yes) already make passing impossible; among
    /// subsets of that size, the one chosen by the tie-break below.
    pub blockers: Vec<usize>,
    /// The fewest free members whose withholding, with the fixed ballots kept, makes
    /// passing impossible, and the ballot each casts (`coalition_ballots`, in the same
    /// order). `Some(vec![])` when the decision is already blocked; `None` when even all
    /// free members together cannot block it.
    ///
    /// Tie-break among minimum coalitions: order the candidates by weight in the rule's
    /// first-named weight dimension, heaviest first, ties by member order (plain member
    /// order when the rule names only the head count); the chosen coalition is the
    /// lexicographically first in that order (so the heaviest members are preferred), and
    /// each member's ballot the first that works of no, abstain, absent.
    pub smallest_blocking_coalition: Option<Vec<usize>>,
    pub coalition_ballots: Vec<Ballot>,
}

impl DecisionAnalysis {
    /// The decision cannot pass, whatever the free members do.
    pub fn blocked(&self) -> bool {
        !self.can_pass
    }
}

/// Analyses one decision. `votes[i]` is member `i`'s vote.
///
/// Complexity: `O(n * |rule|)` for `can_pass` and the veto players; the coalition searches
/// are exact branch and bound (see `smallest_blocking_coalition`).
pub fn analyse_decision(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
) -> Result<DecisionAnalysis, VotingError> {
    let game = BallotGame::new(body, rule)?;
    let n = game.n;
    if votes.len() != n {
        return Err(VotingError::VoteCount {
            expected: n,
            got: votes.len(),
        });
    }
    let base: Vec<Ballot> = votes
        .iter()
        .map(|v| v.fixed().unwrap_or(Ballot::Yes))
        .collect();
    let values = game.values(&game.sums(&base));
    let can_pass = game.passes_values(&values);
    let useful = game.useful_withholding();
    let mut veto_players = Vec::new();
    let mut veto_ballots = Vec::new();
    // Member `i` casting `b` instead of yes: every atom drops by its damage.
    let shifted = |i: usize, b: Ballot, sign: i128| -> Vec<i128> {
        game.atoms
            .iter()
            .zip(&values)
            .map(|(a, &v)| v - sign * a.damage(game.weights[a.axis][i], b))
            .collect()
    };
    for (i, v) in votes.iter().enumerate() {
        if can_pass && *v == Vote::Free {
            let by: Vec<Ballot> = Ballot::WITHHOLDING
                .into_iter()
                .filter(|&b| !game.passes_values(&shifted(i, b, 1)))
                .collect();
            if !by.is_empty() {
                veto_players.push(i);
                veto_ballots.push(by);
            }
        } else if !can_pass {
            if let Some(b) = v.fixed().filter(|_| v.withholds()) {
                // Back to yes: add the damage back.
                if game.passes_values(&shifted(i, b, -1)) {
                    veto_players.push(i);
                    veto_ballots.push(vec![b]);
                }
            }
        }
    }
    let free: Vec<(usize, Vec<Ballot>)> = (0..n)
        .filter(|&i| votes[i] == Vote::Free)
        .map(|i| (i, useful.clone()))
        .collect();
    let (blockers, smallest, can_fail) = if can_pass {
        let found = min_blocking(&game, &base, &free)?;
        let can_fail = found.is_some();
        (Vec::new(), found, can_fail)
    } else {
        let all_yes = vec![Ballot::Yes; n];
        let fixed: Vec<(usize, Vec<Ballot>)> = (0..n)
            .filter_map(|i| {
                let v = votes[i];
                v.fixed().filter(|_| v.withholds()).map(|b| (i, vec![b]))
            })
            .collect();
        let blockers = match min_blocking(&game, &all_yes, &fixed)? {
            Some(found) => found.into_iter().map(|(i, _)| i).collect(),
            None => fixed.iter().map(|(i, _)| *i).collect(),
        };
        (blockers, Some(Vec::new()), true)
    };
    let (smallest_blocking_coalition, coalition_ballots) = match smallest {
        Some(found) => {
            let (ms, bs): (Vec<usize>, Vec<Ballot>) = found.into_iter().unzip();
            (Some(ms), bs)
        }
        None => (None, Vec::new()),
    };
    Ok(DecisionAnalysis {
        can_pass,
        can_fail,
        veto_players,
        veto_ballots,
        blockers,
        smallest_blocking_coalition,
        coalition_ballots,
    })
}

/// Members who can alone make the decision pass, whatever everyone else casts: with their
/// yes, no way of withholding by all the others makes it fail. For a decision that must
/// fail (a measure that lapses unless renewed), these are who can prevent the lapse alone.
pub fn sole_passers(body: &Body, rule: &Rule) -> Result<Vec<usize>, VotingError> {
    let game = BallotGame::new(body, rule)?;
    let useful = game.useful_withholding();
    if let [only] = useful.as_slice() {
        // One way of withholding is always at least as good as the others: everyone but
        // `i` casting it is the others' worst case, so one profile per member decides.
        let values = game.values(&game.sums(&vec![*only; game.n]));
        return Ok((0..game.n)
            .filter(|&i| {
                let with_yes: Vec<i128> = game
                    .atoms
                    .iter()
                    .zip(&values)
                    .map(|(a, &v)| v + a.damage(game.weights[a.axis][i], *only))
                    .collect();
                game.passes_values(&with_yes)
            })
            .collect());
    }
    let all_yes = vec![Ballot::Yes; game.n];
    let yes_values = game.values(&game.sums(&all_yes));
    // Per atom, the most all members together can lower it (each in its own worst way).
    let most: Vec<i128> = game
        .atoms
        .iter()
        .map(|a| {
            (0..game.n)
                .map(|j| {
                    useful
                        .iter()
                        .map(|&b| a.damage(game.weights[a.axis][j], b))
                        .max()
                        .unwrap_or(0)
                })
                .sum()
        })
        .collect();
    let uniform: Vec<(Ballot, Vec<i128>)> = useful
        .iter()
        .map(|&b| (b, game.values(&game.sums(&vec![b; game.n]))))
        .collect();
    let mut out = Vec::new();
    for i in 0..game.n {
        // Sure: even with every atom at its own worst the rule passes with `i` yes.
        let bound: Vec<i128> = game
            .atoms
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let own = useful
                    .iter()
                    .map(|&b| a.damage(game.weights[a.axis][i], b))
                    .max()
                    .unwrap_or(0);
                yes_values[k] - most[k] + own
            })
            .collect();
        if game.passes_values(&bound) {
            out.push(i);
            continue;
        }
        // Excluded: the others all withholding in one same way already block.
        let blocked_uniformly = uniform.iter().any(|(b, values)| {
            let with_yes: Vec<i128> = game
                .atoms
                .iter()
                .zip(values)
                .map(|(a, &v)| v + a.damage(game.weights[a.axis][i], *b))
                .collect();
            !game.passes_values(&with_yes)
        });
        if blocked_uniformly {
            continue;
        }
        let others: Vec<(usize, Vec<Ballot>)> = (0..game.n)
            .filter(|&j| j != i)
            .map(|j| (j, useful.clone()))
            .collect();
        if min_blocking(&game, &all_yes, &others)?.is_none() {
            out.push(i);
        }
    }
    Ok(out)
}

/// Can `members` stop the decision going its wanted way on their own, with every other
/// member free? For a decision that should pass: can their withholding (each in its best
/// way, the others voting yes) make it fail. For a decision that should fail (`lapse`):
/// do their yes votes make it pass whatever the others cast.
pub fn set_blocks(
    body: &Body,
    rule: &Rule,
    members: &[usize],
    lapse: bool,
) -> Result<bool, VotingError> {
    let game = BallotGame::new(body, rule)?;
    let useful = game.useful_withholding();
    let all_yes = vec![Ballot::Yes; game.n];
    let chosen = |j: &usize| members.contains(j);
    let candidates: Vec<(usize, Vec<Ballot>)> = (0..game.n)
        .filter(|j| chosen(j) != lapse)
        .map(|j| (j, useful.clone()))
        .collect();
    let found = min_blocking(&game, &all_yes, &candidates)?;
    Ok(found.is_some() != lapse)
}

/// Does the rule treat abstaining or staying away differently from voting no (a quorum, a
/// share of votes cast, constructive abstention)? Power indices, which are of the
/// two-valued game, then read every withholding member as voting no.
pub fn withholding_matters(body: &Body, rule: &Rule) -> Result<bool, VotingError> {
    Ok(BallotGame::new(body, rule)?.withholding_matters())
}

/// A decision by one actor's consent (`requires ACTOR`): the one member's yes passes it.
/// The same answer as `analyse_decision` on a one-member body deciding by unanimity (a
/// test checks this for every vote), without building that body.
pub fn consent(vote: Vote) -> DecisionAnalysis {
    let can_pass = matches!(vote, Vote::Yes | Vote::Free);
    let the_one = || vec![0];
    let (veto_players, veto_ballots) = match vote {
        Vote::Yes => (Vec::new(), Vec::new()),
        Vote::Free => (the_one(), vec![Ballot::WITHHOLDING.to_vec()]),
        v => (the_one(), vec![v.fixed().into_iter().collect()]),
    };
    let (smallest_blocking_coalition, coalition_ballots) = match vote {
        Vote::Free => (Some(the_one()), vec![Ballot::No]),
        Vote::Yes => (None, Vec::new()),
        _ => (Some(Vec::new()), Vec::new()),
    };
    DecisionAnalysis {
        can_pass,
        can_fail: vote != Vote::Yes,
        veto_players,
        veto_ballots,
        blockers: if can_pass { Vec::new() } else { the_one() },
        smallest_blocking_coalition,
        coalition_ballots,
    }
}

/// Veto players with every vote free: members whose withholding alone (in some way) makes
/// the rule fail.
pub fn veto_players(body: &Body, rule: &Rule) -> Result<Vec<usize>, VotingError> {
    let n = body.members.len();
    Ok(analyse_decision(body, rule, &vec![Vote::Free; n])?.veto_players)
}

/// The smallest blocking coalition with every vote free (what `treaty vetoes` prints):
/// a minimum-size set of members whose withholding makes the rule fail; `None` when no set
/// can. Tie-break as in `DecisionAnalysis::smallest_blocking_coalition`.
///
/// Method: iterative deepening on the coalition size `k`, and for each `k` a depth-first
/// branch and bound over members sorted heaviest first, including (with each useful
/// ballot) before excluding. A branch is cut when even the `r` most damaging remaining
/// candidates on every atom (precomputed suffix tables, `O(n^2)` per atom) could not make
/// the rule fail; for a single weighted threshold this bound is exact and the search walks
/// straight to the greedy answer; for `and`/`or` trees it is admissible, so the answer
/// stays exact. The search gives up with `VotingError::SearchLimit` after a fixed number
/// of nodes.
pub fn smallest_blocking_coalition(
    body: &Body,
    rule: &Rule,
) -> Result<Option<Vec<usize>>, VotingError> {
    let n = body.members.len();
    Ok(analyse_decision(body, rule, &vec![Vote::Free; n])?.smallest_blocking_coalition)
}

/// Search budget, in branch-and-bound nodes.
const NODE_LIMIT: u64 = 20_000_000;

/// Past this many candidates the per-position bound tables (`O(n^2)` memory per atom)
/// are replaced by a weaker global bound, still admissible.
const TABLE_LIMIT: usize = 1024;

/// The fewest `candidates` (each with the ballots it may cast instead of yes) whose
/// ballots, with everyone else as in `base` (where the candidates vote yes), make the game
/// fail, with the ballot each casts; `None` if no choice of them can.
pub(crate) fn min_blocking(
    game: &BallotGame,
    base: &[Ballot],
    candidates: &[(usize, Vec<Ballot>)],
) -> Result<Option<Vec<(usize, Ballot)>>, VotingError> {
    let atoms = game.atoms.len();
    let values = game.values(&game.sums(base));
    if !game.passes_values(&values) {
        return Ok(Some(Vec::new()));
    }
    // The primary order: the first body weight dimension the rule names.
    let primary = game
        .atoms
        .iter()
        .map(|a| a.axis)
        .find(|&a| matches!(game.axes[a], Axis::Dim(Dim::Weight(_))));
    let mut order: Vec<&(usize, Vec<Ballot>)> =
        candidates.iter().filter(|(_, bs)| !bs.is_empty()).collect();
    match primary {
        Some(p) => order
            .sort_by(|(a, _), (b, _)| game.weights[p][*b].cmp(&game.weights[p][*a]).then(a.cmp(b))),
        None => order.sort_by_key(|(i, _)| *i),
    }
    let m = order.len();
    // The most each candidate can lower each atom, over its ballots.
    let damage: Vec<Vec<i128>> = (0..atoms)
        .map(|a| {
            let atom = &game.atoms[a];
            order
                .iter()
                .map(|(i, bs)| {
                    bs.iter()
                        .map(|&b| atom.damage(game.weights[atom.axis][*i], b))
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        })
        .collect();
    let all: Vec<i128> = (0..atoms)
        .map(|a| values[a] - damage[a].iter().sum::<i128>())
        .collect();
    if game.passes_values(&all) {
        return Ok(None);
    }
    // top[a][p][r]: the r largest damages to atom a among order[p..].
    let tabled = m <= TABLE_LIMIT;
    let top: Vec<Vec<Vec<i128>>> = (0..atoms)
        .map(|a| {
            let mut rows = Vec::new();
            if tabled {
                let mut sorted: Vec<i128> = Vec::with_capacity(m);
                for p in (0..m).rev() {
                    let d = damage[a][p];
                    let at = sorted.partition_point(|&x| x > d);
                    sorted.insert(at, d);
                    rows.push(prefix_sums(&sorted));
                }
            } else {
                let mut all = damage[a].clone();
                all.sort_unstable_by(|x, y| y.cmp(x));
                rows.push(prefix_sums(&all));
            }
            rows.reverse();
            rows
        })
        .collect();
    let mut search = Search {
        game,
        order: &order,
        top: &top,
        tabled,
        nodes: 0,
        chosen: Vec::new(),
    };
    for k in 1..=m {
        let mut v = values.clone();
        if search.dfs(0, k, &mut v)? {
            let mut set: Vec<(usize, Ballot)> = search
                .chosen
                .iter()
                .map(|&(p, b)| (order[p].0, b))
                .collect();
            set.sort_unstable();
            return Ok(Some(set));
        }
    }
    // Every choice of ballots was tried: the optimistic bound said "maybe", but no real
    // combination blocks (the members' best ballots pull the atoms different ways).
    Ok(None)
}

fn prefix_sums(sorted_desc: &[i128]) -> Vec<i128> {
    let mut out = Vec::with_capacity(sorted_desc.len() + 1);
    let mut s = 0i128;
    out.push(0);
    for &w in sorted_desc {
        s = s.saturating_add(w);
        out.push(s);
    }
    out
}

struct Search<'a> {
    game: &'a BallotGame,
    order: &'a [&'a (usize, Vec<Ballot>)],
    top: &'a [Vec<Vec<i128>>],
    tabled: bool,
    nodes: u64,
    /// (position in `order`, ballot).
    chosen: Vec<(usize, Ballot)>,
}

impl Search<'_> {
    /// Picks exactly `slots` more candidates from `order[p..]`; true when found (the
    /// picks are left in `chosen`).
    fn dfs(&mut self, p: usize, slots: usize, values: &mut [i128]) -> Result<bool, VotingError> {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            return Err(VotingError::SearchLimit { nodes: NODE_LIMIT });
        }
        if slots == 0 {
            return Ok(!self.game.passes_values(values));
        }
        let left = self.order.len() - p;
        if left < slots {
            return Ok(false);
        }
        // Bound: the most the remaining picks could lower each atom.
        let row = if self.tabled { p } else { 0 };
        let optimistic: Vec<i128> = values
            .iter()
            .enumerate()
            .map(|(a, &v)| {
                let t = &self.top[a][row];
                v - t[slots.min(t.len() - 1)]
            })
            .collect();
        if self.game.passes_values(&optimistic) {
            return Ok(false);
        }
        let (i, ballots) = self.order[p];
        for &b in ballots {
            for (a, atom) in self.game.atoms.iter().enumerate() {
                values[a] -= atom.damage(self.game.weights[atom.axis][*i], b);
            }
            self.chosen.push((p, b));
            let found = self.dfs(p + 1, slots - 1, values)?;
            for (a, atom) in self.game.atoms.iter().enumerate() {
                values[a] += atom.damage(self.game.weights[atom.axis][*i], b);
            }
            if found {
                return Ok(true);
            }
            self.chosen.pop();
        }
        self.dfs(p + 1, slots, values)
    }
}

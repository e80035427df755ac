//! One decision with some ballots fixed: can it pass, can it fail, who can veto it and in
//! which way (no, abstain, stay away), who blocks it, and the smallest coalition that could
//! block it; and, for a decision wanted to fail (a lapse), who can prevent that alone.
//!
//! Every rule keeps `Yes` the best ballot (`BallotGame`), so "can it pass?" is answered by
//! setting every free ballot to yes, and "can these members block it?" by setting everyone
//! else to yes and searching the ways the members can withhold (a quorum can be broken by
//! staying away, a share of votes cast by voting no, constructive abstention by
//! abstaining: the best way depends on the rule and may differ between members).

use crate::model::{Ballot, Body, Rule};

use super::ballots::BallotGame;
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
    /// each member's ballot the first that works of no, abstain, absent, among the ballots
    /// not dominated by another (a ballot that lowers every threshold at least as much as
    /// another is tried instead of it: under a rule with a quorum, staying away).
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
    for (i, v) in votes.iter().enumerate() {
        if can_pass && *v == Vote::Free {
            let by: Vec<Ballot> = Ballot::WITHHOLDING
                .into_iter()
                .filter(|&b| !game.passes_values(&game.moved(&values, i, b, -1)))
                .collect();
            if !by.is_empty() {
                veto_players.push(i);
                veto_ballots.push(by);
            }
        } else if !can_pass {
            if let Some(b) = v.fixed().filter(|_| v.withholds()) {
                // Back to yes: add the damage back.
                if game.passes_values(&game.moved(&values, i, b, 1)) {
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
            .filter(|&i| game.passes_values(&game.moved(&values, i, *only, 1)))
            .collect());
    }
    let all_yes = vec![Ballot::Yes; game.n];
    let yes_values = game.values(&game.sums(&all_yes));
    // Per atom, the most all members together can lower it (each in its own worst way).
    let most: Vec<i128> = (0..game.atoms.len())
        .map(|a| (0..game.n).map(|j| game.most_damage(a, j, &useful)).sum())
        .collect();
    let uniform: Vec<(Ballot, Vec<i128>)> = useful
        .iter()
        .map(|&b| (b, game.values(&game.sums(&vec![b; game.n]))))
        .collect();
    let mut out = Vec::new();
    // One budget for all the members' searches, so the whole question stays bounded.
    let mut nodes = 0;
    for i in 0..game.n {
        // Sure: even with every atom at its own worst the rule passes with `i` yes.
        let bound: Vec<i128> = (0..game.atoms.len())
            .map(|a| yes_values[a] - most[a] + game.most_damage(a, i, &useful))
            .collect();
        if game.passes_values(&bound) {
            out.push(i);
            continue;
        }
        // Excluded: the others all withholding in one same way already block.
        let blocked_uniformly = uniform
            .iter()
            .any(|(b, values)| !game.passes_values(&game.moved(values, i, *b, 1)));
        if blocked_uniformly {
            continue;
        }
        let others: Vec<(usize, Vec<Ballot>)> = (0..game.n)
            .filter(|&j| j != i)
            .map(|j| (j, useful.clone()))
            .collect();
        if min_change(&game, &all_yes, &others, Goal::Fail, &mut nodes)?.is_none() {
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
    PreparedRule::new(body, rule)?.set_blocks(members, lapse)
}

/// A rule normalised once, for the many `set_blocks` questions of a coalition search.
pub struct PreparedRule {
    game: BallotGame,
    useful: Vec<Ballot>,
}

impl PreparedRule {
    pub fn new(body: &Body, rule: &Rule) -> Result<PreparedRule, VotingError> {
        let game = BallotGame::new(body, rule)?;
        let useful = game.useful_withholding();
        Ok(PreparedRule { game, useful })
    }

    /// `set_blocks` for this rule.
    pub fn set_blocks(&self, members: &[usize], lapse: bool) -> Result<bool, VotingError> {
        let all_yes = vec![Ballot::Yes; self.game.n];
        let candidates: Vec<(usize, Vec<Ballot>)> = (0..self.game.n)
            .filter(|j| members.contains(j) != lapse)
            .map(|j| (j, self.useful.clone()))
            .collect();
        let found = min_blocking(&self.game, &all_yes, &candidates)?;
        Ok(found.is_some() != lapse)
    }
}

/// The first `k` of `items` that `accept` takes, trying sets in lexicographic order of
/// their positions in `items` (so the order of `items` is the tie-break); `None` when no
/// set of `k` is accepted. `accept` carries any budget (an error stops the search).
pub fn first_subset<T: Copy>(
    items: &[T],
    k: usize,
    accept: &mut dyn FnMut(&[T]) -> Result<bool, VotingError>,
) -> Result<Option<Vec<T>>, VotingError> {
    fn go<T: Copy>(
        items: &[T],
        start: usize,
        k: usize,
        chosen: &mut Vec<T>,
        accept: &mut dyn FnMut(&[T]) -> Result<bool, VotingError>,
    ) -> Result<bool, VotingError> {
        if k == 0 {
            return accept(chosen);
        }
        for i in start..=items.len().saturating_sub(k) {
            chosen.push(items[i]);
            if go(items, i + 1, k - 1, chosen, accept)? {
                return Ok(true);
            }
            chosen.pop();
        }
        Ok(false)
    }
    if k > items.len() {
        return Ok(None);
    }
    let mut chosen = Vec::with_capacity(k);
    Ok(go(items, 0, k, &mut chosen, accept)?.then_some(chosen))
}

/// Does the rule treat abstaining or staying away differently from voting no (a quorum, a
/// share of votes cast, constructive abstention)? Power indices, which are of the
/// two-valued game, then read every withholding member as voting no.
pub fn withholding_matters(body: &Body, rule: &Rule) -> Result<bool, VotingError> {
    Ok(BallotGame::new(body, rule)?.withholding_matters())
}

/// The fewest members whose yes votes make the decision pass whatever everyone else casts
/// (for a measure that lapses unless renewed: the fewest who can prevent the lapse
/// together). Exact when one way of withholding is always at least as good as the others
/// (then everyone else casting it is the worst case): `Some`; `None` when members can
/// withhold in several incomparable ways, for which this is not computed. Tie-break as in
/// `DecisionAnalysis::smallest_blocking_coalition`.
pub fn smallest_passing_coalition(
    body: &Body,
    rule: &Rule,
) -> Result<Option<Vec<usize>>, VotingError> {
    let game = BallotGame::new(body, rule)?;
    let useful = game.useful_withholding();
    let [only] = useful[..] else {
        return several_ways(&game, &useful);
    };
    let base = vec![only; game.n];
    let candidates: Vec<(usize, Vec<Ballot>)> = (0..game.n).map(|i| (i, vec![only])).collect();
    let mut nodes = 0;
    Ok(
        min_change(&game, &base, &candidates, Goal::Pass, &mut nodes)?
            .map(|set| set.into_iter().map(|(i, _)| i).collect()),
    )
}

/// `smallest_passing_coalition` when members can withhold in several incomparable ways: a
/// set passes the rule whatever the others cast exactly when the others cannot block it.
/// Every member that can block alone belongs to it; the rest are tried by increasing size
/// (heaviest first), each candidate set checked by the exact blocking search. `None` past
/// `PASSING_SETS_LIMIT` sets: not computed.
fn several_ways(game: &BallotGame, useful: &[Ballot]) -> Result<Option<Vec<usize>>, VotingError> {
    let all_yes = vec![Ballot::Yes; game.n];
    let values = game.values(&game.sums(&all_yes));
    let alone_blocks = |i: usize| {
        useful
            .iter()
            .any(|&b| !game.passes_values(&game.moved(&values, i, b, -1)))
    };
    let necessary: Vec<usize> = (0..game.n).filter(|&i| alone_blocks(i)).collect();
    let mut rest: Vec<usize> = (0..game.n).filter(|i| !necessary.contains(i)).collect();
    game.heaviest_first(&mut rest, |&i| i);
    let mut nodes = 0;
    let mut tried = 0usize;
    let mut passes_with = |chosen: &[usize]| -> Result<bool, VotingError> {
        tried += 1;
        if tried > PASSING_SETS_LIMIT {
            return Err(VotingError::SearchLimit {
                nodes: PASSING_SETS_LIMIT as u64,
            });
        }
        let others: Vec<(usize, Vec<Ballot>)> = (0..game.n)
            .filter(|i| !necessary.contains(i) && !chosen.contains(i))
            .map(|i| (i, useful.to_vec()))
            .collect();
        Ok(min_change(game, &all_yes, &others, Goal::Fail, &mut nodes)?.is_none())
    };
    for k in 0..=rest.len() {
        match first_subset(&rest, k, &mut passes_with) {
            Ok(Some(chosen)) => {
                let mut set: Vec<usize> = necessary.iter().chain(&chosen).copied().collect();
                set.sort_unstable();
                return Ok(Some(set));
            }
            Ok(None) => {}
            // Past the budget of candidate sets: not computed, never a guess.
            Err(VotingError::SearchLimit { .. }) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(None)
}

/// How many candidate sets `several_ways` checks before it leaves the question open.
const PASSING_SETS_LIMIT: usize = 10_000;

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

/// The most numbers the per-position tables of one search may hold (16 bytes each).
const TABLE_ENTRIES: usize = 4_000_000;

/// The fewest `candidates` (each with the ballots it may cast instead of yes) whose
/// ballots, with everyone else as in `base` (where the candidates vote yes), make the game
/// fail, with the ballot each casts; `None` if no choice of them can.
pub(crate) fn min_blocking(
    game: &BallotGame,
    base: &[Ballot],
    candidates: &[(usize, Vec<Ballot>)],
) -> Result<Option<Vec<(usize, Ballot)>>, VotingError> {
    let mut nodes = 0;
    min_change(game, base, candidates, Goal::Fail, &mut nodes)
}

/// What a coalition search is after.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Candidates switch from yes to one of their ballots; the rule must fail.
    Fail,
    /// Candidates switch from their one ballot to yes; the rule must pass.
    Pass,
}

/// The fewest candidates whose switch reaches `goal`, everyone else as in `base` (for
/// `Fail` the candidates vote yes in `base`, for `Pass` they cast their ballot there), with
/// the ballot each withholds by; `None` if no choice of them can. `nodes` counts the search
/// steps across calls, against `NODE_LIMIT`.
fn min_change(
    game: &BallotGame,
    base: &[Ballot],
    candidates: &[(usize, Vec<Ballot>)],
    goal: Goal,
    nodes: &mut u64,
) -> Result<Option<Vec<(usize, Ballot)>>, VotingError> {
    let atoms = game.atoms.len();
    let values = game.values(&game.sums(base));
    let reached = |v: &[i128]| game.passes_values(v) == (goal == Goal::Pass);
    if reached(&values) {
        return Ok(Some(Vec::new()));
    }
    let mut order: Vec<&(usize, Vec<Ballot>)> =
        candidates.iter().filter(|(_, bs)| !bs.is_empty()).collect();
    game.heaviest_first(&mut order, |(i, _)| *i);
    let m = order.len();
    // How far each candidate can move each atom (down for `Fail`, up for `Pass`): the
    // damage of its ballot, the most over its ballots.
    let change: Vec<Vec<i128>> = (0..atoms)
        .map(|a| {
            order
                .iter()
                .map(|(i, bs)| game.most_damage(a, *i, bs))
                .collect()
        })
        .collect();
    let sign: i128 = if goal == Goal::Fail { -1 } else { 1 };
    let all: Vec<i128> = (0..atoms)
        .map(|a| values[a] + sign * change[a].iter().sum::<i128>())
        .collect();
    if !reached(&all) {
        return Ok(None);
    }
    // When an atom's changes do not grow along `order` (the usual case: candidates are
    // sorted heaviest first, and a head count changes by one each), the r largest among
    // order[p..] are the next r, so the bound is a difference of prefix sums: exact per
    // position, O(m) to build, whatever the size of the body.
    let prefix: Vec<Option<Vec<i128>>> = change
        .iter()
        .map(|c| c.windows(2).all(|w| w[0] >= w[1]).then(|| prefix_sums(c)))
        .collect();
    // top[a][p][r]: the r largest changes to atom a among order[p..], for the other atoms.
    // Per position only while the tables stay small (they hold `atoms * m^2 / 2` numbers);
    // else one global row, a weaker bound, still admissible.
    let tabled = m <= TABLE_LIMIT && atoms.saturating_mul(m).saturating_mul(m) / 2 <= TABLE_ENTRIES;
    let top: Vec<Vec<Vec<i128>>> = (0..atoms)
        .map(|a| {
            let mut rows = Vec::new();
            if prefix[a].is_some() {
                return rows;
            }
            if tabled {
                let mut sorted: Vec<i128> = Vec::with_capacity(m);
                for p in (0..m).rev() {
                    let d = change[a][p];
                    let at = sorted.partition_point(|&x| x > d);
                    sorted.insert(at, d);
                    rows.push(prefix_sums(&sorted));
                }
            } else {
                let mut all = change[a].clone();
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
        prefix: &prefix,
        tabled,
        sign,
        goal,
        nodes,
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
    // combination reaches the goal (the members' best ballots pull the atoms different ways).
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
    /// Per atom whose changes do not grow along `order`: their prefix sums (then `top` has
    /// no rows for it).
    prefix: &'a [Option<Vec<i128>>],
    tabled: bool,
    /// -1: switches lower the atoms (`Fail`); 1: they raise them (`Pass`).
    sign: i128,
    goal: Goal,
    nodes: &'a mut u64,
    /// (position in `order`, ballot).
    chosen: Vec<(usize, Ballot)>,
}

impl Search<'_> {
    fn reached(&self, values: &[i128]) -> bool {
        self.game.passes_values(values) == (self.goal == Goal::Pass)
    }

    fn step(&mut self) -> Result<(), VotingError> {
        *self.nodes += 1;
        if *self.nodes > NODE_LIMIT {
            return Err(VotingError::SearchLimit { nodes: NODE_LIMIT });
        }
        Ok(())
    }

    /// Picks exactly `slots` more candidates from `order[p..]`; true when found (the
    /// picks are left in `chosen`). The next pick is chosen in a loop rather than by
    /// recursing on "skip", so the depth is the coalition's size, not the body's.
    fn dfs(&mut self, p: usize, slots: usize, values: &mut [i128]) -> Result<bool, VotingError> {
        self.step()?;
        if slots == 0 {
            return Ok(self.reached(values));
        }
        for q in p..self.order.len() {
            if self.order.len() - q < slots {
                return Ok(false);
            }
            if q > p {
                self.step()?;
            }
            // Bound: the most the remaining picks could move each atom. It only weakens
            // as `q` grows, so once it fails every later start fails too.
            let row = if self.tabled { q } else { 0 };
            let optimistic: Vec<i128> = values
                .iter()
                .enumerate()
                .map(|(a, &v)| {
                    let most = match &self.prefix[a] {
                        Some(p) => p[(q + slots).min(p.len() - 1)] - p[q],
                        None => {
                            let t = &self.top[a][row];
                            t[slots.min(t.len() - 1)]
                        }
                    };
                    v + self.sign * most
                })
                .collect();
            if !self.reached(&optimistic) {
                return Ok(false);
            }
            let (i, ballots) = self.order[q];
            for &b in ballots {
                // In place: this is the search's inner loop.
                for (a, v) in values.iter_mut().enumerate() {
                    *v += self.sign * self.game.damage(a, *i, b);
                }
                self.chosen.push((q, b));
                let found = self.dfs(q + 1, slots - 1, values)?;
                for (a, v) in values.iter_mut().enumerate() {
                    *v -= self.sign * self.game.damage(a, *i, b);
                }
                if found {
                    return Ok(true);
                }
                self.chosen.pop();
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::eval::passes_ballots;
    use crate::model::{Base, Bound, Dim, Percent, Ratio, Withholding};

    /// Every profile of the members outside `set` (set members vote yes) passes.
    fn renews_whatever(body: &Body, rule: &Rule, set: &[usize]) -> bool {
        let n = body.members.len();
        let others: Vec<usize> = (0..n).filter(|i| !set.contains(i)).collect();
        (0..4usize.pow(others.len() as u32)).all(|code| {
            let mut ballots = vec![Ballot::Yes; n];
            for (k, &i) in others.iter().enumerate() {
                ballots[i] = Ballot::ALL[(code >> (2 * k)) & 3];
            }
            passes_ballots(body, rule, &ballots)
        })
    }

    /// `smallest_passing_coalition` against brute force over every set and every profile
    /// of the others, on rules where one way of withholding dominates and where several do.
    #[test]
    fn smallest_passing_coalition_is_the_smallest_that_renews() {
        let body = Body::synthetic(&["w"], vec![vec![3], vec![1], vec![2], vec![5]]);
        let dim = Dim::Weight(0);
        let rules = vec![
            Rule::Unanimity,
            Rule::Majority,
            Rule::Share {
                dim,
                strict: false,
                percent: Percent {
                    numer: 60,
                    denom: 1,
                },
            },
            Rule::And(vec![
                Rule::AtMostAgainst(0),
                Rule::Withheld {
                    dim: Dim::Members,
                    strict: false,
                    bound: Bound::Count(0),
                    what: Withholding::Absent,
                },
            ]),
            Rule::ShareOf {
                dim,
                strict: true,
                ratio: Ratio::Fraction { numer: 1, denom: 2 },
                base: Base::Cast,
            },
            Rule::And(vec![
                Rule::Quorum {
                    dim: Dim::Members,
                    strict: false,
                    bound: Bound::Count(3),
                },
                Rule::AtMostAgainst(1),
            ]),
        ];
        let n = body.members.len();
        for rule in &rules {
            let brute = (0..1usize << n)
                .filter(|mask| {
                    let set: Vec<usize> = (0..n).filter(|i| mask >> i & 1 == 1).collect();
                    renews_whatever(&body, rule, &set)
                })
                .map(|mask| mask.count_ones() as usize)
                .min();
            match smallest_passing_coalition(&body, rule) {
                Ok(Some(set)) => {
                    assert!(renews_whatever(&body, rule, &set), "{rule:?}: {set:?}");
                    assert_eq!(Some(set.len()), brute, "{rule:?}");
                }
                other => panic!("{rule:?}: {other:?}, brute force {brute:?}"),
            }
        }
    }
}

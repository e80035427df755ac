//! One decision with some votes fixed: can it pass, who can veto it, who blocks it, and
//! the smallest coalition that could block it.

use crate::model::{Body, Dim, Rule};

use super::game::{Axis, Game};
use super::VotingError;

/// How one member votes in a decision: fixed by the model, or free.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vote {
    Yes,
    No,
    Free,
}

/// The answers for one decision `(body, rule, votes)`. Member lists are member indices,
/// sorted ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionAnalysis {
    /// The decision passes when every free member votes yes (monotone rules: if it cannot
    /// pass then, it cannot pass at all).
    pub can_pass: bool,
    /// Members whose vote alone decides: with every free vote yes and the other fixed
    /// votes kept, the decision passes when this member votes yes and fails when it votes
    /// no. When the decision can pass these are free members (a veto player's no sinks
    /// it); when it is blocked these are fixed-no members who block it single-handed
    /// (their switch to yes would let it pass). Fixed-yes members are never listed.
    pub veto_players: Vec<usize>,
    /// Empty when `can_pass`. Otherwise a smallest subset of the fixed-no members whose
    /// no votes alone (everyone else yes) already make passing impossible; among subsets
    /// of that size, the one chosen by the tie-break of `smallest_blocking_coalition`.
    pub blockers: Vec<usize>,
    /// The fewest free members whose no votes, added to the fixed no votes, make passing
    /// impossible (fixed-yes members stay yes). `Some(vec![])` when the decision is
    /// already blocked; `None` when even all free members voting no cannot block it.
    ///
    /// Tie-break among minimum coalitions: order the candidates by weight in the rule's
    /// first-named weight dimension, heaviest first, ties by member order (plain member
    /// order when the rule names only the head count); the chosen coalition is the
    /// lexicographically first in that order (so the heaviest members are preferred).
    pub smallest_blocking_coalition: Option<Vec<usize>>,
}

impl DecisionAnalysis {
    /// The decision cannot pass, whatever the free members do.
    pub fn blocked(&self) -> bool {
        !self.can_pass
    }
}

/// Analyses one decision. `votes[i]` is member `i`'s vote.
///
/// Complexity: `O(n * |rule|)` for `can_pass` and the veto players; the two coalition
/// searches are exact branch and bound (see `smallest_blocking_coalition`).
pub fn analyse_decision(
    body: &Body,
    rule: &Rule,
    votes: &[Vote],
) -> Result<DecisionAnalysis, VotingError> {
    let game = Game::new(body, rule)?;
    let n = game.n;
    if votes.len() != n {
        return Err(VotingError::VoteCount {
            expected: n,
            got: votes.len(),
        });
    }
    let base: Vec<bool> = votes.iter().map(|v| *v != Vote::No).collect();
    let can_pass = game.wins(&base);
    let mut veto_players = Vec::new();
    let mut trial = base.clone();
    for i in 0..n {
        if votes[i] == Vote::Yes {
            continue;
        }
        trial[i] = true;
        let with_yes = game.wins(&trial);
        trial[i] = false;
        let with_no = game.wins(&trial);
        trial[i] = base[i];
        if with_yes && !with_no {
            veto_players.push(i);
        }
    }
    let fixed_no: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::No).collect();
    let free: Vec<usize> = (0..n).filter(|&i| votes[i] == Vote::Free).collect();
    let (blockers, smallest) = if can_pass {
        let forced: Vec<bool> = votes.iter().map(|v| *v == Vote::No).collect();
        (Vec::new(), min_blocking(&game, &forced, &free)?)
    } else {
        let none = vec![false; n];
        let blockers = min_blocking(&game, &none, &fixed_no)?.unwrap_or(fixed_no);
        (blockers, Some(Vec::new()))
    };
    Ok(DecisionAnalysis {
        can_pass,
        veto_players,
        blockers,
        smallest_blocking_coalition: smallest,
    })
}

/// A decision by one actor's consent (`requires ACTOR`): the one member's yes passes it.
/// The same answer as `analyse_decision` on a one-member body deciding by unanimity (a
/// test checks this for every vote), without building that body.
pub fn consent(vote: Vote) -> DecisionAnalysis {
    let can_pass = vote != Vote::No;
    let the_one = || vec![0];
    DecisionAnalysis {
        can_pass,
        veto_players: if vote == Vote::Yes {
            Vec::new()
        } else {
            the_one()
        },
        blockers: if can_pass { Vec::new() } else { the_one() },
        smallest_blocking_coalition: match vote {
            Vote::Free => Some(the_one()),
            Vote::Yes => None,
            Vote::No => Some(Vec::new()),
        },
    }
}

/// Veto players with every vote free: members whose no alone makes the rule fail.
pub fn veto_players(body: &Body, rule: &Rule) -> Result<Vec<usize>, VotingError> {
    let n = body.members.len();
    Ok(analyse_decision(body, rule, &vec![Vote::Free; n])?.veto_players)
}

/// The smallest blocking coalition with every vote free (what `treaty vetoes` prints):
/// a minimum-size set of members whose no votes make the rule fail; `None` when no set
/// can (a rule that passes with no yes votes at all). Tie-break as in
/// `DecisionAnalysis::smallest_blocking_coalition`.
///
/// Method: iterative deepening on the coalition size `k`, and for each `k` a depth-first
/// branch and bound over members sorted heaviest first, including before excluding. A
/// branch is cut when even the `r` heaviest remaining candidates on every axis
/// (precomputed suffix tables, `O(n^2)` per axis) could not make the rule fail; for a
/// single weighted threshold this bound is exact and the search walks straight to the
/// greedy answer; for `and`/`or` trees it is admissible, so the answer stays exact. The
/// search gives up with `VotingError::SearchLimit` after a fixed number of nodes.
pub fn smallest_blocking_coalition(
    body: &Body,
    rule: &Rule,
) -> Result<Option<Vec<usize>>, VotingError> {
    let n = body.members.len();
    Ok(analyse_decision(body, rule, &vec![Vote::Free; n])?.smallest_blocking_coalition)
}

/// Search budget, in branch-and-bound nodes.
const NODE_LIMIT: u64 = 20_000_000;

/// Past this many candidates the per-position bound tables (`O(n^2)` memory per axis)
/// are replaced by a weaker global bound, still admissible.
const TABLE_LIMIT: usize = 1024;

/// The fewest `candidates` whose no votes, with the `forced` no votes and everyone else
/// voting yes, make the game lose; `None` if all of them together cannot.
fn min_blocking(
    game: &Game,
    forced: &[bool],
    candidates: &[usize],
) -> Result<Option<Vec<usize>>, VotingError> {
    let axes = game.weights.len();
    // The primary order: the first body weight dimension the formula names.
    let primary = game
        .used_axes()
        .into_iter()
        .find(|&a| matches!(game.axes[a], Axis::Dim(Dim::Weight(_))));
    let mut order: Vec<usize> = candidates.to_vec();
    if let Some(p) = primary {
        order.sort_by(|&a, &b| game.weights[p][b].cmp(&game.weights[p][a]).then(a.cmp(&b)));
    } else {
        order.sort_unstable();
    }
    let m = order.len();
    // No weight per axis of the forced members.
    let forced_no: Vec<u64> = (0..axes)
        .map(|a| {
            (0..game.n)
                .filter(|&i| forced[i])
                .map(|i| game.weights[a][i])
                .sum()
        })
        .collect();
    let blocks = |no: &[u64]| -> bool {
        let yes: Vec<u64> = (0..axes).map(|a| game.totals[a] - no[a]).collect();
        !game.formula.eval(&yes)
    };
    // Everyone available voting no must block, or nothing does.
    let mut all_no = forced_no.clone();
    for &i in &order {
        for (a, s) in all_no.iter_mut().enumerate() {
            *s += game.weights[a][i];
        }
    }
    if !blocks(&all_no) {
        return Ok(None);
    }
    if blocks(&forced_no) {
        return Ok(Some(Vec::new()));
    }
    // top[a][p][r]: sum of the r largest weights on axis a among order[p..].
    let tabled = m <= TABLE_LIMIT;
    let mut top: Vec<Vec<Vec<u64>>> = Vec::with_capacity(axes);
    for a in 0..axes {
        let mut rows = Vec::new();
        let mut sorted: Vec<u64> = Vec::with_capacity(m);
        let positions: Vec<usize> = if tabled {
            (0..m).rev().collect()
        } else {
            Vec::new()
        };
        for p in positions {
            let w = game.weights[a][order[p]];
            let at = sorted.partition_point(|&x| x > w);
            sorted.insert(at, w);
            rows.push(prefix_sums(&sorted));
        }
        if !tabled {
            let mut all: Vec<u64> = order.iter().map(|&i| game.weights[a][i]).collect();
            all.sort_unstable_by(|x, y| y.cmp(x));
            rows.push(prefix_sums(&all));
        }
        rows.reverse();
        top.push(rows);
    }
    let mut search = Search {
        game,
        order: &order,
        top: &top,
        tabled,
        nodes: 0,
        chosen: Vec::new(),
        blocks: &blocks,
    };
    for k in 1..=m {
        let mut no = forced_no.clone();
        if search.dfs(0, k, &mut no)? {
            let mut set: Vec<usize> = search.chosen.iter().map(|&p| order[p]).collect();
            set.sort_unstable();
            return Ok(Some(set));
        }
    }
    // Unreachable in practice: all candidates together block (checked above).
    Ok(Some(order.clone()))
}

fn prefix_sums(sorted_desc: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(sorted_desc.len() + 1);
    let mut s = 0u64;
    out.push(0);
    for &w in sorted_desc {
        s = s.saturating_add(w);
        out.push(s);
    }
    out
}

struct Search<'a> {
    game: &'a Game,
    order: &'a [usize],
    top: &'a [Vec<Vec<u64>>],
    tabled: bool,
    nodes: u64,
    chosen: Vec<usize>,
    blocks: &'a dyn Fn(&[u64]) -> bool,
}

impl Search<'_> {
    /// Picks exactly `slots` more candidates from `order[p..]`; true when found (the
    /// picks are left in `chosen`).
    fn dfs(&mut self, p: usize, slots: usize, no: &mut [u64]) -> Result<bool, VotingError> {
        self.nodes += 1;
        if self.nodes > NODE_LIMIT {
            return Err(VotingError::SearchLimit { nodes: NODE_LIMIT });
        }
        if slots == 0 {
            return Ok((self.blocks)(no));
        }
        let left = self.order.len() - p;
        if left < slots {
            return Ok(false);
        }
        // Bound: the most no weight the remaining picks could add, axis by axis.
        let row = if self.tabled { p } else { 0 };
        let optimistic: Vec<u64> = (0..no.len())
            .map(|a| {
                let t = &self.top[a][row];
                no[a].saturating_add(t[slots.min(t.len() - 1)])
            })
            .collect();
        let capped: Vec<u64> = optimistic
            .iter()
            .zip(&self.game.totals)
            .map(|(&o, &t)| o.min(t))
            .collect();
        if !(self.blocks)(&capped) {
            return Ok(false);
        }
        let i = self.order[p];
        for (a, s) in no.iter_mut().enumerate() {
            *s += self.game.weights[a][i];
        }
        self.chosen.push(p);
        let found = self.dfs(p + 1, slots - 1, no)?;
        for (a, s) in no.iter_mut().enumerate() {
            *s -= self.game.weights[a][i];
        }
        if found {
            return Ok(true);
        }
        self.chosen.pop();
        self.dfs(p + 1, slots, no)
    }
}

//! `Game`: a rule as a two-valued game (every member votes yes or no), normalised to
//! `And`/`Or` trees of atoms "yes weight in dimension `d` is at least `quota`", which the
//! power-index algorithms work on (decisions use the four-valued `BallotGame`). The reference semantics they are tested
//! against is the direct evaluator `model::eval::passes`.

use crate::model::{Body, Dim, Rule};

use super::ballots::BallotGame;
use super::VotingError;

/// One axis of a game: a body dimension, or the 0/1 indicator of a listed set of members
/// (for `no veto from` / `all of`), so that every atom is a weighted threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Axis {
    Dim(Dim),
    Listed(Vec<usize>),
}

/// A normalised rule: a monotone formula over atoms "weight on axis `axis` >= `quota`".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Node {
    Const(bool),
    /// `quota` is in `1..=total` of its axis (constant atoms are folded away).
    Atom {
        axis: usize,
        quota: u64,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl Node {
    /// Evaluates with the yes weight of each axis given by `sums`.
    pub(crate) fn eval(&self, sums: &[u64]) -> bool {
        match self {
            Node::Const(b) => *b,
            Node::Atom { axis, quota } => sums[*axis] >= *quota,
            Node::And(ns) => ns.iter().all(|n| n.eval(sums)),
            Node::Or(ns) => ns.iter().any(|n| n.eval(sums)),
        }
    }

    fn axes(&self, out: &mut Vec<usize>) {
        match self {
            Node::Const(_) => {}
            Node::Atom { axis, .. } => {
                if !out.contains(axis) {
                    out.push(*axis);
                }
            }
            Node::And(ns) | Node::Or(ns) => ns.iter().for_each(|n| n.axes(out)),
        }
    }
}

/// A rule over a body, normalised: per-axis weights and totals, and the formula.
#[derive(Clone, Debug)]
pub(crate) struct Game {
    pub n: usize,
    pub axes: Vec<Axis>,
    /// `weights[a][i]`: weight of member `i` on axis `a`.
    pub weights: Vec<Vec<u64>>,
    pub formula: Node,
}

impl Game {
    /// The two-valued game of a rule: every member votes yes or no (`BallotGame::binary`).
    pub(crate) fn new(body: &Body, rule: &Rule) -> Result<Game, VotingError> {
        Ok(BallotGame::new(body, rule)?.binary())
    }

    /// The axes the formula mentions, in order of first mention.
    pub(crate) fn used_axes(&self) -> Vec<usize> {
        let mut out = Vec::new();
        self.formula.axes(&mut out);
        out
    }

    /// Does the coalition (`member[i]` true for yes) win?
    pub(crate) fn wins(&self, yes: &[bool]) -> bool {
        let sums: Vec<u64> = self
            .weights
            .iter()
            .map(|ws| {
                ws.iter()
                    .zip(yes)
                    .filter(|(_, &y)| y)
                    .map(|(&w, _)| w)
                    .sum()
            })
            .collect();
        self.formula.eval(&sums)
    }

    /// The members in every winning coalition (empty when even everyone together loses):
    /// those whose leaving the grand coalition makes it lose. The grand coalition's sums
    /// are computed once and each member is tested by subtracting its weights, so this is
    /// `O(n * axes)`, where a `wins` call per member would be `O(n^2 * axes)`.
    pub(crate) fn vetoers(&self) -> Vec<usize> {
        let all: Vec<u64> = self.weights.iter().map(|ws| ws.iter().sum()).collect();
        if !self.formula.eval(&all) {
            return Vec::new();
        }
        let mut without = all.clone();
        (0..self.n)
            .filter(|&i| {
                for (a, ws) in self.weights.iter().enumerate() {
                    without[a] = all[a] - ws.get(i).copied().unwrap_or(0);
                }
                !self.formula.eval(&without)
            })
            .collect()
    }

    /// The axis of the head count, if the formula uses it.
    pub(crate) fn members_axis(&self) -> Option<usize> {
        self.axes.iter().position(|a| *a == Axis::Dim(Dim::Members))
    }
}

/// Merges atoms on the same axis (an `and` keeps the highest quota, an `or` the lowest)
/// and unwraps single children, so that e.g. `at least 50% and more than 50% of votes`
/// is recognised as one weighted threshold.
pub(crate) fn simplify(kids: Vec<Node>, is_and: bool) -> Node {
    let mut out: Vec<Node> = Vec::new();
    for k in kids {
        if let Node::Atom { axis, quota } = k {
            if let Some(Node::Atom { quota: q, .. }) = out
                .iter_mut()
                .find(|o| matches!(o, Node::Atom { axis: a, .. } if *a == axis))
            {
                *q = if is_and {
                    (*q).max(quota)
                } else {
                    (*q).min(quota)
                };
                continue;
            }
        }
        out.push(k);
    }
    match out.len() {
        0 => Node::Const(is_and),
        1 => out.pop().unwrap_or(Node::Const(is_and)),
        _ if is_and => Node::And(out),
        _ => Node::Or(out),
    }
}
